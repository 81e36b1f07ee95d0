/* SPDX-License-Identifier: Apache-2.0 */
/* QEMU mps2-an386: console on CMSDK UART0, millisecond clock on SysTick. */
#include "board.h"

#include "fw_semihost.h"

#define UART0_BASE 0x40004000u
#define UART_DATA (*(volatile uint32_t *)(UART0_BASE + 0x00u))
#define UART_STATE (*(volatile uint32_t *)(UART0_BASE + 0x04u))
#define UART_CTRL (*(volatile uint32_t *)(UART0_BASE + 0x08u))
#define UART_BAUDDIV (*(volatile uint32_t *)(UART0_BASE + 0x10u))
#define UART_STATE_TXFULL 0x1u
#define UART_CTRL_TXEN 0x1u

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

static volatile uint32_t g_ms;

void SysTick_Handler(void);
void SysTick_Handler(void)
{
    g_ms++;
}

uint32_t fw_now_ms(void)
{
    return g_ms;
}

void fw_putc(char c)
{
    while (UART_STATE & UART_STATE_TXFULL) {
    }
    UART_DATA = (uint32_t)(unsigned char)c;
}

void board_init(void)
{
    UART_BAUDDIV = 16u; /* the smallest divider the CMSDK UART accepts */
    UART_CTRL = UART_CTRL_TXEN;
    SYST_RVR = BOARD_SYSCLK_HZ / 1000u - 1u;
    SYST_CVR = 0u;
    SYST_CSR = 0x7u; /* processor clock, interrupt, enable */
}

void fw_fatal(int code, const char *why)
{
    fw_printf("\nFATAL: %s\n", why);
    fw_semihost_exit(code);
}
