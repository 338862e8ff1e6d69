//! Where the password comes from.
//!
//! In order: `--password-file PATH` (a key file: [`Password::from_key_file`]), `--password-env NAME`, `--password VALUE`
//! (decrypt.py / pyAesCrypt `-p` compatibility, with a warning: other processes
//! can read the command line), the environment variable `BACKUPCRYPT_PASSWORD`,
//! and last a no-echo prompt when standard input is a terminal. The password is
//! never printed or logged; an empty password is allowed (pyAesCrypt allows it).

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;

use backupcrypt::Password;
use clap::Args;

use super::exit::{self, Exit, Failure};

/// The environment variable read when no other source is given.
pub const ENV: &str = "BACKUPCRYPT_PASSWORD";

/// Password options, shared by every subcommand that needs a password.
#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "Password (default: $BACKUPCRYPT_PASSWORD, else a prompt)")]
pub struct PasswordArgs {
    /// Read the password from this file: its text (UTF-8, or UTF-16 with a byte-order mark as
    /// AES Crypt's key generator writes); one trailing newline is removed.
    #[arg(long, value_name = "PATH", group = "password_source")]
    pub password_file: Option<PathBuf>,
    /// Read the password from this environment variable.
    #[arg(long, value_name = "NAME", group = "password_source")]
    pub password_env: Option<OsString>,
    /// The password itself. Visible to other processes: prefer the options above.
    #[arg(short = 'p', long, value_name = "VALUE", group = "password_source")]
    pub password: Option<OsString>,
}

/// Whether a prompt asks twice (a typo when encrypting would lose the data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prompt {
    /// Decrypting or verifying: once.
    Once,
    /// Encrypting: twice, and both must match.
    Confirm,
}

fn bytes(s: OsString) -> Vec<u8> {
    #[cfg(unix)]
    {
        std::os::unix::ffi::OsStringExt::into_vec(s)
    }
    #[cfg(not(unix))]
    {
        s.to_string_lossy().into_owned().into_bytes()
    }
}

impl PasswordArgs {
    /// True if a source was named on the command line.
    pub fn is_given(&self) -> bool {
        self.password_file.is_some() || self.password_env.is_some() || self.password.is_some()
    }

    /// Gets the password from the first source that has one.
    ///
    /// # Errors
    /// Exit 2 when no source is available (no option, no `BACKUPCRYPT_PASSWORD`,
    /// and standard input is not a terminal), or a named source is missing; exit 1
    /// when the password file cannot be read.
    pub fn read(&self, prompt: Prompt) -> exit::Result<Password> {
        if let Some(path) = &self.password_file {
            let data = std::fs::read(path).map_err(|e| {
                Failure::new(Exit::Failure, format!("cannot read the password file {}: {e}", path.display()))
            })?;
            let data = zeroize::Zeroizing::new(data);
            return Password::from_key_file(&data).map_err(|e| {
                Failure::usage(format!("the password file {} cannot be read as text: {e}", path.display()))
            });
        }
        if let Some(name) = &self.password_env {
            let value = std::env::var_os(name).ok_or_else(|| {
                Failure::usage(format!(
                    "the environment variable {} named by --password-env is not set",
                    name.to_string_lossy()
                ))
            })?;
            return Ok(Password::new(bytes(value)));
        }
        if let Some(value) = &self.password {
            eprintln!(
                "backupcrypt: warning: a password given with --password/-p is visible to other processes; \
                 prefer --password-file, --password-env or {ENV}"
            );
            return Ok(Password::new(bytes(value.clone())));
        }
        if let Some(value) = std::env::var_os(ENV) {
            return Ok(Password::new(bytes(value)));
        }
        if std::io::stdin().is_terminal() {
            return ask(prompt);
        }
        Err(Failure::usage(format!(
            "no password given: use --password-file PATH, --password-env NAME or {ENV} \
             (standard input is not a terminal, so there is no prompt)"
        )))
    }
}

fn ask(prompt: Prompt) -> exit::Result<Password> {
    let read = |text: &str| {
        rpassword::prompt_password(text)
            .map(|s| Password::new(s.into_bytes()))
            .map_err(|e| Failure::new(Exit::Failure, format!("cannot read the password: {e}")))
    };
    let first = read("Password: ")?;
    if prompt == Prompt::Confirm {
        let second = read("Password again: ")?;
        if first.as_bytes() != second.as_bytes() {
            return Err(Failure::usage("the two passwords differ: nothing was encrypted"));
        }
        if first.is_empty() {
            eprintln!("backupcrypt: warning: the password is empty");
        }
    }
    Ok(first)
}
