/* SPDX-License-Identifier: Apache-2.0 */
/* The stand-in's functions: time from CLOCK_MONOTONIC, Serial to stdout. */
#include "Arduino.h"

#include <stdio.h>
#include <time.h>

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

unsigned long millis(void) { return static_cast<unsigned long>(now_us() / 1000u); }
unsigned long micros(void) { return static_cast<unsigned long>(now_us()); }

void delay(unsigned long ms)
{
    struct timespec ts = {static_cast<time_t>(ms / 1000u), static_cast<long>(ms % 1000u) * 1000000L};
    nanosleep(&ts, NULL);
}

void Print::snprintf_long(char *b, size_t n, long v) { snprintf(b, n, "%ld", v); }

size_t HardwareSerial::write(uint8_t c) { return fputc(c, stdout) == EOF ? 0 : 1; }
size_t HardwareSerial::write(const uint8_t *buf, size_t size) { return fwrite(buf, 1, size, stdout); }

HardwareSerial Serial;
