#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make demo: a local HTTPS server replays a recorded OpenAI stream; dripfeed
# streams it to the terminal through the real, verified TLS path.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
work="$BUILD/demo"
rm -rf "$work"
mkdir -p "$work"
sh tests/server/mkcerts.sh "$work/certs" >/dev/null
python3 tests/server/replay_server.py --cert "$work/certs/server.pem" --key "$work/certs/server.key" \
  --transcripts tests/transcripts --port 0 --ready-file "$work/port" >"$work/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
echo "demo: HTTPS replay server on 127.0.0.1:$port (test CA in $work/certs), verification on"
echo "demo: dripfeed stream --base-url https://localhost:$port/v1 --ca $work/certs/ca.pem ..."
echo
OPENAI_API_KEY=sk-demo-not-a-real-key "$BUILD/dripfeed" stream \
  --base-url "https://localhost:$port/v1" --ca "$work/certs/ca.pem" \
  --header "X-Drip-Transcript: responses-reasoning-summary-o3mini" \
  --header "X-Drip-Delay-Ms: 2" --header "X-Drip-Chunk: 64,256" \
  --model o3-mini --reasoning-summary detailed "How do I cross the street?" 2>"$work/progress.log" || rc=$?
echo
tail -n 1 "$work/progress.log"
exit "${rc:-0}"
