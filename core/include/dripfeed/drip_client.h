/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_client.h
 * @brief The client: request -> transport -> drip_stream, with timeouts,
 *        retries, background resume, cancel and connection reuse.
 *
 * One caller-owned drip_client_t; no heap. Two ways to drive it:
 * - drip_client_run(): blocking, for a thread or task; needs
 *   cfg.platform.sleep_ms (without it the call ends FAILED, DRIP_ERR_ARG,
 *   before connecting: a loop with nothing to wait on would spin);
 * - drip_client_step(): never waits, for superloops; call it until it
 *   returns something other than DRIP_AGAIN. recv gets timeout 0 and
 *   connect gets timeout 0 (poll mode, drip_transport.h): the port starts
 *   or continues the TCP connect and TLS handshake and returns DRIP_AGAIN
 *   while they are in progress; the client keeps the connect deadline on
 *   its own clock. Limits of the ports: DNS resolution may block
 *   (port/posix, port/lwip sockets), and send may wait up to the port's
 *   send timeout when the socket buffer is full.
 * run drives the same steps: recv waits up to 50 ms per step, and while a
 * connect is in progress run sleeps 5 ms between polls, so a cancel from
 * another task is seen within ~50 ms even during a connect.
 *
 * States (drip_result_t.state): PENDING -> STREAMING -> COMPLETED |
 * INCOMPLETE | FAILED | TRUNCATED | HTTP_ERROR | PROTOCOL_ERROR | CANCELLED.
 * A partial answer is never reported as COMPLETED.
 *
 * Retries (mirroring the official SDKs, docs/spec/openai.md 7.4) only
 * while nothing was delivered to the handlers: connection errors, timeouts,
 * HTTP 408, 409, 429, 5xx (never insufficient_quota or other 4xx;
 * x-should-retry overrides). Delay: retry-after-ms, else retry-after (0 < d
 * <= 60 s), else min(0.5 s * 2^n, 8 s) minus up to 25 % jitter. Once an
 * event was delivered there is no silent replay (a replay is a new, billed
 * answer); a `background` request instead resumes with
 * GET /responses/{id}?stream=true&starting_after=N and drops any event
 * already delivered.
 *
 * Timeouts: connect (TCP + TLS handshake, per attempt); first event (from
 * request sent); idle (no event: keep-alive comment lines do not count);
 * total (the whole call, retries included). 0 means the default
 * (drip_opts.h: DRIP_DEFAULT_CONNECT_TIMEOUT_MS 10 s, _FIRST_EVENT_ 120 s,
 * _IDLE_ 60 s, _TOTAL_ none); DRIP_TIMEOUT_NONE disables one. A timeout
 * ends the attempt with DRIP_ERR_TIMEOUT (retried like a connection error
 * while nothing was delivered).
 *
 * The API (Responses, Chat or speech) is chosen by each request:
 * drip_client_start() sets the stream's decoder from req->api
 * (cfg.stream.api is overridden); resume and cancel calls are Responses
 * calls.
 *
 * Speech (text to audio, openai.md section 11), for a voice gadget:
 *
 *     static const drip_handlers_t h = {.on_audio = play, .on_error = why};
 *     drip_request_t req = {.api = DRIP_API_SPEECH, .model = "gpt-4o-mini-tts",
 *                           .input = "Hello there.", .voice = "coral",
 *                           .response_format = "pcm", .stream_format = "sse"};
 *     if (drip_client_start(&c, &req) == DRIP_OK) s = drip_client_run(&c);
 *
 * POST {prefix}/audio/speech; `play(user, p, n)` receives the audio as it
 * arrives (pcm: 24 kHz, 16-bit signed little-endian, mono: straight into an
 * I2S ring; a sample may straddle two calls), from either answer shape:
 * stream_format "sse" (speech.audio.delta base64, decoded in constant
 * memory however large an event is) or "audio" (the raw body). COMPLETED
 * after speech.audio.done (result.usage: its tokens) or the end of a
 * Content-Length / chunked body; TRUNCATED when the audio was cut. Timeouts
 * and retries as for text: a failed attempt is retried (429, 5xx, connect
 * errors) only while no audio was delivered (result.events == 0), so a
 * speaker never hears the start twice. Memory: nothing more than a text
 * answer (the event buffer, tokens and call table of cfg.stream; an event
 * larger than the buffer is decoded in DRIP_EVENT_PIECE_MAX pieces staged in
 * the token array, idle meanwhile).
 *
 * Cancel: drip_client_cancel_local() may be called at any time, even before
 * drip_client_start(): the next (or current) call ends CANCELLED at its
 * next step, without connecting if it had not yet. The request is consumed
 * when a call ends, so the call after that runs normally.
 *
 * Retry notice: cfg.on_retry (optional) is called once before each retry,
 * when the delay is known and before the failed attempt's result is reset,
 * so an application can say why it waits (see drip_retry_info_t).
 */
#ifndef DRIP_CLIENT_H
#define DRIP_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include "drip_err.h"
#include "drip_request.h"
#include "drip_stream.h"
#include "drip_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A timeout of drip_client_cfg_t that never expires (0 means the default). */
#define DRIP_TIMEOUT_NONE UINT32_MAX

/** What drip_client_cfg_t::on_retry is told. Valid during the call only. */
typedef struct drip_retry_info {
    uint16_t attempt;      /**< the attempt about to start: 2 for the first retry */
    uint16_t max_attempts; /**< 1 + max_retries */
    uint32_t wait_ms;      /**< delay before it (retry-after-ms / retry-after or backoff) */
    int err;               /**< transport or timeout error that ended the failed attempt
                                (DRIP_ERR_TIMEOUT, DRIP_ERR_CONNECT, ...); 0 when it ended
                                with a retryable HTTP status */
    const drip_result_t *result; /**< the failed attempt: http_status, error_code,
                                      error_type, error_message (error_has bits) */
} drip_retry_info_t;

/** Everything drip_client_init() binds (copied; buffers and strings it points
 *  to must outlive the client). Zero what you do not set. */
typedef struct drip_client_cfg {
    drip_endpoint_t endpoint;     /**< host, port, prefix, auth (strings must outlive the client) */
    drip_transport_t transport;   /**< usually port/mbedtls over a TCP port */
    drip_platform_t platform;     /**< clock, sleep, random */
    drip_stream_cfg_t stream;     /**< event buffers and handlers */
    uint8_t *tx;                  /**< request head + body; ~1 KB for a short prompt */
    /** bytes at tx: DRIP_ERR_REQUEST_TOO_LARGE from drip_client_start() when short */
    size_t tx_len;
    uint8_t *rx;                  /**< receive buffer (one TLS read); >= 64 */
    /** bytes at rx */
    size_t rx_len;
    /** Timeouts in ms: 0 = the default (DRIP_DEFAULT_*_TIMEOUT_MS),
     *  DRIP_TIMEOUT_NONE = none. See the file comment. */
    uint32_t connect_timeout_ms;
    /** from the request sent to the first event (default 120 s) */
    uint32_t first_event_timeout_ms;
    /** longest wait between two events; comment lines do not count (default 60 s) */
    uint32_t idle_timeout_ms;
    /** the whole call, retries included (default none) */
    uint32_t total_timeout_ms;
    uint8_t max_retries;          /**< attempts after the first (SDK default 2) */
    uint8_t max_resumes;          /**< background reconnects after a drop */
    /** Optional (NULL: none). Called inside drip_client_step()/run() once per
     *  retry, just before the backoff wait starts, with stream.user as
     *  @p user. It must not call into the client (no start, step, close);
     *  drip_client_cancel_local() is allowed. Not called for background resumes. */
    void (*on_retry)(void *user, const drip_retry_info_t *info);
} drip_client_cfg_t;

/** The client (caller-owned, any storage, no heap; size: @ref memory). Read
 *  `stream.result` or drip_client_result(); `priv` is the client's. */
typedef struct drip_client {
    drip_stream_t stream;         /**< stream.result: the answer's state and figures */
    /** Private: configuration copy, timers, attempt counters. */
    struct {
        drip_client_cfg_t cfg;
        size_t tx_used, tx_sent, rx_seen;
        uint32_t t_start, t_state, t_progress, t_first, wake_at;
        uint32_t last_events;
        int last_err;
        uint8_t state, attempt, resumes, connected, reused, background, kind;
        volatile int cancel;      /* set from any task: drip_client_cancel_local() */
    } priv;
} drip_client_t;

/** Bind the configuration (copied, zero timeouts replaced by their
 *  defaults; its buffers and strings must outlive the client).
 *  @return DRIP_OK or DRIP_ERR_ARG. */
drip_err_t drip_client_init(drip_client_t *c, const drip_client_cfg_t *cfg);

/** Write a streaming request (Responses, Chat or speech, per req->api,
 *  which also sets the decoder; see the file comment for speech) and get
 *  ready to send it. Reuses an open keep-alive
 *  connection. @return DRIP_OK, DRIP_ERR_REQUEST_TOO_LARGE (tx too small),
 *  DRIP_ERR_ARG, DRIP_ERR_STATE. */
drip_err_t drip_client_start(drip_client_t *c, const drip_request_t *req);

/** Re-attach to a background response: GET .../responses/{id}?stream=true
 *  &starting_after=N; events with sequence_number <= N are dropped.
 *  @return DRIP_ERR_ARG when the id is empty, longer than DRIP_ID_MAX or
 *  has a byte other than [A-Za-z0-9_-] (it goes into the request path; the
 *  automatic resume checks the server's id the same way). */
drip_err_t drip_client_start_resume(drip_client_t *c, const char *response_id, int64_t after_seq);

/** Stop a background response on the server: starts POST
 *  .../responses/{id}/cancel (run or step it like any call);
 *  result.response_status says "cancelled". The local counterpart is
 *  drip_client_cancel_local(). */
drip_err_t drip_client_start_server_cancel(drip_client_t *c, const char *response_id);

/** Advance without waiting (see the file comment for the ports' limits).
 *  @return DRIP_AGAIN (call again), or DRIP_OK when the call ended (see
 *  drip_client_result()). */
int drip_client_step(drip_client_t *c);

/** Block until the call ended. Needs cfg.platform.sleep_ms: without it the
 *  call ends FAILED with DRIP_ERR_ARG at once. @return the final state. */
drip_state_t drip_client_run(drip_client_t *c);

/** Stop the call here, locally (the server is not told: a background
 *  response goes on; drip_client_start_server_cancel() stops it there).
 *  Safe from another task or an interrupt: one word write.
 *  The connection is closed at the next step; state CANCELLED. Before
 *  drip_client_start(): the next call ends CANCELLED at its first step,
 *  nothing connected or sent. Consumed when a call ends. */
void drip_client_cancel_local(drip_client_t *c);

/** Close the connection (also drops a kept-alive one); the client stays
 *  set up and the next call connects again. */
void drip_client_disconnect(drip_client_t *c);

/** The answer so far / at the end. */
const drip_result_t *drip_client_result(const drip_client_t *c);

/** Error of the transport that ended the last attempt (DRIP_ERR_TLS_VERIFY,
 *  DRIP_ERR_TIMEOUT, ...), 0 if none. */
int drip_client_transport_error(const drip_client_t *c);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_CLIENT_H */
