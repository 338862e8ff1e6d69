//! What a file is, from its first bytes: the one place that knows the magic bytes.
//!
//! Every front-end (the streaming decryptor, random access, `inspect`, the CLI, the
//! page) asks [`sniff`] and matches on the [`Kind`] it returns, so that a file is
//! called the same thing everywhere. [`looks_like_plaintext`] answers the same
//! question for decrypted bytes.

use crate::Format;
use crate::base64;

/// `AES` at the start of every AES Crypt version (then the version byte).
pub const AESCRYPT: &[u8; 3] = b"AES";
/// The 8 bytes that start a salted OpenSSL `enc` file (then 8 bytes of salt).
pub const OPENSSL_SALTED: &[u8; 8] = b"Salted__";
/// `Salted__` as it starts in base64 armour (`U2FsdGVkX1` then salt-dependent text).
pub const OPENSSL_BASE64: &[u8; 8] = b"U2FsdGVk";
// A ZIP starts with its first local header, or (empty) with its end record.
use crate::zip::signature::{END as ZIP_EMPTY, LOCAL as ZIP_LOCAL};
/// A plain-SQL `pg_dump` starts with this comment.
const PG_DUMP: &[u8] = b"--\n-- PostgreSQL";
/// A `pg_dump -Fc` custom-format archive.
const PG_DUMP_CUSTOM: &[u8] = b"PGDMP";
/// gzip.
const GZIP: &[u8] = &[0x1f, 0x8b];

/// Bytes [`sniff`] needs to decide (fewer only when the file is shorter).
pub const SNIFF_LEN: usize = 16;

/// What the first plaintext bytes look like: the evidence that a decryption
/// without authentication produced real data, and what a file that is not
/// encrypted is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// A ZIP archive (`PK\x03\x04`, or `PK\x05\x06` for an empty one).
    Zip,
    /// A plain-SQL `pg_dump` (`--\n-- PostgreSQL database dump`).
    PgDump,
    /// A `pg_dump -Fc` custom-format archive (`PGDMP`).
    PgDumpCustom,
    /// gzip (`1f 8b`).
    Gzip,
    /// Mostly printable UTF-8 text.
    Text,
    /// Anything else (random-looking bytes suggest a wrong key).
    Unknown,
}

impl Content {
    /// A short name in words, e.g. "ZIP archive".
    pub fn name(self) -> &'static str {
        match self {
            Content::Zip => "ZIP archive",
            Content::PgDump => "PostgreSQL dump",
            Content::PgDumpCustom => "PostgreSQL custom-format dump",
            Content::Gzip => "gzip",
            Content::Text => "text",
            Content::Unknown => "not recognised",
        }
    }

    /// A stable identifier for scripts and the page (`zip`, `pg_dump`, …).
    pub fn id(self) -> &'static str {
        match self {
            Content::Zip => "zip",
            Content::PgDump => "pg_dump",
            Content::PgDumpCustom => "pg_dump_custom",
            Content::Gzip => "gzip",
            Content::Text => "text",
            Content::Unknown => "unknown",
        }
    }
}

/// Classifies the first bytes of a plaintext (at least 16 bytes for a useful answer).
pub fn looks_like_plaintext(head: &[u8]) -> Content {
    if head.starts_with(ZIP_LOCAL) || head.starts_with(ZIP_EMPTY) {
        return Content::Zip;
    }
    if head.starts_with(PG_DUMP) {
        return Content::PgDump;
    }
    if head.starts_with(PG_DUMP_CUSTOM) {
        return Content::PgDumpCustom;
    }
    if head.starts_with(GZIP) {
        return Content::Gzip;
    }
    let printable = head
        .iter()
        .filter(|&&b| b == b'\n' || b == b'\r' || b == b'\t' || (0x20..0x7f).contains(&b) || b >= 0x80)
        .count();
    let ascii = head.iter().filter(|&&b| (0x20..0x7f).contains(&b) || b == b'\n').count();
    if !head.is_empty() && printable == head.len() && ascii * 4 >= head.len() * 3 {
        Content::Text
    } else {
        Content::Unknown
    }
}

/// What a file is, from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// AES Crypt (`AES` then the version byte, `None` if the file ends before it).
    AesCrypt {
        /// The stream version byte (0–3 are known).
        version: Option<u8>,
    },
    /// OpenSSL `enc` with the `Salted__` header.
    OpenSslSalted,
    /// OpenSSL `enc -a`: base64 armour of a salted file (after optional whitespace).
    OpenSslArmoured,
    /// Not encrypted by either format's header. [`Content::Unknown`] (random-looking
    /// bytes) may still be an OpenSSL file written with `-nosalt` or `-S`, which
    /// only the user's options can say.
    Plain(Content),
    /// No bytes at all.
    Empty,
}

impl Kind {
    /// The encrypted format, if the header names one.
    pub fn format(self) -> Option<Format> {
        match self {
            Kind::AesCrypt { .. } => Some(Format::AesCrypt),
            Kind::OpenSslSalted | Kind::OpenSslArmoured => Some(Format::OpenSsl),
            Kind::Plain(_) | Kind::Empty => None,
        }
    }

    /// A stable identifier for scripts, the page and the conformance table.
    pub fn id(self) -> &'static str {
        match self {
            Kind::AesCrypt { .. } => "aescrypt",
            Kind::OpenSslSalted => "openssl_salted",
            Kind::OpenSslArmoured => "openssl_base64",
            Kind::Plain(Content::Unknown) => "unknown",
            Kind::Plain(c) => c.id(),
            Kind::Empty => "empty",
        }
    }

    /// The file in words, e.g. "a ZIP archive (not encrypted)".
    pub fn describe(self) -> &'static str {
        match self {
            Kind::AesCrypt { .. } => "an AES Crypt file",
            Kind::OpenSslSalted => "an OpenSSL enc file",
            Kind::OpenSslArmoured => "a base64-armoured OpenSSL enc file",
            Kind::Plain(Content::Zip) => "a ZIP archive (not encrypted)",
            Kind::Plain(Content::PgDump) => "a PostgreSQL dump (not encrypted)",
            Kind::Plain(Content::PgDumpCustom) => "a PostgreSQL custom-format dump (not encrypted)",
            Kind::Plain(Content::Gzip) => "a gzip file (not encrypted)",
            Kind::Plain(Content::Text) => "text (not encrypted)",
            Kind::Plain(Content::Unknown) => {
                "not a recognised encrypted file (neither AES Crypt nor OpenSSL `Salted__`)"
            }
            Kind::Empty => "empty",
        }
    }
}

/// Skips what `openssl enc -d -a` skips before and inside armour: ASCII whitespace.
fn non_space(head: &[u8]) -> impl Iterator<Item = u8> + '_ {
    head.iter().copied().filter(|b| !b.is_ascii_whitespace())
}

/// True while `head` (all of the file seen so far) may still become base64 armour
/// of a salted file: whitespace, then a prefix of `U2FsdGVk`. A streaming reader
/// may drop whitespace while this holds, keeping its buffer bounded.
pub fn may_be_armour(head: &[u8]) -> bool {
    non_space(head).zip(OPENSSL_BASE64.iter()).all(|(b, &m)| b == m)
}

/// Tells what a file is from its first bytes: at least [`SNIFF_LEN`] of them (more
/// is fine), or the whole file if it is shorter. Bytes that end inside a header are
/// called that format, so that its decoder reports the file truncated.
pub fn sniff(head: &[u8]) -> Kind {
    if head.is_empty() {
        return Kind::Empty;
    }
    if head.starts_with(AESCRYPT) {
        return Kind::AesCrypt { version: head.get(3).copied() };
    }
    if head.len() < AESCRYPT.len() && AESCRYPT.starts_with(head) {
        return Kind::AesCrypt { version: None };
    }
    if head.starts_with(OPENSSL_SALTED) || OPENSSL_SALTED.starts_with(head) {
        return Kind::OpenSslSalted;
    }
    // Armour: `U2FsdGVk` after optional whitespace, or a prefix of it at the end.
    let mut letters = non_space(head).take(OPENSSL_BASE64.len());
    let mut seen = 0;
    let armoured = OPENSSL_BASE64.iter().all(|&m| match letters.next() {
        Some(b) => {
            seen += 1;
            b == m
        }
        None => true,
    });
    if armoured && seen > 0 {
        return Kind::OpenSslArmoured;
    }
    if head.iter().all(|b| b.is_ascii_whitespace()) {
        return Kind::Plain(Content::Text);
    }
    Kind::Plain(looks_like_plaintext(head))
}

/// True if every byte could be base64 armour (the alphabet or whitespace): armour
/// of a headerless (`-nosalt`) file has no magic to recognise it by.
pub fn is_armour_alphabet(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| base64::is_armour_byte(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_header_and_its_prefixes() {
        assert_eq!(sniff(b""), Kind::Empty);
        assert_eq!(sniff(b"AES\x02\0"), Kind::AesCrypt { version: Some(2) });
        assert_eq!(sniff(b"AE"), Kind::AesCrypt { version: None });
        assert_eq!(sniff(b"Salted__12345678"), Kind::OpenSslSalted);
        assert_eq!(sniff(b"Salt"), Kind::OpenSslSalted);
        assert_eq!(sniff(b"U2FsdGVkX1+abcdefgh"), Kind::OpenSslArmoured);
        assert_eq!(sniff(b"\n\n  U2Fs dGVkX1+abc"), Kind::OpenSslArmoured);
        assert_eq!(sniff(b"U2F"), Kind::OpenSslArmoured);
        assert_eq!(
            sniff(&[&ZIP_LOCAL[..], &[0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]].concat()),
            Kind::Plain(Content::Zip)
        );
        assert_eq!(sniff(b"--\n-- PostgreSQL database dump"), Kind::Plain(Content::PgDump));
        assert_eq!(sniff(b"hello, world, this is text\n"), Kind::Plain(Content::Text));
        assert_eq!(sniff(&[0x93, 0x01, 0xfe, 0x00, 0x42, 0x11, 0x99, 0x00]), Kind::Plain(Content::Unknown));
        // A long line of base64 letters that is not `U2FsdGVk` is text.
        assert_eq!(sniff(b"U2FsdGVrX1+abcdefgh"), Kind::Plain(Content::Text));
    }

    #[test]
    fn armour_may_follow_whitespace() {
        assert!(may_be_armour(b"\r\n U2F"));
        assert!(may_be_armour(b"U2FsdGVkX1"));
        assert!(!may_be_armour(b" X"));
    }
}
