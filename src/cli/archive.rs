//! `backupcrypt archive PATH... -o OUT|-`: ZIP files and folders and encrypt the
//! archive in one stream. STUB — owned by the ZIP helper, who replaces this file.
//!
//! Interface kept by `mod.rs`: `pub struct Args` (clap `Args`, flattened into the
//! `archive` subcommand) and `pub fn run(args: Args, global: &Global) -> exit::Result`.
//! See `ls.rs` for the shared helpers; `super::encrypt::FormatArg` is the
//! `--format` value type.

use std::path::PathBuf;

use clap::Args as ClapArgs;

use super::Global;
use super::encrypt::FormatArg;
use super::exit::{self, Exit, Failure};
use super::openssl::OpenSslArgs;
use super::password::PasswordArgs;

/// Arguments of `archive`.
#[derive(ClapArgs, Debug, Clone)]
pub struct Args {
    /// Files and folders to put in the archive.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Where to write the encrypted archive; `-`: standard output.
    #[arg(short = 'o', long = "output", value_name = "OUT", required = true)]
    pub output: PathBuf,
    /// Replace OUT if it exists.
    #[arg(short = 'f', long)]
    pub force: bool,
    /// The encryption format.
    #[arg(long, value_enum, default_value_t = FormatArg::Aescrypt)]
    pub format: FormatArg,
    /// Compress entries with Deflate (default: stored, as aiozipstream wrote).
    #[arg(long)]
    pub deflate: bool,
    /// OpenSSL: base64 armour.
    #[arg(short = 'a', long)]
    pub base64: bool,
    #[command(flatten)]
    pub password: PasswordArgs,
    #[command(flatten)]
    pub openssl: OpenSslArgs,
}

/// Runs `archive` (not implemented yet).
///
/// # Errors
/// Always, for now.
pub fn run(args: Args, global: &Global) -> exit::Result {
    let _ = (args, global);
    Err(Failure::new(Exit::Failure, "archive is not implemented yet"))
}
