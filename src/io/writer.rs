//! [`EncryptingWriter`]: a `Write` that encrypts into another `Write`.

use std::boxed::Box;
use std::io::{self, Read, Write};
use std::vec::Vec;

use super::cbc_thread::{Cipher, Plain, Stages};
use super::{CHUNK, fresh_randomness, random_bytes, read_full};
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

/// A `Write` that encrypts into `inner`, in constant memory. Call
/// [`EncryptingWriter::finish`]: without it the output lacks its last block and
/// HMAC, and will not decrypt.
///
/// The (serial) CBC encryption runs on a thread of its own and the AES Crypt HMAC
/// on another, while the caller's thread only copies plaintext in and writes
/// ciphertext out to `inner`, in large pieces (see `src/io/cbc_thread.rs`).
pub struct EncryptingWriter<W: Write> {
    inner: W,
    stages: Option<Stages>,
    /// Bytes to write before the first ciphertext (the AES Crypt header).
    head: Vec<u8>,
    /// The plaintext buffer being filled by `write`.
    current: Option<Plain>,
    bytes_in: u64,
}

/// Where ciphertext goes: `inner`, after the header.
fn sink<'a, W: Write>(inner: &'a mut W, head: &'a mut Vec<u8>) -> impl FnMut(&[u8]) -> Result<()> + 'a {
    move |c: &[u8]| {
        if !head.is_empty() {
            inner.write_all(head)?;
            head.clear();
        }
        inner.write_all(c)?;
        Ok(())
    }
}

fn finished() -> io::Error {
    io::Error::other("the encryption already failed or finished")
}

impl<W: Write> EncryptingWriter<W> {
    /// Derives the key (with fresh random salt/IVs) and prepares the header.
    ///
    /// # Errors
    /// [`crate::Error::InvalidInput`] for a password or parameters the format refuses.
    pub fn new(inner: W, password: &Password, to: EncryptTo) -> Result<Self> {
        let cipher = match to {
            EncryptTo::AesCrypt(version) => {
                let r = fresh_randomness()?;
                Cipher::AesCrypt(Box::new(aescrypt::Encryptor::new(password, version, &r)?))
            }
            EncryptTo::OpenSsl(params) => {
                let mut salt = [0u8; 8];
                random_bytes(&mut salt)?;
                Cipher::OpenSsl(Box::new(openssl::Encryptor::new(password, params, salt)?))
            }
        };
        let mut head = Vec::new();
        let stages = Stages::new(cipher, CHUNK, &mut head)?;
        Ok(EncryptingWriter { inner, stages: Some(stages), head, current: None, bytes_in: 0 })
    }

    /// Plaintext bytes written so far.
    pub fn bytes_in(&self) -> u64 {
        self.bytes_in
    }

    /// Encrypts everything `input` holds, reading straight into the pipeline's
    /// buffers. Returns the bytes read.
    pub(crate) fn encrypt_from<R: Read>(&mut self, input: &mut R) -> Result<u64> {
        self.send_current()?;
        let stages = self.stages.as_mut().ok_or_else(finished)?;
        let mut write = sink(&mut self.inner, &mut self.head);
        let mut total = 0u64;
        loop {
            let mut plain = stages.take(&mut write)?;
            let n = read_full(input, plain.spare())?;
            plain.grow(n);
            total += n as u64;
            self.bytes_in += n as u64;
            if n == 0 {
                self.current = Some(plain);
                return Ok(total);
            }
            // `read_full` stops short only at the end of the input.
            let more = plain.is_full();
            stages.send(plain, &mut write)?;
            if !more {
                return Ok(total);
            }
        }
    }

    /// Sends the buffer `write` was filling, if it holds anything.
    fn send_current(&mut self) -> Result<()> {
        if let Some(plain) = self.current.take_if(|p| !p.is_empty()) {
            let stages = self.stages.as_mut().ok_or_else(finished)?;
            stages.send(plain, &mut sink(&mut self.inner, &mut self.head))?;
        }
        Ok(())
    }

    /// Writes the final block and HMAC, flushes, and returns the inner writer.
    ///
    /// # Errors
    /// Any error of the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.send_current()?;
        let stages = self.stages.take().ok_or_else(finished)?;
        let mut tail = Vec::new();
        let mut write = sink(&mut self.inner, &mut self.head);
        stages.finish(&mut write, &mut tail)?;
        write(&tail)?;
        drop(write);
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for EncryptingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let stages = self.stages.as_mut().ok_or_else(finished)?;
        let mut plain = match self.current.take() {
            Some(p) => p,
            None => stages.take(&mut sink(&mut self.inner, &mut self.head))?,
        };
        // At most one chunk per call keeps memory bounded whatever the caller
        // writes at once (`write_all` comes back for the rest).
        let n = plain.extend(buf);
        if plain.is_full() {
            stages.send(plain, &mut sink(&mut self.inner, &mut self.head))?;
        } else {
            self.current = Some(plain);
        }
        self.bytes_in += n as u64;
        Ok(n)
    }

    /// Encrypts and writes out everything written so far except the partial last
    /// block. (The file is only complete after `finish`.)
    fn flush(&mut self) -> io::Result<()> {
        self.send_current()?;
        let stages = self.stages.as_mut().ok_or_else(finished)?;
        stages.drain(&mut sink(&mut self.inner, &mut self.head))?;
        self.inner.flush()
    }
}
