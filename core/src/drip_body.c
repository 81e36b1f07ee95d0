/* SPDX-License-Identifier: Apache-2.0 */
/* Layer 4c: a JSON response body (HTTP error, cancel endpoint) read by the
 * scanner with its own small table (see drip_body.h). The error members are
 * the event decoder's ERROR_FIELDS (drip_fields.h): one description. */
#include "dripfeed/drip_body.h"

#include <string.h>

#include "drip_fields.h"

/* Keys of the table (1-based ids, drip_scan_cfg_t). */
#define BODY_KEYS(X)                                                                               \
    X(TYPE, "type") X(CODE, "code") X(MESSAGE, "message") X(PARAM, "param") X(ERROR, "error")     \
    X(RESPONSE, "response") X(ID, "id") X(STATUS, "status")

enum {
    K_NONE_ = 0,
#define X(id, name) K_##id,
    BODY_KEYS(X)
#undef X
    K_COUNT_
};

static const char *const k_keys[K_COUNT_ - 1] = {
#define X(id, name) name,
    BODY_KEYS(X)
#undef X
};

#define SLOT_E(s, m, k, f) SL_##s,
enum { ERROR_FIELDS(SLOT_E) SL_ID, SL_STATUS, SL_END_ };
#undef SLOT_E
typedef char drip_body_slots_fit_[(SL_END_ == DRIP_BODY_SLOTS) ? 1 : -1];

/* What each API's event decoder reads as an error, so a body and an event
 * give the same members: error.* always; speech and Responses also a flat
 * error (top-level code/message/param), Responses also response.error. The
 * top-level id and status of a Response object for every API. One table,
 * each API reading a prefix of it (Chat's is the shortest). */
#define PATH_E(s, m, k, f) {2, {K_ERROR, k, 0, 0}, SL_##s, f},
static const drip_scan_path_t k_paths[] = {
    ERROR_FIELDS(PATH_E)
    {1, {K_ID, 0, 0, 0}, SL_ID, 0},
    {1, {K_STATUS, 0, 0, 0}, SL_STATUS, 0},
    /* speech and Responses */
    {1, {K_CODE, 0, 0, 0}, SL_ERR_CODE, 0},
    {1, {K_MESSAGE, 0, 0, 0}, SL_ERR_MSG, DRIP_SCAN_F_BULK},
    {1, {K_PARAM, 0, 0, 0}, SL_ERR_PARAM, 0},
    /* Responses */
    {3, {K_RESPONSE, K_ERROR, K_CODE, 0}, SL_ERR_CODE, 0},
    {3, {K_RESPONSE, K_ERROR, K_MESSAGE, 0}, SL_ERR_MSG, DRIP_SCAN_F_BULK},
};
#undef PATH_E
enum { /* paths read per API: a prefix of k_paths */
    N_CHAT = SL_END_, /* one common path per slot */
    N_SPEECH = N_CHAT + 3,
    N_RESPONSES = N_SPEECH + 2
};
typedef char drip_body_paths_[(sizeof k_paths / sizeof k_paths[0] == N_RESPONSES) ? 1 : -1];

#define CFG(n) {k_keys, (uint8_t)(K_COUNT_ - 1), k_paths, (uint8_t)(n)}
/* Indexed by drip_api_t. */
static const drip_scan_cfg_t k_cfg[3] = {CFG(N_RESPONSES), CFG(N_CHAT), CFG(N_SPEECH)};
#undef CFG
typedef char drip_body_cfg_per_api_[(DRIP_API_CHAT == 1 && DRIP_API_SPEECH == 2) ? 1 : -1];

/* Offsets of the error members in drip_api_error_t, in ERROR_FIELDS order. */
#define OFF_E(s, m, k, f) (uint8_t)offsetof(drip_api_error_t, m),
static const uint8_t k_err_off[] = {ERROR_FIELDS(OFF_E)};
#undef OFF_E
typedef char drip_body_err_off_fits_[(sizeof(drip_api_error_t) <= 255) ? 1 : -1];

drip_err_t drip_body_init(drip_body_t *b, drip_api_t api, char *arena, size_t cap)
{
    if (b == NULL || arena == NULL || cap == 0) {
        return DRIP_ERR_ARG;
    }
    b->scan.sink = NULL; /* every string is kept (or cut), none handed on */
    b->scan.sink_ctx = NULL;
    return drip_scan_init(&b->scan, &k_cfg[(unsigned)api <= DRIP_API_SPEECH ? api : 0], b->slot,
                          DRIP_BODY_SLOTS, arena, cap);
}

drip_err_t drip_body_feed(drip_body_t *b, const uint8_t *p, size_t n)
{
    if (b == NULL) {
        return DRIP_ERR_ARG;
    }
    return drip_scan_feed(&b->scan, p, n);
}

/* A string member: absent when not sent, null or not a string. */
static drip_str_t member(const drip_body_t *b, unsigned slot)
{
    drip_str_t none = {NULL, 0};
    return b->slot[slot].kind == DRIP_SCAN_STRING ? drip_scan_str(&b->scan, slot) : none;
}

void drip_body_error(const drip_body_t *b, drip_api_error_t *out)
{
    unsigned i;
    memset(out, 0, sizeof *out);
    for (i = 0; i < sizeof k_err_off; i++) {
        *(drip_str_t *)(void *)((char *)out + k_err_off[i]) = member(b, SL_ERR_TYPE + i);
    }
    out->message_cut = b->slot[SL_ERR_MSG].cut;
}

drip_err_t drip_body_response(drip_body_t *b, drip_str_t *id, drip_str_t *status)
{
    drip_err_t e;
    if (b == NULL || id == NULL || status == NULL) {
        return DRIP_ERR_ARG;
    }
    e = drip_scan_finish(&b->scan);
    *id = member(b, SL_ID);
    *status = member(b, SL_STATUS);
    if (e != DRIP_OK) {
        return e;
    }
    /* as the event decoder reads ids: a string or absent, never cut */
    if (b->slot[SL_ID].kind != DRIP_SCAN_NONE && b->slot[SL_ID].kind != DRIP_SCAN_NULL &&
        b->slot[SL_ID].kind != DRIP_SCAN_STRING) {
        return DRIP_ERR_EVENT_FIELD;
    }
    if (b->slot[SL_ID].cut) {
        return DRIP_ERR_EVENT_ID_TOO_LONG;
    }
    if (b->slot[SL_STATUS].kind != DRIP_SCAN_NONE && b->slot[SL_STATUS].kind != DRIP_SCAN_NULL &&
        b->slot[SL_STATUS].kind != DRIP_SCAN_STRING) {
        return DRIP_ERR_EVENT_FIELD;
    }
    return DRIP_OK;
}
