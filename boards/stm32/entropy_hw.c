/* SPDX-License-Identifier: Apache-2.0 */
/* The board's Mbed TLS platform hooks: entropy from the STM32F7 RNG
 * peripheral, and the no-heap default allocator (mbedtls_config.h).
 *
 * Entropy from the STM32F7 RNG peripheral, register level (RM0410 section
 * 22 "True random number generator"), for Mbed TLS (MBEDTLS_ENTROPY_HARDWARE_ALT
 * -> mbedtls_hardware_poll) and lwIP (LWIP_RAND).
 *
 * Register level rather than HAL_RNG_*: STM32Cube is not available where this
 * was written, so this file compiles without it, and it is short. The
 * addresses are the F76x/F77x ones (CMSIS stm32f767xx.h: RNG_BASE, RCC_BASE).
 * On an H7 the RNG sits at 0x48021800 and needs its kernel clock chosen in
 * RCC_D2CCIP2R: adapt the three addresses and the clock, the logic is the same. */
#include "drip_stm32.h"

#include <string.h>

#include "mbedtls/entropy.h"      /* MBEDTLS_ERR_ENTROPY_SOURCE_FAILED */
#include "mbedtls/entropy_poll.h" /* mbedtls_hardware_poll() prototype */

#define DRIP_REG(addr) (*(volatile uint32_t *)(addr))
#define RCC_AHB2ENR DRIP_REG(0x40023834u) /* RCC_BASE 0x40023800 + 0x34 */
#define RCC_AHB2ENR_RNGEN (1u << 6)
#define RNG_CR DRIP_REG(0x50060800u)      /* RNG_BASE: AHB2 + 0x60800 */
#define RNG_SR DRIP_REG(0x50060804u)
#define RNG_DR DRIP_REG(0x50060808u)
#define RNG_CR_RNGEN (1u << 2)
#define RNG_SR_DRDY (1u << 0)
#define RNG_SR_CECS (1u << 1)
#define RNG_SR_SECS (1u << 2)
#define RNG_SR_CEIS (1u << 5)
#define RNG_SR_SEIS (1u << 6)

static uint32_t s_last;    /* previous word: continuous test */
static uint8_t s_ready;    /* RNG on and s_last primed */

/* One word. The RM's rules: words read while a seed error is flagged are
 * discarded (clear SEIS, restart the RNG); a clock error means PLL48CLK is
 * wrong, which software cannot fix; two equal consecutive words fail the
 * continuous test (FIPS PUB 140-2), so the first word after enabling is
 * only kept for comparison. */
static int rng_word(uint32_t *out)
{
    uint32_t spins;
    for (spins = 0; spins < DRIP_STM32_RNG_SPINS; spins++) {
        uint32_t sr = RNG_SR;
        if ((sr & (RNG_SR_CECS | RNG_SR_CEIS)) != 0u) {
            RNG_SR = ~RNG_SR_CEIS; /* rc_w0: write 0 to clear */
            return -1;
        }
        if ((sr & (RNG_SR_SECS | RNG_SR_SEIS)) != 0u) {
            RNG_SR = ~RNG_SR_SEIS;
            RNG_CR &= ~RNG_CR_RNGEN; /* restart: the RM's seed-error recovery */
            RNG_CR |= RNG_CR_RNGEN;
            continue;
        }
        if ((sr & RNG_SR_DRDY) != 0u) {
            *out = RNG_DR;
            return 0;
        }
    }
    return -1;
}

int drip_stm32_rng_init(void)
{
    if (!s_ready) {
        RCC_AHB2ENR |= RCC_AHB2ENR_RNGEN;
        (void)RCC_AHB2ENR; /* read back: the clock is on before the RNG is touched */
        RNG_CR |= RNG_CR_RNGEN;
        if (rng_word(&s_last) != 0) {
            return -1;
        }
        s_ready = 1;
    }
    return 0;
}

int drip_stm32_rng_fill(uint8_t *out, size_t len)
{
    if (drip_stm32_rng_init() != 0) {
        return -1;
    }
    while (len > 0u) {
        uint32_t w;
        size_t n = len < sizeof w ? len : sizeof w;
        if (rng_word(&w) != 0 || w == s_last) {
            return -1;
        }
        s_last = w;
        memcpy(out, &w, n);
        out += n;
        len -= n;
    }
    return 0;
}

uint32_t drip_stm32_rng_u32(void)
{
    uint32_t w = 0;
    if (drip_stm32_rng_fill((uint8_t *)&w, sizeof w) != 0) {
        w = 0;
    }
    return w;
}

/* Mbed TLS's hardware source: mbedtls_entropy_init() registers it as a
 * strong source, so drip_tls (cfg.entropy = NULL) seeds its CTR_DRBG
 * from the RNG through mbedtls_entropy_func(). */
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    *olen = 0;
    if (drip_stm32_rng_fill(output, len) != 0) {
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    *olen = len;
    return 0;
}

/* Mbed TLS's allocator before mbedtls_memory_buffer_alloc_init(): none. The
 * arena replaces these; until then every allocation fails cleanly. */
void *drip_stm32_no_calloc(size_t n, size_t size)
{
    (void)n;
    (void)size;
    return NULL;
}

void drip_stm32_no_free(void *p)
{
    (void)p;
}
