/* SPDX-License-Identifier: Apache-2.0 */
/* lwIP raw-API port (NO_SYS): TCP transport on altcp_* callbacks, waiting by
 * running the board's service hook. See drip_lwip_raw.h. */
#include "drip_lwip_raw.h"

#include <string.h>

#include "lwip/err.h"
#include "lwip/ip_addr.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#if LWIP_DNS
#include "lwip/dns.h"
#endif
#if LWIP_ALTCP
#include "lwip/altcp_tcp.h"
#endif

enum {
    RAW_ST_CLOSED = 0, /* no PCB */
    RAW_ST_DNS,        /* waiting for dns_gethostbyname's callback */
    RAW_ST_CONNECTING, /* SYN sent */
    RAW_ST_OPEN,       /* connected (peer_closed may be set) */
    RAW_ST_FAILED      /* lwIP reported an error; priv.fail holds it */
};

/* ---- error translation: the one place an lwIP err_t becomes a drip_err_t - */

static int raw_map_err(err_t e, int connecting)
{
    int r;
    if (connecting) {
        /* lwIP reports a refused SYN as ERR_RST, a dead route as ERR_RTE,
         * SYN retransmissions running out as ERR_ABRT: all "could not
         * connect". */
        r = DRIP_ERR_CONNECT;
    } else {
        switch (e) {
        case ERR_RST:
        case ERR_CLSD:
        case ERR_CONN:
            r = DRIP_ERR_CLOSED;
            break;
        case ERR_TIMEOUT:
            r = DRIP_ERR_TIMEOUT;
            break;
        default: /* ERR_ABRT (retransmissions exhausted), ERR_MEM, ... */
            r = DRIP_ERR_IO;
            break;
        }
    }
    return r;
}

static int raw_fail(drip_lwip_raw_t *r, err_t e, int drip_err)
{
    r->priv.last_lwip_err = e;
    r->priv.fail = drip_err;
    r->priv.state = RAW_ST_FAILED;
    return drip_err;
}

/* ---- time ---------------------------------------------------------------- */

static uint32_t raw_now(void)
{
    return (uint32_t)sys_now();
}

static int raw_expired(uint32_t start, uint32_t budget)
{
    return (uint32_t)(raw_now() - start) >= budget;
}

static void raw_service(const drip_lwip_raw_t *r)
{
    r->priv.cfg.service(r->priv.cfg.service_ctx);
}

/* ---- receive ring ---------------------------------------------------------- */

/* Move what fits of the pending pbuf chain into the ring. */
static void raw_fill_ring(drip_lwip_raw_t *r)
{
    size_t cap = r->priv.cfg.ring_len;
    while (r->priv.pending != NULL && r->priv.count < cap) {
        size_t tail = (r->priv.head + r->priv.count) % cap;
        size_t room = cap - r->priv.count;
        size_t span = (tail + room > cap) ? cap - tail : room; /* contiguous */
        size_t avail = r->priv.pending->tot_len;
        u16_t n = (u16_t)((avail < span) ? avail : span);
        u16_t got = pbuf_copy_partial(r->priv.pending, r->priv.cfg.ring + tail, n, 0);
        r->priv.count += got;
        r->priv.pending = pbuf_free_header(r->priv.pending, got);
        if (got == 0u) {
            break; /* cannot happen with tot_len > 0; never spin */
        }
    }
}

/* Take up to n bytes out of the ring; reopen the window by as much. */
static size_t raw_take(drip_lwip_raw_t *r, uint8_t *out, size_t n)
{
    size_t cap = r->priv.cfg.ring_len, done = 0;
    while (done < n && r->priv.count > 0u) {
        size_t span = cap - r->priv.head;
        size_t k = n - done;
        if (k > r->priv.count) {
            k = r->priv.count;
        }
        if (k > span) {
            k = span;
        }
        memcpy(out + done, r->priv.cfg.ring + r->priv.head, k);
        r->priv.head = (r->priv.head + k) % cap;
        r->priv.count -= k;
        done += k;
    }
    if (r->priv.count == 0u) {
        r->priv.head = 0; /* the next fill is one contiguous copy */
    }
    r->priv.unacked += done;
    if (r->priv.pcb != NULL) {
        while (r->priv.unacked > 0u) {
            u16_t k = (u16_t)((r->priv.unacked > 0xFFFFu) ? 0xFFFFu : r->priv.unacked);
            altcp_recved(r->priv.pcb, k);
            r->priv.unacked -= k;
        }
    }
    raw_fill_ring(r);
    return done;
}

/* ---- lwIP callbacks (run inside the service hook) -------------------------- */

/* Case-insensitive FNV-1a of a host name, never 0. It tells the answer to
 * the lookup in progress from a late answer to one abandoned on a timeout,
 * and a repeated poll-mode connect() from one to another host, without
 * keeping the caller's string (it need not outlive connect()). */
static uint32_t raw_name_hash(const char *name)
{
    uint32_t h = 2166136261u;
    while (*name != '\0') {
        unsigned char c = (unsigned char)*name++;
        if (c >= 'A' && c <= 'Z') {
            c = (unsigned char)(c - 'A' + 'a'); /* lwIP matches names case-insensitively */
        }
        h = (h ^ c) * 16777619u;
    }
    return (h == 0u) ? 1u : h;
}

static err_t raw_on_recv(void *arg, struct altcp_pcb *pcb, struct pbuf *p, err_t err)
{
    drip_lwip_raw_t *r = (drip_lwip_raw_t *)arg;
    (void)pcb;
    if (r == NULL) {
        if (p != NULL) {
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (p == NULL) {
        r->priv.peer_closed = 1; /* FIN: the bytes before it stay readable */
        return ERR_OK;
    }
    if (err != ERR_OK) {
        pbuf_free(p);
        return ERR_OK;
    }
    /* Keep the chain (bounded by the window we advertise), copy what fits. */
    if (r->priv.pending == NULL) {
        r->priv.pending = p;
    } else {
        pbuf_cat(r->priv.pending, p);
    }
    raw_fill_ring(r);
    return ERR_OK;
}

static void raw_on_err(void *arg, err_t err)
{
    drip_lwip_raw_t *r = (drip_lwip_raw_t *)arg;
    if (r == NULL) {
        return;
    }
    /* lwIP has freed the PCB already. */
    r->priv.pcb = NULL;
    if (r->priv.state == RAW_ST_CONNECTING) {
        (void)raw_fail(r, err, raw_map_err(err, 1));
    } else if (r->priv.state == RAW_ST_OPEN) {
        (void)raw_fail(r, err, raw_map_err(err, 0));
    }
}

static err_t raw_on_connected(void *arg, struct altcp_pcb *pcb, err_t err)
{
    drip_lwip_raw_t *r = (drip_lwip_raw_t *)arg;
    (void)pcb;
    if (r != NULL && r->priv.state == RAW_ST_CONNECTING) {
        if (err == ERR_OK) {
            r->priv.state = RAW_ST_OPEN;
            r->priv.was_open = 1;
        } else {
            (void)raw_fail(r, err, DRIP_ERR_CONNECT);
        }
    }
    return ERR_OK;
}

#if LWIP_DNS
static void raw_on_dns(const char *name, const ip_addr_t *addr, void *arg)
{
    drip_lwip_raw_t *r = (drip_lwip_raw_t *)arg;
    if (r == NULL || r->priv.state != RAW_ST_DNS || name == NULL ||
        raw_name_hash(name) != r->priv.host_hash) {
        return;
    }
    if (addr == NULL) {
        (void)raw_fail(r, ERR_VAL, DRIP_ERR_DNS);
    } else {
        ip_addr_copy(r->priv.addr, *addr);
        r->priv.state = RAW_ST_CONNECTING; /* the PCB is made by raw_start_tcp */
        r->priv.pcb = NULL;
    }
}
#endif

/* ---- transport ---------------------------------------------------------------- */

static void raw_detach(drip_lwip_raw_t *r)
{
    struct altcp_pcb *pcb = r->priv.pcb;
    r->priv.pcb = NULL;
    if (pcb != NULL) {
        altcp_arg(pcb, NULL);
        altcp_recv(pcb, NULL);
        altcp_err(pcb, NULL);
        altcp_sent(pcb, NULL);
        if (altcp_close(pcb) != ERR_OK) {
            altcp_abort(pcb); /* no memory for the FIN: drop it */
        }
    }
    if (r->priv.pending != NULL) {
        pbuf_free(r->priv.pending);
        r->priv.pending = NULL;
    }
    r->priv.head = 0;
    r->priv.count = 0;
    r->priv.unacked = 0;
    r->priv.peer_closed = 0;
    r->priv.host_hash = 0;
}

static void raw_close(void *ctx)
{
    drip_lwip_raw_t *r = (drip_lwip_raw_t *)ctx;
    if (r != NULL) {
        raw_detach(r);
        r->priv.state = RAW_ST_CLOSED;
        r->priv.fail = 0;
    }
}

/* Address known: make the PCB and send the SYN. */
static int raw_start_tcp(drip_lwip_raw_t *r)
{
    struct altcp_pcb *pcb;
    err_t e;
#if LWIP_ALTCP
    pcb = altcp_tcp_new_ip_type(IP_GET_TYPE(&r->priv.addr));
#else
    pcb = tcp_new_ip_type(IP_GET_TYPE(&r->priv.addr));
#endif
    if (pcb == NULL) {
        return raw_fail(r, ERR_MEM, DRIP_ERR_CONNECT); /* MEMP_NUM_TCP_PCB */
    }
    r->priv.pcb = pcb;
    altcp_arg(pcb, r);
    altcp_recv(pcb, raw_on_recv);
    altcp_err(pcb, raw_on_err);
    altcp_nagle_disable(pcb); /* small requests and TLS records go at once */
    r->priv.state = RAW_ST_CONNECTING;
    e = altcp_connect(pcb, &r->priv.addr, r->priv.port, raw_on_connected);
    if (e != ERR_OK) {
        raw_detach(r);
        return raw_fail(r, e, DRIP_ERR_CONNECT);
    }
    return DRIP_AGAIN;
}

/* Resolve: DRIP_AGAIN with state CONNECTING (address known) or DNS, or an error. */
static int raw_resolve(drip_lwip_raw_t *r, const char *host)
{
    if (ipaddr_aton(host, &r->priv.addr)) {
        r->priv.state = RAW_ST_CONNECTING;
        return DRIP_AGAIN;
    }
#if LWIP_DNS
    {
        err_t e;
        r->priv.state = RAW_ST_DNS;
        e = dns_gethostbyname(host, &r->priv.addr, raw_on_dns, r);
        if (e == ERR_OK) { /* cached, local host list */
            r->priv.state = RAW_ST_CONNECTING;
            return DRIP_AGAIN;
        }
        if (e == ERR_INPROGRESS) {
            return DRIP_AGAIN;
        }
        return raw_fail(r, e, DRIP_ERR_DNS);
    }
#else
    return raw_fail(r, ERR_ARG, DRIP_ERR_DNS);
#endif
}

static int raw_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    drip_lwip_raw_t *r = (drip_lwip_raw_t *)ctx;
    uint32_t start = raw_now();
    int rc = DRIP_AGAIN;

    if (r == NULL || host == NULL || host[0] == '\0' || port == 0u) {
        return DRIP_ERR_ARG;
    }
    switch (r->priv.state) {
    case RAW_ST_CLOSED:
        r->priv.port = port;
        r->priv.host_hash = raw_name_hash(host);
        r->priv.was_open = 0;
        r->priv.told_open = 0;
        r->priv.last_lwip_err = 0;
        r->priv.fail = 0;
        rc = raw_resolve(r, host);
        break;
    case RAW_ST_DNS:
    case RAW_ST_CONNECTING:
        if (port != r->priv.port || raw_name_hash(host) != r->priv.host_hash) {
            return DRIP_ERR_STATE; /* finish (or close) the pending connect first */
        }
        break;
    case RAW_ST_FAILED:
        if (!r->priv.was_open) {
            /* A poll-mode connect failed between two calls: report it once. */
            rc = r->priv.fail;
            raw_detach(r);
            r->priv.state = RAW_ST_CLOSED;
            return rc;
        }
        return DRIP_ERR_STATE; /* the open connection failed: close first */
    case RAW_ST_OPEN:
        /* A poll-mode connect that lwIP finished between two calls (the
         * service hook ran lwIP in between): this call says so, once. */
        if (!r->priv.told_open && port == r->priv.port &&
            raw_name_hash(host) == r->priv.host_hash) {
            r->priv.told_open = 1;
            return DRIP_OK;
        }
        return DRIP_ERR_STATE; /* open: close first */
    default:
        return DRIP_ERR_STATE;
    }
    for (;;) {
        if (rc != DRIP_AGAIN) {
            break;
        }
        if (r->priv.state == RAW_ST_CONNECTING && r->priv.pcb == NULL) {
            rc = raw_start_tcp(r);
            if (rc != DRIP_AGAIN) {
                break;
            }
        }
        if (r->priv.state == RAW_ST_OPEN) {
            rc = DRIP_OK;
            break;
        }
        if (r->priv.state == RAW_ST_FAILED) {
            rc = r->priv.fail;
            break;
        }
        if (raw_expired(start, timeout_ms)) {
            if (timeout_ms == 0u) {
                raw_service(r); /* poll mode: let lwIP run once */
                if (r->priv.state == RAW_ST_OPEN) {
                    rc = DRIP_OK;
                } else if (r->priv.state == RAW_ST_FAILED) {
                    rc = r->priv.fail;
                }
                break;
            }
            raw_detach(r);
            r->priv.state = RAW_ST_CLOSED;
            r->priv.last_lwip_err = ERR_TIMEOUT;
            return DRIP_ERR_TIMEOUT;
        }
        raw_service(r);
    }
    if (rc != DRIP_OK && rc != DRIP_AGAIN) {
        raw_detach(r); /* failed: no PCB is kept; close() is still allowed */
        r->priv.state = RAW_ST_CLOSED;
    }
    if (rc == DRIP_OK) {
        r->priv.told_open = 1;
    }
    return rc;
}

static int raw_send(void *ctx, const uint8_t *buf, size_t n)
{
    drip_lwip_raw_t *r = (drip_lwip_raw_t *)ctx;
    uint32_t start, budget;

    if (r == NULL || buf == NULL || n == 0u) {
        return DRIP_ERR_ARG;
    }
    if (r->priv.state == RAW_ST_FAILED) {
        return r->priv.fail; /* sticky until close */
    }
    if (r->priv.state != RAW_ST_OPEN || r->priv.pcb == NULL) {
        return DRIP_ERR_STATE;
    }
    budget = r->priv.cfg.send_timeout_ms;
    start = raw_now();
    for (;;) {
        u16_t room = altcp_sndbuf(r->priv.pcb);
        if (room > 0u && altcp_sndqueuelen(r->priv.pcb) < TCP_SND_QUEUELEN) {
            u16_t k = (n < room) ? (u16_t)n : room;
            err_t e = altcp_write(r->priv.pcb, buf, k, TCP_WRITE_FLAG_COPY);
            if (e == ERR_OK) {
                (void)altcp_output(r->priv.pcb);
                return (int)k;
            }
            if (e != ERR_MEM) {
                return raw_fail(r, e, DRIP_ERR_IO);
            }
            /* ERR_MEM: lwIP's heap or segment pool is full for now. */
        }
        if (raw_expired(start, budget)) {
            return DRIP_AGAIN;
        }
        raw_service(r); /* ACKs free send-buffer room */
        if (r->priv.state == RAW_ST_FAILED) {
            return r->priv.fail;
        }
        if (r->priv.pcb == NULL) {
            return DRIP_ERR_CLOSED;
        }
    }
}

static int raw_recv(void *ctx, uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    drip_lwip_raw_t *r = (drip_lwip_raw_t *)ctx;
    uint32_t start;
    int serviced = 0;

    if (r == NULL || buf == NULL || n == 0u) {
        return DRIP_ERR_ARG;
    }
    if (r->priv.state != RAW_ST_OPEN && r->priv.state != RAW_ST_FAILED) {
        return DRIP_ERR_STATE;
    }
    if (n > (size_t)INT32_MAX) {
        n = (size_t)INT32_MAX;
    }
    start = raw_now();
    for (;;) {
        if (r->priv.count > 0u) {
            return (int)raw_take(r, buf, n); /* data first, then a close or error */
        }
        if (r->priv.state == RAW_ST_FAILED) {
            return r->priv.fail;
        }
        if (r->priv.peer_closed && r->priv.pending == NULL) {
            return 0;
        }
        if (serviced && raw_expired(start, timeout_ms)) {
            return DRIP_AGAIN;
        }
        raw_service(r);
        serviced = 1;
    }
}

/* ---- platform hooks -------------------------------------------------------------- */

static uint32_t raw_pl_now(void *ctx)
{
    (void)ctx;
    return raw_now();
}

static void raw_pl_sleep(void *ctx, uint32_t ms)
{
    drip_lwip_raw_t *r = (drip_lwip_raw_t *)ctx;
    uint32_t start = raw_now();
    while (!raw_expired(start, ms)) {
        raw_service(r); /* NO_SYS: a sleep that stopped lwIP would stall TCP */
    }
}

static uint32_t raw_pl_random(void *ctx)
{
    (void)ctx;
#if defined(LWIP_RAND)
    return (uint32_t)LWIP_RAND();
#else
    static uint32_t x = 0x9E3779B9u; /* jitter only */
    x ^= raw_now();
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
#endif
}

/* ---- public ---------------------------------------------------------------------- */

drip_err_t drip_lwip_raw_init(drip_lwip_raw_t *r, const drip_lwip_raw_cfg_t *cfg)
{
    if (r == NULL || cfg == NULL || cfg->ring == NULL || cfg->ring_len < 64u ||
        cfg->service == NULL) {
        return DRIP_ERR_ARG;
    }
    memset(r, 0, sizeof *r);
    r->priv.cfg = *cfg;
    if (r->priv.cfg.send_timeout_ms == 0u) {
        r->priv.cfg.send_timeout_ms = DRIP_LWIP_RAW_SEND_TIMEOUT_MS;
    }
    r->priv.state = RAW_ST_CLOSED;
    return DRIP_OK;
}

drip_err_t drip_lwip_raw_transport(drip_lwip_raw_t *r, drip_transport_t *out)
{
    drip_err_t rc = DRIP_OK;
    if (r == NULL || out == NULL) {
        rc = DRIP_ERR_ARG;
    } else {
        out->connect = raw_connect;
        out->send = raw_send;
        out->recv = raw_recv;
        out->close = raw_close;
        out->ctx = r;
    }
    return rc;
}

drip_err_t drip_lwip_raw_platform(drip_lwip_raw_t *r, drip_platform_t *out)
{
    drip_err_t rc = DRIP_OK;
    if (r == NULL || out == NULL) {
        rc = DRIP_ERR_ARG;
    } else {
        out->now_ms = raw_pl_now;
        out->sleep_ms = raw_pl_sleep;
        out->random = raw_pl_random;
        out->ctx = r;
        out->utc_s = NULL; /* no wall clock here: the board sets its SNTP/RTC hook */
    }
    return rc;
}

int drip_lwip_raw_last_err(const drip_lwip_raw_t *r)
{
    return (r == NULL) ? 0 : r->priv.last_lwip_err;
}
