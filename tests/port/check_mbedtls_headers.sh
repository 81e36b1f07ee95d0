#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# check_mbedtls_headers.sh INCLUDE_DIR DEPFILE...
#
# Which Mbed TLS the compiler really used, from its dependency files (-MD):
# each DEPFILE must name headers under INCLUDE_DIR/mbedtls/, and, when
# INCLUDE_DIR is not the system's, none under /usr[/local]/include/mbedtls or
# /psa (Debian's 2.28, which a wrong include order would pick up silently).
# Exit 1 with the offending file and headers; used by the Mbed TLS 3.6 tests
# (tests/port/run_tls_port_mbedtls3.sh, boards/esp32/test-stubs/check.sh).
set -eu
inc=$1
shift
[ $# -gt 0 ] || { echo "check_mbedtls_headers.sh: no dependency file given" >&2; exit 1; }
for dep in "$@"; do
    [ -f "$dep" ] || { echo "check_mbedtls_headers.sh: no dependency file $dep" >&2; exit 1; }
    grep -q "$inc/mbedtls/" "$dep" || {
        echo "check_mbedtls_headers.sh: $dep read no header from $inc/mbedtls/" >&2; exit 1; }
    if [ "$inc" != /usr/include ] && grep -qE '/usr(/local)?/include/(mbedtls|psa)/' "$dep"; then
        grep -oE '/usr(/local)?/include/(mbedtls|psa)/[^ ]*' "$dep" | sort -u >&2
        echo "check_mbedtls_headers.sh: $dep read system Mbed TLS headers (above)" >&2
        exit 1
    fi
done
