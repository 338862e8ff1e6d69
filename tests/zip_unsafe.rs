//! Hostile archives (FORMATS.md §4.3): every unsafe-entry kind and zip bombs are
//! refused, the safe entries still extracted, nothing written outside the target,
//! and `extract` exits 6.
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

mod common;
mod zip_support;

use std::fs;
use std::path::Path;

use backupcrypt::zip::{self, Archive, ExtractOptions, Refusal, safe_path::Unsafe};
use zip_support::{RawEntry, backupcrypt, ok, raw_zip, run, tree};

fn extract_cli(zip_bytes: &[u8], root: &Path) -> (std::process::Output, std::path::PathBuf) {
    // The target sits in its own parent, so that escapes to `..` would show there.
    let enc = root.join("hostile.zip.aes");
    fs::write(&enc, zip_support::aescrypt(zip_bytes)).unwrap();
    let parent = root.join("parent");
    let target = parent.join("target");
    fs::create_dir_all(&target).unwrap();
    let out = run(backupcrypt().arg("extract").arg(&enc).arg("-C").arg(&target));
    (out, parent)
}

#[test]
fn every_unsafe_kind_is_refused_and_the_safe_entries_extracted() {
    let tmp = tempfile::tempdir().unwrap();
    let dup = RawEntry::stored(b"dup.txt", b"second copy");
    let entries = vec![
        RawEntry::stored(b"safe.txt", b"safe"),
        RawEntry::stored(b"../escape.txt", b"x"),
        RawEntry::stored(b"sub/../../escape2.txt", b"x"),
        RawEntry::stored(b"..\\..\\escape3.txt", b"x"),
        RawEntry::stored(b"/tmp/absolute-backupcrypt-test.txt", b"x"),
        RawEntry::stored(b"\\abs-backslash.txt", b"x"),
        RawEntry::stored(b"C:\\drive.txt", b"x"),
        RawEntry::stored(b"\\\\server\\share\\unc.txt", b"x"),
        RawEntry::stored(b"nul\0byte.txt", b"x"),
        RawEntry::stored(b"esc\x1b[31mred.txt", b"x"),
        // The two-step escape: a link to outside, then a file through it.
        RawEntry::symlink(b"out", b"../.."),
        RawEntry::stored(b"out/evil.txt", b"x"),
        RawEntry::stored(b"dup.txt", b"first copy"),
        dup,
        RawEntry::stored(b"dir/ok.txt", b"nested safe"),
    ];
    let bytes = raw_zip(&entries);
    let (out, parent) = extract_cli(&bytes, tmp.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    // Only the target exists in the parent; inside it only the safe entries, and
    // "out" as a plain directory (the link was never made).
    assert_eq!(
        tree(&parent),
        [
            "target",
            "target/dir",
            "target/dir/ok.txt",
            "target/dup.txt",
            "target/out",
            "target/out/evil.txt",
            "target/safe.txt"
        ]
    );
    assert!(!fs::symlink_metadata(parent.join("target/out")).unwrap().file_type().is_symlink());
    assert!(!Path::new("/tmp/absolute-backupcrypt-test.txt").exists());
    assert_eq!(fs::read(parent.join("target/safe.txt")).unwrap(), b"safe");
    for name in [
        "../escape.txt",
        "escape2",
        "escape3",
        "absolute-backupcrypt",
        "drive.txt",
        "unc.txt",
        "nul",
        "red.txt",
        "refused out:",
        "dup.txt",
    ] {
        assert!(stderr.contains(name), "{name} not reported: {stderr}");
    }
    // Control characters are never echoed raw to the terminal.
    assert!(!stderr.contains('\x1b'));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &str| fs::metadata(parent.join(p)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("target/safe.txt"), 0o600);
        assert_eq!(mode("target/dir"), 0o700);
    }

    // The library names each reason.
    let mut a = Archive::new(std::io::Cursor::new(bytes)).unwrap();
    let dir = tmp.path().join("lib");
    let report = zip::extract(&mut a, &dir, &ExtractOptions::default()).unwrap();
    let reason =
        |n: &[u8]| report.refused.iter().find(|(name, _)| name.as_bytes() == n).map(|(_, r)| r.clone());
    assert_eq!(reason(b"../escape.txt"), Some(Refusal::UnsafeName(Unsafe::Traversal)));
    assert_eq!(reason(b"..\\..\\escape3.txt"), Some(Refusal::UnsafeName(Unsafe::Traversal)));
    assert_eq!(reason(b"/tmp/absolute-backupcrypt-test.txt"), Some(Refusal::UnsafeName(Unsafe::Absolute)));
    assert_eq!(reason(b"C:\\drive.txt"), Some(Refusal::UnsafeName(Unsafe::DriveLetter)));
    assert_eq!(reason(b"\\\\server\\share\\unc.txt"), Some(Refusal::UnsafeName(Unsafe::Absolute)));
    assert_eq!(reason(b"nul\0byte.txt"), Some(Refusal::UnsafeName(Unsafe::ControlCharacter)));
    assert_eq!(reason(b"out"), Some(Refusal::Symlink));
    assert_eq!(reason(b"dup.txt"), Some(Refusal::Duplicate));
    // The first of two duplicates is extracted, the second refused (never overwrites).
    assert_eq!(fs::read(dir.join("dup.txt")).unwrap(), b"first copy");
    assert_eq!(report.refused.len(), 11, "{:?}", report.refused);
}

// Creating a symlink needs privileges on Windows.
#[cfg(unix)]
#[test]
fn a_planted_symlink_in_the_target_is_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).unwrap();
    let target = tmp.path().join("target");
    fs::create_dir(&target).unwrap();
    std::os::unix::fs::symlink(&outside, target.join("link")).unwrap();
    let mut a =
        Archive::new(std::io::Cursor::new(raw_zip(&[RawEntry::stored(b"link/x.txt", b"x")]))).unwrap();
    let report = zip::extract(&mut a, &target, &ExtractOptions::default()).unwrap();
    assert!(matches!(report.refused[0].1, Refusal::Conflict(_)));
    assert!(tree(&outside).is_empty());
}

#[test]
fn deflate_bomb_overlapping_entries_and_lying_sizes_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    // ~1000:1: 50 MiB of zeros deflates to about 50 KB.
    let zeros = vec![0u8; 50 << 20];
    let bomb = RawEntry::deflated(b"bomb.bin", &zeros);
    let ratio = (50u64 << 20) / bomb.data.len() as u64;
    assert!(ratio > 900, "ratio {ratio}");
    // A lying size: the same stream declared as 1024 bytes.
    let mut liar = RawEntry::deflated(b"liar.bin", &zeros);
    liar.size = Some(1024);
    liar.crc = Some(crc32fast::hash(&zeros[..1024]));
    // Overlapping: a second central record pointing at the first entry's bytes.
    let mut shared = RawEntry::stored(b"shared.txt", b"");
    shared.share_with = Some(0);
    let bytes = raw_zip(&[
        RawEntry::stored(b"first.txt", b"first data"),
        shared,
        bomb,
        liar,
        RawEntry::stored(b"ok.txt", b"ok"),
    ]);

    let mut a = Archive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let dir = tmp.path().join("lib");
    let report = zip::extract(&mut a, &dir, &ExtractOptions::default()).unwrap();
    let reason = |n: &str| report.refused.iter().find(|(name, _)| name == n).map(|(_, r)| r.clone());
    assert!(matches!(reason("bomb.bin"), Some(Refusal::Ratio(r)) if r > 900));
    assert_eq!(reason("shared.txt"), Some(Refusal::Overlapping));
    assert_eq!(reason("first.txt"), Some(Refusal::Overlapping));
    // Inflation stopped at the declared 1024 bytes: refused as damaged, nothing left.
    let liar_failure = &report.failed.iter().find(|(n, _)| n == "liar.bin").unwrap().1;
    assert!(liar_failure.contains("larger than its declared size"), "{liar_failure}");
    assert_eq!(tree(&dir), ["ok.txt"]);

    // The total cap: with 1 byte allowed nothing fits.
    let mut a = Archive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let capped = ExtractOptions { max_total: 1, ..Default::default() };
    let report = zip::extract(&mut a, &tmp.path().join("capped"), &capped).unwrap();
    assert!(report.refused.iter().any(|(n, r)| n == "ok.txt" && *r == Refusal::TotalTooLarge));

    // Through the CLI, encrypted: exit 4 (the lying entry is damaged) and nothing escapes.
    let (out, parent) = extract_cli(&bytes, tmp.path());
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(tree(&parent), ["target", "target/ok.txt"]);
    // Without the liar, refusals alone give exit 6.
    let bomb_only = raw_zip(&[RawEntry::deflated(b"bomb.bin", &zeros), RawEntry::stored(b"ok.txt", b"ok")]);
    let tmp2 = tempfile::tempdir().unwrap();
    let (out, parent) = extract_cli(&bomb_only, tmp2.path());
    assert_eq!(out.status.code(), Some(6), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(tree(&parent), ["target", "target/ok.txt"]);
    // A user who trusts the archive can raise the limit.
    let target = parent.join("target");
    let enc = tmp2.path().join("hostile.zip.aes");
    ok(backupcrypt()
        .args(["extract", "-q", "--max-ratio", "5000", "-C"])
        .arg(&target)
        .arg(&enc)
        .arg("bomb.bin"));
    assert_eq!(fs::metadata(target.join("bomb.bin")).unwrap().len(), 50 << 20);
    // And a total cap refuses it again.
    let out = run(backupcrypt()
        .args(["extract", "-q", "--max-ratio", "5000", "--max-total", "1M", "-C"])
        .arg(tmp2.path().join("t2"))
        .arg(&enc));
    assert_eq!(out.status.code(), Some(6));
}

#[test]
fn a_damaged_entry_leaves_nothing_at_its_destination() {
    let mut bad = RawEntry::stored(b"bad.txt", b"some content");
    bad.crc = Some(0xdead_beef);
    let tmp = tempfile::tempdir().unwrap();
    let mut a =
        Archive::new(std::io::Cursor::new(raw_zip(&[bad, RawEntry::stored(b"good.txt", b"g")]))).unwrap();
    let report = zip::extract(&mut a, tmp.path(), &ExtractOptions::default()).unwrap();
    assert!(report.failed[0].1.contains("CRC-32"), "{:?}", report.failed);
    assert_eq!(tree(tmp.path()), ["good.txt"]);
}

#[test]
fn ls_extract_and_the_library_give_one_verdict_per_entry() {
    // Names differing only in letter case are one file on macOS and Windows:
    // the second is a duplicate everywhere. And one ratio rule: 100.5:1 is
    // above 100:1 (integer division said 100, which is not above).
    let noise = common::Rng::new(0x2545_f491_4f6c_dd1d).bytes(20_000);
    let mut edge = RawEntry::deflated(b"edge.bin", &noise);
    let cs = edge.data.len() as u64;
    edge.size = Some(cs * 100 + cs / 2);
    let bytes = raw_zip(&[
        RawEntry::stored(b"Report.pdf", b"first"),
        RawEntry::stored(b"docs/report.PDF", b"x"),
        RawEntry::stored(b"DOCS/Report.pdf", b"second"),
        edge,
        RawEntry::stored(b"ok.txt", b"ok"),
    ]);
    let limits = zip::Limits::default();
    assert_eq!(limits.ratio_exceeded(cs * 100 + cs / 2, cs), Some(101));
    assert_eq!(limits.ratio_exceeded(cs * 100, cs), None);

    let a = Archive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let verdicts = a.verdicts(&limits);
    let refusals: Vec<Option<Refusal>> = verdicts.iter().map(|v| v.refusal().cloned()).collect();
    assert_eq!(
        refusals,
        [None, None, Some(Refusal::Duplicate), Some(Refusal::Ratio(101)), None],
        "{verdicts:?}"
    );

    // `ls --json` says the same, entry by entry.
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain.zip");
    fs::write(&plain, &bytes).unwrap();
    let ls = ok(backupcrypt().args(["ls", "--json", "-q"]).arg(&plain));
    let listing = String::from_utf8(ls.stdout).unwrap();
    let unsafe_fields: Vec<&str> =
        listing.match_indices("\"unsafe\":").map(|(i, _)| &listing[i + 9..]).collect();
    assert_eq!(unsafe_fields.len(), 5, "{listing}");
    for (field, refusal) in unsafe_fields.iter().zip(&refusals) {
        match refusal {
            None => assert!(field.starts_with("null"), "{listing}"),
            Some(r) => assert!(field.starts_with(&format!("\"{r}\"")), "{r}: {listing}"),
        }
    }
    // `ls --verify` checks the others and skips what extraction refuses for its ratio.
    ok(backupcrypt().args(["ls", "-q", "--verify"]).arg(&plain));

    // `extract` refuses the same two entries (exit 6) and writes the rest.
    let (out, parent) = extract_cli(&bytes, tmp.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("refused DOCS/Report.pdf: duplicate name"), "{stderr}");
    assert!(stderr.contains("refused edge.bin: expands 101:1"), "{stderr}");
    assert_eq!(
        tree(&parent),
        ["target", "target/Report.pdf", "target/docs", "target/docs/report.PDF", "target/ok.txt"]
    );
}
