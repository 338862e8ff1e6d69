# The offline page: wasm-bindgen CLI matching the crate; the three browser engines the
# page is tested in (Debian's chromium, firefox-esr, and WebKitGTK's MiniBrowser with
# WebKitWebDriver on a virtual X display); and their drivers (npm, local to
# tests/browser: playwright-core, puppeteer-core, selenium-webdriver). Each only if
# missing.
if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen 0.2.130" ]]; then
  cargo install --quiet wasm-bindgen-cli --version 0.2.130
fi
missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/firefox-esr ]] || missing+=(firefox-esr)
[[ -x /usr/bin/WebKitWebDriver ]] || missing+=(webkit2gtk-driver)
[[ -x /usr/bin/xvfb-run ]] || missing+=(xvfb)
[[ -x /usr/bin/xauth ]] || missing+=(xauth)
if (( ${#missing[@]} )); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
for pkg in playwright-core puppeteer-core selenium-webdriver; do
  if [[ ! -d "$ROOT/tests/browser/node_modules/$pkg" ]]; then
    (cd "$ROOT/tests/browser" && npm ci --no-audit --no-fund --loglevel=error)
    break
  fi
done
