/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file DripFeed.h
 * @brief Arduino: dripfeed over any `Client` (WiFiClientSecure, EthernetClient, ...).
 *
 * The Arduino face of the library: one object holds the client, its buffers
 * and the transport, and streams an answer to a `Print` (Serial, a display
 * driver) or a callback as it arrives. TLS is the `Client`'s business: pass
 * a `WiFiClientSecure` (with its CA set) for https, port 443. dripfeed's own
 * Mbed TLS port is not used here.
 *
 * Memory: everything is inside the object (about 8 KB with the default
 * sizes below, no heap): make it a global or `static`, never a local in
 * loop(), and never copy or move it after begin() (the client keeps
 * pointers into it). Sizes can be changed with -D or before the include:
 * DRIPFEED_TX_SIZE (request, default 2048), DRIPFEED_RX_SIZE (one read, 512),
 * DRIPFEED_EVENT_SIZE (SSE event data, 1024), DRIPFEED_TOKENS (jsmn tokens,
 * 64), DRIPFEED_CALLS (function calls in flight, 2), DRIPFEED_AUTH_MAX
 * ("Bearer " + key, 240).
 *
 * Blocking: ask() returns when the answer ended (drip_client_run). The
 * Client's connect() blocks as the Client does; its connect timeout is the
 * Client's own (dripfeed's connect timeout bounds nothing more here).
 */
#ifndef DRIPFEED_ARDUINO_H
#define DRIPFEED_ARDUINO_H

#include <Arduino.h>
#include <Client.h>

#include "dripfeed/dripfeed.h"

#ifndef DRIPFEED_TX_SIZE
#define DRIPFEED_TX_SIZE 2048   /**< request head + body, bytes */
#endif
#ifndef DRIPFEED_RX_SIZE
#define DRIPFEED_RX_SIZE 512    /**< bytes asked of the Client in one read */
#endif
#ifndef DRIPFEED_EVENT_SIZE
#define DRIPFEED_EVENT_SIZE 1024 /**< largest SSE event decoded in full */
#endif
#ifndef DRIPFEED_TOKENS
#define DRIPFEED_TOKENS 64      /**< jsmn tokens for one event */
#endif
#ifndef DRIPFEED_CALLS
#define DRIPFEED_CALLS 2        /**< function calls in flight */
#endif
#ifndef DRIPFEED_AUTH_MAX
#define DRIPFEED_AUTH_MAX 240   /**< "Bearer " + API key + NUL */
#endif

/** dripfeed over an Arduino `Client`. */
class DripFeed {
public:
    /** Text callback: @p p / @p n is the next piece of the answer (not NUL-terminated). */
    typedef void (*TextFn)(const char *p, size_t n, void *user);

    /** @param client the transport; it must outlive this object. */
    explicit DripFeed(Client &client);

    /**
     * Bind the endpoint. @p apiKey may be NULL (a relay that holds the key:
     * add its header with setHeaders()). Strings must outlive the object.
     * @return DRIP_OK, DRIP_ERR_ARG (no host, or key longer than
     *         DRIPFEED_AUTH_MAX - 8).
     */
    drip_err_t begin(const char *apiKey, const char *host = "api.openai.com",
                     uint16_t port = 443, const char *pathPrefix = "/v1");

    /** Print every piece of text to @p out as it arrives (NULL: stop). */
    void setOutput(Print *out) { out_ = out; }
    /** Call @p fn with every piece of text as it arrives (NULL: stop). */
    void onText(TextFn fn, void *user = NULL) { fn_ = fn; fnUser_ = user; }
    /** Extra request headers (e.g. a relay's token), sent after the others; call before begin(). */
    void setHeaders(const drip_header_t *headers, size_t n);
    /** Timeouts in ms (0 = dripfeed's default, DRIP_TIMEOUT_NONE = none); call before begin(). */
    void setTimeouts(uint32_t firstEventMs, uint32_t idleMs, uint32_t totalMs);

    /** Ask @p model about @p input (Responses API) and stream the answer. @return the final state. */
    drip_state_t ask(const char *model, const char *input);
    /** The same with Arduino Strings (read only during the call). */
    drip_state_t ask(const String &model, const String &input)
    {
        return ask(model.c_str(), input.c_str());
    }
    /** Any request (Chat, instructions, tools...): see drip_request.h. */
    drip_state_t ask(const drip_request_t &req);

    /** Stop the answer in progress (safe from another task). */
    void cancel() { drip_client_cancel_local(&c_); }
    /** The last answer: state, HTTP status, error, usage (drip_stream.h). */
    const drip_result_t &result() const { return *drip_client_result(&c_); }
    /** Transport error of the last attempt (DRIP_ERR_CONNECT, DRIP_ERR_TIMEOUT...), 0 if none. */
    int transportError() const { return drip_client_transport_error(&c_); }
    /** The underlying dripfeed client, for what this class does not wrap. */
    drip_client_t &client() { return c_; }

private:
    DripFeed(const DripFeed &);            /* holds pointers into itself: no copies */
    DripFeed &operator=(const DripFeed &);

    static drip_err_t textThunk(void *user, const drip_event_t *ev, const char *p, size_t n);
    static int tConnect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms);
    static int tSend(void *ctx, const uint8_t *p, size_t n);
    static int tRecv(void *ctx, uint8_t *p, size_t n, uint32_t timeout_ms);
    static void tClose(void *ctx);
    static uint32_t pNow(void *ctx);
    static void pSleep(void *ctx, uint32_t ms);
    static uint32_t pRandom(void *ctx);

    Client &net_;
    Print *out_;
    TextFn fn_;
    void *fnUser_;
    const drip_header_t *headers_;
    size_t nheaders_;
    uint32_t firstEventMs_, idleMs_, totalMs_;
    uint32_t rng_;
    bool begun_;
    char auth_[DRIPFEED_AUTH_MAX];
    drip_handlers_t handlers_;
    drip_client_t c_;
    uint8_t tx_[DRIPFEED_TX_SIZE];
    uint8_t rx_[DRIPFEED_RX_SIZE];
    uint8_t buf_[DRIPFEED_EVENT_SIZE];
    jsmntok_t tok_[DRIPFEED_TOKENS];
    drip_call_slot_t calls_[DRIPFEED_CALLS];
};

#endif /* DRIPFEED_ARDUINO_H */
