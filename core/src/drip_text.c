/* SPDX-License-Identifier: Apache-2.0 */
/* Display lines (docs/spec/text.md §2): UTF-8 -> code points -> cells ->
 * greedy wrap into a ring of visible rows, with a damage report per call.
 *
 * Decisions where text.md is silent (written down as asked):
 * - Invalid UTF-8: one U+FFFD per maximal subpart of an ill-formed sequence
 *   (Unicode 15 §3.9 "U+FFFD substitution of maximal subparts", the WHATWG
 *   decoder's rule); a sequence cut by the end of the answer is one U+FFFD.
 *   Surrogates and overlong forms are ill-formed.
 * - C1 controls (U+0080..U+009F) are dropped like C0 ones.
 * - Regional indicators: no break between the two of a flag (a pair counted
 *   from the start of the run), although both are wide.
 * - Leading spaces after `\n` (and at the start of the answer) are kept as
 *   indentation; when they and the next character do not fit the row they
 *   are dropped. A break opportunity after indentation only is not used
 *   (it would leave an empty line): the word is broken instead.
 * - A last line made only of spaces is not a line (like a final `\n`).
 * - Spaces are written to the row only when a character follows them on the
 *   same row; they land on blank cells, so they are not counted as damage.
 * - A row holds DRIP_TEXT_ROW_BYTES(cols) bytes; a zero-width code point that
 *   would leave less than 4 bytes per free cell is dropped, and a character
 *   that does not fit the bytes left (only after a word carrying many
 *   zero-width code points moved to a new row) ends the row early.
 * - A zero-width code point at the start of a line or after spaces is kept
 *   (0 cells); there is nothing it could attach to.
 * - The coverage callback is asked for every code point but U+0020; the
 *   ASCII stand-ins of a missing one are not asked again.
 */
#include "dripfeed/drip_text.h"

#include <string.h>

#include "drip_cells.h"

#define P (t->priv)

/* Class of the last base character on the line (for break rules). */
enum { K_NONE, K_SPACE, K_NARROW, K_WIDE };

#define CP_ZWJ 0x200Du
#define CP_FFFD 0xFFFDu

/* Compile-time checks: cols and rows fit the fields that hold them. */
typedef char drip_text_cols_fit[(DRIP_TEXT_COLS_MAX <= 255) ? 1 : -1];
typedef char drip_text_rows_fit[(DRIP_TEXT_ROWS_MAX <= 32) ? 1 : -1];
typedef char drip_text_rowcap_fit[(DRIP_TEXT_ROW_BYTES(DRIP_TEXT_COLS_MAX) <= 0xFFFFu) ? 1 : -1];

/* ---- cells per code point ---------------------------------------------- */

static int in_table(const uint32_t *tab, size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t first = tab[mid] >> DRIP_CELLS_LEN_BITS;
        if (cp < first)
            hi = mid;
        else if (cp - first > (tab[mid] & ((1u << DRIP_CELLS_LEN_BITS) - 1u)))
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

unsigned drip_text_cells(uint32_t cp)
{
    if (cp < DRIP_CELLS_FIRST)
        return 1;
    if (in_table(k_cells_zero, sizeof k_cells_zero / sizeof k_cells_zero[0], cp))
        return 0;
    if (in_table(k_cells_wide, sizeof k_cells_wide / sizeof k_cells_wide[0], cp))
        return 2;
    return 1;
}

/* ---- ASCII stand-ins (text.md §2) ---------------------------------------- */

/* U+00C0..U+017F -> base letter; '?' for the two signs (U+00D7, U+00F7);
 * '*' where a two-letter stand-in follows in k_latin_two. */
static const char k_latin[] =
    "AAAAAA*CEEEEIIIIDNOOOOO?OUUUUY**"   /* C0..DF */
    "aaaaaa*ceeeeiiiidnooooo?ouuuuy*y"   /* E0..FF */
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGg"   /* 100..11F */
    "GgGgHhHhIiIiIiIiIi**JjKkkLlLlLlL"   /* 120..13F */
    "lLlNnNnNnnNnOoOoOo**RrRrRrSsSsSs"   /* 140..15F */
    "SsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";  /* 160..17F */
typedef char k_latin_size[(sizeof k_latin == 0x180 - 0xC0 + 1) ? 1 : -1];

static const struct {
    uint16_t cp;
    char s[3];
} k_latin_two[] = {
    {0x00C6, "AE"}, {0x00DE, "Th"}, {0x00DF, "ss"}, {0x00E6, "ae"}, {0x00FE, "th"},
    {0x0132, "IJ"}, {0x0133, "ij"}, {0x0152, "OE"}, {0x0153, "oe"},
};

static const struct {
    uint16_t cp;
    char s[4];
} k_punct[] = {
    {0x00A0, " "}, {0x2013, "-"}, {0x2014, "-"}, {0x2018, "'"}, {0x2019, "'"},
    {0x201C, "\""}, {0x201D, "\""}, {0x2022, "-"}, {0x2026, "..."},
};

/* ASCII stand-in of cp: 0..3 bytes in out (0: dropped). */
static size_t ascii_of(uint32_t cp, char out[3])
{
    size_t i;
    if (cp >= 0xC0 && cp <= 0x17F) {
        char c = k_latin[cp - 0xC0];
        if (c != '*') {
            out[0] = c;
            return 1;
        }
        for (i = 0; i < sizeof k_latin_two / sizeof k_latin_two[0]; i++)
            if (k_latin_two[i].cp == cp) {
                out[0] = k_latin_two[i].s[0];
                out[1] = k_latin_two[i].s[1];
                return 2;
            }
    }
    for (i = 0; i < sizeof k_punct / sizeof k_punct[0]; i++)
        if (k_punct[i].cp == cp) {
            size_t n = strlen(k_punct[i].s);
            memcpy(out, k_punct[i].s, n);
            return n;
        }
    if (cp >= 0x80 && drip_text_cells(cp) == 0)
        return 0;
    out[0] = '?';
    return 1;
}

/* ---- rows and damage ----------------------------------------------------- */

static char *row_ptr(const drip_text_t *t, unsigned vrow)
{
    unsigned slot = (P.top + vrow) % P.rows;
    return P.scr + (size_t)slot * P.rowcap;
}

static unsigned cur_slot(const drip_text_t *t)
{
    return (unsigned)(P.top + P.used - 1u) % P.rows;
}

/* Cells [c0, c1) of the current (bottom used) row changed. */
static void dirty(drip_text_t *t, unsigned c0, unsigned c1)
{
    drip_text_damage_t *d = P.dmg;
    unsigned r = P.used - 1u;
    if (!d || c1 <= c0)
        return;
    if (c1 > P.cols)
        c1 = P.cols;
    if (!(d->rows & (1u << r))) {
        d->rows |= 1u << r;
        d->first[r] = (uint8_t)c0;
        d->last[r] = (uint8_t)(c1 - 1u);
        return;
    }
    if (c0 < d->first[r])
        d->first[r] = (uint8_t)c0;
    if (c1 - 1u > d->last[r])
        d->last[r] = (uint8_t)(c1 - 1u);
}

/* The screen moved up one row: the damage moves with it, and the row that
 * scrolled in at the bottom is redrawn whole. */
static void dirty_scroll(drip_text_t *t)
{
    drip_text_damage_t *d = P.dmg;
    unsigned last = P.rows - 1u;
    if (!d)
        return;
    if (d->scroll < P.rows) {
        unsigned r;
        d->scroll++;
        d->rows >>= 1;
        for (r = 0; r < last; r++) {
            d->first[r] = d->first[r + 1];
            d->last[r] = d->last[r + 1];
        }
    }
    d->rows |= 1u << last;
    d->first[last] = 0;
    d->last[last] = (uint8_t)(P.cols - 1u);
}

static void new_line(drip_text_t *t)
{
    if (P.used < P.rows)
        P.used++;
    else {
        P.top = (uint8_t)((P.top + 1u) % P.rows);
        dirty_scroll(t);
    }
    P.row = P.scr + (size_t)cur_slot(t) * P.rowcap;
    P.rlen[cur_slot(t)] = 0;
    P.len = P.cells = 0;
    P.brk = 0;
    P.brk_len = P.brk_cells = P.word_len = P.word_cells = 0;
    P.last_len = P.last_cells = 0;
    P.prev = K_NONE;
    P.ri_odd = 0;
    P.zwj = 0;
    P.open = 1;
    P.lines++;
}

/* The current line is finished with its first n bytes / c cells. */
static void finish_line(drip_text_t *t, unsigned n, unsigned c)
{
    while (n > 0 && P.row[n - 1] == ' ')
        n--; /* spaces are only written before a character, but never end a line */
    dirty(t, c, P.cells);
    P.rlen[cur_slot(t)] = (uint16_t)n;
    if (P.on_line)
        P.on_line(P.user, P.lines - 1u, P.row, n);
}

/* The character about to be placed (w cells, b bytes) does not fit. */
static void wrap(drip_text_t *t, unsigned w, unsigned b)
{
    if (P.brk && P.brk_cells > 0) {
        /* End the line at the last opportunity; the word moves down. */
        const char *src = P.row + P.word_len;
        unsigned mv = (unsigned)P.len - P.word_len;
        unsigned mc = (unsigned)P.cells - P.word_cells;
        unsigned wl = P.word_len, wc = P.word_cells;
        unsigned ll = P.last_len, lc = P.last_cells;
        uint8_t prev = P.prev, ri = P.ri_odd, zwj = P.zwj;
        finish_line(t, P.brk_len, P.brk_cells);
        new_line(t);
        memmove(P.row, src, mv); /* same slot when rows == 1 */
        P.len = (uint16_t)mv;
        P.cells = (uint16_t)mc;
        if (mv) {
            P.prev = prev;
            P.ri_odd = ri;
            P.zwj = zwj;
            P.last_len = (uint16_t)(ll >= wl ? ll - wl : 0u);
            P.last_cells = (uint16_t)(lc >= wc ? lc - wc : 0u);
        }
        dirty(t, 0, mc);
        if (P.cells + w <= P.cols && P.len + b <= P.rowcap)
            return;
        /* The word is wider than a line: broken at the last whole character. */
    }
    finish_line(t, P.len, P.cells);
    new_line(t);
}

static void write_bytes(drip_text_t *t, const char *s, unsigned n)
{
    memcpy(P.row + P.len, s, n);
    P.len = (uint16_t)(P.len + n);
}

static void write_spaces(drip_text_t *t, uint32_t n)
{
    memset(P.row + P.len, ' ', n);
    P.len = (uint16_t)(P.len + n);
    P.cells = (uint16_t)(P.cells + n);
}

static unsigned utf8_enc(uint32_t cp, char *u)
{
    if (cp < 0x80) {
        u[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    u[0] = (char)(0xF0 | (cp >> 18));
    u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int is_ri(uint32_t cp)
{
    return cp >= 0x1F1E6 && cp <= 0x1F1FF;
}

/* Record a break opportunity at the current end of the line. */
static void set_brk(drip_text_t *t)
{
    P.brk = P.cells > 0;
    P.brk_len = P.word_len = P.len;
    P.brk_cells = P.word_cells = P.cells;
}

/* Place one code point other than space and `\n`. */
static void place(drip_text_t *t, uint32_t cp)
{
    char u[4];
    unsigned w = drip_text_cells(cp);
    unsigned b = utf8_enc(cp, u);
    unsigned c0;
    uint8_t before;

    if (w == 0 && P.open && P.cells + P.spaces <= P.cols &&
        P.len + P.spaces + b + 4u * ((unsigned)P.cols - P.cells - P.spaces) > P.rowcap)
        return; /* no bytes left for it (see the decisions above); spaces stay pending */
    if (!P.open) {
        uint32_t sp = P.spaces;
        new_line(t);
        if (sp && sp + w <= P.cols)
            write_spaces(t, sp); /* indentation; not a break opportunity */
        P.spaces = 0;
    } else if (P.spaces) {
        if (P.cells + P.spaces + w <= P.cols && P.len + P.spaces + b <= P.rowcap) {
            unsigned bl = P.len, bc = P.cells;
            write_spaces(t, P.spaces);
            P.brk = bc > 0;
            P.brk_len = (uint16_t)bl;
            P.brk_cells = (uint16_t)bc;
            P.word_len = P.len;
            P.word_cells = P.cells;
            P.prev = K_SPACE;
            P.zwj = 0;
            P.ri_odd = 0;
            P.spaces = 0;
        } else {
            P.spaces = 0; /* the spaces end the line */
            finish_line(t, P.len, P.cells);
            new_line(t);
        }
    }

    if (w == 0) {
        if (P.len + b + 4u * ((unsigned)P.cols - P.cells) > P.rowcap)
            return; /* no bytes left for it (see the decisions above) */
        if (P.brk && P.brk_len == P.len && P.word_len == P.len) {
            /* An opportunity right here (after '-'): the code point stays
             * with the character before it; after a ZWJ there is none. */
            if (cp == CP_ZWJ)
                P.brk = 0;
            else {
                P.brk_len = (uint16_t)(P.len + b);
                P.word_len = P.brk_len;
            }
        }
        write_bytes(t, u, b);
        if (P.cells > P.last_cells)
            dirty(t, P.last_cells, P.cells);
        P.zwj = cp == CP_ZWJ;
        return;
    }

    if (w == 2 && P.prev == K_WIDE && !P.zwj && !(is_ri(cp) && P.ri_odd))
        set_brk(t);
    if (P.cells + w > P.cols || P.len + b > P.rowcap)
        wrap(t, w, b);
    before = P.prev;
    c0 = P.cells;
    P.last_len = P.len;
    P.last_cells = (uint16_t)c0;
    write_bytes(t, u, b);
    P.cells = (uint16_t)(P.cells + w);
    dirty(t, c0, P.cells);
    P.ri_odd = is_ri(cp) ? (uint8_t)(P.prev == K_WIDE && P.ri_odd ? 0 : 1) : 0;
    P.prev = w == 2 ? K_WIDE : K_NARROW;
    P.zwj = 0;
    if (cp == '-' && (before == K_NARROW || before == K_WIDE))
        set_brk(t); /* break allowed after '-' inside a word */
}

static void line_end(drip_text_t *t)
{
    if (!P.open)
        new_line(t); /* an empty line */
    finish_line(t, P.len, P.cells);
    P.open = 0;
    P.spaces = 0;
}

/* One code point from the decoder. */
static void put_cp(drip_text_t *t, uint32_t cp)
{
    if (cp > 0x20 && cp < 0x7F && P.open && !P.spaces && P.cells < P.cols && !P.covers &&
        P.len < P.rowcap) {
        /* Fast path: what place() does for a printable ASCII character
         * that fits the current line with no spaces pending. */
        uint8_t before = P.prev;
        P.last_len = P.len;
        P.last_cells = P.cells;
        P.row[P.len++] = (char)cp;
        dirty(t, P.cells, P.cells + 1u);
        P.cells++;
        P.prev = K_NARROW;
        P.zwj = 0;
        P.ri_odd = 0;
        if (cp == '-' && (before == K_NARROW || before == K_WIDE))
            set_brk(t);
        return;
    }
    if (cp == '\n') {
        line_end(t);
        return;
    }
    if (cp == '\t')
        cp = ' ';
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
        return;
    if (cp != ' ' && (((P.flags & DRIP_TEXT_ASCII) && cp >= 0x80) || (P.covers && !P.covers(P.cover_user, cp)))) {
        char a[3];
        size_t n = ascii_of(cp, a), i;
        for (i = 0; i < n; i++) {
            if (a[i] == ' ')
                P.spaces++;
            else
                place(t, (uint8_t)a[i]);
        }
        return;
    }
    if (cp == ' ')
        P.spaces++;
    else
        place(t, cp);
}

/* ---- UTF-8 decoder (maximal subparts) ------------------------------------ */

static void u8_byte(drip_text_t *t, unsigned char c)
{
    if (P.u8_need) {
        if (c >= P.u8_lo && c <= P.u8_hi) {
            P.cp = (P.cp << 6) | (c & 0x3Fu);
            P.u8_lo = 0x80;
            P.u8_hi = 0xBF;
            if (--P.u8_need == 0)
                put_cp(t, P.cp);
            return;
        }
        P.u8_need = 0;
        put_cp(t, CP_FFFD); /* the maximal subpart so far; c starts afresh */
    }
    if (c < 0x80) {
        put_cp(t, c);
        return;
    }
    P.u8_lo = 0x80;
    P.u8_hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        P.u8_need = 1;
        P.cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        P.u8_need = 2;
        P.cp = c & 0x0Fu;
        if (c == 0xE0)
            P.u8_lo = 0xA0; /* no overlong forms */
        else if (c == 0xED)
            P.u8_hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        P.u8_need = 3;
        P.cp = c & 0x07u;
        if (c == 0xF0)
            P.u8_lo = 0x90;
        else if (c == 0xF4)
            P.u8_hi = 0x8F; /* <= U+10FFFF */
    } else
        put_cp(t, CP_FFFD);
}

static void md_sink(void *user, const char *s, size_t n, unsigned flags)
{
    drip_text_t *t = (drip_text_t *)user;
    size_t i;
    (void)flags; /* code is laid out like text */
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && !P.u8_need)
            put_cp(t, c);
        else
            u8_byte(t, c);
    }
}

/* ---- public -------------------------------------------------------------- */

drip_err_t drip_text_init(drip_text_t *t, const drip_text_cfg_t *cfg)
{
    drip_md_cfg_t mc;
    if (!t || !cfg || !cfg->screen || cfg->cols < 2 || cfg->cols > DRIP_TEXT_COLS_MAX ||
        cfg->rows < 1 || cfg->rows > DRIP_TEXT_ROWS_MAX ||
        (cfg->flags & ~(DRIP_TEXT_ASCII | DRIP_TEXT_PLAIN)))
        return DRIP_ERR_ARG;
    if (cfg->screen_size < DRIP_TEXT_SCREEN_BYTES(cfg->cols, cfg->rows))
        return DRIP_ERR_NOMEM;
    memset(t, 0, sizeof *t);
    mc.flags = (cfg->flags & DRIP_TEXT_ASCII) ? DRIP_MD_ASCII : 0u;
    mc.sink = md_sink;
    mc.user = t;
    (void)drip_md_init(&t->md, &mc);
    P.covers = cfg->covers;
    P.cover_user = cfg->cover_user;
    P.on_line = cfg->on_line;
    P.user = cfg->user;
    P.scr = cfg->screen;
    P.cols = (uint8_t)cfg->cols;
    P.rows = (uint8_t)cfg->rows;
    P.flags = (uint8_t)cfg->flags;
    P.rowcap = (uint16_t)DRIP_TEXT_ROW_BYTES(cfg->cols);
    return DRIP_OK;
}

static void begin(drip_text_t *t, drip_text_damage_t *dmg)
{
    if (dmg)
        memset(dmg, 0, sizeof *dmg);
    P.dmg = dmg;
}

static void end(drip_text_t *t)
{
    drip_text_damage_t *d = P.dmg;
    if (P.used)
        P.rlen[cur_slot(t)] = P.len;
    if (d) {
        unsigned r;
        for (r = 0; r < P.rows; r++)
            if (d->rows & (1u << r))
                d->cells += (uint32_t)(d->last[r] - d->first[r]) + 1u;
    }
    P.dmg = NULL;
}

void drip_text_feed(drip_text_t *t, const char *s, size_t n, drip_text_damage_t *dmg)
{
    if (!t || !P.scr || (!s && n)) {
        if (dmg)
            memset(dmg, 0, sizeof *dmg);
        return;
    }
    begin(t, dmg);
    if (P.flags & DRIP_TEXT_PLAIN)
        md_sink(t, s, n, 0);
    else
        drip_md_feed(&t->md, s, n);
    end(t);
}

void drip_text_finish(drip_text_t *t, drip_text_damage_t *dmg)
{
    if (!t || !P.scr) {
        if (dmg)
            memset(dmg, 0, sizeof *dmg);
        return;
    }
    begin(t, dmg);
    if (!(P.flags & DRIP_TEXT_PLAIN))
        drip_md_finish(&t->md);
    if (P.u8_need) {
        P.u8_need = 0;
        put_cp(t, CP_FFFD);
    }
    if (P.open) {
        finish_line(t, P.len, P.cells);
        P.open = 0;
    }
    P.spaces = 0;
    end(t);
}

size_t drip_text_row(const drip_text_t *t, unsigned row, const char **s)
{
    if (s)
        *s = "";
    if (!t || !P.scr || row >= P.used)
        return 0;
    if (s)
        *s = row_ptr(t, row);
    return P.rlen[(P.top + row) % P.rows];
}

uint32_t drip_text_lines(const drip_text_t *t)
{
    return t ? P.lines : 0;
}

void drip_text_cursor(const drip_text_t *t, unsigned *row, unsigned *col)
{
    unsigned r = 0, c = 0;
    if (t && P.scr) {
        if (P.open) {
            r = P.used - 1u;
            c = P.cells + P.spaces;
        } else {
            r = P.used < P.rows ? P.used : P.rows - 1u;
            c = P.spaces;
        }
        if (c > P.cols)
            c = P.cols;
    }
    if (row)
        *row = r;
    if (col)
        *col = c;
}
