# The core must build where there is no std at all, and for the browser.
cargo build --lib --no-default-features --target thumbv7em-none-eabi
cargo build --lib --no-default-features --target wasm32-unknown-unknown
