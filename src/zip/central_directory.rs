//! The central directory: one record per entry, parsed into [`Entry`] values.

use std::string::{String, ToString};
use std::vec::Vec;

use super::dos_time::DosDateTime;
use super::le::{u16_at, u32_at, u64_at};
use super::signature::CENTRAL as CENTRAL_SIG;
use super::{Error, Result, cp437};

/// How an entry's data is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// 0: stored as is.
    Stored,
    /// 8: raw deflate.
    Deflate,
    /// Anything else (listed, but not extracted).
    Other(u16),
}

impl Method {
    /// The name shown by `ls`.
    pub fn name(self) -> String {
        match self {
            Method::Stored => "stored".into(),
            Method::Deflate => "deflate".into(),
            Method::Other(n) => std::format!("method-{n}"),
        }
    }
}

/// What an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory (name ending in `/`).
    Directory,
    /// A Unix symbolic link (host 3, mode `0120000`): its data is the target.
    Symlink,
}

/// An MS-DOS date and time as stored (local time of the writer, 2-second steps).
/// One entry of the central directory.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The name as text (UTF-8 when flagged or given by Info-ZIP's Unicode path
    /// field, CP437 otherwise). Not checked: see [`super::safe_path`].
    pub name: String,
    /// The name's bytes as stored.
    pub raw_name: Vec<u8>,
    /// Uncompressed size as declared.
    pub size: u64,
    /// Compressed size as declared.
    pub compressed_size: u64,
    /// Storage method.
    pub method: Method,
    /// Modification time as stored (no time zone).
    pub modified: DosDateTime,
    /// CRC-32 of the uncompressed data, as declared.
    pub crc32: u32,
    /// File, directory or symlink.
    pub kind: EntryKind,
    /// Unix mode from the external attributes (host 3 only).
    pub unix_mode: Option<u32>,
    /// General-purpose flags (bit 0: encrypted with ZIP's own encryption).
    pub flags: u16,
    /// Offset of the local header.
    pub header_offset: u64,
}

impl Entry {
    /// True if ZIP's own encryption (ZipCrypto/AES) was used: not supported.
    pub fn is_encrypted(&self) -> bool {
        self.flags & 1 != 0
    }
}

/// Parses `count` central records from `cd`. A count that wrapped at 65,535
/// without ZIP64 is recovered from the records themselves.
pub(super) fn parse_central_directory(cd: &[u8], count: u64) -> Result<Vec<Entry>> {
    let mut entries = Vec::with_capacity(count.min(1 << 20) as usize);
    let mut at = 0usize;
    while at + 46 <= cd.len() && &cd[at..at + 4] == CENTRAL_SIG {
        let r = &cd[at..];
        let made_by = u16_at(r, 4);
        let flags = u16_at(r, 8);
        let method = u16_at(r, 10);
        let time = u16_at(r, 12);
        let date = u16_at(r, 14);
        let crc32 = u32_at(r, 16);
        let mut compressed_size = u64::from(u32_at(r, 20));
        let mut size = u64::from(u32_at(r, 24));
        let name_len = usize::from(u16_at(r, 28));
        let extra_len = usize::from(u16_at(r, 30));
        let comment_len = usize::from(u16_at(r, 32));
        let external = u32_at(r, 38);
        let mut header_offset = u64::from(u32_at(r, 42));
        let total = 46 + name_len + extra_len + comment_len;
        if at + total > cd.len() {
            return Err(Error::structure("central directory record runs past its end"));
        }
        let raw_name = r[46..46 + name_len].to_vec();
        let extra = &r[46 + name_len..46 + name_len + extra_len];
        let mut unicode_name = None;
        for (id, data) in extra_fields(extra) {
            match id {
                0x0001 => {
                    // ZIP64: only the fields whose 32-bit value is the sentinel, in order.
                    let mut p = 0;
                    let mut next = |field: &mut u64| {
                        if *field == 0xFFFF_FFFF && p + 8 <= data.len() {
                            *field = u64_at(data, p);
                            p += 8;
                        }
                    };
                    next(&mut size);
                    next(&mut compressed_size);
                    next(&mut header_offset);
                }
                // Info-ZIP Unicode path: valid only if it matches the stored name.
                0x7075 if data.len() > 5 && data[0] == 1 && u32_at(data, 1) == crc32fast::hash(&raw_name) => {
                    unicode_name = core::str::from_utf8(&data[5..]).ok().map(String::from);
                }
                _ => {}
            }
        }
        let name = if flags & 0x0800 != 0 {
            String::from_utf8_lossy(&raw_name).into_owned()
        } else if let Some(n) = unicode_name {
            n
        } else {
            // Without the flag the name is in the writer's charset: CP437 for DOS and
            // Windows hosts (FAT 0, HPFS 6, NTFS 11, VFAT 14); Unix tools (Info-ZIP)
            // store their locale's bytes, in practice UTF-8, as `unzip` assumes too.
            let dos_host = matches!(made_by >> 8, 0 | 6 | 11 | 14);
            match core::str::from_utf8(&raw_name) {
                Ok(s) if !dos_host => s.to_string(),
                _ => cp437::decode(&raw_name),
            }
        };
        // Only a Unix host (3) stores a Unix mode in the upper 16 bits.
        let unix_mode = (made_by >> 8 == 3 && external >> 16 != 0).then_some(external >> 16);
        let kind = match unix_mode {
            Some(m) if m & 0o170000 == 0o120000 => EntryKind::Symlink,
            Some(m) if m & 0o170000 == 0o040000 => EntryKind::Directory,
            _ if name.ends_with('/') || name.ends_with('\\') => EntryKind::Directory,
            _ => EntryKind::File,
        };
        entries.push(Entry {
            name,
            raw_name,
            size,
            compressed_size,
            method: match method {
                0 => Method::Stored,
                8 => Method::Deflate,
                n => Method::Other(n),
            },
            modified: DosDateTime::from_dos(date, time),
            crc32,
            kind,
            unix_mode,
            flags,
            header_offset,
        });
        at += total;
    }
    // More than 65,535 entries without ZIP64 wraps the 16-bit count: accept
    // what the directory holds if it matches modulo 2^16.
    let n = entries.len() as u64;
    if n != count && !(count < 0xFFFF && n & 0xFFFF == count) {
        return Err(Error::structure(std::format!(
            "the end record announces {count} entries, the central directory holds {n}"
        )));
    }
    Ok(entries)
}

/// Iterates `(id, data)` over extra fields, stopping at a malformed one.
fn extra_fields(mut extra: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    core::iter::from_fn(move || {
        if extra.len() < 4 {
            return None;
        }
        let id = u16_at(extra, 0);
        let len = usize::from(u16_at(extra, 2));
        if 4 + len > extra.len() {
            return None;
        }
        let data = &extra[4..4 + len];
        extra = &extra[4 + len..];
        Some((id, data))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;
    /// One central record with these name bytes and extra fields.
    fn record(name: &[u8], extra: &[u8], size32: u32) -> Vec<u8> {
        let mut r = Vec::new();
        r.extend_from_slice(CENTRAL_SIG);
        r.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0x55]);
        r.extend_from_slice(&0u32.to_le_bytes());
        r.extend_from_slice(&size32.to_le_bytes());
        r.extend_from_slice(&size32.to_le_bytes());
        r.extend_from_slice(&(name.len() as u16).to_le_bytes());
        r.extend_from_slice(&(extra.len() as u16).to_le_bytes());
        r.extend_from_slice(&[0u8; 10]); // comment length, disk, attributes
        r.extend_from_slice(&7u32.to_le_bytes());
        r.extend_from_slice(name);
        r.extend_from_slice(extra);
        r
    }

    fn unicode_path(name: &[u8], utf8: &str) -> Vec<u8> {
        let mut e = vec![0x75, 0x70];
        e.extend_from_slice(&((5 + utf8.len()) as u16).to_le_bytes());
        e.push(1);
        e.extend_from_slice(&crc32fast::hash(name).to_le_bytes());
        e.extend_from_slice(utf8.as_bytes());
        e
    }

    #[test]
    fn unicode_path_and_zip64_extra_fields() {
        let name = b"caf\x82.txt";
        let mut cd = record(name, &unicode_path(name, "Kaffee.txt"), 3);
        // A Unicode path field for other bytes (the name was renamed since): ignored.
        cd.extend(record(name, &unicode_path(b"other", "Stale.txt"), 3));
        // ZIP64: both sizes from the extra field, the offset stays 32-bit.
        let mut z64 = vec![1, 0, 16, 0];
        z64.extend_from_slice(&(5u64 << 32).to_le_bytes());
        z64.extend_from_slice(&(6u64 << 32).to_le_bytes());
        cd.extend(record(b"big", &z64, 0xFFFF_FFFF));
        let entries = parse_central_directory(&cd, 3).unwrap();
        assert_eq!(entries[0].name, "Kaffee.txt");
        assert_eq!(entries[1].name, "café.txt");
        assert_eq!((entries[2].size, entries[2].compressed_size), (5 << 32, 6 << 32));
        assert_eq!(entries[2].header_offset, 7);
        assert!(matches!(parse_central_directory(&cd, 4), Err(Error::Structure { .. })));
    }
}
