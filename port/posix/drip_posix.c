/* SPDX-License-Identifier: Apache-2.0 */
/* POSIX port: TCP transport on BSD sockets, platform hooks. See drip_posix.h. */
#if !defined(_POSIX_C_SOURCE) || _POSIX_C_SOURCE < 200809L
#undef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* getaddrinfo, poll, clock_gettime, nanosleep, MSG_NOSIGNAL */
#endif
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1 /* getrandom() (glibc >= 2.25) */
#endif

#include "drip_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/random.h>
#endif

enum { DRIP_POSIX_CLOSED = 0, DRIP_POSIX_OPEN = 1 };

/* ---- clock --------------------------------------------------------------- */

static uint32_t posix_now_ms(void *ctx)
{
    struct timespec ts;
    uint64_t ms = 0;
    (void)ctx;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) == 0) {
        ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    }
    return (uint32_t)ms; /* wraps every ~49 days: callers subtract */
}

/* Milliseconds left of a budget started at `start`, clamped for poll(). */
static int posix_left_ms(uint32_t start, uint32_t budget)
{
    uint32_t spent = posix_now_ms(NULL) - start;
    uint32_t left = (spent >= budget) ? 0u : budget - spent;
    return (left > (uint32_t)INT_MAX) ? INT_MAX : (int)left;
}

static void posix_sleep_ms(void *ctx, uint32_t ms)
{
    struct timespec req, rem;
    (void)ctx;
    req.tv_sec = (time_t)(ms / 1000u);
    req.tv_nsec = (long)(ms % 1000u) * 1000000L;
    while (nanosleep(&req, &rem) != 0 && errno == EINTR) {
        req = rem;
    }
}

static uint32_t posix_random(void *ctx)
{
    uint32_t v = 0;
    int have = 0;
    (void)ctx;
#if defined(__linux__)
    if (getrandom(&v, sizeof v, GRND_NONBLOCK) == (ssize_t)sizeof v) {
        have = 1;
    }
#endif
    if (!have) {
        int fd = open("/dev/urandom", O_RDONLY);
        if (fd >= 0) {
            have = (read(fd, &v, sizeof v) == (ssize_t)sizeof v);
            (void)close(fd);
        }
    }
    if (!have) {
        /* Jitter only (drip_transport.h: "need not be secure"). */
        static uint32_t x = 0x9E3779B9u;
        x ^= posix_now_ms(NULL);
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v = x;
    }
    return v;
}

/* ---- error translation: the one place errno becomes a drip_err_t --------- */

static int posix_map_errno(int e)
{
    int r;
    switch (e) {
    case EAGAIN:
#if defined(EWOULDBLOCK) && EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case EINTR:
    case EINPROGRESS:
        r = DRIP_AGAIN;
        break;
    case ECONNREFUSED:
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
#if defined(EHOSTDOWN)
    case EHOSTDOWN:
#endif
    case EADDRNOTAVAIL:
    case EACCES: /* connect() blocked by local policy (firewall) */
    case EPERM:
        r = DRIP_ERR_CONNECT;
        break;
    case ETIMEDOUT:
        r = DRIP_ERR_TIMEOUT;
        break;
    case ECONNRESET:
    case ECONNABORTED:
    case EPIPE:
    case ENOTCONN:
        r = DRIP_ERR_CLOSED;
        break;
    default:
        r = DRIP_ERR_IO;
        break;
    }
    return r;
}

/* getaddrinfo() has its own code set: every failure is a DNS failure, except
 * EAI_SYSTEM (errno says why) and EAI_MEMORY (libc is out of memory). */
static int posix_map_gai(drip_posix_t *p, int gai)
{
    int r = DRIP_ERR_DNS;
    p->priv.last_gai = gai;
    if (gai == EAI_SYSTEM) {
        p->priv.last_errno = errno;
        r = (errno == 0) ? DRIP_ERR_DNS : posix_map_errno(errno);
        if (r == DRIP_AGAIN || r == DRIP_ERR_CONNECT) {
            r = DRIP_ERR_DNS; /* the resolver could not reach its server */
        }
    } else if (gai == EAI_MEMORY) {
        r = DRIP_ERR_IO;
    }
    return r;
}

/* Record errno and translate it. */
static int posix_fail(drip_posix_t *p, int e)
{
    p->priv.last_errno = e;
    return posix_map_errno(e);
}

/* ---- transport ------------------------------------------------------------ */

static int posix_set_flags(int fd)
{
    int fl = fcntl(fd, F_GETFL, 0);
    int one = 1;
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        return -1;
    }
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
#if defined(SO_NOSIGPIPE)
    (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, (socklen_t)sizeof one);
#endif
    (void)one;
    return 0;
}

/* One address. DRIP_OK with p->priv.fd set, or an error (socket closed). */
static int posix_try_addr(drip_posix_t *p, const struct addrinfo *ai,
                          uint32_t start, uint32_t budget)
{
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    int rc = DRIP_OK;
    if (fd < 0) {
        return posix_fail(p, errno);
    }
    if (posix_set_flags(fd) != 0) {
        rc = posix_fail(p, errno);
    } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        if (errno != EINPROGRESS && errno != EINTR) {
            rc = posix_fail(p, errno);
        } else {
            struct pollfd pfd;
            int pr;
            pfd.fd = fd;
            pfd.events = POLLOUT;
            do {
                pfd.revents = 0;
                pr = poll(&pfd, 1, posix_left_ms(start, budget));
            } while (pr < 0 && errno == EINTR);
            if (pr < 0) {
                rc = posix_fail(p, errno);
            } else if (pr == 0) {
                p->priv.last_errno = ETIMEDOUT;
                rc = DRIP_ERR_TIMEOUT;
            } else {
                int soerr = 0;
                socklen_t len = (socklen_t)sizeof soerr;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0) {
                    soerr = errno;
                }
                if (soerr != 0) {
                    rc = posix_fail(p, soerr);
                    if (rc == DRIP_AGAIN) {
                        rc = DRIP_ERR_CONNECT;
                    }
                }
            }
        }
    }
    if (rc == DRIP_OK) {
        int one = 1;
        /* Small requests and SSE lines must not wait for Nagle. */
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, (socklen_t)sizeof one);
        p->priv.fd = fd;
        p->priv.state = DRIP_POSIX_OPEN;
    } else {
        (void)close(fd);
    }
    return rc;
}

static void posix_port_str(char out[6], uint16_t port)
{
    char tmp[6];
    size_t n = 0, i;
    unsigned v = port;
    do {
        tmp[n++] = (char)('0' + (v % 10u));
        v /= 10u;
    } while (v != 0u);
    for (i = 0; i < n; i++) {
        out[i] = tmp[n - 1u - i];
    }
    out[n] = '\0';
}

static int posix_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    drip_posix_t *p = (drip_posix_t *)ctx;
    struct addrinfo hints, *res = NULL;
    const struct addrinfo *ai;
    char port_s[6];
    uint32_t start = posix_now_ms(NULL);
    int rc, gai, net_err = 0;

    if (p == NULL || host == NULL || host[0] == '\0' || port == 0u) {
        return DRIP_ERR_ARG;
    }
    if (p->priv.state == DRIP_POSIX_OPEN) {
        return DRIP_ERR_STATE;
    }
    p->priv.last_errno = 0;
    p->priv.last_gai = 0;
    posix_port_str(port_s, port);
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    /* getaddrinfo() allocates its result inside libc; freeaddrinfo() below
     * returns it. That is libc's own allocation: dripfeed calls no malloc. */
    gai = getaddrinfo(host, port_s, &hints, &res);
    if (gai != 0) {
        return posix_map_gai(p, gai);
    }
    rc = DRIP_ERR_CONNECT;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        int r;
        if (posix_left_ms(start, timeout_ms) == 0 && ai != res) {
            rc = DRIP_ERR_TIMEOUT;
            break;
        }
        r = posix_try_addr(p, ai, start, timeout_ms);
        if (r == DRIP_OK) {
            rc = DRIP_OK;
            break;
        }
        /* Report the network's answer (refused, unreachable, timeout) over
         * a local failure such as an address family this host lacks. */
        if (r != DRIP_ERR_IO || !net_err) {
            rc = r;
            net_err = (r != DRIP_ERR_IO);
        }
    }
    freeaddrinfo(res);
    return rc;
}

static int posix_send(void *ctx, const uint8_t *buf, size_t n)
{
    drip_posix_t *p = (drip_posix_t *)ctx;
    uint32_t start;
    int waited = 0;
    int flags = 0;

    if (p == NULL || buf == NULL || n == 0u) {
        return DRIP_ERR_ARG;
    }
    if (p->priv.state != DRIP_POSIX_OPEN) {
        return DRIP_ERR_STATE;
    }
    if (n > (size_t)INT_MAX) {
        n = (size_t)INT_MAX;
    }
#if defined(MSG_NOSIGNAL)
    flags = MSG_NOSIGNAL; /* a closed peer gives EPIPE, never SIGPIPE */
#endif
    start = posix_now_ms(NULL);
    for (;;) {
        ssize_t r = send(p->priv.fd, buf, n, flags);
        if (r > 0) {
            return (int)r;
        }
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            return posix_fail(p, errno);
        }
        if (waited) {
            return DRIP_AGAIN;
        } else {
            struct pollfd pfd;
            int pr;
            pfd.fd = p->priv.fd;
            pfd.events = POLLOUT;
            do {
                pfd.revents = 0;
                pr = poll(&pfd, 1, posix_left_ms(start, p->send_timeout_ms));
            } while (pr < 0 && errno == EINTR);
            if (pr < 0) {
                return posix_fail(p, errno);
            }
            if (pr == 0) {
                return DRIP_AGAIN;
            }
            waited = 1;
        }
    }
}

static int posix_recv(void *ctx, uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    drip_posix_t *p = (drip_posix_t *)ctx;
    struct pollfd pfd;
    uint32_t start;
    ssize_t r;
    int pr;

    if (p == NULL || buf == NULL || n == 0u) {
        return DRIP_ERR_ARG;
    }
    if (p->priv.state != DRIP_POSIX_OPEN) {
        return DRIP_ERR_STATE;
    }
    if (n > (size_t)INT_MAX) {
        n = (size_t)INT_MAX;
    }
    start = posix_now_ms(NULL);
    pfd.fd = p->priv.fd;
    pfd.events = POLLIN;
    do {
        pfd.revents = 0;
        pr = poll(&pfd, 1, posix_left_ms(start, timeout_ms));
    } while (pr < 0 && errno == EINTR);
    if (pr < 0) {
        return posix_fail(p, errno);
    }
    if (pr == 0) {
        return DRIP_AGAIN; /* nothing within timeout_ms */
    }
    /* Readable, hung up or in error: recv() tells which. */
    do {
        r = recv(p->priv.fd, buf, n, 0);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        return posix_fail(p, errno); /* EAGAIN (spurious wakeup) -> DRIP_AGAIN */
    }
    return (int)r; /* 0: the peer closed */
}

static void posix_close(void *ctx)
{
    drip_posix_t *p = (drip_posix_t *)ctx;
    if (p != NULL && p->priv.fd >= 0) {
        (void)close(p->priv.fd); /* Linux releases the fd even on EINTR */
        p->priv.fd = -1;
    }
    if (p != NULL) {
        p->priv.state = DRIP_POSIX_CLOSED;
    }
}

/* ---- public --------------------------------------------------------------- */

void drip_posix_init(drip_posix_t *p)
{
    if (p != NULL) {
        memset(p, 0, sizeof *p);
        p->send_timeout_ms = DRIP_POSIX_SEND_TIMEOUT_MS;
        p->priv.fd = -1;
        p->priv.state = DRIP_POSIX_CLOSED;
    }
}

drip_err_t drip_posix_transport(drip_posix_t *p, drip_transport_t *out)
{
    drip_err_t rc = DRIP_OK;
    if (p == NULL || out == NULL) {
        rc = DRIP_ERR_ARG;
    } else {
        out->connect = posix_connect;
        out->send = posix_send;
        out->recv = posix_recv;
        out->close = posix_close;
        out->ctx = p;
    }
    return rc;
}

drip_err_t drip_posix_platform(drip_platform_t *out)
{
    drip_err_t rc = DRIP_OK;
    if (out == NULL) {
        rc = DRIP_ERR_ARG;
    } else {
        out->now_ms = posix_now_ms;
        out->sleep_ms = posix_sleep_ms;
        out->random = posix_random;
        out->ctx = NULL;
    }
    return rc;
}

int drip_posix_last_errno(const drip_posix_t *p, int *gai)
{
    int e = 0;
    if (p != NULL) {
        e = p->priv.last_errno;
        if (gai != NULL) {
            *gai = p->priv.last_gai;
        }
    } else if (gai != NULL) {
        *gai = 0;
    }
    return e;
}
