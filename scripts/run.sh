#!/usr/bin/env bash
# Runs Cadence for a new user: installs what is missing, builds, seeds the demo tenant and serves.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step_started=$started
# Prints how long the step that just ended took, and the time since the start.
took() {
  local now; now=$(date +%s)
  echo "[run] $1: $((now - step_started)) s (total $((now - started)) s)"
  step_started=$now
}

CADENCE_BOOTSTRAP_BROWSER=0 CADENCE_BOOTSTRAP_NPM=0 ./scripts/bootstrap.sh
took "tools"
source scripts/env.sh

# The site names its own hashed files (hash.txt inside it), so any binary serving it links them right.
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$CARGO_TARGET_DIR/site}"
export LEPTOS_HASH_FILE_NAME="$LEPTOS_SITE_ROOT/hash.txt"
echo "[run] building (debug; first build takes several minutes)"
cargo leptos build --split
took "build"
echo "[run] writing brotli and gzip copies of the built files"
"$CARGO_TARGET_DIR/debug/cadence" precompress --quick --site "$LEPTOS_SITE_ROOT" | tail -1
took "compressed copies"

addr="${CADENCE_ADDR:-127.0.0.1:3000}"
port="${addr##*:}"
echo "[run] open http://localhost:$port (platform) and http://demo.localhost:$port (demo storefront)"
echo "[run] the server reports its start-up steps below; the demo is ready when it logs 'Cadence is serving'"
exec "$CARGO_TARGET_DIR/debug/cadence" serve --seed-demo
