//! `openssl::Decryptor` with fuzzer-chosen parameters (cipher, KDF, salt,
//! armour) and chunk splits: no panic, chunking changes nothing, and the
//! plaintext is never longer than the ciphertext.
#![no_main]

use backupcrypt::Integrity;
use backupcrypt::openssl::{Decryptor, Salt};
use backupcrypt_fuzz::{Input, assert_same, chunks, drive, params, password};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &[u8]| {
    let mut input = Input::new(raw, 8);
    let (a, b, c, pw) = (input.byte(), input.byte(), input.byte(), input.byte());
    let p = params(a, b, c);
    let data = input.data;
    let whole = drive(Decryptor::new(password(pw), p), &[data]);
    let chunked = drive(Decryptor::new(password(pw), p), &chunks(data, input.rest()));
    assert_same(&whole, &chunked);
    assert!(whole.out.len() <= data.len());
    if let Ok(integrity) = whole.result {
        let header = if p.salt == Salt::Header { 16 } else { 0 };
        if p.cipher.is_cbc() {
            assert_eq!(integrity, Integrity::PaddingChecked);
            assert!(whole.out.len() + header < data.len() || data.is_empty());
        } else {
            assert_eq!(integrity, Integrity::Unchecked);
        }
    }
});
