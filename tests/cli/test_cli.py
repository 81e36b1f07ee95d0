#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""CTest cli_messages: what `dripfeed` says when something is wrong.

Usage: test_cli.py DRIPFEED [--only NAME]

Runs the host tool with bad options and values and checks each message
(stderr, exact text) and the exit status (2 = bad usage, docs/spec/cli.md);
then against the local HTTPS replay server (tests/server/replay_server.py,
127.0.0.1 only, stopped by this script whatever happens): PROMPT `-` from
stdin, the notice before each retry, the progress line while the first event
is slow, --temperature in the request body, --header values with control
bytes refused before anything is sent, the TLS reason for an expired
certificate / wrong host / wrong CA; plain http:// to a loopback address
(a one-shot server on 127.0.0.1 sends a recorded capture); and that `sse` and
`decode` run in constant memory whatever the size of the input. The API key
given in the environment must never appear in any output.

Prints one line per case and ends with "N passed, M failed".
"""
import argparse
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import http.client
import ssl

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from run_itest import CAPTURES, MKCERTS, Server as _ReplayServer, expected_text  # noqa: E402

KEY = "sk-test-cli-SECRET-7f3a9c"


class Server(_ReplayServer):
    """One replay server on 127.0.0.1 with certificate CERT of CERTS (run_itest's)."""

    def __init__(self, work, certs, cert, name):
        super().__init__(work, os.path.join(certs, cert + ".pem"),
                         os.path.join(certs, cert + ".key"), name, extra=("--exit-with-parent",))


class Ctx:
    def __init__(self, binary, work):
        self.binary = binary
        self.work = work
        self.certs = os.path.join(work, "certs")
        self.outputs = []  # every stdout/stderr seen: the key must be in none
        self.main = self.expired = self.wronghost = None

    def run(self, args, stdin=b"", env_key=KEY, timeout=30):
        env = dict(os.environ)
        env.pop("OPENAI_API_KEY", None)
        if env_key is not None:
            env["OPENAI_API_KEY"] = env_key
        t0 = time.time()
        p = subprocess.run([self.binary] + args, input=stdin, capture_output=True, timeout=timeout,
                           env=env)
        out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
        self.outputs.append(out + err)
        return p.returncode, out, err, time.time() - t0

    def stream(self, args, port=None, ca="ca.pem", **kw):
        base = ["stream", "--base-url", f"https://localhost:{port or self.main.port}/v1",
                "--ca", os.path.join(self.certs, ca)]
        return self.run(base + args, **kw)

    def admin(self, method, path):
        ctx = ssl.create_default_context(cafile=os.path.join(self.certs, "ca.pem"))
        c = http.client.HTTPSConnection("localhost", self.main.port, context=ctx, timeout=10)
        try:
            c.request(method, path, body=b"" if method == "POST" else None)
            return json.loads(c.getresponse().read() or b"null")
        finally:
            c.close()


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def H(name, value):
    return ["--header", f"{name}: {value}"]


def status_of(err):
    for line in err.splitlines():
        if line.startswith("dripfeed: state="):
            return dict(kv.split("=", 1) for kv in line[len("dripfeed: "):].split() if "=" in kv)
    return {}


# ---- bad usage: (args, the exact stderr line) ---------------------------------

USAGE_CASES = [
    (["foo"], "dripfeed: unknown command 'foo': sse, decode, text, chunk, speak, display or stream (see dripfeed --help)"),
    (["sse", "--foo"], "dripfeed sse: unknown option '--foo' (see dripfeed --help)"),
    (["sse", "--feed", "abc"], "dripfeed sse: --feed: 'abc' is not a whole number (1..1073741824)"),
    (["sse", "--feed", "0"], "dripfeed sse: --feed: 0 is out of range (1..1073741824)"),
    (["sse", "--feed", "-3"], "dripfeed sse: --feed: '-3' is not a whole number (1..1073741824)"),
    (["sse", "--feed", "12k"], "dripfeed sse: --feed: '12k' is not a whole number (1..1073741824)"),
    (["sse", "--buffer"], "dripfeed sse: --buffer needs a value (see dripfeed --help)"),
    (["decode", "--buffer", "63"], "dripfeed decode: --buffer: 63 is out of range (64..1073741824)"),
    (["decode", "--tokens", "7"], "dripfeed decode: --tokens: 7 is out of range (8..16777216)"),
    (["decode", "--api", "completions"], "dripfeed decode: --api: 'completions' is not responses or chat"),
    (["decode", "x.http"],
     "dripfeed decode: unexpected argument 'x.http' (the input comes from stdin: dripfeed decode < FILE)"),
    (["sse", "--events"], "dripfeed sse: unknown option '--events' (see dripfeed --help)"),
    (["stream", "--retries", "abc", "x"], "dripfeed stream: --retries: 'abc' is not a whole number (0..10)"),
    (["stream", "--retries", "11", "x"], "dripfeed stream: --retries: 11 is out of range (0..10)"),
    (["stream", "--retries", "2x", "x"], "dripfeed stream: --retries: '2x' is not a whole number (0..10)"),
    (["stream", "--retries", "", "x"], "dripfeed stream: --retries: '' is not a whole number (0..10)"),
    (["stream", "--foo", "x"],
     "dripfeed stream: unknown option '--foo' (see dripfeed stream --help; a PROMPT that starts with - goes after --)"),
    (["stream"], "dripfeed stream: no PROMPT (give the text, or - to read it from stdin; see dripfeed stream --help)"),
    (["stream", "one", "two"], "dripfeed stream: more than one PROMPT ('one' and 'two'); quote a prompt that has spaces"),
    (["stream", "--model"], "dripfeed stream: --model needs a value (see dripfeed stream --help)"),
    (["stream", "--api", "foo", "x"], "dripfeed stream: --api: 'foo' is not responses or chat"),
    (["stream", "--temperature", "2.5", "x"], "dripfeed stream: --temperature: 2.5 is out of range (0..2)"),
    (["stream", "--temperature", "warm", "x"], "dripfeed stream: --temperature: 'warm' is not a number (0..2, e.g. 0.7)"),
    (["stream", "--temperature", "-1", "x"], "dripfeed stream: --temperature: '-1' is not a number (0..2, e.g. 0.7)"),
    (["stream", "--idle-timeout", "soon", "x"],
     "dripfeed stream: --idle-timeout: 'soon' is not a number of seconds (0..86400, fractions allowed, 0 = none)"),
    (["stream", "--connect-timeout", "1e3", "x"],
     "dripfeed stream: --connect-timeout: '1e3' is not a number of seconds (0..86400, fractions allowed, 0 = none)"),
    (["stream", "--total-timeout", "90000", "x"], "dripfeed stream: --total-timeout: 90000 s is out of range (0..86400)"),
    (["stream", "--max-output-tokens", "0", "x"],
     "dripfeed stream: --max-output-tokens: 0 is out of range (1..2147483647)"),
    (["stream", "--after", "3", "x"], "dripfeed stream: --after goes with --resume ID"),
    (["stream", "--tool", "f:{bad", "x"],
     "dripfeed stream: --tool f: the schema after ':' is not valid JSON (it is sent as is)"),
    (["stream", "--tool", "f:[1,]", "x"],
     "dripfeed stream: --tool f: the schema after ':' is not valid JSON (it is sent as is)"),
    (["stream", "--tool-result", "ok", "x"],
     "dripfeed stream: --tool-result answers the calls of the tools you offer: give a --tool NAME"),
    (["stream", "--api", "chat", "--tool", "f", "--tool-result", "ok", "x"],
     "dripfeed stream: --tool-result needs --api responses (the answer goes back with "
     "previous_response_id, which Chat Completions does not have)"),
    (["stream", "--resume", "resp_1", "x"], "dripfeed stream: a PROMPT ('x') does not go with --resume"),
    (["stream", "--reasoning-summary", "long", "x"],
     "dripfeed stream: --reasoning-summary: 'long' is not auto, concise or detailed"),
    (["stream", "--header", "NoColon", "x"], "dripfeed stream: --header: 'NoColon' has no ':' (write it as 'Name: value')"),
    (["stream", "--header", "X Y: z", "x"],
     "dripfeed stream: --header: the name 'X Y' is not a token (letters, digits and !#$%&'*+-.^_`|~ only; byte 1 is 0x20)"),
    (["stream", "--header", "X-A: b\r\nX-Evil: 1", "x"],
     "dripfeed stream: --header 'X-A': the value holds the control byte 0x0d (CR) at offset 2; CR, LF and other "
     "control bytes are refused (HTAB is allowed), nothing was sent"),
    (["stream", "--header", "X-A: b\nX-Evil: 1", "x"],
     "dripfeed stream: --header 'X-A': the value holds the control byte 0x0a (LF) at offset 2; CR, LF and other "
     "control bytes are refused (HTAB is allowed), nothing was sent"),
    (["stream", "--header", "X-A: a\x01b", "x"],
     "dripfeed stream: --header 'X-A': the value holds the control byte 0x01 at offset 2; CR, LF and other "
     "control bytes are refused (HTAB is allowed), nothing was sent"),
    (["stream", "--tool", ":{}", "x"], "dripfeed stream: --tool: the name is 0 bytes; it must be 1..64"),
    (["stream", "--base-url", "ftp://h/v1", "x"],
     "dripfeed stream: --base-url: 'ftp://h/v1' does not start with https:// (or http:// for a loopback host)"),
    (["stream", "--base-url", "https://h:0/v1", "x"],
     "dripfeed stream: --base-url: 'https://h:0/v1': the port must be a number 1..65535"),
    (["stream", "--base-url", "https://h:44x/v1", "x"],
     "dripfeed stream: --base-url: 'https://h:44x/v1': the port must be a number 1..65535"),
    (["stream", "--base-url", "http://example.com/v1", "x"],
     "dripfeed stream: --base-url: plain http:// only to a loopback host (localhost, 127.x.y.z, [::1]); "
     "use https:// for example.com"),
    (["stream", "--base-url", "https://" + "h" * 300 + "/v1", "x"],
     "dripfeed stream: --base-url: the host is 300 bytes; at most 255 fit"),
    (["stream", "--resume", "resp 1"],
     "dripfeed stream: --resume: 'resp 1' is not a response id (letters, digits, _ and -, 1..64 bytes)"),
]


def c_usage(c):
    bad = []
    for args, want in USAGE_CASES:
        rc, out, err, _ = c.run(args)
        lines = [l for l in err.splitlines() if l.strip()]
        if rc != 2 or out != "" or lines != [want]:
            bad.append(f"{args!r}: rc={rc} stderr={err!r}")
    check(not bad, "\n  ".join([""] + bad))


def c_help(c):
    rc, out, err, _ = c.run(["stream", "--help"])
    check(rc == 0 and err == "", (rc, err))
    for want in ("--first-event-timeout S default 120", "--idle-timeout S        default 60",
                 "0 = none", "--temperature X", "PROMPT - : read the prompt from stdin"):
        check(want in out, f"--help lacks {want!r}")
    rc, out, err, _ = c.run(["--help"])
    check(rc == 0 and out.startswith("usage: dripfeed sse"), (rc, out[:80]))
    rc, out, err, _ = c.run([])
    check(rc == 2 and err.startswith("usage: dripfeed sse") and out == "", (rc, err[:80]))


def c_nothing_sent_on_refusal(c):
    """A refused header, key or prompt: no request reaches the server."""
    c.admin("POST", "/_reset")
    rc, _, err, _ = c.stream(H("X-A", "b\r\nX-Evil: 1") + ["x"])
    check(rc == 2 and "refused" in err, err)
    rc, _, err, _ = c.stream(["x"], env_key=KEY + "\n")
    check(rc == 2 and err.strip() == "dripfeed stream: OPENAI_API_KEY holds the control byte 0x0a (LF) at "
          f"offset {len(KEY)} (a stray newline?); it is not sent", err)
    rc, _, err, _ = c.stream(["-"], stdin=b"a" * 70000)
    check(rc == 2 and err.strip() == "dripfeed stream: the prompt on stdin is 70000 bytes; the request buffer "
          "holds 65536, less the rest of the request (rebuild with -DDRIP_CLI_TX_BYTES=N for more)", err)
    rc, _, err, _ = c.stream(["-"], stdin=b'"' * 40000)
    m = re.fullmatch(r"dripfeed stream: the request is (\d+) bytes \(prompt, instructions, tools, headers\); "
                     r"the request buffer holds 65536 \(rebuild with -DDRIP_CLI_TX_BYTES=N for more\)", err.strip())
    check(rc == 2 and m and int(m.group(1)) > 80000, err)
    rc, _, err, _ = c.stream(["-"], stdin=b"a\0b")
    check(rc == 2 and err.strip() == "dripfeed stream: the prompt on stdin holds a NUL byte at offset 1 (text only)",
          err)
    check(c.admin("GET", "/_requests") == [], "a refused request reached the server")


def c_stdin_prompt(c):
    c.admin("POST", "/_reset")
    prompt = "What is 2+2?\nAnswer \"briefly\", please. ünïcödé"
    rc, out, err, _ = c.stream(["-"], stdin=prompt.encode())
    check(rc == 0 and status_of(err).get("state") == "completed", (rc, err[-300:]))
    check(out == expected_text("responses-text-gpt52") + "\n", repr(out))
    reqs = c.admin("GET", "/_requests")
    check(len(reqs) == 1, reqs)
    body = json.loads(reqs[0]["body"])
    check(prompt in (body["input"] if isinstance(body["input"], str) else json.dumps(body["input"])),
          body["input"])
    check("temperature" not in body, body)


def c_temperature(c):
    c.admin("POST", "/_reset")
    rc, out, err, _ = c.stream(["--temperature", "0.7", "x"])
    check(rc == 0, err[-300:])
    body = json.loads(c.admin("GET", "/_requests")[0]["body"])
    check(body.get("temperature") == 0.7, body)


def c_retry_notice(c):
    c.admin("POST", "/_reset")
    rc, out, err, dt = c.stream(H("X-Drip-Fault", "status=429,retry_after_ms=300,fail_times=1") +
                                H("X-Drip-Key", "cli429") + ["x"])
    check(rc == 0 and status_of(err).get("state") == "completed", err[-400:])
    notes = [l for l in err.splitlines() if "retrying" in l]
    check(notes == ["dripfeed: HTTP 429 rate_limit_exceeded: retrying in 0.3 s (attempt 2 of 3)"], notes)
    check(dt >= 0.3, dt)
    c.admin("POST", "/_reset")
    rc, out, err, _ = c.stream(["--retries", "1"] + H("X-Drip-Fault", "status=503,retry_after_ms=200,fail_times=9") +
                               H("X-Drip-Key", "cli503") + ["x"])
    notes = [l for l in err.splitlines() if "retrying" in l]
    check(rc == 1 and notes == ["dripfeed: HTTP 503 server_error: retrying in 0.2 s (attempt 2 of 2)"], (rc, notes))
    check(len(c.admin("GET", "/_requests")) == 2, "retries=1: two attempts")
    # a transport error: the first-event timeout, then backoff (0.375..0.5 s)
    rc, out, err, _ = c.stream(["--retries", "1", "--first-event-timeout", "0.3"] +
                               H("X-Drip-Fault", "stall_before_headers=1500") + ["x"])
    notes = [l for l in err.splitlines() if "retrying" in l]
    check(rc == 1 and len(notes) == 1 and
          re.fullmatch(r"dripfeed: transport: timeout \(-12\): retrying in 0\.[45] s \(attempt 2 of 2\)", notes[0]),
          (rc, notes))


def c_progress(c):
    rc, out, err, _ = c.stream(["--progress-every", "0.5"] + H("X-Drip-Fault", "stall_before_headers=1300") + ["x"])
    check(rc == 0, err[-300:])
    lines = [l for l in err.splitlines() if "waiting" in l]
    check(lines == ["dripfeed: waiting for the first event (0.5 s)...",
                    "dripfeed: waiting for the first event (1 s)..."], lines)
    rc, out, err, _ = c.stream(["--progress-every", "0.3", "x"])
    check(rc == 0 and "waiting" not in err, err)  # a quick answer: no progress line


def tls_case(port_attr, ca, reason, code=-16):
    def run(c):
        rc, out, err, _ = c.stream(["--retries", "0", "x"], port=getattr(c, port_attr).port if port_attr else None,
                                   ca=ca)
        errs = [l for l in err.splitlines() if l.startswith("dripfeed: error:")]
        check(rc == 1 and status_of(err).get("state") == "failed", (rc, err))
        check(len(errs) == 1 and errs[0].startswith(f"dripfeed: error: tls: certificate of localhost refused: {reason} ("),
              errs)
        check("(mbedtls -0x2700" in errs[0] and errs[0].endswith(f" ({code})"), errs)
    return run


def c_plain_http_loopback(c):
    """http:// to 127.0.0.1: plain TCP, no TLS; a one-shot server sends a capture."""
    with open(os.path.join(CAPTURES, "responses-text-gpt52.http"), "rb") as f:
        capture = f.read()
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(10)
    got = {}

    def serve():
        try:
            conn, _ = srv.accept()
            conn.settimeout(10)
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, body = data.split(b"\r\n\r\n", 1)
            n = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1))
            while len(body) < n:
                body += conn.recv(65536)
            got["head"] = head.decode()
            conn.sendall(capture)
            conn.close()
        except OSError as e:
            got["error"] = str(e)

    th = threading.Thread(target=serve, daemon=True)
    th.start()
    try:
        rc, out, err, _ = c.run(["stream", "--base-url", f"http://127.0.0.1:{srv.getsockname()[1]}/v1", "x"])
    finally:
        th.join(12)
        srv.close()
    check(rc == 0 and out == expected_text("responses-text-gpt52") + "\n", (rc, out, err[-300:], got))
    check(got.get("head", "").startswith("POST /v1/responses HTTP/1.1"), got)


def peak_kb(args, stdin_path):
    """Feed a file to the tool through a pipe; its peak RSS (VmHWM, KiB) once it
    has read all of it (the pipe holds at most 64 KiB: writes return only as the
    tool reads), then its exit status and stdout."""
    out_path = stdin_path + ".out"
    with open(stdin_path, "rb") as fin, open(out_path, "wb") as fout:
        p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=fout, stderr=subprocess.DEVNULL)
        try:
            while True:
                chunk = fin.read(1 << 20)
                if not chunk:
                    break
                p.stdin.write(chunk)
            p.stdin.flush()
            with open(f"/proc/{p.pid}/status") as st:
                kb = int(re.search(r"(?m)^VmHWM:\s+(\d+) kB", st.read()).group(1))
        finally:
            p.stdin.close()
            p.wait(timeout=60)
    return kb, p.returncode, out_path


def sse_input(path, events):
    with open(path, "wb") as f:
        for i in range(events):
            f.write(b"id: %d\ndata: " % i + b"x" * 1000 + b"\n\n")


def http_input(path, deltas):
    """A Responses stream of `deltas` 1000-byte text deltas: the text is as big as the input."""
    chunk = "y" * 1000
    with open(path + ".body", "wb") as b:
        for i in range(deltas):
            ev = {"type": "response.output_text.delta", "sequence_number": i, "item_id": "msg_1",
                  "output_index": 0, "content_index": 0, "delta": chunk}
            b.write(b"event: response.output_text.delta\ndata: " + json.dumps(ev).encode() + b"\n\n")
        done = {"type": "response.completed", "sequence_number": deltas,
                "response": {"id": "resp_big", "object": "response", "status": "completed", "output": [],
                             "usage": {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}}}
        b.write(b"event: response.completed\ndata: " + json.dumps(done).encode() + b"\n\n")
    size = os.path.getsize(path + ".body")
    with open(path, "wb") as f, open(path + ".body", "rb") as b:
        f.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: %d\r\n\r\n" % size)
        shutil.copyfileobj(b, f)
    os.unlink(path + ".body")


def c_constant_memory(c):
    small, big = os.path.join(c.work, "small"), os.path.join(c.work, "big")
    sse_input(small + ".sse", 100)
    sse_input(big + ".sse", 30000)       # 30 MB
    http_input(small + ".http", 100)
    http_input(big + ".http", 30000)     # 30 MB, 30 MB of text
    r = {}
    for kind, args in (("sse", [c.binary, "sse"]), ("http", [c.binary, "decode"])):
        for size in ("small", "big"):
            kb, rc, out = peak_kb(args, os.path.join(c.work, f"{size}.{kind}"))
            check(rc == 0, f"{kind} {size}: exit {rc}")
            r[(kind, size)] = (kb, out)
    # sse: one line per event, the last is the end line
    with open(r[("sse", "big")][1], "rb") as f:
        lines = f.read().splitlines()
    check(len(lines) == 30001 and json.loads(lines[-1]) == {"end": "eof", "last_event_id": "29999", "retry": None},
          lines[-1][:200])
    with open(r[("http", "big")][1], "rb") as f:
        summary = json.loads(f.read())
    check(summary["state"] == "completed" and summary["text"] == "y" * 30000000, summary["state"])
    for kind in ("sse", "http"):
        grow = r[(kind, "big")][0] - r[(kind, "small")][0]
        check(grow < 2048, f"{kind}: peak RSS grew by {grow} KiB for 30 MB more input "
                           f"({r[(kind, 'small')][0]} -> {r[(kind, 'big')][0]} KiB)")
    c.rss = {k[0] + "_" + k[1]: v[0] for k, v in r.items()}


def c_key_never_printed(c):
    leaked = [o[:200] for o in c.outputs if KEY in o]
    check(not leaked and c.outputs, leaked)


CASES = [
    ("bad options and values: message and exit 2", c_usage),
    ("--help: defaults stated, exit 0", c_help),
    ("refused header, key or prompt: nothing sent, limits stated", c_nothing_sent_on_refusal),
    ("PROMPT - from stdin", c_stdin_prompt),
    ("--temperature 0.7 in the body", c_temperature),
    ("notice before each retry", c_retry_notice),
    ("progress line while the first event is slow", c_progress),
    ("TLS: expired certificate, the reason", tls_case("expired", "ca.pem", "The certificate validity has expired", -17)),
    ("TLS: wrong host name, the reason",
     tls_case("wronghost", "ca.pem", "The certificate Common Name (CN) does not match with the expected CN")),
    ("TLS: wrong CA, the reason",
     tls_case(None, "other-ca.pem", "The certificate is not correctly signed by the trusted CA")),
    ("plain http:// to 127.0.0.1", c_plain_http_loopback),
    ("sse and decode: constant memory", c_constant_memory),
    ("the API key is never printed", c_key_never_printed),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dripfeed")
    ap.add_argument("--only")
    a = ap.parse_args()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    work = tempfile.mkdtemp(prefix="drip-cli-")
    servers = []
    passed = failed = 0
    try:
        c = Ctx(os.path.abspath(a.dripfeed), work)
        subprocess.run(["sh", MKCERTS, c.certs], check=True, capture_output=True)
        c.main = Server(work, c.certs, "server", "main")
        servers.append(c.main)
        c.expired = Server(work, c.certs, "expired", "expired")
        servers.append(c.expired)
        c.wronghost = Server(work, c.certs, "wrong-host", "wronghost")
        servers.append(c.wronghost)
        for name, fn in CASES:
            if a.only and a.only not in name and fn is not c_key_never_printed:
                continue
            t0 = time.time()
            try:
                fn(c)
                passed += 1
                print(f"ok   {name} ({time.time() - t0:.2f}s)", flush=True)
            except Exception as e:  # noqa: BLE001 - report every failure and go on
                failed += 1
                print(f"FAIL {name}: {e}", flush=True)
        if getattr(c, "rss", None):
            print(f"peak RSS (KiB), 100 vs 30000 events: {json.dumps(c.rss)}")
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()
