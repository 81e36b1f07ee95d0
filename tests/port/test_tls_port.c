/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ports on a real network stack: port/posix (TCP, platform) and port/mbedtls
 * (TLS over any transport), against openssl s_server instances and plain
 * sockets on 127.0.0.1.
 *
 * Usage: test_tls_port [CERT_DIR GOOD_PORT WRONG_HOST_PORT]
 * run_tls_port_test.sh makes CERT_DIR (ca.pem, ca.der, ca2.pem) and starts
 * the two servers; without arguments the tests that need them are skipped.
 */
#define _GNU_SOURCE /* RUSAGE_THREAD */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "dripfeed/drip_client.h"
#include "drip_posix.h"
#include "drip_tls.h"
#include "mbedtls/version.h"
#if defined(MBEDTLS_PSA_CRYPTO_C) && \
    (MBEDTLS_VERSION_NUMBER >= 0x03000000 || defined(MBEDTLS_USE_PSA_CRYPTO))
#include "psa/crypto.h"
#define TEST_PSA 1 /* drip_tls_setup() must call psa_crypto_init() (drip_tls.c) */
#endif

/* ---- fixtures from the script ------------------------------------------- */


/* "Returns at once" is checked by what the thread did, not by the clock: a
 * call that waits for the network (poll, a blocking connect/recv, a sleep)
 * gives up the CPU voluntarily at least once; computing (a handshake step)
 * does not, however loaded the machine is (a preemption is involuntary).
 * Wall-clock bounds failed under a loaded 2-core CI runner (51 ms, 110 ms). */
static long voluntary_switches(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_THREAD, &ru) != 0) {
        return -1;
    }
    return ru.ru_nvcsw;
}

static const char *g_dir;
static uint16_t g_good_port, g_wrong_port;
static drip_platform_t g_plat;

static unsigned char g_ca[8192], g_ca_der[4096], g_ca2[8192];
static size_t g_ca_len, g_ca_der_len, g_ca2_len;
static char g_ca_path[512];

static size_t read_file(const char *name, unsigned char *buf, size_t cap, int add_nul)
{
    char path[512];
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    n = fread(buf, 1, cap - 1, f);
    fclose(f);
    if (add_nul) {
        buf[n++] = '\0'; /* PEM: mbedTLS wants the NUL counted */
    }
    return n;
}

#define NEED_SERVER() \
    do { \
        if (g_dir == NULL) { \
            skip(); \
        } \
    } while (0)

/* ---- helpers --------------------------------------------------------------- */

/* A listening socket on 127.0.0.1:0 (listen=1) or a bound, non-listening one
 * (listen=0: connecting to it is refused). */
static int local_socket(int do_listen, uint16_t *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    if (do_listen) {
        assert_int_equal(listen(fd, 4), 0);
    }
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static uint32_t now_ms(void)
{
    return g_plat.now_ms(g_plat.ctx);
}

/* A TLS client over a fresh posix transport. */
typedef struct {
    drip_posix_t tcp;
    drip_transport_t inner;
    drip_tls_t tls;
    drip_transport_t t;
} client_t;

/* Clients live in a static pool, not on a test's stack: when an assertion
 * fails mid-test, the teardown still finds and closes them, so one failure
 * cannot leave a connection that blocks the single-threaded s_server. */
static client_t g_pool[2];
static int g_pool_used[2];

static client_t *client_new(void)
{
    size_t i;
    for (i = 0; i < 2; i++) {
        if (!g_pool_used[i]) {
            g_pool_used[i] = 1;
            memset(&g_pool[i], 0, sizeof g_pool[i]);
            drip_tls_init(&g_pool[i].tls);
            return &g_pool[i];
        }
    }
    fail_msg("client pool exhausted");
    return NULL;
}

static int teardown_clients(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < 2; i++) {
        if (g_pool_used[i]) {
            drip_tls_free(&g_pool[i].tls);
            g_pool_used[i] = 0;
        }
    }
    return 0;
}

static int client_setup_cfg(client_t *c, const drip_tls_cfg_t *cfg)
{
    int rc;
    drip_posix_init(&c->tcp);
    assert_int_equal(drip_posix_transport(&c->tcp, &c->inner), DRIP_OK);
    drip_tls_init(&c->tls);
    rc = drip_tls_setup(&c->tls, &c->inner, cfg);
    if (rc == DRIP_OK) {
        assert_int_equal(drip_tls_transport(&c->tls, &c->t), DRIP_OK);
    }
    return rc;
}

static int client_setup(client_t *c, const unsigned char *ca, size_t ca_len, int allow_loopback,
                        const drip_platform_t *plat)
{
    drip_tls_cfg_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.ca_pem_or_der = ca;
    cfg.ca_len = ca_len;
    cfg.platform = plat;
    cfg.allow_unverified_loopback = allow_loopback;
    return client_setup_cfg(c, &cfg);
}

static void client_free(client_t *c)
{
    drip_tls_free(&c->tls);
    drip_tls_free(&c->tls); /* free twice is safe */
}

/* GET / over t; returns the response length (read until the peer closes). */
static size_t http_get(const drip_transport_t *t, char *resp, size_t cap)
{
    static const char req[] = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
    size_t off = 0, got = 0;
    uint32_t start = now_ms();
    while (off < sizeof req - 1) {
        int r = t->send(t->ctx, (const uint8_t *)req + off, sizeof req - 1 - off);
        assert_true(r > 0);
        off += (size_t)r;
    }
    for (;;) {
        int r = t->recv(t->ctx, (uint8_t *)resp + got, cap - 1 - got, 2000);
        if (r == 0) {
            break;
        }
        if (r == DRIP_AGAIN) {
            assert_true(now_ms() - start < 10000u);
            continue;
        }
        assert_true(r > 0);
        got += (size_t)r;
        assert_true(got < cap - 1);
    }
    resp[got] = '\0';
    return got;
}

static void poll_until_readable(client_t *c, uint16_t port, int afd);

/* ---- mbedTLS: the one compiled against is the one linked ------------------- */

/* CTest port_tls builds against the system's 2.28, port_tls_mbedtls3 against
 * 3.6 (run_tls_port_mbedtls3.sh checks the printed line): headers and library
 * must agree, or a test run proves nothing about either. */
static void test_mbedtls_version(void **state)
{
    char lib[18];
    (void)state;
    mbedtls_version_get_string(lib);
    print_message("  mbedTLS headers %s, library %s\n", MBEDTLS_VERSION_STRING, lib);
    assert_string_equal(lib, MBEDTLS_VERSION_STRING);
    assert_int_equal(mbedtls_version_get_number(), MBEDTLS_VERSION_NUMBER);
}

/* ---- posix: platform ------------------------------------------------------ */

static void test_platform(void **state)
{
    drip_platform_t p;
    uint32_t a, b, r1, r2, r3;
    (void)state;
    assert_int_equal(drip_posix_platform(NULL), DRIP_ERR_ARG);
    assert_int_equal(drip_posix_platform(&p), DRIP_OK);
    a = p.now_ms(p.ctx);
    p.sleep_ms(p.ctx, 50);
    b = p.now_ms(p.ctx);
    assert_true(b - a >= 50u && b - a < 1000u);
    r1 = p.random(p.ctx);
    r2 = p.random(p.ctx);
    r3 = p.random(p.ctx);
    assert_false(r1 == r2 && r2 == r3);
}

/* ---- posix: TCP -------------------------------------------------------------- */

static void test_posix_args_and_state(void **state)
{
    drip_posix_t p;
    drip_transport_t t;
    uint8_t b[4];
    (void)state;
    drip_posix_init(&p);
    assert_int_equal(drip_posix_transport(NULL, &t), DRIP_ERR_ARG);
    assert_int_equal(drip_posix_transport(&p, NULL), DRIP_ERR_ARG);
    assert_int_equal(drip_posix_transport(&p, &t), DRIP_OK);
    assert_ptr_equal(t.ctx, &p);
    assert_int_equal(t.connect(t.ctx, NULL, 80, 100), DRIP_ERR_ARG);
    assert_int_equal(t.connect(t.ctx, "localhost", 0, 100), DRIP_ERR_ARG);
    assert_int_equal(t.recv(t.ctx, b, sizeof b, 0), DRIP_ERR_STATE);
    assert_int_equal(t.send(t.ctx, b, sizeof b), DRIP_ERR_STATE);
    assert_int_equal(t.recv(t.ctx, NULL, 4, 0), DRIP_ERR_ARG);
    assert_int_equal(t.send(t.ctx, b, 0), DRIP_ERR_ARG);
    t.close(t.ctx);
    t.close(t.ctx); /* idempotent */
}

static void test_posix_refused(void **state)
{
    drip_posix_t p;
    drip_transport_t t;
    uint16_t port;
    int fd = local_socket(0, &port), gai = -1;
    (void)state;
    drip_posix_init(&p);
    drip_posix_transport(&p, &t);
    assert_int_equal(t.connect(t.ctx, "127.0.0.1", port, 2000), DRIP_ERR_CONNECT);
    assert_int_equal(drip_posix_last_errno(&p, &gai), ECONNREFUSED);
    assert_int_equal(gai, 0);
    /* "localhost" may give ::1 and 127.0.0.1: every address is refused. */
    assert_int_equal(t.connect(t.ctx, "localhost", port, 2000), DRIP_ERR_CONNECT);
    close(fd);
}

static void test_posix_dns(void **state)
{
    drip_posix_t p;
    drip_transport_t t;
    int gai = 0;
    (void)state;
    drip_posix_init(&p);
    drip_posix_transport(&p, &t);
    assert_int_equal(t.connect(t.ctx, "nonexistent.invalid", 443, 5000), DRIP_ERR_DNS);
    (void)drip_posix_last_errno(&p, &gai);
    assert_int_not_equal(gai, 0);
}

static void test_posix_recv_timeout_close_reset(void **state)
{
    drip_posix_t p;
    drip_transport_t t;
    uint16_t port;
    int lfd = local_socket(1, &port), afd;
    uint8_t b[16];
    uint32_t t0;
    struct linger lg;
    (void)state;
    drip_posix_init(&p);
    drip_posix_transport(&p, &t);
    assert_int_equal(t.connect(t.ctx, "127.0.0.1", port, 2000), DRIP_OK);
    assert_int_equal(t.connect(t.ctx, "127.0.0.1", port, 2000), DRIP_ERR_STATE);
    afd = accept(lfd, NULL, NULL);
    assert_true(afd >= 0);

    /* Nothing sent: DRIP_AGAIN after about the timeout; 0 polls. */
    t0 = now_ms();
    assert_int_equal(t.recv(t.ctx, b, sizeof b, 200), DRIP_AGAIN);
    assert_true(now_ms() - t0 >= 190u);
    assert_int_equal(t.recv(t.ctx, b, sizeof b, 0), DRIP_AGAIN);

    /* Data both ways. */
    assert_int_equal(t.send(t.ctx, (const uint8_t *)"ping", 4), 4);
    assert_int_equal(read(afd, b, sizeof b), 4);
    assert_int_equal(write(afd, "pong", 4), 4);
    assert_int_equal(t.recv(t.ctx, b, sizeof b, 1000), 4);
    assert_memory_equal(b, "pong", 4);

    /* Orderly close by the peer: 0. */
    close(afd);
    assert_int_equal(t.recv(t.ctx, b, sizeof b, 1000), 0);
    t.close(t.ctx);
    t.close(t.ctx);

    /* Reset by the peer (SO_LINGER 0): DRIP_ERR_CLOSED. */
    assert_int_equal(t.connect(t.ctx, "127.0.0.1", port, 2000), DRIP_OK);
    afd = accept(lfd, NULL, NULL);
    assert_true(afd >= 0);
    lg.l_onoff = 1;
    lg.l_linger = 0;
    assert_int_equal(setsockopt(afd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
    close(afd);
    assert_int_equal(t.recv(t.ctx, b, sizeof b, 1000), DRIP_ERR_CLOSED);
    assert_int_equal(drip_posix_last_errno(&p, NULL), ECONNRESET);
    /* Writing to a reset connection: closed, and no SIGPIPE kills us. */
    {
        int r = t.send(t.ctx, (const uint8_t *)"x", 1);
        if (r > 0) {
            r = t.send(t.ctx, (const uint8_t *)"x", 1);
        }
        assert_true(r == DRIP_ERR_CLOSED || r == 1);
    }
    t.close(t.ctx);
    close(lfd);
}

/* ---- TLS: setup --------------------------------------------------------------- */

/* 3.x (and 2.28 with MBEDTLS_USE_PSA_CRYPTO): drip_tls_setup() initialises
 * PSA crypto, which 3.0 .. 3.6.0 never do themselves (3.6.1+ do it inside
 * a TLS 1.3 handshake, so a handshake alone would hide a missing call).
 * Runs before every other TLS case: nothing has initialised PSA yet. */
static void test_tls_setup_inits_psa(void **state)
{
#if defined(TEST_PSA)
    client_t *c = client_new();
    uint8_t rnd[16];
    (void)state;
    NEED_SERVER();
    assert_int_equal(psa_generate_random(rnd, sizeof rnd), PSA_ERROR_BAD_STATE);
    assert_int_equal(client_setup(c, g_ca, g_ca_len, 0, &g_plat), DRIP_OK);
    assert_int_equal(psa_generate_random(rnd, sizeof rnd), PSA_SUCCESS);
    print_message("  PSA crypto initialised by drip_tls_setup\n");
    client_free(c);
#else
    (void)state;
    print_message("  this mbedTLS config needs no psa_crypto_init(): nothing to check\n");
#endif
}

static void test_tls_setup_errors(void **state)
{
    drip_posix_t p;
    drip_transport_t inner;
    drip_tls_t tls;
    drip_tls_cfg_t cfg;
    drip_transport_t t;
    static const unsigned char junk[] = "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n";
    int code = 0;
    uint32_t flags = 1;
    char text[256];
    uint8_t b[4];
    (void)state;

    drip_posix_init(&p);
    drip_posix_transport(&p, &inner);
    drip_tls_init(&tls);
    drip_tls_free(&tls); /* init-free-free */
    drip_tls_free(&tls);
    drip_tls_init(&tls);
    memset(&cfg, 0, sizeof cfg);

    assert_int_equal(drip_tls_setup(NULL, &inner, &cfg), DRIP_ERR_ARG);
    assert_int_equal(drip_tls_setup(&tls, NULL, &cfg), DRIP_ERR_ARG);
    assert_int_equal(drip_tls_setup(&tls, &inner, NULL), DRIP_ERR_ARG);
    /* No CA: refused, nothing to verify against. */
    assert_int_equal(drip_tls_setup(&tls, &inner, &cfg), DRIP_ERR_ARG);
    /* A CA that does not parse. */
    cfg.ca_pem_or_der = junk;
    cfg.ca_len = sizeof junk;
    assert_int_equal(drip_tls_setup(&tls, &inner, &cfg), DRIP_ERR_ARG);
    assert_int_equal(drip_tls_last_error(&tls, &code, &flags), DRIP_ERR_ARG);
    assert_true(code < 0);
    assert_int_equal(flags, 0);
    drip_tls_describe(&tls, text, sizeof text);
    assert_non_null(strstr(text, "mbedtls -0x"));
    /* Not set up: connect is a state error; transport() still fills. */
    assert_int_equal(drip_tls_transport(&tls, &t), DRIP_OK);
    assert_int_equal(t.connect(t.ctx, "localhost", 443, 100), DRIP_ERR_STATE);
    assert_int_equal(t.recv(t.ctx, b, sizeof b, 0), DRIP_ERR_STATE);
    t.close(t.ctx);
    assert_int_equal(drip_tls_transport(NULL, &t), DRIP_ERR_ARG);
    /* describe never overflows and always terminates. */
    assert_string_equal(drip_tls_describe(&tls, text, 0), "");
    drip_tls_describe(&tls, text, 8);
    assert_int_equal(strlen(text), 7);
    drip_tls_free(&tls);
}

static void test_tls_setup_twice(void **state)
{
    client_t *c = client_new();
    drip_tls_cfg_t cfg;
    (void)state;
    NEED_SERVER();
    assert_int_equal(client_setup(c, g_ca, g_ca_len, 0, &g_plat), DRIP_OK);
    memset(&cfg, 0, sizeof cfg);
    cfg.ca_pem_or_der = g_ca;
    cfg.ca_len = g_ca_len;
    assert_int_equal(drip_tls_setup(&c->tls, &c->inner, &cfg), DRIP_ERR_STATE);
    client_free(c);
    /* After free + init it can be set up again. */
    drip_tls_init(&c->tls);
    assert_int_equal(drip_tls_setup(&c->tls, &c->inner, &cfg), DRIP_OK);
    client_free(c);
}

/* ---- TLS: against openssl s_server ----------------------------------------- */

static void test_tls_get_roundtrip(void **state)
{
    client_t *c = client_new();
    static char resp[32768];
    size_t n;
    int i;
    uint32_t flags = 1;
    (void)state;
    NEED_SERVER();
    assert_int_equal(client_setup(c, g_ca, g_ca_len, 0, &g_plat), DRIP_OK);
    /* Twice on one context: close + connect reuses it (session reset). */
    for (i = 0; i < 2; i++) {
        assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_OK);
        assert_int_equal(drip_tls_last_error(&c->tls, NULL, &flags), DRIP_OK);
        assert_int_equal(flags, 0);
        assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_ERR_STATE);
        {   /* TLS 1.2 at least (2.28: 1.2 only; 3.6 with s_server: 1.3) */
            const char *v = mbedtls_ssl_get_version(&c->tls.priv.ssl);
            print_message("  negotiated %s\n", v);
            assert_true(strcmp(v, "TLSv1.2") == 0 || strcmp(v, "TLSv1.3") == 0);
        }
        n = http_get(&c->t, resp, sizeof resp);
        assert_true(n > 16);
        assert_memory_equal(resp, "HTTP/1.0 200 ok\r\n", 17);
        /* Read after the peer's close keeps answering 0. */
        assert_int_equal(c->t.recv(c->t.ctx, (uint8_t *)resp, 16, 10), 0);
        c->t.close(c->t.ctx);
        c->t.close(c->t.ctx);
    }
    client_free(c);
}

static void test_tls_der_ca_and_file(void **state)
{
    client_t *c = client_new();
    drip_tls_cfg_t cfg;
    static char resp[32768];
    (void)state;
    NEED_SERVER();
    assert_int_equal(client_setup(c, g_ca_der, g_ca_der_len, 0, NULL), DRIP_OK);
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_OK);
    assert_true(http_get(&c->t, resp, sizeof resp) > 16);
    client_free(c);

#if defined(MBEDTLS_FS_IO)
    memset(&cfg, 0, sizeof cfg);
    cfg.ca_file = g_ca_path;
    drip_tls_init(&c->tls);
    assert_int_equal(drip_tls_setup(&c->tls, &c->inner, &cfg), DRIP_OK);
    drip_tls_transport(&c->tls, &c->t);
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_OK);
    assert_true(http_get(&c->t, resp, sizeof resp) > 16);
    client_free(c);
#else
    (void)cfg;
#endif
}

static void test_tls_wrong_ca(void **state)
{
    client_t *c = client_new();
    int code = 0;
    uint32_t flags = 0;
    char text[512];
    (void)state;
    NEED_SERVER();
    assert_int_equal(client_setup(c, g_ca2, g_ca2_len, 0, &g_plat), DRIP_OK);
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_ERR_TLS_VERIFY);
    assert_int_equal(drip_tls_last_error(&c->tls, &code, &flags), DRIP_ERR_TLS_VERIFY);
    assert_int_equal(code, MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
    assert_true((flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) != 0);
    drip_tls_describe(&c->tls, text, sizeof text);
    print_message("  describe: %s\n", text);
    assert_non_null(strstr(text, "verify:"));
    /* The context is idle again: a failed handshake closed the socket. */
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_ERR_TLS_VERIFY);
    client_free(c);
}

static void test_tls_wrong_host(void **state)
{
    client_t *c = client_new();
    uint32_t flags = 0;
    char text[512];
    (void)state;
    NEED_SERVER();
    assert_int_equal(client_setup(c, g_ca, g_ca_len, 0, &g_plat), DRIP_OK);
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_wrong_port, 5000), DRIP_ERR_TLS_VERIFY);
    drip_tls_last_error(&c->tls, NULL, &flags);
    assert_true((flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) != 0);
    assert_true((flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) == 0);
    drip_tls_describe(&c->tls, text, sizeof text);
    print_message("  describe: %s\n", text);
    assert_non_null(strstr(text, "CN"));
    /* The same context still reaches the right server afterwards. */
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_OK);
    c->t.close(c->t.ctx);
    client_free(c);
}

/* ---- certificate time (drip_tls.h "Certificate time") ----------------------- */

static uint16_t g_expired_port, g_future_port; /* DRIP_TLS_EXPIRED_PORT / _FUTURE_PORT */
static int64_t g_fake_utc;
static int g_warns, g_warn_code;

static int64_t fake_utc(void *ctx)
{
    (void)ctx;
    return g_fake_utc;
}

static void count_warn(void *ctx, drip_err_t code)
{
    (void)ctx;
    g_warns++;
    g_warn_code = (int)code;
}

#define NEED_DATED() \
    do { \
        if (g_dir == NULL || g_expired_port == 0u || g_future_port == 0u) { \
            skip(); \
        } \
    } while (0)

static int setup_timed(client_t *c, const drip_platform_t *plat)
{
    drip_tls_cfg_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.ca_pem_or_der = g_ca;
    cfg.ca_len = g_ca_len;
    cfg.platform = plat;
    cfg.warn = count_warn;
    g_warns = 0;
    g_warn_code = 0;
    return client_setup_cfg(c, &cfg);
}

static void expect_dates(client_t *c, uint16_t port, int want, uint32_t flag, int how)
{
    uint32_t flags = 0;
    drip_tls_info_t info;
    int code = 0;
    char text[512];
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", port, 5000), want);
    assert_int_equal(drip_tls_last_error(&c->tls, &code, &flags), want);
    assert_int_equal(code, MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
    assert_int_equal(flags, flag); /* the dates, and nothing else */
    assert_int_equal(drip_tls_info(&c->tls, &info), DRIP_OK);
    assert_int_equal(info.time_checked, how);
    drip_tls_describe(&c->tls, text, sizeof text);
    print_message("  describe: %s\n", text);
    assert_non_null(strstr(text, flag == MBEDTLS_X509_BADCERT_EXPIRED ? "expired" : "future"));
}

/* The host clock (posix platform): expired and not-yet-valid leaves are
 * refused with their own codes, never retried as a plain TLS error. */
static void test_tls_time_host_clock(void **state)
{
    client_t *c = client_new();
    drip_tls_info_t info;
    (void)state;
    NEED_DATED();
    assert_non_null(g_plat.utc_s);
    assert_true(g_plat.utc_s(g_plat.ctx) >= DRIP_UTC_MIN_VALID);
    assert_int_equal(setup_timed(c, &g_plat), DRIP_OK);
    expect_dates(c, g_expired_port, DRIP_ERR_TLS_EXPIRED, MBEDTLS_X509_BADCERT_EXPIRED,
                 DRIP_TLS_TIME_PLATFORM);
    expect_dates(c, g_future_port, DRIP_ERR_TLS_NOT_YET_VALID, MBEDTLS_X509_BADCERT_FUTURE,
                 DRIP_TLS_TIME_PLATFORM);
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_OK);
    assert_int_equal(drip_tls_info(&c->tls, &info), DRIP_OK);
    assert_int_equal(info.time_checked, DRIP_TLS_TIME_PLATFORM);
    c->t.close(c->t.ctx);
    assert_int_equal(g_warns, 0);
    assert_string_equal(drip_err_str(DRIP_ERR_TLS_EXPIRED), "tls: certificate expired");
    client_free(c);
}

/* The platform's clock is the one used, not mbedTLS's time(): with it set
 * to 2100 the good server's certificate has expired, with it set to 2020
 * (before the test CA was made) it is not valid yet. */
static void test_tls_time_platform_wins(void **state)
{
    client_t *c = client_new();
    drip_platform_t p = g_plat;
    (void)state;
    NEED_DATED();
    p.utc_s = fake_utc;
    assert_int_equal(setup_timed(c, &p), DRIP_OK);
    g_fake_utc = 4102444800 + 86400 * 180; /* 2100-06-30 */
    expect_dates(c, g_good_port, DRIP_ERR_TLS_EXPIRED, MBEDTLS_X509_BADCERT_EXPIRED,
                 DRIP_TLS_TIME_PLATFORM);
    g_fake_utc = 1577880000; /* 2020-01-01 12:00: the expired leaf's day, before the CA */
    expect_dates(c, g_good_port, DRIP_ERR_TLS_NOT_YET_VALID, MBEDTLS_X509_BADCERT_FUTURE,
                 DRIP_TLS_TIME_PLATFORM);
    g_fake_utc = g_plat.utc_s(g_plat.ctx); /* now: accepted */
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_OK);
    c->t.close(c->t.ctx);
    assert_int_equal(g_warns, 0);
    client_free(c);
}

/* Time not known (utc_s < 0: SNTP not synced yet): the dates are not
 * checked, everything else still is, and the warning comes once. */
static void test_tls_time_unknown(void **state)
{
    client_t *c = client_new();
    drip_platform_t p = g_plat;
    drip_tls_info_t info;
    uint32_t flags = 0;
    (void)state;
    NEED_DATED();
    p.utc_s = fake_utc;
    g_fake_utc = -1;
    assert_int_equal(setup_timed(c, &p), DRIP_OK);
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_expired_port, 5000), DRIP_OK);
    assert_int_equal(drip_tls_info(&c->tls, &info), DRIP_OK);
    assert_int_equal(info.time_checked, DRIP_TLS_TIME_UNCHECKED);
    assert_int_equal(g_warns, 1);
    assert_int_equal(g_warn_code, DRIP_ERR_TLS_TIME_UNKNOWN);
    c->t.close(c->t.ctx);
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_future_port, 5000), DRIP_OK);
    c->t.close(c->t.ctx);
    assert_int_equal(g_warns, 1); /* once per context */
    /* The rest is still checked: another host name is refused. */
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_wrong_port, 5000), DRIP_ERR_TLS_VERIFY);
    drip_tls_last_error(&c->tls, NULL, &flags);
    assert_true((flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) != 0);
    client_free(c);

    /* No utc_s at all: mbedTLS's own clock decides when it has one. */
    p.utc_s = NULL;
    c = client_new();
    assert_int_equal(setup_timed(c, &p), DRIP_OK);
#if defined(MBEDTLS_HAVE_TIME_DATE)
    expect_dates(c, g_expired_port, DRIP_ERR_TLS_EXPIRED, MBEDTLS_X509_BADCERT_EXPIRED,
                 DRIP_TLS_TIME_MBEDTLS);
    assert_int_equal(g_warns, 0);
#else
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_expired_port, 5000), DRIP_OK);
    assert_int_equal(g_warns, 1);
#endif
    client_free(c);
}

/* ---- session resumption ------------------------------------------------------ */

/* An inner transport around posix that keeps the first send of each
 * connection (the ClientHello) and counts the bytes both ways. */
typedef struct {
    drip_posix_t tcp;
    drip_transport_t in;
    uint8_t hello[4096];
    size_t hello_n;
    uint32_t tx, rx;
} rec_t;
static rec_t g_rec;

static int rec_connect(void *ctx, const char *host, uint16_t port, uint32_t ms)
{
    rec_t *r = ctx;
    r->hello_n = 0;
    r->tx = r->rx = 0;
    return r->in.connect(r->in.ctx, host, port, ms);
}

static int rec_send(void *ctx, const uint8_t *p, size_t n)
{
    rec_t *r = ctx;
    int got = r->in.send(r->in.ctx, p, n);
    if (got > 0) {
        if (r->tx == 0u) {
            r->hello_n = (size_t)got < sizeof r->hello ? (size_t)got : sizeof r->hello;
            memcpy(r->hello, p, r->hello_n);
        }
        r->tx += (uint32_t)got;
    }
    return got;
}

static int rec_recv(void *ctx, uint8_t *p, size_t n, uint32_t ms)
{
    rec_t *r = ctx;
    int got = r->in.recv(r->in.ctx, p, n, ms);
    if (got > 0) {
        r->rx += (uint32_t)got;
    }
    return got;
}

static void rec_close(void *ctx)
{
    rec_t *r = ctx;
    r->in.close(r->in.ctx);
}

static size_t be16(const uint8_t *p)
{
    return (size_t)p[0] << 8 | p[1];
}

/* Does the recorded ClientHello offer a session? A non-empty
 * session_ticket extension (35, TLS 1.2) or a pre_shared_key one (41,
 * TLS 1.3). The session ID is not looked at: 3.x in TLS 1.3 middlebox
 * compatibility mode sends a random one every time. -1: not a ClientHello. */
static int hello_offers(const uint8_t *p, size_t n)
{
    size_t i = 5 + 4 + 2 + 32, end;
    if (n < i + 1 || p[0] != 22 || p[5] != 1) {
        return -1;
    }
    i += 1 + p[i];                 /* session id */
    if (i + 2 > n) {
        return -1;
    }
    i += 2 + be16(p + i);          /* cipher suites */
    if (i + 1 > n) {
        return -1;
    }
    i += 1 + p[i];                 /* compression */
    if (i + 2 > n) {
        return -1;
    }
    end = i + 2 + be16(p + i);
    i += 2;
    if (end > n) {
        return -1;
    }
    while (i + 4 <= end) {
        size_t type = be16(p + i), len = be16(p + i + 2);
        if ((type == 35u && len > 0u) || type == 41u) {
            return 1;
        }
        i += 4 + len;
    }
    return 0;
}

static int rec_setup(client_t *c, int no_resume)
{
    drip_tls_cfg_t cfg;
    drip_transport_t rt;
    memset(&g_rec, 0, sizeof g_rec);
    drip_posix_init(&g_rec.tcp);
    drip_posix_transport(&g_rec.tcp, &g_rec.in);
    rt.connect = rec_connect;
    rt.send = rec_send;
    rt.recv = rec_recv;
    rt.close = rec_close;
    rt.ctx = &g_rec;
    memset(&cfg, 0, sizeof cfg);
    cfg.ca_pem_or_der = g_ca;
    cfg.ca_len = g_ca_len;
    cfg.platform = &g_plat;
    cfg.no_resume = no_resume;
    drip_tls_init(&c->tls);
    assert_int_equal(drip_tls_setup(&c->tls, &rt, &cfg), DRIP_OK);
    return drip_tls_transport(&c->tls, &c->t);
}

/* One GET on a new connection to host; the info of its handshake. */
static int get_once(client_t *c, const char *host, drip_tls_info_t *info)
{
    static char resp[32768];
    int r = c->t.connect(c->t.ctx, host, g_good_port, 5000);
    assert_int_equal(drip_tls_info(&c->tls, info), DRIP_OK);
    if (r == DRIP_OK) {
        /* reads the whole answer: TLS 1.3 tickets arrive on the way */
        assert_true(http_get(&c->t, resp, sizeof resp) > 16);
        assert_memory_equal(resp, "HTTP/1.0 200 ok\r\n", 17);
    }
    c->t.close(c->t.ctx);
    return r;
}

static void test_tls_resume(void **state)
{
    client_t *c = client_new();
    drip_tls_info_t full, res, other, again;
    int r;
    (void)state;
    NEED_SERVER();
    assert_int_equal(rec_setup(c, 0), DRIP_OK);
    assert_int_equal(get_once(c, "localhost", &full), DRIP_OK);
    assert_int_equal(hello_offers(g_rec.hello, g_rec.hello_n), 0);
    assert_false(full.offered);
    assert_false(full.resumed);
    assert_true(full.session_kept || drip_tls_info(&c->tls, &full) == DRIP_OK);
    assert_int_equal(drip_tls_info(&c->tls, &full), DRIP_OK);
    assert_true(full.session_kept); /* after the answer: the 1.3 ticket too */

    assert_int_equal(get_once(c, "localhost", &res), DRIP_OK);
    assert_int_equal(hello_offers(g_rec.hello, g_rec.hello_n), 1);
    assert_true(res.offered);
    assert_true(res.resumed); /* no certificate: s_server took it */
    assert_int_equal(res.time_checked, DRIP_TLS_TIME_NONE);
    print_message("  handshake %s: full %u B out + %u B in, %u ms; resumed %u B out + %u B in, %u ms\n",
                  mbedtls_ssl_get_version(&c->tls.priv.ssl), (unsigned)full.hs_tx,
                  (unsigned)full.hs_rx, (unsigned)full.hs_ms, (unsigned)res.hs_tx,
                  (unsigned)res.hs_rx, (unsigned)res.hs_ms);
    assert_true(res.hs_rx * 2u < full.hs_rx); /* the certificate is not sent again */
    assert_int_equal(res.full, 1);
    assert_int_equal(res.resumes, 1);

    /* Another host name (same server, same port): the ticket is not offered.
     * (2.28 does not match IP SANs: then the name check refuses it.) */
    r = get_once(c, "127.0.0.1", &other);
    assert_true(r == DRIP_OK || r == DRIP_ERR_TLS_VERIFY);
    assert_int_equal(hello_offers(g_rec.hello, g_rec.hello_n), 0);
    assert_false(other.offered);
    assert_false(other.resumed);

    /* A ticket the server cannot read: it answers with a full handshake. */
    assert_int_equal(get_once(c, "localhost", &again), DRIP_OK); /* keep a session again */
    assert_int_equal(drip_tls_info(&c->tls, &again), DRIP_OK);
    assert_true(again.session_kept);
    {
        mbedtls_ssl_session *ss = &c->tls.priv.sess;
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
        unsigned char *tk = ss->MBEDTLS_PRIVATE(ticket);
        size_t tl = ss->MBEDTLS_PRIVATE(ticket_len);
#else
        unsigned char *tk = ss->ticket;
        size_t tl = ss->ticket_len;
        memset(ss->id, 0x5a, sizeof ss->id); /* no session-ID resumption either */
#endif
        assert_non_null(tk);
        assert_true(tl > 16u);
        memset(tk, 0xa5, tl);
    }
    assert_int_equal(get_once(c, "localhost", &again), DRIP_OK);
    assert_true(again.offered);
    assert_false(again.resumed);
    assert_int_equal(again.time_checked, DRIP_TLS_TIME_PLATFORM); /* verified again */
    assert_int_equal(get_once(c, "localhost", &again), DRIP_OK); /* its new session works */
    assert_true(again.resumed);
    client_free(c);
}

static void test_tls_no_resume(void **state)
{
    client_t *c = client_new();
    drip_tls_info_t info;
    (void)state;
    NEED_SERVER();
    assert_int_equal(rec_setup(c, 1), DRIP_OK);
    assert_int_equal(get_once(c, "localhost", &info), DRIP_OK);
    assert_int_equal(get_once(c, "localhost", &info), DRIP_OK);
    assert_int_equal(hello_offers(g_rec.hello, g_rec.hello_n), 0);
    assert_false(info.offered);
    assert_false(info.resumed);
    assert_int_equal(info.full, 2);
    client_free(c);
}

static void test_tls_loopback_exception(void **state)
{
    client_t *c = client_new();
    uint32_t flags = 0;
    (void)state;
    NEED_SERVER();
    /* Untrusted CA, but the flag is set and the host is literally loopback. */
    assert_int_equal(client_setup(c, g_ca2, g_ca2_len, 1, &g_plat), DRIP_OK);
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_OK);
    assert_int_equal(drip_tls_last_error(&c->tls, NULL, &flags), DRIP_OK);
    assert_true((flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) != 0); /* still recorded */
    c->t.close(c->t.ctx);
    assert_int_equal(c->t.connect(c->t.ctx, "127.0.0.1", g_good_port, 5000), DRIP_OK);
    c->t.close(c->t.ctx);
    client_free(c);

    /* Without the flag, the same connection is refused. */
    assert_int_equal(client_setup(c, g_ca2, g_ca2_len, 0, &g_plat), DRIP_OK);
    assert_int_equal(c->t.connect(c->t.ctx, "127.0.0.1", g_good_port, 5000), DRIP_ERR_TLS_VERIFY);
    client_free(c);
}

/* An inner transport that ignores the host and dials 127.0.0.1: the TLS layer
 * sees a non-loopback name although the bytes go to our local server. */
typedef struct {
    drip_posix_t tcp;
    drip_transport_t t;
} redirect_t;

static int rd_connect(void *ctx, const char *host, uint16_t port, uint32_t ms)
{
    redirect_t *r = (redirect_t *)ctx;
    (void)host;
    return r->t.connect(r->t.ctx, "127.0.0.1", port, ms);
}
static int rd_send(void *ctx, const uint8_t *p, size_t n)
{
    redirect_t *r = (redirect_t *)ctx;
    return r->t.send(r->t.ctx, p, n);
}
static int rd_recv(void *ctx, uint8_t *p, size_t n, uint32_t ms)
{
    redirect_t *r = (redirect_t *)ctx;
    return r->t.recv(r->t.ctx, p, n, ms);
}
static void rd_close(void *ctx)
{
    redirect_t *r = (redirect_t *)ctx;
    r->t.close(r->t.ctx);
}

static void test_tls_loopback_flag_ignored_elsewhere(void **state)
{
    static const char *const not_loopback[] = {
        "api.openai.com", "localhost.evil.example", "127.0.0.1.evil.example", "127.1",
        "127.0.0.01",     "127.0.0.256",            "127.0.0.1 ",             "0177.0.0.1",
        "::2",            "LOCALHOST.",             "x127.0.0.1",             "127..0.1",
    };
    /* static: the teardown may close the connection after a failed assert */
    static redirect_t rd;
    static drip_transport_t inner = {rd_connect, rd_send, rd_recv, rd_close, NULL};
    client_t *c = client_new(); /* only its tls member: closed by the teardown */
    drip_tls_t *tls = &c->tls;
    drip_tls_cfg_t cfg;
    drip_transport_t t;
    size_t i;
    (void)state;
    NEED_SERVER();
    drip_posix_init(&rd.tcp);
    drip_posix_transport(&rd.tcp, &rd.t);
    inner.ctx = &rd;
    memset(&cfg, 0, sizeof cfg);
    cfg.ca_pem_or_der = g_ca2; /* untrusted */
    cfg.ca_len = g_ca2_len;
    cfg.platform = &g_plat;
    cfg.allow_unverified_loopback = 1;
        assert_int_equal(drip_tls_setup(tls, &inner, &cfg), DRIP_OK);
    drip_tls_transport(tls, &t);
    for (i = 0; i < sizeof not_loopback / sizeof not_loopback[0]; i++) {
        print_message("  host \"%s\"\n", not_loopback[i]);
        assert_int_equal(t.connect(t.ctx, not_loopback[i], g_good_port, 5000), DRIP_ERR_TLS_VERIFY);
    }
    /* The same redirect with a loopback name passes: the check is the name. */
    assert_int_equal(t.connect(t.ctx, "127.0.0.1", g_good_port, 5000), DRIP_OK);
    t.close(t.ctx);
    assert_int_equal(t.connect(t.ctx, "127.255.0.9", g_good_port, 5000), DRIP_OK);
    t.close(t.ctx);
    drip_tls_free(tls);
}

static void test_tls_recv_timeout(void **state)
{
    client_t *c = client_new();
    static char resp[32768];
    uint8_t b[64];
    uint32_t t0;
    (void)state;
    NEED_SERVER();
    assert_int_equal(client_setup(c, g_ca, g_ca_len, 0, &g_plat), DRIP_OK);
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_OK);
    /* The server waits for a request: nothing to read. */
    t0 = now_ms();
    assert_int_equal(c->t.recv(c->t.ctx, b, sizeof b, 300), DRIP_AGAIN);
    assert_true(now_ms() - t0 >= 290u);
    assert_true(now_ms() - t0 < 3000u);
    assert_int_equal(c->t.recv(c->t.ctx, b, sizeof b, 0), DRIP_AGAIN);
    /* DRIP_AGAIN is not an error: the connection still works. */
    assert_true(http_get(&c->t, resp, sizeof resp) > 16);
    c->t.close(c->t.ctx);
    client_free(c);
}

/* ---- TLS: failures that need no certificate server --------------------------- */

static void test_tls_refused_and_dns(void **state)
{
    client_t *c = client_new();
    uint16_t port;
    int fd = local_socket(0, &port);
    (void)state;
    NEED_SERVER();
    assert_int_equal(client_setup(c, g_ca, g_ca_len, 0, &g_plat), DRIP_OK);
    /* The inner transport's errors come through unchanged. */
    assert_int_equal(c->t.connect(c->t.ctx, "127.0.0.1", port, 2000), DRIP_ERR_CONNECT);
    assert_int_equal(drip_tls_last_error(&c->tls, NULL, NULL), DRIP_ERR_CONNECT);
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", port, 2000), DRIP_ERR_CONNECT);
    assert_int_equal(c->t.connect(c->t.ctx, "nonexistent.invalid", 443, 5000), DRIP_ERR_DNS);
    assert_int_equal(drip_tls_last_error(&c->tls, NULL, NULL), DRIP_ERR_DNS);
    client_free(c);
    close(fd);
}

/* A TCP server that never speaks TLS: the handshake times out, with and
 * without a clock; timeout 0 polls. */
static void test_tls_handshake_timeout(void **state)
{
    client_t *c = client_new();
    uint16_t port;
    int lfd = local_socket(1, &port);
    uint32_t t0, dt;
    long v0;
    int with_clock;
    (void)state;
    NEED_SERVER();
    for (with_clock = 0; with_clock < 2; with_clock++) {
        assert_int_equal(client_setup(c, g_ca, g_ca_len, 0, with_clock ? &g_plat : NULL), DRIP_OK);
        t0 = now_ms();
        assert_int_equal(c->t.connect(c->t.ctx, "127.0.0.1", port, 300), DRIP_ERR_TIMEOUT);
        dt = now_ms() - t0;
        assert_true(dt >= 290u && dt < 3000u);
        /* Poll mode: DRIP_AGAIN at once, again and again, until closed. */
        t0 = now_ms();
        v0 = voluntary_switches();
        assert_int_equal(c->t.connect(c->t.ctx, "127.0.0.1", port, 0), DRIP_AGAIN);
        assert_int_equal(c->t.connect(c->t.ctx, "127.0.0.1", port, 0), DRIP_AGAIN);
        assert_int_equal(c->t.connect(c->t.ctx, "localhost", port, 0), DRIP_ERR_STATE);
        assert_int_equal(voluntary_switches() - v0, 0); /* none of the three waited */
        c->t.close(c->t.ctx);
        client_free(c);
    }
    close(lfd);
}

/* The peer closes during the handshake -> DRIP_ERR_CLOSED; the peer answers
 * with something that is not TLS -> DRIP_ERR_TLS. Single-threaded: the
 * ClientHello goes out in poll mode, then we play the server. */
static void test_tls_handshake_peer_failures(void **state)
{
    client_t *c = client_new();
    uint16_t port;
    int lfd = local_socket(1, &port), afd;
    static const char not_tls[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    uint8_t hello[2048];
    int code = 0;
    (void)state;
    NEED_SERVER();
    assert_int_equal(client_setup(c, g_ca, g_ca_len, 0, &g_plat), DRIP_OK);

    assert_int_equal(c->t.connect(c->t.ctx, "127.0.0.1", port, 0), DRIP_AGAIN);
    afd = accept(lfd, NULL, NULL);
    assert_true(afd >= 0);
    poll_until_readable(c, port, afd);
    assert_true(read(afd, hello, sizeof hello) > 5);
    assert_int_equal(hello[0], 0x16); /* a TLS handshake record */
    close(afd);
    assert_int_equal(c->t.connect(c->t.ctx, "127.0.0.1", port, 2000), DRIP_ERR_CLOSED);

    assert_int_equal(c->t.connect(c->t.ctx, "127.0.0.1", port, 0), DRIP_AGAIN);
    afd = accept(lfd, NULL, NULL);
    assert_true(afd >= 0);
    poll_until_readable(c, port, afd);
    assert_true(read(afd, hello, sizeof hello) > 5);
    assert_int_equal(write(afd, not_tls, sizeof not_tls - 1), (ssize_t)(sizeof not_tls - 1));
    assert_int_equal(c->t.connect(c->t.ctx, "127.0.0.1", port, 2000), DRIP_ERR_TLS);
    assert_int_equal(drip_tls_last_error(&c->tls, &code, NULL), DRIP_ERR_TLS);
    assert_true(code < 0);
    close(afd);
    client_free(c);
    close(lfd);
}

/* ---- TLS: conf_hook ------------------------------------------------------------ */

/* What the hook does, and what it saw. */
typedef struct {
    int calls;
    const mbedtls_ssl_config *conf; /* the config it was given */
    mbedtls_x509_crt *chain;        /* installed with mbedtls_ssl_conf_ca_chain when set */
    int authmode;                   /* installed when >= 0 */
    int refuse;                     /* install a verify callback that refuses every chain */
    int ret;                        /* returned */
} hook_t;

/* The hook's CA chain: it must outlive the drip_tls_t, so the teardown frees
 * it after the clients. */
static mbedtls_x509_crt g_hook_chain;

static void hook_init(hook_t *h)
{
    memset(h, 0, sizeof *h);
    h->authmode = -1;
}

static void hook_chain_load(const unsigned char *pem, size_t len)
{
    mbedtls_x509_crt_free(&g_hook_chain);
    mbedtls_x509_crt_init(&g_hook_chain);
    assert_int_equal(mbedtls_x509_crt_parse(&g_hook_chain, pem, len), 0);
}

static int teardown_hook(void **state)
{
    (void)teardown_clients(state);
    mbedtls_x509_crt_free(&g_hook_chain);
    mbedtls_x509_crt_init(&g_hook_chain);
    return 0;
}

/* As ESP-IDF's bundle callback does when no root matches. */
static int vrfy_refuse(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    (void)ctx;
    (void)crt;
    (void)flags;
    return (depth == 0) ? MBEDTLS_ERR_X509_CERT_VERIFY_FAILED : 0;
}

static int hook_fn(mbedtls_ssl_config *conf, void *ctx)
{
    hook_t *h = (hook_t *)ctx;
    h->calls++;
    h->conf = conf;
    if (h->chain != NULL) {
        mbedtls_ssl_conf_ca_chain(conf, h->chain, NULL);
    }
    if (h->refuse) {
        mbedtls_ssl_conf_verify(conf, vrfy_refuse, h);
    }
    if (h->authmode >= 0) {
        mbedtls_ssl_conf_authmode(conf, h->authmode);
    }
    return h->ret;
}

static void hook_cfg(drip_tls_cfg_t *cfg, hook_t *h, const unsigned char *ca, size_t ca_len)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->ca_pem_or_der = ca;
    cfg->ca_len = ca_len;
    cfg->platform = &g_plat;
    cfg->conf_hook = hook_fn;
    cfg->conf_hook_ctx = h;
}

/* (a) No CA in cfg: the hook installs the test CA; the server is verified
 * against it, name included; the hook runs once per setup, not per connect. */
static void test_tls_hook_supplies_ca(void **state)
{
    client_t *c = client_new();
    drip_tls_cfg_t cfg;
    hook_t h;
    static char resp[32768];
    uint32_t flags = 1;
    int i;
    (void)state;
    NEED_SERVER();
    hook_chain_load(g_ca, g_ca_len);
    hook_init(&h);
    h.chain = &g_hook_chain;
    hook_cfg(&cfg, &h, NULL, 0);
    assert_int_equal(client_setup_cfg(c, &cfg), DRIP_OK);
    assert_int_equal(h.calls, 1);
    assert_ptr_equal(h.conf, &c->tls.priv.conf);
    for (i = 0; i < 2; i++) {
        assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_OK);
        assert_int_equal(drip_tls_last_error(&c->tls, NULL, &flags), DRIP_OK);
        assert_int_equal(flags, 0);
        assert_true(http_get(&c->t, resp, sizeof resp) > 16);
        assert_memory_equal(resp, "HTTP/1.0 200 ok\r\n", 17);
        c->t.close(c->t.ctx);
    }
    /* Verified, not merely accepted: the name is checked against the chain. */
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_wrong_port, 5000), DRIP_ERR_TLS_VERIFY);
    drip_tls_last_error(&c->tls, NULL, &flags);
    assert_true((flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) != 0);
    assert_int_equal(h.calls, 1);
    client_free(c);

    /* A cfg CA too (an unrelated one): the hook's chain replaces it. */
    hook_init(&h);
    h.chain = &g_hook_chain;
    hook_cfg(&cfg, &h, g_ca2, g_ca2_len);
    assert_int_equal(client_setup_cfg(c, &cfg), DRIP_OK);
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_OK);
    c->t.close(c->t.ctx);
    client_free(c);
}

/* (b) A hook that installs no trust, and no CA: every handshake fails. */
static void test_tls_hook_without_trust(void **state)
{
    client_t *c = client_new();
    drip_tls_cfg_t cfg;
    hook_t h;
    int code = 0, i;
    char text[512];
    static const char *const hosts[] = {"localhost", "127.0.0.1"};
    (void)state;
    NEED_SERVER();
    hook_init(&h);
    hook_cfg(&cfg, &h, NULL, 0);
    assert_int_equal(client_setup_cfg(c, &cfg), DRIP_OK);
    assert_int_equal(h.calls, 1);
    for (i = 0; i < 4; i++) {
        assert_int_equal(c->t.connect(c->t.ctx, hosts[i % 2], g_good_port, 5000), DRIP_ERR_TLS_VERIFY);
        assert_int_equal(drip_tls_last_error(&c->tls, &code, NULL), DRIP_ERR_TLS_VERIFY);
        assert_int_equal(code, MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED);
    }
    drip_tls_describe(&c->tls, text, sizeof text);
    print_message("  describe: %s\n", text);
    client_free(c);
}

/* (c) A hook that switches verification off (NONE or OPTIONAL) does not: the
 * config says REQUIRED once setup returns, and an untrusted or misnamed
 * server is refused. */
static void test_tls_hook_cannot_disable_verify(void **state)
{
    static const int modes[] = {MBEDTLS_SSL_VERIFY_NONE, MBEDTLS_SSL_VERIFY_OPTIONAL};
    client_t *c = client_new();
    drip_tls_cfg_t cfg;
    hook_t h;
    uint32_t flags = 0;
    int code = 0;
    size_t i;
    (void)state;
    NEED_SERVER();
    hook_chain_load(g_ca, g_ca_len);
    for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        print_message("  hook authmode %d\n", modes[i]);
        /* Untrusted: the cfg CA is unrelated to the server's. */
        hook_init(&h);
        h.authmode = modes[i];
        hook_cfg(&cfg, &h, g_ca2, g_ca2_len);
        assert_int_equal(client_setup_cfg(c, &cfg), DRIP_OK);
        assert_int_equal(h.calls, 1);
        /* No getter in either version: read the field (3.x: a private one). */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
        assert_int_equal(c->tls.priv.conf.MBEDTLS_PRIVATE(authmode), MBEDTLS_SSL_VERIFY_REQUIRED);
#else
        assert_int_equal(c->tls.priv.conf.authmode, MBEDTLS_SSL_VERIFY_REQUIRED);
#endif
        assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_ERR_TLS_VERIFY);
        assert_int_equal(drip_tls_last_error(&c->tls, &code, &flags), DRIP_ERR_TLS_VERIFY);
        assert_int_equal(code, MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
        assert_true((flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) != 0);
        client_free(c);

        /* No trust at all. */
        hook_init(&h);
        h.authmode = modes[i];
        hook_cfg(&cfg, &h, NULL, 0);
        assert_int_equal(client_setup_cfg(c, &cfg), DRIP_OK);
        assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_ERR_TLS_VERIFY);
        client_free(c);

        /* Trusted chain from the hook, wrong host name. */
        hook_init(&h);
        h.authmode = modes[i];
        h.chain = &g_hook_chain;
        hook_cfg(&cfg, &h, NULL, 0);
        assert_int_equal(client_setup_cfg(c, &cfg), DRIP_OK);
        assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_wrong_port, 5000), DRIP_ERR_TLS_VERIFY);
        drip_tls_last_error(&c->tls, NULL, &flags);
        assert_true((flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) != 0);
        client_free(c);
    }
}

/* (d) A failing hook: DRIP_ERR_TLS, its value in last_error, and the context
 * is back to the post-init state (not set up; set up again it works). */
static void test_tls_hook_error(void **state)
{
    static const int values[] = {0x102 /* an esp_err_t */, -0x1234, -1};
    client_t *c = client_new();
    drip_tls_cfg_t cfg;
    hook_t h;
    int code = 0;
    uint32_t flags = 1;
    char text[256];
    size_t i;
    (void)state;
    NEED_SERVER();
    hook_chain_load(g_ca, g_ca_len);
    for (i = 0; i < sizeof values / sizeof values[0]; i++) {
        hook_init(&h);
        h.chain = &g_hook_chain; /* installed, then the hook fails */
        h.ret = values[i];
        hook_cfg(&cfg, &h, g_ca, g_ca_len);
        assert_int_equal(client_setup_cfg(c, &cfg), DRIP_ERR_TLS);
        assert_int_equal(h.calls, 1);
        assert_int_equal(drip_tls_last_error(&c->tls, &code, &flags), DRIP_ERR_TLS);
        assert_int_equal(code, values[i]);
        assert_int_equal(flags, 0);
        drip_tls_describe(&c->tls, text, sizeof text);
        print_message("  describe: %s\n", text);
        assert_non_null(strstr(text, "conf_hook returned"));
        /* Post-init: not set up ... */
        assert_int_equal(drip_tls_transport(&c->tls, &c->t), DRIP_OK);
        assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_ERR_STATE);
        /* ... and it can be set up again, then it connects. */
        h.ret = 0;
        assert_int_equal(drip_tls_setup(&c->tls, &c->inner, &cfg), DRIP_OK);
        assert_int_equal(h.calls, 2);
        assert_int_equal(drip_tls_last_error(&c->tls, &code, NULL), DRIP_OK);
        assert_int_equal(code, 0);
        assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_OK);
        c->t.close(c->t.ctx);
        client_free(c);
    }
}

/* (e) Neither a CA nor a hook: refused as before (a context alone is no hook). */
static void test_tls_no_hook_no_ca(void **state)
{
    drip_posix_t p;
    drip_transport_t inner;
    drip_tls_t tls;
    drip_tls_cfg_t cfg;
    hook_t h;
    int code = 1;
    (void)state;
    drip_posix_init(&p);
    drip_posix_transport(&p, &inner);
    drip_tls_init(&tls);
    hook_init(&h);
    memset(&cfg, 0, sizeof cfg);
    cfg.conf_hook_ctx = &h;
    assert_int_equal(drip_tls_setup(&tls, &inner, &cfg), DRIP_ERR_ARG);
    assert_int_equal(drip_tls_last_error(&tls, &code, NULL), DRIP_ERR_ARG);
    assert_int_equal(code, 0);
    cfg.ca_pem_or_der = g_ca; /* a buffer of length 0 is no CA */
    assert_int_equal(drip_tls_setup(&tls, &inner, &cfg), DRIP_ERR_ARG);
    assert_int_equal(h.calls, 0);
    drip_tls_free(&tls);
}

/* A verify callback from the hook that refuses the chain (what ESP-IDF's
 * bundle does when no root matches): DRIP_ERR_TLS_VERIFY, not DRIP_ERR_TLS,
 * so the client does not retry it. */
static void test_tls_hook_callback_refuses(void **state)
{
    client_t *c = client_new();
    drip_tls_cfg_t cfg;
    hook_t h;
    int code = 0;
    (void)state;
    NEED_SERVER();
    hook_chain_load(g_ca, g_ca_len);
    hook_init(&h);
    h.chain = &g_hook_chain;
    h.refuse = 1;
    hook_cfg(&cfg, &h, NULL, 0);
    assert_int_equal(client_setup_cfg(c, &cfg), DRIP_OK);
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_ERR_TLS_VERIFY);
    assert_int_equal(drip_tls_last_error(&c->tls, &code, NULL), DRIP_ERR_TLS_VERIFY);
    assert_int_equal(code, MBEDTLS_ERR_X509_FATAL_ERROR); /* mbedTLS's name for it */
    client_free(c);
}

/* ---- poll mode (timeout 0): connect and handshake without waiting --------------- */

/* Drive a poll-mode connect until the server side has bytes to read: the
 * first call may leave the TCP connect in progress, so the ClientHello goes
 * out on a later call. */
static void poll_until_readable(client_t *c, uint16_t port, int afd)
{
    uint32_t t0 = now_ms();
    for (;;) {
        struct pollfd pfd;
        pfd.fd = afd;
        pfd.events = POLLIN;
        pfd.revents = 0;
        if (poll(&pfd, 1, 10) > 0) {
            return;
        }
        assert_int_equal(c->t.connect(c->t.ctx, "127.0.0.1", port, 0), DRIP_AGAIN);
        assert_true(now_ms() - t0 < 5000u);
    }
}

/* A listener whose accept queue is full: a new SYN is dropped, so a connect
 * to it stays in progress until accept() makes room (the SYN is resent
 * after ~1 s). Returns the listener; fills[] are the queued connections. */
static int full_listener(uint16_t *port, int fills[2])
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int lfd = socket(AF_INET, SOCK_STREAM, 0), i;
    assert_true(lfd >= 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(lfd, 0), 0); /* Linux queues backlog + 1 */
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    for (i = 0; i < 2; i++) {
        fills[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        assert_true(fills[i] >= 0);
        (void)connect(fills[i], (struct sockaddr *)&a, sizeof a);
    }
    (void)poll(NULL, 0, 50); /* let the kernel queue them */
    return lfd;
}

/* posix: timeout 0 starts a non-blocking connect and later calls look at
 * it; every call returns at once (< 50 ms) while the connect is in progress,
 * then DRIP_OK once the server makes room. close() in progress, refusal. */
static void test_posix_poll_connect(void **state)
{
    drip_posix_t p;
    drip_transport_t t;
    uint16_t port, rport;
    int fills[2], lfd, rfd = local_socket(0, &rport), rc, calls = 0, again = 0, i, afd;
    uint32_t t0, dt, worst = 0, start;
    long v0, waited = 0;
    uint8_t b[4];
    (void)state;
    lfd = full_listener(&port, fills);
    drip_posix_init(&p);
    drip_posix_transport(&p, &t);
    /* in progress for 300 ms: every call DRIP_AGAIN at once */
    start = now_ms();
    while (now_ms() - start < 300u) {
        t0 = now_ms();
        v0 = voluntary_switches();
        rc = t.connect(t.ctx, "127.0.0.1", port, 0);
        dt = now_ms() - t0;
        worst = dt > worst ? dt : worst;
        waited += voluntary_switches() - v0 != 0;
        assert_int_equal(rc, DRIP_AGAIN);
        assert_int_equal(t.recv(t.ctx, b, sizeof b, 0), DRIP_ERR_STATE); /* not open yet */
        again++;
        (void)poll(NULL, 0, 1);
    }
    /* close() half way, then the same again, then room: connected */
    t.close(t.ctx);
    assert_int_equal(t.connect(t.ctx, "127.0.0.1", port, 0), DRIP_AGAIN);
    for (i = 0; i < 2; i++) {
        afd = accept(lfd, NULL, NULL);
        assert_true(afd >= 0);
        close(afd);
    }
    start = now_ms();
    do {
        t0 = now_ms();
        v0 = voluntary_switches();
        rc = t.connect(t.ctx, "127.0.0.1", port, 0);
        dt = now_ms() - t0;
        worst = dt > worst ? dt : worst;
        waited += voluntary_switches() - v0 != 0;
        calls++;
        assert_true(now_ms() - start < 10000u);
        if (rc == DRIP_AGAIN) {
            (void)poll(NULL, 0, 1);
        }
    } while (rc == DRIP_AGAIN);
    assert_int_equal(rc, DRIP_OK);
    print_message("  posix poll connect: %d polls in progress, %d more after accept (%u ms), "
                  "longest call %u ms\n", again, calls, now_ms() - start, worst);
    assert_int_equal(waited, 0); /* no call gave up the CPU to wait */
    assert_int_equal(t.recv(t.ctx, b, sizeof b, 0), DRIP_AGAIN); /* open now */
    t.close(t.ctx);
    /* refused: reported by the first call or a later one */
    calls = 0;
    do {
        rc = t.connect(t.ctx, "127.0.0.1", rport, 0);
        calls++;
    } while (rc == DRIP_AGAIN && calls < 100000);
    assert_int_equal(rc, DRIP_ERR_CONNECT);
    close(fills[0]);
    close(fills[1]);
    close(lfd);
    close(rfd);
}

/* TLS over posix in poll mode against openssl s_server: TCP connect and
 * handshake stepped by connect(..., 0); no call waits (each < 50 ms: only
 * the handshake's own computing), and the connection then works. */
static void test_tls_poll_handshake_steps(void **state)
{
    client_t *c = client_new();
    static char resp[32768];
    uint32_t t0, dt, worst = 0, start;
    long v0, waited = 0;
    int rc, calls = 0;
    (void)state;
    NEED_SERVER();
    assert_int_equal(client_setup(c, g_ca, g_ca_len, 0, &g_plat), DRIP_OK);
    start = now_ms();
    do {
        t0 = now_ms();
        v0 = voluntary_switches();
        rc = c->t.connect(c->t.ctx, "localhost", g_good_port, 0);
        dt = now_ms() - t0;
        worst = dt > worst ? dt : worst;
        waited += voluntary_switches() - v0 != 0;
        calls++;
        assert_true(now_ms() - start < 10000u);
    } while (rc == DRIP_AGAIN);
    assert_int_equal(rc, DRIP_OK);
    print_message("  poll handshake: %d calls over %u ms, longest call %u ms\n", calls,
                  now_ms() - start, worst);
    /* no call waits; how many calls it takes depends on how fast s_server
     * answers (Mbed TLS 3.6 / TLS 1.3 may find its answer already there) */
    assert_int_equal(waited, 0); /* no call gave up the CPU to wait */
    assert_true(http_get(&c->t, resp, sizeof resp) > 16);
    assert_memory_equal(resp, "HTTP/1.0 200 ok\r\n", 17);
    c->t.close(c->t.ctx);
    client_free(c);
}

/* The client in step mode over TLS over posix, against a TCP server that
 * accepts and never answers the handshake: every step returns DRIP_AGAIN at
 * once (< 50 ms), and the call ends FAILED with DRIP_ERR_TIMEOUT at the
 * client's connect deadline (300 ms), the connection closed. */
static void test_client_step_handshake_deadline(void **state)
{
    client_t *c = client_new();
    static drip_client_t cl;
    static uint8_t tx[1024], rx[512], sbuf[1024];
    static jsmntok_t tok[32];
    static drip_call_slot_t calls[1];
    drip_client_cfg_t cfg;
    drip_request_t req;
    uint16_t port;
    int lfd = local_socket(1, &port), afd, rc, steps = 0;
    uint32_t t0, dt, worst = 0, start, el;
    long v0, waited = 0;
    uint8_t hello[2048];
    (void)state;
    NEED_SERVER();
    assert_int_equal(client_setup(c, g_ca, g_ca_len, 0, &g_plat), DRIP_OK);
    memset(&cfg, 0, sizeof cfg);
    cfg.endpoint.host = "127.0.0.1";
    cfg.endpoint.port = port;
    cfg.endpoint.path_prefix = "/v1";
    cfg.transport = c->t;
    cfg.platform = g_plat;
    cfg.stream.buf = sbuf;
    cfg.stream.buf_len = sizeof sbuf;
    cfg.stream.tok = tok;
    cfg.stream.ntok = 32;
    cfg.stream.calls = calls;
    cfg.stream.ncalls = 1;
    cfg.tx = tx;
    cfg.tx_len = sizeof tx;
    cfg.rx = rx;
    cfg.rx_len = sizeof rx;
    cfg.connect_timeout_ms = 300;
    cfg.max_retries = 0;
    assert_int_equal(drip_client_init(&cl, &cfg), DRIP_OK);
    memset(&req, 0, sizeof req);
    req.model = "m";
    req.input = "q";
    assert_int_equal(drip_client_start(&cl, &req), DRIP_OK);
    start = now_ms();
    afd = -1;
    do {
        t0 = now_ms();
        v0 = voluntary_switches();
        rc = drip_client_step(&cl);
        dt = now_ms() - t0;
        worst = dt > worst ? dt : worst;
        waited += voluntary_switches() - v0 != 0;
        steps++;
        if (afd < 0) {
            struct pollfd pfd;
            pfd.fd = lfd;
            pfd.events = POLLIN;
            pfd.revents = 0;
            if (poll(&pfd, 1, 0) > 0) {
                afd = accept(lfd, NULL, NULL); /* then never answer */
            }
        }
        assert_true(now_ms() - start < 5000u);
        if (rc == DRIP_AGAIN) {
            (void)poll(NULL, 0, 1); /* a superloop's other work */
        }
    } while (rc == DRIP_AGAIN);
    el = now_ms() - start;
    print_message("  client step: %d steps, longest %u ms, timed out after %u ms\n", steps, worst, el);
    assert_int_equal(rc, DRIP_OK);
    assert_int_equal(drip_client_result(&cl)->state, DRIP_STATE_FAILED);
    assert_int_equal(drip_client_result(&cl)->err, DRIP_ERR_TIMEOUT);
    assert_int_equal(drip_client_transport_error(&cl), DRIP_ERR_TIMEOUT);
    assert_int_equal(waited, 0); /* no call gave up the CPU to wait */
    assert_true(el >= 300u && el < 5000u); /* ended by the deadline, late only by load */
    assert_true(afd >= 0);
    assert_true(read(afd, hello, sizeof hello) > 5); /* the ClientHello came, then the close */
    assert_int_equal(hello[0], 0x16);
    close(afd);
    client_free(c);
    close(lfd);
}

/* The caller's transport and platform structs may be locals: setup copies
 * them. Here they are overwritten and out of scope before the connect. */
static void setup_with_locals(client_t *c)
{
    drip_transport_t inner;
    drip_platform_t plat;
    drip_tls_cfg_t cfg;
    drip_posix_init(&c->tcp);
    assert_int_equal(drip_posix_transport(&c->tcp, &inner), DRIP_OK);
    assert_int_equal(drip_posix_platform(&plat), DRIP_OK);
    memset(&cfg, 0, sizeof cfg);
    cfg.ca_pem_or_der = g_ca;
    cfg.ca_len = g_ca_len;
    cfg.platform = &plat;
    drip_tls_init(&c->tls);
    assert_int_equal(drip_tls_setup(&c->tls, &inner, &cfg), DRIP_OK);
    assert_int_equal(drip_tls_transport(&c->tls, &c->t), DRIP_OK);
    memset(&inner, 0xA5, sizeof inner); /* a reused stack slot */
    memset(&plat, 0xA5, sizeof plat);
    memset(&cfg, 0xA5, sizeof cfg);
}

static void scribble_stack(void)
{
    volatile uint8_t junk[4096];
    size_t i;
    for (i = 0; i < sizeof junk; i++) {
        junk[i] = 0x5A;
    }
}

static void test_tls_setup_locals(void **state)
{
    client_t *c = client_new();
    static char resp[32768];
    (void)state;
    NEED_SERVER();
    setup_with_locals(c);
    scribble_stack();
    assert_int_equal(c->t.connect(c->t.ctx, "localhost", g_good_port, 5000), DRIP_OK);
    assert_true(http_get(&c->t, resp, sizeof resp) > 16);
    assert_memory_equal(resp, "HTTP/1.0 200 ok\r\n", 17);
    c->t.close(c->t.ctx);
    client_free(c);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mbedtls_version),
        cmocka_unit_test(test_platform),
        cmocka_unit_test(test_posix_args_and_state),
        cmocka_unit_test(test_posix_refused),
        cmocka_unit_test(test_posix_dns),
        cmocka_unit_test(test_posix_recv_timeout_close_reset),
        cmocka_unit_test_teardown(test_tls_setup_inits_psa, teardown_clients),
        cmocka_unit_test_teardown(test_tls_setup_errors, teardown_clients),
        cmocka_unit_test_teardown(test_tls_setup_twice, teardown_clients),
        cmocka_unit_test_teardown(test_tls_get_roundtrip, teardown_clients),
        cmocka_unit_test_teardown(test_tls_der_ca_and_file, teardown_clients),
        cmocka_unit_test_teardown(test_tls_wrong_ca, teardown_clients),
        cmocka_unit_test_teardown(test_tls_wrong_host, teardown_clients),
        cmocka_unit_test_teardown(test_tls_loopback_exception, teardown_clients),
        cmocka_unit_test_teardown(test_tls_time_host_clock, teardown_clients),
        cmocka_unit_test_teardown(test_tls_resume, teardown_clients),
        cmocka_unit_test_teardown(test_tls_no_resume, teardown_clients),
        cmocka_unit_test_teardown(test_tls_time_platform_wins, teardown_clients),
        cmocka_unit_test_teardown(test_tls_time_unknown, teardown_clients),
        cmocka_unit_test_teardown(test_tls_loopback_flag_ignored_elsewhere, teardown_clients),
        cmocka_unit_test_teardown(test_tls_recv_timeout, teardown_clients),
        cmocka_unit_test_teardown(test_tls_refused_and_dns, teardown_clients),
        cmocka_unit_test_teardown(test_tls_handshake_timeout, teardown_clients),
        cmocka_unit_test_teardown(test_tls_handshake_peer_failures, teardown_clients),
        cmocka_unit_test(test_posix_poll_connect),
        cmocka_unit_test_teardown(test_tls_poll_handshake_steps, teardown_clients),
        cmocka_unit_test_teardown(test_client_step_handshake_deadline, teardown_clients),
        cmocka_unit_test_teardown(test_tls_setup_locals, teardown_clients),
        cmocka_unit_test_teardown(test_tls_hook_supplies_ca, teardown_hook),
        cmocka_unit_test_teardown(test_tls_hook_without_trust, teardown_hook),
        cmocka_unit_test_teardown(test_tls_hook_cannot_disable_verify, teardown_hook),
        cmocka_unit_test_teardown(test_tls_hook_error, teardown_hook),
        cmocka_unit_test(test_tls_no_hook_no_ca),
        cmocka_unit_test_teardown(test_tls_hook_callback_refuses, teardown_hook),
    };
    drip_posix_platform(&g_plat);
    mbedtls_x509_crt_init(&g_hook_chain);
    if (argc == 4) {
        g_dir = argv[1];
        g_good_port = (uint16_t)atoi(argv[2]);
        g_wrong_port = (uint16_t)atoi(argv[3]);
        g_ca_len = read_file("ca.pem", g_ca, sizeof g_ca, 1);
        g_ca_der_len = read_file("ca.der", g_ca_der, sizeof g_ca_der, 0);
        g_ca2_len = read_file("ca2.pem", g_ca2, sizeof g_ca2, 1);
        snprintf(g_ca_path, sizeof g_ca_path, "%s/ca.pem", g_dir);
        if (getenv("DRIP_TLS_EXPIRED_PORT") != NULL && getenv("DRIP_TLS_FUTURE_PORT") != NULL) {
            g_expired_port = (uint16_t)atoi(getenv("DRIP_TLS_EXPIRED_PORT"));
            g_future_port = (uint16_t)atoi(getenv("DRIP_TLS_FUTURE_PORT"));
        }
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [CERT_DIR GOOD_PORT WRONG_HOST_PORT]\n", argv[0]);
        return 2;
    }
    return cmocka_run_group_tests_name("tls_port", tests, NULL, NULL);
}
