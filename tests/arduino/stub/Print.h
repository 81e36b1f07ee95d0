/* SPDX-License-Identifier: Apache-2.0 */
/* Host stand-in of Arduino's Print (ArduinoCore-API api/Print.h): the
 * members the wrapper and examples use, same signatures. Not Arduino's code. */
#ifndef STUB_PRINT_H
#define STUB_PRINT_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "WString.h"

class Print {
public:
    virtual ~Print() {}
    virtual size_t write(uint8_t c) = 0;
    virtual size_t write(const uint8_t *buf, size_t size)
    {
        size_t n = 0;
        while (n < size && write(buf[n]) == 1) {
            n++;
        }
        return n;
    }
    size_t write(const char *s) { return s ? write(reinterpret_cast<const uint8_t *>(s), strlen(s)) : 0; }
    size_t print(const char *s) { return write(s); }
    size_t print(const String &s) { return write(s.c_str()); }
    size_t print(char c) { return write(static_cast<uint8_t>(c)); }
    size_t print(long v) { char b[24]; snprintf_long(b, sizeof b, v); return write(b); }
    size_t print(int v) { return print(static_cast<long>(v)); }
    size_t print(unsigned v) { return print(static_cast<long>(v)); }
    size_t println() { return write("\r\n"); }
    template <typename T> size_t println(const T &v) { size_t n = print(v); return n + println(); }
    virtual void flush() {}

private:
    static void snprintf_long(char *b, size_t n, long v);
};
#endif
