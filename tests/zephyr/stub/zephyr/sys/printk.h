/* SPDX-License-Identifier: Apache-2.0 */
/* Compile-only stand-in of <zephyr/sys/printk.h>: the declaration. */
#ifndef STUB_ZEPHYR_PRINTK_H
#define STUB_ZEPHYR_PRINTK_H
__attribute__((format(printf, 1, 2))) void printk(const char *fmt, ...);
#endif
