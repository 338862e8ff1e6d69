//! The password, held as raw bytes and wiped from memory when dropped.

use alloc::vec::Vec;
use core::fmt;
use zeroize::Zeroizing;

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

    /// True for the empty password (allowed: pyAesCrypt and OpenSSL accept it).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
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
