/* SPDX-License-Identifier: Apache-2.0 */
/* Layer 4b: constant-memory JSON scanner for oversize events (see drip_scan.h).
 * Grammar per RFC 8259; one state per token position, no recursion. */
#include "dripfeed/drip_scan.h"

#include <string.h>

enum {
    S_VALUE,      /* a value must follow */
    S_VALUE_OR_CLOSE, /* after '[' */
    S_KEY_OR_CLOSE,   /* after '{' */
    S_KEY,        /* after ',' in an object */
    S_COLON,
    S_AFTER,      /* after a value: ',' or a closer */
    S_STR,
    S_NUM,
    S_LIT,
    S_END         /* the root value is complete */
};

/* number sub-states */
enum { N_SIGN, N_ZERO, N_INT, N_DOT, N_FRAC, N_E, N_ESIGN, N_EXP };

#define NO_SLOT 0xFFu

static int is_ws(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Every path fits the scanner: a slot that exists (value_start writes
 * slot[pt->slot]), 1..DRIP_SCAN_KEYS levels, keys that are in cfg->keys. */
static int cfg_ok(const drip_scan_cfg_t *cfg, unsigned nslots)
{
    uint8_t i, k;
    for (i = 0; i < cfg->npaths; i++) {
        const drip_scan_path_t *pt = &cfg->paths[i];
        if (pt->slot >= nslots || pt->depth == 0 || pt->depth > DRIP_SCAN_KEYS) {
            return 0;
        }
        for (k = 0; k < pt->depth; k++) {
            if (pt->key[k] != DRIP_SCAN_ELEM && (pt->key[k] == 0 || pt->key[k] > cfg->nkeys)) {
                return 0;
            }
        }
    }
    return 1;
}

drip_err_t drip_scan_init(drip_scan_t *s, const drip_scan_cfg_t *cfg, drip_scan_slot_t *slot,
                          unsigned nslots, char *arena, size_t cap)
{
    if (s == NULL || cfg == NULL || (arena == NULL && cap > 0) || (slot == NULL && nslots > 0) ||
        nslots > DRIP_SCAN_SLOTS || !cfg_ok(cfg, nslots)) {
        return DRIP_ERR_ARG;
    }
    if (nslots > 0) {
        memset(slot, 0, sizeof slot[0] * nslots);
    }
    memset(&s->priv, 0, sizeof s->priv);
    s->cfg = cfg;
    s->slot = slot;
    s->priv.nslots = (uint8_t)nslots;
    s->arena = arena;
    s->priv.cap = (uint16_t)(cap > 0xFFFFu ? 0xFFFFu : cap); /* slot offsets are 16-bit */
    /* Reserves: the configured bytes, but never more than a fixed share of
     * a small arena (the caller's buffer may be 64 bytes): a long string
     * still gets most of it, and numbers and ids after it some room. */
    s->priv.num_keep = (uint16_t)(s->priv.cap / 8u < DRIP_SCAN_NUM_RESERVE ? s->priv.cap / 8u
                                                                           : DRIP_SCAN_NUM_RESERVE);
    s->priv.id_keep = (uint16_t)(s->priv.cap / 4u < DRIP_SCAN_ID_RESERVE ? s->priv.cap / 4u
                                                                         : DRIP_SCAN_ID_RESERVE);
    s->root = DRIP_SCAN_NONE;
    s->priv.state = S_VALUE;
    s->priv.cur = NO_SLOT;
    return DRIP_OK;
}

drip_str_t drip_scan_str(const drip_scan_t *s, unsigned slot)
{
    drip_str_t r;
    const drip_scan_slot_t *sl;
    r.p = NULL;
    r.n = 0;
    if (slot >= s->priv.nslots) {
        return r;
    }
    sl = &s->slot[slot];
    if (sl->kind == DRIP_SCAN_STRING || sl->kind == DRIP_SCAN_NUMBER) {
        r.p = s->arena != NULL ? s->arena + sl->off : ""; /* no arena: nothing stored */
        r.n = sl->stored;
    }
    return r;
}

/* A value of `kind` starts at the current depth: find its capture slot. */
static void value_start(drip_scan_t *s, uint8_t kind)
{
    const drip_scan_cfg_t *cfg = s->cfg;
    uint8_t d = s->priv.depth, i;

    s->priv.cur = NO_SLOT;
    if (d == 0) {
        s->root = kind; /* callers that want one object check it */
        return;
    }
    if (d > DRIP_SCAN_KEYS) {
        return;
    }
    for (i = 0; i < cfg->npaths; i++) {
        const drip_scan_path_t *pt = &cfg->paths[i];
        if (pt->depth == d && memcmp(pt->key, &s->priv.key[1], d) == 0) {
            drip_scan_slot_t *sl = &s->slot[pt->slot];
            sl->kind = kind;
            sl->off = s->priv.used;
            sl->len = 0;
            sl->stored = 0;
            sl->cut = 0;
            s->priv.cur = pt->slot;
            s->priv.cur_flags = pt->flags;
            return;
        }
    }
}

/* A sink's answer: its error, or 0 with a pause noted (the feed loops stop
 * after the step at hand, as if the input ended there). */
static int sink_rc(drip_scan_t *s, int r)
{
    if (r < 0) {
        return r;
    }
    if (r & DRIP_SCAN_PAUSE) {
        s->priv.paused = 1;
    }
    return 0;
}

/* Store decoded bytes of the value being captured (or hand them to the
 * sink that took the string). Returns 0 or the sink's error. */
static int capture(drip_scan_t *s, const uint8_t *b, size_t k)
{
    drip_scan_slot_t *sl;
    size_t room;
    if (s->priv.cur == NO_SLOT) {
        return 0;
    }
    sl = &s->slot[s->priv.cur];
    sl->len = (uint16_t)(sl->len + k > 0xFFFFu ? 0xFFFFu : sl->len + k);
    if (s->priv.to_sink) {
        return sink_rc(s, s->sink(s->sink_ctx, s->priv.cur, b, k, DRIP_SCAN_BYTES));
    }
    if (s->priv.cur_flags & DRIP_SCAN_F_PRESENCE) {
        return 0;
    }
    room = (size_t)s->priv.cap - s->priv.used;
    if (sl->kind != DRIP_SCAN_NUMBER) { /* strings leave room for numbers... */
        size_t keep = s->priv.num_keep;
        if (s->priv.cur_flags & DRIP_SCAN_F_BULK) {
            keep += s->priv.id_keep; /* ...and long ones for the ids after them */
        }
        room = room > keep ? room - keep : 0;
    }
    if (k > room) {
        k = room;
        sl->cut = 1;
    }
    /* memmove: the arena may be the input's own buffer (drip_scan_init), and
     * b then points at or after the destination (never before it) */
    if (k > 0) {
        memmove(s->arena + s->priv.used, b, k);
    }
    s->priv.used = (uint16_t)(s->priv.used + k);
    sl->stored = (uint16_t)(sl->stored + k);
    return 0;
}

static uint8_t key_id(const drip_scan_t *s)
{
    uint8_t i;
    if (s->priv.klen > DRIP_SCAN_KEY_MAX) {
        return 0;
    }
    for (i = 0; i < s->cfg->nkeys; i++) {
        const char *k = s->cfg->keys[i];
        if (strlen(k) == s->priv.klen && memcmp(k, s->priv.kbuf, s->priv.klen) == 0) {
            return (uint8_t)(i + 1u);
        }
    }
    return 0;
}

static void value_end(drip_scan_t *s)
{
    s->priv.cur = NO_SLOT;
    s->priv.to_sink = 0;
    s->priv.state = s->priv.depth == 0 ? S_END : S_AFTER;
}

static int push(drip_scan_t *s, int array)
{
    uint8_t d;
    if (s->priv.depth >= DRIP_SCAN_MAX_DEPTH) {
        return DRIP_ERR_JSON_DEPTH;
    }
    d = ++s->priv.depth;
    if (array) {
        s->priv.arr |= (uint64_t)1u << (d - 1u);
    } else {
        s->priv.arr &= ~((uint64_t)1u << (d - 1u));
    }
    if (d <= DRIP_SCAN_KEYS) {
        s->priv.key[d] = array ? DRIP_SCAN_ELEM : 0;
    }
    s->priv.cur = NO_SLOT;
    s->priv.state = array ? S_VALUE_OR_CLOSE : S_KEY_OR_CLOSE;
    return 0;
}

static int pop(drip_scan_t *s, int array)
{
    uint8_t d = s->priv.depth;
    int is_arr;
    if (d == 0) {
        return DRIP_ERR_JSON_INVALID;
    }
    is_arr = (int)((s->priv.arr >> (d - 1u)) & 1u);
    if (is_arr != array) {
        return DRIP_ERR_JSON_INVALID;
    }
    s->priv.depth--;
    value_end(s);
    return 0;
}

/* A value begins with byte c (state S_VALUE / S_VALUE_OR_CLOSE). */
static int begin_value(drip_scan_t *s, uint8_t c)
{
    switch (c) {
    case '{':
        value_start(s, DRIP_SCAN_OBJECT);
        return push(s, 0);
    case '[':
        value_start(s, DRIP_SCAN_ARRAY);
        return push(s, 1);
    case '"':
        value_start(s, DRIP_SCAN_STRING);
        s->priv.is_key = 0;
        memset(&s->priv.u, 0, sizeof s->priv.u);
        s->priv.u.edges = (uint8_t)(s->priv.cur != NO_SLOT && (s->priv.cur_flags & DRIP_SCAN_F_EDGES));
        if (s->priv.cur != NO_SLOT && (s->priv.cur_flags & DRIP_SCAN_F_PIECES) && s->sink != NULL) {
            int r = s->sink(s->sink_ctx, s->priv.cur, NULL, 0, DRIP_SCAN_BEGIN);
            if (r < 0) {
                return r;
            }
            s->priv.to_sink = (uint8_t)((r & DRIP_SCAN_TAKE) != 0);
            (void)sink_rc(s, r);
        }
        s->priv.state = S_STR;
        return 0;
    case 't':
    case 'f':
    case 'n':
        value_start(s, c == 't' ? DRIP_SCAN_TRUE : (c == 'f' ? DRIP_SCAN_FALSE : DRIP_SCAN_NULL));
        {
            const char *lit = c == 't' ? "true" : (c == 'f' ? "false" : "null");
            memcpy(s->priv.lit, lit, strlen(lit) + 1u);
        }
        s->priv.lit_len = 1;
        s->priv.state = S_LIT;
        return 0;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            value_start(s, DRIP_SCAN_NUMBER);
            (void)capture(s, &c, 1); /* numbers never go to the sink */
            s->priv.num_state = c == '-' ? N_SIGN : (c == '0' ? N_ZERO : N_INT);
            s->priv.state = S_NUM;
            return 0;
        }
        return DRIP_ERR_JSON_INVALID;
    }
}

/* One more byte of a number. Returns 1 if c belongs to it, 0 if it ends it,
 * or an error if the number is malformed. */
static int num_byte(drip_scan_t *s, uint8_t c)
{
    int digit = c >= '0' && c <= '9';
    uint8_t *ns = &s->priv.num_state;
    switch (*ns) {
    case N_SIGN:
        if (!digit) {
            return DRIP_ERR_JSON_INVALID;
        }
        *ns = c == '0' ? N_ZERO : N_INT;
        return 1;
    case N_ZERO:
    case N_INT:
        if (digit && *ns == N_INT) {
            return 1;
        }
        if (c == '.') {
            *ns = N_DOT;
            return 1;
        }
        if (c == 'e' || c == 'E') {
            *ns = N_E;
            return 1;
        }
        return digit ? DRIP_ERR_JSON_INVALID : 0; /* "01" is not JSON */
    case N_DOT:
        if (!digit) {
            return DRIP_ERR_JSON_INVALID;
        }
        *ns = N_FRAC;
        return 1;
    case N_FRAC:
        if (digit) {
            return 1;
        }
        if (c == 'e' || c == 'E') {
            *ns = N_E;
            return 1;
        }
        return 0;
    case N_E:
        if (c == '+' || c == '-') {
            *ns = N_ESIGN;
            return 1;
        }
        /* fall through */
    case N_ESIGN:
        if (!digit) {
            return DRIP_ERR_JSON_INVALID;
        }
        *ns = N_EXP;
        return 1;
    default: /* N_EXP */
        return digit ? 1 : 0;
    }
}

/* Decoded bytes of a key (kept to match) or of a value (captured). */
static int str_out(drip_scan_t *s, const uint8_t *b, size_t k)
{
    if (k == 0) {
        return 0;
    }
    if (!s->priv.is_key) {
        return capture(s, b, k);
    }
    if (s->priv.klen <= DRIP_SCAN_KEY_MAX && k <= (size_t)(DRIP_SCAN_KEY_MAX - s->priv.klen)) {
        memcpy(s->priv.kbuf + s->priv.klen, b, k);
        s->priv.klen = (uint8_t)(s->priv.klen + k);
    } else {
        s->priv.klen = DRIP_SCAN_KEY_MAX + 1; /* too long to match any key */
    }
    return 0;
}

/* Bytes of a string body; returns bytes consumed (stops after the closing
 * quote) or an error. */
static int str_bytes(drip_scan_t *s, const uint8_t *p, size_t n, size_t *adv)
{
    size_t i = 0;
    uint8_t out[DRIP_UNESC_OUT_MAX];

    while (i < n && !s->priv.paused) {
        uint8_t c;
        int k;
        if (s->priv.u.st == 0) {
            /* A run of plain bytes: no quote, backslash or control byte.
             * Skipped or copied in one go (the hot loop of the scanner). */
            size_t j = i;
            while (j < n && p[j] != '"' && p[j] != '\\' && p[j] >= 0x20u) {
                j++;
            }
            if (j > i) {
                int r = str_out(s, p + i, j - i);
                if (r < 0) {
                    return r;
                }
                s->priv.u.any = 1; /* a low surrogate after this is not at the start */
                i = j;
                continue;
            }
        }
        if (p[i] == '"' && (s->priv.u.st == 0 || s->priv.u.st == 6)) { /* 6: after a high surrogate */
            i++;
            k = drip_unesc_finish(&s->priv.u, out); /* what a pending high surrogate becomes */
            if (k < 0) {
                return DRIP_ERR_JSON_ESCAPE;
            }
            k = str_out(s, out, (size_t)k);
            if (k == 0 && s->priv.to_sink) {
                k = sink_rc(s, s->sink(s->sink_ctx, s->priv.cur, NULL, 0, DRIP_SCAN_END));
            }
            if (k < 0) {
                return k;
            }
            if (s->priv.is_key) {
                if (s->priv.depth <= DRIP_SCAN_KEYS) {
                    s->priv.key[s->priv.depth] = key_id(s);
                }
                s->priv.state = S_COLON;
            } else {
                value_end(s);
            }
            *adv = i;
            return 0;
        }
        c = p[i];
        k = drip_unesc_byte(&s->priv.u, c, out);
        if (k < 0) {
            return k;
        }
        i++;
        k = str_out(s, out, (size_t)k);
        if (k < 0) {
            return k;
        }
    }
    *adv = i;
    return 0;
}

drip_err_t drip_scan_feed(drip_scan_t *s, const uint8_t *p, size_t n)
{
    drip_err_t e;
    size_t used = 0;
    do {
        e = drip_scan_feed_part(s, p, n, &used);
        p += used;
        n -= used;
    } while (e == DRIP_OK && n > 0);
    return e;
}

void drip_scan_keep_all(drip_scan_t *s)
{
    if (s != NULL) {
        s->priv.num_keep = 0;
        s->priv.id_keep = 0;
    }
}

void drip_scan_stop(drip_scan_t *s, drip_err_t err)
{
    if (s != NULL && err < 0 && s->priv.err == 0) {
        s->priv.err = err;
    }
}

drip_err_t drip_scan_feed_part(drip_scan_t *s, const uint8_t *p, size_t n, size_t *used)
{
    size_t i = 0;
    int e = 0;

    if (used != NULL) {
        *used = 0;
    }
    if (s == NULL || s->cfg == NULL || used == NULL || (p == NULL && n > 0)) {
        return DRIP_ERR_ARG;
    }
    if (s->priv.err != 0) {
        return (drip_err_t)s->priv.err;
    }
    s->priv.paused = 0;
    while (i < n && e == 0 && !s->priv.paused) {
        uint8_t c = p[i];
        switch (s->priv.state) {
        case S_STR: {
            size_t adv = 0;
            e = str_bytes(s, p + i, n - i, &adv);
            i += adv;
            continue;
        }
        case S_NUM: {
            int r = num_byte(s, c);
            if (r < 0) {
                e = r;
            } else if (r == 1) {
                (void)capture(s, &c, 1);
                i++;
            } else {
                value_end(s); /* c is re-read as what follows the number */
            }
            continue;
        }
        case S_LIT:
            if (c != (uint8_t)s->priv.lit[s->priv.lit_len]) {
                e = DRIP_ERR_JSON_INVALID;
                continue;
            }
            i++;
            if (s->priv.lit[++s->priv.lit_len] == '\0') {
                value_end(s);
            }
            continue;
        default:
            break;
        }
        if (is_ws(c)) {
            i++;
            continue;
        }
        switch (s->priv.state) {
        case S_VALUE_OR_CLOSE:
            if (c == ']') {
                e = pop(s, 1);
                break;
            }
            /* fall through */
        case S_VALUE:
            e = begin_value(s, c);
            break;
        case S_KEY_OR_CLOSE:
            if (c == '}') {
                e = pop(s, 0);
                break;
            }
            /* fall through */
        case S_KEY:
            if (c != '"') {
                e = DRIP_ERR_JSON_INVALID;
                break;
            }
            s->priv.is_key = 1;
            s->priv.klen = 0;
            memset(&s->priv.u, 0, sizeof s->priv.u);
            s->priv.state = S_STR;
            break;
        case S_COLON:
            if (c != ':') {
                e = DRIP_ERR_JSON_INVALID;
                break;
            }
            s->priv.state = S_VALUE;
            break;
        case S_AFTER:
            if (c == ',') {
                int arr = (int)((s->priv.arr >> (s->priv.depth - 1u)) & 1u);
                s->priv.state = arr ? S_VALUE : S_KEY;
            } else if (c == '}' || c == ']') {
                e = pop(s, c == ']');
            } else {
                e = DRIP_ERR_JSON_INVALID;
            }
            break;
        default: /* S_END: only white space may follow */
            e = DRIP_ERR_JSON_INVALID;
            break;
        }
        if (e == 0) {
            i++;
        }
    }
    if (e != 0) {
        s->priv.err = e;
    }
    *used = i;
    return (drip_err_t)e;
}

drip_err_t drip_scan_finish(drip_scan_t *s)
{
    if (s == NULL) {
        return DRIP_ERR_ARG;
    }
    if (s->priv.err != 0) {
        return (drip_err_t)s->priv.err;
    }
    if (s->priv.state == S_NUM && s->priv.depth == 0 &&
        (s->priv.num_state == N_ZERO || s->priv.num_state == N_INT ||
         s->priv.num_state == N_FRAC || s->priv.num_state == N_EXP)) {
        s->priv.state = S_END; /* a root number ends with the input */
    }
    if (s->priv.state != S_END) {
        s->priv.err = DRIP_ERR_JSON_INVALID;
    }
    return (drip_err_t)s->priv.err;
}
