/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file board.h
 * @brief What the example needs from the board, kept apart from main.c so
 *        main.c (lwIP, Mbed TLS, dripfeed) builds and links without
 *        STM32Cube. board_nucleo_f767zi.c implements it with STM32CubeF7.
 */
#ifndef DRIP_STM32_BOARD_H
#define DRIP_STM32_BOARD_H

#include <stddef.h>
#include <stdint.h>
#include "lwip/netif.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Clocks (216 MHz core, 48 MHz PLL48CLK for the RNG), HAL tick, UART. */
void board_init(void);

/** Write bytes to the UART (blocking). */
void board_uart_write(const char *p, size_t n);

/** One I2C1 transfer to 7-bit address @p addr (the SSD1306 panel).
 *  @return 0 on success, -1 on a NACK or a bus error. */
int board_i2c_write(uint8_t addr, const uint8_t *p, size_t n);

/** Add and bring up the Ethernet netif (lwip_init() already called). */
struct netif *board_net_init(void);

/** Run the Ethernet driver once: received frames into lwIP, link state. */
void board_net_poll(struct netif *nif);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_STM32_BOARD_H */
