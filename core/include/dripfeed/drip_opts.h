/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_opts.h
 * @brief Compile-time limits of dripfeed, each with its default and RAM cost.
 *
 * A project overrides any of these in its own header named by
 * -DDRIP_CONFIG_FILE="\"my_drip_config.h\"" (the mbedTLS way: no file is
 * needed when the defaults suit, unlike lwIP's mandatory lwipopts.h), or with
 * plain -D flags. Runtime buffers (SSE data, JSON tokens, call table) are not
 * here: the caller passes them to the _init functions with their sizes.
 */
#ifndef DRIP_OPTS_H
#define DRIP_OPTS_H

#ifdef DRIP_CONFIG_FILE
#include DRIP_CONFIG_FILE
#endif

/** 1 when compiled for an operating system (the compiler predefines
 *  __unix__, __APPLE__ or _WIN32: Linux, macOS, BSD, Windows), 0 for bare
 *  metal and RTOS cross compilers (arm-none-eabi, xtensa-esp32-elf, ...).
 *  It picks the defaults marked "host / firmware" below: the host tool keeps
 *  every text and figure, firmware saves flash and RAM. Decided by the
 *  compiler rather than the build system so that the library and the code
 *  that includes its headers always agree on the struct layouts (a CMake
 *  -D missing from a pkg-config or installed-package build would not).
 *  Define it, or any single option, to choose otherwise. */
#ifndef DRIP_HOSTED
#if defined(__unix__) || defined(__unix) || defined(__APPLE__) || defined(_WIN32)
#define DRIP_HOSTED 1
#else
#define DRIP_HOSTED 0
#endif
#endif

/** Longest SSE `event:` value kept (bytes). RAM: this, once per parser.
 *  The longest Responses type is 44 bytes. Longer values: DRIP_ERR_SSE_FIELD_TOO_LONG. */
#ifndef DRIP_SSE_TYPE_MAX
#define DRIP_SSE_TYPE_MAX 48
#endif

/** Longest SSE `id:` value kept (bytes). RAM: 3x this (line being read,
 *  last-event-id buffer, last-event-id string). OpenAI sends no ids.
 *  Longer values: DRIP_ERR_SSE_FIELD_TOO_LONG. */
#ifndef DRIP_SSE_ID_MAX
#define DRIP_SSE_ID_MAX 32
#endif

/** Content-Type value kept by the HTTP reader (bytes). */
#ifndef DRIP_HTTP_CTYPE_MAX
#define DRIP_HTTP_CTYPE_MAX 48
#endif

/** x-request-id value kept by the HTTP reader (bytes; OpenAI's are 36). */
#ifndef DRIP_HTTP_REQID_MAX
#define DRIP_HTTP_REQID_MAX 64
#endif

/** Other kept header values (retry-after, rate limits, ...) (bytes). */
#ifndef DRIP_HTTP_VALUE_MAX
#define DRIP_HTTP_VALUE_MAX 64
#endif

/** Response / item / call ids and function names kept across events (bytes).
 *  OpenAI ids are <= 56 bytes; function names are limited to 64 by the API.
 *  Longer values: DRIP_ERR_EVENT_ID_TOO_LONG. */
#ifndef DRIP_ID_MAX
#define DRIP_ID_MAX 64
#endif

/** Error message kept in drip_result_t (bytes, with NUL). Host / firmware
 *  default: 320 / 128. RAM: this, once per stream (drip_result_t). Real API
 *  messages run to ~200 bytes (insufficient_quota: 196). A longer one is cut
 *  here and flagged (drip_result_t.message_cut); on_error always sees it
 *  whole when the event fitted the data buffer, whatever this is. */
#ifndef DRIP_ERRMSG_MAX
#if DRIP_HOSTED
#define DRIP_ERRMSG_MAX 320
#else
#define DRIP_ERRMSG_MAX 128
#endif
#endif

/** Error type / code / param and incomplete reason strings (bytes). */
#ifndef DRIP_ERRFIELD_MAX
#define DRIP_ERRFIELD_MAX 40
#endif

/** Deepest JSON nesting the oversize scanner follows (1..64). Deeper input:
 *  DRIP_ERR_JSON_DEPTH. RAM: none extra (one 64-bit mask). */
#ifndef DRIP_SCAN_MAX_DEPTH
#define DRIP_SCAN_MAX_DEPTH 64
#endif

/** The oversize scanner keeps what it captures of an event larger than the
 *  SSE buffer (ids, status, usage, error text, a delta) in that buffer,
 *  idle while such an event passes through (drip_event_set_arena), and
 *  stages its pieces in the token array: no RAM of its own. Its room is the
 *  buffer's size: from 512 bytes every recorded capture (tests/captures)
 *  decodes as it did with the former private 640-byte arena; smaller
 *  buffers keep less of an oversize event (measured: 384 B cuts a 196-byte
 *  error message, flagged; 256 B refuses a 150-byte MCP argument delta,
 *  DRIP_ERR_EVENT_DELTA_TOO_LARGE; under 192 B a call item's ids may not
 *  fit, DRIP_ERR_EVENT_ID_TOO_LONG). This option (0 or 128..65535) adds a
 *  private arena of that many bytes to the decoder, used instead when the
 *  buffer is smaller (640: the old behaviour at any buffer size). RAM: this,
 *  once per decoder. Default 0: the buffer only. */
#ifndef DRIP_SCAN_ARENA
#define DRIP_SCAN_ARENA 0
#endif
/** Arena bytes strings leave for numbers (usage counts, indexes), so a long
 *  error message can never crowd out the usage counts that follow it; at
 *  most 1/8 of the arena. */
#ifndef DRIP_SCAN_NUM_RESERVE
#define DRIP_SCAN_NUM_RESERVE 64
#endif
/** Arena bytes a long string (a delta, an error message) leaves for the ids
 *  and short strings captured after it; at most 1/4 of the arena. The
 *  longest delta the scanner keeps is the arena's size less both reserves
 *  (320 B with a 512-byte buffer). */
#ifndef DRIP_SCAN_ID_RESERVE
#define DRIP_SCAN_ID_RESERVE 128
#endif

/** Client timeouts used when drip_client_cfg_t leaves one at 0 (ms).
 *  DRIP_TIMEOUT_NONE (drip_client.h) asks for none. RAM: none.
 *  Connect (TCP + TLS handshake): 10 s; a reachable API host answers in
 *  well under a second, and a device that waits longer only hides a dead
 *  link (the SDKs use 5 s per attempt and retry). */
#ifndef DRIP_DEFAULT_CONNECT_TIMEOUT_MS
#define DRIP_DEFAULT_CONNECT_TIMEOUT_MS 10000u
#endif
/** First event (from the request sent): 120 s; reasoning models may think
 *  for a long time before their first event, a stalled server never sends
 *  one. */
#ifndef DRIP_DEFAULT_FIRST_EVENT_TIMEOUT_MS
#define DRIP_DEFAULT_FIRST_EVENT_TIMEOUT_MS 120000u
#endif
/** Idle (no event; keep-alive comments do not count): 60 s; a streaming
 *  answer sends events at least every few seconds, a half-open connection
 *  (no FIN ever seen) would otherwise hang the call forever. */
#ifndef DRIP_DEFAULT_IDLE_TIMEOUT_MS
#define DRIP_DEFAULT_IDLE_TIMEOUT_MS 60000u
#endif
/** Total (the whole call, retries included): none by default; a long answer
 *  is legitimate, and the three above already end a dead one. */
#ifndef DRIP_DEFAULT_TOTAL_TIMEOUT_MS
#define DRIP_DEFAULT_TOTAL_TIMEOUT_MS 0xFFFFFFFFu
#endif

/** 1: drip_err_str() gives a text per code ("http: bad chunk size");
 *  0: "ok" for DRIP_OK and "error" for every other code (print the number).
 *  Host / firmware default: 1 / 0. Flash (Cortex-M4 -Os, linked): 1 820 B
 *  for the texts. */
#ifndef DRIP_ERR_STRINGS
#define DRIP_ERR_STRINGS DRIP_HOSTED
#endif

/** 1: the HTTP reader also keeps what the client never reads: x-ratelimit-*
 *  limits, remaining counts and reset durations, openai-processing-ms, and
 *  retry-after given as an HTTP-date (drip_http_head_t fields under
 *  `#if DRIP_HTTP_EXTRAS`). 0: those headers are skipped like any other;
 *  what the retry logic needs is always kept (retry-after in seconds,
 *  retry-after-ms, x-should-retry, x-request-id, content-type and framing).
 *  Host / firmware default: 1 / 0. Flash (Cortex-M4 -Os): 1 330 B (header
 *  names, duration and date parsers); RAM: 56 B per stream (drip_http_head_t). */
#ifndef DRIP_HTTP_EXTRAS
#define DRIP_HTTP_EXTRAS DRIP_HOSTED
#endif

#ifdef DRIP_NO_ERR_STR
#error "DRIP_NO_ERR_STR is gone: use DRIP_ERR_STRINGS (0 drops the texts)"
#endif

#if DRIP_SSE_TYPE_MAX < 16 || DRIP_SSE_TYPE_MAX > 255
#error "DRIP_SSE_TYPE_MAX must be 16..255: Responses event names are up to 44 bytes"
#endif
#if DRIP_SSE_ID_MAX < 1 || DRIP_SSE_ID_MAX > 255
#error "DRIP_SSE_ID_MAX must be 1..255"
#endif
#if DRIP_SCAN_MAX_DEPTH < 4 || DRIP_SCAN_MAX_DEPTH > 64
#error "DRIP_SCAN_MAX_DEPTH must be 4..64 (the scanner keeps one bit per level in a uint64_t)"
#endif
#if DRIP_ID_MAX < 16 || DRIP_ID_MAX > 255
#error "DRIP_ID_MAX must be 16..255"
#endif
#if DRIP_SCAN_ARENA != 0 && (DRIP_SCAN_ARENA < 128 || DRIP_SCAN_ARENA > 65535)
#error "DRIP_SCAN_ARENA must be 0 (the SSE buffer only) or 128..65535"
#endif
#if DRIP_SCAN_NUM_RESERVE < 24 || DRIP_SCAN_NUM_RESERVE > 8192 || DRIP_SCAN_ID_RESERVE > 16384
#error "DRIP_SCAN_NUM_RESERVE must be 24..8192, DRIP_SCAN_ID_RESERVE <= 16384"
#endif

#endif /* DRIP_OPTS_H */
