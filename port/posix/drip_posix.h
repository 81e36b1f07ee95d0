/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_posix.h
 * @brief POSIX port: a TCP drip_transport_t on BSD sockets, and the platform
 *        hooks (monotonic clock, sleep, random) for Linux and other hosts.
 *
 * The transport is blocking with timeouts: connect() returns within its
 * timeout, recv() waits at most its timeout and send() waits at most
 * drip_posix_t's send timeout for room in the socket buffer. Nothing here
 * allocates; the one libc allocation is getaddrinfo()'s result list, freed
 * with freeaddrinfo() before connect() returns.
 *
 * connect() with timeout 0 is poll mode (what drip_client_step() uses): it
 * starts a non-blocking connect and returns DRIP_AGAIN; later calls (same
 * host and port) look at it without waiting and return DRIP_OK, DRIP_AGAIN
 * or the failure; a failed address makes the next one start. Poll mode has
 * no deadline of its own (the caller keeps it, then calls close()). Limit:
 * the name lookup (getaddrinfo) blocks for the resolver's own time, in poll
 * mode too; pass an IP literal, or resolve first, when that matters.
 *
 * Usage:
 * @code
 *   drip_posix_t tcp;
 *   drip_transport_t t;
 *   drip_posix_init(&tcp);
 *   drip_posix_transport(&tcp, &t);
 *   if (t.connect(t.ctx, "example.com", 80, 5000) == DRIP_OK) { ... t.close(t.ctx); }
 * @endcode
 *
 * Errors (what each transport function returns, see drip_transport.h):
 *  - connect: DRIP_OK, DRIP_AGAIN (timeout 0 and still connecting),
 *    DRIP_ERR_DNS (name not resolved), DRIP_ERR_CONNECT
 *    (refused / unreachable on every address), DRIP_ERR_TIMEOUT (no address
 *    answered in time), DRIP_ERR_IO (socket() or another local failure),
 *    DRIP_ERR_STATE (already connected), DRIP_ERR_ARG. A connect in
 *    progress is continued whatever host and port are passed: pass the
 *    same ones, or close() first.
 *  - send: bytes sent (> 0), DRIP_AGAIN (no room for send_timeout_ms),
 *    DRIP_ERR_CLOSED (peer reset / pipe broken), DRIP_ERR_IO,
 *    DRIP_ERR_STATE (not connected), DRIP_ERR_ARG (NULL or n == 0).
 *  - recv: bytes (> 0), 0 (peer closed), DRIP_AGAIN (nothing within
 *    timeout_ms), DRIP_ERR_CLOSED (peer reset), DRIP_ERR_IO,
 *    DRIP_ERR_STATE (not connected), DRIP_ERR_ARG (NULL or n == 0).
 * The errno behind the last failure is kept: drip_posix_last_errno().
 */
#ifndef DRIP_POSIX_H
#define DRIP_POSIX_H

#include <stddef.h>
#include <stdint.h>
#include "dripfeed/drip_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default longest wait of send() for room in the socket buffer (ms). */
#ifndef DRIP_POSIX_SEND_TIMEOUT_MS
#define DRIP_POSIX_SEND_TIMEOUT_MS 10000u
#endif

/** One TCP connection. Caller-owned, any storage; no heap. */
typedef struct drip_posix {
    /** Longest wait of send() for buffer room, in ms (set by init). */
    uint32_t send_timeout_ms;
    /** Private: the port's state; only its functions touch it. */
    struct {
        int fd;          /* socket, -1 when closed */
        int state;       /* DRIP_POSIX_CLOSED / _OPEN / _CONNECTING (drip_posix.c) */
        int ai_next;     /* poll-mode connect: next address to try */
        int last_errno;  /* errno of the last failure (0: none) */
        int last_gai;    /* getaddrinfo() code of the last DNS failure */
    } priv;
} drip_posix_t;

/**
 * @brief Make a closed connection object. Cannot fail (NULL is ignored).
 * @param[out] p the object; no resource is held until connect.
 */
void drip_posix_init(drip_posix_t *p);

/**
 * @brief Fill a transport whose ctx is @p p.
 * @param[in] p        initialised object; must outlive @p out's use
 * @param[out] out     connect/send/recv/close + ctx = p
 * @return DRIP_OK or DRIP_ERR_ARG.
 */
drip_err_t drip_posix_transport(drip_posix_t *p, drip_transport_t *out);

/**
 * @brief Fill the platform hooks: CLOCK_MONOTONIC milliseconds, nanosleep,
 *        getrandom() (Linux) or /dev/urandom, the wall clock
 *        (CLOCK_REALTIME seconds for utc_s; -1, not known, while it reads
 *        before DRIP_UTC_MIN_VALID), ctx = NULL.
 * @return DRIP_OK or DRIP_ERR_ARG.
 */
drip_err_t drip_posix_platform(drip_platform_t *out);

/** errno of the last failure (0: none); for a DNS failure, the
 *  getaddrinfo() code goes to @p gai (gai_strerror() gives its text). */
int drip_posix_last_errno(const drip_posix_t *p, int *gai);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_POSIX_H */
