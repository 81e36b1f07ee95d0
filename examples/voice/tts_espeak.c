/* SPDX-License-Identifier: Apache-2.0 */
/* The local speech engine of examples/voice: libespeak-ng (Debian's
 * libespeak-ng-dev), linked as a library, AUDIO_OUTPUT_SYNCHRONOUS: each
 * espeak_Synth() call returns when the phrase is synthesized, the samples
 * having gone through the callback in pieces of about 100 ms. Native rate
 * 22050 Hz (espeak-ng's; resampling to the speech endpoint's 24000 Hz is left
 * to a player). espeak-ng keeps global state: one engine per process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <espeak-ng/speak_lib.h>

#include "voice_tts.h"

typedef struct {
    voice_pcm_fn pcm;
    void *user;
    char *text;   /* the phrase NUL-terminated (espeak_Synth reads to a NUL) */
    size_t cap;
} espeak_state_t;

static espeak_state_t g_state;

static int on_samples(short *wav, int n, espeak_EVENT *ev)
{
    (void)ev;
    if (wav != NULL && n > 0 && g_state.pcm != NULL) {
        g_state.pcm(g_state.user, (const int16_t *)wav, (size_t)n);
    }
    return 0; /* go on */
}

static int speak(voice_tts_t *t, const char *phrase, size_t n, voice_pcm_fn pcm, void *user)
{
    espeak_state_t *s = t->state;
    if (n + 1 > s->cap) {
        char *p = realloc(s->text, n + 1);
        if (p == NULL) {
            return -1;
        }
        s->text = p;
        s->cap = n + 1;
    }
    memcpy(s->text, phrase, n);
    s->text[n] = '\0';
    s->pcm = pcm;
    s->user = user;
    if (espeak_Synth(s->text, n + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL) !=
        EE_OK) {
        fprintf(stderr, "voice: espeak_Synth failed\n");
        return -1;
    }
    return 0;
}

static void close_engine(voice_tts_t *t)
{
    espeak_state_t *s = t->state;
    espeak_Terminate();
    free(s->text);
    s->text = NULL;
    s->cap = 0;
}

int voice_tts_espeak(voice_tts_t *t, const char *voice)
{
    int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 100, NULL, espeakINITIALIZE_DONT_EXIT);
    if (rate <= 0) {
        fprintf(stderr, "voice: espeak_Initialize failed (espeak-ng-data missing?)\n");
        return -1;
    }
    if (espeak_SetVoiceByName(voice != NULL ? voice : "en") != EE_OK) {
        fprintf(stderr, "voice: espeak-ng has no voice '%s'\n", voice != NULL ? voice : "en");
        espeak_Terminate();
        return -1;
    }
    espeak_SetSynthCallback(on_samples);
    memset(&g_state, 0, sizeof g_state);
    t->name = "espeak-ng";
    t->rate = (unsigned)rate;
    t->speak = speak;
    t->close = close_engine;
    t->state = &g_state;
    return 0;
}
