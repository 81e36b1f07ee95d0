/* SPDX-License-Identifier: Apache-2.0 */
/* Split invariance: the same HTTP response decoded with any split of its
 * bytes (and with a 512- or 4096-byte data buffer) gives an identical
 * recording of every callback and of the final result. Inputs: every
 * tests/captures/ NAME.http and every shared transcript wrapped in chunked HTTP. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"
#include "dripfeed/dripfeed.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- growable byte buffer ------------------------------------------------- */

/* A view, length-prefixed so that any bytes can follow: "<n>:bytes" or "-". */
static void buf_view(th_buf_t *b, drip_str_t v)
{
    if (v.p == NULL) {
        th_buf_str(b, " -");
        return;
    }
    th_buf_fmt(b, " %zu:", v.n);
    th_buf_add(b, v.p, v.n);
}

static void buf_bytes(th_buf_t *b, const char *p, size_t n)
{
    drip_str_t v;
    v.p = p != NULL ? p : "";
    v.n = n;
    buf_view(b, v);
}

/* ---- the recording --------------------------------------------------------- */

/* Everything the handlers see that does not depend on how the event was
 * decoded (token path or oversize scanner): a *.done event's full `text`
 * and on_call_done's `arguments` are present only on the token path
 * (drip_event.h), so they are not recorded. */
static th_buf_t g_rec;
/* What the answer says, whatever the pieces: text, refusal, reasoning and call
 * arguments, consecutive pieces of one kind merged; and whether an oversize
 * delta went out in pieces (its callbacks then depend on the buffer size). */
static th_buf_t g_said;
static char g_said_kind;
static int g_pieces;

static void said(char kind, int index, const char *p, size_t n)
{
    if (kind != g_said_kind) {
        th_buf_fmt(&g_said, "\n%c%d:", kind, index);
        g_said_kind = kind;
    }
    th_buf_add(&g_said, p != NULL ? p : "", n);
}

static void rec_usage(const drip_usage_t *u)
{
    th_buf_fmt(&g_rec, " usage %lld/%lld/%lld/%lld/%lld", (long long)u->input_tokens,
            (long long)u->output_tokens, (long long)u->total_tokens, (long long)u->reasoning_tokens,
            (long long)u->cached_tokens);
}

static void rec_api(const drip_api_error_t *a)
{
    th_buf_fmt(&g_rec, " api %d", a->status);
    buf_view(&g_rec, a->type);
    buf_view(&g_rec, a->code);
    buf_view(&g_rec, a->message);
    buf_view(&g_rec, a->param);
}

static drip_err_t r_head(void *u, const drip_http_head_t *h)
{
    (void)u;
    th_buf_fmt(&g_rec, "HEAD %d chunked=%d ctype=%s reqid=%s\n", h->status, h->chunked,
            h->content_type, h->request_id);
    return DRIP_OK;
}

static drip_err_t r_event(void *u, const drip_event_t *ev)
{
    (void)u;
    g_pieces |= ev->pieces;
    th_buf_fmt(&g_rec, "EV %d", (int)ev->type);
    buf_view(&g_rec, ev->type_name);
    th_buf_fmt(&g_rec, " seq=%lld idx=%d/%d/%d", (long long)ev->seq, ev->output_index,
            ev->content_index, ev->summary_index);
    buf_view(&g_rec, ev->item_id);
    buf_view(&g_rec, ev->delta);
    buf_view(&g_rec, ev->call_id);
    buf_view(&g_rec, ev->name);
    buf_view(&g_rec, ev->response_id);
    buf_view(&g_rec, ev->status);
    buf_view(&g_rec, ev->incomplete_reason);
    if (ev->type == DRIP_EV_OUTPUT_ITEM_ADDED || ev->type == DRIP_EV_OUTPUT_ITEM_DONE) {
        buf_view(&g_rec, ev->item_type);
    }
    if (ev->has_usage) {
        rec_usage(&ev->usage);
    }
    if (ev->has_error) {
        rec_api(&ev->error);
    }
    if (ev->type == DRIP_EV_CHAT_CHUNK) {
        buf_view(&g_rec, ev->refusal);
        buf_view(&g_rec, ev->finish_reason);
    }
    th_buf_str(&g_rec, "\n");
    return DRIP_OK;
}

static drip_err_t r_text(void *u, const drip_event_t *ev, const char *p, size_t n)
{
    (void)u;
    said('T', ev->choice, p, n);
    th_buf_fmt(&g_rec, "TEXT %d seq=%lld", ev->choice, (long long)ev->seq);
    buf_bytes(&g_rec, p, n);
    th_buf_str(&g_rec, "\n");
    return DRIP_OK;
}

static drip_err_t r_refusal(void *u, const drip_event_t *ev, const char *p, size_t n)
{
    (void)u;
    said('R', ev->choice, p, n);
    th_buf_fmt(&g_rec, "REFUSAL %d", ev->choice);
    buf_bytes(&g_rec, p, n);
    th_buf_str(&g_rec, "\n");
    return DRIP_OK;
}

static drip_err_t r_reasoning(void *u, const drip_event_t *ev, const char *p, size_t n)
{
    (void)u;
    said('Z', ev->summary_index, p, n);
    th_buf_fmt(&g_rec, "REASONING %d", ev->summary_index);
    buf_bytes(&g_rec, p, n);
    th_buf_str(&g_rec, "\n");
    return DRIP_OK;
}

static void rec_call(const char *what, const drip_call_t *c)
{
    th_buf_fmt(&g_rec, "%s %d/%d", what, c->choice, c->index);
    buf_view(&g_rec, c->call_id);
    buf_view(&g_rec, c->name);
    buf_view(&g_rec, c->item_id);
}

static drip_err_t r_call_delta(void *u, const drip_call_t *c, const char *p, size_t n)
{
    (void)u;
    said('C', c->index, p, n);
    rec_call("CALL", c);
    buf_bytes(&g_rec, p, n);
    th_buf_str(&g_rec, "\n");
    return DRIP_OK;
}

static drip_err_t r_call_done(void *u, const drip_call_t *c)
{
    (void)u;
    rec_call("CALLDONE", c);
    th_buf_str(&g_rec, "\n");
    return DRIP_OK;
}

static void r_error(void *u, const drip_error_t *e)
{
    (void)u;
    th_buf_fmt(&g_rec, "ERROR %d", (int)e->code);
    rec_api(&e->api);
    th_buf_fmt(&g_rec, " reqid=%s detail=%s\n", e->request_id ? e->request_id : "(null)",
            e->detail ? e->detail : "(null)");
}

static drip_err_t r_approval(void *u, const drip_approval_t *a)
{
    (void)u;
    th_buf_fmt(&g_rec, "APPROVAL %.*s %.*s %.*s %.*s\n", (int)a->id.n, a->id.p ? a->id.p : "",
               (int)a->server_label.n, a->server_label.p ? a->server_label.p : "", (int)a->name.n,
               a->name.p ? a->name.p : "", (int)a->arguments.n, a->arguments.p ? a->arguments.p : "");
    return DRIP_OK;
}

static const drip_handlers_t k_handlers = {r_head,      r_event,      r_text,      r_refusal,
                                           r_reasoning, r_call_delta, r_call_done, r_error,
                                           r_approval,  NULL};

static void rec_result(const drip_stream_t *st, int final_rc)
{
    const drip_result_t *r = &st->result;
    th_buf_fmt(&g_rec, "RESULT state=%s http=%d err=%d last_seq=%lld rc=%d", drip_state_name(r->state),
            r->http_status, (int)r->err, (long long)r->last_seq, final_rc);
    th_buf_fmt(&g_rec, " id=%s has_usage=%d", r->response_id, r->has_usage);
    if (r->has_usage) {
        rec_usage(&r->usage);
    }
    th_buf_fmt(&g_rec, " reason=%s has_error=%d", r->incomplete_reason, r->has_error);
    if (r->has_error) {
        th_buf_fmt(&g_rec, " status=%d has=%u cut=%u type=%s code=%s param=%s", r->error_status,
                r->error_has, r->message_cut, r->error_type, r->error_code, r->error_param);
        th_buf_str(&g_rec, " message=");
        th_buf_str(&g_rec, r->error_message);
    }
    th_buf_str(&g_rec, "\n");
}

/* ---- decoding ----------------------------------------------------------------- */

static drip_stream_t g_st;
static uint8_t g_data[4096];
static jsmntok_t g_tok[64];
static drip_call_slot_t g_calls[4];

static void start(drip_api_t api, size_t buf_len)
{
    drip_stream_cfg_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.api = api;
    cfg.buf = g_data;
    cfg.buf_len = buf_len;
    cfg.tok = g_tok;
    cfg.ntok = 64;
    cfg.calls = g_calls;
    cfg.ncalls = 4;
    cfg.handlers = &k_handlers;
    cfg.user = NULL;
    assert_int_equal(drip_stream_init(&g_st, &cfg), DRIP_OK);
    g_rec.n = 0;
    th_buf_add(&g_rec, "", 0);
    g_said.n = 0;
    th_buf_add(&g_said, "", 0);
    g_said_kind = 0;
    g_pieces = 0;
}

static void end(void)
{
    int rc;
    (void)drip_stream_finish(&g_st);
    rc = drip_stream_feed(&g_st, NULL, 0); /* the sticky outcome */
    rec_result(&g_st, rc);
}

/* Feed with a fixed piece size, or pseudo-random sizes (piece 0, seed). */
static void decode(drip_api_t api, size_t buf_len, const unsigned char *p, size_t len,
                   size_t piece, uint32_t seed)
{
    size_t off = 0;
    int rc = DRIP_OK;
    uint32_t rs = seed;
    start(api, buf_len);
    while (off < len && rc == DRIP_OK) {
        size_t k = piece;
        if (k == 0) {
            uint32_t r = th_rand(&rs) % 8u;
            k = r < 4 ? 1 + th_rand(&rs) % 16u : (r < 7 ? 1 + th_rand(&rs) % 700u
                                                        : 1 + th_rand(&rs) % 20000u);
        }
        if (k > len - off) {
            k = len - off;
        }
        rc = drip_stream_feed(&g_st, p + off, k);
        off += k;
    }
    end();
}

/* First k bytes, then the rest. */
static void decode_at(drip_api_t api, size_t buf_len, const unsigned char *p, size_t len,
                      size_t k)
{
    int rc;
    start(api, buf_len);
    rc = drip_stream_feed(&g_st, p, k);
    if (rc == DRIP_OK) {
        (void)drip_stream_feed(&g_st, p + k, len - k);
    }
    end();
}

/* Report the first difference of two recordings. */
static void same(const th_buf_t *ref, const char *what, const char *name)
{
    size_t i = 0, line = 1, ls = 0;
    if (ref->n == g_rec.n && memcmp(ref->p, g_rec.p, ref->n) == 0) {
        return;
    }
    while (i < ref->n && i < g_rec.n && ref->p[i] == g_rec.p[i]) {
        if (ref->p[i] == '\n') {
            line++;
            ls = i + 1;
        }
        i++;
    }
    {
        size_t re = ls, ge = ls;
        while (re < ref->n && ref->p[re] != '\n') {
            re++;
        }
        while (ge < g_rec.n && g_rec.p[ge] != '\n') {
            ge++;
        }
        fail_msg("%s, %s: recording differs from the reference at line %zu:\n"
                 "    want: %.*s\n    got:  %.*s",
                 name, what, line, (int)(re - ls > 400 ? 400 : re - ls), ref->p + ls,
                 (int)(ge - ls > 400 ? 400 : ge - ls), g_rec.p + ls);
    }
}

static void copy_rec(th_buf_t *dst)
{
    dst->n = 0;
    th_buf_add(dst, g_rec.p, g_rec.n);
}

/* ---- inputs ------------------------------------------------------------------------ */

static drip_api_t api_of(const char *name)
{
    return strncmp(name, "chat-", 5) == 0 ? DRIP_API_CHAT : DRIP_API_RESPONSES;
}

/* A transcript (SSE body) in a simple chunked HTTP response. */
static unsigned char *wrapped(const char *name, size_t *len)
{
    size_t blen = 0, off = 0;
    unsigned char *body = th_transcript(name, &blen);
    th_buf_t http = {0};
    uint32_t rs = (uint32_t)blen;
    assert_non_null(body);
    th_buf_str(&http, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                   "Transfer-Encoding: chunked\r\nx-request-id: req_wrapped\r\n\r\n");
    while (off < blen) {
        size_t k = 1 + th_rand(&rs) % 600u;
        if (k > blen - off) {
            k = blen - off;
        }
        th_buf_fmt(&http, "%zx\r\n", k);
        th_buf_add(&http, body + off, k);
        th_buf_str(&http, "\r\n");
        off += k;
    }
    th_buf_str(&http, "0\r\n\r\n");
    free(body);
    *len = http.n;
    return (unsigned char *)http.p;
}

/* ---- the tests ---------------------------------------------------------------------- */

static const size_t k_feeds[] = {1, 2, 3, 7, 64, 4096};
static const size_t k_bufs[] = {4096, 512};

/* The last line of the recording: the final result. */
static const char *last_line(const th_buf_t *b, size_t *n)
{
    size_t e = b->n, i;
    while (e > 0 && b->p[e - 1] == '\n') {
        e--;
    }
    for (i = e; i > 0 && b->p[i - 1] != '\n'; i--) {
    }
    *n = e - i;
    return b->p + i;
}

/* All feed sizes and 5 random splits, both data buffers. Each buffer against
 * its own reference (whole input), byte for byte; and the two buffers against
 * each other: the same recording, unless an oversize delta went out in
 * pieces with the small buffer (drip_event_set_pieces), when what the answer
 * said and the final result must still be the same. */
static void all_splits(const char *name, const unsigned char *p, size_t len, drip_api_t api)
{
    th_buf_t ref = {0}, ref_said = {0}, big = {0}, big_said = {0};
    size_t b, f;
    uint32_t s;
    char what[96];
    for (b = 0; b < sizeof k_bufs / sizeof k_bufs[0]; b++) {
        decode(api, k_bufs[b], p, len, len, 0);
        copy_rec(&ref);
        ref_said.n = 0;
        th_buf_add(&ref_said, g_said.p, g_said.n);
        assert_true(ref.n > 0);
        if (b == 0) {
            copy_rec(&big);
            th_buf_add(&big_said, g_said.p, g_said.n);
        } else if (!g_pieces) {
            snprintf(what, sizeof what, "buffer %zu vs %zu", k_bufs[b], k_bufs[0]);
            same(&big, what, name);
        } else {
            size_t n1, n2;
            const char *l1 = last_line(&big, &n1), *l2 = last_line(&ref, &n2);
            if (big_said.n != ref_said.n || memcmp(big_said.p, ref_said.p, big_said.n) != 0) {
                fail_msg("%s: what the answer said differs between buffers %zu and %zu", name,
                         k_bufs[0], k_bufs[b]);
            }
            if (n1 != n2 || memcmp(l1, l2, n1) != 0) {
                fail_msg("%s: results differ between buffers:\n    %.*s\n    %.*s", name, (int)n1,
                         l1, (int)n2, l2);
            }
        }
        for (f = 0; f < sizeof k_feeds / sizeof k_feeds[0]; f++) {
            decode(api, k_bufs[b], p, len, k_feeds[f], 0);
            snprintf(what, sizeof what, "buffer %zu, feed %zu", k_bufs[b], k_feeds[f]);
            same(&ref, what, name);
        }
        for (s = 1; s <= 5; s++) {
            decode(api, k_bufs[b], p, len, 0, s * 2654435761u);
            snprintf(what, sizeof what, "buffer %zu, random split seed %u", k_bufs[b], s);
            same(&ref, what, name);
        }
    }
    free(ref.p);
    free(ref_said.p);
    free(big.p);
    free(big_said.p);
}

static void test_captures_all_splits(void **state)
{
    static th_name_t names[256];
    size_t n = th_list_dir(DRIP_TEST_CAPTURES, ".http", names, 256), i;
    (void)state;
    assert_true(n >= 20);
    for (i = 0; i < n; i++) {
        size_t len = 0;
        unsigned char *raw = th_capture(names[i].name, &len);
        assert_non_null(raw);
        all_splits(names[i].name, raw, len, api_of(names[i].name));
        free(raw);
    }
    print_message("  %zu captures x 2 buffers x (6 feed sizes + 5 random splits): identical\n", n);
}

static void test_transcripts_all_splits(void **state)
{
    static th_name_t names[64];
    size_t n = th_list_dir(DRIP_TEST_TRANSCRIPTS, ".sse", names, 64), i;
    (void)state;
    assert_true(n >= 16);
    for (i = 0; i < n; i++) {
        size_t len = 0;
        unsigned char *raw = wrapped(names[i].name, &len);
        all_splits(names[i].name, raw, len, api_of(names[i].name));
        /* sanity: a wrapped real transcript decodes to a final state */
        decode(api_of(names[i].name), 4096, raw, len, 4096, 0);
        if (g_st.result.state != DRIP_STATE_COMPLETED && g_st.result.state != DRIP_STATE_FAILED &&
            g_st.result.state != DRIP_STATE_INCOMPLETE) {
            fail_msg("%s wrapped: state %s", names[i].name, drip_state_name(g_st.result.state));
        }
        free(raw);
    }
    print_message("  %zu transcripts (wrapped) x 2 buffers x (6 feed sizes + 5 random splits): "
                  "identical\n",
                  n);
}

/* Every single split point k (first k bytes, then the rest), buffers 512 and 4096. */
static void every_split(const char *name, const unsigned char *p, size_t len, drip_api_t api)
{
    th_buf_t ref = {0};
    size_t b, k;
    char what[96];
    decode(api, 4096, p, len, len, 0);
    copy_rec(&ref);
    for (b = 0; b < sizeof k_bufs / sizeof k_bufs[0]; b++) {
        for (k = 0; k <= len; k++) {
            decode_at(api, k_bufs[b], p, len, k);
            if (ref.n != g_rec.n || memcmp(ref.p, g_rec.p, ref.n) != 0) {
                snprintf(what, sizeof what, "buffer %zu, split at byte %zu of %zu", k_bufs[b], k,
                         len);
                same(&ref, what, name);
            }
        }
    }
    print_message("  %-40s %6zu split points x 2 buffers: identical\n", name, len + 1);
    free(ref.p);
}

static void test_every_split_point(void **state)
{
    size_t len = 0;
    unsigned char *raw;
    (void)state;
    raw = th_capture("responses-text-gpt52.http", &len);
    assert_non_null(raw);
    every_split("responses-text-gpt52.http", raw, len, DRIP_API_RESPONSES);
    free(raw);
    raw = wrapped("responses-text-gpt52.sse", &len);
    every_split("responses-text-gpt52.sse (wrapped)", raw, len, DRIP_API_RESPONSES);
    free(raw);
    raw = wrapped("chat-tool-call.sse", &len);
    every_split("chat-tool-call.sse (wrapped)", raw, len, DRIP_API_CHAT);
    free(raw);
    raw = th_capture("chat-tool-call.http", &len);
    assert_non_null(raw);
    every_split("chat-tool-call.http", raw, len, DRIP_API_CHAT);
    free(raw);
}

/* An HTTP response (chunked) around an SSE body. */
static unsigned char *http_of(const char *sse, size_t *len)
{
    th_buf_t http = {0};
    th_buf_str(&http, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n");
    th_buf_fmt(&http, "%zx\r\n", strlen(sse));
    th_buf_str(&http, sse);
    th_buf_str(&http, "\r\n0\r\n\r\n");
    *len = http.n;
    return (unsigned char *)http.p;
}

/* Chat: the decoder hands each chunk's choices on in parts (drip_event_set_chat)
 * and the stream delivers them in chunk order, on_event first: each choice's
 * text, refusal and call fragments, then its finish_reason's calls done in
 * tool_calls index order, before the next choice; the same at every feed
 * size and buffer. A chunk that fails delivers nothing of it. */
static void test_chat_choices_in_order(void **state)
{
    static const char sse[] =
        "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\",\"tool_calls\":["
        "{\"index\":1,\"id\":\"call_b\",\"function\":{\"name\":\"fb\",\"arguments\":\"\"}},"
        "{\"index\":0,\"id\":\"call_a\",\"function\":{\"name\":\"fa\",\"arguments\":\"{\"}}]}},"
        "{\"index\":1,\"delta\":{\"content\":\"Yo\"}}]}\n\n"
        "data: {\"id\":\"c1\",\"choices\":[{\"index\":1,\"delta\":{\"refusal\":\"no\"},"
        "\"finish_reason\":\"content_filter\"},{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
        "\"function\":{\"arguments\":\"}\"}},{\"index\":1,\"function\":{\"arguments\":\"{}\"}}]},"
        "\"finish_reason\":\"tool_calls\"}]}\n\n"
        "data: [DONE]\n\n";
    static const char bad[] =
        "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"}}]}\n\n"
        "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}},{\"index\":1,"
        "\"delta\":{\"tool_calls\":[{\"index\":\"bad\"}]}}]}\n\n"
        "data: [DONE]\n\n";
    size_t len = 0;
    unsigned char *raw = http_of(sse, &len);
    const char *a, *b;
    (void)state;
    all_splits("chat: two choices with calls", raw, len, DRIP_API_CHAT);
    decode(DRIP_API_CHAT, 4096, raw, len, 1, 0);
    a = strstr(g_rec.p, "EV 59 21:chat.completion.chunk");
    assert_non_null(a);
    b = strstr(a, "\nTEXT 0 seq=-1 2:Hi\n"
                  "CALL 0/1 6:call_b 2:fb - 0:\n"
                  "CALL 0/0 6:call_a 2:fa - 1:{\n"
                  "TEXT 1 seq=-1 2:Yo\n"
                  "EV 59 21:chat.completion.chunk");
    if (b == NULL) {
        fail_msg("recording:\n%s", g_rec.p);
    }
    b = strstr(b + 1, "\nREFUSAL 1 2:no\n"
                      "CALL 0/0 6:call_a 2:fa - 1:}\n"
                      "CALL 0/1 6:call_b 2:fb - 2:{}\n"
                      "CALLDONE 0/0 6:call_a 2:fa -\n"
                      "CALLDONE 0/1 6:call_b 2:fb -\n"
                      "RESULT state=incomplete");
    if (b == NULL) {
        fail_msg("recording:\n%s", g_rec.p);
    }
    assert_non_null(strstr(b, " reason=content_filter "));
    free(raw);

    raw = http_of(bad, &len);
    all_splits("chat: a chunk that fails", raw, len, DRIP_API_CHAT);
    decode(DRIP_API_CHAT, 4096, raw, len, 4096, 0);
    assert_non_null(strstr(g_rec.p, "TEXT 0 seq=-1 1:A\n"));
    assert_null(strstr(g_rec.p, "1:x\n"));
    assert_non_null(strstr(g_rec.p, "RESULT state=protocol_error"));
    free(raw);
}

/* The recording is not trivially equal: it holds what the summary needs. */
static void test_recording_content(void **state)
{
    size_t len = 0;
    unsigned char *raw = wrapped("chat-tool-call.sse", &len);
    (void)state;
    decode(DRIP_API_CHAT, 512, raw, len, 1, 0);
    if (strstr(g_rec.p, "CALLDONE 0/0 29:call_4XzlGBLtUe9dy3GVNV4jhq7h 11:get_weather") == NULL) {
        fail_msg("recording:\n%s", g_rec.p);
    }
    assert_non_null(strstr(g_rec.p, "RESULT state=completed http=200"));
    assert_non_null(strstr(g_rec.p, "usage 44/16/60/0/0"));
    free(raw);
    raw = th_capture("responses-text-gpt52.http", &len);
    assert_non_null(raw);
    decode(DRIP_API_RESPONSES, 512, raw, len, 3, 0);
    assert_non_null(strstr(g_rec.p, "TEXT -1 seq=9 1:4\n"));
    assert_non_null(strstr(g_rec.p, "RESULT state=completed http=200 err=0 last_seq=13"));
    free(raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recording_content),
        cmocka_unit_test(test_chat_choices_in_order),
        cmocka_unit_test(test_captures_all_splits),
        cmocka_unit_test(test_transcripts_all_splits),
        cmocka_unit_test(test_every_split_point),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(g_rec.p);
    return rc;
}
