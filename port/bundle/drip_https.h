/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_https.h
 * @brief One-struct setup: a streaming HTTPS client with every buffer inside,
 *        shared by the POSIX and lwIP bundles (drip_https_posix.h,
 *        drip_https_lwip.h).
 *
 * A bundle wires TCP (the port) -> TLS (port/mbedtls, verification always
 * on) -> drip_client, sized by the DRIP_HTTPS_* options below. It is what
 * the ESP32 glue (boards/esp32) does for ESP-IDF, for any POSIX host or
 * lwIP board. Use the client inside it with drip_client_start/run/step.
 *
 * Ownership: the bundle copies the base URL's parts and the key; handlers,
 * extra headers and a CA given in memory are used by pointer and must
 * outlive the bundle. Timeouts are the client's defaults (drip_client.h),
 * two retries and two background resumes; change them in
 * bundle.client after setup if needed (drip_client_cfg_t is copied).
 */
#ifndef DRIP_HTTPS_H
#define DRIP_HTTPS_H

#include <stddef.h>
#include <stdint.h>
#include "dripfeed/dripfeed.h"
#include "drip_tls.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Request head + body (bytes). The prompt and earlier messages must fit. */
#ifndef DRIP_HTTPS_TX_SIZE
#define DRIP_HTTPS_TX_SIZE 4096
#endif
/** One TLS read (bytes). */
#ifndef DRIP_HTTPS_RX_SIZE
#define DRIP_HTTPS_RX_SIZE 2048
#endif
/** SSE event data: the largest event decoded whole (bytes; larger ones go
 *  through the constant-memory scanner). Every delta event fits in 512. */
#ifndef DRIP_HTTPS_DATA_SIZE
#define DRIP_HTTPS_DATA_SIZE 4096
#endif
/** jsmn tokens for one event (16 bytes each on a 32-bit MCU). */
#ifndef DRIP_HTTPS_TOKENS
#define DRIP_HTTPS_TOKENS 128
#endif
/** Function calls in flight at once. */
#ifndef DRIP_HTTPS_CALLS
#define DRIP_HTTPS_CALLS 4
#endif
/** Longest API key (bytes); it is copied behind "Bearer ". */
#ifndef DRIP_HTTPS_KEY_MAX
#define DRIP_HTTPS_KEY_MAX 256
#endif
/** Longest path prefix of the base URL (bytes). */
#ifndef DRIP_HTTPS_PREFIX_MAX
#define DRIP_HTTPS_PREFIX_MAX 64
#endif

/** What to connect to. Zero-fill, then set what you need. */
typedef struct drip_https_cfg {
    /** "https://host[:port][/prefix]"; NULL: "https://api.openai.com/v1". */
    const char *base_url;
    /** Sent as "Authorization: Bearer KEY"; NULL: no auth header (a relay
     *  that holds the key). Never printed by the library. */
    const char *api_key;
    /** Extra headers (e.g. a relay's device token); must outlive the bundle. */
    const drip_header_t *headers;
    /** entries of headers */
    size_t nheaders;
    /** Trusted CA(s), PEM with its NUL or DER, parsed (copied) by setup. */
    const uint8_t *ca_pem_or_der;
    /** bytes at ca_pem_or_der (PEM: with its NUL) */
    size_t ca_len;
    /** CA file or bundle (host builds only). POSIX bundle: NULL with no
     *  ca_pem_or_der means DRIP_HTTPS_POSIX_CA_FILE. */
    const char *ca_file;
    /** Entropy for the TLS DRBG (a board's hardware RNG); NULL: mbedTLS's
     *  default sources (fine on a host). */
    int (*entropy)(void *ctx, unsigned char *out, size_t len);
    /** passed to entropy as ctx */
    void *entropy_ctx;
    const drip_handlers_t *handlers; /**< must outlive the bundle */
    void *user;                      /**< passed to every handler and to tls_warn */
    /** Optional wall clock for certificate dates (drip_platform_t::utc_s,
     *  drip_tls.h "Certificate time"): seconds since 1970 UTC, < 0 while not
     *  known (SNTP not synced). Called with ctx NULL. NULL: the port's own
     *  (the POSIX bundle: the host clock; lwIP: none). */
    int64_t (*utc_s)(void *ctx);
    /** Optional: TLS warnings (drip_tls_cfg_t::warn), called with user:
     *  DRIP_ERR_TLS_TIME_UNKNOWN once, when a chain was accepted without
     *  its dates checked. */
    void (*tls_warn)(void *user, drip_err_t code);
} drip_https_cfg_t;

/** The part both bundles share (every field private). */
typedef struct drip_https_core {
    drip_tls_t tls;
    uint8_t tls_up;
    char host[DRIP_TLS_HOST_MAX + 1];
    char prefix[DRIP_HTTPS_PREFIX_MAX];
    char auth[DRIP_HTTPS_KEY_MAX + 8];
    uint8_t tx[DRIP_HTTPS_TX_SIZE];
    uint8_t rx[DRIP_HTTPS_RX_SIZE];
    uint8_t data[DRIP_HTTPS_DATA_SIZE];
    jsmntok_t tok[DRIP_HTTPS_TOKENS];
    drip_call_slot_t calls[DRIP_HTTPS_CALLS];
} drip_https_core_t;
/** @var drip_https_core::tls
 *  The TLS context over the bundle's TCP transport.
 *  @var drip_https_core::tls_up
 *  tls was set up (drip_https_free() frees it).
 *  @var drip_https_core::host
 *  The host from base_url, NUL-terminated (the client and TLS point to it).
 *  @var drip_https_core::prefix
 *  The path prefix from base_url ("/v1"), NUL-terminated.
 *  @var drip_https_core::auth
 *  "Bearer " + api_key, NUL-terminated.
 *  @var drip_https_core::tx
 *  Request buffer (DRIP_HTTPS_TX_SIZE).
 *  @var drip_https_core::rx
 *  Receive buffer (DRIP_HTTPS_RX_SIZE).
 *  @var drip_https_core::data
 *  SSE event data buffer (DRIP_HTTPS_DATA_SIZE).
 *  @var drip_https_core::tok
 *  jsmn tokens for one event (DRIP_HTTPS_TOKENS).
 *  @var drip_https_core::calls
 *  The call table (DRIP_HTTPS_CALLS slots). */

/**
 * @brief Wire TLS over @p tcp and the client over TLS (used by the bundles'
 *        setup functions; call one of those instead).
 * @return DRIP_OK; DRIP_ERR_ARG (NULL, no handlers, no CA, a CA that does not
 *         parse, a key over DRIP_HTTPS_KEY_MAX); DRIP_ERR_REQUEST_TARGET (a
 *         bad base URL, or not https://); DRIP_ERR_REQUEST_HEADER (a key with
 *         a control byte); DRIP_ERR_NOMEM / DRIP_ERR_TLS (mbedTLS setup).
 *         On failure nothing stays allocated.
 */
drip_err_t drip_https_setup(drip_https_core_t *k, drip_client_t *client,
                            const drip_https_cfg_t *cfg, const drip_transport_t *tcp,
                            const drip_platform_t *platform);

/** Close the connection and free what mbedTLS allocated. Safe twice. */
void drip_https_free(drip_https_core_t *k, drip_client_t *client);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_HTTPS_H */
