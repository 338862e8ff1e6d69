//! Interop with pyAesCrypt 6.0.0 (the version that wrote the real file backups),
//! run from the test venv: its files decrypt here, ours decrypt there, and with the
//! same random values our v2 output is its output byte for byte (apart from the
//! `CREATED_BY` text).
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use backupcrypt::aescrypt::{self, CREATED_BY};
use backupcrypt::inspect::{PlaintextSize, inspect};
use backupcrypt::{DecryptOptions, Integrity, Password};
use common::{
    NON_ASCII, Rng, SIZES, check, data, decrypt_random, hex, json_str, python, root, tempdir, write,
};

const PASSWORDS: [&str; 3] = ["apples", "", NON_ASCII];

struct Op {
    op: &'static str,
    input: PathBuf,
    output: PathBuf,
    password: String,
    buffer: Option<usize>,
    random: Option<[String; 3]>,
}

/// Runs the ops in one Python process (`tests/tools/pyaescrypt_batch.py`).
fn pyaescrypt(dir: &Path, ops: &[Op]) {
    let items: Vec<String> = ops
        .iter()
        .map(|o| {
            let mut s = format!(
                "{{\"op\": \"{}\", \"in\": {}, \"out\": {}, \"password\": {}",
                o.op,
                json_str(o.input.to_str().unwrap()),
                json_str(o.output.to_str().unwrap()),
                json_str(&o.password)
            );
            if let Some(b) = o.buffer {
                s += &format!(", \"buffer\": {b}");
            }
            if let Some(r) = &o.random {
                s += &format!(", \"random\": [\"{}\", \"{}\", \"{}\"]", r[0], r[1], r[2]);
            }
            s + "}"
        })
        .collect();
    let spec = write(dir, "ops.json", format!("[\n{}\n]\n", items.join(",\n")).as_bytes());
    let mut cmd = Command::new(python());
    cmd.arg(root().join("tests/tools/pyaescrypt_batch.py")).arg(spec);
    check(cmd);
}

#[test]
fn pyaescrypt_files_decrypt_here() {
    let dir = tempdir();
    let mut rng = Rng::new(10);
    let mut ops = Vec::new();
    let mut expected = Vec::new();
    for (i, &size) in SIZES.iter().enumerate() {
        let pt = data(size, i as u64);
        let input = write(dir.path(), &format!("{i}.plain"), &pt);
        for (j, password) in PASSWORDS.iter().enumerate() {
            for op in ["encryptStream", "encryptFile"] {
                let output = dir.path().join(format!("{i}-{j}-{op}.aes"));
                // The default 64 KiB buffer (what grc-app used) and an odd small one.
                let buffer = if rng.below(3) == 0 { Some(16 * (1 + rng.below(300))) } else { None };
                ops.push(Op {
                    op,
                    input: input.clone(),
                    output: output.clone(),
                    password: password.to_string(),
                    buffer,
                    random: None,
                });
                expected.push((output, *password, pt.clone()));
            }
        }
    }
    pyaescrypt(dir.path(), &ops);
    for (file, password, pt) in expected {
        let bytes = std::fs::read(&file).unwrap();
        assert_eq!(&bytes[..5], b"AES\x02\x00", "{}", file.display());
        let (got, integrity) =
            decrypt_random(&bytes, &Password::from(password), DecryptOptions::default(), &mut rng)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(got == pt, "{}: wrong plaintext ({} bytes, want {})", file.display(), got.len(), pt.len());
        assert_eq!(integrity, Integrity::Authenticated);
        let info = inspect(&bytes, Some(bytes.len() as u64), &bytes[bytes.len() - 64..]).unwrap();
        assert_eq!(info.version, Some(2));
        assert_eq!(info.created_by.as_deref(), Some("pyAesCrypt 6.0.0"));
        assert_eq!(info.plaintext_size, PlaintextSize::Exact(pt.len() as u64));
        // FORMATS.md §3.4: the IV is at offset 166, then E (48) and T1 (32).
        assert_eq!(info.header_len, 166 + 16 + 48 + 32);
    }
}

#[test]
fn our_v2_files_decrypt_in_pyaescrypt() {
    let dir = tempdir();
    let mut rng = Rng::new(11);
    let mut ops = Vec::new();
    let mut expected = Vec::new();
    for (i, &size) in SIZES.iter().enumerate() {
        let pt = data(size, 50 + i as u64);
        for (j, password) in PASSWORDS.iter().enumerate() {
            let r = rng.randomness();
            let file = common::aescrypt_encrypt(
                &Password::from(*password),
                aescrypt::Version::V2,
                &r,
                &pt,
                &mut rng,
            );
            let input = write(dir.path(), &format!("{i}-{j}.aes"), &file);
            for op in ["decryptStream", "decryptFile"] {
                let output = dir.path().join(format!("{i}-{j}-{op}.plain"));
                ops.push(Op {
                    op,
                    input: input.clone(),
                    output: output.clone(),
                    password: password.to_string(),
                    buffer: None,
                    random: None,
                });
                expected.push((output, pt.clone()));
            }
        }
    }
    pyaescrypt(dir.path(), &ops);
    for (file, pt) in expected {
        let got = std::fs::read(&file).unwrap();
        assert!(got == pt, "{}: pyAesCrypt got {} bytes, want {}", file.display(), got.len(), pt.len());
    }
}

#[test]
fn our_v2_output_is_pyaescrypt_output_given_the_same_random_values() {
    let dir = tempdir();
    let mut rng = Rng::new(12);
    let mut ops = Vec::new();
    let mut ours = Vec::new();
    for (i, &size) in SIZES.iter().enumerate() {
        let pt = data(size, 90 + i as u64);
        let input = write(dir.path(), &format!("{i}.plain"), &pt);
        let password = PASSWORDS[i % PASSWORDS.len()];
        let r = rng.randomness();
        let output = dir.path().join(format!("{i}.aes"));
        ops.push(Op {
            op: "encryptStream",
            input,
            output: output.clone(),
            password: password.to_string(),
            buffer: None,
            // pyAesCrypt 6.0.0 asks os.urandom for iv1 (KDF IV), iv0 (session IV), intKey.
            random: Some([hex(&r.iv), hex(&r.session_iv), hex(&r.session_key)]),
        });
        let file =
            common::aescrypt_encrypt(&Password::from(password), aescrypt::Version::V2, &r, &pt, &mut rng);
        ours.push((output, file));
    }
    pyaescrypt(dir.path(), &ops);
    let theirs_cby = b"CREATED_BY\0pyAesCrypt 6.0.0";
    let ours_cby = format!("CREATED_BY\0{CREATED_BY}");
    for (file, ours) in ours {
        let theirs = std::fs::read(&file).unwrap();
        // "AES" 2 0 | len(u16) | CREATED_BY\0<text> | the rest
        assert_eq!(theirs[..5], ours[..5]);
        assert_eq!(theirs[5..7], (theirs_cby.len() as u16).to_be_bytes());
        assert_eq!(&theirs[7..7 + theirs_cby.len()], theirs_cby);
        assert_eq!(ours[5..7], (ours_cby.len() as u16).to_be_bytes());
        assert_eq!(&ours[7..7 + ours_cby.len()], ours_cby.as_bytes());
        let (rest_theirs, rest_ours) = (&theirs[7 + theirs_cby.len()..], &ours[7 + ours_cby.len()..]);
        assert_eq!(rest_theirs.len(), rest_ours.len(), "{}", file.display());
        assert!(rest_theirs == rest_ours, "{}: bytes after CREATED_BY differ", file.display());
    }
}

#[test]
fn pyaescrypt_rejects_our_file_with_a_wrong_password() {
    // The interop above could pass vacuously if pyAesCrypt ignored errors; show it fails.
    let dir = tempdir();
    let mut rng = Rng::new(13);
    let r = rng.randomness();
    let file =
        common::aescrypt_encrypt(&Password::from("right"), aescrypt::Version::V2, &r, b"data", &mut rng);
    let input = write(dir.path(), "x.aes", &file);
    let ops = [Op {
        op: "decryptStream",
        input,
        output: dir.path().join("x.out"),
        password: "wrong".into(),
        buffer: None,
        random: None,
    }];
    let result = std::panic::catch_unwind(|| pyaescrypt(dir.path(), &ops));
    let err = result.expect_err("pyAesCrypt accepted a wrong password");
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("Wrong password"), "{msg}");
}
