/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file arch/cc.h
 * @brief lwIP platform facts for arm-none-eabi-gcc + newlib on Cortex-M4.
 *
 * Diagnostics go to the board console through fw_printf (never libc printf,
 * which would allocate), failed assertions stop the image (FW_EXIT_FAULT).
 */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <stdint.h>

#define BYTE_ORDER LITTLE_ENDIAN
#define LWIP_TIMEVAL_PRIVATE 0

/* GCC: packed protocol headers (ETH_PAD_SIZE 0 leaves IP headers unaligned). */
#define PACK_STRUCT_STRUCT __attribute__((packed))

void fw_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fw_fatal(int code, const char *why) __attribute__((noreturn));
uint32_t fw_test_random32(void);

#define LWIP_PLATFORM_DIAG(x) do { fw_printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) do { \
        fw_printf("lwIP assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__); \
        fw_fatal(4, "lwIP assertion"); \
    } while (0)

/* DNS ids and source ports, DHCP xid. TEST ONLY: see test_entropy.c. */
#define LWIP_RAND() ((u32_t)fw_test_random32())

#endif /* LWIP_ARCH_CC_H */
