//! The fallback: the whole file through the core's streaming decryptor (wasm AES),
//! for base64 armour and where WebCrypto is missing.

use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::prelude::*;

use super::plan::{Plan, integrity_text, plan};
use super::{js_error, openssl_params, password};
use crate::openssl::{Content, looks_like_plaintext};
use crate::{DecryptOptions, Decryptor, Error};

/// Plaintext bytes kept to judge an unauthenticated result.
const SNIFF: usize = 64;

/// Streaming decryption in wasm: `update(chunk)` returns plaintext (unverified),
/// `finish()` the last bytes once every check has passed.
#[wasm_bindgen]
pub struct StreamDecryptor {
    inner: Option<Decryptor>,
    first: Vec<u8>,
    integrity: Option<String>,
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
        let options = match plan(&password, head, tail, file_len as u64, given).map_err(|e| js_error(&e))? {
            Plan::Stream(options) => options,
            Plan::AesCrypt { .. } => DecryptOptions::default(),
            Plan::OpenSsl { params, .. } => DecryptOptions { openssl: Some(params), ..Default::default() },
        };
        Ok(StreamDecryptor {
            inner: Some(Decryptor::new(password, options)),
            first: Vec::new(),
            integrity: None,
        })
    }

    /// Decrypts the next chunk (any size); the plaintext is not verified yet.
    pub fn update(&mut self, chunk: &[u8]) -> Result<Vec<u8>, JsValue> {
        let d = self.inner.as_mut().ok_or_else(|| js_error(&Error::InvalidInput("already finished")))?;
        let mut out = Vec::with_capacity(chunk.len() + 16);
        d.update(chunk, &mut out).map_err(|e| js_error(&e))?;
        self.sniff(&out);
        Ok(out)
    }

    /// Runs the final checks and returns the last plaintext bytes.
    pub fn finish(&mut self) -> Result<Vec<u8>, JsValue> {
        let d = self.inner.take().ok_or_else(|| js_error(&Error::InvalidInput("already finished")))?;
        let mut out = Vec::new();
        let integrity = d.finish(&mut out).map_err(|e| js_error(&e))?;
        self.sniff(&out);
        let content =
            if self.first.is_empty() { Content::Unknown } else { looks_like_plaintext(&self.first) };
        self.integrity = Some(integrity_text(integrity, content));
        Ok(out)
    }

    /// One sentence on what was verified, once `finish` has succeeded.
    #[wasm_bindgen(getter)]
    pub fn integrity(&self) -> Option<String> {
        self.integrity.clone()
    }
}

impl StreamDecryptor {
    fn sniff(&mut self, out: &[u8]) {
        let want = SNIFF.saturating_sub(self.first.len()).min(out.len());
        self.first.extend_from_slice(&out[..want]);
    }
}

impl Drop for StreamDecryptor {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.first);
    }
}
