/* SPDX-License-Identifier: Apache-2.0 */
/* The text grid, cursor and activity line over a framebuffer (disp_view.h). */
#include "disp_view.h"

#include <string.h>

#include "dripfeed/drip_text.h"

const disp_colors_t disp_colors_mono = {0x0000u, 0xFFFFu, 0xFFFFu, 0x0000u, 0xFFFFu};
/* Light text on near-black; the bar dark grey with amber text (RGB565). */
const disp_colors_t disp_colors_rgb = {0x0841u, 0xE71Cu, 0x31A6u, 0xFE60u, 0x07FFu};

/* One code point of UTF-8 at *s (n > 0 bytes left): malformed or cut
 * sequences read as U+FFFD, one byte consumed. */
static uint32_t utf8_next(const char **s, size_t *n)
{
    const uint8_t *p = (const uint8_t *)*s;
    uint32_t cp;
    size_t len, i;
    if (p[0] < 0x80u) {
        len = 1;
        cp = p[0];
    } else if (p[0] >= 0xC2u && p[0] < 0xE0u) {
        len = 2;
        cp = p[0] & 0x1Fu;
    } else if (p[0] >= 0xE0u && p[0] < 0xF0u) {
        len = 3;
        cp = p[0] & 0x0Fu;
    } else if (p[0] >= 0xF0u && p[0] < 0xF5u) {
        len = 4;
        cp = p[0] & 0x07u;
    } else {
        len = 0;
        cp = 0xFFFDu;
    }
    if (len > *n) {
        len = 0;
        cp = 0xFFFDu;
    }
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xC0u) != 0x80u) {
            len = 0;
            cp = 0xFFFDu;
            break;
        }
        cp = cp << 6 | (p[i] & 0x3Fu);
    }
    if (len == 0u) {
        len = 1;
    }
    *s += len;
    *n -= len;
    return cp;
}

/* The glyph of cp, U+FFFD's when the font lacks it. The text layer (with
 * disp_font_covers as its coverage callback) only hands rows whose code
 * points the font has; the fallback is for other callers. */
static const uint8_t *glyph_of(const disp_font_t *f, uint32_t cp)
{
    const uint8_t *g = disp_font_glyph(f, cp);
    if (g == NULL) {
        g = f->bitmaps + (size_t)f->replacement * f->height * f->row_bytes;
    }
    return g;
}

unsigned disp_view_text_cells(const char *s, size_t n)
{
    unsigned c = 0;
    while (n > 0u) {
        c += drip_text_cells(utf8_next(&s, &n));
    }
    return c;
}

int disp_view_setup(disp_view_t *v, disp_fb_t *fb, const disp_font_t *font,
                    const disp_colors_t *colors)
{
    unsigned rows;
    if (fb->height < 2u * font->height || fb->width < font->width) {
        return -1;
    }
    memset(v, 0, sizeof *v);
    v->fb = fb;
    v->font = font;
    v->col = *colors;
    rows = (unsigned)(fb->height - font->height) / font->height;
    v->rows = (uint16_t)rows;
    v->cols = (uint16_t)(fb->width / font->width);
    v->bar_y = (uint16_t)(fb->height - font->height);
    disp_fb_fill(fb, 0, 0, fb->width, fb->height, v->col.bg);
    /* The bar band: one pixel above the glyphs when there is room. */
    {
        int pad = v->bar_y > rows * font->height ? 1 : 0;
        disp_fb_fill(fb, 0, v->bar_y - pad, fb->width, font->height + pad, v->col.bar_bg);
    }
    for (rows = 0; rows < DISP_BAR_MAX; rows++) {
        v->bar[rows] = ' ';
    }
    return 0;
}

static void cell_clear(disp_view_t *v, unsigned row, unsigned col)
{
    disp_fb_fill(v->fb, (int)(col * v->font->width), (int)(row * v->font->height),
                 v->font->width, v->font->height, v->col.bg);
}

static void cursor_erase(disp_view_t *v)
{
    if (v->cur_drawn) {
        cell_clear(v, v->cur_row, v->cur_col);
        v->cur_drawn = 0;
    }
}

static int cursor_phase_on(const disp_view_t *v)
{
    return ((v->now - v->blink_t0) / DISP_BLINK_MS) % 2u == 0u;
}

static void cursor_paint(disp_view_t *v)
{
    int want = v->cur_enabled && v->cur_row < v->rows && v->cur_col < v->cols &&
               cursor_phase_on(v);
    if (want && !v->cur_drawn) {
        /* A block one pixel short of the cell's top and bottom. */
        disp_fb_fill(v->fb, (int)(v->cur_col * v->font->width),
                     (int)(v->cur_row * v->font->height) + 1, v->font->width,
                     v->font->height - 2, v->col.cursor);
        v->cur_drawn = 1;
    } else if (!want) {
        cursor_erase(v);
    }
}

void disp_view_scroll(disp_view_t *v, unsigned rows)
{
    unsigned h = (unsigned)v->rows * v->font->height;
    if (rows == 0u) {
        return;
    }
    cursor_erase(v);
    if (rows > v->rows) {
        rows = v->rows;
    }
    if (rows == v->rows) { /* all rows new: nothing to keep */
        return;
    }
    /* The rows that come in are damaged whole in the same report, so the
     * shift leaves them for disp_view_cells to draw (no clear first). */
    disp_fb_scroll(v->fb, 0, (int)h, (int)(rows * v->font->height));
}

void disp_view_cells(disp_view_t *v, unsigned row, unsigned first, unsigned last, const char *s,
                     size_t n)
{
    unsigned c = 0;
    if (row >= v->rows) {
        return;
    }
    if (last >= v->cols) {
        last = v->cols - 1u;
    }
    if (v->cur_drawn && v->cur_row == row && v->cur_col >= first && v->cur_col <= last) {
        v->cur_drawn = 0; /* painted over below */
    }
    while (n > 0u && c <= last) {
        uint32_t cp = utf8_next(&s, &n);
        unsigned w = drip_text_cells(cp); /* the layer's own widths */
        if (w == 0u) {
            continue; /* combining mark, ZWJ, variation selector: no glyph here */
        }
        if (c >= first) {
            disp_fb_glyph(v->fb, (int)(c * v->font->width), (int)(row * v->font->height), v->font,
                          glyph_of(v->font, cp), v->col.fg, v->col.bg);
        }
        if (w == 2u && c + 1u >= first && c + 1u <= last) { /* no wide glyphs: blank half */
            disp_fb_fill(v->fb, (int)((c + 1u) * v->font->width), (int)(row * v->font->height),
                         v->font->width, v->font->height, v->col.bg);
        }
        c += w;
    }
    if (c < first) {
        c = first;
    }
    if (c <= last) { /* past the text: blank */
        disp_fb_fill(v->fb, (int)(c * v->font->width), (int)(row * v->font->height),
                     (int)((last + 1u - c) * v->font->width), v->font->height, v->col.bg);
    }
}

void disp_view_cursor(disp_view_t *v, unsigned row, unsigned col, int enabled)
{
    if (row != v->cur_row || col != v->cur_col || (uint8_t)(enabled != 0) != v->cur_enabled) {
        cursor_erase(v);
        v->cur_row = (uint16_t)row;
        v->cur_col = (uint16_t)col;
        v->cur_enabled = (uint8_t)(enabled != 0);
        v->blink_t0 = v->now; /* a moving cursor stays visible */
    }
    cursor_paint(v);
}

void disp_view_tick(disp_view_t *v, uint32_t now_ms)
{
    v->now = now_ms;
    cursor_paint(v);
}

void disp_view_activity(disp_view_t *v, const char *text, int has_counter, uint32_t counter)
{
    uint16_t want[DISP_BAR_MAX];
    char num[12];
    unsigned cols = v->cols < DISP_BAR_MAX ? v->cols : DISP_BAR_MAX;
    unsigned i, k = 0, nd = 0, limit = cols;
    size_t n = strlen(text);

    for (i = 0; i < cols; i++) {
        want[i] = ' ';
    }
    if (has_counter) {
        do {
            num[nd++] = (char)('0' + counter % 10u);
            counter /= 10u;
        } while (counter != 0u && nd < sizeof num);
        for (i = 0; i < nd && i < cols; i++) {
            want[cols - 1u - i] = (uint16_t)num[i];
        }
        limit = cols > nd + 1u ? cols - nd - 1u : 0u;
    }
    while (n > 0u && k < limit) {
        uint32_t cp = utf8_next(&text, &n);
        if (disp_font_glyph(v->font, cp) == NULL) {
            continue;
        }
        if (k == limit - 1u && n > 0u) {
            cp = 0x2026u; /* cut: end with an ellipsis */
        }
        want[k++] = (uint16_t)cp;
    }
    for (i = 0; i < cols; i++) {
        if (want[i] != v->bar[i]) {
            disp_fb_glyph(v->fb, (int)(i * v->font->width), v->bar_y, v->font,
                          glyph_of(v->font, want[i]), v->col.bar_fg, v->col.bar_bg);
            v->bar[i] = want[i];
        }
    }
}
