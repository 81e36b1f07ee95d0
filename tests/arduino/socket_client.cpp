/* SPDX-License-Identifier: Apache-2.0 */
#include "socket_client.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int SocketClient::connect(IPAddress ip, uint16_t port)
{
    char host[16];
    snprintf(host, sizeof host, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
    return connect(host, port);
}

int SocketClient::connect(const char *host, uint16_t port)
{
    struct addrinfo hints, *res = NULL;
    char ps[8];
    stop();
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(ps, sizeof ps, "%u", port);
    if (getaddrinfo(host, ps, &hints, &res) != 0) {
        return 0;
    }
    int fd = socket(res->ai_family, res->ai_socktype, 0);
    if (fd >= 0 && ::connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        return 0;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fd_ = fd;
    eof_ = false;
    peeked_ = -1;
    connects_++;
    return 1;
}

size_t SocketClient::write(const uint8_t *buf, size_t size)
{
    size_t done = 0;
    while (fd_ >= 0 && done < size) {
        ssize_t w = send(fd_, buf + done, size - done, MSG_NOSIGNAL);
        if (w > 0) {
            done += static_cast<size_t>(w);
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd p = {fd_, POLLOUT, 0};
            poll(&p, 1, 100);
        } else {
            break;
        }
    }
    return done;
}

int SocketClient::available()
{
    int n = 0;
    if (fd_ < 0) {
        return 0;
    }
    if (ioctl(fd_, FIONREAD, &n) != 0) {
        return 0;
    }
    if (n == 0) { /* closed by the peer? a zero-byte peek says so */
        char c;
        ssize_t r = recv(fd_, &c, 1, MSG_PEEK);
        if (r == 0) {
            eof_ = true;
        }
    }
    return n + (peeked_ >= 0 ? 1 : 0);
}

int SocketClient::read(uint8_t *buf, size_t size)
{
    size_t off = 0;
    if (fd_ < 0 || size == 0) {
        return -1;
    }
    if (peeked_ >= 0) {
        buf[off++] = static_cast<uint8_t>(peeked_);
        peeked_ = -1;
    }
    ssize_t r = recv(fd_, buf + off, size - off, 0);
    if (r > 0) {
        return static_cast<int>(off + static_cast<size_t>(r));
    }
    if (r == 0) {
        eof_ = true;
    }
    return off > 0 ? static_cast<int>(off) : -1;
}

int SocketClient::read()
{
    uint8_t c;
    return read(&c, 1) == 1 ? c : -1;
}

int SocketClient::peek()
{
    if (peeked_ < 0) {
        peeked_ = read();
    }
    return peeked_;
}

void SocketClient::stop()
{
    if (fd_ >= 0) {
        close(fd_);
    }
    fd_ = -1;
    eof_ = false;
    peeked_ = -1;
}

uint8_t SocketClient::connected()
{
    if (fd_ < 0) {
        return 0;
    }
    return (!eof_ || available() > 0) ? 1 : 0;
}
