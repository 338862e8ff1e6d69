//! Key derivation: OpenSSL's PBKDF2 and EVP_BytesToKey, and AES Crypt's two KDFs.

use alloc::vec::Vec;
use hmac::Hmac;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::password::Password;

/// The message digest OpenSSL's `-md` option names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Md {
    /// MD5: OpenSSL's legacy default before 1.1.0.
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-256: OpenSSL's default since 1.1.0.
    Sha256,
    /// SHA-512.
    Sha512,
}

impl Md {
    /// The name OpenSSL uses for `-md`.
    pub fn name(self) -> &'static str {
        match self {
            Md::Md5 => "md5",
            Md::Sha1 => "sha1",
            Md::Sha256 => "sha256",
            Md::Sha512 => "sha512",
        }
    }

    /// Parses an OpenSSL digest name (case-insensitive, `sha-256` also accepted).
    pub fn from_name(name: &str) -> Option<Md> {
        let lower: Vec<u8> = name.bytes().filter(|b| *b != b'-').map(|b| b.to_ascii_lowercase()).collect();
        match lower.as_slice() {
            b"md5" => Some(Md::Md5),
            b"sha1" => Some(Md::Sha1),
            b"sha256" => Some(Md::Sha256),
            b"sha512" => Some(Md::Sha512),
            _ => None,
        }
    }
}

/// `PBKDF2-HMAC-<md>(password, salt, iterations)` filling `out`.
pub(crate) fn pbkdf2(md: Md, password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
    // HMAC accepts keys of any length, so `pbkdf2` cannot fail here; the result is
    // ignored rather than unwrapped so that no input can reach a panic.
    let _ = match md {
        Md::Md5 => pbkdf2::pbkdf2::<Hmac<Md5>>(password, salt, iterations, out),
        Md::Sha1 => pbkdf2::pbkdf2::<Hmac<Sha1>>(password, salt, iterations, out),
        Md::Sha256 => pbkdf2::pbkdf2::<Hmac<Sha256>>(password, salt, iterations, out),
        Md::Sha512 => pbkdf2::pbkdf2::<Hmac<Sha512>>(password, salt, iterations, out),
    };
}

/// OpenSSL's legacy `EVP_BytesToKey` with one iteration:
/// `D1 = H(pw || salt)`, `Di = H(D(i-1) || pw || salt)`, concatenated.
pub(crate) fn evp_bytes_to_key(md: Md, password: &[u8], salt: &[u8], out: &mut [u8]) {
    fn run<D: Digest>(password: &[u8], salt: &[u8], out: &mut [u8]) {
        let mut prev: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::new());
        let mut filled = 0;
        while filled < out.len() {
            let mut h = D::new();
            h.update(&prev[..]);
            h.update(password);
            h.update(salt);
            let d = h.finalize();
            prev.clear();
            prev.extend_from_slice(&d);
            let n = core::cmp::min(d.len(), out.len() - filled);
            out[filled..filled + n].copy_from_slice(&d[..n]);
            filled += n;
        }
    }
    match md {
        Md::Md5 => run::<Md5>(password, salt, out),
        Md::Sha1 => run::<Sha1>(password, salt, out),
        Md::Sha256 => run::<Sha256>(password, salt, out),
        Md::Sha512 => run::<Sha512>(password, salt, out),
    }
}

/// AES Crypt v0–v2 "ACKDF": 8192 rounds of `d = SHA-256(d || password as UTF-16LE)`
/// starting from `IV || 16 zero bytes`.
pub(crate) fn ackdf(password: &Password, iv: &[u8; 16]) -> Result<Zeroizing<[u8; 32]>> {
    #[cfg(all(fuzzing, feature = "std"))]
    if let Some(k) = fuzzing_cache::get(password, iv) {
        return Ok(k);
    }
    let text = password
        .as_str()
        .ok_or(Error::InvalidInput("AES Crypt needs a password that is valid UTF-8 text"))?;
    let mut utf16: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(text.len() * 2));
    for unit in text.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let mut d = Zeroizing::new([0u8; 32]);
    d[..16].copy_from_slice(iv);
    for _ in 0..8192 {
        let mut h = Sha256::new();
        h.update(&d[..]);
        h.update(&utf16[..]);
        d.copy_from_slice(&h.finalize());
    }
    #[cfg(all(fuzzing, feature = "std"))]
    fuzzing_cache::put(password, iv, &d);
    Ok(d)
}

/// Fuzzing builds only (`--cfg fuzzing`, set by cargo-fuzz): remembers the last few
/// ACKDF results so that the fuzzer can spend its time on the header and payload
/// parsers instead of on 8192 SHA-256 rounds per execution. Never compiled otherwise.
#[cfg(all(fuzzing, feature = "std"))]
mod fuzzing_cache {
    use super::{Password, Zeroizing};
    use std::sync::Mutex;
    use std::vec::Vec;

    type Entry = (Vec<u8>, [u8; 16], [u8; 32]);
    static CACHE: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

    pub(super) fn get(password: &Password, iv: &[u8; 16]) -> Option<Zeroizing<[u8; 32]>> {
        let cache = CACHE.lock().ok()?;
        let hit = cache.iter().find(|(p, i, _)| p == password.as_bytes() && i == iv);
        hit.map(|(_, _, k)| Zeroizing::new(*k))
    }

    pub(super) fn put(password: &Password, iv: &[u8; 16], key: &[u8; 32]) {
        if let Ok(mut cache) = CACHE.lock() {
            if cache.len() >= 16 {
                cache.remove(0);
            }
            cache.push((password.as_bytes().to_vec(), *iv, *key));
        }
    }
}

/// AES Crypt v3: `PBKDF2-HMAC-SHA512(password as UTF-8, IV, iterations, 32)`.
pub(crate) fn aescrypt3(password: &Password, iv: &[u8; 16], iterations: u32) -> Result<Zeroizing<[u8; 32]>> {
    let text = password
        .as_str()
        .ok_or(Error::InvalidInput("AES Crypt needs a password that is valid UTF-8 text"))?;
    let mut k = Zeroizing::new([0u8; 32]);
    pbkdf2(Md::Sha512, text.as_bytes(), iv, iterations, &mut k[..]);
    Ok(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn formats_6_1_openssl_pbkdf2_vector() {
        let mut out = [0u8; 48];
        pbkdf2(Md::Sha256, b"password", &hex("0102030405060708"), 10000, &mut out);
        assert_eq!(out[..32], hex("f550f3f36ca07658588cbea7d3b646c64080f8e5384c695db2f79e46195168b8")[..]);
        assert_eq!(out[32..], hex("b660854e36be6d9e7afd642db034050e")[..]);
    }

    #[test]
    fn formats_6_2_openssl_evp_bytes_to_key_vectors() {
        let salt = hex("0102030405060708");
        let mut out = [0u8; 48];
        evp_bytes_to_key(Md::Md5, b"password", &salt, &mut out);
        assert_eq!(out[..32], hex("e7b0971e52ca5cc8d0539fb3412f6316f7ba2e6ee293d9f3457b99436b51ce02")[..]);
        assert_eq!(out[32..], hex("8d450e2ed75a84a923d4eac9fe49226b")[..]);
        evp_bytes_to_key(Md::Sha256, b"password", &salt, &mut out);
        assert_eq!(out[..32], hex("2435177f1410536baad2acc155c0f94783d58384573cb0f72157443606285d3f")[..]);
        assert_eq!(out[32..], hex("f96efc044e0f1613bf324245c95e7411")[..]);
    }

    #[test]
    fn formats_6_3_ackdf_vectors() {
        let iv: [u8; 16] = hex("000102030405060708090a0b0c0d0e0f").try_into().unwrap();
        let k = ackdf(&Password::from("apples"), &iv).unwrap();
        assert_eq!(k[..], hex("0e08a286b214c8d143c7541098a75de421146a60d49b59c2ce70dedcf4e86f6a")[..]);
        let k = ackdf(&Password::from("pässwörd-日本"), &iv).unwrap();
        assert_eq!(k[..], hex("fdfbe16431801ab08e5ad86bf2f938c45ad480c3708e93b4b96e4f925fd481cc")[..]);
    }

    #[test]
    fn formats_6_4_aescrypt3_kdf_vector() {
        let iv: [u8; 16] = hex("1573be9313a2b1c82bef2af85a0fd53c").try_into().unwrap();
        let k = aescrypt3(&Password::from("apples"), &iv, 1000).unwrap();
        assert_eq!(k[..], hex("74f748022215e8f37a89c22b10905fe961833377bd40dbdcc5e973b9c443f9fa")[..]);
    }

    #[test]
    fn md_names_round_trip() {
        for md in [Md::Md5, Md::Sha1, Md::Sha256, Md::Sha512] {
            assert_eq!(Md::from_name(md.name()), Some(md));
        }
        assert_eq!(Md::from_name("SHA-256"), Some(Md::Sha256));
        assert_eq!(Md::from_name("sha3"), None);
    }
}
