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
    const drip_handlers_t *inner;
    void *inner_user;
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

/* ---- the tee: the image's own handlers first, then the gadget's ---------- */

#define INNER(fn) (g_d.inner != NULL && g_d.inner->fn != NULL)

static drip_err_t tee_head(void *user, const drip_http_head_t *h)
{
    (void)user;
    return INNER(on_head) ? g_d.inner->on_head(g_d.inner_user, h) : DRIP_OK;
}

static drip_err_t tee_event(void *user, const drip_event_t *ev)
{
    drip_err_t e = INNER(on_event) ? g_d.inner->on_event(g_d.inner_user, ev) : DRIP_OK;
    return e != DRIP_OK ? e : disp_source_handlers.on_event(user, ev);
}

static drip_err_t tee_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    drip_err_t e = INNER(on_text) ? g_d.inner->on_text(g_d.inner_user, ev, p, n) : DRIP_OK;
    return e != DRIP_OK ? e : disp_source_handlers.on_text(user, ev, p, n);
}

static drip_err_t tee_refusal(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    drip_err_t e = INNER(on_refusal) ? g_d.inner->on_refusal(g_d.inner_user, ev, p, n) : DRIP_OK;
    return e != DRIP_OK ? e : disp_source_handlers.on_refusal(user, ev, p, n);
}

static drip_err_t tee_reasoning(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    drip_err_t e = INNER(on_reasoning) ? g_d.inner->on_reasoning(g_d.inner_user, ev, p, n)
                                       : DRIP_OK;
    return e != DRIP_OK ? e : disp_source_handlers.on_reasoning(user, ev, p, n);
}

static drip_err_t tee_call_delta(void *user, const drip_call_t *c, const char *p, size_t n)
{
    drip_err_t e = INNER(on_call_delta) ? g_d.inner->on_call_delta(g_d.inner_user, c, p, n)
                                        : DRIP_OK;
    return e != DRIP_OK ? e : disp_source_handlers.on_call_delta(user, c, p, n);
}

static drip_err_t tee_call_done(void *user, const drip_call_t *c)
{
    (void)user;
    return INNER(on_call_done) ? g_d.inner->on_call_done(g_d.inner_user, c) : DRIP_OK;
}

static void tee_error(void *user, const drip_error_t *err)
{
    if (INNER(on_error)) {
        g_d.inner->on_error(g_d.inner_user, err);
    }
    disp_source_handlers.on_error(user, err);
}

static drip_err_t tee_approval(void *user, const drip_approval_t *a)
{
    (void)user;
    return INNER(on_approval) ? g_d.inner->on_approval(g_d.inner_user, a) : DRIP_OK;
}

static const drip_handlers_t g_tee = {tee_head,       tee_event,     tee_text,
                                      tee_refusal,    tee_reasoning, tee_call_delta,
                                      tee_call_done,  tee_error,     tee_approval};

void fw_display_attach(drip_stream_cfg_t *cfg)
{
    g_d.inner = cfg->handlers;
    g_d.inner_user = cfg->user;
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
    cfg->handlers = &g_tee;
    cfg->user = &g_d.src;
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
