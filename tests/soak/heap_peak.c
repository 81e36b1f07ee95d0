/* SPDX-License-Identifier: Apache-2.0 */
/* LD_PRELOAD for the soak (tests/soak/soak.c): bytes of heap in use and the
 * peak since the last reset, over every malloc/calloc/realloc/free of the
 * process. On the host mbedTLS allocates from the libc heap (Debian's build
 * has no MBEDTLS_MEMORY_BUFFER_ALLOC_C), so this peak stands for the arena
 * peak a board sees. Sizes are malloc_usable_size(), what the heap holds. */
#define _GNU_SOURCE
#include <malloc.h>
#include <stddef.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

static size_t g_cur, g_peak;

/* Atomics: the lwIP soak allocates from three threads (tcpip, tapif, main). */
static void add(void *p)
{
    if (p != NULL) {
        size_t now = __atomic_add_fetch(&g_cur, malloc_usable_size(p), __ATOMIC_RELAXED);
        size_t peak = __atomic_load_n(&g_peak, __ATOMIC_RELAXED);
        while (now > peak &&
               !__atomic_compare_exchange_n(&g_peak, &peak, now, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
        }
    }
}

static void sub(void *p)
{
    if (p != NULL) {
        __atomic_sub_fetch(&g_cur, malloc_usable_size(p), __ATOMIC_RELAXED);
    }
}

void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    add(p);
    return p;
}

void *calloc(size_t a, size_t b)
{
    void *p = __libc_calloc(a, b);
    add(p);
    return p;
}

void *realloc(void *old, size_t n)
{
    void *p;
    sub(old);
    p = __libc_realloc(old, n);
    if (p != NULL) {
        add(p);
    } else if (old != NULL && n != 0) {
        add(old); /* failed: the old block is still held */
    }
    return p;
}

void *memalign(size_t al, size_t n)
{
    void *p = __libc_memalign(al, n);
    add(p);
    return p;
}

void *aligned_alloc(size_t al, size_t n)
{
    return memalign(al, n);
}

int posix_memalign(void **out, size_t al, size_t n)
{
    void *p = memalign(al, n);
    if (p == NULL) {
        return 12; /* ENOMEM */
    }
    *out = p;
    return 0;
}

void free(void *p)
{
    sub(p);
    __libc_free(p);
}

/** Heap bytes in use now and the peak since the last call with reset set. */
void soak_heap_stats(size_t *cur, size_t *peak, int reset)
{
    *cur = __atomic_load_n(&g_cur, __ATOMIC_RELAXED);
    *peak = __atomic_load_n(&g_peak, __ATOMIC_RELAXED);
    if (reset) {
        __atomic_store_n(&g_peak, *cur, __ATOMIC_RELAXED);
    }
}
