/* SPDX-License-Identifier: Apache-2.0 */
/* Host stand-in for ESP-IDF's esp_err.h: only what boards/esp32 uses, declared as
 * in ESP-IDF v5. For a host compile check of the glue; NOT ESP-IDF. */
#ifndef STUB_ESP_ERR_H
#define STUB_ESP_ERR_H
#include <stdlib.h>
typedef int esp_err_t;
#define ESP_OK 0
#define ESP_FAIL -1
#define ESP_ERR_INVALID_ARG 0x102
#define ESP_ERROR_CHECK(x) do { esp_err_t err_rc_ = (x); if (err_rc_ != ESP_OK) abort(); } while (0)
#endif
