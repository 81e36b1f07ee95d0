/* SPDX-License-Identifier: Apache-2.0 */
/* build/dripfeed: the host tool. Interface: docs/spec/cli.md (fixed).
 *
 *   dripfeed sse    [--feed N] [--buffer N]                 < STREAM
 *   dripfeed decode [--api responses|chat] [--events] [--feed N] [--buffer N]
 *                   [--tokens N]                            < CAPTURE
 *   dripfeed stream [options] PROMPT                        (stream.c)
 *   dripfeed text [--cols N] [--rows N] [--ascii] [--api A] [--feed N] < CAPTURE  (cmd_text.c)
 *   dripfeed chunk  [--min N] [--max N] [--api A] [--feed N] < CAPTURE (cmd_chunk.c)
 *
 * Host code: it may use the heap for its own bookkeeping; the library it
 * drives does not. sse and decode read stdin in pieces of --feed bytes and
 * hand each piece on at once: memory does not grow with the input. The
 * strings decode prints at the end (text, refusal, reasoning summary,
 * function call arguments) are kept in memory up to 64 KiB each and spill
 * into a temporary file beyond that.
 *
 * Additions to the spec (written down as asked): `--tokens N` sets the jsmn
 * token array size (default 256) so tests can force the scanner path; when
 * `sse` stops on a parser error it prints {"end":"error","error":"..."} and
 * exits 1; details of protocol errors go to stderr. Bad usage names the
 * option or value (exit 2); `dripfeed --help` prints the usage.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dripfeed/dripfeed.h"
#include "cli_util.h"
#include "stream.h"
#include "cmd_text.h"
#include "cmd_chunk.h"
#ifdef DRIP_CLI_DISPLAY
#include "cmd_display.h"
#endif
#include "cmd_speak.h"

/* ---- options ------------------------------------------------------------ */

typedef struct {
    const char *cmd; /* "sse" or "decode" */
    size_t feed, buffer, tokens;
    int events;
    drip_api_t api;
} opts_t;

#define MAX_TOKENS (1ull << 24)


/* ---- options ------------------------------------------------------------ */

static void usage(FILE *f)
{
    fputs("usage: dripfeed sse [--feed N] [--buffer N] < STREAM\n"
          "       dripfeed decode [--api responses|chat] [--events] [--feed N] [--buffer N]"
          " [--tokens N] < CAPTURE\n"
          "       dripfeed stream [options] PROMPT   (dripfeed stream --help)\n"
          "       dripfeed text [--cols N] [--rows N] [--ascii] [--api A] [--feed N] < CAPTURE\n"
          "       dripfeed chunk [--min N] [--max N] [--api responses|chat] [--feed N] < CAPTURE\n"
#ifdef DRIP_CLI_DISPLAY
          "       dripfeed display [--panel 128x64|320x240] [--frames DIR] [--api A] [--feed N]"
          " [--ascii] < CAPTURE\n"
#endif
          "       dripfeed speak [--wav FILE] [--feed N] [--buffer N] < CAPTURE\n"
          "  --feed N     bytes handed to the parser per call, 1..1073741824 (default 4096)\n"
          "  --buffer N   event data buffer in bytes: sse 1.., decode 64..1073741824 (default 4096)\n"
          "  --tokens N   decode: jsmn tokens per event, 8..16777216 (default 256)\n"
          "Exit status: 0 completed (sse: end of input), 1 any other end, 2 bad usage.\n",
          f);
}

static int parse_opts(int argc, char **argv, int is_decode, opts_t *o)
{
    int i;
    const char *cmd = argv[1];
    o->cmd = cmd;
    o->feed = 4096;
    o->buffer = 4096;
    o->tokens = 256;
    o->events = 0;
    o->api = DRIP_API_RESPONSES;
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = strcmp(a, "--feed") == 0 || strcmp(a, "--buffer") == 0 ||
                    (is_decode && (strcmp(a, "--tokens") == 0 || strcmp(a, "--api") == 0));
        if (is_decode && strcmp(a, "--events") == 0) {
            o->events = 1;
            continue;
        }
        if (!takes) {
            if (a[0] != '-') {
                return bad(cmd, "unexpected argument '%s' (the input comes from stdin: "
                                "dripfeed %s < FILE)", cli_shown(a), cmd);
            }
            return bad(cmd, "unknown option '%s' (see dripfeed --help)", cli_shown(a));
        }
        if (v == NULL) {
            return bad(cmd, "%s needs a value (see dripfeed --help)", a);
        }
        i++;
        if (strcmp(a, "--feed") == 0) {
            if (parse_size(cmd, a, v, 1, MAX_SIZE_ARG, &o->feed)) return -1;
        } else if (strcmp(a, "--buffer") == 0) {
            if (parse_size(cmd, a, v, is_decode ? 64 : 1, MAX_SIZE_ARG, &o->buffer)) return -1;
        } else if (strcmp(a, "--tokens") == 0) {
            if (parse_size(cmd, a, v, 8, MAX_TOKENS, &o->tokens)) return -1;
        } else if (strcmp(v, "responses") == 0) {
            o->api = DRIP_API_RESPONSES;
        } else if (strcmp(v, "chat") == 0) {
            o->api = DRIP_API_CHAT;
        } else {
            return bad(cmd, "--api: '%s' is not responses or chat", cli_shown(v));
        }
    }
    return 0;
}

/* ---- sse ---------------------------------------------------------------- */

static void print_sse_event(const drip_sse_event_t *ev)
{
    fputs("{\"event\":", stdout);
    put_json_str(stdout, ev->type, ev->type_len);
    if (ev->oversize) {
        printf(",\"oversize\":true,\"size\":%zu", ev->size);
    } else {
        fputs(",\"data\":", stdout);
        put_json_str(stdout, (const char *)ev->data, ev->data_len);
    }
    fputs(",\"id\":", stdout);
    put_json_str(stdout, ev->id, ev->id_len);
    fputs("}\n", stdout);
}

static int cmd_sse(const opts_t *o)
{
    uint8_t *data = alloc_or_say(o->cmd, o->buffer, "--buffer");
    uint8_t *piece = alloc_or_say(o->cmd, o->feed, "--feed");
    drip_sse_t sse;
    size_t n, idlen;
    const char *id;
    uint32_t retry;
    int rc = DRIP_OK;

    if (data == NULL || piece == NULL || drip_sse_init(&sse, data, o->buffer) != DRIP_OK) {
        free(data);
        free(piece);
        return 2;
    }
    while (rc >= 0 && (n = read_piece(piece, o->feed)) > 0) {
        const uint8_t *p = piece;
        while (n > 0) {
            size_t used;
            rc = drip_sse_feed(&sse, p, n, &used);
            p += used;
            n -= used;
            if (rc == DRIP_SSE_EVENT) {
                print_sse_event(&sse.ev);
            } else if (rc == DRIP_AGAIN) {
                rc = DRIP_OK;
                break;
            } else if (rc < 0) {
                break;
            }
        }
    }
    id = drip_sse_last_id(&sse, &idlen);
    if (rc < 0) {
        fputs("{\"end\":\"error\",\"error\":", stdout);
        put_json_str(stdout, drip_err_str(rc), strlen(drip_err_str(rc)));
    } else {
        fputs("{\"end\":\"eof\"", stdout);
    }
    fputs(",\"last_event_id\":", stdout);
    put_json_str(stdout, id, idlen);
    if (drip_sse_retry(&sse, &retry)) {
        printf(",\"retry\":%u}\n", (unsigned)retry);
    } else {
        fputs(",\"retry\":null}\n", stdout);
    }
    free(data);
    free(piece);
    return rc < 0 ? 1 : 0;
}

/* ---- decode ------------------------------------------------------------- */

typedef struct {
    int32_t choice, index;  /* Chat key; Responses: choice -1, index = output_index */
    spool_t call_id, name, args;
    int done;
} call_t;

typedef struct {
    const opts_t *o;
    spool_t text, refusal, reasoning;
    call_t calls[64];
    int ncalls;
    int open_line;          /* --events: a line waits for the rest of its delta */
} app_t;

static int has_string_delta(const drip_event_t *ev)
{
    if (ev->type == DRIP_EV_CHAT_CHUNK) {
        return ev->delta.p != NULL || ev->refusal.p != NULL;
    }
    return ev->delta.p != NULL;
}

/* An --events line left open for a delta that comes in pieces. */
static void close_line(app_t *a)
{
    if (a->open_line) {
        fputs("\"}\n", stdout);
        a->open_line = 0;
    }
}

/* A piece of the open line's delta (an oversize event, drip_stream.h). */
static void line_piece(app_t *a, const drip_event_t *ev, const char *p, size_t n)
{
    if (a->open_line && (ev == NULL || ev->type != DRIP_EV_CHAT_CHUNK || ev->choice <= 0)) {
        put_json_chars(stdout, p, n);
    }
}

static drip_err_t on_event(void *user, const drip_event_t *ev)
{
    app_t *a = user;
    if (!a->o->events) {
        return DRIP_OK;
    }
    close_line(a);
    fputs("{\"type\":", stdout);
    put_json_str(stdout, ev->type_name.p, ev->type_name.n);
    if (ev->seq >= 0) {
        printf(",\"seq\":%lld", (long long)ev->seq);
    } else {
        fputs(",\"seq\":null", stdout);
    }
    if (ev->pieces) { /* the delta follows in pieces: the line stays open */
        fputs(",\"delta\":\"", stdout);
        a->open_line = 1;
        return DRIP_OK;
    }
    if (has_string_delta(ev)) {
        drip_str_t d = ev->delta.p != NULL ? ev->delta : ev->refusal;
        fputs(",\"delta\":", stdout);
        put_json_str(stdout, d.p, d.n);
    }
    fputs("}\n", stdout);
    return DRIP_OK;
}

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    line_piece(user, ev, p, n);
    spool_add(&((app_t *)user)->text, p, n);
    return DRIP_OK;
}

static drip_err_t on_refusal(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    if (ev->type != DRIP_EV_CHAT_CHUNK) {
        line_piece(user, ev, p, n);
    }
    spool_add(&((app_t *)user)->refusal, p, n);
    return DRIP_OK;
}

static drip_err_t on_reasoning(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    line_piece(user, ev, p, n);
    spool_add(&((app_t *)user)->reasoning, p, n);
    return DRIP_OK;
}

static call_t *find_call(app_t *a, const drip_call_t *c)
{
    int i;
    for (i = 0; i < a->ncalls; i++) {
        call_t *k = &a->calls[i];
        if (k->choice == c->choice && k->index == c->index) {
            return k;
        }
    }
    if (a->ncalls == (int)(sizeof a->calls / sizeof a->calls[0])) {
        fprintf(stderr, "dripfeed decode: more than 64 function calls in one answer (the tool "
                        "keeps 64)\n");
        exit(2);
    }
    a->calls[a->ncalls].choice = c->choice;
    a->calls[a->ncalls].index = c->index;
    return &a->calls[a->ncalls++];
}

static void call_ids(call_t *k, const drip_call_t *c)
{
    if (spool_len(&k->call_id) == 0 && c->call_id.p != NULL) {
        spool_add(&k->call_id, c->call_id.p, c->call_id.n);
    }
    if (spool_len(&k->name) == 0 && c->name.p != NULL) {
        spool_add(&k->name, c->name.p, c->name.n);
    }
}

static drip_err_t on_call_delta(void *user, const drip_call_t *c, const char *p, size_t n)
{
    call_t *k = find_call(user, c);
    call_ids(k, c);
    line_piece(user, NULL, p, n);
    spool_add(&k->args, p, n);
    return DRIP_OK;
}

static drip_err_t on_call_done(void *user, const drip_call_t *c)
{
    call_t *k = find_call(user, c);
    call_ids(k, c);
    if (spool_len(&k->args) == 0 && c->arguments.p != NULL) {
        spool_add(&k->args, c->arguments.p, c->arguments.n);
    }
    k->done = 1;
    return DRIP_OK;
}

static void on_error(void *user, const drip_error_t *e)
{
    (void)user;
    cli_say_error(NULL, e);
}

static void print_summary(const drip_stream_t *st, app_t *a)
{
    const drip_result_t *r = &st->result;
    const char *rid = drip_stream_head(st)->request_id;
    int i, first = 1;

    if (r->http_status > 0) {
        printf("{\"http_status\":%d", r->http_status);
    } else {
        fputs("{\"http_status\":null", stdout);
    }
    printf(",\"state\":\"%s\",\"response_id\":", drip_state_name(r->state));
    put_opt_str(stdout, r->response_id, strlen(r->response_id), r->response_id[0] != '\0');
    fputs(",\"text\":", stdout);
    put_json_spool(stdout, &a->text);
    fputs(",\"refusal\":", stdout);
    put_json_spool(stdout, &a->refusal);
    fputs(",\"reasoning_summary\":", stdout);
    put_json_spool(stdout, &a->reasoning);
    fputs(",\"function_calls\":[", stdout);
    for (i = 0; i < a->ncalls; i++) {
        call_t *k = &a->calls[i];
        if (!k->done) {
            continue;
        }
        fputs(first ? "{\"call_id\":" : ",{\"call_id\":", stdout);
        first = 0;
        put_json_spool(stdout, &k->call_id);
        fputs(",\"name\":", stdout);
        put_json_spool(stdout, &k->name);
        fputs(",\"arguments\":", stdout);
        put_json_spool(stdout, &k->args);
        fputs("}", stdout);
    }
    fputs("],\"usage\":", stdout);
    if (r->has_usage) {
        printf("{\"input_tokens\":%lld,\"output_tokens\":%lld,\"total_tokens\":%lld,"
               "\"reasoning_tokens\":%lld,\"cached_tokens\":%lld}",
               (long long)r->usage.input_tokens, (long long)r->usage.output_tokens,
               (long long)r->usage.total_tokens, (long long)r->usage.reasoning_tokens,
               (long long)r->usage.cached_tokens);
    } else {
        fputs("null", stdout);
    }
    fputs(",\"error\":", stdout);
    put_error_json(stdout, r);
    fputs(",\"incomplete_reason\":", stdout);
    put_opt_str(stdout, r->incomplete_reason, strlen(r->incomplete_reason),
                r->incomplete_reason[0] != '\0');
    fputs(",\"request_id\":", stdout);
    put_opt_str(stdout, rid, strlen(rid), r->http_status > 0 && rid[0] != '\0');
    fputs("}\n", stdout);
}

static int cmd_decode(const opts_t *o)
{
    static const drip_handlers_t handlers = {.on_event = on_event, .on_text = on_text,
                                             .on_refusal = on_refusal, .on_reasoning = on_reasoning,
                                             .on_call_delta = on_call_delta,
                                             .on_call_done = on_call_done, .on_error = on_error};
    static drip_stream_t st;
    static app_t app;
    cli_decode_t d;
    int rc, i;

    memset(&d, 0, sizeof d);
    d.cmd = o->cmd;
    d.api = o->api;
    d.feed = o->feed;
    d.buffer = o->buffer;
    d.tokens = o->tokens;
    d.handlers = &handlers;
    d.user = &app;
    app.o = o;
    rc = cli_decode_stdin(&d, &st);
    if (rc == 2) {
        return 2;
    }
    fflush(stderr);
    close_line(&app); /* an oversize delta cut by the end of the input */
    print_summary(&st, &app);
    for (i = 0; i < app.ncalls; i++) {
        spool_free(&app.calls[i].call_id);
        spool_free(&app.calls[i].name);
        spool_free(&app.calls[i].args);
    }
    spool_free(&app.text);
    spool_free(&app.refusal);
    spool_free(&app.reasoning);
    return rc;
}

int main(int argc, char **argv)
{
    opts_t o;
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "sse") == 0 || strcmp(argv[1], "decode") == 0) {
        int is_decode = argv[1][0] == 'd';
        if (argc == 3 && strcmp(argv[2], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (parse_opts(argc, argv, is_decode, &o) != 0) {
            return 2;
        }
        return is_decode ? cmd_decode(&o) : cmd_sse(&o);
    }
    if (strcmp(argv[1], "text") == 0) {
        return cmd_text(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "chunk") == 0) {
        return cmd_chunk(argc - 1, argv + 1);
    }
#ifdef DRIP_CLI_DISPLAY
    if (strcmp(argv[1], "display") == 0) {
        return cmd_display(argc - 1, argv + 1);
    }
#endif
    if (strcmp(argv[1], "speak") == 0) {
        return cmd_speak(argc - 1, argv + 1);
    }
#ifdef DRIP_CLI_STREAM
    if (strcmp(argv[1], "stream") == 0) {
        return cmd_stream(argc - 1, argv + 1);
    }
#endif
#if defined(DRIP_CLI_DISPLAY) && defined(DRIP_CLI_STREAM)
#define DRIP_CLI_CMDS "sse, decode, text, chunk, speak, display or stream"
#elif defined(DRIP_CLI_STREAM)
#define DRIP_CLI_CMDS "sse, decode, text, chunk, speak or stream (built without libpng/giflib: no display)"
#elif defined(DRIP_CLI_DISPLAY)
#define DRIP_CLI_CMDS "sse, decode, text, chunk, speak or display (built without TLS: no stream)"
#else
#define DRIP_CLI_CMDS "sse, decode, text, chunk or speak (built without TLS and libpng/giflib)"
#endif
    bad(NULL, "unknown command '%s': " DRIP_CLI_CMDS " (see dripfeed --help)", cli_shown(argv[1]));
    return 2;
}
