//! Streaming encryption into the OpenSSL `enc` format.

use alloc::vec::Vec;

use super::MAGIC;
use super::kdf::KeyMaterial;
use super::params::{Armour, Params, Salt};
use crate::base64;
use crate::block::{BLOCK, CbcEncryptor, CtrCipher};
use crate::error::{Error, Result};
use crate::password::Password;

/// Streaming encryption into the OpenSSL `enc` format.
pub struct Encryptor {
    cbc: Option<CbcEncryptor>,
    ctr: Option<CtrCipher>,
    /// Bytes of an incomplete block (CBC).
    partial: Vec<u8>,
    /// Header bytes not yet emitted.
    header: Vec<u8>,
    armour: Option<base64::Encoder>,
    scratch: Vec<u8>,
}

impl Encryptor {
    /// Derives the key from `password` and `salt` (the salt written in the
    /// `Salted__` header; ignored for [`Salt::None`] and [`Salt::Explicit`]).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for zero iterations.
    pub fn new(password: &Password, params: Params, salt: [u8; 8]) -> Result<Self> {
        let (salt_bytes, header): (&[u8], Vec<u8>) = match &params.salt {
            Salt::Header => {
                let mut h = MAGIC.to_vec();
                h.extend_from_slice(&salt);
                (&salt, h)
            }
            Salt::None => (&[], Vec::new()),
            Salt::Explicit(s) => (s, Vec::new()),
        };
        let keys = KeyMaterial::derive(&params, password, salt_bytes)?;
        let (cbc, ctr) = if params.cipher.is_cbc() {
            let e = CbcEncryptor::new(keys.key(), keys.iv()).ok_or(Error::InvalidInput("bad key length"))?;
            (Some(e), None)
        } else {
            (None, Some(keys.ctr()?))
        };
        let armour = match params.armour {
            Armour::Base64 { single_line } => Some(base64::Encoder::new(single_line)),
            Armour::Auto | Armour::Binary => None,
        };
        Ok(Encryptor { cbc, ctr, partial: Vec::new(), header, armour, scratch: Vec::new() })
    }

    fn emit(&mut self, binary: &mut Vec<u8>, out: &mut Vec<u8>) {
        if let Some(enc) = &mut self.armour {
            enc.update(binary, out);
            binary.clear();
        }
    }

    /// Encrypts the next chunk of plaintext, appending ciphertext to `out`.
    pub fn update(&mut self, input: &[u8], out: &mut Vec<u8>) {
        let mut buf = if self.armour.is_some() { core::mem::take(&mut self.scratch) } else { Vec::new() };
        let target: &mut Vec<u8> = if self.armour.is_some() { &mut buf } else { out };
        target.append(&mut self.header);
        if let Some(ctr) = &mut self.ctr {
            let start = target.len();
            target.extend_from_slice(input);
            ctr.apply(&mut target[start..]);
        } else if let Some(cbc) = &mut self.cbc {
            let total = self.partial.len() + input.len();
            let n = total / BLOCK * BLOCK;
            if n == 0 {
                self.partial.extend_from_slice(input);
            } else {
                let from_input = n - self.partial.len();
                cbc.encrypt_append(&self.partial, input, n, target);
                self.partial.clear();
                self.partial.extend_from_slice(&input[from_input..]);
            }
        }
        if self.armour.is_some() {
            self.emit(&mut buf, out);
            self.scratch = buf;
        }
    }

    /// Writes the final (padded) block and ends the armour.
    pub fn finish(mut self, out: &mut Vec<u8>) {
        let mut buf = Vec::new();
        let target: &mut Vec<u8> = if self.armour.is_some() { &mut buf } else { out };
        target.append(&mut self.header);
        if let Some(cbc) = &mut self.cbc {
            let pad = BLOCK - self.partial.len();
            let mut last = [pad as u8; BLOCK];
            last[..self.partial.len()].copy_from_slice(&self.partial);
            cbc.encrypt(&mut last);
            target.extend_from_slice(&last);
        }
        if let Some(mut enc) = self.armour.take() {
            enc.update(&buf, out);
            enc.finish(out);
        }
    }
}

impl Drop for Encryptor {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.partial);
        zeroize::Zeroize::zeroize(&mut self.scratch);
    }
}
