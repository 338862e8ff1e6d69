//! OpenSSL options, and finding them when the user gives none.
//!
//! An OpenSSL `enc` file records neither cipher nor key derivation. Without
//! options we try [`Params::presets`] (PBKDF2-SHA256-10000, legacy MD5, legacy
//! SHA-256) and keep the one whose final block has valid padding and whose first
//! block looks like real data (ZIP, pg_dump, text, …). On a regular file that
//! costs one key derivation per preset and reads three blocks; on a stream
//! (standard input) the end is not known yet, so only the first block's content
//! decides, and the full decryption checks the padding afterwards.

use backupcrypt::openssl::{self, Choices, Cipher, Content, Params};
use backupcrypt::{Error, Md, Password};
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
    /// A preset; `padding` is `Some(true)` when its final padding was checked
    /// valid, `None` when it could not be checked in advance (a stream).
    Preset {
        /// Final padding checked in advance.
        padding: Option<bool>,
        /// What the first block looked like.
        content: Content,
    },
    /// No preset looked right on a stream: the default, checked by the decryption.
    Fallback,
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
            Choice::Preset { padding, content } => {
                let padding = match padding {
                    Some(true) => "final padding valid, ",
                    _ => "",
                };
                let mut line = format!(
                    "OpenSSL options: preset `{flags}` matched ({padding}content: {})",
                    content_name(content)
                );
                if content == Content::Unknown {
                    // Valid padding alone happens for about 1 wrong password in 256.
                    line += "; warning: the data looks like nothing known: if it is garbage, \
                             the password or the options are wrong";
                }
                line
            }
            Choice::Fallback => {
                format!("OpenSSL options: no preset recognised the first block; used the default `{flags}`")
            }
        }
    }
}

/// A content kind in words.
pub fn content_name(c: Content) -> &'static str {
    match c {
        Content::Zip => "ZIP archive",
        Content::PgDump => "PostgreSQL dump",
        Content::PgDumpCustom => "PostgreSQL custom-format dump",
        Content::Gzip => "gzip",
        Content::Text => "text",
        Content::Unknown => "not recognised",
    }
}

/// Bytes looked at for detection: enough for armour detection plus two blocks.
pub const HEAD: usize = 4096;

/// Picks the OpenSSL parameters for `input`, which must be an OpenSSL file (not
/// AES Crypt). With options given, those; otherwise the first preset that opens
/// the file convincingly.
///
/// # Errors
/// Exit 3 when the input is a regular file and no preset gives valid padding.
pub fn detect(input: &mut Input, password: &Password, args: &OpenSslArgs) -> exit::Result<Detected> {
    if args.is_given() {
        return Ok(Detected { params: args.params()?, choice: Choice::Given });
    }
    let presets = Params::presets();
    let head = input.head(HEAD)?.to_vec();
    let salted = head.starts_with(openssl::MAGIC);
    let armoured = head.starts_with(openssl::MAGIC_BASE64);
    if !salted && !armoured {
        // Not OpenSSL-salted: the decryption reports it (NotEncrypted or Truncated).
        return Ok(Detected { params: presets[0], choice: Choice::Fallback });
    }
    let whole = input.head_is_all();
    let tail = if salted { input.tail(32) } else { None };
    let mut results = Vec::with_capacity(presets.len());
    for params in presets {
        let trial = if whole {
            trial_decrypt(&head, password, params, true)
        } else if let (Some(tail), Some(len)) = (&tail, input.len) {
            openssl::probe(password, &params, &head, tail, len).ok().map(|r| (Some(r.padding_ok), r.content))
        } else {
            trial_decrypt(&head, password, params, false)
        };
        // Truncated or similar: the full decryption will say exactly what is wrong.
        let Some((padding, content)) = trial else {
            return Ok(Detected { params: presets[0], choice: Choice::Fallback });
        };
        results.push((params, padding, content));
    }
    let pick = |pred: &dyn Fn(Option<bool>, Content) -> bool| {
        results.iter().find(|(_, p, c)| pred(*p, *c)).map(|&(params, padding, content)| Detected {
            params,
            choice: Choice::Preset { padding, content },
        })
    };
    if let Some(d) = pick(&|p, c| p != Some(false) && c != Content::Unknown) {
        return Ok(d);
    }
    if let Some(d) = pick(&|p, _| p == Some(true)) {
        return Ok(d);
    }
    if results.iter().all(|(_, p, _)| *p == Some(false)) {
        let tried: Vec<String> = presets.iter().map(|p| format!("`{}`", p.openssl_flags())).collect();
        return Err(Failure::new(
            Exit::WrongPassword,
            format!(
                "wrong password, or OpenSSL options other than the common presets (none of {} gives valid padding)",
                tried.join(", ")
            ),
        ));
    }
    Ok(Detected { params: presets[0], choice: Choice::Fallback })
}

/// Decrypts the head with `params`: (padding valid if `whole`, first block's
/// content); `None` if the file is malformed whatever the parameters.
fn trial_decrypt(
    head: &[u8],
    password: &Password,
    params: Params,
    whole: bool,
) -> Option<(Option<bool>, Content)> {
    let mut d = openssl::Decryptor::new(password.clone(), params);
    let mut out = Vec::new();
    d.update(head, &mut out).ok()?;
    let padding = if whole {
        match d.finish(&mut out) {
            Ok(_) => Some(true),
            Err(Error::WrongPassword(_)) => {
                zeroize::Zeroize::zeroize(&mut out);
                Some(false)
            }
            Err(_) => return None,
        }
    } else {
        None
    };
    let content = if out.is_empty() {
        Content::Unknown
    } else {
        openssl::looks_like_plaintext(&out[..out.len().min(16)])
    };
    zeroize::Zeroize::zeroize(&mut out);
    Some((padding, content))
}
