//! One object written as a stream: a multipart upload completed only on success.

// The library is `no_std` + `alloc`; this module is `std` only.
use std::prelude::rust_2024::*;
#[allow(unused_imports)]
use std::{format, vec};

use core::sync::atomic::{AtomicBool, Ordering};
use std::io::{self, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;

use super::client::Client;
use super::url::S3Url;

/// The first parts' size. S3 takes at most 10,000 parts of at least 5 MiB (the last
/// one may be smaller); the size grows by this much every 1,000 parts, so that a
/// stream of up to ~440 GiB fits while memory stays at [`SENDERS`] + 1 parts for
/// common sizes.
pub const PART_SIZE: usize = 8 << 20;
/// Parts sent at once (one connection each): one request at a time would leave the
/// link idle while the server answers.
pub const SENDERS: usize = 3;

type Part = (u16, Vec<u8>);

/// A `Write` that becomes the object `url` only when [`Upload::finish`] succeeds.
///
/// Parts go up on [`SENDERS`] threads of their own while the next one fills, each
/// with its `Content-MD5`; at most [`SENDERS`] + 1 parts are in memory (one filling,
/// the others sending: a part is handed over only to an idle sender).
/// If the writer is dropped without `finish` (a failed producer, a killed
/// process, a lost connection), the upload is never completed: S3 shows no object
/// and no new version. The upload is then aborted where the identity may (the
/// upload-only one may not: the bucket's `AbortIncompleteMultipartUpload`
/// lifecycle rule removes the parts).
pub struct Upload {
    client: Client,
    url: S3Url,
    upload_id: String,
    buf: Vec<u8>,
    part: u16,
    sender: Option<SyncSender<Part>>,
    worker: Option<JoinHandle<io::Result<Vec<String>>>>,
    written: u64,
}

fn part_size(part: u16) -> usize {
    PART_SIZE * (1 + usize::from(part) / 1000)
}

impl Upload {
    /// Starts the multipart upload (so that a key the identity may not write is
    /// refused before any work is done).
    ///
    /// # Errors
    /// HTTP and S3 errors.
    pub fn start(client: &Client, url: &S3Url) -> io::Result<Upload> {
        let upload_id = client.create_multipart(&url.bucket, &url.key)?;
        let (sender, receiver) = sync_channel::<Part>(0);
        let worker = {
            let (client, url, id) = (client.clone(), url.clone(), upload_id.clone());
            std::thread::Builder::new()
                .name("s3-upload".into())
                .spawn(move || send_parts(&client, &url, &id, receiver))?
        };
        Ok(Upload {
            client: client.clone(),
            url: url.clone(),
            upload_id,
            buf: Vec::with_capacity(part_size(1)),
            part: 0,
            sender: Some(sender),
            worker: Some(worker),
            written: 0,
        })
    }

    /// Bytes accepted so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// The worker's error, once it stopped.
    fn worker_error(&mut self) -> io::Error {
        self.sender = None;
        match self.worker.take().map(JoinHandle::join) {
            Some(Ok(Err(e))) => e,
            Some(Err(_)) => io::Error::other("the upload thread panicked"),
            _ => io::Error::other("the upload stopped"),
        }
    }

    fn send_part(&mut self) -> io::Result<()> {
        self.part = self.part.checked_add(1).filter(|&p| p <= 10_000).ok_or_else(|| {
            io::Error::other("more than 10,000 parts: the stream is too large for one S3 object")
        })?;
        let data = core::mem::replace(&mut self.buf, Vec::with_capacity(part_size(self.part + 1)));
        let sent = self.sender.as_ref().is_some_and(|s| s.send((self.part, data)).is_ok());
        if sent { Ok(()) } else { Err(self.worker_error()) }
    }

    /// Sends the last part and completes the upload: the object exists from now
    /// on. Gives the new version's id where the bucket keeps versions.
    ///
    /// # Errors
    /// Any part's or the completion's error: then no object was made.
    pub fn finish(self) -> io::Result<Option<String>> {
        self.seal()?.complete()
    }

    /// Sends the last part and waits for every part, without completing: several
    /// uploads (the parts of one backup run) can then be completed together, once
    /// all of them were produced.
    ///
    /// # Errors
    /// Any part's error: then no object will be made.
    pub fn seal(mut self) -> io::Result<Sealed> {
        if !self.buf.is_empty() || self.part == 0 {
            self.send_part()?;
        }
        self.sender = None;
        let etags = match self.worker.take().map(JoinHandle::join) {
            Some(Ok(r)) => r?,
            _ => return Err(io::Error::other("the upload thread panicked")),
        };
        let id = core::mem::take(&mut self.upload_id);
        Ok(Sealed { client: self.client.clone(), url: self.url.clone(), upload_id: id, etags })
    }
}

/// An upload whose parts are all sent: [`Sealed::complete`] makes the object;
/// dropping it makes none.
pub struct Sealed {
    client: Client,
    url: S3Url,
    upload_id: String,
    etags: Vec<String>,
}

impl Sealed {
    /// Completes the upload: the object exists from now on.
    ///
    /// # Errors
    /// The completion's error: then no object was made.
    pub fn complete(mut self) -> io::Result<Option<String>> {
        let id = core::mem::take(&mut self.upload_id);
        let r = self.client.complete_multipart(&self.url.bucket, &self.url.key, &id, &self.etags);
        if r.is_err() {
            self.client.abort_multipart(&self.url.bucket, &self.url.key, &id);
        }
        r
    }

    /// The object's name.
    pub fn url(&self) -> &S3Url {
        &self.url
    }
}

impl Drop for Sealed {
    fn drop(&mut self) {
        if !self.upload_id.is_empty() {
            self.client.abort_multipart(&self.url.bucket, &self.url.key, &self.upload_id);
        }
    }
}

fn send_parts(client: &Client, url: &S3Url, id: &str, parts: Receiver<Part>) -> io::Result<Vec<String>> {
    let parts = Mutex::new(parts);
    let failed = AtomicBool::new(false);
    let done: Mutex<Vec<(u16, String)>> = Mutex::new(Vec::new());
    let error: Mutex<Option<io::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..SENDERS {
            scope.spawn(|| {
                while !failed.load(Ordering::Relaxed) {
                    let next = parts.lock().unwrap_or_else(PoisonError::into_inner).recv();
                    let Ok((n, data)) = next else { break };
                    match client.upload_part(&url.bucket, &url.key, id, n, &data) {
                        Ok(etag) => done.lock().unwrap_or_else(PoisonError::into_inner).push((n, etag)),
                        Err(e) => {
                            failed.store(true, Ordering::Relaxed);
                            error.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert(e);
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = error.into_inner().unwrap_or_else(PoisonError::into_inner) {
        return Err(e);
    }
    let mut done = done.into_inner().unwrap_or_else(PoisonError::into_inner);
    done.sort_unstable_by_key(|(n, _)| *n);
    Ok(done.into_iter().map(|(_, etag)| etag).collect())
}

impl Write for Upload {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = part_size(self.part + 1) - self.buf.len();
        let n = buf.len().min(room);
        self.buf.extend_from_slice(&buf[..n]);
        self.written += n as u64;
        if self.buf.len() == part_size(self.part + 1) {
            self.send_part()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if self.upload_id.is_empty() {
            return;
        }
        self.sender = None;
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
        self.client.abort_multipart(&self.url.bucket, &self.url.key, &self.upload_id);
    }
}
