#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# update_roots.sh [CERT_DIR] - rewrite openai_roots.pem from the system's
# Mozilla CA store (Debian/Ubuntu: package ca-certificates, CERT_DIR defaults
# to /usr/share/ca-certificates/mozilla).
#
# The roots api.openai.com's Cloudflare front chains to: Google Trust
# Services (the WE1/WR1 intermediates under GTS Root R4/R1) and Let's
# Encrypt (ISRG Root X1/X2, Cloudflare's other issuer). Check the live chain
# before shipping (`openssl s_client -connect api.openai.com:443 -showcerts`)
# and add its root here if it is not one of these. For a relay, use its CA.
set -eu
DIR=${1:-/usr/share/ca-certificates/mozilla}
OUT=$(dirname "$0")/openai_roots.pem
ROOTS="GTS_Root_R1 GTS_Root_R4 ISRG_Root_X1 ISRG_Root_X2"
VER=$(dpkg-query -W -f='${Version}' ca-certificates 2>/dev/null || echo unknown)
{
    echo "# SPDX-License-Identifier: MPL-2.0"
    echo "# Root certificates from Mozilla's CA store (MPL-2.0), as shipped by"
    echo "# ca-certificates $VER; written by update_roots.sh: $ROOTS."
    echo "# Text outside the BEGIN/END lines is ignored by Mbed TLS."
    for r in $ROOTS; do
        f=$DIR/$r.crt
        [ -f "$f" ] || { echo "update_roots.sh: $f missing" >&2; exit 1; }
        echo "# $r: $(openssl x509 -in "$f" -noout -subject -enddate | tr '\n' ' ')"
        openssl x509 -in "$f" -outform PEM
    done
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "update_roots.sh: wrote $OUT ($(wc -c <"$OUT") bytes)"
