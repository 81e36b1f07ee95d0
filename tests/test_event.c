/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of layer 5 (drip_event.h): type names, fields, errors, the call
 * table, and the oversize (scanner) path against the token path on every
 * event of every real transcript. The decoder under test uses a 64-token
 * array and a 4-slot call table, as a small device would. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"
#include "dripfeed/dripfeed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTOK 64
#define NCALLS 4

static jsmntok_t g_tok[NTOK];
static drip_call_slot_t g_calls[NCALLS];
static drip_event_dec_t g_dec;
static drip_event_t g_ev;
static char g_buf[16384];

/* The arena the tests lend each decoder's oversize path (drip_event_set_arena;
 * the decoder's own was 640 bytes before it took the caller's). */
#define TEST_ARENA 640
static char g_arena[TEST_ARENA];

/* ---- helpers ------------------------------------------------------------ */

static int view_is(drip_str_t v, const char *lit)
{
    size_t n = strlen(lit);
    return v.p != NULL && v.n == n && memcmp(v.p, lit, n) == 0;
}

#define ASSERT_VIEW(v, lit)                                                                    \
    do {                                                                                       \
        drip_str_t v_ = (v);                                                                   \
        const char *l_ = (lit);                                                                \
        if (!view_is(v_, l_)) {                                                                \
            fail_msg("%s = '%.*s' (%s), want '%s'", #v, (int)v_.n, v_.p ? v_.p : "",           \
                     v_.p ? "present" : "absent", l_);                                         \
        }                                                                                      \
    } while (0)

#define ASSERT_ABSENT(v)                                                                       \
    do {                                                                                       \
        drip_str_t v_ = (v);                                                                   \
        if (v_.p != NULL) {                                                                    \
            fail_msg("%s = '%.*s', want absent", #v, (int)v_.n, v_.p);                         \
        }                                                                                      \
    } while (0)

#define ASSERT_ERR(call, want)                                                                 \
    do {                                                                                       \
        int got_ = (int)(call);                                                                \
        if (got_ != (int)(want)) {                                                             \
            fail_msg("%s: got %d (%s), want %d (%s)", #call, got_, drip_err_str(got_),         \
                     (int)(want), drip_err_str((int)(want)));                                  \
        }                                                                                      \
    } while (0)

/* snprintf that must not truncate; returns the length. */
static int fmt(char *dst, size_t cap, const char *f, ...)
{
    va_list ap;
    int n;
    va_start(ap, f);
    n = vsnprintf(dst, cap, f, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap) {
        fail_msg("test buffer of %zu bytes too small for %d", cap, n);
    }
    return n;
}

static void init_dec(drip_api_t api)
{
    ASSERT_ERR(drip_event_init(&g_dec, api, g_tok, NTOK, g_calls, NCALLS), DRIP_OK);
    drip_event_set_arena(&g_dec, g_arena, sizeof g_arena);
}

/* Decode a copy of `json` (the decoder unescapes in place). */
static drip_err_t dec(const char *json)
{
    size_t n = strlen(json);
    assert_true(n < sizeof g_buf);
    memcpy(g_buf, json, n);
    g_buf[n] = '\0';
    return drip_event_decode(&g_dec, g_buf, n, &g_ev);
}

/* Decode `json` through the scanner path, fed in pieces of pseudo-random size. */
static drip_err_t scan_pieces(drip_event_dec_t *d, const char *json, size_t n, uint32_t seed,
                              drip_event_t *ev)
{
    size_t off = 0;
    drip_err_t e = drip_event_scan_init(d);
    uint32_t rs = seed;
    while (e == DRIP_OK && off < n) {
        size_t k = 1 + th_rand(&rs) % 97u;
        if (th_rand(&rs) % 8u == 0) {
            k = 1 + th_rand(&rs) % 4096u;
        }
        if (k > n - off) {
            k = n - off;
        }
        e = drip_event_scan_feed(d, (const uint8_t *)json + off, k);
        off += k;
    }
    /* end is always called: it reports the sticky error if any */
    {
        drip_err_t e2 = drip_event_scan_finish(d, ev);
        return e != DRIP_OK ? e : e2;
    }
}

/* ---- type names ------------------------------------------------------- */

/* openai.md 2.2-2.6, in the header's enum order. */
static const char *const k_type_names[DRIP_EV_RESPONSES_TYPES] = {
    "response.created",
    "response.queued",
    "response.in_progress",
    "response.completed",
    "response.incomplete",
    "response.failed",
    "error",
    "response.output_item.added",
    "response.output_item.done",
    "response.content_part.added",
    "response.content_part.done",
    "response.output_text.delta",
    "response.output_text.done",
    "response.output_text.annotation.added",
    "response.refusal.delta",
    "response.refusal.done",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.done",
    "response.custom_tool_call_input.delta",
    "response.custom_tool_call_input.done",
    "response.mcp_call_arguments.delta",
    "response.mcp_call_arguments.done",
    "response.reasoning_summary_part.added",
    "response.reasoning_summary_part.done",
    "response.reasoning_summary_text.delta",
    "response.reasoning_summary_text.done",
    "response.reasoning_text.delta",
    "response.reasoning_text.done",
    "response.web_search_call.in_progress",
    "response.web_search_call.searching",
    "response.web_search_call.completed",
    "response.file_search_call.in_progress",
    "response.file_search_call.searching",
    "response.file_search_call.completed",
    "response.code_interpreter_call.in_progress",
    "response.code_interpreter_call.interpreting",
    "response.code_interpreter_call.completed",
    "response.code_interpreter_call_code.delta",
    "response.code_interpreter_call_code.done",
    "response.image_generation_call.in_progress",
    "response.image_generation_call.generating",
    "response.image_generation_call.completed",
    "response.image_generation_call.partial_image",
    "response.mcp_call.in_progress",
    "response.mcp_call.completed",
    "response.mcp_call.failed",
    "response.mcp_list_tools.in_progress",
    "response.mcp_list_tools.completed",
    "response.mcp_list_tools.failed",
    "response.audio.delta",
    "response.audio.done",
    "response.audio.transcript.delta",
    "response.audio.transcript.done",
    "response.shell_call_command.added",
    "response.shell_call_command.delta",
    "response.shell_call_command.done",
    "response.shell_call_output_content.delta",
    "response.shell_call_output_content.done",
};

static void test_type_names_all_58(void **state)
{
    int i, j;
    int seen[DRIP_EV_RESPONSES_TYPES + 1];
    (void)state;
    memset(seen, 0, sizeof seen);
    assert_int_equal(DRIP_EV_RESPONSES_TYPES, 58);
    assert_int_equal(DRIP_EV_RESPONSES_COUNT_END_, 59);
    assert_int_equal(DRIP_EV_RESPONSE_CREATED, 1);
    assert_int_equal(DRIP_EV_SHELL_CALL_OUTPUT_CONTENT_DONE, 58);
    for (i = 0; i < DRIP_EV_RESPONSES_TYPES; i++) {
        const char *n = k_type_names[i];
        drip_event_type_t t = drip_event_type_of(n, strlen(n));
        if ((int)t != i + 1) {
            fail_msg("drip_event_type_of(\"%s\") = %d, want %d", n, (int)t, i + 1);
        }
        assert_int_equal(seen[t], 0);
        seen[t] = 1;
        /* the length counts, not a NUL: a longer buffer with the name as prefix */
        {
            char tmp[80];
            size_t len = strlen(n);
            memcpy(tmp, n, len);
            memcpy(tmp + len, "XYZ", 4);
            assert_int_equal(drip_event_type_of(tmp, len), t);
            assert_int_equal(drip_event_type_of(tmp, len + 1), DRIP_EV_UNKNOWN);
        }
        /* names are exact: every proper prefix and a one-byte extension are unknown */
        for (j = 0; j < (int)strlen(n); j++) {
            drip_event_type_t p = drip_event_type_of(n, (size_t)j);
            if (p != DRIP_EV_UNKNOWN) {
                /* a prefix may itself be a real name only if it is in the list */
                int k, found = 0;
                for (k = 0; k < DRIP_EV_RESPONSES_TYPES; k++) {
                    if (strlen(k_type_names[k]) == (size_t)j &&
                        memcmp(k_type_names[k], n, (size_t)j) == 0) {
                        found = k + 1;
                    }
                }
                if ((int)p != found) {
                    fail_msg("prefix '%.*s' of %s decodes as %d", j, n, n, (int)p);
                }
            }
        }
        /* a proper suffix (drop the first byte) is not a name */
        assert_int_equal(drip_event_type_of(n + 1, strlen(n) - 1), DRIP_EV_UNKNOWN);
        /* the terminal set */
        assert_int_equal(drip_event_is_terminal(t) != 0,
                         t == DRIP_EV_RESPONSE_COMPLETED || t == DRIP_EV_RESPONSE_INCOMPLETE ||
                             t == DRIP_EV_RESPONSE_FAILED);
    }
    for (i = 1; i <= DRIP_EV_RESPONSES_TYPES; i++) {
        assert_int_equal(seen[i], 1);
    }
}

static void test_type_names_unknown(void **state)
{
    static const char *const unknown[] = {
        "", "response.", "response", "response.x", "Response.created", "response.CREATED",
        "response.created ", " response.created", "response.createdd", "response.create",
        "errors", "erro", "ERROR", "response.error", "response.reasoning.delta",
        "response.reasoning.done", "response.reasoning_summary.delta",
        "response.reasoning_summary.done", "response.cancelled", "response.output_text",
        "response.output_text.", "response.output_text.annotation", "response.audio",
        "response.done", "response.future_thing.delta", "chat.completion.chunk",
        "response.output_text.delta.extra", "xresponse.created", "response..created",
        "response.shell_call_output_content", "response.shell_call_output_content.",
        "response.shell_call_output_content.donee", "response.mcp_call", "[DONE]",
        "response.function_call_arguments", "response.image_generation_call.partial",
        "response.web_search_call"};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        drip_event_type_t t = drip_event_type_of(unknown[i], strlen(unknown[i]));
        if (t != DRIP_EV_UNKNOWN) {
            fail_msg("'%s' decodes as %d, want UNKNOWN", unknown[i], (int)t);
        }
    }
    /* an embedded NUL inside the given length is not the name */
    assert_int_equal(drip_event_type_of("response.created\0", 17), DRIP_EV_UNKNOWN);
    assert_int_equal(drip_event_type_of("error\0", 6), DRIP_EV_UNKNOWN);
    assert_int_equal(drip_event_type_of(NULL, 0), DRIP_EV_UNKNOWN);
    assert_int_equal(drip_event_type_of("error", 5), DRIP_EV_ERROR);
}

/* The name's enum value if s[0..n) is exactly one of the 58, else 0. */
static int type_index_of(const char *s, size_t n)
{
    int k;
    for (k = 0; k < DRIP_EV_RESPONSES_TYPES; k++) {
        if (strlen(k_type_names[k]) == n && memcmp(k_type_names[k], s, n) == 0) {
            return k + 1;
        }
    }
    return 0;
}

static void expect_type(const char *s, size_t n)
{
    int got = (int)drip_event_type_of(s, n), want = type_index_of(s, n);
    if (got != want) {
        fail_msg("drip_event_type_of(\"%.*s\", %zu) = %d, want %d", (int)n, s, n, got, want);
    }
}

static void test_type_names_near_misses(void **state)
{
    /* The lookup hashes a few bytes and then compares one candidate: every
     * near miss of a real name must come out UNKNOWN (or as the real name it
     * happens to be). */
    static const char extra[] = "._aezAZ09 \0\x80\xff";
    char tmp[96];
    const char *pre[DRIP_EV_RESPONSES_TYPES], *suf[DRIP_EV_RESPONSES_TYPES];
    size_t pre_len[DRIP_EV_RESPONSES_TYPES];
    int i, j, npre = 0, nsuf = 0;
    uint32_t rng = 7;
    (void)state;
    for (i = 0; i < DRIP_EV_RESPONSES_TYPES; i++) {
        const char *n = k_type_names[i];
        size_t len = strlen(n), k, e;
        int v;
        expect_type(n, len);
        for (k = 0; k < len; k++) {
            /* one byte changed, to every value */
            memcpy(tmp, n, len);
            for (v = 0; v < 256; v++) {
                tmp[k] = (char)v;
                expect_type(tmp, len);
            }
            /* one byte dropped; one byte doubled */
            memcpy(tmp, n, k);
            memcpy(tmp + k, n + k + 1, len - k - 1);
            expect_type(tmp, len - 1);
            memcpy(tmp, n, k + 1);
            memcpy(tmp + k + 1, n + k, len - k);
            expect_type(tmp, len + 1);
            /* two neighbours swapped */
            if (k + 1 < len) {
                memcpy(tmp, n, len);
                tmp[k] = n[k + 1];
                tmp[k + 1] = n[k];
                expect_type(tmp, len);
            }
            /* shorter: every prefix, and every suffix */
            expect_type(n, k);
            expect_type(n + k + 1, len - k - 1);
        }
        /* longer by 1..12 random name bytes: about one in 64 of these lands
         * on the name's own hash slot, so the length check is exercised */
        for (v = 0; v < 400; v++) {
            size_t add = 1 + th_rand(&rng) % 12u;
            memcpy(tmp, n, len);
            for (e = 0; e < add; e++) {
                tmp[len + e] = "abcdefghijklmnopqrstuvwxyz._"[th_rand(&rng) % 28u];
            }
            expect_type(tmp, len + add);
        }
        /* longer: a byte before or after */
        for (e = 0; e < sizeof extra - 1; e++) {
            memcpy(tmp, n, len);
            tmp[len] = extra[e];
            expect_type(tmp, len + 1);
            tmp[0] = extra[e];
            memcpy(tmp + 1, n, len);
            expect_type(tmp, len + 1);
        }
        /* collect the prefixes and suffixes (split at the last dot) */
        if (strncmp(n, "response.", 9) == 0) {
            const char *d = strrchr(n + 9, '.');
            const char *sx = d != NULL ? d + 1 : n + 9;
            size_t pl = d != NULL ? (size_t)(d - (n + 9)) : 0;
            for (j = 0; j < nsuf && strcmp(suf[j], sx) != 0; j++) {
            }
            if (j == nsuf) {
                suf[nsuf++] = sx;
            }
            for (j = 0; j < npre && !(pre_len[j] == pl && memcmp(pre[j], n + 9, pl) == 0); j++) {
            }
            if (j == npre && pl > 0) {
                pre[npre] = n + 9;
                pre_len[npre++] = pl;
            }
        }
    }
    assert_int_equal(npre, 22);
    assert_int_equal(nsuf, 13);
    /* every prefix with every suffix, and every bare suffix: 13 + 22 x 13 names
     * built from the right pieces, of which only the 57 real ones are known */
    for (i = -1; i < npre; i++) {
        for (j = 0; j < nsuf; j++) {
            size_t n = 9;
            memcpy(tmp, "response.", 9);
            if (i >= 0) {
                memcpy(tmp + n, pre[i], pre_len[i]);
                n += pre_len[i];
                tmp[n++] = '.';
            }
            memcpy(tmp + n, suf[j], strlen(suf[j]));
            n += strlen(suf[j]);
            expect_type(tmp, n);
            /* and a prefix alone, with and without its dot */
            if (i >= 0) {
                expect_type(tmp, 9 + pre_len[i]);
                expect_type(tmp, 10 + pre_len[i]);
            }
        }
    }
}

static void test_unknown_type_decodes(void **state)
{
    (void)state;
    init_dec(DRIP_API_RESPONSES);
    ASSERT_ERR(dec("{\"type\":\"response.future_thing.delta\",\"sequence_number\":4,"
                   "\"item_id\":\"msg_1\",\"output_index\":0,\"delta\":\"x\",\"weird\":{\"a\":[1,2]}}"),
               DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_UNKNOWN);
    ASSERT_VIEW(g_ev.type_name, "response.future_thing.delta");
    assert_int_equal(g_ev.seq, 4);
    assert_int_equal(g_ev.oversize, 0);
    /* legacy names removed from the union */
    ASSERT_ERR(dec("{\"type\":\"response.reasoning.delta\",\"sequence_number\":1,\"delta\":\"r\"}"),
               DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_UNKNOWN);
    ASSERT_ERR(dec("{\"type\":\"response.reasoning_summary.delta\",\"delta\":\"r\"}"), DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_UNKNOWN);
    ASSERT_ERR(dec("{\"type\":\"response.\"}"), DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_UNKNOWN);
    ASSERT_ERR(dec("{\"type\":\"\"}"), DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_UNKNOWN);
    /* the SSE done marker */
    ASSERT_ERR(dec("[DONE]"), DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_DONE);
}

/* Speech type names belong to DRIP_API_SPEECH only: in a Responses stream
 * they are unknown types on both paths (else "speech.audio.done" ended a
 * Responses answer as completed and a "delta" string went to on_audio;
 * found by fuzz_event, regress/event/speech-type-in-responses). */
static void test_speech_names_outside_speech(void **state)
{
    static const char *const js[] = {
        "{\"type\":\"speech.audio.delta\",\"delta\":\"QUJD\",\"audio\":\"QUJD\"}",
        "{\"type\":\"speech.audio.done\",\"usage\":{\"input_tokens\":1}}",
    };
    drip_event_t ev;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof js / sizeof js[0]; i++) {
        init_dec(DRIP_API_RESPONSES);
        ASSERT_ERR(dec(js[i]), DRIP_OK);
        assert_int_equal(g_ev.type, DRIP_EV_UNKNOWN);
        init_dec(DRIP_API_RESPONSES);
        ASSERT_ERR(scan_pieces(&g_dec, js[i], strlen(js[i]), 7u + (uint32_t)i, &ev), DRIP_OK);
        assert_int_equal(ev.type, DRIP_EV_UNKNOWN);
        /* and they still are what they say under DRIP_API_SPEECH */
        init_dec(DRIP_API_SPEECH);
        ASSERT_ERR(dec(js[i]), DRIP_OK);
        assert_int_equal(g_ev.type, i == 0 ? DRIP_EV_SPEECH_AUDIO_DELTA : DRIP_EV_SPEECH_AUDIO_DONE);
    }
    /* and the reverse: Responses names in a speech stream are unknown ("error" is both's) */
    init_dec(DRIP_API_SPEECH);
    ASSERT_ERR(dec("{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\"}}"), DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_UNKNOWN);
    init_dec(DRIP_API_SPEECH);
    ASSERT_ERR(scan_pieces(&g_dec, "{\"type\":\"response.completed\"}", 29, 3u, &ev), DRIP_OK);
    assert_int_equal(ev.type, DRIP_EV_UNKNOWN);
    init_dec(DRIP_API_SPEECH);
    ASSERT_ERR(dec("{\"type\":\"error\",\"error\":{\"message\":\"m\"}}"), DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_ERROR);
}

/* ---- fields ------------------------------------------------------------ */

static void test_sequence_number(void **state)
{
    (void)state;
    init_dec(DRIP_API_RESPONSES);
    ASSERT_ERR(dec("{\"type\":\"response.output_text.delta\",\"delta\":\"a\"}"), DRIP_OK);
    assert_int_equal(g_ev.seq, -1);
    assert_int_equal(g_ev.output_index, -1);
    assert_int_equal(g_ev.content_index, -1);
    assert_int_equal(g_ev.summary_index, -1);
    ASSERT_ABSENT(g_ev.item_id);
    ASSERT_ERR(dec("{\"type\":\"response.output_text.delta\",\"sequence_number\":0}"), DRIP_OK);
    assert_int_equal(g_ev.seq, 0);
    ASSERT_ERR(dec("{\"type\":\"response.output_text.delta\",\"sequence_number\":null}"), DRIP_OK);
    assert_int_equal(g_ev.seq, -1);
    ASSERT_ERR(dec("{\"type\":\"response.created\",\"sequence_number\":9223372036854775799}"),
               DRIP_OK);
    assert_true(g_ev.seq == INT64_MAX - 8);
    ASSERT_ERR(dec("{\"type\":\"response.created\",\"sequence_number\":9223372036854775808}"),
               DRIP_ERR_JSON_RANGE);
    ASSERT_ERR(dec("{\"type\":\"response.created\",\"sequence_number\":99999999999999999999999}"),
               DRIP_ERR_JSON_RANGE);
    ASSERT_ERR(dec("{\"type\":\"response.created\",\"sequence_number\":1.5}"),
               DRIP_ERR_JSON_RANGE);
    ASSERT_ERR(dec("{\"type\":\"response.created\",\"sequence_number\":1e3}"),
               DRIP_ERR_JSON_RANGE);
    assert_int_not_equal(dec("{\"type\":\"response.created\",\"sequence_number\":-1}"), DRIP_OK);
    assert_int_not_equal(dec("{\"type\":\"response.created\",\"sequence_number\":-7}"), DRIP_OK);
    assert_int_not_equal(dec("{\"type\":\"response.created\",\"sequence_number\":\"5\"}"),
                         DRIP_OK);
    assert_int_not_equal(dec("{\"type\":\"response.created\",\"sequence_number\":true}"),
                         DRIP_OK);
    /* the scanner: same limits */
    {
        static const char mx[] = "{\"type\":\"response.created\",\"sequence_number\":9223372036854775807}";
        static const char ov[] = "{\"type\":\"response.created\",\"sequence_number\":9223372036854775808}";
        static const char fr[] = "{\"type\":\"response.created\",\"sequence_number\":1.5}";
        static const char ng[] = "{\"type\":\"response.created\",\"sequence_number\":-3}";
        static const char ab[] = "{\"type\":\"response.created\"}";
        drip_event_t sev;
        ASSERT_ERR(scan_pieces(&g_dec, ab, sizeof ab - 1, 1, &sev), DRIP_OK);
        assert_int_equal(sev.seq, -1);
        ASSERT_ERR(scan_pieces(&g_dec, ov, sizeof ov - 1, 1, &sev), DRIP_ERR_JSON_RANGE);
        ASSERT_ERR(scan_pieces(&g_dec, fr, sizeof fr - 1, 1, &sev), DRIP_ERR_JSON_RANGE);
        assert_int_not_equal(scan_pieces(&g_dec, ng, sizeof ng - 1, 1, &sev), DRIP_OK);
        ASSERT_ERR(scan_pieces(&g_dec, mx, sizeof mx - 1, 1, &sev), DRIP_OK);
        assert_true(sev.seq == INT64_MAX);
    }
    /* also for unknown types: the cursor is read whatever the type */
    ASSERT_ERR(dec("{\"type\":\"response.new\",\"sequence_number\":1.5}"), DRIP_ERR_JSON_RANGE);
    /* INT64_MAX itself is in range (only "> INT64" is DRIP_ERR_JSON_RANGE) */
    ASSERT_ERR(dec("{\"type\":\"response.created\",\"sequence_number\":9223372036854775807}"),
               DRIP_OK);
    assert_true(g_ev.seq == INT64_MAX);
}

static void test_index_ranges(void **state)
{
    static const char *const keys[] = {"output_index", "content_index", "summary_index"};
    char js[256];
    size_t k;
    (void)state;
    init_dec(DRIP_API_RESPONSES);
    for (k = 0; k < 3; k++) {
        int32_t *dst = k == 0 ? &g_ev.output_index
                              : (k == 1 ? &g_ev.content_index : &g_ev.summary_index);
        fmt(js, sizeof js, "{\"type\":\"response.output_text.delta\",\"%s\":0}", keys[k]);
        ASSERT_ERR(dec(js), DRIP_OK);
        assert_int_equal(*dst, 0);
        fmt(js, sizeof js, "{\"type\":\"response.output_text.delta\",\"%s\":2147483647}",
                 keys[k]);
        ASSERT_ERR(dec(js), DRIP_OK);
        assert_int_equal(*dst, INT32_MAX);
        fmt(js, sizeof js, "{\"type\":\"response.output_text.delta\",\"%s\":2147483648}",
                 keys[k]);
        ASSERT_ERR(dec(js), DRIP_ERR_JSON_RANGE);
        fmt(js, sizeof js, "{\"type\":\"response.output_text.delta\",\"%s\":-1}", keys[k]);
        assert_int_not_equal(dec(js), DRIP_OK);
        fmt(js, sizeof js, "{\"type\":\"response.output_text.delta\",\"%s\":0.5}", keys[k]);
        ASSERT_ERR(dec(js), DRIP_ERR_JSON_RANGE);
        fmt(js, sizeof js, "{\"type\":\"response.output_text.delta\",\"%s\":\"1\"}", keys[k]);
        assert_int_not_equal(dec(js), DRIP_OK);
    }
}

/* The same event with its keys in every order of a few permutations. */
static void test_key_order(void **state)
{
    static const char *const parts[] = {
        "\"type\":\"response.output_text.delta\"",
        "\"sequence_number\":12",
        "\"item_id\":\"msg_abc\"",
        "\"output_index\":3",
        "\"content_index\":1",
        "\"delta\":\"He\\u00e9\\\"\"",
        "\"logprobs\":[{\"token\":\"x\",\"logprob\":-0.5,\"top_logprobs\":[]}]",
        "\"obfuscation\":\"zzz\"",
        "\"extra\":{\"type\":\"other\",\"sequence_number\":99,\"delta\":\"no\"}",
    };
    enum { N = sizeof parts / sizeof parts[0] };
    int perm[N];
    uint32_t rs = 12345;
    int round, i;
    (void)state;
    init_dec(DRIP_API_RESPONSES);
    for (round = 0; round < 200; round++) {
        char js[1024];
        size_t n = 0;
        for (i = 0; i < N; i++) {
            perm[i] = i;
        }
        if (round == 1) { /* reversed */
            for (i = 0; i < N; i++) {
                perm[i] = N - 1 - i;
            }
        } else if (round > 1) {
            for (i = N - 1; i > 0; i--) {
                int j = (int)(th_rand(&rs) % (uint32_t)(i + 1)), t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
        }
        js[n++] = '{';
        for (i = 0; i < N; i++) {
            size_t l = strlen(parts[perm[i]]);
            if (i > 0) {
                js[n++] = ',';
            }
            memcpy(js + n, parts[perm[i]], l);
            n += l;
        }
        js[n++] = '}';
        js[n] = '\0';
        ASSERT_ERR(dec(js), DRIP_OK);
        assert_int_equal(g_ev.type, DRIP_EV_OUTPUT_TEXT_DELTA);
        assert_int_equal(g_ev.seq, 12);
        assert_int_equal(g_ev.output_index, 3);
        assert_int_equal(g_ev.content_index, 1);
        assert_int_equal(g_ev.summary_index, -1);
        ASSERT_VIEW(g_ev.item_id, "msg_abc");
        ASSERT_VIEW(g_ev.delta, "He\xc3\xa9\"");
        ASSERT_VIEW(g_ev.type_name, "response.output_text.delta");
        /* and the scanner agrees, whatever the order */
        {
            drip_event_t sev;
            ASSERT_ERR(scan_pieces(&g_dec, js, n, (uint32_t)round + 1u, &sev), DRIP_OK);
            assert_int_equal(sev.type, DRIP_EV_OUTPUT_TEXT_DELTA);
            assert_int_equal(sev.seq, 12);
            assert_int_equal(sev.output_index, 3);
            assert_int_equal(sev.content_index, 1);
            ASSERT_VIEW(sev.item_id, "msg_abc");
            ASSERT_VIEW(sev.delta, "He\xc3\xa9\"");
        }
    }
}

static void test_unescape(void **state)
{
    (void)state;
    init_dec(DRIP_API_RESPONSES);
    ASSERT_ERR(dec("{\"type\":\"response.output_text.delta\",\"delta\":"
                   "\"a\\u00e9\\u20ac\\ud83d\\ude00\\uD83D\\uDE00 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t"
                   "\\u0000z\\u007f\"}"),
               DRIP_OK);
    {
        static const char want[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf0\x9f\x98\x80 \"q\" \\ / "
                                   "\b\f\n\r\t\0z\x7f";
        assert_int_equal(g_ev.delta.n, sizeof want - 1);
        assert_memory_equal(g_ev.delta.p, want, sizeof want - 1);
    }
    /* raw UTF-8 passes through unchanged */
    ASSERT_ERR(dec("{\"type\":\"response.output_text.delta\",\"delta\":\"\xe2\x80\x99\xe4\xb8\xad\"}"),
               DRIP_OK);
    ASSERT_VIEW(g_ev.delta, "\xe2\x80\x99\xe4\xb8\xad");
    /* the scanner unescapes the same way */
    {
        static const char js[] = "{\"type\":\"response.output_text.delta\",\"delta\":"
                                  "\"\\ud83d\\ude00\\u00e9\\n\\\"\"}";
        drip_event_t sev;
        ASSERT_ERR(scan_pieces(&g_dec, js, sizeof js - 1, 7, &sev), DRIP_OK);
        ASSERT_VIEW(sev.delta, "\xf0\x9f\x98\x80\xc3\xa9\n\"");
        assert_int_equal(sev.oversize, 1);
    }
    /* bad escapes: tested on both paths in test_bad_escapes */
    /* a raw control byte inside a string is not JSON: an error either way */
    assert_int_not_equal(dec("{\"type\":\"response.output_text.delta\",\"delta\":\"a\nb\"}"),
                         DRIP_OK);
}

static void test_type_errors(void **state)
{
    (void)state;
    init_dec(DRIP_API_RESPONSES);
    ASSERT_ERR(dec("{\"sequence_number\":1,\"delta\":\"x\"}"), DRIP_ERR_EVENT_NO_TYPE);
    ASSERT_ERR(dec("{}"), DRIP_ERR_EVENT_NO_TYPE);
    ASSERT_ERR(dec("{\"response\":{\"type\":\"response.created\"}}"), DRIP_ERR_EVENT_NO_TYPE);
    assert_int_not_equal(dec("{\"type\":5}"), DRIP_OK);
    assert_int_not_equal(dec("{\"type\":{\"a\":1}}"), DRIP_OK);
    assert_int_not_equal(dec("{\"type\":[\"error\"]}"), DRIP_OK);
    assert_int_not_equal(dec("{\"type\":true}"), DRIP_OK);
    assert_int_not_equal(dec("{\"type\":null}"), DRIP_OK);
    ASSERT_ERR(dec("{\"type\":\"response.created\""), DRIP_ERR_JSON_INVALID);
    ASSERT_ERR(dec("{\"type\":\"response.created\"} x"), DRIP_ERR_JSON_INVALID);
    ASSERT_ERR(dec("{\"type\":\"response.created\"}{}"), DRIP_ERR_JSON_INVALID);
    ASSERT_ERR(dec("[1,2]"), DRIP_ERR_JSON_INVALID);
    ASSERT_ERR(dec("\"error\""), DRIP_ERR_JSON_INVALID);
    ASSERT_ERR(dec("hello"), DRIP_ERR_JSON_INVALID);
    ASSERT_ERR(dec(""), DRIP_ERR_JSON_INVALID);
    ASSERT_ERR(dec("{'type':'error'}"), DRIP_ERR_JSON_INVALID);
    /* trailing white space is fine */
    ASSERT_ERR(dec("{\"type\":\"response.created\"} \r\n"), DRIP_OK);
    /* the scanner: same errors */
    {
        drip_event_t sev;
        static const char nt[] = "{\"sequence_number\":1}";
        static const char bad[] = "{\"type\":\"response.created\"} x";
        static const char cut[] = "{\"type\":\"response.created\"";
        static const char num[] = "{\"type\":5}";
        ASSERT_ERR(scan_pieces(&g_dec, nt, sizeof nt - 1, 1, &sev), DRIP_ERR_EVENT_NO_TYPE);
        ASSERT_ERR(scan_pieces(&g_dec, bad, sizeof bad - 1, 1, &sev), DRIP_ERR_JSON_INVALID);
        ASSERT_ERR(scan_pieces(&g_dec, cut, sizeof cut - 1, 1, &sev), DRIP_ERR_JSON_INVALID);
        assert_int_not_equal(scan_pieces(&g_dec, num, sizeof num - 1, 1, &sev), DRIP_OK);
    }
}

/* Run `js` through both paths; append a line to `report` when a path does
 * not give `want`. Returns the number of mismatches (0..2). */
static int both_paths(const char *js, drip_err_t want, char *report, size_t cap, uint32_t seed)
{
    drip_event_t sev;
    drip_err_t te = dec(js);
    drip_err_t se = scan_pieces(&g_dec, js, strlen(js), seed, &sev);
    int bad = 0;
    size_t used = strlen(report);
    if (te != want) {
        used += (size_t)snprintf(report + used, cap - used, "\n    token path: %s -> %d (%s)", js,
                                 (int)te, drip_err_str(te));
        bad++;
    }
    if (se != want && used < cap) {
        used += (size_t)snprintf(report + used, cap - used, "\n    scanner:    %s -> %d (%s)", js,
                                 (int)se, drip_err_str(se));
        bad++;
    }
    return bad;
}

/* Unpaired surrogates are not errors (RFC 8259 8.2 leaves them to the
 * reader): in a delta, a half at either end stays in its 3-byte form for the
 * stream to join; elsewhere, and inside, U+FFFD. Both paths agree. */
static void test_unpaired_surrogates_both_paths(void **state)
{
    static const struct {
        const char *js, *delta, *msg;
    } cases[] = {
        {"{\"type\":\"response.output_text.delta\",\"delta\":\"\\ud83d\"}", "\xED\xA0\xBD", NULL},
        {"{\"type\":\"response.output_text.delta\",\"delta\":\"\\ud83dx\"}", "\xEF\xBF\xBDx", NULL},
        {"{\"type\":\"response.output_text.delta\",\"delta\":\"\\ud83d\\u0041\"}", "\xEF\xBF\xBD" "A", NULL},
        {"{\"type\":\"response.output_text.delta\",\"delta\":\"\\ude00\\ud83d\"}",
         "\xED\xB8\x80\xED\xA0\xBD", NULL},
        {"{\"type\":\"response.output_text.delta\",\"delta\":\"\\ude00\"}", "\xED\xB8\x80", NULL},
        {"{\"type\":\"response.output_text.delta\",\"delta\":\"a\\ude00b\"}", "a\xEF\xBF\xBD" "b", NULL},
        {"{\"type\":\"error\",\"error\":{\"message\":\"m\\ud83d\"}}", NULL, "m\xEF\xBF\xBD"},
        {"{\"type\":\"error\",\"error\":{\"message\":\"\\ude00m\"}}", NULL, "\xEF\xBF\xBDm"},
    };
    size_t i;
    (void)state;
    init_dec(DRIP_API_RESPONSES);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        drip_event_t sev;
        const char *want = cases[i].delta ? cases[i].delta : cases[i].msg;
        size_t n = strlen(want);
        drip_str_t got;
        assert_int_equal(dec(cases[i].js), DRIP_OK);
        got = cases[i].delta ? g_ev.delta : g_ev.error.message;
        if (got.n != n || memcmp(got.p, want, n) != 0) {
            fail_msg("token path, case %zu: %zu bytes", i, got.n);
        }
        assert_int_equal(scan_pieces(&g_dec, cases[i].js, strlen(cases[i].js), (uint32_t)i, &sev),
                         DRIP_OK);
        got = cases[i].delta ? sev.delta : sev.error.message;
        if (got.n != n || memcmp(got.p, want, n) != 0) {
            fail_msg("scanner, case %zu: %zu bytes", i, got.n);
        }
    }
}

/* A bad escape is DRIP_ERR_JSON_ESCAPE on both paths (drip_json.h, drip_err.h). */
static void test_bad_escapes(void **state)
{
    static const char *const bad[] = {
        "{\"type\":\"response.output_text.delta\",\"delta\":\"\\ud83d\\x41\"}",
        "{\"type\":\"response.output_text.delta\",\"delta\":\"\\x41\"}",
        "{\"type\":\"response.output_text.delta\",\"delta\":\"\\u12G4\"}",
        "{\"type\":\"response.output_text.delta\",\"delta\":\"\\u12\"}",
        "{\"type\":\"response.output_text.delta\",\"delta\":\"\\U00e9\"}",
        "{\"type\":\"response.output_text.delta\",\"delta\":\"a\\'b\"}",
        "{\"type\":\"error\",\"error\":{\"message\":\"\\q\"}}",
    };
    char report[4096] = "";
    size_t i;
    int nbad = 0;
    (void)state;
    init_dec(DRIP_API_RESPONSES);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nbad += both_paths(bad[i], DRIP_ERR_JSON_ESCAPE, report, sizeof report, (uint32_t)i + 3u);
    }
    if (nbad > 0) {
        fail_msg("%d bad-escape result(s) are not DRIP_ERR_JSON_ESCAPE:%s", nbad, report);
    }
}

/* Malformed JSON is DRIP_ERR_JSON_INVALID on both paths (drip_json.h): an
 * event must not decode or fail depending on which path its size picks. */
static void test_invalid_json_both_paths(void **state)
{
    static const char *const bad[] = {
        "{\"type\":\"response.created\"",
        "{\"type\":\"response.created\"} x",
        "{\"type\":\"response.created\",\"a\":1 2}",
        "{\"type\":\"response.created\",\"a\":{1:2}}",
        "{\"type\":\"response.created\",\"a\":+1}",
        "{\"type\":\"response.created\",\"a\":.5}",
        "{\"type\":\"response.created\",}",
        "{\"type\":\"response.created\",\"a\":[1,]}",
        "{\"type\":\"response.created\" \"a\":1}",
        "{\"type\" \"response.created\"}",
        "{\"type\":\"response.created\",\"a\":[1 2]}",
        "{\"type\":\"response.created\",\"a\":[,1]}",
        "{,\"type\":\"response.created\"}",
        "{\"type\":\"response.created\",:1}",
        "{\"type\":\"response.created\",\"a\":{\"b\"}}",
        "{\"type\":\"response.created\",\"a\":01}",
        "{\"type\":\"response.created\",\"a\":1.}",
        "{\"type\":\"response.created\",\"a\":1e}",
        "{\"type\":\"response.created\",\"a\":-}",
        "{\"type\":\"response.created\",\"a\":tru}",
        "{\"type\":\"response.created\",\"a\":nul}",
    };
    char report[8192] = "";
    size_t i;
    int nbad = 0;
    (void)state;
    init_dec(DRIP_API_RESPONSES);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        nbad += both_paths(bad[i], DRIP_ERR_JSON_INVALID, report, sizeof report, (uint32_t)i + 1u);
    }
    if (nbad > 0) {
        fail_msg("%d malformed-JSON result(s) are not DRIP_ERR_JSON_INVALID:%s", nbad, report);
    }
}

/* ---- errors, terminal events, usage ------------------------------------ */

static void test_error_event_nested(void **state)
{
    (void)state;
    init_dec(DRIP_API_RESPONSES);
    ASSERT_ERR(dec("{\"type\":\"error\",\"sequence_number\":2,\"error\":{\"type\":"
                   "\"invalid_request_error\",\"code\":\"context_length_exceeded\",\"message\":"
                   "\"Too long \\u2014 sorry\",\"param\":\"input\"}}"),
               DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_ERROR);
    assert_int_equal(g_ev.seq, 2);
    assert_true(g_ev.has_error);
    ASSERT_VIEW(g_ev.error.type, "invalid_request_error");
    ASSERT_VIEW(g_ev.error.code, "context_length_exceeded");
    ASSERT_VIEW(g_ev.error.message, "Too long \xe2\x80\x94 sorry");
    ASSERT_VIEW(g_ev.error.param, "input");
    /* code and param null */
    ASSERT_ERR(dec("{\"error\":{\"message\":\"m\",\"code\":null,\"param\":null,\"type\":\"tokens\"},"
                   "\"type\":\"error\"}"),
               DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_ERROR);
    assert_int_equal(g_ev.seq, -1);
    ASSERT_VIEW(g_ev.error.type, "tokens");
    ASSERT_ABSENT(g_ev.error.code);
    ASSERT_ABSENT(g_ev.error.param);
    ASSERT_VIEW(g_ev.error.message, "m");
}

static void test_error_event_flat(void **state)
{
    (void)state;
    init_dec(DRIP_API_RESPONSES);
    ASSERT_ERR(dec("{\"type\":\"error\",\"code\":\"rate_limit_exceeded\",\"message\":\"slow down\","
                   "\"param\":null,\"sequence_number\":1}"),
               DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_ERROR);
    assert_int_equal(g_ev.seq, 1);
    assert_true(g_ev.has_error);
    ASSERT_ABSENT(g_ev.error.type); /* "type" is the event's own, not the error's */
    ASSERT_VIEW(g_ev.error.code, "rate_limit_exceeded");
    ASSERT_VIEW(g_ev.error.message, "slow down");
    ASSERT_ABSENT(g_ev.error.param);
    /* and through the scanner */
    {
        static const char js[] = "{\"type\":\"error\",\"code\":\"rate_limit_exceeded\",\"message\":"
                                  "\"slow down\",\"param\":\"p\",\"sequence_number\":1}";
        drip_event_t sev;
        ASSERT_ERR(scan_pieces(&g_dec, js, sizeof js - 1, 5, &sev), DRIP_OK);
        assert_int_equal(sev.type, DRIP_EV_ERROR);
        assert_int_equal(sev.seq, 1);
        assert_true(sev.has_error);
        ASSERT_ABSENT(sev.error.type);
        ASSERT_VIEW(sev.error.code, "rate_limit_exceeded");
        ASSERT_VIEW(sev.error.message, "slow down");
        ASSERT_VIEW(sev.error.param, "p");
    }
}

static void test_chat_error_chunk(void **state)
{
    (void)state;
    init_dec(DRIP_API_CHAT);
    ASSERT_ERR(dec("{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\","
                   "\"param\":null,\"code\":null}}"),
               DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_ERROR);
    assert_true(g_ev.has_error);
    ASSERT_VIEW(g_ev.error.type, "server_error");
    ASSERT_VIEW(g_ev.error.message, "The server had an error");
    ASSERT_ABSENT(g_ev.error.code);
    ASSERT_ABSENT(g_ev.error.param);
    {
        static const char js[] = "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\","
                                  "\"param\":null,\"code\":\"c1\"}}";
        drip_event_t sev;
        ASSERT_ERR(scan_pieces(&g_dec, js, sizeof js - 1, 9, &sev), DRIP_OK);
        assert_int_equal(sev.type, DRIP_EV_ERROR);
        ASSERT_VIEW(sev.error.type, "server_error");
        ASSERT_VIEW(sev.error.code, "c1");
        ASSERT_VIEW(sev.error.message, "boom");
    }
    /* [DONE] on the Chat API too */
    ASSERT_ERR(dec("[DONE]"), DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_DONE);
}

static void test_failed_incomplete(void **state)
{
    (void)state;
    init_dec(DRIP_API_RESPONSES);
    ASSERT_ERR(dec("{\"type\":\"response.failed\",\"sequence_number\":9,\"response\":{\"id\":"
                   "\"resp_1\",\"object\":\"response\",\"status\":\"failed\",\"error\":{\"code\":"
                   "\"server_error\",\"message\":\"An error occurred\"},\"incomplete_details\":null,"
                   "\"output\":[],\"usage\":null}}"),
               DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_RESPONSE_FAILED);
    assert_true(drip_event_is_terminal(g_ev.type));
    assert_int_equal(g_ev.seq, 9);
    ASSERT_VIEW(g_ev.response_id, "resp_1");
    ASSERT_VIEW(g_ev.status, "failed");
    assert_true(g_ev.has_error);
    ASSERT_VIEW(g_ev.error.code, "server_error");
    ASSERT_VIEW(g_ev.error.message, "An error occurred");
    ASSERT_ABSENT(g_ev.error.type);
    ASSERT_ABSENT(g_ev.incomplete_reason);
    assert_false(g_ev.has_usage);

    /* error null: still a failure, no members */
    ASSERT_ERR(dec("{\"type\":\"response.failed\",\"response\":{\"id\":\"resp_2\",\"status\":"
                   "\"failed\",\"error\":null,\"usage\":null}}"),
               DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_RESPONSE_FAILED);
    ASSERT_VIEW(g_ev.response_id, "resp_2");
    ASSERT_ABSENT(g_ev.error.code);
    ASSERT_ABSENT(g_ev.error.message);
    ASSERT_ABSENT(g_ev.error.type);

    /* incomplete */
    ASSERT_ERR(dec("{\"type\":\"response.incomplete\",\"response\":{\"id\":\"resp_3\",\"status\":"
                   "\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"},"
                   "\"usage\":{\"input_tokens\":25,\"output_tokens\":16,\"total_tokens\":41}},"
                   "\"sequence_number\":30}"),
               DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_RESPONSE_INCOMPLETE);
    assert_true(drip_event_is_terminal(g_ev.type));
    assert_int_equal(g_ev.seq, 30);
    ASSERT_VIEW(g_ev.status, "incomplete");
    ASSERT_VIEW(g_ev.incomplete_reason, "max_output_tokens");
    assert_true(g_ev.has_usage);
    assert_int_equal(g_ev.usage.input_tokens, 25);
    assert_int_equal(g_ev.usage.output_tokens, 16);
    assert_int_equal(g_ev.usage.total_tokens, 41);
    assert_int_equal(g_ev.usage.reasoning_tokens, 0);
    assert_int_equal(g_ev.usage.cached_tokens, 0);
    ASSERT_ERR(dec("{\"type\":\"response.incomplete\",\"response\":{\"incomplete_details\":"
                   "{\"reason\":\"content_filter\"}}}"),
               DRIP_OK);
    ASSERT_VIEW(g_ev.incomplete_reason, "content_filter");
    ASSERT_ABSENT(g_ev.response_id);

    /* scanner: the same failed and incomplete events */
    {
        static const char f[] = "{\"type\":\"response.failed\",\"sequence_number\":9,\"response\":"
                                 "{\"id\":\"resp_1\",\"status\":\"failed\",\"error\":{\"code\":"
                                 "\"server_error\",\"message\":\"An error occurred\"},\"usage\":null}}";
        static const char fn[] = "{\"type\":\"response.failed\",\"response\":{\"id\":\"resp_2\","
                                  "\"status\":\"failed\",\"error\":null}}";
        static const char in[] = "{\"type\":\"response.incomplete\",\"response\":{\"id\":\"resp_3\","
                                  "\"incomplete_details\":{\"reason\":\"max_output_tokens\"}},"
                                  "\"sequence_number\":30}";
        drip_event_t sev;
        ASSERT_ERR(scan_pieces(&g_dec, f, sizeof f - 1, 2, &sev), DRIP_OK);
        assert_int_equal(sev.type, DRIP_EV_RESPONSE_FAILED);
        assert_true(sev.has_error);
        ASSERT_VIEW(sev.error.code, "server_error");
        ASSERT_VIEW(sev.error.message, "An error occurred");
        ASSERT_ABSENT(sev.error.type);
        ASSERT_VIEW(sev.status, "failed");
        ASSERT_ERR(scan_pieces(&g_dec, fn, sizeof fn - 1, 2, &sev), DRIP_OK);
        assert_int_equal(sev.type, DRIP_EV_RESPONSE_FAILED);
        ASSERT_ABSENT(sev.error.code);
        ASSERT_ABSENT(sev.error.message);
        ASSERT_ERR(scan_pieces(&g_dec, in, sizeof in - 1, 2, &sev), DRIP_OK);
        assert_int_equal(sev.type, DRIP_EV_RESPONSE_INCOMPLETE);
        ASSERT_VIEW(sev.incomplete_reason, "max_output_tokens");
        assert_int_equal(sev.seq, 30);
    }
}

static void test_usage(void **state)
{
    (void)state;
    init_dec(DRIP_API_RESPONSES);
    ASSERT_ERR(dec("{\"type\":\"response.completed\",\"sequence_number\":5,\"response\":{"
                   "\"id\":\"resp_u\",\"status\":\"completed\",\"usage\":{\"input_tokens\":1290,"
                   "\"input_tokens_details\":{\"cached_tokens\":1152},\"output_tokens\":500,"
                   "\"output_tokens_details\":{\"reasoning_tokens\":448},\"total_tokens\":1790}}}"),
               DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_RESPONSE_COMPLETED);
    assert_true(g_ev.has_usage);
    assert_int_equal(g_ev.usage.input_tokens, 1290);
    assert_int_equal(g_ev.usage.output_tokens, 500);
    assert_int_equal(g_ev.usage.total_tokens, 1790);
    assert_int_equal(g_ev.usage.cached_tokens, 1152);
    assert_int_equal(g_ev.usage.reasoning_tokens, 448);
    ASSERT_VIEW(g_ev.status, "completed");
    /* absent details: 0 */
    ASSERT_ERR(dec("{\"type\":\"response.completed\",\"response\":{\"usage\":{\"input_tokens\":3,"
                   "\"output_tokens\":4,\"total_tokens\":7}}}"),
               DRIP_OK);
    assert_true(g_ev.has_usage);
    assert_int_equal(g_ev.usage.input_tokens, 3);
    assert_int_equal(g_ev.usage.cached_tokens, 0);
    assert_int_equal(g_ev.usage.reasoning_tokens, 0);
    /* null details: 0 */
    ASSERT_ERR(dec("{\"type\":\"response.completed\",\"response\":{\"usage\":{\"input_tokens\":3,"
                   "\"input_tokens_details\":null,\"output_tokens\":4,\"output_tokens_details\":"
                   "null,\"total_tokens\":7}}}"),
               DRIP_OK);
    assert_int_equal(g_ev.usage.cached_tokens, 0);
    assert_int_equal(g_ev.usage.reasoning_tokens, 0);
    /* usage null: none */
    ASSERT_ERR(dec("{\"type\":\"response.created\",\"response\":{\"usage\":null}}"), DRIP_OK);
    assert_false(g_ev.has_usage);
    /* a bad count is an error */
    ASSERT_ERR(dec("{\"type\":\"response.completed\",\"response\":{\"usage\":{\"input_tokens\":1.5}}}"),
               DRIP_ERR_JSON_RANGE);
    /* large counts (64-bit) */
    ASSERT_ERR(dec("{\"type\":\"response.completed\",\"response\":{\"usage\":{\"input_tokens\":"
                   "5000000000,\"output_tokens\":0,\"total_tokens\":5000000000}}}"),
               DRIP_OK);
    assert_true(g_ev.usage.input_tokens == 5000000000LL);

    /* scanner, with the usage after a long output array */
    {
        static const char js[] =
            "{\"type\":\"response.completed\",\"response\":{\"id\":\"resp_u\",\"status\":"
            "\"completed\",\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\","
            "\"text\":\"hello \\\"x\\\"\",\"annotations\":[]}]}],\"usage\":{\"input_tokens\":1290,"
            "\"input_tokens_details\":{\"cached_tokens\":1152},\"output_tokens\":500,"
            "\"output_tokens_details\":{\"reasoning_tokens\":448},\"total_tokens\":1790}},"
            "\"sequence_number\":5}";
        drip_event_t sev;
        ASSERT_ERR(scan_pieces(&g_dec, js, sizeof js - 1, 4, &sev), DRIP_OK);
        assert_int_equal(sev.type, DRIP_EV_RESPONSE_COMPLETED);
        assert_int_equal(sev.seq, 5);
        assert_true(sev.has_usage);
        assert_int_equal(sev.usage.input_tokens, 1290);
        assert_int_equal(sev.usage.output_tokens, 500);
        assert_int_equal(sev.usage.total_tokens, 1790);
        assert_int_equal(sev.usage.cached_tokens, 1152);
        assert_int_equal(sev.usage.reasoning_tokens, 448);
        ASSERT_VIEW(sev.response_id, "resp_u");
        ASSERT_VIEW(sev.status, "completed");
    }
    /* Chat usage chunk: prompt/completion map to input/output */
    init_dec(DRIP_API_CHAT);
    ASSERT_ERR(dec("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
                   "\"usage\":{\"prompt_tokens\":53,\"completion_tokens\":15,\"total_tokens\":68,"
                   "\"prompt_tokens_details\":{\"cached_tokens\":9,\"audio_tokens\":0},"
                   "\"completion_tokens_details\":{\"reasoning_tokens\":2}}}"),
               DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_CHAT_CHUNK);
    ASSERT_VIEW(g_ev.response_id, "chatcmpl-1");
    assert_int_equal(g_ev.nchoices, 0);
    assert_true(g_ev.has_usage);
    assert_int_equal(g_ev.usage.input_tokens, 53);
    assert_int_equal(g_ev.usage.output_tokens, 15);
    assert_int_equal(g_ev.usage.total_tokens, 68);
    assert_int_equal(g_ev.usage.cached_tokens, 9);
    assert_int_equal(g_ev.usage.reasoning_tokens, 2);
    ASSERT_ERR(dec("{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},"
                   "\"finish_reason\":null}],\"usage\":null}"),
               DRIP_OK);
    assert_false(g_ev.has_usage);
    ASSERT_VIEW(g_ev.delta, "hi");
    ASSERT_ABSENT(g_ev.finish_reason);
}

/* ---- call table -------------------------------------------------------- */

static void item_added(const char *item_id, const char *call_id, const char *name, int idx)
{
    char js[1024];
    fmt(js, sizeof js,
             "{\"type\":\"response.output_item.added\",\"sequence_number\":%d,\"output_index\":%d,"
             "\"item\":{\"id\":\"%s\",\"type\":\"function_call\",\"status\":\"in_progress\","
             "\"arguments\":\"\",\"call_id\":\"%s\",\"name\":\"%s\"}}",
             idx + 2, idx, item_id, call_id, name);
    ASSERT_ERR(dec(js), DRIP_OK);
}

static drip_err_t item_added_err(const char *item_id, const char *call_id, const char *name)
{
    char js[1024];
    fmt(js, sizeof js,
             "{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"id\":\"%s\","
             "\"type\":\"function_call\",\"arguments\":\"\",\"call_id\":\"%s\",\"name\":\"%s\"}}",
             item_id, call_id, name);
    return dec(js);
}

static void args_delta(const char *item_id, const char *delta)
{
    char js[512];
    fmt(js, sizeof js,
             "{\"type\":\"response.function_call_arguments.delta\",\"item_id\":\"%s\","
             "\"output_index\":0,\"delta\":\"%s\",\"obfuscation\":\"abc\"}",
             item_id, delta);
    ASSERT_ERR(dec(js), DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_FUNCTION_CALL_ARGUMENTS_DELTA);
    ASSERT_VIEW(g_ev.item_id, item_id);
}

static void item_done(const char *item_id)
{
    char js[512];
    fmt(js, sizeof js,
             "{\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"id\":\"%s\","
             "\"type\":\"function_call\",\"status\":\"completed\",\"arguments\":\"{}\"}}",
             item_id);
    ASSERT_ERR(dec(js), DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_OUTPUT_ITEM_DONE);
}

static unsigned used_slots(void)
{
    unsigned i, n = 0;
    for (i = 0; i < NCALLS; i++) {
        n += drip_event_call(&g_dec, i) != NULL;
    }
    return n;
}

static void test_call_table_responses(void **state)
{
    (void)state;
    init_dec(DRIP_API_RESPONSES);
    assert_int_equal(used_slots(), 0);
    item_added("fc_1", "call_1", "get_weather", 0);
    assert_int_equal(g_ev.type, DRIP_EV_OUTPUT_ITEM_ADDED);
    ASSERT_VIEW(g_ev.item_type, "function_call");
    ASSERT_VIEW(g_ev.item_id, "fc_1");
    ASSERT_VIEW(g_ev.call_id, "call_1");
    ASSERT_VIEW(g_ev.name, "get_weather");
    ASSERT_VIEW(g_ev.status, "in_progress");
    assert_int_equal(used_slots(), 1);
    args_delta("fc_1", "{\\\"city\\\":");
    ASSERT_VIEW(g_ev.delta, "{\"city\":");
    ASSERT_VIEW(g_ev.call_id, "call_1");
    ASSERT_VIEW(g_ev.name, "get_weather");

    /* a second call in flight; deltas interleave */
    item_added("fc_2", "call_2", "get_time", 1);
    args_delta("fc_2", "{}");
    ASSERT_VIEW(g_ev.call_id, "call_2");
    ASSERT_VIEW(g_ev.name, "get_time");
    args_delta("fc_1", "\\\"Paris\\\"}");
    ASSERT_VIEW(g_ev.call_id, "call_1");
    ASSERT_VIEW(g_ev.name, "get_weather");
    /* an unknown item id: no call id, no error */
    args_delta("fc_zzz", "x");
    ASSERT_ABSENT(g_ev.call_id);
    ASSERT_ABSENT(g_ev.name);
    /* arguments.done carries the name (2026) or takes it from the table */
    ASSERT_ERR(dec("{\"type\":\"response.function_call_arguments.done\",\"item_id\":\"fc_1\","
                   "\"output_index\":0,\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}"),
               DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_FUNCTION_CALL_ARGUMENTS_DONE);
    ASSERT_VIEW(g_ev.text, "{\"city\":\"Paris\"}");
    ASSERT_VIEW(g_ev.call_id, "call_1");
    ASSERT_VIEW(g_ev.name, "get_weather");

    /* fill the table: 4 slots */
    item_added("fc_3", "call_3", "f3", 2);
    item_added("fc_4", "call_4", "f4", 3);
    assert_int_equal(used_slots(), 4);
    ASSERT_ERR(item_added_err("fc_5", "call_5", "f5"), DRIP_ERR_EVENT_CALL_TABLE_FULL);
    /* the same item added again does not take a second slot */
    item_added("fc_4", "call_4", "f4", 3);
    assert_int_equal(used_slots(), 4);

    /* output_item.done: the done event still sees the call; the slot is
     * freed when the next event is decoded */
    item_done("fc_1");
    ASSERT_VIEW(g_ev.call_id, "call_1");
    ASSERT_VIEW(g_ev.name, "get_weather");
    {
        unsigned i, closing = 0;
        for (i = 0; i < NCALLS; i++) {
            const drip_call_slot_t *c = drip_event_call(&g_dec, i);
            if (c != NULL && c->closing) {
                closing++;
                assert_int_equal(c->item_len, 4);
                assert_memory_equal(c->item_id, "fc_1", 4);
            }
        }
        assert_int_equal(closing, 1);
    }
    item_added("fc_5", "call_5", "f5", 4);
    assert_int_equal(used_slots(), 4);
    args_delta("fc_5", "{}");
    ASSERT_VIEW(g_ev.call_id, "call_5");
    ASSERT_VIEW(g_ev.name, "f5");
    args_delta("fc_1", "late");
    ASSERT_ABSENT(g_ev.call_id);
    args_delta("fc_2", "ok");
    ASSERT_VIEW(g_ev.call_id, "call_2");
    /* non-call items take no slot */
    item_done("fc_2");
    ASSERT_ERR(dec("{\"type\":\"response.output_item.added\",\"output_index\":6,\"item\":{"
                   "\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"in_progress\",\"content\":[],"
                   "\"role\":\"assistant\"}}"),
               DRIP_OK);
    ASSERT_VIEW(g_ev.item_type, "message");
    ASSERT_VIEW(g_ev.item_id, "msg_1");
    assert_int_equal(used_slots(), 3);
    ASSERT_ERR(dec("{\"type\":\"response.output_item.added\",\"output_index\":7,\"item\":{"
                   "\"id\":\"rs_1\",\"type\":\"reasoning\",\"summary\":[]}}"),
               DRIP_OK);
    assert_int_equal(used_slots(), 3);
    /* reset forgets every call */
    drip_event_reset(&g_dec);
    assert_int_equal(used_slots(), 0);
}

static void test_call_table_scanner(void **state)
{
    /* the scanner path fills and reads the same table */
    static const char add[] = "{\"type\":\"response.output_item.added\",\"output_index\":1,\"item\":"
                               "{\"id\":\"fc_s\",\"type\":\"function_call\",\"status\":\"in_progress\","
                               "\"arguments\":\"\",\"call_id\":\"call_s\",\"name\":\"scan_fn\"},"
                               "\"sequence_number\":4}";
    static const char delta[] = "{\"type\":\"response.function_call_arguments.delta\",\"delta\":"
                                 "\"{\\\"a\\\":1}\",\"item_id\":\"fc_s\",\"output_index\":1}";
    static const char done[] = "{\"type\":\"response.output_item.done\",\"item\":{\"id\":\"fc_s\","
                                "\"type\":\"function_call\",\"status\":\"completed\",\"arguments\":"
                                "\"{\\\"a\\\":1}\",\"call_id\":\"call_s\",\"name\":\"scan_fn\"}}";
    drip_event_t sev;
    (void)state;
    init_dec(DRIP_API_RESPONSES);
    ASSERT_ERR(scan_pieces(&g_dec, add, sizeof add - 1, 1, &sev), DRIP_OK);
    assert_int_equal(sev.type, DRIP_EV_OUTPUT_ITEM_ADDED);
    ASSERT_VIEW(sev.item_id, "fc_s");
    ASSERT_VIEW(sev.item_type, "function_call");
    ASSERT_VIEW(sev.call_id, "call_s");
    ASSERT_VIEW(sev.name, "scan_fn");
    assert_int_equal(sev.seq, 4);
    assert_int_equal(used_slots(), 1);
    /* token path reads what the scanner stored */
    args_delta("fc_s", "x");
    ASSERT_VIEW(g_ev.call_id, "call_s");
    ASSERT_VIEW(g_ev.name, "scan_fn");
    ASSERT_ERR(scan_pieces(&g_dec, delta, sizeof delta - 1, 2, &sev), DRIP_OK);
    assert_int_equal(sev.type, DRIP_EV_FUNCTION_CALL_ARGUMENTS_DELTA);
    ASSERT_VIEW(sev.delta, "{\"a\":1}");
    ASSERT_VIEW(sev.call_id, "call_s");
    ASSERT_VIEW(sev.name, "scan_fn");
    ASSERT_ERR(scan_pieces(&g_dec, done, sizeof done - 1, 3, &sev), DRIP_OK);
    ASSERT_VIEW(sev.call_id, "call_s");
    assert_int_equal(used_slots(), 1);
    args_delta("fc_s", "x"); /* next decode frees it */
    ASSERT_ABSENT(g_ev.call_id);
    assert_int_equal(used_slots(), 0);
}

static void test_call_table_id_too_long(void **state)
{
    char longid[DRIP_ID_MAX + 2], maxid[DRIP_ID_MAX + 1];
    (void)state;
    memset(longid, 'a', sizeof longid);
    longid[DRIP_ID_MAX + 1] = '\0'; /* DRIP_ID_MAX + 1 bytes */
    memset(maxid, 'b', sizeof maxid);
    maxid[DRIP_ID_MAX] = '\0'; /* exactly DRIP_ID_MAX: fits */
    init_dec(DRIP_API_RESPONSES);
    ASSERT_ERR(item_added_err(longid, "call_1", "f"), DRIP_ERR_EVENT_ID_TOO_LONG);
    ASSERT_ERR(item_added_err("fc_1", longid, "f"), DRIP_ERR_EVENT_ID_TOO_LONG);
    ASSERT_ERR(item_added_err("fc_1", "call_1", longid), DRIP_ERR_EVENT_ID_TOO_LONG);
    assert_int_equal(used_slots(), 0); /* a failed add leaves no half slot */
    ASSERT_ERR(item_added_err(maxid, maxid, maxid), DRIP_OK);
    assert_int_equal(used_slots(), 1);
    args_delta(maxid, "z");
    ASSERT_VIEW(g_ev.call_id, maxid);
    ASSERT_VIEW(g_ev.name, maxid);
    /* through the scanner: an id longer than DRIP_ID_MAX is refused too */
    {
        char js[512];
        drip_event_t sev;
        int n = fmt(js, sizeof js,
                         "{\"type\":\"response.output_item.added\",\"item\":{\"id\":\"fc_9\","
                         "\"type\":\"function_call\",\"call_id\":\"%s\",\"name\":\"f\"}}",
                         longid);
        ASSERT_ERR(scan_pieces(&g_dec, js, (size_t)n, 3, &sev), DRIP_ERR_EVENT_ID_TOO_LONG);
    }
    /* Chat: an over-long tool call id */
    init_dec(DRIP_API_CHAT);
    {
        char js[512];
        fmt(js, sizeof js,
                 "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                 "\"id\":\"%s\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":"
                 "\"\"}}]},\"finish_reason\":null}]}",
                 longid);
        ASSERT_ERR(dec(js), DRIP_ERR_EVENT_ID_TOO_LONG);
    }
}

static void chat_tool_chunk(const char *tools, const char *finish)
{
    char js[1024];
    fmt(js, sizeof js,
             "{\"id\":\"chatcmpl-T\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
             "\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{%s},\"logprobs\":null,"
             "\"finish_reason\":%s}]}",
             tools, finish);
    ASSERT_ERR(dec(js), DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_CHAT_CHUNK);
    ASSERT_VIEW(g_ev.type_name, "chat.completion.chunk");
    ASSERT_VIEW(g_ev.response_id, "chatcmpl-T");
    assert_int_equal(g_ev.nchoices, 1);
    assert_int_equal(g_ev.seq, -1);
}

static void tool(int32_t j, int32_t index, const char *id, const char *name, const char *args)
{
    drip_chat_tool_t t;
    ASSERT_ERR(drip_event_tool(&g_dec, 0, j, &t), DRIP_OK);
    assert_int_equal(t.index, index);
    ASSERT_VIEW(t.id, id);
    ASSERT_VIEW(t.name, name);
    ASSERT_VIEW(t.arguments, args);
}

static void test_call_table_chat(void **state)
{
    drip_chat_choice_t ch;
    (void)state;
    init_dec(DRIP_API_CHAT);
    chat_tool_chunk("\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":"
                    "\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                    "\"arguments\":\"\"}}],\"refusal\":null",
                    "null");
    ASSERT_ERR(drip_event_choice(&g_dec, 0, &ch), DRIP_OK);
    assert_int_equal(ch.index, 0);
    assert_int_equal(ch.ntools, 1);
    ASSERT_ABSENT(ch.content);
    ASSERT_ABSENT(ch.finish_reason);
    tool(0, 0, "call_a", "get_weather", "");
    assert_int_equal(used_slots(), 1);
    chat_tool_chunk("\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"\"}}]", "null");
    tool(0, 0, "call_a", "get_weather", "{\"");
    chat_tool_chunk("\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"city\"}}]", "null");
    tool(0, 0, "call_a", "get_weather", "city");
    /* out-of-range lookups */
    {
        drip_chat_tool_t t;
        drip_chat_choice_t c2;
        assert_int_not_equal(drip_event_tool(&g_dec, 0, 1, &t), DRIP_OK);
        assert_int_not_equal(drip_event_tool(&g_dec, 1, 0, &t), DRIP_OK);
        assert_int_not_equal(drip_event_choice(&g_dec, 1, &c2), DRIP_OK);
    }
    /* finish_reason closes the choice's calls; freed at the next decode */
    chat_tool_chunk("", "\"tool_calls\"");
    ASSERT_VIEW(g_ev.finish_reason, "tool_calls");
    {
        const drip_call_slot_t *c = drip_event_call(&g_dec, 0);
        assert_non_null(c);
        assert_true(c->closing);
    }
    chat_tool_chunk("\"content\":\"x\"", "null");
    assert_int_equal(used_slots(), 0);

    /* parallel tool calls: index 0 and 1, fragments interleaved */
    init_dec(DRIP_API_CHAT);
    chat_tool_chunk("\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_0\",\"type\":"
                    "\"function\",\"function\":{\"name\":\"GetWeatherArgs\",\"arguments\":\"\"}}]",
                    "null");
    chat_tool_chunk("\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"ci\"}}]", "null");
    tool(0, 0, "call_0", "GetWeatherArgs", "{\"ci");
    chat_tool_chunk("\"tool_calls\":[{\"index\":1,\"id\":\"call_1\",\"type\":\"function\","
                    "\"function\":{\"name\":\"get_stock_price\",\"arguments\":\"\"}}]",
                    "null");
    tool(0, 1, "call_1", "get_stock_price", "");
    assert_int_equal(used_slots(), 2);
    chat_tool_chunk("\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"{\\\"t\"}}]", "null");
    tool(0, 1, "call_1", "get_stock_price", "{\"t");
    chat_tool_chunk("\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ty\"}}]", "null");
    tool(0, 0, "call_0", "GetWeatherArgs", "ty");
    /* two fragments in one chunk */
    chat_tool_chunk("\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"A\"}},{\"index\":0,"
                    "\"function\":{\"arguments\":\"B\"}}]",
                    "null");
    ASSERT_ERR(drip_event_choice(&g_dec, 0, &ch), DRIP_OK);
    assert_int_equal(ch.ntools, 2);
    tool(0, 1, "call_1", "get_stock_price", "A");
    tool(1, 0, "call_0", "GetWeatherArgs", "B");
    /* more calls than slots: table full */
    chat_tool_chunk("\"tool_calls\":[{\"index\":2,\"id\":\"call_2\",\"function\":{\"name\":\"f2\","
                    "\"arguments\":\"\"}},{\"index\":3,\"id\":\"call_3\",\"function\":{\"name\":\"f3\","
                    "\"arguments\":\"\"}}]",
                    "null");
    assert_int_equal(used_slots(), 4);
    ASSERT_ERR(dec("{\"id\":\"chatcmpl-T\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{"
                   "\"index\":4,\"id\":\"call_4\",\"function\":{\"name\":\"f4\",\"arguments\":\"\"}}]},"
                   "\"finish_reason\":null}]}"),
               DRIP_ERR_EVENT_CALL_TABLE_FULL);
}

static void test_chat_chunks(void **state)
{
    drip_chat_choice_t ch;
    (void)state;
    init_dec(DRIP_API_CHAT);
    ASSERT_ERR(dec("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                   "\"model\":\"m\",\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"delta\":{"
                   "\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,"
                   "\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"q\"}"),
               DRIP_OK);
    assert_int_equal(g_ev.type, DRIP_EV_CHAT_CHUNK);
    ASSERT_VIEW(g_ev.delta, "");
    ASSERT_ABSENT(g_ev.refusal);
    ASSERT_ERR(dec("{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"I can\\u2019t\"},"
                   "\"finish_reason\":null}],\"id\":\"chatcmpl-1\"}"),
               DRIP_OK);
    ASSERT_VIEW(g_ev.refusal, "I can\xe2\x80\x99t");
    ASSERT_ABSENT(g_ev.delta);
    /* n=3: choice 2 */
    ASSERT_ERR(dec("{\"id\":\"c\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\"Z\"},"
                   "\"finish_reason\":\"stop\"}]}"),
               DRIP_OK);
    ASSERT_ERR(drip_event_choice(&g_dec, 0, &ch), DRIP_OK);
    assert_int_equal(ch.index, 2);
    ASSERT_VIEW(ch.content, "Z");
    ASSERT_VIEW(ch.finish_reason, "stop");
    /* a chunk with two choices */
    ASSERT_ERR(dec("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}},"
                   "{\"index\":1,\"delta\":{\"content\":\"b\"},\"finish_reason\":\"length\"}]}"),
               DRIP_OK);
    assert_int_equal(g_ev.nchoices, 2);
    ASSERT_ERR(drip_event_choice(&g_dec, 1, &ch), DRIP_OK);
    assert_int_equal(ch.index, 1);
    ASSERT_VIEW(ch.content, "b");
    ASSERT_VIEW(ch.finish_reason, "length");
}

/* ---- Chat parts (drip_event_set_chat) ------------------------------------ */

typedef struct parts_rec {
    th_buf_t log;
    int stop_at;      /* return `stop_rc` at this part (1-based); 0: never */
    drip_err_t stop_rc;
    int n;
} parts_rec_t;

static const drip_str_t k_absent = {NULL, 0};

static drip_err_t on_part(void *user, drip_event_t *ev, const drip_chat_part_t *part)
{
    static const char *const what[] = {"?", "CONTENT", "REFUSAL", "TOOL", "FINISH", "CALL_DONE"};
    parts_rec_t *r = (parts_rec_t *)user;
    assert_ptr_equal(ev, &g_ev); /* the decoded event itself */
    assert_int_equal(ev->type, DRIP_EV_CHAT_CHUNK);
    assert_true(part->what >= DRIP_CHAT_CONTENT && part->what <= DRIP_CHAT_CALL_DONE);
    drip_str_t text = k_absent;
    switch (part->what) {
    case DRIP_CHAT_CONTENT:
        text = part->choice.content;
        break;
    case DRIP_CHAT_REFUSAL:
        text = part->choice.refusal;
        break;
    case DRIP_CHAT_TOOL:
        text = part->call.arguments;
        break;
    case DRIP_CHAT_FINISH:
        text = part->choice.finish_reason;
        break;
    default:
        assert_null(part->call.arguments.p);
        break;
    }
    if (part->what != DRIP_CHAT_TOOL && part->what != DRIP_CHAT_CALL_DONE) {
        assert_int_equal(part->call.index, -1);
        assert_null(part->call.id.p);
    }
    /* absent views as "-" */
    th_buf_fmt(&r->log, "%s %d/%d [%.*s] %.*s %.*s\n", what[part->what], (int)part->choice.index,
               (int)part->call.index, (int)text.n, text.p ? text.p : "",
               part->call.id.p ? (int)part->call.id.n : 1, part->call.id.p ? part->call.id.p : "-",
               part->call.name.p ? (int)part->call.name.n : 1,
               part->call.name.p ? part->call.name.p : "-");
    r->n++;
    return r->n == r->stop_at ? r->stop_rc : DRIP_OK;
}

static void parts_reset(parts_rec_t *r)
{
    free(r->log.p);
    memset(r, 0, sizeof *r);
    th_buf_str(&r->log, "");
}

/* The decoder hands every choice of a chunk on in order: content, refusal,
 * each tool fragment (id and name from the table when not sent), the
 * finish_reason, then the calls it ended in tool_calls index order; a chunk
 * that fails hands nothing on; the receiver's code stops the decode. */
static void test_chat_parts(void **state)
{
    parts_rec_t r;
    (void)state;
    memset(&r, 0, sizeof r);
    parts_reset(&r);
    init_dec(DRIP_API_CHAT);
    drip_event_set_chat(&g_dec, on_part, &r);

    /* two choices; choice 0 opens calls 1 and 0 (in that order) and ends */
    ASSERT_ERR(dec("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\","
                   "\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"function\":{\"name\":\"fb\","
                   "\"arguments\":\"\"}},{\"index\":0,\"id\":\"call_a\",\"function\":{\"name\":"
                   "\"fa\",\"arguments\":\"{\"}}]},\"finish_reason\":\"tool_calls\"},{\"index\":1,"
                   "\"delta\":{\"refusal\":\"no\"},\"finish_reason\":\"stop\"}]}"),
               DRIP_OK);
    assert_string_equal(r.log.p, "CONTENT 0/-1 [a] - -\n"
                                 "TOOL 0/1 [] call_b fb\n"
                                 "TOOL 0/0 [{] call_a fa\n"
                                 "FINISH 0/-1 [tool_calls] - -\n"
                                 "CALL_DONE 0/0 [] call_a fa\n"
                                 "CALL_DONE 0/1 [] call_b fb\n"
                                 "REFUSAL 1/-1 [no] - -\n"
                                 "FINISH 1/-1 [stop] - -\n");
    /* the event keeps choice 0's members, as without a receiver */
    ASSERT_VIEW(g_ev.delta, "a");
    ASSERT_VIEW(g_ev.finish_reason, "tool_calls");
    assert_int_equal(g_ev.nchoices, 2);
    assert_int_equal(g_ev.choice, -1);

    /* the ended calls' slots are freed at this decode: a later fragment of
     * index 0 is a new call, whose id and name later fragments take from
     * the table */
    parts_reset(&r);
    ASSERT_ERR(dec("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":"
                   "0,\"id\":\"call_c\",\"function\":{\"name\":\"fc\",\"arguments\":\"\"}}]}}]}"),
               DRIP_OK);
    ASSERT_ERR(dec("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":"
                   "0,\"function\":{\"arguments\":\"{}\"}}]}}]}"),
               DRIP_OK);
    assert_string_equal(r.log.p, "TOOL 0/0 [] call_c fc\n"
                                 "TOOL 0/0 [{}] call_c fc\n");
    /* a chunk without the choice index: -1 (the call's key uses choice 0) */
    parts_reset(&r);
    ASSERT_ERR(dec("{\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"\"},\"finish_reason\":"
                   "\"length\"}]}"),
               DRIP_OK);
    assert_string_equal(r.log.p, "CONTENT -1/-1 [] - -\n"
                                 "FINISH -1/-1 [length] - -\n"
                                 "CALL_DONE -1/0 [] call_c fc\n");

    /* a chunk that fails hands nothing on, not even its first choice */
    parts_reset(&r);
    ASSERT_ERR(dec("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}},{\"index\":"
                   "1,\"delta\":{\"tool_calls\":[{\"index\":\"bad\"}]}}]}"),
               DRIP_ERR_EVENT_FIELD);
    assert_int_equal(r.n, 0);
    /* nor one that fills the call table */
    init_dec(DRIP_API_CHAT);
    drip_event_set_chat(&g_dec, on_part, &r);
    ASSERT_ERR(dec("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\",\"tool_calls\":["
                   "{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\"}},{\"index\":1,\"id\":\"b\","
                   "\"function\":{\"name\":\"f\"}},{\"index\":2,\"id\":\"c\",\"function\":{\"name\":"
                   "\"f\"}},{\"index\":3,\"id\":\"d\",\"function\":{\"name\":\"f\"}},{\"index\":4,"
                   "\"id\":\"e\",\"function\":{\"name\":\"f\"}}]}}]}"),
               DRIP_ERR_EVENT_CALL_TABLE_FULL);
    assert_int_equal(r.n, 0);

    /* the receiver stops the decode: its error as is, a positive code as
     * DRIP_ERR_CANCELLED */
    init_dec(DRIP_API_CHAT);
    drip_event_set_chat(&g_dec, on_part, &r);
    parts_reset(&r);
    r.stop_at = 2;
    r.stop_rc = (drip_err_t)1;
    ASSERT_ERR(dec("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},"
                   "\"finish_reason\":\"stop\"},{\"index\":1,\"delta\":{\"content\":\"y\"}}]}"),
               DRIP_ERR_CANCELLED);
    assert_int_equal(r.n, 2);
    parts_reset(&r);
    r.stop_at = 1;
    r.stop_rc = DRIP_ERR_EVENT_FIELD;
    ASSERT_ERR(dec("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}"),
               DRIP_ERR_EVENT_FIELD);
    assert_int_equal(r.n, 1);

    /* error chunks and chunks without choices hand nothing on; an oversize
     * chunk neither (its text goes out through drip_event_set_pieces) */
    parts_reset(&r);
    ASSERT_ERR(dec("{\"error\":{\"message\":\"m\",\"type\":\"t\"}}"), DRIP_OK);
    ASSERT_ERR(dec("{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,"
                   "\"completion_tokens\":2,\"total_tokens\":3}}"),
               DRIP_OK);
    {
        static const char big[] = "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"z\"},"
                                  "\"finish_reason\":\"stop\"}]}";
        drip_event_t sev;
        ASSERT_ERR(scan_pieces(&g_dec, big, sizeof big - 1, 7, &sev), DRIP_OK);
        assert_int_equal(sev.oversize, 1);
        ASSERT_VIEW(sev.finish_reason, "stop");
    }
    assert_int_equal(r.n, 0);
    free(r.log.p);
}

/* ---- oversize path ------------------------------------------------------ */

static void test_delta_too_large(void **state)
{
    char delta[TEST_ARENA + 64];
    char js[TEST_ARENA * 2 + 512];
    drip_event_t sev;
    int n;
    (void)state;
    memset(delta, 'x', sizeof delta - 1);
    delta[sizeof delta - 1] = '\0';
    init_dec(DRIP_API_RESPONSES);
    /* sequence_number before the delta */
    n = fmt(js, sizeof js,
                 "{\"type\":\"response.output_text.delta\",\"sequence_number\":7,\"item_id\":"
                 "\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"%s\"}",
                 delta);
    ASSERT_ERR(scan_pieces(&g_dec, js, (size_t)n, 11, &sev), DRIP_ERR_EVENT_DELTA_TOO_LARGE);
    /* the token path takes it whole */
    ASSERT_ERR(dec(js), DRIP_OK);
    assert_int_equal(g_ev.delta.n, sizeof delta - 1);
    /* the key order of responses-background: sequence_number after the delta */
    n = fmt(js, sizeof js,
                 "{\"type\":\"response.output_text.delta\",\"delta\":\"%s\",\"logprobs\":[],"
                 "\"item_id\":\"msg_1\",\"content_index\":0,\"output_index\":0,"
                 "\"sequence_number\":7}",
                 delta);
    ASSERT_ERR(scan_pieces(&g_dec, js, (size_t)n, 12, &sev), DRIP_ERR_EVENT_DELTA_TOO_LARGE);
    /* every text delta type */
    {
        static const char *const types[] = {
            "response.refusal.delta", "response.function_call_arguments.delta",
            "response.reasoning_summary_text.delta", "response.reasoning_text.delta",
            "response.custom_tool_call_input.delta", "response.mcp_call_arguments.delta",
            "response.code_interpreter_call_code.delta", "response.audio.transcript.delta",
            "response.shell_call_command.delta"};
        size_t i;
        for (i = 0; i < sizeof types / sizeof types[0]; i++) {
            n = fmt(js, sizeof js, "{\"type\":\"%s\",\"sequence_number\":3,\"delta\":\"%s\"}",
                         types[i], delta);
            if (scan_pieces(&g_dec, js, (size_t)n, (uint32_t)i + 1u, &sev) !=
                DRIP_ERR_EVENT_DELTA_TOO_LARGE) {
                fail_msg("%s with a %zu-byte delta: not DRIP_ERR_EVENT_DELTA_TOO_LARGE", types[i],
                         sizeof delta - 1);
            }
        }
    }
    /* a delta that fits the arena is kept */
    n = fmt(js, sizeof js,
                 "{\"type\":\"response.output_text.delta\",\"sequence_number\":7,\"item_id\":"
                 "\"msg_1\",\"delta\":\"%.100s\"}",
                 delta);
    ASSERT_ERR(scan_pieces(&g_dec, js, (size_t)n, 13, &sev), DRIP_OK);
    assert_int_equal(sev.delta.n, 100);
    assert_int_equal(sev.oversize, 1);
}

/* Any delta size through the scanner, in both real key orders: the event
 * decodes whole (delta, item_id, sequence_number exact) or is refused as
 * DRIP_ERR_EVENT_DELTA_TOO_LARGE; never another error (the 54-byte item id
 * is not too long) and never a cut value. */
static void test_delta_sizes_scanner(void **state)
{
    static const char item[] = "msg_0da443d9ee8333600069950a0635d88196b2d9243b08e8cc01";
    char delta[TEST_ARENA + 65];
    char js[TEST_ARENA * 2 + 512];
    char report[4096] = "";
    size_t used = 0;
    int order, nbad = 0, kept_max[2] = {0, 0};
    size_t L;
    (void)state;
    init_dec(DRIP_API_RESPONSES);
    for (order = 0; order < 2; order++) {
        for (L = 0; L <= TEST_ARENA + 64; L++) {
            drip_event_t sev;
            drip_err_t e;
            int n;
            memset(delta, 'a' + (int)(L % 26), L);
            delta[L] = '\0';
            if (order == 0) { /* responses-text-gpt52: sequence_number and item_id first */
                n = fmt(js, sizeof js,
                        "{\"type\":\"response.output_text.delta\",\"sequence_number\":7,"
                        "\"item_id\":\"%s\",\"output_index\":0,\"content_index\":0,\"delta\":"
                        "\"%s\",\"logprobs\":[],\"obfuscation\":\"abc\"}",
                        item, delta);
            } else { /* responses-background: delta first */
                n = fmt(js, sizeof js,
                        "{\"type\":\"response.output_text.delta\",\"delta\":\"%s\",\"logprobs\":[],"
                        "\"item_id\":\"%s\",\"content_index\":0,\"output_index\":0,"
                        "\"sequence_number\":7}",
                        delta, item);
            }
            e = scan_pieces(&g_dec, js, (size_t)n, (uint32_t)L + 1u, &sev);
            if (e == DRIP_OK) {
                if (!view_is(sev.delta, delta) || !view_is(sev.item_id, item) || sev.seq != 7) {
                    nbad++;
                    if (used < sizeof report - 200) {
                        used += (size_t)snprintf(report + used, sizeof report - used,
                                                 "\n    order %d, delta %zu B: decoded with wrong "
                                                 "fields", order, L);
                    }
                }
                kept_max[order] = (int)L;
            } else if (e != DRIP_ERR_EVENT_DELTA_TOO_LARGE) {
                nbad++;
                if (used < sizeof report - 200) {
                    used += (size_t)snprintf(report + used, sizeof report - used,
                                             "\n    order %d (%s), delta %zu B: %d (%s)", order,
                                             order ? "delta before item_id" : "item_id first", L,
                                             (int)e, drip_err_str(e));
                }
            }
        }
    }
    print_message("  largest delta kept by the scanner: %d B (ids first), %d B (delta first); "
                  "TEST_ARENA %d\n",
                  kept_max[0], kept_max[1], TEST_ARENA);
    if (nbad > 0) {
        fail_msg("%d delta sizes neither decode whole nor give DRIP_ERR_EVENT_DELTA_TOO_LARGE "
                 "(first ones):%s",
                 nbad, report);
    }
}

/* Media deltas (audio, partial images) are not text: an oversize one decodes
 * as a flagged event without its delta (drip_event.c decisions), whatever
 * the key order. */
static void test_media_delta_oversize(void **state)
{
    char b64[TEST_ARENA * 4];
    char js[TEST_ARENA * 4 + 256];
    drip_event_t sev;
    int n;
    (void)state;
    memset(b64, 'A', sizeof b64 - 1);
    b64[sizeof b64 - 1] = '\0';
    init_dec(DRIP_API_RESPONSES);
    n = fmt(js, sizeof js, "{\"type\":\"response.audio.delta\",\"sequence_number\":8,"
                                "\"delta\":\"%s\"}", b64);
    ASSERT_ERR(scan_pieces(&g_dec, js, (size_t)n, 1, &sev), DRIP_OK);
    assert_int_equal(sev.type, DRIP_EV_AUDIO_DELTA);
    assert_int_equal(sev.seq, 8);
    assert_int_equal(sev.oversize, 1);
    ASSERT_ABSENT(sev.delta);
    /* sequence_number after the large value */
    n = fmt(js, sizeof js, "{\"type\":\"response.audio.delta\",\"delta\":\"%s\","
                                "\"sequence_number\":8}", b64);
    {
        drip_err_t e = scan_pieces(&g_dec, js, (size_t)n, 2, &sev);
        if (e != DRIP_OK) {
            fail_msg("audio.delta {type, delta(%zu B), sequence_number} through the scanner: "
                     "%d (%s), want DRIP_OK (the delta overflows the %d-byte arena and takes "
                     "the sequence_number captured after it down with it)",
                     sizeof b64 - 1, (int)e, drip_err_str(e), TEST_ARENA);
        }
        assert_int_equal(sev.seq, 8);
    }
}

/* A too-small token array: drip_event_decode falls back to the scanner. */
static void test_small_token_array_fallback(void **state)
{
    jsmntok_t tok8[8];
    drip_call_slot_t calls[2];
    drip_event_dec_t d8;
    drip_event_t ev8;
    static const char delta[] = "{\"type\":\"response.output_text.delta\",\"sequence_number\":4,"
                                 "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,"
                                 "\"delta\":\"caf\\u00e9\",\"logprobs\":[],\"obfuscation\":\"x\"}";
    static const char done[] = "{\"type\":\"response.completed\",\"sequence_number\":9,\"response\":{"
                                "\"id\":\"resp_small\",\"status\":\"completed\",\"output\":[1,2,3,4,5,6,7,8],"
                                "\"usage\":{\"input_tokens\":1,\"output_tokens\":2,\"total_tokens\":3}}}";
    char buf[512];
    (void)state;
    ASSERT_ERR(drip_event_init(&d8, DRIP_API_RESPONSES, tok8, 8, calls, 2), DRIP_OK);
    memcpy(buf, delta, sizeof delta);
    ASSERT_ERR(drip_event_decode(&d8, buf, sizeof delta - 1, &ev8), DRIP_OK);
    assert_int_equal(ev8.type, DRIP_EV_OUTPUT_TEXT_DELTA);
    assert_int_equal(ev8.oversize, 1);
    assert_int_equal(ev8.seq, 4);
    assert_int_equal(ev8.output_index, 0);
    assert_int_equal(ev8.content_index, 0);
    ASSERT_VIEW(ev8.item_id, "msg_1");
    ASSERT_VIEW(ev8.delta, "caf\xc3\xa9");
    memcpy(buf, done, sizeof done);
    ASSERT_ERR(drip_event_decode(&d8, buf, sizeof done - 1, &ev8), DRIP_OK);
    assert_int_equal(ev8.type, DRIP_EV_RESPONSE_COMPLETED);
    assert_int_equal(ev8.oversize, 1);
    ASSERT_VIEW(ev8.response_id, "resp_small");
    ASSERT_VIEW(ev8.status, "completed");
    assert_true(ev8.has_usage);
    assert_int_equal(ev8.usage.total_tokens, 3);
    /* with 64 tokens the same events decode fully */
    init_dec(DRIP_API_RESPONSES);
    ASSERT_ERR(dec(delta), DRIP_OK);
    assert_int_equal(g_ev.oversize, 0);
    /* a delta larger than the scanner's own arena through the fallback: the
     * event's bytes are its arena and hold every capture (no reserves), so
     * it is delivered whole, not dropped (before the arena was lent it was
     * refused, DRIP_ERR_EVENT_DELTA_TOO_LARGE: also not dropped) */
    {
        char big[TEST_ARENA + 200];
        char js[TEST_ARENA * 2 + 512];
        int n;
        memset(big, 'y', sizeof big - 1);
        big[sizeof big - 1] = '\0';
        n = fmt(js, sizeof js,
                     "{\"type\":\"response.output_text.delta\",\"sequence_number\":4,\"item_id\":"
                     "\"m\",\"output_index\":0,\"content_index\":0,\"delta\":\"%s\",\"logprobs\":[]}",
                     big);
        ASSERT_ERR(drip_event_decode(&d8, js, (size_t)n, &ev8), DRIP_OK);
        assert_int_equal(ev8.oversize, 1);
        ASSERT_VIEW(ev8.delta, big);
    }
    /* invalid JSON with too many tokens is still invalid */
    {
        static const char bad[] = "{\"type\":\"response.created\",\"a\":[1,2,3,4,5,6,7,8,9],}";
        memcpy(buf, bad, sizeof bad);
        ASSERT_ERR(drip_event_decode(&d8, buf, sizeof bad - 1, &ev8), DRIP_ERR_JSON_INVALID);
    }
}

/* ---- every transcript: scanner == token path ---------------------------- */

static const char *const k_transcripts[] = {
    "responses-text-gpt52.sse",
    "responses-function-call-gpt5.sse",
    "responses-reasoning-summary-o3mini.sse",
    "responses-background.sse",
    "responses-legacy-noseq.sse",
    "responses-legacy-noseq-function-call.sse",
    "responses-error-quota.sse",
    "chat-text.sse",
    "chat-tool-call.sse",
    "chat-parallel-tools.sse",
    "chat-refusal.sse",
    "chat-length.sse",
    "chat-n3.sse",
    "chat-usage-obfuscation-2026.sse",
    "chat-text-obfuscation-2026.sse",
    "chat-moderation-2026.sse",
};

static int views_equal(drip_str_t a, drip_str_t b)
{
    if (a.p == NULL || b.p == NULL) {
        return a.p == b.p;
    }
    return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

#define CMP_VIEW(f)                                                                            \
    do {                                                                                       \
        if (!views_equal(tev->f, sev->f)) {                                                    \
            fail_msg("%s event #%d (%.*s): %s token '%.*s'%s vs scanner '%.*s'%s", name, idx,  \
                     (int)tev->type_name.n, tev->type_name.p, #f, (int)tev->f.n,               \
                     tev->f.p ? tev->f.p : "", tev->f.p ? "" : " (absent)", (int)sev->f.n,     \
                     sev->f.p ? sev->f.p : "", sev->f.p ? "" : " (absent)");                   \
        }                                                                                      \
    } while (0)

#define CMP_INT(f)                                                                             \
    do {                                                                                       \
        if (tev->f != sev->f) {                                                                \
            fail_msg("%s event #%d (%.*s): %s token %lld vs scanner %lld", name, idx,          \
                     (int)tev->type_name.n, tev->type_name.p, #f, (long long)tev->f,           \
                     (long long)sev->f);                                                       \
        }                                                                                      \
    } while (0)

static void compare_events(const char *name, int idx, int chat, const drip_event_t *tev,
                           const drip_event_t *sev)
{
    CMP_INT(type);
    CMP_VIEW(type_name);
    CMP_INT(seq);
    CMP_VIEW(response_id);
    CMP_INT(has_usage);
    if (tev->has_usage) {
        CMP_INT(usage.input_tokens);
        CMP_INT(usage.output_tokens);
        CMP_INT(usage.total_tokens);
        CMP_INT(usage.reasoning_tokens);
        CMP_INT(usage.cached_tokens);
    }
    CMP_INT(has_error);
    if (tev->has_error) {
        CMP_VIEW(error.type);
        CMP_VIEW(error.code);
        CMP_VIEW(error.param);
        if (sev->error.message_cut) {
            /* kept only in part by the scanner's arena: a flagged prefix */
            if (tev->error.message.p == NULL || sev->error.message.p == NULL ||
                sev->error.message.n > tev->error.message.n ||
                memcmp(tev->error.message.p, sev->error.message.p, sev->error.message.n) != 0) {
                fail_msg("%s event #%d: cut error message is not a prefix", name, idx);
            }
        } else {
            CMP_VIEW(error.message);
        }
    }
    if (chat) {
        /* the scanner keeps choices[].delta.content / refusal / finish_reason */
        CMP_VIEW(delta);
        CMP_VIEW(refusal);
        CMP_VIEW(finish_reason);
        return;
    }
    CMP_INT(output_index);
    CMP_INT(content_index);
    CMP_INT(summary_index);
    CMP_VIEW(item_id);
    CMP_VIEW(status);
    CMP_VIEW(incomplete_reason);
    CMP_VIEW(item_type);
    CMP_VIEW(call_id);
    CMP_VIEW(name);
    /* text deltas: the scanner keeps them whole or refuses the event */
    CMP_VIEW(delta);
}

/* Split an SSE body (LF only, as every transcript is) into data lines. */
typedef struct {
    const char *p;
    size_t n;
} line_t;

static size_t data_lines(const unsigned char *body, size_t len, line_t *out, size_t cap)
{
    size_t i = 0, k = 0;
    while (i < len) {
        size_t e = i;
        while (e < len && body[e] != '\n') {
            e++;
        }
        if (e - i >= 6 && memcmp(body + i, "data: ", 6) == 0) {
            assert_true(k < cap);
            out[k].p = (const char *)body + i + 6;
            out[k].n = e - i - 6;
            k++;
        }
        i = e + 1;
    }
    return k;
}

static void test_scanner_equals_tokens_on_transcripts(void **state)
{
    static jsmntok_t big_tok[16384];
    static drip_call_slot_t tcalls[NCALLS], scalls[NCALLS];
    static drip_event_dec_t tdec, sdec;
    static line_t lines[2048];
    size_t f;
    (void)state;
    for (f = 0; f < sizeof k_transcripts / sizeof k_transcripts[0]; f++) {
        const char *name = k_transcripts[f];
        int chat = strncmp(name, "chat-", 5) == 0;
        drip_api_t api = chat ? DRIP_API_CHAT : DRIP_API_RESPONSES;
        size_t len = 0, nl, i;
        unsigned char *body = th_transcript(name, &len);
        int compared = 0, skipped_tools = 0, via_fallback = 0;
        if (body == NULL) {
            fail_msg("missing transcript %s", name);
        }
        static char tarena[TEST_ARENA], sarena[TEST_ARENA];
        ASSERT_ERR(drip_event_init(&tdec, api, big_tok, 16384, tcalls, NCALLS), DRIP_OK);
        ASSERT_ERR(drip_event_init(&sdec, api, big_tok, 16384, scalls, NCALLS), DRIP_OK);
        drip_event_set_arena(&tdec, tarena, sizeof tarena);
        drip_event_set_arena(&sdec, sarena, sizeof sarena);
        init_dec(api);
        nl = data_lines(body, len, lines, 2048);
        assert_true(nl > 0);
        for (i = 0; i < nl; i++) {
            static char tbuf[16384], gbuf[16384];
            drip_event_t tev, sev, gev;
            drip_err_t te, se, ge;
            int idx = (int)i;
            assert_true(lines[i].n < sizeof tbuf);
            memcpy(tbuf, lines[i].p, lines[i].n);
            te = drip_event_decode(&tdec, tbuf, lines[i].n, &tev);
            if (te != DRIP_OK) {
                fail_msg("%s event #%d: token path error %d (%s)", name, idx, (int)te,
                         drip_err_str(te));
            }
            assert_int_equal(tev.oversize, 0);
            if (tev.type == DRIP_EV_DONE) {
                continue;
            }
            se = scan_pieces(&sdec, lines[i].p, lines[i].n, (uint32_t)(f * 1000u + i + 1u), &sev);
            if (chat && se == DRIP_ERR_EVENT_DELTA_TOO_LARGE) {
                /* tool_calls fragments are not kept by the scanner: documented */
                drip_chat_choice_t ch;
                ASSERT_ERR(drip_event_choice(&tdec, 0, &ch), DRIP_OK);
                assert_true(ch.ntools > 0);
                skipped_tools++;
                /* keep the scanner's call table in step with the token path's */
                memcpy(scalls, tcalls, sizeof scalls);
                continue;
            }
            if (se != DRIP_OK) {
                fail_msg("%s event #%d (%.*s, %zu bytes): scanner error %d (%s)", name, idx,
                         (int)tev.type_name.n, tev.type_name.p, lines[i].n, (int)se,
                         drip_err_str(se));
            }
            assert_int_equal(sev.oversize, 1);
            compare_events(name, idx, chat, &tev, &sev);
            compared++;
            /* the 64-token decoder: the token path, or the scanner transparently */
            assert_true(lines[i].n < sizeof gbuf);
            memcpy(gbuf, lines[i].p, lines[i].n);
            ge = drip_event_decode(&g_dec, gbuf, lines[i].n, &gev);
            if (chat && ge == DRIP_ERR_EVENT_DELTA_TOO_LARGE) {
                continue;
            }
            if (ge != DRIP_OK) {
                fail_msg("%s event #%d: 64-token decode error %d (%s)", name, idx, (int)ge,
                         drip_err_str(ge));
            }
            via_fallback += gev.oversize;
            compare_events(name, idx, chat, &tev, &gev);
        }
        print_message("  %-42s %3zu events, %3d compared, %2d via 64-token fallback, %d chat "
                      "tool chunks skipped\n",
                      name, nl, compared, via_fallback, skipped_tools);
        free(body);
    }
}

/* ---- fuzz findings (tests/fuzz/regress/event) -------------------------- */

/* Token path and scanner (in pieces) on the same text, for `api`. */
static void both(drip_api_t api, const char *js, drip_err_t *te, drip_event_t *tev, drip_err_t *se,
                 drip_event_t *sev)
{
    static drip_event_dec_t ds;
    static char arena[TEST_ARENA];
    init_dec(api);
    *te = dec(js);
    *tev = g_ev;
    ASSERT_ERR(drip_event_init(&ds, api, g_tok, NTOK, g_calls, NCALLS), DRIP_OK);
    drip_event_set_arena(&ds, arena, sizeof arena);
    *se = scan_pieces(&ds, js, strlen(js), 7u, sev);
}

/* fuzz_event: a root that is not an object was JSON_INVALID on the token
 * path but "no type" (Chat: an empty chunk) once it went to the scanner,
 * by size or by token count. */
static void test_fuzz_root_not_object(void **state)
{
    static const char *const docs[] = {"1", "\"x\"", "[]", "null", "[{\"type\":\"error\"}]"};
    jsmntok_t tok8[8];
    drip_call_slot_t calls[2];
    drip_event_dec_t d8;
    drip_event_t ev8;
    char many[200];
    size_t i, n = 0;
    int api;
    (void)state;
    for (api = 0; api < 2; api++) {
        for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
            drip_err_t te, se;
            drip_event_t tev, sev;
            both((drip_api_t)api, docs[i], &te, &tev, &se, &sev);
            ASSERT_ERR(te, DRIP_ERR_JSON_INVALID);
            ASSERT_ERR(se, DRIP_ERR_JSON_INVALID);
        }
        /* an array with more tokens than the array holds: the scanner decides */
        many[n = 0] = '[';
        for (i = 0; i < 40; i++) {
            many[++n] = '1';
            many[++n] = ',';
        }
        many[n] = ']';
        ASSERT_ERR(drip_event_init(&d8, (drip_api_t)api, tok8, 8, calls, 2), DRIP_OK);
        ASSERT_ERR(drip_event_decode(&d8, many, n + 1u, &ev8), DRIP_ERR_JSON_INVALID);
    }
}

/* Responses events that decode without error on both paths and give `want`
 * (NULL: absent) in the drip_str_t member at `off` of drip_event_t. */
typedef struct {
    const char *js, *want;
} str_case_t;

static void both_str_cases(const str_case_t *c, size_t n, size_t off)
{
    size_t i;
    for (i = 0; i < n; i++) {
        drip_err_t te, se;
        drip_event_t tev, sev;
        const drip_str_t *tv = (const drip_str_t *)(const void *)((const char *)&tev + off);
        const drip_str_t *sv = (const drip_str_t *)(const void *)((const char *)&sev + off);
        both(DRIP_API_RESPONSES, c[i].js, &te, &tev, &se, &sev);
        ASSERT_ERR(te, DRIP_OK);
        ASSERT_ERR(se, DRIP_OK);
        if (c[i].want != NULL) {
            ASSERT_VIEW(*tv, c[i].want);
            ASSERT_VIEW(*sv, c[i].want);
        } else {
            ASSERT_ABSENT(*tv);
            ASSERT_ABSENT(*sv);
        }
    }
}

/* Each form of an error has its own slots on the oversize path, as the
 * token path reads one form only: an error object's members, the event's
 * flat members, or response.error (fuzz_event finding: a flat "message":2
 * beside an "error" object failed the scanner with EVENT_FIELD where the
 * token path decoded; reproducer regress/event/error-flat-beside-object). */
static void test_error_forms_apart(void **state)
{
    static const struct {
        const char *js;
        int has_error;
        const char *type, *code, *message, *param;
    } k_cases[] = {
        {"{\"type\":\"error\",\"message\":2,\"error\":{\"type\":\"x\"}}", 1, "x", NULL, NULL, NULL},
        {"{\"type\":\"error\",\"error\":{\"code\":\"c\"},\"message\":\"flat\",\"param\":\"p\"}", 1, NULL,
         "c", NULL, NULL},
        {"{\"type\":\"error\",\"code\":\"fc\",\"message\":\"fm\",\"param\":null}", 1, NULL, "fc", "fm",
         NULL},
        {"{\"type\":\"response.failed\",\"error\":{\"code\":\"x\"},\"code\":\"y\",\"response\":"
         "{\"id\":\"r\",\"status\":\"failed\"}}",
         0, NULL, NULL, NULL, NULL},
        {"{\"type\":\"response.failed\",\"message\":\"flat\",\"response\":{\"id\":\"r\",\"error\":"
         "{\"type\":\"t\",\"code\":\"rc\",\"message\":\"rm\",\"param\":\"p\"}},\"error\":{\"code\":\"e\"}}",
         1, NULL, "rc", "rm", "p"}, /* response.error: code and message (and param); no type */
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof k_cases / sizeof k_cases[0]; i++) {
        drip_err_t te, se;
        drip_event_t tev, sev;
        const drip_event_t *ev[2];
        unsigned k;
        both(DRIP_API_RESPONSES, k_cases[i].js, &te, &tev, &se, &sev);
        ASSERT_ERR(te, DRIP_OK);
        ASSERT_ERR(se, DRIP_OK);
        ev[0] = &tev;
        ev[1] = &sev;
        for (k = 0; k < 2; k++) {
            const char *want[4];
            const drip_str_t *got[4];
            unsigned m;
            assert_int_equal(ev[k]->has_error, k_cases[i].has_error);
            want[0] = k_cases[i].type;
            want[1] = k_cases[i].code;
            want[2] = k_cases[i].message;
            want[3] = k_cases[i].param;
            got[0] = &ev[k]->error.type;
            got[1] = &ev[k]->error.code;
            got[2] = &ev[k]->error.message;
            got[3] = &ev[k]->error.param;
            for (m = 0; m < 4; m++) {
                if (want[m] != NULL) {
                    ASSERT_VIEW(*got[m], want[m]);
                } else {
                    ASSERT_ABSENT(*got[m]);
                }
            }
        }
    }
}

/* An event in the buffer with more tokens than the array is scanned with
 * its own bytes (or the lent buffer it lies in) as the arena: every capture
 * fits there, so no room is held back for numbers and ids. Held back, a
 * function_call_arguments.done's "delta" was dropped on that path and kept
 * with enough tokens (fuzz_event finding, reproducer
 * regress/event/in-place-scan-no-reserves). */
static void test_in_place_scan_keeps_all(void **state)
{
    static char js[] = "{\"type\":\"response.function_call_arguments.done\",\"item_id\":"
                       "\"fc_66e54a1de488191af0831d35cbe{\\\"cound35281ae2\",\"ondex\":0,"
                       "\"delta\":\"\\\":\\try\\\":\\\"Franec\\\"}\"}";
    static char copy[sizeof js];
    drip_event_dec_t d8;
    jsmntok_t tok8[8];
    drip_call_slot_t calls[2];
    drip_event_t ev8, ev;
    (void)state;
    memcpy(copy, js, sizeof js);
    ASSERT_ERR(drip_event_init(&d8, DRIP_API_RESPONSES, tok8, 8, calls, 2), DRIP_OK);
    ASSERT_ERR(drip_event_decode(&d8, copy, sizeof js - 1u, &ev8), DRIP_OK); /* 11 tokens: scanned */
    ASSERT_ERR(drip_event_init(&g_dec, DRIP_API_RESPONSES, g_tok, NTOK, g_calls, NCALLS), DRIP_OK);
    ASSERT_ERR(drip_event_decode(&g_dec, js, sizeof js - 1u, &ev), DRIP_OK);
    assert_int_equal(ev8.oversize, 1);
    ASSERT_VIEW(ev.delta, "\":\try\":\"Franec\"}");
    ASSERT_VIEW(ev8.delta, "\":\try\":\"Franec\"}");
    ASSERT_VIEW(ev8.item_id, "fc_66e54a1de488191af0831d35cbe{\"cound35281ae2");
}

/* An output_item event without an "item" object keeps its top-level
 * item_id on both paths: the token path reads the item's members only when
 * the item is an object; the scanner cleared item_id from the item's
 * (absent) id whatever the item was (fuzz_event finding on a 4-minute run,
 * reproducer tests/fuzz/regress/event/item-absent-keeps-item-id). With an
 * item object, its id (present or not) is the event's item_id on both. */
static void test_item_absent_keeps_item_id(void **state)
{
    static const str_case_t k_cases[] = {
        {"{\"type\":\"response.output_item.added\",\"item_id\":\"fc_top\"}", "fc_top"},
        {"{\"type\":\"response.output_item.done\",\"item_id\":\"fc_top\",\"item\":5}", "fc_top"},
        {"{\"type\":\"response.output_item.added\",\"item_id\":\"fc_top\",\"item\":null}",
         "fc_top"},
        {"{\"type\":\"response.output_item.added\",\"item_id\":\"fc_top\",\"item\":{}}", NULL},
        {"{\"type\":\"response.output_item.added\",\"item_id\":\"fc_top\",\"item\":{\"id\":\"fc_in\"}}",
         "fc_in"},
        {"{\"item\":{\"id\":\"fc_in\"},\"type\":\"response.output_item.done\",\"item_id\":\"fc_top\"}",
         "fc_in"},
    };
    (void)state;
    both_str_cases(k_cases, sizeof k_cases / sizeof k_cases[0], offsetof(drip_event_t, item_id));
}

/* fuzz_event: the scanner kept a call's top-level "arguments"/"input" and
 * the item's in one slot (the last one won), so an output_item event with
 * a stray top-level "arguments":5 failed there (EVENT_FIELD) while the token
 * path, reading the item's, decoded it; and a *.done event with the other
 * member after its own kept the wrong one. */
static void test_fuzz_args_members(void **state)
{
    static const str_case_t k_cases[] = {
        {"{\"type\":\"response.output_item.done\",\"arguments\":5,\"item\":{\"type\":"
         "\"function_call\",\"id\":\"fc_1\",\"call_id\":\"c\",\"name\":\"n\",\"arguments\":\"{}\"}}",
         "{}"},
        {"{\"type\":\"response.output_item.done\",\"item\":{\"type\":\"function_call\",\"id\":"
         "\"fc_1\",\"arguments\":\"{}\",\"input\":7}}",
         "{}"},
        {"{\"type\":\"response.output_item.done\",\"item\":{\"type\":\"custom_tool_call\",\"id\":"
         "\"ct_1\",\"input\":\"SELECT\",\"arguments\":[1]},\"input\":false}",
         "SELECT"},
        {"{\"type\":\"response.output_item.added\",\"arguments\":\"top\",\"item\":{\"type\":"
         "\"message\",\"id\":\"m_1\"}}",
         NULL},
        {"{\"type\":\"response.function_call_arguments.done\",\"item_id\":\"fc_1\",\"arguments\":"
         "\"{\\\"a\\\":1}\",\"input\":3}",
         "{\"a\":1}"},
        {"{\"type\":\"response.custom_tool_call_input.done\",\"item_id\":\"ct_1\",\"input\":\"x\","
         "\"arguments\":{}}",
         "x"},
    };
    (void)state;
    both_str_cases(k_cases, sizeof k_cases / sizeof k_cases[0], offsetof(drip_event_t, text));
}

/* fuzz_event: Chat chunks read Responses fields on the scanner path only
 * (sequence_number, indexes, response.id/usage, the id of an error chunk). */
static void test_fuzz_chat_scanner_fields(void **state)
{
    drip_err_t te, se;
    drip_event_t tev, sev;
    (void)state;
    both(DRIP_API_CHAT, "{\"id\":\"c\",\"sequence_number\":11,\"output_index\":\"x\",\"choices\":[]}",
         &te, &tev, &se, &sev);
    ASSERT_ERR(te, DRIP_OK);
    ASSERT_ERR(se, DRIP_OK);
    assert_int_equal(sev.seq, -1);
    assert_int_equal(sev.output_index, -1);
    ASSERT_VIEW(sev.response_id, "c");

    both(DRIP_API_CHAT,
         "{\"response\":{\"id\":\"r\",\"usage\":{\"input_tokens\":1}},\"usage\":{\"input_tokens\":2},"
         "\"choices\":[]}",
         &te, &tev, &se, &sev);
    ASSERT_ERR(se, DRIP_OK);
    ASSERT_ABSENT(tev.response_id);
    ASSERT_ABSENT(sev.response_id);
    assert_int_equal(sev.has_usage, tev.has_usage);
    assert_int_equal(sev.usage.input_tokens, tev.usage.input_tokens);

    both(DRIP_API_CHAT, "{\"id\":\"c\",\"usage\":{\"prompt_tokens\":1},\"error\":{\"message\":\"m\"}}",
         &te, &tev, &se, &sev);
    ASSERT_ERR(se, DRIP_OK);
    assert_int_equal(sev.type, DRIP_EV_ERROR);
    ASSERT_ABSENT(tev.response_id);
    ASSERT_ABSENT(sev.response_id);
    assert_int_equal(sev.has_usage, 0);
    ASSERT_VIEW(sev.error.message, "m");
}

/* fuzz_event: a Responses lifecycle event took a top-level "id" (meant for
 * JSON bodies) and a Chat-shaped top-level usage on the scanner path. */
static void test_fuzz_responses_scanner_fields(void **state)
{
    drip_err_t te, se;
    drip_event_t tev, sev;
    (void)state;
    both(DRIP_API_RESPONSES,
         "{\"type\":\"response.created\",\"id\":\"x\",\"usage\":{\"prompt_tokens\":2},\"status\":\"s\"}",
         &te, &tev, &se, &sev);
    ASSERT_ERR(te, DRIP_OK);
    ASSERT_ERR(se, DRIP_OK);
    ASSERT_ABSENT(tev.response_id);
    ASSERT_ABSENT(sev.response_id);
    assert_int_equal(tev.has_usage, 0);
    assert_int_equal(sev.has_usage, 0);
    both(DRIP_API_RESPONSES,
         "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"status\":\"queued\","
         "\"usage\":{\"input_tokens\":2}}}",
         &te, &tev, &se, &sev);
    ASSERT_VIEW(tev.response_id, "resp_1");
    ASSERT_VIEW(sev.response_id, "resp_1");
    ASSERT_VIEW(sev.status, "queued");
    assert_int_equal(sev.usage.input_tokens, 2);
    /* a JSON body (cancel/retrieve) still reads its top-level id and status */
    {
        static const char body[] = "{\"id\":\"resp_2\",\"object\":\"response\",\"status\":\"cancelled\"}";
        static drip_body_t rd; /* its own reader now (drip_body.h) */
        drip_str_t id, status;
        ASSERT_ERR(drip_body_init(&rd, DRIP_API_RESPONSES, g_arena, sizeof g_arena), DRIP_OK);
        ASSERT_ERR(drip_body_feed(&rd, (const uint8_t *)body, sizeof body - 1), DRIP_OK);
        ASSERT_ERR(drip_body_response(&rd, &id, &status), DRIP_OK);
        ASSERT_VIEW(id, "resp_2");
        ASSERT_VIEW(status, "cancelled");
    }
}

/* The JSON body reader (drip_body.h): an HTTP error body's members and a
 * Response object's id and status, the same at every split (1, 2, 3, 7, 64,
 * 4096), each API reading the error forms its events carry. */
typedef struct body_got {
    drip_err_t e;
    drip_api_error_t err;
    drip_str_t id, status;
} body_got_t;

static void body_read(drip_api_t api, const char *body, char *arena, size_t cap, size_t feed,
                      body_got_t *out)
{
    static drip_body_t rd;
    size_t n = strlen(body), off = 0;
    ASSERT_ERR(drip_body_init(&rd, api, arena, cap), DRIP_OK);
    while (off < n) {
        size_t k = n - off < feed ? n - off : feed;
        (void)drip_body_feed(&rd, (const uint8_t *)body + off, k);
        off += k;
    }
    drip_body_error(&rd, &out->err);
    out->e = drip_body_response(&rd, &out->id, &out->status);
}

static void test_body_reader(void **state)
{
    static const size_t feeds[] = {1, 2, 3, 7, 64, 4096};
    static char arena64[64];
    static const char nested[] =
        "{\"error\":{\"message\":\"You exceeded your current quota.\","
        "\"type\":\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}";
    static const char flat[] = "{\"code\":\"rate_limit_exceeded\",\"message\":\"slow down\"}";
    body_got_t g;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof feeds / sizeof feeds[0]; i++) {
        int api;
        for (api = 0; api <= 2; api++) {
            body_read((drip_api_t)api, nested, g_arena, sizeof g_arena, feeds[i], &g);
            ASSERT_VIEW(g.err.type, "insufficient_quota");
            ASSERT_VIEW(g.err.code, "insufficient_quota");
            ASSERT_VIEW(g.err.message, "You exceeded your current quota.");
            ASSERT_ABSENT(g.err.param); /* null */
            assert_int_equal(g.err.message_cut, 0);
            assert_int_equal(g.err.status, 0);
            ASSERT_ERR(g.e, DRIP_OK);
            ASSERT_ABSENT(g.id);
            /* a flat error: Responses and speech read it (as their error
             * events), Chat does not (its errors are nested) */
            body_read((drip_api_t)api, flat, g_arena, sizeof g_arena, feeds[i], &g);
            if (api == DRIP_API_CHAT) {
                ASSERT_ABSENT(g.err.code);
                ASSERT_ABSENT(g.err.message);
            } else {
                ASSERT_VIEW(g.err.code, "rate_limit_exceeded");
                ASSERT_VIEW(g.err.message, "slow down");
            }
            ASSERT_ABSENT(g.err.type);
        }
        /* response.error (Responses) */
        body_read(DRIP_API_RESPONSES,
                  "{\"response\":{\"error\":{\"code\":\"c\",\"message\":\"m\"}}}", g_arena,
                  sizeof g_arena, feeds[i], &g);
        ASSERT_VIEW(g.err.code, "c");
        ASSERT_VIEW(g.err.message, "m");
        /* not JSON: nothing read, and not a Response */
        body_read(DRIP_API_RESPONSES, "<html>Bad Gateway</html>", g_arena, sizeof g_arena, feeds[i],
                  &g);
        ASSERT_ABSENT(g.err.message);
        ASSERT_ERR(g.e, DRIP_ERR_JSON_INVALID);
        /* a Response object: id and status */
        body_read(DRIP_API_RESPONSES,
                  "{\"id\":\"resp_9\",\"object\":\"response\",\"status\":\"cancelled\"}", g_arena,
                  sizeof g_arena, feeds[i], &g);
        ASSERT_ERR(g.e, DRIP_OK);
        ASSERT_VIEW(g.id, "resp_9");
        ASSERT_VIEW(g.status, "cancelled");
        body_read(DRIP_API_RESPONSES, "{\"id\":5}", g_arena, sizeof g_arena, feeds[i], &g);
        ASSERT_ERR(g.e, DRIP_ERR_EVENT_FIELD);
        /* a 64-byte arena: a long message is cut and flagged, the code after
         * it still fits (the reserves); an id longer than the room is an error */
        body_read(DRIP_API_RESPONSES,
                  "{\"error\":{\"message\":\"01234567890123456789012345678901234"
                  "56789012345678901234567890123456789\",\"code\":\"server_error\"}}",
                  arena64, sizeof arena64, feeds[i], &g);
        assert_int_equal(g.err.message_cut, 1);
        assert_true(g.err.message.n > 0 && g.err.message.n < 70);
        ASSERT_VIEW(g.err.code, "server_error");
        body_read(DRIP_API_RESPONSES,
                  "{\"id\":\"resp_0123456789012345678901234567890123456789012345678901234567\"}",
                  arena64, sizeof arena64, feeds[i], &g);
        ASSERT_ERR(g.e, DRIP_ERR_EVENT_ID_TOO_LONG);
    }
    {
        static drip_body_t rd;
        ASSERT_ERR(drip_body_init(NULL, DRIP_API_RESPONSES, g_arena, sizeof g_arena), DRIP_ERR_ARG);
        ASSERT_ERR(drip_body_init(&rd, DRIP_API_RESPONSES, NULL, 64), DRIP_ERR_ARG);
        ASSERT_ERR(drip_body_init(&rd, DRIP_API_RESPONSES, g_arena, 0), DRIP_ERR_ARG);
    }
}

/* The oversize path needs an arena: none lent (and no private one) is
 * DRIP_ERR_ARG, not a scan that keeps nothing. */
static void test_scan_needs_arena(void **state)
{
    static drip_event_dec_t d;
    (void)state;
    ASSERT_ERR(drip_event_init(&d, DRIP_API_RESPONSES, g_tok, NTOK, g_calls, NCALLS), DRIP_OK);
    ASSERT_ERR(drip_event_scan_init(&d), DRIP_SCAN_ARENA > 0 ? DRIP_OK : DRIP_ERR_ARG);
    drip_event_set_arena(&d, g_arena, sizeof g_arena);
    ASSERT_ERR(drip_event_scan_init(&d), DRIP_OK);
}

/* fuzz_event: on the scanner path an unknown type, or an event that is
 * not a lifecycle event, failed on fields its token path never reads. */
static void test_fuzz_scanner_reads_only_its_type(void **state)
{
    static const char *const docs[] = {
        "{\"type\":\"orr\",\"sember\":2,\"error\":{\"type.\":\"ea\",\"param\":9e17}}",
        "{\"type\":\"response.output_text.delta\",\"delta\":\"a\",\"response\":{\"status\":5,"
        "\"incomplete_details\":{\"reason\":1}}}",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        drip_err_t te, se;
        drip_event_t tev, sev;
        both(DRIP_API_RESPONSES, docs[i], &te, &tev, &se, &sev);
        ASSERT_ERR(te, DRIP_OK);
        ASSERT_ERR(se, DRIP_OK);
        assert_int_equal(sev.type, tev.type);
        ASSERT_ABSENT(sev.status);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_names_all_58),
        cmocka_unit_test(test_type_names_unknown),
        cmocka_unit_test(test_type_names_near_misses),
        cmocka_unit_test(test_unknown_type_decodes),
        cmocka_unit_test(test_speech_names_outside_speech),
        cmocka_unit_test(test_sequence_number),
        cmocka_unit_test(test_index_ranges),
        cmocka_unit_test(test_key_order),
        cmocka_unit_test(test_unescape),
        cmocka_unit_test(test_type_errors),
        cmocka_unit_test(test_unpaired_surrogates_both_paths),
        cmocka_unit_test(test_bad_escapes),
        cmocka_unit_test(test_invalid_json_both_paths),
        cmocka_unit_test(test_error_event_nested),
        cmocka_unit_test(test_error_event_flat),
        cmocka_unit_test(test_chat_error_chunk),
        cmocka_unit_test(test_failed_incomplete),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_call_table_responses),
        cmocka_unit_test(test_call_table_scanner),
        cmocka_unit_test(test_call_table_id_too_long),
        cmocka_unit_test(test_call_table_chat),
        cmocka_unit_test(test_chat_chunks),
        cmocka_unit_test(test_chat_parts),
        cmocka_unit_test(test_delta_too_large),
        cmocka_unit_test(test_delta_sizes_scanner),
        cmocka_unit_test(test_media_delta_oversize),
        cmocka_unit_test(test_small_token_array_fallback),
        cmocka_unit_test(test_scanner_equals_tokens_on_transcripts),
        cmocka_unit_test(test_fuzz_root_not_object),
        cmocka_unit_test(test_fuzz_chat_scanner_fields),
        cmocka_unit_test(test_fuzz_args_members),
        cmocka_unit_test(test_item_absent_keeps_item_id),
        cmocka_unit_test(test_error_forms_apart),
        cmocka_unit_test(test_in_place_scan_keeps_all),
        cmocka_unit_test(test_fuzz_responses_scanner_fields),
        cmocka_unit_test(test_fuzz_scanner_reads_only_its_type),
        cmocka_unit_test(test_body_reader),
        cmocka_unit_test(test_scan_needs_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
