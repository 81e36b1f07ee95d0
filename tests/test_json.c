/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the jsmn helpers (layer 4a): drip_json_parse/get/str/int and
 * the unescapers drip_json_unescape / drip_unesc_byte. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"
#include "dripfeed/drip_err.h"
#include "dripfeed/drip_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTOK 128

/* A parsed document over a private writable copy of the text. */
typedef struct doc {
    char text[1024];
    jsmntok_t tok[NTOK];
    drip_json_t j;
} doc_t;

static drip_err_t parse_n(doc_t *d, const char *js, size_t n, unsigned cap)
{
    assert_true(n < sizeof d->text);
    memcpy(d->text, js, n);
    d->text[n] = '\0';
    return drip_json_parse(&d->j, d->text, n, d->tok, cap);
}

static drip_err_t parse(doc_t *d, const char *js)
{
    return parse_n(d, js, strlen(js), NTOK);
}

static int get(const doc_t *d, int obj, const char *key)
{
    return drip_json_get(&d->j, obj, key, strlen(key));
}

/* String member `key` of the root object, unescaped. */
static drip_err_t member_str(doc_t *d, const char *key, drip_str_t *out)
{
    int t = get(d, 0, key);
    assert_true(t > 0);
    return drip_json_str(&d->j, t, out);
}

static void expect_str(doc_t *d, const char *key, const void *want, size_t n)
{
    drip_str_t s = {NULL, 0};
    assert_int_equal(member_str(d, key, &s), DRIP_OK);
    assert_non_null(s.p);
    assert_int_equal(s.n, n);
    assert_memory_equal(s.p, want, n);
}

/* ---- drip_json_parse ------------------------------------------------------ */

static void test_parse_valid_object(void **state)
{
    doc_t d;
    (void)state;
    assert_int_equal(parse(&d, "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}"), DRIP_OK);
    assert_int_equal(d.j.ntok, 12);
    assert_int_equal(d.tok[0].type, JSMN_OBJECT);
    assert_int_equal(d.tok[0].size, 3);
    assert_true(d.j.js == d.text);
    assert_int_equal(drip_json_next(&d.j, 0), 12);
    assert_int_equal(drip_json_next(&d.j, 4), 8); /* the array and its 3 values */
    /* white space around the value */
    assert_int_equal(parse(&d, " \t\r\n{ \"a\" : [ 1 , 2 ] }\r\n\t "), DRIP_OK);
    assert_int_equal(parse(&d, "{}"), DRIP_OK);
    assert_int_equal(d.j.ntok, 1);
    assert_int_equal(parse(&d, "[]"), DRIP_OK);
    /* raw UTF-8 passes */
    assert_int_equal(parse(&d, "{\"k\":\"\xE2\x80\x99\xC3\xA9\"}"), DRIP_OK);
}

static void test_parse_trailing_garbage(void **state)
{
    static const char *bad[] = {
        "{\"a\":1}x", "{\"a\":1},", "{\"a\":1}]", "{\"a\":1}}", "{\"a\":1} 1",
        "{\"a\":1} true", "{\"a\":1}\"s\"", "{}:", "{} /", "[1]a",
    };
    size_t i;
    doc_t d;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (parse(&d, bad[i]) != DRIP_ERR_JSON_INVALID) {
            fail_msg("accepted \"%s\"", bad[i]);
        }
    }
    /* a NUL byte after the value is not white space */
    assert_int_equal(parse_n(&d, "{\"a\":1}\0", 8, NTOK), DRIP_ERR_JSON_INVALID);
    assert_int_equal(parse_n(&d, "{\"a\":1} \0 ", 10, NTOK), DRIP_ERR_JSON_INVALID);
}

static void test_parse_two_roots(void **state)
{
    static const char *bad[] = {
        "{}{}", "{\"a\":1} {\"b\":2}", "[] {}", "{} []", "\"a\" \"b\"", "[1][2]",
    };
    size_t i;
    doc_t d;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (parse(&d, bad[i]) != DRIP_ERR_JSON_INVALID) {
            fail_msg("accepted two roots \"%s\"", bad[i]);
        }
    }
}

static void test_parse_truncated(void **state)
{
    static const char *bad[] = {
        "", " ", "{", "[", "{\"a\":1", "{\"a\":\"b", "{\"a\":[1,2", "{\"a\":{\"b\":{}}",
        "{\"a\":\"\\u00", "{\"a\":\"\\", "\"abc", "{\"a\":tru",
    };
    size_t i;
    doc_t d;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (parse(&d, bad[i]) != DRIP_ERR_JSON_INVALID) {
            fail_msg("accepted truncated \"%s\"", bad[i]);
        }
    }
    /* every proper prefix of a valid document is incomplete */
    {
        static const char full[] = "{\"a\":[1,{\"b\":\"c\\n\"}],\"d\":null}";
        size_t k;
        for (k = 0; k < sizeof full - 1; k++) {
            if (parse_n(&d, full, k, NTOK) != DRIP_ERR_JSON_INVALID) {
                fail_msg("accepted prefix of %zu bytes", k);
            }
        }
        assert_int_equal(parse_n(&d, full, sizeof full - 1, NTOK), DRIP_OK);
    }
}

static void test_parse_nomem(void **state)
{
    doc_t d;
    (void)state;
    /* 5 tokens: object, "a", 1, "b", 2 */
    assert_int_equal(parse_n(&d, "{\"a\":1,\"b\":2}", 13, 4), DRIP_ERR_JSON_NOMEM);
    assert_int_equal(parse_n(&d, "{\"a\":1,\"b\":2}", 13, 1), DRIP_ERR_JSON_NOMEM);
    assert_int_equal(parse_n(&d, "{\"a\":1,\"b\":2}", 13, 5), DRIP_OK);
    assert_int_equal(d.j.ntok, 5);
    assert_int_equal(parse_n(&d, "[[[[[1]]]]]", 11, 5), DRIP_ERR_JSON_NOMEM);
    assert_int_equal(parse_n(&d, "[[[[[1]]]]]", 11, 6), DRIP_OK);
    /* arguments */
    assert_int_equal(drip_json_parse(&d.j, d.text, 2, d.tok, 0), DRIP_ERR_ARG);
    assert_int_equal(drip_json_parse(&d.j, NULL, 2, d.tok, 4), DRIP_ERR_ARG);
    assert_int_equal(drip_json_parse(&d.j, d.text, 2, NULL, 4), DRIP_ERR_ARG);
}

/* ---- drip_json_get --------------------------------------------------------- */

static void check_nested(doc_t *d)
{
    int a, b, c, y, q, k;
    drip_str_t s;
    int64_t v;
    a = get(d, 0, "a");
    assert_true(a > 0);
    assert_int_equal(d->tok[a].type, JSMN_OBJECT);
    b = get(d, a, "b");
    assert_true(b > 0);
    c = get(d, b, "c");
    assert_true(c > 0);
    assert_int_equal(drip_json_str(&d->j, c, &s), DRIP_OK);
    assert_int_equal(s.n, 4);
    assert_memory_equal(s.p, "deep", 4);
    y = get(d, a, "y");
    assert_true(y > 0);
    assert_int_equal(d->tok[y].type, JSMN_ARRAY);
    assert_int_equal(d->tok[y].size, 3);
    q = get(d, y + 3, "q"); /* the third element: 1, 2, {"q":3} */
    assert_true(q > 0);
    assert_int_equal(drip_json_int(&d->j, q, 0, 10, &v), DRIP_OK);
    assert_int_equal(v, 3);
    k = get(d, 0, "k");
    assert_true(k > 0);
    assert_int_equal(drip_json_str(&d->j, k, &s), DRIP_OK);
    assert_int_equal(s.n, 1);
    assert_memory_equal(s.p, "v", 1);
    assert_int_equal(get(d, 0, "z") > 0, 1);
    /* not at this level / absent / a prefix / not an object */
    assert_int_equal(get(d, 0, "c"), -1);
    assert_int_equal(get(d, 0, "q"), -1);
    assert_int_equal(get(d, 0, "missing"), -1);
    assert_int_equal(get(d, 0, "a "), -1);
    assert_int_equal(get(d, 0, ""), -1);
    assert_int_equal(get(d, y, "q"), -1);
    assert_int_equal(get(d, c, "c"), -1);
    assert_int_equal(get(d, -1, "a"), -1);
    assert_int_equal(get(d, d->j.ntok, "a"), -1);
}

static void test_get_nested_any_order(void **state)
{
    static const char *docs[] = {
        "{\"z\":0,\"a\":{\"y\":[1,2,{\"q\":3}],\"b\":{\"c\":\"deep\"}},\"k\":\"v\"}",
        "{\"k\":\"v\",\"a\":{\"b\":{\"c\":\"deep\"},\"y\":[1,2,{\"q\":3}]},\"z\":0}",
        "{\"a\":{\"b\":{\"x\":{\"c\":\"no\"},\"c\":\"deep\"},\"y\":[1,2,{\"q\":3}]},\"k\":\"v\","
        "\"z\":[{\"a\":1},\"k\"]}",
        " { \"z\" : { \"k\" : \"no\" } , \"k\" : \"v\" , \"a\" : { \"y\" : [ 1 , 2 , { \"q\" : 3 } ] ,"
        " \"b\" : { \"c\" : \"deep\" } } } ",
    };
    size_t i;
    doc_t d;
    (void)state;
    for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        assert_int_equal(parse(&d, docs[i]), DRIP_OK);
        check_nested(&d);
    }
}

static void test_get_key_vs_value(void **state)
{
    doc_t d;
    int t;
    drip_str_t s;
    (void)state;
    /* a value equal to the key name is not a key */
    assert_int_equal(parse(&d, "{\"x\":\"a\",\"y\":[\"a\"],\"z\":{\"a\":0},\"a\":\"found\"}"), DRIP_OK);
    t = get(&d, 0, "a");
    assert_int_equal(drip_json_str(&d.j, t, &s), DRIP_OK);
    assert_int_equal(s.n, 5);
    assert_memory_equal(s.p, "found", 5);
    /* duplicate keys: the first one */
    assert_int_equal(parse(&d, "{\"a\":1,\"a\":2}"), DRIP_OK);
    assert_int_equal(get(&d, 0, "a"), 2);
    /* the compare is on raw bytes, so it is exact in length */
    assert_int_equal(parse(&d, "{\"ab\":1,\"a\":2}"), DRIP_OK);
    assert_int_equal(get(&d, 0, "a"), 4);
    assert_true(drip_json_is_null(&d.j, get(&d, 0, "a")) == 0);
    assert_int_equal(parse(&d, "{\"n\":null,\"t\":true,\"s\":\"null\"}"), DRIP_OK);
    assert_true(drip_json_is_null(&d.j, get(&d, 0, "n")));
    assert_false(drip_json_is_null(&d.j, get(&d, 0, "t")));
    assert_false(drip_json_is_null(&d.j, get(&d, 0, "s")));
    assert_false(drip_json_is_null(&d.j, -1));
    assert_false(drip_json_is_null(&d.j, 99));
}

/* ---- drip_json_str ---------------------------------------------------------- */

static void test_str_simple_escapes(void **state)
{
    doc_t d;
    (void)state;
    assert_int_equal(parse(&d, "{\"s\":\"q\\\"b\\\\s\\/B\\bF\\fN\\nR\\rT\\t.\"}"), DRIP_OK);
    expect_str(&d, "s", "q\"b\\s/B\bF\fN\nR\rT\t.", 17);
    assert_int_equal(parse(&d, "{\"e\":\"\",\"p\":\"plain\"}"), DRIP_OK);
    expect_str(&d, "e", "", 0);
    expect_str(&d, "p", "plain", 5);
}

static void test_str_unicode(void **state)
{
    doc_t d;
    (void)state;
    assert_int_equal(parse(&d, "{\"a\":\"\\u00e9\",\"b\":\"\\u20ac\",\"c\":\"\\ud83d\\ude00\","
                               "\"d\":\"\\u0041\\u00E9\",\"e\":\"\\u0000\",\"f\":\"\\u007f\\u0080"
                               "\\u07ff\\u0800\\uffff\",\"g\":\"x\\uD83D\\uDE00y\","
                               "\"h\":\"\\udbff\\udfff\",\"i\":\"\\ud800\\udc00\"}"),
                     DRIP_OK);
    expect_str(&d, "a", "\xC3\xA9", 2);
    expect_str(&d, "b", "\xE2\x82\xAC", 3);
    expect_str(&d, "c", "\xF0\x9F\x98\x80", 4);
    expect_str(&d, "d", "A\xC3\xA9", 3);
    expect_str(&d, "e", "\0", 1);
    expect_str(&d, "f", "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF", 11);
    expect_str(&d, "g", "x\xF0\x9F\x98\x80y", 6);
    expect_str(&d, "h", "\xF4\x8F\xBF\xBF", 4);
    expect_str(&d, "i", "\xF0\x90\x80\x80", 4);
}

static void test_str_bad_escapes(void **state)
{
    /* jsmn lets these through (it checks escape letters and hex digits only);
     * drip_json_str must refuse them. */
    static const char *bad[] = {
        "{\"s\":\"a\x01" "b\"}",        /* raw control byte */
        "{\"s\":\"tab\there\"}",        /* raw TAB is a control byte too */
        "{\"s\":\"nl\nhere\"}",         /* raw LF */
        "{\"s\":\"\x1f\"}",
    };
    size_t i;
    doc_t d;
    drip_str_t s;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(&d, bad[i]), DRIP_OK);
        if (member_str(&d, "s", &s) != DRIP_ERR_JSON_ESCAPE) {
            fail_msg("drip_json_str accepted %s", bad[i]);
        }
    }
    /* bad escape letters and bad hex are refused already by the tokenizer */
    assert_int_equal(parse(&d, "{\"s\":\"\\x41\"}"), DRIP_ERR_JSON_INVALID);
    assert_int_equal(parse(&d, "{\"s\":\"\\u12g4\"}"), DRIP_ERR_JSON_INVALID);
    assert_int_equal(parse(&d, "{\"s\":\"\\U0041\"}"), DRIP_ERR_JSON_INVALID);
}

static void test_unescape_bad(void **state)
{
    /* drip_json_unescape on string bodies (no quotes) */
    static const char *bad[] = {
        "\\x41",  "\\u12g4", "\\u12", "\\u", "abc\\", "\\",     "\\U0041",
        "\\ud83d\\", "\\ud83d\\x", "\\ud83d\\u12", "\\ud83d\x01", "a\x01", "\x7f\x1f",
        "\\u00G0", "\\'", "\\a", "\\0",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char buf[32];
        size_t n = strlen(bad[i]), out = 1234;
        memcpy(buf, bad[i], n + 1);
        if (drip_json_unescape(buf, n, &out) != DRIP_ERR_JSON_ESCAPE) {
            fail_msg("drip_json_unescape accepted \"%s\"", bad[i]);
        }
    }
}

/* Unpaired surrogates (RFC 8259 8.2 leaves them to the reader): U+FFFD,
 * never an error; a delta keeps a half at either end in its 3-byte form so
 * that drip_stream can join a pair split across two deltas. */
static void test_unpaired_surrogates(void **state)
{
#define FFFD "\xEF\xBF\xBD"
#define HI "\xED\xA0\xBD" /* D83D */
#define LO "\xED\xB8\x80" /* DE00 */
    static const struct {
        const char *in, *plain, *delta;
    } cases[] = {
        {"\\ud83d", FFFD, HI},
        {"\\ude00", FFFD, LO},
        {"\\ude00\\ud83d", FFFD FFFD, LO HI},
        {"x\\ud83d", "x" FFFD, "x" HI},
        {"\\ude00x", FFFD "x", LO "x"},
        {"x\\ude00", "x" FFFD, "x" FFFD},
        {"\\ud83dx", FFFD "x", FFFD "x"},
        {"\\ud83d\\n", FFFD "\n", FFFD "\n"},
        {"\\ud83d\\u0041", FFFD "A", FFFD "A"},
        {"\\ud83d\\u20ac", FFFD "\xE2\x82\xAC", FFFD "\xE2\x82\xAC"},
        {"\\ud83d\\ud83d", FFFD FFFD, FFFD HI},
        {"\\ud83d\\ud83d\\ude00", FFFD "\xF0\x9F\x98\x80", FFFD "\xF0\x9F\x98\x80"},
        {"\\ud83d\\ude00", "\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"},
        {"\\u0041\\ude00", "A" FFFD, "A" FFFD},
        {"\\ud83d\\\"", FFFD "\"", FFFD "\""},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char js[64], buf[32];
        doc_t d;
        drip_str_t s;
        size_t n = strlen(cases[i].in), out = 0;
        int delta;
        for (delta = 0; delta < 2; delta++) {
            const char *want = delta ? cases[i].delta : cases[i].plain;
            snprintf(js, sizeof js, "{\"s\":\"%s\"}", cases[i].in);
            assert_int_equal(parse(&d, js), DRIP_OK);
            if (delta) {
                assert_int_equal(drip_json_str_delta(&d.j, drip_json_get(&d.j, 0, "s", 1), &s),
                                 DRIP_OK);
            } else {
                assert_int_equal(member_str(&d, "s", &s), DRIP_OK);
            }
            if (s.n != strlen(want) || memcmp(s.p, want, s.n) != 0) {
                fail_msg("case %zu (%s) %s: got %zu bytes", i, cases[i].in, delta ? "delta" : "plain",
                         s.n);
            }
        }
        memcpy(buf, cases[i].in, n + 1);
        assert_int_equal(drip_json_unescape(buf, n, &out), DRIP_OK);
        assert_int_equal(out, strlen(cases[i].plain));
        assert_memory_equal(buf, cases[i].plain, out);
    }
#undef FFFD
#undef HI
#undef LO
}

static void test_str_not_a_string(void **state)
{
    doc_t d;
    drip_str_t s;
    (void)state;
    assert_int_equal(parse(&d, "{\"n\":1,\"o\":{},\"a\":[],\"t\":true,\"z\":null}"), DRIP_OK);
    assert_int_equal(member_str(&d, "n", &s), DRIP_ERR_EVENT_FIELD);
    assert_int_equal(member_str(&d, "o", &s), DRIP_ERR_EVENT_FIELD);
    assert_int_equal(member_str(&d, "a", &s), DRIP_ERR_EVENT_FIELD);
    assert_int_equal(member_str(&d, "t", &s), DRIP_ERR_EVENT_FIELD);
    assert_int_equal(member_str(&d, "z", &s), DRIP_ERR_EVENT_FIELD);
    assert_int_equal(drip_json_str(&d.j, -1, &s), DRIP_ERR_EVENT_FIELD);
    assert_int_equal(drip_json_str(&d.j, d.j.ntok, &s), DRIP_ERR_EVENT_FIELD);
    /* a key is a string token too */
    assert_int_equal(drip_json_str(&d.j, 1, &s), DRIP_OK);
    assert_int_equal(s.n, 1);
    assert_memory_equal(s.p, "n", 1);
}

static void test_str_idempotent(void **state)
{
    doc_t d;
    drip_str_t s1, s2, s3;
    (void)state;
    /* "\\u0041" decodes to the six bytes \u0041; a second unescape would
     * wrongly turn them into "A". */
    assert_int_equal(parse(&d, "{\"a\":\"x\\\\u0041\\\\n\\u00e9\",\"b\":\"plain\",\"c\":\"\\\\\\\\\"}"),
                     DRIP_OK);
    assert_int_equal(member_str(&d, "a", &s1), DRIP_OK);
    assert_int_equal(s1.n, 11);
    assert_memory_equal(s1.p, "x\\u0041\\n\xC3\xA9", 11);
    assert_int_equal(member_str(&d, "a", &s2), DRIP_OK);
    assert_int_equal(member_str(&d, "a", &s3), DRIP_OK);
    assert_true(s1.p == s2.p && s2.p == s3.p);
    assert_int_equal(s2.n, s1.n);
    assert_int_equal(s3.n, s1.n);
    assert_memory_equal(s3.p, "x\\u0041\\n\xC3\xA9", 11);
    assert_int_equal(member_str(&d, "b", &s1), DRIP_OK);
    assert_int_equal(member_str(&d, "b", &s2), DRIP_OK);
    assert_true(s1.p == s2.p && s1.n == 5 && s2.n == 5);
    assert_int_equal(member_str(&d, "c", &s1), DRIP_OK);
    assert_int_equal(s1.n, 2);
    assert_memory_equal(s1.p, "\\\\", 2);
    assert_int_equal(member_str(&d, "c", &s2), DRIP_OK);
    assert_int_equal(s2.n, 2);
    assert_memory_equal(s2.p, "\\\\", 2);
    /* other members are still found after a neighbour was unescaped */
    assert_true(get(&d, 0, "b") > 0);
    assert_true(get(&d, 0, "c") > 0);
    assert_int_equal(drip_json_next(&d.j, 0), d.j.ntok);
}

/* ---- drip_json_int ------------------------------------------------------------- */

static drip_err_t int_of(const char *num, int64_t lo, int64_t hi, int64_t *out)
{
    static doc_t d; /* keep the big struct off the stack */
    char js[128];
    snprintf(js, sizeof js, "{\"v\":%s}", num);
    assert_int_equal(parse(&d, js), DRIP_OK);
    return drip_json_int(&d.j, get(&d, 0, "v"), lo, hi, out);
}

static void expect_int(const char *num, int64_t lo, int64_t hi, int64_t want)
{
    int64_t v = 0;
    drip_err_t e = int_of(num, lo, hi, &v);
    if (e != DRIP_OK || v != want) {
        fail_msg("drip_json_int(%s) = %d, %lld; want %lld", num, (int)e, (long long)v,
                 (long long)want);
    }
}

static void expect_int_err(const char *num, int64_t lo, int64_t hi, drip_err_t want)
{
    int64_t v = 77;
    drip_err_t e = int_of(num, lo, hi, &v);
    if (e != want) {
        fail_msg("drip_json_int(%s) = %d, want %d", num, (int)e, (int)want);
    }
    assert_int_equal(v, 77); /* untouched on error */
}

/* The unescaper's fast path reads a word at a time: an escape, a control
 * byte or a near miss (0x20, '[', ']', 0x9C, 0xDC, 0xFF) at every position
 * of strings of every length up to a few words. */
static void test_unescape_every_position(void **state)
{
    static const uint8_t k_plain[] = {0x20, 0x5B, 0x5D, 0x9C, 0xDC, 0xFF, 0x7F};
    static const uint8_t k_ctrl[] = {0x00, 0x01, 0x1F};
    char buf[64];
    size_t n, pos, k, out;
    (void)state;
    for (n = 1; n <= 40; n++) {
        for (pos = 0; pos < n; pos++) {
            for (k = 0; k < sizeof k_plain; k++) {
                memset(buf, 'a', n);
                buf[pos] = (char)k_plain[k];
                assert_int_equal(drip_json_unescape(buf, n, &out), DRIP_OK);
                assert_int_equal(out, n);
                assert_int_equal((uint8_t)buf[pos], k_plain[k]);
            }
            for (k = 0; k < sizeof k_ctrl; k++) {
                memset(buf, 'a', n);
                buf[pos] = (char)k_ctrl[k];
                assert_int_equal(drip_json_unescape(buf, n, &out), DRIP_ERR_JSON_ESCAPE);
            }
            if (pos + 1 < n) { /* "\\n" at pos */
                memset(buf, 'a', n);
                buf[pos] = '\\';
                buf[pos + 1] = 'n';
                assert_int_equal(drip_json_unescape(buf, n, &out), DRIP_OK);
                assert_int_equal(out, n - 1);
                assert_int_equal(buf[pos], '\n');
                assert_int_equal(buf[out - 1], 'a' + (pos + 2 == n ? '\n' - 'a' : 0));
            }
        }
    }
}

/* drip_json_valid: nesting up to the limit, strings already read. (What it
 * accepts against the scanner: test_scan.c, test_jsmn_agrees.) */
static void test_valid_depth(void **state)
{
    static doc_t d;
    char js[300];
    unsigned n;
    (void)state;
    for (n = 1; n <= 66; n++) {
        memset(js, '[', n); /* n '[' then n ']' */
        memset(js + n, ']', n);
        js[2u * n] = '\0';
        assert_int_equal(parse_n(&d, js, 2u * n, NTOK), DRIP_OK);
        assert_int_equal(drip_json_valid(&d.j, 64), n <= 64);
        assert_int_equal(drip_json_valid(&d.j, n), n <= 64); /* 64 at most */
        assert_int_equal(drip_json_valid(&d.j, n - 1u), 0);
    }
    /* objects and arrays mixed: {"k":[{"k":[...]}]} */
    assert_int_equal(parse(&d, "{\"k\":[{\"k\":[1,{\"k\":{}}]}]}"), DRIP_OK);
    assert_int_equal(drip_json_valid(&d.j, 6), 1);
    assert_int_equal(drip_json_valid(&d.j, 5), 0);
    assert_int_equal(parse(&d, "{\"k\":[{\"k\":[1,{\"k\":{}]}]}]}"), DRIP_ERR_JSON_INVALID);
}

/* drip_json_valid reads strings a word at a time for control bytes: one at
 * every position of strings of every length up to a few words. */
static void test_valid_ctrl_every_position(void **state)
{
    static doc_t d;
    char js[64];
    size_t n, pos;
    (void)state;
    for (n = 0; n <= 40; n++) {
        js[0] = '[';
        js[1] = '"';
        memset(js + 2, 'a', n);
        js[n + 2] = '"';
        js[n + 3] = ']';
        assert_int_equal(parse_n(&d, js, n + 4, NTOK), DRIP_OK);
        assert_int_equal(drip_json_valid(&d.j, 64), 1);
        for (pos = 0; pos < n; pos++) {
            js[pos + 2] = (char)(pos % 2 ? 0x1F : 0x01);
            assert_int_equal(parse_n(&d, js, n + 4, NTOK), DRIP_OK); /* jsmn does not look */
            assert_int_equal(drip_json_valid(&d.j, 64), 0);
            js[pos + 2] = (char)0x20;
            assert_int_equal(parse_n(&d, js, n + 4, NTOK), DRIP_OK);
            assert_int_equal(drip_json_valid(&d.j, 64), 1);
            js[pos + 2] = 'a';
        }
    }
}

static void test_valid_after_read(void **state)
{
    static doc_t d;
    drip_str_t s;
    (void)state;
    assert_int_equal(parse(&d, "{\"a\":\"x\\ny\",\"b\":[1,true,null,-2.5e3]} "), DRIP_OK);
    assert_int_equal(drip_json_valid(&d.j, 64), 1);
    assert_int_equal(drip_json_valid(&d.j, 64), 1); /* reads nothing: again the same */
    assert_int_equal(member_str(&d, "a", &s), DRIP_OK);
    /* a string unescaped in place is no longer the text jsmn saw */
    assert_int_equal(drip_json_valid(&d.j, 64), 0);
}

static void test_int_values(void **state)
{
    (void)state;
    expect_int("0", 0, 10, 0);
    expect_int("-0", -1, 1, 0);
    expect_int("42", 0, 100, 42);
    expect_int("-42", -100, 0, -42);
    expect_int("5", 5, 5, 5);
    expect_int("2147483647", 0, INT32_MAX, INT32_MAX);
    expect_int("922337203685477580", INT64_MIN, INT64_MAX, 922337203685477580LL);
    expect_int("9223372036854775799", INT64_MIN, INT64_MAX, 9223372036854775799LL);
}

static void test_int_range(void **state)
{
    (void)state;
    expect_int_err("4", 5, 10, DRIP_ERR_JSON_RANGE);
    expect_int_err("11", 5, 10, DRIP_ERR_JSON_RANGE);
    expect_int_err("-1", 0, 10, DRIP_ERR_JSON_RANGE);
    expect_int_err("2147483648", 0, INT32_MAX, DRIP_ERR_JSON_RANGE);
}

static void test_int64_edges(void **state)
{
    static const struct {
        const char *text;
        int64_t want;
    } edge[] = {
        {"9223372036854775807", INT64_MAX},
        {"9223372036854775800", 9223372036854775800LL},
        {"-9223372036854775807", -INT64_MAX},
        {"-9223372036854775808", INT64_MIN},
    };
    size_t i;
    int bad = 0;
    (void)state;
    for (i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        int64_t v = 0;
        drip_err_t e = int_of(edge[i].text, INT64_MIN, INT64_MAX, &v);
        if (e != DRIP_OK || v != edge[i].want) {
            print_error("drip_json_int(%s, INT64_MIN, INT64_MAX) = %d; want DRIP_OK\n",
                        edge[i].text, (int)e);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void test_int64_overflow(void **state)
{
    (void)state;
    expect_int_err("9223372036854775808", INT64_MIN, INT64_MAX, DRIP_ERR_JSON_RANGE);
    expect_int_err("-9223372036854775809", INT64_MIN, INT64_MAX, DRIP_ERR_JSON_RANGE);
    expect_int_err("10000000000000000000", INT64_MIN, INT64_MAX, DRIP_ERR_JSON_RANGE);
    expect_int_err("99999999999999999999999999", INT64_MIN, INT64_MAX, DRIP_ERR_JSON_RANGE);
    expect_int_err("-99999999999999999999999999", INT64_MIN, INT64_MAX, DRIP_ERR_JSON_RANGE);
}

static void test_int_fraction_exponent(void **state)
{
    static const char *bad[] = {"1.0", "1.5", "0.5", "-0.0", "1e3", "1E3", "10e-1", "1e+0",
                                "0e0", "-1.5", "123.000"};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect_int_err(bad[i], INT64_MIN, INT64_MAX, DRIP_ERR_JSON_RANGE);
    }
}

static void test_int_not_a_number(void **state)
{
    doc_t d;
    int64_t v = 0;
    (void)state;
    expect_int_err("\"5\"", INT64_MIN, INT64_MAX, DRIP_ERR_EVENT_FIELD);
    expect_int_err("true", INT64_MIN, INT64_MAX, DRIP_ERR_EVENT_FIELD);
    expect_int_err("false", INT64_MIN, INT64_MAX, DRIP_ERR_EVENT_FIELD);
    expect_int_err("null", INT64_MIN, INT64_MAX, DRIP_ERR_EVENT_FIELD);
    expect_int_err("{}", INT64_MIN, INT64_MAX, DRIP_ERR_EVENT_FIELD);
    expect_int_err("[1]", INT64_MIN, INT64_MAX, DRIP_ERR_EVENT_FIELD);
    assert_int_equal(parse(&d, "{\"v\":1}"), DRIP_OK);
    assert_int_equal(drip_json_int(&d.j, -1, 0, 1, &v), DRIP_ERR_EVENT_FIELD);
    assert_int_equal(drip_json_int(&d.j, d.j.ntok, 0, 1, &v), DRIP_ERR_EVENT_FIELD);
}

/* ---- drip_unesc_byte vs drip_json_unescape --------------------------------------- */

static void test_unesc_incremental_matches(void **state)
{
    static const char *cases[] = {
        "",
        "plain text",
        "q\\\"b\\\\s\\/B\\bF\\fN\\nR\\rT\\t.",
        "\\u00e9\\u20AC\\ud83d\\ude00",
        "a\\u0000b",
        "\xE2\x80\x99 raw utf-8 \xC3\xA9",
        "\\u0041\\u0042\\u0043",
        "x\\\\u0041",
        "\\udbff\\udfff\\ud800\\udc00",
        "\\ud83d",
        "\\ud83dx",
        "\\ude00",
        "\\ude00\\ud83d",
        "\\ud83d\\u0041",
        /* errors */
        "\\ud83d\\",
        "\\u12g4",
        "\\x",
        "bad\x01",
        "\\",
        "\\u00",
        "ok then \\q",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *c = cases[i];
        size_t n = strlen(c), k, w = 0, out_len = 0;
        char whole[128], inc[512];
        drip_unesc_t u;
        drip_err_t e_whole, e_inc = DRIP_OK;

        assert_true(n < sizeof whole);
        memcpy(whole, c, n + 1);
        e_whole = drip_json_unescape(whole, n, &out_len);

        memset(&u, 0, sizeof u);
        for (k = 0; k < n; k++) {
            uint8_t out[DRIP_UNESC_OUT_MAX];
            int r = drip_unesc_byte(&u, (uint8_t)c[k], out);
            if (r < 0) {
                assert_int_equal(r, DRIP_ERR_JSON_ESCAPE);
                e_inc = DRIP_ERR_JSON_ESCAPE;
                break;
            }
            assert_true(r <= DRIP_UNESC_OUT_MAX);
            memcpy(inc + w, out, (size_t)r);
            w += (size_t)r;
        }
        if (e_inc == DRIP_OK) {
            uint8_t out[DRIP_UNESC_OUT_MAX];
            int r = drip_unesc_finish(&u, out);
            if (r < 0) {
                e_inc = (drip_err_t)r;
            } else {
                memcpy(inc + w, out, (size_t)r);
                w += (size_t)r;
            }
        }
        if (e_whole != e_inc) {
            fail_msg("case %zu \"%s\": unescape %d, byte-wise %d", i, c, (int)e_whole, (int)e_inc);
        }
        if (e_whole == DRIP_OK) {
            assert_int_equal(out_len, w);
            assert_true(out_len <= n);
            assert_memory_equal(whole, inc, w);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid_object),
        cmocka_unit_test(test_parse_trailing_garbage),
        cmocka_unit_test(test_parse_two_roots),
        cmocka_unit_test(test_parse_truncated),
        cmocka_unit_test(test_parse_nomem),
        cmocka_unit_test(test_get_nested_any_order),
        cmocka_unit_test(test_get_key_vs_value),
        cmocka_unit_test(test_str_simple_escapes),
        cmocka_unit_test(test_str_unicode),
        cmocka_unit_test(test_str_bad_escapes),
        cmocka_unit_test(test_unescape_bad),
        cmocka_unit_test(test_unpaired_surrogates),
        cmocka_unit_test(test_str_not_a_string),
        cmocka_unit_test(test_str_idempotent),
        cmocka_unit_test(test_unescape_every_position),
        cmocka_unit_test(test_valid_depth),
        cmocka_unit_test(test_valid_ctrl_every_position),
        cmocka_unit_test(test_valid_after_read),
        cmocka_unit_test(test_int_values),
        cmocka_unit_test(test_int_range),
        cmocka_unit_test(test_int64_edges),
        cmocka_unit_test(test_int64_overflow),
        cmocka_unit_test(test_int_fraction_exponent),
        cmocka_unit_test(test_int_not_a_number),
        cmocka_unit_test(test_unesc_incremental_matches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
