//! Standard input/output streaming, and a SIGKILL in the middle of a large
//! decryption leaving nothing at the destination.

mod cli_support;
use cli_support::*;

use std::process::Stdio;
use std::time::{Duration, Instant};

#[test]
fn encrypt_and_decrypt_through_pipes() {
    let d = tempdir();
    let plain = data(3 * 1024 * 1024 + 5);
    for format in ["aescrypt", "aescrypt3", "openssl"] {
        let enc = run_stdin(bc_pw(d.path()).args(["encrypt", "-q", "--format", format]), &plain).expect(0);
        assert!(enc.stdout.len() > plain.len(), "{format}");
        // Omitted and `-` both mean stdin/stdout.
        let dec = run_stdin(bc_pw(d.path()).args(["decrypt", "-q"]), &enc.stdout).expect(0);
        assert!(dec.stdout == plain, "{format}: round trip");
        let dec = run_stdin(bc_pw(d.path()).args(["decrypt", "-q", "-", "-o", "-"]), &enc.stdout).expect(0);
        assert!(dec.stdout == plain, "{format}: round trip with -");
    }
    assert_eq!(listing(d.path()), Vec::<String>::new(), "nothing written to disk");
}

#[test]
fn stdin_to_a_file_and_a_file_to_stdout() {
    let d = tempdir();
    let plain = pg_dump(true);
    let enc = run_stdin(
        bc_pw(d.path()).args(["encrypt", "-q", "--format", "openssl", "-o", "db.sql.encrypted"]),
        &plain,
    )
    .expect(0);
    assert!(enc.stdout.is_empty());
    let r = run(bc_pw(d.path()).args(["decrypt", "db.sql.encrypted", "-o", "-"])).expect(0);
    assert_eq!(r.stdout, plain);
    assert!(
        r.stderr.contains("preset `-aes-256-cbc -pbkdf2 -iter 10000 -md sha256` matched"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("content: PostgreSQL dump"), "{}", r.stderr);
    // And the default name: the input minus .encrypted.
    run(bc_pw(d.path()).args(["decrypt", "-q", "db.sql.encrypted"])).expect(0);
    assert_eq!(read(&d.path().join("db.sql")), plain);
}

#[test]
fn presets_are_detected_on_stdin_too() {
    let d = tempdir();
    let plain = pg_dump(true);
    for (flags, preset) in [
        (&["-aes-256-cbc", "-pbkdf2"][..], "-aes-256-cbc -pbkdf2 -iter 10000 -md sha256"),
        (&["-aes-256-cbc", "-md", "md5"][..], "-aes-256-cbc -md md5"),
        (&["-aes-256-cbc", "-md", "sha256"][..], "-aes-256-cbc -md sha256"),
        (&["-aes-256-cbc", "-md", "md5", "-a"][..], "-aes-256-cbc -md md5"),
    ] {
        let enc = encrypt_openssl(d.path(), "x.enc", &plain, flags, PASSWORD);
        let r = run_stdin(bc_pw(d.path()).arg("decrypt"), &read(&enc)).expect(0);
        assert!(r.stdout == plain, "{flags:?}");
        assert!(r.stderr.contains(&format!("preset `{preset}` matched")), "{flags:?}: {}", r.stderr);
        std::fs::remove_file(enc).unwrap();
    }
}

#[test]
fn a_wrong_password_on_stdout_writes_nothing() {
    let d = tempdir();
    let enc = encrypt_aes(d.path(), "x.aes", &data(200_000));
    let r = run_stdin(bc(d.path()).env("BACKUPCRYPT_PASSWORD", "bad").arg("decrypt"), &read(&enc)).expect(3);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
}

#[test]
fn damage_on_stdout_is_reported_by_the_exit_code() {
    let d = tempdir();
    let plain = data(3 * 1024 * 1024);
    let enc = encrypt_aes(d.path(), "x.aes", &plain);
    let mut bytes = read(&enc);
    let n = bytes.len();
    bytes[n - 40] ^= 0x80;
    let r = run_stdin(bc_pw(d.path()).arg("decrypt"), &bytes).expect(4);
    assert!(r.stderr.contains("discard what was written to standard output"), "{}", r.stderr);
}

#[test]
fn encrypt_writes_binary_to_a_pipe() {
    // Binary output is refused only on a terminal; a pipe is the normal case.
    let d = tempdir();
    run_stdin(bc_pw(d.path()).args(["encrypt", "-q"]), b"x").expect(0);
}

/// SIGKILL while a large file is being decrypted: the kernel drops the unnamed
/// temporary file, and nothing appears at the destination or beside it.
#[cfg(target_os = "linux")]
#[test]
fn sigkill_during_a_large_decrypt_leaves_nothing() {
    let d = tempdir();
    let size = 96 * 1024 * 1024;
    let plain = data(size);
    let enc = encrypt_openssl(d.path(), "big.enc", &plain, &["-aes-256-cbc", "-pbkdf2"], PASSWORD);
    drop(plain);
    let out_dir = d.path().join("restore");
    std::fs::create_dir(&out_dir).unwrap();
    let mut child = bc_pw(d.path())
        .args(["decrypt", "-q"])
        .arg(&enc)
        .arg("-o")
        .arg(out_dir.join("big"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the output file (open, unnamed, in restore/) has data in it.
    let deadline = Instant::now() + Duration::from_secs(60);
    let fd_dir = format!("/proc/{}/fd", child.id());
    let mut seen = 0u64;
    while seen == 0 {
        assert!(Instant::now() < deadline, "the decryption never started writing");
        assert!(child.try_wait().unwrap().is_none(), "finished before it could be killed: use a larger file");
        if let Ok(fds) = std::fs::read_dir(&fd_dir) {
            for fd in fds.flatten() {
                let target = std::fs::read_link(fd.path()).unwrap_or_default();
                if target.starts_with(&out_dir) {
                    seen = std::fs::metadata(fd.path()).map(|m| m.len()).unwrap_or(0);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(seen < size as u64, "killed mid-way ({seen} of {size} bytes written)");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(listing(&out_dir), Vec::<String>::new(), "left behind after SIGKILL");
    assert_eq!(listing(d.path()), ["big.enc", "restore"]);
}
