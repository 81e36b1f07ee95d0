/* SPDX-License-Identifier: Apache-2.0 */
/* bench_baseline: a floor for bench_decode. The least work that still gives the
 * same answer on a generated stream: memchr for the blank lines between events,
 * the `data: ` line of each event, jsmn over its JSON (the same jsmn, strict, the
 * same 256 tokens), the top-level "type" and "delta", and the UTF-8 size of each
 * response.output_text.delta's delta (escapes decoded).
 *
 *   bench_baseline [--iters N] [--feed N] [--callgrind] STREAM.sse
 *
 * It reads the SSE body alone (gen_stream.py's NAME.sse: no HTTP framing), in
 * --feed byte pieces (default 4096, as bench_decode and bench_node.mjs); an event
 * cut by a piece end is copied into a carry buffer and finished from the next
 * piece. What it does NOT do, unlike dripfeed: HTTP, CR or CRLF line ends, BOM,
 * comments, id/retry, bounded memory (the carry grows to the largest event),
 * JSON errors, any field but two. It assumes gen_stream.py's shape
 * (`event:` line, one `data:` line, LF only). Prints one line, as bench_decode:
 *
 *   memchr+jsmn baseline (C): <bytes> B, <events> events, <text> text B, <MB/s> MB/s
 *       (best of N, <ms> ms)
 *
 * MB/s = body bytes / best wall-clock pass (CLOCK_MONOTONIC), MB = 10^6 bytes.
 * --callgrind: no timing; exactly --iters passes (default 1); run with --iters 1
 * and --iters 0 under callgrind and subtract, as for bench_decode.
 */
#define _POSIX_C_SOURCE 200809L
#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NTOK 256

typedef struct {
    uint64_t events, text_bytes, errors;
    uint8_t *carry; /* the unfinished event of the last piece */
    size_t clen;
    jsmntok_t tok[NTOK];
} ctx_t;

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static long hex4(const uint8_t *p, size_t n)
{
    long v = 0;
    size_t i;
    if (n < 4) return -1;
    for (i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0) return -1;
        v = v << 4 | h;
    }
    return v;
}

/* UTF-8 size of a JSON string's content once unescaped. */
static uint64_t unescaped_size(const uint8_t *p, size_t n)
{
    uint64_t out = 0;
    size_t i = 0;
    while (i < n) {
        const uint8_t *b = memchr(p + i, '\\', n - i);
        size_t k = b != NULL ? (size_t)(b - (p + i)) : n - i;
        out += k;
        i += k;
        if (i >= n || i + 1 >= n) break;
        if (p[i + 1] != 'u') {
            out += 1;
            i += 2;
            continue;
        }
        {
            long u = hex4(p + i + 2, n - i - 2);
            i += 6;
            if (u < 0) return out;
            if (u >= 0xD800 && u < 0xDC00 && i + 1 < n && p[i] == '\\' && p[i + 1] == 'u') {
                long lo = hex4(p + i + 2, n - i - 2);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    out += 4;
                    i += 6;
                    continue;
                }
            }
            out += u < 0x80 ? 1 : u < 0x800 ? 2 : 3; /* a lone surrogate: U+FFFD, 3 */
        }
    }
    return out;
}

static int tok_is(const uint8_t *js, const jsmntok_t *t, const char *s, size_t n)
{
    return t->type == JSMN_STRING && (size_t)(t->end - t->start) == n &&
           memcmp(js + t->start, s, n) == 0;
}

/* One event without its blank line: find its data line, parse, count. */
static void event(ctx_t *c, const uint8_t *p, size_t n)
{
    const uint8_t *d = NULL;
    size_t dn = 0, i = 0;
    jsmn_parser jp;
    int r, k, type_ok = 0, delta = -1;
    while (i < n) {
        const uint8_t *e = memchr(p + i, '\n', n - i);
        size_t end = e != NULL ? (size_t)(e - p) : n;
        if (end - i >= 6 && memcmp(p + i, "data: ", 6) == 0) {
            d = p + i + 6;
            dn = end - i - 6;
        }
        i = end + 1;
    }
    if (d == NULL) return;
    c->events++;
    jsmn_init(&jp);
    r = jsmn_parse(&jp, (const char *)d, dn, c->tok, NTOK);
    if (r < 1 || c->tok[0].type != JSMN_OBJECT) {
        c->errors++;
        return;
    }
    /* top-level keys: the next key starts after the end of the value */
    for (k = 1; k + 1 < r;) {
        int v = k + 1, end = c->tok[v].end;
        if (tok_is(d, &c->tok[k], "type", 4)) {
            type_ok = tok_is(d, &c->tok[v], "response.output_text.delta", 26);
        } else if (tok_is(d, &c->tok[k], "delta", 5) && c->tok[v].type == JSMN_STRING) {
            delta = v;
        }
        for (k = v + 1; k < r && c->tok[k].start < end; k++) {
        }
    }
    if (type_ok && delta >= 0) {
        c->text_bytes += unescaped_size(d + c->tok[delta].start,
                                        (size_t)(c->tok[delta].end - c->tok[delta].start));
    }
}

/* Index just past the "\n\n" that ends the first event in p[0..n), or 0. */
static size_t event_end(const uint8_t *p, size_t n)
{
    size_t i = 0;
    for (;;) {
        const uint8_t *e = memchr(p + i, '\n', n - i);
        if (e == NULL) return 0;
        i = (size_t)(e - p) + 1;
        if (i >= n) return 0;
        if (p[i] == '\n') return i + 1;
    }
}

static void feed(ctx_t *c, const uint8_t *p, size_t n)
{
    if (c->clen > 0) {
        /* finish the carried event: its blank line may straddle the cut */
        size_t e = c->carry[c->clen - 1] == '\n' && n > 0 && p[0] == '\n' ? 1 : event_end(p, n);
        if (e == 0) {
            memcpy(c->carry + c->clen, p, n);
            c->clen += n;
            return;
        }
        memcpy(c->carry + c->clen, p, e);
        event(c, c->carry, c->clen + e - 2);
        c->clen = 0;
        p += e;
        n -= e;
    }
    while (n > 0) {
        size_t e = event_end(p, n);
        if (e == 0) {
            memcpy(c->carry, p, n);
            c->clen = n;
            return;
        }
        event(c, p, e - 2);
        p += e;
        n -= e;
    }
}

static int parse_num(const char *s, unsigned long *out, unsigned long min)
{
    char *end;
    unsigned long v;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || s[0] == '-' || v < min || v > (1ul << 30)) return -1;
    *out = v;
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int usage(void)
{
    fputs("usage: bench_baseline [--iters N] [--feed N] [--callgrind] STREAM.sse\n", stderr);
    return 2;
}

int main(int argc, char **argv)
{
    unsigned long iters = 10, feed_len = 4096, it;
    int callgrind = 0, iters_set = 0, i, bad = 0;
    const char *path = NULL;
    static ctx_t c;
    uint64_t ev0 = 0, tx0 = 0;
    double best = 0.0;
    uint8_t *in;
    long len;
    FILE *f;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--iters") == 0 && v) {
            if (parse_num(v, &iters, 0)) return usage();
            iters_set = 1;
            i++;
        } else if (strcmp(a, "--feed") == 0 && v) {
            if (parse_num(v, &feed_len, 1)) return usage();
            i++;
        } else if (strcmp(a, "--callgrind") == 0) {
            callgrind = 1;
        } else if (a[0] == '-' || path != NULL) {
            return usage();
        } else {
            path = a;
        }
    }
    if (path == NULL) return usage();
    if (callgrind && !iters_set) iters = 1;

    f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "bench_baseline: cannot read %s\n", path);
        return 2;
    }
    in = malloc((size_t)len + 1);
    c.carry = malloc((size_t)len + 1); /* no event is longer than the input */
    if (in == NULL || c.carry == NULL || fread(in, 1, (size_t)len, f) != (size_t)len) {
        fprintf(stderr, "bench_baseline: cannot read %s\n", path);
        return 2;
    }
    fclose(f);

    for (it = 0; it < iters; it++) {
        size_t off = 0;
        double t0, t1;
        c.events = c.text_bytes = c.errors = 0;
        c.clen = 0;
        t0 = callgrind ? 0.0 : now();
        while (off < (size_t)len) {
            size_t n = (size_t)len - off < feed_len ? (size_t)len - off : feed_len;
            feed(&c, in + off, n);
            off += n;
        }
        t1 = callgrind ? 0.0 : now();
        if (c.errors != 0 || c.clen != 0) {
            fprintf(stderr, "bench_baseline: pass %lu: %llu JSON errors, %zu B unfinished\n", it,
                    (unsigned long long)c.errors, c.clen);
            bad = 1;
        }
        if (it == 0) {
            ev0 = c.events;
            tx0 = c.text_bytes;
            best = t1 - t0;
        } else {
            if (c.events != ev0 || c.text_bytes != tx0) {
                fprintf(stderr, "bench_baseline: pass %lu disagrees with pass 0\n", it);
                bad = 1;
            }
            if (t1 - t0 < best) best = t1 - t0;
        }
    }
    if (callgrind || iters == 0) {
        printf("memchr+jsmn baseline (C): %ld B, %llu events, %llu text B, %lu pass(es)\n", len,
               (unsigned long long)ev0, (unsigned long long)tx0, iters);
    } else {
        printf("memchr+jsmn baseline (C): %ld B, %llu events, %llu text B, %.1f MB/s"
               " (best of %lu, %.2f ms)\n",
               len, (unsigned long long)ev0, (unsigned long long)tx0,
               best > 0.0 ? (double)len / best / 1e6 : 0.0, iters, best * 1e3);
    }
    free(in);
    free(c.carry);
    return bad;
}
