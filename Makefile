# SPDX-License-Identifier: Apache-2.0
# Thin wrapper over CMake. Every target installs what it needs first.
BUILD      ?= build
ASAN_BUILD ?= build/asan
JOBS       ?= 2
# The library and host tool (`make`; libpng + giflib for `dripfeed display`): no cmocka
# (CMake leaves the tests out without it).
BUILD_DEPS := cmake make gcc libc6-dev pkg-config binutils python3 libjsmn-dev \
              libmbedtls-dev openssl ca-certificates libpng-dev libgif-dev
# Firmware (boards/, `make firmware`): cross toolchain + newlib, apt-get source.
FW_BUILD   ?= build/fw
FW_DEPS    := cmake make python3 libjsmn-dev openssl gcc-arm-none-eabi libnewlib-arm-none-eabi \
              dpkg-dev xz-utils
# dpkg-dev (from FW_DEPS) also fetches Mbed TLS 3.6 for CTest port_tls_mbedtls3.
TEST_DEPS  := $(BUILD_DEPS) libcmocka-dev valgrind cppcheck clang-tidy liblwip-dev iproute2 \
              $(FW_DEPS) qemu-system-arm clang-14 libclang-rt-14-dev libhttp-parser-dev \
              unicode-data libespeak-ng-dev sox libpng-dev libgif-dev console-setup-linux \
              python3-yaml g++ doxygen \
              gnutls-bin util-linux
FUZZ_DEPS  := $(BUILD_DEPS) clang-14 libclang-rt-14-dev llvm-14
# API reference: Doxygen, plus what size.sh needs for the memory page.
DOCS_DEPS  := $(BUILD_DEPS) doxygen gcc-arm-none-eabi libnewlib-arm-none-eabi

.PHONY: all build test demo size bench clean deps firmware fuzz docs soak

all: build

deps:
	@scripts/deps.sh $(BUILD_DEPS)

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# A recorded answer streamed from a local HTTPS server through verified TLS.
demo: build
	@scripts/demo.sh $(BUILD)

# Every test: unit, golden/split and TLS integration tests on a normal build,
# then the unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
test: build
	@scripts/deps.sh $(TEST_DEPS)
	@cmake -S . -B $(BUILD) >/dev/null  # again: finds what only the tests need (cmocka, liblwip-dev, libhttp-parser-dev)
	@cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DDRIP_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

# Core table, then the firmware image's table (built first; skipped if it cannot be).
size: deps
	@$(MAKE) --no-print-directory firmware || echo "size: firmware build failed: its table is skipped" >&2
	@FW_BUILD=$(FW_BUILD) scripts/size.sh

# Cortex-M4 images for QEMU mps2-an386 (boards/qemu-mps2-an386/README.md):
# lwIP and mbedTLS from Debian source packages (scripts/fw_sources.sh, never
# committed), built into $(FW_BUILD); the QEMU tests in `make test` use them.
firmware:
	@scripts/deps.sh $(FW_DEPS)
	@eval "$$(scripts/fw_sources.sh)" && \
	  cmake -S boards -B $(FW_BUILD) -DCMAKE_TOOLCHAIN_FILE=$(CURDIR)/boards/common/arm-none-eabi.cmake \
	    -DFW_LWIP_DIR="$$LWIP_DIR" -DFW_MBEDTLS_DIR="$$MBEDTLS_DIR" >/dev/null
	@cmake --build $(FW_BUILD) -j $(JOBS)

# libFuzzer targets (tests/fuzz, clang-14 + ASan + UBSan), FUZZ_SECONDS each
# (default 60) or FUZZ_RUNS executions each; prints executions, libFuzzer coverage
# and the lines of core each target reached (FUZZ_COVERAGE=0 skips that).
fuzz:
	@scripts/deps.sh $(FUZZ_DEPS)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) scripts/fuzz.sh

# API reference in $(BUILD)/docs/html (Doxygen over the public headers, a
# memory page from size.sh); fails on any Doxygen warning.
docs:
	@scripts/deps.sh $(DOCS_DEPS)
	@scripts/docs.sh $(BUILD)/docs

bench: build
	@scripts/bench.sh $(BUILD)

# Soak (not in `make test`, which runs CTest soak_short): SOAK_N sequential
# answers through one keep-alive client from the replay server, seeded faults
# every few answers, every answer checked, resources flat (tests/soak/).
# Then SOAK_LWIP_N (1000) answers through lwIP in a network namespace (root).
SOAK_N ?= 10000
SOAK_LWIP_N ?= 1000
soak: build
	@scripts/deps.sh $(TEST_DEPS)
	@cmake -S . -B $(BUILD) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target soak soak_heap_peak lwip_stream
	@python3 tests/lwip/run_lwip_test.py $(BUILD)/lwip_stream --soak $(SOAK_LWIP_N)
	@python3 tests/soak/run_soak.py $(BUILD) $(SOAK_N)

clean:
	rm -rf $(BUILD)
