//! One decryptor for every format, chosen from the first bytes of the file.

use alloc::vec::Vec;

use crate::error::{Error, Result};
use crate::openssl;
use crate::password::Password;
use crate::sniff::{self, Kind};
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
    /// Whitespace was skipped while sniffing (then only base64 armour may follow).
    skipped_space: bool,
}

/// Bytes needed to recognise every format (the longest header magic).
const SNIFF: usize = 8;

impl Decryptor {
    /// Prepares to decrypt with this password.
    pub fn new(password: Password, options: DecryptOptions) -> Self {
        Decryptor {
            password: Some(password),
            options,
            inner: Inner::Sniffing(Vec::new()),
            skipped_space: false,
        }
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
        let headerless = self.expects_headerless_openssl();
        match &mut self.inner {
            Inner::OpenSsl(d) => d.update(input, out),
            Inner::AesCrypt(d) => d.update(input, out),
            Inner::Sniffing(buf) => {
                let mut used = 0;
                while buf.len() < SNIFF && used < input.len() {
                    let b = input[used];
                    used += 1;
                    // `openssl enc -d -a` accepts armour after blank lines and with
                    // spaces or other line breaks, and whitespace means nothing in
                    // base64; no binary header starts with it or with `U2FsdGVk`.
                    if !headerless && b.is_ascii_whitespace() && sniff::may_be_armour(buf) {
                        self.skipped_space = true;
                        continue;
                    }
                    buf.push(b);
                }
                if buf.len() < SNIFF {
                    return Ok(());
                }
                self.choose(out)?;
                self.update(&input[used..], out)
            }
        }
    }

    /// Picks the format from the sniffed bytes and replays them.
    fn choose(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let Inner::Sniffing(buf) = &mut self.inner else { return Ok(()) };
        let buf = core::mem::take(buf);
        let password = self.password.take().unwrap_or_else(|| Password::new(Vec::new()));
        let explicit_openssl = self.expects_headerless_openssl();
        let kind = sniff::sniff(&buf);
        if self.skipped_space && kind != Kind::OpenSslArmoured {
            return Err(Error::NotEncrypted);
        }
        let format = if explicit_openssl { Some(Format::OpenSsl) } else { kind.format() };
        self.inner = match format {
            Some(Format::AesCrypt) => Inner::AesCrypt(alloc::boxed::Box::new(aescrypt::Decryptor::new(
                password,
                self.options.limits,
            ))),
            Some(Format::OpenSsl) => Inner::OpenSsl(alloc::boxed::Box::new(openssl::Decryptor::new(
                password,
                self.options.openssl.unwrap_or_default(),
            ))),
            None => return Err(Error::NotEncrypted),
        };
        match &mut self.inner {
            Inner::OpenSsl(d) => d.update(&buf, out),
            Inner::AesCrypt(d) => d.update(&buf, out),
            Inner::Sniffing(_) => Ok(()),
        }
    }

    /// AES Crypt: takes the payload HMAC out so another thread can compute it
    /// (see [`aescrypt::Decryptor::detach_mac`]); `None` for other formats or
    /// before the header has been read.
    pub fn detach_mac(&mut self) -> Option<aescrypt::PayloadMac> {
        match &mut self.inner {
            Inner::AesCrypt(d) => d.detach_mac(),
            _ => None,
        }
    }

    /// [`Decryptor::update`] for a stream whose MAC was detached: the ciphertext
    /// the MAC covers is appended to `mac_input`.
    ///
    /// # Errors
    /// As [`Decryptor::update`].
    pub fn update_detached(
        &mut self,
        input: &[u8],
        out: &mut Vec<u8>,
        mac_input: &mut Vec<u8>,
    ) -> Result<()> {
        match &mut self.inner {
            Inner::AesCrypt(d) => d.update_detached(input, out, mac_input),
            _ => self.update(input, out),
        }
    }

    /// [`Decryptor::finish`] for a stream whose MAC was detached.
    ///
    /// # Errors
    /// As [`Decryptor::finish`].
    pub fn finish_detached(self, out: &mut Vec<u8>, mac: aescrypt::PayloadMac) -> Result<Integrity> {
        match self.inner {
            Inner::AesCrypt(d) => (*d).finish_detached(out, mac),
            _ => self.finish(out),
        }
    }

    /// The options name an OpenSSL file without a header (`-nosalt` or `-S`): then
    /// any bytes, even none at all (an empty CTR plaintext), are that file.
    fn expects_headerless_openssl(&self) -> bool {
        self.options.openssl.is_some_and(|p| p.headerless())
    }

    /// Ends the stream and runs the format's final checks.
    ///
    /// # Errors
    /// Any [`Error`] the format finds at the end; see the format modules.
    pub fn finish(mut self, out: &mut Vec<u8>) -> Result<Integrity> {
        if let Inner::Sniffing(buf) = &self.inner {
            if buf.is_empty() && !self.expects_headerless_openssl() {
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
