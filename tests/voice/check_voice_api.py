#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""CTest voice_api: examples/voice/voice_api speaks the demo answer through the
speech endpoint of the replay server (verified TLS, its test CA), paced as a
model streams, both ways a board can sequence them.

Usage: check_voice_api.py VOICE_API SOX WORKDIR [HEAP_PEAK_SO]

The replay server (tests/server/replay_server.py on 127.0.0.1, stopped here)
replays responses-reasoning-summary-o3mini (`make demo`'s answer) with a
20 ms pause after every event (X-Drip-Event-Delay-Ms: 50 deltas a second)
and speaks each phrase as 60 ms of audio per character
(X-Drip-Speech-Ms-Per-Char: the recorded espeak-ng speech cycled). Runs
voice_api --sequence after (one client, one connection) and --sequence
parallel (an answer client and a speech client in one superloop), then checks:
- state completed, every phrase spoken, phrases as `dripfeed chunk` would cut
  them (the first before the last text delta);
- the server saw 1 + phrases requests, on 1 connection (after) or 2 (parallel):
  the speech requests reused the kept-alive connection;
- with sox: 24000 Hz, mono, 16-bit; length exactly the phrases' characters x
  60 ms (in proportion to the text); not silent (RMS amplitude above 0.02);
- both WAVs are the same bytes; parallel: audio began before the answer ended,
  after: not before it ended.
Prints the figures (time to first text / phrase / audio, answer and total).
With HEAP_PEAK_SO (tests/soak/heap_peak.c) preloaded, also the TLS sessions'
heap peak of each sequencing (Debian's Mbed TLS allocates from the heap): two
sessions open at once (parallel) must need more than one (after).
"""
import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from run_itest import MKCERTS, Server  # noqa: E402
from voicecheck import common_fails, report, sox_facts  # noqa: E402

MS_PER_CHAR = 60
HEADERS = ["X-Drip-Transcript: responses-reasoning-summary-o3mini", "X-Drip-Event-Delay-Ms: 20",
           "X-Drip-Speech-Ms-Per-Char: %d" % MS_PER_CHAR, "X-Drip-Chunk: 1,4096"]


def stats(port, ca, reset=False):
    c = http.client.HTTPSConnection("localhost", port, timeout=10,
                                    context=ssl.create_default_context(cafile=ca))
    try:
        if reset:
            c.request("POST", "/_reset", body=b"")
        else:
            c.request("GET", "/_stats")
        return json.loads(c.getresponse().read() or b"null")
    finally:
        c.close()


def run(tool, sox, port, ca, seq, wav, preload):
    stats(port, ca, reset=True)
    cmd = [tool, "--url", "https://localhost:%d/v1" % port, "--ca", ca, "--sequence", seq,
           "--wav", wav]
    for h in HEADERS:
        cmd += ["--header", h]
    env = dict(os.environ)
    if preload:
        env["LD_PRELOAD"] = preload
    p = subprocess.run(cmd, capture_output=True, timeout=240, env=env)
    out, err = p.stdout.decode(), p.stderr.decode("utf-8", "replace")
    sys.stdout.write(out)
    fails = []
    if p.returncode != 0:
        return None, ["%s: exit %d: %s" % (seq, p.returncode, err[-2000:])]
    m = json.loads(out.splitlines()[-1])
    phrases = re.findall(r"^\s*[0-9.]+ ms  phrase \d+: (.*)$", err, re.M)
    s = stats(port, ca)
    w = sox_facts(sox, wav)
    samples = w["samples"]
    chars = sum(len(x) for x in phrases)
    want = chars * MS_PER_CHAR * 24
    print("%s: %d phrases (%d characters), wav %d Hz %d ch %s %d samples (%.2f s, want %.2f s), "
          "RMS %.4f; server: %d requests on %d connection(s)"
          % (seq, len(phrases), chars, w["rate"], w["chans"], w["prec"], samples,
             samples / 24000.0, want / 24000.0, w["rms"], s["requests"], s["connections"]))
    print("%s: first text %.0f ms, first phrase %.0f ms (+%.0f), first audio %.0f ms (+%.0f "
          "after the phrase), answer %.0f ms, total %.0f ms; TLS heap peak %d B"
          % (seq, m["first_text_ms"], m["first_phrase_ms"], m["first_phrase_ms"] - m["first_text_ms"],
             m["first_audio_ms"], m["first_audio_ms"] - m["first_phrase_ms"], m["answer_ms"],
             m["total_ms"], m["tls_heap_peak"]))
    if m["state"] != "completed" or m["phrases"] != len(phrases) or m["spoken"] != len(phrases) \
            or len(phrases) < 2:
        fails.append("%s: run %r" % (seq, m))
    fails += common_fails(m, w, 24000, seq + ": ")
    conns = 1 if seq == "after" else 2
    if s["requests"] != 1 + len(phrases) or s["connections"] != conns:
        fails.append("%s: server saw %d requests on %d connections, want %d on %d"
                     % (seq, s["requests"], s["connections"], 1 + len(phrases), conns))
    if samples != want or m["audio_bytes"] != 2 * want:
        fails.append("%s: %d samples for %d characters, want %d" % (seq, samples, chars, want))
    if seq == "parallel" and not m["first_audio_ms"] < m["answer_ms"]:
        fails.append("parallel: no audio before the answer ended")
    if seq == "after" and m["first_audio_ms"] < m["answer_ms"]:
        fails.append("after: audio before the answer ended")
    return m, fails


def main():
    tool, sox, work = sys.argv[1:4]
    preload = os.path.abspath(sys.argv[4]) if len(sys.argv) > 4 else None
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    certs = os.path.join(work, "certs")
    subprocess.run(["sh", MKCERTS, certs], check=True, capture_output=True)
    ca = os.path.join(certs, "ca.pem")
    srv = Server(work, os.path.join(certs, "server.pem"), os.path.join(certs, "server.key"), "voice")
    fails = []
    try:
        wavs, runs = {}, {}
        for seq in ("parallel", "after"):
            wavs[seq] = os.path.join(work, seq + ".wav")
            runs[seq], f = run(tool, sox, srv.port, ca, seq, wavs[seq], preload)
            fails += f
        if preload and not fails:
            hp = {k: r["tls_heap_peak"] for k, r in runs.items()}
            if not 0 < hp["after"] < hp["parallel"]:
                fails.append("TLS heap peaks %r: two sessions should need more than one" % hp)
        if not fails and open(wavs["after"], "rb").read() != open(wavs["parallel"], "rb").read():
            fails.append("the two WAVs differ")
    finally:
        srv.stop()
    return report(fails)


if __name__ == "__main__":
    sys.exit(main())
