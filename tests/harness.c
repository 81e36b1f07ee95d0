/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers shared by the unit tests. */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"

#include <dirent.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned char *th_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *p = NULL;
    size_t cap = 0, n = 0, r;
    if (f == NULL) {
        return NULL;
    }
    do {
        if (n + 65536 > cap) {
            cap = cap ? cap * 2 : 131072;
            p = realloc(p, cap + 1);
            if (p == NULL) {
                fclose(f);
                return NULL;
            }
        }
        r = fread(p + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    p[n] = 0;
    *len = n;
    return p;
}

unsigned char *th_transcript(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", DRIP_TEST_TRANSCRIPTS, name);
    return th_read_file(path, len);
}

unsigned char *th_capture(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", DRIP_TEST_CAPTURES, name);
    return th_read_file(path, len);
}

uint32_t th_rand(uint32_t *state)
{
    /* xorshift32: deterministic splits for reproducible failures */
    uint32_t x = *state ? *state : 2463534242u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

void th_buf_add(th_buf_t *b, const void *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *q;
        while (cap < b->n + n + 1) {
            cap *= 2;
        }
        q = realloc(b->p, cap);
        if (q == NULL) {
            abort();
        }
        b->p = q;
        b->cap = cap;
    }
    if (n > 0) {
        memcpy(b->p + b->n, p, n);
    }
    b->n += n;
    b->p[b->n] = '\0';
}

void th_buf_str(th_buf_t *b, const char *s)
{
    th_buf_add(b, s, strlen(s));
}

void th_buf_fmt(th_buf_t *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    int k;
    va_start(ap, fmt);
    k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= sizeof tmp) {
        abort(); /* a recording line longer than the test expects */
    }
    th_buf_add(b, tmp, (size_t)k);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(((const th_name_t *)a)->name, ((const th_name_t *)b)->name);
}

size_t th_list_dir(const char *dir, const char *ext, th_name_t *out, size_t cap)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t n = 0, el = strlen(ext);
    if (d == NULL) {
        abort();
    }
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l > el && l < sizeof out[0].name && strcmp(de->d_name + l - el, ext) == 0) {
            if (n == cap) {
                abort();
            }
            memcpy(out[n].name, de->d_name, l + 1);
            n++;
        }
    }
    closedir(d);
    qsort(out, n, sizeof out[0], cmp_names);
    return n;
}
