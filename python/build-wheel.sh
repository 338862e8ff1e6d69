#!/usr/bin/env bash
# Builds the backupcrypt wheel: the CLI binary first (shipped in the wheel's
# .data/scripts, installed on PATH by pip), then the extension and the Python
# package with maturin. Usage: python/build-wheel.sh [--target TRIPLE] [maturin args...]
# $BACKUPCRYPT_BIN: a binary built already (the release's static musl one), used as is.
# Output: target/wheels/backupcrypt-*.whl
set -euo pipefail
cd "$(dirname "$0")/.."
target=()
if [[ ${1-} == --target ]]; then
  target=(--target "$2")
  shift 2
fi
rm -rf python/wheel-data
mkdir -p python/wheel-data/scripts
if [[ -n ${BACKUPCRYPT_BIN-} ]]; then
  bin=$BACKUPCRYPT_BIN
else
  cargo build --release --locked --bin backupcrypt "${target[@]}"
  bin=target/${target[1]:+${target[1]}/}release/backupcrypt
fi
if [[ -f $bin.exe || $bin == *.exe ]]; then
  cp "${bin%.exe}.exe" python/wheel-data/scripts/backupcrypt.exe
else
  cp "$bin" python/wheel-data/scripts/backupcrypt
fi
${MATURIN:-maturin} build --release --locked -m python/Cargo.toml -o target/wheels "${target[@]}" "$@"
