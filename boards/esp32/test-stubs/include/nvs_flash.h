/* SPDX-License-Identifier: Apache-2.0 */
/* Host stand-in for ESP-IDF's nvs_flash.h: only what boards/esp32 uses, declared as
 * in ESP-IDF v5. For a host compile check of the glue; NOT ESP-IDF. */
#ifndef STUB_NVS_FLASH_H
#define STUB_NVS_FLASH_H
#include "esp_err.h"
#define ESP_ERR_NVS_BASE 0x1100
#define ESP_ERR_NVS_NO_FREE_PAGES (ESP_ERR_NVS_BASE + 0x0d)
#define ESP_ERR_NVS_NEW_VERSION_FOUND (ESP_ERR_NVS_BASE + 0x10)
esp_err_t nvs_flash_init(void);
esp_err_t nvs_flash_erase(void);
#endif
