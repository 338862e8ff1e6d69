//! Opening an encrypted input: what it is (before any password is asked), and
//! the options to decrypt it with. Shared by `decrypt`, `verify`, `ls` and
//! `extract`.

use backupcrypt::sniff::{self, Kind};
use backupcrypt::{DecryptOptions, Format, Limits, Password};

use super::exit::{self, Exit, Failure};
use super::input::Input;
use super::openssl::{self, Detected, OpenSslArgs};

/// What [`prepare`] found out about an input before decrypting it.
#[derive(Clone, Copy, Debug)]
pub struct Prepared {
    /// The options to give the decryptor.
    pub options: DecryptOptions,
    /// The format, if recognised from the first bytes.
    pub format: Option<Format>,
    /// For OpenSSL: the parameters and how they were found.
    pub openssl: Option<Detected>,
}

/// Recognises the format of `input` and picks the OpenSSL parameters.
///
/// # Errors
/// Exit 3 when no OpenSSL preset opens a regular file; exit 1 on read errors.
pub fn prepare(
    input: &mut Input,
    password: &Password,
    openssl_args: &OpenSslArgs,
    limits: Limits,
) -> exit::Result<Prepared> {
    let head = input.head(openssl::HEAD)?;
    let format = if headerless(openssl_args) { Some(Format::OpenSsl) } else { sniff::sniff(head).format() };
    let detected = match format {
        Some(Format::OpenSsl) => Some(openssl::detect(input, password, openssl_args)?),
        _ => None,
    };
    let options = DecryptOptions { openssl: detected.map(|d| d.params), limits };
    Ok(Prepared { options, format, openssl: detected })
}

/// The options name an OpenSSL file without a header (`--nosalt`, `--salt`):
/// then any bytes are taken for one ([`backupcrypt::openssl::Choices::headerless`]).
pub fn headerless(args: &OpenSslArgs) -> bool {
    args.choices().headerless()
}

/// Refuses, before any password is asked, an input that is not encrypted (exit 5),
/// saying what it is. With `--nosalt`/`--salt` any bytes may be a headerless file.
///
/// # Errors
/// Exit 5 naming what the input is; exit 1 on read errors.
pub fn check_encrypted(input: &mut Input, args: &OpenSslArgs) -> exit::Result<Kind> {
    let kind = sniff::sniff(input.head(openssl::HEAD)?);
    if !args.choices().may_open(kind) {
        return Err(not_encrypted(kind, &input.name));
    }
    Ok(kind)
}

/// The failure for a file that is not encrypted: what it is, and what to do.
pub fn not_encrypted(kind: Kind, name: &str) -> Failure {
    let advice = match kind {
        Kind::Plain(sniff::Content::Zip) => {
            "; list or extract it with `backupcrypt ls` or `backupcrypt extract`"
        }
        Kind::Plain(sniff::Content::Unknown) => " (for -nosalt pass --nosalt; for -S pass --salt HEX)",
        _ => "",
    };
    Failure::new(Exit::Unsupported, format!("{name} is {}: nothing was read{advice}", kind.describe()))
}
