/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_event.h
 * @brief Layer 5: OpenAI event decoder (Responses API events, Chat chunks).
 *
 * Turns one SSE event's data into a typed drip_event_t whose text fields are
 * views (pointer + length) into the event buffer, unescaped in place to UTF-8.
 * The JSON `type` decides the event (never the SSE `event:` name, never key
 * order). Unknown types decode as DRIP_EV_UNKNOWN: skipped, not an error.
 *
 * Two paths, same result type:
 * - the event fits the SSE buffer and the token array: jsmn tokens, all fields;
 * - it does not (response.completed repeats the whole answer): the oversize
 *   scanner (drip_scan.h) reads it in pieces and keeps type, sequence_number,
 *   response id/status, usage, error, incomplete reason and item ids; the
 *   event is flagged `oversize` and its long text fields are absent. With
 *   drip_event_set_pieces() (drip_stream sets it) the delta of text,
 *   refusal, reasoning and call-argument events goes out in pieces while
 *   it is read, at any size; otherwise a delta is kept when it fits the
 *   scanner's arena, and a text delta that does not is
 *   DRIP_ERR_EVENT_DELTA_TOO_LARGE: text is never dropped silently.
 *
 * The scanner's arena (what it keeps of an oversize event) is a buffer the
 * caller lends with drip_event_set_arena():
 * drip_stream lends its SSE data buffer, which is idle while an oversize
 * event passes through (drip_sse.h) and while a JSON body is read. Its
 * views live until that buffer is written again, as the token path's do.
 * An event with more tokens than the token array is scanned in the lent
 * arena when it lies there (drip_stream), else in its own bytes, in place.
 * DRIP_SCAN_ARENA > 0 adds a private arena of that size, used when the
 * lent one is smaller (drip_opts.h).
 *
 * Function-call argument deltas carry only `item_id`; the decoder ties them
 * to `call_id`/`name` through a caller-sized table filled from
 * `response.output_item.added` (Chat: from the first fragment of each
 * tool_calls index). One slot per call in flight. The decoder alone owns
 * the table: a call ends with output_item.done (Chat: its choice's
 * finish_reason), and its slot is freed when the next event is decoded,
 * not at once, because the ending event's views (call_id, name; Chat: the
 * DRIP_CHAT_CALL_DONE parts) point into it. Readers learn which calls
 * ended from the event, never from the table.
 *
 * Chat chunks: with drip_event_set_chat() (drip_stream sets it) the decoder
 * hands every choice of a chunk on in order, as parts (content, refusal,
 * each tool-call fragment, finish_reason, then each call that finish_reason
 * ended), once the whole chunk decoded without error: nothing goes out of a
 * chunk that fails. Decision: a callback rather than arrays of choices and
 * tools in drip_event_t costs no RAM (the event is kept twice by a stream)
 * and has no limit on choices or parallel tool calls per chunk.
 *
 * Only client calls enter the table: `function_call` and `custom_tool_call`
 * items (drip_event_is_client_call()). Hosted tools (`mcp_call`,
 * `web_search_call`, `file_search_call`, `code_interpreter_call`,
 * `image_generation_call`, ...) run on the server; their events are decoded
 * like any other and never reach the call handlers.
 *
 * Speech (DRIP_API_SPEECH, openai.md section 11): `speech.audio.delta`
 * carries base64 audio in `audio`; the decoder base64-decodes it (in place
 * on the token path: ev->delta is the audio; in DRIP_EVENT_PIECE_MAX pieces of
 * decoded bytes through drip_event_set_pieces() when the event is larger
 * than the buffer, at any size). A base64 group may continue into the next
 * event; drip_event_speech_finish() decodes what is left at the end of the
 * audio. Invalid base64 is DRIP_ERR_SPEECH_BASE64. `speech.audio.done`
 * carries usage (input/output/total tokens).
 *
 * Text deltas are unescaped with drip_json_str_delta(): a surrogate pair
 * split across two deltas arrives as two 3-byte halves that drip_stream
 * joins. Every other string has unpaired surrogates as U+FFFD.
 */
#ifndef DRIP_EVENT_H
#define DRIP_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include "drip_err.h"
#include "drip_json.h"
#include "drip_opts.h"
#include "drip_scan.h"
#include "drip_b64.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of a long string handed on in one piece by the oversize path
 *  (drip_event_set_pieces). RAM: none of its own: pieces are staged in the
 *  token array, idle while the scanner reads (the staging is the smaller of
 *  this and the token array's bytes: this, with the default and any token
 *  array). Pieces end on a UTF-8 character boundary, so they are never
 *  longer than this nor shorter than this - 3, but the last. */
#ifndef DRIP_EVENT_PIECE_MAX
#define DRIP_EVENT_PIECE_MAX 128
#endif
#if DRIP_EVENT_PIECE_MAX < 16 || DRIP_EVENT_PIECE_MAX > 4096
#error "DRIP_EVENT_PIECE_MAX must be 16..4096"
#endif

/** Capture slots of the oversize path (the largest per-API table: Responses;
 *  drip_event.c checks it). RAM: 8 bytes each, once per decoder. */
#define DRIP_EVENT_SLOTS 39

/** Which API's stream is being decoded. */
typedef enum drip_api {
    DRIP_API_RESPONSES = 0, /**< POST /responses: Responses events */
    DRIP_API_CHAT = 1,      /**< POST /chat/completions: chat.completion.chunk */
    DRIP_API_SPEECH = 2     /**< POST /audio/speech (openai.md section 11): speech.audio.delta /
                                 speech.audio.done events, or a raw audio body */
} drip_api_t;

/** Every Responses stream event type (the 58 of the 2026 union), plus Chat. */
typedef enum drip_event_type {
    DRIP_EV_UNKNOWN = 0,
    /* lifecycle and error (7) */
    DRIP_EV_RESPONSE_CREATED, DRIP_EV_RESPONSE_QUEUED, DRIP_EV_RESPONSE_IN_PROGRESS,
    DRIP_EV_RESPONSE_COMPLETED, DRIP_EV_RESPONSE_INCOMPLETE, DRIP_EV_RESPONSE_FAILED,
    DRIP_EV_ERROR,
    /* output items and content parts (4) */
    DRIP_EV_OUTPUT_ITEM_ADDED, DRIP_EV_OUTPUT_ITEM_DONE,
    DRIP_EV_CONTENT_PART_ADDED, DRIP_EV_CONTENT_PART_DONE,
    /* text, refusal, annotations (5) */
    DRIP_EV_OUTPUT_TEXT_DELTA, DRIP_EV_OUTPUT_TEXT_DONE, DRIP_EV_OUTPUT_TEXT_ANNOTATION_ADDED,
    DRIP_EV_REFUSAL_DELTA, DRIP_EV_REFUSAL_DONE,
    /* tool argument streams (6) */
    DRIP_EV_FUNCTION_CALL_ARGUMENTS_DELTA, DRIP_EV_FUNCTION_CALL_ARGUMENTS_DONE,
    DRIP_EV_CUSTOM_TOOL_CALL_INPUT_DELTA, DRIP_EV_CUSTOM_TOOL_CALL_INPUT_DONE,
    DRIP_EV_MCP_CALL_ARGUMENTS_DELTA, DRIP_EV_MCP_CALL_ARGUMENTS_DONE,
    /* reasoning (6) */
    DRIP_EV_REASONING_SUMMARY_PART_ADDED, DRIP_EV_REASONING_SUMMARY_PART_DONE,
    DRIP_EV_REASONING_SUMMARY_TEXT_DELTA, DRIP_EV_REASONING_SUMMARY_TEXT_DONE,
    DRIP_EV_REASONING_TEXT_DELTA, DRIP_EV_REASONING_TEXT_DONE,
    /* hosted tools (3 + 3 + 5 + 4 + 6) */
    DRIP_EV_WEB_SEARCH_CALL_IN_PROGRESS, DRIP_EV_WEB_SEARCH_CALL_SEARCHING,
    DRIP_EV_WEB_SEARCH_CALL_COMPLETED,
    DRIP_EV_FILE_SEARCH_CALL_IN_PROGRESS, DRIP_EV_FILE_SEARCH_CALL_SEARCHING,
    DRIP_EV_FILE_SEARCH_CALL_COMPLETED,
    DRIP_EV_CODE_INTERPRETER_CALL_IN_PROGRESS, DRIP_EV_CODE_INTERPRETER_CALL_INTERPRETING,
    DRIP_EV_CODE_INTERPRETER_CALL_COMPLETED, DRIP_EV_CODE_INTERPRETER_CALL_CODE_DELTA,
    DRIP_EV_CODE_INTERPRETER_CALL_CODE_DONE,
    DRIP_EV_IMAGE_GENERATION_CALL_IN_PROGRESS, DRIP_EV_IMAGE_GENERATION_CALL_GENERATING,
    DRIP_EV_IMAGE_GENERATION_CALL_COMPLETED, DRIP_EV_IMAGE_GENERATION_CALL_PARTIAL_IMAGE,
    DRIP_EV_MCP_CALL_IN_PROGRESS, DRIP_EV_MCP_CALL_COMPLETED, DRIP_EV_MCP_CALL_FAILED,
    DRIP_EV_MCP_LIST_TOOLS_IN_PROGRESS, DRIP_EV_MCP_LIST_TOOLS_COMPLETED,
    DRIP_EV_MCP_LIST_TOOLS_FAILED,
    /* audio (4) */
    DRIP_EV_AUDIO_DELTA, DRIP_EV_AUDIO_DONE, DRIP_EV_AUDIO_TRANSCRIPT_DELTA,
    DRIP_EV_AUDIO_TRANSCRIPT_DONE,
    /* shell (5, new 2026) */
    DRIP_EV_SHELL_CALL_COMMAND_ADDED, DRIP_EV_SHELL_CALL_COMMAND_DELTA,
    DRIP_EV_SHELL_CALL_COMMAND_DONE, DRIP_EV_SHELL_CALL_OUTPUT_CONTENT_DELTA,
    DRIP_EV_SHELL_CALL_OUTPUT_CONTENT_DONE,
    DRIP_EV_RESPONSES_COUNT_END_, /* = 59: 58 types + UNKNOWN */
    /* Chat Completions */
    DRIP_EV_CHAT_CHUNK = DRIP_EV_RESPONSES_COUNT_END_, /**< one chat.completion.chunk */
    DRIP_EV_DONE,                                     /**< `data: [DONE]` */
    /* Speech (DRIP_API_SPEECH) */
    DRIP_EV_SPEECH_AUDIO_DELTA, /**< speech.audio.delta: `delta` holds the decoded audio */
    DRIP_EV_SPEECH_AUDIO_DONE   /**< speech.audio.done: usage; terminal */
} drip_event_type_t;

/** Responses event types dripfeed knows (DRIP_EV_UNKNOWN and Chat's excluded). */
#define DRIP_EV_RESPONSES_TYPES 58

/** drip_event_t.call_state bits (argument events and output_item.done of a
 *  call in the table): what the call had before this event. */
#define DRIP_CALL_KNOWN 0x01u    /**< the event belongs to a call in the table */
#define DRIP_CALL_STREAMED 0x02u /**< non-empty argument deltas were decoded */
#define DRIP_CALL_DONE 0x04u     /**< its arguments/input .done event was decoded */

/** Token counts. Responses names; Chat prompt/completion map to input/output. */
typedef struct drip_usage {
    int64_t input_tokens, output_tokens, total_tokens, reasoning_tokens, cached_tokens;
} drip_usage_t;
/** @var drip_usage::input_tokens
 *  Tokens of the input (Chat: prompt_tokens); -1 when not sent.
 *  @var drip_usage::output_tokens
 *  Tokens of the answer (Chat: completion_tokens); -1 when not sent.
 *  @var drip_usage::total_tokens
 *  input + output as the API counts them; -1 when not sent.
 *  @var drip_usage::reasoning_tokens
 *  Of output_tokens, spent on reasoning (output_tokens_details); 0 when not sent.
 *  @var drip_usage::cached_tokens
 *  Of input_tokens, read from the prompt cache (input_tokens_details); 0 when not sent. */

/** An error reported by the API (event, failed response or HTTP body). */
typedef struct drip_api_error {
    int status;            /**< HTTP status; 0 for errors inside a 200 stream */
    drip_str_t type, code, message, param; /**< absent members have p == NULL */
    int message_cut;       /**< message longer than the space that held it */
} drip_api_error_t;
/** @var drip_api_error::type
 *  error.type ("invalid_request_error", "server_error", ...); views valid as the event's.
 *  @var drip_api_error::code
 *  error.code ("rate_limit_exceeded", "insufficient_quota", ...); may be absent.
 *  @var drip_api_error::message
 *  error.message, the API's human-readable text. */

/** A decoded event. Views are valid until the next decode call. Integers
 *  that the event does not carry are -1. */
typedef struct drip_event {
    /** What event this is (DRIP_EV_UNKNOWN for a type dripfeed does not know). */
    drip_event_type_t type;
    drip_str_t type_name;     /**< JSON "type" as sent ("chat.completion.chunk" for Chat) */
    int64_t seq;              /**< sequence_number, -1 if absent */
    int32_t output_index, content_index, summary_index;
    /** item_id (the output item the event belongs to); absent: p == NULL */
    drip_str_t item_id;
    drip_str_t delta;         /**< string `delta` (Chat: choices[0].delta.content);
                                   speech.audio.delta: the audio bytes, base64-decoded
                                   (binary), absent when they went out in pieces */
    drip_str_t text;          /**< full text of a *.done event (text, refusal, arguments, input,
                                   code); output_item.*: item.arguments (item.input for
                                   custom_tool_call) */
    int text_cut;             /**< oversize: `text` (a call's arguments) was longer than
                                   the scanner's arena and is absent */
    uint8_t call_state;       /**< DRIP_CALL_* bits */
    uint8_t pieces;           /**< oversize: its `delta` (Chat: content/refusal) or a
                                   call's whole arguments went out in pieces while it
                                   was read (drip_event_set_pieces); absent here */
    drip_str_t server_label;  /**< output_item.*: item.server_label (MCP items) */
    drip_str_t call_id, name; /**< argument events and function_call items, from the call table */
    drip_str_t item_type;     /**< output_item.*: item.type */
    drip_str_t response_id;   /**< lifecycle: response.id (Chat: chunk id) */
    drip_str_t status;        /**< lifecycle: response.status; output_item: item.status */
    drip_str_t incomplete_reason;
    int has_usage;
    drip_usage_t usage;
    int has_error;
    drip_api_error_t error;
    /* Chat only */
    int32_t nchoices;         /**< entries of choices[] (each one: drip_event_set_chat,
                                   or drip_event_choice) */
    int32_t choice;           /**< choice index the glue is reporting (-1 for Responses) */
    drip_str_t refusal;       /**< choices[0].delta.refusal */
    drip_str_t finish_reason; /**< choices[0].finish_reason */
    int oversize;             /**< decoded by the scanner: `text` absent; `delta`
                                   present when it fit the scanner's arena */
} drip_event_t;
/** @var drip_event::output_index
 *  output_index (which output item), -1 if absent.
 *  @var drip_event::content_index
 *  content_index (which content part of the item), -1 if absent.
 *  @var drip_event::summary_index
 *  summary_index (reasoning summary part), -1 if absent.
 *  @var drip_event::call_id
 *  The call's id (function call events), from the call table.
 *  @var drip_event::incomplete_reason
 *  response.incomplete_details.reason ("max_output_tokens", "content_filter").
 *  @var drip_event::has_usage
 *  1 when `usage` was read (response.completed / the last Chat chunk).
 *  @var drip_event::usage
 *  Token counts, valid when has_usage.
 *  @var drip_event::has_error
 *  1 when `error` holds an API error (error event, response.failed).
 *  @var drip_event::error
 *  The API's error, valid when has_error. */

/** One slot of the call table (caller allocates an array of them). */
typedef struct drip_call_slot {
    uint8_t used, closing;
    uint8_t streamed, done;   /* DRIP_CALL_STREAMED / _DONE so far */
    uint8_t item_len, call_len, name_len;
    int32_t key;              /* Responses: -1; Chat: choice << 16 | index */
    char item_id[DRIP_ID_MAX];
    char call_id[DRIP_ID_MAX];
    char name[DRIP_ID_MAX];
} drip_call_slot_t;
/** @var drip_call_slot::used
 *  The slot holds a call. Every member is the decoder's: read calls through
 *  drip_event_call() and the handlers' drip_call_t, never write them.
 *  @var drip_call_slot::closing
 *  The call ended with the event just decoded (output_item.done; Chat: its
 *  choice's finish_reason); the decoder frees the slot at the next decode.
 *  @var drip_call_slot::streamed
 *  Non-empty argument deltas were decoded (DRIP_CALL_STREAMED).
 *  @var drip_call_slot::done
 *  Its arguments/input .done event was decoded (DRIP_CALL_DONE).
 *  @var drip_call_slot::item_len
 *  Bytes used in item_id.
 *  @var drip_call_slot::call_len
 *  Bytes used in call_id.
 *  @var drip_call_slot::name_len
 *  Bytes used in name.
 *  @var drip_call_slot::key
 *  Which call: Responses -1 (matched by item id); Chat choice << 16 | tool index.
 *  @var drip_call_slot::item_id
 *  The output item's id (Responses), not NUL-terminated.
 *  @var drip_call_slot::call_id
 *  The call's id (call_id; Chat: tool_calls[].id), not NUL-terminated.
 *  @var drip_call_slot::name
 *  The function's name, not NUL-terminated. */

/** A Chat choice of the current chunk (drip_event_choice). */
typedef struct drip_chat_choice {
    int32_t index;
    drip_str_t content, refusal, finish_reason;
    int32_t ntools;           /**< entries of delta.tool_calls */
} drip_chat_choice_t;
/** @var drip_chat_choice::index
 *  choices[].index.
 *  @var drip_chat_choice::content
 *  delta.content (a piece of the answer); absent: p == NULL.
 *  @var drip_chat_choice::refusal
 *  delta.refusal; absent: p == NULL.
 *  @var drip_chat_choice::finish_reason
 *  finish_reason ("stop", "length", "tool_calls", "content_filter"); absent until the last chunk. */

/** A Chat tool-call fragment (drip_event_tool); id/name filled from the table. */
typedef struct drip_chat_tool {
    int32_t index;
    drip_str_t id, name, arguments;
} drip_chat_tool_t;
/** @var drip_chat_tool::index
 *  tool_calls[].index (which call of the choice).
 *  @var drip_chat_tool::id
 *  The call's id (sent once; filled from the call table on later fragments).
 *  @var drip_chat_tool::name
 *  The function's name (as id).
 *  @var drip_chat_tool::arguments
 *  This fragment of function.arguments. */

/** What a Chat part is (drip_chat_part_t.what). */
enum drip_chat_what {
    DRIP_CHAT_CONTENT = 1, /**< delta.content of the choice (may be empty) */
    DRIP_CHAT_REFUSAL,     /**< delta.refusal of the choice */
    DRIP_CHAT_TOOL,        /**< one delta.tool_calls[] fragment */
    DRIP_CHAT_FINISH,      /**< the choice's finish_reason: the choice is over */
    DRIP_CHAT_CALL_DONE    /**< a call of the choice ended by its finish_reason (in
                                tool_calls index order, after DRIP_CHAT_FINISH) */
};

/** One part of a Chat chunk (drip_event_set_chat): what it is, the choice
 *  it belongs to and, for a call, the call. Views are valid as the event's,
 *  until the next decode call. */
typedef struct drip_chat_part {
    int what;                  /**< enum drip_chat_what: which member the part is about */
    drip_chat_choice_t choice; /**< the whole choice (every part): CONTENT is its
                                    content, REFUSAL its refusal, FINISH its
                                    finish_reason; its index is -1 when not sent */
    drip_chat_tool_t call;     /**< TOOL: the fragment (id and name from the call table
                                    when not sent); CALL_DONE: the call that ended
                                    (arguments absent); else index -1, views absent */
} drip_chat_part_t;

/**
 * Receives the parts of a Chat chunk decoded from tokens, in order, after
 * the chunk decoded without error and before drip_event_decode() returns.
 * @p ev is the decoded event (the receiver may change `choice` only).
 * Return non-zero to stop: drip_event_decode() returns it (a positive value
 * as DRIP_ERR_CANCELLED).
 */
typedef drip_err_t (*drip_event_chat_fn)(void *user, drip_event_t *ev,
                                         const drip_chat_part_t *part);

/** What a piece is (drip_event_piece_fn). */
enum drip_piece_what {
    DRIP_PIECE_DELTA = 1,   /**< `delta` of a text/refusal/reasoning/argument delta event;
                                 Chat: choices[].delta.content (ev->choice says which) */
    DRIP_PIECE_REFUSAL,     /**< Chat: choices[].delta.refusal */
    DRIP_PIECE_ARGUMENTS,   /**< a call's whole arguments/input in its .done event */
    DRIP_PIECE_AUDIO        /**< speech.audio.delta: decoded audio bytes (binary) */
};

/**
 * Receives a long string of an oversize event in pieces, while the event is
 * read, before its on_event. @p ev (the decoder's scratch: the receiver may
 * change it) holds what came before the string (type, sequence_number,
 * indexes, item id and the call's id/name, Chat choice); later members are
 * absent. Return non-zero to stop (the scan fails with it).
 * Called from drip_event_scan_feed() (or drip_event_decode() for an event
 * with more tokens than the array), never from inside the scanner: the
 * scanner pauses where a piece is ready (DRIP_SCAN_PAUSE), so its frames
 * are not under the receiver's.
 */
typedef drip_err_t (*drip_event_piece_fn)(void *user, drip_event_t *ev, int what,
                                          const char *p, size_t n);

/** Decoder state (caller-owned). */
typedef struct drip_event_dec {
    drip_api_t api;
    jsmntok_t *tok;
    unsigned ntok;
    drip_call_slot_t *calls;
    unsigned ncalls;
    drip_json_t json;         /* tokens of the current event */
    int choices_tok;          /* Chat: token of choices[] or -1 */
    drip_scan_t scan;         /* oversize events */
    drip_scan_slot_t slot[DRIP_EVENT_SLOTS]; /* its captures */
    char *arena;              /* drip_event_set_arena */
    size_t arena_cap;
    drip_event_piece_fn on_piece;   /* drip_event_set_pieces */
    void *piece_user;
    drip_event_chat_fn on_chat;     /* drip_event_set_chat */
    void *chat_user;
    drip_event_t *piece_ev;   /* what is known of the event when a piece goes out (the
                                 caller's scratch, drip_event_set_pieces) */
    char *piece;              /* staging of the next piece: the token array (idle then) */
    uint16_t piece_n, piece_cap;
    uint8_t piece_what, pieces, piece_end, spill_n;
    char spill[4];            /* decoded bytes past a full staging (an escape's late output) */
    drip_b64_t b64;           /**< speech audio: a base64 group may span pieces and events */
#if DRIP_SCAN_ARENA > 0
    char own[DRIP_SCAN_ARENA]; /* the private arena (drip_opts.h) */
#endif
} drip_event_dec_t;
/** @var drip_event_dec::api
 *  The API whose events are decoded. Every member is private: set them with
 *  drip_event_init() / drip_event_set_api() / drip_event_set_pieces() /
 *  drip_event_set_chat() / drip_event_set_arena() only.
 *  @var drip_event_dec::tok
 *  The caller's jsmn token array.
 *  @var drip_event_dec::ntok
 *  Entries of tok.
 *  @var drip_event_dec::calls
 *  The caller's call table.
 *  @var drip_event_dec::ncalls
 *  Entries of calls.
 *  @var drip_event_dec::json
 *  Tokens of the current event.
 *  @var drip_event_dec::choices_tok
 *  Chat: token of choices[], or -1.
 *  @var drip_event_dec::scan
 *  The scanner for oversize events.
 *  @var drip_event_dec::slot
 *  Its capture slots.
 *  @var drip_event_dec::arena
 *  The lent arena (drip_event_set_arena), or NULL.
 *  @var drip_event_dec::arena_cap
 *  Its bytes.
 *  @var drip_event_dec::on_piece
 *  Receiver of pieces (drip_event_set_pieces), or NULL.
 *  @var drip_event_dec::piece_user
 *  Its user pointer.
 *  @var drip_event_dec::on_chat
 *  Receiver of Chat parts (drip_event_set_chat), or NULL.
 *  @var drip_event_dec::chat_user
 *  Its user pointer.
 *  @var drip_event_dec::piece_ev
 *  What is known of the event when a piece goes out: the caller's scratch.
 *  @var drip_event_dec::piece_n
 *  Bytes waiting in piece.
 *  @var drip_event_dec::piece_cap
 *  Bytes piece can hold (<= DRIP_EVENT_PIECE_MAX).
 *  @var drip_event_dec::piece_what
 *  What the waiting piece is (enum drip_piece_what).
 *  @var drip_event_dec::pieces
 *  Pieces went out for the current event.
 *  @var drip_event_dec::piece_end
 *  The string being handed on closed: its last piece waits in piece.
 *  @var drip_event_dec::spill
 *  Decoded bytes that came after the staging filled: an escape's output
 *  can come after the input that made it (a surrogate pair, at most 4
 *  bytes for 1 byte read); they start the next piece.
 *  @var drip_event_dec::spill_n
 *  Bytes in spill.
 *  @var drip_event_dec::piece
 *  Bytes gathered for the next piece (in the token array). */

/**
 * @brief Bind the token array and call table.
 * @param tok    jsmn tokens for one event; 64 hold any delta event, more let
 *               bigger events decode fully instead of through the scanner
 * @param calls  call table, `ncalls` >= 1 slots (~200 bytes each)
 * @return DRIP_OK or DRIP_ERR_ARG (NULL pointers, ntok < 8, ncalls == 0).
 */
drip_err_t drip_event_init(drip_event_dec_t *d, drip_api_t api, jsmntok_t *tok, unsigned ntok,
                           drip_call_slot_t *calls, unsigned ncalls);

/** Forget open calls (a new stream). */
void drip_event_reset(drip_event_dec_t *d);

/**
 * @brief Decode one whole event's data (modified in place: unescaping).
 * @return DRIP_OK; DRIP_ERR_JSON_INVALID / _ESCAPE / _RANGE; DRIP_ERR_EVENT_NO_TYPE;
 *         DRIP_ERR_EVENT_FIELD; DRIP_ERR_EVENT_CALL_TABLE_FULL; DRIP_ERR_EVENT_ID_TOO_LONG.
 *         Too many tokens is not an error: the scanner decodes the event.
 */
drip_err_t drip_event_decode(drip_event_dec_t *d, char *data, size_t len, drip_event_t *ev);

/**
 * @brief Hand long strings of oversize events on in pieces instead of
 * failing when they do not fit the scanner's arena: the `delta` of text,
 * refusal, reasoning summary and call-argument delta events (Chat: every
 * choice's content and refusal), and a client call's whole arguments in its
 * .done event when no delta came for it. The string must come after the
 * event's `type` (and `sequence_number`, when present), as OpenAI sends it;
 * otherwise the arena keeps it as before. NULL: off (the default).
 * @param scratch an event the decoder fills with what is known when a piece
 *                goes out (handed to @p fn); required with @p fn. It may be
 *                the event later given to drip_event_scan_finish() (drip_stream
 *                passes its own): it is rewritten there.
 */
void drip_event_set_pieces(drip_event_dec_t *d, drip_event_piece_fn fn, void *user,
                           drip_event_t *scratch);

/**
 * @brief Hand every choice of each Chat chunk read from tokens on in parts
 * (drip_event_chat_fn), in order. An oversize chunk (read by the scanner)
 * is not handed on: its content and refusal go out through
 * drip_event_set_pieces() and the event keeps its finish_reason. NULL: off
 * (the default; drip_event_choice() / drip_event_tool() read a choice).
 */
void drip_event_set_chat(drip_event_dec_t *d, drip_event_chat_fn fn, void *user);

/** Decode another API's events from the next event on (a client that
 *  reuses one stream for Responses, Chat and speech requests). */
void drip_event_set_api(drip_event_dec_t *d, drip_api_t api);

/**
 * @brief Lend the buffer the oversize path keeps its captures in
 * (drip_stream lends its SSE data buffer). The decoder writes it
 * from drip_event_scan_init() on; the views of the event that
 * drip_event_scan_finish() fills point into it. It may be the buffer the
 * event is read from, when the event starts at its beginning (drip_scan_init
 * says why). What a small arena cannot hold is cut: an id or name
 * DRIP_ERR_EVENT_ID_TOO_LONG, a delta DRIP_ERR_EVENT_DELTA_TOO_LARGE,
 * an error message flagged message_cut (512 bytes keep what the former
 * private 640-byte arena kept of every recorded capture: drip_opts.h).
 * @param arena the bytes; NULL (with cap 0): none lent
 */
void drip_event_set_arena(drip_event_dec_t *d, char *arena, size_t cap);

/** Oversize path: begin, feed pieces (DRIP_SSE_DATA), end with the full size.
 *  @return DRIP_OK, or DRIP_ERR_ARG when there is no arena (none lent and
 *          DRIP_SCAN_ARENA 0). */
drip_err_t drip_event_scan_init(drip_event_dec_t *d);
/** Oversize path: the next piece of the event's data (any split). @return DRIP_OK or the scan's error. */
drip_err_t drip_event_scan_feed(drip_event_dec_t *d, const uint8_t *p, size_t n);
/** Oversize path: the event is whole; fill @p ev with what the scanner kept. @return DRIP_OK or an error. */
drip_err_t drip_event_scan_finish(drip_event_dec_t *d, drip_event_t *ev);

/* JSON bodies (HTTP errors, the cancel endpoint) are read by drip_body.h. */

/**
 * @brief Speech: the audio ended (speech.audio.done, or the stream's end):
 * decode a partial base64 group still held (unpadded base64, drip_b64.h).
 * @param out 2 bytes; @param[out] out_n 0..2 bytes written
 * @return DRIP_OK or DRIP_ERR_SPEECH_BASE64.
 */
drip_err_t drip_event_speech_finish(drip_event_dec_t *d, uint8_t *out, size_t *out_n);

/** Chat: choice `i` (< ev->nchoices) of the event just decoded (not oversize). */
drip_err_t drip_event_choice(drip_event_dec_t *d, int32_t i, drip_chat_choice_t *out);

/** Chat: tool-call fragment `j` of choice `i`, with id/name from the table. */
drip_err_t drip_event_tool(drip_event_dec_t *d, int32_t i, int32_t j, drip_chat_tool_t *out);

/** Slot `i` of the call table, or NULL if unused. Slots with `closing` set
 *  ended with the last event (output_item.done / Chat finish_reason); the
 *  decoder frees them when it decodes the next one. */
const drip_call_slot_t *drip_event_call(const drip_event_dec_t *d, unsigned i);

/** Type from its JSON name; DRIP_EV_UNKNOWN if not one of the 58 (or
 *  "speech.audio.delta" / "speech.audio.done"). */
drip_event_type_t drip_event_type_of(const char *name, size_t len);

/** Non-zero for items the application runs and answers (function_call,
 *  custom_tool_call); zero for hosted tools and everything else. */
int drip_event_is_client_call(drip_str_t item_type);

/** Non-zero for the terminal Responses events (completed, incomplete, failed). */
int drip_event_is_terminal(drip_event_type_t t);

#ifdef __cplusplus
}
#endif
#endif /* DRIP_EVENT_H */
