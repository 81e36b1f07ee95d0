/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_config.h
 * @brief ESP-IDF: dripfeed's compile-time limits from menuconfig.
 *
 * The component passes -DDRIP_CONFIG_FILE="drip_config.h" to itself AND to
 * every component that requires it (a PUBLIC definition), so the library
 * and the application see the same struct layouts. drip_opts.h reads this
 * file first and defaults whatever is not set here.
 *
 * DRIP_TLS_HOST_MAX is deliberately not set here: drip_tls.h does not read
 * drip_opts.h, so a value from this file could give port/mbedtls and the
 * application two different drip_tls_t layouts. It keeps its default (253).
 */
#ifndef DRIP_ESP32_DRIP_CONFIG_H
#define DRIP_ESP32_DRIP_CONFIG_H

#include "sdkconfig.h"

#define DRIP_ID_MAX CONFIG_DRIP_ID_MAX
#define DRIP_ERRMSG_MAX CONFIG_DRIP_ERRMSG_MAX
#define DRIP_SCAN_ARENA CONFIG_DRIP_SCAN_ARENA
/* bool symbols that are off are not defined at all in sdkconfig.h */
#if defined(CONFIG_DRIP_ERR_STRINGS) && CONFIG_DRIP_ERR_STRINGS
#define DRIP_ERR_STRINGS 1
#else
#define DRIP_ERR_STRINGS 0
#endif
#if defined(CONFIG_DRIP_HTTP_EXTRAS) && CONFIG_DRIP_HTTP_EXTRAS
#define DRIP_HTTP_EXTRAS 1
#else
#define DRIP_HTTP_EXTRAS 0
#endif

#endif /* DRIP_ESP32_DRIP_CONFIG_H */
