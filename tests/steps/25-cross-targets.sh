# shellcheck shell=bash
# Every module compiles, lint-clean, for Windows and macOS (both architectures): positional
# I/O, atomic output files and the CLI's terminal and stdout code have an implementation per
# platform. Windows: everything (CLI, tests, benches). macOS: the library and its tests with
# std + zip; the CLI's S3 client needs ring, whose C code wants the macOS SDK headers, so
# the CLI is checked by the macOS runner of .github/workflows/ci.yml instead.
# (Checks only: linking needs the platforms' own tools; the workflows run the tests there.)
cargo clippy --locked --target x86_64-pc-windows-gnu --all-targets -- -D warnings
for t in aarch64-apple-darwin x86_64-apple-darwin; do
  cargo clippy --locked --target "$t" --lib --tests --no-default-features --features std,zip -- -D warnings
done
