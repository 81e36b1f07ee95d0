/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_request.h
 * @brief Request writer: JSON bodies and HTTP heads into caller buffers.
 *
 * Writes `POST /v1/responses` (stream: true), `POST /v1/chat/completions`
 * and `POST /v1/audio/speech` bodies, and the HTTP/1.1 request head, into buffers the caller owns. Any
 * UTF-8 text is escaped per RFC 8259; invalid UTF-8 bytes become U+FFFD (a
 * server would reject the whole body otherwise). A buffer that is too small
 * is never overrun: the call returns DRIP_ERR_REQUEST_TOO_LARGE and sets
 * *len to the size that is needed (including the terminating NUL).
 *
 * Host, port, path prefix and the auth header are configurable so a device
 * can talk to a relay that holds the real key (auth_name = NULL: no auth).
 */
#ifndef DRIP_REQUEST_H
#define DRIP_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include "drip_err.h"
#include "drip_event.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An input message, or (raw_json != NULL) any input item written verbatim
 *  (e.g. a Chat assistant message carrying tool_calls). */
typedef struct drip_message {
    const char *role;      /**< "user", "assistant", "system", "developer" */
    const char *content;   /**< text */
    const char *raw_json;  /**< if set: a whole JSON item, written as is */
} drip_message_t;

/** A function tool. `parameters` is a JSON Schema text written verbatim
 *  (it must be valid JSON; NULL writes null). */
typedef struct drip_tool {
    /** the function's name (required) */
    const char *name;
    const char *description; /**< NULL: omitted */
    /** JSON Schema of the arguments, written verbatim; NULL writes null */
    const char *parameters;
    /** non-zero: "strict":true (structured outputs), else "strict":false */
    int strict;
} drip_tool_t;

/** A function result: Responses function_call_output item; Chat tool message. */
typedef struct drip_call_output {
    /** the call being answered (drip_call_t.call_id) */
    const char *call_id;
    /** the result as text (often JSON), written as a JSON string */
    const char *output;
} drip_call_output_t;

/** A yes/no field that can also be left out of the request (the server's
 *  default). Zero is "left out". */
typedef enum drip_flag { DRIP_FLAG_UNSET = 0, DRIP_FLAG_TRUE = 1, DRIP_FLAG_FALSE = 2 } drip_flag_t;

/** What to ask. Zero-initialise, then set what you need: every optional
 *  field at zero is left out of the body, so a zeroed request with a model
 *  and an input sends {"model":...,"input":...,"stream":true} and nothing
 *  else. The API (Responses or Chat) is chosen here only; the client decodes
 *  the answer as this API's. */
typedef struct drip_request {
    /** DRIP_API_RESPONSES (0, POST /responses) or DRIP_API_CHAT (/chat/completions) */
    drip_api_t api;
    const char *model;                 /**< required */
    const char *input;                 /**< a user message (text) */
    const drip_message_t *messages;    /**< earlier messages / items, in order */
    /** entries of messages */
    size_t nmessages;
    const char *instructions;          /**< Responses instructions; Chat: first system message */
    const char *previous_response_id;  /**< Responses only */
    /** function tools offered to the model */
    const drip_tool_t *tools;
    /** entries of tools */
    size_t ntools;
    const char *tool_choice;           /**< "auto", "none", "required", or a function name */
    const drip_call_output_t *outputs; /**< results of the calls the model asked for */
    /** entries of outputs */
    size_t noutputs;
    int32_t max_output_tokens;         /**< 0: not sent (Chat: max_completion_tokens) */
    uint16_t temperature_milli;        /**< 700 = 0.7; sent only if has_temperature */
    uint8_t has_temperature;           /**< 0: temperature not sent (0.0 needs this set) */
    const char *reasoning_effort;      /**< NULL: not sent */
    const char *reasoning_summary;     /**< Responses: "auto", "concise", "detailed" */
    drip_flag_t store;                 /**< UNSET: not sent (server default) */
    uint8_t background;                /**< Responses background mode (resumable) */
    drip_flag_t include_obfuscation;   /**< UNSET: not sent (server default: on) */
    uint8_t include_usage;             /**< Chat: stream_options.include_usage */
    /* Speech (api = DRIP_API_SPEECH: POST /audio/speech, openai.md section 11).
     * Sent: model, input (required: the text to speak, at most 4096
     * characters, checked by the server), voice, and when set instructions
     * and the fields below; never "stream" (the other fields above are not
     * sent). */
    const char *voice;                 /**< required for speech: "alloy", "coral", ... (sent as a
                                            string), or a custom voice id "voice_..." (sent as
                                            {"id":"voice_..."}) */
    const char *response_format;       /**< "pcm" (24 kHz 16-bit LE mono: straight to I2S),
                                            "wav", "mp3", ...; NULL: not sent (server: mp3) */
    uint16_t speed_milli;              /**< 1000 = 1.0, 250..4000; 0: not sent */
    const char *stream_format;         /**< "sse": speech.audio.* events; "audio": the body is
                                            the audio; NULL: not sent (server: "audio").
                                            The decoder follows the answer's content type. */
} drip_request_t;

/** One extra request header. `name` must be an RFC 9110 token and `value`
 *  must hold no control byte but HTAB; otherwise drip_request_head() refuses
 *  the whole request (DRIP_ERR_REQUEST_HEADER) and writes nothing. */
typedef struct drip_header {
    /** header name, e.g. "X-Relay-Token" (not NUL-checked beyond the token rule) */
    const char *name;
    /** its value, sent as is */
    const char *value;
} drip_header_t;

/** Where to send it. */
typedef struct drip_endpoint {
    const char *host;          /**< "api.openai.com" or a relay */
    uint16_t port;             /**< 443 */
    const char *path_prefix;   /**< "/v1" (NULL = "") */
    const char *auth_name;     /**< "Authorization"; NULL: send no auth header */
    const char *auth_value;    /**< "Bearer sk-..." (never logged by the library) */
    const drip_header_t *headers; /**< extra headers (relays), sent after the others */
    /** entries of headers */
    size_t nheaders;
    const char *user_agent;    /**< NULL: "dripfeed/<version>" */
} drip_endpoint_t;

/** A base URL split into views of the caller's string (drip_request_url). */
typedef struct drip_url {
    int tls;             /**< 1: https://, 0: http:// */
    drip_str_t host;     /**< without brackets for an IPv6 literal */
    uint16_t port;       /**< from the URL, else 443 / 80 */
    drip_str_t prefix;   /**< path without trailing '/': "/v1", or empty */
} drip_url_t;

/**
 * @brief Split "https://host[:port][/prefix]" (or http://) into its parts.
 * @return DRIP_OK; DRIP_ERR_REQUEST_TARGET (another scheme, no host, a port
 *         outside 1..65535, text after the host, a space or control byte);
 *         DRIP_ERR_ARG (NULL).
 */
drip_err_t drip_request_url(const char *url, drip_url_t *out);

/**
 * @brief Write the JSON body of a streaming request.
 * @param[out] len bytes written (without NUL), or the size needed (with NUL)
 *                 when the result is DRIP_ERR_REQUEST_TOO_LARGE.
 * Speech (r->api == DRIP_API_SPEECH): the /audio/speech body (see the
 * speech fields of drip_request_t).
 * @return DRIP_OK, DRIP_ERR_REQUEST_TOO_LARGE, DRIP_ERR_REQUEST_MODEL (empty
 *         model, or a control byte in it; speech: also an empty voice, or a
 *         control byte in voice, response_format or stream_format), or
 *         DRIP_ERR_ARG (no model, a NULL string where one is required;
 *         speech: no input or voice, speed_milli outside 250..4000).
 */
drip_err_t drip_request_body(const drip_request_t *r, char *buf, size_t cap, size_t *len);

/** Path of the request for r->api (after the endpoint's prefix):
 *  "/responses", "/chat/completions" or "/audio/speech". */
const char *drip_request_path(const drip_request_t *r);

/** Room for drip_request_resume_path() / drip_request_cancel_path(),
 *  NUL included, for any accepted id and sequence number. */
#define DRIP_REQUEST_ID_PATH_MAX (DRIP_ID_MAX + 64)

/** Path that re-attaches to a background response (after the endpoint's
 *  prefix): "/responses/{id}?stream=true", plus "&starting_after=N" when
 *  @p after >= 0. The id goes into the request line, so it must be 1 to
 *  DRIP_ID_MAX bytes of [A-Za-z0-9_-] (what response ids are made of); the
 *  client passes ids from the user and from the server through here alike.
 *  @return DRIP_OK, DRIP_ERR_ARG (NULL or refused id), or
 *          DRIP_ERR_REQUEST_TOO_LARGE (cap too small; out then holds "") */
drip_err_t drip_request_resume_path(char *out, size_t cap, const char *id, int64_t after);

/** Path of the server-side cancel of a background response:
 *  "/responses/{id}/cancel", the id checked as for drip_request_resume_path().
 *  @return DRIP_OK, DRIP_ERR_ARG, DRIP_ERR_REQUEST_TOO_LARGE */
drip_err_t drip_request_cancel_path(char *out, size_t cap, const char *id);

/** Accept header value for r: "text/event-stream", or "*" "/" "*" for a
 *  speech request whose stream_format is not "sse" (the body is audio). */
const char *drip_request_accept(const drip_request_t *r);

/**
 * @brief Write an HTTP/1.1 request head.
 * @param method  "POST" or "GET"
 * @param path    path after the prefix, e.g. "/responses" or
 *                "/responses/resp_1?stream=true&starting_after=7"
 * @param body_len Content-Length to send; SIZE_MAX: no body (no Content-Type)
 * @return DRIP_OK; DRIP_ERR_REQUEST_TOO_LARGE (with *len = size needed);
 *         DRIP_ERR_REQUEST_TARGET (space, control or non-ASCII byte in the
 *         host, path prefix or path); DRIP_ERR_REQUEST_HEADER (a header name
 *         that is not a token, or a control byte other than HTAB in a header
 *         value: auth name/value, user agent, extra headers); DRIP_ERR_ARG
 *         (NULL or empty host, NULL method/path, body_len over 2^32 - 1).
 *         On any error nothing is written that could be sent.
 */
drip_err_t drip_request_head(const drip_endpoint_t *ep, const char *method, const char *path,
                             size_t body_len, char *buf, size_t cap, size_t *len);

/**
 * @brief drip_request_head() with another Accept value (drip_request_accept();
 *        NULL: "text/event-stream"). A control byte in @p accept is
 *        DRIP_ERR_REQUEST_HEADER. Otherwise as drip_request_head().
 */
drip_err_t drip_request_head_accept(const drip_endpoint_t *ep, const char *method, const char *path,
                                    const char *accept, size_t body_len, char *buf, size_t cap,
                                    size_t *len);

/**
 * @brief Write `s` as a JSON string literal (with quotes) into buf.
 * Exposed for tests and for callers building raw items.
 * @return as drip_request_body().
 */
drip_err_t drip_request_json_string(const char *s, size_t n, char *buf, size_t cap, size_t *len);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_REQUEST_H */
