//! Verify without reading back: the encrypted bytes on their way to S3 are teed
//! into the same checks `verify` makes (decrypted to nowhere on a thread of their
//! own), because the upload-only identity cannot read the object afterwards. The
//! upload is completed only if they pass.

use std::io::{self, Read, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use backupcrypt::io::EncryptTo;
use backupcrypt::{DecryptOptions, Limits, Password};

use super::check::{Checked, Status, check_reader};

/// A writer that passes everything to `inner` and a copy to the checks.
pub struct Teed<W> {
    inner: W,
    copies: Option<SyncSender<Vec<u8>>>,
    worker: Option<JoinHandle<Checked>>,
}

/// The channel's receiving end as a `Read`.
struct Copies {
    rx: Receiver<Vec<u8>>,
    current: Vec<u8>,
    at: usize,
}

impl Read for Copies {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.current.len() {
            match self.rx.recv() {
                Ok(next) => {
                    self.current = next;
                    self.at = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl<W: Write> Teed<W> {
    /// Starts the checks for a stream encrypted as `to` with `password`.
    ///
    /// # Errors
    /// The thread could not be started.
    pub fn new(inner: W, password: &Password, to: &EncryptTo) -> io::Result<Self> {
        let openssl = match to {
            EncryptTo::OpenSsl(p) => Some(*p),
            EncryptTo::AesCrypt(_) => None,
        };
        let options = DecryptOptions { openssl, limits: Limits::default() };
        let (tx, rx) = sync_channel::<Vec<u8>>(2);
        let password = password.clone();
        let worker = std::thread::Builder::new().name("upload-check".into()).spawn(move || {
            let copies = Copies { rx, current: Vec::new(), at: 0 };
            check_reader(copies, &password, options, openssl)
        })?;
        Ok(Teed { inner, copies: Some(tx), worker: Some(worker) })
    }

    /// No checks: every byte just goes to `inner` (outputs that are not S3 objects,
    /// which `verify` can read afterwards).
    pub fn passthrough(inner: W) -> Self {
        Teed { inner, copies: None, worker: None }
    }

    /// Checks only when `check` (S3 outputs); else [`Teed::passthrough`].
    ///
    /// # Errors
    /// The thread could not be started.
    pub fn new_if(check: bool, inner: W, password: &Password, to: &EncryptTo) -> io::Result<Self> {
        if check { Teed::new(inner, password, to) } else { Ok(Teed::passthrough(inner)) }
    }

    /// Ends the stream and gives the verdict: `Ok(detail)` if the upload may be
    /// completed, else `Err(detail)`. Content that cannot be recognised (an
    /// OpenSSL file holding neither a pg_dump nor a ZIP) passes: the password is
    /// known to be right here, so only damage (a truncated pg_dump, a broken ZIP,
    /// a failed MAC) stops the upload.
    pub fn finish(mut self) -> (W, Result<String, String>) {
        self.copies = None;
        let verdict = match self.worker.take().map(JoinHandle::join) {
            None => Ok("not checked".into()),
            Some(Ok(c)) => match c.status {
                Status::Ok | Status::Unverifiable | Status::WrongPassword => Ok(c.detail),
                _ => Err(c.detail),
            },
            _ => Err("the check thread failed".into()),
        };
        (self.inner, verdict)
    }
}

impl<W: Write> Write for Teed<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        if let Some(tx) = &self.copies {
            // A check that stopped early (damage found) reports it in `finish`.
            if tx.send(buf[..n].to_vec()).is_err() {
                self.copies = None;
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
