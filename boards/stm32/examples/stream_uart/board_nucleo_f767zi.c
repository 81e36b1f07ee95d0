/* SPDX-License-Identifier: Apache-2.0 */
/* board.h on NUCLEO-F767ZI with STM32CubeF7 (HAL + the lwIP ethernetif of
 * its LwIP examples). NOT compiled where this was written: STM32Cube is not
 * installable there. Written against STM32CubeF7 v1.17's
 * Projects/NUCLEO-F767ZI/Applications/LwIP/LwIP_HTTP_Server_Raw, whose
 * Src/ethernetif.c (new ETH HAL driver, LAN8742 PHY, RMII pins in
 * HAL_ETH_MspInit, DMA descriptors in .RxDecripSection/.TxDecripSection)
 * provides ethernetif_init(), ethernetif_input(),
 * ethernet_link_check_state() and sys_now() (HAL_GetTick), and calls
 * Error_Handler(). Take that ethernetif.c/.h, its linker script (for the
 * descriptor sections) and Drivers/BSP/Components/lan8742 from the same
 * release; a CubeMX-generated LWIP/Target/ethernetif.c has the same names.
 *
 * D-cache stays off: with it on, the Ethernet DMA descriptors and buffers
 * need a non-cacheable MPU region (the Cube example's MPU_Config()). */
#include "board.h"

#include "stm32f7xx_hal.h"

#include "ethernetif.h"
#include "lwip/ip4_addr.h"
#include "netif/ethernet.h"

#include "drip_stm32.h"

static UART_HandleTypeDef s_uart;
static struct netif s_netif;
static uint32_t s_link_checked;

/* ethernetif.c calls this on a HAL failure. */
void Error_Handler(void)
{
    drip_stm32_fatal("HAL error (ethernetif)", __FILE__, __LINE__);
}

/* HAL time base (stm32f7xx_it.c has the same: keep only one). */
void SysTick_Handler(void)
{
    HAL_IncTick();
}

/* 216 MHz from the 8 MHz ST-LINK clock (HSE bypass), and PLLQ = 9 so that
 * PLL48CLK is 48 MHz: the RNG needs it (RM0410, RNG clock). */
static void clock_config(void)
{
    RCC_OscInitTypeDef osc = {0};
    RCC_ClkInitTypeDef clk = {0};

    __HAL_RCC_PWR_CLK_ENABLE();
    __HAL_PWR_VOLTAGESCALING_CONFIG(PWR_REGULATOR_VOLTAGE_SCALE1);
    osc.OscillatorType = RCC_OSCILLATORTYPE_HSE;
    osc.HSEState = RCC_HSE_BYPASS;
    osc.PLL.PLLState = RCC_PLL_ON;
    osc.PLL.PLLSource = RCC_PLLSOURCE_HSE;
    osc.PLL.PLLM = 4;
    osc.PLL.PLLN = 216;
    osc.PLL.PLLP = RCC_PLLP_DIV2;
    osc.PLL.PLLQ = 9;
#if defined(RCC_PLLCFGR_PLLR)
    osc.PLL.PLLR = 7;
#endif
    if (HAL_RCC_OscConfig(&osc) != HAL_OK || HAL_PWREx_EnableOverDrive() != HAL_OK) {
        drip_stm32_fatal("clock", __FILE__, __LINE__);
    }
    clk.ClockType = RCC_CLOCKTYPE_HCLK | RCC_CLOCKTYPE_SYSCLK | RCC_CLOCKTYPE_PCLK1 |
                    RCC_CLOCKTYPE_PCLK2;
    clk.SYSCLKSource = RCC_SYSCLKSOURCE_PLLCLK;
    clk.AHBCLKDivider = RCC_SYSCLK_DIV1;
    clk.APB1CLKDivider = RCC_HCLK_DIV4;
    clk.APB2CLKDivider = RCC_HCLK_DIV2;
    if (HAL_RCC_ClockConfig(&clk, FLASH_LATENCY_7) != HAL_OK) {
        drip_stm32_fatal("clock", __FILE__, __LINE__);
    }
}

/* USART3 on PD8/PD9 (AF7) is wired to the ST-LINK virtual COM port on
 * NUCLEO-144 boards: 115200 8N1. */
static void uart_init(void)
{
    GPIO_InitTypeDef g = {0};

    __HAL_RCC_GPIOD_CLK_ENABLE();
    __HAL_RCC_USART3_CLK_ENABLE();
    g.Pin = GPIO_PIN_8 | GPIO_PIN_9;
    g.Mode = GPIO_MODE_AF_PP;
    g.Pull = GPIO_PULLUP;
    g.Speed = GPIO_SPEED_FREQ_VERY_HIGH;
    g.Alternate = GPIO_AF7_USART3;
    HAL_GPIO_Init(GPIOD, &g);
    s_uart.Instance = USART3;
    s_uart.Init.BaudRate = 115200;
    s_uart.Init.WordLength = UART_WORDLENGTH_8B;
    s_uart.Init.StopBits = UART_STOPBITS_1;
    s_uart.Init.Parity = UART_PARITY_NONE;
    s_uart.Init.Mode = UART_MODE_TX_RX;
    s_uart.Init.HwFlowCtl = UART_HWCONTROL_NONE;
    s_uart.Init.OverSampling = UART_OVERSAMPLING_16;
    if (HAL_UART_Init(&s_uart) != HAL_OK) {
        for (;;) {
        }
    }
}

/* I2C1 on PB8 (SCL) / PB9 (SDA), AF4, open drain: the Arduino D15/D14
 * pins of NUCLEO-144 boards, where an SSD1306 module goes. 400 kHz; the
 * timing word is CubeMX's for Fast mode with PCLK1 = 54 MHz. */
static I2C_HandleTypeDef s_i2c;

static void i2c_init(void)
{
    GPIO_InitTypeDef g = {0};

    __HAL_RCC_GPIOB_CLK_ENABLE();
    __HAL_RCC_I2C1_CLK_ENABLE();
    g.Pin = GPIO_PIN_8 | GPIO_PIN_9;
    g.Mode = GPIO_MODE_AF_OD;
    g.Pull = GPIO_PULLUP;
    g.Speed = GPIO_SPEED_FREQ_VERY_HIGH;
    g.Alternate = GPIO_AF4_I2C1;
    HAL_GPIO_Init(GPIOB, &g);
    s_i2c.Instance = I2C1;
    s_i2c.Init.Timing = 0x6000030Du;
    s_i2c.Init.OwnAddress1 = 0;
    s_i2c.Init.AddressingMode = I2C_ADDRESSINGMODE_7BIT;
    s_i2c.Init.DualAddressMode = I2C_DUALADDRESS_DISABLE;
    s_i2c.Init.GeneralCallMode = I2C_GENERALCALL_DISABLE;
    s_i2c.Init.NoStretchMode = I2C_NOSTRETCH_DISABLE;
    (void)HAL_I2C_Init(&s_i2c); /* a failure shows as failed transfers: panel off */
}

int board_i2c_write(uint8_t addr, const uint8_t *p, size_t n)
{
    /* HAL takes the 7-bit address shifted left; 50 ms covers 129 bytes. */
    return HAL_I2C_Master_Transmit(&s_i2c, (uint16_t)(addr << 1), (uint8_t *)(uintptr_t)p,
                                   (uint16_t)n, 50) == HAL_OK
               ? 0
               : -1;
}

void board_init(void)
{
    SCB_EnableICache();
    HAL_Init();
    clock_config();
    uart_init();
    i2c_init();
}

void board_uart_write(const char *p, size_t n)
{
    while (n > 0u) {
        uint16_t k = (uint16_t)(n > 0xFFFFu ? 0xFFFFu : n);
        (void)HAL_UART_Transmit(&s_uart, (uint8_t *)(uintptr_t)p, k, HAL_MAX_DELAY);
        p += k;
        n -= k;
    }
}

struct netif *board_net_init(void)
{
    ip4_addr_t zero;

    ip4_addr_set_zero(&zero); /* DHCP fills these in */
    if (netif_add(&s_netif, &zero, &zero, &zero, NULL, ethernetif_init, ethernet_input) == NULL) {
        drip_stm32_fatal("netif_add", __FILE__, __LINE__);
    }
    netif_set_hostname(&s_netif, "dripfeed");
    netif_set_default(&s_netif);
    netif_set_up(&s_netif);
    ethernet_link_check_state(&s_netif); /* link up/down from the PHY */
    return &s_netif;
}

void board_net_poll(struct netif *nif)
{
    ethernetif_input(nif);
    if (HAL_GetTick() - s_link_checked >= 100u) { /* the PHY is slow to ask: 10 Hz */
        s_link_checked = HAL_GetTick();
        ethernet_link_check_state(nif);
    }
}
