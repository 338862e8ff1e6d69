//! A full disk is an I/O failure: exit 1, a message that says so, and nothing
//! partial left behind. Tested on a real full filesystem, a 1 MiB tmpfs mounted
//! for each test (the test machines and CI run as root; a failed mount fails the
//! test, it is not skipped).
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

mod cli_support;

use std::path::Path;
use std::process::{Command, Stdio};

use backupcrypt::zip::{Compression, DosDateTime, ZipWriter};
use cli_support::*;

/// A 1 MiB tmpfs, unmounted on drop (also when the test fails).
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount() -> Tmpfs {
        let dir = tempdir();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("run mount");
        assert!(status.success(), "mounting a 1 MiB tmpfs failed: these tests need root, as CI has");
        Tmpfs { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Takes every free byte with one file, `filler`.
    fn fill(&self) {
        use std::io::Write;
        let mut f = std::fs::File::create(self.path().join("filler")).unwrap();
        let block = vec![0u8; 64 << 10];
        let e = loop {
            if let Err(e) = f.write_all(&block) {
                break e;
            }
        };
        assert_eq!(e.raw_os_error(), Some(28), "expected ENOSPC, got {e}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

const BIG: usize = 2 << 20;

#[track_caller]
fn says_disk_full(r: &Run) {
    assert_eq!(r.code, 1, "exit code; stderr: {}", r.stderr);
    assert!(r.stderr.contains("No space left on device"), "message: {}", r.stderr);
}

#[test]
fn decrypt_onto_a_full_disk_is_1_and_leaves_no_file() {
    let work = tempdir();
    encrypt_aes(work.path(), "big.aes", &data(BIG));
    let full = Tmpfs::mount();
    let out = full.path().join("big");
    let r = run(bc_pw(work.path()).args(["decrypt", "-q", "big.aes", "-o"]).arg(&out));
    says_disk_full(&r);
    assert_eq!(listing(full.path()), Vec::<String>::new(), "nothing partial is left");
}

#[test]
fn extract_onto_a_full_disk_is_1_and_leaves_no_partial_entry() {
    let work = tempdir();
    let mut zip = ZipWriter::new(Vec::new());
    let t = DosDateTime::from_unix(1_660_000_000);
    zip.add_file("small.txt", t, Compression::Stored, 5, &b"hello"[..]).unwrap();
    zip.add_file("big.bin", t, Compression::Stored, BIG as u64, &data(BIG)[..]).unwrap();
    write(&work.path().join("b.zip"), &zip.finish().unwrap());
    encrypt_aes(work.path(), "b.zip.aes", &read(&work.path().join("b.zip")));
    let full = Tmpfs::mount();
    let r = run(bc_pw(work.path()).args(["extract", "-q", "b.zip.aes", "-C"]).arg(full.path()));
    says_disk_full(&r);
    assert!(r.stderr.contains("big.bin"), "names the entry: {}", r.stderr);
    // The small entry fitted and is whole; nothing is left of the big one.
    assert_eq!(listing(full.path()), ["small.txt"]);
    assert_eq!(read(&full.path().join("small.txt")), b"hello");
}

#[test]
fn verify_json_onto_a_full_disk_is_1_not_a_cut_report() {
    let work = tempdir();
    encrypt_aes(work.path(), "db.sql.aes", &pg_dump(true));
    let full = Tmpfs::mount();
    full.fill();
    let report = std::fs::File::create(full.path().join("report.json")).unwrap();
    let r = run(bc_pw(work.path()).args(["verify", "--json", "db.sql.aes"]).stdout(Stdio::from(report)));
    says_disk_full(&r);
    assert!(r.stderr.contains("standard output"), "says where: {}", r.stderr);
    assert_eq!(read(&full.path().join("report.json")), b"", "no partial JSON");
}
