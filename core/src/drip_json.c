/* SPDX-License-Identifier: Apache-2.0 */
/* Layer 4a: jsmn (Debian libjsmn-dev) plus the helpers the event decoder needs.
 *
 * jsmn is compiled here, privately (JSMN_STATIC), in strict mode. jsmn does
 * not check everything (raw control bytes in strings, number syntax), so
 * drip_json_str/unescape and drip_json_int check what they read.
 */
#define JSMN_STATIC
#define JSMN_STRICT
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wsign-compare"
#endif
#include <jsmn.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
/* jsmn 1.1.0's single header (guard JSMN_H) defines JSMN_API and, without
 * JSMN_HEADER, the code. An older declarations-only jsmn.h (guard __JSMN_H_:
 * upstream before 1.1.0, the registry's espressif/jsmn 1.0.0) would link the
 * application's jsmn.c instead, in whatever mode it was built: refuse it. */
#if defined(__JSMN_H_) && !defined(JSMN_API)
#error "jsmn.h is not jsmn >= 1.1.0 (single header with JSMN_API): dripfeed compiles its own copy"
#endif

#include "dripfeed/drip_json.h"

#include <string.h>

drip_err_t drip_json_tokens(drip_json_t *j, char *js, size_t len, jsmntok_t *tok, unsigned cap)
{
    jsmn_parser jp;
    int r;

    if (j == NULL || js == NULL || tok == NULL || cap == 0 || len > (size_t)INT32_MAX) {
        return DRIP_ERR_ARG;
    }
    j->js = js;
    j->len = len;
    j->tok = tok;
    j->ntok = 0;
    jsmn_init(&jp);
    r = jsmn_parse(&jp, js, len, tok, cap);
    if (r == JSMN_ERROR_NOMEM) {
        return DRIP_ERR_JSON_NOMEM;
    }
    if (r <= 0) {
        return DRIP_ERR_JSON_INVALID;
    }
    j->ntok = r;
    return DRIP_OK;
}

drip_err_t drip_json_parse(drip_json_t *j, char *js, size_t len, jsmntok_t *tok, unsigned cap)
{
    drip_err_t e = drip_json_tokens(j, js, len, tok, cap);
    int r = j != NULL ? j->ntok : 0;
    size_t end;

    if (e != DRIP_OK) {
        return e;
    }
    /* exactly one value: nothing but white space may follow it */
    if (drip_json_next(j, 0) != r) {
        return DRIP_ERR_JSON_INVALID;
    }
    end = (size_t)tok[0].end;
    if (tok[0].type == JSMN_STRING) {
        end++; /* jsmn's string end excludes the closing quote */
    }
    for (; end < len; end++) {
        char c = js[end];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return DRIP_ERR_JSON_INVALID;
        }
    }
    return DRIP_OK;
}

/* ---- validation of a token stream (drip_json_valid) ------------------- */

/* A word has a byte below 0x20: a borrow out of such a byte sets its top
 * bit; higher bytes may be wrong, but only once one already was below 0x20,
 * so the test of the whole word is exact. */
#define HAS_CTRL(w, T) ((((w) - (T)-1 / 0xFFu * 0x20u) & ~(w) & (T)-1 / 0xFFu * 0x80u) != 0)

/* No byte below 0x20 in s[0..n): a word at a time, the last word ending
 * at the last byte (it may overlap the one before). */
static int no_ctrl(const char *s, size_t n)
{
    size_t i, w;
    uint32_t h;
    if (n >= sizeof w) {
        for (i = 0; i + sizeof w < n; i += sizeof w) {
            memcpy(&w, s + i, sizeof w);
            if (HAS_CTRL(w, size_t)) {
                return 0;
            }
        }
        memcpy(&w, s + n - sizeof w, sizeof w);
        return !HAS_CTRL(w, size_t);
    }
    if (n >= sizeof h) { /* keys and short values (64-bit words) */
        memcpy(&h, s, sizeof h);
        if (HAS_CTRL(h, uint32_t)) {
            return 0;
        }
        memcpy(&h, s + n - sizeof h, sizeof h);
        return !HAS_CTRL(h, uint32_t);
    }
    for (i = 0; i < n; i++) {
        if ((uint8_t)s[i] < 0x20u) {
            return 0;
        }
    }
    return 1;
}
#undef HAS_CTRL

static size_t digits(const char *s, size_t i, size_t n)
{
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        i++;
    }
    return i;
}

/* A primitive token: exactly true, false, null or an RFC 8259 number. */
static int primitive_ok(const char *s, size_t n)
{
    size_t i = 0, k;
    if (n == 0) {
        return 0;
    }
    switch (s[0]) {
    case 't':
        return n == 4 && memcmp(s, "true", 4) == 0;
    case 'f':
        return n == 5 && memcmp(s, "false", 5) == 0;
    case 'n':
        return n == 4 && memcmp(s, "null", 4) == 0;
    default:
        break;
    }
    if (s[0] == '-') {
        i = 1;
    }
    if (i < n && s[i] == '0') {
        i++;
    } else {
        k = digits(s, i, n);
        if (k == i) {
            return 0;
        }
        i = k;
    }
    if (i < n && s[i] == '.') {
        k = digits(s, i + 1, n);
        if (k == i + 1) {
            return 0;
        }
        i = k;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        k = digits(s, i, n);
        if (k == i) {
            return 0;
        }
        i = k;
    }
    return i == n;
}

/* What may come next, as in the scanner (drip_scan.c). */
enum { V_VALUE, V_VALUE_OR_CLOSE, V_KEY_OR_CLOSE, V_KEY, V_COLON, V_AFTER, V_END };

typedef struct valid_st {
    uint64_t arr;    /* bit d - 1: the container at depth d is an array */
    unsigned depth;
    int st;
} valid_st_t;

/* The bytes between two tokens: white space and punctuation in grammar
 * order. Only these and the primitives are read, never a string's bytes. */
static int gap_ok(valid_st_t *v, const char *p, const char *end)
{
    for (; p < end; p++) {
        char c = *p;
        if (c == ',' && v->st == V_AFTER) {
            v->st = ((v->arr >> (v->depth - 1u)) & 1u) ? V_VALUE : V_KEY;
        } else if (c == ':' && v->st == V_COLON) {
            v->st = V_VALUE;
        } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            continue;
        } else if ((c == '}' && (v->st == V_AFTER || v->st == V_KEY_OR_CLOSE)) ||
                   (c == ']' && (v->st == V_AFTER || v->st == V_VALUE_OR_CLOSE))) {
            if (v->depth == 0 || ((v->arr >> (v->depth - 1u)) & 1u) != (c == ']' ? 1u : 0u)) {
                return 0;
            }
            v->depth--;
            v->st = v->depth > 0 ? V_AFTER : V_END;
        } else {
            return 0;
        }
    }
    return 1;
}

int drip_json_valid(const drip_json_t *j, unsigned max_depth)
{
    const char *js = j->js;
    const char *pos = js; /* end of what was checked */
    const jsmntok_t *t, *te;
    /* The state in locals (registers): v is only the rare gap_ok's copy. */
    uint64_t arr = 0;
    unsigned depth = 0;
    int st = V_VALUE, ctrl;
    valid_st_t v;

    /* Control bytes: one word-at-a-time look over the whole text; strings
     * are checked one by one only when it has any (white space in pretty
     * JSON, or a raw control byte somewhere). */
    ctrl = !no_ctrl(js, j->len);
    if (max_depth > 64u) {
        max_depth = 64u;
    }
    for (t = j->tok, te = t + j->ntok;; t++) {
        const char *s, *lex;
        if (t == te) {
            s = lex = js + j->len; /* after the last token: white space only */
        } else {
            s = js + t->start;
            lex = s - (t->type == JSMN_STRING); /* jsmn's string starts after the quote */
        }
        if (lex != pos) { /* none: the first member or element, right after its bracket */
            if (lex == pos + 1 && *pos == ':' && st == V_COLON) {
                st = V_VALUE; /* the usual gaps, without a call: ':' ... */
            } else if (lex == pos + 1 && *pos == ',' && st == V_AFTER && !((arr >> (depth - 1u)) & 1u)) {
                st = V_KEY; /* ... and ',' between members */
            } else {
                int ok;
                v.arr = arr;
                v.depth = depth;
                v.st = st;
                ok = lex > pos && gap_ok(&v, pos, lex);
                arr = v.arr;
                depth = v.depth;
                st = v.st;
                if (!ok) {
                    return 0;
                }
            }
        }
        if (t == te) {
            return st == V_END;
        }
        if (st == V_KEY || st == V_KEY_OR_CLOSE) { /* a member's name */
            if (t->type != JSMN_STRING || (ctrl && !no_ctrl(s, (size_t)(t->end - t->start)))) {
                return 0;
            }
            st = V_COLON;
            pos = js + t->end + 1; /* past the closing quote */
            continue;
        }
        if (st != V_VALUE && st != V_VALUE_OR_CLOSE) {
            return 0;
        }
        st = depth > 0 ? V_AFTER : V_END;
        switch (t->type) {
        case JSMN_STRING:
            if (ctrl && !no_ctrl(s, (size_t)(t->end - t->start))) {
                return 0;
            }
            pos = js + t->end + 1;
            break;
        case JSMN_PRIMITIVE:
            if (!primitive_ok(s, (size_t)(t->end - t->start))) {
                return 0;
            }
            pos = js + t->end;
            break;
        case JSMN_OBJECT:
        case JSMN_ARRAY:
            if (depth >= max_depth) {
                return 0;
            }
            depth++;
            if (t->type == JSMN_ARRAY) {
                arr |= (uint64_t)1u << (depth - 1u);
                st = V_VALUE_OR_CLOSE;
            } else {
                arr &= ~((uint64_t)1u << (depth - 1u));
                st = V_KEY_OR_CLOSE;
            }
            pos = lex + 1;
            break;
        default: /* a string already read (JSMN_UNDEFINED): too late to tell */
            return 0;
        }
    }
}

int drip_json_next(const drip_json_t *j, int i)
{
    int pending = 1;
    while (pending > 0 && i < j->ntok) {
        pending += j->tok[i].size - 1;
        i++;
    }
    return i;
}

int drip_json_get(const drip_json_t *j, int obj, const char *key, size_t keylen)
{
    int i, k, n;
    if (obj < 0 || obj >= j->ntok || j->tok[obj].type != JSMN_OBJECT) {
        return -1;
    }
    n = j->tok[obj].size;
    i = obj + 1;
    for (k = 0; k < n && i + 1 < j->ntok; k++) {
        const jsmntok_t *t = &j->tok[i];
        if ((size_t)(t->end - t->start) == keylen &&
            memcmp(j->js + t->start, key, keylen) == 0) {
            return i + 1;
        }
        i = drip_json_next(j, i + 1);
    }
    return -1;
}

int drip_json_is_null(const drip_json_t *j, int t)
{
    return t >= 0 && t < j->ntok && j->tok[t].type == JSMN_PRIMITIVE &&
           j->js[j->tok[t].start] == 'n';
}

static int put_utf8(uint32_t cp, uint8_t out[4])
{
    if (cp < 0x80u) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800u) {
        out[0] = (uint8_t)(0xC0u | (cp >> 6));
        out[1] = (uint8_t)(0x80u | (cp & 0x3Fu));
        return 2;
    }
    if (cp < 0x10000u) {
        out[0] = (uint8_t)(0xE0u | (cp >> 12));
        out[1] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
        out[2] = (uint8_t)(0x80u | (cp & 0x3Fu));
        return 3;
    }
    out[0] = (uint8_t)(0xF0u | (cp >> 18));
    out[1] = (uint8_t)(0x80u | ((cp >> 12) & 0x3Fu));
    out[2] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
    out[3] = (uint8_t)(0x80u | (cp & 0x3Fu));
    return 4;
}

static const uint8_t k_fffd[3] = {0xEFu, 0xBFu, 0xBDu};

/* A lone surrogate: U+FFFD, or (edges mode, at either end of the string) its
 * own 3-byte form, so that the stream can join a pair split across two
 * deltas (drip_json.h). Both are 3 bytes: never longer than the 6-byte escape. */
static int lone(const drip_unesc_t *u, uint32_t cp, int at_edge, uint8_t *out)
{
    if (u->edges && at_edge) {
        return put_utf8(cp, out);
    }
    memcpy(out, k_fffd, 3);
    return 3;
}

/* One byte of a simple escape (after '\'): its value, or -1. */
static int simple_escape(uint8_t c)
{
    switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return -1;
    }
}

/* States: 0 plain, 1 after '\', 2..5 reading hex digit 1..4 of \u,
 * 6 after a high surrogate (expecting '\' of its low half), 7 expecting 'u'.
 * Decision (RFC 8259 8.2 leaves unpaired surrogates to the reader): an
 * unpaired surrogate becomes U+FFFD, as WHATWG's UTF-8 encoder and Python's
 * 'replace' do; it is not an error, so one odd escape from a compatible
 * server does not cost the rest of the answer. */
static int unesc_byte(drip_unesc_t *u, uint8_t c, uint8_t *out)
{
    int w = 0, v;
    switch (u->st) {
    case 0:
        if (c == '\\') {
            u->st = 1;
            return 0;
        }
        if (c < 0x20u) {
            return DRIP_ERR_JSON_ESCAPE; /* raw control byte in a string */
        }
        out[0] = c;
        return 1;
    case 7: /* "\uD83D\" then another escape: the high half stays alone */
        if (c != 'u') {
            u->hi = 0;
            w = lone(u, 0, 0, out);
        }
        /* fall through */
    case 1:
        if (c == 'u') {
            u->st = 2;
            u->cp = 0;
            return 0;
        }
        v = simple_escape(c);
        if (v < 0) {
            return DRIP_ERR_JSON_ESCAPE;
        }
        u->st = 0;
        out[w] = (uint8_t)v;
        return w + 1;
    case 6: /* the high surrogate has no low half: plain byte follows */
        if (c == '\\') {
            u->st = 7;
            return 0;
        }
        u->st = 0;
        u->hi = 0;
        if (c < 0x20u) {
            return DRIP_ERR_JSON_ESCAPE;
        }
        w = lone(u, 0, 0, out);
        out[w] = c;
        return w + 1;
    default: /* hex digits */
        if (c >= '0' && c <= '9') {
            v = c - '0';
        } else if ((c | 0x20u) >= 'a' && (c | 0x20u) <= 'f') {
            v = (int)((c | 0x20u) - (unsigned)'a') + 10;
        } else {
            return DRIP_ERR_JSON_ESCAPE;
        }
        u->cp = (u->cp << 4) | (uint32_t)v;
        if (++u->st < 6) {
            return 0;
        }
        u->st = 0;
        if (u->hi != 0) {
            uint32_t hi = u->hi;
            u->hi = 0;
            if (u->cp >= 0xDC00u && u->cp <= 0xDFFFu) {
                return put_utf8(0x10000u + ((hi - 0xD800u) << 10) + (u->cp - 0xDC00u), out);
            }
            w = lone(u, hi, 0, out); /* the high half alone; cp is read afresh */
        }
        if (u->cp >= 0xD800u && u->cp <= 0xDBFFu) {
            u->hi = u->cp;
            u->st = 6;
            return w;
        }
        if (u->cp >= 0xDC00u && u->cp <= 0xDFFFu) {
            return w + lone(u, u->cp, !u->any && w == 0, out + w); /* low half first */
        }
        return w + put_utf8(u->cp, out + w);
    }
}

int drip_unesc_byte(drip_unesc_t *u, uint8_t c, uint8_t out[DRIP_UNESC_OUT_MAX])
{
    int k = unesc_byte(u, c, out);
    if (k > 0) {
        u->any = 1;
    }
    return k;
}

int drip_unesc_finish(drip_unesc_t *u, uint8_t out[DRIP_UNESC_OUT_MAX])
{
    int k = 0;
    if (u->st == 6) { /* ends with a high surrogate */
        k = lone(u, u->hi, 1, out);
        u->st = 0;
        u->hi = 0;
        u->any = 1;
    }
    return u->st == 0 ? k : DRIP_ERR_JSON_ESCAPE;
}

static drip_err_t unescape(char *s, size_t n, int edges, size_t *out_len)
{
    drip_unesc_t u;
    size_t r, w = 0;
    uint8_t tmp[DRIP_UNESC_OUT_MAX];
    int k;

    /* Fast path: most strings (ids, types, deltas) hold no escape at all;
     * a word at a time up to the first word with a '\\' or a control byte
     * (each test exact for the whole word, as in no_ctrl). */
    for (r = 0; r + sizeof(size_t) <= n; r += sizeof(size_t)) {
        const size_t ones = (size_t)-1 / 0xFFu, high = ones * 0x80u;
        size_t x, b;
        memcpy(&x, s + r, sizeof x);
        b = x ^ (ones * (size_t)'\\');
        if ((((x - ones * 0x20u) & ~x) | ((b - ones) & ~b)) & high) {
            break;
        }
    }
    for (; r < n && s[r] != '\\' && (uint8_t)s[r] >= 0x20u; r++) {
    }
    if (r == n) {
        *out_len = n;
        return DRIP_OK;
    }
    w = r;
    memset(&u, 0, sizeof u);
    u.edges = (uint8_t)(edges != 0);
    u.any = (uint8_t)(r > 0);
    for (; r < n; r++) {
        k = drip_unesc_byte(&u, (uint8_t)s[r], tmp);
        if (k < 0) {
            return DRIP_ERR_JSON_ESCAPE;
        }
        /* output never overtakes input: an escape is longer than its result */
        memcpy(s + w, tmp, (size_t)k);
        w += (size_t)k;
    }
    k = drip_unesc_finish(&u, tmp);
    if (k < 0) {
        return DRIP_ERR_JSON_ESCAPE;
    }
    memcpy(s + w, tmp, (size_t)k); /* <= 3 bytes in place of a 6-byte escape */
    *out_len = w + (size_t)k;
    return DRIP_OK;
}

drip_err_t drip_json_unescape(char *s, size_t n, size_t *out_len)
{
    return unescape(s, n, 0, out_len);
}

static drip_err_t json_str(drip_json_t *j, int t, int edges, drip_str_t *out)
{
    jsmntok_t *tk;
    size_t n;
    drip_err_t e;

    if (t < 0 || t >= j->ntok) {
        return DRIP_ERR_EVENT_FIELD;
    }
    tk = &j->tok[t];
    if (tk->type == JSMN_UNDEFINED) { /* unescaped before: see below */
        out->p = j->js + tk->start;
        out->n = (size_t)(tk->end - tk->start);
        return DRIP_OK;
    }
    if (tk->type != JSMN_STRING) {
        return DRIP_ERR_EVENT_FIELD;
    }
    e = unescape(j->js + tk->start, (size_t)(tk->end - tk->start), edges, &n);
    if (e != DRIP_OK) {
        return e;
    }
    /* Mark the token as done so a second call does not unescape twice. */
    tk->type = JSMN_UNDEFINED;
    tk->end = tk->start + (int)n;
    out->p = j->js + tk->start;
    out->n = n;
    return DRIP_OK;
}

drip_err_t drip_json_str(drip_json_t *j, int t, drip_str_t *out)
{
    return json_str(j, t, 0, out);
}

drip_err_t drip_json_str_delta(drip_json_t *j, int t, drip_str_t *out)
{
    return json_str(j, t, 1, out);
}

drip_err_t drip_json_parse_i64(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    uint64_t v = 0, last;

    if (n > 0 && s[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (i >= n || s[i] < '0' || s[i] > '9') {
        return DRIP_ERR_EVENT_FIELD; /* true/false/null, or not a number */
    }
    if (s[i] == '0' && i + 1 < n) {
        return DRIP_ERR_JSON_RANGE; /* leading zero, fraction or exponent */
    }
    /* magnitude up to 2^63 - 1, or 2^63 for a negative number (INT64_MIN);
     * compared with constants: a 64-bit division would pull in libgcc */
    last = neg ? 8u : 7u;
    for (; i < n; i++) {
        uint64_t d;
        if (s[i] < '0' || s[i] > '9') {
            return DRIP_ERR_JSON_RANGE;
        }
        d = (uint64_t)(s[i] - '0');
        if (v > 922337203685477580u || (v == 922337203685477580u && d > last)) {
            return DRIP_ERR_JSON_RANGE;
        }
        v = v * 10u + d;
    }
    *out = neg ? (v == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)v) : (int64_t)v;
    return DRIP_OK;
}

drip_err_t drip_json_int(const drip_json_t *j, int t, int64_t lo, int64_t hi, int64_t *out)
{
    const jsmntok_t *tk;
    int64_t r;
    drip_err_t e;

    if (t < 0 || t >= j->ntok || j->tok[t].type != JSMN_PRIMITIVE) {
        return DRIP_ERR_EVENT_FIELD;
    }
    tk = &j->tok[t];
    e = drip_json_parse_i64(j->js + tk->start, (size_t)(tk->end - tk->start), &r);
    if (e != DRIP_OK) {
        return e;
    }
    if (r < lo || r > hi) {
        return DRIP_ERR_JSON_RANGE;
    }
    *out = r;
    return DRIP_OK;
}
