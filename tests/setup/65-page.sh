# The offline page: wasm-bindgen CLI matching the crate, Debian's chromium, and
# playwright-core (npm, local to tests/browser) to drive it. Each only if missing.
if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen 0.2.130" ]]; then
  cargo install --quiet wasm-bindgen-cli --version 0.2.130
fi
if [[ ! -x /usr/bin/chromium ]]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
if [[ ! -d "$ROOT/tests/browser/node_modules/playwright-core" ]]; then
  (cd "$ROOT/tests/browser" && npm ci --no-audit --no-fund --loglevel=error)
fi
