#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Build the libFuzzer targets of tests/fuzz (clang-14, ASan + UBSan) in their
# own build dir, replay the committed reproducers (tests/fuzz/regress/), seed
# each corpus from the captures and transcripts, fuzz every target and print
# a table: executions, exec/s, coverage (cov/ft of libFuzzer's last stats
# line), corpus size, crashes. Exit 1 on any crash or failed reproducer.
#
#   FUZZ_SECONDS  time per target (default 60)
#   FUZZ_RUNS     executions per target instead (time then unlimited unless
#                 FUZZ_SECONDS is also set)
#   FUZZ_JOBS     targets run at once (default 2)
#   FUZZ_TARGETS  subset, e.g. "http sse" (default: all ten)
#   FUZZ_BUILD    build dir (default build/fuzz); corpora in $FUZZ_BUILD/corpus
#   FUZZ_CC       compiler (default clang-14)
#   FUZZ_COVERAGE 1 (default): afterwards, replay each corpus through a
#                 build with clang's source-based coverage and print the
#                 lines of core/src each target reached (llvm-cov-14); 0: skip
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD:-$root/build/fuzz}
case $build in /*) ;; *) build=$root/$build ;; esac
cc=${FUZZ_CC:-clang-14}
jobs=${FUZZ_JOBS:-2}
targets=${FUZZ_TARGETS:-http sse event scan unescape request pipeline text phrase b64}
runs=${FUZZ_RUNS:-}
if [ -n "$runs" ]; then secs=${FUZZ_SECONDS:-0}; else secs=${FUZZ_SECONDS:-60}; fi

command -v "$cc" >/dev/null || { echo "fuzz: $cc not found (make fuzz installs it)"; exit 1; }
cmake -S "$root/tests/fuzz" -B "$build" -DCMAKE_C_COMPILER="$cc" -DDRIP_FUZZ=ON \
      -DCMAKE_BUILD_TYPE= >/dev/null
cmake --build "$build" -j "$jobs" >/dev/null

# Corpora are generated, never committed: seeds first, then what the runs add.
python3 "$root/tests/fuzz/seed.py" "$build/corpus" "$root/tests/captures" "$root/tests/transcripts"

# Longest input per target: long enough for a few events, short enough to stay fast.
max_len() {
  case $1 in
    unescape) echo 512 ;;
    event | scan) echo 2048 ;;
    *) echo 1024 ;;
  esac
}

fail=0
# Every reproducer of a fixed finding must pass (each is run once).
for t in $targets; do
  dir=$root/tests/fuzz/regress/$t
  if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
    if ! "$build/fuzz_$t" "$dir"/* >"$build/regress-$t.log" 2>&1; then
      echo "fuzz: a reproducer of fuzz_$t fails again (see $build/regress-$t.log)"
      fail=1
    fi
  fi
done

run_target() {
  local t=$1 art=$build/artifacts/$1/
  mkdir -p "$art" "$build/corpus/$t"
  rm -f "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-*
  local args=(-max_len="$(max_len "$t")" -timeout=25 -rss_limit_mb=2560 -print_final_stats=1
              -artifact_prefix="$art" -max_total_time="$secs")
  [ -n "$runs" ] && args+=(-runs="$runs")
  "$build/fuzz_$t" "${args[@]}" "$build/corpus/$t" >"$build/fuzz-$t.log" 2>&1 || true
}

started=$(date -u +%FT%TZ)
for t in $targets; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "$t" &
done
wait

printf '%-10s %12s %9s %7s %7s %8s %8s\n' target executions exec/s cov ft corpus crashes \
  | tee "$build/summary.txt"
for t in $targets; do
  log=$build/fuzz-$t.log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | grep ' cov: ' | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corpus=$(find "$build/corpus/$t" -type f | wc -l)
  crashes=$(find "$build/artifacts/$t" -type f \( -name 'crash-*' -o -name 'leak-*' -o \
            -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  if grep -qE '^(==[0-9]+==ERROR|==== INVARIANT|SUMMARY: )' "$log" && [ "$crashes" -eq 0 ]; then
    crashes=1
  fi
  [ "$crashes" -eq 0 ] || fail=1
  printf '%-10s %12s %9s %7s %7s %8s %8s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
    "${ft:-?}" "$corpus" "$crashes" | tee -a "$build/summary.txt"
done
echo "fuzz: started $started, ${runs:+$runs runs, }${secs}s per target (0 = no limit); logs in $build"

# The core code each target is meant to exercise (its line-coverage row):
# files, and a pattern for the functions counted in them (drip_json.c also
# holds the token getters, which only the event and pipeline targets reach).
cov_files() {
  case $1 in
    http) echo drip_http.c ;;
    sse) echo drip_sse.c ;;
    event) echo drip_event.c drip_json.c drip_scan.c drip_b64.c ;;
    scan) echo drip_scan.c ;;
    unescape) echo drip_json.c ;;
    request) echo drip_request.c ;;
    text) echo drip_md.c drip_text.c ;;
    phrase) echo drip_phrase.c ;;
    b64) echo drip_b64.c ;;
    pipeline) echo drip_http.c drip_sse.c drip_event.c drip_json.c drip_scan.c drip_body.c drip_b64.c drip_stream.c ;;
  esac
}
cov_funcs() { case $1 in unescape) echo 'unesc|put_utf8' ;; *) echo . ;; esac; }

# Line coverage of the corpora the run left, through an uninstrumented-for-
# sanitizers build (clang -fprofile-instr-generate -fcoverage-mapping).
if [ "${FUZZ_COVERAGE:-1}" != 0 ] && command -v llvm-profdata-14 >/dev/null \
   && command -v llvm-cov-14 >/dev/null; then
  cbuild=$build/cov
  cmake -S "$root/tests/fuzz" -B "$cbuild" -DCMAKE_C_COMPILER="$cc" -DDRIP_FUZZ=ON \
        -DDRIP_FUZZ_COVERAGE=ON -DCMAKE_BUILD_TYPE= >/dev/null
  cmake --build "$cbuild" -j "$jobs" >/dev/null
  printf '%-10s %-62s %18s %18s\n' target "core code" "lines covered" "regions covered" | tee -a "$build/summary.txt"
  for t in $targets; do
    rm -f "$cbuild/$t".profraw
    LLVM_PROFILE_FILE=$cbuild/$t.profraw "$cbuild/fuzz_$t" -runs=0 "$build/corpus/$t" \
      >"$cbuild/replay-$t.log" 2>&1 || { echo "fuzz: replay of fuzz_$t failed"; fail=1; continue; }
    llvm-profdata-14 merge -sparse "$cbuild/$t.profraw" -o "$cbuild/$t.profdata"
    files=()
    for f in $(cov_files "$t"); do files+=("$root/core/src/$f"); done
    what=$(cov_files "$t")
    [ "$(cov_funcs "$t")" = . ] || what="$what: $(cov_funcs "$t")"
    # One row per function: name, regions, missed, cover, lines, missed, cover, ...
    llvm-cov-14 report "$cbuild/fuzz_$t" -instr-profile="$cbuild/$t.profdata" -show-functions \
        "${files[@]}" \
      | awk -v t="$t" -v what="$what" -v re="$(cov_funcs "$t")" '
          $2 ~ /^[0-9]+$/ && $1 != "TOTAL" && $1 ~ re { r += $2; rm += $3; l += $5; lm += $6 }
          END { printf "%-10s %-62s %5d/%-5d %5.1f%% %5d/%-5d %5.1f%%\n", t, what,
                       l - lm, l, 100 * (l - lm) / l, r - rm, r, 100 * (r - rm) / r }' \
      | tee -a "$build/summary.txt"
  done
  echo "fuzz: line coverage from replaying each corpus once (llvm-cov-14 report; html: llvm-cov-14 show -format=html)"
fi

if [ "$fail" -ne 0 ]; then
  echo "fuzz: FAILED (reproducers in $build/artifacts/<target>/)"
  exit 1
fi
echo "fuzz: no crash"
