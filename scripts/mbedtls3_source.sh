#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# scripts/mbedtls3_source.sh [DEST] - Mbed TLS 3.6 for testing port/mbedtls
# against 3.x (CTest port_tls_mbedtls3): Debian trixie's `mbedtls` SOURCE
# package, fetched with `apt-get source` into DEST (default build/mbedtls3),
# then built there as static libraries with its own CMake. Never committed:
# build/ is the build's own.
#
# The machine's apt configuration is not touched: apt runs with a private
# sources list (`deb-src http://deb.debian.org/debian trixie main`), private
# lists and cache directories under DEST/apt, and no sources.list.d parts.
# The Release file is still verified against the system's archive keyring.
#
# Idempotent: once DEST/install/.done exists a run only prints the result.
# Concurrent runs serialise on DEST/.lock (flock).
#
# Prints shell assignments on success (eval-able, values quoted):
#   MBEDTLS3_SRC=...      the unpacked source tree (DEST/src/mbedtls-3.6.x)
#   MBEDTLS3_VERSION=...  the Debian source version (e.g. 3.6.6-0.1~deb13u1)
#   MBEDTLS3_PREFIX=...   include/ and lib/ (libmbedtls.a, libmbedx509.a, libmbedcrypto.a)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=${1:-$ROOT/build/mbedtls3}
SUITE=trixie
MIRROR=http://deb.debian.org/debian
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
PREFIX=$DEST/install

die() { echo "mbedtls3_source.sh: $*" >&2; exit 1; }
log() { echo "mbedtls3_source.sh: $*" >&2; }

# The unpacked 3.x tree (mbedtls-3.6.6/ ...), complete when ssl_tls13_client.c is there.
find_tree() {
    local d
    for d in "$DEST/src/mbedtls-3."*/; do
        [[ -e $d/library/ssl_tls13_client.c && -e $d/.drip-version ]] && { echo "${d%/}"; return 0; }
    done
    return 1
}

done_ok() { [[ -e $PREFIX/.done ]] && find_tree >/dev/null; }

if ! done_ok; then
    exec 9>"$DEST/.lock"
    flock 9
fi

if ! done_ok; then
    command -v dpkg-source >/dev/null 2>&1 || die "dpkg-source missing: install dpkg-dev (make test does)"
    command -v cmake >/dev/null 2>&1 || die "cmake missing"

    if ! find_tree >/dev/null; then
        # Private apt state: nothing under /etc/apt or /var/lib/apt changes.
        apt_dir=$DEST/apt
        mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
        echo "deb-src $MIRROR $SUITE main" >"$apt_dir/sources.list"
        apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list"
                  -o "Dir::Etc::SourceParts=/dev/null"
                  -o "Dir::State::Lists=$apt_dir/lists"
                  -o "Dir::Cache=$apt_dir/cache")
        log "apt-get update ($SUITE sources, private lists in $apt_dir)"
        apt-get "${apt_opts[@]}" -qq --error-on=any update >&2 || die "apt-get update of $SUITE sources failed"
        # The version apt will fetch (the candidate of the private index).
        ver=$(apt-get "${apt_opts[@]}" -qq --print-uris source mbedtls 2>/dev/null \
              | awk '$2 ~ /^mbedtls_.*\.dsc$/ { v = $2; sub(/^mbedtls_/, "", v); sub(/\.dsc$/, "", v); print v; exit }')
        [[ $ver == 3.* ]] || die "trixie's mbedtls source is '${ver:-none}', not 3.x"
        # apt-get source unpacks into the current directory: a scratch
        # directory, so a half-fetched package never looks complete.
        mkdir -p "$DEST/src"
        tmp=$(mktemp -d "$DEST/src/.fetch.XXXXXX")
        trap 'rm -rf "$tmp"' EXIT
        log "apt-get source mbedtls ($ver)"
        (cd "$tmp" && apt-get "${apt_opts[@]}" -qq source mbedtls >&2) \
            || die "apt-get source mbedtls failed"
        d=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'mbedtls-3.*' | head -n 1)
        [[ -n $d && -e $d/library/ssl_tls13_client.c ]] || die "no mbedtls-3.* tree after apt-get source"
        echo "$ver" >"$d/.drip-version"
        rm -rf "${DEST:?}/src/$(basename "$d")"
        mv "$d" "$DEST/src/"
        rm -rf "$tmp"
        trap - EXIT
    fi
    SRC=$(find_tree) || die "mbedTLS 3 tree missing"

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
    touch "$PREFIX/.done"
fi

SRC=$(find_tree) || die "mbedTLS 3 tree missing"
log "mbedTLS $(cat "$SRC/.drip-version") unpacked in $SRC, installed in $PREFIX"
printf 'MBEDTLS3_SRC=%q\n' "$SRC"
printf 'MBEDTLS3_VERSION=%q\n' "$(cat "$SRC/.drip-version")"
printf 'MBEDTLS3_PREFIX=%q\n' "$PREFIX"
