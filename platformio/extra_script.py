# SPDX-License-Identifier: Apache-2.0
# PlatformIO library build script (library.json build.extraScript), run in
# the library's build environment.
#  - Both frameworks: the project sees core/include and arduino/src (the
#    library's includeDir alone would give only one of them).
#  - Arduino: DripFeed (arduino/src) over the board's Client; nothing else.
#  - ESP-IDF (espressif32 + espidf): no Arduino Client, so the wrapper is left
#    out and the lwIP sockets and Mbed TLS ports (port/lwip, port/mbedtls)
#    are built instead, over ESP-IDF's own lwIP and Mbed TLS; the ESP-IDF
#    glue with Kconfig (boards/esp32/idf) is the ESP-IDF component's, not
#    PlatformIO's.
# Not run here: PlatformIO was not available (docs/ecosystems.md).
import os

Import("env")  # noqa: F821 (SCons)
try:  # PlatformIO exports its library builder; else SCons runs this in platformio/
    Import("pio_lib_builder")  # noqa: F821
    lib_dir = pio_lib_builder.path  # noqa: F821
except Exception:  # pylint: disable=broad-except
    lib_dir = os.path.realpath("..")
frameworks = env.GetProjectOption("framework", [])  # noqa: F821
if isinstance(frameworks, str):
    frameworks = [frameworks]

inc = [os.path.join(lib_dir, "core", "include"), os.path.join(lib_dir, "arduino", "src")]
DefaultEnvironment().Append(CPPPATH=inc)  # noqa: F821 (the project and every library)

src_filter = ["-<*>", "+<core/src/*.c>"]
if "arduino" in frameworks:
    src_filter.append("+<arduino/src/*.cpp>")
elif "espidf" in frameworks:
    src_filter += ["+<port/lwip/drip_lwip_sockets.c>", "+<port/mbedtls/drip_tls.c>"]
    env.Append(CPPPATH=[os.path.join(lib_dir, "port", "lwip"),  # noqa: F821
                        os.path.join(lib_dir, "port", "mbedtls")])
env.Replace(SRC_FILTER=src_filter)  # noqa: F821
