#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs BUILD_DIR/test_tls_port against local openssl s_server instances,
# or COMMAND (boards/esp32/test-stubs/check.sh runs its test_glue so), with
# the arguments CERT_DIR GOOD_PORT WRONG_HOST_PORT appended.
#
#   run_tls_port_test.sh BUILD_DIR [COMMAND...]
#
# Everything is made at test time in a temporary directory and removed on
# exit (no key or certificate is ever committed):
#   ca.pem / ca.der   test CA
#   srv.pem           CN=localhost, SAN DNS:localhost + IP:127.0.0.1, from ca
#   ca2.pem           an unrelated CA (the "wrong CA")
#   wrong.pem         CN/SAN wrong.example, from ca (the "wrong host")
#   expired.pem       like srv.pem, valid 2020-01-01 .. 2020-01-02 only
#   future.pem        like srv.pem, valid 2099-01-01 .. 2100-01-01 only
# Servers listen on 127.0.0.1 ports the kernel picks (no race); all are
# stopped whatever happens. The test gets the first two as arguments, the
# date ones as DRIP_TLS_EXPIRED_PORT / DRIP_TLS_FUTURE_PORT.
# Exit: the test's status; 77 (skipped) when openssl is missing.
set -euo pipefail

build_dir=${1:?usage: run_tls_port_test.sh BUILD_DIR [COMMAND...]}
shift
if [ $# -gt 0 ]; then
  cmd=("$@")
else
  cmd=("$(cd "$build_dir" && pwd)/test_tls_port")
fi
[ -x "${cmd[-1]}" ] || command -v "${cmd[-1]}" >/dev/null || { echo "no test binary: ${cmd[-1]}"; exit 1; }
command -v openssl >/dev/null 2>&1 || { echo "openssl not installed: skipped"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/drip_tls_port.XXXXXX")
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

cd "$work"
# A config of our own: the system openssl.cnf must not add extensions.
cat > req.cnf <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
EOF
cat > ca.ext <<'EOF'
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
cat > srv.ext <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
authorityKeyIdentifier = keyid
EOF
cat > wrong.ext <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
authorityKeyIdentifier = keyid
EOF

ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
make_ca() { # name subject
  openssl req -config req.cnf -new $ec -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
  openssl x509 -req -in "$1.csr" -signkey "$1.key" -days 2 -extfile ca.ext \
    -out "$1.pem" 2>/dev/null
}
make_leaf() { # name subject extfile
  openssl req -config req.cnf -new $ec -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -set_serial "0x$(openssl rand -hex 8)" \
    -days 2 -extfile "$3" -out "$1.pem" 2>/dev/null
}
make_ca ca "/CN=dripfeed test CA"
make_ca ca2 "/CN=unrelated test CA"
make_leaf srv "/CN=localhost" srv.ext
make_leaf wrong "/CN=wrong.example" wrong.ext
openssl x509 -in ca.pem -outform DER -out ca.der

# Leaves with explicit dates: `openssl ca -startdate/-enddate` (OpenSSL 1.1.1
# and 3.x; `x509 -not_before` only exists from 3.4 on).
mkdir -p cadb/new
: > cadb/index.txt
openssl rand -hex 8 > cadb/serial
cat > ca.cnf <<EOF
[ca]
default_ca = tca
[tca]
database = $work/cadb/index.txt
new_certs_dir = $work/cadb/new
serial = $work/cadb/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
EOF
make_dated() { # name startdate enddate
  openssl req -config req.cnf -new $ec -keyout "$1.key" -out "$1.csr" -subj "/CN=localhost" 2>/dev/null
  openssl ca -config ca.cnf -batch -notext -cert ca.pem -keyfile ca.key -startdate "$2" \
    -enddate "$3" -extfile srv.ext -in "$1.csr" -out "$1.pem" 2>/dev/null
}
make_dated expired 20200101000000Z 20200102000000Z
make_dated future 20990101000000Z 21000101000000Z

# Start `openssl s_server -www` on 127.0.0.1:0; sets $port to the port it got.
# (No command substitution: the server must be our child, for cleanup.)
start_server() { # cert key log
  : >"$3" # exists before sed reads it (the background redirect may come later)
  openssl s_server -accept 127.0.0.1:0 -cert "$1" -key "$2" -www -naccept 1000 \
    </dev/null >"$3" 2>&1 &
  pids+=($!)
  local i
  port=""
  for i in $(seq 1 100); do
    port=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$3" | head -n1)
    [ -n "$port" ] && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "s_server did not start:" >&2; cat "$3" >&2
  return 1
}
start_server srv.pem srv.key good.log; good_port=$port
start_server wrong.pem wrong.key wrong.log; wrong_port=$port
start_server expired.pem expired.key expired.log; export DRIP_TLS_EXPIRED_PORT=$port
start_server future.pem future.key future.log; export DRIP_TLS_FUTURE_PORT=$port
echo "servers: good 127.0.0.1:$good_port, wrong host 127.0.0.1:$wrong_port," \
     "expired :$DRIP_TLS_EXPIRED_PORT, not yet valid :$DRIP_TLS_FUTURE_PORT"

# In the background + wait: a signal then runs the traps at once (bash defers
# them until a foreground child ends), and cleanup stops the test too.
rc=0
"${cmd[@]}" "$work" "$good_port" "$wrong_port" &
pids=("$!" "${pids[@]}")
wait "${pids[0]}" || rc=$?
exit "$rc"
