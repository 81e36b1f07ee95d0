#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Reference decoder for `dripfeed decode`, written independently of the C code.

Given a raw HTTP/1.1 response capture (status line, headers, body in any framing) this
computes exactly what `build/dripfeed decode` must print (see docs/spec/cli.md):

    refdecode.py [decode] [--api responses|chat] [--events] [--feed N] [--buffer N] [CAPTURE]

The capture is read from CAPTURE or stdin. `--feed` and `--buffer` are accepted and ignored
(the reference has no size limits and sees the whole input at once) so that this script can
stand in for the binary in `run_golden.py --self-test`. The exit status follows cli.md:
0 for state `completed`, 1 for every other state, 2 for bad usage.

Pipeline, one stage per section below:
  1. HTTP/1.1 de-framing (spec/http.md): interim 1xx skipped, chunked / Content-Length /
     close-delimited body. The result is the body bytes plus how the framing ended:
     "ok", "truncated" (EOF too early) or "error" (malformed framing).
  2. SSE (spec/sse.md): BOM, CR / LF / CRLF line ends, fields, dispatch on empty lines.
  3. One json.loads per event, then the Responses or Chat Completions semantics the team
     decided (see the `ResponsesDecoder` and `ChatDecoder` docstrings).
  4. Output JSON written by hand, escaped exactly as cli.md says.

Only the Python 3 standard library is used. Everything is importable: `decode_capture()`
returns a `Result` whose `summary_line()` / `event_lines()` give the printed text.
"""

import argparse
import json
import re
import sys

# ---------------------------------------------------------------------------
# 4. Output JSON (cli.md): keys in a fixed order, no spaces, strings escaped as
#    \" \\ \n \r \t, other bytes < 0x20 as \u00XX (lowercase hex), everything
#    else (including '/', DEL and bytes >= 0x80) passed through raw.
# ---------------------------------------------------------------------------

_ESCAPES = {'"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t'}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')


def _escape_char(match):
    ch = match.group(0)
    return _ESCAPES.get(ch) or '\\u%04x' % ord(ch)


def json_str(s):
    """Quote a Python str as cli.md requires."""
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, s) + '"'


def json_val(v):
    """Serialise None / bool / int / str / list / dict (dict order is kept)."""
    if v is None:
        return 'null'
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json_str(v)
    if isinstance(v, list):
        return '[' + ','.join(json_val(x) for x in v) + ']'
    if isinstance(v, dict):
        return '{' + ','.join(json_str(k) + ':' + json_val(x) for k, x in v.items()) + '}'
    raise TypeError('cannot serialise %r' % (v,))


def to_wire(s):
    """Encode output text to bytes.

    Input bytes were decoded with 'surrogateescape', so bytes that are not valid UTF-8 come
    back out unchanged (dripfeed passes bytes through, it does not re-encode). Surrogates
    written as JSON escapes: a high one followed by a low one is one character, also when
    the two came in two deltas and were concatenated here (dripfeed joins a pair split across
    deltas); any other surrogate has no UTF-8 form and becomes U+FFFD (dripfeed's rule,
    drip_json.h). An escaped \\udc80..\\udcff cannot be told apart from a smuggled raw
    byte here; no capture has one."""
    out = bytearray()
    i = 0
    while i < len(s):
        cp = ord(s[i])
        if 0xDC80 <= cp <= 0xDCFF:
            out.append(cp - 0xDC00)          # a raw byte smuggled by surrogateescape
        elif 0xD800 <= cp <= 0xDBFF and i + 1 < len(s) and 0xDC00 <= ord(s[i + 1]) <= 0xDFFF:
            out += chr(0x10000 + ((cp - 0xD800) << 10) + (ord(s[i + 1]) - 0xDC00)).encode('utf-8')
            i += 1
        elif 0xD800 <= cp <= 0xDFFF:
            out += '\ufffd'.encode('utf-8')
        else:
            out += s[i].encode('utf-8')
        i += 1
    return bytes(out)


# ---------------------------------------------------------------------------
# 1. HTTP/1.1 (spec/http.md)
# ---------------------------------------------------------------------------

class HttpResponse:
    """What the HTTP layer hands upward."""

    def __init__(self):
        self.status = None      # final (non-1xx) status code, None if no valid status line
        self.headers = []       # [(lowercase name, value)] of the final response
        self.body = b''         # de-framed body bytes
        self.end = 'ok'         # 'ok' | 'truncated' (EOF too early) | 'error' (malformed)
        self.complete_head = False  # status line and header block fully read

    def header(self, name):
        """Last value of a header (names are case-insensitive), or None."""
        value = None
        for n, v in self.headers:
            if n == name:
                value = v
        return value

    def header_all(self, name):
        return [v for n, v in self.headers if n == name]


class _Truncated(Exception):
    """Input ended before the framing said the message was complete."""


class _Malformed(Exception):
    """Input violates the HTTP/1.1 framing rules dripfeed enforces."""


_TOKEN = re.compile(rb"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_STATUS_LINE = re.compile(rb'^HTTP/1\.[01] ([0-9]{3})(?: (.*))?$')
_HEX = b'0123456789abcdefABCDEF'
_MAX_CHUNK_SIZE = (1 << 64) - 1     # the C reader's size type is at most 64 bits


class _Reader:
    """Cursor over the raw capture."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def line(self):
        """A header-style line: ends at LF, one CR before the LF is dropped (a bare LF is
        tolerated, RFC 9112 s2.2). A CR anywhere else is malformed."""
        end = self.data.find(b'\n', self.pos)
        if end < 0:
            raise _Truncated()
        line = self.data[self.pos:end]
        self.pos = end + 1
        if line.endswith(b'\r'):
            line = line[:-1]
        if b'\r' in line:
            raise _Malformed('bare CR in a header line')
        return line

    def crlf(self):
        """Exactly CR LF (chunked framing allows no bare LF)."""
        two = self.data[self.pos:self.pos + 2]
        if two == b'\r\n':
            self.pos += 2
            return
        if len(two) < 2 and b'\r\n'.startswith(two):
            raise _Truncated()
        raise _Malformed('CRLF expected')


def _read_header_block(rd):
    """Header lines up to the empty line. Used for headers and for chunked trailers."""
    headers = []
    while True:
        line = rd.line()
        if line == b'':
            return headers
        if line[:1] in (b' ', b'\t'):
            raise _Malformed('obsolete line folding')
        name, sep, value = line.partition(b':')
        if not sep or not _TOKEN.match(name):
            raise _Malformed('bad header line')
        value = value.strip(b' \t').decode('latin-1')
        headers.append((name.decode('ascii').lower(), value))


def _read_chunked(rd, resp):
    """Chunked body (RFC 9112 s7.1 with the choices in http.md's table)."""
    body = bytearray()
    resp.body = body
    data = rd.data
    while True:
        # chunk-size: one or more hex digits, range-checked.
        start = rd.pos
        while rd.pos < len(data) and data[rd.pos] in _HEX:
            rd.pos += 1
        if rd.pos == len(data):
            raise _Truncated()
        if rd.pos == start:
            raise _Malformed('empty or non-hex chunk size')
        size = int(data[start:rd.pos], 16)
        if size > _MAX_CHUNK_SIZE:
            raise _Malformed('chunk size out of range')
        # Optional extensions: BWS ';' ... skipped up to CR LF, a bare CR or LF inside is an
        # error. Whitespace not followed by ';' is junk and is rejected.
        ws = rd.pos
        while rd.pos < len(data) and data[rd.pos] in b' \t':
            rd.pos += 1
        if rd.pos == len(data):
            raise _Truncated()
        if data[rd.pos] == ord(';'):
            while True:
                if rd.pos == len(data):
                    raise _Truncated()
                c = data[rd.pos]
                if c == ord('\r'):
                    break
                if c == ord('\n'):
                    raise _Malformed('bare LF in chunk extension')
                rd.pos += 1
        elif rd.pos != ws:
            raise _Malformed('junk after chunk size')
        rd.crlf()
        if size == 0:
            _read_header_block(rd)      # trailer fields, skipped; ends with the empty line
            return                      # bytes after the final CRLF are ignored
        piece = data[rd.pos:rd.pos + size]
        body += piece
        rd.pos += len(piece)
        if len(piece) < size:
            raise _Truncated()
        rd.crlf()


def parse_http(raw):
    """De-frame a raw HTTP/1.1 response capture into an HttpResponse."""
    resp = HttpResponse()
    rd = _Reader(raw)
    try:
        # Status line + headers; interim 1xx responses are skipped.
        while True:
            resp.status = None
            resp.headers = []
            m = _STATUS_LINE.match(rd.line())
            if not m:
                raise _Malformed('bad status line')
            resp.status = int(m.group(1))
            resp.headers = _read_header_block(rd)
            if not 100 <= resp.status <= 199:
                break
        resp.complete_head = True

        # Framing, in http.md's order.
        te = ','.join(resp.header_all('transfer-encoding'))
        codings = [c.strip().lower() for c in te.split(',') if c.strip()]
        lengths = resp.header_all('content-length')
        if codings and codings[-1] == 'chunked':
            _read_chunked(rd, resp)
        elif lengths:
            values = {v.strip() for cl in lengths for v in cl.split(',')}
            if len(values) != 1 or not next(iter(values)).isdigit():
                raise _Malformed('bad Content-Length')
            n = int(values.pop())
            resp.body = raw[rd.pos:rd.pos + n]
            if len(resp.body) < n:
                raise _Truncated()
        else:
            resp.body = raw[rd.pos:]    # close-delimited: everything up to EOF
    except _Truncated:
        resp.end = 'truncated'
    except _Malformed:
        resp.end = 'error'
    resp.body = bytes(resp.body)
    return resp


# ---------------------------------------------------------------------------
# 2. SSE (spec/sse.md, WHATWG "Parsing an event stream")
# ---------------------------------------------------------------------------

_LINE_END = re.compile(rb'\r\n|\r|\n')


def sse_events(body):
    """Yield (event type, data bytes) for every dispatched event of a complete body.

    The body is whole here, so a CRLF can never be split; the last piece after the final
    line end is an unterminated line and is discarded together with any unfinished event."""
    if body.startswith(b'\xef\xbb\xbf'):
        body = body[3:]
    lines = _LINE_END.split(body)
    lines.pop()                         # unterminated tail (b'' when the body ends in EOL)
    data = bytearray()
    have_data = False                   # data buffer non-empty (it holds at least one LF)
    event_type = b''
    for line in lines:
        if not line:
            # Dispatch. (The last-event-id bookkeeping has no effect on `decode`.)
            if have_data:
                del data[-1:]           # the single trailing LF
                yield (event_type or b'message'), bytes(data)
            data = bytearray()
            have_data = False
            event_type = b''
            continue
        if line[:1] == b':':
            continue                    # comment / keep-alive
        name, sep, value = line.partition(b':')
        if sep and value[:1] == b' ':
            value = value[1:]
        if name == b'data':
            data += value
            data += b'\n'
            have_data = True
        elif name == b'event':
            event_type = value
        # `id`, `retry` and unknown fields do not influence `decode`.


# ---------------------------------------------------------------------------
# 3. API semantics
# ---------------------------------------------------------------------------

def _int_or_none(v):
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _str_or_none(v):
    return v if isinstance(v, str) else None


def _dict(v):
    return v if isinstance(v, dict) else {}


def _int0(v):
    """Token counts: an integer, else 0 (missing member)."""
    v = _int_or_none(v)
    return 0 if v is None else v


def error_obj(status, src, with_type=True):
    """The summary's error object; `src` is the dict carrying type/code/message."""
    src = _dict(src)
    return {
        'status': status,
        'type': _str_or_none(src.get('type')) if with_type else None,
        'code': _str_or_none(src.get('code')),
        'message': _str_or_none(src.get('message')),
    }


class Result:
    """Everything `dripfeed decode` prints."""

    def __init__(self):
        self.http_status = None
        self.state = None
        self.response_id = None
        self.text = []
        self.refusal = []
        self.reasoning_summary = []
        self.function_calls = []        # list of dicts call_id / name / arguments
        self.usage = None
        self.error = None
        self.incomplete_reason = None
        self.request_id = None
        self.events = []                # list of (type, seq, delta or None)
        self.raw_events = []            # the parsed JSON of every API event (for checks)

    def summary(self):
        return {
            'http_status': self.http_status,
            'state': self.state,
            'response_id': self.response_id,
            'text': ''.join(self.text),
            'refusal': ''.join(self.refusal),
            'reasoning_summary': ''.join(self.reasoning_summary),
            'function_calls': self.function_calls,
            'usage': self.usage,
            'error': self.error,
            'incomplete_reason': self.incomplete_reason,
            'request_id': self.request_id,
        }

    def summary_line(self):
        return json_val(self.summary())

    def event_lines(self):
        out = []
        for etype, seq, delta in self.events:
            obj = {'type': etype, 'seq': seq}
            if delta is not None:
                obj['delta'] = delta
            out.append(json_val(obj))
        return out

    def output(self, events=False):
        """The exact bytes the tool prints on stdout."""
        lines = (self.event_lines() if events else []) + [self.summary_line()]
        return to_wire(''.join(line + '\n' for line in lines))

    def exit_status(self):
        return 0 if self.state == 'completed' else 1


class _ProtocolError(Exception):
    """An event the library refuses (not JSON, not an object, no string type)."""


class ResponsesDecoder:
    """Responses API semantics (team decision, see the brief in the report):

    * text / refusal / reasoning_summary: concatenated `delta` strings of
      response.output_text.delta / response.refusal.delta /
      response.reasoning_summary_text.delta, no separators.
    * function_calls: one per client call item (function_call, custom_tool_call) seen in
      response.output_item.added, listed in output_index order once its
      response.function_call_arguments.done / custom_tool_call_input.done or
      response.output_item.done arrived; call_id / name from the added item; arguments are
      the concatenated argument (input) deltas found by item_id, or, when no delta came,
      the whole arguments of the .done event, else of the output_item.done item (servers
      such as LM Studio send no deltas). Hosted tools (mcp_call, web_search_call, ...) run
      on the server and are not calls the app answers: not listed.
    * response_id: `response.id` of the lifecycle events (latest one seen).
    * Terminal events: response.completed / .incomplete / .failed and `error`. The first one
      fixes the state; events after it are still decoded (and printed with --events).
    * usage: from the `response.usage` of the first response.completed/.incomplete/.failed;
      null when it is null or absent.
    * error: the first error seen wins: an `error` event (nested `error` object, else the flat
      top-level code/message with type null) or response.failed's `response.error`
      (code/message, type null; no error object when `response.error` is not an object).
    * incomplete_reason: `response.incomplete_details.reason` of the response.incomplete that
      set the state.
    """

    LIFECYCLE = ('response.created', 'response.queued', 'response.in_progress',
                 'response.completed', 'response.incomplete', 'response.failed')
    TERMINAL = {'response.completed': 'completed', 'response.incomplete': 'incomplete',
                'response.failed': 'failed'}

    def __init__(self, res):
        self.res = res
        self.final = False
        self.usage_taken = False
        self.calls = {}                 # item id -> call record
        self.call_order = []            # records in response.output_item.added order

    def _set_error(self, err):
        if self.res.error is None:
            self.res.error = err

    def _call_for(self, ev):
        """The call an argument / done event belongs to (item_id, else output_index)."""
        rec = self.calls.get(_str_or_none(ev.get('item_id')))
        if rec is None:
            idx = _int_or_none(ev.get('output_index'))
            for r in self.call_order:
                if idx is not None and r['output_index'] == idx:
                    rec = r
        return rec

    def event(self, ev):
        res = self.res
        if not isinstance(ev, dict) or not isinstance(ev.get('type'), str):
            raise _ProtocolError()
        etype = ev['type']
        delta = _str_or_none(ev.get('delta'))
        res.events.append((etype, _int_or_none(ev.get('sequence_number')), delta))
        res.raw_events.append(ev)

        if etype in self.LIFECYCLE:
            resp = _dict(ev.get('response'))
            if isinstance(resp.get('id'), str):
                res.response_id = resp['id']
            if etype in self.TERMINAL:
                if not self.usage_taken:
                    self.usage_taken = True
                    u = resp.get('usage')
                    if isinstance(u, dict):
                        res.usage = {
                            'input_tokens': _int0(u.get('input_tokens')),
                            'output_tokens': _int0(u.get('output_tokens')),
                            'total_tokens': _int0(u.get('total_tokens')),
                            'reasoning_tokens': _int0(_dict(u.get('output_tokens_details'))
                                                      .get('reasoning_tokens')),
                            'cached_tokens': _int0(_dict(u.get('input_tokens_details'))
                                                   .get('cached_tokens')),
                        }
                if etype == 'response.failed' and isinstance(resp.get('error'), dict):
                    self._set_error(error_obj(None, resp['error'], with_type=False))
                if not self.final:
                    self.final = True
                    res.state = self.TERMINAL[etype]
                    if etype == 'response.incomplete':
                        res.incomplete_reason = _str_or_none(
                            _dict(resp.get('incomplete_details')).get('reason'))
        elif etype == 'error':
            if isinstance(ev.get('error'), dict):
                self._set_error(error_obj(None, ev['error']))                # real wire shape
            else:
                self._set_error(error_obj(None, ev, with_type=False))        # documented flat
            if not self.final:
                self.final = True
                res.state = 'failed'
        elif etype == 'response.output_text.delta':
            if delta is not None:
                res.text.append(delta)
        elif etype == 'response.refusal.delta':
            if delta is not None:
                res.refusal.append(delta)
        elif etype == 'response.reasoning_summary_text.delta':
            if delta is not None:
                res.reasoning_summary.append(delta)
        elif etype in ('response.output_item.added', 'response.output_item.done'):
            item = _dict(ev.get('item'))
            args_key = 'input' if item.get('type') == 'custom_tool_call' else 'arguments'
            if item.get('type') in ('function_call', 'custom_tool_call'):
                if etype == 'response.output_item.added':
                    rec = {'output_index': _int_or_none(ev.get('output_index')),
                           'call_id': _str_or_none(item.get('call_id')),
                           'name': _str_or_none(item.get('name')),
                           'arguments': [], 'done': False}
                    self.calls[_str_or_none(item.get('id'))] = rec
                    self.call_order.append(rec)
                else:
                    rec = self.calls.get(_str_or_none(item.get('id')))
                    if rec is None:
                        rec = self._call_for(ev)
                    if rec is not None:
                        if not rec['done'] and not ''.join(rec['arguments']) and \
                                isinstance(item.get(args_key), str):
                            rec['arguments'] = [item[args_key]]
                        rec['done'] = True
        elif etype in ('response.function_call_arguments.delta',
                       'response.custom_tool_call_input.delta'):
            rec = self._call_for(ev)
            if rec is not None and delta is not None:
                rec['arguments'].append(delta)
        elif etype in ('response.function_call_arguments.done',
                       'response.custom_tool_call_input.done'):
            rec = self._call_for(ev)
            key = 'input' if etype == 'response.custom_tool_call_input.done' else 'arguments'
            if rec is not None:
                if not rec['done'] and not ''.join(rec['arguments']) and \
                        isinstance(ev.get(key), str):
                    rec['arguments'] = [ev[key]]
                rec['done'] = True
        # Every other type (known or not) is printed with --events and otherwise ignored.

    def done_marker(self):
        """`data: [DONE]` in Responses mode ends reading; it is not a terminal event."""

    def finish(self):
        order = sorted(self.call_order,
                       key=lambda r: -1 if r['output_index'] is None else r['output_index'])
        self.res.function_calls = [
            {'call_id': r['call_id'], 'name': r['name'], 'arguments': ''.join(r['arguments'])}
            for r in order if r['done']]


class ChatDecoder:
    """Chat Completions semantics (team decision):

    * every data event except `[DONE]` is a chat.completion.chunk; with --events it prints
      type `chat.completion.chunk`, seq null, delta = choices[0].delta.content if it is a
      string, else choices[0].delta.refusal if it is a string, else no delta key.
    * text / refusal: every choices[].delta.content / .refusal string in arrival order,
      all choices interleaved as they arrive.
    * function_calls: tool_calls accumulated by (choice index, tool call index) in order of
      first appearance; call_id / name = the first string id / function.name seen for that
      key, arguments concatenated. Listed whether or not the stream completed.
    * response_id: the first chunk `id`. usage: the last chunk whose `usage` is an object
      (prompt/completion tokens mapped to input/output).
    * A chunk with a truthy top-level `error`: state failed (terminal), error from it.
    * `[DONE]`: state completed, or incomplete when some finish_reason was "length" or
      "content_filter" (the first such reason becomes incomplete_reason). Reading stops.
    """

    def __init__(self, res):
        self.res = res
        self.final = False
        self.calls = {}
        self.call_order = []
        self.cut_reason = None

    def event(self, ch):
        res = self.res
        if not isinstance(ch, dict):
            raise _ProtocolError()
        res.raw_events.append(ch)
        choices = ch.get('choices') if isinstance(ch.get('choices'), list) else []
        choices = [c for c in choices if isinstance(c, dict)]

        delta = None
        if choices:
            d0 = _dict(choices[0].get('delta'))
            delta = _str_or_none(d0.get('content'))
            if delta is None:
                delta = _str_or_none(d0.get('refusal'))
        res.events.append(('chat.completion.chunk', None, delta))

        if ch.get('error'):
            err = ch['error']
            if res.error is None:
                res.error = error_obj(None, err if isinstance(err, dict) else {})
            if not self.final:
                self.final = True
                res.state = 'failed'
        if res.response_id is None and isinstance(ch.get('id'), str):
            res.response_id = ch['id']

        for pos, choice in enumerate(choices):
            cidx = _int_or_none(choice.get('index'))
            if cidx is None:
                cidx = pos
            d = _dict(choice.get('delta'))
            if isinstance(d.get('content'), str):
                res.text.append(d['content'])
            if isinstance(d.get('refusal'), str):
                res.refusal.append(d['refusal'])
            tcs = d.get('tool_calls') if isinstance(d.get('tool_calls'), list) else []
            for tpos, tc in enumerate(tcs):
                if not isinstance(tc, dict):
                    continue
                tidx = _int_or_none(tc.get('index'))
                key = (cidx, tpos if tidx is None else tidx)
                rec = self.calls.get(key)
                if rec is None:
                    rec = {'call_id': None, 'name': None, 'arguments': []}
                    self.calls[key] = rec
                    self.call_order.append(rec)
                fn = _dict(tc.get('function'))
                if rec['call_id'] is None and isinstance(tc.get('id'), str):
                    rec['call_id'] = tc['id']
                if rec['name'] is None and isinstance(fn.get('name'), str):
                    rec['name'] = fn['name']
                if isinstance(fn.get('arguments'), str):
                    rec['arguments'].append(fn['arguments'])
            fr = choice.get('finish_reason')
            if fr in ('length', 'content_filter') and self.cut_reason is None:
                self.cut_reason = fr

        u = ch.get('usage')
        if isinstance(u, dict):
            res.usage = {
                'input_tokens': _int0(u.get('prompt_tokens')),
                'output_tokens': _int0(u.get('completion_tokens')),
                'total_tokens': _int0(u.get('total_tokens')),
                'reasoning_tokens': _int0(_dict(u.get('completion_tokens_details'))
                                          .get('reasoning_tokens')),
                'cached_tokens': _int0(_dict(u.get('prompt_tokens_details'))
                                       .get('cached_tokens')),
            }

    def done_marker(self):
        if not self.final:
            self.final = True
            if self.cut_reason is not None:
                self.res.state = 'incomplete'
                self.res.incomplete_reason = self.cut_reason
            else:
                self.res.state = 'completed'

    def finish(self):
        self.res.function_calls = [
            {'call_id': r['call_id'], 'name': r['name'], 'arguments': ''.join(r['arguments'])}
            for r in self.call_order]


def decode_capture(raw, api='responses'):
    """Run the whole pipeline over one capture and return a Result."""
    res = Result()
    http = parse_http(raw)
    res.http_status = http.status
    if http.complete_head:
        res.request_id = http.header('x-request-id')

    if not http.complete_head:
        # No usable head: malformed -> protocol_error, EOF inside it -> truncated.
        res.state = 'protocol_error' if http.end == 'error' else 'truncated'
        return res

    if not 200 <= http.status <= 299:
        res.state = 'http_error'
        try:
            body = json.loads(http.body.decode('utf-8'))
        except ValueError:              # covers UnicodeDecodeError and JSONDecodeError
            body = None
        res.error = error_obj(http.status, _dict(body).get('error') if isinstance(body, dict)
                              else None)
        return res

    ctype = http.header('content-type') or ''
    if ctype.split(';', 1)[0].strip().lower() != 'text/event-stream':
        res.state = 'protocol_error'
        return res

    dec = ChatDecoder(res) if api == 'chat' else ResponsesDecoder(res)
    stopped = False                     # [DONE] seen, or an event the decoder refused
    refused = False
    for _etype, data in sse_events(http.body):
        if data == b'[DONE]':
            dec.done_marker()
            stopped = True
            break
        try:
            obj = json.loads(data.decode('utf-8', 'surrogateescape'))
            dec.event(obj)
        except (ValueError, _ProtocolError):
            refused = True
            stopped = True
            break
    dec.finish()

    if not dec.final:
        if refused or (not stopped and http.end == 'error'):
            res.state = 'protocol_error'
        else:
            res.state = 'truncated'     # EOF (clean or not), or [DONE] in Responses mode
    return res


# ---------------------------------------------------------------------------
# Command line (same surface as `dripfeed decode`)
# ---------------------------------------------------------------------------

class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise _UsageError(message)


def main(argv=None):
    ap = _Parser(description='Reference decoder for `dripfeed decode`.')
    ap.add_argument('--api', choices=('responses', 'chat'), default='responses')
    ap.add_argument('--events', action='store_true', help='print one line per API event')
    ap.add_argument('--feed', type=int, help='accepted and ignored')
    ap.add_argument('--buffer', type=int, help='accepted and ignored')
    ap.add_argument('capture', nargs='?', help='raw HTTP capture (default: stdin)')
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ['decode']:          # `refdecode.py decode ...` mirrors `dripfeed decode ...`
        argv = argv[1:]
    try:
        args = ap.parse_args(argv)
        if (args.feed is not None and args.feed < 1) or \
                (args.buffer is not None and args.buffer < 1):
            raise _UsageError('--feed and --buffer take a positive number')
    except _UsageError as e:
        sys.stderr.write('refdecode: %s\n' % e)
        return 2
    if args.capture:
        with open(args.capture, 'rb') as f:
            raw = f.read()
    else:
        raw = sys.stdin.buffer.read()
    res = decode_capture(raw, args.api)
    sys.stdout.buffer.write(res.output(events=args.events))
    sys.stdout.buffer.flush()
    return res.exit_status()


if __name__ == '__main__':
    sys.exit(main())
