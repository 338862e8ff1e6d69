//! Encryption beside the caller's I/O: CBC on one thread, the AES Crypt HMAC on
//! another, reading and writing on the caller's.
//!
//! CBC encryption is serial (each block waits for the previous one: ~0.77 GB/s
//! for AES-256 here), so the fastest an encryption can go is the speed of one core
//! doing nothing but CBC. Everything else moves off that core: the caller fills
//! plaintext buffers (`read`) and writes ciphertext buffers out (`write`); the
//! CBC thread turns one into the other; for AES Crypt the HMAC thread hashes each
//! ciphertext buffer on its way back. Buffers circulate through fixed pools, so
//! nothing is allocated per chunk and memory stays at a few chunks. Measured here
//! (512 MiB, AES Crypt v2): 1.2 s with CBC, `read` and `write` on one thread and
//! the HMAC on another; see docs/BENCHMARKS.md for the result of this layout.
//!
//! Where no thread can be started (browsers' wasm), the same stages run inline.

use std::boxed::Box;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::vec::Vec;

use super::PageAligned;
use crate::aescrypt::{self, PayloadMac};
use crate::error::{Error, Result};
use crate::openssl;

/// The encryptor proper.
pub(crate) enum Cipher {
    /// AES Crypt with its payload MAC detached (see [`Stages::new`]).
    AesCrypt(Box<aescrypt::Encryptor>),
    OpenSsl(Box<openssl::Encryptor>),
}

impl Cipher {
    /// Appends the ciphertext of `plain` (for AES Crypt, after the header has been
    /// taken: exactly the bytes the payload MAC covers).
    fn update(&mut self, plain: &[u8], out: &mut Vec<u8>) {
        match self {
            Cipher::AesCrypt(e) => e.update(plain, out),
            Cipher::OpenSsl(e) => e.update(plain, out),
        }
    }

    /// The last block(s) and, for AES Crypt, the modulo byte and HMAC.
    fn finish(self, mac: Option<PayloadMac>, out: &mut Vec<u8>) -> Result<()> {
        match (self, mac) {
            (Cipher::AesCrypt(e), Some(mac)) => e.finish_detached(out, mac),
            (Cipher::OpenSsl(e), None) => e.finish(out),
            _ => return Err(Error::InvalidInput("AES Crypt needs its MAC")),
        }
        Ok(())
    }
}

/// A plaintext buffer: page-aligned, so that `read` fills it at full speed (see
/// [`PageAligned`]), and zeroized when dropped.
pub(crate) struct Plain {
    buf: PageAligned,
    len: usize,
}

impl Plain {
    fn new(capacity: usize) -> Self {
        Plain { buf: PageAligned::new(capacity), len: 0 }
    }

    /// The bytes filled so far.
    pub(crate) fn filled(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// The room left, to fill; then [`Plain::grow`] by what was put there.
    pub(crate) fn spare(&mut self) -> &mut [u8] {
        &mut self.buf[self.len..]
    }

    pub(crate) fn grow(&mut self, n: usize) {
        self.len = (self.len + n).min(self.buf.len());
    }

    /// Copies as much of `data` as fits; returns how much.
    pub(crate) fn extend(&mut self, data: &[u8]) -> usize {
        let n = data.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&data[..n]);
        self.len += n;
        n
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn is_full(&self) -> bool {
        self.len == self.buf.len()
    }
}

/// What comes back to the caller, on one channel so that waiting for either can
/// never deadlock: a plaintext buffer free for reuse, or ciphertext to write, in
/// order.
enum Back {
    Plain(Plain),
    Cipher(Vec<u8>),
}

struct Threads {
    to_cbc: Option<Sender<Plain>>,
    /// Written ciphertext buffers, back to the CBC thread.
    free_cipher: Option<Sender<Vec<u8>>>,
    back: Receiver<Back>,
    cbc: Option<JoinHandle<Option<Cipher>>>,
    mac: Option<JoinHandle<PayloadMac>>,
    /// Plaintext buffers sent and not yet returned.
    in_flight: usize,
    /// Ciphertext buffers (one per plaintext buffer sent) not yet written.
    unwritten: usize,
}

enum Mode {
    Threads(Threads),
    Inline { cipher: Cipher, mac: Option<PayloadMac>, out: Vec<u8> },
}

/// The stages; see the module docs.
pub(crate) struct Stages {
    mode: Option<Mode>,
    /// Plaintext buffers ready to be filled.
    free_plain: Vec<Plain>,
}

fn stopped() -> Error {
    Error::Io(std::io::Error::other("an encryption thread stopped"))
}

impl Stages {
    /// Plaintext buffers in circulation.
    const PLAIN: usize = 3;
    /// Ciphertext buffers in circulation.
    const CIPHER: usize = 4;

    /// Starts the stages. For AES Crypt, `header` receives the header, which the
    /// MAC does not cover; from then on all the encryptor's output is MAC input.
    pub(crate) fn new(mut cipher: Cipher, chunk: usize, header: &mut Vec<u8>) -> Result<Self> {
        let mac = match &mut cipher {
            Cipher::AesCrypt(e) => {
                let mac = e.detach_mac().ok_or(Error::InvalidInput("the MAC was already detached"))?;
                e.update(&[], header);
                Some(mac)
            }
            Cipher::OpenSsl(_) => None,
        };
        let mode = match spawn(cipher, mac, chunk) {
            Ok(threads) => Mode::Threads(threads),
            Err(state) => {
                let (cipher, mac) = *state;
                Mode::Inline { cipher, mac, out: Vec::with_capacity(chunk + 64) }
            }
        };
        Ok(Self::with_mode(mode, chunk))
    }

    fn with_mode(mode: Mode, chunk: usize) -> Self {
        let free_plain = (0..Self::PLAIN).map(|_| Plain::new(chunk)).collect();
        Stages { mode: Some(mode), free_plain }
    }

    /// An empty plaintext buffer of [`Stages::chunk`] bytes; ciphertext that came
    /// back meanwhile is written to `write` first.
    pub(crate) fn take(&mut self, write: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<Plain> {
        loop {
            if let Some(mut p) = self.free_plain.pop() {
                p.clear();
                return Ok(p);
            }
            self.receive(write, true)?;
        }
    }

    /// Waits until everything sent has been encrypted and written to `write`.
    pub(crate) fn drain(&mut self, write: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()> {
        while matches!(&self.mode, Some(Mode::Threads(t)) if t.in_flight > 0 || t.unwritten > 0) {
            self.receive(write, true)?;
        }
        Ok(())
    }

    /// Encrypts a filled buffer; writes to `write` whatever ciphertext is ready.
    pub(crate) fn send(&mut self, plain: Plain, write: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()> {
        match self.mode.as_mut().ok_or_else(stopped)? {
            Mode::Threads(t) => {
                t.to_cbc.as_ref().ok_or_else(stopped)?.send(plain).map_err(|_| stopped())?;
                t.in_flight += 1;
                t.unwritten += 1;
                // Keep the output moving without waiting.
                self.receive(write, false)
            }
            Mode::Inline { cipher, mac, out } => {
                out.clear();
                cipher.update(plain.filled(), out);
                if let Some(mac) = mac {
                    mac.update(out);
                }
                self.free_plain.push(plain);
                write(out)
            }
        }
    }

    /// Handles what came back: at least one message if `block`.
    fn receive(&mut self, write: &mut dyn FnMut(&[u8]) -> Result<()>, block: bool) -> Result<()> {
        let Some(Mode::Threads(t)) = self.mode.as_mut() else { return Err(stopped()) };
        let mut first = block;
        loop {
            // A blocking wait that ends without a message means a thread died.
            let msg =
                if first { Some(t.back.recv().map_err(|_| stopped())?) } else { t.back.try_recv().ok() };
            first = false;
            match msg {
                Some(Back::Plain(p)) => {
                    t.in_flight -= 1;
                    self.free_plain.push(p);
                }
                Some(Back::Cipher(c)) => {
                    t.unwritten -= 1;
                    write(&c)?;
                    // The CBC thread may have ended (finish): then the buffer is dropped.
                    if let Some(tx) = &t.free_cipher {
                        let _ = tx.send(c);
                    }
                }
                None => return Ok(()),
            }
        }
    }

    /// Waits for everything sent, then appends the final blocks (and the HMAC)
    /// to `tail`.
    pub(crate) fn finish(
        mut self,
        write: &mut dyn FnMut(&[u8]) -> Result<()>,
        tail: &mut Vec<u8>,
    ) -> Result<()> {
        match self.mode.take().ok_or_else(stopped)? {
            Mode::Threads(mut t) => {
                // Closing the input ends the CBC thread, whose end closes the MAC's.
                drop(t.to_cbc.take());
                for msg in &t.back {
                    if let Back::Cipher(c) = msg {
                        write(&c)?;
                        // The CBC thread may still need it for what is queued.
                        if let Some(tx) = &t.free_cipher {
                            let _ = tx.send(c);
                        }
                    }
                }
                drop(t.free_cipher.take());
                let cipher = t.cbc.take().ok_or_else(stopped)?.join().ok().flatten().ok_or_else(stopped)?;
                let mac = match t.mac.take() {
                    Some(h) => Some(h.join().map_err(|_| stopped())?),
                    None => None,
                };
                cipher.finish(mac, tail)
            }
            Mode::Inline { cipher, mac, .. } => cipher.finish(mac, tail),
        }
    }
}

/// Starts the CBC thread (and the MAC thread); gives the state back if a thread
/// cannot be started.
fn spawn(
    cipher: Cipher,
    mac: Option<PayloadMac>,
    chunk: usize,
) -> core::result::Result<Threads, Box<(Cipher, Option<PayloadMac>)>> {
    let (back_tx, back) = channel::<Back>();
    // The MAC thread, if any, sits between the CBC thread and the caller.
    let mac_kept = mac.clone();
    let (cipher_out, mac_handle) = match mac {
        Some(mac) => {
            let (to_mac, from_cbc) = channel::<Vec<u8>>();
            let back_tx = back_tx.clone();
            let mut theirs = mac;
            let spawned = std::thread::Builder::new().name("backupcrypt-hmac".into()).spawn(move || {
                for c in from_cbc {
                    theirs.update(&c);
                    if back_tx.send(Back::Cipher(c)).is_err() {
                        break;
                    }
                }
                theirs
            });
            match spawned {
                Ok(h) => (CipherOut::Mac(to_mac), Some(h)),
                Err(_) => return Err(Box::new((cipher, mac_kept))),
            }
        }
        None => (CipherOut::Back(back_tx.clone()), None),
    };
    let (to_cbc, plain_rx) = channel::<Plain>();
    let (free_cipher, free_rx) = channel::<Vec<u8>>();
    for _ in 0..Stages::CIPHER {
        let _ = free_cipher.send(Vec::with_capacity(chunk + 64));
    }
    // The cipher goes over only once the thread exists, so that a failed spawn
    // loses nothing.
    let (give, take) = channel::<Cipher>();
    let spawned = std::thread::Builder::new().name("backupcrypt-cbc".into()).spawn(move || {
        let mut cipher = take.recv().ok()?;
        for plain in plain_rx {
            let Ok(mut out) = free_rx.recv() else { break };
            out.clear();
            cipher.update(plain.filled(), &mut out);
            if back_tx.send(Back::Plain(plain)).is_err() || !cipher_out.send(out) {
                break;
            }
        }
        Some(cipher)
    });
    match spawned {
        Ok(h) => {
            // The thread is alive and waiting for it: this cannot fail.
            let _ = give.send(cipher);
            Ok(Threads {
                to_cbc: Some(to_cbc),
                free_cipher: Some(free_cipher),
                back,
                cbc: Some(h),
                mac: mac_handle,
                in_flight: 0,
                unwritten: 0,
            })
        }
        Err(_) => Err(Box::new((cipher, mac_kept))),
    }
}

/// Where the CBC thread sends ciphertext.
enum CipherOut {
    Mac(Sender<Vec<u8>>),
    Back(Sender<Back>),
}

impl CipherOut {
    fn send(&self, c: Vec<u8>) -> bool {
        match self {
            CipherOut::Mac(tx) => tx.send(c).is_ok(),
            CipherOut::Back(tx) => tx.send(Back::Cipher(c)).is_ok(),
        }
    }
}

impl Drop for Threads {
    fn drop(&mut self) {
        // Closing the channels ends the threads; wait so that none outlives us.
        drop(self.to_cbc.take());
        drop(self.free_cipher.take());
        if let Some(h) = self.cbc.take() {
            let _ = h.join();
        }
        if let Some(h) = self.mac.take() {
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DecryptOptions, Decryptor, Password};

    /// Where threads cannot start (wasm), the inline stages give the same file.
    #[test]
    fn inline_stages_write_a_file_that_decrypts() {
        let plain: Vec<u8> = (0..300_000u32).map(|i| (i * 7 + i / 999) as u8).collect();
        for v in [aescrypt::Version::V2, aescrypt::Version::V3 { iterations: 1000 }] {
            let r = aescrypt::Randomness { iv: [1; 16], session_iv: [2; 16], session_key: [3; 32] };
            let mut e = Box::new(aescrypt::Encryptor::new(&Password::from("pw"), v, &r).unwrap());
            let mut file = Vec::new();
            let mac = e.detach_mac();
            e.update(&[], &mut file);
            let mut stages =
                Stages::with_mode(Mode::Inline { cipher: Cipher::AesCrypt(e), mac, out: Vec::new() }, 4096);
            let mut write = |c: &[u8]| -> Result<()> {
                file.extend_from_slice(c);
                Ok(())
            };
            for piece in plain.chunks(4096) {
                let mut p = stages.take(&mut write).unwrap();
                assert_eq!(p.extend(piece), piece.len());
                stages.send(p, &mut write).unwrap();
            }
            let mut tail = Vec::new();
            stages.finish(&mut write, &mut tail).unwrap();
            file.extend_from_slice(&tail);
            let mut d = Decryptor::new(Password::from("pw"), DecryptOptions::default());
            let mut back = Vec::new();
            d.update(&file, &mut back).unwrap();
            assert_eq!(d.finish(&mut back).unwrap(), crate::Integrity::Authenticated);
            assert_eq!(back, plain);
        }
    }
}
