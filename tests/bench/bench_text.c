/* SPDX-License-Identifier: Apache-2.0 */
/* bench_text: cost of the gadget text layer (drip_text.h) on a real answer.
 *
 *   bench_text [--cols N] [--rows N] [--passes N] CAPTURE
 *
 * The capture (a raw HTTP response, tests/captures/*.http) is decoded once
 * with drip_stream; its answer-text deltas are kept in memory. Then the text
 * layer runs --passes times (default 1) over them, one drip_text_feed() per
 * delta and a drip_text_finish(), from a fresh drip_text_init() each pass.
 * Prints one line of figures:
 *
 *   cols rows deltas text_bytes lines sizeof_text screen_bytes redrawn_cells full_redraw_cells
 *
 * Instructions per delta: run it under `valgrind --tool=callgrind` once with
 * --passes 1 and once with --passes 0; the difference of the two Ir totals is
 * the text layer alone (decoding, loading and printing cancel out)
 * (scripts/bench_text.sh does this). Host code: heap for the capture.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dripfeed/dripfeed.h"

typedef struct {
    char *p;
    size_t n;
} piece_t;

typedef struct {
    piece_t *d;
    size_t n, cap, bytes;
} deltas_t;

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    deltas_t *ds = (deltas_t *)user;
    (void)ev;
    if (ds->n == ds->cap) {
        ds->cap = ds->cap ? 2 * ds->cap : 256;
        ds->d = realloc(ds->d, ds->cap * sizeof *ds->d);
        if (!ds->d)
            exit(2);
    }
    ds->d[ds->n].p = malloc(n ? n : 1);
    if (!ds->d[ds->n].p)
        exit(2);
    memcpy(ds->d[ds->n].p, p, n);
    ds->d[ds->n].n = n;
    ds->bytes += n;
    ds->n++;
    return DRIP_OK;
}

static unsigned long g_lines;
static void on_line(void *user, uint32_t line, const char *s, size_t n)
{
    (void)user;
    (void)line;
    (void)s;
    (void)n;
    g_lines++;
}

int main(int argc, char **argv)
{
    static uint8_t buf[1 << 16];
    static jsmntok_t tok[256];
    static drip_call_slot_t calls[8];
    static drip_stream_t st;
    static drip_text_t txt;
    unsigned cols = 40, rows = 12, passes = 1, pass;
    const char *path = NULL;
    deltas_t ds = {0};
    drip_stream_cfg_t sc;
    drip_handlers_t h;
    drip_text_cfg_t tc;
    drip_text_damage_t d;
    unsigned long long redrawn = 0, full = 0;
    char *screen;
    FILE *f;
    size_t n, i;
    int a;

    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--cols") == 0 && a + 1 < argc)
            cols = (unsigned)atoi(argv[++a]);
        else if (strcmp(argv[a], "--rows") == 0 && a + 1 < argc)
            rows = (unsigned)atoi(argv[++a]);
        else if (strcmp(argv[a], "--passes") == 0 && a + 1 < argc)
            passes = (unsigned)atoi(argv[++a]);
        else
            path = argv[a];
    }
    if (!path || !(f = fopen(path, "rb"))) {
        fprintf(stderr, "usage: bench_text [--cols N] [--rows N] [--passes N] CAPTURE\n");
        return 2;
    }
    memset(&h, 0, sizeof h);
    h.on_text = on_text;
    memset(&sc, 0, sizeof sc);
    sc.api = strstr(path, "chat-") ? DRIP_API_CHAT : DRIP_API_RESPONSES;
    sc.buf = buf;
    sc.buf_len = sizeof buf;
    sc.tok = tok;
    sc.ntok = 256;
    sc.calls = calls;
    sc.ncalls = 8;
    sc.handlers = &h;
    sc.user = &ds;
    if (drip_stream_init(&st, &sc) != DRIP_OK)
        return 2;
    {
        static uint8_t piece[4096];
        while ((n = fread(piece, 1, sizeof piece, f)) > 0)
            drip_stream_feed(&st, piece, n);
    }
    fclose(f);
    drip_stream_finish(&st);

    screen = malloc(DRIP_TEXT_SCREEN_BYTES(cols, rows));
    if (!screen)
        return 2;
    memset(&tc, 0, sizeof tc);
    tc.cols = cols;
    tc.rows = rows;
    tc.screen = screen;
    tc.screen_size = DRIP_TEXT_SCREEN_BYTES(cols, rows);
    tc.on_line = on_line;
    for (pass = 0; pass < passes; pass++) {
        g_lines = 0;
        redrawn = full = 0;
        if (drip_text_init(&txt, &tc) != DRIP_OK)
            return 2;
        for (i = 0; i < ds.n; i++) {
            drip_text_feed(&txt, ds.d[i].p, ds.d[i].n, &d);
            redrawn += d.cells;
            full += (unsigned long long)cols * rows;
        }
        drip_text_finish(&txt, &d);
        redrawn += d.cells;
    }
    printf("cols %u rows %u deltas %zu text_bytes %zu lines %lu sizeof_text %zu screen_bytes %zu "
           "redrawn_cells %llu full_redraw_cells %llu\n",
           cols, rows, ds.n, ds.bytes, g_lines, sizeof(drip_text_t),
           (size_t)DRIP_TEXT_SCREEN_BYTES(cols, rows), redrawn, full);
    for (i = 0; i < ds.n; i++)
        free(ds.d[i].p);
    free(ds.d);
    free(screen);
    return 0;
}
