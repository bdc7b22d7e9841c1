#!/usr/bin/env bash
# Runs Cadence for a new user: installs what is missing, builds, seeds the demo tenant and serves.
set -euo pipefail
cd "$(dirname "$0")/.."
CADENCE_BOOTSTRAP_BROWSER=0 CADENCE_BOOTSTRAP_NPM=0 ./scripts/bootstrap.sh
source scripts/env.sh

echo "[run] building (debug; first build takes several minutes)"
cargo leptos build --split

addr="${CADENCE_ADDR:-127.0.0.1:3000}"
port="${addr##*:}"
export LEPTOS_SITE_ROOT="$CARGO_TARGET_DIR/site"
echo "[run] open http://localhost:$port (platform) and http://demo.localhost:$port (demo storefront)"
exec "$CARGO_TARGET_DIR/debug/cadence" serve --seed-demo
