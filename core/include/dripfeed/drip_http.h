/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_http.h
 * @brief Layer 2: HTTP/1.1 response reader (status, headers, body framing).
 *
 * A push parser in the picohttpparser style: the caller hands it whatever
 * bytes arrived, split anywhere, and it returns one "ready" code at a time
 * together with the number of bytes it used. It never copies the body: a
 * DRIP_HTTP_BODY result points into the caller's own input. All state lives
 * in the caller-owned drip_http_t (about 300 bytes with default options).
 *
 * Rules: docs/spec/http.md (RFC 9110/9112). Interim 1xx responses are
 * skipped. Of the headers only those in drip_http_head_t are kept; every other
 * header is skipped whatever its length. Rate-limit, processing-time and
 * HTTP-date retry-after headers are kept only with DRIP_HTTP_EXTRAS (drip_opts.h). Body framing: chunked (when the last
 * transfer coding is chunked), else Content-Length, else until close.
 *
 * Typical loop:
 * @code
 *   while (n > 0) {
 *       size_t used;
 *       int rc = drip_http_feed(&h, p, n, &used);
 *       p += used; n -= used;
 *       if (rc == DRIP_HTTP_BODY) consume(h.body, h.body_len);
 *       else if (rc == DRIP_HTTP_HEAD) inspect(&h.head);
 *       else if (rc == DRIP_HTTP_DONE) break;
 *       else if (rc < 0 && rc != DRIP_AGAIN) fail(rc);
 *   }
 *   // on connection close: drip_http_finish(&h) says DONE or TRUNCATED
 * @endcode
 */
#ifndef DRIP_HTTP_H
#define DRIP_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include "drip_err.h"
#include "drip_opts.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Ready codes returned by drip_http_feed() / drip_http_finish() (all > 0). */
enum drip_http_ready {
    DRIP_HTTP_HEAD = 1, /**< final status line and headers read: see h->head */
    DRIP_HTTP_BODY = 2, /**< h->body / h->body_len: body bytes, views into the input */
    DRIP_HTTP_DONE = 3  /**< the message is complete; later bytes are ignored */
};

/* The value buffer holds the longest kept header. */
/** The larger of two sizes (for DRIP_HTTP_VAL_BUF). */
#define DRIP_HTTP_MAX2_(a, b) ((a) > (b) ? (a) : (b))
/** Bytes of the reader's header value buffer: the longest kept header value. */
#define DRIP_HTTP_VAL_BUF \
    DRIP_HTTP_MAX2_(DRIP_HTTP_VALUE_MAX, DRIP_HTTP_MAX2_(DRIP_HTTP_CTYPE_MAX, DRIP_HTTP_REQID_MAX))

/** Bytes of the reader's header name buffer: the longest kept name
 *  ("x-ratelimit-remaining-requests" with DRIP_HTTP_EXTRAS, else
 *  "transfer-encoding"; drip_http.c checks every name against it). */
#if DRIP_HTTP_EXTRAS
#define DRIP_HTTP_NAME_BUF 30
#else
#define DRIP_HTTP_NAME_BUF 17
#endif

/** "Not present" marker for the numeric header fields. */
#define DRIP_HTTP_NONE_U32 UINT32_MAX
/** "Not present" marker for the 64-bit header fields. */
#define DRIP_HTTP_NONE_I64 INT64_MIN

/** What the reader keeps of the final response head. */
typedef struct drip_http_head {
    int status;                 /**< 100..999 */
    uint8_t minor;              /**< HTTP/1.x minor version (0 or 1) */
    uint8_t chunked;            /**< body framing is chunked */
    uint8_t has_length;         /**< a valid Content-Length was given */
    uint8_t keep_alive;         /**< connection may be reused after this message */
    uint64_t content_length;    /**< valid when has_length */
    char content_type[DRIP_HTTP_CTYPE_MAX]; /**< value as sent (NUL-terminated) */
    char request_id[DRIP_HTTP_REQID_MAX];   /**< x-request-id (NUL-terminated, "" if none) */
    /** retry-after-ms, or retry-after in seconds x1000 (fractions kept);
     *  DRIP_HTTP_NONE_U32 when absent. An HTTP-date goes to retry_after_date
     *  (DRIP_HTTP_EXTRAS), or is ignored. */
    uint32_t retry_after_ms;
    int8_t should_retry;        /**< x-should-retry: 1 true, 0 false, -1 absent */
#if DRIP_HTTP_EXTRAS
    /* What the client never reads (drip_opts.h: DRIP_HTTP_EXTRAS, host default). */
    uint32_t processing_ms;     /**< openai-processing-ms, or DRIP_HTTP_NONE_U32 */
    /** retry-after given as an HTTP-date: seconds since 1970 (0 if none). */
    int64_t retry_after_date;
    /** x-ratelimit-{limit,remaining}-{requests,tokens}; DRIP_HTTP_NONE_I64 if absent.
     *  Remaining can be negative (Azure). */
    int64_t limit_requests, limit_tokens, remaining_requests, remaining_tokens;
    /** x-ratelimit-reset-{requests,tokens} ("6m0s", "547ms", "2") in ms;
     *  DRIP_HTTP_NONE_U32 if absent or unparsable. */
    uint32_t reset_requests_ms, reset_tokens_ms;
#endif
} drip_http_head_t;

/** Reader state. Fields outside `head`, `body`, `body_len` are private. */
typedef struct drip_http {
    drip_http_head_t head;      /**< valid from DRIP_HTTP_HEAD on */
    const uint8_t *body;        /**< valid after DRIP_HTTP_BODY until the next call */
    /** bytes at body */
    size_t body_len;
    /** Private: the reader's state. */
    struct {
        uint64_t remaining;     /* bytes left in chunk / Content-Length body; the chunk
                                   size while its line is read (nothing remains then) */
        int err;                /* sticky error, 0 if none */
        uint8_t state, hdr, flags, idx;
        uint8_t name_len, cr;
        uint16_t val_len;
        char name[DRIP_HTTP_NAME_BUF]; /* lower-cased header name being read */
        char val[DRIP_HTTP_VAL_BUF]; /* value of a kept header being read */
    } priv;
} drip_http_t;

/** Start (or restart) reading a response. Cannot fail for a valid pointer.
 *  @return DRIP_OK, or DRIP_ERR_ARG if h is NULL. */
drip_err_t drip_http_init(drip_http_t *h);

/** Forget the current message and read a new one on the same connection.
 *  Same as drip_http_init(). */
drip_err_t drip_http_reset(drip_http_t *h);

/**
 * @brief Feed received bytes.
 * @param[in]  h     reader
 * @param[in]  p     bytes as they came off the connection (any split)
 * @param[in]  n     number of bytes (0 is allowed: returns DRIP_AGAIN)
 * @param[out] used  bytes consumed; feed the rest again after handling the result
 * @return DRIP_HTTP_HEAD, DRIP_HTTP_BODY, DRIP_HTTP_DONE (sticky; all later input
 *         is consumed and ignored), DRIP_AGAIN (all input consumed, need more),
 *         or a sticky DRIP_ERR_HTTP_* error (status line, header, obs-fold,
 *         header too long, content length, chunk size/overflow/ext/crlf,
 *         coding, trailer), or DRIP_ERR_ARG.
 */
int drip_http_feed(drip_http_t *h, const uint8_t *p, size_t n, size_t *used);

/**
 * @brief The connection was closed by the peer: is the message complete?
 * @return DRIP_HTTP_DONE when the framing says the body is complete (or the body
 *         is delimited by the close), else DRIP_ERR_HTTP_TRUNCATED (sticky), or
 *         the sticky error already recorded.
 */
int drip_http_finish(drip_http_t *h);

/** Non-zero once the message is complete. */
int drip_http_is_done(const drip_http_t *h);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_HTTP_H */
