/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file test_entropy.h
 * @brief !!! TEST-ONLY ENTROPY — NOT RANDOM, NOT SECRET !!!
 *
 * QEMU's mps2-an386 has no random number generator. This source exists so
 * the emulated test image can run a TLS handshake against the local test
 * server. Its output is PREDICTABLE: anyone who knows the boot time can
 * recompute the TLS keys. A real board MUST pass its hardware TRNG to
 * drip_tls (drip_tls_cfg_t.entropy), e.g. the STM32 RNG peripheral or
 * esp_fill_random() with the radio on.
 */
#ifndef TEST_ENTROPY_H
#define TEST_ENTROPY_H

#include <stddef.h>
#include <stdint.h>

/** TEST ONLY. Mix a seed (the host time and uptime) into the generator. */
void fw_test_entropy_seed(uint32_t seed);

/** TEST ONLY. mbedTLS entropy callback shape (drip_tls_cfg_t.entropy):
 *  fills out[len], returns 0. Predictable: see the file comment. */
int fw_test_entropy(void *ctx, unsigned char *out, size_t len);

/** TEST ONLY. 32 predictable bits (lwIP's LWIP_RAND: DNS ids, DHCP xid). */
uint32_t fw_test_random32(void);

#endif /* TEST_ENTROPY_H */
