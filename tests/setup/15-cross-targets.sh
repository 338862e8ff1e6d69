# shellcheck shell=bash
# rustup targets for the cross checks of the laptops the team restores on: Windows (GNU:
# checks without the MSVC tools) and macOS on both architectures; and MinGW's C compiler,
# which ring (TLS for the S3 client) needs even to be checked for Windows.
installed=$(rustup target list --installed)
for t in x86_64-pc-windows-gnu aarch64-apple-darwin x86_64-apple-darwin; do
  grep -qx "$t" <<<"$installed" || rustup target add "$t"
done
if ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
  as_root() { if ((EUID == 0)); then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc-mingw-w64-x86-64
fi
