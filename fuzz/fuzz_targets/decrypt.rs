//! The format-detecting `Decryptor` over arbitrary bytes, with fuzzer-chosen
//! OpenSSL options and chunk splits: no panic, and chunking changes nothing.
#![no_main]

use backupcrypt::{DecryptOptions, Decryptor, Integrity, Limits};
use backupcrypt_fuzz::{Input, MAX_ITERATIONS, assert_same, chunks, drive, params, password};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &[u8]| {
    let mut input = Input::new(raw, 8);
    let (a, b, c, pw) = (input.byte(), input.byte(), input.byte(), input.byte());
    // Always explicit OpenSSL options: the default (10000 PBKDF2 rounds) is too slow here.
    let options =
        DecryptOptions { openssl: Some(params(a, b, c)), limits: Limits { max_iterations: MAX_ITERATIONS } };
    let data = input.data;
    let whole = drive(Decryptor::new(password(pw), options), &[data]);
    let chunked = drive(Decryptor::new(password(pw), options), &chunks(data, input.rest()));
    assert_same(&whole, &chunked);
    if let Ok(integrity) = whole.result
        && data.starts_with(b"AES")
        && options.openssl.is_some_and(|p| p.salt == backupcrypt::openssl::Salt::Header)
    {
        assert_eq!(integrity, Integrity::Authenticated);
    }
});
