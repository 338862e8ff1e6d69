//! The AES Crypt header parser fed in fuzzer-chosen pieces must agree with the
//! same parser fed everything at once: same result, same header, same length.
#![no_main]

use backupcrypt::aescrypt::{HeaderParser, MAX_KEPT_EXTENSIONS, MAX_KEPT_VALUE};
use backupcrypt_fuzz::{Input, chunks, describe};
use libfuzzer_sys::fuzz_target;

fn parse(pieces: &[&[u8]]) -> (Result<usize, String>, HeaderParser) {
    let mut p = HeaderParser::default();
    let mut used = 0;
    for piece in pieces {
        match p.push(piece) {
            Ok(n) => {
                assert!(n <= piece.len());
                used += n;
                if p.header().is_some() {
                    break;
                }
                assert_eq!(n, piece.len(), "an incomplete header must take every byte");
            }
            Err(e) => return (Err(describe(&e)), p),
        }
    }
    (Ok(used), p)
}

fuzz_target!(|raw: &[u8]| {
    let input = Input::new(raw, 4);
    let data = input.data;
    let (whole, p1) = parse(&[data]);
    let (split, p2) = parse(&chunks(data, input.rest()));
    assert_eq!(whole, split);
    let (h1, h2) = (p1.header(), p2.header());
    assert_eq!(h1.is_some(), h2.is_some());
    if let (Some(h1), Some(h2)) = (h1, h2) {
        assert_eq!(format!("{h1:?}"), format!("{h2:?}"));
        assert_eq!(Ok(h1.len as usize), whole);
        assert!(h1.version <= 3);
        assert!(h1.extensions.len() <= MAX_KEPT_EXTENSIONS);
        assert!(
            h1.extensions.iter().all(|e| e.value.len() <= MAX_KEPT_VALUE && e.name.len() <= MAX_KEPT_VALUE)
        );
        assert!(h1.extension_count >= h1.extensions.len());
        let _ = h1.created_by();
    }
});
