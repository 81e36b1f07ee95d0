# SPDX-License-Identifier: Apache-2.0
"""Minimal PNG and GIF readers for the display tests (no third-party modules).

read_png(path) -> (width, height, channels, rows): 8-bit grey or RGB, no
interlace (what `dripfeed display` writes); rows are bytes objects.
read_gif(path) -> (width, height, palette, frames): frames are dicts with
x, y, w, h, delay (cs), disposal and pixels (palette indexes, row-major).
"""

from __future__ import annotations

import struct
import zlib


def read_png(path: str):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]:
            raise ValueError("PNG chunk CRC mismatch")
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + n
    w, h, depth, ctype, _c, _f, interlace = ihdr
    if depth != 8 or ctype not in (0, 2) or interlace:
        raise ValueError("unsupported PNG layout")
    ch = 1 if ctype == 0 else 3
    raw = zlib.decompress(idat)
    stride = w * ch
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - ch] if i >= ch else 0
            b = prev[i]
            c = prev[i - ch] if i >= ch else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, ch, rows


def _lzw(data: bytes, min_size: int, count: int) -> list[int]:
    clear, end = 1 << min_size, (1 << min_size) + 1
    size = min_size + 1
    table = [[i] for i in range(clear)] + [[], []]
    out: list[int] = []
    bits = nbits = 0
    prev = None
    for byte in data:
        bits |= byte << nbits
        nbits += 8
        while nbits >= size:
            code = bits & ((1 << size) - 1)
            bits >>= size
            nbits -= size
            if code == clear:
                size = min_size + 1
                table = [[i] for i in range(clear)] + [[], []]
                prev = None
                continue
            if code == end:
                return out[:count]
            if prev is None:
                entry = table[code]
            elif code < len(table):
                entry = table[code]
                table.append(prev + [entry[0]])
            else:
                entry = prev + [prev[0]]
                table.append(entry)
            out.extend(entry)
            prev = entry
            if len(table) == (1 << size) and size < 12:
                size += 1
    return out[:count]


def read_gif(path: str):
    d = open(path, "rb").read()
    if d[:6] not in (b"GIF87a", b"GIF89a"):
        raise ValueError("not a GIF")
    w, h, flags, _bg, _aspect = struct.unpack("<HHBBB", d[6:13])
    pos = 13
    palette = []
    if flags & 0x80:
        n = 2 << (flags & 7)
        palette = [tuple(d[pos + 3 * i:pos + 3 * i + 3]) for i in range(n)]
        pos += 3 * n
    frames, gce = [], (0, 0)
    while pos < len(d):
        b = d[pos]
        pos += 1
        if b == 0x3B:
            break
        if b == 0x21:
            label = d[pos]
            pos += 1
            blocks = b""
            while d[pos]:
                blocks += d[pos + 1:pos + 1 + d[pos]]
                pos += 1 + d[pos]
            pos += 1
            if label == 0xF9:
                gce = (struct.unpack("<H", blocks[1:3])[0], (blocks[0] >> 2) & 7)
            continue
        if b != 0x2C:
            raise ValueError("GIF: unexpected block 0x%02x" % b)
        x, y, fw, fh, fl = struct.unpack("<HHHHB", d[pos:pos + 9])
        pos += 9
        if fl & 0x80:
            pos += 3 * (2 << (fl & 7))
        min_size = d[pos]
        pos += 1
        data = b""
        while d[pos]:
            data += d[pos + 1:pos + 1 + d[pos]]
            pos += 1 + d[pos]
        pos += 1
        frames.append({"x": x, "y": y, "w": fw, "h": fh, "delay": gce[0], "disposal": gce[1],
                       "pixels": _lzw(data, min_size, fw * fh)})
        gce = (0, 0)
    return w, h, palette, frames
