/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_lwip_sockets.h
 * @brief lwIP port, sockets flavour: a TCP drip_transport_t on lwIP's
 *        sockets API (lwip_socket/connect/send/recv/close + lwip_poll or
 *        lwip_select), and the platform hooks (sys_now clock, sys_msleep,
 *        random) for an lwIP system with an OS: ESP-IDF, STM32Cube +
 *        FreeRTOS, Zephyr's lwIP module, the lwIP unix port on a host.
 *        Bare-metal NO_SYS builds use the raw flavour (drip_lwip_raw.h).
 *
 * lwIP needs NO_SYS=0, LWIP_SOCKET=1, LWIP_TCP=1 and LWIP_SOCKET_POLL=1 or
 * LWIP_SOCKET_SELECT=1. Host names go through netconn_gethostbyname() when
 * LWIP_DNS=1; with LWIP_DNS=0 only IPv4 / IPv6 literals connect (anything
 * else is DRIP_ERR_DNS). The stack must be running (tcpip_init()) and a
 * netif up before connect.
 *
 * The transport is blocking with timeouts, like port/posix: connect()
 * returns within its timeout (non-blocking lwip_connect + poll; the DNS
 * lookup is bounded by lwIP's own DNS timeouts, not by timeout_ms),
 * recv() waits at most its timeout and send() waits at most
 * drip_lwip_sock_t's send timeout for room in the TCP send buffer.
 * Nothing here allocates; lwIP's own memory (pbufs, netconns, its DNS
 * table) is lwIP's business, set by its MEM_/MEMP_ options.
 *
 * connect() with timeout 0 is poll mode (what drip_client_step() uses): it
 * starts a non-blocking lwip_connect and returns DRIP_AGAIN; later calls
 * (same host and port) look at it without waiting and return DRIP_OK,
 * DRIP_AGAIN or the failure. Poll mode has no deadline of its own: the
 * caller keeps it, then calls close(). Limit: a host name is resolved with
 * netconn_gethostbyname(), which blocks this task (bounded by lwIP's DNS
 * timeouts), in poll mode too; IP literals never wait.
 *
 * Usage:
 * @code
 *   static drip_lwip_sock_t tcp;
 *   drip_transport_t t;
 *   drip_lwip_sock_init(&tcp);
 *   drip_lwip_sock_transport(&tcp, &t);
 *   if (t.connect(t.ctx, "api.openai.com", 443, 10000) == DRIP_OK) { ... t.close(t.ctx); }
 * @endcode
 * Stack port/mbedtls on it for HTTPS (drip_tls_setup(&tls, &t, &cfg)).
 *
 * Errors (what each transport function returns, see drip_transport.h):
 *  - connect: DRIP_OK, DRIP_AGAIN (timeout 0 and still connecting),
 *    DRIP_ERR_DNS (name not resolved, or not a literal
 *    with LWIP_DNS=0), DRIP_ERR_CONNECT (refused, reset or unreachable:
 *    lwIP reports a refused SYN as a reset), DRIP_ERR_TIMEOUT (no answer
 *    within timeout_ms), DRIP_ERR_IO (no socket left, MEMP_NUM_NETCONN,
 *    or another local failure), DRIP_ERR_STATE (already connected),
 *    DRIP_ERR_ARG.
 *  - send: bytes sent (> 0), DRIP_AGAIN (no room for send_timeout_ms),
 *    DRIP_ERR_CLOSED (peer reset, connection aborted or closed),
 *    DRIP_ERR_IO, DRIP_ERR_STATE (not connected), DRIP_ERR_ARG.
 *  - recv: bytes (> 0), 0 (peer closed), DRIP_AGAIN (nothing within
 *    timeout_ms), DRIP_ERR_CLOSED (peer reset, or lwIP aborted the
 *    connection after its retransmissions), DRIP_ERR_IO, DRIP_ERR_STATE,
 *    DRIP_ERR_ARG. After a reset, recv first returns what lwIP had already
 *    received, then DRIP_ERR_CLOSED.
 * The errno behind the last failure is kept: drip_lwip_sock_last_errno().
 *
 * Threads: one drip_lwip_sock_t is used by one task at a time (the
 * client's). Builds with LWIP_NETCONN_SEM_PER_THREAD=1 must call
 * lwip_socket_thread_init() in that task first (ESP-IDF does it for you).
 */
#ifndef DRIP_LWIP_SOCKETS_H
#define DRIP_LWIP_SOCKETS_H

#include <stddef.h>
#include <stdint.h>
#include "dripfeed/drip_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default longest wait of send() for room in the TCP send buffer (ms). */
#ifndef DRIP_LWIP_SEND_TIMEOUT_MS
#define DRIP_LWIP_SEND_TIMEOUT_MS 10000u
#endif

/** One TCP connection. Caller-owned, any storage; no heap. No lwIP type
 *  appears here, so this header is usable without lwIP's include path. */
typedef struct drip_lwip_sock {
    /** Longest wait of send() for buffer room, in ms (set by init). */
    uint32_t send_timeout_ms;
    /** Private: the port's state; only its functions touch it. */
    struct {
        int fd;          /* lwIP socket, -1 when closed */
        int state;       /* LWS_CLOSED / _OPEN / _CONNECTING (drip_lwip_sockets.c) */
        int last_errno;  /* errno of the last failure (0: none) */
        int last_lwip;   /* lwIP err_t of the last DNS failure (0: none) */
    } priv;
} drip_lwip_sock_t;

/**
 * @brief Make a closed connection object. Cannot fail (NULL is ignored).
 * @param[out] s the object; no resource is held until connect.
 */
void drip_lwip_sock_init(drip_lwip_sock_t *s);

/**
 * @brief Fill a transport whose ctx is @p s.
 * @param[in] s        initialised object; must outlive @p out's use
 * @param[out] out     connect/send/recv/close + ctx = s
 * @return DRIP_OK or DRIP_ERR_ARG.
 */
drip_err_t drip_lwip_sock_transport(drip_lwip_sock_t *s, drip_transport_t *out);

/**
 * @brief Fill the platform hooks: sys_now() milliseconds, sys_msleep(),
 *        and a random hook, ctx = NULL.
 *
 * The random hook is LWIP_RAND() when the lwIP port defines it, otherwise
 * a xorshift seeded from sys_now(). It only spreads retry delays
 * (drip_platform_t::random "need not be secure"); it is NOT entropy. A
 * board with a hardware RNG replaces out->random with it, and must give
 * TLS real entropy separately (drip_tls_cfg_t::entropy).
 * @return DRIP_OK or DRIP_ERR_ARG.
 */
drip_err_t drip_lwip_platform(drip_platform_t *out);

/** errno of the last failure (0: none); for a DNS failure, lwIP's err_t
 *  goes to @p lwip_err (lwip_strerr() gives its text when built). */
int drip_lwip_sock_last_errno(const drip_lwip_sock_t *s, int *lwip_err);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_LWIP_SOCKETS_H */
