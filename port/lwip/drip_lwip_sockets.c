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

enum { LWS_CLOSED = 0, LWS_OPEN = 1, LWS_CONNECTING = 2 };

/* ---- the shared BSD-sockets transport, on lwip_* calls ----------------------- */

#define DRIP_SK_T drip_lwip_sock_t
#define DRIP_SK_LAST_DNS last_lwip
#define DRIP_SK_OPEN LWS_OPEN
#define DRIP_SK_CLOSED LWS_CLOSED
#define DRIP_SK_CONNECTING LWS_CONNECTING
#define DRIP_SK_SEND_TIMEOUT_MS DRIP_LWIP_SEND_TIMEOUT_MS
#define DRIP_SK_SOCKET lwip_socket
#define DRIP_SK_CONNECT lwip_connect
#define DRIP_SK_GETSOCKOPT lwip_getsockopt
#define DRIP_SK_SETSOCKOPT lwip_setsockopt
#define DRIP_SK_SEND lwip_send
#define DRIP_SK_RECV lwip_recv
#define DRIP_SK_CLOSE lwip_close /* FIN; lwIP finishes the close on its own */
#define DRIP_SK_SEND_FLAGS MSG_DONTWAIT
#define DRIP_SK_RECV_FLAGS MSG_DONTWAIT
#define DRIP_SK_CONNECT_AGAIN_FAILS 1
#define DRIP_SK_RESET_REFUSES 1 /* lwIP has no "refused": a reset is the refusal */
#define DRIP_SK_NOW_MS lws_now_ms
#define DRIP_SK_SLEEP_MS lws_sleep_ms
#define DRIP_SK_RANDOM lws_random
#define DRIP_SK_WAIT lws_wait
#define DRIP_SK_SETUP lws_setup
#include "../common/drip_sockets_impl.h"

/* ---- clock --------------------------------------------------------------- */

static uint32_t lws_now_ms(void *ctx)
{
    (void)ctx;
    return (uint32_t)sys_now(); /* wraps every ~49 days: callers subtract */
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
    return drip_sk_jitter();
#endif
}

/* ---- DNS errors ------------------------------------------------------------- */

/* netconn_gethostbyname()'s err_t: ERR_VAL (no such name, or the DNS
 * server did not answer), ERR_ARG (empty name) are DNS failures; running
 * out of memory or DNS table entries is a local failure. */
static int lws_map_dns(drip_lwip_sock_t *s, err_t e)
{
    s->priv.last_lwip = (int)e;
    return (e == ERR_MEM || e == ERR_BUF) ? DRIP_ERR_IO : DRIP_ERR_DNS;
}

/* ---- waiting --------------------------------------------------------------- */

/* lwip_poll() or lwip_select(), once, for what is left of the budget. */
static int lws_wait(int fd, int for_write, uint32_t start, uint32_t budget)
{
    int ms = drip_sk_left_ms(start, budget);
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

static int lws_setup(int fd)
{
    return (lwip_fcntl(fd, F_SETFL, O_NONBLOCK) != 0) ? -1 : 0;
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
    int rc;

    if (s != NULL && s->priv.state == LWS_CONNECTING) {
        /* poll mode, a later call: look at the connect in progress */
        return (host == NULL || port == 0u) ? DRIP_ERR_ARG : drip_sk_finish(s, start, timeout_ms);
    }
    rc = drip_sk_connect_begin(s, host, port);
    if (rc != DRIP_OK) {
        return rc;
    }
    memset(&addr, 0, sizeof addr);
    rc = lws_resolve(s, host, &addr);
    if (rc != DRIP_OK) {
        return rc;
    }
    sslen = lws_sockaddr(&ss, &addr, port);
    if (sslen == 0) {
        return DRIP_ERR_DNS; /* an address family this lwIP build lacks */
    }
    rc = drip_sk_start(s, ((struct sockaddr *)(void *)&ss)->sa_family, SOCK_STREAM, IPPROTO_TCP,
                       (const struct sockaddr *)(const void *)&ss, sslen);
    if (rc == DRIP_AGAIN && s->priv.state == LWS_CONNECTING) {
        /* wait within the budget; poll mode (0): one look, then DRIP_AGAIN */
        rc = drip_sk_finish(s, start, timeout_ms);
    }
    return rc;
}

/* ---- public --------------------------------------------------------------- */

void drip_lwip_sock_init(drip_lwip_sock_t *s)
{
    drip_sk_init(s);
}

drip_err_t drip_lwip_sock_transport(drip_lwip_sock_t *s, drip_transport_t *out)
{
    return drip_sk_transport(s, out, lws_connect);
}

drip_err_t drip_lwip_platform(drip_platform_t *out)
{
    return drip_sk_platform(out);
}

int drip_lwip_sock_last_errno(const drip_lwip_sock_t *s, int *lwip_err)
{
    return drip_sk_last_errno(s, lwip_err);
}
