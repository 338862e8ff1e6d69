//! The end of an AES Crypt file: `… | last ciphertext block | [modulo byte] | T2`.
//!
//! One check, called by every reader: the streaming [`Decryptor`](super::Decryptor),
//! the random-access [`SeekableCipher`](crate::seekable::SeekableCipher), the
//! page's split decryptor and `inspect`. Each of them used to carry its own copy,
//! and copies of "is the ciphertext whole blocks, where is the modulo byte, what
//! does a bad `T2` mean" drift apart.

use alloc::vec::Vec;
use hmac::Mac;
use zeroize::Zeroizing;

use super::{Header, HmacSha256};
use crate::block::{BLOCK, CbcDecryptor, pkcs7_data_len};
use crate::error::{Corruption, Error, PasswordCheck, Result};

/// `T2`, the HMAC-SHA256 that ends every file.
pub const TAG_LEN: usize = 32;

impl Header {
    /// Bytes after the ciphertext: `T2`, after the modulo byte in v1 and v2.
    pub fn trailer_len(&self) -> usize {
        TAG_LEN + usize::from(matches!(self.version, 1 | 2))
    }

    /// The ciphertext length of a file of `file_len` bytes with this header.
    ///
    /// # Errors
    /// [`Error::Truncated`] unless whole blocks sit between the header and the
    /// trailer.
    pub fn ciphertext_len(&self, file_len: u64) -> Result<u64> {
        let c = file_len.checked_sub(self.len + self.trailer_len() as u64).ok_or(Error::Truncated)?;
        if c % BLOCK as u64 == 0 { Ok(c) } else { Err(Error::Truncated) }
    }

    /// The modulo byte (v1, v2: the trailer's first byte; v0, v3: from the
    /// header) and `T2`, given the trailer (exactly [`Header::trailer_len`] bytes).
    pub(crate) fn split_trailer<'a>(&self, trailer: &'a [u8]) -> (u8, &'a [u8]) {
        match self.version {
            1 | 2 => (trailer[0], &trailer[1..]),
            _ => (self.modulo, trailer),
        }
    }
}

/// Compares the HMAC over the ciphertext with `T2`. In v0 a mismatch is a wrong
/// password: v0 has no `T1`, so nothing checked the password earlier.
pub(crate) fn check_tag(version: u8, mac: HmacSha256, tag: &[u8]) -> Result<()> {
    match mac.verify_slice(tag) {
        Ok(()) => Ok(()),
        Err(_) if version == 0 => Err(Error::WrongPassword(PasswordCheck::PayloadHmac)),
        Err(_) => Err(Error::Corrupt(Corruption::PayloadHmac)),
    }
}

/// v0–v2: the plaintext length from the ciphertext length and the modulo byte.
/// Only its low four bits count (0: the last block is full); an empty ciphertext is
/// an empty plaintext whatever the byte says (AES Crypt 3.x wrote a stale one).
/// Never look at the pad bytes: AES Crypt 3.x wrote random ones.
pub(crate) fn modulo_plaintext_len(ct_len: u64, modulo: u8) -> u64 {
    match modulo & 0x0f {
        _ if ct_len == 0 => 0,
        0 => ct_len,
        m => ct_len - BLOCK as u64 + u64::from(m),
    }
}

/// The plaintext length of `ct_len` bytes of ciphertext: v0–v2 from the modulo
/// byte, v3 from the PKCS#7 padding of `last`, the decrypted last block (which
/// v0–v2 do not need). v3 always has a last block; an empty v3 ciphertext is
/// damage.
///
/// # Errors
/// [`Error::Corrupt`] (padding) for a v3 file with a bad or missing last block.
pub(crate) fn plaintext_len(
    header: &Header,
    modulo: u8,
    ct_len: u64,
    last: Option<&[u8; BLOCK]>,
) -> Result<u64> {
    if header.version != 3 {
        return Ok(modulo_plaintext_len(ct_len, modulo));
    }
    // T1 proved the key, so a bad padding can only be damage.
    let keep =
        last.filter(|_| ct_len > 0).and_then(pkcs7_data_len).ok_or(Error::Corrupt(Corruption::Padding))?;
    Ok(ct_len - BLOCK as u64 + keep as u64)
}

/// Ends a forward decryption: `rest` is what the reader held back, the last
/// ciphertext block (if any) and the trailer; `mac` has seen every ciphertext byte
/// before `rest`, and `cbc` is chained up to it. Checks the length, `T2` and the
/// padding, then appends the last plaintext bytes to `out`.
///
/// # Errors
/// [`Error::Truncated`] if `rest` is not zero or one block and a trailer;
/// [`check_tag`] and [`plaintext_len`] errors.
pub(crate) fn finish(
    header: &Header,
    mut mac: HmacSha256,
    cbc: &mut CbcDecryptor,
    rest: &[u8],
    out: &mut Vec<u8>,
) -> Result<()> {
    let c_len = rest.len().checked_sub(header.trailer_len()).ok_or(Error::Truncated)?;
    if c_len != 0 && c_len != BLOCK {
        return Err(Error::Truncated);
    }
    let (c_last, trailer) = rest.split_at(c_len);
    mac.update(c_last);
    let (modulo, tag) = header.split_trailer(trailer);
    check_tag(header.version, mac, tag)?;
    let mut last = Zeroizing::new([0u8; BLOCK]);
    let keep = if c_last.is_empty() {
        plaintext_len(header, modulo, 0, None)?
    } else {
        last.copy_from_slice(c_last);
        cbc.decrypt(&mut last[..]);
        plaintext_len(header, modulo, BLOCK as u64, Some(&last))?
    };
    out.extend_from_slice(&last[..keep as usize]);
    Ok(())
}
