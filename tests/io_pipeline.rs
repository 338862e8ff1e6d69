//! The std pipelines (`encrypt_stream` / `decrypt_stream` / `EncryptingWriter`),
//! which run CBC and the AES Crypt HMAC on threads of their own: results must
//! equal the one-thread core, `flush` must really write, and a failing output must
//! end the threads with an error instead of hanging.
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use core::cell::RefCell;
use core::time::Duration;
use std::io::Write;
use std::rc::Rc;
use std::sync::mpsc;

use backupcrypt::io::{EncryptTo, EncryptingWriter, decrypt_stream, encrypt_stream};
use backupcrypt::{DecryptOptions, Decryptor, Error, Integrity, Password, aescrypt, openssl};

fn data(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 + i / 777) as u8).collect()
}

fn one_thread_decrypt(file: &[u8], pw: &str) -> Result<Vec<u8>, Error> {
    let mut d = Decryptor::new(Password::from(pw), DecryptOptions::default());
    let mut out = Vec::new();
    for c in file.chunks(4099) {
        d.update(c, &mut out)?;
    }
    d.finish(&mut out)?;
    Ok(out)
}

#[test]
fn pipelines_round_trip_across_many_chunks() {
    // Sizes around the 1 MiB pipeline chunk, so the last chunk is tiny, empty or full.
    let sizes = [0, 1, 15, 16, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 17];
    let targets = [
        EncryptTo::AesCrypt(aescrypt::Version::V2),
        EncryptTo::AesCrypt(aescrypt::Version::V3 { iterations: 1000 }),
        EncryptTo::OpenSsl(openssl::Params::default()),
    ];
    for to in targets {
        for &n in &sizes {
            let plain = data(n);
            let mut file = Vec::new();
            let written = encrypt_stream(&plain[..], &mut file, &Password::from("pw"), to).unwrap();
            assert_eq!(written, n as u64);
            // The one-thread core agrees with the two-thread writer…
            assert_eq!(one_thread_decrypt(&file, "pw").unwrap(), plain, "{to:?} {n}");
            // …and the two-thread reader agrees with both.
            let mut out = Vec::new();
            let integrity =
                decrypt_stream(&file[..], &mut out, Password::from("pw"), DecryptOptions::default()).unwrap();
            assert_eq!(out, plain, "{to:?} {n}");
            let expected = if matches!(to, EncryptTo::OpenSsl(_)) {
                Integrity::PaddingChecked
            } else {
                Integrity::Authenticated
            };
            assert_eq!(integrity, expected);
        }
    }
}

#[test]
fn pipeline_detects_a_flipped_bit_in_the_last_chunk() {
    let plain = data(3 << 20);
    let mut file = Vec::new();
    encrypt_stream(&plain[..], &mut file, &Password::from("pw"), EncryptTo::AesCrypt(aescrypt::Version::V2))
        .unwrap();
    for pos in [300, file.len() / 2, file.len() - 40] {
        let mut bad = file.clone();
        bad[pos] ^= 0x10;
        let r = decrypt_stream(&bad[..], std::io::sink(), Password::from("pw"), DecryptOptions::default());
        assert!(matches!(r, Err(Error::Corrupt(backupcrypt::Corruption::PayloadHmac))), "{pos}: {r:?}");
    }
    let r = decrypt_stream(&file[..], std::io::sink(), Password::from("wrong"), DecryptOptions::default());
    assert!(matches!(r, Err(Error::WrongPassword(backupcrypt::PasswordCheck::HeaderHmac))));
}

const TARGETS: [EncryptTo; 3] = [
    EncryptTo::AesCrypt(aescrypt::Version::V2),
    EncryptTo::AesCrypt(aescrypt::Version::V3 { iterations: 1000 }),
    EncryptTo::OpenSsl(openssl::Params {
        cipher: openssl::Cipher::Aes256Cbc,
        kdf: openssl::KeyDerivation::Pbkdf2 { md: backupcrypt::Md::Sha256, iterations: 1000 },
        salt: openssl::Salt::Header,
        armour: openssl::Armour::Binary,
    }),
];

/// Header bytes before the first ciphertext block: what an empty file has
/// besides its last block, modulo byte and HMAC.
fn header_len(to: EncryptTo) -> usize {
    let mut empty = Vec::new();
    encrypt_stream(&[][..], &mut empty, &Password::from("pw"), to).unwrap();
    empty.len()
        - match to {
            EncryptTo::AesCrypt(aescrypt::Version::V2) => 1 + 32,
            EncryptTo::AesCrypt(_) => 16 + 32,
            EncryptTo::OpenSsl(_) => 16,
        }
}

/// A `Vec` output the test can look at while the writer still holds it.
#[derive(Clone, Default)]
struct Shared(Rc<RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn writes_of_any_size_with_flushes_between_equal_the_plaintext() {
    let plain = data(3 * (1 << 20) + 1000);
    // Odd write sizes, some larger than the 1 MiB chunk.
    let sizes = [1, 15, 16, 17, 4095, 70_000, (1 << 20) + 3, 5, 2 << 20];
    for to in TARGETS {
        let header = header_len(to);
        let out = Shared::default();
        let mut w = EncryptingWriter::new(out.clone(), &Password::from("pw"), to).unwrap();
        let (mut at, mut i) = (0, 0);
        while at < plain.len() {
            let n = sizes[i % sizes.len()].min(plain.len() - at);
            w.write_all(&plain[at..at + n]).unwrap();
            at += n;
            i += 1;
            if i % 3 == 0 {
                w.flush().unwrap();
                // Everything but the partial last block is out after a flush.
                assert_eq!(out.0.borrow().len(), header + at / 16 * 16, "{to:?} at {at}");
            }
        }
        assert_eq!(w.bytes_in(), plain.len() as u64);
        w.finish().unwrap();
        let file = out.0.borrow().clone();
        let options = match to {
            EncryptTo::OpenSsl(p) => DecryptOptions { openssl: Some(p), ..Default::default() },
            EncryptTo::AesCrypt(_) => DecryptOptions::default(),
        };
        let mut d = Decryptor::new(Password::from("pw"), options);
        let mut back = Vec::new();
        d.update(&file, &mut back).unwrap();
        d.finish(&mut back).unwrap();
        assert_eq!(back, plain, "{to:?}");
    }
}

/// An output that fails after `left` bytes.
struct Failing {
    left: usize,
}

impl Write for Failing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other("disk full"));
        }
        let n = buf.len().min(self.left);
        self.left -= n;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_output_stops_the_threads_with_its_error() {
    let plain = data(9 << 20);
    for to in TARGETS {
        for left in [0, 100, 1 << 20, 5 << 20] {
            let (tx, rx) = mpsc::channel();
            let plain = plain.clone();
            std::thread::spawn(move || {
                let r = encrypt_stream(&plain[..], Failing { left }, &Password::from("pw"), to);
                let _ = tx.send(r.map_err(|e| e.to_string()));
            });
            // A deadlock would show as no answer at all.
            let r =
                rx.recv_timeout(Duration::from_secs(60)).expect("encrypt_stream hung on a failing output");
            let e = r.expect_err("a failing output is an error");
            assert!(e.contains("disk full"), "{to:?} {left}: {e}");
        }
    }
}
