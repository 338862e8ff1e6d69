//! Exhaustive damage: every truncation and every single-bit flip of small files of
//! each format and version gives a classified error, or, only where FORMATS.md
//! says the format cannot notice (OpenSSL has no authentication; AES Crypt's
//! reserved byte, extensions and v1/v2 modulo byte are unauthenticated), the
//! documented result. Never a panic. Through `decrypt_file`, a failure leaves
//! nothing behind in the destination directory.
//!
//! The files come from the real tools where the project has them (`openssl enc`,
//! pyAesCrypt 6.0.0, the AES Crypt 4.0.5 CLI vector of FORMATS.md §6.4), and from
//! the test-only writer in tests/legacy for v0 and v1.
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

mod legacy;

use std::path::{Path, PathBuf};
use std::process::Command;

use backupcrypt::io::{Overwrite, decrypt_file};
use backupcrypt::openssl::{Armour, Cipher, KeyDerivation, Params, Salt};
use backupcrypt::{
    Corruption, DecryptOptions, Decryptor, Error, Integrity, Limits, Md, Password, PasswordCheck,
};

const PLAIN: &[u8] = b"twenty bytes of data"; // two blocks, 12 bytes of padding

fn decrypt(file: &[u8], password: &str, options: DecryptOptions) -> Result<(Vec<u8>, Integrity), Error> {
    let mut d = Decryptor::new(Password::from(password), options);
    let mut out = Vec::new();
    // Odd chunks, so that damage lands on chunk edges too.
    for c in file.chunks(7) {
        d.update(c, &mut out)?;
    }
    let integrity = d.finish(&mut out)?;
    Ok((out, integrity))
}

/// Every error a damaged file may give: never `Io` or `InvalidInput` (which would
/// mean the caller did something wrong), and every variant has its message.
fn assert_classified(e: &Error, what: &str) {
    assert!(!e.to_string().is_empty());
    assert!(
        matches!(
            e,
            Error::WrongPassword(_)
                | Error::Corrupt(_)
                | Error::Truncated
                | Error::NotEncrypted
                | Error::UnsupportedVersion(_)
                | Error::ExcessiveWork { .. }
        ),
        "{what}: unclassified error {e:?}"
    );
}

/// Each damaged variant of `file`: `(description, offset, damaged bytes)`.
fn truncations(file: &[u8]) -> impl Iterator<Item = (String, usize, Vec<u8>)> + '_ {
    (0..file.len()).map(|k| (format!("truncated to {k} bytes"), k, file[..k].to_vec()))
}

fn bit_flips(file: &[u8]) -> impl Iterator<Item = (String, usize, Vec<u8>)> + '_ {
    (0..file.len() * 8).map(|i| {
        let mut f = file.to_vec();
        f[i / 8] ^= 1 << (i % 8);
        (format!("bit {} of byte {} flipped", i % 8, i / 8), i / 8, f)
    })
}

// ---------------------------------------------------------------------------
// OpenSSL

fn openssl_cli(flags: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("plain");
    std::fs::write(&src, PLAIN).unwrap();
    let out = Command::new("openssl")
        .args(["enc", "-e", "-pass", "pass:password", "-in"])
        .arg(&src)
        .args(flags)
        .output()
        .expect("the openssl CLI must be installed (tests/setup/20-debian.sh)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

struct OpenSslCase {
    flags: &'static [&'static str],
    params: Params,
}

fn openssl_cases() -> Vec<OpenSslCase> {
    let pbkdf2 = KeyDerivation::Pbkdf2 { md: Md::Sha256, iterations: 1000 };
    let p = |cipher, salt, armour| Params { cipher, kdf: pbkdf2, salt, armour };
    use Cipher::{Aes256Cbc as Cbc, Aes256Ctr as Ctr};
    vec![
        OpenSslCase {
            flags: &["-aes-256-cbc", "-pbkdf2", "-iter", "1000"],
            params: p(Cbc, Salt::Header, Armour::Auto),
        },
        OpenSslCase {
            flags: &["-aes-256-ctr", "-pbkdf2", "-iter", "1000"],
            params: p(Ctr, Salt::Header, Armour::Auto),
        },
        OpenSslCase {
            flags: &["-aes-256-cbc", "-pbkdf2", "-iter", "1000", "-nosalt"],
            params: p(Cbc, Salt::None, Armour::Binary),
        },
        OpenSslCase {
            flags: &["-aes-256-ctr", "-pbkdf2", "-iter", "1000", "-nosalt"],
            params: p(Ctr, Salt::None, Armour::Binary),
        },
        OpenSslCase {
            flags: &["-aes-256-cbc", "-pbkdf2", "-iter", "1000", "-a"],
            params: p(Cbc, Salt::Header, Armour::Base64 { single_line: false }),
        },
        OpenSslCase {
            flags: &["-aes-256-cbc", "-pbkdf2", "-iter", "1000", "-a", "-A"],
            params: p(Cbc, Salt::Header, Armour::Base64 { single_line: true }),
        },
        OpenSslCase {
            flags: &["-aes-256-ctr", "-pbkdf2", "-iter", "1000", "-a"],
            params: p(Ctr, Salt::Header, Armour::Auto),
        },
    ]
}

/// The expected outcome of one damaged OpenSSL binary file (FORMATS.md §2.5). Returns
/// true for damage to the last CBC block that the padding happened not to show.
fn check_openssl_binary(
    case: &OpenSslCase,
    file: &[u8],
    what: &str,
    at: usize,
    truncated: bool,
    damaged: &[u8],
) -> bool {
    let options = DecryptOptions { openssl: Some(case.params), ..Default::default() };
    let header = if case.params.salt == Salt::Header { 16 } else { 0 };
    let cbc = case.params.cipher.is_cbc();
    let result = decrypt(damaged, "password", options);
    let ctx = format!("{} {what}", case.flags.join(" "));
    match result {
        Err(e) => {
            assert_classified(&e, &ctx);
            if truncated {
                if at == 0 && header > 0 {
                    assert!(matches!(e, Error::NotEncrypted), "{ctx}: {e:?}");
                } else if !cbc || (at - header.min(at)) % 16 != 0 || at < header + 16 {
                    assert!(matches!(e, Error::Truncated), "{ctx}: {e:?}");
                } else {
                    // Cut on a block boundary: looks like a wrong password.
                    assert!(matches!(e, Error::WrongPassword(PasswordCheck::Padding)), "{ctx}: {e:?}");
                }
            } else if at < 8 && header > 0 {
                assert!(matches!(e, Error::NotEncrypted), "{ctx}: {e:?}");
            } else {
                assert!(cbc, "{ctx}: CTR has no check at all, yet {e:?}");
                assert!(matches!(e, Error::WrongPassword(PasswordCheck::Padding)), "{ctx}: {e:?}");
            }
        }
        Ok((out, integrity)) => {
            assert_eq!(integrity, if cbc { Integrity::PaddingChecked } else { Integrity::Unchecked });
            // Only what OpenSSL cannot see: never the magic, never a torn block.
            assert!(header == 0 || at >= 8 || truncated && at >= header, "{ctx}: accepted");
            if truncated {
                assert!(!cbc || (at - header) % 16 == 0, "{ctx}: accepted a torn block");
                assert_eq!(out[..], PLAIN[..out.len().min(PLAIN.len())], "{ctx}");
                assert!(out.len() < PLAIN.len() || !cbc && at >= file.len());
            } else if at >= header && !cbc {
                // CTR: exactly the flipped bit comes through.
                let diff: Vec<usize> = (0..PLAIN.len()).filter(|&i| out[i] != PLAIN[i]).collect();
                assert_eq!(diff, vec![at - header], "{ctx}");
            } else if cbc && at >= file.len() - 32 && at < file.len() - 16 {
                // The block before the last: its bit lands in the last plaintext block.
                // Our 12 padding bytes (4..16 of the last block) must catch it there.
                assert!((at - (file.len() - 32)) < 4, "{ctx}: a padding byte was changed unnoticed");
            } else if at >= file.len() - 16 {
                // The last block decrypts to noise, whose "padding" is valid about once
                // in 256 (FORMATS.md §2.5); the plaintext then differs. The caller
                // counts these: they must stay rare.
                assert_ne!(out, PLAIN, "{ctx}");
                return true;
            }
        }
    }
    false
}

#[test]
fn openssl_every_truncation_and_bit_flip_is_classified() {
    for case in openssl_cases() {
        let file = openssl_cli(case.flags);
        let armoured = matches!(case.params.armour, Armour::Base64 { .. })
            || file.iter().all(|b| b.is_ascii_alphanumeric() || b"+/=\n".contains(b));
        let mut unnoticed = 0;
        for (truncated, list) in
            [(true, truncations(&file).collect::<Vec<_>>()), (false, bit_flips(&file).collect())]
        {
            for (what, at, damaged) in list {
                if armoured {
                    check_openssl_armour(&case, &file, &what, &damaged);
                } else if check_openssl_binary(&case, &file, &what, at, truncated, &damaged) {
                    unnoticed += 1;
                }
            }
        }
        // 128 flips in the last block; about half a lucky padding is expected.
        assert!(unnoticed <= 4, "{}: {unnoticed} last-block flips unnoticed", case.flags.join(" "));
    }
}

/// Armour damage maps to some binary damage (or none): the result must be a
/// classified error, or success where the binary format could not notice.
fn check_openssl_armour(case: &OpenSslCase, file: &[u8], what: &str, damaged: &[u8]) {
    let options = DecryptOptions { openssl: Some(case.params), ..Default::default() };
    let ctx = format!("{} {what}", case.flags.join(" "));
    match decrypt(damaged, "password", options) {
        Err(e) => assert_classified(&e, &ctx),
        Ok((out, _)) => {
            let stripped = |f: &[u8]| {
                f.iter().copied().filter(|b| !b.is_ascii_whitespace() && *b != 0x0b).collect::<Vec<_>>()
            };
            // FORMATS.md §2.4: all ASCII whitespace (vertical tab included) is skipped.
            if stripped(damaged) == stripped(file) {
                assert_eq!(out, PLAIN, "{ctx}: only whitespace changed");
            } else {
                // A different base64 character is a different ciphertext bit, which only
                // CTR, or CBC outside the last block, cannot notice.
                assert!(out != PLAIN || !case.params.cipher.is_cbc(), "{ctx}");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// AES Crypt

fn python() -> PathBuf {
    std::env::var_os("BACKUPCRYPT_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/venv/bin/python"))
}

/// A v2 file written by pyAesCrypt 6.0.0 itself (the writer of the real backups).
fn pyaescrypt_v2(password: &str, plain: &[u8]) -> Vec<u8> {
    let script = "import io, sys, pyAesCrypt\n\
        out = io.BytesIO()\n\
        pyAesCrypt.encryptStream(io.BytesIO(sys.stdin.buffer.read()), out, sys.argv[1], 65536)\n\
        sys.stdout.buffer.write(out.getvalue())\n";
    let mut child = Command::new(python())
        .args(["-c", script, password])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the test venv with pyAesCrypt 6.0.0 must exist (tests/setup/30-python.sh)");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(plain).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "pyAesCrypt failed");
    out.stdout
}

/// Where each field of an AES Crypt file is, to know what damage there means.
struct Layout {
    version: u8,
    /// Extension bytes that are names/values (not length fields or the end mark).
    ext_bodies: Vec<core::ops::Range<usize>>,
    ext_end: usize,
    header: usize,
    len: usize,
}

impl Layout {
    fn of(file: &[u8]) -> Layout {
        let version = file[3];
        let mut ext_bodies = Vec::new();
        let mut at = 5;
        if version >= 2 {
            loop {
                let n = usize::from(u16::from_be_bytes([file[at], file[at + 1]]));
                if n == 0 {
                    break;
                }
                ext_bodies.push(at + 2..at + 2 + n);
                at += 2 + n;
            }
            at += 2;
        }
        Layout { version, ext_bodies, ext_end: at, header: legacy::header_len(file), len: file.len() }
    }

    fn trailer(&self) -> usize {
        if matches!(self.version, 1 | 2) { 33 } else { 32 }
    }
}

/// The v3 limit used here: a flipped high bit of `N` must be refused at once.
const V3_TEST_LIMIT: u32 = 5000;

fn aescrypt_options() -> DecryptOptions {
    DecryptOptions { openssl: None, limits: Limits { max_iterations: V3_TEST_LIMIT } }
}

fn check_aescrypt(
    file: &[u8],
    password: &str,
    plain: &[u8],
    what: &str,
    at: usize,
    truncated: bool,
    damaged: &[u8],
) {
    let l = Layout::of(file);
    let v = l.version;
    let ctx = format!("v{v} {what}");
    let payload_error = |e: &Error| {
        if v == 0 {
            matches!(e, Error::WrongPassword(PasswordCheck::PayloadHmac))
        } else {
            matches!(e, Error::Corrupt(Corruption::PayloadHmac))
        }
    };
    let result = decrypt(damaged, password, aescrypt_options());
    if truncated {
        let e = result.expect_err(&ctx);
        assert_classified(&e, &ctx);
        match at {
            0 => assert!(matches!(e, Error::NotEncrypted), "{ctx}: {e:?}"),
            // Cut inside the payload on a block boundary: the last 32 bytes are taken
            // for the HMAC, which then fails.
            k if k >= l.header + l.trailer() && (k - l.header - l.trailer()) % 16 == 0 => {
                assert!(payload_error(&e), "{ctx}: {e:?}")
            }
            _ => assert!(matches!(e, Error::Truncated), "{ctx}: {e:?}"),
        }
        return;
    }
    let in_ext_body = l.ext_bodies.iter().any(|r| r.contains(&at));
    let modulo = matches!(v, 1 | 2) && at == l.len - 33;
    match result {
        Ok((out, integrity)) => {
            assert_eq!(integrity, Integrity::Authenticated);
            if at == 4 && v == 0 {
                // v0 keeps the length mod 16 in byte 4, which no HMAC covers.
                assert_eq!(out[..out.len().min(plain.len())], plain[..out.len().min(plain.len())], "{ctx}");
            } else if at == 4 || in_ext_body {
                // The reserved byte and the extensions are ignored and unauthenticated.
                assert_eq!(out, plain, "{ctx}");
            } else if modulo {
                // FORMATS.md §3.3: the v1/v2 modulo byte is not authenticated; it can
                // cut up to 15 bytes or turn padding into data.
                let n = out.len().min(plain.len());
                assert_eq!(out[..n], plain[..n], "{ctx}");
                assert!(out.len().abs_diff(plain.len()) < 16, "{ctx}");
            } else {
                panic!("{ctx}: damage accepted where the format authenticates");
            }
        }
        Err(e) => {
            assert_classified(&e, &ctx);
            assert!(!(in_ext_body || modulo || at == 4), "{ctx}: unauthenticated byte refused: {e:?}");
            if at < 3 {
                assert!(matches!(e, Error::NotEncrypted), "{ctx}: {e:?}");
            } else if at >= l.len - 32 || at >= l.header && at < l.len - l.trailer() {
                assert!(payload_error(&e), "{ctx}: {e:?}");
            } else if at >= l.ext_end && at < l.header {
                let iterations = v == 3 && at < l.ext_end + 4;
                match e {
                    Error::WrongPassword(PasswordCheck::HeaderHmac) if v != 0 => {}
                    Error::WrongPassword(PasswordCheck::PayloadHmac) if v == 0 => {}
                    Error::ExcessiveWork { required, limit } if iterations => {
                        assert!(required > limit && limit == V3_TEST_LIMIT, "{ctx}")
                    }
                    Error::Corrupt(Corruption::Header(_)) if iterations => {}
                    e => panic!("{ctx}: {e:?}"),
                }
            }
            // The version byte and extension lengths re-frame the header: any
            // classified error will do (checked above).
        }
    }
}

fn aescrypt_files() -> Vec<(&'static str, Vec<u8>, &'static [u8])> {
    let iv = *b"damage-tests-iv!";
    vec![
        ("password", legacy::v0("password", iv, PLAIN), PLAIN),
        ("password", legacy::v1("password", iv, PLAIN), PLAIN),
        ("password", pyaescrypt_v2("password", PLAIN), PLAIN),
        ("apples", backupcrypt::testing::aescrypt_v3_hello(), b"Hello, World!"),
    ]
}

#[test]
fn aescrypt_every_truncation_and_bit_flip_is_classified() {
    let files = aescrypt_files();
    std::thread::scope(|s| {
        for (password, file, plain) in &files {
            s.spawn(move || {
                // The undamaged file opens (so the damage below is what fails).
                assert_eq!(decrypt(file, password, aescrypt_options()).unwrap().0, *plain);
                for (what, at, damaged) in truncations(file) {
                    check_aescrypt(file, password, plain, &what, at, true, &damaged);
                }
                for (what, at, damaged) in bit_flips(file) {
                    check_aescrypt(file, password, plain, &what, at, false, &damaged);
                }
            });
        }
    });
}

// ---------------------------------------------------------------------------
// Nothing left behind

/// Every entry of `dir`, hidden ones included.
fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

#[test]
fn failed_decrypt_file_leaves_no_output_and_no_temp_file() {
    let work = tempfile::tempdir().unwrap();
    let dest_dir = work.path().join("dest");
    std::fs::create_dir(&dest_dir).unwrap();
    let src = work.path().join("damaged");
    let mut failures = 0;
    let cbc = openssl_cases().remove(0);
    let openssl_file = openssl_cli(cbc.flags);
    let openssl_opts = DecryptOptions { openssl: Some(cbc.params), ..Default::default() };
    let mut cases: Vec<(&str, Vec<u8>, DecryptOptions)> = vec![("password", openssl_file, openssl_opts)];
    for (password, file, _) in aescrypt_files() {
        cases.push((password, file, aescrypt_options()));
    }
    for (password, file, options) in &cases {
        let damaged = truncations(file).chain(bit_flips(file).step_by(13));
        for (what, _, bytes) in damaged {
            std::fs::write(&src, &bytes).unwrap();
            let dest = dest_dir.join("plain.out");
            let in_memory = decrypt(&bytes, password, *options);
            let r = decrypt_file(&src, &dest, Overwrite::Never, Password::from(*password), *options);
            match (&in_memory, &r) {
                (Err(a), Err(b)) => {
                    assert_eq!(format!("{a:?}"), format!("{b:?}"), "{what}: the file helper disagrees");
                    assert!(entries(&dest_dir).is_empty(), "{what}: left {:?}", entries(&dest_dir));
                    failures += 1;
                }
                (Ok(_), Ok(_)) => std::fs::remove_file(&dest).unwrap(),
                _ => panic!("{what}: in memory {in_memory:?}, file helper {r:?}"),
            }
        }
    }
    assert!(failures > 500, "only {failures} failures exercised");

    // With `Overwrite::Replace`, a failure leaves the previous file as it was.
    let dest = dest_dir.join("plain.out");
    std::fs::write(&dest, b"yesterday's good copy").unwrap();
    let (password, file, options) = &cases[3]; // pyAesCrypt v2
    for (what, _, bytes) in truncations(file).step_by(5) {
        std::fs::write(&src, &bytes).unwrap();
        let r = decrypt_file(&src, &dest, Overwrite::Replace, Password::from(*password), *options);
        assert!(r.is_err(), "{what}");
        assert_eq!(std::fs::read(&dest).unwrap(), b"yesterday's good copy", "{what}");
        assert_eq!(entries(&dest_dir), vec!["plain.out".to_string()], "{what}");
    }
}

// ---------------------------------------------------------------------------
// Regressions found by fuzzing

/// fuzz/corpus/openssl_decrypt/regression-crash-a25f…: with armour, the error
/// depended on the chunking (bad armour later in a chunk hid a bad header earlier).
#[test]
fn armour_error_is_the_first_in_the_stream_whatever_the_chunking() {
    let params = Params { armour: Armour::Base64 { single_line: false }, ..Params::default() };
    let options = DecryptOptions { openssl: Some(params), ..Default::default() };
    // "AAAA" decodes to three zero bytes: not `Salted__`. Then an invalid character.
    let file = b"AAAA!AAA";
    for chunk in 1..=file.len() {
        let mut d = Decryptor::new(Password::from("password"), options);
        let mut out = Vec::new();
        let r = file.chunks(chunk).try_for_each(|c| d.update(c, &mut out));
        assert!(matches!(r, Err(Error::NotEncrypted)), "chunk {chunk}: {r:?}");
    }
}

/// fuzz/corpus/roundtrip/regression-crash-4184…: an empty plaintext encrypted with
/// `-aes-256-ctr -nosalt` is an empty file; with those options it must decrypt.
#[test]
fn empty_headerless_ctr_file_decrypts_with_explicit_options() {
    let ctr =
        Params { cipher: Cipher::Aes256Ctr, salt: Salt::None, armour: Armour::Binary, ..Params::default() };
    let options = DecryptOptions { openssl: Some(ctr), ..Default::default() };
    assert_eq!(decrypt(b"", "password", options).unwrap(), (Vec::new(), Integrity::Unchecked));
    let cbc = Params { cipher: Cipher::Aes256Cbc, ..ctr };
    let options = DecryptOptions { openssl: Some(cbc), ..Default::default() };
    assert!(matches!(decrypt(b"", "password", options), Err(Error::Truncated)));
    assert!(matches!(decrypt(b"", "password", DecryptOptions::default()), Err(Error::NotEncrypted)));
}
