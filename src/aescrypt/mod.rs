//! AES Crypt stream formats 0–3 (`.aes` files; pyAesCrypt writes version 2).
//!
//! Versions 1–3 carry an HMAC of the encrypted session key (`T1`), so a wrong
//! password is known as soon as the header is read, and an HMAC of the whole
//! ciphertext (`T2`), checked in [`Decryptor::finish`]. Plaintext is emitted while
//! streaming, **before** `T2` is verified: treat it as unverified until `finish`
//! returns `Ok` (the `std` helpers write it to a temporary file for that reason).
//!
//! Known weakness (FORMATS.md §3.3): in v1/v2 the final "modulo" byte is not
//! covered by any HMAC, so an attacker can cut up to 15 bytes off the end of the
//! plaintext or turn padding into data without detection.

mod header;
pub(crate) mod trailer;

pub use header::{Extension, Header, HeaderParser, MAGIC, MAX_KEPT_EXTENSIONS, MAX_KEPT_VALUE};
pub use trailer::TAG_LEN;

use alloc::vec::Vec;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use crate::block::{BLOCK, CbcDecryptor, CbcEncryptor};
use crate::error::{Corruption, Error, PasswordCheck, Result};
use crate::kdf;
use crate::password::Password;
use crate::{Integrity, Limits};

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// The largest iteration count the v3 format allows (and the official tool reads).
pub const V3_MAX_ITERATIONS: u32 = 5_000_000;
/// The official AES Crypt 4 CLI's default for v3.
pub const V3_DEFAULT_ITERATIONS: u32 = 300_000;
/// pyAesCrypt refuses longer passwords (in characters), so v2 encryption does too.
pub const PYAESCRYPT_MAX_PASSWORD_CHARS: usize = 1024;

/// The `CREATED_BY` value this crate writes.
pub const CREATED_BY: &str = concat!("backupcrypt ", env!("CARGO_PKG_VERSION"));

pub(crate) fn hmac(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length; the fallback is never used.
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| HmacSha256::new(&Default::default()))
}

/// The HMAC-SHA256 over the ciphertext (`T2`), detached from a decryptor or
/// encryptor so that another thread can compute it while this one does AES
/// (see [`Decryptor::detach_mac`]). Feed it exactly the bytes handed out as
/// `mac_input`, in order.
#[derive(Clone)]
pub struct PayloadMac(HmacSha256);

impl PayloadMac {
    /// Adds ciphertext to the MAC.
    pub fn update(&mut self, ciphertext: &[u8]) {
        self.0.update(ciphertext);
    }
}

/// Session keys after the header has been checked.
struct Payload {
    cbc: CbcDecryptor,
    /// `None` while detached (see [`Decryptor::detach_mac`]).
    mac: Option<HmacSha256>,
    /// Bytes that may still be the last block or the trailer.
    tail: Vec<u8>,
    hold: usize,
}

/// Streaming decryption of an AES Crypt file, any version 0–3.
pub struct Decryptor {
    password: Password,
    limits: Limits,
    parser: HeaderParser,
    header: Option<Header>,
    payload: Option<Payload>,
}

impl Decryptor {
    /// Prepares to decrypt; the key is derived once the header has been read.
    pub fn new(password: Password, limits: Limits) -> Self {
        Decryptor { password, limits, parser: HeaderParser::default(), header: None, payload: None }
    }

    /// The header, once it has been read and the password checked.
    pub fn header(&self) -> Option<&Header> {
        self.header.as_ref()
    }

    /// Feeds the next chunk, appending the plaintext it completes to `out`.
    /// The plaintext is not yet authenticated (see the module docs).
    ///
    /// # Errors
    /// [`Error::WrongPassword`] as soon as the header HMAC fails (v1–v3),
    /// [`Error::NotEncrypted`], [`Error::UnsupportedVersion`],
    /// [`Error::ExcessiveWork`].
    pub fn update(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<()> {
        self.run(input, out, None)
    }

    /// Takes the payload HMAC out of the decryptor so that another thread can run
    /// it; `None` until the header has been read (or if already detached). After
    /// this, feed input with [`Decryptor::update_detached`] and end with
    /// [`Decryptor::finish_detached`].
    pub fn detach_mac(&mut self) -> Option<PayloadMac> {
        self.payload.as_mut().and_then(|p| p.mac.take()).map(PayloadMac)
    }

    /// Like [`Decryptor::update`], but with the MAC detached: the ciphertext it
    /// covers is appended to `mac_input` for the caller's [`PayloadMac`].
    ///
    /// # Errors
    /// As [`Decryptor::update`].
    pub fn update_detached(
        &mut self,
        input: &[u8],
        out: &mut Vec<u8>,
        mac_input: &mut Vec<u8>,
    ) -> Result<()> {
        self.run(input, out, Some(mac_input))
    }

    /// Ends a stream whose MAC was detached: `mac` must have been fed every byte
    /// handed out through `mac_input`.
    ///
    /// # Errors
    /// As [`Decryptor::finish`].
    pub fn finish_detached(mut self, out: &mut Vec<u8>, mac: PayloadMac) -> Result<Integrity> {
        if let Some(p) = &mut self.payload {
            p.mac = Some(mac.0);
        }
        self.finish(out)
    }

    fn run(&mut self, input: &[u8], out: &mut Vec<u8>, mut mac_input: Option<&mut Vec<u8>>) -> Result<()> {
        let mut input = input;
        if self.payload.is_none() {
            let used = self.parser.push(input)?;
            input = &input[used..];
            let Some(header) = self.parser.header() else {
                return Ok(());
            };
            let header = header.clone();
            self.payload = Some(open(&self.password, &self.limits, &header)?);
            self.header = Some(header);
        }
        let Some(p) = &mut self.payload else { return Ok(()) };
        let total = p.tail.len() + input.len();
        if total < p.hold + BLOCK {
            p.tail.extend_from_slice(input);
            return Ok(());
        }
        let n = (total - p.hold) / BLOCK * BLOCK;
        // The ciphertext released now: `held` bytes kept back, then `fresh` of the input.
        let held = n.min(p.tail.len());
        let fresh = n - held;
        for part in [&p.tail[..held], &input[..fresh]] {
            match (&mut p.mac, &mut mac_input) {
                (Some(mac), _) => mac.update(part),
                (None, Some(v)) => v.extend_from_slice(part),
                // Detached but nowhere to put the ciphertext: `finish` will fail the HMAC.
                (None, None) => {}
            }
        }
        p.cbc.decrypt_append(&p.tail[..held], input, n, out);
        p.tail.drain(..held);
        p.tail.extend_from_slice(&input[fresh..]);
        Ok(())
    }

    /// Ends the stream: verifies `T2`, then emits the last block without padding.
    ///
    /// # Errors
    /// [`Error::Truncated`] if the trailer is missing or the ciphertext is not whole
    /// blocks, [`Error::Corrupt`] for an HMAC or padding mismatch (v0:
    /// [`Error::WrongPassword`], since v0 cannot tell the two apart).
    pub fn finish(self, out: &mut Vec<u8>) -> Result<Integrity> {
        let (Some(header), Some(mut p)) = (self.header, self.payload) else {
            return Err(if self.parser.is_empty() { Error::NotEncrypted } else { Error::Truncated });
        };
        let Some(mac) = p.mac.take() else {
            return Err(Error::Corrupt(Corruption::PayloadHmac));
        };
        trailer::finish(&header, mac, &mut p.cbc, &p.tail, out)?;
        Ok(Integrity::Authenticated)
    }
}

/// Derives the key, checks `T1`, and sets up payload decryption.
fn open(password: &Password, limits: &Limits, header: &Header) -> Result<Payload> {
    let (key, iv) = payload_keys(password, limits, header)?;
    let cbc = CbcDecryptor::new(&key[..], &iv).ok_or(Error::InvalidInput("key"))?;
    Ok(Payload { cbc, mac: Some(hmac(&key[..])), tail: Vec::new(), hold: header.trailer_len() + BLOCK })
}

/// The key and IV of the payload `C` (and the key of `T2`): the session key and IV
/// from `E` after `T1` verified (v1–v3), or the password key and public IV (v0).
/// Shared with the random-access reader so that both check the password alike.
pub(crate) fn payload_keys(
    password: &Password,
    limits: &Limits,
    header: &Header,
) -> Result<(Zeroizing<[u8; 32]>, [u8; 16])> {
    let key = match header.version {
        3 => {
            let n = header.iterations.unwrap_or(0);
            if n > limits.max_iterations {
                return Err(Error::ExcessiveWork { required: n, limit: limits.max_iterations });
            }
            kdf::aescrypt3(password, &header.iv, n)?
        }
        _ => kdf::ackdf(password, &header.iv)?,
    };
    if header.version == 0 {
        return Ok((key, header.iv));
    }
    let mut t1 = hmac(&key[..]);
    t1.update(&header.encrypted_keys);
    if header.version == 3 {
        t1.update(&[3]);
    }
    if t1.verify_slice(&header.header_hmac).is_err() {
        return Err(Error::WrongPassword(PasswordCheck::HeaderHmac));
    }
    let mut session = Zeroizing::new(header.encrypted_keys);
    CbcDecryptor::new(&key[..], &header.iv).ok_or(Error::InvalidInput("key"))?.decrypt(&mut session[..]);
    let mut session_key = Zeroizing::new([0u8; 32]);
    session_key.copy_from_slice(&session[16..]);
    let mut session_iv = [0u8; 16];
    session_iv.copy_from_slice(&session[..16]);
    Ok((session_key, session_iv))
}

/// Which AES Crypt version to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// Version 2: what pyAesCrypt reads and writes (ACKDF, 8192 × SHA-256).
    V2,
    /// Version 3: PBKDF2-HMAC-SHA512 with this many iterations (1..=5,000,000).
    V3 {
        /// PBKDF2 iterations, stored in the header.
        iterations: u32,
    },
}

/// The random values one encryption needs. Fill every field from a CSPRNG
/// (the `std` helpers do); the core has no randomness source of its own.
pub struct Randomness {
    /// Public IV and KDF salt.
    pub iv: [u8; 16],
    /// IV of the payload encryption.
    pub session_iv: [u8; 16],
    /// Key of the payload encryption and its HMAC.
    pub session_key: [u8; 32],
}

impl Drop for Randomness {
    fn drop(&mut self) {
        self.session_iv.zeroize();
        self.session_key.zeroize();
    }
}

/// Streaming encryption into AES Crypt v2 (byte-compatible with pyAesCrypt) or v3.
pub struct Encryptor {
    version: Version,
    header: Vec<u8>,
    cbc: CbcEncryptor,
    /// `None` while detached (see [`Encryptor::detach_mac`]).
    mac: Option<HmacSha256>,
    partial: Zeroizing<Vec<u8>>,
}

impl Encryptor {
    /// Derives the key and builds the header.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a password that is not UTF-8, longer than
    /// pyAesCrypt accepts (v2), empty (v3: the official tool refuses it), or an
    /// iteration count outside 1..=5,000,000 (v3).
    pub fn new(password: &Password, version: Version, random: &Randomness) -> Result<Self> {
        let text = password
            .as_str()
            .ok_or(Error::InvalidInput("AES Crypt needs a password that is valid UTF-8 text"))?;
        let mut header = Vec::with_capacity(256);
        header.extend_from_slice(MAGIC);
        let key = match version {
            Version::V2 => {
                if text.chars().count() > PYAESCRYPT_MAX_PASSWORD_CHARS {
                    return Err(Error::InvalidInput(
                        "password longer than 1024 characters: pyAesCrypt could not decrypt the file",
                    ));
                }
                header.extend_from_slice(&[2, 0]);
                push_extension(&mut header, b"CREATED_BY", CREATED_BY.as_bytes());
                // The 128-byte container pyAesCrypt reserves, for byte compatibility.
                header.extend_from_slice(&[0x00, 0x80]);
                header.extend_from_slice(&[0u8; 128]);
                header.extend_from_slice(&[0, 0]);
                kdf::ackdf(password, &random.iv)?
            }
            Version::V3 { iterations } => {
                if text.is_empty() {
                    return Err(Error::InvalidInput(
                        "AES Crypt v3 needs a non-empty password (the official tool refuses an empty one)",
                    ));
                }
                if !(1..=V3_MAX_ITERATIONS).contains(&iterations) {
                    return Err(Error::InvalidInput("AES Crypt v3 iterations must be 1..=5000000"));
                }
                header.extend_from_slice(&[3, 0]);
                push_extension(&mut header, b"CREATED_BY", CREATED_BY.as_bytes());
                header.extend_from_slice(&[0, 0]);
                header.extend_from_slice(&iterations.to_be_bytes());
                kdf::aescrypt3(password, &random.iv, iterations)?
            }
        };
        header.extend_from_slice(&random.iv);
        let mut e = Zeroizing::new([0u8; 48]);
        e[..16].copy_from_slice(&random.session_iv);
        e[16..].copy_from_slice(&random.session_key);
        CbcEncryptor::new(&key[..], &random.iv).ok_or(Error::InvalidInput("key"))?.encrypt(&mut e[..]);
        let mut t1 = hmac(&key[..]);
        t1.update(&e[..]);
        if matches!(version, Version::V3 { .. }) {
            t1.update(&[3]);
        }
        header.extend_from_slice(&e[..]);
        header.extend_from_slice(&t1.finalize().into_bytes());
        let cbc =
            CbcEncryptor::new(&random.session_key, &random.session_iv).ok_or(Error::InvalidInput("key"))?;
        Ok(Encryptor {
            version,
            header,
            cbc,
            mac: Some(hmac(&random.session_key)),
            partial: Zeroizing::new(Vec::new()),
        })
    }

    /// Encrypts the next chunk, appending output (the header first) to `out`.
    pub fn update(&mut self, input: &[u8], out: &mut Vec<u8>) {
        self.run(input, out, None);
    }

    /// Takes the payload HMAC out so that another thread can compute it while
    /// this one encrypts (CBC encryption is serial, the HMAC can run beside it).
    /// Then use [`Encryptor::update_detached`] and [`Encryptor::finish_detached`].
    pub fn detach_mac(&mut self) -> Option<PayloadMac> {
        self.mac.take().map(PayloadMac)
    }

    /// Like [`Encryptor::update`] with the MAC detached: the ciphertext the MAC
    /// covers is also appended to `mac_input`.
    pub fn update_detached(&mut self, input: &[u8], out: &mut Vec<u8>, mac_input: &mut Vec<u8>) {
        self.run(input, out, Some(mac_input));
    }

    /// Ends a stream whose MAC was detached; `mac` must have been fed every byte
    /// handed out through `mac_input`.
    pub fn finish_detached(mut self, out: &mut Vec<u8>, mac: PayloadMac) {
        self.mac = Some(mac.0);
        self.finish(out);
    }

    fn run(&mut self, input: &[u8], out: &mut Vec<u8>, mac_input: Option<&mut Vec<u8>>) {
        out.append(&mut self.header);
        let total = self.partial.len() + input.len();
        let n = total / BLOCK * BLOCK;
        if n == 0 {
            self.partial.extend_from_slice(input);
            return;
        }
        let start = out.len();
        let from_input = n - self.partial.len();
        self.cbc.encrypt_append(&self.partial, input, n, out);
        self.partial.clear();
        self.partial.extend_from_slice(&input[from_input..]);
        match (&mut self.mac, mac_input) {
            (Some(mac), _) => mac.update(&out[start..]),
            (None, Some(v)) => v.extend_from_slice(&out[start..]),
            (None, None) => {}
        }
    }

    /// Writes the last block, the modulo byte (v2) and the HMAC.
    pub fn finish(mut self, out: &mut Vec<u8>) {
        out.append(&mut self.header);
        let m = self.partial.len();
        let start = out.len();
        match self.version {
            // pyAesCrypt: `16-m` bytes of value `16-m`, and no block at all when the
            // length is a multiple of 16.
            Version::V2 if m == 0 => {}
            _ => {
                let pad = BLOCK - m;
                let mut last = Zeroizing::new([pad as u8; BLOCK]);
                last[..m].copy_from_slice(&self.partial);
                self.cbc.encrypt(&mut last[..]);
                out.extend_from_slice(&last[..]);
            }
        }
        let mut mac = self.mac.take().unwrap_or_else(|| hmac(&[]));
        mac.update(&out[start..]);
        if self.version == Version::V2 {
            out.push(m as u8);
        }
        out.extend_from_slice(&mac.finalize().into_bytes());
    }
}

fn push_extension(header: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    let len = name.len() + 1 + value.len();
    header.extend_from_slice(&(len as u16).to_be_bytes());
    header.extend_from_slice(name);
    header.push(0);
    header.extend_from_slice(value);
}
