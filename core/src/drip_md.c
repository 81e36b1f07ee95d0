/* SPDX-License-Identifier: Apache-2.0 */
/* Markdown-lite filter (docs/spec/text.md §1).
 *
 * One byte at a time, with a few counters for what is not decided yet, so a
 * piece boundary can fall anywhere. Three stages:
 *   1. control bytes dropped, `\t` -> space (before any rule sees them);
 *   2. line start: leading spaces, `#`, `- * + _` runs, `>`, backticks;
 *   3. inline: `*`/`_` runs, backslash, backticks, links; the output of
 *      this stage goes to the link hold-back while a link text is open.
 *
 * Decisions where text.md is silent (written down as asked):
 * - Leading spaces are held as a count until the line start is decided; a
 *   fence line and a rule line drop them with the line.
 * - A thematic break is one marker character (`-`, `*` or `_`) repeated 3+
 *   times, then optional spaces, then the end of the line: `- - -` is a
 *   bullet followed by "- -", `-*-` is text.
 * - `>` may repeat (`>> `) and the line-start rules apply again after it
 *   (`> - item` -> "• item", leading spaces kept); a `>` alone on its line
 *   (an empty quote line) is removed too.
 * - `*` / `_`: runs of the same character are read whole. Each pair of a run
 *   is a `**` / `__` and removed; an odd run leaves one single, judged by
 *   the characters before and after the run. "Punctuation" is ASCII
 *   punctuation; a UTF-8 byte >= 0x80 counts as a letter.
 * - Link text is filtered like any text (`[**a**](u)` -> "a") and held after
 *   filtering; the URL is held raw and dropped. `(` `)` nest inside the URL.
 *   A `[` inside an open link text gives the first one up (shown as it
 *   came) and opens a new one. Past the bounds the held bytes are shown and
 *   the rest is read as ordinary text.
 * - Inline code and escapes apply inside link text; a backslash before a
 *   non-punctuation byte (or at the end) stays.
 */
#include "dripfeed/drip_text.h"

#include <string.h>

/* The counters that index the buffers fit their fields (-D overrides). */
typedef char drip_md_out_fits[(DRIP_MD_OUT_MAX >= 1 && DRIP_MD_OUT_MAX <= 255) ? 1 : -1];
typedef char drip_md_hold_fits[(DRIP_MD_LINK_TEXT_MAX + DRIP_MD_LINK_URL_MAX <= 0xFFFF) ? 1 : -1];

/* Line-start states. */
enum {
    LS_START,  /* start of a line: counting spaces */
    LS_HASH,   /* `#` run */
    LS_MARK,   /* `-` `*` `+` `_` run */
    LS_RULE,   /* 3+ of `-*_` then spaces: a rule if the line ends here */
    LS_QUOTE,  /* `>` run */
    LS_TICK,   /* backticks (fewer than 3) */
    LS_SKIP,   /* rest of a fence line: dropped with its `\n` */
    LS_TEXT,   /* inline text up to the end of the line */
    LS_CODE    /* a line inside a fence: verbatim up to the end of the line */
};

/* Link states. */
enum { LK_NONE, LK_TEXT, LK_CLOSE, LK_URL };

/* Character classes for the emphasis rule. */
enum { C_EOL, C_SPACE, C_PUNCT, C_OTHER };

static int is_punct(unsigned c)
{
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
}

static uint8_t cls(unsigned c)
{
    if (c == '\n')
        return C_EOL;
    if (c == ' ')
        return C_SPACE;
    return is_punct(c) ? C_PUNCT : C_OTHER;
}

/* ---- output ------------------------------------------------------------- */

static void flush(drip_md_t *m)
{
    if (m->priv.out_len) {
        m->priv.sink(m->priv.user, m->priv.out, m->priv.out_len, m->priv.out_flags);
        m->priv.out_len = 0;
    }
}

/* To the sink (through out[]), whatever the link state. */
static void put_sink(drip_md_t *m, const char *s, size_t n, unsigned flags)
{
    if (m->priv.out_len && m->priv.out_flags != flags)
        flush(m);
    m->priv.out_flags = (uint8_t)flags;
    while (n) {
        size_t k = sizeof m->priv.out - m->priv.out_len;
        if (k > n)
            k = n;
        memcpy(m->priv.out + m->priv.out_len, s, k);
        m->priv.out_len = (uint8_t)(m->priv.out_len + k);
        s += k;
        n -= k;
        if (m->priv.out_len == sizeof m->priv.out)
            flush(m);
    }
}

static void mark(drip_md_t *m, unsigned flags)
{
    flush(m);
    m->priv.sink(m->priv.user, NULL, 0, flags);
}

static void put_spaces(drip_md_t *m, uint32_t n, unsigned flags)
{
    static const char sp[16] = "                ";
    while (n) {
        uint32_t k = n < sizeof sp ? n : (uint32_t)sizeof sp;
        put_sink(m, sp, k, flags);
        n -= k;
    }
}

/* A link given up: "[" + its text (+ "](" + URL so far) shown as it came. */
static void link_abandon(drip_md_t *m)
{
    uint8_t st = m->priv.link;
    m->priv.link = LK_NONE;
    if (st == LK_NONE)
        return;
    put_sink(m, "[", 1, 0);
    put_sink(m, m->priv.hold, m->priv.hold_len, 0);
    if (st == LK_CLOSE)
        put_sink(m, "]", 1, 0);
    else if (st == LK_URL) {
        put_sink(m, "](", 2, 0);
        put_sink(m, m->priv.hold + m->priv.hold_len, m->priv.url_len, 0);
    }
    m->priv.hold_len = 0;
    m->priv.url_len = 0;
}

/* Output of the inline stage: held while a link text is open. */
static void out(drip_md_t *m, const char *s, size_t n)
{
    if (m->priv.link == LK_TEXT) {
        if (m->priv.hold_len + n <= DRIP_MD_LINK_TEXT_MAX) {
            memcpy(m->priv.hold + m->priv.hold_len, s, n);
            m->priv.hold_len = (uint16_t)(m->priv.hold_len + n);
            return;
        }
        link_abandon(m); /* past the bound: shown as it came */
    }
    put_sink(m, s, n, 0);
}

static void out_c(drip_md_t *m, char c)
{
    out(m, &c, 1);
}

/* ---- inline stage ------------------------------------------------------- */

/* Decide a pending `*`/`_` run now that the next character's class is known. */
static void run_resolve(drip_md_t *m, uint8_t next)
{
    if (!m->priv.run_ch)
        return;
    if (m->priv.run_odd) {
        uint8_t p = m->priv.run_prev;
        int opens = (p == C_EOL || p == C_SPACE || p == C_PUNCT) && (next == C_PUNCT || next == C_OTHER);
        int closes = (p == C_PUNCT || p == C_OTHER) && (next == C_EOL || next == C_SPACE || next == C_PUNCT);
        if (!opens && !closes)
            out_c(m, (char)m->priv.run_ch);
    }
    m->priv.run_ch = 0;
    m->priv.run_odd = 0;
    m->priv.prev = C_PUNCT; /* the source character before what follows is the marker */
}

static void end_line_inline(drip_md_t *m)
{
    run_resolve(m, C_EOL);
    if (m->priv.esc) {
        m->priv.esc = 0;
        out_c(m, '\\');
    }
    link_abandon(m);
    m->priv.code = 0;
}

/* One byte of inline text (not `\n`, outside fences). */
static void inline_byte(drip_md_t *m, unsigned char c)
{
    if (m->priv.link == LK_URL) {
        if (c == ')' && m->priv.url_depth == 0) {
            m->priv.link = LK_NONE;
            put_sink(m, m->priv.hold, m->priv.hold_len, 0); /* the link's text */
            m->priv.hold_len = 0;
            m->priv.url_len = 0;
            m->priv.prev = C_PUNCT;
            return;
        }
        if (m->priv.url_len < DRIP_MD_LINK_URL_MAX) {
            if (c == '(')
                m->priv.url_depth++;
            else if (c == ')')
                m->priv.url_depth--;
            m->priv.hold[m->priv.hold_len + m->priv.url_len++] = (char)c;
            return;
        }
        link_abandon(m); /* URL past the bound: this byte is ordinary text */
    }
    if (m->priv.link == LK_CLOSE) {
        if (c == '(') {
            m->priv.link = LK_URL;
            m->priv.url_depth = 0;
            m->priv.url_len = 0;
            return;
        }
        link_abandon(m); /* `[x]` not followed by `(` stays */
    }
    if (m->priv.code) {
        if (c == '`')
            m->priv.code = 0;
        else
            out_c(m, (char)c);
        m->priv.prev = cls(c);
        return;
    }
    if (m->priv.esc) {
        m->priv.esc = 0;
        if (is_punct(c)) {
            out_c(m, (char)c);
            m->priv.prev = C_PUNCT;
            return;
        }
        out_c(m, '\\');
        m->priv.prev = C_PUNCT;
    }
    if (m->priv.run_ch) {
        if (c == m->priv.run_ch) {
            m->priv.run_odd ^= 1u;
            return;
        }
        run_resolve(m, cls(c));
    }
    switch (c) {
    case '*':
    case '_':
        m->priv.run_ch = c;
        m->priv.run_odd = 1;
        m->priv.run_prev = m->priv.prev;
        return;
    case '\\':
        m->priv.esc = 1;
        return;
    case '`':
        m->priv.code = 1;
        m->priv.prev = C_PUNCT;
        return;
    case '[':
        link_abandon(m); /* an open link text gives up for the newer one */
        m->priv.link = LK_TEXT;
        m->priv.hold_len = 0;
        m->priv.prev = C_PUNCT;
        return;
    case ']':
        if (m->priv.link == LK_TEXT) {
            m->priv.link = LK_CLOSE;
            m->priv.prev = C_PUNCT;
            return;
        }
        break;
    default:
        break;
    }
    out_c(m, (char)c);
    m->priv.prev = cls(c);
}

/* A run of n marker characters c read at a line start, replayed as inline
 * text (followed by whatever comes next). */
static void inline_run(drip_md_t *m, unsigned char c, uint32_t n)
{
    if (c == '*' || c == '_') {
        m->priv.run_ch = c;
        m->priv.run_odd = (uint8_t)(n & 1u);
        m->priv.run_prev = m->priv.prev;
        return;
    }
    while (n--)
        inline_byte(m, c);
}

/* ---- line-start stage --------------------------------------------------- */

static void text_start(drip_md_t *m)
{
    put_spaces(m, m->priv.sp, 0);
    m->priv.prev = m->priv.sp ? C_SPACE : C_EOL;
    m->priv.sp = 0;
    m->priv.line = LS_TEXT;
}

/* The held line start is not a marker: replay it as text. */
static void ls_replay(drip_md_t *m)
{
    uint32_t i;
    uint8_t st = m->priv.line;
    text_start(m);
    switch (st) {
    case LS_HASH:
        for (i = 0; i < m->priv.mark_n; i++)
            inline_byte(m, '#');
        break;
    case LS_QUOTE:
        for (i = 0; i < m->priv.mark_n; i++)
            inline_byte(m, '>');
        break;
    case LS_TICK:
        for (i = 0; i < m->priv.mark_n; i++)
            inline_byte(m, '`');
        break;
    case LS_MARK:
        inline_run(m, m->priv.mark_ch, m->priv.mark_n);
        break;
    case LS_RULE:
        inline_run(m, m->priv.mark_ch, m->priv.mark_n);
        for (i = 0; i < m->priv.rule_sp; i++)
            inline_byte(m, ' ');
        break;
    default:
        break;
    }
    m->priv.mark_n = 0;
    m->priv.rule_sp = 0;
}

static void newline(drip_md_t *m)
{
    unsigned fl = m->priv.fence ? DRIP_MD_CODE : 0u;
    put_sink(m, "\n", 1, fl);
    m->priv.line = LS_START;
    m->priv.sp = 0;
    m->priv.mark_n = 0;
    m->priv.rule_sp = 0;
    m->priv.prev = C_EOL;
}

/* End of a line (c == '\n') or of the answer (c == 0) in a line-start state. */
static void ls_end(drip_md_t *m, int nl)
{
    if (m->priv.fence && m->priv.line != LS_SKIP) { /* a line of code */
        if (m->priv.line != LS_CODE) {
            uint32_t i;
            put_spaces(m, m->priv.sp, DRIP_MD_CODE);
            for (i = 0; i < m->priv.mark_n; i++)
                put_sink(m, "`", 1, DRIP_MD_CODE);
        }
        if (nl)
            newline(m);
        return;
    }
    switch (m->priv.line) {
    case LS_TEXT:
        end_line_inline(m);
        break;
    case LS_RULE:
        m->priv.sp = 0; /* a rule: an empty line */
        break;
    case LS_MARK:
        if (m->priv.mark_n >= 3 && m->priv.mark_ch != '+') {
            m->priv.sp = 0;
            break;
        }
        ls_replay(m);
        end_line_inline(m);
        break;
    case LS_QUOTE:
        m->priv.sp = 0; /* an empty quote line */
        break;
    case LS_HASH:
    case LS_TICK:
        ls_replay(m);
        end_line_inline(m);
        break;
    case LS_SKIP:
        m->priv.line = LS_START;
        return; /* the fence line goes with its `\n` */
    case LS_START:
        put_spaces(m, m->priv.sp, 0);
        m->priv.sp = 0;
        break;
    default:
        break;
    }
    if (nl)
        newline(m);
}

static void fence_toggle(drip_md_t *m)
{
    m->priv.sp = 0;
    m->priv.mark_n = 0;
    m->priv.fence ^= 1u;
    mark(m, m->priv.fence ? DRIP_MD_FENCE_BEGIN : DRIP_MD_FENCE_END);
    m->priv.line = LS_SKIP;
}

/* A byte inside a fence, at a line start (spaces, up to 3 backticks). */
static void fence_byte(drip_md_t *m, unsigned char c)
{
    uint32_t i;
    if (m->priv.line == LS_CODE) {
        put_sink(m, (const char *)&c, 1, DRIP_MD_CODE);
        return;
    }
    if (m->priv.line == LS_START && c == ' ') {
        m->priv.sp++;
        return;
    }
    if (c == '`') {
        m->priv.line = LS_TICK;
        if (++m->priv.mark_n == 3)
            fence_toggle(m);
        return;
    }
    put_spaces(m, m->priv.sp, DRIP_MD_CODE);
    for (i = 0; i < m->priv.mark_n; i++)
        put_sink(m, "`", 1, DRIP_MD_CODE);
    m->priv.sp = 0;
    m->priv.mark_n = 0;
    m->priv.line = LS_CODE;
    put_sink(m, (const char *)&c, 1, DRIP_MD_CODE);
}

static void line_byte(drip_md_t *m, unsigned char c)
{
    switch (m->priv.line) {
    case LS_START:
        switch (c) {
        case ' ':
            m->priv.sp++;
            return;
        case '#':
            m->priv.line = LS_HASH;
            m->priv.mark_n = 1;
            return;
        case '-':
        case '*':
        case '+':
        case '_':
            m->priv.line = LS_MARK;
            m->priv.mark_ch = c;
            m->priv.mark_n = 1;
            return;
        case '>':
            m->priv.line = LS_QUOTE;
            m->priv.mark_n = 1;
            return;
        case '`':
            m->priv.line = LS_TICK;
            m->priv.mark_n = 1;
            return;
        default:
            text_start(m);
            inline_byte(m, c);
            return;
        }
    case LS_HASH:
        if (c == '#' && m->priv.mark_n < 7) {
            m->priv.mark_n++;
            return;
        }
        if (c == ' ' && m->priv.mark_n <= 6) { /* heading: markers and one space go */
            m->priv.mark_n = 0;
            text_start(m);
            m->priv.prev = C_SPACE;
            return;
        }
        break;
    case LS_MARK:
        if (c == m->priv.mark_ch) {
            if (m->priv.mark_n < 0xFFFFu)
                m->priv.mark_n++;
            return;
        }
        if (c == ' ') {
            if (m->priv.mark_n == 1 && m->priv.mark_ch != '_') { /* bullet */
                m->priv.mark_n = 0;
                text_start(m);
                if (m->priv.flags & DRIP_MD_ASCII)
                    out(m, "- ", 2);
                else
                    out(m, "\xE2\x80\xA2 ", 4);
                m->priv.prev = C_SPACE;
                return;
            }
            if (m->priv.mark_n >= 3 && m->priv.mark_ch != '+') {
                m->priv.line = LS_RULE;
                m->priv.rule_sp = 1;
                return;
            }
        }
        break;
    case LS_RULE:
        if (c == ' ') {
            if (m->priv.rule_sp < 0xFFFFu)
                m->priv.rule_sp++;
            return;
        }
        break;
    case LS_QUOTE:
        if (c == '>' && m->priv.mark_n < 0xFFFFu) {
            m->priv.mark_n++;
            return;
        }
        if (c == ' ') { /* quote removed; the line start rules apply again */
            m->priv.mark_n = 0;
            m->priv.line = LS_START;
            return;
        }
        break;
    case LS_TICK:
        if (c == '`') {
            if (++m->priv.mark_n == 3)
                fence_toggle(m);
            return;
        }
        break;
    case LS_SKIP:
        return;
    default: /* LS_TEXT */
        inline_byte(m, c);
        return;
    }
    /* The held start is not a marker: replay it, then this byte. */
    ls_replay(m);
    inline_byte(m, c);
}

static void md_byte(drip_md_t *m, unsigned char c)
{
    if (c == '\t')
        c = ' ';
    else if (c == '\n') {
        ls_end(m, 1);
        return;
    } else if (c < 0x20 || c == 0x7F)
        return; /* control bytes go before any rule sees them */
    if (m->priv.fence && m->priv.line != LS_SKIP)
        fence_byte(m, c);
    else
        line_byte(m, c);
}

drip_err_t drip_md_init(drip_md_t *m, const drip_md_cfg_t *cfg)
{
    if (!m || !cfg || !cfg->sink || (cfg->flags & ~DRIP_MD_ASCII))
        return DRIP_ERR_ARG;
    memset(m, 0, sizeof *m);
    m->priv.sink = cfg->sink;
    m->priv.user = cfg->user;
    m->priv.flags = (uint8_t)cfg->flags;
    m->priv.prev = C_EOL;
    return DRIP_OK;
}

/* Bytes no rule looks at inside a line of text: copied in runs. */
static int plain(unsigned char c)
{
    return c >= 0x20 && c != 0x7F && c != '*' && c != '_' && c != '`' && c != '[' && c != ']' &&
           c != '\\';
}

void drip_md_feed(drip_md_t *m, const char *s, size_t n)
{
    size_t i = 0, j;
    if (!m || !m->priv.sink || (!s && n))
        return;
    while (i < n) {
        /* Fast path: a run of plain bytes in a line of text with nothing
         * pending gives the same result as byte by byte. */
        if (m->priv.line == LS_TEXT && !m->priv.fence && !m->priv.esc && !m->priv.run_ch &&
            (m->priv.link == LK_NONE || m->priv.link == LK_TEXT)) {
            for (j = i; j < n && plain((unsigned char)s[j]); j++)
                ;
            if (j > i) {
                out(m, s + i, j - i);
                m->priv.prev = cls((unsigned char)s[j - 1]);
                i = j;
                continue;
            }
        }
        md_byte(m, (unsigned char)s[i++]);
    }
    flush(m);
}

void drip_md_finish(drip_md_t *m)
{
    drip_md_cfg_t cfg;
    if (!m || !m->priv.sink)
        return;
    ls_end(m, 0);
    flush(m);
    if (m->priv.fence)
        mark(m, DRIP_MD_FENCE_END);
    cfg.flags = m->priv.flags;
    cfg.sink = m->priv.sink;
    cfg.user = m->priv.user;
    (void)drip_md_init(m, &cfg);
}
