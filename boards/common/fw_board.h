/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file fw_board.h
 * @brief What the shared firmware pieces (boards/common) need from a board.
 */
#ifndef FW_BOARD_H
#define FW_BOARD_H

#include <stdint.h>

/** Stop for good after a fatal error (heap call, assert, fault): print why,
 *  then exit the emulator with status @p code (FW_EXIT_*), or reset a board. */
void fw_fatal(int code, const char *why) __attribute__((noreturn));

/** Monotonic milliseconds since boot (wraps after ~49 days). */
uint32_t fw_now_ms(void);

/** Exit codes of the test images (the QEMU test reads them). */
enum {
    FW_EXIT_OK = 0,        /* the answer arrived complete and matched */
    FW_EXIT_FAIL = 1,      /* the stream ended in another state, or did not match */
    FW_EXIT_SETUP = 2,     /* network or TLS could not be set up */
    FW_EXIT_HEAP = 3,      /* something called the system heap */
    FW_EXIT_FAULT = 4      /* CPU fault or assertion */
};

#endif /* FW_BOARD_H */
