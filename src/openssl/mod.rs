//! OpenSSL `enc` files: `Salted__ | salt | ciphertext`, or bare ciphertext.
//!
//! **This format does not authenticate anything.** The file records neither the
//! cipher nor the key derivation, and the only check on decryption is the PKCS#7
//! padding of the last CBC block: about 1 in 256 wrong passwords passes it and
//! yields garbage, and a modified ciphertext block is only noticed if it is the
//! last one. CTR mode has no check at all. Callers that need more must check the
//! content (see [`looks_like_plaintext`]).

mod decrypt;
mod encrypt;
mod guess;
mod kdf;
mod params;

pub use decrypt::Decryptor;
pub use encrypt::Encryptor;
pub use guess::{Content, ProbeResult, looks_like_plaintext, probe};
pub use kdf::KeyMaterial;
pub use params::{Armour, Choices, Cipher, DEFAULT_ITERATIONS, KeyDerivation, Params, Salt};

/// The 8-byte magic that starts a salted file.
pub const MAGIC: &[u8; 8] = b"Salted__";
/// `Salted__` as it starts in base64 armour (`U2FsdGVkX1` then salt-dependent text).
pub const MAGIC_BASE64: &[u8; 8] = b"U2FsdGVk";
