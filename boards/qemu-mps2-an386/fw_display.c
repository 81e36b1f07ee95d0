/* SPDX-License-Identifier: Apache-2.0 */
/* The display gadget in the QEMU image (fw_display.h). */
#include "fw_display.h"

#include <string.h>

#include "disp_gadget.h"
#include "fw_print.h"
#include "fw_semihost.h"

#define FW_DISP_W 128u
#define FW_DISP_H 64u
#define FW_DISP_MS_PER_MSG 40u /* the host tool's virtual clock (cmd_display.c) */

static uint8_t g_px[DISP_FB_BYTES(DISP_FB_MONO_PAGES, FW_DISP_W, FW_DISP_H)];
static char g_screen[DRIP_TEXT_SCREEN_BYTES(FW_DISP_W / 6u, (FW_DISP_H - 12u) / 12u)];

static struct {
    disp_fb_t fb;
    disp_gadget_t g;
    disp_source_t src;
    uint32_t now, frames;
    int ok;
} g_d;

static void post(void *ctx, const disp_msg_t *m)
{
    disp_msg_t tick;
    disp_rect_t r;
    (void)ctx;
    g_d.now += FW_DISP_MS_PER_MSG;
    memset(&tick, 0, sizeof tick);
    tick.kind = DISP_MSG_TICK;
    tick.value = g_d.now;
    disp_gadget_apply(&g_d.g, &tick);
    disp_gadget_apply(&g_d.g, m);
    /* A panel driver would push r here (SSD1306: the pages it spans). */
    r = disp_fb_take_dirty(&g_d.fb);
    if (r.x0 < r.x1 && r.y0 < r.y1) {
        g_d.frames++;
    }
}

void fw_display_attach(drip_stream_cfg_t *cfg)
{
    g_d.ok = disp_fb_init(&g_d.fb, g_px, FW_DISP_W, FW_DISP_H, DISP_FB_MONO_PAGES, 0) == 0 &&
             disp_gadget_setup(&g_d.g, &g_d.fb, &disp_font_6x12, &disp_colors_mono, g_screen,
                               sizeof g_screen, 0) == DRIP_OK;
    if (!g_d.ok) {
        fw_puts("display: setup failed\n");
        return;
    }
    (void)disp_fb_take_dirty(&g_d.fb);
    g_d.frames = 1; /* the empty panel, as the host tool counts it */
    g_d.fb.drawn = 0;
    disp_source_init(&g_d.src, post, NULL);
    disp_source_attach(&g_d.src, cfg); /* the image's handlers, then the gadget's */
}

/* "key=value" of the semihosting command line into out, or NULL. */
static const char *arg_of(const char *cmd, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    while (*cmd != '\0') {
        const char *end = cmd;
        while (*end != '\0' && *end != ' ') {
            end++;
        }
        if ((size_t)(end - cmd) > kl && strncmp(cmd, key, kl) == 0 && cmd[kl] == '=') {
            size_t n = (size_t)(end - cmd) - kl - 1u;
            if (n >= cap) {
                return NULL; /* a cut path would write elsewhere */
            }
            memcpy(out, cmd + kl + 1, n);
            out[n] = '\0';
            return out;
        }
        cmd = *end == ' ' ? end + 1 : end;
    }
    return NULL;
}

int fw_display_finish(const drip_result_t *r, const char *cmdline)
{
    char path[160];
    if (!g_d.ok) {
        return -1;
    }
    disp_source_end(&g_d.src, r);
    fw_printf("display: 128x64 frames=%lu redrawn_pixels=%lu framebuffer %u B, text screen %u B, "
              "drip_text_t %u B, gadget %u B\n",
              (unsigned long)g_d.frames, (unsigned long)g_d.fb.drawn, (unsigned)sizeof g_px,
              (unsigned)sizeof g_screen, (unsigned)sizeof g_d.g.text, (unsigned)sizeof g_d.g);
    if (arg_of(cmdline, "display_out", path, sizeof path) == NULL) {
        return 0;
    }
    if (fw_semihost_write_file(path, g_px, sizeof g_px) != 0) {
        fw_printf("display: cannot write %s\n", path);
        return -1;
    }
    fw_printf("display: final frame written to %s (%u B, SSD1306 pages)\n", path,
              (unsigned)sizeof g_px);
    return 0;
}
