/* SPDX-License-Identifier: Apache-2.0 */
/* Speech (openai.md section 11): the base64 decoder at every split, the
 * event stream on both decode paths (token path; scanner pieces with a
 * 64-byte buffer and a 500 KB delta), raw audio bodies (length, chunked,
 * close, cut), errors, and the request writer's speech body and head. */
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

/* ---- a reference base64 encoder (the test's own, RFC 4648 4) ------------- */

static size_t b64enc(const uint8_t *p, size_t n, char *out, int pad)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i, o = 0;
    for (i = 0; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        out[o++] = al[v >> 18];
        out[o++] = al[(v >> 12) & 63u];
        out[o++] = al[(v >> 6) & 63u];
        out[o++] = al[v & 63u];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        out[o++] = al[v >> 18];
        out[o++] = al[(v >> 12) & 63u];
        if (pad) {
            out[o++] = '=';
            out[o++] = '=';
        }
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        out[o++] = al[v >> 18];
        out[o++] = al[(v >> 12) & 63u];
        out[o++] = al[(v >> 6) & 63u];
        if (pad) {
            out[o++] = '=';
        }
    }
    out[o] = '\0';
    return o;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    size_t i;
    for (i = 0; i < n; i++) {
        p[i] = (uint8_t)th_rand(&seed);
    }
}

/* Decode text in pieces cut at the given points; returns bytes or -1. */
static long dec_pieces(const char *t, size_t n, const size_t *cuts, size_t ncuts, uint8_t *out)
{
    drip_b64_t b;
    size_t at = 0, o = 0, k, i;
    drip_b64_init(&b);
    for (i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : n;
        if (drip_b64_decode(&b, t + at, end - at, out + o, &k) != DRIP_OK) {
            return -1;
        }
        o += k;
        at = end;
    }
    if (drip_b64_end(&b, out + o, &k) != DRIP_OK) {
        return -1;
    }
    return (long)(o + k);
}

static void test_b64_every_split(void **state)
{
    uint8_t src[64], out[64];
    char t[100];
    size_t n, len, a, c;
    int pad;
    (void)state;
    for (pad = 0; pad <= 1; pad++) {
        for (n = 0; n <= 40; n++) {
            fill(src, n, (uint32_t)(n + 7));
            len = b64enc(src, n, t, pad);
            assert_int_equal(dec_pieces(t, len, NULL, 0, out), (long)n);
            assert_memory_equal(out, src, n);
            for (a = 0; a <= len; a++) { /* one cut anywhere */
                assert_int_equal(dec_pieces(t, len, &a, 1, out), (long)n);
                assert_memory_equal(out, src, n);
                for (c = a; c <= len; c++) { /* and a second one */
                    size_t cuts[2];
                    cuts[0] = a;
                    cuts[1] = c;
                    assert_int_equal(dec_pieces(t, len, cuts, 2, out), (long)n);
                    assert_memory_equal(out, src, n);
                }
            }
            { /* byte by byte */
                size_t cuts[100], i;
                for (i = 0; i < len; i++) {
                    cuts[i] = i;
                }
                assert_int_equal(dec_pieces(t, len, cuts, len, out), (long)n);
                assert_memory_equal(out, src, n);
            }
        }
    }
}

/* A group may continue into the next string (event); padding only at a
 * string's end, and a new group may follow in the next string. */
static void test_b64_across_strings(void **state)
{
    drip_b64_t b;
    uint8_t out[16];
    size_t k, o = 0;
    (void)state;
    drip_b64_init(&b);
    assert_int_equal(drip_b64_decode(&b, "SGVsb", 5, out, &k), DRIP_OK); /* "Hel" + 2 chars */
    o += k;
    assert_int_equal(drip_b64_next(&b), DRIP_OK);
    assert_int_equal(drip_b64_decode(&b, "G8=", 3, out + o, &k), DRIP_OK); /* "lo" */
    o += k;
    assert_int_equal(drip_b64_next(&b), DRIP_OK);
    assert_int_equal(drip_b64_decode(&b, "IQ==", 4, out + o, &k), DRIP_OK); /* "!" */
    o += k;
    assert_int_equal(drip_b64_end(&b, out + o, &k), DRIP_OK);
    o += k;
    assert_int_equal(o, 6);
    assert_memory_equal(out, "Hello!", 6);
}

static drip_err_t dec1(const char *s)
{
    drip_b64_t b;
    uint8_t out[64];
    size_t k;
    drip_err_t e;
    drip_b64_init(&b);
    e = drip_b64_decode(&b, s, strlen(s), out, &k);
    if (e == DRIP_OK) {
        e = drip_b64_next(&b);
    }
    return e == DRIP_OK ? drip_b64_end(&b, out, &k) : e;
}

static void test_b64_invalid(void **state)
{
    static const char *const bad[] = {"QUJD*", "QU JD", "QUJD\n", "=", "Q=", "Q===", "QU=D", "QUJ=Q",
                                      "QU==QUJD", "QUJD=", "Q", "QUJDR", "QU=", "QUJ-", "QUJ_",
                                      "QUJD\x80"};
    static const char *const good[] = {"", "QQ==", "QUI=", "QUJD", "QQ", "QUI", "QUJDRA", "QUJDRA=="};
    size_t i;
    drip_b64_t b;
    uint8_t out[8];
    size_t k;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(dec1(bad[i]), DRIP_ERR_SPEECH_BASE64);
    }
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(dec1(good[i]), DRIP_OK);
    }
    /* sticky */
    drip_b64_init(&b);
    assert_int_equal(drip_b64_decode(&b, "Q*", 2, out, &k), DRIP_ERR_SPEECH_BASE64);
    assert_int_equal(drip_b64_decode(&b, "QUJD", 4, out, &k), DRIP_ERR_SPEECH_BASE64);
    assert_int_equal(k, 0);
    assert_int_equal(drip_b64_end(&b, out, &k), DRIP_ERR_SPEECH_BASE64);
    /* "xx=" then the second '=' in the next piece of the same string */
    drip_b64_init(&b);
    assert_int_equal(drip_b64_decode(&b, "QQ=", 3, out, &k), DRIP_OK);
    assert_int_equal(k, 1);
    assert_int_equal(drip_b64_decode(&b, "=", 1, out, &k), DRIP_OK);
    assert_int_equal(drip_b64_decode(&b, "Q", 1, out, &k), DRIP_ERR_SPEECH_BASE64);
}

/* DRIP_B64_OUT_MAX is what one call may write: every text of up to 6
 * characters over "QA=" after 0..3 held characters, into a buffer of
 * exactly that size with guard bytes after it ("QQ=" alone gives 1 byte from
 * 3 characters: (held + n) / 4 * 3 would be 0; found by fuzz_b64). */
static void test_b64_out_bound(void **state)
{
    static const char al[3] = {'Q', 'A', '='};
    unsigned hold, len, code, i;
    (void)state;
    for (hold = 0; hold <= 3; hold++) {
        for (len = 0; len <= 6; len++) {
            unsigned combos = 1;
            for (i = 0; i < len; i++) {
                combos *= 3u;
            }
            for (code = 0; code < combos; code++) {
                char t[8];
                uint8_t out[8 + 16], first[4];
                drip_b64_t b;
                size_t k = 0, room, g;
                unsigned c = code;
                for (i = 0; i < len; i++) {
                    t[i] = al[c % 3u];
                    c /= 3u;
                }
                drip_b64_init(&b);
                assert_int_equal(drip_b64_decode(&b, "QUJ", hold, first, &k), DRIP_OK);
                assert_int_equal(b.n, hold);
                room = DRIP_B64_OUT_MAX(b.n, len);
                assert_true(room <= len + 3u); /* in place from in - 3 stays possible */
                memset(out, 0xA5, sizeof out);
                if (drip_b64_decode(&b, t, len, out + sizeof out - 16 - room, &k) == DRIP_OK) {
                    assert_true(k <= room);
                }
                for (g = 0; g < 16; g++) {
                    assert_int_equal(out[sizeof out - 16 + g], 0xA5);
                }
            }
        }
    }
}

/* In place from 3 bytes before the text, with a group held from before. */
static void test_b64_in_place(void **state)
{
    uint8_t src[300], buf[512];
    char t[512];
    size_t len, k, o, hold;
    drip_b64_t b;
    (void)state;
    fill(src, sizeof src, 99);
    len = b64enc(src, sizeof src, t, 1);
    for (hold = 0; hold <= 3; hold++) {
        drip_b64_init(&b);
        assert_int_equal(drip_b64_decode(&b, t, hold, buf, &k), DRIP_OK);
        assert_int_equal(k, 0);
        memcpy(buf + 3, t + hold, len - hold);
        assert_int_equal(drip_b64_decode(&b, (const char *)buf + 3, len - hold, buf, &o), DRIP_OK);
        assert_int_equal(o, sizeof src);
        assert_memory_equal(buf, src, sizeof src);
    }
}

/* ---- the stream ----------------------------------------------------------- */

typedef struct {
    th_buf_t audio;
    size_t calls, max_piece;
    size_t cancel_after; /* bytes; 0: never */
    int nerr;
    drip_err_t err;
} rec_t;

static drip_err_t r_audio(void *user, const uint8_t *p, size_t n)
{
    rec_t *r = (rec_t *)user;
    assert_true(n > 0);
    th_buf_add(&r->audio, p, n);
    r->calls++;
    if (n > r->max_piece) {
        r->max_piece = n;
    }
    return r->cancel_after != 0 && r->audio.n >= r->cancel_after ? DRIP_ERR_CANCELLED : DRIP_OK;
}

static void r_error(void *user, const drip_error_t *e)
{
    rec_t *r = (rec_t *)user;
    if (r->nerr++ == 0) {
        r->err = e->code;
    }
}

static const drip_handlers_t k_h = {.on_audio = r_audio, .on_error = r_error};

static drip_stream_t g_st;
static drip_api_t g_api = DRIP_API_SPEECH; /* what run() decodes as */

/* Feed `http` in pieces of `feed` through a stream with a `buflen` buffer. */
static drip_state_t run(const char *http, size_t len, size_t feed, size_t buflen, rec_t *r)
{
    static jsmntok_t tok[64];
    static drip_call_slot_t calls[1];
    drip_stream_cfg_t cfg;
    uint8_t *buf = malloc(buflen);
    size_t at = 0;
    size_t cancel_after = r->cancel_after; /* the one setting a test gives */
    assert_non_null(buf);
    memset(r, 0, sizeof *r);
    r->cancel_after = cancel_after;
    memset(&cfg, 0, sizeof cfg);
    cfg.api = g_api;
    cfg.buf = buf;
    cfg.buf_len = buflen;
    cfg.tok = tok;
    cfg.ntok = 64;
    cfg.calls = calls;
    cfg.ncalls = 1;
    cfg.handlers = &k_h;
    cfg.user = r;
    assert_int_equal(drip_stream_init(&g_st, &cfg), DRIP_OK);
    while (at < len) {
        size_t k = len - at < feed ? len - at : feed;
        int rc = drip_stream_feed(&g_st, (const uint8_t *)http + at, k);
        at += k;
        if (rc != DRIP_OK) {
            break;
        }
    }
    (void)drip_stream_finish(&g_st);
    free(buf);
    return g_st.result.state;
}

/* A chunked SSE response holding `body`. */
static char *sse_http(const char *body, size_t *len)
{
    th_buf_t b;
    size_t n = strlen(body), at = 0;
    memset(&b, 0, sizeof b);
    th_buf_str(&b, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
    while (at < n) {
        size_t k = n - at < 5000 ? n - at : 5000;
        th_buf_fmt(&b, "%zx\r\n", k);
        th_buf_add(&b, body + at, k);
        th_buf_str(&b, "\r\n");
        at += k;
    }
    th_buf_str(&b, "0\r\n\r\n");
    *len = b.n;
    return b.p;
}

static const char k_done[] =
    "data: {\"type\":\"speech.audio.done\",\"usage\":{\"input_tokens\":14,\"output_tokens\":101,"
    "\"total_tokens\":115}}\n\n";

/* One delta of `n` random audio bytes, then done. */
static char *one_delta(size_t n, uint8_t **audio, size_t *len, int type_last)
{
    th_buf_t b;
    char *t = malloc(n / 3 * 4 + 8), *http;
    *audio = malloc(n + 1);
    assert_non_null(t);
    assert_non_null(*audio);
    fill(*audio, n, (uint32_t)n);
    b64enc(*audio, n, t, 1);
    memset(&b, 0, sizeof b);
    th_buf_str(&b, type_last ? "data: {\"audio\":\"" : "data: {\"type\":\"speech.audio.delta\",\"audio\":\"");
    th_buf_str(&b, t);
    th_buf_str(&b, type_last ? "\",\"type\":\"speech.audio.delta\"}\n\n" : "\"}\n\n");
    th_buf_str(&b, k_done);
    http = sse_http(b.p, len);
    free(b.p);
    free(t);
    return http;
}

static void test_big_delta_pieces(void **state)
{
    uint8_t *audio;
    size_t len, n = 500u * 1024u;
    char *http = one_delta(n, &audio, &len, 0);
    size_t feeds[] = {1, 7, 4096, 65536};
    size_t i;
    rec_t r;
    (void)state;
    memset(&r, 0, sizeof r);
    for (i = 0; i < sizeof feeds / sizeof feeds[0]; i++) {
        if (feeds[i] == 1) {
            continue; /* 700 KB byte by byte: covered by 7 */
        }
        assert_int_equal(run(http, len, feeds[i], 64, &r), DRIP_STATE_COMPLETED);
        assert_int_equal(r.audio.n, n);
        assert_memory_equal(r.audio.p, audio, n);
        assert_true(r.max_piece <= DRIP_EVENT_PIECE_MAX); /* constant memory: staged pieces */
        assert_int_equal(r.calls, (n + 125) / 126);      /* the same pieces at any feed */
        assert_int_equal(g_st.result.usage.total_tokens, 115);
        assert_int_equal(g_st.result.events, 2);
        free(r.audio.p);
    }
    /* a buffer that holds it: one call, decoded in place */
    assert_int_equal(run(http, len, 4096, 1u << 20, &r), DRIP_STATE_COMPLETED);
    assert_int_equal(r.calls, 1);
    assert_memory_equal(r.audio.p, audio, n);
    free(r.audio.p);
    free(http);
    free(audio);
    /* "type" after "audio" in an oversize event: still audio */
    http = one_delta(3000, &audio, &len, 1);
    assert_int_equal(run(http, len, 13, 64, &r), DRIP_STATE_COMPLETED);
    assert_int_equal(r.audio.n, 3000);
    assert_memory_equal(r.audio.p, audio, 3000);
    free(r.audio.p);
    assert_int_equal(run(http, len, 13, 8192, &r), DRIP_STATE_COMPLETED);
    assert_memory_equal(r.audio.p, audio, 3000);
    free(r.audio.p);
    free(http);
    free(audio);
}

/* One base64 text cut into events at odd lengths (groups across events),
 * unpadded at the end; '/' escaped as "\/" in one event. */
static void test_groups_across_events(void **state)
{
    uint8_t src[2000];
    char t[3000];
    static const size_t cuts[] = {5, 7, 3, 1, 2, 333, 4, 1000, 9};
    th_buf_t b;
    size_t len, at = 0, i = 0, hlen, f, bl;
    char *http;
    rec_t r;
    (void)state;
    memset(&r, 0, sizeof r);
    fill(src, sizeof src, 5);
    len = b64enc(src, sizeof src - 1, t, 0); /* 1999 bytes: unpadded 2-byte tail */
    memset(&b, 0, sizeof b);
    while (at < len) {
        size_t k = cuts[i++ % 9];
        size_t j;
        k = len - at < k ? len - at : k;
        th_buf_str(&b, "event: speech.audio.delta\ndata: {\"type\":\"speech.audio.delta\",\"audio\":\"");
        for (j = at; j < at + k; j++) {
            if (t[j] == '/' && i == 6) {
                th_buf_str(&b, "\\/");
            } else {
                th_buf_add(&b, t + j, 1);
            }
        }
        th_buf_str(&b, "\"}\n\n");
        at += k;
    }
    th_buf_str(&b, "data: {\"type\":\"speech.audio.unknown_future\",\"x\":1}\n\n");
    th_buf_str(&b, k_done);
    th_buf_str(&b, "data: [DONE]\n\n");
    http = sse_http(b.p, &hlen);
    for (f = 1; f <= 4096; f = f * 7 + 1) {
        for (bl = 64; bl <= 65536; bl *= 4) {
            assert_int_equal(run(http, hlen, f, bl, &r), DRIP_STATE_COMPLETED);
            assert_int_equal(r.audio.n, sizeof src - 1);
            assert_memory_equal(r.audio.p, src, sizeof src - 1);
            free(r.audio.p);
        }
    }
    free(http);
    free(b.p);
}

static char *raw_http(const char *framing, const uint8_t *a, size_t n, size_t send, int chunked, size_t *len)
{
    th_buf_t b;
    size_t at = 0;
    memset(&b, 0, sizeof b);
    th_buf_str(&b, "HTTP/1.1 200 OK\r\nContent-Type: audio/pcm\r\n");
    th_buf_str(&b, framing);
    th_buf_str(&b, "\r\n");
    if (!chunked) {
        th_buf_add(&b, a, send);
    } else {
        while (at < n) {
            size_t k = n - at < 777 ? n - at : 777;
            th_buf_fmt(&b, "%zx\r\n", k);
            th_buf_add(&b, a + at, k);
            th_buf_str(&b, "\r\n");
            at += k;
        }
        if (send == n) {
            th_buf_str(&b, "0\r\n\r\n");
        }
    }
    *len = b.n;
    return b.p;
}

static void test_raw_bodies(void **state)
{
    uint8_t a[5000];
    char cl[64];
    size_t len, f;
    char *http;
    rec_t r;
    (void)state;
    memset(&r, 0, sizeof r);
    fill(a, sizeof a, 3);
    snprintf(cl, sizeof cl, "Content-Length: %zu\r\n", sizeof a);
    for (f = 1; f <= 4096; f = f * 7 + 1) {
        http = raw_http(cl, a, sizeof a, sizeof a, 0, &len);
        assert_int_equal(run(http, len, f, 64, &r), DRIP_STATE_COMPLETED);
        assert_int_equal(r.audio.n, sizeof a);
        assert_memory_equal(r.audio.p, a, sizeof a);
        assert_int_equal(g_st.result.events, r.calls); /* each call counts (no silent retry) */
        assert_int_equal(g_st.result.has_usage, 0);
        free(r.audio.p);
        free(http);
        http = raw_http("Transfer-Encoding: chunked\r\n", a, sizeof a, sizeof a, 1, &len);
        assert_int_equal(run(http, len, f, 64, &r), DRIP_STATE_COMPLETED);
        assert_memory_equal(r.audio.p, a, sizeof a);
        free(r.audio.p);
        free(http);
        /* cut: Content-Length not reached; chunked without its last chunk */
        http = raw_http(cl, a, sizeof a, 3000, 0, &len);
        assert_int_equal(run(http, len, f, 64, &r), DRIP_STATE_TRUNCATED);
        assert_int_equal(r.audio.n, 3000);
        assert_int_equal(r.err, DRIP_ERR_HTTP_TRUNCATED);
        free(r.audio.p);
        free(http);
        http = raw_http("Transfer-Encoding: chunked\r\n", a, sizeof a, 0, 1, &len);
        assert_int_equal(run(http, len, f, 64, &r), DRIP_STATE_TRUNCATED);
        assert_memory_equal(r.audio.p, a, sizeof a);
        free(r.audio.p);
        free(http);
        /* close-delimited: nothing tells its end from a cut */
        http = raw_http("Connection: close\r\n", a, sizeof a, sizeof a, 0, &len);
        assert_int_equal(run(http, len, f, 64, &r), DRIP_STATE_TRUNCATED);
        assert_int_equal(r.audio.n, sizeof a);
        assert_int_equal(r.err, DRIP_ERR_API_TRUNCATED);
        free(r.audio.p);
        free(http);
    }
}

static void test_errors(void **state)
{
    static const char bad_b64[] = "data: {\"type\":\"speech.audio.delta\",\"audio\":\"QUJD\"}\n\n"
                                  "data: {\"type\":\"speech.audio.delta\",\"audio\":\"QU*D\"}\n\n";
    static const char no_done[] = "data: {\"type\":\"speech.audio.delta\",\"audio\":\"QUJD\"}\n\n";
    static const char lone[] = "data: {\"type\":\"speech.audio.delta\",\"audio\":\"QUJDR\"}\n\n";
    static const char err_ev[] =
        "data: {\"type\":\"speech.audio.delta\",\"audio\":\"QUJD\"}\n\n"
        "data: {\"type\":\"error\",\"error\":{\"type\":\"server_error\",\"code\":\"x\",\"message\":\"boom\"}}\n\n";
    static const char not_str[] = "data: {\"type\":\"speech.audio.delta\",\"audio\":5}\n\n";
    static const char http500[] =
        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n"
        "{\"error\":{\"message\":\"oops\",\"type\":\"server_error\"}}";
    size_t len, bl;
    char *http;
    rec_t r;
    (void)state;
    memset(&r, 0, sizeof r);
    for (bl = 64; bl <= 4096; bl *= 64) {
        char big[9000];
        http = sse_http(bad_b64, &len);
        assert_int_equal(run(http, len, 5, bl, &r), DRIP_STATE_PROTOCOL_ERROR);
        assert_int_equal(g_st.result.err, DRIP_ERR_SPEECH_BASE64);
        assert_int_equal(r.audio.n, 3);
        free(r.audio.p);
        free(http);
        /* the same in an event far larger than a 64-byte buffer */
        snprintf(big, sizeof big, "data: {\"type\":\"speech.audio.delta\",\"audio\":\"%0*d*QUJD\"}\n\n", 8000, 0);
        http = sse_http(big, &len);
        assert_int_equal(run(http, len, 100, bl, &r), DRIP_STATE_PROTOCOL_ERROR);
        assert_int_equal(g_st.result.err, DRIP_ERR_SPEECH_BASE64);
        free(r.audio.p);
        free(http);
        http = sse_http(no_done, &len);
        assert_int_equal(run(http, len, 3, bl, &r), DRIP_STATE_TRUNCATED);
        assert_int_equal(g_st.result.err, DRIP_ERR_API_TRUNCATED);
        assert_int_equal(r.audio.n, 3);
        free(r.audio.p);
        free(http);
        { /* one character left at done */
            th_buf_t b;
            memset(&b, 0, sizeof b);
            th_buf_str(&b, lone);
            th_buf_str(&b, k_done);
            http = sse_http(b.p, &len);
            free(b.p);
            assert_int_equal(run(http, len, 3, bl, &r), DRIP_STATE_PROTOCOL_ERROR);
            assert_int_equal(g_st.result.err, DRIP_ERR_SPEECH_BASE64);
            free(r.audio.p);
            free(http);
        }
        http = sse_http(err_ev, &len);
        assert_int_equal(run(http, len, 3, bl, &r), DRIP_STATE_FAILED);
        assert_int_equal(g_st.result.err, DRIP_ERR_API_ERROR);
        assert_string_equal(g_st.result.error_message, "boom");
        assert_string_equal(g_st.result.error_type, "server_error");
        free(r.audio.p);
        free(http);
        http = sse_http(not_str, &len);
        assert_int_equal(run(http, len, 3, bl, &r), DRIP_STATE_PROTOCOL_ERROR);
        assert_int_equal(g_st.result.err, DRIP_ERR_EVENT_FIELD);
        free(r.audio.p);
        free(http);
    }
    assert_int_equal(run(http500, sizeof http500 - 1, 7, 64, &r), DRIP_STATE_HTTP_ERROR);
    assert_int_equal(g_st.result.http_status, 500);
    assert_string_equal(g_st.result.error_message, "oops");
    free(r.audio.p);
}

/* Only the stream's own API ends or fills the answer: a response.completed
 * in a speech stream is not its end, and speech events in a Responses
 * stream play no audio and end nothing (both announced through on_event
 * only). Both sizes of buffer: the event in place and through the scanner. */
static void test_other_api_events(void **state)
{
    static const char speech_then_text_end[] =
        "data: {\"type\":\"speech.audio.delta\",\"audio\":\"QUJD\"}\n\n"
        "data: {\"type\":\"response.completed\",\"sequence_number\":1,\"response\":"
        "{\"id\":\"resp_1\",\"status\":\"completed\"}}\n\n";
    char big[9000];
    size_t len, bl;
    char *http;
    rec_t r;
    (void)state;
    memset(&r, 0, sizeof r);
    for (bl = 64; bl <= 4096; bl *= 64) {
        http = sse_http(speech_then_text_end, &len);
        assert_int_equal(run(http, len, 3, bl, &r), DRIP_STATE_TRUNCATED);
        assert_int_equal(g_st.result.err, DRIP_ERR_API_TRUNCATED);
        assert_int_equal(r.audio.n, 3); /* the audio before it was played */
        free(r.audio.p);
        free(http);

        g_api = DRIP_API_RESPONSES;
        snprintf(big, sizeof big, "data: {\"type\":\"speech.audio.delta\",\"audio\":\"%0*d\"}\n\n%s",
                 4000, 0, k_done);
        http = sse_http(big, &len);
        assert_int_equal(run(http, len, 7, bl, &r), DRIP_STATE_TRUNCATED);
        assert_int_equal(r.audio.n, 0);
        assert_int_equal(g_st.result.has_usage, 0);
        free(r.audio.p);
        free(http);
        g_api = DRIP_API_SPEECH;
    }
}

static void test_cancel(void **state)
{
    uint8_t *audio;
    size_t len;
    char *http = one_delta(20000, &audio, &len, 0);
    rec_t r;
    (void)state;
    memset(&r, 0, sizeof r);
    r.cancel_after = 1000;
    assert_int_equal(run(http, len, 4096, 64, &r), DRIP_STATE_CANCELLED);
    assert_true(r.audio.n >= 1000 && r.audio.n < 1200);
    free(r.audio.p);
    r.cancel_after = 0;
    free(http);
    free(audio);
}

/* ---- request writer ------------------------------------------------------- */

static void test_request(void **state)
{
    char buf[512];
    size_t len;
    drip_request_t q;
    drip_endpoint_t ep;
    drip_header_t hd = {"X-Relay", "a\r\nEvil: 1"};
    (void)state;
    memset(&q, 0, sizeof q);
    q.api = DRIP_API_SPEECH;
    q.model = "gpt-4o-mini-tts";
    q.input = "Say \"hi\"\n\x01";
    q.voice = "coral";
    assert_int_equal(drip_request_body(&q, buf, sizeof buf, &len), DRIP_OK);
    assert_string_equal(buf, "{\"model\":\"gpt-4o-mini-tts\",\"input\":\"Say \\\"hi\\\"\\n\\u0001\",\"voice\":\"coral\"}");
    q.instructions = "Cheerful.";
    q.response_format = "pcm";
    q.speed_milli = 1250;
    q.stream_format = "sse";
    q.voice = "voice_123";
    assert_int_equal(drip_request_body(&q, buf, sizeof buf, &len), DRIP_OK);
    assert_string_equal(buf, "{\"model\":\"gpt-4o-mini-tts\",\"input\":\"Say \\\"hi\\\"\\n\\u0001\","
                             "\"voice\":{\"id\":\"voice_123\"},\"instructions\":\"Cheerful.\","
                             "\"response_format\":\"pcm\",\"speed\":1.25,\"stream_format\":\"sse\"}");
    assert_int_equal(len, strlen(buf));
    assert_string_equal(drip_request_path(&q), "/audio/speech");
    assert_string_equal(drip_request_accept(&q), "text/event-stream");
    q.stream_format = "audio";
    assert_string_equal(drip_request_accept(&q), "*/*");
    /* too small: the size needed, nothing that looks whole */
    assert_int_equal(drip_request_body(&q, buf, 10, &len), DRIP_ERR_REQUEST_TOO_LARGE);
    assert_int_equal(buf[0], '\0');
    /* refused */
    q.voice = "cor\nal";
    assert_int_equal(drip_request_body(&q, buf, sizeof buf, &len), DRIP_ERR_REQUEST_MODEL);
    q.voice = "";
    assert_int_equal(drip_request_body(&q, buf, sizeof buf, &len), DRIP_ERR_REQUEST_MODEL);
    q.voice = "coral";
    q.response_format = "pcm\r\n";
    assert_int_equal(drip_request_body(&q, buf, sizeof buf, &len), DRIP_ERR_REQUEST_MODEL);
    q.response_format = "pcm";
    q.model = "tts\x7f";
    assert_int_equal(drip_request_body(&q, buf, sizeof buf, &len), DRIP_ERR_REQUEST_MODEL);
    q.model = "tts-1";
    q.speed_milli = 4001;
    assert_int_equal(drip_request_body(&q, buf, sizeof buf, &len), DRIP_ERR_ARG);
    q.speed_milli = 249;
    assert_int_equal(drip_request_body(&q, buf, sizeof buf, &len), DRIP_ERR_ARG);
    q.speed_milli = 0;
    q.voice = NULL;
    assert_int_equal(drip_request_body(&q, buf, sizeof buf, &len), DRIP_ERR_ARG);
    q.voice = "coral";
    q.input = NULL;
    assert_int_equal(drip_request_body(&q, buf, sizeof buf, &len), DRIP_ERR_ARG);
    /* the head: Accept from the request; header injection refused */
    memset(&ep, 0, sizeof ep);
    ep.host = "api.openai.com";
    ep.path_prefix = "/v1";
    assert_int_equal(drip_request_head_accept(&ep, "POST", "/audio/speech", "*/*", 10, buf, sizeof buf, &len),
                     DRIP_OK);
    assert_non_null(strstr(buf, "POST /v1/audio/speech HTTP/1.1\r\n"));
    assert_non_null(strstr(buf, "\r\nAccept: */*\r\n"));
    assert_int_equal(drip_request_head_accept(&ep, "POST", "/audio/speech", "a\nb", 10, buf, sizeof buf, &len),
                     DRIP_ERR_REQUEST_HEADER);
    ep.headers = &hd;
    ep.nheaders = 1;
    assert_int_equal(drip_request_head_accept(&ep, "POST", "/audio/speech", "*/*", 10, buf, sizeof buf, &len),
                     DRIP_ERR_REQUEST_HEADER);
    /* text requests are unchanged */
    memset(&q, 0, sizeof q);
    q.model = "m";
    q.input = "x";
    assert_string_equal(drip_request_path(&q), "/responses");
    assert_string_equal(drip_request_accept(&q), "text/event-stream");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_b64_every_split),  cmocka_unit_test(test_b64_across_strings),
        cmocka_unit_test(test_b64_invalid),      cmocka_unit_test(test_b64_in_place),
        cmocka_unit_test(test_b64_out_bound),
        cmocka_unit_test(test_big_delta_pieces), cmocka_unit_test(test_groups_across_events),
        cmocka_unit_test(test_raw_bodies),       cmocka_unit_test(test_errors),
        cmocka_unit_test(test_other_api_events),
        cmocka_unit_test(test_cancel),           cmocka_unit_test(test_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
