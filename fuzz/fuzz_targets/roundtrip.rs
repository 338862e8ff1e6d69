//! Encrypt fuzzer data with fuzzer-chosen format, options and chunking, decrypt
//! it with other chunking: the plaintext must come back exactly, with the
//! integrity the format promises.
#![no_main]

use backupcrypt::aescrypt::{self, Randomness, Version};
use backupcrypt::openssl::{self, Armour, Params, Salt};
use backupcrypt::{DecryptOptions, Decryptor, Integrity, Limits};
use backupcrypt_fuzz::{Input, MAX_ITERATIONS, chunks, drive, params, password};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &[u8]| {
    let mut input = Input::new(raw, 12);
    let (format, a, b, c, pw, split) =
        (input.byte(), input.byte(), input.byte(), input.byte(), input.byte(), input.byte());
    let password = password(pw);
    let data = input.data;
    let sizes = input.rest();
    let (enc_sizes, dec_sizes) = sizes.split_at(usize::from(split) % (sizes.len() + 1));
    let mut file = Vec::new();
    let (options, expected) = if format % 3 == 0 {
        let p = params(a, b, c);
        let mut e = openssl::Encryptor::new(&password, p, [b; 8]).expect("cheap params are valid");
        for piece in chunks(data, enc_sizes) {
            e.update(piece, &mut file);
        }
        e.finish(&mut file);
        let expected = if p.cipher.is_cbc() { Integrity::PaddingChecked } else { Integrity::Unchecked };
        // A headerless file is random bytes: a short CTR one may well look like
        // base64, so `Auto` cannot be used to read it back (FORMATS.md §2.1).
        let p = if p.salt != Salt::Header && p.armour == Armour::Auto {
            Params { armour: Armour::Binary, ..p }
        } else {
            p
        };
        (DecryptOptions { openssl: Some(p), limits: Limits::default() }, expected)
    } else {
        let version =
            if format % 3 == 1 { Version::V2 } else { Version::V3 { iterations: u32::from(a % 4) + 1 } };
        // Two fixed IVs keep the (fuzzing-cached) v2 KDF cheap.
        let random = Randomness { iv: [b & 1; 16], session_iv: [c; 16], session_key: [a; 32] };
        let Ok(mut e) = aescrypt::Encryptor::new(&password, version, &random) else {
            // Only passwords AES Crypt cannot use are refused.
            assert!(password.as_str().is_none() || (password.is_empty() && version != Version::V2));
            return;
        };
        for piece in chunks(data, enc_sizes) {
            e.update(piece, &mut file);
        }
        e.finish(&mut file);
        let options = DecryptOptions { openssl: None, limits: Limits { max_iterations: MAX_ITERATIONS } };
        (options, Integrity::Authenticated)
    };
    let got = drive(Decryptor::new(password, options), &chunks(&file, dec_sizes));
    assert_eq!(got.result, Ok(expected));
    assert_eq!(got.out, data);
});
