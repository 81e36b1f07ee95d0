#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Prints what the display gadget redraws on a recording, per panel.

    display_figures.py [BUILD] [CAPTURE]

BUILD defaults to build, CAPTURE to the demo recording
(tests/captures/responses-reasoning-summary-o3mini.http). For each panel:
  - cells: `dripfeed text` with the panel's grid: cells the damage reports
    name (redrawn_cells) against redrawing the whole grid per text delta
    (full_redraw_cells);
  - pixels: `dripfeed display`: pixels the renderer drew (redrawn_pixels:
    damaged cells, rows cleared by scrolls, cursor blinks, the activity line
    and its counter on every delta) against redrawing the whole panel once
    per delta (text and reasoning deltas: each changes the screen).
Figures only; nothing is asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PANELS = [("128x64", 128, 64, 6, 12), ("320x240", 320, 240, 8, 16)]


def run(args, capture):
    with open(capture, "rb") as fh:
        return subprocess.run(args, stdin=fh, capture_output=True, check=False).stdout.decode()


def main() -> int:
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    capture = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        ROOT, "tests", "captures", "responses-reasoning-summary-o3mini.http")
    tool = os.path.join(build, "dripfeed")
    events = run([tool, "decode", "--events"], capture).splitlines()
    types = [json.loads(e).get("type") for e in events[:-1]]
    text_d = types.count("response.output_text.delta")
    reason_d = types.count("response.reasoning_summary_text.delta")
    print(f"recording: {os.path.relpath(capture, ROOT)}: {text_d} text deltas, "
          f"{reason_d} reasoning summary deltas")
    for name, w, h, fw, fh in PANELS:
        cols, rows = w // fw, (h - fh) // fh
        t = json.loads(run([tool, "text", "--cols", str(cols), "--rows", str(rows)], capture))
        d = json.loads(run([tool, "display", "--panel", name], capture))
        full_px = (text_d + reason_d) * w * h
        print(f"{name} ({cols}x{rows} cells + activity line): "
              f"cells {t['redrawn_cells']} redrawn vs {t['full_redraw_cells']} for the whole grid "
              f"per text delta ({t['full_redraw_cells'] / max(1, t['redrawn_cells']):.0f}x); "
              f"pixels {d['redrawn_pixels']} drawn in {d['frames']} frames vs {full_px} for the "
              f"whole panel per delta ({full_px / max(1, d['redrawn_pixels']):.0f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
