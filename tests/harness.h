/* SPDX-License-Identifier: Apache-2.0 */
/* Shared test helpers (cmocka tests include this after cmocka.h). */
#ifndef DRIP_TEST_HARNESS_H
#define DRIP_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/** Whole file, NUL-terminated (heap: tests may allocate). NULL if missing. */
unsigned char *th_read_file(const char *path, size_t *len);
/** A file of tests/transcripts/. */
unsigned char *th_transcript(const char *name, size_t *len);
/** A file of tests/captures/. */
unsigned char *th_capture(const char *name, size_t *len);
/** Growable byte buffer for recordings (tests may use the heap); always
 *  NUL-terminated. Aborts if memory runs out. */
typedef struct th_buf {
    char *p;
    size_t n, cap;
} th_buf_t;

void th_buf_add(th_buf_t *b, const void *p, size_t n);
void th_buf_str(th_buf_t *b, const char *s);
void th_buf_fmt(th_buf_t *b, const char *fmt, ...);

/** A file name from th_list_dir(). */
typedef struct th_name {
    char name[128];
} th_name_t;

/** Sorted names of `dir`'s files ending in `ext`; aborts on more than `cap`. */
size_t th_list_dir(const char *dir, const char *ext, th_name_t *out, size_t cap);

/** Deterministic pseudo-random numbers (xorshift32). */
uint32_t th_rand(uint32_t *state);

#endif
