/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_request: the request writer, escaped and read back.
 *
 * Input: [cap byte][flags byte][api/number byte] then text.
 *   1. drip_request_json_string() of the whole text (NULs included): asked
 *      for the size with no buffer, written into exactly that size, and into
 *      a smaller buffer (cap byte) that must be refused, never overrun
 *      (guard bytes) and left as "". The literal must parse back with jsmn
 *      (strict) as one string token spanning it, hold no raw control byte,
 *      and drip_json_unescape() must give back the text with every invalid
 *      UTF-8 byte replaced by U+FFFD (a table-driven reference here,
 *      Unicode 15 table 3-7), as the comment atop drip_request.c promises.
 *   2. The text split at NUL bytes fills a request (model, input,
 *      instructions, a message, a tool, a call output, tool choice, ...):
 *      drip_request_body() must give one JSON object (jsmn strict, all of
 *      it) whose "model" reads back as the sanitised model; an empty model
 *      or one holding a control byte is refused (DRIP_ERR_REQUEST_MODEL).
 *   3. The same pieces as host, path prefix, path, auth, user agent and an
 *      extra header's name and value: drip_request_head() refuses exactly
 *      the values that could split a line or a header (the rules written
 *      here again: targets visible ASCII, names RFC 9110 tokens, values
 *      without control bytes but HTAB), and what it writes
 *      is a request line and exactly the expected number of header lines
 *      ending in one empty line: nothing can be smuggled in.
 */
#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

#include <dripfeed/drip_json.h>
#include <dripfeed/drip_request.h>

#include "fuzz_common.h"

#define CTRL 3u

/* ---- reference: invalid UTF-8 bytes become U+FFFD ---------------------- */

/* Length of a well-formed sequence at p (Unicode table 3-7), 0 if none. */
static size_t wf_len(const uint8_t *p, size_t n)
{
    uint8_t c = p[0], lo = 0x80u, hi = 0xBFu;
    size_t k, i;
    if (c <= 0x7Fu) {
        return 1;
    }
    if (c >= 0xC2u && c <= 0xDFu) {
        k = 2;
    } else if (c >= 0xE0u && c <= 0xEFu) {
        k = 3;
        if (c == 0xE0u) {
            lo = 0xA0u;
        } else if (c == 0xEDu) {
            hi = 0x9Fu;
        }
    } else if (c >= 0xF0u && c <= 0xF4u) {
        k = 4;
        if (c == 0xF0u) {
            lo = 0x90u;
        } else if (c == 0xF4u) {
            hi = 0x8Fu;
        }
    } else {
        return 0;
    }
    if (n < k || p[1] < lo || p[1] > hi) {
        return 0;
    }
    for (i = 2; i < k; i++) {
        if (p[i] < 0x80u || p[i] > 0xBFu) {
            return 0;
        }
    }
    return k;
}

/* The text as the writer must send it; out has room for 3n bytes. */
static size_t sanitise(const uint8_t *p, size_t n, uint8_t *out)
{
    size_t i = 0, w = 0;
    while (i < n) {
        size_t k = wf_len(p + i, n - i);
        if (k == 0) {
            out[w++] = 0xEF;
            out[w++] = 0xBF;
            out[w++] = 0xBD;
            i++;
        } else {
            memcpy(out + w, p + i, k);
            w += k;
            i += k;
        }
    }
    return w;
}

/* ---- 1: one JSON string ------------------------------------------------ */

static void one_string(const uint8_t *text, size_t n, size_t small)
{
    size_t need = 0, len = 0, slen, i;
    char *buf;
    uint8_t *want = (uint8_t *)malloc(3u * n + 1u);
    jsmn_parser jp;
    jsmntok_t tok[2];
    int r, e;

    e = drip_request_json_string((const char *)text, n, NULL, 0, &need);
    FZ_CHECK(e == DRIP_ERR_REQUEST_TOO_LARGE && need >= 3u, "size query: %d, need %zu", e, need);

    /* a buffer one byte too small, or smaller, is refused and left as "" */
    if (small >= need) {
        small = need - 1u;
    }
    buf = (char *)malloc(small + FZ_GUARD);
    memset(buf, 'x', small);
    fz_guard_set(buf + small, FZ_GUARD);
    e = drip_request_json_string((const char *)text, n, buf, small, &len);
    fz_guard_check(buf + small, FZ_GUARD, "a buffer too small for the string");
    FZ_CHECK(e == DRIP_ERR_REQUEST_TOO_LARGE && len == need,
             "cap %zu of %zu: %d, len %zu", small, need, e, len);
    FZ_CHECK(small == 0 || buf[0] == '\0', "a refused buffer does not start with NUL");
    free(buf);

    /* exactly the size asked for */
    buf = (char *)malloc(need + FZ_GUARD);
    fz_guard_set(buf + need, FZ_GUARD);
    e = drip_request_json_string((const char *)text, n, buf, need, &len);
    fz_guard_check(buf + need, FZ_GUARD, "the string buffer");
    FZ_CHECK(e == DRIP_OK && len + 1u == need && buf[len] == '\0', "write: %d, len %zu, need %zu",
             e, len, need);
    FZ_CHECK(buf[0] == '"' && buf[len - 1u] == '"', "not a quoted literal");
    for (i = 0; i < len; i++) {
        FZ_CHECK((uint8_t)buf[i] >= 0x20u, "raw control byte 0x%02x at %zu of the literal",
                 (uint8_t)buf[i], i);
    }

    jsmn_init(&jp);
    r = jsmn_parse(&jp, buf, len, tok, 2);
    FZ_CHECK(r == 1 && tok[0].type == JSMN_STRING && tok[0].start == 1 &&
                 (size_t)tok[0].end == len - 1u,
             "jsmn reads the literal as %d tokens (type %d, %d..%d of %zu)", r,
             r > 0 ? (int)tok[0].type : -1, r > 0 ? tok[0].start : -1, r > 0 ? tok[0].end : -1, len);

    e = drip_json_unescape(buf + 1, len - 2u, &slen);
    FZ_CHECK(e == DRIP_OK, "the literal does not unescape: %d", e);
    {
        size_t wl = sanitise(text, n, want);
        if (slen != wl || (wl > 0 && memcmp(buf + 1, want, wl) != 0)) {
            size_t k = 0;
            while (k < slen && k < wl && (uint8_t)buf[1 + k] == want[k]) {
                k++;
            }
            FZ_CHECK(0, "read back %zu bytes, want %zu; first difference at byte %zu", slen, wl, k);
        }
    }
    free(buf);
    free(want);
}

/* ---- 2 and 3: body and head --------------------------------------------- */

#define NF 16

/* Split at NULs into at most NF fields (each NUL-terminated in its copy). */
static size_t fields(const uint8_t *text, size_t n, char *copy, const char **f)
{
    size_t k = 0, i, start = 0;
    memcpy(copy, text, n);
    copy[n] = '\0';
    for (i = 0; i <= n && k < NF; i++) {
        if (i == n || copy[i] == '\0') {
            f[k++] = copy + start;
            start = i + 1u;
        }
    }
    return k;
}

static const char *opt(const char **f, size_t nf, size_t i, unsigned flags)
{
    return (i < nf && (flags & (1u << (i % 8u)))) ? f[i] : NULL;
}

static int model_ok(const char *s)
{
    if (*s == '\0') {
        return 0;
    }
    for (; *s != '\0'; s++) {
        if ((uint8_t)*s < 0x20u || (uint8_t)*s == 0x7fu) {
            return 0;
        }
    }
    return 1;
}

static void body(const char **f, size_t nf, uint8_t flags, uint8_t num)
{
    drip_request_t rq;
    drip_message_t msg[2];
    drip_tool_t tool;
    drip_call_output_t out;
    size_t need = 0, len = 0, ml;
    char *buf;
    jsmn_parser jp;
    jsmntok_t *tok;
    int r, e, i, model = -1;
    unsigned nt;

    memset(&rq, 0, sizeof rq);
    rq.api = (num & 1u) ? DRIP_API_CHAT : DRIP_API_RESPONSES;
    rq.model = f[0];
    rq.input = opt(f, nf, 1, flags | 2u);
    rq.instructions = opt(f, nf, 2, flags);
    rq.previous_response_id = opt(f, nf, 3, flags);
    if (nf > 5 && (flags & 0x10u)) {
        msg[0].role = f[4];
        msg[0].content = f[5];
        msg[0].raw_json = NULL;
        msg[1].role = NULL; /* "user" */
        msg[1].content = NULL; /* "" */
        msg[1].raw_json = NULL;
        rq.messages = msg;
        rq.nmessages = (flags & 0x20u) ? 2u : 1u;
    }
    if (nf > 7 && (flags & 0x40u)) {
        tool.name = f[6];
        tool.description = opt(f, nf, 7, flags | 0x80u);
        tool.parameters = (num & 2u) ? "{\"type\":\"object\"}" : NULL;
        tool.strict = (num >> 2) & 1;
        rq.tools = &tool;
        rq.ntools = 1;
    }
    if (nf > 9 && (flags & 0x80u)) {
        out.call_id = f[8];
        out.output = f[9];
        rq.outputs = &out;
        rq.noutputs = 1;
    }
    rq.tool_choice = nf > 10 ? ((num & 8u) ? "auto" : f[10]) : NULL;
    rq.reasoning_effort = opt(f, nf, 11, flags);
    rq.reasoning_summary = opt(f, nf, 12, flags);
    rq.max_output_tokens = (num & 0x10u) ? (int32_t)(0x7FFFFFF0u >> (num & 7u)) : 0;
    rq.temperature_milli = (uint16_t)(num * 131u + flags);
    rq.has_temperature = (uint8_t)((num & 0x20u) != 0);
    rq.store = (drip_flag_t)((num >> 6) % 3u);
    rq.background = (uint8_t)(flags & 1u);
    rq.include_obfuscation = (drip_flag_t)((flags >> 1) % 3u);
    rq.include_usage = (uint8_t)((flags >> 3) & 1u);

    e = drip_request_body(&rq, NULL, 0, &need);
    if (!model_ok(f[0])) {
        FZ_CHECK(e == DRIP_ERR_REQUEST_MODEL, "model with a control byte: %d", e);
        return;
    }
    FZ_CHECK(e == DRIP_ERR_REQUEST_TOO_LARGE, "body size query: %d", e);
    buf = (char *)malloc(need + FZ_GUARD);
    fz_guard_set(buf + need, FZ_GUARD);
    e = drip_request_body(&rq, buf, need, &len);
    fz_guard_check(buf + need, FZ_GUARD, "the body buffer");
    FZ_CHECK(e == DRIP_OK && len + 1u == need && buf[len] == '\0', "body: %d len %zu need %zu", e,
             len, need);

    nt = (unsigned)len + 1u;
    tok = (jsmntok_t *)malloc(nt * sizeof *tok);
    jsmn_init(&jp);
    r = jsmn_parse(&jp, buf, len, tok, nt);
    if (r < 1 || tok[0].type != JSMN_OBJECT || tok[0].start != 0 || (size_t)tok[0].end != len) {
        fprintf(stderr, "body: %.*s\n", (int)(len > 2000 ? 2000 : len), buf);
        FZ_CHECK(0, "the body is not one JSON object: jsmn %d", r);
    }
    /* top-level "model": the first key */
    for (i = 1; i + 1 < r; i++) {
        if (tok[i].type == JSMN_STRING && tok[i].end - tok[i].start == 5 &&
            memcmp(buf + tok[i].start, "model", 5) == 0) {
            model = i + 1;
            break;
        }
    }
    FZ_CHECK(model == 2 && tok[model].type == JSMN_STRING, "no \"model\" first in the body");
    e = drip_json_unescape(buf + tok[model].start, (size_t)(tok[model].end - tok[model].start), &ml);
    FZ_CHECK(e == DRIP_OK, "model does not unescape");
    {
        size_t n = strlen(f[0]);
        uint8_t *want = (uint8_t *)malloc(3u * n + 1u);
        size_t wl = sanitise((const uint8_t *)f[0], n, want);
        FZ_CHECK(ml == wl && (wl == 0 || memcmp(buf + tok[model].start, want, wl) == 0),
                 "model reads back differently");
        free(want);
    }
    free(tok);
    free(buf);
}

static int visible(const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        if ((uint8_t)*s <= 0x20u || (uint8_t)*s >= 0x7fu) {
            return 0;
        }
    }
    return 1;
}

/* RFC 9110 token */
static int token(const char *s)
{
    if (s == NULL) {
        return 1;
    }
    if (*s == '\0') {
        return 0;
    }
    for (; *s != '\0'; s++) {
        uint8_t c = (uint8_t)*s;
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL))) {
            return 0;
        }
    }
    return 1;
}

/* field value: no control byte but HTAB */
static int field(const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        uint8_t c = (uint8_t)*s;
        if ((c < 0x20u && c != '\t') || c == 0x7fu) {
            return 0;
        }
    }
    return 1;
}

static void head(const char **f, size_t nf, uint8_t flags, uint8_t num)
{
    drip_endpoint_t ep;
    const char *method = (num & 1u) ? "GET" : "POST";
    const char *path;
    size_t body_len = (flags & 4u) ? (size_t)-1 : (size_t)num * 977u;
    size_t need = 0, len = 0, i, lines = 0, want_lines;
    int e, target_ok, headers_ok;
    drip_header_t hdr;
    char *buf;

    memset(&ep, 0, sizeof ep);
    ep.host = f[0];
    ep.port = (uint16_t)(num * 257u);
    ep.path_prefix = opt(f, nf, 1, flags);
    path = nf > 2 ? f[2] : "/responses";
    ep.auth_name = opt(f, nf, 3, flags);
    ep.auth_value = nf > 4 ? f[4] : NULL;
    ep.user_agent = opt(f, nf, 5, flags);
    if (nf > 7 && (flags & 0x40u)) {
        hdr.name = f[6];
        hdr.value = f[7];
        ep.headers = &hdr;
        ep.nheaders = 1;
    }

    target_ok = visible(ep.host) && visible(ep.path_prefix) && visible(path);
    headers_ok = token(ep.auth_name) && field(ep.auth_value) && field(ep.user_agent) &&
                 (ep.nheaders == 0 || (token(hdr.name) && field(hdr.value)));
    e = drip_request_head(&ep, method, path, body_len, NULL, 0, &need);
    if (ep.host[0] == '\0') {
        FZ_CHECK(e == DRIP_ERR_ARG, "empty host: %d, not DRIP_ERR_ARG", e);
        return;
    }
    if (!target_ok) {
        FZ_CHECK(e == DRIP_ERR_REQUEST_TARGET, "unsafe host or path: %d", e);
        return;
    }
    if (!headers_ok) {
        FZ_CHECK(e == DRIP_ERR_REQUEST_HEADER, "unsafe header: %d", e);
        return;
    }
    FZ_CHECK(e == DRIP_ERR_REQUEST_TOO_LARGE, "head size query: %d", e);
    buf = (char *)malloc(need + FZ_GUARD);
    fz_guard_set(buf + need, FZ_GUARD);
    e = drip_request_head(&ep, method, path, body_len, buf, need, &len);
    fz_guard_check(buf + need, FZ_GUARD, "the head buffer");
    FZ_CHECK(e == DRIP_OK && len + 1u == need && buf[len] == '\0', "head: %d", e);

    /* CR only in CRLF, LF only after CR; the first empty line ends it all */
    for (i = 0; i < len; i++) {
        if (buf[i] == '\r') {
            FZ_CHECK(i + 1 < len && buf[i + 1] == '\n', "bare CR at %zu", i);
        } else if (buf[i] == '\n') {
            FZ_CHECK(i > 0 && buf[i - 1] == '\r', "bare LF at %zu", i);
            lines++;
            if (i >= 3 && buf[i - 2] == '\n') {
                FZ_CHECK(i + 1 == len, "an empty line before the end of the head (at %zu of %zu)", i,
                         len);
            }
        }
    }
    FZ_CHECK(len >= 4 && memcmp(buf + len - 4, "\r\n\r\n", 4) == 0, "head does not end in CRLF CRLF");
    /* request line, Host, [auth], User-Agent, Accept, Accept-Encoding,
     * [Content-Type, Content-Length], extras, the empty line */
    want_lines = 1u + 1u + (ep.auth_name != NULL && ep.auth_value != NULL) + 3u +
                 (body_len != (size_t)-1 ? 2u : 0u) + ep.nheaders + 1u;
    FZ_CHECK(lines == want_lines, "head has %zu lines, want %zu", lines, want_lines);
    {
        size_t ml = strlen(method);
        FZ_CHECK(memcmp(buf, method, ml) == 0 && buf[ml] == ' ', "request line");
        FZ_CHECK(memchr(buf + ml + 1, ' ', (size_t)(strstr(buf, "\r\n") - buf) - ml - 1) != NULL &&
                     memcmp(strstr(buf, "\r\n") - 9, " HTTP/1.1", 9) == 0,
                 "request line is not METHOD SP target SP HTTP/1.1");
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
    const uint8_t *text;
    size_t n, nf;
    char *copy;
    const char *f[NF];

    if (size < CTRL) {
        return 0;
    }
    text = in + CTRL;
    n = size - CTRL;
    one_string(text, n, in[0]);
    copy = (char *)malloc(n + 1u);
    nf = fields(text, n, copy, f);
    body(f, nf, in[1], in[2]);
    head(f, nf, in[1], in[2]);
    free(copy);
    return 0;
}
