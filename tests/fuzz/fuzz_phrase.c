/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_phrase: the speech phrase chunker (drip_phrase.h) at once and in pieces.
 *
 * Input: [cfg][min][max][s0][s1] then the answer text (any bytes).
 *   cfg  bit 0: feed through drip_phrase_sink() with flags 0 (clean text, no
 *        Markdown filter) instead of drip_phrase_feed();
 *        bit 1: cfg.max = 0 (the default: 200 or the buffer, if smaller);
 *        bits 2..4: the phrase buffer is that many bytes longer than max
 *   min  cfg.min = min & 63 (0 never joins)
 *   max  cfg.max = DRIP_PHRASE_MAX_LEAST + max (buf_len with bit 1)
 *   s0 s1 the split plan of the second run (fz_split_t)
 * Checks:
 * - the run fed whole and the run fed in pieces log the same phrases and
 *   the same drip_phrase_glued() flags; drip_phrase_count() = phrases seen;
 * - every phrase is not empty, at most max bytes, lies inside the caller's
 *   buffer, is trimmed, holds no whitespace but single spaces, and is valid
 *   UTF-8 when the text reaching the chunker is; the guard bytes after the
 *   buffer are never touched (checked in the callback and after each call);
 * - text.md §3 join: the phrases joined with "" (glued) or " " equal the
 *   speech-form text with whitespace runs made one space. The speech form
 *   is the chunker's input (the text, or what drip_md gives for it in a
 *   separate run with the same setup: DRIP_MD_CODE bytes dropped, each
 *   DRIP_MD_FENCE_BEGIN standing for " code omitted "), checked when it
 *   holds no http:// or https:// (any case; bare URLs become "link").
 */
#include <dripfeed/drip_phrase.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n);

typedef struct {
    fz_log_t log;  /* phrases and glue flags, compared between the runs */
    fz_log_t join; /* phrases joined as text.md §3 says */
    const drip_phrase_t *p;
    const char *buf;
    size_t buf_len, max;
    uint32_t seen;
    int utf8; /* the chunker's input is valid UTF-8: so must each phrase be */
} run_t;

static int is_ws(uint8_t c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f';
}

/* Strict UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). */
static int valid_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        size_t k, j;
        uint32_t cp;
        if (b < 0x80u) {
            i++;
            continue;
        }
        k = (b >= 0xC2u && b < 0xE0u) ? 2 : (b >= 0xE0u && b < 0xF0u) ? 3
            : (b >= 0xF0u && b <= 0xF4u) ? 4 : 0;
        if (k == 0 || i + k > n) {
            return 0;
        }
        cp = k == 2 ? (b & 0x1Fu) : k == 3 ? (b & 0x0Fu) : (b & 0x07u);
        for (j = 1; j < k; j++) {
            if ((s[i + j] & 0xC0u) != 0x80u) {
                return 0;
            }
            cp = (cp << 6) | (s[i + j] & 0x3Fu);
        }
        if ((k == 3 && (cp < 0x800u || (cp >= 0xD800u && cp <= 0xDFFFu))) ||
            (k == 4 && (cp < 0x10000u || cp > 0x10FFFFu))) {
            return 0;
        }
        i += k;
    }
    return 1;
}

static void on_phrase(void *user, const char *s, size_t n)
{
    run_t *r = (run_t *)user;
    const uint8_t *b = (const uint8_t *)s;
    size_t i;
    int glued = drip_phrase_glued(r->p);
    r->seen++;
    FZ_CHECK(n > 0 && s != NULL, "phrase %u empty", (unsigned)r->seen);
    FZ_CHECK(n <= r->max, "phrase %u: %zu bytes > max %zu", (unsigned)r->seen, n, r->max);
    FZ_CHECK(fz_inside(s, n, r->buf, r->buf_len), "phrase %u outside the phrase buffer",
             (unsigned)r->seen);
    fz_guard_check(r->buf + r->buf_len, FZ_GUARD, "the phrase buffer (in on_phrase)");
    FZ_CHECK(!is_ws(b[0]) && !is_ws(b[n - 1]), "phrase %u not trimmed", (unsigned)r->seen);
    for (i = 0; i < n; i++) {
        FZ_CHECK(!is_ws(b[i]) || (b[i] == ' ' && b[i + 1] != ' '),
                 "phrase %u: whitespace 0x%02x at %zu not one space", (unsigned)r->seen, b[i], i);
    }
    FZ_CHECK(!r->utf8 || valid_utf8(b, n), "phrase %u not valid UTF-8", (unsigned)r->seen);
    FZ_CHECK(glued == 0 || glued == 1, "glued %d", glued);
    FZ_CHECK(r->seen > 1 || !glued, "the first phrase glued to nothing");
    fz_logf(&r->log, "%c", glued ? '+' : ' ');
    fz_log_bytes(&r->log, s, n);
    fz_logf(&r->log, "\n");
    if (r->seen > 1 && !glued) {
        fz_logf(&r->join, " ");
    }
    fz_log_reserve(&r->join, n);
    memcpy(r->join.p + r->join.len, s, n);
    r->join.len += n;
    r->join.p[r->join.len] = '\0';
}

typedef struct {
    int raw;        /* drip_phrase_sink() with flags 0 */
    size_t min, max, buf_len;
} setup_t;

static void phrase_run(run_t *r, const setup_t *su, const uint8_t *text, size_t n,
                       fz_split_t *split)
{
    char *buf = (char *)malloc(su->buf_len + FZ_GUARD);
    drip_phrase_t p;
    drip_phrase_cfg_t c;
    size_t at = 0;
    FZ_CHECK(buf != NULL, "malloc");
    fz_guard_set(buf + su->buf_len, FZ_GUARD);
    memset(&c, 0, sizeof c);
    c.min = su->min;
    c.max = su->max;
    c.buf = buf;
    c.buf_len = su->buf_len;
    c.on_phrase = on_phrase;
    c.user = r;
    fz_log_reset(&r->log);
    fz_log_reset(&r->join);
    r->p = &p;
    r->buf = buf;
    r->buf_len = su->buf_len;
    r->seen = 0;
    FZ_CHECK(drip_phrase_init(&p, &c) == DRIP_OK, "setup (max %zu, buf %zu)", su->max, su->buf_len);
    r->max = p.max;
    FZ_CHECK(r->max >= DRIP_PHRASE_MAX_LEAST && r->max <= su->buf_len &&
             (su->max == 0 ? r->max == (su->buf_len < DRIP_PHRASE_MAX_DEFAULT
                                        ? su->buf_len : DRIP_PHRASE_MAX_DEFAULT)
                           : r->max == su->max),
             "max %zu resolved to %zu", su->max, r->max);
    while (at < n) {
        size_t k = split ? fz_split_next(split, n - at) : n - at;
        if (su->raw) {
            drip_phrase_sink(&p, (const char *)text + at, k, 0);
        } else {
            drip_phrase_feed(&p, (const char *)text + at, k);
        }
        fz_guard_check(buf + su->buf_len, FZ_GUARD, "the phrase buffer");
        at += k;
    }
    drip_phrase_finish(&p);
    fz_guard_check(buf + su->buf_len, FZ_GUARD, "the phrase buffer");
    FZ_CHECK(drip_phrase_count(&p) == r->seen, "count %u, on_phrase %u",
             (unsigned)drip_phrase_count(&p), (unsigned)r->seen);
    fz_logf(&r->log, "count %u\n", (unsigned)r->seen);
    free(buf);
}

/* ---- the speech form, for the join check --------------------------------- */

static void md_sink(void *user, const char *s, size_t n, unsigned flags)
{
    fz_log_t *l = (fz_log_t *)user;
    if (flags & DRIP_MD_FENCE_BEGIN) {
        fz_logf(l, " " DRIP_PHRASE_CODE " ");
    }
    if ((flags & DRIP_MD_CODE) || n == 0) {
        return;
    }
    fz_log_reserve(l, n);
    memcpy(l->p + l->len, s, n);
    l->len += n;
    l->p[l->len] = '\0';
}

/* Whitespace runs made one space, trimmed (in place). */
static void squeeze(fz_log_t *l)
{
    size_t i, w = 0;
    int sp = 0;
    for (i = 0; i < l->len; i++) {
        uint8_t c = (uint8_t)l->p[i];
        if (is_ws(c)) {
            sp = w > 0;
            continue;
        }
        if (sp) {
            l->p[w++] = ' ';
            sp = 0;
        }
        l->p[w++] = (char)c;
    }
    l->len = w;
    if (l->p != NULL) {
        l->p[w] = '\0';
    }
}

static int has_url(const fz_log_t *l)
{
    size_t i;
    for (i = 0; i + 7 <= l->len; i++) {
        const char *s = l->p + i;
        if ((s[0] | 0x20) == 'h' && (s[1] | 0x20) == 't' && (s[2] | 0x20) == 't' &&
            (s[3] | 0x20) == 'p' &&
            ((s[4] == ':' && s[5] == '/' && s[6] == '/') ||
             (i + 8 <= l->len && (s[4] | 0x20) == 's' && s[5] == ':' && s[6] == '/' && s[7] == '/'))) {
            return 1;
        }
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
    static run_t a, b;
    static fz_log_t form;
    setup_t su;
    fz_split_t split;
    const uint8_t *text;
    size_t tn;
    if (n < 5) {
        return 0;
    }
    su.raw = in[0] & 1u;
    su.min = in[1] & 63u;
    su.max = DRIP_PHRASE_MAX_LEAST + in[2];
    su.buf_len = su.max + ((in[0] >> 2) & 7u);
    if (in[0] & 2u) {
        su.max = 0;
    }
    fz_split_init(&split, in[3], in[4]);
    text = in + 5;
    tn = n - 5;

    /* The speech form the chunker sees (the Markdown filter run on its own). */
    fz_log_reset(&form);
    if (su.raw) {
        fz_log_reserve(&form, tn);
        if (tn > 0) {
            memcpy(form.p, text, tn);
        }
        form.len = tn;
        form.p[tn] = '\0';
    } else {
        drip_md_t md;
        drip_md_cfg_t mc;
        memset(&mc, 0, sizeof mc);
        mc.sink = md_sink;
        mc.user = &form;
        FZ_CHECK(drip_md_init(&md, &mc) == DRIP_OK, "md setup");
        drip_md_feed(&md, (const char *)text, tn);
        drip_md_finish(&md);
    }
    a.utf8 = b.utf8 = valid_utf8((const uint8_t *)form.p, form.len);

    phrase_run(&a, &su, text, tn, NULL);
    phrase_run(&b, &su, text, tn, &split);
    fz_log_same("phrases", "whole", &a.log, "pieces", &b.log);

    if (!has_url(&form)) {
        squeeze(&form);
        fz_log_same("text.md 3 join", "speech form", &form, "joined phrases", &a.join);
    }
    return 0;
}
