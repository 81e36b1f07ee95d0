/* SPDX-License-Identifier: Apache-2.0 */
/* Base64 decoded as it arrives (see drip_b64.h). */
#include "dripfeed/drip_b64.h"

/* 6-bit value of each character, 64 for '=', 0xFF for anything else. A
 * table (256 B of flash) keeps the inner loop to a load and a test. */
#define B_ 0xFFu
static const uint8_t k_val[256] = {
    B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_,
    B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_,
    B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, 62, B_, B_, B_, 63,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, B_, B_, B_, 64, B_, B_,
    B_, 0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, B_, B_, B_, B_, B_,
    B_, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, B_, B_, B_, B_, B_,
    B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_,
    B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_,
    B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_,
    B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_,
    B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_,
    B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_,
    B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_,
    B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_, B_};
#undef B_
#define PAD 64u

void drip_b64_init(drip_b64_t *b)
{
    b->acc = 0;
    b->n = 0;
    b->pad = 0;
    b->err = 0;
}

static drip_err_t bad(drip_b64_t *b)
{
    b->err = 1;
    return DRIP_ERR_SPEECH_BASE64;
}

drip_err_t drip_b64_decode(drip_b64_t *b, const char *in, size_t n, uint8_t *out, size_t *out_n)
{
    const uint8_t *p = (const uint8_t *)in, *end = p + n;
    uint8_t *o = out;
    uint32_t acc = b->acc;
    unsigned k = b->n, pad = b->pad;

    *out_n = 0;
    if (b->err) {
        return DRIP_ERR_SPEECH_BASE64;
    }
    for (;;) {
        uint32_t v;
        if (k == 0 && pad == 0) {
            /* whole groups: the hot loop (four loads, one test, three stores) */
            while (end - p >= 4) {
                uint32_t a0 = k_val[p[0]], a1 = k_val[p[1]], a2 = k_val[p[2]], a3 = k_val[p[3]];
                if ((a0 | a1 | a2 | a3) >= PAD) {
                    break; /* padding or a bad byte: one at a time below */
                }
                acc = a0 << 18 | a1 << 12 | a2 << 6 | a3;
                o[0] = (uint8_t)(acc >> 16);
                o[1] = (uint8_t)(acc >> 8);
                o[2] = (uint8_t)acc;
                o += 3;
                p += 4;
            }
            acc = 0;
        }
        if (p == end) {
            break;
        }
        v = k_val[*p++];
        if (pad != 0) { /* after '=': one more '=' ("xx=="), then nothing */
            if (pad == 1 || v != PAD) {
                return bad(b);
            }
            pad = 1;
        } else if (v == PAD) {
            if (k < 2) {
                return bad(b); /* "=", "x=": no byte to end */
            }
            if (k == 2) {
                *o++ = (uint8_t)(acc >> 4);
                pad = 2; /* "xx=" needs its second '=' */
            } else {
                *o++ = (uint8_t)(acc >> 10);
                *o++ = (uint8_t)(acc >> 2);
                pad = 1;
            }
            k = 0;
            acc = 0;
        } else if (v > PAD) {
            return bad(b);
        } else {
            acc = acc << 6 | v;
            if (++k == 4) {
                *o++ = (uint8_t)(acc >> 16);
                *o++ = (uint8_t)(acc >> 8);
                *o++ = (uint8_t)acc;
                k = 0;
                acc = 0;
            }
        }
    }
    b->acc = acc;
    b->n = (uint8_t)k;
    b->pad = (uint8_t)pad;
    *out_n = (size_t)(o - out);
    return DRIP_OK;
}

drip_err_t drip_b64_next(drip_b64_t *b)
{
    if (b->err || b->pad == 2) {
        return bad(b); /* "xx=" without its second '=' */
    }
    b->pad = 0;
    return DRIP_OK;
}

drip_err_t drip_b64_end(drip_b64_t *b, uint8_t *out, size_t *out_n)
{
    *out_n = 0;
    if (b->err) {
        return DRIP_ERR_SPEECH_BASE64;
    }
    if (b->n == 1 || b->pad == 2) {
        return bad(b);
    }
    if (b->n == 2) {
        out[0] = (uint8_t)(b->acc >> 4);
        *out_n = 1;
    } else if (b->n == 3) {
        out[0] = (uint8_t)(b->acc >> 10);
        out[1] = (uint8_t)(b->acc >> 2);
        *out_n = 2;
    }
    b->acc = 0;
    b->n = 0;
    b->pad = 0;
    return DRIP_OK;
}
