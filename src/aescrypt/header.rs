//! Parsing the AES Crypt header (FORMATS.md §3.1, §3.4) from a stream.
//!
//! The parser takes the file in pieces of any size and never holds more than one
//! field: extensions are skipped by length and only the first few are kept (with
//! their values cut short), so a hostile extension list costs time linear in its
//! size and bounded memory.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{Corruption, Error, Result};

/// `AES` at the start of every version (defined with the other magic bytes in [`crate::sniff`]).
pub use crate::sniff::AESCRYPT as MAGIC;
/// Extensions kept for display; later ones are counted and skipped.
pub const MAX_KEPT_EXTENSIONS: usize = 32;
/// Bytes of an extension value kept for display.
pub const MAX_KEPT_VALUE: usize = 1024;

/// One `identifier\0value` extension (v2, v3). Neither encrypted nor authenticated:
/// anyone can change it, so it is for display only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    /// The identifier, e.g. `CREATED_BY`; empty for the reserved "container".
    pub name: String,
    /// The value (cut to [`MAX_KEPT_VALUE`] bytes).
    pub value: Vec<u8>,
    /// The value's full length in the file.
    pub value_len: usize,
}

impl Extension {
    /// True for the zero-filled space tools reserve for later edits.
    pub fn is_container(&self) -> bool {
        self.name.is_empty()
    }

    /// Its length as the file records it: identifier, `\0` and value (128 for the
    /// standard container), not counting the two length bytes.
    pub fn len_on_disk(&self) -> usize {
        self.name.len() + 1 + self.value_len
    }
}

/// A parsed AES Crypt header: everything before the ciphertext.
#[derive(Clone, Debug)]
pub struct Header {
    /// Stream format version, 0–3.
    pub version: u8,
    /// v0 only: the plaintext length mod 16 (byte 4).
    pub modulo: u8,
    /// Extensions (v2, v3), the first [`MAX_KEPT_EXTENSIONS`].
    pub extensions: Vec<Extension>,
    /// How many extensions there were in all (container included).
    pub extension_count: usize,
    /// v3: PBKDF2 iterations.
    pub iterations: Option<u32>,
    /// The public IV, which is also the KDF salt.
    pub iv: [u8; 16],
    /// v1–v3: the encrypted session IV and key (`E`).
    pub encrypted_keys: [u8; 48],
    /// v1–v3: the HMAC over `E` (`T1`).
    pub header_hmac: [u8; 32],
    /// Bytes from the start of the file to the first ciphertext byte.
    pub len: u64,
}

impl Header {
    /// The `CREATED_BY` extension, if any (unauthenticated: anyone can write it).
    pub fn created_by(&self) -> Option<String> {
        self.extensions
            .iter()
            .find(|e| e.name == "CREATED_BY")
            .map(|e| String::from_utf8_lossy(&e.value).into_owned())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Start,
    ExtLen,
    ExtBody,
    Iterations,
    Iv,
    Keys,
    Hmac,
    Done,
}

/// Incremental header parser.
pub struct HeaderParser {
    field: Field,
    buf: Vec<u8>,
    need: usize,
    ext_name_done: bool,
    ext_len: usize,
    ext_remaining: usize,
    current: Option<Extension>,
    header: Header,
}

impl Default for HeaderParser {
    fn default() -> Self {
        HeaderParser {
            field: Field::Start,
            buf: Vec::new(),
            need: 5,
            ext_name_done: false,
            ext_len: 0,
            ext_remaining: 0,
            current: None,
            header: Header {
                version: 0,
                modulo: 0,
                extensions: Vec::new(),
                extension_count: 0,
                iterations: None,
                iv: [0; 16],
                encrypted_keys: [0; 48],
                header_hmac: [0; 32],
                len: 0,
            },
        }
    }
}

impl HeaderParser {
    /// Feeds bytes; returns how many were consumed. Once the header is complete
    /// (see [`HeaderParser::header`]) nothing more is consumed.
    ///
    /// # Errors
    /// [`Error::NotEncrypted`] for a wrong magic, [`Error::UnsupportedVersion`].
    pub fn push(&mut self, input: &[u8]) -> Result<usize> {
        let mut used = 0;
        while used < input.len() && self.field != Field::Done {
            let rest = &input[used..];
            if self.field == Field::ExtBody {
                used += self.ext_body(rest);
                continue;
            }
            let n = (self.need - self.buf.len()).min(rest.len());
            self.buf.extend_from_slice(&rest[..n]);
            used += n;
            if self.field == Field::Start {
                // Reject a wrong magic as soon as it shows, not only after 5 bytes.
                let k = self.buf.len().min(3);
                if self.buf[..k] != MAGIC[..k] {
                    return Err(Error::NotEncrypted);
                }
            }
            if self.buf.len() == self.need {
                self.field_complete()?;
            }
        }
        self.header.len += used as u64;
        Ok(used)
    }

    /// The header, once complete.
    pub fn header(&self) -> Option<&Header> {
        (self.field == Field::Done).then_some(&self.header)
    }

    /// Consumes the parser, returning the complete header.
    pub fn into_header(self) -> Option<Header> {
        (self.field == Field::Done).then_some(self.header)
    }

    /// True if nothing at all has been consumed yet.
    pub fn is_empty(&self) -> bool {
        self.header.len == 0
    }

    fn expect(&mut self, field: Field, need: usize) {
        self.field = field;
        self.need = need;
        self.buf.clear();
    }

    fn after_extensions(&mut self) {
        if self.header.version == 3 {
            self.expect(Field::Iterations, 4);
        } else {
            self.expect(Field::Iv, 16);
        }
    }

    fn field_complete(&mut self) -> Result<()> {
        match self.field {
            Field::Start => {
                let version = self.buf[3];
                self.header.version = version;
                match version {
                    0 => {
                        self.header.modulo = self.buf[4];
                        self.expect(Field::Iv, 16);
                    }
                    1 => self.expect(Field::Iv, 16),
                    2 | 3 => self.expect(Field::ExtLen, 2),
                    v => return Err(Error::UnsupportedVersion(v)),
                }
            }
            Field::ExtLen => {
                let len = usize::from(u16::from_be_bytes([self.buf[0], self.buf[1]]));
                if len == 0 {
                    self.after_extensions();
                } else {
                    self.header.extension_count += 1;
                    self.ext_len = len;
                    self.ext_remaining = len;
                    self.ext_name_done = false;
                    self.current = (self.header.extensions.len() < MAX_KEPT_EXTENSIONS).then(|| Extension {
                        name: String::new(),
                        value: Vec::new(),
                        value_len: 0,
                    });
                    self.expect(Field::ExtBody, 0);
                }
            }
            Field::Iterations => {
                let n = u32::from_be_bytes([self.buf[0], self.buf[1], self.buf[2], self.buf[3]]);
                if n == 0 {
                    return Err(Error::Corrupt(Corruption::Header("zero KDF iterations")));
                }
                self.header.iterations = Some(n);
                self.expect(Field::Iv, 16);
            }
            Field::Iv => {
                self.header.iv.copy_from_slice(&self.buf);
                if self.header.version == 0 {
                    self.expect(Field::Done, 0);
                } else {
                    self.expect(Field::Keys, 48);
                }
            }
            Field::Keys => {
                self.header.encrypted_keys.copy_from_slice(&self.buf);
                self.expect(Field::Hmac, 32);
            }
            Field::Hmac => {
                self.header.header_hmac.copy_from_slice(&self.buf);
                self.expect(Field::Done, 0);
            }
            Field::ExtBody | Field::Done => {}
        }
        Ok(())
    }

    /// Consumes extension bytes: the name up to NUL, then the value, by length.
    fn ext_body(&mut self, rest: &[u8]) -> usize {
        let n = self.ext_remaining.min(rest.len());
        if let Some(ext) = &mut self.current {
            for &b in &rest[..n] {
                if !self.ext_name_done {
                    if b == 0 {
                        self.ext_name_done = true;
                    } else if ext.name.len() < MAX_KEPT_VALUE {
                        ext.name.push(char::from(b));
                    }
                } else {
                    ext.value_len += 1;
                    if ext.value.len() < MAX_KEPT_VALUE {
                        ext.value.push(b);
                    }
                }
            }
        }
        self.ext_remaining -= n;
        if self.ext_remaining == 0 {
            if let Some(mut ext) = self.current.take() {
                // A container is an extension whose first byte is NUL: no name.
                if !self.ext_name_done {
                    // No NUL at all: treat the whole thing as an unnamed value.
                    ext.value_len = self.ext_len;
                }
                self.header.extensions.push(ext);
            }
            self.expect(Field::ExtLen, 2);
        }
        n
    }
}
