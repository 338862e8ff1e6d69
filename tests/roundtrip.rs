//! Round trips of every variant the library writes, at the sizes around block and
//! buffer boundaries, with both sides fed in random chunks (1 byte … 2 MiB) from a
//! seeded generator, plus a proptest over arbitrary data and splits.

mod common;

use std::io::{self, Read, Write};

use backupcrypt::io::{DecryptingReader, EncryptTo, EncryptingWriter, decrypt_stream, encrypt_stream};
use backupcrypt::openssl::{Armour, Cipher, KeyDerivation, Params, Salt};
use backupcrypt::{DecryptOptions, Integrity, Md, Password, aescrypt};
use common::{NON_ASCII, Rng, SIZES, data, decrypt_fixed, decrypt_random, openssl_options};
use proptest::prelude::*;

fn kdfs(rng: &mut Rng) -> [KeyDerivation; 6] {
    let mut it = || 1 + rng.below(20) as u32;
    [
        KeyDerivation::Pbkdf2 { md: Md::Sha256, iterations: it() },
        KeyDerivation::Pbkdf2 { md: Md::Sha512, iterations: it() },
        KeyDerivation::Pbkdf2 { md: Md::Sha1, iterations: it() },
        KeyDerivation::Legacy { md: Md::Md5 },
        KeyDerivation::Legacy { md: Md::Sha256 },
        KeyDerivation::Legacy { md: Md::Sha1 },
    ]
}

/// Encrypts in two random chunkings (which must give the same bytes), then decrypts
/// in two random chunkings and, for small files, one byte at a time.
fn openssl_round_trip(params: Params, password: &Password, plaintext: &[u8], rng: &mut Rng) {
    let salt: [u8; 8] = rng.array();
    let file = common::openssl_encrypt(password, params, salt, plaintext, rng);
    let again = common::openssl_encrypt(password, params, salt, plaintext, rng);
    let name = format!("{} len {}", params.openssl_flags(), plaintext.len());
    assert!(file == again, "{name}: output depends on the chunking");
    let expected = if params.cipher.is_cbc() { Integrity::PaddingChecked } else { Integrity::Unchecked };
    let mut decrypt_with = params;
    for round in 0..3 {
        // Decrypt with the armour given, and also auto-detected. Auto-detection looks
        // for base64 alphabet in the first 64 bytes (or `U2FsdGVk`); headerless input
        // under 24 bytes is taken as binary (a 1-byte CTR file is "valid base64" 1
        // time in 4), so only short *armoured* headerless files need `-a` given.
        let armoured = matches!(params.armour, Armour::Base64 { .. });
        let ambiguous = params.salt != Salt::Header && armoured && file.len() < 24;
        decrypt_with.armour = if round == 1 && !ambiguous { Armour::Auto } else { params.armour };
        let result = if round == 2 {
            if plaintext.len() > 70_000 {
                continue;
            }
            decrypt_fixed(&file, password, openssl_options(decrypt_with), 1)
        } else {
            decrypt_random(&file, password, openssl_options(decrypt_with), rng)
        };
        let (got, integrity) = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(got == plaintext, "{name}: wrong plaintext ({} bytes)", got.len());
        assert_eq!(integrity, expected, "{name}");
    }
}

fn openssl_all_for(cipher: Cipher, seed: u64) {
    let mut rng = Rng::new(seed);
    let mut n = 0;
    for kdf in kdfs(&mut rng) {
        let salts = [Salt::Header, Salt::None, Salt::Explicit(rng.array())];
        for salt in salts {
            for armour in
                [Armour::Binary, Armour::Base64 { single_line: false }, Armour::Base64 { single_line: true }]
            {
                let params = Params { cipher, kdf, salt, armour };
                for (i, &size) in SIZES.iter().enumerate() {
                    let password = Password::from(["pw", "", NON_ASCII][(n + i) % 3]);
                    openssl_round_trip(params, &password, &data(size, seed + i as u64), &mut rng);
                }
                n += 1;
            }
        }
    }
    assert_eq!(n, 6 * 3 * 3);
}

#[test]
fn openssl_aes_128_cbc_every_kdf_salt_armour_and_size() {
    openssl_all_for(Cipher::Aes128Cbc, 30);
}

#[test]
fn openssl_aes_192_cbc_every_kdf_salt_armour_and_size() {
    openssl_all_for(Cipher::Aes192Cbc, 31);
}

#[test]
fn openssl_aes_256_cbc_every_kdf_salt_armour_and_size() {
    openssl_all_for(Cipher::Aes256Cbc, 32);
}

#[test]
fn openssl_aes_128_ctr_every_kdf_salt_armour_and_size() {
    openssl_all_for(Cipher::Aes128Ctr, 33);
}

#[test]
fn openssl_aes_192_ctr_every_kdf_salt_armour_and_size() {
    openssl_all_for(Cipher::Aes192Ctr, 34);
}

#[test]
fn openssl_aes_256_ctr_every_kdf_salt_armour_and_size() {
    openssl_all_for(Cipher::Aes256Ctr, 35);
}

fn aescrypt_round_trip(version: aescrypt::Version, password: &Password, plaintext: &[u8], rng: &mut Rng) {
    let r = rng.randomness();
    let file = common::aescrypt_encrypt(password, version, &r, plaintext, rng);
    let again = common::aescrypt_encrypt(password, version, &r, plaintext, rng);
    let name = format!("{version:?} len {}", plaintext.len());
    assert!(file == again, "{name}: output depends on the chunking");
    // The length is fixed by the format: v2 adds no block when aligned, v3 always pads.
    let header = match version {
        aescrypt::Version::V2 => 5 + 2 + 11 + aescrypt::CREATED_BY.len() + 2 + 128 + 2 + 16 + 48 + 32,
        aescrypt::Version::V3 { .. } => 5 + 2 + 11 + aescrypt::CREATED_BY.len() + 2 + 4 + 16 + 48 + 32,
    };
    let body = match version {
        aescrypt::Version::V2 => plaintext.len().div_ceil(16) * 16 + 1 + 32,
        aescrypt::Version::V3 { .. } => (plaintext.len() / 16 + 1) * 16 + 32,
    };
    assert_eq!(file.len(), header + body, "{name}");
    for round in 0..3 {
        let result = if round == 2 {
            if plaintext.len() > 70_000 {
                continue;
            }
            decrypt_fixed(&file, password, DecryptOptions::default(), 1)
        } else {
            decrypt_random(&file, password, DecryptOptions::default(), rng)
        };
        let (got, integrity) = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(got == plaintext, "{name}: wrong plaintext ({} bytes)", got.len());
        assert_eq!(integrity, Integrity::Authenticated, "{name}");
    }
}

#[test]
fn aescrypt_v2_every_size() {
    let mut rng = Rng::new(40);
    for (i, &size) in SIZES.iter().enumerate() {
        for password in ["pw", "", NON_ASCII] {
            aescrypt_round_trip(
                aescrypt::Version::V2,
                &Password::from(password),
                &data(size, i as u64),
                &mut rng,
            );
        }
    }
}

#[test]
fn aescrypt_v3_every_size() {
    let mut rng = Rng::new(41);
    for (i, &size) in SIZES.iter().enumerate() {
        for password in ["pw", NON_ASCII] {
            let version = aescrypt::Version::V3 { iterations: 1 + rng.below(3000) as u32 };
            aescrypt_round_trip(version, &Password::from(password), &data(size, i as u64), &mut rng);
        }
    }
}

/// A reader that hands out the data in random short reads.
struct Choppy<'a> {
    data: &'a [u8],
    rng: Rng,
}

impl Read for Choppy<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.rng.chunk_size().min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn std_adapters_round_trip_every_format() {
    let mut rng = Rng::new(42);
    let targets = [
        EncryptTo::AesCrypt(aescrypt::Version::V2),
        EncryptTo::AesCrypt(aescrypt::Version::V3 { iterations: 1000 }),
        EncryptTo::OpenSsl(Params::default()),
        EncryptTo::OpenSsl(Params {
            cipher: Cipher::Aes128Ctr,
            armour: Armour::Base64 { single_line: false },
            ..Params::default()
        }),
    ];
    let password = Password::from("pw");
    for to in targets {
        for &size in &[0, 17, 65536, 1_000_003] {
            let pt = data(size, 42);
            // EncryptingWriter fed with random write sizes.
            let mut w = EncryptingWriter::new(Vec::new(), &password, to).unwrap();
            for c in rng.chunks(&pt) {
                w.write_all(c).unwrap();
            }
            assert_eq!(w.bytes_in(), size as u64);
            let file = w.finish().unwrap();
            // encrypt_stream from a choppy reader gives a file of the same length.
            let mut file2 = Vec::new();
            let n =
                encrypt_stream(Choppy { data: &pt, rng: Rng::new(size as u64) }, &mut file2, &password, to)
                    .unwrap();
            assert_eq!(n, size as u64);
            assert_eq!(file.len(), file2.len(), "{to:?}");
            assert_ne!(file, file2, "{to:?}: fresh random salt/IV each time");
            let options = match to {
                EncryptTo::OpenSsl(p) => openssl_options(p),
                EncryptTo::AesCrypt(_) => DecryptOptions::default(),
            };
            for f in [&file, &file2] {
                let mut r =
                    DecryptingReader::new(Choppy { data: f, rng: Rng::new(7) }, password.clone(), options);
                let mut got = Vec::new();
                // Read in small pieces, not read_to_end's big ones.
                let mut buf = vec![0; 1 + rng.below(5000)];
                loop {
                    let n = r.read(&mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    got.extend_from_slice(&buf[..n]);
                }
                assert!(got == pt, "{to:?} len {size}");
                assert!(r.integrity().is_some());
                let mut out = Vec::new();
                decrypt_stream(Choppy { data: f, rng: Rng::new(8) }, &mut out, password.clone(), options)
                    .unwrap();
                assert!(out == pt);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Arbitrary plaintext, arbitrary split points for both sides, every format family.
    #[test]
    fn any_data_any_chunking(
        pt in proptest::collection::vec(any::<u8>(), 0..3000),
        seed in any::<u64>(),
        which in 0usize..4,
    ) {
        let mut rng = Rng::new(seed);
        let password = Password::from("prop");
        match which {
            0 => aescrypt_round_trip(aescrypt::Version::V2, &password, &pt, &mut rng),
            1 => aescrypt_round_trip(aescrypt::Version::V3 { iterations: 3 }, &password, &pt, &mut rng),
            2 => openssl_round_trip(
                Params { kdf: KeyDerivation::Pbkdf2 { md: Md::Sha256, iterations: 2 }, ..Params::default() },
                &password, &pt, &mut rng),
            _ => openssl_round_trip(
                Params { cipher: Cipher::Aes192Ctr, kdf: KeyDerivation::Legacy { md: Md::Sha1 },
                         salt: Salt::None, armour: Armour::Base64 { single_line: true } },
                &password, &pt, &mut rng),
        }
    }
}

/// Regression: `openssl enc -aes-*-ctr -nosalt` (or `-S`) of an empty file is an
/// empty file, which OpenSSL decrypts to nothing; it was refused as "not encrypted".
#[test]
fn empty_headerless_ctr_file_is_an_empty_plaintext() {
    for salt in [Salt::None, Salt::Explicit([5; 8])] {
        let ctr = Params { cipher: Cipher::Aes256Ctr, salt, ..Params::default() };
        let (pt, integrity) = decrypt_fixed(b"", &Password::from("pw"), openssl_options(ctr), 1).unwrap();
        assert!(pt.is_empty());
        assert_eq!(integrity, Integrity::Unchecked);
        let mut out = Vec::new();
        decrypt_stream(&b""[..], &mut out, Password::from("pw"), openssl_options(ctr)).unwrap();
        assert!(out.is_empty());
        // CBC always has a block, so empty is a truncated file there.
        let cbc = Params { cipher: Cipher::Aes256Cbc, ..ctr };
        let e = decrypt_fixed(b"", &Password::from("pw"), openssl_options(cbc), 1).unwrap_err();
        assert!(matches!(e, backupcrypt::Error::Truncated), "{e:?}");
    }
    // Without such options, empty input is not an encrypted file.
    let e = decrypt_fixed(b"", &Password::from("pw"), DecryptOptions::default(), 1).unwrap_err();
    assert!(matches!(e, backupcrypt::Error::NotEncrypted), "{e:?}");
}

#[test]
fn short_headerless_binary_files_are_not_mistaken_for_base64() {
    // Every 1..23-byte CTR file whose ciphertext happens to be all base64 characters
    // must still decrypt as binary when the armour is auto-detected.
    let mut rng = Rng::new(0x5107);
    let mut checked = 0;
    for len in 1..24usize {
        for _ in 0..200 {
            let plaintext = rng.bytes(len);
            let params = Params {
                cipher: Cipher::Aes128Ctr,
                kdf: KeyDerivation::Pbkdf2 { md: Md::Sha256, iterations: 1 },
                salt: Salt::None,
                armour: Armour::Binary,
            };
            let pw = Password::from("pw");
            let file = common::openssl_encrypt(&pw, params, [0; 8], &plaintext, &mut rng);
            if !file.iter().all(|b| b.is_ascii_alphanumeric() || b"+/= \n\r\t".contains(b)) {
                continue;
            }
            checked += 1;
            let auto = Params { armour: Armour::Auto, ..params };
            let (got, _) = decrypt_fixed(&file, &pw, openssl_options(auto), 3).unwrap();
            assert_eq!(got, plaintext);
        }
    }
    assert!(checked > 10, "too few all-base64 ciphertexts were generated ({checked})");
}
