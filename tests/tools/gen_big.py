#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write a large deterministic Responses capture, for memory / buffer tests.

    gen_big.py OUT [--bytes N] [--seed S] [--events]

OUT gets a raw HTTP/1.1 response (chunked, random chunk sizes up to 16 KiB) whose answer
text is about N UTF-8 bytes (default 1 MiB), streamed as small `response.output_text.delta`
events shaped like the real gpt-5.2 ones (`obfuscation` padding, `logprobs`, ids). As on
the real wire, `response.output_text.done`, `response.content_part.done`,
`response.output_item.done` and `response.completed` each repeat the whole text, so each of
those events is about N bytes (more where the text needs escapes): a fixed-buffer client
must get their fields without holding them. With the default size the capture is ~36 MB.

The text mixes ASCII words with raw UTF-8 (é, —, ’, 日本語, 😀) and JSON escapes on the wire
(\\n, \\", \\t, \\u00e9, the surrogate pair \\ud83d\\ude00, \\/). OUT.expected (summary
line) is written with refdecode.py, and OUT.events too with --events. Generated at test
time; never committed.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkcapture  # noqa: E402
import refdecode  # noqa: E402
from make_captures import Ids, Stream, template_from_body, usage_obj  # noqa: E402
from mkcapture import SplitMix64  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

WORDS = ('the', 'stream', 'buffer', 'token', 'delta', 'event', 'parser', 'answer', 'chunk',
         'small', 'device', 'memory', 'bytes', 'line', 'field', 'reader', 'a', 'of', 'to',
         'and', 'is', 'in', 'with', 'every')
# (decoded text, how it is written inside the JSON string on the wire)
SPECIAL = (('\n', '\\n'), ('\n\n', '\\n\\n'), ('"quoted"', '\\"quoted\\"'),
           ('caf\u00e9', 'caf\u00e9'), ('caf\u00e9', 'caf\\u00e9'),
           (' \U0001F600', ' \U0001F600'), (' \U0001F600', ' \\ud83d\\ude00'),
           (' \u2014 ', ' \u2014 '), ('\u2019s', '\u2019s'),
           (' \u65e5\u672c\u8a9e', ' \u65e5\u672c\u8a9e'),
           ('\t', '\\t'), ('a/b', 'a\\/b'), ('back\\slash', 'back\\\\slash'))


def pieces(target, rng):
    """Yield (decoded delta, JSON literal) pairs until about `target` UTF-8 bytes."""
    total = 0
    while total < target:
        r = rng.below(100)
        if r < 8:
            text, lit = SPECIAL[rng.below(len(SPECIAL))]
        else:
            # One to three words, with a leading space most of the time, like model tokens
            # (a little longer than real ones, to keep the capture near 30 MB per MiB).
            n = (1, 1, 1, 1, 1, 2, 2, 2, 3, 3)[rng.below(10)]
            text = ''.join((' ' if rng.below(5) else '') + rng.choice(WORDS) for _ in range(n))
            if rng.below(12) == 0:
                text += rng.choice(('.', ',', ':', ';', '?'))
            lit = text
        total += len(text.encode('utf-8'))
        yield text, '"' + lit + '"'


def template():
    """The real gpt-5.2 `response` object, taken from the committed capture so that this
    script needs nothing outside the repository."""
    path = os.path.join(HERE, '..', 'captures', 'responses-text-gpt52.http')
    with open(path, 'rb') as f:
        return template_from_body(refdecode.parse_http(f.read()).body)


def build(nbytes, seed):
    """Return (capture bytes, SSE body)."""
    rng = SplitMix64(seed)
    tpl = template()
    s = Stream(tpl, Ids(seed), 1768790000, model='gpt-5.2-2025-12-11',
               instructions='Write a very long answer.')
    s.start()
    lits = []
    for text, lit in pieces(nbytes, rng):
        assert json.loads(lit) == text
        lits.append(lit)
    # Stream.message takes the literals as Raw pieces and repeats the decoded text in the
    # *.done events, exactly like the real API.
    full = s.message(lits, raw=set(range(len(lits))))
    s.add('response.completed', response=s.response(
        status='completed', completed_at=1768790042, output=s.output, service_tier='default',
        usage=usage_obj(31, max(1, len(full) // 4), cached=0, reasoning=0)))
    body = s.body()
    raw = mkcapture.build_capture(body, seed=seed, max_chunk=16384, chunk_ext=True,
                                  request_id='req_test_big')
    return raw, body


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('out')
    ap.add_argument('--bytes', type=int, default=1 << 20, help='answer size (default 1 MiB)')
    ap.add_argument('--seed', type=int, default=42)
    ap.add_argument('--events', action='store_true', help='also write OUT.events')
    args = ap.parse_args(argv)

    raw, _ = build(args.bytes, args.seed)
    with open(args.out, 'wb') as f:
        f.write(raw)
    res = refdecode.decode_capture(raw, 'responses')
    with open(args.out + '.expected', 'wb') as f:
        f.write(res.output(events=False))
    if args.events:
        with open(args.out + '.events', 'wb') as f:
            f.write(res.output(events=True))
    print('%s: %d bytes, %d events, text %d bytes, state %s' % (
        args.out, len(raw), len(res.events), len(''.join(res.text).encode('utf-8')),
        res.state))
    return 0 if res.state == 'completed' else 1


if __name__ == '__main__':
    sys.exit(main())
