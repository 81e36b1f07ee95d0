#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# CTest consumer_builds: dripfeed used from an outside project, three ways.
#   run_consumer.sh SRC_ROOT WORK_DIR [CC]
# 1. dripfeed configured as top level without tests and tool, built and
#    installed into WORK_DIR/prefix; the install tree is checked file by file.
# 2. (a) tests/consumer via find_package(dripfeed COMPONENTS posix mbedtls)
#    (b) consumer.c compiled by hand with pkg-config (dripfeed, then
#        dripfeed + dripfeed-posix + dripfeed-mbedtls); each port header
#        installed, compiled alone against its .pc Cflags
#    (c) tests/consumer with add_subdirectory of the source tree: no cmocka
#        lookup, no test or tool target, the ports present.
# 3. dripfeed top level as if cmocka were missing: configure passes and says
#    the tests are left out; library and host tool build.
# Every consumer binary decodes two recorded answers (tests/captures) and its
# text must equal the reference decoder's (*.expected "text"); the ones with
# the ports must show mbedTLS refusing a bad CA. WORK_DIR is removed at the end
# when everything passed (kept for a look otherwise).
set -euo pipefail
SRC=$(cd "$1" && pwd)
WORK=$2
CC=${3:-cc}
JOBS=${JOBS:-2}
unset MAKEFLAGS MAKELEVEL MFLAGS
rm -rf "$WORK"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
PREFIX=$WORK/prefix
fails=0
fail() { echo "consumer_builds: FAIL: $*" >&2; fails=$((fails + 1)); }
step() { echo "== $*"; }
run_quiet() { # log file, command...: the log is shown when it fails
    local log=$1; shift
    "$@" >"$log" 2>&1 || { cat "$log" >&2; return 1; }
}

CAPTURES=(responses-reasoning-summary-o3mini chat-text)
api_of() { case $1 in chat-*) echo chat ;; *) echo responses ;; esac; }

# check_bin WHAT BINARY PORTS(0|1): decode every capture, compare.
check_bin() {
    local what=$1 bin=$2 ports=$3 cap api want got err
    for cap in "${CAPTURES[@]}"; do
        api=$(api_of "$cap")
        want=$WORK/$cap.want
        python3 -c 'import json,sys; sys.stdout.write(json.load(open(sys.argv[1], encoding="utf-8"))["text"])' \
            "$SRC/tests/captures/$cap.expected" >"$want"
        got=$WORK/out.txt err=$WORK/err.txt
        if ! "$bin" "$api" "$SRC/tests/captures/$cap.http" >"$got" 2>"$err"; then
            fail "$what: $cap: exit status $? ($(tr '\n' ' ' <"$err"))"; continue
        fi
        if ! cmp -s "$want" "$got"; then
            fail "$what: $cap: text differs from the reference ($(wc -c <"$got") vs $(wc -c <"$want") bytes)"
            diff <(cat "$want"; echo) <(cat "$got"; echo) | head -5 >&2 || true
        fi
        grep -qx "state=completed http=200 events=[1-9][0-9]*" "$err" \
            || fail "$what: $cap: no completed state line ($(tr '\n' ' ' <"$err"))"
        if [[ $ports == 1 ]]; then
            grep -qx "tls=rejected mbedtls=-0x[0-9a-f]*" "$err" \
                || fail "$what: $cap: mbedTLS did not refuse the bad CA ($(tr '\n' ' ' <"$err"))"
        fi
    done
    echo "$what: ${#CAPTURES[@]} captures decoded, text equal to the reference$([[ $ports == 1 ]] && echo ', TLS port linked and refusing a bad CA')"
}

# ---- 1. build and install the library alone -------------------------------
step "install: dripfeed into $PREFIX (DRIPFEED_BUILD_TESTS=OFF, DRIPFEED_BUILD_TOOLS=OFF)"
run_quiet "$WORK/lib-configure.log" cmake -S "$SRC" -B "$WORK/lib" -DCMAKE_C_COMPILER="$CC" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/nonexistent/configured-prefix \
    -DDRIPFEED_BUILD_TESTS=OFF -DDRIPFEED_BUILD_TOOLS=OFF
run_quiet "$WORK/lib-build.log" cmake --build "$WORK/lib" -j "$JOBS"
# Another prefix than the configured one: the package must be relocatable.
run_quiet "$WORK/lib-install.log" cmake --install "$WORK/lib" --prefix "$PREFIX"
[[ ! -e $WORK/lib/dripfeed ]] || fail "host tool built although DRIPFEED_BUILD_TOOLS=OFF"
[[ ! -d $WORK/lib/tests ]] || fail "tests configured although DRIPFEED_BUILD_TESTS=OFF"
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$WORK/lib/CMakeCache.txt")
for f in include/dripfeed/dripfeed.h include/dripfeed/drip_stream.h include/dripfeed/drip_transport.h \
         include/dripfeed/port/drip_posix.h include/dripfeed/port/drip_tls.h \
         "$libdir/libdripfeed_core.a" "$libdir/libdripfeed_port_posix.a" "$libdir/libdripfeed_port_mbedtls.a" \
         "$libdir/cmake/dripfeed/dripfeedConfig.cmake" "$libdir/cmake/dripfeed/dripfeedConfigVersion.cmake" \
         "$libdir/cmake/dripfeed/dripfeedTargets.cmake" \
         "$libdir/pkgconfig/dripfeed.pc" "$libdir/pkgconfig/dripfeed-posix.pc" "$libdir/pkgconfig/dripfeed-mbedtls.pc"; do
    [[ -f $PREFIX/$f ]] || fail "not installed: $f"
done
for h in "$SRC"/core/include/dripfeed/*.h; do
    cmp -s "$h" "$PREFIX/include/dripfeed/$(basename "$h")" || fail "header not installed as is: $(basename "$h")"
done
grep -rqE "$SRC|$WORK/lib|configured-prefix" "$PREFIX/$libdir/cmake/dripfeed" "$PREFIX/$libdir/pkgconfig" \
    && fail "the installed package refers to the source/build tree or the configured prefix"
echo "install: headers, libraries, CMake package and pkg-config files in place"

# ---- 2a. find_package ----------------------------------------------------------
step "(a) find_package(dripfeed) from $PREFIX"
if run_quiet "$WORK/a-configure.log" cmake -S "$SRC/tests/consumer" -B "$WORK/a" -DCMAKE_C_COMPILER="$CC" \
        -DCONSUMER_MODE=package -DCMAKE_PREFIX_PATH="$PREFIX" \
   && run_quiet "$WORK/a-build.log" cmake --build "$WORK/a" -j "$JOBS"; then
    grep -q "dripfeed_DIR:PATH=$PREFIX/$libdir/cmake/dripfeed" "$WORK/a/CMakeCache.txt" \
        || fail "(a) dripfeed not found in the temporary prefix"
    check_bin "(a) find_package, core" "$WORK/a/consumer_core" 0
    check_bin "(a) find_package, core+posix+mbedtls" "$WORK/a/consumer_ports" 1
else
    fail "(a) find_package consumer did not configure/build"
fi

# ---- 2b. pkg-config -------------------------------------------------------------
step "(b) pkg-config against $PREFIX"
export PKG_CONFIG_PATH=$PREFIX/$libdir/pkgconfig
[[ $(pkg-config --modversion dripfeed) == 0.1.0 ]] || fail "(b) dripfeed.pc version is not 0.1.0"
mkdir -p "$WORK/b"
# shellcheck disable=SC2046 # pkg-config output is word-split on purpose
if "$CC" -std=c99 -Wall -Wextra -Werror -pedantic $(pkg-config --cflags dripfeed) \
        -o "$WORK/b/consumer_core" "$SRC/tests/consumer/consumer.c" $(pkg-config --libs dripfeed); then
    check_bin "(b) pkg-config dripfeed" "$WORK/b/consumer_core" 0
else
    fail "(b) consumer.c with pkg-config dripfeed did not build"
fi
pcs=(dripfeed-mbedtls dripfeed-posix)
# shellcheck disable=SC2046
if "$CC" -std=c99 -Wall -Wextra -Werror -pedantic -DCONSUMER_PORTS=1 $(pkg-config --cflags "${pcs[@]}") \
        -o "$WORK/b/consumer_ports" "$SRC/tests/consumer/consumer.c" $(pkg-config --libs "${pcs[@]}"); then
    check_bin "(b) pkg-config ${pcs[*]}" "$WORK/b/consumer_ports" 1
else
    fail "(b) consumer.c with pkg-config ${pcs[*]} did not build"
fi
# Every installed port header compiles on its own with its .pc's Cflags.
for h in "$PREFIX"/include/dripfeed/port/*.h; do
    name=$(basename "$h" .h)
    case $name in
        drip_posix) pc=dripfeed-posix ;; drip_tls) pc=dripfeed-mbedtls ;;
        drip_lwip_sockets) pc=dripfeed-lwip-sockets ;;
        drip_https | drip_https_posix) pc=dripfeed-https-posix ;; drip_https_lwip) pc=dripfeed-https-lwip ;;
        *) fail "(b) no .pc for $name.h"; continue ;;
    esac
    printf '#include "%s.h"\nint main(void) { return 0; }\n' "$name" >"$WORK/b/inc_$name.c"
    # shellcheck disable=SC2046
    "$CC" -std=c99 -Wall -Wextra -Werror -c $(pkg-config --cflags "$pc") -o "$WORK/b/inc_$name.o" \
        "$WORK/b/inc_$name.c" || fail "(b) installed $name.h does not compile with $pc.pc"
done
echo "(b) installed port headers: $(cd "$PREFIX/include/dripfeed/port" && echo *.h) compile alone"

# ---- 2c. add_subdirectory ----------------------------------------------------
step "(c) add_subdirectory($SRC)"
if run_quiet "$WORK/c-configure.log" cmake -S "$SRC/tests/consumer" -B "$WORK/c" -DCMAKE_C_COMPILER="$CC" \
        -DCONSUMER_MODE=subdir -DDRIPFEED_DIR="$SRC" \
   && run_quiet "$WORK/c-build.log" cmake --build "$WORK/c" -j "$JOBS"; then
    ! grep -q "^cmocka_DIR" "$WORK/c/CMakeCache.txt" || fail "(c) the parent's configure looked for cmocka"
    [[ ! -e $WORK/c/dripfeed/dripfeed && ! -d $WORK/c/dripfeed/tests ]] \
        || fail "(c) the parent's build made dripfeed's tests or host tool"
    [[ -f $WORK/c/dripfeed/libdripfeed_port_mbedtls.a ]] || fail "(c) the mbedTLS port was not built"
    check_bin "(c) add_subdirectory, core" "$WORK/c/consumer_core" 0
    check_bin "(c) add_subdirectory, core+posix+mbedtls" "$WORK/c/consumer_ports" 1
else
    fail "(c) add_subdirectory consumer did not configure/build"
fi

# ---- 3. top level without cmocka ---------------------------------------------
# (as if libcmocka-dev were not installed): configure says so and leaves the
# tests out; `make` (library + host tool) still builds.
step "no cmocka: top-level configure with CMAKE_DISABLE_FIND_PACKAGE_cmocka"
if run_quiet "$WORK/nc-configure.log" cmake -S "$SRC" -B "$WORK/nc" -DCMAKE_C_COMPILER="$CC" \
        -DCMAKE_DISABLE_FIND_PACKAGE_cmocka=ON \
   && run_quiet "$WORK/nc-build.log" cmake --build "$WORK/nc" -j "$JOBS"; then
    grep -q "cmocka not found: tests not built" "$WORK/nc-configure.log" \
        || fail "no cmocka: configure did not say the tests are left out"
    [[ -x $WORK/nc/dripfeed && -f $WORK/nc/libdripfeed_core.a ]] \
        || fail "no cmocka: host tool or library not built"
    [[ ! -d $WORK/nc/tests && ! -e $WORK/nc/test_http ]] || fail "no cmocka: tests configured anyway"
    echo "no cmocka: configure OK (tests left out, said so), library and host tool built"
else
    fail "no cmocka: top-level configure/build failed"
fi

if [[ $fails -ne 0 ]]; then
    echo "consumer_builds: $fails failure(s); work tree kept in $WORK" >&2
    exit 1
fi
rm -rf "$WORK"
echo "consumer_builds: OK (find_package, pkg-config, add_subdirectory)"
