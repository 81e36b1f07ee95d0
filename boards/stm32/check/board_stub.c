/* SPDX-License-Identifier: Apache-2.0 */
/* board.h without hardware, for check.sh only: lets the example link for a
 * Cortex-M7 with the real lwIP, Mbed TLS and dripfeed objects so the image
 * size can be measured. Nothing here runs on a board: no clock setup, a
 * UART that drops bytes, an Ethernet driver that receives nothing. The
 * real implementation is examples/stream_uart/board_nucleo_f767zi.c. */
#include <stddef.h>
#include <stdint.h>

#include "board.h"
#include "lwip/sys.h"
#include "lwip/etharp.h"
#include "netif/ethernet.h"

static struct netif s_netif;
static volatile uint32_t s_ms;
static volatile uint32_t s_uart_bytes;

u32_t sys_now(void) /* ethernetif.c has the real one (HAL_GetTick) */
{
    return s_ms++;
}

void board_init(void)
{
}

void board_uart_write(const char *p, size_t n)
{
    (void)p;
    s_uart_bytes += (uint32_t)n;
}

int board_i2c_write(uint8_t addr, const uint8_t *p, size_t n)
{
    (void)addr;
    (void)p;
    s_uart_bytes += (uint32_t)n; /* counted, as the UART: nothing listens */
    return 0;
}

static err_t stub_output(struct netif *nif, struct pbuf *p)
{
    (void)nif;
    (void)p;
    return ERR_OK;
}

static err_t stub_netif_init(struct netif *nif) /* stands in for ethernetif_init */
{
    nif->name[0] = 's';
    nif->name[1] = 't';
    nif->mtu = 1500;
    nif->hwaddr_len = 6;
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_LINK_UP;
    nif->output = etharp_output;
    nif->linkoutput = stub_output;
    return ERR_OK;
}

struct netif *board_net_init(void)
{
    ip4_addr_t zero;
    ip4_addr_set_zero(&zero);
    (void)netif_add(&s_netif, &zero, &zero, &zero, NULL, stub_netif_init, ethernet_input);
    netif_set_default(&s_netif);
    netif_set_up(&s_netif);
    return &s_netif;
}

void board_net_poll(struct netif *nif)
{
    (void)nif;
}

/* The C library heap is empty, as on the board when the linker script sets
 * _Min_Heap_Size = 0: any malloc() would return NULL. */
void *_sbrk(ptrdiff_t incr);
void *_sbrk(ptrdiff_t incr)
{
    (void)incr;
    return (void *)-1;
}

/* Minimal vector table and reset handler so the link has an entry point;
 * the Cube startup_stm32f767xx.s does this (and .data/.bss init) for real. */
extern int main(void);
extern uint32_t _estack;
void Reset_Handler(void);
void Reset_Handler(void)
{
    (void)main();
    for (;;) {
    }
}
__attribute__((section(".isr_vector"), used)) static void (*const s_vectors[2])(void) = {
    (void (*)(void))(uintptr_t)&_estack, Reset_Handler};
