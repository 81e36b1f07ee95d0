/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file lan9118.h
 * @brief Polled lwIP netif driver for the SMSC LAN9118 (LAN9220) Ethernet
 *        controller of the MPS2 boards (QEMU `-nic user,model=lan9118`).
 *
 * No interrupts: lan9118_poll() moves every received frame from the chip's
 * RX FIFO into a PBUF_POOL pbuf and hands it to netif->input; transmit
 * writes the frame into the TX FIFO from linkoutput. Call lan9118_poll()
 * from the superloop (and from drip_lwip_raw's service hook).
 *
 * Usage:
 * @code
 *   netif_add(&nif, &ip, &mask, &gw, NULL, lan9118_netif_init, netif_input);
 *   netif_set_default(&nif); netif_set_up(&nif);
 *   for (;;) { lan9118_poll(&nif); sys_check_timeouts(); ... }
 * @endcode
 */
#ifndef LAN9118_H
#define LAN9118_H

#include "lwip/err.h"
#include "lwip/netif.h"

/** Base address on MPS2 (QEMU hw/arm/mps2.c). */
#define LAN9118_BASE 0x40200000u

/** netif_add() init callback: resets the chip, reads its MAC address (QEMU
 *  loads it from the emulated EEPROM), enables TX and RX.
 *  @return ERR_OK, or ERR_IF when no LAN9118 answers at LAN9118_BASE. */
err_t lan9118_netif_init(struct netif *netif);

/** Hand every frame waiting in the RX FIFO to netif->input.
 *  @return the number of frames received. */
int lan9118_poll(struct netif *netif);

#endif /* LAN9118_H */
