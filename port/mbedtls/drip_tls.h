/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_tls.h
 * @brief mbedTLS port: TLS 1.2+ client stacked on ANY drip_transport_t.
 *
 * The inner transport moves bytes (port/posix on a host, an lwIP port on a
 * board); this layer runs the mbedTLS client over it and is itself a
 * drip_transport_t, so the HTTP client cannot tell them apart.
 *
 * Works with Mbed TLS 2.28 and 3.x (ESP-IDF 5, Zephyr): the few API
 * differences are behind MBEDTLS_VERSION_NUMBER. Tested against 2.28.3
 * (Debian's libmbedtls-dev, CTest port_tls) and 3.6.6 in its default
 * config, TLS 1.3 on (Debian trixie's mbedtls source package, built at
 * test time: CTest port_tls_mbedtls3); other 3.x releases are not tested.
 *
 * Lifecycle (the mbedTLS one):
 * @code
 *   drip_tls_t tls;                       // caller-owned, ~3 KB, keep it static
 *   drip_tls_cfg_t cfg = {0};
 *   drip_transport_t t;
 *   cfg.ca_pem_or_der = ca_pem; cfg.ca_len = sizeof ca_pem;  // PEM: with its NUL
 *   cfg.platform = &platform;             // optional clock: bounds the handshake (copied)
 *   drip_tls_init(&tls);                  // cannot fail
 *   if (drip_tls_setup(&tls, &tcp, &cfg) != DRIP_OK) { ... }  // tcp, cfg: copied
 *   drip_tls_transport(&tls, &t);
 *   t.connect(t.ctx, "api.openai.com", 443, 10000);   // TCP + handshake
 *   ... t.send / t.recv ...
 *   t.close(t.ctx);                       // close_notify, inner close; can reconnect
 *   drip_tls_free(&tls);
 * @endcode
 *
 * Security: the server certificate is always verified (authmode
 * VERIFY_REQUIRED) against the caller's CA, or the trust a
 * drip_tls_cfg_t::conf_hook installs, and its name against the host passed
 * to connect (SNI is sent with it). The only exception is
 * drip_tls_cfg_t::allow_unverified_loopback, which is honoured for the
 * literal hosts "localhost", "::1" and 127.x.y.z only.
 *
 * Memory: this port never calls malloc/free. mbedTLS itself allocates with
 * mbedtls_calloc (its I/O buffers, MBEDTLS_SSL_IN_CONTENT_LEN +
 * MBEDTLS_SSL_OUT_CONTENT_LEN, ~2 x 16 KB plus record overhead, during
 * setup; handshake state and the peer's certificate chain while
 * connecting; the parsed CA chain and a copy of the host name). That is
 * mbedTLS's business: point it at a static arena with
 * mbedtls_memory_buffer_alloc_init() on a board without a heap.
 *
 * Certificate time: the validity dates of every certificate of the chain
 * (leaf, intermediates, the trusted root) are checked against
 * drip_platform_t::utc_s of cfg.platform, in a verify callback installed
 * on the connection (a conf_hook's own verify callback runs first, so
 * ESP-IDF's bundle keeps working and gets the dates checked too):
 *  - utc_s set and the time known (>= 0): an expired certificate fails the
 *    handshake with DRIP_ERR_TLS_EXPIRED, one not valid yet with
 *    DRIP_ERR_TLS_NOT_YET_VALID (when that is the only fault; any other,
 *    e.g. an untrusted CA as well, gives DRIP_ERR_TLS_VERIFY). This clock
 *    wins over mbedTLS's own (its date flags are replaced).
 *  - utc_s set, time not known (< 0, e.g. SNTP not synced yet): the dates
 *    are NOT checked (mbedTLS's own date flags are cleared too: its time()
 *    is no better on that board); everything else is (signature chain to
 *    the CA, host name, key usage). Reported once per context through
 *    cfg.warn (DRIP_ERR_TLS_TIME_UNKNOWN) and in drip_tls_info().
 *  - no utc_s (or no platform): mbedTLS decides. Built with
 *    MBEDTLS_HAVE_TIME_DATE (Debian's, the QEMU image's) it checks the dates
 *    against its time() and the same two codes come out; without it the
 *    dates are not checked, reported as above.
 * Why refuse rather than warn when the time is known: an expired
 * certificate may have a leaked key that is no longer revoked anywhere.
 * Why accept when it is not: a board that must connect before it can learn
 * the time (SNTP is not authenticated either) would otherwise never start.
 *
 * Session resumption: after a full handshake the session (TLS 1.2:
 * session ID and ticket, from the handshake; TLS 1.3: the ticket the
 * server sends after it, taken while recv reads) is kept in the context
 * (mbedtls_ssl_get_session), and the next connect to the same host name
 * AND port offers it (mbedtls_ssl_set_session): a ticket where the server
 * gave one, else the session ID of the server's session cache. The server
 * then skips the certificate and the key exchange (TLS 1.2: an abbreviated
 * handshake; TLS 1.3: PSK with a fresh ECDHE). One session is kept: a
 * connect to another host name or port never offers it, and a full
 * handshake there replaces it. A server that does not take it answers with
 * a full handshake (verified as always); a handshake that fails after
 * offering a session drops it, so the retry is a full one. The session is
 * kept in drip_tls_t (an mbedtls_ssl_session: fixed size); what it points
 * to (the ticket, ~100-250 B, and with MBEDTLS_SSL_KEEP_PEER_CERTIFICATE a
 * copy of the server's certificate, ~0.5-1.5 KB) comes from mbedtls_calloc
 * like the rest of mbedTLS's state, once per kept session (replaced, not
 * added). drip_tls_info() tells whether the last handshake resumed and
 * its bytes and time; cfg.no_resume turns it off.
 *
 * Transport return values (drip_transport.h):
 *  - connect: DRIP_OK; DRIP_AGAIN (timeout_ms == 0, poll mode: the inner
 *    connect is still in progress, or the handshake waits for the server;
 *    each call runs mbedtls_ssl_handshake() until it would wait and never
 *    waits itself; call again with the same host and port, or close()); DRIP_ERR_TLS_VERIFY (certificate
 *    not trusted or for another host, no trust installed, or a
 *    verify callback refused the chain); DRIP_ERR_TLS_EXPIRED,
 *    DRIP_ERR_TLS_NOT_YET_VALID (only the dates are wrong, see above); DRIP_ERR_TLS (any other
 *    handshake failure, alerts included); DRIP_ERR_TIMEOUT (handshake
 *    longer than timeout_ms); DRIP_ERR_CLOSED (peer closed during the
 *    handshake); the inner transport's own errors (DRIP_ERR_DNS,
 *    DRIP_ERR_CONNECT, DRIP_ERR_IO, ...) unchanged; DRIP_ERR_STATE (not set
 *    up, or already connected); DRIP_ERR_ARG.
 *  - send: bytes sent (> 0); DRIP_AGAIN (the inner transport stayed full:
 *    call again with the SAME bytes, an mbedTLS rule); DRIP_ERR_TLS or the
 *    inner error (sticky until close).
 *  - recv: bytes (> 0); 0 when the peer closed (close_notify, or a TCP
 *    close without it: drip_tls_last_error() then reports
 *    MBEDTLS_ERR_SSL_CONN_EOF when mbedTLS passes it on); DRIP_AGAIN (no
 *    application data within timeout_ms); DRIP_ERR_TLS (fatal alert, bad
 *    record) or the inner error (sticky until close).
 */
#ifndef DRIP_TLS_H
#define DRIP_TLS_H

#include <stddef.h>
#include <stdint.h>
#include "dripfeed/drip_transport.h"
#include "dripfeed/drip_opts.h" /* DRIP_CONFIG_FILE may set DRIP_TLS_HOST_MAX */

/* mbedTLS configuration first: 2.28 reads config.h (or MBEDTLS_CONFIG_FILE),
 * 3.x build_info.h. version.h includes the right one in both. */
#include "mbedtls/version.h"
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#include "mbedtls/build_info.h"
#elif !defined(MBEDTLS_CONFIG_FILE)
#include "mbedtls/config.h"
#else
#include MBEDTLS_CONFIG_FILE
#endif

#if !defined(MBEDTLS_SSL_CLI_C) || !defined(MBEDTLS_SSL_TLS_C)
#error "drip_tls needs MBEDTLS_SSL_CLI_C and MBEDTLS_SSL_TLS_C in your mbedTLS config"
#endif
#if !defined(MBEDTLS_X509_CRT_PARSE_C)
#error "drip_tls verifies the server: define MBEDTLS_X509_CRT_PARSE_C in your mbedTLS config"
#endif
#if !defined(MBEDTLS_CTR_DRBG_C)
#error "drip_tls seeds a CTR_DRBG: define MBEDTLS_CTR_DRBG_C in your mbedTLS config"
#endif

#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/ctr_drbg.h"
#if defined(MBEDTLS_ENTROPY_C)
#include "mbedtls/entropy.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Longest host name kept for SNI / verification (bytes, without NUL).
 *  RAM: this + 1, once per drip_tls_t. DNS names are at most 253. */
#ifndef DRIP_TLS_HOST_MAX
#define DRIP_TLS_HOST_MAX 253
#endif

/** How many times send() retries mbedtls_ssl_write() after the inner
 *  transport reported DRIP_AGAIN (each posix retry waits up to its send
 *  timeout) before it returns DRIP_AGAIN itself. */
#ifndef DRIP_TLS_SEND_RETRIES
#define DRIP_TLS_SEND_RETRIES 3
#endif

/** 1 (default): keep one session for resumption ("Session resumption"
 *  above). RAM in drip_tls_t: an mbedtls_ssl_session + DRIP_TLS_HOST_MAX + 4
 *  bytes (460 B on the Cortex-M4 image with its Mbed TLS 2.28 config), plus
 *  the ticket and peer-certificate copy in mbedTLS's heap while a session is
 *  kept. 0: compiled out, every connect is a full handshake. */
#ifndef DRIP_TLS_RESUME
#define DRIP_TLS_RESUME 1
#endif

#if DRIP_TLS_HOST_MAX < 16 || DRIP_TLS_HOST_MAX > 255
#error "DRIP_TLS_HOST_MAX must be 16..255 (mbedTLS accepts host names up to 255 bytes)"
#endif

/** Setup options. Zero-fill, then set what you need. Read during
 *  drip_tls_setup() only (what it needs later is copied). */
typedef struct drip_tls_cfg {
    /** Trusted CA certificate(s): PEM (len includes the terminating NUL,
     *  e.g. sizeof of a string literal) or DER. Parsed (copied) by setup. */
    const uint8_t *ca_pem_or_der;
    /** bytes at ca_pem_or_der (PEM: with its NUL) */
    size_t ca_len;
    /** Optional CA file or bundle path (host builds, MBEDTLS_FS_IO only),
     *  used in addition to ca_pem_or_der. */
    const char *ca_file;
    /** Optional entropy source for the DRBG seed (firmware passes its
     *  hardware RNG). Returns 0 on success, like mbedtls_entropy_func.
     *  NULL: mbedtls_entropy_func() with the platform's sources. */
    int (*entropy)(void *ctx, unsigned char *out, size_t len);
    /** passed to entropy as ctx */
    void *entropy_ctx;
    /** Optional clock (now_ms only). With it, connect's handshake and each
     *  recv are bounded in wall time; without it, only the waits of the
     *  inner recv are counted (a trickling server can stretch them).
     *  Copied by setup: may point to a local. */
    const drip_platform_t *platform;
    /** 0 (default): always verify. 1: skip the verdict (but still record the
     *  verify flags) when the host is literally "localhost", "::1" or an
     *  IPv4 127.x.y.z literal; ignored for every other host. */
    int allow_unverified_loopback;
    /**
     * Optional: called once, inside drip_tls_setup(), with this context's
     * mbedtls_ssl_config, e.g. to install ESP-IDF's certificate bundle
     * (`esp_crt_bundle_attach()`, which sets a placeholder CA chain and a
     * verify callback).
     *
     * When: after drip_tls applied the client defaults, the CA of
     * ca_pem_or_der / ca_file (if any), the RNG and TLS 1.2 minimum, and
     * before mbedtls_ssl_setup() binds the config to the connection
     * context. Never again: not per connect, not in drip_tls_free().
     *
     * What it may do: any mbedtls_ssl_conf_*() call on @p conf: trust
     * (mbedtls_ssl_conf_ca_chain, _verify, _ca_cb), cipher suites, curves,
     * ALPN, debug output. A CA chain it installs replaces the one from
     * ca_pem_or_der / ca_file (a config holds one chain). It must not free
     * or re-default @p conf, nor keep the pointer past drip_tls_free().
     * It cannot switch verification off: drip_tls sets VERIFY_REQUIRED
     * again after it returns. A verify callback it installs is trusted as
     * far as the hook is: one that clears every flag accepts any server.
     *
     * Ownership: @p conf belongs to the drip_tls_t. Whatever the hook hands
     * to mbedTLS by pointer (chain, callback contexts, lists) is kept, not
     * copied, so it must stay valid until drip_tls_free(). conf_hook_ctx is
     * passed as @p ctx and not owned.
     *
     * With a hook, ca_pem_or_der / ca_file are optional: the hook supplies
     * the trust. If it installs none, every handshake fails with
     * DRIP_ERR_TLS_VERIFY.
     *
     * @return 0; anything else makes drip_tls_setup() fail with DRIP_ERR_TLS,
     *         and drip_tls_last_error() reports the value as mbedtls_code.
     */
    int (*conf_hook)(mbedtls_ssl_config *conf, void *ctx);
    /** passed to conf_hook as ctx (not owned) */
    void *conf_hook_ctx;
    /** Optional: told about a condition that is not a failure. Today one
     *  code: DRIP_ERR_TLS_TIME_UNKNOWN, once per context (the first
     *  handshake that accepted a certificate chain without checking its
     *  dates; see "Certificate time" above). Called from inside connect;
     *  must not call back into this context. NULL: drip_tls_info() still
     *  tells it (time_checked). */
    void (*warn)(void *ctx, drip_err_t code);
    void *warn_ctx; /**< passed to warn */
    /** 0 (default): resume the last session on a reconnect to the same host
     *  and port (see "Session resumption" above). 1: every connect is a full
     *  handshake (measurements; a server known to break on tickets). */
    int no_resume;
} drip_tls_cfg_t;

/** How the dates of the last verified certificate chain were checked
 *  (drip_tls_info_t::time_checked). */
typedef enum drip_tls_time {
    DRIP_TLS_TIME_NONE = 0,     /**< no chain verified yet (or a resumed session) */
    DRIP_TLS_TIME_PLATFORM = 1, /**< against drip_platform_t::utc_s */
    DRIP_TLS_TIME_MBEDTLS = 2,  /**< by mbedTLS itself (MBEDTLS_HAVE_TIME_DATE, its time()):
                                     the platform has no utc_s hook */
    DRIP_TLS_TIME_UNCHECKED = 3 /**< not checked: the time was not known */
} drip_tls_time_t;

/** What the last handshake did (drip_tls_info()). */
typedef struct drip_tls_info {
    uint8_t time_checked;  /**< drip_tls_time_t of the last verified chain */
    uint8_t offered;       /**< the last handshake offered a kept session */
    uint8_t resumed;       /**< ... and the server took it (no certificate was sent) */
    uint8_t session_kept;  /**< a session is kept now, for session_host:port */
    uint32_t hs_tx;        /**< bytes sent during the last handshake (TLS records) */
    uint32_t hs_rx;        /**< bytes received during the last handshake */
    uint32_t hs_ms;        /**< its wall time (0 without a platform clock) */
    uint32_t full;         /**< full handshakes since setup */
    uint32_t resumes;      /**< resumed handshakes since setup */
} drip_tls_info_t;

/** One TLS client connection. Caller-owned; every field is private. */
typedef struct drip_tls {
    /** Private: the port's state; only its functions touch it. */
    struct {
        mbedtls_ssl_context ssl;
        mbedtls_ssl_config conf;
        mbedtls_x509_crt ca;
        mbedtls_ctr_drbg_context drbg;
#if defined(MBEDTLS_ENTROPY_C)
        mbedtls_entropy_context entropy;
#endif
        drip_transport_t inner;           /* copy; inner.ctx is not owned */
        drip_platform_t platform;         /* copy of the optional clock (now_ms NULL: none) */
        char host[DRIP_TLS_HOST_MAX + 1]; /* host of the current connection */
        int mbedtls_err;                  /* last mbedTLS error code (0: none) */
        uint32_t verify_flags;            /* last x509 verify result */
        int last_err;                     /* last drip_err_t returned for a failure */
        int io_err;                       /* inner transport error seen by the BIO */
        uint32_t op_start, op_budget;     /* current operation's time budget */
        uint16_t port;
        uint8_t state;                    /* drip_tls.c: TLS_ST_* */
        uint8_t is_setup;
        uint8_t allow_loopback;           /* cfg.allow_unverified_loopback */
        uint8_t allow_loopback_now;       /* ... and the current host is loopback */
        uint8_t send_stalled;             /* inner send returned DRIP_AGAIN */
        uint8_t err_src;                  /* mbedtls_err from mbedTLS, conf_hook or PSA */
        uint8_t time_state;               /* drip_tls_time_t of the chain being verified */
        uint8_t time_warned;              /* DRIP_ERR_TLS_TIME_UNKNOWN told once */
        /* verify callback a conf_hook installed: called first, then dates */
        int (*hook_vrfy)(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags);
        void *hook_vrfy_ctx;
        void (*warn)(void *ctx, drip_err_t code);
        void *warn_ctx; /**< passed to warn */
#if DRIP_TLS_RESUME
        /* session resumption: one kept session, for sess_host:sess_port */
        mbedtls_ssl_session sess;
        char sess_host[DRIP_TLS_HOST_MAX + 1];
        uint16_t sess_port;
#endif
        uint8_t have_sess;
        uint8_t no_resume;                /* cfg.no_resume */
        uint8_t offered;                  /* this handshake offered sess */
        uint8_t verified;                 /* this handshake verified a chain */
        uint8_t resumed;                  /* the last handshake was resumed */
        uint32_t hs_tx, hs_rx, hs_start, hs_ms;
        uint32_t n_full, n_resumed;
    } priv;
} drip_tls_t;

/**
 * @brief Make an empty context (mbedtls_*_init on every member). Cannot
 *        fail; NULL is ignored. drip_tls_free() is safe right after.
 */
void drip_tls_init(drip_tls_t *tls);

/**
 * @brief Parse the CA, seed the DRBG and configure a TLS client: TLS 1.2
 *        minimum, VERIFY_REQUIRED, SNI; then cfg->conf_hook, if set. Once
 *        per context (again only after drip_tls_free() + drip_tls_init()).
 * @param[in] tls    initialised context
 * @param[in] inner  transport to run TLS over; the struct is copied (it may
 *                   be a local), its ctx (the TCP connection object) is not
 *                   and must outlive @p tls
 * @param[in] cfg    options (see drip_tls_cfg_t); not kept
 * @return DRIP_OK; DRIP_ERR_ARG (NULL, neither a CA nor a conf_hook, a CA
 *         that does not parse, no entropy source available);
 *         DRIP_ERR_NOMEM (mbedTLS could not allocate its buffers);
 *         DRIP_ERR_TLS (DRBG seeding, psa_crypto_init() on 3.x, another
 *         mbedTLS setup failure, or conf_hook returned non-zero);
 *         DRIP_ERR_STATE (already set up). On failure the context is back
 *         to the post-init state and drip_tls_last_error() tells the mbedTLS
 *         code (or the hook's value, or the PSA status).
 */
drip_err_t drip_tls_setup(drip_tls_t *tls, const drip_transport_t *inner,
                          const drip_tls_cfg_t *cfg);

/**
 * @brief Fill a transport whose ctx is @p tls.
 * @return DRIP_OK or DRIP_ERR_ARG.
 */
drip_err_t drip_tls_transport(drip_tls_t *tls, drip_transport_t *out);

/**
 * @brief Close the connection if any (close_notify, inner close) and free
 *        everything mbedTLS allocated. The context is then as after
 *        drip_tls_init(). Safe to call twice.
 */
void drip_tls_free(drip_tls_t *tls);

/**
 * @brief The last failure.
 * @param[out] mbedtls_code  last mbedTLS error (negative), the value a failed
 *                           conf_hook returned, or 0; may be NULL
 * @param[out] verify_flags  x509 verify flags of the last handshake
 *                           (MBEDTLS_X509_BADCERT_*), 0 when none; may be NULL
 * @return the last drip_err_t this context returned for a failure, or DRIP_OK.
 */
drip_err_t drip_tls_last_error(const drip_tls_t *tls, int *mbedtls_code,
                               uint32_t *verify_flags);

/**
 * @brief What the last handshake did.
 * @param[out] info  filled (zeros for NULL @p tls)
 * @return DRIP_OK or DRIP_ERR_ARG (@p info NULL).
 */
drip_err_t drip_tls_info(const drip_tls_t *tls, drip_tls_info_t *info);

/**
 * @brief Short text of the last failure, e.g.
 *        "tls: certificate not trusted ... (mbedtls -0x2700: X509 - Certificate
 *        verification failed ...) verify: The certificate Common Name (CN) does
 *        not match with the expected CN".
 *        Uses mbedtls_strerror() with MBEDTLS_ERROR_C and
 *        mbedtls_x509_crt_verify_info() unless MBEDTLS_X509_REMOVE_INFO;
 *        otherwise hex codes only.
 * @param[out] buf  text, always NUL-terminated when len > 0; cut to fit
 * @return buf (or "" when buf is NULL or len is 0).
 */
const char *drip_tls_describe(const drip_tls_t *tls, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_TLS_H */
