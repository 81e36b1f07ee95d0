/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_b64: the streaming base64 decoder (drip_b64.h) at once, in pieces
 * and against a reference decoder written apart from it.
 *
 * Input: [cfg][s0][s1] then the text. ',' in the text ends one string
 * (drip_b64_next(): a speech answer's next audio delta), the end of the
 * input ends the text (drip_b64_end()).
 *   cfg bit 0: decode in place (out = in - 3, drip_b64.h allows it)
 *       bit 1: map the text's bytes onto the alphabet first (b < 0xF8: one
 *              of the 64 characters, 0xF8..0xFB '=', 0xFC..0xFD ',', the
 *              rest '!'), so most inputs are base64 worth decoding
 *   s0 s1 the split plan of the second run (fz_split_t); pieces may cut a
 *         group and a string anywhere
 * Checks: the run fed one call per string and the run fed in pieces give
 * the same verdict and, when valid, the same bytes as the reference; each
 * call writes at most DRIP_B64_OUT_MAX(held, n) bytes (end(): 2) and never past
 * the buffer (exactly that size, guard bytes after it); after an error
 * every later call fails too and writes nothing.
 */
#include <dripfeed/drip_b64.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n);

static const char k_abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* ---- reference: RFC 4648 §4 plus the rules of drip_b64.h ----------------- */

static int ref_val(uint8_t c)
{
    const char *f = c != 0 ? strchr(k_abc, c) : NULL;
    return f != NULL ? (int)(f - k_abc) : -1;
}

/* Bytes of a group of k (2..4) values: the first 6k/8 of their bits. */
static size_t ref_group(const int *v, size_t k, uint8_t *out)
{
    uint8_t bits[24];
    size_t i, j, nb = k * 6u / 8u;
    memset(bits, 0, sizeof bits);
    for (i = 0; i < k; i++) {
        for (j = 0; j < 6; j++) {
            bits[i * 6 + j] = (uint8_t)((v[i] >> (5 - j)) & 1);
        }
    }
    for (i = 0; i < nb; i++) {
        uint8_t b = 0;
        for (j = 0; j < 8; j++) {
            b = (uint8_t)(b << 1 | bits[i * 8 + j]);
        }
        out[i] = b;
    }
    return nb;
}

/* Returns the decoded length or -1 (not valid). */
static long ref_decode(const uint8_t *s, size_t n, uint8_t *out)
{
    int v[4];
    size_t k = 0, w = 0, i;
    int pads = 0;   /* '=' seen in the current group's padding */
    int closed = 0; /* the padding is complete: only ',' or the end may follow */
    for (i = 0; i <= n; i++) {
        if (i == n || s[i] == ',') { /* end of a string */
            if (pads == 1 && !closed) {
                return -1; /* "xx=" */
            }
            pads = 0;
            closed = 0;
            continue;
        }
        if (closed) {
            return -1;
        }
        if (s[i] == '=') {
            if (pads == 1) {
                closed = 1; /* "xx==" */
                continue;
            }
            if (k < 2) {
                return -1;
            }
            w += ref_group(v, k, out + w);
            closed = k == 3;
            pads = 1;
            k = 0;
            continue;
        }
        if (pads) {
            return -1; /* "xx=" then a character */
        }
        v[k] = ref_val(s[i]);
        if (v[k] < 0) {
            return -1;
        }
        if (++k == 4) {
            w += ref_group(v, 4, out + w);
            k = 0;
        }
    }
    if (k == 1) {
        return -1;
    }
    if (k > 1) {
        w += ref_group(v, k, out + w);
    }
    return (long)w;
}

/* ---- the decoder under test ---------------------------------------------- */

typedef struct {
    drip_b64_t b;
    uint8_t *out; /* decoded so far */
    size_t n;
    int failed;
    int in_place;
} run_t;

static void after_error(run_t *r)
{
    uint8_t o[8];
    size_t on = 99;
    FZ_CHECK(drip_b64_decode(&r->b, "AAAA", 4, o, &on) == DRIP_ERR_SPEECH_BASE64 && on == 0,
             "decode after an error: not sticky");
    FZ_CHECK(drip_b64_next(&r->b) == DRIP_ERR_SPEECH_BASE64, "next after an error");
    on = 99;
    FZ_CHECK(drip_b64_end(&r->b, o, &on) == DRIP_ERR_SPEECH_BASE64 && on == 0, "end after an error");
    r->failed = 1;
}

/* One call's buffer: room for the characters (in place) or for exactly
 * DRIP_B64_OUT_MAX bytes, then guard bytes. Static: no allocation per call
 * (a piece may be one byte); the guard bytes catch a write past the bound
 * as ASan would. */
#define MAX_IN 4096u
static uint8_t g_buf[MAX_IN + 3u + FZ_GUARD];

static void feed(run_t *r, const uint8_t *s, size_t n)
{
    size_t room = DRIP_B64_OUT_MAX((size_t)r->b.n, n), on = (size_t)-1;
    uint8_t *end;
    const char *src;
    drip_err_t e;
    FZ_CHECK(r->b.n <= 3, "held %u characters", (unsigned)r->b.n);
    FZ_CHECK(room <= n + 3u, "DRIP_B64_OUT_MAX(%u, %zu) = %zu > n + 3", (unsigned)r->b.n, n, room);
    if (r->in_place) { /* out = in - 3 */
        if (n > 0) {
            memcpy(g_buf + 3, s, n);
        }
        end = g_buf + 3 + n;
        src = (const char *)g_buf + 3;
    } else {
        end = g_buf + room;
        src = (const char *)s;
    }
    fz_guard_set(end, FZ_GUARD);
    e = drip_b64_decode(&r->b, src, n, g_buf, &on);
    fz_guard_check(end, FZ_GUARD, r->in_place ? "the characters decoded in place" : "the output");
    FZ_CHECK(e == DRIP_OK || e == DRIP_ERR_SPEECH_BASE64, "decode returned %d", (int)e);
    if (e != DRIP_OK) {
        after_error(r);
        return;
    }
    FZ_CHECK(on <= room, "decode wrote %zu bytes, room for %zu (held + %zu chars)", on, room, n);
    memcpy(r->out + r->n, g_buf, on);
    r->n += on;
}

/* One string boundary handling inside a piece: segments between commas. */
static void feed_piece(run_t *r, const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (!r->failed) {
        const uint8_t *c = (const uint8_t *)memchr(s + i, ',', n - i);
        size_t e = c ? (size_t)(c - s) : n;
        feed(r, s + i, e - i);
        if (r->failed || c == NULL) {
            return;
        }
        if (drip_b64_next(&r->b) != DRIP_OK) {
            after_error(r);
            return;
        }
        FZ_CHECK(r->b.pad == 0, "next left padding state %u", (unsigned)r->b.pad);
        i = e + 1;
    }
}

static void b64_run(run_t *r, const uint8_t *s, size_t n, int in_place, fz_split_t *split)
{
    size_t at = 0;
    r->n = 0;
    r->failed = 0;
    r->in_place = in_place;
    drip_b64_init(&r->b);
    do {
        size_t k = split && n > 0 ? fz_split_next(split, n - at) : n - at;
        feed_piece(r, s + at, k);
        at += k;
    } while (at < n && !r->failed);
    if (!r->failed) {
        uint8_t *o = (uint8_t *)malloc(2 + FZ_GUARD);
        size_t on = 99;
        FZ_CHECK(o != NULL, "malloc");
        fz_guard_set(o + 2, FZ_GUARD);
        if (drip_b64_end(&r->b, o, &on) != DRIP_OK) {
            after_error(r);
        } else {
            FZ_CHECK(on <= 2, "end wrote %zu bytes", on);
            memcpy(r->out + r->n, o, on);
            r->n += on;
            FZ_CHECK(r->b.n == 0 && r->b.pad == 0, "end left a partial group");
        }
        fz_guard_check(o + 2, FZ_GUARD, "end()'s 2-byte buffer");
        free(o);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
    uint8_t *text, *ref;
    run_t a, b;
    fz_split_t split;
    size_t tn, i;
    long rn;
    int in_place;
    if (n < 3 || n - 3 > MAX_IN) {
        return 0;
    }
    in_place = in[0] & 1u;
    fz_split_init(&split, in[1], in[2]);
    tn = n - 3;
    text = (uint8_t *)malloc(tn + 1u);
    ref = (uint8_t *)malloc(tn + 1u);
    a.out = (uint8_t *)malloc(tn + 1u);
    b.out = (uint8_t *)malloc(tn + 1u);
    FZ_CHECK(text && ref && a.out && b.out, "malloc");
    for (i = 0; i < tn; i++) {
        uint8_t c = in[3 + i];
        if (in[0] & 2u) {
            c = c < 0xF8u ? (uint8_t)k_abc[c & 63u] : c < 0xFCu ? '=' : c < 0xFEu ? ',' : '!';
        }
        text[i] = c;
    }
    rn = ref_decode(text, tn, ref);
    b64_run(&a, text, tn, in_place, NULL);
    b64_run(&b, text, tn, in_place, &split);
    FZ_CHECK(a.failed == (rn < 0) && b.failed == (rn < 0),
             "verdicts: reference %s, whole %s, pieces %s", rn < 0 ? "invalid" : "valid",
             a.failed ? "invalid" : "valid", b.failed ? "invalid" : "valid");
    if (rn >= 0) {
        FZ_CHECK(a.n == (size_t)rn && memcmp(a.out, ref, a.n) == 0,
                 "whole: %zu bytes, reference %ld, or the bytes differ", a.n, rn);
        FZ_CHECK(b.n == (size_t)rn && memcmp(b.out, ref, b.n) == 0,
                 "pieces: %zu bytes, reference %ld, or the bytes differ", b.n, rn);
    }
    free(text);
    free(ref);
    free(a.out);
    free(b.out);
    return 0;
}
