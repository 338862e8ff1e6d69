//! One decryptor for every format, chosen from the first bytes of the file.

use alloc::vec::Vec;

use crate::error::{Error, Result};
use crate::openssl::{self, Salt};
use crate::password::Password;
use crate::{Integrity, Limits, aescrypt};

/// The container format of an encrypted file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `openssl enc`.
    OpenSsl,
    /// AES Crypt (pyAesCrypt, aescrypt).
    AesCrypt,
}

/// How to decrypt when the file itself does not say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DecryptOptions {
    /// OpenSSL parameters. `None` means `-aes-256-cbc -pbkdf2` defaults; note that
    /// a `-nosalt`/`-S` file is only recognised when these say so.
    pub openssl: Option<openssl::Params>,
    /// Work limits for AES Crypt v3 headers.
    pub limits: Limits,
}

enum Inner {
    /// Not enough bytes yet to tell the format (at most 8 are kept).
    Sniffing(Vec<u8>),
    OpenSsl(alloc::boxed::Box<openssl::Decryptor>),
    AesCrypt(alloc::boxed::Box<aescrypt::Decryptor>),
}

/// Streaming decryption of any supported file; see [`crate::openssl::Decryptor`] and
/// [`crate::aescrypt::Decryptor`] for what each format checks.
///
/// Output appended by [`Decryptor::update`] is **not verified** until
/// [`Decryptor::finish`] returns `Ok`.
pub struct Decryptor {
    password: Option<Password>,
    options: DecryptOptions,
    inner: Inner,
}

/// Bytes needed to recognise every format: `Salted__` / `U2FsdGVk`.
const SNIFF: usize = 8;

impl Decryptor {
    /// Prepares to decrypt with this password.
    pub fn new(password: Password, options: DecryptOptions) -> Self {
        Decryptor { password: Some(password), options, inner: Inner::Sniffing(Vec::new()) }
    }

    /// The format, once the first bytes have been seen.
    pub fn format(&self) -> Option<Format> {
        match self.inner {
            Inner::Sniffing(_) => None,
            Inner::OpenSsl(_) => Some(Format::OpenSsl),
            Inner::AesCrypt(_) => Some(Format::AesCrypt),
        }
    }

    /// The AES Crypt header, once read and the password checked.
    pub fn aescrypt_header(&self) -> Option<&aescrypt::Header> {
        match &self.inner {
            Inner::AesCrypt(d) => d.header(),
            _ => None,
        }
    }

    /// Feeds the next chunk, appending the plaintext it completes to `out`.
    ///
    /// # Errors
    /// Any [`Error`] the format finds; see the format modules.
    pub fn update(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<()> {
        match &mut self.inner {
            Inner::OpenSsl(d) => d.update(input, out),
            Inner::AesCrypt(d) => d.update(input, out),
            Inner::Sniffing(buf) => {
                let want = (SNIFF - buf.len()).min(input.len());
                buf.extend_from_slice(&input[..want]);
                if buf.len() < SNIFF {
                    return Ok(());
                }
                self.choose(out)?;
                self.update(&input[want..], out)
            }
        }
    }

    /// Picks the format from the sniffed bytes and replays them.
    fn choose(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let Inner::Sniffing(buf) = &mut self.inner else { return Ok(()) };
        let buf = core::mem::take(buf);
        let password = self.password.take().unwrap_or_else(|| Password::new(Vec::new()));
        let explicit_openssl = self.options.openssl.is_some_and(|p| p.salt != Salt::Header);
        self.inner = if buf.starts_with(aescrypt::MAGIC) && !explicit_openssl {
            Inner::AesCrypt(alloc::boxed::Box::new(aescrypt::Decryptor::new(password, self.options.limits)))
        } else if explicit_openssl
            || buf.starts_with(openssl::MAGIC)
            || buf.starts_with(openssl::MAGIC_BASE64)
            || (buf.len() < SNIFF
                && (openssl::MAGIC.starts_with(&buf) || openssl::MAGIC_BASE64.starts_with(&buf)))
        {
            Inner::OpenSsl(alloc::boxed::Box::new(openssl::Decryptor::new(
                password,
                self.options.openssl.unwrap_or_default(),
            )))
        } else if buf.len() < SNIFF
            && aescrypt::MAGIC.starts_with(&buf[..buf.len().min(3)])
            && !buf.is_empty()
        {
            Inner::AesCrypt(alloc::boxed::Box::new(aescrypt::Decryptor::new(password, self.options.limits)))
        } else {
            return Err(Error::NotEncrypted);
        };
        match &mut self.inner {
            Inner::OpenSsl(d) => d.update(&buf, out),
            Inner::AesCrypt(d) => d.update(&buf, out),
            Inner::Sniffing(_) => Ok(()),
        }
    }

    /// Ends the stream and runs the format's final checks.
    ///
    /// # Errors
    /// Any [`Error`] the format finds at the end; see the format modules.
    pub fn finish(mut self, out: &mut Vec<u8>) -> Result<Integrity> {
        if let Inner::Sniffing(buf) = &self.inner {
            // An empty file is "not encrypted", unless the caller said it is a
            // headerless OpenSSL file: then it is an empty CTR (or truncated CBC) one.
            let explicit_openssl = self.options.openssl.is_some_and(|p| p.salt != Salt::Header);
            if buf.is_empty() && !explicit_openssl {
                return Err(Error::NotEncrypted);
            }
            self.choose(out)?;
        }
        match self.inner {
            Inner::OpenSsl(d) => (*d).finish(out),
            Inner::AesCrypt(d) => (*d).finish(out),
            Inner::Sniffing(_) => Err(Error::NotEncrypted),
        }
    }
}
