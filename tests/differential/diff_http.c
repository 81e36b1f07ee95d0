/* SPDX-License-Identifier: Apache-2.0 */
/* Differential test: HTTP/1.1 response bodies as decoded by dripfeed
 * (core/src/drip_http.c) and by Debian's http-parser 2.9 (libhttp-parser-dev,
 * the parser inside ESP-IDF's esp_http_client).
 *
 *   diff_http [--cases N] [--seed S] [--case I [--dump FILE]] [--verbose]
 *
 * A seeded generator writes HTTP/1.1 responses: chunked bodies (sizes in hex
 * of either case with leading zeros, extensions, trailers, CRLF or bare LF),
 * Content-Length bodies, both headers, close-delimited bodies, with injected
 * faults (bad sizes, overflow, missing CRLF, truncation, ...). Every other
 * case is instead a valid response with random byte edits ("fuzzed").
 *
 * Each input goes to http-parser whole and to dripfeed whole and at random
 * split points. Both accept with byte-identical bodies, or both reject;
 * every other outcome must fall into one of the named categories below, each
 * a deliberate difference written down in tests/differential/README.md, and
 * each recognised from the input itself, not just from an error code. The
 * run fails on an unclassified difference, on any case both accept with
 * different bodies, and on dripfeed giving different results at different
 * splits. Counts per category are printed.
 *
 * Built with -DDIFF_HTTP_FUZZER it is a libFuzzer target instead (no main):
 * the same comparison on the fuzzer's bytes, abort() on a failure. */
#include <http_parser.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dripfeed/drip_http.h"

#define MAX_IN (512u * 1024u)

/* ------------------------------------------------------------------------ */
/* Outcome categories                                                       */
/* ------------------------------------------------------------------------ */

enum cat {
    /* agreement */
    C_SAME_BODY,       /* both accept, same bytes */
    C_BOTH_REJECT,     /* both reject */
    /* deliberate: dripfeed rejects, http-parser accepts */
    C_BARE_LF_CHUNKED, /* bare LF ending a chunk line or the chunked body */
    C_EXT_BARE_LF,     /* bare LF inside a chunk extension */
    C_SIZE_WS_JUNK,    /* whitespace after the size not followed by ';' */
    C_TRAILER_SYNTAX,  /* malformed trailer line */
    C_OBS_FOLD,        /* obsolete line folding in the head */
    C_STATUS_LINE,     /* status line outside HTTP/1.[01] SP 3DIGIT */
    C_HEADER_SYNTAX,   /* header line without a colon, CTL in a name */
    C_FIELD_NUL,       /* NUL as the first byte of a header value */
    C_CODING,          /* a coding other than chunked: dripfeed cannot decode */
    C_SIZE_HIGH_BYTE,  /* a byte >= 0x80 in the size: http-parser reads 0 */
    C_KEPT_HEADER_LONG, /* a header dripfeed keeps is longer than its buffer */
    C_CR_NOT_LF,       /* CR followed by another byte than LF */
    C_DATA_NO_CRLF,    /* chunk data not followed by CRLF */
    /* deliberate: dripfeed accepts, http-parser rejects */
    C_TE_AND_CL,       /* chunked + Content-Length: TE wins (RFC 9112 6.3) */
    C_CL_LIST,         /* "5, 5" or repeated identical Content-Length */
    C_EXT_TAB_BWS,     /* HTAB before ';' in a chunk extension (BWS) */
    C_NAME_NOT_TOKEN,  /* a header name byte outside RFC 9110's token */
    C_VALUE_CTL,       /* a CTL in a header value dripfeed skips */
    C_TRAILER_SKIPPED, /* trailer content dripfeed skips unvalidated */
    C_LINE_LIMIT_80K,  /* http-parser's 80 KiB header/chunk-line limit */
    /* deliberate: both accept, different framing */
    C_OWS_TAB,         /* HTAB after "chunked" or a Content-Length value */
    C_TE_LIST,         /* "chunked, chunked", ",chunked": http-parser reads to close */
    /* failures */
    C_BODY_MISMATCH,   /* both accept, different bytes: never allowed */
    C_SPLIT_MISMATCH,  /* dripfeed differs between splits: never allowed */
    C_UNCLASSIFIED,    /* a difference with no category */
    C_COUNT
};

static const char *const k_cat_name[] = {
    "same_body", "both_reject",
    "bare_lf_chunked", "ext_bare_lf", "size_ws_junk", "trailer_syntax",
    "obs_fold", "status_line", "header_syntax", "field_nul", "coding",
    "size_high_byte", "kept_header_long", "cr_not_lf", "data_no_crlf",
    "te_and_cl", "cl_list", "ext_tab_bws", "name_not_token", "value_ctl", "trailer_skipped",
    "line_limit_80k", "ows_tab", "te_list",
    "BODY_MISMATCH", "SPLIT_MISMATCH", "UNCLASSIFIED"};
typedef char k_cat_names_complete[sizeof k_cat_name / sizeof k_cat_name[0] == C_COUNT ? 1 : -1];

static int cat_fails(int c)
{
    return c >= C_BODY_MISMATCH;
}

/* ------------------------------------------------------------------------ */
/* The two parsers                                                          */
/* ------------------------------------------------------------------------ */

typedef struct {
    int accept;      /* a complete final response */
    int err;         /* dripfeed error or http_errno; 0 when accepted */
    size_t err_off;  /* offset of the offending byte (len at EOF) */
    int head_done;   /* the final head was read */
    int in_trailer;  /* the last chunk was read (http-parser) */
    int chunked;     /* the final head chose chunked framing */
    int status;
    drip_http_head_t head; /* dripfeed's head */
    size_t body_end; /* offset just past the last body byte (dripfeed) */
    size_t body_len;
    uint8_t *body;
} res_t;

static void res_init(res_t *r, uint8_t *bodybuf)
{
    memset(r, 0, sizeof *r);
    r->body = bodybuf;
}

static void body_add(res_t *r, const uint8_t *p, size_t n)
{
    if (r->body_len + n > MAX_IN) {
        fprintf(stderr, "diff_http: body larger than the input?\n");
        abort();
    }
    memcpy(r->body + r->body_len, p, n);
    r->body_len += n;
}

/* dripfeed, fed in pieces ending at cuts[0..ncut) (ascending, < len). */
static void run_drip(const uint8_t *in, size_t len, const size_t *cuts, size_t ncut, res_t *r)
{
    drip_http_t h;
    size_t off = 0, k;

    drip_http_init(&h);
    for (k = 0; k <= ncut; k++) {
        size_t end = k < ncut ? cuts[k] : len;
        while (off < end) {
            size_t used = 0;
            int rc = drip_http_feed(&h, in + off, end - off, &used);
            if (rc < 0 && rc != DRIP_AGAIN) {
                r->err = rc;
                r->err_off = off + used;
                return;
            }
            off += used;
            if (rc == DRIP_HTTP_HEAD) {
                r->head_done = 1;
                r->head = h.head;
                r->status = h.head.status;
                r->chunked = h.head.chunked;
            } else if (rc == DRIP_HTTP_BODY) {
                body_add(r, h.body, h.body_len);
                r->body_end = (size_t)(h.body - in) + h.body_len;
            } else if (rc == DRIP_HTTP_DONE) {
                r->accept = 1;
                return;
            }
        }
    }
    if (drip_http_finish(&h) == DRIP_HTTP_DONE) {
        r->accept = 1;
    } else {
        r->err = DRIP_ERR_HTTP_TRUNCATED;
        r->err_off = len;
    }
}

static int hp_headers_complete(http_parser *p)
{
    res_t *r = p->data;
    r->status = (int)p->status_code;
    if (p->status_code >= 200) {
        r->head_done = 1;
        r->chunked = (p->flags & F_CHUNKED) != 0;
    }
    /* No body for 1xx, 204, 304 whatever the headers say (RFC 9110 6.4.1);
     * http-parser leaves that to the caller: 1 = skip the body. */
    return p->status_code < 200 || p->status_code == 204 || p->status_code == 304;
}

static int hp_body(http_parser *p, const char *at, size_t n)
{
    body_add(p->data, (const uint8_t *)at, n);
    return 0;
}

static int hp_chunk_header(http_parser *p)
{
    if (p->content_length == 0) {
        ((res_t *)p->data)->in_trailer = 1;
    }
    return 0;
}

static int hp_message_complete(http_parser *p)
{
    res_t *r = p->data;
    if (p->status_code < 200) {
        return 0; /* interim: the final response follows */
    }
    r->accept = 1;
    http_parser_pause(p, 1); /* later bytes are not this response's */
    return 0;
}

static void run_hp(const uint8_t *in, size_t len, res_t *r)
{
    http_parser p;
    http_parser_settings s;
    size_t n;

    memset(&s, 0, sizeof s);
    s.on_headers_complete = hp_headers_complete;
    s.on_body = hp_body;
    s.on_chunk_header = hp_chunk_header;
    s.on_message_complete = hp_message_complete;
    http_parser_init(&p, HTTP_RESPONSE);
    p.data = r;
    n = http_parser_execute(&p, &s, (const char *)in, len);
    if (r->accept) {
        return;
    }
    if (HTTP_PARSER_ERRNO(&p) != HPE_OK) {
        r->err = (int)HTTP_PARSER_ERRNO(&p);
        r->err_off = n;
        return;
    }
    http_parser_execute(&p, &s, NULL, 0); /* end of stream */
    if (!r->accept) {
        r->err = HTTP_PARSER_ERRNO(&p) != HPE_OK ? (int)HTTP_PARSER_ERRNO(&p) : HPE_INVALID_EOF_STATE;
        r->err_off = len;
    }
}

/* ------------------------------------------------------------------------ */
/* Looking at the input                                                     */
/* ------------------------------------------------------------------------ */

static int is_hex(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static uint8_t low(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* Offset just past the blank line that ends the final head (interim heads
 * are followed by "HTTP/"), or len when there is none. */
static size_t head_end(const uint8_t *in, size_t len)
{
    size_t i;
    for (i = 0; i + 1 < len; i++) {
        if (in[i] == '\n' && (in[i + 1] == '\n' || (in[i + 1] == '\r' && i + 2 < len && in[i + 2] == '\n'))) {
            size_t end = i + (in[i + 1] == '\n' ? 2u : 3u);
            if (!(end + 5 <= len && memcmp(in + end, "HTTP/", 5) == 0)) {
                return end;
            }
        }
    }
    return len;
}

/* The line at `line` (n bytes up to its end) is header `name`. */
static int name_is(const uint8_t *line, size_t n, const char *name)
{
    size_t k = strlen(name), i;
    if (n <= k || line[k] != ':') {
        return 0;
    }
    for (i = 0; i < k; i++) {
        if (low(line[i]) != (uint8_t)name[i]) {
            return 0;
        }
    }
    return 1;
}

/* The byte at o is in a field value: a colon precedes it on its line. */
static int in_value(const uint8_t *in, size_t o)
{
    while (o > 0 && in[o - 1] != '\n') {
        if (in[--o] == ':') {
            return 1;
        }
    }
    return 0;
}

/* Start of the line holding offset o. */
static size_t line_start(const uint8_t *in, size_t o)
{
    while (o > 0 && in[o - 1] != '\n') {
        o--;
    }
    return o;
}

/* The status line at s is "HTTP/1.[01] SP [1-9]DIGIT DIGIT [SP reason]"
 * ending in (CR)LF, the only form dripfeed takes (spec/http.md). */
static int status_line_ok(const uint8_t *in, size_t len, size_t s)
{
    size_t i = s + 12;
    if (len < s + 13 || memcmp(in + s, "HTTP/1.", 7) != 0 || (in[s + 7] != '0' && in[s + 7] != '1') ||
        in[s + 8] != ' ' || in[s + 9] < '1' || in[s + 9] > '9' || in[s + 10] < '0' || in[s + 10] > '9' ||
        in[s + 11] < '0' || in[s + 11] > '9') {
        return 0;
    }
    if (in[i] == ' ') {
        while (i < len && in[i] != '\r' && in[i] != '\n') {
            i++;
        }
    }
    return i < len && (in[i] == '\n' || (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n'));
}

/* The trailer line at s is "name:value" (name bytes > SP, no ':'; value
 * without NUL, CR only before LF), the form dripfeed takes. */
static int trailer_line_ok(const uint8_t *in, size_t len, size_t s)
{
    size_t i = s;
    while (i < len && in[i] > ' ' && in[i] != ':') {
        i++;
    }
    if (i == s || i >= len || in[i] != ':') {
        return 0;
    }
    for (i++; i < len && in[i] != '\n'; i++) {
        if (in[i] == 0 || (in[i] == '\r' && (i + 1 >= len || in[i + 1] != '\n'))) {
            return 0;
        }
    }
    return i < len;
}

/* What the final head's header lines hold. */
typedef struct {
    int cl_lines, cl_comma, cl_empty, cl_tab; /* Content-Length lines, lists, empty values, HTABs */
    int te_lines, te_tab, te_comma; /* Transfer-Encoding lines, HTABs, commas in them */
    int ce_lines;                   /* Content-Encoding lines */
} head_facts_t;

static head_facts_t facts(const uint8_t *in, size_t len)
{
    head_facts_t f;
    size_t hend = head_end(in, len), s = 0, i, j;
    memset(&f, 0, sizeof f);
    for (i = 0; i < hend; i++) {
        const uint8_t *l = in + s;
        size_t n;
        if (in[i] != '\n') {
            continue;
        }
        n = i - s;
        s = i + 1;
        if (name_is(l, n, "content-length")) {
            int any = 0;
            f.cl_lines++;
            for (j = 15; j < n; j++) {
                f.cl_comma += l[j] == ',';
                f.cl_tab += l[j] == '\t';
                any |= l[j] != ' ' && l[j] != '\t' && l[j] != '\r';
            }
            f.cl_empty += !any;
        } else if (name_is(l, n, "content-encoding")) {
            f.ce_lines++;
        } else if (name_is(l, n, "transfer-encoding")) {
            f.te_lines++;
            for (j = 18; j < n; j++) {
                f.te_tab += l[j] == '\t';
                f.te_comma += l[j] == ',';
            }
        }
    }
    return f;
}

/* Copy of the input whose final head lost its `drop` header lines, got
 * `add` (a whole line, or NULL) before its blank line, and, with `tab_sp`,
 * has SP for HTAB in Transfer-Encoding and Content-Length lines. Returns
 * the new length. */
static size_t rewrite_head(const uint8_t *in, size_t len, uint8_t *out, const char *drop, const char *add,
                           int tab_sp)
{
    size_t hend = head_end(in, len), s = 0, i, n = 0, j;
    for (i = 0; i < hend; i++) {
        size_t ln;
        if (in[i] != '\n') {
            continue;
        }
        ln = i + 1 - s;
        if (ln <= 2 && i + 1 == hend && add != NULL) { /* the blank line */
            memcpy(out + n, add, strlen(add));
            n += strlen(add);
        }
        if (drop == NULL || !name_is(in + s, ln, drop)) {
            int te = tab_sp && (name_is(in + s, ln, "transfer-encoding") || name_is(in + s, ln, "content-length"));
            for (j = 0; j < ln; j++) {
                out[n++] = te && in[s + j] == '\t' ? (uint8_t)' ' : in[s + j];
            }
        }
        s = i + 1;
    }
    memcpy(out + n, in + s, len - s);
    return n + (len - s);
}

/* ------------------------------------------------------------------------ */
/* Classification                                                           */
/* ------------------------------------------------------------------------ */

/* Work buffers per nesting level: a verdict on a rewritten input (to
 * confirm a category) runs one level down. */
typedef struct {
    uint8_t d[MAX_IN], d2[MAX_IN], h[MAX_IN], scratch[MAX_IN];
} bufs_t;
#define MAX_DEPTH 3
static bufs_t g_bufs[MAX_DEPTH];

typedef struct {
    int cat;
    res_t d, h;
} verdict_t;

static verdict_t verdict(const uint8_t *in, size_t len, const size_t *cuts, size_t ncut, int depth);

/* The rewritten input (in the scratch buffer of `depth`) gets a verdict
 * that is no failure: then the rewrite explains the difference. */
static int rewrite_explains(size_t n, int depth)
{
    verdict_t v;
    if (depth + 1 >= MAX_DEPTH) {
        return 0;
    }
    v = verdict(g_bufs[depth].scratch, n, NULL, 0, depth + 1);
    return !cat_fails(v.cat) && v.cat != C_OWS_TAB && v.cat != C_TE_LIST;
}

static int same_body(const res_t *a, const res_t *b)
{
    return a->body_len == b->body_len && memcmp(a->body, b->body, a->body_len) == 0;
}

/* dripfeed rejected what http-parser accepted. */
static int classify_d_rejects(const uint8_t *in, size_t len, const res_t *d, const res_t *h)
{
    size_t o = d->err_off;
    uint8_t c = o < len ? in[o] : 0;
    uint8_t prev = o > 0 ? in[o - 1] : 0;

    /* Up to its error dripfeed must have read what http-parser read. */
    if (d->body_len > h->body_len || memcmp(d->body, h->body, d->body_len) != 0) {
        return C_UNCLASSIFIED;
    }
    if (prev == '\r' && c != '\n' && d->err != DRIP_ERR_HTTP_TRUNCATED) {
        return C_CR_NOT_LF; /* wherever it is: status line, header, chunk line */
    }
    switch (d->err) {
    case DRIP_ERR_HTTP_CHUNK_CRLF:
        if (d->body_len > 0 && o == d->body_end && c != '\r') {
            return c == '\n' ? C_BARE_LF_CHUNKED : C_DATA_NO_CRLF;
        }
        if (c == '\n' && prev != '\r') {
            return C_BARE_LF_CHUNKED;
        }
        break;
    case DRIP_ERR_HTTP_CHUNK_EXT:
        if (c == '\n' && prev != '\r') {
            return C_EXT_BARE_LF;
        }
        break;
    case DRIP_ERR_HTTP_CHUNK_SIZE: {
        /* hex digits, then SP/HTAB (at least one SP), then not ';' */
        size_t i = o;
        int sp = 0;
        if (c >= 0x80) {
            return C_SIZE_HIGH_BYTE;
        }
        while (i > 0 && (in[i - 1] == ' ' || in[i - 1] == '\t')) {
            sp |= in[i - 1] == ' ';
            i--;
        }
        if (sp && i > 0 && is_hex(in[i - 1]) && c != ';') {
            return C_SIZE_WS_JUNK;
        }
        break;
    }
    case DRIP_ERR_HTTP_TRAILER:
        if (!trailer_line_ok(in, len, line_start(in, o))) {
            return C_TRAILER_SYNTAX;
        }
        break;
    case DRIP_ERR_HTTP_OBS_FOLD:
        if (!d->head_done && (c == ' ' || c == '\t') && prev == '\n') {
            return C_OBS_FOLD;
        }
        break;
    case DRIP_ERR_HTTP_STATUS_LINE:
        if (!d->head_done && !status_line_ok(in, len, line_start(in, o))) {
            return C_STATUS_LINE;
        }
        break;
    case DRIP_ERR_HTTP_HEADER:
        if (c == 0 && in_value(in, o)) {
            return C_FIELD_NUL;
        }
        /* a line without a colon, or a CTL/space in a name */
        if (!d->head_done && !in_value(in, o) && (c <= ' ' || c == 0x7f)) {
            return C_HEADER_SYNTAX;
        }
        break;
    case DRIP_ERR_HTTP_CODING: {
        head_facts_t f = facts(in, len);
        if (f.te_lines + f.ce_lines > 0) {
            return C_CODING;
        }
        break;
    }
    case DRIP_ERR_HTTP_HEADER_TOO_LONG:
        return C_KEPT_HEADER_LONG;
    default:
        break;
    }
    return C_UNCLASSIFIED;
}

/* dripfeed accepted what http-parser rejected. */
static int classify_h_rejects(const uint8_t *in, size_t len, const res_t *d, const res_t *h, int depth)
{
    size_t o = h->err_off, n;
    uint8_t c = o < len ? in[o] : 0;
    head_facts_t f;
    char line[64];

    switch (h->err) {
    case HPE_UNEXPECTED_CONTENT_LENGTH:
    case HPE_INVALID_CONTENT_LENGTH:
        if (h->in_trailer) {
            return C_TRAILER_SKIPPED;
        }
        f = facts(in, len);
        if (d->chunked && f.te_lines > 0 && f.cl_lines > 0) {
            /* TE wins: without the Content-Length lines http-parser must
             * come to the same result */
            n = rewrite_head(in, len, g_bufs[depth].scratch, "content-length", NULL, 0);
            return rewrite_explains(n, depth) ? C_TE_AND_CL : C_UNCLASSIFIED;
        }
        if (!d->chunked && d->head.has_length && (f.cl_comma > 0 || f.cl_lines > 1)) {
            /* one "Content-Length: N" in their place: the same result */
            snprintf(line, sizeof line, "Content-Length: %" PRIu64 "\r\n", d->head.content_length);
            n = rewrite_head(in, len, g_bufs[depth].scratch, "content-length", line, 0);
            return rewrite_explains(n, depth) ? C_CL_LIST : C_UNCLASSIFIED;
        }
        break;
    case HPE_INVALID_CHUNK_SIZE:
        if (c == '\t' && o > 0) {
            return C_EXT_TAB_BWS;
        }
        break;
    case HPE_INVALID_HEADER_TOKEN:
        if (h->in_trailer) {
            return C_TRAILER_SKIPPED;
        }
        if (!h->head_done) {
            if (!in_value(in, o)) {
                return C_NAME_NOT_TOKEN;
            }
            if (c < 0x20 || c == 0x7f) {
                return C_VALUE_CTL;
            }
        }
        break;
    case HPE_HEADER_OVERFLOW:
        if (o - line_start(in, o) >= HTTP_MAX_HEADER_SIZE / 2 || o >= HTTP_MAX_HEADER_SIZE) {
            return C_LINE_LIMIT_80K;
        }
        break;
    default:
        break;
    }
    return C_UNCLASSIFIED;
}

static int same_drip(const res_t *a, const res_t *b)
{
    return a->accept == b->accept && a->err == b->err && a->err_off == b->err_off && same_body(a, b);
}

static verdict_t verdict(const uint8_t *in, size_t len, const size_t *cuts, size_t ncut, int depth)
{
    bufs_t *b = &g_bufs[depth];
    verdict_t v;
    res_t d2;

    res_init(&v.d, b->d);
    res_init(&v.h, b->h);
    run_drip(in, len, NULL, 0, &v.d);
    run_hp(in, len, &v.h);
    if (ncut > 0) {
        res_init(&d2, b->d2);
        run_drip(in, len, cuts, ncut, &d2);
        if (!same_drip(&v.d, &d2)) {
            v.cat = C_SPLIT_MISMATCH;
            return v;
        }
    }
    if ((v.d.accept && v.h.accept && same_body(&v.d, &v.h)) || (!v.d.accept && !v.h.accept)) {
        v.cat = v.d.accept ? C_SAME_BODY : C_BOTH_REJECT;
        return v;
    }
    if (v.d.accept && v.h.accept && v.d.chunked == v.h.chunked) {
        v.cat = C_BODY_MISMATCH; /* never explained away */
        return v;
    }
    /* http-parser refuses HTAB after a Content-Length value and misses
     * "chunked" when HTAB follows it or in a list: with the head rewritten
     * it must agree with dripfeed */
    {
        head_facts_t f = facts(in, len);
        if (f.te_tab > 0 || f.cl_tab > 0) {
            size_t n = rewrite_head(in, len, b->scratch, NULL, NULL, 1);
            if (rewrite_explains(n, depth)) {
                v.cat = C_OWS_TAB;
                return v;
            }
        }
        if (v.d.chunked && f.te_comma > 0 && (!v.h.head_done || !v.h.chunked)) {
            size_t n = rewrite_head(in, len, b->scratch, "transfer-encoding", "Transfer-Encoding: chunked\r\n", 0);
            if (rewrite_explains(n, depth)) {
                v.cat = C_TE_LIST;
                return v;
            }
        }
    }
    if (v.d.accept && v.h.accept) {
        v.cat = C_BODY_MISMATCH;
    } else if (!v.d.accept) {
        v.cat = v.d.head_done && v.h.head_done && v.d.chunked != v.h.chunked ? C_UNCLASSIFIED
                                                            : classify_d_rejects(in, len, &v.d, &v.h);
    } else {
        v.cat = classify_h_rejects(in, len, &v.d, &v.h, depth);
    }
    return v;
}

#ifdef DIFF_HTTP_FUZZER
/* libFuzzer: the first byte picks a split point for dripfeed. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cut;
    verdict_t v;
    if (size < 1 || size > MAX_IN) {
        return 0;
    }
    cut = data[0] % size;
    v = verdict(data + 1, size - 1, &cut, cut > 0 && cut < size - 1 ? 1u : 0u, 0);
    if (cat_fails(v.cat)) {
        fprintf(stderr, "diff_http: %s\n", k_cat_name[v.cat]);
        abort();
    }
    return 0;
}
#else

/* ------------------------------------------------------------------------ */
/* Generator                                                                */
/* ------------------------------------------------------------------------ */

typedef struct {
    uint64_t s;
} rng_t;

static uint64_t next64(rng_t *r) /* splitmix64 */
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint32_t rnd(rng_t *r, uint32_t n) /* [0, n) */
{
    return n == 0 ? 0 : (uint32_t)(next64(r) % n);
}

static int chance(rng_t *r, uint32_t pct)
{
    return rnd(r, 100) < pct;
}

typedef struct {
    uint8_t *p;
    size_t n;
} out_t;

/* Append what fits in MAX_IN; the rest is dropped (a full buffer stays full). */
static void put(out_t *o, const void *p, size_t n)
{
    size_t room = o->n < MAX_IN ? MAX_IN - o->n : 0;

    if (n > room) {
        n = room;
    }
    if (n > 0) {
        memcpy(o->p + o->n, p, n);
        o->n += n;
    }
}

static void puts_(out_t *o, const char *s)
{
    put(o, s, strlen(s));
}

static void putc_(out_t *o, uint8_t c)
{
    put(o, &c, 1);
}

/* Faults a generated case may carry (one at most). */
enum fault {
    F_NONE,
    F_SIZE_NONHEX,    /* "g", "0x1a", "+5", "5_" ... */
    F_SIZE_NEGATIVE,  /* "-5" */
    F_SIZE_EMPTY,     /* "" */
    F_SIZE_OVERFLOW,  /* more than 64 bits of size, or exactly 2^64-1 */
    F_SIZE_WS,        /* "5 ", "5 x", "5\t" */
    F_EXT_WEIRD,      /* tab before ';', bare CR/LF inside, 80 KiB long */
    F_LF_SIZE_LINE,   /* bare LF after the size line */
    F_LF_DATA,        /* bare LF after chunk data */
    F_LF_LAST,        /* bare LF ending the chunked body */
    F_LF_TRAILER,     /* bare LF ending a trailer field */
    F_NO_CRLF,        /* CRLF after data missing or half */
    F_DATA_LEN,       /* more or fewer data bytes than the size says */
    F_TRUNCATE,       /* input cut anywhere */
    F_TRAILER_BAD,    /* trailer without colon, space in name, folded */
    F_CL_BAD,         /* non-numeric, empty, list, repeated Content-Length */
    F_CL_LEN,         /* body shorter or longer than Content-Length */
    F_TE_AND_CL,      /* both headers */
    F_TE_OTHER,       /* gzip / identity transfer coding, content-encoding */
    F_HEAD_BAD,       /* obs-fold, no colon, space before colon, status line */
    F_COUNT
};

static const char *const k_fault_name[] = {
    "valid", "size_nonhex", "size_negative", "size_empty", "size_overflow",
    "size_ws", "ext_weird", "lf_size_line", "lf_data", "lf_last", "lf_trailer",
    "no_crlf", "data_len", "truncate", "trailer_bad", "cl_bad", "cl_len",
    "te_and_cl", "te_other", "head_bad"};
typedef char k_fault_names_complete[sizeof k_fault_name / sizeof k_fault_name[0] == F_COUNT ? 1 : -1];

enum { FRAME_CHUNKED, FRAME_CL, FRAME_CLOSE };

static const char *pick(rng_t *r, const char *const *list, size_t n)
{
    return list[rnd(r, (uint32_t)n)];
}
#define PICK(r, a) pick((r), (a), sizeof(a) / sizeof((a)[0]))

static void eol(rng_t *r, out_t *o)
{
    puts_(o, chance(r, 8) ? "\n" : "\r\n"); /* bare LF is fine in the head */
}

static void random_bytes(rng_t *r, out_t *o, size_t n)
{
    static const char tricky[] = "\r\n0123456789abcdefABCDEF; \t:=\"";
    uint32_t mode = rnd(r, 3);
    size_t i;
    for (i = 0; i < n; i++) {
        uint8_t c;
        if (mode == 0) {
            c = (uint8_t)(' ' + rnd(r, 95));
        } else if (mode == 1) {
            c = (uint8_t)rnd(r, 256);
        } else {
            c = (uint8_t)tricky[rnd(r, sizeof tricky - 1)];
        }
        putc_(o, c);
    }
}

static uint64_t chunk_size(rng_t *r)
{
    uint32_t k = rnd(r, 100);
    if (k < 40) {
        return 1 + rnd(r, 16);
    }
    if (k < 80) {
        return 17 + rnd(r, 284);
    }
    if (k < 95) {
        return 301 + rnd(r, 3700);
    }
    return 4001 + rnd(r, 16000);
}

/* A size in hex: either case, leading zeros. */
static void put_size(rng_t *r, out_t *o, uint64_t v)
{
    char buf[24];
    uint32_t zeros = 0, style = rnd(r, 3), k = rnd(r, 100);
    size_t i, n;
    if (k < 25) {
        zeros = 1 + rnd(r, 4);
    } else if (k < 30) {
        zeros = 10 + rnd(r, 20); /* more digits than 64 bits hold */
    }
    n = (size_t)snprintf(buf, sizeof buf, "%" PRIx64, v);
    for (i = 0; i < n; i++) {
        if (style == 1 || (style == 2 && rnd(r, 2))) {
            buf[i] = (char)(buf[i] >= 'a' ? buf[i] - 32 : buf[i]);
        }
    }
    for (i = 0; i < zeros; i++) {
        putc_(o, '0');
    }
    put(o, buf, n);
}

static void put_ext(rng_t *r, out_t *o)
{
    static const char *const exts[] = {
        ";a", ";a=b", ";name=\"quoted;value\"", " ; a = b", ";", ";a=", ";x=1;y=2",
        ";ieof", " ;a", ";q=\"\\\"\""};
    puts_(o, PICK(r, exts));
}

static void put_bad_size(rng_t *r, out_t *o, int fault)
{
    static const char *const nonhex[] = {"g", "0x1a", "+5", "5_", "G", "x", "1.5", "\xff", "5\x01"};
    static const char *const over[] = {
        "10000000000000000", "ffffffffffffffff", "FFFFFFFFFFFFFFFF0", "fffffffffffffffff",
        "100000000000000000000", "0000ffffffffffffffff", "8000000000000000"};
    static const char *const ws[] = {"5 ", "5 x", "5\t", "5 \t", "a  ", "5 5", " 5"};
    switch (fault) {
    case F_SIZE_NONHEX:
        puts_(o, PICK(r, nonhex));
        break;
    case F_SIZE_NEGATIVE:
        puts_(o, chance(r, 50) ? "-5" : "-0");
        break;
    case F_SIZE_EMPTY:
        break;
    case F_SIZE_OVERFLOW:
        puts_(o, PICK(r, over));
        break;
    default:
        puts_(o, PICK(r, ws));
        break;
    }
}

/* Any of the weird extensions; returns nothing, writes up to CR LF excluded. */
static void put_weird_ext(rng_t *r, out_t *o)
{
    switch (rnd(r, 5)) {
    case 0:
        puts_(o, "\t;a=b");
        break;
    case 1:
        puts_(o, " \t ; a");
        break;
    case 2:
        puts_(o, ";a\nb");
        break;
    case 3:
        puts_(o, ";a\rb");
        break;
    default: { /* longer than http-parser's 80 KiB line limit */
        size_t n = 80 * 1024 + rnd(r, 2048), i;
        puts_(o, ";x=");
        for (i = 0; i < n; i++) {
            putc_(o, (uint8_t)('a' + i % 26));
        }
        break;
    }
    }
}

static void gen_head(rng_t *r, out_t *o, int fault, int *frame)
{
    static const char *const fillers[] = {
        "Content-Type: text/event-stream", "X-Request-Id: req_8a1b2c", "Server: nginx",
        "Cache-Control: no-cache", "openai-processing-ms: 42", "Connection: keep-alive",
        "Date: Sun, 06 Nov 1994 08:49:37 GMT", "x-ratelimit-remaining-tokens: 149984",
        "Set-Cookie: a=b; Path=/; HttpOnly", "Alt-Svc: h3=\":443\"; ma=86400"};
    static const char *const te_names[] = {"Transfer-Encoding", "transfer-encoding", "TRANSFER-ENCODING"};
    static const char *const te_vals[] = {"chunked", "Chunked", "CHUNKED", "chunked ", "chunked  "};
    static const char *const statuses[] = {"201 Created", "204 No Content", "304 Not Modified",
                                           "400 Bad Request", "404 Not Found", "429 Too Many Requests",
                                           "500 Internal Server Error", "503 Service Unavailable"};
    static const char *const bad_status[] = {
        "HTTP/1.1 20 OK", "HTTP/2.0 200 OK", "HTTP/1.1  200 OK", "HTTP/1.2 200 OK", "HTTP/1.1 2000 OK",
        "http/1.1 200 OK", "HTTP/1.1 200OK", "HTTP/1.1 099 X", "\r\nHTTP/1.1 200 OK", "HTTP/1.1 200\tOK"};
    static const char *const bad_hdr[] = {
        "X-Folded: a\r\n continued", "NoColonHere", "X-Space : v", "X-Ctl\x01: v", "X-Val: a\x01b",
        "X-Nul: a\0b", "X(paren): v", "X-Del\x7f: v", "X-Hi: caf\xc3\xa9"};
    uint32_t i, nf = rnd(r, 5);
    uint32_t bad = fault == F_HEAD_BAD ? rnd(r, 2) : 2; /* 0 status, 1 header */
    uint32_t where = rnd(r, nf + 1);
    uint32_t k = rnd(r, 100);
    int chunked;

    if (chance(r, 5)) { /* an interim response first */
        puts_(o, "HTTP/1.1 100 Continue");
        eol(r, o);
        if (chance(r, 30)) {
            puts_(o, "X-Interim: 1");
            eol(r, o);
        }
        eol(r, o);
    }
    if (bad == 0) {
        puts_(o, PICK(r, bad_status));
    } else {
        puts_(o, chance(r, 90) ? "HTTP/1.1 " : "HTTP/1.0 ");
        if (chance(r, 80)) {
            puts_(o, chance(r, 90) ? "200 OK" : "200");
        } else {
            puts_(o, PICK(r, statuses));
        }
    }
    eol(r, o);

    if (fault == F_TE_AND_CL || fault == F_TE_OTHER) {
        *frame = FRAME_CHUNKED;
    } else if (fault == F_CL_BAD || fault == F_CL_LEN) {
        *frame = FRAME_CL;
    } else if (fault != F_NONE && fault != F_TRUNCATE && fault != F_HEAD_BAD) {
        *frame = FRAME_CHUNKED; /* the chunk faults */
    } else {
        *frame = k < 70 ? FRAME_CHUNKED : k < 90 ? FRAME_CL : FRAME_CLOSE;
    }
    chunked = *frame == FRAME_CHUNKED;

    for (i = 0; i <= nf; i++) {
        if (i == where) {
            if (bad == 1) {
                const char *h = PICK(r, bad_hdr);
                /* the NUL one is written with its length */
                put(o, h, strncmp(h, "X-Nul", 5) == 0 ? 10u : strlen(h));
                eol(r, o);
            }
            if (chunked) {
                puts_(o, PICK(r, te_names));
                puts_(o, chance(r, 85) ? ": " : ":");
                if (fault == F_TE_OTHER) {
                    static const char *const other[] = {"gzip, chunked", "identity", "chunked, gzip",
                                                        "identity, chunked", "chunked, chunked"};
                    puts_(o, PICK(r, other));
                } else {
                    puts_(o, PICK(r, te_vals));
                    if (chance(r, 2)) {
                        putc_(o, '\t'); /* OWS that http-parser misses */
                    }
                }
                eol(r, o);
                if (fault == F_TE_OTHER && chance(r, 30)) {
                    puts_(o, "Content-Encoding: gzip");
                    eol(r, o);
                }
            }
            if (fault == F_TE_AND_CL) {
                char cl[40];
                snprintf(cl, sizeof cl, "Content-Length: %u", rnd(r, 50));
                puts_(o, cl);
                eol(r, o);
            }
        }
        if (i < nf) {
            puts_(o, PICK(r, fillers));
            eol(r, o);
        }
    }
}

static void gen_cl(rng_t *r, out_t *o, int fault)
{
    static const char *const bad[] = {"5x", "-5", "", " ", "5, 6", "5, 5", "0x5", "+5", "5 5", "18446744073709551616"};
    char line[64];
    uint32_t n = chance(r, 10) ? 0 : rnd(r, 600);
    uint32_t actual = n;
    int kind = fault == F_CL_BAD ? (int)rnd(r, 2) : -1;

    if (kind == 0) { /* a bad value */
        const char *v = PICK(r, bad);
        snprintf(line, sizeof line, "Content-Length: %s", v);
        if (strcmp(v, "5, 5") == 0 || strcmp(v, "5, 6") == 0) {
            n = actual = 5;
        }
    } else if (kind == 1) { /* repeated header, same or different */
        snprintf(line, sizeof line, "Content-Length: %u\r\nContent-Length: %u", n, chance(r, 50) ? n : n + 1);
    } else {
        static const char *const fmt[] = {"Content-Length: %u", "content-length: %u", "Content-Length: 00%u",
                                          "Content-Length:%u", "Content-Length: %u  "};
        snprintf(line, sizeof line, PICK(r, fmt), n);
    }
    puts_(o, line);
    eol(r, o);
    eol(r, o);
    if (fault == F_CL_LEN) {
        actual = chance(r, 50) ? n + 1 + rnd(r, 20) : (n > 0 ? rnd(r, n) : 0);
    }
    random_bytes(r, o, actual);
}

static void gen_chunked(rng_t *r, out_t *o, int fault)
{
    uint32_t nchunks = rnd(r, 7), i;
    uint32_t at = rnd(r, nchunks + 1); /* the chunk that carries the fault (nchunks: last) */

    for (i = 0; i <= nchunks; i++) {
        int last = i == nchunks, here = i == at;
        uint64_t size = last ? 0 : chunk_size(r);
        /* size line */
        if (here && fault >= F_SIZE_NONHEX && fault <= F_SIZE_WS) {
            put_bad_size(r, o, fault);
        } else {
            put_size(r, o, size);
        }
        if (here && fault == F_EXT_WEIRD) {
            put_weird_ext(r, o);
        } else if (chance(r, 20)) {
            put_ext(r, o);
        }
        puts_(o, here && fault == F_LF_SIZE_LINE ? "\n" : "\r\n");
        if (last) {
            break;
        }
        if (here && fault == F_DATA_LEN) {
            uint64_t n = chance(r, 50) ? size + 1 + rnd(r, 4) : size - 1 - (size > 1 ? rnd(r, (uint32_t)(size - 1)) : 0);
            random_bytes(r, o, (size_t)n);
        } else {
            random_bytes(r, o, (size_t)size);
        }
        if (here && fault == F_LF_DATA) {
            puts_(o, "\n");
        } else if (here && fault == F_NO_CRLF) {
            static const char *const half[] = {"", "\r", "\n\r", "\r\r\n", " \r\n"};
            puts_(o, PICK(r, half));
        } else {
            puts_(o, "\r\n");
        }
    }
    /* trailers */
    if (chance(r, 25) || fault == F_LF_TRAILER || fault == F_TRAILER_BAD) {
        static const char *const good[] = {"X-Checksum: abc123", "Expires: 0", "X-Empty:", "X-Trailer:  spaced  "};
        static const char *const bad[] = {"NoColon", "X Space: v", "X-Folded: a\r\n b", ": empty-name", "X-Ctl\x01: v",
                                          " leading: v"};
        uint32_t nt = 1 + rnd(r, 2), t;
        for (t = 0; t < nt; t++) {
            puts_(o, fault == F_TRAILER_BAD && t == 0 ? PICK(r, bad) : PICK(r, good));
            puts_(o, fault == F_LF_TRAILER && t == 0 ? "\n" : "\r\n");
        }
    }
    puts_(o, fault == F_LF_LAST ? "\n" : "\r\n");
}

/* One case. Returns the fault it carries. */
static int gen_case(rng_t *r, out_t *o)
{
    int fault = chance(r, 40) ? (int)(1 + rnd(r, F_COUNT - 1)) : F_NONE;
    int frame;

    o->n = 0;
    gen_head(r, o, fault, &frame);
    if (frame == FRAME_CHUNKED) {
        eol(r, o);
        gen_chunked(r, o, fault);
    } else if (frame == FRAME_CL) {
        gen_cl(r, o, fault);
    } else {
        eol(r, o);
        random_bytes(r, o, rnd(r, 400));
    }
    if (chance(r, 5)) { /* bytes after the message: ignored by both */
        random_bytes(r, o, 1 + rnd(r, 30));
    }
    if (fault == F_TRUNCATE && o->n > 0) {
        o->n = rnd(r, (uint32_t)o->n);
    }
    return fault;
}

/* Random edits of a valid case. */
static void mutate(rng_t *r, out_t *o)
{
    static const char special[] = "\r\n\t ;:=0fFg,-\"";
    uint32_t edits = 1 + rnd(r, 4), e;
    for (e = 0; e < edits && o->n > 0; e++) {
        size_t at = rnd(r, (uint32_t)o->n);
        uint32_t op = rnd(r, 100);
        uint8_t c = chance(r, 50) ? (uint8_t)special[rnd(r, sizeof special - 1)] : (uint8_t)rnd(r, 256);
        if (op < 55) {
            o->p[at] = c;
        } else if (op < 75 && o->n < MAX_IN) {
            memmove(o->p + at + 1, o->p + at, o->n - at);
            o->p[at] = c;
            o->n++;
        } else if (op < 92) {
            memmove(o->p + at, o->p + at + 1, o->n - at - 1);
            o->n--;
        } else { /* duplicate a short span */
            size_t n = 1 + rnd(r, 24);
            if (at + n > o->n) {
                n = o->n - at;
            }
            if (o->n + n <= MAX_IN) {
                memmove(o->p + at + n, o->p + at, o->n - at);
                o->n += n;
            }
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Driver                                                                   */
/* ------------------------------------------------------------------------ */

static void show(const char *what, const uint8_t *p, size_t n)
{
    size_t i;
    fprintf(stderr, "  %s (%zu B): \"", what, n);
    for (i = 0; i < n && i < 600; i++) {
        uint8_t c = p[i];
        if (c == '\r') {
            fputs("\\r", stderr);
        } else if (c == '\n') {
            fputs("\\n", stderr);
        } else if (c == '\\' || c == '"') {
            fprintf(stderr, "\\%c", c);
        } else if (c < 0x20 || c >= 0x7f) {
            fprintf(stderr, "\\x%02x", c);
        } else {
            fputc(c, stderr);
        }
    }
    fputs(i < n ? "\"...\n" : "\"\n", stderr);
}

static void report(uint64_t index, const char *kind, const uint8_t *in, size_t len, const verdict_t *v)
{
    fprintf(stderr, "case %" PRIu64 " (%s): %s\n", index, kind, k_cat_name[v->cat]);
    fprintf(stderr, "  dripfeed: %s err %d (%s) at %zu, body %zu B, %s\n", v->d.accept ? "accept" : "reject",
            v->d.err, drip_err_str(v->d.err), v->d.err_off, v->d.body_len,
            !v->d.head_done ? "no head" : v->d.chunked ? "chunked" : "not chunked");
    fprintf(stderr, "  http-parser: %s err %s at %zu, body %zu B, %s\n", v->h.accept ? "accept" : "reject",
            http_errno_name((enum http_errno)v->h.err), v->h.err_off, v->h.body_len,
            !v->h.head_done ? "no head" : v->h.chunked ? "chunked" : "not chunked");
    show("input", in, len);
    if (v->d.err_off < len && !v->d.accept) {
        size_t s = v->d.err_off > 40 ? v->d.err_off - 40 : 0;
        show("around dripfeed's error", in + s, (len - s) < 80 ? len - s : 80);
    }
    if (v->h.err_off < len && !v->h.accept) {
        size_t s = v->h.err_off > 40 ? v->h.err_off - 40 : 0;
        show("around http-parser's error", in + s, (len - s) < 80 ? len - s : 80);
    }
}

static uint8_t g_in[MAX_IN];

int main(int argc, char **argv)
{
    uint64_t cases = 200000, seed = 20240611, one = UINT64_MAX, i;
    uint64_t count[C_COUNT] = {0}, by_fault[F_COUNT + 1][2] = {{0}};
    int verbose = 0, a, failures = 0, shown = 0;
    const char *dump = NULL;

    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--cases") == 0 && a + 1 < argc) {
            cases = strtoull(argv[++a], NULL, 10);
        } else if (strcmp(argv[a], "--seed") == 0 && a + 1 < argc) {
            seed = strtoull(argv[++a], NULL, 10);
        } else if (strcmp(argv[a], "--case") == 0 && a + 1 < argc) {
            one = strtoull(argv[++a], NULL, 10);
        } else if (strcmp(argv[a], "--dump") == 0 && a + 1 < argc) {
            dump = argv[++a];
        } else if (strcmp(argv[a], "--verbose") == 0) {
            verbose = 1;
        } else {
            fprintf(stderr, "usage: diff_http [--cases N] [--seed S] [--case I [--dump FILE]] [--verbose]\n");
            return 2;
        }
    }

    for (i = (one == UINT64_MAX ? 0 : one); i < (one == UINT64_MAX ? cases : one + 1); i++) {
        rng_t r;
        out_t o;
        size_t cuts[3], ncut, c;
        int fault, fuzzed;
        verdict_t v;

        r.s = seed * 0x9E3779B97F4A7C15ull ^ (i + 1) * 0xD1B54A32D192ED03ull;
        o.p = g_in;
        o.n = 0;
        fuzzed = (i & 1) != 0;
        fault = gen_case(&r, &o);
        if (fuzzed) {
            while (fault != F_NONE) { /* mutate valid cases only */
                fault = gen_case(&r, &o);
            }
            mutate(&r, &o);
        }
        ncut = o.n > 1 ? 1 + rnd(&r, 3) : 0;
        for (c = 0; c < ncut; c++) {
            cuts[c] = 1 + rnd(&r, (uint32_t)(o.n - 1));
        }
        /* ascending order */
        for (c = 1; c < ncut; c++) {
            size_t j = c;
            while (j > 0 && cuts[j - 1] > cuts[j]) {
                size_t t = cuts[j];
                cuts[j] = cuts[j - 1];
                cuts[j - 1] = t;
                j--;
            }
        }
        v = verdict(g_in, o.n, cuts, ncut, 0);
        if (dump != NULL && one != UINT64_MAX) { /* the case's bytes, to replay elsewhere */
            FILE *f = fopen(dump, "wb");
            if (f == NULL || fwrite(g_in, 1, o.n, f) != o.n || fclose(f) != 0) {
                fprintf(stderr, "diff_http: cannot write %s\n", dump);
                return 2;
            }
        }
        count[v.cat]++;
        by_fault[fuzzed ? F_COUNT : fault][v.cat == C_SAME_BODY || v.cat == C_BOTH_REJECT ? 0 : 1]++;
        if (cat_fails(v.cat)) {
            failures++;
        }
        if ((cat_fails(v.cat) && shown < 10) || verbose || one != UINT64_MAX) {
            report(i, fuzzed ? "fuzzed" : k_fault_name[fault], g_in, o.n, &v);
            shown++;
        }
    }

    printf("diff_http: %" PRIu64 " cases (seed %" PRIu64 "), dripfeed vs http-parser %d.%d.%d\n",
           one == UINT64_MAX ? cases : 1, seed, HTTP_PARSER_VERSION_MAJOR, HTTP_PARSER_VERSION_MINOR,
           HTTP_PARSER_VERSION_PATCH);
    printf("inputs by kind (agree / differ):\n");
    for (a = 0; a <= F_COUNT; a++) {
        if (by_fault[a][0] + by_fault[a][1] > 0) {
            printf("  %-16s %8" PRIu64 " / %" PRIu64 "\n", a == F_COUNT ? "fuzzed" : k_fault_name[a], by_fault[a][0],
                   by_fault[a][1]);
        }
    }
    printf("outcomes by category:\n");
    for (a = 0; a < C_COUNT; a++) {
        printf("  %-16s %8" PRIu64 "%s\n", k_cat_name[a], count[a], cat_fails(a) && count[a] ? "  <-- FAIL" : "");
    }
    printf("%d failures\n", failures);
    return failures ? 1 : 0;
}
#endif
