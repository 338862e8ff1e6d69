# rustup targets for the no_std build (an embedded target with no std at all) and wasm.
installed=$(rustup target list --installed)
for t in thumbv7em-none-eabi wasm32-unknown-unknown; do
  grep -qx "$t" <<<"$installed" || rustup target add "$t"
done
