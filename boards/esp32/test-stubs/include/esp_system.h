/* SPDX-License-Identifier: Apache-2.0 */
/* Host stand-in for ESP-IDF's esp_system.h: only what boards/esp32 uses, declared as
 * in ESP-IDF v5. For a host compile check of the glue; NOT ESP-IDF. */
#ifndef STUB_ESP_SYSTEM_H
#define STUB_ESP_SYSTEM_H
#include <stdint.h>
#include "esp_err.h"
uint32_t esp_get_minimum_free_heap_size(void);
#endif
