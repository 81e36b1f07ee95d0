/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file disp_gadget.h
 * @brief The display gadget: stream callbacks -> messages -> text layer ->
 *        view. The same code on the host tool, the QEMU image and boards.
 *
 * Two halves, so that a board can put a queue between its stream task and
 * its UI task:
 *  - the source (stream side): drip_handlers_t callbacks (disp_source_handlers)
 *    that turn answer text, reasoning, tool calls, retries, errors and the
 *    end into small fixed-size messages (disp_msg_t) handed to a post
 *    function (a queue send on a board, disp_gadget_apply directly on the
 *    host and in the QEMU image);
 *  - the gadget (UI side): disp_gadget_apply() feeds the text layer
 *    (drip_text.h) and redraws only what its damage reports name, plus the
 *    cursor and the activity line.
 * No heap: both halves are plain structs, the framebuffer and the text
 * layer's screen buffer are the caller's.
 */
#ifndef DISP_GADGET_H
#define DISP_GADGET_H

#include <stddef.h>
#include <stdint.h>

#include "dripfeed/dripfeed.h"
#include "dripfeed/drip_text.h"
#include "disp_view.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of text one message carries; longer deltas go in several. */
#define DISP_MSG_BYTES 48u

/** What a message says. */
typedef enum disp_msg_kind {
    DISP_MSG_TEXT = 1, /**< answer text (s, n) */
    DISP_MSG_THINKING, /**< a reasoning delta arrived */
    DISP_MSG_CALL,     /**< a tool call runs: its name in s */
    DISP_MSG_RETRY,    /**< the client waits value seconds before a retry */
    DISP_MSG_ERROR,    /**< an error: its message in s */
    DISP_MSG_END,      /**< the answer ended: value = drip_state_t, tokens,
                            s = error message or incomplete reason */
    DISP_MSG_TICK      /**< time: value = now in ms (blinks the cursor) */
} disp_msg_kind_t;

/** A message from the stream side to the UI side (copied by value). */
typedef struct disp_msg {
    uint8_t kind;             /**< disp_msg_kind_t */
    uint8_t n;                /**< bytes used in s */
    uint8_t has_tokens;       /**< END: usage arrived */
    uint32_t value;           /**< see disp_msg_kind_t */
    uint32_t tokens;          /**< END: usage.output_tokens */
    char s[DISP_MSG_BYTES];    /**< not NUL-terminated */
} disp_msg_t;

/** How the source hands a message on (queue send, or a direct apply). */
typedef void (*disp_post_fn)(void *ctx, const disp_msg_t *m);

/** The stream side. */
typedef struct disp_source {
    disp_post_fn post;
    void *ctx;
    int32_t call_index;             /**< last call announced (-1: none) */
    const drip_handlers_t *inner;   /**< disp_source_attach: the app's own handlers */
    void *inner_user;               /**< ... and their user pointer */
} disp_source_t;

/** Bind the post function. Then use disp_source_handlers as the stream's
 *  handlers with the source as their user pointer. */
void disp_source_init(disp_source_t *src, disp_post_fn post, void *ctx);

/** Handlers that post messages (on_event, on_text, on_reasoning,
 *  on_call_delta, on_error); user = the disp_source_t. */
extern const drip_handlers_t disp_source_handlers;

/** Put the source's handlers behind @p cfg's own: afterwards cfg->handlers
 *  runs the app's handler first (with the app's user pointer), then the
 *  source's; cfg->user becomes @p src. Use drip_client_cfg_t.on_retry =
 *  disp_source_on_retry with it. */
void disp_source_attach(disp_source_t *src, drip_stream_cfg_t *cfg);

/** drip_client_cfg_t.on_retry for the source (user = the disp_source_t). */
void disp_source_on_retry(void *user, const drip_retry_info_t *info);

/** The answer ended with @p r (after drip_stream_finish / the client's run). */
void disp_source_end(disp_source_t *src, const drip_result_t *r);

/** The UI side. */
typedef struct disp_gadget {
    drip_text_t text;         /**< the text layer */
    disp_view_t view;
    uint32_t deltas;          /**< answer + reasoning messages so far */
    uint8_t streaming;        /**< cursor shown */
    uint8_t text_seen;        /**< answer text arrived */
    uint8_t ended;
    uint8_t in_text;          /**< activity "writing" shown */
    uint32_t redraws;         /**< applies that changed pixels */
} disp_gadget_t;

/**
 * @brief Set up the text layer over the view's cells and show "waiting…".
 * @param screen  DRIP_TEXT_SCREEN_BYTES(cols, rows) bytes for the view's
 *                grid (disp_gadget_screen_bytes), caller-owned
 * @param flags   drip_text_cfg_t flags (DRIP_TEXT_ASCII)
 * @return DRIP_OK, or the text layer's error (grid too large).
 */
drip_err_t disp_gadget_setup(disp_gadget_t *g, disp_fb_t *fb, const disp_font_t *font,
                             const disp_colors_t *colors, void *screen, size_t screen_len,
                             unsigned flags);

/** Apply one message: feed text, redraw damaged cells, cursor, activity. */
void disp_gadget_apply(disp_gadget_t *g, const disp_msg_t *m);

#ifdef __cplusplus
}
#endif
#endif /* DISP_GADGET_H */
