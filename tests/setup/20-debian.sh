# Debian packages the interop tests run: the openssl CLI and Info-ZIP.
missing=()
command -v openssl >/dev/null || missing+=(openssl)
command -v zip >/dev/null || missing+=(zip)
command -v unzip >/dev/null || missing+=(unzip)
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
