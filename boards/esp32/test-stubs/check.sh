#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# check.sh - host check of boards/esp32 without ESP-IDF (see CMakeLists.txt
# here and ../README.md for what it does and does not prove). Builds into
# build/h-boards/esp32, runs test_glue, under valgrind when installed.
# Needs: cmake, gcc, python3, liblwip-dev, libmbedtls-dev, libjsmn-dev.
set -eu
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
B=${ESP32_CHECK_OUT:-$ROOT/build/h-boards/esp32}
cmake -S "$ROOT/boards/esp32/test-stubs" -B "$B" >/dev/null
cmake --build "$B" -j 2
if command -v valgrind >/dev/null 2>&1; then
    valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        "$B/test_glue"
else
    "$B/test_glue"
fi
