/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_esp32.h
 * @brief ESP-IDF glue: one HTTPS streaming client wired from the ports that
 *        are tested on the host (port/lwip sockets flavour + port/mbedtls)
 *        and sized from menuconfig.
 *
 * The wiring is the host tool's (examples/host_cli/stream.c): TCP on lwIP
 * sockets, TLS on ESP-IDF's Mbed TLS over it, drip_client over the TLS
 * transport. What is ESP-specific is small: entropy from esp_fill_random(),
 * the trust chosen in menuconfig (ESP-IDF's certificate bundle, attached
 * through drip_tls_cfg_t::conf_hook, or roots embedded from
 * CONFIG_DRIP_CA_PEM_FILE), and the buffer sizes, timeouts and retries
 * from Kconfig.
 *
 * Usage (in a task with >= 8 KB of stack: the TLS handshake needs it):
 * @code
 *   static drip_esp32_t d;                  // all buffers inside: keep it static
 *   drip_esp32_cfg_t cfg = { .endpoint = { .host = "api.openai.com", .port = 443,
 *                            .path_prefix = "/v1", .auth_name = "Authorization",
 *                            .auth_value = "Bearer sk-..." },
 *                            .api = DRIP_API_RESPONSES, .handlers = &h };
 *   if (drip_esp32_init(&d, &cfg) == DRIP_OK &&
 *       drip_client_start(&d.client, &req) == DRIP_OK) {
 *       drip_state_t s = drip_client_run(&d.client);   // handlers run in here
 *   }
 *   drip_esp32_deinit(&d);
 * @endcode
 *
 * Memory: sizeof(drip_esp32_t) is the client, the TLS and TCP contexts and
 * the four buffers (CONFIG_DRIP_*_SIZE). Mbed TLS allocates its record
 * buffers, handshake state and (embedded PEM roots only) the parsed CA
 * roots from ESP-IDF's heap (CONFIG_MBEDTLS_*_MEM_ALLOC); dripfeed itself
 * allocates nothing.
 */
#ifndef DRIP_ESP32_H
#define DRIP_ESP32_H

#include <stddef.h>
#include <stdint.h>

#include "sdkconfig.h"
#include "dripfeed/dripfeed.h"
#include "drip_lwip_sockets.h"
#include "drip_tls.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What to connect to and whom to tell. Zero-fill, then set. */
typedef struct drip_esp32_cfg {
    drip_endpoint_t endpoint;        /**< host, port, prefix, auth; strings must outlive */
    drip_api_t api;                  /**< DRIP_API_RESPONSES or DRIP_API_CHAT */
    const drip_handlers_t *handlers; /**< must outlive the client */
    void *user;                      /**< passed to every handler */
    /** Trusted CA(s), PEM with its NUL or DER, parsed (copied) by
     *  drip_esp32_init(), instead of the menuconfig choice. NULL: that
     *  choice, ESP-IDF's certificate bundle (CONFIG_DRIP_TRUST_CRT_BUNDLE)
     *  or the roots embedded from CONFIG_DRIP_CA_PEM_FILE (CONFIG_DRIP_TRUST_PEM). */
    const uint8_t *ca;
    /** bytes at ca (PEM: with its NUL) */
    size_t ca_len;
} drip_esp32_cfg_t;

/** One streaming client and everything it needs. Caller-owned, static. */
typedef struct drip_esp32 {
    drip_client_t client; /**< use with drip_client_start/run/step/cancel/result */
    /** Private: the port's state; only its functions touch it. */
    struct {
        drip_lwip_sock_t tcp;
        drip_tls_t tls;
        uint8_t tls_up;
        uint8_t tx[CONFIG_DRIP_TX_BUFFER_SIZE];
        uint8_t rx[CONFIG_DRIP_RX_BUFFER_SIZE];
        uint8_t data[CONFIG_DRIP_EVENT_BUFFER_SIZE];
        jsmntok_t tok[CONFIG_DRIP_JSON_TOKENS];
        drip_call_slot_t calls[CONFIG_DRIP_CALL_SLOTS];
    } priv;
} drip_esp32_t;

/**
 * @brief Wire TCP (lwIP sockets) -> TLS (Mbed TLS, trust installed, DRBG
 *        seeded from esp_fill_random) -> client (Kconfig sizes, timeouts,
 *        retries). Wi-Fi must be up for connect, not for init.
 * @return DRIP_OK; DRIP_ERR_ARG (NULL, no handlers, a CA that does not
 *         parse); DRIP_ERR_NOMEM (Mbed TLS could not allocate); DRIP_ERR_TLS
 *         (including esp_crt_bundle_attach() failing: drip_tls_last_error()
 *         on drip_esp32_tls() gives its esp_err_t). On failure nothing is
 *         left allocated.
 */
drip_err_t drip_esp32_init(drip_esp32_t *d, const drip_esp32_cfg_t *cfg);

/** Close any connection and free what Mbed TLS allocated. Safe twice. */
void drip_esp32_deinit(drip_esp32_t *d);

/** Timeouts and retries from Kconfig into a client configuration. */
void drip_esp32_client_defaults(drip_client_cfg_t *cfg);

/** Entropy for the TLS DRBG (drip_tls_cfg_t::entropy): esp_fill_random().
 *  True random numbers only while Wi-Fi or Bluetooth is on (or
 *  bootloader_random_enable()), per ESP-IDF's documentation. @return 0. */
int drip_esp32_entropy(void *ctx, unsigned char *out, size_t len);

/** The PEM embedded from CONFIG_DRIP_CA_PEM_FILE; *len includes its NUL.
 *  NULL and *len 0 with CONFIG_DRIP_TRUST_CRT_BUNDLE (nothing embedded). */
const uint8_t *drip_esp32_ca_pem(size_t *len);

/** The TLS context, e.g. for drip_tls_describe() after a failure. */
const drip_tls_t *drip_esp32_tls(const drip_esp32_t *d);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_ESP32_H */
