/* SPDX-License-Identifier: Apache-2.0 */
/* Compile-only stand-in of the ESP32 core's WiFiClientSecure: a Client with
 * setCACert/setInsecure. Every call fails (never run). */
#ifndef STUB_WIFICLIENTSECURE_H
#define STUB_WIFICLIENTSECURE_H
#include "Client.h"
class WiFiClientSecure : public Client {
public:
    void setCACert(const char *pem) { (void)pem; }
    void setInsecure() {}
    int connect(IPAddress ip, uint16_t port) override { (void)ip, (void)port; return 0; }
    int connect(const char *host, uint16_t port) override { (void)host, (void)port; return 0; }
    size_t write(uint8_t) override { return 0; }
    size_t write(const uint8_t *buf, size_t size) override { (void)buf, (void)size; return 0; }
    int available() override { return 0; }
    int read() override { return -1; }
    int read(uint8_t *buf, size_t size) override { (void)buf, (void)size; return -1; }
    int peek() override { return -1; }
    void flush() override {}
    void stop() override {}
    uint8_t connected() override { return 0; }
    operator bool() override { return false; }
};
#endif
