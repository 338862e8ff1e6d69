//! A tiny test-only writer for the AES Crypt versions the library only reads
//! (v0 and v1), following FORMATS.md §3.1–§3.3. Shared by tests/damage.rs,
//! tests/limits.rs and the fuzz crate (included with `#[path]`), so that every
//! version can be damaged and fuzzed from a known-good file.
#![allow(dead_code)]

use aes::Aes256;
use cipher::array::Array;
use cipher::{BlockModeEncrypt, KeyIvInit};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use backupcrypt::Password;
use backupcrypt::aescrypt::{Encryptor, Randomness, Version};

/// FORMATS.md §3.2: 8192 × SHA-256 over `d || password as UTF-16LE`.
pub fn ackdf(password: &str, iv: &[u8; 16]) -> [u8; 32] {
    let utf16: Vec<u8> = password.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut d = [0u8; 32];
    d[..16].copy_from_slice(iv);
    for _ in 0..8192 {
        let mut h = Sha256::new();
        h.update(d);
        h.update(&utf16);
        d.copy_from_slice(&h.finalize());
    }
    d
}

fn cbc_encrypt(key: &[u8; 32], iv: &[u8; 16], buf: &mut [u8]) {
    let mut e = cbc::Encryptor::<Aes256>::new_from_slices(key, iv).expect("key and IV lengths");
    let (blocks, rest) = Array::slice_as_chunks_mut(buf);
    assert!(rest.is_empty());
    e.encrypt_blocks(blocks);
}

/// pyAesCrypt-style padding (FORMATS.md §3.3): `16-m` bytes of `16-m`, and no
/// block at all when the length is a multiple of 16.
fn pad_v0_v2(plaintext: &[u8]) -> Vec<u8> {
    let mut p = plaintext.to_vec();
    let m = plaintext.len() % 16;
    if m != 0 {
        p.extend(core::iter::repeat_n((16 - m) as u8, 16 - m));
    }
    p
}

/// A version 0 file: `AES 00 M IV C T2`, with `C` and `T2` keyed by the KDF output.
pub fn v0(password: &str, iv: [u8; 16], plaintext: &[u8]) -> Vec<u8> {
    let key = ackdf(password, &iv);
    let mut c = pad_v0_v2(plaintext);
    cbc_encrypt(&key, &iv, &mut c);
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).expect("any key length");
    mac.update(&c);
    let mut f = b"AES\x00".to_vec();
    f.push((plaintext.len() % 16) as u8);
    f.extend_from_slice(&iv);
    f.extend_from_slice(&c);
    f.extend_from_slice(&mac.finalize().into_bytes());
    f
}

/// A version 2 file from the library's own writer (byte-compatible with pyAesCrypt).
pub fn v2(password: &str, iv: [u8; 16], plaintext: &[u8]) -> Vec<u8> {
    encrypt(password, Version::V2, iv, plaintext)
}

/// A version 3 file with the given iteration count.
pub fn v3(password: &str, iterations: u32, iv: [u8; 16], plaintext: &[u8]) -> Vec<u8> {
    encrypt(password, Version::V3 { iterations }, iv, plaintext)
}

fn encrypt(password: &str, version: Version, iv: [u8; 16], plaintext: &[u8]) -> Vec<u8> {
    let random = Randomness { iv, session_iv: [0x5a; 16], session_key: [0xa5; 32] };
    let mut e = Encryptor::new(&Password::from(password), version, &random).expect("encryptor");
    let mut out = Vec::new();
    e.update(plaintext, &mut out);
    e.finish(&mut out);
    out
}

/// A version 1 file: v1 is v2 without the extension list (`T1` does not cover the
/// version byte in v1/v2, so the rest of the file is unchanged).
pub fn v1(password: &str, iv: [u8; 16], plaintext: &[u8]) -> Vec<u8> {
    let v2 = v2(password, iv, plaintext);
    let body = skip_extensions(&v2, 5);
    let mut f = b"AES\x01\x00".to_vec();
    f.extend_from_slice(&v2[body..]);
    f
}

/// The offset just past the extension list that starts at `at`.
pub fn skip_extensions(file: &[u8], mut at: usize) -> usize {
    loop {
        let len = usize::from(u16::from_be_bytes([file[at], file[at + 1]]));
        at += 2 + len;
        if len == 0 {
            return at;
        }
    }
}

/// Where the ciphertext starts (the header length) for a file of any version.
pub fn header_len(file: &[u8]) -> usize {
    match file[3] {
        0 => 5 + 16,
        1 => 5 + 16 + 48 + 32,
        2 => skip_extensions(file, 5) + 16 + 48 + 32,
        _ => skip_extensions(file, 5) + 4 + 16 + 48 + 32,
    }
}
