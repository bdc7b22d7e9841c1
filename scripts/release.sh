#!/usr/bin/env bash
# Builds a release: the server optimised, the wasm size-optimised (profile wasm-release) and run
# through wasm-opt from npm's binaryen (Debian's older binaryen produced a wasm that failed to
# hydrate). Prints the bundle sizes.
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

cargo leptos build --release --split
pkg="$CARGO_TARGET_DIR/site/pkg"
# Brotli (what browsers are served, quality 11) from PyPI's brotli, kept with the other tools.
PYTHONPATH="$tools/py" python3 -c 'import brotli' 2>/dev/null || python3 -m pip install -q --target "$tools/py" brotli >/dev/null
brotli_size() { PYTHONPATH="$tools/py" python3 -c 'import brotli,sys; print(len(brotli.compress(open(sys.argv[1],"rb").read(), quality=11)))' "$1"; }
for f in "$pkg"/*.wasm "$pkg"/*.js "$pkg"/*.css; do
  printf '%-40s %8d bytes  %8d gzip  %8d brotli\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)" "$(brotli_size "$f")"
done
for f in public/leaflet/leaflet.js public/leaflet/leaflet.css public/geo/jm-parishes.geojson; do
  printf '%-40s %8d bytes  %8d gzip  %8d brotli  (dashboard page only)\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)" "$(brotli_size "$f")"
done
echo "[release] binary: $CARGO_TARGET_DIR/release/cadence  site: $CARGO_TARGET_DIR/site"
