# cargo-fuzz for the fuzz smoke step (tests/steps/70-fuzz-smoke.sh); it runs on the
# nightly toolchain. Building it from source takes about 5 minutes on 2 cores.
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
