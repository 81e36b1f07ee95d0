#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Decode-throughput figures for dripfeed, with two JavaScript SSE stacks and a C floor
# (memchr + jsmn) on the same bytes for comparison. Prints figures; asserts nothing
# about speed.
#
#   scripts/bench.sh [BUILD_DIR]        (make bench: after `make build`)
#
# Needs BUILD_DIR/libdripfeed_core.a (built by `make build`). Everything it makes goes
# to BUILD_DIR/bench/ (never committed):
#   stream.{sse,http,meta.json}  32 MiB Responses stream (tests/bench/gen_stream.py)
#   small.{sse,http,meta.json}   4 MiB one, for callgrind
#   bench_decode                 tests/bench/bench_decode.c, gcc -O2 against the library
#   bench_baseline               tests/bench/bench_baseline.c, gcc -O2 with jsmn (libjsmn-dev):
#                                memchr for the blank lines, jsmn on each event's data, the
#                                least work that gives the same counts (no HTTP, LF only)
#   node/                        npm install --prefix of eventsource-parser and openai
#
# Steps: install what is missing (python3, gcc, valgrind, nodejs, npm: apt-get, only
# when the command is absent and dpkg-query says the package is not installed: the
# NodeSource `nodejs` package bundles npm, and Debian's `npm` would fight it), generate
# the data, run bench_decode and bench_baseline (best of BENCH_ITERS passes), count
# instructions per byte of both under callgrind, run tests/bench/bench_node.mjs (best of
# BENCH_NODE_ITERS passes), and print a table. The JavaScript side and callgrind are optional: when they cannot run
# the table says why ("node comparison skipped: ...") and the script still exits 0.
#
# Timed the same way on every side: each program loads its input first, then times each
# whole pass over it (clock_gettime / performance.now) and keeps the best, so start-up,
# loading and JIT warm-up are excluded. The table's MB/s are all SSE-body bytes / best
# pass (MB = 10^6 bytes), so the columns compare like for like: dripfeed also de-chunks
# the HTTP framing around the body (~0.1% more bytes), the others are handed the body
# alone. All see the body in 4096-byte pieces. Instructions/byte (callgrind) are the Ir
# of one pass minus the Ir of a run with zero passes, over the bytes that program reads.
#
# Knobs (environment): BENCH_MB (SSE body size, default 32), BENCH_ITERS (default 20),
# BENCH_NODE_ITERS (default 5), BENCH_FULL_TEXT=1 (repeat the whole text in the *.done
# events as the real API does; see gen_stream.py: the openai SDK is quadratic on it),
# BENCH_NO_NODE=1, BENCH_NO_CALLGRIND=1, BENCH_NO_BASELINE=1.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-build}"
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$BUILD/bench"
MB="${BENCH_MB:-32}"
ITERS="${BENCH_ITERS:-20}"
NODE_ITERS="${BENCH_NODE_ITERS:-5}"
FULL=()
[ "${BENCH_FULL_TEXT:-0}" = 1 ] && FULL=(--full-text)

die() { echo "bench: $*" >&2; exit 1; }
LIB="$BUILD/libdripfeed_core.a"
[ -f "$LIB" ] || die "$LIB missing: run make build first"
mkdir -p "$OUT"

# ---- packages --------------------------------------------------------------------
ENSURE_LABEL=bench
# shellcheck source=scripts/ensure_cmd.sh
. "$ROOT/scripts/ensure_cmd.sh"
ensure python3 python3 || die "python3 is missing and could not be installed"
ensure gcc gcc || die "gcc is missing and could not be installed"

NODE_SKIP=""
CG_SKIP=""
[ "${BENCH_NO_NODE:-0}" = 1 ] && NODE_SKIP="BENCH_NO_NODE=1"
[ "${BENCH_NO_CALLGRIND:-0}" = 1 ] && CG_SKIP="BENCH_NO_CALLGRIND=1"
if [ -z "$CG_SKIP" ] && ! ensure valgrind valgrind; then
  CG_SKIP="valgrind could not be installed"
fi
if [ -z "$NODE_SKIP" ]; then
  if ! ensure node nodejs; then
    NODE_SKIP="nodejs could not be installed"
  elif ! ensure npm npm; then
    NODE_SKIP="npm could not be installed"
  elif ! node -e 'process.exit(typeof Response === "function" && typeof ReadableStream === "function" ? 0 : 1)'; then
    NODE_SKIP="node $(node --version) lacks fetch Response / ReadableStream (needs >= 18)"
  fi
fi

# ---- data ------------------------------------------------------------------------
python3 "$ROOT/tests/bench/gen_stream.py" "$OUT" --name stream --bytes $((MB << 20)) "${FULL[@]}" \
  || die "gen_stream.py failed"
python3 "$ROOT/tests/bench/gen_stream.py" "$OUT" --name small --bytes $((4 << 20)) "${FULL[@]}" \
  || die "gen_stream.py failed"
meta() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
SSE_BYTES=$(meta "$OUT/stream.meta.json" sse_bytes)
EXP_EVENTS=$(meta "$OUT/stream.meta.json" events)
EXP_TEXT=$(meta "$OUT/stream.meta.json" text_bytes)

# ---- dripfeed --------------------------------------------------------------------
gcc -std=c99 -O2 -g -Wall -Wextra -Werror -I"$ROOT/core/include" \
  "$ROOT/tests/bench/bench_decode.c" "$LIB" -o "$OUT/bench_decode" || die "bench_decode build failed"
C_LINE=$("$OUT/bench_decode" --iters "$ITERS" "$OUT/stream.http") || die "bench_decode failed: $C_LINE"
echo "$C_LINE"

# ---- memchr + jsmn floor -----------------------------------------------------------
B_SKIP=""
B_LINE=""
[ "${BENCH_NO_BASELINE:-0}" = 1 ] && B_SKIP="BENCH_NO_BASELINE=1"
if [ -z "$B_SKIP" ] && [ ! -f /usr/include/jsmn.h ]; then
  B_SKIP="/usr/include/jsmn.h missing (libjsmn-dev; make build installs it)"
fi
if [ -z "$B_SKIP" ]; then
  if ! gcc -std=c99 -O2 -g -Wall -Wextra -Werror "$ROOT/tests/bench/bench_baseline.c" \
      -o "$OUT/bench_baseline" 2>"$OUT/baseline.err"; then
    B_SKIP="bench_baseline build failed: $(head -c 300 "$OUT/baseline.err")"
  elif ! B_LINE=$("$OUT/bench_baseline" --iters "$ITERS" "$OUT/stream.sse"); then
    B_SKIP="bench_baseline failed: $B_LINE"
    B_LINE=""
  else
    echo "$B_LINE"
  fi
fi

# ---- callgrind -------------------------------------------------------------------
CG_LINES=""
if [ -z "$CG_SKIP" ]; then
  ir() { # total Ir of one run of $1 over $3 with --iters $2
    valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out.$(basename "$1").$2" \
      "$1" --callgrind --iters "$2" "$3" >/dev/null 2>&1 || return 1
    sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$OUT/callgrind.out.$(basename "$1").$2"
  }
  per_byte() { # NAME PROGRAM INPUT WHAT: one line, instructions per input byte
    local a b n
    a=$(ir "$2" 1 "$3") && b=$(ir "$2" 0 "$3") && [ -n "$a" ] && [ -n "$b" ] || return 1
    n=$(stat -c %s "$3")
    awk -v nm="$1" -v a="$a" -v b="$b" -v n="$n" -v w="$4" 'BEGIN {
      printf "%s callgrind: %.1f instructions/byte (%d Ir over %d B of %s, one pass, loading excluded)\n", nm, (a - b) / n, a - b, n, w }'
  }
  if L=$(per_byte dripfeed "$OUT/bench_decode" "$OUT/small.http" "HTTP capture"); then
    CG_LINES=$L
  else
    CG_SKIP="valgrind run failed"
  fi
  if [ -z "$CG_SKIP" ] && [ -n "$B_LINE" ]; then
    if L=$(per_byte "memchr+jsmn baseline" "$OUT/bench_baseline" "$OUT/small.sse" "SSE body"); then
      CG_LINES=$(printf '%s\n%s' "$CG_LINES" "$L")
    else
      CG_LINES=$(printf '%s\n%s' "$CG_LINES" "memchr+jsmn baseline callgrind: valgrind run failed")
    fi
  fi
fi

# ---- node ------------------------------------------------------------------------
NODE_LINES=""
if [ -z "$NODE_SKIP" ]; then
  NM="$OUT/node/node_modules"
  if [ ! -f "$NM/eventsource-parser/package.json" ] || [ ! -f "$NM/openai/package.json" ]; then
    echo "bench: npm install --prefix $OUT/node eventsource-parser openai"
    if ! NPM_LOG=$(timeout 150 npm install --prefix "$OUT/node" --no-audit --no-fund \
        --fetch-timeout=30000 --fetch-retries=1 eventsource-parser openai 2>&1); then
      NODE_SKIP="npm install failed: $(printf '%s\n' "$NPM_LOG" | grep -m1 -iE 'err|timed out' || echo 'timeout')"
    fi
  fi
fi
if [ -z "$NODE_SKIP" ]; then
  if ! NODE_LINES=$(node "$ROOT/tests/bench/bench_node.mjs" --modules "$OUT/node" \
      --iters "$NODE_ITERS" "$OUT/stream.sse" 2>"$OUT/node.err"); then
    NODE_SKIP="bench_node.mjs failed: $(head -c 300 "$OUT/node.err")"
  fi
  [ -n "$NODE_LINES" ] && echo "$NODE_LINES"
fi

# ---- table -----------------------------------------------------------------------
echo
echo "decode throughput, $SSE_BYTES B SSE body ($MB MiB Responses stream${FULL:+, full text}), 4096-byte pieces, best pass:"
{ echo "dripfeed (C, HTTP+SSE+JSON)${C_LINE#dripfeed decode}"
  [ -n "$B_LINE" ] && echo "$B_LINE"
  [ -n "$NODE_LINES" ] && printf '%s\n' "$NODE_LINES"
} | awk -v sse="$SSE_BYTES" -v ee="$EXP_EVENTS" -v et="$EXP_TEXT" '
  {
    # "<name> ...: <B> B, <events> events, <text> text B, <x> MB/s (best of N, <ms> ms..."
    line = $0
    colon = index(line, ": ")
    name = substr(line, 1, colon - 1)
    ev = ""; tx = ""; ms = ""
    if (match(line, /[0-9]+ events/)) ev = substr(line, RSTART, RLENGTH - 7)
    if (match(line, /[0-9]+ text B/)) tx = substr(line, RSTART, RLENGTH - 7)
    if (match(line, /[0-9.]+ ms/)) ms = substr(line, RSTART, RLENGTH - 3)
    n++; names[n] = name; evs[n] = ev; txs[n] = tx; mss[n] = ms
  }
  END {
    # ratios: MB/s over dripfeed, and over the memchr+jsmn floor when it ran
    floor = 0
    for (i = 1; i <= n; i++) if (names[i] ~ /^memchr\+jsmn/) floor = sse / (mss[i] / 1e3) / 1e6
    printf "  %-46s %8s %8s %9s %9s %10s\n", "parser", "MB/s", "vs drip", "vs floor", "events", "text B"
    base = sse / (mss[1] / 1e3) / 1e6
    for (i = 1; i <= n; i++) {
      r = sse / (mss[i] / 1e3) / 1e6
      if (floor > 0) fl = sprintf("%8.2fx", r / floor); else fl = sprintf("%9s", "-")
      printf "  %-46s %8.1f %7.2fx %s %9d %10d\n", names[i], r, r / base, fl, evs[i], txs[i]
    }
    for (i = 1; i <= n; i++) {
      if (evs[i] != ee || txs[i] != et)
        printf "WARNING: %s saw %s events / %s text B; the generator wrote %s / %s\n", names[i], evs[i], txs[i], ee, et
    }
  }'
if [ -n "$CG_LINES" ]; then
  printf '%s\n' "$CG_LINES"
  printf '%s\n' "$CG_LINES" | awk 'match($0, /: [0-9.]+ instructions/) { x[++m] = substr($0, RSTART + 2, RLENGTH - 15) }
    END { if (m == 2 && x[2] > 0) printf "dripfeed / baseline instructions per byte: %.2fx\n", x[1] / x[2] }'
else
  echo "callgrind skipped: $CG_SKIP"
fi
[ -n "$B_SKIP" ] && echo "baseline skipped: $B_SKIP"
[ -n "$NODE_SKIP" ] && echo "node comparison skipped: $NODE_SKIP"
exit 0
