#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# arena_probe.sh - measure the Mbed TLS arena boards/stm32 needs, on the host
# (see arena_probe.c). Mbed TLS 2.28 is compiled from Debian's source against
# ../mbedtls_config.h; three certificate chains are tried, each served by
# tests/server/replay_server.py with 16 KB body chunks (full TLS records) and
# trusted through a CA file that also holds the production roots:
#   ec-p256   the test suite's P-256 CA -> P-256 leaf (tests/server/mkcerts.sh)
#   ec-gts    P-384 root -> P-256 intermediate -> P-256 leaf (GTS Root R4 / WE1 shape)
#   rsa-gts   RSA-4096 root -> RSA-2048 intermediate -> RSA-2048 leaf (GTS Root R1 / WR1 shape)
# For each: the peak Mbed TLS asked for, and the smallest arena (1 KB steps)
# with which the whole answer still completes. Output in build/h-boards/stm32-probe.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
B=$ROOT/build/h-boards/stm32-probe
BD=$ROOT/boards/stm32
TRANSCRIPT=responses-reasoning-summary-o3mini # 194 KB: many full 16 KB records

if [[ -z ${MBEDTLS_DIR:-} ]]; then
    [[ -x $ROOT/scripts/fw_sources.sh ]] || { echo "arena_probe.sh: set MBEDTLS_DIR" >&2; exit 2; }
    eval "$("$ROOT/scripts/fw_sources.sh" | grep -E '^MBEDTLS_DIR=')"
fi
rm -rf "$B"
mkdir -p "$B/obj" "$B/certs"

# ---- build ---------------------------------------------------------------------
CF=(-std=gnu99 -O2 -g -DMBEDTLS_CONFIG_FILE='"mbedtls_config.h"' -DMBEDTLS_MEMORY_DEBUG
    -I"$BD" -I"$MBEDTLS_DIR/include" -I"$ROOT/core/include" -I"$ROOT/port/posix"
    -I"$ROOT/port/mbedtls" -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE)
for f in "$MBEDTLS_DIR"/library/*.c "$ROOT"/core/src/*.c "$ROOT/port/posix/drip_posix.c" \
         "$ROOT/port/mbedtls/drip_tls.c" "$BD/check/arena_probe.c"; do
    gcc "${CF[@]}" -c "$f" -o "$B/obj/$(basename "${f%.c}").o"
done
gcc "$B"/obj/*.o -o "$B/arena_probe"

# ---- certificates ----------------------------------------------------------------
sh "$ROOT/tests/server/mkcerts.sh" "$B/certs/test" >/dev/null
chain() { # name rootkey intkey leafkey rootmd (key specs are split into words on purpose)
    local d=$B/certs/$1
    # shellcheck disable=SC2086
    mkdir -p "$d"
    openssl req -x509 -newkey $2 -keyout "$d/root.key" -out "$d/root.pem" -days 7 -nodes \
        -subj "/CN=probe root $1" -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey $3 -keyout "$d/int.key" -out "$d/int.csr" -nodes \
        -subj "/CN=probe intermediate $1" 2>/dev/null
    printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' >"$d/int.ext"
    openssl x509 -req -in "$d/int.csr" -CA "$d/root.pem" -CAkey "$d/root.key" -CAcreateserial \
        -out "$d/int.pem" -days 7 "-$5" -extfile "$d/int.ext" 2>/dev/null
    openssl req -newkey $4 -keyout "$d/leaf.key" -out "$d/leaf.csr" -nodes -subj "/CN=localhost" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >"$d/leaf.ext"
    openssl x509 -req -in "$d/leaf.csr" -CA "$d/int.pem" -CAkey "$d/int.key" -CAcreateserial \
        -out "$d/leaf.pem" -days 7 -sha256 -extfile "$d/leaf.ext" 2>/dev/null
    cat "$d/leaf.pem" "$d/int.pem" >"$d/server.pem"
    cp "$d/leaf.key" "$d/server.key"
    cp "$d/root.pem" "$d/ca.pem"
}
chain ec-gts "ec -pkeyopt ec_paramgen_curve:P-384" "ec -pkeyopt ec_paramgen_curve:P-256" \
    "ec -pkeyopt ec_paramgen_curve:P-256" sha384
chain rsa-gts rsa:4096 rsa:2048 rsa:2048 sha256
mkdir -p "$B/certs/ec-p256"
cp "$B/certs/test/server.pem" "$B/certs/test/server.key" "$B/certs/test/ca.pem" "$B/certs/ec-p256/"

# ---- runs ------------------------------------------------------------------------
ROOTS=$ROOT/boards/esp32/idf/certs/openai_roots.pem
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
printf '%-8s %-10s %6s %5s %11s %7s %11s\n' chain state events text arena_peak blocks min_arena | tee "$B/result.txt"
for name in ec-p256 ec-gts rsa-gts; do
    d=$B/certs/$name
    cat "$ROOTS" "$d/ca.pem" >"$d/trust.pem"
    rm -f "$d/port"
    python3 "$ROOT/tests/server/replay_server.py" --cert "$d/server.pem" --key "$d/server.key" \
        --transcripts "$ROOT/tests/transcripts" --port 0 --ready-file "$d/port" \
        >"$d/server.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do [[ -s $d/port ]] && break; sleep 0.1; done
    port=$(cat "$d/port")
    line=$("$B/arena_probe" "$port" "$d/trust.pem" "$TRANSCRIPT")
    peak=$(sed -n 's/.*arena_peak=\([0-9]*\).*/\1/p' <<<"$line")
    blocks=$(sed -n 's/.*blocks_peak=\([0-9]*\).*/\1/p' <<<"$line")
    state=$(sed -n 's/^state=\([a-z_]*\) .*/\1/p' <<<"$line")
    events=$(sed -n 's/.* events=\([0-9]*\) .*/\1/p' <<<"$line")
    text=$(sed -n 's/.* text=\([0-9]*\) .*/\1/p' <<<"$line")
    # smallest arena (KB) that completes: bisect between the peak and 256 KB
    lo=$((peak / 1024)) hi=256
    while ((hi - lo > 1)); do
        mid=$(((lo + hi) / 2))
        if "$B/arena_probe" "$port" "$d/trust.pem" "$TRANSCRIPT" $((mid * 1024)) >/dev/null 2>&1; then
            hi=$mid
        else
            lo=$mid
        fi
    done
    printf '%-8s %-10s %6s %5s %11s %7s %8s KB\n' "$name" "$state" "$events" "$text" "$peak" \
        "$blocks" "$hi" | tee -a "$B/result.txt"
    # the production roots' share of the peak: the same run trusting the test CA alone
    alone=$("$B/arena_probe" "$port" "$d/ca.pem" "$TRANSCRIPT" | sed -n 's/.*arena_peak=\([0-9]*\).*/\1/p')
    echo "         (without the 4 production roots in the CA file: arena_peak=$alone)" | tee -a "$B/result.txt"
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=
done
