/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers shared by the unit tests. */
#include "harness.h"

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
