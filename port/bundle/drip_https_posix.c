/* SPDX-License-Identifier: Apache-2.0 */
/* One-struct HTTPS client on POSIX sockets (drip_https_posix.h). */
#include "drip_https_posix.h"

#include <string.h>

drip_err_t drip_https_posix_setup(drip_https_posix_t *h, const drip_https_cfg_t *cfg)
{
    drip_https_cfg_t c;
    drip_transport_t tcp;
    drip_platform_t pl;
    if (h == NULL || cfg == NULL) {
        return DRIP_ERR_ARG;
    }
    c = *cfg;
    if (c.ca_pem_or_der == NULL && c.ca_file == NULL) {
        c.ca_file = DRIP_HTTPS_POSIX_CA_FILE;
    }
    drip_posix_init(&h->priv.tcp);
    (void)drip_posix_transport(&h->priv.tcp, &tcp);
    (void)drip_posix_platform(&pl);
    return drip_https_setup(&h->priv.k, &h->client, &c, &tcp, &pl);
}

void drip_https_posix_free(drip_https_posix_t *h)
{
    if (h != NULL) {
        drip_https_free(&h->priv.k, &h->client);
    }
}
