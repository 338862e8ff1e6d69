//! What can go wrong reading a ZIP archive.

use std::fmt;
use std::io;
use std::string::String;

/// What can go wrong with a ZIP archive or one of its entries.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// No end-of-central-directory record, and nothing else that looks like a
    /// ZIP: not a ZIP archive.
    NotZip,
    /// An entry's data does not match its declared CRC-32.
    CrcMismatch {
        /// The entry's name.
        entry: String,
        /// The CRC-32 in the central directory.
        declared: u32,
        /// The CRC-32 of the data read.
        actual: u32,
    },
    /// An entry's data is not as long as declared.
    SizeMismatch {
        /// The entry's name.
        entry: String,
        /// The size in the central directory (or, for a stored entry, its
        /// compressed size).
        declared: u64,
        /// The bytes found; for data longer than declared, the bytes read when
        /// that became clear (reading stops there).
        actual: u64,
    },
    /// An entry asks for more work than [`Limits`](super::Limits) allow (a zip bomb?).
    LimitExceeded {
        /// The entry's name.
        entry: String,
        /// Its declared size over its compressed size, rounded up.
        ratio: u64,
        /// [`Limits::max_ratio`](super::Limits::max_ratio).
        max_ratio: u64,
    },
    /// No entry has this index.
    NoSuchEntry(usize),
    /// The archive's structure is inconsistent: an end record, the central
    /// directory, a local header or a deflate stream.
    Structure {
        /// The entry concerned, when one is.
        entry: Option<String>,
        /// What is wrong, naming the field.
        what: String,
    },
    /// A valid archive using something not implemented (method, ZIP encryption,
    /// multiple disks).
    Unsupported(String),
    /// The decryption layer underneath failed (wrong password, damaged file…).
    Decrypt(crate::Error),
    /// Reading or writing failed.
    Io(io::Error),
}

impl Error {
    /// A structure error not tied to one entry.
    pub(crate) fn structure(what: impl Into<String>) -> Self {
        Error::Structure { entry: None, what: what.into() }
    }

    /// True when the archive (or an entry) is damaged: CRC, size or structure.
    pub fn is_damaged(&self) -> bool {
        matches!(self, Error::CrcMismatch { .. } | Error::SizeMismatch { .. } | Error::Structure { .. })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotZip => f.write_str("not a ZIP archive (no end-of-central-directory record)"),
            Error::CrcMismatch { entry, declared, actual } => write!(
                f,
                "the ZIP archive is damaged: {entry}: CRC-32 {actual:08x} instead of the declared {declared:08x}"
            ),
            Error::SizeMismatch { entry, declared, actual } if actual > declared => write!(
                f,
                "the ZIP archive is damaged: {entry}: the data is larger than its declared size of {declared} bytes"
            ),
            Error::SizeMismatch { entry, declared, actual } => write!(
                f,
                "the ZIP archive is damaged: {entry}: {actual} bytes instead of the declared {declared}"
            ),
            Error::LimitExceeded { entry, ratio, max_ratio } => {
                write!(f, "{entry}: expands {ratio}:1, above the limit of {max_ratio}:1 (zip bomb?)")
            }
            Error::NoSuchEntry(i) => write!(f, "the ZIP archive has no entry number {i}"),
            Error::Structure { entry: Some(entry), what } => {
                write!(f, "the ZIP archive is damaged: {entry}: {what}")
            }
            Error::Structure { entry: None, what } => write!(f, "the ZIP archive is damaged: {what}"),
            Error::Unsupported(what) => write!(f, "unsupported ZIP feature: {what}"),
            Error::Decrypt(e) => e.fmt(f),
            Error::Io(e) => write!(f, "I/O error: {e}"),
        }
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Error::Decrypt(e) => Some(e),
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// For `?` in functions returning `io::Result`: I/O errors come back as they
/// were, decryption errors as the crate's `io::Error` wrapping (so that
/// `backupcrypt::Error::from` recovers them), the rest as `InvalidData` (or
/// `NotFound` / `Unsupported`) around this error.
impl From<Error> for io::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Io(e) => e,
            Error::Decrypt(e) => io::Error::from(e),
            e @ Error::NoSuchEntry(_) => io::Error::new(io::ErrorKind::NotFound, e),
            e @ Error::Unsupported(_) => io::Error::new(io::ErrorKind::Unsupported, e),
            e => io::Error::new(io::ErrorKind::InvalidData, e),
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
