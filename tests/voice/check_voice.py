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

from voicecheck import common_fails, report, sox_facts


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
    w = sox_facts(sox, wav)
    length = w["length"]
    print("wav: %d Hz, %d channel(s), %s, %.2f s, RMS %.4f; %d phrases, %d words"
          % (w["rate"], w["chans"], w["prec"], length, w["rms"], len(phrases), words))
    fails = []
    if m["state"] != "completed" or m["phrases"] < 1 or m["phrases"] != len(phrases):
        fails.append("run: %r" % m)
    fails += common_fails(m, w, m["rate"])
    if not words / 6.0 <= length <= words / 1.0:
        fails.append("length %.2f s for %d words" % (length, words))
    if abs(length - m["audio_s"]) > 0.01:
        fails.append("length %.2f s, the run says %.2f s" % (length, m["audio_s"]))
    return report(fails)


if __name__ == "__main__":
    sys.exit(main())
