/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file fw_stack.h
 * @brief Stack high-water mark: paint the stack at boot, measure at the end.
 *
 * The board's linker script defines __stack_start__ (lowest address) and
 * __stack_end__ (initial SP). fw_stack_paint() fills the unused part with a
 * pattern from the reset handler; fw_stack_high_water() finds the deepest
 * word that was overwritten since. Interrupt handlers run on the same (main)
 * stack, so their use is included.
 */
#ifndef FW_STACK_H
#define FW_STACK_H

#include <stddef.h>

/** Fill the stack below the caller's frame with the pattern. */
void fw_stack_paint(void);

/** Bytes of stack used at the deepest point since the paint. */
size_t fw_stack_high_water(void);

/** Size of the stack region (bytes). */
size_t fw_stack_size(void);

#endif /* FW_STACK_H */
