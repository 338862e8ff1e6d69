//! The ZIP reader (central directory, local headers, stored and deflate data,
//! CRC and size checks) over arbitrary bytes, and the extraction path sanitizer
//! on every entry name: no panic, bounded work, claims checked against the file.
#![no_main]

use std::io::{Cursor, Write};

use backupcrypt::zip::safe_path::sanitize;
use backupcrypt::zip::{Archive, Limits};
use libfuzzer_sys::fuzz_target;

/// Counts what an entry would write, keeping none of it.
struct Sink(u64);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(mut archive) = Archive::new(Cursor::new(data)) else { return };
    let n = archive.entries().len();
    // Every central record is at least 46 bytes of the file.
    assert!(n * 46 <= data.len());
    assert!(archive.central_directory_start() <= data.len() as u64);
    let _ = archive.overlapping();
    // A low floor for the ratio check keeps each execution cheap (entries up to 4 KiB
    // may expand freely; above that, 100:1 at most).
    let limits = Limits { max_ratio: 100, ratio_floor: 4096 };
    for i in 0..n.min(32) {
        let entry = archive.entries()[i].clone();
        if let Ok(path) = sanitize(&entry.name) {
            assert!(path.components().all(|c| !c.is_empty() && c != "." && c != ".."));
        }
        let mut sink = Sink(0);
        if let Ok(written) = archive.copy_entry(i, &mut sink, &limits) {
            // Success means the declared size (and CRC) held.
            assert_eq!(written, entry.size);
            assert_eq!(sink.0, entry.size);
        }
    }
});
