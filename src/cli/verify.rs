//! `backupcrypt verify FILE|DIR... [--json]`: check backups without writing plaintext.

use std::path::PathBuf;

use clap::Args;

use super::Global;
use super::exit::{self, Exit, Failure};
use super::openssl::OpenSslArgs;
use super::password::PasswordArgs;

/// Arguments of `verify`.
#[derive(Args, Debug, Clone)]
pub struct VerifyArgs {
    /// Encrypted files, or folders of backups (searched recursively).
    #[arg(value_name = "FILE|DIR", required = true)]
    pub paths: Vec<PathBuf>,
    /// One JSON document on stdout, for scripts.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub password: PasswordArgs,
    #[command(flatten)]
    pub openssl: OpenSslArgs,
}

/// Runs `verify`.
///
/// # Errors
/// Exit 0 only if every file passed.
pub fn run(args: VerifyArgs, global: &Global) -> exit::Result {
    let _ = (args, global);
    Err(Failure::new(Exit::Failure, "verify is not implemented yet"))
}
