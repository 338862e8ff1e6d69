//! [`EncryptingWriter`]: a `Write` that encrypts into another `Write`.

use std::boxed::Box;
use std::io::{self, Write};
use std::vec::Vec;

use super::mac_thread::MacThread;
use super::{CHUNK, fresh_randomness, random_bytes};
use crate::error::Result;
use crate::{Password, aescrypt, openssl};

/// What to encrypt into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncryptTo {
    /// AES Crypt (v2 for pyAesCrypt, or v3).
    AesCrypt(aescrypt::Version),
    /// OpenSSL `enc` with these parameters.
    OpenSsl(openssl::Params),
}

enum Encryptor {
    AesCrypt(Box<aescrypt::Encryptor>, Box<MacThread>),
    OpenSsl(Box<openssl::Encryptor>),
}

/// A `Write` that encrypts into `inner`, in constant memory. Call
/// [`EncryptingWriter::finish`]: without it the output lacks its last block and
/// HMAC, and will not decrypt. Output is written to `inner` in large pieces; for
/// AES Crypt the HMAC runs on a second thread beside the (serial) CBC encryption.
pub struct EncryptingWriter<W: Write> {
    inner: W,
    encryptor: Encryptor,
    output: Vec<u8>,
    bytes_in: u64,
}

impl<W: Write> EncryptingWriter<W> {
    /// Derives the key (with fresh random salt/IVs) and prepares the header.
    ///
    /// # Errors
    /// [`crate::Error::InvalidInput`] for a password or parameters the format refuses.
    pub fn new(inner: W, password: &Password, to: EncryptTo) -> Result<Self> {
        let encryptor = match to {
            EncryptTo::AesCrypt(version) => {
                let r = fresh_randomness()?;
                let mut e = Box::new(aescrypt::Encryptor::new(password, version, &r)?);
                let mac = e.detach_mac().map(|m| Box::new(MacThread::spawn(m)));
                match mac {
                    Some(mac) => Encryptor::AesCrypt(e, mac),
                    None => return Err(crate::Error::InvalidInput("the MAC was already detached")),
                }
            }
            EncryptTo::OpenSsl(params) => {
                let mut salt = [0u8; 8];
                random_bytes(&mut salt)?;
                Encryptor::OpenSsl(Box::new(openssl::Encryptor::new(password, params, salt)?))
            }
        };
        Ok(EncryptingWriter { inner, encryptor, output: Vec::with_capacity(CHUNK + 512), bytes_in: 0 })
    }

    /// Plaintext bytes written so far.
    pub fn bytes_in(&self) -> u64 {
        self.bytes_in
    }

    /// Writes the final block and HMAC, flushes, and returns the inner writer.
    ///
    /// # Errors
    /// Any error of the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        let mut out = core::mem::take(&mut self.output);
        match self.encryptor {
            Encryptor::AesCrypt(e, mac) => e.finish_detached(&mut out, mac.finish()?),
            Encryptor::OpenSsl(e) => e.finish(&mut out),
        }
        self.inner.write_all(&out)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for EncryptingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // At most one chunk per call keeps memory bounded whatever the caller
        // writes at once (`write_all` comes back for the rest).
        let buf = &buf[..buf.len().min(CHUNK)];
        match &mut self.encryptor {
            Encryptor::AesCrypt(e, mac) => {
                e.update_detached(buf, &mut self.output, mac.pending());
                mac.pass_on()?;
            }
            Encryptor::OpenSsl(e) => e.update(buf, &mut self.output),
        }
        if self.output.len() >= CHUNK {
            self.inner.write_all(&self.output)?;
            self.output.clear();
        }
        self.bytes_in += buf.len() as u64;
        Ok(buf.len())
    }

    /// Writes out what is buffered. (The file is only complete after `finish`.)
    fn flush(&mut self) -> io::Result<()> {
        self.inner.write_all(&self.output)?;
        self.output.clear();
        self.inner.flush()
    }
}
