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

// Without the `zip` feature only the parts over bytes remain (core + alloc):
// the end record rule for the content check, entry names, DOS times.
#[cfg(feature = "zip")]
mod archive;
#[cfg(feature = "zip")]
mod central_directory;
#[cfg(feature = "zip")]
mod cp437;
mod dos_time;
pub mod end_record;
#[cfg(feature = "zip")]
mod entry;
#[cfg(feature = "zip")]
mod error;
#[cfg(feature = "zip")]
mod extract;
mod le;
pub mod safe_path;
#[cfg(feature = "zip")]
mod verdict;
#[cfg(feature = "zip")]
mod write;

#[cfg(feature = "zip")]
pub use archive::Archive;
#[cfg(feature = "zip")]
pub use central_directory::{Entry, EntryKind, Method};
pub use dos_time::DosDateTime;
#[cfg(feature = "zip")]
pub use entry::Limits;
#[cfg(feature = "zip")]
pub use error::{Error, Result};
#[cfg(feature = "zip")]
pub use extract::{ExtractOptions, ExtractReport, extract};
#[cfg(feature = "zip")]
pub use verdict::{EntryVerdict, Refusal};
#[cfg(feature = "zip")]
pub use write::{ArchiveOptions, ArchiveReport, Compression, FileEntry, ZipWriter, archive_paths};

/// Shell-style pattern match for choosing entries: `*` matches any run of
/// characters (`/` included), `?` any one character; everything else literally.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: alloc::vec::Vec<char> = pattern.chars().collect();
    let n: alloc::vec::Vec<char> = name.chars().collect();
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
