//! The arguments of `archive`, shared by its local and S3 halves
//! ([`super::archive`], [`super::archive_s3`]).

use std::path::PathBuf;

use clap::Args as ClapArgs;

use super::encrypt_to::FormatArg;
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
    /// With an s3:// source: start a new part when the next object would take the
    /// current one over this many bytes (suffixes K, M, G, T); the parts are named
    /// OUT with `--part-N` before `.zip.encrypted`, and made only once all are written.
    #[arg(long, value_name = "BYTES", value_parser = super::size::parse_size)]
    pub part_size: Option<u64>,
    #[command(flatten)]
    pub password: PasswordArgs,
    #[command(flatten)]
    pub openssl: OpenSslArgs,
}
