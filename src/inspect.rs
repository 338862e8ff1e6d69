//! What a file is, without the password: format, version, KDF, extensions, sizes.

use alloc::string::String;
use alloc::vec::Vec;

use crate::aescrypt::{self, Extension, HeaderParser};
use crate::base64;
use crate::error::{Error, Result};
use crate::sniff::{Kind, sniff};

/// How the key is derived, as far as the file tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kdf {
    /// AES Crypt v0–v2: 8192 rounds of SHA-256 over IV and UTF-16LE password.
    AesCryptSha256x8192,
    /// AES Crypt v3: PBKDF2-HMAC-SHA512 with the iteration count from the header.
    Pbkdf2Sha512 {
        /// Iterations stored in the header.
        iterations: u32,
    },
    /// OpenSSL records nothing: the default is PBKDF2-HMAC-SHA256 with 10000
    /// iterations, but it must be known out of band.
    NotRecorded,
}

impl core::fmt::Display for Kdf {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Kdf::AesCryptSha256x8192 => f.write_str("AES Crypt KDF (8192 x SHA-256)"),
            Kdf::Pbkdf2Sha512 { iterations } => write!(f, "PBKDF2-HMAC-SHA512, {iterations} iterations"),
            Kdf::NotRecorded => f.write_str("not recorded in the file (OpenSSL)"),
        }
    }
}

/// The plaintext size as far as it can be known without the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaintextSize {
    /// Known exactly.
    Exact(u64),
    /// Between the two bounds, inclusive (padding hides the rest).
    Between(u64, u64),
    /// Not known (no file length given, or armour hides it).
    Unknown,
}

/// Everything that can be learned about an encrypted file without the password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Info {
    /// Container format.
    pub format: crate::Format,
    /// AES Crypt stream version (0–3); `None` for OpenSSL.
    pub version: Option<u8>,
    /// OpenSSL: the file starts with `Salted__` (or its base64); its salt.
    pub salt: Option<[u8; 8]>,
    /// OpenSSL: base64 armour.
    pub base64: bool,
    /// Key derivation.
    pub kdf: Kdf,
    /// AES Crypt `CREATED_BY` (unauthenticated).
    pub created_by: Option<String>,
    /// AES Crypt extensions (the first [`aescrypt::MAX_KEPT_EXTENSIONS`]).
    pub extensions: Vec<Extension>,
    /// Bytes before the ciphertext.
    pub header_len: u64,
    /// Total file size, when known.
    pub file_len: Option<u64>,
    /// Plaintext size.
    pub plaintext_size: PlaintextSize,
    /// True if the format authenticates its data (AES Crypt's HMACs).
    pub authenticated: bool,
}

/// Describes a file from its first bytes and, optionally, its length and last 64
/// bytes (AES Crypt v1/v2 keep the plaintext length's low bits at the end).
///
/// `head` should hold the whole header: the first 64 KiB is plenty for every real
/// writer; a longer extension list gives [`Error::Unsupported`] unless `head` is
/// the whole file.
///
/// # Errors
/// [`Error::NotEncrypted`] when the bytes match no format (an OpenSSL `-nosalt`
/// file is indistinguishable from random data and is reported so),
/// [`Error::Truncated`], [`Error::UnsupportedVersion`].
pub fn inspect(head: &[u8], file_len: Option<u64>, tail: &[u8]) -> Result<Info> {
    let binary_salted = match sniff(head) {
        Kind::AesCrypt { .. } => return inspect_aescrypt(head, file_len, tail),
        Kind::OpenSslSalted => true,
        Kind::OpenSslArmoured => false,
        Kind::Plain(_) | Kind::Empty => return Err(Error::NotEncrypted),
    };
    let armoured = !binary_salted;
    let mut salt = None;
    if binary_salted {
        if head.len() < 16 {
            return Err(Error::Truncated);
        }
        let mut s = [0u8; 8];
        s.copy_from_slice(&head[8..16]);
        salt = Some(s);
    } else {
        // Decode just enough armour for the salt.
        let mut dec = base64::Decoder::default();
        let mut bin = Vec::new();
        for chunk in head.chunks(64) {
            if bin.len() >= 16 {
                break;
            }
            dec.update(chunk, &mut bin)?;
        }
        if bin.len() >= 16 {
            let mut s = [0u8; 8];
            s.copy_from_slice(&bin[8..16]);
            salt = Some(s);
        }
    }
    let plaintext_size = match (file_len, binary_salted) {
        (Some(len), true) => {
            let ct = len.saturating_sub(16);
            if ct >= 16 && ct % 16 == 0 {
                PlaintextSize::Between(ct - 16, ct - 1)
            } else {
                PlaintextSize::Unknown
            }
        }
        _ => PlaintextSize::Unknown,
    };
    Ok(Info {
        format: crate::Format::OpenSsl,
        version: None,
        salt,
        base64: armoured,
        kdf: Kdf::NotRecorded,
        created_by: None,
        extensions: Vec::new(),
        header_len: if binary_salted { 16 } else { 0 },
        file_len,
        plaintext_size,
        authenticated: false,
    })
}

fn inspect_aescrypt(head: &[u8], file_len: Option<u64>, tail: &[u8]) -> Result<Info> {
    let mut parser = HeaderParser::default();
    parser.push(head)?;
    let Some(header) = parser.into_header() else {
        let whole = file_len.is_none_or(|l| l <= head.len() as u64);
        return Err(if whole {
            Error::Truncated
        } else {
            Error::Unsupported("AES Crypt header longer than the bytes given")
        });
    };
    let trailer = header.trailer_len();
    let plaintext_size = match file_len.map(|len| (len, header.ciphertext_len(len))) {
        Some((len, Ok(c))) => match header.version {
            _ if c == 0 => PlaintextSize::Exact(0),
            0 => PlaintextSize::Exact(aescrypt::trailer::modulo_plaintext_len(c, header.modulo)),
            3 => PlaintextSize::Between(c - 16, c - 1),
            _ => match tail.len().checked_sub(trailer) {
                Some(i) if tail.len() as u64 <= len => {
                    let (modulo, _) = header.split_trailer(&tail[i..]);
                    PlaintextSize::Exact(aescrypt::trailer::modulo_plaintext_len(c, modulo))
                }
                _ => PlaintextSize::Between(c - 15, c),
            },
        },
        Some((_, Err(_))) | None => PlaintextSize::Unknown,
    };
    Ok(Info {
        format: crate::Format::AesCrypt,
        version: Some(header.version),
        salt: None,
        base64: false,
        kdf: match header.iterations {
            Some(iterations) => Kdf::Pbkdf2Sha512 { iterations },
            None => Kdf::AesCryptSha256x8192,
        },
        created_by: header.created_by(),
        header_len: header.len,
        extensions: header.extensions,
        file_len,
        plaintext_size,
        authenticated: true,
    })
}
