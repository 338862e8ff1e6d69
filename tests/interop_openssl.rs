//! Interop with the real `openssl enc` (OpenSSL 3.0) in both directions, for every
//! cipher, key derivation, digest, salt mode and armour, with awkward passwords.
//! Passwords reach openssl through the environment (`-pass env:`), never argv.
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use backupcrypt::inspect::{PlaintextSize, inspect};
use backupcrypt::openssl::{Armour, Cipher, KeyDerivation, Params, Salt};
use backupcrypt::{Format, Integrity, Md, Password};
use common::{
    NON_ASCII, Rng, check, data, decrypt_random, openssl_args, openssl_cmd, openssl_options, tempdir, write,
};

const SIZES: [usize; 6] = [0, 15, 16, 17, 4096, 1_000_003];

fn kdfs() -> Vec<KeyDerivation> {
    let mut v = Vec::new();
    for md in [Md::Sha256, Md::Sha512, Md::Sha1] {
        for iterations in [1, 5, 10_000, 100_000] {
            v.push(KeyDerivation::Pbkdf2 { md, iterations });
        }
    }
    for md in [Md::Md5, Md::Sha256, Md::Sha1] {
        v.push(KeyDerivation::Legacy { md });
    }
    v
}

fn salts(rng: &mut Rng) -> [Salt; 3] {
    [Salt::Header, Salt::None, Salt::Explicit(rng.array())]
}

const ARMOURS: [Armour; 3] =
    [Armour::Binary, Armour::Base64 { single_line: false }, Armour::Base64 { single_line: true }];

/// One case, checked in both directions.
struct Case<'a> {
    params: Params,
    password: &'a [u8],
    plaintext: &'a [u8],
}

impl Case<'_> {
    fn name(&self) -> String {
        format!(
            "{} ({} bytes, password {} bytes)",
            self.params.openssl_flags(),
            self.plaintext.len(),
            self.password.len()
        )
    }

    /// `openssl enc -e` → our decryptor (armour auto-detected half of the time).
    fn openssl_to_us(&self, dir: &Path, rng: &mut Rng) {
        let name = self.name();
        let pt = write(dir, "pt", self.plaintext);
        let ct = dir.join("ct");
        let mut cmd = openssl_cmd(self.password);
        cmd.arg("-e").args(openssl_args(&self.params)).arg("-in").arg(&pt).arg("-out").arg(&ct);
        check(cmd);
        let file = std::fs::read(&ct).unwrap();
        if self.params.salt == Salt::Header {
            let magic: &[u8] = if self.params.armour == Armour::Binary { b"Salted__" } else { b"U2FsdGVkX1" };
            assert!(file.starts_with(magic), "{name}: openssl wrote no Salted__ header");
        } else {
            // OpenSSL 3 writes no header for -nosalt, nor for an explicit -S salt.
            assert!(!file.starts_with(b"Salted__") && !file.starts_with(b"U2FsdGVk"), "{name}");
        }
        self.inspect(&file);
        let mut params = self.params;
        // Auto-detect the armour half of the time (not for headerless files shorter
        // than the 64 bytes detection looks at: those are ambiguous, see roundtrip.rs).
        if rng.below(2) == 0 && (self.params.salt == Salt::Header || file.len() >= 64) {
            params.armour = Armour::Auto;
        }
        let (got, integrity) =
            decrypt_random(&file, &Password::from(self.password), openssl_options(params), rng)
                .unwrap_or_else(|e| panic!("{name}: openssl's file does not decrypt: {e}"));
        assert!(got == self.plaintext, "{name}: wrong plaintext ({} bytes)", got.len());
        let expected =
            if self.params.cipher.is_cbc() { Integrity::PaddingChecked } else { Integrity::Unchecked };
        assert_eq!(integrity, expected, "{name}");
    }

    /// What can be told without the password: a salt header (binary or base64) and,
    /// for binary CBC, the plaintext size up to the padding. Headerless files look
    /// like random data.
    fn inspect(&self, file: &[u8]) {
        let name = self.name();
        let len = file.len() as u64;
        let result = inspect(file, Some(len), &file[file.len().saturating_sub(64)..]);
        if self.params.salt != Salt::Header {
            assert!(matches!(result, Err(backupcrypt::Error::NotEncrypted)), "{name}: {result:?}");
            return;
        }
        let info = result.unwrap_or_else(|e| panic!("{name}: inspect: {e}"));
        assert_eq!(info.format, Format::OpenSsl, "{name}");
        assert_eq!(info.base64, self.params.armour != Armour::Binary, "{name}");
        assert!(!info.authenticated);
        assert!(info.salt.is_some(), "{name}");
        if self.params.armour == Armour::Binary {
            assert_eq!(info.salt.unwrap(), file[8..16], "{name}");
            if self.params.cipher.is_cbc() {
                let n = self.plaintext.len() as u64;
                assert_eq!(
                    info.plaintext_size,
                    PlaintextSize::Between(n / 16 * 16, n / 16 * 16 + 15),
                    "{name}"
                );
            }
        }
    }

    /// Our encryptor → `openssl enc -d`; and with the same salt, the very bytes openssl writes.
    fn us_to_openssl(&self, dir: &Path, rng: &mut Rng) {
        let name = self.name();
        let salt: [u8; 8] = match self.params.salt {
            Salt::Explicit(s) => s,
            _ => rng.array(),
        };
        let ours =
            common::openssl_encrypt(&Password::from(self.password), self.params, salt, self.plaintext, rng);
        let ct = write(dir, "ours", &ours);
        let out = dir.join("ours.dec");
        let mut cmd = openssl_cmd(self.password);
        cmd.arg("-d").args(openssl_args(&self.params)).arg("-in").arg(&ct).arg("-out").arg(&out);
        check(cmd);
        let got = std::fs::read(&out).unwrap();
        assert!(got == self.plaintext, "{name}: openssl decrypted {} bytes of our file", got.len());

        // Deterministic given the salt. With `-S`, OpenSSL 3 omits the header, so
        // compare it with our salted output minus `Salted__|salt` (binary only: the
        // header shifts the base64).
        let pt = write(dir, "pt", self.plaintext);
        let theirs = dir.join("theirs");
        let explicit = Params { salt: Salt::Explicit(salt), ..self.params };
        let mut cmd = openssl_cmd(self.password);
        let p = if self.params.salt == Salt::None { self.params } else { explicit };
        cmd.arg("-e").args(openssl_args(&p)).arg("-in").arg(&pt).arg("-out").arg(&theirs);
        check(cmd);
        let theirs = std::fs::read(&theirs).unwrap();
        match (self.params.salt, self.params.armour) {
            (Salt::Header, Armour::Binary) => {
                assert_eq!(&ours[..8], b"Salted__");
                assert_eq!(ours[8..16], salt);
                assert!(ours[16..] == theirs[..], "{name}: ciphertext differs from openssl's");
            }
            (Salt::Header, _) => {}
            _ => assert!(ours == theirs, "{name}: output differs from openssl's"),
        }
    }
}

/// Every cipher with every key derivation, salt mode and armour rotating.
#[test]
fn every_cipher_with_every_key_derivation() {
    let dir = tempdir();
    let mut rng = Rng::new(20);
    let passwords: [&[u8]; 3] = [b"password", NON_ASCII.as_bytes(), b""];
    let mut n = 0;
    for cipher in Cipher::ALL {
        for kdf in kdfs() {
            let salt = salts(&mut rng)[n % 3];
            let armour = ARMOURS[(n / 3) % 3];
            let plaintext = data(SIZES[n % 5], n as u64);
            let case = Case {
                params: Params { cipher, kdf, salt, armour },
                password: passwords[n % passwords.len()],
                plaintext: &plaintext,
            };
            case.openssl_to_us(dir.path(), &mut rng);
            case.us_to_openssl(dir.path(), &mut rng);
            n += 1;
        }
    }
    assert_eq!(n, 6 * 15);
}

/// Every salt mode × armour at every size, for a CBC and a CTR cipher.
#[test]
fn every_salt_mode_and_armour_at_every_size() {
    let dir = tempdir();
    let mut rng = Rng::new(21);
    let settings = [
        (Cipher::Aes256Cbc, KeyDerivation::Pbkdf2 { md: Md::Sha256, iterations: 10_000 }),
        (Cipher::Aes192Ctr, KeyDerivation::Legacy { md: Md::Md5 }),
        (Cipher::Aes128Cbc, KeyDerivation::Legacy { md: Md::Sha256 }),
    ];
    for (cipher, kdf) in settings {
        for salt in salts(&mut rng) {
            for armour in ARMOURS {
                for (i, &size) in SIZES.iter().enumerate() {
                    let plaintext = data(size, i as u64);
                    let case = Case {
                        params: Params { cipher, kdf, salt, armour },
                        password: b"pw",
                        plaintext: &plaintext,
                    };
                    case.openssl_to_us(dir.path(), &mut rng);
                    case.us_to_openssl(dir.path(), &mut rng);
                }
            }
        }
    }
}

/// Empty, 5000-character, non-ASCII and non-UTF-8 passwords are used as raw bytes.
#[test]
fn awkward_passwords() {
    let dir = tempdir();
    let mut rng = Rng::new(22);
    let long: Vec<u8> = (0..5000).map(|i| b'a' + (i % 26) as u8).collect();
    let passwords: [&[u8]; 5] = [b"", &long, NON_ASCII.as_bytes(), b"\xff\xfe not UTF-8 \x80", b" spaces "];
    for password in passwords {
        for cipher in [Cipher::Aes256Cbc, Cipher::Aes256Ctr] {
            for kdf in [
                KeyDerivation::Pbkdf2 { md: Md::Sha256, iterations: 10_000 },
                KeyDerivation::Legacy { md: Md::Md5 },
            ] {
                let plaintext = data(1000, password.len() as u64);
                let params = Params { cipher, kdf, salt: Salt::Header, armour: Armour::Binary };
                let case = Case { params, password, plaintext: &plaintext };
                case.openssl_to_us(dir.path(), &mut rng);
                case.us_to_openssl(dir.path(), &mut rng);
            }
        }
    }
}

/// The database backups' exact command, with the password in a file (`-pass file:`).
#[test]
fn the_database_backup_command_with_a_password_file() {
    let dir = tempdir();
    let mut rng = Rng::new(23);
    let password = b"Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5Pw=";
    let pwfile = write(dir.path(), "key", password);
    let dump = b"--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n".repeat(2000);
    let pt = write(dir.path(), "database-backup.sql", &dump);
    let ct = dir.path().join("database-backup.sql.encrypted");
    let mut cmd = std::process::Command::new("openssl");
    cmd.args(["enc", "-aes-256-cbc", "-pbkdf2", "-pass"])
        .arg(format!("file:{}", pwfile.display()))
        .arg("-in")
        .arg(&pt)
        .arg("-out")
        .arg(&ct);
    check(cmd);
    let file = std::fs::read(&ct).unwrap();
    // No options at all: the defaults are the backups' options.
    let (got, integrity) = decrypt_random(
        &file,
        &Password::from(&password[..]),
        backupcrypt::DecryptOptions::default(),
        &mut rng,
    )
    .unwrap();
    assert!(got == dump);
    assert_eq!(integrity, Integrity::PaddingChecked);
}

/// openssl's `-a` output re-laid out as other tools (or mail) might: CRLF, other
/// line lengths, blank lines, one line without a final newline. OpenSSL itself
/// accepts most of these (FORMATS.md §2.4); we accept all of them.
#[test]
fn base64_armour_in_other_layouts() {
    let dir = tempdir();
    let mut rng = Rng::new(24);
    let plaintext = data(5000, 24);
    let params = Params { armour: Armour::Base64 { single_line: false }, ..Params::default() };
    let pt = write(dir.path(), "pt", &plaintext);
    let ct = dir.path().join("ct");
    let mut cmd = openssl_cmd(b"pw");
    cmd.arg("-e").args(openssl_args(&params)).arg("-in").arg(&pt).arg("-out").arg(&ct);
    check(cmd);
    let armoured = std::fs::read(&ct).unwrap();
    let text: Vec<u8> = armoured.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    let wrap = |width: usize, eol: &[u8], final_eol: bool| {
        let mut v = Vec::new();
        for (i, line) in text.chunks(width).enumerate() {
            if i > 0 {
                v.extend_from_slice(eol);
            }
            v.extend_from_slice(line);
        }
        if final_eol {
            v.extend_from_slice(eol);
        }
        v
    };
    // Leading blank lines and spaces, which `openssl enc -d -a` skips too.
    let mut lead = b"\n\r\n  \t".to_vec();
    lead.extend_from_slice(&armoured);
    // (layout, accepted by `openssl enc -d -a` too): OpenSSL 3.0 refuses one long
    // line without a final newline (FORMATS.md §2.4).
    let layouts = [
        (wrap(64, b"\r\n", true), true),
        (wrap(76, b"\n", true), true),
        (wrap(1000, b"\n\n", true), true),
        (lead, true),
        (wrap(usize::MAX, b"\n", false), false),
        (wrap(4, b" \t", false), false),
    ];
    for (i, (layout, openssl_too)) in layouts.iter().enumerate() {
        if *openssl_too {
            let file = write(dir.path(), "layout", layout);
            let out = dir.path().join("layout.out");
            let mut cmd = openssl_cmd(b"pw");
            cmd.arg("-d").args(openssl_args(&params)).arg("-in").arg(&file).arg("-out").arg(&out);
            check(cmd);
            assert!(std::fs::read(&out).unwrap() == plaintext, "layout {i}: openssl");
        }
        let info =
            inspect(layout, Some(layout.len() as u64), &[]).unwrap_or_else(|e| panic!("layout {i}: {e}"));
        assert!(info.base64, "layout {i}");
        assert_eq!(info.salt, inspect(&armoured, None, &[]).unwrap().salt, "layout {i}");
        for armour in [Armour::Auto, params.armour] {
            let (got, _) = decrypt_random(
                layout,
                &Password::from("pw"),
                openssl_options(Params { armour, ..params }),
                &mut rng,
            )
            .unwrap_or_else(|e| panic!("layout {i}: {e}"));
            assert!(got == plaintext, "layout {i}");
        }
    }
}
