#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# scripts/fw_sources.sh [DEST] - fetch the lwIP and mbedTLS sources the firmware
# is built from, as Debian source packages (`apt-get source`), into DEST
# (default build/fw-src). Never committed: build/ is the build's own.
#
# Idempotent: a second run only checks that both trees are there. When apt has
# no deb-src entry (a fresh machine), one is added next to the machine's own
# deb822 stanza (same URIs, first suite, components, Signed-By), as in
# ../shared/notes/firmware-deps.md, then `apt-get update`.
#
# Prints two shell assignments on success (eval-able, values quoted):
#   LWIP_DIR=... and MBEDTLS_DIR=...
# Concurrent runs (parallel test builds) serialise on DEST/.lock.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=${1:-$ROOT/build/fw-src}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)

die() { echo "fw_sources.sh: $*" >&2; exit 1; }

# One unpacked tree per package: lwip-2.1.3+dfsg1/, mbedtls-2.28.3/ ...
find_tree() { # $1 = package, $2 = a file that proves the tree is complete
    local d
    for d in "$DEST/$1"-*/; do
        [[ -e $d/$2 ]] && { echo "${d%/}"; return 0; }
    done
    return 1
}

have_all() {
    find_tree lwip src/core/tcp.c >/dev/null && find_tree mbedtls library/ssl_tls.c >/dev/null
}

SUDO=()
[[ $(id -u) -eq 0 ]] || SUDO=(sudo -n)

# deb-src stanza: copy the first "Types: deb" stanza of the main sources file.
ensure_deb_src() {
    if grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        return 0
    fi
    local src=/etc/apt/sources.list.d/debian.sources
    [[ -f $src ]] || src=$(grep -lsE '^Types:.*\bdeb\b' /etc/apt/sources.list.d/*.sources | head -n 1)
    if [[ -n $src && -f $src ]]; then
        echo "fw_sources.sh: adding a deb-src stanza (from $src)" >&2
        awk '
            BEGIN { RS = ""; FS = "\n" }
            !done && /(^|\n)Types:[^\n]*deb/ {
                for (i = 1; i <= NF; i++) {
                    if ($i ~ /^Types:/) print "Types: deb-src"
                    else if ($i ~ /^Suites:/) { split($i, a, /[ \t]+/); print "Suites: " a[2] }
                    else if ($i ~ /^(URIs|Components|Signed-By):/) print $i
                }
                done = 1
            }' "$src" | "${SUDO[@]}" tee /etc/apt/sources.list.d/dripfeed-deb-src.sources >/dev/null
    elif [[ -f /etc/apt/sources.list ]] && grep -qE '^deb ' /etc/apt/sources.list; then
        echo "fw_sources.sh: adding a deb-src line (from /etc/apt/sources.list)" >&2
        grep -m1 -E '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' \
            | "${SUDO[@]}" tee /etc/apt/sources.list.d/dripfeed-deb-src.list >/dev/null
    else
        die "no apt source to copy a deb-src entry from"
    fi
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
}

if ! have_all && command -v flock >/dev/null 2>&1; then
    exec 9>"$DEST/.lock"
    flock 9
fi

if ! have_all; then
    command -v dpkg-source >/dev/null 2>&1 || "$ROOT/scripts/deps.sh" dpkg-dev xz-utils
    ensure_deb_src
    # apt-get source unpacks into the current directory; run it in a scratch
    # directory so a half-fetched package never looks complete.
    tmp=$(mktemp -d "$DEST/.fetch.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    for pkg in lwip mbedtls; do
        case $pkg in lwip) probe=src/core/tcp.c ;; *) probe=library/ssl_tls.c ;; esac
        find_tree "$pkg" "$probe" >/dev/null && continue
        echo "fw_sources.sh: apt-get source $pkg" >&2
        if ! (cd "$tmp" && apt-get source -qq "$pkg" >&2); then
            # the index may be stale (deb-src added by someone else): refresh once
            "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
            (cd "$tmp" && apt-get source -qq "$pkg" >&2) || die "apt-get source $pkg failed"
        fi
        for d in "$tmp/$pkg"-*/; do
            [[ -d $d ]] || continue
            rm -rf "${DEST:?}/$(basename "$d")"
            mv "$d" "$DEST/"
        done
        rm -rf "${tmp:?}"/*
    done
fi

LWIP=$(find_tree lwip src/core/tcp.c) || die "lwIP tree missing after apt-get source"
MBED=$(find_tree mbedtls library/ssl_tls.c) || die "mbedTLS tree missing after apt-get source"
printf 'LWIP_DIR=%q\n' "$LWIP"
printf 'MBEDTLS_DIR=%q\n' "$MBED"
