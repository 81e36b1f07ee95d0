/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_phrase.h
 * @brief Phrases for a text-to-speech engine, from answer deltas as they come.
 *
 * Feed the answer's text deltas (Markdown, any split, UTF-8) to
 * drip_phrase_feed(); each phrase is handed to on_phrase() in the same call
 * that delivers the byte completing it, so a speaker can start on the first
 * phrase while the model is still writing. Rules: docs/spec/text.md §3
 * (phrase ends, abbreviations, min/max, fenced code -> `code omitted`, bare
 * URLs -> `link`), after the Markdown-lite filter of drip_text.h (§1), which
 * drip_phrase_t embeds. Every rule gives the same phrases at any split.
 *
 * Memory: drip_phrase_t (DRIP_PHRASE_STRUCT_BYTES, a fixed size) plus the
 * caller's phrase buffer of at least `max` bytes. Nothing grows with the
 * answer: a phrase longer than `max` is cut (text.md §3).
 *
 * Decisions where the spec is silent (all written next to the code too):
 * - Whitespace is ASCII space, `\t`, `\n`, `\r`, `\v`, `\f`; a run of it
 *   inside a phrase becomes one space. NBSP and other Unicode spaces are
 *   kept as they are.
 * - Abbreviations and single letters are ASCII; they hold back a `.` only
 *   when the run of end marks is that one `.` (`etc.)` too; `etc..` ends).
 * - A fenced code block is a hard boundary: the phrase before it is emitted
 *   even when shorter than `min`, then `code omitted`.
 * - A bare URL starts at `http://` or `https://` (any case) not preceded by
 *   an ASCII letter or digit; trailing `. , ; : ! ? ' " ] } >` and a `)`
 *   without its `(` are not part of it (as GitHub's autolinks), up to 16 of
 *   them, so "see https://x.org." still ends a sentence.
 * - The last phrase of an answer is emitted by drip_phrase_finish().
 */
#ifndef DRIP_PHRASE_H
#define DRIP_PHRASE_H

#include <stddef.h>
#include <stdint.h>
#include "drip_err.h"
#include "drip_text.h"

#ifdef __cplusplus
extern "C" {
#endif

/** text.md §3 default `min`: a phrase shorter than this (bytes) joins the next one. */
#define DRIP_PHRASE_MIN_DEFAULT 20u
/** text.md §3 default `max`: a phrase longer than this (bytes) is cut. */
#define DRIP_PHRASE_MAX_DEFAULT 200u
/** Smallest `max` accepted: one UTF-8 character must fit. */
#define DRIP_PHRASE_MAX_LEAST 4u
/** The phrase that stands for each fenced code block. */
#define DRIP_PHRASE_CODE "code omitted"
/** What a bare URL is spoken as. */
#define DRIP_PHRASE_LINK "link"
/** Trailing punctuation after a URL held back to see whether the URL goes on. */
#define DRIP_PHRASE_URL_TAIL 16u

/**
 * Receives one phrase: trimmed, not empty, whitespace runs made one space,
 * at most `max` bytes, not NUL-terminated. The view is valid during the call
 * only (it points into the caller's phrase buffer).
 */
typedef void (*drip_phrase_fn)(void *user, const char *s, size_t n);

/** Setup of a chunker. The chunker keeps a copy: cfg may be a temporary. */
typedef struct drip_phrase_cfg {
    /** A phrase shorter than this (bytes) joins the next one, except the
     *  last and the pieces of a cut. Use DRIP_PHRASE_MIN_DEFAULT (20) for the
     *  spec's default; 0 never joins. */
    size_t min;
    /** A longer phrase is cut (bytes). 0: DRIP_PHRASE_MAX_DEFAULT (200), or
     *  buf_len when that is smaller. Otherwise DRIP_PHRASE_MAX_LEAST..buf_len. */
    size_t max;
    /** Caller's phrase buffer (owned by the caller, used until the last
     *  finish): the phrase being built. At least `max` bytes. */
    char *buf;
    /** Size of buf in bytes. */
    size_t buf_len;
    /** Called once per phrase, in order (required). */
    drip_phrase_fn on_phrase;
    /** Passed to on_phrase. */
    void *user;
} drip_phrase_cfg_t;

/** A chunker. Fields are private; the size is fixed (no heap, no growth). */
typedef struct drip_phrase {
    drip_md_t md;            /**< the Markdown-lite filter drip_phrase_feed() runs */
    drip_phrase_fn on_phrase;/**< from cfg */
    void *user;              /**< from cfg */
    char *buf;               /**< from cfg */
    size_t min;              /**< from cfg */
    size_t max;              /**< from cfg (0 resolved to the default or the buffer) */
    size_t len;              /**< bytes of the phrase in buf */
    size_t last_sp;          /**< 1 + index of the last space in buf; 0: none */
    uint32_t count;          /**< phrases emitted */
    uint8_t sp;              /**< whitespace after the phrase's last character */
    uint8_t end;             /**< 0 none, 1 in a run of . ! ? …, 2 closers after it */
    uint8_t lone_dot;        /**< the run is one '.' */
    uint8_t abbr;            /**< the word before that '.' is an abbreviation / a letter */
    uint8_t comma;           /**< the last character is , ; : */
    uint8_t cut;             /**< the phrase is the tail of a cut: min does not apply */
    uint8_t glue_next;       /**< the next phrase follows directly (no space) */
    uint8_t glued;           /**< the phrase being built follows the previous directly */
    uint8_t word_on;         /**< a word has started (after its opening punctuation) */
    uint8_t wlen;            /**< bytes of that word, saturating at 255 */
    char word[8];            /**< its first bytes, ASCII lower-cased (abbreviations) */
    uint8_t w1;              /**< its last byte (single letters) */
    uint8_t w2;              /**< its second-to-last byte */
    uint8_t u[4];            /**< a UTF-8 character being assembled */
    uint8_t un;              /**< its bytes so far */
    uint8_t uneed;           /**< its bytes expected */
    uint8_t url;             /**< 0 text, 1 matching http(s)://, 2 inside a URL */
    uint8_t hold_n;          /**< bytes of a possible scheme held back */
    uint8_t tail_n;          /**< trailing punctuation held back inside a URL */
    uint8_t parens;          /**< unclosed '(' in the URL (saturating) */
    uint8_t prev_alnum;      /**< the last byte passed on was an ASCII letter/digit */
    char hold[8];            /**< "https://" so far */
    char tail[DRIP_PHRASE_URL_TAIL]; /**< trailing punctuation so far */
} drip_phrase_t;

/** sizeof(drip_phrase_t) on this target, for budgets. */
#define DRIP_PHRASE_STRUCT_BYTES (sizeof(drip_phrase_t))

/**
 * Sets up a chunker for one answer (also to start the next answer).
 * @return DRIP_OK; DRIP_ERR_ARG when p, cfg, cfg->buf or cfg->on_phrase is
 *         NULL, or max is not 0 and outside DRIP_PHRASE_MAX_LEAST..buf_len
 *         (or max is 0 and buf_len < DRIP_PHRASE_MAX_LEAST).
 */
drip_err_t drip_phrase_init(drip_phrase_t *p, const drip_phrase_cfg_t *cfg);

/**
 * Feeds raw answer text (Markdown, UTF-8, any piece, n may be 0): it runs
 * through the embedded Markdown-lite filter, then the chunker. Calls
 * on_phrase for every phrase this piece completes.
 */
void drip_phrase_feed(drip_phrase_t *p, const char *s, size_t n);

/**
 * The chunker without the embedded filter: a sink for a drip_md_t the caller
 * runs itself (drip_md_cfg_t.sink with user = the drip_phrase_t), or for text
 * that is already clean (flags 0). Takes the filter's flags: DRIP_MD_CODE
 * bytes are dropped, DRIP_MD_FENCE_BEGIN emits `code omitted`. Do not mix it
 * with drip_phrase_feed() in one answer.
 */
void drip_phrase_sink(void *p, const char *s, size_t n, unsigned flags);

/**
 * The answer ended: finishes the embedded filter, then emits the last
 * phrase (even when shorter than min). Call drip_phrase_init() again for
 * the next answer.
 */
void drip_phrase_finish(drip_phrase_t *p);

/**
 * During on_phrase: 1 if this phrase follows the previous one directly in
 * the text (the previous ended at 。！？ or at a cut without whitespace, and
 * no whitespace came between), 0 if one space stands between them. Joining
 * the phrases with "" or " " as this says gives the speech-form text with
 * whitespace runs made one space (text.md §3).
 */
int drip_phrase_glued(const drip_phrase_t *p);

/** Phrases emitted since setup. */
uint32_t drip_phrase_count(const drip_phrase_t *p);

#ifdef __cplusplus
}
#endif

#endif
