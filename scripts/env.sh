# Shared environment for the run and test scripts (sourced, not executed).
# The cargo target directory lives outside the clone so repeated runs are incremental.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cadence/target}"
export PATH="$HOME/.cargo/bin:$PATH"
# cargo-leptos builds debug artefacts with these; exporting them for cargo test/clippy lets both
# reuse the same compiled dependencies instead of rebuilding everything.
export LEPTOS_OUTPUT_NAME=cadence
export RUSTFLAGS="${RUSTFLAGS:---cfg erase_components}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"
