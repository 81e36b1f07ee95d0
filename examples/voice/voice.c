/* SPDX-License-Identifier: Apache-2.0 */
/* examples/voice: speak an answer while it streams (host only).
 *
 *   voice [--wav FILE] [--api responses|chat] [--feed N] [--delay-ms N]
 *         [--min N] [--max N] [--voice NAME] [CAPTURE]
 *
 * A recorded answer (a raw HTTP response, as `dripfeed decode` reads; stdin
 * when no CAPTURE) is fed to a drip_stream_t in pieces of --feed bytes with
 * --delay-ms between them (default 256 bytes every 2 ms, about the pace of
 * `make demo`'s replay server), as a socket would deliver it. Every text
 * delta goes to drip_phrase_feed(); every phrase goes to speak_phrase(), the
 * seam to a speech engine (voice_tts.h): here libespeak-ng, synchronously,
 * its PCM appended to the WAV (16-bit mono, espeak-ng's native 22050 Hz) as
 * it is made. Another local engine plugs in at the same seam; the speech
 * endpoint (POST /v1/audio/speech) is voice_api.c: a network call that
 * overlaps the answer needs its own loop, not a synchronous speak().
 *
 * stderr: one line per phrase with the time it completed. stdout: one JSON
 * line with the measures:
 *   {"phrases":16,"longest_phrase":146,"phrase_struct":...,"deltas":271,
 *    "first_phrase_delta":7,"first_text_ms":..,"first_phrase_ms":..,"first_audio_ms":..,
 *    "answer_ms":..,"audio_s":..,"rate":22050,"state":"completed"}
 * first_text_ms / first_phrase_ms / first_audio_ms: from the first byte fed
 * to the first text delta / the first phrase / the first samples out of the
 * engine (an o3-mini answer streams its reasoning summary before any text); answer_ms: when the last
 * text delta arrived, not counting the time spent synthesizing before it
 * (what waiting for the whole answer would cost before speaking). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dripfeed/dripfeed.h"
#include "voice_common.h"
#include "voice_tts.h"

typedef struct {
    drip_phrase_t ph;
    voice_tts_t tts;
    FILE *wav;
    voice_stats_t m;
    unsigned long long samples;
    double synth; /* ms spent synthesizing: not the answer's time */
    int failed;
} voice_t;

static void on_pcm(void *user, const int16_t *pcm, size_t n)
{
    voice_t *v = user;
    size_t i;
    voice_stats_audio(&v->m);
    if (v->wav != NULL) {
        for (i = 0; i < n; i++) {
            unsigned char b[2];
            voice_put_le(b, (unsigned long)(uint16_t)pcm[i], 2);
            fwrite(b, 1, 2, v->wav);
        }
    }
    v->samples += n;
}

/* ---- the seam: one phrase to the speech engine -------------------------- */

static void speak_phrase(voice_t *v, const char *s, size_t n)
{
    double t = voice_now_ms();
    if (v->tts.speak(&v->tts, s, n, on_pcm, v) != 0) {
        v->failed = 1;
    }
    v->synth += voice_now_ms() - t;
}

static void on_phrase(void *user, const char *s, size_t n)
{
    voice_t *v = user;
    double t = voice_stats_phrase(&v->m, n);
    fprintf(stderr, "%8.1f ms  %.*s\n", t, (int)n, s);
    speak_phrase(v, s, n);
}

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    voice_t *v = user;
    (void)ev;
    voice_stats_delta(&v->m, v->synth);
    drip_phrase_feed(&v->ph, p, n);
    return DRIP_OK;
}

/* ---- main ---------------------------------------------------------------- */

static int usage(void)
{
    fputs("usage: voice [--wav FILE] [--api responses|chat] [--feed N] [--delay-ms N]"
          " [--min N] [--max N] [--voice NAME] [CAPTURE]\n", stderr);
    return 2;
}

int main(int argc, char **argv)
{
    static voice_t v;
    static drip_stream_t st;
    static uint8_t data[4096];
    static jsmntok_t tok[256];
    static drip_call_slot_t calls[4];
    static char phrase_buf[4096];
    static const drip_handlers_t handlers = {.on_text = on_text};
    const char *wav = NULL, *in = NULL, *voice_name = NULL;
    unsigned long feed = 256, delay = 2, min = DRIP_PHRASE_MIN_DEFAULT, max = 0;
    drip_api_t api = DRIP_API_RESPONSES;
    drip_stream_cfg_t sc;
    uint8_t *piece;
    FILE *f = stdin;
    size_t n;
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (a[0] != '-' || strcmp(a, "-") == 0) {
            in = a;
            continue;
        }
        if (val == NULL) {
            return usage();
        }
        i++;
        if (strcmp(a, "--wav") == 0) {
            wav = val;
        } else if (strcmp(a, "--voice") == 0) {
            voice_name = val;
        } else if (strcmp(a, "--api") == 0) {
            if (strcmp(val, "chat") == 0) {
                api = DRIP_API_CHAT;
            } else if (strcmp(val, "responses") != 0) {
                return usage();
            }
        } else if (strcmp(a, "--feed") == 0) {
            if (voice_num(val, 1, 1ul << 20, &feed)) return usage();
        } else if (strcmp(a, "--delay-ms") == 0) {
            if (voice_num(val, 0, 10000, &delay)) return usage();
        } else if (strcmp(a, "--min") == 0) {
            if (voice_num(val, 0, 1ul << 20, &min)) return usage();
        } else if (strcmp(a, "--max") == 0) {
            if (voice_num(val, DRIP_PHRASE_MAX_LEAST, sizeof phrase_buf, &max)) return usage();
        } else {
            return usage();
        }
    }
    if (in != NULL && strcmp(in, "-") != 0 && (f = fopen(in, "rb")) == NULL) {
        fprintf(stderr, "voice: %s: %s\n", in, strerror(errno));
        return 2;
    }
    piece = malloc(feed);
    if (piece == NULL || voice_tts_espeak(&v.tts, voice_name) != 0) {
        return 2;
    }
    if (wav != NULL && (v.wav = voice_wav_open("voice", wav, v.tts.rate)) == NULL) {
        return 2;
    }

    memset(&sc, 0, sizeof sc);
    sc.api = api;
    sc.buf = data;
    sc.buf_len = sizeof data;
    sc.tok = tok;
    sc.ntok = sizeof tok / sizeof tok[0];
    sc.calls = calls;
    sc.ncalls = sizeof calls / sizeof calls[0];
    sc.handlers = &handlers;
    sc.user = &v;
    if (voice_phrase_setup(&v.ph, min, max, phrase_buf, sizeof phrase_buf, on_phrase, &v) !=
            DRIP_OK ||
        drip_stream_init(&st, &sc) != DRIP_OK) {
        fputs("voice: setup failed\n", stderr);
        return 2;
    }
    voice_stats_start(&v.m);
    while ((n = fread(piece, 1, feed, f)) > 0) {
        if (drip_stream_feed(&st, piece, n) != DRIP_OK) {
            break;
        }
        if (delay > 0) { /* the network's pace */
            struct timespec ts = {(time_t)(delay / 1000), (long)(delay % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    drip_stream_finish(&st);
    drip_phrase_finish(&v.ph);

    if (v.wav != NULL && voice_wav_close(v.wav, v.tts.rate, (unsigned long)(v.samples * 2)) != 0) {
        v.failed = 1;
    }
    v.tts.close(&v.tts);
    printf("{\"phrases\":%lu,\"longest_phrase\":%zu,\"max\":%lu,\"phrase_struct\":%zu,"
           "\"deltas\":%lu,\"first_phrase_delta\":%lu,\"first_text_ms\":%.1f,"
           "\"first_phrase_ms\":%.1f,"
           "\"first_audio_ms\":%.1f,\"answer_ms\":%.1f,\"audio_s\":%.2f,\"rate\":%u,"
           "\"engine\":\"%s\",\"state\":\"%s\"}\n",
           v.m.phrases, v.m.longest, (unsigned long)v.ph.max, sizeof(drip_phrase_t), v.m.deltas,
           v.m.first_delta, v.m.first_text, v.m.first_phrase, v.m.first_audio, v.m.last_delta,
           (double)v.samples / v.tts.rate, v.tts.rate, v.tts.name,
           drip_state_name(st.result.state));
    free(piece);
    if (f != stdin) {
        fclose(f);
    }
    return v.failed || st.result.state != DRIP_STATE_COMPLETED ? 1 : 0;
}
