//! The ZIP reader over the random-access decrypting reader. Mode 0: fuzzer data
//! encrypted (AES Crypt v2/v3, OpenSSL CBC/CTR), then read back at fuzzer-chosen
//! offsets, which must give exactly the plaintext there; then opened as a ZIP.
//! Mode 1: fuzzer bytes taken as the encrypted file itself: no panic.
#![no_main]

use std::io::{Cursor, Read, Seek, SeekFrom};

use backupcrypt::io::SeekableDecryptor;
use backupcrypt::openssl::{self, Armour, Cipher, KeyDerivation, Params, Salt};
use backupcrypt::zip::{Archive, Limits as ZipLimits};
use backupcrypt::{DecryptOptions, Limits, Md, Password};
use backupcrypt_fuzz::{Input, MAX_ITERATIONS, legacy};
use libfuzzer_sys::fuzz_target;

const IV: [u8; 16] = *b"seekable-fuzz-iv";

fn read_back<R: Read + Seek>(r: &mut R, ctl: &[u8], plain: Option<&[u8]>, len: u64) {
    for pair in ctl.chunks(2) {
        let pos = u64::from(pair[0]) * len / 255;
        let want = usize::from(*pair.get(1).unwrap_or(&17));
        let mut buf = vec![0u8; want];
        if r.seek(SeekFrom::Start(pos)).is_err() {
            assert!(plain.is_none());
            continue;
        }
        let mut got = 0;
        while got < want {
            match r.read(&mut buf[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) => {
                    assert!(plain.is_none(), "read of a valid file failed: {e}");
                    return;
                }
            }
        }
        if let Some(plain) = plain {
            let start = (pos as usize).min(plain.len());
            let end = (start + want).min(plain.len());
            assert_eq!(&buf[..got], &plain[start..end], "at {pos}");
        }
    }
}

fuzz_target!(|raw: &[u8]| {
    let mut input = Input::new(raw, 12);
    let (mode, kind) = (input.byte(), input.byte());
    let password = Password::from("password");
    let cheap = Params {
        cipher: if kind & 1 == 0 { Cipher::Aes256Cbc } else { Cipher::Aes128Ctr },
        kdf: KeyDerivation::Pbkdf2 { md: Md::Sha256, iterations: 1 },
        salt: Salt::Header,
        armour: Armour::Binary,
    };
    let options = DecryptOptions { openssl: Some(cheap), limits: Limits { max_iterations: MAX_ITERATIONS } };
    let data = input.data;
    let (file, plain) = if mode & 1 == 0 {
        let file = match kind % 4 {
            0 | 1 => {
                let mut e = openssl::Encryptor::new(&password, cheap, [kind; 8]).unwrap();
                let mut f = Vec::new();
                e.update(data, &mut f);
                e.finish(&mut f);
                f
            }
            2 => legacy::v2("password", IV, data),
            _ => legacy::v3("password", 1, IV, data),
        };
        (file, Some(data))
    } else {
        (data.to_vec(), None)
    };
    let mut r = match SeekableDecryptor::new(Cursor::new(&file[..]), &password, &options) {
        Ok(r) => r.with_window(usize::from(kind) * 16 + 16),
        Err(e) => {
            assert!(plain.is_none(), "a valid file did not open: {e}");
            return;
        }
    };
    let len = r.len();
    if let Some(p) = plain {
        assert_eq!(len, p.len() as u64);
    }
    read_back(&mut r, input.rest(), plain, len);
    let verified = r.verify();
    if plain.is_some() {
        assert!(verified.is_ok(), "{verified:?}");
    }
    let Ok(mut archive) = Archive::new(r) else { return };
    for i in 0..archive.entries().len().min(8) {
        let _ = archive.copy_entry(i, &mut std::io::sink(), &ZipLimits { max_ratio: 100, ratio_floor: 4096 });
    }
});
