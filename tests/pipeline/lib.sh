# Shared helpers for the pipeline tests (sourced, never run). They drive the built
# `backupcrypt` binary, real PostgreSQL, real openssl and pyAesCrypt 6.0.0, and fail loudly:
# a missing tool is an error, never a skip.
# shellcheck shell=bash

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BIN=${BACKUPCRYPT_BIN:-$ROOT/target/release/backupcrypt}
PY=${BACKUPCRYPT_TEST_PYTHON:-$ROOT/target/venv/bin/python}
# shellcheck disable=SC2034 # used by the scripts that source this
HERE=$ROOT/tests/pipeline

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}
pass() { printf 'ok   %s\n' "$*"; }
need() {
  local t
  for t in "$@"; do
    [[ -x $t ]] || command -v "$t" >/dev/null || fail "$t is not installed (run ./tests/all.sh, whose set-up installs it)"
  done
}

# The phase timings go to stdout so the test log shows where the time went.
phase_start() {
  PHASE=$1
  PHASE_T0=$EPOCHREALTIME
}
phase_end() {
  awk -v p="$PHASE" -v a="$PHASE_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "time %-50s %6.2fs\n", p, b - a }'
}

# Run a command that must fail with exit code $1; its stderr is kept for inspection.
expect_exit() {
  local want=$1 got=0
  shift
  "$@" >"$WORK/last.out" 2>"$WORK/last.err" || got=$?
  if [[ $got != "$want" ]]; then
    cat "$WORK/last.err" >&2
    fail "expected exit $want, got $got: $*"
  fi
}

# Invert one byte of a file in place; a negative offset counts from the end.
flip_byte() {
  python3 -c 'import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2]), 0 if int(sys.argv[2]) >= 0 else 2)
    b = f.read(1)
    f.seek(-1, 1)
    f.write(bytes([b[0] ^ 0xFF]))' "$1" "$2"
}

# stdin → stdout unchanged, and the SHA-256 of what went through into FILE (in the pipeline, so
# it is complete when the pipeline is).
tee_sha256() {
  python3 -c 'import hashlib, sys
h = hashlib.sha256()
while chunk := sys.stdin.buffer.read(1 << 16):
    h.update(chunk)
    sys.stdout.buffer.write(chunk)
open(sys.argv[1], "w").write(h.hexdigest())' "$1"
}

sha256() { sha256sum | cut -d' ' -f1; }

# A password shaped like the real EXTERNAL_BACKUP_ENCRYPTION_KEY (a Fernet key: 44 characters of
# URL-safe base64 ending in "="). Only ever passed through the environment.
fernet_key() { python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'; }

# The real S3 server (tests/s3/seaweedfs.sh) with the production bucket and identities. s3_up
# starts it in $WORK/s3 and sets S3_ENDPOINT and the S3_{ADMIN,UPLOADER,READER}_{KEY,SECRET}
# of its env file; s3_down (in the caller's EXIT trap) stops it by its PID.
S3_VENV=${BACKUPCRYPT_S3_VENV:-$ROOT/target/venv-s3}
s3_up() {
  bash "$ROOT/tests/s3/seaweedfs.sh" start "$WORK/s3" || fail "SeaweedFS did not start (tests/setup/40-s3.sh installs it)"
  S3_STARTED=1
  set -a
  # shellcheck source=/dev/null
  source "$WORK/s3/env"
  set +a
}
s3_down() {
  [[ ${S3_STARTED:-} == 1 ]] || return 0
  S3_STARTED=
  bash "$ROOT/tests/s3/seaweedfs.sh" stop "$WORK/s3" || true
}
admin_aws() { env AWS_PROFILE=admin "$S3_VENV/bin/aws" "$@"; }
# Every object version under PREFIX of the backup bucket, "KEY VERSION" a line, as admin sees them.
s3_versions() {
  admin_aws s3api list-object-versions --bucket backups --prefix "$1" \
    --query 'Versions[].[Key, VersionId]' --output text | grep -v '^None$' || true
}

need "$BIN" awk python3 sha256sum
[[ -x $PY ]] || fail "no Python venv at $PY (tests/setup/30-python.sh makes it)"
