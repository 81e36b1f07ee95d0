#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""On-target test: the firmware image streams an answer under QEMU.

    run_qemu_test.py --fw-dir build/fw [--case ok|truncated] [--timeout 120] [-v]

Starts the TLS replay server (tests/server/replay_server.py) on the host's
loopback with a leaf certificate for the image's host name, signed by the
test CA the image was built with (FW_DIR/certs, tests/server/mkcerts.sh),
then boots FW_DIR/dripfeed_qemu.elf:

    qemu-system-arm -M mps2-an386 -nographic -monitor none -serial stdio
        -nic user,model=lan9118 -kernel dripfeed_qemu.elf
        -semihosting-config enable=on,target=native,arg=port=PORT[,arg=fault=...]

under a time limit. QEMU's user network lets the guest reach the host's
127.0.0.1:PORT at 10.0.2.2:PORT; the image resolves its TLS host name to
10.0.2.2 from lwIP's local host list and verifies the certificate (name and
chain) as it would on a board.

Cases:
  ok         exit status 0, "state=completed", the text printed between the
             answer markers equals the transcript's output_text deltas, the
             deltas match response.output_text.done, and the memory lines
             (mbedTLS arena peaks, stack high-water) are printed.
             It then boots the image once more with arg=heapcheck=1: the
             image calls malloc() and the link's heap wrapper must stop it
             (exit status 3, "FATAL: heap: malloc called").
  truncated  the server drops the TCP connection in the middle of the answer
             (X-Drip-Fault: drop_after=N, no TLS close_notify): exit status 1,
             "state=truncated" (never completed), the text printed is a
             non-empty proper prefix of the full answer.

  --soak N   (with case ok) the image runs N answers in this one boot
             (arg=soak=N, boards/qemu-mps2-an386/fw_soak.c): the first as
             above, then N-1 more on the same client (every 10th with
             `close=1`: a reconnect and a resumed TLS session; every 13th
             without its terminal event: truncated); each checked, and the
             mbedTLS arena and lwIP pool/heap high-water marks must not move
             after the first answer. Its "soak qemu:" line is printed.

Exit status: 0 pass, 1 fail, 77 skipped (qemu-system-arm or the image missing).
"""

from __future__ import annotations

import argparse
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
TRANSCRIPTS = os.path.join(ROOT, "tests", "transcripts")
TRANSCRIPT = "responses-text-gpt52"
HOST_NAME = "api.dripfeed.test"   # FW_TEST_HOST_NAME in boards/qemu-mps2-an386/lwipopts.h


def log(msg: str) -> None:
    print(f"qemu-test: {msg}", flush=True)


def deltas_of(path: str):
    """(offset after each output_text.delta event, delta text) in SSE body order."""
    raw = open(path, "rb").read()
    out, pos = [], 0
    for block in raw.split(b"\n\n"):
        end = pos + len(block) + 2
        for line in block.split(b"\n"):
            if line.startswith(b"data: "):
                try:
                    obj = json.loads(line[6:])
                except ValueError:
                    continue
                if obj.get("type") == "response.output_text.delta":
                    out.append((end, obj["delta"]))
        pos = end
    return out


def make_leaf(certs: str, tmp: str) -> tuple[str, str]:
    """A server certificate for HOST_NAME (DNS SAN) signed by the image's CA.

    Mbed TLS 2.28 compares the host name with dNSName SANs only (no iPAddress
    check), so the image connects by name; the name maps to 10.0.2.2 in lwIP.
    """
    key, csr, pem = (os.path.join(tmp, f) for f in ("leaf.key", "leaf.csr", "leaf.pem"))
    ext = os.path.join(tmp, "leaf.ext")
    with open(ext, "w") as fh:
        fh.write("basicConstraints=critical,CA:FALSE\n"
                 "keyUsage=critical,digitalSignature\n"
                 "extendedKeyUsage=serverAuth\n"
                 f"subjectAltName=DNS:{HOST_NAME}\n")
    run = lambda *a: subprocess.run(a, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)
    run("openssl", "req", "-new", "-sha256", "-key", key, "-subj", f"/CN={HOST_NAME}", "-out", csr)
    run("openssl", "x509", "-req", "-sha256", "-days", "30", "-in", csr,
        "-CA", os.path.join(certs, "ca.pem"), "-CAkey", os.path.join(certs, "ca.key"),
        "-set_serial", str(int(time.time())), "-extfile", ext, "-out", pem)
    return pem, key


def start_server(pem: str, key: str, tmp: str):
    ready = os.path.join(tmp, "port")
    errlog = open(os.path.join(tmp, "server.log"), "w")
    proc = subprocess.Popen(
        [sys.executable, SERVER, "--cert", pem, "--key", key, "--transcripts", TRANSCRIPTS,
         "--port", "0", "--ready-file", ready, "--exit-with-parent", "--verbose",
         "--max-lifetime", "600"],
        stdout=subprocess.DEVNULL, stderr=errlog)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if os.path.exists(ready):
            txt = open(ready).read().strip()
            if txt:
                return proc, int(txt)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("replay server did not start:\n" + open(errlog.name).read())


def run_qemu(elf: str, args: list[str], timeout: float, verbose: bool):
    semi = "enable=on,target=native," + ",".join(
        "arg=" + a.replace(",", ",,") for a in args)   # QEMU option syntax: ',' doubled
    cmd = ["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor", "none",
           "-serial", "stdio", "-nic", "user,model=lan9118", "-kernel", elf,
           "-semihosting-config", semi]
    log(" ".join(cmd))
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    chunks = []
    try:
        # Stream the UART through as it arrives (the deltas show up live).
        os.set_blocking(proc.stdout.fileno(), False)
        while True:
            if time.monotonic() - start > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return None, b"".join(chunks).decode("utf-8", "replace"), time.monotonic() - start
            data = proc.stdout.read()
            if data:
                chunks.append(data)
                if verbose:
                    sys.stdout.write(data.decode("utf-8", "replace"))
                    sys.stdout.flush()
            elif proc.poll() is not None:
                rest = proc.stdout.read()
                if rest:
                    chunks.append(rest)
                    if verbose:
                        sys.stdout.write(rest.decode("utf-8", "replace"))
                break
            else:
                time.sleep(0.02)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace"), time.monotonic() - start


def answer_text(out: str):
    m = re.search(r"=== answer begin ===\n(.*?)\n=== answer end ===", out, re.S)
    return m.group(1) if m else None


def check(case: str, rc, out: str, full: str, partial: str) -> list[str]:
    errors = []
    state = re.search(r"result: state=(\w+)", out)
    state = state.group(1) if state else None
    text = answer_text(out)
    if rc is None:
        return ["time limit reached (QEMU killed)"]
    if "FATAL:" in out:
        errors.append("the image stopped on a fatal error: " +
                      out[out.index("FATAL:"):].splitlines()[0])
    if case == "ok":
        if rc != 0:
            errors.append(f"exit status {rc}, expected 0")
        if state != "completed":
            errors.append(f"final state {state!r}, expected 'completed'")
        if text != full:
            errors.append(f"text on the UART {text!r} != the server's answer {full!r}")
        if "deltas match it" not in out:
            errors.append("the deltas do not match response.output_text.done")
    else:
        if rc != 1:
            errors.append(f"exit status {rc}, expected 1 (answer not complete)")
        if state != "truncated":
            errors.append(f"final state {state!r}, expected 'truncated'")
        if "state=completed" in out:
            errors.append("a cut answer was reported as completed")
        if not text or not full.startswith(text) or text == full:
            errors.append(f"text on the UART {text!r} is not a proper prefix of {full!r}")
        elif text != partial:
            errors.append(f"text on the UART {text!r} != what was sent before the drop {partial!r}")
    for needle in ("mem: mbedtls arena", "mem: stack", "high-water", "mem: RAM"):
        if needle not in out:
            errors.append(f"memory report line missing: {needle!r}")
    m = re.search(r"in use after free (\d+) B", out)
    if m and int(m.group(1)) != 0:
        errors.append(f"mbedTLS arena not empty after drip_tls_free: {m.group(1)} B")
    return errors


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fw-dir", required=True, help="firmware build dir (make firmware FW_BUILD=...)")
    ap.add_argument("--case", choices=["ok", "truncated"], default="ok")
    ap.add_argument("--timeout", type=float, default=120.0, help="QEMU time limit (s)")
    ap.add_argument("-v", "--verbose", action="store_true", help="echo the UART as it arrives")
    ap.add_argument("--soak", type=int, default=0, help="answers in one boot (case ok)")
    a = ap.parse_args(argv)

    elf = os.path.join(a.fw_dir, "dripfeed_qemu.elf")
    certs = os.path.join(a.fw_dir, "certs")
    if shutil.which("qemu-system-arm") is None:
        log("SKIP: qemu-system-arm not installed (make test installs it)")
        return 77
    if not os.path.exists(elf) or not os.path.exists(os.path.join(certs, "ca.key")):
        log(f"SKIP: no image {elf} (run make firmware)")
        return 77

    deltas = deltas_of(os.path.join(TRANSCRIPTS, TRANSCRIPT + ".sse"))
    full = "".join(d for _, d in deltas)
    qargs = [f"soak={a.soak}"] if a.soak > 1 and a.case == "ok" else []
    partial = full
    if a.case == "truncated":
        # Drop in the middle of the 4th delta event: 3 deltas were delivered.
        cut = deltas[2][0] + 100
        partial = "".join(d for off, d in deltas if off <= cut)
        qargs.append(f"fault=drop_after={cut}")

    tmp = tempfile.mkdtemp(prefix="drip-qemu-")
    server = None
    try:
        pem, key = make_leaf(certs, tmp)
        server, port = start_server(pem, key, tmp)
        log(f"replay server on 127.0.0.1:{port} (guest: {HOST_NAME} -> 10.0.2.2:{port})")
        rc, out, secs = run_qemu(elf, [f"port={port}"] + qargs, a.timeout, a.verbose)
        if not a.verbose:
            sys.stdout.write(out)
        log(f"qemu exit status {rc} after {secs:.1f} s")
        errors = check(a.case, rc, out, full, partial)
        if qargs and qargs[0].startswith("soak="):
            m = re.search(r"^soak qemu: .*$", out, re.M)
            if m:
                log(m.group(0))
            if not m or not m.group(0).startswith(f"soak qemu: {a.soak} answers, 0 wrong,"):
                errors.append("soak: no 'soak qemu: N answers, 0 wrong' line")
        if errors:
            server_log = open(os.path.join(tmp, "server.log")).read()
            if server_log:
                log("server log:\n" + server_log)
            for e in errors:
                log("FAIL: " + e)
            return 1
        if a.case == "ok":
            rc, out, _ = run_qemu(elf, ["heapcheck=1"], 30, a.verbose)
            if rc != 3 or "FATAL: heap: malloc called" not in out:
                log(f"FAIL: heap guard: exit status {rc}, expected 3 with "
                    f"'FATAL: heap: malloc called':\n{out}")
                return 1
            log("heap guard: malloc() stopped the image (exit status 3)")
        log(f"PASS ({a.case})")
        return 0
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
