#!/usr/bin/env bash
# The storefront home page under load, on a release build: throughput with wrk (-t1 -c64 -d20s),
# its latency distribution, and the page's size (HTML and gzipped) and script bytes. Prints the
# figures; then the latency at a fixed 500 req/s with hey (10 workers × 50 req/s).
# Usage: bench/storefront.sh   (installs wrk from Debian if missing; uses a fresh cluster)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

for tool in wrk hey; do
  command -v "$tool" >/dev/null || { apt-get install -y -q "$tool" >/dev/null || sudo apt-get install -y -q "$tool" >/dev/null; }
done

echo "== building the release server (first build takes several minutes)"
cargo build --release -q -p server --bin cadence
cargo leptos build --split -q >/dev/null 2>&1 || cargo leptos build --split

work="$(mktemp -d)"
chmod 755 "$work"   # the cluster runs as the postgres user
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cleanup() { [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

CADENCE_ADDR="127.0.0.1:$port" CADENCE_DATA_DIR="$work/data" LEPTOS_SITE_ROOT="$CARGO_TARGET_DIR/site" CADENCE_RATE_LIMIT_SCALE=0 \
  CADENCE_LOG=json CADENCE_DB_MAX_CONNECTIONS=32 RUST_LOG=warn \
  "$CARGO_TARGET_DIR/release/cadence" serve --seed-demo >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done

# Add catalog items until the demo storefront has 50 (the seed has 5).
owner_url="$(CADENCE_DATA_DIR="$work/data" "$CARGO_TARGET_DIR/release/cadence" db url --owner 2>/dev/null | tail -1)"
psql -q "$owner_url" <<'SQL'
select set_config('app.tenant_id', (select id::text from tenants where slug = 'demo'), false);
insert into catalog_items (tenant_id, id, kind, title, description, currency, price, sort_order)
select app_current_tenant(), gen_random_uuid(), 'product', 'Bench item ' || g,
       'A product added for the benchmark, with a short description.', 'USD', (g * 1.25)::numeric, 100 + g
  from generate_series(1, 45) g;
SQL

host="demo.localhost:$port"
url="http://127.0.0.1:$port/"
# A returning visitor (cookies set): the visit was recorded on their first page.
cookies="$(curl -s -D - -o /dev/null -H "Host: $host" "$url" | awk -F': ' 'tolower($1)=="set-cookie"{split($2,a,";"); printf "%s; ", a[1]}')"

html="$(curl -s -H "Host: $host" -H "Cookie: $cookies" "$url")"
items="$(grep -o 'data-test="item"' <<<"$html" | wc -l)"
echo "== storefront home: $items items, $(wc -c <<<"$html") bytes HTML, $(gzip -9 <<<"$html" | wc -c) bytes gzipped"
js="$(curl -s -H "Host: $host" "http://127.0.0.1:$port/storefront.js")"
echo "   scripts: $(grep -o '<script src="[^"]*"' <<<"$html" | tr '\n' ' ') — $(wc -c <<<"$js") bytes, $(gzip -9 <<<"$js" | wc -c) gzipped; wasm: $(grep -c '\.wasm' <<<"$html" || true) references"

echo "== wrk -t1 -c64 -d20s (returning visitor)"
wrk -t1 -c64 -d20s --latency -H "Host: $host" -H "Cookie: $cookies" "$url"

echo "== hey at a fixed 500 req/s for 20 s (10 workers x 50 req/s, returning visitor)"
hey -z 20s -c 10 -q 50 -host "$host" -H "Cookie: $cookies" "$url" \
  | sed -n '/Summary:/,/Requests\/sec/p;/Latency distribution:/,/^$/p;/Status code distribution:/,/^$/p'
