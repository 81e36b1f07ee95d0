/* SPDX-License-Identifier: Apache-2.0 */
/* Host stand-in of <Arduino.h> for tests/arduino: time, delay, Serial
 * (stdout), Print/Stream/String. Arduino's builder includes this first in
 * every sketch; so does run_arduino_test.py. */
#ifndef STUB_ARDUINO_H
#define STUB_ARDUINO_H
#include <stddef.h>
#include <stdint.h>
#include "Print.h"
#include "Stream.h"
#include "WString.h"

unsigned long millis(void);
unsigned long micros(void);
void delay(unsigned long ms);

/** Serial: writes to stdout, reads nothing. */
class HardwareSerial : public Stream {
public:
    void begin(unsigned long baud) { (void)baud; }
    size_t write(uint8_t c) override;
    size_t write(const uint8_t *buf, size_t size) override;
    using Print::write;
    int available() override { return 0; }
    int read() override { return -1; }
    int peek() override { return -1; }
    operator bool() { return true; }
};
extern HardwareSerial Serial;
#endif
