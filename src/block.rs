//! AES in CBC and CTR mode over byte buffers, for the three key sizes.
//!
//! The RustCrypto types are generic over the key size; the formats choose it at
//! run time, so these enums pick the instance once and keep the hot loops generic.

use aes::{Aes128, Aes192, Aes256};
use alloc::vec::Vec;
use cipher::array::Array;
use cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, StreamCipher, StreamCipherSeek};

/// AES block size in bytes.
pub(crate) const BLOCK: usize = 16;

macro_rules! by_key_len {
    ($key:expr, $iv:expr, $ty:ident, $enum:ident) => {
        match $key.len() {
            16 => $enum::A128($ty::<Aes128>::new_from_slices($key, $iv).ok()?),
            24 => $enum::A192($ty::<Aes192>::new_from_slices($key, $iv).ok()?),
            32 => $enum::A256($ty::<Aes256>::new_from_slices($key, $iv).ok()?),
            _ => return None,
        }
    };
}

type Dec<C> = cbc::Decryptor<C>;
type Enc<C> = cbc::Encryptor<C>;
type Ctr<C> = ctr::Ctr128BE<C>;

/// CBC decryption that keeps its chaining state between calls.
pub(crate) enum CbcDecryptor {
    A128(Dec<Aes128>),
    A192(Dec<Aes192>),
    A256(Dec<Aes256>),
}

impl CbcDecryptor {
    /// `None` only for a key length other than 16, 24 or 32 bytes.
    pub(crate) fn new(key: &[u8], iv: &[u8]) -> Option<Self> {
        Some(by_key_len!(key, iv, Dec, CbcDecryptor))
    }

    /// Decrypts whole blocks in place; a trailing partial block is left untouched
    /// (callers only pass multiples of 16).
    pub(crate) fn decrypt(&mut self, buf: &mut [u8]) {
        let (blocks, _) = Array::slice_as_chunks_mut(buf);
        match self {
            CbcDecryptor::A128(d) => d.decrypt_blocks(blocks),
            CbcDecryptor::A192(d) => d.decrypt_blocks(blocks),
            CbcDecryptor::A256(d) => d.decrypt_blocks(blocks),
        }
    }

    /// Appends to `out` the decryption of `held` (bytes kept from earlier calls)
    /// followed by the start of `input`, `n` bytes in all (a multiple of 16, at
    /// least `held.len()`). The input is decrypted straight into `out` rather than
    /// copied there first: the copy cost more than the AES itself, since glibc's
    /// `rep movsb` runs at a fraction of its speed on AMD for some buffer
    /// alignments (docs/BENCHMARKS.md).
    pub(crate) fn decrypt_append(&mut self, held: &[u8], input: &[u8], n: usize, out: &mut Vec<u8>) {
        let start = out.len();
        let lead = (BLOCK - held.len() % BLOCK) % BLOCK;
        out.extend_from_slice(held);
        out.extend_from_slice(&input[..lead]);
        self.decrypt(&mut out[start..]);
        let mid = out.len();
        out.resize(start + n, 0);
        let (from, _) = Array::slice_as_chunks(&input[lead..n - held.len()]);
        let (to, _) = Array::slice_as_chunks_mut(&mut out[mid..]);
        let r = match self {
            CbcDecryptor::A128(d) => d.decrypt_blocks_b2b(from, to),
            CbcDecryptor::A192(d) => d.decrypt_blocks_b2b(from, to),
            CbcDecryptor::A256(d) => d.decrypt_blocks_b2b(from, to),
        };
        debug_assert!(r.is_ok(), "whole blocks of equal length");
    }
}

/// CBC encryption that keeps its chaining state between calls.
pub(crate) enum CbcEncryptor {
    A128(Enc<Aes128>),
    A192(Enc<Aes192>),
    A256(Enc<Aes256>),
}

impl CbcEncryptor {
    pub(crate) fn new(key: &[u8], iv: &[u8]) -> Option<Self> {
        Some(by_key_len!(key, iv, Enc, CbcEncryptor))
    }

    /// Encrypts whole blocks in place (callers only pass multiples of 16).
    pub(crate) fn encrypt(&mut self, buf: &mut [u8]) {
        let (blocks, _) = Array::slice_as_chunks_mut(buf);
        match self {
            CbcEncryptor::A128(e) => e.encrypt_blocks(blocks),
            CbcEncryptor::A192(e) => e.encrypt_blocks(blocks),
            CbcEncryptor::A256(e) => e.encrypt_blocks(blocks),
        }
    }

    /// Appends to `out` the encryption of `held` (fewer than 16 bytes kept from
    /// the previous call) followed by the start of `input`, `n` bytes in all (a
    /// multiple of 16, at least `held.len()`). As in
    /// [`CbcDecryptor::decrypt_append`], nothing is copied first: the copy cost a
    /// tenth of the CBC thread's time.
    pub(crate) fn encrypt_append(&mut self, held: &[u8], input: &[u8], n: usize, out: &mut Vec<u8>) {
        let start = out.len();
        let lead = (BLOCK - held.len() % BLOCK) % BLOCK;
        out.extend_from_slice(held);
        out.extend_from_slice(&input[..lead]);
        self.encrypt(&mut out[start..]);
        let mid = out.len();
        out.resize(start + n, 0);
        let from = &input[lead..n - held.len()];
        let (from, _) = Array::slice_as_chunks(from);
        let (to, _) = Array::slice_as_chunks_mut(&mut out[mid..]);
        let r = match self {
            CbcEncryptor::A128(e) => e.encrypt_blocks_b2b(from, to),
            CbcEncryptor::A192(e) => e.encrypt_blocks_b2b(from, to),
            CbcEncryptor::A256(e) => e.encrypt_blocks_b2b(from, to),
        };
        debug_assert!(r.is_ok(), "whole blocks of equal length");
    }
}

/// AES-CTR with a 128-bit big-endian counter, as OpenSSL's `aes-*-ctr`.
pub(crate) enum CtrCipher {
    A128(Ctr<Aes128>),
    A192(Ctr<Aes192>),
    A256(Ctr<Aes256>),
}

impl CtrCipher {
    pub(crate) fn new(key: &[u8], iv: &[u8]) -> Option<Self> {
        Some(by_key_len!(key, iv, Ctr, CtrCipher))
    }

    pub(crate) fn apply(&mut self, buf: &mut [u8]) {
        match self {
            CtrCipher::A128(c) => c.apply_keystream(buf),
            CtrCipher::A192(c) => c.apply_keystream(buf),
            CtrCipher::A256(c) => c.apply_keystream(buf),
        }
    }

    /// Moves the keystream to byte `pos` (for random access).
    #[allow(dead_code, reason = "used by the random-access reader")]
    pub(crate) fn seek(&mut self, pos: u64) {
        match self {
            CtrCipher::A128(c) => c.seek(pos),
            CtrCipher::A192(c) => c.seek(pos),
            CtrCipher::A256(c) => c.seek(pos),
        }
    }
}

/// Checks PKCS#7 padding on the last block and returns how many data bytes it holds.
/// Every pad byte is compared, in constant time with respect to their values.
pub(crate) fn pkcs7_data_len(last: &[u8; BLOCK]) -> Option<usize> {
    let pad = last[BLOCK - 1];
    if pad == 0 || usize::from(pad) > BLOCK {
        return None;
    }
    let mut diff = 0u8;
    for (i, b) in last.iter().enumerate() {
        // Only positions inside the padding take part.
        let in_pad = u8::from(i >= BLOCK - usize::from(pad));
        diff |= (b ^ pad) & 0u8.wrapping_sub(in_pad);
    }
    (diff == 0).then_some(BLOCK - usize::from(pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkcs7_accepts_only_exact_padding() {
        let mut b = [7u8; 16];
        b[15] = 16;
        assert_eq!(pkcs7_data_len(&b), None);
        let b = [16u8; 16];
        assert_eq!(pkcs7_data_len(&b), Some(0));
        let mut b = [0xAAu8; 16];
        b[13..].copy_from_slice(&[3, 3, 3]);
        assert_eq!(pkcs7_data_len(&b), Some(13));
        b[13] = 2;
        assert_eq!(pkcs7_data_len(&b), None);
        b[15] = 0;
        assert_eq!(pkcs7_data_len(&b), None);
        b[15] = 17;
        assert_eq!(pkcs7_data_len(&b), None);
    }
}
