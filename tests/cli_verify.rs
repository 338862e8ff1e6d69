//! `verify` over a folder of backups named as the real jobs named them, mixing
//! good, damaged and wrong-password files: the right verdict per file and the
//! right newest intact backup of each kind.
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

mod cli_support;
use cli_support::*;

use std::path::Path;

/// A ZIP made by Info-ZIP from a few files.
fn zip_bytes(dir: &Path) -> Vec<u8> {
    let src = dir.join(".zipsrc");
    std::fs::create_dir_all(&src).unwrap();
    write(&src.join("a.txt"), b"alpha\n");
    write(&src.join("b.bin"), &data(10_000));
    let out = std::process::Command::new("zip")
        .current_dir(&src)
        .args(["-q", "-X", "../.z.zip", "a.txt", "b.bin"])
        .output()
        .expect("zip must be installed (tests/setup/20-debian.sh)");
    assert!(out.status.success());
    let z = read(&dir.join(".z.zip"));
    std::fs::remove_dir_all(&src).unwrap();
    std::fs::remove_file(dir.join(".z.zip")).unwrap();
    z
}

fn flip(path: &Path, at: usize) {
    let mut b = read(path);
    let i = at.min(b.len() - 1);
    b[i] ^= 0x01;
    write(path, &b);
}

/// production/ with database and files backups; returns the folder.
fn backups(root: &Path) -> std::path::PathBuf {
    let db = root.join("backups/production/database");
    let files = root.join("backups/production/files");
    std::fs::create_dir_all(&db).unwrap();
    std::fs::create_dir_all(&files).unwrap();
    let dump = pg_dump(true);
    let ossl = ["-aes-256-cbc", "-pbkdf2"];
    // Database, hourly: 00 and 01 good, 02 cut short by pg_dump (no footer),
    // 03 with another key; so 01 is the newest intact.
    encrypt_openssl(&db, "2022-06-01--00-00-01.sql.encrypted", &dump, &ossl, PASSWORD);
    encrypt_openssl(&db, "2022-06-01--01-00-01.sql.encrypted", &dump, &ossl, PASSWORD);
    encrypt_openssl(&db, "2022-06-01--02-00-01.sql.encrypted", &pg_dump(false), &ossl, PASSWORD);
    encrypt_openssl(&db, "2022-06-01--03-00-01.sql.encrypted", &dump, &ossl, "another key");
    // Files, all three name shapes. The newest run (09-28) has a damaged part 2;
    // the one before (09-27) is complete; an older run (09-26) lacks part 2.
    let zip = zip_bytes(root);
    encrypt_aes(&files, "2022-06-16--00-00-1655337600.zip.encrypted", &zip);
    encrypt_aes(&files, "2022-07-01--00-00-02.zip.encrypted", &zip);
    encrypt_aes(&files, "2022-09-26--00-00-02--part-1.zip.encrypted", &zip);
    encrypt_aes(&files, "2022-09-26--00-00-02--part-3.zip.encrypted", &zip);
    encrypt_aes(&files, "2022-09-27--00-00-02--part-1.zip.encrypted", &zip);
    encrypt_aes(&files, "2022-09-27--00-00-02--part-2.zip.encrypted", &zip);
    encrypt_aes(&files, "2022-09-28--00-00-02--part-1.zip.encrypted", &zip);
    let bad = encrypt_aes(&files, "2022-09-28--00-00-02--part-2.zip.encrypted", &zip);
    flip(&bad, 400);
    root.join("backups")
}

#[test]
fn folder_of_backups_text_report() {
    let d = tempdir();
    backups(d.path());
    let r = run(bc_pw(d.path()).args(["verify", "backups"])).expect(4);
    let out = r.stdout_str();
    let line = |name: &str| {
        out.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no line for {name}:\n{out}"))
            .to_string()
    };
    assert!(line("2022-06-01--00-00-01.sql").starts_with("ok "), "{out}");
    assert!(line("2022-06-01--01-00-01.sql").contains("PostgreSQL dump, complete"), "{out}");
    assert!(line("2022-06-01--02-00-01.sql").starts_with("damaged "), "{out}");
    assert!(line("2022-06-01--02-00-01.sql").contains("footer"), "{out}");
    assert!(line("2022-06-01--03-00-01.sql").starts_with("wrong password "), "{out}");
    assert!(line("1655337600.zip").starts_with("ok "), "{out}");
    assert!(line("1655337600.zip").contains("ZIP archive (2 entries)"), "{out}");
    assert!(line("2022-09-28--00-00-02--part-2").starts_with("damaged "), "{out}");
    assert!(out.contains(
        "production database: 2022-06-01T01:00:01Z backups/production/database/2022-06-01--01-00-01.sql.encrypted\n"
    ), "{out}");
    assert!(out.contains(
        "production files: 2022-09-27T00:00:02Z backups/production/files/2022-09-27--00-00-02--part-1.zip.encrypted \
         backups/production/files/2022-09-27--00-00-02--part-2.zip.encrypted\n"
    ), "{out}");
    assert!(out.contains("production files 2022-09-26T00:00:02Z: part 2 missing"), "{out}");
    assert!(out.ends_with("12 checked: 9 ok, 1 wrong password, 2 damaged\n"), "{out}");
    // Sorted by time: the 06-16 epoch-named file comes after the 06-01 dumps and
    // before the 07-01 one, whatever the folder order.
    let pos = |s: &str| out.find(s).unwrap();
    assert!(
        pos("2022-06-01--03-00-01") < pos("1655337600") && pos("1655337600") < pos("2022-07-01--00-00-02")
    );
}

#[test]
fn folder_of_backups_json_report() {
    let d = tempdir();
    backups(d.path());
    let r = run(bc_pw(d.path()).args(["verify", "--json", "backups"])).expect(4);
    let out = r.stdout_str();
    assert!(out.starts_with("{\"passed\":false,\"files\":[{\"file\":\"backups/production/database/2022-06-01--00-00-01.sql.encrypted\",\"status\":\"ok\""), "{out}");
    assert!(out.contains("\"status\":\"wrong_password\""), "{out}");
    assert!(out.contains("\"time\":\"2022-06-16T00:00:00Z\",\"part\":null"), "{out}");
    assert!(out.contains(
        "\"newest_intact\":[{\"space\":\"production\",\"kind\":\"database\",\"time\":\"2022-06-01T01:00:01Z\",\
         \"files\":[\"backups/production/database/2022-06-01--01-00-01.sql.encrypted\"]},\
         {\"space\":\"production\",\"kind\":\"files\",\"time\":\"2022-09-27T00:00:02Z\",\
         \"files\":[\"backups/production/files/2022-09-27--00-00-02--part-1.zip.encrypted\",\
         \"backups/production/files/2022-09-27--00-00-02--part-2.zip.encrypted\"]}]}"
    ), "{out}");
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn exit_0_only_when_everything_passed() {
    let d = tempdir();
    encrypt_openssl(
        d.path(),
        "2022-06-01--00-00-01.sql.encrypted",
        &pg_dump(true),
        &["-aes-256-cbc", "-md", "md5"],
        PASSWORD,
    );
    encrypt_aes(d.path(), "2022-07-01--00-00-02.zip.encrypted", &zip_bytes(d.path()));
    let r = run(bc_pw(d.path()).args(["verify", "."])).expect(0);
    assert!(r.stdout_str().contains("2 checked: 2 ok"), "{}", r.stdout_str());
    // Wrong password alone gives 3.
    run(bc(d.path()).env("BACKUPCRYPT_PASSWORD", "nope").args(["verify", "."])).expect(3);
    // OpenSSL content that cannot be checked is "unverifiable": not a pass.
    encrypt_openssl(
        d.path(),
        "notes.enc",
        b"plain text notes, nothing to check them by\n",
        &["-aes-256-cbc", "-pbkdf2"],
        PASSWORD,
    );
    let r = run(bc_pw(d.path()).args(["verify", "notes.enc"])).expect(5);
    assert!(r.stdout_str().starts_with("unverifiable   notes.enc: "), "{}", r.stdout_str());
    // A file that is not encrypted.
    write(&d.path().join("plain.enc"), b"hello");
    run(bc_pw(d.path()).args(["verify", "plain.enc"])).expect(5);
    // verify never writes anything.
    assert_eq!(
        listing(d.path()),
        [
            "2022-06-01--00-00-01.sql.encrypted",
            "2022-07-01--00-00-02.zip.encrypted",
            "notes.enc",
            "plain.enc"
        ]
    );
}

#[test]
fn a_truncated_zip_inside_is_damaged_even_when_openssl_padding_is_valid() {
    let d = tempdir();
    let zip = zip_bytes(d.path());
    encrypt_openssl(
        d.path(),
        "2022-06-01--00-00-01.zip.encrypted",
        &zip[..zip.len() - 30],
        &["-aes-256-cbc", "-pbkdf2"],
        PASSWORD,
    );
    let r = run(bc_pw(d.path()).args(["verify", "2022-06-01--00-00-01.zip.encrypted"])).expect(4);
    assert!(r.stdout_str().contains("ZIP archive without a valid end record"), "{}", r.stdout_str());
}

#[test]
fn an_empty_folder_is_a_usage_error() {
    let d = tempdir();
    let r = run(bc_pw(d.path()).args(["verify", "."])).expect(2);
    assert!(r.stderr.contains("no encrypted files"), "{}", r.stderr);
}

#[test]
fn junk_after_the_zip_end_record_is_what_ls_and_verify_both_accept() {
    // pyAesCrypt 6.1.1 can leave up to 15 bytes after a ZIP's end record
    // (FORMATS.md §4.2). `ls` read it; `verify` used to call it damaged (exit 4)
    // with the HMAC verified. One rule now: 15 bytes pass both, 16 fail both.
    let d = tempdir();
    let mut zip = zip_bytes(d.path());
    zip.extend_from_slice(&[0x0f; 15]);
    let aes = encrypt_aes(d.path(), "2022-07-01--00-00-02.zip.encrypted", &zip);
    let ossl = encrypt_openssl(
        d.path(),
        "2022-07-02--00-00-02.zip.encrypted",
        &zip,
        &["-aes-256-cbc", "-pbkdf2"],
        PASSWORD,
    );
    for file in [&aes, &ossl] {
        let r = run(bc_pw(d.path()).arg("verify").arg(file)).expect(0);
        assert!(r.stdout_str().contains("ZIP archive (2 entries)"), "{}", r.stdout_str());
        let r = run(bc_pw(d.path()).args(["ls", "--json"]).arg(file)).expect(0);
        assert!(r.stdout_str().contains("\"b.bin\""), "{}", r.stdout_str());
    }
    zip.push(0);
    let e = tempdir();
    let aes = encrypt_aes(e.path(), "2022-07-01--00-00-02.zip.encrypted", &zip);
    let r = run(bc_pw(e.path()).arg("verify").arg(&aes)).expect(4);
    assert!(r.stdout_str().contains("ZIP archive without a valid end record"), "{}", r.stdout_str());
    run(bc_pw(e.path()).arg("ls").arg(&aes)).expect(4);
}
