/* SPDX-License-Identifier: Apache-2.0 */
/* Small printf (see fw_print.h). newlib's printf would pull in stdio and its
 * buffers (malloc'd on first use), which the heap guard forbids. */
#include "fw_print.h"

#include <stdint.h>
#include <string.h>

void fw_write(const char *p, size_t n)
{
    while (n-- > 0u) {
        fw_putc(*p++);
    }
}

void fw_puts(const char *s)
{
    fw_write(s, strlen(s));
}

static void pad(int n, char c)
{
    while (n-- > 0) {
        fw_putc(c);
    }
}

static void put_field(const char *s, size_t n, int width, int left, char padc)
{
    int fill = (width > (int)n) ? width - (int)n : 0;
    if (!left) {
        pad(fill, padc);
    }
    fw_write(s, n);
    if (left) {
        pad(fill, ' ');
    }
}

static void put_num(unsigned long long v, unsigned base, int neg, int upper,
                    int width, int left, char padc)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    size_t n = 0;
    do {
        tmp[sizeof tmp - 1u - n] = digits[v % base];
        v /= base;
        n++;
    } while (v != 0u);
    if (neg) {
        if (padc == '0') {
            fw_putc('-'); /* sign before the zeros */
            width--;
        } else {
            tmp[sizeof tmp - 1u - n] = '-';
            n++;
        }
    }
    put_field(&tmp[sizeof tmp - n], n, width, left, padc);
}

void fw_vprintf(const char *fmt, va_list ap)
{
    while (*fmt != '\0') {
        int width = 0, left = 0, lng = 0, prec = -1;
        char padc = ' ';
        if (*fmt != '%') {
            fw_putc(*fmt++);
            continue;
        }
        fmt++;
        if (*fmt == '-') {
            left = 1;
            fmt++;
        }
        if (*fmt == '0') {
            padc = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.' && fmt[1] == '*') {
            prec = va_arg(ap, int);
            fmt += 2;
        }
        while (*fmt == 'l' || *fmt == 'z') {
            lng += (*fmt == 'l') ? 1 : (sizeof(size_t) > sizeof(int) ? 1 : 0);
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            long long v = (lng >= 2) ? va_arg(ap, long long)
                        : (lng == 1) ? va_arg(ap, long) : va_arg(ap, int);
            unsigned long long m = (v < 0) ? 0ull - (unsigned long long)v : (unsigned long long)v;
            put_num(m, 10u, v < 0, 0, width, left, padc);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            unsigned long long v = (lng >= 2) ? va_arg(ap, unsigned long long)
                                 : (lng == 1) ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            put_num(v, (*fmt == 'u') ? 10u : 16u, 0, *fmt == 'X', width, left, padc);
            break;
        }
        case 'p':
            fw_puts("0x");
            put_num((uintptr_t)va_arg(ap, void *), 16u, 0, 0, 8, 0, '0');
            break;
        case 'c':
            fw_putc((char)va_arg(ap, int));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            size_t n;
            if (s == NULL) {
                s = "(null)";
            }
            n = (prec >= 0) ? (size_t)prec : strlen(s);
            put_field(s, n, width, left, ' ');
            break;
        }
        case '%':
            fw_putc('%');
            break;
        case '\0':
            return;
        default:
            fw_putc('%');
            fw_putc(*fmt);
            break;
        }
        fmt++;
    }
}

void fw_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fw_vprintf(fmt, ap);
    va_end(ap);
}
