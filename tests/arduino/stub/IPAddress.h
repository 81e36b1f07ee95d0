/* SPDX-License-Identifier: Apache-2.0 */
/* Host stand-in of Arduino's IPAddress: four bytes. */
#ifndef STUB_IPADDRESS_H
#define STUB_IPADDRESS_H
#include <stdint.h>
class IPAddress {
public:
    IPAddress(uint8_t a = 0, uint8_t b = 0, uint8_t c = 0, uint8_t d = 0) : b_{a, b, c, d} {}
    uint8_t operator[](int i) const { return b_[i]; }

private:
    uint8_t b_[4];
};
#endif
