#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Local HTTPS server that replays recorded OpenAI streams, with fault injection.

For dripfeed's integration tests. Python 3.11 standard library only (ssl, socket, threading).

    python3 replay_server.py --cert server.pem --key server.key \
        --transcripts ../transcripts [--port 0] [--ready-file F]

It listens on 127.0.0.1 only (--host may name one private IPv4 address instead, accepted only
inside a named network namespace: the lwIP test's own), speaks HTTP/1.1 with persistent
connections, writes the port to --ready-file once listening (atomically: the file appears
complete) and prints `listening on HOST:PORT`. SIGTERM/SIGINT stop it cleanly (exit status 0).
Every wait is bounded: stalls and delays are capped, each response has a deadline, idle
connections time out and the process exits by itself after --max-lifetime seconds.

Endpoints (API requests)
  POST /v1/responses                         SSE replay of a Responses transcript (JSON when the
                                             body has no "stream": true)
  POST /v1/chat/completions                  SSE replay of a Chat transcript (JSON when no stream)
  GET  /v1/responses/{id}?stream=true[&starting_after=N]
                                             background replay of events with sequence_number > N
  GET  /v1/responses/{id}                    the Response object as JSON
  POST /v1/responses/{id}/cancel             the Response object with "status": "cancelled"
  POST /v1/audio/speech                      speech (openai.md 11): speech.audio.delta/done events
                                             (stream_format "sse") or the raw pcm body
Introspection (never counted, logged or faulted)
  GET /_stats, GET /_requests, POST /_reset, GET /_health, GET /_transcripts

Per-request control headers (all optional):
  X-Drip-Transcript: NAME      transcript file stem (".sse" optional)
  X-Drip-Seed: S               seed of the chunk-size generator (default "0")
  X-Drip-Chunk: MIN,MAX        body chunk sizes in bytes (default 1,512; "N" = N,N)
  X-Drip-Delay-Ms: N           pause between body chunks (default 0)
  X-Drip-Event-Delay-Ms: N     pause after every SSE event, chunks cut at events (default 0)
  X-Drip-Key: K                groups requests for fail_times
  X-Drip-Fault: a,b=1,...      comma list, see FAULT_KEYS below and the README in this folder

Body offsets in faults (drop_after, stall_after) count bytes of the replayed SSE body only:
chunk framing and injected comments are not counted.
"""

from __future__ import annotations

import argparse
import base64
import collections
import copy
import http
import ipaddress
import json
import os
import random
import re
import signal
import socket
import ssl
import struct
import sys
import threading
import time
from email.utils import formatdate
from urllib.parse import parse_qs

# ---------------------------------------------------------------------------------------------
# Limits. Everything the client can make the server wait for is capped by one of these.
# ---------------------------------------------------------------------------------------------
MAX_HEAD_BYTES = 64 * 1024          # request line + headers
MAX_BODY_BYTES = 16 * 1024 * 1024   # request body
MAX_MS = 60_000                     # any single stall / delay / drip / comment interval
MAX_ONLY_COMMENTS_S = 120.0
MAX_CHUNK = 1 << 20
MAX_BIG_HEADER = 64 * 1024
LOG_KEEP = 50                       # entries kept for GET /_requests
POLL_S = 0.25                       # socket read tick, so threads notice shutdown quickly

DEFAULT_RESPONSES = "responses-text-gpt52"
DEFAULT_CHAT = "chat-text"
DEFAULT_BACKGROUND = "responses-background"
DEFAULT_TOOL_RESULT = "responses-legacy-noseq"   # the answer after a function_call_output
DEFAULT_TOOL_CALL = "responses-function-call-gpt5"  # a request offering tools gets a call
DEFAULT_CHAT_TOOL_CALL = "chat-usage-obfuscation-2026"
DEFAULT_CHAT_TOOL_RESULT = "chat-text-obfuscation-2026"
DEFAULT_SPEECH_AUDIO = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                    "captures", "speech", "speech-pcm-chunked.http")
TERMINAL_TYPES = {"response.completed", "response.incomplete", "response.failed"}

# openai-processing-ms recorded with each transcript (transcripts/README.md); 50 otherwise.
PROCESSING_MS = {
    "responses-text-gpt52": 66, "responses-function-call-gpt5": 255,
    "responses-reasoning-summary-o3mini": 56, "responses-background": 852,
    "responses-legacy-noseq": 122, "responses-legacy-noseq-function-call": 100,
    "chat-usage-obfuscation-2026": 512, "chat-text-obfuscation-2026": 290,
    "chat-moderation-2026": 584,
}

# X-Drip-Fault keys and how their values are parsed.
FAULT_KEYS = {
    "drop_after": "int",            # close abruptly (no final chunk) after N body bytes
    "reset": "flag",                # with drop_after/only_comments: SO_LINGER 0 -> TCP RST
    "mid_chunk": "flag",            # with drop_after: the cut chunk announces more than is sent
    "stall_before_headers": "ms",   # sleep before the status line
    "stall_after": "stall",         # N:MS - after N body bytes sleep MS, then go on (repeatable)
    "drip": "ms",                   # every response byte (head too) in its own write, MS apart
    "comments": "ms",               # ": keep-alive" comments at event boundaries / during pauses
    "only_comments": "seconds",     # after the head only comments for S seconds, then close
    "status": "status",             # error status with a realistic JSON error body
    "quota": "flag",                # with status=429: insufficient_quota instead of rate limit
    "html": "flag",                 # with status=...: a Cloudflare-like HTML body
    "chunked": "flag",              # send the error / JSON body chunked
    "retry_after": "str",           # retry-after header value, verbatim
    "retry_after_ms": "str",        # retry-after-ms header value, verbatim
    "should_retry": "str",          # x-should-retry header value, verbatim
    "fail_times": "int",            # faults only for the first K requests of one X-Drip-Key
    "content_type": "str",          # 200 with this content type and a JSON body
    "no_terminal": "flag",          # omit the last event (terminal / [DONE]); end body properly
    "close": "flag",                # Connection: close after this response
    "pending": "flag",              # GET /v1/responses/{id} (JSON) answers the in_progress object
    "eol": "eol",                   # SSE line ends: lf (default), crlf or cr
    "chunk_ext": "flag",            # add chunk extensions (';a', ' ; q="x;y"', ...) to chunk sizes
    "big_header": "size",           # add an x-drip-padding header of N bytes
    "bad_status": "flag",           # a malformed status line ("HTTP/1.1 2x0 OK")
    "bad_chunk": "flag",            # after the first event, a chunk size line "zz"
    "long_request_id": "size",      # an x-request-id of N bytes (longer than a client keeps)
    "inject": "str",                # after the 3rd event insert: invalid_json | unknown_type |
                                    # huge_delta (a 40 KB output_text.delta)
    "bad_base64": "flag",           # speech: a '*' inside the second delta's base64
}

CHUNK_EXTS = [b";a", b";name=value", b' ; q="x;y"', b";n=v;m", b";drip-ext-" + b"e" * 100]


class Drop(Exception):
    """Abort the response now and close the TCP connection without ending the body."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ClientGone(Exception):
    """The client closed or reset the connection while we were writing."""


class ConfigError(Exception):
    """A malformed X-Drip-* header: answered with 400 so test mistakes are loud."""


# ---------------------------------------------------------------------------------------------
# Transcripts
# ---------------------------------------------------------------------------------------------
class Frame:
    """One SSE event exactly as recorded (raw bytes incl. the terminating blank line)."""

    def __init__(self, raw: bytes, index: int):
        self.raw = raw
        self.etype = None
        self.obj = None
        for line in raw.split(b"\n"):
            if line.startswith(b"event:"):
                self.etype = line[6:].strip().decode("utf-8", "replace")
            elif line.startswith(b"data:"):
                payload = line[5:]
                if payload.startswith(b" "):
                    payload = payload[1:]
                try:
                    self.obj = json.loads(payload)
                except ValueError:
                    self.obj = None            # e.g. Chat's [DONE]
        seq = self.obj.get("sequence_number") if isinstance(self.obj, dict) else None
        # Legacy transcripts have no sequence_number: the event index stands in for it.
        self.seq = seq if isinstance(seq, int) else index


class Transcript:
    def __init__(self, name: str, data: bytes):
        self.name = name
        self.data = data
        self.frames: list[Frame] = []
        pos = 0
        while pos < len(data):
            i = data.find(b"\n\n", pos)
            end = len(data) if i < 0 else i + 2
            self.frames.append(Frame(data[pos:end], len(self.frames)))
            pos = end
        self.is_chat = name.startswith("chat-")
        self.response_id = None
        first = self.frames[0].obj if self.frames else None
        if isinstance(first, dict) and isinstance(first.get("response"), dict):
            self.response_id = first["response"].get("id")

    def responses_of(self):
        return [f.obj["response"] for f in self.frames
                if isinstance(f.obj, dict) and isinstance(f.obj.get("response"), dict)]

    def final_json(self):
        """What a non-streaming request would have returned."""
        if self.is_chat:
            return chat_completion_from_chunks(self.frames)
        rs = self.responses_of()
        return copy.deepcopy(rs[-1]) if rs else {}

    def in_progress_json(self):
        for f in self.frames:
            if f.etype == "response.in_progress" and isinstance(f.obj, dict):
                return copy.deepcopy(f.obj["response"])
        rs = self.responses_of()
        return copy.deepcopy(rs[0]) if rs else {}


def chat_completion_from_chunks(frames):
    """Assemble a `chat.completion` object from recorded chunks (for stream:false requests)."""
    base, usage, choices = None, None, {}
    for f in frames:
        o = f.obj
        if not isinstance(o, dict):
            continue
        base = base or o
        if o.get("usage"):
            usage = o["usage"]
        for ch in o.get("choices") or []:
            c = choices.setdefault(ch.get("index", 0), {
                "index": ch.get("index", 0),
                "message": {"role": "assistant", "content": None, "refusal": None},
                "logprobs": None, "finish_reason": None})
            d = ch.get("delta") or {}
            for k in ("content", "refusal"):
                if d.get(k) is not None:
                    c["message"][k] = (c["message"][k] or "") + d[k]
            for tc in d.get("tool_calls") or []:
                lst = c["message"].setdefault("tool_calls", [])
                idx = tc.get("index", 0)
                while len(lst) <= idx:
                    lst.append({"id": None, "type": "function",
                                "function": {"name": "", "arguments": ""}})
                if tc.get("id"):
                    lst[idx]["id"] = tc["id"]
                fn = tc.get("function") or {}
                lst[idx]["function"]["name"] += fn.get("name") or ""
                lst[idx]["function"]["arguments"] += fn.get("arguments") or ""
            if ch.get("finish_reason"):
                c["finish_reason"] = ch["finish_reason"]
    base = base or {}
    return {"id": base.get("id"), "object": "chat.completion", "created": base.get("created"),
            "model": base.get("model"), "choices": [choices[k] for k in sorted(choices)],
            "usage": usage, "service_tier": base.get("service_tier"),
            "system_fingerprint": base.get("system_fingerprint")}


def load_transcripts(directory: str) -> dict[str, Transcript]:
    out = {}
    for fn in sorted(os.listdir(directory)):
        if fn.endswith(".sse"):
            with open(os.path.join(directory, fn), "rb") as fh:
                out[fn[:-4]] = Transcript(fn[:-4], fh.read())
    if not out:
        raise SystemExit(f"replay_server: no *.sse files in {directory}")
    return out


# ---------------------------------------------------------------------------------------------
# Error bodies (openai.md section 7)
# ---------------------------------------------------------------------------------------------
QUOTA_MSG = ("You exceeded your current quota, please check your plan and billing details. For more "
             "information on this error, read the docs: "
             "https://platform.openai.com/docs/guides/error-codes/api-errors.")


def api_error(message, etype, param=None, code=None):
    return {"error": {"message": message, "type": etype, "param": param, "code": code}}


def fault_error_body(status: int, faults: dict):
    """(content type, body bytes) for status=CODE; JSON pretty-printed like OpenAI's."""
    if faults.get("html"):
        phrase = reason_phrase(status)
        html = (f"<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
                f"<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
                "</body>\r\n</html>\r\n")
        return "text/html", html.encode()
    if status == 401:
        e = api_error("Incorrect API key provided: sk-test-***********drip. You can find your API "
                      "key at https://platform.openai.com/account/api-keys.",
                      "invalid_request_error", None, "invalid_api_key")
    elif status == 403:
        e = api_error("Country, region, or territory not supported", "request_forbidden", None,
                      "unsupported_country_region_territory")
    elif status == 404:
        e = api_error("The model `gpt-drip` does not exist or you do not have access to it.",
                      "invalid_request_error", None, "model_not_found")
    elif status == 429 and faults.get("quota"):
        e = api_error(QUOTA_MSG, "insufficient_quota", None, "insufficient_quota")
    elif status == 429:
        e = api_error("Rate limit reached for gpt-4o in organization org-dripfeedtest on requests "
                      "per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit "
                      "https://platform.openai.com/account/rate-limits to learn more.",
                      "requests", None, "rate_limit_exceeded")
    elif status == 500:
        e = api_error("The server had an error while processing your request. Sorry about that!",
                      "server_error")
    elif status == 502:   # as sent by OpenAI's edge: code is a number here
        e = {"error": {"code": 502, "message": "Bad gateway.", "param": None,
                       "type": "cf_bad_gateway"}}
    elif status == 503:
        e = api_error("The engine is currently overloaded, please try again later", "server_error")
    elif status == 504:
        e = {"error": {"code": 504, "message": "Gateway timeout.", "param": None,
                       "type": "cf_gateway_timeout"}}
    elif status >= 500:
        e = api_error(f"Injected server error {status}.", "server_error")
    else:
        e = api_error(f"Injected error {status}.", "invalid_request_error")
    return "application/json", json_bytes(e)


def sse_json(obj) -> bytes:
    """One `data:` line's JSON (compact, as OpenAI sends it)."""
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


def json_bytes(obj) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def reason_phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


# ---------------------------------------------------------------------------------------------
# X-Drip-* header parsing
# ---------------------------------------------------------------------------------------------
def _int(v, key, lo=0, hi=None):
    try:
        n = int(v, 10)
    except (TypeError, ValueError):
        raise ConfigError(f"{key}: not an integer: {v!r}")
    if n < lo or (hi is not None and n > hi):
        raise ConfigError(f"{key}: {n} outside {lo}..{hi}")
    return n


def parse_faults(value: str) -> dict:
    faults: dict = {}
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        key, eq, val = item.partition("=")
        key, val = key.strip(), val.strip()
        kind = FAULT_KEYS.get(key)
        if kind is None:
            raise ConfigError(f"unknown X-Drip-Fault key {key!r}")
        if kind == "flag":
            if not eq or val.lower() in ("1", "true", "yes", "on"):
                faults[key] = True
            elif val.lower() in ("0", "false", "no", "off"):
                faults[key] = False
            else:
                raise ConfigError(f"{key}: not a flag: {val!r}")
        elif not eq:
            raise ConfigError(f"{key} needs a value")
        elif kind == "int":
            faults[key] = _int(val, key)
        elif kind == "ms":
            faults[key] = _int(val, key, 0, MAX_MS)
        elif kind == "size":
            faults[key] = _int(val, key, 0, MAX_BIG_HEADER)
        elif kind == "status":
            faults[key] = _int(val, key, 200, 599)
        elif kind == "seconds":
            try:
                s = float(val)
            except ValueError:
                raise ConfigError(f"{key}: not a number: {val!r}")
            if not 0 <= s <= MAX_ONLY_COMMENTS_S:
                raise ConfigError(f"{key}: {s} outside 0..{MAX_ONLY_COMMENTS_S}")
            faults[key] = s
        elif kind == "stall":
            n, colon, ms = val.partition(":")
            if not colon:
                raise ConfigError(f"stall_after wants N:MS, got {val!r}")
            faults.setdefault(key, []).append((_int(n, key), _int(ms, key, 0, MAX_MS)))
        elif kind == "eol":
            if val not in ("lf", "crlf", "cr"):
                raise ConfigError(f"eol must be lf, crlf or cr, got {val!r}")
            faults[key] = val
        else:
            if any(c in val for c in "\r\n"):
                raise ConfigError(f"{key}: value contains CR/LF")
            faults[key] = val
    return faults


class Opts:
    """The X-Drip-* settings of one request."""

    def __init__(self, h: dict):
        self.transcript = h.get("x-drip-transcript")
        if self.transcript and self.transcript.endswith(".sse"):
            self.transcript = self.transcript[:-4]
        self.seed = h.get("x-drip-seed", "0")
        self.key = h.get("x-drip-key")
        chunk = h.get("x-drip-chunk", "1,512")
        parts = [p.strip() for p in chunk.split(",")]
        if len(parts) == 1:
            parts = parts * 2
        if len(parts) != 2:
            raise ConfigError(f"X-Drip-Chunk wants MIN,MAX, got {chunk!r}")
        self.cmin = _int(parts[0], "X-Drip-Chunk", 1, MAX_CHUNK)
        self.cmax = _int(parts[1], "X-Drip-Chunk", self.cmin, MAX_CHUNK)
        self.delay_ms = _int(h.get("x-drip-delay-ms", "0"), "X-Drip-Delay-Ms", 0, MAX_MS)
        self.fault_header = h.get("x-drip-fault", "")
        self.faults = parse_faults(self.fault_header)
        # speech: the audio repeated N times, cut into deltas of these audio sizes (cycled)
        self.speech_repeat = _int(h.get("x-drip-speech-repeat", "1"), "X-Drip-Speech-Repeat", 1, 64)
        deltas = h.get("x-drip-speech-deltas", "300,1200,4800,24000")
        self.speech_deltas = [_int(v.strip(), "X-Drip-Speech-Deltas", 1, 4_000_000)
                              for v in deltas.split(",")]
        # pacing at the event level: a pause after every SSE event, as a model's tokens arrive
        # (20 ms = 50 deltas a second); chunks are then cut at event boundaries
        self.event_delay_ms = _int(h.get("x-drip-event-delay-ms", "0"), "X-Drip-Event-Delay-Ms",
                                   0, 1000)
        # speech: audio in proportion to the input (N ms per character, the recorded speech
        # cycled) instead of the whole recording; 0 = the recording X-Drip-Speech-Repeat times
        self.speech_ms_per_char = _int(h.get("x-drip-speech-ms-per-char", "0"),
                                       "X-Drip-Speech-Ms-Per-Char", 0, 1000)


# ---------------------------------------------------------------------------------------------
# Shared server state (all access under `lock`)
# ---------------------------------------------------------------------------------------------
class State:
    def __init__(self, transcripts, args):
        self.transcripts = transcripts
        self.args = args
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.request_counter = 0           # x-request-id: req_<counter>, never reset
        self.background = {}               # response id -> {"transcript", "cancelled"}
        self.active = {}                   # conn id -> Conn
        self.conn_counter = 0
        self._speech = None
        self.reset()

    def speech_audio(self) -> bytes:
        with self.lock:             # read once, on the first speech request
            if self._speech is None:
                self._speech = load_speech_audio(self.args.speech_audio)
            return self._speech

    def reset(self):
        self.epoch = getattr(self, "epoch", 0) + 1
        self.connections = 0
        self.requests = 0
        self.by_path = collections.Counter()
        self.by_status = collections.Counter()
        self.tcp_accepts = 0
        self.tls_failures = 0
        self.drops = 0
        self.entry_counter = 0
        self.log = collections.deque(maxlen=LOG_KEEP)
        self.fail_counts = collections.Counter()

    def stats(self):
        return {"connections": self.connections, "requests": self.requests,
                "by_path": dict(self.by_path), "by_status": {str(k): v for k, v in self.by_status.items()},
                "tcp_accepts": self.tcp_accepts, "tls_handshake_failures": self.tls_failures,
                "drops": self.drops, "active_connections": len(self.active)}


class Request:
    def __init__(self):
        self.method = ""
        self.target = ""
        self.version = "HTTP/1.1"
        self.headers: list[tuple[str, str]] = []
        self.h: dict[str, str] = {}
        self.body = b""
        self.cl_missing = False
        self.error = None          # framing problem found while reading -> 400 + close
        self.error_status = 400
        self.must_close = False


class Ctx:
    """Everything about the response being written."""

    def __init__(self, req, opts, faults, rid, entry, deadline):
        self.req, self.opts, self.faults, self.rid, self.entry = req, opts, faults, rid, entry
        self.deadline = deadline
        self.close = False
        self.transcript = None
        self.rng = random.Random(opts.seed if opts else "0")
        self.drip_started = False


# ---------------------------------------------------------------------------------------------
# One client connection
# ---------------------------------------------------------------------------------------------
class Conn:
    def __init__(self, state: State, ctx_ssl, raw: socket.socket, cid: int):
        self.st = state
        self.ssl_ctx = ctx_ssl
        self.raw = raw
        self.cid = cid
        self.sock = None
        self.buf = b""
        self.counted_epoch = 0

    # ---- plumbing ---------------------------------------------------------------------------
    def log(self, msg):
        if self.st.args.verbose:
            print(f"[conn {self.cid}] {msg}", file=sys.stderr, flush=True)

    def run(self):
        try:
            self.raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.raw.settimeout(10.0)
            if self.ssl_ctx is None:          # --plain: HTTP over TCP
                self.sock = self.raw
            else:
                self.sock = self.ssl_ctx.wrap_socket(self.raw, server_side=True,
                                                     do_handshake_on_connect=False)
                self.sock.do_handshake()
        except (OSError, ssl.SSLError) as e:
            with self.st.lock:
                self.st.tls_failures += 1
            self.log(f"TLS handshake failed: {e}")
            self._close_hard(reset=False)
            return
        try:
            while not self.st.stop.is_set():
                req = self.read_request()
                if req is None:
                    break
                outcome = self.handle(req)
                if outcome == "closed":
                    return          # dropped on purpose or the client went away
                if outcome == "close":
                    break           # Connection: close -> graceful close below
            self._close_graceful()
        except Exception as e:      # never let a handler bug kill the server
            print(f"[conn {self.cid}] internal error: {e!r}", file=sys.stderr, flush=True)
            self._close_hard(reset=False)
        finally:
            with self.st.lock:
                self.st.active.pop(self.cid, None)

    def _close_hard(self, reset: bool):
        s = self.sock or self.raw
        try:
            if reset:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()      # SSLSocket.close() sends no close_notify: an abrupt end at TLS level
        except OSError:
            pass

    def _close_graceful(self):
        """close_notify (waiting at most 0.5 s for the peer's), then FIN."""
        try:
            self.sock.settimeout(0.5)
            if self.ssl_ctx is None:          # --plain: FIN only
                self.sock.shutdown(socket.SHUT_WR)
                self.sock.close()
                return
            raw = self.sock.unwrap()
            raw.close()
        except (OSError, ssl.SSLError, ValueError):
            self._close_hard(reset=False)

    def _recv(self, deadline):
        """Bytes, b'' on EOF, None when `deadline` passed or the server is stopping."""
        while not self.st.stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(min(POLL_S, left))
            try:
                return self.sock.recv(65536)
            except (socket.timeout, TimeoutError):
                continue
            except (OSError, ssl.SSLError):
                return b""
        return None

    # ---- request reading --------------------------------------------------------------------
    def read_request(self):
        """Next request, or None when the connection should end quietly."""
        args = self.st.args
        deadline = time.monotonic() + args.idle_timeout
        while True:
            while self.buf.startswith(b"\r\n"):       # RFC 9112: ignore stray CRLF between requests
                self.buf = self.buf[2:]
            if b"\r\n\r\n" in self.buf:
                break
            req = Request()
            if b"\n\n" in self.buf or b"\r\r" in self.buf:
                req.error, req.must_close = "request head uses bare LF (or CR) line ends", True
                return req
            if len(self.buf) > MAX_HEAD_BYTES:
                req.error, req.error_status, req.must_close = "request head too large", 431, True
                return req
            data = self._recv(deadline)
            if not data:
                if data is None and self.buf:     # partial head then silence
                    req.error, req.must_close = "incomplete request head (timeout)", True
                    return req
                return None
            self.buf += data
            deadline = time.monotonic() + args.body_timeout   # inactivity limit once started

        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        req = Request()
        lines = head.split(b"\r\n")
        m = re.fullmatch(rb"([A-Z]+) (\S+) (HTTP/1\.[01])", lines[0])
        if not m:
            req.error = ("malformed request line %r (did the previous body exceed its "
                         "Content-Length?)" % lines[0][:80])
            req.must_close = True
            return req
        req.method, req.target, req.version = (x.decode("latin-1") for x in m.groups())
        for line in lines[1:]:
            if b"\n" in line or b"\r" in line:
                req.error, req.must_close = "bare CR or LF inside the request head", True
                return req
            if line[:1] in (b" ", b"\t"):
                req.error, req.must_close = "obsolete header line folding", True
                return req
            hm = re.fullmatch(rb"([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*", line)
            if not hm:
                req.error, req.must_close = "malformed header line %r" % line[:80], True
                return req
            name, value = hm.group(1).decode("latin-1").lower(), hm.group(2).decode("latin-1")
            req.headers.append((name, value))
            req.h[name] = value if name not in req.h else req.h[name] + ", " + value
        if req.version == "HTTP/1.0" or "close" in req.h.get("connection", "").lower():
            req.must_close = True
        if req.version == "HTTP/1.1" and "host" not in req.h:
            req.error = "missing Host header (required by HTTP/1.1)"

        # Body framing: this server requires Content-Length (no chunked request bodies).
        if "transfer-encoding" in req.h:
            req.error = "Transfer-Encoding in a request is not supported; send Content-Length"
            req.must_close = True
            return req
        cl = req.h.get("content-length")
        if cl is None:
            req.cl_missing = True
            return req
        vals = {v.strip() for v in cl.split(",")}
        if len(vals) != 1 or not next(iter(vals)).isdigit():
            req.error, req.must_close = f"invalid Content-Length {cl!r}", True
            return req
        n = int(next(iter(vals)))
        if n > MAX_BODY_BYTES:
            req.error, req.error_status, req.must_close = "request body too large", 413, True
            return req
        if req.h.get("expect", "").lower() == "100-continue" and len(self.buf) < n:
            self._send_raw(b"HTTP/1.1 100 Continue\r\n\r\n")
        deadline = time.monotonic() + args.body_timeout
        while len(self.buf) < n:
            data = self._recv(deadline)
            if not data:
                req.body = self.buf
                self.buf = b""
                req.error = (f"body shorter than Content-Length: got {len(req.body)} of {n} "
                             "bytes before " + ("EOF" if data == b"" else "the body timeout"))
                req.must_close = True
                return req
            self.buf += data
            deadline = time.monotonic() + args.body_timeout
        req.body, self.buf = self.buf[:n], self.buf[n:]
        # Bytes that arrived together with the body and cannot start a request: the client's
        # body was longer than its Content-Length.
        if self.buf and not re.match(rb"(\r\n)*[A-Z]{1,10}( |$)", self.buf[:14]):
            req.error = (f"body longer than Content-Length {n}: {len(self.buf)} extra bytes "
                         f"{self.buf[:20]!r}")
            req.must_close = True
        return req

    def _send_raw(self, data):
        try:
            self.sock.settimeout(self.st.args.write_timeout)
            self.sock.sendall(data)
        except (OSError, ssl.SSLError) as e:
            raise ClientGone(str(e))

    # ---- request dispatch -------------------------------------------------------------------
    def handle(self, req: Request) -> str:
        """Serve one request: "keep" (read another), "close" (close nicely) or "closed"."""
        path = req.target.partition("?")[0]
        if path.startswith("/_") and not req.error:
            return self.handle_introspection(req, path)

        st = self.st
        with st.lock:
            if self.counted_epoch != st.epoch:        # first API request on this connection
                self.counted_epoch = st.epoch        # (since the last /_reset)
                st.connections += 1
            st.requests += 1
            st.by_path[path or "?"] += 1
            st.request_counter += 1
            rid = f"req_{st.request_counter}"
            st.entry_counter += 1
            entry = {"n": st.entry_counter, "conn": self.cid, "method": req.method,
                     "path": req.target, "headers": {k: v for k, v in req.h.items()},
                     "body": req.body.decode("utf-8", "replace"),
                     "has_authorization": "authorization" in req.h,
                     "request_id": rid, "status": None, "transcript": None,
                     "error": None, "faults_applied": False, "outcome": None}
            st.log.append(entry)

        deadline = time.monotonic() + self.st.args.max_response_seconds
        ctx = Ctx(req, None, {}, rid, entry, deadline)
        ctx.close = req.must_close
        try:
            try:
                self.serve_api(req, path, ctx)
                entry["outcome"] = entry["outcome"] or "complete"
            except ConfigError as e:
                entry["error"] = f"drip config: {e}"
                ctx.faults = {}                  # answer the config error plainly
                self.send_json(ctx, 400, api_error(f"dripfeed replay server: {e}",
                                                   "invalid_request_error", None,
                                                   "drip_config_error"))
                entry["outcome"] = "complete"
        except Drop as d:
            entry["outcome"] = f"dropped:{d.reason}"
            with st.lock:
                st.drops += 1
            self.log(f"{req.method} {req.target} -> dropped ({d.reason})")
            self._close_hard(reset=bool(ctx.faults.get("reset")))
            return "closed"
        except ClientGone as e:
            entry["outcome"] = f"client_closed:{e}"
            self.log(f"{req.method} {req.target} -> client went away ({e})")
            self._close_hard(reset=False)
            return "closed"
        self.log(f"{req.method} {req.target} -> {entry['status']} {entry['transcript'] or ''}")
        return "close" if ctx.close else "keep"

    def serve_api(self, req, path, ctx):
        entry = ctx.entry
        # 1. Framing errors found while reading (always answered, never faulted).
        if req.error:
            entry["error"] = req.error
            ctx.close = True
            self.send_json(ctx, req.error_status,
                           api_error(f"dripfeed replay server: {req.error}",
                                     "invalid_request_error", None, "drip_bad_request"))
            return
        # 2. X-Drip-* headers (ConfigError -> 400 in handle()).
        opts = Opts(req.h)
        ctx.opts = opts
        ctx.rng = random.Random(opts.seed)

        m_get = re.fullmatch(r"/v1/responses/([^/]+)", path)
        m_cancel = re.fullmatch(r"/v1/responses/([^/]+)/cancel", path)
        route = None
        if req.method == "POST" and path == "/v1/responses":
            route = "responses"
        elif req.method == "POST" and path == "/v1/chat/completions":
            route = "chat"
        elif req.method == "GET" and m_get:
            route = "get"
        elif req.method == "POST" and m_cancel:
            route = "cancel"
        elif req.method == "POST" and path == "/v1/audio/speech":
            route = "speech"

        # 3. Body validation: the tests rely on this to prove the client writes valid JSON.
        obj = None
        if req.method == "POST":
            if req.cl_missing and route != "cancel":
                ctx.close = True     # an unframed body may follow: do not reuse the connection
                return self.bad_request(ctx, "Content-Length is required for POST")
            if route in ("responses", "chat", "speech") or req.body:
                try:
                    text = req.body.decode("utf-8")
                    obj = json.loads(text, parse_constant=_reject_constant)
                except (UnicodeDecodeError, ValueError) as e:
                    entry["error"] = f"invalid JSON body: {e}"
                    return self.send_json(ctx, 400, api_error(
                        "We could not parse the JSON body of your request. (HINT: This likely "
                        "means you aren't using your HTTP library correctly. The OpenAI API "
                        "expects a JSON payload, but what was sent was not valid JSON. If you "
                        "have trouble figuring out how to fix this, please contact us through "
                        "our help center at help.openai.com.)", "invalid_request_error"))
                if route in ("responses", "chat", "speech") and not isinstance(obj, dict):
                    return self.bad_request(ctx, "the request body must be a JSON object")
                if route in ("responses", "chat", "speech") and not isinstance(obj.get("model"), str):
                    return self.bad_request(ctx, "you must provide a model parameter", "model")
                if route == "speech":
                    err = speech_request_error(obj)
                    if err:
                        return self.bad_request(ctx, err[0], err[1])
                if route == "chat" and not isinstance(obj.get("messages"), list):
                    return self.bad_request(ctx, "Missing required parameter: 'messages'.",
                                            "messages", "missing_required_parameter")
                if route in ("responses", "chat") and "stream" in obj \
                        and not isinstance(obj["stream"], bool):
                    return self.bad_request(ctx, "Invalid type for 'stream': expected a boolean.",
                                            "stream", "invalid_type")
        if self.st.args.require_auth and not req.h.get("authorization", "").startswith("Bearer "):
            return self.send_json(ctx, 401, api_error(
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                "invalid_request_error"))

        # 4. Faults, possibly limited by fail_times.
        faults = dict(opts.faults)
        if "fail_times" in faults:
            key = opts.key if opts.key is not None else f"{opts.fault_header}|{path}"
            with self.st.lock:
                self.st.fail_counts[key] += 1
                count = self.st.fail_counts[key]
            if count > faults["fail_times"]:
                faults = {}
        ctx.faults = faults
        entry["faults_applied"] = bool(faults)
        if faults.get("close"):
            ctx.close = True
        if "stall_before_headers" in faults:
            self.sleep_ms(ctx, faults["stall_before_headers"])
        status = faults.get("status", 200)
        if status != 200:
            ctype, body = fault_error_body(status, faults)
            return self.send_body(ctx, status, ctype, body)

        # 5. Routes.
        if route == "responses":
            return self.post_responses(ctx, obj)
        if route == "chat":
            name = opts.transcript or chat_default(obj)
            t = self.transcript(ctx, name)
            if obj.get("stream") is True:
                return self.send_stream(ctx, t, t.frames)
            return self.send_json(ctx, 200, t.final_json())
        if route == "speech":
            return self.post_speech(ctx, obj)
        if route == "get":
            return self.get_response(ctx, m_get.group(1))
        if route == "cancel":
            return self.cancel_response(ctx, m_cancel.group(1))
        return self.send_json(ctx, 404, api_error(
            f"Invalid URL ({req.method} {path})", "invalid_request_error"))

    def bad_request(self, ctx, message, param=None, code=None):
        ctx.entry["error"] = message
        return self.send_json(ctx, 400, api_error(message, "invalid_request_error", param, code))

    def transcript(self, ctx, name) -> Transcript:
        t = self.st.transcripts.get(name)
        if t is None:
            raise ConfigError(f"unknown transcript {name!r} (have: {', '.join(self.st.transcripts)})")
        ctx.transcript = name
        ctx.entry["transcript"] = name
        return t

    def post_responses(self, ctx, obj):
        bg = obj.get("background") is True
        name = ctx.opts.transcript
        if not name:
            if bg:
                name = DEFAULT_BACKGROUND
            elif has_function_call_output(obj):
                name = DEFAULT_TOOL_RESULT
            elif obj.get("tools"):
                name = DEFAULT_TOOL_CALL
            else:
                name = DEFAULT_RESPONSES
        t = self.transcript(ctx, name)
        if bg and t.response_id:
            with self.st.lock:        # "stored" server-side: later GET / cancel find it
                self.st.background[t.response_id] = {"transcript": name, "cancelled": False}
        if obj.get("stream") is True:
            return self.send_stream(ctx, t, t.frames)
        return self.send_json(ctx, 200, t.final_json())

    def post_speech(self, ctx, obj):
        """openai.md 11: events for stream_format "sse", else the pcm body itself."""
        o, f = ctx.opts, ctx.faults
        audio = self.st.speech_audio() * o.speech_repeat
        if o.speech_ms_per_char:
            # 24 kHz s16le: 48 bytes a millisecond; whole samples
            want = len(str(obj.get("input", ""))) * o.speech_ms_per_char * 48
            rec = self.st.speech_audio()
            audio = (rec * (want // len(rec) + 1))[:want]
        ctx.entry["transcript"] = "speech:%d" % len(audio)
        if obj.get("stream_format") != "sse":
            self.head(ctx, 200, "audio/pcm", True, len(audio))
            return self.stream_body(ctx, audio, [], True, sse=False)
        frames, i, k = [], 0, 0
        while i < len(audio):
            n = o.speech_deltas[k % len(o.speech_deltas)]
            k += 1
            b64 = base64.b64encode(audio[i:i + n]).decode()
            if f.get("bad_base64") and k == 2:
                b64 = b64[:len(b64) // 2] + "*" + b64[len(b64) // 2 + 1:]
            frames.append(b"event: speech.audio.delta\ndata: " + sse_json(
                {"type": "speech.audio.delta", "audio": b64}) + b"\n\n")
            i += n
        if not f.get("no_terminal"):
            words = len(str(obj.get("input", "")).split())
            frames.append(b"event: speech.audio.done\ndata: " + sse_json(
                {"type": "speech.audio.done", "usage": {"input_tokens": words + 4,
                                                        "output_tokens": len(audio) // 480,
                                                        "total_tokens": words + 4 + len(audio) // 480}})
                + b"\n\n")
        boundaries, pos = [], 0
        for r in frames:
            pos += len(r)
            boundaries.append(pos)
        self.head(ctx, 200, "text/event-stream", True, 0)
        self.stream_body(ctx, b"".join(frames), boundaries, True, sse=True)

    def _background(self, ctx, rid):
        with self.st.lock:
            rec = self.st.background.get(rid)
        if rec is None:
            self.send_json(ctx, 404, api_error(f"Response with id '{rid}' not found.",
                                               "invalid_request_error", None, None))
            return None, None
        return rec, self.transcript(ctx, rec["transcript"])

    def get_response(self, ctx, rid):
        rec, t = self._background(ctx, rid)
        if rec is None:
            return
        q = parse_qs(ctx.req.target.partition("?")[2], keep_blank_values=True)
        if q.get("stream", ["false"])[-1] == "true":
            after = q.get("starting_after", [None])[-1]
            frames = t.frames
            if after is not None:
                try:
                    n = int(after)
                except ValueError:
                    return self.bad_request(ctx, f"Invalid 'starting_after': {after!r}",
                                            "starting_after", "invalid_value")
                frames = [f for f in frames if f.seq > n]
            return self.send_stream(ctx, t, frames)
        if rec["cancelled"]:
            body = t.final_json()
            body["status"] = "cancelled"
        elif ctx.faults.get("pending"):
            body = t.in_progress_json()
        else:
            body = t.final_json()
        return self.send_json(ctx, 200, body)

    def cancel_response(self, ctx, rid):
        rec, t = self._background(ctx, rid)
        if rec is None:
            return
        with self.st.lock:
            rec["cancelled"] = True
        body = t.final_json()
        body["status"] = "cancelled"
        return self.send_json(ctx, 200, body)

    # ---- introspection ----------------------------------------------------------------------
    def handle_introspection(self, req, path) -> str:
        st = self.st
        ctx = Ctx(req, None, {}, None, {}, time.monotonic() + 30)
        ctx.close = req.must_close
        with st.lock:
            if req.method == "GET" and path == "/_stats":
                status, body = 200, st.stats()
            elif req.method == "GET" and path == "/_requests":
                status, body = 200, list(st.log)
            elif req.method == "POST" and path == "/_reset":
                st.reset()
                status, body = 200, {"ok": True}
            elif req.method == "GET" and path == "/_health":
                status, body = 200, {"ok": True, "pid": os.getpid()}
            elif req.method == "GET" and path == "/_transcripts":
                status, body = 200, sorted(st.transcripts)
            else:
                status, body = 404, api_error(f"Invalid URL ({req.method} {path})",
                                              "invalid_request_error")
        try:
            self.send_body(ctx, status, "application/json", json_bytes(body), api=False)
        except (ClientGone, Drop):
            self._close_hard(reset=False)
            return "closed"
        return "close" if ctx.close else "keep"

    # ---- response writing -------------------------------------------------------------------
    def sleep_s(self, ctx, seconds):
        """Bounded sleep: Drop at the response deadline or when the server stops."""
        left = ctx.deadline - time.monotonic()
        t = min(max(seconds, 0.0), max(left, 0.0))
        if self.st.stop.wait(t):
            raise Drop("server stopping")
        if seconds > left:
            raise Drop("response deadline")

    def sleep_ms(self, ctx, ms):
        self.sleep_s(ctx, ms / 1000.0)

    def write(self, ctx, data: bytes):
        """Send bytes; with drip=MS every byte goes out in its own write, MS apart."""
        if time.monotonic() > ctx.deadline:
            raise Drop("response deadline")
        drip = ctx.faults.get("drip")
        if drip is None:
            return self._send_raw(data)
        for i in range(len(data)):
            if ctx.drip_started and drip:
                self.sleep_ms(ctx, drip)
            ctx.drip_started = True
            self._send_raw(data[i:i + 1])

    def head(self, ctx, status, ctype, chunked, length, api=True, extra=()):
        f = ctx.faults
        h = [("Date", formatdate(usegmt=True)), ("Content-Type", ctype)]
        h.append(("Transfer-Encoding", "chunked") if chunked else ("Content-Length", str(length)))
        h.append(("Connection", "close" if ctx.close else "keep-alive"))
        if api:
            pm = PROCESSING_MS.get(ctx.transcript or "", 50)
            h += [("openai-version", "2020-10-01"),
                  ("openai-organization", "user-dripfeedtest"),
                  ("openai-project", "proj_dripfeedtest"),
                  ("openai-processing-ms", str(pm)),
                  ("x-request-id", "r" * f["long_request_id"] if f.get("long_request_id")
                   else ctx.rid),
                  ("x-ratelimit-limit-requests", "30000"),
                  ("x-ratelimit-limit-tokens", "150000000"),
                  ("x-ratelimit-remaining-requests", "29999"),
                  ("x-ratelimit-remaining-tokens", "149999990"),
                  ("x-ratelimit-reset-requests", "2ms"),
                  ("x-ratelimit-reset-tokens", "0s")]
            if "retry_after" in f:
                h.append(("retry-after", f["retry_after"]))
            if "retry_after_ms" in f:
                h.append(("retry-after-ms", f["retry_after_ms"]))
            if "should_retry" in f:
                h.append(("x-should-retry", f["should_retry"]))
            # Headers a client must skip, as a real Cloudflare-fronted answer carries them.
            h += [("strict-transport-security", "max-age=31536000; includeSubDomains; preload"),
                  ("cf-cache-status", "DYNAMIC"),
                  ("set-cookie", "__cf_bm=" + "k" * 150 + "; path=/; expires=Sat, 01-Jan-2050 "
                   "00:00:00 GMT; domain=.api.openai.com; HttpOnly; Secure; SameSite=None"),
                  ("x-content-type-options", "nosniff"),
                  ("server", "cloudflare"),
                  ("cf-ray", "%016x-SJC" % (hash(ctx.rid) & (2 ** 64 - 1))),
                  ("alt-svc", 'h3=":443"; ma=86400')]
            if f.get("big_header"):
                h.append(("x-drip-padding", "p" * f["big_header"]))
        h.append(("x-drip-conn", str(self.cid)))
        h += list(extra)
        first = "HTTP/1.1 2x0 OK" if f.get("bad_status") else f"HTTP/1.1 {status} {reason_phrase(status)}"
        lines = [first] + [f"{k}: {v}" for k, v in h]
        if api:
            ctx.entry["status"] = status
            with self.st.lock:
                self.st.by_status[status] += 1
        self.write(ctx, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def send_json(self, ctx, status, obj):
        return self.send_body(ctx, status, "application/json", json_bytes(obj))

    def send_body(self, ctx, status, ctype, body: bytes, api=True):
        """A non-SSE body: Content-Length unless chunked=1; drop/stall faults still apply."""
        chunked = bool(ctx.faults.get("chunked"))
        self.head(ctx, status, ctype, chunked, len(body), api=api)
        self.stream_body(ctx, body, [], chunked, sse=False)

    def send_stream(self, ctx, t: Transcript, frames):
        f = ctx.faults
        if "content_type" in f:        # wrong content type with a JSON body
            return self.send_body(ctx, 200, f["content_type"], json_bytes(t.final_json()))
        if f.get("no_terminal") and frames:
            frames = frames[:-1]
        if f.get("inject"):
            frames = list(frames[:3]) + [Frame(injected_event(f["inject"]), 3)] + list(frames[3:])
        eol = {"lf": b"\n", "crlf": b"\r\n", "cr": b"\r"}[f.get("eol", "lf")]
        raws = [fr.raw if eol == b"\n" else fr.raw.replace(b"\n", eol) for fr in frames]
        boundaries, pos = [], 0
        for r in raws:
            pos += len(r)
            boundaries.append(pos)
        self.head(ctx, 200, "text/event-stream; charset=utf-8", True, 0)
        if "only_comments" in f:
            return self.only_comments(ctx, eol)
        if f.get("bad_chunk"):
            self.emit_chunk(ctx, raws[0], True)
            self.write(ctx, b"zz\r\n")
            raise Drop("bad_chunk")
        self.stream_body(ctx, b"".join(raws), boundaries, True, sse=True, eol=eol)

    def only_comments(self, ctx, eol):
        f = ctx.faults
        interval = (f.get("comments") or 1000) / 1000.0
        end = time.monotonic() + f["only_comments"]
        while True:
            self.emit_chunk(ctx, b": keep-alive" + eol + eol, True)
            left = end - time.monotonic()
            if left <= 0:
                break
            self.sleep_s(ctx, min(interval, left))
        raise Drop("only_comments")

    def emit_chunk(self, ctx, data: bytes, chunked: bool, announced=None):
        if not chunked:
            return self.write(ctx, data)
        ext = b""
        if ctx.faults.get("chunk_ext"):
            ext = CHUNK_EXTS[ctx.rng.randrange(len(CHUNK_EXTS))]
        size = len(data) if announced is None else announced
        tail = b"\r\n" if announced is None else b""
        self.write(ctx, b"%x%s\r\n" % (size, ext) + data + tail)

    def stream_body(self, ctx, body: bytes, boundaries, chunked, sse, eol=b"\n"):
        """Write `body` in random-size chunks, applying the body faults.

        Offsets (drop_after, stall_after) count bytes of `body` only. Comments are inserted only
        at event boundaries, so the SSE stream stays valid; when comments are on, chunks are also
        cut at event boundaries.
        """
        f, o = ctx.faults, ctx.opts
        cmin, cmax = (o.cmin, o.cmax) if o else (1, 512)
        delay = o.delay_ms if o else 0
        ev_delay = o.event_delay_ms if (o and sse) else 0
        n = len(body)
        stalls = sorted(f.get("stall_after", []))
        si = 0
        drop = f.get("drop_after")
        comments = f.get("comments") if sse else None
        bset = set(boundaries) | {0}
        comment = b": keep-alive" + eol + eol
        last_comment = [time.monotonic()]

        def send_comment():
            self.emit_chunk(ctx, comment, chunked)
            last_comment[0] = time.monotonic()

        def at_boundary(pos):
            if comments is None or pos not in bset:
                return
            if comments == 0 or time.monotonic() - last_comment[0] >= comments / 1000.0:
                send_comment()

        def pause(ms, pos):
            """Sleep; at an event boundary with comments=MS, keep-alive every MS meanwhile."""
            if not comments or pos not in bset:
                return self.sleep_ms(ctx, ms)
            end = time.monotonic() + ms / 1000.0
            while True:
                now = time.monotonic()
                if now >= end:
                    return
                due = last_comment[0] + comments / 1000.0
                if now >= due:
                    send_comment()
                    continue
                self.sleep_s(ctx, min(end, due) - now)

        at_boundary(0)
        pos = 0
        while True:
            while si < len(stalls) and (stalls[si][0] <= pos or pos >= n):
                pause(stalls[si][1], pos)
                si += 1
            if pos >= n:
                if drop is not None:          # drop_after >= body length: all bytes, no end
                    raise Drop("drop_after")
                break
            planned = min(pos + ctx.rng.randint(cmin, cmax), n)
            end = planned
            if si < len(stalls):
                end = min(end, stalls[si][0])
            if comments is not None or ev_delay:
                end = min(end, next((b for b in boundaries if b > pos), n))
            if drop is not None and drop < end:
                if f.get("mid_chunk") and chunked:
                    # The chunk header promises `planned - pos` bytes; fewer arrive.
                    self.emit_chunk(ctx, body[pos:drop], True, announced=planned - pos)
                    raise Drop("drop_after")
                end = drop
                if end == pos:
                    raise Drop("drop_after")
            self.emit_chunk(ctx, body[pos:end], chunked)
            pos = end
            at_boundary(pos)
            if delay and pos < n:
                pause(delay, pos)
            if ev_delay and pos < n and pos in bset:
                pause(ev_delay, pos)
        if chunked:
            self.write(ctx, b"0\r\n\r\n")


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def injected_event(kind: str) -> bytes:
    """An extra SSE event for the inject= fault."""
    if kind == "invalid_json":
        return b'event: response.output_text.delta\ndata: {"type":"response.output_text.delta",\n\n'
    if kind == "unknown_type":
        return (b'event: response.future_thing.delta\ndata: {"type":"response.future_thing.delta",'
                b'"delta":"ignored","sequence_number":1000}\n\n')
    if kind == "huge_delta":
        d = json.dumps({"type": "response.output_text.delta", "item_id": "msg_x", "output_index": 0,
                        "content_index": 0, "delta": "x" * 40960, "sequence_number": 1001})
        return b"event: response.output_text.delta\ndata: " + d.encode() + b"\n\n"
    raise ConfigError(f"inject: unknown kind {kind!r}")


SPEECH_VOICES = {"alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage",
                 "shimmer", "verse", "marin", "cedar"}


def speech_request_error(obj):
    """(message, param) when a speech request breaks openai.md 11, else None."""
    if not isinstance(obj.get("input"), str) or not obj["input"]:
        return "Missing required parameter: 'input'.", "input"
    if len(obj["input"]) > 4096:
        return "'input' is longer than 4096 characters.", "input"
    v = obj.get("voice")
    if not ((isinstance(v, str) and v in SPEECH_VOICES) or
            (isinstance(v, dict) and str(v.get("id", "")).startswith("voice_"))):
        return "Invalid value for 'voice'.", "voice"
    if obj.get("response_format", "mp3") != "pcm":
        return "dripfeed replay server: only response_format 'pcm' is replayed", "response_format"
    if obj.get("stream_format", "audio") not in ("audio", "sse"):
        return "Invalid value for 'stream_format'.", "stream_format"
    sp = obj.get("speed", 1)
    if isinstance(sp, bool) or not isinstance(sp, (int, float)) or not 0.25 <= sp <= 4:
        return "Invalid value for 'speed'.", "speed"
    for k in obj:
        if k not in ("model", "input", "voice", "instructions", "response_format", "speed",
                     "stream_format"):
            return f"Unrecognized request argument supplied: {k}", k
    return None


def load_speech_audio(path):
    """The pcm body of a raw speech capture (tests/captures/speech, chunked)."""
    with open(path, "rb") as fh:
        data = fh.read()
    rest = data.partition(b"\r\n\r\n")[2]
    body, i = b"", 0
    while True:
        j = rest.index(b"\r\n", i)
        n = int(rest[i:j].split(b";")[0], 16)
        if n == 0:
            return body
        body += rest[j + 2:j + 2 + n]
        i = j + 2 + n + 2


def chat_default(obj) -> str:
    """Chat: a tool result gets the answer after it; tools on offer get a call."""
    msgs = obj.get("messages")
    if isinstance(msgs, list) and any(isinstance(m, dict) and m.get("role") == "tool" for m in msgs):
        return DEFAULT_CHAT_TOOL_RESULT
    if obj.get("tools"):
        return DEFAULT_CHAT_TOOL_CALL
    return DEFAULT_CHAT


def has_function_call_output(obj) -> bool:
    items = obj.get("input")
    return isinstance(items, list) and any(
        isinstance(i, dict) and i.get("type") == "function_call_output" for i in items)


# ---------------------------------------------------------------------------------------------
# Main: listen, accept, stop on SIGTERM/SIGINT
# ---------------------------------------------------------------------------------------------
def netns_private_address(host: str) -> bool:
    """One private unicast IPv4 address, and this process runs inside a named network namespace
    (`ip netns add`, as tests/lwip does with a TAP device): nothing outside it can reach it."""
    try:
        a = ipaddress.IPv4Address(host)
    except ValueError:
        return False
    if not a.is_private or a.is_loopback or a.is_unspecified or a.is_multicast or a.is_link_local:
        return False
    try:
        me = os.stat("/proc/self/ns/net")
        for d in ("/run/netns", "/var/run/netns"):
            for name in os.listdir(d) if os.path.isdir(d) else ():
                ns = os.stat(os.path.join(d, name))
                if (ns.st_dev, ns.st_ino) == (me.st_dev, me.st_ino):
                    return True
    except OSError:
        pass
    return False


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cert", help="server certificate (PEM); required unless --plain")
    ap.add_argument("--key", help="server private key (PEM); required unless --plain")
    ap.add_argument("--plain", action="store_true",
                    help="plain HTTP, no TLS (for clients whose transport does TLS itself "
                         "elsewhere, e.g. the Arduino wrapper's Client); 127.0.0.1 only")
    ap.add_argument("--transcripts", required=True, help="directory of *.sse files")
    ap.add_argument("--host", default="127.0.0.1",
                    help="127.0.0.1; a private IPv4 address only inside a test network namespace")
    ap.add_argument("--port", type=int, default=0, help="0 = ephemeral (default)")
    ap.add_argument("--ready-file", help="write the port here once listening")
    ap.add_argument("--idle-timeout", type=float, default=30.0,
                    help="close a keep-alive connection idle this long (s)")
    ap.add_argument("--body-timeout", type=float, default=5.0,
                    help="max silence inside a request head/body (s)")
    ap.add_argument("--write-timeout", type=float, default=10.0,
                    help="max time one write may block on a client that does not read (s)")
    ap.add_argument("--max-response-seconds", type=float, default=120.0,
                    help="hard deadline of one response; then the connection is dropped")
    ap.add_argument("--max-lifetime", type=float, default=3600.0,
                    help="exit by itself after this many seconds (0 = never)")
    ap.add_argument("--exit-with-parent", action="store_true",
                    help="exit when the parent process dies")
    ap.add_argument("--require-auth", action="store_true",
                    help="401 for API requests without 'Authorization: Bearer ...'")
    ap.add_argument("--tls-max", choices=["1.2", "1.3"], help="highest TLS version offered")
    ap.add_argument("--tls-min", choices=["1.2", "1.3"], help="lowest TLS version accepted "
                    "(1.3 makes a TLS 1.2-only client fail with a protocol_version alert)")
    ap.add_argument("--verbose", action="store_true", help="one log line per request on stderr")
    ap.add_argument("--speech-audio", default=DEFAULT_SPEECH_AUDIO,
                    help="raw chunked pcm capture whose body POST /v1/audio/speech speaks")
    args = ap.parse_args(argv)

    if args.host != "127.0.0.1" and not netns_private_address(args.host):
        print(f"replay_server: refusing to bind {args.host!r}: this test server listens on "
              "127.0.0.1 only (or on one private address inside a test network namespace)",
              file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print("replay_server: bad --port", file=sys.stderr)
        return 2

    if args.plain:
        if args.host != "127.0.0.1":
            print("replay_server: --plain listens on 127.0.0.1 only", file=sys.stderr)
            return 2
        ssl_ctx = None
    elif not args.cert or not args.key:
        print("replay_server: --cert and --key are required (or --plain)", file=sys.stderr)
        return 2
    else:
        ssl_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            ssl_ctx.load_cert_chain(args.cert, args.key)
        except (OSError, ssl.SSLError) as e:
            print(f"replay_server: cannot load certificate/key: {e}", file=sys.stderr)
            return 2
        if args.tls_max == "1.2":
            ssl_ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        if args.tls_min == "1.3":
            ssl_ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    state = State(load_transcripts(args.transcripts), args)

    def on_signal(signum, frame):
        state.stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        lsock.bind((args.host, args.port))
    except OSError as e:
        print(f"replay_server: cannot bind {args.host}:{args.port}: {e}", file=sys.stderr)
        return 2
    lsock.listen(64)
    lsock.settimeout(0.2)
    port = lsock.getsockname()[1]
    if args.ready_file:
        tmp = f"{args.ready_file}.tmp.{os.getpid()}"
        with open(tmp, "w") as fh:
            fh.write(f"{port}\n")
        os.replace(tmp, args.ready_file)
    print(f"listening on {args.host}:{port}", flush=True)

    started = time.monotonic()
    parent = os.getppid()
    threads = []
    try:
        while not state.stop.is_set():
            if args.max_lifetime and time.monotonic() - started > args.max_lifetime:
                print("replay_server: --max-lifetime reached, exiting", file=sys.stderr)
                break
            if args.exit_with_parent and os.getppid() != parent:
                print("replay_server: parent died, exiting", file=sys.stderr)
                break
            try:
                raw, _addr = lsock.accept()
            except (socket.timeout, TimeoutError):
                continue
            except InterruptedError:
                continue
            with state.lock:
                state.tcp_accepts += 1
                state.conn_counter += 1
                conn = Conn(state, ssl_ctx, raw, state.conn_counter)
                state.active[conn.cid] = conn
            th = threading.Thread(target=conn.run, name=f"conn-{conn.cid}", daemon=True)
            th.start()
            threads = [t for t in threads if t.is_alive()] + [th]
    finally:
        state.stop.set()
        lsock.close()
        end = time.monotonic() + 3.0         # connection threads poll `stop` every 0.25 s
        for th in threads:
            th.join(max(0.0, end - time.monotonic()))
        if args.ready_file:
            try:
                os.unlink(args.ready_file)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
