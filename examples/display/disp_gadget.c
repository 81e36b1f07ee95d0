/* SPDX-License-Identifier: Apache-2.0 */
/* Stream callbacks -> messages -> text layer -> view (disp_gadget.h). */
#include "disp_gadget.h"

#include <string.h>

/* ---- stream side ------------------------------------------------------- */

static void post_str(disp_source_t *src, disp_msg_kind_t kind, uint32_t value, const char *p,
                     size_t n)
{
    disp_msg_t m;
    memset(&m, 0, sizeof m);
    m.kind = (uint8_t)kind;
    m.value = value;
    if (p != NULL) {
        if (n > DISP_MSG_BYTES) {
            n = DISP_MSG_BYTES; /* names and messages: the panel shows less */
        }
        memcpy(m.s, p, n);
        m.n = (uint8_t)n;
    }
    src->post(src->ctx, &m);
}

void disp_source_init(disp_source_t *src, disp_post_fn post, void *ctx)
{
    memset(src, 0, sizeof *src);
    src->post = post;
    src->ctx = ctx;
    src->call_index = -1;
}

static drip_err_t src_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    disp_source_t *src = (disp_source_t *)user;
    (void)ev;
    /* Any split is fine for the text layer: cut into message-sized pieces. */
    do {
        size_t k = n < DISP_MSG_BYTES ? n : DISP_MSG_BYTES;
        post_str(src, DISP_MSG_TEXT, 0, p, k);
        p += k;
        n -= k;
    } while (n > 0u);
    return DRIP_OK;
}

static drip_err_t src_reasoning(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    (void)ev;
    (void)p;
    (void)n;
    post_str((disp_source_t *)user, DISP_MSG_THINKING, 0, NULL, 0);
    return DRIP_OK;
}

static void announce_call(disp_source_t *src, int32_t index, drip_str_t name)
{
    if (index != src->call_index && name.p != NULL && name.n > 0u) {
        src->call_index = index;
        post_str(src, DISP_MSG_CALL, 0, name.p, name.n);
    }
}

static drip_err_t src_call_delta(void *user, const drip_call_t *call, const char *p, size_t n)
{
    (void)p;
    (void)n;
    announce_call((disp_source_t *)user, call->index, call->name);
    return DRIP_OK;
}

/* Hosted tools never reach on_call_delta: their output items say it. */
static drip_err_t src_event(void *user, const drip_event_t *ev)
{
    static const struct {
        const char *item, *label;
    } hosted[] = {{"web_search_call", "web search"},
                  {"file_search_call", "file search"},
                  {"code_interpreter_call", "code interpreter"},
                  {"image_generation_call", "image generation"},
                  {"mcp_call", NULL}, /* its tool's name */
                  {"function_call", NULL},
                  {"custom_tool_call", NULL}};
    disp_source_t *src = (disp_source_t *)user;
    size_t i;
    if (ev->type != DRIP_EV_OUTPUT_ITEM_ADDED || ev->item_type.p == NULL) {
        return DRIP_OK;
    }
    for (i = 0; i < sizeof hosted / sizeof hosted[0]; i++) {
        if (ev->item_type.n == strlen(hosted[i].item) &&
            memcmp(ev->item_type.p, hosted[i].item, ev->item_type.n) == 0) {
            drip_str_t name = ev->name;
            if (hosted[i].label != NULL) {
                name.p = hosted[i].label;
                name.n = strlen(hosted[i].label);
            }
            announce_call(src, ev->output_index, name);
        }
    }
    return DRIP_OK;
}

static void src_error(void *user, const drip_error_t *err)
{
    disp_source_t *src = (disp_source_t *)user;
    const char *msg = err->api.message.p;
    size_t n = err->api.message.n;
    if (msg == NULL) {
        msg = drip_err_str(err->code);
        n = strlen(msg);
    }
    post_str(src, DISP_MSG_ERROR, 0, msg, n);
}

const drip_handlers_t disp_source_handlers = {
    .on_event = src_event,
    .on_text = src_text,
    .on_refusal = src_text, /* a refusal is the answer shown */
    .on_reasoning = src_reasoning,
    .on_call_delta = src_call_delta,
    .on_error = src_error,
};

/* ---- the tee: the app's handlers first, then the source's ---------------- */

#define INNER(src, fn) ((src)->inner != NULL && (src)->inner->fn != NULL)

static drip_err_t tee_head(void *user, const drip_http_head_t *h)
{
    disp_source_t *src = (disp_source_t *)user;
    return INNER(src, on_head) ? src->inner->on_head(src->inner_user, h) : DRIP_OK;
}

static drip_err_t tee_event(void *user, const drip_event_t *ev)
{
    disp_source_t *src = (disp_source_t *)user;
    drip_err_t e = INNER(src, on_event) ? src->inner->on_event(src->inner_user, ev) : DRIP_OK;
    return e != DRIP_OK ? e : src_event(user, ev);
}

static drip_err_t tee_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    disp_source_t *src = (disp_source_t *)user;
    drip_err_t e = INNER(src, on_text) ? src->inner->on_text(src->inner_user, ev, p, n) : DRIP_OK;
    return e != DRIP_OK ? e : src_text(user, ev, p, n);
}

static drip_err_t tee_refusal(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    disp_source_t *src = (disp_source_t *)user;
    drip_err_t e =
        INNER(src, on_refusal) ? src->inner->on_refusal(src->inner_user, ev, p, n) : DRIP_OK;
    return e != DRIP_OK ? e : src_text(user, ev, p, n);
}

static drip_err_t tee_reasoning(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    disp_source_t *src = (disp_source_t *)user;
    drip_err_t e =
        INNER(src, on_reasoning) ? src->inner->on_reasoning(src->inner_user, ev, p, n) : DRIP_OK;
    return e != DRIP_OK ? e : src_reasoning(user, ev, p, n);
}

static drip_err_t tee_call_delta(void *user, const drip_call_t *c, const char *p, size_t n)
{
    disp_source_t *src = (disp_source_t *)user;
    drip_err_t e =
        INNER(src, on_call_delta) ? src->inner->on_call_delta(src->inner_user, c, p, n) : DRIP_OK;
    return e != DRIP_OK ? e : src_call_delta(user, c, p, n);
}

static drip_err_t tee_call_done(void *user, const drip_call_t *c)
{
    disp_source_t *src = (disp_source_t *)user;
    return INNER(src, on_call_done) ? src->inner->on_call_done(src->inner_user, c) : DRIP_OK;
}

static void tee_error(void *user, const drip_error_t *err)
{
    disp_source_t *src = (disp_source_t *)user;
    if (INNER(src, on_error)) {
        src->inner->on_error(src->inner_user, err);
    }
    src_error(user, err);
}

static drip_err_t tee_approval(void *user, const drip_approval_t *a)
{
    disp_source_t *src = (disp_source_t *)user;
    return INNER(src, on_approval) ? src->inner->on_approval(src->inner_user, a) : DRIP_OK;
}

static drip_err_t tee_audio(void *user, const uint8_t *p, size_t n)
{
    disp_source_t *src = (disp_source_t *)user;
    return INNER(src, on_audio) ? src->inner->on_audio(src->inner_user, p, n) : DRIP_OK;
}

static const drip_handlers_t tee_handlers = {
    .on_head = tee_head,           .on_event = tee_event,         .on_text = tee_text,
    .on_refusal = tee_refusal,     .on_reasoning = tee_reasoning, .on_call_delta = tee_call_delta,
    .on_call_done = tee_call_done, .on_error = tee_error,         .on_approval = tee_approval,
    .on_audio = tee_audio};

void disp_source_attach(disp_source_t *src, drip_stream_cfg_t *cfg)
{
    src->inner = cfg->handlers;
    src->inner_user = cfg->user;
    cfg->handlers = &tee_handlers;
    cfg->user = src;
}

void disp_source_on_retry(void *user, const drip_retry_info_t *info)
{
    post_str((disp_source_t *)user, DISP_MSG_RETRY, (info->wait_ms + 999u) / 1000u, NULL, 0);
}

void disp_source_end(disp_source_t *src, const drip_result_t *r)
{
    disp_msg_t m;
    const char *s = "";
    memset(&m, 0, sizeof m);
    m.kind = DISP_MSG_END;
    m.value = (uint32_t)r->state;
    if (r->has_usage && r->usage.output_tokens >= 0) {
        m.has_tokens = 1;
        m.tokens = r->usage.output_tokens > (int64_t)UINT32_MAX ? UINT32_MAX
                                                                 : (uint32_t)r->usage.output_tokens;
    }
    if (r->state == DRIP_STATE_INCOMPLETE) {
        s = r->incomplete_reason;
    } else if (r->has_error && (r->error_has & 4u)) {
        s = r->error_message;
    }
    m.n = (uint8_t)(strlen(s) < DISP_MSG_BYTES ? strlen(s) : DISP_MSG_BYTES);
    memcpy(m.s, s, m.n);
    src->post(src->ctx, &m);
}

/* ---- UI side --------------------------------------------------------------- */

/* Decimal digits of v at p (no snprintf: keeps printf out of a board image);
 * returns the end. p needs 11 bytes. */
static char *put_u32(char *p, uint32_t v)
{
    char tmp[10];
    unsigned k = 0;
    do {
        tmp[k++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    while (k > 0u) {
        *p++ = tmp[--k];
    }
    *p = '\0';
    return p;
}

/* Activity text: "PREFIX" + up to DISP_MSG_TEXT bytes + "SUFFIX". */
static void activity(disp_gadget_t *g, const char *prefix, const char *s, size_t n,
                     const char *suffix, int counter)
{
    char line[DISP_MSG_BYTES + 40];
    size_t k = strlen(prefix);
    memcpy(line, prefix, k);
    memcpy(line + k, s, n);
    k += n;
    memcpy(line + k, suffix, strlen(suffix) + 1u);
    disp_view_activity(&g->view, line, counter, g->deltas);
}

/* The cursor sits after the open line's last cell. */
static void place_cursor(disp_gadget_t *g)
{
    unsigned row, col;
    const char *s;
    size_t n;
    drip_text_cursor(&g->text, &row, &col);
    n = drip_text_row(&g->text, row, &s);
    /* After a finished line on a full screen the layer reports the bottom
     * row while the next line is still to scroll in: that row holds the
     * last line's text, so no cursor until the next line shows. */
    disp_view_cursor(&g->view, row, col, g->streaming && col >= disp_view_text_cells(s, n));
}

static void draw_damage(disp_gadget_t *g, const drip_text_damage_t *d)
{
    unsigned r;
    disp_view_scroll(&g->view, d->scroll);
    for (r = 0; r < g->view.rows; r++) {
        if (d->rows & (1ul << r)) {
            const char *s;
            size_t n = drip_text_row(&g->text, r, &s);
            disp_view_cells(&g->view, r, d->first[r], d->last[r], s, n);
        }
    }
}

drip_err_t disp_gadget_setup(disp_gadget_t *g, disp_fb_t *fb, const disp_font_t *font,
                             const disp_colors_t *colors, void *screen, size_t screen_len,
                             unsigned flags)
{
    drip_text_cfg_t cfg;
    memset(g, 0, sizeof *g);
    if (disp_view_setup(&g->view, fb, font, colors) != 0) {
        return DRIP_ERR_ARG;
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.cols = g->view.cols;
    cfg.rows = g->view.rows;
    cfg.flags = flags;
    cfg.covers = disp_font_covers;
    cfg.cover_user = (void *)(uintptr_t)font; /* read only */
    cfg.screen = (char *)screen;
    cfg.screen_size = screen_len;
    if (drip_text_init(&g->text, &cfg) != DRIP_OK) {
        return DRIP_ERR_ARG;
    }
    g->streaming = 1;
    activity(g, "waiting\xE2\x80\xA6", "", 0, "", 0);
    place_cursor(g);
    return DRIP_OK;
}

void disp_gadget_apply(disp_gadget_t *g, const disp_msg_t *m)
{
    drip_text_damage_t d;
    char num[40];
    uint32_t before = g->view.fb->drawn;
    switch ((disp_msg_kind_t)m->kind) {
    case DISP_MSG_TEXT:
        g->deltas++;
        drip_text_feed(&g->text, m->s, m->n, &d);
        draw_damage(g, &d);
        activity(g, "writing\xE2\x80\xA6", "", 0, "", 1);
        place_cursor(g);
        break;
    case DISP_MSG_THINKING:
        g->deltas++;
        activity(g, "thinking\xE2\x80\xA6", "", 0, "", 1);
        break;
    case DISP_MSG_CALL:
        activity(g, "calling ", m->s, m->n, "\xE2\x80\xA6", 1);
        break;
    case DISP_MSG_RETRY:
        memcpy(num, "retrying in ", 12);
        memcpy(put_u32(num + 12, m->value), " s", 3);
        activity(g, num, "", 0, "", 0);
        break;
    case DISP_MSG_ERROR:
        activity(g, "error: ", m->s, m->n, "", 0);
        break;
    case DISP_MSG_END:
        drip_text_finish(&g->text, &d);
        draw_damage(g, &d);
        g->streaming = 0;
        place_cursor(g);
        switch ((drip_state_t)m->value) {
        case DRIP_STATE_COMPLETED:
            memcpy(num, "done", 5);
            if (m->has_tokens) { /* "done · N tokens" */
                memcpy(num + 4, " \xC2\xB7 ", 4);
                memcpy(put_u32(num + 8, m->tokens), " tokens", 8);
            }
            activity(g, num, "", 0, "", 0);
            break;
        case DRIP_STATE_INCOMPLETE:
            activity(g, "cut: ", m->s, m->n, "", 0);
            break;
        case DRIP_STATE_TRUNCATED:
            activity(g, "connection lost", "", 0, "", 0);
            break;
        default:
            if (m->n > 0u) {
                activity(g, "error: ", m->s, m->n, "", 0);
            } else {
                activity(g, "error: ", drip_state_name((drip_state_t)m->value),
                         strlen(drip_state_name((drip_state_t)m->value)), "", 0);
            }
            break;
        }
        break;
    case DISP_MSG_TICK:
        disp_view_tick(&g->view, m->value);
        break;
    default:
        break;
    }
    if (g->view.fb->drawn != before) {
        g->redraws++;
    }
}
