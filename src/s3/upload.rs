//! One object written as a stream: a multipart upload completed only on success.

// The library is `no_std` + `alloc`; this module is `std` only.
use std::prelude::rust_2024::*;
#[allow(unused_imports)]
use std::{format, vec};

use core::sync::atomic::{AtomicBool, Ordering};
use std::io::{self, Write};
use std::sync::mpsc::{Receiver, Sender, SyncSender, TryRecvError, channel, sync_channel};
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;

use super::client::{Client, PartSent};
use super::url::S3Url;

/// The first parts' size, the AWS CLI's (`multipart_chunksize`, 8 MiB). S3 takes at
/// most 10,000 parts of at least 5 MiB (the last one may be smaller); the size
/// grows by this much every 1,000 parts, so that a stream of up to ~440 GiB fits.
pub const PART_SIZE: usize = 8 << 20;
/// Parts sent at once (one connection each). One request at a time leaves the
/// link idle while the server stores a part and answers. With the part being
/// filled, memory holds `SENDERS + 1` parts: 32 MiB, and the whole process stays
/// near 54 MiB (the encryption and the checks on the way hold ~20 MiB more).
/// Two to six were measured on the local SeaweedFS: the server's CPU is the
/// limit, and the differences were within the noise of a shared machine, while
/// each sender costs 8 MiB (docs/BENCHMARKS.md, "S3").
pub const SENDERS: usize = 3;

type Part = (u16, Vec<u8>);

/// A `Write` that becomes the object `url` only when [`Upload::finish`] succeeds.
///
/// Parts go up on [`SENDERS`] threads of their own while the next one fills, each
/// with its CRC32 (`x-amz-checksum-crc32`, what the AWS CLI sends; S3 wants an
/// integrity checksum on writes to an Object Lock bucket). Exactly
/// [`SENDERS`] + 1 part buffers are ever allocated: a part is handed over only to
/// an idle sender, and senders give their buffer back for the next part, so
/// memory stays flat however long the stream.
///
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
    /// Buffers the senders are done with.
    free: Receiver<Vec<u8>>,
    /// Buffers allocated so far (at most [`SENDERS`] + 1).
    buffers: usize,
    worker: Option<JoinHandle<io::Result<Vec<PartSent>>>>,
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
        let (give_back, free) = channel::<Vec<u8>>();
        let worker = {
            let (client, url, id) = (client.clone(), url.clone(), upload_id.clone());
            std::thread::Builder::new()
                .name("s3-upload".into())
                .spawn(move || send_parts(&client, &url, &id, receiver, give_back))?
        };
        Ok(Upload {
            client: client.clone(),
            url: url.clone(),
            upload_id,
            buf: Vec::new(),
            part: 0,
            sender: Some(sender),
            free,
            buffers: 0,
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

    /// A buffer for the next part: one a sender gave back, a new one while fewer
    /// than [`SENDERS`] + 1 exist, else the next one given back.
    fn next_buffer(&mut self) -> io::Result<Vec<u8>> {
        let mut buf = match self.free.try_recv() {
            Ok(b) => b,
            Err(TryRecvError::Empty) if self.buffers <= SENDERS => {
                self.buffers += 1;
                Vec::new()
            }
            Err(TryRecvError::Empty) => match self.free.recv() {
                Ok(b) => b,
                Err(_) => return Err(self.worker_error()),
            },
            Err(TryRecvError::Disconnected) => return Err(self.worker_error()),
        };
        buf.clear();
        buf.reserve_exact(part_size(self.part + 1));
        Ok(buf)
    }

    fn send_part(&mut self) -> io::Result<()> {
        self.part = self.part.checked_add(1).filter(|&p| p <= 10_000).ok_or_else(|| {
            io::Error::other("more than 10,000 parts: the stream is too large for one S3 object")
        })?;
        let data = core::mem::take(&mut self.buf);
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
        let parts = match self.worker.take().map(JoinHandle::join) {
            Some(Ok(r)) => r?,
            _ => return Err(io::Error::other("the upload thread panicked")),
        };
        let id = core::mem::take(&mut self.upload_id);
        Ok(Sealed { client: self.client.clone(), url: self.url.clone(), upload_id: id, parts })
    }
}

/// An upload whose parts are all sent: [`Sealed::complete`] makes the object;
/// dropping it makes none.
pub struct Sealed {
    client: Client,
    url: S3Url,
    upload_id: String,
    parts: Vec<PartSent>,
}

impl Sealed {
    /// Completes the upload: the object exists from now on.
    ///
    /// # Errors
    /// The completion's error: then no object was made.
    pub fn complete(mut self) -> io::Result<Option<String>> {
        let id = core::mem::take(&mut self.upload_id);
        let r = self.client.complete_multipart(&self.url.bucket, &self.url.key, &id, &self.parts);
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

/// The senders: each takes a part, sends it, gives the buffer back, and takes the
/// next, until the channel closes or a part fails.
fn send_parts(
    client: &Client,
    url: &S3Url,
    id: &str,
    parts: Receiver<Part>,
    give_back: Sender<Vec<u8>>,
) -> io::Result<Vec<PartSent>> {
    let parts = Mutex::new(parts);
    let failed = AtomicBool::new(false);
    let done: Mutex<Vec<PartSent>> = Mutex::new(Vec::new());
    let error: Mutex<Option<io::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..SENDERS {
            let give_back = give_back.clone();
            let (parts, failed, done, error) = (&parts, &failed, &done, &error);
            scope.spawn(move || {
                while !failed.load(Ordering::Relaxed) {
                    let next = parts.lock().unwrap_or_else(PoisonError::into_inner).recv();
                    let Ok((n, data)) = next else { break };
                    match client.upload_part(&url.bucket, &url.key, id, n, &data) {
                        Ok(sent) => done.lock().unwrap_or_else(PoisonError::into_inner).push(sent),
                        Err(e) => {
                            failed.store(true, Ordering::Relaxed);
                            error.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert(e);
                        }
                    }
                    let _ = give_back.send(data);
                }
            });
        }
    });
    if let Some(e) = error.into_inner().unwrap_or_else(PoisonError::into_inner) {
        return Err(e);
    }
    let mut done = done.into_inner().unwrap_or_else(PoisonError::into_inner);
    done.sort_unstable_by_key(|p| p.number);
    Ok(done)
}

impl Write for Upload {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.buf.capacity() == 0 {
            self.buf = self.next_buffer()?;
        }
        let size = part_size(self.part + 1);
        let n = buf.len().min(size - self.buf.len());
        self.buf.extend_from_slice(&buf[..n]);
        self.written += n as u64;
        if self.buf.len() == size {
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
