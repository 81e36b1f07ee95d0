/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_text: the gadget text layer (drip_text.h) at once and in pieces.
 *
 * Input: [cfg][geom][s0][s1] then the answer text (any bytes).
 *   cfg  bit 0 DRIP_TEXT_ASCII, bit 1 DRIP_TEXT_PLAIN, bit 2 a coverage
 *        callback (ASCII and a few code points), bit 3 DRIP_MD_ASCII
 *   geom cols = 2 + (geom & 31), rows = 1 + (geom >> 5)
 *   s0 s1 the split plan of the second run (fz_split_t)
 * drip_text: the run fed whole and the run fed in pieces must log the same
 * lines (on_line) and visible rows; in both, every line is valid UTF-8, at
 * most `cols` cells, never ends with a space and comes in order; the screen
 * buffer (exactly DRIP_TEXT_SCREEN_BYTES, guard bytes after it) is never
 * overrun; every damage report is well formed (first <= last < cols,
 * scroll <= rows, cells = the sum of the ranges).
 * drip_md: whole and in pieces give the same bytes, code flags and fence
 * marks; no control byte but \n reaches the sink; marks come in pairs.
 */
#include <dripfeed/drip_text.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n);

typedef struct {
    fz_log_t log;
    unsigned cols;
    uint32_t next;
} run_t;

static unsigned utf8_cells(const char *s, size_t n)
{
    size_t i = 0;
    unsigned c = 0;
    while (i < n) {
        unsigned char b = (unsigned char)s[i];
        size_t k = b < 0x80 ? 1 : (b >= 0xC2 && b < 0xE0) ? 2 : (b >= 0xE0 && b < 0xF0) ? 3 : 4, j;
        uint32_t cp = k == 1 ? b : k == 2 ? (b & 0x1Fu) : k == 3 ? (b & 0x0Fu) : (b & 0x07u);
        FZ_CHECK(b < 0x80 || (b >= 0xC2 && b <= 0xF4), "row byte 0x%02x starts no UTF-8 sequence", b);
        FZ_CHECK(i + k <= n, "UTF-8 sequence cut at the end of a row");
        for (j = 1; j < k; j++) {
            FZ_CHECK(((unsigned char)s[i + j] & 0xC0u) == 0x80u, "bad continuation byte in a row");
            cp = (cp << 6) | ((unsigned char)s[i + j] & 0x3Fu);
        }
        c += drip_text_cells(cp);
        i += k;
    }
    return c;
}

static void on_line(void *user, uint32_t line, const char *s, size_t n)
{
    run_t *r = (run_t *)user;
    FZ_CHECK(line == r->next, "line %u after %u", (unsigned)line, (unsigned)r->next);
    r->next++;
    FZ_CHECK(n == 0 || s[n - 1] != ' ', "line %u ends with a space", (unsigned)line);
    FZ_CHECK(utf8_cells(s, n) <= r->cols, "line %u wider than %u cells", (unsigned)line, r->cols);
    fz_logf(&r->log, "L%u ", (unsigned)line);
    fz_log_bytes(&r->log, s, n);
    fz_logf(&r->log, "\n");
}

static int covers(void *user, uint32_t cp)
{
    (void)user;
    return (cp < 0x7F && cp != '~') || cp == 0xE9 || cp == 0x2022 || (cp >= 0x4E00 && cp < 0x5000);
}

static void check_damage(const drip_text_damage_t *d, unsigned cols, unsigned rows)
{
    uint32_t sum = 0;
    unsigned r;
    FZ_CHECK(d->scroll <= rows, "scroll %u > rows %u", d->scroll, rows);
    FZ_CHECK(rows == 32 || (d->rows >> rows) == 0, "damage on a row past rows");
    for (r = 0; r < rows; r++) {
        if (d->rows & (1u << r)) {
            FZ_CHECK(d->first[r] <= d->last[r] && d->last[r] < cols, "row %u range %u..%u", r,
                     d->first[r], d->last[r]);
            sum += (uint32_t)(d->last[r] - d->first[r]) + 1u;
        }
    }
    FZ_CHECK(sum == d->cells, "damage cells %u, ranges sum %u", (unsigned)d->cells, (unsigned)sum);
}

static void text_run(run_t *r, const uint8_t *p, size_t n, unsigned cols, unsigned rows,
                     unsigned flags, int cov, fz_split_t *split)
{
    size_t sz = DRIP_TEXT_SCREEN_BYTES(cols, rows), at = 0;
    char *screen = (char *)malloc(sz + FZ_GUARD);
    drip_text_t t;
    drip_text_cfg_t c;
    drip_text_damage_t d;
    unsigned row;
    FZ_CHECK(screen != NULL, "malloc");
    fz_guard_set(screen + sz, FZ_GUARD);
    memset(&c, 0, sizeof c);
    c.cols = cols;
    c.rows = rows;
    c.flags = flags;
    c.covers = cov ? covers : NULL;
    c.screen = screen;
    c.screen_size = sz;
    c.on_line = on_line;
    c.user = r;
    r->cols = cols;
    r->next = 0;
    fz_log_reset(&r->log);
    FZ_CHECK(drip_text_init(&t, &c) == DRIP_OK, "setup");
    while (at < n) {
        size_t k = split ? fz_split_next(split, n - at) : n - at;
        drip_text_feed(&t, (const char *)p + at, k, &d);
        fz_guard_check(screen + sz, FZ_GUARD, "the screen buffer");
        check_damage(&d, cols, rows);
        at += k;
    }
    drip_text_finish(&t, &d);
    fz_guard_check(screen + sz, FZ_GUARD, "the screen buffer");
    check_damage(&d, cols, rows);
    FZ_CHECK(drip_text_lines(&t) == r->next, "lines %u, on_line %u", (unsigned)drip_text_lines(&t),
             (unsigned)r->next);
    for (row = 0; row < rows; row++) {
        const char *s;
        size_t len = drip_text_row(&t, row, &s);
        FZ_CHECK(utf8_cells(s, len) <= cols, "row %u wider than %u cells", row, cols);
        fz_logf(&r->log, "R%u ", row);
        fz_log_bytes(&r->log, s, len);
        fz_logf(&r->log, "\n");
    }
    free(screen);
}

typedef struct {
    fz_log_t log;
    int open;   /* fence marks: BEGIN then END */
    int code;   /* flags of the last bytes, to log changes only */
} md_run_t;

static void md_sink(void *user, const char *s, size_t n, unsigned flags)
{
    md_run_t *r = (md_run_t *)user;
    size_t i;
    if (n == 0) {
        FZ_CHECK(flags == DRIP_MD_FENCE_BEGIN || flags == DRIP_MD_FENCE_END, "empty call, flags %u", flags);
        FZ_CHECK((flags == DRIP_MD_FENCE_BEGIN) == !r->open, "fence marks out of order");
        r->open = flags == DRIP_MD_FENCE_BEGIN;
        fz_logf(&r->log, flags == DRIP_MD_FENCE_BEGIN ? "{B}" : "{E}");
        return;
    }
    FZ_CHECK(s != NULL && (flags & ~(unsigned)DRIP_MD_CODE) == 0, "sink call flags %u", flags);
    FZ_CHECK(!(flags & DRIP_MD_CODE) || r->open, "code bytes outside a fence");
    if ((int)(flags & DRIP_MD_CODE) != r->code) {
        fz_logf(&r->log, (flags & DRIP_MD_CODE) ? "<" : ">");
        r->code = (int)(flags & DRIP_MD_CODE);
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        FZ_CHECK(c >= 0x20 ? c != 0x7F : c == '\n', "control byte 0x%02x reached the sink", c);
        /* byte by byte: the log must not show where the sink calls began */
        if (c >= 0x20 && c < 0x7F && c != '\\')
            fz_logf(&r->log, "%c", c);
        else
            fz_logf(&r->log, "\\x%02x", c);
    }
}

static void md_run(md_run_t *r, const uint8_t *p, size_t n, unsigned flags, fz_split_t *split)
{
    drip_md_t m;
    drip_md_cfg_t c;
    size_t at = 0;
    c.flags = flags;
    c.sink = md_sink;
    c.user = r;
    r->open = 0;
    r->code = 0;
    fz_log_reset(&r->log);
    FZ_CHECK(drip_md_init(&m, &c) == DRIP_OK, "md setup");
    while (at < n) {
        size_t k = split ? fz_split_next(split, n - at) : n - at;
        drip_md_feed(&m, (const char *)p + at, k);
        at += k;
    }
    drip_md_finish(&m);
    FZ_CHECK(!r->open, "a fence left open after finish");
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
    static run_t a, b;
    static md_run_t ma, mb;
    fz_split_t sp;
    unsigned cols, rows, flags = 0;
    if (n < 4)
        return 0;
    cols = 2u + (in[1] & 31u);
    rows = 1u + (in[1] >> 5);
    if (in[0] & 1u)
        flags |= DRIP_TEXT_ASCII;
    if (in[0] & 2u)
        flags |= DRIP_TEXT_PLAIN;

    text_run(&a, in + 4, n - 4, cols, rows, flags, in[0] & 4u, NULL);
    fz_split_init(&sp, in[2], in[3]);
    text_run(&b, in + 4, n - 4, cols, rows, flags, in[0] & 4u, &sp);
    fz_log_same("text", "whole", &a.log, "pieces", &b.log);

    md_run(&ma, in + 4, n - 4, (in[0] & 8u) ? DRIP_MD_ASCII : 0u, NULL);
    fz_split_init(&sp, in[2], in[3]);
    md_run(&mb, in + 4, n - 4, (in[0] & 8u) ? DRIP_MD_ASCII : 0u, &sp);
    fz_log_same("md", "whole", &ma.log, "pieces", &mb.log);
    return 0;
}
