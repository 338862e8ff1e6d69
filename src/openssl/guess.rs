//! Finding the options of an OpenSSL file that the user did not give.
//!
//! The file records neither cipher nor key derivation, and a wrong guess is not
//! refused by anything but the final padding, which a wrong key passes about once
//! in 256 tries. So [`guess`] weighs its evidence in bits (how rarely a wrong key
//! produces it) and decrypts only on [`STRONG_BITS`]; weaker evidence is reported
//! as such, and the user is asked for the options.

use alloc::vec::Vec;
use zeroize::Zeroizing;

use super::MAGIC;
use super::kdf::KeyMaterial;
use super::params::{Cipher, Params, Salt};
use crate::base64;
use crate::block::{BLOCK, pkcs7_data_len};
use crate::error::{Error, Result};
use crate::password::Password;
use crate::sniff::{Content, Kind, looks_like_plaintext, sniff};

/// The result of [`probe`]: does this password and parameter set open the file?
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProbeResult {
    /// The final block's padding is valid (necessary, not sufficient).
    pub padding_ok: bool,
    /// What the first plaintext block looks like.
    pub content: Content,
}

impl ProbeResult {
    /// Valid padding and recognisable content: very likely the right password and
    /// options. (Valid padding alone happens for ~1 in 256 wrong guesses.)
    pub fn is_convincing(&self) -> bool {
        self.padding_ok && self.content != Content::Unknown
    }
}

/// Checks a password and parameter set against a binary (not armoured) OpenSSL
/// file without decrypting it all: only the first and the last two blocks.
///
/// `head` is the first bytes of the file (at least 32 for a salted file), `tail`
/// its last 32 bytes (fewer if the file is shorter), `len` its total length.
///
/// # Errors
/// [`Error::NotEncrypted`] if the header is missing, [`Error::Truncated`] if the
/// length cannot be a CBC file.
pub fn probe(
    password: &Password,
    params: &Params,
    head: &[u8],
    tail: &[u8],
    len: u64,
) -> Result<ProbeResult> {
    if !params.cipher.is_cbc() {
        return Err(Error::Unsupported("only CBC files can be probed"));
    }
    let (salt, offset): (&[u8], usize) = match &params.salt {
        Salt::Header => {
            if head.len() < 16 || &head[..8] != MAGIC {
                return Err(if head.len() < 16 && head.starts_with(&MAGIC[..head.len().min(8)]) {
                    Error::Truncated
                } else {
                    Error::NotEncrypted
                });
            }
            (&head[8..16], 16)
        }
        Salt::None => (&[], 0),
        Salt::Explicit(s) => (&s[..], 0),
    };
    let ct_len = len.saturating_sub(offset as u64);
    if ct_len == 0 || ct_len % BLOCK as u64 != 0 || tail.len() < BLOCK {
        return Err(Error::Truncated);
    }
    let keys = KeyMaterial::derive(params, password, salt)?;
    // The last block's chaining value is the block before it, or the IV.
    let last_iv: [u8; 16] = if ct_len >= 32 {
        tail.get(tail.len() - 32..tail.len() - 16).and_then(|s| s.try_into().ok()).ok_or(Error::Truncated)?
    } else {
        *keys.iv()
    };
    let mut last = [0u8; BLOCK];
    last.copy_from_slice(&tail[tail.len() - BLOCK..]);
    keys.cbc_decryptor(&last_iv)?.decrypt(&mut last);
    let padding_ok = pkcs7_data_len(&last).is_some();
    let mut first = [0u8; BLOCK];
    let content = match head.get(offset..offset + BLOCK) {
        Some(block) => {
            first.copy_from_slice(block);
            keys.cbc_decryptor(keys.iv())?.decrypt(&mut first);
            let n = if ct_len == 16 { pkcs7_data_len(&first).unwrap_or(0) } else { BLOCK };
            looks_like_plaintext(&first[..n])
        }
        None => Content::Unknown,
    };
    zeroize::Zeroize::zeroize(&mut first);
    zeroize::Zeroize::zeroize(&mut last);
    Ok(ProbeResult { padding_ok, content })
}

/// Evidence, in bits, that a guess needs before it decrypts without being told the
/// options: a wrong password produces this much by chance about once in 2^24
/// (16 million) tries per candidate.
pub const STRONG_BITS: u32 = 24;
/// Bytes of the decrypted start that are weighed as content.
const CONTENT_LEN: usize = 256;

/// What the final CBC block said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Padding {
    /// Valid PKCS#7 padding of this many bytes (1–16).
    Valid(u8),
    /// Invalid padding.
    Invalid,
    /// The end of the file was not available (a stream).
    NotChecked,
    /// CTR mode has no padding.
    None,
}

/// One parameter set tried, and what it showed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The parameters tried.
    pub params: Params,
    /// What the final block said.
    pub padding: Padding,
    /// What the decrypted start looks like.
    pub content: Content,
    /// Evidence from the content alone, in bits.
    pub content_bits: u32,
    /// All the evidence, in bits (content and padding).
    pub bits: u32,
}

/// The answer of [`guess`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Guess {
    /// Strong evidence for these parameters: decrypt with them.
    Found(Candidate),
    /// These candidates fit, but no better than a wrong password often does: the
    /// user must give the options.
    Weak(Vec<Candidate>),
    /// A candidate's start is recognisable, but its final padding is invalid:
    /// the file is damaged (not a wrong password).
    Damaged(Candidate),
    /// The ciphertext is not a whole number of blocks, and no CTR preset's start
    /// looks like anything: a CBC file cut short (or options other than presets).
    Truncated,
    /// Nothing fits: a wrong password, or options other than the presets.
    NoneFits,
}

impl Guess {
    /// The guess as a library error, for callers that only decrypt on
    /// [`Guess::Found`].
    ///
    /// # Errors
    /// [`Error::WrongPassword`] when nothing fits or the evidence is weak,
    /// [`Error::Corrupt`] or [`Error::Truncated`] as the guess found.
    pub fn into_result(self) -> Result<Candidate> {
        match self {
            Guess::Found(c) => Ok(c),
            Guess::Weak(_) => Err(Error::WrongPassword(crate::PasswordCheck::WeakEvidence)),
            Guess::Damaged(_) => Err(Error::Corrupt(crate::Corruption::End)),
            Guess::Truncated => Err(Error::Truncated),
            Guess::NoneFits => Err(Error::WrongPassword(crate::PasswordCheck::Padding)),
        }
    }
}

/// The parameter sets a guess tries: each of [`Params::presets`]' key
/// derivations with AES-256 in CBC and in CTR mode (both use the same key and IV,
/// so CTR costs no extra derivation).
pub fn candidates() -> Vec<Params> {
    let mut all = Vec::new();
    for p in Params::presets() {
        all.push(p);
        all.push(Params { cipher: Cipher::Aes256Ctr, ..p });
    }
    all
}

/// Evidence from content: how rarely random bytes look like this.
fn content_bits(content: Content, len: usize) -> u32 {
    match content {
        // Four or more fixed bytes.
        Content::Zip | Content::PgDump | Content::PgDumpCustom => 32,
        Content::Gzip => 16,
        // A random byte is printable with probability 226/256, and three quarters
        // of them ASCII only rarely: about half a bit per byte (measured by the
        // `guess_outcomes` example, see docs/SECURITY.md), capped.
        Content::Text => (len as u32 / 2).min(64),
        Content::Unknown => 0,
    }
}

fn padding_bits(p: Padding) -> u32 {
    match p {
        Padding::Valid(n) => (8 * u32::from(n)).min(64),
        _ => 0,
    }
}

/// Finds the OpenSSL options of a salted file (binary or base64 armour) that the
/// user did not give, weighing the evidence each candidate shows: the length of
/// a valid final padding, what the decrypted start looks like, and the length
/// (not a whole number of blocks: CTR, or a cut CBC file).
///
/// `head` is the file's first bytes (4 KiB is plenty; the whole file if shorter),
/// `tail` its last 32 bytes or more, `len` its length (`None` for a stream: then
/// only the content can tell, unless `head` is the whole file).
///
/// # Errors
/// [`Error::NotEncrypted`] if the file has no `Salted__` header (in binary or
/// base64), [`Error::Truncated`] if it ends inside it.
pub fn guess(password: &Password, head: &[u8], tail: &[u8], len: Option<u64>) -> Result<Guess> {
    let whole = len == Some(head.len() as u64);
    let decoded;
    let (bin, tail, len): (&[u8], &[u8], Option<u64>) = match sniff(head) {
        Kind::OpenSslSalted => (head, tail, len),
        Kind::OpenSslArmoured => {
            let mut dec = base64::Decoder::default();
            let mut out = Vec::new();
            let ok = dec.update(head, &mut out).and_then(|()| dec.finish()).is_ok();
            decoded = Zeroizing::new(out);
            if whole && !ok {
                return Err(Error::Corrupt(crate::Corruption::Base64));
            }
            let len = (whole && ok).then_some(decoded.len() as u64);
            (&decoded[..], &decoded[..], len)
        }
        _ => return Err(Error::NotEncrypted),
    };
    if bin.len() < 16 {
        return Err(Error::Truncated);
    }
    let whole = len == Some(bin.len() as u64);
    let salt = &bin[8..16];
    let ct_head = &bin[16..];
    let ct_len = len.map(|l| l - 16);
    if ct_len == Some(0) {
        return Err(Error::Truncated);
    }
    let cbc_possible = ct_len.is_none_or(|l| l % BLOCK as u64 == 0);
    let mut found: Vec<Candidate> = Vec::new();
    for params in candidates() {
        let keys = KeyMaterial::derive(&params, password, salt)?;
        let n = ct_head.len().min(CONTENT_LEN);
        let mut start = Zeroizing::new(ct_head[..n].to_vec());
        let padding = if !params.cipher.is_cbc() {
            keys.ctr()?.apply(&mut start);
            Padding::None
        } else if !cbc_possible {
            continue;
        } else {
            start.truncate(n / BLOCK * BLOCK);
            keys.cbc_decryptor(keys.iv())?.decrypt(&mut start);
            match ct_len {
                Some(ct_len) => {
                    let last = if whole { ct_head } else { tail };
                    let padding = last_block_padding(&keys, last, ct_len)?;
                    if let (Padding::Valid(p), true) = (padding, start.len() as u64 == ct_len) {
                        let keep = start.len() - usize::from(p);
                        start.truncate(keep);
                    }
                    padding
                }
                None => Padding::NotChecked,
            }
        };
        let content = looks_like_plaintext(&start);
        let content_bits = content_bits(content, start.len());
        found.push(Candidate {
            params,
            padding,
            content,
            content_bits,
            bits: content_bits + padding_bits(padding),
        });
    }
    let mut best: Option<Candidate> = None;
    for c in found.iter().filter(|c| c.padding != Padding::Invalid && c.bits >= STRONG_BITS) {
        if best.is_none_or(|b| c.bits > b.bits) {
            best = Some(*c);
        }
    }
    if let Some(c) = best {
        return Ok(Guess::Found(c));
    }
    if let Some(c) = found.iter().find(|c| c.padding == Padding::Invalid && c.content_bits >= STRONG_BITS) {
        return Ok(Guess::Damaged(*c));
    }
    let weak: Vec<Candidate> =
        found.into_iter().filter(|c| c.padding != Padding::Invalid && c.bits > 0).collect();
    if !weak.is_empty() {
        return Ok(Guess::Weak(weak));
    }
    Ok(if cbc_possible { Guess::NoneFits } else { Guess::Truncated })
}

/// The final block's padding: `tail` holds the file's last bytes (at least the
/// last two blocks, or the whole ciphertext).
fn last_block_padding(keys: &KeyMaterial, tail: &[u8], ct_len: u64) -> Result<Padding> {
    if tail.len() < BLOCK {
        return Err(Error::Truncated);
    }
    let chain: [u8; 16] = if ct_len >= 2 * BLOCK as u64 {
        tail.get(tail.len() - 2 * BLOCK..tail.len() - BLOCK)
            .and_then(|s| s.try_into().ok())
            .ok_or(Error::Truncated)?
    } else {
        *keys.iv()
    };
    let mut last = Zeroizing::new([0u8; BLOCK]);
    last.copy_from_slice(&tail[tail.len() - BLOCK..]);
    keys.cbc_decryptor(&chain)?.decrypt(&mut last[..]);
    Ok(match pkcs7_data_len(&last) {
        Some(n) => Padding::Valid((BLOCK - n) as u8),
        None => Padding::Invalid,
    })
}
