/* SPDX-License-Identifier: Apache-2.0 */
/* lwIP port, sockets flavour: TCP transport on lwIP sockets, platform hooks.
 * See drip_lwip_sockets.h. Only lwip_* names are called (never the POSIX
 * names), so it also builds with LWIP_COMPAT_SOCKETS=0 and next to a host
 * libc, as with Debian's liblwip. */
#include "drip_lwip_sockets.h"

#include <limits.h>
#include <string.h>

#include "lwip/opt.h"
#include "lwip/api.h"
#include "lwip/errno.h"
#include "lwip/ip_addr.h"
#include "lwip/sockets.h"
#include "lwip/sys.h"

#if NO_SYS || !LWIP_SOCKET || !LWIP_TCP
#error "drip_lwip_sockets needs NO_SYS=0, LWIP_SOCKET=1 and LWIP_TCP=1 (NO_SYS builds: drip_lwip_raw.h)"
#endif
#if defined(LWIP_SOCKET_POLL) && LWIP_SOCKET_POLL
#define LWS_USE_POLL 1
#elif LWIP_SOCKET_SELECT
#define LWS_USE_POLL 0
#else
#error "drip_lwip_sockets waits with lwip_poll or lwip_select: set LWIP_SOCKET_POLL or LWIP_SOCKET_SELECT"
#endif
#if defined(LWIP_RAND)
#include <stdlib.h> /* unix ports define LWIP_RAND() as rand() */
#endif

enum { LWS_CLOSED = 0, LWS_OPEN = 1 };

/* ---- clock --------------------------------------------------------------- */

static uint32_t lws_now_ms(void *ctx)
{
    (void)ctx;
    return (uint32_t)sys_now(); /* wraps every ~49 days: callers subtract */
}

/* Milliseconds left of a budget started at `start`, clamped for poll(). */
static int lws_left_ms(uint32_t start, uint32_t budget)
{
    uint32_t spent = lws_now_ms(NULL) - start;
    uint32_t left = (spent >= budget) ? 0u : budget - spent;
    return (left > (uint32_t)INT_MAX) ? INT_MAX : (int)left;
}

static void lws_sleep_ms(void *ctx, uint32_t ms)
{
    (void)ctx;
    if (ms > 0u) {
        sys_msleep((u32_t)ms); /* FreeRTOS: a task delay; unix port: a timed semaphore wait */
    }
}

static uint32_t lws_random(void *ctx)
{
    (void)ctx;
#if defined(LWIP_RAND)
    return (uint32_t)LWIP_RAND(); /* NOLINT(cert-msc30-c,cert-msc50-cpp): jitter, not entropy */
#else
    {
        /* Jitter only (drip_transport.h: "need not be secure"). */
        static uint32_t x = 0x9E3779B9u;
        x ^= lws_now_ms(NULL);
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        return x;
    }
#endif
}

/* ---- error translation: the one place an lwIP errno / err_t becomes a
 *      drip_err_t ------------------------------------------------------------ */

enum { LWS_PH_CONNECT, LWS_PH_IO };

/* lwIP's socket layer turns its err_t into errno (err_to_errno()):
 * ERR_RST -> ECONNRESET, ERR_ABRT -> ECONNABORTED, ERR_CLSD/ERR_CONN ->
 * ENOTCONN, ERR_RTE -> EHOSTUNREACH, ERR_MEM/ERR_BUF -> ENOMEM/ENOBUFS,
 * ERR_WOULDBLOCK/ERR_TIMEOUT -> EWOULDBLOCK. While connecting, a reset is
 * the peer refusing (lwIP has no "refused"), so it maps to CONNECT. */
static int lws_map_errno(int e, int phase)
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
#if defined(ENETDOWN)
    case ENETDOWN:
#endif
#if defined(EHOSTDOWN)
    case EHOSTDOWN:
#endif
    case EADDRNOTAVAIL:
        r = DRIP_ERR_CONNECT;
        break;
    case ETIMEDOUT:
        r = DRIP_ERR_TIMEOUT;
        break;
    case ECONNRESET:
    case ECONNABORTED:
    case EPIPE:
    case ENOTCONN:
        r = (phase == LWS_PH_CONNECT) ? DRIP_ERR_CONNECT : DRIP_ERR_CLOSED;
        break;
    default:
        r = DRIP_ERR_IO; /* ENOMEM, ENOBUFS, ENFILE (no socket left), EIO, ... */
        break;
    }
    return r;
}

/* netconn_gethostbyname()'s err_t: ERR_VAL (no such name, or the DNS
 * server did not answer), ERR_ARG (empty name) are DNS failures; running
 * out of memory or DNS table entries is a local failure. */
static int lws_map_dns(drip_lwip_sock_t *s, err_t e)
{
    s->priv.last_lwip = (int)e;
    return (e == ERR_MEM || e == ERR_BUF) ? DRIP_ERR_IO : DRIP_ERR_DNS;
}

/* Record errno and translate it. */
static int lws_fail(drip_lwip_sock_t *s, int e, int phase)
{
    s->priv.last_errno = e;
    return lws_map_errno(e, phase);
}

/* ---- waiting --------------------------------------------------------------- */

/* Wait until fd is readable (or writable) or in error, at most ms.
 * 1: ready (or in error: the next call tells), 0: timed out, -1: errno. */
static int lws_wait(int fd, int for_write, int ms)
{
    int r;
#if LWS_USE_POLL
    struct pollfd pfd;
    pfd.fd = fd;
    pfd.events = (short)(for_write ? POLLOUT : POLLIN);
    pfd.revents = 0;
    r = lwip_poll(&pfd, 1, ms);
#else
    fd_set set, err;
    struct timeval tv;
    FD_ZERO(&set);
    FD_ZERO(&err);
    FD_SET(fd, &set);
    FD_SET(fd, &err);
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    r = lwip_select(fd + 1, for_write ? NULL : &set, for_write ? &set : NULL, &err, &tv);
#endif
    return (r > 0) ? 1 : r;
}

/* ---- transport ------------------------------------------------------------ */

/* lwIP address + port -> socket address. Returns its length (0: bad type).
 * sin_port / sin6_port are written byte by byte: network order without
 * depending on which htons() the build has. */
static socklen_t lws_sockaddr(struct sockaddr_storage *ss, const ip_addr_t *a, uint16_t port)
{
    socklen_t len = 0;
    memset(ss, 0, sizeof *ss);
#if LWIP_IPV6
    if (IP_IS_V6(a)) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ss;
        uint8_t *pp = (uint8_t *)&s6->sin6_port;
        s6->sin6_family = AF_INET6;
        pp[0] = (uint8_t)(port >> 8);
        pp[1] = (uint8_t)(port & 0xFFu);
        memcpy(&s6->sin6_addr, ip_2_ip6(a)->addr, 16);
#if LWIP_IPV6_SCOPES
        s6->sin6_scope_id = ip6_addr_zone(ip_2_ip6(a));
#endif
        len = (socklen_t)sizeof *s6;
#if !LWIP_SOCKET_EXTERNAL_HEADERS
        s6->sin6_len = (u8_t)sizeof *s6; /* lwIP's own struct has a length byte */
#endif
    }
#endif
#if LWIP_IPV4
    if (IP_IS_V4(a)) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)ss;
        uint8_t *pp = (uint8_t *)&s4->sin_port;
        s4->sin_family = AF_INET;
        pp[0] = (uint8_t)(port >> 8);
        pp[1] = (uint8_t)(port & 0xFFu);
        memcpy(&s4->sin_addr, &ip_2_ip4(a)->addr, 4); /* both in network order */
        len = (socklen_t)sizeof *s4;
#if !LWIP_SOCKET_EXTERNAL_HEADERS
        s4->sin_len = (u8_t)sizeof *s4;
#endif
    }
#endif
    return len;
}

/* Host -> address: literals directly (no DNS needed), names via lwIP DNS. */
static int lws_resolve(drip_lwip_sock_t *s, const char *host, ip_addr_t *out)
{
    if (ipaddr_aton(host, out)) {
        return DRIP_OK;
    }
#if LWIP_DNS
    {
        /* Blocks this task; bounded by DNS_MAX_RETRIES x DNS_TMR_INTERVAL. */
        err_t e = netconn_gethostbyname(host, out);
        return (e == ERR_OK) ? DRIP_OK : lws_map_dns(s, e);
    }
#else
    return lws_map_dns(s, ERR_VAL); /* LWIP_DNS=0: literals only */
#endif
}

static int lws_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    drip_lwip_sock_t *s = (drip_lwip_sock_t *)ctx;
    struct sockaddr_storage ss;
    socklen_t sslen;
    ip_addr_t addr;
    uint32_t start = lws_now_ms(NULL);
    int fd, rc;

    if (s == NULL || host == NULL || host[0] == '\0' || port == 0u) {
        return DRIP_ERR_ARG;
    }
    if (s->priv.state == LWS_OPEN) {
        return DRIP_ERR_STATE;
    }
    s->priv.last_errno = 0;
    s->priv.last_lwip = 0;
    memset(&addr, 0, sizeof addr);
    rc = lws_resolve(s, host, &addr);
    if (rc != DRIP_OK) {
        return rc;
    }
    sslen = lws_sockaddr(&ss, &addr, port);
    if (sslen == 0) {
        return DRIP_ERR_DNS; /* an address family this lwIP build lacks */
    }
    fd = lwip_socket(((struct sockaddr *)(void *)&ss)->sa_family, SOCK_STREAM, IPPROTO_TCP);
    if (fd < 0) {
        return lws_fail(s, errno, LWS_PH_CONNECT);
    }
    /* Non-blocking for good: connect is then bounded by timeout_ms, and
     * send/recv never wait inside lwIP beyond what lws_wait() allowed. */
    if (lwip_fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
        rc = lws_fail(s, errno, LWS_PH_CONNECT);
    } else if (lwip_connect(fd, (struct sockaddr *)(void *)&ss, sslen) != 0) {
        if (errno != EINPROGRESS) {
            rc = lws_fail(s, errno, LWS_PH_CONNECT);
            if (rc == DRIP_AGAIN) {
                rc = DRIP_ERR_CONNECT;
            }
        } else {
            int wr = lws_wait(fd, 1, lws_left_ms(start, timeout_ms));
            if (wr < 0) {
                rc = lws_fail(s, errno, LWS_PH_CONNECT);
            } else if (wr == 0) {
                s->priv.last_errno = ETIMEDOUT;
                rc = DRIP_ERR_TIMEOUT;
            } else {
                int soerr = 0;
                socklen_t len = (socklen_t)sizeof soerr;
                if (lwip_getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0) {
                    soerr = errno;
                }
                if (soerr != 0) {
                    rc = lws_fail(s, soerr, LWS_PH_CONNECT);
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
        (void)lwip_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, (socklen_t)sizeof one);
        s->priv.fd = fd;
        s->priv.state = LWS_OPEN;
    } else {
        (void)lwip_close(fd);
    }
    return rc;
}

static int lws_send(void *ctx, const uint8_t *buf, size_t n)
{
    drip_lwip_sock_t *s = (drip_lwip_sock_t *)ctx;
    uint32_t start;
    int waited = 0;

    if (s == NULL || buf == NULL || n == 0u) {
        return DRIP_ERR_ARG;
    }
    if (s->priv.state != LWS_OPEN) {
        return DRIP_ERR_STATE;
    }
    if (n > (size_t)INT_MAX) {
        n = (size_t)INT_MAX;
    }
    start = lws_now_ms(NULL);
    for (;;) {
        ssize_t r = lwip_send(s->priv.fd, buf, n, MSG_DONTWAIT);
        int wr;
        if (r > 0) {
            return (int)r;
        }
        if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            return lws_fail(s, errno, LWS_PH_IO);
        }
        if (waited) {
            return DRIP_AGAIN;
        }
        wr = lws_wait(s->priv.fd, 1, lws_left_ms(start, s->send_timeout_ms));
        if (wr < 0) {
            return lws_fail(s, errno, LWS_PH_IO);
        }
        if (wr == 0) {
            return DRIP_AGAIN;
        }
        waited = 1;
    }
}

static int lws_recv(void *ctx, uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    drip_lwip_sock_t *s = (drip_lwip_sock_t *)ctx;
    ssize_t r;
    int wr;

    if (s == NULL || buf == NULL || n == 0u) {
        return DRIP_ERR_ARG;
    }
    if (s->priv.state != LWS_OPEN) {
        return DRIP_ERR_STATE;
    }
    if (n > (size_t)INT_MAX) {
        n = (size_t)INT_MAX;
    }
    wr = lws_wait(s->priv.fd, 0, (timeout_ms > (uint32_t)INT_MAX) ? INT_MAX : (int)timeout_ms);
    if (wr < 0) {
        return lws_fail(s, errno, LWS_PH_IO);
    }
    if (wr == 0) {
        return DRIP_AGAIN; /* nothing within timeout_ms */
    }
    /* Readable, closed or in error: recv() tells which. */
    r = lwip_recv(s->priv.fd, buf, n, MSG_DONTWAIT);
    if (r < 0) {
        return lws_fail(s, errno, LWS_PH_IO); /* EWOULDBLOCK (spurious wakeup) -> DRIP_AGAIN */
    }
    return (int)r; /* 0: the peer closed */
}

static void lws_close(void *ctx)
{
    drip_lwip_sock_t *s = (drip_lwip_sock_t *)ctx;
    if (s != NULL && s->priv.fd >= 0) {
        (void)lwip_close(s->priv.fd); /* FIN; lwIP finishes the close on its own */
        s->priv.fd = -1;
    }
    if (s != NULL) {
        s->priv.state = LWS_CLOSED;
    }
}

/* ---- public --------------------------------------------------------------- */

void drip_lwip_sock_init(drip_lwip_sock_t *s)
{
    if (s != NULL) {
        memset(s, 0, sizeof *s);
        s->send_timeout_ms = DRIP_LWIP_SEND_TIMEOUT_MS;
        s->priv.fd = -1;
        s->priv.state = LWS_CLOSED;
    }
}

drip_err_t drip_lwip_sock_transport(drip_lwip_sock_t *s, drip_transport_t *out)
{
    drip_err_t rc = DRIP_OK;
    if (s == NULL || out == NULL) {
        rc = DRIP_ERR_ARG;
    } else {
        out->connect = lws_connect;
        out->send = lws_send;
        out->recv = lws_recv;
        out->close = lws_close;
        out->ctx = s;
    }
    return rc;
}

drip_err_t drip_lwip_platform(drip_platform_t *out)
{
    drip_err_t rc = DRIP_OK;
    if (out == NULL) {
        rc = DRIP_ERR_ARG;
    } else {
        out->now_ms = lws_now_ms;
        out->sleep_ms = lws_sleep_ms;
        out->random = lws_random;
        out->ctx = NULL;
    }
    return rc;
}

int drip_lwip_sock_last_errno(const drip_lwip_sock_t *s, int *lwip_err)
{
    int e = 0;
    if (s != NULL) {
        e = s->priv.last_errno;
        if (lwip_err != NULL) {
            *lwip_err = s->priv.last_lwip;
        }
    } else if (lwip_err != NULL) {
        *lwip_err = 0;
    }
    return e;
}
