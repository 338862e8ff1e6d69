//! The one error type of the library.
//!
//! Every variant is something a caller can act on: ask for the password again
//! ([`Error::WrongPassword`]), report a damaged file ([`Error::Corrupt`],
//! [`Error::Truncated`]), tell the user the file is something else
//! ([`Error::NotEncrypted`], [`Error::UnsupportedVersion`], [`Error::Unsupported`]),
//! or raise a limit on purpose ([`Error::ExcessiveWork`]).

use core::fmt;

/// Which check told us that the password is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PasswordCheck {
    /// AES Crypt v1–v3: the HMAC of the encrypted session key (`T1`) did not match.
    /// A modified header looks exactly the same.
    HeaderHmac,
    /// AES Crypt v0 has no header HMAC: the payload HMAC failed, which is what a
    /// wrong password and a damaged file both look like.
    PayloadHmac,
    /// OpenSSL CBC: the final block's PKCS#7 padding is invalid. This is what a wrong
    /// password, wrong options (cipher, digest, KDF, iterations) or a damaged last
    /// block look like; the format has no way to tell them apart.
    Padding,
    /// OpenSSL without options: one of the common presets fits, but the evidence
    /// (a short valid padding, content too short to recognise) is what a wrong
    /// password also produces often enough; the options must be given.
    WeakEvidence,
}

/// What exactly was found damaged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Corruption {
    /// The HMAC over the ciphertext (`T2`) did not match: the data was modified.
    PayloadHmac,
    /// The padding was invalid although the data was authenticated (AES Crypt v3),
    /// or the plaintext length is impossible.
    Padding,
    /// A header field holds a value no writer produces.
    Header(&'static str),
    /// Base64 armour holds a character outside the alphabet, or misplaced `=`.
    Base64,
    /// OpenSSL: the start decrypts to recognisable content, but the final padding
    /// is invalid: the end of the file was changed or cut at a block boundary.
    End,
}

/// Everything that can go wrong while reading or writing an encrypted backup.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The password (or, for OpenSSL files, the options) does not open this file.
    WrongPassword(PasswordCheck),
    /// The file is damaged: nothing decrypted from it may be trusted.
    Corrupt(Corruption),
    /// The file ends before its format says it may.
    Truncated,
    /// The input is not an encrypted file of a format we know (or, for OpenSSL,
    /// it lacks the `Salted__` header that the chosen options expect).
    NotEncrypted,
    /// An AES Crypt stream format version we do not know.
    UnsupportedVersion(u8),
    /// A valid file that uses something this implementation does not do.
    Unsupported(&'static str),
    /// The file asks for more key-derivation work than the configured limit.
    ExcessiveWork {
        /// Iterations the file asks for.
        required: u32,
        /// The limit in force (raise it with [`crate::Limits`]).
        limit: u32,
    },
    /// The caller passed something unusable (e.g. a password that AES Crypt cannot
    /// encode, or zero iterations).
    InvalidInput(&'static str),
    /// Reading or writing failed.
    #[cfg(feature = "std")]
    Io(std::io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::WrongPassword(PasswordCheck::HeaderHmac) => {
                f.write_str("wrong password (or the file header was modified)")
            }
            Error::WrongPassword(PasswordCheck::PayloadHmac) => f.write_str(
                "wrong password, or the file is damaged (AES Crypt v0 cannot tell these apart)",
            ),
            Error::WrongPassword(PasswordCheck::Padding) => f.write_str(
                "wrong password or wrong options (cipher, digest, KDF, iterations), or a damaged last block: the final padding is invalid",
            ),
            Error::WrongPassword(PasswordCheck::WeakEvidence) => f.write_str(
                "the OpenSSL options could not be told: a common preset fits, but only as well as a wrong password often does",
            ),
            Error::Corrupt(Corruption::End) => f.write_str(
                "the file is damaged: its start decrypts to recognisable content, but the final padding is invalid",
            ),
            Error::Corrupt(Corruption::PayloadHmac) => {
                f.write_str("the file is damaged: the HMAC of the encrypted data does not match")
            }
            Error::Corrupt(Corruption::Padding) => {
                f.write_str("the file is damaged: the final padding is invalid")
            }
            Error::Corrupt(Corruption::Header(what)) => {
                write!(f, "the file is damaged: invalid header ({what})")
            }
            Error::Corrupt(Corruption::Base64) => {
                f.write_str("the file is damaged: invalid base64 armour")
            }
            Error::Truncated => f.write_str("the file is truncated: it ends too early"),
            Error::NotEncrypted => f.write_str("not an encrypted file of a known format"),
            Error::UnsupportedVersion(v) => write!(f, "unsupported AES Crypt version {v}"),
            Error::Unsupported(what) => write!(f, "unsupported: {what}"),
            Error::ExcessiveWork { required, limit } => write!(
                f,
                "the file asks for {required} key-derivation iterations, above the limit of {limit}"
            ),
            Error::InvalidInput(what) => write!(f, "invalid input: {what}"),
            #[cfg(feature = "std")]
            Error::Io(e) => write!(f, "I/O error: {e}"),
        }
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            #[cfg(feature = "std")]
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(feature = "std")]
impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        // An adapter may have wrapped one of our errors into io::Error; unwrap it so
        // that the caller still sees the actionable variant.
        if !e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
            return Error::Io(e);
        }
        let kind = e.kind();
        match e.into_inner().map(|b| b.downcast::<Error>()) {
            Some(Ok(inner)) => *inner,
            Some(Err(other)) => Error::Io(std::io::Error::new(kind, other)),
            None => Error::Io(kind.into()),
        }
    }
}

#[cfg(feature = "std")]
impl From<Error> for std::io::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Io(io) => io,
            Error::Truncated => std::io::Error::new(std::io::ErrorKind::UnexpectedEof, e),
            other => std::io::Error::new(std::io::ErrorKind::InvalidData, other),
        }
    }
}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
