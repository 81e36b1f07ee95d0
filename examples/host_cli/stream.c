/* SPDX-License-Identifier: Apache-2.0 */
/* `dripfeed stream [options] PROMPT`: ../shared/spec/cli.md.
 * The answer text goes to stdout as it arrives; progress, errors and the
 * final status line go to stderr. The API key comes from OPENAI_API_KEY,
 * never from argv. Everything runs through the same library and ports as
 * the firmware: drip_client over port/mbedtls over port/posix.
 *
 * Additions to the spec's option list (written down as asked): timeouts are
 * in seconds (fractions allowed, like curl); --first-event-timeout; --tool
 * NAME[:SCHEMA]; --tool-result TEXT (answer every function call with TEXT and
 * send it back with previous_response_id, over the same connection when the
 * server keeps it open); --cancel RESPONSE_ID; --chunked-feed is not needed
 * here. http:// base URLs are refused except for loopback hosts. */
#include "stream.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dripfeed/dripfeed.h"
#include "drip_posix.h"
#include "drip_tls.h"

#define MAX_HEADERS 8
#define MAX_TOOLS 8
#define MAX_CALLS 8

typedef struct {
    const char *base_url, *model, *instructions, *ca, *resume_id, *cancel_id, *tool_result;
    const char *reasoning_summary, *prompt;
    const char *headers[MAX_HEADERS];
    int nheaders;
    drip_tool_t tools[MAX_TOOLS];
    int ntools;
    drip_api_t api;
    int background, retries;
    long long after;
    int32_t max_output_tokens;
    uint32_t connect_ms, first_ms, idle_ms, total_ms;
    long cancel_after_bytes;   /* testing aid: cancel from on_text */
    uint32_t cancel_after_ms;  /* testing aid: cancel from another thread */
} sopts_t;

typedef struct {
    char call_id[DRIP_ID_MAX + 1];
    char name[DRIP_ID_MAX + 1];
    int32_t index, choice;
} scall_t;

typedef struct {
    uint32_t t0, t_first;
    int got_text;
    long text_bytes, cancel_after_bytes;
    scall_t calls[MAX_CALLS];
    int ncalls;
    drip_platform_t *pl;
} sapp_t;

static int stream_usage(void)
{
    fputs("usage: dripfeed stream [options] PROMPT\n"
          "  --base-url URL          default https://api.openai.com/v1\n"
          "  --api responses|chat    default responses\n"
          "  --model NAME            default gpt-4o-mini\n"
          "  --instructions TEXT\n"
          "  --ca FILE               CA certificates (PEM); default the system bundle\n"
          "  --header 'Name: value'  extra header (repeatable; e.g. a relay's auth)\n"
          "  --background            background mode: resumable if the connection drops\n"
          "  --resume ID --after SEQ re-attach to a background response\n"
          "  --cancel ID             cancel a background response\n"
          "  --max-output-tokens N   --reasoning-summary auto|concise|detailed\n"
          "  --tool NAME[:SCHEMA]    offer a function tool (repeatable)\n"
          "  --tool-result TEXT      answer each function call with TEXT and continue\n"
          "  --connect-timeout S  --first-event-timeout S  --idle-timeout S  --total-timeout S\n"
          "  --retries N             default 2\n"
          "  --cancel-after-bytes N  (testing) cancel from the text callback after N bytes\n"
          "  --cancel-after-ms N     (testing) cancel from another thread after N ms\n"
          "The API key is read from OPENAI_API_KEY (omit it for a relay that adds it).\n",
          stderr);
    return 2;
}

static int parse_secs(const char *s, uint32_t *ms)
{
    char *end;
    double v = strtod(s, &end);
    if (*end != '\0' || v < 0 || v > 86400.0) {
        return -1;
    }
    *ms = (uint32_t)(v * 1000.0 + 0.5);
    return 0;
}

static int parse_stream_opts(int argc, char **argv, sopts_t *o)
{
    int i;
    memset(o, 0, sizeof *o);
    o->base_url = "https://api.openai.com/v1";
    o->model = "gpt-4o-mini";
    o->retries = 2;
    o->after = -1;
    o->connect_ms = 10000;
    o->cancel_after_bytes = -1;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        if (a[0] != '-' || strcmp(a, "-") == 0) {
            if (o->prompt != NULL) {
                return -1;
            }
            o->prompt = a;
            continue;
        }
        if (strcmp(a, "--background") == 0) {
            o->background = 1;
            continue;
        }
        if (v == NULL) {
            return -1;
        }
        if (strcmp(a, "--base-url") == 0) {
            o->base_url = v;
        } else if (strcmp(a, "--api") == 0) {
            if (strcmp(v, "responses") == 0) {
                o->api = DRIP_API_RESPONSES;
            } else if (strcmp(v, "chat") == 0) {
                o->api = DRIP_API_CHAT;
            } else {
                return -1;
            }
        } else if (strcmp(a, "--model") == 0) {
            o->model = v;
        } else if (strcmp(a, "--instructions") == 0) {
            o->instructions = v;
        } else if (strcmp(a, "--ca") == 0) {
            o->ca = v;
        } else if (strcmp(a, "--header") == 0) {
            if (o->nheaders == MAX_HEADERS || strchr(v, ':') == NULL) {
                return -1;
            }
            o->headers[o->nheaders++] = v;
        } else if (strcmp(a, "--resume") == 0) {
            o->resume_id = v;
        } else if (strcmp(a, "--after") == 0) {
            o->after = atoll(v);
        } else if (strcmp(a, "--cancel") == 0) {
            o->cancel_id = v;
        } else if (strcmp(a, "--max-output-tokens") == 0) {
            o->max_output_tokens = atoi(v);
        } else if (strcmp(a, "--reasoning-summary") == 0) {
            o->reasoning_summary = v;
        } else if (strcmp(a, "--tool") == 0) {
            const char *colon = strchr(v, ':');
            static char names[MAX_TOOLS][DRIP_ID_MAX + 1];
            size_t n = colon ? (size_t)(colon - v) : strlen(v);
            if (o->ntools == MAX_TOOLS || n == 0 || n > DRIP_ID_MAX) {
                return -1;
            }
            memcpy(names[o->ntools], v, n);
            names[o->ntools][n] = '\0';
            o->tools[o->ntools].name = names[o->ntools];
            o->tools[o->ntools].parameters =
                colon ? colon + 1 : "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}";
            o->tools[o->ntools].strict = 0;
            o->ntools++;
        } else if (strcmp(a, "--tool-result") == 0) {
            o->tool_result = v;
        } else if (strcmp(a, "--retries") == 0) {
            o->retries = atoi(v);
            if (o->retries < 0 || o->retries > 10) {
                return -1;
            }
        } else if (strcmp(a, "--cancel-after-bytes") == 0) {
            o->cancel_after_bytes = atol(v);
        } else if (strcmp(a, "--cancel-after-ms") == 0) {
            o->cancel_after_ms = (uint32_t)atol(v);
        } else if (strcmp(a, "--connect-timeout") == 0) {
            takes = parse_secs(v, &o->connect_ms) == 0;
        } else if (strcmp(a, "--first-event-timeout") == 0) {
            takes = parse_secs(v, &o->first_ms) == 0;
        } else if (strcmp(a, "--idle-timeout") == 0) {
            takes = parse_secs(v, &o->idle_ms) == 0;
        } else if (strcmp(a, "--total-timeout") == 0) {
            takes = parse_secs(v, &o->total_ms) == 0;
        } else {
            return -1;
        }
        if (!takes) {
            return -1;
        }
        i++;
    }
    if (o->prompt == NULL && o->resume_id == NULL && o->cancel_id == NULL) {
        return -1;
    }
    return 0;
}

/* https://host[:port][/prefix] (IPv6 literals in brackets). */
static int parse_url(const char *url, int *tls, char *host, size_t hcap, uint16_t *port,
                     char *prefix, size_t pcap)
{
    const char *p, *h, *hend, *path;
    size_t n;
    if (strncmp(url, "https://", 8) == 0) {
        *tls = 1;
        p = url + 8;
        *port = 443;
    } else if (strncmp(url, "http://", 7) == 0) {
        *tls = 0;
        p = url + 7;
        *port = 80;
    } else {
        return -1;
    }
    path = strchr(p, '/');
    if (path == NULL) {
        path = p + strlen(p);
    }
    if (*p == '[') {
        h = p + 1;
        hend = memchr(h, ']', (size_t)(path - h));
        if (hend == NULL) {
            return -1;
        }
        p = hend + 1;
    } else {
        h = p;
        hend = memchr(p, ':', (size_t)(path - p));
        if (hend == NULL) {
            hend = path;
        }
        p = hend;
    }
    n = (size_t)(hend - h);
    if (n == 0 || n >= hcap) {
        return -1;
    }
    memcpy(host, h, n);
    host[n] = '\0';
    if (*p == ':') {
        long v = strtol(p + 1, NULL, 10);
        if (v <= 0 || v > 65535) {
            return -1;
        }
        *port = (uint16_t)v;
    }
    n = strlen(path);
    while (n > 0 && path[n - 1] == '/') {
        n--;
    }
    if (n >= pcap) {
        return -1;
    }
    memcpy(prefix, path, n);
    prefix[n] = '\0';
    return 0;
}

static int is_loopback(const char *h)
{
    return strcmp(h, "localhost") == 0 || strncmp(h, "127.", 4) == 0 || strcmp(h, "::1") == 0;
}

/* ---- handlers ------------------------------------------------------------ */

static uint32_t ms_now(sapp_t *a)
{
    return a->pl->now_ms(a->pl->ctx);
}

static drip_err_t s_on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    sapp_t *a = user;
    (void)ev;
    if (!a->got_text) {
        a->got_text = 1;
        a->t_first = ms_now(a);
    }
    fwrite(p, 1, n, stdout);
    fflush(stdout);
    a->text_bytes += (long)n;
    if (a->cancel_after_bytes >= 0 && a->text_bytes >= a->cancel_after_bytes) {
        return DRIP_ERR_CANCELLED; /* a handler stops the stream */
    }
    return DRIP_OK;
}

typedef struct {
    drip_client_t *client;
    uint32_t ms;
} canceller_t;

/* Another task cancels: drip_client_cancel() only sets a flag. */
static void *canceller(void *arg)
{
    const canceller_t *k = arg;
    struct timespec ts;
    ts.tv_sec = (time_t)(k->ms / 1000u);
    ts.tv_nsec = (long)(k->ms % 1000u) * 1000000L;
    nanosleep(&ts, NULL);
    drip_client_cancel(k->client);
    return NULL;
}

static drip_err_t s_on_reasoning(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    (void)user;
    (void)ev;
    fwrite(p, 1, n, stderr);
    return DRIP_OK;
}

static scall_t *s_call(sapp_t *a, const drip_call_t *c)
{
    int i;
    for (i = 0; i < a->ncalls; i++) {
        if (a->calls[i].index == c->index && a->calls[i].choice == c->choice) {
            return &a->calls[i];
        }
    }
    if (a->ncalls == MAX_CALLS) {
        return NULL;
    }
    memset(&a->calls[a->ncalls], 0, sizeof a->calls[0]);
    a->calls[a->ncalls].index = c->index;
    a->calls[a->ncalls].choice = c->choice;
    return &a->calls[a->ncalls++];
}

static void s_copy(char *dst, drip_str_t s)
{
    if (dst[0] == '\0' && s.p != NULL && s.n <= DRIP_ID_MAX) {
        memcpy(dst, s.p, s.n);
        dst[s.n] = '\0';
    }
}

static drip_err_t s_on_call_delta(void *user, const drip_call_t *c, const char *p, size_t n)
{
    scall_t *k = s_call(user, c);
    if (k != NULL) {
        s_copy(k->call_id, c->call_id);
        s_copy(k->name, c->name);
    }
    fprintf(stderr, "%.*s", (int)n, p);
    return DRIP_OK;
}

static drip_err_t s_on_call_done(void *user, const drip_call_t *c)
{
    scall_t *k = s_call(user, c);
    if (k != NULL) {
        s_copy(k->call_id, c->call_id);
        s_copy(k->name, c->name);
        fprintf(stderr, "\ndripfeed: function call %s %s\n", k->name, k->call_id);
    }
    return DRIP_OK;
}

static void s_on_error(void *user, const drip_error_t *e)
{
    (void)user;
    fprintf(stderr, "\ndripfeed: error: %s (%d)", drip_err_str(e->code), (int)e->code);
    if (e->api.status > 0) {
        fprintf(stderr, " status %d", e->api.status);
    }
    if (e->api.type.p != NULL) {
        fprintf(stderr, " type %.*s", (int)e->api.type.n, e->api.type.p);
    }
    if (e->api.code.p != NULL) {
        fprintf(stderr, " code %.*s", (int)e->api.code.n, e->api.code.p);
    }
    if (e->api.message.p != NULL) {
        fprintf(stderr, ": %.*s", (int)e->api.message.n, e->api.message.p);
    }
    if (e->detail != NULL && e->detail[0] != '\0') {
        fprintf(stderr, ": %s", e->detail);
    }
    if (e->request_id != NULL && e->request_id[0] != '\0') {
        fprintf(stderr, " (request %s)", e->request_id);
    }
    fputc('\n', stderr);
}

static void status_line(const drip_client_t *c, sapp_t *a, int transport_err)
{
    const drip_result_t *r = drip_client_result(c);
    uint32_t t = ms_now(a);
    fprintf(stderr, "\ndripfeed: state=%s http=%d", drip_state_name(r->state), r->http_status);
    if (r->response_id[0] != '\0') {
        fprintf(stderr, " response=%s", r->response_id);
    }
    if (r->response_status[0] != '\0') {
        fprintf(stderr, " status=%s", r->response_status);
    }
    if (r->has_usage) {
        fprintf(stderr, " tokens=%lld/%lld/%lld", (long long)r->usage.input_tokens,
                (long long)r->usage.output_tokens, (long long)r->usage.total_tokens);
    }
    if (a->got_text) {
        fprintf(stderr, " ttft=%ums", (unsigned)(a->t_first - a->t0));
    }
    fprintf(stderr, " total=%ums", (unsigned)(t - a->t0));
    if (r->last_seq >= 0) {
        fprintf(stderr, " last_seq=%lld", (long long)r->last_seq);
    }
    if (r->err != 0) {
        fprintf(stderr, " error=%d(%s)", (int)r->err, drip_err_str(r->err));
    }
    if (transport_err != 0) {
        fprintf(stderr, " transport=%d(%s)", transport_err, drip_err_str(transport_err));
    }
    fputc('\n', stderr);
}

/* ---- main ---------------------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p;
    long n;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        if (f != NULL) {
            fclose(f);
        }
        return NULL;
    }
    p = malloc((size_t)n + 1);
    if (p != NULL && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    if (p != NULL) {
        p[n] = '\0';
        *len = (size_t)n + 1; /* mbedTLS wants the NUL of a PEM buffer */
    }
    return p;
}

int cmd_stream(int argc, char **argv)
{
    static uint8_t tx[65536], rx[16384], sse_buf[16384];
    static jsmntok_t tok[512];
    static drip_call_slot_t slots[MAX_CALLS];
    static drip_client_t client;
    static drip_posix_t tcp;
    static drip_tls_t tls;
    static char host[256], prefix[256], auth[512], extra[2048];
    static drip_header_t hdrs[MAX_HEADERS];
    static drip_platform_t pl;
    static const drip_handlers_t handlers = {NULL, NULL, s_on_text, s_on_text, s_on_reasoning,
                                             s_on_call_delta, s_on_call_done, s_on_error};
    static sapp_t app;
    sopts_t o;
    drip_client_cfg_t cfg;
    drip_tls_cfg_t tcfg;
    drip_transport_t tcp_tr;
    drip_request_t req;
    drip_call_output_t outs[MAX_CALLS];
    const char *key = getenv("OPENAI_API_KEY");
    char *ca = NULL;
    size_t ca_len = 0, n = 0;
    int tls_on, i, rc = 1;
    uint16_t port;
    drip_err_t e;
    drip_state_t st;

    if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
        stream_usage();
        return 0;
    }
    if (parse_stream_opts(argc, argv, &o) != 0 ||
        parse_url(o.base_url, &tls_on, host, sizeof host, &port, prefix, sizeof prefix) != 0) {
        return stream_usage();
    }
    if (!tls_on && !is_loopback(host)) {
        fputs("dripfeed: refusing plain http:// to a non-loopback host\n", stderr);
        return 2;
    }
    /* "Name: value" -> one drip_header_t each; the request writer refuses a
     * name or value that could split the head (CR, LF, other control bytes). */
    for (i = 0; i < o.nheaders; i++) {
        const char *colon = strchr(o.headers[i], ':');
        size_t nl = (size_t)(colon - o.headers[i]);
        if (n + nl + 1u > sizeof extra) {
            fprintf(stderr, "dripfeed stream: --header: names longer than %zu bytes in all\n",
                    sizeof extra);
            return 2;
        }
        memcpy(extra + n, o.headers[i], nl);
        extra[n + nl] = '\0';
        hdrs[i].name = extra + n;
        for (colon++; *colon == ' ' || *colon == '\t'; colon++) {
        }
        hdrs[i].value = colon;
        n += nl + 1u;
    }
    if (key != NULL && key[0] != '\0') {
        snprintf(auth, sizeof auth, "Bearer %s", key);
    } else if (strcmp(host, "api.openai.com") == 0) {
        fputs("dripfeed: set OPENAI_API_KEY\n", stderr);
        return 2;
    }

    drip_posix_init(&tcp);
    drip_posix_transport(&tcp, &tcp_tr);
    drip_posix_platform(&pl);
    app.pl = &pl;
    memset(&cfg, 0, sizeof cfg);
    cfg.transport = tcp_tr;
    if (tls_on) {
        memset(&tcfg, 0, sizeof tcfg);
        if (o.ca != NULL) {
            ca = read_file(o.ca, &ca_len);
            if (ca == NULL) {
                fprintf(stderr, "dripfeed: cannot read %s\n", o.ca);
                return 2;
            }
            tcfg.ca_pem_or_der = (const uint8_t *)ca;
            tcfg.ca_len = ca_len;
        } else {
            tcfg.ca_file = "/etc/ssl/certs/ca-certificates.crt";
        }
        tcfg.platform = &pl; /* bounds the handshake in real time */
        drip_tls_init(&tls);
        e = drip_tls_setup(&tls, &tcp_tr, &tcfg);
        if (e != DRIP_OK) {
            fprintf(stderr, "dripfeed: TLS setup failed: %s\n", drip_err_str(e));
            free(ca);
            return 2;
        }
        drip_tls_transport(&tls, &cfg.transport);
    }
    cfg.platform = pl;
    cfg.endpoint.host = host;
    cfg.endpoint.port = port;
    cfg.endpoint.path_prefix = prefix;
    cfg.endpoint.auth_name = auth[0] ? "Authorization" : NULL;
    cfg.endpoint.auth_value = auth[0] ? auth : NULL;
    cfg.endpoint.headers = hdrs;
    cfg.endpoint.nheaders = (size_t)o.nheaders;
    cfg.stream.api = o.api;
    cfg.stream.buf = sse_buf;
    cfg.stream.buf_len = sizeof sse_buf;
    cfg.stream.tok = tok;
    cfg.stream.ntok = sizeof tok / sizeof tok[0];
    cfg.stream.calls = slots;
    cfg.stream.ncalls = MAX_CALLS;
    cfg.stream.handlers = &handlers;
    cfg.stream.user = &app;
    cfg.tx = tx;
    cfg.tx_len = sizeof tx;
    cfg.rx = rx;
    cfg.rx_len = sizeof rx;
    cfg.connect_timeout_ms = o.connect_ms;
    cfg.first_event_timeout_ms = o.first_ms;
    cfg.idle_timeout_ms = o.idle_ms;
    cfg.total_timeout_ms = o.total_ms;
    cfg.max_retries = (uint8_t)o.retries;
    cfg.max_resumes = 3;
    if (drip_client_init(&client, &cfg) != DRIP_OK) {
        fputs("dripfeed: bad configuration\n", stderr);
        return 2;
    }
    app.t0 = pl.now_ms(pl.ctx);
    app.cancel_after_bytes = o.cancel_after_bytes;

    memset(&req, 0, sizeof req);
    req.api = o.api;
    req.model = o.model;
    req.input = o.prompt;
    req.instructions = o.instructions;
    req.tools = o.ntools > 0 ? o.tools : NULL;
    req.ntools = (size_t)o.ntools;
    req.max_output_tokens = o.max_output_tokens;
    req.temperature_milli = -1;
    req.reasoning_summary = o.reasoning_summary;
    req.store = -1;
    req.background = (uint8_t)o.background;
    req.include_obfuscation = -1;
    req.include_usage = o.api == DRIP_API_CHAT;

    if (o.cancel_id != NULL) {
        e = drip_client_start_cancel(&client, o.cancel_id);
    } else if (o.resume_id != NULL) {
        e = drip_client_start_resume(&client, o.resume_id, o.after);
    } else {
        e = drip_client_start(&client, &req);
    }
    if (e != DRIP_OK) {
        fprintf(stderr, "dripfeed: cannot start: %s\n", drip_err_str(e));
        rc = 2;
        goto out;
    }
    if (o.cancel_after_ms > 0) {
        static canceller_t k;
        pthread_t th;
        k.client = &client;
        k.ms = o.cancel_after_ms;
        if (pthread_create(&th, NULL, canceller, &k) == 0) {
            pthread_detach(th);
        }
    }
    st = drip_client_run(&client);
    /* Function calls answered with --tool-result, then the model goes on. */
    while (st == DRIP_STATE_COMPLETED && o.tool_result != NULL && app.ncalls > 0 &&
           o.api == DRIP_API_RESPONSES) {
        static char prev[DRIP_ID_MAX + 1];
        int k = app.ncalls;
        memcpy(prev, drip_client_result(&client)->response_id, sizeof prev);
        for (i = 0; i < k; i++) {
            outs[i].call_id = app.calls[i].call_id;
            outs[i].output = o.tool_result;
        }
        req.input = NULL;
        req.previous_response_id = prev;
        req.outputs = outs;
        req.noutputs = (size_t)k;
        status_line(&client, &app, 0);
        if (drip_client_start(&client, &req) != DRIP_OK) {
            break;
        }
        app.ncalls = 0;
        st = drip_client_run(&client);
        /* the outputs point into app.calls: keep them until the request is written */
    }
    if (app.got_text) {
        fputc('\n', stdout);
    }
    status_line(&client, &app, drip_client_transport_error(&client));
    rc = st == DRIP_STATE_COMPLETED ? 0 : 1;
out:
    drip_client_close(&client);
    if (tls_on) {
        drip_tls_free(&tls);
    }
    free(ca);
    return rc;
}
