#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# check.sh [mbedtls3] - host check of boards/esp32 without ESP-IDF (see
# CMakeLists.txt here and ../README.md for what it does and does not prove).
# The component is built from a copy of what idf_component.yml would upload
# (scripts/manifests.py stage-idf, into $B/upload), with espressif/jsmn from
# a stand-in managed_components/espressif__jsmn made from Debian's header;
# every object that reads jsmn.h must read that one.
# One build per trust choice (Kconfig DRIP_TRUST) into
# build/h-boards/esp32/{bundle,pem}: checks what each embeds and which Mbed
# TLS headers the compiler read (its dependency files), then runs test_glue
# against local openssl s_server instances (tests/port/run_tls_port_test.sh
# makes the certificates and starts them), under valgrind when installed.
#
# Against Debian's Mbed TLS 2.28 (CTest board_esp32_check), or with
# `mbedtls3` against Mbed TLS 3.6, as ESP-IDF 5 has 3.x (CTest
# board_esp32_check_mbedtls3): scripts/mbedtls3_source.sh fetches and builds
# it (cached in $MBEDTLS3_DEST, default build/mbedtls3; a failed fetch
# fails), the builds go to .../esp32/mbedtls3/{bundle,pem}, no object may
# have read a header under /usr/include/mbedtls or /usr/include/psa, and
# test_glue must report 3.6 headers and library and a TLS 1.3 handshake.
# Needs: cmake, gcc, python3, openssl, liblwip-dev, libmbedtls-dev, libjsmn-dev
# (mbedtls3: dpkg-dev and network for the first fetch).
set -eu
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
B=${ESP32_CHECK_OUT:-$ROOT/build/h-boards/esp32}
fail() { echo "esp32 check ($1): $2" >&2; exit 1; }

case ${1:-} in
    "")
        MBEDTLS3_PREFIX=""
        inc=/usr/include want=2.28 proto=TLSv1.2 ;;
    mbedtls3)
        vars=$(bash "$ROOT/scripts/mbedtls3_source.sh" "${MBEDTLS3_DEST:-$ROOT/build/mbedtls3}") \
            || fail mbedtls3 "could not fetch/build Mbed TLS 3 (see above)"
        eval "$vars"
        B=$B/mbedtls3
        inc=$MBEDTLS3_PREFIX/include want=${MBEDTLS3_VERSION%%-*} proto=TLSv1.3 ;;
    *) echo "usage: check.sh [mbedtls3]" >&2; exit 2 ;;
esac
if command -v valgrind >/dev/null 2>&1; then
    VG="valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect"
else
    VG=""
fi

python3 "$ROOT/scripts/manifests.py" stage-idf "$ROOT" "$B/upload" || fail stage "stage-idf failed"
python3 "$ROOT/scripts/manifests.py" jsmn-standin "$B/managed_components" || fail stage "jsmn-standin failed"

for trust in bundle pem; do
    case $trust in
        bundle) set_="" ;;                  # the Kconfig default
        pem)    set_="DRIP_TRUST_PEM=y" ;;
    esac
    cmake -S "$ROOT/boards/esp32/test-stubs" -B "$B/$trust" -DESP32_SDKCONFIG_SET="$set_" \
        -DDRIP_MBEDTLS_ROOT="$MBEDTLS3_PREFIX" -DDRIP_COMPONENT_DIR="$B/upload" \
        -DDRIP_MANAGED_DIR="$B/managed_components" >/dev/null
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
    # The Mbed TLS headers the compiler read (its dependency files): every
    # object that read one, the four that must among them.
    deps=$(find "$B/$trust" -name '*.o.d' -exec grep -l '/include/mbedtls/' {} +)
    for src in drip_tls.c drip_esp32.c esp_crt_bundle_stub.c test_glue.c; do
        echo "$deps" | grep -q "/$src.o.d$" || fail $trust "$src read no Mbed TLS header"
    done
    # shellcheck disable=SC2086 # one dependency file per line, no spaces
    sh "$ROOT/tests/port/check_mbedtls_headers.sh" "$inc" $deps || fail $trust "wrong Mbed TLS headers"
    echo "esp32 check ($trust): objects read Mbed TLS headers from $inc only"
    # Sources from the staged upload only; jsmn.h from the managed component only.
    for d in $(find "$B/$trust/esp-idf/dripfeed" -name '*.o.d'); do
        ! grep -q "$ROOT/core/\|$ROOT/port/\|$ROOT/boards/esp32/idf/" "$d" \
            || fail $trust "$d read a file outside the staged upload"
    done
    jdeps=$(find "$B/$trust/esp-idf" -name '*.o.d' -exec grep -l 'jsmn\.h' {} +)
    echo "$jdeps" | grep -q '/drip_json.c.o.d$' || fail $trust "drip_json.c read no jsmn.h"
    for d in $jdeps; do
        grep -q "$B/managed_components/espressif__jsmn/include/jsmn.h" "$d" \
            || fail $trust "$d did not read the managed jsmn.h"
        ! grep -q '/usr/include/jsmn.h' "$d" || fail $trust "$d read /usr/include/jsmn.h"
    done
    echo "esp32 check ($trust): built from the staged upload, jsmn.h from managed_components only"
    log=$B/$trust/test_glue.log
    # shellcheck disable=SC2086 # VG is a command line
    bash "$ROOT/tests/port/run_tls_port_test.sh" "$B/$trust" $VG "$B/$trust/test_glue" >"$log" 2>&1 \
        || { cat "$log"; fail $trust "test_glue failed"; }
    cat "$log"
    grep -q "mbedTLS headers ${want}[.0-9]*, library $want" "$log" || fail $trust "not Mbed TLS $want"
    grep -q "connects checked (negotiated $proto)" "$log" || fail $trust "no $proto handshake"
    # The examples' shared Wi-Fi join (examples/common/drip_example_wifi):
    # defines the one join function, brings the station up and waits for it.
    lib=$B/$trust/esp-idf/drip_example_wifi/lib__idf_drip_example_wifi.a
    syms=$(nm "$lib")
    for s in "T drip_example_wifi_join" "U esp_wifi_set_config" "U esp_wifi_start" \
             "U esp_wifi_connect" "U xEventGroupWaitBits" "U nvs_flash_init"; do
        echo "$syms" | grep -q " $s\$" || fail $trust "drip_example_wifi: no '$s' in $lib"
    done
    # The console example (examples/stream_console): joins through it, then
    # the component's client.
    lib=$B/$trust/esp-idf/main/lib__idf_main.a
    syms=$(nm "$lib")
    for s in "T app_main" "U drip_example_wifi_join" "U drip_esp32_init" "U drip_client_run"; do
        echo "$syms" | grep -q " $s\$" || fail $trust "stream_console: no '$s' in $lib"
    done
    echo "esp32 check ($trust): stream_console and the shared Wi-Fi join compiled"
    # The display example (examples/stream_display): compiled with -Werror
    # against the esp_lcd / SPI / queue stand-ins; it must define app_main
    # and reach the panel and the gadget.
    lib=$B/$trust/esp-idf/main_display/lib__idf_main_display.a
    syms=$(nm "$lib")
    for s in "T app_main" "U drip_example_wifi_join" "U esp_lcd_panel_draw_bitmap" "T disp_gadget_apply" \
             "U xQueueReceive"; do
        echo "$syms" | grep -q " $s\$" || fail $trust "stream_display: no '$s' in $lib"
    done
    echo "esp32 check ($trust): stream_display compiled (esp_lcd ST7789, queue, UI task)"
    # The speech example (examples/speak_i2s): compiled with -Werror against
    # the i2s_std stand-in; it must define app_main, set up the I2S channel,
    # write PCM to it and cut the answer into phrases.
    lib=$B/$trust/esp-idf/main_speak/lib__idf_main_speak.a
    syms=$(nm "$lib")
    for s in "T app_main" "U drip_example_wifi_join" "U i2s_new_channel" "U i2s_channel_init_std_mode" \
             "U i2s_channel_enable" "U i2s_channel_write" "U drip_phrase_feed" "U drip_client_start"; do
        echo "$syms" | grep -q " $s\$" || fail $trust "speak_i2s: no '$s' in $lib"
    done
    echo "esp32 check ($trust): speak_i2s compiled (i2s_std 24 kHz mono, phrases, speech on one session)"
done
