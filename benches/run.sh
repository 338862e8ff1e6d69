#!/usr/bin/env bash
# Every benchmark, in one run on one machine (not a test: nothing fails because the
# machine was slow). Results go to stdout; copy them into docs/BENCHMARKS.md.
#
#   benches/run.sh [--quick]
#
# 1. cargo bench: in-memory throughput of each primitive and format
# 2. benches/compare.py: whole processes against openssl, pyAesCrypt 6.0.0 and the
#    old aiozipstream + pyAesCrypt job (512 MiB, 1 GiB archive, 4 GiB peak RSS)
# 3. benches/browser/bench.mjs: the page in headless Chromium against raw WebCrypto
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export ROOT
# The same idempotent installers the tests use (venv, chromium, playwright-core, wasm-bindgen).
for f in tests/setup/10-rust-targets.sh tests/setup/20-debian.sh tests/setup/30-python.sh tests/setup/65-page.sh; do
  # shellcheck source=/dev/null
  source "$f"
done
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }

if [[ "${1:-}" == --quick ]]; then
  cargo bench --bench throughput
  cargo build --release
  python3 benches/compare.py --mb 128 --runs 3 --big-gb 1 --archive-mb 256 --archive-files 250 --ls-entries 2000
  cargo xtask page && node benches/browser/bench.mjs 64
else
  cargo bench --bench throughput
  cargo build --release
  python3 benches/compare.py
  cargo xtask page && node benches/browser/bench.mjs 256 --runs 3
fi
