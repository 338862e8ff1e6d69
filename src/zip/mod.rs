//! ZIP archives, the content of the file backups (FORMATS.md §4): listing from the
//! central directory, reading single entries with their CRC-32 and size checked,
//! safe extraction, and a streaming writer (feature `zip`).
//!
//! Everything here works over any `Read + Seek`, in particular over
//! [`crate::io::SeekableDecryptor`]: listing an encrypted backup reads only its
//! last few hundred kilobytes, and extracting one entry reads about that entry.
//!
//! Why not the `zip` crate: it keys entries by name, so a duplicate silently
//! replaces the first (we must see duplicates to refuse them); it reads every
//! local header to describe an entry, which through the decryptor costs one
//! window per entry and breaks "list a 2 GiB backup reading < 1 MiB"; and without
//! an end record it scans the whole file backwards. The central directory is a
//! small, well-specified structure, so this module parses it itself.
//!
//! ```
//! use std::io::Cursor;
//! use backupcrypt::io::{EncryptTo, SeekableDecryptor, encrypt_stream};
//! use backupcrypt::zip::{Archive, Compression, DosDateTime, Limits, ZipWriter};
//! use backupcrypt::{DecryptOptions, Password, aescrypt::Version};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let password = Password::from("backup-key=");
//! // A backup as the job made them: a ZIP, encrypted with AES Crypt v2.
//! let mut zip = ZipWriter::new(Vec::new());
//! let t = DosDateTime::from_unix(1_660_000_000);
//! zip.add_file("scan.pdf", t, Compression::Stored, 5, &b"%PDF-"[..])?;
//! let mut backup = Vec::new();
//! encrypt_stream(&zip.finish()?[..], &mut backup, &password, EncryptTo::AesCrypt(Version::V2))?;
//!
//! // List it and read one entry, decrypting only the blocks needed (unverified
//! // until `verify()`; each entry's CRC-32 is checked by `copy_entry`).
//! let reader = SeekableDecryptor::new(Cursor::new(backup), &password, &DecryptOptions::default())?;
//! let mut archive = Archive::new(reader)?;
//! assert_eq!(archive.entries()[0].name, "scan.pdf");
//! let mut pdf = Vec::new();
//! archive.copy_entry(0, &mut pdf, &Limits::default())?;
//! assert_eq!(pdf, b"%PDF-");
//! assert!(archive.get_mut().verify()?.is_authenticated());
//! # Ok(()) }
//! ```
//!
//! Why not the `zip` crate: version 7 keys entries by name, so a second entry with
//! the same name silently replaces the first (we must see and refuse duplicates);
//! it reads every local header to give out an entry's metadata (a seek and a
//! window read per entry, which breaks the "list without reading the archive"
//! goal); and on a file without an end record it scans the whole file backwards.
//! The central directory is small and fully specified, so it is parsed here.

mod archive;
mod central_directory;
mod cp437;
mod dos_time;
pub mod end_record;
mod entry;
mod extract;
mod le;
pub mod safe_path;
mod write;

pub use archive::Archive;
pub use central_directory::{Entry, EntryKind, Method};
pub use dos_time::DosDateTime;
pub use entry::Limits;
pub use extract::{ExtractOptions, ExtractReport, Refusal, extract};
pub use write::{ArchiveOptions, ArchiveReport, Compression, FileEntry, ZipWriter, archive_paths};

use std::fmt;
use std::io;
use std::string::String;

/// What can go wrong with a ZIP archive as a whole.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// No end-of-central-directory record: not a ZIP archive (or cut short).
    NotZip,
    /// The structure is inconsistent (names the field), or an entry failed its
    /// CRC-32 or size check.
    Damaged(String),
    /// A valid archive using something not implemented (method, ZIP encryption,
    /// multiple disks).
    Unsupported(String),
    /// The decryption layer underneath failed (wrong password, damaged file…).
    Decrypt(crate::Error),
    /// Reading or writing failed.
    Io(io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotZip => f.write_str("not a ZIP archive (no end-of-central-directory record)"),
            Error::Damaged(what) => write!(f, "the ZIP archive is damaged: {what}"),
            Error::Unsupported(what) => write!(f, "unsupported ZIP feature: {what}"),
            Error::Decrypt(e) => e.fmt(f),
            Error::Io(e) => write!(f, "I/O error: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decrypt(e) => Some(e),
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        // The decrypting reader reports its own errors wrapped in io::Error.
        if e.get_ref().is_some_and(|inner| inner.is::<crate::Error>()) {
            return match crate::Error::from(e) {
                crate::Error::Io(io) => Error::Io(io),
                other => Error::Decrypt(other),
            };
        }
        Error::Io(e)
    }
}

impl From<crate::Error> for Error {
    fn from(e: crate::Error) -> Self {
        match e {
            crate::Error::Io(io) => Error::from(io),
            other => Error::Decrypt(other),
        }
    }
}

/// Shorthand for this module.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Shell-style pattern match for choosing entries: `*` matches any run of
/// characters (`/` included), `?` any one character; everything else literally.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: std::vec::Vec<char> = pattern.chars().collect();
    let n: std::vec::Vec<char> = name.chars().collect();
    // Iterative matcher with one backtrack point: linear in practice, no recursion.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("*.pdf", "a/b.pdf"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("*", ""));
        assert!(glob_match("x*y*z", "xaaybbz"));
        assert!(!glob_match("x*y*z", "xaaybb"));
        assert!(glob_match("exact.txt", "exact.txt"));
        assert!(!glob_match("exact.txt", "exact.txt2"));
    }
}
