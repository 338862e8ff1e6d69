//! Whether an entry is safe to extract (FORMATS.md §4.3): one answer, from the
//! central directory alone, that `ls`, `extract`, the `--verify` passes and the
//! page all give.
//!
//! An entry is refused, first reason first, for an unsafe name
//! ([`super::safe_path::sanitize`]), for being a symbolic link, for repeating an
//! earlier entry's path, for data overlapping another entry's, or for an
//! expansion ratio above [`Limits::max_ratio`] ([`Limits::ratio_exceeded`]).
//!
//! Paths repeat when they are equal after lower-casing: restores happen on
//! macOS and Windows laptops too, whose file systems do not tell `Report.pdf`
//! from `report.pdf`, so the second would land on the first. The first is kept,
//! later ones refused, on every system, so that the same archive extracts the
//! same way everywhere. (Unicode normalisation, NFC against NFD, is not folded.)

use std::collections::HashSet;
use std::fmt;
use std::io::{Read, Seek};
use std::string::String;
use std::vec::Vec;

use super::safe_path::{self, SafePath, Unsafe};
use super::{Archive, EntryKind, Limits};

/// Why an entry is not extracted although the archive could be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The name would escape the target directory or is otherwise unsafe.
    UnsafeName(Unsafe),
    /// A symbolic link (never created).
    Symlink,
    /// A second entry with the same path, letter case aside.
    Duplicate,
    /// Its data overlaps another entry's, or the central directory.
    Overlapping,
    /// Its expansion ratio (rounded up) is above the limit (zip bomb).
    Ratio(u64),
    /// Extracting it would exceed the total output cap.
    TotalTooLarge,
    /// The destination exists, or a parent is not a plain directory (a symlink
    /// planted in the target, or a file where a directory is needed).
    Conflict(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::UnsafeName(u) => write!(f, "unsafe name: {u}"),
            Refusal::Symlink => f.write_str("symbolic link (not extracted)"),
            Refusal::Duplicate => f.write_str("duplicate name (would overwrite an earlier entry)"),
            Refusal::Overlapping => f.write_str("data overlaps another entry (zip bomb?)"),
            Refusal::TotalTooLarge => f.write_str("total output would exceed the cap"),
            Refusal::Ratio(r) => write!(f, "expands {r}:1 (zip bomb?)"),
            Refusal::Conflict(why) => f.write_str(why),
        }
    }
}

/// The verdict on one entry, from the central directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryVerdict {
    /// Safe to extract, at this path.
    Safe(SafePath),
    /// Not to be extracted, and why.
    Refused(Refusal),
}

impl EntryVerdict {
    /// True for [`EntryVerdict::Safe`].
    pub fn is_safe(&self) -> bool {
        matches!(self, EntryVerdict::Safe(_))
    }

    /// The reason, for a refused entry.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            EntryVerdict::Safe(_) => None,
            EntryVerdict::Refused(r) => Some(r),
        }
    }
}

impl<R: Read + Seek> Archive<R> {
    /// The verdict on every entry, in central-directory order. Duplicates are
    /// judged over the whole archive, so that choosing the second of two
    /// same-named entries still refuses it.
    pub fn verdicts(&self, limits: &Limits) -> Vec<EntryVerdict> {
        let overlapping: HashSet<usize> = self.overlapping().into_iter().collect();
        let mut seen: HashSet<String> = HashSet::new();
        self.entries()
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let path = match safe_path::sanitize(&e.name) {
                    Ok(p) => p,
                    Err(u) => return EntryVerdict::Refused(Refusal::UnsafeName(u)),
                };
                let first = seen.insert(path.as_str().to_lowercase());
                let refusal = if e.kind == EntryKind::Symlink {
                    Some(Refusal::Symlink)
                } else if !first {
                    Some(Refusal::Duplicate)
                } else if overlapping.contains(&i) {
                    Some(Refusal::Overlapping)
                } else {
                    limits.ratio_exceeded(e.size, e.compressed_size).map(Refusal::Ratio)
                };
                match refusal {
                    Some(r) => EntryVerdict::Refused(r),
                    None => EntryVerdict::Safe(path),
                }
            })
            .collect()
    }
}
