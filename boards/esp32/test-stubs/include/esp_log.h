/* SPDX-License-Identifier: Apache-2.0 */
/* Host stand-in for ESP-IDF's esp_log.h: only what boards/esp32 uses, declared as
 * in ESP-IDF v5. For a host compile check of the glue; NOT ESP-IDF. */
#ifndef STUB_ESP_LOG_H
#define STUB_ESP_LOG_H
#include <stdio.h>
#define ESP_LOGI(tag, ...) do { (void)(tag); printf(__VA_ARGS__); printf("\n"); } while (0)
#define ESP_LOGW(tag, ...) do { (void)(tag); printf(__VA_ARGS__); printf("\n"); } while (0)
#define ESP_LOGE(tag, ...) do { (void)(tag); printf(__VA_ARGS__); printf("\n"); } while (0)
#endif
