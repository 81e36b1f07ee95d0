/* SPDX-License-Identifier: Apache-2.0 */
/* Host stand-in for ESP-IDF's esp_lcd_panel_vendor.h: only what boards/esp32 uses, declared as
 * in ESP-IDF v5. For a host compile check of the glue; NOT ESP-IDF. */
#ifndef STUB_ESP_LCD_PANEL_VENDOR_H
#define STUB_ESP_LCD_PANEL_VENDOR_H
#include "esp_err.h"
#include "esp_lcd_types.h"
typedef struct {
    int reset_gpio_num;
    lcd_rgb_element_order_t rgb_ele_order;
    int data_endian;
    unsigned int bits_per_pixel;
    struct { unsigned int reset_active_high: 1; } flags;
    void *vendor_config;
} esp_lcd_panel_dev_config_t;
esp_err_t esp_lcd_new_panel_st7789(const esp_lcd_panel_io_handle_t io,
                                   const esp_lcd_panel_dev_config_t *panel_dev_config,
                                   esp_lcd_panel_handle_t *ret_panel);
#endif
