/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file arch/cc.h
 * @brief lwIP platform facts for NUCLEO-F767ZI (arm-none-eabi-gcc, newlib).
 *
 * lwIP keeps platform facts here and features in lwipopts.h
 * (lwip/arch.h). Use this file instead of STM32Cube's
 * Middlewares/Third_Party/LwIP/system/arch/cc.h: put boards/stm32 first on
 * the include path. Little-endian, stdint/inttypes from newlib (lwIP's
 * defaults), no printf in release builds.
 */
#ifndef DRIP_STM32_ARCH_CC_H
#define DRIP_STM32_ARCH_CC_H

#include "drip_stm32.h"

/* Checked even in release builds: lwIP stops on a broken invariant. */
#define LWIP_PLATFORM_ASSERT(msg) drip_stm32_fatal((msg), __FILE__, __LINE__)

#ifdef LWIP_DEBUG
#include <stdio.h>
#define LWIP_PLATFORM_DIAG(x) do { printf x; } while (0)
#else
#define LWIP_PLATFORM_DIAG(x) do { } while (0)
#endif

/* DNS query ids and source ports (LWIP_DNS_SECURE) come from the RNG. */
#define LWIP_RAND() ((u32_t)drip_stm32_rng_u32())

#endif /* DRIP_STM32_ARCH_CC_H */
