//! `backupcrypt archive PATH... -o OUT|-`: ZIP files and folders and encrypt the
//! archive in one stream, in constant memory (the replacement for the
//! aiozipstream + pyAesCrypt job, which held the whole archive in memory twice).
//!
//! The ZIP is streamed with data descriptors (stored by default, `--deflate`
//! optional, ZIP64 where needed) straight into the encryptor; OUT appears only
//! when complete.

use std::path::PathBuf;

use backupcrypt::io::{EncryptTo, EncryptingWriter};
use backupcrypt::openssl::Armour;
use backupcrypt::zip::{ArchiveOptions, Compression, archive_paths};
use clap::Args as ClapArgs;

use super::Global;
use super::checked::Teed;
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
    /// With an s3:// source: start a new part when the next object would take the
    /// current one over this many bytes (suffixes K, M, G, T); the parts are named
    /// OUT with `--part-N` before `.zip.encrypted`, and made only once all are written.
    #[arg(long, value_name = "BYTES", value_parser = super::extract::parse_size)]
    pub part_size: Option<u64>,
    #[command(flatten)]
    pub password: PasswordArgs,
    #[command(flatten)]
    pub openssl: OpenSslArgs,
}

/// Runs `archive`.
///
/// # Errors
/// Exit 2 for bad options, 1 for I/O errors (OUT is then not created).
pub fn run(args: Args, global: &Global) -> exit::Result {
    let to = super::encrypt::target(args.format, args.base64, &args.openssl)?;
    let dest = Destination::from_arg(&args.output);
    if args.paths.iter().any(|p| super::s3::is_s3(p.as_os_str())) {
        return super::archive_s3::run(&args, to, &dest, global);
    }
    if args.part_size.is_some() {
        return Err(Failure::usage("--part-size needs an s3:// source"));
    }
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
        Destination::S3(_) => "no object was made",
    };
    let options =
        ArchiveOptions { compression: if args.deflate { Compression::Deflate } else { Compression::Stored } };
    // To S3: the encrypted bytes pass verify's checks on their way up, or no object is made.
    let remote = matches!(dest, Destination::S3(_));
    let teed = Teed::new_if(remote, &mut out, &password, &to).map_err(|e| exit::from_io(&e, nothing))?;
    let writer = EncryptingWriter::new(teed, &password, to).map_err(|e| exit::from_error(&e, nothing))?;
    let (writer, report) =
        archive_paths(&args.paths, writer, &options).map_err(|e| exit::from_io(&e, nothing))?;
    let teed = writer.finish().map_err(|e| exit::from_io(&e, nothing))?;
    if let (_, Err(detail)) = teed.finish() {
        return Err(Failure::new(
            super::exit::Exit::Damaged,
            format!("the encrypted archive failed verify's checks ({detail}); {nothing}"),
        ));
    }
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
