# rustup targets for the cross checks of the laptops the team restores on:
# Windows (GNU: checks without the MSVC tools) and macOS on both architectures.
installed=$(rustup target list --installed)
for t in x86_64-pc-windows-gnu aarch64-apple-darwin x86_64-apple-darwin; do
  grep -qx "$t" <<<"$installed" || rustup target add "$t"
done
