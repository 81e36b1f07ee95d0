#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""docs/evidence.md (the test evidence) carries the fault matrix of
tests/fault_matrix.md (both tables: TLS test server and lwIP path). One source,
one copy: this checks the copy (exit 1 when it differs) or, with --write,
refreshes it between its two marker comments."""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN = "<!-- fault-matrix:begin (scripts/fault_matrix_sync.py --write) -->"
END = "<!-- fault-matrix:end -->"


def tables(text):
    """Every markdown table of the file, with the heading above it."""
    out, heading, block = [], "", []
    for line in text.splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        if line.startswith("|"):
            block.append(line)
            continue
        if block:
            out.append((heading, block))
            block = []
    if block:
        out.append((heading, block))
    return out


def render():
    parts = []
    for heading, block in tables((ROOT / "tests/fault_matrix.md").read_text()):
        title = "TLS test server, POSIX sockets" if heading == "Fault matrix" else heading
        parts.append(f"**{title}** (from `tests/fault_matrix.md`):\n\n" + "\n".join(block))
    return BEGIN + "\n" + "\n\n".join(parts) + "\n" + END


def main():
    readme = ROOT / "docs" / "evidence.md"
    text = readme.read_text()
    m = re.search(re.escape(BEGIN) + r".*?" + re.escape(END), text, re.S)
    if m is None:
        print("docs/evidence.md has no fault-matrix markers", file=sys.stderr)
        return 1
    want = render()
    if m.group(0) == want:
        print("docs/evidence.md fault matrix matches tests/fault_matrix.md")
        return 0
    if "--write" in sys.argv:
        readme.write_text(text[:m.start()] + want + text[m.end():])
        print("docs/evidence.md fault matrix refreshed")
        return 0
    print("docs/evidence.md fault matrix differs from tests/fault_matrix.md: "
          "run scripts/fault_matrix_sync.py --write", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
