/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_text.h
 * @brief Gadget text layer: answer deltas -> Markdown-lite text -> display lines.
 *
 * Two push layers, both zero-heap and constant-memory (docs/spec/text.md):
 *
 *  - drip_md_t (text.md §1): removes Markdown markers from the answer text
 *    and hands the cleaned UTF-8 to a sink, in order. Usable alone (the
 *    phrase chunker for speech sits on it).
 *  - drip_text_t (text.md §2): runs drip_md_t and lays the result out on a
 *    grid of `cols` x `rows` cells: cell widths per code point, greedy word
 *    wrap, stable finished lines, glyph coverage fallback, and a damage report
 *    per feed so a panel driver redraws only the cells that changed.
 *
 * Both take the text in pieces of any size split anywhere (inside a UTF-8
 * sequence, inside a `**` or a link): the result is the same as for the text
 * fed whole. Nothing grows with the answer: drip_md_t holds at most one link
 * (DRIP_MD_LINK_TEXT_MAX + DRIP_MD_LINK_URL_MAX bytes) and a few counters;
 * drip_text_t holds the visible rows in a caller-owned screen buffer of
 * DRIP_TEXT_SCREEN_BYTES(cols, rows) bytes.
 *
 * Typical use, with the decoder's on_text handler (drip_stream.h):
 * @code
 *   static char screen[DRIP_TEXT_SCREEN_BYTES(21, 8)];
 *   static drip_text_t txt;
 *   drip_text_cfg_t c = {0};
 *   c.cols = 21; c.rows = 8; c.screen = screen; c.screen_size = sizeof screen;
 *   drip_text_init(&txt, &c);
 *   // for each text delta:
 *   drip_text_damage_t d;
 *   drip_text_feed(&txt, delta, len, &d);   // drip_text_finish(&txt, &d) at the end
 *   panel_scroll_up(d.scroll);               // hardware scroll or framebuffer shift
 *   for (unsigned r = 0; r < c.rows; r++)
 *       if (d.rows & (1u << r)) { const char *s; size_t n = drip_text_row(&txt, r, &s);
 *                                 draw_cells(r, d.first[r], d.last[r], s, n); }
 * @endcode
 *
 * Sizes (x86-64 / 32-bit ARM, default limits): sizeof(drip_md_t) and
 * sizeof(drip_text_t) are given next to each struct below.
 */
#ifndef DRIP_TEXT_H
#define DRIP_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include "drip_err.h"
#include "drip_opts.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Limits (override with -D or DRIP_CONFIG_FILE, see drip_opts.h)           */
/* ------------------------------------------------------------------------ */

/** Link text held back while deciding whether `[text](url)` is a link
 *  (bytes of filtered text). Longer: the `[` and the text are shown as they
 *  came. RAM: this, once per drip_md_t. text.md §1 default: 128. */
#ifndef DRIP_MD_LINK_TEXT_MAX
#define DRIP_MD_LINK_TEXT_MAX 128
#endif

/** URL bytes held back inside `(...)` of a link. Longer: `[text](url...`
 *  is shown as it came. RAM: this, once per drip_md_t. text.md §1: 512. */
#ifndef DRIP_MD_LINK_URL_MAX
#define DRIP_MD_LINK_URL_MAX 512
#endif

/** Bytes drip_md_t collects before calling its sink (fewer, larger sink
 *  calls). RAM: this, once per drip_md_t. */
#ifndef DRIP_MD_OUT_MAX
#define DRIP_MD_OUT_MAX 32
#endif

/** Most visible rows of a drip_text_t (the damage report is a 32-bit mask). */
#define DRIP_TEXT_ROWS_MAX 32

/** Most columns of a drip_text_t (cells fit a uint8_t in the damage report). */
#define DRIP_TEXT_COLS_MAX 255

/** Bytes one visible row may hold: 8 per cell. Base characters take at most
 *  4 bytes per cell; zero-width code points (combining marks, ZWJ, variation
 *  selectors) may use the rest. A zero-width code point that would leave less
 *  than 4 bytes for each still free cell of the row is dropped. */
#define DRIP_TEXT_ROW_BYTES(cols) ((size_t)8u * (size_t)(cols))

/** Size of the screen buffer a drip_text_t needs for `cols` x `rows`
 *  (bytes): rows * 8 * cols. 21x8: 1 344 B; 40x12: 3 840 B; 40x15: 4 800 B. */
#define DRIP_TEXT_SCREEN_BYTES(cols, rows) ((size_t)(rows) * DRIP_TEXT_ROW_BYTES(cols))

/* ------------------------------------------------------------------------ */
/* Markdown-lite filter (text.md §1)                                        */
/* ------------------------------------------------------------------------ */

/** drip_md_cfg_t.flags: bullets become "- " instead of "• " (U+2022). */
#define DRIP_MD_ASCII 0x01u

/** Sink flag: the bytes are inside a fenced code block (kept verbatim). */
#define DRIP_MD_CODE 0x01u
/** Sink flag on a zero-length call: a fenced code block opens here. */
#define DRIP_MD_FENCE_BEGIN 0x02u
/** Sink flag on a zero-length call: the fenced code block closes here (its
 *  closing line, or the end of the answer inside the block). */
#define DRIP_MD_FENCE_END 0x04u

/**
 * @brief Receives the filtered text.
 * @param user  drip_md_cfg_t.user
 * @param s     cleaned UTF-8 bytes (valid only during the call); a UTF-8
 *              sequence may be split over two calls. C0 control bytes and
 *              DEL are already dropped, `\t` is already a space, `\n` kept.
 *              NULL with n == 0 on a FENCE mark.
 * @param n     byte count (0 on a mark)
 * @param flags DRIP_MD_CODE, or one of DRIP_MD_FENCE_BEGIN / _END with n == 0
 */
typedef void (*drip_md_sink_fn)(void *user, const char *s, size_t n, unsigned flags);

/** Filter configuration (copied by drip_md_init()). */
typedef struct drip_md_cfg {
    unsigned flags;       /**< DRIP_MD_ASCII or 0 */
    drip_md_sink_fn sink; /**< required */
    void *user;           /**< passed to sink */
} drip_md_cfg_t;

/** Markdown-lite filter state. All fields private.
 *  sizeof: 720 B on x86-64, 708 B on 32-bit ARM (default limits; mostly the
 *  link hold-back, DRIP_MD_LINK_TEXT_MAX + DRIP_MD_LINK_URL_MAX + DRIP_MD_OUT_MAX). */
typedef struct drip_md {
    struct {
        drip_md_sink_fn sink;
        void *user;
        uint32_t sp;          /* leading spaces held at a line start */
        uint16_t hold_len;    /* link text bytes held */
        uint16_t url_len;     /* URL bytes held (after the text) */
        uint16_t url_depth;   /* '(' nesting inside the URL */
        uint16_t mark_n;      /* length of the line-start marker run */
        uint16_t rule_sp;     /* spaces after a possible rule */
        uint8_t flags;        /* DRIP_MD_ASCII */
        uint8_t line;         /* line-start state */
        uint8_t link;         /* link state */
        uint8_t mark_ch;      /* marker character of the line-start run */
        uint8_t fence;        /* inside a fenced code block */
        uint8_t code;         /* inside inline code */
        uint8_t esc;          /* a backslash is pending */
        uint8_t run_ch;       /* '*' or '_' run pending, else 0 */
        uint8_t run_odd;      /* the pending run has odd length */
        uint8_t run_prev;     /* class of the character before the run */
        uint8_t prev;         /* class of the last character */
        uint8_t out_flags;    /* flags of the bytes in out[] */
        uint8_t out_len;      /* bytes in out[] */
        char out[DRIP_MD_OUT_MAX];
        char hold[DRIP_MD_LINK_TEXT_MAX + DRIP_MD_LINK_URL_MAX];
    } priv; /**< private: only drip_md.c reads or writes it */
} drip_md_t;

/**
 * @brief Start a new answer.
 * @param m   filter (caller-owned, any lifetime)
 * @param cfg configuration, copied; cfg->sink is required
 * @return DRIP_OK, or DRIP_ERR_ARG (NULL m, cfg or sink; unknown flag bits).
 */
drip_err_t drip_md_init(drip_md_t *m, const drip_md_cfg_t *cfg);

/**
 * @brief Feed answer text (UTF-8, any piece, split anywhere).
 *
 * Calls the sink zero or more times. Bytes that may still turn out to be a
 * marker (a `*` before the next character, a line start such as `##`, a
 * link's text and URL) are held back until decided; everything else reaches
 * the sink before this returns. n == 0 is allowed.
 */
void drip_md_feed(drip_md_t *m, const char *s, size_t n);

/**
 * @brief End of the answer: decides and emits what is held back (an open
 *        `[` stays as it is, an open fence gets its DRIP_MD_FENCE_END).
 *        The filter is then ready for a new answer with the same cfg.
 */
void drip_md_finish(drip_md_t *m);

/* ------------------------------------------------------------------------ */
/* Display lines (text.md §2)                                               */
/* ------------------------------------------------------------------------ */

/** drip_text_cfg_t.flags: ASCII mode (text.md §2): every non-ASCII code
 *  point is mapped to ASCII (‘’→' “”→" –—→- …→... •→- NBSP→space,
 *  U+00C0–U+017F → base letter, zero-width dropped, others → '?'), and
 *  bullets are "- ". */
#define DRIP_TEXT_ASCII 0x01u
/** drip_text_cfg_t.flags: the text is not Markdown: skip the drip_md_t
 *  filter (control bytes are still dropped and `\t` is still a space). */
#define DRIP_TEXT_PLAIN 0x02u

/**
 * @brief Glyph coverage: does the font have code point `cp`?
 * @return non-zero when it does. Asked for every code point except U+0020
 *         (and not for the ASCII stand-ins of a missing one). A missing code
 *         point is replaced by its ASCII-mode stand-in before wrapping.
 */
typedef int (*drip_text_covers_fn)(void *user, uint32_t cp);

/**
 * @brief Called once per finished line, in order.
 * @param user drip_text_cfg_t.user
 * @param line line number, 0 = the answer's first line
 * @param s    UTF-8 of the line (not NUL-terminated, never ends with a
 *             space; valid only during the call)
 * @param n    its length in bytes
 */
typedef void (*drip_text_line_fn)(void *user, uint32_t line, const char *s, size_t n);

/** Layout configuration (copied by drip_text_init()). */
typedef struct drip_text_cfg {
    unsigned cols;                /**< cells per row, 2..DRIP_TEXT_COLS_MAX */
    unsigned rows;                /**< visible rows, 1..DRIP_TEXT_ROWS_MAX */
    unsigned flags;               /**< DRIP_TEXT_ASCII | DRIP_TEXT_PLAIN */
    drip_text_covers_fn covers;   /**< NULL: the font has every code point */
    void *cover_user;             /**< passed to covers */
    char *screen;                 /**< caller-owned, kept until setup again */
    size_t screen_size;           /**< >= DRIP_TEXT_SCREEN_BYTES(cols, rows) */
    drip_text_line_fn on_line;    /**< NULL or called per finished line */
    void *user;                   /**< passed to on_line */
} drip_text_cfg_t;

/**
 * What one drip_text_feed() / drip_text_finish() changed on the visible
 * screen, relative to the screen as it was before the call.
 *
 * A driver applies it in this order: (1) move the screen up by `scroll` rows
 * (hardware scroll, or a framebuffer shift; a driver without either sets
 * every row changed itself); (2) for each row r with bit r of `rows` set,
 * redraw cells first[r]..last[r] (inclusive) from drip_text_row(r), blank
 * where the row's text ends before last[r].
 *
 * Counting (what `dripfeed text` sums as redrawn_cells): `cells` =
 * sum over set rows of (last[r] - first[r] + 1). A row scrolled in at the
 * bottom counts as a whole row (first 0, last cols-1), whatever it holds.
 * A cell is "changed" when a character was written on it, a zero-width code
 * point was attached to the character on it, or a character on it was
 * removed (a word moved to the next line); a cell changed twice counts once.
 * A space is not a change: it is only ever written on a cell that is blank
 * on the panel already (rows start blank; removed cells are reported).
 * first/last span every changed cell of the row, so unchanged cells between
 * two changes are inside the range (and counted).
 */
/* sizeof(drip_text_damage_t): 76 B (on the caller's stack). */
typedef struct drip_text_damage {
    uint32_t rows;                        /**< bit r: visible row r changed */
    uint32_t cells;                       /**< cells to redraw (see above) */
    uint8_t scroll;                       /**< rows moved up, 0..rows */
    uint8_t first[DRIP_TEXT_ROWS_MAX];    /**< first changed cell of row r */
    uint8_t last[DRIP_TEXT_ROWS_MAX];     /**< last changed cell of row r */
} drip_text_damage_t;

/** Display line state. All fields private.
 *  sizeof: 888 B on x86-64, 844 B on 32-bit ARM (default limits; the
 *  drip_md_t inside is most of it). Screen buffer: DRIP_TEXT_SCREEN_BYTES. */
typedef struct drip_text {
    drip_md_t md; /**< the Markdown-lite filter in front of the lines */
    struct {
        drip_text_covers_fn covers;
        void *cover_user;
        drip_text_line_fn on_line;
        void *user;
        char *scr;
        char *row;                /* the current line's row in scr */
        drip_text_damage_t *dmg;  /* of the call in progress, or NULL */
        uint32_t lines;           /* lines started */
        uint32_t spaces;          /* spaces pending after the line's text */
        uint32_t cp;              /* UTF-8 decoder: code point so far */
        uint16_t rowcap;          /* DRIP_TEXT_ROW_BYTES(cols) */
        uint16_t len;             /* bytes of the current (bottom) line */
        uint16_t cells;           /* cells of the current line */
        uint16_t brk_len, brk_cells;   /* line end if broken at the last opportunity */
        uint16_t word_len, word_cells; /* where the next line would start */
        uint16_t last_len, last_cells; /* start of the last base character */
        uint16_t rlen[DRIP_TEXT_ROWS_MAX]; /* bytes per ring slot */
        uint8_t cols, rows, flags;
        uint8_t top;              /* ring slot of visible row 0 */
        uint8_t used;             /* visible rows in use */
        uint8_t open;             /* the bottom row is the current line */
        uint8_t zwj;              /* the last code point was U+200D */
        uint8_t brk;              /* the current line has a break opportunity */
        uint8_t prev;             /* class of the last code point placed */
        uint8_t ri_odd;           /* odd run of regional indicators */
        uint8_t u8_need, u8_have, u8_lo, u8_hi; /* UTF-8 decoder */
    } priv; /**< private: only drip_text.c reads or writes it */
} drip_text_t;

/**
 * @brief Start a new answer on an empty screen.
 *
 * The damage reports that follow assume the panel is blank now: a driver
 * clears it when it calls this (also between two answers).
 * @param t   layout state (caller-owned, any lifetime)
 * @param cfg configuration, copied. cfg->screen is used until the next setup.
 * @return DRIP_OK, or DRIP_ERR_ARG (NULL t/cfg/screen, cols or rows out of
 *         range, unknown flags), or DRIP_ERR_NOMEM (screen_size too small).
 */
drip_err_t drip_text_init(drip_text_t *t, const drip_text_cfg_t *cfg);

/**
 * @brief Feed answer text (UTF-8 Markdown, any piece, split anywhere).
 *
 * Invalid UTF-8 shows as U+FFFD, one per maximal subpart of an ill-formed
 * sequence (the Unicode / WHATWG rule). C0 and C1 control characters and DEL
 * are dropped; `\t` is one space.
 * @param dmg NULL, or filled with what changed on the screen during the call.
 */
void drip_text_feed(drip_text_t *t, const char *s, size_t n, drip_text_damage_t *dmg);

/**
 * @brief End of the answer: flushes the filter's hold-back and finishes the
 *        last line (on_line). The screen keeps its rows for drawing.
 * @param dmg NULL, or filled as for drip_text_feed().
 */
void drip_text_finish(drip_text_t *t, drip_text_damage_t *dmg);

/**
 * @brief Text of visible row `row` (0 = top) as it is now.
 * @param[out] s UTF-8 of the row (not NUL-terminated; valid until the next
 *               feed/finish/setup); set to an empty string for an unused row
 * @return its length in bytes (0 for an unused row or row >= rows)
 */
size_t drip_text_row(const drip_text_t *t, unsigned row, const char **s);

/** Lines of the answer so far, counting the current unfinished one. */
uint32_t drip_text_lines(const drip_text_t *t);

/**
 * @brief Where the next character would go (for a cursor).
 * @param[out] row visible row (may be == rows-1 with a scroll still to come)
 * @param[out] col cell column, 0..cols (cols: at the end of a full row)
 */
void drip_text_cursor(const drip_text_t *t, unsigned *row, unsigned *col);

/**
 * @brief Cells code point `cp` takes (text.md §2): 0 for combining marks
 *        (Mn, Me), ZWJ and variation selectors; 2 for East Asian Wide /
 *        Fullwidth and regional indicators; 1 else. From a table generated
 *        from the Unicode Character Database (core/src/drip_cells.h).
 */
unsigned drip_text_cells(uint32_t cp);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_TEXT_H */
