#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Self-test of the replay server: certificates, every fault and endpoint, TLS failures.

    python3 tests/server/selftest.py [--transcripts DIR] [-v]

Generates fresh certificates with mkcerts.sh in a temporary directory, starts replay_server.py on
an ephemeral port, and talks to it with Python's ssl + http.client (verifying with the test CA)
and with a small raw HTTP/1.1 reader that keeps chunk boundaries. Prints `N passed, M failed`,
exits 1 on any failure, and always stops every server it started. Runs in a few seconds.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TRANSCRIPTS = os.environ.get("DRIP_TRANSCRIPTS", os.path.join(os.path.dirname(HERE), "transcripts"))

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def check(cond, msg="check failed"):
    if not cond:
        raise AssertionError(msg)


# ---------------------------------------------------------------------------------------------
# Server process handling
# ---------------------------------------------------------------------------------------------
class Server:
    """One replay_server.py process; stop() is safe to call any number of times."""

    def __init__(self, workdir, cert, key, transcripts, extra=()):
        self.ready = os.path.join(workdir, f"ready-{os.path.basename(cert)}-{time.time_ns()}")
        self.log = open(os.path.join(workdir, f"server-{os.path.basename(cert)}.log"), "w")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "replay_server.py"), "--cert", cert, "--key", key,
             "--transcripts", transcripts, "--port", "0", "--ready-file", self.ready,
             "--body-timeout", "0.5", "--exit-with-parent", "--max-lifetime", "120", *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        self.port = None
        while time.monotonic() < deadline:
            if os.path.exists(self.ready):
                self.port = int(open(self.ready).read())
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        if self.port is None:
            self.stop()
            raise RuntimeError("server did not become ready")

    def stop(self, timeout=5.0):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()
        return self.proc.returncode


# ---------------------------------------------------------------------------------------------
# Raw HTTP/1.1 client that keeps chunk boundaries and notices truncation
# ---------------------------------------------------------------------------------------------
class Resp:
    def __init__(self):
        self.status = None
        self.headers = {}
        self.chunks = []         # chunk data pieces (chunked) or one piece (Content-Length)
        self.exts = []           # chunk extensions as sent
        self.announced = []      # chunk sizes as announced
        self.complete = False    # framing says the body is complete
        self.error = None        # "eof", "reset", ... when the connection ended early
        self.recvs = 0           # number of recv() calls that returned data
        self.elapsed = 0.0

    @property
    def body(self):
        return b"".join(self.chunks)

    def json(self):
        return json.loads(self.body)


class Reader:
    def __init__(self, sock):
        self.sock, self.buf, self.recvs = sock, b"", 0

    def fill(self):
        try:
            data = self.sock.recv(65536)
        except ConnectionResetError:
            raise EOFError("reset")
        except ssl.SSLEOFError:
            raise EOFError("eof")          # TCP closed without close_notify
        except ssl.SSLError as e:
            raise EOFError(f"ssl:{e.reason}")
        except (socket.timeout, TimeoutError):
            raise EOFError("timeout")
        if not data:
            raise EOFError("eof")
        self.recvs += 1
        self.buf += data

    def line(self):
        while b"\r\n" not in self.buf:
            self.fill()
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line

    def exact(self, n, sink=None):
        while len(self.buf) < n:
            if sink is not None and self.buf:
                sink.append(self.buf)
                n -= len(self.buf)
                self.buf = b""
            self.fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data


def tls_ctx(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    return ctx


def connect(port, cafile, host="localhost", timeout=10.0):
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return tls_ctx(cafile).wrap_socket(raw, server_hostname=host)


def request(env, method, path, body=None, headers=None, sock=None, raw_request=None,
            timeout=10.0):
    """Send one request (optionally on an existing socket) and read the response raw."""
    own = sock is None
    if own:
        sock = connect(env.port, env.ca, timeout=timeout)
    sock.settimeout(timeout)
    if raw_request is None:
        h = {"Host": "localhost", "Authorization": "Bearer sk-test-drip",
             "Content-Type": "application/json"}
        h.update(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        body = body or b""
        if method == "POST" and "Content-Length" not in h:
            h["Content-Length"] = str(len(body))
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items())
        raw_request = head.encode() + b"\r\n" + body
    t0 = time.monotonic()
    sock.sendall(raw_request)
    r = Resp()
    rd = Reader(sock)
    try:
        status = rd.line()
        r.status = int(status.split()[1])
        while True:
            line = rd.line()
            if not line:
                break
            k, _, v = line.decode("latin-1").partition(":")
            r.headers[k.strip().lower()] = v.strip()
        if "chunked" in r.headers.get("transfer-encoding", ""):
            while True:
                size_line = rd.line()
                m = re.fullmatch(rb"([0-9a-fA-F]+)(.*)", size_line)
                check(m, f"bad chunk size line {size_line!r}")
                size = int(m.group(1), 16)
                r.announced.append(size)
                r.exts.append(m.group(2))
                if size == 0:
                    while rd.line():        # trailers, then the final CRLF
                        pass
                    r.complete = True
                    break
                part = []
                try:
                    part.append(rd.exact(size, sink=part))
                finally:
                    r.chunks.append(b"".join(part))
                check(rd.exact(2) == b"\r\n", "missing CRLF after chunk data")
        else:
            n = int(r.headers.get("content-length", "0"))
            part = []
            try:
                part.append(rd.exact(n, sink=part))
            finally:
                r.chunks.append(b"".join(part))
            r.complete = True
    except EOFError as e:
        r.error = str(e)
    r.elapsed = time.monotonic() - t0
    r.recvs = rd.recvs
    if own:
        sock.close()
    return r


def tcp_end(env, fault):
    """How the server ends the TCP connection for a faulted request: "RST" or "FIN".

    Python's ssl module reports a reset under TLS as an EOF, so TLS runs over memory BIOs here
    and the TCP socket is read directly.
    """
    ctx = tls_ctx(env.ca)
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(inc, out, server_hostname="localhost")
    s = socket.create_connection(("127.0.0.1", env.port), timeout=5)
    try:
        def flush():
            data = out.read()
            if data:
                s.sendall(data)
        while True:
            try:
                tls.do_handshake()
                flush()
                break
            except ssl.SSLWantReadError:
                flush()
                inc.write(s.recv(65536))
        body = json.dumps(stream_req()).encode()
        tls.write(b"POST /v1/responses HTTP/1.1\r\nHost: localhost\r\nX-Drip-Fault: "
                  + fault.encode() + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        flush()
        while True:
            try:
                data = s.recv(65536)
            except ConnectionResetError:
                return "RST"
            if not data:
                return "FIN"
    finally:
        s.close()


def transcript(env, name):
    with open(os.path.join(env.transcripts, name + ".sse"), "rb") as fh:
        return fh.read()


def frames(data: bytes):
    return [f + b"\n\n" for f in data.split(b"\n\n") if f]


def seqs(body: bytes):
    out = []
    for f in frames(body):
        for line in f.split(b"\n"):
            if line.startswith(b"data: "):
                out.append(json.loads(line[6:]).get("sequence_number"))
    return out


def api(env, method, path, body=None):
    """Introspection helper (JSON in, JSON out)."""
    r = request(env, method, path, body=body)
    check(r.status == 200, f"{method} {path} -> {r.status}")
    return r.json()


def stream_req(model="gpt-drip", **extra):
    b = {"model": model, "input": "hi", "stream": True}
    b.update(extra)
    return b


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------
@test
def mkcerts_idempotent(env):
    def mtimes():
        return {f: os.stat(os.path.join(env.certs, f)).st_mtime_ns
                for f in os.listdir(env.certs) if not f.startswith(".")}

    before = mtimes()
    t0 = time.monotonic()
    subprocess.run([os.path.join(HERE, "mkcerts.sh"), env.certs], check=True)
    check(time.monotonic() - t0 < 2, "second run should be fast")
    after = mtimes()
    check(before == after, "second run must not touch the files")
    out = subprocess.run(["openssl", "x509", "-in", os.path.join(env.certs, "expired.pem"),
                          "-noout", "-enddate"], capture_output=True, text=True, check=True).stdout
    check("2020" in out, f"expired.pem end date: {out}")


@test
def refuses_other_bind_address(env):
    p = subprocess.run([sys.executable, os.path.join(HERE, "replay_server.py"), "--cert",
                        env.cert, "--key", env.key, "--transcripts", env.transcripts,
                        "--host", "0.0.0.0"], capture_output=True, timeout=10)
    check(p.returncode == 2, f"exit {p.returncode}")
    check(b"127.0.0.1" in p.stderr, "message names 127.0.0.1")


@test
def responses_default_stream(env):
    r = request(env, "POST", "/v1/responses", stream_req())
    check(r.status == 200 and r.complete, f"{r.status} {r.error}")
    check(r.body == transcript(env, "responses-text-gpt52"), "body differs from transcript")
    h = r.headers
    check(h["content-type"] == "text/event-stream; charset=utf-8", h["content-type"])
    check(h["transfer-encoding"] == "chunked", "not chunked")
    check(re.fullmatch(r"req_\d+", h["x-request-id"]), h["x-request-id"])
    check(h["openai-processing-ms"] == "66", "processing ms")
    for k in ("limit-requests", "limit-tokens", "remaining-requests", "remaining-tokens",
              "reset-requests", "reset-tokens"):
        check("x-ratelimit-" + k in h, "missing x-ratelimit-" + k)
    check(all(1 <= len(c) <= 512 for c in r.chunks[:-1]), "default chunk sizes 1..512")


@test
def chat_default_and_transcript_header(env):
    r = request(env, "POST", "/v1/chat/completions",
                {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "stream": True})
    check(r.complete and r.body == transcript(env, "chat-text"), "chat-text default")
    r = request(env, "POST", "/v1/chat/completions",
                {"model": "gpt-4o", "messages": [], "stream": True},
                headers={"X-Drip-Transcript": "chat-n3"})
    check(r.body == transcript(env, "chat-n3"), "X-Drip-Transcript")
    r = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Transcript": "responses-reasoning-summary-o3mini.sse"})
    check(r.body == transcript(env, "responses-reasoning-summary-o3mini"), "with .sse suffix")


@test
def function_call_output_selects_legacy(env):
    body = stream_req(input=[{"type": "function_call_output", "call_id": "call_1",
                              "output": "Paris"}], previous_response_id="resp_1")
    r = request(env, "POST", "/v1/responses", body)
    check(r.body == transcript(env, "responses-legacy-noseq"), "tool result answer")


@test
def non_stream_requests_get_json(env):
    r = request(env, "POST", "/v1/responses", {"model": "x", "input": "hi"})
    check(r.status == 200 and r.headers["content-type"] == "application/json", r.headers)
    check(r.json()["status"] == "completed" and r.json()["object"] == "response", "Response")
    r = request(env, "POST", "/v1/chat/completions",
                {"model": "x", "messages": []}, headers={"X-Drip-Transcript": "chat-tool-call"})
    tc = r.json()["choices"][0]["message"]["tool_calls"][0]
    check(tc["function"]["arguments"] == '{"city":"New York City"}', tc)


@test
def chunk_sizes_and_seed(env):
    r = request(env, "POST", "/v1/responses", stream_req(), headers={"X-Drip-Chunk": "7,7"})
    check(all(len(c) == 7 for c in r.chunks[:-1]) and 1 <= len(r.chunks[-1]) <= 7, "7,7")
    check(r.body == transcript(env, "responses-text-gpt52"), "body")
    r = request(env, "POST", "/v1/chat/completions", {"model": "x", "messages": [], "stream": True},
                headers={"X-Drip-Chunk": "1,1", "X-Drip-Transcript": "chat-length"})
    check(len(r.chunks) == 1124 and r.body == transcript(env, "chat-length"), "1,1")
    a = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Seed": "42", "X-Drip-Chunk": "1,64"})
    b = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Seed": "42", "X-Drip-Chunk": "1,64"})
    c = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Seed": "43", "X-Drip-Chunk": "1,64"})
    check([len(x) for x in a.chunks] == [len(x) for x in b.chunks], "same seed, same chunks")
    check([len(x) for x in a.chunks] != [len(x) for x in c.chunks], "other seed, other chunks")


@test
def delay_between_chunks(env):
    r = request(env, "POST", "/v1/chat/completions", {"model": "x", "messages": [], "stream": True},
                headers={"X-Drip-Transcript": "chat-length", "X-Drip-Chunk": "400,400",
                         "X-Drip-Delay-Ms": "150"})
    check(len(r.chunks) == 3 and r.elapsed >= 0.29, f"{len(r.chunks)} chunks in {r.elapsed:.2f}s")


@test
def keep_alive_one_connection(env):
    api(env, "POST", "/_reset")
    conn = http.client.HTTPSConnection("localhost", env.port, context=tls_ctx(env.ca), timeout=10)
    try:
        bodies = []
        for _ in range(2):
            conn.request("POST", "/v1/responses", json.dumps(stream_req()),
                         {"Content-Type": "application/json", "Authorization": "Bearer sk-x"})
            resp = conn.getresponse()
            bodies.append(resp.read())
            check(resp.status == 200 and resp.getheader("Connection") == "keep-alive", "200")
        first_sock = conn.sock
        conn.request("GET", "/_stats")
        stats = json.loads(conn.getresponse().read())
        check(conn.sock is first_sock, "http.client reopened the connection")
    finally:
        conn.close()
    check(bodies[0] == bodies[1] == transcript(env, "responses-text-gpt52"), "bodies")
    check(stats["connections"] == 1 and stats["requests"] == 2, f"stats {stats}")
    check(stats["by_path"] == {"/v1/responses": 2}, f"by_path {stats['by_path']}")


@test
def drop_after(env):
    r = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Fault": "drop_after=100"})
    check(not r.complete and r.error == "eof", f"complete={r.complete} error={r.error}")
    check(r.body == transcript(env, "responses-text-gpt52")[:100], f"got {len(r.body)} bytes")
    # http.client sees an incomplete chunked body too.
    conn = http.client.HTTPSConnection("localhost", env.port, context=tls_ctx(env.ca), timeout=10)
    try:
        conn.request("POST", "/v1/responses", json.dumps(stream_req()),
                     {"X-Drip-Fault": "drop_after=1000"})
        resp = conn.getresponse()
        try:
            resp.read()
            raise AssertionError("read() succeeded")
        except http.client.IncompleteRead as e:
            check(len(e.partial) == 1000, f"partial {len(e.partial)}")
    finally:
        conn.close()
    # drop_after beyond the body: every byte, but never the last chunk.
    r = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Fault": "drop_after=999999"})
    check(r.body == transcript(env, "responses-text-gpt52") and not r.complete, "whole, no end")


@test
def drop_after_reset_and_mid_chunk(env):
    r = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Fault": "drop_after=300,reset=1"})
    check(not r.complete and r.error in ("reset", "eof"), f"error={r.error}")
    check(len(r.body) <= 300, "no more than 300 bytes")
    check(tcp_end(env, "drop_after=300,reset=1") == "RST", "reset=1 sends a TCP RST")
    check(tcp_end(env, "drop_after=300") == "FIN", "plain drop ends with FIN")
    r = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Fault": "drop_after=10,mid_chunk=1", "X-Drip-Chunk": "64,64"})
    check(not r.complete and r.announced == [64] and r.body == transcript(
        env, "responses-text-gpt52")[:10], f"announced={r.announced} body={len(r.body)}")


@test
def stalls(env):
    r = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Fault": "stall_before_headers=300"})
    check(r.complete and r.elapsed >= 0.29, f"{r.elapsed:.2f}s")
    r = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Fault": "stall_after=50:300,stall_after=60:100"})
    check(r.complete and r.elapsed >= 0.39, f"{r.elapsed:.2f}s")
    check(r.body == transcript(env, "responses-text-gpt52"), "body")
    check(any(sum(map(len, r.chunks[:i])) == 50 for i in range(len(r.chunks))), "cut at 50")


@test
def drip(env):
    r = request(env, "POST", "/v1/chat/completions", {"model": "x", "messages": [], "stream": True},
                headers={"X-Drip-Fault": "drip=0", "X-Drip-Transcript": "chat-length"})
    check(r.complete and r.body == transcript(env, "chat-length"), "body")
    check(r.recvs > 1500, f"only {r.recvs} reads: bytes were not sent one by one")
    r = request(env, "POST", "/v1/chat/completions", {"model": "x", "messages": [], "stream": True},
                headers={"X-Drip-Fault": "drip=1", "X-Drip-Transcript": "chat-length"})
    check(r.complete and r.elapsed > 1.0, f"drip=1 took {r.elapsed:.2f}s")


@test
def comments(env):
    orig = transcript(env, "responses-text-gpt52")
    r = request(env, "POST", "/v1/responses", stream_req(), headers={"X-Drip-Fault": "comments=0"})
    fr = frames(r.body)
    check(r.complete and fr.count(b": keep-alive\n\n") == len(frames(orig)) + 1, "one per boundary")
    check(b"".join(f for f in fr if f != b": keep-alive\n\n") == orig, "events intact")
    first_boundary = len(frames(orig)[0])
    r = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Fault": f"comments=100,stall_after={first_boundary}:450"})
    n = frames(r.body).count(b": keep-alive\n\n")
    check(r.complete and 3 <= n <= 6, f"{n} comments during a 450 ms stall")
    check(r.body.replace(b": keep-alive\n\n", b"") == orig, "events intact")


@test
def only_comments(env):
    r = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Fault": "only_comments=0.5,comments=100"})
    check(r.status == 200 and not r.complete and r.error == "eof", f"{r.complete} {r.error}")
    check(set(frames(r.body)) == {b": keep-alive\n\n"} and len(frames(r.body)) >= 4, r.body[:80])
    check(r.elapsed >= 0.45, f"{r.elapsed:.2f}s")


@test
def error_statuses(env):
    cases = [("status=401", 401, "invalid_request_error", "invalid_api_key"),
             ("status=429", 429, "requests", "rate_limit_exceeded"),
             ("status=429,quota=1", 429, "insufficient_quota", "insufficient_quota"),
             ("status=500", 500, "server_error", None),
             ("status=503", 503, "server_error", None),
             ("status=502", 502, "cf_bad_gateway", 502)]
    for fault, status, etype, code in cases:
        r = request(env, "POST", "/v1/responses", stream_req(), headers={"X-Drip-Fault": fault})
        check(r.status == status and r.headers["content-type"] == "application/json", fault)
        e = r.json()["error"]
        check(set(e) == {"message", "type", "param", "code"}, f"{fault}: keys {set(e)}")
        check(e["type"] == etype and e["code"] == code and e["message"], f"{fault}: {e}")
        check("x-request-id" in r.headers, "x-request-id on errors")
    r = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Fault": "status=503,html=1,retry_after=3,retry_after_ms=1500"})
    check(r.status == 503 and r.headers["content-type"] == "text/html", "html")
    check(b"<html>" in r.body, "html body")
    check(r.headers["retry-after"] == "3" and r.headers["retry-after-ms"] == "1500", "retry hdrs")
    r = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Fault": "status=500,chunked=1,should_retry=false"})
    check(r.headers.get("transfer-encoding") == "chunked" and r.complete, "chunked error")
    check(r.json()["error"]["type"] == "server_error", "chunked error JSON")
    check(r.headers["x-should-retry"] == "false", "x-should-retry")


@test
def fail_times(env):
    hdr = {"X-Drip-Fault": "status=500,fail_times=2", "X-Drip-Key": f"k{time.time_ns()}"}
    got = [request(env, "POST", "/v1/responses", stream_req(), headers=hdr).status
           for _ in range(3)]
    check(got == [500, 500, 200], f"statuses {got}")
    # A different key has its own count.
    hdr["X-Drip-Key"] += "-other"
    check(request(env, "POST", "/v1/responses", stream_req(), headers=hdr).status == 500, "key")


@test
def content_type_and_no_terminal(env):
    r = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Fault": "content_type=application/json"})
    check(r.status == 200 and r.headers["content-type"] == "application/json", "ctype")
    check(r.json()["object"] == "response", "JSON body")
    orig = transcript(env, "responses-text-gpt52")
    r = request(env, "POST", "/v1/responses", stream_req(), headers={"X-Drip-Fault": "no_terminal"})
    check(r.complete and r.body == b"".join(frames(orig)[:-1]), "no terminal event")
    chat = transcript(env, "chat-text")
    r = request(env, "POST", "/v1/chat/completions",
                {"model": "x", "messages": [], "stream": True},
                headers={"X-Drip-Fault": "no_terminal=1"})
    check(r.complete and r.body == b"".join(frames(chat)[:-1]) and b"[DONE]" not in r.body, "chat")


@test
def close_and_framing_variants(env):
    sock = connect(env.port, env.ca)
    try:
        r = request(env, "POST", "/v1/responses", stream_req(), sock=sock,
                    headers={"X-Drip-Fault": "close=1"})
        check(r.complete and r.headers["connection"] == "close", "Connection: close")
        sock.settimeout(3)
        t0 = time.monotonic()
        try:
            data = sock.recv(100)        # close_notify -> b""
        except ssl.SSLEOFError:
            data = b""
        check(data == b"" and time.monotonic() - t0 < 1, "server closed the connection")
    finally:
        sock.close()
    orig = transcript(env, "responses-text-gpt52")
    r = request(env, "POST", "/v1/responses", stream_req(), headers={"X-Drip-Fault": "eol=crlf"})
    check(r.body == orig.replace(b"\n", b"\r\n"), "crlf")
    r = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Fault": "chunk_ext,big_header=20000"})
    check(r.complete and r.body == orig and any(e for e in r.exts[:-1]), "chunk extensions")
    check(len(r.headers["x-drip-padding"]) == 20000, "big header")


@test
def background_resume_and_cancel(env):
    r = request(env, "POST", "/v1/responses", stream_req(background=True))
    orig = transcript(env, "responses-background")
    check(r.complete and r.body == orig, "background transcript")
    rid = json.loads(frames(orig)[0].split(b"data: ", 1)[1])["response"]["id"]
    r = request(env, "GET", f"/v1/responses/{rid}?stream=true&starting_after=5")
    check(r.status == 200 and r.complete, f"{r.status}")
    check(seqs(r.body) == list(range(6, 17)), f"seqs {seqs(r.body)}")
    check(r.body == b"".join(frames(orig)[6:]), "same framing as recorded")
    check(all(f.startswith(b"event: ") and b"\ndata: " in f for f in frames(r.body)), "framing")
    r = request(env, "GET", f"/v1/responses/{rid}?stream=true")
    check(r.body == orig, "no starting_after: everything")
    r = request(env, "GET", f"/v1/responses/{rid}?stream=true&starting_after=5",
                headers={"X-Drip-Fault": "drop_after=200"})
    check(not r.complete and len(r.body) == 200, "faults apply to GET streams")
    j = request(env, "GET", f"/v1/responses/{rid}").json()
    check(j["id"] == rid and j["status"] == "completed", j.get("status"))
    j = request(env, "GET", f"/v1/responses/{rid}", headers={"X-Drip-Fault": "pending"}).json()
    check(j["status"] == "in_progress", j.get("status"))
    poll = {"X-Drip-Fault": "pending,fail_times=2", "X-Drip-Key": f"poll{time.time_ns()}"}
    got = [request(env, "GET", f"/v1/responses/{rid}", headers=poll).json()["status"]
           for _ in range(3)]
    check(got == ["in_progress", "in_progress", "completed"], f"polling {got}")
    for _ in range(2):    # idempotent
        r = request(env, "POST", f"/v1/responses/{rid}/cancel")
        check(r.status == 200 and r.json()["status"] == "cancelled" and r.json()["id"] == rid,
              "cancel")
    check(request(env, "GET", f"/v1/responses/{rid}").json()["status"] == "cancelled", "after")
    for method, path in (("GET", "/v1/responses/resp_nope?stream=true"),
                         ("GET", "/v1/responses/resp_nope"),
                         ("POST", "/v1/responses/resp_nope/cancel")):
        r = request(env, method, path)
        check(r.status == 404 and "resp_nope" in r.json()["error"]["message"], f"{method} {path}")
    # A non-background response cannot be re-streamed.
    r = request(env, "GET", "/v1/responses/resp_0dbef2d9d14a548c00696d5e6f5080819086a0a3791c4d6b0c"
                "?stream=true")
    check(r.status == 404, "non-background id")
    # A new background POST re-arms the stored response.
    request(env, "POST", "/v1/responses", stream_req(background=True))
    check(request(env, "GET", f"/v1/responses/{rid}").json()["status"] == "completed", "re-armed")


@test
def introspection(env):
    api(env, "POST", "/_reset")
    check(api(env, "GET", "/_requests") == [], "reset clears the log")
    s = api(env, "GET", "/_stats")
    check(s["connections"] == 0 and s["requests"] == 0 and s["by_path"] == {}, f"{s}")
    request(env, "POST", "/v1/responses",
            stream_req(previous_response_id="resp_prev",
                       input=[{"type": "function_call_output", "call_id": "c", "output": "x"}]),
            headers={"Authorization": "Bearer sk-test-123"})
    request(env, "POST", "/v1/chat/completions", {"model": "x", "messages": [], "stream": True},
            headers={"Authorization": ""})
    log = api(env, "GET", "/_requests")
    check(len(log) == 2, f"{len(log)} entries")
    e = log[0]
    check(e["method"] == "POST" and e["path"] == "/v1/responses", "method/path")
    check(e["headers"]["authorization"] == "Bearer sk-test-123" and e["has_authorization"], "auth")
    check(json.loads(e["body"])["previous_response_id"] == "resp_prev", "body")
    check(e["status"] == 200 and e["transcript"] == "responses-legacy-noseq", f"{e}")
    check(re.fullmatch(r"req_\d+", e["request_id"]), "request id")
    check(all(k == k.lower() for k in e["headers"]), "lower-case header names")
    s = api(env, "GET", "/_stats")
    check(s["requests"] == 2 and s["connections"] == 2, f"{s}")
    check(s["by_path"] == {"/v1/responses": 1, "/v1/chat/completions": 1}, f"{s}")
    # The log keeps the last 50.
    for _ in range(55):
        request(env, "POST", "/v1/responses", {"model": "x", "input": "hi"})
    check(len(api(env, "GET", "/_requests")) == 50, "bounded log")


@test
def speech(env):
    import base64
    req = {"model": "gpt-4o-mini-tts", "input": "Hello.", "voice": "coral", "response_format": "pcm"}
    raw = request(env, "POST", "/v1/audio/speech", req)
    check(raw.status == 200 and raw.headers["content-type"] == "audio/pcm" and raw.complete, f"{raw.status}")
    audio = raw.body
    check(len(audio) > 10000 and len(audio) % 2 == 0, f"{len(audio)} bytes of pcm")
    r = request(env, "POST", "/v1/audio/speech", dict(req, stream_format="sse"),
                headers={"X-Drip-Speech-Repeat": "2", "X-Drip-Speech-Deltas": "100,7000"})
    check(r.status == 200 and r.headers["content-type"].startswith("text/event-stream"), f"{r.status}")
    got, sizes, done = b"", [], None
    for block in r.body.split(b"\n\n")[:-1]:
        data = [ln[6:] for ln in block.split(b"\n") if ln.startswith(b"data: ")]
        ev = json.loads(data[0])
        if ev["type"] == "speech.audio.delta":
            piece = base64.b64decode(ev["audio"], validate=True)
            sizes.append(len(piece))
            got += piece
        else:
            done = ev
    check(got == audio * 2 and sizes[:3] == [100, 7000, 100], f"{sizes[:3]}")
    check(done is not None and done["type"] == "speech.audio.done" and done["usage"]["total_tokens"] > 0,
          f"{done}")
    r = request(env, "POST", "/v1/audio/speech", dict(req, stream_format="sse"),
                headers={"X-Drip-Fault": "bad_base64=1,no_terminal=1"})
    evs = [json.loads(b.split(b"data: ", 1)[1]) for b in r.body.split(b"\n\n")[:-1]]
    check(all(e["type"] == "speech.audio.delta" for e in evs) and "*" in evs[1]["audio"], "faults")
    for bad in ({"voice": "nobody"}, {"response_format": "mp3"}, {"speed": 5}, {"input": ""},
                {"stream_format": "x"}, {"stream": True}):
        r = request(env, "POST", "/v1/audio/speech", dict(req, **bad))
        check(r.status == 400 and r.json()["error"]["type"] == "invalid_request_error", f"{bad}")
    r = request(env, "POST", "/v1/audio/speech", dict(req, voice={"id": "voice_1"}))
    check(r.status == 200, "custom voice id")
    # Audio in proportion to the input: 60 ms a character, the recording cycled.
    for text in ("Hi.", "A longer sentence to speak."):
        r = request(env, "POST", "/v1/audio/speech", dict(req, input=text),
                    headers={"X-Drip-Speech-Ms-Per-Char": "60"})
        check(r.body == (audio * 2)[:len(text) * 60 * 48], f"{len(r.body)} bytes for {text!r}")


@test
def event_pacing(env):
    # X-Drip-Event-Delay-Ms: a pause after every event (not after the last): the
    # events arrive whole, and the answer takes at least (events - 1) x delay.
    name = "responses-text-gpt52"
    r0 = request(env, "POST", "/v1/responses", stream_req(),
                 headers={"X-Drip-Transcript": name})
    n = r0.body.count(b"\n\n")
    r = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Transcript": name, "X-Drip-Event-Delay-Ms": "20"})
    check(r.body == r0.body and n > 5, f"{n} events")
    check(r.elapsed >= (n - 1) * 0.020, f"{r.elapsed:.3f} s for {n} events")
    r = request(env, "POST", "/v1/responses", stream_req(),
                headers={"X-Drip-Event-Delay-Ms": "1001"})
    check(r.status == 400 and r.json()["error"]["code"] == "drip_config_error", f"{r.status}")


@test
def validation(env):
    body = json.dumps(stream_req()).encode()
    base = "POST /v1/responses HTTP/1.1\r\nHost: localhost\r\n"
    # Missing Content-Length.
    r = request(env, None, None, raw_request=(base + "\r\n").encode() + body)
    check(r.status == 400 and "Content-Length" in r.json()["error"]["message"], f"{r.status}")
    check(r.headers["connection"] == "close", "closes after an unframed body")
    # Content-Length larger than the body: 400 after the body timeout.
    r = request(env, None, None,
                raw_request=(base + f"Content-Length: {len(body) + 10}\r\n\r\n").encode() + body)
    check(r.status == 400 and "shorter" in r.json()["error"]["message"], f"{r.status}")
    # Content-Length smaller than the body.
    r = request(env, None, None,
                raw_request=(base + f"Content-Length: {len(body) - 1}\r\n\r\n").encode() + body)
    check(r.status == 400, f"{r.status}")
    # Invalid JSON, NaN, not an object, missing model.
    for bad in (b'{"model": "x", "stream": true,}', b'{"model": NaN}', b"[1]", b'{"input":"x"}',
                b"\xff\xfe"):
        r = request(env, "POST", "/v1/responses", bad)
        check(r.status == 400 and r.json()["error"]["type"] == "invalid_request_error", bad)
        check(r.headers["connection"] == "keep-alive", "valid framing keeps the connection")
    # Bad X-Drip-* headers are loud.
    for hdr in ({"X-Drip-Fault": "dorp_after=1"}, {"X-Drip-Chunk": "9,3"},
                {"X-Drip-Transcript": "nope"}, {"X-Drip-Fault": "stall_after=5"}):
        r = request(env, "POST", "/v1/responses", stream_req(), headers=hdr)
        check(r.status == 400 and r.json()["error"]["code"] == "drip_config_error", f"{hdr}")
    # Bare LF request head.
    r = request(env, None, None, raw_request=b"GET /_stats HTTP/1.1\nHost: x\n\n")
    check(r.status == 400, "bare LF")
    log = api(env, "GET", "/_requests")
    check(any("shorter" in (e["error"] or "") for e in log), "errors are logged")


@test
def tls_verification(env):
    # IP SAN.
    s = connect(env.port, env.ca, host="127.0.0.1")
    s.close()
    # Unrelated CA.
    try:
        connect(env.port, os.path.join(env.certs, "other-ca.pem")).close()
        raise AssertionError("other-ca accepted")
    except ssl.SSLCertVerificationError as e:
        check("unable to get local issuer" in str(e), str(e))
    for name, expect in (("wrong-host", "Hostname mismatch"), ("expired", "expired")):
        srv = Server(env.work, os.path.join(env.certs, f"{name}.pem"),
                     os.path.join(env.certs, f"{name}.key"), env.transcripts)
        try:
            try:
                connect(srv.port, env.ca).close()
                raise AssertionError(f"{name} accepted")
            except ssl.SSLCertVerificationError as e:
                check(expect in str(e), str(e))
        finally:
            check(srv.stop() == 0, "second instance exit status")
    s = api(env, "GET", "/_stats")
    check(s["tls_handshake_failures"] >= 1, f"{s}")


@test
def sigterm_clean_exit(env):
    srv = Server(env.work, env.cert, env.key, env.transcripts)
    # An idle keep-alive connection must not hold the server up.
    sock = connect(srv.port, env.ca)
    t0 = time.monotonic()
    try:
        rc = srv.stop()
    finally:
        sock.close()
    check(rc == 0, f"exit status {rc}")
    check(time.monotonic() - t0 < 4, "stopped promptly")
    check(not os.path.exists(srv.ready), "ready file removed")


# ---------------------------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--transcripts", default=DEFAULT_TRANSCRIPTS)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("-k", help="run only tests whose name contains this")
    args = ap.parse_args()

    class Env:
        pass

    env = Env()
    env.work = tempfile.mkdtemp(prefix="drip-selftest-")
    env.transcripts = args.transcripts
    env.certs = os.path.join(env.work, "certs")
    passed = failed = 0
    server = None
    t_start = time.monotonic()
    try:
        subprocess.run([os.path.join(HERE, "mkcerts.sh"), env.certs], check=True)
        env.ca = os.path.join(env.certs, "ca.pem")
        env.cert = os.path.join(env.certs, "server.pem")
        env.key = os.path.join(env.certs, "server.key")
        server = Server(env.work, env.cert, env.key, env.transcripts)
        env.port = server.port
        for fn in TESTS:
            if args.k and args.k not in fn.__name__:
                continue
            t0 = time.monotonic()
            try:
                fn(env)
                passed += 1
                print(f"ok   {fn.__name__} ({time.monotonic() - t0:.2f}s)", flush=True)
            except Exception as e:
                failed += 1
                print(f"FAIL {fn.__name__}: {e!r}", flush=True)
                if args.verbose:
                    traceback.print_exc()
        rc = server.stop()
        if rc != 0:
            failed += 1
            print(f"FAIL server exit status {rc}")
    except Exception as e:
        failed += 1
        print(f"FAIL setup: {e!r}")
        traceback.print_exc()
    finally:
        if server is not None:
            server.stop()
        if failed and os.path.exists(os.path.join(env.work, "server-server.pem.log")):
            print("--- server log ---")
            print(open(os.path.join(env.work, "server-server.pem.log")).read()[-4000:])
        shutil.rmtree(env.work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed ({time.monotonic() - t_start:.1f}s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
