/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_scan.h
 * @brief Layer 4b: incremental JSON scanner for events larger than any buffer.
 *
 * `response.completed` and every `*.done` event repeat the whole answer, so
 * their size has no bound. The scanner reads such an event in pieces, in
 * constant memory, validates its JSON grammar, skips every value it was not
 * asked for (a 1 MB string costs nothing) and captures the few scalars whose
 * key paths are listed in its configuration (type, sequence_number, ids,
 * status, usage, error...) into a small arena, unescaped.
 *
 * No recursion: nesting is one bit per level in a 64-bit mask; key paths are
 * tracked for the first DRIP_SCAN_KEYS levels only (deeper values are never
 * captured). Memory: sizeof(drip_scan_t) is ~100 bytes (the grammar machine);
 * the caller lends the capture slots (8 bytes each, as many as its
 * configuration numbers) and the arena the captured bytes go to
 * (drip_scan_init), which may be the very buffer the document is read from
 * (see drip_scan_init: captures never overtake the read position).
 */
#ifndef DRIP_SCAN_H
#define DRIP_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include "drip_err.h"
#include "drip_json.h"
#include "drip_opts.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DRIP_SCAN_KEYS 4     /**< key path levels tracked */
#define DRIP_SCAN_SLOTS 64   /**< most capture slots one scanner can use (slot numbers < this) */
#define DRIP_SCAN_ELEM 0xFFu /**< path key meaning "any array element" */
#define DRIP_SCAN_KEY_MAX 28 /**< longest key name that can match */

/** Path flags */
#define DRIP_SCAN_F_PRESENCE 0x01u /**< record kind and length, do not store bytes */
#define DRIP_SCAN_F_BULK 0x02u     /**< a long string (delta, message): it may not use the
                                        arena's id and number reserves (drip_scan_init),
                                        so ids and numbers after it still fit */
#define DRIP_SCAN_F_EDGES 0x04u    /**< a delta: a lone surrogate at either end is kept in
                                        its 3-byte form (drip_json_str_delta()) */
#define DRIP_SCAN_F_PIECES 0x08u   /**< a long string the sink may take in pieces instead
                                        of the arena keeping it (drip_scan_sink_t) */

/** Phases of a string handed to the sink (DRIP_SCAN_F_PIECES paths). */
enum drip_scan_phase { DRIP_SCAN_BEGIN, DRIP_SCAN_BYTES, DRIP_SCAN_END };

/** A sink's answer (drip_scan_sink_t): flags, or a negative drip_err_t. */
enum drip_scan_sink_rc {
    DRIP_SCAN_TAKE = 1, /**< BEGIN: the sink takes this string */
    DRIP_SCAN_PAUSE = 2 /**< stop reading input right here: drip_scan_feed_part()
                             returns, with what it used, so that the caller hands on
                             what the sink staged before it feeds the rest */
};

/**
 * Takes a long string in pieces while it is scanned. BEGIN (p NULL): return
 * DRIP_SCAN_TAKE to take this string (its bytes then go to the sink, not the
 * arena; the slot records kind and length only), 0 to let the arena keep it.
 * BYTES: decoded UTF-8 bytes, in any split. END: the string closed. Any
 * phase may add DRIP_SCAN_PAUSE (return 0 or flags otherwise). Return a
 * negative drip_err_t to stop the scan with that error (sticky).
 * A sink that stages bytes and pauses, instead of handing them on from
 * inside the scan, keeps the scanner's frames off its consumer's stack.
 */
typedef int (*drip_scan_sink_t)(void *ctx, unsigned slot, const uint8_t *p, size_t n, int phase);

/** Kind of a captured value. */
enum drip_scan_kind {
    DRIP_SCAN_NONE = 0, DRIP_SCAN_STRING, DRIP_SCAN_NUMBER, DRIP_SCAN_TRUE,
    DRIP_SCAN_FALSE, DRIP_SCAN_NULL, DRIP_SCAN_OBJECT, DRIP_SCAN_ARRAY
};

/** One key path to capture: keys[0..depth) are ids into cfg->keys (1-based)
 *  or DRIP_SCAN_ELEM. */
typedef struct drip_scan_path {
    /** keys in the path (1..DRIP_SCAN_KEYS) */
    uint8_t depth;
    /** key ids (1-based into cfg->keys) or DRIP_SCAN_ELEM, outermost first */
    uint8_t key[DRIP_SCAN_KEYS];
    /** where the value goes: drip_scan_t.slot[slot] (< the slots lent to drip_scan_init) */
    uint8_t slot;
    /** DRIP_SCAN_F_* */
    uint8_t flags;
} drip_scan_path_t;

/** What to capture. Constant; may live in flash. */
typedef struct drip_scan_cfg {
    const char *const *keys;  /**< keys[i-1] is the name of key id i */
    /** entries of keys */
    uint8_t nkeys;
    /** the paths to capture */
    const drip_scan_path_t *paths;
    /** entries of paths */
    uint8_t npaths;
} drip_scan_cfg_t;

/** A captured value. */
typedef struct drip_scan_slot {
    uint16_t off, len;  /**< where in the arena; len counts all bytes (saturating at
                             65535), even if cut */
    uint16_t stored;    /**< bytes actually stored (< len when cut; 0 for presence) */
    uint8_t kind;       /**< enum drip_scan_kind */
    uint8_t cut;        /**< the arena was full: only part is stored */
} drip_scan_slot_t;
/** @var drip_scan_slot::off
 *  Where the value's stored bytes start in drip_scan_t.arena. */

/** The scanner (caller-owned): a JSON grammar check and capture of the
 *  configured paths in constant memory, fed in pieces. Read slot[] and
 *  arena through drip_scan_str(); priv is the scanner's. */
typedef struct drip_scan {
    /** what to capture (drip_scan_init) */
    const drip_scan_cfg_t *cfg;
    drip_scan_sink_t sink;    /**< optional (NULL: the arena keeps every string) */
    /** passed to sink */
    void *sink_ctx;
    /** the captured bytes: the caller's arena (drip_scan_init) */
    char *arena;
    /** the captured values, by the paths' slot numbers: the caller's (drip_scan_init) */
    drip_scan_slot_t *slot;
    uint8_t root;       /**< kind of the root value (DRIP_SCAN_NONE before it starts) */
    /** Private: the grammar machine's state. */
    struct {
        int err;
        uint64_t arr;        /* bit d set: container at depth d is an array */
        uint16_t used;       /* arena bytes used */
        uint8_t nslots;      /* entries of slot */
        uint16_t cap;        /* arena bytes (the caller's size, at most 65535) */
        uint16_t num_keep;   /* bytes strings leave for numbers */
        uint16_t id_keep;    /* bytes a long string leaves for the ids after it */
        uint8_t depth, state, is_key, cur, cur_flags, klen, ok_end;
        uint8_t to_sink;     /* the current string goes to the sink */
        uint8_t paused;      /* the sink asked for DRIP_SCAN_PAUSE */
        uint8_t key[DRIP_SCAN_KEYS + 1];
        char kbuf[DRIP_SCAN_KEY_MAX];
        char lit[6];         /* literal being matched: true/false/null */
        uint8_t lit_len, num_state;
        drip_unesc_t u;
    } priv;
} drip_scan_t;

/**
 * @brief Prepare for a new document (sink and sink_ctx are kept).
 *
 * The captured bytes go to @p arena, the caller's (up to 65535 bytes are
 * used), until the next init. Strings leave the last min(DRIP_SCAN_NUM_RESERVE,
 * cap / 8) bytes to numbers, and DRIP_SCAN_F_BULK strings a further
 * min(DRIP_SCAN_ID_RESERVE, cap / 4) to the ids after them: the configured
 * reserves in an arena large enough (512 bytes with the defaults), a fixed
 * share of a smaller one.
 *
 * The arena may be the buffer the document is read from, as long as it
 * starts at or before the document's first byte (e.g. the document is read
 * from the start of the arena, then from elsewhere): a capture never
 * overtakes the read position, because every byte written is decoded from
 * input already read and no value decodes to more bytes than it was sent
 * as (an escape is longer than what it stands for; a number is copied as
 * is; quotes, keys, white space and skipped values store nothing). The
 * same holds for what a sink stages there (drip_event.c).
 *
 * @param slot  the capture slots, @p nslots of them (<= DRIP_SCAN_SLOTS); every
 *              path's slot number must be below nslots. May be NULL with
 *              nslots 0 (grammar check only).
 * @param arena the captured bytes; may be NULL when @p cap is 0 (grammar
 *              check only, or presence-only paths)
 * @return DRIP_OK or DRIP_ERR_ARG (NULL, a NULL arena with cap > 0, a NULL
 *         slot table with nslots > 0, nslots > DRIP_SCAN_SLOTS, or a path with
 *         a slot >= nslots, a depth outside 1..DRIP_SCAN_KEYS or a key id
 *         that is not in cfg->keys).
 */
drip_err_t drip_scan_init(drip_scan_t *s, const drip_scan_cfg_t *cfg, drip_scan_slot_t *slot,
                          unsigned nslots, char *arena, size_t cap);


/**
 * @brief Scan the next piece of the document.
 * Pauses a sink asks for are passed over: everything is read.
 * @return DRIP_OK, or a sticky DRIP_ERR_JSON_INVALID / _ESCAPE / _DEPTH or
 *         sink error.
 */
drip_err_t drip_scan_feed(drip_scan_t *s, const uint8_t *p, size_t n);

/**
 * @brief drip_scan_feed(), stopping early where the sink asks for
 * DRIP_SCAN_PAUSE: *used is what was read (all of @p n unless paused);
 * feed the rest next.
 */
drip_err_t drip_scan_feed_part(drip_scan_t *s, const uint8_t *p, size_t n, size_t *used);

/**
 * @brief After drip_scan_init(): the arena holds the whole document (e.g. it
 * is the buffer the document lies in, from its start), so every capture
 * fits: no reserves are kept for numbers and ids (they exist so that a long
 * string cannot crowd out what follows it in a smaller arena).
 */
void drip_scan_keep_all(drip_scan_t *s);

/**
 * @brief End the scan with @p err, a failure of the caller's own work on
 * what a sink staged (e.g. the handler that took a piece cancelled):
 * sticky like the scanner's own errors. @p err must be negative.
 */
void drip_scan_stop(drip_scan_t *s, drip_err_t err);

/** The document ended: DRIP_OK if it was one complete value, else
 *  DRIP_ERR_JSON_INVALID (or the sticky error). */
drip_err_t drip_scan_finish(drip_scan_t *s);

/** View of a captured slot (p == NULL if the slot was not seen or not a string/number). */
drip_str_t drip_scan_str(const drip_scan_t *s, unsigned slot);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_SCAN_H */
