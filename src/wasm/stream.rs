//! The fallback: the whole file through the core's streaming decryptor (wasm AES),
//! for base64 armour and where WebCrypto is missing.

use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::prelude::*;

use super::content::Judged;
use super::plan::{Plan, plan};
use super::{js_error, openssl_params, password};
use crate::content::ContentCheck;
use crate::sniff::{Kind, sniff};
use crate::{DecryptOptions, Decryptor, Error};

/// Streaming decryption in wasm: `update(chunk)` returns plaintext (unverified),
/// `finish()` the last bytes once every check has passed.
#[wasm_bindgen]
pub struct StreamDecryptor {
    inner: Option<Decryptor>,
    /// The content check, fed every plaintext byte.
    seen: ContentCheck,
    judged: Option<Judged>,
    /// Bytes of the file already fed in the constructor (the caller still sends
    /// them from the first byte on).
    skip: usize,
    /// Plaintext those bytes gave, returned with the next chunk.
    pending: Vec<u8>,
}

#[wasm_bindgen]
impl StreamDecryptor {
    /// Checks the password as early as the format allows (as [`super::FastDecryptor::open`])
    /// and prepares to decrypt the file from its first byte; `openssl` as there.
    #[wasm_bindgen(constructor)]
    pub fn new(
        password_utf8: Vec<u8>,
        head: &[u8],
        tail: &[u8],
        file_len: f64,
        openssl: JsValue,
    ) -> Result<StreamDecryptor, JsValue> {
        let password = password(password_utf8);
        let given = openssl_params(&openssl)?;
        if let (Kind::AesCrypt { .. }, None) = (sniff(head), given) {
            // The decryptor checks the header HMAC itself: feed it the head now, so
            // that a wrong password fails here, with one key derivation (AES Crypt
            // v3's PBKDF2 is the slow part), not a second one in `plan`.
            let mut d = Decryptor::new(password, DecryptOptions::default());
            let mut pending = Vec::new();
            d.update(head, &mut pending).map_err(|e| js_error(&e))?;
            let mut s = StreamDecryptor {
                inner: Some(d),
                seen: ContentCheck::new(),
                judged: None,
                skip: head.len(),
                pending,
            };
            s.seen.feed(&s.pending);
            return Ok(s);
        }
        let options = match plan(&password, head, tail, file_len as u64, given).map_err(|e| js_error(&e))? {
            Plan::Stream(options) => options,
            Plan::AesCrypt { .. } => DecryptOptions::default(),
            Plan::OpenSsl { params, .. } => DecryptOptions { openssl: Some(params), ..Default::default() },
        };
        Ok(StreamDecryptor {
            inner: Some(Decryptor::new(password, options)),
            seen: ContentCheck::new(),
            judged: None,
            skip: 0,
            pending: Vec::new(),
        })
    }

    /// Decrypts the next chunk (any size); the plaintext is not verified yet.
    pub fn update(&mut self, chunk: &[u8]) -> Result<Vec<u8>, JsValue> {
        let d = self.inner.as_mut().ok_or_else(|| js_error(&Error::InvalidInput("already finished")))?;
        let skipped = self.skip.min(chunk.len());
        self.skip -= skipped;
        let mut out = core::mem::take(&mut self.pending);
        let start = out.len();
        out.reserve(chunk.len() + 16);
        d.update(&chunk[skipped..], &mut out).map_err(|e| js_error(&e))?;
        self.seen.feed(&out[start..]);
        Ok(out)
    }

    /// Runs the final checks and returns the last plaintext bytes.
    pub fn finish(&mut self) -> Result<Vec<u8>, JsValue> {
        let d = self.inner.take().ok_or_else(|| js_error(&Error::InvalidInput("already finished")))?;
        let mut out = core::mem::take(&mut self.pending);
        let start = out.len();
        let integrity = d.finish(&mut out).map_err(|e| js_error(&e))?;
        self.seen.feed(&out[start..]);
        self.judged = Some(Judged::of(integrity, &self.seen));
        Ok(out)
    }

    /// Once `finish` has succeeded: what was verified and what the content is, in
    /// `verify`'s words (as [`super::FastDecryptor::integrity`]).
    #[wasm_bindgen(getter)]
    pub fn integrity(&self) -> Option<String> {
        self.judged.as_ref().map(|j| j.detail.clone())
    }

    /// Once `finish` has succeeded: `verify`'s verdict (as [`super::FastDecryptor::verdict`]).
    #[wasm_bindgen(getter)]
    pub fn verdict(&self) -> Option<String> {
        self.judged.as_ref().map(|j| String::from(j.verdict))
    }
}

impl Drop for StreamDecryptor {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.pending);
    }
}
