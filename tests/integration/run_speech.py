#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""CTest integration_speech: drip_client's speech path against the replay
server over verified TLS (tests/server/replay_server.py on 127.0.0.1, stopped
by this script).

Usage: run_speech.py SPEECH_CLIENT

Each case runs tests/integration/speech_client.c (POST /v1/audio/speech,
DRIP_API_SPEECH, the POSIX bundle) and checks the state, the audio (bytes and
FNV-1a against the server's own audio: the committed capture's pcm repeated),
the usage and the number of requests the server saw (retries). Prints one
line per case and ends with "N passed, M failed".
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

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
from run_itest import MKCERTS, Server  # noqa: E402
from make_speech import audio_of  # noqa: E402

AUDIO = audio_of(os.path.join(ROOT, "tests", "captures", "speech", "speech-pcm-chunked.http"))


def fnv1a(b):
    h = 0x811C9DC5
    for c in b:
        h = ((h ^ c) * 0x01000193) & 0xFFFFFFFF
    return "%08x" % h


class Ctx:
    def __init__(self, client, certs, srv, work):
        self.client, self.certs, self.srv, self.work = client, certs, srv, work
        self.ssl = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))

    def admin(self, method, path):
        c = http.client.HTTPSConnection("localhost", self.srv.port, context=self.ssl, timeout=10)
        try:
            c.request(method, path, body=b"" if method == "POST" else None)
            return json.loads(c.getresponse().read() or b"null")
        finally:
            c.close()

    def speak(self, fmt, *headers):
        self.admin("POST", "/_reset")
        out = os.path.join(self.work, "out.pcm")
        p = subprocess.run([self.client, "https://localhost:%d/v1" % self.srv.port,
                            os.path.join(self.certs, "ca.pem"), out, fmt] + list(headers),
                           capture_output=True, timeout=120)
        r = json.loads(p.stdout.decode().strip().splitlines()[-1])
        with open(out, "rb") as f:
            r["audio"] = f.read()
        r["rc"] = p.returncode
        r["requests"] = self.admin("GET", "/_requests")
        return r


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def whole(ctx, fmt, repeat, deltas=None):
    hs = ["X-Drip-Speech-Repeat: %d" % repeat, "X-Drip-Chunk: 1,4096", "X-Drip-Seed: 3"]
    if deltas:
        hs.append("X-Drip-Speech-Deltas: " + deltas)
    r = ctx.speak(fmt, *hs)
    want = AUDIO * repeat
    expect(r["state"] == "completed" and r["rc"] == 0, r)
    expect(r["audio"] == want and r["audio_bytes"] == len(want) and r["fnv1a"] == fnv1a(want),
           "audio differs: %d bytes, fnv %s" % (r["audio_bytes"], r["fnv1a"]))
    req = r["requests"][-1]
    body = json.loads(req["body"])
    expect(req["path"] == "/v1/audio/speech" and body["voice"] == "coral" and
           body["response_format"] == "pcm" and "stream" not in body, req)
    accept = req["headers"].get("accept")
    expect(accept == ("text/event-stream" if fmt == "sse" else "*/*"), accept)
    return r


def s_sse(ctx):
    # deltas of 300 B .. 200 KB of audio (400 B .. 267 KB of base64) through a 4 KB buffer
    r = whole(ctx, "sse", 8, "300,1200,4800,24000,200000,700")
    expect(r["total_tokens"] > 0, r)


def s_raw(ctx):
    r = whole(ctx, "audio", 2)
    expect(r["total_tokens"] == -1, r)


def s_cut_mid_delta(ctx):
    r = ctx.speak("sse", "X-Drip-Fault: drop_after=20000", "X-Drip-Speech-Deltas: 24000")
    expect(r["state"] == "truncated" and r["err"] == -39 and len(r["requests"]) == 1, r)  # no replay
    expect(AUDIO.startswith(r["audio"]) and 0 < len(r["audio"]) < 24000, len(r["audio"]))


def s_raw_cut(ctx):
    r = ctx.speak("audio", "X-Drip-Fault: drop_after=10000")
    expect(r["state"] == "truncated" and r["err"] == -39 and r["audio"] == AUDIO[:10000] and
           len(r["requests"]) == 1, r)


def s_bad_base64(ctx):
    r = ctx.speak("sse", "X-Drip-Fault: bad_base64=1", "X-Drip-Speech-Deltas: 3000")
    expect(r["state"] == "protocol_error" and r["err"] == -91 and r["audio"] == AUDIO[:3000], r)


def s_no_done(ctx):
    r = ctx.speak("sse", "X-Drip-Fault: no_terminal=1")
    expect(r["state"] == "truncated" and r["audio"] == AUDIO and r["err"] == -89, r)


def s_retry_500(ctx):
    r = ctx.speak("sse", "X-Drip-Fault: status=500,fail_times=1", "X-Drip-Key: s500")
    expect(r["state"] == "completed" and r["audio"] == AUDIO and len(r["requests"]) == 2, r)


def s_retry_429(ctx):
    r = ctx.speak("audio", "X-Drip-Fault: status=429,retry_after_ms=10,fail_times=1", "X-Drip-Key: s429")
    expect(r["state"] == "completed" and r["audio"] == AUDIO and len(r["requests"]) == 2, r)


def s_retry_before_audio(ctx):
    # the connection drops inside the first delta: nothing was played, so it is retried
    r = ctx.speak("sse", "X-Drip-Fault: drop_after=100,fail_times=1", "X-Drip-Key: sdrop",
                  "X-Drip-Speech-Deltas: 24000")
    expect(r["state"] == "completed" and r["audio"] == AUDIO and len(r["requests"]) == 2, r)


def s_http_error(ctx):
    r = ctx.speak("sse", "X-Drip-Fault: status=401")
    expect(r["state"] == "http_error" and r["http_status"] == 401 and not r["audio"] and r["err"] == -87 and
           len(r["requests"]) == 1, r)


SCENARIOS = [("sse: deltas 300 B .. 200 KB", s_sse), ("raw pcm body", s_raw),
             ("sse cut mid-delta: truncated, no replay", s_cut_mid_delta),
             ("raw cut: truncated", s_raw_cut), ("bad base64: protocol_error", s_bad_base64),
             ("no speech.audio.done: truncated", s_no_done), ("500 then whole: retried", s_retry_500),
             ("429 retry-after-ms then whole: retried", s_retry_429),
             ("drop before any audio: retried", s_retry_before_audio),
             ("401: http_error, not retried", s_http_error)]


def main():
    client = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="drip-speech-")
    passed = failed = 0
    srv = None
    try:
        certs = os.path.join(work, "certs")
        subprocess.run(["sh", MKCERTS, certs], check=True, capture_output=True)
        srv = Server(work, os.path.join(certs, "server.pem"), os.path.join(certs, "server.key"), "speech")
        ctx = Ctx(client, certs, srv, work)
        for name, fn in SCENARIOS:
            t0 = time.time()
            try:
                fn(ctx)
                passed += 1
                print("ok   %s (%.2fs)" % (name, time.time() - t0), flush=True)
            except Exception as e:  # noqa: BLE001 - report every failure and go on
                failed += 1
                print("FAIL %s: %s" % (name, str(e)[:600]), flush=True)
    finally:
        if srv is not None:
            srv.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
