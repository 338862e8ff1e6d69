//! Streaming base64 for OpenSSL's `-a` armour.
//!
//! Decoding follows FORMATS.md §2.4's advice: skip all ASCII whitespace (so 64-column
//! lines, any other line length, CRLF and a single unterminated line all work),
//! then decode strictly.

use alloc::vec::Vec;

use crate::error::{Corruption, Error, Result};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const INVALID: u8 = 0xFF;
const SPACE: u8 = 0xFE;
const PAD: u8 = 0xFD;

const fn decode_table() -> [u8; 256] {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t[b' ' as usize] = SPACE;
    t[b'\t' as usize] = SPACE;
    t[b'\n' as usize] = SPACE;
    t[b'\r' as usize] = SPACE;
    t[0x0b] = SPACE;
    t[0x0c] = SPACE;
    t[b'=' as usize] = PAD;
    t
}

static DECODE: [u8; 256] = decode_table();

/// True if `b` may appear in base64 armour (alphabet, `=` or whitespace).
pub(crate) fn is_armour_byte(b: u8) -> bool {
    DECODE[usize::from(b)] != INVALID
}

/// Decodes base64 fed in chunks of any size.
#[derive(Default)]
pub(crate) struct Decoder {
    quad: [u8; 4],
    filled: usize,
    /// `=` seen in the current quad.
    pads: usize,
    /// A padded quad was completed: nothing but whitespace may follow.
    ended: bool,
}

impl Decoder {
    pub(crate) fn update(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<()> {
        out.reserve(input.len() / 4 * 3 + 3);
        let mut i = 0;
        while i < input.len() {
            // Fast path: four alphabet characters at a quad boundary (the common case
            // inside a line) decode at once; anything else goes byte by byte below.
            if self.filled == 0 && self.pads == 0 && !self.ended && i + 4 <= input.len() {
                let q = [
                    DECODE[usize::from(input[i])],
                    DECODE[usize::from(input[i + 1])],
                    DECODE[usize::from(input[i + 2])],
                    DECODE[usize::from(input[i + 3])],
                ];
                if q.iter().all(|&v| v < 64) {
                    out.extend_from_slice(&[
                        (q[0] << 2) | (q[1] >> 4),
                        (q[1] << 4) | (q[2] >> 2),
                        (q[2] << 6) | q[3],
                    ]);
                    i += 4;
                    continue;
                }
            }
            let c = input[i];
            i += 1;
            let v = DECODE[usize::from(c)];
            match v {
                SPACE => continue,
                INVALID => return Err(Error::Corrupt(Corruption::Base64)),
                PAD => {
                    // `=` may only fill the last one or two places of the final quad.
                    if self.ended || self.filled < 2 {
                        return Err(Error::Corrupt(Corruption::Base64));
                    }
                    self.pads += 1;
                    if self.filled + self.pads == 4 {
                        self.flush(out);
                        self.ended = true;
                    }
                }
                _ => {
                    if self.ended || self.pads > 0 {
                        return Err(Error::Corrupt(Corruption::Base64));
                    }
                    self.quad[self.filled] = v;
                    self.filled += 1;
                    if self.filled == 4 {
                        self.flush(out);
                    }
                }
            }
        }
        Ok(())
    }

    fn flush(&mut self, out: &mut Vec<u8>) {
        let q = self.quad;
        let bytes = [(q[0] << 2) | (q[1] >> 4), (q[1] << 4) | (q[2] >> 2), (q[2] << 6) | q[3]];
        out.extend_from_slice(&bytes[..self.filled - 1]);
        self.filled = 0;
        self.quad = [0; 4];
    }

    /// Fails if the input stopped in the middle of a quad.
    pub(crate) fn finish(&self) -> Result<()> {
        if self.filled != 0 || self.pads != 0 && !self.ended {
            return Err(Error::Truncated);
        }
        Ok(())
    }
}

/// Encodes base64 in OpenSSL's layout: 64-column lines each ending in LF, or (with
/// `single_line`, like `-A`) one line without a final newline.
pub(crate) struct Encoder {
    pending: [u8; 3],
    n: usize,
    column: usize,
    single_line: bool,
    wrote_any: bool,
}

impl Encoder {
    pub(crate) fn new(single_line: bool) -> Self {
        Encoder { pending: [0; 3], n: 0, column: 0, single_line, wrote_any: false }
    }

    fn push_char(&mut self, c: u8, out: &mut Vec<u8>) {
        if !self.single_line && self.column == 64 {
            out.push(b'\n');
            self.column = 0;
        }
        out.push(c);
        self.column += 1;
        self.wrote_any = true;
    }

    fn emit(&mut self, bytes: [u8; 3], len: usize, out: &mut Vec<u8>) {
        let idx = [
            bytes[0] >> 2,
            ((bytes[0] & 0x03) << 4) | (bytes[1] >> 4),
            ((bytes[1] & 0x0f) << 2) | (bytes[2] >> 6),
            bytes[2] & 0x3f,
        ];
        for (i, &x) in idx.iter().enumerate() {
            let c = if i <= len { ALPHABET[usize::from(x)] } else { b'=' };
            self.push_char(c, out);
        }
    }

    pub(crate) fn update(&mut self, mut input: &[u8], out: &mut Vec<u8>) {
        out.reserve(input.len() / 3 * 4 + input.len() / 48 + 8);
        while !input.is_empty() {
            if self.n == 0 && input.len() >= 3 {
                let (head, rest) = input.split_at(3);
                self.emit([head[0], head[1], head[2]], 3, out);
                input = rest;
                continue;
            }
            self.pending[self.n] = input[0];
            self.n += 1;
            input = &input[1..];
            if self.n == 3 {
                self.n = 0;
                self.emit(self.pending, 3, out);
            }
        }
    }

    pub(crate) fn finish(&mut self, out: &mut Vec<u8>) {
        if self.n > 0 {
            let mut b = [0u8; 3];
            b[..self.n].copy_from_slice(&self.pending[..self.n]);
            self.emit(b, self.n, out);
            self.n = 0;
        }
        if !self.single_line && self.wrote_any {
            out.push(b'\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(s: &[u8]) -> Result<Vec<u8>> {
        let mut d = Decoder::default();
        let mut out = Vec::new();
        for b in s.chunks(3) {
            d.update(b, &mut out)?;
        }
        d.finish()?;
        Ok(out)
    }

    fn encode_all(data: &[u8], single_line: bool) -> Vec<u8> {
        let mut e = Encoder::new(single_line);
        let mut out = Vec::new();
        for c in data.chunks(5) {
            e.update(c, &mut out);
        }
        e.finish(&mut out);
        out
    }

    #[test]
    fn decodes_rfc4648_vectors_and_whitespace() {
        assert_eq!(decode_all(b"").unwrap(), b"");
        assert_eq!(decode_all(b"Zg==").unwrap(), b"f");
        assert_eq!(decode_all(b"Zm8=").unwrap(), b"fo");
        assert_eq!(decode_all(b"Zm9v").unwrap(), b"foo");
        assert_eq!(decode_all(b"Zm9v\r\nYmFy\n").unwrap(), b"foobar");
        assert_eq!(decode_all(b" Zm9v YmE= \n").unwrap(), b"fooba");
    }

    #[test]
    fn rejects_bad_base64() {
        assert!(matches!(decode_all(b"Zm9v!"), Err(Error::Corrupt(Corruption::Base64))));
        assert!(matches!(decode_all(b"Zg==Zg=="), Err(Error::Corrupt(Corruption::Base64))));
        assert!(matches!(decode_all(b"Z==="), Err(Error::Corrupt(Corruption::Base64))));
        assert!(matches!(decode_all(b"Zm8=="), Err(Error::Corrupt(Corruption::Base64))));
        assert!(matches!(decode_all(b"Zm9"), Err(Error::Truncated)));
        assert!(matches!(decode_all(b"Zg="), Err(Error::Truncated)));
    }

    #[test]
    fn fast_and_slow_paths_agree_under_any_chunking_and_whitespace() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in [0usize, 1, 2, 3, 47, 48, 49, 1000] {
            let data: Vec<u8> = (0..len).map(|_| rnd() as u8).collect();
            let armour = encode_all(&data, false);
            // CRLF line ends and stray spaces, as other tools and editors produce.
            let mut messy = Vec::new();
            for &b in &armour {
                if b == b'\n' {
                    messy.extend_from_slice(b"\r\n");
                } else {
                    messy.push(b);
                    if rnd() % 29 == 0 {
                        messy.push(b' ');
                    }
                }
            }
            for _ in 0..5 {
                let mut d = Decoder::default();
                let mut out = Vec::new();
                let mut rest = &messy[..];
                while !rest.is_empty() {
                    let n = (rnd() as usize % 70 + 1).min(rest.len());
                    d.update(&rest[..n], &mut out).unwrap();
                    rest = &rest[n..];
                }
                d.finish().unwrap();
                assert_eq!(out, data);
            }
        }
    }

    #[test]
    fn encodes_in_openssl_layout() {
        assert_eq!(encode_all(b"foobar", false), b"Zm9vYmFy\n");
        assert_eq!(encode_all(b"fooba", true), b"Zm9vYmE=");
        let long = encode_all(&[0u8; 100], false);
        let lines: Vec<&[u8]> = long.split(|&b| b == b'\n').collect();
        assert_eq!(lines[0].len(), 64);
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines[2].len(), 136 - 128);
        assert_eq!(lines[3], b"");
        assert_eq!(decode_all(&long).unwrap(), [0u8; 100]);
        assert_eq!(encode_all(b"", false), b"");
    }
}
