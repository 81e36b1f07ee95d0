/* SPDX-License-Identifier: Apache-2.0 */
/* dripfeed display (docs/spec/cli.md): a capture through the display gadget
 * example (examples/display: text layer + font + cursor + activity line) on
 * a RAM framebuffer; DIR/final.png (libpng) and DIR/stream.gif (giflib).
 *
 *   dripfeed display [--panel 128x64|320x240] [--frames DIR] [--api A] [--feed N] < CAPTURE
 *
 * Additions to the spec (written down as asked): `--feed N` (bytes per
 * feed, default 4096; the final frame is the same for every N); `--ascii`
 * (the text layer's ASCII fallback). Default panel 320x240.
 *
 * Time: a capture has no timing, so the tool keeps a virtual clock that
 * advances DISPLAY_MS_PER_MSG per message from the stream (text piece,
 * reasoning delta, ...); the cursor blinks on it. A frame is one redraw:
 * a message (or blink) after which pixels changed. The GIF holds each
 * frame as the rectangle that changed (disposal: keep the previous frame),
 * shown until the next frame, the last one 3 s; colours from the view's
 * palette. `frames` counts the redraws, `redrawn_pixels` the pixels the
 * view drew (glyph cells, fills, rows cleared by a scroll).
 */
#include "cmd_display.h"

#include <errno.h>
#include <fcntl.h>
#include <gif_lib.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_util.h"
#include "disp_gadget.h"

#define DISPLAY_MS_PER_MSG 40u
#define DISPLAY_LAST_FRAME_CS 300

typedef struct {
    uint16_t w, h;
    disp_fb_format_t fmt;
    const disp_font_t *font;
    const disp_colors_t *colors;
    const char *name;
} panel_t;

static const panel_t panels[] = {
    {128, 64, DISP_FB_MONO_PAGES, &disp_font_6x12, &disp_colors_mono, "128x64"},
    {320, 240, DISP_FB_RGB565, &disp_font_8x16, &disp_colors_rgb, "320x240"},
};

typedef struct {
    const panel_t *panel;
    disp_fb_t fb;
    disp_gadget_t g;
    uint32_t now;
    /* GIF: one frame held back until the next one says how long it shows */
    GifFileType *gif;
    disp_rect_t held;
    uint8_t *held_px;    /* palette indexes of the held rectangle */
    uint32_t held_at;
    int have_held;
    uint16_t pal[8];
    int npal;
    int gif_failed;
    uint32_t frames;     /* redraws, the first (empty) panel included */
} display_t;

static const char *CMD = "display";

/* ---- palette ---------------------------------------------------------------- */

static void rgb_of(uint16_t c, uint8_t out[3])
{
    unsigned r = c >> 11, g = (c >> 5) & 63u, b = c & 31u;
    out[0] = (uint8_t)(r << 3 | r >> 2);
    out[1] = (uint8_t)(g << 2 | g >> 4);
    out[2] = (uint8_t)(b << 3 | b >> 2);
}

static void palette_init(display_t *d)
{
    const disp_colors_t *c = d->panel->colors;
    uint16_t all[5];
    int i, j;
    all[0] = c->bg;
    all[1] = c->fg;
    all[2] = c->bar_bg;
    all[3] = c->bar_fg;
    all[4] = c->cursor;
    d->npal = 0;
    for (i = 0; i < 5; i++) {
        uint16_t v = d->fb.format == DISP_FB_MONO_PAGES ? (all[i] ? 0xFFFFu : 0u) : all[i];
        for (j = 0; j < d->npal && d->pal[j] != v; j++) {
        }
        if (j == d->npal) {
            d->pal[d->npal++] = v;
        }
    }
}

static uint8_t index_of(const display_t *d, uint16_t c)
{
    int j;
    for (j = 0; j < d->npal; j++) {
        if (d->pal[j] == c) {
            return (uint8_t)j;
        }
    }
    return 0; /* the view draws only palette colours */
}

/* ---- GIF ------------------------------------------------------------------ */

static int gif_open(display_t *d, const char *path)
{
    GifColorType cols[8];
    ColorMapObject *map;
    int err = 0, i, size = d->npal <= 2 ? 2 : d->npal <= 4 ? 4 : 8;
    static const unsigned char loop[3] = {1, 0, 0}; /* loop forever */
    memset(cols, 0, sizeof cols);
    for (i = 0; i < d->npal; i++) {
        uint8_t rgb[3];
        rgb_of(d->pal[i], rgb);
        cols[i].Red = rgb[0];
        cols[i].Green = rgb[1];
        cols[i].Blue = rgb[2];
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666); /* giflib's own open: 0600 */
    if (fd < 0) {
        return bad(CMD, "%s: %s", path, strerror(errno));
    }
    d->gif = EGifOpenFileHandle(fd, &err);
    if (d->gif == NULL) {
        close(fd);
        return bad(CMD, "%s: %s", path, GifErrorString(err));
    }
    map = GifMakeMapObject(size, cols);
    EGifSetGifVersion(d->gif, true);
    if (map == NULL || EGifPutScreenDesc(d->gif, d->fb.width, d->fb.height, size, 0, map) != GIF_OK ||
        EGifPutExtensionLeader(d->gif, APPLICATION_EXT_FUNC_CODE) != GIF_OK ||
        EGifPutExtensionBlock(d->gif, 11, "NETSCAPE2.0") != GIF_OK ||
        EGifPutExtensionBlock(d->gif, 3, loop) != GIF_OK ||
        EGifPutExtensionTrailer(d->gif) != GIF_OK) {
        GifFreeMapObject(map);
        return bad(CMD, "%s: %s", path, GifErrorString(d->gif->Error));
    }
    GifFreeMapObject(map);
    d->held_px = alloc_or_say(CMD, (size_t)d->fb.width * d->fb.height, "a frame");
    return d->held_px == NULL ? -1 : 0;
}

static void gif_put_held(display_t *d, int delay_cs)
{
    GraphicsControlBlock gcb;
    GifByteType ext[4];
    disp_rect_t r = d->held;
    int w = r.x1 - r.x0, y;
    if (!d->have_held || d->gif_failed) {
        return;
    }
    gcb.DisposalMode = DISPOSE_DO_NOT;
    gcb.UserInputFlag = false;
    gcb.DelayTime = delay_cs;
    gcb.TransparentColor = NO_TRANSPARENT_COLOR;
    EGifGCBToExtension(&gcb, ext);
    if (EGifPutExtension(d->gif, GRAPHICS_EXT_FUNC_CODE, 4, ext) != GIF_OK ||
        EGifPutImageDesc(d->gif, r.x0, r.y0, w, r.y1 - r.y0, false, NULL) != GIF_OK) {
        d->gif_failed = 1;
        return;
    }
    for (y = 0; y < r.y1 - r.y0; y++) {
        if (EGifPutLine(d->gif, d->held_px + (size_t)y * (size_t)w, w) != GIF_OK) {
            d->gif_failed = 1;
            return;
        }
    }
    d->have_held = 0;
}

/* A redraw happened: the dirty rectangle becomes the next frame. */
static void frame(display_t *d)
{
    disp_rect_t r = disp_fb_take_dirty(&d->fb);
    int x, y;
    size_t k = 0;
    if (r.x0 >= r.x1 || r.y0 >= r.y1) {
        return;
    }
    d->frames++;
    if (d->gif == NULL) {
        return;
    }
    if (d->have_held) {
        uint32_t cs = (d->now - d->held_at) / 10u;
        gif_put_held(d, cs > 0u ? (int)cs : 1);
    }
    for (y = r.y0; y < r.y1; y++) {
        for (x = r.x0; x < r.x1; x++) {
            d->held_px[k++] = index_of(d, disp_fb_get(&d->fb, x, y));
        }
    }
    d->held = r;
    d->held_at = d->now;
    d->have_held = 1;
}

/* ---- PNG ------------------------------------------------------------------ */

static int write_png(const display_t *d, const char *path)
{
    FILE *f = fopen(path, "wb");
    png_structp png;
    png_infop info;
    uint8_t *row;
    int y, x, mono = d->fb.format == DISP_FB_MONO_PAGES;
    if (f == NULL) {
        return bad(CMD, "%s: %s", path, strerror(errno));
    }
    row = alloc_or_say(CMD, (size_t)d->fb.width * 3u, "a row");
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    info = png != NULL ? png_create_info_struct(png) : NULL;
    if (row == NULL || info == NULL || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        fclose(f);
        free(row);
        return bad(CMD, "%s: cannot write the PNG", path);
    }
    png_init_io(png, f);
    /* Mono: 8-bit grey 0/255 (plain to read back in tests and viewers). */
    png_set_IHDR(png, info, d->fb.width, d->fb.height, 8, mono ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (y = 0; y < d->fb.height; y++) {
        for (x = 0; x < d->fb.width; x++) {
            uint16_t c = disp_fb_get(&d->fb, x, y);
            if (mono) {
                row[x] = c ? 255u : 0u;
            } else {
                rgb_of(c, &row[x * 3]);
            }
        }
        png_write_row(png, row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(row);
    if (fclose(f) != 0) {
        return bad(CMD, "%s: %s", path, strerror(errno));
    }
    return 0;
}

/* ---- the gadget on the host: messages applied at once ---------------------- */

static void post(void *ctx, const disp_msg_t *m)
{
    display_t *d = (display_t *)ctx;
    disp_msg_t tick;
    d->now += DISPLAY_MS_PER_MSG;
    memset(&tick, 0, sizeof tick);
    tick.kind = DISP_MSG_TICK;
    tick.value = d->now;
    disp_gadget_apply(&d->g, &tick);
    disp_gadget_apply(&d->g, m);
    frame(d);
}

int cmd_display(int argc, char **argv)
{
    static display_t d;
    static disp_source_t src;
    static drip_stream_t st;
    static uint8_t px[DISP_FB_BYTES(DISP_FB_RGB565, 320, 240)];
    static uint8_t screen[DRIP_TEXT_SCREEN_BYTES(40, 14)];
    const char *dir = NULL;
    char path[4096];
    cli_decode_t dc;
    unsigned flags = 0;
    int i, rc;

    cli_decode_defaults(&dc, CMD, DRIP_API_RESPONSES);
    d.panel = &panels[1];
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs("usage: dripfeed display [--panel 128x64|320x240] [--frames DIR] [--api A] "
              "[--feed N] [--ascii] < CAPTURE\n"
              "  --panel   128x64 (SSD1306, 1 bpp, 6x12 font) or 320x240 (ST7789, RGB565, 8x16"
              " font; default)\n"
              "  --frames  write DIR/final.png and DIR/stream.gif\n"
              "  --api     responses (default) or chat\n"
              "  --feed    bytes per feed, 1..1073741824 (default 4096)\n"
              "  --ascii   the text layer's ASCII fallback\n",
              stdout);
        return 0;
    }
    for (i = 1; i < argc; i++) {
        static const char *const takes[] = {"--panel", "--frames", "--api", "--feed", NULL};
        static const char *const ascii[] = {"--ascii", NULL};
        const char *v, *a = cli_opt(CMD, argc, argv, &i, takes, ascii, &v);
        if (a == NULL) {
            return 2;
        }
        if (v == NULL) { /* --ascii */
            flags |= DRIP_TEXT_ASCII;
        } else if (strcmp(a, "--panel") == 0) {
            if (strcmp(v, "128x64") == 0) {
                d.panel = &panels[0];
            } else if (strcmp(v, "320x240") == 0) {
                d.panel = &panels[1];
            } else {
                return bad(CMD, "--panel: '%s' is not 128x64 or 320x240", cli_shown(v)), 2;
            }
        } else if (strcmp(a, "--frames") == 0) {
            dir = v;
        } else if (strcmp(a, "--feed") == 0) {
            if (parse_size(CMD, a, v, 1, MAX_SIZE_ARG, &dc.feed)) return 2;
        } else if (cli_api(CMD, v, &dc.api) != 0) {
            return 2;
        }
    }
    if (disp_fb_init(&d.fb, px, d.panel->w, d.panel->h, d.panel->fmt, d.panel->colors->bg) != 0 ||
        disp_gadget_setup(&d.g, &d.fb, d.panel->font, d.panel->colors, screen, sizeof screen,
                          flags) != DRIP_OK) {
        return bad(CMD, "cannot set the panel up"), 2;
    }
    palette_init(&d);
    if (dir != NULL) {
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            return bad(CMD, "--frames: %s: %s", cli_shown(dir), strerror(errno)), 2;
        }
        snprintf(path, sizeof path, "%s/stream.gif", dir);
        if (gif_open(&d, path) != 0) {
            return 2;
        }
    }
    frame(&d); /* the empty panel with "waiting…" */
    d.fb.drawn = 0; /* count what the answer costs, not the panel's first clear */
    disp_source_init(&src, post, &d);
    dc.handlers = &disp_source_handlers;
    dc.say_result = 1;
    dc.user = &src;
    rc = cli_decode_stdin(&dc, &st);
    if (rc == 2) {
        return 2;
    }
    disp_source_end(&src, &st.result);
    if (d.gif != NULL) {
        int err = 0;
        gif_put_held(&d, DISPLAY_LAST_FRAME_CS);
        if (EGifCloseFile(d.gif, &err) != GIF_OK || d.gif_failed) {
            free(d.held_px);
            return bad(CMD, "%s/stream.gif: %s", cli_shown(dir), GifErrorString(err)), 2;
        }
        free(d.held_px);
        snprintf(path, sizeof path, "%s/final.png", dir);
        if (write_png(&d, path) != 0) {
            return 2;
        }
    }
    printf("{\"panel\":\"%s\",\"frames\":%lu,\"redrawn_pixels\":%lu,\"state\":\"%s\"}\n",
           d.panel->name, (unsigned long)d.frames, (unsigned long)d.fb.drawn,
           drip_state_name(st.result.state));
    return rc;
}
