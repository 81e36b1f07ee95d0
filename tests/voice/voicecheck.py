# SPDX-License-Identifier: Apache-2.0
"""What CTests voice_espeak (check_voice.py) and voice_api (check_voice_api.py)
check the same way: a WAV's facts as sox reports them, and the checks both
make on a run's JSON line and its WAV, and how they report."""
import re
import subprocess


def sox_facts(sox, wav):
    """rate, channels, precision ("16-bit"), samples, length (s), RMS amplitude."""
    info = subprocess.run([sox, "--i", wav], capture_output=True, text=True, check=True).stdout
    st = subprocess.run([sox, wav, "-n", "stat"], capture_output=True, text=True, check=True).stderr
    return {
        "rate": int(re.search(r"Sample Rate\s*:\s*(\d+)", info).group(1)),
        "chans": int(re.search(r"Channels\s*:\s*(\d+)", info).group(1)),
        "prec": re.search(r"Precision\s*:\s*(\S+)", info).group(1),
        "samples": int(re.search(r"Samples read:\s*(\d+)", st).group(1)),
        "length": float(re.search(r"Length \(seconds\):\s*([0-9.]+)", st).group(1)),
        "rms": float(re.search(r"RMS\s+amplitude:\s*([0-9.]+)", st).group(1)),
    }


def common_fails(m, w, rate, label=""):
    """The run's first phrase came before its last text delta; the WAV is
    16-bit mono at `rate` and not silent (RMS amplitude above 0.02)."""
    fails = []
    if m["first_phrase_delta"] >= m["deltas"] - 1:
        fails.append(label + "the first phrase came only with the last delta")
    if w["rate"] != rate or w["chans"] != 1 or w["prec"] != "16-bit":
        fails.append(label + "format %d Hz %d ch %s" % (w["rate"], w["chans"], w["prec"]))
    if w["rms"] <= 0.02:
        fails.append(label + "silent: RMS amplitude %.4f" % w["rms"])
    return fails


def report(fails):
    """Prints each failure (or "ok"); the exit status."""
    for f in fails:
        print("FAIL: " + f)
    if not fails:
        print("ok")
    return 1 if fails else 0
