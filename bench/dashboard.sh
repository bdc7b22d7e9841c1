#!/usr/bin/env bash
# The ad dashboard's server function under a realistic volume, on a release build: 10,000,000 fact
# rows across 100 tenants (1,000,000 for the measured demo tenant: 860 ads over 1,000 days plus
# region rows for 10 campaigns × 14 parishes), with their rollups and campaign dimensions. Then,
# as the demo owner over HTTP, `load_performance` for a 90-day range: overview, one campaign's
# drill-down, and one parish. Prints hey's latency distribution (p95 is the figure to read).
# Usage: bench/dashboard.sh [total_rows]   (fresh private cluster; installs hey if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
total="${1:-10000000}"
command -v hey >/dev/null || { apt-get install -y -q hey >/dev/null || sudo apt-get install -y -q hey >/dev/null; }

echo "== building the release server"
cargo build --release -q -p server --bin cadence
cargo leptos build --split -q >/dev/null 2>&1 || cargo leptos build --split
bin="$CARGO_TARGET_DIR/release/cadence"

work="$(mktemp -d)"
chmod 755 "$work"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export CADENCE_DATA_DIR="$work/data"
cleanup() { [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; "$bin" db stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

"$bin" seed --demo >/dev/null 2>&1
owner_url="$("$bin" db url --owner 2>/dev/null | tail -1)"
per_tenant=$(( (total - 1000000) / 99 ))
echo "== generating $total fact rows (1,000,000 for demo, $per_tenant for each of 99 other tenants) and their rollups"
start=$(date +%s)
psql -q -v ON_ERROR_STOP=1 "$owner_url" <<SQL
insert into tenants (id, slug, name)
select gen_random_uuid(), 'bench-' || g, 'Bench tenant ' || g from generate_series(1, 99) g;
-- The demo seed's own 90 days are replaced by the benchmark's volume.
do \$\$
declare t record; ads int; days int;
begin
  for t in select id, slug from tenants where slug = 'demo' or slug like 'bench-%' loop
    perform set_config('app.tenant_id', t.id::text, true);
    delete from fact_performance; delete from rollup_campaign_day; delete from rollup_region_day;
    delete from rollup_day; delete from rollup_parish_day; delete from rollup_campaign_month;
    if t.slug = 'demo' then ads := 860; days := 1000; else ads := 100; days := greatest(1, $per_tenant / 100); end if;
    insert into fact_performance (tenant_id, day, platform, account_id, campaign_id, adset_id, ad_id, breakdown,
        geo_key, region_code, campaign_name, adset_name, ad_name, currency, impressions, clicks, spend_micros,
        conversions, conversion_value_micros, reach, run_id)
    select t.id, current_date - d, case when a % 2 = 0 then 'meta' else 'google_ads' end, 'acct', 'c' || (a / 10),
           's' || (a / 5), 'ad' || a, 'none', '', null, 'Campaign ' || (a / 10), 'Ad set ' || (a / 5), 'Ad ' || a, 'USD',
           1000 + (a * 7 + d) % 900, 10 + (a + d) % 40, 1000000 + ((a * 13 + d * 7) % 5000) * 1000,
           (a + d) % 4, ((a + d) % 4) * 25000000, null, gen_random_uuid()
      from generate_series(0, ads - 1) a, generate_series(0, days - 1) d;
    if t.slug = 'demo' then
      insert into fact_performance (tenant_id, day, platform, account_id, campaign_id, adset_id, ad_id, breakdown,
          geo_key, region_code, currency, impressions, clicks, spend_micros, run_id)
      select t.id, current_date - d, 'meta', 'acct', 'c' || c, 's' || (c * 2), 'ad' || (c * 10), 'region', g.name,
             g.region_code, 'USD', 100 + d % 50, 2 + d % 5, 100000 + d * 10, gen_random_uuid()
        from generate_series(0, 9) c, generate_series(0, days - 1) d, dim_geo g;
    end if;
    insert into rollup_campaign_day (tenant_id, day, platform, campaign_id, campaign_name, currency, impressions,
        clicks, spend_micros, conversions, conversion_value_micros)
    select t.id, day, platform, campaign_id, max(campaign_name), currency, sum(impressions), sum(clicks),
           sum(spend_micros), sum(conversions), sum(conversion_value_micros)
      from fact_performance where breakdown = 'none' group by day, platform, campaign_id, currency;
    insert into rollup_region_day (tenant_id, day, platform, campaign_id, region_code, currency, impressions,
        clicks, spend_micros, conversions, conversion_value_micros)
    select t.id, day, platform, campaign_id, region_code, currency, sum(impressions), sum(clicks),
           sum(spend_micros), sum(conversions), sum(conversion_value_micros)
      from fact_performance where breakdown = 'region' group by day, platform, campaign_id, region_code, currency;
    insert into rollup_day (tenant_id, day, platform, currency, impressions, clicks, spend_micros, conversions,
        conversion_value_micros)
    select t.id, day, platform, currency, sum(impressions), sum(clicks), sum(spend_micros), sum(conversions),
           sum(conversion_value_micros)
      from rollup_campaign_day group by day, platform, currency;
    insert into rollup_parish_day (tenant_id, day, platform, region_code, currency, impressions, clicks,
        spend_micros, conversions, conversion_value_micros)
    select t.id, day, platform, coalesce(region_code, ''), currency, sum(impressions), sum(clicks),
           sum(spend_micros), sum(conversions), sum(conversion_value_micros)
      from rollup_region_day group by day, platform, coalesce(region_code, ''), currency;
    insert into rollup_campaign_month (tenant_id, month, platform, campaign_id, currency, impressions, clicks,
        spend_micros, conversions, conversion_value_micros)
    select t.id, date_trunc('month', day)::date, platform, campaign_id, currency, sum(impressions), sum(clicks),
           sum(spend_micros), sum(conversions), sum(conversion_value_micros)
      from rollup_campaign_day group by 2, platform, campaign_id, currency;
    insert into dim_campaign (tenant_id, platform, account_id, campaign_id, name, budget_micros, valid_from)
    select distinct on (campaign_id) t.id, platform, 'acct', campaign_id, campaign_name, 50000000, now()
      from rollup_campaign_day order by campaign_id
    on conflict do nothing;
  end loop;
end \$\$;
vacuum analyze fact_performance, rollup_campaign_day, rollup_region_day, rollup_day,
  rollup_parish_day, rollup_campaign_month, dim_campaign;
SQL
echo "   done in $(( $(date +%s) - start )) s"
psql -qtA "$owner_url" -c "select 'fact rows in all tenants: ' || reltuples::bigint from pg_class where relname = 'fact_performance'"

CADENCE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT="$CARGO_TARGET_DIR/site" CADENCE_LOG=json CADENCE_RATE_LIMIT_SCALE=0 \
  CADENCE_DB_MAX_CONNECTIONS=16 RUST_LOG="${BENCH_LOG:-warn}" CADENCE_LOG_SPANS="${BENCH_SPANS:-0}" "$bin" serve >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done

base="http://127.0.0.1:$port"
login_path="$(curl -s "$base/login" | grep -o 'action="/api/log_in[^"]*"' | head -1 | sed 's/action="//; s/"$//')"
cookie="$(curl -s -D - -o /dev/null -X POST "$base$login_path" \
  --data-urlencode 'email=owner@demo.cadence.test' --data-urlencode 'password=demo owner passphrase' \
  | awk -F': ' 'tolower($1)=="set-cookie"{split($2,a,";"); print a[1]}' | tail -1)"
[ -n "$cookie" ] || { echo "could not log in"; exit 1; }

run() {
  local label="$1" body="$2"
  curl -sf -X POST -H "Cookie: $cookie" -H 'Content-Type: application/x-www-form-urlencoded' \
    --data "$body" "$base/api/load_performance" -o "$work/answer.json"
  echo "== $label ($(wc -c <"$work/answer.json") bytes of JSON): 200 requests, 2 at a time"
  hey -n 200 -c 2 -m POST -H "Cookie: $cookie" -T 'application/x-www-form-urlencoded' -d "$body" \
    "$base/api/load_performance" | sed -n '/Latency distribution:/,/^$/p;/Status code distribution:/,/^$/p'
}
run "90-day overview" 'query[range]=last_90'
run "90-day campaign drill-down (ad sets and ads)" 'query[range]=last_90&query[campaign]=c7'
run "90-day parish filter" 'query[range]=last_90&query[region]=JM-08'
if [ "${BENCH_SPANS:-0}" = 1 ]; then
  echo "== where the time goes (mean busy time per span, over the runs above)"
  python3 - "$work/server.log" <<'PY'
import json, re, sys, collections
spans = collections.defaultdict(list)
unit = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1000.0}
def ms(text):
    m = re.match(r"([\d.]+)(\D+)", text)
    return float(m.group(1)) * unit.get(m.group(2), 1.0)
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    f = e.get("fields", {})
    if f.get("message") != "close" or "time.busy" not in f:
        continue
    name = (e.get("span") or {}).get("name", "?")
    spans[name].append((ms(f["time.busy"]) + ms(f["time.idle"]), ms(f["time.busy"])))
for name, xs in sorted(spans.items(), key=lambda kv: -sum(t for t, _ in kv[1])):
    total = sorted(t for t, _ in xs)
    print(f"{name[:58]:58s} n={len(xs):5d} mean {sum(total)/len(total):7.2f} ms (cpu {sum(b for _, b in xs)/len(xs):6.2f}) p95 {total[max(0, int(len(total)*0.95)-1)]:7.2f} ms")
PY
fi
