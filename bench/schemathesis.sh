#!/usr/bin/env bash
# API fuzzing: schemathesis (from PyPI, in a virtualenv under ~/.cache) against
# /api/v1/openapi.json with every check, as a manager's API key of the demo tenant.
# Usage: bench/schemathesis.sh [examples per operation] [base URL]
# With a base URL (a running server, as the test script passes), the key is made in that server's
# data directory ($CADENCE_DATA_DIR); without one, a server is started here.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
examples="${1:-200}"
base="${2:-}"
venv="$HOME/.cache/cadence/schemathesis-venv"
if [ ! -x "$venv/bin/st" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==4.32.5"
fi
[ "$examples" = "--install-only" ] && exit 0
bin="$CARGO_TARGET_DIR/debug/cadence"
server=""
if [ -z "$base" ]; then
  cargo build -q -p server --bin cadence
  work="$(mktemp -d /tmp/cadence-st.XXXXXX)"; chmod 755 "$work"
  port=$(( 20000 + RANDOM % 10000 ))
  export CADENCE_ADDR="127.0.0.1:$port" CADENCE_DATA_DIR="$work/data" CADENCE_RATE_LIMIT_SCALE=0 RUST_LOG=warn
  "$bin" serve --seed-demo >"$work/server.log" 2>&1 &
  server=$!
  trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; "$bin" db stop >/dev/null 2>&1; rm -rf "$work"' EXIT
  base="http://127.0.0.1:$port"
  until curl -sf "$base/readyz" >/dev/null; do sleep 0.2; done
fi
key=$("$bin" api-key --tenant demo --role manager --name schemathesis --days 1 2>/dev/null | tail -1)
host=$(echo "$base" | sed -E 's#^https?://##; s#^127\.0\.0\.1#localhost#')
# The key works (so the run exercises the API, not only its 401s).
curl -sf -H "Host: $host" -H "Authorization: Bearer $key" "$base/api/v1/catalog?limit=1" >/dev/null \
  || { echo "the API key made for the run does not work" >&2; exit 1; }
CADENCE_API_KEY="$key" SCHEMATHESIS_HOOKS=bench.schemathesis_hooks PYTHONPATH=. \
  "$venv/bin/st" --config-file bench/schemathesis.toml run "$base/api/v1/openapi.json" \
  --url "$base" -H "Host: $host" \
  --checks all -n "$examples" --generation-deterministic --no-color
