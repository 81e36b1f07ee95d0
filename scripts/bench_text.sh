#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Figures of the gadget text layer (drip_text.h); prints, asserts nothing.
#
#   scripts/bench_text.sh [BUILD_DIR] [CAPTURE]
#
# CAPTURE defaults to the recording `make demo` replays (scripts/demo.sh:
# responses-reasoning-summary-o3mini, as tests/captures/*.http). Builds
# tests/bench/bench_text.c with the core sources at -O2 into BUILD_DIR/bench/
# (default build), then for 21x8, 40x12 and 40x15 prints:
#   - RAM: sizeof(drip_text_t) + the screen buffer DRIP_TEXT_SCREEN_BYTES;
#   - redrawn_cells (the damage reports) vs full_redraw_cells (the whole
#     screen after every delta);
#   - instructions per text delta and per text byte under callgrind: the Ir
#     of a run with one pass of the text layer minus a run with none.
# And, when arm-none-eabi-gcc is there, the flash of drip_md.o + drip_text.o
# for a Cortex-M4 at -Os.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-build}"
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
CAP="${2:-$ROOT/tests/captures/responses-reasoning-summary-o3mini.http}"
OUT="$BUILD/bench"
mkdir -p "$OUT"
BIN="$OUT/bench_text"
gcc -std=c99 -O2 -I"$ROOT/core/include" -o "$BIN" "$ROOT/tests/bench/bench_text.c" "$ROOT"/core/src/*.c

echo "text layer on $(basename "$CAP") (one drip_text_feed per answer-text delta):"
for geo in "21 8" "40 12" "40 15"; do
  set -- $geo
  line=$("$BIN" --cols "$1" --rows "$2" "$CAP")
  # shellcheck disable=SC2086
  set -- $line
  # cols C rows R deltas D text_bytes B lines L sizeof_text S screen_bytes SB redrawn_cells RC full_redraw_cells FC
  cols=$2 rows=$4 deltas=$6 bytes=$8 lines=${10} st=${12} sb=${14} rc=${16} fc=${18}
  ipd="-"
  if command -v valgrind >/dev/null 2>&1; then
    ir() { valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.text.$1" "$BIN" --cols "$cols" --rows "$rows" \
             --passes "$1" "$CAP" >/dev/null 2>"$OUT/cg.text.$1.log"; \
           sed -n 's/^summary: //p' "$OUT/cg.text.$1"; }
    i1=$(ir 1); i0=$(ir 0)
    ipd=$(awk -v a="$i1" -v b="$i0" -v d="$deltas" -v n="$bytes" \
          'BEGIN { printf "%.0f instructions/delta, %.1f instructions/byte", (a-b)/d, (a-b)/n }')
  else
    ipd="(valgrind not installed: no instruction count)"
  fi
  awk -v c="$cols" -v r="$rows" -v st="$st" -v sb="$sb" -v rc="$rc" -v fc="$fc" -v d="$deltas" -v b="$bytes" \
      -v l="$lines" -v ipd="$ipd" 'BEGIN {
    printf "  %sx%s: RAM %d B (drip_text_t %d + screen %d); redrawn %d of %d cells (%.1f %%); %d deltas, %d bytes, %d lines; %s\n",
      c, r, st + sb, st, sb, rc, fc, 100.0 * rc / fc, d, b, l, ipd }'
done
if command -v arm-none-eabi-gcc >/dev/null 2>&1; then
  arm-none-eabi-gcc -std=c99 -Os -mcpu=cortex-m4 -mthumb -ffunction-sections -fdata-sections \
    -I"$ROOT/core/include" -c "$ROOT/core/src/drip_md.c" -o "$OUT/drip_md.arm.o"
  arm-none-eabi-gcc -std=c99 -Os -mcpu=cortex-m4 -mthumb -ffunction-sections -fdata-sections \
    -I"$ROOT/core/include" -c "$ROOT/core/src/drip_text.c" -o "$OUT/drip_text.arm.o"
  arm-none-eabi-size "$OUT/drip_md.arm.o" "$OUT/drip_text.arm.o" | \
    awk 'NR > 1 { t += $1 + $2; printf "  Cortex-M4 -Os: %s text %d data %d\n", $6, $1, $2 } END { printf "  Cortex-M4 -Os flash, both: %d B\n", t }'
fi
