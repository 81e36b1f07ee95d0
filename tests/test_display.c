/* SPDX-License-Identifier: Apache-2.0 */
/* The display example's pieces (examples/display): font lookup, the two
 * framebuffer layouts, scrolling, and the central claim of the renderer:
 * drawing only what the text layer's damage reports name gives, after every
 * message, the same text area as drawing every visible row from scratch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "disp_gadget.h"
#include "disp_queue.h"
#include "disp_ssd1306.h"

/* ---- font ------------------------------------------------------------- */

static void test_font_coverage(void **state)
{
    const disp_font_t *fonts[2] = {&disp_font_6x12, &disp_font_8x16};
    int i;
    (void)state;
    for (i = 0; i < 2; i++) {
        const disp_font_t *f = fonts[i];
        uint32_t cp, covered = 0;
        for (cp = 0; cp <= 0x10FFFFu; cp++) {
            const uint8_t *g = disp_font_glyph(f, cp);
            if (g != NULL) {
                covered++;
                assert_true(g >= f->bitmaps &&
                            g + f->height * f->row_bytes <=
                                f->bitmaps + (size_t)f->nglyphs * f->height * f->row_bytes);
            }
            assert_int_equal(disp_font_covers((void *)(uintptr_t)f, cp), g != NULL);
        }
        assert_int_equal(covered, 791); /* the Uni2 set's Unicode table */
        /* what answers use: ASCII, Latin-1/Ext-A, bullets, quotes, dashes, box */
        assert_non_null(disp_font_glyph(f, 'A'));
        assert_non_null(disp_font_glyph(f, 0xE9));   /* é */
        assert_non_null(disp_font_glyph(f, 0x17E));  /* ž */
        assert_non_null(disp_font_glyph(f, 0x2022)); /* • */
        assert_non_null(disp_font_glyph(f, 0x201C)); /* “ */
        assert_non_null(disp_font_glyph(f, 0x2014)); /* — */
        assert_non_null(disp_font_glyph(f, 0x2026)); /* … */
        assert_non_null(disp_font_glyph(f, 0x2500)); /* ─ */
        assert_non_null(disp_font_glyph(f, 0xFFFD));
        assert_null(disp_font_glyph(f, 0x4E00));     /* CJK: not in the font */
        assert_null(disp_font_glyph(f, 0x1F600));    /* emoji */
        assert_null(disp_font_glyph(f, 0x1F));       /* control */
        /* ' ' is blank, '|' has ink */
        {
            const uint8_t *sp = disp_font_glyph(f, ' '), *bar = disp_font_glyph(f, '|');
            int r, ink = 0;
            for (r = 0; r < f->height; r++) {
                assert_int_equal(sp[r], 0);
                ink |= bar[r];
            }
            assert_true(ink != 0);
        }
    }
}

/* ---- framebuffers ----------------------------------------------------- */

static void test_fb_layouts(void **state)
{
    static uint8_t mono[DISP_FB_BYTES(DISP_FB_MONO_PAGES, 128, 64)];
    static uint8_t rgb[DISP_FB_BYTES(DISP_FB_RGB565, 320, 240)];
    disp_fb_t fb;
    disp_rect_t r;
    (void)state;
    assert_int_equal(sizeof mono, 1024);
    assert_int_equal(sizeof rgb, 153600);
    assert_int_equal(disp_fb_init(&fb, mono, 128, 64, DISP_FB_MONO_PAGES, 0), 0);
    (void)disp_fb_take_dirty(&fb);
    disp_fb_fill(&fb, 5, 13, 1, 1, 1);
    /* SSD1306 RAM: page 13 / 8 = 1, column 5, bit 13 % 8 = 5 */
    assert_int_equal(mono[1 * 128 + 5], 1u << 5);
    assert_int_equal(disp_fb_get(&fb, 5, 13), 0xFFFF);
    assert_int_equal(disp_fb_get(&fb, 5, 12), 0);
    r = disp_fb_take_dirty(&fb);
    assert_int_equal(r.x0, 5);
    assert_int_equal(r.y0, 13);
    assert_int_equal(r.x1, 6);
    assert_int_equal(r.y1, 14);
    r = disp_fb_take_dirty(&fb);
    assert_true(r.x0 >= r.x1);
    /* clipping */
    disp_fb_fill(&fb, -10, -10, 20, 20, 1);
    assert_int_equal(fb.drawn, 1 + 100);
    assert_int_equal(disp_fb_init(&fb, rgb, 320, 240, DISP_FB_RGB565, 0x1234), 0);
    assert_int_equal(rgb[0], 0x12);
    assert_int_equal(rgb[1], 0x34);
    disp_fb_fill(&fb, 3, 2, 1, 1, 0xF800);
    /* ST7789 over SPI: big-endian RGB565, row-major */
    assert_int_equal(rgb[(2 * 320 + 3) * 2], 0xF8);
    assert_int_equal(rgb[(2 * 320 + 3) * 2 + 1], 0x00);
    assert_int_equal(disp_fb_init(&fb, NULL, 1, 1, DISP_FB_RGB565, 0), -1);
}

/* A scroll by any dy equals moving every pixel by hand. */
static void test_fb_scroll(void **state)
{
    static uint8_t a[DISP_FB_BYTES(DISP_FB_RGB565, 320, 240)];
    static uint8_t ref[320 * 240 * 2];
    const disp_fb_format_t fmts[2] = {DISP_FB_MONO_PAGES, DISP_FB_RGB565};
    const int dys[4] = {1, 7, 12, 16};
    int f, k, x, y;
    uint32_t seed = 7;
    (void)state;
    for (f = 0; f < 2; f++) {
        int w = f == 0 ? 128 : 320, h = f == 0 ? 64 : 240, band = f == 0 ? 48 : 224;
        for (k = 0; k < 4; k++) {
            disp_fb_t fb;
            uint16_t *want = (uint16_t *)ref;
            assert_int_equal(disp_fb_init(&fb, a, (uint16_t)w, (uint16_t)h, fmts[f], 0), 0);
            for (y = 0; y < h; y++) {
                for (x = 0; x < w; x++) {
                    uint16_t c = (uint16_t)th_rand(&seed);
                    disp_fb_fill(&fb, x, y, 1, 1, c);
                    want[y * w + x] = disp_fb_get(&fb, x, y);
                }
            }
            disp_fb_scroll(&fb, 0, band, dys[k]);
            for (y = 0; y < h; y++) {
                for (x = 0; x < w; x++) {
                    /* rows below the band and the dy rows left at its bottom
                     * keep their pixels */
                    uint16_t exp = y + dys[k] < band ? want[(y + dys[k]) * w + x] : want[y * w + x];
                    assert_int_equal(disp_fb_get(&fb, x, y), exp);
                }
            }
        }
    }
}

/* ---- damage-driven drawing == drawing everything ------------------------ */

typedef struct {
    disp_gadget_t g;
    disp_fb_t fb;
    disp_fb_t ref_fb;
    disp_view_t ref;
    uint32_t msgs, now;
    size_t compared;
} run_t;

static uint8_t px[DISP_FB_BYTES(DISP_FB_RGB565, 320, 240)];
static uint8_t ref_px[DISP_FB_BYTES(DISP_FB_RGB565, 320, 240)];
static char screen[DRIP_TEXT_SCREEN_BYTES(40, 14)];

static void compare(run_t *r)
{
    disp_view_t *v = &r->g.view;
    unsigned row, x, y;
    /* the reference: every visible row drawn whole on a cleared text area */
    disp_fb_fill(&r->ref_fb, 0, 0, r->ref_fb.width, v->rows * v->font->height, r->ref.col.bg);
    for (row = 0; row < v->rows; row++) {
        const char *s;
        size_t n = drip_text_row(&r->g.text, row, &s);
        disp_view_cells(&r->ref, row, 0, v->cols - 1u, s, n);
    }
    for (y = 0; y < (unsigned)v->rows * v->font->height; y++) {
        for (x = 0; x < r->fb.width; x++) {
            if (v->cur_drawn && y / v->font->height == v->cur_row &&
                x / v->font->width == v->cur_col) {
                continue; /* the cursor's cell */
            }
            if (disp_fb_get(&r->fb, (int)x, (int)y) != disp_fb_get(&r->ref_fb, (int)x, (int)y)) {
                fail_msg("message %u: pixel %u,%u differs from a full redraw", r->msgs, x, y);
            }
        }
    }
    r->compared++;
}

static void post(void *ctx, const disp_msg_t *m)
{
    run_t *r = (run_t *)ctx;
    disp_msg_t tick;
    memset(&tick, 0, sizeof tick);
    tick.kind = DISP_MSG_TICK;
    r->now += 40;
    tick.value = r->now;
    disp_gadget_apply(&r->g, &tick);
    disp_gadget_apply(&r->g, m);
    r->msgs++;
    compare(r);
}

static void run_capture(const char *name, int mono, size_t feed)
{
    static run_t r;
    static uint8_t buf[4096];
    static jsmntok_t tok[256];
    static drip_call_slot_t calls[4];
    static drip_stream_t st;
    disp_source_t src;
    drip_stream_cfg_t cfg;
    size_t len, off;
    unsigned char *cap = th_capture(name, &len);
    const disp_font_t *font = mono ? &disp_font_6x12 : &disp_font_8x16;
    const disp_colors_t *col = mono ? &disp_colors_mono : &disp_colors_rgb;
    uint16_t w = mono ? 128 : 320, h = mono ? 64 : 240;
    disp_fb_format_t fmt = mono ? DISP_FB_MONO_PAGES : DISP_FB_RGB565;

    assert_non_null(cap);
    memset(&r, 0, sizeof r);
    assert_int_equal(disp_fb_init(&r.fb, px, w, h, fmt, 0), 0);
    assert_int_equal(disp_fb_init(&r.ref_fb, ref_px, w, h, fmt, 0), 0);
    assert_int_equal(disp_gadget_setup(&r.g, &r.fb, font, col, screen, sizeof screen, 0), DRIP_OK);
    assert_int_equal(disp_view_setup(&r.ref, &r.ref_fb, font, col), 0);
    disp_source_init(&src, post, &r);
    memset(&cfg, 0, sizeof cfg);
    cfg.buf = buf;
    cfg.buf_len = sizeof buf;
    cfg.tok = tok;
    cfg.ntok = 256;
    cfg.calls = calls;
    cfg.ncalls = 4;
    cfg.handlers = &disp_source_handlers;
    cfg.user = &src;
    cfg.api = strncmp(name, "chat-", 5) == 0 ? DRIP_API_CHAT : DRIP_API_RESPONSES;
    assert_int_equal(drip_stream_init(&st, &cfg), DRIP_OK);
    for (off = 0; off < len; off += feed) {
        (void)drip_stream_feed(&st, cap + off, len - off < feed ? len - off : feed);
    }
    (void)drip_stream_finish(&st);
    disp_source_end(&src, &st.result);
    if (r.compared < 2) { /* a call or text, then the end */
        fail_msg("%s: %zu messages only (state %s)", name, r.compared,
                 drip_state_name(st.result.state));
    }
    assert_int_equal(r.g.view.cur_drawn, 0); /* no cursor once the answer ended */
    free(cap);
}

static void test_damage_equals_full_redraw(void **state)
{
    static const char *const caps[] = {"responses-reasoning-summary-o3mini.http",
                                       "responses-text-gpt52.http", "chat-n3.http",
                                       "responses-function-call-gpt5.http"};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        run_capture(caps[i], 1, 4096);
        run_capture(caps[i], 0, 4096);
    }
    run_capture(caps[0], 1, 7);
}

/* ---- SSD1306 over I2C: an emulated controller's RAM ends equal to the fb -- */

typedef struct {
    uint8_t ram[8][128];
    unsigned c0, c1, p0, p1, col, page;
    size_t bytes, transfers;
} ssd_emu_t;

static int emu_write(void *ctx, uint8_t addr, const uint8_t *p, size_t n)
{
    ssd_emu_t *e = (ssd_emu_t *)ctx;
    size_t i = 1;
    assert_int_equal(addr, 0x3C);
    assert_true(n >= 2);
    e->bytes += n;
    e->transfers++;
    if (p[0] == 0x40) { /* data: horizontal addressing inside the windows */
        for (; i < n; i++) {
            e->ram[e->page][e->col] = p[i];
            if (++e->col > e->c1) {
                e->col = e->c0;
                e->page = e->page >= e->p1 ? e->p0 : e->page + 1;
            }
        }
        return 0;
    }
    assert_int_equal(p[0], 0x00);
    while (i < n) {
        uint8_t c = p[i++];
        if (c == 0x21 || c == 0x22) {
            assert_true(i + 2 <= n);
            if (c == 0x21) {
                e->c0 = e->col = p[i];
                e->c1 = p[i + 1];
                assert_true(e->c0 <= e->c1 && e->c1 < 128);
            } else {
                e->p0 = e->page = p[i];
                e->p1 = p[i + 1];
                assert_true(e->p0 <= e->p1 && e->p1 < 8);
            }
            i += 2;
        } else if (c == 0xD5 || c == 0xA8 || c == 0xD3 || c == 0x8D || c == 0x20 || c == 0xDA ||
                   c == 0x81 || c == 0xD9 || c == 0xDB) {
            i++; /* one argument */
        }
    }
    return 0;
}

typedef struct {
    disp_gadget_t g;
    disp_fb_t fb;
    disp_queue_t q;
    disp_msg_t slots[8];
    disp_ssd1306_t panel;
    ssd_emu_t emu;
    uint32_t now, msgs;
} board_t;

/* The board's UI step: drain the queue, then push what changed. */
static void ui_step(board_t *b)
{
    disp_msg_t m;
    while (disp_queue_get(&b->q, &m) == 0) {
        disp_gadget_apply(&b->g, &m);
    }
    assert_int_equal(disp_ssd1306_flush(&b->panel, &b->fb, disp_fb_take_dirty(&b->fb)), 0);
}

static void board_post(void *ctx, const disp_msg_t *m)
{
    board_t *b = (board_t *)ctx;
    b->msgs++;
    if (disp_queue_put(&b->q, m) != 0) { /* full: the UI catches up first */
        ui_step(b);
        assert_int_equal(disp_queue_put(&b->q, m), 0);
    }
    if (b->msgs % 5u == 0u) { /* the superloop's turn comes now and then */
        ui_step(b);
    }
}

static void test_ssd1306_through_queue(void **state)
{
    static board_t b;
    static uint8_t mono[DISP_FB_BYTES(DISP_FB_MONO_PAGES, 128, 64)];
    static uint8_t buf[4096];
    static jsmntok_t tok[256];
    static drip_call_slot_t calls[4];
    static drip_stream_t st;
    disp_source_t src;
    drip_stream_cfg_t cfg;
    size_t len;
    unsigned char *cap = th_capture("responses-reasoning-summary-o3mini.http", &len);
    int page, x;
    (void)state;
    assert_non_null(cap);
    memset(&b, 0, sizeof b);
    memset(b.emu.ram, 0xA5, sizeof b.emu.ram); /* power-on garbage */
    assert_int_equal(disp_queue_init(&b.q, b.slots, 8), 0);
    assert_int_equal(disp_queue_init(&b.q, b.slots, 6), -1);
    assert_int_equal(disp_queue_init(&b.q, b.slots, 8), 0);
    assert_int_equal(disp_ssd1306_init(&b.panel, emu_write, &b.emu, 0x3C), 0);
    assert_int_equal(disp_fb_init(&b.fb, mono, 128, 64, DISP_FB_MONO_PAGES, 0), 0);
    assert_int_equal(disp_gadget_setup(&b.g, &b.fb, &disp_font_6x12, &disp_colors_mono, screen,
                                       sizeof screen, 0), DRIP_OK);
    /* the first frame: everything */
    assert_int_equal(disp_ssd1306_flush(&b.panel, &b.fb, disp_fb_take_dirty(&b.fb)), 0);
    disp_source_init(&src, board_post, &b);
    memset(&cfg, 0, sizeof cfg);
    cfg.buf = buf;
    cfg.buf_len = sizeof buf;
    cfg.tok = tok;
    cfg.ntok = 256;
    cfg.calls = calls;
    cfg.ncalls = 4;
    cfg.handlers = NULL; /* the app has none of its own here */
    disp_source_attach(&src, &cfg);
    assert_int_equal(drip_stream_init(&st, &cfg), DRIP_OK);
    (void)drip_stream_feed(&st, cap, len);
    (void)drip_stream_finish(&st);
    disp_source_end(&src, &st.result);
    ui_step(&b);
    for (page = 0; page < 8; page++) {
        for (x = 0; x < 128; x++) {
            if (b.emu.ram[page][x] != mono[page * 128 + x]) {
                fail_msg("SSD1306 RAM page %d column %d: %02x, framebuffer %02x", page, x,
                         b.emu.ram[page][x], mono[page * 128 + x]);
            }
        }
    }
    print_message("SSD1306: %zu I2C bytes in %zu transfers for the demo answer "
                  "(a full frame per message: %u x 1 031 = %u B)\n",
                  b.emu.bytes, b.emu.transfers, (unsigned)b.msgs, (unsigned)(b.msgs * 1031u));
    free(cap);
}

static void test_queue_order(void **state)
{
    disp_msg_t slots[4], m;
    disp_queue_t q;
    uint32_t i;
    (void)state;
    assert_int_equal(disp_queue_init(&q, slots, 4), 0);
    assert_int_equal(disp_queue_get(&q, &m), -1);
    for (i = 0; i < 4; i++) {
        memset(&m, 0, sizeof m);
        m.value = i;
        assert_int_equal(disp_queue_put(&q, &m), 0);
    }
    assert_int_equal(disp_queue_put(&q, &m), -1); /* full */
    for (i = 0; i < 1000; i++) { /* FIFO across many wraps */
        assert_int_equal(disp_queue_get(&q, &m), 0);
        assert_int_equal(m.value, i);
        m.value = i + 4;
        assert_int_equal(disp_queue_put(&q, &m), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_font_coverage),
        cmocka_unit_test(test_fb_layouts),
        cmocka_unit_test(test_fb_scroll),
        cmocka_unit_test(test_damage_equals_full_redraw),
        cmocka_unit_test(test_ssd1306_through_queue),
        cmocka_unit_test(test_queue_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
