/* SPDX-License-Identifier: Apache-2.0 */
/* lwip_stream: one streamed answer through Debian's lwIP (unix port, tapif)
 * -> port/lwip sockets -> port/mbedtls -> drip_client, the stack a board
 * runs. Started by run_lwip_test.sh inside a network namespace with a TAP
 * device; the replay server listens on the Linux side of that TAP.
 *
 *   lwip_stream --tap NAME --ip A --netmask M --gw G --url https://HOST:PORT/v1
 *               --ca FILE [--map HOST=IP] [--header 'N: v']... [--retries N]
 *               [--connect-timeout S] [--first-event-timeout S] [--idle-timeout S]
 *               [--total-timeout S] PROMPT
 *   lwip_stream ... --soak N SEED TEXT_FILE BG_TEXT_FILE x
 *
 * --soak: instead of one answer, the soak loop of tests/soak/soak_run.c (N
 * answers through this one client with seeded faults, each checked; its
 * own X-Drip-* headers replace --header); exit 0 when nothing was wrong and
 * nothing grew. tests/lwip/run_lwip_test.py --soak N runs it.
 *
 * Text goes to stdout as it arrives; the final line on stderr is the one
 * `dripfeed stream` prints ("dripfeed: state=... http=... error=N(...)
 * transport=N(...)"), so the runner reads both the same way.
 *
 * --map HOST=IP stands in for DNS: Debian's lwIP is built with LWIP_DNS=0,
 * so the port connects to IP literals only. TLS still gets HOST, so the
 * certificate is checked against the name (mbedTLS 2.28 matches DNS names
 * in subjectAltName, not IP addresses). Everything else is the library as
 * a board uses it: no heap in this file either (the CA is read into a
 * static buffer). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include "netif/tapif.h"

#include "dripfeed/dripfeed.h"
#include "drip_lwip_sockets.h"
#include "drip_tls.h"
#include "../soak/soak_run.h"

#define MAX_HEADERS 8

static uint8_t tx[8192], rx[16384], sse_buf[16384];
static jsmntok_t tok[256];
static drip_call_slot_t slots[4];
static drip_client_t client;
static drip_lwip_sock_t tcp;
static drip_tls_t tls;
static char ca[32768];
static char extra[2048];
static drip_header_t hdrs[8];
static size_t nhdrs;
static struct netif tap_netif;
static drip_platform_t pl;
static uint32_t t0, t_first;
static int got_text;

/* ---- "hosts file": the one name this test resolves, without lwIP DNS ---- */

typedef struct {
    drip_transport_t inner;
    const char *name, *ip;
    unsigned long rx_bytes; /* what lwIP handed over: TLS bytes, for the runner */
} hostmap_t;

static hostmap_t map;

static int map_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    const hostmap_t *m = ctx;
    if (m->name != NULL && strcmp(host, m->name) == 0) {
        host = m->ip;
    }
    return m->inner.connect(m->inner.ctx, host, port, timeout_ms);
}

static int map_send(void *ctx, const uint8_t *p, size_t n)
{
    const hostmap_t *m = ctx;
    return m->inner.send(m->inner.ctx, p, n);
}

static int map_recv(void *ctx, uint8_t *p, size_t n, uint32_t timeout_ms)
{
    hostmap_t *m = ctx;
    int r = m->inner.recv(m->inner.ctx, p, n, timeout_ms);
    if (r > 0) {
        m->rx_bytes += (unsigned long)r;
    }
    return r;
}

static void map_close(void *ctx)
{
    const hostmap_t *m = ctx;
    m->inner.close(m->inner.ctx);
}

/* ---- handlers -------------------------------------------------------------- */

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    (void)user;
    (void)ev;
    if (!got_text) {
        got_text = 1;
        t_first = pl.now_ms(pl.ctx);
    }
    fwrite(p, 1, n, stdout);
    fflush(stdout);
    return DRIP_OK;
}

static void on_error(void *user, const drip_error_t *e)
{
    (void)user;
    fprintf(stderr, "\ndripfeed: error: %s (%d)", drip_err_str(e->code), (int)e->code);
    if (e->api.status > 0) {
        fprintf(stderr, " status %d", e->api.status);
    }
    if (e->api.code.p != NULL) {
        fprintf(stderr, " code %.*s", (int)e->api.code.n, e->api.code.p);
    }
    if (e->detail != NULL && e->detail[0] != '\0') {
        fprintf(stderr, ": %s", e->detail);
    }
    fputc('\n', stderr);
}

static void status_line(int transport_err)
{
    const drip_result_t *r = drip_client_result(&client);
    uint32_t t = pl.now_ms(pl.ctx);
    fprintf(stderr, "\ndripfeed: state=%s http=%d", drip_state_name(r->state), r->http_status);
    if (r->has_usage) {
        fprintf(stderr, " tokens=%lld/%lld/%lld", (long long)r->usage.input_tokens,
                (long long)r->usage.output_tokens, (long long)r->usage.total_tokens);
    }
    if (got_text) {
        fprintf(stderr, " ttft=%ums", (unsigned)(t_first - t0));
    }
    fprintf(stderr, " total=%ums", (unsigned)(t - t0));
    if (r->err != 0) {
        fprintf(stderr, " error=%d(%s)", (int)r->err, drip_err_str(r->err));
    }
    if (transport_err != 0) {
        fprintf(stderr, " transport=%d(%s)", transport_err, drip_err_str(transport_err));
    }
    fputc('\n', stderr);
}

/* ---- lwIP bring-up ---------------------------------------------------------- */

static void tcpip_ready(void *arg)
{
    sys_sem_signal((sys_sem_t *)arg);
}

/* tcpip thread, then the TAP netif with a static address (tapif attaches
 * to the existing device named by PRECONFIGURED_TAPIF and runs no
 * ifconfig). */
static int lwip_up(const char *tap, const char *ip, const char *mask, const char *gw)
{
    static sys_sem_t ready;
    ip4_addr_t a, m, g;
    if (!ip4addr_aton(ip, &a) || !ip4addr_aton(mask, &m) || !ip4addr_aton(gw, &g)) {
        return -1;
    }
    if (setenv("PRECONFIGURED_TAPIF", tap, 1) != 0 || sys_sem_new(&ready, 0) != ERR_OK) {
        return -1;
    }
    /* LWIP_RAND() is rand() here: seed it, or every run starts from the same
     * local port and ISN and meets the last run's TIME_WAIT on the server. */
    srand((unsigned)time(NULL) ^ ((unsigned)getpid() << 16));
    tcpip_init(tcpip_ready, &ready);
    sys_sem_wait(&ready);
    sys_sem_free(&ready);
    LOCK_TCPIP_CORE();
    if (netif_add(&tap_netif, &a, &m, &g, NULL, tapif_init, tcpip_input) == NULL) {
        UNLOCK_TCPIP_CORE();
        return -1;
    }
    netif_set_default(&tap_netif);
    netif_set_up(&tap_netif);
    netif_set_link_up(&tap_netif);
    UNLOCK_TCPIP_CORE();
    return 0;
}

/* ---- main -------------------------------------------------------------------- */

static int usage(void)
{
    fputs("usage: lwip_stream --tap NAME --ip A --netmask M --gw G --url https://HOST:PORT/v1\n"
          "                   --ca FILE [--map HOST=IP] [--header 'N: v']... [--retries N]\n"
          "                   [--connect-timeout S] [--first-event-timeout S]\n"
          "                   [--idle-timeout S] [--total-timeout S] PROMPT\n",
          stderr);
    return 2;
}

static uint32_t secs_ms(const char *s)
{
    return (uint32_t)(strtod(s, NULL) * 1000.0 + 0.5);
}

/* https://HOST:PORT/PREFIX */
static int parse_url(const char *url, char *host, size_t hcap, uint16_t *port, const char **prefix)
{
    const char *h, *colon, *slash;
    long v;
    if (strncmp(url, "https://", 8) != 0) {
        return -1;
    }
    h = url + 8;
    slash = strchr(h, '/');
    *prefix = slash != NULL ? slash : "";
    colon = memchr(h, ':', (size_t)((slash != NULL ? slash : h + strlen(h)) - h));
    if (colon == NULL || (size_t)(colon - h) >= hcap || colon == h) {
        return -1;
    }
    memcpy(host, h, (size_t)(colon - h));
    host[colon - h] = '\0';
    v = strtol(colon + 1, NULL, 10);
    if (v <= 0 || v > 65535) {
        return -1;
    }
    *port = (uint16_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    static const drip_handlers_t handlers = {.on_text = on_text, .on_error = on_error};
    static char host[256], map_name[256];
    const char *tap = NULL, *ip = NULL, *mask = "255.255.255.0", *gw = NULL, *url = NULL;
    const char *ca_path = NULL, *prompt = NULL, *prefix = "";
    drip_client_cfg_t cfg;
    drip_tls_cfg_t tcfg;
    drip_transport_t tcp_tr, map_tr;
    drip_request_t req;
    size_t n = 0, ca_len;
    uint16_t port = 0;
    int retries = 0, i;
    uint32_t connect_ms = 5000, first_ms = 0, idle_ms = 0, total_ms = 60000;
    soak_cfg_t soak;
    drip_header_t soak_hdr[SOAK_NHEADERS];
    FILE *f;
    drip_state_t st;

    memset(&cfg, 0, sizeof cfg);
    memset(&soak, 0, sizeof soak);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (a[0] != '-') {
            prompt = a;
            continue;
        }
        if (v == NULL) {
            return usage();
        }
        i++;
        if (strcmp(a, "--tap") == 0) {
            tap = v;
        } else if (strcmp(a, "--ip") == 0) {
            ip = v;
        } else if (strcmp(a, "--netmask") == 0) {
            mask = v;
        } else if (strcmp(a, "--gw") == 0) {
            gw = v;
        } else if (strcmp(a, "--url") == 0) {
            url = v;
        } else if (strcmp(a, "--ca") == 0) {
            ca_path = v;
        } else if (strcmp(a, "--map") == 0) {
            const char *eq = strchr(v, '=');
            if (eq == NULL || (size_t)(eq - v) >= sizeof map_name) {
                return usage();
            }
            memcpy(map_name, v, (size_t)(eq - v));
            map_name[eq - v] = '\0';
            map.name = map_name;
            map.ip = eq + 1;
        } else if (strcmp(a, "--header") == 0) {
            /* "Name: value" -> name copied into extra, value points into argv */
            const char *colon = strchr(v, ':');
            size_t nl = colon != NULL ? (size_t)(colon - v) : 0;
            if (colon == NULL || nhdrs == sizeof hdrs / sizeof hdrs[0] || n + nl + 1u > sizeof extra) {
                return usage();
            }
            memcpy(extra + n, v, nl);
            extra[n + nl] = '\0';
            hdrs[nhdrs].name = extra + n;
            for (colon++; *colon == ' '; colon++) {
            }
            hdrs[nhdrs++].value = colon;
            n += nl + 1u;
        } else if (strcmp(a, "--soak") == 0) {
            if (i + 3 >= argc) {
                return usage();
            }
            soak.n = atol(v);
            soak.seed = (uint64_t)atoll(argv[++i]);
            soak.text = soak_slurp(argv[++i], &soak.text_n);
            soak.bg = soak_slurp(argv[++i], &soak.bg_n);
        } else if (strcmp(a, "--retries") == 0) {
            retries = atoi(v);
        } else if (strcmp(a, "--connect-timeout") == 0) {
            connect_ms = secs_ms(v);
        } else if (strcmp(a, "--first-event-timeout") == 0) {
            first_ms = secs_ms(v);
        } else if (strcmp(a, "--idle-timeout") == 0) {
            idle_ms = secs_ms(v);
        } else if (strcmp(a, "--total-timeout") == 0) {
            total_ms = secs_ms(v);
        } else {
            return usage();
        }
    }
    if (tap == NULL || ip == NULL || gw == NULL || url == NULL || ca_path == NULL ||
        prompt == NULL || retries < 0 || retries > 10 ||
        parse_url(url, host, sizeof host, &port, &prefix) != 0) {
        return usage();
    }
    f = fopen(ca_path, "rb");
    if (f == NULL || (ca_len = fread(ca, 1, sizeof ca - 1, f)) == 0) {
        fprintf(stderr, "lwip_stream: cannot read %s\n", ca_path);
        return 2;
    }
    fclose(f);
    ca[ca_len] = '\0';

    if (lwip_up(tap, ip, mask, gw) != 0) {
        fputs("lwip_stream: lwIP / tapif bring-up failed\n", stderr);
        return 2;
    }
    drip_lwip_platform(&pl);
    drip_lwip_sock_init(&tcp);
    drip_lwip_sock_transport(&tcp, &tcp_tr);
    map.inner = tcp_tr;
    map_tr.connect = map_connect;
    map_tr.send = map_send;
    map_tr.recv = map_recv;
    map_tr.close = map_close;
    map_tr.ctx = &map;

    memset(&tcfg, 0, sizeof tcfg);
    tcfg.ca_pem_or_der = (const uint8_t *)ca;
    tcfg.ca_len = ca_len + 1; /* PEM: with its NUL */
    tcfg.platform = &pl;      /* sys_now() bounds the handshake */
    drip_tls_init(&tls);
    if (drip_tls_setup(&tls, &map_tr, &tcfg) != DRIP_OK) {
        fputs("lwip_stream: TLS setup failed\n", stderr);
        return 2;
    }
    drip_tls_transport(&tls, &cfg.transport);
    cfg.platform = pl;
    cfg.endpoint.host = host;
    cfg.endpoint.port = port;
    cfg.endpoint.path_prefix = prefix;
    cfg.endpoint.auth_name = "Authorization";
    cfg.endpoint.auth_value = "Bearer sk-test-dripfeed";
    cfg.endpoint.headers = hdrs;
    cfg.endpoint.nheaders = nhdrs;
    cfg.stream.buf = sse_buf;
    cfg.stream.buf_len = sizeof sse_buf;
    cfg.stream.tok = tok;
    cfg.stream.ntok = sizeof tok / sizeof tok[0];
    cfg.stream.calls = slots;
    cfg.stream.ncalls = sizeof slots / sizeof slots[0];
    cfg.stream.handlers = &handlers;
    cfg.tx = tx;
    cfg.tx_len = sizeof tx;
    cfg.rx = rx;
    cfg.rx_len = sizeof rx;
    /* the options' 0 means none; the client's 0 means its default */
    cfg.connect_timeout_ms = connect_ms != 0u ? connect_ms : DRIP_TIMEOUT_NONE;
    cfg.first_event_timeout_ms = first_ms != 0u ? first_ms : DRIP_TIMEOUT_NONE;
    cfg.idle_timeout_ms = idle_ms != 0u ? idle_ms : DRIP_TIMEOUT_NONE;
    cfg.total_timeout_ms = total_ms != 0u ? total_ms : DRIP_TIMEOUT_NONE;
    cfg.max_retries = (uint8_t)retries;
    if (soak.n > 0) {
        soak_headers(soak_hdr);
        cfg.endpoint.headers = soak_hdr;
        cfg.endpoint.nheaders = SOAK_NHEADERS;
        cfg.stream.handlers = &soak_handlers;
        cfg.on_retry = soak_on_retry;
        soak_platform(&pl, &cfg.platform);
        cfg.max_retries = 2;
        cfg.max_resumes = 2;
    }
    if (drip_client_init(&client, &cfg) != DRIP_OK) {
        fputs("lwip_stream: bad configuration\n", stderr);
        return 2;
    }
    if (soak.n > 0) {
        int rc;
        soak.client = &client;
        soak.tls = &tls;
        soak.real = &pl;
        soak.label = "soak lwip";
        soak.conn_not_fd = 1;
        rc = soak_run(&soak);
        drip_client_disconnect(&client);
        sys_msleep(50);
        _Exit(rc);
    }
    memset(&req, 0, sizeof req);
    req.model = "gpt-4o-mini";
    req.input = prompt;
    t0 = pl.now_ms(pl.ctx);
    if (drip_client_start(&client, &req) != DRIP_OK) {
        fputs("lwip_stream: cannot start\n", stderr);
        return 2;
    }
    st = drip_client_run(&client);
    if (got_text) {
        fputc('\n', stdout);
    }
    status_line(drip_client_transport_error(&client));
    drip_client_disconnect(&client);
    drip_tls_free(&tls);
    {
        int lwip_err = 0, e = drip_lwip_sock_last_errno(&tcp, &lwip_err);
        fprintf(stderr, "lwip_stream: rx_bytes=%lu last_errno=%d last_err_t=%d\n", map.rx_bytes, e,
                lwip_err);
    }
    fflush(stdout);
    sys_msleep(50); /* let the tcpip thread send the FIN before the process goes */
    /* The tcpip and tapif threads never return: leave without joining. */
    _Exit(st == DRIP_STATE_COMPLETED ? 0 : 1);
}
