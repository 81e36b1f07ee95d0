#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# CTest differential_sse: dripfeed's SSE parser against eventsource-parser (npm).
#
#   run_sse.sh DRIPFEED BUILD_DIR [diff_sse.mjs options...]
#
# Installs what is missing the way scripts/bench.sh does (nodejs, npm: apt-get, only
# when the command is absent and dpkg-query says the package is not installed: the
# NodeSource `nodejs` package bundles npm, and Debian's `npm` would fight it), then
# eventsource-parser into BUILD_DIR/node (npm install --prefix; never committed), then
# runs diff_sse.mjs. Any failure to install is a test failure, said loudly: CI has the
# npm registry, so a missing parser must not pass as a skip.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ $# -ge 2 ] || { echo "usage: run_sse.sh DRIPFEED BUILD_DIR [options]" >&2; exit 2; }
DRIPFEED="$1"
OUT="$2/node"
shift 2
# The deliberate differences in README.md are those of this major version.
ESP_SPEC="eventsource-parser@3"

die() { echo "differential_sse: FAILED: $*" >&2; exit 1; }
[ -x "$DRIPFEED" ] || die "$DRIPFEED is not built"

ENSURE_LABEL=differential_sse
# shellcheck source=scripts/ensure_cmd.sh
. "$HERE/../../scripts/ensure_cmd.sh"
ensure node nodejs || die "nodejs is missing and could not be installed"
ensure npm npm || die "npm is missing and could not be installed"

PKG="$OUT/node_modules/eventsource-parser/package.json"
have_major3() { [ -f "$PKG" ] && node -e 'process.exit(require(process.argv[1]).version.split(".")[0] === "3" ? 0 : 1)' "$PKG"; }
if ! have_major3; then
  echo "differential_sse: npm install --prefix $OUT $ESP_SPEC"
  mkdir -p "$OUT"
  if ! NPM_LOG=$(timeout 300 npm install --prefix "$OUT" --no-audit --no-fund \
      --fetch-timeout=60000 --fetch-retries=2 "$ESP_SPEC" 2>&1); then
    printf '%s\n' "$NPM_LOG" >&2
    die "npm install $ESP_SPEC failed"
  fi
  have_major3 || die "npm install $ESP_SPEC left no eventsource-parser 3.x in $OUT"
fi

exec node "$HERE/diff_sse.mjs" --dripfeed "$DRIPFEED" --modules "$OUT" "$@"
