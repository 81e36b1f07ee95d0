/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file board.h
 * @brief QEMU mps2-an386 board glue: CMSDK UART0 console, SysTick clock.
 *
 * Peripherals used (QEMU hw/arm/mps2.c): UART0 at 0x40004000, LAN9118 at
 * 0x40200000 (lan9118.h), SysTick on the 25 MHz system clock.
 */
#ifndef BOARD_H
#define BOARD_H

#include <stdint.h>

#include "fw_board.h"
#include "fw_print.h"

/** System clock of the MPS2 FPGA images (Hz). */
#define BOARD_SYSCLK_HZ 25000000u

/** UART console and the 1 kHz SysTick. Call first in main(). */
void board_init(void);

#endif /* BOARD_H */
