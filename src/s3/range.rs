//! Reading objects: as a stream (one GET), or at random (ranged GETs, cached).

// The library is `no_std` + `alloc`; this module is `std` only.
use std::prelude::rust_2024::*;
#[allow(unused_imports)]
use std::{format, vec};

use std::io::{self, Read, Seek, SeekFrom};

use super::client::Client;
use super::url::S3Url;

/// The smallest ranged GET: a miss fetches at least this much around the position
/// wanted, so that the many small reads of a header or a ZIP end record cost one
/// request. The cache keeps [`CHUNKS`] fetched ranges.
pub const READAHEAD: usize = 16 << 10;
/// Ranges kept.
pub const CHUNKS: usize = 4;

/// `Read + Seek` over one object version, by ranged GETs.
///
/// Opening it fetches the object's last [`READAHEAD`] bytes (`Range: bytes=-N`,
/// whose answer also gives the length: no HEAD request). A read that misses the
/// cache fetches the range it asks for, at least [`READAHEAD`] bytes, moved back
/// from the end of the object so that reads near the end (a ZIP's end records)
/// are covered by one request.
pub struct RangeReader {
    client: Client,
    url: S3Url,
    version: Option<String>,
    len: u64,
    pos: u64,
    chunks: Vec<(u64, Vec<u8>)>,
}

impl RangeReader {
    /// Opens `url` (`version`: a version id, else the latest).
    ///
    /// # Errors
    /// HTTP and S3 errors (`NotFound`, `PermissionDenied`, …).
    pub fn open(client: &Client, url: &S3Url, version: Option<&str>) -> io::Result<RangeReader> {
        let (data, total) = client.get_range(&url.bucket, &url.key, version, &format!("-{READAHEAD}"))?;
        let len = total.unwrap_or(data.len() as u64);
        let start = len.checked_sub(data.len() as u64).ok_or_else(|| {
            io::Error::other(format!("{url}: the server sent more than the object's length"))
        })?;
        Ok(RangeReader {
            client: client.clone(),
            url: url.clone(),
            version: version.map(str::to_owned),
            len,
            pos: 0,
            chunks: vec![(start, data)],
        })
    }

    /// The object's length.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True for an empty object.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn fetch(&mut self, want: usize) -> io::Result<()> {
        let size = (want.max(READAHEAD) as u64).min(self.len);
        let start = self.pos.min(self.len - size);
        let end = (start + size).min(self.len);
        let (data, _) = self.client.get_range(
            &self.url.bucket,
            &self.url.key,
            self.version.as_deref(),
            &format!("{start}-{}", end - 1),
        )?;
        if data.len() as u64 != end - start {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("{}: asked for {} bytes at {start}, got {}", self.url, end - start, data.len()),
            ));
        }
        if self.chunks.len() >= CHUNKS {
            self.chunks.remove(0);
        }
        self.chunks.push((start, data));
        Ok(())
    }
}

impl Read for RangeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let hit = |chunks: &[(u64, Vec<u8>)], pos: u64| {
            chunks.iter().rposition(|(s, d)| pos >= *s && pos < s + d.len() as u64)
        };
        let i = match hit(&self.chunks, self.pos) {
            Some(i) => i,
            None => {
                self.fetch(buf.len())?;
                self.chunks.len() - 1
            }
        };
        let (start, data) = &self.chunks[i];
        let off = (self.pos - start) as usize;
        let n = buf.len().min(data.len() - off);
        buf[..n].copy_from_slice(&data[off..off + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for RangeReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = target.ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "seek before the start of the object")
        })?;
        Ok(self.pos)
    }
}

/// One object version as a stream: a single GET, nothing on disk.
pub struct ObjectReader {
    inner: Box<dyn Read + Send>,
    /// The object's length, when the server said it.
    pub len: Option<u64>,
}

impl ObjectReader {
    /// Starts the GET.
    ///
    /// # Errors
    /// HTTP and S3 errors.
    pub fn open(client: &Client, url: &S3Url, version: Option<&str>) -> io::Result<ObjectReader> {
        let (inner, len) = client.get(&url.bucket, &url.key, version)?;
        Ok(ObjectReader { inner, len })
    }
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf)
    }
}
