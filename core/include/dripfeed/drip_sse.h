/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_sse.h
 * @brief Layer 3: server-sent events parser (WHATWG "event stream" rules).
 *
 * Push parser: feed body bytes split anywhere (a CR at the end of one feed and
 * an LF at the start of the next is one line end); it returns one ready code
 * at a time. Rules: docs/spec/sse.md.
 *
 * Memory: the event data is collected in ONE caller buffer (`buf`, `cap`
 * bytes). The event type (DRIP_SSE_TYPE_MAX) and ids (3 x DRIP_SSE_ID_MAX)
 * live in the struct. Nothing grows with the stream.
 *
 * Oversize events: when an event's data does not fit `cap`, it is not cut.
 * The parser switches that event to pass-through: it returns DRIP_SSE_DATA
 * with `piece` pointing at the data in order (first what was buffered, then
 * the rest straight from the input, with the LF between data lines as its
 * own piece), and at the end DRIP_SSE_EVENT with ev.oversize = 1,
 * ev.data = NULL and ev.size = the full data size. The event type known so
 * far is drip_sse_type() at any time (OpenAI sends `event:` first).
 * From that first piece (the buffer's start) on, the parser does not write
 * the buffer again until the feed after the event's DRIP_SSE_EVENT: the
 * caller may use it meanwhile (drip_stream keeps the oversize scanner's
 * captures there, drip_event_set_arena()).
 */
#ifndef DRIP_SSE_H
#define DRIP_SSE_H

#include <stddef.h>
#include <stdint.h>
#include "drip_err.h"
#include "drip_opts.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Ready codes of drip_sse_feed() (all > 0). */
enum drip_sse_ready {
    DRIP_SSE_EVENT = 1, /**< s->ev holds a dispatched event */
    DRIP_SSE_DATA = 2   /**< s->piece/piece_len: next data bytes of an oversize event */
};

/** A dispatched event. Views stay valid until the next drip_sse_feed(). */
typedef struct drip_sse_event {
    const char *type;   /**< event type, "message" when none was set */
    /** bytes at type */
    size_t type_len;
    uint8_t *data;      /**< data (trailing LF removed); NULL when oversize.
                             Writable: the caller may decode it in place. */
    /** bytes at data (0 when oversize) */
    size_t data_len;
    const char *id;     /**< last-event-id in force for this event ("" if none) */
    /** bytes at id */
    size_t id_len;
    size_t size;        /**< full data size in bytes (== data_len unless oversize) */
    int oversize;       /**< data did not fit the buffer; it went out as pieces */
} drip_sse_event_t;

/** Parser state. Only ev, piece, piece_len are public. */
typedef struct drip_sse {
    /** the dispatched event (after DRIP_SSE_EVENT) */
    drip_sse_event_t ev;
    /** the next data bytes of an oversize event (after DRIP_SSE_DATA), a view into the input */
    const uint8_t *piece;
    /** bytes at piece */
    size_t piece_len;
    /** Private: the parser's state and buffers. */
    struct {
        uint8_t *buf;
        size_t cap, len, size;
        int err;
        uint32_t retry;           /* last valid retry: value, ms */
        uint32_t retry_acc;
        uint8_t state, field, name_len, bom;
        uint8_t skip_lf, has_data, need_sep, oversize;
        uint8_t dispatched, has_retry, retry_ok, id_nul;
        uint8_t type_len, id_line, id_buf, id_str;
        uint8_t id_len[3];
        uint8_t eol;              /* CR or LF: what ended the last value line */
        char name[8];
        char type[DRIP_SSE_TYPE_MAX];
        char id[3][DRIP_SSE_ID_MAX];
    } priv;
} drip_sse_t;

/**
 * @brief Bind the data buffer and start a new stream.
 * @param s    parser (caller-owned, any lifetime)
 * @param buf  event data buffer; owned by the parser until free/re-init
 * @param cap  its size, >= 1. The largest event kept whole is `cap` bytes.
 * @return DRIP_OK or DRIP_ERR_ARG.
 */
drip_err_t drip_sse_init(drip_sse_t *s, uint8_t *buf, size_t cap);

/** Start a new stream on the same buffer: forgets the partial event, the
 *  last-event-id and retry (a reconnect keeps them: use drip_sse_resume()). */
drip_err_t drip_sse_reset(drip_sse_t *s);

/** Start reading a new connection of the same logical stream: drops the
 *  partial event but keeps last-event-id and retry (WHATWG reconnect). */
drip_err_t drip_sse_resume(drip_sse_t *s);

/**
 * @brief Feed body bytes.
 * @param[out] used bytes consumed; feed the rest again after handling the result.
 * @return DRIP_SSE_EVENT, DRIP_SSE_DATA, DRIP_AGAIN (all consumed),
 *         DRIP_ERR_SSE_FIELD_TOO_LONG (sticky), or DRIP_ERR_ARG.
 */
int drip_sse_feed(drip_sse_t *s, const uint8_t *p, size_t n, size_t *used);

/** The last-event-id string (what a reconnect sends as Last-Event-ID). */
const char *drip_sse_last_id(const drip_sse_t *s, size_t *len);

/** Reconnection time from the last valid `retry:` field.
 *  @return 1 and *ms set when one was seen, else 0. */
int drip_sse_retry(const drip_sse_t *s, uint32_t *ms);

/** Event type set so far for the event being read (for DRIP_SSE_DATA). */
const char *drip_sse_type(const drip_sse_t *s, size_t *len);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_SSE_H */
