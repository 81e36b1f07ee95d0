#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fails if any object of the given static libraries (core, ports) references
# the heap. Calls made inside mbedTLS or libc (getaddrinfo) are theirs and
# are counted separately by tests/integration/alloc_count.c.
set -eu
status=0
for lib in "$@"; do
  bad=$(nm -A "$lib" 2>/dev/null | grep -E ' U (malloc|calloc|realloc|free|strdup|strndup|aligned_alloc|posix_memalign|reallocarray)$' || true)
  count=$(nm "$lib" | grep -c ' T drip_' || true)
  if [ "$count" -eq 0 ]; then
    echo "no drip_ symbols found in $lib: wrong file?"; status=1; continue
  fi
  if [ -n "$bad" ]; then
    echo "heap calls in $(basename "$lib"):"; echo "$bad"; status=1
  else
    echo "$(basename "$lib"): $count public functions, 0 heap references"
  fi
done
exit "$status"
