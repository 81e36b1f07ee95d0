#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# CTest port_tls_mbedtls3: port/mbedtls against Mbed TLS 3.6.
#
#   run_tls_port_mbedtls3.sh BUILD_DIR
#
# 1. scripts/mbedtls3_source.sh BUILD_DIR/mbedtls3: Debian trixie's mbedtls
#    source package (apt-get source, private apt state), built as static
#    libraries; cached after the first run.
# 2. This tree configured again in BUILD_DIR/mbedtls3/dripfeed with
#    -DDRIP_MBEDTLS_ROOT=<that prefix> (same CMakeLists, same strict flags for
#    core and ports), building test_tls_port and the host tool.
# 3. Proof that no 2.28 header slipped in: the compiler's dependency files of
#    drip_tls.c and test_tls_port.c name the 3.6 headers and nothing under
#    /usr/include/mbedtls or /usr/include/psa.
#    The port library, built against 3.6, references no malloc/free.
# 4. run_tls_port_test.sh against openssl s_server, as CTest port_tls does
#    for 2.28; the output must show the fetched version for headers and
#    library, a TLS 1.3 handshake, every case passed and none skipped.
# 5. The demo transcript streamed once by the 3.6 host tool (scripts/demo.sh):
#    state=completed.
# Any failure, a failed fetch included, fails the test (exit 1): never a skip.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:?usage: run_tls_port_mbedtls3.sh BUILD_DIR}
mkdir -p "$build"
build=$(cd "$build" && pwd)
base=$build/mbedtls3
out=$base/dripfeed
fail() { echo "port_tls_mbedtls3: FAIL: $*" >&2; exit 1; }

t0=$(date +%s)
vars=$("$ROOT/scripts/mbedtls3_source.sh" "$base") || fail "could not fetch/build mbedTLS 3 (see above)"
eval "$vars"
echo "mbedTLS $MBEDTLS3_VERSION: source $MBEDTLS3_SRC, prefix $MBEDTLS3_PREFIX ($(( $(date +%s) - t0 )) s)"

# Serialise the sub-build (parallel ctest runs share it).
exec 8>"$base/.build.lock"
flock 8
cmake -S "$ROOT" -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDRIP_MBEDTLS_ROOT="$MBEDTLS3_PREFIX" >"$base/dripfeed-cmake.log" 2>&1 \
    || { cat "$base/dripfeed-cmake.log"; fail "cmake configure against mbedTLS 3"; }
# -Werror: a warning in core, a port or the test against 3.6 fails here.
cmake --build "$out" -j "${JOBS:-2}" --target test_tls_port dripfeed tls_probe \
    || fail "build against mbedTLS 3"

# The mbedTLS headers the compiler actually read.
"$ROOT/tests/port/check_mbedtls_headers.sh" "$MBEDTLS3_PREFIX/include" \
    "$out/CMakeFiles/dripfeed_port_mbedtls.dir/port/mbedtls/drip_tls.c.o.d" \
    "$out/tests/CMakeFiles/test_tls_port.dir/port/test_tls_port.c.o.d" \
    || fail "not built against the 3.x headers only"
echo "headers: drip_tls.c and test_tls_port.c read $MBEDTLS3_PREFIX/include only"
"$ROOT/tests/check_no_heap.sh" "$out/libdripfeed_port_mbedtls.a" || fail "heap calls in the port"
flock -u 8

log=$base/test_tls_port.log
rc=0
"$ROOT/tests/port/run_tls_port_test.sh" "$out" 2>&1 | tee "$log" || rc=$?
[[ $rc -eq 0 ]] || fail "test_tls_port against mbedTLS 3 (exit $rc)"
want=${MBEDTLS3_VERSION%%-*}
grep -q "mbedTLS headers $want, library $want" "$log" \
    || fail "test_tls_port did not report mbedTLS $want"
grep -q "negotiated TLSv1.3" "$log" || fail "no TLS 1.3 handshake seen with mbedTLS 3"
grep -qE '^\[ +PASSED +\] [0-9]+ test' "$log" || fail "no cmocka PASSED line"
if grep -qE '^\[ +(SKIPPED|FAILED) +\]' "$log"; then
    fail "cases skipped or failed against mbedTLS 3"
fi

# The host tool on 3.6: the demo transcript through verified TLS.
demo_log=$base/demo.log
"$ROOT/scripts/demo.sh" "$out" >"$demo_log" 2>&1 || { cat "$demo_log"; fail "demo against mbedTLS 3"; }
tail -n 1 "$demo_log"
tail -n 1 "$demo_log" | grep -q 'state=completed' || { cat "$demo_log"; fail "demo did not complete"; }
echo "port_tls_mbedtls3: OK, mbedTLS $MBEDTLS3_VERSION ($(( $(date +%s) - t0 )) s)"
