/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file fw_semihost.h
 * @brief Arm semihosting calls the firmware tests use (QEMU with
 *        `-semihosting-config enable=on,target=native`).
 *
 * Semihosting is a debug channel: on a board without a debugger attached the
 * `bkpt 0xab` it executes faults. Only test images call these.
 */
#ifndef FW_SEMIHOST_H
#define FW_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/** End the emulation with this exit status (SYS_EXIT_EXTENDED). */
void fw_semihost_exit(int code) __attribute__((noreturn));

/** Host wall-clock time, seconds since 1970 (SYS_TIME); 0 if unknown. */
uint32_t fw_semihost_time(void);

/** The command line given to the emulator (SYS_GET_CMDLINE: QEMU's
 *  `-semihosting-config ...,arg=A,arg=B` gives "A B"), NUL-terminated.
 *  @return its length, or -1 when the host gave none. */
int fw_semihost_cmdline(char *buf, size_t len);

/** Write @p n bytes to the host file @p path (created or truncated;
 *  SYS_OPEN "wb", SYS_WRITE, SYS_CLOSE). @return 0, or -1 on any failure. */
int fw_semihost_write_file(const char *path, const void *p, size_t n);

#endif /* FW_SEMIHOST_H */
