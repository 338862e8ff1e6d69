//! OpenSSL `enc` files: `Salted__ | salt | ciphertext`, or bare ciphertext.
//!
//! **This format does not authenticate anything.** The file records neither the
//! cipher nor the key derivation, and the only check on decryption is the PKCS#7
//! padding of the last CBC block: about 1 in 256 wrong passwords passes it and
//! yields garbage, and a modified ciphertext block is only noticed if it is the
//! last one. CTR mode has no check at all. Callers that need more must check the
//! content (see [`looks_like_plaintext`]).

use alloc::vec::Vec;
use core::fmt;
use zeroize::Zeroizing;

use crate::Integrity;
use crate::base64;
use crate::block::{BLOCK, CbcDecryptor, CbcEncryptor, CtrCipher, pkcs7_data_len};
use crate::error::{Error, PasswordCheck, Result};
use crate::kdf::{self, Md};
use crate::password::Password;

/// The 8-byte magic that starts a salted file.
pub const MAGIC: &[u8; 8] = b"Salted__";
/// `Salted__` as it starts in base64 armour (`U2FsdGVkX1` then salt-dependent text).
pub const MAGIC_BASE64: &[u8; 8] = b"U2FsdGVk";
/// OpenSSL's default PBKDF2 iteration count.
pub const DEFAULT_ITERATIONS: u32 = 10_000;

/// The cipher OpenSSL names `aes-<bits>-<mode>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cipher {
    /// `aes-128-cbc`
    Aes128Cbc,
    /// `aes-192-cbc`
    Aes192Cbc,
    /// `aes-256-cbc` (what the database backups use)
    Aes256Cbc,
    /// `aes-128-ctr`
    Aes128Ctr,
    /// `aes-192-ctr`
    Aes192Ctr,
    /// `aes-256-ctr`
    Aes256Ctr,
}

impl Cipher {
    /// Every supported cipher.
    pub const ALL: [Cipher; 6] = [
        Cipher::Aes128Cbc,
        Cipher::Aes192Cbc,
        Cipher::Aes256Cbc,
        Cipher::Aes128Ctr,
        Cipher::Aes192Ctr,
        Cipher::Aes256Ctr,
    ];

    /// Key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Cipher::Aes128Cbc | Cipher::Aes128Ctr => 16,
            Cipher::Aes192Cbc | Cipher::Aes192Ctr => 24,
            Cipher::Aes256Cbc | Cipher::Aes256Ctr => 32,
        }
    }

    /// True for the CBC ciphers (PKCS#7 padded, random access by block).
    pub fn is_cbc(self) -> bool {
        matches!(self, Cipher::Aes128Cbc | Cipher::Aes192Cbc | Cipher::Aes256Cbc)
    }

    /// OpenSSL's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Cipher::Aes128Cbc => "aes-128-cbc",
            Cipher::Aes192Cbc => "aes-192-cbc",
            Cipher::Aes256Cbc => "aes-256-cbc",
            Cipher::Aes128Ctr => "aes-128-ctr",
            Cipher::Aes192Ctr => "aes-192-ctr",
            Cipher::Aes256Ctr => "aes-256-ctr",
        }
    }

    /// Parses OpenSSL's name (case-insensitive, leading `-` allowed).
    pub fn from_name(name: &str) -> Option<Cipher> {
        let name = name.trim_start_matches('-');
        Cipher::ALL.into_iter().find(|c| c.name().eq_ignore_ascii_case(name))
    }
}

/// How the key and IV come from the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyDerivation {
    /// `-pbkdf2 [-iter N] [-md MD]`.
    Pbkdf2 {
        /// The HMAC digest (`-md`, default SHA-256).
        md: Md,
        /// `-iter` (default 10000).
        iterations: u32,
    },
    /// No `-pbkdf2`: the deprecated `EVP_BytesToKey` with one iteration.
    Legacy {
        /// `-md` (MD5 before OpenSSL 1.1.0, SHA-256 since).
        md: Md,
    },
}

impl fmt::Display for KeyDerivation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyDerivation::Pbkdf2 { md, iterations } => {
                write!(f, "PBKDF2-HMAC-{} ({iterations} iterations)", md.name().to_ascii_uppercase())
            }
            KeyDerivation::Legacy { md } => {
                write!(f, "legacy EVP_BytesToKey ({})", md.name().to_ascii_uppercase())
            }
        }
    }
}

/// Where the salt comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Salt {
    /// The file starts with `Salted__` and 8 bytes of salt (the default).
    Header,
    /// `-nosalt`: no header, empty salt.
    None,
    /// `-S HEX` with OpenSSL 3: the salt is known, but the file has no header.
    Explicit([u8; 8]),
}

/// Whether the file is base64 armoured (`-a`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Armour {
    /// Decrypt: look at the first bytes and decide. Encrypt: same as `Binary`.
    Auto,
    /// Raw bytes.
    Binary,
    /// Base64 (`-a`); `single_line` is `-A` (only matters when encrypting).
    Base64 {
        /// One line without a final newline, as `-a -A` writes.
        single_line: bool,
    },
}

/// Everything `openssl enc` needs to be told, since the file records none of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Params {
    /// `-aes-256-cbc` etc.
    pub cipher: Cipher,
    /// `-pbkdf2`/`-iter`/`-md`.
    pub kdf: KeyDerivation,
    /// `-nosalt` / `-S`.
    pub salt: Salt,
    /// `-a`.
    pub armour: Armour,
}

impl Default for Params {
    /// `openssl enc -aes-256-cbc -pbkdf2`: what the database backups use.
    fn default() -> Self {
        Params {
            cipher: Cipher::Aes256Cbc,
            kdf: KeyDerivation::Pbkdf2 { md: Md::Sha256, iterations: DEFAULT_ITERATIONS },
            salt: Salt::Header,
            armour: Armour::Auto,
        }
    }
}

impl Params {
    /// The option sets tried, in order, when a file is decrypted without options:
    /// `-pbkdf2` (SHA-256, 10000), then legacy MD5 (OpenSSL < 1.1.0), then legacy
    /// SHA-256 (OpenSSL ≥ 1.1.0 without `-pbkdf2`).
    pub fn presets() -> [Params; 3] {
        let base = Params::default();
        [
            base,
            Params { kdf: KeyDerivation::Legacy { md: Md::Md5 }, ..base },
            Params { kdf: KeyDerivation::Legacy { md: Md::Sha256 }, ..base },
        ]
    }

    /// The `openssl enc` flags that reproduce these parameters.
    pub fn openssl_flags(&self) -> alloc::string::String {
        use alloc::format;
        let mut s = format!("-{}", self.cipher.name());
        match self.kdf {
            KeyDerivation::Pbkdf2 { md, iterations } => {
                s += &format!(" -pbkdf2 -iter {iterations} -md {}", md.name());
            }
            KeyDerivation::Legacy { md } => s += &format!(" -md {}", md.name()),
        }
        match self.salt {
            Salt::Header => {}
            Salt::None => s += " -nosalt",
            Salt::Explicit(salt) => {
                s += " -S ";
                for b in salt {
                    s += &format!("{b:02X}");
                }
            }
        }
        if let Armour::Base64 { single_line } = self.armour {
            s += if single_line { " -a -A" } else { " -a" };
        }
        s
    }
}

// (Provisional: the same type as the lib-openssl branch's `openssl::params::Choices`;
// the page needs it before that branch is merged, and the merge keeps theirs.)
/// What the user chose, as `openssl enc`'s options: each `None`/`false` leaves
/// OpenSSL's default. The one place where choices become [`Params`] (the CLI's
/// options and the page's form both end here).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Choices {
    /// `-aes-256-cbc` etc. (default `aes-256-cbc`).
    pub cipher: Option<Cipher>,
    /// `-md` (default SHA-256).
    pub md: Option<Md>,
    /// `-iter` (default 10000).
    pub iter: Option<u32>,
    /// No `-pbkdf2`: the legacy `EVP_BytesToKey`.
    pub legacy_kdf: bool,
    /// `-nosalt`.
    pub nosalt: bool,
    /// `-S HEX`.
    pub salt: Option<[u8; 8]>,
}

impl Choices {
    /// True if anything was chosen (then nothing is guessed).
    pub fn is_given(&self) -> bool {
        *self != Choices::default()
    }

    /// The parameters these choices describe, OpenSSL's defaults filling the rest.
    ///
    /// # Errors
    /// A sentence for choices that contradict each other (`-iter` with the legacy
    /// key derivation, `-nosalt` with `-S`) or zero iterations.
    pub fn params(&self) -> core::result::Result<Params, &'static str> {
        if self.legacy_kdf && self.iter.is_some() {
            return Err("the legacy key derivation has no iteration count");
        }
        if self.nosalt && self.salt.is_some() {
            return Err("no salt and an explicit salt contradict each other");
        }
        if self.iter == Some(0) {
            return Err("PBKDF2 needs at least one iteration");
        }
        let base = Params::default();
        let md = self.md.unwrap_or(Md::Sha256);
        let kdf = if self.legacy_kdf {
            KeyDerivation::Legacy { md }
        } else {
            KeyDerivation::Pbkdf2 { md, iterations: self.iter.unwrap_or(DEFAULT_ITERATIONS) }
        };
        let salt = match (self.nosalt, self.salt) {
            (true, _) => Salt::None,
            (false, Some(s)) => Salt::Explicit(s),
            (false, None) => Salt::Header,
        };
        Ok(Params { cipher: self.cipher.unwrap_or(base.cipher), kdf, salt, armour: Armour::Auto })
    }

    /// Parses a cipher name (`aes-256-cbc`, case-insensitive, leading `-` allowed).
    ///
    /// # Errors
    /// A sentence naming the known ciphers.
    pub fn parse_cipher(name: &str) -> core::result::Result<Cipher, &'static str> {
        Cipher::from_name(name.trim()).ok_or(
            "unknown cipher (known: aes-128-cbc, aes-192-cbc, aes-256-cbc, aes-128-ctr, aes-192-ctr, aes-256-ctr)",
        )
    }

    /// Parses a digest name (`md5`, `sha1`, `sha256`, `sha512`).
    ///
    /// # Errors
    /// A sentence naming the known digests.
    pub fn parse_md(name: &str) -> core::result::Result<Md, &'static str> {
        Md::from_name(name.trim()).ok_or("unknown digest (known: md5, sha1, sha256, sha512)")
    }

    /// Parses `-S`'s salt: 16 hex digits.
    ///
    /// # Errors
    /// A sentence when it is not 16 hex digits.
    pub fn parse_salt(hex: &str) -> core::result::Result<[u8; 8], &'static str> {
        let hex = hex.trim().as_bytes();
        const BAD: &str = "the salt must be 16 hex digits (8 bytes)";
        if hex.len() != 16 {
            return Err(BAD);
        }
        let digit = |b: u8| (b as char).to_digit(16).ok_or(BAD);
        let mut salt = [0u8; 8];
        for (i, byte) in salt.iter_mut().enumerate() {
            *byte = (digit(hex[2 * i])? * 16 + digit(hex[2 * i + 1])?) as u8;
        }
        Ok(salt)
    }
}

impl fmt::Display for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {}", self.cipher.name(), self.kdf)?;
        match self.salt {
            Salt::Header => Ok(()),
            Salt::None => f.write_str(", no salt"),
            Salt::Explicit(_) => f.write_str(", explicit salt"),
        }
    }
}

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
            Mode::Cbc(keys.cbc_decryptor(&keys.iv[..])?)
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

impl Drop for Decryptor {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.scratch);
    }
}

/// What the first plaintext bytes look like, for guessing whether a decryption
/// without authentication produced real data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// A ZIP archive (`PK\x03\x04`, or `PK\x05\x06` for an empty one).
    Zip,
    /// A plain-SQL `pg_dump` (`--\n-- PostgreSQL database dump`).
    PgDump,
    /// A `pg_dump -Fc` custom-format archive (`PGDMP`).
    PgDumpCustom,
    /// gzip (`1f 8b`).
    Gzip,
    /// Mostly printable UTF-8 text.
    Text,
    /// Anything else (random-looking bytes suggest a wrong key).
    Unknown,
}

/// Classifies the first bytes of a plaintext (at least 16 bytes for a useful answer).
pub fn looks_like_plaintext(head: &[u8]) -> Content {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Content::Zip;
    }
    if head.starts_with(b"--\n-- PostgreSQL database dump") || head.starts_with(b"--\n-- PostgreSQL") {
        return Content::PgDump;
    }
    if head.starts_with(b"PGDMP") {
        return Content::PgDumpCustom;
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        return Content::Gzip;
    }
    let printable = head
        .iter()
        .filter(|&&b| b == b'\n' || b == b'\r' || b == b'\t' || (0x20..0x7f).contains(&b) || b >= 0x80)
        .count();
    let ascii = head.iter().filter(|&&b| (0x20..0x7f).contains(&b) || b == b'\n').count();
    if !head.is_empty() && printable == head.len() && ascii * 4 >= head.len() * 3 {
        Content::Text
    } else {
        Content::Unknown
    }
}

/// The result of [`probe`]: does this password and parameter set open the file?
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProbeResult {
    /// The final block's padding is valid (necessary, not sufficient).
    pub padding_ok: bool,
    /// What the first plaintext block looks like.
    pub content: Content,
}

impl ProbeResult {
    /// Valid padding and recognisable content: very likely the right password and
    /// options. (Valid padding alone happens for ~1 in 256 wrong guesses.)
    pub fn is_convincing(&self) -> bool {
        self.padding_ok && self.content != Content::Unknown
    }
}

/// Checks a password and parameter set against a binary (not armoured) OpenSSL
/// file without decrypting it all: only the first and the last two blocks.
///
/// `head` is the first bytes of the file (at least 32 for a salted file), `tail`
/// its last 32 bytes (fewer if the file is shorter), `len` its total length.
///
/// # Errors
/// [`Error::NotEncrypted`] if the header is missing, [`Error::Truncated`] if the
/// length cannot be a CBC file.
pub fn probe(
    password: &Password,
    params: &Params,
    head: &[u8],
    tail: &[u8],
    len: u64,
) -> Result<ProbeResult> {
    if !params.cipher.is_cbc() {
        return Err(Error::Unsupported("only CBC files can be probed"));
    }
    let (salt, offset): (&[u8], usize) = match &params.salt {
        Salt::Header => {
            if head.len() < 16 || &head[..8] != MAGIC {
                return Err(if head.len() < 16 && head.starts_with(&MAGIC[..head.len().min(8)]) {
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
    let ct_len = len.saturating_sub(offset as u64);
    if ct_len == 0 || ct_len % BLOCK as u64 != 0 || tail.len() < BLOCK {
        return Err(Error::Truncated);
    }
    let keys = KeyMaterial::derive(params, password, salt)?;
    // The last block's chaining value is the block before it, or the IV.
    let last_iv: [u8; 16] = if ct_len >= 32 {
        tail.get(tail.len() - 32..tail.len() - 16).and_then(|s| s.try_into().ok()).ok_or(Error::Truncated)?
    } else {
        *keys.iv()
    };
    let mut last = [0u8; BLOCK];
    last.copy_from_slice(&tail[tail.len() - BLOCK..]);
    keys.cbc_decryptor(&last_iv)?.decrypt(&mut last);
    let padding_ok = pkcs7_data_len(&last).is_some();
    let mut first = [0u8; BLOCK];
    let content = match head.get(offset..offset + BLOCK) {
        Some(block) => {
            first.copy_from_slice(block);
            keys.cbc_decryptor(keys.iv())?.decrypt(&mut first);
            let n = if ct_len == 16 { pkcs7_data_len(&first).unwrap_or(0) } else { BLOCK };
            looks_like_plaintext(&first[..n])
        }
        None => Content::Unknown,
    };
    zeroize::Zeroize::zeroize(&mut first);
    zeroize::Zeroize::zeroize(&mut last);
    Ok(ProbeResult { padding_ok, content })
}
