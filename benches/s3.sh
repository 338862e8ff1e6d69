#!/usr/bin/env bash
# S3 benchmark against the local SeaweedFS server (tests/s3/seaweedfs.sh), ratios taken in the same
# run (docs/BENCHMARKS.md):
#   * upload: `backupcrypt encrypt FILE -o s3://…` (encrypting on the way) against
#     `aws s3 cp - s3://…` of the already-encrypted bytes; peak RSS of backupcrypt;
#   * verify: `backupcrypt verify s3://…/prefix/` of N backups against `aws s3 cp` of each to /dev/null;
#   * ls/extract: requests and bytes (BACKUPCRYPT_S3_STATS).
# Usage: benches/s3.sh [SIZE_MIB=1024] [BACKUPS=20]   (builds nothing: run cargo build --release first)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BACKUPCRYPT_BIN:-$ROOT/target/release/backupcrypt}
VENV=${BACKUPCRYPT_S3_VENV:-$ROOT/target/venv-s3}
size_mib=${1:-1024}
backups=${2:-20}
WORK=$(mktemp -d -t backupcrypt-s3-bench.XXXXXX)
trap 'bash "$ROOT/tests/s3/seaweedfs.sh" stop "$WORK/s3"; rm -rf "$WORK"' EXIT
bash "$ROOT/tests/s3/seaweedfs.sh" start "$WORK/s3"
set -a
# shellcheck source=/dev/null
source "$WORK/s3/env"
set +a
export BACKUPCRYPT_PASSWORD=bench AWS_PROFILE=uploader PATH=$VENV/bin:$PATH
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
head -c "$((size_mib << 20))" /dev/urandom >"$WORK/plain"
"$BIN" encrypt -q "$WORK/plain" -o "$WORK/enc.aes"
t0=$EPOCHREALTIME
aws s3 cp - s3://backups/bench/aws.aes --only-show-errors <"$WORK/enc.aes"
t1=$EPOCHREALTIME
/usr/bin/time -f '%M' -o "$WORK/rss" "$BIN" encrypt -q "$WORK/plain" -o s3://backups/bench/bc.aes
t2=$EPOCHREALTIME
aws_s=$(secs "$t0" "$t1")
bc_s=$(secs "$t1" "$t2")
echo "upload ${size_mib} MiB: aws s3 cp - ${aws_s}s, backupcrypt encrypt -o s3:// ${bc_s}s (ratio of throughput $(awk -v a="$aws_s" -v b="$bc_s" 'BEGIN { printf "%.2f", a / b }')), peak RSS $(($(cat "$WORK/rss") / 1024)) MiB"

export AWS_PROFILE=reader
head -c $((32 << 20)) "$WORK/plain" >"$WORK/small"
"$BIN" encrypt -q "$WORK/small" -o "$WORK/small.aes"
for i in $(seq 1 "$backups"); do
  env AWS_PROFILE=admin aws s3 cp --only-show-errors "$WORK/small.aes" \
    "s3://backups/bench20/files/2024-01-$(printf %02d "$i")--00-00-00.zip.encrypted"
done
t0=$EPOCHREALTIME
for i in $(seq 1 "$backups"); do
  aws s3 cp --only-show-errors "s3://backups/bench20/files/2024-01-$(printf %02d "$i")--00-00-00.zip.encrypted" - >/dev/null
done
t1=$EPOCHREALTIME
"$BIN" verify -q s3://backups/bench20/ >/dev/null || true
t2=$EPOCHREALTIME
echo "verify $backups backups of 32 MiB: aws s3 cp to /dev/null ${backups}× $(secs "$t0" "$t1")s, backupcrypt verify s3://…/ $(secs "$t1" "$t2")s"
