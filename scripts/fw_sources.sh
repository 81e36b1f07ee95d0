#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# scripts/fw_sources.sh [DEST] - the lwIP and mbedTLS sources the firmware is
# built from: this machine's Debian suite's source packages, unpacked into
# DEST (default build/fw-src) by scripts/debian_source.sh (apt-get source with
# a private apt state: the machine's apt configuration is not touched).
# Idempotent; concurrent runs serialise.
#
# Prints eval-able assignments on success (values quoted):
#   LWIP_DIR=..., MBEDTLS_DIR=... (and their _VERSION)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=${1:-$ROOT/build/fw-src}

suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[[ -n $suite ]] || { echo "fw_sources.sh: no VERSION_CODENAME in /etc/os-release" >&2; exit 1; }
command -v dpkg-source >/dev/null 2>&1 || "$ROOT/scripts/deps.sh" dpkg-dev xz-utils
exec "$ROOT/scripts/debian_source.sh" "$DEST" "$suite" lwip src/core/tcp.c mbedtls library/ssl_tls.c
