//! Helpers shared by the integration tests: a seeded RNG for data and chunk sizes,
//! chunked drivers for the push-style API, and runners for the real tools
//! (`openssl`, the venv's Python with pyAesCrypt 6.0.0).
//!
//! Each test binary uses a different subset, hence the `dead_code` allowance.
// Helpers outside #[test] functions: a panic here is the calling test failing.
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use backupcrypt::{DecryptOptions, Decryptor, Error, Integrity, Password, aescrypt, openssl};

/// The plaintext sizes the issue asks for: around the block size, around the
/// pyAesCrypt buffer size (64 KiB), and about 1 MB.
pub const SIZES: [usize; 11] = [0, 1, 15, 16, 17, 4095, 4096, 65535, 65536, 65537, 1_000_003];

/// A password with characters from the BMP and beyond it (a surrogate pair in UTF-16).
pub const NON_ASCII: &str = "pässwörd-日本-🔑";

/// SplitMix64: small, seeded, and good enough for test data and chunk sizes.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = vec![0; n];
        self.fill(&mut v);
        v
    }

    pub fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut a = [0; N];
        self.fill(&mut a);
        a
    }

    /// A chunk size from 1 byte to 2 MiB, log-uniform, so that tiny chunks (which
    /// split headers and blocks) are as common as huge ones.
    pub fn chunk_size(&mut self) -> usize {
        let bits = self.below(22);
        1 + self.below(1 << bits)
    }

    /// Cuts `data` into random chunks (some empty, which must be harmless).
    pub fn chunks<'a>(&mut self, data: &'a [u8]) -> Vec<&'a [u8]> {
        let mut out = Vec::new();
        let mut rest = data;
        while !rest.is_empty() {
            if self.below(16) == 0 {
                out.push(&rest[..0]);
            }
            let n = self.chunk_size().min(rest.len());
            out.push(&rest[..n]);
            rest = &rest[n..];
        }
        out
    }

    pub fn randomness(&mut self) -> aescrypt::Randomness {
        aescrypt::Randomness { iv: self.array(), session_iv: self.array(), session_key: self.array() }
    }
}

/// Test data of `len` bytes: random, but with the seed in it so sizes differ in content.
pub fn data(len: usize, seed: u64) -> Vec<u8> {
    Rng::new(seed ^ (len as u64).rotate_left(32)).bytes(len)
}

/// Decrypts `file` fed in the given chunks through the format-detecting decryptor.
pub fn decrypt_chunks(
    chunks: &[&[u8]],
    password: &Password,
    options: DecryptOptions,
) -> Result<(Vec<u8>, Integrity), Error> {
    let mut d = Decryptor::new(password.clone(), options);
    let mut out = Vec::new();
    for c in chunks {
        d.update(c, &mut out)?;
    }
    let integrity = d.finish(&mut out)?;
    Ok((out, integrity))
}

/// Decrypts `file` in random chunks drawn from `rng`.
pub fn decrypt_random(
    file: &[u8],
    password: &Password,
    options: DecryptOptions,
    rng: &mut Rng,
) -> Result<(Vec<u8>, Integrity), Error> {
    let chunks = rng.chunks(file);
    decrypt_chunks(&chunks, password, options)
}

/// Decrypts `file` in fixed-size chunks.
pub fn decrypt_fixed(
    file: &[u8],
    password: &Password,
    options: DecryptOptions,
    chunk: usize,
) -> Result<(Vec<u8>, Integrity), Error> {
    let chunks: Vec<&[u8]> = file.chunks(chunk.max(1)).collect();
    decrypt_chunks(&chunks, password, options)
}

/// Decryption options for OpenSSL files made with `params`.
pub fn openssl_options(params: openssl::Params) -> DecryptOptions {
    DecryptOptions { openssl: Some(params), ..Default::default() }
}

/// Encrypts with the AES Crypt encryptor, feeding random chunks.
pub fn aescrypt_encrypt(
    password: &Password,
    version: aescrypt::Version,
    random: &aescrypt::Randomness,
    plaintext: &[u8],
    rng: &mut Rng,
) -> Vec<u8> {
    let mut e = aescrypt::Encryptor::new(password, version, random).expect("encryptor");
    let mut out = Vec::new();
    for c in rng.chunks(plaintext) {
        e.update(c, &mut out);
    }
    e.finish(&mut out);
    out
}

/// Encrypts with the OpenSSL encryptor, feeding random chunks.
pub fn openssl_encrypt(
    password: &Password,
    params: openssl::Params,
    salt: [u8; 8],
    plaintext: &[u8],
    rng: &mut Rng,
) -> Vec<u8> {
    let mut e = openssl::Encryptor::new(password, params, salt).expect("encryptor");
    let mut out = Vec::new();
    for c in rng.chunks(plaintext) {
        e.update(c, &mut out);
    }
    e.finish(&mut out);
    out
}

/// The crate root (for the venv and the test tools).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The venv's Python with pyAesCrypt 6.0.0. Missing is a test failure, never a skip.
pub fn python() -> PathBuf {
    let path = std::env::var_os("BACKUPCRYPT_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/venv/bin/python"));
    assert!(
        path.exists(),
        "no Python venv at {}: run ./tests/all.sh (tests/setup/30-python.sh) or set BACKUPCRYPT_TEST_PYTHON",
        path.display()
    );
    path
}

/// Runs a command and panics with its stderr unless it succeeds.
pub fn check(mut cmd: Command) -> Output {
    let out = cmd.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `openssl enc ...` with the password in the environment (`-pass env:BC_PW`), never argv.
pub fn openssl_cmd(password: &[u8]) -> Command {
    let mut cmd = Command::new("openssl");
    cmd.arg("enc").arg("-pass").arg("env:BC_PW").env("BC_PW", env_value(password));
    cmd
}

/// `bytes` as an environment value: any bytes on Unix, UTF-8 elsewhere.
pub fn env_value(bytes: &[u8]) -> OsString {
    #[cfg(unix)]
    return <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(bytes).to_owned();
    #[cfg(not(unix))]
    return String::from_utf8(bytes.to_vec()).expect("a UTF-8 password off Unix").into();
}

/// The `openssl enc` flags for `params`, as separate arguments.
pub fn openssl_args(params: &openssl::Params) -> Vec<String> {
    params.openssl_flags().split(' ').map(str::to_owned).collect()
}

/// A fresh temporary directory, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("backupcrypt-test-").tempdir().expect("temp dir")
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write test file");
    p
}

/// A JSON string literal (for the specs handed to the Python tools).
pub fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One file for the independent AES Crypt writer, `tests/tools/aescrypt_ref.py`.
#[derive(Clone, Debug)]
pub struct RefSpec {
    pub version: u8,
    pub password: String,
    pub plaintext: Vec<u8>,
    pub iv: [u8; 16],
    pub session_iv: [u8; 16],
    pub session_key: [u8; 32],
    pub iterations: u32,
    /// `pyaescrypt`, `random` or `zeros` (v0-v2).
    pub padding: &'static str,
    pub modulo: Option<u8>,
    /// Extension bodies (identifier, NUL, value); v2/v3.
    pub extensions: Vec<Vec<u8>>,
    /// `zero`, `seventeen` or `inner` (v3): invalid padding under a valid HMAC.
    pub v3_bad_padding: Option<&'static str>,
}

impl RefSpec {
    pub fn new(version: u8, password: &str, plaintext: Vec<u8>, rng: &mut Rng) -> Self {
        RefSpec {
            version,
            password: password.to_owned(),
            plaintext,
            iv: rng.array(),
            session_iv: rng.array(),
            session_key: rng.array(),
            iterations: 1000,
            padding: "pyaescrypt",
            modulo: None,
            extensions: Vec::new(),
            v3_bad_padding: None,
        }
    }
}

/// Runs the independent writer on every spec and returns the files it wrote.
pub fn reference_files(specs: &[RefSpec]) -> Vec<Vec<u8>> {
    let dir = tempdir();
    let mut json = String::from("[\n");
    for (i, s) in specs.iter().enumerate() {
        let pt = write(dir.path(), &format!("{i}.plain"), &s.plaintext);
        let out = dir.path().join(format!("{i}.aes"));
        let exts: Vec<String> = s.extensions.iter().map(|e| json_str(&hex(e))).collect();
        json += &format!(
            "{{\"out\": {}, \"plaintext\": {}, \"version\": {}, \"password\": {}, \"iv\": \"{}\", \
             \"session_iv\": \"{}\", \"session_key\": \"{}\", \"iterations\": {}, \"padding\": \"{}\", \
             \"padding_seed\": {i}, \"extensions\": [{}]{}{}}}{}\n",
            json_str(out.to_str().unwrap()),
            json_str(pt.to_str().unwrap()),
            s.version,
            json_str(&s.password),
            hex(&s.iv),
            hex(&s.session_iv),
            hex(&s.session_key),
            s.iterations,
            s.padding,
            exts.join(", "),
            s.modulo.map(|m| format!(", \"modulo\": {m}")).unwrap_or_default(),
            s.v3_bad_padding.map(|b| format!(", \"v3_bad_padding\": \"{b}\"")).unwrap_or_default(),
            if i + 1 < specs.len() { "," } else { "" },
        );
    }
    json += "]\n";
    let spec = write(dir.path(), "spec.json", json.as_bytes());
    let mut cmd = Command::new(python());
    cmd.arg(root().join("tests/tools/aescrypt_ref.py")).arg(&spec);
    check(cmd);
    (0..specs.len())
        .map(|i| std::fs::read(dir.path().join(format!("{i}.aes"))).expect("reference output"))
        .collect()
}

/// The body of a `CREATED_BY` extension.
pub fn ext(name: &str, value: &[u8]) -> Vec<u8> {
    let mut v = name.as_bytes().to_vec();
    v.push(0);
    v.extend_from_slice(value);
    v
}
