//! Finding the end-of-central-directory record, and its ZIP64 counterpart, in
//! an archive's last bytes (FORMATS.md §4.2).
//!
//! Pure functions over bytes, using only `core`: [`super::Archive`] runs them on
//! the last [`TAIL_LEN`] bytes of a file, and the content check
//! ([`crate::content`]) on the last bytes of a decrypted stream. One rule, so
//! that `ls` and `verify` cannot disagree about whether a ZIP ends properly.

use super::le::{u16_at, u32_at, u64_at};
use super::signature::{
    CENTRAL as CENTRAL_SIG, END as EOCD_SIG, END64 as EOCD64_SIG, LOCATOR64 as LOCATOR_SIG,
};

/// The end record without its comment.
pub const EOCD_LEN: usize = 22;
const LOCATOR_LEN: usize = 20;
/// The ZIP64 end record without its extensible data (which no writer uses).
const EOCD64_LEN: usize = 56;
/// Junk tolerated after the end record and its comment: pyAesCrypt 6.1.1 can
/// leave up to 15 padding bytes on a decrypted file (FORMATS.md §3.6). More is
/// not tolerated: a ZIP cut inside its central directory leaves the end record
/// of a ZIP stored inside it followed by much more than that.
pub const MAX_JUNK: usize = 15;
/// The most bytes at the end of an archive that the end records can occupy:
/// the ZIP64 record and locator, the end record, a maximal comment, junk.
pub const TAIL_LEN: usize = EOCD64_LEN + LOCATOR_LEN + EOCD_LEN + 65_535 + MAX_JUNK;
/// Each central-directory record is at least this long.
pub(super) const CENTRAL_RECORD_LEN: u64 = 46;

/// What the end record(s) say about the central directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EndRecord {
    /// Offset of the end record in the archive.
    pub at: u64,
    /// Number of entries (from the ZIP64 record when there is one).
    pub entries: u64,
    /// Size of the central directory in bytes.
    pub cd_size: u64,
    /// Offset of the central directory's first record.
    pub cd_offset: u64,
    /// Where the central directory must end by: the ZIP64 end record if there is
    /// one, else the end record.
    pub cd_limit: u64,
    /// The end record's disk numbers are not both 0.
    pub multi_disk: bool,
    /// Where a ZIP64 locator before the end record points, until
    /// [`EndRecord::apply_zip64`] read that record.
    pub zip64_at: Option<u64>,
}

impl EndRecord {
    /// Finds the last plausible end record in `tail`, the last bytes of an
    /// archive of `len` bytes: its comment must fit, at most [`MAX_JUNK`] bytes
    /// may follow, and (unless ZIP64 sentinels stand in) the central directory
    /// it names must end before it. A ZIP64 locator right before it is noted in
    /// [`EndRecord::zip64_at`].
    pub fn find(tail: &[u8], len: u64) -> Option<EndRecord> {
        let tail_start = len.checked_sub(tail.len() as u64)?;
        let last = tail.len().checked_sub(EOCD_LEN)?;
        let first = last.saturating_sub(65_535 + MAX_JUNK);
        for i in (first..=last).rev() {
            if &tail[i..i + 4] != EOCD_SIG {
                continue;
            }
            let at = tail_start + i as u64;
            let comment = usize::from(u16_at(tail, i + 20));
            let after = tail.len() - i - EOCD_LEN; // comment and junk
            let cd_size = u64::from(u32_at(tail, i + 12));
            let cd_offset = u64::from(u32_at(tail, i + 16));
            let zip64 = cd_offset == 0xFFFF_FFFF || cd_size == 0xFFFF_FFFF;
            if comment > after || after - comment > MAX_JUNK || !(zip64 || cd_offset + cd_size <= at) {
                continue;
            }
            let zip64_at = i
                .checked_sub(LOCATOR_LEN)
                .filter(|&l| &tail[l..l + 4] == LOCATOR_SIG)
                .map(|l| u64_at(tail, l + 8));
            return Some(EndRecord {
                at,
                entries: u64::from(u16_at(tail, i + 10)),
                cd_size,
                cd_offset,
                cd_limit: at,
                multi_disk: u16_at(tail, i + 4) != 0 || u16_at(tail, i + 6) != 0,
                zip64_at,
            });
        }
        None
    }

    /// Where the ZIP64 end record is to be read (56 bytes), if there is one.
    ///
    /// # Errors
    /// The locator points where no ZIP64 record fits (after the locator).
    pub fn zip64_record_at(&self) -> Result<Option<u64>, &'static str> {
        let Some(at) = self.zip64_at else { return Ok(None) };
        let locator = self.at - LOCATOR_LEN as u64;
        match at.checked_add(EOCD64_LEN as u64) {
            Some(end) if end <= locator => Ok(Some(at)),
            _ => Err("ZIP64 end record offset"),
        }
    }

    /// Takes the entry count and the central directory's place from the ZIP64
    /// end record's first [`EOCD64_LEN`] bytes.
    ///
    /// # Errors
    /// The record is too short or lacks its signature.
    pub fn apply_zip64(&mut self, record: &[u8]) -> Result<(), &'static str> {
        let at = self.zip64_record_at()?.ok_or("ZIP64 end record offset")?;
        if record.len() < EOCD64_LEN || &record[..4] != EOCD64_SIG {
            return Err("ZIP64 end record signature");
        }
        self.entries = u64_at(record, 32);
        self.cd_size = u64_at(record, 40);
        self.cd_offset = u64_at(record, 48);
        self.cd_limit = at;
        self.zip64_at = None;
        Ok(())
    }

    /// The ZIP64 end record as found in `tail` (the last bytes of an archive of
    /// `len` bytes), if it lies there.
    pub fn zip64_record_in<'t>(&self, tail: &'t [u8], len: u64) -> Option<&'t [u8]> {
        let at = self.zip64_record_at().ok()??;
        let start = usize::try_from(at.checked_sub(len - tail.len() as u64)?).ok()?;
        tail.get(start..start + EOCD64_LEN)
    }

    /// Whether the central directory, as far as it lies in `tail` (the last
    /// bytes of an archive of `len` bytes), is a chain of central records: when
    /// all of it is in view, the records must fill it exactly; when only its
    /// end is, nothing can be said (true).
    pub fn central_directory_in_view_is_whole(&self, tail: &[u8], len: u64) -> bool {
        let Some(start) = self.cd_offset.checked_sub(len - tail.len() as u64) else { return true };
        let (Ok(start), Ok(size)) = (usize::try_from(start), usize::try_from(self.cd_size)) else {
            return false;
        };
        let Some(cd) = tail.get(start..).and_then(|t| t.get(..size)) else { return false };
        let mut at = 0;
        while at < cd.len() {
            let r = &cd[at..];
            if r.len() < CENTRAL_RECORD_LEN as usize || &r[..4] != CENTRAL_SIG {
                return false;
            }
            at += CENTRAL_RECORD_LEN as usize
                + usize::from(u16_at(r, 28))
                + usize::from(u16_at(r, 30))
                + usize::from(u16_at(r, 32));
        }
        at == cd.len()
    }

    /// Checks that the central directory fits before [`EndRecord::cd_limit`]
    /// and can hold the announced entries.
    ///
    /// # Errors
    /// Names the inconsistent field.
    pub fn check(&self) -> Result<(), &'static str> {
        if self.zip64_at.is_some() {
            return Err("ZIP64 end record not read");
        }
        let cd_end = self.cd_offset.checked_add(self.cd_size).ok_or("central directory size")?;
        if cd_end > self.cd_limit {
            return Err("central directory runs past the end record");
        }
        // Each central record is at least 46 bytes: a count that cannot fit is a lie.
        if self.entries > self.cd_size / CENTRAL_RECORD_LEN {
            return Err("entry count larger than the central directory");
        }
        Ok(())
    }
}
