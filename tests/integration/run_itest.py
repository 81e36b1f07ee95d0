#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Integration tests: `dripfeed stream` through real mbedTLS against the local
HTTPS replay server (tests/server/replay_server.py), one scenario per fault.

Usage: run_itest.py DRIPFEED [--only NAME] [--valgrind]

Certificates are generated at test time (tests/server/mkcerts.sh). Servers
listen on 127.0.0.1 only and are stopped whatever happens. Prints one line
per scenario and ends with "N passed, M failed".
"""
import argparse
import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SERVER = os.path.join(ROOT, "tests", "server", "replay_server.py")
MKCERTS = os.path.join(ROOT, "tests", "server", "mkcerts.sh")
CAPTURES = os.path.join(ROOT, "tests", "captures")
TRANSCRIPTS = os.path.join(ROOT, "tests", "transcripts")


def expected_text(name):
    with open(os.path.join(CAPTURES, name + ".expected"), encoding="utf-8") as f:
        return json.loads(f.read())["text"]


class Server:
    """One replay server instance on 127.0.0.1 with the given certificate."""

    def __init__(self, workdir, cert, key, name, extra=()):
        self.ready = os.path.join(workdir, name + ".port")
        self.log = open(os.path.join(workdir, name + ".log"), "w")
        self.proc = subprocess.Popen(
            [sys.executable, SERVER, "--cert", cert, "--key", key, "--transcripts", TRANSCRIPTS,
             "--port", "0", "--ready-file", self.ready] + list(extra),
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while time.time() < deadline:
            if os.path.exists(self.ready) and open(self.ready).read().strip():
                self.port = int(open(self.ready).read().strip())
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"server {name} did not start (see {self.log.name})")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Ctx:
    def __init__(self, binary, certs, main, valgrind):
        self.binary = binary
        self.certs = certs
        self.main = main
        self.valgrind = valgrind
        self.sslctx = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))

    def admin(self, method, path):
        c = http.client.HTTPSConnection("localhost", self.main.port, context=self.sslctx, timeout=10)
        try:
            c.request(method, path, body=b"" if method == "POST" else None)
            r = c.getresponse()
            return json.loads(r.read() or b"null")
        finally:
            c.close()

    def run(self, args, port=None, ca="ca.pem", timeout=60, base=None):
        url = base or f"https://localhost:{port or self.main.port}/v1"
        cmd = [self.binary, "stream", "--base-url", url, "--ca", os.path.join(self.certs, ca)] + args
        if self.valgrind:
            cmd = ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
                   "--errors-for-leak-kinds=definite"] + cmd
        env = dict(os.environ, OPENAI_API_KEY="sk-test-dripfeed")
        t0 = time.time()
        p = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env)
        dt = time.time() - t0
        status = {}
        for line in p.stderr.decode("utf-8", "replace").splitlines():
            if line.startswith("dripfeed: state="):
                status = dict(kv.split("=", 1) for kv in line[len("dripfeed: "):].split() if "=" in kv)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), status, dt


def H(name, value):
    return ["--header", f"{name}: {value}"]


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def err_code(status, key="error"):
    v = status.get(key, "")
    return int(v.split("(")[0]) if v else 0


# ---- scenarios --------------------------------------------------------------

def s_plain(c):
    rc, out, err, st, _ = c.run(["What is 2+2?"])
    check(rc == 0 and st.get("state") == "completed", f"rc={rc} {st}")
    check(out == expected_text("responses-text-gpt52") + "\n", repr(out))
    check(st.get("tokens") == "20/10/30", st)


def s_chat(c):
    rc, out, err, st, _ = c.run(["--api", "chat", "weather?"])
    check(rc == 0 and st.get("state") == "completed", st)
    check(out == expected_text("chat-text") + "\n", repr(out))


def s_long_random_chunks(c):
    rc, out, err, st, _ = c.run(H("X-Drip-Transcript", "responses-reasoning-summary-o3mini") +
                                H("X-Drip-Chunk", "1,64") + H("X-Drip-Seed", "7") + ["cross?"])
    check(rc == 0 and st.get("state") == "completed", st)
    check(out == expected_text("responses-reasoning-summary-o3mini") + "\n", "text differs")


def s_slow_drip(c):
    rc, out, err, st, _ = c.run(H("X-Drip-Fault", "drip=0") + ["2+2"])
    check(rc == 0 and out == expected_text("responses-text-gpt52") + "\n", (rc, out, st))


def s_keepalive_comments(c):
    rc, out, err, st, _ = c.run(H("X-Drip-Fault", "stall_after=800:600,comments=100") + ["2+2"])
    check(rc == 0 and out == expected_text("responses-text-gpt52") + "\n", (rc, out, st))


def s_function_call_round_trip(c):
    c.admin("POST", "/_reset")
    rc, out, err, st, _ = c.run(["--tool", "final_result", "--tool-result", '{"result":6666}',
                                 "Calculate 100 * 200 / 3"])
    check(rc == 0 and st.get("state") == "completed", (rc, st, err[-400:]))
    check(out == expected_text("responses-legacy-noseq") + "\n", repr(out))
    reqs = [r for r in c.admin("GET", "/_requests") if r["path"].startswith("/v1/responses")]
    check(len(reqs) == 2, [r["path"] for r in reqs])
    first, second = json.loads(reqs[0]["body"]), json.loads(reqs[1]["body"])
    check(first.get("tools", [{}])[0].get("name") == "final_result", first)
    check(second.get("previous_response_id") == "resp_0050471a34b36ae60068c97b94a480819587a9d70cf2979b33",
          second)
    item = second["input"][0]
    check(item == {"type": "function_call_output", "call_id": "call_CWXgs68YprAjp6t0371hiPOI",
                   "output": '{"result":6666}'}, item)
    check(reqs[0]["headers"].get("x-drip-conn") is None or True, "")
    stats = c.admin("GET", "/_stats")
    check(stats["connections"] == 1, f"connection reused: {stats}")


def s_drop_mid_answer(c):
    full = expected_text("responses-reasoning-summary-o3mini")
    rc, out, err, st, _ = c.run(H("X-Drip-Transcript", "responses-reasoning-summary-o3mini") +
                                H("X-Drip-Fault", "drop_after=170000") + ["cross?"])
    check(rc == 1 and st.get("state") == "truncated", st)
    check(err_code(st) == -39, st)  # DRIP_ERR_HTTP_TRUNCATED
    text = out.rstrip("\n")
    check(len(text) > 0 and full.startswith(text) and text != full, "partial text must be a prefix")


def s_reset_mid_event(c):
    rc, out, err, st, _ = c.run(H("X-Drip-Transcript", "responses-reasoning-summary-o3mini") +
                                H("X-Drip-Fault", "drop_after=50001,reset=1") + ["cross?"])
    check(rc == 1 and st.get("state") == "truncated", st)
    check(err_code(st) == -11, st)  # DRIP_ERR_CLOSED: a TCP RST, not a clean close
    full = expected_text("responses-reasoning-summary-o3mini")
    text = out.rstrip("\n")
    check(full.startswith(text) and text != full, "partial text must be a strict prefix")


def s_stall_before_headers(c):
    rc, out, err, st, dt = c.run(["--first-event-timeout", "0.5", "--retries", "0"] +
                                 H("X-Drip-Fault", "stall_before_headers=4000") + ["x"])
    check(rc == 1 and st.get("state") == "failed" and err_code(st) == -12, st)
    check(dt < 3.5, f"timeout fired late: {dt:.2f}s")


def s_idle_only_comments(c):
    rc, out, err, st, dt = c.run(["--idle-timeout", "0.8", "--first-event-timeout", "0.8",
                                  "--retries", "0"] +
                                 H("X-Drip-Fault", "only_comments=6,comments=100") + ["x"])
    check(rc == 1 and err_code(st) == -12, st)  # comments are not progress
    check(dt < 3.5, f"idle timeout fired late: {dt:.2f}s")


def s_total_timeout(c):
    rc, out, err, st, dt = c.run(["--total-timeout", "0.7"] + H("X-Drip-Delay-Ms", "50") +
                                 H("X-Drip-Chunk", "16,16") + ["x"])
    check(rc == 1 and err_code(st) == -12 and st.get("state") in ("truncated", "failed"), st)
    check(dt < 3.0, f"{dt:.2f}s")


def s_http_401(c):
    c.admin("POST", "/_reset")
    rc, out, err, st, _ = c.run(H("X-Drip-Fault", "status=401") + ["x"])
    check(rc == 1 and st.get("state") == "http_error" and st.get("http") == "401", st)
    check("invalid_api_key" in err, err[-300:])
    check(len(c.admin("GET", "/_requests")) == 1, "401 must not be retried")


def s_http_429_retry_after(c):
    c.admin("POST", "/_reset")
    rc, out, err, st, dt = c.run(H("X-Drip-Fault", "status=429,retry_after_ms=700,fail_times=1") +
                                 H("X-Drip-Key", "r429") + ["x"])
    check(rc == 0 and st.get("state") == "completed", st)
    check(dt >= 0.7, f"retry-after-ms not honoured: {dt:.2f}s")
    check(len(c.admin("GET", "/_requests")) == 2, "one retry")


def s_http_429_retry_after_seconds(c):
    c.admin("POST", "/_reset")
    rc, out, err, st, dt = c.run(H("X-Drip-Fault", "status=429,retry_after=1,fail_times=1") +
                                 H("X-Drip-Key", "r429s") + ["x"])
    check(rc == 0 and dt >= 1.0, (st, dt))


def s_http_429_quota(c):
    c.admin("POST", "/_reset")
    rc, out, err, st, _ = c.run(H("X-Drip-Fault", "status=429,quota=1,fail_times=1") +
                                H("X-Drip-Key", "quota") + ["x"])
    check(rc == 1 and st.get("state") == "http_error" and "insufficient_quota" in err, st)
    check(len(c.admin("GET", "/_requests")) == 1, "insufficient_quota must not be retried")


def s_http_500_twice(c):
    c.admin("POST", "/_reset")
    rc, out, err, st, dt = c.run(H("X-Drip-Fault", "status=500,fail_times=2") +
                                 H("X-Drip-Key", "r500") + ["x"])
    check(rc == 0 and st.get("state") == "completed", st)
    check(len(c.admin("GET", "/_requests")) == 3, "two retries")
    check(dt >= 0.375 + 0.75, f"backoff too short: {dt:.2f}s")


def s_http_503_gives_up(c):
    c.admin("POST", "/_reset")
    rc, out, err, st, _ = c.run(["--retries", "1"] + H("X-Drip-Fault", "status=503,html=1,fail_times=9") +
                                H("X-Drip-Key", "r503") + ["x"])
    check(rc == 1 and st.get("state") == "http_error" and st.get("http") == "503", st)
    check(len(c.admin("GET", "/_requests")) == 2, "retries=1: two attempts")


def s_wrong_content_type(c):
    rc, out, err, st, _ = c.run(H("X-Drip-Fault", "content_type=application/json") + ["x"])
    check(rc == 1 and st.get("state") == "protocol_error" and err_code(st) == -88, st)
    check("application/json" in err, err[-300:])


def s_missing_terminal(c):
    rc, out, err, st, _ = c.run(H("X-Drip-Fault", "no_terminal=1") + ["x"])
    check(rc == 1 and st.get("state") == "truncated" and err_code(st) == -89, st)


def s_background_resume(c):
    c.admin("POST", "/_reset")
    rc, out, err, st, _ = c.run(["--background"] + H("X-Drip-Fault", "drop_after=2500") + ["2+2?"])
    check(rc == 0 and st.get("state") == "completed", st)
    check(out == expected_text("responses-background") + "\n", f"exact text, no duplicate: {out!r}")
    gets = [r["path"] for r in c.admin("GET", "/_requests") if r["method"] == "GET"]
    check(gets and all("starting_after=" in g for g in gets), gets)


def s_explicit_resume_and_cancel(c):
    c.admin("POST", "/_reset")
    rc, out, err, st, _ = c.run(["--background", "2+2?"])
    rid = st.get("response")
    check(rc == 0 and rid, st)
    rc, out, err, st, _ = c.run(["--resume", rid, "--after", "10"])
    check(rc == 0 and st.get("state") == "completed", st)
    full = expected_text("responses-background")
    check(full.endswith(out.rstrip("\n")) and out.rstrip("\n") != full, f"only after seq 10: {out!r}")
    rc, out, err, st, _ = c.run(["--cancel", rid])
    check(rc == 0 and st.get("status") == "cancelled", st)


def s_cancel_from_callback(c):
    rc, out, err, st, _ = c.run(H("X-Drip-Transcript", "responses-reasoning-summary-o3mini") +
                                ["--cancel-after-bytes", "20", "x"])
    check(rc == 1 and st.get("state") == "cancelled", st)
    check(20 <= len(out.encode()) < 200, f"stopped promptly: {len(out)} bytes")


def s_cancel_from_thread(c):
    rc, out, err, st, dt = c.run(H("X-Drip-Transcript", "responses-reasoning-summary-o3mini") +
                                 H("X-Drip-Delay-Ms", "20") + ["--cancel-after-ms", "300", "x"])
    check(rc == 1 and st.get("state") == "cancelled", st)
    check(dt < 1.5, f"cancel took {dt:.2f}s")


def s_wrong_ca(c):
    rc, out, err, st, _ = c.run(["x"], ca="other-ca.pem")
    check(rc == 1 and st.get("state") == "failed" and err_code(st, "transport") == -16, st)


def s_wrong_host(c):
    rc, out, err, st, _ = c.run(["x"], port=c.wronghost.port)
    check(rc == 1 and err_code(st, "transport") == -16, st)


def s_expired(c):
    rc, out, err, st, _ = c.run(["x"], port=c.expired.port)
    check(rc == 1 and err_code(st, "transport") == -17, st)  # DRIP_ERR_TLS_EXPIRED


def s_refused(c):
    s = __import__("socket").socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    rc, out, err, st, _ = c.run(["--retries", "0", "x"], port=port)
    check(rc == 1 and st.get("state") == "failed" and err_code(st, "transport") == -14, st)


def s_dns_failure(c):
    rc, out, err, st, _ = c.run(["--retries", "0", "x"], base="https://nonexistent.invalid/v1")
    check(rc == 1 and st.get("state") == "failed" and err_code(st, "transport") == -13, st)


def s_http_status(code, needle):
    def run(c):
        c.admin("POST", "/_reset")
        rc, out, err, st, _ = c.run(["--retries", "0"] + H("X-Drip-Fault", f"status={code}") + ["x"])
        check(rc == 1 and st.get("state") == "http_error" and st.get("http") == str(code), st)
        check(err_code(st) == -87 and needle in err, err[-300:])
    return run


def s_bad_status_line(c):
    rc, out, err, st, _ = c.run(["--retries", "0"] + H("X-Drip-Fault", "bad_status=1") + ["x"])
    check(rc == 1 and st.get("state") == "protocol_error" and err_code(st) == -30, st)


def s_bad_chunk_size(c):
    rc, out, err, st, _ = c.run(H("X-Drip-Fault", "bad_chunk=1") + ["x"])
    check(rc == 1 and st.get("state") == "protocol_error" and err_code(st) == -35, st)


def s_oversize_kept_header(c):
    rc, out, err, st, _ = c.run(H("X-Drip-Fault", "long_request_id=300") + ["x"])
    check(rc == 1 and st.get("state") == "protocol_error" and err_code(st) == -33, st)


def s_oversize_skipped_header(c):
    rc, out, err, st, _ = c.run(H("X-Drip-Fault", "big_header=60000") + ["x"])
    check(rc == 0 and out == expected_text("responses-text-gpt52") + "\n", st)


def s_invalid_json_event(c):
    rc, out, err, st, _ = c.run(H("X-Drip-Fault", "inject=invalid_json") + ["x"])
    check(rc == 1 and st.get("state") == "protocol_error" and err_code(st) == -60, st)


def s_unknown_event_type(c):
    rc, out, err, st, _ = c.run(H("X-Drip-Fault", "inject=unknown_type") + ["x"])
    check(rc == 0 and out == expected_text("responses-text-gpt52") + "\n", (st, out))


def s_event_larger_than_buffers(c):
    """A 40 KB text delta, larger than the 16 KB data buffer and the scanner's
    arena: handed to the text callback in pieces while it is read."""
    rc, out, err, st, _ = c.run(H("X-Drip-Fault", "inject=huge_delta") + ["x"])
    check(rc == 0 and st.get("state") == "completed", st)
    check("x" * 40960 in out and out.replace("x" * 40960, "", 1) == expected_text("responses-text-gpt52") + "\n",
          "text: %d bytes" % len(out))


def s_tls_alert(c):
    rc, out, err, st, _ = c.run(["--retries", "0", "x"], port=c.tls13.port)
    check(rc == 1 and st.get("state") == "failed" and err_code(st, "transport") == -15, st)


def s_zero_alloc(c):
    """A full TLS stream: zero heap calls from dripfeed's own code."""
    if not c.alloc:
        raise AssertionError("run with --alloc ALLOC_STREAM ALLOC_COUNT_SO")
    prog, so = c.alloc
    out_json = os.path.join(tempfile.gettempdir(), f"alloc-{os.getpid()}.json")
    env = dict(os.environ, LD_PRELOAD=so, ALLOC_COUNT_OUT=out_json)
    p = subprocess.run([prog, str(c.main.port), os.path.join(c.certs, "ca.pem"),
                        "responses-reasoning-summary-o3mini"], capture_output=True, timeout=60, env=env)
    check(p.returncode == 0, p.stderr.decode()[-300:])
    check(p.stdout.decode() == expected_text("responses-reasoning-summary-o3mini"), "text differs")
    counts = json.load(open(out_json))
    os.unlink(out_json)
    c.alloc_report = counts
    check(counts["main"]["alloc"] == 0 and counts["main"]["free"] == 0, f"dripfeed heap calls: {counts}")
    check(counts["mbedtls"]["alloc"] > 0, f"the counter must see mbedTLS's calls: {counts}")


SCENARIOS = [
    ("plain answer", s_plain), ("chat answer", s_chat),
    ("long answer, 1..64 B chunks", s_long_random_chunks), ("1 byte per write", s_slow_drip),
    ("keep-alive comments during a stall", s_keepalive_comments),
    ("function call round trip, reused connection", s_function_call_round_trip),
    ("drop mid answer", s_drop_mid_answer), ("reset mid event", s_reset_mid_event),
    ("stall before headers", s_stall_before_headers), ("idle timeout, only comments", s_idle_only_comments),
    ("total timeout", s_total_timeout),
    ("HTTP 401", s_http_401), ("HTTP 429 retry-after-ms", s_http_429_retry_after),
    ("HTTP 429 retry-after seconds", s_http_429_retry_after_seconds),
    ("HTTP 429 insufficient_quota", s_http_429_quota), ("HTTP 500 twice then 200", s_http_500_twice),
    ("HTTP 503 HTML, gives up", s_http_503_gives_up), ("wrong content type", s_wrong_content_type),
    ("missing terminal event", s_missing_terminal),
    ("background drop, resume exact", s_background_resume),
    ("explicit resume and cancel", s_explicit_resume_and_cancel),
    ("cancel from callback", s_cancel_from_callback), ("cancel from another thread", s_cancel_from_thread),
    ("TLS: wrong CA", s_wrong_ca), ("TLS: wrong host name", s_wrong_host), ("TLS: expired", s_expired),
    ("connection refused", s_refused), ("DNS failure", s_dns_failure),
    ("HTTP 400", s_http_status(400, "invalid_request_error")),
    ("HTTP 403", s_http_status(403, "unsupported_country_region_territory")),
    ("HTTP 404", s_http_status(404, "not_found")),
    ("HTTP 502", s_http_status(502, "502")),
    ("malformed status line", s_bad_status_line), ("bad chunk size", s_bad_chunk_size),
    ("oversize kept header", s_oversize_kept_header),
    ("60 KB unknown header skipped", s_oversize_skipped_header),
    ("invalid JSON event", s_invalid_json_event), ("unknown event type", s_unknown_event_type),
    ("event larger than every buffer", s_event_larger_than_buffers),
    ("TLS alert (server wants TLS 1.3)", s_tls_alert),
    ("zero heap calls from dripfeed during a TLS stream", s_zero_alloc),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dripfeed")
    ap.add_argument("--only")
    ap.add_argument("--valgrind", action="store_true", help="run each client under valgrind memcheck")
    ap.add_argument("--alloc", nargs=2, metavar=("ALLOC_STREAM", "ALLOC_COUNT_SO"))
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="drip-itest-")
    servers = []
    passed = failed = 0
    try:
        certs = os.path.join(work, "certs")
        subprocess.run(["sh", MKCERTS, certs], check=True, capture_output=True)
        main_srv = Server(work, os.path.join(certs, "server.pem"), os.path.join(certs, "server.key"), "main")
        servers.append(main_srv)
        wh = Server(work, os.path.join(certs, "wrong-host.pem"), os.path.join(certs, "wrong-host.key"), "wronghost")
        servers.append(wh)
        ex = Server(work, os.path.join(certs, "expired.pem"), os.path.join(certs, "expired.key"), "expired")
        servers.append(ex)
        t13 = Server(work, os.path.join(certs, "server.pem"), os.path.join(certs, "server.key"), "tls13",
                     extra=["--tls-min", "1.3"])
        servers.append(t13)
        ctx = Ctx(os.path.abspath(a.dripfeed), certs, main_srv, a.valgrind)
        ctx.wronghost, ctx.expired, ctx.tls13 = wh, ex, t13
        ctx.alloc = a.alloc
        ctx.alloc_report = None
        for name, fn in SCENARIOS:
            if a.only and a.only not in name:
                continue
            if fn is s_zero_alloc and not a.alloc:
                continue
            t0 = time.time()
            try:
                fn(ctx)
                passed += 1
                print(f"ok   {name} ({time.time() - t0:.2f}s)", flush=True)
            except Exception as e:  # noqa: BLE001 - report every failure and go on
                failed += 1
                print(f"FAIL {name}: {e}", flush=True)
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(work, ignore_errors=True)
    if a.alloc and 'ctx' in locals() and ctx.alloc_report:
        print(f"heap calls during one TLS stream: {json.dumps(ctx.alloc_report)}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
