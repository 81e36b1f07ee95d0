#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Speech answers (POST /v1/audio/speech, docs/spec/openai.md section 11).

  make_speech.py captures DIR        real audio (espeak-ng + sox, run by hand)
                                     -> DIR/*.http (committed: tests/captures/speech)
  make_speech.py big OUT [SRC]       a 500 KB+ single-delta stream plus deltas from
                                     300 B to hundreds of KB, from SRC's audio
                                     (default: the committed speech-pcm-chunked.http)
  make_speech.py pcm CAPTURE         the audio of a capture on stdout (the reference
                                     decoder: base64 via Python, independent of C)

The audio in every capture is 24 kHz 16-bit signed little-endian mono PCM
(response_format "pcm"), as OpenAI sends it.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile

TEXT = "Hello from dripfeed."


def chunked(body, sizes):
    out, i, k = [], 0, 0
    while i < len(body):
        n = sizes[k % len(sizes)]
        k += 1
        piece = body[i:i + n]
        out.append(b"%x\r\n" % len(piece) + piece + b"\r\n")
        i += n
    out.append(b"0\r\n\r\n")
    return b"".join(out)


def head(status, ctype, extra=b""):
    reason = {200: b"OK", 429: b"Too Many Requests", 500: b"Internal Server Error"}[status]
    return (b"HTTP/1.1 %d %s\r\nContent-Type: %s\r\nx-request-id: req_speech_%d\r\n" %
            (status, reason, ctype, status) + extra)


def sse_events(pcm, delta_sizes, usage=True, done=True, event_lines=False, mangle=None):
    """Events for pcm cut into deltas of delta_sizes audio bytes (cycled)."""
    ev, i, k = [], 0, 0
    while i < len(pcm):
        n = delta_sizes[k % len(delta_sizes)]
        k += 1
        b64 = base64.b64encode(pcm[i:i + n]).decode()
        if mangle is not None and k == mangle[0]:
            b64 = b64[:mangle[1]] + mangle[2] + b64[mangle[1] + len(mangle[2]):]
        data = json.dumps({"type": "speech.audio.delta", "audio": b64}, separators=(",", ":"))
        ev.append((b"event: speech.audio.delta\n" if event_lines else b"") +
                  b"data: " + data.encode() + b"\n\n")
        i += n
    if done:
        u = {"input_tokens": 14, "output_tokens": 101, "total_tokens": 115}
        d = {"type": "speech.audio.done", "usage": u} if usage else {"type": "speech.audio.done"}
        ev.append((b"event: speech.audio.done\n" if event_lines else b"") +
                  b"data: " + json.dumps(d, separators=(",", ":")).encode() + b"\n\n")
    return b"".join(ev)


def sse_capture(events, sizes=(1000, 37, 4096)):
    return head(200, b"text/event-stream", b"Transfer-Encoding: chunked\r\n\r\n") + chunked(events, list(sizes))


def espeak_raw():
    """TEXT spoken by libespeak-ng (Debian libespeak-ng1, through ctypes: the
    espeak-ng command may be absent): 16-bit mono PCM at its own rate."""
    import ctypes
    lib = ctypes.CDLL("libespeak-ng.so.1")
    rate = lib.espeak_Initialize(1, 0, None, 0)  # AUDIO_OUTPUT_RETRIEVAL
    if rate <= 0:
        sys.exit("espeak_Initialize failed")
    buf = bytearray()
    cbtype = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

    def cb(wav, n, events):
        if wav and n > 0:
            buf.extend(ctypes.string_at(wav, n * 2))
        return 0
    keep = cbtype(cb)
    lib.espeak_SetSynthCallback(keep)
    lib.espeak_SetVoiceByName(b"en-us")
    lib.espeak_SetParameter(1, 165, 0)  # espeakRATE: words per minute
    text = TEXT.encode()
    lib.espeak_Synth(text, ctypes.c_size_t(len(text) + 1), 0, 1, 0, 0, None, None)
    lib.espeak_Synchronize()
    return bytes(buf), rate


def espeak_pcm():
    raw, rate = espeak_raw()
    with tempfile.TemporaryDirectory() as t:
        src = os.path.join(t, "a.raw")
        dst = os.path.join(t, "b.raw")
        with open(src, "wb") as f:
            f.write(raw)
        # resampled to what OpenAI's pcm is: 24 kHz s16le mono
        subprocess.run(["sox", "-t", "raw", "-r", str(rate), "-e", "signed-integer", "-b", "16",
                        "-c", "1", "-L", src, "-r", "24000", "-e", "signed-integer", "-b", "16",
                        "-c", "1", "-L", "-t", "raw", dst], check=True)
        with open(dst, "rb") as f:
            return f.read()


def make_captures(d):
    pcm = espeak_pcm()
    short = pcm[:6000]
    os.makedirs(d, exist_ok=True)
    err = json.dumps({"error": {"message": "Rate limit reached for gpt-4o-mini-tts",
                                "type": "requests", "param": None,
                                "code": "rate_limit_exceeded"}}).encode()
    err5 = json.dumps({"error": {"message": "The server had an error while processing your request.",
                                 "type": "server_error", "param": None, "code": None}}).encode()
    files = {
        # deltas from 300 B to 24 KB of audio (400 B .. 32 KB of base64), event: lines too
        "speech-sse.http": sse_capture(sse_events(pcm, [300, 1200, 4800, 24000, 700], event_lines=True)),
        "speech-pcm-chunked.http": head(200, b"audio/pcm", b"Transfer-Encoding: chunked\r\n\r\n") +
                                   chunked(pcm, [4096, 1, 333, 16384]),
        "speech-pcm-length.http": head(200, b"audio/pcm", b"Content-Length: %d\r\n\r\n" % len(short)) + short,
        "speech-pcm-close.http": head(200, b"audio/pcm", b"Connection: close\r\n\r\n") + short,
        "speech-pcm-cut.http": head(200, b"audio/pcm", b"Content-Length: %d\r\n\r\n" % len(short)) + short[:4000],
        "speech-sse-no-done.http": sse_capture(sse_events(short, [1500], done=False)),
        "speech-sse-bad-base64.http": sse_capture(sse_events(short, [1500], mangle=(2, 100, "*"))),
        "speech-sse-cut-mid-delta.http": sse_capture(sse_events(short, [1500]))[:3000],
        "speech-429.http": head(429, b"application/json", b"retry-after-ms: 10\r\nContent-Length: %d\r\n\r\n" % len(err)) + err,
        "speech-500.http": head(500, b"application/json", b"Content-Length: %d\r\n\r\n" % len(err5)) + err5,
    }
    for name, data in files.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    print("audio: %d bytes (%.2f s)" % (len(pcm), len(pcm) / 48000.0))


def parse_http(data):
    """(status, headers dict, body) of a whole response (chunked, length or close)."""
    h, _, rest = data.partition(b"\r\n\r\n")
    lines = h.split(b"\r\n")
    status = int(lines[0].split()[1])
    hd = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(b":")
        hd[k.strip().lower().decode()] = v.strip().decode()
    if hd.get("transfer-encoding", "").lower() == "chunked":
        body, i = b"", 0
        while True:  # a cut capture: what arrived
            j = rest.find(b"\r\n", i)
            if j < 0:
                break
            n = int(rest[i:j].split(b";")[0], 16)
            if n == 0:
                break
            body += rest[j + 2:j + 2 + n]
            i = j + 2 + n + 2
        return status, hd, body
    if "content-length" in hd:
        return status, hd, rest[:int(hd["content-length"])]
    return status, hd, rest


def audio_of(path):
    with open(path, "rb") as f:
        status, hd, body = parse_http(f.read())
    if not hd.get("content-type", "").startswith("text/event-stream"):
        return body
    out = b""
    for block in body.split(b"\n\n")[:-1]:  # whole events only
        for ln in block.split(b"\n"):
            if ln.startswith(b"data: ") and ln != b"data: [DONE]":
                ev = json.loads(ln[6:])
                if ev.get("type") == "speech.audio.delta":
                    try:
                        out += base64.b64decode(ev["audio"], validate=True)
                    except ValueError:
                        return out  # the decoder stops at a bad event
    return out


def make_big(out, src):
    pcm = audio_of(src)
    big = (pcm * (1 + 390000 // len(pcm)))[:390000]  # one delta: 520 KB of base64
    rest = (pcm * 4)[:len(pcm) * 4]
    ev = sse_events(big, [len(big)]) + sse_events(rest, [200, 3000, 96000, 150000], done=True)
    # one stream: the big delta, then deltas of 200 B .. 150 KB of audio, then done
    ev = ev.replace(b'data: {"type":"speech.audio.done","usage":{"input_tokens":14,"output_tokens":101,"total_tokens":115}}\n\n', b"", 1)
    with open(out, "wb") as f:
        f.write(sse_capture(ev, (65536, 7, 8192)))


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "captures":
        make_captures(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "big":
        src = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "..", "captures", "speech", "speech-pcm-chunked.http")
        make_big(sys.argv[2], src)
    elif len(sys.argv) == 3 and sys.argv[1] == "pcm":
        sys.stdout.buffer.write(audio_of(sys.argv[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
