//! The fast path: Rust checks the password, keeps the HMAC and decrypts the last
//! block; JavaScript runs the bulk AES-CBC through WebCrypto.
//!
//! WebCrypto only decrypts whole padded messages, so each chunk is handed over with
//! one extra block `E = AES(key, last ciphertext block XOR 16 × 0x10)`: under CBC it
//! decrypts to sixteen `0x10` bytes, a full block of valid PKCS#7 padding, which
//! WebCrypto removes, leaving exactly the chunk's plaintext.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::content::{self as check, Judged};
use super::plan::{Plan, content_name, plan};
use super::{js_error, openssl_params, password};
use crate::aescrypt::{self, Header};
use crate::block::{CbcDecryptor, CbcEncryptor, pkcs7_data_len};
use crate::content::ContentCheck;
use crate::openssl::Content;
use crate::{Error, Integrity, PasswordCheck};

const BLOCK: usize = 16;

enum Check {
    /// AES Crypt: the HMAC over the ciphertext (`T2`), and the header for the trailer.
    Hmac(Box<(Hmac<Sha256>, Header)>),
    /// OpenSSL: only the final padding.
    Padding,
}

/// Decrypts one file with WebCrypto doing the bulk AES-CBC (see the module docs).
///
/// JS reads `[bulkStart, bulkEnd)` in chunks of whole blocks, in order, passes each to
/// [`FastDecryptor::absorb`] (or, when [`FastDecryptor::needs_bulk`] is false, only its
/// length and last block to [`FastDecryptor::absorb_last`]) and decrypts it with
/// WebCrypto using the returned IV and extra block; then passes `[bulkEnd, fileLen)` to [`FastDecryptor::finish`], which
/// verifies everything and returns the last plaintext bytes. Plaintext is unverified
/// until `finish` returns.
#[wasm_bindgen]
pub struct FastDecryptor {
    key: Zeroizing<Vec<u8>>,
    key_taken: bool,
    chain: [u8; BLOCK],
    next: u64,
    bulk_start: u64,
    bulk_end: u64,
    file_len: u64,
    check: Check,
    content: Content,
    options: Option<String>,
    /// The content check, fed the plaintext WebCrypto gave ([`FastDecryptor::plaintext`]).
    seen: ContentCheck,
    judged: Option<Judged>,
}

#[wasm_bindgen]
impl FastDecryptor {
    /// Checks the password (AES Crypt header HMAC; OpenSSL last-block padding) and
    /// prepares the split; `undefined` when the file needs the streaming decryptor
    /// (base64 armour, CTR, no salt header). `openssl`: the OpenSSL options chosen on
    /// the page (see [`super::openssl_flags`]), else the presets are tried. Throws
    /// `WrongPassword`, `Truncated`, `NotEncrypted`, `InvalidInput`, ….
    pub fn open(
        password_utf8: Vec<u8>,
        head: &[u8],
        tail: &[u8],
        file_len: f64,
        openssl: JsValue,
    ) -> Result<Option<FastDecryptor>, JsValue> {
        let len = file_len as u64;
        let password = password(password_utf8);
        let given = openssl_params(&openssl)?;
        let plan = plan(&password, head, tail, len, given).map_err(|e| js_error(&e))?;
        Ok(match plan {
            Plan::Stream(_) => None,
            Plan::AesCrypt { header, key, iv, ciphertext_len } => {
                let bulk_start = header.len;
                let bulk_end = bulk_start + ciphertext_len.saturating_sub(BLOCK as u64);
                let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key[..])
                    .map_err(|_| js_error(&Error::InvalidInput("key")))?;
                Some(FastDecryptor {
                    key: Zeroizing::new(key.to_vec()),
                    key_taken: false,
                    chain: iv,
                    next: bulk_start,
                    bulk_start,
                    bulk_end,
                    file_len: len,
                    check: Check::Hmac(Box::new((mac, header))),
                    content: Content::Unknown,
                    options: None,
                    seen: ContentCheck::new(),
                    judged: None,
                })
            }
            Plan::OpenSsl { keys, content, params } => Some(FastDecryptor {
                key: Zeroizing::new(keys.key().to_vec()),
                key_taken: false,
                chain: *keys.iv(),
                next: 16,
                bulk_start: 16,
                bulk_end: len - BLOCK as u64,
                file_len: len,
                check: Check::Padding,
                content,
                options: Some(alloc::format!("openssl enc -d {}", params.openssl_flags())),
                seen: ContentCheck::new(),
                judged: None,
            }),
        })
    }

    /// The raw AES key for `crypto.subtle.importKey`, given out once (then empty):
    /// import it non-extractable and overwrite the array.
    #[wasm_bindgen(js_name = takeKey)]
    pub fn take_key(&mut self) -> Vec<u8> {
        if core::mem::replace(&mut self.key_taken, true) { Vec::new() } else { self.key.to_vec() }
    }

    /// First ciphertext byte for the WebCrypto part.
    #[wasm_bindgen(getter, js_name = bulkStart)]
    pub fn bulk_start(&self) -> f64 {
        self.bulk_start as f64
    }

    /// End (exclusive) of the WebCrypto part; the rest goes to `finish`.
    #[wasm_bindgen(getter, js_name = bulkEnd)]
    pub fn bulk_end(&self) -> f64 {
        self.bulk_end as f64
    }

    /// The file's length, as given to `open`.
    #[wasm_bindgen(getter, js_name = fileLen)]
    pub fn file_len(&self) -> f64 {
        self.file_len as f64
    }

    /// What the first plaintext block looks like (OpenSSL), e.g. `pg_dump (SQL)`.
    #[wasm_bindgen(getter)]
    pub fn content(&self) -> String {
        String::from(content_name(self.content))
    }

    /// OpenSSL: the options that opened the file, as `openssl enc -d …` flags (the
    /// file does not record them; they were found by trying the usual ones).
    #[wasm_bindgen(getter)]
    pub fn options(&self) -> Option<String> {
        self.options.clone()
    }

    /// Takes the next chunk of ciphertext (whole blocks, in order) into the HMAC and
    /// returns 32 bytes: the IV to decrypt it with, then the extra block `E`.
    pub fn absorb(&mut self, chunk: &[u8]) -> Result<Vec<u8>, JsValue> {
        let len = chunk.len() as u64;
        let last = self.check_chunk(len, chunk.len().checked_sub(BLOCK).map(|at| &chunk[at..]))?;
        if let Check::Hmac(check) = &mut self.check {
            check.0.update(chunk);
        }
        self.advance(len, last)
    }

    /// Whether [`FastDecryptor::absorb`] needs every byte of the bulk (AES Crypt: the
    /// HMAC). When it does not (OpenSSL), [`FastDecryptor::absorb_last`] does the same
    /// from each chunk's length and last block, and JS need not read the chunks itself.
    #[wasm_bindgen(getter, js_name = needsBulk)]
    pub fn needs_bulk(&self) -> bool {
        matches!(self.check, Check::Hmac(_))
    }

    /// As [`FastDecryptor::absorb`] for a chunk of `len` bytes given only by its last
    /// block; throws `InvalidInput` when the HMAC needs the whole chunk.
    #[wasm_bindgen(js_name = absorbLast)]
    pub fn absorb_last(&mut self, len: f64, last_block: &[u8]) -> Result<Vec<u8>, JsValue> {
        if self.needs_bulk() {
            return Err(js_error(&Error::InvalidInput("the HMAC needs every byte of the chunk")));
        }
        let len = len as u64;
        let last = self.check_chunk(len, (last_block.len() == BLOCK).then_some(last_block))?;
        self.advance(len, last)
    }

    /// The plaintext WebCrypto gave for the chunks, in order: the content check
    /// looks at it (what `verify` checks: a pg_dump's footer, a ZIP's end record).
    pub fn plaintext(&mut self, plaintext: &js_sys::Uint8Array) {
        check::feed(&mut self.seen, plaintext);
    }

    /// Takes `[bulkEnd, fileLen)`, runs every final check and returns the last
    /// plaintext bytes. Throws `Corrupt`, `WrongPassword`, `Truncated`.
    pub fn finish(&mut self, rest: &[u8]) -> Result<Vec<u8>, JsValue> {
        self.finish_inner(rest).map_err(|e| js_error(&e))
    }

    /// Once `finish` has succeeded: what was verified and what the content is, in
    /// `verify`'s words (e.g. `padding valid; PostgreSQL dump, complete`).
    #[wasm_bindgen(getter)]
    pub fn integrity(&self) -> Option<String> {
        self.judged.as_ref().map(|j| j.detail.clone())
    }

    /// Once `finish` has succeeded: `verify`'s verdict, `ok`, `damaged` (content cut
    /// short), `wrong password` (random content) or `unverifiable`.
    #[wasm_bindgen(getter)]
    pub fn verdict(&self) -> Option<String> {
        self.judged.as_ref().map(|j| String::from(j.verdict))
    }
}

impl FastDecryptor {
    /// The chunk's last block, if `len` bytes of whole blocks fit next in the bulk.
    fn check_chunk<'a>(&self, len: u64, last: Option<&'a [u8]>) -> Result<&'a [u8], JsValue> {
        match last {
            Some(last) if len % BLOCK as u64 == 0 && self.next + len <= self.bulk_end => Ok(last),
            _ => Err(js_error(&Error::InvalidInput("chunk out of order or not whole blocks"))),
        }
    }

    /// Moves past a checked chunk ending in `last`: returns its IV and `E`.
    fn advance(&mut self, len: u64, last: &[u8]) -> Result<Vec<u8>, JsValue> {
        let mut out = Vec::with_capacity(2 * BLOCK);
        out.extend_from_slice(&self.chain);
        self.chain.copy_from_slice(last);
        let mut e = [0x10u8; BLOCK];
        CbcEncryptor::new(&self.key, &self.chain)
            .ok_or_else(|| js_error(&Error::InvalidInput("key")))?
            .encrypt(&mut e);
        out.extend_from_slice(&e);
        self.next += len;
        Ok(out)
    }

    fn finish_inner(&mut self, rest: &[u8]) -> crate::Result<Vec<u8>> {
        if self.next != self.bulk_end || self.bulk_end + rest.len() as u64 != self.file_len {
            return Err(Error::InvalidInput("finish before all chunks were absorbed"));
        }
        let mut cbc = CbcDecryptor::new(&self.key, &self.chain).ok_or(Error::InvalidInput("key"))?;
        let mut out = Vec::with_capacity(BLOCK);
        let integrity = match &self.check {
            Check::Hmac(check) => {
                let (mac, header) = &**check;
                aescrypt::trailer::finish(header, mac.clone(), &mut cbc, rest, &mut out)?;
                Integrity::Authenticated
            }
            Check::Padding => {
                if rest.len() != BLOCK {
                    return Err(Error::Truncated);
                }
                let mut last = Zeroizing::new([0u8; BLOCK]);
                last.copy_from_slice(rest);
                cbc.decrypt(&mut last[..]);
                let keep = pkcs7_data_len(&last).ok_or(Error::WrongPassword(PasswordCheck::Padding))?;
                out.extend_from_slice(&last[..keep]);
                Integrity::PaddingChecked
            }
        };
        self.seen.feed(&out);
        self.judged = Some(Judged::of(integrity, &self.seen));
        Ok(out)
    }
}
