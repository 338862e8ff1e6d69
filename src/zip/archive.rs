//! An archive opened from its end: the end record(s) and the central directory
//! are read at once, entry data only on request ([`super::entry`]).

use std::io::{self, Read, Seek, SeekFrom};
use std::vec;
use std::vec::Vec;

use super::central_directory::{Entry, parse_central_directory};
use super::end_record::{EndRecord, TAIL_LEN};
use super::signature::LOCAL as LOCAL_SIG;
use super::{Error, Result};

/// Largest central directory read into memory (about 4 million entries).
const MAX_CENTRAL_DIRECTORY: u64 = 512 << 20;

/// A ZIP archive over any `Read + Seek`, its central directory read at open.
pub struct Archive<R> {
    reader: R,
    entries: Vec<Entry>,
    central_directory_start: u64,
    len: u64,
}

pub(super) fn read_at<R: Read + Seek>(r: &mut R, at: u64, buf: &mut [u8]) -> Result<()> {
    r.seek(SeekFrom::Start(at))?;
    r.read_exact(buf).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            Error::structure("a record runs past the end of the archive")
        } else {
            Error::from(e)
        }
    })
}

fn damaged(what: &str) -> Error {
    Error::structure(what)
}

impl<R: Read + Seek> Archive<R> {
    /// Reads the end record(s) and the central directory; no entry data is read.
    ///
    /// # Errors
    /// [`Error::NotZip`] without an end record (unless the data starts with a
    /// local header: then [`Error::Structure`], a ZIP cut short), [`Error::Structure`] for an
    /// inconsistent directory, [`Error::Decrypt`] / [`Error::Io`] from the reader.
    pub fn new(mut reader: R) -> Result<Self> {
        let len = reader.seek(SeekFrom::End(0))?;
        let tail_len = (TAIL_LEN as u64).min(len);
        let mut tail = vec![0u8; tail_len as usize];
        read_at(&mut reader, len - tail_len, &mut tail)?;
        let Some(mut end) = EndRecord::find(&tail, len) else {
            // Local headers but no end record: a ZIP cut short (or with junk
            // after its end), which is damage, not some other kind of file.
            let mut head = [0u8; 4];
            let starts_like_zip =
                len >= 4 && read_at(&mut reader, 0, &mut head).is_ok() && &head == LOCAL_SIG;
            return Err(if starts_like_zip {
                Error::structure("no end-of-central-directory record: the archive is cut short")
            } else {
                Error::NotZip
            });
        };
        if end.multi_disk {
            return Err(Error::Unsupported("archives split over several disks".into()));
        }
        if end.zip64_record_at().map_err(damaged)?.is_some() {
            // Right before the locator in all writers, so in `tail`; else read it.
            let record = match end.zip64_record_in(&tail, len) {
                Some(r) => r.to_vec(),
                None => {
                    let mut r = vec![0u8; 56];
                    read_at(&mut reader, end.zip64_record_at().map_err(damaged)?.unwrap_or(0), &mut r)?;
                    r
                }
            };
            end.apply_zip64(&record).map_err(damaged)?;
        }
        end.check().map_err(damaged)?;
        if end.cd_size > MAX_CENTRAL_DIRECTORY {
            return Err(Error::Unsupported("central directory larger than 512 MiB".into()));
        }
        let mut cd = vec![0u8; end.cd_size as usize];
        read_at(&mut reader, end.cd_offset, &mut cd)?;
        let entries = parse_central_directory(&cd, end.entries)?;
        Ok(Archive { reader, entries, central_directory_start: end.cd_offset, len })
    }

    /// The entries, in central-directory order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Where the central directory starts (entries' data must end before it).
    pub fn central_directory_start(&self) -> u64 {
        self.central_directory_start
    }

    /// The archive's length in bytes (the plaintext length for an encrypted one).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True for an archive of zero bytes (never: an archive has an end record).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The reader underneath.
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// The reader underneath, e.g. to run its verification pass.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// Gives the reader back.
    pub fn into_inner(self) -> R {
        self.reader
    }

    /// Indices of entries whose bytes overlap another entry's (several central
    /// records pointing into the same data: a zip-bomb technique), or run into the
    /// central directory. Uses only the central directory: an entry occupies at
    /// least its 30-byte local header and its compressed data.
    pub fn overlapping(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.entries.len()).collect();
        order.sort_by_key(|&i| self.entries[i].header_offset);
        let mut bad = vec![false; self.entries.len()];
        // The furthest end seen so far, and which entry reaches it.
        let mut reach: Option<(u64, usize)> = None;
        for &i in &order {
            let e = &self.entries[i];
            let end = e.header_offset.saturating_add(30).saturating_add(e.compressed_size);
            if let Some((r, j)) = reach {
                if e.header_offset < r {
                    bad[i] = true;
                    bad[j] = true;
                }
            }
            if end > self.central_directory_start {
                bad[i] = true;
            }
            if reach.is_none_or(|(r, _)| end > r) {
                reach = Some((end, i));
            }
        }
        (0..bad.len()).filter(|&i| bad[i]).collect()
    }
}
