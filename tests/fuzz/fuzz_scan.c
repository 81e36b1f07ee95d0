/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_scan: the constant-memory JSON scanner (drip_scan) over any bytes,
 * against a recursive reference parser written here.
 *
 * Input: [split mode][split param] then the document.
 * The document is scanned twice, fed at once and in the pieces the control
 * bytes choose, with a fixed capture configuration (short keys the fuzzer
 * finds quickly, a 28-byte key at DRIP_SCAN_KEY_MAX, array elements, two
 * paths sharing a slot, presence and bulk flags, all four path levels).
 * Checked:
 *   - both runs give the same verdict and the same slots and arena bytes;
 *   - the verdict is the reference's: OK, or the first fault in document
 *     order: JSON_ESCAPE inside a string, JSON_DEPTH at the 65th level,
 *     JSON_INVALID for anything else;
 *   - for a valid document every slot (kind, offset, length, bytes stored,
 *     cut flag) and its arena bytes are what the reference computes: the
 *     last value at a path wins, keys and strings unescaped, numbers as written,
 *     containers and literals without bytes, the arena reserves honoured;
 *   - errors are sticky (later feeds and drip_scan_finish give the same code);
 *   - when drip_json_parse (jsmn) takes the document, drip_json_valid says
 *     valid exactly when the scanner does (the event decoder trusts it
 *     instead of scanning events that fit its buffer);      [json_valid]
 *   - no slot or view reaches past the arena; guard bytes after the input.
 */
#include <dripfeed/drip_scan.h>

#include "fuzz_common.h"

#define CTRL 2u
#define E DRIP_SCAN_ELEM
#define P DRIP_SCAN_F_PRESENCE
#define B DRIP_SCAN_F_BULK

/* key ids are 1-based */
enum { K_A = 1, K_B, K_C, K_D, K_TYPE, K_LONG, K_LONG29, K_NKEYS = K_LONG29 };
static const char *const k_keys[K_NKEYS] = {
    "a", "b", "c", "d", "type",
    "abcdefghijklmnopqrstuvwxyz01",  /* DRIP_SCAN_KEY_MAX bytes: can match */
    "abcdefghijklmnopqrstuvwxyz012", /* one more: never matches */
};
static const drip_scan_path_t k_paths[] = {
    {1, {K_A, 0, 0, 0}, 0, 0},
    {1, {K_B, 0, 0, 0}, 1, B},
    {1, {K_C, 0, 0, 0}, 2, P},
    {1, {K_TYPE, 0, 0, 0}, 3, 0},
    {1, {E, 0, 0, 0}, 4, 0},          /* elements of a root array */
    {1, {K_LONG, 0, 0, 0}, 5, 0},
    {1, {K_LONG29, 0, 0, 0}, 6, 0},
    {1, {K_D, 0, 0, 0}, 7, 0},        /* slot 7: two paths */
    {2, {K_B, K_D, 0, 0}, 7, 0},
    {2, {K_A, K_B, 0, 0}, 8, B},
    {2, {K_A, E, 0, 0}, 9, 0},
    {2, {K_C, K_C, 0, 0}, 10, P},
    {3, {K_A, E, K_B, 0}, 11, 0},
    {3, {K_A, K_A, K_A, 0}, 12, B},
    {4, {K_A, K_B, K_C, K_D}, 13, 0},
    {4, {K_A, E, E, K_TYPE}, 14, P | B},
    {4, {E, E, E, E}, 15, 0},
    {2, {K_TYPE, K_TYPE, 0, 0}, DRIP_SCAN_SLOTS - 1u, 0},
};
#define NPATHS (sizeof k_paths / sizeof k_paths[0])
static const drip_scan_cfg_t k_cfg = {k_keys, K_NKEYS, k_paths, (uint8_t)NPATHS};

/* The arena the harness lends the scanner (the library's own was 640 bytes
 * before the scanner took the caller's), and the reserves the scanner
 * keeps in it (drip_scan_init: the configured ones, at most 1/8 and 1/4). */
#define FZ_ARENA 640u
#define FZ_NUM_KEEP (FZ_ARENA / 8u < DRIP_SCAN_NUM_RESERVE ? FZ_ARENA / 8u : DRIP_SCAN_NUM_RESERVE)
#define FZ_ID_KEEP (FZ_ARENA / 4u < DRIP_SCAN_ID_RESERVE ? FZ_ARENA / 4u : DRIP_SCAN_ID_RESERVE)

/* A scanner and what it is lent. */
typedef struct lent {
    drip_scan_t s;
    drip_scan_slot_t slot[DRIP_SCAN_SLOTS];
    char arena[FZ_ARENA];
} lent_t;

/* ---- the reference ------------------------------------------------------ */

typedef struct ref {
    const uint8_t *p;
    size_t n, i;
    int err;                          /* first fault, 0 if none */
    int depth;
    uint8_t key[DRIP_SCAN_KEYS + 1];  /* key ids of the levels, E for arrays */
    drip_scan_slot_t slot[DRIP_SCAN_SLOTS];
    char arena[FZ_ARENA];
    size_t used;
} ref_t;

static int ref_ws(ref_t *r)
{
    while (r->i < r->n && (r->p[r->i] == ' ' || r->p[r->i] == '\t' || r->p[r->i] == '\n' ||
                           r->p[r->i] == '\r')) {
        r->i++;
    }
    return r->i < r->n;
}

static int ref_fail(ref_t *r, int e)
{
    if (r->err == 0) {
        r->err = e;
    }
    return -1;
}

/* The path (slot and flags) of a value starting at the current depth. */
static int ref_path(const ref_t *r, uint8_t *flags)
{
    size_t i;
    int d = r->depth;
    if (d == 0 || d > DRIP_SCAN_KEYS) {
        return -1;
    }
    for (i = 0; i < NPATHS; i++) {
        if (k_paths[i].depth == d && memcmp(k_paths[i].key, &r->key[1], (size_t)d) == 0) {
            *flags = k_paths[i].flags;
            return k_paths[i].slot;
        }
    }
    return -1;
}

static void ref_capture(ref_t *r, int slot, uint8_t flags, uint8_t kind, const uint8_t *b,
                        size_t len)
{
    drip_scan_slot_t *sl;
    size_t room, keep = 0, k;
    if (slot < 0) {
        return;
    }
    sl = &r->slot[slot];
    memset(sl, 0, sizeof *sl);
    sl->kind = kind;
    sl->off = (uint16_t)r->used;
    sl->len = (uint16_t)(len > 0xFFFFu ? 0xFFFFu : len);
    if ((flags & P) || len == 0) {
        return;
    }
    room = FZ_ARENA - r->used;
    if (kind != DRIP_SCAN_NUMBER) {
        keep = FZ_NUM_KEEP + ((flags & B) ? FZ_ID_KEEP : 0u);
        room = room > keep ? room - keep : 0;
    }
    k = len < room ? len : room;
    sl->cut = len > room;
    memcpy(r->arena + r->used, b, k);
    r->used += k;
    sl->stored = (uint16_t)k;
}

static int hexv(uint8_t c)
{
    return (c >= '0' && c <= '9') ? c - '0'
           : (c >= 'a' && c <= 'f') ? c - 'a' + 10
           : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

/* Four hex digits of \u at r->i; -1 on a fault (EOF: INVALID, else ESCAPE). */
static long ref_hex4(ref_t *r)
{
    long v = 0;
    int j;
    for (j = 0; j < 4; j++) {
        int h;
        if (r->i >= r->n) {
            return ref_fail(r, DRIP_ERR_JSON_INVALID);
        }
        h = hexv(r->p[r->i++]);
        if (h < 0) {
            return ref_fail(r, DRIP_ERR_JSON_ESCAPE);
        }
        v = v * 16 + h;
    }
    return v;
}

static size_t put_utf8(uint8_t *o, uint32_t cp)
{
    if (cp < 0x80u) {
        o[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800u) {
        o[0] = (uint8_t)(0xC0u | (cp >> 6));
        o[1] = (uint8_t)(0x80u | (cp & 0x3Fu));
        return 2;
    }
    if (cp < 0x10000u) {
        o[0] = (uint8_t)(0xE0u | (cp >> 12));
        o[1] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
        o[2] = (uint8_t)(0x80u | (cp & 0x3Fu));
        return 3;
    }
    o[0] = (uint8_t)(0xF0u | (cp >> 18));
    o[1] = (uint8_t)(0x80u | ((cp >> 12) & 0x3Fu));
    o[2] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
    o[3] = (uint8_t)(0x80u | (cp & 0x3Fu));
    return 4;
}

/* A string (r->i just after the opening quote), decoded into out (room for
 * r->n bytes). Returns its length or -1. Faults inside: ESCAPE; EOF: INVALID. */
static long ref_string(ref_t *r, uint8_t *out)
{
    size_t w = 0;
    for (;;) {
        uint8_t c;
        long v;
        if (r->i >= r->n) {
            return ref_fail(r, DRIP_ERR_JSON_INVALID);
        }
        c = r->p[r->i++];
        if (c == '"') {
            return (long)w;
        }
        if (c < 0x20u) {
            return ref_fail(r, DRIP_ERR_JSON_ESCAPE);
        }
        if (c != '\\') {
            out[w++] = c;
            continue;
        }
        if (r->i >= r->n) {
            return ref_fail(r, DRIP_ERR_JSON_INVALID);
        }
        c = r->p[r->i++];
        switch (c) {
        case '"': case '\\': case '/': out[w++] = c; continue;
        case 'b': out[w++] = 8; continue;
        case 'f': out[w++] = 12; continue;
        case 'n': out[w++] = 10; continue;
        case 'r': out[w++] = 13; continue;
        case 't': out[w++] = 9; continue;
        case 'u': break;
        default: return ref_fail(r, DRIP_ERR_JSON_ESCAPE);
        }
        if ((v = ref_hex4(r)) < 0) {
            return -1;
        }
        /* a pair joins; an unpaired half is U+FFFD (drip_json.h) and what
         * follows it is read as usual */
        if (v >= 0xD800 && v <= 0xDBFF) {
            long lo = -1;
            int j;
            if (r->i + 6 <= r->n && r->p[r->i] == '\\' && r->p[r->i + 1] == 'u') {
                lo = 0;
                for (j = 2; j < 6 && lo >= 0; j++) {
                    int h = hexv(r->p[r->i + (size_t)j]);
                    lo = h < 0 ? -1 : lo * 16 + h;
                }
            }
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                r->i += 6;
                v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
            } else {
                v = 0xFFFD;
            }
        } else if (v >= 0xDC00 && v <= 0xDFFF) {
            v = 0xFFFD;
        }
        w += put_utf8(out + w, (uint32_t)v);
    }
}

static int is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

/* A number at r->i; returns 0 or -1. A number ends at any other byte. */
static int ref_number(ref_t *r)
{
    size_t i = r->i;
#define AT_DIGIT() (i < r->n && is_digit(r->p[i]))
    if (i < r->n && r->p[i] == '-') {
        i++;
    }
    if (!AT_DIGIT()) {
        r->i = i;
        return ref_fail(r, DRIP_ERR_JSON_INVALID);
    }
    if (r->p[i] == '0') {
        i++;
        if (AT_DIGIT()) {
            r->i = i;
            return ref_fail(r, DRIP_ERR_JSON_INVALID); /* 01 */
        }
    } else {
        while (AT_DIGIT()) {
            i++;
        }
    }
    if (i < r->n && r->p[i] == '.') {
        i++;
        if (!AT_DIGIT()) {
            r->i = i;
            return ref_fail(r, DRIP_ERR_JSON_INVALID);
        }
        while (AT_DIGIT()) {
            i++;
        }
    }
    if (i < r->n && (r->p[i] == 'e' || r->p[i] == 'E')) {
        i++;
        if (i < r->n && (r->p[i] == '+' || r->p[i] == '-')) {
            i++;
        }
        if (!AT_DIGIT()) {
            r->i = i;
            return ref_fail(r, DRIP_ERR_JSON_INVALID);
        }
        while (AT_DIGIT()) {
            i++;
        }
    }
#undef AT_DIGIT
    r->i = i;
    return 0;
}

static int ref_value(ref_t *r, uint8_t *tmp);

static int ref_container(ref_t *r, uint8_t *tmp, int array)
{
    int d;
    if (r->depth >= DRIP_SCAN_MAX_DEPTH) {
        return ref_fail(r, DRIP_ERR_JSON_DEPTH);
    }
    d = ++r->depth;
    if (d <= DRIP_SCAN_KEYS) {
        r->key[d] = array ? E : 0;
    }
    r->i++; /* the bracket */
    if (!ref_ws(r)) {
        return ref_fail(r, DRIP_ERR_JSON_INVALID);
    }
    if (r->p[r->i] == (array ? ']' : '}')) {
        r->i++;
        r->depth--;
        return 0;
    }
    for (;;) {
        if (!array) {
            long kl;
            if (r->p[r->i] != '"') {
                return ref_fail(r, DRIP_ERR_JSON_INVALID);
            }
            r->i++;
            kl = ref_string(r, tmp);
            if (kl < 0) {
                return -1;
            }
            if (d <= DRIP_SCAN_KEYS) {
                uint8_t id = 0, k;
                for (k = 0; k < K_NKEYS; k++) {
                    if (strlen(k_keys[k]) == (size_t)kl && (size_t)kl <= DRIP_SCAN_KEY_MAX &&
                        memcmp(k_keys[k], tmp, (size_t)kl) == 0) {
                        id = (uint8_t)(k + 1u);
                        break;
                    }
                }
                r->key[d] = id;
            }
            if (!ref_ws(r) || r->p[r->i] != ':') {
                return ref_fail(r, DRIP_ERR_JSON_INVALID);
            }
            r->i++;
            if (!ref_ws(r)) {
                return ref_fail(r, DRIP_ERR_JSON_INVALID);
            }
        }
        if (ref_value(r, tmp) < 0) {
            return -1;
        }
        if (!ref_ws(r)) {
            return ref_fail(r, DRIP_ERR_JSON_INVALID);
        }
        if (r->p[r->i] == ',') {
            r->i++;
            if (!ref_ws(r)) {
                return ref_fail(r, DRIP_ERR_JSON_INVALID);
            }
            continue;
        }
        if (r->p[r->i] != (array ? ']' : '}')) {
            return ref_fail(r, DRIP_ERR_JSON_INVALID);
        }
        r->i++;
        r->depth--;
        return 0;
    }
}

/* A value at r->i (not white space, not EOF). */
static int ref_value(ref_t *r, uint8_t *tmp)
{
    uint8_t c = r->p[r->i], flags = 0;
    int slot = ref_path(r, &flags);
    switch (c) {
    case '{':
    case '[':
        ref_capture(r, slot, flags, c == '{' ? DRIP_SCAN_OBJECT : DRIP_SCAN_ARRAY, NULL, 0);
        return ref_container(r, tmp, c == '[');
    case '"': {
        long len;
        r->i++;
        len = ref_string(r, tmp);
        if (len < 0) {
            return -1;
        }
        ref_capture(r, slot, flags, DRIP_SCAN_STRING, tmp, (size_t)len);
        return 0;
    }
    case 't':
    case 'f':
    case 'n': {
        const char *lit = c == 't' ? "true" : (c == 'f' ? "false" : "null");
        size_t k;
        for (k = 0; lit[k] != '\0'; k++, r->i++) {
            if (r->i >= r->n || r->p[r->i] != (uint8_t)lit[k]) {
                return ref_fail(r, DRIP_ERR_JSON_INVALID);
            }
        }
        ref_capture(r, slot, flags,
                    c == 't' ? DRIP_SCAN_TRUE : (c == 'f' ? DRIP_SCAN_FALSE : DRIP_SCAN_NULL),
                    NULL, 0);
        return 0;
    }
    default: {
        size_t start = r->i;
        if (ref_number(r) < 0) {
            return -1;
        }
        ref_capture(r, slot, flags, DRIP_SCAN_NUMBER, r->p + start, r->i - start);
        return 0;
    }
    }
}

static void ref_run(ref_t *r, const uint8_t *p, size_t n, uint8_t *tmp)
{
    memset(r, 0, sizeof *r);
    r->p = p;
    r->n = n;
    if (!ref_ws(r)) {
        (void)ref_fail(r, DRIP_ERR_JSON_INVALID);
        return;
    }
    if (ref_value(r, tmp) < 0) {
        return;
    }
    if (ref_ws(r)) {
        (void)ref_fail(r, DRIP_ERR_JSON_INVALID);
    }
}

/* ---- the scanner runs -------------------------------------------------- */

/* Scan p[0..n): in pieces cut by `split` (NULL: at once). first > 0: the
 * arena is the buffer the document starts in, as drip_stream's oversize
 * events (the SSE buffer holds the first `first` bytes, the rest comes
 * from elsewhere): captures must not overtake the reading. */
static int scan_run(lent_t *l, const uint8_t *p, size_t n, fz_split_t *split, size_t first)
{
    drip_scan_t *s = &l->s;
    size_t off = 0;
    int e = DRIP_OK, sticky = DRIP_OK, end;
    FZ_CHECK(drip_scan_init(s, &k_cfg, l->slot, DRIP_SCAN_SLOTS, l->arena, sizeof l->arena) ==
                 DRIP_OK,
             "begin");
    if (first > 0) {
        memcpy(l->arena, p, first);
    }
    while (off < n) {
        size_t k = off < first ? first - off : (split ? fz_split_next(split, n - off) : n - off);
        e = drip_scan_feed(s, off < first ? (const uint8_t *)l->arena + off : p + off, k);
        FZ_CHECK(e == DRIP_OK || e == DRIP_ERR_JSON_INVALID || e == DRIP_ERR_JSON_ESCAPE ||
                     e == DRIP_ERR_JSON_DEPTH,
                 "feed returned %d", e);
        FZ_CHECK(sticky == DRIP_OK || e == sticky, "error %d not sticky: %d", sticky, e);
        sticky = e;
        off += k;
    }
    if (sticky != DRIP_OK) {
        FZ_CHECK(drip_scan_feed(s, (const uint8_t *)"{}", 2) == sticky, "error not sticky");
    }
    end = drip_scan_finish(s);
    FZ_CHECK(sticky == DRIP_OK || end == sticky, "end %d after feed error %d", end, sticky);
    FZ_CHECK(drip_scan_finish(s) == end, "end not sticky");
    return end;
}

static void check_slots(const char *what, const lent_t *l)
{
    const drip_scan_t *s = &l->s;
    unsigned i;
    for (i = 0; i < DRIP_SCAN_SLOTS; i++) {
        const drip_scan_slot_t *sl = &s->slot[i];
        drip_str_t v = drip_scan_str(s, i);
        FZ_CHECK((size_t)sl->off + sl->stored <= FZ_ARENA, "%s: slot %u [%u,+%u) past the arena",
                 what, i, sl->off, sl->stored);
        FZ_CHECK(sl->stored <= sl->len, "%s: slot %u stored %u > len %u", what, i, sl->stored, sl->len);
        if (v.p != NULL) {
            FZ_CHECK(fz_inside(v.p, v.n, l->arena, sizeof l->arena), "%s: view of slot %u", what,
                     i);
        }
    }
    FZ_CHECK(drip_scan_str(s, DRIP_SCAN_SLOTS).p == NULL, "view of a slot past the table");
}

static int same_slots(const drip_scan_slot_t *a, const char *aa, const drip_scan_slot_t *b,
                      const char *ba, unsigned *bad)
{
    unsigned i;
    for (i = 0; i < DRIP_SCAN_SLOTS; i++) {
        if (a[i].kind != b[i].kind || a[i].kind == DRIP_SCAN_NONE) {
            if (a[i].kind != b[i].kind) {
                *bad = i;
                return 0;
            }
            continue;
        }
        if (a[i].off != b[i].off || a[i].len != b[i].len || a[i].stored != b[i].stored ||
            a[i].cut != b[i].cut ||
            (a[i].stored > 0 && memcmp(aa + a[i].off, ba + b[i].off, a[i].stored) != 0)) {
            *bad = i;
            return 0;
        }
    }
    return 1;
}

static void print_slot(const char *name, const drip_scan_slot_t *s, const char *arena)
{
    fprintf(stderr, "  %s: kind %u off %u len %u stored %u cut %u \"%.*s\"\n", name, s->kind,
            s->off, s->len, s->stored, s->cut, (int)s->stored, arena + s->off);
}

/* Run x (named what) gave the verdict and slots of the run fed at once. */
static void same_run(const lent_t *a, int ea, const char *what, const lent_t *x, int ex)
{
    unsigned bad = 0;
    check_slots(what, x);
    FZ_CHECK(ea == ex, "verdicts differ: at once %d, %s %d", ea, what, ex);
    if (ea == DRIP_OK && !same_slots(a->slot, a->arena, x->slot, x->arena, &bad)) {
        print_slot("at once", &a->slot[bad], a->arena);
        print_slot(what, &x->slot[bad], x->arena);
        FZ_CHECK(0, "slot %u differs between the run at once and %s", bad, what);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
    static lent_t a, b, c;
    static ref_t ref;
    fz_split_t split;
    uint8_t *data, *tmp;
    size_t n;
    int ea, eb;
    unsigned bad = 0;

    if (size < CTRL) {
        return 0;
    }
    n = size - CTRL;
    data = fz_dup_guarded(in + CTRL, n);
    tmp = (uint8_t *)malloc(n + 4u);

    ea = scan_run(&a, data, n, NULL, 0);
    fz_split_init(&split, in[0], in[1]);
    eb = scan_run(&b, data, n, &split, 0);
    check_slots("at once", &a);
    same_run(&a, ea, "in pieces", &b, eb);
    if (!fz_skip("in_place")) { /* the arena is the buffer the document starts in */
        size_t first = ((size_t)in[0] << 8 | in[1]) % (FZ_ARENA + 1u);
        int ec;
        fz_split_init(&split, in[1], in[0]);
        ec = scan_run(&c, data, n, &split, first < n ? first : n);
        same_run(&a, ea, "in place", &c, ec);
    }

    ref_run(&ref, data, n, tmp);
    FZ_CHECK(ea == ref.err, "scanner says %d (%s), the reference %d (%s) at byte %zu", ea,
             drip_err_str(ea), ref.err, drip_err_str(ref.err), ref.i);
    if (ea == DRIP_OK && !same_slots(a.slot, a.arena, ref.slot, ref.arena, &bad)) {
        print_slot("scanner", &a.slot[bad], a.arena);
        print_slot("reference", &ref.slot[bad], ref.arena);
        FZ_CHECK(0, "slot %u differs from the reference", bad);
    }
    if (!fz_skip("json_valid")) {
        jsmntok_t *tok = (jsmntok_t *)malloc((n + 1u) * sizeof *tok);
        drip_json_t j;
        if (drip_json_parse(&j, (char *)data, n, tok, (unsigned)n + 1u) == DRIP_OK) {
            int v = drip_json_valid(&j, DRIP_SCAN_MAX_DEPTH);
            FZ_CHECK(v == (ea == DRIP_OK), "drip_json_valid says %d, the scanner %d (%s)", v, ea,
                     drip_err_str(ea));
        }
        free(tok);
    }
    fz_guard_check(data + n, FZ_GUARD, "the input");
    free(tmp);
    free(data);
    return 0;
}
