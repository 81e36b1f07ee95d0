#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Convert vercel/ai Responses-stream fixtures (*.chunks.txt) to SSE transcripts.

Each ``.chunks.txt`` file holds one JSON object per line: a Responses API
stream event as recorded by the vercel/ai test suite.  OpenAI sends these on
the wire as Server-Sent Events, one event per object::

    event: <the object's "type">
    data: <the line, byte for byte>
    <blank line>

For every ``NAME.chunks.txt`` given (default: all of them next to this
script) this writes ``NAME.sse`` beside it.  Lines are copied exactly: the
JSON is parsed only to read ``type``, never re-serialised.  Blank lines are
skipped; a missing final newline in the source does not matter.  Output is
UTF-8 with LF line endings.

Usage: python3 to_sse.py [FILE.chunks.txt ...]
"""

import json
import pathlib
import sys

SUFFIX = ".chunks.txt"


def convert(src: pathlib.Path) -> pathlib.Path:
    if not src.name.endswith(SUFFIX):
        raise SystemExit(f"{src}: name does not end in {SUFFIX}")
    dst = src.with_name(src.name[: -len(SUFFIX)] + ".sse")
    text = src.read_bytes().decode("utf-8")
    out = []
    for lineno, line in enumerate(text.split("\n"), 1):
        if line.endswith("\r"):
            raise SystemExit(f"{src}:{lineno}: CR in line, refusing")
        if not line.strip():
            continue
        event_type = json.loads(line)["type"]
        if not isinstance(event_type, str) or "\n" in event_type:
            raise SystemExit(f"{src}:{lineno}: bad type {event_type!r}")
        out.append(f"event: {event_type}\ndata: {line}\n\n")
    dst.write_bytes("".join(out).encode("utf-8"))
    return dst


def main(argv):
    here = pathlib.Path(__file__).resolve().parent
    files = [pathlib.Path(a) for a in argv] or sorted(here.glob("*" + SUFFIX))
    for src in files:
        dst = convert(src)
        print(f"{src.name} -> {dst.name}")


if __name__ == "__main__":
    main(sys.argv[1:])
