//! Resource limits: hostile headers cost bounded time and memory and give clear
//! errors. Memory is measured with a counting allocator (per thread, so that the
//! tests running beside each other do not disturb the numbers).

mod legacy;

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;
use core::time::Duration;
use std::alloc::System;
use std::time::Instant;

use backupcrypt::aescrypt::{HeaderParser, MAX_KEPT_EXTENSIONS, MAX_KEPT_VALUE, V3_MAX_ITERATIONS};
use backupcrypt::inspect::{Kdf, PlaintextSize, inspect};
use backupcrypt::{DecryptOptions, Decryptor, Error, Integrity, Limits, Password};

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn track(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        track(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        track(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        track(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f`, returning its result and the most heap this thread held above the
/// level it started at.
fn peak_heap<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start));
    let r = f();
    (r, (PEAK.with(Cell::get) - start).max(0) as usize)
}

/// Feeds `stream` (generated piece by piece, never whole in memory) to a
/// decryptor, dropping the output as it comes.
fn decrypt_stream(
    pieces: impl Iterator<Item = Vec<u8>>,
    password: &str,
    limits: Limits,
) -> (Result<Integrity, Error>, u64) {
    let mut d = Decryptor::new(Password::from(password), DecryptOptions { openssl: None, limits });
    let mut out = Vec::new();
    let mut produced = 0u64;
    for piece in pieces {
        if let Err(e) = d.update(&piece, &mut out) {
            return (Err(e), produced);
        }
        produced += out.len() as u64;
        out.clear();
    }
    let r = d.finish(&mut out);
    (r, produced + out.len() as u64)
}

/// A real v2 file with `ext` spliced in front of its extension list: extensions are
/// unauthenticated, so the file stays valid whatever they say (FORMATS.md §3.4).
fn with_extensions(count: usize, len: u16, plain: &[u8]) -> impl Iterator<Item = Vec<u8>> {
    let file = legacy::v2("password", [9; 16], plain);
    let head = file[..5].to_vec();
    let rest = file[5..].to_vec();
    let mut body = vec![b'x'; usize::from(len)];
    if let Some(b) = body.get_mut(4) {
        *b = 0; // a 4-byte name, then the value
    }
    let mut ext = (len).to_be_bytes().to_vec();
    ext.extend_from_slice(&body);
    core::iter::once(head).chain(core::iter::repeat_n(ext, count)).chain(core::iter::once(rest))
}

#[test]
fn giant_extensions_are_skipped_in_bounded_memory_and_time() {
    // 4000 extensions of the largest size a u16 allows: 262 MB of header.
    let t = Instant::now();
    let ((result, produced), heap) = peak_heap(|| {
        decrypt_stream(with_extensions(4000, u16::MAX, b"still here"), "password", Limits::default())
    });
    assert_eq!(result.unwrap(), Integrity::Authenticated);
    assert_eq!(produced, 10);
    // Only the first 32 extensions are kept, each cut to 1 KiB; the pieces fed in
    // are 64 KiB each and dropped at once.
    assert!(heap < 1 << 20, "held {heap} bytes while skipping 262 MB of extensions");
    assert!(t.elapsed() < Duration::from_secs(20), "took {:?}", t.elapsed());
}

#[test]
fn a_million_extensions_are_counted_not_kept() {
    let mut parser = HeaderParser::default();
    let ((), heap) = peak_heap(|| {
        for piece in with_extensions(1_000_000, 1, b"") {
            parser.push(&piece).unwrap();
        }
    });
    let header = parser.header().expect("header complete");
    // pyAesCrypt's own CREATED_BY and container come after ours.
    assert_eq!(header.extension_count, 1_000_002);
    assert_eq!(header.extensions.len(), MAX_KEPT_EXTENSIONS);
    assert!(header.extensions.iter().all(|e| e.value.len() <= MAX_KEPT_VALUE));
    assert!(heap < 1 << 20, "held {heap} bytes for a million extensions");
}

#[test]
fn long_extension_names_and_values_are_cut_for_display() {
    let mut parser = HeaderParser::default();
    for piece in with_extensions(3, u16::MAX, b"") {
        parser.push(&piece).unwrap();
    }
    let h = parser.into_header().unwrap();
    let e = &h.extensions[0];
    assert_eq!(e.name, "xxxx");
    assert_eq!(e.value.len(), MAX_KEPT_VALUE);
    assert_eq!(e.value_len, usize::from(u16::MAX) - 5);
}

/// A v3 header asking for `n` iterations (the rest is never reached).
fn v3_with_iterations(n: u32) -> Vec<u8> {
    let file = legacy::v3("password", 1, [3; 16], b"data");
    let at = legacy::skip_extensions(&file, 5);
    let mut f = file.clone();
    f[at..at + 4].copy_from_slice(&n.to_be_bytes());
    f
}

#[test]
fn v3_iteration_count_above_the_limit_fails_at_once_without_kdf_work() {
    for n in [u32::MAX, 1 << 31, V3_MAX_ITERATIONS + 1] {
        let t = Instant::now();
        let (r, produced) =
            decrypt_stream(core::iter::once(v3_with_iterations(n)), "password", Limits::default());
        // 2^32-1 rounds of PBKDF2-HMAC-SHA512 would take hours; refusing takes nothing.
        assert!(t.elapsed() < Duration::from_millis(200), "{n}: {:?}", t.elapsed());
        assert_eq!(produced, 0);
        match r {
            Err(e @ Error::ExcessiveWork { required, limit }) => {
                assert_eq!((required, limit), (n, V3_MAX_ITERATIONS));
                let msg = e.to_string();
                assert!(msg.contains(&n.to_string()) && msg.contains("5000000"), "{msg}");
            }
            other => panic!("{n}: {other:?}"),
        }
    }
    // A lower limit applies as well (the browser page may want one)...
    let (r, _) = decrypt_stream(
        core::iter::once(v3_with_iterations(1000)),
        "password",
        Limits { max_iterations: 999 },
    );
    assert!(matches!(r, Err(Error::ExcessiveWork { required: 1000, limit: 999 })), "{r:?}");
    // ...and a raised one lets the KDF run (here: only to find the count was tampered).
    let (r, _) =
        decrypt_stream(core::iter::once(v3_with_iterations(2)), "password", Limits { max_iterations: 2 });
    assert!(matches!(r, Err(Error::WrongPassword(_))), "{r:?}");
    // Zero iterations is not a limit question: the header is corrupt.
    let (r, _) = decrypt_stream(core::iter::once(v3_with_iterations(0)), "password", Limits::default());
    assert!(matches!(r, Err(Error::Corrupt(_))), "{r:?}");
}

#[test]
fn inspect_reports_huge_iteration_counts_without_deriving() {
    let t = Instant::now();
    let info = inspect(&v3_with_iterations(u32::MAX), None, &[]).unwrap();
    assert_eq!(info.kdf, Kdf::Pbkdf2Sha512 { iterations: u32::MAX });
    assert!(t.elapsed() < Duration::from_millis(100));
}

#[test]
fn huge_declared_file_sizes_do_not_overflow() {
    let v2 = legacy::v2("password", [1; 16], b"abc");
    let v0 = legacy::v0("password", [1; 16], b"abc");
    let salted = {
        let mut f = b"Salted__12345678".to_vec();
        f.extend_from_slice(&[0u8; 32]);
        f
    };
    for file in [&v2, &v0, &salted, &b"U2FsdGVkX18AAAAAAAAAAA=="[..].to_vec()] {
        for len in [0, 1, 15, 16, 17, 33, u64::MAX - 1, u64::MAX] {
            for tail in [&file[..], &file[file.len() - 1..], &[][..]] {
                if let Ok(info) = inspect(file, Some(len), tail) {
                    match info.plaintext_size {
                        PlaintextSize::Exact(n) => assert!(n <= len),
                        PlaintextSize::Between(a, b) => assert!(a <= b && b <= len),
                        PlaintextSize::Unknown => {}
                    }
                }
            }
        }
    }
}

#[test]
fn decrypting_a_large_stream_holds_constant_memory() {
    // 64 MiB of v2 ciphertext, generated and fed in 64 KiB pieces.
    let plain = vec![0x42u8; 64 << 20];
    let file = legacy::v2("password", [5; 16], &plain);
    drop(plain);
    let (r, heap) = peak_heap(|| {
        let pieces = file.chunks(64 << 10).map(<[u8]>::to_vec);
        decrypt_stream(pieces, "password", Limits::default())
    });
    assert_eq!(r.0.unwrap(), Integrity::Authenticated);
    assert_eq!(r.1, 64 << 20);
    // Output buffer (one piece) + input piece + a block of state: far below the size
    // (and above one piece, which shows the counter sees the allocations).
    assert!(heap > 64 << 10, "the allocation counter saw only {heap} bytes");
    assert!(heap < 512 << 10, "held {heap} bytes for a 64 MiB stream");
}

#[test]
fn garbage_is_refused_from_its_first_bytes() {
    // Neither format buffers unknown input: an endless stream of junk stops at once.
    let (r, heap) = peak_heap(|| {
        let junk = core::iter::repeat_n(vec![0x17u8; 1 << 16], 1 << 14); // 1 GiB, lazily
        decrypt_stream(junk, "password", Limits::default())
    });
    assert!(matches!(r.0, Err(Error::NotEncrypted)), "{:?}", r.0);
    assert!(heap < 256 << 10);
}

// ---------------------------------------------------------------------------
// ZIP archives (FORMATS.md §4.3): hostile central directories

#[cfg(feature = "zip")]
mod zip_limits {
    use core::time::Duration;
    use std::io::{Cursor, Seek, SeekFrom, Write};
    use std::time::Instant;

    use backupcrypt::zip::{Archive, Error as ZipError, ExtractOptions, Limits as ZipLimits, Refusal};

    use super::peak_heap;

    fn le16(v: &mut Vec<u8>, x: u16) {
        v.extend_from_slice(&x.to_le_bytes());
    }
    fn le32(v: &mut Vec<u8>, x: u32) {
        v.extend_from_slice(&x.to_le_bytes());
    }
    fn le64(v: &mut Vec<u8>, x: u64) {
        v.extend_from_slice(&x.to_le_bytes());
    }

    /// The classic end record.
    fn eocd(count: u16, cd_size: u32, cd_offset: u32) -> Vec<u8> {
        let mut v = b"PK\x05\x06".to_vec();
        le16(&mut v, 0);
        le16(&mut v, 0);
        le16(&mut v, count);
        le16(&mut v, count);
        le32(&mut v, cd_size);
        le32(&mut v, cd_offset);
        le16(&mut v, 0);
        v
    }

    /// ZIP64 end record at `at`, its locator, and a classic end record of sentinels.
    fn zip64_end(at: u64, count: u64, cd_size: u64, cd_offset: u64) -> Vec<u8> {
        let mut v = b"PK\x06\x06".to_vec();
        le64(&mut v, 44);
        le16(&mut v, 45);
        le16(&mut v, 45);
        le32(&mut v, 0);
        le32(&mut v, 0);
        le64(&mut v, count);
        le64(&mut v, count);
        le64(&mut v, cd_size);
        le64(&mut v, cd_offset);
        v.extend_from_slice(b"PK\x06\x07");
        le32(&mut v, 0);
        le64(&mut v, at);
        le32(&mut v, 1);
        v.extend_from_slice(&eocd(0xffff, 0xffff_ffff, 0xffff_ffff));
        v
    }

    fn bounded<T>(what: &str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let (r, heap) = peak_heap(f);
        assert!(t.elapsed() < Duration::from_secs(2), "{what}: took {:?}", t.elapsed());
        assert!(heap < 1 << 20, "{what}: held {heap} bytes");
        r
    }

    fn damaged_or_unsupported(r: Result<Archive<impl std::io::Read + Seek>, ZipError>, what: &str) {
        match r {
            Err(e) if e.is_damaged() || matches!(e, ZipError::Unsupported(_)) => {
                assert!(!e.to_string().is_empty(), "{what}");
            }
            Err(e) => panic!("{what}: {e:?}"),
            Ok(a) => panic!("{what}: accepted with {} entries", a.entries().len()),
        }
    }

    #[test]
    fn a_billion_entries_are_refused_before_any_allocation() {
        // The count cannot fit in the directory the file holds...
        let mut f = vec![0u8; 46];
        f.extend_from_slice(&zip64_end(46, 1_000_000_000, 46, 0));
        damaged_or_unsupported(bounded("10^9 entries", || Archive::new(Cursor::new(&f))), "10^9 entries");
        // ...nor can a directory of the size a billion entries need.
        let mut f = Vec::new();
        f.extend_from_slice(&zip64_end(0, 1_000_000_000, 46_000_000_000, 0));
        damaged_or_unsupported(
            bounded("46 GB directory", || Archive::new(Cursor::new(&f))),
            "46 GB directory",
        );
        // The classic record's 65535 entries in a 22-byte file.
        let f = eocd(0xffff, 0, 0);
        damaged_or_unsupported(bounded("65535 entries", || Archive::new(Cursor::new(&f))), "65535 entries");
    }

    #[test]
    fn a_one_gigabyte_central_directory_claim_is_refused_without_reading_it() {
        // A sparse 1 GiB file whose end record claims it is all central directory.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.zip");
        let mut file = std::fs::File::create(&path).unwrap();
        let cd = 1u64 << 30;
        file.set_len(cd).unwrap();
        file.seek(SeekFrom::End(0)).unwrap();
        file.write_all(&zip64_end(cd, cd / 46, cd, 0)).unwrap();
        drop(file);
        let r = bounded("1 GiB directory", || Archive::new(std::fs::File::open(&path).unwrap()));
        damaged_or_unsupported(r, "1 GiB directory");
    }

    /// One stored entry whose ZIP64 sizes both say 2^64-1 (and a few real bytes).
    fn huge_entry(method: u16, offset: u64) -> Vec<u8> {
        let name = b"huge.bin";
        let mut extra = Vec::new();
        le16(&mut extra, 1);
        le16(&mut extra, 24);
        le64(&mut extra, u64::MAX);
        le64(&mut extra, if method == 0 { u64::MAX } else { 100 });
        le64(&mut extra, offset);
        let mut f = b"PK\x03\x04".to_vec();
        le16(&mut f, 45);
        le16(&mut f, 0);
        le16(&mut f, method);
        le32(&mut f, 0);
        le32(&mut f, 0);
        le32(&mut f, 0xffff_ffff);
        le32(&mut f, 0xffff_ffff);
        le16(&mut f, name.len() as u16);
        le16(&mut f, 20);
        f.extend_from_slice(name);
        le16(&mut f, 1);
        le16(&mut f, 16);
        le64(&mut f, u64::MAX);
        le64(&mut f, if method == 0 { u64::MAX } else { 100 });
        f.extend_from_slice(&[0u8; 100]);
        let cd_at = f.len();
        f.extend_from_slice(b"PK\x01\x02");
        le16(&mut f, 0x031e);
        le16(&mut f, 45);
        le16(&mut f, 0);
        le16(&mut f, method);
        le32(&mut f, 0);
        le32(&mut f, 0);
        le32(&mut f, 0xffff_ffff);
        le32(&mut f, 0xffff_ffff);
        le16(&mut f, name.len() as u16);
        le16(&mut f, extra.len() as u16);
        le16(&mut f, 0);
        le16(&mut f, 0);
        le16(&mut f, 0);
        le32(&mut f, 0o100644 << 16);
        le32(&mut f, 0xffff_ffff);
        f.extend_from_slice(name);
        f.extend_from_slice(&extra);
        let cd_size = f.len() - cd_at;
        f.extend_from_slice(&eocd(1, cd_size as u32, cd_at as u32));
        f
    }

    #[test]
    fn sizes_of_2_64_minus_1_are_listed_but_never_believed() {
        for (method, offset, what) in [
            (0u16, 0u64, "stored, 2^64-1 bytes"),
            (8, 0, "deflate, 2^64-1 bytes from 100"),
            (0, u64::MAX, "local header at 2^64-1"),
        ] {
            let f = huge_entry(method, offset);
            let mut archive = match Archive::new(Cursor::new(&f)) {
                Ok(a) => a,
                Err(e) => panic!("{what}: the directory is well-formed, yet {e:?}"),
            };
            assert_eq!(archive.entries()[0].size, u64::MAX, "{what}");
            let mut written = 0u64;
            let r = bounded(what, || {
                let mut sink = CountingSink(&mut written);
                archive.copy_entry(0, &mut sink, &ZipLimits::default())
            });
            let e = r.expect_err(what);
            assert!(
                e.is_damaged() || matches!(e, ZipError::Unsupported(_) | ZipError::LimitExceeded { .. }),
                "{what}: {e:?}"
            );
            assert!(written <= 100, "{what}: wrote {written} bytes");
            // Extraction refuses or fails it, and leaves nothing.
            let dir = tempfile::tempdir().unwrap();
            let report =
                backupcrypt::zip::extract(&mut archive, dir.path(), &ExtractOptions::default()).unwrap();
            assert!(report.extracted.is_empty(), "{what}");
            assert!(!report.is_complete(), "{what}");
            assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "{what}: left files behind");
        }
    }

    struct CountingSink<'a>(&'a mut u64);
    impl Write for CountingSink<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            *self.0 += buf.len() as u64;
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A one-entry archive (a directory entry) with this name.
    fn one_dir(name: &str) -> Vec<u8> {
        let mut f = b"PK\x03\x04".to_vec();
        le16(&mut f, 20);
        le16(&mut f, 0x800);
        le16(&mut f, 0);
        le32(&mut f, 0);
        le32(&mut f, 0);
        le32(&mut f, 0);
        le32(&mut f, 0);
        le16(&mut f, name.len() as u16);
        le16(&mut f, 0);
        f.extend_from_slice(name.as_bytes());
        let cd_at = f.len();
        f.extend_from_slice(b"PK\x01\x02");
        le16(&mut f, 0x031e);
        le16(&mut f, 20);
        le16(&mut f, 0x800);
        le16(&mut f, 0);
        le32(&mut f, 0);
        le32(&mut f, 0);
        le32(&mut f, 0);
        le32(&mut f, 0);
        le16(&mut f, name.len() as u16);
        le16(&mut f, 0);
        le16(&mut f, 0);
        le16(&mut f, 0);
        le16(&mut f, 0);
        le32(&mut f, (0o040755 << 16) | 0x10);
        le32(&mut f, 0);
        f.extend_from_slice(name.as_bytes());
        let cd_size = f.len() - cd_at;
        f.extend_from_slice(&eocd(1, cd_size as u32, cd_at as u32));
        f
    }

    #[test]
    fn deeply_nested_directory_names_cost_bounded_time_and_give_clear_errors() {
        // 32,000 levels: the longest name a ZIP can hold, far beyond PATH_MAX. Creation
        // stops where the file system does (about 2000 levels here, some seconds,
        // since each level is created by its full path).
        for levels in [32_000usize, 300] {
            let name = "d/".repeat(levels);
            let f = one_dir(&name);
            let mut archive = Archive::new(Cursor::new(&f)).unwrap();
            let dir = tempfile::tempdir().unwrap();
            let t = Instant::now();
            let report =
                backupcrypt::zip::extract(&mut archive, dir.path(), &ExtractOptions::default()).unwrap();
            assert!(t.elapsed() < Duration::from_secs(20), "{levels} levels: {:?}", t.elapsed());
            if levels > 2_000 {
                // Too deep for the file system: refused with a reason, not a panic.
                assert_eq!(report.extracted.len(), 0);
                let reasons: Vec<String> = report
                    .refused
                    .iter()
                    .map(|(_, why)| why.to_string())
                    .chain(report.failed.iter().map(|(_, why)| why.clone()))
                    .collect();
                assert_eq!(reasons.len(), 1, "{report:?}");
                assert!(
                    reasons[0].contains("too long") || reasons[0].contains("cannot create"),
                    "{}",
                    reasons[0]
                );
                assert!(report.refused.iter().all(|(_, why)| matches!(why, Refusal::Conflict(_))));
            } else {
                assert!(report.is_complete(), "{report:?}");
            }
        }
    }
}
