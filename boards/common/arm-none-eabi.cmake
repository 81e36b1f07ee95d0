# SPDX-License-Identifier: Apache-2.0
# CMake toolchain file: bare-metal Arm Cortex-M4 with Debian's gcc-arm-none-eabi
# and newlib-nano (libnewlib-arm-none-eabi). Used by boards/CMakeLists.txt:
#   cmake -S boards -B build/fw -DCMAKE_TOOLCHAIN_FILE=boards/common/arm-none-eabi.cmake
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_OBJCOPY arm-none-eabi-objcopy CACHE FILEPATH "")
set(CMAKE_SIZE arm-none-eabi-size CACHE FILEPATH "")

# No host executable can run: test the compiler with a static library only.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# Soft float, like scripts/size.sh: dripfeed does no floating point, and the
# figures stay comparable with `make size`.
set(FW_CPU_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=soft")
set(CMAKE_C_FLAGS_INIT "${FW_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${FW_CPU_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${FW_CPU_FLAGS} --specs=nano.specs -nostartfiles -Wl,--gc-sections")

# Never search the host's /usr/include or /usr/lib.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
