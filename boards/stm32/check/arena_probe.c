/* SPDX-License-Identifier: Apache-2.0 */
/* Host measurement of the Mbed TLS arena the STM32 configuration needs
 * (arena_probe.sh builds and runs it): Mbed TLS 2.28 compiled from source
 * against boards/stm32/mbedtls_config.h (plus MBEDTLS_MEMORY_DEBUG), the
 * board's static-buffer allocator, dripfeed's client + port/mbedtls over
 * port/posix, one full answer from the local replay server, whose body
 * goes out in 16 KB chunks so full-size TLS records arrive.
 *
 *   arena_probe PORT CA_PEM_FILE TRANSCRIPT [ARENA_BYTES]
 *
 * CA_PEM_FILE holds the production roots plus the test CA, so parsing the
 * roots the board ships is part of the peak. Prints one line:
 *   state=completed events=N text=N arena_peak=N blocks_peak=N after_free=N
 * and exits 0 only for a completed answer with nothing left in the arena.
 * arena_peak counts the bytes Mbed TLS asked for; the allocator adds a
 * header per block, so arena_probe.sh also finds the smallest ARENA_BYTES
 * that still completes (host pointers are 8 bytes: an upper bound for the
 * 32-bit target). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "mbedtls/memory_buffer_alloc.h"

#include "dripfeed/dripfeed.h"
#include "drip_posix.h"
#include "drip_tls.h"

#if !defined(MBEDTLS_MEMORY_DEBUG)
#error "arena_probe measures with MBEDTLS_MEMORY_DEBUG"
#endif

static unsigned char s_arena[256 * 1024];
static long s_text;

/* The board's hooks (entropy_hw.c), on the host. */
int mbedtls_hardware_poll(void *data, unsigned char *out, size_t len, size_t *olen)
{
    (void)data;
    *olen = 0;
    while (*olen < len) {
        ssize_t n = getrandom(out + *olen, len - *olen, 0);
        if (n <= 0) {
            return -1;
        }
        *olen += (size_t)n;
    }
    return 0;
}

void *drip_stm32_no_calloc(size_t n, size_t size)
{
    (void)n;
    (void)size;
    return NULL;
}

void drip_stm32_no_free(void *p)
{
    (void)p;
}

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    (void)user;
    (void)ev;
    (void)p;
    s_text += (long)n;
    return DRIP_OK;
}

static void on_error(void *user, const drip_error_t *e)
{
    (void)user;
    fprintf(stderr, "arena_probe: error %s (%d)\n", drip_err_str(e->code), (int)e->code);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    long n;
    if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
        p = malloc((size_t)n + 1); /* host only: the probe's own file buffer */
        if (p != NULL && fread(p, 1, (size_t)n, f) == (size_t)n) {
            p[n] = '\0';
            *len = (size_t)n + 1;
        } else {
            free(p);
            p = NULL;
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    return p;
}

int main(int argc, char **argv)
{
    static uint8_t tx[2048], rx[1024], data[1024];
    static jsmntok_t tok[64];
    static drip_call_slot_t calls[2];
    static drip_posix_t tcp;
    static drip_tls_t tls;
    static drip_client_t client;
    static drip_platform_t pl;
    static drip_transport_t tcp_t;
    static const drip_handlers_t h = {.on_text = on_text, .on_error = on_error};
    static drip_header_t hdrs[2] = {{"X-Drip-Transcript", NULL}, {"X-Drip-Chunk", "16384"}};
    drip_tls_cfg_t tc;
    drip_client_cfg_t cc;
    drip_request_t req;
    size_t ca_len = 0, peak = 0, blocks = 0, used = 0, nblocks = 0;
    char *ca;
    drip_state_t st = DRIP_STATE_PENDING;
    drip_err_t e;

    size_t arena = sizeof s_arena;

    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: arena_probe PORT CA_PEM_FILE TRANSCRIPT [ARENA_BYTES]\n");
        return 2;
    }
    if (argc == 5) {
        arena = (size_t)strtoul(argv[4], NULL, 10);
        if (arena < 1024 || arena > sizeof s_arena) {
            return 2;
        }
    }
    ca = read_file(argv[2], &ca_len);
    if (ca == NULL) {
        fprintf(stderr, "arena_probe: cannot read %s\n", argv[2]);
        return 2;
    }
    mbedtls_memory_buffer_alloc_init(s_arena, arena);

    drip_posix_init(&tcp);
    drip_posix_transport(&tcp, &tcp_t);
    drip_posix_platform(&pl);
    memset(&tc, 0, sizeof tc);
    tc.ca_pem_or_der = (const uint8_t *)ca;
    tc.ca_len = ca_len;
    tc.platform = &pl;
    drip_tls_init(&tls);
    e = drip_tls_setup(&tls, &tcp_t, &tc);
    if (e == DRIP_OK) {
        memset(&cc, 0, sizeof cc);
        drip_tls_transport(&tls, &cc.transport);
        cc.platform = pl;
        cc.endpoint.host = "localhost";
        cc.endpoint.port = (uint16_t)atoi(argv[1]);
        cc.endpoint.path_prefix = "/v1";
        hdrs[0].value = argv[3];
        cc.endpoint.headers = hdrs;
        cc.endpoint.nheaders = 2;
        cc.stream.api = DRIP_API_RESPONSES;
        cc.stream.buf = data;
        cc.stream.buf_len = sizeof data;
        cc.stream.tok = tok;
        cc.stream.ntok = 64;
        cc.stream.calls = calls;
        cc.stream.ncalls = 2;
        cc.stream.handlers = &h;
        cc.tx = tx;
        cc.tx_len = sizeof tx;
        cc.rx = rx;
        cc.rx_len = sizeof rx;
        cc.connect_timeout_ms = 10000;
        cc.idle_timeout_ms = 20000;
        cc.total_timeout_ms = 60000;
        e = drip_client_init(&client, &cc);
    }
    if (e == DRIP_OK) {
        memset(&req, 0, sizeof req);
        req.api = DRIP_API_RESPONSES;
        req.model = "gpt-4o-mini";
        req.input = "arena probe";
        e = drip_client_start(&client, &req);
    }
    if (e == DRIP_OK) {
        st = drip_client_run(&client);
    } else {
        char why[200];
        fprintf(stderr, "arena_probe: setup: %s (%s)\n", drip_err_str(e),
                drip_tls_describe(&tls, why, sizeof why));
    }
    drip_client_disconnect(&client);
    mbedtls_memory_buffer_alloc_max_get(&peak, &blocks);
    drip_tls_free(&tls);
    mbedtls_memory_buffer_alloc_cur_get(&used, &nblocks);
    printf("state=%s events=%u text=%ld arena_peak=%zu blocks_peak=%zu after_free=%zu "
           "sizeof_drip_tls_t(host)=%zu\n",
           drip_state_name(st), (unsigned)drip_client_result(&client)->events, s_text, peak,
           blocks, used, sizeof tls);
    mbedtls_memory_buffer_alloc_free();
    free(ca);
    return (st == DRIP_STATE_COMPLETED && used == 0) ? 0 : 1;
}
