//! The key and IV of one file, derived from the password as `openssl enc` does.

use alloc::vec::Vec;
use zeroize::Zeroizing;

use super::params::{KeyDerivation, Params};
use crate::block::{BLOCK, CbcDecryptor, CtrCipher};
use crate::error::{Error, Result};
use crate::kdf;
use crate::password::Password;

/// The key and IV for one file (wiped on drop).
pub struct KeyMaterial {
    key: Zeroizing<Vec<u8>>,
    iv: Zeroizing<[u8; 16]>,
}

// Both fields are `Zeroizing`: say so, so that callers can require it.
impl zeroize::ZeroizeOnDrop for KeyMaterial {}

impl KeyMaterial {
    /// Derives the key and IV from the password and the salt (empty for `-nosalt`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for zero PBKDF2 iterations.
    pub fn derive(params: &Params, password: &Password, salt: &[u8]) -> Result<Self> {
        let key_len = params.cipher.key_len();
        let mut buf = Zeroizing::new([0u8; 48]);
        let out = &mut buf[..key_len + BLOCK];
        match params.kdf {
            KeyDerivation::Pbkdf2 { iterations: 0, .. } => {
                return Err(Error::InvalidInput("PBKDF2 needs at least one iteration"));
            }
            KeyDerivation::Pbkdf2 { md, iterations } => {
                kdf::pbkdf2(md, password.as_bytes(), salt, iterations, out);
            }
            KeyDerivation::Legacy { md } => kdf::evp_bytes_to_key(md, password.as_bytes(), salt, out),
        }
        let mut iv = Zeroizing::new([0u8; 16]);
        iv.copy_from_slice(&out[key_len..]);
        Ok(KeyMaterial { key: Zeroizing::new(out[..key_len].to_vec()), iv })
    }

    /// The cipher key.
    pub fn key(&self) -> &[u8] {
        &self.key
    }

    /// The IV (CBC) or initial counter block (CTR).
    pub fn iv(&self) -> &[u8; 16] {
        &self.iv
    }

    pub(crate) fn cbc_decryptor(&self, iv: &[u8]) -> Result<CbcDecryptor> {
        CbcDecryptor::new(&self.key, iv).ok_or(Error::InvalidInput("bad key length"))
    }

    pub(crate) fn ctr(&self) -> Result<CtrCipher> {
        CtrCipher::new(&self.key, &self.iv[..]).ok_or(Error::InvalidInput("bad key length"))
    }
}
