/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_b64.h
 * @brief Base64 (RFC 4648 section 4, standard alphabet) decoded as it arrives.
 *
 * Speech answers carry audio as base64 in `speech.audio.delta` events
 * (docs/spec/openai.md section 11). This decoder takes the text in pieces
 * split at any byte, a 4-character group across pieces included, and never
 * holds more than one partial group (3 characters, kept as bits in a word).
 *
 * Rules (the decisions where the RFC leaves room):
 * - Only A-Z a-z 0-9 + / and '=' are accepted; anything else (white space
 *   included) is DRIP_ERR_SPEECH_BASE64.
 * - '=' may only complete a group ("xx==" or "xxx="); after it only the end
 *   of the string (drip_b64_end()) may come. A new string
 *   (drip_b64_next()) may start a new group.
 * - A group may continue from one string into the next (a server that cut
 *   one base64 text at any character): drip_b64_next() keeps the partial
 *   group. drip_b64_end() ends the whole text: a partial group of 2 or 3
 *   characters is decoded as unpadded base64 (RFC 4648 3.2); 1 character
 *   is an error.
 * - Non-zero bits left over in a padded or final group are accepted (as
 *   Python's and Node's decoders do).
 *
 * Output never exceeds input: 3 bytes per 4 characters, so a caller may
 * decode in place with out = in - 3 (see drip_b64_decode()).
 */
#ifndef DRIP_B64_H
#define DRIP_B64_H

#include <stddef.h>
#include <stdint.h>
#include "drip_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Decoder state (caller-owned, 8 bytes). Zero it or call drip_b64_init(). */
typedef struct drip_b64 {
    uint32_t acc;   /**< bits of the partial group */
    uint8_t n;      /**< characters in the partial group (0..3) */
    uint8_t pad;    /**< 1: '=' ended a group, only the string's end may follow;
                         2: "xx=" seen, one more '=' must follow */
    uint8_t err;    /**< sticky: an invalid character was seen */
} drip_b64_t;

/**
 * Most bytes one drip_b64_decode() call writes: @p held characters of a
 * partial group (b->n before the call) and @p n new ones. Whole groups give
 * 3 bytes each, and a group padded "xx=" gives its byte before its second
 * '=' is read: one byte more when held + n is 3 mod 4. Never more than
 * n + 3 (decoding in place from in - 3 stays within the text).
 */
#define DRIP_B64_OUT_MAX(held, n) \
    (((held) + (n)) / 4u * 3u + (((held) + (n)) % 4u == 3u ? 1u : 0u))

/** Start a new text (no partial group). */
void drip_b64_init(drip_b64_t *b);

/**
 * @brief Decode the next characters.
 * @param out receives up to DRIP_B64_OUT_MAX(b->n, n) bytes. It may overlap @p in
 *        when out == in - 3 or out == in with no partial group held
 *        (b->n == 0): every byte is written after the characters it comes
 *        from were read, and never past them.
 * @param[out] out_n bytes written
 * @return DRIP_OK or DRIP_ERR_SPEECH_BASE64 (sticky).
 */
drip_err_t drip_b64_decode(drip_b64_t *b, const char *in, size_t n, uint8_t *out, size_t *out_n);

/** The current string ended; the next one continues the text (a partial
 *  group is kept, padding is forgotten).
 *  @return DRIP_OK or DRIP_ERR_SPEECH_BASE64 ("xx=" without its second '=',
 *  or sticky). */
drip_err_t drip_b64_next(drip_b64_t *b);

/**
 * @brief The whole text ended: decode a partial group of 2 or 3 characters
 * (1 or 2 bytes into @p out, which needs 2 bytes).
 * @return DRIP_OK or DRIP_ERR_SPEECH_BASE64 (1 character left, or sticky).
 */
drip_err_t drip_b64_end(drip_b64_t *b, uint8_t *out, size_t *out_n);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_B64_H */
