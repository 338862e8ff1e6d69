//! AES Crypt v0–v3 against an independent writer: `tests/tools/aescrypt_ref.py`,
//! written from FORMATS.md §3 with Python's `cryptography`, including the quirks
//! of old writers that no tool we can run still produces.

mod common;

use backupcrypt::aescrypt::{self, CREATED_BY, MAX_KEPT_EXTENSIONS, MAX_KEPT_VALUE};
use backupcrypt::inspect::{PlaintextSize, inspect};
use backupcrypt::testing::aescrypt_v3_hello;
use backupcrypt::{DecryptOptions, Decryptor, Integrity, Password};
use common::{NON_ASCII, RefSpec, Rng, SIZES, data, decrypt_fixed, decrypt_random, ext, reference_files};

/// Decrypts every reference file in random chunks and checks the exact plaintext.
fn assert_all_decrypt(specs: &[RefSpec], files: &[Vec<u8>], rng: &mut Rng) {
    for (spec, file) in specs.iter().zip(files) {
        let pw = Password::from(spec.password.as_str());
        let what = format!(
            "v{} len {} padding {} modulo {:?} exts {}",
            spec.version,
            spec.plaintext.len(),
            spec.padding,
            spec.modulo,
            spec.extensions.len()
        );
        let (pt, integrity) = decrypt_random(file, &pw, DecryptOptions::default(), rng)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(pt == spec.plaintext, "{what}: wrong plaintext ({} bytes)", pt.len());
        assert_eq!(integrity, Integrity::Authenticated, "{what}");
        // Without the password: the version, and the size from the modulo byte (v0-v2)
        // or up to the padding (v3).
        let info = inspect(file, Some(file.len() as u64), &file[file.len().saturating_sub(64)..])
            .unwrap_or_else(|e| panic!("{what}: inspect: {e}"));
        assert_eq!(info.version, Some(spec.version), "{what}");
        let n = spec.plaintext.len() as u64;
        let size = match spec.version {
            3 => PlaintextSize::Between(n / 16 * 16, n / 16 * 16 + 15),
            _ => PlaintextSize::Exact(n),
        };
        assert_eq!(info.plaintext_size, size, "{what}");
    }
}

#[test]
fn the_reference_writer_reproduces_the_aescrypt_cli_vector() {
    // FORMATS.md §6.4 was made by the official AES Crypt 4.0.5 CLI; matching it byte
    // for byte shows the reference writer follows the format, not our reading of it.
    let v = backupcrypt::testing::hex;
    let mut rng = Rng::new(1);
    let mut spec = RefSpec::new(3, "apples", b"Hello, World!".to_vec(), &mut rng);
    spec.iv = v("1573be9313a2b1c82bef2af85a0fd53c").try_into().unwrap();
    spec.session_iv = v("01b580a7dd96f396135d50c71c4ee7e9").try_into().unwrap();
    spec.session_key =
        v("1d8db92264801e9dc5eab3f56d7397fff37757db9204485072773be23dabe323").try_into().unwrap();
    spec.extensions = vec![ext("CREATED_BY", b"aescrypt_cli 4.0.5.0")];
    let files = reference_files(&[spec]);
    assert_eq!(files[0], aescrypt_v3_hello());
}

#[test]
fn every_version_and_padding_style_decrypts_at_every_size() {
    let mut rng = Rng::new(2);
    let mut specs = Vec::new();
    for (i, &size) in SIZES.iter().enumerate() {
        let pt = data(size, 100 + i as u64);
        for version in 0..=3u8 {
            let paddings: &[&str] =
                if version == 3 { &["pkcs7"] } else { &["pyaescrypt", "random", "zeros"] };
            for &padding in paddings {
                let password = ["apples", "", NON_ASCII][rng.below(3)];
                let mut s = RefSpec::new(version, password, pt.clone(), &mut rng);
                s.padding = padding;
                s.iterations = 1 + rng.below(2000) as u32;
                if version >= 2 {
                    s.extensions = vec![ext("CREATED_BY", b"aescrypt 3.16"), vec![0; 128]];
                }
                specs.push(s);
            }
        }
    }
    let files = reference_files(&specs);
    assert_all_decrypt(&specs, &files, &mut rng);
}

#[test]
fn every_version_decrypts_with_empty_and_non_ascii_passwords() {
    let mut rng = Rng::new(3);
    let mut specs = Vec::new();
    for version in 0..=3u8 {
        for password in ["", NON_ASCII, "a", "pass word with spaces and \"quotes\" \\ "] {
            specs.push(RefSpec::new(version, password, data(33, version.into()), &mut rng));
        }
    }
    let files = reference_files(&specs);
    assert_all_decrypt(&specs, &files, &mut rng);
    // The password really matters: the same files fail with another one.
    for (spec, file) in specs.iter().zip(&files) {
        let wrong = Password::from(format!("{}x", spec.password).as_str());
        assert!(decrypt_fixed(file, &wrong, DecryptOptions::default(), 1000).is_err(), "v{}", spec.version);
    }
}

#[test]
fn empty_plaintext_with_a_stale_modulo_byte_decrypts_to_nothing() {
    // AES Crypt 3.x wrote a stale modulo (13 in the official v1 test data) when the
    // plaintext was empty: there is no block to apply it to, so it must be ignored.
    let mut rng = Rng::new(4);
    let mut specs = Vec::new();
    for version in 0..=2u8 {
        for modulo in [13, 1, 15, 0xfd] {
            let mut s = RefSpec::new(version, "apples", Vec::new(), &mut rng);
            s.modulo = Some(modulo);
            s.padding = "random";
            specs.push(s);
        }
    }
    let files = reference_files(&specs);
    for (spec, file) in specs.iter().zip(&files) {
        let expected_len = match spec.version {
            0 => 53,
            1 => 134,
            _ => 136,
        };
        assert_eq!(file.len(), expected_len, "v{} minimal file", spec.version);
    }
    assert_all_decrypt(&specs, &files, &mut rng);
}

#[test]
fn only_the_low_four_bits_of_the_modulo_byte_count() {
    let mut rng = Rng::new(5);
    let mut specs = Vec::new();
    for version in 0..=2u8 {
        for len in [1usize, 15, 17, 4097] {
            let mut s = RefSpec::new(version, "apples", data(len, 5), &mut rng);
            s.modulo = Some(0xa0 | (len % 16) as u8);
            s.padding = "random";
            specs.push(s);
        }
    }
    let files = reference_files(&specs);
    assert_all_decrypt(&specs, &files, &mut rng);
}

#[test]
fn unusual_extension_lists_are_skipped_by_length() {
    let mut rng = Rng::new(6);
    let lists: Vec<Vec<Vec<u8>>> = vec![
        // No extensions at all (not even a container).
        vec![],
        // 0-byte values and unknown identifiers.
        vec![ext("CREATED_BY", b""), ext("X-UNKNOWN", b""), ext("urn:example:thing", b"\x00\xff\x00")],
        // A resized container (AES Crypt allows growing or shrinking it).
        vec![ext("CREATED_BY", b"someone"), vec![0; 300]],
        vec![ext("CREATED_BY", b"someone"), vec![0; 1]],
        // An identifier without a NUL, and a value holding NULs and high bytes.
        vec![b"NONUL".to_vec(), ext("CREATED_DATE", b"2024-01-01\x00\x80\xfe")],
        // The extension exactly 65535 bytes long (the largest u16 length).
        vec![ext("BIG", &[0x5a; 65535 - 4])],
    ];
    let mut specs = Vec::new();
    for version in [2u8, 3] {
        for list in &lists {
            for len in [0usize, 16, 31] {
                let mut s = RefSpec::new(version, "apples", data(len, 6), &mut rng);
                s.extensions = list.clone();
                specs.push(s);
            }
        }
    }
    let files = reference_files(&specs);
    assert_all_decrypt(&specs, &files, &mut rng);
    // The header reports what was there, with long values cut short.
    for (spec, file) in specs.iter().zip(&files) {
        let mut d = Decryptor::new(Password::from("apples"), DecryptOptions::default());
        d.update(file, &mut Vec::new()).unwrap();
        let h = d.aescrypt_header().expect("header read");
        assert_eq!(h.extension_count, spec.extensions.len());
        assert_eq!(h.extensions.len(), spec.extensions.len().min(MAX_KEPT_EXTENSIONS));
        for (got, body) in h.extensions.iter().zip(&spec.extensions) {
            assert!(got.value.len() <= MAX_KEPT_VALUE);
            if let Some(nul) = body.iter().position(|&b| b == 0) {
                assert_eq!(got.name.as_bytes(), &body[..nul]);
                assert_eq!(got.value_len, body.len() - nul - 1);
            }
        }
    }
}

#[test]
fn our_encryptor_matches_the_reference_writer_byte_for_byte() {
    // Same randomness and same CREATED_BY: v2 with pyAesCrypt's container, v3 with none.
    let mut rng = Rng::new(7);
    let mut specs = Vec::new();
    let mut ours = Vec::new();
    for (i, &size) in SIZES.iter().enumerate() {
        for version in [2u8, 3] {
            let password = [NON_ASCII, "apples"][i % 2];
            let mut s = RefSpec::new(version, password, data(size, 7), &mut rng);
            s.iterations = 1 + i as u32 * 37;
            s.extensions = vec![ext("CREATED_BY", CREATED_BY.as_bytes())];
            let v = if version == 2 {
                s.extensions.push(vec![0; 128]);
                aescrypt::Version::V2
            } else {
                aescrypt::Version::V3 { iterations: s.iterations }
            };
            let r = aescrypt::Randomness { iv: s.iv, session_iv: s.session_iv, session_key: s.session_key };
            ours.push(common::aescrypt_encrypt(&Password::from(password), v, &r, &s.plaintext, &mut rng));
            specs.push(s);
        }
    }
    let files = reference_files(&specs);
    for ((spec, theirs), ours) in specs.iter().zip(&files).zip(&ours) {
        assert!(
            theirs == ours,
            "v{} len {}: our output differs from the reference writer's",
            spec.version,
            spec.plaintext.len()
        );
    }
}
