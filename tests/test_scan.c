/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the constant-memory JSON scanner (layer 4b), with a
 * configuration of our own: captures by key path, grammar (RFC 8259), depth
 * limit, split invariance, a 1 MB document, and agreement with jsmn. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"
#include "dripfeed/drip_err.h"
#include "dripfeed/drip_json.h"
#include "dripfeed/drip_scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- configuration ------------------------------------------------------ */

enum {
    K_TYPE = 1, K_ID, K_RESPONSE, K_USAGE, K_INPUT_TOKENS, K_OUTPUT, K_A, K_B, K_C, K_D,
    K_FLAG, K_NOTHING, K_OBJ, K_ARR, K_NUM, K_PRES, K_K28, K_K29, K_TEXT, K_STATUS, K_GRID,
    K_PNUM
};

#define KEY28 "k234567890123456789012345678"
#define KEY29 "k2345678901234567890123456789"

static const char *const k_keys[] = {
    "type", "id", "response", "usage", "input_tokens", "output", "a", "b", "c", "d",
    "flag", "nothing", "obj", "arr", "num", "pres", KEY28, KEY29, "text", "status", "grid",
    "pnum",
};

enum {
    S_TYPE, S_RESP_ID, S_IN_TOK, S_ABCD, S_OUT_ID, S_ARR_ELEM, S_FLAG, S_NOTHING, S_OBJ, S_ARR,
    S_NUM, S_PRES, S_K28, S_K29, S_TEXT, S_STATUS, S_RESP_STATUS, S_A, S_ABC, S_AB, S_GRID,
    S_PNUM, S_COUNT
};

#define E DRIP_SCAN_ELEM
#define P DRIP_SCAN_F_PRESENCE
static const drip_scan_path_t k_paths[] = {
    {1, {K_TYPE, 0, 0, 0}, S_TYPE, 0},
    {2, {K_RESPONSE, K_ID, 0, 0}, S_RESP_ID, 0},
    {3, {K_RESPONSE, K_USAGE, K_INPUT_TOKENS, 0}, S_IN_TOK, 0},
    {4, {K_A, K_B, K_C, K_D}, S_ABCD, 0},
    {3, {K_OUTPUT, E, K_ID, 0}, S_OUT_ID, 0},
    {2, {K_ARR, E, 0, 0}, S_ARR_ELEM, 0},
    {1, {K_FLAG, 0, 0, 0}, S_FLAG, 0},
    {1, {K_NOTHING, 0, 0, 0}, S_NOTHING, 0},
    {1, {K_OBJ, 0, 0, 0}, S_OBJ, 0},
    {1, {K_ARR, 0, 0, 0}, S_ARR, 0},
    {1, {K_NUM, 0, 0, 0}, S_NUM, 0},
    {1, {K_PRES, 0, 0, 0}, S_PRES, P},
    {1, {K_K28, 0, 0, 0}, S_K28, 0},
    {1, {K_K29, 0, 0, 0}, S_K29, 0},
    {1, {K_TEXT, 0, 0, 0}, S_TEXT, 0},
    {1, {K_STATUS, 0, 0, 0}, S_STATUS, 0},
    {2, {K_RESPONSE, K_STATUS, 0, 0}, S_RESP_STATUS, 0},
    {1, {K_A, 0, 0, 0}, S_A, 0},
    {3, {K_A, K_B, K_C, 0}, S_ABC, 0},
    {2, {K_A, K_B, 0, 0}, S_AB, 0},
    {4, {K_GRID, E, E, E}, S_GRID, 0},
    {1, {K_PNUM, 0, 0, 0}, S_PNUM, P},
};
#undef E
#undef P

static const drip_scan_cfg_t k_cfg = {
    k_keys, (uint8_t)(sizeof k_keys / sizeof k_keys[0]), k_paths,
    (uint8_t)(sizeof k_paths / sizeof k_paths[0])};

/* presence-only slots: their bytes are never stored */
static int is_presence_slot(unsigned i)
{
    return i == S_PRES || i == S_PNUM;
}

/* ---- text buffer ------------------------------------------------------------ */

static void sb_esc(th_buf_t *b, const void *v, size_t n)
{
    const uint8_t *p = v;
    size_t i;
    for (i = 0; i < n; i++) {
        if (p[i] < 0x20u || p[i] > 0x7Eu || p[i] == '%') {
            th_buf_fmt(b, "%%%02X", p[i]);
        } else {
            th_buf_add(b, &p[i], 1);
        }
    }
}

/* ---- scanning helpers ---------------------------------------------------------- */

#define GUARD 64
#define GUARD_BYTE 0xA5u

/* The arena the tests lend the scanner (the library's own was 640 bytes
 * before the scanner took the caller's). */
#define TEST_ARENA 640

/* The scanner, its slots and its arena, with guard bytes after them. */
typedef struct guarded {
    drip_scan_t s;
    drip_scan_slot_t slot[DRIP_SCAN_SLOTS];
    char arena[TEST_ARENA];
    uint8_t guard[GUARD];
} guarded_t;

static void guard_init(guarded_t *g)
{
    memset(g, GUARD_BYTE, sizeof *g);
}

static void guard_check(const guarded_t *g)
{
    size_t i;
    assert_true(g->s.priv.used <= sizeof g->arena);
    for (i = 0; i < GUARD; i++) {
        if (g->guard[i] != GUARD_BYTE) {
            fail_msg("scanner wrote past its struct: guard[%zu] = 0x%02X", i, g->guard[i]);
        }
    }
}

enum { SPLIT_WHOLE, SPLIT_BYTE, SPLIT_AT, SPLIT_RANDOM };

typedef struct split {
    int kind;
    size_t at;
    uint32_t seed;
} split_t;

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
    default:
        r = th_rand(rng);
        switch (r & 3u) {
        case 0: k = (r >> 8) % 3u; break; /* 0..2: empty feeds too */
        case 1: k = 1 + (r >> 8) % 16u; break;
        case 2: k = 1 + (r >> 8) % 300u; break;
        default: k = 1 + (r >> 8) % 4000u; break;
        }
        return k < rest ? k : rest;
    }
}

/* Scan doc[0..n) cut as `sp`: each piece is copied to a scratch buffer that is
 * clobbered after the feed, so the scanner cannot keep pointers into its input.
 * Returns the first error of feed or end (checking that it is sticky). */
static drip_err_t scan_split(guarded_t *g, const drip_scan_cfg_t *cfg, const void *doc, size_t n,
                             const split_t *sp)
{
    static uint8_t scratch[8192];
    const uint8_t *d = doc;
    size_t off = 0;
    uint32_t rng = sp->seed ? sp->seed : 1u;
    int first = 1;
    drip_err_t e;

    guard_init(g);
    assert_int_equal(
        drip_scan_init(&g->s, cfg, g->slot, DRIP_SCAN_SLOTS, g->arena, sizeof g->arena), DRIP_OK);
    while (off < n || first) {
        size_t len = next_piece(sp, &rng, off, n);
        first = 0;
        if (len <= sizeof scratch) {
            memcpy(scratch, d + off, len);
            e = drip_scan_feed(&g->s, scratch, len);
            memset(scratch, 0x5A, len);
        } else {
            e = drip_scan_feed(&g->s, d + off, len);
        }
        guard_check(g);
        if (e != DRIP_OK) {
            assert_true(e < 0);
            /* sticky */
            assert_int_equal(drip_scan_feed(&g->s, (const uint8_t *)"{}", 2), e);
            assert_int_equal(drip_scan_finish(&g->s), e);
            assert_int_equal(drip_scan_finish(&g->s), e);
            return e;
        }
        off += len;
    }
    e = drip_scan_finish(&g->s);
    guard_check(g);
    return e;
}

static drip_err_t scan_whole(guarded_t *g, const char *doc)
{
    split_t sp = {SPLIT_WHOLE, 0, 0};
    return scan_split(g, &k_cfg, doc, strlen(doc), &sp);
}

/* Canonical text of the error and every captured slot. */
static char *dump(const guarded_t *g, drip_err_t e)
{
    th_buf_t b = {0};
    unsigned i;
    th_buf_fmt(&b, "err %d\n", (int)e);
    for (i = 0; i < DRIP_SCAN_SLOTS; i++) {
        const drip_scan_slot_t *sl = &g->s.slot[i];
        if (sl->kind == DRIP_SCAN_NONE) {
            continue;
        }
        th_buf_fmt(&b, "%u kind=%u len=%u cut=%u off=%u ", i, sl->kind, sl->len, sl->cut, sl->off);
        if (!is_presence_slot(i)) {
            drip_str_t v = drip_scan_str(&g->s, i);
            if (v.p == NULL) {
                th_buf_str(&b, "-");
            } else {
                sb_esc(&b, v.p, v.n);
            }
        }
        th_buf_str(&b, "\n");
    }
    return b.p;
}

static void expect_slot_str(const guarded_t *g, unsigned slot, int kind, const void *want, size_t n)
{
    drip_str_t v = drip_scan_str(&g->s, slot);
    if (g->s.slot[slot].kind != kind) {
        fail_msg("slot %u: kind %u, want %d", slot, g->s.slot[slot].kind, kind);
    }
    assert_non_null(v.p);
    if (v.n != n || memcmp(v.p, want, n) != 0) {
        fail_msg("slot %u: \"%.*s\" (%zu bytes), want \"%.*s\"", slot, (int)v.n, v.p, v.n, (int)n,
                 (const char *)want);
    }
    assert_int_equal(g->s.slot[slot].len, n);
    assert_int_equal(g->s.slot[slot].cut, 0);
}

static void expect_slot(const guarded_t *g, unsigned slot, const char *want)
{
    expect_slot_str(g, slot, DRIP_SCAN_STRING, want, strlen(want));
}

static void expect_kind(const guarded_t *g, unsigned slot, int kind)
{
    if (g->s.slot[slot].kind != kind) {
        fail_msg("slot %u: kind %u, want %d", slot, g->s.slot[slot].kind, kind);
    }
    if (kind != DRIP_SCAN_STRING && kind != DRIP_SCAN_NUMBER) {
        assert_null(drip_scan_str(&g->s, slot).p);
    }
}

/* The same document, cut every way, gives the same dump. Returns the error. */
static drip_err_t check_splits(const char *doc, size_t n, int every_point, int seeds)
{
    static guarded_t g;
    split_t sp = {SPLIT_WHOLE, 0, 0};
    drip_err_t e0, e;
    char *ref, *got;
    size_t k;
    int s;

    e0 = scan_split(&g, &k_cfg, doc, n, &sp);
    ref = dump(&g, e0);
    for (k = 0; k < (every_point ? n + 3 : (size_t)seeds + 1); k++) {
        if (k == 0) {
            sp.kind = SPLIT_BYTE;
        } else if (every_point && k <= n + 1) {
            sp.kind = SPLIT_AT;
            sp.at = k - 1;
        } else {
            sp.kind = SPLIT_RANDOM;
            s = (int)k;
            sp.seed = (uint32_t)s * 2654435761u;
        }
        e = scan_split(&g, &k_cfg, doc, n, &sp);
        got = dump(&g, e);
        if (strcmp(ref, got) != 0) {
            fail_msg("split %d/%zu/%u differs:\n--- whole:\n%s--- split:\n%s", sp.kind, sp.at,
                     (unsigned)sp.seed, ref, got);
        }
        free(got);
    }
    free(ref);
    return e0;
}

/* ---- captures ------------------------------------------------------------------- */

static void test_capture_depths(void **state)
{
    static guarded_t g;
    static const char doc[] =
        "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"status\":\"completed\","
        "\"usage\":{\"input_tokens\":123}},\"a\":{\"b\":{\"c\":{\"d\":\"deep4\",\"e\":1}}},"
        "\"status\":\"done\"}";
    (void)state;
    assert_int_equal(scan_whole(&g, doc), DRIP_OK);
    expect_slot(&g, S_TYPE, "response.completed");                     /* depth 1 */
    expect_slot(&g, S_RESP_ID, "resp_1");                              /* depth 2 */
    expect_slot_str(&g, S_IN_TOK, DRIP_SCAN_NUMBER, "123", 3);         /* depth 3 */
    expect_slot(&g, S_ABCD, "deep4");                                  /* depth 4 */
    expect_slot(&g, S_STATUS, "done");
    expect_slot(&g, S_RESP_STATUS, "completed");
    expect_kind(&g, S_A, DRIP_SCAN_OBJECT);
    expect_kind(&g, S_AB, DRIP_SCAN_OBJECT);
    expect_kind(&g, S_ABC, DRIP_SCAN_OBJECT);
    expect_kind(&g, S_OUT_ID, DRIP_SCAN_NONE);
    check_splits(doc, sizeof doc - 1, 1, 20);
}

static void test_capture_wrong_depth(void **state)
{
    static guarded_t g;
    (void)state;
    /* a key at another depth is not the path */
    assert_int_equal(scan_whole(&g, "{\"x\":{\"type\":\"inner\"},\"type\":\"outer\"}"), DRIP_OK);
    expect_slot(&g, S_TYPE, "outer");
    assert_int_equal(scan_whole(&g, "{\"x\":{\"type\":\"inner\"}}"), DRIP_OK);
    expect_kind(&g, S_TYPE, DRIP_SCAN_NONE);
    assert_int_equal(scan_whole(&g, "{\"usage\":{\"input_tokens\":5}}"), DRIP_OK);
    expect_kind(&g, S_IN_TOK, DRIP_SCAN_NONE);
    assert_int_equal(scan_whole(&g, "{\"response\":{\"x\":{\"id\":\"no\"}}}"), DRIP_OK);
    expect_kind(&g, S_RESP_ID, DRIP_SCAN_NONE);
    /* an array where an object member is expected */
    assert_int_equal(scan_whole(&g, "{\"response\":[{\"id\":\"no\"}]}"), DRIP_OK);
    expect_kind(&g, S_RESP_ID, DRIP_SCAN_NONE);
    /* the root is not a member */
    assert_int_equal(scan_whole(&g, "[\"type\",{\"type\":\"in-array\"}]"), DRIP_OK);
    expect_kind(&g, S_TYPE, DRIP_SCAN_NONE);
    /* deeper than DRIP_SCAN_KEYS: the depth-4 object is captured as a kind,
     * nothing below it */
    assert_int_equal(scan_whole(&g, "{\"a\":{\"b\":{\"c\":{\"d\":{\"d\":\"x\",\"a\":\"y\"}}}}}"),
                     DRIP_OK);
    expect_kind(&g, S_ABCD, DRIP_SCAN_OBJECT);
    expect_kind(&g, S_A, DRIP_SCAN_OBJECT);
    assert_int_equal(g.s.priv.used, 0);
    /* keys of nested objects do not leak into their parent's path */
    assert_int_equal(scan_whole(&g, "{\"response\":{\"usage\":{\"x\":1},\"id\":\"r\"},\"id\":\"top\"}"),
                     DRIP_OK);
    expect_slot(&g, S_RESP_ID, "r");
    assert_int_equal(
        scan_whole(&g, "{\"response\":{\"usage\":{\"id\":\"nested\"},\"input_tokens\":9}}"),
        DRIP_OK);
    expect_kind(&g, S_RESP_ID, DRIP_SCAN_NONE);
    expect_kind(&g, S_IN_TOK, DRIP_SCAN_NONE);
}

static void test_capture_through_arrays(void **state)
{
    static guarded_t g;
    static const char doc[] = "{\"output\":[{\"type\":\"reasoning\",\"id\":\"rs_1\"}],\"arr\":[\"x\"],"
                              "\"grid\":[[[7]]],\"type\":\"t\"}";
    (void)state;
    assert_int_equal(scan_whole(&g, doc), DRIP_OK);
    expect_slot(&g, S_OUT_ID, "rs_1");
    expect_slot(&g, S_ARR_ELEM, "x");
    expect_kind(&g, S_ARR, DRIP_SCAN_ARRAY);
    expect_slot_str(&g, S_GRID, DRIP_SCAN_NUMBER, "7", 1);
    expect_slot(&g, S_TYPE, "t"); /* output[0].type is not the top-level type */
    check_splits(doc, sizeof doc - 1, 1, 20);

    /* elements after the first: each element is captured in turn, the last wins */
    assert_int_equal(scan_whole(&g, "{\"arr\":[1,\"two\",\"three\"]}"), DRIP_OK);
    expect_slot(&g, S_ARR_ELEM, "three");
    assert_int_equal(scan_whole(&g, "{\"arr\":[\"one\",{\"x\":1},true]}"), DRIP_OK);
    expect_kind(&g, S_ARR_ELEM, DRIP_SCAN_TRUE);
    assert_int_equal(scan_whole(&g, "{\"output\":[{\"x\":1},{\"id\":\"second\"},{\"y\":2}]}"),
                     DRIP_OK);
    expect_slot(&g, S_OUT_ID, "second");
    assert_int_equal(scan_whole(&g, "{\"grid\":[[[1]],[[2,3],[9]],[[4]]]}"), DRIP_OK);
    expect_slot_str(&g, S_GRID, DRIP_SCAN_NUMBER, "4", 1);
    /* an object where the path says array: no element */
    assert_int_equal(scan_whole(&g, "{\"arr\":{\"x\":\"no\"},\"output\":{\"id\":\"no\"}}"), DRIP_OK);
    expect_kind(&g, S_ARR, DRIP_SCAN_OBJECT);
    expect_kind(&g, S_ARR_ELEM, DRIP_SCAN_NONE);
    expect_kind(&g, S_OUT_ID, DRIP_SCAN_NONE);
    /* empty arrays */
    assert_int_equal(scan_whole(&g, "{\"arr\":[],\"output\":[],\"grid\":[[],[[]]]}"), DRIP_OK);
    expect_kind(&g, S_ARR, DRIP_SCAN_ARRAY);
    expect_kind(&g, S_ARR_ELEM, DRIP_SCAN_NONE);
    expect_kind(&g, S_GRID, DRIP_SCAN_NONE);
}

static void test_strings_unescaped(void **state)
{
    static guarded_t g;
    static const char doc[] = "{\"text\":\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\u20AC\\ud83d\\ude00\\u0000z\","
                              "\"t\\u0079pe\":\"esc-key\",\"status\":\"\xE2\x80\x99raw\"}";
    static const char want[] = "a\"b\\c/d\n\t\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\0z";
    (void)state;
    assert_int_equal(scan_whole(&g, doc), DRIP_OK);
    expect_slot_str(&g, S_TEXT, DRIP_SCAN_STRING, want, sizeof want - 1);
    expect_slot(&g, S_TYPE, "esc-key"); /* keys are compared unescaped */
    expect_slot(&g, S_STATUS, "\xE2\x80\x99raw");
    check_splits(doc, sizeof doc - 1, 1, 20);
    /* empty string */
    assert_int_equal(scan_whole(&g, "{\"type\":\"\"}"), DRIP_OK);
    expect_slot_str(&g, S_TYPE, DRIP_SCAN_STRING, "", 0);
}

static void test_numbers_as_text(void **state)
{
    static const char *nums[] = {"0", "-0", "7", "-12.5e+3", "1E10", "0.001", "-0.0E-0",
                                 "123456789012345678901234567890", "3.14159", "2e-7"};
    static guarded_t g;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        char doc[128];
        int k = snprintf(doc, sizeof doc, "{\"num\":%s,\"type\":\"t\"}", nums[i]);
        assert_int_equal(scan_whole(&g, doc), DRIP_OK);
        expect_slot_str(&g, S_NUM, DRIP_SCAN_NUMBER, nums[i], strlen(nums[i]));
        expect_slot(&g, S_TYPE, "t");
        check_splits(doc, (size_t)k, 1, 4);
        /* ended by white space, by '}' and inside an array */
        snprintf(doc, sizeof doc, "{\"num\":%s }", nums[i]);
        assert_int_equal(scan_whole(&g, doc), DRIP_OK);
        expect_slot_str(&g, S_NUM, DRIP_SCAN_NUMBER, nums[i], strlen(nums[i]));
        snprintf(doc, sizeof doc, "{\"num\":%s}", nums[i]);
        assert_int_equal(scan_whole(&g, doc), DRIP_OK);
        expect_slot_str(&g, S_NUM, DRIP_SCAN_NUMBER, nums[i], strlen(nums[i]));
        snprintf(doc, sizeof doc, "{\"arr\":[%s]}", nums[i]);
        assert_int_equal(scan_whole(&g, doc), DRIP_OK);
        expect_slot_str(&g, S_ARR_ELEM, DRIP_SCAN_NUMBER, nums[i], strlen(nums[i]));
    }
}

static void test_literal_kinds(void **state)
{
    static guarded_t g;
    static const char doc[] =
        "{\"flag\":true,\"nothing\":null,\"obj\":{\"x\":[1,{\"y\":null}]},\"arr\":[],\"num\":false}";
    (void)state;
    assert_int_equal(scan_whole(&g, doc), DRIP_OK);
    expect_kind(&g, S_FLAG, DRIP_SCAN_TRUE);
    expect_kind(&g, S_NOTHING, DRIP_SCAN_NULL);
    expect_kind(&g, S_OBJ, DRIP_SCAN_OBJECT);
    expect_kind(&g, S_ARR, DRIP_SCAN_ARRAY);
    expect_kind(&g, S_NUM, DRIP_SCAN_FALSE);
    assert_int_equal(g.s.priv.used, 0); /* kinds cost no arena */
    check_splits(doc, sizeof doc - 1, 1, 20);
    assert_int_equal(scan_whole(&g, "{\"flag\":false,\"nothing\":\"null\",\"obj\":[]}"), DRIP_OK);
    expect_kind(&g, S_FLAG, DRIP_SCAN_FALSE);
    expect_slot(&g, S_NOTHING, "null");
    expect_kind(&g, S_OBJ, DRIP_SCAN_ARRAY);
    /* a slot not in the document, and slot numbers out of range */
    expect_kind(&g, S_TYPE, DRIP_SCAN_NONE);
    assert_null(drip_scan_str(&g.s, S_TYPE).p);
    assert_null(drip_scan_str(&g.s, DRIP_SCAN_SLOTS).p);
    assert_null(drip_scan_str(&g.s, 1000u).p);
}

static void test_presence_flag(void **state)
{
    static guarded_t g;
    (void)state;
    assert_int_equal(scan_whole(&g, "{\"pres\":\"abc\\u00e9def\",\"pnum\":-12345,\"type\":\"t\"}"),
                     DRIP_OK);
    assert_int_equal(g.s.slot[S_PRES].kind, DRIP_SCAN_STRING);
    assert_int_equal(g.s.slot[S_PRES].len, 8); /* decoded length */
    assert_int_equal(g.s.slot[S_PRES].cut, 0);
    assert_int_equal(g.s.slot[S_PNUM].kind, DRIP_SCAN_NUMBER);
    assert_int_equal(g.s.slot[S_PNUM].len, 6);
    /* nothing stored: "t" is the only arena byte */
    assert_int_equal(g.s.priv.used, 1);
    expect_slot(&g, S_TYPE, "t");
    assert_int_equal(g.s.slot[S_TYPE].off, 0);
    assert_int_equal(scan_whole(&g, "{\"pres\":{\"a\":[1,2]},\"pnum\":[true]}"), DRIP_OK);
    assert_int_equal(g.s.slot[S_PRES].kind, DRIP_SCAN_OBJECT);
    assert_int_equal(g.s.slot[S_PNUM].kind, DRIP_SCAN_ARRAY);
    assert_int_equal(scan_whole(&g, "{\"pres\":null}"), DRIP_OK);
    assert_int_equal(g.s.slot[S_PRES].kind, DRIP_SCAN_NULL);
    /* a presence-only string longer than the arena is fine */
    {
        th_buf_t b = {0};
        size_t i;
        th_buf_str(&b, "{\"pres\":\"");
        for (i = 0; i < 1000; i++) {
            th_buf_str(&b, "x");
        }
        th_buf_str(&b, "\",\"type\":\"after\"}");
        assert_int_equal(scan_whole(&g, b.p), DRIP_OK);
        assert_int_equal(g.s.slot[S_PRES].len, 1000);
        assert_int_equal(g.s.slot[S_PRES].cut, 0);
        expect_slot(&g, S_TYPE, "after");
        free(b.p);
    }
}

static void test_presence_str_view_in_arena(void **state)
{
    /* drip_scan_str() of a presence-only string slot: its bytes were never
     * stored, so the view must not claim len bytes of arena that hold
     * something else, let alone reach past the arena. */
    static guarded_t g;
    th_buf_t b = {0};
    size_t i;
    drip_str_t v;
    (void)state;
    th_buf_str(&b, "{\"type\":\"t\",\"pres\":\"");
    for (i = 0; i < 1000; i++) {
        th_buf_str(&b, "x");
    }
    th_buf_str(&b, "\"}");
    assert_int_equal(scan_whole(&g, b.p), DRIP_OK);
    assert_int_equal(g.s.slot[S_PRES].len, 1000);
    v = drip_scan_str(&g.s, S_PRES);
    if (v.p != NULL && (v.p < g.arena || v.n > (size_t)(g.arena + sizeof g.arena - v.p))) {
        fail_msg("presence slot view is %zu bytes at arena offset %td: past the %zu-byte arena",
                 v.n, v.p - g.arena, sizeof g.arena);
    }
    free(b.p);
}

/* Strings may use the arena up to STR_ROOM; the last DRIP_SCAN_NUM_RESERVE
 * bytes are kept for numbers (drip_opts.h). */
#ifndef DRIP_SCAN_NUM_RESERVE
#define DRIP_SCAN_NUM_RESERVE 0
#endif
#define STR_ROOM (TEST_ARENA - DRIP_SCAN_NUM_RESERVE)

static void test_arena_full_cut(void **state)
{
    static guarded_t g;
    static char text[TEST_ARENA + 300];
    th_buf_t b = {0};
    size_t i;
    drip_str_t v;
    (void)state;
    for (i = 0; i < sizeof text; i++) {
        text[i] = (char)('0' + i % 10u);
    }
    /* a string longer than the arena, then more strings and numbers */
    th_buf_str(&b, "{\"text\":\"");
    th_buf_add(&b, text, sizeof text);
    th_buf_str(&b, "\",\"type\":\"after\",\"num\":12345,\"flag\":true,\"status\":\"s\","
                "\"a\":{\"b\":{\"c\":{\"d\":");
    for (i = 0; i < DRIP_SCAN_NUM_RESERVE + 50; i++) {
        th_buf_str(&b, "9");
    }
    th_buf_str(&b, "}}},\"response\":{\"usage\":{\"input_tokens\":7}}}");
    assert_int_equal(scan_whole(&g, b.p), DRIP_OK);
    assert_int_equal(g.s.slot[S_TEXT].kind, DRIP_SCAN_STRING);
    assert_int_equal(g.s.slot[S_TEXT].len, sizeof text); /* len counts all */
    assert_int_equal(g.s.slot[S_TEXT].cut, 1);
    v = drip_scan_str(&g.s, S_TEXT);
    assert_int_equal(v.n, STR_ROOM);
    assert_memory_equal(v.p, text, STR_ROOM);
    /* a later string gets nothing, flagged */
    assert_int_equal(g.s.slot[S_TYPE].kind, DRIP_SCAN_STRING);
    assert_int_equal(g.s.slot[S_TYPE].len, 5);
    assert_int_equal(g.s.slot[S_TYPE].cut, 1);
    assert_int_equal(drip_scan_str(&g.s, S_TYPE).n, 0);
    assert_int_equal(g.s.slot[S_STATUS].cut, 1);
    expect_kind(&g, S_FLAG, DRIP_SCAN_TRUE);
    if (DRIP_SCAN_NUM_RESERVE >= 5) {
        /* numbers still fit in the reserve */
        expect_slot_str(&g, S_NUM, DRIP_SCAN_NUMBER, "12345", 5);
    }
    /* a number longer than the rest of the reserve fills the arena exactly */
    assert_int_equal(g.s.slot[S_ABCD].kind, DRIP_SCAN_NUMBER);
    assert_int_equal(g.s.slot[S_ABCD].len, DRIP_SCAN_NUM_RESERVE + 50);
    assert_int_equal(g.s.slot[S_ABCD].cut, 1);
    assert_int_equal(g.s.priv.used, TEST_ARENA);
    v = drip_scan_str(&g.s, S_ABCD);
    assert_true(v.p >= g.arena && v.p + v.n == g.arena + TEST_ARENA);
    /* and the number after it is cut to nothing */
    assert_int_equal(g.s.slot[S_IN_TOK].kind, DRIP_SCAN_NUMBER);
    assert_int_equal(g.s.slot[S_IN_TOK].cut, 1);
    assert_int_equal(drip_scan_str(&g.s, S_IN_TOK).n, 0);
    check_splits(b.p, b.n, 0, 30);
    free(b.p);

    /* exactly the string room: not cut; the next string is */
    memset(&b, 0, sizeof b);
    th_buf_str(&b, "{\"text\":\"");
    th_buf_add(&b, text, STR_ROOM);
    th_buf_str(&b, "\",\"status\":\"s\"}");
    assert_int_equal(scan_whole(&g, b.p), DRIP_OK);
    assert_int_equal(g.s.slot[S_TEXT].cut, 0);
    assert_int_equal(drip_scan_str(&g.s, S_TEXT).n, STR_ROOM);
    assert_int_equal(g.s.slot[S_STATUS].cut, 1);
    assert_int_equal(drip_scan_str(&g.s, S_STATUS).n, 0);
    free(b.p);

    /* a captured string far longer than the arena and than 65535 */
    memset(&b, 0, sizeof b);
    th_buf_str(&b, "{\"text\":\"");
    for (i = 0; i < 12000; i++) { /* 6 decoded bytes each: 72000 */
        th_buf_str(&b, "\\u00e9abcd");
    }
    th_buf_str(&b, "\",\"type\":\"x\"}");
    assert_int_equal(scan_whole(&g, b.p), DRIP_OK);
    assert_int_equal(g.s.slot[S_TEXT].cut, 1);
    assert_int_equal(g.s.slot[S_TEXT].len, 0xFFFFu); /* saturates */
    assert_true(drip_scan_str(&g.s, S_TEXT).n <= STR_ROOM);
    assert_true(drip_scan_str(&g.s, S_TEXT).n >= STR_ROOM - 3); /* maybe not a split UTF-8 char */
    free(b.p);
}

/* The arena may be the buffer the document is read from (drip_stream's
 * oversize events: the SSE buffer holds the event's first bytes, the rest
 * comes from the input): for every length of that first piece, the
 * captures are those of a separate arena, byte for byte. The document has
 * what decodes shorter than it is sent (escapes, surrogate pairs, a lone
 * surrogate, numbers, a cut string) right where captures start. */
static void test_arena_is_the_input(void **state)
{
    static guarded_t ref, g;
    th_buf_t b = {0};
    char *want, *got;
    size_t first, i;
    (void)state;
    th_buf_str(&b, "{\"type\":\"a\\n\\u00e9\\ud83d\\ude00\\\"b\",\"num\":-12.5e+3,"
                   "\"response\":{\"id\":\"\\ud800x\",\"usage\":{\"input_tokens\":123456}},"
                   "\"arr\":[1,\"\\/\",true],\"text\":\"");
    for (i = 0; i < TEST_ARENA + 40; i++) {
        th_buf_str(&b, i % 7 == 0 ? "\\t" : "x");
    }
    th_buf_str(&b, "\",\"status\":\"s\",\"pnum\":77}");
    {
        split_t sp = {SPLIT_WHOLE, 0, 0};
        assert_int_equal(scan_split(&ref, &k_cfg, b.p, b.n, &sp), DRIP_OK);
    }
    want = dump(&ref, DRIP_OK);
    for (first = 0; first <= TEST_ARENA && first <= b.n; first++) {
        drip_err_t e;
        guard_init(&g);
        assert_int_equal(drip_scan_init(&g.s, &k_cfg, g.slot, DRIP_SCAN_SLOTS, g.arena,
                                        sizeof g.arena),
                         DRIP_OK);
        memcpy(g.arena, b.p, first); /* the buffer holds the start of the document */
        e = drip_scan_feed(&g.s, (const uint8_t *)g.arena, first);
        if (e == DRIP_OK) {
            e = drip_scan_feed(&g.s, (const uint8_t *)b.p + first, b.n - first);
        }
        if (e == DRIP_OK) {
            e = drip_scan_finish(&g.s);
        }
        guard_check(&g);
        got = dump(&g, e);
        if (strcmp(got, want) != 0) {
            fail_msg("first piece of %zu bytes in the arena:\n%s\nwant\n%s", first, got, want);
        }
        free(got);
    }
    free(want);
    free(b.p);
}

static void test_cut_string_view_is_its_own(void **state)
{
    /* A long error message (cut) followed by usage numbers, the case the
     * number reserve is for: the message's view must hold only message bytes,
     * never the digits captured after it. */
    static guarded_t g;
    th_buf_t b = {0};
    size_t i;
    drip_str_t v;
    (void)state;
    th_buf_str(&b, "{\"text\":\"");
    for (i = 0; i < TEST_ARENA + 100; i++) {
        th_buf_str(&b, "m");
    }
    th_buf_str(&b, "\",\"num\":42}");
    assert_int_equal(scan_whole(&g, b.p), DRIP_OK);
    expect_slot_str(&g, S_NUM, DRIP_SCAN_NUMBER, "42", 2);
    assert_int_equal(g.s.slot[S_TEXT].cut, 1);
    v = drip_scan_str(&g.s, S_TEXT);
    for (i = 0; i < v.n; i++) {
        if (v.p[i] != 'm') {
            fail_msg("cut string view is %zu bytes; byte %zu is '%c' (from a later slot)", v.n, i,
                     v.p[i]);
        }
    }
    assert_true(v.n <= STR_ROOM);
    free(b.p);
}

static void test_key_max_len(void **state)
{
    static guarded_t g;
    (void)state;
    assert_int_equal(strlen(KEY28), DRIP_SCAN_KEY_MAX);
    assert_int_equal(strlen(KEY29), DRIP_SCAN_KEY_MAX + 1);
    /* a key of DRIP_SCAN_KEY_MAX bytes matches; a longer one never does */
    assert_int_equal(scan_whole(&g, "{\"" KEY28 "\":\"yes28\",\"" KEY29 "\":\"no29\"}"), DRIP_OK);
    expect_slot(&g, S_K28, "yes28");
    expect_kind(&g, S_K29, DRIP_SCAN_NONE);
    /* a document key that starts with the 28-byte key but is longer */
    assert_int_equal(scan_whole(&g, "{\"" KEY29 "\":\"no\",\"" KEY28 "xyz\":\"no\"}"), DRIP_OK);
    expect_kind(&g, S_K28, DRIP_SCAN_NONE);
    expect_kind(&g, S_K29, DRIP_SCAN_NONE);
    /* 28 bytes once unescaped */
    assert_int_equal(scan_whole(&g, "{\"\\u006b234567890123456789012345678\":\"esc\"}"), DRIP_OK);
    expect_slot(&g, S_K28, "esc");
    /* a key longer than the buffer in UTF-8 bytes (\u00e9 is 2 bytes) */
    assert_int_equal(
        scan_whole(&g, "{\"k23456789012345678901234567\\u00e9\":\"no\",\"type\":\"ok\"}"), DRIP_OK);
    expect_kind(&g, S_K28, DRIP_SCAN_NONE);
    expect_slot(&g, S_TYPE, "ok");
    /* a very long key costs nothing and does not disturb the path */
    {
        th_buf_t b = {0};
        size_t i;
        th_buf_str(&b, "{\"response\":{\"");
        for (i = 0; i < 5000; i++) {
            th_buf_str(&b, "id");
        }
        th_buf_str(&b, "\":\"no\",\"id\":\"yes\"},\"");
        for (i = 0; i < 300; i++) {
            th_buf_str(&b, "\\u00e9");
        }
        th_buf_str(&b, "\":1,\"type\":\"t\"}");
        assert_int_equal(scan_whole(&g, b.p), DRIP_OK);
        expect_slot(&g, S_RESP_ID, "yes");
        expect_slot(&g, S_TYPE, "t");
        check_splits(b.p, b.n, 0, 20);
        free(b.p);
    }
}

/* ---- grammar ---------------------------------------------------------------------- */

static void expect_error_every_split(const char *doc, size_t n, drip_err_t want)
{
    static guarded_t g;
    split_t sp = {SPLIT_WHOLE, 0, 0};
    size_t k;
    drip_err_t e = scan_split(&g, &k_cfg, doc, n, &sp);
    if (e != want) {
        fail_msg("\"%.*s\": %d, want %d", (int)n, doc, (int)e, (int)want);
    }
    sp.kind = SPLIT_BYTE;
    assert_int_equal(scan_split(&g, &k_cfg, doc, n, &sp), want);
    sp.kind = SPLIT_AT;
    for (k = 0; k <= n; k++) {
        sp.at = k;
        assert_int_equal(scan_split(&g, &k_cfg, doc, n, &sp), want);
    }
}

static void test_grammar_errors(void **state)
{
    static const char *bad[] = {
        "{\"a\" 1}",       /* missing colon */
        "{\"a\" \"b\"}",   /* missing colon */
        "{\"a\"}",         /* member without value */
        "{\"a\":}",        /* missing value */
        "{\"a\"::1}",
        "{\"a\":1,}",      /* trailing comma */
        "[1,]",
        "[1,2,,3]",
        "[,1]",
        "{,}",
        "{\"a\":1 \"b\":2}", /* missing comma */
        "[1 2]",
        "[01]", "01", "-01", "[00]", /* leading zero */
        "[1.]", "1.", "[1.e5]",
        "[-]", "-", "[--1]", "[+1]", "[.5]", "[1e]", "[1e+]", "[1E-]", "[0x10]",
        "[tru]", "tru", "[True]", "[nul]", "[nulll]", "[falsy]", "[Infinity]", "[NaN]",
        "{\"a\":1", "[", "{", "\"abc", "[\"abc]", "{\"a\":[1,2}", "{\"a\":{\"b\":1}", /* unclosed */
        "[1}", "{\"a\":1]", "[{]}", "{[}]", "]", "}", /* mismatched */
        "{} x", "{}}", "{},", "{}{}", "[] []", "{\"a\":1}/", "\"a\" \"b\"", /* after root */
        "", " ", "\t\r\n",
        "{'a':1}", "{a:1}", "{1:2}", "{null:1}", "[\"a\":1]",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect_error_every_split(bad[i], strlen(bad[i]), DRIP_ERR_JSON_INVALID);
    }
}

static void test_escape_errors(void **state)
{
    static const char *bad[] = {
        "[\"\\x\"]", "[\"\\u12g4\"]", "[\"\\ud800\\x\"]",
        "[\"\\ud800\\u12\"]", "[\"\\ud800\x01\"]", "[\"a\x01\"]", "[\"tab\there\"]", "{\"type\":\"\\q\"}",
        "{\"ty\\x\":1}", "{\"\x1f\":1}",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect_error_every_split(bad[i], strlen(bad[i]), DRIP_ERR_JSON_ESCAPE);
    }
}

static void test_valid_documents(void **state)
{
    static const char *good[] = {
        "{}", "[]", "\"s\"", "true", "false", "null", " {} ", "\t[\r\n]\n",
        "{\"a\":[1,-2,3.5,-0.5e-5,1E+2,true,false,null,\"x\",{},[]]}",
        "[[[[[[[[]]]]]]]]", "{\"\":\"\"}", "{\"a\":1,\"a\":2}", "[\"\\u0000\"]",
        "{\"a\" : 1 , \"b\" : [ 1 , 2 ] }", "0 ", "-0 ", "12 ", "[0]", "[-0.0]",
        "\"\xC3\xA9\x7F\"",
        /* unpaired surrogates: valid grammar (RFC 8259 8.2), U+FFFD */
        "{\"text\":\"\\ud83d\"}", "[\"\\udc00\"]", "[\"\\udc00\\ud800\"]", "[\"\\ud800\\u0041\"]",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        expect_error_every_split(good[i], strlen(good[i]), DRIP_OK);
    }
}

static void test_root_scalars(void **state)
{
    /* RFC 8259: any value is a JSON text, a number at the end of input too */
    static const char *good[] = {"0", "-0", "12", "1.5", "-1e5", "1E+2"};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        expect_error_every_split(good[i], strlen(good[i]), DRIP_OK);
    }
}

static void nest(th_buf_t *b, unsigned depth, int objects)
{
    unsigned i;
    for (i = 0; i < depth; i++) {
        th_buf_str(b, objects ? "{\"a\":" : "[");
    }
    th_buf_str(b, "1");
    for (i = 0; i < depth; i++) {
        th_buf_str(b, objects ? "}" : "]");
    }
}

static void test_depth_limit(void **state)
{
    int objects;
    (void)state;
    for (objects = 0; objects <= 1; objects++) {
        th_buf_t b = {0};
        nest(&b, DRIP_SCAN_MAX_DEPTH, objects);
        expect_error_every_split(b.p, b.n, DRIP_OK);
        free(b.p);
        memset(&b, 0, sizeof b);
        nest(&b, DRIP_SCAN_MAX_DEPTH + 1, objects);
        expect_error_every_split(b.p, b.n, DRIP_ERR_JSON_DEPTH);
        free(b.p);
        /* the opening brackets alone trigger it: no need to see the rest */
        memset(&b, 0, sizeof b);
        nest(&b, DRIP_SCAN_MAX_DEPTH + 1, objects);
        {
            static guarded_t g;
            guard_init(&g);
            assert_int_equal(
                drip_scan_init(&g.s, &k_cfg, g.slot, DRIP_SCAN_SLOTS, g.arena, sizeof g.arena),
                DRIP_OK);
            size_t opens = (objects ? 5u : 1u) * (DRIP_SCAN_MAX_DEPTH + 1u);
            assert_int_equal(drip_scan_feed(&g.s, (const uint8_t *)b.p, opens - (objects ? 5u : 1u)),
                             DRIP_OK);
            assert_int_equal(drip_scan_feed(&g.s, (const uint8_t *)b.p + opens - (objects ? 5u : 1u),
                                            objects ? 5u : 1u),
                             DRIP_ERR_JSON_DEPTH);
        }
        free(b.p);
    }
    /* mixed: 63 arrays and one object at the bottom, several times in a row */
    {
        th_buf_t b = {0};
        int rep;
        th_buf_str(&b, "[");
        for (rep = 0; rep < 3; rep++) {
            unsigned i;
            if (rep) {
                th_buf_str(&b, ",");
            }
            for (i = 0; i < DRIP_SCAN_MAX_DEPTH - 2; i++) {
                th_buf_str(&b, (i & 1u) ? "{\"k\":" : "[");
            }
            th_buf_str(&b, "{}");
            for (i = DRIP_SCAN_MAX_DEPTH - 2; i-- > 0;) {
                th_buf_str(&b, (i & 1u) ? "}" : "]");
            }
        }
        th_buf_str(&b, "]");
        expect_error_every_split(b.p, b.n, DRIP_OK);
        free(b.p);
    }
}

/* ---- split invariance -------------------------------------------------------------- */

static void test_split_invariance(void **state)
{
    static const char doc[] =
        "{\"type\":\"response.completed\",\"sequence_number\":17,\"response\":{\"id\":\"resp_\\u0031"
        "\",\"status\":\"completed\",\"output\":[{\"id\":\"x\",\"content\":[{\"text\":\"Hello "
        "\\ud83d\\ude00 \\\"world\\\"\"}]}],\"usage\":{\"input_tokens\":5,\"output_tokens\":2}},"
        "\"output\":[{\"id\":\"o\\n1\"}],\"a\":{\"b\":{\"c\":{\"d\":-1.25e-3}}},\"flag\":false,"
        "\"nothing\":null,\"num\":0,\"pres\":\"hidden\",\"text\":\"\\u00e9t\\u00e9\","
        "\"grid\":[[[true]],[[1,2]]],\"arr\":[[],{},\"last\"],\"status\":\"end\"}";
    static guarded_t g;
    (void)state;
    assert_int_equal(check_splits(doc, sizeof doc - 1, 1, 64), DRIP_OK);
    assert_int_equal(scan_whole(&g, doc), DRIP_OK);
    expect_slot(&g, S_RESP_ID, "resp_1");
    expect_slot_str(&g, S_IN_TOK, DRIP_SCAN_NUMBER, "5", 1);
    expect_slot(&g, S_OUT_ID, "o\n1");
    expect_slot_str(&g, S_ABCD, DRIP_SCAN_NUMBER, "-1.25e-3", 8);
    expect_slot(&g, S_TEXT, "\xC3\xA9t\xC3\xA9");
    expect_slot_str(&g, S_GRID, DRIP_SCAN_NUMBER, "2", 1);
    expect_slot(&g, S_ARR_ELEM, "last");
    expect_slot(&g, S_STATUS, "end");
    /* errors too: the same code whatever the split */
    {
        static const char e1[] = "{\"type\":\"x\",\"a\":[1,2,}";
        static const char e2[] = "{\"type\":\"x\",\"a\":\"\\ud80z\"}";
        assert_int_equal(check_splits(e1, sizeof e1 - 1, 1, 32), DRIP_ERR_JSON_INVALID);
        assert_int_equal(check_splits(e2, sizeof e2 - 1, 1, 32), DRIP_ERR_JSON_ESCAPE);
    }
}

/* ---- a 1 MB document ------------------------------------------------------------------ */

static char *big_doc(size_t *len, int variant)
{
    th_buf_t b = {0};
    size_t i;
    static const char piece[] =
        "plain text \\\" \\\\ \\n \\t \\u00e9 \\ud83d\\ude00 \\/ \xE2\x80\x99 ok [{}] : , ";
    th_buf_str(&b, "{\"type\":\"response.completed\",\"big\":\"");
    while (b.n < 600000) {
        th_buf_str(&b, piece);
        if (variant == 1 && b.n > 300000 && b.n < 300000 + sizeof piece) {
            th_buf_str(&b, "\\x"); /* a bad escape deep inside */
        }
        if (variant == 2 && b.n > 300000 && b.n < 300000 + sizeof piece) {
            th_buf_str(&b, "\x01"); /* a raw control byte deep inside */
        }
    }
    th_buf_str(&b, "\",\"nest\":[");
    for (i = 0; b.n < 1000000; i++) {
        if (i) {
            th_buf_str(&b, ",");
        }
        if (i % 50 == 7) {
            unsigned d;
            for (d = 0; d < 60; d++) {
                th_buf_str(&b, "[");
            }
            th_buf_str(&b, "{\"type\":\"deep\"}");
            for (d = 0; d < 60; d++) {
                th_buf_str(&b, "]");
            }
        } else {
            th_buf_str(&b, "[1,-2.5e3,true,null,\"s\\\"x\",{\"type\":\"no\",\"k\":[false,{}]},"
                        "[[[]]],{\"response\":{\"id\":\"no\"}}]");
        }
    }
    th_buf_str(&b, "],\"response\":{\"id\":\"resp_big\",\"status\":\"completed\","
                "\"usage\":{\"input_tokens\":4242}},\"output\":[{\"id\":\"out_1\"}],"
                "\"status\":\"done\"}");
    *len = b.n;
    return b.p;
}

static void test_huge_document(void **state)
{
    static guarded_t g;
    size_t n;
    char *doc = big_doc(&n, 0);
    split_t sp = {SPLIT_WHOLE, 0, 0};
    char *ref, *got;
    uint32_t seed;
    (void)state;
    assert_true(n > 1000000);
    /* constant memory: the scanner is its struct, nothing else */
    assert_true(sizeof(drip_scan_t) <= TEST_ARENA + 512);
    assert_int_equal(scan_split(&g, &k_cfg, doc, n, &sp), DRIP_OK);
    expect_slot(&g, S_TYPE, "response.completed");
    expect_slot(&g, S_RESP_ID, "resp_big");
    expect_slot(&g, S_RESP_STATUS, "completed");
    expect_slot_str(&g, S_IN_TOK, DRIP_SCAN_NUMBER, "4242", 4);
    expect_slot(&g, S_OUT_ID, "out_1");
    expect_slot(&g, S_STATUS, "done");
    /* only the captured bytes are in the arena */
    assert_int_equal(g.s.priv.used, 18 + 8 + 9 + 4 + 5 + 4);
    ref = dump(&g, DRIP_OK);
    sp.kind = SPLIT_BYTE;
    assert_int_equal(scan_split(&g, &k_cfg, doc, n, &sp), DRIP_OK);
    got = dump(&g, DRIP_OK);
    assert_string_equal(got, ref);
    free(got);
    sp.kind = SPLIT_RANDOM;
    for (seed = 1; seed <= 6; seed++) {
        sp.seed = seed * 40503u;
        assert_int_equal(scan_split(&g, &k_cfg, doc, n, &sp), DRIP_OK);
        got = dump(&g, DRIP_OK);
        assert_string_equal(got, ref);
        free(got);
    }
    /* cut anywhere before the end: incomplete */
    sp.kind = SPLIT_RANDOM;
    sp.seed = 99;
    assert_int_equal(scan_split(&g, &k_cfg, doc, n * 7 / 10, &sp), DRIP_ERR_JSON_INVALID);
    assert_int_equal(scan_split(&g, &k_cfg, doc, n - 1, &sp), DRIP_ERR_JSON_INVALID);
    free(ref);
    free(doc);
    /* a bad escape / raw control byte inside the skipped string is still seen */
    doc = big_doc(&n, 1);
    assert_int_equal(scan_split(&g, &k_cfg, doc, n, &sp), DRIP_ERR_JSON_ESCAPE);
    free(doc);
    doc = big_doc(&n, 2);
    assert_int_equal(scan_split(&g, &k_cfg, doc, n, &sp), DRIP_ERR_JSON_ESCAPE);
    sp.kind = SPLIT_BYTE;
    assert_int_equal(scan_split(&g, &k_cfg, doc, n, &sp), DRIP_ERR_JSON_ESCAPE);
    free(doc);
}

/* ---- jsmn and the scanner agree ------------------------------------------------------- */

typedef struct agree_case {
    const char *doc;
    int strict; /* RFC 8259 valid: the scanner's answer */
    int jsmn;   /* drip_json_parse's answer */
} agree_case_t;

static const agree_case_t k_agree[] = {
    /* both valid */
    {"{}", 1, 1},
    {"[]", 1, 1},
    {"{\"a\":1}", 1, 1},
    {"{\"a\":[1,2,3],\"b\":{\"c\":null}}", 1, 1},
    {" {\"a\" : true , \"b\" : false } ", 1, 1},
    {"[-0, 0.5, -1.5e+10, 2E-3, 0e0]", 1, 1},
    {"\"str\"", 1, 1},
    {"\"a\\\"b\"", 1, 1},
    {"{\"a\":\"\\u00e9\\ud83d\\ude00\\n\"}", 1, 1},
    {"[[[[]]]]", 1, 1},
    {"{\"\":\"\"}", 1, 1},
    {"{\"a\":1,\"a\":2}", 1, 1},
    {"[{\"a\":[{\"b\":[]}]}]", 1, 1},
    {"{\"a\":{\"b\":1}}", 1, 1},
    {"true ", 1, 1},
    {"[1] ", 1, 1},
    {"{\"a\":\"b\"}\n", 1, 1},
    {"{\"k\":\"\xE2\x80\x99\"}", 1, 1},
    /* both invalid */
    {"", 0, 0},
    {"   ", 0, 0},
    {"{", 0, 0},
    {"{\"a\":1", 0, 0},
    {"[\"abc", 0, 0},
    {"\"abc", 0, 0},
    {"{\"a\":[1,2]", 0, 0},
    {"[1}", 0, 0},
    {"{\"a\":1]", 0, 0},
    {"{\"a\":1}}", 0, 0},
    {"[1]]", 0, 0},
    {"]", 0, 0},
    {"{} {}", 0, 0},
    {"{} x", 0, 0},
    {"{1:2}", 0, 0},
    {"[\"\\x\"]", 0, 0},
    {"[\"\\u12G4\"]", 0, 0},
    {"[+1]", 0, 0},
    {"[.5]", 0, 0},
    {"[True]", 0, 0},
    {"{'a':1}", 0, 0},
    /* jsmn's strict mode still wants a primitive where a key is expected to be
     * an error, so this one is caught */
    {"{\"a\" 1}", 0, 0},
    /* Legitimate differences: jsmn is laxer than RFC 8259. It does not
     * check commas, colons or number/literal syntax, only brackets and string
     * escapes; and drip_json_str/int catch the rest later. The scanner must
     * give the strict answer. */
    {"{\"a\":1,}", 0, 1},      /* trailing comma: jsmn ignores ',' */
    {"[1,]", 0, 1},
    {"[,1]", 0, 1},
    {"[1,,2]", 0, 1},
    {"{,}", 0, 1},
    {"[1 2]", 0, 1},           /* missing comma */
    {"{\"a\":1 \"b\":2}", 0, 1},
    {"{\"a\" \"b\"}", 0, 1},   /* missing colon between two strings */
    {"{\"a\"}", 0, 1},         /* key without value */
    {"{\"a\":}", 0, 1},
    {"[01]", 0, 1},            /* jsmn takes any printable run as a primitive */
    {"[1.]", 0, 1},
    {"[-]", 0, 1},
    {"[1e]", 0, 1},
    {"[tru]", 0, 1},
    {"[nul]", 0, 1},
    {"[\"a\x01" "b\"]", 0, 1}, /* raw control byte: jsmn does not look */
    {"{\"a\x1f\":1}", 0, 1},    /* ...in a key too */
    {"[\"abcdefgh\x01ijklmn\"]", 0, 1},
    {"[\"abcdefghijklm\x1f\"]", 0, 1},
    {"{\"a\":1:2}", 0, 1},       /* jsmn's strict primitive runs over ':' ("1:2") */
    {"{\"a\"::1}", 0, 1},
    {"{:\"a\"}", 0, 1},
    {"[:]", 0, 1},
    {"[\"a\":1]", 0, 1},
    {"{\"a\":1,,\"b\":2}", 0, 1},
    {"[true false]", 0, 1},
    {"{\"a\":truex}", 0, 1},
    {"[-01]", 0, 1},
    {"[1.5e+]", 0, 1},
    {"[0x1]", 0, 1},
    {"[1.2.3]", 0, 1},
    {"{\"a\":[1,{\"b\":2},]}", 0, 1},
    {"[\"a\"\"b\"]", 0, 1},   /* two strings, no comma */
    {"[{}{}]", 0, 1},
    {"[[][]]", 0, 1},
    {"{\"a\":1}\t", 1, 1},
    {"{\"a\":\"b\"  ,  \"c\":[ ] , \"d\" : { } }", 1, 1},
    {"[1e5,-0.0E-0,0.25e+12,-9]", 1, 1},
    {"[\"abcdefgh\x7f\xE2\x80\x99\xE2\x80\x99\xE2\x80\x99ijk\"]", 1, 1},
    {"[\"\\u0001 escaped control \\t\"]", 1, 1},
    {"[\"\\ud800\"]", 1, 1},   /* lone surrogate: valid grammar (RFC 8259 8.2), U+FFFD */
    /* jsmn's strict mode needs a delimiter after a primitive, so a root
     * number or literal at the very end of the text is "partial" to it;
     * RFC 8259 allows any value as the root. */
    {"true", 1, 0},
    {"null", 1, 0},
    {"123", 1, 0},
    {"-0.5", 1, 0},
};

static void test_jsmn_agrees(void **state)
{
    size_t i;
    int bad = 0;
    (void)state;
    assert_true(sizeof k_agree / sizeof k_agree[0] >= 40);
    for (i = 0; i < sizeof k_agree / sizeof k_agree[0]; i++) {
        static guarded_t g;
        static jsmntok_t tok[256];
        const agree_case_t *c = &k_agree[i];
        char text[256];
        size_t n = strlen(c->doc);
        drip_json_t j;
        drip_err_t ej, es;
        int vj, vs;

        memcpy(text, c->doc, n + 1);
        ej = drip_json_parse(&j, text, n, tok, 256);
        assert_true(ej == DRIP_OK || ej == DRIP_ERR_JSON_INVALID);
        vj = ej == DRIP_OK;
        es = scan_whole(&g, c->doc);
        vs = es == DRIP_OK;
        if (vj != c->jsmn) {
            print_error("jsmn: \"%s\" is %s, expected %s\n", c->doc, vj ? "valid" : "invalid",
                        c->jsmn ? "valid" : "invalid");
            bad++;
        }
        /* what jsmn takes, drip_json_valid() sorts exactly as the scanner */
        if (vj && drip_json_valid(&j, DRIP_SCAN_MAX_DEPTH) != vs) {
            print_error("drip_json_valid: \"%s\" is %s, the scanner says %s\n", c->doc,
                        vs ? "invalid" : "valid", vs ? "valid" : "invalid");
            bad++;
        }
        if (vs != c->strict) {
            print_error("scanner: \"%s\" gives %d (%s), RFC 8259 says %s\n", c->doc, (int)es,
                        vs ? "valid" : "invalid", c->strict ? "valid" : "invalid");
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* ---- API ---------------------------------------------------------------------------------- */

static void test_api(void **state)
{
    static guarded_t g;
    (void)state;
    assert_int_equal(drip_scan_init(NULL, &k_cfg, g.slot, DRIP_SCAN_SLOTS, g.arena, sizeof g.arena),
                     DRIP_ERR_ARG);
    assert_int_equal(drip_scan_init(&g.s, NULL, g.slot, DRIP_SCAN_SLOTS, g.arena, sizeof g.arena),
                     DRIP_ERR_ARG);
    assert_int_equal(drip_scan_init(&g.s, &k_cfg, g.slot, DRIP_SCAN_SLOTS, NULL, 1),
                     DRIP_ERR_ARG); /* bytes, no arena */
    assert_int_equal(drip_scan_init(&g.s, &k_cfg, NULL, 1, g.arena, sizeof g.arena),
                     DRIP_ERR_ARG); /* slots, no table */
    assert_int_equal(drip_scan_init(&g.s, &k_cfg, g.slot, DRIP_SCAN_SLOTS + 1, g.arena,
                                    sizeof g.arena),
                     DRIP_ERR_ARG);
    assert_int_equal(drip_scan_init(&g.s, &k_cfg, g.slot, S_COUNT - 1, g.arena, sizeof g.arena),
                     DRIP_ERR_ARG); /* a path's slot is not lent */
    assert_int_equal(drip_scan_init(&g.s, &k_cfg, g.slot, DRIP_SCAN_SLOTS, NULL, 0),
                     DRIP_OK); /* presence and kinds only */
    assert_int_equal(drip_scan_init(&g.s, &k_cfg, g.slot, DRIP_SCAN_SLOTS, g.arena, sizeof g.arena),
                     DRIP_OK);
    { /* a configuration that does not fit the scanner is refused */
        static const char *const keys[1] = {"a"};
        static const drip_scan_path_t bad[4][1] = {
            {{1, {1, 0, 0, 0}, DRIP_SCAN_SLOTS, 0}},          /* no such slot */
            {{0, {1, 0, 0, 0}, 0, 0}},                        /* no level */
            {{DRIP_SCAN_KEYS + 1, {1, 1, 1, 1}, 0, 0}},       /* too deep */
            {{2, {1, 2, 0, 0}, 0, 0}},                        /* key 2 is not in keys */
        };
        static const drip_scan_path_t good[1] = {{2, {1, DRIP_SCAN_ELEM, 0, 0}, DRIP_SCAN_SLOTS - 1, 0}};
        unsigned i;
        for (i = 0; i < 4; i++) {
            drip_scan_cfg_t c = {keys, 1, bad[i], 1};
            assert_int_equal(
                drip_scan_init(&g.s, &c, g.slot, DRIP_SCAN_SLOTS, g.arena, sizeof g.arena),
                DRIP_ERR_ARG);
        }
        {
            drip_scan_cfg_t c = {keys, 1, good, 1};
            assert_int_equal(
                drip_scan_init(&g.s, &c, g.slot, DRIP_SCAN_SLOTS, g.arena, sizeof g.arena),
                DRIP_OK);
        }
    }
    assert_int_equal(drip_scan_init(&g.s, &k_cfg, g.slot, DRIP_SCAN_SLOTS, g.arena, sizeof g.arena),
                     DRIP_OK);
    assert_int_equal(drip_scan_feed(&g.s, NULL, 1), DRIP_ERR_ARG);
    assert_int_equal(drip_scan_feed(&g.s, NULL, 0), DRIP_OK);
    assert_int_equal(drip_scan_feed(NULL, (const uint8_t *)"{}", 2), DRIP_ERR_ARG);
    assert_int_equal(drip_scan_finish(NULL), DRIP_ERR_ARG);
    /* begin after an error starts clean; slots of the last document are gone */
    assert_int_equal(scan_whole(&g, "{\"type\":\"a\",]"), DRIP_ERR_JSON_INVALID);
    assert_int_equal(scan_whole(&g, "{\"status\":\"b\"}"), DRIP_OK);
    expect_kind(&g, S_TYPE, DRIP_SCAN_NONE);
    expect_slot(&g, S_STATUS, "b");
    assert_int_equal(g.s.slot[S_STATUS].off, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capture_depths),
        cmocka_unit_test(test_capture_wrong_depth),
        cmocka_unit_test(test_capture_through_arrays),
        cmocka_unit_test(test_strings_unescaped),
        cmocka_unit_test(test_numbers_as_text),
        cmocka_unit_test(test_literal_kinds),
        cmocka_unit_test(test_presence_flag),
        cmocka_unit_test(test_presence_str_view_in_arena),
        cmocka_unit_test(test_arena_full_cut),
        cmocka_unit_test(test_arena_is_the_input),
        cmocka_unit_test(test_cut_string_view_is_its_own),
        cmocka_unit_test(test_key_max_len),
        cmocka_unit_test(test_grammar_errors),
        cmocka_unit_test(test_escape_errors),
        cmocka_unit_test(test_valid_documents),
        cmocka_unit_test(test_root_scalars),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_split_invariance),
        cmocka_unit_test(test_huge_document),
        cmocka_unit_test(test_jsmn_agrees),
        cmocka_unit_test(test_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
