/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file panel.h
 * @brief The answer on an SSD1306 128x64 over I2C1, next to the UART: the
 *        display gadget of examples/display on the NO_SYS superloop.
 *
 * Stream side: the client's callbacks post messages into a ring
 * (disp_queue_t). UI side: panel_step(), run from the lwIP service hook and
 * the main loop, drains the ring into the text layer and the framebuffer,
 * blinks the cursor on sys_now(), and pushes the changed pages over I2C
 * (blocking HAL transfers: about 2.6 ms per 100 bytes at 400 kHz). A full
 * ring makes the stream side run the UI step first, so nothing is dropped.
 * Without a panel on the bus the first transfer fails and the panel stays
 * off; the UART output is unchanged either way.
 */
#ifndef DRIP_STM32_PANEL_H
#define DRIP_STM32_PANEL_H

#include "dripfeed/dripfeed.h"

/** Framebuffer, gadget, SSD1306 init (address 0x3C), first frame. */
void panel_init(void);

/** Put the gadget's handlers behind cfg's own; retries shown on the panel. */
void panel_attach(drip_client_cfg_t *cfg);

/** The UI step: apply queued messages, blink, push what changed. */
void panel_step(void);

/** The answer ended with @p r: final activity line, last push. */
void panel_end(const drip_result_t *r);

#endif /* DRIP_STM32_PANEL_H */
