#!/usr/bin/env bash
# The storefront's GET pages under load, on a release build, beside the FastAPI peer in
# ../shared/peers/fastapi_storefront/ in the same run (same machine, same data shape: the demo
# storefront with 50 items): home, item, cart with three lines and receipt, each with wrk (-t1 -c64)
# against Cadence with its page cache (the normal setting), Cadence with the page cache off (each
# page rendered and its data read every time: item, cart lines and receipt from the database, the
# tenant directory and home data still kept, as before the page cache: the uncached path), and the peer. Prints requests/s, the ratios to the
# peer, and the item page's latency at a fixed 500 req/s (hey: 10 workers x 50 req/s), p99 goal
# <= 10 ms. Everything listens on 127.0.0.1 and every load run is bounded in time.
# Usage: bench/storefront.sh [seconds per run, default 10]
#        CADENCE_BIN=path/to/release/cadence bench/storefront.sh   (measure that binary, no build)
# Installs what it needs if missing (wrk and hey from Debian, the peer's Python packages in a venv
# under ~/.cache/cadence/peer-venv); uses a fresh Cadence cluster and a fresh peer cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
source scripts/env.sh
secs="${1:-10}"

for tool in wrk hey; do
  command -v "$tool" >/dev/null || { apt-get install -y -q "$tool" >/dev/null || sudo apt-get install -y -q "$tool" >/dev/null; }
done
venv="$HOME/.cache/cadence/peer-venv"
if ! "$venv/bin/python" -c 'import fastapi, uvicorn, asyncpg, jinja2, uvloop, httptools' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q fastapi uvicorn asyncpg jinja2 uvloop httptools
fi

if [ -z "${CADENCE_BIN:-}" ]; then
  echo "== building the release server (first build takes several minutes)"
  cargo build --release -q --locked -p server --bin cadence
fi
# The measured pages are whole HTML documents made by the server; the built site (stylesheet,
# storefront.js) is not fetched by wrk, so it is not built here.

work="$(mktemp -d)"
chmod 755 "$work"   # the clusters run as the postgres user
# A copy of the binary just built: the target folder is shared, another build may replace it.
bin="$work/cadence"
cp "${CADENCE_BIN:-$CARGO_TARGET_DIR/release/cadence}" "$bin"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() {
  # Newest first: the server that owns the cluster stops it last.
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null && wait "${pids[$i]}" 2>/dev/null; done
  [ -f "$work/peer/.peer.env" ] && (. "$work/peer/.peer.env"; runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$PEER_PGDATA" -m fast stop >/dev/null 2>&1 || true)
  rm -rf "$work"
}
trap cleanup EXIT

# Cadence: one server with its page cache (and its private cluster), a second on the same
# database with the page cache off.
port="$(free_port)"; cold_port="$(free_port)"
common=(CADENCE_RATE_LIMIT_SCALE=0 CADENCE_LOG=json CADENCE_DB_MAX_CONNECTIONS=32 RUST_LOG=warn
        LEPTOS_SITE_ROOT="$CARGO_TARGET_DIR/site")
env "${common[@]}" CADENCE_ADDR="127.0.0.1:$port" CADENCE_DATA_DIR="$work/data" \
  "$bin" serve --seed-demo >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done
owner_url="$(CADENCE_DATA_DIR="$work/data" "$bin" db url --owner 2>/dev/null | tail -1)"
app_url="$(CADENCE_DATA_DIR="$work/data" "$bin" db url 2>/dev/null | tail -1)"
env "${common[@]}" CADENCE_ADDR="127.0.0.1:$cold_port" CADENCE_DATA_DIR="$work/data-cold" \
  CADENCE_MASTER_KEY_FILE="$work/data/master.keys" \
  DATABASE_URL="$app_url" DATABASE_OWNER_URL="$owner_url" CADENCE_PAGE_CACHE=off \
  "$bin" serve >"$work/server-cold.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$cold_port/readyz" >/dev/null && break; sleep 0.5; done

# The demo storefront gets 50 items (the seed has 5) and one order to show a receipt for.
receipt_token="$(python3 -c 'import uuid; print(uuid.uuid4())')"
psql -q -o /dev/null -v ON_ERROR_STOP=1 "$owner_url" <<SQL
select set_config('app.tenant_id', (select id::text from tenants where slug = 'demo'), false);
insert into catalog_items (tenant_id, id, kind, title, description, currency, price, sort_order)
select app_current_tenant(), gen_random_uuid(), 'product', 'Bench item ' || g,
       'A product added for the benchmark, with a short description.', 'USD', (g * 1.25)::numeric, 100 + g
  from generate_series(1, 45) g;
insert into orders (tenant_id, id, number, idempotency_token, currency, total, customer_name, customer_email)
values (app_current_tenant(), gen_random_uuid(), 90001, '$receipt_token', 'USD', 12.50, 'Bench Visitor',
        'bench@example.com');
SQL

host="demo.localhost:$port"
cold_host="demo.localhost:$cold_port"
# A returning visitor (visitor and visit cookies set by their first page).
cookies="$(curl -s -D - -o /dev/null -H "Host: $host" "http://127.0.0.1:$port/" | awk -F': ' 'tolower($1)=="set-cookie"{split($2,a,";"); printf "%s; ", a[1]}')"
html="$(curl -s -H "Host: $host" -H "Cookie: $cookies" "http://127.0.0.1:$port/")"
mapfile -t ids < <(grep -o 'href="/items/[0-9a-f-]*"' <<<"$html" | sed 's/.*items\/\([0-9a-f-]*\)"/\1/' | awk '!seen[$0]++')
items="${#ids[@]}"
[ "$items" -ge 50 ] || { echo "expected 50 items on the demo home, found $items"; exit 1; }
item_path="/items/${ids[7]}"
cart_cookie="cadence_cart=${ids[10]}:1,${ids[11]}:2,${ids[12]}:1"
receipt_path="/thanks?kind=order&ref=$receipt_token"
echo "== storefront home: $items items, $(wc -c <<<"$html") bytes HTML, $(gzip -9 <<<"$html" | wc -c) bytes gzipped"
echo "   scripts: $(grep -o '<script src="[^"]*"' <<<"$html" | tr '\n' ' ')"
lines="$(curl -s -H "Host: $host" -H "Cookie: $cookies; $cart_cookie" "http://127.0.0.1:$port/cart" | grep -o 'data-test="cart-line"' | wc -l)"
[ "$lines" -eq 3 ] || { echo "the bench cart shows $lines lines, not 3"; exit 1; }
curl -sf -o /dev/null -H "Host: $host" -H "Cookie: $cookies" "http://127.0.0.1:$port$receipt_path" \
  || { echo "the bench receipt is not found"; exit 1; }

# The peer, from a copy of its folder (the shared one is read-only), with its own cluster.
peer_port="$(free_port)"
cp -r /work/shared/peers/fastapi_storefront "$work/peer"
chmod -R u+w "$work/peer"
cp bench/peer_pages.py "$work/peer/"
(cd "$work/peer" && ./setup.sh >/dev/null)
. "$work/peer/.peer.env"
peer_sql() { runuser -u postgres -- psql -h "$(dirname "$PEER_PGDATA")" -p 55439 -q -v ON_ERROR_STOP=1 -d peer "$@"; }
peer_sql <<'SQL'
create table orders (tenant_id uuid, token uuid, number int, total numeric(12,3), primary key (tenant_id, token));
alter table orders enable row level security; alter table orders force row level security;
create policy t on orders using (tenant_id = current_setting('app.tenant_id', true)::uuid);
grant select on orders to peer_app;
insert into orders select id, md5(slug)::uuid, 1, 12.500 from tenant_directory;
SQL
peer_token="$(peer_sql -At -c "select md5('demo')::uuid")"
(cd "$work/peer" && PEER_DSN="$PEER_DSN" exec "$venv/bin/uvicorn" peer_pages:app --host 127.0.0.1 --port "$peer_port" \
  --workers 2 --loop uvloop --http httptools --log-level warning >"$work/peer.log" 2>&1) &
pids+=($!)
for _ in $(seq 1 120); do curl -sf -o /dev/null -H 'Host: demo.localhost' "http://127.0.0.1:$peer_port/" && break; sleep 0.5; done
peer_host="demo.localhost"
for p in / /items/8 /thanks?ref=$peer_token; do
  curl -sf -o /dev/null -H "Host: $peer_host" -H 'Cookie: cart=11:1,12:2,13:1' "http://127.0.0.1:$peer_port$p" \
    || { echo "the peer does not answer $p"; cat "$work/peer.log"; exit 1; }
done

# rps NAME PORT HOST PATH COOKIE: one wrk run; prints requests/s.
rps() {
  local out
  out="$(wrk -t1 -c64 -d"${secs}s" --latency -H "Host: $3" -H "Cookie: $5" "http://127.0.0.1:$2$4")"
  if grep -q 'Non-2xx' <<<"$out"; then echo "$1: non-2xx answers" >&2; echo "$out" >&2; exit 1; fi
  awk '/Requests\/sec/{print int($2)}' <<<"$out"
}
declare -A r
pages=(home item cart receipt)
declare -A cpath=([home]=/ [item]="$item_path" [cart]=/cart [receipt]="$receipt_path")
declare -A ccookie=([home]="$cookies" [item]="$cookies" [cart]="$cookies; $cart_cookie" [receipt]="$cookies")
declare -A ppath=([home]=/ [item]=/items/8 [cart]=/cart [receipt]="/thanks?ref=$peer_token")
echo "== wrk -t1 -c64 -d${secs}s per page (returning visitor); other builds may share the CPU: compare ratios"
for page in "${pages[@]}"; do
  r[$page.cached]="$(rps "cadence $page" "$port" "$host" "${cpath[$page]}" "${ccookie[$page]}")"
  r[$page.uncached]="$(rps "cadence (cache off) $page" "$cold_port" "$cold_host" "${cpath[$page]}" "${ccookie[$page]}")"
  r[$page.peer]="$(rps "peer $page" "$peer_port" "$peer_host" "${ppath[$page]}" 'cart=11:1,12:2,13:1')"
done
printf '%-8s %14s %14s %10s %10s %12s\n' page "cadence req/s" "cache off" "peer" "ratio" "ratio (off)"
for page in "${pages[@]}"; do
  awk -v p="$page" -v c="${r[$page.cached]}" -v u="${r[$page.uncached]}" -v q="${r[$page.peer]}" \
    'BEGIN { printf "%-8s %14d %14d %10d %9.1fx %11.1fx\n", p, c, u, q, c / q, u / q }'
done
echo "   goals: ratio >= 10x on every page; ratio with the cache off >= 3x"

echo "== item page at a fixed 500 req/s for 20 s (hey: 10 workers x 50 req/s); goal p99 <= 10 ms"
for which in "cadence:$port:$host" "cadence (cache off):$cold_port:$cold_host"; do
  IFS=: read -r name p h <<<"$which"
  out="$(hey -z 20s -c 10 -q 50 -host "$h" -H "Cookie: $cookies" "http://127.0.0.1:$p$item_path")"
  echo "   $name: $(awk '/Requests\/sec/{printf "%d req/s", $2}' <<<"$out"), p50 $(awk '/ 50% in/{printf "%.2f ms", $3*1000}' <<<"$out"), p99 $(awk '/ 99% in/{printf "%.2f ms", $3*1000}' <<<"$out"); statuses: $(sed -n '/Status code distribution:/,/^$/p' <<<"$out" | tail -n +2 | tr -s ' \n' ' ')"
done
