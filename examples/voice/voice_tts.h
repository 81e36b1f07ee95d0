/* SPDX-License-Identifier: Apache-2.0 */
/* The seam between phrases and a speech engine (examples/voice).
 *
 * voice.c hands every phrase of drip_phrase_t to speak(); the engine turns it
 * into 16-bit mono PCM at `rate` Hz and passes it to pcm() as it is made,
 * before speak() returns (synchronous). tts_espeak.c is the local engine
 * (libespeak-ng, 22050 Hz); another local engine fills the same struct and
 * nothing else in voice.c changes. The speech endpoint (POST
 * /v1/audio/speech, openai.md §11, 24000 Hz) is voice_api.c instead: to speak
 * while the answer still streams it steps two clients from one loop, which a
 * synchronous speak() cannot. */
#ifndef VOICE_TTS_H
#define VOICE_TTS_H

#include <stddef.h>
#include <stdint.h>

/** Receives PCM as the engine produces it (host byte order). */
typedef void (*voice_pcm_fn)(void *user, const int16_t *pcm, size_t samples);

/** A speech engine. */
typedef struct voice_tts {
    const char *name;   /**< for the report, e.g. "espeak-ng" */
    unsigned rate;      /**< sample rate of the PCM, Hz */
    /** Speaks one phrase (UTF-8, n bytes, not NUL-terminated); 0 on success. */
    int (*speak)(struct voice_tts *t, const char *phrase, size_t n, voice_pcm_fn pcm,
                 void *user);
    void (*close)(struct voice_tts *t);
    void *state;        /**< the engine's own */
} voice_tts_t;

/** libespeak-ng, synchronous synthesis into a callback. voice: an espeak-ng
 *  voice name ("en" when NULL). Returns 0, or -1 with a message on stderr. */
int voice_tts_espeak(voice_tts_t *t, const char *voice);

#endif
