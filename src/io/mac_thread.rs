//! The AES Crypt payload HMAC on a second thread, for decryption
//! ([`super::DecryptingReader`]; encryption has its own stages in `cbc_thread`).
//!
//! HMAC-SHA256 (~1.1 GB/s with SHA-NI) is slower than AES-CBC decryption
//! (~3.5 GB/s): running it beside the AES work uses the second core instead of
//! adding the two. Ciphertext travels to the
//! thread in buffers that come back for reuse, so nothing is allocated per chunk
//! and at most [`MacThread::DEPTH`] buffers are in flight. Where no thread can be
//! started (browsers' wasm), the same interface hashes inline.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;
use std::vec::Vec;

use crate::aescrypt::PayloadMac;
use crate::error::{Error, Result};

/// Below this much pending ciphertext a buffer is not worth a hand-over.
const BATCH: usize = 1024 * 1024;

struct Worker {
    to_mac: Option<SyncSender<Vec<u8>>>,
    recycled: Receiver<Vec<u8>>,
    handle: Option<JoinHandle<PayloadMac>>,
}

pub(crate) struct MacThread {
    worker: Option<Worker>,
    /// The MAC itself when no thread could be started.
    inline: Option<PayloadMac>,
    /// Ciphertext gathered for the next hand-over.
    pending: Vec<u8>,
}

fn stopped() -> Error {
    Error::Io(std::io::Error::other("the HMAC thread stopped"))
}

impl MacThread {
    const DEPTH: usize = 3;

    /// Starts the thread (or, where threads are unavailable, hashes inline).
    pub(crate) fn spawn(mac: PayloadMac) -> Self {
        let (to_mac, rx) = sync_channel::<Vec<u8>>(Self::DEPTH);
        let (back, recycled) = sync_channel::<Vec<u8>>(Self::DEPTH + 1);
        for _ in 0..Self::DEPTH {
            let _ = back.send(Vec::new());
        }
        // The MAC state is small: keep a copy so that a failed spawn loses nothing.
        let mut theirs = mac.clone();
        let spawned = std::thread::Builder::new().name("backupcrypt-hmac".into()).spawn(move || {
            for mut buf in rx {
                theirs.update(&buf);
                buf.clear();
                let _ = back.send(buf);
            }
            theirs
        });
        match spawned {
            Ok(handle) => MacThread {
                worker: Some(Worker { to_mac: Some(to_mac), recycled, handle: Some(handle) }),
                inline: None,
                pending: Vec::new(),
            },
            Err(_) => MacThread { worker: None, inline: Some(mac), pending: Vec::new() },
        }
    }

    /// Where the next ciphertext for the MAC goes; call [`MacThread::pass_on`] after.
    pub(crate) fn pending(&mut self) -> &mut Vec<u8> {
        &mut self.pending
    }

    /// Hands the gathered ciphertext over once there is enough of it.
    pub(crate) fn pass_on(&mut self) -> Result<()> {
        if self.pending.len() >= BATCH { self.send() } else { Ok(()) }
    }

    fn send(&mut self) -> Result<()> {
        if let Some(mac) = &mut self.inline {
            mac.update(&self.pending);
            self.pending.clear();
            return Ok(());
        }
        let w = self.worker.as_mut().ok_or_else(stopped)?;
        let fresh = w.recycled.recv().map_err(|_| stopped())?;
        let full = core::mem::replace(&mut self.pending, fresh);
        w.to_mac.as_ref().ok_or_else(stopped)?.send(full).map_err(|_| stopped())
    }

    /// Sends what is left, waits for the thread and returns the finished MAC state.
    pub(crate) fn finish(mut self) -> Result<PayloadMac> {
        self.send()?;
        if let Some(mac) = self.inline.take() {
            return Ok(mac);
        }
        let mut w = self.worker.take().ok_or_else(stopped)?;
        drop(w.to_mac.take());
        w.handle.take().ok_or_else(stopped)?.join().map_err(|_| stopped())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing the channel ends the thread; wait so that it never outlives us.
        drop(self.to_mac.take());
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
