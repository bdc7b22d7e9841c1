#!/usr/bin/env bash
# What each page downloads of wasm and script, compressed as browsers get it (brotli quality 11 and
# gzip -9): the release build (run scripts/release.sh first) on a fresh demo; a real Chromium opens
# the storefront, the home page and, signed in with an empty cache, the ad dashboard.
# Usage: bench/wasm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bin="$CARGO_TARGET_DIR/release/cadence"
site="$CARGO_TARGET_DIR/site"
tools="$HOME/.cache/cadence/tools"
[ -x "$bin" ] && [ -f "$site/pkg/cadence.wasm" ] || { echo "run scripts/release.sh first"; exit 1; }
PYTHONPATH="$tools/py" python3 -c 'import brotli' 2>/dev/null || python3 -m pip install -q --target "$tools/py" brotli >/dev/null
# cargo-leptos writes debug and release builds to the same site folder.
[ "$(stat -c %s "$site/pkg/cadence.wasm")" -lt 8000000 ] || echo "warning: the site holds a debug build (run scripts/release.sh first)"

work="$(mktemp -d)"
chmod 755 "$work"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export CADENCE_DATA_DIR="$work/data"
cleanup() { [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; "$bin" db stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
CADENCE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$site" CADENCE_RATE_LIMIT_SCALE=0 RUST_LOG=warn \
  "$bin" serve --seed-demo >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done

(cd end2end && CADENCE_E2E_PORT="$port" node wasm-size.mjs) >"$work/files.json"
PYTHONPATH="$tools/py" python3 - "$work/files.json" "$site" <<'PY'
import brotli, gzip, json, os, sys
pages = json.load(open(sys.argv[1]))
for page, files in pages.items():
    total = [0, 0, 0]
    rows = []
    for f in sorted(files):
        data = open(os.path.join(sys.argv[2], f.lstrip('/')), 'rb').read()
        sizes = (len(data), len(gzip.compress(data, 9)), len(brotli.compress(data, quality=11)))
        total = [a + b for a, b in zip(total, sizes)]
        rows.append((f, sizes))
    wasm = sum(s[2] for f, s in rows if f.endswith('.wasm'))
    print(f"== {page}: {len(files)} files, {total[0]:,} bytes, {total[1]:,} gzip, {total[2]:,} brotli "
          f"(wasm alone {wasm:,} brotli)")
    for f, (raw, gz, br) in sorted(rows, key=lambda r: -r[1][2])[:8]:
        print(f"   {f:48s} {raw:9,d} {gz:9,d} gzip {br:9,d} brotli")
PY
