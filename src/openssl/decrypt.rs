//! Streaming decryption of an OpenSSL `enc` file.

use alloc::vec::Vec;
use zeroize::Zeroizing;

use super::MAGIC;
use super::kdf::KeyMaterial;
use super::params::{Armour, Params, Salt};
use crate::Integrity;
use crate::base64;
use crate::block::{BLOCK, CbcDecryptor, CtrCipher, pkcs7_data_len};
use crate::error::{Error, PasswordCheck, Result};
use crate::password::Password;

enum Mode {
    Cbc(CbcDecryptor),
    Ctr(CtrCipher),
}

enum ArmourState {
    /// Collecting the first bytes to decide (bounded by [`SNIFF_LEN`]).
    Undecided(Vec<u8>),
    Binary,
    Base64(base64::Decoder),
}

/// Bytes looked at to tell base64 armour from binary. Random binary data has
/// every one of 64 bytes inside the armour alphabet with probability ~1e-36.
const SNIFF_LEN: usize = 64;
/// Base64 of one 16-byte block, without its newline.
const MIN_HEADERLESS_ARMOUR: usize = 24;

/// Streaming decryption of an OpenSSL `enc` file.
///
/// Feed the file in chunks of any size with [`Decryptor::update`]; plaintext is
/// appended to `out` as soon as it is known. [`Decryptor::finish`] checks the final
/// padding. Output before `finish` succeeds must not be trusted (and even then,
/// see the module documentation: this format has no integrity protection).
pub struct Decryptor {
    params: Params,
    password: Password,
    armour: ArmourState,
    header: Vec<u8>,
    mode: Option<Mode>,
    /// CBC: ciphertext held back (the last block must be unpadded at the end).
    tail: Vec<u8>,
    scratch: Vec<u8>,
}

impl Decryptor {
    /// Prepares to decrypt; nothing is derived until the salt has been read.
    pub fn new(password: Password, params: Params) -> Self {
        let armour = match params.armour {
            Armour::Auto => ArmourState::Undecided(Vec::new()),
            Armour::Binary => ArmourState::Binary,
            Armour::Base64 { .. } => ArmourState::Base64(base64::Decoder::default()),
        };
        Decryptor {
            params,
            password,
            armour,
            header: Vec::new(),
            mode: None,
            tail: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// The parameters in use.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Whether the input turned out to be base64 armoured (`None` while undecided).
    pub fn is_base64(&self) -> Option<bool> {
        match self.armour {
            ArmourState::Undecided(_) => None,
            ArmourState::Binary => Some(false),
            ArmourState::Base64(_) => Some(true),
        }
    }

    /// Feeds the next chunk of the file, appending the plaintext it completes to `out`.
    ///
    /// # Errors
    /// [`Error::NotEncrypted`] if the expected `Salted__` header is missing,
    /// [`Error::Corrupt`] for invalid base64.
    pub fn update(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<()> {
        match &mut self.armour {
            ArmourState::Binary => self.binary(input, out),
            ArmourState::Base64(dec) => {
                let mut scratch = core::mem::take(&mut self.scratch);
                scratch.clear();
                // Bytes decoded before an invalid character still go through the
                // header check first, so that the error reported is the first one in
                // the stream whatever the chunking (a bad header before bad armour).
                let decoded = dec.update(input, &mut scratch);
                let r = self.binary(&scratch, out).and(decoded);
                self.scratch = scratch;
                r
            }
            ArmourState::Undecided(buf) => {
                let want = SNIFF_LEN.saturating_sub(buf.len()).min(input.len());
                buf.extend_from_slice(&input[..want]);
                if buf.len() >= SNIFF_LEN {
                    self.decide_armour(out)?;
                    self.update(&input[want..], out)
                } else {
                    Ok(())
                }
            }
        }
    }

    fn decide_armour(&mut self, out: &mut Vec<u8>) -> Result<()> {
        if let ArmourState::Undecided(buf) = &mut self.armour {
            let buf = core::mem::take(buf);
            // A headerless file's first bytes are ciphertext, and a short random
            // string is often all base64 characters (one byte: 1 in 4). Armour of a
            // headerless CBC file is at least 24 characters, so shorter input is taken
            // as binary; pass `Armour::Base64` for a short armoured CTR file.
            let min = if self.params.salt == Salt::Header { 1 } else { MIN_HEADERLESS_ARMOUR };
            // A file cut inside `Salted__` is all letters, but it is a truncated
            // binary file, not armour (armour would start `U2F`).
            let cut_magic = self.params.salt == Salt::Header && MAGIC.starts_with(&buf);
            let armoured = buf.len() >= min && !cut_magic && buf.iter().all(|&b| base64::is_armour_byte(b));
            self.armour =
                if armoured { ArmourState::Base64(base64::Decoder::default()) } else { ArmourState::Binary };
            self.update(&buf, out)?;
        }
        Ok(())
    }

    fn start(&mut self, salt: &[u8]) -> Result<()> {
        let keys = KeyMaterial::derive(&self.params, &self.password, salt)?;
        self.mode = Some(if self.params.cipher.is_cbc() {
            Mode::Cbc(keys.cbc_decryptor(keys.iv())?)
        } else {
            Mode::Ctr(keys.ctr()?)
        });
        Ok(())
    }

    fn binary(&mut self, mut input: &[u8], out: &mut Vec<u8>) -> Result<()> {
        if self.mode.is_none() {
            match self.params.salt {
                Salt::Header => {
                    let want = (16 - self.header.len()).min(input.len());
                    self.header.extend_from_slice(&input[..want]);
                    input = &input[want..];
                    let n = self.header.len().min(8);
                    if self.header[..n] != MAGIC[..n] {
                        return Err(Error::NotEncrypted);
                    }
                    if self.header.len() < 16 {
                        return Ok(());
                    }
                    let salt = self.header[8..16].to_vec();
                    self.start(&salt)?;
                }
                Salt::None => self.start(&[])?,
                Salt::Explicit(salt) => self.start(&salt)?,
            }
        }
        match &mut self.mode {
            Some(Mode::Ctr(ctr)) => {
                let start = out.len();
                out.extend_from_slice(input);
                ctr.apply(&mut out[start..]);
            }
            Some(Mode::Cbc(cbc)) => {
                // Keep at least one whole block back: it may be the padded last one.
                let total = self.tail.len() + input.len();
                if total <= BLOCK {
                    self.tail.extend_from_slice(input);
                    return Ok(());
                }
                let n = (total - 1) / BLOCK * BLOCK;
                let held = n.min(self.tail.len());
                cbc.decrypt_append(&self.tail[..held], input, n, out);
                self.tail.drain(..held);
                self.tail.extend_from_slice(&input[n - held..]);
            }
            None => {}
        }
        Ok(())
    }

    /// Ends the stream: removes and checks the final padding (CBC).
    ///
    /// # Errors
    /// [`Error::Truncated`] if the file ends mid-block or has no ciphertext,
    /// [`Error::WrongPassword`] (with [`PasswordCheck::Padding`]) if the padding is
    /// invalid, [`Error::NotEncrypted`] if the header is missing.
    pub fn finish(mut self, out: &mut Vec<u8>) -> Result<Integrity> {
        self.decide_armour(out)?;
        if let ArmourState::Base64(dec) = &self.armour {
            dec.finish()?;
        }
        if self.mode.is_none() {
            match self.params.salt {
                Salt::Header if self.header.is_empty() => return Err(Error::NotEncrypted),
                Salt::Header => return Err(Error::Truncated),
                _ => self.binary(&[], out)?,
            }
        }
        match &mut self.mode {
            Some(Mode::Cbc(cbc)) => {
                if self.tail.len() != BLOCK {
                    return Err(Error::Truncated);
                }
                // Wiped on every path, the padding error included.
                let mut last = Zeroizing::new([0u8; BLOCK]);
                last.copy_from_slice(&self.tail);
                cbc.decrypt(&mut last[..]);
                let n = pkcs7_data_len(&last).ok_or(Error::WrongPassword(PasswordCheck::Padding))?;
                out.extend_from_slice(&last[..n]);
                Ok(Integrity::PaddingChecked)
            }
            _ => Ok(Integrity::Unchecked),
        }
    }
}

impl Drop for Decryptor {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.scratch);
    }
}
