//! OpenSSL options, and finding them when the user gives none.
//!
//! An OpenSSL `enc` file records neither cipher nor key derivation. Without
//! options the library's [`openssl::guess`] weighs what each common preset
//! shows (final padding, decrypted start, length) and decrypts only on strong
//! evidence; this module turns its answer into words and exit codes. On a stream
//! (standard input) the end is not known yet, so only the start decides, and the
//! full decryption checks the padding afterwards.

use backupcrypt::openssl::guess::Padding;
use backupcrypt::openssl::{self, Candidate, Choices, Cipher, Guess, KeyDerivation, Params};
use backupcrypt::{Md, Password};
use clap::Args;

use super::exit::{self, Exit, Failure};
use super::input::Input;

/// The options `openssl enc` needs to be told (none is recorded in the file).
#[derive(Args, Debug, Clone, Default)]
#[command(
    next_help_heading = "OpenSSL options (not recorded in the file; when decrypting without them, the common presets are tried)"
)]
pub struct OpenSslArgs {
    /// Cipher: aes-128-cbc, aes-192-cbc, aes-256-cbc, aes-128-ctr, aes-192-ctr, aes-256-ctr
    /// [default: aes-256-cbc]
    #[arg(long, value_name = "CIPHER", value_parser = Choices::parse_cipher)]
    pub cipher: Option<Cipher>,
    /// Digest of the key derivation: md5, sha1, sha256, sha512 [default: sha256]
    #[arg(long, value_name = "DIGEST", value_parser = Choices::parse_md)]
    pub md: Option<Md>,
    /// PBKDF2 iterations (`-iter`) [default: 10000]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub iter: Option<u32>,
    /// Legacy EVP_BytesToKey key derivation (no `-pbkdf2`), as OpenSSL before 1.1.1 did
    #[arg(long, conflicts_with = "iter")]
    pub legacy_kdf: bool,
    /// No salt and no `Salted__` header (`-nosalt`)
    #[arg(long, conflicts_with = "salt")]
    pub nosalt: bool,
    /// This salt, 16 hex digits (`-S`); OpenSSL 3 then writes no header
    #[arg(long, value_name = "HEX", value_parser = Choices::parse_salt)]
    pub salt: Option<[u8; 8]>,
}

impl OpenSslArgs {
    /// The choices as the library takes them.
    pub fn choices(&self) -> Choices {
        Choices {
            cipher: self.cipher,
            md: self.md,
            iter: self.iter,
            legacy_kdf: self.legacy_kdf,
            nosalt: self.nosalt,
            salt: self.salt,
        }
    }

    /// True if any option was given (then no preset detection happens).
    pub fn is_given(&self) -> bool {
        self.choices().is_given()
    }

    /// The parameters these options describe, OpenSSL's defaults filling the rest.
    ///
    /// # Errors
    /// Exit 2 for options that contradict each other.
    pub fn params(&self) -> exit::Result<Params> {
        self.choices().params().map_err(Failure::usage)
    }
}

/// How the OpenSSL parameters were chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// From the command line.
    Given,
    /// Guessed by the library, on strong evidence.
    Guessed(Candidate),
}

/// The OpenSSL parameters to decrypt with, and how they were found.
#[derive(Clone, Copy, Debug)]
pub struct Detected {
    /// The parameters.
    pub params: Params,
    /// How they were chosen.
    pub choice: Choice,
}

impl Detected {
    /// One line for stderr, e.g. "OpenSSL options: preset `-aes-256-cbc -pbkdf2 …` matched (…)".
    pub fn describe(&self) -> String {
        let flags = self.params.openssl_flags();
        match self.choice {
            Choice::Given => format!("OpenSSL options: {flags}"),
            Choice::Guessed(c) => format!("OpenSSL options: preset `{flags}` matched ({})", evidence(&c)),
        }
    }

    /// True when the final padding was not checked before decrypting (a stream):
    /// then a padding error at the end, after a recognised start, means damage.
    pub fn start_recognised_end_unchecked(&self) -> bool {
        matches!(self.choice, Choice::Guessed(c) if c.padding == Padding::NotChecked)
    }
}

/// A candidate's evidence in words.
fn evidence(c: &Candidate) -> String {
    let padding = match c.padding {
        Padding::Valid(n) => format!("final padding valid ({n} byte{}), ", if n == 1 { "" } else { "s" }),
        Padding::Invalid => "final padding invalid, ".into(),
        Padding::NotChecked | Padding::None => String::new(),
    };
    format!("{padding}content: {}", c.content.name())
}

/// The command-line options that select these parameters.
pub fn options_for(p: &Params) -> String {
    let mut s = format!("--cipher {}", p.cipher.name());
    match p.kdf {
        KeyDerivation::Pbkdf2 { md, iterations } => s += &format!(" --md {} --iter {iterations}", md.name()),
        KeyDerivation::Legacy { md } => s += &format!(" --legacy-kdf --md {}", md.name()),
    }
    s
}

/// Bytes looked at for detection: enough for armour detection plus the content.
pub const HEAD: usize = 4096;

/// Picks the OpenSSL parameters for `input`, which must be a salted OpenSSL file
/// (binary or base64). With options given, those; otherwise what the library's
/// guess finds on strong evidence.
///
/// # Errors
/// Exit 3 when no preset fits or the evidence is too weak to tell (the presets
/// that fit are named), exit 4 when the start is recognisable but the end is not
/// (damaged) or the length fits no preset (truncated).
pub fn detect(input: &mut Input, password: &Password, args: &OpenSslArgs) -> exit::Result<Detected> {
    if args.is_given() {
        return Ok(Detected { params: args.params()?, choice: Choice::Given });
    }
    let head = input.head(HEAD)?.to_vec();
    let whole = input.head_is_all();
    let len = if whole { Some(head.len() as u64) } else { input.len };
    let tail = if whole { None } else { input.tail(32) };
    let nothing = "nothing was decrypted";
    let guess = openssl::guess(password, &head, tail.as_deref().unwrap_or(&[]), len)
        .map_err(|e| exit::from_error(&e, nothing))?;
    let tried = || {
        let all: Vec<String> =
            openssl::guess::candidates().iter().map(|p| format!("`{}`", p.openssl_flags())).collect();
        all.join(", ")
    };
    match guess {
        Guess::Found(c) => Ok(Detected { params: c.params, choice: Choice::Guessed(c) }),
        Guess::Weak(fits) => {
            let list: Vec<String> =
                fits.iter().map(|c| format!("`{}` ({})", options_for(&c.params), evidence(c))).collect();
            Err(Failure::new(
                Exit::WrongPassword,
                format!(
                    "cannot tell the OpenSSL options: {} fit{}, but no better than a wrong password often does                      (about 1 in 256 passes a one-byte padding): {nothing}; if the password is right, give the                      options the file was made with, e.g. {}",
                    list.join(", "),
                    if list.len() == 1 { "s" } else { "" },
                    options_for(&fits[0].params)
                ),
            ))
        }
        Guess::Damaged(c) => Err(Failure::new(
            Exit::Damaged,
            format!(
                "the file is damaged: with `{}` its start decrypts to {}, but the final padding is invalid                  (the end was changed or cut): {nothing}; use another copy of the backup",
                c.params.openssl_flags(),
                c.content.name()
            ),
        )),
        Guess::Truncated => Err(Failure::new(
            Exit::Damaged,
            format!(
                "the file is truncated (its length is not a whole number of 16-byte blocks, and no CTR preset                  decrypts its start to anything recognisable): {nothing}; was the download or copy complete?                  (an AES-CTR file made with other options needs --cipher and the key-derivation options)"
            ),
        )),
        Guess::NoneFits if len.is_none() => Err(Failure::new(
            Exit::WrongPassword,
            format!(
                "wrong password, or OpenSSL options other than the common presets: no preset ({}) decrypts                  the start to anything recognisable, and on a stream the final padding cannot be checked in                  advance: {nothing}; give the options the file was made with (--cipher, --md, --iter, --legacy-kdf)",
                tried()
            ),
        )),
        Guess::NoneFits => Err(Failure::new(
            Exit::WrongPassword,
            format!(
                "wrong password, or OpenSSL options other than the common presets (none of {} fits)",
                tried()
            ),
        )),
    }
}
