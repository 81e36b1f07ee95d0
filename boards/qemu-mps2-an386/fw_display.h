/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file fw_display.h
 * @brief The display gadget in the QEMU image: every answer is also drawn,
 *        through the text layer and examples/display's renderer, into a
 *        128x64 SSD1306-layout RAM framebuffer (no panel: QEMU has none).
 *
 * With `arg=display_out=PATH` the final frame (1 024 bytes, SSD1306 page
 * layout) is written to the host file PATH by semihosting, and the test
 * compares it pixel for pixel with `dripfeed display --panel 128x64`.
 * Messages are applied at once (no queue: one superloop), with the host
 * tool's virtual clock (40 ms per message), so the frame and redraw counts
 * are the host's too.
 */
#ifndef FW_DISPLAY_H
#define FW_DISPLAY_H

#include "dripfeed/dripfeed.h"

#ifndef FW_DISPLAY
#define FW_DISPLAY 1
#endif

#if FW_DISPLAY
/** Set the gadget up and put its handlers in front of cfg's (both run:
 *  cfg's first, with cfg's user). */
void fw_display_attach(drip_stream_cfg_t *cfg);

/** The answer ended: finish the frame, print "display: ..." and write the
 *  framebuffer to display_out=PATH of @p cmdline when given.
 *  @return 0, or -1 when the file could not be written. */
int fw_display_finish(const drip_result_t *r, const char *cmdline);
#else
/* Built without the display (cmake -DFW_DISPLAY=OFF: the size comparison). */
static inline void fw_display_attach(drip_stream_cfg_t *cfg)
{
    (void)cfg;
}
static inline int fw_display_finish(const drip_result_t *r, const char *cmdline)
{
    (void)r;
    (void)cmdline;
    return 0;
}
#endif

#endif /* FW_DISPLAY_H */
