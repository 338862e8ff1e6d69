//! ZIP64: a synthetic archive over 4 GiB, built on the fly into a sparse in-memory
//! file (zero runs are holes), written by our streaming writer and read back by
//! us, Info-ZIP and Python; and archives of more than 65,535 entries from our
//! writer and from Python's zipfile.
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

mod zip_support;

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::process::Command;

use backupcrypt::zip::{Archive, Compression, DosDateTime, Limits, ZipWriter};
use zip_support::{ok, python};

const HUGE: u64 = (4 << 30) + (512 << 20) + 7;

/// A file whose zero runs take no memory: written sequentially, read anywhere.
#[derive(Default)]
struct Sparse {
    /// Non-zero chunks by offset, in order.
    chunks: Vec<(u64, Vec<u8>)>,
    len: u64,
    pos: u64,
}

impl Write for Sparse {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.iter().any(|&b| b != 0) {
            match self.chunks.last_mut() {
                Some((at, data)) if *at + data.len() as u64 == self.len => data.extend_from_slice(buf),
                _ => self.chunks.push((self.len, buf.to_vec())),
            }
        }
        self.len += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Read for Sparse {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = (buf.len() as u64).min(self.len.saturating_sub(self.pos)) as usize;
        let buf = &mut buf[..n];
        buf.fill(0);
        let (from, to) = (self.pos, self.pos + n as u64);
        for (at, data) in &self.chunks {
            let end = at + data.len() as u64;
            if end <= from || *at >= to {
                continue;
            }
            let s = from.max(*at);
            let e = to.min(end);
            buf[(s - from) as usize..(e - from) as usize]
                .copy_from_slice(&data[(s - at) as usize..(e - at) as usize]);
        }
        self.pos = to;
        Ok(n)
    }
}

impl Seek for Sparse {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.pos = match pos {
            SeekFrom::Start(p) => p,
            SeekFrom::End(d) => self.len.checked_add_signed(d).unwrap(),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d).unwrap(),
        };
        Ok(self.pos)
    }
}

#[test]
fn a_synthetic_archive_over_4_gib_round_trips() {
    let t = DosDateTime::from_unix(1_700_000_000);
    let mut zip = ZipWriter::new(Sparse::default());
    zip.add_file("before.txt", t, Compression::Stored, 6, &b"before"[..]).unwrap();
    zip.add_file("huge.bin", t, Compression::Stored, HUGE, io::repeat(0).take(HUGE)).unwrap();
    zip.add_file("after.txt", t, Compression::Deflate, 5, &b"after"[..]).unwrap();
    zip.add_directory("dir", t).unwrap();
    let mut sparse = zip.finish().unwrap();
    assert!(sparse.len > HUGE);
    // The writer's ZIP64 records are there: end record, locator, 24-byte descriptor.
    let mut tail = vec![0u8; 200];
    sparse.seek(SeekFrom::End(-200)).unwrap();
    sparse.read_exact(&mut tail).unwrap();
    assert!(tail.windows(4).any(|w| w == b"PK\x06\x06"));
    assert!(tail.windows(4).any(|w| w == b"PK\x06\x07"));

    sparse.pos = 0;
    let mut a = Archive::new(sparse).unwrap();
    let names: Vec<&str> = a.entries().iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["before.txt", "huge.bin", "after.txt", "dir/"]);
    assert_eq!(a.entries()[1].size, HUGE);
    assert_eq!(a.entries()[1].compressed_size, HUGE);
    assert!(a.entries()[2].header_offset > 1 << 32, "after.txt lies beyond 4 GiB");
    let mut got = Vec::new();
    a.copy_entry(2, &mut got, &Limits::default()).unwrap();
    assert_eq!(got, b"after");
    // The whole huge entry, CRC-32 and size checked.
    let mut sink = io::sink();
    assert_eq!(a.copy_entry(1, &mut sink, &Limits::default()).unwrap(), HUGE);

    // Info-ZIP and Python read the same structure from a real sparse file.
    let sparse = a.into_inner();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("huge.zip");
    let mut f = File::create(&path).unwrap();
    for (at, data) in &sparse.chunks {
        f.seek(SeekFrom::Start(*at)).unwrap();
        f.write_all(data).unwrap();
    }
    f.set_len(sparse.len).unwrap();
    drop(f);
    let l = ok(Command::new("unzip").arg("-l").arg(&path));
    let listing = String::from_utf8_lossy(&l.stdout);
    assert!(listing.contains(&HUGE.to_string()), "{listing}");
    let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\n\
        assert [i.file_size for i in z.infolist()] == [6, int(sys.argv[2]), 5, 0]\n\
        assert z.read('after.txt') == b'after'";
    ok(Command::new(python()).args(["-c", script]).arg(&path).arg(HUGE.to_string()));
}

#[test]
fn more_than_65535_entries_from_us_and_from_python() {
    const N: usize = 70_000;
    let t = DosDateTime::from_unix(1_700_000_000);
    let mut zip = ZipWriter::new(Vec::new());
    for i in 0..N {
        let d = format!("{i}");
        zip.add_file(&format!("f/{i}"), t, Compression::Stored, d.len() as u64, d.as_bytes()).unwrap();
    }
    let bytes = zip.finish().unwrap();
    let mut a = Archive::new(io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(a.entries().len(), N);
    let mut got = Vec::new();
    a.copy_entry(N - 1, &mut got, &Limits::default()).unwrap();
    assert_eq!(got, format!("{}", N - 1).as_bytes());

    let tmp = tempfile::tempdir().unwrap();
    let ours = tmp.path().join("ours.zip");
    std::fs::write(&ours, &bytes).unwrap();
    let py = tmp.path().join("python.zip");
    let script = "import sys, zipfile\n\
        z = zipfile.ZipFile(sys.argv[1])\nassert len(z.infolist()) == 70000 and z.testzip() is None\n\
        with zipfile.ZipFile(sys.argv[2], 'w') as w:\n    for i in range(70000): w.writestr('p/%d' % i, str(i))";
    ok(Command::new(python()).args(["-c", script]).arg(&ours).arg(&py));
    let a = Archive::new(File::open(&py).unwrap()).unwrap();
    assert_eq!(a.entries().len(), N);
    assert_eq!(a.entries()[N - 1].name, "p/69999");
}
