//! Helpers shared by the tests/zip_*.rs tests.
// Helpers outside #[test] functions: a panic here is the calling test failing.
#![allow(clippy::unwrap_used)]
#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const PASSWORD: &str = "backup-key=";

/// The venv Python with pyAesCrypt 6.0.0 and aiozipstream 0.4 (never skipped).
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("BACKUPCRYPT_TEST_PYTHON") {
        return PathBuf::from(p);
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/venv/bin/python");
    assert!(
        p.exists(),
        "{} missing: run tests/setup/30-python.sh or set BACKUPCRYPT_TEST_PYTHON",
        p.display()
    );
    p
}

pub fn tools() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools")
}

/// Runs a command, panicking with its stderr if it fails to start.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Runs a command that must succeed.
pub fn ok(cmd: &mut Command) -> Output {
    let out = run(cmd);
    assert!(out.status.success(), "{cmd:?} failed: {}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    out
}

/// The `backupcrypt` binary with the test password in the environment.
pub fn backupcrypt() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_backupcrypt"));
    c.env("BACKUPCRYPT_PASSWORD", PASSWORD).stdin(Stdio::null());
    c
}

/// A reader that counts the bytes read through it.
pub struct Counting<R> {
    pub inner: R,
    pub read: std::rc::Rc<core::cell::Cell<u64>>,
}

impl<R> Counting<R> {
    pub fn new(inner: R) -> (Self, std::rc::Rc<core::cell::Cell<u64>>) {
        let read = std::rc::Rc::new(core::cell::Cell::new(0));
        (Counting { inner, read: read.clone() }, read)
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// One central-directory entry for [`raw_zip`]: any name bytes, any attributes,
/// any offset — for building archives no honest writer would.
pub struct RawEntry {
    pub name: Vec<u8>,
    pub data: Vec<u8>,
    /// Declared uncompressed size (for deflate), else data.len().
    pub size: Option<u64>,
    pub method: u16,
    pub flags: u16,
    pub made_by: u16,
    pub external: u32,
    /// Point this central record at an earlier entry's local header.
    pub share_with: Option<usize>,
    pub crc: Option<u32>,
}

impl RawEntry {
    pub fn stored(name: &[u8], data: &[u8]) -> Self {
        RawEntry {
            name: name.to_vec(),
            data: data.to_vec(),
            size: None,
            method: 0,
            flags: 0,
            made_by: 20,
            external: 0,
            share_with: None,
            crc: None,
        }
    }

    pub fn deflated(name: &[u8], plain: &[u8]) -> Self {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(plain).unwrap();
        let mut r = RawEntry::stored(name, &e.finish().unwrap());
        r.method = 8;
        r.size = Some(plain.len() as u64);
        r.crc = Some(crc32fast::hash(plain));
        r
    }

    pub fn symlink(name: &[u8], target: &[u8]) -> Self {
        let mut r = RawEntry::stored(name, target);
        r.made_by = (3 << 8) | 20;
        r.external = 0o120_777 << 16;
        r
    }
}

/// Builds a ZIP from raw entries (32-bit fields only).
pub fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for e in entries {
        if let Some(j) = e.share_with {
            offsets.push(offsets[j]);
            continue;
        }
        offsets.push(out.len() as u32);
        let crc = e.crc.unwrap_or_else(|| crc32fast::hash(&e.data));
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&e.flags.to_le_bytes());
        out.extend_from_slice(&e.method.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0x21, 0x55]);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(e.size.unwrap_or(e.data.len() as u64) as u32).to_le_bytes());
        out.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&e.name);
        out.extend_from_slice(&e.data);
    }
    let cd_start = out.len() as u32;
    for (i, e) in entries.iter().enumerate() {
        let src = e.share_with.map_or(e, |j| &entries[j]);
        let crc = src.crc.unwrap_or_else(|| crc32fast::hash(&src.data));
        out.extend_from_slice(b"PK\x01\x02");
        out.extend_from_slice(&e.made_by.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&e.flags.to_le_bytes());
        out.extend_from_slice(&src.method.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0x21, 0x55]);
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&(src.data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(e.size.or(src.size).unwrap_or(src.data.len() as u64) as u32).to_le_bytes());
        out.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0u8; 8]); // extra, comment, disk, internal
        out.extend_from_slice(&e.external.to_le_bytes());
        out.extend_from_slice(&offsets[i].to_le_bytes());
        out.extend_from_slice(&e.name);
    }
    let cd_size = out.len() as u32 - cd_start;
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// Encrypts `plain` as AES Crypt v2 with the test password (the library's
/// encryptor, byte-compatible with pyAesCrypt).
pub fn aescrypt(plain: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    backupcrypt::io::encrypt_stream(
        plain,
        &mut out,
        &backupcrypt::Password::from(PASSWORD),
        backupcrypt::io::EncryptTo::AesCrypt(backupcrypt::aescrypt::Version::V2),
    )
    .unwrap();
    out
}

/// Every path under `dir`, relative, sorted.
pub fn tree(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            out.push(p.strip_prefix(base).unwrap().to_string_lossy().into_owned());
            if e.file_type().unwrap().is_dir() {
                walk(base, &p, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}
