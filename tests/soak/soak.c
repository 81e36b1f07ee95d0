/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Soak: N sequential answers through ONE client (drip_client over
 * port/mbedtls over port/posix, keep-alive) from the replay server, with
 * seeded random faults every few answers. Every answer's final state and
 * text are checked against what its fault should give; resources are
 * sampled after each answer. Run by tests/soak/run_soak.py (`make soak`,
 * CTest soak_short), which starts the server and computes the expected
 * texts from the transcripts.
 *
 *   soak HOST PORT CA_FILE N SEED TEXT_FILE BG_TEXT_FILE
 *
 * Last line, exactly:
 *   soak: N answers, W wrong, rss_kb first F last L, fds first F last L, arena_peak first F last L
 * The run is cut in tenths (W = N / 10 answers, at least 1). rss_kb and fds:
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
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dripfeed/dripfeed.h"
#include "drip_posix.h"
#include "drip_tls.h"

enum {
    F_NONE,
    F_DROP_BG,      /* background answer dropped mid-stream: resumed, completed, whole text */
    F_DROP,         /* dropped mid-stream (FIN, no close_notify) */
    F_RESET,        /* dropped mid-stream with a TCP RST */
    F_STALL,        /* a pause mid-stream shorter than the idle timeout */
    F_429,          /* 429 with retry-after, once: retried, completed */
    F_500,          /* 500 once: retried, completed */
    F_NO_TERMINAL,  /* body ends properly without the terminal event: truncated, whole text */
    F_CLOSE,        /* Connection: close instead of keep-alive */
    F_N
};
static const char *const FAULT_NAME[F_N] = {"none",  "drop_bg", "drop",        "reset", "stall",
                                            "429",   "500",     "no_terminal", "close"};

static drip_posix_t g_tcp;
static drip_tls_t g_tls;
static drip_client_t g_client;
static uint8_t g_tx[8192], g_rx[4096], g_data[4096];
static jsmntok_t g_tok[256];
static drip_call_slot_t g_calls[4];
static char g_text[65536];
static size_t g_n;
static int g_overflow, g_retries;
static char g_key[64], g_fault[128], g_seed[32];
static drip_platform_t g_real;
static uint32_t g_skew;

static uint32_t v_now(void *ctx)
{
    (void)ctx;
    return g_real.now_ms(g_real.ctx) + g_skew;
}

static void v_sleep(void *ctx, uint32_t ms)
{
    uint32_t real = ms > 2u ? 2u : ms;
    (void)ctx;
    g_real.sleep_ms(g_real.ctx, real);
    g_skew += ms - real;
}

static uint32_t v_random(void *ctx)
{
    (void)ctx;
    return g_real.random(g_real.ctx);
}

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    (void)user, (void)ev;
    if (g_n + n > sizeof g_text) {
        g_overflow = 1;
        return DRIP_OK;
    }
    memcpy(g_text + g_n, p, n);
    g_n += n;
    return DRIP_OK;
}

static void on_retry(void *user, const drip_retry_info_t *info)
{
    (void)user, (void)info;
    g_retries++;
}

static char *slurp(const char *path, size_t *len)
{
    static char bufs[2][65536];
    static int which;
    char *b = bufs[which++ & 1];
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    *len = fread(b, 1, sizeof bufs[0], f);
    fclose(f);
    return b;
}

static long rss_kb(void)
{
    long pages = 0, res = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f != NULL) {
        if (fscanf(f, "%ld %ld", &pages, &res) != 2) {
            res = 0;
        }
        fclose(f);
    }
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Open file descriptors, not counting the client's current connection
 * (open or not depending on the last fault): a leaked socket still counts. */
static long fds(void)
{
    long n = 0;
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    if (d == NULL) {
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        n += e->d_name[0] != '.';
    }
    closedir(d);
    return n - 1 - (g_client.priv.connected != 0); /* the directory's own fd, the live socket */
}

typedef void (*heap_stats_fn)(size_t *, size_t *, int);

static uint64_t g_rng;
static uint32_t rnd(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return (uint32_t)(g_rng >> 11);
}

int main(int argc, char **argv)
{
    static const drip_handlers_t handlers = {.on_text = on_text};
    drip_header_t hdr[4];
    drip_client_cfg_t cc;
    drip_tls_cfg_t tc;
    drip_transport_t tcp;
    size_t full_n, bg_n;
    const char *full, *bg;
    long n, i, wrong = 0, rss_first = 0, fds_first = 0;
    long long peak_first = -1, peak_last = -1, heap_first = -1, heap_last = -1;
    long w;
    long long hslack = getenv("SOAK_HEAP_SLACK") != NULL ? atoll(getenv("SOAK_HEAP_SLACK")) : 1024;
    uint32_t t_start;
    long fault_count[F_N] = {0}, fault_wrong[F_N] = {0};
    heap_stats_fn heap;
    int rc;
    long slack = getenv("SOAK_RSS_SLACK_KB") != NULL ? atol(getenv("SOAK_RSS_SLACK_KB")) : 64;

    if (argc != 8) {
        fprintf(stderr, "usage: soak HOST PORT CA_FILE N SEED TEXT_FILE BG_TEXT_FILE\n");
        return 2;
    }
    n = atol(argv[4]);
    w = n / 10 > 0 ? n / 10 : 1;
    g_rng = 0x9E3779B97F4A7C15ull ^ (uint64_t)atoll(argv[5]);
    full = slurp(argv[6], &full_n);
    bg = slurp(argv[7], &bg_n);
    *(void **)(&heap) = dlsym(RTLD_DEFAULT, "soak_heap_stats");

    drip_posix_platform(&g_real);
    drip_posix_init(&g_tcp);
    drip_posix_transport(&g_tcp, &tcp);
    memset(&tc, 0, sizeof tc);
    tc.ca_file = argv[3];
    tc.platform = &g_real;
    drip_tls_init(&g_tls);
    if (drip_tls_setup(&g_tls, &tcp, &tc) != DRIP_OK) {
        fprintf(stderr, "soak: TLS setup failed\n");
        return 2;
    }
    hdr[0].name = "X-Drip-Key";
    hdr[0].value = g_key;
    hdr[1].name = "X-Drip-Fault";
    hdr[1].value = g_fault;
    hdr[2].name = "X-Drip-Seed";
    hdr[2].value = g_seed;
    hdr[3].name = "X-Drip-Chunk";
    hdr[3].value = "64,700";
    memset(&cc, 0, sizeof cc);
    drip_tls_transport(&g_tls, &cc.transport);
    cc.platform.now_ms = v_now;
    cc.platform.sleep_ms = v_sleep;
    cc.platform.random = v_random;
    cc.endpoint.host = argv[1];
    cc.endpoint.port = (uint16_t)atoi(argv[2]);
    cc.endpoint.path_prefix = "/v1";
    cc.endpoint.auth_name = "Authorization";
    cc.endpoint.auth_value = "Bearer sk-soak";
    cc.endpoint.headers = hdr; /* values rewritten before each answer */
    cc.endpoint.nheaders = 4;
    cc.stream.buf = g_data;
    cc.stream.buf_len = sizeof g_data;
    cc.stream.tok = g_tok;
    cc.stream.ntok = 256;
    cc.stream.calls = g_calls;
    cc.stream.ncalls = 4;
    cc.stream.handlers = &handlers;
    cc.tx = g_tx;
    cc.tx_len = sizeof g_tx;
    cc.rx = g_rx;
    cc.rx_len = sizeof g_rx;
    cc.max_retries = 2;
    cc.max_resumes = 2;
    cc.idle_timeout_ms = 5000;
    cc.on_retry = on_retry;
    if (drip_client_init(&g_client, &cc) != DRIP_OK) {
        fprintf(stderr, "soak: client init failed\n");
        return 2;
    }

    t_start = g_real.now_ms(g_real.ctx);
    for (i = 0; i < n; i++) {
        drip_request_t req;
        drip_state_t st;
        int kind = F_NONE, bad = 0;
        const char *want = full;
        size_t want_n = full_n;
        size_t cur = 0, peak = 0;

        /* a fault every few answers: one in four on average */
        if (i > 0 && rnd() % 4u == 0u) {
            kind = 1 + (int)(rnd() % (F_N - 1));
        }
        snprintf(g_key, sizeof g_key, "soak-%ld-%ld", (long)getpid(), i);
        snprintf(g_seed, sizeof g_seed, "%u", rnd());
        switch (kind) {
        case F_DROP_BG:
            snprintf(g_fault, sizeof g_fault, "drop_after=%u,fail_times=1", 200u + rnd() % 2500u);
            break;
        case F_DROP:
            snprintf(g_fault, sizeof g_fault, "drop_after=%u,fail_times=1", 100u + rnd() % 2500u);
            break;
        case F_RESET:
            snprintf(g_fault, sizeof g_fault, "drop_after=%u,reset=1,fail_times=1", 100u + rnd() % 2500u);
            break;
        case F_STALL:
            snprintf(g_fault, sizeof g_fault, "stall_after=%u:%u", 100u + rnd() % 2000u, 10u + rnd() % 60u);
            break;
        case F_429:
            snprintf(g_fault, sizeof g_fault, "status=429,retry_after=1,fail_times=1");
            break;
        case F_500:
            snprintf(g_fault, sizeof g_fault, "status=500,fail_times=1");
            break;
        case F_NO_TERMINAL:
            snprintf(g_fault, sizeof g_fault, "no_terminal=1");
            break;
        case F_CLOSE:
            snprintf(g_fault, sizeof g_fault, "close=1");
            break;
        default:
            snprintf(g_fault, sizeof g_fault, "close=0");
            break;
        }
        memset(&req, 0, sizeof req);
        req.model = "gpt-5.2";
        req.input = "Say something.";
        if (kind == F_DROP_BG) {
            req.background = 1;
            want = bg;
            want_n = bg_n;
        }
        g_n = 0;
        g_overflow = 0;
        g_retries = 0;
        if (heap != NULL) {
            heap(&cur, &peak, 1);
        }
        rc = drip_client_start(&g_client, &req);
        st = rc == DRIP_OK ? drip_client_run(&g_client) : DRIP_STATE_FAILED;
        if (heap != NULL) {
            heap(&cur, &peak, 0);
        }

        /* What the fault should give. */
        switch (kind) {
        case F_DROP:
        case F_RESET:
            /* Text already shown: never retried, truncated with a strict
             * prefix. None yet: retried once, the whole text. */
            if (st == DRIP_STATE_COMPLETED) {
                bad = !(g_n == want_n && memcmp(g_text, want, want_n) == 0 && g_retries == 1);
            } else {
                bad = !(st == DRIP_STATE_TRUNCATED && g_n < want_n && memcmp(g_text, want, g_n) == 0 &&
                        g_retries == 0);
            }
            break;
        case F_NO_TERMINAL:
            bad = !(st == DRIP_STATE_TRUNCATED && g_n == want_n && memcmp(g_text, want, want_n) == 0);
            break;
        case F_429:
        case F_500:
            bad = !(st == DRIP_STATE_COMPLETED && g_retries == 1 && g_n == want_n &&
                    memcmp(g_text, want, want_n) == 0);
            break;
        case F_DROP_BG:
            /* Dropped after the response id: resumed with starting_after,
             * no retry. Before it (nothing shown yet): one retry. Either
             * way the whole text exactly once. */
            bad = !(st == DRIP_STATE_COMPLETED && g_retries <= 1 && g_n == want_n &&
                    memcmp(g_text, want, want_n) == 0);
            break;
        default: /* none, stall, close */
            bad = !(st == DRIP_STATE_COMPLETED && g_retries == 0 && g_n == want_n &&
                    memcmp(g_text, want, want_n) == 0);
            break;
        }
        bad |= g_overflow;
        fault_count[kind]++;
        if (bad) {
            wrong++;
            fault_wrong[kind]++;
            if (wrong <= 20) {
                fprintf(stderr, "soak: answer %ld (%s: %s) wrong: state %s, %zu of %zu bytes, %d retries, "
                        "error %d, transport %d\n", i, FAULT_NAME[kind], g_fault, drip_state_name(st),
                        g_n, want_n, g_retries, (int)drip_client_result(&g_client)->err,
                        drip_client_transport_error(&g_client));
            }
        }
        if (heap != NULL && i < w && (long long)peak > peak_first) {
            peak_first = (long long)peak;
        }
        if (heap != NULL && i >= n - w && (long long)peak > peak_last) {
            peak_last = (long long)peak;
        }
        if (i == w - 1) {
            rss_first = rss_kb();
            fds_first = fds();
            heap_first = heap != NULL ? (long long)cur : -1;
        }
        heap_last = heap != NULL ? (long long)cur : -1;
        if ((i + 1) % 1000 == 0) {
            fprintf(stderr, "soak: %ld answers, %ld wrong, rss_kb %ld, fds %ld, heap %zu, peak %zu\n",
                    i + 1, wrong, rss_kb(), fds(), cur, peak);
        }
    }
    {
        drip_tls_info_t ti;
        long rss_last = rss_kb(), fds_last = fds();
        int grew;
        drip_tls_info(&g_tls, &ti);
        printf("faults:");
        for (i = 0; i < F_N; i++) {
            printf(" %s %ld (%ld wrong)", FAULT_NAME[i], fault_count[i], fault_wrong[i]);
        }
        printf("\ntls: %u full handshakes, %u resumed\nheap in use first %lld last %lld\n"
               "time: %.1f s (retry waits shortened: %.1f s skipped)\n",
               (unsigned)ti.full, (unsigned)ti.resumes, heap_first, heap_last,
               (double)(g_real.now_ms(g_real.ctx) - t_start) / 1000.0, (double)g_skew / 1000.0);
        printf("soak: %ld answers, %ld wrong, rss_kb first %ld last %ld, fds first %ld last %ld, "
               "arena_peak first %lld last %lld\n",
               n, wrong, rss_first, rss_last, fds_first, fds_last, peak_first, peak_last);
        grew = fds_last > fds_first || peak_last > peak_first + hslack ||
               heap_last > heap_first + hslack ||
               rss_last > rss_first + slack;
        drip_client_close(&g_client);
        drip_tls_free(&g_tls);
        return (wrong > 0 || grew) ? 1 : 0;
    }
}
