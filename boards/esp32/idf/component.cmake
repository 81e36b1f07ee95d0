# SPDX-License-Identifier: Apache-2.0
#
# dripfeed as an ESP-IDF component (ESP-IDF >= 5.0). The component's root is
# the repository's root (idf_component.yml and Kconfig there): its
# CMakeLists.txt includes this file under ESP_PLATFORM, before project(), and
# returns. So a registry upload (idf_component.yml `files:`) and a git
# checkout build the same files: core/, the lwIP sockets and Mbed TLS ports
# and this glue (boards/esp32/idf), over ESP-IDF's own lwIP and Mbed TLS.
#
# jsmn comes from the registry: `espressif/jsmn` (^1.1.0: upstream's single
# header, which dripfeed compiles privately with JSMN_STATIC in
# core/src/drip_json.c; that file stops with #error on an older
# declarations-only jsmn.h). The manifest makes it a public requirement
# (jsmn.h is in dripfeed's public headers). Keep CONFIG_JSMN_STATIC off.

set(DRIP_IDF_GLUE "boards/esp32/idf")

file(GLOB DRIP_CORE_SRCS RELATIVE "${COMPONENT_DIR}" "${COMPONENT_DIR}/core/src/*.c")
set(DRIP_SRCS
    ${DRIP_CORE_SRCS}
    "port/lwip/drip_lwip_sockets.c"
    "port/mbedtls/drip_tls.c"
    "${DRIP_IDF_GLUE}/src/drip_esp32.c")

# Trust (Kconfig choice DRIP_TRUST):
#  - CONFIG_DRIP_TRUST_CRT_BUNDLE: ESP-IDF's certificate bundle. Nothing is
#    embedded here; esp_crt_bundle.h comes with the mbedtls component
#    (already in REQUIRES) when CONFIG_MBEDTLS_CERTIFICATE_BUNDLE is on.
#  - CONFIG_DRIP_TRUST_PEM: CONFIG_DRIP_CA_PEM_FILE (relative to the
#    component root, or absolute), copied under one fixed name so the
#    symbols ESP-IDF makes for it (_binary_drip_ca_pem_start/_end) never
#    change.
set(DRIP_CA_EMBED "")
if(NOT CMAKE_BUILD_EARLY_EXPANSION)
    if(CONFIG_DRIP_TRUST_PEM)
        set(ca "${CONFIG_DRIP_CA_PEM_FILE}")
        if(ca STREQUAL "")
            set(ca "${DRIP_IDF_GLUE}/certs/openai_roots.pem")
        endif()
        get_filename_component(ca "${ca}" ABSOLUTE BASE_DIR "${COMPONENT_DIR}")
        if(NOT EXISTS "${ca}")
            message(FATAL_ERROR "dripfeed: CONFIG_DRIP_CA_PEM_FILE ${ca} does not exist")
        endif()
        configure_file("${ca}" "${CMAKE_CURRENT_BINARY_DIR}/drip_ca.pem" COPYONLY)
        set(DRIP_CA_EMBED "${CMAKE_CURRENT_BINARY_DIR}/drip_ca.pem")
    elseif(NOT CONFIG_DRIP_TRUST_CRT_BUNDLE)
        message(FATAL_ERROR "dripfeed: no trust chosen (CONFIG_DRIP_TRUST_CRT_BUNDLE or "
            "CONFIG_DRIP_TRUST_PEM): run idf.py menuconfig or reconfigure")
    endif()
endif()

idf_component_register(
    SRCS ${DRIP_SRCS}
    INCLUDE_DIRS
        "${DRIP_IDF_GLUE}/include"
        "core/include"
        "port/lwip"
        "port/mbedtls"
    REQUIRES lwip mbedtls
    PRIV_REQUIRES esp_hw_support
    EMBED_TXTFILES ${DRIP_CA_EMBED})

if(NOT CMAKE_BUILD_EARLY_EXPANSION)
    # Kconfig -> drip_opts.h limits, PUBLIC so the library and every
    # component that uses it see the same struct layouts (as the registry's
    # cjson passes CJSON_NESTING_LIMIT). A bool that is off is "" in CMake.
    if(CONFIG_DRIP_ERR_STRINGS)
        set(drip_err_strings 1)
    else()
        set(drip_err_strings 0)
    endif()
    if(CONFIG_DRIP_HTTP_EXTRAS)
        set(drip_http_extras 1)
    else()
        set(drip_http_extras 0)
    endif()
    target_compile_definitions(${COMPONENT_LIB} PUBLIC
        DRIP_ID_MAX=${CONFIG_DRIP_ID_MAX}
        DRIP_ERRMSG_MAX=${CONFIG_DRIP_ERRMSG_MAX}
        DRIP_SCAN_ARENA=${CONFIG_DRIP_SCAN_ARENA}
        DRIP_ERR_STRINGS=${drip_err_strings}
        DRIP_HTTP_EXTRAS=${drip_http_extras})
endif()
