#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Black-box test of `dripfeed display` (docs/spec/cli.md).

    test_display.py DRIPFEED

For both panels, on the demo recording (tests/captures/
responses-reasoning-summary-o3mini.http) and a few others:
  - the JSON line: keys in order, panel, state, frames, redrawn_pixels;
  - final.png is the panel's size; stream.gif has exactly `frames` frames,
    and drawing them one over the other (disposal: keep) gives final.png
    pixel for pixel;
  - what final.png shows is what the text layer says: its text area, read
    back cell by cell against the font tables (parsed from examples/display/
    font_*.c), equals the visible rows of `dripfeed text` with the same grid,
    and the activity line reads "done · N tokens" with N the usage's
    output_tokens from `dripfeed decode`;
  - the README's frames (docs/img/display-PANEL.png) are these final.png;
  - the same JSON, final.png and stream.gif for --feed 1, 2, 3, 7, 64, 4096;
  - activity lines seen while streaming: "thinking…" (reasoning), "calling
    NAME…" (a function call), "error: …" at the end of a failed answer;
  - bad usage exits 2 with a message.
Exit status 0 pass, 1 fail.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CAPTURES = os.path.join(ROOT, "tests", "captures")
sys.path.insert(0, HERE)
from imgread import read_gif, read_png  # noqa: E402

DEMO = os.path.join(CAPTURES, "responses-reasoning-summary-o3mini.http")
PANELS = {"128x64": ("6x12", 128, 64), "320x240": ("8x16", 320, 240)}
FAILS: list[str] = []


def fail(msg: str) -> None:
    FAILS.append(msg)
    print("FAIL: " + msg, flush=True)


def load_font(name: str):
    """{code point: rows of bits (list of ints)}, width, height from font_NAME.c."""
    src = open(os.path.join(ROOT, "examples", "display", "font_%s.c" % name)).read()

    def arr(label):
        body = re.search(r"%s\[\d+\] = \{(.*?)\};" % label, src, re.S).group(1)
        body = re.sub(r"/\*.*?\*/", "", body)
        return [int(v, 0) for v in re.findall(r"0x[0-9a-f]+|\d+", body)]

    bitmaps, first, glyph, length = arr("bitmaps"), arr("run_first"), arr("run_glyph"), arr("run_len")
    w, h = (int(v) for v in name.split("x"))
    font = {}
    for f, g, n in zip(first, glyph, length):
        for k in range(n):
            font[f + k] = bitmaps[(g + k) * h:(g + k + 1) * h]
    return font, w, h


def pixels(path: str):
    w, h, ch, rows = read_png(path)
    return w, h, [[bytes(r[x * ch:(x + 1) * ch]) for x in range(w)] for r in rows]


def read_cells(px, font, fw, fh, y0, cols, ink):
    """The text a band of cells shows (glyph matching), trailing blanks cut."""
    by_bits = {}
    for cp in sorted(font):
        by_bits.setdefault(tuple(font[cp]), cp)
    out = []
    for c in range(cols):
        bits = []
        for r in range(fh):
            v = 0
            for x in range(fw):
                if ink(px[y0 + r][c * fw + x]):
                    v |= 0x80 >> x
            bits.append(v)
        cp = by_bits.get(tuple(bits))
        out.append("\ufffd" if cp is None else chr(cp))
    return "".join(out).rstrip(" ")


def most_common(px, y0, y1):
    count = {}
    for y in range(y0, y1):
        for p in px[y]:
            count[p] = count.get(p, 0) + 1
    return max(count, key=count.get)


def run(dripfeed, args, stdin_path, check_rc=None):
    with open(stdin_path, "rb") as fh:
        p = subprocess.run([dripfeed] + args, stdin=fh, capture_output=True, timeout=300)
    if check_rc is not None and p.returncode != check_rc:
        fail("%s: exit %d, expected %d (stderr %r)" % (" ".join(args), p.returncode, check_rc,
                                                       p.stderr.decode()))
    return p


def composite(gif_path, png_w, png_h):
    """Every frame drawn over the last: the list of screens (rows of RGB tuples)."""
    w, h, pal, frames = read_gif(gif_path)
    if (w, h) != (png_w, png_h):
        fail("stream.gif is %dx%d, the panel %dx%d" % (w, h, png_w, png_h))
    screen = [[None] * w for _ in range(h)]
    for f in frames:
        if f["disposal"] not in (0, 1):
            fail("frame disposal %d, expected 1 (keep)" % f["disposal"])
        k = 0
        for y in range(f["y"], f["y"] + f["h"]):
            row = screen[y]
            for x in range(f["x"], f["x"] + f["w"]):
                row[x] = pal[f["pixels"][k]]
                k += 1
        yield f, screen


def check_panel(dripfeed, panel, tmp, extra=()):
    fname, W, H = PANELS[panel]
    font, fw, fh = load_font(fname)
    cols, rows = W // fw, (H - fh) // fh
    out = os.path.join(tmp, panel + "".join(extra))
    p = run(dripfeed, ["display", "--panel", panel, "--frames", out] + list(extra), DEMO, 0)
    line = p.stdout.decode().strip()
    try:
        js = json.loads(line)
    except ValueError:
        return fail("%s: not one JSON line: %r" % (panel, line))
    if list(js) != ["panel", "frames", "redrawn_pixels", "state"]:
        fail("%s: keys %r" % (panel, list(js)))
    if js.get("panel") != panel or js.get("state") != "completed":
        fail("%s: %r" % (panel, js))
    pw, ph, px = pixels(os.path.join(out, "final.png"))
    if (pw, ph) != (W, H):
        fail("%s: final.png is %dx%d" % (panel, pw, ph))
        return
    # the GIF: frame count and composite == final.png
    nframes, last = 0, None
    thinking_seen = False
    bar_bg = None
    for f, screen in composite(os.path.join(out, "stream.gif"), W, H):
        nframes += 1
        last = screen
    if nframes != js["frames"]:
        fail("%s: stream.gif has %d frames, the JSON says %d" % (panel, nframes, js["frames"]))
    if last is not None:
        mono = len(px[0][0]) == 1
        conv = [[bytes([p[0]]) if mono else bytes(p) for p in row] for row in last]
        if conv != px:
            bad = sum(1 for y in range(H) for x in range(W) if conv[y][x] != px[y][x])
            fail("%s: the GIF's frames drawn in turn differ from final.png in %d pixels" % (panel, bad))
    # the text area reads as the text layer's visible rows
    t = subprocess.run([dripfeed, "text", "--cols", str(cols), "--rows", str(rows)] + list(extra),
                       stdin=open(DEMO, "rb"), capture_output=True, timeout=120)
    try:
        visible = json.loads(t.stdout)["visible"]
    except (ValueError, KeyError):
        return fail("dripfeed text: no visible rows (%r)" % t.stdout[:200])
    bg = most_common(px, 0, rows * fh)
    shown = [read_cells(px, font, fw, fh, r * fh, cols, lambda p: p != bg) for r in range(rows)]
    want = [v.rstrip(" ") for v in visible] + [""] * (rows - len(visible))
    if shown != want:
        fail("%s: the panel shows %r, the text layer's visible rows are %r" % (panel, shown, want))
    # the activity line
    d = subprocess.run([dripfeed, "decode"], stdin=open(DEMO, "rb"), capture_output=True, timeout=120)
    tokens = json.loads(d.stdout.decode().splitlines()[-1])["usage"]["output_tokens"]
    bar_bg = most_common(px, H - fh, H)
    bar = read_cells(px, font, fw, fh, H - fh, cols, lambda p: p != bar_bg)
    if bar != "done \u00b7 %d tokens" % tokens:
        fail("%s: activity line %r, expected 'done · %d tokens'" % (panel, bar, tokens))
    if not extra:  # the README's frame is this one
        doc = os.path.join(ROOT, "docs", "img", "display-%s.png" % panel)
        if pixels(doc) != (pw, ph, px):
            fail("%s: %s is not the current render (regenerate: dripfeed display --panel %s "
                 "--frames DIR < %s)" % (panel, os.path.relpath(doc, ROOT), panel,
                                          os.path.relpath(DEMO, ROOT)))
    if extra and any(ord(ch) > 126 for row in shown for ch in row):
        fail("%s %s: non-ASCII on the panel: %r" % (panel, " ".join(extra), shown))
    print("ok: %s demo %s: %s; frames read back; text rows and activity line %r match"
          % (panel, " ".join(extra), line, bar), flush=True)
    return js, px


def bars_seen(dripfeed, panel, capture, api, tmp):
    """Activity line texts (left part, up to the counter) of every frame."""
    fname, W, H = PANELS[panel]
    font, fw, fh = load_font(fname)
    cols = W // fw
    out = os.path.join(tmp, "bars")
    p = run(dripfeed, ["display", "--panel", panel, "--frames", out, "--api", api], capture)
    seen = []
    for _f, screen in composite(os.path.join(out, "stream.gif"), W, H):
        band = screen[H - fh:H]
        count = {}
        for row in band:
            for q in row:
                count[q] = count.get(q, 0) + 1
        bbg = max(count, key=count.get)
        px = [[None] * W for _ in range(H - fh)] + band
        text = read_cells(px, font, fw, fh, H - fh, cols, lambda q, b=bbg: q != b)
        left = re.sub(r"\s+\d+$", "", text)
        if not seen or seen[-1] != left:
            seen.append(left)
    return p, seen


def main() -> int:
    dripfeed = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for panel in PANELS:
            results[panel] = check_panel(dripfeed, panel, tmp)
        check_panel(dripfeed, "128x64", tmp, ("--ascii",))
        p = subprocess.run([dripfeed, "display", "--help"], capture_output=True, timeout=30)
        if p.returncode != 0 or not p.stdout.startswith(b"usage: dripfeed display"):
            fail("display --help: exit %d, %r" % (p.returncode, p.stdout[:80]))
        # every feed size: the same line, final.png and stream.gif
        for panel in PANELS:
            ref = None
            for feed in (1, 2, 3, 7, 64, 4096):
                out = os.path.join(tmp, "feed%d" % feed)
                p = run(dripfeed, ["display", "--panel", panel, "--frames", out, "--feed", str(feed)],
                        DEMO, 0)
                got = (p.stdout, open(os.path.join(out, "final.png"), "rb").read(),
                       open(os.path.join(out, "stream.gif"), "rb").read())
                if ref is None:
                    ref = got
                elif got != ref:
                    fail("%s: --feed %d gives other output than --feed 1" % (panel, feed))
            print("ok: %s: the same JSON, final.png and stream.gif for feeds 1 2 3 7 64 4096"
                  % panel, flush=True)
        # activity lines while streaming
        _p, seen = bars_seen(dripfeed, "320x240", DEMO, "responses", tmp)
        for want in ("waiting\u2026", "thinking\u2026", "writing\u2026", "done \u00b7 1680 tokens"):
            if want not in seen:
                fail("demo: activity %r never shown (seen %r)" % (want, seen))
        print("ok: demo activity lines %r" % seen, flush=True)
        cap = os.path.join(CAPTURES, "responses-function-call-gpt5.http")
        _p, seen = bars_seen(dripfeed, "320x240", cap, "responses", tmp)
        if not any(s.startswith("calling ") and s.endswith("\u2026") for s in seen):
            fail("function call: no 'calling NAME…' (seen %r)" % seen)
        print("ok: function call activity lines %r" % seen, flush=True)
        cap = os.path.join(CAPTURES, "responses-error-quota.http")
        p, seen = bars_seen(dripfeed, "320x240", cap, "responses", tmp)
        if p.returncode != 1 or '"state":"failed"' not in p.stdout.decode():
            fail("error capture: exit %d, %r" % (p.returncode, p.stdout))
        if not seen or not seen[-1].startswith("error: "):
            fail("error capture: last activity %r" % (seen[-1:] or None))
        print("ok: failed answer ends with %r" % seen[-1], flush=True)
        cap = os.path.join(CAPTURES, "chat-text.http")
        p = run(dripfeed, ["display", "--panel", "128x64", "--api", "chat"], cap, 0)
        if '"state":"completed"' not in p.stdout.decode():
            fail("chat capture: %r" % p.stdout)
        # bad usage
        for args in (["--panel", "100x100"], ["--panel"], ["--bogus"], ["extra"],
                     ["--api", "nope"], ["--feed", "0"],
                     ["--frames", os.path.join(tmp, "no", "such", "dir")]):
            p = run(dripfeed, ["display"] + args, DEMO)
            if p.returncode != 2 or not p.stderr.startswith(b"dripfeed display: "):
                fail("display %s: exit %d, stderr %r (expected 2 and a message)"
                     % (" ".join(args), p.returncode, p.stderr))
        print("ok: bad usage exits 2 with a message", flush=True)
    if FAILS:
        print("%d failure(s)" % len(FAILS))
        return 1
    print("all display checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
