#!/usr/bin/env bash
# Runs every test: formatting, clippy (native and wasm), unit and integration tests against a
# throwaway PostgreSQL cluster, and the end-to-end specs in Chromium against a real server.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
source scripts/env.sh

step() { printf '\n\033[1;34m[test]\033[0m %s\n' "$*"; }
work="$(mktemp -d /tmp/cadence-test.XXXXXX)"
chmod 755 "$work"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  # Stop the throwaway test cluster (the e2e server stopped its own on SIGTERM).
  if [ -f "$work/pg/postgres-credentials.json" ]; then
    CADENCE_DATA_DIR="$work/pg" "$CARGO_TARGET_DIR/debug/cadence" db stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

step "formatting"
cargo fmt --all -- --check

step "clippy (server side)"
cargo clippy --all-targets --locked -- -D warnings

step "clippy (browser side)"
cargo clippy -p app --features hydrate --target wasm32-unknown-unknown --locked -- -D warnings

step "build (cargo leptos)"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$CARGO_TARGET_DIR/site}"
export LEPTOS_HASH_FILE_NAME="$LEPTOS_SITE_ROOT/hash.txt"
cargo leptos build --split
"$CARGO_TARGET_DIR/debug/cadence" precompress --quick --site "$LEPTOS_SITE_ROOT" | tail -1

step "unit and integration tests (real PostgreSQL)"
export CADENCE_TEST_PG_DIR="$work/pg"
cargo test --locked
# The app crate is not a default member: its unit tests (charts, view helpers) run here.
cargo test --locked -p app --features ssr --lib

step "end-to-end (Chromium)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export CADENCE_ADDR="127.0.0.1:$port"
export CADENCE_DATA_DIR="$work/e2e"
export CADENCE_LOG=json
"$CARGO_TARGET_DIR/debug/cadence" serve --seed-demo >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.1
done
export CADENCE_E2E_PORT="$port"
# On failure the server log's tail comes first and Playwright's summary last, so that the end
# of the output (all that some CI views keep) names the failing spec and its error.
if ! (cd end2end && npx playwright test 2>&1 | tee "$work/e2e.log"; exit "${PIPESTATUS[0]}"); then
  echo "--- server log (tail)"; tail -20 "$work/server.log"
  echo "--- end-to-end failures (again, from the run above)"
  sed -n '/^  [0-9]*) /,$p' "$work/e2e.log" | sed 's/\x1b\[[0-9;]*m//g' | grep -v '^\s*$' | head -100
  echo "--- end-to-end summary"; sed 's/\x1b\[[0-9;]*m//g' "$work/e2e.log" | grep -v '^\s*$' | tail -12
  exit 1
fi

step "parser fuzzing (cargo-fuzz, briefly)"
bench/fuzz.sh 15

step "API fuzzing (schemathesis, bounded)"
if bench/schemathesis.sh --install-only >/dev/null 2>&1; then
  bench/schemathesis.sh 20 "http://127.0.0.1:$port" \
    || { echo "--- server log (tail)"; tail -30 "$work/server.log"; exit 1; }
else
  echo "skipped: schemathesis could not be installed from PyPI on this machine"
fi

step "shutdown"
kill -TERM "$server_pid"
start=$(date +%s)
wait "$server_pid"
echo "server stopped cleanly in $(( $(date +%s) - start ))s"
server_pid=""
