//! `backupcrypt archive PATH... -o OUT|-`: ZIP files and folders and encrypt the
//! archive in one stream, in constant memory (the replacement for the
//! aiozipstream + pyAesCrypt job, which held the whole archive in memory twice).
//!
//! The ZIP is streamed with data descriptors (stored by default, `--deflate`
//! optional, ZIP64 where needed) straight into the encryptor; OUT appears only
//! when complete.

use backupcrypt::io::{EncryptTo, EncryptingWriter};
use backupcrypt::openssl::Armour;
use backupcrypt::zip::{ArchiveOptions, Compression, archive_paths};

use super::Global;
pub use super::archive_args::Args;
use super::checked::Teed;
use super::exit::{self, Failure};
use super::output::{Destination, Output};
use super::password::Prompt;
use super::progress;

/// Runs `archive`.
///
/// # Errors
/// Exit 2 for bad options, 1 for I/O errors (OUT is then not created).
pub fn run(args: Args, global: &Global) -> exit::Result {
    let to = super::encrypt_to::target(args.format, args.base64, &args.openssl)?;
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
