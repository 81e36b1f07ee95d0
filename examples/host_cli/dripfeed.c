/* SPDX-License-Identifier: Apache-2.0 */
/* build/dripfeed: the host tool. Interface: ../shared/spec/cli.md (fixed).
 *
 *   dripfeed sse    [--feed N] [--buffer N]                 < STREAM
 *   dripfeed decode [--api responses|chat] [--events] [--feed N] [--buffer N]
 *                   [--tokens N]                            < CAPTURE
 *   dripfeed stream [options] PROMPT                        (stream.c)
 *
 * Host code: it may use the heap for its own bookkeeping (the answer text it
 * prints at the end); the library it drives does not.
 *
 * Additions to the spec (written down as asked): `--tokens N` sets the jsmn
 * token array size (default 256) so tests can force the scanner path; when
 * `sse` stops on a parser error it prints {"end":"error","error":"..."} and
 * exits 1; details of protocol errors go to stderr.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dripfeed/dripfeed.h"
#include "stream.h"

/* ---- growable byte buffer (host only) ---------------------------------- */

typedef struct {
    char *p;
    size_t n, cap;
} buf_t;

static void buf_add(buf_t *b, const char *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *q;
        while (cap < b->n + n + 1) {
            cap *= 2;
        }
        q = realloc(b->p, cap);
        if (q == NULL) {
            fprintf(stderr, "dripfeed: out of memory\n");
            exit(2);
        }
        b->p = q;
        b->cap = cap;
    }
    if (n > 0) {
        memcpy(b->p + b->n, p, n);
    }
    b->n += n;
    b->p[b->n] = '\0';
}

/* ---- JSON output per cli.md --------------------------------------------- */

static void put_json_str(FILE *f, const char *p, size_t n)
{
    size_t i;
    fputc('"', f);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (c < 0x20) {
                fprintf(f, "\\u%04x", c);
            } else {
                fputc(c, f);
            }
        }
    }
    fputc('"', f);
}

static void put_opt_str(FILE *f, const char *p, size_t n, int present)
{
    if (present) {
        put_json_str(f, p, n);
    } else {
        fputs("null", f);
    }
}

/* ---- options ------------------------------------------------------------ */

typedef struct {
    size_t feed, buffer, tokens;
    int events;
    drip_api_t api;
} opts_t;

static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v == 0 || v > (1ull << 30) || s[0] == '-') {
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

static int usage(void)
{
    fputs("usage: dripfeed sse [--feed N] [--buffer N] < STREAM\n"
          "       dripfeed decode [--api responses|chat] [--events] [--feed N] [--buffer N]"
          " [--tokens N] < CAPTURE\n"
          "       dripfeed stream [options] PROMPT   (dripfeed stream --help)\n",
          stderr);
    return 2;
}

static int parse_opts(int argc, char **argv, int allow_decode, opts_t *o)
{
    int i;
    o->feed = 4096;
    o->buffer = 4096;
    o->tokens = 256;
    o->events = 0;
    o->api = DRIP_API_RESPONSES;
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--feed") == 0 && v) {
            if (parse_size(v, &o->feed)) return -1;
            i++;
        } else if (strcmp(a, "--buffer") == 0 && v) {
            if (parse_size(v, &o->buffer)) return -1;
            i++;
        } else if (allow_decode && strcmp(a, "--tokens") == 0 && v) {
            if (parse_size(v, &o->tokens)) return -1;
            i++;
        } else if (allow_decode && strcmp(a, "--events") == 0) {
            o->events = 1;
        } else if (allow_decode && strcmp(a, "--api") == 0 && v) {
            if (strcmp(v, "responses") == 0) {
                o->api = DRIP_API_RESPONSES;
            } else if (strcmp(v, "chat") == 0) {
                o->api = DRIP_API_CHAT;
            } else {
                return -1;
            }
            i++;
        } else {
            return -1;
        }
    }
    return 0;
}

/* Read all of stdin (the tools replay captures; memory is the host's). */
static void read_all(buf_t *in)
{
    char tmp[4096];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, stdin)) > 0) {
        buf_add(in, tmp, n);
    }
    if (in->p == NULL) {
        buf_add(in, "", 0);
    }
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
    buf_t in = {0};
    uint8_t *data = malloc(o->buffer);
    drip_sse_t sse;
    size_t off = 0, idlen;
    const char *id;
    uint32_t retry;
    int rc = DRIP_OK;

    if (data == NULL || drip_sse_init(&sse, data, o->buffer) != DRIP_OK) {
        return 2;
    }
    read_all(&in);
    while (off < in.n && rc >= 0) {
        size_t n = in.n - off < o->feed ? in.n - off : o->feed;
        const uint8_t *p = (const uint8_t *)in.p + off;
        off += n;
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
    free(in.p);
    return rc < 0 ? 1 : 0;
}

/* ---- decode ------------------------------------------------------------- */

typedef struct {
    int32_t choice, index;  /* Chat key; Responses: choice -1, index = output_index */
    buf_t call_id, name, args;
    int done;
} call_t;

typedef struct {
    const opts_t *o;
    buf_t text, refusal, reasoning;
    call_t calls[64];
    int ncalls;
} app_t;

static int has_string_delta(const drip_event_t *ev)
{
    if (ev->type == DRIP_EV_CHAT_CHUNK) {
        return ev->delta.p != NULL || ev->refusal.p != NULL;
    }
    return ev->delta.p != NULL;
}

static drip_err_t on_event(void *user, const drip_event_t *ev)
{
    app_t *a = user;
    if (!a->o->events) {
        return DRIP_OK;
    }
    fputs("{\"type\":", stdout);
    put_json_str(stdout, ev->type_name.p, ev->type_name.n);
    if (ev->seq >= 0) {
        printf(",\"seq\":%lld", (long long)ev->seq);
    } else {
        fputs(",\"seq\":null", stdout);
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
    (void)ev;
    buf_add(&((app_t *)user)->text, p, n);
    return DRIP_OK;
}

static drip_err_t on_refusal(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    (void)ev;
    buf_add(&((app_t *)user)->refusal, p, n);
    return DRIP_OK;
}

static drip_err_t on_reasoning(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    (void)ev;
    buf_add(&((app_t *)user)->reasoning, p, n);
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
        fprintf(stderr, "dripfeed: more than 64 calls\n");
        exit(2);
    }
    a->calls[a->ncalls].choice = c->choice;
    a->calls[a->ncalls].index = c->index;
    return &a->calls[a->ncalls++];
}

static void call_ids(call_t *k, const drip_call_t *c)
{
    if (k->call_id.n == 0 && c->call_id.p != NULL) {
        buf_add(&k->call_id, c->call_id.p, c->call_id.n);
    }
    if (k->name.n == 0 && c->name.p != NULL) {
        buf_add(&k->name, c->name.p, c->name.n);
    }
}

static drip_err_t on_call_delta(void *user, const drip_call_t *c, const char *p, size_t n)
{
    call_t *k = find_call(user, c);
    call_ids(k, c);
    buf_add(&k->args, p, n);
    return DRIP_OK;
}

static drip_err_t on_call_done(void *user, const drip_call_t *c)
{
    call_t *k = find_call(user, c);
    call_ids(k, c);
    if (k->args.n == 0 && c->arguments.p != NULL) {
        buf_add(&k->args, c->arguments.p, c->arguments.n);
    }
    k->done = 1;
    return DRIP_OK;
}

static void on_error(void *user, const drip_error_t *e)
{
    (void)user;
    fprintf(stderr, "dripfeed: %s (%d)", drip_err_str(e->code), (int)e->code);
    if (e->detail != NULL && e->detail[0] != '\0') {
        fprintf(stderr, ": %s", e->detail);
    }
    if (e->api.message.p != NULL) {
        fprintf(stderr, ": %.*s", (int)e->api.message.n, e->api.message.p);
    }
    fputc('\n', stderr);
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
    put_json_str(stdout, a->text.p ? a->text.p : "", a->text.n);
    fputs(",\"refusal\":", stdout);
    put_json_str(stdout, a->refusal.p ? a->refusal.p : "", a->refusal.n);
    fputs(",\"reasoning_summary\":", stdout);
    put_json_str(stdout, a->reasoning.p ? a->reasoning.p : "", a->reasoning.n);
    fputs(",\"function_calls\":[", stdout);
    for (i = 0; i < a->ncalls; i++) {
        call_t *k = &a->calls[i];
        if (!k->done) {
            continue;
        }
        fputs(first ? "{\"call_id\":" : ",{\"call_id\":", stdout);
        first = 0;
        put_json_str(stdout, k->call_id.p ? k->call_id.p : "", k->call_id.n);
        fputs(",\"name\":", stdout);
        put_json_str(stdout, k->name.p ? k->name.p : "", k->name.n);
        fputs(",\"arguments\":", stdout);
        put_json_str(stdout, k->args.p ? k->args.p : "", k->args.n);
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
    if (r->has_error) {
        if (r->error_status > 0) {
            printf("{\"status\":%d", r->error_status);
        } else {
            fputs("{\"status\":null", stdout);
        }
        fputs(",\"type\":", stdout);
        put_opt_str(stdout, r->error_type, strlen(r->error_type), r->error_has & 1u);
        fputs(",\"code\":", stdout);
        put_opt_str(stdout, r->error_code, strlen(r->error_code), r->error_has & 2u);
        fputs(",\"message\":", stdout);
        put_opt_str(stdout, r->error_message, strlen(r->error_message), r->error_has & 4u);
        fputs("}", stdout);
    } else {
        fputs("null", stdout);
    }
    fputs(",\"incomplete_reason\":", stdout);
    put_opt_str(stdout, r->incomplete_reason, strlen(r->incomplete_reason),
                r->incomplete_reason[0] != '\0');
    fputs(",\"request_id\":", stdout);
    put_opt_str(stdout, rid, strlen(rid), r->http_status > 0 && rid[0] != '\0');
    fputs("}\n", stdout);
}

static int cmd_decode(const opts_t *o)
{
    static const drip_handlers_t handlers = {NULL, on_event, on_text, on_refusal, on_reasoning,
                                             on_call_delta, on_call_done, on_error};
    static drip_stream_t st;
    static drip_call_slot_t calls[8];
    static app_t app;
    buf_t in = {0};
    drip_stream_cfg_t cfg;
    uint8_t *data = malloc(o->buffer);
    jsmntok_t *tok = malloc(o->tokens * sizeof *tok);
    size_t off = 0;
    int rc = DRIP_OK, i;
    drip_state_t state;

    if (data == NULL || tok == NULL) {
        return 2;
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.api = o->api;
    cfg.buf = data;
    cfg.buf_len = o->buffer;
    cfg.tok = tok;
    cfg.ntok = (unsigned)o->tokens;
    cfg.calls = calls;
    cfg.ncalls = sizeof calls / sizeof calls[0];
    cfg.handlers = &handlers;
    cfg.user = &app;
    app.o = o;
    if (drip_stream_init(&st, &cfg) != DRIP_OK) {
        fputs("dripfeed: --buffer must be >= 64 and --tokens >= 8\n", stderr);
        return 2;
    }
    read_all(&in);
    while (off < in.n && rc == DRIP_OK) {
        size_t n = in.n - off < o->feed ? in.n - off : o->feed;
        rc = drip_stream_feed(&st, (const uint8_t *)in.p + off, n);
        off += n;
    }
    state = drip_stream_finish(&st);
    fflush(stderr);
    print_summary(&st, &app);
    for (i = 0; i < app.ncalls; i++) {
        free(app.calls[i].call_id.p);
        free(app.calls[i].name.p);
        free(app.calls[i].args.p);
    }
    free(app.text.p);
    free(app.refusal.p);
    free(app.reasoning.p);
    free(in.p);
    free(data);
    free(tok);
    return state == DRIP_STATE_COMPLETED ? 0 : 1;
}

int main(int argc, char **argv)
{
    opts_t o;
    if (argc < 2) {
        return usage();
    }
    if (strcmp(argv[1], "sse") == 0) {
        return parse_opts(argc, argv, 0, &o) ? usage() : cmd_sse(&o);
    }
    if (strcmp(argv[1], "decode") == 0) {
        return parse_opts(argc, argv, 1, &o) ? usage() : cmd_decode(&o);
    }
#ifdef DRIP_CLI_STREAM
    if (strcmp(argv[1], "stream") == 0) {
        return cmd_stream(argc - 1, argv + 1);
    }
#endif
    return usage();
}
