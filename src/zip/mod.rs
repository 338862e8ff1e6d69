//! ZIP archives, the content of the file backups (FORMATS.md §4): listing from the
//! central directory, reading single entries with their CRC-32 and size checked,
//! safe extraction, and a streaming writer (feature `zip`).
//!
//! Everything here works over any `Read + Seek`, in particular over
//! [`crate::io::SeekableDecryptor`]: listing an encrypted backup reads only its
//! last few hundred kilobytes, and extracting one entry reads about that entry.
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
//! Why not the `zip` crate (9.8.2, checked on 2026-12-01 with a small program
//! over archives built byte by byte; numbers from that run):
//!
//! * Opening is no longer the problem: `ZipArchive::new` reads only the end
//!   record and the central directory (1,000 entries of 64 KiB: 56,050 bytes
//!   read in 5 seeks, the directory and end record being 55,022 bytes).
//! * Duplicates are merged silently: three central records, two named
//!   `dup.txt`, give `len() == 2`. We must see duplicates to refuse them.
//! * A 16-bit entry count without ZIP64 is not recovered: 70,000 entries list
//!   as 4,464, with no error. We parse the whole directory and accept the
//!   count modulo 65,536.
//! * Unsafe names are stripped, not refused: `enclosed_name()` turns
//!   `/etc/passwd-test` into `etc/passwd-test` and `C:\x.txt` into `x.txt`,
//!   and `extract()` writes the first entries before failing on a `../` one.
//! * `has_overlapping_files()` reads every local header (1,000 entries: 999
//!   seeks), which through the decryptor is one window per entry; we judge
//!   overlap from the central directory.
//! * It needs Rust 1.89 (this crate: 1.85) and would add about 33 KB gzipped
//!   to the page (the issue's figure, not re-measured here).
//!
//! `ZipWriter::new_stream` does write to pipes with data descriptors, and was
//! measured against our writer (`benches/zip_writer.rs`, docs/BENCHMARKS.md, two
//! runs on a shared 2-vCPU machine, stored entries to a sink, sizes given as
//! `backupcrypt archive` knows them: ours as `size_hint`, the crate's as
//! `large_file`). It meets most of the bar: the same bytes out (to the byte
//! count), ZIP64 exactly where ours puts it (none for 1,000 files of 1 MiB; only
//! the end record for 70,000 entries; local and central fields for an entry over
//! 4 GiB and the offset after it), read by Python's zipfile and Info-ZIP `unzip
//! -t` in all three cases, and +675 bytes gzipped on the page (wasm 133,440 →
//! 134,115 bytes gzipped with it in place of ours in `ZipBundle`, +0.5%). It loses
//! on throughput: 70,000 entries of 100 bytes at 0.36x our speed (104–135 vs
//! 285–366 MB/s) with a higher peak (17 vs 10 MiB), and 1,000 entries of 1 MiB
//! at 0.66x and 0.89x (5,138 vs 7,757 and 8,377 vs 9,382 MB/s); only one entry
//! of 4.5 GiB is even (0.96x, 1.04x). So the writer stays ours.
//!
//! Where the crate is strong we use it: as a test oracle (a dev-dependency,
//! `zip_oracle` in Cargo.toml). tests/zip_interop.rs lists every archive our
//! writer makes, and every other producer's archive it accepts, with both
//! readers and requires the same entries, names, sizes, CRC-32s, kinds and
//! bytes.

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
pub mod signature;
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
