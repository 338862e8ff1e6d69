//! A streaming ZIP writer: entries go out as they are read, with data
//! descriptors (the output need not be seekable), ZIP64 where sizes or offsets
//! need it, in memory independent of the data size (the central directory, a
//! few dozen bytes per entry, is the only thing kept).
//!
//! The layout follows Python's `zipfile` in streaming mode, which Info-ZIP,
//! Python and pyAesCrypt-era tools all read: a ZIP64 entry has a local ZIP64
//! extra field with zero sizes and a 24-byte data descriptor.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::string::{String, ToString};
use std::vec;
use std::vec::Vec;

use super::DosDateTime;
use super::safe_path;
use super::signature;

const U32_MAX: u64 = 0xFFFF_FFFF;

/// How file data is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// As is (the default: backups hold already-compressed files).
    Stored,
    /// Raw deflate (level 6).
    Deflate,
}

struct Central {
    name: Vec<u8>,
    flags: u16,
    method: u16,
    dos: (u16, u16),
    crc: u32,
    compressed: u64,
    size: u64,
    offset: u64,
    mode: u32,
    zip64_local: bool,
}

struct Counting<W> {
    inner: W,
    written: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes a ZIP archive to any `Write`, one entry after the other.
pub struct ZipWriter<W: Write> {
    out: Counting<W>,
    central: Vec<Central>,
    buf: zeroize::Zeroizing<Vec<u8>>,
}

fn invalid(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg.to_string())
}

impl<W: Write> ZipWriter<W> {
    /// Starts an archive.
    pub fn new(out: W) -> Self {
        ZipWriter {
            out: Counting { inner: out, written: 0 },
            central: Vec::new(),
            buf: zeroize::Zeroizing::new(vec![0u8; 1 << 20]),
        }
    }

    /// Bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        self.out.written
    }

    fn local_header(
        &mut self,
        name: &[u8],
        flags: u16,
        method: u16,
        dos: (u16, u16),
        zip64: bool,
    ) -> io::Result<()> {
        let mut h = Vec::with_capacity(30 + name.len() + 20);
        h.extend_from_slice(signature::LOCAL);
        h.extend_from_slice(&(if zip64 { 45u16 } else { 20 }).to_le_bytes());
        h.extend_from_slice(&flags.to_le_bytes());
        h.extend_from_slice(&method.to_le_bytes());
        h.extend_from_slice(&dos.1.to_le_bytes());
        h.extend_from_slice(&dos.0.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes()); // CRC: in the data descriptor
        let size32: u32 = if zip64 { 0xFFFF_FFFF } else { 0 };
        h.extend_from_slice(&size32.to_le_bytes());
        h.extend_from_slice(&size32.to_le_bytes());
        h.extend_from_slice(&(name.len() as u16).to_le_bytes());
        h.extend_from_slice(&(if zip64 { 20u16 } else { 0 }).to_le_bytes());
        h.extend_from_slice(name);
        if zip64 {
            h.extend_from_slice(&1u16.to_le_bytes());
            h.extend_from_slice(&16u16.to_le_bytes());
            h.extend_from_slice(&[0u8; 16]);
        }
        self.out.write_all(&h)
    }

    fn check_name(name: &str, dir: bool) -> io::Result<Vec<u8>> {
        let p = safe_path::sanitize(name).map_err(|u| invalid(&std::format!("entry name {name:?}: {u}")))?;
        let mut n = p.as_str().as_bytes().to_vec();
        if dir {
            n.push(b'/');
        }
        if n.len() > 0xFFFF {
            return Err(invalid("entry name longer than 65,535 bytes"));
        }
        Ok(n)
    }

    /// Adds a directory entry (`name/`).
    ///
    /// # Errors
    /// An unsafe name (see [`safe_path::sanitize`]) or the writer's errors.
    pub fn add_directory(&mut self, name: &str, modified: DosDateTime) -> io::Result<()> {
        let name = Self::check_name(name, true)?;
        let offset = self.out.written;
        let flags = 0x0008 | utf8_flag(&name);
        let dos = modified.to_dos();
        self.local_header(&name, flags, 0, dos, false)?;
        self.descriptor(0, 0, 0, false)?;
        self.central.push(Central {
            name,
            flags,
            method: 0,
            dos,
            crc: 0,
            compressed: 0,
            size: 0,
            offset,
            mode: 0o040_755,
            zip64_local: false,
        });
        Ok(())
    }

    fn descriptor(&mut self, crc: u32, compressed: u64, size: u64, zip64: bool) -> io::Result<()> {
        let mut d = Vec::with_capacity(24);
        d.extend_from_slice(signature::DESCRIPTOR);
        d.extend_from_slice(&crc.to_le_bytes());
        if zip64 {
            d.extend_from_slice(&compressed.to_le_bytes());
            d.extend_from_slice(&size.to_le_bytes());
        } else {
            d.extend_from_slice(&(compressed as u32).to_le_bytes());
            d.extend_from_slice(&(size as u32).to_le_bytes());
        }
        self.out.write_all(&d)
    }

    /// Adds a file entry with the data read from `data` to its end. `size_hint`
    /// (the expected size) decides whether the entry needs ZIP64; data longer
    /// than 4 GiB without the hint is refused rather than written wrong.
    /// Returns the bytes read.
    ///
    /// # Errors
    /// An unsafe name, a size beyond what the hint allowed, or I/O errors.
    pub fn add_file<R: Read>(
        &mut self,
        name: &str,
        modified: DosDateTime,
        compression: Compression,
        size_hint: u64,
        mut data: R,
    ) -> io::Result<u64> {
        let mut buf = core::mem::take(&mut self.buf);
        let result = (|| {
            let mut entry = self.start_file(name, modified, compression, size_hint)?;
            loop {
                match data.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => entry.write_all(&buf[..n])?,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            entry.finish()
        })();
        self.buf = buf;
        result
    }

    /// Starts a file entry whose data the caller writes: the returned [`FileEntry`]
    /// is a `Write`, and [`FileEntry::finish`] ends the entry (for data that is
    /// pushed, such as an entry copied out of another archive). `size_hint` as in
    /// [`ZipWriter::add_file`]. An entry dropped without `finish` leaves the
    /// archive unusable: discard it.
    ///
    /// # Errors
    /// An unsafe name, or the writer's errors.
    pub fn start_file(
        &mut self,
        name: &str,
        modified: DosDateTime,
        compression: Compression,
        size_hint: u64,
    ) -> io::Result<FileEntry<'_, W>> {
        let name = Self::check_name(name, false)?;
        // As Python does: leave room for deflate's worst-case growth.
        let zip64 = size_hint.saturating_add(size_hint / 20) >= U32_MAX;
        let offset = self.out.written;
        let flags = 0x0008 | utf8_flag(&name);
        let method = match compression {
            Compression::Stored => 0,
            Compression::Deflate => 8,
        };
        let dos = modified.to_dos();
        self.local_header(&name, flags, method, dos, zip64)?;
        let start = self.out.written;
        let deflate = (compression == Compression::Deflate)
            .then(|| flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default()));
        Ok(FileEntry {
            zip: self,
            central: Central {
                name,
                flags,
                method,
                dos,
                crc: 0,
                compressed: 0,
                size: 0,
                offset,
                mode: 0o100_644,
                zip64_local: zip64,
            },
            start,
            hasher: crc32fast::Hasher::new(),
            deflate,
        })
    }

    /// Writes the central directory and the end record(s); returns the writer.
    ///
    /// # Errors
    /// The writer's errors.
    pub fn finish(mut self) -> io::Result<W> {
        let cd_start = self.out.written;
        let mut rec = Vec::with_capacity(256);
        for c in &self.central {
            rec.clear();
            let mut extra = Vec::new();
            let big_sizes = c.size >= U32_MAX || c.compressed >= U32_MAX;
            if big_sizes {
                extra.extend_from_slice(&c.size.to_le_bytes());
                extra.extend_from_slice(&c.compressed.to_le_bytes());
            }
            if c.offset >= U32_MAX {
                extra.extend_from_slice(&c.offset.to_le_bytes());
            }
            let version: u16 = if c.zip64_local || !extra.is_empty() { 45 } else { 20 };
            rec.extend_from_slice(signature::CENTRAL);
            rec.extend_from_slice(&((3u16 << 8) | version).to_le_bytes());
            rec.extend_from_slice(&version.to_le_bytes());
            rec.extend_from_slice(&c.flags.to_le_bytes());
            rec.extend_from_slice(&c.method.to_le_bytes());
            rec.extend_from_slice(&c.dos.1.to_le_bytes());
            rec.extend_from_slice(&c.dos.0.to_le_bytes());
            rec.extend_from_slice(&c.crc.to_le_bytes());
            let (cs, us) = if big_sizes { (U32_MAX, U32_MAX) } else { (c.compressed, c.size) };
            rec.extend_from_slice(&(cs as u32).to_le_bytes());
            rec.extend_from_slice(&(us as u32).to_le_bytes());
            rec.extend_from_slice(&(c.name.len() as u16).to_le_bytes());
            let extra_len = if extra.is_empty() { 0 } else { 4 + extra.len() };
            rec.extend_from_slice(&(extra_len as u16).to_le_bytes());
            rec.extend_from_slice(&0u16.to_le_bytes()); // comment
            rec.extend_from_slice(&0u16.to_le_bytes()); // disk
            rec.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
            rec.extend_from_slice(&(c.mode << 16).to_le_bytes());
            rec.extend_from_slice(&(c.offset.min(U32_MAX) as u32).to_le_bytes());
            rec.extend_from_slice(&c.name);
            if !extra.is_empty() {
                rec.extend_from_slice(&1u16.to_le_bytes());
                rec.extend_from_slice(&(extra.len() as u16).to_le_bytes());
                rec.extend_from_slice(&extra);
            }
            self.out.write_all(&rec)?;
        }
        let cd_end = self.out.written;
        let cd_size = cd_end - cd_start;
        let count = self.central.len() as u64;
        let mut end = Vec::with_capacity(98);
        if count >= 0xFFFF || cd_size >= U32_MAX || cd_start >= U32_MAX {
            end.extend_from_slice(signature::END64);
            end.extend_from_slice(&44u64.to_le_bytes());
            end.extend_from_slice(&((3u16 << 8) | 45).to_le_bytes());
            end.extend_from_slice(&45u16.to_le_bytes());
            end.extend_from_slice(&0u32.to_le_bytes());
            end.extend_from_slice(&0u32.to_le_bytes());
            end.extend_from_slice(&count.to_le_bytes());
            end.extend_from_slice(&count.to_le_bytes());
            end.extend_from_slice(&cd_size.to_le_bytes());
            end.extend_from_slice(&cd_start.to_le_bytes());
            end.extend_from_slice(signature::LOCATOR64);
            end.extend_from_slice(&0u32.to_le_bytes());
            end.extend_from_slice(&cd_end.to_le_bytes());
            end.extend_from_slice(&1u32.to_le_bytes());
        }
        end.extend_from_slice(signature::END);
        end.extend_from_slice(&[0u8; 4]);
        let count16 = count.min(0xFFFF) as u16;
        end.extend_from_slice(&count16.to_le_bytes());
        end.extend_from_slice(&count16.to_le_bytes());
        end.extend_from_slice(&(cd_size.min(U32_MAX) as u32).to_le_bytes());
        end.extend_from_slice(&(cd_start.min(U32_MAX) as u32).to_le_bytes());
        end.extend_from_slice(&0u16.to_le_bytes());
        self.out.write_all(&end)?;
        self.out.flush()?;
        Ok(self.out.inner)
    }
}

/// A file entry being written (see [`ZipWriter::start_file`]): its data is
/// written through this, counted and CRC-32'd on the way.
pub struct FileEntry<'a, W: Write> {
    zip: &'a mut ZipWriter<W>,
    central: Central,
    start: u64,
    hasher: crc32fast::Hasher,
    deflate: Option<flate2::write::DeflateEncoder<Vec<u8>>>,
}

impl<W: Write> Write for FileEntry<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.hasher.update(buf);
        self.central.size += buf.len() as u64;
        match &mut self.deflate {
            Some(d) => {
                d.write_all(buf)?;
                // Drain what the encoder produced so far: memory stays bounded.
                let out = core::mem::take(d.get_mut());
                self.zip.out.write_all(&out)?;
            }
            None => self.zip.out.write_all(buf)?,
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.zip.out.flush()
    }
}

impl<W: Write> FileEntry<'_, W> {
    /// Ends the entry (its data descriptor) and returns the bytes it holds.
    ///
    /// # Errors
    /// Data past 4 GiB when the size hint did not say so, or the writer's errors.
    pub fn finish(mut self) -> io::Result<u64> {
        if let Some(d) = self.deflate.take() {
            let out = d.finish()?;
            self.zip.out.write_all(&out)?;
        }
        let mut c = self.central;
        c.compressed = self.zip.out.written - self.start;
        if !c.zip64_local && (c.size >= U32_MAX || c.compressed >= U32_MAX) {
            return Err(invalid("file grew past 4 GiB while being archived"));
        }
        c.crc = self.hasher.finalize();
        self.zip.descriptor(c.crc, c.compressed, c.size, c.zip64_local)?;
        let size = c.size;
        self.zip.central.push(c);
        Ok(size)
    }
}

fn utf8_flag(name: &[u8]) -> u16 {
    if name.is_ascii() { 0 } else { 0x0800 }
}

/// Options of [`archive_paths`].
#[derive(Clone, Copy, Debug)]
pub struct ArchiveOptions {
    /// Stored (default) or deflate.
    pub compression: Compression,
}

impl Default for ArchiveOptions {
    fn default() -> Self {
        ArchiveOptions { compression: Compression::Stored }
    }
}

/// What [`archive_paths`] did.
#[derive(Clone, Debug, Default)]
pub struct ArchiveReport {
    /// Files written.
    pub files: u64,
    /// Directory entries written.
    pub directories: u64,
    /// Bytes of file data.
    pub bytes: u64,
    /// Paths skipped (symlinks, devices, sockets…), with the reason.
    pub skipped: Vec<(PathBuf, String)>,
}

fn modified_of(meta: &fs::Metadata) -> DosDateTime {
    let secs = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs() as i64);
    DosDateTime::from_unix(secs)
}

/// Names a top-level path in the archive: its last component (`.` and `..`
/// resolved first), as `zip -r` does.
fn top_name(path: &Path) -> io::Result<String> {
    let resolved;
    let p = if path.file_name().is_none() {
        resolved = fs::canonicalize(path)?;
        resolved.as_path()
    } else {
        path
    };
    let name = p.file_name().ok_or_else(|| invalid("cannot archive the root directory"))?;
    name.to_str()
        .map(String::from)
        .ok_or_else(|| invalid(&std::format!("{} is not valid UTF-8", p.display())))
}

/// Streams files and directory trees into a ZIP written to `out`. Directories are
/// walked in name order; symbolic links and special files are skipped (and
/// reported), never followed.
///
/// # Errors
/// I/O errors, a name that is not UTF-8, or two paths with the same name.
pub fn archive_paths<W: Write>(
    paths: &[PathBuf],
    out: W,
    options: &ArchiveOptions,
) -> io::Result<(W, ArchiveReport)> {
    let mut zip = ZipWriter::new(out);
    let mut report = ArchiveReport::default();
    let mut seen = std::collections::HashSet::new();
    for path in paths {
        let name = top_name(path)?;
        if !seen.insert(name.clone()) {
            return Err(invalid(&std::format!("two paths would both be stored as {name:?}")));
        }
        let meta = fs::symlink_metadata(path)?;
        add_path(&mut zip, path, &name, &meta, options, &mut report)?;
    }
    Ok((zip.finish()?, report))
}

fn add_path<W: Write>(
    zip: &mut ZipWriter<W>,
    path: &Path,
    name: &str,
    meta: &fs::Metadata,
    options: &ArchiveOptions,
    report: &mut ArchiveReport,
) -> io::Result<()> {
    let ft = meta.file_type();
    if ft.is_file() {
        let file = File::open(path)?;
        let n = zip.add_file(name, modified_of(meta), options.compression, meta.len(), file)?;
        report.files += 1;
        report.bytes += n;
    } else if ft.is_dir() {
        zip.add_directory(name, modified_of(meta))?;
        report.directories += 1;
        let mut children: Vec<(String, PathBuf)> = Vec::new();
        for entry in fs::read_dir(path)? {
            let entry = entry?;
            let child = entry.file_name();
            let Some(child) = child.to_str() else {
                return Err(invalid(&std::format!("{} is not valid UTF-8", entry.path().display())));
            };
            children.push((child.to_string(), entry.path()));
        }
        children.sort();
        for (child, child_path) in children {
            let meta = fs::symlink_metadata(&child_path)?;
            add_path(zip, &child_path, &std::format!("{name}/{child}"), &meta, options, report)?;
        }
    } else if ft.is_symlink() {
        report.skipped.push((path.to_path_buf(), "symbolic link (not followed)".into()));
    } else {
        report.skipped.push((path.to_path_buf(), "not a regular file or directory".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zip::{Archive, Limits};

    #[test]
    fn data_pushed_in_pieces_makes_the_same_archive_as_data_read() {
        let t = DosDateTime::from_unix(1_700_000_000);
        let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        for compression in [Compression::Stored, Compression::Deflate] {
            let mut read = ZipWriter::new(Vec::new());
            read.add_file("a/b.bin", t, compression, data.len() as u64, &data[..]).unwrap();
            let read = read.finish().unwrap();
            let mut pushed = ZipWriter::new(Vec::new());
            let mut entry = pushed.start_file("a/b.bin", t, compression, data.len() as u64).unwrap();
            for piece in data.chunks(777) {
                entry.write_all(piece).unwrap();
            }
            assert_eq!(entry.finish().unwrap(), data.len() as u64);
            let pushed = pushed.finish().unwrap();
            assert_eq!(pushed, read);
            let mut archive = Archive::new(io::Cursor::new(pushed)).unwrap();
            let mut out = Vec::new();
            archive.copy_entry(0, &mut out, &Limits::default()).unwrap();
            assert_eq!(out, data);
        }
    }

    #[test]
    fn an_unsafe_name_is_refused_before_anything_is_written() {
        let mut zip = ZipWriter::new(Vec::new());
        assert!(zip.start_file("../x", DosDateTime::from_unix(0), Compression::Stored, 1).is_err());
        assert_eq!(zip.bytes_written(), 0);
    }
}
