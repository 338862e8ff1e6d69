#!/usr/bin/env bash
# The database backup, end to end, with a real PostgreSQL server:
#   pg_dump | backupcrypt encrypt --format openssl   (no plaintext file, the key only in the environment)
#   backupcrypt verify (the pg_dump header and footer are the only content check OpenSSL files allow)
#   backupcrypt decrypt → psql into a fresh database → every table compared exactly.
# And the old way: `openssl enc -aes-256-cbc -pbkdf2` backups restore through backupcrypt.
set -euo pipefail
# shellcheck source=tests/pipeline/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/pipeline/postgres.sh
source "$HERE/postgres.sh"
need openssl

WORK=$(mktemp -d -t backupcrypt-restore-pg.XXXXXX)
cleanup() {
  local rc=$?
  pg_stop
  s3_down
  ((rc == 0)) || [[ ! -f ${PGDATA_DIR:-/nonexistent}/server.log ]] || tail -n 20 "$PGDATA_DIR/server.log" >&2
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
T0=$EPOCHREALTIME

phase_start "start PostgreSQL ($(basename "$(dirname "$PGBIN")"))"
pg_start
phase_end

BACKUP_KEY=$(fernet_key)
WRONG_KEY=$(fernet_key)
export BACKUP_KEY WRONG_KEY

phase_start "create and fill the database"
sql -d postgres -c 'CREATE DATABASE app'
seed_database app
SRC=$(table_digest app)
[[ $(wc -l <<<"$SRC") == 4 ]] || fail "expected 4 tables in the source database, got: $SRC"
grep -q '^public.people 5000 ' <<<"$SRC" || fail "people should have 5000 rows: $SRC"
grep -q '^public.blobs 2001 ' <<<"$SRC" || fail "blobs should have 2001 rows: $SRC"
phase_end

restore_and_compare() { # DB < sql
  sql -d postgres -c "CREATE DATABASE $1"
  sql -d "$1" >/dev/null
  local got
  got=$(table_digest "$1")
  [[ $got == "$SRC" ]] || fail "database $1 differs from the original:"$'\n'"$(diff <(echo "$SRC") <(echo "$got"))"
}

# --- The new pipeline: what .github/workflows/backup-database.yml runs. ---
BUCKET=$WORK/bucket
DBDIR=$BUCKET/production/database
mkdir -p "$DBDIR"
STAMP=$(date -u +%Y-%m-%d--%H-%M-%S)
OBJ=$DBDIR/$STAMP.sql.encrypted

phase_start "pg_dump | backupcrypt encrypt --format openssl"
# The dump's hash is taken on the way through: the plaintext never touches the disk.
"$PGBIN/pg_dump" -d app | tee_sha256 "$WORK/dump.sha256" |
  "$BIN" encrypt --format openssl --password-env BACKUP_KEY >"$OBJ"
DUMP_SHA=$(<"$WORK/dump.sha256")
[[ ${#DUMP_SHA} == 64 ]] || fail "no hash of the dump"
phase_end
printf 'info dump: %s bytes encrypted\n' "$(stat -c %s "$OBJ")"
[[ $(head -c 8 "$OBJ") == Salted__ ]] || fail "backupcrypt encrypt --format openssl did not write a salted OpenSSL file"
! grep -aq 'PostgreSQL database dump' "$OBJ" || fail "the encrypted backup contains plaintext"
[[ $(find "$WORK" -name '*.sql' | wc -l) == 0 ]] || fail "a plaintext .sql file was written"
pass "pg_dump | backupcrypt encrypt: salted OpenSSL file, no plaintext on disk"

phase_start "openssl enc -d (the old restore command) reads it"
[[ $(openssl enc -d -aes-256-cbc -pbkdf2 -pass env:BACKUP_KEY -in "$OBJ" | sha256) == "$DUMP_SHA" ]] ||
  fail "openssl enc -d did not give back the dump"
phase_end
pass "openssl enc -d -aes-256-cbc -pbkdf2 decrypts backupcrypt's output to the exact dump"

phase_start "backupcrypt verify"
"$BIN" verify --json --password-env BACKUP_KEY "$OBJ" >"$WORK/verify.json" 2>"$WORK/verify.err" ||
  { cat "$WORK/verify.err" "$WORK/verify.json" >&2; fail "backupcrypt verify rejected a good backup"; }
phase_end
# OpenSSL has no MAC: "ok" must rest on the padding and on recognising the pg_dump header and footer.
"$PY" -c 'import json, sys
doc = json.load(open(sys.argv[1]))
f, = doc["files"]
assert doc["passed"] is True and f["status"] == "ok", f
assert (f["format"], f["integrity"], f["content"]) == ("openssl", "padding", "pg_dump"), f
assert (f["space"], f["kind"]) == ("production", "database"), f' "$WORK/verify.json" ||
  fail "verify --json: $(cat "$WORK/verify.json")"
pass "backupcrypt verify: good backup (padding valid, pg_dump header and footer recognised)"

# A dump cut short has perfect padding once encrypted: only the missing footer shows it.
CUT=$WORK/cut.sql.encrypted
"$PGBIN/pg_dump" -d app | head -c -200 | "$BIN" encrypt --format openssl --password-env BACKUP_KEY >"$CUT"
got=0
"$BIN" verify --password-env BACKUP_KEY "$CUT" >"$WORK/verify-cut.out" 2>&1 || got=$?
cat "$WORK/verify-cut.out"
((got != 0)) || fail "verify passed a dump without the pg_dump footer"
pass "backupcrypt verify: a dump without its footer fails (exit $got)"
rm "$CUT"

got=0
"$BIN" verify --password-env WRONG_KEY "$OBJ" >"$WORK/verify-wrong.out" 2>&1 || got=$?
((got == 3 || got == 4)) || { cat "$WORK/verify-wrong.out" >&2; fail "verify with the wrong password: exit $got, want 3 (or 4 when the padding happens to fit)"; }
pass "backupcrypt verify: wrong password (exit $got)"

phase_start "backupcrypt decrypt (file)"
"$BIN" decrypt --password-env BACKUP_KEY "$OBJ"
phase_end
PLAIN=$DBDIR/$STAMP.sql
[[ -f $PLAIN ]] || fail "decrypt did not write $PLAIN (the input name minus .encrypted)"
[[ $(stat -c %a "$PLAIN") == 600 ]] || fail "the decrypted dump is mode $(stat -c %a "$PLAIN"), want 600"
[[ $(sha256 <"$PLAIN") == "$DUMP_SHA" ]] || fail "the decrypted dump differs from what pg_dump wrote"
before=$(stat -c %Y.%s "$PLAIN")
got=0
"$BIN" decrypt --password-env BACKUP_KEY "$OBJ" 2>/dev/null || got=$?
((got != 0)) || fail "decrypt overwrote an existing file without --force"
[[ $(stat -c %Y.%s "$PLAIN") == "$before" && $(sha256 <"$PLAIN") == "$DUMP_SHA" ]] || fail "decrypt without --force touched the existing file"
pass "backupcrypt decrypt: exact dump, mode 600, an existing file is kept"

phase_start "psql restore into a fresh database + compare"
restore_and_compare restored <"$PLAIN"
phase_end
pass "restored database: every table identical (rows, bytea, unicode, timestamps, numeric, NULLs)"

# The comparison can fail: one flipped byte in the 1 MiB blob must show.
sql -d restored -c "UPDATE blobs SET data = set_byte(data, 500000, 255 - get_byte(data, 500000)) WHERE id = 100000"
[[ $(table_digest restored) != "$SRC" ]] || fail "the table comparison did not notice a changed byte"
pass "the comparison notices one changed byte"
rm "$PLAIN"

# --- The old backups: openssl enc -aes-256-cbc -pbkdf2 (grc-app 2022-06 .. 2023-01). ---
LEGACY=$DBDIR/2022-07-01--12-00-00.sql.encrypted
phase_start "legacy: pg_dump | openssl enc; backupcrypt decrypt | psql"
"$PGBIN/pg_dump" -d app | openssl enc -aes-256-cbc -pbkdf2 -pass env:BACKUP_KEY >"$LEGACY"
"$BIN" verify --password-env BACKUP_KEY "$LEGACY" >"$WORK/verify-legacy.out" 2>&1 ||
  { cat "$WORK/verify-legacy.out" >&2; fail "verify rejected an openssl-made backup"; }
# Streamed from stdin straight into psql, as RESTORE.md's `aws s3 cp … - | backupcrypt decrypt - -o -
# | psql`: a restore needs no plaintext file either.
"$BIN" decrypt --password-env BACKUP_KEY - -o - <"$LEGACY" | restore_and_compare legacy_restored
phase_end
pass "legacy openssl backup: verified, decrypted stdin → stdout into psql, restored identically"

# --- Finding the newest intact backup in a folder of them. ---
# Newest first: a dump cut short (damaged: no footer), the good one made above, the legacy one.
CUT=$DBDIR/2099-12-31--23-59-59.sql.encrypted
"$PGBIN/pg_dump" -d app | head -c -200 | "$BIN" encrypt -q --format openssl --password-env BACKUP_KEY >"$CUT"
got=0
"$BIN" verify --json --password-env BACKUP_KEY "$DBDIR" >"$WORK/verify-dir.json" 2>"$WORK/verify-dir.err" || got=$?
((got == 4)) || { cat "$WORK/verify-dir.err" "$WORK/verify-dir.json" >&2; fail "verify DIR with a damaged backup: exit $got, want 4"; }
"$PY" - "$WORK/verify-dir.json" "$OBJ" "$CUT" "$LEGACY" <<'PY' || fail "verify DIR --json: wrong verdicts or newest intact backup"
import json, os, sys
doc = json.load(open(sys.argv[1]))
good, cut, legacy = sys.argv[2:]
status = {os.path.basename(f["file"]): f for f in doc["files"]}
assert doc["passed"] is False, doc["passed"]
assert status[os.path.basename(cut)]["status"] == "damaged", status
for f in (good, legacy):
    assert status[os.path.basename(f)]["status"] == "ok", status
    assert status[os.path.basename(f)]["content"] == "pg_dump", status
# Sorted by the time in the names, oldest first.
assert [os.path.basename(f["file"]) for f in doc["files"]] == [os.path.basename(f) for f in (legacy, good, cut)], doc["files"]
newest = [n for n in doc["newest_intact"] if n["kind"] == "database"]
assert len(newest) == 1 and newest[0]["space"] == "production", newest
assert [os.path.basename(f) for f in newest[0]["files"]] == [os.path.basename(good)], newest
PY
pass "backupcrypt verify DIR --json: the cut-short newest dump is damaged (exit 4); newest intact = $STAMP"
"$BIN" verify --password-env BACKUP_KEY "$DBDIR" >"$WORK/verify-dir.out" 2>&1 || true
cat "$WORK/verify-dir.out"

# The reusable workflow's own script, run here against this server.
# shellcheck source=tests/pipeline/workflow_database.sh
source "$HERE/workflow_database.sh"

awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "time %-50s %6.2fs\n", "restore_postgres total", b - a }'
