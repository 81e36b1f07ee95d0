/* SPDX-License-Identifier: Apache-2.0 */
/* Host stand-in for ESP-IDF's esp_crt_bundle.h (components/mbedtls/esp_crt_bundle):
 * only what boards/esp32 uses, declared as in ESP-IDF v5. For a host check of
 * the glue; NOT ESP-IDF. The stand-in implementation is esp_crt_bundle_stub.c. */
#ifndef STUB_ESP_CRT_BUNDLE_H
#define STUB_ESP_CRT_BUNDLE_H
#include "esp_err.h"
#include "mbedtls/ssl.h"
esp_err_t esp_crt_bundle_attach(void *conf);
#endif
