#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""CTest `lwip_netns`: port/lwip sockets on Debian's lwIP, over TLS, in a network namespace.

Usage: run_lwip_test.py LWIP_STREAM [--only NAME] [--keep-going]
       run_lwip_test.py LWIP_STREAM --soak N [--seed S]

--soak N: instead of the scenarios, N answers through one lwIP client with seeded faults
(tests/soak/soak_run.c via lwip_stream --soak; `make soak` runs 1000), heap counted by
soak_heap_peak.so next to lwip_stream (Debian's lwIP takes its pools from malloc, so the heap
in use covers lwIP's pools and mbedTLS); its last line and exit status are the result.

What it does, every time from scratch:
  1. creates a network namespace `drip-lwip-PID` with a TAP device `dtap0` (10.77.0.1/24 on the
     Linux side); lwip_stream attaches lwIP's tapif to it as 10.77.0.2;
  2. makes a test CA and a server certificate for `replay.lwip.test` (+ IP 10.77.0.1) at test
     time (tests/server/mkcerts.sh, then one more leaf signed by its CA);
  3. starts tests/server/replay_server.py inside the namespace on 10.77.0.1 (twice: the real
     certificate and a wrong-host one);
  4. runs each scenario: lwip_stream (lwIP sockets -> mbedTLS, verification on -> drip_client),
     checking final state, error codes and the text delivered;
  5. stops the servers and deletes the namespace whatever happens (finally + signal handlers;
     namespaces left by a killed earlier run are removed at the start).

Only addresses inside that namespace are used. It needs root (ip netns, /dev/net/tun): without
them it FAILS, it does not skip. Prints one line per scenario, the measured fault-matrix rows, and
ends with "N passed, M failed".

TAP MTU 576: Debian's liblwip 2.1.3+dfsg1-2 is built with its pool-pbuf size inconsistent (memp.c
allocates 616-byte PBUF_POOL blocks, pbuf.c fills up to 1536 bytes into one), so tapif corrupts the
heap on any frame over 590 bytes. With MTU 576 both sides use MSS 536 and every frame fits.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
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

NS_PREFIX = "drip-lwip-"
TAP = "dtap0"
SRV_IP = "10.77.0.1"
LWIP_IP = "10.77.0.2"
DEAD_IP = "10.77.0.99"      # on the TAP's subnet, nobody answers ARP for it
HOST = "replay.lwip.test"   # RFC 2606 .test; mapped to SRV_IP by lwip_stream --map
TAP_MTU = "576"


def expected_text(name):
    with open(os.path.join(CAPTURES, name + ".expected"), encoding="utf-8") as f:
        return json.loads(f.read())["text"]


def mid_event_offset(transcript, event_type, near_fraction):
    """A body offset in the middle of the `event_type` event nearest to near_fraction of the body:
    a cut there is inside an SSE event, after some text was delivered."""
    with open(os.path.join(TRANSCRIPTS, transcript + ".sse"), "rb") as f:
        data = f.read()
    target, pos = int(len(data) * near_fraction), 0
    while pos < len(data):
        i = data.find(b"\n\n", pos)
        end = len(data) if i < 0 else i + 2
        if end > target and data[pos:end].startswith(b"event: " + event_type.encode()):
            return pos + (end - pos) // 2
        pos = end
    raise RuntimeError(f"no {event_type} after {target} in {transcript}")


def err_names():
    """drip_err_t value -> name, from core/include/dripfeed/drip_err.h."""
    with open(os.path.join(ROOT, "core", "include", "dripfeed", "drip_err.h")) as f:
        return {int(v): n for n, v in re.findall(r"^\s+(DRIP_[A-Z0-9_]+) = (-?\d+)", f.read(), re.M)}


ERR_NAMES = err_names()


def run(cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)


# ---- the namespace ----------------------------------------------------------------------------

class Netns:
    def __init__(self):
        self.name = f"{NS_PREFIX}{os.getpid()}"
        self.created = False

    def create(self):
        if shutil.which("ip") is None:
            raise RuntimeError("`ip` not found (apt-get install iproute2)")
        p = run(["ip", "netns", "add", self.name], check=False)
        if p.returncode != 0:
            raise RuntimeError(f"ip netns add {self.name} failed (root needed): {p.stderr.strip()}")
        self.created = True
        # tcp_autocorking=0 (this namespace only): small writes leave as they are made, so
        # `drip=1` really puts each byte in its own segment.
        for cmd in (["ip", "link", "set", "lo", "up"],
                    ["sh", "-c", "echo 0 > /proc/sys/net/ipv4/tcp_autocorking"],
                    ["ip", "tuntap", "add", "dev", TAP, "mode", "tap"],
                    ["ip", "link", "set", TAP, "mtu", TAP_MTU],
                    ["ip", "addr", "add", f"{SRV_IP}/24", "dev", TAP],
                    ["ip", "link", "set", TAP, "up"]):
            p = run(self.wrap(cmd), check=False)
            if p.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd)} in {self.name} failed: {p.stderr.strip()}")

    def wrap(self, cmd):
        return ["ip", "netns", "exec", self.name] + list(cmd)

    def tap_tx_packets(self):
        """Frames Linux has sent to lwIP over the TAP."""
        p = run(self.wrap(["ip", "-j", "-s", "link", "show", TAP]))
        return int(json.loads(p.stdout)[0]["stats64"]["tx"]["packets"])

    def destroy(self):
        if not self.created:
            return
        kill_netns(self.name)
        self.created = False


def kill_netns(name):
    """Kill whatever still runs in the namespace, then delete it."""
    p = run(["ip", "netns", "pids", name], check=False)
    for pid in p.stdout.split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ValueError, OSError):
            pass
    for _ in range(50):
        if run(["ip", "netns", "del", name], check=False).returncode == 0:
            break
        time.sleep(0.1)


def reap_stale():
    """Namespaces of earlier runs whose runner no longer exists (killed with SIGKILL)."""
    p = run(["ip", "netns", "list"], check=False)
    for line in p.stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        m = re.fullmatch(re.escape(NS_PREFIX) + r"(\d+)", name)
        if m and not os.path.exists(f"/proc/{m.group(1)}"):
            kill_netns(name)


# ---- servers and certificates -----------------------------------------------------------------

def make_certs(work):
    certs = os.path.join(work, "certs")
    run(["sh", MKCERTS, certs])
    cnf = os.path.join(work, "lwip-leaf.cnf")
    with open(cnf, "w") as f:
        f.write("[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = " + HOST + "\n"
                "[ext]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n"
                "extendedKeyUsage = serverAuth\nauthorityKeyIdentifier = keyid\n"
                f"subjectAltName = DNS:{HOST}, IP:{SRV_IP}\n")
    key, csr, pem = (os.path.join(certs, "lwip." + e) for e in ("key", "csr", "pem"))
    run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key])
    run(["openssl", "req", "-config", cnf, "-new", "-sha256", "-key", key, "-out", csr])
    run(["openssl", "x509", "-req", "-sha256", "-days", "2", "-in", csr,
         "-CA", os.path.join(certs, "ca.pem"), "-CAkey", os.path.join(certs, "ca.key"),
         "-set_serial", "0x" + os.urandom(8).hex(), "-extfile", cnf, "-extensions", "ext", "-out", pem])
    run(["openssl", "verify", "-CAfile", os.path.join(certs, "ca.pem"), pem])
    return certs


class Server:
    """replay_server.py inside the namespace, on SRV_IP."""

    def __init__(self, ns, work, cert, key, name):
        self.ns = ns
        self.ready = os.path.join(work, name + ".port")
        self.log = open(os.path.join(work, name + ".log"), "w")
        # `ip netns exec` execs the command: this Popen's pid is the server itself.
        self.proc = subprocess.Popen(
            ns.wrap([sys.executable, SERVER, "--cert", cert, "--key", key, "--transcripts",
                     TRANSCRIPTS, "--host", SRV_IP, "--port", "0", "--ready-file", self.ready,
                     "--exit-with-parent", "--max-lifetime", "900"]),
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
        raise RuntimeError(f"server {name} did not start: {open(self.log.name).read()[-400:]}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def admin(self, method, path, cafile):
        """Introspection request, made from inside the namespace (SRV_IP is not reachable from
        anywhere else)."""
        code = ("import http.client,ssl,sys,json\n"
                f"c=http.client.HTTPSConnection({HOST!r},{self.port},timeout=10,"
                f"context=ssl.create_default_context(cafile={cafile!r}))\n"
                f"c.sock=ssl.create_default_context(cafile={cafile!r}).wrap_socket("
                f"__import__('socket').create_connection(({SRV_IP!r},{self.port}),10),"
                f"server_hostname={HOST!r})\n"
                f"c.request({method!r},{path!r},body=b'' if {method!r}=='POST' else None)\n"
                "sys.stdout.write(c.getresponse().read().decode() or 'null')\n")
        p = run(self.ns.wrap([sys.executable, "-c", code]), timeout=30)
        return json.loads(p.stdout)


# ---- one client run -----------------------------------------------------------------------------

class Ctx:
    def __init__(self, binary, ns, certs, main, wronghost):
        self.binary, self.ns, self.certs, self.main, self.wronghost = binary, ns, certs, main, wronghost

    def admin(self, method, path):
        return self.main.admin(method, path, os.path.join(self.certs, "ca.pem"))

    def run(self, args, port=None, ca="ca.pem", host=HOST, map_to=SRV_IP, timeout=60):
        url = f"https://{host}:{port or self.main.port}/v1"
        cmd = [self.binary, "--tap", TAP, "--ip", LWIP_IP, "--netmask", "255.255.255.0",
               "--gw", SRV_IP, "--url", url, "--map", f"{HOST}={map_to}",
               "--ca", os.path.join(self.certs, ca)] + args
        t0 = time.time()
        p = subprocess.run(self.ns.wrap(cmd), capture_output=True, timeout=timeout)
        dt = time.time() - t0
        err = p.stderr.decode("utf-8", "replace")
        status = {}
        for line in err.splitlines():
            if line.startswith("dripfeed: state="):
                status = dict(kv.split("=", 1) for kv in line[len("dripfeed: "):].split() if "=" in kv)
        return p.returncode, p.stdout.decode("utf-8", "replace"), err, status, dt


def H(name, value):
    return ["--header", f"{name}: {value}"]


def code(status, key="error"):
    v = status.get(key, "")
    return int(v.split("(")[0]) if v else 0


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)


def describe_text(out, full):
    text = out[:-1] if out.endswith("\n") else out
    if text == "":
        return "none"
    if text == full:
        return "the whole answer"
    if full.startswith(text):
        return f"a strict prefix ({len(text.encode())} of {len(full.encode())} B)"
    return "DIFFERENT text"


# ---- scenarios ------------------------------------------------------------------------------------
# Each returns (how it is injected, final state, error, text, seconds) for the matrix.

LONG = "responses-reasoning-summary-o3mini"
PLAIN = "responses-text-gpt52"


def name(v):
    return f"{ERR_NAMES.get(v, '?')} ({v})"


def row(how, st, out, full, dt, extra=""):
    err = []
    if code(st):
        err.append(name(code(st)))
    if code(st, "transport") and code(st, "transport") != code(st):
        err.append("transport " + name(code(st, "transport")))
    e = ", ".join(err) if err else "—"
    return (how, st.get("state", "?"), e + extra, describe_text(out, full), f"{dt:.2f} s")


def s_plain(c):
    rc, out, err, st, dt = c.run(["What is 2+2?"])
    check(rc == 0 and st.get("state") == "completed", (rc, st, err[-300:]))
    check(out == expected_text(PLAIN) + "\n", repr(out))
    check(st.get("tokens") == "20/10/30", st)
    return row("default transcript, 1..512 B chunks", st, out, expected_text(PLAIN), dt)


def s_long(c):
    rc, out, err, st, dt = c.run(H("X-Drip-Transcript", LONG) + H("X-Drip-Chunk", "1,64") +
                                 H("X-Drip-Seed", "7") + ["cross?"])
    check(rc == 0 and st.get("state") == "completed", (st, err[-300:]))
    check(out == expected_text(LONG) + "\n", "text differs")
    return row("194 KB answer, `X-Drip-Chunk: 1,64`", st, out, expected_text(LONG), dt)


# The server resets with SO_LINGER 0: its kernel throws away whatever it had not sent yet. Over
# this path (MSS 536, lwIP's 64 KB window) that is often most of the answer when the server writes
# at full speed, so the text before the fault depends on timing. PACED makes the server slower
# than the client, so everything before the cut was sent and read: the text is then exact.
# (lwIP itself hands over what it had received before it reports the reset.)
PACED = H("X-Drip-Delay-Ms", "1") + H("X-Drip-Chunk", "256,256")


def reset_case(c, f, paced):
    rc, out, err, st, dt = c.run(H("X-Drip-Transcript", LONG) + H("X-Drip-Fault", f) +
                                 (PACED if paced else []) + ["--retries", "0", "x"])
    full = expected_text(LONG)
    check(rc == 1 and st.get("state") == "truncated", (st, err[-300:]))
    check(code(st) == -11 and code(st, "transport") == -11, st)   # DRIP_ERR_CLOSED: ECONNRESET
    text = describe_text(out, full)
    if paced:
        check(text.startswith("a strict prefix"), text)
    else:
        check(text == "none" or text.startswith("a strict prefix"), text)
    return st, out, full, dt


def s_reset_mid_chunk(c):
    off = mid_event_offset(LONG, "response.output_text.delta", 0.85)
    f = f"drop_after={off},reset=1,mid_chunk=1"
    st, out, full, dt = reset_case(c, f, True)
    return row(f"`{f}` (the chunk announces more; TCP RST), paced 1 ms / 256 B", st, out, full, dt)


def s_reset_mid_event(c):
    off = mid_event_offset(LONG, "response.output_text.delta", 0.85)
    f = f"drop_after={off},reset=1"
    st, out, full, dt = reset_case(c, f, True)
    return row(f"`{f}` (cut inside an SSE event; TCP RST), paced 1 ms / 256 B", st, out, full, dt)


def s_reset_full_speed(c):
    off = mid_event_offset(LONG, "response.output_text.delta", 0.85)
    f = f"drop_after={off},reset=1"
    st, out, full, dt = reset_case(c, f, False)
    return row(f"`{f}` at full speed: the server's kernel drops what it had not sent", st, out,
               full, dt)


def s_stall_mid_event(c):
    off = mid_event_offset(LONG, "response.output_text.delta", 0.85)
    f = f"stall_after={off}:8000"
    rc, out, err, st, dt = c.run(["--idle-timeout", "0.8", "--retries", "0"] + H("X-Drip-Transcript", LONG) +
                                 H("X-Drip-Fault", f) + ["x"])
    full = expected_text(LONG)
    check(rc == 1 and code(st) == -12, (st, err[-300:]))
    check(describe_text(out, full).startswith("a strict prefix"), describe_text(out, full))
    check(dt < 6.0, f"idle timeout fired late: {dt:.2f}s")
    return row(f"`{f}`, idle timeout 0.8 s", st, out, full, dt)


def s_one_byte_segments(c):
    before = c.ns.tap_tx_packets()
    # drip=1: 1 ms between bytes, so the server's TCP never has two bytes queued at once.
    rc, out, err, st, dt = c.run(H("X-Drip-Fault", "drip=1") + ["2+2"])
    frames = c.ns.tap_tx_packets() - before
    check(rc == 0 and out == expected_text(PLAIN) + "\n", (rc, st, err[-300:]))
    body = os.path.getsize(os.path.join(TRANSCRIPTS, PLAIN + ".sse"))
    check(frames > body, f"{frames} frames for a {body} B body: not one segment per byte")
    return row(f"`drip=1`: every byte its own write, TLS record and segment ({frames} frames to lwIP "
               f"for a {body} B body)", st, out, expected_text(PLAIN), dt)


def s_wrong_ca(c):
    rc, out, err, st, dt = c.run(["--retries", "0", "x"], ca="other-ca.pem")
    check(rc == 1 and st.get("state") == "failed" and code(st, "transport") == -16, (st, err[-300:]))
    return row("client trusts an unrelated CA", st, out, "", dt)


def s_wrong_host(c):
    rc, out, err, st, dt = c.run(["--retries", "0", "x"], port=c.wronghost.port)
    check(rc == 1 and st.get("state") == "failed" and code(st, "transport") == -16, (st, err[-300:]))
    return row("cert for `wrong.example`", st, out, "", dt)


def s_429(c):
    c.admin("POST", "/_reset")
    f = "status=429,retry_after=1,fail_times=1"
    rc, out, err, st, dt = c.run(["--retries", "2"] + H("X-Drip-Fault", f) + H("X-Drip-Key", "lwip429") + ["x"])
    check(rc == 0 and st.get("state") == "completed", (st, err[-300:]))
    check(dt >= 1.0, f"retry-after not honoured: {dt:.2f}s")
    n = len(c.admin("GET", "/_requests"))
    check(n == 2, f"{n} requests, want 2")
    check("(-87)" in err, "first attempt's 429 reported")
    return row(f"`{f}`", st, out, expected_text(PLAIN), dt,
               extra=f"; {name(-87)} on attempt 1, {n} requests")


def s_refused(c):
    rc, out, err, st, dt = c.run(["--retries", "0", "x"], port=9)   # nothing listens in the netns
    check(rc == 1 and st.get("state") == "failed" and code(st, "transport") == -14, (st, err[-300:]))
    return row(f"closed port {SRV_IP}:9 (Linux answers RST)", st, out, "", dt)


def s_no_terminal(c):
    rc, out, err, st, dt = c.run(H("X-Drip-Fault", "no_terminal=1") + ["x"])
    check(rc == 1 and st.get("state") == "truncated" and code(st) == -89, (st, err[-300:]))
    check(out == expected_text(PLAIN) + "\n", repr(out))
    return row("`no_terminal=1` (body ends cleanly)", st, out, expected_text(PLAIN), dt)


def s_dns(c):
    rc, out, err, st, dt = c.run(["--retries", "0", "x"], host="nonexistent.invalid")
    check(rc == 1 and st.get("state") == "failed" and code(st, "transport") == -13, (st, err[-300:]))
    return row("host `nonexistent.invalid` (Debian's lwIP: LWIP_DNS=0)", st, out, "", dt)


def s_connect_timeout(c):
    rc, out, err, st, dt = c.run(["--retries", "0", "--connect-timeout", "1", "x"], map_to=DEAD_IP)
    check(rc == 1 and st.get("state") == "failed" and code(st, "transport") == -12, (st, err[-300:]))
    check(dt < 4.0, f"connect timeout fired late: {dt:.2f}s")
    return row(f"{DEAD_IP} never answers ARP, connect timeout 1 s", st, out, "", dt)


SCENARIOS = [
    ("plain answer", s_plain),
    ("long answer, 1..64 B chunks", s_long),
    ("reset mid-chunk", s_reset_mid_chunk),
    ("reset mid-event", s_reset_mid_event),
    ("reset at full speed", s_reset_full_speed),
    ("stall mid-event (idle timeout)", s_stall_mid_event),
    ("1 byte per TCP segment", s_one_byte_segments),
    ("TLS: wrong CA", s_wrong_ca),
    ("TLS: wrong host name", s_wrong_host),
    ("HTTP 429 with retry-after", s_429),
    ("connection refused", s_refused),
    ("missing terminal event", s_no_terminal),
    ("DNS name without LWIP_DNS", s_dns),
    ("connect timeout", s_connect_timeout),
]


def soak_expected(work):
    """The texts the soak expects (the transcripts' output_text deltas, as
    the host soak reads them: tests/soak/run_soak.py)."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "soak"))
    from run_soak import deltas  # pylint: disable=import-outside-toplevel
    out = []
    for name in ("responses-text-gpt52", "responses-background"):
        path = os.path.join(work, name + ".txt")
        with open(path, "wb") as f:
            f.write(deltas(name))
        out.append(path)
    return out


def run_soak(ctx, work, n, seed):
    text, bg = soak_expected(work)
    preload = os.path.join(os.path.dirname(ctx.binary), "soak_heap_peak.so")
    url = f"https://{HOST}:{ctx.main.port}/v1"
    # the per-answer heap peak includes lwIP's pbufs (malloc here), which
    # follow TCP segmentation: 4 KB of slack for it, heap in use keeps 1 KB
    cmd = ["env", f"LD_PRELOAD={preload}", "SOAK_PEAK_SLACK=4096", ctx.binary, "--tap", TAP, "--ip", LWIP_IP, "--netmask",
           "255.255.255.0", "--gw", SRV_IP, "--url", url, "--map", f"{HOST}={SRV_IP}",
           "--ca", os.path.join(ctx.certs, "ca.pem"), "--idle-timeout", "5",
           "--soak", str(n), str(seed), text, bg, "x"]
    p = subprocess.run(ctx.ns.wrap(cmd), timeout=3600)
    return p.returncode


def on_signal(signum, frame):
    raise SystemExit(128 + signum)   # unwinds through the finally blocks: namespace removed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lwip_stream")
    ap.add_argument("--only")
    ap.add_argument("--soak", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)
    binary = os.path.abspath(a.lwip_stream)
    work = tempfile.mkdtemp(prefix="drip-lwip-")
    ns = Netns()
    servers = []
    passed = failed = 0
    rows = []
    try:
        if os.geteuid() != 0:
            raise RuntimeError("needs root (ip netns, /dev/net/tun): not skipped, failed")
        reap_stale()
        ns.create()
        certs = make_certs(work)
        main_srv = Server(ns, work, os.path.join(certs, "lwip.pem"), os.path.join(certs, "lwip.key"), "main")
        servers.append(main_srv)
        wh = Server(ns, work, os.path.join(certs, "wrong-host.pem"), os.path.join(certs, "wrong-host.key"),
                    "wronghost")
        servers.append(wh)
        ctx = Ctx(binary, ns, certs, main_srv, wh)
        print(f"netns {ns.name}: {TAP} {SRV_IP}/24 mtu {TAP_MTU} (Linux), lwIP {LWIP_IP}; "
              f"server https://{HOST}:{main_srv.port}", flush=True)
        if a.soak > 0:
            rc = run_soak(ctx, work, a.soak, a.seed)
            passed, failed = (1, 0) if rc == 0 else (0, 1)
        for name, fn in (SCENARIOS if a.soak == 0 else []):
            if a.only and a.only not in name:
                continue
            try:
                r = fn(ctx)
                passed += 1
                rows.append((name,) + r)
                print(f"ok   {name} ({r[-1]})", flush=True)
            except Exception as e:  # noqa: BLE001 - report every scenario
                failed += 1
                print(f"FAIL {name}: {e}", flush=True)
    except Exception as e:  # noqa: BLE001
        failed += 1
        print(f"FAIL setup: {e}", flush=True)
    finally:
        for s in servers:
            s.stop()
        ns.destroy()
        shutil.rmtree(work, ignore_errors=True)
    left = run(["ip", "netns", "list"], check=False).stdout if shutil.which("ip") else ""
    if ns.name in left:
        failed += 1
        print(f"FAIL cleanup: {ns.name} still exists", flush=True)
    if rows:
        print("\nmeasured (lwIP path):")
        print("| scenario | how it is injected | final state | error (code) | text before the fault | time |")
        for r in rows:
            print("| " + " | ".join(r) + " |")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
