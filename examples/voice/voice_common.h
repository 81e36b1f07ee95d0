/* SPDX-License-Identifier: Apache-2.0 */
/* examples/voice: what both voice programs (voice.c: espeak-ng; voice_api.c:
 * the speech endpoint) do the same way: the clock, number options, the
 * phrase chunker's setup, the measures they print, and the WAV they write
 * (RIFF, PCM 16-bit mono, little-endian; written with data size 0 first,
 * patched at the end when the size is known). */
#ifndef VOICE_COMMON_H
#define VOICE_COMMON_H

#include <stddef.h>
#include <stdio.h>

#include "dripfeed/dripfeed.h"

/** Monotonic milliseconds. */
double voice_now_ms(void);

/** Parses a decimal option value in [lo, hi] into *out; 0 when it is one. */
int voice_num(const char *s, unsigned long lo, unsigned long hi, unsigned long *out);

/** drip_phrase_init() with --min / --max (max 0: DRIP_PHRASE_MAX_DEFAULT)
 *  over buf, every phrase to on_phrase(user, ...). */
drip_err_t voice_phrase_setup(drip_phrase_t *ph, unsigned long min, unsigned long max,
                              char *buf, size_t buf_len, drip_phrase_fn on_phrase, void *user);

/** The measures both programs print, in ms from t0 (-1: not yet). */
typedef struct {
    double t0;
    double first_text, first_phrase, first_audio, last_delta;
    unsigned long deltas, phrases;
    unsigned long first_delta; /**< deltas before the one that completed the first phrase */
    size_t longest;            /**< longest phrase, bytes */
} voice_stats_t;

/** Starts the clock; nothing seen yet. */
void voice_stats_start(voice_stats_t *s);
/** A text delta arrived; not_counted_ms (time spent in the program, not
 *  waiting for the answer) is taken off last_delta. */
void voice_stats_delta(voice_stats_t *s, double not_counted_ms);
/** A phrase of n bytes completed; returns its time (ms from t0). */
double voice_stats_phrase(voice_stats_t *s, size_t n);
/** Audio came out (the first call sets first_audio). */
void voice_stats_audio(voice_stats_t *s);

/** Writes n bytes of v, little-endian, at p. */
void voice_put_le(unsigned char *p, unsigned long v, int n);

/** Opens path for writing and writes the header with data size 0; NULL
 *  with "prog: path: reason" on stderr when it cannot. */
FILE *voice_wav_open(const char *prog, const char *path, unsigned rate);

/** Patches the header with the data size and closes; 0 when written. */
int voice_wav_close(FILE *f, unsigned rate, unsigned long data_bytes);

#endif
