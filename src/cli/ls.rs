//! `backupcrypt ls FILE [--json] [--verify]`: list the entries of an encrypted ZIP
//! backup. STUB — owned by the ZIP helper, who replaces this file entirely.
//!
//! Interface kept by `mod.rs`: `pub struct Args` (clap `Args`, flattened into the
//! `ls` subcommand) and `pub fn run(args: Args, global: &Global) -> exit::Result`.
//! Shared helpers: `super::password::PasswordArgs` (flatten it; `.read(Prompt::Once)`),
//! `super::openssl::OpenSslArgs`, `super::input::Input`, `super::decrypt::prepare`
//! (format + OpenSSL preset detection), `super::output::Output`,
//! `super::progress::Progress`, `super::json::Json`, and `super::exit` (exit codes:
//! `Exit::Unsafe` = 6 for refused archive content).

use std::path::PathBuf;

use clap::Args as ClapArgs;

use super::Global;
use super::exit::{self, Exit, Failure};
use super::openssl::OpenSslArgs;
use super::password::PasswordArgs;

/// Arguments of `ls`.
#[derive(ClapArgs, Debug, Clone)]
pub struct Args {
    /// The encrypted ZIP backup; `-`: standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// One JSON document on stdout, for scripts.
    #[arg(long)]
    pub json: bool,
    /// Also decrypt every entry and check its CRC-32.
    #[arg(long)]
    pub verify: bool,
    #[command(flatten)]
    pub password: PasswordArgs,
    #[command(flatten)]
    pub openssl: OpenSslArgs,
}

/// Runs `ls` (not implemented yet).
///
/// # Errors
/// Always, for now.
pub fn run(args: Args, global: &Global) -> exit::Result {
    let _ = (args, global);
    Err(Failure::new(Exit::Failure, "ls is not implemented yet"))
}
