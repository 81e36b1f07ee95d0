/* SPDX-License-Identifier: Apache-2.0 */
/* Zephyr sample: dripfeed's client over Zephyr's BSD sockets (port/posix,
 * CONFIG_POSIX_API) and Mbed TLS (port/mbedtls), the answer printed as it
 * arrives. Set DRIP_API_KEY (or a relay host and header) and DRIP_CA_PEM
 * below; the board's network comes up through CONFIG_NET_CONFIG_SETTINGS.
 * Not built here: no Zephyr SDK (docs/ecosystems.md). */
#include <zephyr/kernel.h>
#include <zephyr/random/random.h>
#include <zephyr/sys/printk.h>

#include <string.h>

#include "dripfeed/dripfeed.h"
#include "drip_posix.h"
#include "drip_tls.h"

#define DRIP_HOST "api.openai.com"
#define DRIP_API_KEY "Bearer sk-..." /* or NULL auth and a relay's header */
/* The root of the API's chain (PEM, NUL included by sizeof): see
 * boards/esp32/idf/certs/openai_roots.pem for the candidates. */
static const char DRIP_CA_PEM[] = "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n";

static drip_posix_t tcp;
static drip_tls_t tls;
static drip_client_t client;
static uint8_t tx[2048], rx[1024], evbuf[1024];
static jsmntok_t tok[64];
static drip_call_slot_t calls[2];

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    (void)user, (void)ev;
    printk("%.*s", (int)n, p);
    return DRIP_OK;
}

/* Mbed TLS's DRBG seed from Zephyr's entropy (sys_csrand_get). */
static int entropy(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    return sys_csrand_get(out, len) == 0 ? 0 : -1;
}

int main(void)
{
    static const drip_handlers_t handlers = {.on_text = on_text};
    drip_transport_t t_tcp, t_tls;
    drip_client_cfg_t cfg;
    drip_tls_cfg_t tc;
    drip_platform_t pl;
    drip_request_t req;

    drip_posix_init(&tcp);
    drip_posix_transport(&tcp, &t_tcp);
    drip_posix_platform(&pl);
    memset(&tc, 0, sizeof tc);
    tc.ca_pem_or_der = (const uint8_t *)DRIP_CA_PEM;
    tc.ca_len = sizeof DRIP_CA_PEM;
    tc.entropy = entropy;
    tc.platform = &pl;
    drip_tls_init(&tls);
    if (drip_tls_setup(&tls, &t_tcp, &tc) != DRIP_OK || drip_tls_transport(&tls, &t_tls) != DRIP_OK) {
        printk("dripfeed: TLS setup failed\n");
        return 0;
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.endpoint.host = DRIP_HOST;
    cfg.endpoint.port = 443;
    cfg.endpoint.path_prefix = "/v1";
    cfg.endpoint.auth_name = "Authorization";
    cfg.endpoint.auth_value = DRIP_API_KEY;
    cfg.transport = t_tls;
    cfg.platform = pl;
    cfg.stream.buf = evbuf;
    cfg.stream.buf_len = sizeof evbuf;
    cfg.stream.tok = tok;
    cfg.stream.ntok = 64;
    cfg.stream.calls = calls;
    cfg.stream.ncalls = 2;
    cfg.stream.handlers = &handlers;
    cfg.tx = tx;
    cfg.tx_len = sizeof tx;
    cfg.rx = rx;
    cfg.rx_len = sizeof rx;
    cfg.max_retries = 2;
    memset(&req, 0, sizeof req);
    req.model = "gpt-4o-mini";
    req.input = "Say hello in five words.";
    if (drip_client_init(&client, &cfg) == DRIP_OK && drip_client_start(&client, &req) == DRIP_OK) {
        drip_state_t s = drip_client_run(&client);
        printk("\n[%s http=%u]\n", drip_state_name(s), drip_client_result(&client)->http_status);
    }
    drip_tls_free(&tls);
    return 0;
}
