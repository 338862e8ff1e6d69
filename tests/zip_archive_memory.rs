//! `archive` of 10,000 files / 2 GiB keeps peak memory flat: the child's peak RSS
//! (getrusage RUSAGE_CHILDREN, the kernel's VmHWM of waited-for children) is
//! measured for a small run and for the big one, and must stay the same and small.
//!
//! The 2 GiB are sparse files (their size is real, reading them returns zeros
//! without disk I/O) plus some random ones. The big archive streams to standard
//! output (counted, then dropped) so that the test does not write 2 GiB to disk;
//! the small one is written to a file and checked by `ls` and `extract`.
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]
// ru_maxrss is KiB on Linux (bytes on macOS; no getrusage on Windows).
#![cfg(target_os = "linux")]

mod zip_support;

use std::fs;
use std::path::Path;

use zip_support::{backupcrypt, ok};

const FILES: usize = 10_000;
const FILE_SIZE: u64 = 214_749; // 10,000 × 214,749 bytes > 2 GiB

/// Peak resident set size of all waited-for children so far, in bytes.
fn children_peak_rss() -> u64 {
    // SAFETY: rusage is plain integers, so all-zero is a valid value, and
    // getrusage only writes into the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = core::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage), 0);
        usage
    };
    usage.ru_maxrss as u64 * 1024
}

fn make_tree(root: &Path, files: usize, size: u64) -> u64 {
    let mut total = 0;
    for i in 0..files {
        let dir = root.join(format!("d{:03}", i / 100));
        if i % 100 == 0 {
            fs::create_dir_all(&dir).unwrap();
        }
        let path = dir.join(format!("f{i:05}.bin"));
        if i % 1000 == 7 {
            // Some real data, checked after the round trip.
            let data: Vec<u8> = (0..size).map(|j| ((j as usize * 131 + i) % 251) as u8).collect();
            fs::write(&path, data).unwrap();
        } else {
            fs::File::create(&path).unwrap().set_len(size).unwrap();
        }
        total += size;
    }
    total
}

#[test]
fn archive_memory_stays_flat_from_20_mb_to_2_gib() {
    let tmp = tempfile::tempdir().unwrap();
    let small = tmp.path().join("small");
    make_tree(&small, 100, FILE_SIZE);
    let small_out = tmp.path().join("small.aes");
    ok(backupcrypt().args(["archive", "-q"]).arg(&small).arg("-o").arg(&small_out));
    let peak_small = children_peak_rss();

    let ls = ok(backupcrypt().args(["ls", "-q", "--json"]).arg(&small_out));
    assert_eq!(String::from_utf8(ls.stdout).unwrap().matches("\"kind\":\"file\"").count(), 100);
    let x = tmp.path().join("x");
    ok(backupcrypt().args(["extract", "-q"]).arg(&small_out).arg("-C").arg(&x).arg("small/d000/f00007.bin"));
    assert!(
        fs::read(x.join("small/d000/f00007.bin")).unwrap()
            == fs::read(small.join("d000/f00007.bin")).unwrap()
    );

    let big = tmp.path().join("big");
    let total = make_tree(&big, FILES, FILE_SIZE);
    assert!(total > 2 << 30);
    let mut child = backupcrypt()
        .args(["archive", "-q", "-o", "-"])
        .arg(&big)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let written = std::io::copy(&mut child.stdout.take().unwrap(), &mut std::io::sink()).unwrap();
    assert!(child.wait().unwrap().success());
    // The maximum over both children: equal to the small run's if the big one used no more.
    let peak = children_peak_rss();
    eprintln!(
        "archive peak RSS: {} KiB for 100 files / 21 MB, {} KiB (max of both) for {FILES} files / {total} bytes",
        peak_small / 1024,
        peak / 1024
    );
    assert!(peak < 48 << 20, "peak RSS {peak} bytes");
    assert!(peak <= peak_small + (8 << 20), "memory grew from {peak_small} to {peak}");
    // Data, 10,100 local headers and descriptors, the central directory, AES Crypt framing.
    assert!(written > total + 1_000_000, "only {written} bytes written");
}
