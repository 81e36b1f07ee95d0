/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file disp_ssd1306.h
 * @brief SSD1306 128x64 over I2C: init, and push the pages a dirty
 *        rectangle of a DISP_FB_MONO_PAGES framebuffer spans.
 *
 * The bus is the board's: one callback writes one I2C transfer (address,
 * bytes) and returns 0 on success. Transfers: a command transfer starts
 * with control byte 0x00, a data transfer with 0x40 (SSD1306 datasheet
 * §8.1.5). Horizontal addressing: a column window (0x21) and a page window
 * (0x22), then each page's columns in one data transfer of at most 129 bytes.
 */
#ifndef DISP_SSD1306_H
#define DISP_SSD1306_H

#include <stddef.h>
#include <stdint.h>

#include "disp_fb.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One I2C transfer to 7-bit address @p addr. @return 0 on success. */
typedef int (*disp_i2c_write_fn)(void *ctx, uint8_t addr, const uint8_t *p, size_t n);

/** A panel on a bus. */
typedef struct disp_ssd1306 {
    disp_i2c_write_fn write;
    void *ctx;
    uint8_t addr;       /**< 7-bit address: 0x3C (or 0x3D) */
} disp_ssd1306_t;

/** Bind the bus and send the init sequence (128x64, charge pump on,
 *  horizontal addressing, display on). @return 0, or the bus's error. */
int disp_ssd1306_init(disp_ssd1306_t *d, disp_i2c_write_fn write, void *ctx, uint8_t addr);

/** Send the columns r.x0..r.x1-1 of the pages rows r.y0..r.y1-1 span, from
 *  @p fb (128x64 MONO_PAGES). An empty rectangle sends nothing.
 *  @return 0, or the bus's error. */
int disp_ssd1306_flush(const disp_ssd1306_t *d, const disp_fb_t *fb, disp_rect_t r);

#ifdef __cplusplus
}
#endif
#endif /* DISP_SSD1306_H */
