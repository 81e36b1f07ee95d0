/* SPDX-License-Identifier: Apache-2.0 */
/* Cortex-M4 vector table and reset handler for QEMU mps2-an386. */
#include <stdint.h>
#include <string.h>

#include "fw_board.h"
#include "fw_stack.h"

extern uint32_t __data_start__[], __data_end__[], __data_load__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint32_t __stack_end__[];

int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);
void SysTick_Handler(void);

void Reset_Handler(void)
{
    /* First, before anything deepens the stack: paint it for the
     * high-water mark (fw_stack.h). */
    fw_stack_paint();
    memcpy(__data_start__, __data_load__,
           (size_t)((uintptr_t)__data_end__ - (uintptr_t)__data_start__));
    memset(__bss_start__, 0, (size_t)((uintptr_t)__bss_end__ - (uintptr_t)__bss_start__));
    (void)main();
    fw_fatal(FW_EXIT_FAULT, "main returned");
}

void HardFault_Handler(void)
{
    fw_fatal(FW_EXIT_FAULT, "hard fault");
}

void Default_Handler(void)
{
    fw_fatal(FW_EXIT_FAULT, "unexpected exception or interrupt");
}

/* 16 system vectors + the 32 external interrupts this board can raise;
 * all external ones are disabled (the Ethernet driver polls). */
__attribute__((section(".isr_vector"), used))
static void (*const g_vectors[16 + 32])(void) = {
    (void (*)(void))(uintptr_t)__stack_end__, /* initial SP */
    Reset_Handler,
    Default_Handler,   /* NMI */
    HardFault_Handler,
    HardFault_Handler, /* MemManage */
    HardFault_Handler, /* BusFault */
    HardFault_Handler, /* UsageFault */
    0, 0, 0, 0,
    Default_Handler,   /* SVCall */
    Default_Handler,   /* DebugMon */
    0,
    Default_Handler,   /* PendSV */
    SysTick_Handler,
    [16 ... 16 + 31] = Default_Handler,
};
