/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_err.h
 * @brief The one error type of dripfeed.
 *
 * Every function that can fail returns a drip_err_t. 0 is success, positive
 * values are "something is ready" codes defined by the layer that returns them
 * (for example DRIP_HTTP_BODY), negative values are errors. Each layer owns a
 * range of ten or twenty codes so that a value names its layer:
 *
 *   -1 .. -9     generic (argument, buffer, state, need more input)
 *   -10 .. -29   transport and TLS (ports)
 *   -30 .. -49   HTTP/1.1 reader
 *   -50 .. -59   SSE parser
 *   -60 .. -79   JSON (tokenizer, unescaper, oversize scanner)
 *   -80 .. -99   OpenAI event layer and stream state
 *  -100 .. -119  client (request writer, retries, timeouts)
 *
 * Errors are sticky: once a parser returned an error, every later feed returns
 * the same code until the object is reset (the first error wins).
 */
#ifndef DRIP_ERR_H
#define DRIP_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

/** Every code the library returns: 0 success, DRIP_AGAIN, then one range of
 *  negative codes per layer. drip_err_str() gives a text for each. */
typedef enum drip_err {
    /** Success. */
    DRIP_OK = 0,
    /** Need more input (parsers) or would block (transports). Not an error. */
    DRIP_AGAIN = -1,
    /** A public function got a NULL pointer or an impossible size. */
    DRIP_ERR_ARG = -2,
    /** A caller buffer is too small for something that must be kept whole. */
    DRIP_ERR_NOMEM = -3,
    /** Called in a state where the call makes no sense (feed after done, ...). */
    DRIP_ERR_STATE = -4,
    /** A handler returned non-zero, or the caller cancelled. */
    DRIP_ERR_CANCELLED = -5,

    /* transport / TLS: -10 .. -29 (ports) */
    DRIP_ERR_IO = -10,             /**< send/recv failed (socket error) */
    DRIP_ERR_CLOSED = -11,         /**< peer closed the connection */
    DRIP_ERR_TIMEOUT = -12,        /**< a connect/idle/total timeout fired */
    DRIP_ERR_DNS = -13,            /**< host name could not be resolved */
    DRIP_ERR_CONNECT = -14,        /**< connection refused or unreachable */
    DRIP_ERR_TLS = -15,            /**< TLS handshake or record error */
    DRIP_ERR_TLS_VERIFY = -16,     /**< certificate not trusted / wrong host */
    DRIP_ERR_TLS_EXPIRED = -17,    /**< a certificate of the chain has expired (the
                                        wall clock is known; any other fault: _VERIFY) */
    DRIP_ERR_TLS_NOT_YET_VALID = -18, /**< a certificate of the chain is not valid yet */
    DRIP_ERR_TLS_TIME_UNKNOWN = -19, /**< a warning, never a failure: a certificate chain was
                                          accepted without its dates checked (no wall clock);
                                          reported once per TLS context (drip_tls.h) */

    /* HTTP/1.1 reader: -30 .. -49 */
    DRIP_ERR_HTTP_STATUS_LINE = -30,  /**< malformed status line */
    DRIP_ERR_HTTP_HEADER = -31,       /**< malformed header line */
    DRIP_ERR_HTTP_OBS_FOLD = -32,     /**< obsolete line folding (RFC 9112 5.2) */
    DRIP_ERR_HTTP_HEADER_TOO_LONG = -33, /**< a kept header exceeds its buffer */
    DRIP_ERR_HTTP_CONTENT_LENGTH = -34,  /**< bad or conflicting Content-Length */
    DRIP_ERR_HTTP_CHUNK_SIZE = -35,   /**< chunk size empty, non-hex or junk */
    DRIP_ERR_HTTP_CHUNK_OVERFLOW = -36, /**< chunk size does not fit the size type */
    DRIP_ERR_HTTP_CHUNK_EXT = -37,    /**< bare CR or LF inside a chunk extension */
    DRIP_ERR_HTTP_CHUNK_CRLF = -38,   /**< CRLF missing after size line or data */
    DRIP_ERR_HTTP_TRUNCATED = -39,    /**< connection closed before the body ended */
    DRIP_ERR_HTTP_CODING = -40,       /**< transfer/content coding we cannot decode */
    DRIP_ERR_HTTP_TRAILER = -41,      /**< malformed trailer field */

    /* SSE parser: -50 .. -59 */
    DRIP_ERR_SSE_FIELD_TOO_LONG = -50, /**< an event or id value exceeds its buffer */

    /* JSON: -60 .. -79 */
    DRIP_ERR_JSON_INVALID = -60,  /**< not valid JSON (or not one object) */
    DRIP_ERR_JSON_NOMEM = -61,    /**< more tokens than the caller's array holds */
    DRIP_ERR_JSON_ESCAPE = -62,   /**< bad string escape or lone surrogate */
    DRIP_ERR_JSON_RANGE = -63,    /**< integer out of range / not an integer */
    DRIP_ERR_JSON_DEPTH = -64,    /**< nesting deeper than DRIP_SCAN_MAX_DEPTH */

    /* OpenAI events and stream state: -80 .. -99 */
    DRIP_ERR_EVENT_NO_TYPE = -80,     /**< event JSON has no string "type" */
    DRIP_ERR_EVENT_FIELD = -81,       /**< a known field has the wrong JSON type */
    DRIP_ERR_EVENT_DELTA_TOO_LARGE = -82, /**< a delta event does not fit the data buffer */
    DRIP_ERR_EVENT_CALL_TABLE_FULL = -83, /**< more open function calls than table slots */
    DRIP_ERR_EVENT_ID_TOO_LONG = -84, /**< an id or name exceeds its fixed slot */
    DRIP_ERR_API_ERROR = -85,         /**< the API reported an error (event or body) */
    DRIP_ERR_API_FAILED = -86,        /**< response.failed */
    DRIP_ERR_API_HTTP_STATUS = -87,   /**< non-2xx HTTP status */
    DRIP_ERR_API_CONTENT_TYPE = -88,  /**< 2xx but not text/event-stream */
    DRIP_ERR_API_TRUNCATED = -89,     /**< stream ended before a terminal event */
    DRIP_ERR_EVENT_ARGS_TOO_LARGE = -90, /**< a call's arguments came only whole (no deltas)
                                          and did not fit the data buffer or scanner arena */
    DRIP_ERR_SPEECH_BASE64 = -91,     /**< speech audio: invalid base64 (a byte outside the
                                           alphabet, misplaced '=', a lone last character) */

    /* client: -100 .. -119 */
    DRIP_ERR_REQUEST_TOO_LARGE = -100, /**< request does not fit the caller buffer */
    DRIP_ERR_REQUEST_HEADER = -101, /**< header name not a token, or a control byte in a
                                         header value (auth, user agent, extra): refused,
                                         nothing sent (header injection) */
    DRIP_ERR_REQUEST_TARGET = -102, /**< space, control or non-ASCII byte in host or path */
    DRIP_ERR_REQUEST_MODEL = -103   /**< empty model name or a control byte in it */
} drip_err_t;

/**
 * @brief Short English text for an error code ("http: bad chunk size").
 * @return a static string; never NULL (unknown codes give "unknown error").
 *         Built with DRIP_ERR_STRINGS 0 (the firmware default, drip_opts.h):
 *         "ok" for DRIP_OK, "error" for any other code.
 */
const char *drip_err_str(int err);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_ERR_H */
