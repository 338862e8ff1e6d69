#!/usr/bin/env bash
# Runs every check and test of backupcrypt. Installs what it needs first, skipping
# whatever is already there (so a second run starts testing at once).
#
#   ./tests/all.sh            everything
#   QUICK=1 ./tests/all.sh    skip the slow steps (fuzz smoke, browser)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
step() { printf '\n==> %s\n' "$*"; }

# ---------------------------------------------------------------- set-up
step "set-up: rustup targets for the no_std and wasm builds"
installed=$(rustup target list --installed)
for t in thumbv7em-none-eabi wasm32-unknown-unknown; do
  grep -qx "$t" <<<"$installed" || rustup target add "$t"
done

step "set-up: Debian packages (openssl, Info-ZIP)"
missing=()
command -v openssl >/dev/null || missing+=(openssl)
command -v zip >/dev/null || missing+=(zip)
command -v unzip >/dev/null || missing+=(unzip)
if ((${#missing[@]})); then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

step "set-up: Python venv with pyAesCrypt 6.0.0 and aiozipstream 0.4 (target/venv)"
VENV=$ROOT/target/venv
if ! "$VENV/bin/python" -c 'import pyAesCrypt, zipstream, sys; assert pyAesCrypt.__version__ == "6.0.0"' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check pyAesCrypt==6.0.0 aiozipstream==0.4
fi
export BACKUPCRYPT_TEST_PYTHON=$VENV/bin/python

# ---------------------------------------------------------------- checks
step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -D warnings"
cargo clippy --all-targets -- -D warnings

step "no_std core: thumbv7em-none-eabi (no std at all) and wasm32-unknown-unknown"
cargo build --lib --no-default-features --target thumbv7em-none-eabi
cargo build --lib --no-default-features --target wasm32-unknown-unknown

# ---------------------------------------------------------------- tests
step "cargo test (release: the interop and large-file tests move real data)"
cargo test --release --all-targets
cargo test --release --doc
