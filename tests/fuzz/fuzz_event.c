/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_event: one SSE event's data through both decode paths, for both APIs.
 *
 * Input: [ntok byte][ncalls/split byte][split param] then the event's data.
 *   token path   drip_event_decode() on a copy of the data, with 8 + byte0
 *                jsmn tokens (FZ_GUARD bytes of guard after the array; too
 *                few tokens sends the event through the scanner inside);
 *   scanner path drip_event_scan_init/feed (random pieces)/end, as the
 *                stream does for an event larger than the SSE buffer.
 * Neither may crash or write past its buffers. When both succeed they must
 * agree on type (and type name), sequence_number, and - where the token path
 * defines them (Chat chunks; Responses lifecycle events) - response id and
 * usage. Other invariants:
 *   - no result outside the documented codes (never DRIP_ERR_JSON_NOMEM or
 *     DRIP_ERR_ARG);                                          [codes]
 *   - grammar errors (JSON_INVALID/_ESCAPE/_DEPTH, and a root that is not
 *     an object) are the same on both paths ("an event is valid or not
 *     whatever its size");                                     [grammar]
 *   - every view points into the data, the scanner arena, the call table, or
 *     is one of the decoder's constant names;                  [views]
 *   - a sticky scanner error stays the same over later feeds;
 *   - what the token path decodes, the scanner decodes too, unless it holds
 *     more than the scanner keeps (DELTA_TOO_LARGE, ID_TOO_LONG).  [verdict]
 * Documents where an object repeats a key are left out of the field
 * comparison: RFC 8259 (section 4) leaves their meaning open, jsmn lookups
 * take the first value and the scanner keeps the last. So are documents
 * with a key written with escapes: drip_json_get() compares raw bytes
 * (documented), the scanner unescaped keys (tested in test_scan.c).
 * Responses events are also compared on item_id, indexes, status (lifecycle
 * and output_item) and incomplete_reason (the scanner's may be cut by its
 * arena: a prefix), the item's type/call_id/name/server_label, call_state,
 * and delta when the scanner kept it: an event that fits the buffer
 * decodes the same on both paths.
 * Check names for DRIP_FUZZ_SKIP (to look past a reported finding):
 *   grammar, verdict, views, codes, and type, seq, response_id, usage (Responses)
 *   or chat-type, chat-seq, chat-response_id, chat-usage (Chat); item_id,
 *   indexes, status, incomplete_reason, item_type, call_id, name,
 *   server_label, delta, call_state (Responses).
 */
#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h> /* the harness's own copy, to look at the keys */

#include <dripfeed/drip_event.h>

#include "fuzz_common.h"

#define CTRL 3u
#define MAX_CALLS 4u

static jsmntok_t *g_tok;
static drip_call_slot_t g_calls[MAX_CALLS];
static char g_arena[640]; /* lent to the scanner path (drip_event_set_arena) */

static int is_grammar_err(int e)
{
    return e == DRIP_ERR_JSON_INVALID || e == DRIP_ERR_JSON_ESCAPE || e == DRIP_ERR_JSON_DEPTH;
}

static int known_code(int e)
{
    switch (e) {
    case DRIP_OK:
    case DRIP_ERR_JSON_INVALID:
    case DRIP_ERR_JSON_ESCAPE:
    case DRIP_ERR_JSON_RANGE:
    case DRIP_ERR_JSON_DEPTH:
    case DRIP_ERR_EVENT_NO_TYPE:
    case DRIP_ERR_EVENT_FIELD:
    case DRIP_ERR_EVENT_DELTA_TOO_LARGE:
    case DRIP_ERR_EVENT_CALL_TABLE_FULL:
    case DRIP_ERR_EVENT_ID_TOO_LONG:
        return 1;
    default:
        return 0;
    }
}

static int is_const_name(drip_str_t s)
{
    static const char *const names[] = {"error", "chat.completion.chunk", "[DONE]"};
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (s.n == strlen(names[i]) && memcmp(s.p, names[i], s.n) == 0) {
            return 1;
        }
    }
    return 0;
}

static void check_view(const char *what, const char *field, drip_str_t s, const drip_event_dec_t *d,
                       const uint8_t *data, size_t n)
{
    if (s.p == NULL || fz_skip("views")) {
        FZ_CHECK(s.p != NULL || s.n == 0, "%s: %s absent with length %zu", what, field, s.n);
        return;
    }
    FZ_CHECK(fz_inside(s.p, s.n, data, n) ||
                 (d->scan.arena != NULL && fz_inside(s.p, s.n, d->scan.arena, d->scan.priv.cap)) ||
                 fz_inside(s.p, s.n, d->calls, sizeof d->calls[0] * d->ncalls) || is_const_name(s),
             "%s: view %s [%p,+%zu) points outside data, arena and call table", what, field,
             (const void *)s.p, s.n);
}

static void check_event(const char *what, const drip_event_t *ev, const drip_event_dec_t *d,
                        const uint8_t *data, size_t n)
{
    check_view(what, "type_name", ev->type_name, d, data, n);
    check_view(what, "item_id", ev->item_id, d, data, n);
    check_view(what, "delta", ev->delta, d, data, n);
    check_view(what, "text", ev->text, d, data, n);
    check_view(what, "call_id", ev->call_id, d, data, n);
    check_view(what, "name", ev->name, d, data, n);
    check_view(what, "item_type", ev->item_type, d, data, n);
    check_view(what, "response_id", ev->response_id, d, data, n);
    check_view(what, "status", ev->status, d, data, n);
    check_view(what, "incomplete_reason", ev->incomplete_reason, d, data, n);
    check_view(what, "error.type", ev->error.type, d, data, n);
    check_view(what, "error.code", ev->error.code, d, data, n);
    check_view(what, "error.message", ev->error.message, d, data, n);
    check_view(what, "error.param", ev->error.param, d, data, n);
    check_view(what, "refusal", ev->refusal, d, data, n);
    check_view(what, "finish_reason", ev->finish_reason, d, data, n);
    FZ_CHECK(ev->seq >= -1, "%s: seq %lld", what, (long long)ev->seq);
    FZ_CHECK(ev->output_index >= -1 && ev->content_index >= -1 && ev->summary_index >= -1,
             "%s: negative index", what);
    if (d->api == DRIP_API_CHAT) {
        FZ_CHECK(ev->type == DRIP_EV_CHAT_CHUNK || ev->type == DRIP_EV_ERROR || ev->type == DRIP_EV_DONE,
                 "%s: chat event of type %d", what, ev->type);
    } else {
        FZ_CHECK(ev->type < DRIP_EV_RESPONSES_COUNT_END_ || ev->type == DRIP_EV_DONE,
                 "%s: responses event of type %d", what, ev->type);
    }
}

static int same_str(drip_str_t a, drip_str_t b)
{
    return (a.p == NULL) == (b.p == NULL) && a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static void print_str(const char *name, drip_str_t s)
{
    fprintf(stderr, "  %s: ", name);
    if (s.p == NULL) {
        fprintf(stderr, "(absent)\n");
    } else {
        fprintf(stderr, "\"%.*s\" (%zu bytes)\n", (int)(s.n > 200 ? 200 : s.n), s.p, s.n);
    }
}

/* What the document's keys look like (the two paths read keys differently
 * when they repeat or hold escapes, see the header comment). */
#define K_DUP 1  /* an object has the same key (raw bytes) twice */
#define K_ESC 2  /* a key holds a backslash escape */

static int key_flags(const uint8_t *data, size_t n)
{
    jsmn_parser p;
    jsmntok_t *t;
    int r, i, flags = 0;
    if (n == 0) {
        return 0;
    }
    t = (jsmntok_t *)malloc((n + 1u) * sizeof *t);
    jsmn_init(&p);
    r = jsmn_parse(&p, (const char *)data, n, t, (unsigned)n + 1u);
    for (i = 0; i < r; i++) {
        /* keys: the tokens whose next sibling is their value (size 1 strings
         * inside objects); jsmn gives keys size 1 */
        if (t[i].type == JSMN_STRING && t[i].size == 1) {
            int len = t[i].end - t[i].start;
            if (memchr(data + t[i].start, '\\', (size_t)len) != NULL) {
                flags |= K_ESC;
            }
        }
    }
    /* duplicate keys: walk every object and compare its keys pairwise */
    for (i = 0; i < r; i++) {
        if (t[i].type == JSMN_OBJECT && t[i].size > 1) {
            int k, a, nkeys = t[i].size;
            int *keys = (int *)malloc((size_t)nkeys * sizeof *keys);
            int pos = i + 1;
            for (k = 0; k < nkeys && pos < r; k++) {
                int pending = 1; /* the key (size 1: its value) and what it holds */
                keys[k] = pos;
                while (pending > 0 && pos < r) {
                    pending += t[pos].size - 1;
                    pos++;
                }
            }
            for (a = 0; a < k && !(flags & K_DUP); a++) {
                int b2;
                for (b2 = a + 1; b2 < k; b2++) {
                    const jsmntok_t *x = &t[keys[a]], *y = &t[keys[b2]];
                    if (x->end - x->start == y->end - y->start &&
                        memcmp(data + x->start, data + y->start, (size_t)(x->end - x->start)) == 0) {
                        flags |= K_DUP;
                        break;
                    }
                }
            }
            free(keys);
        }
    }
    free(t);
    return flags;
}

/* The JSON text's first byte (after white space) is not '{'. */
static int root_not_object(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')) {
        i++;
    }
    return i == n || p[i] != '{';
}

/* Skip switch of a comparison: "name" for Responses, "chat-name" for Chat. */
static int skip_cmp(drip_api_t api, const char *name)
{
    char k[32];
    snprintf(k, sizeof k, "%s%s", api == DRIP_API_CHAT ? "chat-" : "", name);
    return fz_skip(k);
}

static void cmp_str(const char *an, const char *field, drip_str_t t, drip_str_t s)
{
    if (!fz_skip(field) && !same_str(t, s)) {
        print_str("token path", t);
        print_str("scanner", s);
        FZ_CHECK(0, "%s: %s differs between the token path and the scanner", an, field);
    }
}

/* Strings the scanner keeps without asking them whole (status, reason):
 * the arena may cut them, so its value is a prefix of the token path's. */
static void cmp_prefix(const char *an, const char *field, drip_str_t t, drip_str_t s)
{
    if (!fz_skip(field) && !((t.p == NULL) == (s.p == NULL) && s.n <= t.n &&
                             (s.n == 0 || memcmp(t.p, s.p, s.n) == 0))) {
        print_str("token path", t);
        print_str("scanner", s);
        FZ_CHECK(0, "%s: %s of the scanner is not the token path's (or its start)", an, field);
    }
}

static void compare(drip_api_t api, const drip_event_t *t, const drip_event_t *s, int kf)
{
    const char *an = (kf & K_DUP) ? (api == DRIP_API_CHAT ? "chat, duplicate keys" : "responses, duplicate keys")
                     : (kf & K_ESC) ? (api == DRIP_API_CHAT ? "chat, escaped key" : "responses, escaped key")
                     : (api == DRIP_API_CHAT ? "chat" : "responses");
    if (kf != 0) {
        return;
    }
    int lifecycle = api == DRIP_API_CHAT ||
                    (t->type >= DRIP_EV_RESPONSE_CREATED && t->type <= DRIP_EV_RESPONSE_FAILED);
    if (!skip_cmp(api, "type") && (t->type != s->type || !same_str(t->type_name, s->type_name))) {
        print_str("token path type_name", t->type_name);
        print_str("scanner type_name", s->type_name);
        FZ_CHECK(0, "%s: type %d (token path) != %d (scanner)", an, t->type, s->type);
    }
    FZ_CHECK(skip_cmp(api, "seq") || t->seq == s->seq, "%s: seq %lld (token path) != %lld (scanner)",
             an, (long long)t->seq, (long long)s->seq);
    if (lifecycle && !skip_cmp(api, "response_id") && !same_str(t->response_id, s->response_id)) {
        print_str("token path response_id", t->response_id);
        print_str("scanner response_id", s->response_id);
        FZ_CHECK(0, "%s: response id differs between the token path and the scanner", an);
    }
    if (api == DRIP_API_RESPONSES) {
        int item = t->type == DRIP_EV_OUTPUT_ITEM_ADDED || t->type == DRIP_EV_OUTPUT_ITEM_DONE;
        cmp_str(an, "item_id", t->item_id, s->item_id);
        FZ_CHECK(skip_cmp(api, "indexes") || (t->output_index == s->output_index &&
                                              t->content_index == s->content_index &&
                                              t->summary_index == s->summary_index),
                 "%s: indexes %d/%d/%d (token path) != %d/%d/%d (scanner)", an, t->output_index,
                 t->content_index, t->summary_index, s->output_index, s->content_index,
                 s->summary_index);
        if (lifecycle || item) {
            cmp_prefix(an, "status", t->status, s->status);
        }
        if (lifecycle) {
            cmp_prefix(an, "incomplete_reason", t->incomplete_reason, s->incomplete_reason);
        }
        if (item) {
            cmp_str(an, "item_type", t->item_type, s->item_type);
            cmp_str(an, "call_id", t->call_id, s->call_id);
            cmp_str(an, "name", t->name, s->name);
            cmp_str(an, "server_label", t->server_label, s->server_label);
        }
        if (s->delta.p != NULL) { /* absent when the arena cut a media delta */
            cmp_str(an, "delta", t->delta, s->delta);
        }
        FZ_CHECK(skip_cmp(api, "call_state") || t->call_state == s->call_state,
                 "%s: call_state %u (token path) != %u (scanner)", an, t->call_state, s->call_state);
    }
    if (lifecycle && !skip_cmp(api, "usage")) {
        FZ_CHECK(t->has_usage == s->has_usage, "%s: has_usage %d (token path) != %d (scanner)", an,
                 t->has_usage, s->has_usage);
        if (t->has_usage) {
            FZ_CHECK(t->usage.input_tokens == s->usage.input_tokens &&
                         t->usage.output_tokens == s->usage.output_tokens &&
                         t->usage.total_tokens == s->usage.total_tokens &&
                         t->usage.reasoning_tokens == s->usage.reasoning_tokens &&
                         t->usage.cached_tokens == s->usage.cached_tokens,
                     "%s: usage differs: token path in=%lld out=%lld total=%lld reasoning=%lld "
                     "cached=%lld, scanner in=%lld out=%lld total=%lld reasoning=%lld cached=%lld",
                     an, (long long)t->usage.input_tokens, (long long)t->usage.output_tokens,
                     (long long)t->usage.total_tokens, (long long)t->usage.reasoning_tokens,
                     (long long)t->usage.cached_tokens, (long long)s->usage.input_tokens,
                     (long long)s->usage.output_tokens, (long long)s->usage.total_tokens,
                     (long long)s->usage.reasoning_tokens, (long long)s->usage.cached_tokens);
        }
    }
}

static void one_api(drip_api_t api, const uint8_t *in, size_t n, unsigned ntok, unsigned ncalls,
                    uint8_t s0, uint8_t s1)
{
    static drip_event_dec_t dt, ds;
    drip_event_t et, es;
    uint8_t *copy = fz_dup_guarded(in, n);
    fz_split_t split;
    size_t off = 0;
    int e_tok, e_scan, sticky = 0;
    const char *an = api == DRIP_API_CHAT ? "chat" : "responses";

    /* token path */
    fz_guard_set(g_tok + ntok, FZ_GUARD * sizeof(jsmntok_t));
    FZ_CHECK(drip_event_init(&dt, api, g_tok, ntok, g_calls, ncalls) == DRIP_OK, "init");
    e_tok = drip_event_decode(&dt, (char *)copy, n, &et);
    fz_guard_check(g_tok + ntok, FZ_GUARD * sizeof(jsmntok_t), "the token array");
    fz_guard_check(copy + n, FZ_GUARD, "the event data");
    FZ_CHECK(fz_skip("codes") || known_code(e_tok), "%s: decode returned %d", an, e_tok);
    if (e_tok == DRIP_OK) {
        check_event("token path", &et, &dt, copy, n);
    }

    /* scanner path, in pieces (its arena as the library's own was: 640 bytes) */
    FZ_CHECK(drip_event_init(&ds, api, g_tok, ntok, g_calls, ncalls) == DRIP_OK, "init");
    drip_event_set_arena(&ds, g_arena, sizeof g_arena);
    FZ_CHECK(drip_event_scan_init(&ds) == DRIP_OK, "scan_begin");
    fz_split_init(&split, s0, s1);
    while (off < n) {
        size_t k = fz_split_next(&split, n - off);
        int e = drip_event_scan_feed(&ds, in + off, k);
        FZ_CHECK(sticky == 0 || e == sticky, "%s: scanner error %d not sticky (now %d)", an, sticky, e);
        FZ_CHECK(e == DRIP_OK || is_grammar_err(e), "%s: scan_feed returned %d", an, e);
        sticky = e;
        off += k;
    }
    e_scan = drip_event_scan_finish(&ds, &es);
    FZ_CHECK(sticky == 0 || e_scan == sticky, "%s: scan_end %d after feed error %d", an, e_scan, sticky);
    FZ_CHECK(fz_skip("codes") || known_code(e_scan), "%s: scan_end returned %d", an, e_scan);
    if (e_scan == DRIP_OK) {
        FZ_CHECK(es.oversize == 1, "%s: scanned event not flagged oversize", an);
        check_event("scanner", &es, &ds, in, 0);
    }

    /* validity does not depend on the path */
    if (!fz_skip("grammar") && (is_grammar_err(e_tok) || is_grammar_err(e_scan)) &&
        !(e_tok == DRIP_OK && et.type == DRIP_EV_DONE)) {
        FZ_CHECK(e_tok == e_scan, "%s: grammar verdicts differ: token path %d (%s), scanner %d (%s)%s",
                 an, e_tok, drip_err_str(e_tok), e_scan, drip_err_str(e_scan),
                 root_not_object(in, n) ? " (the root value is not an object)" : "");
    }
    if (e_tok == DRIP_OK && e_tok != e_scan && !fz_skip("verdict") && et.type != DRIP_EV_DONE &&
        key_flags(in, n) == 0) {
        /* what the token path takes, the scanner takes too, unless it is
         * more than the scanner can keep */
        FZ_CHECK(e_scan == DRIP_ERR_EVENT_DELTA_TOO_LARGE || e_scan == DRIP_ERR_EVENT_ID_TOO_LONG,
                 "%s: token path decodes (type %d), the scanner says %d (%s)", an, et.type, e_scan,
                 drip_err_str(e_scan));
    }
    if (e_tok == DRIP_OK && e_scan == DRIP_OK) {
        compare(api, &et, &es, key_flags(in, n));
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
    unsigned ntok, ncalls;
    if (size < CTRL) {
        return 0;
    }
    if (g_tok == NULL) {
        g_tok = (jsmntok_t *)malloc((8u + 255u) * sizeof(jsmntok_t) + FZ_GUARD * sizeof(jsmntok_t));
    }
    ntok = 8u + in[0];
    ncalls = 1u + (in[1] & 3u);
    one_api(DRIP_API_RESPONSES, in + CTRL, size - CTRL, ntok, ncalls, (uint8_t)(in[1] >> 2), in[2]);
    one_api(DRIP_API_CHAT, in + CTRL, size - CTRL, ntok, ncalls, (uint8_t)(in[1] >> 2), in[2]);
    return 0;
}
