//! Secrets stay secret: the password never shows in `Debug`, `Display` or any
//! error, through every failure path. That keys are wiped on drop is observed in
//! tests/wipe.rs.

mod legacy;

use backupcrypt::aescrypt::{self, Randomness, Version};
use backupcrypt::io::{EncryptTo, Overwrite, decrypt_file, encrypt_stream};
use backupcrypt::openssl::{self, Armour, Cipher, Params, Salt};
use backupcrypt::{DecryptOptions, Decryptor, Error, Limits, Password};

/// Distinctive enough to find in any text; also checked in UTF-16 and hex.
const SECRET: &str = "Sw0rdf1sh-n0t-in-l0gs";

fn assert_no_secret(text: &str, what: &str) {
    let hex: String = SECRET.bytes().map(|b| format!("{b:02x}")).collect();
    let utf16: String = SECRET.chars().flat_map(|c| [c, '\0']).collect();
    for needle in [SECRET, &hex, &utf16, &SECRET[..8]] {
        assert!(!text.contains(needle), "{what} shows the password: {text}");
    }
}

/// `Display`, `Debug` and the whole `source()` chain.
fn assert_error_clean(e: &Error, what: &str) {
    assert_no_secret(&e.to_string(), what);
    assert_no_secret(&format!("{e:?}"), what);
    let mut source = core::error::Error::source(e);
    while let Some(s) = source {
        assert_no_secret(&s.to_string(), what);
        assert_no_secret(&format!("{s:?}"), what);
        source = s.source();
    }
}

fn decrypt(file: &[u8], password: &str, options: DecryptOptions) -> Result<Vec<u8>, Error> {
    let mut d = Decryptor::new(Password::from(password), options);
    let mut out = Vec::new();
    d.update(file, &mut out)?;
    d.finish(&mut out)?;
    Ok(out)
}

#[test]
fn password_debug_is_redacted() {
    let p = Password::from(SECRET);
    assert_eq!(format!("{p:?}"), "Password(<redacted>)");
    assert_eq!(format!("{p:#?}"), "Password(<redacted>)");
    assert_no_secret(&format!("{:?}", Some(p.clone())), "Option<Password>");
}

#[test]
fn every_error_path_keeps_the_password_out_of_messages() {
    let iv = [7u8; 16];
    let files = [
        legacy::v0(SECRET, iv, b"data"),
        legacy::v1(SECRET, iv, b"data"),
        legacy::v2(SECRET, iv, b"data"),
        legacy::v3(SECRET, 10, iv, b"data"),
    ];
    let mut errors = Vec::new();
    for f in &files {
        // The password *as the wrong one*, the right password on damage, and the
        // other way round: every message about the attempt must stay clean.
        errors.push(decrypt(f, "not it", DecryptOptions::default()).unwrap_err());
        let mut damaged = f.clone();
        *damaged.last_mut().unwrap() ^= 1;
        errors.push(decrypt(&damaged, SECRET, DecryptOptions::default()).unwrap_err());
        errors.push(decrypt(&f[..f.len() - 1], SECRET, DecryptOptions::default()).unwrap_err());
        let low = DecryptOptions { openssl: None, limits: Limits { max_iterations: 1 } };
        if f[3] == 3 {
            errors.push(decrypt(f, SECRET, low).unwrap_err());
        }
    }
    // OpenSSL: padding failure, truncation, bad armour.
    let params = Params {
        kdf: openssl::KeyDerivation::Pbkdf2 { md: backupcrypt::Md::Sha256, iterations: 1 },
        ..Params::default()
    };
    let mut e = openssl::Encryptor::new(&Password::from(SECRET), params, [1; 8]).unwrap();
    let mut file = Vec::new();
    e.update(b"some data", &mut file);
    e.finish(&mut file);
    let opts = DecryptOptions { openssl: Some(params), ..Default::default() };
    errors.push(decrypt(&file, "not it", opts).unwrap_err());
    errors.push(decrypt(&file[..20], SECRET, opts).unwrap_err());
    let b64 = DecryptOptions {
        openssl: Some(Params { armour: Armour::Base64 { single_line: false }, ..params }),
        ..Default::default()
    };
    errors.push(decrypt(b"U2FsdGVk!!!!", SECRET, b64).unwrap_err());
    // Passwords AES Crypt cannot use: the message names the problem, not the bytes.
    let mut not_utf8 = SECRET.as_bytes().to_vec();
    not_utf8.push(0xff);
    errors.push(decrypt(&files[2], "", DecryptOptions::default()).unwrap_err());
    let mut d = Decryptor::new(Password::new(not_utf8.clone()), DecryptOptions::default());
    errors.push(d.update(&files[2], &mut Vec::new()).unwrap_err());
    let r = Randomness { iv, session_iv: [0; 16], session_key: [0; 32] };
    errors.push(aescrypt::Encryptor::new(&Password::new(not_utf8), Version::V2, &r).err().unwrap());
    let long = SECRET.repeat(60);
    errors.push(aescrypt::Encryptor::new(&Password::from(long.as_str()), Version::V2, &r).err().unwrap());
    errors.push(
        aescrypt::Encryptor::new(&Password::from(SECRET), Version::V3 { iterations: 0 }, &r).err().unwrap(),
    );
    let zero = Params {
        kdf: openssl::KeyDerivation::Pbkdf2 { md: backupcrypt::Md::Sha256, iterations: 0 },
        ..params
    };
    errors.push(openssl::Encryptor::new(&Password::from(SECRET), zero, [0; 8]).err().unwrap());
    assert!(errors.len() > 20);
    for (i, e) in errors.iter().enumerate() {
        assert_error_clean(e, &format!("error {i} ({e:?})"));
    }
}

#[test]
fn file_helper_errors_keep_the_password_out() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("backup.aes");
    std::fs::write(&src, legacy::v2(SECRET, [1; 16], b"x")).unwrap();
    let dest = dir.path().join("out");
    let e = decrypt_file(&src, &dest, Overwrite::Never, Password::from("wrong"), DecryptOptions::default())
        .unwrap_err();
    assert_error_clean(&e, "decrypt_file wrong password");
    let e = decrypt_file(
        &dir.path().join("missing"),
        &dest,
        Overwrite::Never,
        Password::from(SECRET),
        DecryptOptions::default(),
    )
    .unwrap_err();
    assert_error_clean(&e, "decrypt_file missing input");
    // A failed write goes through io::Error wrapping and back.
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let e = encrypt_stream(&b"data"[..], Full, &Password::from(SECRET), EncryptTo::AesCrypt(Version::V2))
        .unwrap_err();
    assert_error_clean(&e, "encrypt_stream into a full disk");
}

#[test]
fn options_and_headers_print_no_secret() {
    let params = Params { cipher: Cipher::Aes128Ctr, salt: Salt::Explicit([1; 8]), ..Params::default() };
    let opts = DecryptOptions { openssl: Some(params), ..Default::default() };
    assert_no_secret(&format!("{opts:?} {params} {}", params.openssl_flags()), "options");
    let file = legacy::v2(SECRET, [2; 16], b"abc");
    let mut d = Decryptor::new(Password::from(SECRET), DecryptOptions::default());
    d.update(&file, &mut Vec::new()).unwrap();
    let header = d.aescrypt_header().unwrap();
    assert_no_secret(&format!("{header:?}"), "AES Crypt header");
}
