//! `std::io` adapters over the core, and file helpers (feature `std`).
//!
//! * [`DecryptingReader`] turns any `Read` of an encrypted file into a `Read` of
//!   plaintext. It returns data **before** the file's final check (HMAC or
//!   padding) has run: the last `read` fails if that check fails, so consume it to
//!   the end and treat everything as unverified until then.
//! * [`EncryptingWriter`] turns a `Write` into an encrypting one; call
//!   [`EncryptingWriter::finish`] to write the tail.
//! * [`decrypt_file`] / [`encrypt_file`] never leave a partial output file: they
//!   write to an unnamed temporary file and give it its name only on success.

mod atomic;

pub use atomic::{AtomicFile, Overwrite};

use std::io::{self, Read, Write};
use std::path::Path;
use std::vec;
use std::vec::Vec;

use crate::error::{Error, Result};
use crate::{DecryptOptions, Decryptor, Integrity, Password, aescrypt, openssl};

/// Size of the reads from the underlying input.
pub const CHUNK: usize = 1 << 20;

/// Fills `buf` from the operating system's CSPRNG.
///
/// # Errors
/// [`Error::Io`] if the OS has no randomness to give.
pub fn random_bytes(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| Error::Io(io::Error::other(e)))
}

/// A `Read` of plaintext over a `Read` of an encrypted file.
pub struct DecryptingReader<R> {
    inner: R,
    decryptor: Option<Decryptor>,
    input: Vec<u8>,
    output: Vec<u8>,
    pos: usize,
    integrity: Option<Integrity>,
    failed: bool,
    bytes_in: u64,
}

impl<R: Read> DecryptingReader<R> {
    /// Wraps `inner`, which must be positioned at the start of the file.
    pub fn new(inner: R, password: Password, options: DecryptOptions) -> Self {
        DecryptingReader {
            inner,
            decryptor: Some(Decryptor::new(password, options)),
            input: vec![0; CHUNK],
            output: Vec::with_capacity(CHUNK + 64),
            pos: 0,
            integrity: None,
            failed: false,
            bytes_in: 0,
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
        self.output.clear();
        self.pos = 0;
        let n = loop {
            match self.inner.read(&mut self.input) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::Io(e)),
            }
        };
        self.bytes_in += n as u64;
        let Some(d) = self.decryptor.as_mut() else { return Ok(()) };
        if n == 0 {
            if let Some(d) = self.decryptor.take() {
                self.integrity = Some(d.finish(&mut self.output)?);
            }
        } else {
            d.update(&self.input[..n], &mut self.output)?;
        }
        Ok(())
    }
}

impl<R: Read> Read for DecryptingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.failed {
            return Err(io::Error::other("decryption already failed"));
        }
        while self.pos == self.output.len() {
            if self.decryptor.is_none() {
                return Ok(0);
            }
            if let Err(e) = self.fill() {
                self.failed = true;
                self.output.clear();
                return Err(e.into());
            }
        }
        let n = buf.len().min(self.output.len() - self.pos);
        buf[..n].copy_from_slice(&self.output[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl<R> Drop for DecryptingReader<R> {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.output);
    }
}

/// What to encrypt into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncryptTo {
    /// AES Crypt (v2 for pyAesCrypt, or v3).
    AesCrypt(aescrypt::Version),
    /// OpenSSL `enc` with these parameters.
    OpenSsl(openssl::Params),
}

enum Encryptor {
    AesCrypt(std::boxed::Box<aescrypt::Encryptor>),
    OpenSsl(std::boxed::Box<openssl::Encryptor>),
}

/// A `Write` that encrypts into `inner`. Call [`EncryptingWriter::finish`]: without
/// it the output lacks its last block and HMAC, and will not decrypt.
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
    /// [`Error::InvalidInput`] for a password or parameters the format refuses.
    pub fn new(inner: W, password: &Password, to: EncryptTo) -> Result<Self> {
        let encryptor = match to {
            EncryptTo::AesCrypt(version) => {
                let r = fresh_randomness()?;
                Encryptor::AesCrypt(std::boxed::Box::new(aescrypt::Encryptor::new(password, version, &r)?))
            }
            EncryptTo::OpenSsl(params) => {
                let mut salt = [0u8; 8];
                random_bytes(&mut salt)?;
                Encryptor::OpenSsl(std::boxed::Box::new(openssl::Encryptor::new(password, params, salt)?))
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
        out.clear();
        match self.encryptor {
            Encryptor::AesCrypt(e) => (*e).finish(&mut out),
            Encryptor::OpenSsl(e) => (*e).finish(&mut out),
        }
        self.inner.write_all(&out)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for EncryptingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.output.clear();
        match &mut self.encryptor {
            Encryptor::AesCrypt(e) => e.update(buf, &mut self.output),
            Encryptor::OpenSsl(e) => e.update(buf, &mut self.output),
        }
        self.inner.write_all(&self.output)?;
        self.bytes_in += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Runs a [`aescrypt::PayloadMac`] on its own thread, fed with ciphertext buffers
/// that travel back for reuse (so the pipeline allocates nothing per chunk).
struct MacThread {
    to_mac: std::sync::mpsc::SyncSender<Vec<u8>>,
    recycled: std::sync::mpsc::Receiver<Vec<u8>>,
}

impl MacThread {
    /// Buffers in flight: enough to keep both threads busy, few enough to keep
    /// memory small.
    const DEPTH: usize = 3;

    fn spawn<'s>(
        scope: &'s std::thread::Scope<'s, '_>,
        mut mac: aescrypt::PayloadMac,
    ) -> (Self, std::thread::ScopedJoinHandle<'s, aescrypt::PayloadMac>) {
        let (to_mac, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(Self::DEPTH);
        let (back, recycled) = std::sync::mpsc::sync_channel::<Vec<u8>>(Self::DEPTH + 1);
        for _ in 0..Self::DEPTH {
            let _ = back.send(Vec::with_capacity(CHUNK + 64));
        }
        let handle = scope.spawn(move || {
            for mut buf in rx {
                mac.update(&buf);
                buf.clear();
                let _ = back.send(buf);
            }
            mac
        });
        (MacThread { to_mac, recycled }, handle)
    }

    fn buffer(&self) -> Vec<u8> {
        self.recycled.recv().unwrap_or_default()
    }

    fn send(&self, buf: Vec<u8>) -> Result<()> {
        self.to_mac.send(buf).map_err(|_| Error::Io(io::Error::other("HMAC thread stopped")))
    }
}

fn read_full<R: Read>(input: &mut R, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::Io(e)),
        }
    }
    Ok(filled)
}

/// Decrypts everything from `input` into `output` in constant memory.
///
/// For AES Crypt the payload HMAC runs on a second thread beside the AES work.
/// `output` receives plaintext before the final check: on `Err`, discard it.
///
/// # Errors
/// Any [`Error`] from the format or the I/O.
pub fn decrypt_stream<R: Read, W: Write>(
    mut input: R,
    mut output: W,
    password: Password,
    options: DecryptOptions,
) -> Result<Integrity> {
    let mut decryptor = Decryptor::new(password, options);
    let mut buf = vec![0u8; CHUNK];
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(CHUNK + 64));
    std::thread::scope(|scope| {
        let mut mac_thread = None;
        loop {
            let n = read_full(&mut input, &mut buf)?;
            if n == 0 {
                break;
            }
            out.clear();
            match &mac_thread {
                Some((mac, _)) => {
                    let mac: &MacThread = mac;
                    let mut ct = mac.buffer();
                    decryptor.update_detached(&buf[..n], &mut out, &mut ct)?;
                    mac.send(ct)?;
                }
                None => {
                    decryptor.update(&buf[..n], &mut out)?;
                    if let Some(mac) = decryptor.detach_mac() {
                        mac_thread = Some(MacThread::spawn(scope, mac));
                    }
                }
            }
            output.write_all(&out)?;
        }
        out.clear();
        let integrity = match mac_thread {
            Some((mac, handle)) => {
                drop(mac);
                let mac = handle.join().map_err(|_| Error::Io(io::Error::other("HMAC thread panicked")))?;
                decryptor.finish_detached(&mut out, mac)?
            }
            None => decryptor.finish(&mut out)?,
        };
        output.write_all(&out)?;
        output.flush()?;
        Ok(integrity)
    })
}

/// Encrypts everything from `input` into `output`; returns the plaintext length.
/// For AES Crypt the payload HMAC runs on a second thread beside the (serial)
/// CBC encryption.
///
/// # Errors
/// [`Error::InvalidInput`] or I/O errors.
pub fn encrypt_stream<R: Read, W: Write>(
    mut input: R,
    mut output: W,
    password: &Password,
    to: EncryptTo,
) -> Result<u64> {
    let mut buf = zeroize::Zeroizing::new(vec![0u8; CHUNK]);
    let mut out = Vec::with_capacity(CHUNK + 512);
    let mut total = 0u64;
    match to {
        EncryptTo::OpenSsl(params) => {
            let mut salt = [0u8; 8];
            random_bytes(&mut salt)?;
            let mut e = openssl::Encryptor::new(password, params, salt)?;
            loop {
                let n = read_full(&mut input, &mut buf)?;
                if n == 0 {
                    break;
                }
                total += n as u64;
                out.clear();
                e.update(&buf[..n], &mut out);
                output.write_all(&out)?;
            }
            out.clear();
            e.finish(&mut out);
        }
        EncryptTo::AesCrypt(version) => {
            let r = fresh_randomness()?;
            let mut e = aescrypt::Encryptor::new(password, version, &r)?;
            let Some(mac) = e.detach_mac() else {
                return Err(Error::InvalidInput("MAC already detached"));
            };
            let mac = std::thread::scope(|scope| -> Result<aescrypt::PayloadMac> {
                let (mac_thread, handle) = MacThread::spawn(scope, mac);
                loop {
                    let n = read_full(&mut input, &mut buf)?;
                    if n == 0 {
                        break;
                    }
                    total += n as u64;
                    out.clear();
                    let mut ct = mac_thread.buffer();
                    e.update_detached(&buf[..n], &mut out, &mut ct);
                    mac_thread.send(ct)?;
                    output.write_all(&out)?;
                }
                drop(mac_thread);
                handle.join().map_err(|_| Error::Io(io::Error::other("HMAC thread panicked")))
            })?;
            out.clear();
            e.finish_detached(&mut out, mac);
        }
    }
    output.write_all(&out)?;
    output.flush()?;
    Ok(total)
}

fn fresh_randomness() -> Result<aescrypt::Randomness> {
    let mut r = aescrypt::Randomness { iv: [0; 16], session_iv: [0; 16], session_key: [0; 32] };
    random_bytes(&mut r.iv)?;
    random_bytes(&mut r.session_iv)?;
    random_bytes(&mut r.session_key)?;
    Ok(r)
}

/// Decrypts a file into `output`, which appears only if every check passed.
///
/// # Errors
/// Any [`Error`]; the destination is then untouched.
pub fn decrypt_file(
    input: &Path,
    output: &Path,
    overwrite: Overwrite,
    password: Password,
    options: DecryptOptions,
) -> Result<Integrity> {
    let file = std::fs::File::open(input)?;
    let mut out = AtomicFile::create(output, overwrite)?;
    let integrity = decrypt_stream(file, &mut out, password, options)?;
    out.persist()?;
    Ok(integrity)
}

/// Encrypts a file into `output`, which appears only when complete.
///
/// # Errors
/// [`Error::InvalidInput`] or I/O errors; the destination is then untouched.
pub fn encrypt_file(
    input: &Path,
    output: &Path,
    overwrite: Overwrite,
    password: &Password,
    to: EncryptTo,
) -> Result<u64> {
    let file = std::fs::File::open(input)?;
    let mut out = AtomicFile::create(output, overwrite)?;
    let n = encrypt_stream(file, &mut out, password, to)?;
    out.persist()?;
    Ok(n)
}
