/* SPDX-License-Identifier: Apache-2.0 */
/* What every command of the host tool shares: strings kept for a summary,
 * JSON output per docs/spec/cli.md, option parsing messages, stdin in pieces.
 * Host code: the heap is used here for the tool's own bookkeeping. */
#ifndef DRIPFEED_CLI_UTIL_H
#define DRIPFEED_CLI_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dripfeed/dripfeed.h"

/* A string kept for a summary: in memory up to SPOOL_MEM bytes, then in a
 * temporary file, so memory stays constant whatever the answer's length. */
#define SPOOL_MEM 65536u

typedef struct {
    char *p;
    size_t n, cap;
    FILE *f;
} spool_t;

/* Largest --feed/--buffer value any command takes. */
#define MAX_SIZE_ARG (1ull << 30)

/** Prints "dripfeed: WHAT: strerror(errno)" and exits 2. */
void die(const char *what);

void spool_add(spool_t *b, const char *p, size_t n);
size_t spool_len(const spool_t *b);
void spool_free(spool_t *b);

/** JSON string body (no quotes), escaped per cli.md; bytes >= 0x80 pass. */
void put_json_chars(FILE *f, const char *p, size_t n);
/** A quoted JSON string. */
void put_json_str(FILE *f, const char *p, size_t n);
/** A spooled string as one quoted JSON string. */
void put_json_spool(FILE *f, spool_t *b);
/** A quoted string when present, else null. */
void put_opt_str(FILE *f, const char *p, size_t n, int present);

/** "dripfeed[ CMD]: <error text> (code)[: detail][: API message]" on
 *  stderr: what every command's on_error says (cmd NULL: "dripfeed: "). */
void cli_say_error(const char *cmd, const drip_error_t *e);

/** The summary's "error" member (cli.md `decode`): an object with status,
 *  type, code and message (missing members null), or null. */
void put_error_json(FILE *f, const drip_result_t *r);

/** "dripfeed CMD: <message>" on stderr (cmd NULL: "dripfeed: "); returns -1. */
int bad(const char *cmd, const char *fmt, ...);

/** A user-given string for a message: printable ASCII, other bytes as
 *  \xNN, cut after 60 bytes; valid until four more calls. Never for secrets. */
const char *cli_shown(const char *s);

/** A whole number lo..hi into *out; otherwise a message naming OPT, -1. */
int parse_size(const char *cmd, const char *opt, const char *s, unsigned long long lo,
               unsigned long long hi, size_t *out);

/** The option at argv[*i] of command CMD (text, chunk, speak, display).
 *  `takes` lists the options followed by a value, `flags` those without one
 *  (NULL-terminated; flags may be NULL). Returns the option with *val its
 *  value (NULL for a flag) and *i on the last word it used; or NULL after
 *  the message for an unexpected argument, an unknown option or a missing
 *  value ("see dripfeed CMD --help"). */
const char *cli_opt(const char *cmd, int argc, char **argv, int *i, const char *const *takes,
                    const char *const *flags, const char **val);

/** --api's value into *api: "responses" or "chat"; else the message, -1. */
int cli_api(const char *cmd, const char *v, drip_api_t *api);

/** malloc, or a message naming WHAT (for sizes the user chose) and NULL. */
void *alloc_or_say(const char *cmd, size_t n, const char *what);

/** One piece of stdin: n bytes, fewer only at the end of input. */
size_t read_piece(uint8_t *p, size_t n);

/** What a command that decodes a capture from stdin sets (cli.md `decode`). */
typedef struct {
    const char *cmd;                 /* for messages */
    drip_api_t api;
    size_t feed, buffer, tokens;     /* --feed, --buffer, --tokens */
    const drip_handlers_t *handlers; /* the command's handlers */
    void *user;
    int say_result;                  /* handlers have no on_error of the terminal's:
                                        print why a non-completed answer ended */
} cli_decode_t;

/** cli.md's defaults for a command: api, feed and buffer 4096, 256 tokens;
 *  no handlers, nothing else set. */
void cli_decode_defaults(cli_decode_t *d, const char *cmd, drip_api_t api);

/** Runs stdin (a raw HTTP response) through a drip_stream_t in pieces of
 *  d->feed bytes and finishes it; *st keeps the result for the summary.
 *  Returns 0 when the state is completed, 1 for any other state, 2 when the
 *  buffers could not be set up (a message was printed). */
int cli_decode_stdin(const cli_decode_t *d, drip_stream_t *st);

#endif
