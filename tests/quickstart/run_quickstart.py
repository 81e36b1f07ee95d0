#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""CTest quickstart: the README's quick start program, as a stranger would run it.

tests/CMakeLists.txt extracts the C block after `<!-- quickstart -->` in README.md
(so the README cannot drift from what is tested), builds it against the
libraries, and this script runs it against the local HTTPS replay server with
the test CA, through real TLS with verification on:

  1. `QUICKSTART https://localhost:PORT/v1 CA` streams the recorded answer: stdout is
     the answer text exactly, then the final state line, exit 0; the request reached
     the server with the key as `Authorization: Bearer ...` and only model, input and
     stream in its body (a zeroed request sends nothing else).
  2. Trusting another CA: no text, state `failed`, exit 1 (verification is on).
  3. The README block is at most 25 lines.
Usage: run_quickstart.py QUICKSTART_BINARY README.md
"""
import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from run_itest import Server, expected_text, MKCERTS  # noqa: E402

MARK = "<!-- quickstart -->"


def readme_block(path):
    text = open(path, encoding="utf-8").read()
    after = text.split(MARK, 1)[1]
    body = after.split("```c\n", 1)[1].split("```", 1)[0]
    return body.rstrip("\n").split("\n")


def requests(port, cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    c = http.client.HTTPSConnection("localhost", port, context=ctx, timeout=10)
    c.request("GET", "/_requests")
    return json.loads(c.getresponse().read())


def main():
    binary, readme = sys.argv[1], sys.argv[2]
    passed = failed = 0

    def check(cond, what):
        nonlocal passed, failed
        if cond:
            passed += 1
            print("ok   " + what)
        else:
            failed += 1
            print("FAIL " + what)

    lines = readme_block(readme)
    check(len(lines) <= 25, f"README quick start is {len(lines)} lines (<= 25)")

    work = tempfile.mkdtemp(prefix="drip-quickstart-")
    certs = os.path.join(work, "certs")
    subprocess.run([MKCERTS, certs], check=True, stdout=subprocess.DEVNULL)
    ca = os.path.join(certs, "ca.pem")
    srv = Server(work, os.path.join(certs, "server.pem"), os.path.join(certs, "server.key"), "main")
    try:
        env = dict(os.environ, OPENAI_API_KEY="sk-quickstart-test")
        url = f"https://localhost:{srv.port}/v1"
        t0 = time.time()
        p = subprocess.run([binary, url, ca], env=env, capture_output=True, timeout=60)
        out = p.stdout.decode("utf-8", "replace")
        want = expected_text("responses-text-gpt52")
        check(p.returncode == 0, f"exit 0 (got {p.returncode}, {time.time() - t0:.2f} s)")
        check(out == want + "\n[completed]\n", f"stdout is the answer, then [completed]: {out!r}")
        reqs = requests(srv.port, ca)
        last = reqs[-1] if reqs else {}
        check(last.get("path") == "/v1/responses", "POST /v1/responses reached the server")
        check(last.get("headers", {}).get("authorization") == "Bearer sk-quickstart-test",
              "key sent as Authorization: Bearer")
        body = json.loads(last.get("body") or "{}")
        check(sorted(body) == ["input", "model", "stream"],
              f"body holds model, input, stream only: {sorted(body)}")

        other = os.path.join(certs, "other-ca.pem")
        p = subprocess.run([binary, url, other], env=env, capture_output=True, timeout=60)
        out = p.stdout.decode("utf-8", "replace")
        check(p.returncode == 1 and out.strip() == "[failed]",
              f"another CA: refused, exit 1, no text ({p.returncode}, {out!r})")
    finally:
        srv.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
