/* SPDX-License-Identifier: Apache-2.0 */
/* The client over a scripted fake transport and a fake platform (a clock
 * advanced by hand or by sleep_ms, deterministic random): plain answers,
 * the exact request bytes, retries and their delays (retry-after-ms,
 * retry-after, backoff with jitter bounds), what is never retried, every
 * timeout on the fake clock, cancel, keep-alive reuse and stale
 * connections, background resume, resume/cancel requests and id checks;
 * connect in poll mode (timeout 0) from step and run, zero timeouts as the
 * documented defaults and DRIP_TIMEOUT_NONE, the API chosen by the request,
 * a cancel made before start, server ids checked before an automatic
 * resume, run without a sleep hook. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"
#include "dripfeed/dripfeed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the fake transport ----------------------------------------------------
 * Script: one entry per connect attempt (a connect that returns DRIP_AGAIN
 * goes on with the same attempt until close() or a final result). Each entry
 * has the connect result and, for an opened connection, a list of actions
 * recv() plays in order: data (delivered in pieces of at most the caller's
 * size), DRIP_AGAIN gaps, EOF (0, sticky) or an error (sticky). Every action
 * may first advance the clock. When the list is exhausted recv() waits: the
 * clock advances by its timeout (or poll_tick for timeout 0), DRIP_AGAIN. */

enum { A_DATA, A_AGAIN, A_EOF, A_ERR };

typedef struct {
    int kind;
    char *p;
    size_t n;
    int err;
    uint32_t adv;
} act_t;

#define MAX_CONNS 24
#define MAX_ACTS 512

typedef struct {
    int connect_rc;        /* final result of connect */
    int connect_again;     /* DRIP_AGAIN this many times first; -1: forever */
    long send_fail_at;     /* send fails with send_err once this many bytes went; -1: never */
    int send_err;
    size_t send_max;       /* bytes taken per send call (0: all) */
    int send_again_every;  /* every k-th send call returns DRIP_AGAIN (0: never) */
    act_t acts[MAX_ACTS];
    size_t nacts;
} sconn_t;

typedef struct fake {
    /* platform */
    uint32_t now, slept;
    int rnd_fixed_on;
    uint32_t rnd_fixed, rnd_state;
    /* knobs */
    uint32_t connect_tick; /* clock advance per connect that returns DRIP_AGAIN */
    uint32_t poll_tick;    /* clock advance per recv(timeout 0) with nothing scripted */
    /* script */
    sconn_t conns[MAX_CONNS];
    size_t nconns;
    /* live */
    int att;               /* current attempt index, -1 before the first */
    int pending, again_done, open;
    size_t act, act_off;
    long sent_on_conn;
    int send_calls_conn;
    /* records */
    int attempts, connect_calls, closes, misuse, unscripted, pending_closed;
    int send_calls, recv_calls;
    uint32_t attempt_at[MAX_CONNS]; /* first connect call of an attempt */
    uint32_t result_at[MAX_CONNS];  /* when its connect gave a final result */
    uint32_t close_at[MAX_CONNS];   /* when it was closed */
    uint32_t connect_timeout[MAX_CONNS];
    uint32_t connect_timeout_max; /* largest timeout any connect call got */
    int now_calls;                /* platform now_ms() calls */
    char host[80];
    uint16_t port;
    th_buf_t sent[MAX_CONNS];
} fake_t;

static sconn_t *cur(fake_t *f)
{
    return f->att >= 0 && (size_t)f->att < f->nconns ? &f->conns[f->att] : NULL;
}

static int f_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    fake_t *f = ctx;
    sconn_t *s;
    f->connect_calls++;
    if (timeout_ms > f->connect_timeout_max) {
        f->connect_timeout_max = timeout_ms;
    }
    if (f->open) {
        f->misuse++;
        return DRIP_ERR_STATE;
    }
    snprintf(f->host, sizeof f->host, "%s", host);
    f->port = port;
    if (!f->pending) {
        f->att++;
        f->attempts++;
        f->again_done = 0;
        if (f->att < MAX_CONNS) {
            f->attempt_at[f->att] = f->now;
            f->connect_timeout[f->att] = timeout_ms;
        }
    }
    s = cur(f);
    if (s == NULL) {
        f->unscripted++;
        f->pending = 0;
        return DRIP_ERR_CONNECT;
    }
    if (s->connect_again < 0 || f->again_done < s->connect_again) {
        f->again_done++;
        f->pending = 1;
        f->now += f->connect_tick;
        return DRIP_AGAIN;
    }
    f->pending = 0;
    f->result_at[f->att] = f->now;
    if (s->connect_rc != DRIP_OK) {
        return s->connect_rc;
    }
    f->open = 1;
    f->act = 0;
    f->act_off = 0;
    f->sent_on_conn = 0;
    f->send_calls_conn = 0;
    return DRIP_OK;
}

static int f_send(void *ctx, const uint8_t *p, size_t n)
{
    fake_t *f = ctx;
    sconn_t *s = cur(f);
    size_t m = n;
    f->send_calls++;
    if (!f->open || s == NULL) {
        f->misuse++;
        return DRIP_ERR_IO;
    }
    if (n == 0) {
        f->misuse++; /* nothing to send is never asked for */
        return DRIP_ERR_IO;
    }
    f->send_calls_conn++;
    if (s->send_again_every > 0 && f->send_calls_conn % s->send_again_every == 0) {
        return DRIP_AGAIN;
    }
    if (s->send_fail_at >= 0 && f->sent_on_conn >= s->send_fail_at) {
        return s->send_err;
    }
    if (s->send_max > 0 && m > s->send_max) {
        m = s->send_max;
    }
    if (s->send_fail_at >= 0 && f->sent_on_conn + (long)m > s->send_fail_at) {
        m = (size_t)(s->send_fail_at - f->sent_on_conn);
    }
    th_buf_add(&f->sent[f->att], p, m);
    f->sent_on_conn += (long)m;
    return (int)m;
}

static int f_recv(void *ctx, uint8_t *p, size_t n, uint32_t timeout_ms)
{
    fake_t *f = ctx;
    sconn_t *s = cur(f);
    act_t *a;
    f->recv_calls++;
    if (!f->open || s == NULL) {
        f->misuse++;
        return DRIP_ERR_IO;
    }
    if (f->act >= s->nacts) {
        f->now += timeout_ms > 0 ? timeout_ms : f->poll_tick;
        return DRIP_AGAIN;
    }
    a = &s->acts[f->act];
    switch (a->kind) {
    case A_DATA: {
        size_t m = a->n - f->act_off;
        if (f->act_off == 0) {
            f->now += a->adv;
        }
        if (m > n) {
            m = n;
        }
        memcpy(p, a->p + f->act_off, m);
        f->act_off += m;
        if (f->act_off == a->n) {
            f->act++;
            f->act_off = 0;
        }
        return (int)m;
    }
    case A_AGAIN:
        f->now += a->adv;
        f->act++;
        return DRIP_AGAIN;
    case A_EOF:
        return 0;
    default:
        return a->err;
    }
}

static void f_close(void *ctx)
{
    fake_t *f = ctx;
    f->closes++;
    if (f->pending) {
        f->pending_closed++;
        f->pending = 0;
    }
    if (f->open && f->att >= 0 && f->att < MAX_CONNS) {
        f->close_at[f->att] = f->now;
    }
    f->open = 0;
}

static uint32_t p_now(void *ctx)
{
    ((fake_t *)ctx)->now_calls++;
    return ((fake_t *)ctx)->now;
}

static void p_sleep(void *ctx, uint32_t ms)
{
    fake_t *f = ctx;
    f->now += ms;
    f->slept += ms;
}

static uint32_t p_random(void *ctx)
{
    fake_t *f = ctx;
    return f->rnd_fixed_on ? f->rnd_fixed : th_rand(&f->rnd_state);
}

/* ---- script building -------------------------------------------------------- */

static sconn_t *sc_add(fake_t *f, int connect_rc)
{
    sconn_t *s;
    assert_true(f->nconns < MAX_CONNS);
    s = &f->conns[f->nconns++];
    memset(s, 0, sizeof *s);
    s->connect_rc = connect_rc;
    s->send_fail_at = -1;
    return s;
}

static act_t *sc_act(sconn_t *s, int kind)
{
    act_t *a;
    assert_true(s->nacts < MAX_ACTS);
    a = &s->acts[s->nacts++];
    memset(a, 0, sizeof *a);
    a->kind = kind;
    return a;
}

static void sc_data(sconn_t *s, const void *p, size_t n, uint32_t adv)
{
    act_t *a = sc_act(s, A_DATA);
    a->p = malloc(n + 1);
    assert_non_null(a->p);
    memcpy(a->p, p, n);
    a->n = n;
    a->adv = adv;
}

/* the buffer's bytes as one action, then empty it */
static void sc_buf(sconn_t *s, th_buf_t *b, uint32_t adv)
{
    sc_data(s, b->p, b->n, adv);
    b->n = 0;
    b->p[0] = '\0';
}

static void sc_again(sconn_t *s, uint32_t adv)
{
    sc_act(s, A_AGAIN)->adv = adv;
}

static void sc_eof(sconn_t *s)
{
    sc_act(s, A_EOF);
}

static void sc_err(sconn_t *s, int err)
{
    sc_act(s, A_ERR)->err = err;
}

/* ---- HTTP and SSE text ------------------------------------------------------ */

#define RESP_ID "resp_0123456789abcdef"

static void ev_created(th_buf_t *b, long seq, const char *id, const char *status)
{
    th_buf_fmt(b,
               "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":%ld,"
               "\"response\":{\"id\":\"%s\",\"object\":\"response\",\"status\":\"%s\"}}\n\n",
               seq, id, status);
}

static void ev_delta(th_buf_t *b, long seq, const char *text)
{
    th_buf_fmt(b,
               "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
               "\"sequence_number\":%ld,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,"
               "\"delta\":\"%s\"}\n\n",
               seq, text);
}

static void ev_completed(th_buf_t *b, long seq, const char *id)
{
    th_buf_fmt(b,
               "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":%ld,"
               "\"response\":{\"id\":\"%s\",\"object\":\"response\",\"status\":\"completed\",\"usage\":"
               "{\"input_tokens\":5,\"output_tokens\":2,\"total_tokens\":7}}}\n\n",
               seq, id);
}

static void http_head200(th_buf_t *b, const char *extra)
{
    th_buf_fmt(b,
               "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
               "Transfer-Encoding: chunked\r\n%sx-request-id: req_test\r\n\r\n",
               extra != NULL ? extra : "");
}

static void http_chunk(th_buf_t *b, const char *data)
{
    size_t n = strlen(data);
    if (n > 0) { /* th_buf_fmt() holds 512 bytes: the data goes in as is */
        th_buf_fmt(b, "%zx\r\n", n);
        th_buf_add(b, data, n);
        th_buf_str(b, "\r\n");
    }
}

static void http_end(th_buf_t *b)
{
    th_buf_str(b, "0\r\n\r\n");
}

/* A whole answer: created, one delta per text piece, completed. */
static void answer(th_buf_t *b, const char *extra, const char *id, const char *const *pieces, size_t n)
{
    th_buf_t ev = {0};
    size_t i;
    http_head200(b, extra);
    ev_created(&ev, 0, id, "in_progress");
    http_chunk(b, ev.p);
    for (i = 0; i < n; i++) {
        ev.n = 0;
        ev_delta(&ev, (long)i + 1, pieces[i]);
        http_chunk(b, ev.p);
    }
    ev.n = 0;
    ev_completed(&ev, (long)n + 1, id);
    http_chunk(b, ev.p);
    http_end(b);
    free(ev.p);
}

static const char *const k_hello[] = {"Hel", "lo", ", world"};

static void sc_answer(sconn_t *s, const char *extra)
{
    th_buf_t b = {0};
    answer(&b, extra, RESP_ID, k_hello, 3);
    sc_buf(s, &b, 0);
    free(b.p);
}

/* An error response with a JSON body (Content-Length framed). */
static void http_error(th_buf_t *b, int status, const char *extra, const char *type, const char *code)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"error\":{\"message\":\"status %d\",\"type\":\"%s\",\"param\":null,\"code\":%s%s%s}}",
             status, type, code != NULL ? "\"" : "", code != NULL ? code : "null",
             code != NULL ? "\"" : "");
    th_buf_fmt(b,
               "HTTP/1.1 %d Status\r\nContent-Type: application/json; charset=utf-8\r\n"
               "Content-Length: %zu\r\nConnection: keep-alive\r\n%sx-request-id: req_err\r\n\r\n%s",
               status, strlen(body), extra != NULL ? extra : "", body);
}

static void sc_error(sconn_t *s, int status, const char *extra, const char *type, const char *code)
{
    th_buf_t b = {0};
    http_error(&b, status, extra, type, code);
    sc_buf(s, &b, 0);
    free(b.p);
}

/* ---- recording handlers ------------------------------------------------------ */

#define MAX_EV 256

typedef struct {
    th_buf_t text;
    int64_t seq[MAX_EV];
    int nev, nhead, nerr;
    int err_codes[16];
    int cancel_after_texts; /* on_text returns non-zero at this count (0: never) */
    int ntext;
} rec_t;

static drip_err_t h_head(void *u, const drip_http_head_t *h)
{
    (void)h;
    ((rec_t *)u)->nhead++;
    return DRIP_OK;
}

static drip_err_t h_event(void *u, const drip_event_t *ev)
{
    rec_t *r = u;
    if (r->nev < MAX_EV) {
        r->seq[r->nev] = ev->seq;
    }
    r->nev++;
    return DRIP_OK;
}

static drip_err_t h_text(void *u, const drip_event_t *ev, const char *p, size_t n)
{
    rec_t *r = u;
    (void)ev;
    th_buf_add(&r->text, p, n);
    r->ntext++;
    return r->cancel_after_texts > 0 && r->ntext >= r->cancel_after_texts ? (drip_err_t)1 : DRIP_OK;
}

static void h_error(void *u, const drip_error_t *err)
{
    rec_t *r = u;
    if (r->nerr < 16) {
        r->err_codes[r->nerr] = err->code;
    }
    r->nerr++;
}

/* ---- the environment ----------------------------------------------------------- */

typedef struct env {
    fake_t f;
    rec_t rec;
    drip_handlers_t h;
    drip_client_cfg_t cfg;
    drip_client_t c;
    uint8_t tx[4096];
    uint8_t rx[64];
    uint8_t sbuf[2048];
    jsmntok_t tok[128];
    drip_call_slot_t calls[4];
} env_t;

static env_t *env_new(drip_api_t api)
{
    env_t *e = calloc(1, sizeof *e);
    assert_non_null(e);
    e->f.att = -1;
    e->f.poll_tick = 10;
    e->f.rnd_state = 0x12345678u;
    e->f.now = 1000000u;
    e->h.on_head = h_head;
    e->h.on_event = h_event;
    e->h.on_text = h_text;
    e->h.on_error = h_error;
    e->cfg.endpoint.host = "api.openai.com";
    e->cfg.endpoint.port = 443;
    e->cfg.endpoint.path_prefix = "/v1";
    e->cfg.endpoint.auth_name = "Authorization";
    e->cfg.endpoint.auth_value = "Bearer sk-test";
    e->cfg.transport.connect = f_connect;
    e->cfg.transport.send = f_send;
    e->cfg.transport.recv = f_recv;
    e->cfg.transport.close = f_close;
    e->cfg.transport.ctx = &e->f;
    e->cfg.platform.now_ms = p_now;
    e->cfg.platform.sleep_ms = p_sleep;
    e->cfg.platform.random = p_random;
    e->cfg.platform.ctx = &e->f;
    e->cfg.stream.api = api;
    e->cfg.stream.buf = e->sbuf;
    e->cfg.stream.buf_len = sizeof e->sbuf;
    e->cfg.stream.tok = e->tok;
    e->cfg.stream.ntok = 128;
    e->cfg.stream.calls = e->calls;
    e->cfg.stream.ncalls = 4;
    e->cfg.stream.handlers = &e->h;
    e->cfg.stream.user = &e->rec;
    e->cfg.tx = e->tx;
    e->cfg.tx_len = sizeof e->tx;
    e->cfg.rx = e->rx;
    e->cfg.rx_len = sizeof e->rx;
    e->cfg.max_retries = 2;
    e->cfg.max_resumes = 2;
    return e;
}

static void env_init(env_t *e)
{
    assert_int_equal(drip_client_init(&e->c, &e->cfg), DRIP_OK);
}

static void env_free(env_t *e)
{
    size_t i, k;
    /* the client never misused the transport */
    if (e->f.misuse != 0) {
        fail_msg("transport misused %d times (send/recv on a closed connection, connect while open)",
                 e->f.misuse);
    }
    for (i = 0; i < MAX_CONNS; i++) {
        free(e->f.sent[i].p);
    }
    for (i = 0; i < e->f.nconns; i++) {
        for (k = 0; k < e->f.conns[i].nacts; k++) {
            free(e->f.conns[i].acts[k].p);
        }
    }
    free(e->rec.text.p);
    free(e);
}

static drip_request_t req_text(const char *input)
{
    drip_request_t r;
    memset(&r, 0, sizeof r);
    r.api = DRIP_API_RESPONSES;
    r.model = "gpt-4o-mini";
    r.input = input;
    return r;
}

/* Head (+ body) the client must send. */
static void want_request(const env_t *e, th_buf_t *out, const char *method, const char *path,
                         const drip_request_t *r)
{
    char head[1024], body[2048];
    size_t hlen = 0, blen = 0;
    if (r != NULL) {
        assert_int_equal(drip_request_body(r, body, sizeof body, &blen), DRIP_OK);
    }
    assert_int_equal(drip_request_head(&e->cfg.endpoint, method, path, r != NULL ? blen : SIZE_MAX,
                                       head, sizeof head, &hlen),
                     DRIP_OK);
    th_buf_add(out, head, hlen);
    th_buf_add(out, body, blen);
}

static void expect_sent(const env_t *e, int conn, const th_buf_t *want)
{
    const th_buf_t *got = &e->f.sent[conn];
    if (got->n != want->n || (want->n > 0 && memcmp(got->p, want->p, want->n) != 0)) {
        fail_msg("connection %d: sent %zu bytes:\n%.*s\nwant %zu bytes:\n%.*s", conn, got->n,
                 (int)got->n, got->p != NULL ? got->p : "", want->n, (int)want->n, want->p);
    }
}

static void expect_sent_empty(const env_t *e, int conn)
{
    if (e->f.sent[conn].n != 0) {
        fail_msg("connection %d: %zu bytes sent, want none", conn, e->f.sent[conn].n);
    }
}

/* Step until the call ended; time passes between steps (1 ms each), as it
 * does in a superloop, so backoff waits end. */
static int drive(env_t *e)
{
    long i;
    for (i = 0; i < 2000000; i++) {
        int rc = drip_client_step(&e->c);
        if (rc != DRIP_AGAIN) {
            return rc;
        }
        e->f.now += 1;
    }
    fail_msg("drip_client_step never ended (state %s, clock %u)",
             drip_state_name(drip_client_result(&e->c)->state), e->f.now);
    return -1;
}

static const drip_result_t *res(const env_t *e)
{
    return drip_client_result(&e->c);
}

static void expect_state(const env_t *e, drip_state_t s)
{
    const drip_result_t *r = res(e);
    if (r->state != s) {
        fail_msg("state %s (http %d, err %d, transport %d), want %s", drip_state_name(r->state),
                 r->http_status, (int)r->err, drip_client_transport_error(&e->c), drip_state_name(s));
    }
}

static void expect_text(const env_t *e, const char *want)
{
    const char *got = e->rec.text.p != NULL ? e->rec.text.p : "";
    if (strcmp(got, want) != 0) {
        fail_msg("text '%s', want '%s'", got, want);
    }
}

/* ---- plain answers ---------------------------------------------------------------- */

static void test_plain_answer_step(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("Say hello");
    th_buf_t want = {0};
    (void)state;
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_COMPLETED);
    expect_text(e, "Hello, world");
    assert_string_equal(res(e)->response_id, RESP_ID);
    assert_int_equal(res(e)->http_status, 200);
    assert_int_equal(res(e)->err, 0);
    assert_int_equal(res(e)->events, 5);
    assert_int_equal(res(e)->last_seq, 4);
    assert_int_equal(res(e)->has_usage, 1);
    assert_int_equal(res(e)->usage.total_tokens, 7);
    assert_int_equal(drip_client_transport_error(&e->c), 0);
    assert_int_equal(e->rec.nhead, 1);
    assert_int_equal(e->rec.nerr, 0);
    /* one connection to host:443 carrying exactly head + body */
    assert_int_equal(e->f.attempts, 1);
    assert_string_equal(e->f.host, "api.openai.com");
    assert_int_equal(e->f.port, 443);
    want_request(e, &want, "POST", "/responses", &r);
    expect_sent(e, 0, &want);
    /* keep-alive and complete: the connection stays open for the next call */
    assert_int_equal(e->f.closes, 0);
    assert_int_equal(e->f.open, 1);
    /* once done, steps do nothing */
    assert_int_equal(drip_client_step(&e->c), DRIP_OK);
    drip_client_disconnect(&e->c);
    assert_int_equal(e->f.open, 0);
    free(want.p);
    env_free(e);
}

/* drip_client_run(), partial sends and DRIP_AGAIN from send, a gap in recv. */
static void test_plain_answer_run(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("Say hello");
    th_buf_t want = {0}, b = {0};
    sconn_t *s;
    (void)state;
    s = sc_add(&e->f, DRIP_OK);
    s->send_max = 7;
    s->send_again_every = 3;
    s->connect_again = 3; /* a non-blocking connect: three DRIP_AGAIN first */
    answer(&b, NULL, RESP_ID, k_hello, 3);
    sc_data(s, b.p, 200, 0);
    sc_again(s, 30);
    sc_data(s, b.p + 200, b.n - 200, 0);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_COMPLETED);
    expect_text(e, "Hello, world");
    want_request(e, &want, "POST", "/responses", &r);
    expect_sent(e, 0, &want);
    assert_int_equal(e->f.attempts, 1);
    free(want.p);
    free(b.p);
    env_free(e);
}

static void test_plain_answer_chat(void **state)
{
    env_t *e = env_new(DRIP_API_CHAT);
    drip_request_t r = req_text("Hi");
    th_buf_t want = {0}, b = {0};
    sconn_t *s;
    (void)state;
    r.api = DRIP_API_CHAT;
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    http_chunk(&b, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                   "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                   "\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n");
    http_chunk(&b, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                   "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"},"
                   "\"finish_reason\":null}]}\n\n");
    http_chunk(&b, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                   "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    http_chunk(&b, "data: [DONE]\n\n");
    http_end(&b);
    sc_buf(s, &b, 0);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_COMPLETED);
    expect_text(e, "Hi there");
    want_request(e, &want, "POST", "/chat/completions", &r);
    expect_sent(e, 0, &want);
    free(want.p);
    free(b.p);
    env_free(e);
}

/* ---- retries ------------------------------------------------------------------------ */

static void test_retry_connect_error(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    th_buf_t want = {0};
    uint32_t wait;
    (void)state;
    sc_add(&e->f, DRIP_ERR_CONNECT);
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_COMPLETED);
    expect_text(e, "Hello, world");
    assert_int_equal(e->f.attempts, 2);
    expect_sent_empty(e, 0);
    want_request(e, &want, "POST", "/responses", &r);
    expect_sent(e, 1, &want);
    /* first backoff: 0.5 s minus at most 25 % */
    wait = e->f.attempt_at[1] - e->f.result_at[0];
    if (wait < 375 || wait > 500) {
        fail_msg("first retry after %u ms, want 375..500", wait);
    }
    free(want.p);
    env_free(e);
}

static void test_retry_500_then_200(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    th_buf_t want = {0};
    (void)state;
    sc_error(sc_add(&e->f, DRIP_OK), 500, NULL, "server_error", NULL);
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_COMPLETED);
    expect_text(e, "Hello, world");
    assert_int_equal(e->f.attempts, 2);
    assert_int_equal(e->f.closes, 1); /* the 500's connection is not reused */
    assert_int_equal(res(e)->http_status, 200);
    assert_int_equal(res(e)->has_error, 0);
    assert_int_equal(res(e)->err, 0);
    want_request(e, &want, "POST", "/responses", &r);
    expect_sent(e, 0, &want);
    expect_sent(e, 1, &want);
    free(want.p);
    env_free(e);
}

/* One 429 with `extra` headers, then an answer; the wait between the 429
 * and the next connect (blocking run: sleep_ms advances the clock). */
static uint32_t wait_after_429(const char *extra, uint32_t start)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    uint32_t wait;
    e->f.now = start;
    sc_error(sc_add(&e->f, DRIP_OK), 429, extra, "requests", "rate_limit_exceeded");
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_COMPLETED);
    assert_int_equal(e->f.attempts, 2);
    wait = e->f.attempt_at[1] - e->f.close_at[0];
    env_free(e);
    return wait;
}

static void test_retry_after_ms(void **state)
{
    uint32_t w;
    (void)state;
    w = wait_after_429("retry-after-ms: 700\r\n", 1000000u);
    if (w != 700) {
        fail_msg("retry-after-ms: 700 -> waited %u ms", w);
    }
    /* across the wrap of the 32-bit clock */
    w = wait_after_429("retry-after-ms: 700\r\n", UINT32_MAX - 300u);
    if (w != 700) {
        fail_msg("retry-after-ms: 700 across the clock wrap -> waited %u ms", w);
    }
    /* retry-after-ms wins over retry-after, in either order */
    w = wait_after_429("retry-after: 2\r\nretry-after-ms: 700\r\n", 5000u);
    if (w != 700) {
        fail_msg("retry-after: 2 + retry-after-ms: 700 -> waited %u ms", w);
    }
    w = wait_after_429("retry-after-ms: 700\r\nretry-after: 2\r\n", 5000u);
    if (w != 700) {
        fail_msg("retry-after-ms: 700 + retry-after: 2 -> waited %u ms", w);
    }
}

/* The same with drip_client_step and a clock moved by hand: nothing before
 * 700 ms, the connect at 700 ms. */
static void test_retry_after_ms_step(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    uint32_t t0;
    int i;
    (void)state;
    sc_error(sc_add(&e->f, DRIP_OK), 429, "retry-after-ms: 700\r\n", "requests", "rate_limit_exceeded");
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    for (i = 0; i < 1000 && e->f.closes == 0; i++) {
        assert_int_equal(drip_client_step(&e->c), DRIP_AGAIN);
    }
    assert_int_equal(e->f.closes, 1);
    t0 = e->f.close_at[0];
    e->f.now = t0 + 699u;
    for (i = 0; i < 5; i++) {
        assert_int_equal(drip_client_step(&e->c), DRIP_AGAIN);
    }
    assert_int_equal(e->f.attempts, 1);
    e->f.now = t0 + 700u;
    for (i = 0; i < 3 && e->f.attempts == 1; i++) {
        assert_int_equal(drip_client_step(&e->c), DRIP_AGAIN);
    }
    assert_int_equal(e->f.attempts, 2);
    assert_int_equal(e->f.attempt_at[1], t0 + 700u);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_COMPLETED);
    env_free(e);
}

static void test_retry_after_seconds(void **state)
{
    uint32_t w;
    (void)state;
    w = wait_after_429("retry-after: 2\r\n", 1000u);
    if (w != 2000) {
        fail_msg("retry-after: 2 -> waited %u ms", w);
    }
    w = wait_after_429("retry-after: 1.5\r\n", 1000u);
    if (w != 1500) {
        fail_msg("retry-after: 1.5 -> waited %u ms", w);
    }
    w = wait_after_429("retry-after: 60\r\n", 1000u); /* 0 < d <= 60 s: honoured */
    if (w != 60000) {
        fail_msg("retry-after: 60 -> waited %u ms", w);
    }
    w = wait_after_429("retry-after-ms: 60000\r\n", 1000u);
    if (w != 60000) {
        fail_msg("retry-after-ms: 60000 -> waited %u ms", w);
    }
}

/* Server delays beyond 60 s (or zero) fall back to the backoff. */
static void test_retry_after_out_of_range(void **state)
{
    static const char *const cases[] = {
        "retry-after: 61\r\n", "retry-after: 3600\r\n", "retry-after-ms: 60001\r\n",
        "retry-after: 0\r\n",  "retry-after-ms: 0\r\n",  "retry-after: soon\r\n",
        "retry-after: Wed, 21 Oct 2015 07:28:00 GMT\r\n",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t w = wait_after_429(cases[i], 1000u);
        if (w < 375 || w > 500) {
            fail_msg("'%.*s' -> waited %u ms, want the first backoff 375..500", (int)strlen(cases[i]) - 2,
                     cases[i], w);
        }
    }
}

/* Backoff n = 0.. : min(0.5 s * 2^n, 8 s) minus at most 25 % jitter. */
static void backoff_run(int mode, uint32_t value, uint32_t *waits, int n, int kind)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    int i;
    if (mode == 0) {
        e->f.rnd_state = value;
    } else {
        e->f.rnd_fixed_on = 1;
        e->f.rnd_fixed = value;
    }
    e->cfg.max_retries = (uint8_t)n;
    for (i = 0; i < n; i++) {
        if (kind == 0) {
            sc_add(&e->f, i % 2 ? DRIP_ERR_IO : DRIP_ERR_CONNECT);
        } else { /* the server asks for more than 60 s: ignored */
            sc_error(sc_add(&e->f, DRIP_OK), 429, "retry-after: 120\r\n", "requests",
                     "rate_limit_exceeded");
        }
    }
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_COMPLETED);
    assert_int_equal(e->f.attempts, n + 1);
    for (i = 0; i < n; i++) {
        waits[i] = e->f.attempt_at[i + 1] - (kind == 0 ? e->f.result_at[i] : e->f.close_at[i]);
    }
    env_free(e);
}

static void test_backoff_bounds(void **state)
{
    enum { N = 9 };
    uint32_t waits[N], minw[N], maxw[N];
    static const uint32_t fixed[] = {0u, 1u, 124u, 125u, 249u, 250u, 999u, 0x7FFFFFFFu, UINT32_MAX};
    int i, k;
    (void)state;
    for (i = 0; i < N; i++) {
        minw[i] = UINT32_MAX;
        maxw[i] = 0;
    }
    for (k = 0; k < 40 + (int)(sizeof fixed / sizeof fixed[0]); k++) {
        if (k < 40) {
            backoff_run(0, 0x9E3779B9u * (uint32_t)(k + 1), waits, N, k % 2);
        } else {
            backoff_run(1, fixed[k - 40], waits, N, k % 2);
        }
        for (i = 0; i < N; i++) {
            uint32_t base = i >= 4 ? 8000u : 500u << i;
            if (waits[i] > base || waits[i] < base - base / 4u) {
                fail_msg("retry %d (random run %d): waited %u ms, want %u..%u", i, k, waits[i],
                         base - base / 4u, base);
            }
            if (waits[i] < minw[i]) {
                minw[i] = waits[i];
            }
            if (waits[i] > maxw[i]) {
                maxw[i] = waits[i];
            }
        }
    }
    /* there is jitter: the delays spread over most of the 25 % */
    for (i = 0; i < N; i++) {
        uint32_t base = i >= 4 ? 8000u : 500u << i;
        if (maxw[i] - minw[i] < base / 8u) {
            fail_msg("retry %d: delays %u..%u, no real jitter", i, minw[i], maxw[i]);
        }
    }
}

static void expect_no_retry(int status, const char *extra, const char *type, const char *code)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    sc_error(sc_add(&e->f, DRIP_OK), status, extra, type, code);
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    if (e->f.attempts != 1) {
        fail_msg("HTTP %d (%s): %d attempts, want no retry", status, extra != NULL ? extra : "",
                 e->f.attempts);
    }
    expect_state(e, DRIP_STATE_HTTP_ERROR);
    assert_int_equal(res(e)->http_status, status);
    assert_int_equal(res(e)->err, DRIP_ERR_API_HTTP_STATUS);
    assert_int_equal(res(e)->has_error, 1);
    assert_string_equal(res(e)->error_type, type);
    env_free(e);
}

static void expect_one_retry_typed(int status, const char *extra, const char *type, const char *code)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    sc_error(sc_add(&e->f, DRIP_OK), status, extra, type, code);
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    if (e->f.attempts != 2 || res(e)->state != DRIP_STATE_COMPLETED) {
        fail_msg("HTTP %d (%s): %d attempts, state %s; want a retry and the answer", status,
                 extra != NULL ? extra : "", e->f.attempts, drip_state_name(res(e)->state));
    }
    env_free(e);
}

static void expect_one_retry(int status, const char *extra)
{
    expect_one_retry_typed(status, extra, "t", NULL);
}

static void test_quota_not_retried(void **state)
{
    (void)state;
    expect_no_retry(429, NULL, "insufficient_quota", "insufficient_quota");
    expect_no_retry(429, "retry-after: 1\r\n", "insufficient_quota", "insufficient_quota");
    expect_no_retry(429, NULL, "insufficient_quota", NULL);
    expect_no_retry(429, NULL, "requests", "insufficient_quota");
    expect_no_retry(429, NULL, "insufficient_quota", "credit_balance_exhausted");
}

static void test_4xx_not_retried(void **state)
{
    (void)state;
    expect_no_retry(400, NULL, "invalid_request_error", NULL);
    expect_no_retry(401, NULL, "invalid_request_error", "invalid_api_key");
    expect_no_retry(403, NULL, "invalid_request_error", "unsupported_country_region_territory");
    expect_no_retry(404, NULL, "invalid_request_error", "model_not_found");
    expect_no_retry(422, NULL, "invalid_request_error", NULL);
}

static void test_retried_statuses(void **state)
{
    (void)state;
    expect_one_retry(408, NULL);
    expect_one_retry(409, NULL);
    expect_one_retry(429, NULL);
    expect_one_retry(500, NULL);
    expect_one_retry(502, NULL);
    expect_one_retry(503, NULL);
    expect_one_retry(504, NULL);
}

static void test_x_should_retry(void **state)
{
    (void)state;
    expect_no_retry(500, "x-should-retry: false\r\n", "server_error", NULL);
    expect_no_retry(429, "x-should-retry: false\r\n", "requests", "rate_limit_exceeded");
    expect_one_retry(400, "x-should-retry: true\r\n");
    expect_one_retry(404, "x-should-retry: true\r\n");
    /* the header wins over the quota rule too */
    expect_one_retry_typed(429, "x-should-retry: true\r\n", "insufficient_quota", "insufficient_quota");
}

static void test_max_retries(void **state)
{
    int max;
    (void)state;
    for (max = 0; max <= 4; max++) {
        env_t *e = env_new(DRIP_API_RESPONSES);
        drip_request_t r = req_text("q");
        int i;
        e->cfg.max_retries = (uint8_t)max;
        for (i = 0; i < 8; i++) {
            sc_error(sc_add(&e->f, DRIP_OK), 503, "retry-after-ms: 10\r\n", "server_error", NULL);
        }
        env_init(e);
        assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
        assert_int_equal(drip_client_run(&e->c), DRIP_STATE_HTTP_ERROR);
        if (e->f.attempts != max + 1) {
            fail_msg("max_retries %d: %d attempts", max, e->f.attempts);
        }
        assert_int_equal(res(e)->http_status, 503);
        env_free(e);
    }
    /* connect errors too: FAILED with the transport's code */
    for (max = 0; max <= 3; max++) {
        env_t *e = env_new(DRIP_API_RESPONSES);
        drip_request_t r = req_text("q");
        int i;
        e->cfg.max_retries = (uint8_t)max;
        for (i = 0; i < 8; i++) {
            sc_add(&e->f, DRIP_ERR_DNS);
        }
        env_init(e);
        assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
        assert_int_equal(drip_client_run(&e->c), DRIP_STATE_FAILED);
        assert_int_equal(e->f.attempts, max + 1);
        assert_int_equal(drip_client_transport_error(&e->c), DRIP_ERR_DNS);
        assert_int_equal(res(e)->err, DRIP_ERR_DNS);
        env_free(e);
    }
}

/* A drop after the first delta: TRUNCATED, one connection, no replay. */
static void drop_after_first_delta(int drop_err)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    th_buf_t b = {0}, ev = {0};
    sconn_t *s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    ev_created(&ev, 0, RESP_ID, "in_progress");
    ev_delta(&ev, 1, "Hel");
    http_chunk(&b, ev.p);
    sc_buf(s, &b, 0);
    if (drop_err != 0) {
        sc_err(s, drop_err);
    } else {
        sc_eof(s);
    }
    sc_answer(sc_add(&e->f, DRIP_OK), NULL); /* must never be used */
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_TRUNCATED);
    assert_int_equal(e->f.attempts, 1);
    expect_text(e, "Hel");
    assert_int_equal(res(e)->events, 2);
    assert_true(res(e)->err != 0);
    if (drop_err != 0) {
        assert_int_equal(drip_client_transport_error(&e->c), drop_err);
    }
    assert_int_equal(e->f.open, 0);
    free(b.p);
    free(ev.p);
    env_free(e);
}

static void test_no_retry_after_event(void **state)
{
    (void)state;
    drop_after_first_delta(DRIP_ERR_IO);
    drop_after_first_delta(DRIP_ERR_TLS);
    drop_after_first_delta(DRIP_ERR_CLOSED);
    drop_after_first_delta(0); /* EOF */
}

/* The connection fails before any response head (EOF or error): nothing
 * was delivered, so it is retried like a connect error. */
static void test_retry_drop_before_head(void **state)
{
    int k;
    (void)state;
    for (k = 0; k < 3; k++) {
        env_t *e = env_new(DRIP_API_RESPONSES);
        drip_request_t r = req_text("q");
        sconn_t *s = sc_add(&e->f, DRIP_OK);
        if (k == 0) {
            sc_eof(s);
        } else if (k == 1) {
            sc_err(s, DRIP_ERR_IO);
        } else { /* half a head, then the drop */
            sc_data(s, "HTTP/1.1 200 OK\r\nContent-Ty", 27, 0);
            sc_eof(s);
        }
        sc_answer(sc_add(&e->f, DRIP_OK), NULL);
        env_init(e);
        assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
        assert_int_equal(drip_client_run(&e->c), DRIP_STATE_COMPLETED);
        assert_int_equal(e->f.attempts, 2);
        expect_text(e, "Hello, world");
        env_free(e);
    }
}

/* response.completed arrived, then the connection dropped before the end of
 * the chunked body: the answer is whole, COMPLETED, and nothing is retried. */
static void test_completed_then_drop(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    th_buf_t b = {0};
    sconn_t *s;
    (void)state;
    r.background = 1;
    s = sc_add(&e->f, DRIP_OK);
    answer(&b, NULL, RESP_ID, k_hello, 3);
    sc_data(s, b.p, b.n - 5, 0); /* without the last "0\r\n\r\n" */
    sc_err(s, DRIP_ERR_IO);
    sc_answer(sc_add(&e->f, DRIP_OK), NULL); /* must never be used */
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_COMPLETED);
    expect_text(e, "Hello, world");
    assert_int_equal(e->f.attempts, 1);
    assert_int_equal(e->f.open, 0); /* an unfinished message: not reusable */
    free(b.p);
    env_free(e);
}

/* drip_client_transport_error(): "error of the transport that ended the
 * last attempt, 0 if none" - after a retry that succeeded, the last attempt
 * ended without a transport error. */
static void test_transport_error_after_successful_retry(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    (void)state;
    sc_add(&e->f, DRIP_ERR_CONNECT);
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_COMPLETED);
    assert_int_equal(e->f.attempts, 2);
    if (drip_client_transport_error(&e->c) != 0) {
        fail_msg("COMPLETED on the second attempt, transport error %d (of the first attempt), want 0",
                 drip_client_transport_error(&e->c));
    }
    env_free(e);
}

static void test_tls_verify_not_retried(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    (void)state;
    sc_add(&e->f, DRIP_ERR_TLS_VERIFY);
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_FAILED);
    assert_int_equal(e->f.attempts, 1);
    assert_int_equal(drip_client_transport_error(&e->c), DRIP_ERR_TLS_VERIFY);
    assert_int_equal(res(e)->err, DRIP_ERR_TLS_VERIFY);
    expect_sent_empty(e, 0);
    env_free(e);

    /* a TLS handshake error (not verification) is a transport error: retried */
    e = env_new(DRIP_API_RESPONSES);
    sc_add(&e->f, DRIP_ERR_TLS);
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_COMPLETED);
    assert_int_equal(e->f.attempts, 2);
    env_free(e);
}

/* ---- timeouts ---------------------------------------------------------------------- */

static void test_connect_timeout(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    uint32_t t0, el;
    sconn_t *s;
    (void)state;
    e->cfg.connect_timeout_ms = 5000;
    e->cfg.max_retries = 0;
    e->f.connect_tick = 10;
    s = sc_add(&e->f, DRIP_OK);
    s->connect_again = -1;
    env_init(e);
    t0 = e->f.now;
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    el = e->f.now - t0;
    expect_state(e, DRIP_STATE_FAILED);
    assert_int_equal(drip_client_transport_error(&e->c), DRIP_ERR_TIMEOUT);
    assert_int_equal(res(e)->err, DRIP_ERR_TIMEOUT);
    if (el < 5000 || el > 5010) {
        fail_msg("connect timeout after %u ms, want 5000..5010", el);
    }
    /* step never waits in connect: poll mode, the deadline is the client's */
    assert_int_equal(e->f.connect_timeout_max, 0);
    env_free(e);
}

/* After giving up on a connect that is still in progress (DRIP_AGAIN), the
 * client must close() the transport: the port holds a half-open socket or
 * handshake, and the retry must be a new connection, not the old one. */
static void test_connect_timeout_closes_and_retries(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    sconn_t *s;
    (void)state;
    e->cfg.connect_timeout_ms = 5000;
    e->cfg.max_retries = 1;
    e->f.connect_tick = 10;
    s = sc_add(&e->f, DRIP_OK);
    s->connect_again = -1;
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    (void)drive(e);
    if (e->f.pending_closed < 1) {
        fail_msg("the timed-out connect was never closed (closes %d, attempts %d)", e->f.closes,
                 e->f.attempts);
    }
    assert_int_equal(e->f.attempts, 2);
    expect_state(e, DRIP_STATE_COMPLETED);
    env_free(e);
}

/* Head, then nothing (only waits): no first event within the limit. */
static void test_first_event_timeout(void **state)
{
    int max;
    (void)state;
    for (max = 0; max <= 1; max++) {
        env_t *e = env_new(DRIP_API_RESPONSES);
        drip_request_t r = req_text("q");
        th_buf_t b = {0};
        uint32_t t0, el;
        int i;
        e->cfg.first_event_timeout_ms = 3000;
        e->cfg.max_retries = (uint8_t)max;
        e->f.poll_tick = 100;
        for (i = 0; i <= max; i++) {
            sconn_t *s = sc_add(&e->f, DRIP_OK);
            http_head200(&b, NULL);
            sc_buf(s, &b, 200);
        }
        env_init(e);
        assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
        t0 = e->f.now;
        assert_int_equal(drive(e), DRIP_OK);
        assert_int_equal(e->f.attempts, max + 1); /* nothing delivered: retried */
        assert_int_equal(drip_client_transport_error(&e->c), DRIP_ERR_TIMEOUT);
        assert_true(res(e)->state == DRIP_STATE_TRUNCATED || res(e)->state == DRIP_STATE_FAILED);
        if (max == 0) {
            el = e->f.close_at[0] - t0;
            if (el < 3000 || el > 3100) {
                fail_msg("first event timeout after %u ms from the request, want 3000..3100", el);
            }
        }
        free(b.p);
        env_free(e);
    }
}

/* No response head at all: FAILED with DRIP_ERR_TIMEOUT. */
static void test_first_event_timeout_no_head(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    (void)state;
    e->cfg.first_event_timeout_ms = 2000;
    e->cfg.max_retries = 0;
    sc_add(&e->f, DRIP_OK);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_FAILED);
    assert_int_equal(drip_client_transport_error(&e->c), DRIP_ERR_TIMEOUT);
    assert_int_equal(e->f.open, 0);
    env_free(e);
}

/* Keep-alive comment lines arrive steadily (each after a wait, no
 * DRIP_AGAIN in between): they are not events, the first-event limit
 * still fires. */
static void test_first_event_timeout_comments(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    th_buf_t b = {0};
    sconn_t *s;
    int i;
    (void)state;
    e->cfg.first_event_timeout_ms = 3000;
    e->cfg.max_retries = 0;
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    sc_buf(s, &b, 0);
    for (i = 0; i < 400; i++) {
        http_chunk(&b, ": keep-alive\n\n");
        sc_buf(s, &b, 100);
    }
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    if (drip_client_transport_error(&e->c) != DRIP_ERR_TIMEOUT || e->f.now - 1000000u > 3200) {
        fail_msg("comments every 100 ms, first event limit 3000 ms: ended at +%u ms, state %s, "
                 "transport error %d",
                 e->f.now - 1000000u, drip_state_name(res(e)->state), drip_client_transport_error(&e->c));
    }
    free(b.p);
    env_free(e);
}

/* Events, then only keep-alive comments with waits in between. */
static void idle_comments(int with_gaps)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    th_buf_t b = {0}, ev = {0};
    sconn_t *s;
    uint32_t t_last;
    int i;
    e->cfg.idle_timeout_ms = 5000;
    e->cfg.max_retries = 2;
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    ev_created(&ev, 0, RESP_ID, "in_progress");
    ev_delta(&ev, 1, "part");
    http_chunk(&b, ev.p);
    sc_buf(s, &b, 0);
    for (i = 0; i < 200; i++) {
        http_chunk(&b, ": keep-alive\n\n");
        if (with_gaps) {
            sc_again(s, 500);
            sc_buf(s, &b, 500);
        } else {
            sc_buf(s, &b, 1000); /* arrives after a 1 s wait, no DRIP_AGAIN */
        }
    }
    sc_answer(sc_add(&e->f, DRIP_OK), NULL); /* must never be used */
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    t_last = e->f.now;
    assert_int_equal(drive(e), DRIP_OK);
    if (drip_client_transport_error(&e->c) != DRIP_ERR_TIMEOUT || res(e)->state != DRIP_STATE_TRUNCATED ||
        e->f.now - t_last < 5000 || e->f.now - t_last > 6000) {
        fail_msg("idle limit 5000 ms, comments %s: ended at +%u ms, state %s, transport error %d",
                 with_gaps ? "with gaps" : "back to back", e->f.now - t_last,
                 drip_state_name(res(e)->state), drip_client_transport_error(&e->c));
    }
    assert_int_equal(e->f.attempts, 1); /* an event was delivered: no retry */
    expect_text(e, "part");
    free(b.p);
    free(ev.p);
    env_free(e);
}

static void test_idle_timeout_comments_with_gaps(void **state)
{
    (void)state;
    idle_comments(1);
}

static void test_idle_timeout_comments_back_to_back(void **state)
{
    (void)state;
    idle_comments(0);
}

/* Events every second for 20 s under a 5 s idle limit: no timeout. */
static void test_idle_reset_by_events(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    th_buf_t b = {0}, ev = {0};
    sconn_t *s;
    int i;
    (void)state;
    e->cfg.idle_timeout_ms = 5000;
    e->cfg.first_event_timeout_ms = 5000;
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    ev_created(&ev, 0, RESP_ID, "in_progress");
    http_chunk(&b, ev.p);
    sc_buf(s, &b, 0);
    for (i = 1; i <= 20; i++) {
        ev.n = 0;
        ev_delta(&ev, i, "x");
        http_chunk(&b, ev.p);
        sc_again(s, 3000);
        sc_buf(s, &b, 1000);
    }
    ev.n = 0;
    ev_completed(&ev, 21, RESP_ID);
    http_chunk(&b, ev.p);
    http_end(&b);
    sc_buf(s, &b, 1000);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_COMPLETED);
    assert_int_equal(e->rec.ntext, 20);
    free(b.p);
    free(ev.p);
    env_free(e);
}

/* The total limit covers every attempt and the waits between them. */
static void test_total_timeout_across_retries(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    uint32_t t0;
    int i;
    (void)state;
    e->cfg.total_timeout_ms = 2500;
    e->cfg.max_retries = 10;
    for (i = 0; i < 10; i++) {
        sc_error(sc_add(&e->f, DRIP_OK), 500, "retry-after-ms: 1000\r\n", "server_error", NULL);
    }
    env_init(e);
    t0 = e->f.now;
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    (void)drip_client_run(&e->c);
    assert_int_equal(e->f.attempts, 3); /* at 0, 1000, 2000; the next would be at 3000 */
    if (e->f.now - t0 < 2500 || e->f.now - t0 > 2550) {
        fail_msg("total limit 2500 ms: ended at +%u ms", e->f.now - t0);
    }
    assert_int_equal(drip_client_transport_error(&e->c), DRIP_ERR_TIMEOUT);
    assert_true(res(e)->state != DRIP_STATE_COMPLETED);
    env_free(e);
}

/* The total limit while events keep coming (no resume past it). */
static void test_total_timeout_while_streaming(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    th_buf_t b = {0}, ev = {0};
    sconn_t *s;
    uint32_t t0;
    int i;
    (void)state;
    r.background = 1;
    e->cfg.total_timeout_ms = 1000;
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    ev_created(&ev, 0, RESP_ID, "in_progress");
    http_chunk(&b, ev.p);
    sc_buf(s, &b, 0);
    for (i = 1; i < 100; i++) {
        ev.n = 0;
        ev_delta(&ev, i, "x");
        http_chunk(&b, ev.p);
        sc_buf(s, &b, 100);
    }
    sc_answer(sc_add(&e->f, DRIP_OK), NULL); /* must never be used */
    env_init(e);
    t0 = e->f.now;
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_TRUNCATED);
    assert_int_equal(drip_client_transport_error(&e->c), DRIP_ERR_TIMEOUT);
    assert_int_equal(e->f.attempts, 1);
    if (e->f.now - t0 < 1000 || e->f.now - t0 > 1100) {
        fail_msg("total limit 1000 ms: ended at +%u ms", e->f.now - t0);
    }
    assert_int_equal(e->f.open, 0);
    free(b.p);
    free(ev.p);
    env_free(e);
}

/* ---- cancel --------------------------------------------------------------------- */

static void test_cancel_between_steps(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    th_buf_t b = {0}, ev = {0};
    sconn_t *s;
    int i, sends, recvs;
    (void)state;
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    ev_created(&ev, 0, RESP_ID, "in_progress");
    ev_delta(&ev, 1, "Hel");
    http_chunk(&b, ev.p);
    sc_buf(s, &b, 0);
    for (i = 0; i < 50; i++) {
        sc_again(s, 10);
    }
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    for (i = 0; i < 1000 && e->rec.ntext == 0; i++) {
        assert_int_equal(drip_client_step(&e->c), DRIP_AGAIN);
    }
    expect_text(e, "Hel");
    assert_int_equal(drip_client_step(&e->c), DRIP_AGAIN);
    drip_client_cancel_local(&e->c);
    assert_int_equal(drip_client_step(&e->c), DRIP_OK);
    expect_state(e, DRIP_STATE_CANCELLED);
    assert_int_equal(res(e)->err, DRIP_ERR_CANCELLED);
    assert_int_equal(e->f.open, 0);
    assert_int_equal(e->f.closes, 1);
    /* ended: later steps touch nothing */
    sends = e->f.send_calls;
    recvs = e->f.recv_calls;
    for (i = 0; i < 5; i++) {
        assert_int_equal(drip_client_step(&e->c), DRIP_OK);
    }
    assert_int_equal(e->f.send_calls, sends);
    assert_int_equal(e->f.recv_calls, recvs);
    assert_int_equal(e->f.attempts, 1);
    free(b.p);
    free(ev.p);
    env_free(e);
}

static void test_cancel_in_backoff(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    int i;
    (void)state;
    sc_error(sc_add(&e->f, DRIP_OK), 503, "retry-after-ms: 5000\r\n", "server_error", NULL);
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    for (i = 0; i < 1000 && e->f.closes == 0; i++) {
        assert_int_equal(drip_client_step(&e->c), DRIP_AGAIN);
    }
    e->f.now += 100;
    assert_int_equal(drip_client_step(&e->c), DRIP_AGAIN);
    drip_client_cancel_local(&e->c);
    assert_int_equal(drip_client_step(&e->c), DRIP_OK);
    expect_state(e, DRIP_STATE_CANCELLED);
    e->f.now += 10000;
    assert_int_equal(drip_client_step(&e->c), DRIP_OK);
    assert_int_equal(e->f.attempts, 1);
    env_free(e);
}

/* Cancel while a non-blocking connect is in progress: the half-open
 * connection must be closed too. */
static void test_cancel_during_connect(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    sconn_t *s;
    int i;
    (void)state;
    s = sc_add(&e->f, DRIP_OK);
    s->connect_again = -1;
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    for (i = 0; i < 3; i++) {
        assert_int_equal(drip_client_step(&e->c), DRIP_AGAIN);
    }
    assert_int_equal(e->f.pending, 1);
    drip_client_cancel_local(&e->c);
    assert_int_equal(drip_client_step(&e->c), DRIP_OK);
    expect_state(e, DRIP_STATE_CANCELLED);
    if (e->f.pending_closed != 1) {
        fail_msg("cancel during a connect in progress: close() not called (closes %d)", e->f.closes);
    }
    env_free(e);
}

/* A handler that returns non-zero cancels too, and the connection closes. */
static void test_cancel_by_handler(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    (void)state;
    e->rec.cancel_after_texts = 2;
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_CANCELLED);
    expect_text(e, "Hello");
    assert_int_equal(e->f.open, 0);
    assert_int_equal(e->f.attempts, 1);
    env_free(e);
}

/* drip_client_run() sees a cancel made from "another task" (here: the clock
 * callback, which run calls on every step) and returns CANCELLED. */
static env_t *g_cancel_env;
static int g_cancel_countdown;

static uint32_t p_now_cancelling(void *ctx)
{
    if (g_cancel_env != NULL && --g_cancel_countdown == 0) {
        drip_client_cancel_local(&g_cancel_env->c);
    }
    return p_now(ctx);
}

static void test_cancel_during_run(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    sconn_t *s;
    (void)state;
    e->cfg.platform.now_ms = p_now_cancelling;
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&e->rec.text, NULL); /* borrow a buffer */
    sc_buf(s, &e->rec.text, 0);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    g_cancel_env = e;
    g_cancel_countdown = 50;
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_CANCELLED);
    g_cancel_env = NULL;
    assert_int_equal(e->f.open, 0);
    env_free(e);
}

/* ---- connection reuse -------------------------------------------------------------- */

static void test_keep_alive_two_requests(void **state)
{
    static const char *const p2[] = {"Second"};
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r1 = req_text("first"), r2 = req_text("second question");
    th_buf_t want = {0}, b = {0};
    sconn_t *s;
    (void)state;
    s = sc_add(&e->f, DRIP_OK);
    sc_answer(s, "Connection: keep-alive\r\n");
    answer(&b, NULL, "resp_2", p2, 1);
    sc_buf(s, &b, 0);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r1), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_COMPLETED);
    assert_int_equal(e->f.open, 1);
    assert_int_equal(e->f.closes, 0);
    e->rec.text.n = 0;
    e->rec.text.p[0] = '\0';
    assert_int_equal(drip_client_start(&e->c, &r2), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_COMPLETED);
    expect_text(e, "Second");
    assert_string_equal(res(e)->response_id, "resp_2");
    assert_int_equal(res(e)->events, 3); /* a fresh result */
    assert_int_equal(e->f.attempts, 1);
    assert_int_equal(e->f.closes, 0);
    want_request(e, &want, "POST", "/responses", &r1);
    want_request(e, &want, "POST", "/responses", &r2);
    expect_sent(e, 0, &want);
    free(want.p);
    free(b.p);
    env_free(e);
}

/* The kept connection was closed by the server while idle: the next call
 * reopens it once, without using a retry (max_retries 0). */
static void stale(int how)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r1 = req_text("first"), r2 = req_text("second");
    th_buf_t want = {0};
    sconn_t *s;
    e->cfg.max_retries = 0;
    s = sc_add(&e->f, DRIP_OK);
    sc_answer(s, NULL);
    if (how == 0) {
        sc_eof(s);
    } else if (how == 1) {
        sc_err(s, DRIP_ERR_IO);
    } else {
        s->send_err = DRIP_ERR_IO; /* armed below, after the first request */
    }
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r1), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_COMPLETED);
    assert_int_equal(e->f.open, 1);
    if (how == 2) {
        s->send_fail_at = (long)e->f.sent[0].n; /* the peer is gone: the next send fails */
    }
    assert_int_equal(drip_client_start(&e->c, &r2), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_COMPLETED);
    expect_text(e, "Hello, worldHello, world");
    assert_int_equal(e->f.attempts, 2);
    want_request(e, &want, "POST", "/responses", &r2);
    expect_sent(e, 1, &want);
    if (how != 2) {
        th_buf_t both = {0};
        want_request(e, &both, "POST", "/responses", &r1);
        want_request(e, &both, "POST", "/responses", &r2);
        expect_sent(e, 0, &both);
        free(both.p);
    }
    free(want.p);
    env_free(e);
}

static void test_stale_keep_alive_eof(void **state)
{
    (void)state;
    stale(0);
}

static void test_stale_keep_alive_error(void **state)
{
    (void)state;
    stale(1);
}

static void test_stale_keep_alive_send_fails(void **state)
{
    (void)state;
    stale(2);
}

/* Reopened only once: when the fresh connection also closes at once, that
 * is an ordinary failure (and with max_retries 0, the end). */
static void test_stale_reopened_once(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    sconn_t *s;
    (void)state;
    e->cfg.max_retries = 0;
    s = sc_add(&e->f, DRIP_OK);
    sc_answer(s, NULL);
    sc_eof(s);
    sc_eof(sc_add(&e->f, DRIP_OK));
    sc_answer(sc_add(&e->f, DRIP_OK), NULL); /* must never be used */
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    assert_int_equal(e->f.attempts, 2);
    assert_true(res(e)->state == DRIP_STATE_FAILED || res(e)->state == DRIP_STATE_TRUNCATED);
    assert_true(res(e)->err != 0);
    env_free(e);
}

static void test_connection_close(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    (void)state;
    sc_answer(sc_add(&e->f, DRIP_OK), "Connection: close\r\n");
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_COMPLETED);
    assert_int_equal(e->f.open, 0);
    assert_int_equal(e->f.closes, 1);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_COMPLETED);
    assert_int_equal(e->f.attempts, 2);
    env_free(e);
}

/* An HTTP error that is not retried, on a keep-alive connection whose body
 * was read whole, leaves the connection usable. */
static void test_keep_alive_after_http_error(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    sconn_t *s;
    (void)state;
    s = sc_add(&e->f, DRIP_OK);
    sc_error(s, 400, NULL, "invalid_request_error", NULL);
    sc_answer(s, NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_HTTP_ERROR);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_COMPLETED);
    assert_int_equal(e->f.attempts, 1);
    env_free(e);
}

/* ---- background resume ------------------------------------------------------------ */

static void expect_seqs(const env_t *e, long first, long last)
{
    long i;
    if (e->rec.nev != (int)(last - first + 1)) {
        th_buf_t s = {0};
        int k;
        for (k = 0; k < e->rec.nev && k < MAX_EV; k++) {
            th_buf_fmt(&s, " %lld", (long long)e->rec.seq[k]);
        }
        fail_msg("handler saw %d events:%s; want %ld..%ld once each", e->rec.nev, s.p, first, last);
    }
    for (i = first; i <= last; i++) {
        assert_int_equal(e->rec.seq[i - first], i);
    }
}

static void resume_drop(int drop_err)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("long task");
    th_buf_t b = {0}, ev = {0}, want = {0};
    sconn_t *s;
    r.background = 1;
    r.store = DRIP_FLAG_TRUE;
    e->cfg.max_retries = 0; /* a resume is not a retry */
    e->cfg.max_resumes = 1;
    /* first connection: seq 0..5, then the drop */
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    ev_created(&ev, 0, RESP_ID, "queued");
    ev_delta(&ev, 1, "A");
    ev_delta(&ev, 2, "B");
    ev_delta(&ev, 3, "C");
    ev_delta(&ev, 4, "D");
    ev_delta(&ev, 5, "E");
    http_chunk(&b, ev.p);
    sc_buf(s, &b, 0);
    if (drop_err != 0) {
        sc_err(s, drop_err);
    } else {
        sc_eof(s);
    }
    /* the resumed stream: the server replays 4 and 5, then goes on */
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    ev.n = 0;
    ev_delta(&ev, 4, "D");
    ev_delta(&ev, 5, "E");
    http_chunk(&b, ev.p);
    ev.n = 0;
    ev_delta(&ev, 6, "F");
    ev_delta(&ev, 7, "G");
    ev_completed(&ev, 8, RESP_ID);
    http_chunk(&b, ev.p);
    http_end(&b);
    sc_buf(s, &b, 0);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_COMPLETED);
    assert_int_equal(e->f.attempts, 2);
    want_request(e, &want, "POST", "/responses", &r);
    expect_sent(e, 0, &want);
    want.n = 0;
    want_request(e, &want, "GET", "/responses/" RESP_ID "?stream=true&starting_after=5", NULL);
    expect_sent(e, 1, &want);
    assert_memory_equal(e->f.sent[1].p, "GET /v1/responses/" RESP_ID "?stream=true&starting_after=5 HTTP/1.1\r\n",
                        strlen("GET /v1/responses/" RESP_ID "?stream=true&starting_after=5 HTTP/1.1\r\n"));
    expect_text(e, "ABCDEFG");
    expect_seqs(e, 0, 8);
    assert_int_equal(res(e)->last_seq, 8);
    assert_int_equal(res(e)->events, 9);
    assert_string_equal(res(e)->response_id, RESP_ID);
    free(b.p);
    free(ev.p);
    free(want.p);
    env_free(e);
}

static void test_background_resume_after_error(void **state)
{
    (void)state;
    resume_drop(DRIP_ERR_IO);
}

static void test_background_resume_after_eof(void **state)
{
    (void)state;
    resume_drop(0);
}

/* Two drops: two resumes, each from the last event seen. */
static void test_background_resume_twice(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    th_buf_t b = {0}, ev = {0}, want = {0};
    sconn_t *s;
    (void)state;
    r.background = 1;
    e->cfg.max_resumes = 2;
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    ev_created(&ev, 0, RESP_ID, "queued");
    ev_delta(&ev, 1, "A");
    http_chunk(&b, ev.p);
    sc_buf(s, &b, 0);
    sc_err(s, DRIP_ERR_IO);
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    ev.n = 0;
    ev_delta(&ev, 2, "B");
    ev_delta(&ev, 3, "C");
    http_chunk(&b, ev.p);
    sc_buf(s, &b, 0);
    sc_eof(s);
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    ev.n = 0;
    ev_delta(&ev, 3, "C");
    ev_delta(&ev, 4, "D");
    ev_completed(&ev, 5, RESP_ID);
    http_chunk(&b, ev.p);
    http_end(&b);
    sc_buf(s, &b, 0);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_COMPLETED);
    assert_int_equal(e->f.attempts, 3);
    want_request(e, &want, "GET", "/responses/" RESP_ID "?stream=true&starting_after=1", NULL);
    expect_sent(e, 1, &want);
    want.n = 0;
    want_request(e, &want, "GET", "/responses/" RESP_ID "?stream=true&starting_after=3", NULL);
    expect_sent(e, 2, &want);
    expect_text(e, "ABCD");
    expect_seqs(e, 0, 5);
    free(b.p);
    free(ev.p);
    free(want.p);
    env_free(e);
}

/* max_resumes 0, or a request that is not background: a drop is final. */
static void test_no_resume(void **state)
{
    int k;
    (void)state;
    for (k = 0; k < 2; k++) {
        env_t *e = env_new(DRIP_API_RESPONSES);
        drip_request_t r = req_text("q");
        th_buf_t b = {0}, ev = {0};
        sconn_t *s;
        r.background = (uint8_t)(k == 0);
        e->cfg.max_resumes = (uint8_t)(k == 0 ? 0 : 2);
        s = sc_add(&e->f, DRIP_OK);
        http_head200(&b, NULL);
        ev_created(&ev, 0, RESP_ID, "queued");
        ev_delta(&ev, 1, "A");
        http_chunk(&b, ev.p);
        sc_buf(s, &b, 0);
        sc_err(s, DRIP_ERR_IO);
        sc_answer(sc_add(&e->f, DRIP_OK), NULL); /* must never be used */
        env_init(e);
        assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
        assert_int_equal(drip_client_run(&e->c), DRIP_STATE_TRUNCATED);
        assert_int_equal(e->f.attempts, 1);
        free(b.p);
        free(ev.p);
        env_free(e);
    }
}

/* max_resumes bounds the reconnects: a second drop with max_resumes 1 is final. */
static void test_max_resumes(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    th_buf_t b = {0}, ev = {0}, want = {0};
    sconn_t *s;
    (void)state;
    r.background = 1;
    e->cfg.max_resumes = 1;
    e->cfg.max_retries = 3;
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    ev_created(&ev, 0, RESP_ID, "queued");
    ev_delta(&ev, 1, "A");
    http_chunk(&b, ev.p);
    sc_buf(s, &b, 0);
    sc_err(s, DRIP_ERR_IO);
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    ev.n = 0;
    ev_delta(&ev, 2, "B");
    http_chunk(&b, ev.p);
    sc_buf(s, &b, 0);
    sc_err(s, DRIP_ERR_IO);
    sc_answer(sc_add(&e->f, DRIP_OK), NULL); /* must never be used */
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_TRUNCATED);
    assert_int_equal(e->f.attempts, 2);
    want_request(e, &want, "GET", "/responses/" RESP_ID "?stream=true&starting_after=1", NULL);
    expect_sent(e, 1, &want);
    expect_text(e, "AB");
    expect_seqs(e, 0, 2);
    assert_int_equal(drip_client_transport_error(&e->c), DRIP_ERR_IO);
    free(b.p);
    free(ev.p);
    free(want.p);
    env_free(e);
}

static void test_start_resume(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    th_buf_t b = {0}, ev = {0}, want = {0};
    sconn_t *s;
    (void)state;
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    ev_delta(&ev, 6, "old");
    ev_delta(&ev, 7, "old");
    ev_delta(&ev, 8, "new");
    ev_completed(&ev, 9, "resp_abc");
    http_chunk(&b, ev.p);
    http_end(&b);
    sc_buf(s, &b, 0);
    env_init(e);
    assert_int_equal(drip_client_start_resume(&e->c, "resp_abc", 7), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_COMPLETED);
    want_request(e, &want, "GET", "/responses/resp_abc?stream=true&starting_after=7", NULL);
    expect_sent(e, 0, &want);
    expect_text(e, "new");
    expect_seqs(e, 8, 9);
    assert_int_equal(res(e)->last_seq, 9);
    free(b.p);
    free(ev.p);
    free(want.p);
    env_free(e);
}

/* The cursor as decimal text, for numbers around every power of ten. */
static void test_start_resume_numbers(void **state)
{
    static const int64_t seqs[] = {-1,          0,           1,           9,
                                   10,          99,          100,         12345,
                                   4294967295LL, 4294967296LL, 999999999999LL, 1000000000000000007LL,
                                   INT64_MAX,   INT64_MAX - 1};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
        env_t *e = env_new(DRIP_API_RESPONSES);
        th_buf_t want = {0};
        char path[128];
        int k;
        sc_add(&e->f, DRIP_OK);
        env_init(e);
        if (seqs[i] < 0) {
            snprintf(path, sizeof path, "/responses/resp_1?stream=true");
        } else {
            snprintf(path, sizeof path, "/responses/resp_1?stream=true&starting_after=%lld",
                     (long long)seqs[i]);
        }
        assert_int_equal(drip_client_start_resume(&e->c, "resp_1", seqs[i]), DRIP_OK);
        for (k = 0; k < 20; k++) {
            assert_int_equal(drip_client_step(&e->c), DRIP_AGAIN);
        }
        want_request(e, &want, "GET", path, NULL);
        expect_sent(e, 0, &want);
        drip_client_cancel_local(&e->c);
        assert_int_equal(drip_client_step(&e->c), DRIP_OK);
        free(want.p);
        env_free(e);
    }
}

static void test_start_cancel(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    th_buf_t b = {0}, want = {0};
    static const char body[] = "{\"id\":\"resp_abc\",\"object\":\"response\",\"status\":\"cancelled\","
                               "\"background\":true,\"output\":[]}";
    (void)state;
    th_buf_fmt(&b, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
               strlen(body), body);
    sc_buf(sc_add(&e->f, DRIP_OK), &b, 0);
    env_init(e);
    assert_int_equal(drip_client_start_server_cancel(&e->c, "resp_abc"), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_COMPLETED);
    assert_string_equal(res(e)->response_status, "cancelled");
    assert_string_equal(res(e)->response_id, "resp_abc");
    {
        char head[1024];
        size_t hlen;
        assert_int_equal(drip_request_head(&e->cfg.endpoint, "POST", "/responses/resp_abc/cancel", 0,
                                           head, sizeof head, &hlen),
                         DRIP_OK);
        th_buf_add(&want, head, hlen);
    }
    expect_sent(e, 0, &want);
    assert_non_null(strstr(e->f.sent[0].p, "POST /v1/responses/resp_abc/cancel HTTP/1.1\r\n"));
    assert_non_null(strstr(e->f.sent[0].p, "\r\nContent-Length: 0\r\n"));
    free(b.p);
    free(want.p);
    env_free(e);
}

static void test_bad_response_ids(void **state)
{
    static const char *const bad[] = {
        "", "resp/../x", "resp abc", "resp\r\nX-Evil: 1", "resp?x=1", "resp&a", "resp%2F", "r\xC3\xA9sp",
        "resp#1", "resp.1", "resp:1", "resp\tx",
        "r12345678901234567890123456789012345678901234567890123456789012345", /* 66 > DRIP_ID_MAX */
    };
    char id64[DRIP_ID_MAX + 1];
    size_t i;
    env_t *e = env_new(DRIP_API_RESPONSES);
    (void)state;
    env_init(e);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (drip_client_start_resume(&e->c, bad[i], 3) != DRIP_ERR_ARG) {
            fail_msg("start_resume accepted id '%s'", bad[i]);
        }
        if (drip_client_start_server_cancel(&e->c, bad[i]) != DRIP_ERR_ARG) {
            fail_msg("start_cancel accepted id '%s'", bad[i]);
        }
    }
    assert_int_equal(drip_client_start_resume(&e->c, NULL, 3), DRIP_ERR_ARG);
    assert_int_equal(drip_client_start_server_cancel(&e->c, NULL), DRIP_ERR_ARG);
    assert_int_equal(drip_client_step(&e->c), DRIP_OK); /* nothing started */
    assert_int_equal(e->f.connect_calls, 0);
    /* the longest id allowed, and every allowed character */
    memset(id64, 'a', DRIP_ID_MAX);
    id64[DRIP_ID_MAX] = '\0';
    assert_int_equal(drip_client_start_server_cancel(&e->c, id64), DRIP_OK);
    drip_client_cancel_local(&e->c);
    assert_int_equal(drip_client_step(&e->c), DRIP_OK);
    assert_int_equal(drip_client_start_resume(&e->c, "resp_AZaz09-_", 1), DRIP_OK);
    env_free(e);
}

/* Header injection through the client: a relay header, the key or the
 * model with CR/LF is refused by drip_client_start with its own code, and
 * nothing is connected or sent. */
static void test_injection_refused(void **state)
{
    static const drip_header_t evil[] = {{"X-A", "b\r\nX-Evil: 1"}};
    static const drip_header_t evil_name[] = {{"X-A\r\nX-Evil", "1"}};
    int k;
    (void)state;
    for (k = 0; k < 4; k++) {
        env_t *e = env_new(DRIP_API_RESPONSES);
        drip_request_t r = req_text("hi");
        drip_err_t want = DRIP_ERR_REQUEST_HEADER;
        if (k == 0) {
            e->cfg.endpoint.headers = evil;
            e->cfg.endpoint.nheaders = 1;
        } else if (k == 1) {
            e->cfg.endpoint.headers = evil_name;
            e->cfg.endpoint.nheaders = 1;
        } else if (k == 2) {
            e->cfg.endpoint.auth_value = "Bearer sk-x\r\nX-Evil: 1";
        } else {
            r.model = "gpt\r\nX-Evil: 1";
            want = DRIP_ERR_REQUEST_MODEL;
        }
        env_init(e);
        assert_int_equal(drip_client_start(&e->c, &r), want);
        assert_int_equal(drip_client_step(&e->c), DRIP_OK); /* nothing started */
        assert_int_equal(e->f.connect_calls, 0);
        expect_sent_empty(e, 0);
        env_free(e);
    }
}

static void test_tx_too_small(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("a question long enough not to fit in 64 bytes with the head");
    char head[1024], body[1024];
    size_t hlen, blen;
    (void)state;
    e->cfg.tx_len = 64;
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_ERR_REQUEST_TOO_LARGE);
    assert_int_equal(drip_client_step(&e->c), DRIP_OK); /* nothing started */
    assert_int_equal(drip_client_start_resume(&e->c, "resp_1", 5), DRIP_ERR_REQUEST_TOO_LARGE);
    assert_int_equal(drip_client_start_server_cancel(&e->c, "resp_1"), DRIP_ERR_REQUEST_TOO_LARGE);
    assert_int_equal(drip_client_step(&e->c), DRIP_OK);
    assert_int_equal(e->f.connect_calls, 0);
    env_free(e);

    /* one byte short of head + body + NUL, then exactly enough */
    e = env_new(DRIP_API_RESPONSES);
    assert_int_equal(drip_request_body(&r, body, sizeof body, &blen), DRIP_OK);
    assert_int_equal(drip_request_head(&e->cfg.endpoint, "POST", "/responses", blen, head,
                                       sizeof head, &hlen),
                     DRIP_OK);
    e->cfg.tx_len = hlen + blen;
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_ERR_REQUEST_TOO_LARGE);
    env_free(e);
    e = env_new(DRIP_API_RESPONSES);
    e->cfg.tx_len = hlen + blen + 1;
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_COMPLETED);
    assert_int_equal(e->f.sent[0].n, hlen + blen);
    env_free(e);
}

static void test_init_and_state_errors(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_client_cfg_t good;
    drip_request_t r = req_text("q");
    (void)state;
    good = e->cfg;
    assert_int_equal(drip_client_init(NULL, &good), DRIP_ERR_ARG);
    assert_int_equal(drip_client_init(&e->c, NULL), DRIP_ERR_ARG);
    e->cfg.transport.connect = NULL;
    assert_int_equal(drip_client_init(&e->c, &e->cfg), DRIP_ERR_ARG);
    e->cfg = good;
    e->cfg.platform.now_ms = NULL;
    assert_int_equal(drip_client_init(&e->c, &e->cfg), DRIP_ERR_ARG);
    e->cfg = good;
    e->cfg.rx_len = 63;
    assert_int_equal(drip_client_init(&e->c, &e->cfg), DRIP_ERR_ARG);
    e->cfg = good;
    e->cfg.tx = NULL;
    assert_int_equal(drip_client_init(&e->c, &e->cfg), DRIP_ERR_ARG);
    e->cfg = good;
    e->cfg.endpoint.host = NULL;
    assert_int_equal(drip_client_init(&e->c, &e->cfg), DRIP_ERR_ARG);
    e->cfg = good;
    sc_add(&e->f, DRIP_OK);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, NULL), DRIP_ERR_ARG);
    r.model = NULL;
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_ERR_ARG);
    r.model = "m";
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_step(&e->c), DRIP_AGAIN);
    /* a call is running */
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_ERR_STATE);
    assert_int_equal(drip_client_start_resume(&e->c, "resp_1", 1), DRIP_ERR_STATE);
    assert_int_equal(drip_client_start_server_cancel(&e->c, "resp_1"), DRIP_ERR_STATE);
    drip_client_cancel_local(&e->c);
    assert_int_equal(drip_client_step(&e->c), DRIP_OK);
    assert_int_equal(drip_client_step(NULL), DRIP_ERR_ARG);
    env_free(e);
}

/* ---- issue 11: safe defaults ------------------------------------------------------- */

/* step() never waits in connect: every connect call gets timeout 0 (poll
 * mode), each step that finds the connect in progress returns DRIP_AGAIN
 * without the clock moving, and the answer follows once it is up. */
static void test_step_connect_poll_mode(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    sconn_t *s;
    int i;
    (void)state;
    s = sc_add(&e->f, DRIP_OK);
    s->connect_again = 25;
    sc_answer(s, NULL);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    for (i = 0; i < 25; i++) {
        uint32_t t0 = e->f.now;
        assert_int_equal(drip_client_step(&e->c), DRIP_AGAIN);
        assert_int_equal(e->f.now, t0); /* nothing waited */
        assert_int_equal(e->f.connect_calls, i + 1);
        assert_int_equal(e->f.pending, 1);
    }
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_COMPLETED);
    expect_text(e, "Hello, world");
    assert_int_equal(e->f.attempts, 1);
    assert_int_equal(e->f.connect_calls, 26);
    assert_int_equal(e->f.connect_timeout_max, 0);
    env_free(e);
}

/* run() polls too (and sleeps between polls), so a cancel is seen during a
 * connect; its connect deadline is the client's clock as well. */
static void test_run_connect_poll_mode(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    sconn_t *s;
    uint32_t t0;
    (void)state;
    e->cfg.connect_timeout_ms = 2000;
    e->cfg.max_retries = 0;
    s = sc_add(&e->f, DRIP_OK);
    s->connect_again = -1;
    env_init(e);
    t0 = e->f.now;
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_FAILED);
    assert_int_equal(res(e)->err, DRIP_ERR_TIMEOUT);
    assert_int_equal(e->f.connect_timeout_max, 0);
    if (e->f.now - t0 < 2000 || e->f.now - t0 > 2010) {
        fail_msg("run: connect timeout after %u ms, want 2000..2010", e->f.now - t0);
    }
    if (e->f.connect_calls > 2000 / 5 + 2) {
        fail_msg("run polled connect %d times in 2 s: it does not sleep between polls",
                 e->f.connect_calls);
    }
    assert_int_equal(e->f.pending_closed, 1);
    env_free(e);
}

/* Zero timeouts are the documented defaults (drip_opts.h). */
static void test_default_connect_timeout(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    sconn_t *s;
    uint32_t t0, el;
    (void)state;
    e->cfg.max_retries = 0;
    e->f.connect_tick = 10;
    s = sc_add(&e->f, DRIP_OK);
    s->connect_again = -1;
    env_init(e);
    t0 = e->f.now;
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    el = e->f.now - t0;
    expect_state(e, DRIP_STATE_FAILED);
    assert_int_equal(res(e)->err, DRIP_ERR_TIMEOUT);
    if (el < DRIP_DEFAULT_CONNECT_TIMEOUT_MS || el > DRIP_DEFAULT_CONNECT_TIMEOUT_MS + 20u) {
        fail_msg("default connect timeout after %u ms, want %u", el, DRIP_DEFAULT_CONNECT_TIMEOUT_MS);
    }
    env_free(e);
}

static void test_default_first_event_timeout(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    sconn_t *s;
    uint32_t t0, el;
    (void)state;
    e->cfg.max_retries = 0;
    e->f.poll_tick = 100;
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&e->rec.text, NULL);
    sc_buf(s, &e->rec.text, 0);
    env_init(e);
    t0 = e->f.now;
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    el = e->f.now - t0;
    expect_state(e, DRIP_STATE_TRUNCATED);
    assert_int_equal(res(e)->err, DRIP_ERR_TIMEOUT);
    if (el < DRIP_DEFAULT_FIRST_EVENT_TIMEOUT_MS || el > DRIP_DEFAULT_FIRST_EVENT_TIMEOUT_MS + 200u) {
        fail_msg("default first-event timeout after %u ms, want %u", el,
                 DRIP_DEFAULT_FIRST_EVENT_TIMEOUT_MS);
    }
    env_free(e);
}

static void test_default_idle_timeout(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    th_buf_t b = {0}, ev = {0};
    sconn_t *s;
    uint32_t t1;
    (void)state;
    e->cfg.max_retries = 0;
    e->f.poll_tick = 100;
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    ev_created(&ev, 0, RESP_ID, "in_progress");
    http_chunk(&b, ev.p);
    sc_buf(s, &b, 0);
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    while (res(e)->events == 0) {
        assert_int_equal(drip_client_step(&e->c), DRIP_AGAIN);
    }
    t1 = e->f.now;
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_TRUNCATED);
    assert_int_equal(res(e)->err, DRIP_ERR_TIMEOUT);
    if (e->f.now - t1 < DRIP_DEFAULT_IDLE_TIMEOUT_MS || e->f.now - t1 > DRIP_DEFAULT_IDLE_TIMEOUT_MS + 200u) {
        fail_msg("default idle timeout after %u ms, want %u", e->f.now - t1, DRIP_DEFAULT_IDLE_TIMEOUT_MS);
    }
    free(b.p);
    free(ev.p);
    env_free(e);
}

/* DRIP_TIMEOUT_NONE: connect, first event and idle never expire; here a
 * total of 400 s (past every default) is what ends the call. */
static void test_timeout_none(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    th_buf_t b = {0}, ev = {0};
    sconn_t *s;
    uint32_t t0;
    (void)state;
    e->cfg.connect_timeout_ms = DRIP_TIMEOUT_NONE;
    e->cfg.first_event_timeout_ms = DRIP_TIMEOUT_NONE;
    e->cfg.idle_timeout_ms = DRIP_TIMEOUT_NONE;
    e->cfg.total_timeout_ms = 400000;
    e->cfg.max_retries = 0;
    e->f.connect_tick = 100;
    e->f.poll_tick = 100;
    s = sc_add(&e->f, DRIP_OK);
    s->connect_again = 150; /* 15 s connecting: past the default 10 s */
    http_head200(&b, NULL);
    sc_buf(s, &b, 0);
    ev_created(&ev, 0, RESP_ID, "in_progress");
    http_chunk(&b, ev.p);
    sc_buf(s, &b, 150000); /* first event 150 s later: past the default 120 s */
    env_init(e);
    t0 = e->f.now;
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK); /* then idle past 60 s until the total */
    expect_state(e, DRIP_STATE_TRUNCATED);
    assert_int_equal(res(e)->err, DRIP_ERR_TIMEOUT);
    assert_int_equal(res(e)->events, 1);
    assert_true(e->f.now - t0 >= 400000u && e->f.now - t0 <= 400200u);
    free(b.p);
    free(ev.p);
    env_free(e);
}

/* The request chooses the API: a client whose stream cfg says Responses
 * decodes a Chat request's answer as Chat, and the other way round. */
static void api_mismatch(drip_api_t cfg_api, drip_api_t req_api)
{
    env_t *e = env_new(cfg_api);
    drip_request_t r = req_text("Hi");
    th_buf_t b = {0};
    sconn_t *s;
    r.api = req_api;
    s = sc_add(&e->f, DRIP_OK);
    if (req_api == DRIP_API_CHAT) {
        http_head200(&b, NULL);
        http_chunk(&b, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                       "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                       "\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n");
        http_chunk(&b, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                       "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"},"
                       "\"finish_reason\":\"stop\"}]}\n\n");
        http_chunk(&b, "data: [DONE]\n\n");
        http_end(&b);
        sc_buf(s, &b, 0);
    } else {
        sc_answer(s, NULL);
    }
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_COMPLETED);
    expect_text(e, req_api == DRIP_API_CHAT ? "Hi there" : "Hello, world");
    assert_int_equal(e->rec.nerr, 0);
    free(b.p);
    env_free(e);
}

static void test_api_from_request(void **state)
{
    (void)state;
    api_mismatch(DRIP_API_RESPONSES, DRIP_API_CHAT);
    api_mismatch(DRIP_API_CHAT, DRIP_API_RESPONSES);
}

/* A cancel made before start is for the next call: it ends CANCELLED at its
 * first step, nothing connected or sent; the flag is then consumed. */
static void test_cancel_before_start(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    (void)state;
    sc_answer(sc_add(&e->f, DRIP_OK), NULL);
    env_init(e);
    drip_client_cancel_local(&e->c);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_step(&e->c), DRIP_OK);
    expect_state(e, DRIP_STATE_CANCELLED);
    assert_int_equal(res(e)->err, DRIP_ERR_CANCELLED);
    assert_int_equal(e->f.connect_calls, 0);
    assert_int_equal(e->f.send_calls, 0);
    /* consumed: the next call runs */
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drive(e), DRIP_OK);
    expect_state(e, DRIP_STATE_COMPLETED);
    expect_text(e, "Hello, world");
    /* run sees it too, and a call that ended normally consumed nothing extra */
    drip_client_disconnect(&e->c);
    drip_client_cancel_local(&e->c);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_CANCELLED);
    assert_int_equal(e->f.attempts, 1);
    env_free(e);
}

/* Automatic resume: the response id comes from the server. One that is not
 * a plain id never reaches a request line: no resume, the drop is final. */
static void auto_resume_bad_id(const char *id)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("long task");
    th_buf_t b = {0}, ev = {0};
    sconn_t *s;
    size_t i;
    r.background = 1;
    r.store = DRIP_FLAG_TRUE;
    e->cfg.max_retries = 0;
    e->cfg.max_resumes = 2;
    s = sc_add(&e->f, DRIP_OK);
    http_head200(&b, NULL);
    ev_created(&ev, 0, id, "queued");
    ev_delta(&ev, 1, "A");
    http_chunk(&b, ev.p);
    sc_buf(s, &b, 0);
    sc_err(s, DRIP_ERR_IO);
    sc_answer(sc_add(&e->f, DRIP_OK), NULL); /* must not be used */
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    (void)drip_client_run(&e->c);
    assert_string_equal(res(e)->response_id, id); /* the server did send it */
    expect_state(e, DRIP_STATE_TRUNCATED);
    assert_int_equal(e->f.attempts, 1);
    for (i = 0; i < MAX_CONNS; i++) {
        if (e->f.sent[i].n > 0 && strstr(e->f.sent[i].p, "GET ") != NULL) {
            fail_msg("id '%s' reached a request: %s", id, e->f.sent[i].p);
        }
    }
    expect_text(e, "A");
    free(b.p);
    free(ev.p);
    env_free(e);
}

static void test_auto_resume_bad_id(void **state)
{
    (void)state;
    auto_resume_bad_id("resp_1/../x?y");
    auto_resume_bad_id("resp_1 HTTP/1.1");
    auto_resume_bad_id("resp_1#x");
}

/* run() without a sleep hook: it cannot wait in backoff or while connecting,
 * so it refuses (FAILED, DRIP_ERR_ARG) instead of spinning; the clock is
 * read a bounded number of times and nothing connects. */
static void test_run_without_sleep(void **state)
{
    env_t *e = env_new(DRIP_API_RESPONSES);
    drip_request_t r = req_text("q");
    sconn_t *s;
    (void)state;
    e->cfg.platform.sleep_ms = NULL;
    s = sc_add(&e->f, DRIP_ERR_CONNECT); /* would retry with backoff */
    s->connect_again = -1;
    env_init(e);
    assert_int_equal(drip_client_start(&e->c, &r), DRIP_OK);
    e->f.now_calls = 0;
    assert_int_equal(drip_client_run(&e->c), DRIP_STATE_FAILED);
    assert_int_equal(res(e)->err, DRIP_ERR_ARG);
    if (e->f.now_calls > 4) {
        fail_msg("run without sleep read the clock %d times", e->f.now_calls);
    }
    assert_int_equal(e->f.connect_calls, 0);
    env_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_answer_step),
        cmocka_unit_test(test_plain_answer_run),
        cmocka_unit_test(test_plain_answer_chat),
        cmocka_unit_test(test_retry_connect_error),
        cmocka_unit_test(test_retry_500_then_200),
        cmocka_unit_test(test_retry_after_ms),
        cmocka_unit_test(test_retry_after_ms_step),
        cmocka_unit_test(test_retry_after_seconds),
        cmocka_unit_test(test_retry_after_out_of_range),
        cmocka_unit_test(test_backoff_bounds),
        cmocka_unit_test(test_quota_not_retried),
        cmocka_unit_test(test_4xx_not_retried),
        cmocka_unit_test(test_retried_statuses),
        cmocka_unit_test(test_x_should_retry),
        cmocka_unit_test(test_max_retries),
        cmocka_unit_test(test_no_retry_after_event),
        cmocka_unit_test(test_tls_verify_not_retried),
        cmocka_unit_test(test_retry_drop_before_head),
        cmocka_unit_test(test_completed_then_drop),
        cmocka_unit_test(test_transport_error_after_successful_retry),
        cmocka_unit_test(test_connect_timeout),
        cmocka_unit_test(test_connect_timeout_closes_and_retries),
        cmocka_unit_test(test_first_event_timeout),
        cmocka_unit_test(test_first_event_timeout_no_head),
        cmocka_unit_test(test_first_event_timeout_comments),
        cmocka_unit_test(test_idle_timeout_comments_with_gaps),
        cmocka_unit_test(test_idle_timeout_comments_back_to_back),
        cmocka_unit_test(test_idle_reset_by_events),
        cmocka_unit_test(test_total_timeout_across_retries),
        cmocka_unit_test(test_total_timeout_while_streaming),
        cmocka_unit_test(test_cancel_between_steps),
        cmocka_unit_test(test_cancel_in_backoff),
        cmocka_unit_test(test_cancel_during_connect),
        cmocka_unit_test(test_cancel_by_handler),
        cmocka_unit_test(test_cancel_during_run),
        cmocka_unit_test(test_keep_alive_two_requests),
        cmocka_unit_test(test_stale_keep_alive_eof),
        cmocka_unit_test(test_stale_keep_alive_error),
        cmocka_unit_test(test_stale_keep_alive_send_fails),
        cmocka_unit_test(test_stale_reopened_once),
        cmocka_unit_test(test_connection_close),
        cmocka_unit_test(test_keep_alive_after_http_error),
        cmocka_unit_test(test_background_resume_after_error),
        cmocka_unit_test(test_background_resume_after_eof),
        cmocka_unit_test(test_background_resume_twice),
        cmocka_unit_test(test_no_resume),
        cmocka_unit_test(test_max_resumes),
        cmocka_unit_test(test_start_resume),
        cmocka_unit_test(test_start_resume_numbers),
        cmocka_unit_test(test_start_cancel),
        cmocka_unit_test(test_bad_response_ids),
        cmocka_unit_test(test_injection_refused),
        cmocka_unit_test(test_tx_too_small),
        cmocka_unit_test(test_init_and_state_errors),
        cmocka_unit_test(test_step_connect_poll_mode),
        cmocka_unit_test(test_run_connect_poll_mode),
        cmocka_unit_test(test_default_connect_timeout),
        cmocka_unit_test(test_default_first_event_timeout),
        cmocka_unit_test(test_default_idle_timeout),
        cmocka_unit_test(test_timeout_none),
        cmocka_unit_test(test_api_from_request),
        cmocka_unit_test(test_cancel_before_start),
        cmocka_unit_test(test_auto_resume_bad_id),
        cmocka_unit_test(test_run_without_sleep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
