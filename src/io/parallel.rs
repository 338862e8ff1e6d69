//! Decrypting a file into a file with every core.
//!
//! CBC decryption is not serial: plaintext block `i` needs only ciphertext blocks
//! `i - 1` and `i` (CTR only `i`), and [`SeekableCipher`] already knows, from the
//! file's head and tail, the keys, where the ciphertext lies and the exact
//! plaintext length. So when both ends are regular files, each thread takes the
//! next chunk of blocks, reads it with `pread`, decrypts it and writes it with
//! `pwrite` at its place. One thread reading, decrypting and writing in turn spent
//! about 0.3 s of its 0.46 s for 512 MiB in `read` and `write` system calls
//! (measured here); with two threads side by side it takes 0.23 s, as long as
//! `cp` of the same file.
//!
//! AES Crypt files go another way (`in_order`): their HMAC covers the whole
//! ciphertext in order, so one thread reads it from start to end and hashes each
//! piece, then hands it to the caller's thread, which decrypts it in place and
//! writes it; the result is kept only if the HMAC matches. The stream did the
//! same work with one thread reading, decrypting, copying the ciphertext for the
//! HMAC thread and writing, which made that thread, not the HMAC, the limit.
//! Base64-armoured files have no block positions and are streamed.
//!
//! Positional I/O is `pread`/`pwrite` on Unix and `ReadFile`/`WriteFile` with an
//! offset (`seek_read`/`seek_write`) on Windows; the threads never share a file
//! position, so neither needs a lock.

use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::fs::File;
use std::vec;

use super::{PAGE, PageAligned};
use crate::error::{Error, Result};
use crate::seekable::{HEAD_LEN, Opened, SeekableCipher, TAIL_LEN};
use crate::{DecryptOptions, Integrity, Password};

/// Ciphertext per unit of work: small enough to stay in L2 from the `pread`
/// through AES to the `pwrite`. Measured here (512 MiB, two threads): 64 and
/// 128 KiB 0.23–0.26 s, 256 KiB to 4 MiB 0.34–0.36 s (system time doubles).
const CHUNK: u64 = super::READ_CHUNK as u64;
/// More threads than this only queue on the output file's lock.
const MAX_THREADS: usize = 4;

/// Decrypts the whole of `input` into `output` (an empty regular file) using
/// every core, if the file is one this applies to (see the module docs).
///
/// Returns `Ok(None)`, having written nothing, for files that must be streamed
/// instead ([`super::decrypt_stream`]): base64-armoured OpenSSL, and any file
/// that fails the checks done before decrypting (wrong password by the AES Crypt
/// header HMAC or the OpenSSL final padding, impossible length, bad header), so
/// that the stream reports those exactly as it always does. `progress` is called on this thread with the ciphertext
/// bytes done so far. On `Err`, `output` holds partial plaintext: discard it (as
/// [`super::AtomicFile`] does when not persisted).
///
/// # Errors
/// [`Error::Corrupt`] if the AES Crypt HMAC does not match (v0:
/// [`Error::WrongPassword`]), [`Error::Truncated`] if the input shrinks while
/// being read; I/O errors.
pub fn decrypt_file_parallel(
    input: &File,
    output: &File,
    password: &Password,
    options: &DecryptOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<Option<Integrity>> {
    let len = input.metadata()?.len();
    let mut head = vec![0u8; usize::try_from(len.min(HEAD_LEN as u64)).unwrap_or(HEAD_LEN)];
    read_at(input, &mut head, 0)?;
    let mut tail = vec![0u8; usize::try_from(len.min(TAIL_LEN as u64)).unwrap_or(TAIL_LEN)];
    let tail_at = len - tail.len() as u64;
    read_at(input, &mut tail, tail_at)?;
    // Whatever is wrong with the file (password, length, header), the stream is
    // what reports it, so that every path gives the same error. Base64 files are
    // refused here too (no block positions), before any key is derived.
    let Ok(Opened::Ready(cipher)) = SeekableCipher::open(password, options, &head, &tail, len) else {
        return Ok(None);
    };
    // AES Crypt: the HMAC's tag, for the thread that checks it.
    let mut tag = [0u8; 32];
    if let Some(at) = cipher.tag_offset() {
        read_at(input, &mut tag, at)?;
    }
    // AES Crypt: read once, in order, hashed and decrypted (`in_order`); the
    // chunked way below only where its reading thread cannot start.
    let read_once = if cipher.tag_offset().is_some() {
        in_order::decrypt(input, output, &cipher, &tag, progress)?
    } else {
        None
    };
    let integrity = match read_once {
        Some(integrity) => integrity,
        None => by_chunks(input, output, &cipher, &tag, progress)?,
    };
    progress(cipher.ciphertext_len());
    Ok(Some(integrity))
}

/// Every core takes the next chunk, `pread`s, decrypts and `pwrite`s it; then the
/// final check ([`verify`]: for AES Crypt the HMAC, read in order after the rest).
fn by_chunks(
    input: &File,
    output: &File,
    cipher: &SeekableCipher,
    tag: &[u8; 32],
    progress: &mut dyn FnMut(u64),
) -> Result<Integrity> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS));
    let work = Work {
        input,
        output,
        cipher,
        next: AtomicU64::new(0),
        done: AtomicU64::new(0),
        stop: AtomicBool::new(false),
    };
    std::thread::scope(|s| {
        let helpers: std::vec::Vec<_> = (1..threads)
            // Where no thread can be started, this one does all the work.
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(s, || work.run(&mut |_| {})).ok())
            .collect();
        let mut result = work.run(&mut |done| progress(done));
        for h in helpers {
            let theirs = h
                .join()
                .unwrap_or_else(|_| Err(Error::Io(std::io::Error::other("a decrypting thread stopped"))));
            if result.is_ok() {
                result = theirs;
            }
        }
        result?;
        verify(input, cipher, tag)
    })
}

/// AES Crypt: the ciphertext read once, in order, for the HMAC and the AES.
///
/// Reading it twice (once by the HMAC thread, once by the decrypting ones) cost
/// as much CPU as pyAesCrypt's whole single-threaded run, and on two cores CPU
/// time is the limit (perf, 512 MiB: the `read` copy and the page-cache lookups
/// twice, ~0.15 s, and the decrypting threads queueing on the output file's lock).
/// So one thread reads each piece and hashes it, then hands it to this one, which
/// decrypts it in place and writes it; the pieces circulate through a fixed pool.
/// The HMAC, one core's worth, is then the limit.
mod in_order {
    use std::sync::mpsc::{Receiver, Sender, channel};

    use super::{PAGE, PageAligned, read_at, write_all_at};
    use crate::Integrity;
    use crate::error::{Error, Result};
    use crate::seekable::SeekableCipher;
    use std::fs::File;

    /// Ciphertext per piece: large enough that the hand-over (a wake-up of the
    /// other thread, an inter-processor interrupt on this VM) is rare.
    const PIECE: usize = 1 << 20;
    /// Pieces in circulation: the reader can run this far ahead.
    const POOL: usize = 4;

    /// A piece: the previous ciphertext block, then up to [`PIECE`] bytes read at
    /// `from` (relative to the ciphertext's start), `len` of them.
    struct Piece {
        buf: PageAligned,
        /// Where the previous block starts in `buf`; the data follows it.
        at: usize,
        from: u64,
        len: usize,
    }

    /// Decrypts into `output` and checks the HMAC; `Ok(None)` if the reading
    /// thread cannot be started (then the caller does it its own way).
    pub(super) fn decrypt(
        input: &File,
        output: &File,
        cipher: &SeekableCipher,
        tag: &[u8; 32],
        progress: &mut dyn FnMut(u64),
    ) -> Result<Option<Integrity>> {
        let start = cipher.ciphertext_start();
        // Data at the same offset within a page as in the file (see `PageAligned`).
        let at = usize::try_from((start % PAGE as u64 + PAGE as u64 - 16) % PAGE as u64).unwrap_or(0);
        let (full_tx, full) = channel::<Piece>();
        let (free_tx, free) = channel::<Piece>();
        for _ in 0..POOL {
            let piece = Piece { buf: PageAligned::new(at + 16 + PIECE), at, from: 0, len: 0 };
            free_tx.send(piece).map_err(|_| stopped())?;
        }
        std::thread::scope(|s| {
            let reader = std::thread::Builder::new()
                .name("backupcrypt-hmac".into())
                .spawn_scoped(s, move || read_and_hash(input, cipher, tag, &free, &full_tx));
            let Ok(reader) = reader else { return Ok(None) };
            let written = write_plaintext(output, cipher, &full, &free_tx, progress);
            // Ends the reader if this side failed first (its next hand-over fails).
            drop(full);
            drop(free_tx);
            let checked = reader.join().unwrap_or_else(|_| Err(stopped()));
            // A read error ends both; the reader's error says what happened.
            match (checked, written) {
                (Err(e), _) | (Ok(_), Err(e)) => Err(e),
                (Ok(integrity), Ok(())) => Ok(Some(integrity)),
            }
        })
    }

    fn stopped() -> Error {
        Error::Io(std::io::Error::other("the HMAC thread stopped"))
    }

    /// The reading thread: every piece in order, hashed, then handed over.
    fn read_and_hash(
        input: &File,
        cipher: &SeekableCipher,
        tag: &[u8; 32],
        free: &Receiver<Piece>,
        full: &Sender<Piece>,
    ) -> Result<Integrity> {
        let (start, len) = (cipher.ciphertext_start(), cipher.ciphertext_len());
        let mut verifier = cipher.verifier();
        let mut previous = [0u8; 16];
        let mut from = 0u64;
        while from < len {
            // No piece back: the decrypting side stopped (it says why).
            let Ok(mut piece) = free.recv() else { return Ok(Integrity::Unchecked) };
            let n = usize::try_from((len - from).min(PIECE as u64)).unwrap_or(PIECE);
            let at = piece.at;
            piece.buf[at..at + 16].copy_from_slice(&previous);
            let data = &mut piece.buf[at + 16..at + 16 + n];
            read_at(input, data, start + from)?;
            verifier.update(data);
            if let Some(last) = data.rchunks_exact(16).next() {
                previous.copy_from_slice(last);
            }
            piece.from = from;
            piece.len = n;
            from += n as u64;
            if full.send(piece).is_err() {
                return Ok(Integrity::Unchecked);
            }
        }
        verifier.finish(tag)
    }

    /// This thread: each piece decrypted in place and written at its place.
    fn write_plaintext(
        output: &File,
        cipher: &SeekableCipher,
        full: &Receiver<Piece>,
        free: &Sender<Piece>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<()> {
        let plain_len = cipher.plaintext_len();
        for mut piece in full {
            let (at, from, n) = (piece.at, piece.from, piece.len);
            let (previous, data) = piece.buf[at..at + 16 + n].split_at_mut(16);
            let previous: &[u8; 16] = (&*previous).try_into().map_err(|_| Error::InvalidInput("block"))?;
            let first = from / 16;
            cipher.decrypt_blocks(first, cipher.needs_previous_block(first).then_some(previous), data)?;
            let keep = usize::try_from(plain_len.saturating_sub(from).min(n as u64)).unwrap_or(0);
            write_all_at(output, &data[..keep], from).map_err(|e| {
                Error::Io(std::io::Error::new(e.kind(), std::format!("writing the output failed: {e}")))
            })?;
            progress(from + n as u64);
            // The reader may have finished: then the piece is dropped (and wiped).
            let _ = free.send(piece);
        }
        Ok(())
    }
}

/// The full pass of [`SeekableCipher::verifier`]: the AES Crypt HMAC over the
/// ciphertext, read in order (for OpenSSL, what `open` checked).
fn verify(input: &File, cipher: &SeekableCipher, tag: &[u8; 32]) -> Result<Integrity> {
    const PIECE: usize = 1 << 20;
    let mut verifier = cipher.verifier();
    if cipher.tag_offset().is_some() {
        let (start, len) = (cipher.ciphertext_start(), cipher.ciphertext_len());
        let shift = usize::try_from(start % PAGE as u64).unwrap_or(0);
        let mut page = PageAligned::new(shift + PIECE);
        let buf = &mut page[shift..];
        let mut at = 0;
        while at < len {
            let n = usize::try_from((len - at).min(PIECE as u64)).unwrap_or(PIECE);
            read_at(input, &mut buf[..n], start + at)?;
            verifier.update(&buf[..n]);
            at += n as u64;
        }
    }
    verifier.finish(tag)
}

struct Work<'a> {
    input: &'a File,
    output: &'a File,
    cipher: &'a SeekableCipher,
    /// Index of the next chunk to take.
    next: AtomicU64,
    /// Ciphertext bytes decrypted and written.
    done: AtomicU64,
    /// Set by the first thread that fails: the others stop at their next chunk.
    stop: AtomicBool,
}

impl Work<'_> {
    fn run(&self, progress: &mut dyn FnMut(u64)) -> Result<()> {
        let result = self.chunks(progress);
        if result.is_err() {
            self.stop.store(true, Ordering::Relaxed);
        }
        result
    }

    fn chunks(&self, progress: &mut dyn FnMut(u64)) -> Result<()> {
        let c = self.cipher;
        let (start, ct_len, plain_len) = (c.ciphertext_start(), c.ciphertext_len(), c.plaintext_len());
        // The previous ciphertext block, then the chunk; decrypted in place. Every
        // read starts at `start - 16` plus a multiple of CHUNK: place the buffer at
        // the same offset within a page (see `PageAligned`).
        let page = PAGE as u64;
        let shift = usize::try_from((start % page + page - 16) % page).unwrap_or(0);
        let mut page = PageAligned::new(shift + 16 + CHUNK as usize);
        let buf = &mut page[shift..];
        while !self.stop.load(Ordering::Relaxed) {
            let from = self.next.fetch_add(1, Ordering::Relaxed).saturating_mul(CHUNK);
            if from >= ct_len {
                break;
            }
            let n = usize::try_from(CHUNK.min(ct_len - from)).unwrap_or(0);
            let first = from / 16;
            let previous = c.needs_previous_block(first);
            let skip = if previous { 0 } else { 16 };
            read_at(self.input, &mut buf[skip..16 + n], start + from - (16 - skip as u64))?;
            let (prev, data) = buf[..16 + n].split_at_mut(16);
            let prev: &[u8; 16] = (&*prev).try_into().map_err(|_| Error::InvalidInput("block"))?;
            c.decrypt_blocks(first, previous.then_some(prev), data)?;
            let keep = usize::try_from(plain_len.saturating_sub(from).min(n as u64)).unwrap_or(0);
            write_all_at(self.output, &data[..keep], from).map_err(|e| {
                Error::Io(std::io::Error::new(e.kind(), std::format!("writing the output failed: {e}")))
            })?;
            progress(self.done.fetch_add(n as u64, Ordering::Relaxed) + n as u64);
        }
        Ok(())
    }
}

/// `pread` of exactly `buf.len()` bytes; a file that ends early is truncated
/// (it shrank after its length was read).
fn read_at(file: &File, buf: &mut [u8], at: u64) -> Result<()> {
    read_exact_at(file, buf, at).map_err(|e| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof { Error::Truncated } else { Error::Io(e) }
    })
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(unix)]
fn write_all_at(file: &File, buf: &[u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, at)
}

// `seek_read`/`seek_write` may do less than asked, like `pread`/`pwrite`: loop.
#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, at) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                at += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            // Reading at or past the end of a file is an error on Windows.
            Err(e) if e.raw_os_error() == Some(38) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(windows)]
fn write_all_at(file: &File, mut buf: &[u8], mut at: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_write(buf, at) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                buf = &buf[n..];
                at += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
