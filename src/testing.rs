//! Fixtures for doc examples and tests (not part of the stable API).

use alloc::vec::Vec;

/// FORMATS.md §6.1: `Hello, World!\n` encrypted by `openssl enc -aes-256-cbc -pbkdf2`
/// with password `password` and salt `0102030405060708`.
pub fn openssl_hello() -> Vec<u8> {
    let mut v = crate::sniff::OPENSSL_SALTED.to_vec();
    v.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
    v.extend_from_slice(&[
        0xd4, 0x30, 0x84, 0x63, 0xb3, 0x13, 0x39, 0x53, 0xae, 0xc5, 0x33, 0xca, 0x70, 0x09, 0x2c, 0x9d,
    ]);
    v
}

/// FORMATS.md §6.4: `Hello, World!` encrypted by the AES Crypt 4.0.5 CLI (v3,
/// 1000 iterations) with password `apples`.
pub fn aescrypt_v3_hello() -> Vec<u8> {
    hex("4145530300001f435245415445445f4259006165736372797074\
         5f636c6920342e302e352e300000000003e81573be9313a2b1c82bef2af85a0fd53c\
         28b93c3542730c82129bb07b32dd7d40f1f1ad79f0082f1bb31f4add922168f4\
         4ffe01abe86d3e00979f555a3537fbe4\
         446c7adfbc244e305307966c124ae921a67db4fc12e3a67a6ed5ca6076e9b716\
         7ed4e52a72814f4a0b55f1c9f7e28bcd\
         3c6474e4a6aec08f8bb0bfcce01e03feef0356e066dce9d93e01166aee39bf72")
}

/// Decodes hex, ignoring whitespace (panics on bad input: fixtures only).
///
/// # Panics
/// On a character that is not a hex digit, or an odd number of digits.
pub fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(digits.len() % 2 == 0, "odd number of hex digits");
    digits
        .chunks(2)
        .map(|p| {
            let v = |c: u8| match (c as char).to_digit(16) {
                Some(d) => d as u8,
                None => panic!("not a hex digit: {:?}", c as char),
            };
            (v(p[0]) << 4) | v(p[1])
        })
        .collect()
}

#[cfg(all(test, feature = "std"))]
mod tests {
    #[test]
    fn hex_decodes_and_refuses_what_is_not_hex() {
        assert_eq!(super::hex("0a FF\n10"), [0x0a, 0xff, 0x10]);
        assert!(std::panic::catch_unwind(|| super::hex("0g")).is_err());
        assert!(std::panic::catch_unwind(|| super::hex("abc")).is_err());
    }
}
