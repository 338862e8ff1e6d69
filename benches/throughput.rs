//! In-memory throughput of each primitive and format (no I/O): `cargo bench`.
//!
//! A plain harness (no criterion) so that it builds fast in the test command's
//! `clippy --all-targets`; it prints the median of several runs in MB/s.
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use core::hint::black_box;
use core::time::Duration;
use std::time::Instant;

use backupcrypt::{DecryptOptions, Decryptor, Password, aescrypt, openssl};

const CHUNK: usize = 1 << 20;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// `cargo bench` passes `--bench`; `cargo test --all-targets` runs this binary with
/// no arguments, and then it only checks, on 1 MiB, that every path round-trips.
fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn runs() -> usize {
    if measuring() { 7 } else { 1 }
}

fn report(name: &str, bytes: usize, f: &mut dyn FnMut()) {
    f(); // warm-up
    let times: Vec<Duration> = (0..runs())
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    let d = median(times);
    println!("{name:<44} {:>8.0} MB/s", bytes as f64 / d.as_secs_f64() / 1e6);
}

fn encrypt_aescrypt(data: &[u8], version: aescrypt::Version) -> Vec<u8> {
    let r = aescrypt::Randomness { iv: [1; 16], session_iv: [2; 16], session_key: [3; 32] };
    let mut e = aescrypt::Encryptor::new(&Password::from("pw"), version, &r).unwrap();
    let mut out = Vec::with_capacity(data.len() + 512);
    for c in data.chunks(CHUNK) {
        e.update(c, &mut out);
    }
    e.finish(&mut out);
    out
}

fn encrypt_openssl(data: &[u8], params: openssl::Params) -> Vec<u8> {
    let mut e = openssl::Encryptor::new(&Password::from("pw"), params, [9; 8]).unwrap();
    let mut out = Vec::with_capacity(data.len() + 512);
    for c in data.chunks(CHUNK) {
        e.update(c, &mut out);
    }
    e.finish(&mut out);
    out
}

fn decrypt(file: &[u8], options: DecryptOptions) -> usize {
    let mut d = Decryptor::new(Password::from("pw"), options);
    let mut out = Vec::with_capacity(CHUNK + 64);
    let mut n = 0;
    for c in file.chunks(CHUNK) {
        out.clear();
        d.update(c, &mut out).unwrap();
        n += out.len();
    }
    out.clear();
    d.finish(&mut out).unwrap();
    n + out.len()
}

fn main() {
    let size: usize = if measuring() { 64 << 20 } else { 1 << 20 };
    let data: Vec<u8> = (0..size).map(|i| (i * 7 + i / 4096) as u8).collect();
    println!(
        "in-memory throughput, {} MiB, median of {} runs, {} KiB chunks",
        size >> 20,
        runs(),
        CHUNK >> 10
    );

    {
        use aes::Aes256;
        use cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit, array::Array};
        let mut buf = data.clone();
        report("AES-256-CBC decrypt (cbc crate)", size, &mut || {
            let mut d = cbc::Decryptor::<Aes256>::new(&[1u8; 32].into(), &[2u8; 16].into());
            let (blocks, _) = Array::slice_as_chunks_mut(&mut buf);
            d.decrypt_blocks(blocks);
            black_box(&buf);
        });
        report("AES-256-CBC encrypt (cbc crate)", size, &mut || {
            let mut e = cbc::Encryptor::<Aes256>::new(&[1u8; 32].into(), &[2u8; 16].into());
            let (blocks, _) = Array::slice_as_chunks_mut(&mut buf);
            e.encrypt_blocks(blocks);
            black_box(&buf);
        });
    }
    {
        use hmac::{Hmac, KeyInit, Mac};
        report("HMAC-SHA256", size, &mut || {
            let mut m = Hmac::<sha2::Sha256>::new_from_slice(&[3u8; 32]).unwrap();
            m.update(&data);
            black_box(m.finalize());
        });
    }

    let v2 = encrypt_aescrypt(&data, aescrypt::Version::V2);
    report("AES Crypt v2 encrypt (core, one thread)", size, &mut || {
        black_box(encrypt_aescrypt(&data, aescrypt::Version::V2));
    });
    report("AES Crypt v2 decrypt + HMAC (core, one thread)", size, &mut || {
        assert_eq!(decrypt(&v2, DecryptOptions::default()), size);
    });
    let params = openssl::Params::default();
    let ossl = encrypt_openssl(&data, params);
    report("OpenSSL aes-256-cbc encrypt (core)", size, &mut || {
        black_box(encrypt_openssl(&data, params));
    });
    report("OpenSSL aes-256-cbc decrypt (core)", size, &mut || {
        assert_eq!(decrypt(&ossl, DecryptOptions::default()), size);
    });
    let ctr = openssl::Params { cipher: openssl::Cipher::Aes256Ctr, ..params };
    let ossl_ctr = encrypt_openssl(&data, ctr);
    report("OpenSSL aes-256-ctr decrypt (core)", size, &mut || {
        let o = DecryptOptions { openssl: Some(ctr), ..Default::default() };
        assert_eq!(decrypt(&ossl_ctr, o), size);
    });
    let b64 = encrypt_openssl(
        &data,
        openssl::Params { armour: openssl::Armour::Base64 { single_line: false }, ..params },
    );
    report("OpenSSL aes-256-cbc -a decrypt (core)", b64.len(), &mut || {
        assert_eq!(decrypt(&b64, DecryptOptions::default()), size);
    });
}
