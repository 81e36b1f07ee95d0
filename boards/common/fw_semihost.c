/* SPDX-License-Identifier: Apache-2.0 */
/* Arm semihosting (Thumb: bkpt 0xab, r0 = operation, r1 = argument block). */
#include "fw_semihost.h"

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITE = 0x05,
    SYS_TIME = 0x11,
    SYS_GET_CMDLINE = 0x15,
    SYS_EXIT_EXTENDED = 0x20,
    ADP_STOPPED_APPLICATION_EXIT = 0x20026
};

static int semihost_call(int op, void *arg)
{
    register int r0 __asm__("r0") = op;
    register void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void fw_semihost_exit(int code)
{
    uint32_t block[2];
    block[0] = ADP_STOPPED_APPLICATION_EXIT;
    block[1] = (uint32_t)code;
    (void)semihost_call(SYS_EXIT_EXTENDED, block);
    for (;;) {
        __asm__ volatile("wfi"); /* no host: stay put */
    }
}

uint32_t fw_semihost_time(void)
{
    int t = semihost_call(SYS_TIME, NULL);
    return (t < 0) ? 0u : (uint32_t)t;
}

int fw_semihost_cmdline(char *buf, size_t len)
{
    uint32_t block[2];
    int r;
    if (buf == NULL || len < 2u) {
        return -1;
    }
    block[0] = (uint32_t)(uintptr_t)buf;
    block[1] = (uint32_t)(len - 1u);
    r = semihost_call(SYS_GET_CMDLINE, block);
    if (r != 0 || block[1] >= len) {
        buf[0] = '\0';
        return -1;
    }
    buf[block[1]] = '\0';
    return (int)block[1];
}

int fw_semihost_write_file(const char *path, const void *p, size_t n)
{
    uint32_t block[3];
    size_t len = 0;
    int fd, left;
    while (path[len] != '\0') {
        len++;
    }
    block[0] = (uint32_t)(uintptr_t)path;
    block[1] = 5u; /* "wb" */
    block[2] = (uint32_t)len;
    fd = semihost_call(SYS_OPEN, block);
    if (fd < 0) {
        return -1;
    }
    block[0] = (uint32_t)fd;
    block[1] = (uint32_t)(uintptr_t)p;
    block[2] = (uint32_t)n;
    left = semihost_call(SYS_WRITE, block); /* bytes NOT written */
    block[0] = (uint32_t)fd;
    if (semihost_call(SYS_CLOSE, block) != 0 || left != 0) {
        return -1;
    }
    return 0;
}
