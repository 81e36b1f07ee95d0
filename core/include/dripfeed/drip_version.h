/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file drip_version.h
 * @brief dripfeed's version: the one number every manifest carries.
 *
 * CMakeLists.txt project(VERSION), idf_component.yml, library.json,
 * library.properties and zephyr/module.yml all say this version; CTest
 * `manifests` fails when one of them differs from these macros.
 */
#ifndef DRIP_VERSION_H
#define DRIP_VERSION_H

/** Major version: incompatible API or struct layout changes (0 while the API settles). */
#define DRIPFEED_VERSION_MAJOR 0
/** Minor version: additions. */
#define DRIPFEED_VERSION_MINOR 1
/** Patch version: fixes only. */
#define DRIPFEED_VERSION_PATCH 0
/** The version as a string, "MAJOR.MINOR.PATCH". */
#define DRIPFEED_VERSION_STRING "0.1.0"
/** The version as one number to compare in `#if`: 0xMMmmpp. */
#define DRIPFEED_VERSION_NUMBER \
    ((DRIPFEED_VERSION_MAJOR << 16) | (DRIPFEED_VERSION_MINOR << 8) | DRIPFEED_VERSION_PATCH)

#endif /* DRIP_VERSION_H */
