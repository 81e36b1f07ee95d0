#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Black-box test of `dripfeed text` (docs/spec/cli.md, docs/spec/text.md §1-2).

On every recorded capture (tests/captures/*.http) and transcript
(tests/transcripts/**/*.sse, given an HTTP head here):
  - the output is identical at --feed 1, 2, 3, 7, 64, 4096, for the default
    40x12, --ascii, --cols 8 and --cols 21 --rows 8;
  - every line is at most `cols` cells wide (cells computed here from the
    Unicode data with scripts/gen_cells.py's reader, not from the C table),
    no line ends with a space, `visible` is the last `rows` lines;
  - --ascii output is ASCII only;
  - full_redraw_cells = rows * cols * (text deltas), counted from
    `dripfeed decode --events`;
  - the text has no Markdown markers left where the answer had them: for
    hand-checked answers, the lines joined equal the answer with the markers
    removed (whitespace runs compared as one space).
Bad usage exits 2 with a message. Prints redrawn vs full cells per capture.

usage: test_text_cli.py path/to/dripfeed
"""
import glob
import importlib.util
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FEEDS = [1, 2, 3, 7, 64, 4096]
CONFIGS = [[], ["--ascii"], ["--cols", "8"], ["--cols", "21", "--rows", "8"]]

spec = importlib.util.spec_from_file_location("gen_cells", os.path.join(ROOT, "scripts", "gen_cells.py"))
gen_cells = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen_cells)


def cell_sets():
    ucd = "/usr/share/unicode"
    zero = gen_cells.read_unicode_data(os.path.join(ucd, "UnicodeData.txt"))
    wide, _ = gen_cells.read_east_asian_width(os.path.join(ucd, "EastAsianWidth.txt"))
    zero.add(gen_cells.ZWJ)
    for lo, hi in gen_cells.VS:
        zero.update(range(lo, hi + 1))
    wide.update(range(gen_cells.RI[0], gen_cells.RI[1] + 1))
    return zero, wide - zero


ZERO, WIDE = cell_sets()


def cells(s):
    return sum(0 if ord(ch) in ZERO else 2 if ord(ch) in WIDE else 1 for ch in s)


# Hand-checked: the answer of the capture with the Markdown markers removed
# (bullets as U+2022, links as their text). Whitespace runs compare as one space.
HAND = {
    "vercel-code-interpreter-tool": (
        "Here\u2019s a simulation of rolling two fair six-sided dice 10,000 times. Each trial sums "
        "the two dice. Results \u2022 Total sum of all 10,000 trials: 69,868 \u2022 Average sum per "
        "trial: 6.9868 \u2022 Minimum sum observed: 2 \u2022 Maximum sum observed: 12 \u2022 Sample of "
        "the first 20 trial sums: 6, 7, 2, 5, 5, 11, 4, 8, 10, 7, 5, 8, 8, 7, 10, 8, 9, 5, 4, 7 "
        "Full data \u2022 You can download all 10,000 sums as a CSV file here: Download the sums CSV "
        "If you\u2019d like, I can also provide a frequency distribution, histogram, or export the "
        "data in another format (JSON, Excel, etc.)."),
    "responses-reasoning-summary-o3mini": (
        "I'm not a road safety professional, but here are some generally accepted guidelines that "
        "might help you cross the street safely: 1. Before approaching the curb, look around and "
        "prepare to stop\u2014don\u2019t assume vehicles will see you. 2. If there\u2019s a crosswalk "
        "or pedestrian crossing signal, use it. Wait for the \u201cwalk\u201d signal or the gap in "
        "traffic before starting to cross. 3. At the curb, stop and look left, right, then left "
        "again. This helps ensure you see vehicles coming from both directions. 4. Even if the "
        "signal is in your favor, remain alert. Some drivers may not stop in time, so keep an eye "
        "on the traffic. 5. If there isn\u2019t a designated crossing area, choose the safest "
        "location available\u2014ideally where drivers can see you from a distance. 6. Avoid "
        "distractions (like using your phone) while you\u2019re checking for traffic and crossing. "
        "7. Cross at a steady pace. Once you\u2019re in the middle of the road, continue looking "
        "both ways and be ready to adjust if necessary. 8. Once you\u2019ve safely reached the "
        "other side, take a moment to ensure you\u2019re completely past the area of moving "
        "vehicles. Keep in mind that local traffic laws and conditions might vary, so it\u2019s a "
        "good idea to familiarize yourself with the rules specific to your area. Stay safe!"),
}
# Spot checks on a longer one: what must and must not be in the lines.
WEB = "vercel-web-search-tool"
WEB_HAS = ["\u2022 Berlin Art Week 2025 kicks off today", "(wallpaper.com)", "(visitberlin.de)",
           "(reuters.com)"]
WEB_NOT = ["https://", "](", "[", "- Berlin"]

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)
    return cond


def inputs():
    """(name, api, bytes of a raw HTTP response)."""
    out = []
    for p in sorted(glob.glob(os.path.join(ROOT, "tests", "captures", "*.http"))):
        name = os.path.basename(p)[:-5]
        with open(p, "rb") as f:
            out.append((name, "chat" if name.startswith("chat-") else "responses", f.read()))
    for p in sorted(glob.glob(os.path.join(ROOT, "tests", "transcripts", "**", "*.sse"), recursive=True)):
        name = "transcript:" + os.path.relpath(p, os.path.join(ROOT, "tests", "transcripts"))
        with open(p, "rb") as f:
            body = f.read()
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
        base = os.path.basename(p)
        out.append((name, "chat" if base.startswith("chat-") else "responses", head + body))
    return out


def run(binary, args, data):
    p = subprocess.run([binary] + args, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def text_deltas(binary, api, data):
    rc, out, _ = run(binary, ["decode", "--events", "--api", api], data)
    n = 0
    for line in out.decode("utf-8", "replace").splitlines():
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        t = ev.get("type", "")
        if "delta" not in ev:
            continue
        if t == "response.output_text.delta":
            n += 1
    return n


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    figures = []
    for name, api, data in inputs():
        for cfg in CONFIGS:
            outs = {}
            for feed in FEEDS:
                rc, out, err = run(binary, ["text", "--api", api, "--feed", str(feed)] + cfg, data)
                outs[feed] = (rc, out)
            ref = outs[4096]
            for feed in FEEDS:
                check(outs[feed] == ref, "%s %s: --feed %d differs from --feed 4096" % (name, cfg, feed))
            rc, out = ref
            check(rc in (0, 1), "%s %s: exit %d" % (name, cfg, rc))
            text = out.decode("utf-8")
            check(text.endswith("}\n") and text.count("\n") == 1, "%s %s: one JSON line" % (name, cfg))
            d = json.loads(text)
            cols, rows = d["cols"], d["rows"]
            want_cols = int(cfg[cfg.index("--cols") + 1]) if "--cols" in cfg else 40
            want_rows = int(cfg[cfg.index("--rows") + 1]) if "--rows" in cfg else 12
            check((cols, rows) == (want_cols, want_rows), "%s %s: cols/rows" % (name, cfg))
            for ln in d["lines"]:
                check(cells(ln) <= cols, "%s %s: line wider than %d: %r" % (name, cfg, cols, ln))
                check(not ln.endswith(" "), "%s %s: line ends with a space: %r" % (name, cfg, ln))
                if "--ascii" in cfg:
                    check(all(ord(ch) < 0x80 for ch in ln), "%s: --ascii line not ASCII: %r" % (name, ln))
            check(d["visible"] == d["lines"][-rows:], "%s %s: visible is not the last rows" % (name, cfg))
            check(d["full_redraw_cells"] % (rows * cols) == 0, "%s %s: full_redraw_cells" % (name, cfg))
            check(d["state"] in ("completed", "incomplete", "failed", "truncated", "http_error",
                                 "protocol_error"), "%s: state %r" % (name, d["state"]))
            if not cfg:
                if api == "responses":
                    nd = text_deltas(binary, api, data)
                    check(d["full_redraw_cells"] == nd * rows * cols,
                          "%s: full_redraw_cells %d for %d deltas" % (name, d["full_redraw_cells"], nd))
                if name in HAND:
                    check(norm(" ".join(d["lines"])) == norm(HAND[name]),
                          "%s: lines joined differ from the hand-checked text:\n%s" % (
                              name, norm(" ".join(d["lines"]))))
                if name == WEB:
                    joined = "\n".join(d["lines"])
                    flat = norm(" ".join(d["lines"]))
                    for s in WEB_HAS:
                        check(s in flat, "%s: %r missing" % (name, s))
                    for s in WEB_NOT:
                        check(s not in joined, "%s: %r left" % (name, s))
                if d["lines"]:
                    figures.append((name, d["redrawn_cells"], d["full_redraw_cells"]))
    # --ascii turns bullets into "- " and typographic quotes into ASCII
    for name, api, data in inputs():
        if name == "vercel-code-interpreter-tool":
            _, out, _ = run(binary, ["text", "--ascii"], data)
            flat = norm(" ".join(json.loads(out)["lines"]))
            check("- Total sum of all 10,000 trials: 69,868" in flat and "Here's a simulation" in flat,
                  "--ascii stand-ins: %s" % flat[:120])

    # bad usage
    for args, msg in [
        (["--cols", "1"], "dripfeed text: --cols: 1 is out of range (2..255)"),
        (["--rows", "33"], "dripfeed text: --rows: 33 is out of range (1..32)"),
        (["--feed", "0"], "dripfeed text: --feed: 0 is out of range (1..1073741824)"),
        (["--api", "foo"], "dripfeed text: --api: 'foo' is not responses or chat"),
        (["--foo"], "dripfeed text: unknown option '--foo' (see dripfeed text --help)"),
        (["--cols"], "dripfeed text: --cols needs a value (see dripfeed text --help)"),
        (["x"], "dripfeed text: unexpected argument 'x' (the input comes from stdin: dripfeed text < FILE)"),
    ]:
        rc, out, err = run(binary, ["text"] + args, b"")
        check(rc == 2 and err.decode().strip() == msg and out == b"",
              "bad usage %s: rc=%d stderr=%r" % (args, rc, err))
    rc, out, _ = run(binary, ["text", "--help"], b"")
    check(rc == 0 and b"--cols N" in out and b"default 40" in out, "text --help")
    # empty input: a truncated answer with no lines
    rc, out, _ = run(binary, ["text"], b"")
    d = json.loads(out)
    check(rc == 1 and d["lines"] == [] and d["visible"] == [] and d["full_redraw_cells"] == 0,
          "empty input: %r" % d)

    print("redrawn_cells vs full_redraw_cells at 40x12 (dripfeed text):")
    for name, red, full in figures:
        print("  %-48s %7d / %8d  (%.1f %%)" % (name, red, full, 100.0 * red / full if full else 0))
    if failures:
        print("%d failures" % len(failures))
        return 1
    print("ok: %d inputs x %d configurations x %d feed sizes" % (len(inputs()), len(CONFIGS), len(FEEDS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
