/* SPDX-License-Identifier: Apache-2.0 */
/*
 * !!! TEST-ONLY ENTROPY SOURCE — DO NOT USE ON A REAL DEVICE !!!
 *
 * splitmix64 over a seed made of the host's clock and SysTick. It is
 * deterministic and guessable: it only lets the QEMU test image complete a
 * TLS handshake with the local test server. A product must seed mbedTLS
 * from a hardware TRNG (see test_entropy.h); with this source, an observer
 * of the traffic could recover the session keys.
 */
#include "test_entropy.h"

#include "fw_board.h"

static uint64_t g_state = 0x6A09E667F3BCC908ull; /* TEST ONLY */

void fw_test_entropy_seed(uint32_t seed)
{
    g_state ^= ((uint64_t)seed << 32) | fw_now_ms();
}

static uint64_t splitmix64(void)
{
    uint64_t z = (g_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int fw_test_entropy(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    while (len > 0u) {
        uint64_t v = splitmix64() ^ fw_now_ms(); /* TEST ONLY */
        size_t i;
        for (i = 0; i < 8u && len > 0u; i++, len--) {
            *out++ = (unsigned char)(v >> (8u * i));
        }
    }
    return 0;
}

uint32_t fw_test_random32(void)
{
    return (uint32_t)(splitmix64() >> 32); /* TEST ONLY */
}
