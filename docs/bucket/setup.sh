#!/usr/bin/env bash
# Sets up a backup bucket exactly as docs/BUCKET.md describes, with the AWS CLI and whatever
# credentials it finds (an identity allowed to create and configure buckets):
#   docs/bucket/setup.sh BUCKET [extra aws options, e.g. --endpoint-url URL --profile admin]
# The tests run this same script against their SeaweedFS server, so the guide cannot drift.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bucket=${1:?usage: setup.sh BUCKET [aws options]}
shift
# Object Lock can only be switched on when the bucket is created; it turns versioning on.
aws s3api create-bucket --bucket "$bucket" --object-lock-enabled-for-bucket "$@" >/dev/null
# Every new object version: COMPLIANCE retention for 35 days (nobody, root included, can
# delete or shorten it).
aws s3api put-object-lock-configuration --bucket "$bucket" \
  --object-lock-configuration "file://$here/object-lock.json" "$@"
# Versions expire after 40 days (once their retention is over); uploads that never completed
# (a failed backup, which the upload-only identity cannot abort) are removed after a day.
aws s3api put-bucket-lifecycle-configuration --bucket "$bucket" \
  --lifecycle-configuration "file://$here/lifecycle.json" "$@"
