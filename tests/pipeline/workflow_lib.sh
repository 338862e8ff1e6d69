# Running a workflow step's `run:` script as written, outside GitHub (sourced, never run).
# `aws` is a stand-in that keeps the "bucket" in a folder; pg_dump and backupcrypt are the real
# ones behind wrappers that record their command lines, so a test can prove that no secret was
# ever in argv.
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

# Stand-ins on PATH. `aws s3` understands what the workflows use: cp (- or a file, either way),
# rm, sync; an object is a file under $FAKE_S3/BUCKET/KEY.
make_shims() {
  SHIMS=$WORK/shims
  mkdir -p "$SHIMS"
  cat >"$SHIMS/aws" <<'SH'
#!/usr/bin/env bash
set -euo pipefail
printf '%s\0' aws "$@" >>"$ARGV_LOG"
args=()
for a in "$@"; do [[ $a == --* ]] || args+=("$a"); done
[[ ${args[0]} == s3 ]] || { echo "fake aws: only s3" >&2; exit 2; }
path() { [[ $1 == s3://* ]] || { echo "fake aws: not an s3 url: $1" >&2; exit 2; }; echo "$FAKE_S3/${1#s3://}"; }
case ${args[1]} in
cp)
  if [[ ${args[2]} == - && -n ${FAKE_S3_FAIL_ON:-} && ${args[3]} == *"$FAKE_S3_FAIL_ON"* ]]; then
    cat >/dev/null; echo "fake aws: upload failed (FAKE_S3_FAIL_ON)" >&2; exit 1
  elif [[ ${args[2]} == - ]]; then p=$(path "${args[3]}"); mkdir -p "${p%/*}"; cat >"$p.upload"; mv "$p.upload" "$p"
  elif [[ ${args[3]} == - ]]; then cat "$(path "${args[2]}")"
  else cp "$(path "${args[2]}")" "${args[3]}"; fi ;;
rm) rm -f "$(path "${args[2]}")" ;;
sync) mkdir -p "${args[3]}"; cp -a "$(path "${args[2]}")/." "${args[3]}/" ;;
*) echo "fake aws: s3 ${args[1]} not supported" >&2; exit 2 ;;
esac
SH
  # shellcheck disable=SC2016 # "$@" and $ARGV_LOG belong to the shim
  printf '#!/usr/bin/env bash\nprintf "%%s\\0" backupcrypt "$@" >>"$ARGV_LOG"\nexec %q "$@"\n' "$BIN" >"$SHIMS/backupcrypt"
  if [[ -n ${PGBIN:-} ]]; then
    # shellcheck disable=SC2016
    printf '#!/usr/bin/env bash\nprintf "%%s\\0" pg_dump "$@" >>"$ARGV_LOG"\nexec %q "$@"\n' "$PGBIN/pg_dump" >"$SHIMS/pg_dump"
  fi
  chmod +x "$SHIMS"/*
}

run_step() { # SCRIPT — with GitHub's shell (bash --noprofile --norc -eo pipefail) and runner files
  local runner=$WORK/runner
  rm -rf "$runner"
  mkdir -p "$runner/temp"
  : >"$runner/output"
  : >"$runner/summary"
  (
    # Only what the workflow gives the step: not the test's PGHOST/PGPORT/PGUSER.
    unset PGHOST PGPORT PGUSER
    export PATH=$SHIMS:$PATH RUNNER_TEMP=$runner/temp GITHUB_OUTPUT=$runner/output GITHUB_STEP_SUMMARY=$runner/summary
    export ARGV_LOG FAKE_S3 BACKUP_KEY SPACE BUCKET VERIFY_UPLOAD S3_ENDPOINT_URL
    export DATABASE_URL PG_DUMP_OPTIONS SOURCE PART_SIZE_MIB FORMAT FAKE_S3_FAIL_ON
    export AWS_ACCESS_KEY_ID=AKIAFAKE AWS_SECRET_ACCESS_KEY=aws-secret-not-in-argv AWS_DEFAULT_REGION=us-east-1
    bash --noprofile --norc -eo pipefail "$1"
  )
}

