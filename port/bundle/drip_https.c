/* SPDX-License-Identifier: Apache-2.0 */
/* One-struct setup shared by the POSIX and lwIP bundles (drip_https.h). */
#include "drip_https.h"

#include <string.h>

/* Bounded copy of a view; 0 if it does not fit. */
static int copy_view(char *dst, size_t cap, drip_str_t s)
{
    if (s.n >= cap) {
        return 0;
    }
    memcpy(dst, s.p, s.n);
    dst[s.n] = '\0';
    return 1;
}

/* Endpoint and buffers into the client configuration. */
static drip_err_t client_cfg(drip_https_core_t *k, const drip_https_cfg_t *cfg,
                             drip_client_cfg_t *cc)
{
    drip_url_t u;
    drip_err_t e = drip_request_url(cfg->base_url != NULL ? cfg->base_url
                                                          : "https://api.openai.com/v1",
                                     &u);
    if (e != DRIP_OK) {
        return e;
    }
    if (!u.tls) { /* the bundle always speaks TLS; plain http is a test setup */
        return DRIP_ERR_REQUEST_TARGET;
    }
    if (!copy_view(k->host, sizeof k->host, u.host) ||
        !copy_view(k->prefix, sizeof k->prefix, u.prefix)) {
        return DRIP_ERR_REQUEST_TARGET;
    }
    memset(cc, 0, sizeof *cc);
    if (cfg->api_key != NULL) {
        size_t n = strlen(cfg->api_key);
        if (n > DRIP_HTTPS_KEY_MAX) {
            return DRIP_ERR_ARG;
        }
        memcpy(k->auth, "Bearer ", 7);
        memcpy(k->auth + 7, cfg->api_key, n + 1u);
        cc->endpoint.auth_name = "Authorization";
        cc->endpoint.auth_value = k->auth;
    }
    cc->endpoint.host = k->host;
    cc->endpoint.port = u.port;
    cc->endpoint.path_prefix = k->prefix;
    cc->endpoint.headers = cfg->headers;
    cc->endpoint.nheaders = cfg->nheaders;
    cc->stream.buf = k->data;
    cc->stream.buf_len = sizeof k->data;
    cc->stream.tok = k->tok;
    cc->stream.ntok = DRIP_HTTPS_TOKENS;
    cc->stream.calls = k->calls;
    cc->stream.ncalls = DRIP_HTTPS_CALLS;
    cc->stream.handlers = cfg->handlers;
    cc->stream.user = cfg->user;
    cc->tx = k->tx;
    cc->tx_len = sizeof k->tx;
    cc->rx = k->rx;
    cc->rx_len = sizeof k->rx;
    cc->max_retries = 2;
    cc->max_resumes = 2;
    /* the head is checked now, not at the first request: a key with a
     * control byte is refused here with its own code */
    {
        size_t need = 0;
        e = drip_request_head(&cc->endpoint, "POST", "/responses", 0, NULL, 0, &need);
        if (e == DRIP_ERR_REQUEST_TOO_LARGE) {
            e = need <= sizeof k->tx ? DRIP_OK : DRIP_ERR_REQUEST_TOO_LARGE;
        }
    }
    return e;
}

drip_err_t drip_https_setup(drip_https_core_t *k, drip_client_t *client,
                            const drip_https_cfg_t *cfg, const drip_transport_t *tcp,
                            const drip_platform_t *platform)
{
    drip_tls_cfg_t tc;
    drip_client_cfg_t cc;
    drip_platform_t pl;
    drip_err_t e;

    if (k == NULL || client == NULL || cfg == NULL || tcp == NULL || platform == NULL ||
        cfg->handlers == NULL) {
        return DRIP_ERR_ARG;
    }
    memset(k, 0, sizeof *k);
    e = client_cfg(k, cfg, &cc);
    if (e != DRIP_OK) {
        return e;
    }
    pl = *platform;
    if (cfg->utc_s != NULL) {
        pl.utc_s = cfg->utc_s; /* the board's SNTP/RTC clock */
    }
    platform = &pl;
    memset(&tc, 0, sizeof tc);
    tc.warn = cfg->tls_warn;
    tc.warn_ctx = cfg->user;
    tc.ca_pem_or_der = cfg->ca_pem_or_der;
    tc.ca_len = cfg->ca_len;
    tc.ca_file = cfg->ca_file;
    tc.entropy = cfg->entropy;
    tc.entropy_ctx = cfg->entropy_ctx;
    tc.platform = platform; /* bounds the handshake in wall time (copied) */
    drip_tls_init(&k->tls);
    e = drip_tls_setup(&k->tls, tcp, &tc); /* copies *tcp */
    if (e != DRIP_OK) {
        drip_tls_free(&k->tls);
        return e;
    }
    k->tls_up = 1;
    (void)drip_tls_transport(&k->tls, &cc.transport);
    cc.platform = *platform;
    e = drip_client_init(client, &cc);
    if (e != DRIP_OK) {
        drip_https_free(k, NULL); /* the client holds nothing yet */
    }
    return e;
}

void drip_https_free(drip_https_core_t *k, drip_client_t *client)
{
    if (k == NULL) {
        return;
    }
    if (k->tls_up) {
        if (client != NULL) {
            drip_client_disconnect(client);
        }
        drip_tls_free(&k->tls);
        k->tls_up = 0;
    }
}
