#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fails if any object of the core library references the heap.
set -eu
lib="$1"
bad=$(nm -A "$lib" 2>/dev/null | grep -E ' U (malloc|calloc|realloc|free|strdup|strndup|aligned_alloc|posix_memalign|reallocarray)$' || true)
count=$(nm "$lib" | grep -c ' T drip_' || true)
if [ "$count" -eq 0 ]; then
  echo "no drip_ symbols found in $lib: wrong file?"; exit 1
fi
if [ -n "$bad" ]; then
  echo "heap calls in core:"; echo "$bad"; exit 1
fi
echo "core: $count public functions, 0 heap references"
