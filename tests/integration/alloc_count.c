/* SPDX-License-Identifier: Apache-2.0 */
/* LD_PRELOAD heap-call counter. Every malloc/calloc/realloc/free/... is
 * counted and attributed to the object that called it (dladdr of the return
 * address): the main program (dripfeed's library code is linked into it
 * statically), mbedTLS's shared libraries, libc itself, or other. At exit
 * the counts go to stderr (or $ALLOC_COUNT_OUT) as one JSON line.
 * glibc's __libc_* entry points avoid dlsym() recursion at start-up. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

enum { C_MAIN, C_MBEDTLS, C_LIBC, C_OTHER, C_SELF, C_N };
static unsigned long counts[C_N][2]; /* [class][0 alloc, 1 free] */
static __thread int busy;

static int classify(void *ret)
{
    Dl_info in, me;
    static void *main_base;
    if (busy) {
        return C_SELF; /* glibc's dladdr() allocating while we classify */
    }
    busy = 1;
    if (main_base == NULL) {
        void *m = dlsym(RTLD_DEFAULT, "main");
        if (m != NULL && dladdr(m, &me) != 0) {
            main_base = me.dli_fbase;
        }
    }
    int c = C_OTHER;
    if (dladdr(ret, &in) != 0) {
        if (in.dli_fbase == main_base) {
            c = C_MAIN;
        } else if (in.dli_fname != NULL && strstr(in.dli_fname, "libmbed") != NULL) {
            c = C_MBEDTLS;
        } else if (in.dli_fname != NULL && strstr(in.dli_fname, "libc.so") != NULL) {
            c = C_LIBC;
        }
    }
    if (c == C_OTHER && getenv("ALLOC_COUNT_DEBUG") != NULL) {
        static int shown;
        if (shown++ < 5) {
            fprintf(stderr, "other: %p %s %s\n", ret, dladdr(ret, &in) ? in.dli_fname : "-",
                    dladdr(ret, &in) && in.dli_sname ? in.dli_sname : "?");
        }
    }
    busy = 0;
    return c;
}

#define COUNT(kind) __atomic_add_fetch(&counts[classify(__builtin_return_address(0))][kind], 1, __ATOMIC_RELAXED)

void *malloc(size_t n) { COUNT(0); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { COUNT(0); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { COUNT(0); return __libc_realloc(p, n); }
void free(void *p) { if (p != NULL) { COUNT(1); } __libc_free(p); }
void *memalign(size_t a, size_t n) { COUNT(0); return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { COUNT(0); return __libc_memalign(a, n); }
int posix_memalign(void **out, size_t a, size_t n)
{
    COUNT(0);
    *out = __libc_memalign(a, n);
    return *out != NULL ? 0 : 12;
}

__attribute__((destructor)) static void report(void)
{
    const char *path = getenv("ALLOC_COUNT_OUT");
    FILE *f = path != NULL ? fopen(path, "w") : stderr;
    if (f == NULL) {
        return;
    }
    fprintf(f,
            "{\"main\":{\"alloc\":%lu,\"free\":%lu},\"mbedtls\":{\"alloc\":%lu,\"free\":%lu},"
            "\"libc\":{\"alloc\":%lu,\"free\":%lu},\"other\":{\"alloc\":%lu,\"free\":%lu},"
            "\"counter_itself\":{\"alloc\":%lu,\"free\":%lu}}\n",
            counts[C_MAIN][0], counts[C_MAIN][1], counts[C_MBEDTLS][0], counts[C_MBEDTLS][1],
            counts[C_LIBC][0], counts[C_LIBC][1], counts[C_OTHER][0], counts[C_OTHER][1],
            counts[C_SELF][0], counts[C_SELF][1]);
    if (f != stderr) {
        fclose(f);
    }
}
