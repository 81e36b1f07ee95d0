/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_stm32.h
 * @brief NUCLEO-F767ZI glue shared by lwIP (arch/cc.h), Mbed TLS
 *        (entropy_hw.c) and the example: the RNG peripheral and a fatal stop.
 */
#ifndef DRIP_STM32_H
#define DRIP_STM32_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Longest wait for one RNG word, in status-register polls. A word takes
 *  about 40 cycles of the 48 MHz RNG clock; this bound only matters when
 *  the RNG clock (PLL48CLK) is not running. */
#ifndef DRIP_STM32_RNG_SPINS
#define DRIP_STM32_RNG_SPINS 100000u
#endif

/**
 * @brief Clock and enable the RNG (register level, RM0410 section 22).
 *        Needs PLL48CLK (48 MHz from PLLQ) configured first. Idempotent.
 * @return 0, or -1 when no first word arrived (RNG clock missing).
 */
int drip_stm32_rng_init(void);

/**
 * @brief Fill @p out with @p len bytes from the RNG, applying the
 *        continuous test of RM0410 (two equal consecutive words = failure)
 *        and the seed-error recovery sequence.
 * @return 0, or -1 on a clock error, a failed continuous test or a timeout.
 */
int drip_stm32_rng_fill(uint8_t *out, size_t len);

/** One RNG word for lwIP (LWIP_RAND: DNS ids and ports) and retry jitter.
 *  Returns 0 if the RNG failed; TLS uses drip_stm32_rng_fill() instead,
 *  which reports failures. */
uint32_t drip_stm32_rng_u32(void);

/** Stop here (lwIP assertion, unrecoverable setup failure): the example
 *  prints the message on the UART and halts. */
void drip_stm32_fatal(const char *msg, const char *file, int line);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_STM32_H */
