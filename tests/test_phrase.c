/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the phrase chunker (drip_phrase.h) against docs/spec/text.md §3.
 *
 * Every case runs its input whole, one byte at a time, at every two-piece
 * split point and at seeded random splits; the phrases must be the same
 * every time and equal the expected list. Each run also checks the join
 * invariant (the phrases joined with "" when drip_phrase_glued() says so,
 * else " ", equal the speech form with whitespace runs made one space and
 * trimmed) and that nothing is written past `max` in the phrase buffer.
 *
 * Two inputs:
 * - clean text through drip_phrase_sink(), where the test stands in for the
 *   Markdown filter: '\x01' is a DRIP_MD_FENCE_BEGIN mark, '\x02' a
 *   DRIP_MD_FENCE_END mark, and the bytes between them come flagged
 *   DRIP_MD_CODE (each split point may fall anywhere, marks included);
 * - raw Markdown through drip_phrase_feed() (the embedded filter).
 * A transcript has one line per phrase; a phrase that follows the previous
 * one directly (no space between) starts with '+'.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"
#include "dripfeed/drip_phrase.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GUARD 16
#define GUARD_BYTE 0xA5u
#define NSEEDS 20

typedef struct {
    drip_phrase_t ph;
    th_buf_t out;     /* transcript */
    th_buf_t joined;  /* the join */
    size_t max;
    size_t longest;
} rec_t;

static void on_phrase(void *user, const char *s, size_t n)
{
    rec_t *r = user;
    size_t i;
    int glued = drip_phrase_glued(&r->ph);
    assert_true(n > 0);
    assert_true(n <= r->max);
    /* trimmed, one space per run, no line ends */
    assert_false(s[0] == ' ');
    assert_false(s[n - 1] == ' ');
    for (i = 0; i < n; i++) {
        assert_false(s[i] == '\n' || s[i] == '\t' || s[i] == '\r');
        if (i > 0) {
            assert_false(s[i] == ' ' && s[i - 1] == ' ');
        }
    }
    if (glued) {
        th_buf_add(&r->out, "+", 1);
    }
    th_buf_add(&r->out, s, n);
    th_buf_add(&r->out, "\n", 1);
    if (r->joined.n > 0 && !glued) {
        th_buf_add(&r->joined, " ", 1);
    }
    th_buf_add(&r->joined, s, n);
    if (n > r->longest) {
        r->longest = n;
    }
}

/* Hands s[0..n) to the sink, reading '\x01'/'\x02' as fence marks; *code
 * says whether the bytes are inside a fence (kept across pieces). */
static void sink_piece(drip_phrase_t *p, const char *s, size_t n, int *code)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        if (s[i] == '\x01') {
            drip_phrase_sink(p, "", 0, DRIP_MD_FENCE_BEGIN);
            *code = 1;
            i++;
            continue;
        }
        if (s[i] == '\x02') {
            drip_phrase_sink(p, "", 0, DRIP_MD_FENCE_END);
            *code = 0;
            i++;
            continue;
        }
        while (j < n && s[j] != '\x01' && s[j] != '\x02') {
            j++;
        }
        drip_phrase_sink(p, s + i, j - i, *code ? DRIP_MD_CODE : 0u);
        i = j;
    }
}

enum { VIA_SINK, VIA_FEED, VIA_FEED_NO_JOIN };

/* One run: text cut at the given split points (sorted, 0 < cuts[k] < n). */
static char *run(const char *text, size_t n, size_t min, size_t max, int via,
                 const size_t *cuts, size_t ncuts, char **joined, size_t *longest)
{
    rec_t r;
    drip_phrase_cfg_t cfg;
    char *buf = malloc(max + GUARD);
    size_t k, at = 0, g;
    int code = 0;

    assert_non_null(buf);
    memset(&r, 0, sizeof r);
    memset(buf, GUARD_BYTE, max + GUARD);
    r.max = max;
    cfg.min = min;
    cfg.max = max;
    cfg.buf = buf;
    cfg.buf_len = max;
    cfg.on_phrase = on_phrase;
    cfg.user = &r;
    assert_int_equal(drip_phrase_init(&r.ph, &cfg), DRIP_OK);
    for (k = 0; k <= ncuts; k++) {
        size_t end = k < ncuts ? cuts[k] : n;
        if (via == VIA_SINK) {
            sink_piece(&r.ph, text + at, end - at, &code);
        } else if (via == VIA_FEED_NO_JOIN) {
            drip_phrase_feed(&r.ph, text + at, end - at);
        } else {
            drip_phrase_feed(&r.ph, text + at, end - at);
        }
        at = end;
        for (g = 0; g < GUARD; g++) {
            assert_int_equal((uint8_t)buf[max + g], GUARD_BYTE);
        }
    }
    drip_phrase_finish(&r.ph);
    for (g = 0; g < GUARD; g++) {
        assert_int_equal((uint8_t)buf[max + g], GUARD_BYTE);
    }
    free(buf);
    th_buf_add(&r.out, "", 0);
    th_buf_add(&r.joined, "", 0);
    if (joined != NULL) {
        *joined = r.joined.p;
    } else {
        free(r.joined.p);
    }
    if (longest != NULL) {
        *longest = r.longest;
    }
    return r.out.p;
}

/* Whitespace runs made one space, trimmed. */
static char *collapse(const char *s)
{
    th_buf_t b = {0};
    int sp = 0;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r' || *s == '\v' || *s == '\f') {
            sp = 1;
            continue;
        }
        if (sp && b.n > 0) {
            th_buf_add(&b, " ", 1);
        }
        sp = 0;
        th_buf_add(&b, s, 1);
    }
    th_buf_add(&b, "", 0);
    return b.p;
}

static void expect_eq(const char *what, const char *got, const char *want, const char *text)
{
    if (strcmp(got, want) != 0) {
        print_error("%s for input [%s]:\n--- got\n%s--- want\n%s", what, text, got, want);
        fail();
    }
}

/* The whole check: `want` is the transcript, `speech` the speech form (NULL:
 * the input itself) for the join invariant. */
static void check_via(const char *text, size_t min, size_t max, const char *want,
                      const char *speech, int via)
{
    size_t n = strlen(text), k;
    size_t *cuts = malloc((n + 1) * sizeof *cuts);
    char *joined, *got, *flat;
    uint32_t seed = 0x9e3779b9u;
    int s;

    assert_non_null(cuts);
    got = run(text, n, min, max, via, NULL, 0, &joined, NULL);
    expect_eq("whole", got, want, text);
    flat = collapse(speech != NULL ? speech : text);
    if (via != VIA_FEED_NO_JOIN) { /* a speech form to compare with */
        expect_eq("join invariant", joined, flat, text);
    }
    free(flat);
    free(joined);
    free(got);
    for (k = 1; k < n; k++) { /* byte by byte */
        cuts[k - 1] = k;
    }
    got = run(text, n, min, max, via, cuts, n > 0 ? n - 1 : 0, NULL, NULL);
    expect_eq("byte by byte", got, want, text);
    free(got);
    for (k = 1; k < n; k++) { /* every split point */
        got = run(text, n, min, max, via, &k, 1, NULL, NULL);
        expect_eq("two pieces", got, want, text);
        free(got);
    }
    for (s = 0; s < NSEEDS && n > 2; s++) { /* random pieces */
        size_t nc = 0, at = 0;
        while (1) {
            at += 1 + th_rand(&seed) % 7;
            if (at >= n) {
                break;
            }
            cuts[nc++] = at;
        }
        got = run(text, n, min, max, via, cuts, nc, NULL, NULL);
        expect_eq("random pieces", got, want, text);
        free(got);
    }
    free(cuts);
}

static void check(const char *text, size_t min, size_t max, const char *want)
{
    check_via(text, min, max, want, NULL, VIA_SINK);
}

#define MIN DRIP_PHRASE_MIN_DEFAULT
#define MAX DRIP_PHRASE_MAX_DEFAULT

/* ---- phrase ends ---------------------------------------------------------- */

static void test_sentence_end(void **state)
{
    (void)state;
    check("The weather is nice today. We should go outside now. ", MIN, MAX,
          "The weather is nice today.\nWe should go outside now.\n");
    /* no whitespace after: not an end */
    check("It is version 1.2.3 now.Really it is. Yes", 0, MAX,
          "It is version 1.2.3 now.Really it is.\nYes\n");
}

static void test_end_marks_run(void **state)
{
    (void)state;
    check("Really?! Yes... Wow\xe2\x80\xa6 ok!!! fine", 0, MAX,
          "Really?!\nYes...\nWow\xe2\x80\xa6\nok!!!\nfine\n");
}

static void test_closing_quotes_and_parens(void **state)
{
    (void)state;
    check("He said \"stop.\" Then (it ended.) Next \xe2\x80\x9cquoted.\xe2\x80\x9d And \xe2\x80\x98so.\xe2\x80\x99 "
          "Also 'this!' Done",
          0, MAX,
          "He said \"stop.\"\nThen (it ended.)\nNext \xe2\x80\x9cquoted.\xe2\x80\x9d\n"
          "And \xe2\x80\x98so.\xe2\x80\x99\nAlso 'this!'\nDone\n");
    /* a closer after whitespace belongs to nothing before it */
    check("Hi there. ) more words. End", 11, MAX, "Hi there. ) more words.\nEnd\n");
    /* a closer without an end mark before it ends nothing */
    check("A (b) c \"d\" e", 0, MAX, "A (b) c \"d\" e\n");
}

static void test_abbreviations(void **state)
{
    static const char *const abbr[] = {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs",
                                       "etc", "e.g", "i.e", "inc", "ltd", "co", "no", "fig",
                                       "approx"};
    size_t i;
    int v;
    (void)state;
    for (i = 0; i < sizeof abbr / sizeof abbr[0]; i++) {
        for (v = 0; v < 3; v++) { /* as listed, Capitalised, UPPER */
            char w[16], text[96], want[96];
            size_t j;
            for (j = 0; abbr[i][j] != '\0'; j++) {
                char c = abbr[i][j];
                w[j] = (v == 2 || (v == 1 && j == 0)) && c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
            }
            w[j] = '\0';
            snprintf(text, sizeof text, "We saw %s. Smith there. Bye", w);
            snprintf(want, sizeof want, "We saw %s. Smith there.\nBye\n", w);
            check(text, 0, MAX, want);
            /* inside parentheses, and after other text */
            snprintf(text, sizeof text, "Fruit (%s. apples) here. Bye", w);
            snprintf(want, sizeof want, "Fruit (%s. apples) here.\nBye\n", w);
            check(text, 0, MAX, want);
        }
    }
    /* not an abbreviation: ends */
    check("We saw Smith. There. Bye", 0, MAX, "We saw Smith.\nThere.\nBye\n");
    check("A mrx. B", 0, MAX, "A mrx.\nB\n");
    /* a lone '.' only: `etc..` and `etc.!` end; `etc.)` does not */
    check("Apples and pears etc.. Then etc.! Next etc.) more", 0, MAX,
          "Apples and pears etc..\nThen etc.!\nNext etc.) more\n");
}

static void test_initials(void **state)
{
    (void)state;
    check("J. R. R. Tolkien wrote it. The U.S. economy grew. Plan B. Works", 0, MAX,
          "J. R. R. Tolkien wrote it.\nThe U.S. economy grew.\nPlan B. Works\n");
    check("Ask J. Then go.", 0, MAX, "Ask J. Then go.\n");
    check("Call A.B.C.D.E.F.G. now. Bye", 0, MAX, "Call A.B.C.D.E.F.G. now.\nBye\n");
}

static void test_decimals(void **state)
{
    (void)state;
    check("Pi is 3.14 roughly. It costs 2.50 today. Bye", 0, MAX,
          "Pi is 3.14 roughly.\nIt costs 2.50 today.\nBye\n");
    check("Count to 3. Then stop.", 0, MAX, "Count to 3.\nThen stop.\n");
}

static void test_ellipsis(void **state)
{
    (void)state;
    check("Well\xe2\x80\xa6 I think so. Hmm\xe2\x80\xa6" "and then", 0, MAX,
          "Well\xe2\x80\xa6\nI think so.\nHmm\xe2\x80\xa6" "and then\n");
}

static void test_cjk(void **state)
{
    (void)state;
    /* 。！？ end directly; the next phrase follows with no space */
    check("\xe4\xbd\xa0\xe5\xa5\xbd\xe3\x80\x82\xe4\xbb\x8a\xe5\xa4\xa9\xe5\xa5\xbd\xef\xbc\x81"
          "\xe4\xbd\xa0\xe5\x91\xa2\xef\xbc\x9f",
          0, MAX,
          "\xe4\xbd\xa0\xe5\xa5\xbd\xe3\x80\x82\n+\xe4\xbb\x8a\xe5\xa4\xa9\xe5\xa5\xbd\xef\xbc\x81\n"
          "+\xe4\xbd\xa0\xe5\x91\xa2\xef\xbc\x9f\n");
    /* min 20 bytes: 你好。(9) joins 今天天气很好！(21); 你呢？ is the last */
    check("\xe4\xbd\xa0\xe5\xa5\xbd\xe3\x80\x82\xe4\xbb\x8a\xe5\xa4\xa9\xe5\xa4\xa9\xe6\xb0\x94"
          "\xe5\xbe\x88\xe5\xa5\xbd\xef\xbc\x81\xe4\xbd\xa0\xe5\x91\xa2\xef\xbc\x9f",
          MIN, MAX,
          "\xe4\xbd\xa0\xe5\xa5\xbd\xe3\x80\x82\xe4\xbb\x8a\xe5\xa4\xa9\xe5\xa4\xa9\xe6\xb0\x94"
          "\xe5\xbe\x88\xe5\xa5\xbd\xef\xbc\x81\n+\xe4\xbd\xa0\xe5\x91\xa2\xef\xbc\x9f\n");
    /* whitespace after 。: one space between (not glued) */
    check("\xe5\xa5\xbd\xe3\x80\x82 Next", 0, MAX, "\xe5\xa5\xbd\xe3\x80\x82\nNext\n");
}

static void test_newline(void **state)
{
    (void)state;
    check("Title line\nSecond line here\n\n\nThird\n", 0, MAX,
          "Title line\nSecond line here\nThird\n");
    check("\n\n  Leading and trailing   \n\n", 0, MAX, "Leading and trailing\n");
    check("   \n \n", 0, MAX, "");
    check("", MIN, MAX, "");
}

static void test_min_joins(void **state)
{
    (void)state;
    check("Hi. This is a longer sentence. Ok.", MIN, MAX, "Hi. This is a longer sentence.\nOk.\n");
    check("Steps:\n1. Look left and right.\n2. Go.", MIN, MAX,
          "Steps: 1. Look left and right.\n2. Go.\n");
    /* exactly min: ends; one less: joins */
    check("Abcdefghijklmnopqr. Next one here.", 19, MAX, "Abcdefghijklmnopqr.\nNext one here.\n");
    check("Abcdefghijklmnopqr. Next one here.", 20, MAX, "Abcdefghijklmnopqr. Next one here.\n");
}

static void test_last_phrase_short(void **state)
{
    (void)state;
    check("This is a long first sentence. Short.", MIN, MAX,
          "This is a long first sentence.\nShort.\n");
    check("Ok.", MIN, MAX, "Ok.\n");
    check("Yes", MIN, MAX, "Yes\n");
}

static void test_first_phrase_comma(void **state)
{
    (void)state;
    check("Well, to make a long story short, the answer is yes, and more, so", MIN, MAX,
          "Well, to make a long story short,\nthe answer is yes, and more, so\n");
    check("Here is the full answer; it goes on, and on: to the end", MIN, MAX,
          "Here is the full answer;\nit goes on, and on: to the end\n");
    check("The steps are as follows: first, second, third. After that, more, and more, ok.",
          MIN, MAX,
          "The steps are as follows:\nfirst, second, third.\nAfter that, more, and more, ok.\n");
    /* not without whitespace after, and not before min */
    check("Short, then a,b,c:d;e and a longer tail. End", MIN, MAX,
          "Short, then a,b,c:d;e and a longer tail.\nEnd\n");
}

static void test_max_cut_at_whitespace(void **state)
{
    (void)state;
    check("aaaa bbbb cccc dddd eeee ffff.", 0, 20, "aaaa bbbb cccc dddd\neeee ffff.\n");
    /* a piece exactly max long, cut at the whitespace right after it */
    check("aaaaaa bbbbbb cccccc dddddd", 0, 20, "aaaaaa bbbbbb cccccc\ndddddd\n");
    /* the last whitespace at or before max, mid-word */
    check("aaaa bbbb ccccccccc dd", 0, 16, "aaaa bbbb\nccccccccc dd\n");
    /* the pieces go out even when shorter than min, and the tail of a cut
     * ends at its next end whatever its length */
    check("aaaa bbbb cccc dddd eeee. More text here that is long enough. Last one.", 50, 20,
          "aaaa bbbb cccc dddd\neeee.\nMore text here that\nis long enough.\nLast one.\n");
    /* the default max */
    {
        char text[400], want[400];
        size_t i;
        for (i = 0; i < 60; i++) {
            memcpy(text + 5 * i, "word ", 5);
        }
        text[299] = '\0';
        memcpy(want, text, 199);
        want[199] = '\n';
        memcpy(want + 200, text + 200, 99);
        want[299] = '\n';
        want[300] = '\0';
        check(text, MIN, MAX, want);
    }
}

static void test_max_cut_without_whitespace(void **state)
{
    (void)state;
    check("abcdefghijklmnop", 0, 10, "abcdefghij\n+klmnop\n");
    /* two-byte characters: never split */
    check("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 0, 5,
          "\xc3\xa9\xc3\xa9\n+\xc3\xa9\xc3\xa9\n+\xc3\xa9\xc3\xa9\n+\xc3\xa9\n");
    /* four-byte characters at the smallest max */
    check("\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80 ok", 0, 6,
          "\xf0\x9f\x98\x80\n+\xf0\x9f\x98\x80\n+\xf0\x9f\x98\x80\nok\n");
    check("\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 0, 4, "\xf0\x9f\x98\x80\n+\xf0\x9f\x98\x80\n");
    /* broken UTF-8 passes unchanged */
    check("ab\xff\xc3 cd\x80. Next", 0, MAX, "ab\xff\xc3 cd\x80.\nNext\n");
    /* overlong and out-of-range forms are broken UTF-8 too, not the
     * characters they would spell (\xc0\x8a is no '\n', \xe0\x80\xa0 no
     * space, \xc0\xae no '.'): they pass unchanged and end nothing (fuzz_phrase,
     * regress/phrase/overlong-whitespace) */
    check("Hi\xc0\x8athere\xe0\x80\xa0now\xc0\xae Then", 0, MAX,
          "Hi\xc0\x8athere\xe0\x80\xa0now\xc0\xae Then\n");
    check("a\xf0\x80\x80\x8a b\xed\xa0\x80. c\xf4\x90\x80\x80!", 0, MAX,
          "a\xf0\x80\x80\x8a b\xed\xa0\x80.\nc\xf4\x90\x80\x80!\n");
}

static void test_code_block(void **state)
{
    (void)state;
    check_via("Run this command:\n\x01ls -la\necho hi. Yes.\n\x02Then check the output.\n", MIN,
              MAX, "Run this command:\ncode omitted\nThen check the output.\n",
              "Run this command:\ncode omitted\nThen check the output.\n", VIA_SINK);
    /* two blocks, one empty, one at the end without its closing mark */
    check_via("First.\n\x01\x02\x01x = 1\n", 0, MAX, "First.\ncode omitted\ncode omitted\n",
              "First. code omitted code omitted", VIA_SINK);
    /* max holds for it too: cut like any phrase */
    check_via("A.\n\x01x\n\x02" "B.", 0, 9, "A.\ncode\nomitted\nB.\n", "A. code omitted B.",
              VIA_SINK);
    check_via("\x01x\x02", 0, 4, "code\nomit\n+ted\n", "code omitted", VIA_SINK);
}

static void test_url_link(void **state)
{
    (void)state;
    check_via("See https://example.com/a.b?c=1 now. Or http://x.org. Bye", 0, MAX,
              "See link now.\nOr link.\nBye\n", "See link now. Or link. Bye", VIA_SINK);
    check_via("(HTTPS://Example.com/a_(b)). Then", 0, MAX, "(link).\nThen\n", "(link). Then",
              VIA_SINK);
    /* not URLs: inside a word, a broken scheme, an unfinished one at the end */
    check("xhttp://a.b and http:/x and ftp://y and http", 0, MAX,
          "xhttp://a.b and http:/x and ftp://y and http\n");
    check_via("see http://", 0, MAX, "see link\n", "see link", VIA_SINK);
    /* a long run of punctuation after a URL: the URL's own past 16 */
    check_via("x https://a.b/................... y", 0, MAX, "x link...\ny\n", "x link... y",
              VIA_SINK);
}

/* ---- raw Markdown through the embedded filter (drip_phrase_feed) --------- */

static void test_markdown_feed(void **state)
{
    (void)state;
    check_via("# Title here\nSome **bold** and _emphasis_ text with a [link](https://x.y/z). "
              "More at https://a.b/c now.\n```python\nprint('hi. there')\n```\nDone.",
              0, MAX,
              "Title here\nSome bold and emphasis text with a link.\nMore at link now.\n"
              "code omitted\nDone.\n",
              "Title here\nSome bold and emphasis text with a link. More at link now.\n"
              "code omitted\nDone.",
              VIA_FEED);
    /* bullets become "\xe2\x80\xa2 " (text.md §1); min joins the short items */
    check_via("- first item is here\n- second\n- third one.\n> quoted line. \\*not emphasis\\*",
              MIN, MAX,
              "\xe2\x80\xa2 first item is here\n\xe2\x80\xa2 second \xe2\x80\xa2 third one.\n"
              "quoted line. *not emphasis*\n",
              "\xe2\x80\xa2 first item is here\n\xe2\x80\xa2 second \xe2\x80\xa2 third one.\n"
              "quoted line. *not emphasis*",
              VIA_FEED);
    /* a fence left open at the end of the answer */
    check_via("Run it like this, please:\n```\nmake\n", MIN, MAX,
              "Run it like this, please:\ncode omitted\n", "Run it like this, please: code omitted",
              VIA_FEED);
}

/* ---- generated inputs: the same phrases at every split ------------------- */

/* Texts made of the pieces the rules look at. Clean text without URLs or
 * fences goes through the sink (its speech form is itself: the join is
 * checked); everything, Markdown included, through drip_phrase_feed (the
 * same phrases whole, byte by byte, at every split and at random splits). */
static void test_generated(void **state)
{
    static const char *const plain[] = {
        "a", "word", " ", "  ", "\n", ". ", "! ", "?", "\xe2\x80\xa6", "\"", ")", ",", ":", ";",
        "Dr.", "U.S.", "3.14", "e.g.", "J.", "\xe3\x80\x82", "\xef\xbc\x81", "\xe4\xbd\xa0",
        "\xc3\xa9", "\xf0\x9f\x98\x80", "longerwordwithoutspaces", "\xff",
    };
    static const char *const md[] = {
        "https://x.org/a", "http://y", "(", "```\n", "\n```\n", "**", "_", "`", "[t](u)", "# ",
        "- ", "> ", "\\", "hTTp", "etc.)",
    };
    static const size_t mins[] = {0, 7, 20};
    static const size_t maxs[] = {4, 9, 30, 200};
    uint32_t seed = 12345u;
    int k;
    (void)state;
    for (k = 0; k < 60; k++) {
        char text[256];
        size_t n = 0, mn = mins[k % 3], mx = maxs[(k / 3) % 4];
        int with_md = k % 2, parts = 4 + (int)(th_rand(&seed) % 30);
        char *want;
        while (parts-- > 0) {
            size_t np = sizeof plain / sizeof plain[0], nm = sizeof md / sizeof md[0];
            uint32_t r = th_rand(&seed) % (uint32_t)(np + (with_md ? nm : 0));
            const char *p = r < np ? plain[r] : md[r - np];
            size_t l = strlen(p);
            if (n + l >= sizeof text) {
                break;
            }
            memcpy(text + n, p, l);
            n += l;
        }
        text[n] = '\0';
        want = run(text, n, mn, mx, with_md ? VIA_FEED : VIA_SINK, NULL, 0, NULL, NULL);
        if (with_md) {
            char *got = NULL;
            size_t cut;
            char *joined;
            for (cut = 1; cut < n; cut++) {
                got = run(text, n, mn, mx, VIA_FEED, &cut, 1, &joined, NULL);
                expect_eq("generated, two pieces", got, want, text);
                free(got);
                free(joined);
            }
            check_via(text, mn, mx, want, NULL, VIA_FEED_NO_JOIN);
        } else {
            check(text, mn, mx, want);
        }
        free(want);
    }
}

/* ---- the join invariant over a mixed text, many min/max ------------------ */

static void test_join_invariant(void **state)
{
    static const char text[] =
        "# Crossing\nHello there, friend! Mr. Smith lives at 3.14 Main St. in the U.S. and\n"
        "he said: \"Look left.\" Then (carefully) look right\xe2\x80\xa6 \xe4\xbd\xa0\xe5\xa5\xbd"
        "\xe3\x80\x82\xe5\x86\x8d\xe8\xa7\x81\xef\xbc\x81 A very long "
        "runonwordwithoutanyspaceatallthatgoesonandon and more words follow here. Done?!";
    static const size_t mins[] = {0, 5, 20, 60};
    static const size_t maxs[] = {8, 13, 32, 200};
    size_t i, j;
    (void)state;
    for (i = 0; i < sizeof mins / sizeof mins[0]; i++) {
        for (j = 0; j < sizeof maxs / sizeof maxs[0]; j++) {
            char *want = run(text, sizeof text - 1, mins[i], maxs[j], VIA_SINK, NULL, 0, NULL, NULL);
            check(text, mins[i], maxs[j], want); /* same at every split, join holds */
            free(want);
        }
    }
}

/* ---- setup --------------------------------------------------------------- */

static void nop(void *user, const char *s, size_t n)
{
    (void)user;
    (void)s;
    (void)n;
}

static void test_setup(void **state)
{
    drip_phrase_t p;
    drip_phrase_cfg_t c;
    char buf[300];
    (void)state;
    memset(&c, 0, sizeof c);
    c.buf = buf;
    c.buf_len = sizeof buf;
    c.on_phrase = nop;
    assert_int_equal(drip_phrase_init(&p, &c), DRIP_OK);
    assert_int_equal(p.max, DRIP_PHRASE_MAX_DEFAULT);
    c.buf_len = 64;
    assert_int_equal(drip_phrase_init(&p, &c), DRIP_OK);
    assert_int_equal(p.max, 64);
    c.max = 65;
    assert_int_equal(drip_phrase_init(&p, &c), DRIP_ERR_ARG);
    c.max = 3;
    assert_int_equal(drip_phrase_init(&p, &c), DRIP_ERR_ARG);
    c.max = 4;
    assert_int_equal(drip_phrase_init(&p, &c), DRIP_OK);
    c.max = 0;
    c.buf_len = 3;
    assert_int_equal(drip_phrase_init(&p, &c), DRIP_ERR_ARG);
    c.buf_len = 64;
    c.on_phrase = NULL;
    assert_int_equal(drip_phrase_init(&p, &c), DRIP_ERR_ARG);
    c.on_phrase = nop;
    c.buf = NULL;
    assert_int_equal(drip_phrase_init(&p, &c), DRIP_ERR_ARG);
    assert_int_equal(drip_phrase_init(NULL, &c), DRIP_ERR_ARG);
    assert_int_equal(drip_phrase_init(&p, NULL), DRIP_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sentence_end),
        cmocka_unit_test(test_end_marks_run),
        cmocka_unit_test(test_closing_quotes_and_parens),
        cmocka_unit_test(test_abbreviations),
        cmocka_unit_test(test_initials),
        cmocka_unit_test(test_decimals),
        cmocka_unit_test(test_ellipsis),
        cmocka_unit_test(test_cjk),
        cmocka_unit_test(test_newline),
        cmocka_unit_test(test_min_joins),
        cmocka_unit_test(test_last_phrase_short),
        cmocka_unit_test(test_first_phrase_comma),
        cmocka_unit_test(test_max_cut_at_whitespace),
        cmocka_unit_test(test_max_cut_without_whitespace),
        cmocka_unit_test(test_code_block),
        cmocka_unit_test(test_url_link),
        cmocka_unit_test(test_markdown_feed),
        cmocka_unit_test(test_join_invariant),
        cmocka_unit_test(test_generated),
        cmocka_unit_test(test_setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
