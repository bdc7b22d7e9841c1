#!/usr/bin/env bash
# Installs what Cadence needs to build, run and test, idempotently: each step is skipped when already done.
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130

say() { printf '\033[1;34m[bootstrap]\033[0m %s\n' "$*"; }

# Build tools run a few times per build, so they are compiled for a quick install, not for speed:
# no LTO, light optimisation, many codegen units, no debug info (cargo's environment overrides of
# the release profile that `cargo install` uses), and the system's OpenSSL instead of compiling
# OpenSSL's C sources for cargo-leptos' template support.
quick_install() {
  OPENSSL_NO_VENDOR=1 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 CARGO_PROFILE_RELEASE_DEBUG=false \
    CARGO_PROFILE_RELEASE_STRIP=true CARGO_PROFILE_RELEASE_INCREMENTAL=false \
    cargo install "$@"
}

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

apt_missing=()
need_apt() { dpkg -s "$1" >/dev/null 2>&1 || apt_missing+=("$1"); }

# PostgreSQL server binaries (the private cluster), Chromium (browser tests). The app itself uses
# rustls; only the build tools link OpenSSL.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  need_apt postgresql
fi
if [ "${CADENCE_BOOTSTRAP_BROWSER:-1}" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  need_apt chromium
fi
if ! command -v npm >/dev/null 2>&1; then need_apt npm; fi
# The build tools link the system's OpenSSL (see quick_install below).
if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  need_apt libssl-dev
  need_apt pkg-config
fi

if [ ${#apt_missing[@]} -gt 0 ]; then
  say "installing apt packages: ${apt_missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (once; a few minutes on 2 cores)"
  quick_install --locked cargo-leptos --version "$CARGO_LEPTOS_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (must match Cargo.lock)"
  quick_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ "${CADENCE_BOOTSTRAP_NPM:-1}" = 1 ]; then
  here="$(cd "$(dirname "$0")/.." && pwd)"
  if [ -f "$here/end2end/package.json" ]; then
    if [ ! -d "$here/end2end/node_modules/playwright-core" ] || [ "$here/end2end/package-lock.json" -nt "$here/end2end/node_modules/.package-lock.json" ]; then
      say "installing end-to-end npm packages"
      (cd "$here/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    fi
  fi
fi
say "tools ready"
