//! # backupcrypt
//!
//! Read and write the two formats encrypted backups come in, as streams:
//!
//! * **OpenSSL `enc`** files (`openssl enc -aes-256-cbc -pbkdf2 …`), every
//!   variant: salted or not, PBKDF2 or the legacy `EVP_BytesToKey`, AES-128/192/256
//!   in CBC or CTR mode, base64 armour. See [`openssl`]. **This format has no
//!   integrity protection**: a wrong password is only noticed through the final
//!   padding (and not at all in CTR mode), and modified data goes unnoticed.
//! * **AES Crypt** stream formats 0–3 (pyAesCrypt writes version 2), which are
//!   authenticated with HMAC-SHA256. See [`aescrypt`].
//!
//! The core is `#![no_std]` + `alloc` and does no I/O: push-style decryptors and
//! encryptors take input in chunks of any size and append output to a `Vec`,
//! in memory independent of the file size. With the `std` feature (default),
//! [`io`] adds `Read`/`Write` adapters and file helpers.
//!
//! The byte-level description of both formats, the ZIP archives inside the
//! files backups and the backup names, with every quirk of the real tools that
//! this crate handles, is `docs/FORMATS.md` in the repository; comments cite its
//! sections as "FORMATS.md §N".
//!
//! ```
//! use backupcrypt::{Decryptor, Password, DecryptOptions};
//! # let file = backupcrypt::testing::openssl_hello();
//! let mut d = Decryptor::new(Password::from("password"), DecryptOptions::default());
//! let mut plaintext = Vec::new();
//! for chunk in file.chunks(7) {
//!     d.update(chunk, &mut plaintext)?;
//! }
//! let integrity = d.finish(&mut plaintext)?;
//! assert_eq!(plaintext, b"Hello, World!\n");
//! assert!(!integrity.is_authenticated());
//! # Ok::<(), backupcrypt::Error>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod aescrypt;
mod base64;
mod block;
pub mod content;
mod decryptor;
mod error;
pub mod inspect;
#[cfg(feature = "std")]
pub mod io;
mod kdf;
pub mod names;
pub mod openssl;
mod password;
#[cfg(feature = "s3")]
pub mod s3;
pub mod seekable;
pub mod sniff;
#[doc(hidden)]
pub mod testing;
#[cfg(feature = "wasm")]
pub mod wasm;
pub mod zip;

pub use decryptor::{DecryptOptions, Decryptor, Format};
pub use error::{Corruption, Error, PasswordCheck, Result};
pub use kdf::Md;
pub use password::Password;

/// What a successful [`Decryptor::finish`] proved about the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Integrity {
    /// An HMAC over all the ciphertext verified (AES Crypt).
    Authenticated,
    /// Only the final CBC padding was valid (OpenSSL CBC): no integrity check.
    PaddingChecked,
    /// Nothing could be checked (OpenSSL CTR).
    Unchecked,
}

impl Integrity {
    /// True only when an HMAC verified the data.
    pub fn is_authenticated(self) -> bool {
        self == Integrity::Authenticated
    }

    /// One sentence for people.
    pub fn describe(self) -> &'static str {
        match self {
            Integrity::Authenticated => "verified (HMAC-SHA256)",
            Integrity::PaddingChecked => {
                "padding valid; the OpenSSL format has no integrity check, so modified data would go unnoticed"
            }
            Integrity::Unchecked => "not checked: OpenSSL CTR files carry no check at all",
        }
    }
}

/// Limits that keep hostile input from costing unbounded work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest KDF iteration count accepted from a file (AES Crypt v3). Defaults
    /// to the format's own maximum, 5,000,000; raise it to open files made by
    /// writers that ignore that limit.
    pub max_iterations: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_iterations: aescrypt::V3_MAX_ITERATIONS }
    }
}
