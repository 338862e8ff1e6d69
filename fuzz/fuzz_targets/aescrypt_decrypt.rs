//! `aescrypt::Decryptor` over arbitrary bytes (header and payload), with
//! fuzzer-chosen chunk splits and a low iteration limit: no panic, chunking
//! changes nothing, success is always authenticated, and a v3 file asking for
//! more iterations than the limit fails with `ExcessiveWork`.
#![no_main]

use backupcrypt::aescrypt::{Decryptor, HeaderParser};
use backupcrypt::{Integrity, Limits};
use backupcrypt_fuzz::{Input, MAX_ITERATIONS, assert_same, chunks, drive, password};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &[u8]| {
    let mut input = Input::new(raw, 6);
    let pw = input.byte();
    let limits = Limits { max_iterations: MAX_ITERATIONS };
    let data = input.data;
    let whole = drive(Decryptor::new(password(pw), limits), &[data]);
    let chunked = drive(Decryptor::new(password(pw), limits), &chunks(data, input.rest()));
    assert_same(&whole, &chunked);
    assert!(whole.out.len() <= data.len());
    if let Ok(integrity) = &whole.result {
        assert_eq!(*integrity, Integrity::Authenticated);
    }
    let mut parser = HeaderParser::default();
    if parser.push(data).is_ok()
        && let Some(n) = parser.header().and_then(|h| h.iterations)
        && n > MAX_ITERATIONS
    {
        assert!(whole.result.as_ref().is_err_and(|e| e.starts_with("ExcessiveWork")));
    }
});
