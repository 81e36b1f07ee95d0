/* SPDX-License-Identifier: Apache-2.0 */
/* Shared test helpers (cmocka tests include this after cmocka.h). */
#ifndef DRIP_TEST_HARNESS_H
#define DRIP_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/** Whole file, NUL-terminated (heap: tests may allocate). NULL if missing. */
unsigned char *th_read_file(const char *path, size_t *len);
/** A file of ../shared/transcripts/. */
unsigned char *th_transcript(const char *name, size_t *len);
/** A file of tests/captures/. */
unsigned char *th_capture(const char *name, size_t *len);
/** Deterministic pseudo-random numbers (xorshift32). */
uint32_t th_rand(uint32_t *state);

#endif
