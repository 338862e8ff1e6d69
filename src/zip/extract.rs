//! Safe extraction into a directory (FORMATS.md §4.3).
//!
//! Every entry is checked before anything is written: its name through
//! [`super::safe_path::sanitize`], its kind (symlinks are refused, which also
//! defeats the two-step "link, then write through the link" escape), duplicates
//! and overlapping data, and the size budget. Refused entries are skipped and
//! reported; the others are extracted. Each file is written to an unnamed
//! temporary file and linked into place only after its size and CRC-32 checked,
//! so a damaged entry leaves nothing behind. Files are created 0600 and
//! directories 0700, whatever the archive says; nothing is ever overwritten.

use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::string::{String, ToString};
use std::vec::Vec;

use super::verdict::{EntryVerdict, Refusal};
use super::{Archive, EntryKind, Limits};
use super::{Error, Result, glob_match};
use crate::io::{AtomicFile, Overwrite};

/// What to extract and the limits that apply.
#[derive(Clone, Debug)]
pub struct ExtractOptions {
    /// Exact names or glob patterns (see [`glob_match`]); empty means everything.
    pub select: Vec<String>,
    /// Cap on the total bytes written (sum of declared sizes).
    pub max_total: u64,
    /// Per-entry limits (expansion ratio).
    pub limits: Limits,
    /// Replace existing files (atomically, once the entry checked). Without it an
    /// existing destination is refused.
    pub overwrite: bool,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions {
            select: Vec::new(),
            max_total: 64 << 30,
            limits: Limits::default(),
            overwrite: false,
        }
    }
}

/// The outcome of [`extract`].
#[derive(Clone, Debug, Default)]
pub struct ExtractReport {
    /// Entries written (files and directories), by archive name.
    pub extracted: Vec<String>,
    /// Bytes of file data written.
    pub bytes: u64,
    /// Entries skipped as unsafe, with the reason.
    pub refused: Vec<(String, Refusal)>,
    /// Entries that could not be extracted because they are damaged or use
    /// something unsupported (nothing was left at their destination).
    pub failed: Vec<(String, String)>,
    /// Entries that could not be written or read (a full disk, a read error),
    /// with the error; nothing was left at their destination either.
    pub io_failed: Vec<(String, String)>,
    /// Patterns in `select` that matched no entry.
    pub unmatched: Vec<String>,
}

impl ExtractReport {
    /// True if every selected entry was extracted.
    pub fn is_complete(&self) -> bool {
        self.refused.is_empty()
            && self.failed.is_empty()
            && self.io_failed.is_empty()
            && self.unmatched.is_empty()
    }
}

fn make_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut b = std::fs::DirBuilder::new();
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(path)
    }
    #[cfg(not(unix))]
    std::fs::DirBuilder::new().create(path)
}

/// Creates (or checks) every directory from `root` down to `rel`'s components,
/// refusing anything that is not a plain directory — in particular a symlink.
fn ensure_dirs<'a>(
    root: &Path,
    parts: impl Iterator<Item = &'a str>,
) -> core::result::Result<PathBuf, Refusal> {
    let mut path = root.to_path_buf();
    for part in parts {
        path.push(part);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(Refusal::Conflict(std::format!(
                    "{} exists and is not a directory",
                    path.display()
                )));
            }
            Err(_) => make_dir(&path)
                .map_err(|e| Refusal::Conflict(std::format!("cannot create {}: {e}", path.display())))?,
        }
    }
    Ok(path)
}

/// Extracts the selected entries of `archive` into `dir` (created 0700 if
/// missing). Unsafe entries are refused and reported, damaged ones reported as
/// failed; the others are extracted. The archive's own errors (unreadable
/// directory, decryption failure) stop the run.
///
/// # Errors
/// [`Error::Io`] if `dir` cannot be created; [`Error::Decrypt`] if the
/// decryption layer fails (e.g. a damaged ciphertext read error).
pub fn extract<R: Read + Seek>(
    archive: &mut Archive<R>,
    dir: &Path,
    options: &ExtractOptions,
) -> Result<ExtractReport> {
    let mut report = ExtractReport::default();
    let entries = archive.entries().to_vec();
    let mut matched = vec_of(options.select.len());
    let chosen: Vec<usize> = (0..entries.len())
        .filter(|&i| {
            if options.select.is_empty() {
                return true;
            }
            let mut any = false;
            for (k, p) in options.select.iter().enumerate() {
                if *p == entries[i].name || glob_match(p, &entries[i].name) {
                    matched[k] = true;
                    any = true;
                }
            }
            any
        })
        .collect();
    report.unmatched =
        options.select.iter().zip(&matched).filter(|(_, m)| !**m).map(|(p, _)| p.clone()).collect();
    if !dir.exists() {
        make_dir(dir).map_err(Error::Io)?;
    }
    let verdicts = archive.verdicts(&options.limits);
    let mut total = 0u64;
    for i in chosen {
        let e = &entries[i];
        let path = match &verdicts[i] {
            EntryVerdict::Safe(p) => p,
            EntryVerdict::Refused(r) => {
                report.refused.push((e.name.clone(), r.clone()));
                continue;
            }
        };
        if total.saturating_add(e.size) > options.max_total {
            report.refused.push((e.name.clone(), Refusal::TotalTooLarge));
            continue;
        }
        let is_dir = e.kind == EntryKind::Directory || path.is_dir();
        let parts: Vec<&str> = path.components().collect();
        let (parents, last) = parts.split_at(parts.len() - 1);
        let parent = match ensure_dirs(dir, parents.iter().copied()) {
            Ok(p) => p,
            Err(r) => {
                report.refused.push((e.name.clone(), r));
                continue;
            }
        };
        if is_dir {
            match ensure_dirs(&parent, last.iter().copied()) {
                Ok(_) => report.extracted.push(e.name.clone()),
                Err(r) => report.refused.push((e.name.clone(), r)),
            }
            continue;
        }
        let dest = parent.join(last[0]);
        let existing = std::fs::symlink_metadata(&dest).ok();
        // Replacing swaps the directory entry (never writes through a link), but a
        // directory is never replaced.
        if existing.as_ref().is_some_and(|m| !options.overwrite || m.is_dir()) {
            report
                .refused
                .push((e.name.clone(), Refusal::Conflict(std::format!("{} already exists", dest.display()))));
            continue;
        }
        let mut file = match AtomicFile::create(
            &dest,
            if options.overwrite { Overwrite::Replace } else { Overwrite::Never },
        ) {
            Ok(f) => f,
            Err(err) => {
                report.io_failed.push((e.name.clone(), err.to_string()));
                continue;
            }
        };
        match archive.copy_entry(i, &mut file, &options.limits) {
            Ok(n) => match file.persist() {
                Ok(()) => {
                    total += n;
                    report.bytes += n;
                    report.extracted.push(e.name.clone());
                }
                Err(err) => report.io_failed.push((e.name.clone(), err.to_string())),
            },
            // The decryption layer failing is not this entry's fault: stop.
            Err(err @ Error::Decrypt(_)) => return Err(err),
            Err(Error::Io(err)) => report.io_failed.push((e.name.clone(), err.to_string())),
            Err(err) => report.failed.push((e.name.clone(), err.to_string())),
        }
    }
    Ok(report)
}

fn vec_of(n: usize) -> Vec<bool> {
    std::vec![false; n]
}
