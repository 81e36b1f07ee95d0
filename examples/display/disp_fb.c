/* SPDX-License-Identifier: Apache-2.0 */
/* Framebuffer primitives (disp_fb.h): clipping, the two pixel layouts. */
#include "disp_fb.h"

#include <string.h>

static void mark(disp_fb_t *fb, int x0, int y0, int x1, int y1)
{
    disp_rect_t *d = &fb->dirty;
    if (d->x0 >= d->x1) {
        d->x0 = (uint16_t)x0;
        d->y0 = (uint16_t)y0;
        d->x1 = (uint16_t)x1;
        d->y1 = (uint16_t)y1;
        return;
    }
    if (x0 < d->x0) d->x0 = (uint16_t)x0;
    if (y0 < d->y0) d->y0 = (uint16_t)y0;
    if (x1 > d->x1) d->x1 = (uint16_t)x1;
    if (y1 > d->y1) d->y1 = (uint16_t)y1;
}

static void put(disp_fb_t *fb, int x, int y, uint16_t c)
{
    if (fb->format == DISP_FB_MONO_PAGES) {
        uint8_t *b = &fb->px[(size_t)(y >> 3) * fb->width + (size_t)x];
        uint8_t bit = (uint8_t)(1u << (y & 7));
        *b = c != 0u ? (uint8_t)(*b | bit) : (uint8_t)(*b & (uint8_t)~bit);
    } else {
        uint8_t *p = &fb->px[((size_t)y * fb->width + (size_t)x) * 2u];
        p[0] = (uint8_t)(c >> 8);
        p[1] = (uint8_t)c;
    }
}

uint16_t disp_fb_get(const disp_fb_t *fb, int x, int y)
{
    if (x < 0 || y < 0 || x >= fb->width || y >= fb->height) {
        return 0;
    }
    if (fb->format == DISP_FB_MONO_PAGES) {
        return ((unsigned)fb->px[(size_t)(y >> 3) * fb->width + (size_t)x] >> (unsigned)(y & 7)) & 1u
                   ? 0xFFFFu
                   : 0u;
    } else {
        const uint8_t *p = &fb->px[((size_t)y * fb->width + (size_t)x) * 2u];
        return (uint16_t)((unsigned)p[0] << 8 | p[1]);
    }
}

int disp_fb_init(disp_fb_t *fb, uint8_t *px, uint16_t width, uint16_t height,
                 disp_fb_format_t format, uint16_t bg)
{
    if (fb == NULL || px == NULL || width == 0u || height == 0u ||
        (format != DISP_FB_MONO_PAGES && format != DISP_FB_RGB565)) {
        return -1;
    }
    memset(fb, 0, sizeof *fb);
    fb->px = px;
    fb->width = width;
    fb->height = height;
    fb->format = format;
    disp_fb_fill(fb, 0, 0, width, height, bg);
    fb->drawn = 0;
    return 0;
}

/* Clip a rectangle to the buffer; 0 when nothing is left. */
static int clip(const disp_fb_t *fb, int *x, int *y, int *w, int *h)
{
    if (*x < 0) { *w += *x; *x = 0; }
    if (*y < 0) { *h += *y; *y = 0; }
    if (*x + *w > fb->width) *w = fb->width - *x;
    if (*y + *h > fb->height) *h = fb->height - *y;
    return *w > 0 && *h > 0;
}

void disp_fb_fill(disp_fb_t *fb, int x, int y, int w, int h, uint16_t color)
{
    int i, j;
    if (!clip(fb, &x, &y, &w, &h)) {
        return;
    }
    for (j = y; j < y + h; j++) {
        for (i = x; i < x + w; i++) {
            put(fb, i, j, color);
        }
    }
    fb->drawn += (uint32_t)w * (uint32_t)h;
    mark(fb, x, y, x + w, y + h);
}

void disp_fb_glyph(disp_fb_t *fb, int x, int y, const disp_font_t *font, const uint8_t *bits,
                   uint16_t fg, uint16_t bg)
{
    int r, c, n = 0;
    for (r = 0; r < font->height; r++) {
        const uint8_t *row = bits + (size_t)r * font->row_bytes;
        int py = y + r;
        if (py < 0 || py >= fb->height) {
            continue;
        }
        for (c = 0; c < font->width; c++) {
            int px = x + c;
            if (px < 0 || px >= fb->width) {
                continue;
            }
            put(fb, px, py, ((unsigned)row[c >> 3] >> (unsigned)(7 - (c & 7))) & 1u ? fg : bg);
            n++;
        }
    }
    if (n > 0) {
        int x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
        int x1 = x + font->width > fb->width ? fb->width : x + font->width;
        int y1 = y + font->height > fb->height ? fb->height : y + font->height;
        fb->drawn += (uint32_t)n;
        mark(fb, x0, y0, x1, y1);
    }
}

void disp_fb_scroll(disp_fb_t *fb, int y, int h, int dy)
{
    int j, i;
    int w = fb->width, x = 0;
    if (dy <= 0 || !clip(fb, &x, &y, &w, &h) || dy >= h) {
        return;
    }
    if (fb->format == DISP_FB_RGB565) {
        size_t row = (size_t)fb->width * 2u;
        memmove(&fb->px[(size_t)y * row], &fb->px[(size_t)(y + dy) * row], (size_t)(h - dy) * row);
    } else {
        /* Page layout: a column's bits span pages; shift pixel by pixel
         * (128 x 64 is 8 192 pixels: cheap, and any dy works). */
        for (j = y; j < y + h - dy; j++) {
            for (i = 0; i < fb->width; i++) {
                put(fb, i, j, disp_fb_get(fb, i, j + dy));
            }
        }
    }
    mark(fb, 0, y, fb->width, y + h);
}

const uint8_t *disp_fb_row(const disp_fb_t *fb, unsigned y)
{
    return fb->format == DISP_FB_RGB565 ? &fb->px[(size_t)y * fb->width * 2u]
                                        : &fb->px[(size_t)(y / 8u) * fb->width];
}

disp_rect_t disp_fb_take_dirty(disp_fb_t *fb)
{
    disp_rect_t d = fb->dirty;
    memset(&fb->dirty, 0, sizeof fb->dirty);
    return d;
}
