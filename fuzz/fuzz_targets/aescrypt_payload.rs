//! The AES Crypt payload path (ciphertext, modulo byte, HMAC, final block) for
//! every version, behind fixed valid headers: the fuzzer writes only what
//! follows the header, so it does not have to rediscover a header HMAC (and
//! the fuzzing build caches the one KDF result per header).
#![no_main]

use std::sync::OnceLock;

use backupcrypt::aescrypt::Decryptor;
use backupcrypt::{Integrity, Limits, Password};
use backupcrypt_fuzz::{Input, MAX_ITERATIONS, assert_same, chunks, drive, legacy};
use libfuzzer_sys::fuzz_target;

const IV: [u8; 16] = *b"fuzzing-iv-16byt";

/// The header of an empty-plaintext file of each version (v3 with 1 iteration).
fn headers() -> &'static [Vec<u8>; 4] {
    static H: OnceLock<[Vec<u8>; 4]> = OnceLock::new();
    H.get_or_init(|| {
        let files = [
            legacy::v0("password", IV, b""),
            legacy::v1("password", IV, b""),
            legacy::v2("password", IV, b""),
            legacy::v3("password", 1, IV, b""),
        ];
        files.map(|f| f[..legacy::header_len(&f)].to_vec())
    })
}

fuzz_target!(|raw: &[u8]| {
    let mut input = Input::new(raw, 6);
    let (version, modulo) = (input.byte() % 4, input.byte());
    let mut file = headers()[usize::from(version)].clone();
    if version == 0 {
        file[4] = modulo; // v0 keeps the plaintext length mod 16 in the header.
    }
    file.extend_from_slice(input.data);
    let limits = Limits { max_iterations: MAX_ITERATIONS };
    let new = || Decryptor::new(Password::from("password"), limits);
    let whole = drive(new(), &[&file]);
    let chunked = drive(new(), &chunks(&file, input.rest()));
    assert_same(&whole, &chunked);
    assert!(whole.out.len() <= input.data.len());
    if let Ok(integrity) = whole.result {
        assert_eq!(integrity, Integrity::Authenticated);
    }
});
