/* SPDX-License-Identifier: Apache-2.0 */
/* Layer 2: HTTP/1.1 response reader. Rules: docs/spec/http.md.
 *
 * Decisions where the spec page and RFC 9112 leave room (written down here):
 * - A status line with no SP and no reason ("HTTP/1.1 200\r\n") is accepted,
 *   as picohttpparser and llhttp do; the version must be HTTP/1.0 or 1.1.
 * - Header names: any byte > 0x20 but ':'; whitespace before the colon is an
 *   error (RFC 9112 5.1 says reject). Values of skipped headers are not
 *   checked, only their line end and NUL: a NUL in any header or trailer
 *   value is an error (RFC 9110 5.5: reject or replace; a kept value is a
 *   C string, so a NUL would silently cut it).
 * - The empty line that ends a chunked body must be CRLF; trailer field lines
 *   may end with a bare LF (spec table: "after the last chunk" is rejected,
 *   "in trailer fields" is tolerated).
 * - Transfer or content codings other than chunked/identity cannot be decoded
 *   without a heap: DRIP_ERR_HTTP_CODING (requests say Accept-Encoding:
 *   identity, so a server that compresses anyway is at fault).
 * - retry-after as HTTP-date: IMF-fixdate only (what servers send today);
 *   the obsolete RFC 850/asctime forms are ignored, not errors. Without
 *   DRIP_HTTP_EXTRAS every date form is ignored (the client only waits for
 *   retry-after in seconds or retry-after-ms), and rate-limit and
 *   processing-time headers are skipped like unknown ones.
 * - 204 and 304 have no body; 1xx are skipped (RFC 9110 15.2).
 */
#include "dripfeed/drip_http.h"

#include <string.h>

enum {
    ST_STATUS, ST_MINOR, ST_SP, ST_CODE, ST_AFTER_CODE, ST_REASON,
    ST_HDR_START, ST_HDR_NAME, ST_HDR_OWS, ST_HDR_VALUE,
    ST_BODY_LEN, ST_BODY_CLOSE,
    ST_CHUNK_SIZE, ST_CHUNK_WS, ST_CHUNK_EXT, ST_CHUNK_SIZE_LF,
    ST_CHUNK_DATA, ST_CHUNK_DATA_CR, ST_CHUNK_DATA_LF,
    ST_TRAILER_START, ST_TRAILER_NAME, ST_TRAILER_VALUE, ST_TRAILER_END_LF,
    ST_DONE
};

/* Kept headers; the extras last, in k_headers' order. */
/* The kept headers: id, lower-case name. One list for the ids, the names
 * and the check that every name fits the reader's name buffer. */
#define HEADERS(X)                                                                                 \
    X(CTYPE, "content-type") X(CLEN, "content-length") X(TE, "transfer-encoding")                  \
    X(CE, "content-encoding") X(CONN, "connection") X(RETRY_AFTER, "retry-after")                  \
    X(RETRY_MS, "retry-after-ms") X(REQID, "x-request-id") X(SHOULD_RETRY, "x-should-retry")
#if DRIP_HTTP_EXTRAS
#define HEADERS_EXTRA(X)                                                                           \
    X(PROC_MS, "openai-processing-ms") X(LIM_REQ, "x-ratelimit-limit-requests")                    \
    X(LIM_TOK, "x-ratelimit-limit-tokens") X(REM_REQ, "x-ratelimit-remaining-requests")            \
    X(REM_TOK, "x-ratelimit-remaining-tokens") X(RESET_REQ, "x-ratelimit-reset-requests")          \
    X(RESET_TOK, "x-ratelimit-reset-tokens")
#else
#define HEADERS_EXTRA(X)
#endif

#define HDR_ID(id, name) H_##id,
enum { H_NONE, HEADERS(HDR_ID) HEADERS_EXTRA(HDR_ID) H_COUNT_ };
#undef HDR_ID
#define HDR_FITS(id, name)                                                                         \
    typedef char drip_hdr_fits_##id[(sizeof(name) - 1u <= DRIP_HTTP_NAME_BUF) ? 1 : -1];
HEADERS(HDR_FITS)
HEADERS_EXTRA(HDR_FITS)
#undef HDR_FITS

/* priv.flags bits */
#define FL_EXT 0x01u      /* the chunk size line had an extension */
#define FL_RETRY_MS 0x02u /* retry-after-ms seen: it wins over retry-after */
#define FL_CONN_SET 0x04u /* a Connection header decided keep-alive */
#define FL_CLOSE 0x08u    /* "close" seen: it wins over any keep-alive (RFC 9112 9.6) */
#define FL_BAD_CL 0x10u   /* bad Content-Length: an error unless the body is chunked */
#define FL_WS_OVER 0x20u  /* white space past the value buffer (trailing OWS?) */

#define HDR_NAME(id, name) name,
static const char *const k_headers[H_COUNT_] = {"", HEADERS(HDR_NAME) HEADERS_EXTRA(HDR_NAME)};
#undef HDR_NAME

static void new_head(drip_http_t *h)
{
    drip_http_head_t *hd = &h->head;
    memset(hd, 0, sizeof *hd);
    hd->retry_after_ms = DRIP_HTTP_NONE_U32;
    hd->should_retry = -1;
#if DRIP_HTTP_EXTRAS
    hd->processing_ms = DRIP_HTTP_NONE_U32;
    hd->limit_requests = hd->limit_tokens = DRIP_HTTP_NONE_I64;
    hd->remaining_requests = hd->remaining_tokens = DRIP_HTTP_NONE_I64;
    hd->reset_requests_ms = hd->reset_tokens_ms = DRIP_HTTP_NONE_U32;
#endif
    h->priv.flags = 0;
    h->priv.state = ST_STATUS;
    h->priv.idx = 0;
    h->priv.cr = 0;
}

drip_err_t drip_http_init(drip_http_t *h)
{
    if (h == NULL) {
        return DRIP_ERR_ARG;
    }
    memset(h, 0, sizeof *h);
    new_head(h);
    return DRIP_OK;
}

drip_err_t drip_http_reset(drip_http_t *h)
{
    return drip_http_init(h);
}

int drip_http_is_done(const drip_http_t *h)
{
    return h != NULL && h->priv.state == ST_DONE;
}

static int is_ws(uint8_t c)
{
    return c == ' ' || c == '\t';
}

static uint8_t lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32u) : c;
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = lower(c);
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* Case-insensitive compare of s[0..n) with a lower-case literal. */
static int ieq(const char *s, size_t n, const char *lit)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (lit[i] == '\0' || (char)lower((uint8_t)s[i]) != lit[i]) {
            return 0;
        }
    }
    return lit[n] == '\0';
}

/* Decimal "123", "123.45" or "-12" times `scale` (1, or ms per unit), with
 * fraction digits kept down to the scale's resolution. Integer parts above
 * 10^12 are rejected: no header we read means anything that large, and the
 * bound keeps the product inside int64 with no 64-bit division (which would
 * pull libgcc's division routines into the firmware).
 * Returns 0 and *out on success; -1 if malformed or out of range. */
static int parse_num(const char *s, size_t n, uint32_t scale, int allow_neg, int64_t *out)
{
    int64_t v = 0, frac = 0;
    uint32_t fscale = scale;
    size_t i = 0;
    int neg = 0, digits = 0, dot = 0;

    if (allow_neg && n > 0 && s[0] == '-') {
        neg = 1;
        i = 1;
    }
    for (; i < n; i++) {
        char c = s[i];
        if (c == '.' && !dot) {
            dot = 1;
            continue;
        }
        if (c < '0' || c > '9') {
            return -1;
        }
        digits++;
        if (dot) {
            fscale /= 10u;
            frac += (int64_t)(c - '0') * (int64_t)fscale;
        } else {
            if (v >= 100000000000) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
    }
    if (digits == 0) {
        return -1;
    }
    v = v * (int64_t)scale + frac;
    *out = neg ? -v : v;
    return 0;
}

static uint32_t clamp_u32(int64_t v)
{
    if (v < 0) {
        return 0;
    }
    return v >= (int64_t)UINT32_MAX ? UINT32_MAX - 1u : (uint32_t)v;
}

#if DRIP_HTTP_EXTRAS
/* Go-style duration ("6m0s", "2m52.8s", "547ms", "1h") or a bare number of
 * seconds (Azure) into milliseconds. */
static uint32_t parse_duration_ms(const char *s, size_t n)
{
    int64_t total = 0, part;
    uint32_t scale;
    size_t i = 0;

    if (n == 0) {
        return DRIP_HTTP_NONE_U32;
    }
    if (parse_num(s, n, 1000, 0, &part) == 0) {
        return clamp_u32(part);
    }
    while (i < n) {
        size_t j = i, u;
        while (j < n && ((s[j] >= '0' && s[j] <= '9') || s[j] == '.')) {
            j++;
        }
        u = j;
        while (u < n && s[u] >= 'a' && s[u] <= 'z') {
            u++;
        }
        if (j == i || u == j) {
            return DRIP_HTTP_NONE_U32;
        }
        if (u - j == 1 && s[j] == 'h') {
            scale = 3600000u;
        } else if (u - j == 1 && s[j] == 'm') {
            scale = 60000u;
        } else if (u - j == 1 && s[j] == 's') {
            scale = 1000u;
        } else if (u - j == 2 && s[j] == 'm' && s[j + 1] == 's') {
            scale = 1u;
        } else if (u - j == 2 && (s[j] == 'u' || s[j] == 'n') && s[j + 1] == 's') {
            scale = 0u; /* below a millisecond */
        } else {
            return DRIP_HTTP_NONE_U32;
        }
        if (scale > 0) {
            if (parse_num(s + i, j - i, scale, 0, &part) != 0) {
                return DRIP_HTTP_NONE_U32;
            }
            total += part;
            if (total > (int64_t)UINT32_MAX) {
                total = (int64_t)UINT32_MAX;
            }
        }
        i = u;
    }
    return clamp_u32(total);
}

static int two_digits(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') {
        return -1;
    }
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" -> seconds since 1970, 0 if not. */
static int64_t parse_http_date(const char *s, size_t n)
{
    static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
    int32_t y, m = -1, d, hh, mi, ss, era, yoe, doy, doe;
    int i;

    if (n != 29 || s[3] != ',' || s[4] != ' ' || !ieq(s + 26, 3, "gmt")) {
        return 0;
    }
    for (i = 0; i < 12; i++) {
        const char *mon = months + (size_t)i * 3u;
        if (lower((uint8_t)s[8]) == (uint8_t)mon[0] && lower((uint8_t)s[9]) == (uint8_t)mon[1] &&
            lower((uint8_t)s[10]) == (uint8_t)mon[2]) {
            m = (int32_t)i + 1;
        }
    }
    d = two_digits(s + 5);
    y = two_digits(s + 12) * 100 + two_digits(s + 14);
    hh = two_digits(s + 17);
    mi = two_digits(s + 20);
    ss = two_digits(s + 23);
    if (m < 0 || d < 1 || d > 31 || y < 1970 || hh < 0 || hh > 23 || mi < 0 || mi > 59 ||
        ss < 0 || ss > 60) {
        return 0;
    }
    /* days from civil (H. Hinnant's algorithm) */
    y -= m <= 2;
    era = y / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    /* 32-bit day count: 64-bit division would pull in libgcc helpers */
    return (int64_t)(era * 146097 + doe - 719468) * 86400 + (int64_t)hh * 3600 +
           (int64_t)mi * 60 + ss;
}
#endif /* DRIP_HTTP_EXTRAS */

/* Walk a comma-separated list; calls back per trimmed element via index. */
static size_t list_next(const char *v, size_t n, size_t *pos, size_t *len)
{
    size_t i = *pos, s, e;
    while (i < n && (is_ws((uint8_t)v[i]) || v[i] == ',')) {
        i++;
    }
    s = i;
    while (i < n && v[i] != ',') {
        i++;
    }
    e = i;
    while (e > s && is_ws((uint8_t)v[e - 1])) {
        e--;
    }
    *pos = i;
    *len = e - s;
    return s;
}

/* A kept header's value is complete: interpret it. */
static int header_done(drip_http_t *h)
{
    drip_http_head_t *hd = &h->head;
    const char *v = h->priv.val;
    size_t n = h->priv.val_len, pos = 0, s, len;
    int64_t num;

    while (n > 0 && is_ws((uint8_t)v[n - 1])) {
        n--;
    }
    switch (h->priv.hdr) {
    case H_CTYPE:
        if (n >= sizeof hd->content_type) {
            return DRIP_ERR_HTTP_HEADER_TOO_LONG;
        }
        memcpy(hd->content_type, v, n);
        hd->content_type[n] = '\0';
        break;
    case H_REQID:
        if (n >= sizeof hd->request_id) {
            return DRIP_ERR_HTTP_HEADER_TOO_LONG;
        }
        memcpy(hd->request_id, v, n);
        hd->request_id[n] = '\0';
        break;
    case H_CLEN: /* "5" or "5, 5": identical repeats only. A bad value is an
                  * error only if the body is not chunked (TE overrides CL,
                  * RFC 9112 6.3), so it is decided at the end of the head. */
        if (n == 0) {
            h->priv.flags |= FL_BAD_CL;
        }
        while (pos < n) {
            size_t i;
            uint64_t x = 0;
            s = list_next(v, n, &pos, &len);
            for (i = 0; i < len; i++) {
                char c = v[s + i];
                if (c < '0' || c > '9' || x > (UINT64_MAX - 9u) / 10u) {
                    break;
                }
                x = x * 10u + (uint64_t)(c - '0');
            }
            if (len == 0 || i < len || (hd->has_length && hd->content_length != x)) {
                h->priv.flags |= FL_BAD_CL;
                break;
            }
            hd->has_length = 1;
            hd->content_length = x;
        }
        break;
    case H_TE:
        while (pos < n) {
            s = list_next(v, n, &pos, &len);
            if (len == 0) {
                continue;
            }
            if (ieq(v + s, len, "chunked")) {
                hd->chunked = 1;
            } else if (ieq(v + s, len, "identity")) {
                hd->chunked = 0;
            } else {
                return DRIP_ERR_HTTP_CODING;
            }
        }
        break;
    case H_CE:
        if (n > 0 && !ieq(v, n, "identity")) {
            return DRIP_ERR_HTTP_CODING;
        }
        break;
    case H_CONN:
        while (pos < n) {
            s = list_next(v, n, &pos, &len);
            if (ieq(v + s, len, "close")) {
                hd->keep_alive = 0;
                h->priv.flags |= FL_CONN_SET | FL_CLOSE;
            } else if (ieq(v + s, len, "keep-alive") && !(h->priv.flags & FL_CLOSE)) {
                hd->keep_alive = 1;
                h->priv.flags |= FL_CONN_SET;
            }
        }
        break;
    case H_RETRY_AFTER:
        if (parse_num(v, n, 1000, 0, &num) == 0) {
            if (!(h->priv.flags & FL_RETRY_MS)) {
                hd->retry_after_ms = clamp_u32(num);
            }
        }
#if DRIP_HTTP_EXTRAS
        else {
            hd->retry_after_date = parse_http_date(v, n);
        }
#endif
        break;
    case H_RETRY_MS:
        if (parse_num(v, n, 1, 0, &num) == 0) {
            hd->retry_after_ms = clamp_u32(num);
            h->priv.flags |= FL_RETRY_MS;
        }
        break;
    case H_SHOULD_RETRY:
        if (ieq(v, n, "true")) {
            hd->should_retry = 1;
        } else if (ieq(v, n, "false")) {
            hd->should_retry = 0;
        } else {
            hd->should_retry = -1;
        }
        break;
#if DRIP_HTTP_EXTRAS
    case H_PROC_MS:
        if (parse_num(v, n, 1, 0, &num) == 0) {
            hd->processing_ms = clamp_u32(num);
        }
        break;
    case H_LIM_REQ:
    case H_LIM_TOK:
    case H_REM_REQ:
    case H_REM_TOK:
        if (parse_num(v, n, 1, 1, &num) == 0) {
            int64_t *dst[4];
            dst[0] = &hd->limit_requests;
            dst[1] = &hd->limit_tokens;
            dst[2] = &hd->remaining_requests;
            dst[3] = &hd->remaining_tokens;
            *dst[h->priv.hdr - H_LIM_REQ] = num;
        }
        break;
    case H_RESET_REQ:
        hd->reset_requests_ms = parse_duration_ms(v, n);
        break;
    case H_RESET_TOK:
        hd->reset_tokens_ms = parse_duration_ms(v, n);
        break;
#endif /* DRIP_HTTP_EXTRAS */
    default:
        break;
    }
    return 0;
}

static uint8_t header_id(const drip_http_t *h)
{
    size_t i;
    if (h->priv.name_len > sizeof h->priv.name) {
        return H_NONE;
    }
    for (i = 1; i < sizeof k_headers / sizeof k_headers[0]; i++) {
        if (strlen(k_headers[i]) == h->priv.name_len &&
            memcmp(k_headers[i], h->priv.name, h->priv.name_len) == 0) {
            return (uint8_t)i;
        }
    }
    return H_NONE;
}

/* The empty line after the headers: choose the body framing. */
static int headers_end(drip_http_t *h)
{
    drip_http_head_t *hd = &h->head;
    if (hd->status < 200) { /* interim response: read the next status line */
        new_head(h);
        return DRIP_AGAIN;
    }
    if (!(h->priv.flags & FL_CONN_SET)) {
        hd->keep_alive = (uint8_t)(hd->minor >= 1);
    }
    if ((h->priv.flags & FL_BAD_CL) && !hd->chunked) {
        return DRIP_ERR_HTTP_CONTENT_LENGTH;
    }
    if (hd->status == 204 || hd->status == 304) {
        h->priv.state = ST_DONE;
    } else if (hd->chunked) {
        h->priv.state = ST_CHUNK_SIZE;
        h->priv.remaining = 0; /* the size line accumulates here */
        h->priv.idx = 0;
    } else if (hd->has_length) {
        h->priv.remaining = hd->content_length;
        h->priv.state = hd->content_length == 0 ? ST_DONE : ST_BODY_LEN;
    } else {
        hd->keep_alive = 0; /* the close is the delimiter */
        h->priv.state = ST_BODY_CLOSE;
    }
    return DRIP_HTTP_HEAD;
}

/* Hand out up to `avail` body bytes at p (bounded by `remaining` unless close-delimited). */
static int body_span(drip_http_t *h, const uint8_t *p, size_t avail, size_t *adv)
{
    size_t k = avail;
    if (h->priv.state != ST_BODY_CLOSE && (uint64_t)k > h->priv.remaining) {
        k = (size_t)h->priv.remaining;
    }
    h->body = p;
    h->body_len = k;
    *adv = k;
    if (h->priv.state != ST_BODY_CLOSE) {
        h->priv.remaining -= k;
        if (h->priv.remaining == 0) {
            h->priv.state = h->priv.state == ST_BODY_LEN ? ST_DONE : ST_CHUNK_DATA_CR;
        }
    }
    return DRIP_HTTP_BODY;
}

/* One byte of the status line / header section / chunk framing.
 * Returns DRIP_AGAIN to go on, a ready code, or an error. */
static int step(drip_http_t *h, uint8_t c)
{
    drip_http_head_t *hd = &h->head;
    static const char proto[] = "HTTP/1.";

    if (h->priv.cr) { /* after CR only LF may follow in the head */
        h->priv.cr = 0;
        if (c != '\n') {
            return h->priv.state <= ST_REASON ? DRIP_ERR_HTTP_STATUS_LINE : DRIP_ERR_HTTP_HEADER;
        }
    } else if (c == '\r' && h->priv.state <= ST_HDR_VALUE && h->priv.state != ST_STATUS &&
               h->priv.state != ST_MINOR && h->priv.state != ST_SP && h->priv.state != ST_CODE) {
        h->priv.cr = 1; /* wait for the LF, then handle the line end */
        return DRIP_AGAIN;
    }

    switch (h->priv.state) {
    case ST_STATUS:
        if (c != (uint8_t)proto[h->priv.idx]) {
            return DRIP_ERR_HTTP_STATUS_LINE;
        }
        if (++h->priv.idx == sizeof proto - 1u) {
            h->priv.state = ST_MINOR;
        }
        return DRIP_AGAIN;
    case ST_MINOR:
        if (c != '0' && c != '1') {
            return DRIP_ERR_HTTP_STATUS_LINE;
        }
        hd->minor = (uint8_t)(c - '0');
        h->priv.state = ST_SP;
        return DRIP_AGAIN;
    case ST_SP:
        if (c != ' ') {
            return DRIP_ERR_HTTP_STATUS_LINE;
        }
        h->priv.state = ST_CODE;
        h->priv.idx = 0;
        hd->status = 0;
        return DRIP_AGAIN;
    case ST_CODE:
        if (c < '0' || c > '9' || (h->priv.idx == 0 && c == '0')) {
            return DRIP_ERR_HTTP_STATUS_LINE;
        }
        hd->status = hd->status * 10 + (c - '0');
        if (++h->priv.idx == 3) {
            h->priv.state = ST_AFTER_CODE;
        }
        return DRIP_AGAIN;
    case ST_AFTER_CODE:
        if (c == ' ') {
            h->priv.state = ST_REASON;
            return DRIP_AGAIN;
        }
        if (c != '\n') {
            return DRIP_ERR_HTTP_STATUS_LINE;
        }
        h->priv.state = ST_HDR_START;
        return DRIP_AGAIN;
    case ST_REASON:
        if (c == '\n') {
            h->priv.state = ST_HDR_START;
        }
        return DRIP_AGAIN;
    case ST_HDR_START:
        if (c == '\n') {
            return headers_end(h);
        }
        if (is_ws(c)) {
            return DRIP_ERR_HTTP_OBS_FOLD;
        }
        h->priv.name_len = 0;
        h->priv.state = ST_HDR_NAME;
        /* c is the first name byte */
        /* fall through */
    case ST_HDR_NAME:
        if (c == ':') {
            if (h->priv.name_len == 0) {
                return DRIP_ERR_HTTP_HEADER;
            }
            h->priv.hdr = header_id(h);
            h->priv.val_len = 0;
            h->priv.flags &= (uint8_t)~FL_WS_OVER;
            h->priv.state = ST_HDR_OWS;
            return DRIP_AGAIN;
        }
        if (c <= ' ' || c == 0x7f) {
            return DRIP_ERR_HTTP_HEADER; /* whitespace, CTL or line end in a name */
        }
        if (h->priv.name_len < sizeof h->priv.name) {
            h->priv.name[h->priv.name_len] = (char)lower(c);
        }
        if (h->priv.name_len <= sizeof h->priv.name) {
            h->priv.name_len++;
        }
        return DRIP_AGAIN;
    case ST_HDR_OWS:
        if (is_ws(c)) {
            return DRIP_AGAIN;
        }
        h->priv.state = ST_HDR_VALUE;
        /* fall through */
    case ST_HDR_VALUE:
        if (c == 0) {
            return DRIP_ERR_HTTP_HEADER;
        }
        if (c == '\n') {
            int e = header_done(h);
            h->priv.state = ST_HDR_START;
            return e != 0 ? e : DRIP_AGAIN;
        }
        if (h->priv.hdr != H_NONE) {
            if (h->priv.val_len >= sizeof h->priv.val) {
                /* white space past the buffer may be trailing OWS, which
                 * is not part of the value: fail only if more follows */
                if (is_ws(c)) {
                    h->priv.flags |= FL_WS_OVER;
                    return DRIP_AGAIN;
                }
                return DRIP_ERR_HTTP_HEADER_TOO_LONG;
            }
            if ((h->priv.flags & FL_WS_OVER) != 0) {
                return DRIP_ERR_HTTP_HEADER_TOO_LONG;
            }
            h->priv.val[h->priv.val_len++] = (char)c;
        }
        return DRIP_AGAIN;

    case ST_CHUNK_SIZE: {
        int v = hexval(c);
        if (v >= 0) {
            if (h->priv.remaining > (UINT64_MAX >> 4)) {
                return DRIP_ERR_HTTP_CHUNK_OVERFLOW;
            }
            h->priv.remaining = (h->priv.remaining << 4) | (uint64_t)v;
            h->priv.idx = 1;
            return DRIP_AGAIN;
        }
        if (h->priv.idx == 0) {
            return DRIP_ERR_HTTP_CHUNK_SIZE;
        }
        h->priv.flags &= (uint8_t)~FL_EXT;
        if (c == ';') {
            h->priv.state = ST_CHUNK_EXT;
        } else if (is_ws(c)) {
            h->priv.state = ST_CHUNK_WS;
        } else if (c == '\r') {
            h->priv.state = ST_CHUNK_SIZE_LF;
        } else if (c == '\n') {
            return DRIP_ERR_HTTP_CHUNK_CRLF;
        } else {
            return DRIP_ERR_HTTP_CHUNK_SIZE;
        }
        return DRIP_AGAIN;
    }
    case ST_CHUNK_WS: /* BWS is allowed only before a ';' */
        if (c == ';') {
            h->priv.state = ST_CHUNK_EXT;
        } else if (!is_ws(c)) {
            return DRIP_ERR_HTTP_CHUNK_SIZE;
        }
        return DRIP_AGAIN;
    case ST_CHUNK_EXT:
        h->priv.flags |= FL_EXT;
        if (c == '\r') {
            h->priv.state = ST_CHUNK_SIZE_LF;
        } else if (c == '\n') {
            return DRIP_ERR_HTTP_CHUNK_EXT;
        }
        return DRIP_AGAIN;
    case ST_CHUNK_SIZE_LF:
        if (c != '\n') {
            return (h->priv.flags & FL_EXT) ? DRIP_ERR_HTTP_CHUNK_EXT : DRIP_ERR_HTTP_CHUNK_CRLF;
        }
        /* the size read is what remains of the chunk */
        h->priv.state = h->priv.remaining == 0 ? ST_TRAILER_START : ST_CHUNK_DATA;
        return DRIP_AGAIN;
    case ST_CHUNK_DATA_CR:
        if (c != '\r') {
            return DRIP_ERR_HTTP_CHUNK_CRLF;
        }
        h->priv.state = ST_CHUNK_DATA_LF;
        return DRIP_AGAIN;
    case ST_CHUNK_DATA_LF:
        if (c != '\n') {
            return DRIP_ERR_HTTP_CHUNK_CRLF;
        }
        h->priv.state = ST_CHUNK_SIZE;
        h->priv.remaining = 0; /* 0 already: the chunk's data was all handed out */
        h->priv.idx = 0;
        return DRIP_AGAIN;
    case ST_TRAILER_START:
        if (c == '\r') {
            h->priv.state = ST_TRAILER_END_LF;
            return DRIP_AGAIN;
        }
        if (c == '\n') {
            return DRIP_ERR_HTTP_CHUNK_CRLF; /* bare LF after the last chunk */
        }
        if (is_ws(c) || c == ':' || c < ' ') {
            return DRIP_ERR_HTTP_TRAILER;
        }
        h->priv.state = ST_TRAILER_NAME;
        return DRIP_AGAIN;
    case ST_TRAILER_NAME:
        if (c == ':') {
            h->priv.state = ST_TRAILER_VALUE;
            h->priv.idx = 0;
        } else if (c <= ' ') {
            return DRIP_ERR_HTTP_TRAILER;
        }
        return DRIP_AGAIN;
    case ST_TRAILER_VALUE:
        if (h->priv.idx == 1) { /* previous byte was CR */
            h->priv.idx = 0;
            if (c != '\n') {
                return DRIP_ERR_HTTP_TRAILER;
            }
            h->priv.state = ST_TRAILER_START;
        } else if (c == '\r') {
            h->priv.idx = 1;
        } else if (c == '\n') {
            h->priv.state = ST_TRAILER_START; /* bare LF tolerated in trailer fields */
        } else if (c == 0) {
            return DRIP_ERR_HTTP_TRAILER;
        }
        return DRIP_AGAIN;
    case ST_TRAILER_END_LF:
        if (c != '\n') {
            return DRIP_ERR_HTTP_CHUNK_CRLF;
        }
        h->priv.state = ST_DONE;
        return DRIP_HTTP_DONE;
    default:
        return DRIP_ERR_STATE;
    }
}

int drip_http_feed(drip_http_t *h, const uint8_t *p, size_t n, size_t *used)
{
    size_t i = 0;
    int rc = DRIP_AGAIN;

    if (h == NULL || used == NULL || (p == NULL && n > 0)) {
        return DRIP_ERR_ARG;
    }
    *used = 0;
    if (h->priv.err != 0) {
        return h->priv.err;
    }
    h->body = NULL;
    h->body_len = 0;
    while (rc == DRIP_AGAIN && i < n) {
        uint8_t st = h->priv.state;
        if (st == ST_DONE) {
            break;
        }
        if (st == ST_BODY_LEN || st == ST_BODY_CLOSE || st == ST_CHUNK_DATA) {
            size_t adv;
            rc = body_span(h, p + i, n - i, &adv);
            i += adv;
        } else {
            rc = step(h, p[i]);
            if (rc < 0 && rc != DRIP_AGAIN) {
                break; /* the offending byte is not consumed */
            }
            i++;
        }
    }
    if (h->priv.state == ST_DONE && rc == DRIP_AGAIN) {
        rc = DRIP_HTTP_DONE;
        i = n; /* bytes after the message are ignored */
    }
    if (rc < 0 && rc != DRIP_AGAIN) {
        h->priv.err = rc;
    }
    *used = i;
    return rc;
}

int drip_http_finish(drip_http_t *h)
{
    if (h == NULL) {
        return DRIP_ERR_ARG;
    }
    if (h->priv.err != 0) {
        return h->priv.err;
    }
    if (h->priv.state == ST_BODY_CLOSE) {
        h->priv.state = ST_DONE;
    }
    if (h->priv.state != ST_DONE) {
        h->priv.err = DRIP_ERR_HTTP_TRUNCATED;
        return DRIP_ERR_HTTP_TRUNCATED;
    }
    return DRIP_HTTP_DONE;
}
