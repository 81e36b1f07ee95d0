/* SPDX-License-Identifier: Apache-2.0 */
/* The display gadget on the superloop (panel.h). */
#include "panel.h"

#include "lwip/sys.h"

#include "board.h"
#include "disp_gadget.h"
#include "disp_queue.h"
#include "disp_ssd1306.h"

#define PANEL_ADDR 0x3Cu
#define PANEL_SLOTS 16u /* 16 x 60 B: a TLS read's worth of deltas between steps */

static uint8_t s_px[DISP_FB_BYTES(DISP_FB_MONO_PAGES, 128, 64)];
static char s_screen[DRIP_TEXT_SCREEN_BYTES(21, 4)];
static disp_msg_t s_slots[PANEL_SLOTS];
static disp_queue_t s_q;
static disp_fb_t s_fb;
static disp_gadget_t s_g;
static disp_source_t s_src;
static disp_ssd1306_t s_panel;
static int s_on;

static int i2c_write(void *ctx, uint8_t addr, const uint8_t *p, size_t n)
{
    (void)ctx;
    return board_i2c_write(addr, p, n);
}

static void push(void)
{
    disp_rect_t r = disp_fb_take_dirty(&s_fb);
    if (s_on && disp_ssd1306_flush(&s_panel, &s_fb, r) != 0) {
        s_on = 0; /* the panel went away: keep streaming to the UART */
    }
}

void panel_step(void)
{
    disp_msg_t m;
    while (disp_queue_get(&s_q, &m) == 0) {
        disp_gadget_apply(&s_g, &m);
    }
    m.kind = DISP_MSG_TICK;
    m.value = sys_now();
    disp_gadget_apply(&s_g, &m);
    push();
}

static void post(void *ctx, const disp_msg_t *m)
{
    (void)ctx;
    if (disp_queue_put(&s_q, m) != 0) {
        panel_step(); /* full: the UI catches up, then there is room */
        (void)disp_queue_put(&s_q, m);
    }
}

void panel_init(void)
{
    (void)disp_queue_init(&s_q, s_slots, PANEL_SLOTS);
    (void)disp_fb_init(&s_fb, s_px, 128, 64, DISP_FB_MONO_PAGES, 0);
    (void)disp_gadget_setup(&s_g, &s_fb, &disp_font_6x12, &disp_colors_mono, s_screen,
                            sizeof s_screen, 0);
    disp_source_init(&s_src, post, NULL);
    s_on = disp_ssd1306_init(&s_panel, i2c_write, NULL, PANEL_ADDR) == 0;
    push();
}

void panel_attach(drip_client_cfg_t *cfg)
{
    disp_source_attach(&s_src, &cfg->stream);
    cfg->on_retry = disp_source_on_retry;
}

void panel_end(const drip_result_t *r)
{
    disp_source_end(&s_src, r);
    panel_step();
}
