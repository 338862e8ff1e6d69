//! The ZIP browser: list a backup's entries and extract one, decrypting only the
//! blocks needed ([`SeekableDecryptor`] over the file's bytes, which a JS function
//! hands over synchronously). No engine lets a worker read a `File` the same way
//! (WebKit refuses every worker-side Blob read on a `file://` page), so the page's
//! worker keeps ranges the page has read for it and, when a range is missing, makes
//! that function throw, fetches the range and calls again (see www/worker.js).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use std::io::{self, Read, Seek, SeekFrom, Write};
use wasm_bindgen::prelude::*;

use super::{js_error, object, openssl_params, password};
use crate::io::SeekableDecryptor;
use crate::zip::{self, Archive, EntryKind, EntryVerdict, Limits};
use crate::{DecryptOptions, Error};

/// Extensions previewed as text.
const TEXT: [&str; 14] = [
    ".sql", ".txt", ".csv", ".json", ".log", ".md", ".xml", ".html", ".yml", ".yaml", ".ini", ".conf",
    ".tsv", ".js",
];

fn js_io(e: JsValue) -> io::Error {
    io::Error::other(format!("reading the file failed: {e:?}"))
}

/// `Read + Seek` over the file's bytes: each read is one call of `read(start, end)`,
/// which returns a `Uint8Array` or throws (a range not fetched yet).
struct BrowserFile {
    read: js_sys::Function,
    pos: u64,
    len: u64,
}

impl Read for BrowserFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let end = (self.pos + buf.len() as u64).min(self.len);
        if end <= self.pos {
            return Ok(0);
        }
        let got =
            self.read.call2(&JsValue::NULL, &JsValue::from(self.pos as f64), &JsValue::from(end as f64));
        let bytes = js_sys::Uint8Array::new(&got.map_err(js_io)?);
        let n = (bytes.length() as usize).min(buf.len());
        bytes.subarray(0, n as u32).copy_to(&mut buf[..n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for BrowserFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let pos = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = pos.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.pos)
    }
}

fn zip_error(e: zip::Error) -> JsValue {
    let (name, message) = match e {
        zip::Error::Decrypt(e) => return js_error(&e),
        zip::Error::Io(e) => return js_error(&Error::from(e)),
        zip::Error::NotZip => ("NotZip", format!("{}", zip::Error::NotZip)),
        e if e.is_damaged() => ("Corrupt", format!("{e}")),
        e @ zip::Error::LimitExceeded { .. } => ("Unsafe", format!("{e}")),
        e => ("Unsupported", format!("{e}")),
    };
    let err = js_sys::Error::new(&message);
    err.set_name(name);
    err.into()
}

/// Passes plaintext to a JS callback in pieces (the page turns them into Blob parts).
struct Sink<'a> {
    callback: &'a js_sys::Function,
}

impl Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.callback.call1(&JsValue::NULL, &js_sys::Uint8Array::from(buf)).map_err(js_io)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Keeps the first `limit` bytes and then stops the copy.
struct Head {
    bytes: Vec<u8>,
    limit: usize,
}

impl Write for Head {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = (self.limit - self.bytes.len()).min(buf.len());
        self.bytes.extend_from_slice(&buf[..n]);
        if self.bytes.len() == self.limit {
            return Err(io::Error::new(io::ErrorKind::WriteZero, "preview complete"));
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A ZIP archive inside an encrypted backup, opened for random access.
///
/// Entries read through it are checked against their CRC-32, but the backup's own
/// HMAC covers the whole file: only a full pass checks it (the page's "Verify whole
/// backup" runs one with a [`super::StreamDecryptor`] or `FastDecryptor`).
#[wasm_bindgen]
pub struct ZipBrowser {
    archive: Archive<SeekableDecryptor<BrowserFile>>,
    places: Vec<Place>,
}

/// Where an entry may be saved, decided once when the archive is opened.
struct Place {
    /// Path components: the checked path, or `entry-N` for an unsafe name.
    path: Vec<String>,
    /// Why the name was refused as a path.
    problem: Option<String>,
}

/// The library's verdict on every entry ([`Archive::verdicts`]: the same answer
/// as `ls` and `extract`): a safe entry is saved at its checked path, a refused
/// one only as `entry-N`, with the reason shown.
fn places<R: Read + Seek>(archive: &Archive<R>) -> Vec<Place> {
    let verdicts = archive.verdicts(&Limits::default());
    verdicts
        .into_iter()
        .enumerate()
        .map(|(index, verdict)| match verdict {
            EntryVerdict::Safe(p) => {
                Place { path: p.components().map(String::from).collect(), problem: None }
            }
            EntryVerdict::Refused(r) => {
                Place { path: alloc::vec![format!("entry-{}", index + 1)], problem: Some(format!("{r}")) }
            }
        })
        .collect()
}

#[wasm_bindgen]
impl ZipBrowser {
    /// Checks the password and reads the central directory (from the end of the
    /// file: a few blocks, not the whole backup) through `read(start, end)` over a
    /// file of `len` bytes. Throws `WrongPassword`, `NotZip`, `Corrupt`, …, or the
    /// I/O error of a `read` that threw. `openssl`: the OpenSSL options chosen on the
    /// page (see [`super::openssl_flags`]).
    pub fn open(
        password_utf8: Vec<u8>,
        read: js_sys::Function,
        len: f64,
        openssl: JsValue,
    ) -> Result<ZipBrowser, JsValue> {
        let password = password(password_utf8);
        let options = DecryptOptions { openssl: openssl_params(&openssl)?, ..Default::default() };
        let input = BrowserFile { read, pos: 0, len: len as u64 };
        let decryptor = SeekableDecryptor::new(input, &password, &options).map_err(|e| js_error(&e))?;
        let archive = Archive::new(decryptor).map_err(zip_error)?;
        let places = places(&archive);
        Ok(ZipBrowser { archive, places })
    }

    /// The entries: `{index, name, size, compressedSize, modified, kind, method,
    /// savePath, safeName, unsafe, preview}`. `savePath` is where the entry may be
    /// saved, as path components: its checked path, or `["entry-N"]` when `unsafe`
    /// says why its name was refused as a path (it is then only shown); `safeName`
    /// is its last component (what a single download is called).
    pub fn entries(&self) -> js_sys::Array {
        let list = js_sys::Array::new();
        for (index, (e, place)) in self.archive.entries().iter().zip(&self.places).enumerate() {
            let kind = match e.kind {
                EntryKind::File => "file",
                EntryKind::Directory => "directory",
                EntryKind::Symlink => "symlink",
            };
            let lower = e.name.to_lowercase();
            let preview = e.kind == EntryKind::File && TEXT.iter().any(|t| lower.ends_with(t));
            let path = js_sys::Array::new();
            for c in &place.path {
                path.push(&JsValue::from_str(c));
            }
            list.push(&object(&[
                ("index", JsValue::from(index as u32)),
                ("name", JsValue::from_str(&e.name)),
                ("size", JsValue::from(e.size as f64)),
                ("compressedSize", JsValue::from(e.compressed_size as f64)),
                ("modified", JsValue::from_str(&format!("{}", e.modified).replace('T', " "))),
                ("kind", JsValue::from_str(kind)),
                ("method", JsValue::from_str(&e.method.name())),
                ("savePath", path.into()),
                ("safeName", place.path.last().map_or(JsValue::NULL, |s| JsValue::from_str(s))),
                ("unsafe", place.problem.as_ref().map_or(JsValue::NULL, |s| JsValue::from_str(s))),
                ("preview", JsValue::from(preview)),
            ]));
        }
        list
    }

    /// Extracts one entry, passing its bytes to `sink(Uint8Array)` in pieces, and
    /// checks its size and CRC-32 at the end (throw: discard what `sink` got).
    pub fn extract(&mut self, index: u32, sink: &js_sys::Function) -> Result<f64, JsValue> {
        let n = self.archive.copy_entry(index as usize, &mut Sink { callback: sink }, &Limits::default());
        n.map(|n| n as f64).map_err(zip_error)
    }

    /// The first `max` bytes of an entry as text (invalid UTF-8 replaced).
    pub fn preview(&mut self, index: u32, max: u32) -> Result<String, JsValue> {
        let mut head = Head { bytes: Vec::new(), limit: max as usize };
        match self.archive.copy_entry(index as usize, &mut head, &Limits::default()) {
            Ok(_) => {}
            Err(_) if head.bytes.len() == head.limit => {}
            Err(e) => return Err(zip_error(e)),
        }
        Ok(String::from_utf8_lossy(&head.bytes).into_owned())
    }
}

/// Output of the new ZIP, passed to a JS callback in pieces of about 1 MiB (the
/// page turns them into Blob parts).
struct JsOutput {
    callback: js_sys::Function,
}

impl Write for JsOutput {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.callback.call1(&JsValue::NULL, &js_sys::Uint8Array::from(buf)).map_err(js_io)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Chosen entries of a ZIP backup as one plain (unencrypted) ZIP, written as it
/// goes with the library's streaming writer: each entry is decrypted, checked
/// against its CRC-32 and size, and stored under its checked path
/// ([`ZipBrowser::entries`]' `savePath`); ZIP64 only where the sizes need it.
#[wasm_bindgen]
pub struct ZipBundle {
    writer: Option<zip::ZipWriter<io::BufWriter<JsOutput>>>,
}

#[wasm_bindgen]
impl ZipBundle {
    /// A new ZIP whose bytes go to `sink(Uint8Array)` in order.
    #[wasm_bindgen(constructor)]
    pub fn new(sink: js_sys::Function) -> ZipBundle {
        let out = io::BufWriter::with_capacity(1 << 20, JsOutput { callback: sink });
        ZipBundle { writer: Some(zip::ZipWriter::new(out)) }
    }

    /// Copies entry `index` of `from` (a file) into the ZIP; returns its size. On an
    /// error (damage, a CRC-32 mismatch, a failed write) the ZIP written so far is
    /// incomplete: discard it.
    pub fn add(&mut self, from: &mut ZipBrowser, index: u32) -> Result<f64, JsValue> {
        let i = index as usize;
        let writer =
            self.writer.as_mut().ok_or_else(|| js_error(&Error::InvalidInput("the ZIP is finished")))?;
        let (e, place) = from
            .archive
            .entries()
            .get(i)
            .zip(from.places.get(i))
            .ok_or_else(|| zip_error(zip::Error::NoSuchEntry(i)))?;
        if e.kind != EntryKind::File {
            return Err(js_error(&Error::InvalidInput("only files are copied")));
        }
        let name = place.path.join("/");
        let (modified, size) = (e.modified, e.size);
        let mut entry = writer
            .start_file(&name, modified, zip::Compression::Stored, size)
            .map_err(|e| js_error(&Error::from(e)))?;
        from.archive.copy_entry(i, &mut entry, &Limits::default()).map_err(zip_error)?;
        let n = entry.finish().map_err(|e| js_error(&Error::from(e)))?;
        Ok(n as f64)
    }

    /// Writes the central directory and passes the last bytes to the sink.
    pub fn finish(&mut self) -> Result<(), JsValue> {
        let writer =
            self.writer.take().ok_or_else(|| js_error(&Error::InvalidInput("the ZIP is finished")))?;
        let out = writer.finish().map_err(|e| js_error(&Error::from(e)))?;
        out.into_inner().map_err(|e| js_error(&Error::from(e.into_error())))?;
        Ok(())
    }
}
