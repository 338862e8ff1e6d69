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

#[test]
fn password_on_the_command_line_works_with_a_warning() {
    let d = tempdir();
    encrypt_aes(d.path(), "x.aes", b"secret data");
    for flag in ["--password", "-p"] {
        let r = run(bc(d.path()).args(["decrypt", "-q", "x.aes", "-o", "-", flag, PASSWORD])).expect(0);
        assert_eq!(r.stdout, b"secret data");
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

#[test]
fn pyaescrypt_style_o_and_p() {
    // pyAesCrypt's own CLI: `pyAesCrypt -d file.aes -o out -p password`.
    let d = tempdir();
    encrypt_aes(d.path(), "x.aes", b"pyaescrypt style");
    let r = run(bc(d.path()).args(["decrypt", "-q", "x.aes", "-o", "out", "-p", PASSWORD])).expect(0);
    assert!(r.stderr.contains("visible to other processes"));
    assert_eq!(read(&d.path().join("out")), b"pyaescrypt style");
}
