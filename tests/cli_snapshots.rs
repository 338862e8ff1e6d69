//! The exact text of `--help` and of the error messages, pinned in
//! `tests/snapshots/*.txt` (command, exit code, stdout, stderr).
//!
//! After an intended change, regenerate them with
//! `BACKUPCRYPT_UPDATE_SNAPSHOTS=1 cargo test --test cli_snapshots` and review the diff.
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

mod cli_support;
use cli_support::*;

use std::path::Path;
use std::process::Command;

fn snapshot(name: &str, dir: &Path, cmd: &mut Command, shown: &str) {
    let r = run(cmd);
    let mut text = format!("$ backupcrypt {shown}\nexit: {}\n", r.code);
    text += &format!("--- stdout\n{}", r.stdout_str());
    text += &format!("--- stderr\n{}", r.stderr);
    // Temporary paths would differ on every run.
    let text = text.replace(&dir.display().to_string(), "$TMP");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(format!("{name}.txt"));
    if std::env::var_os("BACKUPCRYPT_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; create it with BACKUPCRYPT_UPDATE_SNAPSHOTS=1", path.display()));
    assert!(
        expected == text,
        "snapshot {name} differs (BACKUPCRYPT_UPDATE_SNAPSHOTS=1 to accept):\n--- expected\n{expected}\n--- actual\n{text}"
    );
}

/// Runs `args` in `dir` and compares with the snapshot `name`.
fn check(name: &str, dir: &Path, mut cmd: Command, args: &[&str]) {
    cmd.args(args);
    snapshot(name, dir, &mut cmd, &args.join(" "));
}

#[test]
fn help_texts() {
    let d = tempdir();
    for (name, args) in [
        ("help", &["--help"][..]),
        ("help_short", &["-h"][..]),
        ("help_decrypt", &["decrypt", "--help"][..]),
        ("help_encrypt", &["encrypt", "--help"][..]),
        ("help_inspect", &["inspect", "--help"][..]),
        ("help_verify", &["verify", "--help"][..]),
    ] {
        check(name, d.path(), bc(d.path()), args);
    }
}

#[test]
fn decrypt_error_messages() {
    let d = tempdir();
    let p = d.path();
    encrypt_aes(p, "files.zip.aes", &data(5000));
    encrypt_openssl(p, "db.sql.encrypted", &pg_dump(true), &["-aes-256-cbc", "-pbkdf2"], PASSWORD);
    let bad = |c: &mut Command| {
        c.env("BACKUPCRYPT_PASSWORD", "wrong");
    };
    let mut c = bc(p);
    bad(&mut c);
    check("error_wrong_password_aescrypt", p, c, &["decrypt", "files.zip.aes"]);
    let mut c = bc(p);
    bad(&mut c);
    check("error_wrong_password_openssl", p, c, &["decrypt", "db.sql.encrypted"]);

    let damaged = encrypt_aes(p, "damaged.aes", &data(5000));
    let mut b = read(&damaged);
    b[1000] ^= 4;
    write(&damaged, &b);
    check("error_damaged", p, bc_pw(p), &["decrypt", "damaged.aes"]);

    let cut = encrypt_aes(p, "cut.aes", &data(5000));
    let b = read(&cut);
    write(&cut, &b[..200]); // inside the header
    check("error_truncated", p, bc_pw(p), &["decrypt", "cut.aes"]);

    write(&p.join("notes.txt.enc"), b"plain text\n");
    check("error_not_encrypted", p, bc_pw(p), &["decrypt", "notes.txt.enc"]);

    write(&p.join("files.zip"), b"already here");
    check("error_exists", p, bc_pw(p), &["decrypt", "files.zip.aes"]);

    check("error_no_password", p, bc(p), &["decrypt", "files.zip.aes", "-o", "-"]);
    check("error_unknown_option", p, bc_pw(p), &["decrypt", "--pasword-file", "x"]);
    check("error_missing_input", p, bc_pw(p), &["decrypt", "missing.aes"]);
    check("error_no_default_name", p, bc_pw(p), &["decrypt", "notes.txt"]);
    check("error_openssl_option_needs_format", p, bc_pw(p), &["encrypt", "notes.txt.enc", "--nosalt"]);
}

#[test]
fn success_messages() {
    let d = tempdir();
    let p = d.path();
    encrypt_openssl(p, "db.sql.encrypted", &pg_dump(true), &["-aes-256-cbc", "-md", "md5"], PASSWORD);
    check("decrypt_openssl_preset", p, bc_pw(p), &["decrypt", "db.sql.encrypted"]);
    write(&p.join("notes.txt"), b"some notes\n");
    check("encrypt_openssl", p, bc_pw(p), &["encrypt", "notes.txt", "--format", "openssl"]);
    encrypt_aes(p, "files.zip.aes", &data(5000));
    check("inspect_aescrypt", p, bc(p), &["inspect", "files.zip.aes"]);
}
