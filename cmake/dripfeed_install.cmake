# SPDX-License-Identifier: Apache-2.0
# Install rules (included by the top CMakeLists.txt when DRIPFEED_INSTALL):
#   <includedir>/dripfeed/*.h         core headers   (#include "dripfeed/dripfeed.h")
#   <includedir>/dripfeed/port/*.h    port headers   (#include "drip_posix.h", "drip_tls.h", ...)
#   <libdir>/libdripfeed_core.a, libdripfeed_port_<port>.a
#   <libdir>/cmake/dripfeed/          find_package(dripfeed): dripfeed::core, ::posix,
#                                     ::mbedtls, ::lwip_sockets (those built here)
#   <libdir>/pkgconfig/dripfeed.pc, dripfeed-<port>.pc
include(CMakePackageConfigHelpers)

# "-L<dir> " for pkg-config Libs, nothing for a directory the linker searches anyway.
function(drip_pc_libdir out lib)
  get_filename_component(dir ${lib} DIRECTORY)
  if(dir IN_LIST CMAKE_C_IMPLICIT_LINK_DIRECTORIES)
    set(${out} "" PARENT_SCOPE)
  else()
    set(${out} "-L${dir} " PARENT_SCOPE)
  endif()
endfunction()

set(DRIP_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/dripfeed)
set(DRIP_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

file(GLOB drip_core_headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/core/include/dripfeed/*.h)
install(FILES ${drip_core_headers} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dripfeed)

# Each built port: target, export name, header, pkg-config Libs beyond its own.
set(drip_ports posix)
set(drip_port_posix_header ${PROJECT_SOURCE_DIR}/port/posix/drip_posix.h)
set(drip_port_posix_libs "")
set(drip_port_posix_cflags "")
set(drip_port_posix_desc "POSIX sockets transport")
if(DRIP_HAVE_TLS)
  list(APPEND drip_ports mbedtls)
  set(drip_port_mbedtls_header ${PROJECT_SOURCE_DIR}/port/mbedtls/drip_tls.h)
  get_filename_component(DRIP_MBEDTLS_LIBDIR ${MBEDTLS_LIBRARY} DIRECTORY)
  drip_pc_libdir(drip_l ${MBEDTLS_LIBRARY})
  set(drip_port_mbedtls_libs "${drip_l}-lmbedtls -lmbedx509 -lmbedcrypto")
  set(drip_port_mbedtls_cflags "")
  if(DRIP_MBEDTLS_ROOT)
    set(drip_port_mbedtls_cflags "-I${DRIP_MBEDTLS_ROOT}/include")
  endif()
  set(drip_port_mbedtls_desc "mbedTLS over any dripfeed transport")
endif()
if(DRIP_HAVE_LWIP_SOCKETS)
  list(APPEND drip_ports lwip_sockets)
  set(drip_port_lwip_sockets_header ${PROJECT_SOURCE_DIR}/port/lwip/drip_lwip_sockets.h)
  get_filename_component(DRIP_LWIP_LIBDIR ${LWIP_LIBRARY} DIRECTORY)
  get_filename_component(DRIP_LWIP_LIBNAME ${LWIP_LIBRARY} NAME_WE)
  string(REGEX REPLACE "^lib" "" DRIP_LWIP_LIBNAME ${DRIP_LWIP_LIBNAME})
  drip_pc_libdir(drip_l ${LWIP_LIBRARY})
  set(drip_port_lwip_sockets_libs "${drip_l}-l${DRIP_LWIP_LIBNAME}")
  set(drip_port_lwip_sockets_cflags "-I${LWIP_INCLUDE_DIR} -D_POSIX_C_SOURCE=200809L")
  set(drip_port_lwip_sockets_desc "lwIP sockets API transport")
endif()

foreach(b ${DRIP_BUNDLES})
  list(APPEND drip_ports ${b})
  set(drip_port_${b}_header ${PROJECT_SOURCE_DIR}/port/bundle/drip_https.h
                            ${PROJECT_SOURCE_DIR}/port/bundle/drip_${b}.h)
  set(drip_port_${b}_libs "")
  set(drip_port_${b}_cflags "")
  set(drip_port_${b}_desc "one-struct HTTPS client (TCP + TLS + client + buffers)")
endforeach()
set(drip_port_https_posix_requires ", dripfeed-posix = ${PROJECT_VERSION}, dripfeed-mbedtls = ${PROJECT_VERSION}")
set(drip_port_https_lwip_requires ", dripfeed-lwip-sockets = ${PROJECT_VERSION}, dripfeed-mbedtls = ${PROJECT_VERSION}")

set(drip_targets dripfeed_core)
foreach(p ${drip_ports})
  list(APPEND drip_targets dripfeed_port_${p})
  install(FILES ${drip_port_${p}_header} DESTINATION ${DRIP_PORT_INCLUDE})
endforeach()
install(TARGETS ${drip_targets} EXPORT dripfeedTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT dripfeedTargets NAMESPACE dripfeed:: DESTINATION ${DRIP_CMAKE_DIR})

# The package config repeats the lookups of jsmn, mbedTLS and lwIP (none of
# them ships a CMake package on Debian 12), starting where this build found them.
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/dripfeedConfig.cmake.in
  ${PROJECT_BINARY_DIR}/dripfeedConfig.cmake INSTALL_DESTINATION ${DRIP_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/dripfeedConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/dripfeedConfig.cmake
              ${PROJECT_BINARY_DIR}/dripfeedConfigVersion.cmake
        DESTINATION ${DRIP_CMAKE_DIR})

# pkg-config: prefix relative to the .pc file, so `cmake --install --prefix`
# anywhere gives working files. Static libraries: a port's dependencies are in
# Libs, not Libs.private.
file(RELATIVE_PATH DRIP_PC_TO_PREFIX /_p/${DRIP_PC_DIR} /_p)
string(REGEX REPLACE "/$" "" DRIP_PC_TO_PREFIX "${DRIP_PC_TO_PREFIX}")
set(DRIP_PC_PREFIX "\${pcfiledir}/${DRIP_PC_TO_PREFIX}")
set(DRIP_JSMN_CFLAGS "")
if(NOT JSMN_INCLUDE_DIR IN_LIST CMAKE_C_IMPLICIT_INCLUDE_DIRECTORIES)
  set(DRIP_JSMN_CFLAGS " -I${JSMN_INCLUDE_DIR}")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/dripfeed.pc.in ${PROJECT_BINARY_DIR}/pkgconfig/dripfeed.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/dripfeed.pc DESTINATION ${DRIP_PC_DIR})
foreach(p ${drip_ports})
  string(REPLACE "_" "-" DRIP_PC_PORT ${p})
  set(DRIP_PC_PORT_LIB dripfeed_port_${p})
  set(DRIP_PC_PORT_DESC "${drip_port_${p}_desc}")
  set(DRIP_PC_PORT_LIBS "${drip_port_${p}_libs}")
  set(DRIP_PC_PORT_CFLAGS "${drip_port_${p}_cflags}")
  set(DRIP_PC_PORT_REQUIRES "${drip_port_${p}_requires}")
  configure_file(${CMAKE_CURRENT_LIST_DIR}/dripfeed-port.pc.in
    ${PROJECT_BINARY_DIR}/pkgconfig/dripfeed-${DRIP_PC_PORT}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/dripfeed-${DRIP_PC_PORT}.pc DESTINATION ${DRIP_PC_DIR})
endforeach()
