#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write a large deterministic OpenAI Responses stream for the throughput benchmarks.

    gen_stream.py OUTDIR [--name NAME] [--bytes N] [--seed S] [--full-text]

Writes, in OUTDIR (created if missing):

  NAME.sse        the SSE body alone (what the Node parsers read)
  NAME.http       the same body as a raw HTTP/1.1 200 response, chunked with chunk
                  sizes drawn from 1..16 KiB (what dripfeed's full pipeline reads)
  NAME.meta.json  what a correct decoder must report: events, text bytes, sizes

The events are modelled on a real gpt-5.2 stream (transcripts/responses-text-gpt52.sse):
response.created, response.in_progress, response.output_item.added,
response.content_part.added, then response.output_text.delta events until the body
is about N bytes (default 32 MiB), then response.completed. Each delta carries 1..8
words (a leading space most of the time, like model tokens) with, now and then, raw
UTF-8 (é, —, ’, 日本語, 😀) or JSON escapes on the wire (\\n, \\", \\t, \\u00e9, the
surrogate pair \\ud83d\\ude00, \\/, \\\\), plus the real `obfuscation` padding, `logprobs`,
item id, output/content index and sequence_number fields.

--full-text (default OFF): also emit response.output_text.done,
response.content_part.done and response.output_item.done, and put the message in
response.completed's `output`, each repeating the WHOLE answer text, exactly as the
real API does. That adds 4 huge events at the end, each as long as the whole answer
(about 1.7 MB each at 32 MiB, some 20% of the body together), so the run also measures
how a parser copes with a multi-MB event, not only delta throughput. Some JavaScript
parsers are quadratic on such an event (the openai SDK copies its whole pending buffer
on every chunk and rescans it for the blank line), which is why it is off by default.
N counts those events too (the deltas stop earlier).
Without it, the stream ends right after the last delta with response.completed
whose `output` is empty: every parser still sees the same bytes.

Everything is derived from --seed; the same arguments give the same bytes.
"""

import argparse
import json
import os
import sys

# ---- deterministic PRNG (SplitMix64: same stream on every Python) ------------------


class SplitMix64:
    def __init__(self, seed):
        self.s = seed & 0xFFFFFFFFFFFFFFFF

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def choice(self, seq):
        return seq[self.below(len(seq))]


ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
HEX = '0123456789abcdef'

WORDS = ('the', 'stream', 'buffer', 'token', 'delta', 'event', 'parser', 'answer', 'chunk',
         'small', 'device', 'memory', 'bytes', 'line', 'field', 'reader', 'a', 'of', 'to',
         'and', 'is', 'in', 'with', 'every', 'microcontroller', 'response', 'latency',
         'we', 'can', 'it', 'this', 'that', 'for', 'on', 'not', 'be', 'are', 'you')
# (decoded text, how it is written inside the JSON string on the wire)
SPECIAL = (('\n', '\\n'), ('\n\n', '\\n\\n'), ('"quoted"', '\\"quoted\\"'),
           ('caf\u00e9', 'caf\u00e9'), ('caf\u00e9', 'caf\\u00e9'),
           (' \U0001F600', ' \U0001F600'), (' \U0001F600', ' \\ud83d\\ude00'),
           (' \u2014 ', ' \u2014 '), ('\u2019s', '\u2019s'),
           (' \u65e5\u672c\u8a9e', ' \u65e5\u672c\u8a9e'), ('\t', '\\t'), ('a/b', 'a\\/b'),
           ('back\\slash', 'back\\\\slash'))

CREATED_AT = 1768790000
MODEL = 'gpt-5.2-2025-12-11'


def response_obj(rid, status, output, completed_at=None, usage=None, tier='auto'):
    """The `response` object of a real gpt-5.2 stream, key order kept."""
    return {
        'id': rid, 'object': 'response', 'created_at': CREATED_AT, 'status': status,
        'background': False, 'completed_at': completed_at, 'error': None,
        'frequency_penalty': 0.0, 'incomplete_details': None,
        'instructions': 'Write a very long answer.', 'max_output_tokens': None,
        'max_tool_calls': None, 'model': MODEL, 'output': output,
        'parallel_tool_calls': True, 'presence_penalty': 0.0, 'previous_response_id': None,
        'prompt_cache_key': None, 'prompt_cache_retention': None,
        'reasoning': {'effort': 'none', 'summary': None}, 'safety_identifier': None,
        'service_tier': tier, 'store': True, 'temperature': 1.0,
        'text': {'format': {'type': 'text'}, 'verbosity': 'medium'}, 'tool_choice': 'auto',
        'tools': [], 'top_logprobs': 0, 'top_p': 0.98, 'truncation': 'disabled',
        'usage': usage, 'user': None, 'metadata': {}}


def jdump(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(',', ':'))


class Body:
    """SSE body under construction, with its event count."""

    def __init__(self):
        self.parts = []
        self.size = 0
        self.events = 0
        self.seq = 0

    def add_raw(self, etype, data):
        """data: the JSON text of the event (str, already ending with sequence_number)."""
        s = ('event: %s\ndata: %s\n\n' % (etype, data)).encode('utf-8')
        self.parts.append(s)
        self.size += len(s)
        self.events += 1
        self.seq += 1

    def add(self, etype, **fields):
        obj = {'type': etype}
        obj.update(fields)
        obj['sequence_number'] = self.seq
        self.add_raw(etype, jdump(obj))

    def bytes(self):
        return b''.join(self.parts)


def delta_piece(rng):
    """(decoded text, JSON string literal as on the wire) of one delta: 1..8 words."""
    r = rng.below(100)
    if r < 10:
        text, lit = rng.choice(SPECIAL)
        if rng.below(2):
            w = ' ' + rng.choice(WORDS)
            text, lit = text + w, lit + w
        return text, lit
    n = 1 + min(rng.below(8), rng.below(8))  # 1..8, short ones most often
    text = ''.join((' ' if (i or rng.below(5)) else '') + rng.choice(WORDS) for i in range(n))
    if rng.below(10) == 0:
        text += rng.choice(('.', ',', ':', ';', '?', '!'))
    return text, text


def obfuscation(rng, delta):
    """Padding like the real streams: delta + padding is about 16 characters."""
    return ''.join(ALNUM[rng.below(len(ALNUM))] for _ in range(max(2, 16 - len(delta))))


def build(nbytes, seed, full_text):
    """Return (SSE body bytes, number of events, answer text bytes)."""
    rng = SplitMix64(seed)
    pre = ''.join(HEX[rng.below(16)] for _ in range(26))
    rid = 'resp_' + pre + ''.join(HEX[rng.below(16)] for _ in range(24))
    mid = 'msg_' + pre + ''.join(HEX[rng.below(16)] for _ in range(24))

    b = Body()
    b.add('response.created', response=response_obj(rid, 'in_progress', []))
    b.add('response.in_progress', response=response_obj(rid, 'in_progress', []))
    b.add('response.output_item.added',
          item={'id': mid, 'type': 'message', 'status': 'in_progress', 'content': [],
                'role': 'assistant'}, output_index=0)
    b.add('response.content_part.added', content_index=0, item_id=mid, output_index=0,
          part={'type': 'output_text', 'annotations': [], 'logprobs': [], 'text': ''})

    texts = []
    text_bytes = 0
    escaped_len = 0        # bytes of the text as a JSON literal (for --full-text sizing)
    tail = 3000            # response.completed and slack
    head = ('{"type":"response.output_text.delta","content_index":0,"delta":')
    mid_s = ',"item_id":"%s","logprobs":[],"obfuscation":"' % mid
    while True:
        budget = b.size + tail + (4 * escaped_len + 1500 if full_text else 0)
        if budget >= nbytes:
            break
        text, lit = delta_piece(rng)
        assert json.loads('"' + lit + '"') == text
        data = '%s"%s"%s%s","output_index":0,"sequence_number":%d}' % (
            head, lit, mid_s, obfuscation(rng, text), b.seq)
        b.add_raw('response.output_text.delta', data)
        texts.append(text)
        tb = len(text.encode('utf-8'))
        text_bytes += tb
        if full_text:
            escaped_len += len(jdump(text).encode('utf-8')) - 2

    full = ''.join(texts)
    output = []
    if full_text:
        part = {'type': 'output_text', 'annotations': [], 'logprobs': [], 'text': full}
        b.add('response.output_text.done', content_index=0, item_id=mid, logprobs=[],
              output_index=0, text=full)
        b.add('response.content_part.done', content_index=0, item_id=mid, output_index=0,
              part=part)
        item = {'id': mid, 'type': 'message', 'status': 'completed', 'content': [part],
                'role': 'assistant'}
        b.add('response.output_item.done', item=item, output_index=0)
        output = [item]
    out_tokens = max(1, text_bytes // 4)
    usage = {'input_tokens': 31, 'input_tokens_details': {'cached_tokens': 0},
             'output_tokens': out_tokens,
             'output_tokens_details': {'reasoning_tokens': 0},
             'total_tokens': 31 + out_tokens}
    b.add('response.completed', response=response_obj(
        rid, 'completed', output, completed_at=CREATED_AT + 42, usage=usage, tier='default'))
    return b.bytes(), b.events, text_bytes


HTTP_HEAD = (
    'HTTP/1.1 200 OK\r\n'
    'Date: Mon, 19 Jan 2026 02:33:20 GMT\r\n'
    'Content-Type: text/event-stream; charset=utf-8\r\n'
    'Transfer-Encoding: chunked\r\n'
    'Connection: keep-alive\r\n'
    'access-control-expose-headers: X-Request-ID\r\n'
    'openai-organization: user-benchmark\r\n'
    'openai-processing-ms: 66\r\n'
    'openai-version: 2020-10-01\r\n'
    'x-ratelimit-limit-requests: 10000\r\n'
    'x-ratelimit-remaining-requests: 9999\r\n'
    'cf-cache-status: DYNAMIC\r\n'
    'Strict-Transport-Security: max-age=31536000; includeSubDomains; preload\r\n'
    'X-Content-Type-Options: nosniff\r\n'
    'Server: cloudflare\r\n'
    'x-request-id: req_bench_0000000000000000000000000\r\n'
    '\r\n').encode('ascii')


def wrap_http(body, seed):
    """The body as an HTTP/1.1 chunked response, chunk sizes 1..16 KiB."""
    rng = SplitMix64(seed ^ 0x5EED)
    out = [HTTP_HEAD]
    off = 0
    while off < len(body):
        n = min(1 + rng.below(16384), len(body) - off)
        out.append(b'%x\r\n' % n)
        out.append(body[off:off + n])
        out.append(b'\r\n')
        off += n
    out.append(b'0\r\n\r\n')
    return b''.join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('outdir')
    ap.add_argument('--name', default='stream', help='file name stem (default: stream)')
    ap.add_argument('--bytes', type=int, default=32 << 20,
                    help='SSE body size to aim for (default 32 MiB)')
    ap.add_argument('--seed', type=int, default=2026)
    ap.add_argument('--full-text', action='store_true',
                    help='emit the *.done events and response.completed output repeating '
                         'the whole text, as the real API does (default off)')
    ap.add_argument('--no-http', action='store_true', help='write only the .sse body')
    args = ap.parse_args(argv)

    body, events, text_bytes = build(args.bytes, args.seed, args.full_text)
    os.makedirs(args.outdir, exist_ok=True)
    stem = os.path.join(args.outdir, args.name)
    with open(stem + '.sse', 'wb') as f:
        f.write(body)
    http_len = 0
    if not args.no_http:
        raw = wrap_http(body, args.seed)
        http_len = len(raw)
        with open(stem + '.http', 'wb') as f:
            f.write(raw)
    meta = {'sse_bytes': len(body), 'http_bytes': http_len, 'events': events,
            'text_bytes': text_bytes, 'full_text': args.full_text, 'seed': args.seed}
    with open(stem + '.meta.json', 'w') as f:
        json.dump(meta, f)
        f.write('\n')
    print('%s: sse %d B, http %d B, %d events, text %d B%s' % (
        stem, len(body), http_len, events, text_bytes,
        ', full text repeated' if args.full_text else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
