/* SPDX-License-Identifier: Apache-2.0 */
/* Layer 3: SSE event-stream parser. Rules: docs/spec/sse.md (WHATWG).
 *
 * Decisions where the spec page is silent (written down as asked):
 * - `retry:` values too large for 32 bits saturate at UINT32_MAX ms (WHATWG
 *   has no upper bound; a wrap would be wrong, a cap is harmless).
 * - An `event:` or `id:` value longer than its fixed buffer is a sticky
 *   DRIP_ERR_SSE_FIELD_TOO_LONG: cutting it would change its meaning.
 * - A data line is joined with LF *before* the next data line rather than
 *   appended after each line and stripped at dispatch; the result is the
 *   same and the buffer holds exactly the dispatched size.
 */
#include "dripfeed/drip_sse.h"

#include <string.h>

enum { ST_BOM, ST_LINE, ST_NAME, ST_VALUE_START, ST_VALUE, ST_SKIP };
enum { F_NONE, F_EVENT, F_DATA, F_ID, F_RETRY };

static const uint8_t k_lf = '\n';

static void clear_event(drip_sse_t *s)
{
    s->priv.len = 0;
    s->priv.size = 0;
    s->priv.has_data = 0;
    s->priv.need_sep = 0;
    s->priv.oversize = 0;
    s->priv.type_len = 0;
}

static void start(drip_sse_t *s, int keep_ids)
{
    s->priv.err = 0;
    s->priv.state = ST_BOM; /* every response body may start with a BOM */
    s->priv.bom = 0;
    s->priv.skip_lf = 0;
    s->priv.eol = '\n';
    s->priv.dispatched = 0;
    s->priv.name_len = 0;
    s->priv.field = F_NONE;
    clear_event(s);
    if (keep_ids) {
        /* A reconnect sent the last-event-id string: an id read after it
         * but never dispatched is forgotten with its event. */
        uint8_t b = s->priv.id_buf, st = s->priv.id_str;
        memcpy(s->priv.id[b], s->priv.id[st], s->priv.id_len[st]);
        s->priv.id_len[b] = s->priv.id_len[st];
    } else {
        s->priv.has_retry = 0;
        s->priv.retry = 0;
        s->priv.id_line = 0;
        s->priv.id_buf = 1;
        s->priv.id_str = 2;
        s->priv.id_len[0] = s->priv.id_len[1] = s->priv.id_len[2] = 0;
    }
    s->piece = NULL;
    s->piece_len = 0;
    memset(&s->ev, 0, sizeof s->ev);
}

drip_err_t drip_sse_init(drip_sse_t *s, uint8_t *buf, size_t cap)
{
    if (s == NULL || buf == NULL || cap == 0) {
        return DRIP_ERR_ARG;
    }
    memset(s, 0, sizeof *s);
    s->priv.buf = buf;
    s->priv.cap = cap;
    start(s, 0);
    return DRIP_OK;
}

drip_err_t drip_sse_reset(drip_sse_t *s)
{
    if (s == NULL || s->priv.buf == NULL) {
        return DRIP_ERR_ARG;
    }
    start(s, 0);
    return DRIP_OK;
}

drip_err_t drip_sse_resume(drip_sse_t *s)
{
    if (s == NULL || s->priv.buf == NULL) {
        return DRIP_ERR_ARG;
    }
    start(s, 1);
    return DRIP_OK;
}

const char *drip_sse_last_id(const drip_sse_t *s, size_t *len)
{
    *len = s->priv.id_len[s->priv.id_str];
    return s->priv.id[s->priv.id_str];
}

int drip_sse_retry(const drip_sse_t *s, uint32_t *ms)
{
    *ms = s->priv.retry;
    return s->priv.has_retry;
}

const char *drip_sse_type(const drip_sse_t *s, size_t *len)
{
    *len = s->priv.type_len;
    return s->priv.type;
}

/* Field name -> field id, once the name is complete. */
static uint8_t field_of(const drip_sse_t *s)
{
    const char *nm = s->priv.name;
    switch (s->priv.name_len) {
    case 2:
        return memcmp(nm, "id", 2) == 0 ? F_ID : F_NONE;
    case 4:
        return memcmp(nm, "data", 4) == 0 ? F_DATA : F_NONE;
    case 5:
        if (memcmp(nm, "event", 5) == 0) {
            return F_EVENT;
        }
        return memcmp(nm, "retry", 5) == 0 ? F_RETRY : F_NONE;
    default:
        return F_NONE;
    }
}

/* The field name ended (at ':' or at the line end): prepare for its value. */
static void begin_field(drip_sse_t *s, uint8_t field)
{
    s->priv.field = field;
    switch (field) {
    case F_EVENT:
        s->priv.type_len = 0;
        break;
    case F_DATA:
        if (s->priv.has_data) {
            s->priv.need_sep = 1; /* LF joins this line to the previous one */
        }
        s->priv.has_data = 1;
        break;
    case F_ID:
        s->priv.id_len[s->priv.id_line] = 0;
        s->priv.id_nul = 0;
        break;
    case F_RETRY:
        s->priv.retry_acc = 0;
        s->priv.retry_ok = 0;
        break;
    default:
        break;
    }
}

/* The line of the current field ended. */
static void end_field(drip_sse_t *s)
{
    if (s->priv.field == F_ID && !s->priv.id_nul) {
        uint8_t t = s->priv.id_buf; /* the line becomes the id buffer */
        s->priv.id_buf = s->priv.id_line;
        s->priv.id_line = t;
    } else if (s->priv.field == F_RETRY && s->priv.retry_ok) {
        s->priv.retry = s->priv.retry_acc;
        s->priv.has_retry = 1;
    }
    s->priv.field = F_NONE;
}

/* Append value bytes of a non-data field. Returns 0 or an error. */
static int small_value(drip_sse_t *s, const uint8_t *p, size_t k)
{
    size_t i;
    switch (s->priv.field) {
    case F_EVENT:
        if (k > (size_t)DRIP_SSE_TYPE_MAX - s->priv.type_len) {
            return DRIP_ERR_SSE_FIELD_TOO_LONG;
        }
        memcpy(s->priv.type + s->priv.type_len, p, k);
        s->priv.type_len = (uint8_t)(s->priv.type_len + k);
        break;
    case F_ID: {
        uint8_t *len = &s->priv.id_len[s->priv.id_line];
        if (k > (size_t)DRIP_SSE_ID_MAX - *len) {
            return DRIP_ERR_SSE_FIELD_TOO_LONG;
        }
        if (memchr(p, 0, k) != NULL) {
            s->priv.id_nul = 1; /* an id with NUL is ignored (WHATWG) */
        }
        memcpy(s->priv.id[s->priv.id_line] + *len, p, k);
        *len = (uint8_t)(*len + k);
        break;
    }
    case F_RETRY:
        for (i = 0; i < k; i++) {
            uint8_t c = p[i];
            if (c < '0' || c > '9') {
                s->priv.retry_ok = 0;
                s->priv.field = F_NONE; /* rest of the line is irrelevant */
                return 0;
            }
            {
                uint64_t v = (uint64_t)s->priv.retry_acc * 10u + (uint32_t)(c - '0');
                s->priv.retry_acc = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
            }
            s->priv.retry_ok = 1;
        }
        break;
    default:
        break;
    }
    return 0;
}

/* Make room for k data bytes. Returns 1 when the event just went oversize and
 * the buffered prefix must first be handed out as a piece. */
static int overflow(drip_sse_t *s, size_t k)
{
    if (s->priv.oversize || k <= s->priv.cap - s->priv.len) {
        return 0;
    }
    s->priv.oversize = 1;
    if (s->priv.len == 0) {
        return 0;
    }
    s->piece = s->priv.buf;
    s->piece_len = s->priv.len;
    s->priv.len = 0;
    return 1;
}

/* Emit the pending LF separator. Returns a ready code or 0. */
static int emit_sep(drip_sse_t *s)
{
    if (overflow(s, 1)) {
        return DRIP_SSE_DATA;
    }
    s->priv.need_sep = 0;
    s->priv.size++;
    if (s->priv.oversize) {
        s->piece = &k_lf;
        s->piece_len = 1;
        return DRIP_SSE_DATA;
    }
    s->priv.buf[s->priv.len++] = '\n';
    return 0;
}

static int dispatch(drip_sse_t *s)
{
    drip_sse_event_t *ev = &s->ev;
    uint8_t b = s->priv.id_buf, st = s->priv.id_str;

    /* 1. last-event-id string := buffer, on every blank line (OpenAI sends
     * no ids: skip the call for an empty one) */
    if (s->priv.id_len[b] > 0) {
        memcpy(s->priv.id[st], s->priv.id[b], s->priv.id_len[b]);
    }
    s->priv.id_len[st] = s->priv.id_len[b];
    if (!s->priv.has_data) {
        s->priv.type_len = 0; /* 2. nothing to dispatch */
        return 0;
    }
    if (s->priv.type_len > 0) {
        ev->type = s->priv.type;
        ev->type_len = s->priv.type_len;
    } else {
        ev->type = "message";
        ev->type_len = 7;
    }
    ev->oversize = s->priv.oversize;
    ev->data = s->priv.oversize ? NULL : s->priv.buf;
    ev->data_len = s->priv.oversize ? 0 : s->priv.len;
    ev->size = s->priv.size;
    ev->id = s->priv.id[st];
    ev->id_len = s->priv.id_len[st];
    s->priv.dispatched = 1; /* buffers are cleared on the next feed */
    return DRIP_SSE_EVENT;
}

/* Index of the first CR or LF in p[0..n), or n. Two memchr passes instead of
 * a byte loop (libc searches a word or a vector at a time): first for the
 * byte that ended the last line, then for the other one before it. Searched
 * in that order, each pass stops near its start (OpenAI: LF found at the line
 * end, no CR before it; CRLF: CR at the line end); a fixed order would run to
 * the end of the feed on every line of a stream that never sends that byte. */
static size_t line_span(const uint8_t *p, size_t n, uint8_t eol)
{
    const uint8_t *e = memchr(p, eol, n);
    size_t k = e != NULL ? (size_t)(e - p) : n;
    e = memchr(p, eol ^ ('\n' ^ '\r'), k); /* the other one */
    return e != NULL ? (size_t)(e - p) : k;
}

/* Field-name bytes from p[i..n) up to ':', CR or LF. Returns the new i.
 * Only the first sizeof name bytes are kept; name_len saturates one past it
 * (a name that long matches no field). */
static size_t read_name(drip_sse_t *s, const uint8_t *p, size_t i, size_t n)
{
    uint8_t nl = s->priv.name_len;
    while (i < n) {
        uint8_t c = p[i];
        if (c == ':' || c == '\r' || c == '\n') {
            break;
        }
        if (nl < sizeof s->priv.name) {
            s->priv.name[nl] = (char)c;
        }
        if (nl <= sizeof s->priv.name) {
            nl++;
        }
        i++;
    }
    s->priv.name_len = nl;
    return i;
}

int drip_sse_feed(drip_sse_t *s, const uint8_t *p, size_t n, size_t *used)
{
    static const uint8_t bom[3] = {0xEFu, 0xBBu, 0xBFu};
    size_t i = 0;
    int rc = DRIP_AGAIN;

    if (s == NULL || used == NULL || (p == NULL && n > 0) || s->priv.buf == NULL) {
        return DRIP_ERR_ARG;
    }
    *used = 0;
    if (s->priv.err != 0) {
        return s->priv.err;
    }
    if (s->priv.dispatched) {
        s->priv.dispatched = 0;
        clear_event(s);
    }
    /* One pass of this loop reads a whole line when the feed holds it: the
     * states fall through from line start to name to value to line end. */
    while (rc == DRIP_AGAIN) {
        uint8_t c, f;
        if (s->priv.need_sep && s->priv.state != ST_NAME) {
            rc = emit_sep(s);
            if (rc != 0) {
                break;
            }
            rc = DRIP_AGAIN;
        }
        if (i >= n) {
            break;
        }
        c = p[i];
        if (s->priv.skip_lf) {
            s->priv.skip_lf = 0;
            if (c == '\n') { /* second half of a CRLF, maybe from the last feed */
                i++;
                continue;
            }
        }
        switch (s->priv.state) {
        case ST_BOM:
            if (c == bom[s->priv.bom]) {
                i++;
                if (++s->priv.bom == 3) {
                    s->priv.state = ST_LINE;
                }
                break;
            }
            if (s->priv.bom == 0) {
                s->priv.state = ST_LINE;
                break;
            }
            /* A partial BOM starts a field name that can match nothing. */
            s->priv.name_len = sizeof s->priv.name + 1;
            s->priv.state = ST_NAME;
            break;
        case ST_LINE:
            if (c == '\r' || c == '\n') {
                i++;
                s->priv.skip_lf = (uint8_t)(c == '\r');
                rc = dispatch(s);
                if (rc == 0) {
                    rc = DRIP_AGAIN;
                }
                break;
            }
            if (c == ':') {
                s->priv.field = F_NONE; /* comment: skip the line */
                s->priv.state = ST_SKIP;
                break;
            }
            s->priv.name_len = 0;
            s->priv.state = ST_NAME;
            /* fall through */
        case ST_NAME:
            /* The two names OpenAI sends, whole in this feed: no byte loop. */
            if (s->priv.name_len == 0 && n - i >= 5 && memcmp(p + i, "data:", 5) == 0) {
                f = F_DATA;
                i += 4;
            } else if (s->priv.name_len == 0 && n - i >= 6 && memcmp(p + i, "event:", 6) == 0) {
                f = F_EVENT;
                i += 5;
            } else {
                i = read_name(s, p, i, n);
                if (i >= n) {
                    break; /* the name goes on in the next feed */
                }
                f = s->priv.name_len <= sizeof s->priv.name ? field_of(s) : F_NONE;
            }
            c = p[i];
            begin_field(s, f);
            if (c != ':') {
                s->priv.state = ST_VALUE; /* empty value; line end below */
                break;
            }
            i++;
            s->priv.state = ST_VALUE_START;
            if (s->priv.need_sep || i >= n) {
                break; /* the LF joining data lines goes out first */
            }
            c = p[i];
            /* fall through */
        case ST_VALUE_START:
            s->priv.state = ST_VALUE;
            if (c == ' ') {
                i++; /* exactly one leading space is dropped */
                if (i >= n) {
                    break;
                }
                c = p[i];
            }
            /* fall through */
        case ST_VALUE:
        case ST_SKIP: {
            size_t k = line_span(p + i, n - i, s->priv.eol);
            if (k > 0) {
                if (s->priv.state == ST_SKIP) {
                    /* comment or unknown field: nothing to keep */
                } else if (s->priv.field == F_DATA) {
                    if (overflow(s, k)) {
                        rc = DRIP_SSE_DATA;
                        break;
                    }
                    s->priv.size += k;
                    if (s->priv.oversize) {
                        s->piece = p + i;
                        s->piece_len = k;
                        i += k;
                        rc = DRIP_SSE_DATA;
                        break;
                    }
                    memcpy(s->priv.buf + s->priv.len, p + i, k); /* the run at once */
                    s->priv.len += k;
                } else {
                    int e = small_value(s, p + i, k);
                    if (e != 0) {
                        s->priv.err = e;
                        rc = e;
                        break;
                    }
                }
                i += k;
                if (i >= n) {
                    break; /* the line goes on in the next feed */
                }
                c = p[i];
            }
            /* c is CR or LF: the line ends */
            i++;
            s->priv.skip_lf = (uint8_t)(c == '\r');
            s->priv.eol = c;
            if (s->priv.state == ST_VALUE) {
                end_field(s);
            }
            s->priv.state = ST_LINE;
            break;
        }
        default:
            break;
        }
    }
    *used = i;
    return rc;
}
