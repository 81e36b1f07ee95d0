#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# scripts/size.sh - the `make size` step: flash, RAM and worst-case stack of
# dripfeed's portable core (core/src/*.c) built for a Cortex-M4; then, when
# the firmware is built (`make firmware`), one table of flash and RAM per
# component of the QEMU mps2-an386 image (core, port/lwip raw, port/mbedtls,
# lwIP, mbedTLS, app), the client's RAM for a Responses stream of any
# length, the worst-case stack of core + ports, and the figures measured by
# running the image under QEMU (mbedTLS arena peak, stack high-water mark).
#
#   scripts/size.sh [--json FILE]
#
#   SIZE_CFLAGS   extra compiler flags (word-split), e.g. the host defaults:
#                 SIZE_CFLAGS='-DDRIP_HOSTED=1' scripts/size.sh
#                 or one option: SIZE_CFLAGS='-DDRIP_ERR_STRINGS=1'.
#                 They are passed to the link as well (so -mfloat-abi=... picks
#                 the matching newlib/libgcc).
#   SIZE_OUT      output directory (default build/size; relative to the
#                 repository root).
#   --json FILE   also write the figures as JSON (for the docs).
#   FW_BUILD      firmware build directory (default build/fw); its table is
#                 skipped when FW_BUILD/dripfeed_qemu.map does not exist.
#   FW_MEASURE=0  do not run the image under QEMU for the measured figures.
#
# Output goes to $SIZE_OUT (objects, .su/.ci, link map). The struct sizes
# line is sizeof() on the same target with the same flags. Installs its Debian
# packages (gcc-arm-none-eabi, libnewlib-arm-none-eabi, libjsmn-dev) when
# missing. The targets line is informational: the exit status is 0 unless no
# file compiles (1), or the call graph has recursion (1: the stack cannot be
# bounded), or the arguments are wrong (2). A file that fails to compile is
# reported and skipped.
set -euo pipefail

usage() { sed -n '4,30p' "$0" | sed 's/^# \{0,1\}//'; }

JSON_OUT=""
while (($#)); do
    case "$1" in
        --json) [[ $# -ge 2 ]] || { echo "size.sh: --json needs a file" >&2; exit 2; }
                JSON_OUT=$2; shift 2 ;;
        --json=*) JSON_OUT=${1#--json=}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "size.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
if [[ -n $JSON_OUT && $JSON_OUT != /* ]]; then
    JSON_OUT="$PWD/$JSON_OUT"     # relative to where we were called from
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

OUT=${SIZE_OUT:-build/size}
LINKDIR=$OUT/link
JSMN_H=/usr/include/jsmn.h
CC=arm-none-eabi-gcc
SIZE=arm-none-eabi-size
NM=arm-none-eabi-nm
OBJDUMP=arm-none-eabi-objdump
READELF=arm-none-eabi-readelf

TARGET_TEXT=18432      # issue 10: all of core <= 18 KB
TARGET_CLIENT_STRUCT=1600  # issue 10: sizeof(drip_client_t)
TARGET_RAM=0
TARGET_STACK=512
TARGET_CLIENT_RAM=2048
TARGET_FW_RAM=65536

warn() { echo "size.sh: warning: $*" >&2; }
die() { echo "size.sh: error: $*" >&2; exit 1; }

# --------------------------------------------------------------------------
# 1. Toolchain and jsmn (Debian packages)

ensure_packages() {
    local pkgs=(gcc-arm-none-eabi libnewlib-arm-none-eabi libjsmn-dev)
    local need=() p
    command -v python3 >/dev/null 2>&1 || pkgs+=(python3)
    if command -v dpkg-query >/dev/null 2>&1; then
        for p in "${pkgs[@]}"; do
            if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
                need+=("$p")
            fi
        done
    else
        # not Debian: check what we use, and say what is missing
        command -v "$CC" >/dev/null 2>&1 || need+=(gcc-arm-none-eabi)
        [[ -e $JSMN_H ]] || need+=(libjsmn-dev)
        command -v python3 >/dev/null 2>&1 || need+=(python3)
        if ((${#need[@]})); then
            die "missing ${need[*]} and no dpkg/apt here: install them by hand"
        fi
        return 0
    fi
    ((${#need[@]})) || return 0

    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to install: ${need[*]}"
        sudo=(sudo -n)
    fi
    echo "size.sh: installing ${need[*]}" >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 \
        || die "apt-get update failed"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${need[@]}" >&2 \
        || die "apt-get install ${need[*]} failed"
}

ensure_packages
command -v "$CC" >/dev/null 2>&1 || die "$CC not found after installing gcc-arm-none-eabi"
[[ -e $JSMN_H ]] || die "$JSMN_H not found after installing libjsmn-dev"

# --------------------------------------------------------------------------
# 2. Compile every core/src/*.c out of tree

rm -rf "$OUT"
mkdir -p "$OUT/jsmn-inc" "$LINKDIR"
# the cross compiler does not search /usr/include: expose jsmn.h alone
ln -s "$JSMN_H" "$OUT/jsmn-inc/jsmn.h"

EXTRA=()
if [[ -n ${SIZE_CFLAGS:-} ]]; then
    read -r -a EXTRA <<<"$SIZE_CFLAGS"
fi
TARGET_FLAGS=(-mcpu=cortex-m4 -mthumb --specs=nano.specs)
CFLAGS=(-std=c99 "${TARGET_FLAGS[@]}" -Os -ffunction-sections -fdata-sections
        -Wall -Wextra -Werror -Icore/include "-I$OUT/jsmn-inc"
        -fstack-usage -fcallgraph-info=su)

shopt -s nullglob
SRCS=(core/src/*.c)
shopt -u nullglob
((${#SRCS[@]})) || die "no sources in core/src/"

OBJS=()        # build/size/x.o
OK_SRCS=()     # core/src/x.c, parallel to OBJS
FAILED=()
for src in "${SRCS[@]}"; do
    base=$(basename "$src" .c)
    obj=$OUT/$base.o
    if [[ -e $obj ]]; then
        warn "$src: another source already produced $obj; skipped"
        FAILED+=("$src")
        continue
    fi
    if "$CC" "${CFLAGS[@]}" ${EXTRA[@]+"${EXTRA[@]}"} -c "$src" -o "$obj" 2>"$OUT/$base.log"; then
        OBJS+=("$obj")
        OK_SRCS+=("$src")
        [[ -s $OUT/$base.log ]] && cat "$OUT/$base.log" >&2
    else
        warn "$src does not compile; skipped (compiler output below, full log $OUT/$base.log)"
        head -n 20 "$OUT/$base.log" | sed 's/^/    /' >&2
        rm -f "$OUT/$base.o" "$OUT/$base.su" "$OUT/$base.ci"
        FAILED+=("$src")
    fi
done
((${#OBJS[@]})) || die "no file of core/src compiled"

# --------------------------------------------------------------------------
# 3. Sizes per object, then linked with --gc-sections

declare -A TEXT DATA BSS LTEXT
SUM_TEXT=0 SUM_DATA=0 SUM_BSS=0
while read -r t d b _dec _hex f; do
    [[ $t =~ ^[0-9]+$ ]] || continue
    TEXT[$f]=$t DATA[$f]=$d BSS[$f]=$b
    SUM_TEXT=$((SUM_TEXT + t)) SUM_DATA=$((SUM_DATA + d)) SUM_BSS=$((SUM_BSS + b))
done < <("$SIZE" -B "${OBJS[@]}")

# public entry points: defined global functions named drip_*
"$NM" -g --defined-only "${OBJS[@]}" 2>/dev/null \
    | awk '$2 == "T" && $3 ~ /^drip_/ { print $3 }' | sort -u >"$LINKDIR/entries.txt"
NROOTS=$(wc -l <"$LINKDIR/entries.txt")

LINK_OK=0
LINK_UNRESOLVED=()
L_TEXT=0 L_DATA=0 L_BSS=0 L_STUB=0 L_OURS=0 L_LIBGCC=0 L_LIBC=0 L_OTHER=0 L_RAM=0 L_RAM_FILL=0
LIBGCC_SYMS="" LIBC_SYMS=""
ELF=$LINKDIR/dripfeed.elf
MAP=$LINKDIR/dripfeed.map

if ((NROOTS == 0)); then
    warn "no public drip_* function defined: linked figure skipped"
else
    # the stub: a table holding the address of every public function, kept
    # alive by _start, so --gc-sections keeps exactly what they can reach
    {
        echo "/* generated by scripts/size.sh: keeps every public drip_* function */"
        while read -r s; do echo "extern void $s(void);"; done <"$LINKDIR/entries.txt"
        echo "void (*const drip_size_roots[])(void) = {"
        while read -r s; do echo "    $s,"; done <"$LINKDIR/entries.txt"
        echo "};"
        echo "void _start(void);"
        echo "void _start(void)"
        echo "{"
        echo "    __asm volatile (\"\" : : \"r\"(drip_size_roots) : \"memory\");"
        echo "    for (;;) {"
        echo "    }"
        echo "}"
    } >"$LINKDIR/entry.c"
    # shellcheck disable=SC2054  # the commas belong to -Wl,...
    LDFLAGS=("${TARGET_FLAGS[@]}" -Os -nostartfiles -Wl,--gc-sections "-Wl,-Map=$MAP")
    if ! "$CC" -std=c99 "${TARGET_FLAGS[@]}" -Os -ffunction-sections -fdata-sections \
            ${EXTRA[@]+"${EXTRA[@]}"} -c "$LINKDIR/entry.c" -o "$LINKDIR/entry.o" \
            2>"$LINKDIR/entry.log"; then
        warn "entry stub does not compile (see $LINKDIR/entry.log): linked figure skipped"
        sed 's/^/    /' "$LINKDIR/entry.log" >&2
    elif "$CC" "${LDFLAGS[@]}" ${EXTRA[@]+"${EXTRA[@]}"} "$LINKDIR/entry.o" "${OBJS[@]}" \
            -o "$ELF" 2>"$LINKDIR/link.log"; then
        LINK_OK=1
    else
        # most likely a function declared but not written yet (work in progress)
        mapfile -t LINK_UNRESOLVED < <(sed -n "s/.*undefined reference to \`\([^']*\)'.*/\1/p" \
                                        "$LINKDIR/link.log" | sort -u)
        if ((${#LINK_UNRESOLVED[@]})) && "$CC" "${LDFLAGS[@]}" ${EXTRA[@]+"${EXTRA[@]}"} \
                -Wl,--unresolved-symbols=ignore-all "$LINKDIR/entry.o" "${OBJS[@]}" \
                -o "$ELF" 2>"$LINKDIR/link2.log"; then
            LINK_OK=1
            warn "link: undefined ${LINK_UNRESOLVED[*]} (not written yet?): linked anyway, their code is not counted"
        else
            warn "link failed: linked figure skipped ($LINKDIR/link.log):"
            head -n 20 "$LINKDIR/link.log" | sed 's/^/    /' >&2
        fi
    fi
fi

if ((LINK_OK)); then
    read -r L_TEXT L_DATA L_BSS _ < <("$SIZE" -B "$ELF" | awk 'NR == 2 { print $1, $2, $3 }')
    # which output sections count as text (alloc, not write) and as RAM
    mapfile -t TEXTSECS < <("$READELF" -SW "$ELF" | sed 's/^ *\[ *[0-9]*\]//' \
        | awk '$1 ~ /^\./ && $7 ~ /A/ && $7 !~ /W/ && $7 ~ /^[A-Za-z]+$/ { print $1 }')
    mapfile -t RAMSECS < <("$READELF" -SW "$ELF" | sed 's/^ *\[ *[0-9]*\]//' \
        | awk '$1 ~ /^\./ && $7 ~ /A/ && $7 ~ /W/ && $7 ~ /^[A-Za-z]+$/ { print $1 }')
    # attribute every input section of the map to: stub, one of our objects,
    # libgcc, libc, fill/other. Lines: "<class> <text|ram> <bytes>" and
    # "sym <class> <name>" for library symbols.
    awk -v textsecs="${TEXTSECS[*]-}" -v ramsecs="${RAMSECS[*]-}" -v out="$OUT/" '
        function hex(s,   i, c, v) {   # mawk has no strtonum
            v = 0
            s = tolower(s); sub(/^0x/, "", s)
            for (i = 1; i <= length(s); i++) {
                c = index("0123456789abcdef", substr(s, i, 1))
                if (c == 0) break
                v = v * 16 + c - 1
            }
            return v
        }
        function classify(file,   b) {
            if (file ~ /entry\.o$/) return "stub"
            if (index(file, out) == 1 && file ~ /\.o$/) { b = file; sub(/.*\//, "", b); return "obj:" b }
            if (file ~ /libgcc/) return "libgcc"
            if (file ~ /libc(_nano)?\.a|libg(_nano)?\.a|libm\.a|libnosys/) return "libc"
            return "other"
        }
        function add(size, file,   k) {
            if (cur in T) k = "text"; else if (cur in R) k = "ram"; else return
            last = classify(file)
            n[last " " k] += hex(size)
        }
        BEGIN {
            split(textsecs, a, " "); for (i in a) T[a[i]] = 1
            split(ramsecs, a, " "); for (i in a) R[a[i]] = 1
        }
        /^Linker script and memory map/ { on = 1; next }
        !on { next }
        /^[^ ]/ { cur = $1; pending = 0; last = ""; next }
        /^ \*fill\*/ { if (cur in T) n["other text"] += hex($3); else if (cur in R) n["fill ram"] += hex($3); next }
        /^ \*\(|^ KEEP|^ SORT|^ \*\*/ { pending = 0; next }
        /^ [^ ]/ {
            if (NF >= 4 && $2 ~ /^0x/ && $3 ~ /^0x/) { f = $4; for (i = 5; i <= NF; i++) f = f " " $i; add($3, f); pending = 0 }
            else if (NF == 1) pending = 1
            else pending = 0
            next
        }
        /^  +0x/ {
            if (pending && NF >= 3 && $2 ~ /^0x/) { f = $3; for (i = 4; i <= NF; i++) f = f " " $i; add($2, f); pending = 0; next }
            if (NF == 2 && (last == "libgcc" || last == "libc") && (cur in T)) print "sym", last, $2
            next
        }
        END { for (k in n) print k, n[k] }
    ' "$MAP" >"$LINKDIR/breakdown.txt"
    while read -r cls kind val; do
        [[ $cls == sym ]] && continue
        if [[ $kind == text ]]; then
            case $cls in
                stub) L_STUB=$((L_STUB + val)) ;;
                obj:*) LTEXT[$OUT/${cls#obj:}]=$val; L_OURS=$((L_OURS + val)) ;;
                libgcc) L_LIBGCC=$((L_LIBGCC + val)) ;;
                libc) L_LIBC=$((L_LIBC + val)) ;;
            esac
        elif [[ $kind == ram && $cls == fill ]]; then
            L_RAM_FILL=$((L_RAM_FILL + val))   # alignment padding, no variable
        elif [[ $kind == ram && $cls != stub ]]; then
            L_RAM=$((L_RAM + val))
        fi
    done <"$LINKDIR/breakdown.txt"
    L_NET=$((L_TEXT - L_STUB))
    L_OTHER=$((L_NET - L_OURS - L_LIBGCC - L_LIBC))
    LIBGCC_SYMS=$(awk '$1 == "sym" && $2 == "libgcc" { print $3 }' "$LINKDIR/breakdown.txt" | sort -u | tr '\n' ' ' | sed 's/ *$//')
    LIBC_SYMS=$(awk '$1 == "sym" && $2 == "libc" { print $3 }' "$LINKDIR/breakdown.txt" | sort -u | tr '\n' ' ' | sed 's/ *$//')
    L_RAM_TOTAL=$((L_DATA + L_BSS))
fi

# --------------------------------------------------------------------------
# Report: sizes

TOOLCHAIN=$("$CC" --version | head -n 1)
echo "dripfeed size: $TOOLCHAIN"
echo "flags: ${CFLAGS[*]}${SIZE_CFLAGS:+ $SIZE_CFLAGS}"
echo
printf '%-26s %7s %7s %7s %7s %9s\n' "object" ".text" ".data" ".bss" "total" "after gc"
for i in "${!OBJS[@]}"; do
    o=${OBJS[$i]}
    name=$(basename "$o")
    grep -q 'JSMN_STATIC' "${OK_SRCS[$i]}" 2>/dev/null && name="$name (+jsmn)"
    lt="-"
    ((LINK_OK)) && lt=${LTEXT[$o]:-0}
    printf '%-26s %7d %7d %7d %7d %9s\n' "$name" "${TEXT[$o]}" "${DATA[$o]}" "${BSS[$o]}" \
        $((TEXT[$o] + DATA[$o] + BSS[$o])) "$lt"
done
lt="-"
((LINK_OK)) && lt=$L_OURS
printf '%-26s %7d %7d %7d %7d %9s\n' "total (${#OBJS[@]} files)" "$SUM_TEXT" "$SUM_DATA" "$SUM_BSS" \
    $((SUM_TEXT + SUM_DATA + SUM_BSS)) "$lt"
echo "(bytes; .text is code + read-only data, as arm-none-eabi-size counts it)"
if ((${#FAILED[@]})); then
    echo "SKIPPED (does not compile): ${FAILED[*]}"
fi
echo
if ((LINK_OK)); then
    echo "linked with -Wl,--gc-sections -nostartfiles --specs=nano.specs, $NROOTS public drip_* functions kept:"
    printf '  .text %d B - entry stub %d B = %d B\n' "$L_TEXT" "$L_STUB" "$L_NET"
    printf '    %-22s %6d B\n' "dripfeed objects" "$L_OURS"
    printf '    %-22s %6d B%s\n' "libgcc" "$L_LIBGCC" "${LIBGCC_SYMS:+  $LIBGCC_SYMS}"
    printf '    %-22s %6d B%s\n' "libc (newlib-nano)" "$L_LIBC" "${LIBC_SYMS:+  $LIBC_SYMS}"
    printf '    %-22s %6d B\n' "fill, .ARM.exidx, ..." "$L_OTHER"
    printf '  .data %d B, .bss %d B\n' "$L_DATA" "$L_BSS"
    if ((${#LINK_UNRESOLVED[@]})); then
        echo "  (undefined, not counted: ${LINK_UNRESOLVED[*]})"
    fi
else
    echo "linked figure: not available (see warnings)"
fi
echo

# sizeof() of the structs a firmware allocates, on this target with these
# flags (the probe's objects are .bss: nm gives their sizes). Its own
# directory: the stack analysis reads every .su/.ci in $OUT.
declare -A STRUCT
mkdir -p "$OUT/structs"
STRUCT_NAMES=(drip_client_t drip_stream_t drip_result_t drip_http_t drip_sse_t drip_event_dec_t drip_event_t
              drip_phrase_t)
{
    echo '#include "dripfeed/drip_client.h"'
    echo '#include "dripfeed/drip_phrase.h"'
    for t in "${STRUCT_NAMES[@]}"; do echo "$t drip_size_$t;"; done
} >"$OUT/structs/structs.c"
if "$CC" "${CFLAGS[@]}" ${EXTRA[@]+"${EXTRA[@]}"} -fno-common -c "$OUT/structs/structs.c" \
        -o "$OUT/structs/structs.o" 2>"$OUT/structs/structs.log"; then
    while read -r _addr sz _type name; do
        STRUCT[${name#drip_size_}]=$((16#$sz))
    done < <("$NM" -S "$OUT/structs/structs.o" | awk 'NF == 4')
    printf 'struct sizes (sizeof, bytes):'
    for t in "${STRUCT_NAMES[@]}"; do printf ' %s %s' "$t" "${STRUCT[$t]:-?}"; done
    echo
else
    warn "the struct size probe does not compile ($OUT/structs/structs.log)"
fi
echo

# --------------------------------------------------------------------------
# 4. Worst-case stack

STACK_JSON=$OUT/stack.json
STACK_ARGS=("$OUT" --objdump "$OBJDUMP" --top 10 --json "$STACK_JSON" --pointers scripts/stack_pointers.txt)
((NROOTS > 0)) && STACK_ARGS+=(--entries "$LINKDIR/entries.txt")
((LINK_OK)) && STACK_ARGS+=(--elf "$ELF")
STACK_RC=0
python3 scripts/stack_usage.py "${STACK_ARGS[@]}" || STACK_RC=$?
echo

STACK_WORST=""
if [[ -s $STACK_JSON ]]; then
    STACK_WORST=$(python3 -c 'import json,sys
w = json.load(open(sys.argv[1])).get("worst")
print(w["stack"] if w else "")' "$STACK_JSON")
fi


# --------------------------------------------------------------------------
# 6. Firmware image: flash and RAM per component, client RAM, stack of core +
#    ports, measured figures (boards/qemu-mps2-an386, `make firmware`)

FW_BUILD=${FW_BUILD:-build/fw}
FW_ELF=$FW_BUILD/dripfeed_qemu.elf
FW_MAP=$FW_BUILD/dripfeed_qemu.map
FW_JSON=$OUT/firmware.json
FW_STATUS=skipped
rm -f "$FW_JSON"
if [[ ! -s $FW_MAP || ! -s $FW_ELF ]]; then
    echo "firmware: $FW_MAP not found: run \`make firmware\` for the per-component table"
else
    FW_STATUS=ok
    echo "firmware image $FW_ELF (QEMU mps2-an386, Cortex-M4, -Os, --gc-sections):"

    # Measured figures: run the image once under QEMU against the replay server.
    FW_RUN_LOG=$OUT/firmware-run.txt
    : >"$FW_RUN_LOG"
    if [[ ${FW_MEASURE:-1} != 0 ]] && command -v qemu-system-arm >/dev/null 2>&1; then
        if ! python3 tests/qemu/run_qemu_test.py --fw-dir "$FW_BUILD" --case ok --timeout 120 \
                >"$FW_RUN_LOG" 2>&1; then
            warn "the QEMU run failed (log: $FW_RUN_LOG): measured figures left out"
            : >"$FW_RUN_LOG"
        fi
    fi

    # Stack of core + ports: compile the ports like core (call-graph files),
    # against the firmware's lwIP and mbedTLS configuration.
    PORT_OUT=$OUT/ports
    mkdir -p "$PORT_OUT"
    PORT_STACK_JSON=$OUT/stack-ports.json
    rm -f "$PORT_STACK_JSON"
    if FW_SRC=$(scripts/fw_sources.sh 2>/dev/null) && eval "$FW_SRC"; then
        PCFLAGS=(-std=c99 "${TARGET_FLAGS[@]}" -Os -ffunction-sections -fdata-sections
                 -Wall -Wextra -Werror -Icore/include "-I$OUT/jsmn-inc"
                 -fstack-usage -fcallgraph-info=su)
        PORT_OK=1
        "$CC" "${PCFLAGS[@]}" ${EXTRA[@]+"${EXTRA[@]}"} -Iport/lwip -isystem boards/qemu-mps2-an386 \
            -isystem "$LWIP_DIR/src/include" -c port/lwip/drip_lwip_raw.c \
            -o "$PORT_OUT/drip_lwip_raw.o" 2>"$PORT_OUT/lwip.log" || PORT_OK=0
        "$CC" "${PCFLAGS[@]}" ${EXTRA[@]+"${EXTRA[@]}"} -Iport/mbedtls -isystem boards/common \
            -isystem "$MBEDTLS_DIR/include" '-DMBEDTLS_CONFIG_FILE="fw_mbedtls_config.h"' \
            -c port/mbedtls/drip_tls.c -o "$PORT_OUT/drip_tls.o" 2>"$PORT_OUT/tls.log" || PORT_OK=0
        if ((PORT_OK)); then
            "$NM" -g --defined-only "${OBJS[@]}" "$PORT_OUT"/*.o 2>/dev/null \
                | awk '$2 == "T" && $3 ~ /^drip_/ { print $3 }' | sort -u >"$PORT_OUT/entries.txt"
            # --elf: the core link above (libc frames). Not the firmware ELF: its
            # mbedTLS call graph has name-level cycles (GCM -> cipher -> AES)
            # that are not recursion, and lwIP/mbedTLS depth is measured instead.
            STACK_ELF=()
            ((LINK_OK)) && STACK_ELF=(--elf "$ELF")
            python3 scripts/stack_usage.py "$OUT" "$PORT_OUT" --objdump "$OBJDUMP" --top 0 --pointers scripts/stack_pointers.txt \
                --entries "$PORT_OUT/entries.txt" ${STACK_ELF[@]+"${STACK_ELF[@]}"} \
                --json "$PORT_STACK_JSON" >"$PORT_OUT/stack.txt" 2>&1 || true
        else
            warn "a port does not compile for the stack figure (logs in $PORT_OUT)"
        fi
    else
        warn "no lwIP/mbedTLS sources (scripts/fw_sources.sh): stack of the ports skipped"
    fi

    python3 - "$FW_MAP" "$FW_RUN_LOG" "$PORT_STACK_JSON" "$FW_JSON" <<'PY'
import json, os, re, sys

map_path, run_log, stack_json, out_json = sys.argv[1:5]
text = open(map_path).read()
body = text.split("Linker script and memory map", 1)[1]

FLASH_SECS = (".text", ".ARM.extab", ".ARM.exidx")
# Static objects of the app that belong to another row (main.c names them).
CLIENT = {"g_client", "g_tx", "g_rx", "g_ev", "g_tok", "g_calls"}
CONN = {"g_tls", "g_tcp", "g_ring"}
ARENA = {"g_arena"}

def component(path, sec):
    f = os.path.basename(path)
    # The display gadget (boards/qemu-mps2-an386/fw_display.c): the text
    # layer it links from core, and its renderer, font and RAM panel.
    if f.startswith("libfw_dripfeed_core.a(drip_text.") or f.startswith("libfw_dripfeed_core.a(drip_md."):
        return "text layer"
    if f.startswith("libfw_display.a") or f.startswith("fw_display.c"): return "display"
    if f.startswith("libfw_dripfeed_core.a"): return "core"
    if f.startswith("libfw_port_lwip_raw.a"): return "port/lwip raw"
    if f.startswith("libfw_port_mbedtls.a"): return "port/mbedtls"
    if f.startswith("libfw_lwip.a"): return "lwIP"
    if f.startswith("libfw_mbedtls.a"): return "mbedTLS"
    if "libgcc" in f or "libc_nano" in f or "libc.a" in f or "libnosys" in f: return "libc + libgcc"
    name = sec.rsplit(".", 1)[-1]
    if sec.startswith((".bss.", ".data.")):
        if name in CLIENT: return "client"
        if name in CONN: return "connection"
        if name in ARENA: return "arena"
    return "app + board"

flash, ram, syms = {}, {}, {}
items = []          # (output section, address, size, component, name)
ends = {}           # output section -> end address
out_sec, pending = None, None
head_re = re.compile(r"^(\.\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)")
line_re = re.compile(r"^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(.+)$")
cont_re = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(.+)$")
fill_re = re.compile(r"^ \*fill\*\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)")
stack_size = 0
for line in body.splitlines():
    if re.match(r"^\.\S+", line):
        out_sec = line.split()[0]
        pending = None
        m = head_re.match(line)
        if m:
            ends[out_sec] = int(m.group(2), 16) + int(m.group(3), 16)
            if out_sec == ".stack":
                stack_size = int(m.group(3), 16)
        continue
    if out_sec not in FLASH_SECS + (".data", ".bss"):
        continue
    m = fill_re.match(line)
    if m:
        items.append((out_sec, int(m.group(1), 16), int(m.group(2), 16), "app + board", ""))
        continue
    m = line_re.match(line)
    if m and not m.group(1).startswith("*"):
        sec, addr, size, path = m.group(1), int(m.group(2), 16), int(m.group(3), 16), m.group(4)
    elif re.match(r"^ (\.\S+)\s*$", line):
        pending = line.split()[0]
        continue
    else:
        m2 = cont_re.match(line)
        if not (m2 and pending):
            continue
        sec, addr, size, path = pending, int(m2.group(1), 16), int(m2.group(2), 16), m2.group(3)
        pending = None
    if path.startswith("load address") or size == 0:
        continue
    items.append((out_sec, addr, size, component(path, sec), sec.rsplit(".", 1)[-1]))

# Merged string sections (.str1.1) are listed with their size before merging:
# count each item only up to where the next one starts.
items.sort(key=lambda t: (t[0], t[1]))
for i, (osec, addr, size, comp, name) in enumerate(items):
    nxt = items[i + 1][1] if i + 1 < len(items) and items[i + 1][0] == osec else ends.get(osec, addr + size)
    size = max(0, min(size, nxt - addr))
    if name:
        syms[name] = size
    if osec in FLASH_SECS or osec == ".data":
        flash[comp] = flash.get(comp, 0) + size
    if osec in (".data", ".bss"):
        ram[comp] = ram.get(comp, 0) + size

run = open(run_log).read() if os.path.exists(run_log) else ""
def grab(pattern, cast=int):
    m = re.search(pattern, run)
    return cast(m.group(1)) if m else None
meas = {
    "arena_peak_handshake": grab(r"peak handshake (\d+) B"),
    "arena_blocks_handshake": grab(r"peak handshake \d+ B in (\d+) blocks"),
    "arena_peak_stream": grab(r"peak stream (\d+) B"),
    "arena_in_use_after_free": grab(r"in use after free (\d+) B"),
    "lwip_heap_peak": grab(r"lwip heap \d+ B peak (\d+) B"),
    "pbuf_pool_peak": grab(r"pbuf pool \d+ x \d+ B peak (\d+)"),
    "stack_high_water": grab(r"high-water (\d+) B"),
    "client_struct": grab(r"drip_client_t (\d+)"),
    "state": grab(r"result: state=(\w+)", str),
}

rows = [
    ("core", "dripfeed core/ (what the image links)"),
    ("port/lwip raw", "port/lwip/drip_lwip_raw.c"),
    ("port/mbedtls", "port/mbedtls/drip_tls.c"),
    ("lwIP", "lwIP 2.1.3 NO_SYS: pools, MEM_SIZE heap, PCBs"),
    ("mbedTLS", "mbedTLS 2.28.3 code + static data"),
    ("arena", "mbedTLS heap: static arena (FW_MBEDTLS_ARENA)"),
    ("connection", "drip_tls_t + drip_lwip_raw_t + receive ring"),
    ("client", "drip_client_t + tx/rx/event/token/call buffers"),
    ("text layer", "core drip_text.c + drip_md.c (linked for the display)"),
    ("display", "examples/display renderer, 6x12 font, 128x64 RAM panel"),
    ("app + board", "main, LAN9118, startup, console, test CA"),
    ("libc + libgcc", "newlib-nano (string, gmtime_r), libgcc"),
]
print(f"  {'component':<15} {'flash':>8} {'RAM':>8}  what")
tf = tr = 0
for key, what in rows:
    f, r = flash.get(key, 0), ram.get(key, 0)
    tf += f
    tr += r
    print(f"  {key:<15} {f:>8} {r:>8}  {what}")
print(f"  {'main stack':<15} {0:>8} {stack_size:>8}  linker .stack (FW_STACK_SIZE)")
tr += stack_size
print(f"  {'total':<15} {tf:>8} {tr:>8}  (bytes; RAM cap of the linker script: 262144)")

client = ram.get("client", 0)
print()
print(f"  client RAM for a Responses stream of any length: {client} B "
      f"(drip_client_t {syms.get('g_client', meas['client_struct'] or '?')} B + the image's buffers; "
      "nothing grows with the answer)")
if meas["state"]:
    ah, ab, ast = meas["arena_peak_handshake"], meas["arena_blocks_handshake"], meas["arena_peak_stream"]
    print(f"  measured under QEMU ({meas['state']}): mbedTLS arena peak {ah} B requested in {ab} blocks "
          f"during the handshake, {ast} B while streaming, {meas['arena_in_use_after_free']} B left "
          f"after drip_tls_free; lwIP heap peak {meas['lwip_heap_peak']} B, pbuf pool peak "
          f"{meas['pbuf_pool_peak']}; stack high-water {meas['stack_high_water']} of {stack_size} B")
else:
    print("  measured figures: not available (QEMU run skipped or failed)")

port_stack = None
if stack_json and os.path.exists(stack_json):
    try:
        w = json.load(open(stack_json)).get("worst")
        if w:
            port_stack = {"stack": w.get("stack"), "path": w.get("path")}
            ports = [e for e in json.load(open(stack_json)).get("entries", [])
                     if e.get("name", "").startswith(("drip_tls_", "drip_lwip_raw_"))]
            if ports:
                pw = max(ports, key=lambda e: e.get("stack", 0))
                port_stack["ports_worst"] = {"stack": pw.get("stack"), "path": pw.get("path")}
    except (ValueError, OSError):
        pass
if port_stack:
    path = port_stack["path"]
    if isinstance(path, list):
        path = " -> ".join(str(p) for p in path)
    print(f"  worst-case stack of core + ports (static call graph; lwIP and mbedTLS "
          f"callees not included): {port_stack['stack']} B")
    print(f"    {path}")
    pw = port_stack.get("ports_worst")
    if pw:
        ppath = pw["path"]
        if isinstance(ppath, list):
            ppath = " -> ".join(str(p) for p in ppath)
        print(f"    ports' public functions alone: {pw['stack']} B ({ppath})")
    print("  (transport calls go through function pointers, and lwIP/mbedTLS are not in the static")
    print("   graph: the measured high-water above is the whole image's figure, TLS handshake included)")
else:
    print("  worst-case stack of core + ports: not available")

json.dump({"flash": flash, "ram": ram, "stack_size": stack_size, "flash_total": tf,
           "ram_total": tr, "client_ram": client, "measured": meas,
           "ports_stack": port_stack}, open(out_json, "w"), indent=1)
PY
    echo
fi

FW_CORE_FLASH="" FW_CLIENT_RAM="" FW_RAM_TOTAL=""
if [[ -s $FW_JSON ]]; then
    read -r FW_CORE_FLASH FW_CLIENT_RAM FW_RAM_TOTAL < <(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(d["flash"].get("core", 0), d["client_ram"], d["ram_total"])' "$FW_JSON")
fi

# --------------------------------------------------------------------------
# 5. Targets

verdict() { if (($1 <= $2)); then echo PASS; else echo OVER; fi; }

if ((LINK_OK)); then
    T_VAL=$L_NET
    T_WHAT="after gc, incl. libgcc/libc helpers; dripfeed's own $L_OURS B"
    # what input sections put in RAM: the default linker script's alignment
    # fill (its empty .persistent after an odd-sized .rodata) holds nothing
    R_VAL=$L_RAM
    R_WHAT="linked input sections; objects: $((SUM_DATA + SUM_BSS)) B"
    if ((L_RAM_FILL)); then
        R_WHAT="$R_WHAT; arm-none-eabi-size's $L_RAM_TOTAL B include $L_RAM_FILL B of linker-script alignment fill"
    fi
else
    T_VAL=$SUM_TEXT
    T_WHAT="sum of objects, no link"
    R_VAL=$((SUM_DATA + SUM_BSS))
    R_WHAT="sum of objects"
fi
echo "targets: .text <= $TARGET_TEXT B (with jsmn), .data+.bss = $TARGET_RAM, stack <= $TARGET_STACK B, drip_client_t <= $TARGET_CLIENT_STRUCT B"
T_V=$(verdict "$T_VAL" "$TARGET_TEXT")
R_V=$(verdict "$R_VAL" "$TARGET_RAM")
printf '  .text      %6d B  %s  (%s)\n' "$T_VAL" "$T_V" "$T_WHAT"
printf '  .data+.bss %6d B  %s  (%s)\n' "$R_VAL" "$R_V" "$R_WHAT"
if [[ -n $STACK_WORST ]]; then
    S_V=$(verdict "$STACK_WORST" "$TARGET_STACK")
    printf '  stack      %6d B  %s  (deepest path; excludes user callbacks and interrupts)\n' \
        "$STACK_WORST" "$S_V"
else
    S_V=OVER
    if ((STACK_RC == 1)); then
        echo "  stack      unbounded  OVER  (recursion, see above)"
    else
        echo "  stack      unknown  OVER  (stack analysis failed, see above)"
    fi
fi
C_V=OVER
if [[ -n ${STRUCT[drip_client_t]:-} ]]; then
    C_V=$(verdict "${STRUCT[drip_client_t]}" "$TARGET_CLIENT_STRUCT")
    printf '  client     %6d B  %s  (sizeof(drip_client_t); buffers are the caller'"'"'s)\n' \
        "${STRUCT[drip_client_t]}" "$C_V"
fi
if ((${#FAILED[@]})); then
    echo "  (incomplete: ${#FAILED[@]} file(s) skipped)"
fi
if [[ -n $FW_CORE_FLASH ]]; then
    echo "firmware targets: core <= $TARGET_TEXT B flash, client RAM <= $TARGET_CLIENT_RAM B, whole image with TLS <= $TARGET_FW_RAM B RAM"
    printf '  core flash %6d B  %s  (linked into the QEMU image: only what it uses)\n' \
        "$FW_CORE_FLASH" "$(verdict "$FW_CORE_FLASH" "$TARGET_TEXT")"
    printf '  client RAM %6d B  %s  (struct + buffers, any answer length)\n' \
        "$FW_CLIENT_RAM" "$(verdict "$FW_CLIENT_RAM" "$TARGET_CLIENT_RAM")"
    printf '  image RAM  %6d B  %s  (.data + .bss + stack: lwIP, mbedTLS arena, everything)\n' \
        "$FW_RAM_TOTAL" "$(verdict "$FW_RAM_TOTAL" "$TARGET_FW_RAM")"
fi

# --------------------------------------------------------------------------
# JSON

json_str() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\t'/\\t}
    s=${s//$'\n'/\\n}
    printf '"%s"' "$s"
}
json_list() {   # json_list a b c -> ["a", "b", "c"]
    local first=1 x
    printf '['
    for x in "$@"; do
        ((first)) || printf ', '
        first=0
        json_str "$x"
    done
    printf ']'
}

if [[ -n $JSON_OUT ]]; then
    {
        printf '{\n'
        printf '  "toolchain": %s,\n' "$(json_str "$TOOLCHAIN")"
        printf '  "cflags": %s,\n' "$(json_str "${CFLAGS[*]}${SIZE_CFLAGS:+ $SIZE_CFLAGS}")"
        printf '  "files": [\n'
        for i in "${!OBJS[@]}"; do
            o=${OBJS[$i]}
            jsmn=false
            grep -q 'JSMN_STATIC' "${OK_SRCS[$i]}" 2>/dev/null && jsmn=true
            lt=null
            ((LINK_OK)) && lt=${LTEXT[$o]:-0}
            printf '    {"source": %s, "object": %s, "text": %d, "data": %d, "bss": %d, "total": %d, "linked_text": %s, "includes_jsmn": %s}' \
                "$(json_str "${OK_SRCS[$i]}")" "$(json_str "$(basename "$o")")" \
                "${TEXT[$o]}" "${DATA[$o]}" "${BSS[$o]}" $((TEXT[$o] + DATA[$o] + BSS[$o])) "$lt" "$jsmn"
            ((i + 1 < ${#OBJS[@]})) && printf ','
            printf '\n'
        done
        printf '  ],\n'
        printf '  "skipped": %s,\n' "$(json_list ${FAILED[@]+"${FAILED[@]}"})"
        printf '  "totals": {"text": %d, "data": %d, "bss": %d, "total": %d},\n' \
            "$SUM_TEXT" "$SUM_DATA" "$SUM_BSS" $((SUM_TEXT + SUM_DATA + SUM_BSS))
        if ((LINK_OK)); then
            # shellcheck disable=SC2086
            printf '  "linked": {"roots": %d, "text": %d, "stub_text": %d, "text_minus_stub": %d, "dripfeed_text": %d, "libgcc_text": %d, "libc_text": %d, "other_text": %d, "data": %d, "bss": %d, "libgcc_symbols": %s, "libc_symbols": %s, "undefined": %s},\n' \
                "$NROOTS" "$L_TEXT" "$L_STUB" "$L_NET" "$L_OURS" "$L_LIBGCC" "$L_LIBC" "$L_OTHER" \
                "$L_DATA" "$L_BSS" "$(json_list $LIBGCC_SYMS)" "$(json_list $LIBC_SYMS)" \
                "$(json_list ${LINK_UNRESOLVED[@]+"${LINK_UNRESOLVED[@]}"})"
        else
            printf '  "linked": null,\n'
        fi
        printf '  "structs": {'
        first=1
        for t in "${STRUCT_NAMES[@]}"; do
            [[ -n ${STRUCT[$t]:-} ]] || continue
            ((first)) || printf ', '
            first=0
            printf '"%s": %d' "$t" "${STRUCT[$t]}"
        done
        printf '},\n'
        if [[ -s $STACK_JSON ]]; then
            printf '  "stack": '
            sed '2,$s/^/  /' "$STACK_JSON" | sed '$s/$/,/'
        else
            printf '  "stack": null,\n'
        fi
        if [[ -s $FW_JSON ]]; then
            printf '  "firmware": '
            tr -d '\n' <"$FW_JSON"
            printf ',\n'
        else
            printf '  "firmware": null,\n'
        fi
        printf '  "targets": {\n'
        printf '    "text": {"limit": %d, "value": %d, "result": "%s"},\n' "$TARGET_TEXT" "$T_VAL" "$T_V"
        printf '    "data_bss": {"limit": %d, "value": %d, "result": "%s"},\n' "$TARGET_RAM" "$R_VAL" "$R_V"
        printf '    "stack": {"limit": %d, "value": %s, "result": "%s"},\n' "$TARGET_STACK" \
            "${STACK_WORST:-null}" "$S_V"
        printf '    "client_struct": {"limit": %d, "value": %s, "result": "%s"}\n' \
            "$TARGET_CLIENT_STRUCT" "${STRUCT[drip_client_t]:-null}" "$C_V"
        printf '  }\n'
        printf '}\n'
    } >"$JSON_OUT.tmp"
    mv "$JSON_OUT.tmp" "$JSON_OUT"
    echo "size.sh: wrote $JSON_OUT"
fi

if ((STACK_RC == 1)); then
    echo "size.sh: the call graph has recursion: worst-case stack is unbounded" >&2
    exit 1
elif ((STACK_RC != 0)); then
    warn "stack analysis failed (exit $STACK_RC)"
fi
exit 0
