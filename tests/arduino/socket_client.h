/* SPDX-License-Identifier: Apache-2.0 */
/* A Client over a POSIX TCP socket (host test of the Arduino wrapper): what
 * an Arduino board's WiFiClient does, minus Wi-Fi. Non-blocking reads, so
 * available() says what is buffered in the kernel right now. */
#ifndef SOCKET_CLIENT_H
#define SOCKET_CLIENT_H
#include <Client.h>

class SocketClient : public Client {
public:
    SocketClient() : fd_(-1), peeked_(-1), eof_(false) {}
    ~SocketClient() override { stop(); }
    int connect(IPAddress ip, uint16_t port) override;
    int connect(const char *host, uint16_t port) override;
    size_t write(uint8_t c) override { return write(&c, 1); }
    size_t write(const uint8_t *buf, size_t size) override;
    int available() override;
    int read() override;
    int read(uint8_t *buf, size_t size) override;
    int peek() override;
    void flush() override {}
    void stop() override;
    uint8_t connected() override;
    operator bool() override { return fd_ >= 0; }
    unsigned connects() const { return connects_; }

private:
    int fd_;
    int peeked_;
    bool eof_;
    unsigned connects_ = 0;
};
#endif
