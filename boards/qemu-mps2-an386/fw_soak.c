/* SPDX-License-Identifier: Apache-2.0 */
/*
 * arg=soak=N: N answers in one boot through one client (fw_soak.h). Faults
 * from the replay server rotate: `close=1` on every 10th answer (the next one
 * reconnects: a resumed TLS handshake), `no_terminal=1` on the other 13th
 * ones (state truncated, the whole text), nothing on the rest. After each
 * answer: its state, its text (CRC and length against the first answer's,
 * which main.c checked against response.output_text.done), and the
 * high-water marks: mbedTLS arena (mbedtls_memory_buffer_alloc max, with
 * main.c's per-handshake peak) and every lwIP pool and the lwIP heap
 * (lwip_stats). The marks must not move after the first answer: what one
 * answer needs, two hundred need.
 *
 * "First" is taken after answer 2, the first of this loop: main.c's answer
 * 1 kept its connection open (keep-alive); answer 2 closes it from this side
 * (its PCB then waits in TIME_WAIT) and reconnects with a resumed handshake,
 * so it is the first answer that did everything later ones do, with the
 * most lwIP PCBs alive at once. The marks after answer 1 are printed too
 * (the arena's is the same; lwIP holds one more PCB after the first
 * reconnect, and a little more lwIP heap with it).
 */
#include "fw_soak.h"

#include <string.h>

#include "board.h"
#include "fw_crc32.h"
#include "lwip/memp.h"
#include "lwip/stats.h"
#include "mbedtls/memory_buffer_alloc.h"

static uint32_t s_crc, s_len;
static char s_fault[24];
static drip_header_t s_hdr[1];

static drip_err_t s_on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    (void)user, (void)ev;
    s_crc = fw_crc32(s_crc, p, n);
    s_len += (uint32_t)n;
    return DRIP_OK;
}

static const drip_handlers_t s_handlers = {.on_text = s_on_text};

typedef struct {
    size_t arena;           /* mbedTLS arena high-water */
    uint32_t pools;         /* sum of the lwIP pools' max counts */
    uint32_t heap;          /* lwIP heap max */
    uint16_t pool[MEMP_MAX];
} marks_t;

static void marks(marks_t *m, const size_t *hs_peak)
{
    size_t cur = 0, blocks = 0;
    int i;
    mbedtls_memory_buffer_alloc_max_get(&cur, &blocks);
    if (*hs_peak > cur) {
        cur = *hs_peak;
    }
    if (cur > m->arena) {
        m->arena = cur;
    }
    m->pools = 0;
    for (i = 0; i < MEMP_MAX; i++) {
        m->pool[i] = lwip_stats.memp[i]->max;
        m->pools += m->pool[i];
    }
    m->heap = (uint32_t)lwip_stats.mem.max;
}

int fw_soak_run(drip_client_t *c, const drip_client_cfg_t *base, const drip_request_t *req,
                const char *n_arg, uint32_t crc1, uint32_t len1, const size_t *hs_peak,
                void (*service)(void *ctx))
{
    drip_client_cfg_t cfg = *base;
    marks_t first, now, one;
    unsigned n = 0, i, wrong = 0;

    while (*n_arg >= '0' && *n_arg <= '9' && n < 100000u) {
        n = n * 10u + (unsigned)(*n_arg++ - '0');
    }
    memset(&one, 0, sizeof one);
    marks(&one, hs_peak);
    now = one;
    first = one;
    s_hdr[0].name = "X-Drip-Fault";
    s_hdr[0].value = s_fault;
    cfg.endpoint.headers = s_hdr;
    cfg.endpoint.nheaders = 1;
    cfg.stream.handlers = &s_handlers;
    drip_client_disconnect(c); /* answer 2 reconnects: a resumed handshake */
    if (drip_client_init(c, &cfg) != DRIP_OK) {
        fw_puts("soak: client init failed\n");
        return 1;
    }
    fw_printf("soak: %u answers in this boot; after answer 1: arena peak %u B, lwIP pools %u, "
              "lwIP heap %u B\n", n, (unsigned)one.arena, (unsigned)one.pools, (unsigned)one.heap);
    for (i = 2; i <= n; i++) {
        const drip_result_t *r;
        int want_truncated = (i % 13u) == 0u && (i % 10u) != 0u, bad;
        /* all three the same length: the request, and the lwIP heap that
         * holds it while it is sent, are the same size every time */
        strcpy(s_fault, (i % 10u) == 0u ? "html=0,close=1" : want_truncated ? "no_terminal=1," : "html=0,close=0");
        s_crc = 0;
        s_len = 0;
        if (drip_client_start(c, req) != DRIP_OK) {
            fw_printf("soak: answer %u: start failed\n", i);
            return 1;
        }
        while (drip_client_step(c) == DRIP_AGAIN) {
            service(NULL);
        }
        r = drip_client_result(c);
        bad = r->state != (want_truncated ? DRIP_STATE_TRUNCATED : DRIP_STATE_COMPLETED) ||
              s_crc != crc1 || s_len != len1;
        marks(&now, hs_peak);
        if (i == 2u) {
            first = now;
        }
        if (bad) {
            wrong++;
            fw_printf("soak: answer %u (%s) wrong: state %s, %lu bytes, crc %08lx\n", i, s_fault,
                      drip_state_name(r->state), (unsigned long)s_len, (unsigned long)s_crc);
        }
        if (i % 50u == 0u || i == n) {
            fw_printf("soak: %u answers, %u wrong, arena peak %u B, lwIP pools %u, lwIP heap %u B\n",
                      i, wrong, (unsigned)now.arena, (unsigned)now.pools, (unsigned)now.heap);
        }
    }
    fw_printf("soak qemu: %u answers, %u wrong, arena_peak first %u last %u, lwip_pool_peak first %u "
              "last %u, lwip_heap_peak first %u last %u\n",
              n, wrong, (unsigned)first.arena, (unsigned)now.arena, (unsigned)first.pools,
              (unsigned)now.pools, (unsigned)first.heap, (unsigned)now.heap);
    for (i = 0; i < (unsigned)MEMP_MAX; i++) {
        if (now.pool[i] != one.pool[i]) {
            fw_printf("soak: lwIP pool %u peak %u after answer 1, %u after answer 2, %u at the end\n",
                      i, (unsigned)one.pool[i], (unsigned)first.pool[i], (unsigned)now.pool[i]);
        }
    }
    return (wrong == 0u && now.arena == first.arena && now.heap == first.heap &&
            memcmp(now.pool, first.pool, sizeof now.pool) == 0)
               ? 0
               : 1;
}
