//! Reading a ZIP archive from its central directory, and one entry's data.

use std::fmt;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::string::{String, ToString};
use std::vec;
use std::vec::Vec;

use super::{Error, Result, cp437};

const EOCD_SIG: &[u8; 4] = b"PK\x05\x06";
const EOCD64_SIG: &[u8; 4] = b"PK\x06\x06";
const LOCATOR_SIG: &[u8; 4] = b"PK\x06\x07";
const CENTRAL_SIG: &[u8; 4] = b"PK\x01\x02";
const LOCAL_SIG: &[u8; 4] = b"PK\x03\x04";
const EOCD_LEN: u64 = 22;
/// An end record may be followed by a comment of up to 65,535 bytes; pyAesCrypt
/// 6.1.1 can add up to 15 junk bytes after it (FORMATS.md §3.6).
const MAX_TAIL: u64 = EOCD_LEN + 65_535 + 64;
/// Largest central directory read into memory (about 4 million entries).
const MAX_CENTRAL_DIRECTORY: u64 = 512 << 20;

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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DosDateTime {
    /// 1980..=2107
    pub year: u16,
    /// 1..=12 (0 in broken archives)
    pub month: u8,
    /// 1..=31
    pub day: u8,
    /// 0..=23
    pub hour: u8,
    /// 0..=59
    pub minute: u8,
    /// 0..=58 (even)
    pub second: u8,
}

impl DosDateTime {
    /// Decodes the two 16-bit fields.
    pub fn from_dos(date: u16, time: u16) -> Self {
        DosDateTime {
            year: 1980 + (date >> 9),
            month: ((date >> 5) & 0x0f) as u8,
            day: (date & 0x1f) as u8,
            hour: (time >> 11) as u8,
            minute: ((time >> 5) & 0x3f) as u8,
            second: ((time & 0x1f) * 2) as u8,
        }
    }

    /// Encodes into `(date, time)`; years outside 1980..=2107 are clamped.
    pub fn to_dos(self) -> (u16, u16) {
        let year = self.year.clamp(1980, 2107) - 1980;
        let date = (year << 9) | (u16::from(self.month) << 5) | u16::from(self.day);
        let time = (u16::from(self.hour) << 11) | (u16::from(self.minute) << 5) | u16::from(self.second / 2);
        (date, time)
    }

    /// The date and time from Unix seconds, in UTC.
    pub fn from_unix(secs: i64) -> Self {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        if year < 1980 {
            return DosDateTime { year: 1980, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
        }
        DosDateTime {
            year: year.min(2107) as u16,
            month: month as u8,
            day: day as u8,
            hour: (rem / 3600) as u8,
            minute: (rem / 60 % 60) as u8,
            second: (rem % 60) as u8,
        }
    }
}

impl fmt::Display for DosDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

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

/// Bounds on the work one entry may cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest declared size over compressed size accepted for deflate entries
    /// (deflate tops out near 1030:1, so bombs and overlapping data exceed it).
    pub max_ratio: u64,
    /// Entries smaller than this are not held to `max_ratio` (a small file of
    /// zeros compresses very well and is harmless).
    pub ratio_floor: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_ratio: 100, ratio_floor: 1 << 20 }
    }
}

/// A ZIP archive over any `Read + Seek`, its central directory read at open.
pub struct Archive<R> {
    reader: R,
    entries: Vec<Entry>,
    central_directory_start: u64,
    len: u64,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

fn read_at<R: Read + Seek>(r: &mut R, at: u64, buf: &mut [u8]) -> Result<()> {
    r.seek(SeekFrom::Start(at))?;
    r.read_exact(buf).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            Error::Damaged("a record runs past the end of the archive".into())
        } else {
            Error::from(e)
        }
    })
}

fn damaged(what: &str) -> Error {
    Error::Damaged(what.to_string())
}

impl<R: Read + Seek> Archive<R> {
    /// Reads the end record(s) and the central directory; no entry data is read.
    ///
    /// # Errors
    /// [`Error::NotZip`] without an end record, [`Error::Damaged`] for an
    /// inconsistent directory, [`Error::Decrypt`] / [`Error::Io`] from the reader.
    pub fn new(mut reader: R) -> Result<Self> {
        let len = reader.seek(SeekFrom::End(0))?;
        let tail_len = MAX_TAIL.min(len);
        let mut tail = vec![0u8; tail_len as usize];
        read_at(&mut reader, len - tail_len, &mut tail)?;
        let tail_start = len - tail_len;
        let (eocd_at, eocd) = find_end(&tail, tail_start, len).ok_or(Error::NotZip)?;
        let mut count = u64::from(u16_at(&eocd, 10));
        let mut cd_size = u64::from(u32_at(&eocd, 12));
        let mut cd_offset = u64::from(u32_at(&eocd, 16));
        if u16_at(&eocd, 4) != 0 || u16_at(&eocd, 6) != 0 {
            return Err(Error::Unsupported("archives split over several disks".into()));
        }
        // ZIP64: a locator right before the end record points at the ZIP64 end record.
        if eocd_at >= 20 {
            let mut loc = [0u8; 20];
            read_at(&mut reader, eocd_at - 20, &mut loc)?;
            if &loc[..4] == LOCATOR_SIG {
                let at = u64_at(&loc, 8);
                let mut e64 = [0u8; 56];
                if at.checked_add(56).is_none_or(|end| end > eocd_at - 20) {
                    return Err(damaged("ZIP64 end record offset"));
                }
                read_at(&mut reader, at, &mut e64)?;
                if &e64[..4] != EOCD64_SIG {
                    return Err(damaged("ZIP64 end record signature"));
                }
                count = u64_at(&e64, 32);
                cd_size = u64_at(&e64, 40);
                cd_offset = u64_at(&e64, 48);
            }
        }
        let cd_end = cd_offset.checked_add(cd_size).ok_or_else(|| damaged("central directory size"))?;
        if cd_end > eocd_at {
            return Err(damaged("central directory runs past the end record"));
        }
        if cd_size > MAX_CENTRAL_DIRECTORY {
            return Err(Error::Unsupported("central directory larger than 512 MiB".into()));
        }
        // Each central record is at least 46 bytes: a count that cannot fit is a lie.
        if count > cd_size / 46 {
            return Err(damaged("entry count larger than the central directory"));
        }
        let mut cd = vec![0u8; cd_size as usize];
        read_at(&mut reader, cd_offset, &mut cd)?;
        let entries = parse_central_directory(&cd, count)?;
        Ok(Archive { reader, entries, central_directory_start: cd_offset, len })
    }

    /// The entries, in central-directory order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Where the central directory starts (entries' data must end before it).
    pub fn central_directory_start(&self) -> u64 {
        self.central_directory_start
    }

    /// The archive's length in bytes (the plaintext length for an encrypted one).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True for an archive of zero bytes (never: an archive has an end record).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The reader underneath.
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// The reader underneath, e.g. to run its verification pass.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// Gives the reader back.
    pub fn into_inner(self) -> R {
        self.reader
    }

    /// Indices of entries whose bytes overlap another entry's (several central
    /// records pointing into the same data: a zip-bomb technique), or run into the
    /// central directory. Uses only the central directory: an entry occupies at
    /// least its 30-byte local header and its compressed data.
    pub fn overlapping(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.entries.len()).collect();
        order.sort_by_key(|&i| self.entries[i].header_offset);
        let mut bad = vec![false; self.entries.len()];
        // The furthest end seen so far, and which entry reaches it.
        let mut reach: Option<(u64, usize)> = None;
        for &i in &order {
            let e = &self.entries[i];
            let end = e.header_offset.saturating_add(30).saturating_add(e.compressed_size);
            if let Some((r, j)) = reach {
                if e.header_offset < r {
                    bad[i] = true;
                    bad[j] = true;
                }
            }
            if end > self.central_directory_start {
                bad[i] = true;
            }
            if reach.is_none_or(|(r, _)| end > r) {
                reach = Some((end, i));
            }
        }
        (0..bad.len()).filter(|&i| bad[i]).collect()
    }

    /// Copies entry `index`'s uncompressed data to `out`, checking the method,
    /// the size (inflation stops at the declared size: a bigger stream is
    /// refused, not written) and the CRC-32. Returns the bytes written.
    ///
    /// `out` receives data before the CRC is known: on `Err`, discard it.
    ///
    /// # Errors
    /// [`Error::Unsupported`] (method, encryption), [`Error::Damaged`] (local
    /// header, size, CRC, ratio above `limits`), reader errors.
    pub fn copy_entry<W: Write>(&mut self, index: usize, out: &mut W, limits: &Limits) -> Result<u64> {
        let e = self.entries.get(index).ok_or_else(|| damaged("no such entry"))?.clone();
        if e.is_encrypted() {
            return Err(Error::Unsupported("entry encrypted with ZIP's own encryption".into()));
        }
        match e.method {
            Method::Stored if e.size != e.compressed_size => {
                return Err(damaged("stored entry whose sizes differ"));
            }
            Method::Stored => {}
            Method::Deflate => {
                if e.size >= limits.ratio_floor && e.size / e.compressed_size.max(1) > limits.max_ratio {
                    return Err(Error::Damaged(std::format!(
                        "expands {}:1, above the limit of {}:1 (zip bomb?)",
                        e.size / e.compressed_size.max(1),
                        limits.max_ratio
                    )));
                }
            }
            Method::Other(n) => return Err(Error::Unsupported(std::format!("compression method {n}"))),
        }
        let mut local = [0u8; 30];
        read_at(&mut self.reader, e.header_offset, &mut local)?;
        if &local[..4] != LOCAL_SIG {
            return Err(damaged("local header signature"));
        }
        let data_start = e.header_offset + 30 + u64::from(u16_at(&local, 26)) + u64::from(u16_at(&local, 28));
        if data_start.saturating_add(e.compressed_size) > self.central_directory_start {
            return Err(damaged("entry data runs into the central directory"));
        }
        self.reader.seek(SeekFrom::Start(data_start))?;
        let raw = (&mut self.reader).take(e.compressed_size);
        let mut hasher = crc32fast::Hasher::new();
        let written = match e.method {
            Method::Deflate => {
                copy_checked(flate2::read::DeflateDecoder::new(raw), out, e.size, &mut hasher)?
            }
            _ => copy_checked(raw, out, e.size, &mut hasher)?,
        };
        if written != e.size {
            return Err(Error::Damaged(std::format!(
                "{}: {written} bytes instead of the declared {}",
                e.name,
                e.size
            )));
        }
        let crc = hasher.finalize();
        if crc != e.crc32 {
            return Err(Error::Damaged(std::format!(
                "{}: CRC-32 {crc:08x} instead of the declared {:08x}",
                e.name,
                e.crc32
            )));
        }
        Ok(written)
    }
}

/// Copies at most `limit` bytes; reading a byte more means the data is larger
/// than declared, which is refused before that byte is written.
fn copy_checked<R: Read, W: Write>(
    mut from: R,
    out: &mut W,
    limit: u64,
    hasher: &mut crc32fast::Hasher,
) -> Result<u64> {
    let mut buf = zeroize::Zeroizing::new(vec![0u8; 256 * 1024]);
    let mut total = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::InvalidInput || e.kind() == io::ErrorKind::InvalidData => {
                // flate2 reports a corrupt deflate stream this way; keep decryption errors.
                let err = Error::from(e);
                return Err(match err {
                    Error::Io(e) => Error::Damaged(std::format!("invalid deflate data: {e}")),
                    other => other,
                });
            }
            Err(e) => return Err(e.into()),
        };
        if total + n as u64 > limit {
            return Err(Error::Damaged(std::format!(
                "entry data is larger than its declared size of {limit} bytes"
            )));
        }
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(Error::Io)?;
        total += n as u64;
    }
}

/// Finds the last plausible end record in `tail` (which ends at `len`).
fn find_end(tail: &[u8], tail_start: u64, len: u64) -> Option<(u64, [u8; 22])> {
    if tail.len() < EOCD_LEN as usize {
        return None;
    }
    let mut i = tail.len() - EOCD_LEN as usize;
    loop {
        if &tail[i..i + 4] == EOCD_SIG {
            let at = tail_start + i as u64;
            let comment = u64::from(u16_at(tail, i + 20));
            let cd_size = u64::from(u32_at(tail, i + 12));
            let cd_offset = u64::from(u32_at(tail, i + 16));
            let zip64 = cd_offset == 0xFFFF_FFFF || cd_size == 0xFFFF_FFFF;
            // The comment must fit; anything after it is tolerated junk.
            if at + EOCD_LEN + comment <= len && (zip64 || cd_offset + cd_size <= at) {
                let mut rec = [0u8; 22];
                rec.copy_from_slice(&tail[i..i + 22]);
                return Some((at, rec));
            }
        }
        if i == 0 {
            return None;
        }
        i -= 1;
    }
}

fn parse_central_directory(cd: &[u8], count: u64) -> Result<Vec<Entry>> {
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
            return Err(damaged("central directory record runs past its end"));
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
                    unicode_name = std::str::from_utf8(&data[5..]).ok().map(String::from);
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
            match std::str::from_utf8(&raw_name) {
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
        return Err(Error::Damaged(std::format!(
            "the end record announces {count} entries, the central directory holds {n}"
        )));
    }
    Ok(entries)
}

/// Iterates `(id, data)` over extra fields, stopping at a malformed one.
fn extra_fields(mut extra: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
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
        assert!(matches!(parse_central_directory(&cd, 4), Err(Error::Damaged(_))));
    }

    #[test]
    fn dos_time_round_trip_and_unix_conversion() {
        let t = DosDateTime::from_unix(1_655_375_454); // 2022-06-16T10:30:54Z
        assert_eq!(t.to_string(), "2022-06-16T10:30:54");
        let (d, tm) = t.to_dos();
        assert_eq!(DosDateTime::from_dos(d, tm), t);
        assert_eq!(DosDateTime::from_unix(0).year, 1980);
        assert_eq!(DosDateTime::from_unix(951_782_400).to_string(), "2000-02-29T00:00:00");
    }
}
