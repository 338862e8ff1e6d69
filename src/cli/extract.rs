//! `backupcrypt extract FILE [-C DIR] [ENTRY...]`: extract an encrypted ZIP backup.
//! STUB — owned by the ZIP helper, who replaces this file entirely.
//!
//! Interface kept by `mod.rs`: `pub struct Args` (clap `Args`, flattened into the
//! `extract` subcommand) and `pub fn run(args: Args, global: &Global) -> exit::Result`.
//! See `ls.rs` for the shared helpers.

use std::path::PathBuf;

use clap::Args as ClapArgs;

use super::Global;
use super::exit::{self, Exit, Failure};
use super::openssl::OpenSslArgs;
use super::password::PasswordArgs;

/// Arguments of `extract`.
#[derive(ClapArgs, Debug, Clone)]
pub struct Args {
    /// The encrypted ZIP backup; `-`: standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Only these entries (default: all).
    #[arg(value_name = "ENTRY")]
    pub entries: Vec<String>,
    /// Extract into this directory.
    #[arg(short = 'C', long = "directory", value_name = "DIR", default_value = ".")]
    pub directory: PathBuf,
    /// Check the whole archive (HMAC, CRCs) before writing anything.
    #[arg(long)]
    pub verify: bool,
    /// Replace existing files.
    #[arg(short = 'f', long)]
    pub force: bool,
    #[command(flatten)]
    pub password: PasswordArgs,
    #[command(flatten)]
    pub openssl: OpenSslArgs,
}

/// Runs `extract` (not implemented yet).
///
/// # Errors
/// Always, for now.
pub fn run(args: Args, global: &Global) -> exit::Result {
    let _ = (args, global);
    Err(Failure::new(Exit::Failure, "extract is not implemented yet"))
}
