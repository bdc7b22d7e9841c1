#!/usr/bin/env bash
# Parser fuzzing (cargo-fuzz on the nightly toolchain): each target runs for SECONDS (default 300)
# from the seeds in fuzz/seeds (the growing corpus lives in ~/.cache/cadence/fuzz-corpus); a crash
# fails the script and leaves its input in fuzz/artifacts. The test script runs it for a few seconds per target.
# Usage: bench/fuzz.sh [seconds per target]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
seconds="${1:-300}"
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export CARGO_TARGET_DIR="$HOME/.cache/cadence/fuzz-target"
unset RUSTFLAGS
cd fuzz
for target in airbyte_rows csv_export; do
  corpus="$HOME/.cache/cadence/fuzz-corpus/$target"
  mkdir -p "$corpus"
  echo "== $target for ${seconds}s"
  if cargo +nightly fuzz run "$target" "$corpus" "seeds/$target" -- -max_total_time="$seconds" -max_len=4096 \
      > "/tmp/cadence-fuzz-$target.log" 2>&1; then
    grep -E '^Done|^#[0-9]+' "/tmp/cadence-fuzz-$target.log" | tail -1
  else
    tail -30 "/tmp/cadence-fuzz-$target.log"
    echo "$target crashed: see fuzz/artifacts/$target"
    exit 1
  fi
done
