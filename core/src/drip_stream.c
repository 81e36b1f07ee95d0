/* SPDX-License-Identifier: Apache-2.0 */
/* The glue of one answer: drip_http -> drip_sse -> drip_event -> handlers.
 * The only file that knows more than one layer (see drip_stream.h).
 *
 * Decisions (written down where the specs leave room):
 * - A non-2xx body of any length goes through the JSON body reader
 *   (drip_body.h, the oversize scanner with its own table), which
 *   keeps error.{type,code,message,param} in constant memory; a body that is
 *   not JSON leaves them absent.
 * - After response.completed/incomplete/failed or `[DONE]` the rest of the
 *   body is read (so the connection can be reused) but not decoded. After an
 *   `error` event decoding goes on: a response.failed may follow with more.
 * - Responses: `[DONE]` without a terminal event ends the answer as
 *   TRUNCATED (compatible servers send it after response.completed).
 * - Chat: finish_reason "length" or "content_filter" makes the answer
 *   INCOMPLETE with that reason: a cut answer is not a completed one.
 */
#include "dripfeed/drip_stream.h"
#include "drip_cc.h"

#include <string.h>

static int fail(drip_stream_t *st, int code, drip_state_t s, const char *detail);
static void terminal(drip_stream_t *st, drip_state_t s, int stop_decoding);
static drip_err_t on_piece(void *user, drip_event_t *ev, int what, const char *p, size_t n);
static drip_err_t on_chat(void *user, drip_event_t *ev, const drip_chat_part_t *part);

#define HAS_TYPE 1u
#define HAS_CODE 2u
#define HAS_MESSAGE 4u
#define HAS_PARAM 8u

const char *drip_state_name(drip_state_t s)
{
    static const char *const names[] = {"pending", "streaming", "completed", "incomplete",
                                        "failed", "truncated", "http_error", "protocol_error",
                                        "cancelled"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

drip_err_t drip_stream_init(drip_stream_t *st, const drip_stream_cfg_t *cfg)
{
    static const drip_handlers_t no_handlers;
    drip_err_t e;
    if (st == NULL || cfg == NULL || cfg->buf == NULL || cfg->buf_len < 64) {
        return DRIP_ERR_ARG;
    }
    memset(st, 0, sizeof *st);
    st->priv.cfg = *cfg;
    if (st->priv.cfg.handlers == NULL) {
        st->priv.cfg.handlers = &no_handlers;
    }
    e = drip_event_init(&st->priv.dec, cfg->api, cfg->tok, cfg->ntok, cfg->calls, cfg->ncalls);
    if (e != DRIP_OK) {
        return e;
    }
    drip_event_set_pieces(&st->priv.dec, on_piece, st, &st->priv.u.ev);
    drip_event_set_chat(&st->priv.dec, on_chat, st);
    /* The scanner keeps its captures in the SSE buffer: idle while an
     * oversize event passes through (after its first piece, the buffer
     * itself, which the captures never overtake: drip_scan_init) and while
     * a JSON body is read; its views live until the next SSE feed, as the
     * token path's. */
    drip_event_set_arena(&st->priv.dec, (char *)cfg->buf, cfg->buf_len);
    return drip_stream_reset(st);
}

drip_err_t drip_stream_reset(drip_stream_t *st)
{
    if (st == NULL || st->priv.cfg.buf == NULL) {
        return DRIP_ERR_ARG;
    }
    memset(&st->result, 0, sizeof st->result);
    st->result.last_seq = -1;
    st->priv.skip_through = -1;
    st->priv.terminal = st->priv.in_oversize = st->priv.saw_done = 0;
    st->priv.chat_cut = st->priv.finished = st->priv.body_scan = 0;
    st->priv.raw = 0;
    st->priv.carry_n = 0;
    st->priv.announced = 0;
    (void)drip_http_init(&st->priv.http);
    (void)drip_sse_init(&st->priv.sse, st->priv.cfg.buf, st->priv.cfg.buf_len);
    drip_event_reset(&st->priv.dec);
    return DRIP_OK;
}

drip_err_t drip_stream_resume(drip_stream_t *st)
{
    drip_result_t *r;
    if (st == NULL || st->priv.cfg.buf == NULL) {
        return DRIP_ERR_ARG;
    }
    r = &st->result;
    r->state = DRIP_STATE_PENDING;
    r->err = DRIP_OK;
    r->http_status = 0;
    r->has_error = 0;
    r->error_has = 0;
    st->priv.skip_through = r->last_seq;
    st->priv.terminal = st->priv.in_oversize = st->priv.saw_done = 0;
    st->priv.finished = st->priv.body_scan = 0;
    st->priv.raw = 0;
    st->priv.carry_n = 0;
    st->priv.announced = 0;
    (void)drip_http_init(&st->priv.http);
    (void)drip_sse_resume(&st->priv.sse);
    return DRIP_OK;
}

void drip_stream_set_api(drip_stream_t *st, drip_api_t api)
{
    st->priv.cfg.api = api;
    drip_event_set_api(&st->priv.dec, api); /* the decoder keeps its own copy */
}

void drip_stream_expect_json(drip_stream_t *st, int json_body)
{
    st->priv.cfg.json_body = json_body;
}

void drip_stream_fail(drip_stream_t *st, int err)
{
    drip_state_t s = st->result.state;
    if (st->priv.finished || st->priv.terminal) {
        return;
    }
    if (s == DRIP_STATE_PENDING) {
        s = DRIP_STATE_FAILED;
    } else if (s != DRIP_STATE_HTTP_ERROR) {
        s = DRIP_STATE_TRUNCATED;
    }
    (void)fail(st, err, s, "");
}

/* A final state stays final: a cancel after a terminal event only stops
 * reading (no error on a complete answer), and after a failure changes
 * nothing (a protocol_error is not turned into cancelled). */
void drip_stream_cancel_local(drip_stream_t *st)
{
    if (st->priv.terminal) {
        st->priv.finished = 1;
    } else if (!st->priv.finished) {
        (void)fail(st, DRIP_ERR_CANCELLED, DRIP_STATE_CANCELLED, "");
    }
}

void drip_stream_skip_through(drip_stream_t *st, int64_t seq)
{
    st->priv.skip_through = seq;
}

const drip_http_head_t *drip_stream_head(const drip_stream_t *st)
{
    return &st->priv.http.head;
}

int drip_stream_reusable(const drip_stream_t *st)
{
    return st->priv.http.head.keep_alive && drip_http_is_done(&st->priv.http);
}

/* Bounded copy of a view into a NUL-terminated field; returns 1 if cut. */
static int copy_field(char *dst, size_t cap, drip_str_t s)
{
    int cut = s.p != NULL && s.n >= cap;
    size_t n = s.p == NULL ? 0 : (cut ? cap - 1u : s.n);
    if (n > 0) {
        memcpy(dst, s.p, n);
    }
    dst[n] = '\0';
    return cut;
}

static int str_eq_len(drip_str_t s, const char *lit)
{
    size_t n = strlen(lit);
    return s.p != NULL && s.n == n && memcmp(s.p, lit, n) == 0;
}

static void set_state(drip_stream_t *st, drip_state_t s)
{
    if (!st->priv.terminal) {
        st->result.state = s;
    }
}

/* Keep the first API error and tell the handler about this one. */
static void api_error(drip_stream_t *st, drip_err_t code, int status, const drip_api_error_t *a)
{
    drip_result_t *r = &st->result;
    const drip_handlers_t *h = st->priv.cfg.handlers;
    drip_error_t err;

    if (!r->has_error) {
        r->has_error = 1;
        r->error_status = (uint16_t)status; /* 0 or 100..999 */
        r->error_has = (uint8_t)((a->type.p ? HAS_TYPE : 0u) | (a->code.p ? HAS_CODE : 0u) |
                                 (a->message.p ? HAS_MESSAGE : 0u) | (a->param.p ? HAS_PARAM : 0u));
        (void)copy_field(r->error_type, sizeof r->error_type, a->type);
        (void)copy_field(r->error_code, sizeof r->error_code, a->code);
        (void)copy_field(r->error_param, sizeof r->error_param, a->param);
        r->message_cut = (uint8_t)(copy_field(r->error_message, sizeof r->error_message,
                                              a->message) || a->message_cut);
    }
    if (r->err == 0) {
        r->err = code;
    }
    if (h->on_error != NULL) {
        err.code = code;
        err.api = *a;
        err.api.status = status;
        err.request_id = st->priv.http.head.request_id;
        err.detail = "";
        h->on_error(st->priv.cfg.user, &err);
    }
}

/* A library-level failure: malformed input, truncation, cancel. */
static int fail(drip_stream_t *st, int code, drip_state_t s, const char *detail)
{
    const drip_handlers_t *h = st->priv.cfg.handlers;
    drip_error_t err;

    if (st->result.err == 0) {
        st->result.err = (drip_err_t)code;
    }
    set_state(st, s);
    st->priv.finished = 1;
    if (h->on_error != NULL && code != DRIP_ERR_CANCELLED) {
        memset(&err, 0, sizeof err);
        err.code = (drip_err_t)code;
        err.api.status = st->result.http_status;
        err.request_id = st->priv.http.head.request_id;
        err.detail = detail;
        h->on_error(st->priv.cfg.user, &err);
    }
    return code;
}

static int user_rc(drip_err_t e)
{
    return e == DRIP_OK ? DRIP_OK : DRIP_ERR_CANCELLED;
}

/* ---- text pieces and split surrogate pairs --------------------------------
 * Deltas are unescaped with drip_json_str_delta(): an unpaired surrogate at
 * either end arrives in its 3-byte form (ED A0..AF xx high, ED B0..BF xx
 * low). A trailing high half is held back and joined with the low half that
 * starts the next delta of the same channel (handler + indexes), as a
 * third-party server sent "\ud83d" and "\ude00" in two deltas. Decision:
 * anything else makes a half U+FFFD; a held half is given up (as U+FFFD,
 * through its own handler with the event at hand) when an event of another
 * type arrives or a delta of another channel; a stream that ends right
 * after it loses nothing else (it is not complete anyway). */
enum { CH_TEXT = 1, CH_REFUSAL, CH_REASONING, CH_CALL };

static const char k_fffd[3] = {'\xEF', '\xBF', '\xBD'};

static int piece(drip_stream_t *st, int kind, const drip_event_t *ev, const drip_call_t *call,
                 const char *p, size_t n)
{
    const drip_handlers_t *h = st->priv.cfg.handlers;
    void *u = st->priv.cfg.user;
    switch (kind) {
    case CH_TEXT:
        return h->on_text != NULL ? user_rc(h->on_text(u, ev, p, n)) : DRIP_OK;
    case CH_REFUSAL:
        return h->on_refusal != NULL ? user_rc(h->on_refusal(u, ev, p, n)) : DRIP_OK;
    case CH_REASONING:
        return h->on_reasoning != NULL ? user_rc(h->on_reasoning(u, ev, p, n)) : DRIP_OK;
    default:
        return h->on_call_delta != NULL ? user_rc(h->on_call_delta(u, call, p, n)) : DRIP_OK;
    }
}

static int is_half(const char *q, unsigned tag)
{
    return (uint8_t)q[0] == 0xEDu && ((uint8_t)q[1] & 0xF0u) == tag;
}

/* The held half becomes U+FFFD on its own channel. */
static int flush_carry(drip_stream_t *st, drip_event_t *ev)
{
    int32_t choice = ev->choice;
    int rc;
    if (st->priv.carry_n == 0) {
        return DRIP_OK;
    }
    st->priv.carry_n = 0;
    if (st->priv.cfg.api == DRIP_API_CHAT && st->priv.carry_kind != CH_CALL) {
        ev->choice = st->priv.carry_call.index;
    }
    rc = piece(st, st->priv.carry_kind, ev, &st->priv.carry_call, k_fffd, 3);
    ev->choice = choice;
    return rc;
}

/* One delta of a channel (kind, a, b) to its handler. */
static int deliver(drip_stream_t *st, int kind, drip_event_t *ev, const drip_call_t *call,
                   int32_t a, int32_t b, const char *p, size_t n)
{
    int same = st->priv.carry_n != 0 && st->priv.carry_kind == kind &&
               st->priv.carry_call.index == a && st->priv.carry_call.choice == b;
    int rc = DRIP_OK, cut = 0;
    if (st->priv.carry_n != 0 && !same) {
        rc = flush_carry(st, ev);
    }
    if (rc == DRIP_OK && n >= 3 && is_half(p, 0xB0u)) { /* a low half first */
        char four[4];
        const char *w = k_fffd;
        size_t wn = 3;
        if (same) {
            const uint8_t *hi = st->priv.carry;
            uint32_t h = ((hi[1] & 0x3Fu) << 6) | (hi[2] & 0x3Fu);          /* hi - 0xD800 */
            uint32_t l = (((uint8_t)p[1] & 0x0Fu) << 6) | ((uint8_t)p[2] & 0x3Fu); /* lo - 0xDC00 */
            uint32_t cp = 0x10000u + ((h & 0x3FFu) << 10) + l;
            four[0] = (char)(0xF0u | (cp >> 18));
            four[1] = (char)(0x80u | ((cp >> 12) & 0x3Fu));
            four[2] = (char)(0x80u | ((cp >> 6) & 0x3Fu));
            four[3] = (char)(0x80u | (cp & 0x3Fu));
            w = four;
            wn = 4;
            st->priv.carry_n = 0;
        }
        rc = piece(st, kind, ev, call, w, wn);
        p += 3;
        n -= 3;
        cut = 1;
    } else if (rc == DRIP_OK && same) {
        rc = flush_carry(st, ev);
    }
    if (rc == DRIP_OK && n >= 3 && is_half(p + n - 3, 0xA0u)) { /* a high half last: hold */
        memcpy(st->priv.carry, p + n - 3, 3);
        st->priv.carry_n = 3;
        st->priv.carry_kind = (uint8_t)kind;
        memset(&st->priv.carry_call, 0, sizeof st->priv.carry_call); /* no ids: given up alone */
        st->priv.carry_call.index = a;
        st->priv.carry_call.choice = b;
        st->priv.carry_type = ev->type;
        n -= 3;
        cut = 1;
    }
    if (rc == DRIP_OK && (n > 0 || !cut)) {
        rc = piece(st, kind, ev, call, p, n);
    }
    return rc;
}

static int emit_call(drip_stream_t *st, drip_event_t *ev, drip_str_t args, int done)
{
    const drip_handlers_t *h = st->priv.cfg.handlers;
    drip_call_t c;
    memset(&c, 0, sizeof c);
    c.call_id = ev->call_id;
    c.name = ev->name;
    c.item_id = ev->item_id;
    c.index = ev->output_index;
    c.choice = -1;
    if (done) {
        c.arguments = args;
        return h->on_call_done ? user_rc(h->on_call_done(st->priv.cfg.user, &c)) : DRIP_OK;
    }
    return deliver(st, CH_CALL, ev, &c, ev->output_index, -1, args.p, args.n);
}

/* Events already delivered before a reconnect (resume) are dropped. */
static int skipped(const drip_stream_t *st, const drip_event_t *ev)
{
    return ev->seq >= 0 && st->priv.skip_through >= 0 && ev->seq <= st->priv.skip_through;
}

/* An event reaches the handlers: the result counts it. */
static void count_event(drip_stream_t *st, const drip_event_t *ev)
{
    if (ev->seq > st->result.last_seq) {
        st->result.last_seq = ev->seq;
    }
    st->result.events++;
}

/* A delta (whole, or a piece of an oversize one) to its handler. */
static int give_delta(drip_stream_t *st, drip_event_t *ev, const char *p, size_t n)
{
    drip_str_t args;
    switch (ev->type) {
    case DRIP_EV_OUTPUT_TEXT_DELTA:
        return deliver(st, CH_TEXT, ev, NULL, ev->output_index, ev->content_index, p, n);
    case DRIP_EV_REFUSAL_DELTA:
        return deliver(st, CH_REFUSAL, ev, NULL, ev->output_index, ev->content_index, p, n);
    case DRIP_EV_REASONING_SUMMARY_TEXT_DELTA:
        return deliver(st, CH_REASONING, ev, NULL, ev->output_index, ev->summary_index, p, n);
    case DRIP_EV_FUNCTION_CALL_ARGUMENTS_DELTA:
    case DRIP_EV_CUSTOM_TOOL_CALL_INPUT_DELTA:
    case DRIP_EV_FUNCTION_CALL_ARGUMENTS_DONE: /* arguments sent only whole, in pieces */
    case DRIP_EV_CUSTOM_TOOL_CALL_INPUT_DONE:
        args.p = p;
        args.n = n;
        return emit_call(st, ev, args, 0);
    default:
        return DRIP_OK;
    }
}

/* Speech audio bytes to their handler. */
static int audio(drip_stream_t *st, const uint8_t *p, size_t n)
{
    const drip_handlers_t *h = st->priv.cfg.handlers;
    if (h->on_audio == NULL || n == 0) {
        return DRIP_OK;
    }
    return user_rc(h->on_audio(st->priv.cfg.user, p, n));
}

/* speech.audio.done: the base64 group still held (an unpadded end) goes
 * out, then usage, and the answer is complete. */
static int speech_done(drip_stream_t *st, const drip_event_t *ev)
{
    uint8_t tail[2];
    size_t n = 0;
    int rc = drip_event_speech_finish(&st->priv.dec, tail, &n);
    if (rc == DRIP_OK) {
        rc = audio(st, tail, n);
    }
    if (rc != DRIP_OK) {
        return rc;
    }
    st->result.has_usage = (uint8_t)(ev->has_usage != 0);
    st->result.usage = ev->usage;
    terminal(st, DRIP_STATE_COMPLETED, 1);
    return DRIP_OK;
}

/* A piece of a long string of an oversize event (drip_event_set_pieces),
 * handed on while the event is read: text never waits for the whole event
 * and never needs a buffer as large as it. */
static drip_err_t on_piece(void *user, drip_event_t *ev, int what, const char *p, size_t n)
{
    drip_stream_t *st = (drip_stream_t *)user;
    const drip_handlers_t *h = st->priv.cfg.handlers;
    if (skipped(st, ev)) {
        return DRIP_OK; /* delivered before the reconnect */
    }
    if (!st->priv.announced) { /* on_event first, as for any event: with what is known */
        st->priv.announced = 1;
        count_event(st, ev);
        if (h->on_event != NULL && h->on_event(st->priv.cfg.user, ev) != DRIP_OK) {
            return DRIP_ERR_CANCELLED;
        }
    }
    if (what == DRIP_PIECE_AUDIO) {
        return (drip_err_t)audio(st, (const uint8_t *)p, n);
    }
    if (ev->type == DRIP_EV_CHAT_CHUNK) {
        return (drip_err_t)deliver(st, what == DRIP_PIECE_REFUSAL ? CH_REFUSAL : CH_TEXT, ev, NULL,
                                   ev->choice, -1, p, n);
    }
    return (drip_err_t)give_delta(st, ev, p, n);
}

/* A client call's arguments are complete (its .done event, or its
 * output_item.done when no .done event came). Arguments that came only
 * whole go through on_call_delta first, so deltas always add up to them. */
static int call_done(drip_stream_t *st, drip_event_t *ev)
{
    int rc = DRIP_OK;
    if ((ev->call_state & DRIP_CALL_KNOWN) && !(ev->call_state & DRIP_CALL_STREAMED)) {
        if (ev->text_cut) {
            return DRIP_ERR_EVENT_ARGS_TOO_LARGE; /* never completed without them */
        }
        if (ev->text.n > 0) {
            rc = emit_call(st, ev, ev->text, 0);
        }
    }
    return rc != DRIP_OK ? rc : emit_call(st, ev, ev->text, 1);
}

static int approval(drip_stream_t *st, const drip_event_t *ev)
{
    const drip_handlers_t *h = st->priv.cfg.handlers;
    drip_approval_t a;
    if (h->on_approval == NULL) {
        return DRIP_OK;
    }
    a.id = ev->item_id;
    a.server_label = ev->server_label;
    a.name = ev->name;
    a.arguments = ev->text;
    return user_rc(h->on_approval(st->priv.cfg.user, &a));
}

/* Chat: the chunk's figures for the result (before its choices, after its
 * on_event). */
static void chat_result(drip_stream_t *st, const drip_event_t *ev)
{
    if (ev->response_id.p != NULL) {
        (void)copy_field(st->result.response_id, sizeof st->result.response_id, ev->response_id);
    }
    if (ev->has_usage) {
        st->result.has_usage = 1;
        st->result.usage = ev->usage;
    }
}

/* The drip_call_t of a Chat part (a tool-call fragment or an ended call). */
static void chat_call_of(const drip_chat_part_t *part, drip_call_t *c)
{
    memset(c, 0, sizeof *c);
    c->call_id = part->call.id;
    c->name = part->call.name;
    c->index = part->call.index;
    c->choice = part->choice.index < 0 ? 0 : part->choice.index;
}

/* Chat: a tool-call fragment. Apart from chat_call_done(): each drip_call_t
 * is on its own path, and only this one goes on to deliver(). */
DRIP_NOINLINE /* its drip_call_t stays off the text path's stack */
static drip_err_t chat_call(drip_stream_t *st, drip_event_t *ev, const drip_chat_part_t *part)
{
    drip_call_t c;
    chat_call_of(part, &c);
    return (drip_err_t)deliver(st, CH_CALL, ev, &c, c.index, c.choice, part->call.arguments.p,
                               part->call.arguments.n);
}

/* Chat: a call its choice's finish_reason ended. */
DRIP_NOINLINE
static drip_err_t chat_call_done(drip_stream_t *st, const drip_chat_part_t *part)
{
    const drip_handlers_t *h = st->priv.cfg.handlers;
    drip_call_t c;
    chat_call_of(part, &c);
    return h->on_call_done != NULL ? (drip_err_t)user_rc(h->on_call_done(st->priv.cfg.user, &c))
                                   : DRIP_OK;
}

/* Chat: one part of a choice to its handler. The decoder hands a chunk's
 * parts on in order (on_chat); an oversize chunk's come from the event. */
static drip_err_t chat_part(drip_stream_t *st, drip_event_t *ev, const drip_chat_part_t *part)
{
    const drip_chat_choice_t *ch = &part->choice;
    ev->choice = ch->index;
    switch (part->what) {
    case DRIP_CHAT_CONTENT:
        return ch->content.n > 0 ? (drip_err_t)deliver(st, CH_TEXT, ev, NULL, ch->index, -1,
                                                       ch->content.p, ch->content.n)
                                 : DRIP_OK;
    case DRIP_CHAT_REFUSAL:
        return ch->refusal.n > 0 ? (drip_err_t)deliver(st, CH_REFUSAL, ev, NULL, ch->index, -1,
                                                       ch->refusal.p, ch->refusal.n)
                                 : DRIP_OK;
    case DRIP_CHAT_FINISH:
        if (str_eq_len(ch->finish_reason, "length") ||
            str_eq_len(ch->finish_reason, "content_filter")) {
            st->priv.chat_cut = 1;
            (void)copy_field(st->result.incomplete_reason, sizeof st->result.incomplete_reason,
                             ch->finish_reason);
        }
        return DRIP_OK;
    case DRIP_CHAT_TOOL:
        return chat_call(st, ev, part);
    default:
        return chat_call_done(st, part);
    }
}

/* The decoder's Chat receiver (drip_event_set_chat): the parts of a chunk
 * read from tokens, while drip_event_decode() runs. The first one announces
 * the chunk as dispatch() does any event: on_event first. */
static drip_err_t on_chat(void *user, drip_event_t *ev, const drip_chat_part_t *part)
{
    drip_stream_t *st = (drip_stream_t *)user;
    const drip_handlers_t *h = st->priv.cfg.handlers;
    int rc = DRIP_OK;
    if (!st->priv.announced) {
        /* (never skipped: Chat chunks have no sequence_number; a held
         * surrogate half is a Chat chunk's too: deliver() flushes it) */
        count_event(st, ev);
        st->priv.announced = 1;
        if (h->on_event != NULL) {
            rc = user_rc(h->on_event(st->priv.cfg.user, ev));
        }
        if (rc != DRIP_OK) {
            return (drip_err_t)rc;
        }
        chat_result(st, ev);
    }
    return chat_part(st, ev, part);
}

/* Kept out of line: its part (~40 B) would otherwise sit in
 * drip_stream_feed's frame, on the same path as the decoder's. */
DRIP_NOINLINE
static int dispatch_chat(drip_stream_t *st, drip_event_t *ev)
{
    int rc = DRIP_OK;
    chat_result(st, ev); /* again after on_chat: the same figures */
    if (ev->oversize) {
        /* The scanner kept the chunk's content, refusal and finish_reason
         * (as choice 0; content and refusal went out in pieces, with their
         * choice, when the stream set drip_event_set_pieces). */
        drip_chat_part_t part;
        memset(&part, 0, sizeof part);
        part.call.index = -1;
        part.choice.content = ev->delta;
        part.choice.refusal = ev->refusal;
        part.choice.finish_reason = ev->finish_reason;
        part.what = DRIP_CHAT_CONTENT;
        rc = chat_part(st, ev, &part);
        if (rc == DRIP_OK) {
            part.what = DRIP_CHAT_REFUSAL;
            rc = chat_part(st, ev, &part);
        }
        if (rc == DRIP_OK && ev->finish_reason.p != NULL) {
            part.what = DRIP_CHAT_FINISH;
            rc = chat_part(st, ev, &part);
        }
    }
    ev->choice = -1;
    return rc;
}

static void terminal(drip_stream_t *st, drip_state_t s, int stop_decoding)
{
    set_state(st, s);
    st->priv.terminal = 1;
    if (stop_decoding) {
        st->priv.saw_done = 1;
    }
}

/* Out of line: its frame stays off the oversize path (feed_sse -> scanner
 * -> pieces -> handlers), the deepest there is. */
DRIP_NOINLINE
static int dispatch(drip_stream_t *st)
{
    const drip_handlers_t *h = st->priv.cfg.handlers;
    drip_event_t *ev = &st->priv.u.ev;
    drip_result_t *r = &st->result;
    void *u = st->priv.cfg.user;
    int rc = DRIP_OK;

    if (!st->priv.announced) {
        if (skipped(st, ev)) {
            return DRIP_OK; /* already delivered before the reconnect */
        }
        count_event(st, ev);
    } else if (ev->seq > r->last_seq) {
        r->last_seq = ev->seq; /* a sequence_number after its delta */
    }
    if (st->priv.carry_n != 0 && ev->type != st->priv.carry_type) {
        rc = flush_carry(st, ev); /* the held half's channel has moved on */
        if (rc != DRIP_OK) {
            return rc;
        }
    }
    if (ev->type == DRIP_EV_DONE) {
        if (st->priv.cfg.api == DRIP_API_CHAT) {
            terminal(st, st->priv.chat_cut ? DRIP_STATE_INCOMPLETE : DRIP_STATE_COMPLETED, 1);
        } else {
            st->priv.saw_done = 1; /* stop; no terminal event means truncated */
        }
        return DRIP_OK;
    }
    if (h->on_event != NULL && !st->priv.announced) {
        rc = user_rc(h->on_event(u, ev));
    }
    st->priv.announced = 0;
    if (rc != DRIP_OK) {
        return rc;
    }
    if (ev->type == DRIP_EV_CHAT_CHUNK) {
        return dispatch_chat(st, ev);
    }
    if (ev->type == DRIP_EV_SPEECH_AUDIO_DELTA) {
        return ev->pieces ? DRIP_OK : audio(st, (const uint8_t *)ev->delta.p, ev->delta.n);
    }
    if (ev->type == DRIP_EV_SPEECH_AUDIO_DONE) {
        return speech_done(st, ev);
    }
    if (ev->type >= DRIP_EV_RESPONSE_CREATED && ev->type <= DRIP_EV_RESPONSE_FAILED &&
        ev->response_id.p != NULL) {
        (void)copy_field(r->response_id, sizeof r->response_id, ev->response_id);
        (void)copy_field(r->response_status, sizeof r->response_status, ev->status);
    }
    switch (ev->type) {
    case DRIP_EV_OUTPUT_TEXT_DELTA:
    case DRIP_EV_REFUSAL_DELTA:
    case DRIP_EV_REASONING_SUMMARY_TEXT_DELTA:
    case DRIP_EV_FUNCTION_CALL_ARGUMENTS_DELTA: /* client calls only: hosted tools' */
    case DRIP_EV_CUSTOM_TOOL_CALL_INPUT_DELTA:  /* (mcp_call...) reach on_event alone */
        if (!ev->pieces) { /* else it went out in pieces while it was read */
            rc = give_delta(st, ev, ev->delta.p, ev->delta.n);
        }
        break;
    case DRIP_EV_FUNCTION_CALL_ARGUMENTS_DONE:
    case DRIP_EV_CUSTOM_TOOL_CALL_INPUT_DONE:
        rc = call_done(st, ev);
        break;
    case DRIP_EV_OUTPUT_ITEM_DONE:
        if (drip_event_is_client_call(ev->item_type) && (ev->call_state & DRIP_CALL_KNOWN) &&
            !(ev->call_state & DRIP_CALL_DONE)) {
            rc = call_done(st, ev); /* no .done event came for it */
        } else if (str_eq_len(ev->item_type, "mcp_approval_request")) {
            rc = approval(st, ev);
        }
        break;
    case DRIP_EV_RESPONSE_COMPLETED:
    case DRIP_EV_RESPONSE_INCOMPLETE:
    case DRIP_EV_RESPONSE_FAILED:
        if (!st->priv.terminal || r->state == DRIP_STATE_FAILED) {
            r->has_usage = (uint8_t)(ev->has_usage != 0);
            r->usage = ev->usage;
            (void)copy_field(r->incomplete_reason, sizeof r->incomplete_reason,
                             ev->incomplete_reason);
        }
        if (ev->type == DRIP_EV_RESPONSE_FAILED) {
            api_error(st, DRIP_ERR_API_FAILED, 0, &ev->error);
        }
        terminal(st, ev->type == DRIP_EV_RESPONSE_COMPLETED
                         ? DRIP_STATE_COMPLETED
                         : (ev->type == DRIP_EV_RESPONSE_INCOMPLETE ? DRIP_STATE_INCOMPLETE
                                                                    : DRIP_STATE_FAILED),
                 1);
        break;
    case DRIP_EV_ERROR:
        api_error(st, DRIP_ERR_API_ERROR, 0, &ev->error);
        /* Responses: a response.failed may follow with more; Chat and
         * speech have nothing after an error */
        terminal(st, DRIP_STATE_FAILED, st->priv.cfg.api != DRIP_API_RESPONSES);
        break;
    default:
        break;
    }
    return rc;
}

/* Body bytes of a 2xx event stream. */
static int feed_sse(drip_stream_t *st, const uint8_t *p, size_t n)
{
    drip_sse_t *sse = &st->priv.sse;
    drip_event_dec_t *dec = &st->priv.dec;

    while (n > 0 && !st->priv.saw_done) {
        size_t used;
        int e = DRIP_OK;
        int rc = drip_sse_feed(sse, p, n, &used);
        p += used;
        n -= used;
        if (rc == DRIP_AGAIN) {
            break;
        }
        if (rc == DRIP_SSE_DATA) {
            if (!st->priv.in_oversize) {
                st->priv.in_oversize = 1;
                e = drip_event_scan_init(dec);
            }
            if (e == DRIP_OK) {
                e = drip_event_scan_feed(dec, sse->piece, sse->piece_len);
            }
        } else if (rc == DRIP_SSE_EVENT) {
            if (sse->ev.oversize) {
                st->priv.in_oversize = 0;
                e = drip_event_scan_finish(dec, &st->priv.u.ev);
            } else {
                e = drip_event_decode(dec, (char *)sse->ev.data, sse->ev.data_len, &st->priv.u.ev);
            }
            if (e == DRIP_OK) {
                e = dispatch(st);
            }
        } else {
            e = rc;
        }
        if (e != DRIP_OK) {
            return e;
        }
    }
    return DRIP_OK;
}

/* Is this content type an event stream? ("text/event-stream; charset=utf-8") */
static int is_event_stream(const char *ct)
{
    static const char want[] = "text/event-stream";
    size_t i;
    for (i = 0; i < sizeof want - 1u; i++) {
        char c = ct[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c + 32);
        }
        if (c != want[i]) {
            return 0;
        }
    }
    return ct[i] == '\0' || ct[i] == ';' || ct[i] == ' ' || ct[i] == '\t';
}

/* A JSON body follows (an HTTP error, or the cancel endpoint's answer):
 * neither the SSE parser nor the event decoder runs while it is read, so
 * the body reader keeps its captures in the larger of their idle buffers
 * (the SSE data buffer, the token array): both the caller's, no RAM of its
 * own. Its views live until the next response. */
static int body_begin(drip_stream_t *st)
{
    const drip_stream_cfg_t *c = &st->priv.cfg;
    char *a = (char *)c->buf;
    size_t n = c->buf_len, tn = (size_t)c->ntok * sizeof c->tok[0];
    if (tn > n) {
        a = (char *)(void *)c->tok;
        n = tn;
    }
    st->priv.body_scan = 1;
    return drip_body_init(&st->priv.u.body, c->api, a, n);
}

static int on_head(drip_stream_t *st)
{
    const drip_http_head_t *hd = &st->priv.http.head;
    const drip_handlers_t *h = st->priv.cfg.handlers;
    st->result.http_status = (uint16_t)hd->status; /* 100..999 */
    if (h->on_head != NULL && h->on_head(st->priv.cfg.user, hd) != DRIP_OK) {
        return fail(st, DRIP_ERR_CANCELLED, DRIP_STATE_CANCELLED, "");
    }
    if (hd->status < 200 || hd->status > 299) {
        st->result.state = DRIP_STATE_HTTP_ERROR;
        return body_begin(st);
    }
    if (st->priv.cfg.json_body) {
        st->result.state = DRIP_STATE_STREAMING;
        return body_begin(st);
    }
    if (!is_event_stream(hd->content_type)) {
        if (st->priv.cfg.api == DRIP_API_SPEECH) {
            st->priv.raw = 1; /* stream_format "audio": the body is the audio */
            st->result.state = DRIP_STATE_STREAMING;
            return DRIP_OK;
        }
        return fail(st, DRIP_ERR_API_CONTENT_TYPE, DRIP_STATE_PROTOCOL_ERROR, hd->content_type);
    }
    st->result.state = DRIP_STATE_STREAMING;
    return DRIP_OK;
}

/* The message ended (complete, or cut when `cut` is set): settle the state. */
static void settle(drip_stream_t *st, int cut)
{
    st->priv.finished = 1;
    if (st->result.state == DRIP_STATE_HTTP_ERROR) {
        drip_api_error_t a;
        drip_body_error(&st->priv.u.body, &a);
        api_error(st, DRIP_ERR_API_HTTP_STATUS, st->result.http_status, &a);
        st->priv.terminal = 1;
        return;
    }
    if (st->priv.cfg.json_body && st->priv.body_scan && !cut) {
        drip_str_t id, status;
        if (drip_body_response(&st->priv.u.body, &id, &status) != DRIP_OK) {
            (void)fail(st, DRIP_ERR_JSON_INVALID, DRIP_STATE_PROTOCOL_ERROR, "");
            return;
        }
        (void)copy_field(st->result.response_id, sizeof st->result.response_id, id);
        (void)copy_field(st->result.response_status, sizeof st->result.response_status, status);
        terminal(st, DRIP_STATE_COMPLETED, 1);
        return;
    }
    if (st->priv.raw && !cut) {
        if (st->priv.http.head.chunked || st->priv.http.head.has_length) {
            terminal(st, DRIP_STATE_COMPLETED, 1); /* the whole body: the whole audio */
        } else {
            (void)fail(st, DRIP_ERR_API_TRUNCATED, DRIP_STATE_TRUNCATED, "");
        }
        return;
    }
    if (st->priv.terminal) {
        if (cut) { /* reported, but the answer was already whole */
            (void)fail(st, DRIP_ERR_HTTP_TRUNCATED, st->result.state, "");
        }
        return;
    }
    (void)fail(st, cut ? DRIP_ERR_HTTP_TRUNCATED : DRIP_ERR_API_TRUNCATED, DRIP_STATE_TRUNCATED, "");
}

int drip_stream_feed(drip_stream_t *st, const uint8_t *p, size_t n)
{
    if (st == NULL || (p == NULL && n > 0)) {
        return DRIP_ERR_ARG;
    }
    while (!st->priv.finished) {
        size_t used;
        int e = DRIP_OK;
        int rc = drip_http_feed(&st->priv.http, p, n, &used);
        p += used;
        n -= used;
        if (rc == DRIP_AGAIN) {
            return DRIP_OK;
        }
        if (rc == DRIP_HTTP_HEAD) {
            e = on_head(st);
        } else if (rc == DRIP_HTTP_BODY) {
            if (st->priv.body_scan) {
                (void)drip_body_feed(&st->priv.u.body, st->priv.http.body, st->priv.http.body_len);
            } else if (st->priv.raw) {
                st->result.events++; /* audio delivered: no silent retry after it */
                e = audio(st, st->priv.http.body, st->priv.http.body_len);
            } else {
                e = feed_sse(st, st->priv.http.body, st->priv.http.body_len);
            }
        } else if (rc == DRIP_HTTP_DONE) {
            settle(st, 0);
        } else {
            e = rc;
        }
        if (e != DRIP_OK && !st->priv.finished) {
            (void)fail(st, e, e == DRIP_ERR_CANCELLED ? DRIP_STATE_CANCELLED : DRIP_STATE_PROTOCOL_ERROR,
                       "");
        }
    }
    return st->result.err != 0 && !st->priv.terminal ? st->result.err : DRIP_STREAM_END;
}

drip_state_t drip_stream_finish(drip_stream_t *st)
{
    if (!st->priv.finished) {
        int rc = drip_http_finish(&st->priv.http);
        if (rc == DRIP_HTTP_DONE) {
            settle(st, 0);
        } else if (rc == DRIP_ERR_HTTP_TRUNCATED) {
            settle(st, 1);
        } else {
            (void)fail(st, rc, DRIP_STATE_PROTOCOL_ERROR, "");
        }
    }
    return st->result.state;
}
