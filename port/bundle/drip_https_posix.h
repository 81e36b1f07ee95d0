/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_https_posix.h
 * @brief One-struct HTTPS streaming client on POSIX sockets + Mbed TLS.
 *
 * @code
 *   static drip_https_posix_t h;   // every buffer inside (~60 KB): keep it static
 *   drip_https_cfg_t cfg = {.api_key = getenv("OPENAI_API_KEY"), .handlers = &handlers};
 *   if (drip_https_posix_setup(&h, &cfg) == DRIP_OK &&
 *       drip_client_start(&h.client, &req) == DRIP_OK) {
 *       drip_state_t s = drip_client_run(&h.client);   // handlers run in here
 *   }
 *   drip_https_posix_free(&h);
 * @endcode
 * Without a CA in the configuration the system's bundle is trusted
 * (DRIP_HTTPS_POSIX_CA_FILE, Debian's ca-certificates). DNS resolution
 * (getaddrinfo) blocks.
 */
#ifndef DRIP_HTTPS_POSIX_H
#define DRIP_HTTPS_POSIX_H

#include "drip_https.h"
#include "drip_posix.h"

#ifdef __cplusplus
extern "C" {
#endif

/** CA bundle used when the configuration names none. */
#ifndef DRIP_HTTPS_POSIX_CA_FILE
#define DRIP_HTTPS_POSIX_CA_FILE "/etc/ssl/certs/ca-certificates.crt"
#endif

/** One streaming client and everything it needs. Caller-owned. */
typedef struct drip_https_posix {
    drip_client_t client; /**< drip_client_start/run/step/cancel/result */
    /** Private: the port's state; only its functions touch it. */
    struct {
        drip_posix_t tcp;
        drip_https_core_t k;
    } priv;
} drip_https_posix_t;

/**
 * @brief Wire POSIX TCP -> Mbed TLS -> client. Nothing is connected yet.
 * @return as drip_https_setup() (drip_https.h).
 */
drip_err_t drip_https_posix_setup(drip_https_posix_t *h, const drip_https_cfg_t *cfg);

/** Close any connection and free what Mbed TLS allocated. Safe twice. */
void drip_https_posix_free(drip_https_posix_t *h);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_HTTPS_POSIX_H */
