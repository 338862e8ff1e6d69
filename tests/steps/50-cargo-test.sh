# Release mode: the interop and large-file tests move real data.
cargo test --release --all-targets
cargo test --release --doc
