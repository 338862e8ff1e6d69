//! `Read + Seek` over the plaintext of an encrypted `Read + Seek`, reading only the
//! blocks it needs. See [`crate::seekable`] for what is (and is not) checked.

use std::io::{self, Read, Seek, SeekFrom};
use std::vec;
use std::vec::Vec;

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::seekable::{HEAD_LEN, Opened, SeekableCipher, TAIL_LEN};
use crate::{DecryptOptions, Format, Integrity, Password, aescrypt};

/// Default size of the decrypted window kept in memory.
pub const DEFAULT_WINDOW: usize = 64 * 1024;
const BLOCK: u64 = 16;

/// Random-access decryption: a `Read + Seek` of the plaintext of an encrypted file.
///
/// Only the ciphertext blocks needed for each read are fetched from `inner` (a
/// window of [`DEFAULT_WINDOW`] bytes is decrypted at a time), so listing a ZIP
/// at the end of a 2 GiB backup reads a few hundred kilobytes. `inner` may be
/// anything seekable (a file, a `Cursor`, a browser `File` behind a
/// `FileReaderSync`); nothing here touches the file system.
///
/// **Everything read through this type is unverified**: the AES Crypt HMAC
/// covers the whole file and OpenSSL files carry no integrity check at all.
/// [`SeekableDecryptor::new`] refuses a wrong password where the format allows
/// (AES Crypt v1–v3 header HMAC; OpenSSL CBC final padding, which about 1 wrong
/// password in 256 passes); call [`SeekableDecryptor::verify`] for the full pass
/// before trusting the data.
pub struct SeekableDecryptor<R> {
    inner: R,
    cipher: SeekableCipher,
    len: u64,
    pos: u64,
    // Both hold plaintext at times; `Zeroizing` wipes them on drop.
    window: Zeroizing<Vec<u8>>,
    window_start: u64,
    window_size: usize,
    /// The next load's size for small reads: [`DEFAULT_WINDOW`] after a seek,
    /// doubling (up to `window_size`) while the reads go on where the window ended.
    readahead: usize,
    scratch: Zeroizing<Vec<u8>>,
    bytes_read: u64,
}

fn read_at<R: Read + Seek>(inner: &mut R, at: u64, buf: &mut [u8]) -> io::Result<()> {
    inner.seek(SeekFrom::Start(at))?;
    inner.read_exact(buf)
}

impl<R: Read + Seek> SeekableDecryptor<R> {
    /// Opens `inner` (any position): reads its head and tail, derives the key and
    /// checks the password as far as the format allows.
    ///
    /// # Errors
    /// See [`SeekableCipher::open`]; [`Error::Io`] from `inner`.
    pub fn new(mut inner: R, password: &Password, options: &DecryptOptions) -> Result<Self> {
        let len = inner.seek(SeekFrom::End(0))?;
        let tail_len = (TAIL_LEN as u64).min(len) as usize;
        let mut tail = vec![0u8; tail_len];
        read_at(&mut inner, len - tail_len as u64, &mut tail)?;
        let mut bytes_read = tail_len as u64;
        let mut head_len = HEAD_LEN;
        let cipher = loop {
            let n = (head_len as u64).min(len) as usize;
            let mut head = vec![0u8; n];
            read_at(&mut inner, 0, &mut head)?;
            bytes_read += n as u64;
            match SeekableCipher::open(password, options, &head, &tail, len)? {
                Opened::Ready(c) => break *c,
                Opened::NeedHead(more) if more > n && (n as u64) < len => head_len = more,
                Opened::NeedHead(_) => return Err(Error::Truncated),
            }
        };
        let len = cipher.plaintext_len();
        Ok(SeekableDecryptor {
            inner,
            cipher,
            len,
            pos: 0,
            window: Zeroizing::new(Vec::new()),
            window_start: 0,
            window_size: DEFAULT_WINDOW,
            readahead: DEFAULT_WINDOW,
            scratch: Zeroizing::new(Vec::new()),
            bytes_read,
        })
    }

    /// Sets the largest decrypted window (rounded up to whole blocks, at least one
    /// block). Larger windows mean fewer, larger reads of `inner`: a read of many
    /// bytes (a ZIP's central directory) is fetched at once, up to this size, and
    /// small reads that go on sequentially (an entry's data) fetch windows that
    /// double from [`DEFAULT_WINDOW`] up to it. Over S3, where each fetch is a
    /// request, a large window keeps requests few, and the doubling keeps the
    /// bytes fetched close to what is read.
    pub fn with_window(mut self, bytes: usize) -> Self {
        self.window_size = bytes.max(16).div_ceil(16) * 16;
        self
    }

    /// The plaintext length (exact: it comes from the padding or the modulo byte).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True for an empty plaintext.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The file's format.
    pub fn format(&self) -> Format {
        self.cipher.format()
    }

    /// The AES Crypt header (`None` for OpenSSL).
    pub fn aescrypt_header(&self) -> Option<&aescrypt::Header> {
        self.cipher.aescrypt_header()
    }

    /// Encrypted bytes fetched from `inner` so far (the verification pass included).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The underlying reader (the decrypted window is wiped).
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// The full integrity pass: reads all the ciphertext once and checks the AES
    /// Crypt HMAC (`T2`). For OpenSSL files there is nothing beyond the padding
    /// checked at open time, and the result says so. The read position is kept.
    ///
    /// # Errors
    /// [`Error::Corrupt`] for an HMAC mismatch (AES Crypt v0: [`Error::WrongPassword`]),
    /// [`Error::Io`].
    pub fn verify(&mut self) -> Result<Integrity> {
        let mut v = self.cipher.verifier();
        let Some(tag_at) = self.cipher.tag_offset() else { return v.finish(&[]) };
        let mut buf = vec![0u8; 1 << 20];
        let mut at = self.cipher.ciphertext_start();
        let end = at + self.cipher.ciphertext_len();
        self.inner.seek(SeekFrom::Start(at))?;
        while at < end {
            let n = ((end - at) as usize).min(buf.len());
            self.inner.read_exact(&mut buf[..n])?;
            v.update(&buf[..n]);
            at += n as u64;
        }
        let mut tag = [0u8; 32];
        read_at(&mut self.inner, tag_at, &mut tag)?;
        self.bytes_read += end - self.cipher.ciphertext_start() + 32;
        v.finish(&tag)
    }

    /// Makes the window cover plaintext offset `pos` (< len), and as much of the
    /// `want` bytes from there as the window size allows: exactly those for a large
    /// read (the caller knows what it needs), else the read-ahead.
    fn load(&mut self, pos: u64, want: usize) -> Result<()> {
        let sequential = !self.window.is_empty() && pos == self.window_start + self.window.len() as u64;
        self.readahead = if sequential { (self.readahead * 2).min(self.window_size) } else { DEFAULT_WINDOW };
        let size = if want >= DEFAULT_WINDOW { want } else { self.readahead }.min(self.window_size);
        let first = pos / BLOCK;
        let blocks = self.cipher.blocks();
        let count = ((pos % BLOCK) as usize + size).div_ceil(BLOCK as usize).max(1) as u64;
        let count = count.min(self.window_size as u64 / BLOCK).max(1).min(blocks - first);
        let prev = self.cipher.needs_previous_block(first);
        let ct_start = self.cipher.ciphertext_start();
        let from = ct_start + (first - u64::from(prev)) * BLOCK;
        let to = (ct_start + (first + count) * BLOCK).min(ct_start + self.cipher.ciphertext_len());
        self.scratch.resize((to - from) as usize, 0);
        read_at(&mut self.inner, from, &mut self.scratch)?;
        self.bytes_read += to - from;
        let mut previous = [0u8; 16];
        let data = if prev {
            previous.copy_from_slice(&self.scratch[..16]);
            &mut self.scratch[16..]
        } else {
            &mut self.scratch[..]
        };
        self.cipher.decrypt_blocks(first, prev.then_some(&previous), data)?;
        zeroize::Zeroize::zeroize(&mut *self.window);
        let keep = (self.len - first * BLOCK).min(data.len() as u64) as usize;
        self.window.extend_from_slice(&data[..keep]);
        zeroize::Zeroize::zeroize(&mut *self.scratch);
        self.window_start = first * BLOCK;
        Ok(())
    }
}

impl<R: Read + Seek> Read for SeekableDecryptor<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let in_window =
            self.pos >= self.window_start && self.pos < self.window_start + self.window.len() as u64;
        if !in_window {
            self.load(self.pos, buf.len())?;
        }
        let off = (self.pos - self.window_start) as usize;
        let n = buf.len().min(self.window.len() - off);
        buf[..n].copy_from_slice(&self.window[off..off + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read + Seek> Seek for SeekableDecryptor<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        let target = target.ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "seek before the start of the plaintext")
        })?;
        self.pos = target;
        Ok(target)
    }
}
