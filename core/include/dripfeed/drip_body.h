/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_body.h
 * @brief Layer 4c: a JSON response body read in pieces, in constant memory.
 *
 * Not an event stream: the body of an HTTP error (any status outside 2xx)
 * and the JSON answer of the cancel endpoint. It is read as it arrives, any
 * split, any length, by the oversize scanner (drip_scan.h) with a table of
 * its own: the error members (error.{type,code,message,param}, and the flat
 * and response.error forms the event decoder reads for the same API) and
 * the top-level id and status of a Response object. Everything else is
 * skipped; the body need not be JSON (the members are then absent).
 *
 * Memory: sizeof(drip_body_t) (the scanner and 6 slots: 160 B on a
 * Cortex-M4) plus the arena the caller lends for the captured strings;
 * drip_stream lends the larger of its SSE buffer and its token array, both
 * idle while a body is read. Views stay valid until the arena is written
 * again.
 */
#ifndef DRIP_BODY_H
#define DRIP_BODY_H

#include <stddef.h>
#include <stdint.h>
#include "drip_err.h"
#include "drip_event.h"
#include "drip_scan.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Capture slots of the body reader: 4 error members, id, status. */
#define DRIP_BODY_SLOTS 6

/** The body reader (caller-owned, any storage). Every member is private. */
typedef struct drip_body {
    drip_scan_t scan;                        /**< the scanner */
    drip_scan_slot_t slot[DRIP_BODY_SLOTS];  /**< its captures */
} drip_body_t;

/**
 * @brief Start reading a body.
 * @param api    which API's error forms to read (the same as its events')
 * @param arena  where captured strings go; owned by the reader until the
 *               next init. A message longer than the room (the arena less
 *               its reserves, drip_scan_init: 320 of 512 bytes) is cut and
 *               flagged; drip_stream lends >= 1 KB with 64 tokens.
 * @return DRIP_OK or DRIP_ERR_ARG (NULL, or no arena).
 */
drip_err_t drip_body_init(drip_body_t *b, drip_api_t api, char *arena, size_t cap);

/** The next bytes of the body (any split). @return DRIP_OK or the scanner's
 *  sticky JSON error (reading may go on: the members read so far stay). */
drip_err_t drip_body_feed(drip_body_t *b, const uint8_t *p, size_t n);

/** The error members read so far, whether or not the body was valid JSON
 *  (status 0; members absent when not sent or not strings). */
void drip_body_error(const drip_body_t *b, drip_api_error_t *out);

/**
 * @brief The body ended: its top-level id and status (a Response object).
 * @return DRIP_OK; the JSON error (DRIP_ERR_JSON_*) when the body was not
 *         one complete JSON value; DRIP_ERR_EVENT_ID_TOO_LONG when the id did
 *         not fit the arena; DRIP_ERR_EVENT_FIELD when it is not a string.
 */
drip_err_t drip_body_response(drip_body_t *b, drip_str_t *id, drip_str_t *status);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_BODY_H */
