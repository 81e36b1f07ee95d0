/* SPDX-License-Identifier: Apache-2.0 */
/* Error texts. DRIP_ERR_STRINGS=0 (the firmware default) drops them to save
 * flash: the callers print the code next to the text anyway. */
#include "dripfeed/drip_err.h"
#include "dripfeed/drip_opts.h"

const char *drip_err_str(int err)
{
#if !DRIP_ERR_STRINGS
    return err == DRIP_OK ? "ok" : "error";
#else
    switch (err) {
    case DRIP_OK: return "ok";
    case DRIP_AGAIN: return "need more input";
    case DRIP_ERR_ARG: return "bad argument";
    case DRIP_ERR_NOMEM: return "buffer too small";
    case DRIP_ERR_STATE: return "call not valid in this state";
    case DRIP_ERR_CANCELLED: return "cancelled";
    case DRIP_ERR_IO: return "transport: send/recv failed";
    case DRIP_ERR_CLOSED: return "transport: connection closed by peer";
    case DRIP_ERR_TIMEOUT: return "transport: timeout";
    case DRIP_ERR_DNS: return "transport: host name not resolved";
    case DRIP_ERR_CONNECT: return "transport: connection refused or unreachable";
    case DRIP_ERR_TLS: return "tls: handshake or record error";
    case DRIP_ERR_TLS_VERIFY: return "tls: certificate not trusted or wrong host name";
    case DRIP_ERR_TLS_EXPIRED: return "tls: certificate expired";
    case DRIP_ERR_TLS_NOT_YET_VALID: return "tls: certificate not valid yet";
    case DRIP_ERR_TLS_TIME_UNKNOWN: return "tls: time not known, certificate dates not checked";
    case DRIP_ERR_HTTP_STATUS_LINE: return "http: malformed status line";
    case DRIP_ERR_HTTP_HEADER: return "http: malformed header line";
    case DRIP_ERR_HTTP_OBS_FOLD: return "http: obsolete header line folding";
    case DRIP_ERR_HTTP_HEADER_TOO_LONG: return "http: kept header longer than its buffer";
    case DRIP_ERR_HTTP_CONTENT_LENGTH: return "http: bad or conflicting Content-Length";
    case DRIP_ERR_HTTP_CHUNK_SIZE: return "http: bad chunk size";
    case DRIP_ERR_HTTP_CHUNK_OVERFLOW: return "http: chunk size too large";
    case DRIP_ERR_HTTP_CHUNK_EXT: return "http: bad chunk extension";
    case DRIP_ERR_HTTP_CHUNK_CRLF: return "http: missing CRLF in chunked body";
    case DRIP_ERR_HTTP_TRUNCATED: return "http: connection closed before the body ended";
    case DRIP_ERR_HTTP_CODING: return "http: unsupported transfer or content coding";
    case DRIP_ERR_HTTP_TRAILER: return "http: malformed trailer field";
    case DRIP_ERR_SSE_FIELD_TOO_LONG: return "sse: event or id value too long";
    case DRIP_ERR_JSON_INVALID: return "json: invalid";
    case DRIP_ERR_JSON_NOMEM: return "json: too many tokens";
    case DRIP_ERR_JSON_ESCAPE: return "json: bad string escape";
    case DRIP_ERR_JSON_RANGE: return "json: integer out of range";
    case DRIP_ERR_JSON_DEPTH: return "json: nested too deep";
    case DRIP_ERR_EVENT_NO_TYPE: return "event: no type";
    case DRIP_ERR_EVENT_FIELD: return "event: field of the wrong type";
    case DRIP_ERR_EVENT_DELTA_TOO_LARGE: return "event: delta event larger than the data buffer";
    case DRIP_ERR_EVENT_CALL_TABLE_FULL: return "event: call table full";
    case DRIP_ERR_EVENT_ID_TOO_LONG: return "event: id or name too long";
    case DRIP_ERR_API_ERROR: return "api: error event";
    case DRIP_ERR_API_FAILED: return "api: response failed";
    case DRIP_ERR_API_HTTP_STATUS: return "api: HTTP error status";
    case DRIP_ERR_API_CONTENT_TYPE: return "api: not an event stream";
    case DRIP_ERR_API_TRUNCATED: return "api: stream ended before a terminal event";
    case DRIP_ERR_EVENT_ARGS_TOO_LARGE: return "event: call arguments sent only whole and larger than the buffer";
    case DRIP_ERR_SPEECH_BASE64: return "speech: invalid base64 audio";
    case DRIP_ERR_REQUEST_TOO_LARGE: return "request: does not fit the buffer";
    case DRIP_ERR_REQUEST_HEADER: return "request: control byte or bad name in a header (nothing sent)";
    case DRIP_ERR_REQUEST_TARGET: return "request: space, control or non-ASCII byte in host or path (nothing sent)";
    case DRIP_ERR_REQUEST_MODEL: return "request: empty model or control byte in it (nothing sent)";
    default: return "unknown error";
    }
#endif
}
