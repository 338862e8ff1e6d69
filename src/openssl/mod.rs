//! OpenSSL `enc` files: `Salted__ | salt | ciphertext`, or bare ciphertext.
//!
//! **This format does not authenticate anything.** The file records neither the
//! cipher nor the key derivation, and the only check on decryption is the PKCS#7
//! padding of the last CBC block: about 1 in 256 wrong passwords passes it and
//! yields garbage, and a modified ciphertext block is only noticed if it is the
//! last one. CTR mode has no check at all. Callers that need more must check the
//! content (see [`looks_like_plaintext`]); [`guess`] weighs that evidence.

mod decrypt;
mod encrypt;
pub mod guess;
mod kdf;
mod params;

pub use crate::sniff::{Content, looks_like_plaintext};
pub use decrypt::Decryptor;
pub use encrypt::Encryptor;
pub use guess::{Candidate, Guess, ProbeResult, guess, probe};
pub use kdf::KeyMaterial;
pub use params::{Armour, Choices, Cipher, DEFAULT_ITERATIONS, KeyDerivation, Params, Salt};

/// `Salted__` as it starts in base64 armour.
pub use crate::sniff::OPENSSL_BASE64 as MAGIC_BASE64;
/// The 8-byte magic that starts a salted file (defined with the other magic bytes in [`crate::sniff`]).
pub use crate::sniff::OPENSSL_SALTED as MAGIC;
