#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""CTest cli_speak: `dripfeed speak` (docs/spec/cli.md) on the speech captures.

Usage: test_speak.py DRIPFEED BIG_CAPTURE_OUT

For every capture of tests/captures/speech: the summary line is the one
expected (state, audio_bytes, usage, error, request_id, exit status), the
WAV file is RIFF PCM 16-bit mono 24000 Hz holding exactly the audio that the
Python reference (tests/tools/make_speech.py pcm: json + base64 of the
standard library) takes from the same capture, and the summary and the WAV's
FNV-1a are identical at --feed 1, 2, 3, 7, 64, 4096 and --buffer 64 .. 65536.
A generated stream with a 520 KB delta (and deltas of 200 B .. 150 KB) is
decoded at --buffer 64 the same way. Prints one line per case and ends with
"N passed, M failed".
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CAPS = os.path.join(ROOT, "tests", "captures", "speech")
GEN = os.path.join(ROOT, "tests", "tools", "make_speech.py")
FEEDS = [1, 2, 3, 7, 64, 4096]
BUFFERS = [64, 100, 512, 4096, 16384, 65536]
USAGE = {"input_tokens": 14, "output_tokens": 101, "total_tokens": 115}

# capture -> (state, usage, error status or None, exit status)
EXPECT = {
    "speech-sse": ("completed", USAGE, None, 0),
    "speech-pcm-chunked": ("completed", None, None, 0),
    "speech-pcm-length": ("completed", None, None, 0),
    "speech-pcm-close": ("truncated", None, None, 1),   # no length, no chunks: not known whole
    "speech-pcm-cut": ("truncated", None, None, 1),
    "speech-sse-no-done": ("truncated", None, None, 1),
    "speech-sse-cut-mid-delta": ("truncated", None, None, 1),
    "speech-sse-bad-base64": ("protocol_error", None, None, 1),
    "speech-429": ("http_error", None, 429, 1),
    "speech-500": ("http_error", None, 500, 1),
}
# Whole answers: the audio is the reference's at every feed and buffer. A
# delta cut by the end of input (or spoilt by a bad byte) is played up to the
# cut only when the event was larger than the buffer (decoded while read):
# those are compared across feeds at one buffer.
WHOLE = {"speech-sse", "speech-pcm-chunked", "speech-pcm-length", "speech-pcm-close",
         "speech-pcm-cut", "speech-sse-no-done", "speech-429", "speech-500"}

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   %s" % name)
    else:
        failed += 1
        print("FAIL %s %s" % (name, detail))


def fnv1a(b):
    h = 0x811C9DC5
    for c in b:
        h = ((h ^ c) * 0x01000193) & 0xFFFFFFFF
    return h


def run(tool, cap, wav, feed=None, buf=None):
    cmd = [tool, "speak", "--wav", wav]
    if feed:
        cmd += ["--feed", str(feed)]
    if buf:
        cmd += ["--buffer", str(buf)]
    with open(cap, "rb") as f:
        p = subprocess.run(cmd, stdin=f, capture_output=True, timeout=300)
    with open(wav, "rb") as f:
        w = f.read()
    return p.returncode, p.stdout.decode(), w


def wav_ok(w):
    if len(w) < 44 or w[:4] != b"RIFF" or w[8:16] != b"WAVEfmt ":
        return None
    fmt = struct.unpack("<IHHIIHH", w[16:36])
    if fmt != (16, 1, 1, 24000, 48000, 2, 16) or w[36:40] != b"data":
        return None
    n = struct.unpack("<I", w[40:44])[0]
    if struct.unpack("<I", w[4:8])[0] != 36 + n + (n & 1) or len(w) != 44 + n + (n & 1):
        return None
    return w[44:44 + n]


def check_capture(tool, name, cap, wav, whole):
    ref = subprocess.run([sys.executable, GEN, "pcm", cap], capture_output=True, check=True).stdout
    rc, out, w = run(tool, cap, wav)
    s = json.loads(out)
    audio = wav_ok(w)
    keys = ["http_status", "state", "audio_bytes", "usage", "error", "request_id"]
    check(name + ": summary keys in order", list(s.keys()) == keys, out)
    state, usage, err, code = EXPECT.get(name, ("completed", USAGE, None, 0))
    check(name + ": state %s, exit %d" % (state, code), s["state"] == state and rc == code, out)
    check(name + ": usage", s["usage"] == usage, out)
    check(name + ": error", (s["error"] is None) == (err is None) and
          (err is None or s["error"]["status"] == err), out)
    check(name + ": WAV is RIFF PCM 16-bit mono 24 kHz", audio is not None)
    if audio is None:
        return
    check(name + ": audio_bytes is the WAV's data", s["audio_bytes"] == len(audio), out)
    if whole and state in ("completed",):
        check(name + ": audio equals the reference decode (%d bytes)" % len(ref), audio == ref)
    elif whole:
        check(name + ": audio is a prefix of the reference", ref.startswith(audio))
    base = (out, fnv1a(audio))
    bad = []
    for feed in FEEDS:
        for buf in (BUFFERS if whole else [4096]):
            if feed == 1 and buf not in (64, 4096) and os.path.getsize(cap) > 20000:
                continue  # byte by byte at two buffers is enough for the large ones
            r2, o2, w2 = run(tool, cap, wav, feed, buf)
            a2 = wav_ok(w2)
            if (o2, fnv1a(a2 or b"")) != base or r2 != rc:
                bad.append((feed, buf))
    check(name + ": same summary and WAV FNV-1a %08x at feeds %s x buffers %s" %
          (base[1], FEEDS, BUFFERS if whole else [4096]), not bad, str(bad[:5]))
    if not whole:
        states = set()
        for buf in BUFFERS:
            r2, o2, _ = run(tool, cap, wav, 7, buf)
            states.add((json.loads(o2)["state"], r2))
        check(name + ": same state at every buffer", states == {(state, code)}, str(states))


def main():
    tool, big = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as t:
        wav = os.path.join(t, "a.wav")
        names = sorted(n[:-5] for n in os.listdir(CAPS) if n.endswith(".http"))
        check("every capture has an expectation", set(names) == set(EXPECT), str(names))
        for n in names:
            check_capture(tool, n, os.path.join(CAPS, n + ".http"), wav, n in WHOLE)
        # a 520 KB delta at a 64-byte buffer: decoded in pieces, never dropped
        subprocess.run([sys.executable, GEN, "big", big], check=True)
        ref = subprocess.run([sys.executable, GEN, "pcm", big], capture_output=True, check=True).stdout
        outs = set()
        for feed, buf in ((4096, 64), (7, 64), (65536, 1 << 20), (1500, 4096)):
            rc, out, w = run(tool, big, wav, feed, buf)
            audio = wav_ok(w)
            outs.add(out)
            check("big: --feed %d --buffer %d completed with the reference audio (%d bytes)" %
                  (feed, buf, len(ref)), rc == 0 and audio == ref and
                  json.loads(out)["audio_bytes"] == len(ref), out)
        check("big: one summary at every feed and buffer", len(outs) == 1, str(outs))
    # usage errors
    p = subprocess.run([tool, "speak", "--buffer", "10"], capture_output=True, stdin=subprocess.DEVNULL)
    check("--buffer 10 is bad usage (exit 2, named)", p.returncode == 2 and b"--buffer" in p.stderr,
          p.stderr.decode())
    p = subprocess.run([tool, "speak", "--wav"], capture_output=True, stdin=subprocess.DEVNULL)
    check("--wav without a value is bad usage", p.returncode == 2 and b"--wav" in p.stderr,
          p.stderr.decode())
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
