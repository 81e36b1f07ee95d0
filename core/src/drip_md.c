/* SPDX-License-Identifier: Apache-2.0 */
/* Markdown-lite filter (docs/spec/text.md §1). Work in progress. */
#include "dripfeed/drip_text.h"

#include <string.h>

drip_err_t drip_md_setup(drip_md_t *m, const drip_md_cfg_t *cfg)
{
    if (!m || !cfg || !cfg->sink || (cfg->flags & ~DRIP_MD_ASCII))
        return DRIP_ERR_ARG;
    memset(m, 0, sizeof *m);
    m->priv.sink = cfg->sink;
    m->priv.user = cfg->user;
    m->priv.flags = (uint8_t)cfg->flags;
    return DRIP_OK;
}

void drip_md_feed(drip_md_t *m, const char *s, size_t n)
{
    if (m && s && n)
        m->priv.sink(m->priv.user, s, n, 0);
}

void drip_md_finish(drip_md_t *m)
{
    (void)m;
}
