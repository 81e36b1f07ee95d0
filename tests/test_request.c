/* SPDX-License-Identifier: Apache-2.0 */
/* The request writer: JSON bodies (Responses and Chat) checked as exact text
 * for a few full requests and, for every request, parsed back with jsmn
 * (drip_json_parse) against a reference model of what each field must
 * produce; JSON string escaping of every control byte, quotes, backslashes,
 * valid and invalid UTF-8 (per invalid byte one U+FFFD, as drip_request.h
 * documents), a seeded round trip against a reference sanitizer and a
 * reference escaper; the HTTP request head (exact text, header injection);
 * and every too-small buffer, with guard bytes after the cap. */
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

/* drip_request.c's DRIP_VERSION_STRING (not exported by a header). */
#define DEFAULT_UA "dripfeed/0.1.0"

#define GUARD 0xA5u
#define GUARD_LEN 32u

/* ---- parsed JSON --------------------------------------------------------- */

typedef struct pj {
    char *js;
    size_t len;
    jsmntok_t *tok;
    drip_json_t j;
} pj_t;

static void pj_parse(pj_t *p, const char *s, size_t n)
{
    unsigned cap = (unsigned)n + 16u;
    drip_err_t e;
    p->js = malloc(n + 1);
    p->tok = malloc(cap * sizeof *p->tok);
    assert_non_null(p->js);
    assert_non_null(p->tok);
    memcpy(p->js, s, n);
    p->js[n] = '\0';
    p->len = n;
    e = drip_json_parse(&p->j, p->js, n, p->tok, cap);
    if (e != DRIP_OK) {
        fail_msg("not valid JSON (%d): %.*s", (int)e, (int)n, s);
    }
}

static void pj_free(pj_t *p)
{
    free(p->js);
    free(p->tok);
    memset(p, 0, sizeof *p);
}

static int pj_type(const pj_t *p, int t)
{
    return t >= 0 && t < p->j.ntok ? (int)p->j.tok[t].type : -1;
}

static int pj_size(const pj_t *p, int t)
{
    return t >= 0 && t < p->j.ntok ? p->j.tok[t].size : -1;
}

static int pj_get(const pj_t *p, int obj, const char *key)
{
    return drip_json_get(&p->j, obj, key, strlen(key));
}

static int pj_item(const pj_t *p, int arr, int idx)
{
    int i, t;
    if (pj_type(p, arr) != JSMN_ARRAY || idx >= p->j.tok[arr].size) {
        return -1;
    }
    t = arr + 1;
    for (i = 0; i < idx; i++) {
        t = drip_json_next(&p->j, t);
    }
    return t;
}

/* The raw text of a value (objects, arrays, primitives; strings without quotes). */
static void pj_raw(const pj_t *p, int t, const char **s, size_t *n)
{
    assert_true(t >= 0 && t < p->j.ntok);
    *s = p->js + p->j.tok[t].start;
    *n = (size_t)(p->j.tok[t].end - p->j.tok[t].start);
}

static void pj_expect_raw(const pj_t *p, int t, const char *want, const char *what)
{
    const char *s;
    size_t n;
    if (t < 0) {
        fail_msg("%s: missing (want %s)", what, want);
    }
    pj_raw(p, t, &s, &n);
    if (n != strlen(want) || memcmp(s, want, n) != 0) {
        fail_msg("%s: got '%.*s', want '%s'", what, (int)n, s, want);
    }
}

/* ---- reference UTF-8 sanitizer and escaper (Unicode Table 3-7) ---------- */

static int in(uint8_t c, uint8_t lo, uint8_t hi)
{
    return c >= lo && c <= hi;
}

/* Length of the well-formed sequence at p, 0 if p[0] starts none. */
static size_t ref_seq(const uint8_t *p, size_t n)
{
    uint8_t b = p[0];
    if (b <= 0x7F) {
        return 1;
    }
    if (in(b, 0xC2, 0xDF)) {
        return n >= 2 && in(p[1], 0x80, 0xBF) ? 2 : 0;
    }
    if (in(b, 0xE0, 0xEF)) {
        uint8_t lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
        return n >= 3 && in(p[1], lo, hi) && in(p[2], 0x80, 0xBF) ? 3 : 0;
    }
    if (in(b, 0xF0, 0xF4)) {
        uint8_t lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
        return n >= 4 && in(p[1], lo, hi) && in(p[2], 0x80, 0xBF) && in(p[3], 0x80, 0xBF) ? 4 : 0;
    }
    return 0;
}

/* UTF-8 as a JSON reader sees it after the writer: each byte that is not
 * part of a well-formed sequence becomes U+FFFD. */
static void ref_sanitize(th_buf_t *out, const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t i = 0;
    out->n = 0;
    th_buf_add(out, "", 0);
    while (i < n) {
        size_t k = ref_seq(p + i, n - i);
        if (k == 0) {
            th_buf_add(out, "\xEF\xBF\xBD", 3);
            i++;
        } else {
            th_buf_add(out, p + i, k);
            i += k;
        }
    }
}

/* The exact literal the writer must produce. */
static void ref_escape(th_buf_t *out, const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t i = 0;
    out->n = 0;
    th_buf_str(out, "\"");
    while (i < n) {
        uint8_t c = p[i];
        size_t k;
        if (c == '"') {
            th_buf_str(out, "\\\"");
            i++;
        } else if (c == '\\') {
            th_buf_str(out, "\\\\");
            i++;
        } else if (c < 0x20) {
            switch (c) {
            case 0x08: th_buf_str(out, "\\b"); break;
            case 0x09: th_buf_str(out, "\\t"); break;
            case 0x0A: th_buf_str(out, "\\n"); break;
            case 0x0C: th_buf_str(out, "\\f"); break;
            case 0x0D: th_buf_str(out, "\\r"); break;
            default: th_buf_fmt(out, "\\u%04x", c); break;
            }
            i++;
        } else if ((k = ref_seq(p + i, n - i)) == 0) {
            th_buf_str(out, "\\ufffd");
            i++;
        } else {
            th_buf_add(out, p + i, k);
            i += k;
        }
    }
    th_buf_str(out, "\"");
}

/* Compare string token t (unescaped in place) with the sanitized `want`. */
static void pj_expect_str(pj_t *p, int t, const char *want, const char *what)
{
    drip_str_t v;
    th_buf_t ref = {0};
    drip_err_t e;
    if (t < 0) {
        fail_msg("%s: missing", what);
    }
    if (p->j.tok[t].type != JSMN_STRING) {
        fail_msg("%s: not a string", what);
    }
    e = drip_json_str(&p->j, t, &v);
    if (e != DRIP_OK) {
        fail_msg("%s: drip_json_str %d", what, (int)e);
    }
    ref_sanitize(&ref, want, strlen(want));
    if (v.n != ref.n || memcmp(v.p, ref.p, v.n) != 0) {
        fail_msg("%s: got '%.*s' (%zu bytes), want '%s' (%zu bytes)", what, (int)v.n, v.p, v.n, ref.p,
                 ref.n);
    }
    free(ref.p);
}

static void pj_expect_bool(const pj_t *p, int t, int v, const char *what)
{
    pj_expect_raw(p, t, v ? "true" : "false", what);
}

static void pj_expect_absent(const pj_t *p, int obj, const char *key)
{
    if (pj_get(p, obj, key) >= 0) {
        fail_msg("member '%s' must not be present", key);
    }
}

/* ---- writing ------------------------------------------------------------- */

/* Whole body into a heap string (checks the size query and the NUL). */
static char *body_of(const drip_request_t *r, size_t *len_out)
{
    size_t need = 0, len = 0;
    char *buf;
    drip_err_t e = drip_request_body(r, NULL, 0, &need);
    assert_int_equal(e, DRIP_ERR_REQUEST_TOO_LARGE);
    assert_true(need >= 1);
    buf = malloc(need + GUARD_LEN);
    assert_non_null(buf);
    memset(buf, GUARD, need + GUARD_LEN);
    e = drip_request_body(r, buf, need, &len);
    assert_int_equal(e, DRIP_OK);
    assert_int_equal(len, need - 1);
    assert_int_equal(buf[len], '\0');
    assert_int_equal(strlen(buf), len);
    for (size_t i = need; i < need + GUARD_LEN; i++) {
        assert_int_equal((uint8_t)buf[i], GUARD);
    }
    *len_out = len;
    return buf;
}

/* temperature_milli as the API reads it: "0.7", "1.25", "2". */
static void ref_milli(char *out, size_t cap, int32_t m)
{
    int n = snprintf(out, cap, "%d.%03d", (int)(m / 1000), (int)(m % 1000));
    while (n > 0 && out[n - 1] == '0') {
        out[--n] = '\0';
    }
    if (n > 0 && out[n - 1] == '.') {
        out[--n] = '\0';
    }
}

static int is_word(const char *s)
{
    return strcmp(s, "auto") == 0 || strcmp(s, "none") == 0 || strcmp(s, "required") == 0;
}

static void check_message(pj_t *p, int t, const drip_message_t *m, const char *what)
{
    if (m->raw_json != NULL) {
        pj_expect_raw(p, t, m->raw_json, what);
        return;
    }
    assert_int_equal(pj_type(p, t), JSMN_OBJECT);
    assert_int_equal(pj_size(p, t), 2);
    pj_expect_str(p, pj_get(p, t, "role"), m->role != NULL ? m->role : "user", what);
    pj_expect_str(p, pj_get(p, t, "content"), m->content != NULL ? m->content : "", what);
}

static void check_tools(pj_t *p, int root, const drip_request_t *r, int chat)
{
    int arr = pj_get(p, root, "tools");
    size_t i;
    if (r->ntools == 0) {
        pj_expect_absent(p, root, "tools");
        return;
    }
    assert_int_equal(pj_type(p, arr), JSMN_ARRAY);
    assert_int_equal(pj_size(p, arr), (int)r->ntools);
    for (i = 0; i < r->ntools; i++) {
        const drip_tool_t *tl = &r->tools[i];
        int t = pj_item(p, arr, (int)i), f;
        assert_int_equal(pj_type(p, t), JSMN_OBJECT);
        pj_expect_str(p, pj_get(p, t, "type"), "function", "tool.type");
        if (chat) { /* nested under "function" */
            assert_int_equal(pj_size(p, t), 2);
            f = pj_get(p, t, "function");
            assert_int_equal(pj_type(p, f), JSMN_OBJECT);
            pj_expect_absent(p, t, "name");
        } else { /* flat */
            f = t;
            pj_expect_absent(p, t, "function");
        }
        assert_int_equal(pj_size(p, f), (chat ? 3 : 4) + (tl->description != NULL));
        pj_expect_str(p, pj_get(p, f, "name"), tl->name, "tool.name");
        if (tl->description != NULL) {
            pj_expect_str(p, pj_get(p, f, "description"), tl->description, "tool.description");
        } else {
            pj_expect_absent(p, f, "description");
        }
        pj_expect_raw(p, pj_get(p, f, "parameters"), tl->parameters != NULL ? tl->parameters : "null",
                      "tool.parameters");
        pj_expect_bool(p, pj_get(p, f, "strict"), tl->strict, "tool.strict");
    }
}

static void check_tool_choice(pj_t *p, int root, const drip_request_t *r, int chat)
{
    int t = pj_get(p, root, "tool_choice"), f;
    if (r->tool_choice == NULL) {
        pj_expect_absent(p, root, "tool_choice");
        return;
    }
    if (is_word(r->tool_choice)) {
        pj_expect_str(p, t, r->tool_choice, "tool_choice");
        return;
    }
    assert_int_equal(pj_type(p, t), JSMN_OBJECT);
    assert_int_equal(pj_size(p, t), 2);
    pj_expect_str(p, pj_get(p, t, "type"), "function", "tool_choice.type");
    if (chat) {
        f = pj_get(p, t, "function");
        assert_int_equal(pj_type(p, f), JSMN_OBJECT);
        assert_int_equal(pj_size(p, f), 1);
        pj_expect_str(p, pj_get(p, f, "name"), r->tool_choice, "tool_choice.function.name");
    } else {
        pj_expect_str(p, pj_get(p, t, "name"), r->tool_choice, "tool_choice.name");
    }
}

/* Every field set in r has the value set, nothing else is there. */
static void check_body(const drip_request_t *r, const char *js, size_t len)
{
    pj_t p;
    int root, keys = 0, chat = r->api == DRIP_API_CHAT, t;
    size_t i;
    char num[32];

    pj_parse(&p, js, len);
    root = 0;
    assert_int_equal(pj_type(&p, root), JSMN_OBJECT);
    pj_expect_str(&p, pj_get(&p, root, "model"), r->model, "model");
    pj_expect_raw(&p, pj_get(&p, root, "stream"), "true", "stream");
    keys += 2;

    if (!chat) {
        int list = r->nmessages > 0 || r->noutputs > 0, arr = pj_get(&p, root, "input"), k = 0;
        keys++;
        if (!list) {
            pj_expect_str(&p, arr, r->input != NULL ? r->input : "", "input");
        } else {
            int want = (int)(r->nmessages + (r->input != NULL) + r->noutputs);
            assert_int_equal(pj_type(&p, arr), JSMN_ARRAY);
            assert_int_equal(pj_size(&p, arr), want);
            for (i = 0; i < r->nmessages; i++) {
                check_message(&p, pj_item(&p, arr, k++), &r->messages[i], "input[] message");
            }
            if (r->input != NULL) {
                drip_message_t m = {"user", r->input, NULL};
                check_message(&p, pj_item(&p, arr, k++), &m, "input[] user input");
            }
            for (i = 0; i < r->noutputs; i++) {
                t = pj_item(&p, arr, k++);
                assert_int_equal(pj_type(&p, t), JSMN_OBJECT);
                assert_int_equal(pj_size(&p, t), 3);
                pj_expect_str(&p, pj_get(&p, t, "type"), "function_call_output", "output.type");
                pj_expect_str(&p, pj_get(&p, t, "call_id"), r->outputs[i].call_id, "output.call_id");
                pj_expect_str(&p, pj_get(&p, t, "output"), r->outputs[i].output, "output.output");
            }
        }
        if (r->instructions != NULL) {
            pj_expect_str(&p, pj_get(&p, root, "instructions"), r->instructions, "instructions");
            keys++;
        } else {
            pj_expect_absent(&p, root, "instructions");
        }
        if (r->previous_response_id != NULL) {
            pj_expect_str(&p, pj_get(&p, root, "previous_response_id"), r->previous_response_id,
                          "previous_response_id");
            keys++;
        } else {
            pj_expect_absent(&p, root, "previous_response_id");
        }
        if (r->max_output_tokens > 0) {
            snprintf(num, sizeof num, "%ld", (long)r->max_output_tokens);
            pj_expect_raw(&p, pj_get(&p, root, "max_output_tokens"), num, "max_output_tokens");
            keys++;
        } else {
            pj_expect_absent(&p, root, "max_output_tokens");
        }
        pj_expect_absent(&p, root, "max_completion_tokens");
        t = pj_get(&p, root, "reasoning");
        if (r->reasoning_effort != NULL || r->reasoning_summary != NULL) {
            assert_int_equal(pj_type(&p, t), JSMN_OBJECT);
            assert_int_equal(pj_size(&p, t),
                             (r->reasoning_effort != NULL) + (r->reasoning_summary != NULL));
            if (r->reasoning_effort != NULL) {
                pj_expect_str(&p, pj_get(&p, t, "effort"), r->reasoning_effort, "reasoning.effort");
            }
            if (r->reasoning_summary != NULL) {
                pj_expect_str(&p, pj_get(&p, t, "summary"), r->reasoning_summary, "reasoning.summary");
            }
            keys++;
        } else {
            assert_int_equal(t, -1);
        }
        pj_expect_absent(&p, root, "reasoning_effort");
        if (r->background) {
            pj_expect_raw(&p, pj_get(&p, root, "background"), "true", "background");
            keys++;
        } else {
            pj_expect_absent(&p, root, "background");
        }
        t = pj_get(&p, root, "stream_options");
        if (r->include_obfuscation != DRIP_FLAG_UNSET) {
            assert_int_equal(pj_type(&p, t), JSMN_OBJECT);
            assert_int_equal(pj_size(&p, t), 1);
            pj_expect_bool(&p, pj_get(&p, t, "include_obfuscation"), r->include_obfuscation == DRIP_FLAG_TRUE,
                           "stream_options.include_obfuscation");
            keys++;
        } else {
            assert_int_equal(t, -1);
        }
        pj_expect_absent(&p, root, "messages");
    } else {
        int arr = pj_get(&p, root, "messages"), k = 0;
        int want = (int)((r->instructions != NULL) + r->nmessages + (r->input != NULL) + r->noutputs);
        keys++;
        assert_int_equal(pj_type(&p, arr), JSMN_ARRAY);
        assert_int_equal(pj_size(&p, arr), want);
        if (r->instructions != NULL) {
            drip_message_t m = {"system", r->instructions, NULL};
            check_message(&p, pj_item(&p, arr, k++), &m, "messages[] system");
        }
        for (i = 0; i < r->nmessages; i++) {
            check_message(&p, pj_item(&p, arr, k++), &r->messages[i], "messages[] message");
        }
        if (r->input != NULL) {
            drip_message_t m = {"user", r->input, NULL};
            check_message(&p, pj_item(&p, arr, k++), &m, "messages[] user input");
        }
        for (i = 0; i < r->noutputs; i++) {
            t = pj_item(&p, arr, k++);
            assert_int_equal(pj_type(&p, t), JSMN_OBJECT);
            assert_int_equal(pj_size(&p, t), 3);
            pj_expect_str(&p, pj_get(&p, t, "role"), "tool", "tool message role");
            pj_expect_str(&p, pj_get(&p, t, "tool_call_id"), r->outputs[i].call_id, "tool_call_id");
            pj_expect_str(&p, pj_get(&p, t, "content"), r->outputs[i].output, "tool content");
        }
        if (r->max_output_tokens > 0) {
            snprintf(num, sizeof num, "%ld", (long)r->max_output_tokens);
            pj_expect_raw(&p, pj_get(&p, root, "max_completion_tokens"), num, "max_completion_tokens");
            keys++;
        } else {
            pj_expect_absent(&p, root, "max_completion_tokens");
        }
        if (r->reasoning_effort != NULL) {
            pj_expect_str(&p, pj_get(&p, root, "reasoning_effort"), r->reasoning_effort,
                          "reasoning_effort");
            keys++;
        } else {
            pj_expect_absent(&p, root, "reasoning_effort");
        }
        t = pj_get(&p, root, "stream_options");
        if (r->include_usage || r->include_obfuscation != DRIP_FLAG_UNSET) {
            assert_int_equal(pj_type(&p, t), JSMN_OBJECT);
            assert_int_equal(pj_size(&p, t), (r->include_usage != 0) + (r->include_obfuscation != DRIP_FLAG_UNSET));
            if (r->include_usage) {
                pj_expect_raw(&p, pj_get(&p, t, "include_usage"), "true", "include_usage");
            }
            if (r->include_obfuscation != DRIP_FLAG_UNSET) {
                pj_expect_bool(&p, pj_get(&p, t, "include_obfuscation"), r->include_obfuscation == DRIP_FLAG_TRUE,
                               "stream_options.include_obfuscation");
            }
            keys++;
        } else {
            assert_int_equal(t, -1);
        }
        /* Responses-only members never leak into a Chat body */
        pj_expect_absent(&p, root, "input");
        pj_expect_absent(&p, root, "instructions");
        pj_expect_absent(&p, root, "previous_response_id");
        pj_expect_absent(&p, root, "background");
        pj_expect_absent(&p, root, "reasoning");
        pj_expect_absent(&p, root, "max_output_tokens");
    }
    check_tools(&p, root, r, chat);
    keys += r->ntools > 0;
    check_tool_choice(&p, root, r, chat);
    keys += r->tool_choice != NULL;
    if (r->store != DRIP_FLAG_UNSET) {
        pj_expect_bool(&p, pj_get(&p, root, "store"), r->store == DRIP_FLAG_TRUE, "store");
        keys++;
    } else {
        pj_expect_absent(&p, root, "store");
    }
    if (r->has_temperature) {
        t = pj_get(&p, root, "temperature");
        ref_milli(num, sizeof num, r->temperature_milli);
        assert_int_equal(pj_type(&p, t), JSMN_PRIMITIVE);
        pj_expect_raw(&p, t, num, "temperature");
        keys++;
    } else {
        pj_expect_absent(&p, root, "temperature");
    }
    if (pj_size(&p, root) != keys) {
        fail_msg("body has %d members, want %d: %.*s", pj_size(&p, root), keys, (int)len, js);
    }
    pj_free(&p);
}

/* Every cap below what is needed: TOO_LARGE, *len = needed, nothing written
 * at or past the cap; cap == needed works. `fn` writes with (buf, cap, len). */
typedef drip_err_t (*writer_fn)(const void *arg, char *buf, size_t cap, size_t *len);

static void check_caps(writer_fn fn, const void *arg, const char *want, size_t want_len)
{
    size_t full = want_len, cap, len;
    char *buf = malloc(full + 1 + GUARD_LEN);
    assert_non_null(buf);
    len = 12345;
    assert_int_equal(fn(arg, NULL, 0, &len), DRIP_ERR_REQUEST_TOO_LARGE);
    assert_int_equal(len, full + 1);
    for (cap = 0; cap <= full; cap++) {
        size_t i;
        memset(buf, GUARD, full + 1 + GUARD_LEN);
        len = 12345;
        if (fn(arg, buf, cap, &len) != DRIP_ERR_REQUEST_TOO_LARGE) {
            fail_msg("cap %zu of %zu: not DRIP_ERR_REQUEST_TOO_LARGE", cap, full + 1);
        }
        if (len != full + 1) {
            fail_msg("cap %zu: *len %zu, want %zu", cap, len, full + 1);
        }
        for (i = cap; i < full + 1 + GUARD_LEN; i++) {
            if ((uint8_t)buf[i] != GUARD) {
                fail_msg("cap %zu: byte %zu written past the cap", cap, i);
            }
        }
        if (cap > 0 && buf[0] != '\0') { /* never a cut text that looks whole */
            fail_msg("cap %zu: a cut text was left in the buffer", cap);
        }
    }
    memset(buf, GUARD, full + 1 + GUARD_LEN);
    len = 12345;
    assert_int_equal(fn(arg, buf, full + 1, &len), DRIP_OK);
    assert_int_equal(len, full);
    assert_memory_equal(buf, want, full);
    assert_int_equal(buf[full], '\0');
    for (cap = full + 1; cap < full + 1 + GUARD_LEN; cap++) {
        assert_int_equal((uint8_t)buf[cap], GUARD);
    }
    /* more room than needed: same text */
    len = 0;
    assert_int_equal(fn(arg, buf, full + 1 + GUARD_LEN, &len), DRIP_OK);
    assert_int_equal(len, full);
    assert_memory_equal(buf, want, full + 1);
    free(buf);
}

static drip_err_t w_body(const void *arg, char *buf, size_t cap, size_t *len)
{
    return drip_request_body((const drip_request_t *)arg, buf, cap, len);
}

typedef struct {
    const char *s;
    size_t n;
} str_arg_t;

static drip_err_t w_string(const void *arg, char *buf, size_t cap, size_t *len)
{
    const str_arg_t *a = arg;
    return drip_request_json_string(a->s, a->n, buf, cap, len);
}

typedef struct {
    const drip_endpoint_t *ep;
    const char *method, *path;
    size_t body_len;
} head_arg_t;

static drip_err_t w_head(const void *arg, char *buf, size_t cap, size_t *len)
{
    const head_arg_t *a = arg;
    return drip_request_head(a->ep, a->method, a->path, a->body_len, buf, cap, len);
}

/* Body equals `want` exactly, is valid, carries every field, and is never
 * overrun by any smaller buffer. */
static void expect_body(const drip_request_t *r, const char *want)
{
    size_t len;
    char *got = body_of(r, &len);
    if (want != NULL && strcmp(got, want) != 0) {
        fail_msg("body\n got: %s\nwant: %s", got, want);
    }
    check_body(r, got, len);
    check_caps(w_body, r, got, len);
    free(got);
}

static drip_request_t req0(drip_api_t api)
{
    drip_request_t r;
    memset(&r, 0, sizeof r);
    r.api = api;
    r.model = "gpt-4o"; /* everything else zero: left out (test_zero_request) */
    return r;
}

/* ---- bodies: exact text ------------------------------------------------- */

static const drip_tool_t k_tools[2] = {
    {"get_weather", "Weather for a city",
     "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}", 1},
    {"ping", NULL, NULL, 0},
};

static void test_responses_minimal(void **state)
{
    drip_request_t r = req0(DRIP_API_RESPONSES);
    (void)state;
    r.input = "Hi";
    expect_body(&r, "{\"model\":\"gpt-4o\",\"input\":\"Hi\",\"stream\":true}");
    r.input = NULL; /* no input at all: an empty string, never a missing member */
    expect_body(&r, "{\"model\":\"gpt-4o\",\"input\":\"\",\"stream\":true}");
}

static void test_responses_full(void **state)
{
    drip_request_t r = req0(DRIP_API_RESPONSES);
    (void)state;
    r.input = "What is the weather in Paris?";
    r.instructions = "Be brief.";
    r.previous_response_id = "resp_123";
    r.tools = k_tools;
    r.ntools = 2;
    r.tool_choice = "auto";
    r.max_output_tokens = 256;
    r.temperature_milli = 700;
    r.has_temperature = 1;
    r.reasoning_effort = "low";
    r.reasoning_summary = "auto";
    r.store = DRIP_FLAG_TRUE;
    r.background = 1;
    r.include_obfuscation = DRIP_FLAG_FALSE;
    r.include_usage = 1; /* Chat only: ignored */
    expect_body(&r,
                "{\"model\":\"gpt-4o\",\"input\":\"What is the weather in Paris?\","
                "\"instructions\":\"Be brief.\",\"previous_response_id\":\"resp_123\","
                "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\","
                "\"description\":\"Weather for a city\",\"parameters\":{\"type\":\"object\","
                "\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]},"
                "\"strict\":true},{\"type\":\"function\",\"name\":\"ping\",\"parameters\":null,"
                "\"strict\":false}],\"tool_choice\":\"auto\",\"max_output_tokens\":256,"
                "\"reasoning\":{\"effort\":\"low\",\"summary\":\"auto\"},\"store\":true,"
                "\"background\":true,\"stream_options\":{\"include_obfuscation\":false},"
                "\"temperature\":0.7,\"stream\":true}");
}

static void test_responses_list_input(void **state)
{
    static const drip_message_t msgs[3] = {
        {"developer", "Answer in French.", NULL},
        {"assistant", "Bonjour", NULL},
        {NULL, NULL,
         "{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"get_weather\","
         "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}"},
    };
    static const drip_call_output_t outs[2] = {{"call_1", "{\"temp\":21}"}, {"call_2", "ok"}};
    drip_request_t r = req0(DRIP_API_RESPONSES);
    (void)state;
    r.messages = msgs;
    r.nmessages = 3;
    r.input = "And tomorrow?";
    r.outputs = outs;
    r.noutputs = 2;
    expect_body(&r,
                "{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"developer\",\"content\":\"Answer in "
                "French.\"},{\"role\":\"assistant\",\"content\":\"Bonjour\"},{\"type\":\"function_call\","
                "\"call_id\":\"call_1\",\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":"
                "\\\"Paris\\\"}\"},{\"role\":\"user\",\"content\":\"And tomorrow?\"},{\"type\":"
                "\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"{\\\"temp\\\":21}\"},"
                "{\"type\":\"function_call_output\",\"call_id\":\"call_2\",\"output\":\"ok\"}],"
                "\"stream\":true}");

    /* only outputs (with previous_response_id): a list of outputs */
    r.messages = NULL;
    r.nmessages = 0;
    r.input = NULL;
    r.previous_response_id = "resp_9";
    expect_body(&r,
                "{\"model\":\"gpt-4o\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":"
                "\"call_1\",\"output\":\"{\\\"temp\\\":21}\"},{\"type\":\"function_call_output\","
                "\"call_id\":\"call_2\",\"output\":\"ok\"}],\"previous_response_id\":\"resp_9\","
                "\"stream\":true}");

    /* messages only, then messages + outputs without input */
    r.previous_response_id = NULL;
    r.messages = msgs;
    r.nmessages = 1;
    expect_body(&r, NULL);
    r.noutputs = 0;
    expect_body(&r, "{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"developer\",\"content\":"
                    "\"Answer in French.\"}],\"stream\":true}");
    /* a message with NULL role / content: user / "" */
    {
        static const drip_message_t m2[1] = {{NULL, NULL, NULL}};
        r.messages = m2;
        expect_body(&r, "{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"user\",\"content\":\"\"}],"
                        "\"stream\":true}");
    }
    /* input string + outputs, no messages */
    r.messages = NULL;
    r.nmessages = 0;
    r.input = "x";
    r.outputs = outs;
    r.noutputs = 1;
    expect_body(&r, "{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"user\",\"content\":\"x\"},"
                    "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":"
                    "\"{\\\"temp\\\":21}\"}],\"stream\":true}");
}

static void test_chat_full(void **state)
{
    static const drip_message_t msgs[2] = {
        {"user", "Weather in Paris?", NULL},
        {NULL, NULL,
         "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":"
         "\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]}"},
    };
    static const drip_call_output_t outs[1] = {{"call_1", "sunny"}};
    drip_request_t r = req0(DRIP_API_CHAT);
    (void)state;
    r.instructions = "You are terse.";
    r.messages = msgs;
    r.nmessages = 2;
    r.input = "Thanks";
    r.outputs = outs;
    r.noutputs = 1;
    r.tools = k_tools;
    r.ntools = 2;
    r.tool_choice = "get_weather";
    r.max_output_tokens = 100;
    r.temperature_milli = 1250;
    r.has_temperature = 1;
    r.reasoning_effort = "minimal";
    r.reasoning_summary = "auto";         /* Responses only: not sent */
    r.previous_response_id = "resp_x";    /* Responses only: not sent */
    r.background = 1;                     /* Responses only: not sent */
    r.store = DRIP_FLAG_FALSE;
    r.include_usage = 1;
    r.include_obfuscation = DRIP_FLAG_TRUE;
    expect_body(&r,
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"You are "
                "terse.\"},{\"role\":\"user\",\"content\":\"Weather in Paris?\"},{\"role\":"
                "\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":"
                "\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                "{\"role\":\"user\",\"content\":\"Thanks\"},{\"role\":\"tool\",\"tool_call_id\":"
                "\"call_1\",\"content\":\"sunny\"}],\"tools\":[{\"type\":\"function\",\"function\":"
                "{\"name\":\"get_weather\",\"description\":\"Weather for a city\",\"parameters\":"
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":"
                "[\"city\"]},\"strict\":true}},{\"type\":\"function\",\"function\":{\"name\":\"ping\","
                "\"parameters\":null,\"strict\":false}}],\"tool_choice\":{\"type\":\"function\","
                "\"function\":{\"name\":\"get_weather\"}},\"max_completion_tokens\":100,"
                "\"reasoning_effort\":\"minimal\",\"store\":false,\"stream_options\":"
                "{\"include_usage\":true,\"include_obfuscation\":true},\"temperature\":1.25,"
                "\"stream\":true}");
}

static void test_chat_minimal_and_stream_options(void **state)
{
    drip_request_t r = req0(DRIP_API_CHAT);
    (void)state;
    r.input = "Hi";
    expect_body(&r, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                    "\"stream\":true}");
    r.include_usage = 1;
    expect_body(&r, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                    "\"stream_options\":{\"include_usage\":true},\"stream\":true}");
    r.include_usage = 0;
    r.include_obfuscation = DRIP_FLAG_FALSE;
    expect_body(&r, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                    "\"stream_options\":{\"include_obfuscation\":false},\"stream\":true}");
    r.input = NULL; /* nothing at all: an empty list */
    r.include_obfuscation = DRIP_FLAG_UNSET;
    expect_body(&r, "{\"model\":\"gpt-4o\",\"messages\":[],\"stream\":true}");
    /* instructions alone */
    r.instructions = "sys";
    expect_body(&r, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"sys\"}],"
                    "\"stream\":true}");
    /* outputs first in the list (no instructions, messages, input) */
    {
        static const drip_call_output_t o[2] = {{"c1", "a"}, {"c2", "b"}};
        r.instructions = NULL;
        r.outputs = o;
        r.noutputs = 2;
        expect_body(&r, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"tool\",\"tool_call_id\":"
                        "\"c1\",\"content\":\"a\"},{\"role\":\"tool\",\"tool_call_id\":\"c2\","
                        "\"content\":\"b\"}],\"stream\":true}");
    }
}

static void test_tool_choice(void **state)
{
    static const char *const words[] = {"auto", "none", "required"};
    static const char *const names[] = {"get_weather", "Auto", "auto_x", "none2", "a\"b"};
    size_t i;
    int api;
    (void)state;
    for (api = 0; api < 2; api++) {
        drip_request_t r = req0((drip_api_t)api);
        char want[256];
        r.input = "q";
        r.tools = k_tools;
        r.ntools = 1;
        for (i = 0; i < sizeof words / sizeof words[0]; i++) {
            size_t len;
            char *b;
            r.tool_choice = words[i];
            b = body_of(&r, &len);
            snprintf(want, sizeof want, ",\"tool_choice\":\"%s\",", words[i]);
            if (strstr(b, want) == NULL) {
                fail_msg("api %d: '%s' missing in %s", api, want, b);
            }
            check_body(&r, b, len);
            free(b);
        }
        for (i = 0; i < sizeof names / sizeof names[0]; i++) {
            size_t len;
            char *b;
            r.tool_choice = names[i];
            b = body_of(&r, &len);
            if (i == 0) {
                snprintf(want, sizeof want,
                         api == DRIP_API_CHAT
                             ? ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"%s\"}},"
                             : ",\"tool_choice\":{\"type\":\"function\",\"name\":\"%s\"},",
                         names[i]);
                if (strstr(b, want) == NULL) {
                    fail_msg("api %d: '%s' missing in %s", api, want, b);
                }
            }
            check_body(&r, b, len);
            free(b);
        }
    }
}

static void test_tools_shapes(void **state)
{
    static const drip_tool_t t1[1] = {{"f", NULL, "{}", 0}};
    static const drip_tool_t t2[1] = {{"f", "d\n\"x\"", "{\"a\":[1,2,{\"b\":null}]}", 1}};
    drip_request_t r = req0(DRIP_API_RESPONSES);
    (void)state;
    r.input = "q";
    r.tools = t1;
    r.ntools = 1;
    expect_body(&r, "{\"model\":\"gpt-4o\",\"input\":\"q\",\"tools\":[{\"type\":\"function\","
                    "\"name\":\"f\",\"parameters\":{},\"strict\":false}],\"stream\":true}");
    r.tools = t2;
    expect_body(&r, "{\"model\":\"gpt-4o\",\"input\":\"q\",\"tools\":[{\"type\":\"function\","
                    "\"name\":\"f\",\"description\":\"d\\n\\\"x\\\"\",\"parameters\":{\"a\":[1,2,"
                    "{\"b\":null}]},\"strict\":true}],\"stream\":true}");
    r.api = DRIP_API_CHAT;
    r.tools = t1;
    expect_body(&r, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],"
                    "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{},"
                    "\"strict\":false}}],\"stream\":true}");
    r.tools = t2;
    expect_body(&r, NULL);
    r.tools = k_tools;
    r.ntools = 2;
    expect_body(&r, NULL);
}

static void test_reasoning_store_background(void **state)
{
    drip_request_t r = req0(DRIP_API_RESPONSES);
    (void)state;
    r.input = "q";
    r.reasoning_effort = "high";
    expect_body(&r, "{\"model\":\"gpt-4o\",\"input\":\"q\",\"reasoning\":{\"effort\":\"high\"},"
                    "\"stream\":true}");
    r.reasoning_effort = NULL;
    r.reasoning_summary = "detailed";
    expect_body(&r, "{\"model\":\"gpt-4o\",\"input\":\"q\",\"reasoning\":{\"summary\":\"detailed\"},"
                    "\"stream\":true}");
    r.reasoning_summary = NULL;
    r.store = DRIP_FLAG_FALSE;
    expect_body(&r, "{\"model\":\"gpt-4o\",\"input\":\"q\",\"store\":false,\"stream\":true}");
    r.store = DRIP_FLAG_TRUE;
    r.background = 1;
    expect_body(&r, "{\"model\":\"gpt-4o\",\"input\":\"q\",\"store\":true,\"background\":true,"
                    "\"stream\":true}");
    r.store = DRIP_FLAG_UNSET;
    r.background = 0;
    r.include_obfuscation = DRIP_FLAG_TRUE;
    expect_body(&r, "{\"model\":\"gpt-4o\",\"input\":\"q\",\"stream_options\":{\"include_obfuscation\":"
                    "true},\"stream\":true}");
    r.include_obfuscation = DRIP_FLAG_UNSET;
    r.max_output_tokens = INT32_MAX;
    expect_body(&r, "{\"model\":\"gpt-4o\",\"input\":\"q\",\"max_output_tokens\":2147483647,"
                    "\"stream\":true}");
    r.max_output_tokens = 16;
    expect_body(&r, "{\"model\":\"gpt-4o\",\"input\":\"q\",\"max_output_tokens\":16,\"stream\":true}");
    r.max_output_tokens = -5; /* <= 0: not sent */
    expect_body(&r, "{\"model\":\"gpt-4o\",\"input\":\"q\",\"stream\":true}");
    /* Chat: reasoning_effort flat, no reasoning object */
    r.api = DRIP_API_CHAT;
    r.max_output_tokens = 0;
    r.reasoning_effort = "low";
    r.reasoning_summary = "auto";
    expect_body(&r, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],"
                    "\"reasoning_effort\":\"low\",\"stream\":true}");
}

/* A zeroed request (model and input set) sends only what the caller set. */
static void test_zero_request(void **state)
{
    int api;
    (void)state;
    for (api = 0; api < 2; api++) {
        drip_request_t r;
        memset(&r, 0, sizeof r);
        r.api = (drip_api_t)api;
        r.model = "gpt-4o-mini";
        r.input = "Hi";
        expect_body(&r, api == DRIP_API_CHAT
                            ? "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                              "\"stream\":true}"
                            : "{\"model\":\"gpt-4o-mini\",\"input\":\"Hi\",\"stream\":true}");
        /* temperature 0.0 is sent when asked for */
        r.has_temperature = 1;
        expect_body(&r, api == DRIP_API_CHAT
                            ? "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                              "\"temperature\":0,\"stream\":true}"
                            : "{\"model\":\"gpt-4o-mini\",\"input\":\"Hi\",\"temperature\":0,\"stream\":true}");
    }
}

static void test_temperature(void **state)
{
    static const struct {
        uint16_t milli;
        const char *text;
    } cases[] = {
        {0, "0"},       {5, "0.005"},  {700, "0.7"},   {1000, "1"},    {1250, "1.25"},
        {2000, "2"},    {1, "0.001"},  {10, "0.01"},   {100, "0.1"},   {1001, "1.001"},
        {1010, "1.01"}, {1999, "1.999"}, {50, "0.05"}, {1500, "1.5"},  {999, "0.999"},
    };
    size_t i;
    int api;
    (void)state;
    for (api = 0; api < 2; api++) {
        for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            drip_request_t r = req0((drip_api_t)api);
            char want[64];
            size_t len;
            char *b;
            r.input = "q";
            r.temperature_milli = cases[i].milli;
            r.has_temperature = 1;
            b = body_of(&r, &len);
            snprintf(want, sizeof want, ",\"temperature\":%s,\"stream\":true}", cases[i].text);
            if (len < strlen(want) || strcmp(b + len - strlen(want), want) != 0) {
                fail_msg("temperature_milli %d: got %s, want ...%s", (int)cases[i].milli, b, want);
            }
            check_body(&r, b, len);
            free(b);
        }
    }
}

static void test_body_args(void **state)
{
    static const drip_tool_t bad_tool[1] = {{NULL, NULL, NULL, 0}};
    static const drip_call_output_t bad_out1[1] = {{NULL, "x"}};
    static const drip_call_output_t bad_out2[1] = {{"c", NULL}};
    drip_request_t r = req0(DRIP_API_RESPONSES);
    char buf[256];
    size_t len = 0;
    (void)state;
    r.input = "q";
    assert_int_equal(drip_request_body(NULL, buf, sizeof buf, &len), DRIP_ERR_ARG);
    assert_int_equal(drip_request_body(&r, buf, sizeof buf, NULL), DRIP_ERR_ARG);
    assert_int_equal(drip_request_body(&r, NULL, 10, &len), DRIP_ERR_ARG);
    r.model = NULL;
    assert_int_equal(drip_request_body(&r, buf, sizeof buf, &len), DRIP_ERR_ARG);
    r.model = "m";
    r.tools = bad_tool;
    r.ntools = 1;
    assert_int_equal(drip_request_body(&r, buf, sizeof buf, &len), DRIP_ERR_ARG);
    r.tools = NULL;
    r.ntools = 0;
    r.outputs = bad_out1;
    r.noutputs = 1;
    assert_int_equal(drip_request_body(&r, buf, sizeof buf, &len), DRIP_ERR_ARG);
    r.outputs = bad_out2;
    assert_int_equal(drip_request_body(&r, buf, sizeof buf, &len), DRIP_ERR_ARG);
    r.outputs = NULL;
    r.noutputs = 0;
    r.nmessages = 2; /* messages NULL */
    assert_int_equal(drip_request_body(&r, buf, sizeof buf, &len), DRIP_ERR_ARG);
    r.nmessages = 0;
    r.store = (drip_flag_t)3; /* not a drip_flag_t */
    assert_int_equal(drip_request_body(&r, buf, sizeof buf, &len), DRIP_ERR_ARG);
    r.store = DRIP_FLAG_UNSET;
    r.include_obfuscation = (drip_flag_t)3;
    assert_int_equal(drip_request_body(&r, buf, sizeof buf, &len), DRIP_ERR_ARG);
    r.include_obfuscation = DRIP_FLAG_UNSET;
    /* a model name with a control byte (or none at all) is refused, not escaped */
    {
        static const char *const bad_model[] = {"", "gpt\r\nX-Evil: 1", "m\n", "m\t", "\x01", "m\x7f"};
        size_t i;
        for (i = 0; i < sizeof bad_model / sizeof bad_model[0]; i++) {
            r.model = bad_model[i];
            memset(buf, GUARD, sizeof buf);
            assert_int_equal(drip_request_body(&r, buf, sizeof buf, &len), DRIP_ERR_REQUEST_MODEL);
            assert_true((uint8_t)buf[0] == GUARD);
            assert_int_equal(drip_request_body(&r, NULL, 0, &len), DRIP_ERR_REQUEST_MODEL);
        }
        r.model = "m";
    }
    assert_int_equal(drip_request_body(&r, buf, sizeof buf, &len), DRIP_OK);
    assert_string_equal(buf, "{\"model\":\"m\",\"input\":\"q\",\"stream\":true}");
}

/* ntools > 0 with tools == NULL (or noutputs > 0 with outputs == NULL) is a
 * caller error the header promises to report as DRIP_ERR_ARG, not a crash. */
static void test_body_null_tools_array(void **state)
{
    drip_request_t r = req0(DRIP_API_RESPONSES);
    char buf[256];
    size_t len = 0;
    (void)state;
    r.input = "q";
    r.tools = NULL;
    r.ntools = 1;
    assert_int_equal(drip_request_body(&r, buf, sizeof buf, &len), DRIP_ERR_ARG);
}

static void test_body_null_outputs_array(void **state)
{
    drip_request_t r = req0(DRIP_API_CHAT);
    char buf[256];
    size_t len = 0;
    (void)state;
    r.input = "q";
    r.outputs = NULL;
    r.noutputs = 2;
    assert_int_equal(drip_request_body(&r, buf, sizeof buf, &len), DRIP_ERR_ARG);
}

/* Text with every kind of byte in every string field, both APIs. */
static void test_body_escaping_everywhere(void **state)
{
    static const char nasty[] = "a\"b\\c\n\r\t\b\f\x01\x1f/\x7f \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"
                                "\x80\xC0\x80\xED\xA0\x80\xF5\x80\xE2\x82";
    static const drip_message_t msgs[1] = {{nasty, nasty, NULL}};
    static const drip_tool_t tools[1] = {{nasty, nasty, "{\"d\":\"\\u00e9\"}", 1}};
    static const drip_call_output_t outs[1] = {{nasty, nasty}};
    int api;
    (void)state;
    for (api = 0; api < 2; api++) {
        drip_request_t r = req0((drip_api_t)api);
        size_t len, i;
        char *b;
        r.model = nasty + 14; /* from the space on: anything but control bytes (test_body_args) */
        r.input = nasty;
        r.messages = msgs;
        r.nmessages = 1;
        r.instructions = nasty;
        r.previous_response_id = nasty;
        r.tools = tools;
        r.ntools = 1;
        r.tool_choice = nasty;
        r.outputs = outs;
        r.noutputs = 1;
        r.reasoning_effort = nasty;
        r.reasoning_summary = nasty;
        b = body_of(&r, &len);
        /* no raw control byte and no invalid UTF-8 anywhere in the body */
        for (i = 0; i < len;) {
            size_t k = ref_seq((const uint8_t *)b + i, len - i);
            if (k == 0 || (uint8_t)b[i] < 0x20) {
                fail_msg("api %d: byte 0x%02x at %zu", api, (uint8_t)b[i], i);
            }
            i += k;
        }
        check_body(&r, b, len);
        check_caps(w_body, &r, b, len);
        free(b);
    }
}

/* ---- JSON strings ------------------------------------------------------- */

static void expect_lit(const char *s, size_t n, const char *want)
{
    str_arg_t a;
    char buf[1024];
    size_t len = 0;
    th_buf_t ref = {0};
    assert_int_equal(drip_request_json_string(s, n, buf, sizeof buf, &len), DRIP_OK);
    if (len != strlen(want) || memcmp(buf, want, len) != 0) {
        fail_msg("escape: got %s, want %s", buf, want);
    }
    /* the reference escaper agrees (so the random tests below mean something) */
    ref_escape(&ref, s, n);
    assert_string_equal(ref.p, want);
    free(ref.p);
    a.s = s;
    a.n = n;
    check_caps(w_string, &a, want, strlen(want));
}

static void test_string_controls(void **state)
{
    char all[32];
    th_buf_t want = {0};
    int c;
    (void)state;
    th_buf_str(&want, "\"");
    for (c = 0; c < 0x20; c++) {
        char one = (char)c, w[16];
        switch (c) {
        case 0x08: snprintf(w, sizeof w, "\"\\b\""); break;
        case 0x09: snprintf(w, sizeof w, "\"\\t\""); break;
        case 0x0A: snprintf(w, sizeof w, "\"\\n\""); break;
        case 0x0C: snprintf(w, sizeof w, "\"\\f\""); break;
        case 0x0D: snprintf(w, sizeof w, "\"\\r\""); break;
        default: snprintf(w, sizeof w, "\"\\u%04x\"", c); break; /* lower-case hex */
        }
        expect_lit(&one, 1, w);
        th_buf_add(&want, w + 1, strlen(w) - 2);
        all[c] = (char)c;
    }
    th_buf_str(&want, "\"");
    expect_lit(all, sizeof all, want.p);
    free(want.p);
    /* the exact lower-case forms, spelled out */
    expect_lit("\x00\x1f\x1b\x0b", 4, "\"\\u0000\\u001f\\u001b\\u000b\"");
    /* NUL in the middle does not end the string */
    expect_lit("a\0b", 3, "\"a\\u0000b\"");
    /* DEL, slash and space are not escaped */
    expect_lit("\x7f/ ~", 4, "\"\x7f/ ~\"");
    expect_lit("", 0, "\"\"");
}

static void test_string_quotes_backslashes(void **state)
{
    (void)state;
    expect_lit("\"", 1, "\"\\\"\"");
    expect_lit("\\", 1, "\"\\\\\"");
    expect_lit("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
    expect_lit("\\\"\\\"", 4, "\"\\\\\\\"\\\\\\\"\"");
    expect_lit("\\u0041", 6, "\"\\\\u0041\"");
    expect_lit("say \"hi\"\n", 9, "\"say \\\"hi\\\"\\n\"");
}

static void test_string_utf8_valid(void **state)
{
    static const char *const ok[] = {
        "\xC3\xA9",         /* U+00E9 */
        "\xC2\x80",         /* U+0080 */
        "\xDF\xBF",         /* U+07FF */
        "\xE0\xA0\x80",     /* U+0800 */
        "\xE2\x82\xAC",     /* U+20AC */
        "\xED\x9F\xBF",     /* U+D7FF */
        "\xEE\x80\x80",     /* U+E000 */
        "\xEF\xBF\xBD",     /* U+FFFD */
        "\xEF\xBF\xBF",     /* U+FFFF */
        "\xF0\x90\x80\x80", /* U+10000 */
        "\xF0\x9F\x98\x80", /* U+1F600 */
        "\xF4\x8F\xBF\xBF", /* U+10FFFF */
        "gr\xC3\xBC\xC3\x9F \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x8D\x95!",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char want[64];
        snprintf(want, sizeof want, "\"%s\"", ok[i]);
        expect_lit(ok[i], strlen(ok[i]), want);
    }
}

static void test_string_utf8_invalid(void **state)
{
    static const struct {
        const char *in;
        size_t n;
        const char *want;
    } cases[] = {
        {"\x80", 1, "\"\\ufffd\""},                                 /* lone continuation */
        {"a\xBF" "b", 3, "\"a\\ufffdb\""},                          /* lone continuation */
        {"\xC0\x80", 2, "\"\\ufffd\\ufffd\""},                      /* overlong NUL */
        {"\xC1\xBF", 2, "\"\\ufffd\\ufffd\""},                      /* overlong */
        {"\xE0\x80\x80", 3, "\"\\ufffd\\ufffd\\ufffd\""},           /* overlong 3-byte */
        {"\xE0\x9F\xBF", 3, "\"\\ufffd\\ufffd\\ufffd\""},           /* overlong 3-byte */
        {"\xED\xA0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\""},           /* surrogate D800 */
        {"\xED\xBF\xBF", 3, "\"\\ufffd\\ufffd\\ufffd\""},           /* surrogate DFFF */
        {"\xED\xA0\xBD\xED\xB8\x80", 6,                              /* CESU-8 pair */
         "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\""},
        {"\xF0\x80\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* overlong 4-byte */
        {"\xF0\x8F\xBF\xBF", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* overlong 4-byte */
        {"\xF4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* > U+10FFFF */
        {"\xF5\x80\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* F5.. */
        {"\xF8\x88\x80\x80\x80", 5, "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\""},
        {"\xFE\xFF", 2, "\"\\ufffd\\ufffd\""},
        {"a\xE2\x82", 3, "\"a\\ufffd\\ufffd\""},                   /* truncated at the end */
        {"a\xF0\x9F\x98", 4, "\"a\\ufffd\\ufffd\\ufffd\""},        /* truncated at the end */
        {"\xC3", 1, "\"\\ufffd\""},                                 /* truncated at the end */
        {"\xE2\x82" "A", 3, "\"\\ufffd\\ufffdA\""},                 /* cut short by ASCII */
        {"\xC3\"", 2, "\"\\ufffd\\\"\""},                           /* cut short by a quote */
        {"\xC3\n", 2, "\"\\ufffd\\n\""},                            /* cut short by a control */
        {"\xC3\xC3\xA9", 3, "\"\\ufffd\xC3\xA9\""},                 /* lead then a valid pair */
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_lit(cases[i].in, cases[i].n, cases[i].want);
    }
}

/* Seeded random byte strings: exact reference escape, and parsed back with
 * drip_json_parse + drip_json_str equal to the sanitized input. */
static void test_string_roundtrip_random(void **state)
{
    static const char *const pieces[] = {
        "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF", "\xED\x9F\xBF",
        "\xED\xA0\x80", "\xC0\x80", "\xE0\x80\x80", "\xF0\x80\x80\x80", "\"", "\\", "\\u", "\n",
    };
    uint32_t seed = 0xC0FFEEu;
    char in[200], buf[1400], obj[1500];
    th_buf_t ref = {0}, esc = {0};
    jsmntok_t tok[8];
    int iter;
    (void)state;
    for (iter = 0; iter < 20000; iter++) {
        size_t n = 0, target = th_rand(&seed) % 64u, len = 0;
        drip_json_t j;
        drip_str_t v;
        int t;
        drip_err_t e;
        while (n < target) {
            uint32_t k = th_rand(&seed) % 8u;
            if (k < 3) { /* any byte */
                in[n++] = (char)(th_rand(&seed) & 0xFFu);
            } else if (k < 5) { /* ASCII */
                in[n++] = (char)(0x20u + th_rand(&seed) % 0x5Fu);
            } else if (k == 5) { /* control */
                in[n++] = (char)(th_rand(&seed) % 0x20u);
            } else { /* a known piece */
                const char *p = pieces[th_rand(&seed) % (sizeof pieces / sizeof pieces[0])];
                size_t m = strlen(p);
                if (th_rand(&seed) % 4u == 0 && m > 1) {
                    m--; /* cut: a truncated sequence */
                }
                memcpy(in + n, p, m);
                n += m;
            }
        }
        e = drip_request_json_string(in, n, buf, sizeof buf, &len);
        assert_int_equal(e, DRIP_OK);
        ref_escape(&esc, in, n);
        if (len != esc.n || memcmp(buf, esc.p, len) != 0) {
            fail_msg("iteration %d: escape differs from the reference: %s vs %s", iter, buf, esc.p);
        }
        /* parse back */
        snprintf(obj, sizeof obj, "{\"s\":%s}", buf);
        e = drip_json_parse(&j, obj, strlen(obj), tok, 8);
        if (e != DRIP_OK) {
            fail_msg("iteration %d: not valid JSON (%d): %s", iter, (int)e, obj);
        }
        t = drip_json_get(&j, 0, "s", 1);
        assert_true(t > 0);
        e = drip_json_str(&j, t, &v);
        if (e != DRIP_OK) {
            fail_msg("iteration %d: drip_json_str %d on %s", iter, (int)e, buf);
        }
        ref_sanitize(&ref, in, n);
        if (v.n != ref.n || memcmp(v.p, ref.p, v.n) != 0) {
            fail_msg("iteration %d: round trip differs (%zu vs %zu bytes)", iter, v.n, ref.n);
        }
        if (iter % 500 == 0) { /* buffer sizes, now and then (quadratic) */
            str_arg_t a;
            a.s = in;
            a.n = n;
            check_caps(w_string, &a, esc.p, esc.n);
        }
    }
    free(ref.p);
    free(esc.p);
}

static void test_string_args(void **state)
{
    char buf[16];
    size_t len;
    (void)state;
    assert_int_equal(drip_request_json_string(NULL, 0, buf, sizeof buf, &len), DRIP_ERR_ARG);
    assert_int_equal(drip_request_json_string("a", 1, buf, sizeof buf, NULL), DRIP_ERR_ARG);
    assert_int_equal(drip_request_json_string("a", 1, NULL, 4, &len), DRIP_ERR_ARG);
    assert_int_equal(drip_request_json_string("a", 1, NULL, 0, &len), DRIP_ERR_REQUEST_TOO_LARGE);
    assert_int_equal(len, 4);
}

/* Random requests: every field, both APIs, text of every kind. */
static void test_body_random(void **state)
{
    static const char *const texts[] = {
        "", "hello", "line\nbreak", "q\"uote", "back\\slash", "\x01\x02\x1f", "caf\xC3\xA9",
        "\xE2\x82\xAC\xF0\x9F\x98\x80", "bad\x80", "\xC0\x80", "\xED\xA0\x80", "cut\xE2\x82",
        "auto", "none", "required", "get_weather", "\xF5\x80",
    };
    static const char *const params[] = {NULL, "{}", "{\"type\":\"object\"}", "true", "[1,{\"a\":\"b\"}]"};
    static const char *const raws[] = {
        "{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\",\"arguments\":\"{}\"}",
        "{\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"x\"}]}",
    };
    static const uint16_t temps[] = {0, 5, 700, 1000, 1250, 2000, 33, 1999};
    uint32_t seed = 12345u;
    int iter;
    (void)state;
#define PICK(a) (a)[th_rand(&seed) % (sizeof(a) / sizeof((a)[0]))]
#define MAYBE(a) (th_rand(&seed) % 3u == 0 ? NULL : PICK(a))
    for (iter = 0; iter < 3000; iter++) {
        drip_message_t msgs[4];
        drip_tool_t tools[3];
        drip_call_output_t outs[3];
        drip_request_t r;
        size_t i, len;
        char *b;
        memset(&r, 0, sizeof r);
        r.api = th_rand(&seed) & 1u ? DRIP_API_CHAT : DRIP_API_RESPONSES;
        do { /* an empty model or one with control bytes is refused (test_body_args) */
            r.model = PICK(texts);
        } while (r.model[0] == '\0' || strpbrk(r.model, "\n\x01") != NULL);
        r.input = MAYBE(texts);
        r.nmessages = th_rand(&seed) % 5u;
        for (i = 0; i < r.nmessages; i++) {
            msgs[i].role = MAYBE(texts);
            msgs[i].content = MAYBE(texts);
            msgs[i].raw_json = th_rand(&seed) % 4u == 0 ? PICK(raws) : NULL;
        }
        r.messages = r.nmessages > 0 ? msgs : NULL;
        r.instructions = MAYBE(texts);
        r.previous_response_id = MAYBE(texts);
        r.ntools = th_rand(&seed) % 4u;
        for (i = 0; i < r.ntools; i++) {
            tools[i].name = PICK(texts);
            tools[i].description = MAYBE(texts);
            tools[i].parameters = PICK(params);
            tools[i].strict = (int)(th_rand(&seed) % 3u); /* any non-zero is true */
        }
        r.tools = r.ntools > 0 ? tools : NULL;
        r.tool_choice = MAYBE(texts);
        r.noutputs = th_rand(&seed) % 4u;
        for (i = 0; i < r.noutputs; i++) {
            outs[i].call_id = PICK(texts);
            outs[i].output = PICK(texts);
        }
        r.outputs = r.noutputs > 0 ? outs : NULL;
        r.max_output_tokens = (int32_t)(th_rand(&seed) % 3u == 0 ? 0 : th_rand(&seed) % 100000u);
        r.temperature_milli = PICK(temps);
        r.has_temperature = (uint8_t)(th_rand(&seed) & 1u);
        r.reasoning_effort = MAYBE(texts);
        r.reasoning_summary = MAYBE(texts);
        r.store = (drip_flag_t)(th_rand(&seed) % 3u);
        r.background = (uint8_t)(th_rand(&seed) & 1u);
        r.include_obfuscation = (drip_flag_t)(th_rand(&seed) % 3u);
        r.include_usage = (uint8_t)(th_rand(&seed) & 1u);
        b = body_of(&r, &len);
        check_body(&r, b, len);
        if (iter % 300 == 0) {
            check_caps(w_body, &r, b, len);
        }
        free(b);
    }
#undef PICK
#undef MAYBE
}

/* ---- heads ---------------------------------------------------------------- */

static drip_endpoint_t ep_openai(void)
{
    drip_endpoint_t ep;
    memset(&ep, 0, sizeof ep);
    ep.host = "api.openai.com";
    ep.port = 443;
    ep.path_prefix = "/v1";
    ep.auth_name = "Authorization";
    ep.auth_value = "Bearer sk-test-123";
    return ep;
}

static void expect_head(const drip_endpoint_t *ep, const char *method, const char *path,
                        size_t body_len, const char *want)
{
    char buf[2048];
    size_t len = 0;
    head_arg_t a;
    drip_err_t e = drip_request_head(ep, method, path, body_len, buf, sizeof buf, &len);
    if (e != DRIP_OK) {
        fail_msg("head for %s %s: %d", method, path, (int)e);
    }
    if (strcmp(buf, want) != 0) {
        fail_msg("head\n got: %s\nwant: %s", buf, want);
    }
    assert_int_equal(len, strlen(want));
    a.ep = ep;
    a.method = method;
    a.path = path;
    a.body_len = body_len;
    check_caps(w_head, &a, want, strlen(want));
}

static void test_head_post(void **state)
{
    drip_endpoint_t ep = ep_openai();
    (void)state;
    expect_head(&ep, "POST", "/responses", 123,
                "POST /v1/responses HTTP/1.1\r\n"
                "Host: api.openai.com\r\n"
                "Authorization: Bearer sk-test-123\r\n"
                "User-Agent: " DEFAULT_UA "\r\n"
                "Accept: text/event-stream\r\n"
                "Accept-Encoding: identity\r\n"
                "Content-Type: application/json\r\n"
                "Content-Length: 123\r\n"
                "\r\n");
    /* empty body (cancel): Content-Length: 0 */
    expect_head(&ep, "POST", "/responses/resp_1/cancel", 0,
                "POST /v1/responses/resp_1/cancel HTTP/1.1\r\n"
                "Host: api.openai.com\r\n"
                "Authorization: Bearer sk-test-123\r\n"
                "User-Agent: " DEFAULT_UA "\r\n"
                "Accept: text/event-stream\r\n"
                "Accept-Encoding: identity\r\n"
                "Content-Type: application/json\r\n"
                "Content-Length: 0\r\n"
                "\r\n");
    /* largest Content-Length */
    expect_head(&ep, "POST", "/chat/completions", UINT32_MAX,
                "POST /v1/chat/completions HTTP/1.1\r\n"
                "Host: api.openai.com\r\n"
                "Authorization: Bearer sk-test-123\r\n"
                "User-Agent: " DEFAULT_UA "\r\n"
                "Accept: text/event-stream\r\n"
                "Accept-Encoding: identity\r\n"
                "Content-Type: application/json\r\n"
                "Content-Length: 4294967295\r\n"
                "\r\n");
}

static void test_head_get(void **state)
{
    drip_endpoint_t ep = ep_openai();
    (void)state;
    expect_head(&ep, "GET", "/responses/resp_1?stream=true&starting_after=7", SIZE_MAX,
                "GET /v1/responses/resp_1?stream=true&starting_after=7 HTTP/1.1\r\n"
                "Host: api.openai.com\r\n"
                "Authorization: Bearer sk-test-123\r\n"
                "User-Agent: " DEFAULT_UA "\r\n"
                "Accept: text/event-stream\r\n"
                "Accept-Encoding: identity\r\n"
                "\r\n");
}

static void test_head_relay(void **state)
{
    drip_endpoint_t ep;
    (void)state;
    memset(&ep, 0, sizeof ep);
    ep.host = "relay.local";
    ep.port = 8443;
    ep.path_prefix = "/openai/v1";
    ep.auth_name = "X-Relay-Key";
    ep.auth_value = "k3y";
    ep.user_agent = "thermostat/2.1";
    static const drip_header_t extra[] = {{"X-Device", "42"}, {"X-Trace", "a b c"}};
    ep.headers = extra;
    ep.nheaders = 2;
    expect_head(&ep, "POST", "/responses", 7,
                "POST /openai/v1/responses HTTP/1.1\r\n"
                "Host: relay.local:8443\r\n"
                "X-Relay-Key: k3y\r\n"
                "User-Agent: thermostat/2.1\r\n"
                "Accept: text/event-stream\r\n"
                "Accept-Encoding: identity\r\n"
                "Content-Type: application/json\r\n"
                "Content-Length: 7\r\n"
                "X-Device: 42\r\n"
                "X-Trace: a b c\r\n"
                "\r\n");
    /* no auth; no prefix; port 80; port 0 means 443 */
    ep.auth_name = NULL;
    ep.path_prefix = NULL;
    ep.port = 80;
    ep.nheaders = 0;
    ep.user_agent = NULL;
    expect_head(&ep, "GET", "/responses/r?stream=true", SIZE_MAX,
                "GET /responses/r?stream=true HTTP/1.1\r\n"
                "Host: relay.local:80\r\n"
                "User-Agent: " DEFAULT_UA "\r\n"
                "Accept: text/event-stream\r\n"
                "Accept-Encoding: identity\r\n"
                "\r\n");
    ep.port = 0;
    expect_head(&ep, "GET", "/x", SIZE_MAX,
                "GET /x HTTP/1.1\r\n"
                "Host: relay.local\r\n"
                "User-Agent: " DEFAULT_UA "\r\n"
                "Accept: text/event-stream\r\n"
                "Accept-Encoding: identity\r\n"
                "\r\n");
    ep.port = 65535;
    ep.auth_name = "Authorization";
    ep.auth_value = NULL; /* a name without a value: nothing sent */
    expect_head(&ep, "GET", "/x", SIZE_MAX,
                "GET /x HTTP/1.1\r\n"
                "Host: relay.local:65535\r\n"
                "User-Agent: " DEFAULT_UA "\r\n"
                "Accept: text/event-stream\r\n"
                "Accept-Encoding: identity\r\n"
                "\r\n");
}

static void expect_head_err(const drip_endpoint_t *ep, const char *method, const char *path,
                            size_t body_len, drip_err_t want, const char *what)
{
    char buf[1024];
    size_t len = 0;
    drip_err_t e;
    memset(buf, GUARD, sizeof buf);
    e = drip_request_head(ep, method, path, body_len, buf, sizeof buf, &len);
    if (e != want) {
        fail_msg("%s: got %d (%s), want %d (%s); head: %.*s", what, (int)e, drip_err_str(e),
                 (int)want, drip_err_str(want), (int)sizeof buf, buf);
    }
    /* nothing may be sent: the buffer must not hold a head */
    assert_true((uint8_t)buf[0] == GUARD || buf[0] == '\0');
    /* also without a buffer (size query) */
    assert_int_equal(drip_request_head(ep, method, path, body_len, NULL, 0, &len), want);
}

static void expect_head_arg(const drip_endpoint_t *ep, const char *method, const char *path,
                            size_t body_len, const char *what)
{
    expect_head_err(ep, method, path, body_len, DRIP_ERR_ARG, what);
}

/* Header injection: every place a caller's string reaches the head. A value
 * with CR/LF would end its header and start one chosen by whoever wrote it. */
static void test_head_injection(void **state)
{
    static const char *const bad[] = {"a\rb", "a\nb", "a\r\nX-Evil: 1", "\r\n", "x\n",
                                      "a\x01b", "a\x7f", "\x1b[31m"};
    /* not RFC 9110 tokens: would end the name early or split the line */
    static const char *const bad_name[] = {"", "X A", "X:A", "X-A:", "X\tA", "X\"A", "X(A)",
                                           "X\xc3\xa9"};
    drip_endpoint_t ep;
    drip_header_t h;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char what[64];
        ep = ep_openai();
        ep.host = bad[i];
        snprintf(what, sizeof what, "host #%zu", i);
        expect_head_err(&ep, "POST", "/responses", 10, DRIP_ERR_REQUEST_TARGET, what);
        ep = ep_openai();
        ep.path_prefix = bad[i];
        snprintf(what, sizeof what, "path prefix #%zu", i);
        expect_head_err(&ep, "POST", "/responses", 10, DRIP_ERR_REQUEST_TARGET, what);
        ep = ep_openai();
        snprintf(what, sizeof what, "path #%zu", i);
        expect_head_err(&ep, "GET", bad[i], SIZE_MAX, DRIP_ERR_REQUEST_TARGET, what);
        ep = ep_openai();
        ep.auth_value = bad[i];
        snprintf(what, sizeof what, "auth value (the key) #%zu", i);
        expect_head_err(&ep, "POST", "/responses", 10, DRIP_ERR_REQUEST_HEADER, what);
        ep = ep_openai();
        ep.auth_name = bad[i];
        snprintf(what, sizeof what, "auth name #%zu", i);
        expect_head_err(&ep, "POST", "/responses", 10, DRIP_ERR_REQUEST_HEADER, what);
        ep = ep_openai();
        ep.user_agent = bad[i];
        snprintf(what, sizeof what, "user agent #%zu", i);
        expect_head_err(&ep, "POST", "/responses", 10, DRIP_ERR_REQUEST_HEADER, what);
        ep = ep_openai();
        h.name = "X-A";
        h.value = bad[i];
        ep.headers = &h;
        ep.nheaders = 1;
        snprintf(what, sizeof what, "extra header value #%zu", i);
        expect_head_err(&ep, "POST", "/responses", 10, DRIP_ERR_REQUEST_HEADER, what);
        h.name = bad[i];
        h.value = "1";
        snprintf(what, sizeof what, "extra header name #%zu", i);
        expect_head_err(&ep, "POST", "/responses", 10, DRIP_ERR_REQUEST_HEADER, what);
    }
    for (i = 0; i < sizeof bad_name / sizeof bad_name[0]; i++) {
        char what[64];
        ep = ep_openai();
        h.name = bad_name[i];
        h.value = "1";
        ep.headers = &h;
        ep.nheaders = 1;
        snprintf(what, sizeof what, "bad header name #%zu", i);
        expect_head_err(&ep, "POST", "/responses", 10, DRIP_ERR_REQUEST_HEADER, what);
        ep = ep_openai();
        ep.auth_name = bad_name[i];
        snprintf(what, sizeof what, "bad auth name #%zu", i);
        expect_head_err(&ep, "POST", "/responses", 10, DRIP_ERR_REQUEST_HEADER, what);
    }
    /* a NULL name or value in the array, or an array missing */
    ep = ep_openai();
    h.name = NULL;
    h.value = "1";
    ep.headers = &h;
    ep.nheaders = 1;
    expect_head_err(&ep, "GET", "/x", SIZE_MAX, DRIP_ERR_REQUEST_HEADER, "NULL header name");
    h.name = "X-A";
    h.value = NULL;
    expect_head_err(&ep, "GET", "/x", SIZE_MAX, DRIP_ERR_REQUEST_HEADER, "NULL header value");
    ep.headers = NULL;
    expect_head_arg(&ep, "GET", "/x", SIZE_MAX, "nheaders without an array");
    /* a space in the path would split the request line */
    ep = ep_openai();
    expect_head_err(&ep, "GET", "/responses/a b", SIZE_MAX, DRIP_ERR_REQUEST_TARGET, "space in path");
    /* missing pieces */
    ep = ep_openai();
    ep.host = "";
    expect_head_arg(&ep, "GET", "/x", SIZE_MAX, "empty host");
    ep.host = NULL;
    expect_head_arg(&ep, "GET", "/x", SIZE_MAX, "NULL host");
    ep = ep_openai();
    expect_head_arg(&ep, NULL, "/x", SIZE_MAX, "NULL method");
    expect_head_arg(&ep, "G T", "/x", SIZE_MAX, "space in method");
    expect_head_arg(&ep, "GET", NULL, SIZE_MAX, "NULL path");
    expect_head_arg(NULL, "GET", "/x", SIZE_MAX, "NULL endpoint");
    {
        size_t len;
        char buf[16];
        assert_int_equal(drip_request_head(&ep, "GET", "/x", SIZE_MAX, buf, sizeof buf, NULL),
                         DRIP_ERR_ARG);
        assert_int_equal(drip_request_head(&ep, "GET", "/x", SIZE_MAX, NULL, 8, &len), DRIP_ERR_ARG);
    }
    /* good headers still pass: HTAB, obs-text and every tchar are allowed */
    {
        static const drip_header_t good[] = {{"X-A", "1"}, {"X-B", ""}, {"X-C", "a\tb \xc3\xa9"},
                                             {"!#$%&'*+-.^_`|~09azAZ", "v"}};
        char buf[512];
        size_t len;
        ep = ep_openai();
        ep.headers = good;
        ep.nheaders = 4;
        assert_int_equal(drip_request_head(&ep, "GET", "/x", SIZE_MAX, buf, sizeof buf, &len), DRIP_OK);
        assert_non_null(strstr(buf, "\r\nX-A: 1\r\nX-B: \r\nX-C: a\tb \xc3\xa9\r\n"
                                    "!#$%&'*+-.^_`|~09azAZ: v\r\n\r\n"));
    }
}

/* A Content-Length beyond what the head can state is refused. */
static void test_head_body_len_range(void **state)
{
    drip_endpoint_t ep = ep_openai();
    char buf[512];
    size_t len;
    (void)state;
    assert_int_equal(drip_request_head(&ep, "POST", "/r", UINT32_MAX, buf, sizeof buf, &len), DRIP_OK);
    if (SIZE_MAX > UINT32_MAX) {
        expect_head_arg(&ep, "POST", "/r", (size_t)UINT32_MAX + 1u, "body_len 2^32");
    }
}

/* The prefix is part of the request target like the path: a space in it
 * would split the request line ("POST /v 1/responses HTTP/1.1"). */
/* Base URLs split into views. */
static void test_url(void **state)
{
    static const struct {
        const char *url;
        int tls;
        const char *host;
        unsigned port;
        const char *prefix;
    } good[] = {
        {"https://api.openai.com/v1", 1, "api.openai.com", 443, "/v1"},
        {"https://api.openai.com", 1, "api.openai.com", 443, ""},
        {"https://relay.local:8443/openai/v1/", 1, "relay.local", 8443, "/openai/v1"},
        {"http://127.0.0.1:8080/v1", 0, "127.0.0.1", 8080, "/v1"},
        {"http://localhost", 0, "localhost", 80, ""},
        {"https://[::1]:9/v1", 1, "::1", 9, "/v1"},
        {"https://h:65535//", 1, "h", 65535, ""},
    };
    static const char *const bad[] = {"", "api.openai.com/v1", "ftp://h/", "https://", "https:///v1",
                                      "https://h:/v1", "https://h:0", "https://h:65536",
                                      "https://h:1x/v1", "https://h:99999999999/v1",
                                      "https://[::1/v1", "https://[::1]x/v1", "https://h/v 1",
                                      "https://h/v1\r\n", "https://h\x01/v1", "https://\xc3\xa9/v1"};
    size_t i;
    drip_url_t u;
    (void)state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(drip_request_url(good[i].url, &u), DRIP_OK);
        assert_int_equal(u.tls, good[i].tls);
        assert_int_equal(u.port, good[i].port);
        assert_int_equal(u.host.n, strlen(good[i].host));
        assert_memory_equal(u.host.p, good[i].host, u.host.n);
        assert_int_equal(u.prefix.n, strlen(good[i].prefix));
        assert_memory_equal(u.prefix.p, good[i].prefix, u.prefix.n);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (drip_request_url(bad[i], &u) != DRIP_ERR_REQUEST_TARGET) {
            fail_msg("accepted bad URL #%zu", i);
        }
    }
    assert_int_equal(drip_request_url(NULL, &u), DRIP_ERR_ARG);
    assert_int_equal(drip_request_url("https://h", NULL), DRIP_ERR_ARG);
}

static void test_head_space_in_prefix(void **state)
{
    drip_endpoint_t ep = ep_openai();
    (void)state;
    ep.path_prefix = "/v 1";
    expect_head_err(&ep, "POST", "/responses", 10, DRIP_ERR_REQUEST_TARGET, "space in path prefix");
}

/* Resume and cancel paths: built by the request writer, the id checked
 * there (it goes into the request line), the buffer never overrun. */
static void test_id_paths(void **state)
{
    char out[DRIP_REQUEST_ID_PATH_MAX + 4];
    char id[DRIP_ID_MAX + 2];
    static const char *const bad[] = {"", "resp 1", "resp/1", "resp\r\nX: y", "r?x", "r%2f", "r.1"};
    size_t i;
    (void)state;
    assert_int_equal(drip_request_resume_path(out, sizeof out, "resp_1", -1), DRIP_OK);
    assert_string_equal(out, "/responses/resp_1?stream=true");
    assert_int_equal(drip_request_resume_path(out, sizeof out, "resp_1", 0), DRIP_OK);
    assert_string_equal(out, "/responses/resp_1?stream=true&starting_after=0");
    assert_int_equal(drip_request_resume_path(out, sizeof out, "a-B_9", INT64_MAX), DRIP_OK);
    assert_string_equal(out, "/responses/a-B_9?stream=true&starting_after=9223372036854775807");
    assert_int_equal(drip_request_cancel_path(out, sizeof out, "resp_1"), DRIP_OK);
    assert_string_equal(out, "/responses/resp_1/cancel");
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        strcpy(out, "untouched");
        assert_int_equal(drip_request_resume_path(out, sizeof out, bad[i], 1), DRIP_ERR_ARG);
        assert_int_equal(drip_request_cancel_path(out, sizeof out, bad[i]), DRIP_ERR_ARG);
        assert_string_equal(out, "untouched");
    }
    assert_int_equal(drip_request_resume_path(out, sizeof out, NULL, 1), DRIP_ERR_ARG);
    assert_int_equal(drip_request_cancel_path(NULL, sizeof out, "r"), DRIP_ERR_ARG);
    /* the longest id and sequence number fit DRIP_REQUEST_ID_PATH_MAX; one more byte of id is refused */
    memset(id, 'x', DRIP_ID_MAX);
    id[DRIP_ID_MAX] = '\0';
    memset(out, '#', sizeof out);
    assert_int_equal(drip_request_resume_path(out, DRIP_REQUEST_ID_PATH_MAX, id, INT64_MAX), DRIP_OK);
    assert_int_equal(strlen(out), 11 + DRIP_ID_MAX + 12 + 16 + 19);
    assert_int_equal(out[DRIP_REQUEST_ID_PATH_MAX], '#');
    id[DRIP_ID_MAX] = 'x';
    id[DRIP_ID_MAX + 1] = '\0';
    assert_int_equal(drip_request_resume_path(out, sizeof out, id, 1), DRIP_ERR_ARG);
    /* too small: nothing cut that looks whole, nothing written past cap */
    memset(out, '#', sizeof out);
    assert_int_equal(drip_request_cancel_path(out, 20, "resp_1"), DRIP_ERR_REQUEST_TOO_LARGE);
    assert_int_equal(out[0], '\0');
    assert_int_equal(out[20], '#');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_responses_minimal),
        cmocka_unit_test(test_responses_full),
        cmocka_unit_test(test_responses_list_input),
        cmocka_unit_test(test_chat_full),
        cmocka_unit_test(test_chat_minimal_and_stream_options),
        cmocka_unit_test(test_tool_choice),
        cmocka_unit_test(test_tools_shapes),
        cmocka_unit_test(test_reasoning_store_background),
        cmocka_unit_test(test_zero_request),
        cmocka_unit_test(test_temperature),
        cmocka_unit_test(test_body_args),
        cmocka_unit_test(test_body_null_tools_array),
        cmocka_unit_test(test_body_null_outputs_array),
        cmocka_unit_test(test_body_escaping_everywhere),
        cmocka_unit_test(test_body_random),
        cmocka_unit_test(test_string_controls),
        cmocka_unit_test(test_string_quotes_backslashes),
        cmocka_unit_test(test_string_utf8_valid),
        cmocka_unit_test(test_string_utf8_invalid),
        cmocka_unit_test(test_string_roundtrip_random),
        cmocka_unit_test(test_string_args),
        cmocka_unit_test(test_head_post),
        cmocka_unit_test(test_head_get),
        cmocka_unit_test(test_head_relay),
        cmocka_unit_test(test_head_injection),
        cmocka_unit_test(test_head_body_len_range),
        cmocka_unit_test(test_head_space_in_prefix),
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_id_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
