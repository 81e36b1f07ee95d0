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

/** Error message kept in drip_result_t (bytes, with NUL). Real API messages
 *  run to ~200 bytes (insufficient_quota: 196). A longer one is cut here and
 *  flagged (drip_result_t.message_cut); on_error always sees it whole when
 *  the event fitted the data buffer. */
#ifndef DRIP_ERRMSG_MAX
#define DRIP_ERRMSG_MAX 320
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

/** Bytes of small strings (ids, status, error text, a delta) the oversize
 *  scanner can capture from one event. RAM: this, once per decoder. The last
 *  DRIP_SCAN_NUM_RESERVE bytes are kept for numbers, so a long error message
 *  can never crowd out the usage counts that follow it. */
#ifndef DRIP_SCAN_ARENA
#define DRIP_SCAN_ARENA 640
#endif
#ifndef DRIP_SCAN_NUM_RESERVE
#define DRIP_SCAN_NUM_RESERVE 64
#endif
/** Arena bytes a long string (a delta, an error message) leaves for the ids
 *  and short strings captured after it. The longest delta the scanner keeps
 *  is DRIP_SCAN_ARENA - DRIP_SCAN_NUM_RESERVE - DRIP_SCAN_ID_RESERVE. */
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

/** Define to 1 to drop drip_err_str()'s texts (saves flash). */
#ifndef DRIP_NO_ERR_STR
#define DRIP_NO_ERR_STR 0
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
#if DRIP_SCAN_ARENA < 128 || DRIP_SCAN_ARENA > 65535
#error "DRIP_SCAN_ARENA must be 128..65535"
#endif
#if DRIP_SCAN_NUM_RESERVE < 24 || DRIP_SCAN_NUM_RESERVE + DRIP_SCAN_ID_RESERVE > DRIP_SCAN_ARENA - 64
#error "DRIP_SCAN_NUM_RESERVE + DRIP_SCAN_ID_RESERVE must leave >= 64 arena bytes for long strings"
#endif

#endif /* DRIP_OPTS_H */
