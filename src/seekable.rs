//! Random access into an encrypted file: decrypt any byte range without the rest.
//!
//! CBC has random access for reading: plaintext block `i` needs only ciphertext
//! blocks `i-1` (or the IV, for `i = 0`) and `i`. CTR needs only the counter for
//! block `i`. So from the file's first bytes (the header) and last bytes (the final
//! blocks and trailer), [`SeekableCipher::open`] derives the keys once, checks the
//! password as far as the format allows, and works out where the ciphertext lies
//! and the exact plaintext length; [`SeekableCipher::decrypt_blocks`] then
//! decrypts any run of blocks.
//!
//! **Data read this way is unverified.** AES Crypt's HMAC covers the whole
//! ciphertext, so it can only be checked by a full pass ([`Verifier`]); OpenSSL
//! files have no integrity check at all beyond the final padding, which `open`
//! already checked. A wrong password is still refused at open time: AES Crypt
//! v1–v3 by the header HMAC (`T1`), OpenSSL CBC by the final padding (about 1 wrong
//! password in 256 passes it, as with `openssl enc -d`). AES Crypt v0 and OpenSSL
//! CTR have nothing to check until the full pass.
//!
//! This module does no I/O (the `std` adapter is
//! [`crate::io::SeekableDecryptor`]), so it also runs in the browser.

use alloc::vec::Vec;
use hmac::Mac;
use zeroize::Zeroizing;

use crate::aescrypt::{self, Header, HeaderParser};
use crate::block::{BLOCK, CbcDecryptor, CtrCipher, pkcs7_data_len};
use crate::error::{Error, PasswordCheck, Result};
use crate::openssl::{self, Armour, KeyMaterial, Params, Salt};
use crate::sniff::{self, Kind};
use crate::{DecryptOptions, Format, Integrity, Password};

/// Bytes of the file's start to pass to [`SeekableCipher::open`] at first. AES
/// Crypt headers with long extensions can need more: `open` then asks for it.
pub const HEAD_LEN: usize = 4096;
/// Bytes of the file's end that [`SeekableCipher::open`] needs (fewer if the file
/// is shorter): the AES Crypt trailer (33) and the last two blocks.
pub const TAIL_LEN: usize = 80;

/// The result of [`SeekableCipher::open`].
pub enum Opened {
    /// Ready for random access.
    Ready(alloc::boxed::Box<SeekableCipher>),
    /// The header is longer than the bytes given: call again with at least this
    /// many bytes of the file's start.
    NeedHead(usize),
}

enum Mode {
    Cbc { key: Zeroizing<Vec<u8>>, iv: [u8; 16] },
    Ctr { key: Zeroizing<Vec<u8>>, iv: [u8; 16] },
}

/// Keys and layout of one encrypted file, for decrypting any block range.
pub struct SeekableCipher {
    format: Format,
    mode: Mode,
    /// AES Crypt: the key of `T2`, and the header.
    mac_key: Option<Zeroizing<[u8; 32]>>,
    header: Option<Header>,
    ct_start: u64,
    ct_len: u64,
    plaintext_len: u64,
    checked: Integrity,
}

impl SeekableCipher {
    /// Derives the keys and reads the layout from the file's first bytes (`head`,
    /// [`HEAD_LEN`] or the whole file if shorter), its last bytes (`tail`,
    /// [`TAIL_LEN`] or the whole file if shorter) and its length.
    ///
    /// OpenSSL parameters come from `options.openssl` (default:
    /// `-aes-256-cbc -pbkdf2`). Base64-armoured files have no block positions and
    /// are refused with [`Error::Unsupported`].
    ///
    /// # Errors
    /// [`Error::WrongPassword`] (AES Crypt `T1`, OpenSSL CBC padding),
    /// [`Error::NotEncrypted`], [`Error::Truncated`] (length impossible for the
    /// format), [`Error::Corrupt`] (AES Crypt v3 padding), and the header errors.
    pub fn open(
        password: &Password,
        options: &DecryptOptions,
        head: &[u8],
        tail: &[u8],
        len: u64,
    ) -> Result<Opened> {
        let explicit_openssl = options.openssl.is_some_and(|p| p.headerless());
        if head.is_empty() && !explicit_openssl {
            return Err(Error::NotEncrypted);
        }
        if (head.len() as u64) < len.min(sniff::SNIFF_LEN as u64) {
            return Ok(Opened::NeedHead(sniff::SNIFF_LEN));
        }
        let kind = sniff::sniff(head);
        if matches!(kind, Kind::AesCrypt { .. }) && !explicit_openssl {
            return open_aescrypt(password, options, head, tail, len);
        }
        if kind == Kind::OpenSslArmoured
            || matches!(options.openssl.map(|p| p.armour), Some(Armour::Base64 { .. }))
        {
            return Err(Error::Unsupported("random access to a base64-armoured file (decrypt it whole)"));
        }
        if explicit_openssl || kind == Kind::OpenSslSalted {
            // Without options, the one guess every front-end uses (it decides only
            // on strong evidence).
            let params = match options.openssl {
                Some(params) => params,
                None => openssl::guess(password, head, tail, Some(len))?.into_result()?.params,
            };
            return open_openssl(password, &params, head, tail, len)
                .map(|c| Opened::Ready(alloc::boxed::Box::new(c)));
        }
        Err(Error::NotEncrypted)
    }

    /// The file's format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The AES Crypt header (`None` for OpenSSL).
    pub fn aescrypt_header(&self) -> Option<&Header> {
        self.header.as_ref()
    }

    /// What `open` checked: [`Integrity::PaddingChecked`] for OpenSSL CBC,
    /// [`Integrity::Unchecked`] otherwise (the AES Crypt HMAC needs a full pass;
    /// `T1` proves only the password).
    pub fn checked_at_open(&self) -> Integrity {
        self.checked
    }

    /// The exact plaintext length.
    pub fn plaintext_len(&self) -> u64 {
        self.plaintext_len
    }

    /// File offset of the first ciphertext byte.
    pub fn ciphertext_start(&self) -> u64 {
        self.ct_start
    }

    /// Ciphertext length in bytes (whole blocks for CBC), without any trailer.
    pub fn ciphertext_len(&self) -> u64 {
        self.ct_len
    }

    /// Number of ciphertext blocks (the last one may be partly padding).
    pub fn blocks(&self) -> u64 {
        self.ct_len.div_ceil(BLOCK as u64)
    }

    /// True if decrypting block `i` also needs ciphertext block `i - 1` (CBC, `i > 0`).
    pub fn needs_previous_block(&self, i: u64) -> bool {
        matches!(self.mode, Mode::Cbc { .. }) && i > 0
    }

    /// Decrypts, in place, the ciphertext of blocks `first`, `first + 1`, … held in
    /// `buf` (whole blocks, except that a CTR file's last block may be short).
    /// `previous` is ciphertext block `first - 1`; it is required for CBC when
    /// `first > 0` (see [`SeekableCipher::needs_previous_block`]) and ignored otherwise.
    ///
    /// The output is **unverified** (see the module docs), and includes the
    /// padding of the last block: cut it at [`SeekableCipher::plaintext_len`].
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if `previous` is missing or `buf` is not whole blocks.
    pub fn decrypt_blocks(&self, first: u64, previous: Option<&[u8; 16]>, buf: &mut [u8]) -> Result<()> {
        match &self.mode {
            Mode::Cbc { key, iv } => {
                if buf.len() % BLOCK != 0 {
                    return Err(Error::InvalidInput("CBC random access needs whole blocks"));
                }
                let chain = if first == 0 {
                    iv
                } else {
                    previous.ok_or(Error::InvalidInput("CBC block needs the previous ciphertext block"))?
                };
                CbcDecryptor::new(key, chain).ok_or(Error::InvalidInput("key"))?.decrypt(buf);
            }
            Mode::Ctr { key, iv } => {
                let mut ctr = CtrCipher::new(key, iv).ok_or(Error::InvalidInput("key"))?;
                ctr.seek(first * BLOCK as u64);
                ctr.apply(buf);
            }
        }
        Ok(())
    }

    /// Starts the full integrity pass: feed it the whole ciphertext in order
    /// ([`SeekableCipher::ciphertext_start`] to `+ ciphertext_len`), then the
    /// trailer's tag.
    pub fn verifier(&self) -> Verifier {
        Verifier {
            mac: self.mac_key.as_ref().map(|k| aescrypt::hmac(&k[..])),
            checked: self.checked,
            version: self.header.as_ref().map_or(0, |h| h.version),
        }
    }

    /// File offset of the AES Crypt `T2` tag (the last 32 bytes); `None` for OpenSSL.
    pub fn tag_offset(&self) -> Option<u64> {
        let header = self.header.as_ref().filter(|_| self.mac_key.is_some())?;
        Some(self.ct_start + self.ct_len + header.trailer_len() as u64 - aescrypt::TAG_LEN as u64)
    }
}

/// The full pass behind [`SeekableCipher::verifier`]: the AES Crypt HMAC over the
/// ciphertext. For OpenSSL there is nothing more to check than `open` did.
pub struct Verifier {
    mac: Option<aescrypt::HmacSha256>,
    checked: Integrity,
    version: u8,
}

impl Verifier {
    /// Feeds the next ciphertext bytes.
    pub fn update(&mut self, ciphertext: &[u8]) {
        if let Some(m) = &mut self.mac {
            m.update(ciphertext);
        }
    }

    /// Compares the HMAC with the file's `T2` (`tag`, 32 bytes; ignored for OpenSSL).
    ///
    /// # Errors
    /// [`Error::Corrupt`] (v0: [`Error::WrongPassword`]) when the HMAC does not match.
    pub fn finish(self, tag: &[u8]) -> Result<Integrity> {
        match self.mac {
            None => Ok(self.checked),
            Some(m) => aescrypt::trailer::check_tag(self.version, m, tag).map(|()| Integrity::Authenticated),
        }
    }
}

/// The last `n` bytes of the file, from `tail`.
fn tail_bytes(tail: &[u8], len: u64, from_end: usize) -> Result<&[u8]> {
    if (tail.len() as u64) > len || tail.len() < from_end {
        return Err(Error::Truncated);
    }
    Ok(&tail[tail.len() - from_end..])
}

/// Decrypts the last CBC block (using the block before it, or the IV) and returns it.
fn last_cbc_block(key: &[u8], iv: &[u8; 16], tail_blocks: &[u8], ct_len: u64) -> Result<Zeroizing<[u8; 16]>> {
    let (prev, last) = tail_blocks.split_at(tail_blocks.len() - BLOCK);
    let chain: &[u8] = if ct_len >= 2 * BLOCK as u64 { &prev[prev.len() - BLOCK..] } else { iv };
    let mut block = Zeroizing::new([0u8; 16]);
    block.copy_from_slice(last);
    CbcDecryptor::new(key, chain).ok_or(Error::InvalidInput("key"))?.decrypt(&mut block[..]);
    Ok(block)
}

fn open_openssl(
    password: &Password,
    params: &Params,
    head: &[u8],
    tail: &[u8],
    len: u64,
) -> Result<SeekableCipher> {
    let (salt, offset): (&[u8], u64) = match &params.salt {
        Salt::Header => {
            if head.len() < 16 || &head[..8] != openssl::MAGIC {
                return Err(if head.starts_with(&openssl::MAGIC[..head.len().min(8)]) {
                    Error::Truncated
                } else {
                    Error::NotEncrypted
                });
            }
            (&head[8..16], 16)
        }
        Salt::None => (&[], 0),
        Salt::Explicit(s) => (&s[..], 0),
    };
    let ct_len = len.saturating_sub(offset);
    let keys = KeyMaterial::derive(params, password, salt)?;
    let key = Zeroizing::new(keys.key().to_vec());
    let iv = *keys.iv();
    if !params.cipher.is_cbc() {
        return Ok(SeekableCipher {
            format: Format::OpenSsl,
            mode: Mode::Ctr { key, iv },
            mac_key: None,
            header: None,
            ct_start: offset,
            ct_len,
            plaintext_len: ct_len,
            checked: Integrity::Unchecked,
        });
    }
    if ct_len == 0 || ct_len % BLOCK as u64 != 0 {
        return Err(Error::Truncated);
    }
    let n = (2 * BLOCK).min(ct_len as usize);
    let last = last_cbc_block(&key, &iv, tail_bytes(tail, len, n)?, ct_len)?;
    let keep = pkcs7_data_len(&last).ok_or(Error::WrongPassword(PasswordCheck::Padding))?;
    Ok(SeekableCipher {
        format: Format::OpenSsl,
        mode: Mode::Cbc { key, iv },
        mac_key: None,
        header: None,
        ct_start: offset,
        ct_len,
        plaintext_len: ct_len - BLOCK as u64 + keep as u64,
        checked: Integrity::PaddingChecked,
    })
}

fn open_aescrypt(
    password: &Password,
    options: &DecryptOptions,
    head: &[u8],
    tail: &[u8],
    len: u64,
) -> Result<Opened> {
    let mut parser = HeaderParser::default();
    parser.push(head)?;
    let Some(header) = parser.into_header() else {
        if (head.len() as u64) < len {
            // Extensions are at most 64 KiB each; ask for more in generous steps.
            return Ok(Opened::NeedHead(head.len().saturating_mul(2).max(HEAD_LEN)));
        }
        return Err(Error::Truncated);
    };
    let trailer = header.trailer_len();
    let ct_len = header.ciphertext_len(len)?;
    let (key, iv) = aescrypt::payload_keys(password, &options.limits, &header)?;
    let (modulo, _) = header.split_trailer(tail_bytes(tail, len, trailer)?);
    // v3 needs the decrypted last block for its padding; v0–v2 only the modulo byte.
    let last = match ct_len {
        0 => None,
        _ if header.version == 3 => {
            let n = (2 * BLOCK).min(ct_len as usize);
            let blocks = tail_bytes(tail, len, n + trailer)?;
            Some(last_cbc_block(&key[..], &iv, &blocks[..n], ct_len)?)
        }
        _ => None,
    };
    let plaintext_len = aescrypt::trailer::plaintext_len(&header, modulo, ct_len, last.as_deref())?;
    let mut mac_key = Zeroizing::new([0u8; 32]);
    mac_key.copy_from_slice(&key[..]);
    Ok(Opened::Ready(alloc::boxed::Box::new(SeekableCipher {
        format: Format::AesCrypt,
        mode: Mode::Cbc { key: Zeroizing::new(key.to_vec()), iv },
        mac_key: Some(mac_key),
        ct_start: header.len,
        header: Some(header),
        ct_len,
        plaintext_len,
        checked: Integrity::Unchecked,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Decryptor;
    use crate::aescrypt::{Encryptor, Randomness, Version};

    fn whole(password: &str, file: &[u8]) -> Vec<u8> {
        let mut d = Decryptor::new(Password::from(password), DecryptOptions::default());
        let mut out = Vec::new();
        d.update(file, &mut out).unwrap();
        d.finish(&mut out).unwrap();
        out
    }

    fn open(password: &str, file: &[u8], options: &DecryptOptions) -> Result<SeekableCipher> {
        let tail = &file[file.len().saturating_sub(TAIL_LEN)..];
        let mut head_len = HEAD_LEN;
        loop {
            let head = &file[..head_len.min(file.len())];
            match SeekableCipher::open(&Password::from(password), options, head, tail, file.len() as u64)? {
                Opened::Ready(c) => return Ok(*c),
                Opened::NeedHead(n) => head_len = n,
            }
        }
    }

    /// Decrypts bytes `from..to` of the plaintext by random access.
    fn range(c: &SeekableCipher, file: &[u8], from: u64, to: u64) -> Vec<u8> {
        let b = BLOCK as u64;
        let (first, last) = (from / b, to.div_ceil(b));
        let start = (c.ciphertext_start() + first * b) as usize;
        let end = ((c.ciphertext_start() + last * b) as usize)
            .min((c.ciphertext_start() + c.ciphertext_len()) as usize);
        let mut buf = file[start..end].to_vec();
        let prev: Option<[u8; 16]> =
            c.needs_previous_block(first).then(|| file[start - 16..start].try_into().unwrap());
        c.decrypt_blocks(first, prev.as_ref(), &mut buf).unwrap();
        buf[(from - first * b) as usize..(to - first * b) as usize].to_vec()
    }

    fn aescrypt(version: Version, data: &[u8]) -> Vec<u8> {
        let r = Randomness { iv: [1; 16], session_iv: [2; 16], session_key: [3; 32] };
        let mut e = Encryptor::new(&Password::from("pw"), version, &r).unwrap();
        let mut out = Vec::new();
        e.update(data, &mut out);
        e.finish(&mut out);
        out
    }

    fn openssl_file(params: Params, data: &[u8]) -> Vec<u8> {
        let mut e = openssl::Encryptor::new(&Password::from("pw"), params, [9; 8]).unwrap();
        let mut out = Vec::new();
        e.update(data, &mut out);
        e.finish(&mut out);
        out
    }

    fn check_all_ranges(file: &[u8], options: &DecryptOptions, data: &[u8]) {
        let c = open("pw", file, options).unwrap();
        assert_eq!(c.plaintext_len(), data.len() as u64);
        let n = data.len() as u64;
        for from in [0, 1, 15, 16, 17, 31, 32, 100].into_iter().filter(|&f| f <= n) {
            for to in [from, from + 1, from + 16, from + 47, n].into_iter().filter(|&t| t <= n && t >= from) {
                assert_eq!(range(&c, file, from, to), &data[from as usize..to as usize], "{from}..{to}");
            }
        }
        let mut v = c.verifier();
        let start = c.ciphertext_start() as usize;
        v.update(&file[start..start + c.ciphertext_len() as usize]);
        let tag = c.tag_offset().map_or(&[][..], |t| &file[t as usize..t as usize + 32]);
        v.finish(tag).unwrap();
    }

    #[test]
    fn every_length_and_format_round_trips_by_range() {
        for n in [0usize, 1, 15, 16, 17, 31, 32, 33, 100, 161] {
            let data: Vec<u8> = (0..n).map(|i| (i * 7 + 3) as u8).collect();
            let o = DecryptOptions::default();
            for v in [Version::V2, Version::V3 { iterations: 10 }] {
                let f = aescrypt(v, &data);
                assert_eq!(whole("pw", &f), data);
                check_all_ranges(&f, &o, &data);
            }
            if n > 0 {
                let params = Params {
                    kdf: openssl::KeyDerivation::Pbkdf2 { md: crate::Md::Sha256, iterations: 3 },
                    ..Params::default()
                };
                let o = DecryptOptions { openssl: Some(params), ..Default::default() };
                check_all_ranges(&openssl_file(params, &data), &o, &data);
                let ctr = Params { cipher: openssl::Cipher::Aes128Ctr, ..params };
                let o = DecryptOptions { openssl: Some(ctr), ..Default::default() };
                check_all_ranges(&openssl_file(ctr, &data), &o, &data);
            }
        }
    }

    #[test]
    fn wrong_password_is_refused_at_open() {
        let f = aescrypt(Version::V2, b"hello");
        assert!(matches!(
            open("nope", &f, &DecryptOptions::default()),
            Err(Error::WrongPassword(PasswordCheck::HeaderHmac))
        ));
        let params = Params {
            kdf: openssl::KeyDerivation::Pbkdf2 { md: crate::Md::Sha256, iterations: 1 },
            ..Params::default()
        };
        let f = openssl_file(params, b"hello, this is a test");
        let o = DecryptOptions { openssl: Some(params), ..Default::default() };
        // Find a wrong password whose padding fails (255 in 256 do).
        let wrong = ["a", "b", "c"].into_iter().filter(|p| open(p, &f, &o).is_err()).count();
        assert!(wrong >= 2);
        assert!(matches!(open("a", &f, &o).err(), Some(Error::WrongPassword(PasswordCheck::Padding)) | None));
    }

    #[test]
    fn tampered_payload_fails_verification_not_open() {
        let mut f = aescrypt(Version::V2, &[5u8; 100]);
        let c = open("pw", &f, &DecryptOptions::default()).unwrap();
        let at = c.ciphertext_start() as usize + 20;
        f[at] ^= 1;
        let c = open("pw", &f, &DecryptOptions::default()).unwrap();
        let mut v = c.verifier();
        let start = c.ciphertext_start() as usize;
        v.update(&f[start..start + c.ciphertext_len() as usize]);
        let t = c.tag_offset().unwrap() as usize;
        assert!(matches!(v.finish(&f[t..t + 32]), Err(Error::Corrupt(crate::Corruption::PayloadHmac))));
    }

    #[test]
    fn truncation_and_plaintext_are_refused() {
        let f = aescrypt(Version::V2, &[5u8; 100]);
        assert!(matches!(open("pw", &f[..f.len() - 1], &DecryptOptions::default()), Err(Error::Truncated)));
        assert!(matches!(
            open(
                "pw",
                &[&crate::zip::signature::LOCAL[..], b" not encrypted at all"].concat(),
                &DecryptOptions::default()
            ),
            Err(Error::NotEncrypted)
        ));
    }
}
