/* SPDX-License-Identifier: Apache-2.0 */
/* Layer 5: OpenAI events -> drip_event_t. Wire facts: docs/spec/openai.md.
 *
 * Decisions (written down where the spec leaves room):
 * - `data: [DONE]` (exact bytes) is DRIP_EV_DONE for both APIs.
 * - The `error` event is read nested (`error.{type,code,message,param}`) and
 *   falls back to the flat shape (top-level code/message/param), as the Node
 *   SDK does. A Chat chunk with an `error` object decodes as DRIP_EV_ERROR.
 * - Oversize delta events that carry text (output text, refusal, arguments,
 *   reasoning, tool input, code, shell command, transcript) are an error
 *   (DRIP_ERR_EVENT_DELTA_TOO_LARGE); oversize audio/image deltas decode as
 *   flagged oversize events (their media is not text the client shows).
 * - Object keys are compared as raw bytes (OpenAI never escapes key names).
 */
#include "dripfeed/drip_event.h"

#include <string.h>

#include "drip_fields.h"
#include "drip_cc.h"

/* Event names. Every name after "response." is PREFIX "." SUFFIX (split at
 * the last dot) or a bare SUFFIX (lifecycle): 22 prefixes x 13 suffixes cover
 * the 58 names in about 630 bytes instead of 1.6 KB of full names. Prefixes
 * and suffixes are strings led by their length byte (no NUL); the enums are
 * their offsets, and each row of k_types (below) holds its name's two as
 * code (prefix << 7 | suffix). */
enum { /* offsets into k_pre (9 bits) */
    P_NONE = 0,
    P_OUTPUT_ITEM = P_NONE + sizeof "",
    P_CONTENT_PART = P_OUTPUT_ITEM + sizeof "output_item",
    P_OUTPUT_TEXT = P_CONTENT_PART + sizeof "content_part",
    P_OUTPUT_TEXT_ANNOTATION = P_OUTPUT_TEXT + sizeof "output_text",
    P_REFUSAL = P_OUTPUT_TEXT_ANNOTATION + sizeof "output_text.annotation",
    P_FUNCTION_CALL_ARGUMENTS = P_REFUSAL + sizeof "refusal",
    P_CUSTOM_TOOL_CALL_INPUT = P_FUNCTION_CALL_ARGUMENTS + sizeof "function_call_arguments",
    P_MCP_CALL_ARGUMENTS = P_CUSTOM_TOOL_CALL_INPUT + sizeof "custom_tool_call_input",
    P_REASONING_SUMMARY_PART = P_MCP_CALL_ARGUMENTS + sizeof "mcp_call_arguments",
    P_REASONING_SUMMARY_TEXT = P_REASONING_SUMMARY_PART + sizeof "reasoning_summary_part",
    P_REASONING_TEXT = P_REASONING_SUMMARY_TEXT + sizeof "reasoning_summary_text",
    P_WEB_SEARCH_CALL = P_REASONING_TEXT + sizeof "reasoning_text",
    P_FILE_SEARCH_CALL = P_WEB_SEARCH_CALL + sizeof "web_search_call",
    P_CODE_INTERPRETER_CALL = P_FILE_SEARCH_CALL + sizeof "file_search_call",
    P_CODE_INTERPRETER_CALL_CODE = P_CODE_INTERPRETER_CALL + sizeof "code_interpreter_call",
    P_IMAGE_GENERATION_CALL = P_CODE_INTERPRETER_CALL_CODE + sizeof "code_interpreter_call_code",
    P_MCP_CALL = P_IMAGE_GENERATION_CALL + sizeof "image_generation_call",
    P_MCP_LIST_TOOLS = P_MCP_CALL + sizeof "mcp_call",
    P_AUDIO = P_MCP_LIST_TOOLS + sizeof "mcp_list_tools",
    P_AUDIO_TRANSCRIPT = P_AUDIO + sizeof "audio",
    P_SHELL_CALL_COMMAND = P_AUDIO_TRANSCRIPT + sizeof "audio.transcript",
    P_SHELL_CALL_OUTPUT_CONTENT = P_SHELL_CALL_COMMAND + sizeof "shell_call_command",
    P_END_ = P_SHELL_CALL_OUTPUT_CONTENT + sizeof "shell_call_output_content"
};
enum { /* offsets into k_suf (7 bits) */
    S_CREATED = 0,
    S_QUEUED = S_CREATED + sizeof "created",
    S_IN_PROGRESS = S_QUEUED + sizeof "queued",
    S_COMPLETED = S_IN_PROGRESS + sizeof "in_progress",
    S_INCOMPLETE = S_COMPLETED + sizeof "completed",
    S_FAILED = S_INCOMPLETE + sizeof "incomplete",
    S_ADDED = S_FAILED + sizeof "failed",
    S_DONE = S_ADDED + sizeof "added",
    S_DELTA = S_DONE + sizeof "done",
    S_SEARCHING = S_DELTA + sizeof "delta",
    S_INTERPRETING = S_SEARCHING + sizeof "searching",
    S_GENERATING = S_INTERPRETING + sizeof "interpreting",
    S_PARTIAL_IMAGE = S_GENERATING + sizeof "generating",
    S_END_ = S_PARTIAL_IMAGE + sizeof "partial_image"
};
/* both offsets fit one uint16_t (prefix << 7 | suffix) */
typedef char drip_type_code_fits_[(P_END_ <= 512 && S_END_ <= 128) ? 1 : -1];
static const char k_pre[P_END_] =
    "\000"
    "\013" "output_item"
    "\014" "content_part"
    "\013" "output_text"
    "\026" "output_text.annotation"
    "\007" "refusal"
    "\027" "function_call_arguments"
    "\026" "custom_tool_call_input"
    "\022" "mcp_call_arguments"
    "\026" "reasoning_summary_part"
    "\026" "reasoning_summary_text"
    "\016" "reasoning_text"
    "\017" "web_search_call"
    "\020" "file_search_call"
    "\025" "code_interpreter_call"
    "\032" "code_interpreter_call_code"
    "\025" "image_generation_call"
    "\010" "mcp_call"
    "\016" "mcp_list_tools"
    "\005" "audio"
    "\020" "audio.transcript"
    "\022" "shell_call_command"
    "\031" "shell_call_output_content";
static const char k_suf[S_END_] =
    "\007" "created"
    "\006" "queued"
    "\013" "in_progress"
    "\011" "completed"
    "\012" "incomplete"
    "\006" "failed"
    "\005" "added"
    "\004" "done"
    "\005" "delta"
    "\011" "searching"
    "\014" "interpreting"
    "\012" "generating"
    "\015" "partial_image";
#define TC(p, s) ((P_##p << 7) | S_##s)

/* ---- the event types: one table ----------------------------------------
 * One row per drip_event_type_t, in enum order (static asserts below), from
 * DRIP_EV_UNKNOWN to DRIP_EV_SPEECH_AUDIO_DONE. Both readers take every
 * per-type decision from it: the token path (decode_responses, track_calls),
 * the scanner path (drip_event_scan_finish, piece_begin) and the type lookup.
 *   code   the name after "response.": TC(prefix, suffix); 0 for none
 *   obj    the object it carries: RESPONSE (response.{id, status, usage,
 *          incomplete_details.reason, error}), ERROR (error, nested or flat),
 *          ITEM (item.{type, id, call_id, name, status, server_label} and a
 *          call's whole arguments or input), or NONE
 *   call   its part in a client call's life (the call table): OPEN
 *          (output_item.added), ARGS (a client call's arguments/input
 *          delta), ARGS_DONE (their .done event, with them whole), CLOSE
 *          (output_item.done), or NONE
 *   delta  what its `delta` string is: TEXT, REFUSAL, REASONING, ARGS (a
 *          stream hands these to its handlers, in pieces when oversize),
 *          OTHER (text no handler shows: kept whole or DELTA_TOO_LARGE, never
 *          dropped), MEDIA (audio, shell output: dropped from an oversize
 *          event, which is flagged), or NONE (any delta is kept as OTHER's
 *          is, but dropped when oversize, as MEDIA's)
 *   text   the member of a *.done event holding its full text (into `text`)
 *   flags  NAME (top-level `name` into `name`), TERM (ends the answer:
 *          drip_event_is_terminal), RESP / SPEECH (the stream APIs whose type
 *          it is: a name of the other API decodes as DRIP_EV_UNKNOWN)
 * Adding a type: its enum member, a row here, its name in k_pre/k_suf and
 * the name hash regenerated (drip_event_type_of). Adding a field: its key in
 * DRIP_KEYS, its member in drip_event_t and a line in the object's field
 * list (ITEM_FIELDS, USAGE_FIELDS, ERROR_FIELDS, INDEX_FIELDS). */
#define EVENT_TYPES(X) /* id, code, obj, call, delta, text, flags */                                                                           \
    X(UNKNOWN,                             0,                                        NONE,     NONE,      NONE,      NONE,      0)             \
    X(RESPONSE_CREATED,                    TC(NONE, CREATED),                        RESPONSE, NONE,      NONE,      NONE,      RESP)          \
    X(RESPONSE_QUEUED,                     TC(NONE, QUEUED),                         RESPONSE, NONE,      NONE,      NONE,      RESP)          \
    X(RESPONSE_IN_PROGRESS,                TC(NONE, IN_PROGRESS),                    RESPONSE, NONE,      NONE,      NONE,      RESP)          \
    X(RESPONSE_COMPLETED,                  TC(NONE, COMPLETED),                      RESPONSE, NONE,      NONE,      NONE,      RESP | TERM)   \
    X(RESPONSE_INCOMPLETE,                 TC(NONE, INCOMPLETE),                     RESPONSE, NONE,      NONE,      NONE,      RESP | TERM)   \
    X(RESPONSE_FAILED,                     TC(NONE, FAILED),                         RESPONSE, NONE,      NONE,      NONE,      RESP | TERM)   \
    X(ERROR,                               0,                                        ERROR,    NONE,      NONE,      NONE,      RESP | SPEECH) \
    X(OUTPUT_ITEM_ADDED,                   TC(OUTPUT_ITEM, ADDED),                   ITEM,     OPEN,      NONE,      NONE,      RESP)          \
    X(OUTPUT_ITEM_DONE,                    TC(OUTPUT_ITEM, DONE),                    ITEM,     CLOSE,     NONE,      NONE,      RESP)          \
    X(CONTENT_PART_ADDED,                  TC(CONTENT_PART, ADDED),                  NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(CONTENT_PART_DONE,                   TC(CONTENT_PART, DONE),                   NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(OUTPUT_TEXT_DELTA,                   TC(OUTPUT_TEXT, DELTA),                   NONE,     NONE,      TEXT,      NONE,      RESP)          \
    X(OUTPUT_TEXT_DONE,                    TC(OUTPUT_TEXT, DONE),                    NONE,     NONE,      NONE,      TEXT,      RESP)          \
    X(OUTPUT_TEXT_ANNOTATION_ADDED,        TC(OUTPUT_TEXT_ANNOTATION, ADDED),        NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(REFUSAL_DELTA,                       TC(REFUSAL, DELTA),                       NONE,     NONE,      REFUSAL,   NONE,      RESP)          \
    X(REFUSAL_DONE,                        TC(REFUSAL, DONE),                        NONE,     NONE,      NONE,      REFUSAL,   RESP)          \
    X(FUNCTION_CALL_ARGUMENTS_DELTA,       TC(FUNCTION_CALL_ARGUMENTS, DELTA),       NONE,     ARGS,      ARGS,      NONE,      RESP)          \
    X(FUNCTION_CALL_ARGUMENTS_DONE,        TC(FUNCTION_CALL_ARGUMENTS, DONE),        NONE,     ARGS_DONE, NONE,      ARGUMENTS, RESP | NAME)   \
    X(CUSTOM_TOOL_CALL_INPUT_DELTA,        TC(CUSTOM_TOOL_CALL_INPUT, DELTA),        NONE,     ARGS,      ARGS,      NONE,      RESP)          \
    X(CUSTOM_TOOL_CALL_INPUT_DONE,         TC(CUSTOM_TOOL_CALL_INPUT, DONE),         NONE,     ARGS_DONE, NONE,      INPUT,     RESP)          \
    X(MCP_CALL_ARGUMENTS_DELTA,            TC(MCP_CALL_ARGUMENTS, DELTA),            NONE,     NONE,      OTHER,     NONE,      RESP)          \
    X(MCP_CALL_ARGUMENTS_DONE,             TC(MCP_CALL_ARGUMENTS, DONE),             NONE,     NONE,      NONE,      ARGUMENTS, RESP)          \
    X(REASONING_SUMMARY_PART_ADDED,        TC(REASONING_SUMMARY_PART, ADDED),        NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(REASONING_SUMMARY_PART_DONE,         TC(REASONING_SUMMARY_PART, DONE),         NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(REASONING_SUMMARY_TEXT_DELTA,        TC(REASONING_SUMMARY_TEXT, DELTA),        NONE,     NONE,      REASONING, NONE,      RESP)          \
    X(REASONING_SUMMARY_TEXT_DONE,         TC(REASONING_SUMMARY_TEXT, DONE),         NONE,     NONE,      NONE,      TEXT,      RESP)          \
    X(REASONING_TEXT_DELTA,                TC(REASONING_TEXT, DELTA),                NONE,     NONE,      OTHER,     NONE,      RESP)          \
    X(REASONING_TEXT_DONE,                 TC(REASONING_TEXT, DONE),                 NONE,     NONE,      NONE,      TEXT,      RESP)          \
    X(WEB_SEARCH_CALL_IN_PROGRESS,         TC(WEB_SEARCH_CALL, IN_PROGRESS),         NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(WEB_SEARCH_CALL_SEARCHING,           TC(WEB_SEARCH_CALL, SEARCHING),           NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(WEB_SEARCH_CALL_COMPLETED,           TC(WEB_SEARCH_CALL, COMPLETED),           NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(FILE_SEARCH_CALL_IN_PROGRESS,        TC(FILE_SEARCH_CALL, IN_PROGRESS),        NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(FILE_SEARCH_CALL_SEARCHING,          TC(FILE_SEARCH_CALL, SEARCHING),          NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(FILE_SEARCH_CALL_COMPLETED,          TC(FILE_SEARCH_CALL, COMPLETED),          NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(CODE_INTERPRETER_CALL_IN_PROGRESS,   TC(CODE_INTERPRETER_CALL, IN_PROGRESS),   NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(CODE_INTERPRETER_CALL_INTERPRETING,  TC(CODE_INTERPRETER_CALL, INTERPRETING),  NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(CODE_INTERPRETER_CALL_COMPLETED,     TC(CODE_INTERPRETER_CALL, COMPLETED),     NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(CODE_INTERPRETER_CALL_CODE_DELTA,    TC(CODE_INTERPRETER_CALL_CODE, DELTA),    NONE,     NONE,      OTHER,     NONE,      RESP)          \
    X(CODE_INTERPRETER_CALL_CODE_DONE,     TC(CODE_INTERPRETER_CALL_CODE, DONE),     NONE,     NONE,      NONE,      CODE,      RESP)          \
    X(IMAGE_GENERATION_CALL_IN_PROGRESS,   TC(IMAGE_GENERATION_CALL, IN_PROGRESS),   NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(IMAGE_GENERATION_CALL_GENERATING,    TC(IMAGE_GENERATION_CALL, GENERATING),    NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(IMAGE_GENERATION_CALL_COMPLETED,     TC(IMAGE_GENERATION_CALL, COMPLETED),     NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(IMAGE_GENERATION_CALL_PARTIAL_IMAGE, TC(IMAGE_GENERATION_CALL, PARTIAL_IMAGE), NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(MCP_CALL_IN_PROGRESS,                TC(MCP_CALL, IN_PROGRESS),                NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(MCP_CALL_COMPLETED,                  TC(MCP_CALL, COMPLETED),                  NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(MCP_CALL_FAILED,                     TC(MCP_CALL, FAILED),                     NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(MCP_LIST_TOOLS_IN_PROGRESS,          TC(MCP_LIST_TOOLS, IN_PROGRESS),          NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(MCP_LIST_TOOLS_COMPLETED,            TC(MCP_LIST_TOOLS, COMPLETED),            NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(MCP_LIST_TOOLS_FAILED,               TC(MCP_LIST_TOOLS, FAILED),               NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(AUDIO_DELTA,                         TC(AUDIO, DELTA),                         NONE,     NONE,      MEDIA,     NONE,      RESP)          \
    X(AUDIO_DONE,                          TC(AUDIO, DONE),                          NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(AUDIO_TRANSCRIPT_DELTA,              TC(AUDIO_TRANSCRIPT, DELTA),              NONE,     NONE,      OTHER,     NONE,      RESP)          \
    X(AUDIO_TRANSCRIPT_DONE,               TC(AUDIO_TRANSCRIPT, DONE),               NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(SHELL_CALL_COMMAND_ADDED,            TC(SHELL_CALL_COMMAND, ADDED),            NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(SHELL_CALL_COMMAND_DELTA,            TC(SHELL_CALL_COMMAND, DELTA),            NONE,     NONE,      OTHER,     NONE,      RESP)          \
    X(SHELL_CALL_COMMAND_DONE,             TC(SHELL_CALL_COMMAND, DONE),             NONE,     NONE,      NONE,      COMMAND,   RESP)          \
    X(SHELL_CALL_OUTPUT_CONTENT_DELTA,     TC(SHELL_CALL_OUTPUT_CONTENT, DELTA),     NONE,     NONE,      MEDIA,     NONE,      RESP)          \
    X(SHELL_CALL_OUTPUT_CONTENT_DONE,      TC(SHELL_CALL_OUTPUT_CONTENT, DONE),      NONE,     NONE,      NONE,      NONE,      RESP)          \
    X(CHAT_CHUNK,                          0,                                        NONE,     NONE,      NONE,      NONE,      0)             \
    X(DONE,                                0,                                        NONE,     NONE,      NONE,      NONE,      0)             \
    X(SPEECH_AUDIO_DELTA,                  0,                                        NONE,     NONE,      MEDIA,     NONE,      SPEECH)        \
    X(SPEECH_AUDIO_DONE,                   0,                                        NONE,     NONE,      NONE,      NONE,      SPEECH)

/* The columns' values. Full texts of *.done events: the key of each. */
#define DONE_TEXTS(X) X(TEXT) X(REFUSAL) X(ARGUMENTS) X(INPUT) X(CODE) X(COMMAND)
enum { O_NONE, O_RESPONSE, O_ERROR, O_ITEM, O_END_ };
enum { C_NONE, C_OPEN, C_ARGS, C_ARGS_DONE, C_CLOSE, C_END_ };
/* in this order: D_TEXT..D_ARGS reach handlers (piece_delta_type), D_TEXT..D_OTHER are text
 * (text_delta) */
enum { D_NONE, D_TEXT, D_REFUSAL, D_REASONING, D_ARGS, D_OTHER, D_MEDIA, D_END_ };
enum {
    T_NONE,
#define X(k) T_##k,
    DONE_TEXTS(X)
#undef X
    T_END_
};
enum { F_RESP = 1, F_SPEECH = 2, F_TERM = 4, F_NAME = 8, F_END_ = 16 };

/* One row: 4 bytes (bit widths checked below; a value too wide for its
 * field is a -Woverflow error). */
typedef struct ev_desc {
    unsigned code : 16;
    unsigned obj : 2;
    unsigned call : 3;
    unsigned delta : 3;
    unsigned text : 3;
    unsigned flags : 4;
} ev_desc_t;
typedef char drip_desc_cols_fit_[(O_END_ <= 4 && C_END_ <= 8 && D_END_ <= 8 && T_END_ <= 8 &&
                                  F_END_ <= 16) ? 1 : -1];

#define RESP F_RESP
#define SPEECH F_SPEECH
#define TERM F_TERM
#define NAME F_NAME
#define ROW(id, code, obj, call, delta, text, flags)                                               \
    {(code), O_##obj, C_##call, D_##delta, T_##text, (flags)},
static const ev_desc_t k_types[] = {EVENT_TYPES(ROW)};
#undef ROW
#undef RESP
#undef SPEECH
#undef TERM
#undef NAME
/* Row i describes type i: each row's enum member equals its index, and the
 * table ends with the last type (so the Responses rows are exactly the 58). */
enum {
#define ROW(id, code, obj, call, delta, text, flags) ROW_##id,
    EVENT_TYPES(ROW)
#undef ROW
    ROW_END_
};
#define ROW(id, code, obj, call, delta, text, flags)                                               \
    typedef char drip_row_in_enum_order_##id[(ROW_##id == (int)DRIP_EV_##id) ? 1 : -1];
EVENT_TYPES(ROW)
#undef ROW
typedef char drip_rows_cover_types_[(ROW_END_ == DRIP_EV_SPEECH_AUDIO_DONE + 1 &&
                                     sizeof k_types / sizeof k_types[0] == ROW_END_ &&
                                     DRIP_EV_RESPONSES_COUNT_END_ == DRIP_EV_RESPONSES_TYPES + 1)
                                        ? 1
                                        : -1];

/* The row of type t: a type the decoder set (any drip_event_type_t). */
#define desc(t) (&k_types[(unsigned)(t)])
/* a[0..n) == b[0..n) for the short names of keys and types, without a
 * library call: words, the last one ending at the last byte (it may
 * overlap the one before). */
static int same(const char *a, const char *b, size_t n)
{
    size_t x, y, i;
    uint32_t h, g;
    if (n >= sizeof x) {
        for (i = 0; i + sizeof x < n; i += sizeof x) {
            memcpy(&x, a + i, sizeof x);
            memcpy(&y, b + i, sizeof y);
            if (x != y) {
                return 0;
            }
        }
        memcpy(&x, a + n - sizeof x, sizeof x);
        memcpy(&y, b + n - sizeof y, sizeof y);
        return x == y;
    }
    if (sizeof x > sizeof h && n >= sizeof h) { /* 64-bit words: 4..7 bytes */
        memcpy(&h, a, sizeof h);
        memcpy(&g, b, sizeof g);
        if (h != g) {
            return 0;
        }
        memcpy(&h, a + n - sizeof h, sizeof h);
        memcpy(&g, b + n - sizeof g, sizeof g);
        return h == g;
    }
    for (i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return 0;
        }
    }
    return 1;
}

/* hash multipliers (see drip_event_type_of) */
#define HASH_A 0xD66B829Fu
#define HASH_B 0xEA90A8F1u
static const uint8_t k_disp[16] = {1, 13, 8, 1, 24, 10, 12, 14, 13, 0, 0, 5, 2, 0, 1, 5};
static const uint8_t k_slot[64] = {
    45, 12, 20, 57, 54, 38, 53, 18, 46, 19, 22, 24, 0, 49, 14, 42,
    35, 34, 39, 26, 44, 52, 11, 6, 9, 28, 30, 16, 55, 32, 47, 17,
    3, 13, 5, 23, 33, 48, 10, 43, 15, 0, 50, 27, 51, 21, 1, 36,
    31, 8, 0, 0, 0, 0, 41, 2, 25, 56, 37, 29, 4, 0, 40, 58
};

/* Lookup: a perfect hash (hash and displace) over the 57 "response.*" names
 * picks one candidate, then one exact comparison. The hash mixes the length,
 * the four bytes after "response." and the four at len-8 (together they tell
 * all 57 apart); its top 4 bits pick a bucket, the next 6 a slot of k_slot
 * (0: no name), XORed with the bucket's k_disp so that no two names share a
 * slot. When a name is added, regenerate k_disp, k_slot and the multipliers:
 * try random odd multipliers until, biggest bucket first, every bucket finds
 * a displacement whose slots are all free. */
static uint32_t le32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    /* byte by byte, so the hash is the same on any byte order */
    return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

drip_event_type_t drip_event_type_of(const char *name, size_t len)
{
    uint32_t x;
    unsigned t, code;
    const char *pre, *suf;
    size_t pl, sl;
    if (name == NULL) {
        return DRIP_EV_UNKNOWN;
    }
    if (len == 5 && memcmp(name, "error", 5) == 0) {
        return DRIP_EV_ERROR;
    }
    if (len >= 17 && memcmp(name, "speech.audio.", 13) == 0) { /* openai.md section 11 */
        return len == 18 && memcmp(name + 13, "delta", 5) == 0
                   ? DRIP_EV_SPEECH_AUDIO_DELTA
                   : (len == 17 && memcmp(name + 13, "done", 4) == 0 ? DRIP_EV_SPEECH_AUDIO_DONE
                                                                    : DRIP_EV_UNKNOWN);
    }
    /* the shortest name is "response.queued": the hash may read 4 bytes at 9 */
    if (len < 15 || memcmp(name, "response.", 9) != 0) {
        return DRIP_EV_UNKNOWN;
    }
    x = ((le32(name + 9) ^ le32(name + len - 8) * HASH_A) + (uint32_t)len) * HASH_B;
    t = k_slot[((x >> 22) & 63u) ^ k_disp[x >> 28]];
    if (t == 0) {
        return DRIP_EV_UNKNOWN;
    }
    code = k_types[t].code;
    pre = k_pre + (code >> 7);
    suf = k_suf + (code & 0x7Fu);
    pl = (unsigned char)pre[0];
    sl = (unsigned char)suf[0];
    name += 9;
    len -= 9;
    if (pl > 0) {
        if (len != pl + 1 + sl || !same(name, pre + 1, pl) || name[pl] != '.') {
            return DRIP_EV_UNKNOWN;
        }
        name += pl + 1;
    } else if (len != sl) {
        return DRIP_EV_UNKNOWN;
    }
    return same(name, suf + 1, sl) ? (drip_event_type_t)t : DRIP_EV_UNKNOWN;
}
#undef HASH_A
#undef HASH_B

int drip_event_is_terminal(drip_event_type_t t)
{
    return (unsigned)t < (unsigned)ROW_END_ && (desc(t)->flags & F_TERM) != 0;
}

/* Keys, shared by the token path and the scanner's path table: one line
 * each (id, name). A new key also needs the hash below regenerated. */
#define DRIP_KEYS(X)                                                                               \
    X(TYPE, "type") X(SEQ, "sequence_number") X(ITEM_ID, "item_id")                                \
    X(OUTPUT_INDEX, "output_index") X(CONTENT_INDEX, "content_index")                              \
    X(SUMMARY_INDEX, "summary_index") X(DELTA, "delta") X(CODE, "code") X(MESSAGE, "message")       \
    X(PARAM, "param") X(ID, "id") X(RESPONSE, "response") X(STATUS, "status") X(ERROR, "error")    \
    X(INCOMPLETE, "incomplete_details") X(REASON, "reason") X(USAGE, "usage")                      \
    X(IN, "input_tokens") X(OUT, "output_tokens") X(TOTAL, "total_tokens")                         \
    X(IN_DETAILS, "input_tokens_details") X(OUT_DETAILS, "output_tokens_details")                  \
    X(CACHED, "cached_tokens") X(REASONING, "reasoning_tokens") X(ITEM, "item")                    \
    X(CALL_ID, "call_id") X(NAME, "name") X(PROMPT, "prompt_tokens")                               \
    X(COMPLETION, "completion_tokens") X(PROMPT_DETAILS, "prompt_tokens_details")                  \
    X(COMPLETION_DETAILS, "completion_tokens_details") X(CHOICES, "choices")                       \
    X(FINISH, "finish_reason") X(CONTENT, "content") X(REFUSAL, "refusal")                         \
    X(TOOL_CALLS, "tool_calls") X(INDEX, "index") X(FUNCTION, "function")                          \
    X(ARGUMENTS, "arguments") X(TEXT, "text") X(INPUT, "input") X(COMMAND, "command")               \
    X(SERVER_LABEL, "server_label") X(AUDIO, "audio")

enum {
    K_NONE_ = 0, /* key ids are 1-based (drip_scan_cfg_t) */
#define X(id, name) K_##id,
    DRIP_KEYS(X)
#undef X
    K_COUNT_ /* one past the last */
};

static const char *const k_keys[K_COUNT_ - 1] = {
#define X(id, name) name,
    DRIP_KEYS(X)
#undef X
};

static const uint8_t k_key_len[K_COUNT_ - 1] = {
#define X(id, name) (uint8_t)(sizeof(name) - 1u),
    DRIP_KEYS(X)
#undef X
};

/* every name can match in the scanner (DRIP_SCAN_KEY_MAX); ids fit a byte */
#define X(id, name) typedef char drip_key_fits_##id[(sizeof(name) - 1u <= DRIP_SCAN_KEY_MAX) ? 1 : -1];
DRIP_KEYS(X)
#undef X
typedef char drip_key_ids_fit_[(K_COUNT_ - 1 <= 255) ? 1 : -1];

/* Fields that both readers take from the same place, one line each: the
 * token path walks the objects (read_usage, read_item, decode_responses),
 * the scanner captures the same paths into the slots named here
 * (scan_usage, drip_event_scan_finish). Each list is read in its order by both.
 *
 * Usage: slot, drip_usage_t member, Responses keys under response.usage,
 * Chat keys under usage (a second key 0: the member is one level up). */
#define USAGE_FIELDS(X)                                                                            \
    X(U_IN, input_tokens, K_IN, 0, K_PROMPT, 0)                                                    \
    X(U_OUT, output_tokens, K_OUT, 0, K_COMPLETION, 0)                                             \
    X(U_TOTAL, total_tokens, K_TOTAL, 0, K_TOTAL, 0)                                               \
    X(U_CACHED, cached_tokens, K_IN_DETAILS, K_CACHED, K_PROMPT_DETAILS, K_CACHED)                 \
    X(U_REASONING, reasoning_tokens, K_OUT_DETAILS, K_REASONING, K_COMPLETION_DETAILS, K_REASONING)
/* Indexes of a Responses event (top level): slot, drip_event_t member, key. */
#define INDEX_FIELDS(X)                                                                            \
    X(OUT_IDX, output_index, K_OUTPUT_INDEX)                                                       \
    X(CONTENT_IDX, content_index, K_CONTENT_INDEX)                                                 \
    X(SUMMARY_IDX, summary_index, K_SUMMARY_INDEX)
/* output_item.*: slot, drip_event_t member, key under item, 1 when it must
 * be whole (ids and names: DRIP_ERR_EVENT_ID_TOO_LONG if the arena cut it). */
#define ITEM_FIELDS(X)                                                                             \
    X(ITEM_TYPE, item_type, K_TYPE, 1)                                                             \
    X(ITEM_ID2, item_id, K_ID, 1)                                                                  \
    X(ITEM_CALL_ID, call_id, K_CALL_ID, 1)                                                         \
    X(ITEM_NAME, name, K_NAME, 1)                                                                  \
    X(ITEM_STATUS, status, K_STATUS, 0)                                                            \
    X(SERVER_LABEL, server_label, K_SERVER_LABEL, 1)

/* An API error's members: ERROR_FIELDS (drip_fields.h), shared with the
 * JSON body reader (drip_body.c). */

/* Capture slots of the oversize scanner, numbered per API: the slots both
 * APIs use first, then each API's own from the same number on (a scan uses
 * one API's table). Each API's count is checked against DRIP_SCAN_SLOTS. */
#define SLOT_U(s, m, r1, r2, c1, c2) SL_##s,
#define SLOT_F(s, m, k) SL_##s,
#define SLOT_I(s, m, k, w) SL_##s,
/* An error's members have a slot set per form the token path reads, so
 * that one form's members never stand in for another's (an event may hold
 * a flat "message" beside an "error" object): {"error": {...}} (ERROR_FIELDS'
 * own slots), flat members of the event (type is the event's: no slot),
 * and response.error (Responses lifecycle events; read without its type). */
enum {
    SL_ERR_OBJ, ERROR_FIELDS(SLOT_I) SL_FLAT_CODE, SL_FLAT_MSG, SL_FLAT_PARAM,
    SL_RESP_ID, SL_RESP_STATUS, SL_USAGE, USAGE_FIELDS(SLOT_U)
    SL_SHARED_END_
};
enum { /* Responses */
    SL_TYPE = SL_SHARED_END_, SL_SEQ, SL_ITEM_ID, INDEX_FIELDS(SLOT_F) SL_DELTA, SL_REASON,
    SL_RERR_OBJ, SL_RERR_CODE, SL_RERR_MSG, SL_RERR_PARAM, /* response.error (no type) */
    ITEM_FIELDS(SLOT_I) SL_ITEM_OBJ, /* "item" is an object: the token path reads it only then */
    /* a call's whole arguments or input: each member in its own slot, so
     * that the one the token path reads is the one kept (*.done: top level;
     * output_item.*: the item's, by its type) */
    SL_ARGS, SL_INPUT, SL_ITEM_ARGS, SL_ITEM_INPUT,
    SL_RESPONSES_END_
};
enum { /* Chat */
    SL_FINISH = SL_SHARED_END_, SL_CHOICE_IDX, SL_C_CONTENT, SL_C_REFUSAL, SL_C_TOOLS,
    SL_CHAT_END_
};
#undef SLOT_U
#undef SLOT_F
#undef SLOT_I
enum { /* Speech */
    SL_S_TYPE = SL_SHARED_END_, SL_S_AUDIO,
    SL_SPEECH_END_
};
typedef char drip_slots_speech_fit_[(SL_SPEECH_END_ <= DRIP_EVENT_SLOTS) ? 1 : -1];
typedef char drip_slots_responses_fit_[(SL_RESPONSES_END_ <= DRIP_EVENT_SLOTS) ? 1 : -1];
typedef char drip_slots_chat_fit_[(SL_CHAT_END_ <= DRIP_EVENT_SLOTS) ? 1 : -1];
/* no slot RAM that no API uses: DRIP_EVENT_SLOTS is Responses' count, the largest */
typedef char drip_slots_exact_[(SL_RESPONSES_END_ == DRIP_EVENT_SLOTS) ? 1 : -1];

#define E DRIP_SCAN_ELEM
#define P DRIP_SCAN_F_PRESENCE
#define B DRIP_SCAN_F_BULK
#define D DRIP_SCAN_F_EDGES
#define S DRIP_SCAN_F_PIECES
#define PATH_U_RESPONSES(s, m, r1, r2, c1, c2) {(uint8_t)(3 + ((r2) != 0)), {K_RESPONSE, K_USAGE, r1, r2}, SL_##s, 0},
#define PATH_U_CHAT(s, m, r1, r2, c1, c2) {(uint8_t)(2 + ((c2) != 0)), {K_USAGE, c1, c2, 0}, SL_##s, 0},
#define PATH_F(s, m, k) {1, {k, 0, 0, 0}, SL_##s, 0},
#define PATH_I(s, m, k, w) {2, {K_ITEM, k, 0, 0}, SL_##s, 0},
#define PATH_E(s, m, k, f) {2, {K_ERROR, k, 0, 0}, SL_##s, f},
/* One table per API, each holding only what that API's token path reads,
 * so an event decodes the same whatever its size. */
static const drip_scan_path_t k_paths_responses[] = {
    {1, {K_TYPE, 0, 0, 0}, SL_TYPE, 0},
    {1, {K_SEQ, 0, 0, 0}, SL_SEQ, 0},
    {1, {K_ITEM_ID, 0, 0, 0}, SL_ITEM_ID, 0},
    INDEX_FIELDS(PATH_F)
    {1, {K_DELTA, 0, 0, 0}, SL_DELTA, B | D | S},
    {1, {K_ARGUMENTS, 0, 0, 0}, SL_ARGS, B | S},
    {1, {K_INPUT, 0, 0, 0}, SL_INPUT, B | S},
    {1, {K_CODE, 0, 0, 0}, SL_FLAT_CODE, 0},
    {1, {K_MESSAGE, 0, 0, 0}, SL_FLAT_MSG, B},
    {1, {K_PARAM, 0, 0, 0}, SL_FLAT_PARAM, 0},
    {1, {K_ERROR, 0, 0, 0}, SL_ERR_OBJ, P},
    {2, {K_RESPONSE, K_ID, 0, 0}, SL_RESP_ID, 0},
    {2, {K_RESPONSE, K_STATUS, 0, 0}, SL_RESP_STATUS, 0},
    {2, {K_RESPONSE, K_ERROR, 0, 0}, SL_RERR_OBJ, P},
    {2, {K_RESPONSE, K_USAGE, 0, 0}, SL_USAGE, P},
    ITEM_FIELDS(PATH_I)
    {1, {K_ITEM, 0, 0, 0}, SL_ITEM_OBJ, P},
    {2, {K_ITEM, K_ARGUMENTS, 0, 0}, SL_ITEM_ARGS, B},
    {2, {K_ITEM, K_INPUT, 0, 0}, SL_ITEM_INPUT, B},
    ERROR_FIELDS(PATH_E)
    {3, {K_RESPONSE, K_ERROR, K_CODE, 0}, SL_RERR_CODE, 0},
    {3, {K_RESPONSE, K_ERROR, K_MESSAGE, 0}, SL_RERR_MSG, B},
    {3, {K_RESPONSE, K_ERROR, K_PARAM, 0}, SL_RERR_PARAM, 0},
    {3, {K_RESPONSE, K_INCOMPLETE, K_REASON, 0}, SL_REASON, 0},
    USAGE_FIELDS(PATH_U_RESPONSES)
};
static const drip_scan_path_t k_paths_chat[] = {
    {1, {K_ID, 0, 0, 0}, SL_RESP_ID, 0},
    {1, {K_ERROR, 0, 0, 0}, SL_ERR_OBJ, P},
    {1, {K_USAGE, 0, 0, 0}, SL_USAGE, P},
    ERROR_FIELDS(PATH_E)
    USAGE_FIELDS(PATH_U_CHAT)
    {3, {K_CHOICES, E, K_FINISH, 0}, SL_FINISH, 0},
    {3, {K_CHOICES, E, K_INDEX, 0}, SL_CHOICE_IDX, 0},
    {4, {K_CHOICES, E, K_DELTA, K_CONTENT}, SL_C_CONTENT, B | D | S},
    {4, {K_CHOICES, E, K_DELTA, K_REFUSAL}, SL_C_REFUSAL, B | D | S},
    {4, {K_CHOICES, E, K_DELTA, K_TOOL_CALLS}, SL_C_TOOLS, P},
};
/* Speech: the audio is only ever taken in pieces (decoded as it is read,
 * never kept: F_PRESENCE); usage is top level with Responses names; errors
 * nested or flat, as for Responses. */
#define PATH_U_SPEECH(s, m, r1, r2, c1, c2) {(uint8_t)(2 + ((r2) != 0)), {K_USAGE, r1, r2, 0}, SL_##s, 0},
static const drip_scan_path_t k_paths_speech[] = {
    {1, {K_TYPE, 0, 0, 0}, SL_S_TYPE, 0},
    {1, {K_AUDIO, 0, 0, 0}, SL_S_AUDIO, P | S},
    {1, {K_USAGE, 0, 0, 0}, SL_USAGE, P},
    {1, {K_ERROR, 0, 0, 0}, SL_ERR_OBJ, P},
    {1, {K_CODE, 0, 0, 0}, SL_FLAT_CODE, 0},
    {1, {K_MESSAGE, 0, 0, 0}, SL_FLAT_MSG, B},
    {1, {K_PARAM, 0, 0, 0}, SL_FLAT_PARAM, 0},
    ERROR_FIELDS(PATH_E)
    USAGE_FIELDS(PATH_U_SPEECH)
};
#undef PATH_U_SPEECH
#undef PATH_U_RESPONSES
#undef PATH_U_CHAT
#undef PATH_F
#undef PATH_I
#undef PATH_E
#undef E
#undef P
#undef B
#undef D
#undef S

/* The same lists as data, read by both readers. */
typedef struct usage_field {
    uint8_t slot;
    uint8_t off;       /* offsetof(drip_usage_t, member) */
    uint8_t key[2][2]; /* [chat][level]: keys under the usage object */
} usage_field_t;
typedef struct ev_field { /* the keys: k_item_keys, k_root_keys, k_error_keys */
    uint8_t slot, whole;
    uint16_t off;      /* offsetof(drip_event_t, member) */
} ev_field_t;
#define DESC_U(s, m, r1, r2, c1, c2) {SL_##s, (uint8_t)offsetof(drip_usage_t, m), {{r1, r2}, {c1, c2}}},
#define DESC_F(s, m, k) {SL_##s, 0, (uint16_t)offsetof(drip_event_t, m)},
#define DESC_I(s, m, k, w) {SL_##s, w, (uint16_t)offsetof(drip_event_t, m)},
static const usage_field_t k_usage_fields[] = {USAGE_FIELDS(DESC_U)};
static const ev_field_t k_index_fields[] = {INDEX_FIELDS(DESC_F)};
static const ev_field_t k_item_fields[] = {ITEM_FIELDS(DESC_I)};
#define DESC_E(s, m, k, f) {SL_##s, 0, (uint16_t)offsetof(drip_api_error_t, m)},
static const ev_field_t k_error_fields[] = {ERROR_FIELDS(DESC_E)};
#undef DESC_E
#undef DESC_U
#undef DESC_F
#undef DESC_I
#define NUSAGE (sizeof k_usage_fields / sizeof k_usage_fields[0])
#define NINDEX (sizeof k_index_fields / sizeof k_index_fields[0])
#define NITEM (sizeof k_item_fields / sizeof k_item_fields[0])
#define NERROR (sizeof k_error_fields / sizeof k_error_fields[0])
typedef char drip_usage_off_fits_[(sizeof(drip_usage_t) <= 255) ? 1 : -1];
typedef char drip_event_off_fits_[(sizeof(drip_event_t) <= 65535) ? 1 : -1];

static int64_t *usage_at(drip_usage_t *u, const usage_field_t *f)
{
    return (int64_t *)(void *)((char *)u + f->off);
}

static int32_t *i32_at(drip_event_t *ev, const ev_field_t *f)
{
    return (int32_t *)(void *)((char *)ev + f->off);
}

static drip_str_t *str_at(drip_event_t *ev, const ev_field_t *f)
{
    return (drip_str_t *)(void *)((char *)ev + f->off);
}

static drip_str_t *err_at(drip_api_error_t *err, const ev_field_t *f)
{
    return (drip_str_t *)(void *)((char *)err + f->off);
}

/* Indexed by drip_api_t. */
static const drip_scan_cfg_t k_scan_cfg[3] = {
    {k_keys, (uint8_t)(K_COUNT_ - 1), k_paths_responses,
     (uint8_t)(sizeof k_paths_responses / sizeof k_paths_responses[0])},
    {k_keys, (uint8_t)(K_COUNT_ - 1), k_paths_chat,
     (uint8_t)(sizeof k_paths_chat / sizeof k_paths_chat[0])},
    {k_keys, (uint8_t)(K_COUNT_ - 1), k_paths_speech,
     (uint8_t)(sizeof k_paths_speech / sizeof k_paths_speech[0])}};
typedef char drip_scan_cfg_per_api_[(DRIP_API_SPEECH == 2 && DRIP_API_CHAT == 1) ? 1 : -1];

/* Grammar only: an event is valid or not whatever its size, with the
 * scanner's error code on both paths. jsmn's strict mode still accepts stray
 * commas, missing colons, bad literals and numbers ("[1,]", "tru", "01"):
 * drip_json_valid() checks its tokens, and only an event that fails there
 * (or in jsmn) is read again by the scanner, for the code an oversize event
 * would get (the first error in byte order). */
static const drip_scan_cfg_t k_grammar_cfg = {k_keys, 0, k_paths_chat, 0};

static drip_err_t check_grammar(drip_event_dec_t *d, const char *data, size_t len)
{
    drip_err_t e = drip_scan_init(&d->scan, &k_grammar_cfg, NULL, 0, NULL, 0);
    if (e == DRIP_OK) {
        e = drip_scan_feed(&d->scan, (const uint8_t *)data, len);
    }
    return e != DRIP_OK ? e : drip_scan_finish(&d->scan);
}

/* ---- small helpers ---------------------------------------------------- */

static const drip_str_t k_none = {NULL, 0};

static int str_is(drip_str_t s, const char *lit)
{
    size_t n = strlen(lit);
    return s.p != NULL && s.n == n && memcmp(s.p, lit, n) == 0;
}

static int get(const drip_event_dec_t *d, int obj, int key)
{
    const char *k = k_keys[key - 1];
    return drip_json_get(&d->json, obj, k, strlen(k));
}

/* Key lookup for the one walk over an object's members: a perfect hash of
 * the first, the last two bytes and the length of the 44 names of k_keys
 * picks one candidate (0: none), then one comparison. When a key is added,
 * regenerate KEY_HASH and k_key_slot with tests/tools/gen_key_hash.py: it
 * tries random odd multipliers until the top 7 bits of (b0 | b[n-2] << 8 |
 * n << 16 | b[n-1] << 24) * KEY_HASH differ for every name; slot = that
 * value, entry = key id. */
#define KEY_HASH 0x8E726097u
static const uint8_t k_key_slot[128] = {
    0, 41, 2, 39, 0, 0, 20, 21, 0, 11, 0, 40, 0, 0, 35, 0,
    0, 33, 0, 0, 0, 0, 16, 0, 0, 4, 28, 37, 0, 0, 0, 44,
    38, 0, 0, 0, 0, 34, 15, 0, 0, 0, 30, 0, 43, 25, 13, 0,
    0, 0, 0, 36, 12, 0, 0, 0, 0, 24, 0, 0, 0, 29, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 17, 0, 0, 31, 0, 26,
    0, 0, 19, 0, 0, 1, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 22, 0, 0, 0, 6, 0, 0, 0, 0, 10, 8, 42, 0, 0,
    0, 9, 0, 5, 0, 14, 0, 18, 0, 0, 0, 3, 23, 0, 27, 0};
static unsigned key_id(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    uint32_t x;
    unsigned id;
    if (n < 2 || n > DRIP_SCAN_KEY_MAX) { /* "id" is the shortest name */
        return 0;
    }
    x = (uint32_t)u[0] | (uint32_t)u[n - 2] << 8 | (uint32_t)n << 16 | (uint32_t)u[n - 1] << 24;
    id = k_key_slot[(x * KEY_HASH) >> 25];
    if (id == 0) {
        return 0;
    }
    return n == k_key_len[id - 1] && same(k_keys[id - 1], p, n) ? id : 0;
}

/* One walk over the members of object token `obj`: at[i] is the value token
 * of the first member named keys[i] (raw bytes, as drip_json_get), or -1. */
static void members(const drip_event_dec_t *d, int obj, const uint8_t *keys, unsigned nkeys, int *at)
{
    const drip_json_t *j = &d->json;
    int i, k, n;
    unsigned w;
    for (w = 0; w < nkeys; w++) {
        at[w] = -1;
    }
    if (obj < 0 || obj >= j->ntok || j->tok[obj].type != JSMN_OBJECT) {
        return;
    }
    n = j->tok[obj].size;
    i = obj + 1;
    for (k = 0; k < n && i + 1 < j->ntok; k++) {
        const jsmntok_t *t = &j->tok[i];
        unsigned id = key_id(j->js + t->start, (size_t)(t->end - t->start));
        for (w = 0; id != 0 && w < nkeys; w++) {
            if (keys[w] == id) { /* keys[] lists each key once */
                if (at[w] < 0) {
                    at[w] = i + 1;
                }
                break;
            }
        }
        /* a value without children (most are) ends where it starts */
        i = j->tok[i + 1].size == 0 ? i + 2 : drip_json_next(j, i + 1);
    }
}

/* drip_json_is_null() for a token known to exist, without a call. */
static int is_null(const drip_event_dec_t *d, int t)
{
    const jsmntok_t *tk = &d->json.tok[t];
    return tk->type == JSMN_PRIMITIVE && d->json.js[tk->start] == 'n';
}

/* Optional string value: absent (t < 0) or null is fine, another type is not. */
static drip_err_t val_str(drip_event_dec_t *d, int t, drip_str_t *out)
{
    *out = k_none;
    if (t < 0 || is_null(d, t)) {
        return DRIP_OK;
    }
    return drip_json_str(&d->json, t, out);
}

/* The same for a piece of a longer text (drip_json_str_delta). */
static drip_err_t val_delta(drip_event_dec_t *d, int t, drip_str_t *out)
{
    *out = k_none;
    if (t < 0 || is_null(d, t)) {
        return DRIP_OK;
    }
    return drip_json_str_delta(&d->json, t, out);
}

static drip_err_t val_int(drip_event_dec_t *d, int t, int64_t hi, int64_t *out)
{
    const jsmntok_t *tk;
    if (t < 0 || is_null(d, t)) {
        return DRIP_OK;
    }
    tk = &d->json.tok[t];
    if (tk->type == JSMN_PRIMITIVE && tk->end > tk->start && tk->end - tk->start <= 9) {
        /* The usual index or sequence number without the calls: 1..9
         * digits, no leading zero; anything else is drip_json_int's. */
        const char *p = d->json.js + tk->start, *e = d->json.js + tk->end;
        if (*p != '0' || e - p == 1) {
            int64_t v = 0;
            for (; p < e && *p >= '0' && *p <= '9'; p++) {
                v = v * 10 + (*p - '0');
            }
            if (p == e && v <= hi) {
                *out = v;
                return DRIP_OK;
            }
        }
    }
    return drip_json_int(&d->json, t, 0, hi, out);
}

static drip_err_t val_i32(drip_event_dec_t *d, int t, int32_t *out)
{
    int64_t v = -1;
    drip_err_t e = val_int(d, t, INT32_MAX, &v);
    *out = (int32_t)v;
    return e;
}

/* t if it is an object, else -1. */
static int val_obj(const drip_event_dec_t *d, int t)
{
    return (t >= 0 && d->json.tok[t].type == JSMN_OBJECT) ? t : -1;
}

static drip_err_t opt_str(drip_event_dec_t *d, int obj, int key, drip_str_t *out)
{
    return val_str(d, get(d, obj, key), out);
}

static drip_err_t opt_delta(drip_event_dec_t *d, int obj, int key, drip_str_t *out)
{
    return val_delta(d, get(d, obj, key), out);
}

static drip_err_t opt_int(drip_event_dec_t *d, int obj, int key, int64_t hi, int64_t *out)
{
    return val_int(d, get(d, obj, key), hi, out);
}

static drip_err_t opt_i32(drip_event_dec_t *d, int obj, int key, int32_t *out)
{
    return val_i32(d, get(d, obj, key), out);
}

static int obj_member(const drip_event_dec_t *d, int obj, int key)
{
    return val_obj(d, get(d, obj, key));
}

/* Integer from a scanned number slot. */
static drip_err_t slot_int(const drip_event_dec_t *d, unsigned slot, int64_t hi, int64_t *out)
{
    const drip_scan_slot_t *sl = &d->slot[slot];
    drip_str_t s = drip_scan_str(&d->scan, slot);
    int64_t v;
    drip_err_t e;
    if (sl->kind == DRIP_SCAN_NONE || sl->kind == DRIP_SCAN_NULL) {
        return DRIP_OK;
    }
    if (sl->kind != DRIP_SCAN_NUMBER) {
        return DRIP_ERR_EVENT_FIELD;
    }
    if (sl->cut) {
        return DRIP_ERR_JSON_RANGE;
    }
    e = drip_json_parse_i64(s.p, s.n, &v);
    if (e == DRIP_OK && (v < 0 || v > hi)) {
        e = DRIP_ERR_JSON_RANGE;
    }
    if (e == DRIP_OK) {
        *out = v;
    }
    return e == DRIP_ERR_EVENT_FIELD ? DRIP_ERR_JSON_RANGE : e;
}

static drip_err_t slot_str(const drip_event_dec_t *d, unsigned slot, drip_str_t *out)
{
    const drip_scan_slot_t *sl = &d->slot[slot];
    *out = k_none;
    if (sl->kind == DRIP_SCAN_NONE || sl->kind == DRIP_SCAN_NULL) {
        return DRIP_OK;
    }
    if (sl->kind != DRIP_SCAN_STRING) {
        return DRIP_ERR_EVENT_FIELD;
    }
    *out = drip_scan_str(&d->scan, slot);
    return DRIP_OK;
}

static void clear_event(drip_event_t *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->seq = -1;
    ev->choice = -1;
    ev->output_index = ev->content_index = ev->summary_index = -1;
    ev->usage.input_tokens = ev->usage.output_tokens = ev->usage.total_tokens = -1;
}

/* ---- call table ------------------------------------------------------- */

drip_err_t drip_event_init(drip_event_dec_t *d, drip_api_t api, jsmntok_t *tok, unsigned ntok,
                           drip_call_slot_t *calls, unsigned ncalls)
{
    if (d == NULL || tok == NULL || ntok < 8 || calls == NULL || ncalls == 0) {
        return DRIP_ERR_ARG;
    }
    memset(d, 0, sizeof *d);
    d->api = api;
    d->tok = tok;
    d->ntok = ntok;
    d->calls = calls;
    d->ncalls = ncalls;
    drip_event_reset(d);
    return DRIP_OK;
}

void drip_event_reset(drip_event_dec_t *d)
{
    memset(d->calls, 0, sizeof d->calls[0] * d->ncalls);
    d->json.ntok = 0;
    d->choices_tok = -1;
    drip_b64_init(&d->b64);
}

const drip_call_slot_t *drip_event_call(const drip_event_dec_t *d, unsigned i)
{
    return (i < d->ncalls && d->calls[i].used) ? &d->calls[i] : NULL;
}

static drip_call_slot_t *find_item(drip_event_dec_t *d, drip_str_t item_id)
{
    unsigned i;
    for (i = 0; i < d->ncalls && item_id.p != NULL; i++) {
        drip_call_slot_t *c = &d->calls[i];
        if (c->used && c->key < 0 && c->item_len == item_id.n &&
            memcmp(c->item_id, item_id.p, item_id.n) == 0) {
            return c;
        }
    }
    return NULL;
}

static drip_call_slot_t *find_key(drip_event_dec_t *d, int32_t key)
{
    unsigned i;
    for (i = 0; i < d->ncalls; i++) {
        if (d->calls[i].used && d->calls[i].key == key) {
            return &d->calls[i];
        }
    }
    return NULL;
}

static drip_err_t set_id(char *dst, uint8_t *len, drip_str_t s)
{
    if (s.p == NULL) {
        return DRIP_OK;
    }
    if (s.n > DRIP_ID_MAX) {
        return DRIP_ERR_EVENT_ID_TOO_LONG;
    }
    memcpy(dst, s.p, s.n);
    *len = (uint8_t)s.n;
    return DRIP_OK;
}

static drip_err_t add_call(drip_event_dec_t *d, int32_t key, drip_str_t item, drip_str_t call,
                           drip_str_t name, drip_call_slot_t **out)
{
    unsigned i;
    drip_call_slot_t *c = NULL;
    drip_err_t e;
    for (i = 0; i < d->ncalls && c == NULL; i++) {
        if (!d->calls[i].used) {
            c = &d->calls[i];
        }
    }
    if (c == NULL) {
        return DRIP_ERR_EVENT_CALL_TABLE_FULL;
    }
    memset(c, 0, sizeof *c);
    c->key = key;
    e = set_id(c->item_id, &c->item_len, item);
    if (e == DRIP_OK) {
        e = set_id(c->call_id, &c->call_len, call);
    }
    if (e == DRIP_OK) {
        e = set_id(c->name, &c->name_len, name);
    }
    if (e == DRIP_OK) {
        c->used = 1;
        if (out != NULL) {
            *out = c;
        }
    }
    return e;
}

static void view_call(const drip_call_slot_t *c, drip_str_t *call_id, drip_str_t *name)
{
    if (call_id->p == NULL && c->call_len > 0) {
        call_id->p = c->call_id;
        call_id->n = c->call_len;
    }
    if (name->p == NULL && c->name_len > 0) {
        name->p = c->name;
        name->n = c->name_len;
    }
}

/* Calls the application runs and answers. Hosted tools (mcp_call,
 * web_search_call, code_interpreter_call, ...) run on the server: their
 * events reach on_event only, never the call handlers. */
int drip_event_is_client_call(drip_str_t item_type)
{
    return str_is(item_type, "function_call") || str_is(item_type, "custom_tool_call");
}


/* Call-table work shared by both decode paths (Responses). */
static drip_err_t track_calls(drip_event_dec_t *d, drip_event_t *ev)
{
    const ev_desc_t *t = desc(ev->type);
    drip_call_slot_t *c;
    if (t->call == C_OPEN) {
        if (drip_event_is_client_call(ev->item_type) && ev->item_id.p &&
            find_item(d, ev->item_id) == NULL) {
            return add_call(d, -1, ev->item_id, ev->call_id, ev->name, &c);
        }
    } else if (t->call != C_NONE) {
        c = find_item(d, ev->item_id);
        if (c != NULL) {
            view_call(c, &ev->call_id, &ev->name);
            /* what the call had before this event: the stream delivers
             * arguments that came only whole, and says done once */
            ev->call_state = (uint8_t)(DRIP_CALL_KNOWN | (c->streamed ? DRIP_CALL_STREAMED : 0u) |
                                       (c->done ? DRIP_CALL_DONE : 0u));
            if (t->call == C_ARGS_DONE || t->call == C_CLOSE) {
                c->done = 1;
            } else if (ev->delta.n > 0) {
                c->streamed = 1;
            }
            if (t->call == C_CLOSE) {
                c->closing = 1; /* freed when the next event is decoded */
            }
        }
    }
    return DRIP_OK;
}

/* The decoder alone frees slots. Decision: a call that ends (output_item.done;
 * Chat: its choice's finish_reason) keeps its slot, marked closing, until the
 * next event is decoded, because the ending event's views (call_id, name;
 * Chat: the DRIP_CHAT_CALL_DONE parts) point into it; then it is freed here.
 * No other layer reads or frees a slot: the event says which calls ended. */
static void sweep_closing(drip_event_dec_t *d)
{
    unsigned i;
    for (i = 0; i < d->ncalls; i++) {
        if (d->calls[i].closing) {
            d->calls[i].used = 0;
            d->calls[i].closing = 0;
        }
    }
}

/* ---- token path -------------------------------------------------------- */

#define USAGE_KEY_R(s, m, r1, r2, c1, c2) r1,
#define USAGE_KEY_C(s, m, r1, r2, c1, c2) c1,
static const uint8_t k_usage_keys[2][NUSAGE] = {{USAGE_FIELDS(USAGE_KEY_R)},
                                                {USAGE_FIELDS(USAGE_KEY_C)}};
#undef USAGE_KEY_R
#undef USAGE_KEY_C

static drip_err_t read_usage(drip_event_dec_t *d, int u, drip_event_t *ev, int chat)
{
    const uint8_t *keys = k_usage_keys[chat != 0];
    int at[NUSAGE];
    unsigned i, k;
    drip_err_t e = DRIP_OK;
    chat = chat != 0;
    members(d, u, keys, NUSAGE, at);
    for (i = 1; i < NUSAGE; i++) { /* details in one object: members() fills its first entry */
        for (k = 0; k < i; k++) {
            if (keys[k] == keys[i]) {
                at[i] = at[k];
            }
        }
    }
    ev->has_usage = 1;
    for (i = 0; i < NUSAGE; i++) {
        const usage_field_t *f = &k_usage_fields[i];
        if (f->key[chat][1] != 0) {
            *usage_at(&ev->usage, f) = 0; /* a detail: 0 when its object is absent */
        }
    }
    for (i = 0; i < NUSAGE && e == DRIP_OK; i++) {
        const usage_field_t *f = &k_usage_fields[i];
        if (f->key[chat][1] == 0) {
            e = val_int(d, at[i], INT64_MAX, usage_at(&ev->usage, f));
        } else {
            int det = val_obj(d, at[i]);
            if (det >= 0) {
                e = opt_int(d, det, f->key[chat][1], INT64_MAX, usage_at(&ev->usage, f));
            }
        }
    }
    return e;
}

#define ERROR_KEY(s, m, k, f) k,
static const uint8_t k_error_keys[] = {ERROR_FIELDS(ERROR_KEY)};
#undef ERROR_KEY

/* The error object `obj` (the root for a flat error event). */
static drip_err_t read_error_obj(drip_event_dec_t *d, int obj, drip_event_t *ev)
{
    int at[NERROR];
    unsigned i;
    drip_err_t e = DRIP_OK;
    members(d, obj, k_error_keys, NERROR, at);
    ev->has_error = 1;
    for (i = 0; i < NERROR && e == DRIP_OK; i++) {
        e = val_str(d, at[i], err_at(&ev->error, &k_error_fields[i]));
    }
    return e;
}

static drip_err_t read_response(drip_event_dec_t *d, int r, drip_event_t *ev)
{
    static const uint8_t k_resp[5] = {K_ID, K_STATUS, K_USAGE, K_INCOMPLETE, K_ERROR};
    int at[5], t;
    drip_err_t e;
    members(d, r, k_resp, 5, at);
    e = val_str(d, at[0], &ev->response_id);
    if (e == DRIP_OK) {
        e = val_str(d, at[1], &ev->status);
    }
    t = val_obj(d, at[2]);
    if (e == DRIP_OK && t >= 0) {
        e = read_usage(d, t, ev, 0);
    }
    t = val_obj(d, at[3]);
    if (e == DRIP_OK && t >= 0) {
        e = opt_str(d, t, K_REASON, &ev->incomplete_reason);
    }
    t = val_obj(d, at[4]);
    if (e == DRIP_OK && t >= 0) {
        e = read_error_obj(d, t, ev);
        ev->error.type = k_none; /* Response.error has code and message only */
    }
    return e;
}

/* The top-level members a Responses event may carry, found in one walk
 * (those of rarer events, *.done texts and a flat error, by a search). */
#define ROOT_R(s, m, k) R_##s,
#define ROOT_K(s, m, k) k,
enum { R_TYPE, R_SEQ, INDEX_FIELDS(ROOT_R) R_ITEM_ID, R_DELTA, R_RESPONSE, R_ERROR, R_ITEM, R_N };
static const uint8_t k_root_keys[R_N] = {
    K_TYPE, K_SEQ, INDEX_FIELDS(ROOT_K) K_ITEM_ID, K_DELTA, K_RESPONSE, K_ERROR, K_ITEM};
#undef ROOT_R
#undef ROOT_K

/* Key of each done-text column value (k_types' `text`). */
static const uint8_t k_text_keys[T_END_] = {
    0,
#define X(k) K_##k,
    DONE_TEXTS(X)
#undef X
};

/* Scanner slot of a client call's whole arguments (.done: top level). */
static unsigned args_slot_of(const ev_desc_t *t)
{
    return t->text == T_INPUT ? SL_INPUT : SL_ARGS;
}

/* The item's members read_item() takes: ITEM_FIELDS, then a call's whole
 * arguments and a custom tool's input. */
#define ITEM_KEY(s, m, k, w) k,
static const uint8_t k_item_keys[NITEM + 2] = {ITEM_FIELDS(ITEM_KEY) K_ARGUMENTS, K_INPUT};
#undef ITEM_KEY

static drip_err_t read_item(drip_event_dec_t *d, int t, drip_event_t *ev)
{
    int at[NITEM + 2];
    unsigned i;
    drip_err_t e = DRIP_OK;
    members(d, t, k_item_keys, NITEM + 2, at);
    for (i = 0; i < NITEM && e == DRIP_OK; i++) {
        e = val_str(d, at[i], str_at(ev, &k_item_fields[i]));
    }
    if (e == DRIP_OK) { /* a call's or an approval request's whole arguments */
        e = val_str(d, at[NITEM + (str_is(ev->item_type, "custom_tool_call") ? 1u : 0u)], &ev->text);
    }
    return e;
}

/* The type of a name in a stream of the API whose k_types flag is `api`
 * (F_RESP, F_SPEECH); another API's name is unknown, like any other: in a
 * Responses stream "speech.audio.done" would end the answer as completed,
 * in a speech stream "response.completed" would end the speech. */
static drip_event_type_t api_type_of(drip_str_t name, unsigned api)
{
    drip_event_type_t t = drip_event_type_of(name.p, name.n);
    return (desc(t)->flags & api) ? t : DRIP_EV_UNKNOWN;
}
#define responses_type_of(name) api_type_of(name, F_RESP)
#define speech_type_of(name) api_type_of(name, F_SPEECH)

static drip_err_t decode_responses(drip_event_dec_t *d, drip_event_t *ev)
{
    const ev_desc_t *dsc;
    drip_err_t e;
    int t, at[R_N];
    unsigned i;

    members(d, 0, k_root_keys, R_N, at);
    e = val_str(d, at[R_TYPE], &ev->type_name);
    if (e != DRIP_OK || ev->type_name.p == NULL) {
        return e != DRIP_OK ? e : DRIP_ERR_EVENT_NO_TYPE;
    }
    ev->type = responses_type_of(ev->type_name);
    e = val_int(d, at[R_SEQ], INT64_MAX, &ev->seq);
    for (i = 0; i < NINDEX && e == DRIP_OK; i++) {
        e = val_i32(d, at[R_OUT_IDX + (int)i], i32_at(ev, &k_index_fields[i]));
    }
    if (e == DRIP_OK) {
        e = val_str(d, at[R_ITEM_ID], &ev->item_id);
    }
    t = at[R_DELTA];
    if (e == DRIP_OK && t >= 0 && d->json.tok[t].type == JSMN_STRING) {
        e = drip_json_str_delta(&d->json, t, &ev->delta);
    }
    if (e != DRIP_OK || ev->type == DRIP_EV_UNKNOWN) {
        return e;
    }
    dsc = desc(ev->type);
    if (dsc->obj == O_NONE) { /* most events: deltas */
        if (dsc->text != T_NONE) {
            e = opt_str(d, 0, k_text_keys[dsc->text], &ev->text);
        }
        if (e == DRIP_OK && (dsc->flags & F_NAME)) {
            e = opt_str(d, 0, K_NAME, &ev->name);
        }
    } else if (dsc->obj == O_RESPONSE) {
        t = val_obj(d, at[R_RESPONSE]);
        if (t >= 0) {
            e = read_response(d, t, ev);
        }
    } else if (dsc->obj == O_ERROR) {
        t = val_obj(d, at[R_ERROR]);
        e = read_error_obj(d, t >= 0 ? t : 0, ev);
        if (t < 0) {
            ev->error.type = k_none; /* flat shape: "type" is the event's own */
        }
    } else {
        t = val_obj(d, at[R_ITEM]);
        if (t >= 0) {
            e = read_item(d, t, ev);
        }
    }
    return e != DRIP_OK || dsc->call == C_NONE ? e : track_calls(d, ev);
}

/* ---- Chat Completions -------------------------------------------------- */

static int nth_elem(const drip_event_dec_t *d, int arr, int32_t i)
{
    int t = arr + 1;
    int32_t k;
    if (arr < 0 || i < 0 || i >= d->json.tok[arr].size) {
        return -1;
    }
    for (k = 0; k < i; k++) {
        t = drip_json_next(&d->json, t);
    }
    return t;
}

drip_err_t drip_event_choice(drip_event_dec_t *d, int32_t i, drip_chat_choice_t *out)
{
    static const uint8_t k_choice[3] = {K_INDEX, K_FINISH, K_DELTA};
    static const uint8_t k_delta[3] = {K_CONTENT, K_REFUSAL, K_TOOL_CALLS};
    int c = nth_elem(d, d->choices_tok, i), delta, at[3];
    drip_err_t e;
    memset(out, 0, sizeof *out);
    out->index = -1;
    if (c < 0 || d->json.tok[c].type != JSMN_OBJECT) {
        return DRIP_ERR_EVENT_FIELD;
    }
    members(d, c, k_choice, 3, at);
    e = val_i32(d, at[0], &out->index);
    if (e == DRIP_OK) {
        e = val_str(d, at[1], &out->finish_reason);
    }
    delta = val_obj(d, at[2]);
    if (e == DRIP_OK && delta >= 0) {
        members(d, delta, k_delta, 3, at);
        e = val_delta(d, at[0], &out->content);
        if (e == DRIP_OK) {
            e = val_delta(d, at[1], &out->refusal);
        }
        if (at[2] >= 0 && d->json.tok[at[2]].type == JSMN_ARRAY) {
            out->ntools = d->json.tok[at[2]].size;
        }
    }
    return e;
}

static int32_t call_key(int32_t choice, int32_t index)
{
    return (int32_t)(((uint32_t)choice << 16) | ((uint32_t)index & 0xFFFFu));
}

drip_err_t drip_event_tool(drip_event_dec_t *d, int32_t i, int32_t j, drip_chat_tool_t *out)
{
    int c = nth_elem(d, d->choices_tok, i), delta, tc, fn;
    int32_t choice = -1;
    drip_err_t e;

    memset(out, 0, sizeof *out);
    out->index = -1;
    delta = c >= 0 ? obj_member(d, c, K_DELTA) : -1;
    tc = nth_elem(d, delta >= 0 ? get(d, delta, K_TOOL_CALLS) : -1, j);
    if (tc < 0 || d->json.tok[tc].type != JSMN_OBJECT) {
        return DRIP_ERR_EVENT_FIELD;
    }
    e = opt_i32(d, c, K_INDEX, &choice);
    if (e == DRIP_OK) {
        e = opt_i32(d, tc, K_INDEX, &out->index);
    }
    if (e == DRIP_OK) {
        e = opt_str(d, tc, K_ID, &out->id);
    }
    fn = obj_member(d, tc, K_FUNCTION);
    if (e == DRIP_OK && fn >= 0) {
        e = opt_str(d, fn, K_NAME, &out->name);
        if (e == DRIP_OK) {
            e = opt_delta(d, fn, K_ARGUMENTS, &out->arguments);
        }
    }
    if (e == DRIP_OK) {
        const drip_call_slot_t *slot = find_key(d, call_key(choice < 0 ? 0 : choice, out->index));
        if (slot != NULL) {
            view_call(slot, &out->id, &out->name);
        }
    }
    return e;
}

void drip_event_set_api(drip_event_dec_t *d, drip_api_t api)
{
    if (d != NULL) {
        d->api = api;
    }
}

void drip_event_set_chat(drip_event_dec_t *d, drip_event_chat_fn fn, void *user)
{
    if (d != NULL) {
        d->on_chat = fn;
        d->chat_user = user;
    }
}

static drip_err_t give_part(drip_event_dec_t *d, drip_event_t *ev, drip_chat_part_t *part, int what)
{
    drip_err_t e;
    part->what = what;
    e = d->on_chat(d->chat_user, ev, part);
    return e == DRIP_OK ? DRIP_OK : (e < 0 ? e : DRIP_ERR_CANCELLED);
}

/* The calls of choice `choice` that its finish_reason just ended (closing),
 * in tool_calls index order. */
DRIP_NOINLINE /* off chat_walk's frame */
static drip_err_t calls_done(drip_event_dec_t *d, drip_event_t *ev, drip_chat_part_t *part,
                             int32_t choice)
{
    drip_chat_tool_t *call = &part->call;
    int32_t last = -1;
    drip_err_t e = DRIP_OK;
    while (e == DRIP_OK) {
        const drip_call_slot_t *best = NULL;
        unsigned i;
        for (i = 0; i < d->ncalls; i++) {
            const drip_call_slot_t *c = &d->calls[i];
            if (c->used && c->closing && c->key >= 0 && (c->key >> 16) == choice && c->key > last &&
                (best == NULL || c->key < best->key)) {
                best = c;
            }
        }
        if (best == NULL) {
            break;
        }
        last = best->key;
        memset(call, 0, sizeof *call);
        call->index = best->key & 0xFFFF;
        call->id.p = best->call_id;
        call->id.n = best->call_len;
        call->name.p = best->name;
        call->name.n = best->name_len;
        e = give_part(d, ev, part, DRIP_CHAT_CALL_DONE);
    }
    return e;
}

/* A tool_calls index's first fragment opens its call (Chat). */
DRIP_NOINLINE /* add_call's arguments stay off chat_walk's frame */
static drip_err_t chat_open(drip_event_dec_t *d, int32_t choice, const drip_chat_tool_t *t)
{
    int32_t key = call_key(choice, t->index);
    if (t->index < 0 || find_key(d, key) != NULL) {
        return DRIP_OK;
    }
    return add_call(d, key, k_none, t->id, t->name, NULL);
}

/* One walk over a chunk's choices, made twice. First (give == 0) it keeps
 * the Chat call table (a tool_calls index's first fragment adds its call,
 * the choice's finish_reason closes its calls) and meets every error; then,
 * with a Chat receiver, it hands the choices on in parts, in order
 * (drip_event_set_chat): nothing goes out of a chunk that fails, and the
 * second walk reads what the first read without error. Called from
 * drip_event_decode() after decode_event() returned, so that neither walk
 * (nor the handlers below the second) runs on the decoder's larger frame. */
DRIP_NOINLINE
static drip_err_t chat_walk(drip_event_dec_t *d, drip_event_t *ev, int give)
{
    drip_chat_part_t part; /* the walk's only view storage: parts are read into it */
    int32_t i, j;
    unsigned k;
    drip_err_t e = DRIP_OK;
    for (i = 0; i < ev->nchoices && e == DRIP_OK; i++) {
        int32_t ci;
        e = drip_event_choice(d, i, &part.choice);
        ci = part.choice.index < 0 ? 0 : part.choice.index;
        memset(&part.call, 0, sizeof part.call);
        part.call.index = -1;
        if (give && e == DRIP_OK && part.choice.content.p != NULL) {
            e = give_part(d, ev, &part, DRIP_CHAT_CONTENT);
        }
        if (give && e == DRIP_OK && part.choice.refusal.p != NULL) {
            e = give_part(d, ev, &part, DRIP_CHAT_REFUSAL);
        }
        for (j = 0; j < part.choice.ntools && e == DRIP_OK; j++) {
            e = drip_event_tool(d, i, j, &part.call);
            if (e != DRIP_OK) {
                break;
            }
            if (give) {
                e = give_part(d, ev, &part, DRIP_CHAT_TOOL);
            } else {
                e = chat_open(d, ci, &part.call);
            }
        }
        if (e != DRIP_OK || part.choice.finish_reason.p == NULL) {
            continue;
        }
        if (!give) {
            for (k = 0; k < d->ncalls; k++) {
                drip_call_slot_t *c = &d->calls[k];
                if (c->used && c->key >= 0 && (c->key >> 16) == ci) {
                    c->closing = 1;
                }
            }
        } else {
            memset(&part.call, 0, sizeof part.call);
            part.call.index = -1;
            e = give_part(d, ev, &part, DRIP_CHAT_FINISH);
            if (e == DRIP_OK) {
                e = calls_done(d, ev, &part, ci);
            }
        }
    }
    return e;
}

static drip_err_t decode_chat(drip_event_dec_t *d, drip_event_t *ev)
{
    static const uint8_t k_chunk[4] = {K_ERROR, K_ID, K_USAGE, K_CHOICES};
    drip_err_t e;
    int at[4], t;

    members(d, 0, k_chunk, 4, at);
    t = val_obj(d, at[0]);
    if (t >= 0) { /* {"error": {...}}: both SDKs raise on it */
        ev->type = DRIP_EV_ERROR;
        ev->type_name.p = "error";
        ev->type_name.n = 5;
        return read_error_obj(d, t, ev);
    }
    ev->type = DRIP_EV_CHAT_CHUNK;
    ev->type_name.p = "chat.completion.chunk";
    ev->type_name.n = 21;
    e = val_str(d, at[1], &ev->response_id);
    t = val_obj(d, at[2]);
    if (e == DRIP_OK && t >= 0) {
        e = read_usage(d, t, ev, 1);
    }
    t = at[3];
    if (e == DRIP_OK && t >= 0 && d->json.tok[t].type == JSMN_ARRAY) {
        d->choices_tok = t;
        ev->nchoices = d->json.tok[t].size;
    }
    if (e == DRIP_OK && ev->nchoices > 0) {
        drip_chat_choice_t ch;
        e = drip_event_choice(d, 0, &ch);
        ev->delta = ch.content;
        ev->refusal = ch.refusal;
        ev->finish_reason = ch.finish_reason;
    }
    return e;
}

/* ---- Speech ----------------------------------------------------------- */

/* The base64 text of a speech.audio.delta (unescaped in place: a server may
 * write '/' as "\/") decoded in place, 3 bytes before it: a group held from
 * the last event may add up to 3 bytes before the text's first byte is
 * read (drip_b64.h), and the root object puts at least `{"audio":"` there. */
static drip_err_t speech_audio(drip_event_dec_t *d, int t, drip_event_t *ev)
{
    drip_str_t s;
    uint8_t *out;
    size_t n = 0;
    drip_err_t e = val_str(d, t, &s);
    if (e != DRIP_OK || s.p == NULL) {
        return e;
    }
    out = (uint8_t *)(void *)(d->json.js + (s.p - d->json.js)) - 3;
    e = drip_b64_decode(&d->b64, s.p, s.n, out, &n);
    if (e == DRIP_OK) {
        e = drip_b64_next(&d->b64);
    }
    ev->delta.p = (const char *)out;
    ev->delta.n = n;
    return e;
}

static drip_err_t decode_speech(drip_event_dec_t *d, drip_event_t *ev)
{
    static const uint8_t k_speech_keys[4] = {K_TYPE, K_AUDIO, K_USAGE, K_ERROR};
    int at[4], t;
    drip_err_t e;
    members(d, 0, k_speech_keys, 4, at);
    e = val_str(d, at[0], &ev->type_name);
    if (e != DRIP_OK || ev->type_name.p == NULL) {
        return e != DRIP_OK ? e : DRIP_ERR_EVENT_NO_TYPE;
    }
    ev->type = speech_type_of(ev->type_name);
    switch (ev->type) {
    case DRIP_EV_SPEECH_AUDIO_DELTA:
        return speech_audio(d, at[1], ev);
    case DRIP_EV_SPEECH_AUDIO_DONE:
        t = val_obj(d, at[2]);
        return t >= 0 ? read_usage(d, t, ev, 0) : DRIP_OK;
    case DRIP_EV_ERROR:
        t = val_obj(d, at[3]);
        e = read_error_obj(d, t >= 0 ? t : 0, ev);
        if (t < 0) {
            ev->error.type = k_none; /* flat shape: "type" is the event's own */
        }
        return e;
    default:
        return DRIP_OK; /* unknown types are skipped */
    }
}

drip_err_t drip_event_speech_finish(drip_event_dec_t *d, uint8_t *out, size_t *out_n)
{
    if (d == NULL || out == NULL || out_n == NULL) {
        return DRIP_ERR_ARG;
    }
    return drip_b64_end(&d->b64, out, out_n);
}

static drip_err_t scan_begin(drip_event_dec_t *d, char *arena, size_t cap);

static int is_done_marker(const char *data, size_t len)
{
    return len == 6 && memcmp(data, "[DONE]", 6) == 0;
}

/* drip_event_decode() but the Chat walks: its frame (the Responses path's
 * member arrays) is gone before they run. */
DRIP_NOINLINE
/* Valid or not, the event has more tokens than the array: the scanner
 * decides, in one pass, as for an event larger than the buffer (pieces it
 * hands on before a grammar error are the same there). Its arena: the lent
 * one when the event lies in it (drip_stream: the SSE buffer, read from
 * its start), else the event's own bytes; either way it starts at or
 * before the event, so a capture never overtakes the read position
 * (drip_scan_init), as unescaping in place. This only begins the scan:
 * drip_event_decode() feeds it, so that no frame of the decoder's but its
 * own sits under the pieces the stream's handlers get from there
 * (scripts/stack_pointers.txt, make size). */
DRIP_NOINLINE
static drip_err_t scan_in_place(drip_event_dec_t *d, char *data, size_t len)
{
    char *a = data;
    size_t cap = len;
    uintptr_t at = (uintptr_t)data, lent = (uintptr_t)d->arena;
    drip_err_t e;
    if (d->arena != NULL && at >= lent && len <= d->arena_cap && at - lent <= d->arena_cap - len) {
        a = d->arena;
        cap = d->arena_cap;
    }
    d->json.ntok = 0;
    e = scan_begin(d, a, cap);
    if (e == DRIP_OK) {
        /* captures never take more bytes than the event they come from, and
         * the arena holds the whole event: all fit, no reserves needed */
        drip_scan_keep_all(&d->scan);
    }
    return e;
}

/* The event's tokens, checked: DRIP_OK (decode them), DRIP_ERR_JSON_NOMEM
 * (more than the array: the scanner reads it), or the error. */
DRIP_NOINLINE /* the grammar scan below it stays off decode_tokens()'s frame */
static drip_err_t tokens_of(drip_event_dec_t *d, char *data, size_t len)
{
    drip_err_t e = drip_json_tokens(&d->json, data, len, d->tok, d->ntok); /* one value: drip_json_valid */
    if (e == DRIP_ERR_JSON_NOMEM) {
        return e;
    }
    if (e != DRIP_OK || !drip_json_valid(&d->json, DRIP_SCAN_MAX_DEPTH)) {
        /* rare: the scanner says which error comes first in the text */
        drip_err_t g;
        if (e == DRIP_OK) { /* and what jsmn with its one-value check says */
            e = drip_json_parse(&d->json, data, len, d->tok, d->ntok);
        }
        g = check_grammar(d, data, len);
        if (g != DRIP_OK) {
            d->json.ntok = 0;
            return g;
        }
        if (e != DRIP_OK) {
            return e; /* valid JSON that jsmn refuses (a bare root number) */
        }
    }
    return d->tok[0].type == JSMN_OBJECT ? DRIP_OK : DRIP_ERR_JSON_INVALID;
}

/* The checked tokens of an object to the event, per API. */
DRIP_NOINLINE /* its frame (the members of a root) is on no path to the scanner */
static drip_err_t decode_tokens(drip_event_dec_t *d, drip_event_t *ev)
{
    if (d->api == DRIP_API_SPEECH) {
        return decode_speech(d, ev);
    }
    return d->api == DRIP_API_CHAT ? decode_chat(d, ev) : decode_responses(d, ev);
}

/* Three steps, each in its own frame: the deepest path (a scan handing
 * pieces to the stream's handlers) has only this one and the scan's under
 * it (scripts/stack_pointers.txt, make size). */
drip_err_t drip_event_decode(drip_event_dec_t *d, char *data, size_t len, drip_event_t *ev)
{
    drip_err_t e;
    if (d == NULL || ev == NULL || (data == NULL && len > 0)) {
        return DRIP_ERR_ARG;
    }
    sweep_closing(d);
    clear_event(ev);
    d->choices_tok = -1;
    d->json.ntok = 0;
    if (is_done_marker(data, len)) {
        ev->type = DRIP_EV_DONE;
        ev->type_name.p = "[DONE]";
        ev->type_name.n = 6;
        return DRIP_OK;
    }
    e = tokens_of(d, data, len);
    if (e == DRIP_ERR_JSON_NOMEM) {
        e = scan_in_place(d, data, len);
        if (e == DRIP_OK) {
            e = drip_event_scan_feed(d, (const uint8_t *)data, len);
        }
        return e != DRIP_OK ? e : drip_event_scan_finish(d, ev);
    }
    if (e == DRIP_OK) {
        e = decode_tokens(d, ev);
    }
    if (d->api != DRIP_API_CHAT || e != DRIP_OK || ev->type != DRIP_EV_CHAT_CHUNK) {
        return e;
    }
    e = chat_walk(d, ev, 0); /* the call table, and every error of the chunk */
    return e == DRIP_OK && d->on_chat != NULL ? chat_walk(d, ev, 1) : e;
}

/* ---- scanner path ------------------------------------------------------ */

/* ---- long strings of oversize events, in pieces ------------------------ */

static drip_err_t whole(const drip_event_dec_t *d, unsigned slot, drip_str_t *out);

/* A Responses event's indexes and sequence_number, from the scanner's slots. */
static drip_err_t scan_place(const drip_event_dec_t *d, drip_event_t *ev)
{
    drip_err_t e = DRIP_OK;
    unsigned i;
    for (i = 0; i < NINDEX && e == DRIP_OK; i++) {
        int64_t v = -1;
        e = slot_int(d, k_index_fields[i].slot, INT32_MAX, &v);
        *i32_at(ev, &k_index_fields[i]) = (int32_t)v;
    }
    return e != DRIP_OK ? e : slot_int(d, SL_SEQ, INT64_MAX, &ev->seq);
}

#define PIECE_DELTA 1u    /* d->pieces: which slots went out in pieces */
#define PIECE_REFUSAL 2u
#define PIECE_ARGS 4u

void drip_event_set_pieces(drip_event_dec_t *d, drip_event_piece_fn fn, void *user,
                           drip_event_t *scratch)
{
    if (d != NULL) {
        d->on_piece = scratch != NULL ? fn : NULL; /* nowhere to say what a piece is: off */
        d->piece_user = user;
        d->piece_ev = scratch;
    }
}

/* Types whose delta a stream hands to its handlers (drip_stream.h). */
static int piece_delta_type(const ev_desc_t *t)
{
    return t->delta >= D_TEXT && t->delta <= D_ARGS;
}

/* Take the string starting in `slot`? Only with the event's type known
 * before it (and its sequence_number, which a resume may have to drop);
 * what is known so far goes into piece_ev. Returns the piece kind or 0. */
static int piece_begin(drip_event_dec_t *d, unsigned slot)
{
    drip_event_t *ev = d->piece_ev;
    const drip_scan_t *sc = &d->scan;
    const ev_desc_t *dsc;
    int64_t v = -1;
    int what = 0;

    clear_event(ev);
    ev->oversize = 1;
    ev->pieces = 1;
    if (d->api == DRIP_API_SPEECH) {
        /* Decision: in a speech stream a top-level "audio" string is audio
         * even when "type" comes after it; a type seen before it must be
         * speech.audio.delta (else the string is skipped, as any member). */
        if (slot != SL_S_AUDIO) {
            return 0;
        }
        if (sc->slot[SL_S_TYPE].kind != DRIP_SCAN_NONE &&
            (whole(d, SL_S_TYPE, &ev->type_name) != DRIP_OK ||
             drip_event_type_of(ev->type_name.p, ev->type_name.n) != DRIP_EV_SPEECH_AUDIO_DELTA)) {
            return 0;
        }
        ev->type = DRIP_EV_SPEECH_AUDIO_DELTA;
        ev->type_name.p = "speech.audio.delta";
        ev->type_name.n = 18;
        d->pieces |= PIECE_DELTA;
        return DRIP_PIECE_AUDIO;
    }
    if (d->api == DRIP_API_CHAT) {
        what = slot == SL_C_CONTENT ? DRIP_PIECE_DELTA
                                    : (slot == SL_C_REFUSAL ? DRIP_PIECE_REFUSAL : 0);
        ev->type = DRIP_EV_CHAT_CHUNK;
        ev->type_name.p = "chat.completion.chunk";
        ev->type_name.n = 21;
        if (what == 0 || slot_int(d, SL_CHOICE_IDX, INT32_MAX, &v) != DRIP_OK ||
            whole(d, SL_RESP_ID, &ev->response_id) != DRIP_OK) {
            return 0;
        }
        ev->choice = (int32_t)v;
        d->pieces |= what == DRIP_PIECE_DELTA ? PIECE_DELTA : PIECE_REFUSAL;
        return what;
    }
    if (sc->slot[SL_TYPE].kind != DRIP_SCAN_STRING || whole(d, SL_TYPE, &ev->type_name) != DRIP_OK) {
        return 0;
    }
    ev->type = responses_type_of(ev->type_name);
    dsc = desc(ev->type);
    if (slot == SL_DELTA && piece_delta_type(dsc)) {
        what = DRIP_PIECE_DELTA;
    } else if (dsc->call == C_ARGS_DONE && slot == args_slot_of(dsc)) {
        what = DRIP_PIECE_ARGUMENTS;
    } else {
        return 0;
    }
    if (scan_place(d, ev) != DRIP_OK || whole(d, SL_ITEM_ID, &ev->item_id) != DRIP_OK) {
        return 0; /* the end of the event reports the error */
    }
    if (dsc->call == C_ARGS || dsc->call == C_ARGS_DONE) { /* a call: tie it to the table */
        drip_call_slot_t *c = find_item(d, ev->item_id);
        if (what == DRIP_PIECE_ARGUMENTS && (c == NULL || c->streamed || c->done)) {
            return 0; /* deltas came, or no call to give them to: not needed */
        }
        if (c != NULL) {
            view_call(c, &ev->call_id, &ev->name);
            c->streamed = 1;
            ev->call_state = DRIP_CALL_KNOWN;
        }
    }
    d->pieces |= what == DRIP_PIECE_ARGUMENTS ? PIECE_ARGS : PIECE_DELTA;
    return what;
}

/* The staging holds at least 16 bytes (DRIP_EVENT_PIECE_MAX >= 16, 8 tokens
 * of >= 16): a UTF-8 character and an audio group always fit. */
typedef char drip_piece_staging_fits_[(8u * sizeof(jsmntok_t) >= 16u) ? 1 : -1];

/* Length of buf[0..n) up to the last whole UTF-8 character. */
static size_t utf8_whole(const char *buf, size_t n)
{
    size_t j = n, back = 0;
    while (j > 0 && back < 4) {
        uint8_t c = (uint8_t)buf[--j];
        back++;
        if ((c & 0xC0u) != 0x80u) { /* a lead byte (or ASCII) */
            size_t len = c < 0x80u ? 1u : (c >= 0xF0u ? 4u : (c >= 0xE0u ? 3u : 2u));
            return j + len <= n ? n : j;
        }
    }
    return n; /* not UTF-8 there: nothing to keep whole */
}

/* Hand on what is staged: whole characters only, unless the string ended. */
DRIP_NOINLINE /* named in scripts/stack_pointers.txt: it calls on_piece */
static int piece_flush(drip_event_dec_t *d, int end)
{
    size_t n = d->piece_n, cut = end ? n : utf8_whole(d->piece, n);
    drip_err_t e;
    if (cut == 0) {
        return 0;
    }
    e = d->on_piece(d->piece_user, d->piece_ev, d->piece_what, d->piece, cut);
    memmove(d->piece, d->piece + cut, n - cut); /* an unfinished character */
    d->piece_n = (uint16_t)(n - cut);
    return e == DRIP_OK ? 0 : (e < 0 ? (int)e : (int)DRIP_ERR_CANCELLED);
}

/* Speech audio of an oversize event: base64 decoded straight from the
 * scanner's bytes into the staging buffer, handed on whenever fewer than 3
 * bytes (one group) are free: pieces of 126 bytes with the default
 * DRIP_EVENT_PIECE_MAX, whatever the split of the input. */
DRIP_NOINLINE /* named in scripts/stack_pointers.txt: it calls on_piece */
static int audio_flush(drip_event_dec_t *d)
{
    drip_err_t e;
    if (d->piece_n == 0) {
        return 0;
    }
    e = d->on_piece(d->piece_user, d->piece_ev, DRIP_PIECE_AUDIO, d->piece, d->piece_n);
    d->piece_n = 0;
    return e == DRIP_OK ? 0 : (e < 0 ? (int)e : (int)DRIP_ERR_CANCELLED);
}

/* Audio bytes into the staging: drip_event_scan_feed() feeds the scanner at
 * most piece_room() bytes at a time, so they always fit; it hands the
 * staging on when fewer than 3 bytes (one group) are free. */
static int audio_sink(drip_event_dec_t *d, const uint8_t *p, size_t n, int phase)
{
    size_t out = 0;
    int e = n > 0 ? drip_b64_decode(&d->b64, (const char *)p, n, (uint8_t *)d->piece + d->piece_n, &out)
                  : 0; /* END has no bytes */
    d->piece_n = (uint16_t)(d->piece_n + out);
    if (e == 0 && phase == DRIP_SCAN_END) {
        e = drip_b64_next(&d->b64);
        d->piece_end = 1;
    }
    if (e != 0) {
        return e;
    }
    return d->piece_end || (size_t)d->piece_cap - d->piece_n < 3u ? DRIP_SCAN_PAUSE : 0;
}

/* The scanner's sink (drip_scan_sink_t). Pieces end where the staging buffer
 * fills, counted in decoded bytes: the same pieces whatever the split of the
 * input, so callbacks do not depend on how the network cut the bytes.
 *
 * The staging is the token array: idle while the scanner reads an event
 * (jsmn's tokens are not used on this path, and the next decode rewrites
 * them), and at least 8 tokens of 16 bytes, so it holds the default
 * DRIP_EVENT_PIECE_MAX whatever the SSE buffer's size. */
static int piece_sink(void *ctx, unsigned slot, const uint8_t *p, size_t n, int phase)
{
    drip_event_dec_t *d = (drip_event_dec_t *)ctx;
    size_t k;
    if (phase == DRIP_SCAN_BEGIN) {
        size_t room = (size_t)d->ntok * sizeof d->tok[0];
        int what = piece_begin(d, slot);
        d->piece_what = (uint8_t)what;
        d->piece_n = 0;
        d->piece_end = 0;
        d->spill_n = 0;
        d->piece = (char *)(void *)d->tok;
        d->piece_cap = (uint16_t)(room < DRIP_EVENT_PIECE_MAX ? room : DRIP_EVENT_PIECE_MAX);
        /* paused: what the scanner reads next is bounded by the room */
        return what != 0 ? DRIP_SCAN_TAKE | DRIP_SCAN_PAUSE : 0;
    }
    if (d->piece_what == DRIP_PIECE_AUDIO) {
        return audio_sink(d, p, n, phase);
    }
    k = (size_t)d->piece_cap - d->piece_n;
    k = k < n ? k : n;
    if (n - k > sizeof d->spill - d->spill_n) {
        return DRIP_ERR_ARG; /* cannot happen: piece_room() leaves at most 3 bytes over */
    }
    if (n > 0) { /* END has no bytes */
        memcpy(d->piece + d->piece_n, p, k);
        d->piece_n = (uint16_t)(d->piece_n + k);
        memcpy(d->spill + d->spill_n, p + k, n - k); /* the next piece starts with them */
        d->spill_n = (uint8_t)(d->spill_n + (n - k));
    }
    if (phase == DRIP_SCAN_END) {
        d->piece_end = 1;
    }
    return d->piece_end || d->piece_n == d->piece_cap ? DRIP_SCAN_PAUSE : 0;
}

/* Input bytes the scanner may read before the staging is handed on: each
 * decodes to at most one byte (an escape is longer than what it stands
 * for; base64 gives 3 bytes for 4), so they fit, but for the output an
 * escape gives after the input that made it (a surrogate pair's 4 bytes
 * at its last byte: at most 3 more), which waits in spill. No string
 * being taken: any. */
static size_t piece_room(const drip_event_dec_t *d, size_t n)
{
    size_t room = (size_t)d->piece_cap - d->piece_n;
    if (d->piece_what == 0) {
        return n;
    }
    if (d->piece_what == DRIP_PIECE_AUDIO) {
        room = room / 3u * 4u - d->b64.n; /* >= 1: at least 3 bytes are free here */
    }
    return room < n ? room : n;
}

/* After the scanner paused: hand on a full staging (whole characters), and
 * the rest when the string closed. Here, not in the sink, so that neither
 * the scanner's frames nor the sink's are under the handlers. */
static int piece_settle(drip_event_dec_t *d)
{
    int e = 0;
    if (d->piece_what == DRIP_PIECE_AUDIO) {
        if (d->piece_end || (size_t)d->piece_cap - d->piece_n < 3u) {
            e = audio_flush(d);
        }
    } else if (d->piece_what != 0) {
        if (d->piece_n == d->piece_cap) {
            e = piece_flush(d, 0);
            /* <= 3 bytes of a character kept back + <= 4 spilled: they fit */
            memcpy(d->piece + d->piece_n, d->spill, d->spill_n);
            d->piece_n = (uint16_t)(d->piece_n + d->spill_n);
            d->spill_n = 0;
        }
        if (e == 0 && d->piece_end) {
            e = piece_flush(d, 1);
        }
    }
    if (d->piece_end) {
        d->piece_end = 0;
        d->piece_what = 0; /* the string is done: no bound on what follows */
    }
    return e;
}

void drip_event_set_arena(drip_event_dec_t *d, char *arena, size_t cap)
{
    if (d != NULL) {
        d->arena = arena;
        d->arena_cap = arena != NULL ? cap : 0;
    }
}

static drip_err_t scan_begin(drip_event_dec_t *d, char *arena, size_t cap)
{
    d->choices_tok = -1;
    d->json.ntok = 0;
    d->pieces = 0;
    d->piece_n = 0;
    d->piece_what = 0;
    d->piece_end = 0;
    d->scan.sink = d->on_piece != NULL ? piece_sink : NULL;
    d->scan.sink_ctx = d;
    return drip_scan_init(&d->scan, &k_scan_cfg[(unsigned)d->api <= DRIP_API_SPEECH ? d->api : 0],
                          d->slot, DRIP_EVENT_SLOTS, arena, cap);
}

drip_err_t drip_event_scan_init(drip_event_dec_t *d)
{
    char *a;
    size_t n;
    if (d == NULL) {
        return DRIP_ERR_ARG;
    }
    a = d->arena;
    n = d->arena_cap;
#if DRIP_SCAN_ARENA > 0
    if (n < DRIP_SCAN_ARENA) { /* the private one is larger */
        a = d->own;
        n = DRIP_SCAN_ARENA;
    }
#endif
    if (n == 0) {
        return DRIP_ERR_ARG; /* nowhere to keep what the event says */
    }
    return scan_begin(d, a, n);
}

drip_err_t drip_event_scan_feed(drip_event_dec_t *d, const uint8_t *p, size_t n)
{
    drip_err_t e = DRIP_OK;
    if (d == NULL) {
        return DRIP_ERR_ARG;
    }
    do { /* the scanner pauses where a piece is ready: it goes out from here */
        size_t used = 0;
        int r;
        e = drip_scan_feed_part(&d->scan, p, piece_room(d, n), &used);
        p += used;
        n -= used;
        r = e == DRIP_OK ? piece_settle(d) : 0;
        if (r != 0) {
            e = (drip_err_t)r;
            drip_scan_stop(&d->scan, e); /* sticky, as the scanner's own */
        }
    } while (e == DRIP_OK && n > 0);
    return e;
}

/* Types whose delta is text the user must not lose. */
static int text_delta(const ev_desc_t *t)
{
    return t->delta >= D_TEXT && t->delta <= D_OTHER;
}

static drip_err_t scan_usage(const drip_event_dec_t *d, drip_event_t *ev)
{
    drip_err_t e = DRIP_OK;
    unsigned i;
    if (d->slot[SL_USAGE].kind != DRIP_SCAN_OBJECT) {
        return DRIP_OK;
    }
    ev->has_usage = 1;
    for (i = 0; i < NUSAGE; i++) {
        const usage_field_t *f = &k_usage_fields[i];
        if (f->key[d->api == DRIP_API_CHAT][1] != 0) {
            *usage_at(&ev->usage, f) = 0; /* a detail: 0 when its object is absent */
        }
    }
    for (i = 0; i < NUSAGE && e == DRIP_OK; i++) {
        e = slot_int(d, k_usage_fields[i].slot, INT64_MAX, usage_at(&ev->usage, &k_usage_fields[i]));
    }
    return e;
}

/* The error members the scanner kept; a flat error (or response.error)
 * has no type of its own (the first of ERROR_FIELDS). Each is a string or
 * absent: EVENT_FIELD is the only error, whatever the order. */
/* The slots of each form of an error, in ERROR_FIELDS order (NO_SL: that
 * form has no such member). */
#define EF_IDX(s, m, k, f) EF_##s,
enum { ERROR_FIELDS(EF_IDX) EF_END_, NO_SL = 0xFF };
typedef char drip_err_forms_order_[(EF_ERR_TYPE == 0 && EF_ERR_CODE == 1 && EF_ERR_MSG == 2 &&
                                    EF_ERR_PARAM == 3 && EF_END_ == 4) ? 1 : -1];
enum { FORM_NESTED, FORM_FLAT, FORM_RESPONSE };
static const uint8_t k_err_slots[3][EF_END_] = {
    {SL_ERR_TYPE, SL_ERR_CODE, SL_ERR_MSG, SL_ERR_PARAM},
    {NO_SL, SL_FLAT_CODE, SL_FLAT_MSG, SL_FLAT_PARAM},
    {NO_SL, SL_RERR_CODE, SL_RERR_MSG, SL_RERR_PARAM}}; /* read_response(): no type */
#undef EF_IDX

static drip_err_t scan_error(const drip_event_dec_t *d, drip_event_t *ev, int form)
{
    const uint8_t *sl = k_err_slots[form];
    drip_err_t e = DRIP_OK;
    unsigned i;
    ev->has_error = 1;
    for (i = 0; i < NERROR && e == DRIP_OK; i++) {
        if (sl[i] != NO_SL) {
            e = slot_str(d, sl[i], err_at(&ev->error, &k_error_fields[i]));
        }
    }
    ev->error.message_cut = d->slot[sl[EF_ERR_MSG]].cut;
    return e;
}

/* A delta kept by the scanner: whole, or DRIP_ERR_EVENT_DELTA_TOO_LARGE. */
static drip_err_t delta_slot(const drip_event_dec_t *d, unsigned slot, drip_str_t *out)
{
    drip_err_t e = slot_str(d, slot, out);
    if (e == DRIP_OK && d->slot[slot].cut) {
        e = DRIP_ERR_EVENT_DELTA_TOO_LARGE;
    }
    return e;
}

/* A call's whole arguments (or tool input) kept by the scanner: `text` when
 * whole; absent and flagged `text_cut` when longer than the arena. */
static drip_err_t args_slot(const drip_event_dec_t *d, drip_event_t *ev, unsigned slot)
{
    drip_err_t e;
    if (d->pieces & PIECE_ARGS) {
        ev->pieces = 1; /* handed on in pieces while it was read */
        return DRIP_OK;
    }
    e = slot_str(d, slot, &ev->text);
    if (e == DRIP_OK && d->slot[slot].cut) {
        ev->text = k_none;
        ev->text_cut = 1;
    }
    return e;
}

/* Strings that must be whole: ids and names. */
static drip_err_t whole(const drip_event_dec_t *d, unsigned slot, drip_str_t *out)
{
    drip_err_t e = slot_str(d, slot, out);
    if (e == DRIP_OK && d->slot[slot].cut) {
        e = DRIP_ERR_EVENT_ID_TOO_LONG;
    }
    return e;
}

/* What decode_speech() reads, from the scanner's slots. */
static drip_err_t scan_speech(const drip_event_dec_t *d, drip_event_t *ev)
{
    drip_err_t e = whole(d, SL_S_TYPE, &ev->type_name);
    if (e != DRIP_OK || ev->type_name.p == NULL) {
        return e != DRIP_OK ? e : DRIP_ERR_EVENT_NO_TYPE;
    }
    ev->type = speech_type_of(ev->type_name);
    switch (ev->type) {
    case DRIP_EV_SPEECH_AUDIO_DELTA:
        if (d->pieces & PIECE_DELTA) {
            ev->pieces = 1; /* decoded and handed on while it was read */
            return DRIP_OK;
        }
        /* no piece receiver: audio larger than the buffer cannot be kept */
        return d->slot[SL_S_AUDIO].kind == DRIP_SCAN_STRING ? DRIP_ERR_EVENT_DELTA_TOO_LARGE
                                                                 : DRIP_OK;
    case DRIP_EV_SPEECH_AUDIO_DONE:
        return scan_usage(d, ev);
    case DRIP_EV_ERROR:
        return scan_error(d, ev, d->slot[SL_ERR_OBJ].kind == DRIP_SCAN_OBJECT ? FORM_NESTED : FORM_FLAT);
    default:
        return DRIP_OK;
    }
}

drip_err_t drip_event_scan_finish(drip_event_dec_t *d, drip_event_t *ev)
{
    const ev_desc_t *dsc;
    drip_err_t e;
    unsigned i;

    if (d == NULL || ev == NULL) {
        return DRIP_ERR_ARG;
    }
    sweep_closing(d);
    clear_event(ev);
    ev->oversize = 1;
    e = drip_scan_finish(&d->scan);
    if (e != DRIP_OK) {
        return e;
    }
    if (d->scan.root != DRIP_SCAN_OBJECT) {
        return DRIP_ERR_JSON_INVALID; /* an event is one object, as on the token path */
    }
    if (d->api == DRIP_API_SPEECH) {
        return scan_speech(d, ev);
    }
    /* Chat chunks have no indexes or sequence_number: ignored, as on the token path */
    if (d->api != DRIP_API_CHAT) {
        e = scan_place(d, ev);
        if (e != DRIP_OK) {
            return e;
        }
    }
    /* What each API's token path reads, in its order: an error chunk has
     * only its error; Responses ids and usage belong to lifecycle events. */
    if (d->api == DRIP_API_CHAT) {
        if (d->slot[SL_ERR_OBJ].kind == DRIP_SCAN_OBJECT) {
            ev->type = DRIP_EV_ERROR;
            ev->type_name.p = "error";
            ev->type_name.n = 5;
            return scan_error(d, ev, FORM_NESTED);
        }
        e = whole(d, SL_RESP_ID, &ev->response_id);
        if (e == DRIP_OK) {
            e = scan_usage(d, ev);
        }
        if (e != DRIP_OK) {
            return e;
        }
        ev->type = DRIP_EV_CHAT_CHUNK;
        ev->type_name.p = "chat.completion.chunk";
        ev->type_name.n = 21;
        if (d->slot[SL_C_TOOLS].kind == DRIP_SCAN_ARRAY) {
            return DRIP_ERR_EVENT_DELTA_TOO_LARGE; /* argument pieces cannot be kept */
        }
        ev->pieces = (uint8_t)((d->pieces & (PIECE_DELTA | PIECE_REFUSAL)) != 0);
        if (!(d->pieces & PIECE_DELTA)) {
            e = delta_slot(d, SL_C_CONTENT, &ev->delta);
        }
        if (e == DRIP_OK && !(d->pieces & PIECE_REFUSAL)) {
            e = delta_slot(d, SL_C_REFUSAL, &ev->refusal);
        }
        if (e != DRIP_OK) {
            return e;
        }
        return slot_str(d, SL_FINISH, &ev->finish_reason);
    }
    e = whole(d, SL_TYPE, &ev->type_name);
    if (e != DRIP_OK || ev->type_name.p == NULL) {
        return e != DRIP_OK ? e : DRIP_ERR_EVENT_NO_TYPE;
    }
    ev->type = responses_type_of(ev->type_name);
    if (d->pieces & PIECE_DELTA) {
        ev->pieces = 1; /* handed on in pieces while it was read */
    } else if (d->slot[SL_DELTA].kind == DRIP_SCAN_STRING) {
        e = delta_slot(d, SL_DELTA, &ev->delta);
        if (e != DRIP_OK && !text_delta(desc(ev->type))) {
            e = DRIP_OK; /* audio/media: flagged oversize, not text the user reads */
            ev->delta = k_none;
        }
        if (e != DRIP_OK) {
            return e;
        }
    }
    e = whole(d, SL_ITEM_ID, &ev->item_id);
    if (e != DRIP_OK || ev->type == DRIP_EV_UNKNOWN) {
        return e; /* an unknown type is skipped whatever else it holds */
    }
    dsc = desc(ev->type);
    if (dsc->obj == O_RESPONSE) {
        e = whole(d, SL_RESP_ID, &ev->response_id); /* what read_response() reads */
        if (e == DRIP_OK) {
            e = slot_str(d, SL_RESP_STATUS, &ev->status);
        }
        if (e == DRIP_OK) {
            e = scan_usage(d, ev);
        }
        if (e == DRIP_OK) {
            e = slot_str(d, SL_REASON, &ev->incomplete_reason);
        }
        if (e == DRIP_OK && d->slot[SL_RERR_OBJ].kind == DRIP_SCAN_OBJECT) {
            e = scan_error(d, ev, FORM_RESPONSE); /* what read_response() reads */
        }
    } else if (dsc->obj == O_ERROR) {
        e = scan_error(d, ev, d->slot[SL_ERR_OBJ].kind == DRIP_SCAN_OBJECT ? FORM_NESTED : FORM_FLAT);
    } else if (dsc->obj == O_ITEM) {
        /* as read_item(), only when "item" is an object: else the
         * top-level item_id stands (fuzz_event finding) */
        for (i = 0; i < NITEM && e == DRIP_OK && d->slot[SL_ITEM_OBJ].kind == DRIP_SCAN_OBJECT; i++) {
            const ev_field_t *f = &k_item_fields[i];
            e = f->whole ? whole(d, f->slot, str_at(ev, f)) : slot_str(d, f->slot, str_at(ev, f));
        }
        if (e == DRIP_OK) { /* as read_item: input for a custom tool, else arguments */
            e = args_slot(d, ev, str_is(ev->item_type, "custom_tool_call") ? SL_ITEM_INPUT : SL_ITEM_ARGS);
        }
    } else if (dsc->call == C_ARGS_DONE) {
        e = args_slot(d, ev, args_slot_of(dsc));
    }
    return e != DRIP_OK ? e : track_calls(d, ev);
}
