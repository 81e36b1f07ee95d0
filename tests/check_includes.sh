#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# core/ may include only C library headers, jsmn and its own headers:
# no OS calls, no platform headers (ports live in port/).
set -eu
core="$1"
allowed='^(string|stddef|stdint|jsmn)\.h$'
fail=0
for f in "$core"/src/*.c "$core"/include/dripfeed/*.h; do
  grep -hoE '^#include[[:space:]]*<[^>]+>' "$f" | sed -E 's/.*<([^>]+)>.*/\1/' | while read -r h; do
    if ! echo "$h" | grep -qE "$allowed"; then echo "$f includes <$h>"; exit 1; fi
  done || fail=1
done
[ "$fail" -eq 0 ] && echo "core includes: libc + jsmn + own headers only"
exit "$fail"
