//! The ZIP browser: list a backup's entries and extract one, decrypting only the
//! blocks needed ([`SeekableDecryptor`] over the browser `File`, read with
//! `FileReaderSync` in the worker).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use std::io::{self, Read, Seek, SeekFrom, Write};
use wasm_bindgen::prelude::*;

use super::{js_error, object, password};
use crate::io::SeekableDecryptor;
use crate::zip::safe_path::sanitize;
use crate::zip::{self, Archive, EntryKind, Limits};
use crate::{DecryptOptions, Error};

/// Extensions previewed as text.
const TEXT: [&str; 14] = [
    ".sql", ".txt", ".csv", ".json", ".log", ".md", ".xml", ".html", ".yml", ".yaml", ".ini", ".conf",
    ".tsv", ".js",
];

fn js_io(e: JsValue) -> io::Error {
    io::Error::other(format!("reading the file failed: {e:?}"))
}

/// `Read + Seek` over a browser `File`: each read is one synchronous slice.
struct BrowserFile {
    file: web_sys::File,
    reader: web_sys::FileReaderSync,
    pos: u64,
    len: u64,
}

impl Read for BrowserFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let end = (self.pos + buf.len() as u64).min(self.len);
        if end <= self.pos {
            return Ok(0);
        }
        let blob = self.file.slice_with_f64_and_f64(self.pos as f64, end as f64).map_err(js_io)?;
        let buffer = self.reader.read_as_array_buffer(&blob).map_err(js_io)?;
        let bytes = js_sys::Uint8Array::new(&buffer);
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
/// HMAC covers the whole file: only [`ZipBrowser::verify`] (one full pass) checks it.
#[wasm_bindgen]
pub struct ZipBrowser {
    archive: Archive<SeekableDecryptor<BrowserFile>>,
}

#[wasm_bindgen]
impl ZipBrowser {
    /// Checks the password and reads the central directory (from the end of the
    /// file: a few blocks, not the whole backup). Throws `WrongPassword`,
    /// `NotZip`, `Corrupt`, ….
    pub fn open(password_utf8: Vec<u8>, file: web_sys::File) -> Result<ZipBrowser, JsValue> {
        let password = password(password_utf8);
        let reader = web_sys::FileReaderSync::new()?;
        let len = file.size() as u64;
        let input = BrowserFile { file, reader, pos: 0, len };
        let decryptor =
            SeekableDecryptor::new(input, &password, &DecryptOptions::default()).map_err(|e| js_error(&e))?;
        Ok(ZipBrowser { archive: Archive::new(decryptor).map_err(zip_error)? })
    }

    /// The entries: `{index, name, size, compressedSize, modified, kind, method,
    /// safeName, unsafe, preview}`. `safeName` is the last component of the
    /// checked path (what a download may be called); `unsafe` says why the entry
    /// is refused ([`Archive::verdicts`], the same answer as `ls` and `extract`).
    pub fn entries(&self) -> js_sys::Array {
        let verdicts = self.archive.verdicts(&Limits::default());
        let list = js_sys::Array::new();
        for (index, (e, verdict)) in self.archive.entries().iter().zip(&verdicts).enumerate() {
            let problem = verdict.refusal().map(|r| format!("{r}"));
            // A download's name: the checked path's last component, even for a
            // refused entry whose name itself is fine (the page shows why).
            let safe_name = sanitize(&e.name).ok().and_then(|p| p.components().last().map(String::from));
            let kind = match e.kind {
                EntryKind::File => "file",
                EntryKind::Directory => "directory",
                EntryKind::Symlink => "symlink",
            };
            let lower = e.name.to_lowercase();
            let preview = e.kind == EntryKind::File && TEXT.iter().any(|t| lower.ends_with(t));
            list.push(&object(&[
                ("index", JsValue::from(index as u32)),
                ("name", JsValue::from_str(&e.name)),
                ("size", JsValue::from(e.size as f64)),
                ("compressedSize", JsValue::from(e.compressed_size as f64)),
                ("modified", JsValue::from_str(&format!("{}", e.modified).replace('T', " "))),
                ("kind", JsValue::from_str(kind)),
                ("method", JsValue::from_str(&e.method.name())),
                ("safeName", safe_name.map_or(JsValue::NULL, |s| JsValue::from_str(&s))),
                ("unsafe", problem.map_or(JsValue::NULL, |s| JsValue::from_str(&s))),
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

    /// Reads the whole backup once and checks its HMAC (AES Crypt); returns the
    /// sentence to show.
    pub fn verify(&mut self) -> Result<String, JsValue> {
        let integrity = self.archive.get_mut().verify().map_err(|e| js_error(&e))?;
        Ok(String::from(integrity.describe()))
    }
}
