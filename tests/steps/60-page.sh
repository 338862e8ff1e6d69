# The offline page: build dist/backupcrypt.html, then drive it in headless Chromium
# from file:// (decrypt OpenSSL and AES Crypt v2/v3 files made by the real tools,
# errors, keyboard-only use, no network requests, the wasm bindings themselves).
cargo xtask page
(cd "$ROOT/tests/browser" && node --test --test-concurrency=1 ./*.test.mjs)
