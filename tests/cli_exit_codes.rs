//! Every exit code of `decrypt`, and after every failure kind: nothing at the
//! destination or beside it (no hidden temporary file either).
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

mod cli_support;
use cli_support::*;

use std::path::Path;

/// Decrypts `file` into an empty `out/` folder and checks that it stays empty.
#[track_caller]
fn fails_leaving_nothing(dir: &Path, file: &Path, code: i32, password: &str, needle: &str) {
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let r = run(bc(dir)
        .env("BACKUPCRYPT_PASSWORD", password)
        .arg("decrypt")
        .arg(file)
        .arg("-o")
        .arg(out.join("plain")))
    .expect(code);
    assert!(r.stderr.contains(needle), "stderr lacks {needle:?}: {}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
    assert_eq!(listing(&out), Vec::<String>::new(), "left behind");
    assert!(!r.stderr.contains("panicked"));
}

#[test]
fn success_is_0_and_the_output_is_0600() {
    let d = tempdir();
    let plain = data(100_000);
    let enc = encrypt_aes(d.path(), "x.aes", &plain);
    run(bc_pw(d.path()).args(["decrypt", "-q"]).arg(&enc)).expect(0);
    assert_eq!(read(&d.path().join("x")), plain);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.path().join("x")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let mode = std::fs::metadata(&enc).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn wrong_password_is_3_aescrypt() {
    let d = tempdir();
    let enc = encrypt_aes(d.path(), "x.aes", &data(5000));
    fails_leaving_nothing(d.path(), &enc, 3, "wrong", "wrong password");
}

#[test]
fn wrong_password_is_3_openssl() {
    let d = tempdir();
    let enc = encrypt_openssl(d.path(), "x.enc", &pg_dump(true), &["-aes-256-cbc", "-pbkdf2"], PASSWORD);
    fails_leaving_nothing(d.path(), &enc, 3, "wrong", "wrong password");
}

#[test]
fn modified_data_is_4() {
    let d = tempdir();
    let enc = encrypt_aes(d.path(), "x.aes", &data(100_000));
    let mut bytes = read(&enc);
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    write(&enc, &bytes);
    fails_leaving_nothing(d.path(), &enc, 4, PASSWORD, "damaged");
}

#[test]
fn truncation_is_4_aescrypt_and_openssl() {
    let d = tempdir();
    let enc = encrypt_aes(d.path(), "x.aes", &data(100_000));
    let bytes = read(&enc);
    write(&enc, &bytes[..bytes.len() - 40]);
    fails_leaving_nothing(d.path(), &enc, 4, PASSWORD, "truncated");

    let enc = encrypt_openssl(d.path(), "y.enc", &pg_dump(true), &["-aes-256-cbc", "-pbkdf2"], PASSWORD);
    let bytes = read(&enc);
    // Not on a block boundary: OpenSSL calls this "wrong final block length".
    write(&enc, &bytes[..bytes.len() - 5]);
    fails_leaving_nothing(d.path(), &enc, 4, PASSWORD, "truncated");
}

#[test]
fn not_encrypted_is_5() {
    let d = tempdir();
    let f = d.path().join("notes.txt.enc");
    write(&f, b"just some text, not encrypted at all\n");
    fails_leaving_nothing(d.path(), &f, 5, PASSWORD, "notes.txt.enc is text (not encrypted)");
    let empty = d.path().join("empty.enc");
    write(&empty, b"");
    fails_leaving_nothing(d.path(), &empty, 5, PASSWORD, "empty.enc is empty");
    let random = d.path().join("random.enc");
    write(&random, &[0x93, 0x01, 0xfe, 0x00, 0x42, 0x11, 0x99, 0x00, 0x17, 0xee]);
    fails_leaving_nothing(d.path(), &random, 5, PASSWORD, "not a recognised encrypted file");
}

#[test]
fn unsupported_version_is_5() {
    let d = tempdir();
    let enc = encrypt_aes(d.path(), "x.aes", &data(100));
    let mut bytes = read(&enc);
    bytes[3] = 7;
    write(&enc, &bytes);
    fails_leaving_nothing(d.path(), &enc, 5, PASSWORD, "unsupported AES Crypt version 7");
}

#[test]
fn excessive_iterations_are_5_until_the_limit_is_raised() {
    let d = tempdir();
    let src = d.path().join("p");
    write(&src, b"v3 data");
    run(bc_pw(d.path()).args([
        "encrypt",
        "-q",
        "--format",
        "aescrypt3",
        "--iter",
        "2000",
        "p",
        "-o",
        "v3.aes",
    ]))
    .expect(0);
    std::fs::create_dir(d.path().join("out")).unwrap();
    let r =
        run(bc_pw(d.path()).args(["decrypt", "v3.aes", "-o", "out/p", "--max-iterations", "1000"])).expect(5);
    assert!(r.stderr.contains("--max-iterations 2000"), "{}", r.stderr);
    assert_eq!(listing(&d.path().join("out")), Vec::<String>::new());
    let r = run(bc_pw(d.path()).args(["decrypt", "-q", "v3.aes", "-o", "-", "--max-iterations", "2000"]))
        .expect(0);
    assert_eq!(r.stdout, b"v3 data");
}

#[test]
fn existing_output_is_1_and_untouched_without_force() {
    let d = tempdir();
    let enc = encrypt_aes(d.path(), "x.aes", b"new contents");
    write(&d.path().join("x"), b"precious");
    let r = run(bc_pw(d.path()).args(["decrypt", "x.aes"])).expect(1);
    assert!(r.stderr.contains("already exists") && r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(read(&d.path().join("x")), b"precious");
    assert_eq!(listing(d.path()), ["x", "x.aes"]);
    run(bc_pw(d.path()).args(["decrypt", "-q", "--force"]).arg(&enc)).expect(0);
    assert_eq!(read(&d.path().join("x")), b"new contents");
    assert_eq!(listing(d.path()), ["x", "x.aes"]);
}

#[test]
fn failed_force_keeps_the_old_file() {
    let d = tempdir();
    let enc = encrypt_aes(d.path(), "x.aes", b"new contents");
    write(&d.path().join("x"), b"precious");
    let r = run(bc(d.path()).env("BACKUPCRYPT_PASSWORD", "nope").args(["decrypt", "--force"]).arg(&enc));
    assert_eq!(r.code, 3);
    assert_eq!(read(&d.path().join("x")), b"precious");
    assert_eq!(listing(d.path()), ["x", "x.aes"]);
}

#[test]
fn usage_errors_are_2() {
    let d = tempdir();
    let enc = encrypt_aes(d.path(), "x.aes", b"abc");
    // No password source and stdin is not a terminal: no prompt, exit 2.
    let r = run(bc(d.path()).args(["decrypt", "x.aes"])).expect(2);
    assert!(r.stderr.contains("no password given"), "{}", r.stderr);
    run(bc_pw(d.path()).args(["decrypt", "--no-such-flag"])).expect(2);
    run(bc_pw(d.path()).args(["encrypt", "--format", "zip", "x.aes"])).expect(2);
    run(bc_pw(d.path()).args(["decrypt", "--salt", "00"]).arg(&enc)).expect(2);
    // No default name for a file without a known suffix.
    write(&d.path().join("plain"), b"abc");
    let r = run(bc_pw(d.path()).args(["decrypt", "plain"])).expect(2);
    assert!(r.stderr.contains("-o OUTPUT"), "{}", r.stderr);
    // OpenSSL options with an AES Crypt format.
    run(bc_pw(d.path()).args(["encrypt", "plain", "--md", "sha1"])).expect(2);
    // The same file as input and output.
    run(bc_pw(d.path()).args(["encrypt", "plain", "-o", "plain", "--force"])).expect(2);
    assert_eq!(read(&d.path().join("plain")), b"abc");
    assert_eq!(listing(d.path()), ["plain", "x.aes"]);
}

#[test]
fn io_errors_are_1() {
    let d = tempdir();
    let r = run(bc_pw(d.path()).args(["decrypt", "missing.aes"])).expect(1);
    assert!(r.stderr.contains("missing.aes"), "{}", r.stderr);
    let enc = encrypt_aes(d.path(), "x.aes", b"abc");
    run(bc_pw(d.path()).arg("decrypt").arg(&enc).args(["-o", "no/such/dir/x"])).expect(1);
    // A full disk: the output side is blamed, not the input.
    #[cfg(target_os = "linux")]
    {
        let enc = encrypt_aes(d.path(), "big.aes", &data(300_000));
        let full = std::fs::File::create("/dev/full").unwrap();
        let r = run(bc_pw(d.path()).arg("decrypt").arg(&enc).args(["-o", "-"]).stdout(full)).expect(1);
        assert!(r.stderr.contains("writing the output failed"), "{}", r.stderr);
        let full = std::fs::File::create("/dev/full").unwrap();
        let r = run(bc_pw(d.path()).args(["encrypt", "-o", "-", "big.aes"]).stdout(full)).expect(1);
        assert!(r.stderr.contains("writing the output failed"), "{}", r.stderr);
    }
}

#[test]
fn inspect_needs_no_password_and_gives_5_for_plain_files() {
    let d = tempdir();
    encrypt_aes(d.path(), "x.aes", &data(1000));
    write(&d.path().join("plain.txt"), b"hello");
    let r = run(bc(d.path()).args(["inspect", "x.aes"])).expect(0);
    let s = r.stdout_str();
    assert!(
        s.contains("AES Crypt v2") && s.contains("1000 bytes") && s.contains("CREATED_BY=backupcrypt"),
        "{s}"
    );
    let r = run(bc(d.path()).args(["inspect", "x.aes", "plain.txt"])).expect(5);
    assert!(r.stdout_str().contains("AES Crypt v2"));
    assert!(r.stderr.contains("plain.txt: text (not encrypted): nothing to show"), "{}", r.stderr);
}

#[test]
fn inspect_json_describes_both_formats() {
    let d = tempdir();
    encrypt_aes(d.path(), "x.aes", &data(1000));
    encrypt_openssl(
        d.path(),
        "y.enc",
        &data(100),
        &["-aes-256-cbc", "-pbkdf2", "-S", "0011223344556677"],
        "pw",
    );
    // -S with OpenSSL 3 writes no header: looks like random data.
    encrypt_openssl(d.path(), "z.enc", &data(100), &["-aes-256-cbc", "-pbkdf2"], "pw");
    let r = run(bc(d.path()).args(["inspect", "--json", "x.aes", "z.enc", "y.enc"])).expect(5);
    let s = r.stdout_str();
    assert!(s.starts_with("[{\"file\":\"x.aes\",\"format\":\"aescrypt\",\"version\":2,"), "{s}");
    assert!(
        s.contains("\"plaintext_size_min\":1000,\"plaintext_size_max\":1000,\"authenticated\":true"),
        "{s}"
    );
    assert!(s.contains("{\"file\":\"z.enc\",\"format\":\"openssl\",\"version\":null,\"salt\":\""), "{s}");
    assert!(
        s.contains("\"plaintext_size_min\":96,\"plaintext_size_max\":111,\"authenticated\":false"),
        "{s}"
    );
    assert!(s.contains("{\"file\":\"y.enc\",\"error\":\"not a recognised encrypted file"), "{s}");
    assert!(s.contains("\"exit_code\":5,\"kind\":\"unknown\"}]"), "{s}");
    assert!(s.contains("\"authenticated\":true,\"kind\":\"aescrypt\"}"), "{s}");
    // Extensions' lengths as on disk: the standard container is 128 bytes.
    assert!(
        s.contains("\"length\":128}") && s.contains("\"value\":\"backupcrypt 0.1.0\",\"length\":28}"),
        "{s}"
    );
}

#[test]
fn unsafe_archive_content_is_6_and_nothing_escapes() {
    let d = tempdir();
    // Info-ZIP will not write `../` names; Python's zipfile will.
    let out = std::process::Command::new("python3")
        .current_dir(d.path())
        .args([
            "-c",
            "import zipfile\nwith zipfile.ZipFile('.h.zip', 'w') as z:\n    \
             z.writestr('ok.txt', 'fine')\n    z.writestr('../escape.txt', 'evil')",
        ])
        .output()
        .expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let zip = read(&d.path().join(".h.zip"));
    std::fs::remove_file(d.path().join(".h.zip")).unwrap();
    encrypt_aes(d.path(), "h.zip.aes", &zip);
    std::fs::create_dir_all(d.path().join("in/target")).unwrap();
    let r = run(bc_pw(d.path()).args(["extract", "h.zip.aes", "-C", "in/target"])).expect(6);
    assert!(r.stderr.contains("escape.txt"), "{}", r.stderr);
    assert_eq!(listing(&d.path().join("in")), ["target"]);
    assert_eq!(listing(&d.path().join("in/target")), ["ok.txt"]);
}

#[test]
fn a_plain_zip_cut_short_is_damaged_not_some_other_file() {
    // Local headers present, end record gone: exit 4 from `ls` and `extract`
    // (it was "not a ZIP archive", exit 5), and nothing extracted.
    let d = tempdir();
    write(&d.path().join("a.txt"), &data(50_000));
    let out = std::process::Command::new("zip")
        .current_dir(d.path())
        .args(["-q", "-X", "whole.zip", "a.txt"])
        .output()
        .expect("zip must be installed (tests/setup/20-debian.sh)");
    assert!(out.status.success());
    let whole = read(&d.path().join("whole.zip"));
    write(&d.path().join("cut.zip"), &whole[..whole.len() / 2]);
    let r = run(bc(d.path()).args(["ls", "cut.zip"])).expect(4);
    assert!(r.stderr.contains("cut short"), "{}", r.stderr);
    std::fs::create_dir(d.path().join("out")).unwrap();
    run(bc(d.path()).args(["extract", "cut.zip", "-C", "out"])).expect(4);
    assert!(listing(&d.path().join("out")).is_empty());
    // Encrypted, the same.
    encrypt_aes(d.path(), "cut.zip.aes", &whole[..whole.len() / 2]);
    run(bc_pw(d.path()).args(["ls", "cut.zip.aes"])).expect(4);
}
