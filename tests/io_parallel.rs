//! `io::decrypt_file_parallel`: OpenSSL binary files decrypted file to file by
//! several threads with `pread`/`pwrite`. Its output and its errors must equal the
//! one-thread streaming decryption of the same file, whatever the format, cipher,
//! salt mode and length (around the 128 KiB unit of work); AES Crypt's HMAC must
//! still be checked; base64 files and files that fail the checks before
//! decrypting are left to the stream without anything written.
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

mod common;

use std::fs::File;
use std::io::Write;

use backupcrypt::io::{EncryptTo, decrypt_file_parallel, decrypt_stream, encrypt_stream};
use backupcrypt::openssl::{Armour, Cipher, KeyDerivation, Params, Salt};
use backupcrypt::{Corruption, DecryptOptions, Error, Integrity, Md, Password, PasswordCheck, aescrypt};
use common::{Rng, data, openssl_encrypt, openssl_options};

const UNIT: usize = 128 << 10;

fn file_with(bytes: &[u8]) -> File {
    let mut f = tempfile::tempfile().unwrap();
    f.write_all(bytes).unwrap();
    f
}

fn contents(f: &File) -> Vec<u8> {
    use std::io::{Read, Seek};
    let mut f = f.try_clone().unwrap();
    f.rewind().unwrap();
    let mut out = Vec::new();
    f.read_to_end(&mut out).unwrap();
    out
}

/// (result, output bytes, progress calls) of the parallel path.
fn parallel(
    file: &[u8],
    pw: &str,
    options: &DecryptOptions,
) -> (Result<Option<Integrity>, Error>, Vec<u8>, Vec<u64>) {
    let input = file_with(file);
    let output = tempfile::tempfile().unwrap();
    let mut seen = Vec::new();
    let r = decrypt_file_parallel(&input, &output, &Password::from(pw), options, &mut |n| seen.push(n));
    (r, contents(&output), seen)
}

fn streamed(file: &[u8], pw: &str, options: DecryptOptions) -> Result<(Integrity, Vec<u8>), Error> {
    let mut out = Vec::new();
    decrypt_stream(file, &mut out, Password::from(pw), options).map(|i| (i, out))
}

#[test]
fn every_cipher_salt_mode_and_length_matches_the_stream() {
    let mut rng = Rng::new(6);
    let sizes = [0, 1, 15, 16, 17, UNIT - 16, UNIT - 1, UNIT, UNIT + 1, UNIT + 16, 3 * UNIT + 5, 5 * UNIT];
    let salts = [Salt::Header, Salt::None, Salt::Explicit(*b"\x01\x02\x03\x04\x05\x06\x07\x08")];
    for cipher in Cipher::ALL {
        for salt in salts {
            let params = Params {
                cipher,
                kdf: KeyDerivation::Pbkdf2 { md: Md::Sha256, iterations: 1000 },
                salt,
                armour: Armour::Binary,
            };
            for &n in &sizes {
                let plain = data(n, n as u64);
                let file = openssl_encrypt(&Password::from("pw"), params, rng.array(), &plain, &mut rng);
                let options = openssl_options(params);
                let (r, out, progress) = parallel(&file, "pw", &options);
                let integrity = r.unwrap().expect("an OpenSSL binary file takes the parallel path");
                assert_eq!(out, plain, "{cipher:?} {salt:?} {n}");
                let (expected, _) = streamed(&file, "pw", options).unwrap();
                assert_eq!(integrity, expected, "{cipher:?} {salt:?} {n}");
                // Progress only grows and ends at the ciphertext length.
                assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
                let header = if salt == Salt::Header { 16 } else { 0 };
                assert_eq!(progress.last().copied(), Some((file.len() - header) as u64));
            }
        }
    }
}

#[test]
fn default_options_decrypt_a_default_file() {
    let plain = data(2 * UNIT + 100, 1);
    let mut file = Vec::new();
    encrypt_stream(&plain[..], &mut file, &Password::from("pw"), EncryptTo::OpenSsl(Params::default()))
        .unwrap();
    let (r, out, _) = parallel(&file, "pw", &DecryptOptions::default());
    assert_eq!(r.unwrap(), Some(Integrity::PaddingChecked));
    assert_eq!(out, plain);
}

#[test]
fn base64_files_are_left_to_the_stream() {
    let plain = data(3 * UNIT, 2);
    let base64 = Params { armour: Armour::Base64 { single_line: false }, ..Params::default() };
    let mut armoured = Vec::new();
    encrypt_stream(&plain[..], &mut armoured, &Password::from("pw"), EncryptTo::OpenSsl(base64)).unwrap();
    for options in [DecryptOptions::default(), openssl_options(base64)] {
        let (r, out, progress) = parallel(&armoured, "pw", &options);
        assert!(matches!(r, Ok(None)), "{r:?}");
        assert!(out.is_empty() && progress.is_empty());
    }
}

#[test]
fn aescrypt_v2_and_v3_match_the_stream_and_the_hmac_is_checked() {
    let sizes = [0, 1, 15, 16, 17, UNIT - 1, UNIT, UNIT + 1, 3 * UNIT + 5, (1 << 20) + 7, 3 << 20];
    for version in [aescrypt::Version::V2, aescrypt::Version::V3 { iterations: 1000 }] {
        for &n in &sizes {
            let plain = data(n, n as u64 + 9);
            let mut file = Vec::new();
            encrypt_stream(&plain[..], &mut file, &Password::from("pw"), EncryptTo::AesCrypt(version))
                .unwrap();
            let (r, out, _) = parallel(&file, "pw", &DecryptOptions::default());
            assert_eq!(r.unwrap(), Some(Integrity::Authenticated), "{version:?} {n}");
            assert_eq!(out, plain, "{version:?} {n}");
            // A flipped bit in the ciphertext: decrypted, then refused by the HMAC,
            // as the stream refuses it.
            if n > 64 {
                let mut bad = file.clone();
                let at = bad.len() - 33 - n / 2;
                bad[at] ^= 0x20;
                let (r, _, _) = parallel(&bad, "pw", &DecryptOptions::default());
                assert!(matches!(r, Err(Error::Corrupt(Corruption::PayloadHmac))), "{version:?} {n}: {r:?}");
                let stream = streamed(&bad, "pw", DecryptOptions::default());
                assert!(matches!(stream, Err(Error::Corrupt(Corruption::PayloadHmac))), "{version:?} {n}");
            }
            // A wrong password fails the header HMAC: left to the stream, nothing written.
            let (r, out, _) = parallel(&file, "wrong", &DecryptOptions::default());
            assert!(matches!(r, Ok(None)) && out.is_empty(), "{version:?} {n}: {r:?}");
        }
    }
}

#[test]
fn a_wrong_password_or_a_damaged_length_is_left_to_the_stream_before_anything_is_written() {
    let plain = data(4 * UNIT, 3);
    // A fixed salt, so that the outcome is the same every run: about 1 wrong
    // password in 256 leaves valid padding, and these 20 do not.
    let mut rng = Rng::new(3);
    let file = openssl_encrypt(&Password::from("pw"), Params::default(), *b"fixedslt", &plain, &mut rng);
    for i in 0..20 {
        let wrong = format!("wrong {i}");
        let (r, out, progress) = parallel(&file, &wrong, &DecryptOptions::default());
        assert!(matches!(r, Ok(None)), "{r:?}");
        assert!(out.is_empty() && progress.is_empty());
        let stream = streamed(&file, &wrong, DecryptOptions::default());
        assert!(matches!(stream, Err(Error::WrongPassword(PasswordCheck::Padding))));
    }
    for cut in [1, 7, 15, 16, 17, file.len() - 16, file.len() - 17, file.len() - 1] {
        let (r, out, progress) = parallel(&file[..cut], "pw", &DecryptOptions::default());
        assert!(matches!(r, Ok(None)), "cut {cut}: {r:?}");
        assert!(out.is_empty() && progress.is_empty(), "cut {cut}");
    }
}

/// Every truncation and a bit flip in every byte of small AES Crypt files: where the
/// parallel path takes a file, its result is the stream's (same plaintext, or the
/// same kind of error).
#[test]
fn damaged_aescrypt_files_give_the_streams_result() {
    for version in [aescrypt::Version::V2, aescrypt::Version::V3 { iterations: 10 }] {
        let plain = data(100, 5);
        let mut file = Vec::new();
        encrypt_stream(&plain[..], &mut file, &Password::from("pw"), EncryptTo::AesCrypt(version)).unwrap();
        let mut cases: Vec<Vec<u8>> = (0..file.len()).map(|cut| file[..cut].to_vec()).collect();
        // One bit in every byte (the bit rotating), to keep the key derivations few.
        for at in 0..file.len() {
            let mut bad = file.clone();
            bad[at] ^= 1 << (at % 8);
            cases.push(bad);
        }
        for case in &cases {
            let (r, out, _) = parallel(case, "pw", &DecryptOptions::default());
            let stream = streamed(case, "pw", DecryptOptions::default());
            match (r, stream) {
                (Ok(None), _) => assert!(out.is_empty()),
                (Ok(Some(i)), Ok((j, expected))) => assert_eq!((i, out), (j, expected)),
                (Err(p), Err(s)) => {
                    assert_eq!(core::mem::discriminant(&p), core::mem::discriminant(&s), "{p:?} vs {s:?}")
                }
                (p, s) => {
                    panic!("{version:?} len {}: parallel {p:?}, stream {:?}", case.len(), s.map(|s| s.0))
                }
            }
        }
    }
}
