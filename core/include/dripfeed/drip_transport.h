/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_transport.h
 * @brief Layer 1: the transport contract every port implements.
 *
 * In the spirit of coreHTTP's TransportInterface_t: a struct of function
 * pointers plus an opaque context the port defines. Core never opens a socket
 * itself; ports (port/posix, port/lwip) provide TCP, and port/mbedtls stacks
 * TLS on top of ANY drip_transport_t, so the same TLS code runs on a Linux
 * socket and on an lwIP PCB.
 *
 * Return-value contract (the mbedTLS rule, so the HTTP reader can tell a
 * clean close from data):
 *   > 0           bytes moved
 *   DRIP_AGAIN    nothing now (would block / timeout for recv), try again
 *   0             recv only: the peer closed the connection
 *   < 0 (other)   an error: DRIP_ERR_IO, _CLOSED, _TIMEOUT, _DNS, _CONNECT,
 *                 _TLS, _TLS_VERIFY
 * Ports translate their own codes (errno, lwIP err_t, mbedTLS) in one place.
 */
#ifndef DRIP_TRANSPORT_H
#define DRIP_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include "drip_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The transport a port provides: four functions and their context. The
 *  client calls them from one task; the port owns `ctx`. */
typedef struct drip_transport {
    /** Open a connection to host:port.
     *  timeout_ms > 0: finish (DRIP_OK or an error) within timeout_ms;
     *  DRIP_ERR_TIMEOUT when it ran out (nothing is left open).
     *  timeout_ms == 0: poll mode (what drip_client_step() uses): start the
     *  connect, or continue the one in progress, without waiting; return
     *  DRIP_AGAIN while the connection (or TLS handshake) is in progress:
     *  call again with the same host and port. Poll mode has no deadline
     *  of its own: the caller keeps it and calls close() to give up.
     *  A port may block for a name lookup (documented in its header).
     *  @return DRIP_OK, DRIP_AGAIN (poll mode only), or an error. */
    int (*connect)(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms);
    /** Send up to n bytes. @return bytes sent (> 0), DRIP_AGAIN, or an error. */
    int (*send)(void *ctx, const uint8_t *p, size_t n);
    /** Receive up to n bytes, waiting at most timeout_ms (0 = poll).
     *  @return bytes (> 0), 0 when the peer closed, DRIP_AGAIN, or an error. */
    int (*recv)(void *ctx, uint8_t *p, size_t n, uint32_t timeout_ms);
    /** Close (idempotent). The context can connect again afterwards. */
    void (*close)(void *ctx);
    /** The port's context, passed to every function (drip_posix_t, drip_tls_t...). */
    void *ctx;
} drip_transport_t;

/** Clock, sleep and randomness the client needs (ports provide them). */
typedef struct drip_platform {
    uint32_t (*now_ms)(void *ctx);           /**< monotonic milliseconds (wraps) */
    void (*sleep_ms)(void *ctx, uint32_t ms);/**< used by the blocking run only
                                                (required there; NULL for step) */
    uint32_t (*random)(void *ctx);           /**< retry jitter; need not be secure */
    void *ctx;                               /**< passed to every hook */
    /** Optional wall clock: seconds since 1970-01-01 00:00:00 UTC, or a
     *  negative value while the time is not known (no RTC, SNTP not synced
     *  yet). NULL: never known. port/mbedtls checks certificate validity
     *  dates against it (drip_tls.h, "Certificate time"); the client itself
     *  never reads it. Last, so positional initialisers of the first four
     *  members keep working (the rest is then zero: no clock). */
    int64_t (*utc_s)(void *ctx);
} drip_platform_t;

/** Earliest wall-clock time a port reports as known: 2024-01-01 00:00:00
 *  UTC. A clock reading before it has not been set (a board booting at
 *  1970, an RTC with a flat battery), so utc_s() says "not known" rather
 *  than let every certificate look not yet valid. */
#define DRIP_UTC_MIN_VALID 1704067200

#ifdef __cplusplus
}
#endif
#endif /* DRIP_TRANSPORT_H */
