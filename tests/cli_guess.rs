//! The OpenSSL guess on files the real `openssl` CLI writes: never garbage with
//! exit 0; CTR before "truncated"; a recognisable start with a bad end is damage.
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

mod cli_support;

use std::path::{Path, PathBuf};

use cli_support::*;

/// `openssl enc` with this salt, and the `Salted__` header OpenSSL 3 leaves out
/// with `-S` (byte for byte what it writes for a random salt).
fn openssl_with_salt(dir: &Path, name: &str, plain: &[u8], flags: &[&str], salt: u64) -> PathBuf {
    encrypt_openssl_salt(dir, name, plain, flags, PASSWORD, Some(&format!("{salt:016x}")))
}

#[test]
fn a_15_byte_legacy_aes_128_file_never_decrypts_to_garbage() {
    let d = tempdir();
    let out = d.path().join("out");
    let mut weak = 0;
    // The presets are AES-256; a one-byte padding passes by chance for about 1 in
    // 85 of these files (three presets). Each must ask for the options. (Salts 57
    // and 73 are such files; the salts are fixed, so every run is the same.)
    for salt in 56..80u64 {
        let name = format!("f{salt}.enc");
        openssl_with_salt(d.path(), &name, b"fifteen bytes!\n", &["-aes-128-cbc", "-md", "md5"], salt);
        let r = run(bc_pw(d.path()).args(["decrypt", &name, "-o"]).arg(&out)).expect(3);
        assert!(!out.exists(), "salt {salt}: something was written");
        if r.stderr.contains("cannot tell the OpenSSL options") {
            weak += 1;
        } else {
            assert!(r.stderr.contains("none of"), "salt {salt}: {}", r.stderr);
        }
    }
    assert!(weak > 0, "no file exercised a preset that fits by chance");
    // With its options it opens.
    let r = run(bc_pw(d.path())
        .args(["decrypt", "f57.enc", "-o", "-", "--cipher", "aes-128-cbc", "--legacy-kdf"])
        .args(["--md", "md5"]))
    .expect(0);
    assert_eq!(r.stdout, b"fifteen bytes!\n");
}

#[test]
fn aes_256_ctr_without_options_decrypts() {
    let d = tempdir();
    let plain = pg_dump(true);
    for (name, flags, len) in [
        ("pbkdf2.enc", &["-aes-256-ctr", "-pbkdf2"][..], plain.len()),
        ("legacy.enc", &["-aes-256-ctr", "-md", "md5"][..], plain.len()),
        // A whole number of blocks: CBC is tried first and fails, then CTR fits.
        ("blocks.enc", &["-aes-256-ctr", "-pbkdf2"][..], plain.len() / 16 * 16),
    ] {
        assert!(name != "blocks.enc" || len % 16 == 0);
        openssl_with_salt(d.path(), name, &plain[..len], flags, 7);
        let r = run(bc_pw(d.path()).args(["decrypt", name, "-o", "-"])).expect(0);
        assert!(r.stdout == plain[..len], "{name}");
        assert!(r.stderr.contains("-aes-256-ctr"), "{name}: {}", r.stderr);
    }
}

#[test]
fn a_cut_cbc_file_is_still_truncated() {
    let d = tempdir();
    let f = openssl_with_salt(d.path(), "c.enc", &pg_dump(true), &["-aes-256-cbc", "-pbkdf2"], 3);
    let bytes = read(&f);
    write(&f, &bytes[..bytes.len() - 5]);
    let r = run(bc_pw(d.path()).args(["decrypt", "c.enc", "-o", "out"])).expect(4);
    assert!(r.stderr.contains("truncated"), "{}", r.stderr);
    assert!(!d.path().join("out").exists());
}

#[test]
fn a_recognisable_start_with_a_bad_end_is_damaged_not_a_wrong_password() {
    let d = tempdir();
    let f = openssl_with_salt(d.path(), "d.enc", &pg_dump(true), &["-aes-256-cbc", "-pbkdf2"], 5);
    let mut bytes = read(&f);
    // The block before the last chains into it: its change spoils the padding.
    let n = bytes.len();
    bytes[n - 20] ^= 0x55;
    write(&f, &bytes);
    let r = run(bc_pw(d.path()).args(["decrypt", "d.enc", "-o", "out"])).expect(4);
    assert!(r.stderr.contains("damaged"), "{}", r.stderr);
    assert!(!d.path().join("out").exists());
    // From standard input the end is only seen at the end: still damage.
    let r = run_stdin(bc_pw(d.path()).args(["decrypt", "-", "-o", "out"]), &bytes).expect(4);
    assert!(r.stderr.contains("damaged"), "{}", r.stderr);
    assert!(!d.path().join("out").exists());
}

#[test]
fn weak_evidence_names_the_presets_that_fit_and_the_options_open_it() {
    let d = tempdir();
    // Random bytes (nothing to recognise), one byte short of a block: padding 1.
    let plain = data(16 * 40 - 1);
    let f = openssl_with_salt(d.path(), "w.enc", &plain, &["-aes-256-cbc", "-pbkdf2"], 11);
    let r = run(bc_pw(d.path()).args(["decrypt", "w.enc", "-o", "out"])).expect(3);
    assert!(r.stderr.contains("`--cipher aes-256-cbc --md sha256 --iter 10000`"), "{}", r.stderr);
    assert!(!d.path().join("out").exists());
    let r = run(bc_pw(d.path()).args(["decrypt", "w.enc", "-o", "-", "--cipher", "aes-256-cbc"])).expect(0);
    assert!(r.stdout == plain);
    let _ = f;
}

#[test]
fn extract_says_what_a_plain_file_is_without_asking_for_a_password() {
    let d = tempdir();
    write(&d.path().join("dump.sql"), &pg_dump(true));
    // No password anywhere and no terminal: asking would fail with exit 2.
    let r = run(bc(d.path()).args(["extract", "dump.sql", "-C", "x"])).expect(5);
    assert!(r.stderr.contains("dump.sql is a PostgreSQL dump (not encrypted)"), "{}", r.stderr);
    let r = run(bc(d.path()).args(["decrypt", "dump.sql", "-o", "out"])).expect(5);
    assert!(r.stderr.contains("a PostgreSQL dump (not encrypted)"), "{}", r.stderr);
}
