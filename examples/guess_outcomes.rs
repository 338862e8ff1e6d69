//! How often each answer of the OpenSSL guess happens, on random plaintexts of
//! many lengths, with the right and with a wrong password. The numbers are quoted
//! in docs/SECURITY.md.
//!
//! `cargo run --release --example guess_outcomes [TRIALS]` (default 600 per row).

use backupcrypt::Password;
use backupcrypt::openssl::{self, Cipher, Guess, Params};

/// xorshift64*: reproducible, and good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    fn text(&mut self, n: usize) -> Vec<u8> {
        const WORDS: &[&str] = &["backup", "the", "of", "table", "INSERT", "INTO", "42", "\n", "data", "; "];
        let mut t = Vec::new();
        while t.len() < n {
            t.extend_from_slice(WORDS[(self.next() % WORDS.len() as u64) as usize].as_bytes());
            t.push(b' ');
        }
        t.truncate(n);
        t
    }
}

#[derive(Default)]
struct Counts {
    right: usize,
    wrong_params: usize,
    weak: usize,
    damaged: usize,
    truncated: usize,
    none: usize,
}

fn main() {
    let trials: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(600);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let right = Password::from("correct horse");
    let wrong = Password::from("wrong horse");
    println!(
        "| cipher | plaintext | password | decrypts (right options) | decrypts (other options) | weak: asks for options | damaged | truncated | nothing fits |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for cipher in [Cipher::Aes256Cbc, Cipher::Aes256Ctr] {
        for text in [false, true] {
            for (pw_name, pw) in [("right", &right), ("wrong", &wrong)] {
                let mut c = Counts::default();
                for i in 0..trials {
                    // Lengths 0..=1024, every remainder modulo 16 equally often.
                    let len = (i * 37) % 1025;
                    let plain = if text { rng.text(len) } else { rng.bytes(len) };
                    let params = Params { cipher, ..Params::default() };
                    let salt: [u8; 8] = rng.next().to_le_bytes();
                    let mut e = openssl::Encryptor::new(&right, params, salt).expect("encryptor");
                    let mut file = Vec::new();
                    e.update(&plain, &mut file);
                    e.finish(&mut file);
                    let tail = &file[file.len().saturating_sub(32)..];
                    match openssl::guess(pw, &file[..file.len().min(4096)], tail, Some(file.len() as u64)) {
                        Ok(Guess::Found(f)) if f.params.cipher == cipher && f.params.kdf == params.kdf => {
                            c.right += 1
                        }
                        Ok(Guess::Found(_)) => c.wrong_params += 1,
                        Ok(Guess::Weak(_)) => c.weak += 1,
                        Ok(Guess::Damaged(_)) => c.damaged += 1,
                        Ok(Guess::Truncated) | Err(backupcrypt::Error::Truncated) => c.truncated += 1,
                        Ok(Guess::NoneFits) => c.none += 1,
                        Err(e) => panic!("{e}"),
                    }
                }
                let pct = |n: usize| format!("{n} ({:.1}%)", 100.0 * n as f64 / trials as f64);
                println!(
                    "| {} | {} | {pw_name} | {} | {} | {} | {} | {} | {} |",
                    cipher.name(),
                    if text { "text" } else { "random bytes" },
                    pct(c.right),
                    pct(c.wrong_params),
                    pct(c.weak),
                    pct(c.damaged),
                    pct(c.truncated),
                    pct(c.none)
                );
            }
        }
    }
}
