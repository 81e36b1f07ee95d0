/* SPDX-License-Identifier: Apache-2.0 */
/* Display lines (docs/spec/text.md §2). Work in progress. */
#include "dripfeed/drip_text.h"

#include <string.h>

drip_err_t drip_text_setup(drip_text_t *t, const drip_text_cfg_t *cfg)
{
    if (!t || !cfg || !cfg->screen || cfg->cols < 2 || cfg->cols > DRIP_TEXT_COLS_MAX ||
        cfg->rows < 1 || cfg->rows > DRIP_TEXT_ROWS_MAX ||
        (cfg->flags & ~(DRIP_TEXT_ASCII | DRIP_TEXT_PLAIN)))
        return DRIP_ERR_ARG;
    if (cfg->screen_size < DRIP_TEXT_SCREEN_BYTES(cfg->cols, cfg->rows))
        return DRIP_ERR_NOMEM;
    memset(t, 0, sizeof *t);
    t->priv.scr = cfg->screen;
    t->priv.cols = (uint8_t)cfg->cols;
    t->priv.rows = (uint8_t)cfg->rows;
    return DRIP_OK;
}

void drip_text_feed(drip_text_t *t, const char *s, size_t n, drip_text_damage_t *dmg)
{
    (void)t;
    (void)s;
    (void)n;
    if (dmg)
        memset(dmg, 0, sizeof *dmg);
}

void drip_text_finish(drip_text_t *t, drip_text_damage_t *dmg)
{
    (void)t;
    if (dmg)
        memset(dmg, 0, sizeof *dmg);
}

size_t drip_text_row(const drip_text_t *t, unsigned row, const char **s)
{
    (void)t;
    (void)row;
    if (s)
        *s = "";
    return 0;
}

uint32_t drip_text_lines(const drip_text_t *t)
{
    return t ? t->priv.lines : 0;
}

void drip_text_cursor(const drip_text_t *t, unsigned *row, unsigned *col)
{
    (void)t;
    if (row)
        *row = 0;
    if (col)
        *col = 0;
}

unsigned drip_text_cells(uint32_t cp)
{
    (void)cp;
    return 1;
}
