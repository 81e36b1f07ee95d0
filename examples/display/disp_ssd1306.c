/* SPDX-License-Identifier: Apache-2.0 */
/* SSD1306 over I2C (disp_ssd1306.h). */
#include "disp_ssd1306.h"

#include <string.h>

int disp_ssd1306_init(disp_ssd1306_t *d, disp_i2c_write_fn write, void *ctx, uint8_t addr)
{
    /* Control byte 0x00 (commands follow), then the usual 128x64 bring-up:
     * off, clock, multiplex 63, offset 0, start line 0, charge pump on,
     * horizontal addressing, segment remap, COM scan reversed, COM pins
     * alternative, contrast, precharge, VCOMH, resume RAM, normal, on. */
    static const uint8_t init[] = {0x00, 0xAE, 0xD5, 0x80, 0xA8, 0x3F, 0xD3, 0x00, 0x40,
                                   0x8D, 0x14, 0x20, 0x00, 0xA1, 0xC8, 0xDA, 0x12, 0x81,
                                   0xCF, 0xD9, 0xF1, 0xDB, 0x40, 0xA4, 0xA6, 0xAF};
    d->write = write;
    d->ctx = ctx;
    d->addr = addr;
    return write(ctx, addr, init, sizeof init);
}

int disp_ssd1306_flush(const disp_ssd1306_t *d, const disp_fb_t *fb, disp_rect_t r)
{
    uint8_t buf[1 + 128];
    unsigned p0, p1, page, n;
    int rc;
    if (r.x0 >= r.x1 || r.y0 >= r.y1 || fb->format != DISP_FB_MONO_PAGES || fb->width > 128u) {
        return 0;
    }
    p0 = r.y0 / 8u;
    p1 = (r.y1 - 1u) / 8u;
    n = (unsigned)(r.x1 - r.x0);
    buf[0] = 0x00;
    buf[1] = 0x21; /* column window */
    buf[2] = (uint8_t)r.x0;
    buf[3] = (uint8_t)(r.x1 - 1u);
    buf[4] = 0x22; /* page window */
    buf[5] = (uint8_t)p0;
    buf[6] = (uint8_t)p1;
    rc = d->write(d->ctx, d->addr, buf, 7);
    for (page = p0; rc == 0 && page <= p1; page++) {
        buf[0] = 0x40; /* data: the RAM pointer walks the window */
        memcpy(&buf[1], &fb->px[(size_t)page * fb->width + r.x0], n);
        rc = d->write(d->ctx, d->addr, buf, n + 1u);
    }
    return rc;
}
