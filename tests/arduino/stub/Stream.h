/* SPDX-License-Identifier: Apache-2.0 */
/* Host stand-in of Arduino's Stream (ArduinoCore-API api/Stream.h), the pure
 * virtuals and setTimeout. */
#ifndef STUB_STREAM_H
#define STUB_STREAM_H
#include "Print.h"

class Stream : public Print {
public:
    virtual int available() = 0;
    virtual int read() = 0;
    virtual int peek() = 0;
    void setTimeout(unsigned long ms) { timeout_ = ms; }

protected:
    unsigned long timeout_ = 1000;
};
#endif
