#!/usr/bin/env bash
# Loading 1,000,000 Meta insights rows (Airbyte JSON lines) into one tenant's fact as the
# application role with row-level security on, on a release build: rows per second and peak memory
# of `cadence ingest`, then the same rows again (a changed file, so they really reload) with the
# totals compared. Usage: bench/ingest.sh [rows]   (uses a fresh private cluster)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
rows="${1:-1000000}"

echo "== building the release binary"
cargo build --release -q -p server --bin cadence
bin="$CARGO_TARGET_DIR/release/cadence"

work="$(mktemp -d)"
chmod 755 "$work"
export CADENCE_DATA_DIR="$work/data" RUST_LOG=warn CADENCE_LOG=json
cleanup() { "$bin" db stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

"$bin" seed --demo >/dev/null
owner_url="$("$bin" db url --owner 2>/dev/null | tail -1)"
psql -q "$owner_url" <<'SQL'
select set_config('app.tenant_id', (select id::text from tenants where slug = 'demo'), false);
insert into ad_accounts (tenant_id, platform, account_id, name) values (app_current_tenant(), 'meta', '1234567890123', 'Bench');
SQL

echo "== generating $rows rows"
python3 - "$rows" "$work/insights.jsonl" <<'PY'
import sys, datetime, json
rows, path = int(sys.argv[1]), sys.argv[2]
ads = 2000
start = datetime.date(2024, 1, 1)
with open(path, "w") as f:
    for i in range(rows):
        ad, day = i % ads, start + datetime.timedelta(days=i // ads)
        spend = f"{(i % 5000) // 100}.{i % 100:02d}"
        f.write(json.dumps({
            "date_start": day.isoformat(), "date_stop": day.isoformat(), "account_id": "1234567890123",
            "campaign_id": f"2385{ad // 100:013d}", "adset_id": f"2386{ad // 10:013d}", "ad_id": f"2387{ad:013d}",
            "campaign_name": f"Campaign {ad // 100}", "adset_name": f"Ad set {ad // 10}", "ad_name": f"Ad {ad}",
            "account_currency": "USD", "impressions": str(1000 + i % 777), "clicks": str(i % 41), "spend": spend,
            "reach": str(800 + i % 500),
            "actions": [{"action_type": "link_click", "value": "12"}, {"action_type": "purchase", "value": str(i % 3)}],
            "action_values": [{"action_type": "purchase", "value": f"{(i % 3) * 25}.50"}],
        }, separators=(",", ":")) + "\n")
PY
echo "   $(du -h "$work/insights.jsonl" | cut -f1) on disk"

totals() {
  psql -qtA "$owner_url" -c "select set_config('app.tenant_id', (select id::text from tenants where slug = 'demo'), false)" \
    -c "select count(*) || ' rows, spend ' || sum(spend_micros) || ' micros, ' || sum(impressions) || ' impressions' from fact_performance" | tail -1
}

load() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$bin" ingest --tenant demo --meta-jsonl "$work/insights.jsonl" >"$work/report.json"
  cp "$work/report.json" /tmp/last-ingest-report.json
  read -r secs kb <"$work/time"
  loaded="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows_loaded"])' "$work/report.json")"
  echo "   $loaded rows in ${secs}s = $(python3 -c "print(f'{$loaded / $secs:,.0f}')") rows/s; peak memory $((kb / 1024)) MB"
}

echo "== first load"
load
first="$(totals)"
echo "   totals: $first"
echo "== the same rows again (one more blank line, so the file is new and every row reloads)"
echo >>"$work/insights.jsonl"
load
second="$(totals)"
echo "   totals: $second"
[ "$first" = "$second" ] && echo "   totals unchanged" || { echo "   TOTALS CHANGED"; exit 1; }
