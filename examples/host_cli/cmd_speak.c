/* SPDX-License-Identifier: Apache-2.0 */
/* dripfeed speak [--wav FILE] [--feed N] [--buffer N] < CAPTURE  (docs/spec/cli.md)
 *
 * A raw HTTP response of POST /v1/audio/speech (an event stream of
 * speech.audio.delta / speech.audio.done, or a raw audio body) through the
 * whole pipeline with DRIP_API_SPEECH; the audio goes to a WAV file (RIFF,
 * PCM 16-bit mono, 24000 Hz) as it arrives. One summary line:
 * {"http_status":200,"state":"completed","audio_bytes":N,"usage":{...},
 *  "error":null,"request_id":"req_1"}
 * Exit 0 completed, 1 any other state, 2 bad usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "cmd_speak.h"

#define SPEAK "speak"
#define WAV_RATE 24000u

typedef struct {
    FILE *wav;
    const char *wav_path;
    uint64_t bytes;
    int io_failed;
} speak_t;

static void put_le(uint8_t *p, uint32_t v, int n)
{
    int i;
    for (i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* The 44-byte header of a canonical PCM WAV holding `data` bytes. */
static void wav_header(uint8_t h[44], uint32_t data)
{
    memcpy(h, "RIFF", 4);
    put_le(h + 4, 36u + data + (data & 1u), 4); /* the data chunk is padded to even */
    memcpy(h + 8, "WAVEfmt ", 8);
    put_le(h + 16, 16u, 4);          /* fmt chunk size */
    put_le(h + 20, 1u, 2);           /* PCM */
    put_le(h + 22, 1u, 2);           /* mono */
    put_le(h + 24, WAV_RATE, 4);
    put_le(h + 28, WAV_RATE * 2u, 4); /* byte rate */
    put_le(h + 32, 2u, 2);           /* block align */
    put_le(h + 34, 16u, 2);          /* bits per sample */
    memcpy(h + 36, "data", 4);
    put_le(h + 40, data, 4);
}

static drip_err_t on_audio(void *user, const uint8_t *p, size_t n)
{
    speak_t *s = (speak_t *)user;
    s->bytes += n;
    if (s->wav != NULL && fwrite(p, 1, n, s->wav) != n) {
        s->io_failed = 1;
    }
    return DRIP_OK;
}

static void on_error(void *user, const drip_error_t *e)
{
    (void)user;
    cli_say_error("speak", e);
}

static void print_summary(const drip_stream_t *st, const speak_t *s)
{
    const drip_result_t *r = &st->result;
    const char *rid = drip_stream_head(st)->request_id;
    if (r->http_status > 0) {
        printf("{\"http_status\":%d", r->http_status);
    } else {
        fputs("{\"http_status\":null", stdout);
    }
    printf(",\"state\":\"%s\",\"audio_bytes\":%llu,\"usage\":", drip_state_name(r->state),
           (unsigned long long)s->bytes);
    if (r->has_usage) {
        printf("{\"input_tokens\":%lld,\"output_tokens\":%lld,\"total_tokens\":%lld}",
               (long long)r->usage.input_tokens, (long long)r->usage.output_tokens,
               (long long)r->usage.total_tokens);
    } else {
        fputs("null", stdout);
    }
    fputs(",\"error\":", stdout);
    put_error_json(stdout, r);
    fputs(",\"request_id\":", stdout);
    put_opt_str(stdout, rid, strlen(rid), r->http_status > 0 && rid[0] != '\0');
    fputs("}\n", stdout);
}

static int parse(int argc, char **argv, cli_decode_t *d, speak_t *s)
{
    int i;
    for (i = 1; i < argc; i++) {
        static const char *const takes[] = {"--feed", "--buffer", "--wav", NULL};
        const char *v, *a = cli_opt(SPEAK, argc, argv, &i, takes, NULL, &v);
        if (a == NULL) {
            return -1;
        }
        if (strcmp(a, "--feed") == 0) {
            if (parse_size(SPEAK, a, v, 1, MAX_SIZE_ARG, &d->feed)) return -1;
        } else if (strcmp(a, "--buffer") == 0) {
            if (parse_size(SPEAK, a, v, 64, MAX_SIZE_ARG, &d->buffer)) return -1;
        } else {
            s->wav_path = v;
        }
    }
    return 0;
}

int cmd_speak(int argc, char **argv)
{
    static const drip_handlers_t handlers = {.on_audio = on_audio, .on_error = on_error};
    static drip_stream_t st;
    static speak_t s;
    cli_decode_t d;
    int rc;

    memset(&s, 0, sizeof s);
    cli_decode_defaults(&d, SPEAK, DRIP_API_SPEECH);
    d.handlers = &handlers;
    d.user = &s;
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        puts("usage: dripfeed speak [--wav FILE] [--feed N] [--buffer N] < CAPTURE\n"
             "  CAPTURE     a raw HTTP response of POST /v1/audio/speech: an event stream of\n"
             "              speech.audio.delta/done, or a raw audio/pcm body\n"
             "  --wav FILE  write the audio as a WAV (RIFF PCM 16-bit mono 24000 Hz)\n"
             "  --feed N    bytes handed to the parser per call, 1..1073741824 (default 4096)\n"
             "  --buffer N  event data buffer, 64..1073741824 (default 4096): a larger delta\n"
             "              is decoded in pieces, never dropped\n"
             "Prints one summary line (docs/spec/cli.md). Exit status: 0 completed, 1 any\n"
             "other end, 2 bad usage.");
        return 0;
    }
    if (parse(argc, argv, &d, &s) != 0) {
        return 2;
    }
    if (s.wav_path != NULL) {
        uint8_t h[44];
        s.wav = fopen(s.wav_path, "wb");
        if (s.wav == NULL) {
            bad(SPEAK, "--wav: cannot create '%s'", cli_shown(s.wav_path));
            return 2;
        }
        wav_header(h, 0); /* sizes filled in at the end */
        if (fwrite(h, 1, sizeof h, s.wav) != sizeof h) {
            s.io_failed = 1;
        }
    }
    rc = cli_decode_stdin(&d, &st);
    if (s.wav != NULL) {
        uint8_t h[44];
        uint32_t n = s.bytes > 0xFFFFFFF0u ? 0xFFFFFFF0u : (uint32_t)s.bytes;
        if ((n & 1u) && fputc(0, s.wav) == EOF) {
            s.io_failed = 1;
        }
        wav_header(h, n);
        if (fseek(s.wav, 0, SEEK_SET) != 0 || fwrite(h, 1, sizeof h, s.wav) != sizeof h) {
            s.io_failed = 1;
        }
        if (fclose(s.wav) != 0) {
            s.io_failed = 1;
        }
        if (s.io_failed) {
            bad(SPEAK, "--wav: cannot write '%s'", cli_shown(s.wav_path));
        }
    }
    if (rc == 2) {
        return 2;
    }
    fflush(stderr);
    print_summary(&st, &s);
    return s.io_failed ? 1 : rc;
}
