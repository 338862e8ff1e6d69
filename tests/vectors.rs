//! Known-answer tests: the worked vectors of FORMATS.md §6 through the public API.

use backupcrypt::testing::{aescrypt_v3_hello, hex, openssl_hello};
use backupcrypt::{DecryptOptions, Decryptor, Error, Integrity, Password, PasswordCheck, aescrypt, openssl};

fn decrypt(
    file: &[u8],
    password: &str,
    options: DecryptOptions,
    chunk: usize,
) -> Result<(Vec<u8>, Integrity), Error> {
    let mut d = Decryptor::new(Password::from(password), options);
    let mut out = Vec::new();
    for c in file.chunks(chunk.max(1)) {
        d.update(c, &mut out)?;
    }
    let i = d.finish(&mut out)?;
    Ok((out, i))
}

#[test]
fn formats_6_1_openssl_pbkdf2_file_decrypts_in_any_chunking() {
    for chunk in [1, 2, 7, 16, 17, 1000] {
        let (pt, integrity) =
            decrypt(&openssl_hello(), "password", DecryptOptions::default(), chunk).unwrap();
        assert_eq!(pt, b"Hello, World!\n");
        assert_eq!(integrity, Integrity::PaddingChecked);
    }
}

#[test]
fn formats_6_1_openssl_encryptor_reproduces_the_vector() {
    let mut e = openssl::Encryptor::new(
        &Password::from("password"),
        openssl::Params::default(),
        [1, 2, 3, 4, 5, 6, 7, 8],
    )
    .unwrap();
    let mut out = Vec::new();
    e.update(b"Hello, ", &mut out);
    e.update(b"World!\n", &mut out);
    e.finish(&mut out);
    assert_eq!(out, openssl_hello());
}

#[test]
fn formats_6_1_explicit_salt_without_header_openssl3_quirk() {
    let params =
        openssl::Params { salt: openssl::Salt::Explicit([1, 2, 3, 4, 5, 6, 7, 8]), ..Default::default() };
    let file = &openssl_hello()[16..];
    let opts = DecryptOptions { openssl: Some(params), ..Default::default() };
    let (pt, _) = decrypt(file, "password", opts, 5).unwrap();
    assert_eq!(pt, b"Hello, World!\n");
}

#[test]
fn formats_6_4_aescrypt_v3_cli_file_decrypts() {
    for chunk in [1, 3, 16, 33, 188] {
        let (pt, integrity) =
            decrypt(&aescrypt_v3_hello(), "apples", DecryptOptions::default(), chunk).unwrap();
        assert_eq!(pt, b"Hello, World!");
        assert_eq!(integrity, Integrity::Authenticated);
    }
}

#[test]
fn formats_6_4_wrong_password_is_known_from_the_header() {
    let file = aescrypt_v3_hello();
    // Feed only the header: the error must come before any payload is seen.
    let mut d = Decryptor::new(Password::from("pears"), DecryptOptions::default());
    let mut out = Vec::new();
    let header_len = file.len() - 16 - 32;
    let err = d.update(&file[..header_len], &mut out).unwrap_err();
    assert!(matches!(err, Error::WrongPassword(PasswordCheck::HeaderHmac)), "{err:?}");
    assert!(out.is_empty());
}

#[test]
fn formats_6_4_header_fields_are_parsed() {
    let info = backupcrypt::inspect::inspect(&aescrypt_v3_hello(), Some(188), &aescrypt_v3_hello()).unwrap();
    assert_eq!(info.version, Some(3));
    assert_eq!(info.created_by.as_deref(), Some("aescrypt_cli 4.0.5.0"));
    assert_eq!(info.kdf, backupcrypt::inspect::Kdf::Pbkdf2Sha512 { iterations: 1000 });
    assert_eq!(info.plaintext_size, backupcrypt::inspect::PlaintextSize::Between(0, 15));
    assert!(info.authenticated);
}

#[test]
fn aescrypt_v2_encryptor_writes_the_pyaescrypt_layout() {
    let r = aescrypt::Randomness { iv: [1; 16], session_iv: [2; 16], session_key: [3; 32] };
    let mut e = aescrypt::Encryptor::new(&Password::from("pw"), aescrypt::Version::V2, &r).unwrap();
    let mut out = Vec::new();
    e.update(&[0x41; 20], &mut out);
    e.finish(&mut out);
    assert_eq!(&out[..5], b"AES\x02\x00");
    let cby = format!("CREATED_BY\0{}", aescrypt::CREATED_BY);
    assert_eq!(u16::from_be_bytes([out[5], out[6]]) as usize, cby.len());
    assert_eq!(&out[7..7 + cby.len()], cby.as_bytes());
    let p = 7 + cby.len();
    assert_eq!(&out[p..p + 2], &[0x00, 0x80]);
    assert!(out[p + 2..p + 130].iter().all(|&b| b == 0));
    assert_eq!(&out[p + 130..p + 132], &[0, 0]);
    assert_eq!(&out[p + 132..p + 148], &[1; 16]);
    // header + 2 blocks + modulo byte (20 % 16 = 4) + HMAC
    assert_eq!(out.len(), p + 148 + 48 + 32 + 32 + 1 + 32);
    assert_eq!(out[out.len() - 33], 4);
    let (pt, _) = decrypt(&out, "pw", DecryptOptions::default(), 9).unwrap();
    assert_eq!(pt, [0x41; 20]);
}

#[test]
fn hex_helper_works() {
    assert_eq!(hex("00ff 10"), [0, 255, 16]);
}
