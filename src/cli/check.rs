//! Checking one decrypted stream without writing it anywhere, and the verdict:
//! what `verify` reports per file, and what `archive`/`encrypt` to S3 check on
//! the bytes going up ([`super::checked`]).

use std::io::{ErrorKind, Read};

use backupcrypt::content::{ContentCheck, Found};
use backupcrypt::io::DecryptingReader;
use backupcrypt::openssl::{self as core_openssl, Content};
use backupcrypt::{Error, Integrity, Password};

use super::exit::{self, Exit};
use super::openssl::content_name;

/// The verdict on one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Every available check passed.
    Ok,
    /// The password (or the OpenSSL options) does not open it.
    WrongPassword,
    /// Corrupt, truncated, or its content is incomplete.
    Damaged,
    /// Decrypts, but nothing can tell whether the result is right (OpenSSL
    /// without recognisable content).
    Unverifiable,
    /// Not an encrypted file, or an unsupported version or feature.
    Unsupported,
    /// It could not be read.
    Error,
}

impl Status {
    /// The word in the report and the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::WrongPassword => "wrong password",
            Status::Damaged => "damaged",
            Status::Unverifiable => "unverifiable",
            Status::Unsupported => "unsupported",
            Status::Error => "error",
        }
    }

    pub fn json_name(self) -> &'static str {
        match self {
            Status::WrongPassword => "wrong_password",
            other => other.name(),
        }
    }

    pub fn from_exit(e: Exit) -> Status {
        match e {
            Exit::Ok => Status::Ok,
            Exit::WrongPassword => Status::WrongPassword,
            Exit::Damaged => Status::Damaged,
            Exit::Unsupported | Exit::Usage => Status::Unsupported,
            Exit::Failure | Exit::Unsafe => Status::Error,
        }
    }

    pub fn exit(self) -> Exit {
        match self {
            Status::Ok => Exit::Ok,
            Status::WrongPassword => Exit::WrongPassword,
            Status::Damaged => Exit::Damaged,
            Status::Unverifiable | Status::Unsupported => Exit::Unsupported,
            Status::Error => Exit::Failure,
        }
    }
}

/// Decides what a successful decryption means, given the content.
fn judge(integrity: Integrity, content: Found) -> (Status, String) {
    let what = match content.kind {
        Content::Zip | Content::PgDump => content.describe(),
        kind => format!("content: {}", content_name(kind)),
    };
    let checked = match integrity {
        Integrity::Authenticated => "HMAC verified",
        Integrity::PaddingChecked => "padding valid",
        Integrity::Unchecked => "no check in the format (CTR)",
    };
    let status = match (integrity, content.kind, content.complete) {
        (_, _, Some(false)) => Status::Damaged,
        (Integrity::Authenticated, _, _) => Status::Ok,
        (_, _, Some(true)) => Status::Ok,
        (_, Content::Unknown, _) => {
            return (
                Status::WrongPassword,
                format!("{checked} but the content is random: wrong password or wrong OpenSSL options"),
            );
        }
        _ => Status::Unverifiable,
    };
    let detail = if status == Status::Unverifiable {
        format!(
            "{checked}; content is {what}, which cannot be checked: the OpenSSL format has no integrity check"
        )
    } else {
        format!("{checked}; {what}")
    };
    (status, detail)
}

/// What checking one stream found.
pub struct Checked {
    /// The verdict.
    pub status: Status,
    /// The sentence after it.
    pub detail: String,
    /// What the format checked, when decryption got to the end.
    pub integrity: Option<Integrity>,
    /// What the content looked like, when decryption got to the end.
    pub content: Option<Found>,
}

/// Decrypts `reader` to nowhere and judges it: the checks of `verify` on any stream
/// (a file, an S3 object, or the encrypted bytes on their way up to S3).
pub fn check_reader<R: Read>(
    reader: R,
    password: &Password,
    options: backupcrypt::DecryptOptions,
    openssl: Option<core_openssl::Params>,
) -> Checked {
    let mut sink = ContentCheck::new();
    let mut version = None;
    let result = {
        let mut reader = DecryptingReader::new(reader, password.clone(), options);
        let mut buf = zeroize::Zeroizing::new(vec![0u8; backupcrypt::io::CHUNK]);
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break reader.integrity().ok_or(Error::Truncated),
                Ok(n) => {
                    version = version.or(reader.aescrypt_header().map(|h| h.version));
                    sink.feed(&buf[..n]);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => break Err(Error::from(e)),
            }
        }
    };
    match result {
        Err(e) => Checked {
            status: Status::from_exit(exit::exit_for(&e)),
            detail: e.to_string(),
            integrity: None,
            content: None,
        },
        Ok(integrity) => {
            let content = sink.finish();
            let (status, detail) = judge(integrity, content);
            let detail = match (openssl, version) {
                (Some(p), _) => format!("OpenSSL `{}`, {detail}", p.openssl_flags()),
                (None, Some(v)) => format!("AES Crypt v{v}, {detail}"),
                (None, None) => format!("AES Crypt, {detail}"),
            };
            Checked { status, detail, integrity: Some(integrity), content: Some(content) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openssl_content_decides_what_padding_cannot() {
        let complete = Found { kind: Content::PgDump, complete: Some(true), entries: None };
        let cut = Found { kind: Content::PgDump, complete: Some(false), entries: None };
        let random = Found { kind: Content::Unknown, complete: None, entries: None };
        let text = Found { kind: Content::Text, complete: None, entries: None };
        assert_eq!(judge(Integrity::PaddingChecked, complete).0, Status::Ok);
        assert_eq!(judge(Integrity::PaddingChecked, cut).0, Status::Damaged);
        assert_eq!(judge(Integrity::PaddingChecked, random).0, Status::WrongPassword);
        assert_eq!(judge(Integrity::PaddingChecked, text).0, Status::Unverifiable);
        assert_eq!(judge(Integrity::Authenticated, random).0, Status::Ok);
        assert_eq!(judge(Integrity::Unchecked, complete).0, Status::Ok);
    }
}
