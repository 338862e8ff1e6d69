//! Exit codes and the one-line failure messages of the command line.
//!
//! Every subcommand returns [`Result`]; `main` prints a [`Failure`] as
//! `backupcrypt: <what happened>: <what to do>` on stderr and exits with its code.
//! Scripts depend on the codes: keep them and [`HELP`] in step with the README.

use std::fmt;
use std::path::Path;
use std::process::ExitCode;

use backupcrypt::{Corruption, Error, PasswordCheck};

/// The exit codes, as documented in `--help` and the README.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Exit {
    /// 0: success.
    Ok = 0,
    /// 1: I/O or other failure.
    Failure = 1,
    /// 2: bad command line (also what clap uses).
    Usage = 2,
    /// 3: wrong password (or wrong OpenSSL options).
    WrongPassword = 3,
    /// 4: damaged input: corrupt or truncated.
    Damaged = 4,
    /// 5: not an encrypted file, unsupported version or feature.
    Unsupported = 5,
    /// 6: unsafe archive content refused (path traversal, links, …).
    Unsafe = 6,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// 130: interrupted (Ctrl-C or a termination signal), as a shell reports SIGINT.
pub const INTERRUPTED: i32 = 130;

/// The exit code table shown at the end of `--help`.
pub const HELP: &str = "\
Exit codes:
  0  success
  1  I/O or other failure
  2  usage error (bad arguments, missing password)
  3  wrong password (or, for OpenSSL files, wrong options)
  4  damaged input: corrupt or truncated
  5  not an encrypted file, or an unsupported version or feature
  6  unsafe archive content refused
130  interrupted (Ctrl-C or terminated): nothing unfinished is left";

/// A failed command: the exit code and one line for people.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub exit: Exit,
    /// What happened and what to do, without the `backupcrypt: ` prefix.
    pub message: String,
}

/// What every subcommand returns.
pub type Result<T = ()> = std::result::Result<T, Failure>;

impl Failure {
    /// A failure with this code and message.
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Failure { exit, message: message.into() }
    }

    /// A failure already reported (per file): only the exit code is left to give.
    pub fn silent(exit: Exit) -> Self {
        Failure::new(exit, "")
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure::new(Exit::Usage, message)
    }

    /// Prefixes the message with the file it is about.
    pub fn about(mut self, path: &Path) -> Self {
        self.message = format!("{}: {}", display(path), self.message);
        self
    }

    /// Prefixes the message with the name of what it is about (`<stdin>` too).
    pub fn about_name(mut self, name: &str) -> Self {
        self.message = format!("{name}: {}", self.message);
        self
    }

    /// Prints `backupcrypt: <message>` on stderr and gives the exit code.
    pub fn report(&self) -> ExitCode {
        if !self.message.is_empty() {
            eprintln!("backupcrypt: {}", self.message);
        }
        self.exit.into()
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The exit code a library error maps to.
pub fn exit_for(e: &Error) -> Exit {
    match e {
        Error::WrongPassword(_) => Exit::WrongPassword,
        Error::Corrupt(_) | Error::Truncated => Exit::Damaged,
        Error::NotEncrypted | Error::UnsupportedVersion(_) | Error::Unsupported(_) => Exit::Unsupported,
        Error::ExcessiveWork { .. } => Exit::Unsupported,
        Error::InvalidInput(_) => Exit::Usage,
        _ => Exit::Failure,
    }
}

/// A library error as a failure, with advice. `nothing` is what was (not) done,
/// e.g. "nothing was written", appended to errors that stop the work.
pub fn from_error(e: &Error, nothing: &str) -> Failure {
    let exit = exit_for(e);
    let message = match e {
        Error::WrongPassword(PasswordCheck::HeaderHmac) => {
            format!("wrong password (or the file header was modified): {nothing}")
        }
        Error::WrongPassword(PasswordCheck::PayloadHmac) => format!(
            "wrong password, or the file is damaged (AES Crypt v0 cannot tell these apart): {nothing}"
        ),
        Error::WrongPassword(PasswordCheck::Padding) => format!(
            "wrong password or wrong OpenSSL options (the final padding is invalid): {nothing}; \
             check the password, or give the options the file was made with (--cipher, --md, --iter, --legacy-kdf)"
        ),
        Error::Corrupt(Corruption::PayloadHmac) => format!(
            "the file is damaged (the HMAC of the encrypted data does not match): {nothing}; use another copy of the backup"
        ),
        Error::Corrupt(_) => format!("{e}: {nothing}; use another copy of the backup"),
        Error::Truncated => {
            format!(
                "the file is truncated (it ends too early): {nothing}; was the download or copy complete?"
            )
        }
        Error::NotEncrypted => format!(
            "not an encrypted file (neither AES Crypt nor OpenSSL `Salted__`): {nothing}; \
             for an OpenSSL file made with -nosalt or -S, pass --nosalt or --salt HEX"
        ),
        Error::UnsupportedVersion(v) => {
            format!("unsupported AES Crypt version {v} (versions 0 to 3 are known): {nothing}")
        }
        Error::Unsupported(what) => format!("unsupported: {what}: {nothing}"),
        Error::ExcessiveWork { required, limit } => format!(
            "the file asks for {required} key-derivation iterations, above the limit of {limit}: {nothing}; \
             if you trust it, raise the limit with --max-iterations {required}"
        ),
        Error::InvalidInput(what) => format!("invalid input: {what}: {nothing}"),
        Error::Io(io) => return from_io(io, nothing),
        other => format!("{other}: {nothing}"),
    };
    Failure::new(exit, message)
}

/// An I/O error as a failure (exit 1), with advice for the common cases.
pub fn from_io(e: &std::io::Error, nothing: &str) -> Failure {
    use std::io::ErrorKind;
    let message = match e.kind() {
        ErrorKind::AlreadyExists => format!("{e}: {nothing}; pass --force to replace it"),
        ErrorKind::NotFound => format!("{e}: {nothing}"),
        ErrorKind::PermissionDenied => format!("{e}: {nothing}"),
        _ => format!("I/O error: {e}: {nothing}"),
    };
    Failure::new(Exit::Failure, message)
}

/// A path as shown in messages.
pub fn display(path: &Path) -> String {
    if path.as_os_str() == "-" { "<stdin>".into() } else { path.display().to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_kind_has_its_code() {
        assert_eq!(exit_for(&Error::WrongPassword(PasswordCheck::HeaderHmac)), Exit::WrongPassword);
        assert_eq!(exit_for(&Error::WrongPassword(PasswordCheck::Padding)), Exit::WrongPassword);
        assert_eq!(exit_for(&Error::Corrupt(Corruption::PayloadHmac)), Exit::Damaged);
        assert_eq!(exit_for(&Error::Truncated), Exit::Damaged);
        assert_eq!(exit_for(&Error::NotEncrypted), Exit::Unsupported);
        assert_eq!(exit_for(&Error::UnsupportedVersion(9)), Exit::Unsupported);
        assert_eq!(exit_for(&Error::Io(std::io::ErrorKind::Other.into())), Exit::Failure);
    }
}
