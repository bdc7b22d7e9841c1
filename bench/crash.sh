#!/usr/bin/env bash
# Crash durability: under a steady load of storefront orders, kill -9 the server N times (default
# 100) and restart it; afterwards every order that got a success answer must be in the database
# exactly once. Prints the figures. Usage: bench/crash.sh [kills]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
kills="${1:-100}"
echo "== building the server"
cargo build -q -p server --bin cadence
bin="$CARGO_TARGET_DIR/debug/cadence"
work="$(mktemp -d /tmp/cadence-crash.XXXXXX)"
chmod 755 "$work"   # the cluster runs as the postgres user
port=$(( 20000 + RANDOM % 10000 ))
export CADENCE_ADDR="127.0.0.1:$port" CADENCE_DATA_DIR="$work/data" CADENCE_RATE_LIMIT_SCALE=0 \
  LEPTOS_SITE_ROOT="$CARGO_TARGET_DIR/site" RUST_LOG=warn
start() {
  "$bin" serve >>"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 200); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "the server did not come back; see $work/server.log" >&2
  exit 1
}
"$bin" seed --demo >>"$work/server.log" 2>&1
start
item=$(curl -s -H "Host: demo.localhost:$port" "http://127.0.0.1:$port/" | grep -oE '/items/[0-9a-f-]{36}' | head -1 | cut -d/ -f3)
echo "== $kills kills under load (item $item)"
python3 bench/crash_load.py "$port" "demo.localhost:$port" "$item" "$work/answers" "$work/stop" 4 &
load=$!
began=$(date +%s)
for i in $(seq 1 "$kills"); do
  sleep "0.$(( RANDOM % 5 + 3 ))"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  start
done
sleep 2
touch "$work/stop"
wait "$load" || true
elapsed=$(( $(date +%s) - began ))
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
owner=$("$bin" db url --owner 2>/dev/null | tail -1)
grep '^ok ' "$work/answers" | awk '{print $2}' | sort > "$work/ok-tokens"
ok=$(wc -l < "$work/ok-tokens")
refused=$(grep -c '^refused ' "$work/answers" || true)
retried=$(grep '^ok ' "$work/answers" | awk '$3 > 1' | wc -l)
# Every success exactly once: count orders per acknowledged token.
psql "$owner" -qAt -v ON_ERROR_STOP=1 <<SQL > "$work/counts"
create temp table acked (token uuid primary key);
\copy acked from '$work/ok-tokens'
select set_config('app.platform', 'on', false);
select count(*) filter (where n = 1), count(*) filter (where n = 0), count(*) filter (where n > 1)
  from (select a.token, (select count(*) from orders o where o.idempotency_token = a.token) as n
          from acked a) x;
SQL
"$bin" db stop >/dev/null 2>&1 || true
read -r once missing twice < <(tail -1 "$work/counts" | tr '|' ' ')
echo "kills: $kills in ${elapsed}s"
echo "orders acknowledged: $ok (of which $retried needed a retry across a crash); refused: $refused"
echo "acknowledged orders in the database exactly once: $once; missing: $missing; duplicated: $twice"
[ "$missing" = 0 ] && [ "$twice" = 0 ] && [ "$once" = "$ok" ] && echo "PASS" || { echo "FAIL (see $work)"; exit 1; }
rm -rf "$work"
