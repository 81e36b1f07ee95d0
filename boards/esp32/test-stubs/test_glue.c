/* SPDX-License-Identifier: Apache-2.0 */
/* Host check of the ESP-IDF glue (boards/esp32/components/dripfeed), run by
 * check.sh on Debian's lwIP and Mbed TLS 2.28 (ESP-IDF 5 has Mbed TLS 3.x):
 *  1. the embedded roots (EMBED_TXTFILES layout) end in their NUL and all
 *     four parse: drip_esp32_init() succeeds and the CA chain has 4 certs;
 *  2. the client got the Kconfig buffer sizes, timeouts and retries;
 *  3. a CA that does not parse fails with DRIP_ERR_ARG and leaves nothing
 *     allocated, and init/deinit can be repeated (run under valgrind).
 * No network: connect is not called. */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "drip_esp32.h"
#include "esp_random.h"

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

int main(void)
{
    static drip_esp32_t d;
    static const drip_handlers_t h = {.on_error = on_error};
    static const uint8_t junk[] = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
    drip_esp32_cfg_t cfg;
    const drip_client_cfg_t *cc;
    const mbedtls_x509_crt *crt;
    size_t ca_len = 0;
    const uint8_t *ca = drip_esp32_ca_pem(&ca_len);
    int ncert = 0, round;

    /* 1. the embedded PEM: NUL-terminated, length includes the NUL */
    CHECK(ca_len > 1000);
    CHECK(ca[ca_len - 1] == '\0');
    CHECK(strlen((const char *)ca) == ca_len - 1);

    memset(&cfg, 0, sizeof cfg);
    cfg.endpoint.host = "api.openai.com";
    cfg.endpoint.port = 443;
    cfg.endpoint.path_prefix = "/v1";
    cfg.api = DRIP_API_RESPONSES;
    cfg.handlers = &h;

    for (round = 0; round < 2; round++) {
        CHECK(drip_esp32_init(&d, &cfg) == DRIP_OK);
        for (crt = &d.priv.tls.priv.ca; crt != NULL && crt->raw.len > 0; crt = crt->next) {
            ncert += round == 0;
        }
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
    CHECK(ncert == 4);

    /* 3. a CA that does not parse */
    cfg.ca = junk;
    cfg.ca_len = sizeof junk;
    CHECK(drip_esp32_init(&d, &cfg) == DRIP_ERR_ARG);
    drip_esp32_deinit(&d);
    CHECK(drip_esp32_init(NULL, &cfg) == DRIP_ERR_ARG);

    printf("esp32 glue: sizeof(drip_esp32_t)=%zu (client %zu, tls %zu, buffers %zu) "
           "roots=%d pem=%zu B: %s\n",
           sizeof d, sizeof d.client, sizeof d.priv.tls,
           sizeof d.priv.tx + sizeof d.priv.rx + sizeof d.priv.data + sizeof d.priv.tok +
               sizeof d.priv.calls,
           ncert, ca_len, failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
