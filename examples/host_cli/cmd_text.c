/* SPDX-License-Identifier: Apache-2.0 */
/* dripfeed text [--cols N] [--rows N] [--ascii] [--api A] [--feed N] < CAPTURE
 * (docs/spec/cli.md): the answer's text deltas through the text layer
 * (drip_text.h), one JSON summary line at the end.
 *
 * Counting (written down as asked):
 * - One drip_text_feed() per on_text call (an oversize delta that arrives in
 *   pieces is fed piece by piece, as a panel would show it), then one
 *   drip_text_finish().
 * - redrawn_cells: the sum of drip_text_damage_t.cells over those calls
 *   (drip_text.h says how a report counts: changed cells per row, a row
 *   scrolled in counts whole).
 * - full_redraw_cells: rows * cols per on_text call.
 * - lines: each finished line from on_line, in order (drip_text_finish()
 *   finishes the last one); kept in a temporary file, so memory does not
 *   grow with the answer. visible: drip_text_row() of every row in use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dripfeed/dripfeed.h"
#include "cli_util.h"
#include "cmd_text.h"

typedef struct {
    drip_text_t txt;
    FILE *lines;          /* JSON strings of the finished lines, comma-separated */
    unsigned long long nlines;
    unsigned long long redrawn, full;
    unsigned cells;       /* rows * cols */
} text_app_t;

static void on_line(void *user, uint32_t line, const char *s, size_t n)
{
    text_app_t *a = (text_app_t *)user;
    (void)line;
    if (a->nlines++ > 0)
        fputc(',', a->lines);
    put_json_str(a->lines, s, n);
}

static drip_err_t on_text(void *user, const drip_event_t *ev, const char *p, size_t n)
{
    text_app_t *a = (text_app_t *)user;
    drip_text_damage_t d;
    (void)ev;
    drip_text_feed(&a->txt, p, n, &d);
    a->redrawn += d.cells;
    a->full += a->cells;
    return DRIP_OK;
}

static void usage_text(FILE *f)
{
    fputs("usage: dripfeed text [--cols N] [--rows N] [--ascii] [--api responses|chat] [--feed N]"
          " < CAPTURE\n"
          "  --cols N   cells per row, 2..255 (default 40)\n"
          "  --rows N   visible rows, 1..32 (default 12)\n"
          "  --ascii    ASCII fallback for every non-ASCII character\n"
          "  --feed N   bytes handed to the parser per call, 1..1073741824 (default 4096)\n",
          f);
}

int cmd_text(int argc, char **argv)
{
    static const drip_handlers_t handlers = {.on_text = on_text};
    static drip_stream_t st;
    static text_app_t app;
    const char *cmd = "text";
    size_t cols = 40, rows = 12, feed = 4096;
    unsigned flags = 0;
    drip_api_t api = DRIP_API_RESPONSES;
    drip_text_cfg_t tc;
    drip_text_damage_t d;
    cli_decode_t dc;
    char *screen;
    int i, rc;
    unsigned r;

    for (i = 1; i < argc; i++) {
        static const char *const takes[] = {"--cols", "--rows", "--feed", "--api", NULL};
        static const char *const ascii[] = {"--ascii", NULL};
        const char *a, *v;
        if (strcmp(argv[i], "--help") == 0) {
            usage_text(stdout);
            return 0;
        }
        a = cli_opt(cmd, argc, argv, &i, takes, ascii, &v);
        if (a == NULL) {
            return 2;
        }
        if (v == NULL) { /* --ascii */
            flags |= DRIP_TEXT_ASCII;
        } else if (strcmp(a, "--cols") == 0) {
            if (parse_size(cmd, a, v, 2, DRIP_TEXT_COLS_MAX, &cols))
                return 2;
        } else if (strcmp(a, "--rows") == 0) {
            if (parse_size(cmd, a, v, 1, DRIP_TEXT_ROWS_MAX, &rows))
                return 2;
        } else if (strcmp(a, "--feed") == 0) {
            if (parse_size(cmd, a, v, 1, MAX_SIZE_ARG, &feed))
                return 2;
        } else if (cli_api(cmd, v, &api) != 0) {
            return 2;
        }
    }

    screen = alloc_or_say(cmd, DRIP_TEXT_SCREEN_BYTES(cols, rows), "the screen");
    app.lines = tmpfile();
    if (screen == NULL || app.lines == NULL) {
        if (app.lines == NULL)
            die("tmpfile");
        return 2;
    }
    memset(&tc, 0, sizeof tc);
    tc.cols = (unsigned)cols;
    tc.rows = (unsigned)rows;
    tc.flags = flags;
    tc.screen = screen;
    tc.screen_size = DRIP_TEXT_SCREEN_BYTES(cols, rows);
    tc.on_line = on_line;
    tc.user = &app;
    if (drip_text_init(&app.txt, &tc) != DRIP_OK) {
        bad(cmd, "text layer setup failed");
        return 2;
    }
    app.cells = (unsigned)(cols * rows);

    cli_decode_defaults(&dc, cmd, api);
    dc.feed = feed;
    dc.handlers = &handlers;
    dc.say_result = 1;
    dc.user = &app;
    rc = cli_decode_stdin(&dc, &st);
    if (rc == 2)
        return 2;
    drip_text_finish(&app.txt, &d);
    app.redrawn += d.cells;

    printf("{\"cols\":%u,\"rows\":%u,\"lines\":[", (unsigned)cols, (unsigned)rows);
    fflush(app.lines);
    rewind(app.lines);
    for (;;) {
        char buf[4096];
        size_t n = fread(buf, 1, sizeof buf, app.lines);
        if (n == 0)
            break;
        fwrite(buf, 1, n, stdout);
    }
    fclose(app.lines);
    fputs("],\"visible\":[", stdout);
    for (r = 0; r < rows; r++) {
        const char *s;
        size_t n;
        if (r >= drip_text_lines(&app.txt))
            break;
        n = drip_text_row(&app.txt, r, &s);
        if (r)
            fputc(',', stdout);
        put_json_str(stdout, s, n);
    }
    printf("],\"redrawn_cells\":%llu,\"full_redraw_cells\":%llu,\"state\":\"%s\"}\n", app.redrawn,
           app.full, drip_state_name(st.result.state));
    free(screen);
    return rc;
}
