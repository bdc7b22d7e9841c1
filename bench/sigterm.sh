#!/usr/bin/env bash
# SIGTERM under load: the server is asked to stop while `hey` keeps requests coming; a new server
# takes over on the same port. Figures: requests failed while the first drained, and how long it
# took to exit (goal: 0 failed, under 10 s). Usage: bench/sigterm.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
rounds="${1:-5}"
command -v hey >/dev/null || { echo "hey is needed (apt-get install hey)"; exit 1; }
cargo build -q -p server --bin cadence
bin="$CARGO_TARGET_DIR/debug/cadence"
work="$(mktemp -d /tmp/cadence-sigterm.XXXXXX)"
chmod 755 "$work"   # the cluster runs as the postgres user
port=$(( 20000 + RANDOM % 10000 ))
export CADENCE_ADDR="127.0.0.1:$port" CADENCE_DATA_DIR="$work/data" CADENCE_RATE_LIMIT_SCALE=0 \
  LEPTOS_SITE_ROOT="$CARGO_TARGET_DIR/site" RUST_LOG=warn CADENCE_SHUTDOWN_SECS=8
"$bin" seed --demo >>"$work/server.log" 2>&1
"$bin" serve >>"$work/server.log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.1; done
worst=0
for r in $(seq 1 "$rounds"); do
  # Requests in flight during the stop: the storefront home, 20 at a time, for 4 seconds.
  hey -z 4s -c 20 -host "demo.localhost:$port" "http://127.0.0.1:$port/" > "$work/hey-$r.txt" 2>&1 &
  load=$!
  sleep 1
  t0=$(date +%s%N)
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  exit_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  (( exit_ms > worst )) && worst=$exit_ms
  wait "$load" || true
  ok=$(grep -E '^\s+\[200\]' "$work/hey-$r.txt" | awk '{print $2}' || true)
  refused=$(grep -E 'connection refused' "$work/hey-$r.txt" | grep -oE '\[[0-9]+\]' | tr -d '[]' | awk '{s+=$1} END{print s+0}' || true)
  failed=$(awk '/Error distribution:/{f=1;next} f' "$work/hey-$r.txt" | grep -v 'connection refused' | grep -oE '\[[0-9]+\]' | tr -d '[]' | awk '{s+=$1} END{print s+0}' || true)
  other=$(grep -E '^\s+\[[0-9]+\]' "$work/hey-$r.txt" | grep -v '\[200\]' | awk '{s+=$2} END{print s+0}' || true)
  "$bin" serve >>"$work/server.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.05; done
  gap_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "round $r: exited in ${exit_ms} ms; answered 200: ${ok:-0}; non-200: $other; failed after being accepted: $failed; new connections refused while no server listened (${gap_ms} ms until the next one was ready): $refused"
done
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
"$bin" db stop >/dev/null 2>&1 || true
rm -rf "$work"
echo "slowest exit: ${worst} ms (goal < 10000)"
