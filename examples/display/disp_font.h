/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file disp_font.h
 * @brief Bitmap fonts of the display example: code point -> glyph.
 *
 * The tables are generated from Debian's Terminus Font PSF files by
 * scripts/gen_font.py (font_6x12.c, font_8x16.c; SIL OFL 1.1, see
 * FONT-LICENSE.txt). Read-only data (flash on a board); no state.
 */
#ifndef DISP_FONT_H
#define DISP_FONT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A fixed-cell bitmap font, at most 8 pixels wide. */
typedef struct disp_font {
    uint8_t width;        /**< cell width in pixels (<= 8) */
    uint8_t height;       /**< cell height in pixels */
    uint8_t row_bytes;    /**< bytes per glyph row (1) */
    uint16_t nglyphs;     /**< glyphs in bitmaps */
    uint16_t nruns;       /**< entries of the three run arrays */
    uint16_t replacement; /**< glyph of U+FFFD */
    /** First code point of each run, ascending. A run maps run_len[i]
     *  consecutive code points to consecutive glyphs from run_glyph[i]. */
    const uint16_t *run_first;
    const uint16_t *run_glyph; /**< first glyph of each run */
    const uint8_t *run_len;    /**< code points in each run (1..255) */
    /** nglyphs * height * row_bytes bytes: rows top down, MSB = left pixel. */
    const uint8_t *bitmaps;
} disp_font_t;

/** 6x12 glyphs (21 x 5 cells on a 128x64 panel). */
extern const disp_font_t disp_font_6x12;
/** 8x16 glyphs (40 x 15 cells on a 320x240 panel). */
extern const disp_font_t disp_font_8x16;

/** The glyph of @p cp (height * row_bytes bytes), or NULL when the font
 *  lacks it. Binary search over the runs: O(log nruns). */
const uint8_t *disp_font_glyph(const disp_font_t *f, uint32_t cp);

/** Coverage callback for drip_text_cfg_t.covers: @p font is a
 *  `const disp_font_t *`. @return 1 when the font has @p cp, else 0. */
int disp_font_covers(void *font, uint32_t cp);

#ifdef __cplusplus
}
#endif
#endif /* DISP_FONT_H */
