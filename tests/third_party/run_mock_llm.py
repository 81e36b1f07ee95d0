#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""CTest third_party_mock_llm: `dripfeed stream` against @dwmkerr/mock-llm 0.1.29 (npm, MIT).

    run_mock_llm.py --dripfeed build/dripfeed --build-dir build

A third-party OpenAI-compatible mock server, written by nobody on the team, installed at
test time with npm (pinned version) into <build>/third_party/mock-llm and started on
127.0.0.1 with a free port. It serves streaming Chat Completions only (no /v1/responses):
it cuts the answer with JavaScript's String.slice every `chunkSize` UTF-16 code units and
sends each piece as one `chat.completion.chunk` SSE event, JSON.stringify'd, so an astral
character (an emoji) whose two code units fall in two pieces arrives as "\\ud83d" at the
end of one delta and "\\ude00" at the start of the next. All requests go through a small
TCP proxy in this script that counts connections and records the bytes dripfeed received.

What it proves, each a counted check:
  - for chunkSize 1 and 7: dripfeed's stdout is exactly the configured non-ASCII text
    (plus the newline the tool ends an answer with), the final state is completed, exit 0;
    the recorded response really holds each emoji split across two events (so the test
    proves the pair joining it claims), and `dripfeed decode --api chat` of that recording,
    at --feed 1 and the default, gives the same text;
  - a prompt with quotes, backslash, newline, tab and non-ASCII text goes out as JSON the
    server's parser (express.json) accepts, echoed back unchanged by a template rule;
  - an error the server streams (`data: {"error":...}`) ends in state=failed, exit 1,
    with the server's message; the mock's 404 for /v1/responses in state=http_error;
  - `--header 'X-A: b'` reaches the server; `--header $'X-A: b\\r\\nX-Evil: 1'` is refused
    with exit 2 naming the option, and neither the proxy nor the server's request log
    saw anything.
Any failure to install node, npm or the package fails the test (no skip).
"""
import argparse
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

PKG = "@dwmkerr/mock-llm"
VERSION = "0.1.29"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

TEXT = "Hello 😀 world, café — 日本語 🎉"
ECHO_PROMPT = 'Echo "quoted" back\\slash\nnew line\ttab 😀 café 日本語'
CHUNK_SIZES = (1, 7)

passed = 0
failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + what)
    else:
        failed += 1
        print("FAIL " + what + (": " + detail if detail else ""))
    return ok


def die(msg):
    print("third_party_mock_llm: FAILED: " + msg, file=sys.stderr)
    sys.exit(1)


# ---- installing -----------------------------------------------------------------------

def ensure_node():
    """node and npm, from Debian or NodeSource; scripts/ensure_cmd.sh as differential_sse."""
    if shutil.which("node") and shutil.which("npm"):
        return
    r = subprocess.run(["bash", "-c", '. "$1"; ensure node nodejs && ensure npm npm',
                        "ensure", os.path.join(ROOT, "scripts", "ensure_cmd.sh")],
                       env=dict(os.environ, ENSURE_LABEL="third_party_mock_llm"))
    if r.returncode != 0 or not (shutil.which("node") and shutil.which("npm")):
        die("nodejs/npm are missing and could not be installed")


def installed_version(prefix):
    try:
        with open(os.path.join(prefix, "node_modules", PKG, "package.json")) as f:
            return json.load(f).get("version")
    except (OSError, ValueError):
        return None


def install(prefix):
    if installed_version(prefix) == VERSION:
        return
    spec = "%s@%s" % (PKG, VERSION)
    print("third_party_mock_llm: npm install --prefix %s %s" % (prefix, spec), flush=True)
    os.makedirs(prefix, exist_ok=True)
    try:
        r = subprocess.run(["npm", "install", "--prefix", prefix, "--no-audit", "--no-fund",
                            "--save-exact", "--fetch-timeout=60000", "--fetch-retries=2", spec],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    except subprocess.TimeoutExpired:
        die("npm install %s took more than 300 s" % spec)
    if r.returncode != 0:
        sys.stderr.write(r.stdout.decode("utf-8", "replace"))
        die("npm install %s failed" % spec)
    if installed_version(prefix) != VERSION:
        die("npm install %s left no %s %s in %s" % (spec, PKG, VERSION, prefix))


# ---- the server -----------------------------------------------------------------------

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def die_with_parent():
    """In the child: SIGKILL when this script dies, even by SIGKILL (ctest timeout)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def chat_json(rid, content_json):
    """A chat.completion body template; content_json is the message's JSON text."""
    return ('{"id":"%s","object":"chat.completion","created":1700000000,"model":"mock",'
            '"choices":[{"index":0,"message":%s,"finish_reason":"stop"}]}' % (rid, content_json))


def config(chunk_size):
    canned = chat_json("chatcmpl-canned", json.dumps({"role": "assistant", "content": TEXT},
                                                      ensure_ascii=False))
    # The last user message as the answer's message: JSON-stringified by the template, so
    # quotes and newlines survive; the server's streamer only reads message.content.
    echo = chat_json("chatcmpl-echo", "{{jmes request body.messages[-1]}}")
    hdr = chat_json("chatcmpl-hdr", '{"role":"assistant","content":"x-a={{jmes request headers."x-a"}}"}')
    err = json.dumps({"error": {"message": "Incorrect API key provided.", "type":
                                "invalid_request_error", "param": None, "code": "invalid_api_key"}})
    chat = "^/v1/chat/completions$"
    # last matching rule wins
    return {
        "streaming": {"chunkSize": chunk_size, "chunkIntervalMs": 0},
        "rules": [
            {"path": chat, "method": "POST", "response": {"status": 200, "content": echo}},
            {"path": chat, "method": "POST", "match": "body.messages[-1].content == 'canned'",
             "response": {"status": 200, "content": canned}},
            {"path": chat, "method": "POST", "match": "body.messages[-1].content == 'hdr'",
             "response": {"status": 200, "content": hdr}},
            {"path": chat, "method": "POST", "match": "body.messages[-1].content == 'err401'",
             "response": {"status": 401, "content": err}},
        ],
    }


class MockServer:
    def __init__(self, prefix, workdir):
        self.main = os.path.join(prefix, "node_modules", PKG, "dist", "main.js")
        self.workdir = workdir
        self.cfg = os.path.join(workdir, "mock-llm.yaml")
        self.logpath = os.path.join(workdir, "mock-llm.log")
        self.proc = None
        self.port = None

    def start(self):
        with open(self.cfg, "w", encoding="utf-8") as f:  # JSON is YAML
            json.dump(config(CHUNK_SIZES[0]), f, ensure_ascii=False, indent=1)
        for _attempt in range(3):
            self.port = free_port()
            log = open(self.logpath, "wb")
            env = dict(os.environ, HOST="127.0.0.1", PORT=str(self.port))
            self.proc = subprocess.Popen(["node", self.main, "--config", self.cfg], cwd=self.workdir,
                                         env=env, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True,
                                         preexec_fn=die_with_parent)
            log.close()
            want = "server running on 127.0.0.1:%d" % self.port
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and self.proc.poll() is None:
                if want in self.log():
                    return
                time.sleep(0.05)
            self.stop()
        die("mock-llm did not start; its log:\n" + self.log())

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
                try:
                    os.killpg(self.proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    pass
        else:
            try:  # anything it left in its group
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc = None

    def log(self):
        try:
            with open(self.logpath, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def requests(self, line):
        """How many times the server logged `line` (its per-request log: METHOD PATH)."""
        return sum(1 for l in self.log().splitlines() if l.strip() == line)

    def patch_config(self, obj):
        req = urllib.request.Request("http://127.0.0.1:%d/config" % self.port, method="PATCH",
                                     data=json.dumps(obj).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            r.read()


# ---- a counting, recording TCP proxy ----------------------------------------------------

class Proxy:
    """127.0.0.1:port -> the mock. Counts connections, records what the client got."""

    def __init__(self, upstream_port):
        self.up = upstream_port
        self.lsock = socket.socket()
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(16)
        self.port = self.lsock.getsockname()[1]
        self.lock = threading.Lock()
        self.conns = []  # per accepted connection: {"down": bytearray}
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def count(self):
        with self.lock:
            return len(self.conns)

    def down(self, i):
        with self.lock:
            return bytes(self.conns[i]["down"])

    def accept_loop(self):
        while True:
            try:
                c, _ = self.lsock.accept()
            except OSError:
                return
            rec = {"down": bytearray()}
            with self.lock:
                self.conns.append(rec)
            try:
                u = socket.create_connection(("127.0.0.1", self.up), timeout=5)
                u.settimeout(None)
            except OSError:
                c.close()
                continue
            threading.Thread(target=self.pump, args=(c, u, None), daemon=True).start()
            threading.Thread(target=self.pump, args=(u, c, rec["down"]), daemon=True).start()

    def pump(self, src, dst, record):
        try:
            while True:
                d = src.recv(65536)
                if not d:
                    break
                if record is not None:
                    with self.lock:
                        record.extend(d)
                dst.sendall(d)
        except OSError:
            pass
        for s, how in ((dst, socket.SHUT_WR), (src, socket.SHUT_RD)):
            try:
                s.shutdown(how)
            except OSError:
                pass

    def close(self):
        self.lsock.close()


# ---- helpers ----------------------------------------------------------------------------

def dechunk(body):
    out = bytearray()
    i = 0
    while True:
        j = body.index(b"\r\n", i)
        n = int(body[i:j].split(b";")[0], 16)
        if n == 0:
            return bytes(out)
        out += body[j + 2:j + 2 + n]
        i = j + 2 + n + 2


def complete(raw):
    """A whole chunked (or [DONE]-ended) response?"""
    return raw.endswith(b"\r\n0\r\n\r\n") or raw.endswith(b"data: [DONE]\n\n")


def fetch_raw(port, prompt):
    """The raw HTTP response to a streaming chat request, read up to its last chunk."""
    body = json.dumps({"model": "mock-model", "stream": True,
                       "messages": [{"role": "user", "content": prompt}]}).encode()
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        raw = b""
        while not complete(raw):  # the server keeps the connection alive: no EOF to wait for
            d = s.recv(65536)
            if not d:
                break
            raw += d
        return raw
    finally:
        s.close()


def deltas(raw):
    """The delta contents of a recorded chat stream (JSON-decoded, surrogates kept)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    if re.search(rb"(?im)^transfer-encoding:\s*chunked", head):
        body = dechunk(body)
    out = []
    for ev in body.decode("utf-8").split("\n\n"):
        for line in ev.split("\n"):
            if line.startswith("data: ") and line != "data: [DONE]":
                ch = json.loads(line[6:]).get("choices") or [{}]
                c = ch[0].get("delta", {}).get("content")
                if c is not None:
                    out.append(c)
    return out


def is_high(ch):
    return 0xD800 <= ord(ch) <= 0xDBFF


def is_low(ch):
    return 0xDC00 <= ord(ch) <= 0xDFFF


def expected_splits(text, chunk_size):
    """Astral characters whose two UTF-16 code units String.slice puts in two pieces."""
    n, units = 0, 0
    for ch in text:
        if ord(ch) > 0xFFFF:
            n += (units + 1) % chunk_size == 0
            units += 2
        else:
            units += 1
    return n


class Dripfeed:
    def __init__(self, exe, proxy_port):
        self.exe = exe
        self.base = "http://127.0.0.1:%d/v1" % proxy_port
        self.env = dict(os.environ, OPENAI_API_KEY="dummy-key-for-mock-llm")

    def stream(self, *args):
        cmd = [self.exe, "stream", "--base-url", self.base, "--model", "mock-model",
               "--connect-timeout", "5", "--first-event-timeout", "10", "--idle-timeout", "10",
               "--retries", "0", "--progress-every", "0"] + list(args)
        try:
            p = subprocess.run(cmd, env=self.env, stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=30)
        except subprocess.TimeoutExpired:
            return -1, "", "timed out"
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")

    def decode(self, path, *args):
        with open(path, "rb") as f:
            p = subprocess.run([self.exe, "decode", "--api", "chat"] + list(args), stdin=f,
                               capture_output=True, timeout=30)
        try:
            summary = json.loads(p.stdout.decode("utf-8"))
        except ValueError:
            summary = None
        return p.returncode, summary, p.stderr.decode("utf-8", "replace")


def final_state(err):
    m = re.findall(r"dripfeed: state=(\w+)", err)
    return m[-1] if m else None


# ---- the checks -------------------------------------------------------------------------

def run_checks(srv, proxy, df, workdir):
    show = lambda rc, out, err: "exit %d stdout %r stderr %r" % (rc, out, err[-400:])

    for cs in CHUNK_SIZES:
        srv.patch_config({"streaming": {"chunkSize": cs, "chunkIntervalMs": 0}})
        tag = "chunkSize %d" % cs
        n0 = proxy.count()
        rc, out, err = df.stream("--api", "chat", "canned")
        check(rc == 0 and out == TEXT + "\n" and final_state(err) == "completed",
              "%s: stream --api chat prints the configured text, state=completed, exit 0" % tag,
              show(rc, out, err))
        if not check(proxy.count() == n0 + 1, "%s: one connection" % tag,
                     "%d connections" % (proxy.count() - n0)):
            continue
        raw = proxy.down(n0)
        if not complete(raw):
            # dripfeed hung up early (it failed above): the same request from here, so the
            # checks of what the server sends and of decode still run
            print("     %s: dripfeed's recording is incomplete; fetching the stream directly" % tag)
            raw = fetch_raw(srv.port, "canned")
        path = os.path.join(workdir, "chat-chunk%d.http" % cs)
        with open(path, "wb") as f:
            f.write(raw)
        try:
            ds = deltas(raw)
        except (ValueError, UnicodeDecodeError) as e:
            check(False, "%s: the recorded response parses" % tag, repr(e))
            continue
        joined = "".join(ds).encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        check(joined == TEXT, "%s: the server's deltas join to the configured text" % tag,
              repr(ds))
        splits = [(a, b) for a, b in zip(ds, ds[1:]) if a and b and is_high(a[-1]) and is_low(b[0])]
        want = expected_splits(TEXT, cs)
        check(want > 0 and len(splits) == want and b"\\ud83d" in raw and b"\\ude00" in raw,
              "%s: the response splits %d surrogate pair(s) across two events" % (tag, want),
              "found %d: %r" % (len(splits), splits))
        for feed in (["--feed", "1"], []):
            rc, summary, derr = df.decode(path, *feed)
            ok = (rc == 0 and summary is not None and summary.get("state") == "completed"
                  and summary.get("http_status") == 200 and summary.get("text") == TEXT)
            check(ok, "%s: decode --api chat %s gives the configured text" %
                  (tag, " ".join(feed) or "(default feed)"),
                  "exit %d summary %r stderr %r" % (rc, summary, derr[-300:]))

    rc, out, err = df.stream("--api", "chat", ECHO_PROMPT)
    check(rc == 0 and out == ECHO_PROMPT + "\n" and final_state(err) == "completed",
          "a prompt with quotes, backslash, newline, tab, non-ASCII is echoed back unchanged",
          show(rc, out, err))

    rc, out, err = df.stream("--api", "chat", "err401")
    check(rc == 1 and out == "" and final_state(err) == "failed"
          and "Incorrect API key provided." in err and "invalid_api_key" in err,
          "an error event in the stream: state=failed with the server's message, exit 1",
          show(rc, out, err))

    rc, out, err = df.stream("--api", "responses", "canned")
    check(rc == 1 and final_state(err) == "http_error" and "http=404" in err
          and "Cannot POST /v1/responses" in err,
          "--api responses: the mock has no /v1/responses, its 404 is reported (http_error)",
          show(rc, out, err))

    line = "POST /v1/chat/completions"
    n0, l0 = proxy.count(), srv.requests(line)
    rc, out, err = df.stream("--api", "chat", "--header", "X-A: b", "hdr")
    check(rc == 0 and out == "x-a=b\n" and proxy.count() == n0 + 1 and srv.requests(line) == l0 + 1,
          "--header 'X-A: b' reaches the server (one connection, one logged request)",
          show(rc, out, err) + " connections +%d requests +%d" %
          (proxy.count() - n0, srv.requests(line) - l0))

    n0, l0 = proxy.count(), srv.requests(line)
    rc, out, err = df.stream("--api", "chat", "--header", "X-A: b\r\nX-Evil: 1", "canned")
    time.sleep(0.3)
    check(rc == 2 and "--header" in err and out == "",
          "--header with CR LF is refused, exit 2, the message names the option",
          show(rc, out, err))
    check(proxy.count() == n0 and srv.requests(line) == l0,
          "... and nothing reached the server (no connection, no logged request)",
          "connections +%d requests +%d" % (proxy.count() - n0, srv.requests(line) - l0))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dripfeed", required=True)
    ap.add_argument("--build-dir", required=True)
    a = ap.parse_args()
    if not os.access(a.dripfeed, os.X_OK):
        die("%s is not built" % a.dripfeed)

    # ctest's timeout and ^C: run the finally blocks
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    t0 = time.monotonic()
    ensure_node()
    base = os.path.join(os.path.abspath(a.build_dir), "third_party")
    install(os.path.join(base, "mock-llm"))
    t_inst = time.monotonic() - t0

    workdir = tempfile.mkdtemp(prefix="mock-llm-run-", dir=base)
    srv = MockServer(os.path.join(base, "mock-llm"), workdir)
    proxy = None
    try:
        srv.start()
        print("mock-llm %s on 127.0.0.1:%d (install/check %.1f s)" % (VERSION, srv.port, t_inst))
        proxy = Proxy(srv.port)
        run_checks(srv, proxy, Dripfeed(os.path.abspath(a.dripfeed), proxy.port), workdir)
    except SystemExit:
        raise
    except Exception as e:  # a crash of the test itself is a failure, reported
        check(False, "the test ran to the end", repr(e))
    finally:
        if proxy is not None:
            proxy.close()
        srv.stop()
        if not failed:  # also when interrupted (die() has printed the server's log)
            shutil.rmtree(workdir, ignore_errors=True)
    print("%d passed, %d failed (%.1f s)" % (passed, failed, time.monotonic() - t0))
    if failed:
        print("kept for a look: " + workdir)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
