#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""CTest arduino_wrapper: the Arduino library as exported, compiled on the host
against the stand-in in stub/, then streamed over a socket-backed Client.

1. scripts/manifests.py arduino-export -> OUT/dripfeed (library.properties,
   src/, examples/): what the Library Manager / a zip would carry.
2. Compiled as the Arduino builder would: every .c under src/ with gcc, every
   .cpp with g++, only src/ (and the stand-in core) on the include path;
   each example's .ino as C++ after #include <Arduino.h> (compile only: they
   need Wi-Fi). -Wall -Wextra -Werror.
3. test_arduino_stream (DripFeed over SocketClient) against
   tests/server/replay_server.py --plain on 127.0.0.1, for recorded
   Responses and Chat answers (three recordings) in chunks of 1, 2, 3, 7, 64 and 4096 bytes:
   the text printed to Serial must equal the recording's text deltas, the
   onText count must equal it, the state must be completed; and a connection
   the server drops mid-answer must end truncated with a prefix printed.

    run_arduino_test.py ROOT OUT
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT, OUT = (os.path.abspath(a) for a in sys.argv[1:3])
HERE = os.path.join(ROOT, "tests", "arduino")
STUB = os.path.join(HERE, "stub")
CFLAGS = ["-Wall", "-Wextra", "-Werror", "-O1"]


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(f"$ {' '.join(cmd)}\n{r.stdout}{r.stderr}")
        sys.exit(1)


def build():
    run([sys.executable, os.path.join(ROOT, "scripts", "manifests.py"), "arduino-export", ROOT, OUT])
    lib = os.path.join(OUT, "dripfeed")
    src = os.path.join(lib, "src")
    objd = os.path.join(OUT, "obj")
    os.makedirs(objd, exist_ok=True)
    objs = []
    inc = ["-I", src, "-I", STUB]
    for d, _, files in os.walk(src):
        for f in sorted(files):
            p = os.path.join(d, f)
            o = os.path.join(objd, os.path.relpath(p, src).replace("/", "_") + ".o")
            if f.endswith(".c"):
                run(["gcc", "-std=gnu11", *CFLAGS, *inc, "-c", p, "-o", o])
            elif f.endswith(".cpp"):
                run(["g++", "-std=gnu++11", *CFLAGS, *inc, "-c", p, "-o", o])
            else:
                continue
            objs.append(o)
    print(f"arduino: {len(objs)} library sources compiled from the export")
    exdir = os.path.join(lib, "examples")
    for ex in sorted(os.listdir(exdir)):
        ino = os.path.join(exdir, ex, ex + ".ino")
        for std in ("gnu++11", "gnu++17"):
            run(["g++", f"-std={std}", *CFLAGS, *inc, "-x", "c++", "-include", "Arduino.h",
                 "-c", ino, "-o", os.path.join(objd, f"{ex}.{std}.o")])
        print(f"arduino: example {ex} compiles (gnu++11, gnu++17)")
    for f in ("arduino_stub.cpp",):
        o = os.path.join(objd, f + ".o")
        run(["g++", "-std=gnu++11", *CFLAGS, *inc, "-c", os.path.join(STUB, f), "-o", o])
        objs.append(o)
    for f in ("socket_client.cpp", "test_arduino_stream.cpp"):
        o = os.path.join(objd, f + ".o")
        run(["g++", "-std=gnu++11", *CFLAGS, *inc, "-I", HERE, "-c", os.path.join(HERE, f), "-o", o])
        objs.append(o)
    exe = os.path.join(OUT, "test_arduino_stream")
    run(["g++", "-o", exe, *objs])
    return exe


def expected_text(path, chat):
    """The recording's text deltas, concatenated (an independent reading of the SSE)."""
    out = []
    with open(path, encoding="utf-8") as f:
        blocks = f.read().replace("\r\n", "\n").split("\n\n")
    for b in blocks:
        data = "\n".join(l[5:].lstrip(" ") if l.startswith("data:") else "" for l in b.split("\n")
                         if l.startswith("data:"))
        if not data or data == "[DONE]":
            continue
        ev = json.loads(data)
        if chat:
            for ch in ev.get("choices", []):
                if ch.get("index", 0) == 0 and isinstance(ch.get("delta", {}).get("content"), str):
                    out.append(ch["delta"]["content"])
        elif ev.get("type") == "response.output_text.delta":
            out.append(ev["delta"])
    return "".join(out).encode("utf-8")


def main():
    exe = build()
    transcripts = os.path.join(ROOT, "tests", "transcripts")
    tmp = tempfile.mkdtemp(prefix="drip-arduino-")
    ready = os.path.join(tmp, "port")
    srv = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "server", "replay_server.py"),
                            "--plain", "--transcripts", transcripts, "--port", "0",
                            "--ready-file", ready, "--exit-with-parent", "--max-lifetime", "300"],
                           stdout=subprocess.DEVNULL)
    passed = failed = 0
    try:
        t0 = time.monotonic()
        while not (os.path.exists(ready) and open(ready).read().strip()):
            if srv.poll() is not None or time.monotonic() - t0 > 20:
                print("replay server did not start")
                return 1
            time.sleep(0.05)
        port = open(ready).read().strip()
        # A reasoning model's answer (summary deltas must not reach the text),
        # a short one, and a Chat answer.
        for name, chat in (("responses-reasoning-summary-o3mini", False),
                           ("responses-text-gpt52", False), ("chat-text", True)):
            want = expected_text(os.path.join(transcripts, name + ".sse"), chat)
            assert want, name
            for n in (1, 2, 3, 7, 64, 4096):
                r = subprocess.run([exe, port, name, f"{n},{n}", str(n), "chat" if chat else ""],
                                   capture_output=True, timeout=120)
                err = r.stderr.decode(errors="replace").strip()
                ok = (r.returncode == 0 and r.stdout == want and "state=completed http=200" in err
                      and f"bytes={len(want)} " in err)
                label = f"{name} chunks of {n}"
                if ok:
                    passed += 1
                    print(f"ok   {label}: {len(want)} bytes of text, {err}")
                else:
                    failed += 1
                    print(f"FAIL {label}: rc={r.returncode} {err}\n  got  {r.stdout[:200]!r}\n"
                          f"  want {want[:200]!r}")
        # The server drops the connection after 150000 body bytes, mid-answer:
        # the Client's close must end the answer as truncated (never
        # completed), with what was printed a prefix of the text.
        want = expected_text(os.path.join(transcripts, "responses-reasoning-summary-o3mini.sse"), False)
        r = subprocess.run([exe, port, "responses-reasoning-summary-o3mini", "64,64", "1", "",
                            "drop_after=150000"], capture_output=True, timeout=120)
        err = r.stderr.decode(errors="replace").strip()
        if r.returncode == 1 and "state=truncated" in err and want.startswith(r.stdout) \
                and 0 < len(r.stdout) < len(want):
            passed += 1
            print(f"ok   dropped after 150000 body bytes: {len(r.stdout)} of {len(want)} bytes, {err}")
        else:
            failed += 1
            print(f"FAIL dropped connection: rc={r.returncode} {err} got {len(r.stdout)} bytes")
    finally:
        srv.terminate()
        srv.wait(timeout=10)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
