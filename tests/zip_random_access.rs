//! The headline: listing a 2 GiB+ encrypted backup of 1,000+ entries reads less
//! than 1 MiB of it, and extracting one entry from the middle reads little more
//! than that entry. The backup is generated into a temporary file (streamed
//! through the ZIP writer and the AES Crypt encryptor, no fixture).

mod zip_support;

use std::fs::File;
use std::io::{self, BufWriter, Read};

use backupcrypt::io::{EncryptTo, EncryptingWriter, SeekableDecryptor};
use backupcrypt::zip::{Archive, Compression, DosDateTime, Limits, ZipWriter};
use backupcrypt::{DecryptOptions, Integrity, Password, aescrypt};
use zip_support::{Counting, PASSWORD, backupcrypt, ok};

const BIG: u64 = (2 << 30) + 12_345;
const MIDDLE: usize = 1 << 20;

/// A cheap reader of `len` bytes of a non-constant pattern.
struct Pattern {
    left: u64,
    block: Vec<u8>,
}

impl Read for Pattern {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.block.len()).min(self.left as usize);
        buf[..n].copy_from_slice(&self.block[..n]);
        self.left -= n as u64;
        Ok(n)
    }
}

fn small(i: usize) -> Vec<u8> {
    format!("entry {i}\n").repeat(i % 50 + 1).into_bytes()
}

fn middle() -> Vec<u8> {
    (0..MIDDLE).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn listing_and_one_entry_read_only_what_they_need() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("backup.zip.aes");
    let t = DosDateTime::from_unix(1_660_000_000);
    {
        let file = BufWriter::with_capacity(1 << 20, File::create(&path).unwrap());
        let enc = EncryptingWriter::new(
            file,
            &Password::from(PASSWORD),
            EncryptTo::AesCrypt(aescrypt::Version::V2),
        )
        .unwrap();
        let mut zip = ZipWriter::new(enc);
        for i in 0..500 {
            let d = small(i);
            zip.add_file(&format!("before/{i:04}.txt"), t, Compression::Stored, d.len() as u64, &d[..])
                .unwrap();
        }
        let block: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 253) as u8).collect();
        zip.add_file("huge.bin", t, Compression::Stored, BIG, Pattern { left: BIG, block }).unwrap();
        let m = middle();
        zip.add_file("middle.bin", t, Compression::Stored, m.len() as u64, &m[..]).unwrap();
        for i in 0..500 {
            let d = small(i);
            zip.add_file(&format!("after/{i:04}.txt"), t, Compression::Deflate, d.len() as u64, &d[..])
                .unwrap();
        }
        zip.finish().unwrap().finish().unwrap();
    }
    let file_len = std::fs::metadata(&path).unwrap().len();
    assert!(file_len > BIG);

    // ls: the head, the tail and the central directory; nothing else.
    let (counting, read) = Counting::new(File::open(&path).unwrap());
    let reader =
        SeekableDecryptor::new(counting, &Password::from(PASSWORD), &DecryptOptions::default()).unwrap();
    let mut archive = Archive::new(reader).unwrap();
    let listed = read.get();
    eprintln!("ls of a {file_len}-byte backup with {} entries read {listed} bytes", archive.entries().len());
    assert_eq!(archive.entries().len(), 1002);
    assert!(listed < 1 << 20, "ls read {listed} bytes");
    let huge = archive.entries().iter().find(|e| e.name == "huge.bin").unwrap();
    assert_eq!(huge.size, BIG);

    // One entry after the 2 GiB one: about its own size.
    let index = archive.entries().iter().position(|e| e.name == "middle.bin").unwrap();
    read.set(0);
    let mut got = Vec::new();
    archive.copy_entry(index, &mut got, &Limits::default()).unwrap();
    let extracted = read.get();
    eprintln!("extracting a {MIDDLE}-byte entry read {extracted} bytes");
    assert!(got == middle());
    assert!(extracted < MIDDLE as u64 + 160 * 1024, "extract read {extracted} bytes");

    // A small deflated entry near the end, and one near the start.
    for name in ["after/0499.txt", "before/0007.txt"] {
        let i = archive.entries().iter().position(|e| e.name == name).unwrap();
        read.set(0);
        let mut got = Vec::new();
        archive.copy_entry(i, &mut got, &Limits::default()).unwrap();
        assert_eq!(got, small(name[name.len() - 8..name.len() - 4].parse().unwrap()));
        assert!(read.get() < 200 * 1024, "{name}: read {}", read.get());
    }

    // The full verification pass reads everything once and checks the HMAC.
    let mut reader = archive.into_inner();
    read.set(0);
    assert_eq!(reader.verify().unwrap(), Integrity::Authenticated);
    assert!(read.get() >= BIG);

    // The CLI does the same.
    let out = tmp.path().join("out");
    ok(backupcrypt()
        .args(["extract", "-q"])
        .arg(&path)
        .arg("-C")
        .arg(&out)
        .arg("middle.bin")
        .arg("after/04*"));
    assert!(std::fs::read(out.join("middle.bin")).unwrap() == middle());
    assert_eq!(std::fs::read_dir(out.join("after")).unwrap().count(), 100);
    assert!(!out.join("huge.bin").exists());
}

#[test]
fn openssl_cbc_and_ctr_files_are_readable_at_any_offset() {
    use std::io::{Seek, SeekFrom};
    let data: Vec<u8> = (0..300_017u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    for cipher in [backupcrypt::openssl::Cipher::Aes256Cbc, backupcrypt::openssl::Cipher::Aes128Ctr] {
        let params = backupcrypt::openssl::Params { cipher, ..Default::default() };
        let mut enc = Vec::new();
        backupcrypt::io::encrypt_stream(
            &data[..],
            &mut enc,
            &Password::from(PASSWORD),
            EncryptTo::OpenSsl(params),
        )
        .unwrap();
        let options = DecryptOptions { openssl: Some(params), ..Default::default() };
        let mut r = SeekableDecryptor::new(io::Cursor::new(enc), &Password::from(PASSWORD), &options)
            .unwrap()
            .with_window(4096);
        assert_eq!(r.len(), data.len() as u64);
        for &(at, n) in
            &[(0u64, 10usize), (15, 33), (4095, 2), (150_000, 70_000), (300_000, 17), (299_990, 100)]
        {
            r.seek(SeekFrom::Start(at)).unwrap();
            let mut buf = Vec::new();
            (&mut r).take(n as u64).read_to_end(&mut buf).unwrap();
            let end = (at as usize + n).min(data.len());
            assert_eq!(buf, &data[at as usize..end], "{cipher:?} at {at}");
        }
        let mut all = Vec::new();
        r.seek(SeekFrom::Start(0)).unwrap();
        r.read_to_end(&mut all).unwrap();
        assert!(all == data);
    }
}

#[test]
fn every_aescrypt_version_from_an_independent_writer_reads_at_any_offset() {
    use std::io::{Seek, SeekFrom};
    // tests/tools/aescrypt_ref.py writes v0-v3 from FORMATS.md alone, with AES
    // Crypt 3.x's random padding bytes and a long extension list (a header
    // longer than the first read, so the reader must ask for more).
    let tmp = tempfile::tempdir().unwrap();
    let mut specs = Vec::new();
    let mut cases = Vec::new();
    for version in 0..=3u8 {
        for len in [0usize, 1, 15, 16, 17, 100_003] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 + usize::from(version)) as u8).collect();
            let plain = tmp.path().join(format!("p{version}-{len}"));
            std::fs::write(&plain, &data).unwrap();
            let out = tmp.path().join(format!("c{version}-{len}.aes"));
            let padding = if version == 3 { "pyaescrypt" } else { "random" };
            let extensions = if version >= 2 { format!("[\"{}\"]", "41".repeat(9000)) } else { "[]".into() };
            if version == 3 && len == 0 {
                continue;
            }
            specs.push(format!(
                "{{\"out\": {:?}, \"version\": {version}, \"password\": \"{PASSWORD}\", \"plaintext\": {:?}, \
                 \"iv\": \"{}\", \"session_iv\": \"{}\", \"session_key\": \"{}\", \"iterations\": 1000, \
                 \"padding\": \"{padding}\", \"padding_seed\": 7, \"extensions\": {extensions}}}",
                out.display().to_string(),
                plain.display().to_string(),
                "0a".repeat(16),
                "0b".repeat(16),
                "0c".repeat(32)
            ));
            cases.push((out, data));
        }
    }
    let spec = tmp.path().join("spec.json");
    std::fs::write(&spec, format!("[{}]", specs.join(","))).unwrap();
    ok(std::process::Command::new(zip_support::python())
        .arg(zip_support::tools().join("aescrypt_ref.py"))
        .arg(&spec));
    for (path, data) in cases {
        let file = File::open(&path).unwrap();
        let mut r = SeekableDecryptor::new(file, &Password::from(PASSWORD), &DecryptOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .with_window(1024);
        assert_eq!(r.len(), data.len() as u64, "{}", path.display());
        for at in [0u64, 1, 15, 16, 17, 50_000, 100_000].into_iter().filter(|&a| a <= data.len() as u64) {
            r.seek(SeekFrom::Start(at)).unwrap();
            let mut got = Vec::new();
            (&mut r).take(3000).read_to_end(&mut got).unwrap();
            let end = (at as usize + 3000).min(data.len());
            assert!(got == data[at as usize..end], "{} at {at}", path.display());
        }
        assert_eq!(r.verify().unwrap(), Integrity::Authenticated, "{}", path.display());
        // The wrong password is refused at open, except by v0 (no header HMAC).
        let wrong = SeekableDecryptor::new(
            File::open(&path).unwrap(),
            &Password::from("nope"),
            &DecryptOptions::default(),
        );
        let v0 = path.file_name().unwrap().to_string_lossy().starts_with("c0");
        assert_eq!(wrong.is_err(), !v0, "{}", path.display());
    }
}
