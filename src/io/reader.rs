//! [`DecryptingReader`]: a `Read` (and `BufRead`) of plaintext over a `Read` of an
//! encrypted file.

use std::io::{self, BufRead, Read};
use std::vec::Vec;

use zeroize::Zeroize;

use super::mac_thread::MacThread;
use super::{PAGE, PageAligned, READ_CHUNK, read_full};
use crate::error::Result;
use crate::{DecryptOptions, Decryptor, Integrity, Password, aescrypt};

/// A `Read` of plaintext over a `Read` of an encrypted file.
///
/// Plaintext is returned **before** the file's final check (the AES Crypt HMAC or
/// the OpenSSL padding): the `read` that reaches the end fails if that check
/// fails. Read to the end, and treat everything as unverified until then; then
/// [`DecryptingReader::integrity`] says what was proven. For AES Crypt the HMAC
/// runs on a second thread beside the AES work.
pub struct DecryptingReader<R> {
    inner: R,
    decryptor: Option<Decryptor>,
    mac: Option<MacThread>,
    input: PageAligned,
    output: Vec<u8>,
    pos: usize,
    integrity: Option<Integrity>,
    failed: bool,
    bytes_in: u64,
    /// Plaintext bytes produced so far.
    bytes_out: u64,
}

impl<R: Read> DecryptingReader<R> {
    /// Wraps `inner`, which must be positioned at the start of the file.
    pub fn new(inner: R, password: Password, options: DecryptOptions) -> Self {
        DecryptingReader {
            inner,
            decryptor: Some(Decryptor::new(password, options)),
            mac: None,
            input: PageAligned::new(READ_CHUNK),
            // Room for a chunk, what the decryptor holds back, and the alignment.
            output: Vec::with_capacity(READ_CHUNK + 64 + PAGE),
            pos: 0,
            integrity: None,
            failed: false,
            bytes_in: 0,
            bytes_out: 0,
        }
    }

    /// After the last `read` returned 0: what the final check established.
    pub fn integrity(&self) -> Option<Integrity> {
        self.integrity
    }

    /// Encrypted bytes read from the input so far.
    pub fn bytes_in(&self) -> u64 {
        self.bytes_in
    }

    /// The AES Crypt header, once read (and the password checked).
    pub fn aescrypt_header(&self) -> Option<&aescrypt::Header> {
        self.decryptor.as_ref().and_then(Decryptor::aescrypt_header)
    }

    fn fill(&mut self) -> Result<()> {
        // Start the plaintext at the same offset within a page as its place in the
        // output file, so that the kernel's copy into the page cache runs at full
        // speed (see `PageAligned`): a few unused bytes at the front of `output`.
        self.output.clear();
        let want = (self.bytes_out % PAGE as u64) as usize;
        let pad = (want + PAGE - self.output.as_ptr() as usize % PAGE) % PAGE;
        self.output.resize(pad, 0);
        self.pos = pad;
        let result = self.decrypt_next();
        self.bytes_out += (self.output.len() - pad) as u64;
        result
    }

    fn decrypt_next(&mut self) -> Result<()> {
        let n = read_full(&mut self.inner, &mut self.input)?;
        self.bytes_in += n as u64;
        if n == 0 {
            let Some(d) = self.decryptor.take() else { return Ok(()) };
            let integrity = match self.mac.take() {
                Some(mac) => d.finish_detached(&mut self.output, mac.finish()?)?,
                None => d.finish(&mut self.output)?,
            };
            self.integrity = Some(integrity);
            return Ok(());
        }
        let Some(d) = self.decryptor.as_mut() else { return Ok(()) };
        match &mut self.mac {
            Some(mac) => {
                d.update_detached(&self.input[..n], &mut self.output, mac.pending())?;
                mac.pass_on()?;
            }
            None => {
                d.update(&self.input[..n], &mut self.output)?;
                // Once the header is checked, the HMAC can move to its own thread.
                self.mac = d.detach_mac().map(MacThread::spawn);
            }
        }
        Ok(())
    }
}

impl<R: Read> BufRead for DecryptingReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.failed {
            return Err(io::Error::other("decryption already failed"));
        }
        while self.pos == self.output.len() && self.decryptor.is_some() {
            if let Err(e) = self.fill() {
                self.failed = true;
                self.output.zeroize();
                self.pos = 0;
                return Err(e.into());
            }
        }
        Ok(&self.output[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.output.len());
    }
}

impl<R: Read> Read for DecryptingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = buf.len().min(available.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R> Drop for DecryptingReader<R> {
    fn drop(&mut self) {
        self.output.zeroize();
    }
}
