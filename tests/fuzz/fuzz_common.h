/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared helpers of the libFuzzer targets in tests/fuzz/ (test code: it may
 * use the heap; the library under test never does).
 *
 * - fz_split_t: feed sizes derived from control bytes taken off the front of
 *   the input, so every target can run the same bytes at once and in pieces.
 * - fz_log_t: a growing text log of what a run saw. Two runs that must agree
 *   write their logs and fz_log_same() compares them; on a difference it
 *   prints both around the first differing line and aborts, which libFuzzer
 *   records as a crash (the reproducer goes to -artifact_prefix).
 * - FZ_CHECK(): an invariant; prints where and why, then aborts.
 * - guard bytes after caller buffers, checked after every call that may
 *   write them (ASan sees heap overruns; these also catch a write that stays
 *   inside a bigger block and tell which call made it).
 */
#ifndef DRIP_FUZZ_COMMON_H
#define DRIP_FUZZ_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FZ_UNUSED_ __attribute__((unused))

/* ---- invariants -------------------------------------------------------- */

static void fz_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

static void fz_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "\n==== INVARIANT FAILED at %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    fflush(stderr);
    abort();
}

#define FZ_CHECK(cond, ...)                                                                     \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            fz_fail(__FILE__, __LINE__, __VA_ARGS__);                                           \
        }                                                                                       \
    } while (0)

/* ---- guard bytes ------------------------------------------------------- */

#define FZ_GUARD 32u
#define FZ_GUARD_BYTE 0xA5u

static FZ_UNUSED_ void fz_guard_set(void *after, size_t n)
{
    memset(after, FZ_GUARD_BYTE, n);
}

static FZ_UNUSED_ void fz_guard_check_(const void *after, size_t n, const char *what,
                                       const char *file, int line)
{
    const uint8_t *g = (const uint8_t *)after;
    size_t i;
    for (i = 0; i < n; i++) {
        if (g[i] != FZ_GUARD_BYTE) {
            fz_fail(file, line, "guard byte %zu after %s overwritten (0x%02x)", i, what, g[i]);
        }
    }
}
#define fz_guard_check(after, n, what) fz_guard_check_((after), (n), (what), __FILE__, __LINE__)

/* ---- feed sizes -------------------------------------------------------- */

typedef struct fz_split {
    uint32_t x;     /* xorshift32 state */
    uint8_t mode;   /* 0 fixed, 1 random 1..max, 2 random 0..max (empty feeds), 3 one cut */
    size_t param;   /* fixed size, max size or cut position */
    int cut_done;
    int last_zero;
} fz_split_t;

/* Two control bytes -> a split plan. */
static FZ_UNUSED_ void fz_split_init(fz_split_t *s, uint8_t b0, uint8_t b1)
{
    s->mode = (uint8_t)(b0 & 3u);
    s->x = 0x9E3779B9u ^ ((uint32_t)b0 << 8) ^ ((uint32_t)b1 << 16) ^ b1;
    if (s->x == 0) {
        s->x = 1;
    }
    switch (s->mode) {
    case 0:
        s->param = 1u + (b1 & 15u);
        break;
    case 1:
    case 2:
        s->param = 1u + (b1 & 63u) + ((size_t)(b0 >> 2) << 4);
        break;
    default:
        s->param = (size_t)b1 * 37u + (b0 >> 2);
        break;
    }
    s->cut_done = 0;
    s->last_zero = 0;
}

static FZ_UNUSED_ uint32_t fz_rand(fz_split_t *s)
{
    uint32_t x = s->x;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s->x = x;
    return x;
}

/* Size of the next feed, `left` bytes remaining (left > 0). May be 0 in mode
 * 2 (an empty feed), never twice in a row. */
static FZ_UNUSED_ size_t fz_split_next(fz_split_t *s, size_t left)
{
    size_t k;
    switch (s->mode) {
    case 0:
        k = s->param;
        break;
    case 1:
        k = 1u + fz_rand(s) % s->param;
        break;
    case 2:
        k = fz_rand(s) % (s->param + 1u);
        if (k == 0 && s->last_zero) {
            k = 1;
        }
        break;
    default:
        if (!s->cut_done) {
            s->cut_done = 1;
            k = s->param % (left + 1u);
        } else {
            k = left;
        }
        break;
    }
    s->last_zero = k == 0;
    return k < left ? k : left;
}

/* ---- text logs --------------------------------------------------------- */

typedef struct fz_log {
    char *p;
    size_t len, cap;
} fz_log_t;

static FZ_UNUSED_ void fz_log_reset(fz_log_t *l)
{
    l->len = 0;
    if (l->p != NULL) {
        l->p[0] = '\0';
    }
}

static FZ_UNUSED_ void fz_log_reserve(fz_log_t *l, size_t more)
{
    if (l->len + more + 1u > l->cap) {
        size_t cap = l->cap ? l->cap : 4096u;
        while (cap < l->len + more + 1u) {
            cap *= 2u;
        }
        l->p = (char *)realloc(l->p, cap);
        if (l->p == NULL) {
            abort();
        }
        l->cap = cap;
    }
}

static FZ_UNUSED_ void fz_logf(fz_log_t *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static FZ_UNUSED_ void fz_logf(fz_log_t *l, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        abort();
    }
    fz_log_reserve(l, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(l->p + l->len, l->cap - l->len, fmt, ap);
    va_end(ap);
    l->len += (size_t)n;
}

/* Bytes, printable ASCII as is, the rest as \xNN ("(null)" for an absent view). */
static FZ_UNUSED_ void fz_log_bytes(fz_log_t *l, const void *p, size_t n)
{
    const uint8_t *b = (const uint8_t *)p;
    size_t i;
    if (p == NULL) {
        fz_logf(l, "(null)");
        return;
    }
    fz_log_reserve(l, n * 4u + 2u);
    l->p[l->len++] = '"';
    for (i = 0; i < n; i++) {
        uint8_t c = b[i];
        if (c >= 0x20u && c < 0x7fu && c != '\\' && c != '"') {
            l->p[l->len++] = (char)c;
        } else {
            static const char hex[] = "0123456789abcdef";
            l->p[l->len++] = '\\';
            l->p[l->len++] = 'x';
            l->p[l->len++] = hex[c >> 4];
            l->p[l->len++] = hex[c & 15u];
        }
    }
    l->p[l->len++] = '"';
    l->p[l->len] = '\0';
}

/* Print up to `lines` lines of a log starting at the line holding offset `at`. */
static FZ_UNUSED_ void fz_log_print_at(const char *name, const fz_log_t *l, size_t at, int lines)
{
    size_t s = at;
    size_t e;
    while (s > 0 && l->p[s - 1] != '\n') {
        s--;
    }
    e = s;
    while (e < l->len && lines > 0) {
        if (l->p[e++] == '\n') {
            lines--;
        }
    }
    fprintf(stderr, "---- %s (from byte %zu of %zu):\n%.*s%s\n", name, s, l->len, (int)(e - s),
            l->p + s, e < l->len ? "..." : "[end]");
}

static FZ_UNUSED_ void fz_log_same_(const char *what, const char *na, const fz_log_t *a,
                                    const char *nb, const fz_log_t *b, const char *file, int line)
{
    size_t i = 0;
    size_t n = a->len < b->len ? a->len : b->len;
    if (a->len == b->len && (n == 0 || memcmp(a->p, b->p, n) == 0)) {
        return;
    }
    while (i < n && a->p[i] == b->p[i]) {
        i++;
    }
    fprintf(stderr, "\n==== %s: the runs differ at byte %zu\n", what, i);
    fz_log_print_at(na, a, i, 6);
    fz_log_print_at(nb, b, i, 6);
    fz_fail(file, line, "%s: %s and %s disagree", what, na, nb);
}
#define fz_log_same(what, na, a, nb, b) fz_log_same_((what), (na), (a), (nb), (b), __FILE__, __LINE__)

/* ---- known findings ---------------------------------------------------- */

/* DRIP_FUZZ_SKIP="name,name": checks to leave out, so that a finding already
 * reported does not hide the next one. Names are listed in each target's
 * header comment. Default: every check runs. */
static FZ_UNUSED_ int fz_skip(const char *name)
{
    static const char *list;
    static int init;
    const char *l;
    size_t n = strlen(name);
    if (!init) {
        list = getenv("DRIP_FUZZ_SKIP");
        init = 1;
    }
    l = list;
    while (l != NULL && *l != '\0') {
        const char *e = strchr(l, ',');
        size_t k = e ? (size_t)(e - l) : strlen(l);
        if (k == n && memcmp(l, name, n) == 0) {
            return 1;
        }
        l = e ? e + 1 : NULL;
    }
    return 0;
}

/* ---- a reference JSON string decoder ------------------------------------ */

/* Decode the body of a JSON string (RFC 8259 section 7, without the quotes)
 * into out (room for n bytes). Written apart from the library, in two
 * passes: first the escapes into a list of raw bytes and UTF-16 code units,
 * then the code units into UTF-8, pairs joined and every unpaired surrogate
 * U+FFFD (the library's documented rule). Bad escapes and raw control bytes
 * are rejected. Returns the output length, or -1. */
#define FZ_UNIT 0x80000000u /* tag: a UTF-16 code unit, not a raw byte */
static FZ_UNUSED_ void fz_put_cp(uint8_t *out, size_t *w, uint32_t cp)
{
    if (cp < 0x80u) {
        out[(*w)++] = (uint8_t)cp;
    } else if (cp < 0x800u) {
        out[(*w)++] = (uint8_t)(0xC0u | (cp >> 6));
        out[(*w)++] = (uint8_t)(0x80u | (cp & 0x3Fu));
    } else if (cp < 0x10000u) {
        out[(*w)++] = (uint8_t)(0xE0u | (cp >> 12));
        out[(*w)++] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
        out[(*w)++] = (uint8_t)(0x80u | (cp & 0x3Fu));
    } else {
        out[(*w)++] = (uint8_t)(0xF0u | (cp >> 18));
        out[(*w)++] = (uint8_t)(0x80u | ((cp >> 12) & 0x3Fu));
        out[(*w)++] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
        out[(*w)++] = (uint8_t)(0x80u | (cp & 0x3Fu));
    }
}

static FZ_UNUSED_ long fz_ref_unescape(const uint8_t *s, size_t n, uint8_t *out)
{
    uint32_t *t = (uint32_t *)malloc((n + 1u) * sizeof *t);
    size_t i = 0, k = 0, j, w = 0;
    if (t == NULL) {
        abort();
    }
    /* pass 1: tokens */
    while (i < n) {
        if (s[i] < 0x20u) {
            free(t);
            return -1;
        }
        if (s[i] != '\\') {
            t[k++] = s[i++];
            continue;
        }
        if (i + 1 >= n) {
            free(t);
            return -1;
        }
        switch (s[i + 1]) {
        case '"': t[k++] = '"'; i += 2; continue;
        case '\\': t[k++] = '\\'; i += 2; continue;
        case '/': t[k++] = '/'; i += 2; continue;
        case 'b': t[k++] = 8; i += 2; continue;
        case 'f': t[k++] = 12; i += 2; continue;
        case 'n': t[k++] = 10; i += 2; continue;
        case 'r': t[k++] = 13; i += 2; continue;
        case 't': t[k++] = 9; i += 2; continue;
        case 'u': break;
        default: free(t); return -1;
        }
        if (i + 6 > n) {
            free(t);
            return -1;
        }
        {
            uint32_t v = 0;
            for (j = 2; j < 6; j++) {
                uint8_t c = s[i + j];
                int d = (c >= '0' && c <= '9') ? c - '0'
                        : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                        : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
                if (d < 0) {
                    free(t);
                    return -1;
                }
                v = v * 16u + (uint32_t)d;
            }
            t[k++] = FZ_UNIT | v;
            i += 6;
        }
    }
    /* pass 2: UTF-8 */
    for (j = 0; j < k; j++) {
        uint32_t v = t[j] & ~FZ_UNIT;
        if (!(t[j] & FZ_UNIT)) {
            out[w++] = (uint8_t)v; /* raw bytes pass as they are */
        } else if (v >= 0xD800u && v <= 0xDBFFu && j + 1 < k && (t[j + 1] & FZ_UNIT) &&
                   (t[j + 1] & 0xFFFFu) >= 0xDC00u && (t[j + 1] & 0xFFFFu) <= 0xDFFFu) {
            fz_put_cp(out, &w, 0x10000u + ((v - 0xD800u) << 10) + ((t[j + 1] & 0xFFFFu) - 0xDC00u));
            j++;
        } else if (v >= 0xD800u && v <= 0xDFFFu) {
            fz_put_cp(out, &w, 0xFFFDu);
        } else {
            fz_put_cp(out, &w, v);
        }
    }
    free(t);
    return (long)w;
}

/* ---- misc -------------------------------------------------------------- */

/* A heap copy of the input with FZ_GUARD guard bytes after it: the library may
 * write into its buffers (in-place unescaping), never past them. */
static FZ_UNUSED_ uint8_t *fz_dup_guarded(const uint8_t *p, size_t n)
{
    uint8_t *b = (uint8_t *)malloc(n + FZ_GUARD);
    if (b == NULL) {
        abort();
    }
    if (n > 0) {
        memcpy(b, p, n);
    }
    fz_guard_set(b + n, FZ_GUARD);
    return b;
}

/* Is [p, p+n) inside [lo, lo+len)? */
static FZ_UNUSED_ int fz_inside(const void *p, size_t n, const void *lo, size_t len)
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)lo;
    return a >= b && n <= len && a - b <= len - n;
}

#endif /* DRIP_FUZZ_COMMON_H */
