//! Helpers shared by the fuzz targets: reading control bytes, cutting the input
//! into fuzzer-chosen chunks, and driving the three decryptors the same way so
//! that a chunked run can be compared with a one-shot run.

use backupcrypt::openssl::{Armour, Cipher, KeyDerivation, Params, Salt};
use backupcrypt::{Error, Integrity, Md, Password, aescrypt, openssl};

#[path = "../../tests/legacy/mod.rs"]
pub mod legacy;

/// KDF work allowed per execution: files asking for more must fail with
/// `ExcessiveWork` at once, which is itself a property worth fuzzing.
pub const MAX_ITERATIONS: u32 = 16;

/// Control bytes at the front of the input, then the data. Missing control
/// bytes read as zero, so every input is valid.
pub struct Input<'a> {
    ctl: &'a [u8],
    pos: usize,
    /// What is left after the control bytes.
    pub data: &'a [u8],
}

impl<'a> Input<'a> {
    /// Takes `n` control bytes from the front of `raw`.
    pub fn new(raw: &'a [u8], n: usize) -> Self {
        let n = n.min(raw.len());
        Input { ctl: &raw[..n], pos: 0, data: &raw[n..] }
    }

    /// The next control byte (0 once they run out).
    pub fn byte(&mut self) -> u8 {
        let b = self.ctl.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// The control bytes not yet used (for chunk sizes).
    pub fn rest(&self) -> &'a [u8] {
        self.ctl.get(self.pos..).unwrap_or(&[])
    }
}

/// Cuts `data` into chunks whose sizes cycle through `sizes` (0 = an empty
/// `update`, which must be harmless). With no usable sizes: one chunk.
pub fn chunks<'a>(data: &'a [u8], sizes: &[u8]) -> Vec<&'a [u8]> {
    if sizes.iter().all(|&s| s == 0) {
        return vec![data];
    }
    let mut out = Vec::new();
    let mut rest = data;
    let mut i = 0;
    let mut empty_in_a_row = 0;
    while !rest.is_empty() {
        // Mostly small pieces, sometimes large ones.
        let s = sizes[i % sizes.len()];
        let n = if s & 0x80 != 0 { usize::from(s & 0x7f) * 64 } else { usize::from(s) };
        empty_in_a_row = if n == 0 { empty_in_a_row + 1 } else { 0 };
        // Sizes that are all empty pieces would never end: take the rest.
        let n = if empty_in_a_row > sizes.len() { rest.len() } else { n.min(rest.len()) };
        out.push(&rest[..n]);
        rest = &rest[n..];
        i += 1;
    }
    out
}

/// A few passwords: the ones the seed files use, the empty one, non-ASCII text
/// and bytes that are not UTF-8 (AES Crypt must refuse those cleanly).
pub fn password(b: u8) -> Password {
    match b % 6 {
        0 => Password::from("password"),
        1 => Password::from("apples"),
        2 => Password::from(""),
        3 => Password::from("pässwörd-日本"),
        4 => Password::from(&b"\xff\xfe not utf-8"[..]),
        _ => Password::from("wrong"),
    }
}

/// OpenSSL parameters from three control bytes, with cheap key derivation
/// (1–4 PBKDF2 iterations or the one-round legacy KDF).
pub fn params(a: u8, b: u8, c: u8) -> Params {
    let cipher = Cipher::ALL[usize::from(a % 6)];
    let md = [Md::Md5, Md::Sha1, Md::Sha256, Md::Sha512][usize::from((a / 6) % 4)];
    let kdf = if b & 1 == 0 {
        KeyDerivation::Pbkdf2 { md, iterations: u32::from((b >> 1) % 4) + 1 }
    } else {
        KeyDerivation::Legacy { md }
    };
    let salt = match (b >> 4) % 4 {
        0 | 1 => Salt::Header,
        2 => Salt::None,
        _ => Salt::Explicit([c; 8]),
    };
    let armour = match c % 4 {
        0 | 1 => Armour::Auto,
        2 => Armour::Binary,
        _ => Armour::Base64 { single_line: c & 4 != 0 },
    };
    Params { cipher, kdf, salt, armour }
}

/// The push-style API the three decryptors share.
pub trait Stream {
    /// `update` of the decryptor.
    fn update(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error>;
    /// `finish` of the decryptor.
    fn finish(self, out: &mut Vec<u8>) -> Result<Integrity, Error>;
}

macro_rules! stream {
    ($t:ty) => {
        impl Stream for $t {
            fn update(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
                <$t>::update(self, input, out)
            }
            fn finish(self, out: &mut Vec<u8>) -> Result<Integrity, Error> {
                <$t>::finish(self, out)
            }
        }
    };
}
stream!(backupcrypt::Decryptor);
stream!(openssl::Decryptor);
stream!(aescrypt::Decryptor);

/// What one decryption produced.
pub struct Outcome {
    /// Everything appended to the output.
    pub out: Vec<u8>,
    /// `finish`'s result, or the first error (as `Debug` text, comparable).
    pub result: Result<Integrity, String>,
}

/// Feeds `chunks` in order, stopping at the first error.
pub fn drive<S: Stream>(mut s: S, chunks: &[&[u8]]) -> Outcome {
    let mut out = Vec::new();
    for c in chunks {
        if let Err(e) = s.update(c, &mut out) {
            return Outcome { out, result: Err(describe(&e)) };
        }
    }
    let result = s.finish(&mut out).map_err(|e| describe(&e));
    Outcome { out, result }
}

/// The error as text; also checks that `Display` works for every error.
pub fn describe(e: &Error) -> String {
    let shown = e.to_string();
    assert!(!shown.is_empty());
    format!("{e:?}")
}

/// Chunking must not change the outcome: the same result, and on success the
/// same plaintext. (On failure the unverified output may stop at different
/// points, which is allowed: callers discard it.)
pub fn assert_same(whole: &Outcome, chunked: &Outcome) {
    assert_eq!(whole.result, chunked.result, "chunking changed the result");
    if whole.result.is_ok() {
        assert_eq!(whole.out, chunked.out, "chunking changed the plaintext");
    }
}
