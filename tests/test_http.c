/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the HTTP/1.1 response reader (core/src/drip_http.c).
 * Rules: docs/spec/http.md, including "Decisions where parsers disagree".
 *
 * Every vector goes through run_all(), which feeds it all at once, one byte at
 * a time, split in two at every point, and in random pieces (seeded xorshift),
 * and asserts that every split gives the same head, body, end state, first
 * error (and its offset) and finish() result. Each piece is a heap copy sized
 * exactly to the piece, so ASan reports any read past what was fed, and any
 * use of an earlier piece after it was handed back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"
#include "dripfeed/drip_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Runner                                                                   */
/* ------------------------------------------------------------------------ */

enum { SPLIT_ALL, SPLIT_BYTE, SPLIT_AT, SPLIT_RANDOM };

typedef struct {
    int kind;
    size_t at;     /* SPLIT_AT: length of the first piece */
    uint32_t seed; /* SPLIT_RANDOM */
} split_t;

typedef struct {
    int heads;             /* number of DRIP_HTTP_HEAD results */
    drip_http_head_t head; /* copy taken at DRIP_HTTP_HEAD */
    uint8_t *body;         /* concatenated DRIP_HTTP_BODY bytes */
    size_t body_len, body_cap;
    int body_calls;        /* number of DRIP_HTTP_BODY results */
    int done;              /* drip_http_is_done() once all input was fed */
    int err;               /* first error returned by feed (0 if none) */
    size_t err_off;        /* offset of the offending byte in the whole input */
    int fin;               /* drip_http_finish() at EOF */
} run_t;

static void run_free(run_t *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}

static void body_append(run_t *r, const uint8_t *p, size_t n)
{
    if (r->body_len + n > r->body_cap) {
        size_t cap = r->body_cap ? r->body_cap : 64;
        while (cap < r->body_len + n) {
            cap *= 2;
        }
        r->body = realloc(r->body, cap);
        assert_non_null(r->body);
        r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, p, n);
    r->body_len += n;
}

static size_t next_piece(split_t *s, size_t off, size_t len)
{
    size_t rest = len - off, k = rest;
    uint32_t x;
    switch (s->kind) {
    case SPLIT_BYTE:
        k = 1;
        break;
    case SPLIT_AT:
        k = off < s->at ? s->at - off : rest;
        break;
    case SPLIT_RANDOM:
        x = th_rand(&s->seed);
        /* mostly tiny pieces, sometimes larger ones */
        k = (x & 3u) == 0 ? 1u + (x >> 2) % 97u : 1u + (x >> 2) % 7u;
        break;
    default:
        break;
    }
    return k < rest ? k : rest;
}

/* Feed in[0..len) with the split strategy sp; collect the results in r. */
static void run(const uint8_t *in, size_t len, split_t sp, run_t *r)
{
    drip_http_t h;
    size_t off = 0;
    int seen_done = 0;

    memset(r, 0, sizeof *r);
    assert_int_equal(drip_http_init(&h), DRIP_OK);
    while (off < len && r->err == 0) {
        size_t n = next_piece(&sp, off, len), pos = 0;
        uint8_t *piece = malloc(n); /* exactly n bytes: ASan sees any over-read */
        assert_non_null(piece);
        memcpy(piece, in + off, n);
        while (pos < n) {
            size_t used = (size_t)-1;
            int rc = drip_http_feed(&h, piece + pos, n - pos, &used);
            assert_true(used <= n - pos);
            if (seen_done) {
                /* DONE is sticky: later bytes are ignored */
                assert_int_equal(rc, DRIP_HTTP_DONE);
            }
            if (rc == DRIP_HTTP_HEAD) {
                r->heads++;
                r->head = h.head;
                assert_true(used > 0);
            } else if (rc == DRIP_HTTP_BODY) {
                /* a view into what was just fed, never a copy */
                assert_non_null(h.body);
                assert_true(h.body_len > 0);
                assert_true(h.body >= piece + pos);
                assert_true(h.body + h.body_len <= piece + pos + used);
                body_append(r, h.body, h.body_len);
                r->body_calls++;
            } else if (rc == DRIP_HTTP_DONE) {
                seen_done = 1;
                assert_true(used > 0);
            } else if (rc == DRIP_AGAIN) {
                assert_int_equal(used, n - pos); /* all input consumed */
            } else {
                size_t u2 = (size_t)-1;
                assert_true(rc < 0);
                r->err = rc;
                r->err_off = off + pos + used;
                /* sticky: the same error again, nothing consumed */
                assert_int_equal(drip_http_feed(&h, piece + pos + used, n - pos - used, &u2), rc);
                assert_int_equal(u2, 0);
                break;
            }
            pos += used;
        }
        free(piece);
        off += n;
    }
    r->done = drip_http_is_done(&h);
    if (seen_done) {
        assert_true(r->done);
    }
    r->fin = drip_http_finish(&h);
    if (r->err != 0) {
        assert_int_equal(r->fin, r->err); /* the first error wins */
        assert_false(r->done);
    }
    if (r->done) {
        assert_int_equal(r->fin, DRIP_HTTP_DONE);
    }
    assert_int_equal(drip_http_finish(&h), r->fin); /* finish is idempotent */
}

static int same_head(const drip_http_head_t *a, const drip_http_head_t *b)
{
    return a->status == b->status && a->minor == b->minor && a->chunked == b->chunked &&
           a->has_length == b->has_length && a->keep_alive == b->keep_alive &&
           a->content_length == b->content_length &&
           strcmp(a->content_type, b->content_type) == 0 &&
           strcmp(a->request_id, b->request_id) == 0 && a->retry_after_ms == b->retry_after_ms &&
           a->should_retry == b->should_retry
#if DRIP_HTTP_EXTRAS
           && a->retry_after_date == b->retry_after_date && a->processing_ms == b->processing_ms &&
           a->limit_requests == b->limit_requests &&
           a->limit_tokens == b->limit_tokens && a->remaining_requests == b->remaining_requests &&
           a->remaining_tokens == b->remaining_tokens &&
           a->reset_requests_ms == b->reset_requests_ms &&
           a->reset_tokens_ms == b->reset_tokens_ms
#endif
        ;
}

static const char *diff_runs(const run_t *a, const run_t *b)
{
    if (a->err != b->err) {
        return "first error";
    }
    if (a->err != 0 && a->err_off != b->err_off) {
        return "error offset";
    }
    if (a->done != b->done) {
        return "done";
    }
    if (a->fin != b->fin) {
        return "finish result";
    }
    if (a->heads != b->heads) {
        return "HEAD count";
    }
    if (a->heads > 0 && !same_head(&a->head, &b->head)) {
        return "head fields";
    }
    if (a->body_len != b->body_len ||
        (a->body_len > 0 && memcmp(a->body, b->body, a->body_len) != 0)) {
        return "body bytes";
    }
    return NULL;
}

/* Printable form of (the start of) an input, for failure messages. */
static const char *esc(const uint8_t *p, size_t n)
{
    static char out[400];
    size_t o = 0, i;
    for (i = 0; i < n && o + 8 < sizeof out; i++) {
        uint8_t c = p[i];
        if (c == '\r') {
            out[o++] = '\\';
            out[o++] = 'r';
        } else if (c == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else if (c == '\t') {
            out[o++] = '\\';
            out[o++] = 't';
        } else if (c == '\\' || c == '"') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20 || c >= 0x7f) {
            o += (size_t)snprintf(out + o, sizeof out - o, "\\x%02x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    if (i < n) {
        memcpy(out + o, "...", 4);
    } else {
        out[o] = '\0';
    }
    return out;
}

static const char *split_name(const split_t *s)
{
    static char b[64];
    switch (s->kind) {
    case SPLIT_ALL:
        return "all at once";
    case SPLIT_BYTE:
        return "1 byte at a time";
    case SPLIT_AT:
        snprintf(b, sizeof b, "split at %zu", s->at);
        return b;
    default:
        snprintf(b, sizeof b, "random pieces, seed %u", (unsigned)s->seed);
        return b;
    }
}

static void compare_or_fail(const uint8_t *in, size_t len, const run_t *ref, split_t sp)
{
    run_t r;
    const char *what;
    split_t orig = sp;
    run(in, len, sp, &r);
    what = diff_runs(ref, &r);
    if (what != NULL) {
        fail_msg("input \"%s\": %s differs from all-at-once in %s (err %d/%d, fin %d/%d, "
                 "done %d/%d, body %zu/%zu)",
                 esc(in, len), split_name(&orig), what, ref->err, r.err, ref->fin, r.fin,
                 ref->done, r.done, ref->body_len, r.body_len);
    }
    run_free(&r);
}

/* Run every split strategy; *ref gets the (identical) result. */
static void run_all(const uint8_t *in, size_t len, run_t *ref)
{
    split_t sp;
    size_t at;
    uint32_t seed;

    sp.kind = SPLIT_ALL;
    sp.at = 0;
    sp.seed = 0;
    run(in, len, sp, ref);

    sp.kind = SPLIT_BYTE;
    compare_or_fail(in, len, ref, sp);

    sp.kind = SPLIT_AT;
    for (at = 1; at < len; at++) {
        sp.at = at;
        compare_or_fail(in, len, ref, sp);
    }

    sp.kind = SPLIT_RANDOM;
    for (seed = 1; seed <= 12; seed++) {
        sp.seed = seed * 2654435761u;
        compare_or_fail(in, len, ref, sp);
    }
}

/* The result of the last check(); its body is freed by the next check(). */
static run_t g_res;

#define NO_BODY ((const char *)NULL) /* don't check the body */
#define ANY (-1000)                  /* don't check this code */

/* Check an input against its expected first error, end state, finish result
 * and body under every split. Returns the result for further checks. */
static const run_t *check_n(const char *input, size_t len, int err, int done, int fin,
                            const char *body)
{
    run_free(&g_res);
    run_all((const uint8_t *)input, len, &g_res);
    if (err != ANY && g_res.err != err) {
        fail_msg("input \"%s\": first error %d (%s), expected %d (%s)",
                 esc((const uint8_t *)input, len), g_res.err, drip_err_str(g_res.err), err,
                 drip_err_str(err));
    }
    if (done != ANY && g_res.done != done) {
        fail_msg("input \"%s\": done %d, expected %d", esc((const uint8_t *)input, len),
                 g_res.done, done);
    }
    if (fin != ANY && g_res.fin != fin) {
        fail_msg("input \"%s\": finish %d (%s), expected %d (%s)",
                 esc((const uint8_t *)input, len), g_res.fin,
                 g_res.fin < 0 ? drip_err_str(g_res.fin) : "ready", fin,
                 fin < 0 ? drip_err_str(fin) : "ready");
    }
    if (body != NULL) {
        size_t bl = strlen(body);
        if (g_res.body_len != bl || (bl > 0 && memcmp(g_res.body, body, bl) != 0)) {
            fail_msg("input \"%s\": body of %zu bytes, expected \"%s\"",
                     esc((const uint8_t *)input, len), g_res.body_len, body);
        }
    }
    return &g_res;
}

static const run_t *check(const char *input, int err, int done, int fin, const char *body)
{
    return check_n(input, strlen(input), err, done, fin, body);
}

/* Shorthands: a complete message; a close-delimited one; an error; a truncation. */
static const run_t *ok_done(const char *in, const char *body)
{
    const run_t *r = check(in, 0, 1, DRIP_HTTP_DONE, body);
    assert_int_equal(r->heads, 1);
    return r;
}

static const run_t *ok_close(const char *in, const char *body)
{
    const run_t *r = check(in, 0, 0, DRIP_HTTP_DONE, body);
    assert_int_equal(r->heads, 1);
    return r;
}

static const run_t *bad(const char *in, int err)
{
    return check(in, err, 0, err, NO_BODY);
}

static const run_t *truncated(const char *in, const char *body)
{
    return check(in, 0, 0, DRIP_ERR_HTTP_TRUNCATED, body);
}

#define H200 "HTTP/1.1 200 OK\r\n"
#define CHUNKED "Transfer-Encoding: chunked\r\n"

static int teardown_res(void **state)
{
    (void)state;
    run_free(&g_res);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* API basics                                                               */
/* ------------------------------------------------------------------------ */

static void test_api_args(void **state)
{
    drip_http_t h;
    size_t used = 7;
    const uint8_t b[1] = {'H'};
    (void)state;
    assert_int_equal(drip_http_init(NULL), DRIP_ERR_ARG);
    assert_int_equal(drip_http_reset(NULL), DRIP_ERR_ARG);
    assert_int_equal(drip_http_finish(NULL), DRIP_ERR_ARG);
    assert_int_equal(drip_http_is_done(NULL), 0);
    assert_int_equal(drip_http_init(&h), DRIP_OK);
    assert_int_equal(drip_http_feed(NULL, b, 1, &used), DRIP_ERR_ARG);
    assert_int_equal(drip_http_feed(&h, b, 1, NULL), DRIP_ERR_ARG);
    assert_int_equal(drip_http_feed(&h, NULL, 1, &used), DRIP_ERR_ARG);
    /* n == 0 is allowed */
    assert_int_equal(drip_http_feed(&h, NULL, 0, &used), DRIP_AGAIN);
    assert_int_equal(used, 0);
    assert_int_equal(drip_http_feed(&h, b, 0, &used), DRIP_AGAIN);
    assert_int_equal(used, 0);
    assert_int_equal(drip_http_is_done(&h), 0);
    /* nothing at all before the close: truncated */
    assert_int_equal(drip_http_finish(&h), DRIP_ERR_HTTP_TRUNCATED);
    /* defaults of a fresh head */
    assert_int_equal(drip_http_init(&h), DRIP_OK);
    assert_int_equal(h.head.retry_after_ms, DRIP_HTTP_NONE_U32);
    assert_int_equal(h.head.should_retry, -1);
#if DRIP_HTTP_EXTRAS
    assert_int_equal(h.head.processing_ms, DRIP_HTTP_NONE_U32);
    assert_true(h.head.limit_requests == DRIP_HTTP_NONE_I64);
    assert_true(h.head.remaining_tokens == DRIP_HTTP_NONE_I64);
    assert_int_equal(h.head.reset_requests_ms, DRIP_HTTP_NONE_U32);
    assert_int_equal(h.head.reset_tokens_ms, DRIP_HTTP_NONE_U32);
#endif
    /* DRIP_ERR_STRINGS (drip_opts.h): texts on the host, "ok"/"error" in firmware */
#if DRIP_ERR_STRINGS
    assert_string_equal(drip_err_str(DRIP_ERR_HTTP_CHUNK_SIZE), "http: bad chunk size");
#else
    assert_string_equal(drip_err_str(DRIP_ERR_HTTP_CHUNK_SIZE), "error");
    assert_string_equal(drip_err_str(DRIP_OK), "ok");
#endif
}

/* ------------------------------------------------------------------------ */
/* Status line                                                              */
/* ------------------------------------------------------------------------ */

static void test_status_line_ok(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_done("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", "hi");
    assert_int_equal(r->head.status, 200);
    assert_int_equal(r->head.minor, 1);

    r = ok_done("HTTP/1.0 201 Created\r\nContent-Length: 2\r\n\r\nhi", "hi");
    assert_int_equal(r->head.status, 201);
    assert_int_equal(r->head.minor, 0);

    /* empty reason */
    r = ok_done("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.status, 404);

    /* no reason and no space */
    r = ok_done("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.status, 200);
    r = ok_done("HTTP/1.1 503\nContent-Length: 0\n\n", "");
    assert_int_equal(r->head.status, 503);

    /* reason with spaces, tabs and odd bytes is not interpreted */
    r = ok_done("HTTP/1.1 500 Internal  Server\tError \xc3\xa9\r\nContent-Length: 1\r\n\r\nx", "x");
    assert_int_equal(r->head.status, 500);

    r = ok_done("HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.status, 999);
    r = ok_done("HTTP/1.1 100 X\r\n\r\nHTTP/1.1 100 Y\r\n\r\nHTTP/1.1 429 Too Many\r\n"
                "Content-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.status, 429);
}

static void test_status_line_bad(void **state)
{
    static const char *const v[] = {
        "HTTP/1.2 200 OK\r\n\r\n",      /* bad version */
        "HTTP/2 200\r\n\r\n",
        "HTTP/2.0 200 OK\r\n\r\n",
        "HTTP/1.10 200 OK\r\n\r\n",
        "HTTP/1.x 200 OK\r\n\r\n",
        "http/1.1 200 OK\r\n\r\n",      /* the name is case-sensitive */
        "HTTPS/1.1 200 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",       /* 2 digits */
        "HTTP/1.1 20\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",     /* 4 digits */
        "HTTP/1.1 2000\r\n\r\n",
        "HTTP/1.1 020 OK\r\n\r\n",      /* leading zero */
        "HTTP/1.1 099 OK\r\n\r\n",
        "HTTP/1.1 000\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\n\r\n",
        "HTTP/1.1 -20 OK\r\n\r\n",
        "HTTP/1.1  200 OK\r\n\r\n",     /* two spaces */
        "HTTP/1.1\t200 OK\r\n\r\n",
        "HTTP/1.1 200OK\r\n\r\n",
        "HTTP/1.1\r\n\r\n",
        "HTTP/1.1 \r\n\r\n",
        "garbage\r\n\r\n",
        " HTTP/1.1 200 OK\r\n\r\n",
        "\x16\x03\x01\x00\xa5",         /* a TLS record on a plain socket */
        "HTTP/1.1 200 OK\rX\r\n\r\n",   /* CR not followed by LF */
        "HTTP/1.1 200 OK\r\r\n\r\n",
        "HTTP/1.1 200\rX\r\n\r\n",
        "HTTP/1.1 200\r\r\n\r\n",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        const run_t *r = bad(v[i], DRIP_ERR_HTTP_STATUS_LINE);
        assert_int_equal(r->heads, 0);
    }
    /* an interim response does not relax the rules for the next status line */
    bad("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 20 OK\r\n\r\n", DRIP_ERR_HTTP_STATUS_LINE);
}

static void test_bare_lf_line_ends(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_done("HTTP/1.1 200 OK\nContent-Type: text/event-stream\nX-Request-Id: abc\n"
                "Content-Length: 3\n\nabc", "abc");
    assert_string_equal(r->head.content_type, "text/event-stream");
    assert_string_equal(r->head.request_id, "abc");
    /* mixed */
    r = ok_done("HTTP/1.1 200 OK\r\nContent-Type: a/b\nX-Foo: y\r\nContent-Length: 3\n\r\nabc",
                "abc");
    assert_string_equal(r->head.content_type, "a/b");
    r = ok_done("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\nabc", "abc");
    assert_int_equal(r->head.content_length, 3);
    /* interim response with bare LF */
    r = ok_done("HTTP/1.1 100 Continue\n\nHTTP/1.1 200 OK\nContent-Length: 1\n\nz", "z");
    assert_int_equal(r->head.status, 200);
}

static void test_cr_without_lf_in_headers(void **state)
{
    (void)state;
    bad(H200 "X-Foo: a\rb\r\nContent-Length: 0\r\n\r\n", DRIP_ERR_HTTP_HEADER);
    bad(H200 "Content-Type: text/\revent-stream\r\n\r\n", DRIP_ERR_HTTP_HEADER);
    bad(H200 "X-\rFoo: a\r\n\r\n", DRIP_ERR_HTTP_HEADER);
    bad(H200 "X-Foo: a\r\r\n\r\n", DRIP_ERR_HTTP_HEADER);
    bad(H200 "\rX-Foo: a\r\n\r\n", DRIP_ERR_HTTP_HEADER);
    bad(H200 "X-Foo: a\r\n\r\r\n", DRIP_ERR_HTTP_HEADER);
    bad(H200 "X-Foo:\r\r\n\r\n", DRIP_ERR_HTTP_HEADER);
}

/* ------------------------------------------------------------------------ */
/* Interim responses                                                        */
/* ------------------------------------------------------------------------ */

static void test_interim_responses(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_done("HTTP/1.1 100 Continue\r\n\r\n"
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                "ok");
    assert_int_equal(r->heads, 1);
    assert_int_equal(r->head.status, 200);

    /* 103 with headers: none of them leak into the final head */
    r = ok_done("HTTP/1.1 103 Early Hints\r\n"
                "Link: </style.css>; rel=preload; as=style\r\n"
                "X-Request-Id: early\r\n"
                "Content-Type: text/html\r\n"
                "Retry-After: 5\r\n"
                "X-Should-Retry: true\r\n"
                "Connection: close\r\n"
                "\r\n"
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                "ok");
    assert_int_equal(r->head.status, 200);
    assert_string_equal(r->head.request_id, "");
    assert_string_equal(r->head.content_type, "");
    assert_int_equal(r->head.retry_after_ms, DRIP_HTTP_NONE_U32);
    assert_int_equal(r->head.should_retry, -1);
    assert_int_equal(r->head.keep_alive, 1);

    /* several interim responses, then a chunked final one with its own headers */
    r = ok_done("HTTP/1.1 100 Continue\r\n\r\n"
                "HTTP/1.1 102 Processing\r\nX-Request-Id: p\r\n\r\n"
                "HTTP/1.1 103 Early Hints\r\nLink: <a>\r\n\r\n"
                "HTTP/1.1 200 OK\r\nX-Request-Id: final\r\n" CHUNKED "\r\n"
                "3\r\nabc\r\n0\r\n\r\n",
                "abc");
    assert_string_equal(r->head.request_id, "final");
    assert_int_equal(r->head.chunked, 1);

    /* an interim response alone, then the close: truncated */
    r = truncated("HTTP/1.1 100 Continue\r\n\r\n", "");
    assert_int_equal(r->heads, 0);
    /* nothing of an interim head survives into the final one (here: the framing) */
    r = ok_close("HTTP/1.1 100 Continue\r\nContent-Length: 3\r\n" CHUNKED "\r\n"
                 "HTTP/1.1 200 OK\r\n\r\nabcdef",
                 "abcdef");
    assert_int_equal(r->head.has_length, 0);
    assert_int_equal(r->head.chunked, 0);
    /* a 1xx with a Content-Length has still no body */
    r = ok_done("HTTP/1.1 103 Early Hints\r\nContent-Length: 5\r\n\r\n"
                "HTTP/1.1 204 No Content\r\n\r\n",
                "");
    assert_int_equal(r->head.status, 204);
}

/* ------------------------------------------------------------------------ */
/* Headers                                                                  */
/* ------------------------------------------------------------------------ */

static void test_header_names_and_ows(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_done("HTTP/1.1 200 OK\r\n"
                "CONTENT-TYPE:text/event-stream\r\n"
                "x-ReQuEsT-iD: \t req_abc \t \r\n"
                "Content-length:    4  \t\r\n"
                "\r\n"
                "abcd",
                "abcd");
    assert_string_equal(r->head.content_type, "text/event-stream");
    assert_string_equal(r->head.request_id, "req_abc");
    assert_int_equal(r->head.has_length, 1);
    assert_int_equal(r->head.content_length, 4);

    /* inner whitespace of a value is kept */
    r = ok_done(H200 "content-type: text/event-stream; charset=utf-8  \r\n"
                "Content-Length: 0\r\n\r\n",
                "");
    assert_string_equal(r->head.content_type, "text/event-stream; charset=utf-8");

    /* empty value */
    r = ok_done(H200 "Content-Type:\r\nX-Request-Id:   \r\nContent-Length: 0\r\n\r\n", "");
    assert_string_equal(r->head.content_type, "");
    assert_string_equal(r->head.request_id, "");

    /* the last of repeated single-value headers is kept; names that only
     * start like a kept one are skipped */
    r = ok_done(H200 "Content-Type: a/a\r\nContent-Type: b/b\r\n"
                "Content-Type-X: c/c\r\nX-Content-Type: d/d\r\n"
                "X-Request-Id-Extra: nope\r\nContent-Length: 0\r\n\r\n",
                "");
    assert_string_equal(r->head.content_type, "b/b");
    assert_string_equal(r->head.request_id, "");
}

static void test_kept_headers(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_done("HTTP/1.1 200 OK\r\n"
                "Date: Wed, 21 Oct 2015 07:28:00 GMT\r\n"
                "Content-Type: text/event-stream; charset=utf-8\r\n"
                "x-request-id: req_0123456789abcdef0123456789abcdef\r\n"
                "openai-processing-ms: 1234\r\n"
                "openai-version: 2020-10-01\r\n"
                "x-should-retry: false\r\n"
                "x-ratelimit-limit-requests: 10000\r\n"
                "x-ratelimit-limit-tokens: 2000000\r\n"
                "x-ratelimit-remaining-requests: 9999\r\n"
                "x-ratelimit-remaining-tokens: -42\r\n"
                "x-ratelimit-reset-requests: 6ms\r\n"
                "x-ratelimit-reset-tokens: 2m52.8s\r\n"
                "Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n"
                CHUNKED
                "\r\n"
                "5\r\nhello\r\n0\r\n\r\n",
                "hello");
    assert_int_equal(r->head.status, 200);
    assert_int_equal(r->head.chunked, 1);
    assert_int_equal(r->head.has_length, 0);
    assert_int_equal(r->head.keep_alive, 1);
    assert_string_equal(r->head.content_type, "text/event-stream; charset=utf-8");
    assert_string_equal(r->head.request_id, "req_0123456789abcdef0123456789abcdef");
    assert_int_equal(r->head.should_retry, 0);
    assert_int_equal(r->head.retry_after_ms, DRIP_HTTP_NONE_U32);
#if DRIP_HTTP_EXTRAS
    assert_int_equal(r->head.processing_ms, 1234);
    assert_true(r->head.limit_requests == 10000);
    assert_true(r->head.limit_tokens == 2000000);
    assert_true(r->head.remaining_requests == 9999);
    assert_true(r->head.remaining_tokens == -42);
    assert_int_equal(r->head.reset_requests_ms, 6);
    assert_int_equal(r->head.reset_tokens_ms, 172800);
    assert_true(r->head.retry_after_date == 0);
#endif

    /* nothing kept: every optional field says "absent" */
    r = ok_done(H200 "Content-Length: 0\r\n\r\n", "");
    assert_string_equal(r->head.content_type, "");
    assert_string_equal(r->head.request_id, "");
    assert_int_equal(r->head.should_retry, -1);
    assert_int_equal(r->head.retry_after_ms, DRIP_HTTP_NONE_U32);
#if DRIP_HTTP_EXTRAS
    assert_int_equal(r->head.processing_ms, DRIP_HTTP_NONE_U32);
    assert_true(r->head.limit_requests == DRIP_HTTP_NONE_I64);
    assert_true(r->head.limit_tokens == DRIP_HTTP_NONE_I64);
    assert_true(r->head.remaining_requests == DRIP_HTTP_NONE_I64);
    assert_true(r->head.remaining_tokens == DRIP_HTTP_NONE_I64);
    assert_int_equal(r->head.reset_requests_ms, DRIP_HTTP_NONE_U32);
    assert_int_equal(r->head.reset_tokens_ms, DRIP_HTTP_NONE_U32);
#endif
}

static void test_should_retry(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_done(H200 "x-should-retry: true\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.should_retry, 1);
    r = ok_done(H200 "X-Should-Retry: TRUE\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.should_retry, 1);
    r = ok_done(H200 "x-should-retry: false \r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.should_retry, 0);
    r = ok_done(H200 "x-should-retry: maybe\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.should_retry, -1);
}

static void test_retry_after(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_done("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 20\r\nContent-Length: 0\r\n\r\n",
                "");
    assert_int_equal(r->head.status, 429);
    assert_int_equal(r->head.retry_after_ms, 20000);
#if DRIP_HTTP_EXTRAS
    assert_true(r->head.retry_after_date == 0);
#endif

    r = ok_done("HTTP/1.1 503 X\r\nretry-after: 1.5\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.retry_after_ms, 1500);
    r = ok_done("HTTP/1.1 503 X\r\nretry-after: 0.25\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.retry_after_ms, 250);
    r = ok_done("HTTP/1.1 503 X\r\nretry-after: 0\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.retry_after_ms, 0);

    /* IMF-fixdate (without DRIP_HTTP_EXTRAS: ignored, not an error) */
    r = ok_done("HTTP/1.1 503 X\r\nRetry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n"
                "Content-Length: 0\r\n\r\n",
                "");
#if DRIP_HTTP_EXTRAS
    assert_true(r->head.retry_after_date == 1445412480);
#endif
    assert_int_equal(r->head.retry_after_ms, DRIP_HTTP_NONE_U32);
    r = ok_done("HTTP/1.1 503 X\r\nRetry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                "Content-Length: 0\r\n\r\n",
                "");
#if DRIP_HTTP_EXTRAS
    assert_true(r->head.retry_after_date == 784111777);
#endif
    assert_int_equal(r->head.retry_after_ms, DRIP_HTTP_NONE_U32);

    /* retry-after-ms wins, in either order */
    r = ok_done("HTTP/1.1 429 X\r\nretry-after-ms: 250\r\nretry-after: 20\r\n"
                "Content-Length: 0\r\n\r\n",
                "");
    assert_int_equal(r->head.retry_after_ms, 250);
    r = ok_done("HTTP/1.1 429 X\r\nretry-after: 20\r\nretry-after-ms: 250\r\n"
                "Content-Length: 0\r\n\r\n",
                "");
    assert_int_equal(r->head.retry_after_ms, 250);
    r = ok_done("HTTP/1.1 429 X\r\nRetry-After-Ms: 0\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.retry_after_ms, 0);

    /* neither a number nor an IMF-fixdate: ignored, not an error */
    r = ok_done("HTTP/1.1 429 X\r\nretry-after: soon\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.retry_after_ms, DRIP_HTTP_NONE_U32);
#if DRIP_HTTP_EXTRAS
    assert_true(r->head.retry_after_date == 0);
#endif
}

#if DRIP_HTTP_EXTRAS
static void test_ratelimit_numbers(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_done(H200 "X-RateLimit-Limit-Requests: 500\r\n"
                "X-RateLimit-Limit-Tokens: 30000\r\n"
                "X-RateLimit-Remaining-Requests: -3\r\n"
                "X-RateLimit-Remaining-Tokens: 0\r\n"
                "OpenAI-Processing-Ms: 0\r\n"
                "Content-Length: 0\r\n\r\n",
                "");
    assert_true(r->head.limit_requests == 500);
    assert_true(r->head.limit_tokens == 30000);
    assert_true(r->head.remaining_requests == -3);
    assert_true(r->head.remaining_tokens == 0);
    assert_int_equal(r->head.processing_ms, 0);

    /* unparsable values stay absent */
    r = ok_done(H200 "x-ratelimit-limit-requests: many\r\n"
                "x-ratelimit-remaining-tokens: -\r\n"
                "openai-processing-ms: fast\r\n"
                "Content-Length: 0\r\n\r\n",
                "");
    assert_true(r->head.limit_requests == DRIP_HTTP_NONE_I64);
    assert_true(r->head.remaining_tokens == DRIP_HTTP_NONE_I64);
    assert_int_equal(r->head.processing_ms, DRIP_HTTP_NONE_U32);
}

static void test_ratelimit_reset_durations(void **state)
{
    static const struct {
        const char *v;
        uint32_t ms;
    } t[] = {
        {"6m0s", 360000},  {"2m52.8s", 172800}, {"547ms", 547},  {"1s", 1000},
        {"2", 2000},       {"0.5", 500},        {"1h", 3600000}, {"1h2m3s", 3723000},
        {"0s", 0},         {"20ms", 20},        {"1.5s", 1500},
        {"garbage", DRIP_HTTP_NONE_U32},        {"6x", DRIP_HTTP_NONE_U32},
        {"s", DRIP_HTTP_NONE_U32},              {"1m1", DRIP_HTTP_NONE_U32},
        {"-1s", DRIP_HTTP_NONE_U32},            {"1 s", DRIP_HTTP_NONE_U32},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof t / sizeof t[0]; i++) {
        char in[256];
        const run_t *r;
        snprintf(in, sizeof in,
                 H200 "x-ratelimit-reset-requests: %s\r\nx-ratelimit-reset-tokens:%s \r\n"
                      "Content-Length: 0\r\n\r\n",
                 t[i].v, t[i].v);
        r = ok_done(in, "");
        if (r->head.reset_requests_ms != t[i].ms || r->head.reset_tokens_ms != t[i].ms) {
            fail_msg("reset \"%s\": %u / %u ms, expected %u", t[i].v,
                     (unsigned)r->head.reset_requests_ms, (unsigned)r->head.reset_tokens_ms,
                     (unsigned)t[i].ms);
        }
    }
}

/* Header doc: "DRIP_HTTP_NONE_U32 if absent or unparsable". An empty value is
 * unparsable, and must not read as "the limit resets now". */
static void test_ratelimit_reset_empty_is_none(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_done(H200 "x-ratelimit-reset-requests:\r\nx-ratelimit-reset-tokens:   \r\n"
                "Content-Length: 0\r\n\r\n",
                "");
    assert_int_equal(r->head.reset_requests_ms, DRIP_HTTP_NONE_U32);
    assert_int_equal(r->head.reset_tokens_ms, DRIP_HTTP_NONE_U32);
}
#else
/* Without DRIP_HTTP_EXTRAS the extras are skipped like unknown headers: any
 * value, any length, never an error; what the retry logic reads still is. */
static void test_extras_skipped(void **state)
{
    char in[512], val[256];
    const run_t *r;
    (void)state;
    r = ok_done("HTTP/1.1 429 X\r\n"
                "x-ratelimit-limit-requests: many\r\n"
                "x-ratelimit-remaining-tokens: -42\r\n"
                "x-ratelimit-reset-requests: 6m0s\r\n"
                "openai-processing-ms: 1234\r\n"
                "retry-after: 2\r\n"
                "x-should-retry: true\r\n"
                "x-request-id: req_1\r\n"
                "Content-Length: 0\r\n\r\n",
                "");
    assert_int_equal(r->head.status, 429);
    assert_int_equal(r->head.retry_after_ms, 2000);
    assert_int_equal(r->head.should_retry, 1);
    assert_string_equal(r->head.request_id, "req_1");
    /* longer than the value buffer: kept, it would be HEADER_TOO_LONG */
    memset(val, '1', sizeof val);
    val[200] = '\0';
    snprintf(in, sizeof in, H200 "x-ratelimit-reset-tokens: %s\r\nContent-Length: 0\r\n\r\n",
             val);
    ok_done(in, "");
    snprintf(in, sizeof in, H200 "openai-processing-ms: %s\r\nContent-Length: 0\r\n\r\n", val);
    ok_done(in, "");
}
#endif /* DRIP_HTTP_EXTRAS */

static char g_big[65536];

static void test_long_unknown_header_skipped(void **state)
{
    const run_t *r;
    size_t n;
    (void)state;
    /* a 10 KB value of a header we don't keep */
    n = (size_t)snprintf(g_big, sizeof g_big, H200 "Content-Type: text/event-stream\r\nX-Big: ");
    memset(g_big + n, 'v', 10240);
    n += 10240;
    n += (size_t)snprintf(g_big + n, sizeof g_big - n,
                          "\r\nX-Request-Id: after\r\nContent-Length: 3\r\n\r\nabc");
    r = ok_done(g_big, "abc");
    assert_string_equal(r->head.content_type, "text/event-stream");
    assert_string_equal(r->head.request_id, "after");

    /* a 2 KB name that starts like a kept one */
    n = (size_t)snprintf(g_big, sizeof g_big, H200 "Content-Type");
    memset(g_big + n, 'x', 2048);
    n += 2048;
    snprintf(g_big + n, sizeof g_big - n, ": evil\r\nContent-Length: 1\r\n\r\nz");
    r = ok_done(g_big, "z");
    assert_string_equal(r->head.content_type, "");
}

static void test_kept_header_too_long(void **state)
{
    char in[512], val[256];
    const run_t *r;
    (void)state;

    /* content-type: DRIP_HTTP_CTYPE_MAX - 1 bytes fit, DRIP_HTTP_CTYPE_MAX don't */
    memset(val, 'c', sizeof val);
    val[DRIP_HTTP_CTYPE_MAX - 1] = '\0';
    snprintf(in, sizeof in, H200 "Content-Type: %s\r\nContent-Length: 0\r\n\r\n", val);
    r = ok_done(in, "");
    assert_string_equal(r->head.content_type, val);
    val[DRIP_HTTP_CTYPE_MAX - 1] = 'c';
    val[DRIP_HTTP_CTYPE_MAX] = '\0';
    snprintf(in, sizeof in, H200 "Content-Type: %s\r\nContent-Length: 0\r\n\r\n", val);
    bad(in, DRIP_ERR_HTTP_HEADER_TOO_LONG);

    /* x-request-id: same at its own limit */
    memset(val, 'r', sizeof val);
    val[DRIP_HTTP_REQID_MAX - 1] = '\0';
    snprintf(in, sizeof in, H200 "x-request-id: %s\r\nContent-Length: 0\r\n\r\n", val);
    r = ok_done(in, "");
    assert_string_equal(r->head.request_id, val);
    val[DRIP_HTTP_REQID_MAX - 1] = 'r';
    val[DRIP_HTTP_REQID_MAX] = '\0';
    snprintf(in, sizeof in, H200 "x-request-id: %s\r\nContent-Length: 0\r\n\r\n", val);
    bad(in, DRIP_ERR_HTTP_HEADER_TOO_LONG);
    memset(val, 'r', sizeof val);
    val[200] = '\0';
    snprintf(in, sizeof in, H200 "x-request-id: %s\r\nContent-Length: 0\r\n\r\n", val);
    bad(in, DRIP_ERR_HTTP_HEADER_TOO_LONG);

    /* any kept header that overflows the reader's value buffer */
    memset(val, '1', sizeof val);
    val[200] = '\0';
#if DRIP_HTTP_EXTRAS
    snprintf(in, sizeof in, H200 "x-ratelimit-reset-tokens: %s\r\nContent-Length: 0\r\n\r\n",
             val);
    bad(in, DRIP_ERR_HTTP_HEADER_TOO_LONG);
#endif
    snprintf(in, sizeof in, H200 "retry-after-ms: %s\r\nContent-Length: 0\r\n\r\n", val);
    bad(in, DRIP_ERR_HTTP_HEADER_TOO_LONG);
    /* ... but the same length in an unknown header is fine */
    snprintf(in, sizeof in, H200 "x-ratelimit-reset-tokenz: %s\r\nContent-Length: 0\r\n\r\n",
             val);
    ok_done(in, "");
}

/* RFC 9112 5: field-line = field-name ":" OWS field-value OWS. Trailing OWS is
 * not part of the value, so it must not count against the value's buffer
 * (spec: "an error only when a header it must keep is longer than its buffer"). */
static void test_kept_header_trailing_ows_not_counted(void **state)
{
    char in[512];
    const run_t *r;
    (void)state;
    snprintf(in, sizeof in, H200 "Content-Type: text/event-stream%80s\r\nContent-Length: 0\r\n\r\n",
             "");
    r = ok_done(in, "");
    assert_string_equal(r->head.content_type, "text/event-stream");
}

static void test_obs_fold(void **state)
{
    (void)state;
    bad(H200 "X-Foo: a\r\n b\r\nContent-Length: 0\r\n\r\n", DRIP_ERR_HTTP_OBS_FOLD);
    bad(H200 "X-Foo: a\r\n\tb\r\nContent-Length: 0\r\n\r\n", DRIP_ERR_HTTP_OBS_FOLD);
    bad(H200 "Content-Type: text/\r\n event-stream\r\n\r\n", DRIP_ERR_HTTP_OBS_FOLD);
    bad(H200 "X-Foo: a\n b\n\n", DRIP_ERR_HTTP_OBS_FOLD);
    /* a first "header" line starting with whitespace */
    bad(H200 " X-Foo: a\r\n\r\n", DRIP_ERR_HTTP_OBS_FOLD);
    /* a whitespace-only line is not the end of the headers */
    bad(H200 "X-Foo: a\r\n \r\n\r\n", DRIP_ERR_HTTP_OBS_FOLD);
}

static void test_header_syntax_errors(void **state)
{
    (void)state;
    bad(H200 "X-Foo : a\r\n\r\n", DRIP_ERR_HTTP_HEADER);        /* space before colon */
    bad(H200 "Content-Length : 5\r\n\r\nhello", DRIP_ERR_HTTP_HEADER);
    bad(H200 "X-Foo\t: a\r\n\r\n", DRIP_ERR_HTTP_HEADER);
    bad(H200 ": a\r\n\r\n", DRIP_ERR_HTTP_HEADER);              /* empty name */
    bad(H200 ":\r\n\r\n", DRIP_ERR_HTTP_HEADER);
    bad(H200 "NoColon\r\n\r\n", DRIP_ERR_HTTP_HEADER);          /* no colon */
    bad(H200 "NoColon\n\n", DRIP_ERR_HTTP_HEADER);
    bad(H200 "X Foo: a\r\n\r\n", DRIP_ERR_HTTP_HEADER);         /* space inside the name */
    bad(H200 "X-\x01oo: a\r\n\r\n", DRIP_ERR_HTTP_HEADER);      /* CTL in the name */
    bad(H200 "X-\x7foo: a\r\n\r\n", DRIP_ERR_HTTP_HEADER);
    bad(H200 "Content-Length: 0\r\nbroken\r\n\r\n", DRIP_ERR_HTTP_HEADER);
}

/* RFC 9110 5.5: a NUL in a field value is rejected (found by the
 * differential test against http-parser, which refuses it too). */
static void test_nul_in_field_values(void **state)
{
    static const char skipped[] = H200 "X-Foo: a\0b\r\nContent-Length: 0\r\n\r\n";
    static const char first[] = H200 "X-Foo: \0\r\nContent-Length: 0\r\n\r\n";
    static const char kept[] = H200 "Content-Type: text/event-stream\0x\r\n\r\n";
    static const char trailer[] = H200 CHUNKED "\r\n5\r\nhello\r\n0\r\nX-T: a\0b\r\n\r\n";
    const run_t *r;
    (void)state;
    r = check_n(skipped, sizeof skipped - 1, DRIP_ERR_HTTP_HEADER, 0, DRIP_ERR_HTTP_HEADER, NO_BODY);
    assert_int_equal(r->err_off, sizeof H200 - 1 + 8);
    check_n(first, sizeof first - 1, DRIP_ERR_HTTP_HEADER, 0, DRIP_ERR_HTTP_HEADER, NO_BODY);
    check_n(kept, sizeof kept - 1, DRIP_ERR_HTTP_HEADER, 0, DRIP_ERR_HTTP_HEADER, NO_BODY);
    r = check_n(trailer, sizeof trailer - 1, DRIP_ERR_HTTP_TRAILER, 0, DRIP_ERR_HTTP_TRAILER, "hello");
    assert_int_equal(r->err_off, sizeof trailer - 1 - 6);
}

static void test_connection_keep_alive(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_done(H200 "Content-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.keep_alive, 1); /* HTTP/1.1 default */
    r = ok_done(H200 "Connection: close\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.keep_alive, 0);
    r = ok_done(H200 "connection: CLOSE\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.keep_alive, 0);
    r = ok_done(H200 "Connection: keep-alive\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.keep_alive, 1);
    r = ok_done(H200 "Connection: Upgrade, close\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.keep_alive, 0);

    r = ok_done("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.keep_alive, 0); /* HTTP/1.0 default */
    r = ok_done("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.keep_alive, 1);
    r = ok_done("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.keep_alive, 1);

    /* a close-delimited body can never keep the connection */
    r = ok_close(H200 "Connection: keep-alive\r\n\r\nabc", "abc");
    assert_int_equal(r->head.keep_alive, 0);
}

/* RFC 9112 9.6: a client that receives "close" must close the connection after
 * this response, whatever other options the field lists and in whatever order. */
static void test_connection_close_wins(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_done(H200 "Connection: keep-alive, close\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.keep_alive, 0);
    r = ok_done(H200 "Connection: close, keep-alive\r\nContent-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.keep_alive, 0);
    r = ok_done(H200 "Connection: close\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
                "");
    assert_int_equal(r->head.keep_alive, 0);
}

/* ------------------------------------------------------------------------ */
/* Framing                                                                  */
/* ------------------------------------------------------------------------ */

static void test_framing_chunked(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_done(H200 CHUNKED "\r\n5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n", "hello, world");
    assert_int_equal(r->head.chunked, 1);
    assert_int_equal(r->head.has_length, 0);
    assert_int_equal(r->body_calls >= 2, 1);

    r = ok_done(H200 "transfer-encoding: CHUNKED\r\n\r\n1\r\nx\r\n0\r\n\r\n", "x");
    assert_int_equal(r->head.chunked, 1);

    /* last coding chunked */
    r = ok_done(H200 "Transfer-Encoding: identity, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n", "x");
    assert_int_equal(r->head.chunked, 1);
    r = ok_done(H200 "Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n"
                "1\r\nx\r\n0\r\n\r\n",
                "x");
    assert_int_equal(r->head.chunked, 1);

    /* Content-Length ignored when chunked, in either order */
    r = ok_done(H200 "Content-Length: 100\r\n" CHUNKED "\r\n3\r\nabc\r\n0\r\n\r\n", "abc");
    assert_int_equal(r->head.chunked, 1);
    r = ok_done(H200 CHUNKED "Content-Length: 1\r\n\r\n3\r\nabc\r\n0\r\n\r\n", "abc");
    assert_int_equal(r->head.chunked, 1);

    /* empty chunked body */
    ok_done(H200 CHUNKED "\r\n0\r\n\r\n", "");

    /* chunk boundaries carry no meaning; a body byte may be anything */
    check_n(H200 CHUNKED "\r\n3\r\n\r\n\0\r\n2\r\n0\r\r\n0\r\n\r\n",
            sizeof(H200 CHUNKED "\r\n3\r\n\r\n\0\r\n2\r\n0\r\r\n0\r\n\r\n") - 1, 0, 1,
            DRIP_HTTP_DONE, NO_BODY);
    assert_int_equal(g_res.body_len, 5);
    assert_memory_equal(g_res.body, "\r\n\0" "0\r", 5);
}

/* Spec, framing rule 1: with a chunked Transfer-Encoding "Content-Length
 * [is] ignored" (RFC 9112 6.3: Transfer-Encoding overrides Content-Length),
 * so a malformed or conflicting Content-Length next to it is no error. */
static void test_chunked_ignores_bad_content_length(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_done(H200 CHUNKED "Content-Length: abc\r\n\r\n3\r\nabc\r\n0\r\n\r\n", "abc");
    assert_int_equal(r->head.chunked, 1);
    r = ok_done(H200 "Content-Length: 3, 4\r\n" CHUNKED "\r\n3\r\nabc\r\n0\r\n\r\n", "abc");
    assert_int_equal(r->head.chunked, 1);
}

static void test_framing_content_length(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_done(H200 "Content-Length: 5\r\n\r\nhello", "hello");
    assert_int_equal(r->head.has_length, 1);
    assert_true(r->head.content_length == 5);
    assert_int_equal(r->head.chunked, 0);

    /* exactly that many: the rest is ignored */
    ok_done(H200 "Content-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\n\r\n", "hello");

    /* identical repeats are accepted */
    r = ok_done(H200 "Content-Length: 5, 5\r\n\r\nhello", "hello");
    assert_true(r->head.content_length == 5);
    r = ok_done(H200 "Content-Length: 5,5 , 5\r\n\r\nhello", "hello");
    assert_true(r->head.content_length == 5);
    r = ok_done(H200 "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "hello");
    assert_true(r->head.content_length == 5);

    /* zero */
    r = ok_done(H200 "Content-Length: 0\r\n\r\n", "");
    assert_int_equal(r->head.has_length, 1);
    assert_true(r->head.content_length == 0);
    r = ok_done(H200 "Content-Length: 000\r\n\r\nignored", "");
    assert_true(r->head.content_length == 0);

    /* large but valid */
    r = truncated(H200 "Content-Length: 10000000000000000000\r\n\r\nab", "ab");
    assert_true(r->head.content_length == 10000000000000000000ull);
}

static void test_content_length_bad(void **state)
{
    static const char *const v[] = {
        H200 "Content-Length: 5, 6\r\n\r\nhello",
        H200 "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        H200 "Content-Length: 6\r\nContent-Length: 5, 5\r\n\r\nhello",
        H200 "Content-Length: abc\r\n\r\nhello",
        H200 "Content-Length: \r\n\r\nhello",
        H200 "Content-Length: -1\r\n\r\nhello",
        H200 "Content-Length: +5\r\n\r\nhello",
        H200 "Content-Length: 5a\r\n\r\nhello",
        H200 "Content-Length: 0x5\r\n\r\nhello",
        H200 "Content-Length: 5.0\r\n\r\nhello",
        H200 "Content-Length: 1 2\r\n\r\nhello",
        H200 "Content-Length: 99999999999999999999999\r\n\r\nhello",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        const run_t *r = bad(v[i], DRIP_ERR_HTTP_CONTENT_LENGTH);
        assert_int_equal(r->heads, 0);
        assert_int_equal(r->body_len, 0);
    }
}

static void test_close_delimited(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_close(H200 "Content-Type: application/json\r\n\r\n{\"a\":1}\r\n0\r\n\r\nmore", 
                 "{\"a\":1}\r\n0\r\n\r\nmore");
    assert_int_equal(r->head.has_length, 0);
    assert_int_equal(r->head.chunked, 0);
    assert_int_equal(r->head.keep_alive, 0);
    ok_close(H200 "\r\n", "");
    ok_close("HTTP/1.0 200 OK\r\n\r\nx", "x");
    /* a non-chunked transfer coding list falls back to the close */
    ok_close(H200 "Transfer-Encoding: identity\r\n\r\nabc", "abc");
}

static void test_no_body_statuses(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_done("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello", "");
    assert_int_equal(r->head.status, 204);
    r = ok_done("HTTP/1.1 304 Not Modified\r\n" CHUNKED "\r\n5\r\nhello\r\n0\r\n\r\n", "");
    assert_int_equal(r->head.status, 304);
    ok_done("HTTP/1.1 204 No Content\r\n\r\n", "");
    ok_done("HTTP/1.0 304 Not Modified\r\n\r\n", "");
}

static void test_bytes_after_end_ignored(void **state)
{
    (void)state;
    ok_done(H200 CHUNKED "\r\n3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n\r\ngarbage", "abc");
    ok_done(H200 CHUNKED "\r\n3\r\nabc\r\n0\r\n\r\n\r\n\r\n\n\n\xff\x00", "abc");
    ok_done(H200 CHUNKED "\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n5\r\nhello\r\n", "abc");
    ok_done(H200 "Content-Length: 3\r\n\r\nabcdef", "abc");
}

static void test_codings_rejected(void **state)
{
    (void)state;
    bad(H200 "Transfer-Encoding: gzip\r\n\r\nxxxx", DRIP_ERR_HTTP_CODING);
    bad(H200 "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", DRIP_ERR_HTTP_CODING);
    bad(H200 "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", DRIP_ERR_HTTP_CODING);
    bad(H200 CHUNKED "Transfer-Encoding: deflate\r\n\r\n0\r\n\r\n", DRIP_ERR_HTTP_CODING);
    bad(H200 "Content-Encoding: gzip\r\nContent-Length: 4\r\n\r\nxxxx", DRIP_ERR_HTTP_CODING);
    bad(H200 "Content-Encoding: br\r\n" CHUNKED "\r\n0\r\n\r\n", DRIP_ERR_HTTP_CODING);
    bad(H200 "content-encoding: GZIP\r\n\r\nxxxx", DRIP_ERR_HTTP_CODING);
    /* identity is no coding at all */
    ok_done(H200 "Content-Encoding: identity\r\nContent-Length: 2\r\n\r\nok", "ok");
}

/* ------------------------------------------------------------------------ */
/* Chunked coding                                                           */
/* ------------------------------------------------------------------------ */

#define CH H200 CHUNKED "\r\n"

static void test_chunk_size_hex(void **state)
{
    (void)state;
    ok_done(CH "A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n", "0123456789abcdefghij");
    ok_done(CH "1B\r\n0123456789abcdefghijklmnopq\r\n0\r\n\r\n", "0123456789abcdefghijklmnopq");
    ok_done(CH "1b\r\n0123456789abcdefghijklmnopq\r\n0\r\n\r\n", "0123456789abcdefghijklmnopq");
    ok_done(CH "fF\r\n"
               "0123456789012345678901234567890123456789012345678901234567890123456789"
               "0123456789012345678901234567890123456789012345678901234567890123456789"
               "0123456789012345678901234567890123456789012345678901234567890123456789"
               "012345678901234567890123456789012345678901234\r\n0\r\n\r\n",
            NO_BODY);
    assert_int_equal(g_res.body_len, 255);

    /* leading zeros, any number of them; the value is what is range-checked */
    ok_done(CH "05\r\nhello\r\n00\r\n\r\n", "hello");
    ok_done(CH "00000000000000000000000000000000000000000005\r\nhello\r\n"
               "0000000000000000000000000000000000000000000\r\n\r\n",
            "hello");

    /* the largest size that fits is accepted (then the body is cut short) */
    truncated(CH "ffffffffffffffff\r\nabc", "abc");
    truncated(CH "FFFFFFFFFFFFFFFF;x=1\r\nabc", "abc");
    truncated(CH "000000000000000000ffffffffffffffff\r\nabc", "abc");

    /* one more digit does not fit: rejected, never wrapped */
    bad(CH "10000000000000000\r\nabc", DRIP_ERR_HTTP_CHUNK_OVERFLOW);
    bad(CH "fffffffffffffffff\r\nabc", DRIP_ERR_HTTP_CHUNK_OVERFLOW);
    bad(CH "00000000010000000000000000\r\nabc", DRIP_ERR_HTTP_CHUNK_OVERFLOW);
    bad(CH "3\r\nabc\r\n100000000000000000000\r\n", DRIP_ERR_HTTP_CHUNK_OVERFLOW);
    check(CH "3\r\nabc\r\n100000000000000000000\r\n", DRIP_ERR_HTTP_CHUNK_OVERFLOW, 0,
          DRIP_ERR_HTTP_CHUNK_OVERFLOW, "abc");
}

static void test_chunk_size_bad(void **state)
{
    static const char *const v[] = {
        CH "0x5\r\nhello\r\n0\r\n\r\n",  /* 0x prefix */
        CH "0X5\r\nhello\r\n0\r\n\r\n",
        CH "+5\r\nhello\r\n0\r\n\r\n",   /* sign */
        CH "-5\r\nhello\r\n0\r\n\r\n",
        CH "\r\nhello\r\n0\r\n\r\n",     /* empty */
        CH ";a=b\r\nhello\r\n0\r\n\r\n", /* empty, with an extension */
        CH " 5\r\nhello\r\n0\r\n\r\n",   /* leading whitespace */
        CH "g\r\nhello\r\n0\r\n\r\n",    /* non-hex */
        CH "5g\r\nhello\r\n0\r\n\r\n",
        CH "5h;x\r\nhello\r\n0\r\n\r\n",
        CH "a \r\n0123456789\r\n0\r\n\r\n", /* whitespace after the size, no ';' */
        CH "5\t\r\nhello\r\n0\r\n\r\n",
        CH "2 xyz\r\nab\r\n0\r\n\r\n",      /* junk after the size, no ';' */
        CH "2 =\r\nab\r\n0\r\n\r\n",
        CH "5\r\nhello\r\n0 \r\n\r\n",      /* on the last chunk too */
        CH "5\r\nhello\r\nz\r\n\r\n",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        bad(v[i], DRIP_ERR_HTTP_CHUNK_SIZE);
    }
}

static void test_chunk_extensions(void **state)
{
    char *in;
    size_t n;
    (void)state;
    /* BWS around ';' and '=' */
    ok_done(CH "6 ; a=b\r\nabcdef\r\n0\r\n\r\n", "abcdef");
    ok_done(CH "6\t;\ta = b \r\nabcdef\r\n0 ; last\r\n\r\n", "abcdef");
    ok_done(CH "6  \t ;a\r\nabcdef\r\n0\r\n\r\n", "abcdef");
    /* contents skipped without validation */
    ok_done(CH "2;\r\nab\r\n0\r\n\r\n", "ab");
    ok_done(CH "5;a=\r\nhello\r\n0;\r\n\r\n", "hello");
    ok_done(CH "5;name=\"va;lue\";x=\"a\\\"b;c\"\r\nhello\r\n0\r\n\r\n", "hello");
    ok_done(CH "5;;;==;\"\r\nhello\r\n0\r\n\r\n", "hello");
    ok_done(CH "5;\xff\x01\t\r\nhello\r\n0\r\n\r\n", "hello");
    /* whatever their length */
    in = malloc(12000);
    assert_non_null(in);
    n = (size_t)snprintf(in, 12000, CH "5;x=");
    memset(in + n, 'e', 8000);
    n += 8000;
    snprintf(in + n, 12000 - n, "\r\nhello\r\n0\r\n\r\n");
    ok_done(in, "hello");
    free(in);

    /* bare CR or LF inside an extension */
    bad(CH "5;a\rb\r\nhello\r\n0\r\n\r\n", DRIP_ERR_HTTP_CHUNK_EXT);
    bad(CH "5;a\nhello\r\n0\r\n\r\n", DRIP_ERR_HTTP_CHUNK_EXT);
    bad(CH "5;a=\"x\ny\"\r\nhello\r\n0\r\n\r\n", DRIP_ERR_HTTP_CHUNK_EXT);
    bad(CH "5;\r\r\nhello\r\n0\r\n\r\n", DRIP_ERR_HTTP_CHUNK_EXT);
    bad(CH "5 ; a\n", DRIP_ERR_HTTP_CHUNK_EXT);
    bad(CH "5\r\nhello\r\n0;a\rb\r\n\r\n", DRIP_ERR_HTTP_CHUNK_EXT);
}

static void test_chunk_crlf(void **state)
{
    (void)state;
    /* bare LF after the size line */
    bad(CH "5\nhello\r\n0\r\n\r\n", DRIP_ERR_HTTP_CHUNK_CRLF);
    bad(CH "5\r\nhello\r\n0\n\r\n", DRIP_ERR_HTTP_CHUNK_CRLF);
    /* CR not followed by LF after the size */
    bad(CH "5\rhello\r\n0\r\n\r\n", DRIP_ERR_HTTP_CHUNK_CRLF);
    /* bare LF after chunk data */
    check(CH "5\r\nhello\n0\r\n\r\n", DRIP_ERR_HTTP_CHUNK_CRLF, 0, DRIP_ERR_HTTP_CHUNK_CRLF,
          "hello");
    /* missing CRLF after chunk data */
    check(CH "5\r\nhelloX\r\n0\r\n\r\n", DRIP_ERR_HTTP_CHUNK_CRLF, 0, DRIP_ERR_HTTP_CHUNK_CRLF,
          "hello");
    check(CH "5\r\nhello0\r\n\r\n", DRIP_ERR_HTTP_CHUNK_CRLF, 0, DRIP_ERR_HTTP_CHUNK_CRLF,
          "hello");
    check(CH "5\r\nhello\r0\r\n\r\n", DRIP_ERR_HTTP_CHUNK_CRLF, 0, DRIP_ERR_HTTP_CHUNK_CRLF,
          "hello");
    check(CH "3\r\nhello\r\n0\r\n\r\n", DRIP_ERR_HTTP_CHUNK_CRLF, 0, DRIP_ERR_HTTP_CHUNK_CRLF,
          "hel");
    /* bare LF after the last chunk */
    bad(CH "5\r\nhello\r\n0\r\n\n", DRIP_ERR_HTTP_CHUNK_CRLF);
    bad(CH "0\r\n\n", DRIP_ERR_HTTP_CHUNK_CRLF);
    bad(CH "0\r\n\rX", DRIP_ERR_HTTP_CHUNK_CRLF);
}

static void test_chunk_trailers(void **state)
{
    const run_t *r;
    (void)state;
    r = ok_done(CH "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Other:\r\n\r\n", "hello");
    /* trailer fields do not change the head */
    assert_string_equal(r->head.content_type, "");
    r = ok_done(CH "5\r\nhello\r\n0\r\nContent-Type: x/y\r\nX-Request-Id: t\r\n\r\n", "hello");
    assert_string_equal(r->head.content_type, "");
    assert_string_equal(r->head.request_id, "");
    /* bare LF tolerated in trailer lines */
    ok_done(CH "5\r\nhello\r\n0\r\nX-Checksum: abc\nX-Other: d\n\r\n", "hello");
    ok_done(CH "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Other: d\n\r\n", "hello");
    /* trailer values of any length */
    memset(g_big, 0, sizeof g_big);
    {
        size_t n = (size_t)snprintf(g_big, sizeof g_big, CH "1\r\nx\r\n0\r\nX-Long: ");
        memset(g_big + n, 't', 5000);
        n += 5000;
        snprintf(g_big + n, sizeof g_big - n, "\r\n\r\n");
    }
    ok_done(g_big, "x");

    /* malformed trailer fields */
    bad(CH "5\r\nhello\r\n0\r\n X: a\r\n\r\n", DRIP_ERR_HTTP_TRAILER);
    bad(CH "5\r\nhello\r\n0\r\n\tX: a\r\n\r\n", DRIP_ERR_HTTP_TRAILER);
    bad(CH "5\r\nhello\r\n0\r\n: a\r\n\r\n", DRIP_ERR_HTTP_TRAILER);
    bad(CH "5\r\nhello\r\n0\r\nX a: b\r\n\r\n", DRIP_ERR_HTTP_TRAILER);
    bad(CH "5\r\nhello\r\n0\r\nX-T : b\r\n\r\n", DRIP_ERR_HTTP_TRAILER);
    bad(CH "5\r\nhello\r\n0\r\nNoColon\r\n\r\n", DRIP_ERR_HTTP_TRAILER);
    bad(CH "5\r\nhello\r\n0\r\nNoColon\n\r\n", DRIP_ERR_HTTP_TRAILER);
    bad(CH "5\r\nhello\r\n0\r\nX: a\rb\r\n\r\n", DRIP_ERR_HTTP_TRAILER);
    bad(CH "5\r\nhello\r\n0\r\nX: a\r\n b\r\n\r\n", DRIP_ERR_HTTP_TRAILER); /* obs-fold */
    bad(CH "5\r\nhello\r\n0\r\n\x01X: a\r\n\r\n", DRIP_ERR_HTTP_TRAILER);
}

/* ------------------------------------------------------------------------ */
/* Truncation                                                               */
/* ------------------------------------------------------------------------ */

static void test_truncation(void **state)
{
    const run_t *r;
    (void)state;
    check_n("", 0, 0, 0, DRIP_ERR_HTTP_TRUNCATED, "");
    r = truncated("HTTP/1.1 20", "");
    assert_int_equal(r->heads, 0);
    r = truncated("HTTP/1.1 200 OK\r\n", "");
    assert_int_equal(r->heads, 0);
    /* inside headers */
    r = truncated(H200 "Content-Type: text/event-stream\r\nContent-Len", "");
    assert_int_equal(r->heads, 0);
    truncated(H200 "Content-Length: 5\r\n", "");
    truncated(H200 "Content-Length: 5\r\n\r", "");
    /* before Content-Length is reached */
    r = truncated(H200 "Content-Length: 5\r\n\r\n", "");
    assert_int_equal(r->heads, 1);
    truncated(H200 "Content-Length: 5\r\n\r\nhell", "hell");
    /* chunked: before the first chunk, inside a size line, an extension, a chunk */
    truncated(CH, "");
    truncated(CH "5", "");
    truncated(CH "5;ext=1", "");
    truncated(CH "5\r", "");
    truncated(CH "5\r\n", "");
    truncated(CH "5\r\nhel", "hel");
    /* after chunk data, before its CRLF */
    truncated(CH "5\r\nhello", "hello");
    truncated(CH "5\r\nhello\r", "hello");
    /* between chunks: before the last chunk */
    truncated(CH "5\r\nhello\r\n", "hello");
    truncated(CH "5\r\nhello\r\n3\r\nabc\r\n", "helloabc");
    /* after the last chunk, before the final CRLF; inside a trailer */
    truncated(CH "5\r\nhello\r\n0", "hello");
    truncated(CH "5\r\nhello\r\n0\r\n", "hello");
    truncated(CH "5\r\nhello\r\n0\r\n\r", "hello");
    truncated(CH "5\r\nhello\r\n0\r\nX-T: a", "hello");
    truncated(CH "5\r\nhello\r\n0\r\nX-T: a\r\n", "hello");
}

/* ------------------------------------------------------------------------ */
/* Stickiness, reset, views                                                 */
/* ------------------------------------------------------------------------ */

static void feed_all(drip_http_t *h, const char *s, int *last)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t n = strlen(s);
    while (n > 0) {
        size_t used;
        int rc = drip_http_feed(h, p, n, &used);
        *last = rc;
        if (rc < 0 && rc != DRIP_AGAIN) {
            return;
        }
        p += used;
        n -= used;
    }
}

static void test_errors_sticky_and_reset(void **state)
{
    drip_http_t h;
    size_t used = 99;
    int rc = 0;
    static const char good[] = H200 "Content-Length: 2\r\n\r\nok";
    (void)state;

    assert_int_equal(drip_http_init(&h), DRIP_OK);
    feed_all(&h, H200 "X-Foo : bar\r\n", &rc);
    assert_int_equal(rc, DRIP_ERR_HTTP_HEADER);
    /* the same error on every later feed, nothing consumed */
    assert_int_equal(drip_http_feed(&h, (const uint8_t *)good, sizeof good - 1, &used),
                     DRIP_ERR_HTTP_HEADER);
    assert_int_equal(used, 0);
    assert_int_equal(drip_http_feed(&h, (const uint8_t *)"\r\n", 2, &used), DRIP_ERR_HTTP_HEADER);
    assert_int_equal(used, 0);
    assert_int_equal(drip_http_feed(&h, NULL, 0, &used), DRIP_ERR_HTTP_HEADER);
    /* finish reports the first error, not "truncated" */
    assert_int_equal(drip_http_finish(&h), DRIP_ERR_HTTP_HEADER);
    assert_int_equal(drip_http_finish(&h), DRIP_ERR_HTTP_HEADER);
    assert_int_equal(drip_http_is_done(&h), 0);

    /* reset starts fresh */
    assert_int_equal(drip_http_reset(&h), DRIP_OK);
    feed_all(&h, good, &rc);
    assert_int_equal(rc, DRIP_HTTP_BODY);
    assert_int_equal(drip_http_is_done(&h), 1);
    assert_int_equal(drip_http_finish(&h), DRIP_HTTP_DONE);
    assert_int_equal(h.head.status, 200);

    /* a truncation found by finish is sticky too */
    assert_int_equal(drip_http_reset(&h), DRIP_OK);
    feed_all(&h, H200 "Content-Length: 5\r\n\r\nab", &rc);
    assert_int_equal(drip_http_finish(&h), DRIP_ERR_HTTP_TRUNCATED);
    assert_int_equal(drip_http_feed(&h, (const uint8_t *)"cde", 3, &used),
                     DRIP_ERR_HTTP_TRUNCATED);
    assert_int_equal(used, 0);
    assert_int_equal(drip_http_finish(&h), DRIP_ERR_HTTP_TRUNCATED);

    /* a chunk error is sticky; reset clears the head of the failed message */
    assert_int_equal(drip_http_reset(&h), DRIP_OK);
    feed_all(&h, "HTTP/1.1 500 X\r\nX-Request-Id: old\r\n" CHUNKED "\r\n5\nhello", &rc);
    assert_int_equal(rc, DRIP_ERR_HTTP_CHUNK_CRLF);
    assert_int_equal(drip_http_feed(&h, (const uint8_t *)"0\r\n\r\n", 5, &used),
                     DRIP_ERR_HTTP_CHUNK_CRLF);
    assert_int_equal(drip_http_reset(&h), DRIP_OK);
    assert_string_equal(h.head.request_id, "");
    feed_all(&h, H200 CHUNKED "\r\n2\r\nok\r\n0\r\n\r\n", &rc);
    assert_int_equal(rc, DRIP_HTTP_DONE);
    assert_int_equal(h.head.status, 200);

    /* DONE is sticky as well: later bytes are consumed and ignored */
    assert_int_equal(drip_http_feed(&h, (const uint8_t *)"xyz", 3, &used), DRIP_HTTP_DONE);
    assert_int_equal(used, 3);
    assert_int_equal(drip_http_finish(&h), DRIP_HTTP_DONE);
}

static void test_body_is_view(void **state)
{
    static const char cl[] = H200 "Content-Length: 5\r\n\r\nhello";
    static const char ch[] = CH "3\r\nabc\r\n4;x=y\r\ndefg\r\n0\r\n\r\n";
    uint8_t *buf;
    drip_http_t h;
    size_t used, off = 0, n;
    int rc, bodies = 0;
    (void)state;

    /* Content-Length: the body points at the bytes after the head */
    n = sizeof cl - 1;
    buf = malloc(n);
    assert_non_null(buf);
    memcpy(buf, cl, n);
    drip_http_init(&h);
    rc = drip_http_feed(&h, buf, n, &used);
    assert_int_equal(rc, DRIP_HTTP_HEAD);
    assert_int_equal(used, n - 5);
    rc = drip_http_feed(&h, buf + used, n - used, &used);
    assert_int_equal(rc, DRIP_HTTP_BODY);
    assert_ptr_equal(h.body, buf + n - 5);
    assert_int_equal(h.body_len, 5);
    free(buf);

    /* chunked: each piece points at its chunk data inside the buffer */
    n = sizeof ch - 1;
    buf = malloc(n);
    assert_non_null(buf);
    memcpy(buf, ch, n);
    drip_http_init(&h);
    while (off < n) {
        rc = drip_http_feed(&h, buf + off, n - off, &used);
        assert_true(rc > 0 || rc == DRIP_AGAIN);
        if (rc == DRIP_HTTP_BODY) {
            const uint8_t *want = bodies == 0 ? (const uint8_t *)strstr((const char *)ch, "abc")
                                              : (const uint8_t *)strstr((const char *)ch, "defg");
            assert_ptr_equal(h.body, buf + (want - (const uint8_t *)ch));
            assert_int_equal(h.body_len, bodies == 0 ? 3 : 4);
            bodies++;
        }
        off += used;
        if (rc == DRIP_HTTP_DONE) {
            break;
        }
    }
    assert_int_equal(bodies, 2);
    assert_int_equal(drip_http_is_done(&h), 1);
    free(buf);

    /* close-delimited, fed in two pieces: each view lies in its own piece */
    {
        static const char cd[] = H200 "\r\nabcdef";
        uint8_t *a = malloc(sizeof cd - 1 - 3), *b = malloc(3);
        assert_non_null(a);
        assert_non_null(b);
        memcpy(a, cd, sizeof cd - 1 - 3);
        memcpy(b, cd + sizeof cd - 1 - 3, 3);
        drip_http_init(&h);
        rc = drip_http_feed(&h, a, sizeof cd - 1 - 3, &used);
        assert_int_equal(rc, DRIP_HTTP_HEAD);
        rc = drip_http_feed(&h, a + used, sizeof cd - 1 - 3 - used, &used);
        assert_int_equal(rc, DRIP_HTTP_BODY);
        assert_ptr_equal(h.body, a + sizeof cd - 1 - 6);
        assert_int_equal(h.body_len, 3);
        rc = drip_http_feed(&h, b, 3, &used);
        assert_int_equal(rc, DRIP_HTTP_BODY);
        assert_ptr_equal(h.body, b);
        assert_int_equal(h.body_len, 3);
        assert_int_equal(drip_http_finish(&h), DRIP_HTTP_DONE);
        free(a);
        free(b);
    }
}

/* ------------------------------------------------------------------------ */
/* Fuzz-ish: random byte mutations of a valid chunked response              */
/* ------------------------------------------------------------------------ */

static void test_fuzz_mutations(void **state)
{
    static const char base[] =
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: text/event-stream; charset=utf-8\r\n"
        "Transfer-Encoding: chunked\r\n"
        "x-request-id: req_123\r\n"
        "Retry-After: 1.5\r\n"
        "x-ratelimit-reset-tokens: 6m0s\r\n"
        "x-ratelimit-remaining-tokens: -7\r\n"
        "Connection: keep-alive\r\n"
        "\r\n"
        "5;ext=\"a;b\"\r\nhello\r\n"
        "0A \t; x = y\r\n, world!!!\r\n"
        "1\r\n\n\r\n"
        "0\r\nX-Trailer: yes\r\n\r\n";
    static const char pool[] = "\r\n\r\n\t :;,=\"0123456789abcdefABCDEFxg-H/.";
    uint8_t buf[sizeof base + 16];
    uint32_t rng = 0x9e3779b9u;
    int iter, errors = 0, dones = 0;
    run_t ra, rb, rr;
    (void)state;

    for (iter = 0; iter < 20000; iter++) {
        size_t len = sizeof base - 1;
        int m, muts = 1 + (int)(th_rand(&rng) % 4u);
        split_t sp;
        const char *what;
        memcpy(buf, base, len);
        for (m = 0; m < muts; m++) {
            uint32_t x = th_rand(&rng);
            size_t pos = (size_t)(th_rand(&rng) % (uint32_t)(len + 1));
            uint8_t c = (x & 0x100u) ? (uint8_t)pool[(x >> 9) % (sizeof pool - 1)]
                                     : (uint8_t)(x >> 9);
            switch (x % 3u) {
            case 0: /* flip / replace */
                if (pos < len) {
                    buf[pos] = (x & 0x200u) ? (uint8_t)(buf[pos] ^ (1u << ((x >> 12) & 7u))) : c;
                }
                break;
            case 1: /* insert */
                if (len < sizeof buf) {
                    memmove(buf + pos + 1, buf + pos, len - pos);
                    buf[pos] = c;
                    len++;
                }
                break;
            default: /* delete */
                if (pos < len) {
                    memmove(buf + pos, buf + pos + 1, len - pos - 1);
                    len--;
                }
                break;
            }
        }
        sp.kind = SPLIT_ALL;
        sp.at = 0;
        sp.seed = 0;
        run(buf, len, sp, &ra);
        sp.kind = SPLIT_BYTE;
        run(buf, len, sp, &rb);
        sp.kind = SPLIT_RANDOM;
        sp.seed = (uint32_t)iter + 1u;
        run(buf, len, sp, &rr);
        what = diff_runs(&ra, &rb);
        if (what == NULL) {
            what = diff_runs(&ra, &rr);
        }
        if (what != NULL) {
            fail_msg("mutation %d \"%s\": splits differ in %s (err %d/%d/%d)", iter,
                     esc(buf, len), what, ra.err, rb.err, rr.err);
        }
        /* basic sanity of every outcome */
        assert_true(ra.body_len <= len);
        assert_true(ra.heads <= 1);
        assert_true(ra.fin == DRIP_HTTP_DONE || ra.fin < 0);
        if (ra.err == 0 && !ra.done && ra.fin == DRIP_HTTP_DONE) {
            assert_int_equal(ra.head.chunked, 0); /* only a close-delimited body ends at EOF */
        }
        errors += ra.err != 0;
        dones += ra.done;
        run_free(&ra);
        run_free(&rb);
        run_free(&rr);
    }
    /* the mutations hit both outcomes */
    assert_true(errors > 1000);
    assert_true(dones > 1000);
}

/* ------------------------------------------------------------------------ */
/* Huge numbers                                                             */
/* ------------------------------------------------------------------------ */

/* Larger waits must never read as shorter ones: a huge value saturates to
 * UINT32_MAX - 1 ms or is ignored as out of range, never wraps to a small
 * number (0 would mean "retry now"). Also a guard against signed overflow in
 * the number parser (UBSan aborts the sanitizer run if one comes back). */
static void test_huge_numbers_saturate(void **state)
{
    static const char *const ra[] = {
        "99999999999",      /* 1e11 s: saturates */
        "9223372036854779", /* v * 1000 exceeds INT64_MAX */
        "9223372036854775.9",
        "9999999999999999", /* out of range */
    };
    static const char *const rs[] = {
        "99999999h",
        "2562047788019h", /* v * 3600000 exceeds INT64_MAX */
        "1h9223372036854775000ms",
        "9223372036854779",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof ra / sizeof ra[0]; i++) {
        char in[256];
        const run_t *r;
        snprintf(in, sizeof in,
                 "HTTP/1.1 429 X\r\nRetry-After: %s\r\nContent-Length: 0\r\n\r\n", ra[i]);
        r = ok_done(in, "");
        if (r->head.retry_after_ms != DRIP_HTTP_NONE_U32 &&
            r->head.retry_after_ms != UINT32_MAX - 1u) {
            fail_msg("Retry-After: %s gives %u ms, expected saturation (%u) or none",
                     ra[i], (unsigned)r->head.retry_after_ms, (unsigned)(UINT32_MAX - 1u));
        }
    }
#if !DRIP_HTTP_EXTRAS
    (void)rs;
#else
    for (i = 0; i < sizeof rs / sizeof rs[0]; i++) {
        char in[256];
        const run_t *r;
        snprintf(in, sizeof in,
                 H200 "x-ratelimit-reset-requests: %s\r\nContent-Length: 0\r\n\r\n", rs[i]);
        r = ok_done(in, "");
        if (r->head.reset_requests_ms != DRIP_HTTP_NONE_U32 &&
            r->head.reset_requests_ms != UINT32_MAX - 1u) {
            fail_msg("x-ratelimit-reset-requests: %s gives %u ms, expected saturation (%u) "
                     "or none",
                     rs[i], (unsigned)r->head.reset_requests_ms, (unsigned)(UINT32_MAX - 1u));
        }
    }
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_api_args, teardown_res),
        cmocka_unit_test_teardown(test_status_line_ok, teardown_res),
        cmocka_unit_test_teardown(test_status_line_bad, teardown_res),
        cmocka_unit_test_teardown(test_bare_lf_line_ends, teardown_res),
        cmocka_unit_test_teardown(test_cr_without_lf_in_headers, teardown_res),
        cmocka_unit_test_teardown(test_interim_responses, teardown_res),
        cmocka_unit_test_teardown(test_header_names_and_ows, teardown_res),
        cmocka_unit_test_teardown(test_kept_headers, teardown_res),
        cmocka_unit_test_teardown(test_should_retry, teardown_res),
        cmocka_unit_test_teardown(test_retry_after, teardown_res),
#if DRIP_HTTP_EXTRAS
        cmocka_unit_test_teardown(test_ratelimit_numbers, teardown_res),
        cmocka_unit_test_teardown(test_ratelimit_reset_durations, teardown_res),
        cmocka_unit_test_teardown(test_ratelimit_reset_empty_is_none, teardown_res),
#else
        cmocka_unit_test_teardown(test_extras_skipped, teardown_res),
#endif
        cmocka_unit_test_teardown(test_long_unknown_header_skipped, teardown_res),
        cmocka_unit_test_teardown(test_kept_header_too_long, teardown_res),
        cmocka_unit_test_teardown(test_kept_header_trailing_ows_not_counted, teardown_res),
        cmocka_unit_test_teardown(test_obs_fold, teardown_res),
        cmocka_unit_test_teardown(test_header_syntax_errors, teardown_res),
        cmocka_unit_test_teardown(test_nul_in_field_values, teardown_res),
        cmocka_unit_test_teardown(test_connection_keep_alive, teardown_res),
        cmocka_unit_test_teardown(test_connection_close_wins, teardown_res),
        cmocka_unit_test_teardown(test_framing_chunked, teardown_res),
        cmocka_unit_test_teardown(test_chunked_ignores_bad_content_length, teardown_res),
        cmocka_unit_test_teardown(test_framing_content_length, teardown_res),
        cmocka_unit_test_teardown(test_content_length_bad, teardown_res),
        cmocka_unit_test_teardown(test_close_delimited, teardown_res),
        cmocka_unit_test_teardown(test_no_body_statuses, teardown_res),
        cmocka_unit_test_teardown(test_bytes_after_end_ignored, teardown_res),
        cmocka_unit_test_teardown(test_codings_rejected, teardown_res),
        cmocka_unit_test_teardown(test_chunk_size_hex, teardown_res),
        cmocka_unit_test_teardown(test_chunk_size_bad, teardown_res),
        cmocka_unit_test_teardown(test_chunk_extensions, teardown_res),
        cmocka_unit_test_teardown(test_chunk_crlf, teardown_res),
        cmocka_unit_test_teardown(test_chunk_trailers, teardown_res),
        cmocka_unit_test_teardown(test_truncation, teardown_res),
        cmocka_unit_test_teardown(test_errors_sticky_and_reset, teardown_res),
        cmocka_unit_test_teardown(test_body_is_view, teardown_res),
        cmocka_unit_test_teardown(test_fuzz_mutations, teardown_res),
        cmocka_unit_test_teardown(test_huge_numbers_saturate, teardown_res),
    };
    return cmocka_run_group_tests_name(DRIP_HTTP_EXTRAS ? "http" : "http (no extras)", tests,
                                       NULL, NULL);
}
