/* SPDX-License-Identifier: Apache-2.0 */
/* Many answers in one boot (arg=soak=N): see fw_soak.c. */
#ifndef FW_SOAK_H
#define FW_SOAK_H

#include <stddef.h>
#include <stdint.h>
#include "dripfeed/dripfeed.h"

/**
 * Answers 2..n on @p c after main.c's first one: the client is re-bound
 * to @p base with the soak's handlers and fault header (the first
 * answer's connection is closed, so answer 2 reconnects and resumes the
 * TLS session), every answer checked against the first one's text
 * (@p crc1, @p len1), and the mbedTLS arena and lwIP high-water marks
 * compared with their values after the first answer.
 * @param hs_peak  main.c's arena peak up to the last handshake (it resets
 *                 the arena's max after each connect)
 * @param service  one turn of the superloop (lwIP input and timers)
 * @return 0: every answer right and nothing above its first high-water
 *         mark; 1 otherwise. Prints progress and a final "soak qemu:" line.
 */
int fw_soak_run(drip_client_t *c, const drip_client_cfg_t *base, const drip_request_t *req,
                const char *n_arg, uint32_t crc1, uint32_t len1, const size_t *hs_peak,
                void (*service)(void *ctx));

#endif
