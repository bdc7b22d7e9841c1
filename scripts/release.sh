#!/usr/bin/env bash
# Builds a release: the server optimised, the wasm size-optimised (profile wasm-release) and run
# through wasm-opt from npm's binaryen (Debian's older binaryen produced a wasm that failed to
# hydrate), file names hashed, and brotli and gzip copies written beside the built files. Prints
# the bundle sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
CADENCE_BOOTSTRAP_BROWSER=0 CADENCE_BOOTSTRAP_NPM=0 ./scripts/bootstrap.sh
source scripts/env.sh
unset RUSTFLAGS  # release builds do not use erase_components

tools="$HOME/.cache/cadence/tools"
if [ ! -x "$tools/node_modules/.bin/wasm-opt" ]; then
  echo "[release] installing wasm-opt (npm binaryen@132)"
  mkdir -p "$tools"
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error binaryen@132 >/dev/null)
fi
export PATH="$tools/node_modules/.bin:$PATH"

export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$CARGO_TARGET_DIR/site}"
export LEPTOS_HASH_FILE_NAME="$LEPTOS_SITE_ROOT/hash.txt"
cargo leptos build --release --split
# Brotli 11 and gzip 9 copies beside each built file (what browsers are sent); prints the sizes.
"$CARGO_TARGET_DIR/release/cadence" precompress --site "$LEPTOS_SITE_ROOT"
echo "[release] binary: $CARGO_TARGET_DIR/release/cadence  site: $LEPTOS_SITE_ROOT"
