/* SPDX-License-Identifier: Apache-2.0 */
/* Field lists shared by the event decoder (drip_event.c) and the JSON body
 * reader (drip_body.c): one description each, read by every reader of it.
 * Private to core/src. Keys are named K_<NAME>; each includer numbers its
 * own key table (drip_scan_cfg_t key ids are per configuration). */
#ifndef DRIP_FIELDS_H
#define DRIP_FIELDS_H

#include "dripfeed/drip_scan.h"

/* An API error's members (the `error` object of every API; a Responses
 * error event's top level; response.error; an HTTP error body): slot name,
 * drip_api_error_t member, key, scanner flags (a message may be long:
 * DRIP_SCAN_F_BULK keeps the room of the ids after it). Type comes first:
 * a flat error or response.error has none of its own. */
#define ERROR_FIELDS(X)                                                                            \
    X(ERR_TYPE, type, K_TYPE, 0)                                                                   \
    X(ERR_CODE, code, K_CODE, 0)                                                                   \
    X(ERR_MSG, message, K_MESSAGE, DRIP_SCAN_F_BULK)                                               \
    X(ERR_PARAM, param, K_PARAM, 0)

#endif /* DRIP_FIELDS_H */
