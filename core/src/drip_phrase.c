/* SPDX-License-Identifier: Apache-2.0 */
/* Phrase chunker (docs/spec/text.md §3). Inside, in order:
 *   [Markdown-lite filter] -> drip_phrase_sink: fenced code -> `code omitted`
 *   -> url_byte: bare URLs -> "link" -> utf8_byte: whole characters
 *   -> put_char: phrase ends, min, max, trimming.
 * Every stage is a byte-driven state machine with a bounded hold-back (a
 * scheme prefix of 8 bytes, 16 bytes of URL tail punctuation, one UTF-8
 * character), so the phrases are the same at any split. */
#include <string.h>

#include "dripfeed/drip_phrase.h"

/* ---- character classes (ASCII; decisions in drip_phrase.h) --------------- */

static int is_ws(uint32_t c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f';
}

static int is_alpha(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(uint32_t c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

/* . ! ? … */
static int is_end_mark(uint32_t c)
{
    return c == '.' || c == '!' || c == '?' || c == 0x2026u;
}

/* " ' ” ’ ) after the end marks */
static int is_closer(uint32_t c)
{
    return c == '"' || c == '\'' || c == 0x201Du || c == 0x2019u || c == ')';
}

/* 。！？ end a phrase directly (no whitespace in CJK text). */
static int is_cjk_end(uint32_t c)
{
    return c == 0x3002u || c == 0xFF01u || c == 0xFF1Fu;
}

/* text.md §3, compared lower-case against the word before a lone '.'. */
static const char *const k_abbr[] = {
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs",
    "etc", "e.g", "i.e", "inc", "ltd", "co", "no", "fig", "approx",
};

/* ---- phrases ------------------------------------------------------------- */

static void emit(drip_phrase_t *p, const char *s, size_t n)
{
    p->count++;
    p->on_phrase(p->user, s, n);
}

/* The phrase in buf is complete. glue: the next one follows directly. */
static void end_phrase(drip_phrase_t *p, uint8_t glue)
{
    emit(p, p->buf, p->len);
    p->len = 0;
    p->last_sp = 0;
    p->sp = 0;
    p->end = 0;
    p->comma = 0;
    p->cut = 0;
    p->glue_next = glue;
}

/* The phrase would pass max: cut at its last whitespace at or before byte
 * max, else at max on a character boundary (buf holds whole characters, so
 * that is its end). The pieces are emitted whatever their length (cut = 1
 * lifts min for the rest). */
static void cut(drip_phrase_t *p)
{
    if (p->sp) { /* the whitespace right after the phrase, at byte len <= max */
        end_phrase(p, 0);
    } else if (p->last_sp != 0) {
        size_t i = p->last_sp - 1;
        size_t rest = p->len - i - 1; /* > 0: a space never ends buf */
        emit(p, p->buf, i);
        memmove(p->buf, p->buf + i + 1, rest);
        p->len = rest;
        p->last_sp = 0; /* it was the last one */
        p->glued = 0;
    } else {
        end_phrase(p, 1);
    }
    p->cut = 1;
}

/* Appends one whole character (n <= 4 <= max), cutting first if needed. */
static void append(drip_phrase_t *p, const uint8_t *c, size_t n)
{
    while (p->len + n + p->sp > p->max) {
        cut(p);
    }
    if (p->len == 0) {
        p->glued = p->glue_next;
        p->glue_next = 0;
    }
    if (p->sp) { /* a whitespace run inside a phrase: one space */
        p->buf[p->len++] = ' ';
        p->last_sp = p->len;
        p->sp = 0;
    }
    memcpy(p->buf + p->len, c, n);
    p->len += n;
}

static int word_is_abbr(const drip_phrase_t *p)
{
    size_t i;
    if (p->wlen == 0) {
        return 0;
    }
    /* a single letter: `J.`, the S of `U.S.` (and of `A.B.C.D.E.F.G.`) */
    if (is_alpha(p->w1) && (p->wlen == 1 || !is_alpha(p->w2))) {
        return 1;
    }
    if (p->wlen > sizeof p->word) {
        return 0;
    }
    for (i = 0; i < sizeof k_abbr / sizeof k_abbr[0]; i++) {
        if (strlen(k_abbr[i]) == p->wlen && memcmp(k_abbr[i], p->word, p->wlen) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The word (after its opening punctuation) as far as abbreviations need. */
static void word_add(drip_phrase_t *p, uint32_t cp, const uint8_t *c, size_t n)
{
    size_t i;
    if (!p->word_on && !is_alnum(cp)) {
        return; /* `(e.g.` is the word `e.g.` */
    }
    p->word_on = 1;
    for (i = 0; i < n; i++) {
        uint8_t b = c[i];
        if (b >= 'A' && b <= 'Z') {
            b = (uint8_t)(b + ('a' - 'A'));
        } else if (b >= 0x80) {
            b = 0x80; /* never part of an abbreviation */
        }
        if (p->wlen < sizeof p->word) {
            p->word[p->wlen] = (char)b;
        }
        p->w2 = p->w1;
        p->w1 = b;
        if (p->wlen < 255) {
            p->wlen++;
        }
    }
}

/* One whole character (or one byte of broken UTF-8, cp 0xFFFD). */
static void put_char(drip_phrase_t *p, uint32_t cp, const uint8_t *c, size_t n)
{
    if (is_ws(cp)) {
        int cand;
        p->word_on = 0;
        p->wlen = 0;
        if (p->len == 0) { /* trimmed; and the next phrase no longer follows directly */
            p->glue_next = 0;
            return;
        }
        cand = (p->end != 0 && !(p->lone_dot && p->abbr)) || (p->count == 0 && p->comma) ||
               cp == '\n';
        if (cand && (p->len >= p->min || p->cut)) {
            end_phrase(p, 0);
        } else {
            p->sp = 1; /* shorter than min: joins the next one */
            p->end = 0; /* a closer after the whitespace closes nothing */
            p->comma = 0;
        }
        return;
    }
    append(p, c, n);
    if (is_end_mark(cp)) {
        if (p->end != 1) { /* a new run: only a lone '.' may be an abbreviation's */
            p->end = 1;
            p->lone_dot = cp == '.';
            p->abbr = (uint8_t)(cp == '.' && word_is_abbr(p));
        } else {
            p->lone_dot = 0;
        }
    } else if (is_closer(cp)) {
        p->end = p->end ? 2 : 0;
    } else {
        p->end = 0;
    }
    p->comma = cp == ',' || cp == ';' || cp == ':';
    word_add(p, cp, c, n);
    if (is_cjk_end(cp) && (p->len >= p->min || p->cut)) {
        end_phrase(p, 1);
    }
}

/* ---- UTF-8: whole characters to put_char --------------------------------- */

/* The code point of a complete sequence, or 0xFFFD for a form RFC 3629
 * forbids: overlong (\xc0\x8a would otherwise be a '\n' that ends a phrase
 * and is dropped), a surrogate, past U+10FFFF. Such bytes stay together and
 * pass unchanged as one character of class "other", like any broken UTF-8. */
static uint32_t utf8_cp(const uint8_t *u, size_t n)
{
    static const uint32_t k_least[5] = {0, 0, 0x80u, 0x800u, 0x10000u};
    uint32_t cp = n == 2 ? (u[0] & 0x1Fu) : n == 3 ? (u[0] & 0x0Fu) : (u[0] & 0x07u);
    size_t i;
    for (i = 1; i < n; i++) {
        cp = (cp << 6) | (u[i] & 0x3Fu);
    }
    if (cp < k_least[n] || (cp >= 0xD800u && cp <= 0xDFFFu) || cp > 0x10FFFFu) {
        return 0xFFFDu;
    }
    return cp;
}

/* Broken UTF-8 passes unchanged, as characters of class "other". */
static void utf8_flush(drip_phrase_t *p)
{
    if (p->un > 0) {
        put_char(p, 0xFFFDu, p->u, p->un);
        p->un = 0;
    }
}

static void utf8_byte(drip_phrase_t *p, uint8_t b)
{
    if (p->un > 0) {
        if ((b & 0xC0u) == 0x80u) {
            p->u[p->un++] = b;
            if (p->un == p->uneed) {
                put_char(p, utf8_cp(p->u, p->un), p->u, p->un);
                p->un = 0;
            }
            return;
        }
        utf8_flush(p);
    }
    if (b < 0x80u) {
        put_char(p, b, &b, 1);
    } else if ((b & 0xE0u) == 0xC0u || (b & 0xF0u) == 0xE0u || (b & 0xF8u) == 0xF0u) {
        p->u[0] = b;
        p->un = 1;
        p->uneed = (uint8_t)((b & 0xE0u) == 0xC0u ? 2 : (b & 0xF0u) == 0xE0u ? 3 : 4);
    } else {
        put_char(p, 0xFFFDu, &b, 1);
    }
}

/* ---- bare URLs -> "link" ------------------------------------------------- */

static void pass(drip_phrase_t *p, uint8_t b)
{
    p->prev_alnum = (uint8_t)is_alnum(b);
    utf8_byte(p, b);
}

static void pass_str(drip_phrase_t *p, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        pass(p, (uint8_t)s[i]);
    }
}

/* Punctuation that ends a sentence or closes a bracket after a URL rather
 * than belonging to it (GitHub's autolink rule); ')' only without its '('. */
static int is_url_tail(const drip_phrase_t *p, uint8_t b)
{
    return b == '.' || b == ',' || b == ';' || b == ':' || b == '!' || b == '?' || b == '\'' ||
           b == '"' || b == ']' || b == '}' || b == '>' || (b == ')' && p->parens == 0);
}

/* Whatever the URL stage holds goes on as text (end of text, code block). */
static void url_flush(drip_phrase_t *p)
{
    if (p->url == 1) {
        pass_str(p, p->hold, p->hold_n);
    } else if (p->url == 2) {
        pass_str(p, p->tail, p->tail_n);
    }
    p->url = 0;
    p->hold_n = 0;
    p->tail_n = 0;
}

/* The held bytes and then l (lower-case) are a prefix of scheme (any case). */
static int scheme_goes_on(const drip_phrase_t *p, const char *scheme, size_t n, uint8_t l)
{
    size_t i;
    if (p->hold_n >= n || (uint8_t)scheme[p->hold_n] != l) {
        return 0;
    }
    for (i = 0; i < p->hold_n; i++) {
        uint8_t h = (uint8_t)p->hold[i];
        if ((h >= 'A' && h <= 'Z' ? h + ('a' - 'A') : h) != (uint8_t)scheme[i]) {
            return 0;
        }
    }
    return 1;
}

static void url_byte(drip_phrase_t *p, uint8_t b)
{
    static const char http[] = "http://", https[] = "https://";
    if (p->url == 2) {
        if (is_ws(b)) {
            url_flush(p);
            pass(p, b);
        } else if (is_url_tail(p, b)) {
            if (p->tail_n == sizeof p->tail) {
                p->tail_n = 0; /* that much punctuation: the URL's own */
            }
            p->tail[p->tail_n++] = (char)b;
        } else {
            if (b == '(' && p->parens < 255) {
                p->parens++;
            } else if (b == ')' && p->parens > 0) {
                p->parens--;
            }
            p->tail_n = 0; /* more URL: the punctuation held was inside it */
        }
        return;
    }
    if (p->url == 1) {
        uint8_t l = (uint8_t)(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
        int in_http = scheme_goes_on(p, http, sizeof http - 1, l);
        int in_https = scheme_goes_on(p, https, sizeof https - 1, l);
        if (in_http || in_https) {
            p->hold[p->hold_n++] = (char)b;
            if ((in_http && p->hold_n == sizeof http - 1) ||
                (in_https && p->hold_n == sizeof https - 1)) {
                pass_str(p, DRIP_PHRASE_LINK, sizeof DRIP_PHRASE_LINK - 1);
                p->url = 2;
                p->hold_n = 0;
                p->parens = 0;
                p->tail_n = 0;
            }
            return;
        }
        url_flush(p); /* not a URL: the held bytes are text; b may start one */
    }
    if ((b == 'h' || b == 'H') && !p->prev_alnum) {
        p->url = 1;
        p->hold[0] = (char)b;
        p->hold_n = 1;
        return;
    }
    pass(p, b);
}

/* ---- public -------------------------------------------------------------- */

void drip_phrase_sink(void *user, const char *s, size_t n, unsigned flags)
{
    drip_phrase_t *p = user;
    size_t i;
    if (flags & DRIP_MD_FENCE_BEGIN) {
        /* A hard boundary: the phrase before goes out even when short. */
        url_flush(p);
        utf8_flush(p);
        if (p->len > 0) {
            end_phrase(p, 0);
        }
        /* `code omitted` goes through the phrase rules like text (so max
         * holds for it too), then ends whatever its length. */
        p->glue_next = 0;
        pass_str(p, DRIP_PHRASE_CODE, sizeof DRIP_PHRASE_CODE - 1);
        pass(p, ' ');
        if (p->len > 0) {
            end_phrase(p, 0);
        }
        p->prev_alnum = 0;
    }
    if (flags & DRIP_MD_CODE) {
        return; /* the block's text is not spoken */
    }
    for (i = 0; i < n; i++) {
        url_byte(p, (uint8_t)s[i]);
    }
}

drip_err_t drip_phrase_init(drip_phrase_t *p, const drip_phrase_cfg_t *cfg)
{
    drip_md_cfg_t md;
    size_t max;
    if (p == NULL || cfg == NULL || cfg->buf == NULL || cfg->on_phrase == NULL) {
        return DRIP_ERR_ARG;
    }
    max = cfg->max;
    if (max == 0) {
        max = cfg->buf_len < DRIP_PHRASE_MAX_DEFAULT ? cfg->buf_len : DRIP_PHRASE_MAX_DEFAULT;
    }
    if (max < DRIP_PHRASE_MAX_LEAST || max > cfg->buf_len) {
        return DRIP_ERR_ARG;
    }
    memset(p, 0, sizeof *p);
    memset(&md, 0, sizeof md);
    md.sink = drip_phrase_sink;
    md.user = p;
    if (drip_md_init(&p->md, &md) != DRIP_OK) {
        return DRIP_ERR_ARG;
    }
    p->on_phrase = cfg->on_phrase;
    p->user = cfg->user;
    p->buf = cfg->buf;
    p->min = cfg->min;
    p->max = max;
    return DRIP_OK;
}

void drip_phrase_feed(drip_phrase_t *p, const char *s, size_t n)
{
    drip_md_feed(&p->md, s, n);
}

void drip_phrase_finish(drip_phrase_t *p)
{
    drip_md_finish(&p->md);
    url_flush(p);
    utf8_flush(p);
    if (p->len > 0) {
        end_phrase(p, 0); /* the last phrase, whatever its length */
    }
}

int drip_phrase_glued(const drip_phrase_t *p)
{
    return p->glued;
}

uint32_t drip_phrase_count(const drip_phrase_t *p)
{
    return p->count;
}
