/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_pipeline: a whole answer through drip_stream (HTTP -> SSE -> events
 * -> handlers) from arbitrary response bytes.
 *
 * Input: [config][split mode][split param][tokens/calls][cancel] then the
 * raw HTTP response. The config byte picks the API, the SSE buffer size
 * (64..4096 bytes: small ones send most events through the oversize
 * scanner) and, one time in four, a JSON body instead of an event stream,
 * one time in four speech (DRIP_API_SPEECH: events or a raw audio body);
 * the cancel byte may make the n-th handler call stop the stream (on_audio
 * calls of a raw speech body do not count: they follow the input's split).
 *
 * The response is fed twice, at once and in the pieces the split bytes
 * choose; both runs must make the same handler calls with the same
 * arguments (a log of every call) and end with the same drip_result_t and
 * the same feed and finish results. Also checked:
 *   - the SSE buffer, token array and call table have guard bytes after
 *     them, checked after every feed;
 *   - a feed result is DRIP_OK, DRIP_STREAM_END or an error, and after END
 *     or an error every later feed returns the same;
 *   - drip_stream_finish() settles the state (never PENDING or STREAMING)
 *     and says the same when called again;
 *   - a stream without a terminal event never ends COMPLETED (or
 *     INCOMPLETE): a reference pass over the same bytes (drip_http, drip_sse
 *     with a buffer the size of the input, drip_event_decode with ample
 *     tokens; no glue) must find response.completed (.incomplete) for
 *     Responses, `[DONE]` for Chat; a JSON body must have had a 2xx status;
 *   - every text view a handler gets lies in the SSE buffer, the stream
 *     object, the call table or the input, and result strings are
 *     NUL-terminated in their arrays;
 *   - last_seq is the highest sequence_number of the events handed to
 *     on_event, or -1.
 */
#include <dripfeed/drip_stream.h>

#include "fuzz_common.h"

#include <strings.h>

#define CTRL 5u
#define MAX_CALLS 4u

static const size_t k_bufs[8] = {64, 65, 80, 128, 200, 512, 1024, 4096};

typedef struct run {
    fz_log_t log;
    const drip_stream_t *st;
    const uint8_t *buf, *data, *calls, *tok; /* tok: a JSON body's captures may be there */
    size_t buf_len, n, calls_len, tok_len;
    unsigned calls_made, cancel_at;
    int64_t max_seq;
    int pieces_seen;        /* an event went out in pieces (drip_event_set_pieces) */
    unsigned events_seen;
    uint64_t audio_n;       /* speech: bytes to on_audio and their FNV-1a (a raw body's */
    uint32_t audio_fnv;     /* calls follow the input's split: only the sum is compared) */
    drip_api_t api;
    int json_body;          /* the run's cfg.json_body */
    int raw_body;           /* speech, 2xx, not an event stream: on_audio follows the split */
} run_t;

/* ---- handlers: log every call, check every view -------------------------- */

static int in_known_memory(const run_t *r, const char *p, size_t n)
{
    return fz_inside(p, n, r->buf, r->buf_len) || fz_inside(p, n, r->st, sizeof *r->st) ||
           fz_inside(p, n, r->calls, r->calls_len) || fz_inside(p, n, r->data, r->n) ||
           fz_inside(p, n, r->tok, r->tok_len);
}

static void log_str(run_t *r, const char *name, drip_str_t s)
{
    if (s.p == NULL) {
        FZ_CHECK(s.n == 0, "%s: absent with length %zu", name, s.n);
        return;
    }
    FZ_CHECK(s.n == 0 || in_known_memory(r, s.p, s.n) || s.n <= 21,
             "%s: view [%p,+%zu) outside every known buffer", name, (const void *)s.p, s.n);
    fz_logf(&r->log, " %s=", name);
    fz_log_bytes(&r->log, s.p, s.n);
}

static drip_err_t next_call(run_t *r)
{
    r->calls_made++;
    return (r->cancel_at != 0 && r->calls_made == r->cancel_at) ? DRIP_ERR_CANCELLED : DRIP_OK;
}

/* The media type is text/event-stream (any case), then the end, ';' or
 * white space: "text/event-streamx" is another type (as drip_stream.c reads
 * it; a prefix test here took such a speech body for events). */
static int is_sse_type(const char *ct)
{
    char c;
    if (strncasecmp(ct, "text/event-stream", 17) != 0) {
        return 0;
    }
    c = ct[17];
    return c == '\0' || c == ';' || c == ' ' || c == '\t';
}

static drip_err_t h_head(void *u, const drip_http_head_t *hd)
{
    run_t *r = (run_t *)u;
    /* the library's rule (drip_stream.c): such a body is the audio itself */
    r->raw_body = r->api == DRIP_API_SPEECH && !r->json_body && hd->status >= 200 &&
                  hd->status <= 299 && !is_sse_type(hd->content_type);
    fz_logf(&r->log, "HEAD %d chunked=%u ctype=", hd->status, hd->chunked);
    fz_log_bytes(&r->log, hd->content_type, strlen(hd->content_type));
    fz_logf(&r->log, "\n");
    return next_call(r);
}

static drip_err_t h_event(void *u, const drip_event_t *ev)
{
    run_t *r = (run_t *)u;
    r->pieces_seen |= ev->pieces;
    fz_logf(&r->log, "EVENT type=%d seq=%lld oi=%d ci=%d si=%d over=%d usage=%d", ev->type,
            (long long)ev->seq, ev->output_index, ev->content_index, ev->summary_index,
            ev->oversize, ev->has_usage);
    log_str(r, "name", ev->type_name);
    log_str(r, "item", ev->item_id);
    log_str(r, "delta", ev->delta);
    log_str(r, "text", ev->text);
    log_str(r, "call", ev->call_id);
    log_str(r, "fn", ev->name);
    log_str(r, "resp", ev->response_id);
    log_str(r, "status", ev->status);
    log_str(r, "reason", ev->incomplete_reason);
    log_str(r, "emsg", ev->error.message);
    log_str(r, "finish", ev->finish_reason);
    if (ev->has_usage) {
        fz_logf(&r->log, " in=%lld out=%lld", (long long)ev->usage.input_tokens,
                (long long)ev->usage.output_tokens);
    }
    fz_logf(&r->log, "\n");
    FZ_CHECK(ev->seq >= -1, "seq %lld", (long long)ev->seq);
    if (ev->seq > r->max_seq) {
        r->max_seq = ev->seq;
    }
    r->events_seen++;
    return next_call(r);
}

static drip_err_t h_text_(run_t *r, const char *what, const drip_event_t *ev, const char *p,
                          size_t n)
{
    fz_logf(&r->log, "%s choice=%d", what, ev->choice);
    log_str(r, "bytes", (drip_str_t){p, n});
    fz_logf(&r->log, "\n");
    FZ_CHECK(p != NULL || n == 0, "%s: NULL with length %zu", what, n);
    return next_call(r);
}

static drip_err_t h_text(void *u, const drip_event_t *ev, const char *p, size_t n)
{
    return h_text_((run_t *)u, "TEXT", ev, p, n);
}

static drip_err_t h_refusal(void *u, const drip_event_t *ev, const char *p, size_t n)
{
    return h_text_((run_t *)u, "REFUSAL", ev, p, n);
}

static drip_err_t h_reasoning(void *u, const drip_event_t *ev, const char *p, size_t n)
{
    return h_text_((run_t *)u, "REASONING", ev, p, n);
}

static void log_call(run_t *r, const char *what, const drip_call_t *c)
{
    fz_logf(&r->log, "%s index=%d choice=%d", what, c->index, c->choice);
    log_str(r, "call", c->call_id);
    log_str(r, "fn", c->name);
    log_str(r, "item", c->item_id);
    log_str(r, "args", c->arguments);
}

static drip_err_t h_call_delta(void *u, const drip_call_t *c, const char *p, size_t n)
{
    run_t *r = (run_t *)u;
    log_call(r, "CALL_DELTA", c);
    log_str(r, "piece", (drip_str_t){p, n});
    fz_logf(&r->log, "\n");
    return next_call(r);
}

static drip_err_t h_call_done(void *u, const drip_call_t *c)
{
    run_t *r = (run_t *)u;
    log_call(r, "CALL_DONE", c);
    fz_logf(&r->log, "\n");
    return next_call(r);
}

static void h_error(void *u, const drip_error_t *e)
{
    run_t *r = (run_t *)u;
    FZ_CHECK(e->code < 0, "on_error with code %d", e->code);
    FZ_CHECK(e->request_id != NULL && e->detail != NULL, "on_error: NULL request_id or detail");
    fz_logf(&r->log, "ERROR %d status=%d", e->code, e->api.status);
    log_str(r, "type", e->api.type);
    log_str(r, "code", e->api.code);
    log_str(r, "msg", e->api.message);
    log_str(r, "param", e->api.param);
    fz_logf(&r->log, " cut=%d reqid=", e->api.message_cut);
    fz_log_bytes(&r->log, e->request_id, strlen(e->request_id));
    fz_logf(&r->log, " detail=");
    fz_log_bytes(&r->log, e->detail, strlen(e->detail));
    fz_logf(&r->log, "\n");
    r->calls_made++;
}

static drip_err_t h_approval(void *u, const drip_approval_t *a)
{
    run_t *r = (run_t *)u;
    fz_logf(&r->log, "APPROVAL");
    log_str(r, "id", a->id);
    log_str(r, "label", a->server_label);
    log_str(r, "name", a->name);
    log_str(r, "args", a->arguments);
    fz_logf(&r->log, "\n");
    return next_call(r);
}

static drip_err_t h_audio(void *u, const uint8_t *p, size_t n)
{
    run_t *r = (run_t *)u;
    size_t i;
    /* speech.audio.done hands on the 1 or 2 bytes of an unpadded last group
     * from a local array of drip_stream.c (valid during the call, as every
     * view): the one view allowed outside the buffers. */
    FZ_CHECK(n > 0 && (in_known_memory(r, (const char *)p, n) || n <= 2),
             "audio view outside known memory");
    for (i = 0; i < n; i++) {
        r->audio_fnv = (r->audio_fnv ^ p[i]) * 0x01000193u;
    }
    r->audio_n += n;
    /* A raw body's calls follow the input's split: cancelling at the n-th
     * would stop the two runs at different bytes (a harness fault, found by
     * the 10M run; regress/pipeline/raw-audio-cancel). */
    return r->raw_body ? DRIP_OK : next_call(r);
}

static const drip_handlers_t k_handlers = {h_head, h_event, h_text, h_refusal, h_reasoning,
                                           h_call_delta, h_call_done, h_error, h_approval, h_audio};

/* ---- one run ------------------------------------------------------------ */

typedef struct cfg {
    drip_api_t api;
    size_t buf_len;
    unsigned ntok, ncalls, cancel_at;
    int json_body;
} cfg_t;

static void check_cstr(const char *a, size_t cap, const char *what)
{
    FZ_CHECK(memchr(a, 0, cap) != NULL, "result %s not NUL-terminated", what);
}

static void log_result(run_t *r, const drip_result_t *res)
{
    /* a raw speech body counts one event per on_audio call, which follows
     * the input's split: there only "some" or "none" must agree */
    fz_logf(&r->log, "RESULT state=%s http=%d err=%d last_seq=%lld events=%u usage=%d",
            drip_state_name(res->state), res->http_status, res->err, (long long)res->last_seq,
            r->api == DRIP_API_SPEECH ? (unsigned)(res->events != 0) : res->events, res->has_usage);
    if (res->has_usage) {
        fz_logf(&r->log, " %lld/%lld/%lld/%lld/%lld", (long long)res->usage.input_tokens,
                (long long)res->usage.output_tokens, (long long)res->usage.total_tokens,
                (long long)res->usage.reasoning_tokens, (long long)res->usage.cached_tokens);
    }
    check_cstr(res->response_id, sizeof res->response_id, "response_id");
    check_cstr(res->response_status, sizeof res->response_status, "response_status");
    check_cstr(res->incomplete_reason, sizeof res->incomplete_reason, "incomplete_reason");
    check_cstr(res->error_type, sizeof res->error_type, "error_type");
    check_cstr(res->error_code, sizeof res->error_code, "error_code");
    check_cstr(res->error_param, sizeof res->error_param, "error_param");
    check_cstr(res->error_message, sizeof res->error_message, "error_message");
    fz_logf(&r->log, "\n  id=");
    fz_log_bytes(&r->log, res->response_id, strlen(res->response_id));
    fz_logf(&r->log, " status=");
    fz_log_bytes(&r->log, res->response_status, strlen(res->response_status));
    fz_logf(&r->log, " reason=");
    fz_log_bytes(&r->log, res->incomplete_reason, strlen(res->incomplete_reason));
    fz_logf(&r->log, "\n  error=%d/%d/%u/%u ", res->has_error, res->error_status, res->error_has,
            res->message_cut);
    fz_log_bytes(&r->log, res->error_type, strlen(res->error_type));
    fz_log_bytes(&r->log, res->error_code, strlen(res->error_code));
    fz_log_bytes(&r->log, res->error_param, strlen(res->error_param));
    fz_log_bytes(&r->log, res->error_message, strlen(res->error_message));
    fz_logf(&r->log, "\n");
}

static drip_state_t run_one(run_t *r, const cfg_t *c, const uint8_t *data, size_t n,
                            fz_split_t *split)
{
    static drip_stream_t st;
    static uint8_t *buf;
    static jsmntok_t *tok;
    static drip_call_slot_t *calls;
    const size_t tok_guard = FZ_GUARD * sizeof(jsmntok_t);
    const size_t calls_guard = FZ_GUARD;
    drip_stream_cfg_t sc;
    size_t off = 0;
    int rc = DRIP_OK, again;
    drip_state_t s;

    if (buf == NULL) {
        buf = (uint8_t *)malloc(4096u + FZ_GUARD);
        tok = (jsmntok_t *)malloc(80u * sizeof *tok + tok_guard);
        calls = (drip_call_slot_t *)malloc(MAX_CALLS * sizeof *calls + calls_guard);
    }
    fz_guard_set(buf + c->buf_len, FZ_GUARD);
    fz_guard_set(tok + c->ntok, tok_guard);
    fz_guard_set((uint8_t *)(calls + c->ncalls), calls_guard);

    fz_log_reset(&r->log);
    r->st = &st;
    r->buf = buf;
    r->buf_len = c->buf_len;
    r->calls = (const uint8_t *)calls;
    r->calls_len = c->ncalls * sizeof *calls;
    r->tok = (const uint8_t *)tok;
    r->tok_len = c->ntok * sizeof *tok;
    r->data = data;
    r->n = n;
    r->calls_made = 0;
    r->cancel_at = c->cancel_at;
    r->max_seq = -1;
    r->pieces_seen = 0;
    r->events_seen = 0;
    r->audio_n = 0;
    r->audio_fnv = 0x811C9DC5u;
    r->api = c->api;
    r->json_body = c->json_body;
    r->raw_body = 0;

    memset(&sc, 0, sizeof sc);
    sc.api = c->api;
    sc.buf = buf;
    sc.buf_len = c->buf_len;
    sc.tok = tok;
    sc.ntok = c->ntok;
    sc.calls = calls;
    sc.ncalls = c->ncalls;
    sc.handlers = &k_handlers;
    sc.user = r;
    sc.json_body = c->json_body;
    FZ_CHECK(drip_stream_init(&st, &sc) == DRIP_OK, "init");
    FZ_CHECK(st.result.state == DRIP_STATE_PENDING && st.result.last_seq == -1, "fresh state");

    while (off < n && rc == DRIP_OK) {
        size_t k = split ? fz_split_next(split, n - off) : n - off;
        rc = drip_stream_feed(&st, data + off, k);
        fz_guard_check(buf + c->buf_len, FZ_GUARD, "the SSE buffer");
        fz_guard_check(tok + c->ntok, tok_guard, "the token array");
        fz_guard_check((uint8_t *)(calls + c->ncalls), calls_guard, "the call table");
        FZ_CHECK(rc == DRIP_OK || rc == DRIP_STREAM_END || (rc < 0 && rc != DRIP_AGAIN),
                 "feed returned %d", rc);
        off += k;
    }
    fz_logf(&r->log, "FEED %d\n", rc);
    if (rc != DRIP_OK) {
        again = drip_stream_feed(&st, (const uint8_t *)"data: {}\n\n", 10);
        FZ_CHECK(again == rc, "feed after %d returned %d", rc, again);
    }
    s = drip_stream_finish(&st);
    FZ_CHECK(s != DRIP_STATE_PENDING && s != DRIP_STATE_STREAMING, "finish left state %s",
             drip_state_name(s));
    FZ_CHECK(s == st.result.state, "finish returned %d, state %d", s, st.result.state);
    FZ_CHECK(drip_stream_finish(&st) == s, "finish not idempotent");
    fz_guard_check(buf + c->buf_len, FZ_GUARD, "the SSE buffer");
    /* on_event of an event whose delta went out in pieces has only what came
     * before the delta: a sequence_number after it counts in last_seq (a
     * resume must not replay that event) but was not handed out */
    FZ_CHECK(r->pieces_seen ? st.result.last_seq >= r->max_seq : st.result.last_seq == r->max_seq,
             "last_seq %lld, highest seq handed out %lld", (long long)st.result.last_seq,
             (long long)r->max_seq);
    FZ_CHECK(st.result.events >= r->events_seen, "events %u < on_event calls %u",
             st.result.events, r->events_seen);
    fz_logf(&r->log, "AUDIO %llu %08x\n", (unsigned long long)r->audio_n, (unsigned)r->audio_fnv);
    log_result(r, &st.result);
    return s;
}

/* ---- the reference pass: is there a terminal event at all? --------------- */

#define T_COMPLETED 1
#define T_INCOMPLETE 2
#define T_DONE 4
#define T_SPEECH_DONE 8
#define T_RAW 16 /* speech: a 2xx body that is not an event stream */

static int terminals(drip_api_t api, const uint8_t *data, size_t n)
{
    static drip_event_dec_t dec;
    static drip_call_slot_t calls[64];
    drip_http_t h;
    drip_sse_t s;
    drip_event_t ev;
    uint8_t *sbuf = (uint8_t *)malloc(n + 1u);
    unsigned ntok = (unsigned)(n / 2u + 16u);
    jsmntok_t *tok = (jsmntok_t *)malloc(ntok * sizeof *tok);
    int found = 0, head = 0;

    (void)drip_http_init(&h);
    (void)drip_sse_init(&s, sbuf, n + 1u);
    (void)drip_event_init(&dec, api, tok, ntok, calls, 64);
    while (n > 0) {
        size_t used;
        int rc = drip_http_feed(&h, data, n, &used);
        data += used;
        n -= used;
        if (rc == DRIP_HTTP_HEAD) {
            head = 1;
            if (api == DRIP_API_SPEECH && h.head.status >= 200 && h.head.status <= 299 &&
                !is_sse_type(h.head.content_type)) {
                found |= T_RAW;
            }
        } else if (rc == DRIP_HTTP_BODY && head) {
            const uint8_t *p = h.body;
            size_t m = h.body_len;
            while (m > 0) {
                size_t u2;
                int e = drip_sse_feed(&s, p, m, &u2);
                p += u2;
                m -= u2;
                if (e == DRIP_SSE_EVENT && !s.ev.oversize) {
                    if (s.ev.data_len == 6 && memcmp(s.ev.data, "[DONE]", 6) == 0) {
                        found |= T_DONE;
                    } else if (drip_event_decode(&dec, (char *)s.ev.data, s.ev.data_len, &ev) ==
                               DRIP_OK) {
                        found |= ev.type == DRIP_EV_RESPONSE_COMPLETED ? T_COMPLETED : 0;
                        found |= ev.type == DRIP_EV_RESPONSE_INCOMPLETE ? T_INCOMPLETE : 0;
                        found |= ev.type == DRIP_EV_SPEECH_AUDIO_DONE ? T_SPEECH_DONE : 0;
                    }
                } else if (e != DRIP_SSE_DATA && e != DRIP_SSE_EVENT) {
                    break;
                }
            }
        } else if (rc != DRIP_HTTP_BODY) {
            break;
        }
    }
    free(tok);
    free(sbuf);
    return found;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
    static run_t a, b;
    fz_split_t split;
    uint8_t *data;
    size_t n;
    cfg_t c;
    drip_state_t sa, sb;

    if (size < CTRL) {
        return 0;
    }
    c.api = (in[0] & 1u) ? DRIP_API_CHAT : DRIP_API_RESPONSES;
    c.buf_len = k_bufs[(in[0] >> 1) & 7u];
    c.json_body = ((in[0] >> 4) & 3u) == 3u;
    if (((in[0] >> 4) & 3u) == 2u) {
        c.api = DRIP_API_SPEECH;
    }
    c.ntok = 8u + (in[3] & 63u);
    c.ncalls = 1u + (in[3] >> 6);
    c.cancel_at = (in[4] & 0x80u) ? (in[4] & 0x3Fu) + 1u : 0u;
    n = size - CTRL;
    data = fz_dup_guarded(in + CTRL, n);

    sa = run_one(&a, &c, data, n, NULL);
    fz_split_init(&split, in[1], in[2]);
    sb = run_one(&b, &c, data, n, &split);
    fz_log_same("fuzz_pipeline", "fed at once", &a.log, "fed in pieces", &b.log);
    fz_guard_check(data + n, FZ_GUARD, "the input");

    if (sa == DRIP_STATE_COMPLETED || sa == DRIP_STATE_INCOMPLETE) {
        if (c.json_body) {
            FZ_CHECK(sa == DRIP_STATE_COMPLETED, "JSON body ended %s", drip_state_name(sa));
            FZ_CHECK(a.st->result.http_status >= 200 && a.st->result.http_status <= 299,
                     "JSON body COMPLETED with status %d", a.st->result.http_status);
        } else {
            int t = terminals(c.api, data, n);
            if (c.api == DRIP_API_SPEECH) {
                FZ_CHECK(sa == DRIP_STATE_COMPLETED && (t & (T_SPEECH_DONE | T_RAW)),
                         "speech ended %s without speech.audio.done or a raw body",
                         drip_state_name(sa));
            } else if (c.api == DRIP_API_CHAT) {
                FZ_CHECK(t & T_DONE, "chat stream ended %s without [DONE]", drip_state_name(sa));
            } else {
                FZ_CHECK(t & (sa == DRIP_STATE_COMPLETED ? T_COMPLETED : T_INCOMPLETE),
                         "responses stream ended %s without its terminal event",
                         drip_state_name(sa));
            }
        }
    }
    (void)sb;
    free(data);
    return 0;
}
