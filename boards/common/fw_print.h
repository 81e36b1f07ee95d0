/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file fw_print.h
 * @brief A small printf for firmware consoles: no stdio, no heap, no floats.
 *
 * Conversions: %d %i %u %x %X %c %s %p %%, with the l, ll and z length
 * modifiers, a field width (%5u, %-8s, %08x) and %.*s for pointer + length
 * text. The board supplies fw_putc() (its console, e.g. the UART).
 */
#ifndef FW_PRINT_H
#define FW_PRINT_H

#include <stdarg.h>
#include <stddef.h>

/** Board hook: write one byte to the console (blocking). */
void fw_putc(char c);

void fw_write(const char *p, size_t n);
void fw_puts(const char *s);
void fw_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fw_vprintf(const char *fmt, va_list ap);

#endif /* FW_PRINT_H */
