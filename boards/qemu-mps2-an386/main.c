/* SPDX-License-Identifier: Apache-2.0 */
/*
 * On-target test image: QEMU mps2-an386 (Cortex-M4), LAN9118 + lwIP NO_SYS
 * (raw API, port/lwip/drip_lwip_raw), mbedTLS on a static arena
 * (port/mbedtls/drip_tls), dripfeed's client driven from a superloop.
 *
 * It gets an address by DHCP on QEMU's user network, connects to the test
 * server (tests/server/replay_server.py on the host's loopback, reached at
 * 10.0.2.2 through lwIP's DNS local host list), verifies its certificate
 * against the test CA built into the image, streams one Responses answer
 * and prints each text delta to the UART as it arrives. At the end: the
 * final state, usage and the memory figures (mbedTLS arena peaks, lwIP pool
 * peaks, stack high-water mark, static RAM).
 *
 * Exit status (semihosting): 0 only when the answer arrived complete
 * (state completed) and the deltas match response.output_text.done;
 * 1 for any other final state; 2 when network or TLS setup failed;
 * 3 for a heap call; 4 for a fault.
 *
 * Arguments (QEMU -semihosting-config ...,arg=KEY=VALUE):
 *   port=N            test server port on the host (required)
 *   host=NAME         TLS host name (default FW_TEST_HOST_NAME)
 *   fault=SPEC        sent as X-Drip-Fault (e.g. drop_after=2600)
 *   chunk=MIN,MAX     sent as X-Drip-Chunk (server's chunk sizes)
 *   transcript=NAME   sent as X-Drip-Transcript
 *   net=static        10.0.2.15/24 via 10.0.2.2 instead of DHCP
 *   speech=sse|audio  POST /v1/audio/speech instead (openai.md 11, response_format
 *                     pcm, stream_format sse or audio): the audio goes into a
 *                     PCM ring standing in for an I2S DMA buffer; at the end
 *                     its byte count and FNV-1a, exit 0 only when completed
 *   sdeltas=A,B,...   sent as X-Drip-Speech-Deltas (audio bytes per delta)
 *   srepeat=N         sent as X-Drip-Speech-Repeat
 *   heapcheck=1       call malloc() at once: proves the heap guard stops the
 *                     image (exit 3) instead of allocating
 *   voice=1           the voice gadget on one TLS session: the answer streams
 *                     through the phrase chunker (drip_phrase.h), then its first
 *                     phrase is spoken (speech, sse) on the same client and
 *                     connection into the PCM ring; prints the phrases, the
 *                     audio's byte count and FNV-1a, and the mbedTLS arena
 *                     peaks of the answer and of the speech apart; exit 0
 *                     only when both completed on one connection
 *   soak=N            N answers in this boot (fw_soak.c): exit 0 only when
 *                     all are right and no high-water mark moved after the
 *                     first
 *
 * !!! The TLS entropy here is TEST-ONLY and predictable (test_entropy.h). !!!
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "fw_crc32.h"
#include "fw_display.h"
#include "fw_semihost.h"
#include "fw_stack.h"
#include "lan9118.h"
#include "test_entropy.h"

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/stats.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include "mbedtls/memory_buffer_alloc.h"

#include "dripfeed/dripfeed.h"
#include "drip_lwip_raw.h"
#include "drip_tls.h"
#include "fw_soak.h"

/* ---- sizes (see README.md for the measured figures) ---------------------- */

/* mbedTLS's heap: a static arena. 16 KB receive record + 2 KB send record +
 * handshake state and the server's certificate chain; the measured peak and
 * this size are printed at the end. */
#ifndef FW_MBEDTLS_ARENA
#define FW_MBEDTLS_ARENA (32 * 1024)
#endif
#define FW_RING_LEN 4096u   /* >= TCP_WND (lwipopts.h) */
#define FW_TX_LEN 768u      /* request head + body */
#define FW_RX_LEN 512u      /* one TLS read */
#define FW_EV_LEN 512u      /* SSE event data: every delta event fits */
#define FW_NTOK 32u
#define FW_NCALLS 1u
/* Speech: the PCM ring an I2S DMA would read from (1024 samples, 42 ms at
 * 24 kHz). The emulated I2S drains it each superloop turn and whenever a
 * handler finds it full; the peak fill is reported. */
#define FW_PCM_RING 2048u

#if FW_RING_LEN < TCP_WND
#error "FW_RING_LEN must be >= TCP_WND so the window alone bounds the receive buffer"
#endif

/* The test CA (DER), generated at build time from tests/server/mkcerts.sh. */
extern const unsigned char fw_test_ca_der[];
extern const unsigned int fw_test_ca_der_len;

/* ---- state: all static, nothing on a heap ------------------------------- */

static struct netif g_netif;
static uint8_t g_ring[FW_RING_LEN];
static drip_lwip_raw_t g_tcp;
static drip_tls_t g_tls;
static unsigned char g_arena[FW_MBEDTLS_ARENA] __attribute__((aligned(8)));
static drip_client_t g_client;
static uint8_t g_tx[FW_TX_LEN];
static uint8_t g_rx[FW_RX_LEN];
static uint8_t g_ev[FW_EV_LEN];
static jsmntok_t g_tok[FW_NTOK];
static drip_call_slot_t g_calls[FW_NCALLS];
static char g_hvals[5][64];
static drip_header_t g_hdrs[5];
static size_t g_nhdrs;

static drip_transport_t g_tcp_t, g_tls_t, g_app_t;
static drip_platform_t g_platform;
static uint32_t g_epoch;

static struct {
    uint32_t crc, len, done_crc, done_len;
    int done_seen;
    int in_answer; /* between the answer markers */
    size_t hs_peak, hs_blocks, st_peak, st_blocks, st_base, st_base_blocks;
    size_t hs_stack; /* stack high-water mark right after the handshake */
    uint32_t t_connect;
    uint32_t connects; /* handshakes done: 1 when the speech reused the connection */
} g_run;

/* ---- speech: a PCM ring standing in for I2S --------------------------------- */

static struct {
    /* voice=1 sequences answer first: the phrase chunker is done before the
     * first audio byte, so it lives in the ring's memory (the 64 KB goal) */
    union {
        uint8_t ring[FW_PCM_RING];
        struct {
            drip_phrase_t ph;
            char buf[DRIP_PHRASE_MAX_DEFAULT]; /* the chunker's phrase buffer */
        } chunk;
    } u;
    size_t head, fill, peak;   /* head: next byte the "I2S" reads */
    uint32_t played, fnv;      /* what left the ring: bytes and FNV-1a (32 bit) */
    uint32_t calls;
} g_pcm;

/* ---- voice (arg voice=1): phrases of the answer, the first one spoken ------ */

static struct {
    int on;
    char first[DRIP_PHRASE_MAX_DEFAULT + 1];  /* the first phrase, NUL-terminated */
    uint32_t phrases, longest;
    int speaking; /* the speech request: no answer markers */
} g_voice;

static void on_phrase(void *user, const char *s, size_t n)
{
    (void)user;
    if (g_voice.phrases == 0u) {
        memcpy(g_voice.first, s, n); /* n <= max = DRIP_PHRASE_MAX_DEFAULT */
        g_voice.first[n] = '\0';
    }
    g_voice.phrases++;
    if (n > g_voice.longest) {
        g_voice.longest = (uint32_t)n;
    }
}

/* The "I2S DMA": takes up to n bytes out of the ring (in order). */
static void i2s_drain(size_t n)
{
    while (n > 0u && g_pcm.fill > 0u) {
        uint8_t b = g_pcm.u.ring[g_pcm.head];
        g_pcm.fnv = (g_pcm.fnv ^ b) * 0x01000193u;
        g_pcm.head = (g_pcm.head + 1u) % FW_PCM_RING;
        g_pcm.fill--;
        g_pcm.played++;
        n--;
    }
}

static drip_err_t on_audio(void *user, const uint8_t *p, size_t n)
{
    (void)user;
    g_pcm.calls++;
    while (n > 0u) {
        size_t room = FW_PCM_RING - g_pcm.fill, k, tail;
        if (room == 0u) {
            i2s_drain(FW_PCM_RING / 2u); /* full: the DMA takes half a buffer */
            continue;
        }
        k = n < room ? n : room;
        tail = (g_pcm.head + g_pcm.fill) % FW_PCM_RING;
        if (k > FW_PCM_RING - tail) {
            k = FW_PCM_RING - tail;
        }
        memcpy(&g_pcm.u.ring[tail], p, k);
        g_pcm.fill += k;
        if (g_pcm.fill > g_pcm.peak) {
            g_pcm.peak = g_pcm.fill;
        }
        p += k;
        n -= k;
    }
    return DRIP_OK;
}

/* ---- lwIP glue ------------------------------------------------------------- */

u32_t sys_now(void)
{
    return fw_now_ms();
}

/* drip_lwip_raw's service hook: one turn of the network superloop. */
static void net_service(void *ctx)
{
    (void)ctx;
    (void)lan9118_poll(&g_netif);
    sys_check_timeouts();
}

time_t fw_mbedtls_time(time_t *t)
{
    /* Host wall clock at boot (semihosting; an RTC/SNTP on a board) plus
     * uptime: certificate validity dates are checked against it. */
    time_t now = (time_t)(g_epoch + fw_now_ms() / 1000u);
    if (t != NULL) {
        *t = now;
    }
    return now;
}

/* ---- small helpers ---------------------------------------------------------- */

/* "key=value" from the semihosting command line, or NULL. */
static const char *arg_get(const char *cmd, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    const char *p = cmd;
    while (*p != '\0') {
        const char *end;
        while (*p == ' ') {
            p++;
        }
        end = p;
        while (*end != '\0' && *end != ' ') {
            end++;
        }
        if ((size_t)(end - p) > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
            size_t n = (size_t)(end - p) - kl - 1u;
            if (n >= cap) {
                n = cap - 1u;
            }
            memcpy(out, p + kl + 1, n);
            out[n] = '\0';
            return out;
        }
        p = end;
    }
    return NULL;
}

static uint16_t parse_port(const char *s)
{
    uint32_t v = 0;
    if (s == NULL || *s == '\0') {
        return 0;
    }
    while (*s >= '0' && *s <= '9') {
        v = v * 10u + (uint32_t)(*s++ - '0');
        if (v > 65535u) {
            return 0;
        }
    }
    return (*s == '\0') ? (uint16_t)v : 0u;
}

/* name is a literal; value is copied (it comes from a reused argument buffer) */
static void add_header(const char *name, const char *value)
{
    if (g_nhdrs < sizeof g_hdrs / sizeof g_hdrs[0] && strlen(value) < sizeof g_hvals[0]) {
        strcpy(g_hvals[g_nhdrs], value);
        g_hdrs[g_nhdrs].name = name;
        g_hdrs[g_nhdrs].value = g_hvals[g_nhdrs];
        g_nhdrs++;
    }
}

/* ---- network bring-up ------------------------------------------------------------ */

static int net_up(int use_dhcp)
{
    ip4_addr_t ip, mask, gw;
    uint32_t t0;
    lwip_init();
    if (use_dhcp) {
        ip4_addr_set_zero(&ip);
        ip4_addr_set_zero(&mask);
        ip4_addr_set_zero(&gw);
    } else {
        IP4_ADDR(&ip, 10, 0, 2, 15);
        IP4_ADDR(&mask, 255, 255, 255, 0);
        IP4_ADDR(&gw, 10, 0, 2, 2);
    }
    if (netif_add(&g_netif, &ip, &mask, &gw, NULL, lan9118_netif_init, netif_input) == NULL) {
        fw_printf("net: no LAN9118 at 0x%08x\n", (unsigned)LAN9118_BASE);
        return -1;
    }
    netif_set_default(&g_netif);
    netif_set_up(&g_netif);
    fw_printf("net: lan9118 mac %02x:%02x:%02x:%02x:%02x:%02x\n", g_netif.hwaddr[0],
              g_netif.hwaddr[1], g_netif.hwaddr[2], g_netif.hwaddr[3], g_netif.hwaddr[4],
              g_netif.hwaddr[5]);
    t0 = fw_now_ms();
    if (use_dhcp) {
        if (dhcp_start(&g_netif) != ERR_OK) {
            fw_puts("net: dhcp_start failed\n");
            return -1;
        }
        while (!dhcp_supplied_address(&g_netif)) {
            if (fw_now_ms() - t0 > 15000u) {
                fw_puts("net: no DHCP answer in 15 s\n");
                return -1;
            }
            net_service(NULL);
        }
    } else {
        ip4_addr_t dns;
        IP4_ADDR(&dns, 10, 0, 2, 3);
        dns_setserver(0, &dns);
    }
    fw_printf("net: %s %s", use_dhcp ? "dhcp" : "static", ip4addr_ntoa(netif_ip4_addr(&g_netif)));
    fw_printf(" gw %s", ip4addr_ntoa(netif_ip4_gw(&g_netif)));
    fw_printf(" dns %s (%lu ms)\n", ipaddr_ntoa(dns_getserver(0)),
              (unsigned long)(fw_now_ms() - t0));
    return 0;
}

/* ---- transport wrapper: the handshake's arena peak, apart from the stream's - */

static int app_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    uint32_t t0 = fw_now_ms();
    int rc;
    (void)ctx;
    rc = g_tls_t.connect(g_tls_t.ctx, host, port, timeout_ms);
    if (rc != DRIP_AGAIN) {
        /* Peak since setup (I/O buffers, CA, handshake, peer chain); then
         * the stream's peak starts from what stays allocated. */
        mbedtls_memory_buffer_alloc_max_get(&g_run.hs_peak, &g_run.hs_blocks);
        mbedtls_memory_buffer_alloc_cur_get(&g_run.st_base, &g_run.st_base_blocks);
        mbedtls_memory_buffer_alloc_max_reset();
        g_run.hs_stack = fw_stack_high_water();
        if (rc == DRIP_OK) {
            g_run.connects++;
        }
        g_run.t_connect = fw_now_ms() - t0;
        fw_printf("tls: %s:%u %s in %lu ms (TCP + handshake)\n", host, (unsigned)port,
                  rc == DRIP_OK ? "connected" : drip_err_str(rc),
                  (unsigned long)g_run.t_connect);
    }
    return rc;
}

static int app_send(void *ctx, const uint8_t *p, size_t n)
{
    (void)ctx;
    return g_tls_t.send(g_tls_t.ctx, p, n);
}

static int app_recv(void *ctx, uint8_t *p, size_t n, uint32_t timeout_ms)
{
    (void)ctx;
    return g_tls_t.recv(g_tls_t.ctx, p, n, timeout_ms);
}

static void app_close(void *ctx)
{
    (void)ctx;
    g_tls_t.close(g_tls_t.ctx);
}

/* ---- stream handlers ----------------------------------------------------------- */

static drip_err_t on_head(void *user, const drip_http_head_t *head)
{
    (void)user;
    (void)head;
    if (g_voice.speaking) {
        return DRIP_OK;
    }
    fw_puts("=== answer begin ===\n");
    g_run.in_answer = 1;
    return DRIP_OK;
}

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    (void)user;
    (void)ev;
    fw_write(p, n); /* as it arrives */
    g_run.crc = fw_crc32(g_run.crc, p, n);
    g_run.len += (uint32_t)n;
    if (g_voice.on) {
        drip_phrase_feed(&g_pcm.u.chunk.ph, p, n);
    }
    return DRIP_OK;
}

static drip_err_t on_event(void *user, const drip_event_t *ev)
{
    (void)user;
    if (ev->type == DRIP_EV_OUTPUT_TEXT_DONE && !ev->oversize && ev->text.p != NULL) {
        /* What the server says the whole text was: the deltas must add up. */
        g_run.done_crc = fw_crc32(g_run.done_crc, ev->text.p, ev->text.n);
        g_run.done_len += (uint32_t)ev->text.n;
        g_run.done_seen = 1;
    }
    return DRIP_OK;
}

static void on_error(void *user, const drip_error_t *err)
{
    (void)user;
    if (g_run.in_answer) { /* the text so far stays separate from the report */
        fw_puts("\n=== answer end ===");
        g_run.in_answer = 0;
    }
    fw_printf("\nstream error: %s (%d)", drip_err_str(err->code), (int)err->code);
    if (err->api.message.p != NULL) {
        fw_printf(": %.*s", (int)err->api.message.n, err->api.message.p);
    }
    if (err->request_id != NULL && err->request_id[0] != '\0') {
        fw_printf(" [%s]", err->request_id);
    }
    fw_putc('\n');
}

static const drip_handlers_t g_handlers = {
    .on_head = on_head,
    .on_event = on_event,
    .on_text = on_text,
    .on_error = on_error,
};

static const drip_handlers_t g_speech_handlers = {
    .on_head = on_head,
    .on_audio = on_audio,
    .on_error = on_error,
};

/* voice=1: one client for the answer and then the speech (the request's api
 * picks the decoder; the handlers serve both). */
static const drip_handlers_t g_voice_handlers = {
    .on_head = on_head,
    .on_event = on_event,
    .on_text = on_text,
    .on_audio = on_audio,
    .on_error = on_error,
};

/* ---- memory report ------------------------------------------------------------- */

extern uint32_t __data_start__[], __data_end__[], __bss_start__[], __bss_end__[];

static void report_memory(void)
{
    size_t cur = 0, blocks = 0;
    size_t data = (size_t)((uintptr_t)__data_end__ - (uintptr_t)__data_start__);
    size_t bss = (size_t)((uintptr_t)__bss_end__ - (uintptr_t)__bss_start__);
    size_t client = sizeof g_client + sizeof g_tx + sizeof g_rx + sizeof g_ev + sizeof g_tok +
                    sizeof g_calls;
    mbedtls_memory_buffer_alloc_cur_get(&cur, &blocks);
    fw_printf("mem: mbedtls arena %u B: peak handshake %u B in %u blocks, "
              "peak stream %u B in %u blocks, in use after free %u B\n",
              (unsigned)sizeof g_arena, (unsigned)g_run.hs_peak, (unsigned)g_run.hs_blocks,
              (unsigned)g_run.st_peak, (unsigned)g_run.st_blocks, (unsigned)cur);
#if MEM_STATS && MEMP_STATS
    fw_printf("mem: lwip heap %u B peak %u B; pbuf pool %u x %u B peak %u; tcp seg peak %u/%u\n",
              (unsigned)MEM_SIZE, (unsigned)lwip_stats.mem.max, (unsigned)PBUF_POOL_SIZE,
              (unsigned)PBUF_POOL_BUFSIZE, (unsigned)lwip_stats.memp[MEMP_PBUF_POOL]->max,
              (unsigned)lwip_stats.memp[MEMP_TCP_SEG]->max, (unsigned)MEMP_NUM_TCP_SEG);
#endif
    fw_printf("mem: client %u B (drip_client_t %u + tx %u + rx %u + event %u + tokens %u + "
              "calls %u); drip_tls_t %u B; drip_lwip_raw_t %u B + ring %u B\n",
              (unsigned)client, (unsigned)sizeof g_client, (unsigned)sizeof g_tx,
              (unsigned)sizeof g_rx, (unsigned)sizeof g_ev, (unsigned)sizeof g_tok,
              (unsigned)sizeof g_calls, (unsigned)sizeof g_tls, (unsigned)sizeof g_tcp,
              (unsigned)sizeof g_ring);
    fw_printf("mem: speech pcm ring %u B (the I2S stand-in: application memory, not the "
              "library's)\n", (unsigned)sizeof g_pcm.u.ring);
    fw_printf("mem: stack %u B, high-water %u B (%u B when the handshake ended)\n",
              (unsigned)fw_stack_size(), (unsigned)fw_stack_high_water(),
              (unsigned)g_run.hs_stack);
    fw_printf("mem: RAM .data %u + .bss %u + stack %u = %u B of 256 KB (goal 64 KB = 65536 B)\n",
              (unsigned)data, (unsigned)bss, (unsigned)fw_stack_size(),
              (unsigned)(data + bss + fw_stack_size()));
}

/* ---- voice=1: the first phrase spoken on the same client ---------------------- */

/* After the answer (req, res): speak its first phrase (speech, sse) into the
 * PCM ring on the same client, so on the kept-alive connection and the same
 * TLS session: one session at a time, answer first. Prints the figures and
 * returns the exit status. */
static int voice_speak_first(drip_request_t *req, const drip_result_t *res)
{
    size_t base = 0, base_blocks = 0, peak = 0, blocks = 0;
    drip_state_t answer = res->state;
    int rc;

    drip_phrase_finish(&g_pcm.u.chunk.ph); /* the last phrase */
    fw_printf("voice: answer %s, %lu phrases, longest %lu B (max %u), drip_phrase_t %u B + "
              "buffer %u B; first phrase \"%s\"\n", drip_state_name(answer),
              (unsigned long)g_voice.phrases, (unsigned long)g_voice.longest,
              (unsigned)DRIP_PHRASE_MAX_DEFAULT, (unsigned)sizeof g_pcm.u.chunk.ph,
              (unsigned)sizeof g_pcm.u.chunk.buf, g_voice.first);
    if (answer != DRIP_STATE_COMPLETED || g_voice.phrases == 0u) {
        return FW_EXIT_FAIL;
    }
    /* The speech's arena peak apart from the answer's: from what stays
     * allocated between two requests (the session's records). */
    mbedtls_memory_buffer_alloc_cur_get(&base, &base_blocks);
    mbedtls_memory_buffer_alloc_max_reset();
    memset(req, 0, sizeof *req);
    req->api = DRIP_API_SPEECH;
    req->model = "gpt-4o-mini-tts";
    req->input = g_voice.first;
    req->voice = "coral";
    req->response_format = "pcm";
    req->stream_format = "sse";
    memset(&g_pcm, 0, sizeof g_pcm);
    g_pcm.fnv = 0x811C9DC5u;
    g_voice.speaking = 1;
    rc = drip_client_start(&g_client, req);
    if (rc != DRIP_OK) {
        fw_printf("voice: speech start failed: %s\n", drip_err_str(rc));
        return FW_EXIT_FAIL;
    }
    while (drip_client_step(&g_client) == DRIP_AGAIN) {
        net_service(NULL);
        i2s_drain(FW_PCM_RING / 4u);
    }
    i2s_drain(FW_PCM_RING);
    mbedtls_memory_buffer_alloc_max_get(&peak, &blocks);
    if (peak < base) {
        peak = base;
        blocks = base_blocks;
    }
    fw_printf("voice: speech state=%s audio_bytes=%lu fnv1a=%08lx pcm_ring=%u B peak %u B; "
              "connections %lu\n", drip_state_name(res->state), (unsigned long)g_pcm.played,
              (unsigned long)g_pcm.fnv, (unsigned)FW_PCM_RING, (unsigned)g_pcm.peak,
              (unsigned long)g_run.connects);
    fw_printf("voice: arena peaks: handshake %u B, answer stream %u B, speech stream %u B "
              "(in %u blocks; %u B held by the session between them)\n",
              (unsigned)g_run.hs_peak, (unsigned)g_run.st_peak, (unsigned)peak,
              (unsigned)blocks, (unsigned)base);
    return res->state == DRIP_STATE_COMPLETED && g_pcm.played > 0u && g_run.connects == 1u
               ? FW_EXIT_OK
               : FW_EXIT_FAIL;
}

/* ---- main ---------------------------------------------------------------------- */

int main(void)
{
    char cmd[256], val[96], host[64], tbuf[160];
    drip_lwip_raw_cfg_t rcfg;
    drip_tls_cfg_t tcfg;
    drip_client_cfg_t ccfg;
    drip_request_t req;
    const drip_result_t *res;
    uint16_t port;
    int rc, exit_code, disp_ok = 1, soak_rc = 0, voice_rc = FW_EXIT_FAIL;
    char speech[8] = "";

    board_init();
    g_epoch = fw_semihost_time();
    fw_test_entropy_seed(g_epoch); /* TEST ONLY: see test_entropy.h */
    fw_printf("dripfeed on qemu-mps2-an386 (Cortex-M4, lwIP %s NO_SYS, %s)\n",
              LWIP_VERSION_STRING, MBEDTLS_VERSION_STRING_FULL);
    fw_puts("WARNING: test-only entropy (predictable); real boards must use a hardware RNG\n");
    if (fw_semihost_cmdline(cmd, sizeof cmd) < 0) {
        cmd[0] = '\0';
    }
    if (arg_get(cmd, "heapcheck", val, sizeof val) != NULL) {
        void *volatile p = malloc(16); /* wrapped: never returns */
        fw_printf("heap guard did not stop malloc (%p)\n", p);
        fw_semihost_exit(FW_EXIT_FAIL);
    }
    port = parse_port(arg_get(cmd, "port", val, sizeof val));
    if (port == 0u) {
        fw_printf("usage: arg=port=N [arg=host=NAME] [arg=fault=SPEC] (got \"%s\")\n", cmd);
        fw_semihost_exit(FW_EXIT_SETUP);
    }
    if (arg_get(cmd, "host", host, sizeof host) == NULL) {
        strcpy(host, FW_TEST_HOST_NAME);
    }
    if (arg_get(cmd, "fault", val, sizeof val) != NULL) {
        add_header("X-Drip-Fault", val);
    }
    if (arg_get(cmd, "chunk", val, sizeof val) != NULL) {
        add_header("X-Drip-Chunk", val);
    }
    if (arg_get(cmd, "transcript", val, sizeof val) != NULL) {
        add_header("X-Drip-Transcript", val);
    }
    if (arg_get(cmd, "sdeltas", val, sizeof val) != NULL) {
        add_header("X-Drip-Speech-Deltas", val);
    }
    if (arg_get(cmd, "srepeat", val, sizeof val) != NULL) {
        add_header("X-Drip-Speech-Repeat", val);
    }
    (void)arg_get(cmd, "speech", speech, sizeof speech);
    g_voice.on = speech[0] == '\0' && arg_get(cmd, "voice", val, sizeof val) != NULL;

    if (net_up(arg_get(cmd, "net", val, sizeof val) == NULL || strcmp(val, "static") != 0) != 0) {
        fw_semihost_exit(FW_EXIT_SETUP);
    }

    /* mbedTLS allocates only from this arena from now on. */
    mbedtls_memory_buffer_alloc_init(g_arena, sizeof g_arena);

    memset(&rcfg, 0, sizeof rcfg);
    rcfg.ring = g_ring;
    rcfg.ring_len = sizeof g_ring;
    rcfg.service = net_service;
    (void)drip_lwip_raw_init(&g_tcp, &rcfg);
    (void)drip_lwip_raw_transport(&g_tcp, &g_tcp_t);
    (void)drip_lwip_raw_platform(&g_tcp, &g_platform);

    memset(&tcfg, 0, sizeof tcfg);
    tcfg.ca_pem_or_der = fw_test_ca_der;
    tcfg.ca_len = fw_test_ca_der_len;
    tcfg.entropy = fw_test_entropy; /* TEST ONLY: a product passes its TRNG */
    tcfg.platform = &g_platform;
    drip_tls_init(&g_tls);
    rc = drip_tls_setup(&g_tls, &g_tcp_t, &tcfg);
    if (rc != DRIP_OK) {
        fw_printf("tls: setup failed: %s\n", drip_tls_describe(&g_tls, tbuf, sizeof tbuf));
        fw_semihost_exit(FW_EXIT_SETUP);
    }
    (void)drip_tls_transport(&g_tls, &g_tls_t);
    g_app_t.connect = app_connect;
    g_app_t.send = app_send;
    g_app_t.recv = app_recv;
    g_app_t.close = app_close;
    g_app_t.ctx = NULL;

    memset(&ccfg, 0, sizeof ccfg);
    ccfg.endpoint.host = host;
    ccfg.endpoint.port = port;
    ccfg.endpoint.path_prefix = "/v1";
    ccfg.endpoint.auth_name = "Authorization";
    ccfg.endpoint.auth_value = "Bearer sk-test-not-a-real-key";
    ccfg.endpoint.headers = g_hdrs;
    ccfg.endpoint.nheaders = g_nhdrs;
    ccfg.transport = g_app_t;
    ccfg.platform = g_platform;
    ccfg.stream.api = DRIP_API_RESPONSES;
    ccfg.stream.buf = g_ev;
    ccfg.stream.buf_len = sizeof g_ev;
    ccfg.stream.tok = g_tok;
    ccfg.stream.ntok = FW_NTOK;
    ccfg.stream.calls = g_calls;
    ccfg.stream.ncalls = FW_NCALLS;
    if (speech[0] != '\0') {
        ccfg.stream.handlers = &g_speech_handlers;
    } else if (g_voice.on) {
        drip_phrase_cfg_t pc;
        memset(&pc, 0, sizeof pc);
        pc.min = DRIP_PHRASE_MIN_DEFAULT;
        pc.max = DRIP_PHRASE_MAX_DEFAULT;
        pc.buf = g_pcm.u.chunk.buf;
        pc.buf_len = sizeof g_pcm.u.chunk.buf;
        pc.on_phrase = on_phrase;
        if (drip_phrase_init(&g_pcm.u.chunk.ph, &pc) != DRIP_OK) {
            fw_puts("voice: phrase setup failed\n");
            fw_semihost_exit(FW_EXIT_SETUP);
        }
        ccfg.stream.handlers = &g_voice_handlers;
    } else {
        ccfg.stream.handlers = &g_handlers;
        fw_display_attach(&ccfg.stream); /* the answer also drawn on a RAM panel */
    }
    ccfg.tx = g_tx;
    ccfg.tx_len = sizeof g_tx;
    ccfg.rx = g_rx;
    ccfg.rx_len = sizeof g_rx;
    ccfg.connect_timeout_ms = 20000;
    ccfg.first_event_timeout_ms = 20000;
    ccfg.idle_timeout_ms = 20000;
    ccfg.total_timeout_ms = 60000;
    ccfg.max_retries = 0; /* one attempt: the test judges exactly what happened */
    if (drip_client_init(&g_client, &ccfg) != DRIP_OK) {
        fw_puts("client: init failed\n");
        fw_semihost_exit(FW_EXIT_SETUP);
    }

    memset(&req, 0, sizeof req);
    if (speech[0] != '\0') {
        req.api = DRIP_API_SPEECH;
        req.model = "gpt-4o-mini-tts";
        req.input = "Hello from dripfeed.";
        req.voice = "coral";
        req.response_format = "pcm";
        req.stream_format = speech;
        g_pcm.fnv = 0x811C9DC5u;
    } else {
        req.api = DRIP_API_RESPONSES;
        req.model = "gpt-5.2";
        req.instructions = "Answer directly.";
        req.input = "What is 2+2?";
    }
    rc = drip_client_start(&g_client, &req);
    if (rc != DRIP_OK) {
        fw_printf("client: start failed: %s\n", drip_err_str(rc));
        fw_semihost_exit(FW_EXIT_SETUP);
    }
    fw_printf("request: POST https://%s:%u/v1%s%s%s\n", host, (unsigned)port,
              drip_request_path(&req), g_nhdrs != 0 ? " with " : "",
              g_nhdrs != 0 ? "test headers" : "");

    /* The superloop: step() never waits, the TCP connect and the TLS
     * handshake included (polled: connect with timeout 0); lwIP runs here
     * between steps. */
    while (drip_client_step(&g_client) == DRIP_AGAIN) {
        net_service(NULL);
        i2s_drain(FW_PCM_RING / 4u); /* speech: the DMA plays on meanwhile */
    }
    i2s_drain(FW_PCM_RING);
    mbedtls_memory_buffer_alloc_max_get(&g_run.st_peak, &g_run.st_blocks);
    if (g_run.st_peak < g_run.st_base) { /* nothing allocated after the handshake */
        g_run.st_peak = g_run.st_base;
        g_run.st_blocks = g_run.st_base_blocks;
    }

    res = drip_client_result(&g_client);
    if (g_run.in_answer) {
        fw_puts("\n=== answer end ===\n");
        g_run.in_answer = 0;
    }
    fw_printf("result: state=%s http=%d events=%lu text_bytes=%lu", drip_state_name(res->state),
              res->http_status, (unsigned long)res->events, (unsigned long)g_run.len);
    if (res->has_usage) {
        fw_printf(" tokens=%ld/%ld/%ld", (long)res->usage.input_tokens,
                  (long)res->usage.output_tokens, (long)res->usage.total_tokens);
    }
    fw_printf(" response_id=%s\n", res->response_id[0] != '\0' ? res->response_id : "-");
    if (drip_client_transport_error(&g_client) != 0) {
        fw_printf("transport: %s; tls: %s; lwip err %d\n",
                  drip_err_str(drip_client_transport_error(&g_client)),
                  drip_tls_describe(&g_tls, tbuf, sizeof tbuf), drip_lwip_raw_last_err(&g_tcp));
    }
    fw_printf("check: output_text.done %s, deltas %s it (crc32 %08lx, %lu bytes)\n",
              g_run.done_seen ? "seen" : "not seen",
              (g_run.done_seen && g_run.done_crc == g_run.crc && g_run.done_len == g_run.len)
                  ? "match"
                  : "do not match",
              (unsigned long)g_run.crc, (unsigned long)g_run.len);

    if (g_voice.on) {
        voice_rc = voice_speak_first(&req, res);
    } else if (speech[0] != '\0') {
        fw_printf("speech: state=%s audio_bytes=%lu fnv1a=%08lx on_audio_calls=%lu "
                  "pcm_ring=%u B peak %u B\n",
                  drip_state_name(res->state), (unsigned long)g_pcm.played,
                  (unsigned long)g_pcm.fnv, (unsigned long)g_pcm.calls, (unsigned)FW_PCM_RING,
                  (unsigned)g_pcm.peak);
    } else {
        disp_ok = fw_display_finish(res, cmd) == 0; /* the panel's final frame */
        if (arg_get(cmd, "soak", val, sizeof val) != NULL) {
            soak_rc = fw_soak_run(&g_client, &ccfg, &req, val, g_run.crc, g_run.len, &g_run.hs_peak,
                                  net_service);
        }
    }

    drip_client_disconnect(&g_client);
    drip_tls_free(&g_tls); /* everything back to the arena: "in use" must be 0 */
    report_memory();

    if (g_voice.on) {
        exit_code = voice_rc;
    } else if (speech[0] != '\0') {
        exit_code = res->state == DRIP_STATE_COMPLETED && g_pcm.played > 0u ? FW_EXIT_OK
                                                                            : FW_EXIT_FAIL;
    } else {
        exit_code = (disp_ok && res->state == DRIP_STATE_COMPLETED && g_run.done_seen &&
                     g_run.len > 0u && g_run.done_crc == g_run.crc && g_run.done_len == g_run.len && soak_rc == 0)
                        ? FW_EXIT_OK
                        : FW_EXIT_FAIL;
    }
    fw_printf("exit: %d\n", exit_code);
    fw_semihost_exit(exit_code);
}
