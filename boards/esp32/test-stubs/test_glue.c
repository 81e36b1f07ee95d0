/* SPDX-License-Identifier: Apache-2.0 */
/* Host check of the ESP-IDF glue (boards/esp32/idf), run by
 * check.sh once per trust choice (Kconfig DRIP_TRUST), on Debian's lwIP and
 * Mbed TLS 2.28, and by `check.sh mbedtls3` on Mbed TLS 3.6 (ESP-IDF 5 has
 * 3.x; config fields private in 3.x are read through MBEDTLS_PRIVATE()).
 * Mbed TLS headers and library must be the same version; the output names
 * it and the TLS version each verified connection negotiated:
 *  1. trust. Embedded PEM: the roots (EMBED_TXTFILES layout) end in their
 *     NUL and all four parse into drip_tls's chain; esp_crt_bundle_attach()
 *     is never called. Bundle: nothing embedded; esp_crt_bundle_attach()
 *     (esp_crt_bundle_stub.c) runs once per init on this context's config,
 *     which then has its verify callback and placeholder chain, no chain of
 *     drip_tls's own, VERIFY_REQUIRED; its failure is DRIP_ERR_TLS with the
 *     esp_err_t kept;
 *  2. the client got the Kconfig buffer sizes, timeouts and retries;
 *  3. a CA given at init replaces the choice; one that does not parse fails
 *     with DRIP_ERR_ARG and leaves nothing allocated; init/deinit repeat
 *     (check.sh runs this under valgrind);
 *  4. with CERT_DIR GOOD_PORT WRONG_HOST_PORT (tests/port/run_tls_port_test.sh
 *     makes the certificates and starts openssl s_server): real handshakes
 *     through the glue's drip_tls, over the posix TCP port put in place of
 *     lwIP. The menuconfig roots do not hold the test CA: DRIP_ERR_TLS_VERIFY.
 *     Roots that do (bundle: the stub loads ca.pem; PEM: cfg.ca): connected,
 *     a response read; wrong host name or unrelated CA: DRIP_ERR_TLS_VERIFY. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "drip_esp32.h"
#include "drip_posix.h"
#include "esp_crt_bundle_stub.h"
#include "esp_random.h"

#if defined(CONFIG_DRIP_TRUST_CRT_BUNDLE) == defined(CONFIG_DRIP_TRUST_PEM)
#error "exactly one of CONFIG_DRIP_TRUST_CRT_BUNDLE, CONFIG_DRIP_TRUST_PEM"
#endif

/* ESP-IDF's hardware RNG, on the host. */
void esp_fill_random(void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
        }
    }
}

uint32_t esp_random(void)
{
    uint32_t v;
    esp_fill_random(&v, sizeof v);
    return v;
}

static int failures;

#define CHECK(cond)                                                     \
    do {                                                                \
        if (!(cond)) {                                                  \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);      \
            failures++;                                                 \
        }                                                               \
    } while (0)

static void on_error(void *user, const drip_error_t *e)
{
    (void)user;
    (void)e;
}

static drip_esp32_t d;

/* A field of the TLS context's mbedtls_ssl_config (private in 3.x). */
#define CONF(tls, f) ((tls)->priv.conf.STUB_MBEDTLS_PRIVATE(f))

static int count_certs(const mbedtls_x509_crt *crt)
{
    int n = 0;
    for (; crt != NULL && crt->raw.len > 0; crt = crt->next) {
        n++;
    }
    return n;
}

static const char *lib_version(void)
{
    static char v[18];
    mbedtls_version_get_string(v);
    return v;
}

/* ---- 4. TLS connects through the glue ------------------------------------ */

static const char *g_dir;
static uint16_t g_good_port, g_wrong_port;
static const char *g_negotiated = "none"; /* by the last verified connect */

static size_t read_pem(const char *name, uint8_t *buf, size_t cap)
{
    char path[512];
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    f = fopen(path, "rb");
    if (f == NULL) {
        printf("cannot open %s\n", path);
        exit(2);
    }
    n = fread(buf, 1, cap - 1, f);
    fclose(f);
    buf[n++] = '\0'; /* PEM: Mbed TLS wants the NUL counted */
    return n;
}

#if defined(CONFIG_DRIP_TRUST_CRT_BUNDLE)
static const char *cert_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    return path;
}
#endif

/* GET / and read to the end: DRIP_OK when the answer is s_server's 200. */
static int http_get(const drip_transport_t *t)
{
    static const char req[] = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
    static char resp[32768];
    size_t got = 0;
    int r = t->send(t->ctx, (const uint8_t *)req, sizeof req - 1);
    if (r != (int)(sizeof req - 1)) {
        return r < 0 ? r : DRIP_ERR_IO;
    }
    while ((r = t->recv(t->ctx, (uint8_t *)resp + got, sizeof resp - 1 - got, 20000)) > 0) {
        got += (size_t)r;
        if (got == sizeof resp - 1) {
            break;
        }
    }
    if (r < 0) {
        return r;
    }
    return (got > 17 && memcmp(resp, "HTTP/1.0 200 ok\r\n", 17) == 0) ? DRIP_OK : DRIP_ERR_IO;
}

/* drip_esp32_init(cfg), the posix port under its TLS context in place of
 * lwIP, connect to localhost:port (then GET when connected), deinit.
 * Returns connect's (or GET's) result; *flags: the verify flags. */
static int glue_connect(const drip_esp32_cfg_t *cfg, uint16_t port, uint32_t *flags)
{
    static drip_posix_t tcp;
    drip_transport_t t;
    int r = drip_esp32_init(&d, cfg);
    if (r != DRIP_OK) {
        printf("FAIL init: %d\n", r);
        return r;
    }
    drip_posix_init(&tcp);
    /* swap the TLS context's inner transport (its own copy) for the posix one */
    (void)drip_posix_transport(&tcp, &d.priv.tls.priv.inner);
    (void)drip_tls_transport(&d.priv.tls, &t);
    r = t.connect(t.ctx, "localhost", port, 20000);
    (void)drip_tls_last_error(&d.priv.tls, NULL, flags);
    if (r == DRIP_OK) {
        g_negotiated = mbedtls_ssl_get_version(&d.priv.tls.priv.ssl);
        r = http_get(&t);
    }
    drip_esp32_deinit(&d);
    return r;
}

static void check_connects(drip_esp32_cfg_t cfg)
{
    static uint8_t ca[8192];
    uint32_t flags = 0;

    /* The menuconfig roots (bundle: the stub's default, the component's real
     * roots; PEM: the embedded ones) do not hold the test CA. */
#if defined(CONFIG_DRIP_TRUST_CRT_BUNDLE)
    CHECK(stub_crt_bundle_load(NULL) == 4);
#endif
    cfg.ca = NULL;
    CHECK(glue_connect(&cfg, g_good_port, &flags) == DRIP_ERR_TLS_VERIFY);

    /* Roots holding the test CA. */
#if defined(CONFIG_DRIP_TRUST_CRT_BUNDLE)
    CHECK(stub_crt_bundle_load(cert_path("ca.pem")) == 1);
#else
    cfg.ca = ca;
    cfg.ca_len = read_pem("ca.pem", ca, sizeof ca);
#endif
    CHECK(glue_connect(&cfg, g_good_port, &flags) == DRIP_OK);
    CHECK(flags == 0);
    CHECK(glue_connect(&cfg, g_wrong_port, &flags) == DRIP_ERR_TLS_VERIFY);
    CHECK((flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) != 0);

    /* An unrelated CA. */
#if defined(CONFIG_DRIP_TRUST_CRT_BUNDLE)
    CHECK(stub_crt_bundle_load(cert_path("ca2.pem")) == 1);
    CHECK(glue_connect(&cfg, g_good_port, &flags) == DRIP_ERR_TLS_VERIFY);
    /* A CA given at init replaces the bundle, which is not attached. */
    {
        int calls = stub_crt_bundle_calls();
        cfg.ca = ca;
        cfg.ca_len = read_pem("ca.pem", ca, sizeof ca);
        CHECK(glue_connect(&cfg, g_good_port, &flags) == DRIP_OK);
        CHECK(stub_crt_bundle_calls() == calls);
    }
#else
    cfg.ca_len = read_pem("ca2.pem", ca, sizeof ca);
    CHECK(glue_connect(&cfg, g_good_port, &flags) == DRIP_ERR_TLS_VERIFY);
    CHECK((flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) != 0);
#endif
}

int main(int argc, char **argv)
{
    static const drip_handlers_t h = {.on_error = on_error};
    static const uint8_t junk[] = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
    drip_esp32_cfg_t cfg;
    const drip_client_cfg_t *cc;
    size_t ca_len = 0;
    const uint8_t *ca = drip_esp32_ca_pem(&ca_len);
    int ncert = 0, round, code = 0;
    const char *trust;

    if (argc == 4) {
        g_dir = argv[1];
        g_good_port = (uint16_t)atoi(argv[2]);
        g_wrong_port = (uint16_t)atoi(argv[3]);
    } else if (argc != 1) {
        printf("usage: %s [CERT_DIR GOOD_PORT WRONG_HOST_PORT]\n", argv[0]);
        return 2;
    }

    /* Mbed TLS: the headers compiled against are the library linked. */
    printf("esp32 glue: mbedTLS headers %s, library %s\n", MBEDTLS_VERSION_STRING, lib_version());
    CHECK(strcmp(lib_version(), MBEDTLS_VERSION_STRING) == 0);

    /* 1. what is embedded */
#if defined(CONFIG_DRIP_TRUST_CRT_BUNDLE)
    trust = "ESP-IDF certificate bundle (stub)";
    CHECK(ca == NULL && ca_len == 0);
#else
    trust = "embedded PEM";
    CHECK(ca_len > 1000);
    CHECK(ca[ca_len - 1] == '\0');
    CHECK(strlen((const char *)ca) == ca_len - 1);
#endif

    memset(&cfg, 0, sizeof cfg);
    cfg.endpoint.host = "api.openai.com";
    cfg.endpoint.port = 443;
    cfg.endpoint.path_prefix = "/v1";
    cfg.api = DRIP_API_RESPONSES;
    cfg.handlers = &h;

    for (round = 0; round < 2; round++) {
        const drip_tls_t *tls = drip_esp32_tls(&d);
        CHECK(drip_esp32_init(&d, &cfg) == DRIP_OK);
#if defined(CONFIG_DRIP_TRUST_CRT_BUNDLE)
        /* 1. the bundle is attached, once per init, to this context's config */
        CHECK(stub_crt_bundle_calls() == round + 1);
        CHECK(stub_crt_bundle_last_conf() == &tls->priv.conf);
        CHECK(CONF(tls, f_vrfy) != NULL);
        CHECK(CONF(tls, ca_chain) != NULL && CONF(tls, ca_chain) != &tls->priv.ca);
        CHECK(count_certs(&tls->priv.ca) == 0);
        ncert = count_certs(CONF(tls, ca_chain)); /* the placeholder: empty */
#else
        /* 1. the embedded roots are drip_tls's chain */
        CHECK(CONF(tls, ca_chain) == &tls->priv.ca);
        CHECK(CONF(tls, f_vrfy) == NULL);
        ncert = count_certs(&tls->priv.ca);
        CHECK(ncert == 4);
#endif
        CHECK(CONF(tls, authmode) == MBEDTLS_SSL_VERIFY_REQUIRED);
        /* 2. Kconfig -> client */
        cc = &d.client.priv.cfg;
        CHECK(cc->rx_len == CONFIG_DRIP_RX_BUFFER_SIZE);
        CHECK(cc->tx_len == CONFIG_DRIP_TX_BUFFER_SIZE);
        CHECK(cc->stream.buf_len == CONFIG_DRIP_EVENT_BUFFER_SIZE);
        CHECK(cc->stream.ntok == CONFIG_DRIP_JSON_TOKENS);
        CHECK(cc->stream.ncalls == CONFIG_DRIP_CALL_SLOTS);
        CHECK(cc->connect_timeout_ms == CONFIG_DRIP_CONNECT_TIMEOUT_MS);
        CHECK(cc->first_event_timeout_ms == CONFIG_DRIP_FIRST_EVENT_TIMEOUT_MS);
        CHECK(cc->idle_timeout_ms == CONFIG_DRIP_IDLE_TIMEOUT_MS);
        CHECK(cc->total_timeout_ms == CONFIG_DRIP_TOTAL_TIMEOUT_MS);
        CHECK(cc->max_retries == CONFIG_DRIP_MAX_RETRIES);
        CHECK(cc->max_resumes == CONFIG_DRIP_MAX_RESUMES);
        CHECK(cc->platform.now_ms != NULL && cc->transport.connect != NULL);
        drip_esp32_deinit(&d);
        drip_esp32_deinit(&d); /* twice is safe */
    }

#if defined(CONFIG_DRIP_TRUST_CRT_BUNDLE)
    /* 1. esp_crt_bundle_attach() fails: DRIP_ERR_TLS, its esp_err_t kept */
    stub_crt_bundle_fail(ESP_ERR_INVALID_ARG);
    CHECK(drip_esp32_init(&d, &cfg) == DRIP_ERR_TLS);
    CHECK(drip_tls_last_error(drip_esp32_tls(&d), &code, NULL) == DRIP_ERR_TLS);
    CHECK(code == ESP_ERR_INVALID_ARG);
    drip_esp32_deinit(&d);
    stub_crt_bundle_fail(ESP_OK);
#else
    (void)code;
#endif

    /* 3. a CA that does not parse */
    cfg.ca = junk;
    cfg.ca_len = sizeof junk;
    CHECK(drip_esp32_init(&d, &cfg) == DRIP_ERR_ARG);
    drip_esp32_deinit(&d);
    CHECK(drip_esp32_init(NULL, &cfg) == DRIP_ERR_ARG);
    cfg.ca = NULL;
    cfg.ca_len = 0;

    /* 4. */
    if (g_dir != NULL) {
        check_connects(cfg);
    }
#if !defined(CONFIG_DRIP_TRUST_CRT_BUNDLE)
    CHECK(stub_crt_bundle_calls() == 0);
#endif
    stub_crt_bundle_free();

    printf("esp32 glue, trust %s: sizeof(drip_esp32_t)=%zu (client %zu, tls %zu, buffers %zu) "
           "drip_tls roots=%d pem=%zu B, connects %s (negotiated %s), esp_crt_bundle_attach calls=%d: %s\n",
           trust, sizeof d, sizeof d.client, sizeof d.priv.tls,
           sizeof d.priv.tx + sizeof d.priv.rx + sizeof d.priv.data + sizeof d.priv.tok +
               sizeof d.priv.calls,
           ncert, ca_len, g_dir != NULL ? "checked" : "not checked (no servers)", g_negotiated,
           stub_crt_bundle_calls(), failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
