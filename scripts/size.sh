#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# scripts/size.sh - the `make size` step: flash, RAM and worst-case stack of
# dripfeed's portable core (core/src/*.c) built for a Cortex-M4.
#
#   scripts/size.sh [--json FILE]
#
#   SIZE_CFLAGS   extra compiler flags (word-split), e.g.
#                 SIZE_CFLAGS='-DDRIP_NO_ERR_STR=1' scripts/size.sh
#                 They are passed to the link as well (so -mfloat-abi=... picks
#                 the matching newlib/libgcc).
#   --json FILE   also write the figures as JSON (for the docs).
#
# Output goes to build/size/ (objects, .su/.ci, link map). Installs its Debian
# packages (gcc-arm-none-eabi, libnewlib-arm-none-eabi, libjsmn-dev) when
# missing. The targets line is informational: the exit status is 0 unless no
# file compiles (1), or the call graph has recursion (1: the stack cannot be
# bounded), or the arguments are wrong (2). A file that fails to compile is
# reported and skipped.
set -euo pipefail

usage() { sed -n '4,20p' "$0" | sed 's/^# \{0,1\}//'; }

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

OUT=build/size
LINKDIR=$OUT/link
JSMN_H=/usr/include/jsmn.h
CC=arm-none-eabi-gcc
SIZE=arm-none-eabi-size
NM=arm-none-eabi-nm
OBJDUMP=arm-none-eabi-objdump
READELF=arm-none-eabi-readelf

TARGET_TEXT=6144
TARGET_RAM=0
TARGET_STACK=512

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
L_TEXT=0 L_DATA=0 L_BSS=0 L_STUB=0 L_OURS=0 L_LIBGCC=0 L_LIBC=0 L_OTHER=0 L_RAM=0
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
        /^ \*fill\*/ { if (cur in T) n["other text"] += hex($3); else if (cur in R) n["other ram"] += hex($3); next }
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

# --------------------------------------------------------------------------
# 4. Worst-case stack

STACK_JSON=$OUT/stack.json
STACK_ARGS=("$OUT" --objdump "$OBJDUMP" --top 10 --json "$STACK_JSON")
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
# 5. Targets

verdict() { if (($1 <= $2)); then echo PASS; else echo OVER; fi; }

if ((LINK_OK)); then
    T_VAL=$L_NET
    T_WHAT="after gc, incl. libgcc/libc helpers; dripfeed's own $L_OURS B"
    R_VAL=$L_RAM_TOTAL
    R_WHAT="linked; objects: $((SUM_DATA + SUM_BSS)) B"
else
    T_VAL=$SUM_TEXT
    T_WHAT="sum of objects, no link"
    R_VAL=$((SUM_DATA + SUM_BSS))
    R_WHAT="sum of objects"
fi
echo "targets: .text <= $TARGET_TEXT B (with jsmn), .data+.bss = $TARGET_RAM, stack <= $TARGET_STACK B"
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
if ((${#FAILED[@]})); then
    echo "  (incomplete: ${#FAILED[@]} file(s) skipped)"
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
        if [[ -s $STACK_JSON ]]; then
            printf '  "stack": '
            sed '2,$s/^/  /' "$STACK_JSON" | sed '$s/$/,/'
        else
            printf '  "stack": null,\n'
        fi
        printf '  "targets": {\n'
        printf '    "text": {"limit": %d, "value": %d, "result": "%s"},\n' "$TARGET_TEXT" "$T_VAL" "$T_V"
        printf '    "data_bss": {"limit": %d, "value": %d, "result": "%s"},\n' "$TARGET_RAM" "$R_VAL" "$R_V"
        printf '    "stack": {"limit": %d, "value": %s, "result": "%s"}\n' "$TARGET_STACK" \
            "${STACK_WORST:-null}" "$S_V"
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
