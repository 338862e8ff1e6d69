//! The options `openssl enc` is told: cipher, key derivation, salt, armour.

use core::fmt;

use crate::kdf::Md;

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
    /// No `Salted__` header in the file (`-nosalt`, `-S`): its first bytes are
    /// ciphertext, whatever they look like.
    pub fn headerless(&self) -> bool {
        self.salt != Salt::Header
    }

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

    /// The choices say the file has no `Salted__` header (`-nosalt`, `-S`): then
    /// any bytes may be such a file, which only these choices can open.
    pub fn headerless(&self) -> bool {
        self.nosalt || self.salt.is_some()
    }

    /// Whether a file that sniffs as `kind` may be decrypted with these choices:
    /// an encrypted file always (without choices the presets are tried), anything
    /// else only when the choices say it has no header. The CLI refuses other
    /// files before asking for a password; the page offers no Decrypt for them.
    pub fn may_open(&self, kind: crate::sniff::Kind) -> bool {
        kind.format().is_some() || self.headerless()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salt_is_sixteen_hex_digits() {
        assert_eq!(
            Choices::parse_salt("0011223344556677"),
            Ok([0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77])
        );
        assert_eq!(Choices::parse_salt("AbCdEf0123456789").map(|s| s[0]), Ok(0xab));
        assert!(Choices::parse_salt("001122334455667").is_err());
        assert!(Choices::parse_salt("001122334455667g").is_err());
        assert!(Choices::parse_salt("+0112233445566778").is_err());
    }

    #[test]
    fn no_choices_mean_openssl_defaults() {
        assert!(!Choices::default().is_given());
        assert_eq!(Choices::default().params(), Ok(Params::default()));
        let legacy = Choices { legacy_kdf: true, md: Some(Md::Md5), ..Default::default() };
        assert!(legacy.is_given());
        assert_eq!(legacy.params().map(|p| p.kdf), Ok(KeyDerivation::Legacy { md: Md::Md5 }));
    }

    #[test]
    fn contradictions_are_refused() {
        assert!(Choices { legacy_kdf: true, iter: Some(5), ..Default::default() }.params().is_err());
        assert!(Choices { nosalt: true, salt: Some([0; 8]), ..Default::default() }.params().is_err());
        assert!(Choices { iter: Some(0), ..Default::default() }.params().is_err());
    }

    #[test]
    fn names_parse() {
        assert_eq!(Choices::parse_cipher("-AES-128-CTR"), Ok(Cipher::Aes128Ctr));
        assert!(Choices::parse_cipher("des").is_err());
        assert_eq!(Choices::parse_md("SHA-512"), Ok(Md::Sha512));
        assert!(Choices::parse_md("sha3").is_err());
    }
}
