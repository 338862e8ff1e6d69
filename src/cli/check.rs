//! Checking one decrypted stream without writing it anywhere, and the verdict:
//! what `verify` reports per file, and what `archive`/`encrypt` to S3 check on
//! the bytes going up ([`super::checked`]).

use std::io::{ErrorKind, Read};

use backupcrypt::content::{self, ContentCheck, Found, Verdict};
use backupcrypt::io::DecryptingReader;
use backupcrypt::openssl as core_openssl;
use backupcrypt::{Error, Integrity, Password};

use super::exit::{self, Exit};

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

/// Decides what a successful decryption means, given the content: the
/// library's verdict ([`backupcrypt::content::judge`]), as a status here.
fn judge(integrity: Integrity, content: Found) -> (Status, String) {
    let (verdict, detail) = content::judge(integrity, content);
    let status = match verdict {
        Verdict::Ok => Status::Ok,
        Verdict::Damaged => Status::Damaged,
        Verdict::WrongPassword => Status::WrongPassword,
        Verdict::Unverifiable => Status::Unverifiable,
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
