#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# scripts/docs.sh [OUT] - the `make docs` step: the API reference in
# OUT/html (default build/docs) from the public headers (docs/api/Doxyfile),
# with a memory page (OUT/memory.md) generated from scripts/size.sh's JSON
# (sizeof() of the core's structs, flash per layer and worst-case stack on a
# Cortex-M4 with the firmware defaults). Fails when Doxygen writes any
# warning: every public function, struct, field, macro and error code must
# be documented. Needs doxygen, and what size.sh needs (gcc-arm-none-eabi,
# libnewlib-arm-none-eabi, libjsmn-dev).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=${1:-build/docs}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

v=$(sed -n 's/^#define DRIPFEED_VERSION_STRING "\(.*\)"$/\1/p' core/include/dripfeed/drip_version.h)
SIZE_OUT="$OUT/size" FW_BUILD="${FW_BUILD:-build/fw}" FW_MEASURE=0 \
    scripts/size.sh --json "$OUT/size.json" >"$OUT/size.txt" 2>&1 \
    || { cat "$OUT/size.txt"; echo "docs: size.sh failed" >&2; exit 1; }
# The ports' and bundles' structs on this host (x86-64 hosts: the host
# defaults of drip_opts.h, Debian's Mbed TLS): they hold Mbed TLS contexts,
# whose size depends on its configuration, so they are not in size.sh's table.
cat >"$OUT/host_sizes.c" <<'C'
#include <stdio.h>
#include "dripfeed/dripfeed.h"
#include "drip_https_posix.h"
#define S(t) printf("%s\"%s\": %zu", n++ ? ", " : "", #t, sizeof(t))
int main(void)
{
    int n = 0;
    printf("{");
    S(drip_client_t); S(drip_stream_t); S(drip_result_t); S(drip_posix_t); S(drip_tls_t);
    S(drip_https_posix_t); S(drip_call_slot_t); S(jsmntok_t);
    printf("}\n");
    return 0;
}
C
cc -std=c99 -D_POSIX_C_SOURCE=200809L -Icore/include -Iport/posix -Iport/mbedtls -Iport/bundle \
    -o "$OUT/host_sizes" "$OUT/host_sizes.c"
"$OUT/host_sizes" >"$OUT/host_sizes.json"
python3 scripts/docs_memory.py "$OUT/size.json" "$v" "$OUT/host_sizes.json" "$(uname -m)" >"$OUT/memory.md"

rm -rf "$OUT/html" "$OUT/warnings.log"
DRIP_DOCS_OUT="$OUT" DRIP_VERSION="$v" doxygen docs/api/Doxyfile
if [[ -s $OUT/warnings.log ]]; then
    cat "$OUT/warnings.log" >&2
    echo "docs: $(wc -l <"$OUT/warnings.log") Doxygen warning line(s) (must be 0)" >&2
    exit 1
fi
[[ -f $OUT/html/index.html && -f $OUT/html/memory.html ]] || { echo "docs: no html" >&2; exit 1; }
echo "docs: $OUT/html/index.html (dripfeed $v), 0 Doxygen warnings"
