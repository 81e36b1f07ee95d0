/* SPDX-License-Identifier: Apache-2.0 */
/* `dripfeed stream [options] PROMPT`: docs/spec/cli.md.
 * The answer text goes to stdout as it arrives; progress, errors and the
 * final status line go to stderr. The API key comes from OPENAI_API_KEY,
 * never from argv, and is never printed. Everything runs through the same
 * library and ports as the firmware: drip_client over port/mbedtls over
 * port/posix.
 *
 * Additions to the spec's option list (written down as asked): timeouts are
 * in seconds (fractions allowed, like curl), with defaults on (first event
 * 120 s, idle 60 s, connect 10 s; 0 = none); --first-event-timeout;
 * --temperature; --tool NAME[:SCHEMA]; --tool-result TEXT (answer every
 * function call with TEXT and send it back with previous_response_id, over
 * the same connection when the server keeps it open); --cancel RESPONSE_ID;
 * --progress-every S; PROMPT `-` reads the prompt from stdin. http:// base
 * URLs are refused except for loopback hosts.
 *
 * Messages (stderr): every bad option or value is named, with what is
 * allowed, exit status 2 (cli.md); every "does not fit" states the limit;
 * a notice before each retry (status, error code, wait); a progress line
 * while the first event is slow; TLS failures with mbedTLS's reason
 * (drip_tls_describe). Values that may be secret (the key, header values)
 * are never echoed. */
#include "stream.h"
#include "cli_util.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
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

/* Request buffer: head + JSON body (prompt, instructions, tools...). */
#ifndef DRIP_CLI_TX_BYTES
#define DRIP_CLI_TX_BYTES 65536
#endif
#if DRIP_CLI_TX_BYTES < 1024
#error "DRIP_CLI_TX_BYTES must be at least 1024"
#endif

#define DEFAULT_CONNECT_MS 10000u
#define DEFAULT_FIRST_MS 120000u
#define DEFAULT_IDLE_MS 60000u
#define DEFAULT_PROGRESS_MS 5000u
#define MAX_SECS 86400.0

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
    uint16_t temperature_milli;
    uint8_t has_temperature;
    uint32_t connect_ms, first_ms, idle_ms, total_ms, progress_ms;
    long cancel_after_bytes;   /* testing aid: cancel from on_text */
    uint32_t cancel_after_ms;  /* testing aid: cancel from another thread */
} sopts_t;

typedef struct {
    char call_id[DRIP_ID_MAX + 1];
    char name[DRIP_ID_MAX + 1];
    int32_t index, choice;
} scall_t;

/* "waiting for the first event" lines from a helper thread while the main
 * one blocks in drip_client_run(). */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop, got_event;
    uint32_t since, next; /* next: seconds-count of the next line, in every_ms units */
} progress_t;

typedef struct {
    uint32_t t0, t_first;
    int got_text;
    long text_bytes, cancel_after_bytes;
    scall_t calls[MAX_CALLS];
    int ncalls;
    drip_platform_t *pl;
    drip_tls_t *tls;         /* NULL for plain http:// */
    const char *host;
    uint32_t progress_ms;
    progress_t prog;
} sapp_t;

/* ---- messages ------------------------------------------------------------- */

static int stream_usage(FILE *f)
{
    fprintf(f,
          "usage: dripfeed stream [options] PROMPT     (PROMPT - : read the prompt from stdin)\n"
          "  --base-url URL          default https://api.openai.com/v1; http:// only to a\n"
          "                          loopback host (localhost, 127.x.y.z, [::1])\n"
          "  --api responses|chat    default responses\n"
          "  --model NAME            default gpt-4o-mini\n"
          "  --instructions TEXT\n"
          "  --temperature X         0..2, e.g. 0.7 (default: not sent, the server's)\n"
          "  --ca FILE               CA certificates (PEM); default the system bundle\n"
          "  --header 'Name: value'  extra header (repeatable, at most %d; e.g. a relay's auth);\n"
          "                          a value with CR, LF or another control byte is refused\n"
          "  --background            background mode: resumable if the connection drops\n"
          "  --resume ID [--after SEQ]  re-attach to a background response\n"
          "  --cancel ID             cancel a background response\n"
          "  --max-output-tokens N   --reasoning-summary auto|concise|detailed\n"
          "  --tool NAME[:SCHEMA]    offer a function tool (repeatable, at most %d)\n"
          "  --tool-result TEXT      answer each function call with TEXT and continue\n"
          "  timeouts in seconds, fractions allowed, 0 = none:\n"
          "  --connect-timeout S     default %u\n"
          "  --first-event-timeout S default %u (from the request sent to the first event)\n"
          "  --idle-timeout S        default %u (between events; keep-alive comments do not count)\n"
          "  --total-timeout S       default 0 (none; retries included)\n"
          "  --retries N             0..10, default 2 (a notice on stderr before each)\n"
          "  --progress-every S      while no event has come, say so every S s (default %u; 0 = never)\n"
          "  --cancel-after-bytes N  (testing) cancel from the text callback after N bytes\n"
          "  --cancel-after-ms N     (testing) cancel from another thread after N ms\n"
          "  --                      the next argument is the PROMPT, even if it starts with -\n"
          "The API key is read from OPENAI_API_KEY (omit it for a relay that adds it).\n"
          "A prompt from stdin may hold up to the request buffer, %d bytes, less the rest of\n"
          "the request (rebuild with -DDRIP_CLI_TX_BYTES=N for more).\n",
          MAX_HEADERS, MAX_TOOLS, DEFAULT_CONNECT_MS / 1000u, DEFAULT_FIRST_MS / 1000u,
          DEFAULT_IDLE_MS / 1000u, DEFAULT_PROGRESS_MS / 1000u, DRIP_CLI_TX_BYTES);
    return 2;
}

/* ---- option values, parsed strictly ------------------------------------- */

static int parse_int(const char *opt, const char *v, long long lo, long long hi, long long *out)
{
    char *end;
    long long x;
    int digits = (v[0] >= '0' && v[0] <= '9') || (v[0] == '-' && v[1] >= '0' && v[1] <= '9');
    errno = 0;
    x = digits ? strtoll(v, &end, 10) : 0;
    if (!digits || *end != '\0') {
        return bad("stream", "%s: '%s' is not a whole number (%lld..%lld)", opt, cli_shown(v), lo, hi);
    }
    if (errno == ERANGE || x < lo || x > hi) {
        return bad("stream", "%s: %s is out of range (%lld..%lld)", opt, cli_shown(v), lo, hi);
    }
    *out = x;
    return 0;
}

/* Plain decimal: digits, at most one '.', digits (no sign, exponent, inf, nan). */
static int parse_decimal(const char *v, double *out)
{
    size_t i, ndig = 0, ndot = 0;
    for (i = 0; v[i] != '\0'; i++) {
        if (v[i] >= '0' && v[i] <= '9') {
            ndig++;
        } else if (v[i] == '.' && ndot == 0) {
            ndot++;
        } else {
            return -1;
        }
    }
    if (ndig == 0 || ndig > 15) {
        return -1;
    }
    *out = strtod(v, NULL);
    return 0;
}

static int parse_secs(const char *opt, const char *v, uint32_t *ms)
{
    double x;
    if (parse_decimal(v, &x) != 0) {
        return bad("stream", "%s: '%s' is not a number of seconds (0..%.0f, fractions allowed, 0 = none)",
                   opt, cli_shown(v), MAX_SECS);
    }
    if (x > MAX_SECS) {
        return bad("stream", "%s: %s s is out of range (0..%.0f)", opt, cli_shown(v), MAX_SECS);
    }
    *ms = (uint32_t)(x * 1000.0 + 0.5);
    if (*ms == 0 && x > 0) {
        return bad("stream", "%s: %s s is below 1 ms (0 = none)", opt, cli_shown(v));
    }
    return 0;
}

/* RFC 9110 token characters. */
static int is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Offset of the first control byte other than HTAB (or DEL), -1 if none. */
static long ctl_at(const char *s)
{
    size_t i;
    for (i = 0; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return (long)i;
        }
    }
    return -1;
}

static const char *ctl_name(unsigned char c)
{
    return c == '\r' ? " (CR)" : c == '\n' ? " (LF)" : c == 0x7f ? " (DEL)" : "";
}

/* "Name: value": name a token, value without control bytes but HTAB. */
static int check_header(const char *h)
{
    const char *colon = strchr(h, ':');
    size_t i, nl;
    long at;
    if (colon == NULL) {
        return bad("stream", "--header: '%s' has no ':' (write it as 'Name: value')", cli_shown(h));
    }
    nl = (size_t)(colon - h);
    if (nl == 0) {
        return bad("stream", "--header: '%s' has no name before ':'", cli_shown(h));
    }
    for (i = 0; i < nl; i++) {
        if (!is_tchar((unsigned char)h[i])) {
            char name[80];
            size_t k = nl < sizeof name - 1 ? nl : sizeof name - 1;
            memcpy(name, h, k);
            name[k] = '\0';
            return bad("stream", "--header: the name '%s' is not a token (letters, digits and "
                       "!#$%%&'*+-.^_`|~ only; byte %zu is 0x%02x)",
                       cli_shown(name), i, (unsigned)(unsigned char)h[i]);
        }
    }
    at = ctl_at(colon + 1);
    if (at >= 0) {
        unsigned char c = (unsigned char)colon[1 + at];
        return bad("stream", "--header '%.*s': the value holds the control byte 0x%02x%s at offset %ld; "
                   "CR, LF and other control bytes are refused (HTAB is allowed), nothing was sent",
                   (int)(nl < 80 ? nl : 80), h, (unsigned)c, ctl_name(c), at);
    }
    return 0;
}

/* A --tool schema is written into the request as is: it must be JSON. */
static int json_ok(const char *text)
{
    static jsmntok_t tok[4096];
    static char copy[65536];
    drip_json_t j;
    size_t n = strlen(text);
    if (n >= sizeof copy) {
        return 0;
    }
    memcpy(copy, text, n + 1);
    return drip_json_parse(&j, copy, n, tok, sizeof tok / sizeof tok[0]) == DRIP_OK &&
           drip_json_valid(&j, 64);
}

static int parse_stream_opts(int argc, char **argv, sopts_t *o)
{
    int i, only_prompt = 0;
    long long x;
    memset(o, 0, sizeof *o);
    o->base_url = "https://api.openai.com/v1";
    o->model = "gpt-4o-mini";
    o->retries = 2;
    o->after = -1;
    o->connect_ms = DEFAULT_CONNECT_MS;
    o->first_ms = DEFAULT_FIRST_MS;
    o->idle_ms = DEFAULT_IDLE_MS;
    o->progress_ms = DEFAULT_PROGRESS_MS;
    o->cancel_after_bytes = -1;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (only_prompt || a[0] != '-' || strcmp(a, "-") == 0) {
            if (o->prompt != NULL) {
                return bad("stream", "more than one PROMPT ('%s' and '%s'); quote a prompt that has spaces",
                           cli_shown(o->prompt), cli_shown(a));
            }
            o->prompt = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_prompt = 1;
            continue;
        }
        if (strcmp(a, "--background") == 0) {
            o->background = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            return bad("stream", "--help goes alone: dripfeed stream --help");
        }
        if (strcmp(a, "--base-url") != 0 && strcmp(a, "--api") != 0 && strcmp(a, "--model") != 0 &&
            strcmp(a, "--instructions") != 0 && strcmp(a, "--ca") != 0 &&
            strcmp(a, "--header") != 0 && strcmp(a, "--resume") != 0 &&
            strcmp(a, "--after") != 0 && strcmp(a, "--cancel") != 0 &&
            strcmp(a, "--max-output-tokens") != 0 && strcmp(a, "--reasoning-summary") != 0 &&
            strcmp(a, "--tool") != 0 && strcmp(a, "--tool-result") != 0 &&
            strcmp(a, "--retries") != 0 && strcmp(a, "--temperature") != 0 &&
            strcmp(a, "--cancel-after-bytes") != 0 && strcmp(a, "--cancel-after-ms") != 0 &&
            strcmp(a, "--connect-timeout") != 0 && strcmp(a, "--first-event-timeout") != 0 &&
            strcmp(a, "--idle-timeout") != 0 && strcmp(a, "--total-timeout") != 0 &&
            strcmp(a, "--progress-every") != 0) {
            return bad("stream", "unknown option '%s' (see dripfeed stream --help; a PROMPT that starts "
                       "with - goes after --)", cli_shown(a));
        }
        if (v == NULL) {
            return bad("stream", "%s needs a value (see dripfeed stream --help)", a);
        }
        i++;
        if (strcmp(a, "--base-url") == 0) {
            o->base_url = v;
        } else if (strcmp(a, "--api") == 0) {
            if (strcmp(v, "responses") == 0) {
                o->api = DRIP_API_RESPONSES;
            } else if (strcmp(v, "chat") == 0) {
                o->api = DRIP_API_CHAT;
            } else {
                return bad("stream", "--api: '%s' is not responses or chat", cli_shown(v));
            }
        } else if (strcmp(a, "--model") == 0) {
            o->model = v;
        } else if (strcmp(a, "--instructions") == 0) {
            o->instructions = v;
        } else if (strcmp(a, "--ca") == 0) {
            o->ca = v;
        } else if (strcmp(a, "--header") == 0) {
            if (o->nheaders == MAX_HEADERS) {
                return bad("stream", "--header: at most %d headers", MAX_HEADERS);
            }
            if (check_header(v) != 0) {
                return -1;
            }
            o->headers[o->nheaders++] = v;
        } else if (strcmp(a, "--resume") == 0) {
            o->resume_id = v;
        } else if (strcmp(a, "--after") == 0) {
            if (parse_int(a, v, 0, INT64_MAX, &x) != 0) {
                return -1;
            }
            o->after = x;
        } else if (strcmp(a, "--cancel") == 0) {
            o->cancel_id = v;
        } else if (strcmp(a, "--max-output-tokens") == 0) {
            if (parse_int(a, v, 1, INT32_MAX, &x) != 0) {
                return -1;
            }
            o->max_output_tokens = (int32_t)x;
        } else if (strcmp(a, "--reasoning-summary") == 0) {
            if (strcmp(v, "auto") != 0 && strcmp(v, "concise") != 0 && strcmp(v, "detailed") != 0) {
                return bad("stream", "--reasoning-summary: '%s' is not auto, concise or detailed", cli_shown(v));
            }
            o->reasoning_summary = v;
        } else if (strcmp(a, "--temperature") == 0) {
            double t;
            if (parse_decimal(v, &t) != 0) {
                return bad("stream", "--temperature: '%s' is not a number (0..2, e.g. 0.7)", cli_shown(v));
            }
            if (t > 2.0) {
                return bad("stream", "--temperature: %s is out of range (0..2)", cli_shown(v));
            }
            o->temperature_milli = (uint16_t)(t * 1000.0 + 0.5);
            o->has_temperature = 1;
        } else if (strcmp(a, "--tool") == 0) {
            const char *colon = strchr(v, ':');
            static char names[MAX_TOOLS][DRIP_ID_MAX + 1];
            size_t n = colon ? (size_t)(colon - v) : strlen(v);
            if (o->ntools == MAX_TOOLS) {
                return bad("stream", "--tool: at most %d tools", MAX_TOOLS);
            }
            if (n == 0 || n > DRIP_ID_MAX) {
                return bad("stream", "--tool: the name is %zu bytes; it must be 1..%d", n, DRIP_ID_MAX);
            }
            if (colon != NULL && !json_ok(colon + 1)) {
                return bad("stream", "--tool %.*s: the schema after ':' is not valid JSON (it is sent as is)",
                           (int)n, v);
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
            if (parse_int(a, v, 0, 10, &x) != 0) {
                return -1;
            }
            o->retries = (int)x;
        } else if (strcmp(a, "--cancel-after-bytes") == 0) {
            if (parse_int(a, v, 0, 1000000000, &x) != 0) {
                return -1;
            }
            o->cancel_after_bytes = (long)x;
        } else if (strcmp(a, "--cancel-after-ms") == 0) {
            if (parse_int(a, v, 1, 86400000, &x) != 0) {
                return -1;
            }
            o->cancel_after_ms = (uint32_t)x;
        } else if (strcmp(a, "--connect-timeout") == 0) {
            if (parse_secs(a, v, &o->connect_ms) != 0) {
                return -1;
            }
        } else if (strcmp(a, "--first-event-timeout") == 0) {
            if (parse_secs(a, v, &o->first_ms) != 0) {
                return -1;
            }
        } else if (strcmp(a, "--idle-timeout") == 0) {
            if (parse_secs(a, v, &o->idle_ms) != 0) {
                return -1;
            }
        } else if (strcmp(a, "--total-timeout") == 0) {
            if (parse_secs(a, v, &o->total_ms) != 0) {
                return -1;
            }
        } else if (strcmp(a, "--progress-every") == 0) {
            if (parse_secs(a, v, &o->progress_ms) != 0) {
                return -1;
            }
        }
    }
    if (o->resume_id != NULL && o->cancel_id != NULL) {
        return bad("stream", "--resume and --cancel do not go together");
    }
    if (o->after >= 0 && o->resume_id == NULL) {
        return bad("stream", "--after goes with --resume ID");
    }
    if (o->tool_result != NULL && o->ntools == 0) {
        return bad("stream", "--tool-result answers the calls of the tools you offer: give a --tool NAME");
    }
    if (o->tool_result != NULL && o->api == DRIP_API_CHAT) {
        return bad("stream", "--tool-result needs --api responses (the answer goes back with "
                   "previous_response_id, which Chat Completions does not have)");
    }
    if (o->prompt != NULL && (o->resume_id != NULL || o->cancel_id != NULL)) {
        return bad("stream", "a PROMPT ('%s') does not go with %s", cli_shown(o->prompt),
                   o->resume_id != NULL ? "--resume" : "--cancel");
    }
    if (o->prompt == NULL && o->resume_id == NULL && o->cancel_id == NULL) {
        return bad("stream", "no PROMPT (give the text, or - to read it from stdin; see dripfeed stream --help)");
    }
    return 0;
}

/* https://host[:port][/prefix] (IPv6 literals in brackets); messages name
 * what is wrong. */
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
        return bad("stream", "--base-url: '%s' does not start with https:// (or http:// for a loopback host)",
                   cli_shown(url));
    }
    path = strchr(p, '/');
    if (path == NULL) {
        path = p + strlen(p);
    }
    if (*p == '[') {
        h = p + 1;
        hend = memchr(h, ']', (size_t)(path - h));
        if (hend == NULL) {
            return bad("stream", "--base-url: '%s': an IPv6 address needs its closing ']'", cli_shown(url));
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
    if (n == 0) {
        return bad("stream", "--base-url: '%s' has no host", cli_shown(url));
    }
    if (n >= hcap) {
        return bad("stream", "--base-url: the host is %zu bytes; at most %zu fit", n, hcap - 1);
    }
    memcpy(host, h, n);
    host[n] = '\0';
    if (*p == ':') {
        long v = 0;
        const char *q = p + 1;
        while (q < path && *q >= '0' && *q <= '9' && v <= 65535) {
            v = v * 10 + (*q++ - '0');
        }
        if (q != path || q == p + 1 || v <= 0 || v > 65535) {
            return bad("stream", "--base-url: '%s': the port must be a number 1..65535", cli_shown(url));
        }
        *port = (uint16_t)v;
    } else if (p != path) {
        return bad("stream", "--base-url: '%s': unexpected text after the host", cli_shown(url));
    }
    n = strlen(path);
    while (n > 0 && path[n - 1] == '/') {
        n--;
    }
    if (n >= pcap) {
        return bad("stream", "--base-url: the path is %zu bytes; at most %zu fit", n, pcap - 1);
    }
    memcpy(prefix, path, n);
    prefix[n] = '\0';
    return 0;
}

static int is_loopback(const char *h)
{
    return strcmp(h, "localhost") == 0 || strncmp(h, "127.", 4) == 0 || strcmp(h, "::1") == 0;
}

/* PROMPT "-": all of stdin, up to cap - 1 bytes (the request buffer). */
static char *read_prompt_stdin(size_t cap)
{
    char *p = malloc(cap);
    size_t n = 0, k;
    char tmp[4096];
    unsigned long long total;
    if (p == NULL) {
        bad("stream", "out of memory reading the prompt");
        return NULL;
    }
    while (n < cap && (k = fread(p + n, 1, cap - n, stdin)) > 0) {
        n += k;
    }
    if (ferror(stdin)) {
        bad("stream", "reading the prompt from stdin: %s", strerror(errno));
        free(p);
        return NULL;
    }
    if (n == cap) { /* too long: count the rest for the message, keep nothing */
        total = n;
        while ((k = fread(tmp, 1, sizeof tmp, stdin)) > 0) {
            total += k;
        }
        bad("stream", "the prompt on stdin is %llu bytes; the request buffer holds %zu, less the rest of "
            "the request (rebuild with -DDRIP_CLI_TX_BYTES=N for more)",
            total, (size_t)DRIP_CLI_TX_BYTES);
        free(p);
        return NULL;
    }
    if (memchr(p, '\0', n) != NULL) {
        bad("stream", "the prompt on stdin holds a NUL byte at offset %zu (text only)",
            (size_t)((char *)memchr(p, '\0', n) - p));
        free(p);
        return NULL;
    }
    p[n] = '\0';
    return p;
}

/* ---- progress ------------------------------------------------------------- */

static uint32_t ms_now(sapp_t *a)
{
    return a->pl->now_ms(a->pl->ctx);
}

/* Count again from `at` (a new request, or the end of a retry's wait). */
static void progress_restart(sapp_t *a, uint32_t at)
{
    pthread_mutex_lock(&a->prog.mu);
    a->prog.got_event = 0;
    a->prog.since = at;
    a->prog.next = 1;
    pthread_mutex_unlock(&a->prog.mu);
}

static void *progress_thread(void *arg)
{
    sapp_t *a = arg;
    pthread_mutex_lock(&a->prog.mu);
    while (!a->prog.stop) {
        struct timespec ts;
        uint32_t t = ms_now(a), due = a->prog.since + a->prog.next * a->progress_ms;
        if (!a->prog.got_event && (int32_t)(t - due) >= 0) {
            uint32_t el = a->prog.next * a->progress_ms;
            if (el % 1000u == 0) {
                fprintf(stderr, "dripfeed: waiting for the first event (%u s)...\n",
                        (unsigned)(el / 1000u));
            } else {
                fprintf(stderr, "dripfeed: waiting for the first event (%.1f s)...\n",
                        (double)el / 1000.0);
            }
            a->prog.next++;
            continue;
        }
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100L * 1000000L; /* look again in 100 ms */
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&a->prog.cv, &a->prog.mu, &ts);
    }
    pthread_mutex_unlock(&a->prog.mu);
    return NULL;
}

/* ---- handlers ------------------------------------------------------------ */

static drip_err_t s_on_event(void *user, const drip_event_t *ev)
{
    sapp_t *a = user;
    (void)ev;
    if (!a->prog.got_event) {
        pthread_mutex_lock(&a->prog.mu);
        a->prog.got_event = 1;
        pthread_mutex_unlock(&a->prog.mu);
    }
    return DRIP_OK;
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

/* Another task cancels: drip_client_cancel_local() only sets a flag. */
static void *canceller(void *arg)
{
    const canceller_t *k = arg;
    struct timespec ts;
    ts.tv_sec = (time_t)(k->ms / 1000u);
    ts.tv_nsec = (long)(k->ms % 1000u) * 1000000L;
    nanosleep(&ts, NULL);
    drip_client_cancel_local(k->client);
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

/* A TLS failure with mbedTLS's reason (drip_tls_describe): "tls: certificate
 * of HOST refused: The certificate validity has expired (mbedtls -0x2700:
 * ...)" instead of the generic text of the code. */
static void put_tls_reason(const sapp_t *a, int code)
{
    char d[512];
    const char *generic = drip_err_str(code), *rest, *verify;
    drip_tls_describe(a->tls, d, sizeof d);
    rest = d;
    if (strncmp(rest, generic, strlen(generic)) == 0) {
        rest += strlen(generic);
        while (*rest == ' ') {
            rest++;
        }
    }
    verify = strstr(rest, "verify: ");
    if (verify != NULL) {
        /* the verify flags' texts first: they say what is wrong */
        fprintf(stderr, "tls: certificate of %s refused: %s", a->host, verify + 8);
        if (verify > rest) {
            fprintf(stderr, " %.*s", (int)(verify - rest - (verify[-1] == ' ')), rest);
        }
    } else {
        fprintf(stderr, "%s%s%s", generic, rest[0] != '\0' ? " " : "", rest);
    }
}

static int is_tls_code(const sapp_t *a, int code)
{
    return a->tls != NULL && (code == DRIP_ERR_TLS || code == DRIP_ERR_TLS_VERIFY ||
                              code == DRIP_ERR_TLS_EXPIRED || code == DRIP_ERR_TLS_NOT_YET_VALID);
}

static void s_on_error(void *user, const drip_error_t *e)
{
    const sapp_t *a = user;
    fputs("\ndripfeed: error: ", stderr);
    if (is_tls_code(a, e->code)) {
        put_tls_reason(a, e->code);
    } else {
        fputs(drip_err_str(e->code), stderr);
    }
    fprintf(stderr, " (%d)", (int)e->code);
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

/* Before each retry: "dripfeed: HTTP 429 rate_limit_exceeded: retrying in
 * 2.0 s (attempt 2 of 3)". */
static void s_on_retry(void *user, const drip_retry_info_t *ri)
{
    sapp_t *a = user;
    const drip_result_t *r = ri->result;
    fputs("dripfeed: ", stderr);
    if (ri->err != 0) {
        if (is_tls_code(a, ri->err)) {
            put_tls_reason(a, ri->err);
        } else {
            fputs(drip_err_str(ri->err), stderr);
        }
        fprintf(stderr, " (%d)", ri->err);
        if (r->http_status > 0) {
            fprintf(stderr, " after HTTP %d", r->http_status);
        }
    } else {
        fprintf(stderr, "HTTP %d", r->http_status);
        if ((r->error_has & 2u) && r->error_code[0] != '\0') {
            fprintf(stderr, " %s", r->error_code);
        } else if ((r->error_has & 1u) && r->error_type[0] != '\0') {
            fprintf(stderr, " %s", r->error_type);
        }
    }
    fprintf(stderr, ": retrying in %.1f s (attempt %u of %u)\n", (double)ri->wait_ms / 1000.0,
            (unsigned)ri->attempt, (unsigned)ri->max_attempts);
    progress_restart(a, ms_now(a) + ri->wait_ms);
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

/* Why drip_client_start*() refused: the size against the limit for a
 * request that does not fit, else the library's text for the code. */
static void start_failed(drip_err_t e, const drip_client_cfg_t *cfg, const drip_request_t *req)
{
    if (e == DRIP_ERR_REQUEST_TOO_LARGE && req != NULL) {
        size_t body = 0, head = 0;
        (void)drip_request_body(req, NULL, 0, &body);
        (void)drip_request_head(&cfg->endpoint, "POST",
                                req->api == DRIP_API_CHAT ? "/chat/completions" : "/responses",
                                body > 0 ? body - 1u : 0u, NULL, 0, &head);
        fprintf(stderr,
                "dripfeed stream: the request is %zu bytes (prompt, instructions, tools, headers); "
                "the request buffer holds %zu (rebuild with -DDRIP_CLI_TX_BYTES=N for more)\n",
                (body > 0 ? body - 1u : 0u) + (head > 0 ? head - 1u : 0u), cfg->tx_len);
        return;
    }
    fprintf(stderr, "dripfeed stream: cannot start: %s (%d)\n", drip_err_str(e), (int)e);
}

int cmd_stream(int argc, char **argv)
{
    static uint8_t tx[DRIP_CLI_TX_BYTES], rx[16384], sse_buf[16384];
    static jsmntok_t tok[512];
    static drip_call_slot_t slots[MAX_CALLS];
    static drip_client_t client;
    static drip_posix_t tcp;
    static drip_tls_t tls;
    static char host[256], prefix[256], auth[1024], extra[2048];
    static drip_header_t hdrs[MAX_HEADERS];
    static drip_platform_t pl;
    static const drip_handlers_t handlers = {.on_event = s_on_event, .on_text = s_on_text,
                                             .on_refusal = s_on_text, .on_reasoning = s_on_reasoning,
                                             .on_call_delta = s_on_call_delta,
                                             .on_call_done = s_on_call_done, .on_error = s_on_error};
    static sapp_t app;
    sopts_t o;
    drip_client_cfg_t cfg;
    drip_tls_cfg_t tcfg;
    drip_transport_t tcp_tr;
    drip_request_t req;
    drip_call_output_t outs[MAX_CALLS];
    const char *key = getenv("OPENAI_API_KEY");
    char *ca = NULL, *stdin_prompt = NULL;
    size_t ca_len = 0, n = 0;
    int tls_on = 0, i, rc = 1, prog_on = 0;
    uint16_t port = 443;
    pthread_t prog_th;
    drip_err_t e;
    drip_state_t st;

    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        stream_usage(stdout);
        return 0;
    }
    if (parse_stream_opts(argc, argv, &o) != 0 ||
        parse_url(o.base_url, &tls_on, host, sizeof host, &port, prefix, sizeof prefix) != 0) {
        return 2;
    }
    if (!tls_on && !is_loopback(host)) {
        bad("stream", "--base-url: plain http:// only to a loopback host (localhost, 127.x.y.z, [::1]); "
            "use https:// for %s", cli_shown(host));
        return 2;
    }
    /* "Name: value" -> one drip_header_t each (checked by check_header(); the
     * request writer refuses such bytes too). */
    for (i = 0; i < o.nheaders; i++) {
        const char *colon = strchr(o.headers[i], ':');
        size_t nl = (size_t)(colon - o.headers[i]);
        if (n + nl + 1u > sizeof extra) {
            bad("stream", "--header: the names are more than %zu bytes in all", sizeof extra - (size_t)MAX_HEADERS);
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
        long at = ctl_at(key);
        size_t kl = strlen(key);
        if (kl + 8u > sizeof auth) { /* "Bearer " + NUL */
            bad("stream", "OPENAI_API_KEY is %zu bytes; at most %zu fit", kl, sizeof auth - 8u);
            return 2;
        }
        if (at >= 0) {
            bad("stream", "OPENAI_API_KEY holds the control byte 0x%02x%s at offset %ld (a stray newline?); "
                "it is not sent",
                (unsigned)(unsigned char)key[at], ctl_name((unsigned char)key[at]), at);
            return 2;
        }
        snprintf(auth, sizeof auth, "Bearer %s", key);
    } else if (strcmp(host, "api.openai.com") == 0) {
        bad("stream", "set OPENAI_API_KEY (api.openai.com needs it)");
        return 2;
    }
    if (o.prompt != NULL && strcmp(o.prompt, "-") == 0) {
        stdin_prompt = read_prompt_stdin(sizeof tx);
        if (stdin_prompt == NULL) {
            return 2;
        }
        o.prompt = stdin_prompt;
    }

    drip_posix_init(&tcp);
    drip_posix_transport(&tcp, &tcp_tr);
    drip_posix_platform(&pl);
    app.pl = &pl;
    app.host = host;
    app.tls = tls_on ? &tls : NULL;
    app.progress_ms = o.progress_ms;
    memset(&cfg, 0, sizeof cfg);
    cfg.transport = tcp_tr;
    if (tls_on) {
        memset(&tcfg, 0, sizeof tcfg);
        if (o.ca != NULL) {
            ca = read_file(o.ca, &ca_len);
            if (ca == NULL) {
                bad("stream", "--ca: cannot read '%s': %s", cli_shown(o.ca), strerror(errno));
                free(stdin_prompt);
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
            char d[512];
            fprintf(stderr, "dripfeed stream: TLS setup failed%s%s: %s\n",
                    o.ca != NULL ? " with --ca " : "", o.ca != NULL ? cli_shown(o.ca) : "",
                    drip_tls_describe(&tls, d, sizeof d));
            free(ca);
            free(stdin_prompt);
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
    /* the options' 0 means none; the client's 0 means its default */
    cfg.connect_timeout_ms = o.connect_ms != 0u ? o.connect_ms : DRIP_TIMEOUT_NONE;
    cfg.first_event_timeout_ms = o.first_ms != 0u ? o.first_ms : DRIP_TIMEOUT_NONE;
    cfg.idle_timeout_ms = o.idle_ms != 0u ? o.idle_ms : DRIP_TIMEOUT_NONE;
    cfg.total_timeout_ms = o.total_ms != 0u ? o.total_ms : DRIP_TIMEOUT_NONE;
    cfg.max_retries = (uint8_t)o.retries;
    cfg.max_resumes = 3;
    cfg.on_retry = s_on_retry;
    rc = 2;
    if (drip_client_init(&client, &cfg) != DRIP_OK) {
        bad("stream", "bad client configuration");
        goto out;
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
    req.temperature_milli = o.temperature_milli;
    req.has_temperature = o.has_temperature;
    req.reasoning_summary = o.reasoning_summary;
    req.background = (uint8_t)o.background;
    req.include_usage = o.api == DRIP_API_CHAT;

    if (o.cancel_id != NULL) {
        e = drip_client_start_server_cancel(&client, o.cancel_id);
    } else if (o.resume_id != NULL) {
        e = drip_client_start_resume(&client, o.resume_id, o.after);
    } else {
        e = drip_client_start(&client, &req);
    }
    if (e != DRIP_OK) {
        if (e == DRIP_ERR_ARG && (o.cancel_id != NULL || o.resume_id != NULL)) {
            bad("stream", "%s: '%s' is not a response id (letters, digits, _ and -, 1..%d bytes)",
                o.cancel_id != NULL ? "--cancel" : "--resume",
                cli_shown(o.cancel_id != NULL ? o.cancel_id : o.resume_id), DRIP_ID_MAX);
        } else {
            start_failed(e, &cfg, o.cancel_id == NULL && o.resume_id == NULL ? &req : NULL);
        }
        goto out;
    }
    pthread_mutex_init(&app.prog.mu, NULL);
    pthread_cond_init(&app.prog.cv, NULL);
    progress_restart(&app, app.t0);
    if (o.progress_ms > 0 && o.cancel_id == NULL &&
        pthread_create(&prog_th, NULL, progress_thread, &app) == 0) {
        prog_on = 1;
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
        e = drip_client_start(&client, &req);
        if (e != DRIP_OK) {
            start_failed(e, &cfg, &req);
            st = DRIP_STATE_FAILED;
            break;
        }
        app.ncalls = 0;
        progress_restart(&app, ms_now(&app));
        st = drip_client_run(&client);
        /* the outputs point into app.calls: keep them until the request is written */
    }
    if (prog_on) {
        pthread_mutex_lock(&app.prog.mu);
        app.prog.stop = 1;
        pthread_cond_signal(&app.prog.cv);
        pthread_mutex_unlock(&app.prog.mu);
        pthread_join(prog_th, NULL);
    }
    if (app.got_text) {
        fputc('\n', stdout);
    }
    status_line(&client, &app, drip_client_transport_error(&client));
    rc = st == DRIP_STATE_COMPLETED ? 0 : 1;
out:
    drip_client_disconnect(&client);
    if (tls_on) {
        drip_tls_free(&tls);
    }
    free(ca);
    free(stdin_prompt);
    return rc;
}
