//! ZIPs from the real producers (Python zipfile in every mode, Info-ZIP, aiozipstream
//! 0.4), encrypted with pyAesCrypt 6.0.0 and openssl: listed and extracted
//! byte-exact. And `archive` output checked by Python zipfile, Info-ZIP `unzip -t`,
//! pyAesCrypt 6.0.0 and openssl.
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

mod zip_support;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use backupcrypt::zip::{Archive, EntryKind, Limits, Method};
use zip_support::{PASSWORD, backupcrypt, ok, python, run, tools, tree};

const KINDS: [&str; 7] = [
    "python-stored",
    "python-deflate",
    "python-zip64",
    "python-streamed",
    "python-streamed-zip64",
    "infozip",
    "aiozipstream",
];

/// The `zip` crate as a test oracle: it lists `zip` as our reader does (same
/// entries in the same order, with the same names, sizes, compressed sizes,
/// CRC-32s and kinds), and reads every file entry to the same bytes. Our own
/// archives it must accept; another producer's only where it does.
fn zip_crate_agrees(zip: &Path, what: &str, ours_made_it: bool) {
    let mut theirs = match zip_oracle::ZipArchive::new(fs::File::open(zip).unwrap()) {
        Ok(z) => z,
        Err(e) if !ours_made_it => return eprintln!("{what}: the zip crate refuses it ({e}); not compared"),
        Err(e) => panic!("{what}: the zip crate refuses our archive: {e}"),
    };
    let mut ours = Archive::new(fs::File::open(zip).unwrap()).unwrap();
    assert_eq!(theirs.len(), ours.entries().len(), "{what}: entry count");
    for i in 0..theirs.len() {
        let e = ours.entries()[i].clone();
        let mut t = theirs.by_index(i).unwrap();
        let their_kind = if t.is_dir() {
            EntryKind::Directory
        } else if t.is_symlink() {
            EntryKind::Symlink
        } else {
            EntryKind::File
        };
        assert_eq!(
            (
                t.name().map(|n| n.into_owned()).unwrap_or_else(|err| err.to_string()),
                t.size(),
                t.compressed_size(),
                t.crc32(),
                their_kind
            ),
            (e.name.clone(), e.size, e.compressed_size, e.crc32, e.kind),
            "{what}: entry {i}"
        );
        if e.kind == EntryKind::File {
            let mut theirs_bytes = Vec::new();
            std::io::Read::read_to_end(&mut t, &mut theirs_bytes).unwrap();
            drop(t);
            let mut ours_bytes = Vec::new();
            ours.copy_entry(i, &mut ours_bytes, &Limits::default()).unwrap();
            assert!(theirs_bytes == ours_bytes, "{what}: {} reads differently", e.name);
        }
    }
}

fn make_zips(dir: &Path) {
    ok(Command::new(python()).arg(tools().join("make_zips.py")).arg(dir));
}

/// Every file under `src` (the oracle) equals the same path under `out`.
fn assert_same_files(src: &Path, out: &Path) {
    let files: Vec<String> = tree(src).into_iter().filter(|p| src.join(p).is_file()).collect();
    assert_eq!(files.len(), 8);
    for f in &files {
        let want = fs::read(src.join(f)).unwrap();
        let got =
            fs::read(out.join(f)).unwrap_or_else(|e| panic!("{f} not extracted to {}: {e}", out.display()));
        assert!(want == got, "{f} differs after extraction");
    }
    let extracted: Vec<String> = tree(out).into_iter().filter(|p| out.join(p).is_file()).collect();
    assert_eq!(extracted, files, "extra or missing files");
}

/// `ls --json` parsed by Python and compared with the source files.
fn assert_listing(json: &[u8], src: &Path) {
    let check = r#"
import json, os, sys
src = sys.argv[1]
entries = json.load(sys.stdin)
files = {}
for root, _, names in os.walk(src):
    for n in names:
        p = os.path.join(root, n)
        files[os.path.relpath(p, src)] = os.path.getsize(p)
got = {e["name"]: e["size"] for e in entries if e["kind"] == "file"}
assert got == files, (got, files)
for e in entries:
    assert set(e) >= {"name", "size", "compressed_size", "method", "modified", "crc32"}, e
    assert e["method"] in ("stored", "deflate"), e
    assert len(e["modified"]) == 19, e
"#;
    let mut child = Command::new(python())
        .args(["-c", check])
        .arg(src)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(json).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "listing check failed: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn every_producer_lists_and_extracts_byte_exact_plain_and_encrypted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    make_zips(dir);
    let src = dir.join("src");
    for kind in KINDS {
        let zip = dir.join(format!("{kind}.zip"));
        // Library: every entry's CRC and size check out.
        let mut a = Archive::new(fs::File::open(&zip).unwrap()).unwrap();
        assert_eq!(a.entries().len(), 8, "{kind}");
        for i in 0..a.entries().len() {
            let e = a.entries()[i].clone();
            assert_eq!(e.kind, EntryKind::File);
            let mut got = Vec::new();
            a.copy_entry(i, &mut got, &Limits::default()).unwrap();
            let want =
                fs::read(src.join(&e.name)).unwrap_or_else(|err| panic!("{kind}: {:?}: {err}", e.name));
            assert_eq!(got, want, "{kind}: {}", e.name);
        }
        if kind.contains("deflate") || kind == "infozip" {
            assert!(a.entries().iter().any(|e| e.method == Method::Deflate), "{kind}");
        }
        zip_crate_agrees(&zip, kind, false);
        // openssl enc -aes-256-cbc -pbkdf2, as the database backups.
        let enc = dir.join(format!("{kind}.zip.enc"));
        ok(Command::new("openssl")
            .args(["enc", "-aes-256-cbc", "-pbkdf2", "-pass"])
            .arg(format!("pass:{PASSWORD}"))
            .arg("-in")
            .arg(&zip)
            .arg("-out")
            .arg(&enc));
        for (input, label) in
            [(zip.clone(), "plain"), (dir.join(format!("{kind}.zip.aes")), "pyaescrypt"), (enc, "openssl")]
        {
            let ls = ok(backupcrypt().args(["ls", "--json", "-q"]).arg(&input));
            assert_listing(&ls.stdout, &src);
            let out = dir.join(format!("out-{kind}-{label}"));
            ok(backupcrypt().arg("extract").arg(&input).arg("-C").arg(&out));
            assert_same_files(&src, &out);
        }
        // --verify: the HMAC and every CRC before anything is written.
        let out = dir.join(format!("out-{kind}-verified"));
        ok(backupcrypt()
            .args(["extract", "--verify"])
            .arg(dir.join(format!("{kind}.zip.aes")))
            .arg("-C")
            .arg(&out));
        assert_same_files(&src, &out);
    }
}

#[test]
fn aiozipstream_quirks_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    make_zips(tmp.path());
    let bytes = fs::read(tmp.path().join("aiozipstream.zip")).unwrap();
    // The producer's quirks, so that this test keeps testing them: version made
    // by 03 14 in the central directory, stored with data descriptors whose
    // signature is written byte-reversed (`08 07 4b 50`, not `PK\x07\x08`).
    let a = Archive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let cd = a.central_directory_start() as usize;
    assert_eq!(&bytes[cd..cd + 6], b"PK\x01\x02\x03\x14");
    assert_eq!(&bytes[6..8], &[0x08, 0x00]);
    assert!(bytes.windows(4).any(|w| w == b"\x08\x07KP"));
    assert!(!bytes.windows(4).any(|w| w == b"PK\x07\x08"));
    assert!(a.entries().iter().all(|e| e.method == Method::Stored && e.unix_mode.is_none()));
    let empty = a.entries().iter().find(|e| e.name == "empty-download").unwrap();
    assert_eq!((empty.size, empty.crc32), (0, 0));
    let jp = a.entries().iter().find(|e| e.name == "日本語.txt").unwrap();
    assert_ne!(jp.flags & 0x0800, 0, "non-ASCII names carry the UTF-8 flag");
}

#[test]
fn junk_after_the_end_record_is_tolerated() {
    // pyAesCrypt 6.1.1 can append up to 15 padding bytes to a decrypted ZIP.
    let tmp = tempfile::tempdir().unwrap();
    make_zips(tmp.path());
    let src = tmp.path().join("src");
    let mut bytes = fs::read(tmp.path().join("aiozipstream.zip")).unwrap();
    bytes.extend_from_slice(&[0x0f; 15]);
    let enc = tmp.path().join("junk.zip.aes");
    fs::write(&enc, zip_support::aescrypt(&bytes)).unwrap();
    let out = tmp.path().join("out");
    ok(backupcrypt().arg("extract").arg(&enc).arg("-C").arg(&out));
    assert_same_files(&src, &out);
    let plain = tmp.path().join("junk.zip");
    fs::write(&plain, &bytes).unwrap();
    let ls = ok(backupcrypt().args(["ls", "--json", "-q"]).arg(&plain));
    assert_listing(&ls.stdout, &src);
}

#[test]
fn cp437_and_unicode_path_names() {
    // No UTF-8 flag: CP437 ("caf\x82" is "café"); with the flag: UTF-8.
    let mut flagged = zip_support::RawEntry::stored("ü.txt".as_bytes(), b"b");
    flagged.flags = 0x0800;
    let zip = zip_support::raw_zip(&[zip_support::RawEntry::stored(b"caf\x82 \x81ber.txt", b"a"), flagged]);
    let a = Archive::new(std::io::Cursor::new(zip)).unwrap();
    assert_eq!(a.entries()[0].name, "café über.txt");
    assert_eq!(a.entries()[1].name, "ü.txt");
}

fn sample_tree(root: &Path) {
    fs::create_dir_all(root.join("sub/deeper")).unwrap();
    fs::create_dir_all(root.join("empty-dir")).unwrap();
    fs::write(root.join("empty"), b"").unwrap();
    fs::write(root.join("sub/65535"), vec![0xa5u8; 65535]).unwrap();
    fs::write(root.join("sub/deeper/résumé 日本.txt"), "text ".repeat(1000)).unwrap();
    let random: Vec<u8> = (0..300_001u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    fs::write(root.join("random.bin"), random).unwrap();
}

/// Every file under `a` equals the one under `b`, and the file sets match.
fn same_tree(a: &Path, b: &Path) {
    assert_eq!(tree(a), tree(b));
    for p in tree(a) {
        if a.join(&p).is_file() {
            assert!(fs::read(a.join(&p)).unwrap() == fs::read(b.join(&p)).unwrap(), "{p} differs");
        }
    }
}

#[test]
fn archive_output_is_read_by_python_infozip_pyaescrypt_and_openssl() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = dir.join("data");
    sample_tree(&data);
    for (format, deflate) in
        [("aescrypt", false), ("aescrypt", true), ("openssl", false), ("aescrypt3", true)]
    {
        let tag = format!("{format}-{deflate}");
        let enc = dir.join(format!("{tag}.enc"));
        let mut cmd = backupcrypt();
        cmd.args(["archive", "-q", "--format", format]).arg(&data).arg("-o").arg(&enc);
        if deflate {
            cmd.arg("--deflate");
        }
        ok(&mut cmd);
        let zip = dir.join(format!("{tag}.zip"));
        match format {
            "aescrypt" => {
                let script = "import sys, pyAesCrypt; pyAesCrypt.decryptFile(sys.argv[1], sys.argv[2], sys.argv[3], 64 * 1024)";
                ok(Command::new(python()).args(["-c", script]).arg(&enc).arg(&zip).arg(PASSWORD));
            }
            "openssl" => {
                ok(Command::new("openssl")
                    .args(["enc", "-d", "-aes-256-cbc", "-pbkdf2", "-pass"])
                    .arg(format!("pass:{PASSWORD}"))
                    .arg("-in")
                    .arg(&enc)
                    .arg("-out")
                    .arg(&zip));
            }
            _ => {
                ok(backupcrypt().args(["decrypt", "-q"]).arg(&enc).arg("-o").arg(&zip));
            }
        }
        let t = ok(Command::new("unzip").arg("-t").arg(&zip));
        assert!(String::from_utf8_lossy(&t.stdout).contains("No errors detected"), "{tag}");
        zip_crate_agrees(&zip, &tag, true);
        let extract = dir.join(format!("py-{tag}"));
        let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nz.extractall(sys.argv[2])";
        ok(Command::new(python()).args(["-c", script]).arg(&zip).arg(&extract));
        same_tree(&data, &extract.join("data"));
        let ours = dir.join(format!("ours-{tag}"));
        ok(backupcrypt().args(["extract", "-q"]).arg(&enc).arg("-C").arg(&ours));
        same_tree(&data, &ours.join("data"));
    }
}

#[test]
fn wrong_password_and_not_a_zip_have_their_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let enc = tmp.path().join("x.aes");
    fs::write(
        &enc,
        zip_support::aescrypt(&zip_support::raw_zip(&[zip_support::RawEntry::stored(b"a", b"a")])),
    )
    .unwrap();
    let out = run(backupcrypt().env("BACKUPCRYPT_PASSWORD", "wrong").arg("ls").arg(&enc));
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let notzip = tmp.path().join("n.aes");
    fs::write(&notzip, zip_support::aescrypt(b"--\n-- PostgreSQL database dump\n")).unwrap();
    let out = run(backupcrypt().arg("ls").arg(&notzip));
    assert_eq!(out.status.code(), Some(5), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(backupcrypt().args(["extract", "-C"]).arg(tmp.path().join("o")).arg(&enc).arg("missing"));
    assert_eq!(out.status.code(), Some(1));
    // A damaged ciphertext byte inside the entry: --verify refuses before writing.
    let mut bytes = fs::read(&enc).unwrap();
    let n = bytes.len();
    bytes[n - 100] ^= 1;
    fs::write(&enc, &bytes).unwrap();
    let o = tmp.path().join("v");
    let out = run(backupcrypt().args(["extract", "--verify", "-C"]).arg(&o).arg(&enc));
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!o.exists() || tree(&o).is_empty());
}
