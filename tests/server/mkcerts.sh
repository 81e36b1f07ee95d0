#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# mkcerts.sh OUTDIR [--force]
#
# Generates the TLS material the replay server tests need, at test time (never committed).
# All keys are EC P-256, so a full run takes well under a second.
#
#   ca.pem / ca.key / ca.der        test CA (self-signed, CA:TRUE); clients trust this one
#   server.pem / server.key         CN=localhost, SAN DNS:localhost, IP:127.0.0.1, signed by ca
#   other-ca.pem / other-ca.key     an unrelated CA: trusting it must make server.pem fail
#   wrong-host.pem / wrong-host.key signed by ca, SAN DNS:wrong.example only (hostname mismatch)
#   expired.pem / expired.key       signed by ca, SAN localhost + 127.0.0.1, validity entirely in
#                                   the past (2020-01-01 .. 2020-01-02): only the dates are wrong
#
# Idempotent: when every file exists, the leaves verify against ca.pem and server.pem is valid for
# at least one more day, nothing is touched. Otherwise everything is regenerated in a private
# temporary directory and moved into OUTDIR (under an flock, so parallel test runs do not mix
# files from two generations). --force always regenerates.
#
# Works with OpenSSL 1.1.1 and 3.x: the expired certificate is made with `openssl ca
# -startdate/-enddate` (`openssl x509 -req -not_before/-not_after` only exists from 3.4 on).
set -eu

usage() { echo "usage: $0 OUTDIR [--force]" >&2; exit 2; }
[ $# -ge 1 ] || usage
OUT=$1
FORCE=0
[ "${2:-}" = "--force" ] && FORCE=1
command -v openssl >/dev/null 2>&1 || { echo "mkcerts.sh: openssl not found (apt-get install openssl)" >&2; exit 1; }

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# Serialise concurrent runs on the same OUTDIR (flock is in util-linux; skip if absent).
if command -v flock >/dev/null 2>&1; then
    exec 9>>"$OUT/.mkcerts.lock"
    flock 9
fi

FILES="ca.pem ca.key ca.der server.pem server.key other-ca.pem other-ca.key
       wrong-host.pem wrong-host.key expired.pem expired.key"

up_to_date() {
    for f in $FILES; do [ -s "$OUT/$f" ] || return 1; done
    openssl verify -CAfile "$OUT/ca.pem" "$OUT/server.pem" "$OUT/wrong-host.pem" >/dev/null 2>&1 || return 1
    openssl x509 -in "$OUT/server.pem" -noout -checkend 86400 >/dev/null 2>&1 || return 1
    # The expired leaf must still chain to the current CA (only its dates are wrong).
    openssl verify -no_check_time -CAfile "$OUT/ca.pem" "$OUT/expired.pem" >/dev/null 2>&1 || return 1
    return 0
}

if [ "$FORCE" = 0 ] && up_to_date; then
    exit 0
fi

TMP=$(mktemp -d "$OUT/.mkcerts.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

# A self-contained OpenSSL config: nothing depends on the system openssl.cnf.
cat >"$TMP/openssl.cnf" <<'EOF'
[ req ]
distinguished_name = req_dn
prompt             = no
[ req_dn ]
CN = placeholder

[ ca_ext ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ server_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
subjectAltName         = DNS:localhost, IP:127.0.0.1

[ wrong_host_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
subjectAltName         = DNS:wrong.example

# `openssl ca` section, used only for the expired certificate (it accepts explicit dates).
[ ca ]
default_ca = test_ca
[ test_ca ]
dir             = CADIR
database        = $dir/index.txt
serial          = $dir/serial
new_certs_dir   = $dir/newcerts
default_md      = sha256
policy          = policy_any
unique_subject  = no
copy_extensions = none
[ policy_any ]
commonName = supplied
EOF
sed -i "s#CADIR#$TMP/ca-db#" "$TMP/openssl.cnf"
CNF="$TMP/openssl.cnf"

genkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
serial() { echo "0x$(openssl rand -hex 8)"; }

# Self-signed CA: $1 = basename, $2 = CN.
mkca() {
    genkey "$TMP/$1.key"
    openssl req -config "$CNF" -new -x509 -sha256 -days 3650 -key "$TMP/$1.key" \
        -subj "/CN=$2" -extensions ca_ext -set_serial "$(serial)" -out "$TMP/$1.pem"
}

# Leaf signed by the test CA with `openssl x509 -req`: $1 = basename, $2 = CN, $3 = ext section.
mkleaf() {
    genkey "$TMP/$1.key"
    openssl req -config "$CNF" -new -sha256 -key "$TMP/$1.key" -subj "/CN=$2" -out "$TMP/$1.csr"
    openssl x509 -req -sha256 -days 825 -in "$TMP/$1.csr" -CA "$TMP/ca.pem" -CAkey "$TMP/ca.key" \
        -set_serial "$(serial)" -extfile "$CNF" -extensions "$3" -out "$TMP/$1.pem" 2>/dev/null
}

mkca ca "dripfeed test CA"
mkca other-ca "dripfeed unrelated CA"
openssl x509 -in "$TMP/ca.pem" -outform DER -out "$TMP/ca.der"
mkleaf server localhost server_ext
mkleaf wrong-host wrong.example wrong_host_ext

# Expired leaf: same names as server.pem, validity 2020-01-01 .. 2020-01-02 (UTC).
mkdir -p "$TMP/ca-db/newcerts"
: >"$TMP/ca-db/index.txt"
openssl rand -hex 8 >"$TMP/ca-db/serial"
genkey "$TMP/expired.key"
openssl req -config "$CNF" -new -sha256 -key "$TMP/expired.key" -subj "/CN=localhost" -out "$TMP/expired.csr"
openssl ca -config "$CNF" -batch -notext -cert "$TMP/ca.pem" -keyfile "$TMP/ca.key" \
    -startdate 20200101000000Z -enddate 20200102000000Z -extensions server_ext -extfile "$CNF" \
    -in "$TMP/expired.csr" -out "$TMP/expired.pem" 2>/dev/null

chmod 600 "$TMP"/*.key
# CA first, then the leaves: a reader never sees a leaf newer than its CA for long.
for f in ca.pem ca.key ca.der other-ca.pem other-ca.key server.pem server.key \
         wrong-host.pem wrong-host.key expired.pem expired.key; do
    mv -f "$TMP/$f" "$OUT/$f"
done

up_to_date || { echo "mkcerts.sh: generated certificates failed their own check" >&2; exit 1; }
