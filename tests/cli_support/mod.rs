//! Shared helpers of the CLI integration tests: run the built binary in a clean
//! environment, list folders, find the real tools.
// Helpers outside #[test] functions: a panic here is the calling test failing.
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const PASSWORD: &str = "correct horse battery staple";

/// The binary, with no password in its environment, stdin from /dev/null (not a
/// terminal, so it never prompts) and a fixed help width.
pub fn bc(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_backupcrypt"));
    c.current_dir(dir)
        .env_remove("BACKUPCRYPT_PASSWORD")
        .env("COLUMNS", "100")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// `bc` with the test password in BACKUPCRYPT_PASSWORD.
pub fn bc_pw(dir: &Path) -> Command {
    let mut c = bc(dir);
    c.env("BACKUPCRYPT_PASSWORD", PASSWORD);
    c
}

/// What a run gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Run {
    pub fn stdout_str(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    #[track_caller]
    pub fn expect(self, code: i32) -> Self {
        assert_eq!(self.code, code, "exit code; stderr: {}", self.stderr);
        self
    }
}

pub fn run(cmd: &mut Command) -> Run {
    let out: Output = cmd.output().expect("run backupcrypt");
    Run {
        code: out.status.code().expect("exited normally"),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs with `input` on stdin.
pub fn run_stdin(cmd: &mut Command, input: &[u8]) -> Run {
    cmd.stdin(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("writer");
    Run {
        code: out.status.code().expect("exited normally"),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every name in `dir` (hidden ones too), sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Deterministic test data of `len` bytes (not compressible to nothing).
pub fn data(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// A small plain-SQL pg_dump, as PostgreSQL 13 writes it.
pub fn pg_dump(complete: bool) -> Vec<u8> {
    let mut s = String::from(
        "--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 13.7\n\
         -- Dumped by pg_dump version 13.7\n\nSET statement_timeout = 0;\n\
         CREATE TABLE public.t (id integer);\nCOPY public.t (id) FROM stdin;\n",
    );
    for i in 0..500 {
        s += &format!("{i}\n");
    }
    s += "\\.\n\n";
    if complete {
        s += "\n--\n-- PostgreSQL database dump complete\n--\n\n";
    }
    s.into_bytes()
}

/// The real `openssl` with the test password; panics if it fails.
pub fn openssl(args: &[&str], password: &str) -> Output {
    let out = Command::new("openssl")
        .args(args)
        .arg("-pass")
        .arg("env:OPENSSL_TEST_PW")
        .env("OPENSSL_TEST_PW", password)
        .output()
        .expect("openssl must be installed (tests/setup/20-debian.sh)");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// The venv Python with pyAesCrypt 6.0.0 (tests/setup/30-python.sh).
pub fn python() -> PathBuf {
    let p = std::env::var_os("BACKUPCRYPT_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/venv/bin/python"));
    assert!(p.exists(), "no Python venv at {} (run tests/setup/30-python.sh)", p.display());
    p
}

/// Runs a Python snippet with pyAesCrypt 6.0.0; the password comes via the env.
pub fn pyaescrypt(script: &str, dir: &Path) -> Output {
    let out = Command::new(python())
        .arg("-c")
        .arg(format!("import pyAesCrypt, os, importlib.metadata\nassert importlib.metadata.version('pyAesCrypt') == '6.0.0'\n{script}"))
        .current_dir(dir)
        .env("PW", PASSWORD)
        .output()
        .expect("python");
    assert!(out.status.success(), "python: {}", String::from_utf8_lossy(&out.stderr));
    out
}

pub fn write(path: &Path, data: &[u8]) {
    std::fs::write(path, data).unwrap();
}

pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Encrypts `plain` with the binary (AES Crypt v2) into `dir/name`.
pub fn encrypt_aes(dir: &Path, name: &str, plain: &[u8]) -> PathBuf {
    let src = dir.join(format!(".{name}.plain"));
    write(&src, plain);
    run(bc_pw(dir).args(["encrypt", "-q", "-o", name]).arg(&src)).expect(0);
    std::fs::remove_file(&src).unwrap();
    dir.join(name)
}

/// Encrypts `plain` with the real openssl into `dir/name`.
///
/// Salted binary files get a fixed salt (`-S`, and the `Salted__` header OpenSSL 3
/// then leaves out, byte for byte what it writes for a random salt), so that every
/// run gives the same file: a wrong password passes OpenSSL's final padding about
/// once in 256, and with a random salt the wrong-password tests would fail that
/// often.
pub fn encrypt_openssl(dir: &Path, name: &str, plain: &[u8], flags: &[&str], password: &str) -> PathBuf {
    let fixed = !flags.iter().any(|f| matches!(*f, "-nosalt" | "-S" | "-a" | "-base64"));
    encrypt_openssl_salt(dir, name, plain, flags, password, fixed.then_some("a1b2c3d4e5f60718"))
}

/// `openssl enc` with `flags`, and with `salt` (16 hex digits) given as `-S` plus
/// the `Salted__` header OpenSSL 3 then leaves out, byte for byte what it writes
/// for a random salt.
pub fn encrypt_openssl_salt(
    dir: &Path,
    name: &str,
    plain: &[u8],
    flags: &[&str],
    password: &str,
    salt: Option<&str>,
) -> PathBuf {
    let src = dir.join(format!(".{name}.plain"));
    write(&src, plain);
    let out = dir.join(name);
    let mut args = vec!["enc", "-e"];
    args.extend_from_slice(flags);
    if let Some(salt) = salt {
        args.extend_from_slice(&["-S", salt]);
    }
    args.extend_from_slice(&["-in", src.to_str().unwrap(), "-out", out.to_str().unwrap()]);
    openssl(&args, password);
    if let Some(salt) = salt {
        let mut file = b"Salted__".to_vec();
        file.extend((0..8).map(|i| u8::from_str_radix(&salt[2 * i..2 * i + 2], 16).unwrap()));
        file.extend(read(&out));
        write(&out, &file);
    }
    std::fs::remove_file(&src).unwrap();
    out
}
