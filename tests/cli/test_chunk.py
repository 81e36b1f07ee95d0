#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""CTest cli_chunk: `dripfeed chunk` (docs/spec/cli.md) over every recorded answer.

Usage: test_chunk.py DRIPFEED

Inputs: every tests/captures/*.http, and every tests/transcripts/**/*.sse
wrapped in a close-delimited HTTP/1.1 200 response. `chat-*` files are run
with --api chat. For each input, at --feed 1, 2, 3, 7, 64 and 4096:
- the output and the exit status are identical at every feed;
- each line but the last is {"phrase":...,"at":N}: a phrase not empty,
  trimmed, no whitespace run, no line end, at most --max bytes; `at`
  never goes down;
- the last line is {"end":STATE,"phrases":COUNT} with decode's state and the
  number of phrase lines, and the exit status is decode's;
- the join invariant (text.md §3) against `dripfeed decode`'s text: the
  letters and digits of the phrases, in order, are those of the answer's
  speech form, computed here independently (fenced blocks -> "code omitted",
  [text](url) -> text, bare http(s) URLs -> "link"). Markdown markers and
  whitespace are not letters or digits, so this compares the words exactly
  without restating the Markdown filter; the exact join (spaces included) is
  checked on clean text by unit_phrase.
Also at --min 0 --max 24 (many cuts) for the same identity across feeds.
Prints one line per input and "N passed, M failed".
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FEEDS = (1, 2, 3, 7, 64, 4096)


def inputs():
    out = []
    cap = os.path.join(ROOT, "tests", "captures")
    for name in sorted(os.listdir(cap)):
        if name.endswith(".http"):
            with open(os.path.join(cap, name), "rb") as f:
                out.append(("captures/" + name, name.startswith("chat-"), f.read()))
    tr = os.path.join(ROOT, "tests", "transcripts")
    for d, _, files in sorted(os.walk(tr)):
        for name in sorted(files):
            if name.endswith(".sse"):
                with open(os.path.join(d, name), "rb") as f:
                    body = f.read()
                head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                rel = os.path.relpath(os.path.join(d, name), tr)
                out.append(("transcripts/" + rel, name.startswith("chat-"), head + body))
    return out


def alnum(s):
    return "".join(c for c in s if c.isalnum())


FENCE = re.compile(r"^ *```")
LINK = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)")
URL = re.compile(r"(?<![A-Za-z0-9])[Hh][Tt][Tt][Pp][Ss]?://\S+")


def speech_form(text):
    """The answer as the chunker speaks it, for its letters and digits."""
    lines, out, fence = text.split("\n"), [], False
    for line in lines:
        if FENCE.match(line):
            if not fence:
                out.append("code omitted")
            fence = not fence
            continue
        if not fence:
            out.append(line)
    s = "\n".join(out)
    s = LINK.sub(r"\1", s)
    return URL.sub("link", s)


def run(binary, args, data):
    p = subprocess.run([binary, "chunk"] + args, input=data, capture_output=True, timeout=120)
    return p.returncode, p.stdout


def check(binary, name, chat, data, extra, maxlen):
    api = ["--api", "chat" if chat else "responses"]
    dec = subprocess.run([binary, "decode"] + api, input=data, capture_output=True, timeout=120)
    summary = json.loads(dec.stdout.decode().splitlines()[-1])
    first = None
    for feed in FEEDS:
        rc, out = run(binary, api + extra + ["--feed", str(feed)], data)
        if first is None:
            first = (rc, out)
        elif (rc, out) != first:
            return "output at --feed %d differs from --feed %d" % (feed, FEEDS[0])
    rc, out = first
    if rc != dec.returncode:
        return "exit status %d, decode's is %d" % (rc, dec.returncode)
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    if not lines:
        return "no output"
    end = json.loads(lines[-1])
    phrases, last_at = [], 0
    for line in lines[:-1]:
        obj = json.loads(line)
        if list(obj) != ["phrase", "at"]:
            return "bad phrase line %r" % line
        p, at = obj["phrase"], obj["at"]
        if not p or p != p.strip() or re.search(r"\s\s|[\n\r\t]", p):
            return "phrase not trimmed or with a whitespace run: %r" % p
        if len(p.encode("utf-8", "surrogateescape")) > maxlen:
            return "phrase longer than max: %r" % p
        if at < last_at:
            return "at goes down: %r" % line
        last_at = at
        phrases.append(p)
    if list(end) != ["end", "phrases"] or end["end"] != summary["state"] or end["phrases"] != len(phrases):
        return "bad summary %r (decode state %s, %d phrases)" % (lines[-1], summary["state"], len(phrases))
    want, got = alnum(speech_form(summary["text"])), alnum(" ".join(phrases))
    if want != got:
        i = next((k for k in range(min(len(want), len(got))) if want[k] != got[k]), min(len(want), len(got)))
        return "join invariant: words differ at %d: phrases ...%r... speech form ...%r..." % (
            i, got[max(0, i - 30):i + 30], want[max(0, i - 30):i + 30])
    return None, len(phrases)


def main():
    binary = sys.argv[1]
    passed = failed = 0
    for name, chat, data in inputs():
        for extra, maxlen in (([], 200), (["--min", "0", "--max", "24"], 24)):
            r = check(binary, name, chat, data, extra, maxlen)
            label = "%s %s" % (name, " ".join(extra) or "(defaults)")
            if isinstance(r, tuple):
                passed += 1
                print("ok   %s: %d phrases, same at feeds %s" % (label, r[1], ",".join(map(str, FEEDS))))
            else:
                failed += 1
                print("FAIL %s: %s" % (label, r))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
