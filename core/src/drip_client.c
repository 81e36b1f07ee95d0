/* SPDX-License-Identifier: Apache-2.0 */
/* The client state machine: request -> transport -> drip_stream.
 * Retry/backoff rules: docs/spec/openai.md 7.4 (see drip_client.h).
 *
 * Decisions (written down where the spec leaves room):
 * - A server delay (retry-after-ms / retry-after) is honoured when 0 < d <=
 *   60 s, as the Node SDK does; a longer one falls back to our backoff (the
 *   total timeout still bounds the call). An HTTP-date retry-after is not
 *   used: a device may have no wall clock.
 * - A keep-alive connection that the server closed while idle is reopened
 *   once without counting as a retry (nothing was sent to the handlers).
 * - TLS verification failures are never retried.
 * - A transport failure before any response head ends FAILED (with the
 *   transport's code); after it, the stream decides (TRUNCATED unless a
 *   terminal event had arrived).
 */
#include "dripfeed/drip_client.h"

#include <string.h>

enum { C_IDLE, C_CONNECT, C_SEND, C_RECV, C_BACKOFF, C_DONE };
enum { K_STREAM, K_RESUME, K_CANCEL };
enum { CONN_CLOSED, CONN_OPEN, CONN_OPENING };

static uint32_t now(const drip_client_t *c)
{
    return c->priv.cfg.platform.now_ms(c->priv.cfg.platform.ctx);
}

/* limit: a resolved timeout (never 0 after init); DRIP_TIMEOUT_NONE: never. */
static int expired(uint32_t since, uint32_t limit, uint32_t t)
{
    return limit != DRIP_TIMEOUT_NONE && (uint32_t)(t - since) >= limit;
}

static uint32_t timeout_or(uint32_t v, uint32_t def)
{
    return v != 0u ? v : (def != 0u ? def : DRIP_TIMEOUT_NONE);
}

static void set_state(drip_client_t *c, uint8_t s)
{
    c->priv.state = s;
    c->priv.t_state = now(c);
}

drip_err_t drip_client_init(drip_client_t *c, const drip_client_cfg_t *cfg)
{
    const drip_transport_t *t;
    if (c == NULL || cfg == NULL) {
        return DRIP_ERR_ARG;
    }
    t = &cfg->transport;
    if (t->connect == NULL || t->send == NULL || t->recv == NULL || t->close == NULL ||
        cfg->platform.now_ms == NULL || cfg->tx == NULL || cfg->tx_len < 64 || cfg->rx == NULL ||
        cfg->rx_len < 64 || cfg->endpoint.host == NULL) {
        return DRIP_ERR_ARG;
    }
    memset(c, 0, sizeof *c);
    c->priv.cfg = *cfg;
    /* 0 = the documented default: a forgotten field must not hang a call */
    c->priv.cfg.connect_timeout_ms = timeout_or(cfg->connect_timeout_ms, DRIP_DEFAULT_CONNECT_TIMEOUT_MS);
    c->priv.cfg.first_event_timeout_ms =
        timeout_or(cfg->first_event_timeout_ms, DRIP_DEFAULT_FIRST_EVENT_TIMEOUT_MS);
    c->priv.cfg.idle_timeout_ms = timeout_or(cfg->idle_timeout_ms, DRIP_DEFAULT_IDLE_TIMEOUT_MS);
    c->priv.cfg.total_timeout_ms = timeout_or(cfg->total_timeout_ms, DRIP_DEFAULT_TOTAL_TIMEOUT_MS);
    c->priv.state = C_IDLE;
    return drip_stream_init(&c->stream, &cfg->stream);
}

const drip_result_t *drip_client_result(const drip_client_t *c)
{
    return &c->stream.result;
}

int drip_client_transport_error(const drip_client_t *c)
{
    return c->priv.last_err;
}

void drip_client_cancel_local(drip_client_t *c)
{
    c->priv.cancel = 1;
}

void drip_client_disconnect(drip_client_t *c)
{
    if (c->priv.connected) {
        c->priv.cfg.transport.close(c->priv.cfg.transport.ctx);
        c->priv.connected = CONN_CLOSED;
    }
}

/* Head + body into tx. body == NULL: no body (GET) or empty body (len 0). */
/* A request with a JSON body (POST /responses, /chat/completions, ...). */
static drip_err_t write_request(drip_client_t *c, const drip_request_t *req)
{
    drip_client_cfg_t *cfg = &c->priv.cfg;
    char *tx = (char *)cfg->tx;
    size_t need = 0, hlen = 0, blen;
    drip_err_t e = drip_request_body(req, NULL, 0, &need);

    if (e != DRIP_ERR_REQUEST_TOO_LARGE) {
        return e == DRIP_OK ? DRIP_ERR_STATE : e;
    }
    blen = need - 1u;
    e = drip_request_head_accept(&cfg->endpoint, "POST", drip_request_path(req),
                                 drip_request_accept(req), blen, tx, cfg->tx_len, &hlen);
    if (e == DRIP_OK) {
        e = drip_request_body(req, tx + hlen, cfg->tx_len - hlen, &blen);
    }
    if (e == DRIP_ERR_REQUEST_TOO_LARGE) {
        return e;
    }
    c->priv.tx_used = hlen + blen;
    c->priv.tx_sent = 0;
    return e;
}

/* A request without a body (resume: GET; cancel: POST with Content-Length 0).
 * Its path is built here, on the stack, not kept in the client: this branch
 * never reaches the body writer, so the stack's deepest path (the stream's,
 * `make size`) stays the deepest. */
static drip_err_t write_id_request(drip_client_t *c, const char *id, int64_t after, int cancel)
{
    drip_client_cfg_t *cfg = &c->priv.cfg;
    char path[DRIP_REQUEST_ID_PATH_MAX];
    size_t hlen = 0;
    drip_err_t e = cancel ? drip_request_cancel_path(path, sizeof path, id)
                          : drip_request_resume_path(path, sizeof path, id, after);
    if (e != DRIP_OK) {
        return e;
    }
    e = drip_request_head_accept(&cfg->endpoint, cancel ? "POST" : "GET", path, NULL,
                                 cancel ? 0 : (size_t)-1, (char *)cfg->tx, cfg->tx_len, &hlen);
    if (e == DRIP_ERR_REQUEST_TOO_LARGE) {
        return e;
    }
    c->priv.tx_used = hlen;
    c->priv.tx_sent = 0;
    return e;
}

/* The cancel flag is not cleared here: a cancel made before start is for
 * this call (done() consumes it). */
static drip_err_t begin(drip_client_t *c, uint8_t kind, drip_api_t api)
{
    if (c->priv.state != C_IDLE && c->priv.state != C_DONE) {
        return DRIP_ERR_STATE;
    }
    c->priv.kind = kind;
    c->priv.attempt = 0;
    c->priv.resumes = 0;
    c->priv.last_err = 0;
    c->priv.t_start = now(c);
    drip_stream_set_api(&c->stream, api);
    (void)drip_stream_reset(&c->stream);
    drip_stream_expect_json(&c->stream, kind == K_CANCEL);
    set_state(c, C_CONNECT);
    return DRIP_OK;
}

drip_err_t drip_client_start(drip_client_t *c, const drip_request_t *req)
{
    drip_err_t e;
    if (c == NULL || req == NULL) {
        return DRIP_ERR_ARG;
    }
    if (c->priv.state != C_IDLE && c->priv.state != C_DONE) {
        return DRIP_ERR_STATE;
    }
    e = write_request(c, req);
    if (e != DRIP_OK) {
        return e;
    }
    /* background mode (resume by id) exists for Responses only */
    c->priv.background = (uint8_t)(req->api == DRIP_API_RESPONSES && req->background);
    return begin(c, K_STREAM, req->api);
}

/* The one way to a resume request: the caller's id and the server's
 * (automatic resume) pass the request writer's id check alike. */
static drip_err_t resume_request(drip_client_t *c, const char *id, int64_t after)
{
    return write_id_request(c, id, after, 0);
}

drip_err_t drip_client_start_resume(drip_client_t *c, const char *response_id, int64_t after_seq)
{
    drip_err_t e;
    if (c == NULL || response_id == NULL) {
        return DRIP_ERR_ARG;
    }
    if (c->priv.state != C_IDLE && c->priv.state != C_DONE) {
        return DRIP_ERR_STATE;
    }
    e = resume_request(c, response_id, after_seq); /* checks the id */
    if (e != DRIP_OK) {
        return e;
    }
    c->priv.background = 1;
    e = begin(c, K_RESUME, DRIP_API_RESPONSES);
    /* the cursor: events up to after_seq were delivered before */
    c->stream.result.last_seq = after_seq;
    drip_stream_skip_through(&c->stream, after_seq);
    return e;
}

drip_err_t drip_client_start_server_cancel(drip_client_t *c, const char *response_id)
{
    drip_err_t e;
    if (c == NULL || response_id == NULL) {
        return DRIP_ERR_ARG;
    }
    if (c->priv.state != C_IDLE && c->priv.state != C_DONE) {
        return DRIP_ERR_STATE;
    }
    e = write_id_request(c, response_id, -1, 1);
    if (e != DRIP_OK) {
        return e;
    }
    c->priv.background = 0;
    return begin(c, K_CANCEL, DRIP_API_RESPONSES);
}

/* ---- retry policy ------------------------------------------------------ */

static int is_quota(const drip_result_t *r)
{
    return strcmp(r->error_code, "insufficient_quota") == 0 ||
           strcmp(r->error_type, "insufficient_quota") == 0 ||
           strcmp(r->error_code, "credit_balance_exhausted") == 0;
}

static int retryable(const drip_client_t *c, int err)
{
    const drip_result_t *r = &c->stream.result;
    const drip_http_head_t *hd = drip_stream_head(&c->stream);
    if (err == DRIP_ERR_TLS_VERIFY || err == DRIP_ERR_TLS_EXPIRED ||
        err == DRIP_ERR_TLS_NOT_YET_VALID || err == DRIP_ERR_CANCELLED || err == DRIP_ERR_ARG) {
        return 0;
    }
    if (r->state == DRIP_STATE_HTTP_ERROR) {
        if (hd->should_retry >= 0) {
            return hd->should_retry;
        }
        if (is_quota(r)) {
            return 0;
        }
        return r->http_status == 408 || r->http_status == 409 || r->http_status == 429 ||
               r->http_status >= 500;
    }
    if (r->state == DRIP_STATE_PROTOCOL_ERROR || r->state == DRIP_STATE_CANCELLED) {
        return 0;
    }
    return err < 0;
}

static uint32_t backoff_ms(const drip_client_t *c)
{
    const drip_http_head_t *hd = drip_stream_head(&c->stream);
    const drip_platform_t *pl = &c->priv.cfg.platform;
    uint32_t base, jitter;
    if (c->stream.result.state == DRIP_STATE_HTTP_ERROR && hd->retry_after_ms != DRIP_HTTP_NONE_U32 &&
        hd->retry_after_ms > 0 && hd->retry_after_ms <= 60000u) {
        return hd->retry_after_ms;
    }
    base = c->priv.attempt >= 4 ? 8000u : 500u << c->priv.attempt;
    jitter = pl->random != NULL ? pl->random(pl->ctx) % 250u : 0u; /* per mille */
    return base - (base * jitter) / 1000u;
}

/* ---- attempts ------------------------------------------------------------ */

static void close_conn(drip_client_t *c)
{
    drip_client_disconnect(c);
}

static int done(drip_client_t *c)
{
    c->priv.cancel = 0; /* consumed: the next call runs unless cancelled again */
    set_state(c, C_DONE);
    return DRIP_OK;
}

/* The attempt ended without an answer (transport error, timeout, retryable
 * HTTP status): retry, resume, or give up. */
static int attempt_failed(drip_client_t *c, int err)
{
    drip_result_t *r = &c->stream.result;
    uint32_t t = now(c);

    close_conn(c);
    if (err < 0 && err != DRIP_AGAIN) {
        c->priv.last_err = err;
    }
    if (c->priv.cancel) {
        drip_stream_cancel_local(&c->stream);
        return done(c);
    }
    if (r->events == 0 && c->priv.kind != K_CANCEL && retryable(c, err) &&
        c->priv.attempt < c->priv.cfg.max_retries &&
        !expired(c->priv.t_start, c->priv.cfg.total_timeout_ms, t)) {
        uint32_t wait = backoff_ms(c);
        c->priv.attempt++;
        if (c->priv.cfg.on_retry != NULL) {
            drip_retry_info_t info;
            info.attempt = (uint16_t)(c->priv.attempt + 1u);
            info.max_attempts = (uint16_t)(c->priv.cfg.max_retries + 1u);
            info.wait_ms = wait;
            info.err = err < 0 && err != DRIP_AGAIN ? err : 0;
            info.result = r;
            c->priv.cfg.on_retry(c->priv.cfg.stream.user, &info);
        }
        (void)drip_stream_reset(&c->stream);
        c->priv.tx_sent = 0;
        c->priv.wake_at = t + wait;
        set_state(c, C_BACKOFF);
        return DRIP_AGAIN;
    }
    if (r->events > 0 && c->priv.background && r->response_id[0] != '\0' &&
        c->priv.resumes < c->priv.cfg.max_resumes && r->state != DRIP_STATE_COMPLETED &&
        r->state != DRIP_STATE_INCOMPLETE && r->state != DRIP_STATE_FAILED &&
        r->state != DRIP_STATE_CANCELLED && r->state != DRIP_STATE_PROTOCOL_ERROR &&
        !expired(c->priv.t_start, c->priv.cfg.total_timeout_ms, t)) {
        char id[DRIP_ID_MAX + 1];
        memcpy(id, r->response_id, sizeof id);
        c->priv.resumes++;
        if (resume_request(c, id, r->last_seq) == DRIP_OK && drip_stream_resume(&c->stream) == DRIP_OK) {
            c->priv.kind = K_RESUME;
            set_state(c, C_CONNECT);
            return DRIP_AGAIN;
        }
    }
    /* final: make sure the stream carries a state and the reason */
    drip_stream_fail(&c->stream, err < 0 && err != DRIP_AGAIN ? err : DRIP_ERR_API_TRUNCATED);
    return done(c);
}

/* The HTTP message ended: success, or an HTTP error that may be retried. */
static int message_end(drip_client_t *c)
{
    const drip_result_t *r = &c->stream.result;
    if (r->state == DRIP_STATE_HTTP_ERROR && retryable(c, 0) &&
        c->priv.attempt < c->priv.cfg.max_retries) {
        return attempt_failed(c, 0);
    }
    if (!drip_stream_reusable(&c->stream)) {
        close_conn(c);
    }
    return done(c);
}

static int do_recv(drip_client_t *c, uint32_t wait_ms)
{
    drip_client_cfg_t *cfg = &c->priv.cfg;
    drip_result_t *r = &c->stream.result;
    int rc = cfg->transport.recv(cfg->transport.ctx, cfg->rx, cfg->rx_len, wait_ms);
    uint32_t t;

    if (rc > 0) {
        int frc;
        c->priv.rx_seen += (size_t)rc;
        frc = drip_stream_feed(&c->stream, cfg->rx, (size_t)rc);
        if (r->events != c->priv.last_events) {
            c->priv.last_events = r->events;
            c->priv.t_progress = now(c);
        }
        if (frc == DRIP_STREAM_END) {
            return message_end(c);
        }
        if (frc != DRIP_OK) { /* protocol error or cancelled by a handler */
            close_conn(c);
            return done(c);
        }
        /* bytes are not progress: keep-alive comments must not hold off the
         * first-event or idle timeout (checked below, as for a quiet recv) */
    }
    if ((rc == 0 || (rc < 0 && rc != DRIP_AGAIN)) && c->priv.reused && c->priv.rx_seen == 0) {
        close_conn(c); /* the kept-alive connection had been closed: reopen */
        c->priv.reused = 0;
        c->priv.tx_sent = 0;
        set_state(c, C_CONNECT);
        return DRIP_AGAIN;
    }
    if (rc == 0) {
        (void)drip_stream_finish(&c->stream);
        if (r->state == DRIP_STATE_HTTP_ERROR) {
            return message_end(c);
        }
        if (r->state == DRIP_STATE_TRUNCATED) {
            return attempt_failed(c, r->err != 0 ? r->err : DRIP_ERR_CLOSED);
        }
        close_conn(c);
        return done(c);
    }
    if (rc < 0 && rc != DRIP_AGAIN) {
        return attempt_failed(c, rc);
    }
    t = now(c);
    if (r->events == 0 ? expired(c->priv.t_state, cfg->first_event_timeout_ms, t)
                       : expired(c->priv.t_progress, cfg->idle_timeout_ms, t)) {
        return attempt_failed(c, DRIP_ERR_TIMEOUT);
    }
    return DRIP_AGAIN;
}

static int step(drip_client_t *c, uint32_t wait_ms)
{
    drip_client_cfg_t *cfg = &c->priv.cfg;
    int rc;

    if (c->priv.state == C_IDLE || c->priv.state == C_DONE) {
        return DRIP_OK;
    }
    if (c->priv.cancel) {
        close_conn(c);
        drip_stream_cancel_local(&c->stream);
        return done(c);
    }
    if (expired(c->priv.t_start, cfg->total_timeout_ms, now(c))) {
        c->priv.attempt = cfg->max_retries; /* no retry past the total */
        c->priv.resumes = cfg->max_resumes;
        return attempt_failed(c, DRIP_ERR_TIMEOUT);
    }
    switch (c->priv.state) {
    case C_CONNECT:
        if (c->priv.connected == CONN_OPEN) {
            c->priv.reused = 1;
        } else {
            /* A connect in progress (or one that failed half way) may hold a
             * socket or a TLS session: close() must follow any connect(). */
            c->priv.connected = CONN_OPENING;
            /* Poll mode (timeout 0): the port starts or continues the
             * connect and handshake without waiting; the deadline is ours. */
            rc = cfg->transport.connect(cfg->transport.ctx, cfg->endpoint.host,
                                        cfg->endpoint.port ? cfg->endpoint.port : 443, 0u);
            if (rc == DRIP_AGAIN) {
                return expired(c->priv.t_state, cfg->connect_timeout_ms, now(c))
                           ? attempt_failed(c, DRIP_ERR_TIMEOUT)
                           : DRIP_AGAIN;
            }
            if (rc != DRIP_OK) {
                return attempt_failed(c, rc);
            }
            c->priv.connected = CONN_OPEN;
            c->priv.reused = 0;
        }
        set_state(c, C_SEND);
        return DRIP_AGAIN;
    case C_SEND:
        rc = cfg->transport.send(cfg->transport.ctx, cfg->tx + c->priv.tx_sent,
                                 c->priv.tx_used - c->priv.tx_sent);
        if (rc > 0) {
            c->priv.tx_sent += (size_t)rc;
            if (c->priv.tx_sent >= c->priv.tx_used) {
                c->priv.rx_seen = 0;
                c->priv.last_events = c->stream.result.events;
                set_state(c, C_RECV);
                c->priv.t_progress = c->priv.t_state;
            }
            return DRIP_AGAIN;
        }
        if (rc == DRIP_AGAIN) {
            return DRIP_AGAIN;
        }
        if (c->priv.reused) { /* stale keep-alive connection */
            close_conn(c);
            c->priv.reused = 0;
            c->priv.tx_sent = 0;
            set_state(c, C_CONNECT);
            return DRIP_AGAIN;
        }
        return attempt_failed(c, rc < 0 ? rc : DRIP_ERR_IO);
    case C_RECV:
        return do_recv(c, wait_ms);
    case C_BACKOFF:
        if ((int32_t)(now(c) - c->priv.wake_at) >= 0) {
            c->priv.last_err = 0; /* the error reported is the last attempt's */
            set_state(c, C_CONNECT);
        }
        return DRIP_AGAIN;
    default:
        return DRIP_OK;
    }
}

int drip_client_step(drip_client_t *c)
{
    if (c == NULL) {
        return DRIP_ERR_ARG;
    }
    return step(c, 0);
}

drip_state_t drip_client_run(drip_client_t *c)
{
    const drip_platform_t *pl = &c->priv.cfg.platform;
    if (pl->sleep_ms == NULL) {
        /* Nothing to wait on in backoff or while a connect is in progress:
         * the loop would spin at full CPU. Refuse instead. */
        if (c->priv.state != C_IDLE && c->priv.state != C_DONE) {
            close_conn(c);
            drip_stream_fail(&c->stream, DRIP_ERR_ARG);
            (void)done(c);
        }
        return c->stream.result.state;
    }
    /* Short waits so a cancel from another task is seen within ~50 ms. */
    while (step(c, 50) == DRIP_AGAIN) {
        if (c->priv.state == C_BACKOFF) {
            uint32_t left = c->priv.wake_at - now(c);
            if ((int32_t)left > 0) {
                pl->sleep_ms(pl->ctx, left < 50u ? left : 50u);
            }
        } else if (c->priv.state == C_CONNECT && c->priv.connected == CONN_OPENING) {
            /* connect in progress (poll mode): let the network work */
            pl->sleep_ms(pl->ctx, 5u);
        }
    }
    return c->stream.result.state;
}
