#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Cross-check the reference decoder (refdecode.py) before trusting its golden files.

    check_ref.py [--transcripts DIR] [--captures DIR]

Exits 1 on any mismatch, 0 when every check passes. What is checked:

 1. The transcripts are the ones the README describes (sha256, byte and event counts,
    the counts parsed from tests/transcripts/README.md itself).
 2. refdecode's result for every transcript equals the README's "Expected decoded result"
    table: texts, refusal, call ids / names / arguments, usage, terminal state, the in-stream
    error, the full o3-mini text (sha256, length, and the README's code block) and its four
    reasoning summaries. The expected values are transcribed below, and each transcribed
    string is also looked up verbatim in the README row, to catch transcription slips.
 3. Internal consistency on every transcript: concatenated deltas equal the *.done texts /
    arguments; usage and response id equal those of response.completed; Chat arguments are
    valid JSON.
 4. Framing independence: each transcript wrapped in many ways (chunk sizes and seeds,
    chunk extensions, mixed-case sizes, trailers, Content-Length, close-delimited, CRLF and
    CR line ends, keep-alive comments, a leading BOM, interim 100 Continue) gives the same
    summary, and mkcapture's framings de-frame back to the exact body.
 5. Hand-written edge cases of http.md / sse.md / the team's semantics.
 6. The expected states of the synthesized captures, and that every committed
    tests/captures/*.expected and *.events is what refdecode computes today.
"""

import argparse
import glob
import hashlib
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkcapture  # noqa: E402
import refdecode  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FAILS = []
PASSES = [0]


def check(cond, what):
    """Record one check; print only failures (and a count at the end)."""
    if cond:
        PASSES[0] += 1
    else:
        FAILS.append(what)
        print('MISMATCH: ' + what)


def eq(got, want, what):
    check(got == want, '%s: got %r, want %r' % (what, got, want))


def api_for(name):
    return 'chat' if name.startswith('chat-') else 'responses'


# ---------------------------------------------------------------------------
# Expected values transcribed from tests/transcripts/README.md ("Expected decoded result")
# usage tuples are (input, output, total, cached or None, reasoning or None); None = the
# README does not say (refdecode then has to agree with the stream's own usage object).
# ---------------------------------------------------------------------------

QUOTA_MSG = ('You exceeded your current quota, please check your plan and billing details. '
             'For more information on this error, read the docs: '
             'https://platform.openai.com/docs/guides/error-codes/api-errors.')

EXPECTED = {
    'responses-text-gpt52': dict(
        text='2+2 = 4', deltas=['2', '+', '2', ' =', ' ', '4'],
        usage=(20, 10, 30, 0, 0)),
    'responses-function-call-gpt5': dict(
        calls=[('call_CWXgs68YprAjp6t0371hiPOI', 'final_result', '{"result":6666}')],
        usage=(53, 469, 522, None, 448)),
    'responses-reasoning-summary-o3mini': dict(usage=(13, 1680, 1693, None, 1408)),
    'responses-background': dict(text='2 + 2 equals 4.', ndeltas=8, usage=(15, 9, 24, None,
                                                                           None)),
    'responses-legacy-noseq': dict(text='The capital of France is Paris.', ndeltas=7,
                                   usage=(278, 9, 287, None, None)),
    'responses-legacy-noseq-function-call': dict(
        calls=[('call_kL0PCQV7M2WMoVX8V8OtYSAL', 'get_capital', '{"country":"France"}')],
        usage=(255, 16, 271, None, None)),
    'responses-error-quota': dict(
        state='failed', usage=None,
        error={'status': None, 'type': 'insufficient_quota', 'code': 'insufficient_quota',
               'message': QUOTA_MSG}),
    'chat-text': dict(
        text="I'm unable to provide real-time weather updates. To get the current weather in "
             "San Francisco, I recommend checking a reliable weather website or a weather app.",
        usage=(14, 30, 44, None, None)),
    'chat-tool-call': dict(
        calls=[('call_4XzlGBLtUe9dy3GVNV4jhq7h', 'get_weather', '{"city":"New York City"}')],
        usage=(44, 16, 60, None, None)),
    'chat-parallel-tools': dict(
        calls=[('call_JMW1whyEaYG438VE1OIflxA2', 'GetWeatherArgs',
                '{"city": "Edinburgh", "country": "GB", "units": "c"}'),
               ('call_DNYTawLBoN8fj3KN6qU9N1Ou', 'get_stock_price',
                '{"ticker": "AAPL", "exchange": "NASDAQ"}')],
        usage=(149, 60, 209, None, None)),
    'chat-refusal': dict(refusal="I'm sorry, I can't assist with that request.",
                         usage=(79, 11, 90, None, None)),
    'chat-length': dict(text='{"', state='incomplete', incomplete_reason='length',
                        usage=(79, 1, 80, None, None)),
    'chat-n3': dict(
        choices=['{"city":"San Francisco","temperature":65,"units":"f"}',
                 '{"city":"San Francisco","temperature":61,"units":"f"}',
                 '{"city":"San Francisco","temperature":59,"units":"f"}'],
        usage=(79, 42, 121, None, None)),
    'chat-usage-obfuscation-2026': dict(
        calls=[('call_ZR5UUuTt3pf61kjwAJIYdVMj', 'get_capital', '{"country":"UK"}')],
        usage=(53, 15, 68, 0, None)),
    'chat-text-obfuscation-2026': dict(text='The capital of the UK is London.',
                                       usage=(78, 9, 87, None, None)),
    'chat-moderation-2026': dict(text='Paris.', usage=(13, 11, 24, None, None)),
}

O3_SHA = '4242cea70d53d7d1eb50d239ff4eaa73c101b72b1198b763679653eaec7fd88b'
O3_SUMMARY_DELTAS = [86, 100, 101, 96]
O3_SUMMARY_CHARS = [460, 517, 540, 505]


def readme_facts(readme):
    """Rows of the README's tables keyed by file stem, the sha256 list, the o3 text block."""
    files_rows, expect_rows = {}, {}
    for line in readme.splitlines():
        m = re.match(r'\| `([a-z0-9-]+)\.sse`( \(extra\))? \|(.*)\|\s*$', line)
        if not m:
            continue
        cells = [c.strip() for c in m.group(3).split('|')]
        if len(cells) >= 6:
            files_rows[m.group(1)] = cells          # first table: ... bytes | events
        else:
            expect_rows[m.group(1)] = line          # second table: expected result
    shas = dict((n[:-4], h) for h, n in re.findall(r'^([0-9a-f]{64})  (\S+\.sse)$', readme,
                                                   re.M))
    block = re.search(r'```text\n(.*?)\n```', readme, re.S).group(1)
    return files_rows, expect_rows, shas, block


def usage_of(u):
    return None if u is None else (u['input_tokens'], u['output_tokens'], u['total_tokens'],
                                   u['cached_tokens'], u['reasoning_tokens'])


def check_expected(name, res, row, o3_text):
    """Section 2: compare with the README's expected table."""
    exp = EXPECTED[name]
    s = res.summary()
    want_state = exp.get('state', 'completed')
    eq(s['state'], want_state, name + ' state')
    eq(s['http_status'], 200, name + ' http_status')

    # Every transcribed string must appear verbatim in the README row.
    probes = [exp.get('text'), exp.get('refusal')] + exp.get('choices', [])
    for c in exp.get('calls', []):
        probes += list(c)
    if 'error' in exp:
        probes += [exp['error']['code'], exp['error']['message']]
    if exp.get('usage'):
        probes.append('%d / %d / %d' % exp['usage'][:3])
    for p in probes:
        if p:
            check(p in row, '%s: transcribed value %r not found in README row' % (name, p))

    if name == 'responses-reasoning-summary-o3mini':
        text = s['text']
        eq(text, o3_text, name + ' text vs README code block')
        eq(hashlib.sha256(text.encode('utf-8')).hexdigest(), O3_SHA, name + ' text sha256')
        eq((len(text), len(text.encode('utf-8'))), (1251, 1275), name + ' text chars/bytes')
        per = {}
        for ev in res.raw_events:
            if ev['type'] == 'response.reasoning_summary_text.delta':
                per.setdefault(ev['summary_index'], []).append(ev['delta'])
        eq(sorted(per), [0, 1, 2, 3], name + ' summary indexes')
        eq([len(per[i]) for i in sorted(per)], O3_SUMMARY_DELTAS, name + ' summary deltas')
        eq([len(''.join(per[i])) for i in sorted(per)], O3_SUMMARY_CHARS,
           name + ' summary chars')
        eq(s['reasoning_summary'], ''.join(''.join(per[i]) for i in sorted(per)),
           name + ' reasoning_summary')
    else:
        eq(s['reasoning_summary'], '', name + ' reasoning_summary')
    if 'text' in exp:
        eq(s['text'], exp['text'], name + ' text')
    if 'deltas' in exp:
        eq([d for t, _, d in res.events if t == 'response.output_text.delta'], exp['deltas'],
           name + ' deltas')
    if 'ndeltas' in exp:
        eq(sum(1 for t, _, _ in res.events if t == 'response.output_text.delta'),
           exp['ndeltas'], name + ' number of text deltas')
    if 'choices' in exp:
        per = {}
        for ch in res.raw_events:
            for c in ch.get('choices') or []:
                if isinstance(c['delta'].get('content'), str):
                    per.setdefault(c['index'], []).append(c['delta']['content'])
        eq([''.join(per[i]) for i in sorted(per)], exp['choices'], name + ' per-choice text')
    if name.startswith('chat-') and 'text' not in exp and 'choices' not in exp:
        eq(s['text'], '', name + ' text (no content)')
    eq(s['refusal'], exp.get('refusal', ''), name + ' refusal')
    eq([(c['call_id'], c['name'], c['arguments']) for c in s['function_calls']],
       exp.get('calls', []), name + ' function_calls')
    eq(s['error'], exp.get('error'), name + ' error')
    eq(s['incomplete_reason'], exp.get('incomplete_reason'), name + ' incomplete_reason')
    got_u, want_u = usage_of(s['usage']), exp['usage']
    if want_u is None:
        eq(got_u, None, name + ' usage')
    else:
        for i, label in enumerate(('input', 'output', 'total', 'cached', 'reasoning')):
            if want_u[i] is not None:
                eq(got_u[i], want_u[i], '%s usage %s' % (name, label))


def check_consistency(name, res):
    """Section 3: the stream against itself (values the README does not list)."""
    s = res.summary()
    evs = res.raw_events
    if name.startswith('responses-'):
        done_text = ''.join(e['text'] for e in evs if e['type'] == 'response.output_text.done')
        eq(s['text'], done_text, name + ' text vs output_text.done')
        done_sum = ''.join(e['text'] for e in evs
                           if e['type'] == 'response.reasoning_summary_text.done')
        eq(s['reasoning_summary'], done_sum, name + ' reasoning vs summary_text.done')
        done_args = [e['arguments'] for e in evs
                     if e['type'] == 'response.function_call_arguments.done']
        eq([c['arguments'] for c in s['function_calls']], done_args,
           name + ' arguments vs function_call_arguments.done')
        term = [e for e in evs if e['type'] in ('response.completed', 'response.failed',
                                                'response.incomplete')]
        check(len(term) == 1, name + ' exactly one terminal lifecycle event')
        if term:
            r = term[0]['response']
            eq(s['response_id'], r['id'], name + ' response_id vs terminal event')
            u = r.get('usage')
            want = None if u is None else (
                u['input_tokens'], u['output_tokens'], u['total_tokens'],
                u.get('input_tokens_details', {}).get('cached_tokens', 0),
                u.get('output_tokens_details', {}).get('reasoning_tokens', 0))
            eq(usage_of(s['usage']), want, name + ' usage vs terminal event')
            calls = [(o['call_id'], o['name'], o['arguments']) for o in r.get('output', [])
                     if o.get('type') == 'function_call']
            eq([(c['call_id'], c['name'], c['arguments']) for c in s['function_calls']], calls,
               name + ' function_calls vs response.output')
    else:
        for c in s['function_calls']:
            try:
                json.loads(c['arguments'])
                ok = True
            except ValueError:
                ok = False
            check(ok, name + ' tool arguments are JSON: %r' % c['arguments'])
        ids = {ch.get('id') for ch in evs}
        eq(ids, {s['response_id']}, name + ' one chunk id')
    seqs = [q for _, q, _ in res.events]
    if name.startswith('responses-'):
        check(seqs == list(range(len(seqs))) or all(q is None for q in seqs),
              name + ' sequence numbers 0..N or absent')
    else:
        check(all(q is None for q in seqs), name + ' chat seq null')


def wrappings(body):
    """Section 4: (label, capture) pairs that must all decode to the same summary."""
    out = []
    for seed in (1, 2, 3):
        for mx in (1, 7, 64, 4096):
            out.append(('chunked seed=%d max=%d' % (seed, mx),
                        mkcapture.build_capture(body, seed=seed, max_chunk=mx)))
    out.append(('chunked ext+hex+trailers', mkcapture.build_capture(
        body, seed=9, chunk_ext=True, mixed_hex=True, trailers=('a: b', 'c: d'))))
    out.append(('length', mkcapture.build_capture(body, framing='length', headers=[])))
    out.append(('close', mkcapture.build_capture(body, framing='close')))
    out.append(('interim 100', mkcapture.build_capture(body, interim=True, seed=4)))
    out.append(('HTTP/1.0 close', mkcapture.build_capture(body, framing='close',
                                                          version='HTTP/1.0')))
    for le in ('crlf', 'cr'):
        out.append((le, mkcapture.build_capture(mkcapture.transform_sse(body, line_ends=le),
                                                seed=5)))
        out.append((le + '+keepalive', mkcapture.build_capture(
            mkcapture.transform_sse(body, keepalive=True, line_ends=le), framing='length')))
    out.append(('keepalive', mkcapture.build_capture(mkcapture.transform_sse(
        body, keepalive=True), seed=6)))
    out.append(('BOM', mkcapture.build_capture(b'\xef\xbb\xbf' + body, seed=7)))
    return out


def check_framings(name, body, want_summary):
    """`want_summary` is a summary dict; request_id is not compared."""
    api = api_for(name)
    want = dict(want_summary, request_id=None)
    for label, raw in wrappings(body):
        got = refdecode.decode_capture(raw, api).summary()
        eq(got, want, '%s wrapped as %s' % (name, label))
    for framing in ('chunked', 'length', 'close'):
        for kw in ({}, {'chunk_ext': True, 'mixed_hex': True, 'trailers': ('x: y',)}):
            http = refdecode.parse_http(mkcapture.build_capture(body, framing=framing, **kw))
            check(http.body == body and http.end == 'ok',
                  '%s: %s framing %r does not de-frame to the body' % (name, framing, kw))


# ---------------------------------------------------------------------------
# Section 5: edge cases of the rules refdecode implements
# ---------------------------------------------------------------------------

GPT52_HEAD = b'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n'


def edge_cases():
    J = refdecode.json_str
    # Output escaping (cli.md): only \" \\ \n \r \t and \u00XX for other C0 controls.
    eq(J('a"b\\c\n\r\t/\x7f\u00e9\U0001F600'), '"a\\"b\\\\c\\n\\r\\t/\x7f\u00e9\U0001F600"',
       'json_str basics')
    eq(J('\x00\x08\x0c\x1b\x1f'), '"\\u0000\\u0008\\u000c\\u001b\\u001f"', 'json_str controls')
    for cp in list(range(0x80)) + [0xe9, 0x2028, 0x1F600]:
        ch = chr(cp)
        want = json.dumps(ch, ensure_ascii=False).replace('\\b', '\\u0008') \
            .replace('\\f', '\\u000c')
        eq(J(ch), want, 'json_str U+%04X vs json.dumps' % cp)
    eq(refdecode.to_wire('\U0001F600'), b'\xf0\x9f\x98\x80', 'to_wire emoji')

    def http(raw):
        h = refdecode.parse_http(raw)
        return h.end, h.body

    ok_head = b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'
    eq(http(ok_head + b'6 ; x="q;y"\r\nabcdef\r\n0\r\n\r\n'), ('ok', b'abcdef'),
       'chunk ext with BWS and quoted ;')
    eq(http(ok_head + b'006;a=b\r\nabcdef\r\n0;z\r\nT: 1\nU: 2\r\n\r\nJUNK'),
       ('ok', b'abcdef'), 'zeros, ext, bare-LF trailer, bytes after end')
    eq(http(ok_head + b'A\r\n0123456789\r\n0\r\n\r\n'), ('ok', b'0123456789'),
       'upper-case size')
    for bad, label in ((b'a \r\n0123456789\r\n0\r\n\r\n', 'space after size'),
                       (b'2 xyz\r\nab\r\n0\r\n\r\n', 'junk after size'),
                       (b'2\nab\r\n0\r\n\r\n', 'bare LF after size'),
                       (b'2\r\nabX\n0\r\n\r\n', 'no CRLF after data'),
                       (b'2\r\nab\n0\r\n\r\n', 'bare LF after data'),
                       (b'0x2\r\nab\r\n0\r\n\r\n', '0x prefix'),
                       (b'+2\r\nab\r\n0\r\n\r\n', 'sign'),
                       (b'\r\nab\r\n0\r\n\r\n', 'empty size'),
                       (b'2;a\nb\r\nab\r\n0\r\n\r\n', 'bare LF in extension'),
                       (b'2;a\rb\r\nab\r\n0\r\n\r\n', 'bare CR in extension'),
                       (b'1' + b'0' * 16 + b'\r\n', 'size > 64 bits'),
                       (b'0\n\r\n', 'bare LF after last chunk')):
        eq(http(ok_head + bad)[0], 'error', 'chunked rejects ' + label)
    eq(http(ok_head + b'5\r\nabc'), ('truncated', b'abc'), 'EOF inside chunk')
    eq(http(ok_head + b'3\r\nabc\r\n'), ('truncated', b'abc'), 'EOF before last chunk')
    eq(http(ok_head + b'0\r\n'), ('truncated', b''), 'EOF before final CRLF')
    cl = b'HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\ncontent-length: 5\r\n\r\nhelloEXTRA'
    eq(http(cl), ('ok', b'hello'), 'identical Content-Length repeats')
    eq(http(b'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!')[0],
       'error', 'conflicting Content-Length')
    eq(http(b'HTTP/1.1 200 OK\r\nContent-Length: x5\r\n\r\nhello')[0], 'error',
       'non-numeric Content-Length')
    eq(http(b'HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhello'), ('truncated', b'hello'),
       'short Content-Length body')
    eq(http(b'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 1\r\n'
            b'\r\n1\r\nz\r\n0\r\n\r\n'), ('ok', b'z'), 'chunked wins over Content-Length')
    eq(http(b'HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n')[0], 'error', 'obsolete folding')
    eq(http(b'HTTP/1.1 200 OK\nContent-Length: 2\n\nhi'), ('ok', b'hi'), 'bare-LF headers')
    h = refdecode.parse_http(b'HTTP/1.1 100 Continue\r\nX-A: 1\r\n\r\nHTTP/1.1 103 Early '
                             b'Hints\r\n\r\nHTTP/1.0 201 \r\nx-request-id: r\r\n\r\nbody')
    eq((h.status, h.header('x-request-id'), h.header('x-a'), h.body), (201, 'r', None, b'body'),
       'interim responses skipped, empty reason, HTTP/1.0')

    # SSE rules.
    def events(body):
        return list(refdecode.sse_events(body))
    eq(events(b'\xef\xbb\xbfdata: a\r\rdata:b\r\ndata\n\nevent: e\ndata:  x\n\n'),
       [(b'message', b'a'), (b'message', b'b\n'), (b'e', b' x')], 'SSE BOM/CR/CRLF/fields')
    eq(events(b'\xef\xbb\xbf\xef\xbb\xbfdata: a\n\n'), [],
       'second BOM is data (the field name is not `data`)')
    eq(events(b': c\nevent: only\n\nid: 1\nretry: 5\nfoo: bar\ndata: z\n\ndata: cut'),
       [(b'message', b'z')], 'comments, event without data, unfinished event dropped')

    def summary(body, api='responses', head=GPT52_HEAD, tail=b''):
        raw = head + b'Content-Length: %d\r\n\r\n' % len(body) + body + tail
        return refdecode.decode_capture(raw, api).summary()

    created = b'data: {"type":"response.created","response":{"id":"r1"},"sequence_number":0}\n\n'
    done = b'data: {"type":"response.completed","response":{"id":"r1","usage":null}}\n\n'
    eq(summary(created + b'data: [DONE]\n\n' + done)['state'], 'truncated',
       '[DONE] ends a Responses stream without terminal state')
    eq(summary(created)['state'], 'truncated', 'no terminal event')
    eq(summary(created + b'data: {not json}\n\n' + done)['state'], 'protocol_error',
       'bad JSON before terminal')
    eq(summary(created + done + b'data: {not json}\n\n')['state'], 'completed',
       'bad JSON after terminal')
    chunked = b'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n' \
              b'Transfer-Encoding: chunked\r\n\r\n'
    raw = chunked + b'%x\r\n' % len(created + done) + created + done + b'\r\n'
    eq(refdecode.decode_capture(raw).summary()['state'], 'completed',
       'missing last chunk after terminal event')
    raw = chunked + b'%x\r\n' % len(created) + created + b'\r\nzz\r\n'
    eq(refdecode.decode_capture(raw).summary()['state'], 'protocol_error',
       'bad chunk framing before terminal event')
    raw = chunked + b'%x\r\n' % len(created) + created + b'\r\n'
    eq(refdecode.decode_capture(raw).summary()['state'], 'truncated',
       'EOF before last chunk, before terminal event')
    s = summary(created + b'data: {"type":"error","error":{"type":"t1","code":"c1",'
                b'"message":"m1"}}\n\ndata: {"type":"response.failed","response":{"id":"r1",'
                b'"error":{"code":"c2","message":"m2"}}}\n\n')
    eq((s['state'], s['error']), ('failed', {'status': None, 'type': 't1', 'code': 'c1',
                                             'message': 'm1'}), 'first error wins')
    fc = (b'data: {"type":"response.output_item.added","output_index":%d,"item":{"id":"fc_%d",'
          b'"type":"function_call","call_id":"call_%d","name":"f%d","arguments":""}}\n\n'
          b'data: {"type":"response.function_call_arguments.delta","item_id":"fc_%d",'
          b'"output_index":%d,"delta":"{}"}\n\n')
    s = summary(created + fc % ((1,) * 6) + fc % ((0,) * 6) +
                b'data: {"type":"response.output_item.done","output_index":1,"item":{"id":"fc_1",'
                b'"type":"function_call"}}\n\n' +
                b'data: {"type":"response.function_call_arguments.done","item_id":"fc_0",'
                b'"output_index":0}\n\n' + fc % ((2,) * 6) + done)
    eq(s['function_calls'], [{'call_id': 'call_0', 'name': 'f0', 'arguments': '{}'},
                             {'call_id': 'call_1', 'name': 'f1', 'arguments': '{}'}],
       'calls in output_index order, only completed ones')
    s = summary(b'data: {"type":"response.failed","response":{"id":"r1","error":null}}\n\n')
    eq((s['state'], s['error']), ('failed', None), 'response.failed with error null')
    s = summary(b'data: {"id":"c","choices":[{"index":0,"delta":{"content":"a"},'
                b'"finish_reason":"content_filter"}]}\n\ndata: [DONE]\n\n', 'chat')
    eq((s['state'], s['incomplete_reason'], s['text']), ('incomplete', 'content_filter', 'a'),
       'chat content_filter')
    s = summary(b'data: {"error":{"message":"boom","type":"server_error","param":null,'
                b'"code":null}}\n\ndata: [DONE]\n\n', 'chat')
    eq((s['state'], s['error']), ('failed', {'status': None, 'type': 'server_error',
                                             'code': None, 'message': 'boom'}), 'chat error')
    s = summary(b'data: {"id":"c","choices":[]}\n\n', 'chat')
    eq(s['state'], 'truncated', 'chat without [DONE]')
    s = summary(b'nope', head=b'HTTP/1.1 503 Service Unavailable\r\n')
    eq((s['state'], s['http_status'], s['error']),
       ('http_error', 503, {'status': 503, 'type': None, 'code': None, 'message': None}),
       'non-JSON error body')
    s = summary(b'', head=b'HTTP/1.1 200 OK\r\n')
    eq(s['state'], 'protocol_error', '200 without content-type')
    eq(refdecode.decode_capture(b'HTTP/1.1 200 OK\r\nContent-Ty').summary()['state'],
       'truncated', 'EOF inside the header block')
    eq(refdecode.decode_capture(b'HTTP/2 200\r\n\r\n').summary()['state'], 'protocol_error',
       'bad status line')


# ---------------------------------------------------------------------------
# Section 6: synthesized captures and the committed golden files
# ---------------------------------------------------------------------------

SYNTH = {
    'responses-two-parallel-calls': lambda s: (
        s['state'] == 'completed' and [c['name'] for c in s['function_calls']] ==
        ['get_weather', 'get_local_time'] and s['function_calls'][1]['arguments'] ==
        '{"timezone":"Asia/Tokyo"}' and s['usage']['cached_tokens'] == 1152),
    'responses-refusal': lambda s: (s['state'] == 'completed' and s['text'] == '' and
                                    s['refusal'] == "I'm sorry, but I can't help with that."),
    'responses-error-flat': lambda s: (s['state'] == 'failed' and s['error']['type'] is None
                                       and s['error']['code'] == 'rate_limit_exceeded' and
                                       s['response_id'] is not None and s['usage'] is None),
    'responses-error-nested': lambda s: (
        s['state'] == 'failed' and s['error']['type'] == 'invalid_request_error' and
        s['error']['message'].startswith('Your input exceeds')),
    'responses-failed': lambda s: (s['state'] == 'failed' and s['text'] == 'Once upon a time,'
                                   and s['error']['code'] == 'server_error' and
                                   s['error']['type'] is None),
    'responses-incomplete': lambda s: (
        s['state'] == 'incomplete' and s['incomplete_reason'] == 'max_output_tokens' and
        s['text'] == 'Name\tScore\nZo\u00eb\t"A"</b>/\x0ccaf\u00e9 and more' and
        usage_of(s['usage']) == (25, 16, 41, 0, 0)),
    'responses-truncated': lambda s: (s['state'] == 'truncated' and s['usage'] is None and
                                      s['text'] == '' and len(s['reasoning_summary']) > 100),
    'responses-truncated-call': lambda s: (s['state'] == 'truncated' and
                                           s['function_calls'] == [] and s['usage'] is None),
    'responses-http-429': lambda s: (s['state'] == 'http_error' and s['http_status'] == 429 and
                                     s['error']['type'] == 'requests' and
                                     s['error']['code'] == 'rate_limit_exceeded' and
                                     s['error']['status'] == 429),
    'responses-http-401': lambda s: (s['state'] == 'http_error' and s['http_status'] == 401 and
                                     s['error']['code'] == 'invalid_api_key'),
    'responses-wrong-ctype': lambda s: (s['state'] == 'protocol_error' and s['error'] is None
                                        and s['http_status'] == 200),
}
# Same summary as a transcript capture, apart from request_id.
SAME_AS = {'responses-keepalive': 'responses-text-gpt52',
           'responses-crlf': 'responses-text-gpt52',
           'responses-unknown-type': 'responses-text-gpt52',
           'chat-close-delimited': 'chat-text'}


def check_captures(capdir, transcripts):
    names = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(capdir, '*.http')))
    check(len(names) >= len(EXPECTED) + len(SYNTH) + len(SAME_AS),
          'captures missing in %s (%d found)' % (capdir, len(names)))
    summaries = {}
    for name in names:
        with open(os.path.join(capdir, name + '.http'), 'rb') as f:
            raw = f.read()
        res = refdecode.decode_capture(raw, api_for(name))
        s = summaries[name] = res.summary()
        eq(s['request_id'], 'req_test_' + name, name + ' request_id')
        for suffix, events in (('.expected', False), ('.events', True)):
            path = os.path.join(capdir, name + suffix)
            try:
                with open(path, 'rb') as f:
                    stored = f.read()
            except OSError:
                stored = None
            check(stored == res.output(events=events),
                  '%s is stale or missing: rerun make_captures.py' % path)
        if name in SYNTH:
            check(SYNTH[name](s), name + ' synthesized expectations: ' + json.dumps(s)[:300])
        if name in EXPECTED:
            with open(os.path.join(transcripts, name + '.sse'), 'rb') as f:
                body = f.read()
            want = refdecode.decode_capture(
                mkcapture.build_capture(body, request_id='req_test_' + name), api_for(name))
            eq(res.summary_line(), want.summary_line(), name + ' capture vs plain wrapping')
    for name, base in SAME_AS.items():
        if name in summaries and base in summaries:
            a, b = dict(summaries[name]), dict(summaries[base])
            a.pop('request_id')
            b.pop('request_id')
            eq(a, b, '%s vs %s' % (name, base))
    with open(os.path.join(capdir, 'responses-unknown-type.events'), 'rb') as f:
        check(b'{"type":"response.future_thing.delta","seq":7,"delta":"NOT PART OF THE TEXT"}'
              in f.read(), 'unknown event printed with --events')


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--transcripts', default=os.path.join(HERE, '..', 'transcripts'))
    ap.add_argument('--captures', default=os.path.join(HERE, '..', 'captures'))
    args = ap.parse_args(argv)

    with open(os.path.join(args.transcripts, 'README.md'), encoding='utf-8') as f:
        readme = f.read()
    files_rows, expect_rows, shas, o3_text = readme_facts(readme)
    eq(sorted(files_rows), sorted(EXPECTED), 'README file table')
    eq(sorted(expect_rows), sorted(EXPECTED), 'README expected table')

    for name in sorted(EXPECTED):
        with open(os.path.join(args.transcripts, name + '.sse'), 'rb') as f:
            body = f.read()
        # 1. The input files.
        eq(hashlib.sha256(body).hexdigest(), shas.get(name), name + ' sha256')
        eq(len(body), int(files_rows[name][-2]), name + ' bytes')
        eq(len(list(refdecode.sse_events(body))), int(files_rows[name][-1]), name + ' events')
        # 2.-4. The decoded result.
        raw = mkcapture.build_capture(body, request_id='req_x')
        res = refdecode.decode_capture(raw, api_for(name))
        check_expected(name, res, expect_rows[name], o3_text)
        check_consistency(name, res)
        check_framings(name, body, res.summary())

    edge_cases()
    check_captures(os.path.normpath(args.captures), args.transcripts)

    print('check_ref: %d checks passed, %d failed' % (PASSES[0], len(FAILS)))
    return 1 if FAILS else 0


if __name__ == '__main__':
    sys.exit(main())
