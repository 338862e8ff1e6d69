# Runs the backup step of .github/workflows/backup-database.yml exactly as written, against the
# PostgreSQL server of restore_postgres.sh (sourced from there: $WORK, $SRC, pg_* are set).
# `aws` is a stand-in that keeps the "bucket" in a folder; pg_dump and backupcrypt are the real
# ones behind wrappers that record their command lines, so the test can prove that no secret was
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
  if [[ ${args[2]} == - ]]; then p=$(path "${args[3]}"); mkdir -p "${p%/*}"; cat >"$p.upload"; mv "$p.upload" "$p"
  elif [[ ${args[3]} == - ]]; then cat "$(path "${args[2]}")"
  else cp "$(path "${args[2]}")" "${args[3]}"; fi ;;
rm) rm -f "$(path "${args[2]}")" ;;
sync) mkdir -p "${args[3]}"; cp -a "$(path "${args[2]}")/." "${args[3]}/" ;;
*) echo "fake aws: s3 ${args[1]} not supported" >&2; exit 2 ;;
esac
SH
  printf '#!/usr/bin/env bash\nprintf "%%s\\0" backupcrypt "$@" >>"$ARGV_LOG"\nexec %q "$@"\n' "$BIN" >"$SHIMS/backupcrypt"
  printf '#!/usr/bin/env bash\nprintf "%%s\\0" pg_dump "$@" >>"$ARGV_LOG"\nexec %q "$@"\n' "$PGBIN/pg_dump" >"$SHIMS/pg_dump"
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
    export ARGV_LOG FAKE_S3 DATABASE_URL BACKUP_KEY SPACE BUCKET PG_DUMP_OPTIONS VERIFY_UPLOAD S3_ENDPOINT_URL
    export AWS_ACCESS_KEY_ID=AKIAFAKE AWS_SECRET_ACCESS_KEY=aws-secret-not-in-argv AWS_DEFAULT_REGION=us-east-1
    bash --noprofile --norc -eo pipefail "$1"
  )
}

phase_start "workflow backup-database.yml: its script, end to end"
make_shims
step_script "$ROOT/.github/workflows/backup-database.yml" backup >"$WORK/backup-database.sh"
FAKE_S3=$WORK/s3
ARGV_LOG=$WORK/argv.log
: >"$ARGV_LOG"
DB_PASSWORD='pg-pa$$word/with:odd@chars'
DATABASE_URL="postgresql://postgres:$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$DB_PASSWORD")@/app?host=$PGSOCK&port=$PGPORT&application_name=backup"
SPACE=production BUCKET=grc-backups PG_DUMP_OPTIONS="--no-owner --no-privileges" VERIFY_UPLOAD=true S3_ENDPOINT_URL=
run_step "$WORK/backup-database.sh" >"$WORK/step.out" 2>&1 || { cat "$WORK/step.out" >&2; fail "the backup-database step failed"; }
phase_end

mapfile -t objects < <(cd "$FAKE_S3" && find . -type f -printf '%P\n')
((${#objects[@]} == 1)) || fail "expected one object in the bucket, got: ${objects[*]}"
[[ ${objects[0]} =~ ^grc-backups/production/database/[0-9]{4}-[0-9]{2}-[0-9]{2}--[0-9]{2}-[0-9]{2}-[0-9]{2}\.sql\.encrypted$ ]] ||
  fail "object name not in the FORMATS.md §5 shape: ${objects[0]}"
grep -qx "object=${objects[0]#grc-backups/}" "$WORK/runner/output" || fail "the step's output 'object' is wrong: $(cat "$WORK/runner/output")"
[[ ! -e $WORK/runner/temp/pg_service.conf ]] || fail "the service file with the database password was left behind"
[[ $(find "$WORK/runner/temp" -type f | wc -l) == 0 ]] || fail "the step left files behind: $(find "$WORK/runner/temp" -type f)"
for secret in "$BACKUP_KEY" "$DB_PASSWORD" "$DATABASE_URL" aws-secret-not-in-argv; do
  ! grep -qaF -- "$secret" "$ARGV_LOG" || fail "a secret was on a command line: $(tr '\0' ' ' <"$ARGV_LOG")"
done
tr '\0' ' ' <"$ARGV_LOG" | grep -qF "backupcrypt verify" || fail "the step did not verify the upload"
pass "backup-database.yml: object ${objects[0]}, no secret in any argv, upload verified, nothing left on disk"

"$BIN" decrypt --password-env BACKUP_KEY "$FAKE_S3/${objects[0]}" -o - | restore_and_compare from_workflow
pass "backup-database.yml: its object restores to an identical database"

# A failing pg_dump (no such database) must fail the step and leave no object behind.
rm -rf "$FAKE_S3"
DATABASE_URL="postgresql://postgres@/no_such_db?host=$PGSOCK&port=$PGPORT"
if run_step "$WORK/backup-database.sh" >"$WORK/step.out" 2>&1; then
  cat "$WORK/step.out" >&2
  fail "the backup step succeeded although pg_dump failed"
fi
[[ -z $(find "$FAKE_S3" -type f 2>/dev/null) ]] || fail "a failed backup left an object: $(find "$FAKE_S3" -type f)"
pass "backup-database.yml: a failing pg_dump fails the step and leaves no object"
