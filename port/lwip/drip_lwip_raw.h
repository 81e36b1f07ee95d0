/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_lwip_raw.h
 * @brief lwIP raw-API port: a TCP drip_transport_t on lwIP's callback API
 *        (altcp_* / tcp_*) for NO_SYS=1 superloops, with lwIP DNS.
 *
 * lwIP without an OS runs only when the application calls it: the netif
 * driver's input and sys_check_timeouts(). This port keeps the blocking-with-
 * timeout contract of drip_transport.h by calling a board-supplied service
 * hook (poll the netif, sys_check_timeouts) while it waits, so the TLS port
 * and the client run unchanged on top of it. A timeout of 0 never waits: one
 * service call, then the answer (DRIP_AGAIN while a connect is in progress).
 *
 * Received data: the recv callback copies each pbuf into a caller-owned ring
 * buffer and frees it; the TCP window is reopened (altcp_recved) only as
 * recv() takes bytes out of the ring, so the peer never sends more than the
 * ring can hold once ring_len >= TCP_WND. A smaller ring still works: the
 * pbufs that do not fit are kept (chained, at most TCP_WND bytes) and copied
 * in as room frees up. Nothing here allocates; lwIP's own pools hold the
 * PCB and pbufs.
 *
 * Names: a literal IPv4 (or IPv6, with LWIP_IPV6) address is parsed directly;
 * anything else goes to dns_gethostbyname() (LWIP_DNS), which also answers
 * from lwIP's DNS_LOCAL_HOSTLIST.
 *
 * Written against altcp_*: with LWIP_ALTCP=0 these are lwIP's tcp_* macros;
 * with LWIP_ALTCP=1 the connection is made with altcp_tcp_new_ip_type().
 * All calls must come from the one context that runs lwIP (NO_SYS).
 *
 * Usage:
 * @code
 *   static uint8_t ring[4096];             // >= TCP_WND
 *   static drip_lwip_raw_t tcp;
 *   drip_lwip_raw_cfg_t cfg = { ring, sizeof ring, board_net_service, NULL, 0 };
 *   drip_transport_t t;
 *   drip_lwip_raw_init(&tcp, &cfg);
 *   drip_lwip_raw_transport(&tcp, &t);
 *   if (t.connect(t.ctx, "api.openai.com", 443, 10000) == DRIP_OK) { ... t.close(t.ctx); }
 * @endcode
 *
 * Errors (what each transport function returns, see drip_transport.h):
 *  - connect: DRIP_OK; DRIP_AGAIN (timeout_ms == 0 and the name lookup or
 *    the TCP handshake is still going: call again with the same host and
 *    port); DRIP_ERR_DNS (name not resolved, or LWIP_DNS off and not a
 *    literal); DRIP_ERR_CONNECT (refused, unreachable, no PCB left);
 *    DRIP_ERR_TIMEOUT; DRIP_ERR_STATE (already connected, or a different
 *    host/port while one is in progress); DRIP_ERR_ARG.
 *  - send: bytes queued (> 0; lwIP copies them, TCP_WRITE_FLAG_COPY);
 *    DRIP_AGAIN (no send-buffer room within send_timeout_ms);
 *    DRIP_ERR_CLOSED (reset by the peer); DRIP_ERR_IO (aborted, e.g.
 *    retransmissions exhausted); DRIP_ERR_STATE (not connected);
 *    DRIP_ERR_ARG (NULL or n == 0).
 *  - recv: bytes (> 0); 0 (the peer closed, after every byte before the FIN
 *    was returned); DRIP_AGAIN (nothing within timeout_ms); DRIP_ERR_CLOSED
 *    (reset; bytes received before it are returned first); DRIP_ERR_IO;
 *    DRIP_ERR_STATE; DRIP_ERR_ARG.
 * The lwIP err_t behind the last failure: drip_lwip_raw_last_err().
 */
#ifndef DRIP_LWIP_RAW_H
#define DRIP_LWIP_RAW_H

#include <stddef.h>
#include <stdint.h>
#include "dripfeed/drip_transport.h"

#include "lwip/opt.h"
#include "lwip/altcp.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"

#if !NO_SYS
#warning "drip_lwip_raw is written for NO_SYS=1; with an OS, use the sockets port (port/lwip/drip_lwip_sockets.h) or call it from the tcpip thread only"
#endif
#if !LWIP_TCP
#error "drip_lwip_raw needs LWIP_TCP=1 in your lwipopts.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Default longest wait of send() for send-buffer room (ms). */
#ifndef DRIP_LWIP_RAW_SEND_TIMEOUT_MS
#define DRIP_LWIP_RAW_SEND_TIMEOUT_MS 10000u
#endif

/** Setup of one connection object. Copied by init. */
typedef struct drip_lwip_raw_cfg {
    /** Receive ring: caller-owned, any alignment, >= 64 bytes; outlives the
     *  object. >= TCP_WND lets the window alone bound what is buffered. */
    uint8_t *ring;
    /** bytes at ring */
    size_t ring_len;
    /** Required: runs lwIP once, e.g. poll the netif driver, then
     *  sys_check_timeouts(). Called in a loop while an operation waits, so
     *  it should not block for long itself. */
    void (*service)(void *ctx);
    /** passed to service as ctx */
    void *service_ctx;
    /** Longest wait of send() for room, ms (0: DRIP_LWIP_RAW_SEND_TIMEOUT_MS). */
    uint32_t send_timeout_ms;
} drip_lwip_raw_cfg_t;

/** One TCP connection. Caller-owned (static storage suits NO_SYS); no heap. */
typedef struct drip_lwip_raw {
    /** Private: the port's state; only its functions touch it. */
    struct {
        drip_lwip_raw_cfg_t cfg;
        struct altcp_pcb *pcb;   /* NULL when closed or freed by lwIP */
        struct pbuf *pending;    /* received, not yet in the ring */
        size_t head, count;      /* ring: first byte, bytes held */
        size_t unacked;          /* taken out of the ring, not yet altcp_recved */
        uint32_t host_hash;      /* hash of the host being connected to (0: none) */
        ip_addr_t addr;          /* address being connected to */
        uint16_t port;
        int last_lwip_err;       /* err_t of the last failure (0: none) */
        int fail;                /* drip error once the connection failed */
        uint8_t state;           /* drip_lwip_raw.c: RAW_ST_* */
        uint8_t peer_closed;     /* FIN seen */
        uint8_t was_open;        /* this connection reached the open state */
        uint8_t told_open;       /* connect() returned DRIP_OK for it */
    } priv;
} drip_lwip_raw_t;

/**
 * @brief Bind the ring and the service hook; the object is closed.
 * @return DRIP_OK; DRIP_ERR_ARG (NULL, ring < 64 bytes, no service hook).
 */
drip_err_t drip_lwip_raw_init(drip_lwip_raw_t *r, const drip_lwip_raw_cfg_t *cfg);

/**
 * @brief Fill a transport whose ctx is @p r.
 * @param[in] r    initialised object; must outlive @p out's use
 * @param[out] out connect/send/recv/close + ctx = r
 * @return DRIP_OK or DRIP_ERR_ARG.
 */
drip_err_t drip_lwip_raw_transport(drip_lwip_raw_t *r, drip_transport_t *out);

/**
 * @brief Platform hooks for the client on NO_SYS: now_ms = sys_now(),
 *        sleep_ms = run the service hook until the time has passed (lwIP
 *        keeps running during the client's retry backoff), random =
 *        LWIP_RAND() (jitter only). ctx = r.
 * @return DRIP_OK or DRIP_ERR_ARG.
 */
drip_err_t drip_lwip_raw_platform(drip_lwip_raw_t *r, drip_platform_t *out);

/** lwIP err_t of the last failure (ERR_RST, ERR_ABRT, ERR_MEM, ...), 0 if none. */
int drip_lwip_raw_last_err(const drip_lwip_raw_t *r);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_LWIP_RAW_H */
