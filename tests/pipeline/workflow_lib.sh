# Running a workflow step's `run:` script as written, outside GitHub (sourced, never run), against
# the real S3 server of tests/s3/seaweedfs.sh (s3_up in lib.sh) with the identity the workflow is
# given: the uploader (s3:PutObject only) for the backups, the reader for the drill. pg_dump and
# backupcrypt are the real ones behind wrappers that record their command lines, so a test can
# prove that no secret was ever in argv.
# shellcheck shell=bash

LINT_PY=${BACKUPCRYPT_LINT_VENV:-$ROOT/target/venv-lint}/bin/python
need "$LINT_PY"

# The step's `run:` script and its `env:` names, from the YAML as GitHub reads it.
step_script() { # WORKFLOW STEP_ID → the run script on stdout
  "$LINT_PY" - "$1" "$2" <<'PY'
import sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
steps = [s for job in wf["jobs"].values() for s in job["steps"] if s.get("id") == sys.argv[2]]
assert len(steps) == 1, f"one step with id {sys.argv[2]} expected"
assert "${{" not in steps[0]["run"], "expressions belong in env:, not in the script (injection)"
print(steps[0]["run"])
PY
}

# Wrappers on PATH. No `aws` at all: the workflows must not need the AWS CLI. pg_dump dies
# half-way (killed, after PG_DUMP_DIE_AFTER bytes) when that is set.
make_shims() {
  SHIMS=$WORK/shims
  mkdir -p "$SHIMS"
  # shellcheck disable=SC2016 # "$@" and $ARGV_LOG belong to the shim
  printf '#!/usr/bin/env bash\nprintf "%%s\\0" backupcrypt "$@" >>"$ARGV_LOG"\nexec %q "$@"\n' "$BIN" >"$SHIMS/backupcrypt"
  if [[ -n ${PGBIN:-} ]]; then
    # shellcheck disable=SC2016
    printf '#!/usr/bin/env bash
printf "%%s\\0" pg_dump "$@" >>"$ARGV_LOG"
if [[ -n ${PG_DUMP_DIE_AFTER:-} ]]; then
  %q "$@" | { head -c "$PG_DUMP_DIE_AFTER"; kill -9 $$; }
fi
exec %q "$@"\n' "$PGBIN/pg_dump" "$PGBIN/pg_dump" >"$SHIMS/pg_dump"
  fi
  chmod +x "$SHIMS"/*
}

run_step() { # SCRIPT [IDENTITY: uploader (default) or reader] — with GitHub's shell and runner files
  local runner=$WORK/runner who=${2:-uploader}
  rm -rf "$runner"
  mkdir -p "$runner/temp"
  : >"$runner/output"
  : >"$runner/summary"
  local key=S3_${who^^}_KEY secret=S3_${who^^}_SECRET
  # The drill's step names its server in its env: block; DRILL_PG* stand for it here.
  local pg=()
  [[ -z ${DRILL_PGHOST:-} ]] || pg=(PGHOST="$DRILL_PGHOST" PGPORT="${DRILL_PGPORT:?}" PGUSER="${DRILL_PGUSER:?}" PGPASSWORD=drill)
  (
    # Only what the workflow gives the step: not the test's PGHOST/PGPORT/PGUSER, and no AWS
    # profile files: the identity comes in the environment, as GitHub secrets do.
    export ARGV_LOG BACKUP_KEY SPACE BUCKET S3_ENDPOINT_URL PG_DUMP_DIE_AFTER
    export DATABASE_URL PG_DUMP_OPTIONS SOURCE PART_SIZE_MIB FORMAT DATABASE_MAX_AGE_HOURS FILES_MAX_AGE_HOURS
    export SOURCE_AWS_ACCESS_KEY_ID SOURCE_AWS_SECRET_ACCESS_KEY SOURCE_AWS_REGION SOURCE_S3_ENDPOINT_URL
    env -u PGHOST -u PGPORT -u PGUSER -u AWS_PROFILE -u AWS_SHARED_CREDENTIALS_FILE -u AWS_CONFIG_FILE -u AWS_ENDPOINT_URL \
      "${pg[@]}" PATH="$SHIMS:$PATH" RUNNER_TEMP="$runner/temp" GITHUB_OUTPUT="$runner/output" GITHUB_STEP_SUMMARY="$runner/summary" \
      AWS_ACCESS_KEY_ID="${!key}" AWS_SECRET_ACCESS_KEY="${!secret}" AWS_DEFAULT_REGION=us-east-1 \
      bash --noprofile --norc -eo pipefail "$1"
  )
}
