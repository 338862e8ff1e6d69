//! Reading one entry's data: its local header, then the stored or deflated
//! bytes, with the declared size and CRC-32 checked as they pass.

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::vec;

use super::archive::{Archive, read_at};
use super::central_directory::Method;
use super::le::u16_at;
use super::signature::LOCAL as LOCAL_SIG;
use super::{Error, Result};

/// Bounds on the work one entry may cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest declared size over compressed size accepted for deflate entries
    /// (deflate tops out near 1030:1, so bombs and overlapping data exceed it).
    pub max_ratio: u64,
    /// Entries smaller than this are not held to `max_ratio` (a small file of
    /// zeros compresses very well and is harmless).
    pub ratio_floor: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_ratio: 100, ratio_floor: 1 << 20 }
    }
}

impl Limits {
    /// The one expansion-ratio rule: an entry of at least `ratio_floor` bytes
    /// whose declared size is more than `max_ratio` times its compressed size is
    /// refused. Returns its ratio, rounded up (so that a refused entry never
    /// shows a ratio equal to the limit), or `None` when the entry is within.
    pub fn ratio_exceeded(&self, size: u64, compressed_size: u64) -> Option<u64> {
        let over = size >= self.ratio_floor && compressed_size.saturating_mul(self.max_ratio) < size;
        over.then(|| size.div_ceil(compressed_size.max(1)))
    }
}

impl<R: Read + Seek> Archive<R> {
    /// Copies entry `index`'s uncompressed data to `out`, checking the method,
    /// the size (inflation stops at the declared size: a bigger stream is
    /// refused, not written) and the CRC-32. Returns the bytes written.
    ///
    /// `out` receives data before the CRC is known: on `Err`, discard it.
    ///
    /// # Errors
    /// [`Error::NoSuchEntry`]; [`Error::Unsupported`] (method, encryption);
    /// [`Error::LimitExceeded`] (ratio above `limits`); [`Error::Structure`]
    /// (local header, deflate data), [`Error::SizeMismatch`],
    /// [`Error::CrcMismatch`]; reader and writer errors.
    pub fn copy_entry<W: Write>(&mut self, index: usize, out: &mut W, limits: &Limits) -> Result<u64> {
        let e = self.entries().get(index).ok_or(Error::NoSuchEntry(index))?.clone();
        let structure = |what: &str| Error::Structure { entry: Some(e.name.clone()), what: what.into() };
        if e.is_encrypted() {
            return Err(Error::Unsupported("entry encrypted with ZIP's own encryption".into()));
        }
        match e.method {
            Method::Stored if e.size != e.compressed_size => {
                return Err(Error::SizeMismatch {
                    entry: e.name.clone(),
                    declared: e.compressed_size,
                    actual: e.size,
                });
            }
            Method::Stored | Method::Deflate => {}
            Method::Other(n) => return Err(Error::Unsupported(std::format!("compression method {n}"))),
        }
        if let Some(ratio) = limits.ratio_exceeded(e.size, e.compressed_size) {
            return Err(Error::LimitExceeded { entry: e.name.clone(), ratio, max_ratio: limits.max_ratio });
        }
        let mut local = [0u8; 30];
        read_at(self.get_mut(), e.header_offset, &mut local)?;
        if &local[..4] != LOCAL_SIG {
            return Err(structure("local header signature"));
        }
        let data_start = e.header_offset + 30 + u64::from(u16_at(&local, 26)) + u64::from(u16_at(&local, 28));
        if data_start.saturating_add(e.compressed_size) > self.central_directory_start() {
            return Err(structure("entry data runs into the central directory"));
        }
        self.get_mut().seek(SeekFrom::Start(data_start))?;
        let raw = self.get_mut().take(e.compressed_size);
        let mut hasher = crc32fast::Hasher::new();
        let written = match e.method {
            Method::Deflate => {
                copy_checked(flate2::read::DeflateDecoder::new(raw), out, &e.name, e.size, &mut hasher)?
            }
            _ => copy_checked(raw, out, &e.name, e.size, &mut hasher)?,
        };
        if written != e.size {
            return Err(Error::SizeMismatch { entry: e.name, declared: e.size, actual: written });
        }
        let crc = hasher.finalize();
        if crc != e.crc32 {
            return Err(Error::CrcMismatch { entry: e.name, declared: e.crc32, actual: crc });
        }
        Ok(written)
    }
}

/// Copies at most `limit` bytes; reading a byte more means the data is larger
/// than declared, which is refused before that byte is written.
fn copy_checked<R: Read, W: Write>(
    mut from: R,
    out: &mut W,
    name: &str,
    limit: u64,
    hasher: &mut crc32fast::Hasher,
) -> Result<u64> {
    let mut buf = zeroize::Zeroizing::new(vec![0u8; 256 * 1024]);
    let mut total = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::InvalidInput || e.kind() == io::ErrorKind::InvalidData => {
                // flate2 reports a corrupt deflate stream this way; keep decryption errors.
                let err = Error::from(e);
                return Err(match err {
                    Error::Io(e) => Error::Structure {
                        entry: Some(name.into()),
                        what: std::format!("invalid deflate data: {e}"),
                    },
                    other => other,
                });
            }
            Err(e) => return Err(e.into()),
        };
        if total + n as u64 > limit {
            return Err(Error::SizeMismatch {
                entry: name.into(),
                declared: limit,
                actual: total + n as u64,
            });
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(Error::Io)?;
        total += n as u64;
    }
}
