//! How a file will be decrypted, decided once from its head, tail and length.

use alloc::string::String;
use zeroize::Zeroizing;

use crate::aescrypt::{self, Header, HeaderParser};
use crate::openssl::{self, Content, KeyMaterial, Params, Salt};
use crate::{DecryptOptions, Error, Integrity, Limits, Password, PasswordCheck, Result};

/// What [`plan`] found out with the password, before any bulk work.
pub(crate) enum Plan {
    /// AES Crypt: header read, password checked (v1–v3).
    AesCrypt { header: Header, key: Zeroizing<[u8; 32]>, iv: [u8; 16], ciphertext_len: u64 },
    /// Binary salted OpenSSL CBC: the options whose last block unpads, and what the
    /// first block looks like.
    OpenSsl { params: Params, keys: KeyMaterial, content: Content },
    /// Something only the streaming decryptor handles (base64 armour).
    Stream(DecryptOptions),
}

/// Reads the header and checks the password as far as the format allows without
/// reading the whole file: AES Crypt's header HMAC, or OpenSSL's last-block padding
/// (trying the option sets of [`Params::presets`]).
///
/// `head` is the first 64 KiB (or the whole file), `tail` the last 64 bytes. `given`:
/// the OpenSSL options the user chose (then only those are tried).
pub(crate) fn plan(
    password: &Password,
    head: &[u8],
    tail: &[u8],
    len: u64,
    given: Option<Params>,
) -> Result<Plan> {
    // Without a header to skip (`-nosalt`, `-S`) the file is OpenSSL whatever it
    // starts with, as for the CLI and the core's decryptor.
    let headerless = given.is_some_and(|p| p.salt != Salt::Header);
    if head.starts_with(aescrypt::MAGIC) && !headerless {
        let mut parser = HeaderParser::default();
        parser.push(head)?;
        let Some(header) = parser.into_header() else {
            return Err(if head.len() as u64 >= len {
                Error::Truncated
            } else {
                Error::Unsupported("AES Crypt header longer than 64 KiB")
            });
        };
        let overhead = header.len + header.trailer_len() as u64;
        let ciphertext_len = len.checked_sub(overhead).ok_or(Error::Truncated)?;
        if ciphertext_len % 16 != 0 {
            return Err(Error::Truncated);
        }
        let (key, iv) = aescrypt::payload_keys(password, &Limits::default(), &header)?;
        return Ok(Plan::AesCrypt { header, key, iv, ciphertext_len });
    }
    // Base64 armour (possibly after whitespace, as openssl accepts) only streams.
    if crate::inspect::inspect(head, Some(len), tail).is_ok_and(|info| info.base64) {
        return Ok(Plan::Stream(DecryptOptions { openssl: given, ..Default::default() }));
    }
    // Headerless and CTR files go through the core's streaming decryptor, which
    // handles every option; the split path is for salted CBC.
    if let Some(params) = given.filter(|p| headerless || !p.cipher.is_cbc()) {
        return Ok(Plan::Stream(DecryptOptions { openssl: Some(params), ..Default::default() }));
    }
    if !head.starts_with(openssl::MAGIC) {
        return Err(if head.len() < 8 && openssl::MAGIC.starts_with(head) && !head.is_empty() {
            Error::Truncated
        } else {
            Error::NotEncrypted
        });
    }
    let mut padded = None;
    let candidates = given.map_or_else(|| Params::presets().to_vec(), |p| alloc::vec![p]);
    for params in candidates {
        let probe = openssl::probe(password, &params, head, tail, len)?;
        if probe.is_convincing() {
            padded = Some((params, probe.content));
            break;
        }
        if probe.padding_ok && padded.is_none() {
            padded = Some((params, probe.content));
        }
    }
    let (params, content) = padded.ok_or(Error::WrongPassword(PasswordCheck::Padding))?;
    let keys = KeyMaterial::derive(&params, password, &head[8..16])?;
    Ok(Plan::OpenSsl { params, keys, content })
}

/// The sentence the page shows once decryption has finished.
pub(crate) fn integrity_text(integrity: Integrity, content: Content) -> String {
    String::from(match (integrity, content) {
        (Integrity::Authenticated, _) => "verified (HMAC)",
        (Integrity::PaddingChecked, Content::Unknown) => {
            "the OpenSSL format has no integrity check: the padding is valid, but the content is not \
             recognised (wrong password or options?)"
        }
        (Integrity::PaddingChecked, _) => {
            "the OpenSSL format has no integrity check: padding and content look right"
        }
        (Integrity::Unchecked, _) => "not checked: OpenSSL CTR files carry no check at all",
    })
}

/// A short name for what the plaintext starts with.
pub(crate) fn content_name(content: Content) -> &'static str {
    match content {
        Content::Zip => "zip",
        Content::PgDump => "pg_dump (SQL)",
        Content::PgDumpCustom => "pg_dump (custom format)",
        Content::Gzip => "gzip",
        Content::Text => "text",
        Content::Unknown => "unknown",
    }
}
