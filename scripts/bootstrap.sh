#!/usr/bin/env bash
# Installs whatever the build and tests need and is missing, and nothing else.
# Every tool comes from a package registry (Debian, crates.io, npm); nothing is
# downloaded from anywhere else. Re-running it when all is present takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Debian packages, with sudo when not root.
apt_install() {
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  say "installing Debian packages: $*"
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"; then
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
  fi
}

missing_debs=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing_debs+=(postgresql postgresql-contrib)
command -v chromium >/dev/null || missing_debs+=(chromium)
command -v npm >/dev/null || missing_debs+=(nodejs npm)
command -v cc >/dev/null || missing_debs+=(build-essential)
command -v pkg-config >/dev/null || missing_debs+=(pkg-config)
[ ${#missing_debs[@]} -eq 0 ] || apt_install "${missing_debs[@]}"

command -v cargo >/dev/null || {
  echo "Rust is not installed: install it with rustup (https://rustup.rs), then re-run." >&2
  exit 1
}

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown Rust target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (once per machine, about 15 minutes)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# The CLI must match the wasm-bindgen library in Cargo.lock exactly.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (about 3 minutes)"
  # Not --locked: that version's own lock file names a crate the registry no longer has.
  cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

# Tailwind, wasm-opt and Playwright from npm; Playwright uses Debian's Chromium.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (tailwindcss, wasm-opt, playwright)"
  # `npm install --no-save` installs the locked versions. Not `npm ci`: it insists on
  # every platform's optional Tailwind binary being fetchable, and registry mirrors often
  # carry only the platforms they serve.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-save --no-audit --no-fund
fi
