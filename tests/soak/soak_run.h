/* SPDX-License-Identifier: Apache-2.0 */
/* The soak loop, shared by the POSIX soak (soak.c) and the lwIP one
 * (tests/lwip/lwip_stream.c --soak): N answers through one configured
 * client, seeded faults, every answer checked, resources sampled. */
#ifndef SOAK_RUN_H
#define SOAK_RUN_H

#include <stddef.h>
#include <stdint.h>
#include "dripfeed/dripfeed.h"
#include "drip_tls.h"

/** Headers the soak rewrites before each answer (key, fault, seed, chunk
 *  sizes): put them in drip_client_cfg_t::endpoint (4 entries). */
#define SOAK_NHEADERS 4
void soak_headers(drip_header_t hdr[SOAK_NHEADERS]);

/** Handlers to install (on_text, plus on_retry in the client config). */
extern const drip_handlers_t soak_handlers;
void soak_on_retry(void *user, const drip_retry_info_t *info);

/** A platform over @p real whose sleep waits at most 2 ms and moves the
 *  clock on by the rest: retry waits cost no real time. */
void soak_platform(const drip_platform_t *real, drip_platform_t *out);

/** What the loop needs besides the client. */
typedef struct soak_cfg {
    drip_client_t *client;       /**< initialised with the above */
    drip_tls_t *tls;             /**< for the handshake counts */
    const drip_platform_t *real; /**< for the elapsed time */
    long n;                      /**< answers */
    uint64_t seed;
    const char *text, *bg;       /**< expected texts: plain and background answers */
    size_t text_n, bg_n;
    const char *label;           /**< first word of the last line: "soak" */
    int conn_not_fd;             /**< 1: the connection is no file descriptor (lwIP) */
} soak_cfg_t;

/** Run; prints progress to stderr, the summary and the last line to
 *  stdout. @return 0 (no wrong answer, nothing grew) or 1. */
int soak_run(const soak_cfg_t *cfg);

/** Read a whole small file into one of two static buffers. */
const char *soak_slurp(const char *path, size_t *len);

#endif
