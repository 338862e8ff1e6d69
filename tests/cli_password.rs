//! Each password source, their order, and the compatibility flags of decrypt.py
//! (`--filein/--infile/-i`, `--fileout/--outfile`) and pyAesCrypt (`-o`, `-p`).
//! Passwords travel by file or environment, never argv, except in the one test of
//! `--password`'s warning.

mod cli_support;
use cli_support::*;

#[test]
fn password_file_drops_one_trailing_newline() {
    let d = tempdir();
    encrypt_aes(d.path(), "x.aes", b"secret data");
    write(&d.path().join("pw"), format!("{PASSWORD}\n").as_bytes());
    let r = run(bc(d.path()).args(["decrypt", "-q", "x.aes", "-o", "-", "--password-file", "pw"])).expect(0);
    assert_eq!(r.stdout, b"secret data");
    // Two newlines: only one is removed, so the password is wrong.
    write(&d.path().join("pw2"), format!("{PASSWORD}\n\n").as_bytes());
    run(bc(d.path()).args(["decrypt", "x.aes", "-o", "-", "--password-file", "pw2"])).expect(3);
    // A missing password file is an I/O error.
    run(bc(d.path()).args(["decrypt", "x.aes", "-o", "-", "--password-file", "nope"])).expect(1);
}

/// A key file as AES Crypt's key generator (`aescrypt_keygen`) writes it: a byte-order
/// mark `FF FE`, then the random password in UTF-16LE, no newline.
fn aes_crypt_key_file(password: &str) -> Vec<u8> {
    let mut file = vec![0xFF, 0xFE];
    file.extend(password.encode_utf16().flat_map(u16::to_le_bytes));
    file
}

#[test]
fn password_file_takes_aes_crypt_key_files() {
    let d = tempdir();
    encrypt_aes(d.path(), "x.aes", b"secret data");
    write(&d.path().join("key"), &aes_crypt_key_file(PASSWORD));
    let r = run(bc(d.path()).args(["decrypt", "-q", "x.aes", "-o", "-", "--password-file", "key"])).expect(0);
    assert_eq!(r.stdout, b"secret data");

    // Non-ASCII text: encrypted with the password as UTF-8 text, decrypted with the
    // same text as a UTF-16LE key file, and as UTF-16BE with its byte-order mark.
    let text = "Schlüssel-€-😀";
    write(&d.path().join("utf8"), text.as_bytes());
    write(&d.path().join("plain"), b"more secret data");
    run(bc(d.path()).args(["encrypt", "-q", "plain", "-o", "y.aes", "--password-file", "utf8"])).expect(0);
    write(&d.path().join("le"), &aes_crypt_key_file(text));
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    write(&d.path().join("be"), &be);
    for key in ["le", "be"] {
        let r =
            run(bc(d.path()).args(["decrypt", "-q", "y.aes", "-o", "-", "--password-file", key])).expect(0);
        assert_eq!(r.stdout, b"more secret data", "{key}");
    }

    // UTF-16 cut in the middle of a character is refused as a usage error, nothing written.
    write(&d.path().join("odd"), &[0xFF, 0xFE, b'p', 0, b'w']);
    let r = run(bc(d.path()).args(["decrypt", "x.aes", "-o", "out", "--password-file", "odd"])).expect(2);
    assert!(r.stderr.contains("middle of a character"));
    assert!(!d.path().join("out").exists());
}

#[test]
fn password_env_names_a_variable() {
    let d = tempdir();
    encrypt_aes(d.path(), "x.aes", b"secret data");
    let r = run(bc(d.path()).env("MY_BACKUP_KEY", PASSWORD).args([
        "decrypt",
        "-q",
        "x.aes",
        "-o",
        "-",
        "--password-env",
        "MY_BACKUP_KEY",
    ]))
    .expect(0);
    assert_eq!(r.stdout, b"secret data");
    let r =
        run(bc(d.path()).args(["decrypt", "x.aes", "-o", "-", "--password-env", "UNSET_VAR_XYZ"])).expect(2);
    assert!(r.stderr.contains("UNSET_VAR_XYZ") && r.stderr.contains("not set"), "{}", r.stderr);
}

#[test]
fn backupcrypt_password_is_the_default_and_options_win_over_it() {
    let d = tempdir();
    encrypt_aes(d.path(), "x.aes", b"secret data");
    let r = run(bc_pw(d.path()).args(["decrypt", "-q", "x.aes", "-o", "-"])).expect(0);
    assert_eq!(r.stdout, b"secret data");
    write(&d.path().join("bad"), b"wrong");
    run(bc_pw(d.path()).args(["decrypt", "x.aes", "-o", "-", "--password-file", "bad"])).expect(3);
}

#[test]
fn only_one_password_option_at_a_time() {
    let d = tempdir();
    write(&d.path().join("pw"), b"x");
    let r = run(bc(d.path()).args(["decrypt", "x.aes", "--password-file", "pw", "--password-env", "PW"]))
        .expect(2);
    assert!(r.stderr.contains("cannot be used with"), "{}", r.stderr);
}

/// The one test that puts a password on the command line: decrypt.py's
/// `--password` and pyAesCrypt's `-p` (with its `-o`) work, with a warning.
#[test]
fn password_on_the_command_line_works_with_a_warning() {
    let d = tempdir();
    encrypt_aes(d.path(), "x.aes", b"secret data");
    for (i, flag) in ["--password", "-p"].into_iter().enumerate() {
        // pyAesCrypt's own CLI: `pyAesCrypt -d file.aes -o out -p password`.
        let out = format!("out{i}");
        let r = run(bc(d.path()).args(["decrypt", "-q", "x.aes", "-o", &out, flag, PASSWORD])).expect(0);
        assert_eq!(read(&d.path().join(&out)), b"secret data");
        assert!(r.stderr.contains("visible to other processes"), "{}", r.stderr);
        assert!(!r.stderr.contains(PASSWORD), "the password must never be printed");
    }
}

#[test]
fn the_empty_password_is_allowed() {
    let d = tempdir();
    write(&d.path().join("empty"), b"");
    write(&d.path().join("p"), b"data under an empty password");
    run(bc(d.path()).args(["encrypt", "-q", "p", "--password-file", "empty"])).expect(0);
    let r = run(bc(d.path()).env("BACKUPCRYPT_PASSWORD", "").args(["decrypt", "-q", "p.aes", "-o", "-"]))
        .expect(0);
    assert_eq!(r.stdout, b"data under an empty password");
    // pyAesCrypt 6.0.0 agrees.
    let out = pyaescrypt(
        "import io\nfout = io.BytesIO()\n\
         pyAesCrypt.decryptStream(open('p.aes','rb'), fout, '', 64*1024, os.path.getsize('p.aes'))\n\
         print(fout.getvalue().decode())",
        d.path(),
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim_end(), "data under an empty password");
}

#[test]
fn decrypt_py_flags() {
    let d = tempdir();
    encrypt_aes(d.path(), "x.aes", b"compat");
    for (i, (inflag, outflag)) in
        [("--infile", "--outfile"), ("--filein", "--fileout"), ("-i", "-o"), ("--infile", "--output")]
            .into_iter()
            .enumerate()
    {
        let out = format!("out{i}");
        run(bc_pw(d.path()).args(["decrypt", "-q", inflag, "x.aes", outflag, &out])).expect(0);
        assert_eq!(read(&d.path().join(&out)), b"compat", "{inflag} {outflag}");
    }
    // Positional and --infile together is ambiguous.
    run(bc_pw(d.path()).args(["decrypt", "x.aes", "--infile", "x.aes"])).expect(2);
    // encrypt takes the same flags.
    run(bc_pw(d.path()).args(["encrypt", "-q", "--filein", "out0", "--fileout", "again.aes"])).expect(0);
    let r = run(bc_pw(d.path()).args(["decrypt", "-q", "-i", "again.aes", "-o", "-"])).expect(0);
    assert_eq!(r.stdout, b"compat");
}

/// With a terminal (a pty from util-linux `script`) and no other source, the
/// password is asked for without echo: twice when encrypting, once when decrypting.
#[cfg(target_os = "linux")]
#[test]
fn the_prompt_asks_twice_to_encrypt_and_once_to_decrypt() {
    let d = tempdir();
    write(&d.path().join("p"), b"typed");
    let bin = env!("CARGO_BIN_EXE_backupcrypt");
    let typed = |cmd: &str, lines: &[&str]| {
        use std::io::Write;
        let mut child = std::process::Command::new("script")
            .current_dir(d.path())
            .env_remove("BACKUPCRYPT_PASSWORD")
            .args(["-qec", cmd, "/dev/null"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("script (util-linux) must be installed");
        let mut stdin = child.stdin.take().unwrap();
        for line in lines {
            std::thread::sleep(core::time::Duration::from_millis(300));
            stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let out = typed(&format!("{bin} encrypt p; echo rc=$?"), &["s3cret", "s3cret"]);
    assert!(out.contains("Password: ") && out.contains("Password again: "), "{out:?}");
    assert!(!out.contains("s3cret"), "echoed: {out:?}");
    assert!(out.contains("rc=0"), "{out:?}");
    let r =
        run(bc(d.path()).env("BACKUPCRYPT_PASSWORD", "s3cret").args(["decrypt", "-q", "p.aes", "-o", "-"]))
            .expect(0);
    assert_eq!(r.stdout, b"typed");

    let out = typed(&format!("{bin} encrypt p -o q.aes; echo rc=$?"), &["one", "two"]);
    assert!(out.contains("the two passwords differ") && out.contains("rc=2"), "{out:?}");
    assert!(!d.path().join("q.aes").exists());

    let out = typed(&format!("{bin} decrypt -q p.aes -o -; echo rc=$?"), &["s3cret"]);
    assert!(out.contains("typed") && out.contains("rc=0") && !out.contains("again"), "{out:?}");
}
