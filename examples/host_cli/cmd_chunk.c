/* SPDX-License-Identifier: Apache-2.0 */
/* dripfeed chunk [--min N] [--max N] [--api A] [--feed N] < CAPTURE
 *
 * Runs `decode` and passes the answer text through the phrase chunker
 * (drip_phrase.h, text.md §3). One line per phrase, printed (and flushed) as
 * soon as the phrase is complete, then a summary (docs/spec/cli.md):
 *
 *   {"phrase":"Hello there, this is the first phrase.","at":123}
 *   {"end":"completed","phrases":7}
 *
 * `at` is the index (from 0) of the on_text call during which the phrase
 * completed. A phrase that only the end of the answer completes (the last
 * one, drip_phrase_finish) gets the index of the last on_text call: the
 * delta after which a speaker would start on it. Defaults: --min 20, --max
 * 200; the phrase buffer is --max bytes. The exit status is decode's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dripfeed/dripfeed.h"
#include "cli_util.h"
#include "cmd_chunk.h"

typedef struct {
    drip_phrase_t ph;
    unsigned long long deltas; /* on_text calls so far */
    unsigned long long phrases;
} chunk_app_t;

static void on_phrase(void *user, const char *s, size_t n)
{
    chunk_app_t *a = user;
    fputs("{\"phrase\":", stdout);
    put_json_str(stdout, s, n);
    printf(",\"at\":%llu}\n", a->deltas > 0 ? a->deltas - 1 : 0);
    fflush(stdout); /* as soon as it is complete */
    a->phrases++;
}

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    chunk_app_t *a = user;
    (void)ev;
    a->deltas++;
    drip_phrase_feed(&a->ph, p, n);
    return DRIP_OK;
}

static void on_error(void *user, const drip_error_t *e)
{
    (void)user;
    cli_say_error("chunk", e);
}

static void chunk_usage(FILE *f)
{
    fputs("usage: dripfeed chunk [--min N] [--max N] [--api responses|chat] [--feed N] < CAPTURE\n"
          "  --min N   a phrase shorter than N bytes joins the next one (default 20)\n"
          "  --max N   a longer phrase is cut, 4..1048576 bytes (default 200)\n"
          "  --feed N  bytes handed to the parser per call (default 4096)\n",
          f);
}

int cmd_chunk(int argc, char **argv)
{
    static const drip_handlers_t handlers = {.on_text = on_text, .on_error = on_error};
    static drip_stream_t st;
    static chunk_app_t app;
    const char *cmd = "chunk";
    size_t min = DRIP_PHRASE_MIN_DEFAULT, max = DRIP_PHRASE_MAX_DEFAULT;
    drip_phrase_cfg_t pc;
    cli_decode_t d;
    char *buf;
    int i, rc;

    cli_decode_defaults(&d, cmd, DRIP_API_RESPONSES);
    for (i = 1; i < argc; i++) {
        static const char *const takes[] = {"--min", "--max", "--api", "--feed", NULL};
        const char *v, *a;
        if (strcmp(argv[i], "--help") == 0) {
            chunk_usage(stdout);
            return 0;
        }
        a = cli_opt(cmd, argc, argv, &i, takes, NULL, &v);
        if (a == NULL) {
            return 2;
        }
        if (strcmp(a, "--min") == 0) {
            if (parse_size(cmd, a, v, 0, MAX_SIZE_ARG, &min)) return 2;
        } else if (strcmp(a, "--max") == 0) {
            if (parse_size(cmd, a, v, DRIP_PHRASE_MAX_LEAST, 1u << 20, &max)) return 2;
        } else if (strcmp(a, "--feed") == 0) {
            if (parse_size(cmd, a, v, 1, MAX_SIZE_ARG, &d.feed)) return 2;
        } else if (cli_api(cmd, v, &d.api) != 0) {
            return 2;
        }
    }
    buf = alloc_or_say(cmd, max, "--max");
    if (buf == NULL) {
        return 2;
    }
    memset(&pc, 0, sizeof pc);
    pc.min = min;
    pc.max = max;
    pc.buf = buf;
    pc.buf_len = max;
    pc.on_phrase = on_phrase;
    pc.user = &app;
    if (drip_phrase_init(&app.ph, &pc) != DRIP_OK) {
        free(buf);
        return 2;
    }
    d.handlers = &handlers;
    d.user = &app;
    rc = cli_decode_stdin(&d, &st);
    if (rc == 2) {
        free(buf);
        return 2;
    }
    drip_phrase_finish(&app.ph);
    fflush(stderr);
    printf("{\"end\":\"%s\",\"phrases\":%llu}\n", drip_state_name(st.result.state), app.phrases);
    free(buf);
    return rc;
}
