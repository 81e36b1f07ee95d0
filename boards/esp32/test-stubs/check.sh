#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# check.sh - host check of boards/esp32 without ESP-IDF (see CMakeLists.txt
# here and ../README.md for what it does and does not prove). One build per
# trust choice (Kconfig DRIP_TRUST) into build/h-boards/esp32/{bundle,pem}:
# checks what each embeds, then runs test_glue against local openssl
# s_server instances (tests/port/run_tls_port_test.sh makes the
# certificates and starts them), under valgrind when installed.
# Needs: cmake, gcc, python3, openssl, liblwip-dev, libmbedtls-dev, libjsmn-dev.
set -eu
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
B=${ESP32_CHECK_OUT:-$ROOT/build/h-boards/esp32}
if command -v valgrind >/dev/null 2>&1; then
    VG="valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect"
else
    VG=""
fi
fail() { echo "esp32 check ($1): $2" >&2; exit 1; }

for trust in bundle pem; do
    case $trust in
        bundle) set_="" ;;                  # the Kconfig default
        pem)    set_="DRIP_TRUST_PEM=y" ;;
    esac
    cmake -S "$ROOT/boards/esp32/test-stubs" -B "$B/$trust" -DESP32_SDKCONFIG_SET="$set_" >/dev/null
    cmake --build "$B/$trust" -j 2
    cfg="$B/$trust/config/sdkconfig.h"
    embedded=$(nm "$B/$trust/test_glue" | grep -c ' _binary_drip_ca_pem_start$' || true)
    case $trust in
        bundle)
            grep -q '^#define CONFIG_DRIP_TRUST_CRT_BUNDLE 1$' "$cfg" || fail $trust "not the default choice"
            ! grep -q 'CONFIG_DRIP_CA_PEM_FILE' "$cfg" || fail $trust "CONFIG_DRIP_CA_PEM_FILE is set"
            [ "$embedded" -eq 0 ] || fail $trust "a PEM is embedded"
            ;;
        pem)
            grep -q '^#define CONFIG_DRIP_TRUST_PEM 1$' "$cfg" || fail $trust "CONFIG_DRIP_TRUST_PEM is not set"
            [ "$embedded" -eq 1 ] || fail $trust "no PEM embedded"
            ;;
    esac
    # shellcheck disable=SC2086 # VG is a command line
    bash "$ROOT/tests/port/run_tls_port_test.sh" "$B/$trust" $VG "$B/$trust/test_glue"
done
