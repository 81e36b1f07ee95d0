#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# CTest build_types: dripfeed configured and built once per CMake build type
# (Debug, Release, RelWithDebInfo, MinSizeRel): libraries, host tool and test
# programs, every one with -Werror (optimisation levels change what GCC
# warns about). Nothing is run.
#   build_types.sh SRC_ROOT WORK_DIR [CC]
# WORK_DIR is removed when every type built (kept for a look otherwise).
set -euo pipefail
SRC=$(cd "$1" && pwd)
WORK=$2
CC=${3:-cc}
JOBS=${JOBS:-2}
unset MAKEFLAGS MAKELEVEL MFLAGS
rm -rf "$WORK"
mkdir -p "$WORK"
fails=0
for type in Debug Release RelWithDebInfo MinSizeRel; do
    b=$WORK/$type
    t0=$(date +%s)
    if ! cmake -S "$SRC" -B "$b" -DCMAKE_C_COMPILER="$CC" -DCMAKE_BUILD_TYPE="$type" \
            -DDRIPFEED_BUILD_TESTS=ON -DDRIPFEED_BUILD_TOOLS=ON >"$WORK/$type-configure.log" 2>&1; then
        cat "$WORK/$type-configure.log" >&2
        echo "build_types: FAIL: $type: configure" >&2; fails=$((fails + 1)); continue
    fi
    grep -q "cmocka not found" "$WORK/$type-configure.log" \
        && { echo "build_types: FAIL: $type: cmocka not found, the test programs would not be built" >&2
             fails=$((fails + 1)); continue; }
    if ! cmake --build "$b" -j "$JOBS" >"$WORK/$type-build.log" 2>&1; then
        grep -E -B2 -A6 "error|warning" "$WORK/$type-build.log" | head -60 >&2
        echo "build_types: FAIL: $type: build" >&2; fails=$((fails + 1)); continue
    fi
    if grep -q "warning:" "$WORK/$type-build.log"; then
        grep -A4 "warning:" "$WORK/$type-build.log" | head -40 >&2
        echo "build_types: FAIL: $type: warnings" >&2; fails=$((fails + 1)); continue
    fi
    # What must have been built (differential_http only where libhttp-parser-dev is).
    missing=()
    for f in libdripfeed_core.a libdripfeed_port_posix.a libdripfeed_port_mbedtls.a dripfeed \
             test_http test_sse test_json test_scan test_event test_stream test_split \
             test_request test_client test_tls_port alloc_stream; do
        [[ -f $b/$f ]] || missing+=("$f")
    done
    if grep -q "^HTTP_PARSER_LIBRARY:FILEPATH=/" "$b/CMakeCache.txt"; then
        [[ -f $b/diff_http ]] || missing+=(diff_http)
    fi
    if [[ ${#missing[@]} -ne 0 ]]; then
        echo "build_types: FAIL: $type: not built: ${missing[*]}" >&2; fails=$((fails + 1)); continue
    fi
    n=$(find "$b" -maxdepth 1 -type f -perm -u+x | wc -l)
    echo "build_types: $type: built warning-free with -Werror ($n programs, $(( $(date +%s) - t0 )) s)"
done
if [[ $fails -ne 0 ]]; then
    echo "build_types: $fails build type(s) failed; logs in $WORK" >&2
    exit 1
fi
rm -rf "$WORK"
echo "build_types: OK (Debug, Release, RelWithDebInfo, MinSizeRel)"
