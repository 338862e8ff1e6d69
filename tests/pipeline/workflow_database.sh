# Runs the backup step of .github/workflows/backup-database.yml exactly as written, against the
# PostgreSQL server of restore_postgres.sh (sourced from there: $WORK, $SRC, pg_* are set) and the
# real S3 server with the upload-only identity; then the restore drill (restore-drill.yml) as the
# reader, into a fresh database of the same server.
# shellcheck shell=bash
# shellcheck source=tests/pipeline/workflow_lib.sh
source "$HERE/workflow_lib.sh"

phase_start "workflow backup-database.yml: its script, end to end, against SeaweedFS"
s3_up
make_shims
step_script "$ROOT/.github/workflows/backup-database.yml" backup >"$WORK/backup-database.sh"
ARGV_LOG=$WORK/argv.log
: >"$ARGV_LOG"
# shellcheck disable=SC2016 # a literal $ in the password
DB_PASSWORD='pg-pa$$word/with:odd@chars'
DATABASE_URL="postgresql://postgres:$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$DB_PASSWORD")@/app?host=$PGSOCK&port=$PGPORT&application_name=backup"
SPACE=production BUCKET=backups PG_DUMP_OPTIONS="--no-owner --no-privileges" S3_ENDPOINT_URL=$S3_ENDPOINT PG_DUMP_DIE_AFTER=
run_step "$WORK/backup-database.sh" >"$WORK/step.out" 2>&1 || { cat "$WORK/step.out" >&2; fail "the backup-database step failed"; }
phase_end

mapfile -t objects < <(s3_versions production/ | cut -f1)
((${#objects[@]} == 1)) || fail "expected one object version in the bucket, got: ${objects[*]}"
[[ ${objects[0]} =~ ^production/database/[0-9]{4}-[0-9]{2}-[0-9]{2}--[0-9]{2}-[0-9]{2}-[0-9]{2}\.sql\.encrypted$ ]] ||
  fail "object name not in the FORMATS.md §5 shape: ${objects[0]}"
grep -qx "object=${objects[0]}" "$WORK/runner/output" || fail "the step's output 'object' is wrong: $(cat "$WORK/runner/output")"
[[ ! -e $WORK/runner/temp/pg_service.conf ]] || fail "the service file with the database password was left behind"
[[ $(find "$WORK/runner/temp" -type f | wc -l) == 0 ]] || fail "the step left files behind: $(find "$WORK/runner/temp" -type f)"
for secret in "$BACKUP_KEY" "$DB_PASSWORD" "$DATABASE_URL" "$S3_UPLOADER_SECRET"; do
  ! grep -qaF -- "$secret" "$ARGV_LOG" || fail "a secret was on a command line: $(tr '\0' ' ' <"$ARGV_LOG")"
done
pass "backup-database.yml: object ${objects[0]} written with the upload-only identity, no secret in any argv, nothing left on disk"

AWS_ACCESS_KEY_ID=$S3_READER_KEY AWS_SECRET_ACCESS_KEY=$S3_READER_SECRET AWS_ENDPOINT_URL=$S3_ENDPOINT \
  "$BIN" decrypt -q --password-env BACKUP_KEY "s3://backups/${objects[0]}" -o - | restore_and_compare from_workflow
pass "backup-database.yml: its object, decrypted straight from the bucket by the reader, restores to an identical database"

# A failing pg_dump (no such database), and one killed half-way: the step fails, no new version.
GOOD_DATABASE_URL=$DATABASE_URL
DATABASE_URL="postgresql://postgres@/no_such_db?host=$PGSOCK&port=$PGPORT"
if run_step "$WORK/backup-database.sh" >"$WORK/step.out" 2>&1; then
  cat "$WORK/step.out" >&2
  fail "the backup step succeeded although pg_dump failed"
fi
grep -q 'pg_dump exited with status 1' "$WORK/step.out" || fail "the failure does not name pg_dump's status: $(cat "$WORK/step.out")"
DATABASE_URL=$GOOD_DATABASE_URL PG_DUMP_DIE_AFTER=300000
if run_step "$WORK/backup-database.sh" >"$WORK/step.out" 2>&1; then
  cat "$WORK/step.out" >&2
  fail "the backup step succeeded although pg_dump was killed half-way"
fi
PG_DUMP_DIE_AFTER=
grep -q 'pg_dump was killed by signal 9' "$WORK/step.out" || fail "the failure does not say pg_dump was killed: $(cat "$WORK/step.out")"
[[ $(s3_versions production/ | wc -l) == 1 ]] || fail "a failed backup left an object version: $(s3_versions production/)"
pass "backup-database.yml: pg_dump failing, or killed half-way, fails the step and leaves no object version"

# --- .github/workflows/restore-drill.yml, as the reader: needs a files backup too. ---
phase_start "workflow restore-drill.yml: verify --newest, restore, psql checks"
mkdir -p "$WORK/drill-tree/docs"
echo "a file" >"$WORK/drill-tree/docs/a.txt"
AWS_ACCESS_KEY_ID=$S3_UPLOADER_KEY AWS_SECRET_ACCESS_KEY=$S3_UPLOADER_SECRET AWS_ENDPOINT_URL=$S3_ENDPOINT \
  "$BIN" archive -q --password-env BACKUP_KEY "$WORK/drill-tree" \
  -o "s3://backups/production/files/$(date -u +%Y-%m-%d--%H-%M-%S).zip.encrypted"
step_script "$ROOT/.github/workflows/restore-drill.yml" drill >"$WORK/drill.sh"
DRILL_PGHOST=$PGSOCK DRILL_PGPORT=$PGPORT DRILL_PGUSER=postgres DATABASE_MAX_AGE_HOURS=26 FILES_MAX_AGE_HOURS=50
run_step "$WORK/drill.sh" reader >"$WORK/drill.out" 2>&1 || { cat "$WORK/drill.out" >&2; fail "the drill failed on fresh backups"; }
grep -q 'Database restored from .*: 4 table(s), 0 of them empty' "$WORK/runner/summary" ||
  fail "the drill's summary does not report the restore: $(cat "$WORK/runner/summary")"
[[ $(table_digest drill) == "$SRC" ]] || fail "the drill's database differs from the original"
DATABASE_MAX_AGE_HOURS=0
if run_step "$WORK/drill.sh" reader >"$WORK/drill.out" 2>&1; then
  fail "the drill passed with a database backup older than its threshold"
fi
grep -q '| database |.*too old' "$WORK/runner/summary" || fail "the summary does not say why: $(cat "$WORK/runner/summary")"
phase_end
pass "restore-drill.yml: the reader finds the newest intact backups, restores the database (4 tables, none empty); an old backup fails the drill with a summary"
s3_down
