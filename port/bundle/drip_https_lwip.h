/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_https_lwip.h
 * @brief One-struct HTTPS streaming client on lwIP sockets (an RTOS:
 *        STM32Cube + FreeRTOS, ...) + Mbed TLS.
 *
 * @code
 *   static drip_https_lwip_t h;    // every buffer inside: keep it static
 *   drip_https_cfg_t cfg = {.api_key = KEY, .ca_pem_or_der = roots_pem,
 *                           .ca_len = sizeof roots_pem, .entropy = board_rng,
 *                           .handlers = &handlers};
 *   if (drip_https_lwip_setup(&h, &cfg) == DRIP_OK &&
 *       drip_client_start(&h.client, &req) == DRIP_OK) {
 *       drip_state_t s = drip_client_run(&h.client);   // in a task with ~8 KB stack
 *   }
 *   drip_https_lwip_free(&h);
 * @endcode
 * A board has no CA file: the CA comes in memory (ca_pem_or_der) and the
 * TLS DRBG needs the board's RNG (entropy). DNS (netconn_gethostbyname)
 * blocks the calling task.
 */
#ifndef DRIP_HTTPS_LWIP_H
#define DRIP_HTTPS_LWIP_H

#include "drip_https.h"
#include "drip_lwip_sockets.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One streaming client and everything it needs. Caller-owned. */
typedef struct drip_https_lwip {
    drip_client_t client; /**< drip_client_start/run/step/cancel/result */
    /** Private: the port's state; only its functions touch it. */
    struct {
        drip_lwip_sock_t tcp;
        drip_https_core_t k;
    } priv;
} drip_https_lwip_t;

/**
 * @brief Wire lwIP sockets TCP -> Mbed TLS -> client. The network must be
 *        up for connect, not for setup.
 * @return as drip_https_setup() (drip_https.h); DRIP_ERR_ARG also when no
 *         CA is given in memory.
 */
drip_err_t drip_https_lwip_setup(drip_https_lwip_t *h, const drip_https_cfg_t *cfg);

/** Close any connection and free what Mbed TLS allocated. Safe twice. */
void drip_https_lwip_free(drip_https_lwip_t *h);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_HTTPS_LWIP_H */
