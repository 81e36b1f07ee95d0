/* SPDX-License-Identifier: Apache-2.0 */
/* Smallest test image: UART, clock, semihosting. `make firmware` builds it
 * first to check the toolchain and QEMU before the network image. */
#include "board.h"
#include "fw_semihost.h"
#include "fw_stack.h"

int main(void)
{
    char cmd[64];
    uint32_t t0;
    board_init();
    fw_printf("hello from mps2-an386: host time %lu\n", (unsigned long)fw_semihost_time());
    if (fw_semihost_cmdline(cmd, sizeof cmd) >= 0) {
        fw_printf("cmdline: %s\n", cmd);
    }
    t0 = fw_now_ms();
    while (fw_now_ms() - t0 < 100u) {
    }
    fw_printf("100 ms of SysTick elapsed; stack used %u of %u bytes\n",
              (unsigned)fw_stack_high_water(), (unsigned)fw_stack_size());
    fw_semihost_exit(FW_EXIT_OK);
}
