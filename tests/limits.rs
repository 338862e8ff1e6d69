//! Resource limits: hostile headers cost bounded time and memory and give clear
//! errors. Memory is measured with a counting allocator (per thread, so that the
//! tests running beside each other do not disturb the numbers).

mod legacy;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

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
    std::iter::once(head).chain(std::iter::repeat_n(ext, count)).chain(std::iter::once(rest))
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
            decrypt_stream(std::iter::once(v3_with_iterations(n)), "password", Limits::default());
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
    let (r, _) =
        decrypt_stream(std::iter::once(v3_with_iterations(1000)), "password", Limits { max_iterations: 999 });
    assert!(matches!(r, Err(Error::ExcessiveWork { required: 1000, limit: 999 })), "{r:?}");
    // ...and a raised one lets the KDF run (here: only to find the count was tampered).
    let (r, _) =
        decrypt_stream(std::iter::once(v3_with_iterations(2)), "password", Limits { max_iterations: 2 });
    assert!(matches!(r, Err(Error::WrongPassword(_))), "{r:?}");
    // Zero iterations is not a limit question: the header is corrupt.
    let (r, _) = decrypt_stream(std::iter::once(v3_with_iterations(0)), "password", Limits::default());
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
        let junk = std::iter::repeat_n(vec![0x17u8; 1 << 16], 1 << 14); // 1 GiB, lazily
        decrypt_stream(junk, "password", Limits::default())
    });
    assert!(matches!(r.0, Err(Error::NotEncrypted)), "{:?}", r.0);
    assert!(heap < 256 << 10);
}
