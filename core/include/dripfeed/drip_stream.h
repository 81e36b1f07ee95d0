/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_stream.h
 * @brief One streamed answer: HTTP reader -> SSE -> event decoder -> handlers.
 *
 * This is the only place where the layers meet. Feed it the raw bytes of one
 * HTTP response as they arrive (any split); it calls your handlers within the
 * same feed call that delivers the byte ending each event, and keeps the
 * answer's final state. It never reads or writes a socket: the client (or a
 * test, or `dripfeed decode`) owns the transport.
 *
 * Speech (cfg.api or drip_stream_set_api() DRIP_API_SPEECH, openai.md
 * section 11): a 2xx text/event-stream body is read as speech.audio.delta /
 * speech.audio.done events (COMPLETED at speech.audio.done, FAILED at an
 * `error` event); any other 2xx content type is raw audio: the body bytes go
 * to on_audio as they arrive (each call counts as an event in
 * result.events) and the answer is COMPLETED when a Content-Length or
 * chunked body ended whole, TRUNCATED when it was cut or delimited only by
 * the connection's close (nothing tells such an end from a cut).
 *
 * State: PENDING -> STREAMING -> COMPLETED | INCOMPLETE | FAILED | TRUNCATED |
 * HTTP_ERROR | PROTOCOL_ERROR | CANCELLED. COMPLETED is reached only by a
 * terminal event (`response.completed`; Chat: `[DONE]`), never by the end
 * of the connection, so a partial answer is never reported as complete. Once
 * a terminal state is reached it is final: a framing fault after it is
 * reported to on_error but does not change the state.
 *
 * Memory: everything lives in drip_stream_t plus three caller buffers given to
 * drip_stream_init() (SSE data, jsmn tokens, call table). Nothing grows with
 * the answer's length. The first two also serve while they are idle: an
 * event larger than the SSE buffer keeps what the scanner reads of it (ids,
 * status, usage, error) in the SSE buffer and stages its text pieces in the
 * token array; a JSON body (HTTP error, cancel) keeps its members in the
 * larger of the two. No RAM of the stream's own goes to either.
 */
#ifndef DRIP_STREAM_H
#define DRIP_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include "drip_body.h"
#include "drip_err.h"
#include "drip_event.h"
#include "drip_http.h"
#include "drip_opts.h"
#include "drip_sse.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Final (and intermediate) state of one answer. */
typedef enum drip_state {
    DRIP_STATE_PENDING = 0,   /**< no response head yet */
    DRIP_STATE_STREAMING,     /**< 2xx event stream, no terminal event yet */
    DRIP_STATE_COMPLETED,     /**< response.completed (Chat: [DONE]) */
    DRIP_STATE_INCOMPLETE,    /**< response.incomplete (Chat: finish_reason length/content_filter) */
    DRIP_STATE_FAILED,        /**< response.failed or an error event */
    DRIP_STATE_TRUNCATED,     /**< the input ended before a terminal event */
    DRIP_STATE_HTTP_ERROR,    /**< non-2xx status */
    DRIP_STATE_PROTOCOL_ERROR,/**< malformed HTTP/SSE/JSON, or not an event stream */
    DRIP_STATE_CANCELLED      /**< a handler or the caller stopped it */
} drip_state_t;

/** Lower-case name of a state ("completed", "http_error", ...). */
const char *drip_state_name(drip_state_t s);

/** A function/tool call as the handlers see it. Views valid during the call. */
typedef struct drip_call {
    drip_str_t call_id, name, item_id;
    int32_t index;           /**< Responses: output_index; Chat: tool_calls index */
    int32_t choice;          /**< Chat choice index; -1 for Responses */
    drip_str_t arguments;    /**< on_call_done: full arguments if the event carried
                                  them whole (p == NULL otherwise: use the deltas) */
} drip_call_t;
/** @var drip_call::call_id
 *  The call's id, to answer it with (drip_call_output_t.call_id).
 *  @var drip_call::name
 *  The function's (or custom tool's) name.
 *  @var drip_call::item_id
 *  Responses: the output item's id; Chat: absent (p == NULL). */

/** An MCP tool call the server wants approved (item mcp_approval_request).
 *  Answer it in the next request with an input item
 *  {"type":"mcp_approval_response","approval_request_id":ID,"approve":true}
 *  (drip_message_t.raw_json) and previous_response_id. */
typedef struct drip_approval {
    drip_str_t id;           /**< the request's item id: approval_request_id */
    drip_str_t server_label, name;
    drip_str_t arguments;    /**< JSON text; p == NULL if it did not fit (oversize) */
} drip_approval_t;
/** @var drip_approval::server_label
 *  The MCP server's label, as given in the request's tool.
 *  @var drip_approval::name
 *  The MCP tool the model wants to call. */

/** What the error callback receives. */
typedef struct drip_error {
    drip_err_t code;         /**< DRIP_ERR_API_* or the layer's own error code */
    drip_api_error_t api;    /**< API error members (HTTP body, error event, failed response) */
    const char *request_id;  /**< x-request-id or "" */
    const char *detail;      /**< extra text, e.g. the unexpected content type, or "" */
} drip_error_t;

/**
 * Handlers: any may be NULL. Those returning drip_err_t stop the stream when
 * they return non-zero (state CANCELLED, feed returns DRIP_ERR_CANCELLED).
 */
typedef struct drip_handlers {
    /** Response head (status and kept headers), once. */
    drip_err_t (*on_head)(void *user, const drip_http_head_t *head);
    /** Every decoded event, before the specific callbacks below. An event
     *  larger than the data buffer whose delta (text, refusal, reasoning,
     *  call arguments; Chat content/refusal) goes out in pieces while it is
     *  read comes here first with what precedes the delta (ev->pieces set,
     *  delta absent), then the pieces through the handlers below. */
    drip_err_t (*on_event)(void *user, const drip_event_t *ev);
    /** Answer text: Responses output_text deltas; Chat delta.content of every choice
     *  (ev->choice says which). */
    drip_err_t (*on_text)(void *user, const drip_event_t *ev, const char *p, size_t n);
    /** Refusal text deltas (Responses refusal.delta, Chat delta.refusal). */
    drip_err_t (*on_refusal)(void *user, const drip_event_t *ev, const char *p, size_t n);
    /** Reasoning summary text deltas. */
    drip_err_t (*on_reasoning)(void *user, const drip_event_t *ev, const char *p, size_t n);
    /** A piece of a call's arguments (may be empty on a Chat call's first fragment).
     *  Only client calls (function_call, custom_tool_call: its `input`); hosted
     *  tools (mcp_call, web_search_call, ...) reach on_event only. Arguments a
     *  server sends only whole (in the .done event or output_item.done, as LM
     *  Studio does) come here too, once, so the deltas always add up to the
     *  arguments; if they do not fit the buffer the answer fails with
     *  DRIP_ERR_EVENT_ARGS_TOO_LARGE instead of completing without them. */
    drip_err_t (*on_call_delta)(void *user, const drip_call_t *call, const char *p, size_t n);
    /** A call's arguments are complete (once per call). Responses: at its
     *  .done event (or output_item.done), `arguments` whole when that event fit
     *  the buffer. Chat: every call of a choice at the choice's finish_reason,
     *  in index order, after all their fragments; `arguments` absent (collect
     *  the on_call_delta pieces per call->index). */
    drip_err_t (*on_call_done)(void *user, const drip_call_t *call);
    /** Every error: API errors, HTTP errors, protocol errors, truncation. */
    void (*on_error)(void *user, const drip_error_t *err);
    /** An MCP approval request (at its output_item.done). */
    drip_err_t (*on_approval)(void *user, const drip_approval_t *req);
    /** Speech (DRIP_API_SPEECH): audio bytes in the request's response_format
     *  (`pcm`: 24 kHz 16-bit signed little-endian mono), in order, as they
     *  arrive. Event stream: each speech.audio.delta base64-decoded (one call
     *  when the event fits the data buffer; else pieces of up to
     *  DRIP_EVENT_PIECE_MAX bytes while it is read, at any size); a base64
     *  group left at the end comes at speech.audio.done. Raw body: the body
     *  bytes as received (any split; a 16-bit sample may straddle two calls).
     *  The bytes are valid during the call only. */
    drip_err_t (*on_audio)(void *user, const uint8_t *p, size_t n);
} drip_handlers_t;

/** What is kept of the answer (bounded copies; see drip_opts.h for sizes).
 *  Counters and flags first (small offsets: shorter code), then the id, so
 *  the 64-bit members follow with little padding: 432 B on a Cortex-M4 with
 *  the firmware defaults, 624 B with the host's. */
typedef struct drip_result {
    uint32_t events;          /**< events delivered to the handlers so far */
    drip_state_t state;
    drip_err_t err;           /**< first library error (0 if none) */
    uint16_t http_status;     /**< 0 before the head (else 100..999) */
    uint16_t error_status;    /**< the API error's HTTP status, 0 inside a 200 stream */
    uint8_t has_usage;
    uint8_t has_error;        /**< an API error was recorded (the first one wins) */
    uint8_t error_has;        /**< bit 0 type, 1 code, 2 message, 3 param present */
    uint8_t message_cut;      /**< message longer than DRIP_ERRMSG_MAX - 1 */
    char response_id[DRIP_ID_MAX + 1];
    int64_t last_seq;         /**< highest sequence_number delivered, -1 if none */
    drip_usage_t usage;       /**< valid when has_usage */
    char response_status[16]; /**< last response.status seen ("queued", "cancelled"...) */
    char incomplete_reason[DRIP_ERRFIELD_MAX]; /**< "" if none */
    char error_type[DRIP_ERRFIELD_MAX];
    char error_code[DRIP_ERRFIELD_MAX];
    char error_param[DRIP_ERRFIELD_MAX];
    /** Cut at DRIP_ERRMSG_MAX - 1 bytes (firmware default 128, host 320);
     *  on_error saw it whole when the event fitted the data buffer. */
    char error_message[DRIP_ERRMSG_MAX];
} drip_result_t;
/** @var drip_result::state
 *  Where the answer is: PENDING, STREAMING, then one final state (drip_state_t).
 *  @var drip_result::has_usage
 *  1 when `usage` was read.
 *  @var drip_result::response_id
 *  The response's id (Chat: the chunk id), NUL-terminated; "" before it is known.
 *  @var drip_result::error_type
 *  The API error's type, NUL-terminated; "" if none (error_has bit 0).
 *  @var drip_result::error_code
 *  The API error's code, NUL-terminated; "" if none (error_has bit 1).
 *  @var drip_result::error_param
 *  The API error's param, NUL-terminated; "" if none (error_has bit 3). */

/** Buffers and handlers for drip_stream_init(). */
typedef struct drip_stream_cfg {
    drip_api_t api;            /**< the decoder's API when the stream is used on its
                                    own (e.g. `dripfeed decode`); drip_client_start()
                                    overrides it per request (drip_stream_set_api) */
    uint8_t *buf;              /**< SSE event data; the largest event decoded in full;
                                    also what the scanner keeps of a larger one */
    size_t buf_len;            /**< >= 64; 512 is enough for every delta event, and
                                    what the scanner keeps of a larger one is then what
                                    it always kept (every recorded capture decodes the
                                    same); smaller buffers may cut an oversize event's
                                    error message, refuse its delta or ids (see
                                    DRIP_SCAN_ARENA in drip_opts.h) */
    jsmntok_t *tok;            /**< jsmn tokens for one event (>= 8; 64 recommended);
                                    also the staging of an oversize event's pieces */
    /** entries of tok */
    unsigned ntok;
    drip_call_slot_t *calls;   /**< call table: one slot per call in flight (>= 1) */
    /** entries of calls */
    unsigned ncalls;
    const drip_handlers_t *handlers; /**< must outlive the stream */
    void *user;                /**< passed to every handler */
    int json_body;             /**< expect a JSON body, not an event stream (e.g. the
                                    cancel endpoint): the scanner keeps id and status,
                                    and a whole 2xx body ends as COMPLETED */
} drip_stream_cfg_t;

/** Ready code of drip_stream_feed(): the HTTP message is complete. */
#define DRIP_STREAM_END 1

/** One answer being decoded (caller-owned, any storage). Read `result`;
 *  everything in `priv` is the stream's. Size: @ref memory. */
typedef struct drip_stream {
    /** The answer's state and figures so far (also drip_client_result()). */
    drip_result_t result;
    /** Private: the layers' state and the configuration. */
    struct {
        drip_http_t http;
        drip_sse_t sse;
        drip_event_dec_t dec;
        /* one at a time: the event being handed on (an event stream), or
         * the reader of a JSON body (HTTP error, cancel endpoint) */
        union {
            drip_event_t ev;
            drip_body_t body;
        } u;
        drip_stream_cfg_t cfg;
        int64_t skip_through;   /* drop events with seq <= this (resume) */
        /* a high surrogate held back from the end of a delta (drip_json_str_delta),
         * joined with the low half that starts the next delta of its channel;
         * the channel's (a, b) are the index and choice of the call it is
         * reported with if it is given up: kept whole here (32 B more than
         * two ints) so that no drip_call_t sits on the stack under deliver() */
        drip_call_t carry_call;
        drip_event_type_t carry_type;
        uint8_t carry[3], carry_n, carry_kind;
        uint8_t announced;      /* on_event already heard the event going out in pieces */
        uint8_t terminal, in_oversize, saw_done, chat_cut, finished, body_scan;
        uint8_t raw;            /* speech: the body is the audio itself */
    } priv;
} drip_stream_t;

/** Bind buffers and handlers; state PENDING. @return DRIP_OK or DRIP_ERR_ARG. */
drip_err_t drip_stream_init(drip_stream_t *st, const drip_stream_cfg_t *cfg);

/** Read a new response with the same buffers (keeps nothing of the last one). */
drip_err_t drip_stream_reset(drip_stream_t *st);

/** Read the continuation of the same answer on a new connection (background
 *  resume): keeps response id, last_seq, events and the call table; drops
 *  events whose sequence_number <= last_seq. */
drip_err_t drip_stream_resume(drip_stream_t *st);

/** Decode the next response as @p api (Responses or Chat events), whatever
 *  cfg.api said. Call before the first feed of a response (the client does,
 *  in drip_client_start()); the call table and buffers are unchanged. */
void drip_stream_set_api(drip_stream_t *st, drip_api_t api);

/** Switch between event-stream and JSON-body responses (see cfg.json_body). */
void drip_stream_expect_json(drip_stream_t *st, int json_body);

/** The transport failed with `err` (a DRIP_ERR_* code): unless a terminal
 *  state was reached, the answer ends FAILED (no response head yet) or
 *  TRUNCATED, and on_error hears `err`. No-op once finished. */
void drip_stream_fail(drip_stream_t *st, int err);

/** Stop reading this answer, locally (the user cancelled): state CANCELLED with DRIP_ERR_CANCELLED, unless the
 *  answer already has its final state (a terminal event, or a failure):
 *  then only reading stops and state and error stay as they are. */
void drip_stream_cancel_local(drip_stream_t *st);

/** Resume support: events whose sequence_number is <= seq are dropped
 *  (a background response re-streamed with starting_after). -1 disables. */
void drip_stream_skip_through(drip_stream_t *st, int64_t seq);

/**
 * @brief Feed raw HTTP response bytes.
 * @return DRIP_OK (go on), DRIP_STREAM_END (message complete: stop reading),
 *         or the error that ended it (state says how: PROTOCOL_ERROR,
 *         CANCELLED...). After END or an error, later feeds return the same.
 */
int drip_stream_feed(drip_stream_t *st, const uint8_t *p, size_t n);

/**
 * @brief The connection ended (EOF or reset): settle the final state.
 * @return the final state. TRUNCATED unless a terminal state was reached.
 */
drip_state_t drip_stream_finish(drip_stream_t *st);

/** The response head (valid once the state left PENDING). */
const drip_http_head_t *drip_stream_head(const drip_stream_t *st);

/** 1 when the connection may carry another request: the response said
 *  keep-alive and its body was read to its end (its length or last chunk),
 *  so nothing of it is left on the wire. */
int drip_stream_reusable(const drip_stream_t *st);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_STREAM_H */
