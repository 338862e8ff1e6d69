//! Format detection and `inspect` on arbitrary bytes, with and without a file
//! length and a tail: never a panic, and sizes that fit the file.
#![no_main]

use backupcrypt::inspect::{PlaintextSize, inspect};
use backupcrypt::{Error, Format};
use backupcrypt_fuzz::Input;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &[u8]| {
    let mut input = Input::new(raw, 2);
    let (mode, tail_len) = (input.byte(), usize::from(input.byte() % 80));
    let data = input.data;
    // The head may be only a prefix of the file (as the CLI reads 64 KiB).
    let head_len = if mode & 4 != 0 { data.len() / 2 } else { data.len() };
    let head = &data[..head_len];
    let tail = &data[data.len().saturating_sub(tail_len)..];
    let file_len = match mode % 4 {
        0 => None,
        1 | 2 => Some(data.len() as u64),
        _ => Some(u64::MAX - u64::from(mode)),
    };
    match inspect(head, file_len, tail) {
        Ok(info) => {
            assert_eq!(info.file_len, file_len);
            assert_eq!(info.authenticated, info.format == Format::AesCrypt);
            if let Some(len) = file_len {
                match info.plaintext_size {
                    PlaintextSize::Exact(n) => assert!(n <= len),
                    PlaintextSize::Between(a, b) => assert!(a <= b && b <= len),
                    PlaintextSize::Unknown => {}
                }
            }
            assert!(info.header_len <= head.len() as u64);
            let _ = format!("{:?} {}", info, info.kdf);
        }
        Err(Error::NotEncrypted) => {
            assert!(!head.starts_with(b"AES") && !head.starts_with(b"Salted__"));
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
