/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the SSE parser (layer 3) against docs/spec/sse.md.
 *
 * Every input is run through sse_run() under many ways of cutting it into
 * feeds (whole, one byte at a time, every two-piece split, seeded random
 * splits). sse_run() writes a canonical text transcript of everything the
 * parser returned; the transcript must be the same for every split and equal
 * the expected one. Transcript lines:
 *
 *   EV <type>|<id>|<size>|<data>   a dispatched event that fit the buffer
 *   OV <type>|<id>|<size>|<data>   an oversize event; <data> is the
 *                                  concatenation of its DRIP_SSE_DATA pieces
 *   ERR <code>                     drip_sse_feed() returned an error
 *   PENDING <n>                    n bytes of pieces of an oversize event that
 *                                  was never dispatched (end of input)
 *   END <last-event-id>|<retry>    state at end of input ("-": no retry)
 *
 * Bytes outside 0x20..0x7E, '%' and '|' are written as %HH.
 * The data buffer is followed by GUARD bytes of 0xA5 that are checked after
 * every single drip_sse_feed() call.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"
#include "dripfeed/drip_err.h"
#include "dripfeed/drip_sse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GUARD 16
#define GUARD_BYTE 0xA5u
#define NSEEDS 40

/* ---- growable text buffer (tests may use the heap) -------------------- */

static void sb_esc(th_buf_t *b, const void *v, size_t n)
{
    const uint8_t *p = v;
    size_t i;
    for (i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c < 0x20u || c > 0x7Eu || c == '%' || c == '|') {
            th_buf_fmt(b, "%%%02X", c);
        } else {
            th_buf_add(b, &c, 1);
        }
    }
}

static char *sb_take(th_buf_t *b)
{
    char *p;
    if (b->p == NULL) {
        th_buf_add(b, "", 0);
    }
    p = b->p;
    memset(b, 0, sizeof *b);
    return p;
}

/* ---- splits ------------------------------------------------------------ */

enum { SPLIT_WHOLE, SPLIT_BYTE, SPLIT_AT, SPLIT_RANDOM, SPLIT_FIXED };

typedef struct split {
    int kind;
    size_t at;     /* SPLIT_AT: first piece length; SPLIT_FIXED: piece length */
    uint32_t seed; /* SPLIT_RANDOM */
} split_t;

static void split_name(const split_t *sp, char *out, size_t n)
{
    switch (sp->kind) {
    case SPLIT_WHOLE: snprintf(out, n, "whole"); break;
    case SPLIT_BYTE: snprintf(out, n, "per-byte"); break;
    case SPLIT_AT: snprintf(out, n, "split at %zu", sp->at); break;
    case SPLIT_FIXED: snprintf(out, n, "pieces of %zu", sp->at); break;
    default: snprintf(out, n, "random seed %u", (unsigned)sp->seed); break;
    }
}

/* Length of the next piece at offset off of n bytes (may be 0). */
static size_t next_piece(const split_t *sp, uint32_t *rng, size_t off, size_t n)
{
    size_t rest = n - off, k;
    uint32_t r;
    switch (sp->kind) {
    case SPLIT_WHOLE:
        return rest;
    case SPLIT_BYTE:
        return rest ? 1 : 0;
    case SPLIT_AT:
        return off < sp->at ? sp->at - off : rest;
    case SPLIT_FIXED:
        return rest < sp->at ? rest : sp->at;
    default:
        r = th_rand(rng);
        switch (r & 7u) {
        case 0: k = 0; break; /* an empty feed now and then */
        case 1: case 2: k = 1 + (r >> 8) % 3u; break;
        case 3: case 4: k = 1 + (r >> 8) % 16u; break;
        case 5: case 6: k = 1 + (r >> 8) % 300u; break;
        default: k = 1 + (r >> 8) % 5000u; break;
        }
        return k < rest ? k : rest;
    }
}

/* ---- the runner -------------------------------------------------------- */

static void check_guard(const uint8_t *buf, size_t cap)
{
    size_t i;
    for (i = 0; i < GUARD; i++) {
        if (buf[cap + i] != GUARD_BYTE) {
            fail_msg("byte written past the data buffer: buf[%zu + %zu] = 0x%02X", cap, i,
                     buf[cap + i]);
        }
    }
}

typedef struct run_stats {
    size_t events, oversize;
} run_stats_t;

/* Event callback for run-specific checks (may be NULL). */
typedef void (*ev_check_fn)(const drip_sse_event_t *ev, const uint8_t *data, size_t len, void *ctx);

static char *sse_run_ex(const uint8_t *in, size_t n, size_t cap, const split_t *sp,
                        run_stats_t *st, ev_check_fn check, void *ctx)
{
    uint8_t *buf = malloc(cap + GUARD);
    drip_sse_t s;
    th_buf_t t = {0}, over = {0};
    int in_over = 0, failed = 0;
    size_t off = 0;
    uint32_t rng = sp->seed ? sp->seed : 1u;
    const char *lid;
    size_t lid_len;
    uint32_t ms = 0;
    int first = 1;

    assert_non_null(buf);
    memset(buf, GUARD_BYTE, cap + GUARD);
    assert_int_equal(drip_sse_init(&s, buf, cap), DRIP_OK);
    if (st != NULL) {
        st->events = st->oversize = 0;
    }
    while ((off < n || first) && !failed) {
        size_t len = next_piece(sp, &rng, off, n), pos = 0;
        int stuck = 0;
        first = 0;
        for (;;) {
            size_t used = (size_t)-1;
            int rc = drip_sse_feed(&s, in + off + pos, len - pos, &used);
            check_guard(buf, cap);
            assert_true(used <= len - pos);
            pos += used;
            stuck = used == 0 ? stuck + 1 : 0;
            assert_true(stuck < 4); /* every few calls must make progress */
            if (rc == DRIP_AGAIN) {
                assert_int_equal(pos, len);
                break;
            }
            if (rc == DRIP_SSE_DATA) {
                assert_non_null(s.piece);
                assert_true(s.piece_len > 0);
                th_buf_add(&over, s.piece, s.piece_len);
                in_over = 1;
                continue;
            }
            if (rc == DRIP_SSE_EVENT) {
                const drip_sse_event_t *ev = &s.ev;
                size_t ln;
                const char *l = drip_sse_last_id(&s, &ln);
                assert_non_null(ev->type);
                assert_true(ev->type_len > 0);
                assert_int_equal(ev->id_len, ln);
                assert_memory_equal(ev->id, l, ln);
                if (st != NULL) {
                    st->events++;
                }
                if (ev->oversize) {
                    assert_null(ev->data);
                    assert_int_equal(ev->data_len, 0);
                    assert_true(ev->size > cap);
                    assert_int_equal(over.n, ev->size);
                    if (st != NULL) {
                        st->oversize++;
                    }
                    th_buf_str(&t, "OV ");
                } else {
                    assert_int_equal(in_over, 0); /* pieces only for oversize events */
                    assert_true(ev->data == buf);
                    assert_int_equal(ev->data_len, ev->size);
                    assert_true(ev->data_len <= cap);
                    th_buf_str(&t, "EV ");
                }
                sb_esc(&t, ev->type, ev->type_len);
                th_buf_str(&t, "|");
                sb_esc(&t, ev->id, ev->id_len);
                th_buf_fmt(&t, "|%zu|", ev->size);
                if (ev->oversize) {
                    sb_esc(&t, over.p, over.n);
                } else {
                    sb_esc(&t, ev->data, ev->data_len);
                }
                th_buf_str(&t, "\n");
                if (check != NULL) {
                    if (ev->oversize) {
                        check(ev, (const uint8_t *)over.p, over.n, ctx);
                    } else {
                        check(ev, ev->data, ev->data_len, ctx);
                    }
                }
                over.n = 0;
                in_over = 0;
                continue;
            }
            /* an error: it must be sticky */
            th_buf_fmt(&t, "ERR %d\n", rc);
            {
                size_t u2 = 99;
                assert_int_equal(drip_sse_feed(&s, in + off + pos, len - pos, &u2), rc);
                assert_int_equal(u2, 0);
                assert_int_equal(drip_sse_feed(&s, (const uint8_t *)"\n\n", 2, &u2), rc);
                assert_int_equal(u2, 0);
                check_guard(buf, cap);
            }
            failed = 1;
            break;
        }
        off += len;
    }
    if (in_over) {
        th_buf_fmt(&t, "PENDING %zu\n", over.n);
    }
    lid = drip_sse_last_id(&s, &lid_len);
    th_buf_str(&t, "END ");
    sb_esc(&t, lid, lid_len);
    if (drip_sse_retry(&s, &ms)) {
        th_buf_fmt(&t, "|%u\n", (unsigned)ms);
    } else {
        th_buf_str(&t, "|-\n");
    }
    free(over.p);
    free(buf);
    return sb_take(&t);
}

static char *sse_run(const uint8_t *in, size_t n, size_t cap, const split_t *sp)
{
    return sse_run_ex(in, n, cap, sp, NULL, NULL, NULL);
}

/* Report the first difference of two transcripts and fail. */
static void transcript_diff(const char *what, const split_t *sp, size_t cap, const char *want,
                            const char *got)
{
    char nm[64];
    size_t i = 0, a;
    while (want[i] != '\0' && want[i] == got[i]) {
        i++;
    }
    a = i > 60 ? i - 60 : 0;
    split_name(sp, nm, sizeof nm);
    print_error("%s: transcript differs (buffer %zu, %s) at byte %zu\n--- expected:\n%.*s\n"
                "--- got:\n%.*s\n",
                what, cap, nm, i, (int)(strlen(want) - a > 400 ? 400 : strlen(want) - a),
                want + a, (int)(strlen(got) - a > 400 ? 400 : strlen(got) - a), got + a);
    fail();
}

static void expect_split(const uint8_t *in, size_t n, size_t cap, const split_t *sp,
                         const char *want)
{
    char *got = sse_run(in, n, cap, sp);
    if (strcmp(got, want) != 0) {
        transcript_diff("sse", sp, cap, want, got);
    }
    free(got);
}

/* The input, cut every way, must give exactly `want`. */
static void sse_check_n(const void *input, size_t n, size_t cap, const char *want)
{
    const uint8_t *in = input;
    split_t sp;
    size_t k;
    uint32_t seed;

    memset(&sp, 0, sizeof sp);
    sp.kind = SPLIT_WHOLE;
    expect_split(in, n, cap, &sp, want);
    sp.kind = SPLIT_BYTE;
    expect_split(in, n, cap, &sp, want);
    sp.kind = SPLIT_AT;
    for (k = 0; k <= n; k++) {
        sp.at = k;
        expect_split(in, n, cap, &sp, want);
    }
    sp.kind = SPLIT_RANDOM;
    for (seed = 1; seed <= NSEEDS; seed++) {
        sp.seed = seed * 2654435761u;
        expect_split(in, n, cap, &sp, want);
    }
}

static void sse_check(const char *input, size_t cap, const char *want)
{
    sse_check_n(input, strlen(input), cap, want);
}

#define CAP 64

/* ---- bytes and lines --------------------------------------------------- */

static void test_bom_skipped(void **state)
{
    (void)state;
    sse_check("\xEF\xBB\xBF" "data: x\n\n", CAP, "EV message||1|x\nEND |-\n");
    /* a BOM followed at once by a blank line and a comment */
    sse_check("\xEF\xBB\xBF\n:c\ndata: y\n\n", CAP, "EV message||1|y\nEND |-\n");
    /* a BOM alone */
    sse_check("\xEF\xBB\xBF", CAP, "END |-\n");
}

static void test_bom_split(void **state)
{
    /* The BOM cut after its first and second byte (SPLIT_AT 1 and 2, per
     * byte, random splits) is still skipped. */
    static const char in[] = "\xEF\xBB\xBF" "data: split\n\n";
    uint8_t buf[CAP + GUARD];
    drip_sse_t s;
    size_t used;
    (void)state;
    sse_check(in, CAP, "EV message||5|split\nEND |-\n");

    /* explicit three feeds of one BOM byte each, then the rest */
    assert_int_equal(drip_sse_init(&s, buf, CAP), DRIP_OK);
    assert_int_equal(drip_sse_feed(&s, (const uint8_t *)in, 1, &used), DRIP_AGAIN);
    assert_int_equal(used, 1);
    assert_int_equal(drip_sse_feed(&s, (const uint8_t *)in + 1, 1, &used), DRIP_AGAIN);
    assert_int_equal(drip_sse_feed(&s, (const uint8_t *)in + 2, 1, &used), DRIP_AGAIN);
    assert_int_equal(drip_sse_feed(&s, (const uint8_t *)in + 3, sizeof in - 4, &used),
                     DRIP_SSE_EVENT);
    assert_int_equal(s.ev.data_len, 5);
    assert_memory_equal(s.ev.data, "split", 5);
}

static void test_bom_second_is_name_bytes(void **state)
{
    (void)state;
    /* The second BOM is part of the first field name, which is unknown. */
    sse_check("\xEF\xBB\xBF\xEF\xBB\xBF" "data: x\n\ndata: y\n\n", CAP,
              "EV message||1|y\nEND |-\n");
    /* A BOM at the start of a later line is field-name bytes too. */
    sse_check("\xEF\xBB\xBF" "data: x\n\n" "\xEF\xBB\xBF" "data: z\n\n", CAP,
              "EV message||1|x\nEND |-\n");
    /* Later in the stream it is ordinary data. */
    sse_check("data: \xEF\xBB\xBFx\n\n", CAP, "EV message||4|%EF%BB%BFx\nEND |-\n");
    sse_check("\xEF\xBB\xBF" "data: \xEF\xBB\xBF\n\n", CAP, "EV message||3|%EF%BB%BF\nEND |-\n");
}

static void test_bom_partial(void **state)
{
    (void)state;
    /* EF BB 41: not a BOM; the first line's field name is "\xEF\xBB" "Adata",
     * which is no field: the line is ignored. */
    sse_check("\xEF\xBB\x41" "data: x\n\ndata: y\n\n", CAP, "EV message||1|y\nEND |-\n");
    sse_check("\xEF\xBB" "data: x\n\ndata: y\n\n", CAP, "EV message||1|y\nEND |-\n");
    sse_check("\xEF" "data: x\n\ndata: y\n\n", CAP, "EV message||1|y\nEND |-\n");
    sse_check("\xEF\xBF" "data: x\n\ndata: y\n\n", CAP, "EV message||1|y\nEND |-\n");
    /* a partial BOM as a line of its own, then a normal stream */
    sse_check("\xEF\xBB\ndata: x\n\n", CAP, "EV message||1|x\nEND |-\n");
    sse_check("\xEF\xBB:comment\ndata: x\n\n", CAP, "EV message||1|x\nEND |-\n");
    /* a partial BOM followed by an id field: the name is not "id" */
    sse_check("\xEF\xBBid: 5\n\n", CAP, "END |-\n");
}

static void test_line_end_lf(void **state)
{
    (void)state;
    sse_check("data: a\ndata: b\n\ndata: c\n\n", CAP,
              "EV message||3|a%0Ab\nEV message||1|c\nEND |-\n");
}

static void test_line_end_crlf(void **state)
{
    (void)state;
    sse_check("data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n", CAP,
              "EV message||3|a%0Ab\nEV message||1|c\nEND |-\n");
    sse_check("event: e\r\nid: 1\r\nretry: 7\r\ndata: x\r\n\r\n", CAP, "EV e|1|1|x\nEND 1|7\n");
}

static void test_line_end_cr(void **state)
{
    (void)state;
    sse_check("data: a\rdata: b\r\rdata: c\r\r", CAP,
              "EV message||3|a%0Ab\nEV message||1|c\nEND |-\n");
    /* CR CR LF: a line end (CR), then a CRLF line end: a blank line */
    sse_check("data: a\r\r\ndata: b\n\n", CAP, "EV message||1|a\nEV message||1|b\nEND |-\n");
    /* LF CR: two line ends */
    sse_check("data: a\n\rdata: b\n\n", CAP, "EV message||1|a\nEV message||1|b\nEND |-\n");
}

static void test_line_end_mixed(void **state)
{
    (void)state;
    sse_check("data: 1\rdata: 2\ndata: 3\r\n\n" "data: 4\n\r\n" "data: 5\r\n\r", CAP,
              "EV message||5|1%0A2%0A3\nEV message||1|4\nEV message||1|5\nEND |-\n");
}

static void test_crlf_across_feeds(void **state)
{
    /* CR at the end of one feed and LF at the start of the next is ONE line
     * end. If the LF were a second line end it would be a blank line and
     * dispatch "a" alone. */
    static const char in[] = "data: a\r\ndata: b\r\n\r\n";
    uint8_t buf[CAP + GUARD];
    drip_sse_t s;
    size_t used, cr = 7;
    (void)state;
    assert_int_equal(in[cr], '\r');
    assert_int_equal(drip_sse_init(&s, buf, CAP), DRIP_OK);
    assert_int_equal(drip_sse_feed(&s, (const uint8_t *)in, cr + 1, &used), DRIP_AGAIN);
    assert_int_equal(used, cr + 1);
    assert_int_equal(drip_sse_feed(&s, (const uint8_t *)in + cr + 1, 1, &used), DRIP_AGAIN);
    assert_int_equal(used, 1);
    assert_int_equal(drip_sse_feed(&s, (const uint8_t *)in + cr + 2, sizeof in - 1 - (cr + 2),
                                   &used),
                     DRIP_SSE_EVENT);
    assert_int_equal(s.ev.data_len, 3);
    assert_memory_equal(s.ev.data, "a\nb", 3);
    /* ... and every other cut (the CR of the blank line too) */
    sse_check(in, CAP, "EV message||3|a%0Ab\nEND |-\n");
    /* the CR that ends the blank line is followed by LF in the next feed: the LF
     * is no second blank line (an event type set before would survive) */
    sse_check("data: a\r\n\r\ndata: b\r\n\r\n", CAP,
              "EV message||1|a\nEV message||1|b\nEND |-\n");
    /* with an empty feed between the CR and the LF (SPLIT_RANDOM makes those) */
    sse_check("id: 1\r\nevent: t\r\ndata: a\r\n\r\n", CAP, "EV t|1|1|a\nEND 1|-\n");
}

static void test_nul_in_data(void **state)
{
    static const char in[] = "data: a\0b\ndata: \0\n\n";
    (void)state;
    sse_check_n(in, sizeof in - 1, CAP, "EV message||5|a%00b%0A%00\nEND |-\n");
    /* NUL in the event type is kept too (bytes pass through) */
    sse_check_n("event: t\0u\ndata: x\n\n", 20, CAP, "EV t%00u||1|x\nEND |-\n");
}

/* ---- fields -------------------------------------------------------------- */

static void test_comments(void **state)
{
    (void)state;
    sse_check(":comment\ndata: a\n: data: not\ndata: b\n\n:\n\n", CAP,
              "EV message||3|a%0Ab\nEND |-\n");
    /* a comment-only "event" dispatches nothing; keep-alives between events */
    sse_check(": keep-alive\n\n:\r\n\r\n:ping\rdata: x\r\r", CAP, "EV message||1|x\nEND |-\n");
    /* a comment does not end an event */
    sse_check("data: a\n:x\ndata: b\n\n", CAP, "EV message||3|a%0Ab\nEND |-\n");
}

static void test_field_without_colon(void **state)
{
    (void)state;
    /* `data` alone appends an empty line */
    sse_check("data\n\n", CAP, "EV message||0|\nEND |-\n");
    sse_check("data\ndata\n\n", CAP, "EV message||1|%0A\nEND |-\n");
    sse_check("data\n\ndata\n\n", CAP, "EV message||0|\nEV message||0|\nEND |-\n");
    sse_check("data: a\ndata\n\n", CAP, "EV message||2|a%0A\nEND |-\n");
    sse_check("data\ndata: a\n\n", CAP, "EV message||2|%0Aa\nEND |-\n");
    sse_check("data\rdata\r\n\r\n", CAP, "EV message||1|%0A\nEND |-\n");
    /* `id` alone resets the id, `event` alone sets the empty type */
    sse_check("id: 3\ndata: a\n\nid\ndata: b\n\n", CAP,
              "EV message|3|1|a\nEV message||1|b\nEND |-\n");
    /* `retry` alone is not a number */
    sse_check("retry: 10\nretry\n", CAP, "END |10\n");
}

static void test_one_leading_space(void **state)
{
    (void)state;
    sse_check("data:  x\n\n", CAP, "EV message||2| x\nEND |-\n");
    sse_check("data:x\n\n", CAP, "EV message||1|x\nEND |-\n");
    sse_check("data: \n\n", CAP, "EV message||0|\nEND |-\n");
    sse_check("data:\n\n", CAP, "EV message||0|\nEND |-\n");
    sse_check("data:\tx\n\n", CAP, "EV message||2|%09x\nEND |-\n");
    sse_check("data:   \n\n", CAP, "EV message||2|  \nEND |-\n");
    sse_check("data: x \n\n", CAP, "EV message||2|x \nEND |-\n");
    sse_check("event:  t\ndata: x\n\n", CAP, "EV  t||1|x\nEND |-\n");
    sse_check("id:  7\ndata: x\n\n", CAP, "EV message| 7|1|x\nEND  7|-\n");
    /* a space before the colon is part of the name */
    sse_check("data : x\n\n", CAP, "END |-\n");
    /* only the first colon separates */
    sse_check("data: a: b\n\n", CAP, "EV message||4|a: b\nEND |-\n");
    sse_check("data::\n\n", CAP, "EV message||1|:\nEND |-\n");
}

static void test_case_sensitive_names(void **state)
{
    (void)state;
    sse_check("Data: x\n\n", CAP, "END |-\n");
    sse_check("DATA: x\n\n", CAP, "END |-\n");
    sse_check("Event: t\ndata: x\n\n", CAP, "EV message||1|x\nEND |-\n");
    sse_check("ID: 5\ndata: x\n\n", CAP, "EV message||1|x\nEND |-\n");
    sse_check("Retry: 5\n", CAP, "END |-\n");
}

/* data: and event: are recognised without the name loop when the whole name
 * and its colon are in the feed; everything that only looks like them must
 * still go through the general rules (sse_check also cuts at every byte, so
 * each line is seen both whole and split inside its name). */
static void test_data_event_lookalikes(void **state)
{
    (void)state;
    sse_check("dat: 1\ndataa: 2\ndatA: 3\n data: 4\nDdata: 5\neven: t\neventt: u\nevenT: v\n"
              "data: x\n\n",
              CAP, "EV message||1|x\nEND |-\n");
    /* a name that is the fast name without its colon: a field with an empty value */
    sse_check("event\rdata\revent: e\ndata\r\n\r\n", CAP, "EV e||1|%0A\nEND |-\n");
    /* exactly the name and colon, nothing else */
    sse_check("event: e\ndata:", CAP, "END |-\n");
    sse_check("event:", CAP, "END |-\n");
    sse_check("data:\n\nevent:\n", CAP, "EV message||0|\nEND |-\n");
    /* colon and line end right after the name, in every mix */
    sse_check("event:\rdata:\r\r", CAP, "EV message||0|\nEND |-\n");
    sse_check("event:t\ndata:x\ndata:\ndata:y\n\n", CAP, "EV t||4|x%0A%0Ay\nEND |-\n");
}

static void test_unknown_fields(void **state)
{
    (void)state;
    sse_check("foo: bar\ndata: a\nx\nidx: 5\nretryy: 5\nevents: t\ndat: q\ndataa: q\n"
              "averyveryverylongfieldname: q\n\n",
              CAP, "EV message||1|a\nEND |-\n");
    /* an unknown field alone is not an event */
    sse_check("foo: bar\n\n", CAP, "END |-\n");
    /* a very long unknown field value costs nothing */
    {
        char in[3000];
        memset(in, 'v', sizeof in);
        memcpy(in, "junk: ", 6);
        memcpy(in + sizeof in - 12, "\ndata: z\n\n", 11);
        sse_check(in, 4, "EV message||1|z\nEND |-\n");
    }
}

static void test_event_type_reset(void **state)
{
    (void)state;
    sse_check("event: a\ndata: 1\n\ndata: 2\n\n", CAP, "EV a||1|1\nEV message||1|2\nEND |-\n");
    /* also reset by a blank line that dispatches nothing */
    sse_check("event: a\n\ndata: 2\n\n", CAP, "EV message||1|2\nEND |-\n");
    /* the last event line wins */
    sse_check("event: a\nevent: b\ndata: 1\n\n", CAP, "EV b||1|1\nEND |-\n");
    /* event after data is still this event's type */
    sse_check("data: 1\nevent: late\n\n", CAP, "EV late||1|1\nEND |-\n");
}

static void test_event_empty_value(void **state)
{
    (void)state;
    sse_check("event\ndata: x\n\n", CAP, "EV message||1|x\nEND |-\n");
    sse_check("event:\ndata: x\n\n", CAP, "EV message||1|x\nEND |-\n");
    sse_check("event: \ndata: x\n\n", CAP, "EV message||1|x\nEND |-\n");
    sse_check("event: a\nevent:\ndata: x\n\n", CAP, "EV message||1|x\nEND |-\n");
}

static void test_multiline_data(void **state)
{
    (void)state;
    sse_check("data: a\ndata: b\ndata: c\n\n", CAP, "EV message||5|a%0Ab%0Ac\nEND |-\n");
    sse_check("data: a\ndata:\n\n", CAP, "EV message||2|a%0A\nEND |-\n");
    sse_check("data:\ndata:\ndata:\n\n", CAP, "EV message||2|%0A%0A\nEND |-\n");
    /* lines interleaved with other fields */
    sse_check("data: a\nevent: t\ndata: b\nid: 1\ndata: c\n\n", CAP,
              "EV t|1|5|a%0Ab%0Ac\nEND 1|-\n");
}

static void test_id_persists(void **state)
{
    (void)state;
    sse_check("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n", CAP,
              "EV message|1|1|a\nEV message|1|1|b\nEV message|2|1|c\nEND 2|-\n");
    /* id is in force for the event it is part of, wherever the line is */
    sse_check("data: a\nid: 9\n\n", CAP, "EV message|9|1|a\nEND 9|-\n");
}

static void test_id_after_last_blank(void **state)
{
    (void)state;
    /* An id field after the last blank line has no effect yet. */
    sse_check("data: a\n\nid: 7\n", CAP, "EV message||1|a\nEND |-\n");
    sse_check("id: 1\ndata: a\n\nid: 7\ndata: b\n", CAP, "EV message|1|1|a\nEND 1|-\n");
    /* ... until the next blank line */
    sse_check("data: a\n\nid: 7\n\n", CAP, "EV message||1|a\nEND 7|-\n");
    /* an id line cut by the end of input is not a line */
    sse_check("id: 1\n\nid: 2", CAP, "END 1|-\n");
}

static void test_id_with_nul_ignored(void **state)
{
    static const char in[] = "id: 1\ndata: a\n\nid: 2\0" "3\ndata: b\n\n";
    static const char in2[] = "id: \0\ndata: a\n\n";
    (void)state;
    sse_check_n(in, sizeof in - 1, CAP, "EV message|1|1|a\nEV message|1|1|b\nEND 1|-\n");
    sse_check_n(in2, sizeof in2 - 1, CAP, "EV message||1|a\nEND |-\n");
    /* the ignored id does not cut the id being kept either */
    sse_check_n("id: abc\nid: x\0\n\n", 16, CAP, "END abc|-\n");
}

static void test_id_empty_resets(void **state)
{
    (void)state;
    sse_check("id: 1\ndata: a\n\nid:\ndata: b\n\n", CAP,
              "EV message|1|1|a\nEV message||1|b\nEND |-\n");
    sse_check("id: 1\ndata: a\n\nid: \ndata: b\n\n", CAP,
              "EV message|1|1|a\nEV message||1|b\nEND |-\n");
    sse_check("id: 1\n\nid\n\n", CAP, "END |-\n");
}

static void test_retry_valid(void **state)
{
    (void)state;
    sse_check("retry: 5\n", CAP, "END |5\n");
    sse_check("retry:5000\n", CAP, "END |5000\n");
    sse_check("retry: 0\n", CAP, "END |0\n");
    sse_check("retry: 007\n", CAP, "END |7\n");
    sse_check("retry: 1\nretry: 2\n", CAP, "END |2\n");
    /* retry needs no blank line and does not make an event */
    sse_check("retry: 300\ndata: x\n", CAP, "END |300\n");
    sse_check("retry: 300\r", CAP, "END |300\n");
    /* a retry line cut by the end of input is not a line */
    sse_check("retry: 300", CAP, "END |-\n");
}

static void test_retry_invalid(void **state)
{
    (void)state;
    sse_check("retry: +5\n", CAP, "END |-\n");
    sse_check("retry: 5x\n", CAP, "END |-\n");
    sse_check("retry:\n", CAP, "END |-\n");
    sse_check("retry: \n", CAP, "END |-\n");
    sse_check("retry:  5\n", CAP, "END |-\n");
    sse_check("retry: 5 \n", CAP, "END |-\n");
    sse_check("retry: -5\n", CAP, "END |-\n");
    sse_check("retry: 1.5\n", CAP, "END |-\n");
    sse_check("retry: 0x10\n", CAP, "END |-\n");
    sse_check_n("retry: 5\0\n", 10, CAP, "END |-\n");
    /* an invalid value keeps the previous valid one */
    sse_check("retry: 100\nretry: +5\nretry: 5x\nretry:\nretry: x5\n", CAP, "END |100\n");
}

static void test_retry_huge_saturates(void **state)
{
    (void)state;
    sse_check("retry: 99999999999999999999999999\n", CAP, "END |4294967295\n");
    sse_check("retry: 4294967296\n", CAP, "END |4294967295\n");
    sse_check("retry: 4294967295\n", CAP, "END |4294967295\n");
    sse_check("retry: 429496729\n", CAP, "END |429496729\n");
    /* values that fit 32 bits are exact, right up to the limit */
    sse_check("retry: 4294967290\n", CAP, "END |4294967290\n");
    sse_check("retry: 4294967294\n", CAP, "END |4294967294\n");
    /* a saturated value followed by a non-digit is still invalid */
    sse_check("retry: 7\nretry: 99999999999999999999x\n", CAP, "END |7\n");
}

static void test_blank_line_without_data(void **state)
{
    (void)state;
    /* dispatches nothing, but sets the last-event-id string */
    sse_check("id: 5\n\n", CAP, "END 5|-\n");
    sse_check("event: x\nid: 6\n\n", CAP, "END 6|-\n");
    sse_check("id: 5\n\n\n\n\n", CAP, "END 5|-\n");
    sse_check("\n\n\r\n\r", CAP, "END |-\n");
    /* the id it set is the one the next event carries */
    sse_check("id: 5\n\ndata: a\n\n", CAP, "EV message|5|1|a\nEND 5|-\n");
}

static void test_eof_discards_event(void **state)
{
    (void)state;
    sse_check("data: a\n\ndata: b\n", CAP, "EV message||1|a\nEND |-\n");
    sse_check("data: a\n\ndata: b", CAP, "EV message||1|a\nEND |-\n");
    sse_check("data: a\n\nevent: t\ndata: b\r", CAP, "EV message||1|a\nEND |-\n");
    sse_check("data: a", CAP, "END |-\n");
    /* an oversize event cut by the end: its pieces went out, no event */
    sse_check("data: 0123456789\ndata: ab\n", 4, "PENDING 13\nEND |-\n");
}

/* ---- oversize events ------------------------------------------------------ */

/* Expected transcript line for an event of `len` data bytes and buffer cap. */
static void exp_event(th_buf_t *b, const char *type, const char *id, const void *data, size_t len,
                      size_t cap)
{
    th_buf_str(b, len > cap ? "OV " : "EV ");
    sb_esc(b, type, strlen(type));
    th_buf_str(b, "|");
    sb_esc(b, id, strlen(id));
    th_buf_fmt(b, "|%zu|", len);
    sb_esc(b, data, len);
    th_buf_str(b, "\n");
}

static void test_oversize_pieces(void **state)
{
    static const size_t caps[] = {1, 2, 7, 64};
    /* 40 + 1 + 30 + 1 + 0 + 1 + 1 = 74 bytes, with LFs between lines */
    static const char l40[] = "0123456789abcdefghijklmnopqrstuvwxyzABCD";
    static const char l30[] = "EFGHIJKLMNOPQRSTUVWXYZ!#$&()*+";
    th_buf_t in = {0}, data = {0};
    size_t c;
    (void)state;

    th_buf_str(&in, "event: big\nid: 42\ndata: ");
    th_buf_str(&in, l40);
    th_buf_str(&in, "\ndata:");
    th_buf_str(&in, l30);
    th_buf_str(&in, "\r\ndata\ndata: x\n\n");
    th_buf_str(&in, "data: small\n\n");
    th_buf_str(&in, "event: two\ndata: 0123456\ndata: 7\n\n");
    th_buf_str(&in, "data\ndata\n\n");

    th_buf_str(&data, l40);
    th_buf_str(&data, "\n");
    th_buf_str(&data, l30);
    th_buf_str(&data, "\n\nx");
    assert_int_equal(data.n, 74);

    for (c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        th_buf_t want = {0};
        exp_event(&want, "big", "42", data.p, data.n, caps[c]);
        exp_event(&want, "message", "42", "small", 5, caps[c]);
        exp_event(&want, "two", "42", "0123456\n7", 9, caps[c]);
        exp_event(&want, "message", "42", "\n", 1, caps[c]);
        th_buf_str(&want, "END 42|-\n");
        sse_check_n(in.p, in.n, caps[c], want.p);
        free(want.p);
    }
    free(in.p);
    free(data.p);
}

static void test_oversize_exact_fit(void **state)
{
    size_t cap;
    (void)state;
    for (cap = 1; cap <= 12; cap++) {
        th_buf_t in = {0}, want = {0};
        char d[16];
        size_t i;
        for (i = 0; i < sizeof d; i++) {
            d[i] = (char)('a' + i);
        }
        /* one line of exactly cap bytes: not oversize */
        th_buf_str(&in, "data: ");
        th_buf_add(&in, d, cap);
        th_buf_str(&in, "\n\n");
        exp_event(&want, "message", "", d, cap, cap);
        /* one line of cap + 1 bytes: oversize */
        th_buf_str(&in, "data: ");
        th_buf_add(&in, d, cap + 1);
        th_buf_str(&in, "\n\n");
        exp_event(&want, "message", "", d, cap + 1, cap);
        /* several lines whose total with the LFs is exactly cap */
        if (cap >= 3) {
            th_buf_str(&in, "data: ");
            th_buf_add(&in, d, cap - 2);
            th_buf_str(&in, "\ndata: Z\n\n");
            {
                char e[16];
                memcpy(e, d, cap - 2);
                e[cap - 2] = '\n';
                e[cap - 1] = 'Z';
                exp_event(&want, "message", "", e, cap, cap);
                /* and one more byte */
                th_buf_str(&in, "data: ");
                th_buf_add(&in, d, cap - 2);
                th_buf_str(&in, "\ndata: ZZ\n\n");
                e[cap] = 'Z';
                exp_event(&want, "message", "", e, cap + 1, cap);
            }
        }
        /* cap LFs only (cap + 1 empty data lines) fit; cap + 2 do not */
        for (i = 0; i < cap + 1; i++) {
            th_buf_str(&in, "data\n");
        }
        th_buf_str(&in, "\n");
        {
            char lf[16];
            memset(lf, '\n', sizeof lf);
            exp_event(&want, "message", "", lf, cap, cap);
            for (i = 0; i < cap + 2; i++) {
                th_buf_str(&in, "data\n");
            }
            th_buf_str(&in, "\n");
            exp_event(&want, "message", "", lf, cap + 1, cap);
        }
        th_buf_str(&want, "END |-\n");
        sse_check_n(in.p, in.n, cap, want.p);
        free(in.p);
        free(want.p);
    }
}

typedef struct type_ctx {
    const char *type;
    int pieces;
} type_ctx_t;

static void test_oversize_type_known_during_pieces(void **state)
{
    /* OpenAI sends `event:` first: drip_sse_type() names the event while its
     * data goes out in pieces. */
    static const char in[] = "event: response.completed\ndata: {\"type\":\"response.completed\","
                             "\"response\":{\"id\":\"resp_1\",\"status\":\"completed\"}}\n\n";
    static const size_t caps[] = {1, 2, 7, 16};
    size_t c, k;
    (void)state;
    for (c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        for (k = 0; k < sizeof in; k++) {
            uint8_t buf[16 + GUARD];
            drip_sse_t s;
            size_t off = 0, pieces = 0, total = 0, n = sizeof in - 1;
            int got_event = 0;
            memset(buf, GUARD_BYTE, sizeof buf);
            assert_int_equal(drip_sse_init(&s, buf, caps[c]), DRIP_OK);
            while (off < n) {
                size_t len = off < k ? k - off : n - off, pos = 0;
                for (;;) {
                    size_t used;
                    int rc = drip_sse_feed(&s, (const uint8_t *)in + off + pos, len - pos, &used);
                    check_guard(buf, caps[c]);
                    pos += used;
                    if (rc == DRIP_AGAIN) {
                        break;
                    }
                    if (rc == DRIP_SSE_DATA) {
                        size_t tl;
                        const char *t = drip_sse_type(&s, &tl);
                        assert_int_equal(tl, 18);
                        assert_memory_equal(t, "response.completed", 18);
                        assert_memory_equal(s.piece, in + 32 + total, s.piece_len);
                        total += s.piece_len;
                        pieces++;
                        continue;
                    }
                    assert_int_equal(rc, DRIP_SSE_EVENT);
                    assert_true(s.ev.oversize);
                    assert_int_equal(s.ev.type_len, 18);
                    assert_memory_equal(s.ev.type, "response.completed", 18);
                    assert_int_equal(s.ev.size, total);
                    assert_int_equal(s.ev.size, n - 32 - 2);
                    got_event++;
                }
                off += len;
            }
            assert_int_equal(got_event, 1);
            assert_true(pieces >= 1);
        }
    }
}

static void test_oversize_guard_bytes(void **state)
{
    /* Random streams of events of random sizes, small buffers: the runner
     * checks the GUARD bytes after every feed; here the transcript of every
     * buffer size must equal the one a big buffer gives, modulo EV/OV. */
    uint32_t rng = 12345;
    int round;
    (void)state;
    for (round = 0; round < 20; round++) {
        th_buf_t in = {0};
        int ev, nev = 1 + (int)(th_rand(&rng) % 6u);
        size_t cap;
        for (ev = 0; ev < nev; ev++) {
            int lines = 1 + (int)(th_rand(&rng) % 4u), l;
            if (th_rand(&rng) & 1u) {
                th_buf_str(&in, "event: t\n");
            }
            for (l = 0; l < lines; l++) {
                size_t len = th_rand(&rng) % 40u, i;
                th_buf_str(&in, (th_rand(&rng) & 1u) ? "data: " : "data:");
                for (i = 0; i < len; i++) {
                    char ch = (char)('A' + th_rand(&rng) % 26u);
                    th_buf_add(&in, &ch, 1);
                }
                th_buf_str(&in, (th_rand(&rng) & 1u) ? "\r\n" : "\n");
            }
            th_buf_str(&in, "\n");
        }
        {
            split_t whole = {SPLIT_WHOLE, 0, 0};
            char *big = sse_run((const uint8_t *)in.p, in.n, 4096, &whole);
            for (cap = 1; cap <= 48; cap += (cap < 8 ? 1 : 7)) {
                split_t sp;
                uint32_t seed;
                char *ref = sse_run((const uint8_t *)in.p, in.n, cap, &whole);
                /* same events, same bytes: only EV/OV may differ */
                assert_int_equal(strlen(ref), strlen(big));
                {
                    size_t i = 0;
                    const char *a = ref, *b = big;
                    while (a[i] != '\0') {
                        if (a[i] != b[i]) {
                            assert_true((i == 0 || a[i - 1] == '\n') && a[i] == 'O' && b[i] == 'E');
                        }
                        i++;
                    }
                }
                memset(&sp, 0, sizeof sp);
                sp.kind = SPLIT_BYTE;
                expect_split((const uint8_t *)in.p, in.n, cap, &sp, ref);
                sp.kind = SPLIT_RANDOM;
                for (seed = 1; seed <= 8; seed++) {
                    sp.seed = seed + (uint32_t)round * 100u;
                    expect_split((const uint8_t *)in.p, in.n, cap, &sp, ref);
                }
                free(ref);
            }
            free(big);
        }
        free(in.p);
    }
}

static void test_oversize_then_small(void **state)
{
    (void)state;
    /* the buffer is reused cleanly after an oversize event */
    sse_check("data: 0123456789\n\ndata: ab\n\ndata: abcd\ndata: e\n\ndata: xy\n\n", 4,
              "OV message||10|0123456789\nEV message||2|ab\nOV message||6|abcd%0Ae\n"
              "EV message||2|xy\nEND |-\n");
}

/* ---- field length limits ---------------------------------------------------- */

static void long_field(th_buf_t *in, const char *name, size_t len)
{
    size_t i;
    th_buf_str(in, name);
    th_buf_str(in, ": ");
    for (i = 0; i < len; i++) {
        char c = (char)('a' + i % 26u);
        th_buf_add(in, &c, 1);
    }
    th_buf_str(in, "\n");
}

static void test_event_too_long(void **state)
{
    th_buf_t in = {0};
    (void)state;
    long_field(&in, "event", DRIP_SSE_TYPE_MAX + 1);
    th_buf_str(&in, "data: x\n\n");
    sse_check_n(in.p, in.n, CAP, "ERR -50\nEND |-\n");
    free(in.p);
    /* after an event that went out: the error comes later and is sticky */
    memset(&in, 0, sizeof in);
    th_buf_str(&in, "id: 1\ndata: a\n\n");
    long_field(&in, "event", 300);
    th_buf_str(&in, "data: x\n\n");
    sse_check_n(in.p, in.n, CAP, "EV message|1|1|a\nERR -50\nEND 1|-\n");
    free(in.p);
}

static void test_event_longest_kept(void **state)
{
    /* drip_opts.h: DRIP_SSE_TYPE_MAX is the "longest SSE event: value kept" */
    th_buf_t in = {0}, want = {0};
    size_t i;
    (void)state;
    long_field(&in, "event", DRIP_SSE_TYPE_MAX);
    th_buf_str(&in, "data: x\n\n");
    th_buf_str(&want, "EV ");
    for (i = 0; i < DRIP_SSE_TYPE_MAX; i++) {
        char c = (char)('a' + i % 26u);
        th_buf_add(&want, &c, 1);
    }
    th_buf_str(&want, "||1|x\nEND |-\n");
    sse_check_n(in.p, in.n, CAP, want.p);
    free(in.p);
    free(want.p);
}

static void test_event_longest_openai_type(void **state)
{
    /* the longest Responses event name (44 bytes per drip_opts.h) fits */
    static const char t[] = "response.reasoning_summary_text.delta.abcdef"; /* 44 bytes */
    th_buf_t in = {0}, want = {0};
    (void)state;
    assert_int_equal(strlen(t), 44);
    th_buf_str(&in, "event: ");
    th_buf_str(&in, t);
    th_buf_str(&in, "\ndata: {}\n\n");
    th_buf_str(&want, "EV ");
    th_buf_str(&want, t);
    th_buf_str(&want, "||2|{}\nEND |-\n");
    sse_check_n(in.p, in.n, CAP, want.p);
    free(in.p);
    free(want.p);
}

static void test_id_too_long(void **state)
{
    th_buf_t in = {0};
    (void)state;
    long_field(&in, "id", DRIP_SSE_ID_MAX + 1);
    th_buf_str(&in, "data: x\n\n");
    sse_check_n(in.p, in.n, CAP, "ERR -50\nEND |-\n");
    free(in.p);
    memset(&in, 0, sizeof in);
    th_buf_str(&in, "id: 7\ndata: a\n\n");
    long_field(&in, "id", 1000);
    sse_check_n(in.p, in.n, CAP, "EV message|7|1|a\nERR -50\nEND 7|-\n");
    free(in.p);
}

static void test_id_longest_kept(void **state)
{
    /* drip_opts.h: DRIP_SSE_ID_MAX is the "longest SSE id: value kept" */
    th_buf_t in = {0}, want = {0}, id = {0};
    size_t i;
    (void)state;
    long_field(&in, "id", DRIP_SSE_ID_MAX);
    th_buf_str(&in, "data: x\n\n");
    for (i = 0; i < DRIP_SSE_ID_MAX; i++) {
        char c = (char)('a' + i % 26u);
        th_buf_add(&id, &c, 1);
    }
    th_buf_fmt(&want, "EV message|%s|1|x\nEND %s|-\n", id.p, id.p);
    sse_check_n(in.p, in.n, CAP, want.p);
    free(in.p);
    free(want.p);
    free(id.p);
}

static void test_long_field_name_and_data_are_fine(void **state)
{
    /* no limit but the buffer for data; unknown names of any length */
    th_buf_t in = {0}, want = {0}, d = {0};
    (void)state;
    long_field(&in, "x-very-long-unknown-field-name", 500);
    long_field(&in, "data", 500);
    th_buf_str(&in, "\n");
    {
        size_t i;
        for (i = 0; i < 500; i++) {
            char c = (char)('a' + i % 26u);
            th_buf_add(&d, &c, 1);
        }
    }
    exp_event(&want, "message", "", d.p, d.n, 8);
    th_buf_str(&want, "END |-\n");
    sse_check_n(in.p, in.n, 8, want.p);
    free(in.p);
    free(want.p);
    free(d.p);
}

/* ---- API: init, reset, resume ----------------------------------------------- */

static void test_api_args(void **state)
{
    uint8_t buf[8];
    drip_sse_t s;
    size_t used = 5;
    (void)state;
    assert_int_equal(drip_sse_init(NULL, buf, 8), DRIP_ERR_ARG);
    assert_int_equal(drip_sse_init(&s, NULL, 8), DRIP_ERR_ARG);
    assert_int_equal(drip_sse_init(&s, buf, 0), DRIP_ERR_ARG);
    assert_int_equal(drip_sse_init(&s, buf, sizeof buf), DRIP_OK);
    assert_int_equal(drip_sse_feed(&s, NULL, 3, &used), DRIP_ERR_ARG);
    assert_int_equal(drip_sse_feed(&s, buf, 0, NULL), DRIP_ERR_ARG);
    assert_int_equal(drip_sse_feed(&s, NULL, 0, &used), DRIP_AGAIN);
    assert_int_equal(used, 0);
}

static void sb_clear(th_buf_t *b)
{
    b->n = 0;
    if (b->p != NULL) {
        b->p[0] = '\0';
    }
}

static int feed_all(drip_sse_t *s, const char *in, th_buf_t *events)
{
    size_t n = strlen(in), off = 0, used;
    int rc = DRIP_AGAIN;
    while (1) {
        rc = drip_sse_feed(s, (const uint8_t *)in + off, n - off, &used);
        off += used;
        if (rc == DRIP_SSE_EVENT) {
            sb_esc(events, s->ev.data, s->ev.data_len);
            th_buf_str(events, "|");
            sb_esc(events, s->ev.id, s->ev.id_len);
            th_buf_str(events, ";");
            continue;
        }
        if (rc != DRIP_SSE_DATA) {
            break;
        }
    }
    return rc;
}

static void test_reset_and_resume(void **state)
{
    uint8_t buf[CAP];
    drip_sse_t s;
    th_buf_t ev = {0};
    size_t ln;
    uint32_t ms;
    (void)state;
    assert_int_equal(drip_sse_init(&s, buf, sizeof buf), DRIP_OK);
    assert_int_equal(feed_all(&s, "retry: 1500\nid: 9\ndata: a\n\ndata: partial\n", &ev),
                     DRIP_AGAIN);
    assert_string_equal(ev.p, "a|9;");
    /* resume: the partial event is dropped, id and retry are kept */
    assert_int_equal(drip_sse_resume(&s), DRIP_OK);
    drip_sse_last_id(&s, &ln);
    assert_int_equal(ln, 1);
    assert_int_equal(drip_sse_retry(&s, &ms), 1);
    assert_int_equal(ms, 1500);
    sb_clear(&ev);
    assert_int_equal(feed_all(&s, "data: b\n\n", &ev), DRIP_AGAIN);
    assert_string_equal(ev.p, "b|9;");
    /* reset forgets everything */
    assert_int_equal(feed_all(&s, "data: c\n", &ev), DRIP_AGAIN);
    assert_int_equal(drip_sse_reset(&s), DRIP_OK);
    drip_sse_last_id(&s, &ln);
    assert_int_equal(ln, 0);
    assert_int_equal(drip_sse_retry(&s, &ms), 0);
    sb_clear(&ev);
    assert_int_equal(feed_all(&s, "\xEF\xBB\xBF" "data: d\n\n", &ev), DRIP_AGAIN);
    assert_string_equal(ev.p, "d|;");
    /* reset clears a sticky error */
    {
        th_buf_t in = {0};
        long_field(&in, "event", 200);
        assert_int_equal(feed_all(&s, in.p, &ev), DRIP_ERR_SSE_FIELD_TOO_LONG);
        assert_int_equal(feed_all(&s, "data: e\n\n", &ev), DRIP_ERR_SSE_FIELD_TOO_LONG);
        assert_int_equal(drip_sse_resume(&s), DRIP_OK);
        sb_clear(&ev);
        assert_int_equal(feed_all(&s, "data: e\n\n", &ev), DRIP_AGAIN);
        assert_string_equal(ev.p, "e|;");
        free(in.p);
    }
    free(ev.p);
}

static void test_resume_skips_bom(void **state)
{
    /* A reconnect is a new HTTP response body; WHATWG decodes each body with
     * "UTF-8 decode", which drops a leading BOM. */
    uint8_t buf[CAP];
    drip_sse_t s;
    th_buf_t ev = {0};
    (void)state;
    assert_int_equal(drip_sse_init(&s, buf, sizeof buf), DRIP_OK);
    assert_int_equal(feed_all(&s, "id: 1\ndata: a\n\n", &ev), DRIP_AGAIN);
    assert_int_equal(drip_sse_resume(&s), DRIP_OK);
    sb_clear(&ev);
    assert_int_equal(feed_all(&s, "\xEF\xBB\xBF" "data: b\n\n", &ev), DRIP_AGAIN);
    assert_non_null(ev.p);
    assert_string_equal(ev.p, "b|1;");
    free(ev.p);
}

static void test_resume_drops_undispatched_id(void **state)
{
    /* An id line of an event that never got its blank line before the
     * connection dropped: the reconnect sends Last-Event-ID "9", and the new
     * stream must not tag its events with "10". WHATWG starts each parsed
     * stream with an empty last-event-id buffer (browsers seed it with the
     * last-event-id string instead); either way "10" is not in force. */
    uint8_t buf[CAP];
    drip_sse_t s;
    th_buf_t ev = {0};
    size_t ln;
    const char *id;
    (void)state;
    assert_int_equal(drip_sse_init(&s, buf, sizeof buf), DRIP_OK);
    assert_int_equal(feed_all(&s, "id: 9\ndata: a\n\nid: 10\ndata: partial\n", &ev), DRIP_AGAIN);
    assert_int_equal(drip_sse_resume(&s), DRIP_OK);
    id = drip_sse_last_id(&s, &ln);
    assert_int_equal(ln, 1);
    assert_memory_equal(id, "9", 1);
    sb_clear(&ev);
    assert_int_equal(feed_all(&s, "data: b\n\n", &ev), DRIP_AGAIN);
    assert_non_null(ev.p);
    if (strcmp(ev.p, "b|9;") != 0 && strcmp(ev.p, "b|;") != 0) {
        fail_msg("after resume the event carries \"%s\", want id 9 (or empty)", ev.p);
    }
    free(ev.p);
}

/* ---- real OpenAI transcripts ------------------------------------------------- */

typedef struct tfile {
    const char *name;
    size_t events;
    int chat;
} tfile_t;

/* tests/transcripts/README.md, "events" column */
static const tfile_t k_files[] = {
    {"responses-text-gpt52.sse", 14, 0},
    {"responses-function-call-gpt5.sse", 14, 0},
    {"responses-reasoning-summary-o3mini.sse", 676, 0},
    {"responses-background.sse", 17, 0},
    {"responses-legacy-noseq.sse", 15, 0},
    {"responses-legacy-noseq-function-call.sse", 11, 0},
    {"responses-error-quota.sse", 4, 0},
    {"chat-text.sse", 34, 1},
    {"chat-tool-call.sse", 11, 1},
    {"chat-parallel-tools.sse", 26, 1},
    {"chat-refusal.sse", 14, 1},
    {"chat-length.sse", 5, 1},
    {"chat-n3.sse", 50, 1},
    {"chat-usage-obfuscation-2026.sse", 9, 1},
    {"chat-text-obfuscation-2026.sse", 12, 1},
    {"chat-moderation-2026.sse", 7, 1},
};

typedef struct file_ctx {
    const tfile_t *f;
    size_t n, done;
} file_ctx_t;

static void file_event_check(const drip_sse_event_t *ev, const uint8_t *d, size_t n, void *vctx)
{
    file_ctx_t *ctx = vctx;
    ctx->n++;
    if (ctx->f->chat) {
        assert_int_equal(ev->type_len, 7);
        assert_memory_equal(ev->type, "message", 7);
        if (n == 6 && memcmp(d, "[DONE]", 6) == 0) {
            ctx->done++;
            return;
        }
        assert_true(n > 0 && d[0] == '{');
        assert_true(d[n - 1] == '}');
    } else {
        /* {"type":"<event name>", ... : the event name is the JSON type */
        assert_true(n > 10 + ev->type_len);
        assert_memory_equal(d, "{\"type\":\"", 9);
        assert_memory_equal(d + 9, ev->type, ev->type_len);
        assert_int_equal(d[9 + ev->type_len], '"');
        assert_true(d[n - 1] == '}');
    }
    assert_null(memchr(d, '\n', n)); /* one data line per event */
    assert_int_equal(ev->id_len, 0);
}

static void run_file(const tfile_t *f, const uint8_t *in, size_t n, size_t cap, const split_t *sp,
                     const char *ref)
{
    file_ctx_t ctx = {f, 0, 0};
    run_stats_t st;
    char *got = sse_run_ex(in, n, cap, sp, &st, file_event_check, &ctx);
    if (ref != NULL && strcmp(got, ref) != 0) {
        transcript_diff(f->name, sp, cap, ref, got);
    }
    if (st.events != f->events) {
        fail_msg("%s: %zu events, README says %zu", f->name, st.events, f->events);
    }
    assert_int_equal(ctx.n, f->events);
    assert_int_equal(ctx.done, f->chat ? 1u : 0u);
    /* every file ends with a blank line, has no id and no retry */
    assert_true(strlen(got) >= 7);
    assert_string_equal(got + strlen(got) - 7, "END |-\n");
    free(got);
}

static void test_transcripts_all_splits(void **state)
{
    static const size_t caps[] = {4096, 512};
    static const size_t fixed[] = {2, 3, 7, 64, 1000, 4096};
    size_t f, c, k;
    uint32_t seed;
    (void)state;
    for (f = 0; f < sizeof k_files / sizeof k_files[0]; f++) {
        size_t n = 0;
        uint8_t *in = th_transcript(k_files[f].name, &n);
        if (in == NULL) {
            fail_msg("cannot read transcript %s", k_files[f].name);
        }
        for (c = 0; c < sizeof caps / sizeof caps[0]; c++) {
            split_t sp;
            char *ref;
            memset(&sp, 0, sizeof sp);
            sp.kind = SPLIT_WHOLE;
            ref = sse_run(in, n, caps[c], &sp);
            run_file(&k_files[f], in, n, caps[c], &sp, NULL);
            sp.kind = SPLIT_BYTE;
            run_file(&k_files[f], in, n, caps[c], &sp, ref);
            sp.kind = SPLIT_FIXED;
            for (k = 0; k < sizeof fixed / sizeof fixed[0]; k++) {
                sp.at = fixed[k];
                run_file(&k_files[f], in, n, caps[c], &sp, ref);
            }
            sp.kind = SPLIT_RANDOM;
            for (seed = 1; seed <= 8; seed++) {
                sp.seed = seed * 7919u + (uint32_t)f;
                run_file(&k_files[f], in, n, caps[c], &sp, ref);
            }
            sp.kind = SPLIT_AT;
            for (seed = 0; seed < 16; seed++) {
                sp.at = (size_t)(((uint64_t)seed * n) / 16u) + 1u;
                run_file(&k_files[f], in, n, caps[c], &sp, ref);
            }
            free(ref);
        }
        /* the same events whatever the buffer: only EV/OV may differ */
        {
            split_t sp = {SPLIT_WHOLE, 0, 0};
            char *a = sse_run(in, n, 4096, &sp), *b = sse_run(in, n, 512, &sp);
            size_t i;
            assert_int_equal(strlen(a), strlen(b));
            for (i = 0; a[i] != '\0'; i++) {
                if (a[i] != b[i]) {
                    assert_true((i == 0 || a[i - 1] == '\n') && a[i] == 'E' && b[i] == 'O');
                }
            }
            free(a);
            free(b);
        }
        free(in);
    }
}

static void test_transcript_every_split_point(void **state)
{
    static const size_t caps[] = {4096, 512};
    size_t n = 0, k, c;
    const tfile_t *f = &k_files[0];
    uint8_t *in = th_transcript(f->name, &n);
    (void)state;
    if (in == NULL) {
        fail_msg("cannot read transcript %s", f->name);
    }
    assert_int_equal(n, 5932);
    for (c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        split_t sp = {SPLIT_WHOLE, 0, 0};
        char *ref = sse_run(in, n, caps[c], &sp);
        run_file(f, in, n, caps[c], &sp, NULL);
        sp.kind = SPLIT_AT;
        for (k = 0; k <= n; k++) {
            char *got;
            sp.at = k;
            got = sse_run(in, n, caps[c], &sp);
            if (strcmp(got, ref) != 0) {
                transcript_diff(f->name, &sp, caps[c], ref, got);
            }
            free(got);
        }
        free(ref);
    }
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bom_skipped),
        cmocka_unit_test(test_bom_split),
        cmocka_unit_test(test_bom_second_is_name_bytes),
        cmocka_unit_test(test_bom_partial),
        cmocka_unit_test(test_line_end_lf),
        cmocka_unit_test(test_line_end_crlf),
        cmocka_unit_test(test_line_end_cr),
        cmocka_unit_test(test_line_end_mixed),
        cmocka_unit_test(test_crlf_across_feeds),
        cmocka_unit_test(test_nul_in_data),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_field_without_colon),
        cmocka_unit_test(test_one_leading_space),
        cmocka_unit_test(test_case_sensitive_names),
        cmocka_unit_test(test_data_event_lookalikes),
        cmocka_unit_test(test_unknown_fields),
        cmocka_unit_test(test_event_type_reset),
        cmocka_unit_test(test_event_empty_value),
        cmocka_unit_test(test_multiline_data),
        cmocka_unit_test(test_id_persists),
        cmocka_unit_test(test_id_after_last_blank),
        cmocka_unit_test(test_id_with_nul_ignored),
        cmocka_unit_test(test_id_empty_resets),
        cmocka_unit_test(test_retry_valid),
        cmocka_unit_test(test_retry_invalid),
        cmocka_unit_test(test_retry_huge_saturates),
        cmocka_unit_test(test_blank_line_without_data),
        cmocka_unit_test(test_eof_discards_event),
        cmocka_unit_test(test_oversize_pieces),
        cmocka_unit_test(test_oversize_exact_fit),
        cmocka_unit_test(test_oversize_type_known_during_pieces),
        cmocka_unit_test(test_oversize_guard_bytes),
        cmocka_unit_test(test_oversize_then_small),
        cmocka_unit_test(test_event_too_long),
        cmocka_unit_test(test_event_longest_kept),
        cmocka_unit_test(test_event_longest_openai_type),
        cmocka_unit_test(test_id_too_long),
        cmocka_unit_test(test_id_longest_kept),
        cmocka_unit_test(test_long_field_name_and_data_are_fine),
        cmocka_unit_test(test_api_args),
        cmocka_unit_test(test_reset_and_resume),
        cmocka_unit_test(test_resume_skips_bom),
        cmocka_unit_test(test_resume_drops_undispatched_id),
        cmocka_unit_test(test_transcripts_all_splits),
        cmocka_unit_test(test_transcript_every_split_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
