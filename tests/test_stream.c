/* SPDX-License-Identifier: Apache-2.0 */
/* drip_stream over whole HTTP responses with recording handlers: every
 * capture against its .expected summary, callback timing and cancelling,
 * error reporting, resume (skip_through), and the constant-memory proof: a
 * response.completed event of 1 MB and then 4 MB decoded through a 512-byte
 * data buffer and 32 tokens. */
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
#include <strings.h>

/* ---- growable byte buffer (tests may use the heap) ---------------------- */

static void buf_free(th_buf_t *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* ---- recording handlers ---------------------------------------------------- */

#define MAX_ERRS 16
#define MAX_EVS 200000

typedef struct {
    drip_err_t code;
    int status;
    int has_type, has_code, has_message, has_param;
    char type[64], code_s[64], message[512], param[64], detail[64];
} err_rec_t;

typedef struct {
    th_buf_t text, refusal, reasoning;
    size_t off;            /* offset of the last byte of the current feed call */
    int in_feed;           /* handlers must only run inside drip_stream_feed/finish */
    size_t *ev_off;        /* offset at each on_event */
    size_t nev, nev_cap;
    int64_t *ev_seq;
    size_t ntext, text_mismatch;
    size_t first_bad_text_off, first_bad_ev_off;
    int nerr;
    err_rec_t err[MAX_ERRS];
    int ncalls_delta, ncalls_done;
    th_buf_t calls;           /* "call_id name: args" per done */
    th_buf_t args;            /* "call_id=" + every argument delta, per call */
    th_buf_t done_args;       /* "call_id=args;" per done that carried them */
    th_buf_t approvals;       /* "id label name args;" per approval */
    int callbacks;         /* every handler call */
    int cancel_at;         /* callback number at which a handler returns non-zero, 0: never */
    int cancel_kind;       /* which handler cancels: 'h','e','t','r','z','c','d' */
    int cancelled_at;      /* callbacks count when it cancelled */
    int after_cancel;      /* callbacks after the cancel */
    int head_status;
} rec_t;

static drip_err_t count(rec_t *r, int kind)
{
    r->callbacks++;
    if (!r->in_feed) {
        fail_msg("a handler ran outside drip_stream_feed/finish");
    }
    if (r->cancelled_at) {
        r->after_cancel++;
        return DRIP_OK;
    }
    if (r->cancel_at > 0 && kind == r->cancel_kind && --r->cancel_at == 0) {
        r->cancelled_at = r->callbacks;
        return (drip_err_t)1;
    }
    return DRIP_OK;
}

static drip_err_t h_head(void *u, const drip_http_head_t *h)
{
    rec_t *r = u;
    r->head_status = h->status;
    return count(r, 'h');
}

static drip_err_t h_event(void *u, const drip_event_t *ev)
{
    rec_t *r = u;
    if (r->nev == r->nev_cap) {
        r->nev_cap = r->nev_cap ? r->nev_cap * 2 : 1024;
        r->ev_off = realloc(r->ev_off, r->nev_cap * sizeof *r->ev_off);
        r->ev_seq = realloc(r->ev_seq, r->nev_cap * sizeof *r->ev_seq);
        assert_non_null(r->ev_off);
        assert_non_null(r->ev_seq);
    }
    r->ev_off[r->nev] = r->off;
    r->ev_seq[r->nev] = ev->seq;
    r->nev++;
    return count(r, 'e');
}

static drip_err_t h_text(void *u, const drip_event_t *ev, const char *p, size_t n)
{
    rec_t *r = u;
    (void)ev;
    th_buf_add(&r->text, p, n);
    /* fired for the event just announced to on_event, within the same feed call */
    if (r->nev == 0 || r->ev_off[r->nev - 1] != r->off) {
        if (r->text_mismatch++ == 0) {
            r->first_bad_text_off = r->off;
        }
    }
    r->ntext++;
    return count(r, 't');
}

static drip_err_t h_refusal(void *u, const drip_event_t *ev, const char *p, size_t n)
{
    rec_t *r = u;
    (void)ev;
    th_buf_add(&r->refusal, p, n);
    return count(r, 'r');
}

static drip_err_t h_reasoning(void *u, const drip_event_t *ev, const char *p, size_t n)
{
    rec_t *r = u;
    (void)ev;
    th_buf_add(&r->reasoning, p, n);
    return count(r, 'z');
}

static drip_err_t h_call_delta(void *u, const drip_call_t *c, const char *p, size_t n)
{
    rec_t *r = u;
    if (r->args.n == 0 || c->call_id.n == 0 || r->args.p[r->args.n - 1] == ';') {
        th_buf_add(&r->args, c->call_id.p ? c->call_id.p : "", c->call_id.n);
        th_buf_str(&r->args, "=");
    }
    th_buf_add(&r->args, p ? p : "", n);
    r->ncalls_delta++;
    return count(r, 'c');
}

static drip_err_t h_call_done(void *u, const drip_call_t *c)
{
    rec_t *r = u;
    r->ncalls_done++;
    if (r->args.n > 0) {
        th_buf_str(&r->args, ";");
    }
    if (c->arguments.p != NULL) {
        th_buf_add(&r->done_args, c->call_id.p ? c->call_id.p : "", c->call_id.n);
        th_buf_str(&r->done_args, "=");
        th_buf_add(&r->done_args, c->arguments.p, c->arguments.n);
        th_buf_str(&r->done_args, ";");
    }
    th_buf_add(&r->calls, c->call_id.p ? c->call_id.p : "", c->call_id.n);
    th_buf_str(&r->calls, " ");
    th_buf_add(&r->calls, c->name.p ? c->name.p : "", c->name.n);
    th_buf_str(&r->calls, ";");
    return count(r, 'd');
}

static void copy_view(char *dst, size_t cap, drip_str_t s, int *has)
{
    size_t n = s.n < cap - 1 ? s.n : cap - 1;
    *has = s.p != NULL;
    if (s.p != NULL) {
        memcpy(dst, s.p, n);
    } else {
        n = 0;
    }
    dst[n] = '\0';
}

static void h_error(void *u, const drip_error_t *e)
{
    rec_t *r = u;
    (void)count(r, 'x');
    if (r->nerr < MAX_ERRS) {
        err_rec_t *x = &r->err[r->nerr];
        int dummy;
        x->code = e->code;
        x->status = e->api.status;
        copy_view(x->type, sizeof x->type, e->api.type, &x->has_type);
        copy_view(x->code_s, sizeof x->code_s, e->api.code, &x->has_code);
        copy_view(x->message, sizeof x->message, e->api.message, &x->has_message);
        copy_view(x->param, sizeof x->param, e->api.param, &x->has_param);
        if (e->detail != NULL) {
            drip_str_t d;
            d.p = e->detail;
            d.n = strlen(e->detail);
            copy_view(x->detail, sizeof x->detail, d, &dummy);
        } else {
            x->detail[0] = '\0';
        }
    }
    r->nerr++;
}

static drip_err_t h_approval(void *u, const drip_approval_t *a)
{
    rec_t *r = u;
    th_buf_fmt(&r->approvals, "%.*s %.*s %.*s %.*s;", (int)a->id.n, a->id.p ? a->id.p : "",
               (int)a->server_label.n, a->server_label.p ? a->server_label.p : "", (int)a->name.n,
               a->name.p ? a->name.p : "", (int)a->arguments.n,
               a->arguments.p ? a->arguments.p : "(none)");
    return count(r, 'a');
}

static const drip_handlers_t k_handlers = {h_head,      h_event,      h_text,      h_refusal,
                                           h_reasoning, h_call_delta, h_call_done, h_error,
                                           h_approval,  NULL};

static void rec_free(rec_t *r)
{
    buf_free(&r->args);
    buf_free(&r->done_args);
    buf_free(&r->approvals);
    buf_free(&r->text);
    buf_free(&r->refusal);
    buf_free(&r->reasoning);
    buf_free(&r->calls);
    free(r->ev_off);
    free(r->ev_seq);
    memset(r, 0, sizeof *r);
}

/* ---- the stream under test -------------------------------------------------- */

static drip_stream_t g_st;
static uint8_t g_data[4096];
static jsmntok_t g_tok[64];
static drip_call_slot_t g_calls[4];

static void stream_init(drip_api_t api, size_t buf_len, rec_t *r)
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
    cfg.user = r;
    assert_int_equal(drip_stream_init(&g_st, &cfg), DRIP_OK);
    assert_int_equal(g_st.result.state, DRIP_STATE_PENDING);
}

/* Feed `len` bytes in pieces of `piece` (0: pseudo-random sizes from `seed`).
 * Returns the last feed result; stops feeding after END or an error. */
static int feed_all(drip_stream_t *st, rec_t *r, const unsigned char *p, size_t len, size_t piece,
                    uint32_t seed)
{
    size_t off = 0;
    int rc = DRIP_OK;
    uint32_t rs = seed;
    while (off < len && rc == DRIP_OK) {
        size_t k = piece;
        if (k == 0) {
            k = 1 + th_rand(&rs) % 1500u;
            if (th_rand(&rs) % 16u == 0) {
                k = 1 + th_rand(&rs) % 65536u;
            }
        }
        if (k > len - off) {
            k = len - off;
        }
        r->off = off + k - 1;
        r->in_feed = 1;
        rc = drip_stream_feed(st, p + off, k);
        r->in_feed = 0;
        off += k;
    }
    return rc;
}

static drip_state_t finish(drip_stream_t *st, rec_t *r)
{
    drip_state_t s;
    r->in_feed = 1;
    s = drip_stream_finish(st);
    r->in_feed = 0;
    return s;
}

static drip_api_t api_of(const char *name)
{
    return strncmp(name, "chat-", 5) == 0 ? DRIP_API_CHAT : DRIP_API_RESPONSES;
}

static void wrap_chunked(th_buf_t *http, const th_buf_t *body, uint32_t seed);

/* ---- raw HTTP helpers ---------------------------------------------------- */

static int isxdigit_c(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static size_t hexval(unsigned char c)
{
    return c <= '9' ? (size_t)(c - '0') : (size_t)((c | 0x20) - 'a' + 10);
}

/* Offsets of the body bytes in the raw response (de-chunked). Returns the
 * number of body bytes; *map is malloc'ed. */
static size_t body_map(const unsigned char *raw, size_t len, size_t **map)
{
    size_t pos = 0, nb = 0;
    int chunked = 0;
    long long clen = -1;
    size_t *m = malloc((len + 1) * sizeof *m);
    assert_non_null(m);
    for (;;) { /* skip interim 1xx heads */
        size_t e = pos, hs = pos;
        int status;
        while (e + 3 < len && memcmp(raw + e, "\r\n\r\n", 4) != 0) {
            e++;
        }
        assert_true(e + 3 < len);
        status = atoi((const char *)raw + pos + 9);
        pos = e + 4;
        if (status >= 200) {
            size_t i;
            for (i = hs; i < e; i++) {
                if (raw[i] == '\n') {
                    const char *h = (const char *)raw + i + 1;
                    if (strncasecmp(h, "transfer-encoding:", 18) == 0) {
                        const char *v = h + 18;
                        while (*v == ' ') {
                            v++;
                        }
                        chunked = strncasecmp(v, "chunked", 7) == 0;
                    } else if (strncasecmp(h, "content-length:", 15) == 0) {
                        clen = atoll(h + 15);
                    }
                }
            }
            break;
        }
    }
    if (chunked) {
        for (;;) {
            size_t size = 0;
            while (pos < len && isxdigit_c(raw[pos])) {
                size = size * 16u + hexval(raw[pos]);
                pos++;
            }
            while (pos + 1 < len && !(raw[pos] == '\r' && raw[pos + 1] == '\n')) {
                pos++; /* extensions */
            }
            pos += 2;
            if (size == 0 || pos >= len) {
                break;
            }
            while (size-- > 0 && pos < len) {
                m[nb++] = pos++;
            }
            pos += 2;
        }
    } else {
        size_t end = clen >= 0 && (size_t)clen <= len - pos ? pos + (size_t)clen : len;
        while (pos < end) {
            m[nb++] = pos++;
        }
    }
    *map = m;
    return nb;
}

/* Raw offsets at which the SSE parser must dispatch each event that carries
 * data other than [DONE]: the first byte of the line end that ends the
 * blank line. */
static size_t event_ends(const unsigned char *raw, size_t len, size_t **ends)
{
    size_t *map = NULL;
    size_t nb = body_map(raw, len, &map);
    unsigned char *b = malloc(nb + 1);
    size_t i = 0, k = 0, *out = malloc((nb + 1) * sizeof *out);
    int has_data = 0, is_done = 0;
    assert_non_null(b);
    assert_non_null(out);
    for (i = 0; i < nb; i++) {
        b[i] = raw[map[i]];
    }
    i = 0;
    while (i < nb) {
        size_t j = i;
        while (j < nb && b[j] != '\r' && b[j] != '\n') {
            j++;
        }
        if (j == nb) {
            break; /* unterminated last line */
        }
        if (j == i) {
            if (has_data && !is_done) {
                out[k++] = map[j];
            }
            has_data = is_done = 0;
        } else if (b[i] != ':' && j - i >= 4 && memcmp(b + i, "data", 4) == 0 &&
                   (j - i == 4 || b[i + 4] == ':')) {
            size_t v = i + 5;
            if (v < j && b[v] == ' ') {
                v++;
            }
            is_done = has_data == 0 && j - v == 6 && memcmp(b + v, "[DONE]", 6) == 0;
            has_data = 1;
        }
        i = (b[j] == '\r' && j + 1 < nb && b[j + 1] == '\n') ? j + 2 : j + 1;
    }
    free(b);
    free(map);
    *ends = out;
    return k;
}

/* ---- the .expected summary line: a few fields by plain string search ----- */

/* Skip one JSON value (the files are valid JSON); returns the byte after it. */
static const char *skip_value(const char *p)
{
    int depth = 0;
    do {
        if (*p == '"') {
            p++;
            while (*p != '"') {
                assert_true(*p != '\0');
                p += *p == '\\' ? 2 : 1;
            }
            p++;
        } else if (*p == '{' || *p == '[') {
            depth++;
            p++;
        } else if (*p == '}' || *p == ']') {
            depth--;
            p++;
        } else if (*p == ',' || *p == ':') {
            p++;
        } else {
            while (*p != ',' && *p != '}' && *p != ']' && *p != '\0') {
                p++;
            }
        }
    } while (depth > 0);
    return p;
}

/* Value of the top-level member `key` of the one-line object `line`. */
static const char *field_in(const char *obj, const char *key)
{
    const char *p = obj;
    size_t kl = strlen(key);
    assert_true(*p == '{');
    p++;
    while (*p == '"') {
        const char *k = p + 1, *v;
        v = skip_value(p); /* the key string */
        assert_true(*v == ':');
        v++;
        if ((size_t)(v - 2 - k) == kl && memcmp(k, key, kl) == 0) {
            return v;
        }
        p = skip_value(v);
        if (*p == ',') {
            p++;
        }
    }
    fail_msg("no member %s in %.80s", key, obj);
    return NULL;
}

static const char *field(const char *line, const char *key)
{
    return field_in(line, key);
}

static void put_utf8(th_buf_t *b, unsigned long cp)
{
    unsigned char o[4];
    size_t n;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        o[0] = (unsigned char)(0xF0 | (cp >> 18));
        o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    th_buf_add(b, o, n);
}

/* JSON string at p (p at the opening quote) or null; returns 0 for null. */
static int json_string(const char *p, th_buf_t *out)
{
    out->n = 0;
    th_buf_add(out, "", 0);
    if (strncmp(p, "null", 4) == 0) {
        return 0;
    }
    assert_true(*p == '"');
    p++;
    while (*p != '"') {
        assert_true(*p != '\0');
        if (*p != '\\') {
            th_buf_add(out, p++, 1);
            continue;
        }
        p++;
        switch (*p) {
        case 'n': th_buf_add(out, "\n", 1); break;
        case 't': th_buf_add(out, "\t", 1); break;
        case 'r': th_buf_add(out, "\r", 1); break;
        case 'b': th_buf_add(out, "\b", 1); break;
        case 'f': th_buf_add(out, "\f", 1); break;
        case 'u': {
            unsigned long cp = strtoul((char[5]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && p[1] == '\\' && p[2] == 'u') {
                unsigned long lo = strtoul((char[5]){p[3], p[4], p[5], p[6], 0}, NULL, 16);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            }
            put_utf8(out, cp);
            break;
        }
        default: th_buf_add(out, p, 1); break; /* " \ / */
        }
        p++;
    }
    return 1;
}

static long long usage_num(const char *usage, const char *key)
{
    return atoll(field_in(usage, key));
}

/* ---- every capture against its .expected --------------------------------- */

static void check_view_str(const char *what, const char *cap, const char *got, size_t gotn,
                           const th_buf_t *want)
{
    if (gotn != want->n || memcmp(got, want->p, gotn) != 0) {
        fail_msg("%s: %s: got %zu bytes '%.*s', want %zu bytes '%.*s'", cap, what, gotn,
                 (int)(gotn > 300 ? 300 : gotn), got, want->n,
                 (int)(want->n > 300 ? 300 : want->n), want->p);
    }
}

static void check_capture(const char *name, size_t piece, uint32_t seed, int check_timing)
{
    char base[128], path[160];
    size_t len = 0, elen = 0;
    unsigned char *raw, *exp;
    rec_t r;
    th_buf_t want = {0};
    const char *line, *u;
    drip_state_t st;
    size_t bl = strlen(name) - 5; /* without ".http" */

    memcpy(base, name, bl);
    base[bl] = '\0';
    raw = th_capture(name, &len);
    snprintf(path, sizeof path, "%s.expected", base);
    exp = th_capture(path, &elen);
    assert_non_null(raw);
    if (exp == NULL) {
        print_message("  (no %s: skipped)\n", path);
        free(raw);
        return;
    }
    line = (const char *)exp;
    memset(&r, 0, sizeof r);
    stream_init(api_of(name), sizeof g_data, &r);
    (void)feed_all(&g_st, &r, raw, len, piece, seed);
    st = finish(&g_st, &r);

    /* state */
    {
        const char *s = field(line, "state");
        char ws[32];
        size_t i = 0;
        assert_true(*s == '"');
        s++;
        while (s[i] != '"' && i < sizeof ws - 1) {
            ws[i] = s[i];
            i++;
        }
        ws[i] = '\0';
        if (strcmp(drip_state_name(st), ws) != 0 || st != g_st.result.state) {
            fail_msg("%s (feed %zu): state %s, want %s (err %d %s)", name, piece,
                     drip_state_name(st), ws, (int)g_st.result.err,
                     drip_err_str(g_st.result.err));
        }
    }
    /* http_status */
    {
        const char *s = field(line, "http_status");
        if (strncmp(s, "null", 4) != 0) {
            assert_int_equal(g_st.result.http_status, atoi(s));
        }
    }
    /* response_id */
    {
        int present = json_string(field(line, "response_id"), &want);
        if (present) {
            check_view_str("response_id", name, g_st.result.response_id,
                           strlen(g_st.result.response_id), &want);
        } else if (g_st.result.response_id[0] != '\0') {
            fail_msg("%s: response_id '%s', want none", name, g_st.result.response_id);
        }
    }
    /* text, refusal, reasoning summary */
    json_string(field(line, "text"), &want);
    check_view_str("text", name, r.text.p ? r.text.p : "", r.text.n, &want);
    json_string(field(line, "refusal"), &want);
    check_view_str("refusal", name, r.refusal.p ? r.refusal.p : "", r.refusal.n, &want);
    json_string(field(line, "reasoning_summary"), &want);
    check_view_str("reasoning_summary", name, r.reasoning.p ? r.reasoning.p : "", r.reasoning.n,
                   &want);
    /* usage */
    u = field(line, "usage");
    if (strncmp(u, "null", 4) == 0) {
        if (g_st.result.has_usage) {
            fail_msg("%s: usage present, want null", name);
        }
    } else {
        if (!g_st.result.has_usage) {
            fail_msg("%s: no usage, want %.120s", name, u);
        }
        assert_int_equal(g_st.result.usage.input_tokens, usage_num(u, "input_tokens"));
        assert_int_equal(g_st.result.usage.output_tokens, usage_num(u, "output_tokens"));
        assert_int_equal(g_st.result.usage.total_tokens, usage_num(u, "total_tokens"));
        assert_int_equal(g_st.result.usage.reasoning_tokens, usage_num(u, "reasoning_tokens"));
        assert_int_equal(g_st.result.usage.cached_tokens, usage_num(u, "cached_tokens"));
    }

    /* error: type and code exactly, the message as far as the result keeps it */
    {
        const char *e = field(line, "error");
        const drip_result_t *res = &g_st.result;
        if (strncmp(e, "null", 4) == 0) {
            if (res->has_error) {
                fail_msg("%s: error recorded (code %s), want null", name, res->error_code);
            }
        } else {
            static const char *const keys[3] = {"type", "code", "message"};
            const char *got[3];
            int k;
            got[0] = res->error_type;
            got[1] = res->error_code;
            got[2] = res->error_message;
            if (!res->has_error) {
                fail_msg("%s: no error recorded, want %.200s", name, e);
            }
            {
                const char *st = field_in(e, "status");
                int want_status = strncmp(st, "null", 4) == 0 ? 0 : atoi(st);
                assert_int_equal(res->error_status, want_status);
            }
            for (k = 0; k < 3; k++) {
                int present = json_string(field_in(e, keys[k]), &want);
                int has = (res->error_has >> k) & 1;
                if (present != has) {
                    fail_msg("%s: error.%s %s, want %s", name, keys[k],
                             has ? "present" : "absent", present ? "present" : "null");
                }
                if (!present) {
                    continue;
                }
                if (k == 2 && want.n >= DRIP_ERRMSG_MAX) {
                    /* kept cut to DRIP_ERRMSG_MAX - 1 bytes and flagged */
                    assert_true(res->message_cut);
                    assert_true(strlen(got[k]) < DRIP_ERRMSG_MAX);
                    assert_true(strlen(got[k]) > 0);
                    want.n = strlen(got[k]);
                } else if (k == 2) {
                    assert_false(res->message_cut);
                }
                check_view_str(keys[k], name, got[k], strlen(got[k]), &want);
            }
        }
    }
    {
        int present = json_string(field(line, "incomplete_reason"), &want);
        if (!present) {
            want.n = 0;
        }
        check_view_str("incomplete_reason", name, g_st.result.incomplete_reason,
                       strlen(g_st.result.incomplete_reason), &want);
    }
    {
        int present = json_string(field(line, "request_id"), &want);
        const char *rid = drip_stream_head(&g_st)->request_id;
        if (!present) {
            want.n = 0;
        }
        check_view_str("request_id", name, rid, strlen(rid), &want);
    }

    /* timing: on_event fires in the feed call that delivers the blank line
     * ending its event (byte-by-byte feeding: at that very byte), and on_text
     * in the same call as its event */
    if (check_timing) {
        size_t *ends = NULL, ne = event_ends(raw, len, &ends), i;
        int sse = g_st.result.http_status >= 200 && g_st.result.http_status <= 299 &&
                  g_st.result.state != DRIP_STATE_PROTOCOL_ERROR;
        if (!sse) {
            ne = 0;
        }
        if (r.nev != ne) {
            fail_msg("%s: %zu on_event calls, want %zu (one per data event)", name, r.nev, ne);
        }
        for (i = 0; i < ne; i++) {
            if (r.ev_off[i] != ends[i]) {
                fail_msg("%s: event #%zu dispatched at byte %zu, its blank line is at byte %zu",
                         name, i, r.ev_off[i], ends[i]);
            }
        }
        if (r.text_mismatch != 0) {
            fail_msg("%s: %zu on_text calls not in the feed call of their event (first at %zu)",
                     name, r.text_mismatch, r.first_bad_text_off);
        }
        free(ends);
    }
    buf_free(&want);
    rec_free(&r);
    free(raw);
    free(exp);
}

static void test_captures_expected(void **state)
{
    static th_name_t names[256];
    size_t n = th_list_dir(DRIP_TEST_CAPTURES, ".http", names, 256), i;
    (void)state;
    assert_true(n >= 20);
    for (i = 0; i < n; i++) {
        check_capture(names[i].name, 4096, 0, 0);
        check_capture(names[i].name, 0, (uint32_t)i + 77u, 0);
    }
    print_message("  %zu captures agree with their .expected (whole reads and random splits)\n",
                  n);
}

static void test_callback_timing_byte_by_byte(void **state)
{
    static th_name_t names[256];
    size_t n = th_list_dir(DRIP_TEST_CAPTURES, ".http", names, 256), i;
    (void)state;
    for (i = 0; i < n; i++) {
        check_capture(names[i].name, 1, 0, 1);
    }
    print_message("  %zu captures fed byte by byte: every event and text callback at its "
                  "blank line\n",
                  n);
}

/* ---- cancelling ---------------------------------------------------------- */

static void cancel_case(const char *cap, int kind, int nth, size_t piece)
{
    size_t len = 0;
    unsigned char *raw = th_capture(cap, &len);
    rec_t r;
    int rc;
    assert_non_null(raw);
    memset(&r, 0, sizeof r);
    r.cancel_kind = kind;
    r.cancel_at = nth;
    stream_init(api_of(cap), sizeof g_data, &r);
    rc = feed_all(&g_st, &r, raw, len, piece, 5);
    if (r.cancelled_at == 0) {
        fail_msg("%s: handler '%c' #%d never ran", cap, kind, nth);
    }
    if (rc != DRIP_ERR_CANCELLED) {
        fail_msg("%s: cancel by '%c' #%d (feed %zu): feed returned %d (%s), want "
                 "DRIP_ERR_CANCELLED",
                 cap, kind, nth, piece, rc, drip_err_str(rc));
    }
    assert_int_equal(g_st.result.state, DRIP_STATE_CANCELLED);
    assert_int_equal(g_st.result.err, DRIP_ERR_CANCELLED);
    /* later feeds and the end of the connection change nothing, call nobody */
    r.in_feed = 1;
    assert_int_equal(drip_stream_feed(&g_st, raw, len), DRIP_ERR_CANCELLED);
    r.in_feed = 0;
    assert_int_equal(finish(&g_st, &r), DRIP_STATE_CANCELLED);
    assert_int_equal(g_st.result.state, DRIP_STATE_CANCELLED);
    if (r.after_cancel != 0) {
        fail_msg("%s: %d callbacks after handler '%c' cancelled", cap, r.after_cancel, kind);
    }
    rec_free(&r);
    free(raw);
}

static void test_cancel(void **state)
{
    static const size_t pieces[] = {1, 7, 4096, 1 << 20};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
        size_t p = pieces[i];
        cancel_case("responses-text-gpt52.http", 't', 1, p);
        cancel_case("responses-text-gpt52.http", 't', 3, p);
        cancel_case("responses-text-gpt52.http", 'e', 1, p);
        cancel_case("responses-text-gpt52.http", 'e', 14, p); /* response.completed */
        cancel_case("responses-text-gpt52.http", 'h', 1, p);
        cancel_case("responses-function-call-gpt5.http", 'c', 2, p);
        cancel_case("responses-function-call-gpt5.http", 'd', 1, p);
        cancel_case("responses-reasoning-summary-o3mini.http", 'z', 50, p);
        cancel_case("responses-refusal.http", 'r', 1, p);
        cancel_case("chat-text.http", 't', 5, p);
        cancel_case("chat-tool-call.http", 'c', 3, p);
        cancel_case("chat-parallel-tools.http", 'd', 1, p);
        cancel_case("chat-refusal.http", 'r', 2, p);
    }
}

/* ---- errors -------------------------------------------------------------- */

static const err_rec_t *only_err(const rec_t *r, drip_err_t code)
{
    int i;
    const err_rec_t *e = NULL;
    for (i = 0; i < r->nerr && i < MAX_ERRS; i++) {
        if (r->err[i].code == code) {
            if (e != NULL) {
                fail_msg("on_error(%d %s) called more than once", (int)code, drip_err_str(code));
            }
            e = &r->err[i];
        }
    }
    if (e == NULL) {
        char got[256] = "";
        size_t n = 0;
        for (i = 0; i < r->nerr && i < MAX_ERRS; i++) {
            n += (size_t)snprintf(got + n, sizeof got - n, " %d", (int)r->err[i].code);
        }
        fail_msg("on_error(%d %s) not called; got:%s", (int)code, drip_err_str(code), got);
    }
    return e;
}

static void run_bytes(drip_api_t api, const unsigned char *p, size_t len, size_t piece, rec_t *r)
{
    memset(r, 0, sizeof *r);
    stream_init(api, sizeof g_data, r);
    (void)feed_all(&g_st, r, p, len, piece, 3);
    (void)finish(&g_st, r);
}

static void run_capture(const char *cap, size_t piece, rec_t *r, unsigned char **raw,
                        size_t *len)
{
    *raw = th_capture(cap, len);
    assert_non_null(*raw);
    run_bytes(api_of(cap), *raw, *len, piece, r);
}

static void test_error_events(void **state)
{
    static const size_t pieces[] = {1, 4096};
    size_t i;
    (void)state;
    for (i = 0; i < 2; i++) {
        rec_t r;
        unsigned char *raw;
        size_t len;
        const err_rec_t *e;

        run_capture("responses-error-nested.http", pieces[i], &r, &raw, &len);
        e = only_err(&r, DRIP_ERR_API_ERROR);
        assert_int_equal(e->status, 0);
        assert_true(e->has_type && e->has_code && e->has_message);
        assert_string_equal(e->type, "invalid_request_error");
        assert_string_equal(e->code_s, "context_length_exceeded");
        assert_string_equal(e->message, "Your input exceeds the context window of this model. "
                                        "Please adjust your input and try again.");
        (void)only_err(&r, DRIP_ERR_API_FAILED); /* then response.failed */
        assert_int_equal(g_st.result.state, DRIP_STATE_FAILED);
        assert_true(g_st.result.has_error); /* the first error wins */
        assert_string_equal(g_st.result.error_code, "context_length_exceeded");
        assert_string_equal(g_st.result.error_type, "invalid_request_error");
        rec_free(&r);
        free(raw);

        run_capture("responses-error-flat.http", pieces[i], &r, &raw, &len);
        e = only_err(&r, DRIP_ERR_API_ERROR);
        assert_false(e->has_type);
        assert_string_equal(e->code_s, "rate_limit_exceeded");
        assert_true(strncmp(e->message, "Rate limit reached for gpt-4.1-mini", 35) == 0);
        assert_int_equal(g_st.result.state, DRIP_STATE_FAILED);
        assert_int_equal(r.nerr, 1); /* the stream then ends: nothing else to report */
        rec_free(&r);
        free(raw);

        run_capture("responses-error-quota.http", pieces[i], &r, &raw, &len);
        e = only_err(&r, DRIP_ERR_API_ERROR);
        assert_string_equal(e->type, "insufficient_quota");
        assert_string_equal(e->code_s, "insufficient_quota");
        e = only_err(&r, DRIP_ERR_API_FAILED);
        assert_string_equal(e->code_s, "insufficient_quota");
        assert_int_equal(g_st.result.state, DRIP_STATE_FAILED);
        rec_free(&r);
        free(raw);

        run_capture("responses-failed.http", pieces[i], &r, &raw, &len);
        e = only_err(&r, DRIP_ERR_API_FAILED);
        assert_string_equal(e->code_s, "server_error");
        assert_false(e->has_type);
        assert_int_equal(g_st.result.state, DRIP_STATE_FAILED);
        rec_free(&r);
        free(raw);
    }
}

/* A Chat stream with an in-stream {"error":{...}} chunk. */
static void test_chat_error_chunk_stream(void **state)
{
    static const char sse[] =
        "data: {\"id\":\"chatcmpl-9\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},"
        "\"finish_reason\":null}]}\n\n"
        "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"param\":null,"
        "\"code\":\"server_is_overloaded\"}}\n\n";
    th_buf_t body = {0}, http = {0};
    rec_t r;
    const err_rec_t *e;
    (void)state;
    th_buf_str(&body, sse);
    wrap_chunked(&http, &body, 9);
    run_bytes(DRIP_API_CHAT, (const unsigned char *)http.p, http.n, 1, &r);
    e = only_err(&r, DRIP_ERR_API_ERROR);
    assert_string_equal(e->type, "server_error");
    assert_string_equal(e->code_s, "server_is_overloaded");
    assert_string_equal(e->message, "overloaded");
    assert_int_equal(g_st.result.state, DRIP_STATE_FAILED);
    assert_string_equal(r.text.p, "Hi");
    rec_free(&r);
    buf_free(&body);
    buf_free(&http);
}

/* A response with a Content-Length body. */
static void http_length(th_buf_t *http, const char *status_and_headers, const char *body)
{
    http->n = 0;
    th_buf_str(http, status_and_headers);
    th_buf_fmt(http, "Content-Length: %zu\r\n\r\n", strlen(body));
    th_buf_str(http, body);
}

static void test_http_errors(void **state)
{
    rec_t r;
    unsigned char *raw;
    size_t len;
    const err_rec_t *e;
    static const size_t pieces[] = {1, 3, 4096};
    size_t i;
    (void)state;
    for (i = 0; i < 3; i++) {
        run_capture("responses-http-429.http", pieces[i], &r, &raw, &len);
        e = only_err(&r, DRIP_ERR_API_HTTP_STATUS);
        assert_int_equal(e->status, 429);
        assert_string_equal(e->type, "requests");
        assert_string_equal(e->code_s, "rate_limit_exceeded");
        assert_true(strncmp(e->message, "Rate limit reached for gpt-4o in organization org-test",
                            54) == 0);
        assert_false(e->has_param); /* "param": null */
        assert_int_equal(g_st.result.state, DRIP_STATE_HTTP_ERROR);
        assert_int_equal(g_st.result.http_status, 429);
        assert_int_equal(g_st.result.error_status, 429);
        assert_int_equal(r.nev, 0);
        assert_int_equal(r.nerr, 1);
        rec_free(&r);
        free(raw);

        run_capture("responses-http-401.http", pieces[i], &r, &raw, &len);
        e = only_err(&r, DRIP_ERR_API_HTTP_STATUS);
        assert_int_equal(e->status, 401);
        assert_string_equal(e->code_s, "invalid_api_key");
        assert_string_equal(e->type, "invalid_request_error");
        assert_int_equal(g_st.result.state, DRIP_STATE_HTTP_ERROR);
        rec_free(&r);
        free(raw);
    }
}

/* A 429 whose JSON body is 100 KB long, the error object first; and the same
 * body chunked, and with the error object after the padding. */
static void test_http_429_large_body(void **state)
{
    static const char err_obj[] =
        "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
        "\"param\":null,\"code\":\"rate_limit_exceeded\"},";
    int variant;
    (void)state;
    for (variant = 0; variant < 3; variant++) {
        th_buf_t body = {0}, http = {0};
        rec_t r;
        const err_rec_t *e;
        size_t i;
        if (variant < 2) {
            th_buf_str(&body, err_obj);
            th_buf_str(&body, "\"padding\":\"");
        } else {
            th_buf_str(&body, "{\"padding\":\"");
        }
        for (i = 0; i < 100 * 1024; i++) {
            th_buf_add(&body, (i % 61 == 60) ? "\\n" : "x", (i % 61 == 60) ? 2 : 1);
        }
        th_buf_str(&body, "\",\"more\":[1,2,{\"message\":\"not this one\"}]");
        if (variant == 2) {
            th_buf_str(&body, ",");
            th_buf_add(&body, err_obj + 1, strlen(err_obj) - 2); /* without { and , */
        }
        th_buf_str(&body, "}");
        if (variant != 1) {
            th_buf_fmt(&http, "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
                           "retry-after: 2\r\nx-request-id: req_big429\r\nContent-Length: %zu\r\n\r\n",
                    body.n);
            th_buf_add(&http, body.p, body.n);
        } else {
            size_t off = 0;
            th_buf_str(&http, "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
                           "Transfer-Encoding: chunked\r\nx-request-id: req_big429\r\n\r\n");
            while (off < body.n) {
                size_t k = body.n - off < 777 ? body.n - off : 777;
                th_buf_fmt(&http, "%zx\r\n", k);
                th_buf_add(&http, body.p + off, k);
                th_buf_str(&http, "\r\n");
                off += k;
            }
            th_buf_str(&http, "0\r\n\r\n");
        }
        run_bytes(DRIP_API_RESPONSES, (const unsigned char *)http.p, http.n, variant == 0 ? 0 : 4096,
                  &r);
        e = only_err(&r, DRIP_ERR_API_HTTP_STATUS);
        assert_int_equal(e->status, 429);
        assert_string_equal(e->type, "requests");
        assert_string_equal(e->code_s, "rate_limit_exceeded");
        assert_string_equal(e->message, "Rate limit reached for requests");
        assert_false(e->has_param);
        assert_int_equal(g_st.result.state, DRIP_STATE_HTTP_ERROR);
        assert_string_equal(g_st.result.error_code, "rate_limit_exceeded");
        assert_string_equal(drip_stream_head(&g_st)->request_id, "req_big429");
        if (variant == 0) {
            assert_int_equal(drip_stream_head(&g_st)->retry_after_ms, 2000);
        }
        rec_free(&r);
        buf_free(&body);
        buf_free(&http);
    }
}

static void test_http_502_not_json(void **state)
{
    th_buf_t http = {0};
    rec_t r;
    const err_rec_t *e;
    (void)state;
    http_length(&http, "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n",
                "<html><body><h1>502 Bad Gateway</h1>\"message\"</body></html>");
    run_bytes(DRIP_API_RESPONSES, (const unsigned char *)http.p, http.n, 1, &r);
    e = only_err(&r, DRIP_ERR_API_HTTP_STATUS);
    assert_int_equal(e->status, 502);
    assert_false(e->has_type);
    assert_false(e->has_code);
    assert_false(e->has_message);
    assert_false(e->has_param);
    assert_int_equal(g_st.result.state, DRIP_STATE_HTTP_ERROR);
    assert_int_equal(g_st.result.error_has, 0);
    rec_free(&r);

    http_length(&http, "HTTP/1.1 503 Service Unavailable\r\n", "");
    run_bytes(DRIP_API_RESPONSES, (const unsigned char *)http.p, http.n, 4096, &r);
    e = only_err(&r, DRIP_ERR_API_HTTP_STATUS);
    assert_int_equal(e->status, 503);
    assert_false(e->has_message);
    assert_int_equal(g_st.result.state, DRIP_STATE_HTTP_ERROR);
    rec_free(&r);

    /* a cut JSON body: what was read is kept (drip_event_scan_error) */
    http_length(&http, "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n",
                "{\"error\":{\"message\":\"boom\",\"type\":\"server_err");
    run_bytes(DRIP_API_RESPONSES, (const unsigned char *)http.p, http.n, 4096, &r);
    e = only_err(&r, DRIP_ERR_API_HTTP_STATUS);
    assert_int_equal(e->status, 500);
    assert_true(e->has_message);
    assert_string_equal(e->message, "boom");
    assert_int_equal(g_st.result.state, DRIP_STATE_HTTP_ERROR);
    rec_free(&r);
    buf_free(&http);
}

static void test_wrong_content_type(void **state)
{
    rec_t r;
    unsigned char *raw;
    size_t len;
    const err_rec_t *e;
    (void)state;
    run_capture("responses-wrong-ctype.http", 1, &r, &raw, &len);
    e = only_err(&r, DRIP_ERR_API_CONTENT_TYPE);
    if (strncmp(e->detail, "application/json", 16) != 0) {
        fail_msg("detail '%s', want the content type application/json", e->detail);
    }
    assert_int_equal(g_st.result.state, DRIP_STATE_PROTOCOL_ERROR);
    assert_int_equal(r.nev, 0);
    assert_int_equal(r.ntext, 0);
    rec_free(&r);
    free(raw);
}

static void test_truncation(void **state)
{
    rec_t r;
    unsigned char *raw;
    size_t len;
    (void)state;

    /* chunked framing ended properly, no terminal event */
    run_capture("responses-truncated.http", 4096, &r, &raw, &len);
    (void)only_err(&r, DRIP_ERR_API_TRUNCATED);
    assert_int_equal(r.nerr, 1);
    assert_int_equal(g_st.result.state, DRIP_STATE_TRUNCATED);
    rec_free(&r);
    free(raw);
    run_capture("responses-truncated-call.http", 1, &r, &raw, &len);
    (void)only_err(&r, DRIP_ERR_API_TRUNCATED);
    assert_int_equal(g_st.result.state, DRIP_STATE_TRUNCATED);
    assert_int_equal(r.ncalls_done, 0);
    rec_free(&r);
    free(raw);

    /* the connection ends in the middle of an event */
    raw = th_capture("responses-text-gpt52.http", &len);
    assert_non_null(raw);
    {
        size_t *ends = NULL, ne = event_ends(raw, len, &ends), cut;
        assert_int_equal(ne, 14); /* created, in_progress, item, part, 6 deltas, ... */
        cut = ends[6] - 20;       /* inside the third delta */
        run_bytes(DRIP_API_RESPONSES, raw, cut, 1, &r);
        (void)only_err(&r, DRIP_ERR_HTTP_TRUNCATED);
        assert_int_equal(r.nerr, 1);
        assert_int_equal(g_st.result.state, DRIP_STATE_TRUNCATED);
        assert_int_equal(g_st.result.err, DRIP_ERR_HTTP_TRUNCATED);
        assert_string_equal(r.text.p, "2+"); /* the two whole deltas before the cut */
        assert_int_equal(g_st.result.last_seq, 5);
        rec_free(&r);
        /* cut at every byte: COMPLETED exactly when the blank line ending
         * response.completed was delivered, TRUNCATED before */
        for (cut = 0; cut <= len; cut++) {
            drip_state_t want = cut > ends[13] ? DRIP_STATE_COMPLETED : DRIP_STATE_TRUNCATED;
            run_bytes(DRIP_API_RESPONSES, raw, cut, cut % 3 ? 4096 : 1, &r);
            if (g_st.result.state != want) {
                fail_msg("cut after %zu of %zu bytes: state %s, want %s", cut, len,
                         drip_state_name(g_st.result.state), drip_state_name(want));
            }
            /* the framing says the body is cut: reported once, whatever the state */
            if (cut > 0 && cut < len) {
                if (r.nerr != 1 || r.err[0].code != DRIP_ERR_HTTP_TRUNCATED) {
                    fail_msg("cut after %zu of %zu bytes: %d errors, first %d, want one "
                             "DRIP_ERR_HTTP_TRUNCATED",
                             cut, len, r.nerr, r.nerr ? (int)r.err[0].code : 0);
                }
            } else if (cut == len) {
                assert_int_equal(r.nerr, 0);
            }
            rec_free(&r);
        }
        free(ends);
    }
    free(raw);
}

/* A framing fault after response.completed: reported, state kept. */
static void test_fault_after_terminal(void **state)
{
    rec_t r;
    size_t len, clen;
    unsigned char *raw = th_capture("responses-text-gpt52.http", &len);
    unsigned char *crlf = th_capture("responses-crlf.http", &clen);
    th_buf_t b = {0};
    const char *last;
    (void)state;
    assert_non_null(raw);
    assert_non_null(crlf);
    /* 1. the last chunk (0 CRLF CRLF) is missing */
    assert_true(len > 5 && memcmp(raw + len - 5, "0\r\n\r\n", 5) == 0);
    run_bytes(DRIP_API_RESPONSES, raw, len - 5, 1, &r);
    assert_int_equal(g_st.result.state, DRIP_STATE_COMPLETED);
    (void)only_err(&r, DRIP_ERR_HTTP_TRUNCATED);
    assert_string_equal(r.text.p, "2+2 = 4");
    assert_true(g_st.result.has_usage);
    rec_free(&r);
    /* 2. a malformed chunk size after the terminal event */
    th_buf_add(&b, raw, len - 5);
    th_buf_str(&b, "zz\r\nxx\r\n0\r\n\r\n");
    run_bytes(DRIP_API_RESPONSES, (const unsigned char *)b.p, b.n, 1, &r);
    assert_int_equal(g_st.result.state, DRIP_STATE_COMPLETED);
    assert_true(r.nerr >= 1);
    assert_true(r.err[0].code < 0);
    rec_free(&r);
    buf_free(&b);
    /* 3. a Content-Length larger than the body */
    last = strstr((const char *)crlf, "Content-Length: ");
    assert_non_null(last);
    {
        size_t at = (size_t)(last - (const char *)crlf) + 16, e = at;
        long cl = atol(last + 16);
        while (crlf[e] >= '0' && crlf[e] <= '9') {
            e++;
        }
        th_buf_add(&b, crlf, at);
        th_buf_fmt(&b, "%ld", cl + 100);
        th_buf_add(&b, crlf + e, clen - e);
    }
    run_bytes(DRIP_API_RESPONSES, (const unsigned char *)b.p, b.n, 7, &r);
    assert_int_equal(g_st.result.state, DRIP_STATE_COMPLETED);
    (void)only_err(&r, DRIP_ERR_HTTP_TRUNCATED);
    assert_string_equal(r.text.p, "2+2 = 4");
    rec_free(&r);
    buf_free(&b);
    free(raw);
    free(crlf);
}

/* ---- resume -------------------------------------------------------------- */

static void test_skip_through(void **state)
{
    size_t len;
    unsigned char *raw = th_capture("responses-text-gpt52.http", &len);
    rec_t r;
    int64_t n;
    size_t i;
    (void)state;
    assert_non_null(raw);
    /* plain: events with sequence_number <= N are dropped */
    for (n = -1; n <= 14; n++) {
        memset(&r, 0, sizeof r);
        stream_init(DRIP_API_RESPONSES, sizeof g_data, &r);
        drip_stream_skip_through(&g_st, n);
        (void)feed_all(&g_st, &r, raw, len, 0, (uint32_t)n + 100u);
        (void)finish(&g_st, &r);
        assert_int_equal(r.nev, n < 0 ? 14 : (size_t)(13 - (n > 13 ? 13 : n)));
        for (i = 0; i < r.nev; i++) {
            assert_int_equal(r.ev_seq[i], (n < 0 ? 0 : n + 1) + (int64_t)i);
        }
        /* completed is seq 13: skipped when N >= 13 (then nothing terminal arrived) */
        assert_int_equal(g_st.result.state,
                         n >= 13 ? DRIP_STATE_TRUNCATED : DRIP_STATE_COMPLETED);
        rec_free(&r);
    }
    /* a dropped connection at every byte, then the whole stream again with
     * skip_through(last_seq): every event exactly once, the text whole */
    for (i = 0; i < len; i++) {
        int64_t last;
        th_buf_t text = {0};
        size_t nev;
        int64_t seqs[32];
        size_t k;
        run_bytes(DRIP_API_RESPONSES, raw, i, i % 2 ? 1 : 4096, &r);
        last = g_st.result.last_seq;
        nev = r.nev;
        assert_true(nev <= 14);
        for (k = 0; k < nev; k++) {
            seqs[k] = r.ev_seq[k];
        }
        th_buf_add(&text, r.text.p ? r.text.p : "", r.text.n);
        rec_free(&r);
        if (g_st.result.state == DRIP_STATE_COMPLETED) {
            assert_int_equal(nev, 14);
            buf_free(&text);
            continue;
        }
        memset(&r, 0, sizeof r);
        stream_init(DRIP_API_RESPONSES, sizeof g_data, &r);
        drip_stream_skip_through(&g_st, last);
        (void)feed_all(&g_st, &r, raw, len, 0, (uint32_t)i);
        (void)finish(&g_st, &r);
        assert_int_equal(g_st.result.state, DRIP_STATE_COMPLETED);
        if (nev + r.nev != 14) {
            fail_msg("cut at %zu: %zu + %zu events delivered, want 14", i, nev, r.nev);
        }
        for (k = 0; k < r.nev; k++) {
            seqs[nev + k] = r.ev_seq[k];
        }
        for (k = 0; k < 14; k++) {
            assert_int_equal(seqs[k], (int64_t)k);
        }
        th_buf_add(&text, r.text.p ? r.text.p : "", r.text.n);
        assert_string_equal(text.p, "2+2 = 4");
        buf_free(&text);
        rec_free(&r);
    }
    free(raw);
}

/* ---- constant memory: a response.completed of 1 MB and of 4 MB ----------- */

typedef struct {
    th_buf_t raw;   /* expected UTF-8 text */
    th_buf_t esc;   /* the same, JSON-escaped */
    th_buf_t sse;   /* the SSE body */
    int64_t seq;
    size_t ndeltas;
} big_t;

/* One unit of text: its UTF-8 and its JSON escape. */
static void unit(uint32_t *rs, th_buf_t *raw, th_buf_t *esc)
{
    static const char *const words[] = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ",
                                        "a ", "lazy ", "dog. ", "Lorem ", "ipsum ", "12345 "};
    uint32_t r = th_rand(rs) % 24u;
    switch (r) {
    case 0: th_buf_str(raw, "\""); th_buf_str(esc, "\\\""); break;
    case 1: th_buf_str(raw, "\\"); th_buf_str(esc, "\\\\"); break;
    case 2: th_buf_str(raw, "\n"); th_buf_str(esc, "\\n"); break;
    case 3: th_buf_str(raw, "\t"); th_buf_str(esc, "\\t"); break;
    case 4: th_buf_str(raw, "\xc3\xa9"); th_buf_str(esc, "\\u00e9"); break;
    case 5: th_buf_str(raw, "\xf0\x9f\x98\x80"); th_buf_str(esc, "\\ud83d\\ude00"); break;
    case 6: th_buf_str(raw, "/"); th_buf_str(esc, "\\/"); break;
    case 7: th_buf_str(raw, "\x01"); th_buf_str(esc, "\\u0001"); break;
    case 8: th_buf_str(raw, "\xe2\x80\x99"); th_buf_str(esc, "\xe2\x80\x99"); break; /* raw UTF-8 */
    case 9: th_buf_str(raw, "}{]["); th_buf_str(esc, "}{]["); break;
    default: {
        const char *w = words[th_rand(rs) % 12u];
        th_buf_str(raw, w);
        th_buf_str(esc, w);
    }
    }
}

static void ev_line(big_t *g, const char *type, const char *json)
{
    th_buf_fmt(&g->sse, "event: %s\n", type);
    th_buf_str(&g->sse, "data: ");
    th_buf_str(&g->sse, json);
    th_buf_str(&g->sse, "\n\n");
}

static void make_big(big_t *g, size_t text_bytes, uint32_t seed)
{
    uint32_t rs = seed;
    th_buf_t j = {0};
    memset(g, 0, sizeof *g);
    th_buf_add(&g->raw, "", 0);
    th_buf_add(&g->esc, "", 0);
    ev_line(g, "response.created",
            "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":"
            "\"resp_big0123456789abcdef0123456789abcdef01234567\",\"object\":\"response\","
            "\"created_at\":1768775279,\"status\":\"in_progress\",\"error\":null,"
            "\"incomplete_details\":null,\"instructions\":\"Write a very long answer.\","
            "\"output\":[],\"tools\":[],\"usage\":null,\"metadata\":{}}}");
    ev_line(g, "response.in_progress",
            "{\"type\":\"response.in_progress\",\"response\":{\"id\":"
            "\"resp_big0123456789abcdef0123456789abcdef01234567\",\"object\":\"response\","
            "\"status\":\"in_progress\",\"output\":[],\"usage\":null},\"sequence_number\":1}");
    ev_line(g, "response.output_item.added",
            "{\"type\":\"response.output_item.added\",\"sequence_number\":2,\"output_index\":0,"
            "\"item\":{\"id\":\"msg_big\",\"type\":\"message\",\"status\":\"in_progress\","
            "\"content\":[],\"role\":\"assistant\"}}");
    ev_line(g, "response.content_part.added",
            "{\"type\":\"response.content_part.added\",\"sequence_number\":3,\"item_id\":"
            "\"msg_big\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\","
            "\"annotations\":[],\"logprobs\":[],\"text\":\"\"}}");
    g->seq = 4;
    while (g->raw.n < text_bytes) {
        th_buf_t desc = {0}, draw = {0};
        int units = 1 + (int)(th_rand(&rs) % 12u), k;
        for (k = 0; k < units; k++) {
            unit(&rs, &draw, &desc);
        }
        th_buf_add(&g->raw, draw.p, draw.n);
        th_buf_add(&g->esc, desc.p, desc.n);
        j.n = 0;
        th_buf_fmt(&j, "{\"type\":\"response.output_text.delta\",\"sequence_number\":%lld,"
                    "\"item_id\":\"msg_big\",\"output_index\":0,\"content_index\":0,\"delta\":\"",
                (long long)g->seq++);
        th_buf_add(&j, desc.p, desc.n);
        th_buf_str(&j, "\",\"logprobs\":[],\"obfuscation\":\"Xy3\"}");
        ev_line(g, "response.output_text.delta", j.p);
        g->ndeltas++;
        buf_free(&desc);
        buf_free(&draw);
    }
    /* output_text.done: the whole text again */
    j.n = 0;
    th_buf_fmt(&j, "{\"type\":\"response.output_text.done\",\"sequence_number\":%lld,\"item_id\":"
                "\"msg_big\",\"output_index\":0,\"content_index\":0,\"text\":\"",
            (long long)g->seq++);
    th_buf_add(&j, g->esc.p, g->esc.n);
    th_buf_str(&j, "\",\"logprobs\":[]}");
    ev_line(g, "response.output_text.done", j.p);
    /* response.completed: output[] with the text, usage AFTER output, the
     * sequence_number after the response object */
    j.n = 0;
    th_buf_str(&j, "{\"type\":\"response.completed\",\"response\":{\"id\":"
                "\"resp_big0123456789abcdef0123456789abcdef01234567\",\"object\":\"response\","
                "\"created_at\":1768775279,\"status\":\"completed\",\"error\":null,"
                "\"incomplete_details\":null,\"instructions\":\"Write a very long answer.\","
                "\"output\":[{\"id\":\"msg_big\",\"type\":\"message\",\"status\":\"completed\","
                "\"content\":[{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],"
                "\"text\":\"");
    th_buf_add(&j, g->esc.p, g->esc.n);
    th_buf_str(&j, "\"}],\"role\":\"assistant\"}],\"tools\":[],\"usage\":{\"input_tokens\":123,"
                "\"input_tokens_details\":{\"cached_tokens\":7},\"output_tokens\":456789,"
                "\"output_tokens_details\":{\"reasoning_tokens\":89},\"total_tokens\":456912},"
                "\"metadata\":{}},");
    th_buf_fmt(&j, "\"sequence_number\":%lld}", (long long)g->seq);
    assert_true(j.n >= text_bytes);
    ev_line(g, "response.completed", j.p);
    buf_free(&j);
}

/* Chunked HTTP around an SSE body, chunk sizes pseudo-random. */
static void wrap_chunked(th_buf_t *http, const th_buf_t *body, uint32_t seed)
{
    uint32_t rs = seed;
    size_t off = 0;
    th_buf_str(http, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
                  "Transfer-Encoding: chunked\r\nx-request-id: req_big\r\n\r\n");
    while (off < body->n) {
        size_t k = 1 + th_rand(&rs) % 9000u;
        if (k > body->n - off) {
            k = body->n - off;
        }
        th_buf_fmt(http, "%zx\r\n", k);
        th_buf_add(http, body->p + off, k);
        th_buf_str(http, "\r\n");
        off += k;
    }
    th_buf_str(http, "0\r\n\r\n");
}

#define SMALL_BUF 512
#define SMALL_TOK 32
#define CANARY 64

static struct {
    drip_stream_t st;
    uint8_t data[SMALL_BUF + CANARY];
    jsmntok_t tok[SMALL_TOK + 4];
    drip_call_slot_t calls[2];
} g_small;

static void big_run(size_t text_bytes, uint32_t seed, size_t *completed_size)
{
    big_t g;
    th_buf_t http = {0};
    rec_t r;
    drip_stream_cfg_t cfg;
    size_t i;
    jsmntok_t tok_canary;
    int rc;
    const char *cstart;

    make_big(&g, text_bytes, seed);
    cstart = strstr(g.sse.p, "event: response.completed\ndata: ");
    assert_non_null(cstart);
    *completed_size = g.sse.n - (size_t)(cstart - g.sse.p) - 33 - 2;
    assert_true(*completed_size >= text_bytes);
    wrap_chunked(&http, &g.sse, seed);

    memset(&tok_canary, 0xA5, sizeof tok_canary);
    memset(g_small.data + SMALL_BUF, 0xA5, CANARY);
    for (i = 0; i < 4; i++) {
        g_small.tok[SMALL_TOK + i] = tok_canary;
    }
    memset(&r, 0, sizeof r);
    memset(&cfg, 0, sizeof cfg);
    cfg.api = DRIP_API_RESPONSES;
    cfg.buf = g_small.data;
    cfg.buf_len = SMALL_BUF;
    cfg.tok = g_small.tok;
    cfg.ntok = SMALL_TOK;
    cfg.calls = g_small.calls;
    cfg.ncalls = 2;
    cfg.handlers = &k_handlers;
    cfg.user = &r;
    assert_int_equal(drip_stream_init(&g_small.st, &cfg), DRIP_OK);
    rc = feed_all(&g_small.st, &r, (const unsigned char *)http.p, http.n, 0, seed * 7u + 1u);
    assert_int_equal(rc, DRIP_STREAM_END);
    assert_int_equal(finish(&g_small.st, &r), DRIP_STATE_COMPLETED);

    assert_int_equal(g_small.st.result.state, DRIP_STATE_COMPLETED);
    assert_int_equal(g_small.st.result.err, 0);
    assert_int_equal(r.nerr, 0);
    assert_true(g_small.st.result.has_usage);
    assert_int_equal(g_small.st.result.usage.input_tokens, 123);
    assert_int_equal(g_small.st.result.usage.output_tokens, 456789);
    assert_int_equal(g_small.st.result.usage.total_tokens, 456912);
    assert_int_equal(g_small.st.result.usage.cached_tokens, 7);
    assert_int_equal(g_small.st.result.usage.reasoning_tokens, 89);
    assert_string_equal(g_small.st.result.response_id,
                        "resp_big0123456789abcdef0123456789abcdef01234567");
    assert_int_equal(g_small.st.result.last_seq, g.seq);
    assert_string_equal(drip_stream_head(&g_small.st)->request_id, "req_big");
    assert_int_equal(r.ntext, g.ndeltas);
    assert_int_equal(r.text.n, g.raw.n);
    if (memcmp(r.text.p, g.raw.p, g.raw.n) != 0) {
        fail_msg("the text from the deltas differs from the generated text");
    }
    assert_int_equal(r.nev, (size_t)g.seq + 1);
    assert_int_equal(r.text_mismatch, 0);
    /* nothing outside the given buffers was written */
    for (i = 0; i < CANARY; i++) {
        assert_int_equal(g_small.data[SMALL_BUF + i], 0xA5);
    }
    for (i = 0; i < 4; i++) {
        assert_memory_equal(&g_small.tok[SMALL_TOK + i], &tok_canary, sizeof tok_canary);
    }
    print_message("  %zu-byte response.completed (%zu-byte text, %zu deltas, %zu-byte HTTP "
                  "response) decoded in sizeof(drip_stream_t) = %zu + %d data + %d x %zu token "
                  "+ 2 x %zu call-slot bytes\n",
                  *completed_size, g.raw.n, g.ndeltas, http.n, sizeof(drip_stream_t), SMALL_BUF,
                  SMALL_TOK, sizeof(jsmntok_t), sizeof(drip_call_slot_t));
    rec_free(&r);
    buf_free(&http);
    buf_free(&g.raw);
    buf_free(&g.esc);
    buf_free(&g.sse);
}

/* ---- what other servers send (issue 11) ---------------------------------- */

/* An event stream of the given events (one SSE event per line of `events`,
 * separated by '\n') as a 200 response with a Content-Length. */
static void sse_http(th_buf_t *http, const char *events)
{
    th_buf_t body = {0};
    const char *l = events;
    while (*l != '\0') {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        th_buf_str(&body, "data: ");
        th_buf_add(&body, l, n);
        th_buf_str(&body, "\n\n");
        l += n + (e ? 1u : 0u);
    }
    http->n = 0;
    th_buf_fmt(http, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: %zu\r\n\r\n",
               body.n);
    th_buf_add(http, body.p, body.n);
    buf_free(&body);
}

static void run_events(drip_api_t api, const char *events, size_t buf_len, size_t piece, rec_t *r)
{
    th_buf_t http = {0};
    sse_http(&http, events);
    memset(r, 0, sizeof *r);
    stream_init(api, buf_len, r);
    (void)feed_all(&g_st, r, (const unsigned char *)http.p, http.n, piece, 7);
    (void)finish(&g_st, r);
    buf_free(&http);
}

static void expect_buf(const th_buf_t *b, const char *want)
{
    size_t n = strlen(want);
    if (b->n != n || (n > 0 && memcmp(b->p, want, n) != 0)) {
        fail_msg("got [%.*s], want [%s]", (int)b->n, b->p ? b->p : "", want);
    }
}

#define R_CREATED "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\",\"status\":\"in_progress\"}}\n"
#define R_DONE(seq) "{\"type\":\"response.completed\",\"sequence_number\":" #seq ",\"response\":{\"id\":\"resp_1\",\"status\":\"completed\"}}"

/* A surrogate pair split across two deltas ("\ud83d" then "\ude00", as a
 * third-party server sent an emoji) is joined; unpaired halves are U+FFFD
 * and not errors; the same for Chat content, at every feed size. */
static void test_split_surrogates(void **state)
{
    static const char resp[] =
        R_CREATED
        "{\"type\":\"response.output_text.delta\",\"sequence_number\":1,\"output_index\":0,\"content_index\":0,\"delta\":\"Hi \\ud83d\"}\n"
        "{\"type\":\"response.output_text.delta\",\"sequence_number\":2,\"output_index\":0,\"content_index\":0,\"delta\":\"\\ude00!\"}\n"
        "{\"type\":\"response.output_text.delta\",\"sequence_number\":3,\"output_index\":0,\"content_index\":0,\"delta\":\"\\ud83d\"}\n"
        "{\"type\":\"response.output_text.delta\",\"sequence_number\":4,\"output_index\":0,\"content_index\":0,\"delta\":\"\\ude00\"}\n"
        "{\"type\":\"response.output_text.delta\",\"sequence_number\":5,\"output_index\":0,\"content_index\":0,\"delta\":\" lone \\ud83d\"}\n"
        "{\"type\":\"response.output_text.delta\",\"sequence_number\":6,\"output_index\":0,\"content_index\":0,\"delta\":\"x \\ude00 y\"}\n"
        "{\"type\":\"response.output_text.delta\",\"sequence_number\":7,\"output_index\":0,\"content_index\":0,\"delta\":\"\\ude00 end \\ud83d\"}\n"
        "{\"type\":\"response.output_text.done\",\"sequence_number\":8,\"output_index\":0,\"content_index\":0,\"text\":\"t\"}\n"
        R_DONE(9);
    static const char chat[] =
        "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\\ud83d\"}}]}\n"
        "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\ude00B\"}}]}\n"
        "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\ud83d\"}}]}\n"
        "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n"
        "[DONE]";
    static const size_t pieces[] = {1, 2, 7, 4096};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
        rec_t r;
        run_events(DRIP_API_RESPONSES, resp, sizeof g_data, pieces[i], &r);
        assert_int_equal(g_st.result.state, DRIP_STATE_COMPLETED);
        assert_int_equal(r.nerr, 0);
        /* 😀 joined twice; lone halves U+FFFD (the last one given up at .done) */
        expect_buf(&r.text, "Hi \xF0\x9F\x98\x80!\xF0\x9F\x98\x80 lone \xEF\xBF\xBDx \xEF\xBF\xBD y"
                            "\xEF\xBF\xBD end \xEF\xBF\xBD");
        rec_free(&r);
        run_events(DRIP_API_CHAT, chat, sizeof g_data, pieces[i], &r);
        assert_int_equal(g_st.result.state, DRIP_STATE_COMPLETED);
        assert_int_equal(r.nerr, 0);
        expect_buf(&r.text, "A\xF0\x9F\x98\x80" "B\xEF\xBF\xBD");
        rec_free(&r);
    }
    /* the same halves through the oversize scanner: a 64-byte buffer */
    {
        rec_t r;
        run_events(DRIP_API_RESPONSES, resp, 64, 3, &r);
        assert_int_equal(g_st.result.state, DRIP_STATE_COMPLETED);
        expect_buf(&r.text, "Hi \xF0\x9F\x98\x80!\xF0\x9F\x98\x80 lone \xEF\xBF\xBDx \xEF\xBF\xBD y"
                            "\xEF\xBF\xBD end \xEF\xBF\xBD");
        rec_free(&r);
    }
}

/* Hosted tools (mcp_call, web_search_call, ...) never reach the call
 * handlers; function_call and custom_tool_call do, with call_id; an
 * mcp_approval_request reaches on_approval. */
static void test_hosted_tools_not_calls(void **state)
{
    static const char ev[] =
        R_CREATED
        "{\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,\"item\":{\"id\":\"mcp_1\",\"type\":\"mcp_call\",\"arguments\":\"\",\"name\":\"web_search_exa\",\"server_label\":\"dmcp\"}}\n"
        "{\"type\":\"response.mcp_call_arguments.delta\",\"sequence_number\":2,\"output_index\":0,\"item_id\":\"mcp_1\",\"delta\":\"{\\\"q\\\":1}\"}\n"
        "{\"type\":\"response.mcp_call_arguments.done\",\"sequence_number\":3,\"output_index\":0,\"item_id\":\"mcp_1\",\"arguments\":\"{\\\"q\\\":1}\"}\n"
        "{\"type\":\"response.output_item.done\",\"sequence_number\":4,\"output_index\":0,\"item\":{\"id\":\"mcp_1\",\"type\":\"mcp_call\",\"arguments\":\"{\\\"q\\\":1}\",\"name\":\"web_search_exa\",\"output\":\"r\"}}\n"
        "{\"type\":\"response.output_item.added\",\"sequence_number\":5,\"output_index\":1,\"item\":{\"id\":\"ws_1\",\"type\":\"web_search_call\",\"status\":\"in_progress\"}}\n"
        "{\"type\":\"response.output_item.done\",\"sequence_number\":6,\"output_index\":1,\"item\":{\"id\":\"ws_1\",\"type\":\"web_search_call\",\"status\":\"completed\"}}\n"
        "{\"type\":\"response.output_item.added\",\"sequence_number\":7,\"output_index\":2,\"item\":{\"id\":\"ctc_1\",\"type\":\"custom_tool_call\",\"call_id\":\"call_c\",\"name\":\"grammar\",\"input\":\"\"}}\n"
        "{\"type\":\"response.custom_tool_call_input.delta\",\"sequence_number\":8,\"output_index\":2,\"item_id\":\"ctc_1\",\"delta\":\"SELECT\"}\n"
        "{\"type\":\"response.custom_tool_call_input.done\",\"sequence_number\":9,\"output_index\":2,\"item_id\":\"ctc_1\",\"input\":\"SELECT\"}\n"
        "{\"type\":\"response.output_item.done\",\"sequence_number\":10,\"output_index\":2,\"item\":{\"id\":\"ctc_1\",\"type\":\"custom_tool_call\",\"call_id\":\"call_c\",\"name\":\"grammar\",\"input\":\"SELECT\"}}\n"
        "{\"type\":\"response.output_item.done\",\"sequence_number\":11,\"output_index\":3,\"item\":{\"id\":\"mcpr_1\",\"type\":\"mcp_approval_request\",\"server_label\":\"dmcp\",\"name\":\"send\",\"arguments\":\"{\\\"to\\\":2}\"}}\n"
        R_DONE(12);
    size_t buf;
    (void)state;
    for (buf = 0; buf < 2; buf++) {
        rec_t r;
        /* 4096: every event whole; 160: item events through the scanner */
        run_events(DRIP_API_RESPONSES, ev, buf ? 160 : sizeof g_data, buf ? 5 : 4096, &r);
        assert_int_equal(g_st.result.state, DRIP_STATE_COMPLETED);
        assert_int_equal(r.nerr, 0);
        assert_int_equal(r.ncalls_done, 1);
        expect_buf(&r.calls, "call_c grammar;");
        expect_buf(&r.args, "call_c=SELECT;");
        expect_buf(&r.approvals, "mcpr_1 dmcp send {\"to\":2};");
        rec_free(&r);
    }
}

/* A call whose arguments come only whole (LM Studio: no deltas, only the
 * .done event; or only output_item.done): the arguments still reach
 * on_call_delta, once, and on_call_done; if they fit nowhere, the answer
 * fails with DRIP_ERR_EVENT_ARGS_TOO_LARGE, never completed without them. */
static void test_arguments_only_whole(void **state)
{
    th_buf_t ev = {0}, big = {0};
    size_t i;
    (void)state;
    th_buf_str(&ev, R_CREATED);
    th_buf_str(&ev, "{\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"f\",\"arguments\":\"\"}}\n");
    th_buf_str(&ev, "{\"type\":\"response.function_call_arguments.done\",\"sequence_number\":2,\"output_index\":0,\"item_id\":\"fc_1\",\"arguments\":\"{\\\"a\\\":1}\"}\n");
    th_buf_str(&ev, "{\"type\":\"response.output_item.done\",\"sequence_number\":3,\"output_index\":0,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}\n");
    /* only output_item.done, no .done event */
    th_buf_str(&ev, "{\"type\":\"response.output_item.added\",\"sequence_number\":4,\"output_index\":1,\"item\":{\"id\":\"fc_2\",\"type\":\"function_call\",\"call_id\":\"call_2\",\"name\":\"g\",\"arguments\":\"\"}}\n");
    th_buf_str(&ev, "{\"type\":\"response.output_item.done\",\"sequence_number\":5,\"output_index\":1,\"item\":{\"id\":\"fc_2\",\"type\":\"function_call\",\"call_id\":\"call_2\",\"name\":\"g\",\"arguments\":\"[2]\"}}\n");
    th_buf_str(&ev, R_DONE(6));
    th_buf_add(&ev, "", 1);
    for (i = 0; i < 3; i++) {
        static const size_t bufs[] = {4096, 240, 160};
        rec_t r;
        run_events(DRIP_API_RESPONSES, ev.p, bufs[i], 3, &r);
        assert_int_equal(g_st.result.state, DRIP_STATE_COMPLETED);
        assert_int_equal(r.nerr, 0);
        expect_buf(&r.calls, "call_1 f;call_2 g;");
        expect_buf(&r.args, "call_1={\"a\":1};call_2=[2];");
        expect_buf(&r.done_args, "call_1={\"a\":1};call_2=[2];");
        rec_free(&r);
    }
    /* arguments of 2000 bytes, only in .done, through a 512-byte buffer:
     * larger than the scanner's arena too; they go out in pieces */
    th_buf_str(&big, R_CREATED);
    th_buf_str(&big, "{\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"f\",\"arguments\":\"\"}}\n");
    th_buf_str(&big, "{\"type\":\"response.function_call_arguments.done\",\"sequence_number\":2,\"output_index\":0,\"item_id\":\"fc_1\",\"arguments\":\"");
    for (i = 0; i < 2000; i++) {
        th_buf_str(&big, "x");
    }
    th_buf_str(&big, "\"}\n");
    th_buf_str(&big, R_DONE(3));
    th_buf_add(&big, "", 1);
    {
        static const size_t pieces[] = {1, 7, 64, 4096};
        size_t k;
        rec_t r;
        for (k = 0; k < sizeof pieces / sizeof pieces[0]; k++) {
            run_events(DRIP_API_RESPONSES, big.p, 512, pieces[k], &r);
            assert_int_equal(g_st.result.state, DRIP_STATE_COMPLETED);
            assert_int_equal(r.nerr, 0);
            /* the same pieces at every feed size: 2000 / DRIP_EVENT_PIECE_MAX */
            assert_int_equal(r.ncalls_delta, (2000 + DRIP_EVENT_PIECE_MAX - 1) / DRIP_EVENT_PIECE_MAX);
            assert_int_equal(r.ncalls_done, 1);
            assert_int_equal(r.args.n, strlen("call_1=;") + 2000u);
            expect_buf(&r.done_args, ""); /* done without them: the deltas hold them */
            rec_free(&r);
        }
        /* with a buffer that holds the event: delivered whole */
        run_events(DRIP_API_RESPONSES, big.p, sizeof g_data, 64, &r);
        assert_int_equal(g_st.result.state, DRIP_STATE_COMPLETED);
        assert_int_equal(r.ncalls_delta, 1);
        assert_int_equal(r.ncalls_done, 1);
        assert_int_equal(r.args.n, strlen("call_1=;") + 2000u);
        rec_free(&r);
    }
    /* 2000 bytes only in the output_item.done item (no argument event at all),
     * through a 512-byte buffer: kept nowhere, so the answer fails with a
     * named error instead of completing without them */
    big.n = 0;
    th_buf_str(&big, R_CREATED);
    th_buf_str(&big, "{\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"f\",\"arguments\":\"\"}}\n");
    th_buf_str(&big, "{\"type\":\"response.output_item.done\",\"sequence_number\":2,\"output_index\":0,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"f\",\"arguments\":\"");
    for (i = 0; i < 2000; i++) {
        th_buf_str(&big, "y");
    }
    th_buf_str(&big, "\"}}\n");
    th_buf_str(&big, R_DONE(3));
    th_buf_add(&big, "", 1);
    {
        rec_t r;
        run_events(DRIP_API_RESPONSES, big.p, 512, 64, &r);
        assert_int_equal(g_st.result.state, DRIP_STATE_PROTOCOL_ERROR);
        assert_int_equal(g_st.result.err, DRIP_ERR_EVENT_ARGS_TOO_LARGE);
        (void)only_err(&r, DRIP_ERR_EVENT_ARGS_TOO_LARGE);
        assert_int_equal(r.ncalls_done, 0);
        rec_free(&r);
    }
    buf_free(&ev);
    buf_free(&big);
}

/* n times: `esc` (as the event's JSON has it) to ev, `raw` (what the
 * handlers must get) to want. */
static void twice_n(th_buf_t *ev, th_buf_t *want, const char *esc, const char *raw, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        th_buf_str(ev, esc);
        th_buf_str(want, raw);
    }
}

/* Deltas larger than the data buffer and the scanner's arena go out in
 * pieces while they are read (drip_event_set_pieces), ending on UTF-8
 * boundaries: the text is exact at every feed size, a surrogate pair split
 * across two such deltas is still joined, an oversize Chat chunk with two
 * choices gives each choice its own text (it used to drop the first), and
 * a handler can stop in the middle. */
static void test_oversize_deltas_in_pieces(void **state)
{
    th_buf_t ev = {0}, want = {0}, chat = {0};
    size_t i, k;
    static const size_t feeds[] = {1, 3, 64, 4096};
    (void)state;
    th_buf_str(&ev, R_CREATED);
    th_buf_str(&ev, "{\"type\":\"response.output_text.delta\",\"sequence_number\":1,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"");
    for (i = 0; i < 700; i++) { /* 2-, 3- and 4-byte characters across piece ends */
        th_buf_str(&ev, i % 3 == 0 ? "\xC3\xA9" : (i % 3 == 1 ? "\xE2\x82\xAC" : "\xF0\x9F\x98\x80"));
        th_buf_str(&want, i % 3 == 0 ? "\xC3\xA9" : (i % 3 == 1 ? "\xE2\x82\xAC" : "\xF0\x9F\x98\x80"));
    }
    th_buf_str(&ev, "\\ud83d\"}\n"); /* a high half at the end... */
    th_buf_str(&ev, "{\"type\":\"response.output_text.delta\",\"sequence_number\":2,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"\\ude00");
    th_buf_str(&want, "\xF0\x9F\x98\x80");
    twice_n(&ev, &want, "ab\\n", "ab\n", 900); /* ...joined with the low half starting the next */
    th_buf_str(&ev, "\"}\n");
    th_buf_str(&ev, R_DONE(3));
    th_buf_add(&ev, "", 1);
    for (k = 0; k < sizeof feeds / sizeof feeds[0]; k++) {
        rec_t r;
        size_t ntext;
        run_events(DRIP_API_RESPONSES, ev.p, 512, feeds[k], &r);
        assert_int_equal(g_st.result.state, DRIP_STATE_COMPLETED);
        assert_int_equal(r.nerr, 0);
        assert_int_equal(r.text.n, want.n);
        assert_memory_equal(r.text.p, want.p, want.n);
        ntext = r.ntext;
        assert_true(ntext > 10); /* in pieces, not whole */
        if (k == 0) {
            i = ntext;
        } else {
            assert_int_equal(ntext, i); /* the same pieces at every feed size */
        }
        rec_free(&r);
    }
    /* a handler stopping in the middle of the pieces */
    {
        rec_t r;
        th_buf_t http = {0};
        sse_http(&http, ev.p);
        memset(&r, 0, sizeof r);
        r.cancel_at = 3;
        r.cancel_kind = 't';
        stream_init(DRIP_API_RESPONSES, 512, &r);
        (void)feed_all(&g_st, &r, (const unsigned char *)http.p, http.n, 64, 1);
        (void)finish(&g_st, &r);
        assert_int_equal(g_st.result.state, DRIP_STATE_CANCELLED);
        assert_int_equal(r.after_cancel, 0);
        rec_free(&r);
        buf_free(&http);
    }
    /* Chat: one oversize chunk with two choices */
    th_buf_str(&chat, "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
    for (i = 0; i < 300; i++) {
        th_buf_str(&chat, "first ");
    }
    th_buf_str(&chat, "\"}},{\"index\":1,\"delta\":{\"content\":\"");
    for (i = 0; i < 300; i++) {
        th_buf_str(&chat, "second ");
    }
    th_buf_str(&chat, "\"},\"finish_reason\":\"stop\"}]}\n[DONE]");
    th_buf_add(&chat, "", 1);
    {
        rec_t r;
        run_events(DRIP_API_CHAT, chat.p, 512, 7, &r);
        assert_int_equal(g_st.result.state, DRIP_STATE_COMPLETED);
        assert_int_equal(r.nerr, 0);
        assert_int_equal(r.text.n, 300u * 6u + 300u * 7u);
        assert_memory_equal(r.text.p, "first first ", 12);
        assert_memory_equal(r.text.p + 1800, "second second ", 14);
        rec_free(&r);
    }
    buf_free(&ev);
    buf_free(&want);
    buf_free(&chat);
}

/* An oversize delta's pieces when an escape's output comes after the staging
 * filled: "\\ud83d\\ude00" decodes to 4 bytes at its last byte, with 1 byte
 * of room left. The staging takes 1, the other 3 wait (the scanner pauses,
 * the decoder hands the staging on at its own level, then carries them
 * over): pieces of 127 (whole characters), 128 and the rest, at any feed. */
static void test_piece_spill_after_full_staging(void **state)
{
    th_buf_t ev = {0}, want = {0};
    size_t k;
    static const size_t feeds[] = {1, 2, 3, 7, 64, 4096};
    (void)state;
    th_buf_str(&ev, R_CREATED);
    th_buf_str(&ev, "{\"type\":\"response.output_text.delta\",\"sequence_number\":1,\"output_index\":0,"
                    "\"content_index\":0,\"item_id\":\"msg_1\",\"delta\":\"");
    twice_n(&ev, &want, "a", "a", DRIP_EVENT_PIECE_MAX - 1u);
    twice_n(&ev, &want, "\\ud83d\\ude00", "\xf0\x9f\x98\x80", 1);
    twice_n(&ev, &want, "b", "b", 200);
    th_buf_str(&ev, "\"}\n");
    th_buf_str(&ev, R_DONE(2));
    th_buf_add(&ev, "", 1);
    for (k = 0; k < sizeof feeds / sizeof feeds[0]; k++) {
        rec_t r;
        run_events(DRIP_API_RESPONSES, ev.p, 64, feeds[k], &r); /* the delta is oversize */
        assert_int_equal(g_st.result.state, DRIP_STATE_COMPLETED);
        assert_int_equal(r.nerr, 0);
        assert_int_equal(r.text.n, want.n);
        assert_memory_equal(r.text.p, want.p, want.n);
        /* 127, then the emoji and 124 'b' (a full staging), then 76 'b' */
        assert_int_equal(r.ntext, 3);
        rec_free(&r);
    }
    buf_free(&ev);
    buf_free(&want);
}

/* drip_stream_cancel_local never rewrites a final state (issue 10 review): after
 * response.completed it only stops reading, after a protocol error it
 * changes nothing; before either it cancels. */
static void test_cancel_keeps_final_states(void **state)
{
    static const char done[] = R_CREATED R_DONE(1) "\n{\"type\":\"response.later\"}";
    static const char bad[] = R_CREATED "{\"type\":";
    static const char open[] = R_CREATED;
    rec_t r;
    th_buf_t http = {0};
    (void)state;
    /* response.completed read, the body not yet ended */
    sse_http(&http, done);
    memset(&r, 0, sizeof r);
    stream_init(DRIP_API_RESPONSES, sizeof g_data, &r);
    (void)feed_all(&g_st, &r, (const unsigned char *)http.p, http.n - 1, 4096, 1);
    assert_int_equal(g_st.result.state, DRIP_STATE_COMPLETED);
    drip_stream_cancel_local(&g_st);
    assert_int_equal(g_st.result.state, DRIP_STATE_COMPLETED);
    assert_int_equal(g_st.result.err, DRIP_OK);
    assert_int_equal(drip_stream_finish(&g_st), DRIP_STATE_COMPLETED);
    rec_free(&r);
    {
        sse_http(&http, bad);
        memset(&r, 0, sizeof r);
        stream_init(DRIP_API_RESPONSES, sizeof g_data, &r);
        (void)feed_all(&g_st, &r, (const unsigned char *)http.p, http.n, 4096, 1);
        assert_int_equal(g_st.result.state, DRIP_STATE_PROTOCOL_ERROR);
        drip_stream_cancel_local(&g_st);
        assert_int_equal(g_st.result.state, DRIP_STATE_PROTOCOL_ERROR);
        assert_int_equal(g_st.result.err, DRIP_ERR_JSON_INVALID);
        rec_free(&r);
        sse_http(&http, open);
        memset(&r, 0, sizeof r);
        stream_init(DRIP_API_RESPONSES, sizeof g_data, &r);
        /* the head and the first event, not the end of the body */
        (void)feed_all(&g_st, &r, (const unsigned char *)http.p, http.n - 1, 4096, 1);
        drip_stream_cancel_local(&g_st);
        assert_int_equal(g_st.result.state, DRIP_STATE_CANCELLED);
        assert_int_equal(g_st.result.err, DRIP_ERR_CANCELLED);
        rec_free(&r);
        buf_free(&http);
    }
}

static void test_constant_memory(void **state)
{
    size_t c1 = 0, c4 = 0;
    (void)state;
    print_message("  sizeof(drip_stream_t) = %zu bytes (informational)\n", sizeof(drip_stream_t));
    big_run(1u << 20, 11, &c1);
    assert_true(c1 >= (1u << 20));
    /* the same struct and the same buffers, four times the size */
    big_run(4u << 20, 12, &c4);
    assert_true(c4 >= (4u << 20));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_captures_expected),
        cmocka_unit_test(test_callback_timing_byte_by_byte),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_error_events),
        cmocka_unit_test(test_chat_error_chunk_stream),
        cmocka_unit_test(test_http_errors),
        cmocka_unit_test(test_http_429_large_body),
        cmocka_unit_test(test_http_502_not_json),
        cmocka_unit_test(test_wrong_content_type),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_fault_after_terminal),
        cmocka_unit_test(test_skip_through),
        cmocka_unit_test(test_split_surrogates),
        cmocka_unit_test(test_hosted_tools_not_calls),
        cmocka_unit_test(test_arguments_only_whole),
        cmocka_unit_test(test_oversize_deltas_in_pieces),
        cmocka_unit_test(test_cancel_keeps_final_states),
        cmocka_unit_test(test_piece_spill_after_full_staging),
        cmocka_unit_test(test_constant_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
