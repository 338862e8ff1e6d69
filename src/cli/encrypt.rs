//! `backupcrypt encrypt [INPUT] [-o OUTPUT] [--format aescrypt|aescrypt3|openssl]`.
//!
//! Streams: `backupcrypt encrypt --format openssl -o s3://bucket/key -- pg_dump …`
//! needs no plaintext on disk, and makes the object only if pg_dump exits 0 and
//! the encrypted stream passed `verify`'s checks on its way up. In the pipe form
//! (`pg_dump | backupcrypt encrypt -o …`) backupcrypt cannot see the producer's
//! exit status: only the content checks (a pg_dump's footer) stand between a
//! producer that died and a truncated object. The default format is AES Crypt v2,
//! what pyAesCrypt reads; `openssl` output decrypts with `openssl enc -d` and the
//! same flags (printed on stderr).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use backupcrypt::io::{EncryptTo, encrypt_stream};
use backupcrypt::openssl::Armour;
use backupcrypt::{Error, aescrypt, names};
use clap::Args;

use super::Global;
use super::checked::Teed;
use super::encrypt_to::{FormatArg, target};
use super::exit::{self, Exit, Failure};
use super::input::Input;
use super::openssl::OpenSslArgs;
use super::output::{Destination, Output, Tracked, check_distinct};
use super::password::{PasswordArgs, Prompt};
use super::progress::{self, Counting, Progress};

/// Arguments of `encrypt`.
#[derive(Args, Debug, Clone)]
pub struct EncryptArgs {
    /// The file to encrypt; `-` or omitted: standard input.
    #[arg(value_name = "INPUT", conflicts_with = "infile")]
    pub input: Option<PathBuf>,
    /// Same as INPUT (decrypt.py compatibility).
    #[arg(short = 'i', long = "infile", visible_alias = "filein", value_name = "INPUT")]
    pub infile: Option<PathBuf>,
    /// Where to write; `-`: standard output.
    /// [default: INPUT.aes, or INPUT.enc for openssl; standard output for standard input]
    #[arg(short = 'o', long = "output", visible_aliases = ["fileout", "outfile"], value_name = "OUTPUT")]
    pub output: Option<PathBuf>,
    /// Replace OUTPUT if it exists (atomically, once complete).
    #[arg(short = 'f', long)]
    pub force: bool,
    /// The format to write.
    #[arg(long, value_enum, default_value_t = FormatArg::Aescrypt)]
    pub format: FormatArg,
    /// OpenSSL: base64 armour (`-a`).
    #[arg(short = 'a', long)]
    pub base64: bool,
    /// Run COMMAND and encrypt its standard output; the output is made (the file
    /// named, the S3 upload completed) only if COMMAND exits 0.
    #[arg(last = true, value_name = "COMMAND", conflicts_with_all = ["input", "infile"])]
    pub command: Vec<std::ffi::OsString>,
    #[command(flatten)]
    pub password: PasswordArgs,
    #[command(flatten)]
    pub openssl: OpenSslArgs,
}

impl EncryptArgs {
    /// What to encrypt into, or a usage error for options of another format.
    fn target(&self) -> exit::Result<EncryptTo> {
        target(self.format, self.base64, &self.openssl)
    }
}

fn destination(input: Option<&Path>, output: Option<&Path>, format: FormatArg) -> Destination {
    if let Some(out) = output {
        return Destination::from_arg(out);
    }
    match input.filter(|p| p.as_os_str() != "-") {
        None => Destination::Stdout,
        Some(path) => {
            let mut name = path.as_os_str().to_owned();
            name.push(if format == FormatArg::Openssl {
                names::OPENSSL_SUFFIX
            } else {
                names::AESCRYPT_SUFFIX
            });
            Destination::File(name.into())
        }
    }
}

fn describe(to: &EncryptTo) -> String {
    match to {
        EncryptTo::AesCrypt(aescrypt::Version::V2) => "AES Crypt v2".into(),
        EncryptTo::AesCrypt(aescrypt::Version::V3 { iterations }) => {
            format!("AES Crypt v3, {iterations} PBKDF2 iterations")
        }
        EncryptTo::OpenSsl(p) => {
            format!("OpenSSL, not authenticated; decrypt with `openssl enc -d {}`", p.openssl_flags())
        }
    }
}

/// Runs `encrypt`.
///
/// # Errors
/// See [`exit`]: on failure the destination is untouched.
pub fn run(args: EncryptArgs, global: &Global) -> exit::Result {
    let to = args.target()?;
    let input_path = args.input.as_deref().or(args.infile.as_deref());
    let dest = destination(input_path, args.output.as_deref(), args.format);
    check_distinct(input_path, &dest)?;
    let armoured = matches!(to, EncryptTo::OpenSsl(p) if p.armour != Armour::Binary);
    if dest.is_terminal() && !armoured {
        return Err(Failure::usage(
            "refusing to write encrypted data to a terminal: redirect standard output or name a file with -o",
        ));
    }
    let mut child = None;
    let input = if args.command.is_empty() {
        Input::open(input_path)?
    } else {
        let (c, input) = super::produce::spawn(&args.command)?;
        child = Some(c);
        input
    };
    let mut out = Output::create(&dest, args.force)?;
    let prompting = !args.password.is_given() && std::env::var_os(super::password::ENV).is_none();
    if input.path.is_none() && child.is_none() && std::io::stdin().is_terminal() && prompting {
        // The prompt and the data would both come from the terminal.
        return Err(Failure::usage(
            "standard input is a terminal: name the file to encrypt, or pipe the data in and give the password \
             with --password-file, --password-env or BACKUPCRYPT_PASSWORD",
        ));
    }
    let password = args.password.read(Prompt::Confirm)?;
    let nothing = match &dest {
        Destination::S3(_) => "no object was made",
        _ if out.is_streaming() => "discard what was written to the output",
        _ => "nothing was written",
    };
    let name = input.name.clone();
    let mut progress = Progress::new("encrypting", input.len, global.quiet);
    progress.phase("deriving the key");
    let remote = matches!(dest, Destination::S3(_));
    let (result, write_failed, verdict) = {
        let counted = Counting::new(input.into_reader(), &mut progress);
        if remote {
            let teed = Teed::new(&mut out, &password, &to).map_err(|e| exit::from_io(&e, nothing))?;
            let mut sink = Tracked::new(teed);
            let result = encrypt_stream(counted, &mut sink, &password, to);
            let failed = sink.failed;
            let (_, verdict) = sink.into_inner().finish();
            (result, failed, Some(verdict))
        } else {
            let mut sink = Tracked::new(&mut out);
            let result = encrypt_stream(counted, &mut sink, &password, to);
            (result, sink.failed, None)
        }
    };
    drop(password);
    progress.finish();
    if let Some(c) = child {
        // The producer's verdict first: its failure explains any other.
        super::produce::wait(c, &name, nothing)?;
    }
    let n = result.map_err(|e| match e {
        Error::Io(io) if write_failed => exit::from_io(&io, &format!("writing the output failed; {nothing}")),
        Error::Io(io) => exit::from_io(&io, &format!("reading {name} failed; {nothing}")),
        e => exit::from_error(&e, nothing),
    })?;
    if let Some(Err(detail)) = &verdict {
        return Err(Failure::new(
            Exit::Damaged,
            format!("the encrypted stream failed verify's checks ({detail}); {nothing}"),
        ));
    }
    out.commit()?;
    if !global.quiet {
        eprintln!(
            "backupcrypt: encrypted {name} to {} ({}; {})",
            dest.name(),
            progress::bytes(n),
            describe(&to)
        );
    }
    Ok(())
}
