//! Interoperability with the real tools: what `encrypt` writes, `openssl enc -d`
//! and pyAesCrypt 6.0.0 read; what they write, `decrypt` reads, finding the
//! OpenSSL preset by itself.

mod cli_support;
use cli_support::*;

use std::process::Command;

const SIZES: [usize; 6] = [0, 1, 15, 16, 17, 100_003];

#[test]
fn encrypt_default_is_read_by_pyaescrypt_6_0_0() {
    let d = tempdir();
    for n in SIZES {
        let plain = data(n);
        write(&d.path().join("p"), &plain);
        run(bc_pw(d.path()).args(["encrypt", "-q", "p", "-o", "p.aes", "--force"])).expect(0);
        assert_eq!(&read(&d.path().join("p.aes"))[..4], b"AES\x02", "v2 by default");
        pyaescrypt("pyAesCrypt.decryptFile('p.aes', 'py.out', os.environ['PW'], 64*1024)", d.path());
        assert!(read(&d.path().join("py.out")) == plain, "size {n}");
        std::fs::remove_file(d.path().join("py.out")).unwrap();
    }
}

#[test]
fn pyaescrypt_files_decrypt() {
    let d = tempdir();
    for n in SIZES {
        let plain = data(n);
        write(&d.path().join("p"), &plain);
        pyaescrypt(
            "pyAesCrypt.encryptFile('p', 'backup.zip.encrypted', os.environ['PW'], 64*1024)",
            d.path(),
        );
        let r = run(bc_pw(d.path()).args(["decrypt", "backup.zip.encrypted", "-o", "-"])).expect(0);
        assert!(r.stdout == plain, "size {n}");
        assert!(r.stderr.contains("verified (HMAC-SHA256)"), "{}", r.stderr);
    }
}

#[test]
fn encrypt_openssl_is_read_by_openssl_enc() {
    let d = tempdir();
    let plain = pg_dump(true);
    write(&d.path().join("dump.sql"), &plain);
    let cases: &[(&[&str], &[&str])] = &[
        (&[], &["-aes-256-cbc", "-pbkdf2"]),
        (&["--base64"], &["-aes-256-cbc", "-pbkdf2", "-a"]),
        (
            &["--md", "sha512", "--iter", "1000"],
            &["-aes-256-cbc", "-pbkdf2", "-md", "sha512", "-iter", "1000"],
        ),
        (&["--legacy-kdf", "--md", "md5"], &["-aes-256-cbc", "-md", "md5"]),
        (&["--legacy-kdf"], &["-aes-256-cbc", "-md", "sha256"]),
        (&["--nosalt"], &["-aes-256-cbc", "-pbkdf2", "-nosalt"]),
        (&["--salt", "0011223344556677"], &["-aes-256-cbc", "-pbkdf2", "-S", "0011223344556677"]),
        (&["--cipher", "aes-128-ctr"], &["-aes-128-ctr", "-pbkdf2"]),
        (&["--cipher", "aes-192-cbc", "--md", "sha1"], &["-aes-192-cbc", "-pbkdf2", "-md", "sha1"]),
    ];
    for (ours, theirs) in cases {
        let mut args = vec!["encrypt", "-q", "--format", "openssl", "dump.sql", "-o", "x.enc", "--force"];
        args.extend_from_slice(ours);
        run(bc_pw(d.path()).args(&args)).expect(0);
        let mut dec = vec!["enc", "-d", "-in", "x.enc"];
        dec.extend_from_slice(theirs);
        let out = Command::new("openssl")
            .current_dir(d.path())
            .args(&dec)
            .args(["-pass", "env:PW"])
            .env("PW", PASSWORD)
            .output()
            .unwrap();
        assert!(out.status.success(), "{ours:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stdout == plain, "{ours:?}");
        // And we read it back with the same options.
        let mut back = vec!["decrypt", "-q", "x.enc", "-o", "-"];
        back.extend(ours.iter().filter(|a| **a != "--base64"));
        let r = run(bc_pw(d.path()).args(&back)).expect(0);
        assert!(r.stdout == plain, "{ours:?}: ours back");
    }
}

#[test]
fn every_preset_is_detected_from_openssl_files() {
    let d = tempdir();
    let plain = pg_dump(true);
    for (flags, preset) in [
        (&["-aes-256-cbc", "-pbkdf2"][..], "-aes-256-cbc -pbkdf2 -iter 10000 -md sha256"),
        (&["-aes-256-cbc", "-md", "md5"][..], "-aes-256-cbc -md md5"),
        (&["-aes-256-cbc", "-md", "sha256"][..], "-aes-256-cbc -md sha256"),
        (&["-aes-256-cbc", "-pbkdf2", "-a"][..], "-aes-256-cbc -pbkdf2 -iter 10000 -md sha256"),
    ] {
        // Large enough that only the first and last blocks are probed.
        let mut big = plain.clone();
        big.extend(core::iter::repeat_n(b'x', 200_000));
        for (label, content) in [("small", &plain), ("large", &big)] {
            let enc = encrypt_openssl(d.path(), "db.sql.encrypted", content, flags, PASSWORD);
            let r = run(bc_pw(d.path()).args(["decrypt", "db.sql.encrypted", "-o", "-"])).expect(0);
            assert!(&r.stdout == content, "{flags:?} {label}");
            assert!(
                r.stderr.contains(&format!("preset `{preset}` matched")),
                "{flags:?} {label}: {}",
                r.stderr
            );
            std::fs::remove_file(enc).unwrap();
        }
    }
}

#[test]
fn options_other_than_the_presets_must_be_given() {
    let d = tempdir();
    let plain = pg_dump(true);
    encrypt_openssl(d.path(), "x.enc", &plain, &["-aes-128-cbc", "-pbkdf2", "-iter", "5000"], PASSWORD);
    let r = run(bc_pw(d.path()).args(["decrypt", "x.enc", "-o", "-"])).expect(3);
    assert!(r.stderr.contains("--cipher"), "{}", r.stderr);
    let r = run(bc_pw(d.path()).args([
        "decrypt",
        "-q",
        "x.enc",
        "-o",
        "-",
        "--cipher",
        "aes-128-cbc",
        "--iter",
        "5000",
    ]))
    .expect(0);
    assert_eq!(r.stdout, plain);

    // -nosalt and OpenSSL 3's headerless -S look like random data until told.
    encrypt_openssl(d.path(), "n.enc", &plain, &["-aes-256-cbc", "-pbkdf2", "-nosalt"], PASSWORD);
    run(bc_pw(d.path()).args(["decrypt", "n.enc", "-o", "-"])).expect(5);
    let r = run(bc_pw(d.path()).args(["decrypt", "-q", "n.enc", "-o", "-", "--nosalt"])).expect(0);
    assert_eq!(r.stdout, plain);
    encrypt_openssl(
        d.path(),
        "s.enc",
        &plain,
        &["-aes-256-cbc", "-pbkdf2", "-S", "a1b2c3d4e5f60718"],
        PASSWORD,
    );
    let r = run(bc_pw(d.path()).args(["decrypt", "-q", "s.enc", "-o", "-", "--salt", "A1B2C3D4E5F60718"]))
        .expect(0);
    assert_eq!(r.stdout, plain);
}

#[test]
fn ctr_files_decrypt_with_a_warning_that_nothing_was_checked() {
    let d = tempdir();
    let plain = pg_dump(true);
    encrypt_openssl(d.path(), "c.enc", &plain, &["-aes-256-ctr", "-pbkdf2"], PASSWORD);
    let r = run(bc_pw(d.path()).args(["decrypt", "c.enc", "-o", "-", "--cipher", "aes-256-ctr"])).expect(0);
    assert_eq!(r.stdout, plain);
    assert!(r.stderr.contains("carry no check"), "{}", r.stderr);
}

#[test]
fn aescrypt3_round_trip() {
    let d = tempdir();
    let plain = data(70_001);
    write(&d.path().join("p"), &plain);
    run(bc_pw(d.path()).args(["encrypt", "-q", "--format", "aescrypt3", "--iter", "1000", "p"])).expect(0);
    let head = read(&d.path().join("p.aes"));
    assert_eq!(&head[..4], b"AES\x03");
    let r = run(bc(d.path()).args(["inspect", "p.aes"])).expect(0);
    assert!(r.stdout_str().contains("PBKDF2-HMAC-SHA512, 1000 iterations"), "{}", r.stdout_str());
    let r = run(bc_pw(d.path()).args(["decrypt", "-q", "p.aes", "-o", "-"])).expect(0);
    assert!(r.stdout == plain);
}

#[test]
fn a_preset_matched_by_a_long_padding_alone_decrypts_and_says_so() {
    let d = tempdir();
    // Random-looking plaintext: only the padding can confirm the preset. 50,000
    // bytes is a whole number of blocks, so the padding is a full block: strong.
    let plain = data(50_000);
    encrypt_openssl(d.path(), "r.enc", &plain, &["-aes-256-cbc", "-md", "md5"], PASSWORD);
    let r = run(bc_pw(d.path()).args(["decrypt", "r.enc", "-o", "-"])).expect(0);
    assert!(r.stdout == plain);
    assert!(
        r.stderr.contains(
            "preset `-aes-256-cbc -md md5` matched (final padding valid (16 bytes), content: not recognised)"
        ),
        "{}",
        r.stderr
    );
}
