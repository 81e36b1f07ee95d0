#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Static analysis of core/ and port/: cppcheck and clang-tidy. Any finding
# fails. A finding that is wrong gets an inline suppression with a reason
# (cppcheck-suppress / NOLINT) next to the code, never a blanket disable.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
scripts/deps.sh cppcheck clang-tidy
[ -f "$BUILD/compile_commands.json" ] || cmake -S . -B "$BUILD" >/dev/null
srcs=(core/src/*.c port/posix/*.c port/mbedtls/*.c)
# The lwIP sockets port is analysed when the host build has it (liblwip-dev).
# The raw flavour needs a NO_SYS lwIP: it is built, -Werror, by make firmware.
if grep -q drip_lwip_sockets.c "$BUILD/compile_commands.json"; then
  srcs+=(port/lwip/drip_lwip_sockets.c)
  lwip_inc=(-I/usr/include/lwip --suppress='*:/usr/include/*')
else
  lwip_inc=()
fi
status=0

echo "lint: cppcheck $(cppcheck --version | cut -d' ' -f2) on ${#srcs[@]} files"
# -U: the optional config-file includes are not part of the analysed build;
# __linux__: the posix port's getrandom() path is the one built here;
# MBEDTLS_SSL_*: cppcheck does not read the system mbedTLS config.
if ! cppcheck --enable=warning,style,performance,portability --std=c99 --inline-suppr \
     --error-exitcode=1 --quiet -Icore/include -Iport/posix -Iport/mbedtls -Iport/lwip \
     -UDRIP_CONFIG_FILE -UMBEDTLS_CONFIG_FILE -D__linux__ -DMBEDTLS_SSL_CLI_C -DMBEDTLS_SSL_TLS_C \
     -DMBEDTLS_X509_CRT_PARSE_C -DMBEDTLS_CTR_DRBG_C -DMBEDTLS_ENTROPY_C -DMBEDTLS_FS_IO -DMBEDTLS_ERROR_C \
     -D_POSIX_C_SOURCE=200809L "${lwip_inc[@]}" --suppress=missingIncludeSystem "${srcs[@]}"; then
  status=1
fi

# clang-analyzer (path-sensitive), bugprone, cert, misc, performance,
# portability. Left out, with the reason: easily-swappable-parameters (our
# (ptr, len) pairs are the C idiom), reserved-identifier (none of ours; it
# flags system macros), cert-dcl37/51 (same), misc-no-recursion (we have none:
# make size proves it on the call graph).
checks='-*,clang-analyzer-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,cert-*,-cert-dcl37-c,-cert-dcl51-cpp,misc-*,-misc-no-recursion,performance-*,portability-*'
echo "lint: clang-tidy $(clang-tidy --version | grep -o "version [0-9.]*" | head -1)"
# --header-filter: port/common/drip_sockets_impl.h is code (both sockets ports include it).
out=$(clang-tidy -p "$BUILD" --quiet -checks="$checks" --header-filter='/common/drip_sockets_impl\.h' "${srcs[@]}" 2>/dev/null || true)
if echo "$out" | grep -qE "(warning|error):"; then
  echo "$out" | grep -E "(warning|error):" -A3
  status=1
fi
[ "$status" -eq 0 ] && echo "lint: 0 findings (cppcheck, clang-tidy)"
exit "$status"
