//! How a file will be decrypted, decided once from its head, tail and length.

use zeroize::Zeroizing;

use crate::aescrypt::{self, Header, HeaderParser};
use crate::openssl::{self, Content, KeyMaterial, Params};
use crate::sniff::{Kind, sniff};
use crate::{DecryptOptions, Error, Limits, Password, PasswordCheck, Result};

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
/// reading the whole file: AES Crypt's header HMAC, or the library's OpenSSL
/// guess ([`openssl::guess`]: last-block padding and decrypted start, weighed).
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
    let headerless = given.is_some_and(|p| p.headerless());
    let kind = sniff(head);
    if matches!(kind, Kind::AesCrypt { .. }) && !headerless {
        let mut parser = HeaderParser::default();
        parser.push(head)?;
        let Some(header) = parser.into_header() else {
            return Err(if head.len() as u64 >= len {
                Error::Truncated
            } else {
                Error::Unsupported("AES Crypt header longer than 64 KiB")
            });
        };
        let ciphertext_len = header.ciphertext_len(len)?;
        let (key, iv) = aescrypt::payload_keys(password, &Limits::default(), &header)?;
        return Ok(Plan::AesCrypt { header, key, iv, ciphertext_len });
    }
    // Headerless and CTR files go through the core's streaming decryptor, which
    // handles every option; the split path is for salted binary CBC.
    if let Some(params) = given.filter(|p| headerless || !p.cipher.is_cbc() || kind == Kind::OpenSslArmoured)
    {
        return Ok(Plan::Stream(DecryptOptions { openssl: Some(params), ..Default::default() }));
    }
    let (params, content) = match given {
        // The user's options: only the final padding can say they are wrong.
        Some(params) => {
            let probe = openssl::probe(password, &params, head, tail, len)?;
            if !probe.padding_ok {
                return Err(Error::WrongPassword(PasswordCheck::Padding));
            }
            (params, probe.content)
        }
        // The one guess the CLI makes too: it decides only on strong evidence.
        None => {
            let found = openssl::guess(password, head, tail, Some(len))?.into_result()?;
            // Base64 armour and CTR only stream (WebCrypto's bulk path is binary CBC).
            if kind == Kind::OpenSslArmoured || !found.params.cipher.is_cbc() {
                return Ok(Plan::Stream(DecryptOptions {
                    openssl: Some(found.params),
                    ..Default::default()
                }));
            }
            (found.params, found.content)
        }
    };
    let keys = KeyMaterial::derive(&params, password, &head[8..16])?;
    Ok(Plan::OpenSsl { params, keys, content })
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

/// Whether Decrypt can be offered for a file whose first bytes are `head` (up to
/// 64 KiB), with the OpenSSL options chosen on the page (`options` as
/// [`super::openssl_params`], `undefined` for none): an encrypted file always; any
/// other only when the options say it has no header (`-nosalt`, `-S`), by the
/// library's rule ([`openssl::Choices::may_open`], the CLI's too). Options the
/// library cannot parse answer `true`: pressing Decrypt then says what is wrong.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn decryptable(head: &[u8], options: wasm_bindgen::JsValue) -> bool {
    super::openssl_choices(&options).map_or(true, |choices| choices.may_open(sniff(head)))
}
