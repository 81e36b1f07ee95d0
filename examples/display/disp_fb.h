/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file disp_fb.h
 * @brief RAM framebuffers of the display example and their drawing primitives.
 *
 * Two pixel layouts, each the one its panel's RAM uses, so a driver sends
 * the buffer (or a rectangle of it) as it is:
 *  - DISP_FB_MONO_PAGES: 1 bit per pixel, SSD1306 page layout: byte
 *    (y / 8) * width + x holds column x of page y / 8, bit y % 8 (LSB = top).
 *  - DISP_FB_RGB565: 16 bits per pixel, row-major, each pixel big-endian
 *    (high byte first), as an ST7789 takes it over SPI (COLMOD 0x55).
 *
 * The caller owns the pixel memory (DISP_FB_BYTES); no heap. The buffer
 * keeps the bounding box of what changed since the driver last took it
 * (disp_fb_take_dirty), so a driver pushes only that rectangle.
 */
#ifndef DISP_FB_H
#define DISP_FB_H

#include <stddef.h>
#include <stdint.h>

#include "disp_font.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Pixel layouts. */
typedef enum disp_fb_format {
    DISP_FB_MONO_PAGES = 1, /**< 1 bpp, SSD1306 pages (8 rows per byte, LSB top) */
    DISP_FB_RGB565 = 16     /**< 16 bpp, big-endian RGB565, row-major */
} disp_fb_format_t;

/** Bytes of pixel memory for a @p fmt buffer of @p w x @p h pixels
 *  (MONO_PAGES: h rounded up to a multiple of 8). */
#define DISP_FB_BYTES(fmt, w, h) \
    ((fmt) == DISP_FB_MONO_PAGES ? (size_t)(w) * (((size_t)(h) + 7u) / 8u) \
                                 : (size_t)(w) * (size_t)(h) * 2u)

/** A rectangle, x0/y0 inclusive, x1/y1 exclusive; empty when x0 >= x1. */
typedef struct disp_rect {
    uint16_t x0, y0, x1, y1;
} disp_rect_t;

/** A framebuffer. Colours are RGB565 values; MONO_PAGES draws a pixel on
 *  for any non-zero colour. */
typedef struct disp_fb {
    uint8_t *px;             /**< DISP_FB_BYTES(format, width, height) bytes */
    uint16_t width, height;  /**< pixels */
    disp_fb_format_t format;
    disp_rect_t dirty;       /**< changed since disp_fb_take_dirty() */
    uint32_t drawn;          /**< pixels written by fill/glyph calls, ever */
} disp_fb_t;

/** Bind @p px (DISP_FB_BYTES bytes, caller-owned) and clear it to @p bg.
 *  @return 0, or -1 when a size is 0 or px is NULL. */
int disp_fb_init(disp_fb_t *fb, uint8_t *px, uint16_t width, uint16_t height,
                 disp_fb_format_t format, uint16_t bg);

/** Fill the rectangle (clipped to the buffer) with @p color. */
void disp_fb_fill(disp_fb_t *fb, int x, int y, int w, int h, uint16_t color);

/** Draw glyph @p bits of @p font (disp_font_glyph) with its top-left corner
 *  at x, y: set pixels in @p fg, the rest of the cell in @p bg. */
void disp_fb_glyph(disp_fb_t *fb, int x, int y, const disp_font_t *font, const uint8_t *bits,
                   uint16_t fg, uint16_t bg);

/** Move rows [y, y + h) up by @p dy pixels (0 < dy < h): a scroll of a
 *  RAM framebuffer (memmove per row for RGB565, bit moves for pages). The
 *  @p dy rows at the bottom of the band keep their old pixels: the caller
 *  redraws them (the text layer reports rows scrolled in as damaged whole).
 *  Nothing counts as drawn; the band is marked dirty. */
void disp_fb_scroll(disp_fb_t *fb, int y, int h, int dy);

/** The colour of a pixel (MONO_PAGES: 0 or 0xFFFF). */
uint16_t disp_fb_get(const disp_fb_t *fb, int x, int y);

/** Pixels of row @p y (RGB565: width * 2 bytes; consecutive rows follow), for
 *  a driver that sends whole rows, e.g. esp_lcd_panel_draw_bitmap(panel, 0,
 *  y0, width, y1, disp_fb_row(fb, y0)). */
const uint8_t *disp_fb_row(const disp_fb_t *fb, unsigned y);

/** The dirty rectangle since the last call, which clears it. */
disp_rect_t disp_fb_take_dirty(disp_fb_t *fb);

#ifdef __cplusplus
}
#endif
#endif /* DISP_FB_H */
