//! The std pipelines (`encrypt_stream` / `decrypt_stream`), whose AES Crypt path
//! runs the HMAC on a second thread: results must equal the one-thread core.

use backupcrypt::io::{EncryptTo, decrypt_stream, encrypt_stream};
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
