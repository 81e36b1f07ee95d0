/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_json.h
 * @brief Layer 4a: JSON helpers over jsmn tokens (Debian libjsmn-dev).
 *
 * jsmn tokenizes one event's data into a caller-owned jsmntok_t array; these
 * helpers find members, read integers with range checks and unescape strings
 * in place to UTF-8. Nothing is copied: results are views into the text.
 *
 * If a translation unit needs jsmn's implementation itself, include <jsmn.h>
 * before any dripfeed header (this header includes it declarations-only).
 * dripfeed compiles its own private copy of the code with JSMN_STATIC, so it
 * never clashes with an application's jsmn.
 */
#ifndef DRIP_JSON_H
#define DRIP_JSON_H

#include <stddef.h>
#include <stdint.h>
#include "drip_err.h"

#ifndef JSMN_H
/** jsmn's declarations only: dripfeed compiles jsmn's code in drip_json.c. */
#define JSMN_HEADER
#include <jsmn.h>
#undef JSMN_HEADER
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** A view: `n` bytes at `p`, not NUL-terminated; p == NULL means absent. */
typedef struct drip_str {
    /** first byte, or NULL when absent */
    const char *p;
    /** bytes at p */
    size_t n;
} drip_str_t;

/** A tokenized JSON document. */
typedef struct drip_json {
    char *js;          /**< the text (writable: strings are unescaped in place) */
    /** bytes at js */
    size_t len;
    jsmntok_t *tok;    /**< caller's token array */
    int ntok;          /**< tokens used */
} drip_json_t;

/**
 * @brief Tokenize `js` (one JSON value; an object is expected by callers).
 * @return DRIP_OK; DRIP_ERR_JSON_NOMEM when `cap` tokens are not enough;
 *         DRIP_ERR_JSON_INVALID for malformed text, an incomplete document or
 *         anything but white space after the first value.
 */
drip_err_t drip_json_parse(drip_json_t *j, char *js, size_t len, jsmntok_t *tok, unsigned cap);

/**
 * @brief jsmn alone: drip_json_parse() without its check that exactly one
 * value fills the text. For callers that run drip_json_valid() next, which
 * checks that too (one walk over the tokens instead of two).
 * @return as drip_json_parse(), but a text with more after its first value
 *         may give DRIP_OK.
 */
drip_err_t drip_json_tokens(drip_json_t *j, char *js, size_t len, jsmntok_t *tok, unsigned cap);

/**
 * @brief After drip_json_parse() or drip_json_tokens() succeeded, before any string is read: is
 * the text RFC 8259 JSON? jsmn (strict) still accepts stray or missing
 * commas and colons ("[1,]", "{\"a\" 1}"), bad literals and numbers ("tru",
 * "01") and raw control bytes in strings. This checks the bytes between the
 * tokens (white space and punctuation, in order, nesting followed on a
 * 64-bit stack), each primitive's syntax and each string for control bytes;
 * escapes were checked by jsmn. It never decodes a string.
 * @param max_depth nesting limit, 1..64 (deeper is "not valid")
 * @return 1 when the text is valid JSON, 0 when it is not or may not be
 *         (callers that need the exact error ask the scanner, drip_scan.h).
 */
int drip_json_valid(const drip_json_t *j, unsigned max_depth);

/** Index of the first token after the value at `i` (and its children). */
int drip_json_next(const drip_json_t *j, int i);

/** Value token of member `key` (raw bytes compare) in object token `obj`; -1 if none. */
int drip_json_get(const drip_json_t *j, int obj, const char *key, size_t keylen);

/** Non-zero if token `t` exists and is the literal null. */
int drip_json_is_null(const drip_json_t *j, int t);

/**
 * @brief String value of token `t`, unescaped in place (idempotent).
 * An unpaired surrogate escape (a high half without its low half, or a low
 * half alone) becomes U+FFFD; it is not an error.
 * @return DRIP_OK; DRIP_ERR_EVENT_FIELD if `t` is not a string;
 *         DRIP_ERR_JSON_ESCAPE for a bad escape or a raw control byte.
 */
drip_err_t drip_json_str(drip_json_t *j, int t, drip_str_t *out);

/**
 * @brief As drip_json_str(), for a piece of a longer text (a delta): a high
 * surrogate at the very end and a low surrogate at the very start are kept
 * in their 3-byte form (ED A0..BF xx, not valid UTF-8) instead of U+FFFD, so
 * that a pair split across two deltas can be joined by the receiver
 * (drip_stream does; anything else must treat them as U+FFFD).
 */
drip_err_t drip_json_str_delta(drip_json_t *j, int t, drip_str_t *out);

/**
 * @brief Integer value of token `t` within [lo, hi].
 * @return DRIP_OK; DRIP_ERR_EVENT_FIELD if not a number;
 *         DRIP_ERR_JSON_RANGE if it has a fraction/exponent or is out of range.
 */
drip_err_t drip_json_int(const drip_json_t *j, int t, int64_t lo, int64_t hi, int64_t *out);

/**
 * @brief A JSON integer s[0..n) (no fraction, no exponent) into int64.
 * @return DRIP_OK; DRIP_ERR_EVENT_FIELD if not a number at all;
 *         DRIP_ERR_JSON_RANGE for fractions, exponents, leading zeros, overflow.
 */
drip_err_t drip_json_parse_i64(const char *s, size_t n, int64_t *out);

/**
 * @brief Decode JSON escapes of s[0..n) in place (unpaired surrogates become
 * U+FFFD, as in drip_json_str()).
 * @param[out] out_len length of the UTF-8 result (never more than n)
 * @return DRIP_OK or DRIP_ERR_JSON_ESCAPE (bad escape, bad hex, raw control
 *         byte < 0x20).
 */
drip_err_t drip_json_unescape(char *s, size_t n, size_t *out_len);

/** Most bytes one call of drip_unesc_byte() / drip_unesc_finish() writes
 *  (U+FFFD for an unpaired high surrogate, then a 3-byte character). */
#define DRIP_UNESC_OUT_MAX 8

/** Incremental unescaper for strings that arrive in pieces (oversize
 *  scanner). Zero it before each string; set `edges` for a delta (see
 *  drip_json_str_delta()). */
typedef struct drip_unesc {
    uint8_t st;      /* 0 plain, 1 after '\\', 2..5 hex digits of \\u, 6/7 after a high surrogate */
    uint8_t edges;   /* keep a lone surrogate at either end in its 3-byte form */
    uint8_t any;     /* bytes were written: a low surrogate now is not at the start */
    uint32_t cp;     /* code point being read */
    uint32_t hi;     /* pending high surrogate, 0 if none */
} drip_unesc_t;
/** @var drip_unesc::st
 *  Where in an escape it is: 0 plain, 1 after a backslash, 2..5 hex digits of
 *  a \\u escape, 6/7 after a high surrogate. Zero the struct before each
 *  string; only `edges` is the caller's to set.
 *  @var drip_unesc::edges
 *  Set by the caller: keep a lone surrogate at either end in its 3-byte form (deltas).
 *  @var drip_unesc::any
 *  Bytes were written: a low surrogate now is not at the start.
 *  @var drip_unesc::cp
 *  The code point being read.
 *  @var drip_unesc::hi
 *  A pending high surrogate, 0 if none. */

/**
 * @brief Decode one byte of a string body (without the quotes).
 * @param[out] out up to DRIP_UNESC_OUT_MAX UTF-8 bytes
 * @return number of bytes written to out, or DRIP_ERR_JSON_ESCAPE.
 */
int drip_unesc_byte(drip_unesc_t *u, uint8_t c, uint8_t out[DRIP_UNESC_OUT_MAX]);

/** The string ended: writes what a pending high surrogate becomes (0 or 3
 *  bytes) and returns that count, or DRIP_ERR_JSON_ESCAPE if the string
 *  ended inside an escape. */
int drip_unesc_finish(drip_unesc_t *u, uint8_t out[DRIP_UNESC_OUT_MAX]);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_JSON_H */
