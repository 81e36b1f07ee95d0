#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# check.sh - what can be checked of boards/stm32 without STM32Cube or a board:
#   1. Mbed TLS 2.28 (Debian source) compiled against ../mbedtls_config.h
#      (its check_config.h runs), Cortex-M7 -Os;
#   2. lwIP 2.1.3 (Debian source) core + IPv4 + Ethernet compiled against
#      ../lwipopts.h and ../arch/cc.h (lwIP's init.c sanity checks run);
#   3. dripfeed core + port/lwip/drip_lwip_raw.c + port/mbedtls/drip_tls.c +
#      ../entropy_hw.c + ../examples/stream_uart/main.c, with -Werror;
#   4. all of it linked for an STM32F767ZI memory map with board_stub.c in
#      place of the Cube board file (--gc-sections), and the sizes printed
#      per component from the link map; fails if anything outside the C
#      library refers to malloc/calloc/realloc/free (map_sizes.py).
# Output in build/h-boards/stm32. Sources: LWIP_DIR / MBEDTLS_DIR from the
# environment, else scripts/fw_sources.sh (apt-get source, never committed).
# Needs gcc-arm-none-eabi, libnewlib-arm-none-eabi, libjsmn-dev, python3.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
B=${STM32_CHECK_OUT:-$ROOT/build/h-boards/stm32}
BD=$ROOT/boards/stm32
EX=$BD/examples/stream_uart

if [[ -z ${LWIP_DIR:-} || -z ${MBEDTLS_DIR:-} ]]; then
    [[ -x $ROOT/scripts/fw_sources.sh ]] || {
        echo "check.sh: set LWIP_DIR and MBEDTLS_DIR (lwIP 2.1.3, Mbed TLS 2.28 sources)" >&2
        exit 2
    }
    eval "$("$ROOT/scripts/fw_sources.sh" | grep -E '^(LWIP|MBEDTLS)_DIR=')"
fi
[[ -f $LWIP_DIR/src/core/tcp.c && -f $MBEDTLS_DIR/library/ssl_tls.c ]] || {
    echo "check.sh: no lwIP in $LWIP_DIR or no Mbed TLS in $MBEDTLS_DIR" >&2
    exit 2
}
[[ -f /usr/include/jsmn.h ]] || { echo "check.sh: apt-get install libjsmn-dev" >&2; exit 2; }

rm -rf "$B"
mkdir -p "$B"/{mbedtls,lwip,drip,app,jsmn}
cp /usr/include/jsmn.h "$B/jsmn/" # only the header, not /usr/include, on the cross path

CC=arm-none-eabi-gcc
AR=arm-none-eabi-ar
CPU=(-mcpu=cortex-m7 -mthumb -mfpu=fpv5-d16 -mfloat-abi=hard)
COMMON=("${CPU[@]}" -std=gnu99 -Os -g -ffunction-sections -fdata-sections -Wall -Wextra
        -DMBEDTLS_CONFIG_FILE='"mbedtls_config.h"'
        -I"$BD" -I"$EX" -I"$LWIP_DIR/src/include" -I"$MBEDTLS_DIR/include"
        -I"$ROOT/core/include" -I"$ROOT/port/lwip" -I"$ROOT/port/mbedtls" -I"$B/jsmn")
STRICT=(-Werror -Wshadow -Wundef)

compile() { # dir extra-flags... -- files...
    local out=$1; shift
    local flags=()
    while [[ $1 != -- ]]; do flags+=("$1"); shift; done
    shift
    local f n=0
    for f in "$@"; do
        "$CC" "${COMMON[@]}" "${flags[@]}" -c "$f" -o "$B/$out/$(basename "${f%.c}").o"
        n=$((n + 1))
    done
    echo "check.sh: $out: $n files compiled"
}

compile mbedtls -- "$MBEDTLS_DIR"/library/*.c
compile lwip -- "$LWIP_DIR"/src/core/*.c "$LWIP_DIR"/src/core/ipv4/*.c "$LWIP_DIR"/src/netif/ethernet.c
compile drip "${STRICT[@]}" -- "$ROOT"/core/src/*.c "$ROOT/port/lwip/drip_lwip_raw.c" \
    "$ROOT/port/mbedtls/drip_tls.c"
# The panel (examples/display: renderer, 6x12 font, SSD1306 driver, ring).
DISP=$ROOT/examples/display
compile app "${STRICT[@]}" -I"$DISP" -- "$BD/entropy_hw.c" "$EX/main.c" "$EX/panel.c" \
    "$BD/check/board_stub.c" "$DISP/disp_font.c" "$DISP/font_6x12.c" "$DISP/disp_fb.c" \
    "$DISP/disp_view.c" "$DISP/disp_gadget.c" "$DISP/disp_queue.c" "$DISP/disp_ssd1306.c"

for lib in mbedtls lwip drip; do
    "$AR" rcs "$B/lib$lib.a" "$B/$lib"/*.o
done

"$CC" "${CPU[@]}" -Os -nostartfiles --specs=nano.specs --specs=nosys.specs \
    -T "$BD/check/stm32f767zi_check.ld" -Wl,--gc-sections -Wl,-Map="$B/stream_uart.map" -Wl,--cref \
    -Wl,--print-memory-usage \
    "$B"/app/*.o "$B/libdrip.a" "$B/libmbedtls.a" "$B/liblwip.a" -o "$B/stream_uart.elf" |
    tee "$B/memory-usage.txt"

python3 "$BD/check/map_sizes.py" "$B/stream_uart.map" | tee "$B/sizes.txt"
