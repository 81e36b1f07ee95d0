/* SPDX-License-Identifier: Apache-2.0 */
/* Request writer: JSON bodies and HTTP heads into caller buffers.
 * Body shapes: docs/spec/openai.md sections 4 and 6.1.
 *
 * Decisions (written down where the spec leaves room):
 * - Invalid UTF-8 in caller text becomes U+FFFD (written as \ufffd): the API
 *   rejects a body that is not UTF-8, and dropping bytes silently is worse.
 * - A string `input` with no messages/outputs is sent as "input":"..."; with
 *   them, input is a list: messages, then the user message, then outputs.
 * - `stream` is always true; Accept-Encoding: identity (we cannot inflate).
 */
#include "dripfeed/drip_request.h"

#include <string.h>

#define DRIP_VERSION_STRING "0.1.0"

/* Output that counts what it could not write, so the caller learns the size
 * it needs instead of getting a cut request. */
typedef struct {
    char *buf;
    size_t cap, len;
} out_t;

static void put(out_t *o, const char *p, size_t n)
{
    if (o->len < o->cap) {
        size_t room = o->cap - o->len;
        memcpy(o->buf + o->len, p, n < room ? n : room);
    }
    o->len += n;
}

static void puts_(out_t *o, const char *s)
{
    put(o, s, strlen(s));
}

static void put_u64(out_t *o, uint64_t v)
{
    char tmp[20];
    size_t i = sizeof tmp;
    do {
        /* v / 10 by shifts and adds (Hacker's Delight 10-9): a 64-bit
         * division would pull libgcc's helpers into the firmware. The one
         * decimal printer of the request writer (ports, lengths, tokens,
         * sequence numbers). */
        uint64_t q = (v >> 1) + (v >> 2), r;
        q += q >> 4;
        q += q >> 8;
        q += q >> 16;
        q += q >> 32;
        q >>= 3;
        r = v - q * 10u;
        if (r > 9u) {
            q++;
            r -= 10u;
        }
        tmp[--i] = (char)('0' + (int)r);
        v = q;
    } while (v > 0);
    put(o, tmp + i, sizeof tmp - i);
}

/* Length of a valid UTF-8 sequence at p (n bytes available), 0 if invalid. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    size_t k, i;
    uint32_t cp;
    if (c < 0x80u) {
        return 1;
    }
    if (c >= 0xC2u && c <= 0xDFu) {
        k = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0u && c <= 0xEFu) {
        k = 3;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0u && c <= 0xF4u) {
        k = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (n < k) {
        return 0;
    }
    for (i = 1; i < k; i++) {
        if ((p[i] & 0xC0u) != 0x80u) {
            return 0;
        }
        cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if ((k == 3 && (cp < 0x800u || (cp >= 0xD800u && cp <= 0xDFFFu))) ||
        (k == 4 && (cp < 0x10000u || cp > 0x10FFFFu))) {
        return 0; /* overlong, surrogate, beyond Unicode */
    }
    return k;
}

static void put_str(out_t *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *p = (const uint8_t *)s;
    size_t i = 0;
    put(o, "\"", 1);
    while (i < n) {
        uint8_t c = p[i];
        size_t run = i;
        /* copy plain ASCII runs at once */
        while (run < n && p[run] >= 0x20u && p[run] < 0x80u && p[run] != '"' && p[run] != '\\') {
            run++;
        }
        if (run > i) {
            put(o, s + i, run - i);
            i = run;
            continue;
        }
        if (c == '"' || c == '\\') {
            char esc[2];
            esc[0] = '\\';
            esc[1] = (char)c;
            put(o, esc, 2);
            i++;
        } else if (c < 0x20u) {
            char esc[6] = {'\\', 'u', '0', '0', 0, 0};
            switch (c) {
            case '\n': put(o, "\\n", 2); break;
            case '\r': put(o, "\\r", 2); break;
            case '\t': put(o, "\\t", 2); break;
            case '\b': put(o, "\\b", 2); break;
            case '\f': put(o, "\\f", 2); break;
            default:
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 0xFu];
                put(o, esc, 6);
            }
            i++;
        } else {
            size_t k = utf8_len(p + i, n - i);
            if (k == 0) {
                put(o, "\\ufffd", 6);
                i++;
            } else {
                put(o, s + i, k);
                i += k;
            }
        }
    }
    put(o, "\"", 1);
}

static void put_cstr(out_t *o, const char *s)
{
    put_str(o, s, strlen(s));
}

/* ,"key": */
static void key(out_t *o, const char *k)
{
    put(o, ",\"", 2);
    puts_(o, k);
    put(o, "\":", 2);
}

static void kv_str(out_t *o, const char *k, const char *v)
{
    if (v != NULL) {
        key(o, k);
        put_cstr(o, v);
    }
}

static void kv_bool(out_t *o, const char *k, int v)
{
    key(o, k);
    puts_(o, v ? "true" : "false");
}

/* 700 -> 0.7, 1250 -> 1.25 */
static void put_milli(out_t *o, uint32_t m)
{
    char frac[4];
    size_t n = 3;
    put_u64(o, m / 1000u);
    frac[0] = '.';
    frac[1] = (char)('0' + (m / 100u) % 10u);
    frac[2] = (char)('0' + (m / 10u) % 10u);
    frac[3] = (char)('0' + m % 10u);
    while (n > 0 && frac[n] == '0') {
        n--;
    }
    if (n > 0) {
        put(o, frac, n + 1);
    }
}

static int is_choice_word(const char *s)
{
    return strcmp(s, "auto") == 0 || strcmp(s, "none") == 0 || strcmp(s, "required") == 0;
}

static void message(out_t *o, const drip_message_t *m)
{
    if (m->raw_json != NULL) {
        puts_(o, m->raw_json);
        return;
    }
    puts_(o, "{\"role\":");
    put_cstr(o, m->role != NULL ? m->role : "user");
    puts_(o, ",\"content\":");
    put_cstr(o, m->content != NULL ? m->content : "");
    put(o, "}", 1);
}

static void tools(out_t *o, const drip_request_t *r, int chat)
{
    size_t i;
    key(o, "tools");
    put(o, "[", 1);
    for (i = 0; i < r->ntools; i++) {
        const drip_tool_t *t = &r->tools[i];
        if (i > 0) {
            put(o, ",", 1);
        }
        /* Responses tools are flat; Chat nests them under "function". */
        puts_(o, chat ? "{\"type\":\"function\",\"function\":{\"name\":" : "{\"type\":\"function\",\"name\":");
        put_cstr(o, t->name);
        kv_str(o, "description", t->description);
        key(o, "parameters");
        puts_(o, t->parameters != NULL ? t->parameters : "null");
        kv_bool(o, "strict", t->strict);
        puts_(o, chat ? "}}" : "}");
    }
    put(o, "]", 1);
}

static void tool_choice(out_t *o, const drip_request_t *r, int chat)
{
    if (r->tool_choice == NULL) {
        return;
    }
    key(o, "tool_choice");
    if (is_choice_word(r->tool_choice)) {
        put_cstr(o, r->tool_choice);
    } else if (chat) {
        puts_(o, "{\"type\":\"function\",\"function\":{\"name\":");
        put_cstr(o, r->tool_choice);
        puts_(o, "}}");
    } else {
        puts_(o, "{\"type\":\"function\",\"name\":");
        put_cstr(o, r->tool_choice);
        put(o, "}", 1);
    }
}

static void body_responses(out_t *o, const drip_request_t *r)
{
    int list = r->nmessages > 0 || r->noutputs > 0;
    if (list) {
        size_t i;
        key(o, "input");
        put(o, "[", 1);
        for (i = 0; i < r->nmessages; i++) {
            if (i > 0) {
                put(o, ",", 1);
            }
            message(o, &r->messages[i]);
        }
        if (r->input != NULL) {
            drip_message_t m;
            m.role = "user";
            m.content = r->input;
            m.raw_json = NULL;
            if (r->nmessages > 0) {
                put(o, ",", 1);
            }
            message(o, &m);
        }
        for (i = 0; i < r->noutputs; i++) {
            if (i > 0 || r->nmessages > 0 || r->input != NULL) {
                put(o, ",", 1);
            }
            puts_(o, "{\"type\":\"function_call_output\",\"call_id\":");
            put_cstr(o, r->outputs[i].call_id);
            puts_(o, ",\"output\":");
            put_cstr(o, r->outputs[i].output);
            put(o, "}", 1);
        }
        put(o, "]", 1);
    } else {
        kv_str(o, "input", r->input != NULL ? r->input : "");
    }
    kv_str(o, "instructions", r->instructions);
    kv_str(o, "previous_response_id", r->previous_response_id);
    if (r->ntools > 0) {
        tools(o, r, 0);
    }
    tool_choice(o, r, 0);
    if (r->max_output_tokens > 0) {
        key(o, "max_output_tokens");
        put_u64(o, (uint32_t)r->max_output_tokens);
    }
    if (r->reasoning_effort != NULL || r->reasoning_summary != NULL) {
        key(o, "reasoning");
        put(o, "{", 1);
        if (r->reasoning_effort != NULL) {
            puts_(o, "\"effort\":");
            put_cstr(o, r->reasoning_effort);
        }
        if (r->reasoning_summary != NULL) {
            puts_(o, r->reasoning_effort != NULL ? ",\"summary\":" : "\"summary\":");
            put_cstr(o, r->reasoning_summary);
        }
        put(o, "}", 1);
    }
    if (r->store != DRIP_FLAG_UNSET) {
        kv_bool(o, "store", r->store == DRIP_FLAG_TRUE);
    }
    if (r->background) {
        kv_bool(o, "background", 1);
    }
    if (r->include_obfuscation != DRIP_FLAG_UNSET) {
        key(o, "stream_options");
        puts_(o, r->include_obfuscation == DRIP_FLAG_TRUE ? "{\"include_obfuscation\":true}"
                                                          : "{\"include_obfuscation\":false}");
    }
}

static void body_chat(out_t *o, const drip_request_t *r)
{
    size_t i;
    int first = 1;
    key(o, "messages");
    put(o, "[", 1);
    if (r->instructions != NULL) {
        drip_message_t m;
        m.role = "system";
        m.content = r->instructions;
        m.raw_json = NULL;
        message(o, &m);
        first = 0;
    }
    for (i = 0; i < r->nmessages; i++) {
        if (!first) {
            put(o, ",", 1);
        }
        message(o, &r->messages[i]);
        first = 0;
    }
    if (r->input != NULL) {
        drip_message_t m;
        m.role = "user";
        m.content = r->input;
        m.raw_json = NULL;
        if (!first) {
            put(o, ",", 1);
        }
        message(o, &m);
        first = 0;
    }
    for (i = 0; i < r->noutputs; i++) {
        if (!first) {
            put(o, ",", 1);
        }
        puts_(o, "{\"role\":\"tool\",\"tool_call_id\":");
        put_cstr(o, r->outputs[i].call_id);
        puts_(o, ",\"content\":");
        put_cstr(o, r->outputs[i].output);
        put(o, "}", 1);
        first = 0;
    }
    put(o, "]", 1);
    if (r->ntools > 0) {
        tools(o, r, 1);
    }
    tool_choice(o, r, 1);
    if (r->max_output_tokens > 0) {
        key(o, "max_completion_tokens");
        put_u64(o, (uint32_t)r->max_output_tokens);
    }
    kv_str(o, "reasoning_effort", r->reasoning_effort);
    if (r->store != DRIP_FLAG_UNSET) {
        kv_bool(o, "store", r->store == DRIP_FLAG_TRUE);
    }
    if (r->include_usage || r->include_obfuscation != DRIP_FLAG_UNSET) {
        key(o, "stream_options");
        put(o, "{", 1);
        if (r->include_usage) {
            puts_(o, "\"include_usage\":true");
        }
        if (r->include_obfuscation != DRIP_FLAG_UNSET) {
            puts_(o, r->include_usage ? "," : "");
            puts_(o, r->include_obfuscation == DRIP_FLAG_TRUE ? "\"include_obfuscation\":true"
                                                              : "\"include_obfuscation\":false");
        }
        put(o, "}", 1);
    }
}

/* NUL-terminate and report the size, or the size needed. */
static drip_err_t finish(out_t *o, size_t *len)
{
    put(o, "", 1); /* the NUL counts toward what is needed */
    if (o->len > o->cap) {
        *len = o->len;
        if (o->cap > 0) {
            o->buf[0] = '\0'; /* never leave a cut request that looks whole */
        }
        return DRIP_ERR_REQUEST_TOO_LARGE;
    }
    o->buf[o->len - 1u] = '\0';
    *len = o->len - 1u;
    return DRIP_OK;
}

static int strings_ok(const drip_request_t *r)
{
    size_t i;
    /* Arrays first: a count with a NULL array must not be walked. */
    if ((r->nmessages != 0 && r->messages == NULL) || (r->ntools != 0 && r->tools == NULL) ||
        (r->noutputs != 0 && r->outputs == NULL)) {
        return 0;
    }
    for (i = 0; i < r->ntools; i++) {
        if (r->tools[i].name == NULL) {
            return 0;
        }
    }
    for (i = 0; i < r->noutputs; i++) {
        if (r->outputs[i].call_id == NULL || r->outputs[i].output == NULL) {
            return 0;
        }
    }
    return 1;
}

/* A model name is an identifier: a control byte in it is a caller's bug or
 * an attack through a configuration field, never a model. */
static int model_safe(const char *s)
{
    if (*s == '\0') {
        return 0;
    }
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20u || *s == 0x7f) {
            return 0;
        }
    }
    return 1;
}

/* Identifiers of a speech request (voice, formats): a control byte is a
 * caller's bug or an attack through a configuration field, as for model. */
static int ident_safe(const char *s)
{
    return s == NULL || (*s != '\0' && model_safe(s));
}

/* POST /audio/speech (openai.md section 11). Decision: a voice named
 * "voice_..." is a custom voice id, sent as {"id":...}; speed is checked
 * here (0.25..4) so a bad value costs no round trip. */
static drip_err_t body_speech(const drip_request_t *r, out_t *o)
{
    if (r->input == NULL || r->voice == NULL || (r->speed_milli != 0 && (r->speed_milli < 250u ||
                                                                         r->speed_milli > 4000u))) {
        return DRIP_ERR_ARG;
    }
    if (!model_safe(r->model) || r->voice[0] == '\0' || !ident_safe(r->voice) ||
        !ident_safe(r->response_format) || !ident_safe(r->stream_format)) {
        return DRIP_ERR_REQUEST_MODEL;
    }
    puts_(o, "{\"model\":");
    put_cstr(o, r->model);
    kv_str(o, "input", r->input);
    key(o, "voice");
    if (strncmp(r->voice, "voice_", 6) == 0) {
        puts_(o, "{\"id\":");
        put_cstr(o, r->voice);
        put(o, "}", 1);
    } else {
        put_cstr(o, r->voice);
    }
    kv_str(o, "instructions", r->instructions);
    kv_str(o, "response_format", r->response_format);
    if (r->speed_milli != 0) {
        key(o, "speed");
        put_milli(o, r->speed_milli);
    }
    kv_str(o, "stream_format", r->stream_format);
    put(o, "}", 1);
    return DRIP_OK;
}

const char *drip_request_path(const drip_request_t *r)
{
    if (r != NULL && r->api == DRIP_API_SPEECH) {
        return "/audio/speech";
    }
    return r != NULL && r->api == DRIP_API_CHAT ? "/chat/completions" : "/responses";
}

/* Response ids go into a path: allow only the characters they are made of. */
static int id_ok(const char *id)
{
    size_t i;
    for (i = 0; id[i] != '\0'; i++) {
        char ch = id[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-')) {
            return 0;
        }
    }
    return i > 0 && i <= DRIP_ID_MAX;
}

/* "/responses/{id}" + tail (+ "&starting_after=N" when after >= 0). */
static drip_err_t id_path(char *out, size_t cap, const char *id, const char *tail, int64_t after)
{
    out_t o;
    size_t len;
    if (out == NULL || id == NULL || !id_ok(id)) {
        return DRIP_ERR_ARG;
    }
    o.buf = out;
    o.cap = cap;
    o.len = 0;
    puts_(&o, "/responses/");
    puts_(&o, id);
    puts_(&o, tail);
    if (after >= 0) {
        puts_(&o, "&starting_after=");
        put_u64(&o, (uint64_t)after);
    }
    return finish(&o, &len);
}

drip_err_t drip_request_resume_path(char *out, size_t cap, const char *id, int64_t after)
{
    return id_path(out, cap, id, "?stream=true", after);
}

drip_err_t drip_request_cancel_path(char *out, size_t cap, const char *id)
{
    return id_path(out, cap, id, "/cancel", -1);
}

const char *drip_request_accept(const drip_request_t *r)
{
    if (r != NULL && r->api == DRIP_API_SPEECH &&
        (r->stream_format == NULL || strcmp(r->stream_format, "sse") != 0)) {
        return "*/*"; /* the body is the audio, in response_format */
    }
    return "text/event-stream";
}

drip_err_t drip_request_body(const drip_request_t *r, char *buf, size_t cap, size_t *len)
{
    out_t o;
    if (r != NULL && r->api == DRIP_API_SPEECH) {
        drip_err_t e;
        if (len == NULL || (buf == NULL && cap > 0) || r->model == NULL) {
            return DRIP_ERR_ARG;
        }
        o.buf = buf;
        o.cap = cap;
        o.len = 0;
        e = body_speech(r, &o);
        return e != DRIP_OK ? e : finish(&o, len);
    }
    if (r == NULL || len == NULL || (buf == NULL && cap > 0) || r->model == NULL || !strings_ok(r) ||
        (unsigned)r->store > DRIP_FLAG_FALSE || (unsigned)r->include_obfuscation > DRIP_FLAG_FALSE) {
        return DRIP_ERR_ARG;
    }
    if (!model_safe(r->model)) {
        return DRIP_ERR_REQUEST_MODEL;
    }
    o.buf = buf;
    o.cap = cap;
    o.len = 0;
    puts_(&o, "{\"model\":");
    put_cstr(&o, r->model);
    if (r->api == DRIP_API_CHAT) {
        body_chat(&o, r);
    } else {
        body_responses(&o, r);
    }
    if (r->has_temperature) {
        key(&o, "temperature");
        put_milli(&o, r->temperature_milli);
    }
    puts_(&o, ",\"stream\":true}");
    return finish(&o, len);
}

drip_err_t drip_request_json_string(const char *s, size_t n, char *buf, size_t cap, size_t *len)
{
    out_t o;
    if (s == NULL || len == NULL || (buf == NULL && cap > 0)) {
        return DRIP_ERR_ARG;
    }
    o.buf = buf;
    o.cap = cap;
    o.len = 0;
    put_str(&o, s, n);
    return finish(&o, len);
}

/* RFC 9110 5.6.2 tchar: what a header name (and the auth header's name) may
 * hold. Anything else could end the name early or split the line. */
static int is_tchar(unsigned char c)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";
    return (c >= '0' && c <= '9') || ((c | 0x20u) >= 'a' && (c | 0x20u) <= 'z') ||
           (c != '\0' && memchr(extra, c, sizeof extra - 1u) != NULL);
}

static int name_safe(const char *s)
{
    if (s == NULL) {
        return 1;
    }
    if (*s == '\0') {
        return 0;
    }
    for (; *s != '\0'; s++) {
        if (!is_tchar((unsigned char)*s)) {
            return 0;
        }
    }
    return 1;
}

/* A header value (RFC 9110 5.5): visible bytes, SP, HTAB and obs-text; no
 * other control byte. CR or LF would end the header and start another one
 * chosen by whoever wrote the value (header injection). */
static int value_safe(const char *s)
{
    if (s == NULL) {
        return 1;
    }
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20u && c != '\t') || c == 0x7fu) {
            return 0;
        }
    }
    return 1;
}

/* Request-target and Host: visible ASCII only (RFC 9112 3.2: no space or
 * control byte, which would split the request line or the header). */
static int token_safe(const char *s)
{
    if (s == NULL) {
        return 1;
    }
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20u || c >= 0x7fu) {
            return 0;
        }
    }
    return 1;
}

static int headers_safe(const drip_endpoint_t *ep)
{
    size_t i;
    if (!name_safe(ep->auth_name) || !value_safe(ep->auth_value) || !value_safe(ep->user_agent)) {
        return 0;
    }
    for (i = 0; i < ep->nheaders; i++) {
        const drip_header_t *h = &ep->headers[i];
        if (h->name == NULL || h->value == NULL || !name_safe(h->name) || !value_safe(h->value)) {
            return 0;
        }
    }
    return 1;
}

static void header(out_t *o, const char *name, const char *value)
{
    puts_(o, name);
    put(o, ": ", 2);
    puts_(o, value);
    put(o, "\r\n", 2);
}

drip_err_t drip_request_head(const drip_endpoint_t *ep, const char *method, const char *path,
                             size_t body_len, char *buf, size_t cap, size_t *len)
{
    return drip_request_head_accept(ep, method, path, NULL, body_len, buf, cap, len);
}

drip_err_t drip_request_head_accept(const drip_endpoint_t *ep, const char *method, const char *path,
                                    const char *accept, size_t body_len, char *buf, size_t cap,
                                    size_t *len)
{
    out_t o;
    size_t i;
    if (ep == NULL || ep->host == NULL || method == NULL || path == NULL || len == NULL ||
        (buf == NULL && cap > 0) || ep->host[0] == '\0' || (ep->nheaders != 0 && ep->headers == NULL) ||
        !token_safe(method) || (body_len != (size_t)-1 && body_len > UINT32_MAX)) {
        return DRIP_ERR_ARG;
    }
    /* Checked before a byte is written: a refused request leaves nothing to send. */
    if (!token_safe(ep->host) || !token_safe(ep->path_prefix) || !token_safe(path)) {
        return DRIP_ERR_REQUEST_TARGET;
    }
    if (!headers_safe(ep) || !value_safe(accept)) {
        return DRIP_ERR_REQUEST_HEADER;
    }
    o.buf = buf;
    o.cap = cap;
    o.len = 0;
    puts_(&o, method);
    put(&o, " ", 1);
    if (ep->path_prefix != NULL) {
        puts_(&o, ep->path_prefix);
    }
    puts_(&o, path);
    puts_(&o, " HTTP/1.1\r\nHost: ");
    puts_(&o, ep->host);
    if (ep->port != 443 && ep->port != 0) {
        put(&o, ":", 1);
        put_u64(&o, ep->port);
    }
    put(&o, "\r\n", 2);
    if (ep->auth_name != NULL && ep->auth_value != NULL) {
        header(&o, ep->auth_name, ep->auth_value);
    }
    header(&o, "User-Agent", ep->user_agent != NULL ? ep->user_agent : "dripfeed/" DRIP_VERSION_STRING);
    header(&o, "Accept", accept != NULL ? accept : "text/event-stream");
    header(&o, "Accept-Encoding", "identity");
    if (body_len != (size_t)-1) {
        header(&o, "Content-Type", "application/json");
        puts_(&o, "Content-Length: ");
        put_u64(&o, (uint32_t)body_len);
        put(&o, "\r\n", 2);
    }
    for (i = 0; i < ep->nheaders; i++) {
        header(&o, ep->headers[i].name, ep->headers[i].value);
    }
    put(&o, "\r\n", 2);
    return finish(&o, len);
}

/* Decision: only what a device needs to reach OpenAI or a relay: scheme,
 * host (an IPv6 literal in brackets), optional port, a path prefix. Views,
 * no copies; no user info or query handling (such bytes stay in the host or
 * prefix, where DNS, verification or the server refuse them). */
drip_err_t drip_request_url(const char *url, drip_url_t *out)
{
    const char *p, *h, *hend, *path;
    if (url == NULL || out == NULL) {
        return DRIP_ERR_ARG;
    }
    memset(out, 0, sizeof *out);
    if (!token_safe(url)) {
        return DRIP_ERR_REQUEST_TARGET;
    }
    if (strncmp(url, "https://", 8) == 0) {
        out->tls = 1;
        out->port = 443;
        p = url + 8;
    } else if (strncmp(url, "http://", 7) == 0) {
        out->port = 80;
        p = url + 7;
    } else {
        return DRIP_ERR_REQUEST_TARGET;
    }
    for (path = p; *path != '\0' && *path != '/'; path++) {
    }
    if (*p == '[') {
        h = p + 1;
        for (hend = h; hend < path && *hend != ']'; hend++) {
        }
        if (hend == path) {
            return DRIP_ERR_REQUEST_TARGET;
        }
        p = hend + 1;
    } else {
        h = p;
        for (hend = h; hend < path && *hend != ':'; hend++) {
        }
        p = hend;
    }
    if (hend == h) {
        return DRIP_ERR_REQUEST_TARGET;
    }
    if (*p == ':') {
        const char *q = p + 1;
        uint32_t v = 0;
        while (q < path && *q >= '0' && *q <= '9' && v <= 65535u) {
            v = v * 10u + (uint32_t)(*q++ - '0');
        }
        if (q != path || q == p + 1 || v == 0 || v > 65535u) {
            return DRIP_ERR_REQUEST_TARGET;
        }
        out->port = (uint16_t)v;
    } else if (p != path) {
        return DRIP_ERR_REQUEST_TARGET;
    }
    out->host.p = h;
    out->host.n = (size_t)(hend - h);
    out->prefix.p = path;
    out->prefix.n = strlen(path);
    while (out->prefix.n > 0 && path[out->prefix.n - 1] == '/') {
        out->prefix.n--;
    }
    return DRIP_OK;
}
