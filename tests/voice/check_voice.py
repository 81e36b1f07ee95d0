#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""CTest voice_espeak: examples/voice speaks the demo recording into a WAV.

Usage: check_voice.py VOICE SOX CAPTURE WAV

Runs VOICE on CAPTURE (the recording `make demo` replays:
responses-reasoning-summary-o3mini) without pacing, then checks with sox:
- the WAV is 16-bit mono at the rate the run reports (espeak-ng: 22050 Hz);
- its length is in proportion to the words spoken: at least words/6 s (6
  words a second is faster than any default voice) and at most words/1 s;
- it is not silent: RMS amplitude (sox stat) above 0.02;
- the run reports state completed, at least one phrase, the first phrase
  before the last text delta, and audio_s equal to the WAV's length.
"""
import json
import re
import subprocess
import sys


def main():
    voice, sox, capture, wav = sys.argv[1:5]
    p = subprocess.run([voice, "--delay-ms", "0", "--wav", wav, capture], capture_output=True,
                       timeout=300)
    sys.stdout.write(p.stdout.decode())
    if p.returncode != 0:
        print("FAIL: voice exited %d: %s" % (p.returncode, p.stderr.decode()[-2000:]))
        return 1
    m = json.loads(p.stdout.decode().splitlines()[-1])
    phrases = [re.sub(r"^\s*[0-9.]+ ms  ", "", l) for l in p.stderr.decode().splitlines()
               if re.match(r"^\s*[0-9.]+ ms  ", l)]
    words = sum(len(x.split()) for x in phrases)
    info = subprocess.run([sox, "--i", wav], capture_output=True, text=True, check=True).stdout
    stat = subprocess.run([sox, wav, "-n", "stat"], capture_output=True, text=True, check=True).stderr
    rate = int(re.search(r"Sample Rate\s*:\s*(\d+)", info).group(1))
    chans = int(re.search(r"Channels\s*:\s*(\d+)", info).group(1))
    prec = re.search(r"Precision\s*:\s*(\S+)", info).group(1)
    length = float(re.search(r"Length \(seconds\):\s*([0-9.]+)", stat).group(1))
    rms = float(re.search(r"RMS\s+amplitude:\s*([0-9.]+)", stat).group(1))
    print("wav: %d Hz, %d channel(s), %s, %.2f s, RMS %.4f; %d phrases, %d words"
          % (rate, chans, prec, length, rms, len(phrases), words))
    fails = []
    if m["state"] != "completed" or m["phrases"] < 1 or m["phrases"] != len(phrases):
        fails.append("run: %r" % m)
    if m["first_phrase_delta"] >= m["deltas"] - 1:
        fails.append("the first phrase came only with the last delta")
    if rate != m["rate"] or chans != 1 or prec != "16-bit":
        fails.append("format %d Hz %d ch %s" % (rate, chans, prec))
    if not words / 6.0 <= length <= words / 1.0:
        fails.append("length %.2f s for %d words" % (length, words))
    if abs(length - m["audio_s"]) > 0.01:
        fails.append("length %.2f s, the run says %.2f s" % (length, m["audio_s"]))
    if rms <= 0.02:
        fails.append("silent: RMS amplitude %.4f" % rms)
    for f in fails:
        print("FAIL: " + f)
    if not fails:
        print("ok")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
