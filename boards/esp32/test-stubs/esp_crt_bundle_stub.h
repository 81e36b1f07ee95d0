/* SPDX-License-Identifier: Apache-2.0 */
/* Test-only controls of the esp_crt_bundle_attach() stand-in
 * (esp_crt_bundle_stub.c). Not visible to the component (not in include/). */
#ifndef ESP_CRT_BUNDLE_STUB_H
#define ESP_CRT_BUNDLE_STUB_H
#include <stddef.h>
#include "esp_err.h"

/** Load the roots the stand-in bundle holds from a PEM file, replacing
 *  the ones it had. NULL: the default (ESP32_STUB_BUNDLE_PEM, the
 *  component's real roots). @return the number of roots, or -1. */
int stub_crt_bundle_load(const char *pem_path);
/** How many times esp_crt_bundle_attach() ran, and the config it got last. */
int stub_crt_bundle_calls(void);
const void *stub_crt_bundle_last_conf(void);
/** The next esp_crt_bundle_attach() calls return this (ESP_OK: attach). */
void stub_crt_bundle_fail(esp_err_t err);
/** Free the parsed roots (for valgrind's leak check). */
void stub_crt_bundle_free(void);
#endif
