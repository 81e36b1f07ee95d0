#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Regenerate the golden captures in tests/captures/ (deterministic; run from anywhere).

    make_captures.py [--transcripts DIR] [--out DIR]

For every capture NAME it writes
  NAME.http      the raw HTTP/1.1 response (mkcapture.py)
  NAME.expected  the summary line `dripfeed decode` must print (refdecode.py)
  NAME.events    the `--events` output: one line per event, then the summary
and finally README.md, the list of captures and what each one exercises.
Files whose name starts with `chat-` are decoded with `--api chat`, all others with
`--api responses`.

Two groups of captures:
  * one per real transcript in tests/transcripts/ (chunked, random chunk sizes, a made-up
    x-request-id `req_test_<name>`), some with chunk extensions, upper-case / zero-padded
    chunk sizes, trailer fields or an interim `100 Continue`;
  * synthesized Responses streams and HTTP-level cases built below. The synthesized
    streams follow spec/openai.md s2: `event:` equal to the JSON `type`, `sequence_number`
    0..N, keys ordered like the 2026 captures (`type` first, then alphabetical), nested
    objects in the order real ones use, ids with real prefixes and lengths.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkcapture  # noqa: E402
import refdecode  # noqa: E402
from mkcapture import SplitMix64  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TRANSCRIPTS = os.path.normpath(os.path.join(HERE, '..', 'transcripts'))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, '..', 'captures'))

# ---------------------------------------------------------------------------
# Building Responses streams
# ---------------------------------------------------------------------------


class Raw(str):
    """A JSON fragment written verbatim (to put escapes such as \\u00e9 or \\/ on the wire)."""


def dump(v):
    """Compact JSON like OpenAI's (no spaces, raw UTF-8), honouring Raw fragments."""
    if isinstance(v, Raw):
        return str(v)
    if isinstance(v, dict):
        return '{' + ','.join(json.dumps(k) + ':' + dump(x) for k, x in v.items()) + '}'
    if isinstance(v, list):
        return '[' + ','.join(dump(x) for x in v) + ']'
    return json.dumps(v, ensure_ascii=False)


class Ids:
    """Realistic-looking ids. Items of one response share its 24-hex prefix, like the
    real `resp_0dbef2d9d14a548c00696d5e6f50...` / `msg_0dbef2d9d14a548c00696d5e6fb1...`."""

    ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

    def __init__(self, seed):
        self.rng = SplitMix64(seed)
        self.prefix = self.hex(16) + '00' + self.hex(8)

    def hex(self, n):
        return ''.join('0123456789abcdef'[self.rng.below(16)] for _ in range(n))

    def alnum(self, n):
        return ''.join(self.ALNUM[self.rng.below(len(self.ALNUM))] for _ in range(n))

    def item(self, kind):
        """resp_ / msg_ / fc_ / rs_ id: prefix + 24 more hex digits (50 in all)."""
        return '%s_%s%s' % (kind, self.prefix, self.hex(24))

    def call(self):
        return 'call_' + self.alnum(24)

    def obfuscation(self, delta):
        """Padding like the real streams: delta + padding is about 16 characters."""
        return self.alnum(max(2, 16 - len(delta)))


def template_from_body(body):
    """The `response` object of the `response.created` event in an SSE body."""
    for line in body.split(b'\n'):
        if line.startswith(b'data: {"type":"response.created"'):
            return json.loads(line[6:])['response']
    raise RuntimeError('no response.created event')


def load_template(transcripts):
    """The `response` object of the real gpt-5.2 `response.created`, as a key-order template."""
    with open(os.path.join(transcripts, 'responses-text-gpt52.sse'), 'rb') as f:
        return template_from_body(f.read())


def usage_obj(inp, out, cached=0, reasoning=0):
    return {'input_tokens': inp, 'input_tokens_details': {'cached_tokens': cached},
            'output_tokens': out, 'output_tokens_details': {'reasoning_tokens': reasoning},
            'total_tokens': inp + out}


class Stream:
    """Accumulates Responses events; numbers them; frames them as SSE."""

    def __init__(self, template, ids, created_at, **overrides):
        self.events = []
        self.ids = ids
        self.resp = dict(template)              # keeps the real key order
        self.resp.update(id=ids.item('resp'), created_at=created_at, **overrides)
        self.output = []

    def add(self, etype, **fields):
        fields['sequence_number'] = len(self.events)
        ev = {'type': etype}
        for k in sorted(fields):
            ev[k] = fields[k]
        self.events.append(ev)
        return ev

    def response(self, **changes):
        r = dict(self.resp)
        r.update(changes)
        return r

    def start(self):
        self.add('response.created', response=self.response())
        self.add('response.in_progress', response=self.response())

    def message(self, pieces, status='completed', part_type='output_text', raw=()):
        """A message item streamed as `pieces`; pieces whose index is in `raw` are given as
        Raw JSON string literals (their decoded value is used for the done events)."""
        idx = len(self.output)
        mid = self.ids.item('msg')
        texts = [json.loads(p) if i in raw else p for i, p in enumerate(pieces)]
        full = ''.join(texts)
        if part_type == 'output_text':
            part = lambda t: {'type': 'output_text', 'annotations': [], 'logprobs': [],
                              'text': t}
            dtype, dfield = 'response.output_text', 'text'
        else:
            part = lambda t: {'type': 'refusal', 'refusal': t}
            dtype, dfield = 'response.refusal', 'refusal'
        item = lambda st, content: {'id': mid, 'type': 'message', 'status': st,
                                    'content': content, 'role': 'assistant'}
        self.add('response.output_item.added', item=item('in_progress', []), output_index=idx)
        self.add('response.content_part.added', content_index=0, item_id=mid,
                 output_index=idx, part=part(''))
        for i, p in enumerate(pieces):
            extra = {'logprobs': []} if part_type == 'output_text' else {}
            self.add(dtype + '.delta', content_index=0, item_id=mid, output_index=idx,
                     delta=Raw(p) if i in raw else p,
                     obfuscation=self.ids.obfuscation(texts[i]), **extra)
        extra = {'logprobs': []} if part_type == 'output_text' else {}
        self.add(dtype + '.done', content_index=0, item_id=mid, output_index=idx,
                 **{dfield: full}, **extra)
        self.add('response.content_part.done', content_index=0, item_id=mid,
                 output_index=idx, part=part(full))
        done = item(status, [part(full)])
        self.add('response.output_item.done', item=done, output_index=idx)
        self.output.append(done)
        return full

    def function_call(self, name, arg_pieces):
        idx = len(self.output)
        fid, cid = self.ids.item('fc'), self.ids.call()
        args = ''.join(arg_pieces)
        item = lambda st, a: {'id': fid, 'type': 'function_call', 'status': st,
                              'arguments': a, 'call_id': cid, 'name': name}
        self.add('response.output_item.added', item=item('in_progress', ''), output_index=idx)
        for p in arg_pieces:
            self.add('response.function_call_arguments.delta', delta=p, item_id=fid,
                     obfuscation=self.ids.obfuscation(p), output_index=idx)
        self.add('response.function_call_arguments.done', arguments=args, item_id=fid,
                 name=name, output_index=idx)
        done = item('completed', args)
        self.add('response.output_item.done', item=done, output_index=idx)
        self.output.append(done)
        return cid

    def body(self):
        return b''.join(('event: %s\ndata: %s\n\n' % (ev['type'], dump(ev))).encode('utf-8')
                        for ev in self.events)


WEATHER_TOOLS = [
    {'type': 'function', 'description': 'Get the current weather for a location.',
     'name': 'get_weather',
     'parameters': {'type': 'object', 'properties': {
         'location': {'type': 'string', 'description': 'City and country'},
         'unit': {'type': 'string', 'enum': ['celsius', 'fahrenheit']}},
         'required': ['location', 'unit'], 'additionalProperties': False},
     'strict': True},
    {'type': 'function', 'description': 'Get the local time in a time zone.',
     'name': 'get_local_time',
     'parameters': {'type': 'object', 'properties': {
         'timezone': {'type': 'string', 'description': 'IANA time zone name'}},
         'required': ['timezone'], 'additionalProperties': False},
     'strict': True},
]


def synth_two_parallel_calls(tpl):
    s = Stream(tpl, Ids(101), 1768780000, model='gpt-4.1-2025-04-14', instructions=None,
               reasoning={'effort': None, 'summary': None}, tools=WEATHER_TOOLS,
               top_p=1.0, text={'format': {'type': 'text'}, 'verbosity': 'medium'})
    s.start()
    s.function_call('get_weather', ['{"', 'location', '":"', 'Paris', ',', ' France', '","',
                                    'unit', '":"', 'c', 'elsius', '"}'])
    s.function_call('get_local_time', ['{"', 'timezone', '":"', 'Asia', '/', 'Tokyo', '"}'])
    s.add('response.completed', response=s.response(
        status='completed', completed_at=1768780001, output=s.output, service_tier='default',
        usage=usage_obj(1290, 48, cached=1152)))
    return s.body()


def synth_refusal(tpl):
    s = Stream(tpl, Ids(102), 1768780100, model='gpt-4o-2024-08-06', instructions=None,
               reasoning={'effort': None, 'summary': None}, top_p=1.0)
    s.start()
    s.message(["I'm", ' sorry', ',', ' but', ' I', " can't", ' help', ' with', ' that', '.'],
              part_type='refusal')
    s.add('response.completed', response=s.response(
        status='completed', completed_at=1768780101, output=s.output, service_tier='default',
        usage=usage_obj(31, 10)))
    return s.body()


def synth_error_flat(tpl):
    s = Stream(tpl, Ids(103), 1768780200, model='gpt-4.1-mini-2025-04-14', instructions=None,
               reasoning={'effort': None, 'summary': None}, top_p=1.0)
    s.start()
    # The shape in the OpenAPI spec and the Python SDK model: no nested object, no `type`.
    s.events.append({
        'type': 'error', 'code': 'rate_limit_exceeded',
        'message': 'Rate limit reached for gpt-4.1-mini in organization org-test on tokens '
                   'per min (TPM): Limit 200000, Used 199852, Requested 1352. Please try '
                   'again in 360ms. Visit https://platform.openai.com/account/rate-limits to '
                   'learn more.',
        'param': None, 'sequence_number': len(s.events)})
    return s.body()                     # the stream simply ends


def synth_error_nested(tpl):
    s = Stream(tpl, Ids(104), 1768780300, model='gpt-5-nano-2025-08-07', instructions=None,
               reasoning={'effort': 'medium', 'summary': None})
    s.start()
    s.add('error', error={
        'type': 'invalid_request_error', 'code': 'context_length_exceeded',
        'message': 'Your input exceeds the context window of this model. Please adjust your '
                   'input and try again.',
        'param': 'input'})
    s.add('response.failed', response=s.response(status='failed', error={
        'code': 'context_length_exceeded',
        'message': 'The input exceeds the context window of this model.'}))
    return s.body()


def synth_failed(tpl):
    s = Stream(tpl, Ids(105), 1768780400, model='gpt-4o-2024-08-06', instructions=None,
               reasoning={'effort': None, 'summary': None}, top_p=1.0)
    s.start()
    # Emit the start of a message, then fail mid-answer (no *.done events).
    idx, mid = 0, s.ids.item('msg')
    s.add('response.output_item.added', output_index=idx, item={
        'id': mid, 'type': 'message', 'status': 'in_progress', 'content': [],
        'role': 'assistant'})
    s.add('response.content_part.added', content_index=0, item_id=mid, output_index=idx,
          part={'type': 'output_text', 'annotations': [], 'logprobs': [], 'text': ''})
    for p in ['Once', ' upon', ' a', ' time', ',']:
        s.add('response.output_text.delta', content_index=0, delta=p, item_id=mid,
              logprobs=[], obfuscation=s.ids.obfuscation(p), output_index=idx)
    s.add('response.failed', response=s.response(status='failed', error={
        'code': 'server_error',
        'message': 'An error occurred while processing your request. You can retry your '
                   'request, or contact us through our help center at help.openai.com if '
                   'the error persists. Please include the request ID '
                   'req_test_responses-failed in your message.'}))
    return s.body()


def synth_incomplete(tpl):
    s = Stream(tpl, Ids(106), 1768780500, model='gpt-4o-mini-2024-07-18', instructions=None,
               max_output_tokens=16, reasoning={'effort': None, 'summary': None}, top_p=1.0)
    s.start()
    # Output escaping cases: tab, form feed (\u000c, not \f, on output), quotes, '/',
    # an escaped slash on the wire (\/), raw UTF-8 and a \u00e9 escape on the wire.
    pieces = ['Name', '\t', 'Score', '\n', 'Zo\u00eb', '\t', '"A"', '</b>', '"\\/"',
              '\u000c', '"caf\\u00e9"', ' and', ' more']
    raw = {8, 10}                         # given as JSON literals, not plain text
    text = s.message(pieces, status='incomplete', raw=raw)
    assert '\\' not in text
    s.add('response.incomplete', response=s.response(
        status='incomplete', incomplete_details={'reason': 'max_output_tokens'},
        output=s.output, service_tier='default', usage=usage_obj(25, 16)))
    return s.body()


def _renumber(frames):
    """Rewrite `"sequence_number":N` of LF-framed events so they count 0, 1, 2, ..."""
    out = []
    for i, fr in enumerate(frames):
        head, sep, rest = fr.partition(b'"sequence_number":')
        digits = len(rest) - len(rest.lstrip(b'0123456789'))
        out.append(head + sep + str(i).encode() + rest[digits:])
    return out


def synth_unknown_type(transcripts):
    """gpt-5.2 text stream with an event type nobody knows yet after the third text delta."""
    with open(os.path.join(transcripts, 'responses-text-gpt52.sse'), 'rb') as f:
        frames, _ = mkcapture.split_events(f.read())
    item_id = json.loads(frames[2].split(b'data: ', 1)[1])['item']['id']
    future = {'type': 'response.future_thing.delta', 'delta': 'NOT PART OF THE TEXT',
              'item_id': item_id, 'output_index': 0, 'payload': {'kind': 'future', 'n': [1, 2]},
              'sequence_number': 7}
    frames.insert(7, ('event: response.future_thing.delta\ndata: %s\n\n'
                      % dump(future)).encode())
    return b''.join(_renumber(frames))


# ---------------------------------------------------------------------------
# The capture list
# ---------------------------------------------------------------------------

def read(transcripts, name):
    with open(os.path.join(transcripts, name + '.sse'), 'rb') as f:
        return f.read()


# Per-transcript HTTP variations: (description, build_capture keyword arguments).
TRANSCRIPT_VARIANTS = {
    'responses-text-gpt52': ('', {}),
    'responses-function-call-gpt5': ('chunk extensions', {'chunk_ext': True}),
    'responses-reasoning-summary-o3mini': ('chunk extensions, chunks up to 4 KiB',
                                           {'chunk_ext': True, 'max_chunk': 4096}),
    'responses-background': ('upper-case / zero-padded chunk sizes', {'mixed_hex': True}),
    'responses-legacy-noseq': ('interim `100 Continue` before the 200', {'interim': True}),
    'responses-legacy-noseq-function-call': ('trailer fields', {
        'trailers': ('x-openai-trailer: done', 'x-checksum: 0')}),
    'responses-error-quota': ('chunks up to 64 bytes', {'max_chunk': 64}),
    'chat-text': ('', {}),
    'chat-tool-call': ('upper-case / zero-padded chunk sizes', {'mixed_hex': True}),
    'chat-parallel-tools': ('chunk extensions', {'chunk_ext': True}),
    'chat-refusal': ('a trailer field', {'trailers': ('x-openai-trailer: done',)}),
    'chat-length': ('chunks up to 16 bytes', {'max_chunk': 16}),
    'chat-n3': ('chunk extensions and mixed-case sizes', {'chunk_ext': True,
                                                          'mixed_hex': True}),
    'chat-usage-obfuscation-2026': ('', {}),
    'chat-text-obfuscation-2026': ('', {}),
    'chat-moderation-2026': ('upper-case / zero-padded chunk sizes', {'mixed_hex': True}),
}


# Streams recorded by another project (tests/transcripts/vercel-ai/, vercel/ai's
# OpenAI provider fixtures, Apache-2.0): (capture name, file stem, description).
THIRD_PARTY = [
    ('vercel-gpt51-tool-call', 'issue-19493-gpt-5.1-tool-call',
     'gpt-5.1 function_call (get_weather)'),
    ('vercel-custom-tool', 'openai-custom-tool.1',
     'custom_tool_call (write_sql) with its input: a client call; no sequence_number'),
    ('vercel-mcp-tool', 'openai-mcp-tool.1',
     'two hosted mcp_call items (not calls the app answers) and text; a 43 KB '
     'response.completed'),
    ('vercel-mcp-tool-approval', 'openai-mcp-tool-approval.1',
     'mcp_approval_request item: no call is listed'),
    ('vercel-web-search-tool', 'openai-web-search-tool.1',
     'four hosted web_search_call items, then text with annotations'),
    ('vercel-code-interpreter-tool', 'openai-code-interpreter-tool.1',
     'three hosted code_interpreter_call items with code deltas, then text'),
]


def drop_events(body, types):
    """The LF-framed SSE body without the events whose JSON type is in `types`."""
    frames, tail = mkcapture.split_events(body)
    keep = [f for f in frames
            if json.loads(f.split(b'data: ', 1)[1])['type'] not in types]
    return b''.join(keep) + tail


def third_party(transcripts):
    """Captures of the vercel/ai recordings, plus two shapes of the gpt-5.1 call that
    servers such as LM Studio send: arguments only in the .done event (no deltas), and
    only in the output_item.done item (no argument events at all)."""
    seed = 300
    for name, stem, desc in THIRD_PARTY:
        seed += 1
        yield (name, 'vercel/ai recording, chunked; ' + desc,
               mkcapture.build_capture(read(transcripts, os.path.join('vercel-ai', stem)),
                                       seed=seed, request_id='req_test_' + name))
    call = read(transcripts, os.path.join('vercel-ai', 'issue-19493-gpt-5.1-tool-call'))
    yield ('vercel-gpt51-args-only-done', 'the gpt-5.1 call without its argument deltas: '
           'the arguments come only in response.function_call_arguments.done',
           mkcapture.build_capture(drop_events(call, {'response.function_call_arguments.delta'}),
                                   seed=310, request_id='req_test_vercel-gpt51-args-only-done'))
    yield ('vercel-gpt51-args-only-item', 'the gpt-5.1 call without any argument event: the '
           'arguments come only in the output_item.done item',
           mkcapture.build_capture(drop_events(call, {'response.function_call_arguments.delta',
                                                      'response.function_call_arguments.done'}),
                                   seed=311, request_id='req_test_vercel-gpt51-args-only-item'))


def captures(transcripts):
    """Yield (name, description, raw capture bytes)."""
    yield from third_party(transcripts)
    for seed, (name, (desc, kw)) in enumerate(sorted(TRANSCRIPT_VARIANTS.items()), 1):
        yield (name, 'real transcript, chunked' + (', ' + desc if desc else ''),
               mkcapture.build_capture(read(transcripts, name), seed=seed,
                                       request_id='req_test_' + name, **kw))

    tpl = load_template(transcripts)
    synth = [
        ('responses-two-parallel-calls', 'two function_call items (output_index 0 and 1), '
         'one after the other; cached input tokens', synth_two_parallel_calls(tpl)),
        ('responses-refusal', 'refusal content part with response.refusal.delta events',
         synth_refusal(tpl)),
        ('responses-error-flat', 'flat (documented) `error` event, then the stream ends',
         synth_error_flat(tpl)),
        ('responses-error-nested', 'nested (real) `error` event, then response.failed with a '
         'different error: the first error wins', synth_error_nested(tpl)),
        ('responses-failed', 'text deltas, then response.failed with response.error '
         'server_error', synth_failed(tpl)),
        ('responses-incomplete', 'response.incomplete (max_output_tokens) with usage; deltas '
         'with tab, form feed, quotes, "/", JSON escapes \\/ and \\u00e9, raw UTF-8',
         synth_incomplete(tpl)),
    ]
    for i, (name, desc, body) in enumerate(synth, 100):
        yield (name, 'synthesized, chunked; ' + desc,
               mkcapture.build_capture(body, seed=i, request_id='req_test_' + name))

    gpt52 = read(transcripts, 'responses-text-gpt52')
    o3 = read(transcripts, 'responses-reasoning-summary-o3mini')
    chat_text = read(transcripts, 'chat-text')
    yield ('responses-keepalive', 'gpt-5.2 text with `: keep-alive` / `:` comment lines '
           '(and a comment followed by an empty line) between events',
           mkcapture.build_capture(mkcapture.transform_sse(gpt52, keepalive=True), seed=201,
                                   request_id='req_test_responses-keepalive'))
    yield ('responses-crlf', 'gpt-5.2 text with CRLF line ends, Content-Length framing',
           mkcapture.build_capture(mkcapture.transform_sse(gpt52, line_ends='crlf'),
                                   framing='length', seed=202,
                                   request_id='req_test_responses-crlf'))
    yield ('responses-unknown-type', 'gpt-5.2 text with an unknown '
           '`response.future_thing.delta` event after the third delta (printed with --events, '
           'otherwise ignored)',
           mkcapture.build_capture(synth_unknown_type(transcripts), seed=203,
                                   request_id='req_test_responses-unknown-type'))
    yield ('responses-truncated', 'o3-mini stream cut after 100 events (no terminal event), '
           'chunked framing ended properly',
           mkcapture.build_capture(mkcapture.transform_sse(o3, truncate_events=100), seed=204,
                                   request_id='req_test_responses-truncated'))
    yield ('responses-truncated-call', 'gpt-5 function-call stream cut after 8 events, in the '
           'middle of the argument deltas: the unfinished call is not listed',
           mkcapture.build_capture(mkcapture.transform_sse(
               read(transcripts, 'responses-function-call-gpt5'), truncate_events=8),
               seed=209, request_id='req_test_responses-truncated-call'))
    yield ('responses-http-429', '429 rate limit, JSON error body, retry-after: 2, '
           'Content-Length',
           mkcapture.build_capture(
               mkcapture.error_body('Rate limit reached for gpt-4o in organization org-test '
                                    'on requests per min (RPM): Limit 500, Used 500, '
                                    'Requested 1. Please try again in 120ms. Visit '
                                    'https://platform.openai.com/account/rate-limits to '
                                    'learn more.', 'requests', 'rate_limit_exceeded'),
               status=429, content_type='application/json; charset=utf-8', framing='length',
               seed=205, request_id='req_test_responses-http-429',
               extra_headers=('retry-after: 2', 'retry-after-ms: 120')))
    yield ('responses-http-401', '401 invalid_api_key, chunked JSON error body',
           mkcapture.build_capture(
               mkcapture.error_body('Incorrect API key provided: test-key***0000. You can '
                                    'find your API key at '
                                    'https://platform.openai.com/account/api-keys.',
                                    'invalid_request_error', 'invalid_api_key'),
               status=401, content_type='application/json; charset=utf-8', seed=206,
               max_chunk=64, request_id='req_test_responses-http-401'))
    completed = [f for f in mkcapture.split_events(gpt52)[0] if b'response.completed' in f][0]
    resp_json = json.loads(completed.split(b'data: ', 1)[1])['response']
    yield ('responses-wrong-ctype', '200 with content-type application/json (a non-streamed '
           'Response object): protocol_error',
           mkcapture.build_capture(
               (dump(resp_json) + '\n').encode('utf-8'), content_type='application/json',
               framing='length', seed=207, request_id='req_test_responses-wrong-ctype'))
    yield ('chat-close-delimited', 'chat text, no Content-Length or chunking: the body ends '
           'at connection close',
           mkcapture.build_capture(chat_text, framing='close', seed=208,
                                   request_id='req_test_chat-close-delimited'))


def api_for(name):
    return 'chat' if name.startswith('chat-') else 'responses'


def write_outputs(path_base, raw, api, events=True):
    """Write BASE (capture), BASE.expected and (optionally) BASE.events; return the Result."""
    res = refdecode.decode_capture(raw, api)
    with open(path_base + '.expected', 'wb') as f:
        f.write(res.output(events=False))
    if events:
        with open(path_base + '.events', 'wb') as f:
            f.write(res.output(events=True))
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--transcripts', default=DEFAULT_TRANSCRIPTS)
    ap.add_argument('--out', default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    rows = []
    for name, desc, raw in captures(args.transcripts):
        base = os.path.join(args.out, name)
        with open(base + '.http', 'wb') as f:
            f.write(raw)
        res = write_outputs(base, raw, api_for(name))
        rows.append((name, api_for(name), res.state, len(raw), desc))
        print('%-40s %-9s %-14s %7d bytes' % (name, api_for(name), res.state, len(raw)))

    with open(os.path.join(args.out, 'README.md'), 'w') as f:
        f.write('# Golden captures for `dripfeed decode`\n\n'
                'Generated by `tests/tools/make_captures.py` (do not edit by hand); checked '
                'by\n`tests/tools/run_golden.py BUILD/dripfeed tests/captures`.\n\n'
                'Each `NAME.http` is a raw HTTP/1.1 response. `NAME.expected` is the summary '
                'line and\n`NAME.events` the `--events` output, both computed by the '
                'independent reference\ndecoder `tests/tools/refdecode.py`. Names starting '
                'with `chat-` are decoded with\n`--api chat`, the others with '
                '`--api responses`.\n\n'
                '| capture | api | state | bytes | what it exercises |\n'
                '|---|---|---|---|---|\n')
        for name, api, state, size, desc in rows:
            f.write('| `%s` | %s | %s | %d | %s |\n' % (name, api, state, size, desc))
    return 0


if __name__ == '__main__':
    sys.exit(main())
