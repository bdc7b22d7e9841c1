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

echo "[run] building (debug; first build takes several minutes)"
cargo leptos build --split
took "build"

addr="${CADENCE_ADDR:-127.0.0.1:3000}"
port="${addr##*:}"
export LEPTOS_SITE_ROOT="$CARGO_TARGET_DIR/site"
echo "[run] open http://localhost:$port (platform) and http://demo.localhost:$port (demo storefront)"
echo "[run] the server reports its start-up steps below; the demo is ready when it logs 'Cadence is serving'"
exec "$CARGO_TARGET_DIR/debug/cadence" serve --seed-demo
