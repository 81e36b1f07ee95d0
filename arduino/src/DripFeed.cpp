/* SPDX-License-Identifier: Apache-2.0 */
/* Arduino wrapper: a drip_transport_t over a Client, a drip_platform_t over
 * millis()/delay(), and the client's buffers in one object (DripFeed.h). */
#include "DripFeed.h"

#include <string.h>

DripFeed::DripFeed(Client &client)
    : net_(client), out_(NULL), fn_(NULL), fnUser_(NULL), headers_(NULL), nheaders_(0),
      firstEventMs_(0), idleMs_(0), totalMs_(0), rng_(0x9E3779B9u), begun_(false)
{
    auth_[0] = '\0';
    memset(&handlers_, 0, sizeof handlers_);
    memset(&c_, 0, sizeof c_);
}

void DripFeed::setHeaders(const drip_header_t *headers, size_t n)
{
    headers_ = headers; /* begin() copies them into the client's configuration */
    nheaders_ = headers != NULL ? n : 0;
}

void DripFeed::setTimeouts(uint32_t firstEventMs, uint32_t idleMs, uint32_t totalMs)
{
    firstEventMs_ = firstEventMs;
    idleMs_ = idleMs;
    totalMs_ = totalMs;
}

drip_err_t DripFeed::begin(const char *apiKey, const char *host, uint16_t port,
                           const char *pathPrefix)
{
    static const char bearer[] = "Bearer ";
    drip_client_cfg_t cfg;

    if (host == NULL || host[0] == '\0') {
        return DRIP_ERR_ARG;
    }
    if (apiKey != NULL) {
        size_t k = strlen(apiKey);
        if (k + sizeof bearer > sizeof auth_) {
            return DRIP_ERR_ARG;
        }
        memcpy(auth_, bearer, sizeof bearer - 1);
        memcpy(auth_ + sizeof bearer - 1, apiKey, k + 1);
    }
    handlers_.on_text = textThunk;

    memset(&cfg, 0, sizeof cfg);
    cfg.endpoint.host = host;
    cfg.endpoint.port = port;
    cfg.endpoint.path_prefix = pathPrefix;
    cfg.endpoint.auth_name = apiKey != NULL ? "Authorization" : NULL;
    cfg.endpoint.auth_value = apiKey != NULL ? auth_ : NULL;
    cfg.endpoint.headers = headers_;
    cfg.endpoint.nheaders = nheaders_;
    cfg.transport.connect = tConnect;
    cfg.transport.send = tSend;
    cfg.transport.recv = tRecv;
    cfg.transport.close = tClose;
    cfg.transport.ctx = this;
    cfg.platform.now_ms = pNow;
    cfg.platform.sleep_ms = pSleep;
    cfg.platform.random = pRandom;
    cfg.platform.ctx = this;
    cfg.stream.buf = buf_;
    cfg.stream.buf_len = sizeof buf_;
    cfg.stream.tok = tok_;
    cfg.stream.ntok = DRIPFEED_TOKENS;
    cfg.stream.calls = calls_;
    cfg.stream.ncalls = DRIPFEED_CALLS;
    cfg.stream.handlers = &handlers_;
    cfg.stream.user = this;
    cfg.tx = tx_;
    cfg.tx_len = sizeof tx_;
    cfg.rx = rx_;
    cfg.rx_len = sizeof rx_;
    cfg.first_event_timeout_ms = firstEventMs_;
    cfg.idle_timeout_ms = idleMs_;
    cfg.total_timeout_ms = totalMs_;
    cfg.max_retries = 2;
    drip_err_t e = drip_client_init(&c_, &cfg);
    begun_ = e == DRIP_OK;
    return e;
}

drip_state_t DripFeed::ask(const char *model, const char *input)
{
    drip_request_t req;
    memset(&req, 0, sizeof req);
    req.model = model;
    req.input = input;
    return ask(req);
}

drip_state_t DripFeed::ask(const drip_request_t &req)
{
    if (!begun_ || drip_client_start(&c_, &req) != DRIP_OK) {
        return DRIP_STATE_FAILED;
    }
    return drip_client_run(&c_);
}

drip_err_t DripFeed::textThunk(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    DripFeed *d = static_cast<DripFeed *>(user);
    (void)ev;
    if (d->out_ != NULL) {
        d->out_->write(reinterpret_cast<const uint8_t *>(p), n);
    }
    if (d->fn_ != NULL) {
        d->fn_(p, n, d->fnUser_);
    }
    return DRIP_OK;
}

/* Client::connect() blocks (its own timeout); poll mode (timeout 0) is never
 * asked for, since ask() uses drip_client_run(). */
int DripFeed::tConnect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    DripFeed *d = static_cast<DripFeed *>(ctx);
    (void)timeout_ms;
    if (d->net_.connected()) {
        d->net_.stop();
    }
    return d->net_.connect(host, port) == 1 ? DRIP_OK : DRIP_ERR_CONNECT;
}

int DripFeed::tSend(void *ctx, const uint8_t *p, size_t n)
{
    DripFeed *d = static_cast<DripFeed *>(ctx);
    size_t w = d->net_.write(p, n);
    if (w > 0) {
        return w > 0x7fffffffu ? 0x7fffffff : static_cast<int>(w);
    }
    return d->net_.connected() ? DRIP_AGAIN : DRIP_ERR_CLOSED;
}

/* Client has no blocking read with a timeout of its own that tells "closed"
 * from "nothing yet": wait on available() up to timeout_ms, 1 ms apart. */
int DripFeed::tRecv(void *ctx, uint8_t *p, size_t n, uint32_t timeout_ms)
{
    DripFeed *d = static_cast<DripFeed *>(ctx);
    uint32_t t0 = millis();
    for (;;) {
        int a = d->net_.available();
        if (a > 0) {
            size_t want = static_cast<size_t>(a) < n ? static_cast<size_t>(a) : n;
            int r = d->net_.read(p, want);
            if (r > 0) {
                return r;
            }
        } else if (!d->net_.connected()) {
            return 0; /* closed and drained */
        }
        if (static_cast<uint32_t>(millis() - t0) >= timeout_ms) {
            return DRIP_AGAIN;
        }
        delay(1);
    }
}

void DripFeed::tClose(void *ctx)
{
    static_cast<DripFeed *>(ctx)->net_.stop();
}

uint32_t DripFeed::pNow(void *ctx)
{
    (void)ctx;
    return static_cast<uint32_t>(millis());
}

void DripFeed::pSleep(void *ctx, uint32_t ms)
{
    (void)ctx;
    delay(ms);
}

/* Retry jitter only: xorshift32 stirred with micros(). */
uint32_t DripFeed::pRandom(void *ctx)
{
    DripFeed *d = static_cast<DripFeed *>(ctx);
    uint32_t x = d->rng_ ^ static_cast<uint32_t>(micros());
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    d->rng_ = x != 0 ? x : 0x9E3779B9u;
    return d->rng_;
}
