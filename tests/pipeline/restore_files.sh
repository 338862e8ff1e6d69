#!/usr/bin/env bash
# The files backup, end to end: a directory tree (nested, unicode names, an empty file, a few MB)
#   backupcrypt archive → ls → extract → byte-identical (diff -r),
# pyAesCrypt 6.0.0 (what the old restore used) decrypts the archive and Python's zipfile and
# Info-ZIP read the ZIP inside; and .github/workflows/backup-files.yml's own script makes a
# multi-part backup that restores to the same tree.
set -euo pipefail
# shellcheck source=tests/pipeline/lib.sh
source "$(dirname "$0")/lib.sh"
need unzip diff cmp

WORK=$(mktemp -d -t backupcrypt-restore-files.XXXXXX)
trap 's3_down; rm -rf "$WORK"' EXIT
T0=$EPOCHREALTIME
BACKUP_KEY=$(fernet_key)
WRONG_KEY=$(fernet_key)
export BACKUP_KEY WRONG_KEY

phase_start "make the tree"
TREE=$WORK/tree
"$PY" - "$TREE" <<'PY'
import os, random, sys
root = sys.argv[1]
rnd = random.Random(20220926)
def put(path, data):
    p = os.path.join(root, path)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)
put("README.txt", "Sicherung der Dateien — バックアップ\n".encode() * 10)
put("empty.txt", b"")
put("Grüße/日本語/файл.txt", "Привет, мир! 👋\n".encode())
put("Grüße/emoji 🙂 name.bin", rnd.randbytes(3 << 20))
put("deep/a/b/c/d/e/f/g/leaf.txt", b"deep\n")
put("spaces and 'quotes'/file with spaces.txt", b"a b c\n")
put("big.log", b"".join(b"2022-09-26 00:00:%02d INFO line %d\n" % (i % 60, i) for i in range(40000)))
for n in (1, 15, 16, 17, 65535, 65536, 65537):  # the AES and pyAesCrypt buffer boundaries
    put(f"bytes/{n}.bin", rnd.randbytes(n))
for i in range(300):
    put(f"many/{i:04d}.txt", b"file %d\n" % i * (i % 7))
PY
printf 'info tree: %s files, %s bytes\n' "$(find "$TREE" -type f | wc -l)" "$(du -sb "$TREE" | cut -f1)"
phase_end

# The tree's files as JSON {relative path: [size, crc32]} for comparisons in Python.
"$PY" - "$TREE" >"$WORK/tree.json" <<'PY'
import json, os, sys, zlib
root = sys.argv[1]
out = {}
for d, _, fs in os.walk(root):
    for f in fs:
        p = os.path.join(d, f)
        data = open(p, "rb").read()
        out[os.path.relpath(p, root)] = [len(data), zlib.crc32(data)]
json.dump(out, sys.stdout)
PY

# The names in the archive carry the directory's own name ("tree/…", as `zip -r tree` writes),
# and under it exactly the tree's files (directory entries aside).
compare_listing() { # LS_JSON_FILE
  "$PY" - "$WORK/tree.json" "$1" <<'PY'
import json, sys
tree = json.load(open(sys.argv[1]))
entries = [e for e in json.load(open(sys.argv[2])) if not e["name"].endswith("/")]
bad = [e["name"] for e in entries if not e["name"].startswith("tree/")]
if bad:
    sys.exit(f"entries outside tree/: {bad[:5]}")
for e in entries:
    e["name"] = e["name"][len("tree/"):]
got = {e["name"]: [e["size"], e["crc32"]] for e in entries}
if len(got) != len(entries):
    sys.exit("duplicate names in the listing")
for e in entries:
    if isinstance(e["crc32"], str):  # tolerate hex spelling
        got[e["name"]][1] = int(e["crc32"], 16)
if got != tree:
    missing = sorted(set(tree) - set(got))[:5]
    extra = sorted(set(got) - set(tree))[:5]
    wrong = sorted(n for n in set(tree) & set(got) if tree[n] != got[n])[:5]
    sys.exit(f"listing differs: missing {missing}, extra {extra}, wrong size/crc {wrong}")
PY
}

ENC=$WORK/backup/production/files/2024-01-31--00-00-00--part-1.zip.encrypted
mkdir -p "${ENC%/*}"
phase_start "backupcrypt archive (aescrypt v2)"
"$BIN" archive --password-env BACKUP_KEY -o "$ENC" "$TREE"
phase_end
printf 'info archive: %s bytes encrypted\n' "$(stat -c %s "$ENC")"
[[ $(head -c 4 "$ENC" | od -An -tx1 | tr -d ' \n') == 41455302 ]] || fail "archive did not write AES Crypt v2 (what pyAesCrypt reads)"

phase_start "backupcrypt ls --json"
"$BIN" ls --json --password-env BACKUP_KEY "$ENC" >"$WORK/ls.json"
compare_listing "$WORK/ls.json" || fail "ls --json does not list the tree exactly"
phase_end
pass "ls --json: every file, with its size and CRC-32"

phase_start "backupcrypt extract (everything)"
"$BIN" extract --password-env BACKUP_KEY -C "$WORK/out" "$ENC"
phase_end
diff -r "$TREE" "$WORK/out/tree" || fail "the extracted tree differs from the original"
f=$WORK/out/tree/Grüße/日本語/файл.txt
[[ $(stat -c %a "$f") == 600 ]] || fail "extracted files should be 0600, got $(stat -c %a "$f")"
[[ $(stat -c %a "$WORK/out/tree/Grüße") == 700 ]] || fail "extracted directories should be 0700"
pass "archive → extract: byte-identical tree (diff -r), files 0600, directories 0700"

# One entry, by its name as ls shows it: only that file is written.
name=$("$PY" -c 'import json, sys; print(next(e["name"] for e in json.load(open(sys.argv[1])) if e["name"].endswith("emoji 🙂 name.bin")))' "$WORK/ls.json")
phase_start "backupcrypt extract (one 3 MiB entry)"
"$BIN" extract --password-env BACKUP_KEY -C "$WORK/one" "$ENC" "$name"
phase_end
[[ $(find "$WORK/one" -type f | wc -l) == 1 ]] || fail "extracting one entry wrote: $(find "$WORK/one" -type f)"
cmp "$TREE/Grüße/emoji 🙂 name.bin" "$WORK/one/$name" || fail "the single extracted entry differs"
pass "extract ENTRY: just that file, byte-identical"

# A glob, as RESTORE.md shows: many/0000.txt … many/0099.txt and nothing else.
"$BIN" extract -q --password-env BACKUP_KEY -C "$WORK/glob" "$ENC" 'tree/many/00*'
[[ $(find "$WORK/glob" -type f | wc -l) == 100 ]] || fail "extract 'tree/many/00*' wrote $(find "$WORK/glob" -type f | wc -l) files, want 100"
# diff: only the 200 files not matched may be missing; every extracted one is identical.
d=$(diff -r "$TREE/many" "$WORK/glob/tree/many" || true)
[[ $(grep -c '^Only in [^:]*/many: 0[12][0-9][0-9]\.txt$' <<<"$d") == 200 && $(wc -l <<<"$d") == 200 ]] ||
  fail "the glob extracted the wrong files: $(head -n 5 <<<"$d")"
pass "extract 'tree/many/00*': the 100 matching files, byte-identical"

phase_start "pyAesCrypt 6.0.0 decrypts, zipfile + unzip -t read"
"$PY" - "$ENC" "$TREE" "$WORK/plain.zip" <<'PY'
import io, os, sys, zipfile
import pyAesCrypt
from importlib.metadata import version
assert version("pyAesCrypt") == "6.0.0", version("pyAesCrypt")
enc, tree, out = sys.argv[1:]
buf = io.BytesIO()
with open(enc, "rb") as f:
    pyAesCrypt.decryptStream(f, buf, os.environ["BACKUP_KEY"], 64 * 1024, os.path.getsize(enc))
with open(out, "wb") as f:
    f.write(buf.getvalue())
z = zipfile.ZipFile(buf)
assert z.testzip() is None
n = 0
for info in z.infolist():
    if info.is_dir():
        continue
    assert info.filename.startswith("tree/"), info.filename
    rel = info.filename[len("tree/"):]
    assert z.read(info) == open(os.path.join(tree, rel), "rb").read(), rel
    n += 1
assert n == sum(len(fs) for _, _, fs in os.walk(tree)), n
PY
unzip -tq "$WORK/plain.zip" >/dev/null || fail "Info-ZIP unzip -t rejects the archive"
phase_end
pass "pyAesCrypt 6.0.0 decrypts the archive; Python zipfile and unzip -t accept the ZIP; contents exact"

# The whole-file way (what decrypt.py did): decrypt to X.zip next to X.zip.encrypted.
"$BIN" decrypt -q --password-env BACKUP_KEY "$ENC"
cmp "${ENC%.encrypted}" "$WORK/plain.zip" || fail "backupcrypt decrypt and pyAesCrypt 6.0.0 disagree on the archive"
rm "$WORK/plain.zip" "${ENC%.encrypted}"
pass "backupcrypt decrypt X.zip.encrypted → X.zip, identical to pyAesCrypt's output"

phase_start "backupcrypt verify (good, damaged, wrong password)"
"$BIN" verify --password-env BACKUP_KEY "$ENC" >"$WORK/verify.out" 2>&1 || { cat "$WORK/verify.out" >&2; fail "verify rejected a good archive"; }
DAMAGED=$WORK/damaged.zip.encrypted
cp "$ENC" "$DAMAGED"
flip_byte "$DAMAGED" $(($(stat -c %s "$DAMAGED") / 2))
expect_exit 4 "$BIN" verify --password-env BACKUP_KEY "$DAMAGED"
expect_exit 3 "$BIN" verify --password-env WRONG_KEY "$ENC"
phase_end
pass "verify: good archive passes, one flipped byte is damage (exit 4), wrong password exit 3"

# A bucket's worth of names in all three historic shapes (FORMATS.md §5), the newest run with a
# part missing: verify sorts by the real time (the %s epoch shape too) and names the newest
# complete, intact run.
HIST=$WORK/hist/staging/files
mkdir -p "$HIST"
for n in 2022-06-16--10-30-1655375454.zip.encrypted 2022-07-01--00-00-05.zip.encrypted \
  2022-10-01--00-00-03--part-1.zip.encrypted 2022-10-01--00-00-03--part-2.zip.encrypted \
  2022-10-02--00-00-03--part-1.zip.encrypted 2022-10-02--00-00-03--part-3.zip.encrypted; do
  ln "$ENC" "$HIST/$n"
done
"$BIN" verify --json --password-env BACKUP_KEY "$WORK/hist" >"$WORK/verify-hist.json" 2>"$WORK/verify-hist.err" || true
"$PY" - "$WORK/verify-hist.json" <<'PY' || fail "verify --json over the historic names: $(cat "$WORK/verify-hist.json" "$WORK/verify-hist.err")"
import json, os, sys
doc = json.load(open(sys.argv[1]))
files = doc["files"]
assert all(f["status"] == "ok" and f["kind"] == "files" and f["space"] == "staging" for f in files), files
assert [f["time"] for f in files][:2] == ["2022-06-16T10:30:54Z", "2022-07-01T00:00:05Z"], [f["time"] for f in files]
newest, = [n for n in doc["newest_intact"] if n["kind"] == "files"]
assert newest["time"] == "2022-10-01T00:00:03Z", newest
assert sorted(map(os.path.basename, newest["files"])) == [
    "2022-10-01--00-00-03--part-1.zip.encrypted", "2022-10-01--00-00-03--part-2.zip.encrypted"], newest
PY
pass "verify DIR: the three naming shapes (epoch quirk included) in time order; a run missing a part is not intact"

# Streaming to stdout gives the same archive.
"$BIN" archive --password-env BACKUP_KEY -o - "$TREE" | cat >"$WORK/streamed.zip.encrypted"
"$BIN" ls --json --password-env BACKUP_KEY "$WORK/streamed.zip.encrypted" >"$WORK/ls2.json"
compare_listing "$WORK/ls2.json" || fail "the archive streamed to stdout lists differently"
pass "archive -o - (stdout) lists the same"

# --- .github/workflows/backup-files.yml, its script as written, with small parts, against the
# real S3 server: the source is another bucket with the app's own credentials (admin here), the
# backup is written with the upload-only identity.
# shellcheck source=tests/pipeline/workflow_lib.sh
source "$HERE/workflow_lib.sh"
phase_start "workflow backup-files.yml: its script, 1 MiB parts, against SeaweedFS"
s3_up
make_shims
step_script "$ROOT/.github/workflows/backup-files.yml" backup >"$WORK/backup-files.sh"
ARGV_LOG=$WORK/argv.log
: >"$ARGV_LOG"
admin_aws s3api create-bucket --bucket app >/dev/null
# Not many/ (300 small files): the AWS CLI would spend minutes putting them in.
admin_aws s3 cp --recursive --only-show-errors --exclude 'many/*' "$TREE" s3://app/uploads/
SPACE=staging BUCKET=backups SOURCE=s3://app/uploads PART_SIZE_MIB=1 FORMAT=aescrypt S3_ENDPOINT_URL=$S3_ENDPOINT
SOURCE_AWS_ACCESS_KEY_ID=$S3_ADMIN_KEY SOURCE_AWS_SECRET_ACCESS_KEY=$S3_ADMIN_SECRET SOURCE_AWS_REGION='' SOURCE_S3_ENDPOINT_URL=''
run_step "$WORK/backup-files.sh" >"$WORK/step.out" 2>&1 || { cat "$WORK/step.out" >&2; fail "the backup-files step failed"; }
phase_end
mapfile -t objects < <(s3_versions staging/ | cut -f1 | sort -V)
((${#objects[@]} >= 3)) || fail "expected at least 3 parts of 1 MiB for a 5 MiB tree, got: ${objects[*]}"
stamp=${objects[0]#staging/files/}
stamp=${stamp%--part-1.zip.encrypted}
[[ $stamp =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}--[0-9]{2}-[0-9]{2}-[0-9]{2}$ ]] || fail "bad timestamp in ${objects[0]}"
for i in "${!objects[@]}"; do
  [[ ${objects[i]} == "staging/files/$stamp--part-$((i + 1)).zip.encrypted" ]] ||
    fail "parts not named <space>/files/<stamp>--part-N.zip.encrypted (FORMATS.md §5): ${objects[*]}"
done
[[ $(grep -c '^staging/files/' "$WORK/runner/output") == "${#objects[@]}" ]] || fail "the step's output 'objects' is wrong: $(cat "$WORK/runner/output")"
for secret in "$BACKUP_KEY" "$S3_UPLOADER_SECRET" "$S3_ADMIN_SECRET"; do
  ! grep -qaF -- "$secret" "$ARGV_LOG" || fail "a secret was on a command line"
done
[[ -z $(find "$WORK/runner/temp" -type f) ]] || fail "the step left files on the runner: $(find "$WORK/runner/temp" -type f | head)"
pass "backup-files.yml: ${#objects[@]} parts named per §5, uploaded with the upload-only identity, no secret in argv, nothing on the runner's disk"

phase_start "restore all parts of the run, straight from the bucket"
export AWS_ACCESS_KEY_ID=$S3_READER_KEY AWS_SECRET_ACCESS_KEY=$S3_READER_SECRET AWS_ENDPOINT_URL=$S3_ENDPOINT
"$BIN" verify --password-env BACKUP_KEY s3://backups/staging/files/ >"$WORK/verify-parts.out" 2>&1 ||
  { cat "$WORK/verify-parts.out" >&2; fail "verify s3://…/ rejected the parts"; }
grep -q "staging files: .*--part-${#objects[@]}.zip.encrypted" "$WORK/verify-parts.out" ||
  fail "verify does not name the run as the newest intact backup: $(cat "$WORK/verify-parts.out")"
for o in "${objects[@]}"; do
  "$BIN" extract -q --password-env BACKUP_KEY -C "$WORK/restored" "s3://backups/$o"
done
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_ENDPOINT_URL
phase_end
diff -r --exclude=many "$TREE" "$WORK/restored" || fail "the parts together do not restore the tree"
[[ ! -e $WORK/restored/many ]] || fail "many/ was not in the source"
pass "backup-files.yml: verify s3://…/ passes every part; all parts extracted from the bucket give the tree back exactly"

# A run that fails after writing parts (a key that is unsafe as a path at the end of the source,
# a drive letter: refused by the ZIP writer) must fail and leave none of them: the parts are
# completed only all together.
admin_aws s3 cp --only-show-errors "$TREE/README.txt" 's3://app/uploads/z:evil'
: >"$ARGV_LOG"
if run_step "$WORK/backup-files.sh" >"$WORK/step.out" 2>&1; then
  cat "$WORK/step.out" >&2
  fail "the backup-files step succeeded although the archive failed"
fi
grep -q 'part 2/' "$WORK/step.out" || fail "the failed run never wrote part 2: the test tests nothing: $(cat "$WORK/step.out")"
[[ $(s3_versions staging/ | wc -l) == "${#objects[@]}" ]] || fail "a failed run left parts behind: $(s3_versions staging/)"
pass "backup-files.yml: a run failing after some parts were written fails the step and leaves no part"
s3_down

awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "time %-50s %6.2fs\n", "restore_files total", b - a }'
