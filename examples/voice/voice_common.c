/* SPDX-License-Identifier: Apache-2.0 */
/* examples/voice: the pieces both voice programs share (voice_common.h). */
#define _POSIX_C_SOURCE 200809L
#include "voice_common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double voice_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int voice_num(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end;
    errno = 0;
    *out = strtoul(s, &end, 10);
    return errno != 0 || *s == '\0' || *end != '\0' || *out < lo || *out > hi;
}

drip_err_t voice_phrase_setup(drip_phrase_t *ph, unsigned long min, unsigned long max,
                              char *buf, size_t buf_len, drip_phrase_fn on_phrase, void *user)
{
    drip_phrase_cfg_t pc;
    memset(&pc, 0, sizeof pc);
    pc.min = min;
    pc.max = max != 0 ? max : DRIP_PHRASE_MAX_DEFAULT;
    pc.buf = buf;
    pc.buf_len = buf_len;
    pc.on_phrase = on_phrase;
    pc.user = user;
    return drip_phrase_init(ph, &pc);
}

void voice_stats_start(voice_stats_t *s)
{
    memset(s, 0, sizeof *s);
    s->first_text = s->first_phrase = s->first_audio = s->last_delta = -1;
    s->t0 = voice_now_ms();
}

void voice_stats_delta(voice_stats_t *s, double not_counted_ms)
{
    double t = voice_now_ms() - s->t0;
    if (s->deltas == 0) {
        s->first_text = t;
    }
    s->deltas++;
    s->last_delta = t - not_counted_ms;
}

double voice_stats_phrase(voice_stats_t *s, size_t n)
{
    double t = voice_now_ms() - s->t0;
    if (s->phrases == 0) {
        s->first_phrase = t;
        s->first_delta = s->deltas > 0 ? s->deltas - 1 : 0;
    }
    s->phrases++;
    if (n > s->longest) {
        s->longest = n;
    }
    return t;
}

void voice_stats_audio(voice_stats_t *s)
{
    if (s->first_audio < 0) {
        s->first_audio = voice_now_ms() - s->t0;
    }
}

void voice_put_le(unsigned char *p, unsigned long v, int n)
{
    int i;
    for (i = 0; i < n; i++) {
        p[i] = (unsigned char)(v >> (8 * i));
    }
}

static int wav_header(FILE *f, unsigned rate, unsigned long data_bytes)
{
    unsigned char h[44];
    memcpy(h, "RIFF", 4);
    voice_put_le(h + 4, 36 + data_bytes, 4);
    memcpy(h + 8, "WAVEfmt ", 8);
    voice_put_le(h + 16, 16, 4);
    voice_put_le(h + 20, 1, 2); /* PCM */
    voice_put_le(h + 22, 1, 2); /* mono */
    voice_put_le(h + 24, rate, 4);
    voice_put_le(h + 28, rate * 2ul, 4);
    voice_put_le(h + 32, 2, 2);
    voice_put_le(h + 34, 16, 2);
    memcpy(h + 36, "data", 4);
    voice_put_le(h + 40, data_bytes, 4);
    return fwrite(h, 1, sizeof h, f) == sizeof h ? 0 : -1;
}

FILE *voice_wav_open(const char *prog, const char *path, unsigned rate)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        return NULL;
    }
    (void)wav_header(f, rate, 0); /* sizes patched at the end */
    return f;
}

int voice_wav_close(FILE *f, unsigned rate, unsigned long data_bytes)
{
    int bad = fseek(f, 0, SEEK_SET) != 0 || wav_header(f, rate, data_bytes) != 0;
    return fclose(f) != 0 || bad;
}
