#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Seed corpora for the fuzz targets from the captures and transcripts.

    seed.py OUT CAPTURES TRANSCRIPTS

Writes OUT/<target>/seed-* files in each target's input format (control
bytes first, see the comment atop each fuzz_*.c). Besides whole captures it
cuts short answers (a small head, a few events, then close, chunked or
Content-Length framing) so the seeds fit the fuzzers' length limit.
"""
import hashlib
import json
import pathlib
import re
import sys

SHORT_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"


def events_of(sse: bytes):
    """Raw event blocks (with their field lines) of an event stream."""
    text = sse.replace(b"\r\n", b"\n")
    return [b + b"\n\n" for b in text.split(b"\n\n") if b.strip()]


def data_of(block: bytes) -> bytes:
    lines = [l[5:].lstrip(b" ") if l.startswith(b"data:") else None for l in block.split(b"\n")]
    return b"\n".join(l for l in lines if l is not None)


def chunked(body: bytes, size: int) -> bytes:
    out = b""
    for i in range(0, len(body), size):
        piece = body[i:i + size]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
    return out + b"0\r\n\r\n"


def framed(body: bytes, how: int) -> bytes:
    if how == 0:
        return SHORT_HEAD + b"\r\n" + body
    if how == 1:
        return SHORT_HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + chunked(body, 97)
    return SHORT_HEAD + b"Content-Length: %d\r\n\r\n" % len(body) + body


def main() -> int:
    out, captures, transcripts = (pathlib.Path(a) for a in sys.argv[1:4])
    seeds = {t: [] for t in ("http", "sse", "event", "scan", "unescape", "request", "pipeline", "text",
                             "phrase", "b64")}

    caps = sorted(captures.glob("*.http")) if captures.is_dir() else []
    sses = sorted(transcripts.glob("*.sse")) if transcripts.is_dir() else []

    for i, c in enumerate(caps):
        raw = c.read_bytes()
        seeds["http"].append(bytes([i & 3, 7 + i]) + raw)
        chat = c.name.startswith("chat")
        seeds["pipeline"].append(bytes([int(chat) | 0x0C, 1, 30 + i, 0x7F, 0]) + raw)

    # speech (config bits 4..5 = 2: DRIP_API_SPEECH), buffers 64 and 512
    speech = sorted((captures / "speech").glob("*.http")) if captures.is_dir() else []
    for i, c in enumerate(speech):
        raw = c.read_bytes()[:12000]
        seeds["pipeline"].append(bytes([0x20 | ((i & 1) * 10), 1, 20 + i, 0x3F, 0]) + raw)

    for i, s in enumerate(sses):
        raw = s.read_bytes()
        chat = s.name.startswith("chat")
        blocks = events_of(raw)
        seeds["sse"].append(bytes([63, i & 3, 5 + i]) + raw[:4000])
        # short answers: windows of three events, then the last three
        windows = [blocks[j:j + 3] for j in range(0, min(len(blocks), 12), 3)] + [blocks[-3:]]
        for j, w in enumerate(windows):
            body = b"".join(w)
            if chat and j == len(windows) - 1 and b"[DONE]" not in body:
                body += b"data: [DONE]\n\n"
            cfg = int(chat) | (((i + j) % 8) << 1)
            seeds["pipeline"].append(bytes([cfg, (i + j) & 3, 11 + j, 0x3F, 0]) + framed(body, j % 3))
            seeds["sse"].append(bytes([(i * 7 + j) & 63, j & 3, 3 + j]) + body)
        for j, b in enumerate(blocks[:40]):
            d = data_of(b)
            if len(d) > 3000 or d == b"[DONE]":
                continue
            seeds["event"].append(bytes([j * 3 & 0xFF, j & 0xFF, 9]) + d)
            seeds["scan"].append(bytes([j & 3, 5 + j]) + d)
            for m in re.finditer(rb'"((?:[^"\\]|\\.){8,})"', d):
                seeds["unescape"].append(m.group(1))
            try:
                obj = json.loads(d)
            except ValueError:
                continue
            text = None
            for key in ("delta", "text"):
                if isinstance(obj.get(key), str):
                    text = obj[key]
            if text:
                # fuzz_text: [cfg][geom][split x2] + an answer delta
                seeds["text"].append(bytes([j & 15, (j * 37) & 0xFF, j & 0xFF, 3 + j]) + text.encode())
                # fuzz_phrase: [cfg][min][max][split x2] + an answer delta
                seeds["phrase"].append(bytes([j & 31, 20, (j * 29) & 0xFF, j & 0xFF, 5 + j])
                                       + text.encode())
                fields = [b"gpt-5.2", text.encode(), b"Answer briefly.", b"resp_1", b"user",
                          "h\u00e9 \U0001F600 \x01".encode(), b"get_weather", b"desc",
                          b"call_1", b"{}", b"auto"]
                seeds["request"].append(bytes([j & 0xFF, 0xFF, j & 0xFF]) + b"\0".join(fields))

    seeds["request"].append(bytes([5, 0x13, 0x21]) + b"api.example.com\0/v1\0/responses\0"
                            b"Authorization\0Bearer x\0ua/1\0X-A: 1\r\nX-B: 2\r\n")
    seeds["request"].append(bytes([1, 0, 0]) + b"m\xff\xc3\0in\xe2\x82\0\xed\xa0\x80\xf4\x90")
    seeds["scan"].append(b"\0\0" + b'{"a":[{"b":"x\\u00e9"}],"d":12,"type":"t"}')
    seeds["scan"].append(b"\1\3" + b'[[[[1,2]]],"abcdefghijklmnopqrstuvwxyz01",{"c":{"c":true}}]')
    seeds["pipeline"].append(bytes([0x3C, 2, 9, 0x3F, 0]) + b"HTTP/1.1 200 OK\r\nContent-Type: "
                             b"application/json\r\nContent-Length: 35\r\n\r\n"
                             b'{"id":"resp_1","status":"cancelled"}')
    seeds["pipeline"].append(bytes([0x0C, 0, 9, 0x3F, 0]) + b"HTTP/1.1 429 Too Many Requests\r\n"
                             b"Content-Type: application/json\r\nRetry-After: 2\r\n\r\n"
                             b'{"error":{"message":"Rate limit","type":"requests","code":null}}')

    # Headers no capture carries, so the fuzzer starts from them instead of
    # having to build a 29-byte IMF-fixdate by mutation.
    for i, (name, value) in enumerate([(b"Retry-After", b"Wed, 21 Oct 2015 07:28:00 GMT"),
                                       (b"Retry-After", b"Sun, 06 Nov 1994 08:49:37 gmt"),
                                       (b"x-should-retry", b"true"),
                                       (b"x-should-retry", b"false"),
                                       (b"retry-after-ms", b"1500")]):
        seeds["http"].append(bytes([i & 3, 9 + i]) + b"HTTP/1.1 503 Slow Down\r\n" + name + b": "
                             + value + b"\r\nContent-Length: 2\r\n\r\n{}")

    # fuzz_text: Markdown and scripts the answers above lack
    md = ("# Title\n\n**Bold**, _em_, `code *x*`, [a link](https://x.y/a_(b)) and \\*escapes\\*.\n"
          "- bullet one\n* bullet two\n> quoted - well-known-words\n---\n"
          "```py\nx = 1  # code\n```\n1. \u4e16\u754c\u4f60\u597d \U0001F469\u200d\U0001F4BB "
          "\u2764\ufe0f \U0001F1FA\U0001F1F8 cafe\u0301 \u201cq\u201d \u2026\n\tTab\x01 end\n")
    for i, cfg in enumerate((0, 1, 4, 5, 2, 8)):
        seeds["text"].append(bytes([cfg, (i * 53 + 9) & 0xFF, i, 7 + i]) + md.encode())

    # fuzz_phrase: the rules of text.md 3 in one text, raw (cfg bit 0) and
    # through the Markdown filter, several min/max
    ph = ("Mr. Smith met Dr. Jones at 3.14 p.m. in the U.S. today! Really?! \"Yes.\" (Sure.) "
          "See https://example.com/a_(b)., or http://x.y; then e.g. this\u2026 "
          "\u4f60\u597d\u3002\u518d\u89c1\uff01 First, a clause: more text here\n"
          "averyveryverylongwordwithoutanyspaceinsideitatall and \xa0nbsp\n"
          "```c\nint x = 1;\n```\n- **bold** _em_ `code` [link](https://z.z)\n")
    for i, (cfg, mn, mx) in enumerate(((1, 20, 196), (0, 20, 196), (1, 0, 0), (0, 5, 12),
                                      (3, 60, 40), (0x1C, 0, 28))):
        seeds["phrase"].append(bytes([cfg, mn, mx, i, 7 + i]) + ph.encode())

    # fuzz_b64: [cfg][split x2] + base64 strings joined by ',' (the audio of
    # the speech captures' delta events, and the padding cases)
    audio = []
    for c in speech:
        audio += re.findall(rb'"audio"\s*:\s*"([^"]*)"', c.read_bytes())
    for i in range(0, min(len(audio), 8)):
        seeds["b64"].append(bytes([i & 1, i, 3 + i]) + b",".join(audio[i:i + 3])[:1000])
    for i, t in enumerate((b"SGVsbG8=,d29y,bGQ", b"QQ==,QUI=,QUJD", b"QQ,=,=", b"QUJDRA,Q,Q", b"Q,QU=",
                           b"QUJD=", b"QQ=A")):
        seeds["b64"].append(bytes([i & 1, i * 5, 1 + i]) + t)

    for t, items in seeds.items():
        d = out / t
        d.mkdir(parents=True, exist_ok=True)
        for s in items:
            (d / ("seed-" + hashlib.sha1(s).hexdigest()[:16])).write_bytes(s)
    print("seeds: " + ", ".join("%s %d" % (t, len(v)) for t, v in seeds.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
