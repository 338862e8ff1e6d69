#!/usr/bin/env bash
# S3 benchmark against a local SeaweedFS server that it starts and stops itself (tests/s3/seaweedfs.sh,
# the production bucket: Object Lock, lifecycle, the upload-only and read-only identities). Ratios
# are taken in the same run (docs/BENCHMARKS.md, "S3"):
#   1. upload: `backupcrypt encrypt FILE -o s3://…` (encrypting on the way, the stream checked on its
#      way up) against `aws s3 cp - s3://…` of already-encrypted bytes of the same size, ROUNDS times
#      alternately; wall times, the throughput ratio, CPU seconds and peak RSS of both;
#   2. verify: `backupcrypt verify s3://…/prefix/` of BACKUPS backups against `aws s3 cp` of each to
#      /dev/null (one process per object, as a script would), and against one
#      `aws s3 cp --recursive` (10 parallel GETs) into a tmpfs directory;
#   3. ls/extract of a ZIP_GIB GiB backup of 10,000 entries in the bucket: GET requests and bytes
#      received (BACKUPCRYPT_S3_STATS), checked against the targets (≤ 4 GETs and < 1 MiB for ls;
#      about the entry's size for extract). ZIP_GIB=0 skips it.
# Usage: benches/s3.sh [SIZE_MIB=1024] [BACKUPS=20] [ROUNDS=3] [ZIP_GIB=4]
# Builds the release binary first when it is missing; BACKUPCRYPT_BIN names another one.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BACKUPCRYPT_BIN:-$ROOT/target/release/backupcrypt}
VENV=${BACKUPCRYPT_S3_VENV:-$ROOT/target/venv-s3}
size_mib=${1:-1024}
backups=${2:-20}
rounds=${3:-3}
zip_gib=${4:-4}
[[ -x $BIN ]] || (cd "$ROOT" && cargo build --release --bin backupcrypt)
[[ -x $VENV/bin/weed && -x $VENV/bin/aws ]] || bash "$ROOT/tests/setup/40-s3.sh"
WORK=$(mktemp -d -t backupcrypt-s3-bench.XXXXXX)
SHM=$(mktemp -d -p /dev/shm backupcrypt-s3-bench.XXXXXX)
trap 'bash "$ROOT/tests/s3/seaweedfs.sh" stop "$WORK/s3"; rm -rf "$WORK" "$SHM"' EXIT
bash "$ROOT/tests/s3/seaweedfs.sh" start "$WORK/s3"
set -a
# shellcheck source=/dev/null
source "$WORK/s3/env"
set +a
export BACKUPCRYPT_PASSWORD=bench PATH=$VENV/bin:$PATH
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ENDPOINT_URL
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# timed COMMAND…: runs COMMAND; sets T (wall s), C (user+sys CPU s) and M (peak RSS MiB).
T=0 C=0 M=0
timed() {
  local t0 t1 u s m
  t0=$EPOCHREALTIME
  /usr/bin/time -f '%U %S %M' -o "$WORK/time" "$@"
  t1=$EPOCHREALTIME
  read -r u s m <"$WORK/time"
  T=$(secs "$t0" "$t1")
  C=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.1f", u + s }')
  M=$((m / 1024))
}

echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores; load $(load)"
echo "versions: $("$VENV/bin/weed" version 2>/dev/null | head -1); $(aws --version 2>&1)"

# 1. Upload.
head -c "$((size_mib << 20))" /dev/urandom >"$WORK/plain"
"$BIN" encrypt -q "$WORK/plain" -o "$WORK/enc.aes"
export AWS_PROFILE=uploader
ratios=()
for r in $(seq 1 "$rounds"); do
  l=$(load)
  timed aws s3 cp - "s3://backups/bench/aws-$r.aes" --only-show-errors <"$WORK/enc.aes"
  T_aws=$T C_aws=$C M_aws=$M
  timed "$BIN" encrypt -q "$WORK/plain" -o "s3://backups/bench/bc-$r.aes" 2>/dev/null
  T_bc=$T C_bc=$C M_bc=$M
  q=$(ratio "$T_aws" "$T_bc")
  ratios+=("$q")
  echo "upload ${size_mib} MiB, round $r (load $l): aws s3 cp - ${T_aws} s (CPU ${C_aws} s, RSS ${M_aws} MiB);" \
    "backupcrypt encrypt -o s3:// ${T_bc} s (CPU ${C_bc} s, peak RSS ${M_bc} MiB); throughput ratio ${q} (target ≥ 0.9), RSS target ≤ 64 MiB"
done
echo "upload throughput ratios: ${ratios[*]}; median $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"

# 2. verify of a prefix of BACKUPS backups (ZIPs of a 32 MiB file: verify checks the MAC and the ZIP).
mkdir -p "$WORK/tree"
head -c $((32 << 20)) "$WORK/plain" >"$WORK/tree/data.bin"
"$BIN" archive -q "$WORK/tree" -o "$WORK/small.zip.aes"
for i in $(seq 1 "$backups"); do
  env AWS_PROFILE=admin aws s3 cp --only-show-errors "$WORK/small.zip.aes" \
    "s3://backups/bench20/files/2024-01-$(printf %02d "$i")--00-00-00.zip.encrypted"
done
export AWS_PROFILE=reader
l=$(load)
t0=$EPOCHREALTIME
for i in $(seq 1 "$backups"); do
  aws s3 cp --only-show-errors "s3://backups/bench20/files/2024-01-$(printf %02d "$i")--00-00-00.zip.encrypted" - >/dev/null
done
t1=$EPOCHREALTIME
timed aws s3 cp --recursive --only-show-errors s3://backups/bench20/ "$SHM/"
T_rec=$T
rm -rf "${SHM:?}"/*
timed "$BIN" verify -q s3://backups/bench20/ >"$WORK/verify.out"
T_verify=$T C_verify=$C M_verify=$M
grep -q "files: 2024-01-$(printf %02d "$backups")T" "$WORK/verify.out" || {
  cat "$WORK/verify.out"
  echo "verify did not name the newest backup as intact" >&2
  exit 1
}
each=$(secs "$t0" "$t1")
echo "verify ${backups} backups of 32 MiB (load $l): aws s3 cp … - >/dev/null ×${backups} ${each} s;" \
  "aws s3 cp --recursive to tmpfs ${T_rec} s; backupcrypt verify s3://…/ ${T_verify} s (CPU ${C_verify} s, RSS ${M_verify} MiB);" \
  "wall ratio $(ratio "$T_verify" "$each") vs one cp per object, $(ratio "$T_verify" "$T_rec") vs cp --recursive (target ≤ 1.2)"

# 3. ls/extract of a ZIP_GIB GiB, 10,000-entry backup: sparse files (zeros, no disk), stored, streamed
#    into the bucket by `archive` as the uploader.
if ((zip_gib > 0)); then
  entry=$(((zip_gib << 30) / 10000))
  mkdir -p "$WORK/big/d"
  (cd "$WORK/big/d" && seq -w 0 9999 | xargs truncate -s "$entry")
  key=s3://backups/bench/files/2024-02-01--00-00-00.zip.encrypted
  l=$(load)
  AWS_PROFILE=uploader timed "$BIN" archive -q "$WORK/big" -o "$key" 2>/dev/null
  T_zip=$T C_zip=$C M_zip=$M
  size=$(env AWS_PROFILE=admin aws s3api head-object --bucket backups --key "${key#s3://backups/}" --query ContentLength --output text)
  echo "archive of ${zip_gib} GiB in 10,000 entries into the bucket (load $l): ${T_zip} s (CPU ${C_zip} s, peak RSS ${M_zip} MiB); object ${size} bytes"
  BACKUPCRYPT_S3_STATS=1 "$BIN" ls "$key" --json >"$WORK/ls.json" 2>"$WORK/ls.err"
  entries=$(grep -o '"name"' "$WORK/ls.json" | wc -l)
  read -r gets ls_bytes < <(grep 's3 stats' "$WORK/ls.err" | awk '{ print $4, $9 }')
  echo "ls: ${entries} entries listed with ${gets} GET, ${ls_bytes} bytes received (target ≤ 4 GET, < 1048576 bytes)"
  ((gets <= 4 && ls_bytes < 1048576 && entries >= 10000)) || { echo "ls missed its target" >&2; exit 1; }
  BACKUPCRYPT_S3_STATS=1 "$BIN" extract -q "$key" -C "$WORK/out" big/d/5000 2>"$WORK/x.err"
  read -r gets received < <(grep 's3 stats' "$WORK/x.err" | awk '{ print $4, $9 }')
  echo "extract of one ${entry}-byte entry: ${gets} GET, ${received} bytes received: what ls reads and" \
    "$((received - ls_bytes)) bytes more ($(ratio "$((received - ls_bytes))" "$entry")× the entry)"
  [[ $(stat -c %s "$WORK/out/big/d/5000") == "$entry" ]] || { echo "extract wrote the wrong size" >&2; exit 1; }
fi
echo "load at the end: $(load)"
