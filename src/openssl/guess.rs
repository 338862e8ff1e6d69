//! Whether a password and parameter set open a file: the evidence a guess weighs.

use super::MAGIC;
use super::kdf::KeyMaterial;
use super::params::{Params, Salt};
use crate::block::{BLOCK, pkcs7_data_len};
use crate::error::{Error, Result};
use crate::password::Password;

/// What the first plaintext bytes look like, for guessing whether a decryption
/// without authentication produced real data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// A ZIP archive (`PK\x03\x04`, or `PK\x05\x06` for an empty one).
    Zip,
    /// A plain-SQL `pg_dump` (`--\n-- PostgreSQL database dump`).
    PgDump,
    /// A `pg_dump -Fc` custom-format archive (`PGDMP`).
    PgDumpCustom,
    /// gzip (`1f 8b`).
    Gzip,
    /// Mostly printable UTF-8 text.
    Text,
    /// Anything else (random-looking bytes suggest a wrong key).
    Unknown,
}

/// Classifies the first bytes of a plaintext (at least 16 bytes for a useful answer).
pub fn looks_like_plaintext(head: &[u8]) -> Content {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Content::Zip;
    }
    if head.starts_with(b"--\n-- PostgreSQL database dump") || head.starts_with(b"--\n-- PostgreSQL") {
        return Content::PgDump;
    }
    if head.starts_with(b"PGDMP") {
        return Content::PgDumpCustom;
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        return Content::Gzip;
    }
    let printable = head
        .iter()
        .filter(|&&b| b == b'\n' || b == b'\r' || b == b'\t' || (0x20..0x7f).contains(&b) || b >= 0x80)
        .count();
    let ascii = head.iter().filter(|&&b| (0x20..0x7f).contains(&b) || b == b'\n').count();
    if !head.is_empty() && printable == head.len() && ascii * 4 >= head.len() * 3 {
        Content::Text
    } else {
        Content::Unknown
    }
}

/// The result of [`probe`]: does this password and parameter set open the file?
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProbeResult {
    /// The final block's padding is valid (necessary, not sufficient).
    pub padding_ok: bool,
    /// What the first plaintext block looks like.
    pub content: Content,
}

impl ProbeResult {
    /// Valid padding and recognisable content: very likely the right password and
    /// options. (Valid padding alone happens for ~1 in 256 wrong guesses.)
    pub fn is_convincing(&self) -> bool {
        self.padding_ok && self.content != Content::Unknown
    }
}

/// Checks a password and parameter set against a binary (not armoured) OpenSSL
/// file without decrypting it all: only the first and the last two blocks.
///
/// `head` is the first bytes of the file (at least 32 for a salted file), `tail`
/// its last 32 bytes (fewer if the file is shorter), `len` its total length.
///
/// # Errors
/// [`Error::NotEncrypted`] if the header is missing, [`Error::Truncated`] if the
/// length cannot be a CBC file.
pub fn probe(
    password: &Password,
    params: &Params,
    head: &[u8],
    tail: &[u8],
    len: u64,
) -> Result<ProbeResult> {
    if !params.cipher.is_cbc() {
        return Err(Error::Unsupported("only CBC files can be probed"));
    }
    let (salt, offset): (&[u8], usize) = match &params.salt {
        Salt::Header => {
            if head.len() < 16 || &head[..8] != MAGIC {
                return Err(if head.len() < 16 && head.starts_with(&MAGIC[..head.len().min(8)]) {
                    Error::Truncated
                } else {
                    Error::NotEncrypted
                });
            }
            (&head[8..16], 16)
        }
        Salt::None => (&[], 0),
        Salt::Explicit(s) => (&s[..], 0),
    };
    let ct_len = len.saturating_sub(offset as u64);
    if ct_len == 0 || ct_len % BLOCK as u64 != 0 || tail.len() < BLOCK {
        return Err(Error::Truncated);
    }
    let keys = KeyMaterial::derive(params, password, salt)?;
    // The last block's chaining value is the block before it, or the IV.
    let last_iv: [u8; 16] = if ct_len >= 32 {
        tail.get(tail.len() - 32..tail.len() - 16).and_then(|s| s.try_into().ok()).ok_or(Error::Truncated)?
    } else {
        *keys.iv()
    };
    let mut last = [0u8; BLOCK];
    last.copy_from_slice(&tail[tail.len() - BLOCK..]);
    keys.cbc_decryptor(&last_iv)?.decrypt(&mut last);
    let padding_ok = pkcs7_data_len(&last).is_some();
    let mut first = [0u8; BLOCK];
    let content = match head.get(offset..offset + BLOCK) {
        Some(block) => {
            first.copy_from_slice(block);
            keys.cbc_decryptor(keys.iv())?.decrypt(&mut first);
            let n = if ct_len == 16 { pkcs7_data_len(&first).unwrap_or(0) } else { BLOCK };
            looks_like_plaintext(&first[..n])
        }
        None => Content::Unknown,
    };
    zeroize::Zeroize::zeroize(&mut first);
    zeroize::Zeroize::zeroize(&mut last);
    Ok(ProbeResult { padding_ok, content })
}
