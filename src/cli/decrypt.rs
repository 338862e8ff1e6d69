//! `backupcrypt decrypt [INPUT] [-o OUTPUT]`.
//!
//! The plaintext goes to an unnamed temporary file that gets its name only after
//! the final check (HMAC, padding) passed; to standard output it streams, and the
//! exit code says whether the final check passed.

use std::path::{Path, PathBuf};

use backupcrypt::io::{decrypt_file_parallel, decrypt_stream};
use backupcrypt::{Corruption, Error, Integrity, Limits, Password, PasswordCheck, aescrypt};
use clap::Args;

use super::Global;
use super::exit::{self, Exit, Failure};
use super::input::Input;
use super::open::{Prepared, check_encrypted, prepare};
use super::openssl::OpenSslArgs;
use super::output::{self, Destination, Output, Tracked, check_distinct};
use super::password::{PasswordArgs, Prompt};
use super::progress::{self, Counting, Progress};

/// Arguments of `decrypt`.
#[derive(Args, Debug, Clone)]
pub struct DecryptArgs {
    /// The encrypted file; `-` or omitted: standard input.
    #[arg(value_name = "INPUT", conflicts_with = "infile")]
    pub input: Option<PathBuf>,
    /// Same as INPUT (decrypt.py compatibility).
    #[arg(short = 'i', long = "infile", visible_alias = "filein", value_name = "INPUT")]
    pub infile: Option<PathBuf>,
    /// Where to write the plaintext; `-`: standard output.
    /// [default: INPUT without .encrypted/.crypt/.aes/.enc (any case); standard output for standard input]
    #[arg(short = 'o', long = "output", visible_aliases = ["fileout", "outfile"], value_name = "OUTPUT")]
    pub output: Option<PathBuf>,
    /// Replace OUTPUT if it exists (atomically, once every check passed).
    #[arg(short = 'f', long)]
    pub force: bool,
    /// Refuse AES Crypt v3 files asking for more PBKDF2 iterations than this.
    #[arg(long, value_name = "N", default_value_t = aescrypt::V3_MAX_ITERATIONS)]
    pub max_iterations: u32,
    #[command(flatten)]
    pub password: PasswordArgs,
    #[command(flatten)]
    pub openssl: OpenSslArgs,
}

/// Chooses where the plaintext goes.
fn destination(input: Option<&Path>, output: Option<&Path>) -> exit::Result<Destination> {
    if let Some(out) = output {
        let dest = Destination::from_arg(out);
        if matches!(dest, Destination::S3(_)) {
            return Err(Failure::usage(
                "decrypted data never goes to S3: name a file with -o, or - for standard output",
            ));
        }
        return Ok(dest);
    }
    // An s3:// object is decrypted into the current folder, under its own name.
    let remote = input.and_then(super::s3::url).map(|(u, _)| PathBuf::from(u.file_name()));
    match remote.as_deref().or(input).filter(|p| p.as_os_str() != "-") {
        None => Ok(Destination::Stdout),
        Some(path) => output::strip_encrypted_suffix(path).map(Destination::File).ok_or_else(|| {
            Failure::usage(format!(
                "cannot choose an output name for {}: it does not end in {}; \
                 name it with -o OUTPUT (or -o - for standard output)",
                path.display(),
                output::suffix_list()
            ))
        }),
    }
}

/// File to file, OpenSSL binary: every core at once (see
/// [`backupcrypt::io::decrypt_file_parallel`]). `None`: stream instead.
fn decrypt_in_parallel(
    input: &Input,
    out: &Output,
    password: &Password,
    prepared: &Prepared,
    progress: &mut Progress,
) -> Option<(backupcrypt::Result<Integrity>, u64, bool)> {
    let (file, target) = (input.file()?, out.file()?);
    let mut reported = 0;
    let result = decrypt_file_parallel(file, target, password, &prepared.options, &mut |done| {
        progress.advance(done.saturating_sub(reported));
        reported = reported.max(done);
    });
    match result {
        Ok(None) => None,
        Ok(Some(integrity)) => {
            let written = target.metadata().map_or(0, |m| m.len());
            Some((Ok(integrity), written, false))
        }
        Err(e) => Some((Err(e), 0, false)),
    }
}

/// Runs `decrypt`.
///
/// # Errors
/// See [`exit`]: every failure leaves the destination untouched.
pub fn run(args: DecryptArgs, global: &Global) -> exit::Result {
    let input_path = args.input.as_deref().or(args.infile.as_deref());
    let dest = destination(input_path, args.output.as_deref())?;
    check_distinct(input_path, &dest)?;
    let mut input = Input::open(input_path)?;
    // Before asking for the password: a file that is not encrypted, or an
    // existing output, fails at once.
    check_encrypted(&mut input, &args.openssl)?;
    let mut out = Output::create(&dest, args.force)?;
    let password = args.password.read(Prompt::Once)?;
    let limits = Limits { max_iterations: args.max_iterations };
    let nothing =
        if out.is_streaming() { "discard what was written to the output" } else { "nothing was written" };
    let prepared = prepare(&mut input, &password, &args.openssl, limits).map_err(|mut f| {
        if f.exit == Exit::WrongPassword && !f.message.contains("nothing was") {
            f.message += ": nothing was decrypted; check the password, or give the options the file was made with \
                     (--cipher, --md, --iter, --legacy-kdf)";
        }
        f.about_name(&input.name)
    })?;
    let name = input.name.clone();
    let mut progress = Progress::new("decrypting", input.len, global.quiet);
    progress.phase("deriving the key");
    let (result, written, write_failed) =
        if let Some(r) = decrypt_in_parallel(&input, &out, &password, &prepared, &mut progress) {
            r
        } else {
            let counted = Counting::new(input.into_reader(), &mut progress);
            let mut sink = Tracked::new(&mut out);
            let result = decrypt_stream(counted, &mut sink, password, prepared.options);
            (result, sink.written, sink.failed)
        };
    progress.finish();
    // A stream's start was recognised before its end could be checked: a bad end
    // is damage, not a wrong password.
    let result = result.map_err(|e| match e {
        Error::WrongPassword(PasswordCheck::Padding)
            if prepared.openssl.is_some_and(|d| d.start_recognised_end_unchecked()) =>
        {
            Error::Corrupt(Corruption::End)
        }
        e => e,
    });
    let integrity = result.map_err(|e| {
        // Standard output cannot take back what it was given.
        let nothing = if written == 0 { "nothing was written" } else { nothing };
        match e {
            Error::Io(io) if write_failed => {
                exit::from_io(&io, &format!("writing the output failed; {nothing}"))
            }
            e => exit::from_error(&e, nothing),
        }
        .about_name(&name)
    })?;
    out.commit()?;
    if let Some(d) = prepared.openssl.filter(|_| !global.quiet) {
        eprintln!("backupcrypt: {}", d.describe());
    }
    if !global.quiet {
        eprintln!(
            "backupcrypt: decrypted {name} to {} ({}); integrity: {}",
            dest.name(),
            progress::bytes(written),
            integrity.describe()
        );
    }
    if integrity == Integrity::Unchecked && !global.quiet {
        eprintln!("backupcrypt: warning: OpenSSL CTR files carry no check: a wrong password gives garbage");
    }
    Ok(())
}
