/* SPDX-License-Identifier: Apache-2.0 */
/* Code point -> glyph over the generated run tables (disp_font.h). */
#include "disp_font.h"

#include <stddef.h>

const uint8_t *disp_font_glyph(const disp_font_t *f, uint32_t cp)
{
    unsigned lo = 0, hi = f->nruns; /* the run containing cp is below hi */
    if (cp > 0xFFFFu) {
        return NULL;
    }
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2u;
        if (f->run_first[mid] <= cp) {
            lo = mid + 1u;
        } else {
            hi = mid;
        }
    }
    /* lo = first run starting after cp; the candidate is the one before */
    if (lo == 0u || cp - f->run_first[lo - 1u] >= f->run_len[lo - 1u]) {
        return NULL;
    }
    lo--;
    return f->bitmaps + (size_t)(f->run_glyph[lo] + (cp - f->run_first[lo])) *
                            f->height * f->row_bytes;
}

int disp_font_covers(void *font, uint32_t cp)
{
    return disp_font_glyph((const disp_font_t *)font, cp) != NULL;
}
