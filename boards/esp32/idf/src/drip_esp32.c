/* SPDX-License-Identifier: Apache-2.0 */
/* ESP-IDF glue: see drip_esp32.h. Wiring only; the protocol, transport and
 * TLS code are the repository's, tested on the host. */
#include "drip_esp32.h"

#include <string.h>

#include "esp_random.h" /* esp_fill_random (ESP-IDF >= 5.0) */

#if defined(CONFIG_DRIP_TRUST_CRT_BUNDLE)
#if !defined(CONFIG_MBEDTLS_CERTIFICATE_BUNDLE)
#error "CONFIG_DRIP_TRUST_CRT_BUNDLE needs CONFIG_MBEDTLS_CERTIFICATE_BUNDLE (menuconfig: Component config -> mbedTLS -> Certificate Bundle)"
#endif
#include "esp_crt_bundle.h" /* ESP-IDF's mbedtls component */

/* drip_tls_cfg_t::conf_hook: the bundle installs a placeholder CA chain and
 * a verify callback that looks each chain's root up in it. Its return is an
 * esp_err_t: drip_tls_last_error() reports it when it is not ESP_OK.
 * Deinit does not call esp_crt_bundle_detach(): it would unset the bundle
 * for every other TLS user (ESP-IDF keeps it in a global). */
static int drip_esp32_attach_bundle(mbedtls_ssl_config *conf, void *ctx)
{
    (void)ctx;
    return (int)esp_crt_bundle_attach(conf);
}
#else
/* CONFIG_DRIP_CA_PEM_FILE, copied to drip_ca.pem by CMakeLists.txt and
 * embedded with EMBED_TXTFILES: ESP-IDF appends a NUL and names the
 * symbols after the file. */
extern const uint8_t drip_ca_pem_start[] __asm__("_binary_drip_ca_pem_start");
extern const uint8_t drip_ca_pem_end[] __asm__("_binary_drip_ca_pem_end");
#endif

int drip_esp32_entropy(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    esp_fill_random(out, len);
    return 0;
}

const uint8_t *drip_esp32_ca_pem(size_t *len)
{
#if defined(CONFIG_DRIP_TRUST_CRT_BUNDLE)
    if (len != NULL) {
        *len = 0; /* nothing embedded: the bundle is ESP-IDF's */
    }
    return NULL;
#else
    if (len != NULL) {
        *len = (size_t)(drip_ca_pem_end - drip_ca_pem_start);
    }
    return drip_ca_pem_start;
#endif
}

#define DRIP_ESP32_MS(v) ((v) == 0 ? DRIP_TIMEOUT_NONE : (uint32_t)(v))

void drip_esp32_client_defaults(drip_client_cfg_t *cfg)
{
    if (cfg != NULL) {
        /* Kconfig's 0 means none; the client's 0 means its default */
        cfg->connect_timeout_ms = DRIP_ESP32_MS(CONFIG_DRIP_CONNECT_TIMEOUT_MS);
        cfg->first_event_timeout_ms = DRIP_ESP32_MS(CONFIG_DRIP_FIRST_EVENT_TIMEOUT_MS);
        cfg->idle_timeout_ms = DRIP_ESP32_MS(CONFIG_DRIP_IDLE_TIMEOUT_MS);
        cfg->total_timeout_ms = DRIP_ESP32_MS(CONFIG_DRIP_TOTAL_TIMEOUT_MS);
        cfg->max_retries = (uint8_t)CONFIG_DRIP_MAX_RETRIES;
        cfg->max_resumes = (uint8_t)CONFIG_DRIP_MAX_RESUMES;
    }
}

const drip_tls_t *drip_esp32_tls(const drip_esp32_t *d)
{
    return (d != NULL) ? &d->priv.tls : NULL;
}

void drip_esp32_deinit(drip_esp32_t *d)
{
    if (d != NULL) {
        drip_client_disconnect(&d->client);
        if (d->priv.tls_up) {
            drip_tls_free(&d->priv.tls);
            d->priv.tls_up = 0;
        }
    }
}

drip_err_t drip_esp32_init(drip_esp32_t *d, const drip_esp32_cfg_t *cfg)
{
    drip_tls_cfg_t tc;
    drip_client_cfg_t cc;
    drip_transport_t tcp_t;   /* drip_tls_setup copies both */
    drip_platform_t platform;
    drip_err_t e = DRIP_OK;

    if (d == NULL || cfg == NULL || cfg->handlers == NULL) {
        e = DRIP_ERR_ARG;
    } else {
        memset(d, 0, sizeof *d);
        drip_lwip_sock_init(&d->priv.tcp);
        (void)drip_lwip_sock_transport(&d->priv.tcp, &tcp_t);
        /* sys_now() clock, sys_msleep(), LWIP_RAND (esp_random on ESP-IDF) */
        (void)drip_lwip_platform(&platform);

        memset(&tc, 0, sizeof tc);
        if (cfg->ca != NULL) {
            tc.ca_pem_or_der = cfg->ca;
            tc.ca_len = cfg->ca_len;
        } else {
#if defined(CONFIG_DRIP_TRUST_CRT_BUNDLE)
            tc.conf_hook = drip_esp32_attach_bundle;
#else
            tc.ca_pem_or_der = drip_esp32_ca_pem(&tc.ca_len);
#endif
        }
        tc.entropy = drip_esp32_entropy;
        tc.platform = &platform; /* bounds the handshake in real time */
        drip_tls_init(&d->priv.tls);
        e = drip_tls_setup(&d->priv.tls, &tcp_t, &tc);
    }
    if (e == DRIP_OK) {
        d->priv.tls_up = 1;
        memset(&cc, 0, sizeof cc);
        (void)drip_tls_transport(&d->priv.tls, &cc.transport);
        cc.endpoint = cfg->endpoint;
        cc.platform = platform;
        cc.stream.api = cfg->api;
        cc.stream.buf = d->priv.data;
        cc.stream.buf_len = sizeof d->priv.data;
        cc.stream.tok = d->priv.tok;
        cc.stream.ntok = (unsigned)(sizeof d->priv.tok / sizeof d->priv.tok[0]);
        cc.stream.calls = d->priv.calls;
        cc.stream.ncalls = (unsigned)(sizeof d->priv.calls / sizeof d->priv.calls[0]);
        cc.stream.handlers = cfg->handlers;
        cc.stream.user = cfg->user;
        cc.tx = d->priv.tx;
        cc.tx_len = sizeof d->priv.tx;
        cc.rx = d->priv.rx;
        cc.rx_len = sizeof d->priv.rx;
        drip_esp32_client_defaults(&cc);
        e = drip_client_init(&d->client, &cc);
        if (e != DRIP_OK) {
            drip_esp32_deinit(d);
        }
    }
    return e;
}
