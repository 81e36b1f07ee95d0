/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the host tool's commands (cli_util.h). */
#include "cli_util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- strings kept for the summary (host only) ---------------------------- */


void die(const char *what)
{
    fprintf(stderr, "dripfeed: %s: %s\n", what, strerror(errno));
    exit(2);
}

void spool_add(spool_t *b, const char *p, size_t n)
{
    if (b->f == NULL && b->n + n > SPOOL_MEM) {
        b->f = tmpfile();
        if (b->f == NULL) {
            die("cannot create a temporary file for a string over 64 KiB");
        }
    }
    if (b->f != NULL) {
        if (n > 0 && fwrite(p, 1, n, b->f) != n) {
            die("cannot write a temporary file");
        }
        return;
    }
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *q;
        while (cap < b->n + n) {
            cap *= 2;
        }
        q = realloc(b->p, cap);
        if (q == NULL) {
            die("out of memory");
        }
        b->p = q;
        b->cap = cap;
    }
    if (n > 0) {
        memcpy(b->p + b->n, p, n);
    }
    b->n += n;
}

size_t spool_len(const spool_t *b)
{
    return b->n + (b->f != NULL ? (size_t)ftell(b->f) : 0u);
}

void spool_free(spool_t *b)
{
    free(b->p);
    if (b->f != NULL) {
        fclose(b->f);
    }
    memset(b, 0, sizeof *b);
}

/* ---- JSON output per cli.md --------------------------------------------- */

void put_json_chars(FILE *f, const char *p, size_t n)
{
    size_t i;
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
}

void put_json_str(FILE *f, const char *p, size_t n)
{
    fputc('"', f);
    put_json_chars(f, p, n);
    fputc('"', f);
}

/* A spooled string as one JSON string (escaping is per byte: any pieces). */
void put_json_spool(FILE *f, spool_t *b)
{
    fputc('"', f);
    put_json_chars(f, b->p != NULL ? b->p : "", b->n);
    if (b->f != NULL) {
        char tmp[4096];
        size_t k;
        rewind(b->f);
        while ((k = fread(tmp, 1, sizeof tmp, b->f)) > 0) {
            put_json_chars(f, tmp, k);
        }
        if (ferror(b->f)) {
            die("cannot read back a temporary file");
        }
    }
    fputc('"', f);
}

void put_opt_str(FILE *f, const char *p, size_t n, int present)
{
    if (present) {
        put_json_str(f, p, n);
    } else {
        fputs("null", f);
    }
}

/* "dripfeed CMD: <what>\n"; returns -1 for the parser. */
int bad(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "dripfeed%s%s: ", cmd != NULL ? " " : "", cmd != NULL ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

/* A user-given string for a message: printable ASCII as is, other bytes as
 * \xNN, cut after 60 bytes; four calls may share one message. Never used for secrets. */
const char *cli_shown(const char *s)
{
    static char out[4][300];
    static int k;
    char *o = out[k++ & 3];
    size_t i, n = 0;
    for (i = 0; s[i] != '\0' && n < 280; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i == 60) {
            memcpy(o + n, "...", 3);
            n += 3;
            break;
        }
        if (c >= 0x20 && c < 0x7f) {
            o[n++] = (char)c;
        } else {
            n += (size_t)snprintf(o + n, 8, "\\x%02x", c);
        }
    }
    o[n] = '\0';
    return o;
}

/* A whole number lo..hi: digits only, nothing after them. */
int parse_size(const char *cmd, const char *opt, const char *s, unsigned long long lo,
                      unsigned long long hi, size_t *out)
{
    char *end;
    unsigned long long v;
    if (s[0] < '0' || s[0] > '9') {
        return bad(cmd, "%s: '%s' is not a whole number (%llu..%llu)", opt, cli_shown(s), lo, hi);
    }
    errno = 0;
    v = strtoull(s, &end, 10);
    if (*end != '\0') {
        return bad(cmd, "%s: '%s' is not a whole number (%llu..%llu)", opt, cli_shown(s), lo, hi);
    }
    if (errno == ERANGE || v < lo || v > hi) {
        return bad(cmd, "%s: %s is out of range (%llu..%llu)", opt, cli_shown(s), lo, hi);
    }
    *out = (size_t)v;
    return 0;
}

/* Buffers the tool allocates from the options. */
static int listed(const char *const *list, const char *a)
{
    for (; list != NULL && *list != NULL; list++) {
        if (strcmp(*list, a) == 0) {
            return 1;
        }
    }
    return 0;
}

const char *cli_opt(const char *cmd, int argc, char **argv, int *i, const char *const *takes,
                    const char *const *flags, const char **val)
{
    const char *a = argv[*i];
    *val = NULL;
    if (listed(flags, a)) {
        return a;
    }
    if (!listed(takes, a)) {
        if (a[0] != '-') {
            bad(cmd, "unexpected argument '%s' (the input comes from stdin: dripfeed %s < FILE)",
                cli_shown(a), cmd);
        } else {
            bad(cmd, "unknown option '%s' (see dripfeed %s --help)", cli_shown(a), cmd);
        }
        return NULL;
    }
    if (*i + 1 >= argc) {
        bad(cmd, "%s needs a value (see dripfeed %s --help)", a, cmd);
        return NULL;
    }
    *val = argv[++*i];
    return a;
}

int cli_api(const char *cmd, const char *v, drip_api_t *api)
{
    if (strcmp(v, "responses") == 0) {
        *api = DRIP_API_RESPONSES;
    } else if (strcmp(v, "chat") == 0) {
        *api = DRIP_API_CHAT;
    } else {
        return bad(cmd, "--api: '%s' is not responses or chat", cli_shown(v));
    }
    return 0;
}

void *alloc_or_say(const char *cmd, size_t n, const char *what)
{
    void *p = malloc(n);
    if (p == NULL) {
        bad(cmd, "cannot allocate %zu bytes for %s", n, what);
    }
    return p;
}

/* One piece of stdin: --feed bytes, fewer only at the end (fread waits). */
size_t read_piece(uint8_t *p, size_t n)
{
    size_t k = fread(p, 1, n, stdin);
    if (k < n && ferror(stdin)) {
        die("reading stdin");
    }
    return k;
}

void cli_say_error(const char *cmd, const drip_error_t *e)
{
    fprintf(stderr, "dripfeed%s%s: %s (%d)", cmd != NULL ? " " : "", cmd != NULL ? cmd : "",
            drip_err_str(e->code), (int)e->code);
    if (e->detail != NULL && e->detail[0] != '\0') {
        fprintf(stderr, ": %s", e->detail);
    }
    if (e->api.message.p != NULL) {
        fprintf(stderr, ": %.*s", (int)e->api.message.n, e->api.message.p);
    }
    fputc('\n', stderr);
}

void put_error_json(FILE *f, const drip_result_t *r)
{
    if (!r->has_error) {
        fputs("null", f);
        return;
    }
    if (r->error_status > 0) {
        fprintf(f, "{\"status\":%d", r->error_status);
    } else {
        fputs("{\"status\":null", f);
    }
    fputs(",\"type\":", f);
    put_opt_str(f, r->error_type, strlen(r->error_type), r->error_has & 1u);
    fputs(",\"code\":", f);
    put_opt_str(f, r->error_code, strlen(r->error_code), r->error_has & 2u);
    fputs(",\"message\":", f);
    put_opt_str(f, r->error_message, strlen(r->error_message), r->error_has & 4u);
    fputc('}', f);
}

void cli_decode_defaults(cli_decode_t *d, const char *cmd, drip_api_t api)
{
    memset(d, 0, sizeof *d);
    d->cmd = cmd;
    d->api = api;
    d->feed = 4096;
    d->buffer = 4096;
    d->tokens = 256;
}

int cli_decode_stdin(const cli_decode_t *d, drip_stream_t *st)
{
    static drip_call_slot_t calls[8];
    drip_stream_cfg_t cfg;
    uint8_t *data = alloc_or_say(d->cmd, d->buffer, "--buffer");
    jsmntok_t *tok = alloc_or_say(d->cmd, d->tokens * sizeof *tok, "--tokens");
    uint8_t *piece = alloc_or_say(d->cmd, d->feed, "--feed");
    size_t n;
    int rc = 2;
    drip_err_t err = DRIP_OK;

    memset(&cfg, 0, sizeof cfg);
    cfg.api = d->api;
    cfg.buf = data;
    cfg.buf_len = d->buffer;
    cfg.tok = tok;
    cfg.ntok = (unsigned)d->tokens;
    cfg.calls = calls;
    cfg.ncalls = sizeof calls / sizeof calls[0];
    cfg.handlers = d->handlers;
    cfg.user = d->user;
    if (data != NULL && tok != NULL && piece != NULL) {
        if (drip_stream_init(st, &cfg) != DRIP_OK) {
            bad(d->cmd, "--buffer must be >= 64 and --tokens >= 8");
        } else {
            while (err == DRIP_OK && (n = read_piece(piece, d->feed)) > 0) {
                err = drip_stream_feed(st, piece, n);
            }
            rc = drip_stream_finish(st) == DRIP_STATE_COMPLETED ? 0 : 1;
            if (rc != 0 && d->api == DRIP_API_RESPONSES && st->result.err == DRIP_ERR_EVENT_NO_TYPE) {
                /* Chat chunks have no "type": the likeliest cause */
                fprintf(stderr, "dripfeed %s: events without a \"type\": a Chat Completions "
                                "stream? (use --api chat)\n", d->cmd);
            }
            if (rc != 0 && d->say_result && st->result.err != DRIP_OK) {
                fprintf(stderr, "dripfeed %s: %s: %s (%d)%s%s\n", d->cmd,
                        drip_state_name(st->result.state), drip_err_str(st->result.err),
                        (int)st->result.err, st->result.error_message[0] != '\0' ? ": " : "",
                        st->result.error_message);
            }
        }
    }
    free(data);
    free(tok);
    free(piece);
    return rc;
}
