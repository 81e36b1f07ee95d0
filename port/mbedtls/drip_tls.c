/* SPDX-License-Identifier: Apache-2.0 */
/* mbedTLS port: TLS client over any drip_transport_t. See drip_tls.h.
 * No malloc/free here: mbedTLS allocates its own buffers (mbedtls_calloc). */
#include "drip_tls.h"

#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/bignum.h"
#include "mbedtls/net_sockets.h" /* MBEDTLS_ERR_NET_*: codes only, no sockets used */
#include "mbedtls/pem.h"
#include "mbedtls/x509.h"
#if defined(MBEDTLS_ERROR_C)
#include "mbedtls/error.h"
#endif
#if defined(MBEDTLS_PSA_CRYPTO_C) && \
    (MBEDTLS_VERSION_NUMBER >= 0x03000000 || defined(MBEDTLS_USE_PSA_CRYPTO))
#include "psa/crypto.h"
#define DRIP_TLS_PSA_INIT 1 /* drip_tls_setup() calls psa_crypto_init(): see there */
#endif

enum {
    TLS_ST_IDLE = 0,    /* no connection (inner closed) */
    TLS_ST_TCP,         /* inner connect returned DRIP_AGAIN: call connect again */
    TLS_ST_HANDSHAKE,   /* TCP up, handshake in progress */
    TLS_ST_OPEN,        /* application data */
    TLS_ST_PEER_CLOSED, /* recv returned 0 */
    TLS_ST_FAILED       /* fatal error during send/recv: sticky until close */
};

/* Which step failed: the same mbedTLS code can mean different things. */
enum { TLS_PH_SETUP, TLS_PH_CA, TLS_PH_HANDSHAKE, TLS_PH_IO };

static const unsigned char TLS_PERS[] = "dripfeed-tls";

/* The verify flags that are about validity dates alone. */
#define TLS_DATE_FLAGS ((uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE))

/* A conf_hook may install a verify callback on the config; drip_tls puts
 * its own on the connection (which mbedTLS then prefers) and calls the
 * hook's from there. mbedTLS has no getter: 3.x marks the field private
 * (MBEDTLS_PRIVATE is its documented way to name it). */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define TLS_CONF_VRFY(c) ((c)->MBEDTLS_PRIVATE(f_vrfy))
#define TLS_CONF_VRFY_CTX(c) ((c)->MBEDTLS_PRIVATE(p_vrfy))
#else
#define TLS_CONF_VRFY(c) ((c)->f_vrfy)
#define TLS_CONF_VRFY_CTX(c) ((c)->p_vrfy)
#endif

/* ---- error translation: the one place an mbedTLS code becomes a drip_err_t */

static int tls_is_alloc_failure(int ret)
{
    int neg = -ret, high = neg & 0x7F80, low = neg & 0x007F;
    return high == -MBEDTLS_ERR_SSL_ALLOC_FAILED || high == -MBEDTLS_ERR_X509_ALLOC_FAILED ||
           high == -MBEDTLS_ERR_PEM_ALLOC_FAILED || low == -MBEDTLS_ERR_ASN1_ALLOC_FAILED ||
           low == -MBEDTLS_ERR_MPI_ALLOC_FAILED;
}

/* "Try again" codes of mbedTLS: not failures, never recorded. */
static int tls_is_again(int ret)
{
    return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE ||
           ret == MBEDTLS_ERR_SSL_TIMEOUT || ret == MBEDTLS_ERR_SSL_ASYNC_IN_PROGRESS
#if defined(MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS)
           || ret == MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS
#endif
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
           /* 3.x TLS 1.3: a ticket arrived, no application data yet */
           || ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET
#endif
        ;
}

/* Where drip_tls_t::priv.mbedtls_err came from: drip_tls_describe() only
 * asks mbedtls_strerror() about mbedTLS's own codes. */
enum { TLS_SRC_MBEDTLS = 0, TLS_SRC_HOOK = 1, TLS_SRC_PSA = 2 };

static void tls_record(drip_tls_t *t, int code, uint8_t src)
{
    t->priv.mbedtls_err = code;
    t->priv.err_src = src;
}

/**
 * mbedTLS code -> drip_err_t, recording the code and the drip error.
 * ret < 0 always. Returns DRIP_AGAIN for the "call again" codes, 0 for a
 * peer close while reading, or an error.
 */
static int tls_translate(drip_tls_t *t, int ret, int phase)
{
    int r;
    if (tls_is_again(ret)) {
        return DRIP_AGAIN;
    }
    tls_record(t, ret, TLS_SRC_MBEDTLS);
    if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF) {
        r = (phase == TLS_PH_IO) ? 0 : DRIP_ERR_CLOSED;
    } else if ((ret == MBEDTLS_ERR_NET_RECV_FAILED || ret == MBEDTLS_ERR_NET_SEND_FAILED) &&
               t->priv.io_err != 0) {
        r = t->priv.io_err; /* the inner transport's own error, unchanged */
    } else if (tls_is_alloc_failure(ret) && (phase == TLS_PH_SETUP || phase == TLS_PH_CA)) {
        r = DRIP_ERR_NOMEM;
    } else if (phase == TLS_PH_CA) {
        r = DRIP_ERR_ARG; /* the caller's CA does not parse */
    } else if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED ||
               (phase == TLS_PH_HANDSHAKE &&
                /* No trust installed at all, or a verify / CA callback (a
                 * conf_hook's, e.g. ESP-IDF's bundle) refused the chain:
                 * mbedTLS reports that as a fatal X.509 error, flags -1. */
                (ret == MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED || ret == MBEDTLS_ERR_X509_FATAL_ERROR ||
                 (t->priv.verify_flags != 0u && !t->priv.allow_loopback_now)))) {
        r = DRIP_ERR_TLS_VERIFY;
    } else {
        r = DRIP_ERR_TLS;
    }
    if (r == DRIP_ERR_TLS_VERIFY && t->priv.verify_flags != 0u &&
        (t->priv.verify_flags & ~TLS_DATE_FLAGS) == 0u) {
        /* Only the dates are wrong: say which (any other fault wins). */
        r = (t->priv.verify_flags & MBEDTLS_X509_BADCERT_EXPIRED) != 0u
                ? DRIP_ERR_TLS_EXPIRED
                : DRIP_ERR_TLS_NOT_YET_VALID;
    }
    if (r < 0) {
        t->priv.last_err = r;
    }
    return r;
}

/* ---- certificate time ---------------------------------------------------- */

/* Seconds since 1970-01-01 UTC (>= 0) -> broken-down UTC, without libc's
 * gmtime (not on every board, not reentrant everywhere). Days to civil
 * date: H. Hinnant's algorithm, proleptic Gregorian, exact for any t >= 0. */
static void tls_utc_to_x509(int64_t t, mbedtls_x509_time *out)
{
    int64_t days = t / 86400, secs = t % 86400;
    int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    out->year = (int)(yoe + era * 400 + (m <= 2 ? 1 : 0));
    out->mon = (int)m;
    out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    out->hour = (int)(secs / 3600);
    out->min = (int)(secs / 60 % 60);
    out->sec = (int)(secs % 60);
}

/* <0, 0, >0 like strcmp, field by field. */
static int tls_time_cmp(const mbedtls_x509_time *a, const mbedtls_x509_time *b)
{
    const int fa[6] = {a->year, a->mon, a->day, a->hour, a->min, a->sec};
    const int fb[6] = {b->year, b->mon, b->day, b->hour, b->min, b->sec};
    int i;
    for (i = 0; i < 6; i++) {
        if (fa[i] != fb[i]) {
            return fa[i] < fb[i] ? -1 : 1;
        }
    }
    return 0;
}

/*
 * Verify callback of every connection: mbedTLS calls it once per
 * certificate of the chain (the trusted root included) with that
 * certificate's flags. A conf_hook's own callback (ESP-IDF's bundle) runs
 * first: it may clear NOT_TRUSTED, and with it every flag. Then the dates,
 * see drip_tls.h "Certificate time".
 */
static int tls_vrfy(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    drip_tls_t *t = (drip_tls_t *)ctx;
    int ret = 0;
    uint8_t how;
    t->priv.verified = 1; /* a certificate came: not a resumed session */
    if (t->priv.hook_vrfy != NULL) {
        ret = t->priv.hook_vrfy(t->priv.hook_vrfy_ctx, crt, depth, flags);
    }
    if (t->priv.platform.utc_s != NULL) {
        int64_t now = t->priv.platform.utc_s(t->priv.platform.ctx);
        *flags &= ~TLS_DATE_FLAGS; /* this clock, not mbedTLS's time() */
        how = DRIP_TLS_TIME_UNCHECKED;
        if (now >= 0) {
            mbedtls_x509_time tm;
            tls_utc_to_x509(now, &tm);
            if (tls_time_cmp(&tm, &crt->valid_to) > 0) {
                *flags |= MBEDTLS_X509_BADCERT_EXPIRED;
            }
            if (tls_time_cmp(&tm, &crt->valid_from) < 0) {
                *flags |= MBEDTLS_X509_BADCERT_FUTURE;
            }
            how = DRIP_TLS_TIME_PLATFORM;
        }
    } else {
#if defined(MBEDTLS_HAVE_TIME_DATE)
        how = DRIP_TLS_TIME_MBEDTLS;
#else
        how = DRIP_TLS_TIME_UNCHECKED;
#endif
    }
    /* One unchecked certificate makes the chain unchecked. */
    if (t->priv.time_state != DRIP_TLS_TIME_UNCHECKED) {
        t->priv.time_state = how;
    }
    return ret;
}

/* ---- time budget of one operation ------------------------------------------ */
/* With a clock, the budget is wall time since op_start. Without one, op_budget
 * is what is left, and only the inner waits that ended in DRIP_AGAIN (a full
 * wait, for a blocking inner port) are taken off it. */

static int tls_has_clock(const drip_tls_t *t)
{
    return t->priv.platform.now_ms != NULL;
}

static void tls_budget_start(drip_tls_t *t, uint32_t ms)
{
    t->priv.op_budget = ms;
    if (tls_has_clock(t)) {
        t->priv.op_start = t->priv.platform.now_ms(t->priv.platform.ctx);
    }
}

static uint32_t tls_budget_left(const drip_tls_t *t)
{
    uint32_t left = t->priv.op_budget;
    if (tls_has_clock(t)) {
        uint32_t spent = t->priv.platform.now_ms(t->priv.platform.ctx) - t->priv.op_start;
        left = (spent >= t->priv.op_budget) ? 0u : t->priv.op_budget - spent;
    }
    return left;
}

static void tls_budget_spend(drip_tls_t *t, uint32_t ms)
{
    if (!tls_has_clock(t)) {
        t->priv.op_budget = (ms >= t->priv.op_budget) ? 0u : t->priv.op_budget - ms;
    }
}

/* ---- BIO: mbedTLS <-> inner transport ------------------------------------ */
/* The reverse mapping (drip -> mbedTLS) lives here: DRIP_AGAIN becomes
 * WANT_READ / WANT_WRITE, 0 stays "closed", any other inner error is kept in
 * io_err and surfaces unchanged through tls_translate(). */

static int tls_bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    drip_tls_t *t = (drip_tls_t *)ctx;
    const drip_transport_t *in = &t->priv.inner;
    int r = in->send(in->ctx, buf, len);
    if (r > 0) {
        if (t->priv.state == TLS_ST_HANDSHAKE) {
            t->priv.hs_tx += (uint32_t)r;
        }
        return r;
    }
    if (r == DRIP_AGAIN || r == 0) {
        t->priv.send_stalled = 1;
        /* No clock: a stalled send ends the operation's budget, so no loop
         * can spin on WANT_WRITE. */
        tls_budget_spend(t, UINT32_MAX);
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    t->priv.io_err = r;
    return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int tls_bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    drip_tls_t *t = (drip_tls_t *)ctx;
    const drip_transport_t *in = &t->priv.inner;
    uint32_t wait = tls_budget_left(t);
    int r = in->recv(in->ctx, buf, len, wait);
    if (r >= 0) {
        if (t->priv.state == TLS_ST_HANDSHAKE) {
            t->priv.hs_rx += (uint32_t)r;
        }
        return r; /* bytes, or 0: the peer closed (mbedTLS: CONN_EOF) */
    }
    if (r == DRIP_AGAIN) {
        tls_budget_spend(t, wait);
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    t->priv.io_err = r;
    return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* ---- loopback exception ---------------------------------------------------- */

/* A decimal 0..255 without leading zeros; advances *s. */
static int tls_octet(const char **s)
{
    const char *p = *s;
    unsigned v = 0;
    int n = 0;
    while (*p >= '0' && *p <= '9' && n < 4) {
        v = v * 10u + (unsigned)(*p - '0');
        p++;
        n++;
    }
    if (n == 0 || n > 3 || v > 255u || (n > 1 && **s == '0')) {
        return 0;
    }
    *s = p;
    return 1;
}

/*
 * Verification may be switched off only for a host that is literally
 * loopback: "localhost", "::1" or a canonical dotted-decimal 127.x.y.z.
 * Traffic to those never leaves the machine, so nobody on a network can sit
 * in the middle; that makes a self-signed development or test server
 * acceptable. For any other name, skipping verification would let anyone on
 * the path (Wi-Fi, a router, a DNS spoofer) impersonate the API and read the
 * API key, so the flag is ignored and verification stays on: a flag left on
 * in a shipped firmware cannot weaken its connection to the real server.
 * Leading zeros are refused because some resolvers read them as octal, and
 * anything that is not an exact IP literal could be sent to DNS. "localhost"
 * is trusted to come from the hosts file (RFC 6761).
 */
static int tls_host_is_loopback(const char *h)
{
    const char *p;
    int i;
    if (strcmp(h, "localhost") == 0 || strcmp(h, "::1") == 0) {
        return 1;
    }
    if (strncmp(h, "127.", 4) != 0) {
        return 0;
    }
    p = h + 4;
    for (i = 0; i < 3; i++) {
        if (!tls_octet(&p)) {
            return 0;
        }
        if (i < 2) {
            if (*p != '.') {
                return 0;
            }
            p++;
        }
    }
    return *p == '\0';
}

/* ---- transport ---------------------------------------------------------------- */

/* Handshake failed or was abandoned: drop the TCP connection. */
static int tls_abort(drip_tls_t *t, int err)
{
    t->priv.inner.close(t->priv.inner.ctx);
    t->priv.state = TLS_ST_IDLE;
    t->priv.last_err = err;
    return err;
}

static void tls_record_verify(drip_tls_t *t)
{
    uint32_t flags = mbedtls_ssl_get_verify_result(&t->priv.ssl);
    t->priv.verify_flags = (flags == 0xFFFFFFFFu) ? 0u : flags; /* -1: not known */
}

/* ---- session resumption ----------------------------------------------------- */

#if DRIP_TLS_RESUME
static void tls_forget_session(drip_tls_t *t)
{
    mbedtls_ssl_session_free(&t->priv.sess); /* frees the ticket and peer cert copy */
    mbedtls_ssl_session_init(&t->priv.sess);
    t->priv.have_sess = 0;
}

/* Keep the connection's session for the next connect to this host:port.
 * 3.x exports a session once (then FEATURE_UNAVAILABLE until a new ticket):
 * a failure keeps nothing, never a half copy. */
static void tls_keep_session(drip_tls_t *t)
{
    if (t->priv.no_resume) {
        return;
    }
    tls_forget_session(t);
    if (mbedtls_ssl_get_session(&t->priv.ssl, &t->priv.sess) == 0) {
        memcpy(t->priv.sess_host, t->priv.host, sizeof t->priv.host);
        t->priv.sess_port = t->priv.port;
        t->priv.have_sess = 1;
    } else {
        tls_forget_session(t);
    }
}

/* Offer the kept session: only to the host name and port it came from. */
static void tls_offer_session(drip_tls_t *t)
{
    t->priv.offered = 0;
    if (!t->priv.have_sess || t->priv.no_resume || t->priv.sess_port != t->priv.port ||
        strcmp(t->priv.sess_host, t->priv.host) != 0) {
        return;
    }
    if (mbedtls_ssl_set_session(&t->priv.ssl, &t->priv.sess) == 0) {
        t->priv.offered = 1;
    } else {
        tls_forget_session(t); /* e.g. a version this config no longer allows */
    }
}
#else /* DRIP_TLS_RESUME == 0: every connect a full handshake */
static void tls_forget_session(drip_tls_t *t)
{
    (void)t;
}

static void tls_keep_session(drip_tls_t *t)
{
    (void)t;
}

static void tls_offer_session(drip_tls_t *t)
{
    t->priv.offered = 0;
}
#endif

static int tls_is_13(const drip_tls_t *t)
{
    return strcmp(mbedtls_ssl_get_version(&t->priv.ssl), "TLSv1.3") == 0;
}

/* TCP is up: new session on the same context, SNI + name check, BIO. */
static int tls_start_session(drip_tls_t *t)
{
    int ret = mbedtls_ssl_session_reset(&t->priv.ssl);
    int authmode = MBEDTLS_SSL_VERIFY_REQUIRED;
    if (ret == 0) {
        ret = mbedtls_ssl_set_hostname(&t->priv.ssl, t->priv.host);
    }
    if (ret != 0) {
        return tls_abort(t, tls_translate(t, ret, TLS_PH_SETUP));
    }
    t->priv.allow_loopback_now = 0;
    if (t->priv.allow_loopback && tls_host_is_loopback(t->priv.host)) {
        /* OPTIONAL: the handshake goes on, the verify flags are still kept. */
        authmode = MBEDTLS_SSL_VERIFY_OPTIONAL;
        t->priv.allow_loopback_now = 1;
    }
    /* The config belongs to this context alone, and no handshake runs now. */
    mbedtls_ssl_conf_authmode(&t->priv.conf, authmode);
    mbedtls_ssl_set_bio(&t->priv.ssl, t, tls_bio_send, tls_bio_recv, NULL);
    mbedtls_ssl_set_verify(&t->priv.ssl, tls_vrfy, t);
    t->priv.time_state = DRIP_TLS_TIME_NONE;
    t->priv.verified = 0;
    t->priv.resumed = 0;
    t->priv.hs_tx = t->priv.hs_rx = t->priv.hs_ms = 0;
    if (tls_has_clock(t)) {
        t->priv.hs_start = t->priv.platform.now_ms(t->priv.platform.ctx);
    }
    tls_offer_session(t);
    t->priv.state = TLS_ST_HANDSHAKE;
    return DRIP_OK;
}

static int tls_handshake(drip_tls_t *t, uint32_t timeout_ms)
{
    for (;;) {
        int ret = mbedtls_ssl_handshake(&t->priv.ssl);
        int r;
        if (ret == 0) {
            tls_record_verify(t);
            t->priv.state = TLS_ST_OPEN;
            if (tls_has_clock(t)) {
                t->priv.hs_ms = t->priv.platform.now_ms(t->priv.platform.ctx) - t->priv.hs_start;
            }
            /* Every full handshake verifies a certificate (VERIFY_REQUIRED,
             * no PSK-only suites): none means the server took the session. */
            t->priv.resumed = (uint8_t)(t->priv.offered && !t->priv.verified);
            if (t->priv.resumed) {
                t->priv.n_resumed++;
            } else {
                t->priv.n_full++;
            }
            if (!tls_is_13(t)) {
                tls_keep_session(t); /* 1.3: the ticket comes later (tls_recv) */
            } else if (!t->priv.resumed) {
                tls_forget_session(t); /* never offer another server's ticket */
            }
            if (t->priv.time_state == DRIP_TLS_TIME_UNCHECKED && !t->priv.time_warned) {
                t->priv.time_warned = 1;
                if (t->priv.warn != NULL) {
                    t->priv.warn(t->priv.warn_ctx, DRIP_ERR_TLS_TIME_UNKNOWN);
                }
            }
            return DRIP_OK;
        }
        tls_record_verify(t);
        r = tls_translate(t, ret, TLS_PH_HANDSHAKE);
        if (r != DRIP_AGAIN) {
            if (t->priv.offered) {
                tls_forget_session(t); /* the retry is a full handshake */
            }
            return tls_abort(t, r);
        }
        if (tls_budget_left(t) == 0u) {
            if (timeout_ms == 0u) {
                return DRIP_AGAIN; /* poll mode: call connect again */
            }
            return tls_abort(t, DRIP_ERR_TIMEOUT);
        }
    }
}

static int tls_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms)
{
    drip_tls_t *t = (drip_tls_t *)ctx;
    size_t hlen;

    if (t == NULL || host == NULL) {
        return DRIP_ERR_ARG;
    }
    if (!t->priv.is_setup) {
        return DRIP_ERR_STATE;
    }
    hlen = strlen(host);
    if (hlen == 0u || hlen > DRIP_TLS_HOST_MAX || port == 0u) {
        return DRIP_ERR_ARG;
    }
    tls_budget_start(t, timeout_ms);
    t->priv.io_err = 0;
    t->priv.send_stalled = 0;
    switch (t->priv.state) {
    case TLS_ST_IDLE:
        memcpy(t->priv.host, host, hlen + 1u);
        t->priv.port = port;
        tls_record(t, 0, TLS_SRC_MBEDTLS);
        t->priv.verify_flags = 0;
        t->priv.last_err = DRIP_OK;
        t->priv.state = TLS_ST_TCP;
        /* fall through */
    case TLS_ST_TCP:
    case TLS_ST_HANDSHAKE:
        if (strcmp(host, t->priv.host) != 0 || port != t->priv.port) {
            return DRIP_ERR_STATE; /* finish (or close) the pending connect first */
        }
        break;
    default:
        return DRIP_ERR_STATE; /* open, or failed: close first */
    }
    if (t->priv.state == TLS_ST_TCP) {
        int r = t->priv.inner.connect(t->priv.inner.ctx, host, port, timeout_ms);
        if (r == DRIP_AGAIN) {
            return DRIP_AGAIN;
        }
        if (r != DRIP_OK) {
            t->priv.state = TLS_ST_IDLE;
            t->priv.last_err = r;
            return r;
        }
        r = tls_start_session(t);
        if (r != DRIP_OK) {
            return r;
        }
    }
    return tls_handshake(t, timeout_ms);
}

static int tls_send(void *ctx, const uint8_t *buf, size_t n)
{
    drip_tls_t *t = (drip_tls_t *)ctx;
    int stalls = 0;

    if (t == NULL || buf == NULL || n == 0u) {
        return DRIP_ERR_ARG;
    }
    if (t->priv.state == TLS_ST_FAILED) {
        return t->priv.last_err; /* sticky */
    }
    if (t->priv.state != TLS_ST_OPEN) {
        return DRIP_ERR_STATE;
    }
    if (n > (size_t)INT32_MAX) {
        n = (size_t)INT32_MAX;
    }
    t->priv.io_err = 0;
    for (;;) {
        int ret, r;
        tls_budget_start(t, UINT32_MAX); /* send has no timeout: the inner one bounds it */
        t->priv.send_stalled = 0;
        ret = mbedtls_ssl_write(&t->priv.ssl, buf, n);
        if (ret > 0) {
            return ret;
        }
        r = tls_translate(t, ret, TLS_PH_IO);
        if (r != DRIP_AGAIN) {
            t->priv.state = TLS_ST_FAILED;
            return (r == 0) ? DRIP_ERR_CLOSED : r;
        }
        if (++stalls > DRIP_TLS_SEND_RETRIES) {
            return DRIP_AGAIN; /* the caller must send the same bytes again */
        }
    }
}

static int tls_recv(void *ctx, uint8_t *buf, size_t n, uint32_t timeout_ms)
{
    drip_tls_t *t = (drip_tls_t *)ctx;

    if (t == NULL || buf == NULL || n == 0u) {
        return DRIP_ERR_ARG;
    }
    if (t->priv.state == TLS_ST_FAILED) {
        return t->priv.last_err; /* sticky */
    }
    if (t->priv.state == TLS_ST_PEER_CLOSED) {
        return 0;
    }
    if (t->priv.state != TLS_ST_OPEN) {
        return DRIP_ERR_STATE;
    }
    if (n > (size_t)INT32_MAX) {
        n = (size_t)INT32_MAX;
    }
    t->priv.io_err = 0;
    tls_budget_start(t, timeout_ms);
    for (;;) {
        int ret = mbedtls_ssl_read(&t->priv.ssl, buf, n);
        int r;
        if (ret > 0) {
            return ret;
        }
        if (ret == 0) {
            t->priv.state = TLS_ST_PEER_CLOSED;
            return 0;
        }
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
        if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            tls_keep_session(t); /* TLS 1.3: the newest ticket wins */
        }
#endif
        r = tls_translate(t, ret, TLS_PH_IO);
        if (r == 0) {
            t->priv.state = TLS_ST_PEER_CLOSED;
            return 0;
        }
        if (r != DRIP_AGAIN) {
            t->priv.state = TLS_ST_FAILED;
            return r;
        }
        /* A record may arrive in pieces: keep reading while time is left. */
        if (tls_budget_left(t) == 0u) {
            return DRIP_AGAIN;
        }
    }
}

static void tls_close(void *ctx)
{
    drip_tls_t *t = (drip_tls_t *)ctx;
    if (t == NULL || !t->priv.is_setup) {
        return;
    }
    if (t->priv.state == TLS_ST_OPEN || t->priv.state == TLS_ST_PEER_CLOSED) {
        /* Best effort, one try: a full or dead link must not hold close. */
        tls_budget_start(t, 0u);
        (void)mbedtls_ssl_close_notify(&t->priv.ssl);
    }
    if (t->priv.state != TLS_ST_IDLE) {
        t->priv.inner.close(t->priv.inner.ctx);
    }
    t->priv.state = TLS_ST_IDLE;
}

/* ---- public ---------------------------------------------------------------------- */

static void tls_init_objects(drip_tls_t *t)
{
    mbedtls_ssl_init(&t->priv.ssl);
#if DRIP_TLS_RESUME
    mbedtls_ssl_session_init(&t->priv.sess);
#endif
    mbedtls_ssl_config_init(&t->priv.conf);
    mbedtls_x509_crt_init(&t->priv.ca);
    mbedtls_ctr_drbg_init(&t->priv.drbg);
#if defined(MBEDTLS_ENTROPY_C)
    mbedtls_entropy_init(&t->priv.entropy);
#endif
}

static void tls_free_objects(drip_tls_t *t)
{
    mbedtls_ssl_free(&t->priv.ssl);
#if DRIP_TLS_RESUME
    mbedtls_ssl_session_free(&t->priv.sess);
#endif
    mbedtls_ssl_config_free(&t->priv.conf);
    mbedtls_x509_crt_free(&t->priv.ca);
    mbedtls_ctr_drbg_free(&t->priv.drbg);
#if defined(MBEDTLS_ENTROPY_C)
    mbedtls_entropy_free(&t->priv.entropy);
#endif
}

void drip_tls_init(drip_tls_t *tls)
{
    if (tls != NULL) {
        memset(tls, 0, sizeof *tls);
        tls_init_objects(tls);
        tls->priv.state = TLS_ST_IDLE;
    }
}

static int tls_cfg_has_ca(const drip_tls_cfg_t *cfg)
{
    return (cfg->ca_pem_or_der != NULL && cfg->ca_len != 0u) || cfg->ca_file != NULL;
}

/* Parse the caller's CA buffer and/or file. */
static int tls_load_ca(drip_tls_t *t, const drip_tls_cfg_t *cfg)
{
    int ret = 0;
    if (cfg->ca_pem_or_der != NULL && cfg->ca_len != 0u) {
        /* >= 0: at least one certificate parsed (> 0 counts the PEM
         * certificates of a bundle that mbedTLS could not read). */
        ret = mbedtls_x509_crt_parse(&t->priv.ca, cfg->ca_pem_or_der, cfg->ca_len);
    }
#if defined(MBEDTLS_FS_IO)
    if (ret >= 0 && cfg->ca_file != NULL) {
        ret = mbedtls_x509_crt_parse_file(&t->priv.ca, cfg->ca_file);
    }
#else
    if (cfg->ca_file != NULL) {
        return DRIP_ERR_ARG; /* no file system in this mbedTLS build */
    }
#endif
    return (ret < 0) ? tls_translate(t, ret, TLS_PH_CA) : DRIP_OK;
}

static int tls_setup_steps(drip_tls_t *t, const drip_tls_cfg_t *cfg)
{
    int (*f_entropy)(void *, unsigned char *, size_t) = cfg->entropy;
    void *p_entropy = cfg->entropy_ctx;
    int ret, r;

#if defined(DRIP_TLS_PSA_INIT)
    /* Why: Mbed TLS 3.x runs the TLS 1.3 handshake through PSA crypto, and
     * with MBEDTLS_USE_PSA_CRYPTO (2.28 too) X.509 and PK as well; PSA must
     * be initialised first. 3.0 .. 3.6.0 leave that to the application (a
     * handshake that selects TLS 1.3 fails without it: Mbed TLS #9072);
     * 3.6.1+ also do it inside the handshake, too late for a CA parse
     * through PSA below. First thing, then.
     * Idempotent and process-wide; never undone here (other users). */
    {
        psa_status_t st = psa_crypto_init();
        if (st != PSA_SUCCESS) {
            tls_record(t, (int)st, TLS_SRC_PSA); /* e.g. -141 */
            return (st == PSA_ERROR_INSUFFICIENT_MEMORY) ? DRIP_ERR_NOMEM : DRIP_ERR_TLS;
        }
    }
#endif
    if (f_entropy == NULL) {
#if defined(MBEDTLS_ENTROPY_C)
        f_entropy = mbedtls_entropy_func;
        p_entropy = &t->priv.entropy;
#else
        return DRIP_ERR_ARG; /* no MBEDTLS_ENTROPY_C: pass cfg->entropy */
#endif
    }
    ret = mbedtls_ctr_drbg_seed(&t->priv.drbg, f_entropy, p_entropy, TLS_PERS,
                                sizeof TLS_PERS - 1u);
    if (ret != 0) {
        return tls_translate(t, ret, TLS_PH_SETUP);
    }
    r = tls_load_ca(t, cfg);
    if (r != DRIP_OK) {
        return r;
    }
    ret = mbedtls_ssl_config_defaults(&t->priv.conf, MBEDTLS_SSL_IS_CLIENT,
                                      MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        return tls_translate(t, ret, TLS_PH_SETUP);
    }
    if (tls_cfg_has_ca(cfg)) {
        /* Without one, the hook supplies trust; an empty chain would only
         * hide that it installed none (mbedTLS: CA_CHAIN_REQUIRED). */
        mbedtls_ssl_conf_ca_chain(&t->priv.conf, &t->priv.ca, NULL);
    }
    mbedtls_ssl_conf_rng(&t->priv.conf, mbedtls_ctr_drbg_random, &t->priv.drbg);
#if defined(MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED)
    /* 3.6.1+ drop TLS 1.3 tickets unless asked: tls_recv keeps them. */
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
        &t->priv.conf, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    mbedtls_ssl_conf_min_tls_version(&t->priv.conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
    mbedtls_ssl_conf_min_version(&t->priv.conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3);
#endif
    /* Before mbedtls_ssl_setup(): 3.x checks the finished config there. */
    if (cfg->conf_hook != NULL) {
        ret = cfg->conf_hook(&t->priv.conf, cfg->conf_hook_ctx);
        if (ret != 0) {
            tls_record(t, ret, TLS_SRC_HOOK);
            return DRIP_ERR_TLS;
        }
    }
    /* After the hook: it may add trust, never remove the need for it.
     * Whatever authmode it set, the server is verified (connect relaxes
     * this only for the loopback exception, per connection). */
    mbedtls_ssl_conf_authmode(&t->priv.conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    t->priv.hook_vrfy = TLS_CONF_VRFY(&t->priv.conf);
    t->priv.hook_vrfy_ctx = TLS_CONF_VRFY_CTX(&t->priv.conf);
    ret = mbedtls_ssl_setup(&t->priv.ssl, &t->priv.conf); /* allocates the I/O buffers */
    if (ret != 0) {
        return tls_translate(t, ret, TLS_PH_SETUP);
    }
    return DRIP_OK;
}

drip_err_t drip_tls_setup(drip_tls_t *tls, const drip_transport_t *inner,
                          const drip_tls_cfg_t *cfg)
{
    int r;
    if (tls == NULL || inner == NULL || cfg == NULL || inner->connect == NULL ||
        inner->send == NULL || inner->recv == NULL || inner->close == NULL) {
        return DRIP_ERR_ARG;
    }
    if (tls->priv.is_setup) {
        return DRIP_ERR_STATE;
    }
    tls_record(tls, 0, TLS_SRC_MBEDTLS);
    tls->priv.last_err = DRIP_OK;
    if (!tls_cfg_has_ca(cfg) && cfg->conf_hook == NULL) {
        tls->priv.last_err = DRIP_ERR_ARG;
        return DRIP_ERR_ARG; /* no CA, no hook: nothing to verify the server against */
    }
    r = tls_setup_steps(tls, cfg);
    if (r != DRIP_OK) {
        /* Back to the post-init state, keeping the error for last_error(). */
        int merr = tls->priv.mbedtls_err;
        uint8_t src = tls->priv.err_src;
        tls_free_objects(tls);
        drip_tls_init(tls);
        tls_record(tls, merr, src);
        tls->priv.last_err = r;
        return (drip_err_t)r;
    }
    /* Copies: the caller's structs may be locals (the inner ctx, the
     * connection object itself, must still outlive this context). */
    tls->priv.inner = *inner;
    if (cfg->platform != NULL) {
        tls->priv.platform = *cfg->platform;
    }
    tls->priv.allow_loopback = (uint8_t)(cfg->allow_unverified_loopback != 0);
    tls->priv.no_resume = (uint8_t)(cfg->no_resume != 0);
    tls->priv.warn = cfg->warn;
    tls->priv.warn_ctx = cfg->warn_ctx;
    tls->priv.state = TLS_ST_IDLE;
    tls->priv.is_setup = 1;
    return DRIP_OK;
}

drip_err_t drip_tls_transport(drip_tls_t *tls, drip_transport_t *out)
{
    drip_err_t rc = DRIP_OK;
    if (tls == NULL || out == NULL) {
        rc = DRIP_ERR_ARG;
    } else {
        out->connect = tls_connect;
        out->send = tls_send;
        out->recv = tls_recv;
        out->close = tls_close;
        out->ctx = tls;
    }
    return rc;
}

void drip_tls_free(drip_tls_t *tls)
{
    if (tls != NULL) {
        tls_close(tls);
        tls_free_objects(tls);
        drip_tls_init(tls);
    }
}

drip_err_t drip_tls_last_error(const drip_tls_t *tls, int *mbedtls_code,
                               uint32_t *verify_flags)
{
    int code = 0, err = DRIP_ERR_ARG;
    uint32_t flags = 0;
    if (tls != NULL) {
        code = tls->priv.mbedtls_err;
        flags = tls->priv.verify_flags;
        err = tls->priv.last_err;
    }
    if (mbedtls_code != NULL) {
        *mbedtls_code = code;
    }
    if (verify_flags != NULL) {
        *verify_flags = flags;
    }
    return (drip_err_t)err;
}

drip_err_t drip_tls_info(const drip_tls_t *tls, drip_tls_info_t *info)
{
    if (info == NULL) {
        return DRIP_ERR_ARG;
    }
    memset(info, 0, sizeof *info);
    if (tls == NULL) {
        return DRIP_ERR_ARG;
    }
    info->time_checked = tls->priv.time_state;
    info->offered = tls->priv.offered;
    info->resumed = tls->priv.resumed;
    info->session_kept = tls->priv.have_sess;
    info->hs_tx = tls->priv.hs_tx;
    info->hs_rx = tls->priv.hs_rx;
    info->hs_ms = tls->priv.hs_ms;
    info->full = tls->priv.n_full;
    info->resumes = tls->priv.n_resumed;
    return DRIP_OK;
}

/* ---- describe ------------------------------------------------------------------ */

static void tls_cat(char *buf, size_t len, size_t *pos, const char *s)
{
    while (*s != '\0' && *pos + 1u < len) {
        buf[(*pos)++] = *s++;
    }
    buf[*pos] = '\0';
}

static void tls_cat_hex(char *buf, size_t len, size_t *pos, uint32_t v)
{
    static const char digits[] = "0123456789ABCDEF";
    char tmp[9];
    int i = 8;
    tmp[8] = '\0';
    do {
        tmp[--i] = digits[v & 0xFu];
        v >>= 4;
    } while (v != 0u && i > 0);
    tls_cat(buf, len, pos, "0x");
    tls_cat(buf, len, pos, &tmp[i]);
}

const char *drip_tls_describe(const drip_tls_t *tls, char *buf, size_t len)
{
    size_t pos = 0;
    if (buf == NULL || len == 0u) {
        return "";
    }
    buf[0] = '\0';
    if (tls == NULL) {
        tls_cat(buf, len, &pos, "no context");
        return buf;
    }
    if (tls->priv.last_err == DRIP_OK && tls->priv.mbedtls_err == 0 &&
        tls->priv.verify_flags == 0u) {
        tls_cat(buf, len, &pos, "no error");
        return buf;
    }
    tls_cat(buf, len, &pos, drip_err_str(tls->priv.last_err));
    if (tls->priv.mbedtls_err != 0) {
        static const char *const from[] = {" (mbedtls ", " (conf_hook returned ", " (psa status "};
        int e = tls->priv.mbedtls_err;
        tls_cat(buf, len, &pos, from[tls->priv.err_src]);
        if (e < 0) {
            tls_cat(buf, len, &pos, "-");
            tls_cat_hex(buf, len, &pos, 0u - (uint32_t)e);
        } else {
            tls_cat_hex(buf, len, &pos, (uint32_t)e);
        }
#if defined(MBEDTLS_ERROR_C)
        if (tls->priv.err_src == TLS_SRC_MBEDTLS && pos + 3u < len) {
            tls_cat(buf, len, &pos, ": ");
            mbedtls_strerror(e, buf + pos, len - pos);
            pos += strlen(buf + pos);
        }
#endif
        tls_cat(buf, len, &pos, ")");
    }
    if (tls->priv.verify_flags != 0u) {
        tls_cat(buf, len, &pos, " verify:");
#if !defined(MBEDTLS_X509_REMOVE_INFO)
        if (pos + 2u < len) {
            size_t i, start = pos;
            (void)mbedtls_x509_crt_verify_info(buf + pos, len - pos, " ", tls->priv.verify_flags);
            buf[len - 1u] = '\0';
            pos += strlen(buf + pos);
            /* One line per flag -> "; " separated. */
            while (pos > start && buf[pos - 1u] == '\n') {
                buf[--pos] = '\0';
            }
            for (i = start; i < pos; i++) {
                if (buf[i] == '\n') {
                    buf[i] = ';';
                }
            }
        }
#else
        tls_cat(buf, len, &pos, " flags ");
        tls_cat_hex(buf, len, &pos, tls->priv.verify_flags);
#endif
    }
    return buf;
}
