#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Soak runner: starts the replay server (tests/server), computes the expected
answer texts from the transcripts, runs tests/soak/soak.c with the heap-peak
preload, and passes its last line and exit status on.

  run_soak.py BUILD_DIR [N] [SEED]      (N default $SOAK_N or 10000, SEED default 1)

`make soak` runs it at N = SOAK_N (10 000); CTest soak_short at 300.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def deltas(name):
    text = []
    with open(os.path.join(ROOT, "tests/transcripts", name + ".sse"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("data:"):
                try:
                    ev = json.loads(line[5:])
                except ValueError:
                    continue
                if isinstance(ev, dict) and ev.get("type") == "response.output_text.delta":
                    text.append(ev["delta"])
    return "".join(text).encode()


def main():
    build = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else int(os.environ.get("SOAK_N", "10000"))
    seed = sys.argv[3] if len(sys.argv) > 3 else os.environ.get("SOAK_SEED", "1")
    soak = os.path.join(build, "soak")
    preload = os.path.join(build, "soak_heap_peak.so")
    with tempfile.TemporaryDirectory(prefix="drip_soak.") as d:
        with open(os.path.join(d, "text"), "wb") as f:
            f.write(deltas("responses-text-gpt52"))
        with open(os.path.join(d, "bg"), "wb") as f:
            f.write(deltas("responses-background"))
        certs = os.path.join(d, "certs")
        subprocess.run(["sh", os.path.join(ROOT, "tests/server/mkcerts.sh"), certs], check=True)
        ready = os.path.join(d, "port")
        srv = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests/server/replay_server.py"),
                                "--cert", os.path.join(certs, "server.pem"), "--key",
                                os.path.join(certs, "server.key"), "--transcripts",
                                os.path.join(ROOT, "tests/transcripts"), "--port", "0",
                                "--ready-file", ready, "--exit-with-parent"],
                               stdout=subprocess.DEVNULL, stderr=open(os.path.join(d, "server.log"), "w"))
        try:
            for _ in range(200):
                if os.path.exists(ready) and open(ready).read().strip():
                    break
                time.sleep(0.05)
            port = open(ready).read().strip()
            print("soak: seed %s, replay server on 127.0.0.1:%s" % (seed, port), flush=True)
            env = dict(os.environ, LD_PRELOAD=preload)
            p = subprocess.run([soak, "localhost", port, os.path.join(certs, "ca.pem"), str(n), seed,
                                os.path.join(d, "text"), os.path.join(d, "bg")], env=env)
            return p.returncode
        finally:
            srv.terminate()
            srv.wait()


if __name__ == "__main__":
    sys.exit(main())
