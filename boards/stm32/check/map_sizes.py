#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Flash and RAM per component from a GNU ld map file (check.sh's link).

    map_sizes.py stream_uart.map

Also checks the cross-reference table (link with -Wl,--cref): any C library
allocator symbol referenced from outside the C library is an error (exit 1).

Flash = .isr_vector + .text + .rodata + .ARM.exidx + .data (its load image);
RAM = .data + .bss (the reserved ._stack is reported on its own line).
Components: the archive or object each input section came from.
"""
import re
import sys
from collections import defaultdict

FLASH_SECTIONS = {".isr_vector", ".text", ".rodata", ".ARM.exidx", ".data"}
RAM_SECTIONS = {".data", ".bss"}

DRIP_PORTS = {"drip_tls.o": "port/mbedtls", "drip_lwip_raw.o": "port/lwip (raw)"}
APP = {"main.o": "example main.c", "entropy_hw.o": "board entropy_hw.c",
       "board_stub.o": "board stub (check only)"}


def component(origin):
    m = re.search(r"([^/]+)\.a\(([^)]+)\)$", origin)
    if m:
        lib, obj = m.group(1), m.group(2)
        if lib == "libdrip":
            return DRIP_PORTS.get(obj, "dripfeed core")
        if lib == "libmbedtls":
            return "Mbed TLS 2.28"
        if lib == "liblwip":
            return "lwIP 2.1.3"
        return "libc/libgcc (" + lib + ")"
    base = origin.rsplit("/", 1)[-1]
    return APP.get(base, base)


ALLOCATORS = {"malloc", "calloc", "realloc", "free", "_malloc_r", "_calloc_r",
              "_realloc_r", "_free_r", "_sbrk"}
LIBC = re.compile(r"lib(c_nano|g_nano|c|g|nosys|gcc)\.a\(")


def alloc_refs(path):
    """Who refers to an allocator. Returns {symbol: [non-libc referrers]}."""
    bad = {}
    in_cref = False
    sym = None
    first = False
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("Cross Reference Table"):
            in_cref = True
            continue
        if not in_cref or not line.strip() or line.startswith("Symbol"):
            continue
        if not line.startswith(" "):
            parts = line.split()
            sym, first = parts[0], True
            where = parts[1] if len(parts) > 1 else ""
        else:
            where, first = line.strip(), False
        if sym in ALLOCATORS and where and not first and not LIBC.search(where):
            bad.setdefault(sym, []).append(where)
    return bad


def main():
    out_sec = None
    pending = None
    flash = defaultdict(int)
    ram = defaultdict(int)
    stack = 0
    in_map = False
    for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("Linker script and memory map"):
            in_map = True
            continue
        if not in_map:
            continue
        m = re.match(r"^(\.[\w.]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)", line)
        if m and not line.startswith(" "):
            out_sec = m.group(1)
            if out_sec == "._stack":
                stack = int(m.group(2), 16)
            continue
        if re.match(r"^\.[\w.]+$", line):   # output section name alone on its line
            out_sec = line.strip()
            continue
        m = re.match(r"^ (\.[\w.$]+)\s*$", line)
        if m:
            pending = m.group(1)
            continue
        m = re.match(r"^ (\.[\w.$]+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if m and (m.group(1) or pending):
            pending = None
            size = int(m.group(3), 16)
            origin = m.group(4).strip()
            if size == 0 or origin.startswith("*fill*"):
                continue
            comp = component(origin)
            if out_sec in FLASH_SECTIONS:
                flash[comp] += size
            if out_sec in RAM_SECTIONS:
                ram[comp] += size
            continue
        pending = None
    comps = sorted(set(flash) | set(ram), key=lambda c: -(flash[c] + ram[c]))
    print(f"{'component':34} {'flash B':>9} {'RAM B':>9}")
    for c in comps:
        print(f"{c:34} {flash[c]:9} {ram[c]:9}")
    print(f"{'total':34} {sum(flash.values()):9} {sum(ram.values()):9}")
    print(f"{'main stack (reserved, ._stack)':34} {'':9} {stack:9}")
    bad = alloc_refs(sys.argv[1])
    for sym, who in sorted(bad.items()):
        print(f"FAIL: {sym} referenced by {', '.join(who)}")
    if not bad:
        print("allocators (malloc/calloc/realloc/free/_sbrk): referenced only inside the C library")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
