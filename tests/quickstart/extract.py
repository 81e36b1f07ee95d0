#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the README's quick start (the C block after `<!-- quickstart -->`) to a file.

    extract.py README.md OUT.c

The build compiles OUT.c and CTest `quickstart` runs it, so the program a reader
copies from the README is the one that is tested."""
import sys

MARK = "<!-- quickstart -->"


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    if MARK not in text:
        sys.exit("README has no " + MARK + " marker")
    after = text.split(MARK, 1)[1]
    if "```c\n" not in after:
        sys.exit("no ```c block after " + MARK)
    body = after.split("```c\n", 1)[1].split("```", 1)[0]
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write("/* Extracted from README.md by tests/quickstart/extract.py: edit the README. */\n")
        f.write(body)


if __name__ == "__main__":
    main()
