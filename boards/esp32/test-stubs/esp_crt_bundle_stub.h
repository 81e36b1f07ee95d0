/* SPDX-License-Identifier: Apache-2.0 */
/* Test-only controls of the esp_crt_bundle_attach() stand-in
 * (esp_crt_bundle_stub.c). Not visible to the component (not in include/). */
#ifndef ESP_CRT_BUNDLE_STUB_H
#define ESP_CRT_BUNDLE_STUB_H
#include <stddef.h>
#include "esp_err.h"
#include "mbedtls/version.h"

/* A field Mbed TLS 3.x made private (x509_crt sig_*, ssl_config f_vrfy,
 * ca_chain, authmode): read it through MBEDTLS_PRIVATE(), as ESP-IDF's
 * esp_crt_bundle.c does on 3.x; 2.28 has the plain name. */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define STUB_MBEDTLS_PRIVATE(f) MBEDTLS_PRIVATE(f)
#else
#define STUB_MBEDTLS_PRIVATE(f) f
#endif

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
