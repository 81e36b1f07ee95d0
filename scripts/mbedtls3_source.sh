#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# scripts/mbedtls3_source.sh [DEST] - Mbed TLS 3.6 for testing port/mbedtls
# against 3.x (CTest port_tls_mbedtls3): Debian trixie's `mbedtls` SOURCE
# package, fetched with `apt-get source` into DEST (default build/mbedtls3),
# then built there as static libraries with its own CMake. Never committed:
# build/ is the build's own.
#
# The fetch is scripts/debian_source.sh's (apt-get source with a private apt
# state: the machine's apt configuration is not touched).
#
# Idempotent: once DEST/install/.done names the tree a run only prints the result.
# Concurrent runs serialise on DEST/.lock (flock).
#
# Prints shell assignments on success (eval-able, values quoted):
#   MBEDTLS3_SRC=...      the unpacked source tree (DEST/src/mbedtls-3.6.x)
#   MBEDTLS3_VERSION=...  the Debian source version (e.g. 3.6.6-0.1~deb13u1)
#   MBEDTLS3_PREFIX=...   include/ and lib/ (libmbedtls.a, libmbedx509.a, libmbedcrypto.a)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=${1:-$ROOT/build/mbedtls3}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
PREFIX=$DEST/install

die() { echo "mbedtls3_source.sh: $*" >&2; exit 1; }
log() { echo "mbedtls3_source.sh: $*" >&2; }

# trixie's mbedtls; ssl_tls13_client.c exists only in a 3.x tree.
vars=$("$ROOT/scripts/debian_source.sh" "$DEST/src" trixie mbedtls library/ssl_tls13_client.c) \
    || die "could not fetch trixie's mbedtls source package"
eval "$vars"
[[ $MBEDTLS_VERSION == 3.* ]] || die "trixie's mbedtls source is '$MBEDTLS_VERSION', not 3.x"
SRC=$MBEDTLS_DIR

# Built once per tree; concurrent runs serialise on DEST/.lock.
if [[ ! -e $PREFIX/.done || $(cat "$PREFIX/.done") != "$SRC" ]]; then
    exec 9>"$DEST/.lock"
    flock 9
fi
if [[ ! -e $PREFIX/.done || $(cat "$PREFIX/.done") != "$SRC" ]]; then
    command -v cmake >/dev/null 2>&1 || die "cmake missing"

    # Its own CMake, upstream default config (mbedtls_config.h as shipped:
    # TLS 1.3 and PSA crypto on), static libraries only.
    log "building $(basename "$SRC") (static, Release) into $DEST/obj"
    rm -rf "$DEST/obj" "$PREFIX"
    cmake -S "$SRC" -B "$DEST/obj" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" \
        -DENABLE_PROGRAMS=OFF -DENABLE_TESTING=OFF -DGEN_FILES=OFF \
        -DUSE_STATIC_MBEDTLS_LIBRARY=ON -DUSE_SHARED_MBEDTLS_LIBRARY=OFF \
        -DMBEDTLS_FATAL_WARNINGS=OFF >"$DEST/obj.log" 2>&1 \
        || { tail -n 30 "$DEST/obj.log" >&2; die "cmake configure of mbedTLS failed"; }
    cmake --build "$DEST/obj" -j "$JOBS" >>"$DEST/obj.log" 2>&1 \
        || { tail -n 30 "$DEST/obj.log" >&2; die "mbedTLS build failed"; }
    cmake --install "$DEST/obj" >>"$DEST/obj.log" 2>&1 \
        || { tail -n 30 "$DEST/obj.log" >&2; die "mbedTLS install failed"; }
    for l in mbedtls mbedx509 mbedcrypto; do
        [[ -e $PREFIX/lib/lib$l.a ]] || die "lib$l.a missing after install"
    done
    [[ -e $PREFIX/include/mbedtls/build_info.h ]] || die "headers missing after install"
    echo "$SRC" >"$PREFIX/.done"
fi

log "mbedTLS $MBEDTLS_VERSION unpacked in $SRC, installed in $PREFIX"
printf 'MBEDTLS3_SRC=%q\n' "$SRC"
printf 'MBEDTLS3_VERSION=%q\n' "$MBEDTLS_VERSION"
printf 'MBEDTLS3_PREFIX=%q\n' "$PREFIX"
