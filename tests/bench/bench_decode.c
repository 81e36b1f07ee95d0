/* SPDX-License-Identifier: Apache-2.0 */
/* bench_decode: throughput of the whole dripfeed pipeline (HTTP/1.1 -> SSE -> event
 * JSON -> handlers) over one capture held in memory.
 *
 *   bench_decode [--iters N] [--feed N] [--buffer N] [--tokens N] [--callgrind] CAPTURE
 *
 * The capture (tests/bench/gen_stream.py's NAME.http) is read into memory once, then
 * decoded N times (default 10), each time from a fresh drip_stream_init(), fed in
 * --feed byte pieces (default 4096, like a TLS record loop). The handlers count events
 * and answer-text bytes and fold the text into a checksum, so nothing is optimised away.
 * Prints one line:
 *
 *   dripfeed decode: <capture bytes> B, <events> events, <text> text B, <MB/s> MB/s
 *
 * MB/s is capture bytes / the best (shortest) wall-clock pass (clock_gettime
 * CLOCK_MONOTONIC), MB = 10^6 bytes. Exit status 1 if a pass did not end COMPLETED or
 * passes disagree.
 *
 * --callgrind: no timing; run the pipeline exactly --iters times (default 1) and print
 * the counts. Run it once with --iters 1 and once with --iters 0 under
 * `valgrind --tool=callgrind`: the difference of the two Ir totals is the decode alone
 * (file loading, start-up and printing cancel out).
 *
 * Host code: it uses the heap for the capture; the library does not.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dripfeed/dripfeed.h"

typedef struct {
    uint64_t events, text_bytes, errors;
    uint32_t sum; /* FNV-1a over the text */
} counts_t;

static drip_err_t on_event(void *user, const drip_event_t *ev)
{
    (void)ev;
    ((counts_t *)user)->events++;
    return DRIP_OK;
}

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    counts_t *c = user;
    uint32_t h = c->sum;
    size_t i;
    (void)ev;
    for (i = 0; i < n; i++) {
        h = (h ^ (uint8_t)p[i]) * 16777619u;
    }
    c->sum = h;
    c->text_bytes += n;
    return DRIP_OK;
}

static void on_error(void *user, const drip_error_t *e)
{
    ((counts_t *)user)->errors++;
    fprintf(stderr, "bench_decode: %s (%d)%s%s\n", drip_err_str(e->code), (int)e->code,
            e->detail != NULL && e->detail[0] != '\0' ? ": " : "",
            e->detail != NULL ? e->detail : "");
}

static const drip_handlers_t handlers = {.on_event = on_event, .on_text = on_text,
                                         .on_error = on_error};

static int parse_num(const char *s, unsigned long *out, unsigned long min)
{
    char *end;
    unsigned long v;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || s[0] == '-' || v < min || v > (1ul << 30)) {
        return -1;
    }
    *out = v;
    return 0;
}

static uint8_t *load(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p;
    long n;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "bench_decode: cannot read %s: %s\n", path, strerror(errno));
        exit(2);
    }
    p = malloc((size_t)n + 1);
    if (p == NULL || fread(p, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "bench_decode: cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One full decode; returns the final state. */
static drip_state_t decode_once(const drip_stream_cfg_t *cfg, const uint8_t *p, size_t len,
                                size_t feed)
{
    static drip_stream_t st;
    size_t off = 0;
    int rc = DRIP_OK;
    if (drip_stream_init(&st, cfg) != DRIP_OK) {
        fputs("bench_decode: drip_stream_init failed (--buffer >= 64, --tokens >= 8)\n",
              stderr);
        exit(2);
    }
    while (off < len && rc == DRIP_OK) {
        size_t n = len - off < feed ? len - off : feed;
        rc = drip_stream_feed(&st, p + off, n);
        off += n;
    }
    return drip_stream_finish(&st);
}

static int usage(void)
{
    fputs("usage: bench_decode [--iters N] [--feed N] [--buffer N] [--tokens N]"
          " [--callgrind] CAPTURE\n", stderr);
    return 2;
}

int main(int argc, char **argv)
{
    unsigned long iters = 10, feed = 4096, buffer = 4096, tokens = 256;
    int callgrind = 0, iters_set = 0, i, bad = 0;
    const char *path = NULL;
    static drip_call_slot_t calls[8];
    uint8_t *data, *in;
    jsmntok_t *tok;
    size_t len;
    drip_stream_cfg_t cfg;
    counts_t first, c;
    double best = 0.0;
    unsigned long it;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--iters") == 0 && v) {
            if (parse_num(v, &iters, 0)) return usage();
            iters_set = 1;
            i++;
        } else if (strcmp(a, "--feed") == 0 && v) {
            if (parse_num(v, &feed, 1)) return usage();
            i++;
        } else if (strcmp(a, "--buffer") == 0 && v) {
            if (parse_num(v, &buffer, 1)) return usage();
            i++;
        } else if (strcmp(a, "--tokens") == 0 && v) {
            if (parse_num(v, &tokens, 1)) return usage();
            i++;
        } else if (strcmp(a, "--callgrind") == 0) {
            callgrind = 1;
        } else if (a[0] == '-' || path != NULL) {
            return usage();
        } else {
            path = a;
        }
    }
    if (path == NULL) {
        return usage();
    }
    if (callgrind && !iters_set) {
        iters = 1;
    }

    in = load(path, &len);
    data = malloc(buffer);
    tok = malloc(tokens * sizeof *tok);
    if (data == NULL || tok == NULL) {
        return 2;
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.api = DRIP_API_RESPONSES;
    cfg.buf = data;
    cfg.buf_len = buffer;
    cfg.tok = tok;
    cfg.ntok = (unsigned)tokens;
    cfg.calls = calls;
    cfg.ncalls = sizeof calls / sizeof calls[0];
    cfg.handlers = &handlers;
    cfg.user = &c;

    memset(&first, 0, sizeof first);
    for (it = 0; it < iters; it++) {
        drip_state_t s;
        double t0, t1;
        memset(&c, 0, sizeof c);
        t0 = callgrind ? 0.0 : now();
        s = decode_once(&cfg, in, len, feed);
        t1 = callgrind ? 0.0 : now();
        if (s != DRIP_STATE_COMPLETED) {
            fprintf(stderr, "bench_decode: pass %lu ended %s, not completed\n", it,
                    drip_state_name(s));
            bad = 1;
        }
        if (it == 0) {
            first = c;
            best = t1 - t0;
        } else {
            if (c.events != first.events || c.text_bytes != first.text_bytes ||
                c.sum != first.sum) {
                fprintf(stderr, "bench_decode: pass %lu disagrees with pass 0\n", it);
                bad = 1;
            }
            if (t1 - t0 < best) {
                best = t1 - t0;
            }
        }
    }

    if (callgrind || iters == 0) {
        printf("dripfeed decode: %zu B, %llu events, %llu text B, checksum %08x, %lu pass(es)\n",
               len, (unsigned long long)first.events, (unsigned long long)first.text_bytes,
               (unsigned)first.sum, iters);
    } else {
        printf("dripfeed decode: %zu B, %llu events, %llu text B, %.1f MB/s"
               " (best of %lu, %.2f ms, checksum %08x)\n",
               len, (unsigned long long)first.events, (unsigned long long)first.text_bytes,
               best > 0.0 ? (double)len / best / 1e6 : 0.0, iters, best * 1e3,
               (unsigned)first.sum);
    }
    free(in);
    free(data);
    free(tok);
    return bad;
}
