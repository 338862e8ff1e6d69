//! Our streaming ZIP writer against the `zip` crate's `ZipWriter::new_stream`
//! (issue 13 item 9): `cargo bench --bench zip_writer`. Results: docs/BENCHMARKS.md.
//!
//! Three archives, stored entries, each written by both writers to a sink (the
//! time, best of three, A and B alternating in the same run; the peak RSS of the
//! child process that wrote it), then once more to a file that Python's zipfile
//! and Info-ZIP `unzip -t` read back and that is searched for ZIP64 records:
//!
//! * `1000 x 1 MiB`: 1 GiB, no ZIP64 needed;
//! * `70000 x 100 B`: more than 65,535 entries, only the end record needs ZIP64;
//! * `4.5 GiB + 1 entry`: one entry over 4 GiB (zeros from a repeating reader, the
//!   file sparse), then a small one whose offset needs ZIP64.
//!
//! Each writer is given the sizes, as `backupcrypt archive` knows them: ours as
//! `size_hint`, the crate's as `large_file(size >= 4 GiB)`.
// A benchmark: a failure is a panic with the reason.
#![allow(clippy::unwrap_used)]

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::process::Command;
use std::time::Instant;

use backupcrypt::zip::{Compression, DosDateTime, ZipWriter};
use zip_oracle::write::SimpleFileOptions;

const MIB: u64 = 1 << 20;

/// What one archive holds: `(entries, size of each)`, then an optional last entry.
#[derive(Clone, Copy)]
struct Case {
    name: &'static str,
    entries: u64,
    size: u64,
    last: Option<u64>,
}

const CASES: [Case; 3] = [
    Case { name: "1000 x 1 MiB", entries: 1000, size: MIB, last: None },
    Case { name: "70000 x 100 B", entries: 70_000, size: 100, last: None },
    Case { name: "4.5 GiB + 1 entry", entries: 1, size: 4608 * MIB, last: Some(100) },
];

/// `len` bytes: repeating pseudo-random noise, or zeros for the entry over 4 GiB
/// (so that its file can be sparse).
struct Data {
    left: u64,
    noise: &'static [u8],
    at: usize,
}

impl Read for Data {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = (buf.len() as u64).min(self.left) as usize;
        if self.noise.is_empty() {
            buf[..n].fill(0);
        } else {
            let mut done = 0;
            while done < n {
                let k = (n - done).min(self.noise.len() - self.at);
                buf[done..done + k].copy_from_slice(&self.noise[self.at..self.at + k]);
                done += k;
                self.at = (self.at + k) % self.noise.len();
            }
        }
        self.left -= n as u64;
        Ok(n)
    }
}

fn noise() -> &'static [u8] {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let v: Vec<u8> = (0..MIB + 7)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    Box::leak(v.into_boxed_slice())
}

fn data(len: u64, noise: &'static [u8]) -> Data {
    Data { left: len, noise: if len > 4096 * MIB { &[] } else { noise }, at: 0 }
}

/// Writes zeros as holes (a sparse file), everything else as it comes.
struct Sparse(std::fs::File, u64);

impl Write for Sparse {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() >= 4096 && buf.iter().all(|&b| b == 0) {
            self.0.seek(SeekFrom::Current(buf.len() as i64))?;
        } else {
            self.0.write_all(buf)?;
        }
        self.1 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.set_len(self.1)
    }
}

fn entries(case: Case) -> impl Iterator<Item = (String, u64)> {
    (0..case.entries)
        .map(move |i| (format!("dir{}/file-{i:06}.bin", i % 10), case.size))
        .chain(case.last.map(|s| ("last.txt".to_string(), s)))
}

fn ours<W: Write>(case: Case, out: W, noise: &'static [u8]) -> W {
    let mut z = ZipWriter::new(out);
    let t = DosDateTime::from_unix(1_700_000_000);
    for (name, size) in entries(case) {
        z.add_file(&name, t, Compression::Stored, size, data(size, noise)).unwrap();
    }
    z.finish().unwrap()
}

fn crate_<W: Write>(case: Case, out: W, noise: &'static [u8]) -> W {
    let mut z = zip_oracle::ZipWriter::new_stream(out);
    let mut buf = vec![0u8; MIB as usize];
    for (name, size) in entries(case) {
        let options = SimpleFileOptions::default()
            .compression_method(zip_oracle::CompressionMethod::Stored)
            .large_file(size >= 0xFFFF_FFFF);
        z.start_file(name, options).unwrap();
        let mut d = data(size, noise);
        loop {
            let n = d.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            z.write_all(&buf[..n]).unwrap();
        }
    }
    z.finish().unwrap().into_inner()
}

/// The child: writes one archive (to `out`, or a sink when `-`), prints seconds.
fn child(writer: &str, case: usize, out: &str) {
    let case = CASES[case];
    let noise = noise();
    let t = Instant::now();
    let written = if out == "-" {
        let sink = Counting(io::sink(), 0);
        match writer {
            "ours" => ours(case, sink, noise).1,
            _ => crate_(case, sink, noise).1,
        }
    } else {
        let file = Sparse(std::fs::File::create(out).unwrap(), 0);
        let mut f = match writer {
            "ours" => ours(case, file, noise),
            _ => crate_(case, file, noise),
        };
        f.flush().unwrap();
        f.1
    };
    println!("{} {written} {}", t.elapsed().as_secs_f64(), peak_kib());
}

/// This process's peak RSS in KiB (Linux's `VmHWM`; 0 where there is none).
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap_or("VmHWM: 0 kB");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
}

struct Counting<W>(W, u64);

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.0.write(buf)?;
        self.1 += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Runs a child; returns (seconds, bytes written, peak RSS in MiB).
fn run(writer: &str, case: usize, out: &str) -> (f64, u64, f64) {
    let exe = std::env::current_exe().unwrap();
    let c = Command::new(exe)
        .args(["--child", writer, &case.to_string(), out])
        .stdout(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert!(c.status.success(), "{writer} on case {case} failed");
    let text = String::from_utf8(c.stdout).unwrap();
    let mut it = text.split_whitespace();
    let secs: f64 = it.next().unwrap().parse().unwrap();
    let bytes: u64 = it.next().unwrap().parse().unwrap();
    let peak_kib: u64 = it.next().unwrap().parse().unwrap();
    (secs, bytes, peak_kib as f64 / 1024.0)
}

/// Python's zipfile (every CRC read back), Info-ZIP, and where ZIP64 appears.
fn check(path: &str) -> String {
    let py = Command::new("python3")
        .args([
            "-c",
            r#"
import sys, zipfile, struct
z = zipfile.ZipFile(sys.argv[1])
bad = z.testzip()
infos = z.infolist()
def z64(extra):
    i = 0
    while i + 4 <= len(extra):
        k, n = struct.unpack('<HH', extra[i:i+4])
        if k == 1: return True
        i += 4 + n
    return False
central = sum(z64(i.extra) for i in infos)
f = open(sys.argv[1], 'rb')
local = 0
for i in infos:
    f.seek(i.header_offset)
    h = f.read(30)
    n, e = struct.unpack('<HH', h[26:30])
    f.seek(n, 1)
    local += z64(f.read(e))
f.seek(0, 2); size = f.tell(); f.seek(max(0, size - 200)); tail = f.read()
eocd64 = b'PK\x06\x06' in tail
print(f"zipfile: {len(infos)} entries, {'CRC ok' if bad is None else 'bad ' + bad}; ZIP64: local {local}, central {central}, end record {'yes' if eocd64 else 'no'}")
"#,
            path,
        ])
        .output()
        .unwrap();
    let unzip = Command::new("unzip").args(["-tqq", path]).output().unwrap();
    format!(
        "{} {}; unzip -t: {}",
        String::from_utf8_lossy(&py.stdout).trim(),
        String::from_utf8_lossy(&py.stderr).trim(),
        if unzip.status.success() {
            "ok".into()
        } else {
            format!("FAILED {}", String::from_utf8_lossy(&unzip.stdout))
        }
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        return child(&args[i + 1], args[i + 2].parse().unwrap(), &args[i + 3]);
    }
    if !args.iter().any(|a| a == "--bench") {
        return; // Built by `clippy --all-targets`; run only by `cargo bench`.
    }
    let dir = tempfile::tempdir().unwrap();
    for (c, case) in CASES.iter().enumerate() {
        let mut best = [(f64::MAX, 0u64, 0f64); 2];
        for round in 0..3 {
            // Alternating which goes first.
            let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for w in order {
                let r = run(["ours", "crate"][w], c, "-");
                if r.0 < best[w].0 {
                    best[w].0 = r.0;
                }
                best[w].1 = r.1;
                best[w].2 = best[w].2.max(r.2);
            }
        }
        println!("{}:", case.name);
        for (w, name) in ["ours", "zip 9.8.2 new_stream"].iter().enumerate() {
            let (secs, bytes, rss) = best[w];
            println!(
                "  {name:<22} {:>7.0} MB/s (best of 3: {secs:.2} s), {bytes} bytes, peak RSS {rss:.1} MiB",
                bytes as f64 / secs / 1e6
            );
        }
        println!("  ratio ours / crate: {:.2}x the crate's speed", best[1].0 / best[0].0);
        for w in ["ours", "crate"] {
            let path = dir.path().join(format!("{w}-{c}.zip"));
            let path = path.to_str().unwrap();
            run(w, c, path);
            println!("  {w:<6} output: {}", check(path));
            std::fs::remove_file(path).unwrap();
        }
    }
}
