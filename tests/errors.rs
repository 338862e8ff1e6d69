//! Every error variant, produced on purpose and asserted by variant: wrong passwords,
//! flipped bits, truncation, bad magic, unknown versions, hostile headers, bad base64,
//! bad padding under a valid HMAC, and the I/O layer keeping the variants intact.
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

mod common;

use core::time::Duration;
use std::io::{self, Read};
use std::time::Instant;

use backupcrypt::aescrypt::{self, MAX_KEPT_EXTENSIONS, MAX_KEPT_VALUE};
use backupcrypt::io::{Overwrite, decrypt_file, decrypt_stream};
use backupcrypt::openssl::{self, Armour, Cipher, KeyDerivation, Params, Salt};
use backupcrypt::{
    Corruption, DecryptOptions, Decryptor, Error, Integrity, Limits, Md, Password, PasswordCheck,
};
use common::{RefSpec, Rng, data, decrypt_fixed, decrypt_random, ext, openssl_options, reference_files};

fn pw(s: &str) -> Password {
    Password::from(s)
}

fn v2(plaintext: &[u8], password: &str, rng: &mut Rng) -> Vec<u8> {
    common::aescrypt_encrypt(&pw(password), aescrypt::Version::V2, &rng.randomness(), plaintext, rng)
}

fn v3(plaintext: &[u8], password: &str, iterations: u32, rng: &mut Rng) -> Vec<u8> {
    let v = aescrypt::Version::V3 { iterations };
    common::aescrypt_encrypt(&pw(password), v, &rng.randomness(), plaintext, rng)
}

/// Files of every AES Crypt version with the given plaintext: v0/v1 from the
/// reference writer, v2/v3 from ours.
fn aescrypt_files(plaintext: &[u8], rng: &mut Rng) -> Vec<(u8, Vec<u8>)> {
    let specs = [
        RefSpec::new(0, "apples", plaintext.to_vec(), rng),
        RefSpec::new(1, "apples", plaintext.to_vec(), rng),
    ];
    let mut files: Vec<(u8, Vec<u8>)> =
        reference_files(&specs).into_iter().zip([0, 1]).map(|(f, v)| (v, f)).collect();
    files.push((2, v2(plaintext, "apples", rng)));
    files.push((3, v3(plaintext, "apples", 1000, rng)));
    files
}

/// Bytes before the ciphertext of an AES Crypt file we parse ourselves.
fn header_len(file: &[u8]) -> usize {
    let mut p = aescrypt::HeaderParser::default();
    p.push(file).unwrap();
    p.header().expect("complete header").len as usize
}

fn err_of(r: Result<(Vec<u8>, Integrity), Error>) -> Error {
    match r {
        Ok((pt, i)) => panic!("expected an error, got {} bytes ({i:?})", pt.len()),
        Err(e) => e,
    }
}

#[test]
fn wrong_password_in_every_aescrypt_version() {
    let mut rng = Rng::new(60);
    for (version, file) in aescrypt_files(&data(100, 60), &mut rng) {
        let hlen = header_len(&file);
        let mut d = Decryptor::new(pw("pears"), DecryptOptions::default());
        let mut out = Vec::new();
        if version == 0 {
            // v0 has no header HMAC: only the payload HMAC, at the end, can tell.
            d.update(&file, &mut out).unwrap();
            let e = d.finish(&mut out).unwrap_err();
            assert!(matches!(e, Error::WrongPassword(PasswordCheck::PayloadHmac)), "v0: {e:?}");
        } else {
            // Known from the header alone, before any payload byte is fed.
            let e = d.update(&file[..hlen], &mut out).unwrap_err();
            assert!(matches!(e, Error::WrongPassword(PasswordCheck::HeaderHmac)), "v{version}: {e:?}");
            assert!(out.is_empty());
        }
        // And the right password works on the very same bytes.
        let (got, _) = decrypt_random(&file, &pw("apples"), DecryptOptions::default(), &mut rng).unwrap();
        assert_eq!(got, data(100, 60));
    }
}

#[test]
fn wrong_password_in_openssl_cbc_is_a_padding_failure() {
    let mut rng = Rng::new(61);
    let pt = data(1000, 61);
    for cipher in [Cipher::Aes128Cbc, Cipher::Aes192Cbc, Cipher::Aes256Cbc] {
        for kdf in [
            KeyDerivation::Pbkdf2 { md: Md::Sha256, iterations: 10_000 },
            KeyDerivation::Legacy { md: Md::Md5 },
        ] {
            for salt in [Salt::Header, Salt::None] {
                let params = Params { cipher, kdf, salt, armour: Armour::Binary };
                let file = common::openssl_encrypt(&pw("right"), params, [7; 8], &pt, &mut rng);
                // ~1 in 256 wrong passwords passes the padding check: these fixed ones
                // do not (deterministic: fixed salt and data).
                let e = err_of(decrypt_random(&file, &pw("wrong"), openssl_options(params), &mut rng));
                assert!(matches!(e, Error::WrongPassword(PasswordCheck::Padding)), "{params}: {e:?}");
                // Wrong options look the same as a wrong password.
                let other =
                    Params { kdf: KeyDerivation::Pbkdf2 { md: Md::Sha512, iterations: 10_000 }, ..params };
                let e = err_of(decrypt_random(&file, &pw("right"), openssl_options(other), &mut rng));
                assert!(matches!(e, Error::WrongPassword(PasswordCheck::Padding)), "{params}: {e:?}");
            }
        }
    }
}

#[test]
fn wrong_password_in_openssl_ctr_goes_unnoticed() {
    // Documented: CTR has no check at all. The result is garbage, reported as unchecked.
    let mut rng = Rng::new(62);
    let pt = data(1000, 62);
    let params = Params { cipher: Cipher::Aes256Ctr, ..Params::default() };
    let file = common::openssl_encrypt(&pw("right"), params, [7; 8], &pt, &mut rng);
    let (got, integrity) = decrypt_random(&file, &pw("wrong"), openssl_options(params), &mut rng).unwrap();
    assert_eq!(got.len(), pt.len());
    assert_ne!(got, pt);
    assert_eq!(integrity, Integrity::Unchecked);
}

#[test]
fn flipped_bits_in_every_part_of_an_aescrypt_file() {
    let mut rng = Rng::new(63);
    for (version, file) in aescrypt_files(&data(100, 63), &mut rng) {
        let hlen = header_len(&file);
        let trailer = if matches!(version, 1 | 2) { 33 } else { 32 };
        let c_start = hlen;
        let c_end = file.len() - trailer;
        let t2 = file.len() - 32;
        let mut positions: Vec<(usize, &str)> = vec![
            (c_start, "first ciphertext byte"),
            (c_end - 1, "last ciphertext byte"),
            (t2, "T2"),
            (file.len() - 1, "T2 end"),
        ];
        if version >= 1 {
            positions.push((hlen - 1, "T1"));
            positions.push((hlen - 32 - 1, "E"));
            positions.push((hlen - 32 - 48 - 16, "IV"));
        } else {
            positions.push((5, "IV"));
        }
        for (pos, what) in positions {
            for bit in [0, 7] {
                let mut bad = file.clone();
                bad[pos] ^= 1 << bit;
                let e = err_of(decrypt_random(&bad, &pw("apples"), DecryptOptions::default(), &mut rng));
                let in_header = version >= 1 && pos < hlen;
                let ok = match (version, in_header) {
                    (0, _) => matches!(e, Error::WrongPassword(PasswordCheck::PayloadHmac)),
                    (_, true) => matches!(e, Error::WrongPassword(PasswordCheck::HeaderHmac)),
                    (_, false) => matches!(e, Error::Corrupt(Corruption::PayloadHmac)),
                };
                assert!(ok, "v{version}, bit {bit} of {what} (offset {pos}): {e:?}");
            }
        }
    }
}

#[test]
fn v3_iteration_count_is_covered_by_the_header_hmac_only_through_the_key() {
    // Changing N changes the derived key, so T1 fails: reported as a wrong password.
    let mut rng = Rng::new(64);
    let mut file = v3(b"abc", "apples", 1000, &mut rng);
    let n_at = header_len(&file) - 32 - 48 - 16 - 4;
    assert_eq!(file[n_at..n_at + 4], 1000u32.to_be_bytes());
    file[n_at + 3] ^= 1;
    let e = err_of(decrypt_fixed(&file, &pw("apples"), DecryptOptions::default(), 1000));
    assert!(matches!(e, Error::WrongPassword(PasswordCheck::HeaderHmac)), "{e:?}");
}

#[test]
fn v2_modulo_byte_is_not_authenticated_known_weakness() {
    // FORMATS.md §3.3: M is outside every HMAC. Changing it silently changes the
    // length; this test pins the documented behaviour (and would notice a fix).
    let mut rng = Rng::new(65);
    let pt = data(40, 65);
    let mut file = v2(&pt, "apples", &mut rng);
    let m_at = file.len() - 33;
    assert_eq!(file[m_at], 8);
    file[m_at] = 3;
    let (got, integrity) = decrypt_fixed(&file, &pw("apples"), DecryptOptions::default(), 7).unwrap();
    assert_eq!(got, pt[..35]);
    assert_eq!(integrity, Integrity::Authenticated);
}

#[test]
fn flipped_bits_in_openssl_files() {
    let mut rng = Rng::new(66);
    let pt = data(100, 66);
    let params = Params::default();
    let file = common::openssl_encrypt(&pw("pw"), params, [9; 8], &pt, &mut rng);
    // In the last block: the padding breaks.
    let mut bad = file.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x80;
    let e = err_of(decrypt_random(&bad, &pw("pw"), openssl_options(params), &mut rng));
    assert!(matches!(e, Error::WrongPassword(PasswordCheck::Padding)), "{e:?}");
    // Earlier: no integrity, so the garbled plaintext comes out "successfully".
    let mut bad = file.clone();
    bad[20] ^= 1;
    let (got, integrity) = decrypt_random(&bad, &pw("pw"), openssl_options(params), &mut rng).unwrap();
    assert_eq!(integrity, Integrity::PaddingChecked);
    // Ciphertext byte 4 (file offset 20) is in block 0: plaintext block 0 is garbled
    // and the same bit flips in plaintext block 1; the rest is intact.
    assert_ne!(got[..16], pt[..16]);
    assert_eq!(got[16..20], pt[16..20]);
    assert_eq!(got[20] ^ pt[20], 1);
    assert_eq!(got[21..], pt[21..]);
    // In the magic: not an OpenSSL file at all.
    let mut bad = file.clone();
    bad[0] ^= 0x20;
    let e = err_of(decrypt_random(&bad, &pw("pw"), DecryptOptions::default(), &mut rng));
    assert!(matches!(e, Error::NotEncrypted), "{e:?}");
}

#[test]
fn truncation_at_every_offset_of_aescrypt_files() {
    let mut rng = Rng::new(67);
    for (version, file) in aescrypt_files(&data(50, 67), &mut rng) {
        let hlen = header_len(&file);
        let trailer = if matches!(version, 1 | 2) { 33 } else { 32 };
        for cut in 0..file.len() {
            let e = err_of(decrypt_random(&file[..cut], &pw("apples"), DecryptOptions::default(), &mut rng));
            let after = cut.saturating_sub(hlen);
            let expected_ok = match () {
                _ if cut == 0 => matches!(e, Error::NotEncrypted),
                // Inside the header, or no room for a whole trailer, or part of a block.
                _ if cut < hlen || after < trailer || (after - trailer) % 16 != 0 => {
                    matches!(e, Error::Truncated)
                }
                // Cut on a block boundary: the last 32 bytes are taken for T2 and fail.
                _ if version == 0 => matches!(e, Error::WrongPassword(PasswordCheck::PayloadHmac)),
                _ => matches!(e, Error::Corrupt(Corruption::PayloadHmac)),
            };
            assert!(expected_ok, "v{version} cut at {cut} of {} (header {hlen}): {e:?}", file.len());
        }
    }
}

#[test]
fn truncation_of_openssl_files() {
    let mut rng = Rng::new(68);
    let pt = data(100, 68);
    let params = Params { armour: Armour::Binary, ..Params::default() };
    let file = common::openssl_encrypt(&pw("pw"), params, [1; 8], &pt, &mut rng);
    for cut in 0..file.len() {
        // With armour auto-detected, a cut inside `Salted__` (e.g. "Salt") also reads
        // as base64, so the binary layout is given for the short cuts.
        let armour = if cut < 8 { Armour::Binary } else { Armour::Auto };
        let r =
            decrypt_random(&file[..cut], &pw("pw"), openssl_options(Params { armour, ..params }), &mut rng);
        let e = err_of(r);
        let ok = match cut {
            0 => matches!(e, Error::NotEncrypted),
            _ if cut <= 16 || (cut - 16) % 16 != 0 => matches!(e, Error::Truncated),
            // A whole number of blocks: looks like a wrong password (FORMATS.md §2.5).
            _ => matches!(e, Error::WrongPassword(PasswordCheck::Padding)),
        };
        assert!(ok, "cut at {cut}: {e:?}");
    }
    // Armoured: cut inside a base64 quad is truncation too.
    let armoured = Params { armour: Armour::Base64 { single_line: true }, ..params };
    let file = common::openssl_encrypt(&pw("pw"), armoured, [1; 8], &pt, &mut rng);
    for cut in [1, 5, 30, 41, file.len() - 1] {
        let e = err_of(decrypt_random(&file[..cut], &pw("pw"), openssl_options(armoured), &mut rng));
        assert!(matches!(e, Error::Truncated), "armour cut at {cut}: {e:?}");
    }
}

#[test]
fn not_encrypted_inputs() {
    let mut rng = Rng::new(69);
    let inputs: Vec<Vec<u8>> = vec![
        b"PK\x03\x04 a zip file, not encrypted".to_vec(),
        b"--\n-- PostgreSQL database dump\n".to_vec(),
        b"AEZ\x02\x00".to_vec(),
        b"Salted_!12345678abcdefghabcdefgh".to_vec(),
        data(4096, 69),
        b"x".to_vec(),
        // Whitespace may only precede base64 armour, never a binary header.
        [&b"\n "[..], &common::openssl_encrypt(&pw("pw"), Params::default(), [1; 8], b"x", &mut rng)]
            .concat(),
        [&b"\n"[..], &v2(b"x", "pw", &mut rng)].concat(),
        b" \n\t\r\n".to_vec(),
    ];
    for input in inputs {
        let e = err_of(decrypt_random(&input, &pw("pw"), DecryptOptions::default(), &mut rng));
        assert!(matches!(e, Error::NotEncrypted), "{:?}: {e:?}", &input[..input.len().min(8)]);
    }
    // An empty input is not an encrypted file either.
    let e = err_of(decrypt_fixed(b"", &pw("pw"), DecryptOptions::default(), 1));
    assert!(matches!(e, Error::NotEncrypted), "{e:?}");
    // OpenSSL options that expect `Salted__` on a file without it.
    let e = err_of(decrypt_fixed(&data(64, 1), &pw("pw"), openssl_options(Params::default()), 5));
    assert!(matches!(e, Error::NotEncrypted), "{e:?}");
}

#[test]
fn unknown_aescrypt_versions() {
    let mut rng = Rng::new(70);
    let file = v2(b"hello", "apples", &mut rng);
    for version in [4u8, 5, 0x7f, 0xff] {
        let mut bad = file.clone();
        bad[3] = version;
        let e = err_of(decrypt_random(&bad, &pw("apples"), DecryptOptions::default(), &mut rng));
        assert!(matches!(e, Error::UnsupportedVersion(v) if v == version), "{e:?}");
    }
}

/// Our v3 file with the header's iteration count replaced (T1 then no longer
/// matches, but the count is checked before any key is derived).
fn with_iterations(file: &[u8], n: u32) -> Vec<u8> {
    let mut f = file.to_vec();
    let at = header_len(file) - 32 - 48 - 16 - 4;
    f[at..at + 4].copy_from_slice(&n.to_be_bytes());
    f
}

#[test]
fn absurd_v3_iteration_count_is_refused_without_deriving() {
    let mut rng = Rng::new(71);
    let file = v3(b"hello", "apples", 1000, &mut rng);
    for n in [u32::MAX, 5_000_001, 100_000_000] {
        let bad = with_iterations(&file, n);
        let t = Instant::now();
        let e = err_of(decrypt_fixed(&bad, &pw("apples"), DecryptOptions::default(), 4096));
        let took = t.elapsed();
        assert!(
            matches!(e, Error::ExcessiveWork { required, limit: 5_000_000 } if required == n),
            "{n}: {e:?}"
        );
        // Deriving 2^32 PBKDF2-SHA512 iterations would take an hour.
        assert!(took < Duration::from_millis(200), "{n}: took {took:?}");
    }
    let e = err_of(decrypt_fixed(&with_iterations(&file, 0), &pw("apples"), DecryptOptions::default(), 4096));
    assert!(matches!(e, Error::Corrupt(Corruption::Header(_))), "{e:?}");
}

#[test]
fn raising_the_limit_opens_a_file_above_it() {
    let mut rng = Rng::new(72);
    let pt = data(300, 72);
    let file = v3(&pt, "apples", 2000, &mut rng);
    let limits = |max_iterations| DecryptOptions { limits: Limits { max_iterations }, ..Default::default() };
    let e = err_of(decrypt_random(&file, &pw("apples"), limits(1999), &mut rng));
    assert!(matches!(e, Error::ExcessiveWork { required: 2000, limit: 1999 }), "{e:?}");
    let (got, _) = decrypt_random(&file, &pw("apples"), limits(2000), &mut rng).unwrap();
    assert_eq!(got, pt);
}

#[test]
fn a_file_above_the_format_limit_opens_once_the_limit_is_raised() {
    // 5,000,001 iterations: one above what the format (and the official tool) allows,
    // made by the independent writer (see tests/fixtures/README.md).
    let fixtures = common::root().join("tests/fixtures");
    let file = std::fs::read(fixtures.join("v3_5000001_iterations.aes")).unwrap();
    let pt = std::fs::read(fixtures.join("v3_5000001_iterations.txt")).unwrap();
    let e = err_of(decrypt_fixed(&file, &pw("apples"), DecryptOptions::default(), 100));
    assert!(matches!(e, Error::ExcessiveWork { required: 5_000_001, limit: 5_000_000 }), "{e:?}");
    let options = DecryptOptions { limits: Limits { max_iterations: 6_000_000 }, ..Default::default() };
    let (got, integrity) = decrypt_fixed(&file, &pw("apples"), options, 100).unwrap();
    assert_eq!(got, pt);
    assert_eq!(integrity, Integrity::Authenticated);
}

/// Our v2 file with its extension list replaced (extensions are not authenticated).
fn with_extensions(file: &[u8], exts: &[Vec<u8>]) -> Vec<u8> {
    // "AES" 2 0 | CREATED_BY | container | 0000 | IV ...
    let cby = 2 + u16::from_be_bytes([file[5], file[6]]) as usize;
    let end = 5 + cby + 2 + 128 + 2;
    assert_eq!(file[end - 2..end], [0, 0]);
    let mut out = file[..5].to_vec();
    for e in exts {
        out.extend_from_slice(&(e.len() as u16).to_be_bytes());
        out.extend_from_slice(e);
    }
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&file[end..]);
    out
}

#[test]
fn giant_and_numerous_extensions_cost_bounded_memory() {
    let mut rng = Rng::new(74);
    let pt = data(1000, 74);
    let file = v2(&pt, "apples", &mut rng);
    // The largest single extension: a 65535-byte length.
    let giant = ext("GIANT", &vec![0xee; 65535 - 6]);
    assert_eq!(giant.len(), 65535);
    // Many: 200,000 small extensions (1 MB of header).
    let many: Vec<Vec<u8>> = (0..200_000).map(|i| ext("N", &[i as u8])).collect();
    for (exts, count) in [(vec![giant.clone()], 1), (many, 200_000), (vec![giant.clone(); 40], 40)] {
        let f = with_extensions(&file, &exts);
        let mut d = Decryptor::new(pw("apples"), DecryptOptions::default());
        let mut out = Vec::new();
        for c in rng.chunks(&f) {
            d.update(c, &mut out).unwrap();
        }
        let h = d.aescrypt_header().unwrap().clone();
        assert_eq!(d.finish(&mut out).unwrap(), Integrity::Authenticated);
        assert_eq!(out, pt);
        // Only a bounded prefix is kept: the rest is counted and skipped.
        assert_eq!(h.extension_count, count);
        assert_eq!(h.extensions.len(), count.min(MAX_KEPT_EXTENSIONS));
        assert!(h.extensions.iter().all(|e| e.value.len() <= MAX_KEPT_VALUE));
        if count != 200_000 {
            assert_eq!(h.extensions[0].value_len, 65535 - 6);
        }
    }
    // A giant extension length with the file ending inside it: truncated.
    let mut cut = file[..5].to_vec();
    cut.extend_from_slice(&[0xff, 0xff]);
    cut.extend_from_slice(&[0u8; 1000]);
    let e = err_of(decrypt_random(&cut, &pw("apples"), DecryptOptions::default(), &mut rng));
    assert!(matches!(e, Error::Truncated), "{e:?}");
}

#[test]
fn base64_garbage_is_corrupt_armour() {
    let mut rng = Rng::new(75);
    let params = Params { armour: Armour::Base64 { single_line: false }, ..Params::default() };
    let file = common::openssl_encrypt(&pw("pw"), params, [3; 8], &data(500, 75), &mut rng);
    assert!(file.starts_with(b"U2FsdGVkX1"));
    for (pos, byte) in [(100, b'*'), (30, b'-'), (200, b'_'), (64, 0u8), (10, b'='), (300, 0xc3)] {
        let mut bad = file.clone();
        bad[pos] = byte;
        // Auto-detection looks at the first 64 bytes: garbage there means "not armour".
        let armours: &[Armour] =
            if pos >= 64 || byte == b'=' { &[Armour::Auto, params.armour] } else { &[params.armour] };
        for &armour in armours {
            let opts = openssl_options(Params { armour, ..params });
            let e = err_of(decrypt_random(&bad, &pw("pw"), opts, &mut rng));
            assert!(
                matches!(e, Error::Corrupt(Corruption::Base64)),
                "{byte:#x} at {pos} ({armour:?}): {e:?}"
            );
        }
    }
    // Data after the final `=` padding.
    let short = common::openssl_encrypt(&pw("pw"), params, [3; 8], b"x", &mut rng);
    let mut bad = short.clone();
    let nl = bad.pop();
    assert_eq!(nl, Some(b'\n'));
    assert!(bad.ends_with(b"="), "{}", String::from_utf8_lossy(&bad));
    bad.extend_from_slice(b"QUJD\n");
    let e = err_of(decrypt_fixed(&bad, &pw("pw"), openssl_options(params), 3));
    assert!(matches!(e, Error::Corrupt(Corruption::Base64)), "{e:?}");
    // Binary data where armour is required: "Salted" decodes (as base64) to bytes
    // that are not the `Salted__` header, and the first error in the stream wins,
    // whatever the chunking: not an (armoured) OpenSSL file.
    let binary = common::openssl_encrypt(&pw("pw"), Params::default(), [3; 8], b"x", &mut rng);
    for chunk in [1, 3, 1000] {
        let e = err_of(decrypt_fixed(&binary, &pw("pw"), openssl_options(params), chunk));
        assert!(matches!(e, Error::NotEncrypted), "{chunk}: {e:?}");
    }
}

#[test]
fn invalid_v3_padding_under_a_valid_hmac_is_corrupt() {
    // Only a writer holding the key can make these: the reference writer.
    let mut rng = Rng::new(76);
    let mut specs = Vec::new();
    for (bad, len) in
        [("zero", 13), ("seventeen", 0), ("seventeen", 16), ("inner", 13), ("inner", 0), ("zero", 31)]
    {
        let mut s = RefSpec::new(3, "apples", data(len, 76), &mut rng);
        s.v3_bad_padding = Some(bad);
        specs.push(s);
    }
    let files = reference_files(&specs);
    for (spec, file) in specs.iter().zip(&files) {
        let e = err_of(decrypt_random(file, &pw("apples"), DecryptOptions::default(), &mut rng));
        assert!(
            matches!(e, Error::Corrupt(Corruption::Padding)),
            "{:?} at len {}: {e:?}",
            spec.v3_bad_padding,
            spec.plaintext.len()
        );
    }
    // A v3 file with no ciphertext at all (PKCS#7 always adds a block) is corrupt too:
    // T2 over nothing is valid for the session key, so it also needs the key.
    let mut s = RefSpec::new(3, "apples", Vec::new(), &mut rng);
    s.v3_bad_padding = None;
    let good = reference_files(&[s.clone()]).remove(0);
    let hlen = header_len(&good);
    let mut empty = good[..hlen].to_vec();
    let mac = hmac_sha256(&s.session_key, b"");
    empty.extend_from_slice(&mac);
    let e = err_of(decrypt_fixed(&empty, &pw("apples"), DecryptOptions::default(), 50));
    assert!(matches!(e, Error::Corrupt(Corruption::Padding)), "{e:?}");
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    use hmac::{Hmac, KeyInit, Mac};
    let mut m = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().into()
}

#[test]
fn invalid_input_from_the_caller() {
    let r = aescrypt::Randomness { iv: [1; 16], session_iv: [2; 16], session_key: [3; 32] };
    let cases: [(Password, aescrypt::Version); 5] = [
        (Password::from(&b"\xff\xfe"[..]), aescrypt::Version::V2),
        (Password::from("x".repeat(1025).as_str()), aescrypt::Version::V2),
        (pw(""), aescrypt::Version::V3 { iterations: 1000 }),
        (pw("pw"), aescrypt::Version::V3 { iterations: 0 }),
        (pw("pw"), aescrypt::Version::V3 { iterations: 5_000_001 }),
    ];
    for (password, version) in cases {
        let e = aescrypt::Encryptor::new(&password, version, &r).err().expect("refused");
        assert!(matches!(e, Error::InvalidInput(_)), "{version:?}: {e:?}");
    }
    // 1024 characters (not bytes) is pyAesCrypt's limit: 1024 × 'ä' is fine.
    assert!(
        aescrypt::Encryptor::new(&Password::from("ä".repeat(1024).as_str()), aescrypt::Version::V2, &r)
            .is_ok()
    );
    let zero = Params { kdf: KeyDerivation::Pbkdf2 { md: Md::Sha256, iterations: 0 }, ..Params::default() };
    assert!(matches!(openssl::Encryptor::new(&pw("pw"), zero, [0; 8]), Err(Error::InvalidInput(_))));
    let e = err_of(decrypt_fixed(
        &backupcrypt::testing::openssl_hello(),
        &pw("password"),
        openssl_options(zero),
        64,
    ));
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
    // AES Crypt needs text; a non-UTF-8 password cannot open (or make) such a file.
    let mut rng = Rng::new(77);
    let file = v2(b"abc", "apples", &mut rng);
    let e = err_of(decrypt_fixed(&file, &Password::from(&b"\xff"[..]), DecryptOptions::default(), 64));
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
}

#[test]
fn unsupported_feature() {
    let hello = backupcrypt::testing::openssl_hello();
    let params = Params { cipher: Cipher::Aes256Ctr, ..Params::default() };
    let e = openssl::probe(&pw("password"), &params, &hello, &hello, hello.len() as u64).unwrap_err();
    assert!(matches!(e, Error::Unsupported(_)), "{e:?}");
}

/// A reader that fails after handing out some bytes.
struct Failing<'a>(&'a [u8]);

impl Read for Failing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Err(io::Error::new(io::ErrorKind::ConnectionReset, "network gone"));
        }
        let n = buf.len().min(self.0.len()).min(10);
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn the_io_layer_keeps_error_variants_and_reports_io_errors() {
    let mut rng = Rng::new(78);
    let file = v2(&data(5000, 78), "apples", &mut rng);
    // An I/O failure is Io, with the original kind.
    let e = decrypt_stream(Failing(&file[..100]), io::sink(), pw("apples"), DecryptOptions::default())
        .unwrap_err();
    assert!(matches!(&e, Error::Io(io) if io.kind() == io::ErrorKind::ConnectionReset), "{e:?}");
    // Format errors come through the Read adapter as themselves, not as Io.
    let e = decrypt_stream(&file[..], io::sink(), pw("pears"), DecryptOptions::default()).unwrap_err();
    assert!(matches!(e, Error::WrongPassword(PasswordCheck::HeaderHmac)), "{e:?}");
    let e = decrypt_stream(&file[..file.len() - 3], io::sink(), pw("apples"), DecryptOptions::default())
        .unwrap_err();
    assert!(matches!(e, Error::Truncated), "{e:?}");
    let mut bad = file.clone();
    bad[300] ^= 4;
    let e = decrypt_stream(&bad[..], io::sink(), pw("apples"), DecryptOptions::default()).unwrap_err();
    assert!(matches!(e, Error::Corrupt(Corruption::PayloadHmac)), "{e:?}");
}

#[test]
fn decrypt_file_leaves_nothing_behind_on_failure() {
    let mut rng = Rng::new(79);
    let dir = common::tempdir();
    let pt = data(300_000, 79);
    let file = v2(&pt, "apples", &mut rng);
    let mut bad = file.clone();
    bad[file.len() - 40] ^= 1; // last ciphertext block: found only at the very end
    let cases: [(&[u8], &str); 3] = [(&file, "pears"), (&bad, "apples"), (&file[..file.len() - 1], "apples")];
    for (i, (input, password)) in cases.into_iter().enumerate() {
        let src = common::write(dir.path(), &format!("in{i}.aes"), input);
        let dst = dir.path().join(format!("out{i}"));
        assert!(decrypt_file(&src, &dst, Overwrite::Never, pw(password), DecryptOptions::default()).is_err());
        assert!(!dst.exists(), "case {i}: a partial plaintext was left at the destination");
        // An existing destination is left as it was.
        std::fs::write(&dst, b"precious").unwrap();
        assert!(
            decrypt_file(&src, &dst, Overwrite::Replace, pw(password), DecryptOptions::default()).is_err()
        );
        assert_eq!(std::fs::read(&dst).unwrap(), b"precious", "case {i}");
    }
    let src = common::write(dir.path(), "good.aes", &file);
    let dst = dir.path().join("good");
    assert_eq!(
        decrypt_file(&src, &dst, Overwrite::Never, pw("apples"), DecryptOptions::default()).unwrap(),
        Integrity::Authenticated
    );
    assert!(std::fs::read(&dst).unwrap() == pt);
}
