/* SPDX-License-Identifier: Apache-2.0 */
/*
 * No system heap in the firmware: the link wraps every allocator entry point
 *   -Wl,--wrap=malloc,--wrap=free,--wrap=calloc,--wrap=realloc,
 *   -Wl,--wrap=_malloc_r,--wrap=_free_r,--wrap=_calloc_r,--wrap=_realloc_r
 * so any call from any object (dripfeed, lwIP, mbedTLS, newlib) lands here and
 * stops the image with FW_EXIT_HEAP. newlib's real malloc is then never
 * linked, and no _sbrk is provided (fw_syscalls.c): an allocator that slips
 * past the wrap fails to link. mbedTLS allocates from its own static arena
 * (mbedtls_memory_buffer_alloc_init), lwIP from its static pools
 * (MEM_LIBC_MALLOC=0, MEMP_MEM_MALLOC=0).
 */
#include <stddef.h>
#include <stdint.h>

#include "fw_board.h"

struct _reent;

void *__wrap_malloc(size_t n);
void __wrap_free(void *p);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void *__wrap__malloc_r(struct _reent *r, size_t n);
void __wrap__free_r(struct _reent *r, void *p);
void *__wrap__calloc_r(struct _reent *r, size_t n, size_t m);
void *__wrap__realloc_r(struct _reent *r, void *p, size_t n);

void *__wrap_malloc(size_t n)
{
    (void)n;
    fw_fatal(FW_EXIT_HEAP, "heap: malloc called");
}

void __wrap_free(void *p)
{
    (void)p;
    fw_fatal(FW_EXIT_HEAP, "heap: free called");
}

void *__wrap_calloc(size_t n, size_t m)
{
    (void)n;
    (void)m;
    fw_fatal(FW_EXIT_HEAP, "heap: calloc called");
}

void *__wrap_realloc(void *p, size_t n)
{
    (void)p;
    (void)n;
    fw_fatal(FW_EXIT_HEAP, "heap: realloc called");
}

void *__wrap__malloc_r(struct _reent *r, size_t n)
{
    (void)r;
    (void)n;
    fw_fatal(FW_EXIT_HEAP, "heap: _malloc_r called");
}

void __wrap__free_r(struct _reent *r, void *p)
{
    (void)r;
    (void)p;
    fw_fatal(FW_EXIT_HEAP, "heap: _free_r called");
}

void *__wrap__calloc_r(struct _reent *r, size_t n, size_t m)
{
    (void)r;
    (void)n;
    (void)m;
    fw_fatal(FW_EXIT_HEAP, "heap: _calloc_r called");
}

void *__wrap__realloc_r(struct _reent *r, void *p, size_t n)
{
    (void)r;
    (void)p;
    (void)n;
    fw_fatal(FW_EXIT_HEAP, "heap: _realloc_r called");
}
