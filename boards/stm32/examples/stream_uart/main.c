/* SPDX-License-Identifier: Apache-2.0 */
/* NUCLEO-F767ZI example: Ethernet + DHCP on lwIP (NO_SYS superloop), then
 * one answer streamed to the ST-LINK virtual COM port as it arrives, and a
 * final status line.
 *
 * Stack: port/lwip/drip_lwip_raw (TCP, with this file's net_service() as
 * its service hook, so lwIP keeps running while the client waits) ->
 * port/mbedtls (TLS 1.2, CA from ca_roots.h, DRBG seeded from the RNG
 * peripheral through MBEDTLS_ENTROPY_HARDWARE_ALT) -> drip_client.
 * Memory: every buffer below is static; Mbed TLS allocates from
 * s_tls_arena only (MBEDTLS_MEMORY_BUFFER_ALLOC_C); lwIP from its pools.
 * Board specifics (clocks, UART, Ethernet driver) are in board.h. */
#include <string.h>

#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "mbedtls/memory_buffer_alloc.h"

#include "dripfeed/dripfeed.h"
#include "drip_lwip_raw.h"
#include "drip_tls.h"

#include "app_config.h"
#include "board.h"
#include "ca_roots.h"
#include "drip_stm32.h"
#include "panel.h"

#define DHCP_WAIT_MS 30000u

static uint8_t s_tls_arena[DRIP_APP_TLS_ARENA] __attribute__((aligned(8)));
static uint8_t s_ring[TCP_WND]; /* >= TCP_WND: received data never waits in pbufs */
static uint8_t s_tx[2048];      /* request head + body */
static uint8_t s_rx[1024];      /* one TLS read */
static uint8_t s_data[1024];    /* SSE event data: every delta event fits */
static jsmntok_t s_tok[64];
static drip_call_slot_t s_calls[2];
static drip_lwip_raw_t s_tcp;
static drip_transport_t s_tcp_t; /* drip_tls keeps a pointer to it */
static drip_platform_t s_pl;     /* ... and to this */
static drip_tls_t s_tls;
static drip_client_t s_client;
static struct netif *s_netif;
static uint32_t s_t0, s_first;

/* ---- UART text --------------------------------------------------------------- */

static void put_str(const char *s)
{
    board_uart_write(s, strlen(s));
}

static void put_u32(uint32_t v)
{
    char b[11];
    size_t i = sizeof b;
    do {
        b[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    board_uart_write(b + i, sizeof b - i);
}

static void put_i64(int64_t v)
{
    if (v < 0) {
        put_str("-");
        v = -v;
    }
    put_u32((uint32_t)(v > (int64_t)UINT32_MAX ? UINT32_MAX : v));
}

/* Terminals want CR LF; the model sends LF. */
static void put_text(const char *p, size_t n)
{
    size_t i, start = 0;
    for (i = 0; i < n; i++) {
        if (p[i] == '\n') {
            board_uart_write(p + start, i - start);
            board_uart_write("\r\n", 2);
            start = i + 1u;
        }
    }
    board_uart_write(p + start, n - start);
}

void drip_stm32_fatal(const char *msg, const char *file, int line)
{
    put_str("\r\nFATAL: ");
    put_str(msg);
    put_str(" at ");
    put_str(file);
    put_str(":");
    put_u32((uint32_t)line);
    put_str("\r\n");
    for (;;) {
    }
}

/* ---- lwIP service: the raw port calls this while it waits -------------------- */

static void net_service(void *ctx)
{
    (void)ctx;
    board_net_poll(s_netif);
    sys_check_timeouts();
    panel_step(); /* the UI: what the stream posted goes to the SSD1306 */
}

/* ---- handlers: run inside drip_client_run() as the bytes arrive -------------- */

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    (void)user;
    (void)ev;
    if (s_first == 0u) {
        s_first = sys_now() | 1u;
    }
    put_text(p, n);
    return DRIP_OK;
}

static void on_error(void *user, const drip_error_t *e)
{
    (void)user;
    put_str("\r\ndripfeed: error: ");
    put_str(drip_err_str(e->code));
    if (e->api.status > 0) {
        put_str(" status ");
        put_u32((uint32_t)e->api.status);
    }
    if (e->api.message.p != NULL) {
        put_str(": ");
        put_text(e->api.message.p, e->api.message.n);
    }
    put_str("\r\n");
}

static void status_line(void)
{
    const drip_result_t *r = drip_client_result(&s_client);
    int terr = drip_client_transport_error(&s_client);

    put_str("\r\ndripfeed: state=");
    put_str(drip_state_name(r->state));
    put_str(" http=");
    put_u32((uint32_t)r->http_status);
    if (r->has_usage) {
        put_str(" tokens=");
        put_i64(r->usage.input_tokens);
        put_str("/");
        put_i64(r->usage.output_tokens);
        put_str("/");
        put_i64(r->usage.total_tokens);
    }
    if (s_first != 0u) {
        put_str(" ttft=");
        put_u32(s_first - s_t0);
        put_str("ms");
    }
    put_str(" total=");
    put_u32(sys_now() - s_t0);
    put_str("ms");
    if (terr != 0) {
        char why[128];
        put_str(" transport=");
        put_str(drip_err_str(terr));
        put_str(" (");
        put_str(drip_tls_describe(&s_tls, why, sizeof why));
        put_str(")");
    }
#if defined(MBEDTLS_MEMORY_DEBUG)
    {
        size_t used, blocks;
        mbedtls_memory_buffer_alloc_max_get(&used, &blocks);
        put_str(" tls_arena_peak=");
        put_u32((uint32_t)used);
        put_str("/");
        put_u32((uint32_t)sizeof s_tls_arena);
    }
#endif
    put_str("\r\n");
}

/* ---- the stream ------------------------------------------------------------------ */

static drip_err_t stream(void)
{
    static const drip_handlers_t handlers = {.on_text = on_text, .on_error = on_error};
    static char auth[sizeof "Bearer " + sizeof DRIP_APP_API_KEY]; /* exact fit */
    drip_lwip_raw_cfg_t rc;
    drip_tls_cfg_t tc;
    drip_client_cfg_t cc;
    drip_request_t req;
    drip_err_t e;

    memset(&rc, 0, sizeof rc);
    rc.ring = s_ring;
    rc.ring_len = sizeof s_ring;
    rc.service = net_service;
    (void)drip_lwip_raw_init(&s_tcp, &rc);
    (void)drip_lwip_raw_transport(&s_tcp, &s_tcp_t);
    (void)drip_lwip_raw_platform(&s_tcp, &s_pl); /* sleep keeps lwIP running */

    memset(&tc, 0, sizeof tc);
    tc.ca_pem_or_der = (const uint8_t *)drip_ca_roots_pem;
    tc.ca_len = sizeof drip_ca_roots_pem;
    tc.platform = &s_pl; /* entropy: NULL = mbedtls_entropy_func -> RNG peripheral */
    drip_tls_init(&s_tls);
    e = drip_tls_setup(&s_tls, &s_tcp_t, &tc);
    if (e != DRIP_OK) {
        return e;
    }

    memset(&cc, 0, sizeof cc);
    (void)drip_tls_transport(&s_tls, &cc.transport);
    cc.platform = s_pl;
    cc.endpoint.host = DRIP_APP_HOST;
    cc.endpoint.port = DRIP_APP_PORT;
    cc.endpoint.path_prefix = DRIP_APP_PREFIX;
    if (DRIP_APP_API_KEY[0] != '\0') {
        memcpy(auth, "Bearer ", 7);
        memcpy(auth + 7, DRIP_APP_API_KEY, sizeof DRIP_APP_API_KEY); /* with its NUL */
        cc.endpoint.auth_name = "Authorization";
        cc.endpoint.auth_value = auth;
    }
    static const drip_header_t extra = {DRIP_APP_EXTRA_HEADER_NAME, DRIP_APP_EXTRA_HEADER_VALUE};
    cc.endpoint.headers = &extra;
    cc.endpoint.nheaders = DRIP_APP_EXTRA_HEADER_NAME[0] != '\0' ? 1u : 0u;
    cc.stream.api = DRIP_API_RESPONSES;
    cc.stream.buf = s_data;
    cc.stream.buf_len = sizeof s_data;
    cc.stream.tok = s_tok;
    cc.stream.ntok = (unsigned)(sizeof s_tok / sizeof s_tok[0]);
    cc.stream.calls = s_calls;
    cc.stream.ncalls = (unsigned)(sizeof s_calls / sizeof s_calls[0]);
    cc.stream.handlers = &handlers;
    panel_attach(&cc); /* the same answer on the panel (panel.h) */
    cc.tx = s_tx;
    cc.tx_len = sizeof s_tx;
    cc.rx = s_rx;
    cc.rx_len = sizeof s_rx;
    cc.connect_timeout_ms = 15000;
    cc.first_event_timeout_ms = 60000;
    cc.idle_timeout_ms = 30000;
    cc.total_timeout_ms = 300000;
    cc.max_retries = 2;
    e = drip_client_init(&s_client, &cc);

    memset(&req, 0, sizeof req);
    req.api = DRIP_API_RESPONSES;
    req.model = DRIP_APP_MODEL;
    req.input = DRIP_APP_PROMPT;
    req.include_obfuscation = DRIP_FLAG_FALSE; /* no random padding in every delta */
    if (e == DRIP_OK) {
        e = drip_client_start(&s_client, &req);
    }
    if (e == DRIP_OK) {
        put_str("dripfeed: asking " DRIP_APP_MODEL " at " DRIP_APP_HOST "\r\n\r\n");
        s_t0 = sys_now();
        (void)drip_client_run(&s_client); /* blocks; lwIP runs inside via net_service */
        panel_end(drip_client_result(&s_client));
        status_line();
    }
    drip_client_disconnect(&s_client);
    drip_tls_free(&s_tls);
    return e;
}

int main(void)
{
    uint32_t t;
    drip_err_t e;

    board_init();
    panel_init();
    put_str("\r\ndripfeed on NUCLEO-F767ZI\r\n");
    if (drip_stm32_rng_init() != 0) {
        drip_stm32_fatal("RNG gives no data (is PLL48CLK at 48 MHz?)", __FILE__, __LINE__);
    }
    mbedtls_memory_buffer_alloc_init(s_tls_arena, sizeof s_tls_arena);
    lwip_init();
    s_netif = board_net_init();
    if (dhcp_start(s_netif) != ERR_OK) {
        drip_stm32_fatal("dhcp_start", __FILE__, __LINE__);
    }
    t = sys_now();
    while (!dhcp_supplied_address(s_netif)) {
        net_service(NULL);
        if (sys_now() - t > DHCP_WAIT_MS) {
            drip_stm32_fatal("no DHCP lease (cable? link?)", __FILE__, __LINE__);
        }
    }
    put_str("dripfeed: address ");
    put_str(ip4addr_ntoa(netif_ip4_addr(s_netif)));
    put_str("\r\n");

    e = stream();
    if (e != DRIP_OK) {
        char why[128];
        put_str("dripfeed: setup failed: ");
        put_str(drip_err_str(e));
        put_str(" (");
        put_str(drip_tls_describe(&s_tls, why, sizeof why));
        put_str(")\r\n");
    }
    for (;;) {
        net_service(NULL); /* keep answering ARP/ICMP, renew the lease */
    }
}
