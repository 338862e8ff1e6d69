//! OpenSSL base64 armour: (1) arbitrary text decrypted as armour, chunked or
//! not, gives the same result; (2) a real armoured encryption of fuzzer data,
//! with whitespace inserted where the fuzzer says, still decrypts to that data.
#![no_main]

use backupcrypt::openssl::{Armour, Cipher, Decryptor, Encryptor, KeyDerivation, Params, Salt};
use backupcrypt::{Md, Password};
use backupcrypt_fuzz::{Input, assert_same, chunks, drive};
use libfuzzer_sys::fuzz_target;

const WHITESPACE: [u8; 6] = [b'\n', b'\r', b' ', b'\t', 0x0b, 0x0c];

fuzz_target!(|raw: &[u8]| {
    let mut input = Input::new(raw, 8);
    let (mode, gap, ws) = (input.byte(), input.byte(), input.byte());
    let p = Params {
        cipher: if mode & 1 == 0 { Cipher::Aes256Cbc } else { Cipher::Aes128Ctr },
        kdf: KeyDerivation::Legacy { md: Md::Sha256 },
        salt: if mode & 2 == 0 { Salt::Header } else { Salt::None },
        armour: if mode & 4 == 0 { Armour::Base64 { single_line: false } } else { Armour::Auto },
    };
    let pw = Password::from("password");
    let data = input.data;

    let whole = drive(Decryptor::new(pw.clone(), p), &[data]);
    let chunked = drive(Decryptor::new(pw.clone(), p), &chunks(data, input.rest()));
    assert_same(&whole, &chunked);

    let mut armoured = Vec::new();
    let single_line = mode & 8 != 0;
    let mut e = Encryptor::new(&pw, Params { armour: Armour::Base64 { single_line }, ..p }, [7; 8]).unwrap();
    for c in chunks(data, input.rest()) {
        e.update(c, &mut armoured);
    }
    e.finish(&mut armoured);
    assert!(armoured.iter().all(|b| b.is_ascii_alphanumeric() || b"+/=\n".contains(b)));
    if single_line {
        assert!(!armoured.contains(&b'\n'));
    }
    // Whitespace anywhere (FORMATS.md §2.4: strip all ASCII whitespace, then decode).
    let step = usize::from(gap) + 1;
    let mut spaced = Vec::with_capacity(armoured.len() * 2);
    for (i, &b) in armoured.iter().enumerate() {
        if i % step == 0 {
            spaced.push(WHITESPACE[usize::from(ws) % WHITESPACE.len()]);
        }
        spaced.push(b);
    }
    let p = Params { armour: Armour::Base64 { single_line: false }, ..p };
    let back = drive(Decryptor::new(pw, p), &chunks(&spaced, input.rest()));
    assert!(back.result.is_ok(), "{:?}", back.result);
    assert_eq!(back.out, data);
});
