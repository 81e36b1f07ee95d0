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

enum { DRIP_POSIX_CLOSED = 0, DRIP_POSIX_OPEN = 1, DRIP_POSIX_CONNECTING = 2 };

/* ---- the shared BSD-sockets transport, on libc ----------------------------- */

#define DRIP_SK_T drip_posix_t
#define DRIP_SK_LAST_DNS last_gai
#define DRIP_SK_OPEN DRIP_POSIX_OPEN
#define DRIP_SK_CLOSED DRIP_POSIX_CLOSED
#define DRIP_SK_CONNECTING DRIP_POSIX_CONNECTING
#define DRIP_SK_SEND_TIMEOUT_MS DRIP_POSIX_SEND_TIMEOUT_MS
#define DRIP_SK_SOCKET socket
#define DRIP_SK_CONNECT connect
#define DRIP_SK_GETSOCKOPT getsockopt
#define DRIP_SK_SETSOCKOPT setsockopt
#define DRIP_SK_SEND send
#define DRIP_SK_RECV recv
#define DRIP_SK_CLOSE close
#if defined(MSG_NOSIGNAL)
#define DRIP_SK_SEND_FLAGS MSG_NOSIGNAL /* a closed peer gives EPIPE, never SIGPIPE */
#else
#define DRIP_SK_SEND_FLAGS 0 /* SO_NOSIGPIPE instead (posix_set_flags) */
#endif
#define DRIP_SK_RECV_FLAGS 0
#define DRIP_SK_CONNECT_AGAIN_FAILS 0
#define DRIP_SK_RESET_REFUSES 0
#define DRIP_SK_NOW_MS posix_now_ms
#define DRIP_SK_SLEEP_MS posix_sleep_ms
#define DRIP_SK_RANDOM posix_random
#define DRIP_SK_UTC_S posix_utc_s
#define DRIP_SK_WAIT posix_wait
#define DRIP_SK_SETUP posix_set_flags
#include "../common/drip_sockets_impl.h"

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

/* The host's wall clock; "not known" while it reads before
 * DRIP_UTC_MIN_VALID (a board-like host that booted without an RTC). */
static int64_t posix_utc_s(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || (int64_t)ts.tv_sec < DRIP_UTC_MIN_VALID) {
        return -1;
    }
    return (int64_t)ts.tv_sec;
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
        v = drip_sk_jitter();
    }
    return v;
}

/* ---- DNS errors ------------------------------------------------------------- */

/* getaddrinfo() has its own code set: every failure is a DNS failure, except
 * EAI_SYSTEM (errno says why) and EAI_MEMORY (libc is out of memory). */
static int posix_map_gai(drip_posix_t *p, int gai)
{
    int r = DRIP_ERR_DNS;
    p->priv.last_gai = gai;
    if (gai == EAI_SYSTEM) {
        p->priv.last_errno = errno;
        r = (errno == 0) ? DRIP_ERR_DNS : drip_sk_map_errno(errno, DRIP_SK_PH_CONNECT);
        if (r == DRIP_AGAIN || r == DRIP_ERR_CONNECT) {
            r = DRIP_ERR_DNS; /* the resolver could not reach its server */
        }
    } else if (gai == EAI_MEMORY) {
        r = DRIP_ERR_IO;
    }
    return r;
}

/* ---- waiting --------------------------------------------------------------- */

/* poll(), again on EINTR with what is left of the budget. */
static int posix_wait(int fd, int for_write, uint32_t start, uint32_t budget)
{
    struct pollfd pfd;
    int pr;
    pfd.fd = fd;
    pfd.events = (short)(for_write ? POLLOUT : POLLIN);
    do {
        pfd.revents = 0;
        pr = poll(&pfd, 1, drip_sk_left_ms(start, budget));
    } while (pr < 0 && errno == EINTR);
    return (pr > 0) ? 1 : pr;
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

/* timeout_ms > 0: blocking, every address within the budget. 0: poll mode;
 * the first call resolves the name (getaddrinfo blocks) and starts the first
 * address, later calls look at it; when it fails, the name is resolved again
 * and the next address (priv.ai_next) is started. */
static int posix_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    drip_posix_t *p = (drip_posix_t *)ctx;
    struct addrinfo hints, *res = NULL;
    const struct addrinfo *ai;
    char port_s[6];
    uint32_t start = posix_now_ms(NULL);
    int rc, gai, net_err = 0, i, first = 0;

    if (p != NULL && p->priv.state == DRIP_POSIX_CONNECTING) {
        if (host == NULL || port == 0u) {
            return DRIP_ERR_ARG;
        }
        rc = drip_sk_finish(p, start, timeout_ms);
        if (rc == DRIP_OK || rc == DRIP_AGAIN || rc == DRIP_ERR_TIMEOUT) {
            return rc;
        }
        first = p->priv.ai_next; /* this address failed: on to the next */
        net_err = (rc != DRIP_ERR_IO);
    } else {
        rc = drip_sk_connect_begin(p, host, port);
        if (rc != DRIP_OK) {
            return rc;
        }
        rc = DRIP_ERR_CONNECT;
    }
    posix_port_str(port_s, port);
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    /* getaddrinfo() allocates its result inside libc; freeaddrinfo() below
     * returns it. That is libc's own allocation: dripfeed calls no malloc.
     * It blocks for the resolver's own time, in poll mode too. */
    gai = getaddrinfo(host, port_s, &hints, &res);
    if (gai != 0) {
        return first > 0 ? rc : posix_map_gai(p, gai);
    }
    for (ai = res, i = 0; ai != NULL; ai = ai->ai_next, i++) {
        int r;
        if (i < first) {
            continue;
        }
        if (timeout_ms != 0u && drip_sk_left_ms(start, timeout_ms) == 0 && i != first) {
            rc = DRIP_ERR_TIMEOUT;
            break;
        }
        r = drip_sk_start(p, ai->ai_family, ai->ai_socktype, ai->ai_protocol, ai->ai_addr,
                          ai->ai_addrlen);
        if (r == DRIP_AGAIN && p->priv.state == DRIP_POSIX_CONNECTING) {
            /* wait within the budget; poll mode: one look (loopback is
             * often up at once), then DRIP_AGAIN with the socket kept */
            r = drip_sk_finish(p, start, timeout_ms);
            if (r == DRIP_AGAIN) {
                p->priv.ai_next = i + 1;
                rc = DRIP_AGAIN;
                break;
            }
        }
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

/* ---- public --------------------------------------------------------------- */

void drip_posix_init(drip_posix_t *p)
{
    drip_sk_init(p);
}

drip_err_t drip_posix_transport(drip_posix_t *p, drip_transport_t *out)
{
    return drip_sk_transport(p, out, posix_connect);
}

drip_err_t drip_posix_platform(drip_platform_t *out)
{
    return drip_sk_platform(out);
}

int drip_posix_last_errno(const drip_posix_t *p, int *gai)
{
    return drip_sk_last_errno(p, gai);
}
