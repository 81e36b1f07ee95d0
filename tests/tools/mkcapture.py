#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Wrap an SSE body into a raw HTTP/1.1 response capture, as it would come off the wire.

Library use (see make_captures.py and gen_big.py):

    body = read LF-framed SSE body
    body = transform_sse(body, truncate_events=100, keepalive=True, line_ends='crlf')
    raw  = build_capture(body, framing='chunked', seed=7, request_id='req_x')

Command line:

    mkcapture.py [options] SSE_FILE OUT.http
    mkcapture.py --status 429 --error-type requests --error-code rate_limit_exceeded \\
                 --error-message 'Rate limit reached' --header 'retry-after: 2' - OUT.http

SSE transformations (applied in this order; the input must use LF line ends, like every
file in tests/transcripts):
  --truncate-events N   keep only the first N events (the terminal event goes missing)
  --keepalive           put SSE comment lines (`: keep-alive`, `:`) between events
  --line-ends lf|crlf|cr  rewrite every LF as CRLF or as a lone CR
Body framing (--framing):
  chunked   pseudo-random chunk sizes from --seed (splitmix64, so stable across Python
            versions); --chunk-ext adds chunk extensions (`;a=b`, ` ; x="q;y"`, ...),
            --mixed-hex writes sizes with random case and leading zeros, --trailer adds
            trailer fields after the last chunk
  length    Content-Length
  close     no length: the body ends when the connection closes
Everything here is deterministic: the same arguments give the same bytes.
"""

import argparse
import json
import sys

MASK64 = (1 << 64) - 1


class SplitMix64:
    """Tiny deterministic PRNG (not Python's `random`, whose output may change)."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, n):
        """Uniform-ish integer in [0, n)."""
        return self.next() % n

    def unit(self):
        """Float in [0, 1)."""
        return (self.next() >> 11) / float(1 << 53)

    def choice(self, seq):
        return seq[self.below(len(seq))]


# ---------------------------------------------------------------------------
# SSE body transformations
# ---------------------------------------------------------------------------

def split_events(body):
    """Split an LF-framed SSE body into its events, each ending with its blank line.

    Returns (events, tail): tail is whatever follows the last blank line (b'' for the
    transcripts, which all end with "\\n\\n")."""
    if b'\r' in body:
        raise ValueError('split_events expects LF line ends only')
    parts = body.split(b'\n\n')
    tail = parts.pop()
    return [p + b'\n\n' for p in parts], tail


KEEPALIVES = (b': keep-alive\n', b':\n', b': keep-alive\n\n')


def insert_keepalives(events, every=1):
    """Put a comment line (or a comment plus an empty line, which dispatches nothing)
    before every `every`-th event after the first, cycling through KEEPALIVES, and one at
    the very start."""
    out = [KEEPALIVES[0]]
    for i, ev in enumerate(events):
        if i and i % every == 0:
            out.append(KEEPALIVES[(i // every) % len(KEEPALIVES)])
        out.append(ev)
    return b''.join(out)


def convert_line_ends(body, style):
    """Rewrite every LF of an LF-only body as CRLF ('crlf') or as a lone CR ('cr')."""
    if style == 'lf':
        return body
    if b'\r' in body:
        raise ValueError('convert_line_ends expects LF line ends only')
    return body.replace(b'\n', {'crlf': b'\r\n', 'cr': b'\r'}[style])


def transform_sse(body, truncate_events=None, keepalive=False, line_ends='lf'):
    """Apply the optional SSE-level transformations, in the documented order."""
    events, tail = split_events(body)
    if truncate_events is not None:
        events, tail = events[:truncate_events], b''
    out = insert_keepalives(events) if keepalive else b''.join(events)
    return convert_line_ends(out + tail, line_ends)


# ---------------------------------------------------------------------------
# Body framing
# ---------------------------------------------------------------------------

CHUNK_EXTENSIONS = (b';a=b', b' ; x="q;y"', b';foo', b';n=1;m="a b"', b'\t;ext = "v"', b';')


def chunk_sizes(total, rng, max_chunk):
    """Random chunk sizes adding up to `total`: mostly small, sometimes large."""
    sizes = []
    left = total
    while left > 0:
        u = rng.unit()
        n = 1 + int(max_chunk * u * u * u)      # cubed: heavy bias towards small chunks
        n = min(n, left)
        sizes.append(n)
        left -= n
    return sizes


def frame_chunked(body, seed=1, max_chunk=512, chunk_ext=False, mixed_hex=False,
                  trailers=()):
    """Chunked transfer coding of `body` (RFC 9112 s7.1), ended properly."""
    rng = SplitMix64(seed)
    out = bytearray()

    def size_line(n):
        digits = '%x' % n
        if mixed_hex:
            digits = ''.join(c.upper() if rng.below(2) else c for c in digits)
            digits = '0' * rng.below(3) + digits
        line = digits.encode('ascii')
        if chunk_ext and rng.below(3) == 0:
            line += rng.choice(CHUNK_EXTENSIONS)
        return line + b'\r\n'

    pos = 0
    for n in chunk_sizes(len(body), rng, max_chunk):
        out += size_line(n) + body[pos:pos + n] + b'\r\n'
        pos += n
    out += size_line(0)
    for t in trailers:
        out += t.encode('latin-1') + b'\r\n'
    out += b'\r\n'
    return bytes(out)


# ---------------------------------------------------------------------------
# Whole response
# ---------------------------------------------------------------------------

REASONS = {100: 'Continue', 200: 'OK', 400: 'Bad Request', 401: 'Unauthorized',
           403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests',
           500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable'}

SSE_CONTENT_TYPE = 'text/event-stream; charset=utf-8'


def openai_headers(seed, processing_ms=66):
    """Headers of the kind api.openai.com sends (behind Cloudflare), none of which the
    decoder needs: they exercise skipping. Values are made up but have realistic shapes."""
    rng = SplitMix64(seed ^ 0x5EED)
    hexs = lambda n: ''.join('0123456789abcdef'[rng.below(16)] for _ in range(n))
    alnum = lambda n: ''.join(
        'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._'[rng.below(64)]
        for _ in range(n))
    return [
        'Date: Sun, 18 Jan 2026 22:27:59 GMT',
        'Connection: keep-alive',
        'access-control-expose-headers: X-Request-ID',
        'openai-organization: user-%s' % alnum(24).lower().replace('.', 'x').replace('_', 'y'),
        'openai-processing-ms: %d' % processing_ms,
        'openai-project: proj_%s' % alnum(24).replace('.', 'Q').replace('_', 'Z'),
        'openai-version: 2020-10-01',
        'x-envoy-upstream-service-time: %d' % (processing_ms + 4),
        'x-ratelimit-limit-requests: 10000',
        'x-ratelimit-limit-tokens: 30000000',
        'x-ratelimit-remaining-requests: 9999',
        'x-ratelimit-remaining-tokens: 29999720',
        'x-ratelimit-reset-requests: 6ms',
        'x-ratelimit-reset-tokens: 0s',
        'cf-cache-status: DYNAMIC',
        'set-cookie: __cf_bm=%s-1768775279-1.0.1.1-%s; path=/; expires=Sun, 18-Jan-26 '
        '22:57:59 GMT; domain=.api.openai.com; HttpOnly; Secure; SameSite=None'
        % (alnum(43), alnum(86)),
        'set-cookie: _cfuvid=%s-1768775279%s-0.0.1.1-604800000; path=/; '
        'domain=.api.openai.com; HttpOnly; Secure; SameSite=None' % (alnum(43), hexs(3)),
        'Strict-Transport-Security: max-age=31536000; includeSubDomains; preload',
        'X-Content-Type-Options: nosniff',
        'Server: cloudflare',
        'CF-RAY: %s-FRA' % hexs(16),
        'alt-svc: h3=":443"; ma=86400',
    ]


def error_body(message, etype, code, param=None):
    """An OpenAI JSON error body, pretty-printed the way the API sends it."""
    obj = {'error': {'message': message, 'type': etype, 'param': param, 'code': code}}
    return (json.dumps(obj, indent=4, ensure_ascii=False) + '\n').encode('utf-8')


def build_capture(body, status=200, reason=None, content_type=SSE_CONTENT_TYPE,
                  request_id=None, headers=None, extra_headers=(), framing='chunked',
                  seed=1, max_chunk=512, chunk_ext=False, mixed_hex=False, trailers=(),
                  interim=False, version='HTTP/1.1'):
    """Assemble status line, headers and framed body.

    `headers` replaces the default OpenAI-like header set (None = openai_headers(seed));
    `extra_headers` are appended. `interim` puts a `100 Continue` response first."""
    if reason is None:
        reason = REASONS.get(status, '')
    lines = []
    if content_type is not None:
        lines.append('Content-Type: ' + content_type)
    if framing == 'chunked':
        lines.append('Transfer-Encoding: chunked')
        if trailers:
            lines.append('Trailer: ' + ', '.join(t.split(':', 1)[0] for t in trailers))
    elif framing == 'length':
        lines.append('Content-Length: %d' % len(body))
    elif framing != 'close':
        raise ValueError('unknown framing %r' % framing)
    hdrs = openai_headers(seed) if headers is None else list(headers)
    if framing == 'close':
        hdrs = [h for h in hdrs if not h.lower().startswith('connection:')]
        hdrs.append('Connection: close')
    # Date first, then the headers the decoder needs, then the rest, as servers do.
    dates = [h for h in hdrs if h.lower().startswith('date:')]
    lines = dates + lines + [h for h in hdrs if h not in dates]
    if request_id is not None:
        lines.append('x-request-id: ' + request_id)
    lines += list(extra_headers)

    head = b''
    if interim:
        head += ('%s 100 Continue\r\n\r\n' % version).encode('ascii')
    head += ('%s %d %s\r\n' % (version, status, reason)).encode('ascii')
    head += ''.join(h + '\r\n' for h in lines).encode('latin-1') + b'\r\n'

    if framing == 'chunked':
        framed = frame_chunked(body, seed, max_chunk, chunk_ext, mixed_hex, trailers)
    else:
        framed = body
    return head + framed


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('sse', help="SSE body file, '-' for stdin (ignored with --error-message)")
    ap.add_argument('out', help='capture file to write')
    ap.add_argument('--framing', choices=('chunked', 'length', 'close'), default='chunked')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--max-chunk', type=int, default=512)
    ap.add_argument('--chunk-ext', action='store_true')
    ap.add_argument('--mixed-hex', action='store_true')
    ap.add_argument('--trailer', action='append', default=[], metavar="'Name: value'")
    ap.add_argument('--status', type=int, default=200)
    ap.add_argument('--reason')
    ap.add_argument('--content-type', default=None,
                    help='default text/event-stream; charset=utf-8 (application/json for '
                         'an error body)')
    ap.add_argument('--request-id')
    ap.add_argument('--header', action='append', default=[], metavar="'Name: value'")
    ap.add_argument('--plain-headers', action='store_true',
                    help='no OpenAI-like headers, only the ones needed')
    ap.add_argument('--interim', action='store_true', help='send 100 Continue first')
    ap.add_argument('--line-ends', choices=('lf', 'crlf', 'cr'), default='lf')
    ap.add_argument('--keepalive', action='store_true')
    ap.add_argument('--truncate-events', type=int)
    ap.add_argument('--error-message', help='make a JSON error body instead of the SSE body')
    ap.add_argument('--error-type')
    ap.add_argument('--error-code')
    args = ap.parse_args(argv)

    if args.error_message is not None:
        body = error_body(args.error_message, args.error_type, args.error_code)
        ctype = args.content_type or 'application/json; charset=utf-8'
    else:
        with (sys.stdin.buffer if args.sse == '-' else open(args.sse, 'rb')) as f:
            body = f.read()
        body = transform_sse(body, args.truncate_events, args.keepalive, args.line_ends)
        ctype = args.content_type or SSE_CONTENT_TYPE
    raw = build_capture(body, status=args.status, reason=args.reason, content_type=ctype,
                        request_id=args.request_id,
                        headers=[] if args.plain_headers else None,
                        extra_headers=args.header, framing=args.framing, seed=args.seed,
                        max_chunk=args.max_chunk, chunk_ext=args.chunk_ext,
                        mixed_hex=args.mixed_hex, trailers=args.trailer,
                        interim=args.interim)
    with open(args.out, 'wb') as f:
        f.write(raw)
    return 0


if __name__ == '__main__':
    sys.exit(main())
