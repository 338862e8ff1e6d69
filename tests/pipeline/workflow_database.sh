# Runs the backup step of .github/workflows/backup-database.yml exactly as written, against the
# PostgreSQL server of restore_postgres.sh (sourced from there: $WORK, $SRC, pg_* are set).
# shellcheck shell=bash
# shellcheck source=tests/pipeline/workflow_lib.sh
source "$HERE/workflow_lib.sh"

phase_start "workflow backup-database.yml: its script, end to end"
make_shims
step_script "$ROOT/.github/workflows/backup-database.yml" backup >"$WORK/backup-database.sh"
FAKE_S3=$WORK/s3
ARGV_LOG=$WORK/argv.log
: >"$ARGV_LOG"
# shellcheck disable=SC2016 # a literal $ in the password
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
