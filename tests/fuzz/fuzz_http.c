/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_http: the HTTP/1.1 reader over arbitrary bytes.
 *
 * Input: [split mode][split param] then the raw response bytes.
 * The response is read twice, once fed at once and once in the pieces the
 * two control bytes choose (fixed sizes, random sizes, random sizes with
 * empty feeds, or one cut). Both runs must report the same head fields, the
 * same body bytes, the same ready codes and error, and the same
 * drip_http_finish() result. Checked on every call: `used` <= n; DRIP_AGAIN
 * consumed everything; a body view lies inside the bytes of this very feed
 * and ends where `used` says; errors and DONE are sticky; a body of known
 * Content-Length has exactly that many bytes.
 */
#include <dripfeed/drip_http.h>

#include "fuzz_common.h"

#define CTRL 2u

static void log_head(fz_log_t *l, const drip_http_head_t *hd)
{
    FZ_CHECK(hd->status >= 200 && hd->status <= 999, "final status %d out of 200..999", hd->status);
    FZ_CHECK(hd->minor <= 1, "minor version %u", hd->minor);
    FZ_CHECK(memchr(hd->content_type, 0, sizeof hd->content_type) != NULL,
             "content_type not NUL-terminated");
    FZ_CHECK(memchr(hd->request_id, 0, sizeof hd->request_id) != NULL,
             "request_id not NUL-terminated");
    fz_logf(l, "HEAD status=%d minor=%u chunked=%u has_length=%u keep_alive=%u cl=%llu\n",
            hd->status, hd->minor, hd->chunked, hd->has_length, hd->keep_alive,
            (unsigned long long)(hd->has_length ? hd->content_length : 0));
    fz_logf(l, "  ctype=");
    fz_log_bytes(l, hd->content_type, strlen(hd->content_type));
    fz_logf(l, " reqid=");
    fz_log_bytes(l, hd->request_id, strlen(hd->request_id));
    fz_logf(l,
            "\n  retry_ms=%lu retry_date=%lld proc_ms=%lu should_retry=%d lim=%lld,%lld rem=%lld,%lld"
            " reset=%lu,%lu\n",
            (unsigned long)hd->retry_after_ms, (long long)hd->retry_after_date,
            (unsigned long)hd->processing_ms, hd->should_retry, (long long)hd->limit_requests,
            (long long)hd->limit_tokens, (long long)hd->remaining_requests,
            (long long)hd->remaining_tokens, (unsigned long)hd->reset_requests_ms,
            (unsigned long)hd->reset_tokens_ms);
}

typedef struct run {
    fz_log_t log;
    uint8_t *body;      /* concatenated body bytes */
    size_t body_len;
    int heads;
    int done;
    int err;
    drip_http_head_t head;
} run_t;

/* Feed one piece [p, p+n) until it is used up or the reader stops. Returns 1
 * when the reader reached DONE or an error (later bytes are not fed). */
static int feed_piece(drip_http_t *h, run_t *r, const uint8_t *p, size_t n)
{
    const uint8_t *const start = p;
    const size_t total = n;
    int guard = 0;

    do {
        size_t used = 12345;
        int rc = drip_http_feed(h, p, n, &used);
        FZ_CHECK(used <= n, "used %zu > n %zu", used, n);
        FZ_CHECK(++guard < 1000000, "no progress");
        if (rc == DRIP_AGAIN) {
            FZ_CHECK(used == n, "DRIP_AGAIN but used %zu of %zu", used, n);
            FZ_CHECK(!drip_http_is_done(h), "DRIP_AGAIN while done");
        } else if (rc == DRIP_HTTP_HEAD) {
            FZ_CHECK(r->heads == 0, "second DRIP_HTTP_HEAD");
            FZ_CHECK(used > 0, "HEAD without consuming input");
            r->heads++;
            r->head = h->head;
            log_head(&r->log, &h->head);
        } else if (rc == DRIP_HTTP_BODY) {
            FZ_CHECK(r->heads == 1, "body before the head");
            FZ_CHECK(h->body != NULL && h->body_len > 0, "empty body result");
            FZ_CHECK(fz_inside(h->body, h->body_len, start, total),
                     "body view [%p,+%zu) outside the fed bytes [%p,+%zu)", (const void *)h->body,
                     h->body_len, (const void *)start, total);
            FZ_CHECK(h->body + h->body_len == p + used,
                     "body view does not end where `used` says");
            memcpy(r->body + r->body_len, h->body, h->body_len);
            r->body_len += h->body_len;
        } else if (rc == DRIP_HTTP_DONE) {
            FZ_CHECK(r->heads == 1, "DONE without a head");
            FZ_CHECK(drip_http_is_done(h), "DONE but drip_http_is_done() == 0");
            if (used < n) { /* the rest of the input is consumed and ignored */
                size_t u2 = 0;
                rc = drip_http_feed(h, p + used, n - used, &u2);
                FZ_CHECK(rc == DRIP_HTTP_DONE && u2 == n - used,
                         "after DONE: %d used %zu of %zu", rc, u2, n - used);
            }
            r->done = 1;
            fz_logf(&r->log, "DONE body=%zu\n", r->body_len);
            return 1;
        } else {
            FZ_CHECK(rc < 0 && rc > -50, "unexpected feed result %d", rc);
            FZ_CHECK(rc != DRIP_ERR_ARG && rc != DRIP_ERR_STATE, "feed returned %d", rc);
            r->err = rc;
            fz_logf(&r->log, "ERROR %d body=%zu\n", rc, r->body_len);
            return 1;
        }
        p += used;
        n -= used;
    } while (n > 0);
    return 0;
}

static void feed_empty(drip_http_t *h, run_t *r)
{
    size_t used = 1;
    int rc = drip_http_feed(h, NULL, 0, &used);
    FZ_CHECK(used == 0, "empty feed used %zu", used);
    if (rc == DRIP_HTTP_DONE) {
        FZ_CHECK(r->heads == 1, "DONE without a head");
        r->done = 1;
        fz_logf(&r->log, "DONE body=%zu\n", r->body_len);
    } else {
        FZ_CHECK(rc == DRIP_AGAIN, "empty feed returned %d", rc);
        FZ_CHECK(!drip_http_is_done(h), "done, but an empty feed says DRIP_AGAIN");
    }
}

static void run_one(run_t *r, const uint8_t *data, size_t n, fz_split_t *split)
{
    drip_http_t h;
    size_t off = 0;
    int stop = 0, fin;
    size_t used;

    fz_log_reset(&r->log);
    r->body_len = 0;
    r->heads = r->done = r->err = 0;
    memset(&r->head, 0, sizeof r->head);
    FZ_CHECK(drip_http_init(&h) == DRIP_OK, "init");

    while (off < n && !stop) {
        size_t k = split ? fz_split_next(split, n - off) : n - off;
        stop = feed_piece(&h, r, data + off, k);
        off += k;
    }
    if (!stop) { /* an empty feed reports a message that ended with the last byte */
        (void)feed_empty(&h, r);
    }
    /* sticky results: the same code again, nothing consumed after an error */
    if (r->err != 0) {
        int rc = drip_http_feed(&h, (const uint8_t *)"x", 1, &used);
        FZ_CHECK(rc == r->err && used == 0, "error %d not sticky: %d used %zu", r->err, rc, used);
    } else if (r->done) {
        int rc = drip_http_feed(&h, (const uint8_t *)"HTTP/1.1 200 OK\r\n", 17, &used);
        FZ_CHECK(rc == DRIP_HTTP_DONE && used == 17, "DONE not sticky: %d used %zu", rc, used);
    }
    fin = drip_http_finish(&h);
    fz_logf(&r->log, "FINISH %d\n", fin);
    if (r->err != 0) {
        FZ_CHECK(fin == r->err, "finish %d after error %d", fin, r->err);
    } else if (r->done) {
        FZ_CHECK(fin == DRIP_HTTP_DONE, "finish %d after DONE", fin);
    } else {
        FZ_CHECK(fin == DRIP_HTTP_DONE || fin == DRIP_ERR_HTTP_TRUNCATED, "finish %d", fin);
        FZ_CHECK(fin == DRIP_ERR_HTTP_TRUNCATED || (r->heads == 1 && !r->head.chunked &&
                                                    !r->head.has_length),
                 "finish says DONE for a message that is not close-delimited");
    }
    FZ_CHECK(drip_http_finish(&h) == fin, "finish not sticky");
    /* Content-Length framing hands out exactly that many bytes */
    if (r->done && r->heads == 1 && !r->head.chunked && r->head.has_length &&
        r->head.status != 204 && r->head.status != 304) {
        FZ_CHECK(r->body_len == r->head.content_length, "body %zu != content-length %llu",
                 r->body_len, (unsigned long long)r->head.content_length);
    }
    if (r->heads == 1 && (r->head.status == 204 || r->head.status == 304)) {
        FZ_CHECK(r->body_len == 0, "%d response with a body", r->head.status);
    }
    FZ_CHECK(r->body_len <= n, "more body than input");
    fz_logf(&r->log, "BODY ");
    fz_log_bytes(&r->log, r->body, r->body_len);
    fz_logf(&r->log, "\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
    static run_t a, b;
    fz_split_t split;
    uint8_t *data;
    size_t n;

    if (size < CTRL) {
        return 0;
    }
    n = size - CTRL;
    data = fz_dup_guarded(in + CTRL, n);
    a.body = (uint8_t *)malloc(n + 1u);
    b.body = (uint8_t *)malloc(n + 1u);

    run_one(&a, data, n, NULL);
    fz_split_init(&split, in[0], in[1]);
    run_one(&b, data, n, &split);
    fz_log_same("fuzz_http", "fed at once", &a.log, "fed in pieces", &b.log);
    fz_guard_check(data + n, FZ_GUARD, "the input");

    free(a.body);
    free(b.body);
    free(data);
    return 0;
}
