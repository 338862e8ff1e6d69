//! `backupcrypt archive PATH... -o OUT|-`: ZIP files and folders and encrypt the
//! archive in one stream, in constant memory (the replacement for the
//! aiozipstream + pyAesCrypt job, which held the whole archive in memory twice).
//!
//! The ZIP is streamed with data descriptors (stored by default, `--deflate`
//! optional, ZIP64 where needed) straight into the encryptor; OUT appears only
//! when complete.

use std::path::PathBuf;

use backupcrypt::aescrypt;
use backupcrypt::io::{EncryptTo, EncryptingWriter};
use backupcrypt::openssl::Armour;
use backupcrypt::zip::{ArchiveOptions, Compression, archive_paths};
use clap::Args as ClapArgs;

use super::Global;
use super::encrypt::FormatArg;
use super::exit::{self, Failure};
use super::openssl::OpenSslArgs;
use super::output::{Destination, Output};
use super::password::{PasswordArgs, Prompt};
use super::progress;

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

fn target(args: &Args) -> exit::Result<EncryptTo> {
    let o = &args.openssl;
    let openssl_only = o.cipher.is_some() || o.md.is_some() || o.legacy_kdf || o.nosalt || o.salt.is_some();
    match args.format {
        FormatArg::Openssl => {
            let mut params = o.params();
            params.armour = if args.base64 { Armour::Base64 { single_line: false } } else { Armour::Binary };
            Ok(EncryptTo::OpenSsl(params))
        }
        _ if openssl_only || args.base64 => Err(Failure::usage(
            "--cipher, --md, --legacy-kdf, --nosalt, --salt and --base64 are OpenSSL options: add --format openssl",
        )),
        FormatArg::Aescrypt if o.iter.is_some() => Err(Failure::usage(
            "AES Crypt v2 has a fixed key derivation: --iter needs --format aescrypt3 or openssl",
        )),
        FormatArg::Aescrypt => Ok(EncryptTo::AesCrypt(aescrypt::Version::V2)),
        FormatArg::Aescrypt3 => Ok(EncryptTo::AesCrypt(aescrypt::Version::V3 {
            iterations: o.iter.unwrap_or(aescrypt::V3_DEFAULT_ITERATIONS),
        })),
    }
}

/// Runs `archive`.
///
/// # Errors
/// Exit 2 for bad options, 1 for I/O errors (OUT is then not created).
pub fn run(args: Args, global: &Global) -> exit::Result {
    let to = target(&args)?;
    let dest = Destination::from_arg(&args.output);
    let armoured = matches!(to, EncryptTo::OpenSsl(p) if p.armour != Armour::Binary);
    if dest.is_terminal() && !armoured {
        return Err(Failure::usage(
            "refusing to write encrypted data to a terminal: redirect standard output or name a file with -o",
        ));
    }
    for p in &args.paths {
        std::fs::symlink_metadata(p)
            .map_err(|e| exit::from_io(&e, "nothing was written").about_name(&p.display().to_string()))?;
    }
    let mut out = Output::create(&dest, args.force)?;
    let password = args.password.read(Prompt::Confirm)?;
    let nothing = match dest {
        Destination::Stdout => "discard what was written to standard output",
        Destination::File(_) => "nothing was written",
    };
    let writer = EncryptingWriter::new(&mut out, &password, to).map_err(|e| exit::from_error(&e, nothing))?;
    let options =
        ArchiveOptions { compression: if args.deflate { Compression::Deflate } else { Compression::Stored } };
    let (writer, report) =
        archive_paths(&args.paths, writer, &options).map_err(|e| exit::from_io(&e, nothing))?;
    writer.finish().map_err(|e| exit::from_io(&e, nothing))?;
    out.commit()?;
    for (path, why) in &report.skipped {
        eprintln!("backupcrypt: skipped {}: {why}", path.display());
    }
    if !global.quiet {
        eprintln!(
            "backupcrypt: archived {} files and {} folders ({}) into {}",
            report.files,
            report.directories,
            progress::bytes(report.bytes),
            dest.name()
        );
    }
    Ok(())
}
