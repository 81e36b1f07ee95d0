/* SPDX-License-Identifier: Apache-2.0 */
/* One-struct HTTPS client on lwIP sockets (drip_https_lwip.h). */
#include "drip_https_lwip.h"

drip_err_t drip_https_lwip_setup(drip_https_lwip_t *h, const drip_https_cfg_t *cfg)
{
    drip_transport_t tcp;
    drip_platform_t pl;
    if (h == NULL || cfg == NULL || (cfg->ca_pem_or_der == NULL && cfg->ca_file == NULL)) {
        return DRIP_ERR_ARG;
    }
    drip_lwip_sock_init(&h->priv.tcp);
    (void)drip_lwip_sock_transport(&h->priv.tcp, &tcp);
    (void)drip_lwip_platform(&pl);
    return drip_https_setup(&h->priv.k, &h->client, cfg, &tcp, &pl);
}

void drip_https_lwip_free(drip_https_lwip_t *h)
{
    if (h != NULL) {
        drip_https_free(&h->priv.k, &h->client);
    }
}
