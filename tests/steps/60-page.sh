# The offline page: build dist/backupcrypt.html, then drive it in three engines
# (Chromium, Firefox, WebKit: tests/browser/engines/) from file:// and a static
# http:// host: every format from the real tools, errors, Cancel, the wasm-only
# fallback, the ZIP browser, keyboard-only use, no network requests, 1 GiB files, the
# wasm bindings themselves. BROWSERS=… picks engines; REPEAT=N runs each case N times.
cargo xtask page
t_page=$SECONDS
(cd "$ROOT/tests/browser" && node --test --test-concurrency=1 ./*.test.mjs)
printf -- '--- browser suite (%s) took %ss\n' "${BROWSERS:-chromium,firefox,webkit}" $((SECONDS - t_page))
