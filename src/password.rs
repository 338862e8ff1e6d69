//! The password, held as raw bytes and wiped from memory when dropped.

use alloc::vec::Vec;
use core::fmt;
use zeroize::Zeroizing;

use crate::{Error, Result};

/// A password as the bytes the user typed (UTF-8 from a terminal or a file).
///
/// OpenSSL uses these bytes as they are; AES Crypt needs text (UTF-16LE for
/// v0–v2, UTF-8 for v3), so it requires them to be valid UTF-8.
/// The bytes are zeroized on drop and never printed by `Debug`.
#[derive(Clone)]
pub struct Password(Zeroizing<Vec<u8>>);

// The bytes are `Zeroizing`: say so, so that callers can require it.
impl zeroize::ZeroizeOnDrop for Password {}

impl Password {
    /// Takes ownership of the bytes (they are wiped when the `Password` is dropped).
    pub fn new(bytes: Vec<u8>) -> Self {
        Password(Zeroizing::new(bytes))
    }

    /// Copies the bytes of a borrowed slice.
    pub fn from_slice(bytes: &[u8]) -> Self {
        Password(Zeroizing::new(bytes.to_vec()))
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The password as text, if it is valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        core::str::from_utf8(&self.0).ok()
    }

    /// Reads a key file: the password is its text. AES Crypt's key generator writes
    /// UTF-16LE with a byte-order mark, and its apps read that; UTF-16BE with a
    /// byte-order mark and UTF-8 with or without one are accepted too. The text is
    /// kept as UTF-8 bytes (what AES Crypt hashes, and what OpenSSL would have been
    /// given had the text been typed). Without a byte-order mark the bytes are taken
    /// as they are, as `openssl enc -kfile` does. One trailing newline (`\n` or
    /// `\r\n`) is removed, as `echo secret > file` adds one.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for UTF-16 that is cut in the middle of a code unit
    /// or holds an unpaired surrogate.
    pub fn from_key_file(bytes: &[u8]) -> Result<Password> {
        let mut text = match bytes {
            [0xFF, 0xFE, rest @ ..] => utf16_to_utf8(rest, u16::from_le_bytes)?,
            [0xFE, 0xFF, rest @ ..] => utf16_to_utf8(rest, u16::from_be_bytes)?,
            [0xEF, 0xBB, 0xBF, rest @ ..] => Zeroizing::new(rest.to_vec()),
            _ => Zeroizing::new(bytes.to_vec()),
        };
        if text.last() == Some(&b'\n') {
            text.pop();
            if text.last() == Some(&b'\r') {
                text.pop();
            }
        }
        Ok(Password(text))
    }

    /// True for the empty password (allowed: pyAesCrypt and OpenSSL accept it).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// UTF-16 code units (after the byte-order mark) as UTF-8, in memory that is wiped.
fn utf16_to_utf8(units: &[u8], decode: fn([u8; 2]) -> u16) -> Result<Zeroizing<Vec<u8>>> {
    if units.len() % 2 != 0 {
        return Err(Error::InvalidInput("the UTF-16 key file ends in the middle of a character"));
    }
    let mut out = Zeroizing::new(Vec::with_capacity(units.len() / 2 * 3));
    for c in char::decode_utf16(units.chunks_exact(2).map(|u| decode([u[0], u[1]]))) {
        let c = c.map_err(|_| Error::InvalidInput("the UTF-16 key file is not valid UTF-16 text"))?;
        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    }
    Ok(out)
}

impl From<&str> for Password {
    fn from(s: &str) -> Self {
        Password::from_slice(s.as_bytes())
    }
}

impl From<&[u8]> for Password {
    fn from(s: &[u8]) -> Self {
        Password::from_slice(s)
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn utf16le_with_bom(text: &str) -> Vec<u8> {
        let mut b = vec![0xFF, 0xFE];
        b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        b
    }

    #[test]
    fn key_files_in_every_accepted_encoding_give_the_same_password() {
        let text = "Grüße-€-😀-key";
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
        utf8_bom.extend_from_slice(text.as_bytes());
        for file in [utf16le_with_bom(text), be, utf8_bom, text.as_bytes().to_vec()] {
            assert_eq!(Password::from_key_file(&file).unwrap().as_bytes(), text.as_bytes());
        }
    }

    #[test]
    fn key_files_lose_one_trailing_newline() {
        assert_eq!(Password::from_key_file(&utf16le_with_bom("pw\r\n")).unwrap().as_bytes(), b"pw");
        assert_eq!(Password::from_key_file(b"pw\n\n").unwrap().as_bytes(), b"pw\n");
        assert_eq!(Password::from_key_file(b"\xff\x00raw").unwrap().as_bytes(), b"\xff\x00raw");
    }

    #[test]
    fn broken_utf16_key_files_are_refused() {
        assert!(Password::from_key_file(&[0xFF, 0xFE, b'p', 0, b'w']).is_err());
        assert!(Password::from_key_file(&[0xFF, 0xFE, 0x00, 0xD8, b'a', 0]).is_err());
    }
}
