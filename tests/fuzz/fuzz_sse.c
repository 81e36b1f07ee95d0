/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_sse: the SSE parser over arbitrary body bytes.
 *
 * Input: [cap byte][split mode][split param] then the event-stream body.
 * The data buffer is 1..64 bytes (cap byte % 64 + 1), so most events go
 * through the oversize pass-through. FZ_GUARD guard bytes follow the buffer
 * and are checked after every feed. The body is parsed twice, fed at once
 * and in the pieces the control bytes choose; both runs must dispatch the
 * same events (type, id, size, data; an oversize event's pieces are compared
 * as the bytes they add up to, since a piece may point into the input and so
 * depends on the split), stop with the same error, and end with the same
 * last-event-id and retry.
 *
 * Checked on every call: `used` <= n, DRIP_AGAIN consumed everything; an
 * event's data lies in the buffer (data_len <= cap, data_len == size); an
 * oversize event has data == NULL and its pieces add up to exactly `size`
 * bytes; a piece lies in the buffer, in this feed's bytes, or is the single
 * LF between data lines; type/id views have the lengths their limits allow;
 * errors are sticky.
 */
#include <dripfeed/drip_sse.h>

#include "fuzz_common.h"

#define CTRL 3u
#define MAX_CAP 64u

typedef struct run {
    fz_log_t log;
    uint8_t *pieces;    /* the oversize event being read, from its pieces */
    size_t npieces;     /* bytes in `pieces` */
    size_t piece_calls;
    int err;
} run_t;

static void check_piece(const drip_sse_t *s, const uint8_t *buf, size_t cap, const uint8_t *p,
                        size_t n)
{
    FZ_CHECK(s->piece != NULL && s->piece_len > 0, "empty DRIP_SSE_DATA piece");
    FZ_CHECK(fz_inside(s->piece, s->piece_len, buf, cap) || fz_inside(s->piece, s->piece_len, p, n) ||
                 (s->piece_len == 1 && s->piece[0] == '\n'),
             "piece [%p,+%zu) neither in the buffer nor in the fed bytes", (const void *)s->piece,
             s->piece_len);
    FZ_CHECK(memchr(s->piece, '\r', s->piece_len) == NULL, "CR inside a data piece");
    if (s->piece_len > 1 || s->piece[0] != '\n') {
        /* a piece from the input never spans a line end */
        FZ_CHECK(!fz_inside(s->piece, s->piece_len, p, n) ||
                     memchr(s->piece, '\n', s->piece_len) == NULL,
                 "LF inside a data piece taken from the input");
    }
}

static void on_event(run_t *r, const drip_sse_t *s, const uint8_t *buf, size_t cap)
{
    const drip_sse_event_t *ev = &s->ev;
    FZ_CHECK(ev->type != NULL && ev->type_len > 0 && ev->type_len <= DRIP_SSE_TYPE_MAX,
             "event type length %zu", ev->type_len);
    FZ_CHECK(ev->id != NULL && ev->id_len <= DRIP_SSE_ID_MAX, "event id length %zu", ev->id_len);
    FZ_CHECK(memchr(ev->id, 0, ev->id_len) == NULL, "an id with NUL is ignored, yet dispatched");
    fz_logf(&r->log, "EVENT type=");
    fz_log_bytes(&r->log, ev->type, ev->type_len);
    fz_logf(&r->log, " id=");
    fz_log_bytes(&r->log, ev->id, ev->id_len);
    fz_logf(&r->log, " size=%zu oversize=%d data=", ev->size, ev->oversize);
    if (ev->oversize) {
        FZ_CHECK(ev->data == NULL && ev->data_len == 0, "oversize event with data");
        FZ_CHECK(ev->size > cap, "oversize event of %zu bytes fits the %zu-byte buffer", ev->size,
                 cap);
        FZ_CHECK(r->npieces == ev->size, "oversize event: pieces add up to %zu bytes, size %zu",
                 r->npieces, ev->size);
        fz_log_bytes(&r->log, r->pieces, r->npieces);
    } else {
        FZ_CHECK(r->npieces == 0, "pieces (%zu bytes) for an event that is not oversize",
                 r->npieces);
        FZ_CHECK(ev->data == buf && ev->data_len <= cap, "data view outside the buffer");
        FZ_CHECK(ev->data_len == ev->size, "data_len %zu != size %zu", ev->data_len, ev->size);
        FZ_CHECK(memchr(ev->data, '\r', ev->data_len) == NULL, "CR inside event data");
        fz_log_bytes(&r->log, ev->data, ev->data_len);
    }
    fz_logf(&r->log, "\n");
    r->npieces = 0;
}

/* Feed [p, p+n) until used up; returns 1 after a (sticky) error. */
static int feed_piece(drip_sse_t *s, run_t *r, uint8_t *buf, size_t cap, const uint8_t *p,
                      size_t n)
{
    int guard = 0;
    do {
        size_t used = 999999;
        int rc = drip_sse_feed(s, p, n, &used);
        fz_guard_check(buf + cap, FZ_GUARD, "the SSE data buffer");
        FZ_CHECK(used <= n, "used %zu > n %zu", used, n);
        FZ_CHECK(++guard < 10000000, "no progress");
        if (rc == DRIP_AGAIN) {
            FZ_CHECK(used == n, "DRIP_AGAIN but used %zu of %zu", used, n);
        } else if (rc == DRIP_SSE_DATA) {
            size_t tl;
            check_piece(s, buf, cap, p, n);
            memcpy(r->pieces + r->npieces, s->piece, s->piece_len);
            r->npieces += s->piece_len;
            r->piece_calls++;
            (void)drip_sse_type(s, &tl);
            FZ_CHECK(tl <= DRIP_SSE_TYPE_MAX, "type length %zu", tl);
        } else if (rc == DRIP_SSE_EVENT) {
            on_event(r, s, buf, cap);
        } else {
            FZ_CHECK(rc == DRIP_ERR_SSE_FIELD_TOO_LONG, "unexpected feed result %d", rc);
            r->err = rc;
            fz_logf(&r->log, "ERROR %d pending=%zu\n", rc, r->npieces);
            return 1;
        }
        p += used;
        n -= used;
    } while (n > 0);
    return 0;
}

static void run_one(run_t *r, uint8_t *buf, size_t cap, const uint8_t *data, size_t n,
                    fz_split_t *split)
{
    drip_sse_t s;
    size_t off = 0, idl;
    const char *id;
    uint32_t ms = 0;
    int stop = 0, has;

    fz_log_reset(&r->log);
    r->npieces = r->piece_calls = 0;
    r->err = 0;
    FZ_CHECK(drip_sse_init(&s, buf, cap) == DRIP_OK, "init");
    while (off < n && !stop) {
        size_t k = split ? fz_split_next(split, n - off) : n - off;
        stop = feed_piece(&s, r, buf, cap, data + off, k);
        off += k;
    }
    if (r->err != 0) {
        size_t used = 7;
        int rc = drip_sse_feed(&s, (const uint8_t *)"\n\n", 2, &used);
        FZ_CHECK(rc == r->err && used == 0, "error %d not sticky: %d, used %zu", r->err, rc, used);
    } else {
        /* the pieces of an unfinished oversize event: compare them too */
        fz_logf(&r->log, "PENDING ");
        fz_log_bytes(&r->log, r->pieces, r->npieces);
        fz_logf(&r->log, "\n");
    }
    id = drip_sse_last_id(&s, &idl);
    FZ_CHECK(idl <= DRIP_SSE_ID_MAX, "last id length %zu", idl);
    fz_logf(&r->log, "LAST_ID ");
    fz_log_bytes(&r->log, id, idl);
    has = drip_sse_retry(&s, &ms);
    fz_logf(&r->log, "\nRETRY %d %lu\n", has, has ? (unsigned long)ms : 0ul);
    fz_guard_check(buf + cap, FZ_GUARD, "the SSE data buffer");
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
    static run_t a, b;
    fz_split_t split;
    uint8_t *buf, *data;
    size_t cap, n;

    if (size < CTRL) {
        return 0;
    }
    cap = 1u + in[0] % MAX_CAP;
    n = size - CTRL;
    data = fz_dup_guarded(in + CTRL, n);
    /* pieces add up to at most the body plus one LF per line: 2n is plenty */
    a.pieces = (uint8_t *)malloc(2u * n + 1u);
    b.pieces = (uint8_t *)malloc(2u * n + 1u);
    buf = (uint8_t *)malloc(cap + FZ_GUARD);
    memset(buf, 0, cap);
    fz_guard_set(buf + cap, FZ_GUARD);

    run_one(&a, buf, cap, data, n, NULL);
    fz_split_init(&split, in[1], in[2]);
    run_one(&b, buf, cap, data, n, &split);
    fz_log_same("fuzz_sse", "fed at once", &a.log, "fed in pieces", &b.log);
    fz_guard_check(data + n, FZ_GUARD, "the input");

    free(buf);
    free(a.pieces);
    free(b.pieces);
    free(data);
    return 0;
}
