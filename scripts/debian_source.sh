#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# scripts/debian_source.sh DEST SUITE PKG PROBE [PKG PROBE ...]
#
# Debian SOURCE packages (`apt-get source`) unpacked into DEST, for builds
# that need a library's sources rather than its -dev package: the firmware
# (lwIP, Mbed TLS 2.28 of this machine's suite, scripts/fw_sources.sh) and
# the Mbed TLS 3.6 test (trixie, scripts/mbedtls3_source.sh). Never
# committed: build/ is the build's own.
#
# The machine's apt configuration is not touched: apt runs with a private
# sources list (`deb-src <mirror> SUITE main`), private lists and cache under
# DEST/apt-SUITE, and no sources.list.d parts; the Release file is still
# verified against the system's keyring. The mirror is the machine's own
# (first non-security URI of its Debian sources), else deb.debian.org.
#
# PROBE is a file (relative to the tree) that proves a tree complete and of
# the wanted kind: a tree DEST/PKG-*/PROBE is reused, never fetched again.
# A package is unpacked in a scratch directory first, so a half-fetched one
# never looks complete. Concurrent runs serialise on DEST/.lock.
#
# Prints one eval-able assignment per package (values quoted):
#   <PKG>_DIR=...       the tree (PKG upper-cased, '-' -> '_')
#   <PKG>_VERSION=...   its Debian source version (recorded at fetch time)
set -euo pipefail

die() { echo "debian_source.sh: $*" >&2; exit 1; }
log() { echo "debian_source.sh: $*" >&2; }

[[ $# -ge 4 && $(( ($# - 2) % 2 )) -eq 0 ]] || die "usage: debian_source.sh DEST SUITE PKG PROBE [PKG PROBE ...]"
DEST=$1 SUITE=$2
shift 2
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)

find_tree() { # $1 = package, $2 = probe
    local d
    for d in "$DEST/$1"-*/; do
        [[ -e $d/$2 && -e $d/.debian-version ]] && { echo "${d%/}"; return 0; }
    done
    return 1
}

have_all() {
    local -a a=("$@")
    local i
    for ((i = 0; i < ${#a[@]}; i += 2)); do
        find_tree "${a[i]}" "${a[i + 1]}" >/dev/null || return 1
    done
}

mirror() {
    local u
    u=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | awk '$2 !~ /security/ { print $2; exit }')
    [[ -n $u ]] || u=$(grep -hsE '^deb https?://' /etc/apt/sources.list 2>/dev/null \
        | awk '$2 !~ /security/ { print $2; exit }')
    echo "${u:-http://deb.debian.org/debian}"
}

if ! have_all "$@"; then
    exec 9>"$DEST/.lock"
    flock 9
fi

if ! have_all "$@"; then
    command -v dpkg-source >/dev/null 2>&1 || die "dpkg-source missing: install dpkg-dev (make test does)"
    apt_dir=$DEST/apt-$SUITE
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
    echo "deb-src $(mirror) $SUITE main" >"$apt_dir/sources.list"
    apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list"
              -o "Dir::Etc::SourceParts=/dev/null"
              -o "Dir::State::Lists=$apt_dir/lists"
              -o "Dir::Cache=$apt_dir/cache")
    log "apt-get update ($(cat "$apt_dir/sources.list"), private lists in $apt_dir)"
    # --error-on=any: an unreachable mirror is an error, not a warning.
    apt-get "${apt_opts[@]}" -qq --error-on=any update >&2 || die "apt-get update of $SUITE sources failed"
    tmp=$(mktemp -d "$DEST/.fetch.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    args=("$@")
    for ((i = 0; i < ${#args[@]}; i += 2)); do
        pkg=${args[i]} probe=${args[i + 1]}
        find_tree "$pkg" "$probe" >/dev/null && continue
        ver=$(apt-get "${apt_opts[@]}" -qq --print-uris source "$pkg" 2>/dev/null \
              | awk -v p="$pkg" '$2 ~ "^" p "_.*\\.dsc$" { v = $2; sub("^" p "_", "", v); sub(/\.dsc$/, "", v); print v; exit }')
        [[ -n $ver ]] || die "no source package $pkg in $SUITE"
        log "apt-get source $pkg ($SUITE, $ver)"
        (cd "$tmp" && apt-get "${apt_opts[@]}" -qq source "$pkg" >&2) || die "apt-get source $pkg failed"
        d=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" | head -n 1)
        [[ -n $d && -e $d/$probe ]] || die "$pkg $ver: no tree with $probe after apt-get source"
        echo "$ver" >"$d/.debian-version"
        rm -rf "${DEST:?}/$(basename "$d")"
        mv "$d" "$DEST/"
        rm -rf "${tmp:?}"/*
    done
fi

args=("$@")
for ((i = 0; i < ${#args[@]}; i += 2)); do
    pkg=${args[i]}
    d=$(find_tree "$pkg" "${args[i + 1]}") || die "$pkg tree missing"
    var=$(echo "$pkg" | tr 'a-z-' 'A-Z_')
    printf '%s_DIR=%q\n' "$var" "$d"
    printf '%s_VERSION=%q\n' "$var" "$(cat "$d/.debian-version")"
done
