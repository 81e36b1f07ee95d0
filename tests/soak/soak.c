/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Soak: N sequential answers through ONE client (drip_client over
 * port/mbedtls over port/posix, keep-alive) from the replay server, with
 * seeded random faults every few answers (soak_run.c). Every answer's final
 * state and text are checked against what its fault should give; resources
 * are sampled after each answer. Run by tests/soak/run_soak.py (`make soak`,
 * CTest soak_short), which starts the server and computes the expected
 * texts from the transcripts.
 *
 *   soak HOST PORT CA_FILE N SEED TEXT_FILE BG_TEXT_FILE
 *
 * Last line, exactly:
 *   soak: N answers, W wrong, rss_kb first F last L, fds first F last L, arena_peak first F last L
 * Windows of W answers: a tenth of the run, at least 100 (at most half of
 * a run shorter than 200). rss_kb and fds:
 * "first" after answer W (the warm-up: every fault kind has run, code and
 * buffers of the rare paths are paged in), "last" after answer N.
 * arena_peak: the largest heap peak during one answer (tests/soak/
 * heap_peak.c, LD_PRELOADed by the runner: on the host that is mbedTLS's
 * allocations, its arena on a board), "first" over the first W answers,
 * "last" over the last W; -1 without the preload. The heap in use between
 * answers is printed too (same first/last as rss).
 * Exit 1 when W > 0 wrong, or fds grew, or arena_peak or the heap in use
 * grew by more than SOAK_HEAP_SLACK bytes (default 1024: the kept TLS
 * session's ticket differs by a few bytes from one session to the next), or
 * rss_kb by more than SOAK_RSS_SLACK_KB (default 64: page-ins are not
 * leaks; a leak of even a byte per answer shows in the heap in use).
 *
 * Retry waits are real for the server's view but short for the soak: the
 * client's platform sleeps at most 2 ms and moves its clock on by the rest
 * (a test knob in the platform, nothing in the library changes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drip_posix.h"
#include "soak_run.h"

static drip_posix_t g_tcp;
static drip_tls_t g_tls;
static drip_client_t g_client;
static uint8_t g_tx[8192], g_rx[4096], g_data[4096];
static jsmntok_t g_tok[256];
static drip_call_slot_t g_calls[4];

int main(int argc, char **argv)
{
    drip_header_t hdr[SOAK_NHEADERS];
    drip_client_cfg_t cc;
    drip_tls_cfg_t tc;
    drip_transport_t tcp;
    drip_platform_t real;
    soak_cfg_t sc;
    int rc;

    if (argc != 8) {
        fprintf(stderr, "usage: soak HOST PORT CA_FILE N SEED TEXT_FILE BG_TEXT_FILE\n");
        return 2;
    }
    memset(&sc, 0, sizeof sc);
    sc.n = atol(argv[4]);
    sc.seed = (uint64_t)atoll(argv[5]);
    sc.text = soak_slurp(argv[6], &sc.text_n);
    sc.bg = soak_slurp(argv[7], &sc.bg_n);
    sc.label = "soak";

    drip_posix_platform(&real);
    drip_posix_init(&g_tcp);
    drip_posix_transport(&g_tcp, &tcp);
    memset(&tc, 0, sizeof tc);
    tc.ca_file = argv[3];
    tc.platform = &real;
    drip_tls_init(&g_tls);
    if (drip_tls_setup(&g_tls, &tcp, &tc) != DRIP_OK) {
        fprintf(stderr, "soak: TLS setup failed\n");
        return 2;
    }
    soak_headers(hdr);
    memset(&cc, 0, sizeof cc);
    drip_tls_transport(&g_tls, &cc.transport);
    soak_platform(&real, &cc.platform);
    cc.endpoint.host = argv[1];
    cc.endpoint.port = (uint16_t)atoi(argv[2]);
    cc.endpoint.path_prefix = "/v1";
    cc.endpoint.auth_name = "Authorization";
    cc.endpoint.auth_value = "Bearer sk-soak";
    cc.endpoint.headers = hdr; /* values rewritten before each answer */
    cc.endpoint.nheaders = SOAK_NHEADERS;
    cc.stream.buf = g_data;
    cc.stream.buf_len = sizeof g_data;
    cc.stream.tok = g_tok;
    cc.stream.ntok = 256;
    cc.stream.calls = g_calls;
    cc.stream.ncalls = 4;
    cc.stream.handlers = &soak_handlers;
    cc.tx = g_tx;
    cc.tx_len = sizeof g_tx;
    cc.rx = g_rx;
    cc.rx_len = sizeof g_rx;
    cc.max_retries = 2;
    cc.max_resumes = 2;
    cc.idle_timeout_ms = 5000;
    cc.on_retry = soak_on_retry;
    if (drip_client_init(&g_client, &cc) != DRIP_OK) {
        fprintf(stderr, "soak: client init failed\n");
        return 2;
    }
    sc.client = &g_client;
    sc.tls = &g_tls;
    sc.real = &real;
    rc = soak_run(&sc);
    drip_client_disconnect(&g_client);
    drip_tls_free(&g_tls);
    return rc;
}
