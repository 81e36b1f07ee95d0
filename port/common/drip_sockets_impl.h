/* SPDX-License-Identifier: Apache-2.0 */
/* The BSD-sockets transport shared by port/posix/drip_posix.c and
 * port/lwip/drip_lwip_sockets.c: argument and state checks, connect with a
 * timeout or in poll mode (timeout 0: start or continue a non-blocking
 * connect, never wait; the socket stays in the connecting state between
 * calls), send with one bounded wait, recv with a timeout, close, init and
 * the drip_transport_t / drip_platform_t filling.
 *
 * Not a public header: a port #includes it once, in its .c file, after its
 * socket headers and after defining the macros below. Everything here is
 * static, so each port gets its own copy, under its own names' rules (libc
 * send() vs lwip_send(), errno from libc or from lwIP). No heap.
 *
 * What the including port defines (all required):
 *   DRIP_SK_T                 its context type (drip_posix_t, ...), with
 *                             send_timeout_ms and priv.{fd,state,last_errno}
 *   DRIP_SK_LAST_DNS          the priv field for the resolver's own code
 *   DRIP_SK_OPEN, _CLOSED, _CONNECTING   its priv.state values
 *   DRIP_SK_SEND_TIMEOUT_MS   default of send_timeout_ms
 *   DRIP_SK_SOCKET, _CONNECT, _GETSOCKOPT, _SETSOCKOPT, _SEND, _RECV, _CLOSE
 *                             the socket calls (socket/lwip_socket, ...)
 *   DRIP_SK_SEND_FLAGS, DRIP_SK_RECV_FLAGS   flags for those two calls
 *   DRIP_SK_CONNECT_AGAIN_FAILS  1: connect() failing at once with an errno
 *                             that maps to DRIP_AGAIN is a refusal
 *                             (DRIP_ERR_CONNECT); 0: report DRIP_AGAIN
 *   DRIP_SK_RESET_REFUSES     1: a reset/abort/not-connected while
 *                             connecting is the peer refusing
 *                             (DRIP_ERR_CONNECT); 0: DRIP_ERR_CLOSED always
 *   DRIP_SK_NOW_MS, _SLEEP_MS, _RANDOM, _WAIT, _SETUP
 *                             names of the port's hooks, declared below
 *
 * What stays in the port: the clock, sleep and random hooks, the wait
 * primitive (poll or select), DNS and its codes, and the public functions
 * (one-line wrappers of the drip_sk_* ones). */
#ifndef DRIP_SOCKETS_IMPL_H
#define DRIP_SOCKETS_IMPL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dripfeed/drip_transport.h"

/* Phase of a failure, for ports whose mapping depends on it. */
enum { DRIP_SK_PH_CONNECT, DRIP_SK_PH_IO };

/* ---- the port's hooks ------------------------------------------------------ */

/* drip_platform_t hooks. */
static uint32_t DRIP_SK_NOW_MS(void *ctx);
static void DRIP_SK_SLEEP_MS(void *ctx, uint32_t ms);
static uint32_t DRIP_SK_RANDOM(void *ctx);
#if defined(DRIP_SK_UTC_S)
static int64_t DRIP_SK_UTC_S(void *ctx); /* optional: wall clock, -1 when not known */
#endif
/* Wait until fd is readable (or writable) or in error, at most what is left
 * of budget ms started at start. 1: ready (or in error: the next call
 * tells), 0: timed out, -1: errno says why. */
static int DRIP_SK_WAIT(int fd, int for_write, uint32_t start, uint32_t budget);
/* Make a new socket non-blocking (and whatever else the port needs).
 * 0, or -1 with errno set. */
static int DRIP_SK_SETUP(int fd);

/* ---- time ------------------------------------------------------------------ */

/* Milliseconds left of a budget started at `start`, clamped for poll(). */
static int drip_sk_left_ms(uint32_t start, uint32_t budget)
{
    uint32_t spent = DRIP_SK_NOW_MS(NULL) - start;
    uint32_t left = (spent >= budget) ? 0u : budget - spent;
    return (left > (uint32_t)INT_MAX) ? INT_MAX : (int)left;
}

/* Xorshift over the clock: jitter only (drip_transport.h: "need not be
 * secure"), for ports without a random source. */
static inline uint32_t drip_sk_jitter(void)
{
    static uint32_t x = 0x9E3779B9u;
    x ^= DRIP_SK_NOW_MS(NULL);
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

/* ---- error translation: the one place errno becomes a drip_err_t ------------ */

/* libc's errno, or lwIP's: its socket layer turns its err_t into errno
 * (err_to_errno()): ERR_RST -> ECONNRESET, ERR_ABRT -> ECONNABORTED,
 * ERR_CLSD/ERR_CONN -> ENOTCONN, ERR_RTE -> EHOSTUNREACH, ERR_MEM/ERR_BUF ->
 * ENOMEM/ENOBUFS, ERR_WOULDBLOCK/ERR_TIMEOUT -> EWOULDBLOCK. lwIP has no
 * "refused": while connecting, a reset is the peer refusing
 * (DRIP_SK_RESET_REFUSES). */
static int drip_sk_map_errno(int e, int phase)
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
        r = (DRIP_SK_RESET_REFUSES && phase == DRIP_SK_PH_CONNECT) ? DRIP_ERR_CONNECT
                                                                   : DRIP_ERR_CLOSED;
        break;
    default:
        r = DRIP_ERR_IO; /* ENOMEM, ENOBUFS, ENFILE (no socket left), EIO, ... */
        break;
    }
    return r;
}

/* Record errno value e and translate it. */
static int drip_sk_fail(DRIP_SK_T *s, int e, int phase)
{
    s->priv.last_errno = e;
    return drip_sk_map_errno(e, phase);
}

/* ---- transport ------------------------------------------------------------- */

/* Start of connect: arguments, state, and the last failure forgotten. */
static int drip_sk_connect_begin(DRIP_SK_T *s, const char *host, uint16_t port)
{
    if (s == NULL || host == NULL || host[0] == '\0' || port == 0u) {
        return DRIP_ERR_ARG;
    }
    if (s->priv.state != DRIP_SK_CLOSED) {
        return DRIP_ERR_STATE;
    }
    s->priv.last_errno = 0;
    s->priv.DRIP_SK_LAST_DNS = 0;
    return DRIP_OK;
}

/* Close a socket that did not make it; the object is closed again. */
static void drip_sk_drop(DRIP_SK_T *s)
{
    if (s->priv.fd >= 0) {
        (void)DRIP_SK_CLOSE(s->priv.fd);
    }
    s->priv.fd = -1;
    s->priv.state = DRIP_SK_CLOSED;
}

static void drip_sk_opened(DRIP_SK_T *s)
{
    int one = 1;
    /* Small requests and SSE lines must not wait for Nagle. */
    (void)DRIP_SK_SETSOCKOPT(s->priv.fd, IPPROTO_TCP, TCP_NODELAY, &one, (socklen_t)sizeof one);
    s->priv.state = DRIP_SK_OPEN;
}

/* Start a non-blocking connect to one address. DRIP_OK (connected at once,
 * state open), DRIP_AGAIN (in progress: fd kept, state connecting; finish
 * with drip_sk_finish()), or an error (no socket left open). */
static int drip_sk_start(DRIP_SK_T *s, int family, int type, int protocol,
                         const struct sockaddr *sa, socklen_t salen)
{
    int fd = DRIP_SK_SOCKET(family, type, protocol);
    int rc;
    if (fd < 0) {
        return drip_sk_fail(s, errno, DRIP_SK_PH_CONNECT);
    }
    s->priv.fd = fd;
    /* Non-blocking for good: connect is then bounded by the caller's budget
     * (or polled), and send/recv never wait inside the stack beyond what
     * DRIP_SK_WAIT allowed. */
    if (DRIP_SK_SETUP(fd) == 0) {
        if (DRIP_SK_CONNECT(fd, sa, salen) == 0) {
            drip_sk_opened(s);
            return DRIP_OK;
        }
        if (errno == EINPROGRESS || errno == EINTR) {
            s->priv.state = DRIP_SK_CONNECTING;
            return DRIP_AGAIN;
        }
    }
    rc = drip_sk_fail(s, errno, DRIP_SK_PH_CONNECT); /* setup or connect failed */
#if DRIP_SK_CONNECT_AGAIN_FAILS
    if (rc == DRIP_AGAIN) {
        rc = DRIP_ERR_CONNECT;
    }
#endif
    drip_sk_drop(s);
    return rc;
}

/* The connect in progress: wait for it at most what is left of budget ms
 * started at start; budget 0 only looks (poll mode). DRIP_OK (state open),
 * DRIP_AGAIN (budget 0 and still in progress: the socket is kept), or an
 * error with the socket closed (DRIP_ERR_TIMEOUT when the budget ran out). */
static int drip_sk_finish(DRIP_SK_T *s, uint32_t start, uint32_t budget)
{
    int rc = DRIP_OK;
    int wr = DRIP_SK_WAIT(s->priv.fd, 1, start, budget);
    if (wr < 0) {
        rc = drip_sk_fail(s, errno, DRIP_SK_PH_CONNECT);
        if (rc == DRIP_AGAIN) {
            rc = DRIP_ERR_CONNECT;
        }
    } else if (wr == 0) {
        if (budget == 0u) {
            return DRIP_AGAIN;
        }
        s->priv.last_errno = ETIMEDOUT;
        rc = DRIP_ERR_TIMEOUT;
    } else {
        int soerr = 0;
        socklen_t len = (socklen_t)sizeof soerr;
        if (DRIP_SK_GETSOCKOPT(s->priv.fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0) {
            soerr = errno;
        }
        if (soerr != 0) {
            rc = drip_sk_fail(s, soerr, DRIP_SK_PH_CONNECT);
            if (rc == DRIP_AGAIN) {
                rc = DRIP_ERR_CONNECT;
            }
        }
    }
    if (rc == DRIP_OK) {
        drip_sk_opened(s);
    } else {
        drip_sk_drop(s);
    }
    return rc;
}

/* Arguments and state of a send or recv; n clamped to what an int return
 * can report. */
static int drip_sk_io_begin(const DRIP_SK_T *s, const void *buf, size_t *n)
{
    if (s == NULL || buf == NULL || *n == 0u) {
        return DRIP_ERR_ARG;
    }
    if (s->priv.state != DRIP_SK_OPEN) {
        return DRIP_ERR_STATE;
    }
    if (*n > (size_t)INT_MAX) {
        *n = (size_t)INT_MAX;
    }
    return DRIP_OK;
}

static int drip_sk_send(void *ctx, const uint8_t *buf, size_t n)
{
    DRIP_SK_T *s = (DRIP_SK_T *)ctx;
    uint32_t start;
    int waited = 0;
    int rc = drip_sk_io_begin(s, buf, &n);

    if (rc != DRIP_OK) {
        return rc;
    }
    start = DRIP_SK_NOW_MS(NULL);
    for (;;) {
        ssize_t r = DRIP_SK_SEND(s->priv.fd, buf, n, DRIP_SK_SEND_FLAGS);
        int wr;
        if (r > 0) {
            return (int)r;
        }
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            return drip_sk_fail(s, errno, DRIP_SK_PH_IO);
        }
        if (waited) {
            return DRIP_AGAIN;
        }
        wr = DRIP_SK_WAIT(s->priv.fd, 1, start, s->send_timeout_ms);
        if (wr < 0) {
            return drip_sk_fail(s, errno, DRIP_SK_PH_IO);
        }
        if (wr == 0) {
            return DRIP_AGAIN;
        }
        waited = 1;
    }
}

static int drip_sk_recv(void *ctx, uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    DRIP_SK_T *s = (DRIP_SK_T *)ctx;
    ssize_t r;
    int wr = drip_sk_io_begin(s, buf, &n);

    if (wr != DRIP_OK) {
        return wr;
    }
    wr = DRIP_SK_WAIT(s->priv.fd, 0, DRIP_SK_NOW_MS(NULL), timeout_ms);
    if (wr < 0) {
        return drip_sk_fail(s, errno, DRIP_SK_PH_IO);
    }
    if (wr == 0) {
        return DRIP_AGAIN; /* nothing within timeout_ms */
    }
    /* Readable, hung up or in error: recv() tells which. */
    do {
        r = DRIP_SK_RECV(s->priv.fd, buf, n, DRIP_SK_RECV_FLAGS);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        /* EAGAIN (spurious wakeup) -> DRIP_AGAIN */
        return drip_sk_fail(s, errno, DRIP_SK_PH_IO);
    }
    return (int)r; /* 0: the peer closed */
}

static void drip_sk_close(void *ctx)
{
    DRIP_SK_T *s = (DRIP_SK_T *)ctx;
    if (s != NULL && s->priv.fd >= 0) {
        /* Sends FIN. Linux releases the fd even on EINTR; lwIP finishes
         * the close on its own. */
        (void)DRIP_SK_CLOSE(s->priv.fd);
        s->priv.fd = -1;
    }
    if (s != NULL) {
        s->priv.state = DRIP_SK_CLOSED;
    }
}

/* ---- bodies of the public functions ------------------------------------------ */

static void drip_sk_init(DRIP_SK_T *s)
{
    if (s != NULL) {
        memset(s, 0, sizeof *s);
        s->send_timeout_ms = DRIP_SK_SEND_TIMEOUT_MS;
        s->priv.fd = -1;
        s->priv.state = DRIP_SK_CLOSED;
    }
}

static drip_err_t drip_sk_transport(DRIP_SK_T *s, drip_transport_t *out,
                                    int (*connect_fn)(void *, const char *, uint16_t, uint32_t))
{
    drip_err_t rc = DRIP_OK;
    if (s == NULL || out == NULL) {
        rc = DRIP_ERR_ARG;
    } else {
        out->connect = connect_fn;
        out->send = drip_sk_send;
        out->recv = drip_sk_recv;
        out->close = drip_sk_close;
        out->ctx = s;
    }
    return rc;
}

static drip_err_t drip_sk_platform(drip_platform_t *out)
{
    drip_err_t rc = DRIP_OK;
    if (out == NULL) {
        rc = DRIP_ERR_ARG;
    } else {
        out->now_ms = DRIP_SK_NOW_MS;
        out->sleep_ms = DRIP_SK_SLEEP_MS;
        out->random = DRIP_SK_RANDOM;
        out->ctx = NULL;
#if defined(DRIP_SK_UTC_S)
        out->utc_s = DRIP_SK_UTC_S;
#else
        out->utc_s = NULL; /* no wall clock: the board supplies one (SNTP, RTC) */
#endif
    }
    return rc;
}

static int drip_sk_last_errno(const DRIP_SK_T *s, int *dns)
{
    int e = 0;
    if (s != NULL) {
        e = s->priv.last_errno;
        if (dns != NULL) {
            *dns = s->priv.DRIP_SK_LAST_DNS;
        }
    } else if (dns != NULL) {
        *dns = 0;
    }
    return e;
}

#endif /* DRIP_SOCKETS_IMPL_H */
