/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file app_config.h
 * @brief What the example asks and where. Override any of these with -D.
 *
 * The API key, if set here, ends up in flash in clear text: anyone holding
 * the board can read it. Outside a desk test, leave DRIP_APP_API_KEY empty
 * and point DRIP_APP_HOST at a relay that holds the key, authenticating the
 * board with DRIP_APP_EXTRA_HEADER (and put the relay's CA in ca_roots.h).
 */
#ifndef DRIP_STM32_APP_CONFIG_H
#define DRIP_STM32_APP_CONFIG_H

#ifndef DRIP_APP_HOST
#define DRIP_APP_HOST "api.openai.com"
#endif
#ifndef DRIP_APP_PORT
#define DRIP_APP_PORT 443
#endif
#ifndef DRIP_APP_PREFIX
#define DRIP_APP_PREFIX "/v1"
#endif
#ifndef DRIP_APP_API_KEY
#define DRIP_APP_API_KEY "" /* "sk-...": sent as "Authorization: Bearer sk-..." */
#endif
#ifndef DRIP_APP_EXTRA_HEADER_NAME
#define DRIP_APP_EXTRA_HEADER_NAME "" /* e.g. "X-Relay-Token" ("": none) */
#endif
#ifndef DRIP_APP_EXTRA_HEADER_VALUE
#define DRIP_APP_EXTRA_HEADER_VALUE "" /* e.g. "abc" */
#endif
#ifndef DRIP_APP_MODEL
#define DRIP_APP_MODEL "gpt-4o-mini"
#endif
#ifndef DRIP_APP_PROMPT
#define DRIP_APP_PROMPT "In two sentences, what is an STM32?"
#endif

/* Mbed TLS arena (its whole heap). check/arena_probe.sh found 39-49 KB
 * enough on a 64-bit host (an upper bound: 32-bit pointers make Mbed TLS's
 * structs smaller), 49 KB with an RSA-4096 root -> RSA-2048 chain, with the
 * four roots of ca_roots.h parsed. See ../../README.md, "Memory budget". */
#ifndef DRIP_APP_TLS_ARENA
#define DRIP_APP_TLS_ARENA (52 * 1024)
#endif

#endif /* DRIP_STM32_APP_CONFIG_H */
