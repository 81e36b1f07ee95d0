/* SPDX-License-Identifier: Apache-2.0 */
/* examples/voice, the speech-endpoint way: an answer streamed from a server
 * (POST /v1/responses), cut into phrases as it arrives (drip_phrase.h), each
 * phrase spoken by POST /v1/audio/speech (pcm, 24 kHz s16le mono) and its
 * audio appended to a WAV as it arrives. Host only (the POSIX bundle:
 * sockets + Mbed TLS, certificate verified against --ca).
 *
 *   voice_api --url https://HOST:PORT/v1 [--ca FILE] [--key KEY]
 *             [--sequence after|parallel] [--format sse|audio] [--wav FILE]
 *             [--min N] [--max N] [--header 'Name: value']...
 *
 * Two ways to sequence the answer and the speech:
 * - after (one TLS session, what a board with room for one does): one
 *   drip_client_t. The answer streams to its end while its phrases queue;
 *   then each phrase is a speech request on the same kept-alive connection
 *   (drip_client_start reuses it: one TCP connect, one handshake). The
 *   queue holds the whole answer's phrases (here a static 64 KB).
 * - parallel (two TLS sessions): an answer client and a speech client,
 *   both driven by drip_client_step() from one superloop (no thread); each
 *   phrase is spoken as soon as it completes and the speech client is free,
 *   while the answer still streams; the speech client's connection is kept
 *   alive from phrase to phrase. The queue holds only the phrases not yet
 *   spoken.
 * The superloop sleeps 1 ms after a turn in which no handler ran and no call
 * ended (step() never waits); a board would wait on its network event.
 *
 * stderr: one line per phrase (when it completed, when its audio began).
 * stdout: one JSON line:
 *   {"sequence":"parallel","phrases":16,"longest_phrase":..,"deltas":..,
 *    "first_phrase_delta":..,"first_text_ms":..,"first_phrase_ms":..,
 *    "first_audio_ms":..,"answer_ms":..,"total_ms":..,"audio_bytes":..,
 *    "audio_s":..,"rate":24000,"speech_requests":..,"state":"completed"}
 * Times from the start (before the first connect). Exit 0 only when the
 * answer and every phrase's speech completed.
 * With tests/soak/heap_peak.c preloaded (LD_PRELOAD=soak_heap_peak.so) the
 * line also has "tls_heap_peak": the heap's peak above what it held before
 * the bundles' setup: on the host Mbed TLS allocates from the heap (record
 * buffers at setup, CA, handshake), so this is the TLS sessions' peak, one
 * (after) or two (parallel) at once (plus getaddrinfo's short-lived
 * allocations); -1 without it. */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dripfeed/dripfeed.h"
#include "drip_https_posix.h"
#include "voice_common.h"

#define VOICE_RATE 24000u           /* pcm of the speech endpoint */
#define VOICE_QUEUE (64u * 1024u)   /* phrase text waiting to be spoken (host) */
#define VOICE_MAX_PHRASES 1024u
#define VOICE_MAX_HEADERS 8

typedef struct {
    /* phrases, NUL-terminated, back to back; [head, count) not yet spoken */
    char text[VOICE_QUEUE];
    size_t off[VOICE_MAX_PHRASES];
    size_t used, head, count;
} queue_t;

typedef struct {
    drip_phrase_t ph;
    queue_t q;
    FILE *wav;
    voice_stats_t m;
    unsigned long long audio;
    unsigned long requests, spoken;
    unsigned long activity; /* handler calls: the superloop sleeps only when idle */
    int overflow, failed;
} voice_t;

static voice_t g_v;
static drip_https_posix_t g_answer, g_speech; /* ~60 KB each: static */

static void on_phrase(void *user, const char *s, size_t n)
{
    voice_t *v = user;
    queue_t *q = &v->q;
    double t = voice_stats_phrase(&v->m, n);
    fprintf(stderr, "%8.1f ms  phrase %lu: %.*s\n", t, v->m.phrases, (int)n, s);
    if (q->used + n + 1 > sizeof q->text || q->count == VOICE_MAX_PHRASES) {
        v->overflow = 1; /* the example's limit, said at the end */
        return;
    }
    memcpy(q->text + q->used, s, n);
    q->text[q->used + n] = '\0';
    q->off[q->count++] = q->used;
    q->used += n + 1;
}

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    voice_t *v = user;
    (void)ev;
    voice_stats_delta(&v->m, 0);
    v->activity++;
    drip_phrase_feed(&v->ph, p, n);
    return DRIP_OK;
}

static drip_err_t on_audio(void *user, const uint8_t *p, size_t n)
{
    voice_t *v = user;
    voice_stats_audio(&v->m);
    /* s16le straight into the WAV; a sample may straddle two calls */
    if (v->wav != NULL && fwrite(p, 1, n, v->wav) != n) {
        return DRIP_ERR_CANCELLED;
    }
    v->audio += n;
    v->activity++;
    return DRIP_OK;
}

static void on_error(void *user, const drip_error_t *err)
{
    (void)user;
    fprintf(stderr, "voice_api: %s", drip_err_str(err->code));
    if (err->api.message.p != NULL) {
        fprintf(stderr, ": %.*s", (int)err->api.message.n, err->api.message.p);
    }
    fputc('\n', stderr);
}

static const drip_handlers_t g_handlers = {
    .on_text = on_text, .on_audio = on_audio, .on_error = on_error};

/* ---- requests ------------------------------------------------------------ */

static drip_err_t start_answer(drip_client_t *c)
{
    drip_request_t r;
    memset(&r, 0, sizeof r);
    r.api = DRIP_API_RESPONSES;
    r.model = "o3-mini";
    r.input = "Explain how a streaming voice assistant can start speaking before the "
              "answer is complete.";
    return drip_client_start(c, &r);
}

/* The next queued phrase as a speech request; its text stays in the queue
 * until the call ends (drip_client_start copies it into tx anyway). */
static drip_err_t start_phrase(drip_client_t *c, const char *format)
{
    voice_t *v = &g_v;
    drip_request_t r;
    memset(&r, 0, sizeof r);
    r.api = DRIP_API_SPEECH;
    r.model = "gpt-4o-mini-tts";
    r.input = v->q.text + v->q.off[v->q.head];
    r.voice = "coral";
    r.response_format = "pcm";
    r.stream_format = format;
    v->requests++;
    fprintf(stderr, "%8.1f ms  speaking phrase %lu\n", voice_now_ms() - v->m.t0,
            (unsigned long)v->q.head + 1);
    return drip_client_start(c, &r);
}

static void sleep_1ms(void)
{
    struct timespec ts = {0, 1000000L};
    nanosleep(&ts, NULL);
}

/* One speech call ended: count it, next phrase. */
static void phrase_done(drip_client_t *c)
{
    const drip_result_t *r = drip_client_result(c);
    if (r->state != DRIP_STATE_COMPLETED) {
        fprintf(stderr, "voice_api: phrase %lu: %s (http %d)\n", (unsigned long)g_v.q.head + 1,
                drip_state_name(r->state), r->http_status);
        g_v.failed = 1;
    } else {
        g_v.spoken++;
    }
    g_v.q.head++;
}

/* ---- main ---------------------------------------------------------------- */

static int usage(void)
{
    fputs("usage: voice_api --url https://HOST:PORT/v1 [--ca FILE] [--key KEY]"
          " [--sequence after|parallel] [--format sse|audio] [--wav FILE] [--min N] [--max N]"
          " [--header 'Name: value']...\n", stderr);
    return 2;
}

int main(int argc, char **argv)
{
    static char phrase_buf[4096];
    static drip_header_t hdr[VOICE_MAX_HEADERS];
    const char *url = NULL, *ca = NULL, *key = NULL, *wav = NULL, *format = "sse";
    unsigned long min = DRIP_PHRASE_MIN_DEFAULT, max = 0;
    int parallel = 1, nh = 0, i, answer_done = 0, speaking = 0;
    voice_t *v = &g_v;
    drip_https_cfg_t cfg;
    drip_state_t ast = DRIP_STATE_FAILED;
    double total;
    void (*heap)(size_t *cur, size_t *peak, int reset) = NULL;
    size_t heap_base = 0, heap_peak = 0;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (val == NULL) {
            return usage();
        }
        i++;
        if (strcmp(a, "--url") == 0) {
            url = val;
        } else if (strcmp(a, "--ca") == 0) {
            ca = val;
        } else if (strcmp(a, "--key") == 0) {
            key = val;
        } else if (strcmp(a, "--wav") == 0) {
            wav = val;
        } else if (strcmp(a, "--sequence") == 0) {
            if (strcmp(val, "after") == 0) {
                parallel = 0;
            } else if (strcmp(val, "parallel") != 0) {
                return usage();
            }
        } else if (strcmp(a, "--format") == 0) {
            if (strcmp(val, "sse") != 0 && strcmp(val, "audio") != 0) return usage();
            format = val;
        } else if (strcmp(a, "--min") == 0) {
            if (voice_num(val, 0, 1ul << 20, &min)) return usage();
        } else if (strcmp(a, "--max") == 0) {
            if (voice_num(val, DRIP_PHRASE_MAX_LEAST, sizeof phrase_buf, &max)) return usage();
        } else if (strcmp(a, "--header") == 0) {
            char *c = strchr(val, ':');
            if (c == NULL || nh == VOICE_MAX_HEADERS) return usage();
            *c++ = '\0';
            while (*c == ' ') c++;
            hdr[nh].name = val;
            hdr[nh].value = c;
            nh++;
        } else {
            return usage();
        }
    }
    if (url == NULL) {
        return usage();
    }
    if (wav != NULL && (v->wav = voice_wav_open("voice_api", wav, VOICE_RATE)) == NULL) {
        return 2;
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.base_url = url;
    cfg.api_key = key;
    cfg.ca_file = ca;
    cfg.headers = hdr;
    cfg.nheaders = (size_t)nh;
    cfg.handlers = &g_handlers;
    cfg.user = v;
    *(void **)(&heap) = dlsym(RTLD_DEFAULT, "soak_heap_stats");
    if (heap != NULL) {
        heap(&heap_base, &heap_peak, 1); /* the peak from here on: Mbed TLS's */
    }
    if (voice_phrase_setup(&v->ph, min, max, phrase_buf, sizeof phrase_buf, on_phrase, v) !=
            DRIP_OK ||
        drip_https_posix_setup(&g_answer, &cfg) != DRIP_OK ||
        (parallel && drip_https_posix_setup(&g_speech, &cfg) != DRIP_OK)) {
        fputs("voice_api: setup failed (URL, CA file?)\n", stderr);
        return 2;
    }
    voice_stats_start(&v->m);
    if (start_answer(&g_answer.client) != DRIP_OK) {
        fputs("voice_api: request does not fit\n", stderr);
        return 2;
    }
    if (!parallel) {
        /* One session: the whole answer, then its phrases on the same connection. */
        ast = drip_client_run(&g_answer.client);
        drip_phrase_finish(&v->ph);
        while (v->q.head < v->q.count) {
            if (start_phrase(&g_answer.client, format) != DRIP_OK) {
                v->failed = 1;
                break;
            }
            (void)drip_client_run(&g_answer.client);
            phrase_done(&g_answer.client);
        }
    } else {
        /* Two sessions, one superloop: the answer streams while phrases are spoken. */
        for (;;) {
            unsigned long seen = v->activity;
            int idle = 1;
            if (!answer_done && drip_client_step(&g_answer.client) != DRIP_AGAIN) {
                answer_done = 1;
                ast = drip_client_result(&g_answer.client)->state;
                drip_phrase_finish(&v->ph); /* the last phrase */
                idle = 0;
            }
            if (!speaking && v->q.head < v->q.count) {
                if (start_phrase(&g_speech.client, format) != DRIP_OK) {
                    v->failed = 1;
                    break;
                }
                speaking = 1;
            }
            if (speaking && drip_client_step(&g_speech.client) != DRIP_AGAIN) {
                phrase_done(&g_speech.client);
                speaking = 0;
                idle = 0;
            }
            if (answer_done && !speaking && v->q.head == v->q.count) {
                break;
            }
            if (idle && seen == v->activity) {
                sleep_1ms();
            }
        }
    }
    total = voice_now_ms() - v->m.t0;
    if (heap != NULL) {
        size_t cur;
        heap(&cur, &heap_peak, 0);
    }
    if (v->wav != NULL && voice_wav_close(v->wav, VOICE_RATE, (unsigned long)v->audio) != 0) {
        v->failed = 1;
    }
    printf("{\"sequence\":\"%s\",\"format\":\"%s\",\"phrases\":%lu,\"longest_phrase\":%zu,"
           "\"max\":%lu,\"deltas\":%lu,\"first_phrase_delta\":%lu,\"first_text_ms\":%.1f,"
           "\"first_phrase_ms\":%.1f,\"first_audio_ms\":%.1f,\"answer_ms\":%.1f,"
           "\"total_ms\":%.1f,\"audio_bytes\":%llu,\"audio_s\":%.3f,\"rate\":%u,"
           "\"speech_requests\":%lu,\"spoken\":%lu,\"overflow\":%d,\"tls_heap_peak\":%ld,"
           "\"state\":\"%s\"}\n",
           parallel ? "parallel" : "after", format, v->m.phrases, v->m.longest,
           (unsigned long)v->ph.max, v->m.deltas, v->m.first_delta, v->m.first_text,
           v->m.first_phrase, v->m.first_audio, v->m.last_delta, total, v->audio, (double)v->audio / (2.0 * VOICE_RATE),
           VOICE_RATE, v->requests, v->spoken, v->overflow,
           heap != NULL ? (long)(heap_peak - heap_base) : -1L, drip_state_name(ast));
    drip_https_posix_free(&g_answer);
    if (parallel) {
        drip_https_posix_free(&g_speech);
    }
    return v->failed || v->overflow || ast != DRIP_STATE_COMPLETED || v->spoken != v->m.phrases
               ? 1
               : 0;
}
