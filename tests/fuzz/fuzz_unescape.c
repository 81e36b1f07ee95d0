/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_unescape: the two JSON string decoders against each other and
 * against a third one written here.
 *
 * Input: the body of a JSON string (what lies between the quotes), any bytes.
 *   A  drip_json_unescape() in place, on a copy with guard bytes after it;
 *   B  drip_unesc_byte() byte by byte into a separate buffer, then
 *      drip_unesc_finish() (what the oversize scanner does);
 *   R  fz_ref_unescape() (fuzz_common.h), an independent decoder.
 * A and B must give the same bytes or both fail with DRIP_ERR_JSON_ESCAPE;
 * the output is never longer than the input (so in-place decoding never
 * overtakes its reader), nothing is written past the input's end, and one
 * decoder never writes more than 4 bytes per input byte. R must agree with A
 * (skip name for DRIP_FUZZ_SKIP: ref).
 */
#include <dripfeed/drip_json.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
    uint8_t *a = fz_dup_guarded(in, n);
    uint8_t *b = (uint8_t *)malloc(4u * n + 8u + FZ_GUARD);
    uint8_t *r = (uint8_t *)malloc(n + 1u);
    size_t alen = 99999, blen = 0, i;
    drip_unesc_t u;
    int ea, eb = DRIP_OK;
    long rlen;

    ea = drip_json_unescape((char *)a, n, &alen);
    fz_guard_check(a + n, FZ_GUARD, "the string (in-place unescape)");
    FZ_CHECK(ea == DRIP_OK || ea == DRIP_ERR_JSON_ESCAPE, "unescape returned %d", ea);
    if (ea == DRIP_OK) {
        FZ_CHECK(alen <= n, "unescaped length %zu > input %zu", alen, n);
    }

    memset(&u, 0, sizeof u);
    fz_guard_set(b + 4u * n + 8u, FZ_GUARD);
    for (i = 0; i < n; i++) {
        uint8_t out[DRIP_UNESC_OUT_MAX];
        int k = drip_unesc_byte(&u, in[i], out);
        if (k < 0) {
            FZ_CHECK(k == DRIP_ERR_JSON_ESCAPE, "drip_unesc_byte returned %d", k);
            eb = k;
            break;
        }
        FZ_CHECK(k <= DRIP_UNESC_OUT_MAX, "drip_unesc_byte wrote %d bytes", k);
        memcpy(b + blen, out, (size_t)k);
        blen += (size_t)k;
        FZ_CHECK(blen <= i + 1u, "byte decoder ran ahead: %zu bytes out after %zu in", blen, i + 1u);
    }
    if (eb == DRIP_OK) {
        uint8_t out[DRIP_UNESC_OUT_MAX];
        int k = drip_unesc_finish(&u, out);
        FZ_CHECK(k == DRIP_ERR_JSON_ESCAPE || (k >= 0 && k <= 3), "drip_unesc_finish returned %d", k);
        if (k > 0) {
            memcpy(b + blen, out, (size_t)k);
            blen += (size_t)k;
        }
        eb = k < 0 ? k : DRIP_OK;
    }
    fz_guard_check(b + 4u * n + 8u, FZ_GUARD, "the byte decoder's output");

    FZ_CHECK(ea == eb, "drip_json_unescape says %d, drip_unesc_byte/end say %d", ea, eb);
    if (ea == DRIP_OK) {
        FZ_CHECK(alen == blen, "lengths differ: in place %zu, byte by byte %zu", alen, blen);
        FZ_CHECK(alen == 0 || memcmp(a, b, alen) == 0, "outputs differ");
    }

    if (!fz_skip("ref")) {
        rlen = fz_ref_unescape(in, n, r);
        FZ_CHECK((rlen < 0) == (ea != DRIP_OK), "reference decoder %s, library %s",
                 rlen < 0 ? "rejects" : "accepts", ea == DRIP_OK ? "accepts" : "rejects");
        if (rlen >= 0) {
            FZ_CHECK((size_t)rlen == alen && (alen == 0 || memcmp(a, r, alen) == 0),
                     "library output differs from the reference decoder's");
        }
    }
    free(a);
    free(b);
    free(r);
    return 0;
}
