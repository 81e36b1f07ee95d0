/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file disp_view.h
 * @brief The answer on a panel: a grid of text cells, a blinking cursor and
 *        an activity line, drawn into a disp_fb_t.
 *
 * Layout: the text area is the top `rows` x `cols` cells of the font; the
 * activity line is one font row at the bottom of the panel, drawn inverted
 * (mono) or on a dark band (RGB565): activity text on the left, a counter
 * on the right. Everything is redrawn cell by cell as told: the view keeps
 * no copy of the text (the text layer's visible rows are the copy).
 *
 * A driver calls, per text-layer feed: disp_view_scroll() with the rows the
 * screen moved up, disp_view_cells() for each changed row's cells, then
 * disp_view_cursor(); disp_view_tick() blinks the cursor. Zero heap; the
 * view is a few dozen bytes plus the framebuffer.
 */
#ifndef DISP_VIEW_H
#define DISP_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "disp_fb.h"
#include "disp_font.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most cells of the activity line (wider panels leave the rest blank). */
#define DISP_BAR_MAX 64u
/** Cursor blink half-period in ms. */
#define DISP_BLINK_MS 500u

/** Colours of a view (RGB565; mono panels: non-zero = pixel on). */
typedef struct disp_colors {
    uint16_t bg, fg;            /**< text area */
    uint16_t bar_bg, bar_fg;    /**< activity line */
    uint16_t cursor;
} disp_colors_t;

/** A view over a framebuffer. */
typedef struct disp_view {
    disp_fb_t *fb;
    const disp_font_t *font;
    disp_colors_t col;
    uint16_t cols, rows;        /**< text cells */
    uint16_t bar_y;             /**< top pixel row of the activity line */
    uint16_t cur_row, cur_col;  /**< cursor cell */
    uint8_t cur_enabled;        /**< shown at all (while streaming) */
    uint8_t cur_drawn;          /**< currently painted */
    uint32_t blink_t0;          /**< ms when the blink phase last restarted */
    uint32_t now;               /**< last disp_view_tick time */
    uint16_t bar[DISP_BAR_MAX]; /**< code points shown on the activity line */
} disp_view_t;

/** Colours for mono panels and for RGB565 panels. */
extern const disp_colors_t disp_colors_mono, disp_colors_rgb;

/**
 * @brief Lay the view out on @p fb with @p font and clear the panel.
 * Text area: fb->width / font->width columns, (fb->height - bar) /
 * font->height rows, where the bar is font->height + 1 pixels.
 * @return 0, or -1 when the panel holds no text row.
 */
int disp_view_setup(disp_view_t *v, disp_fb_t *fb, const disp_font_t *font,
                    const disp_colors_t *colors);

/** The text area moved up by @p rows rows: shift the framebuffer. The rows
 *  that came in at the bottom are left as they were: the text layer's
 *  damage report names them whole, and disp_view_cells draws them. */
void disp_view_scroll(disp_view_t *v, unsigned rows);

/**
 * @brief Redraw cells [first, last] of text row @p row from the row's
 *        UTF-8 text @p s (@p n bytes, starting at cell 0).
 * Cells past the text's end are cleared. Cell widths are the text layer's
 * (drip_text_cells): zero-cell code points are not drawn (the fonts have
 * no combining glyphs), a two-cell one is its glyph and a blank cell (the
 * fonts have no wide glyphs; with disp_font_covers the layer never hands
 * one). A code point the font lacks is drawn as U+FFFD.
 */
void disp_view_cells(disp_view_t *v, unsigned row, unsigned first, unsigned last, const char *s,
                     size_t n);

/** Cells the UTF-8 text @p s takes (drip_text_cells per code point). */
unsigned disp_view_text_cells(const char *s, size_t n);

/** Move the cursor to (row, col) and say whether it is shown at all
 *  (@p enabled: streaming). Restarts the blink phase when it moves. */
void disp_view_cursor(disp_view_t *v, unsigned row, unsigned col, int enabled);

/** Time passes (@p now_ms, any monotonic clock): blink the cursor. */
void disp_view_tick(disp_view_t *v, uint32_t now_ms);

/** Set the activity line: @p text on the left (cut to fit), and the
 *  counter on the right when @p has_counter. Redraws only on a change. */
void disp_view_activity(disp_view_t *v, const char *text, int has_counter, uint32_t counter);

#ifdef __cplusplus
}
#endif
#endif /* DISP_VIEW_H */
