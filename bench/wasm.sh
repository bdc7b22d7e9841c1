#!/usr/bin/env bash
# What each page really costs on the wire: a real Chromium opens the storefront home, the platform's
# home page and, signed in, the ad dashboard, each with an empty cache, against the real server
# (its real headers and compression) on a fresh demo; the browser's own network log gives the
# encoded bytes it received per file (DevTools' encodedDataLength, headers included). Prints wasm,
# JS, CSS and HTML per page and checks the goals (dashboard wasm <= 300 KB, storefront HTML
# <= 30 KB and no script).
# Usage: bench/wasm.sh [--debug]   (default: the release build from scripts/release.sh; CADENCE_BIN
# and LEPTOS_SITE_ROOT choose another binary and site)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
profile=release
[ "${1:-}" = "--debug" ] && profile=debug
bin="${CADENCE_BIN:-$CARGO_TARGET_DIR/$profile/cadence}"
site="${LEPTOS_SITE_ROOT:-$CARGO_TARGET_DIR/site}"
[ -x "$bin" ] || { echo "no $profile binary at $bin (run scripts/release.sh, or pass --debug after scripts/run.sh)"; exit 1; }
ls "$site"/pkg/cadence*.wasm >/dev/null 2>&1 || { echo "no built site at $site"; exit 1; }
ls "$site"/pkg/*.br >/dev/null 2>&1 || echo "warning: $site has no precompressed copies (run: $bin precompress --site $site)"
[ -x "${CADENCE_CHROMIUM:-/usr/bin/chromium}" ] || { echo "Chromium is missing (apt-get install chromium)"; exit 1; }
[ -d end2end/node_modules/playwright-core ] || (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)

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
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { tail -20 "$work/server.log"; exit 1; }

(cd end2end && CADENCE_E2E_PORT="$port" node wasm-size.mjs) >"$work/pages.json"
echo "build: $profile ($bin), site: $site"
python3 - "$work/pages.json" <<'PY'
import json, sys
pages = json.load(open(sys.argv[1]))
kinds = ["wasm", "js", "css", "html", "other"]
goals = []
for page, files in pages.items():
    sums = {k: [0, 0, 0] for k in kinds}
    for f in files:
        s = sums[f["kind"]]
        s[0] += 1; s[1] += f["transferred"]; s[2] += f["decoded"]
    print(f"== {page}: {sum(f['transferred'] for f in files):,} bytes transferred in {len(files)} responses")
    for k in kinds:
        n, wire, dec = sums[k]
        if n:
            print(f"   {k:5s} {n:3d} files {wire:10,d} bytes on the wire ({dec:,} decoded)")
    for f in sorted(files, key=lambda f: -f["transferred"])[:8]:
        enc = f["encoding"] or "identity"
        print(f"      {f['path'][:56]:56s} {f['transferred']:9,d} {enc:8s} {f['cache']}")
    if page.startswith("dashboard"):
        wasm = sums["wasm"][1]
        goals.append((f"dashboard wasm on the wire {wasm:,} bytes <= 300 KB", wasm <= 300 * 1024))
    if page.startswith("storefront"):
        html = sums["html"][1]
        goals.append((f"storefront HTML on the wire {html:,} bytes <= 30 KB", html <= 30 * 1024))
        code = sums["wasm"][0] + sums["js"][0]
        goals.append((f"storefront loads no script ({code} script/wasm files)", code == 0))
print("== goals")
for what, ok in goals:
    print(f"   {'met   ' if ok else 'MISSED'} {what}")
PY
