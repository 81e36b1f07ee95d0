/* SPDX-License-Identifier: Apache-2.0 */
/* The soak loop (soak_run.h). See soak.c for what is checked and how the
 * last line reads. */
#define _GNU_SOURCE
#include "soak_run.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static char g_text[65536];
static size_t g_n;
static int g_overflow, g_retries;
static char g_key[64], g_fault[128], g_seed[32];
static drip_platform_t g_real;
static uint32_t g_skew;
static const drip_client_t *g_client;

/* ---- platform, handlers, headers ----------------------------------------- */

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

void soak_platform(const drip_platform_t *real, drip_platform_t *out)
{
    g_real = *real;
    memset(out, 0, sizeof *out);
    out->now_ms = v_now;
    out->sleep_ms = v_sleep;
    out->random = v_random;
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

const drip_handlers_t soak_handlers = {.on_text = on_text};

void soak_on_retry(void *user, const drip_retry_info_t *info)
{
    (void)user, (void)info;
    g_retries++;
}

void soak_headers(drip_header_t hdr[SOAK_NHEADERS])
{
    hdr[0].name = "X-Drip-Key";
    hdr[0].value = g_key;
    hdr[1].name = "X-Drip-Fault";
    hdr[1].value = g_fault;
    hdr[2].name = "X-Drip-Seed";
    hdr[2].value = g_seed;
    hdr[3].name = "X-Drip-Chunk";
    hdr[3].value = "64,700";
}

const char *soak_slurp(const char *path, size_t *len)
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

/* ---- resources ----------------------------------------------------------- */

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
 * (open or not depending on the last fault): a leaked socket still counts.
 * On lwIP the connection is no file descriptor: nothing to take off. */
static long fds(int sock_is_fd)
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
    return n - 1 - (sock_is_fd && g_client->priv.connected != 0); /* the directory's own fd */
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

/* ---- the loop -------------------------------------------------------------- */

int soak_run(const soak_cfg_t *cfg)
{
    long n = cfg->n, i, wrong = 0, rss_first = 0, fds_first = 0;
    long long peak_first = -1, peak_last = -1, heap_first = -1, heap_last = -1;
    long fault_count[F_N] = {0}, fault_wrong[F_N] = {0};
    /* the first and last windows: a tenth, at least 100 answers (warm-up
     * of a short run) but at most half */
    long w = n / 10 > 100 ? n / 10 : (n / 2 < 100 ? (n / 2 > 0 ? n / 2 : 1) : 100);
    long slack = getenv("SOAK_RSS_SLACK_KB") != NULL ? atol(getenv("SOAK_RSS_SLACK_KB")) : 64;
    long long hslack = getenv("SOAK_HEAP_SLACK") != NULL ? atoll(getenv("SOAK_HEAP_SLACK")) : 1024;
    /* The per-answer peak depends on the faults that fall in a window (a
     * stall holds more buffers); heap in use between answers is what a leak
     * moves, and it keeps the 1 KB bound. SOAK_PEAK_SLACK widens only the
     * peak's (the lwIP run: its pbufs come from malloc and follow TCP
     * segmentation, +-1.3 KB between windows of one run). */
    long long pslack = getenv("SOAK_PEAK_SLACK") != NULL ? atoll(getenv("SOAK_PEAK_SLACK")) : hslack;
    int sock_is_fd = !cfg->conn_not_fd;
    heap_stats_fn heap;
    uint32_t t_start;
    drip_client_t *client = cfg->client;

    g_client = client;
    g_rng = 0x9E3779B97F4A7C15ull ^ cfg->seed;
    *(void **)(&heap) = dlsym(RTLD_DEFAULT, "soak_heap_stats");
    t_start = cfg->real->now_ms(cfg->real->ctx);
    for (i = 0; i < n; i++) {
        drip_request_t req;
        drip_state_t st;
        int kind = F_NONE, bad = 0, rc;
        const char *want = cfg->text;
        size_t want_n = cfg->text_n;
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
            want = cfg->bg;
            want_n = cfg->bg_n;
        }
        g_n = 0;
        g_overflow = 0;
        g_retries = 0;
        if (heap != NULL) {
            heap(&cur, &peak, 1);
        }
        rc = drip_client_start(client, &req);
        st = rc == DRIP_OK ? drip_client_run(client) : DRIP_STATE_FAILED;
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
                fprintf(stderr, "%s: answer %ld (%s: %s) wrong: state %s, %zu of %zu bytes, %d retries, "
                        "error %d, transport %d\n", cfg->label, i, FAULT_NAME[kind], g_fault,
                        drip_state_name(st), g_n, want_n, g_retries,
                        (int)drip_client_result(client)->err, drip_client_transport_error(client));
            }
        }
        if (heap != NULL && i < w && (long long)peak > peak_first) {
            peak_first = (long long)peak;
        }
        if (heap != NULL && i >= n - w && (long long)peak > peak_last) {
            peak_last = (long long)peak;
        }
        if ((i + 1) % (n >= 10000 ? 1000 : 100) == 0) {
            fprintf(stderr, "%s: %ld answers, %ld wrong, rss_kb %ld, fds %ld, heap %zu, peak %zu\n",
                    cfg->label, i + 1, wrong, rss_kb(), fds(sock_is_fd), cur, peak);
        }
        /* after the progress line: its first printf pages in code too */
        if (i == w - 1) {
            rss_first = rss_kb();
            fds_first = fds(sock_is_fd);
            heap_first = heap != NULL ? (long long)cur : -1;
        }
        heap_last = heap != NULL ? (long long)cur : -1;
    }
    {
        drip_tls_info_t ti;
        long rss_last = rss_kb(), fds_last = fds(sock_is_fd);
        int grew;
        drip_tls_info(cfg->tls, &ti);
        printf("faults:");
        for (i = 0; i < F_N; i++) {
            printf(" %s %ld (%ld wrong)", FAULT_NAME[i], fault_count[i], fault_wrong[i]);
        }
        printf("\ntls: %u full handshakes, %u resumed\nheap in use first %lld last %lld\n"
               "time: %.1f s (retry waits shortened: %.1f s skipped)\n",
               (unsigned)ti.full, (unsigned)ti.resumes, heap_first, heap_last,
               (double)(cfg->real->now_ms(cfg->real->ctx) - t_start) / 1000.0, (double)g_skew / 1000.0);
        printf("%s: %ld answers, %ld wrong, rss_kb first %ld last %ld, fds first %ld last %ld, "
               "arena_peak first %lld last %lld\n",
               cfg->label, n, wrong, rss_first, rss_last, fds_first, fds_last, peak_first, peak_last);
        fflush(stdout);
        grew = fds_last > fds_first || peak_last > peak_first + pslack ||
               heap_last > heap_first + hslack || rss_last > rss_first + slack;
        return (wrong > 0 || grew) ? 1 : 0;
    }
}
