//! Standard input/output streaming, and a SIGKILL in the middle of a large
//! decryption leaving nothing at the destination.

mod cli_support;
use cli_support::*;

#[cfg(target_os = "linux")]
use std::process::Stdio;
#[cfg(target_os = "linux")]
use std::time::{Duration, Instant};

#[test]
fn encrypt_and_decrypt_through_pipes() {
    let d = tempdir();
    let plain = data(3 * 1024 * 1024 + 5);
    for format in ["aescrypt", "aescrypt3", "openssl"] {
        let enc = run_stdin(bc_pw(d.path()).args(["encrypt", "-q", "--format", format]), &plain).expect(0);
        assert!(enc.stdout.len() > plain.len(), "{format}");
        // Random data through a pipe: an OpenSSL guess sees only the start, which
        // shows nothing, so the options are given (without them: exit 3, below).
        let options: &[&str] = if format == "openssl" { &["--cipher", "aes-256-cbc"] } else { &[] };
        // Omitted and `-` both mean stdin/stdout.
        let dec = run_stdin(bc_pw(d.path()).args(["decrypt", "-q"]).args(options), &enc.stdout).expect(0);
        assert!(dec.stdout == plain, "{format}: round trip");
        if format == "openssl" {
            let r = run_stdin(bc_pw(d.path()).args(["decrypt", "-q"]), &enc.stdout).expect(3);
            assert!(r.stdout.is_empty() && r.stderr.contains("give the options"), "{}", r.stderr);
        }
        let dec =
            run_stdin(bc_pw(d.path()).args(["decrypt", "-q", "-", "-o", "-"]).args(options), &enc.stdout)
                .expect(0);
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
    assert!(r.stderr.contains("discard what was written to the output"), "{}", r.stderr);
}

#[test]
fn output_still_buffered_at_a_failure_is_dropped_not_flushed() {
    let d = tempdir();
    let enc = encrypt_aes(d.path(), "x.aes", &data(20_000));
    let mut bytes = read(&enc);
    let n = bytes.len();
    bytes[n - 1] ^= 1; // the HMAC
    let r = run_stdin(bc_pw(d.path()).arg("decrypt"), &bytes).expect(4);
    assert!(r.stdout.is_empty(), "{} unverified bytes went out", r.stdout.len());
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

/// Ctrl-C (SIGINT), SIGTERM or SIGHUP in the middle of a decryption, the way macOS and
/// Windows write (a hidden temporary file beside the destination, forced here with
/// BACKUPCRYPT_TEST_NAMED_TEMP): the handler removes that file, then exits 130.
#[cfg(target_os = "linux")]
#[test]
fn an_interrupt_removes_the_hidden_temporary_file() {
    use std::io::Write as _;
    let d = tempdir();
    let plain = data(8 * 1024 * 1024);
    let enc =
        run_stdin(bc_pw(d.path()).args(["encrypt", "-q", "--format", "aescrypt"]), &plain).expect(0).stdout;
    let out_dir = d.path().join("restore");
    std::fs::create_dir(&out_dir).unwrap();
    for signal in ["INT", "TERM", "HUP"] {
        let mut child = bc_pw(d.path())
            .env("BACKUPCRYPT_TEST_NAMED_TEMP", "1")
            .args(["decrypt", "-q", "-", "-o"])
            .arg(out_dir.join("files.zip"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Half the file, and the pipe kept open: the decryption waits for the rest.
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(&enc[..enc.len() / 2]).unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let names = listing(&out_dir);
            let written =
                names.first().map_or(0, |n| std::fs::metadata(out_dir.join(n)).map_or(0, |m| m.len()));
            if written > 0 {
                assert!(names[0].starts_with(".files.zip.") && names[0].ends_with(".tmp"), "{names:?}");
                break;
            }
            assert!(Instant::now() < deadline, "{signal}: nothing was written");
            std::thread::sleep(Duration::from_millis(5));
        }
        let pid = child.id().to_string();
        assert!(
            std::process::Command::new("kill")
                .args([&format!("-{signal}"), &pid])
                .status()
                .unwrap()
                .success()
        );
        let out = child.wait_with_output().unwrap();
        drop(stdin);
        assert_eq!(out.status.code(), Some(130), "{signal}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("interrupted: no unfinished output was left behind"), "{signal}: {stderr}");
        assert_eq!(listing(&out_dir), Vec::<String>::new(), "{signal}: left behind");
    }
}

/// With stderr on a terminal (a pty from util-linux `script`), a progress line
/// shows the key-derivation phase and the bytes; `--quiet` silences it.
#[cfg(target_os = "linux")]
#[test]
fn progress_on_a_terminal_only() {
    let d = tempdir();
    encrypt_aes(d.path(), "x.aes", &data(8 * 1024 * 1024));
    let bin = env!("CARGO_BIN_EXE_backupcrypt");
    let pty = |extra: &str| {
        let out = std::process::Command::new("script")
            .current_dir(d.path())
            .env("BACKUPCRYPT_PASSWORD", PASSWORD)
            .args(["-qec", &format!("{bin} decrypt x.aes -o - {extra} >/dev/null"), "/dev/null"])
            .output()
            .expect("script (util-linux) must be installed");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = pty("");
    assert!(shown.contains("deriving the key"), "{shown:?}");
    assert!(shown.contains("decrypting [") && shown.contains("MiB"), "{shown:?}");
    assert!(shown.contains("integrity: verified"), "{shown:?}");
    let quiet = pty("--quiet");
    assert!(!quiet.contains("decrypting") && !quiet.contains("deriving"), "{quiet:?}");
    // And without a terminal, stderr has the summary only.
    let r = run(bc_pw(d.path()).args(["decrypt", "x.aes", "-o", "-"])).expect(0);
    assert!(!r.stderr.contains("deriving") && !r.stderr.contains('\r'), "{}", r.stderr);
}

/// `-o /dev/null` and a named pipe are written in place (they cannot be replaced
/// atomically), and `--force` never replaces the device node or the FIFO itself.
#[cfg(target_os = "linux")]
#[test]
fn devices_and_fifos_are_written_in_place_never_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let d = tempdir();
    let plain = data(300_000);
    encrypt_aes(d.path(), "x.aes", &plain);
    // /dev/null: without --force (no harm in writing to it). --force is not tried
    // here: if it were broken it would break /dev/null for the whole machine.
    run(bc_pw(d.path()).args(["decrypt", "-q", "x.aes", "-o", "/dev/null"])).expect(0);
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    // A FIFO, with --force.
    let fifo = d.path().join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    run(bc_pw(d.path()).args(["decrypt", "-q", "--force", "x.aes", "-o", "pipe"])).expect(0);
    assert!(reader.join().unwrap() == plain);
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO was replaced");
    // The library refuses to rename over one, whatever the caller asks.
    let e = backupcrypt::io::AtomicFile::create(&fifo, backupcrypt::io::Overwrite::Replace).err().unwrap();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(listing(d.path()), ["pipe", "x.aes"]);
}
