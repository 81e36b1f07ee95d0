/* SPDX-License-Identifier: Apache-2.0 */
#include "fw_stack.h"

#include <stdint.h>

#define FW_STACK_PATTERN 0xC0FFEE5Au
/* Left unpainted below the painting function's own frame. */
#define FW_STACK_GUARD 64u

extern uint32_t __stack_start__[];
extern uint32_t __stack_end__[];

void fw_stack_paint(void)
{
    uint32_t *p = __stack_start__;
    uintptr_t sp;
    uint32_t *top;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    top = (uint32_t *)(sp - FW_STACK_GUARD);
    while (p < top) {
        *p++ = FW_STACK_PATTERN;
    }
}

size_t fw_stack_high_water(void)
{
    const uint32_t *p = __stack_start__;
    while (p < __stack_end__ && *p == FW_STACK_PATTERN) {
        p++;
    }
    return (size_t)((uintptr_t)__stack_end__ - (uintptr_t)p);
}

size_t fw_stack_size(void)
{
    return (size_t)((uintptr_t)__stack_end__ - (uintptr_t)__stack_start__);
}
