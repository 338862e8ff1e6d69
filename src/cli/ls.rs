//! `backupcrypt ls FILE [--json] [--verify]`: list the entries of an encrypted
//! (or plain) ZIP backup by reading only its central directory.
//!
//! [`open`] is shared with `extract`: it recognises a plain ZIP, or decrypts with
//! random access ([`SeekableDecryptor`]) so that only the needed blocks are read.

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use backupcrypt::io::SeekableDecryptor;
use backupcrypt::sniff::{self, Content, Kind};
use backupcrypt::zip::{self, Archive, Entry, EntryKind, EntryVerdict, Refusal};
use backupcrypt::{Integrity, Limits};
use clap::Args as ClapArgs;

use super::Global;
use super::exit::{self, Exit, Failure};
use super::input::Input;
use super::json::Json;
use super::open::{headerless, not_encrypted, prepare};
use super::openssl::OpenSslArgs;
use super::password::{PasswordArgs, Prompt};
use super::progress;

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

/// A seekable source of ZIP bytes: the plain file, or its random-access decryption.
pub trait ZipSource: Read + Seek {}
impl<T: Read + Seek> ZipSource for T {}

/// An opened archive and what is known about its integrity.
pub struct Opened {
    /// The archive, its central directory read.
    pub archive: Archive<Box<dyn ZipSource>>,
    /// `None` for a plain ZIP; for an encrypted one, what was checked so far.
    pub integrity: Option<Integrity>,
}

/// A ZIP-layer error as a failure.
pub fn from_zip(e: &zip::Error, nothing: &str) -> Failure {
    match e {
        zip::Error::Decrypt(inner) => exit::from_error(inner, nothing),
        zip::Error::Io(io) => exit::from_io(io, nothing),
        zip::Error::NotZip => Failure::new(
            Exit::Unsupported,
            format!("{e}: {nothing}; if it is an encrypted single file, use `backupcrypt decrypt`"),
        ),
        zip::Error::Unsupported(_) => Failure::new(Exit::Unsupported, format!("{e}: {nothing}")),
        zip::Error::LimitExceeded { .. } => Failure::new(Exit::Unsafe, format!("{e}: {nothing}")),
        zip::Error::NoSuchEntry(_) => Failure::new(Exit::Failure, format!("{e}: {nothing}")),
        _ => Failure::new(Exit::Damaged, format!("{e}: {nothing}")),
    }
}

/// Standard input cannot seek: its (still encrypted) bytes go to an unnamed
/// temporary file first. No plaintext touches the disk.
fn spool_stdin() -> exit::Result<File> {
    let dir = std::env::temp_dir();
    let mut r = [0u8; 8];
    backupcrypt::io::random_bytes(&mut r).map_err(|e| exit::from_error(&e, "nothing was read"))?;
    let name: String = r.iter().map(|b| format!("{b:02x}")).collect();
    let path = dir.join(format!(".backupcrypt-stdin-{name}"));
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| exit::from_io(&e, "standard input could not be buffered"))?;
    let _ = std::fs::remove_file(&path);
    io::copy(&mut io::stdin().lock(), &mut file)
        .map_err(|e| exit::from_io(&e, "standard input could not be buffered"))?;
    file.rewind().map_err(|e| exit::from_io(&e, "standard input could not be buffered"))?;
    Ok(file)
}

/// Opens `path` (or standard input) as a ZIP archive: plain, or encrypted with
/// AES Crypt or OpenSSL (asking for the password only then). With `verify`, the
/// full integrity pass (AES Crypt HMAC) runs before the directory is read.
///
/// # Errors
/// Exit 3 wrong password, 4 damaged, 5 not a ZIP / unsupported, 1 I/O.
pub fn open(
    path: &Path,
    password: &PasswordArgs,
    openssl_args: &OpenSslArgs,
    verify: bool,
    global: &Global,
) -> exit::Result<Opened> {
    let nothing = "nothing was read";
    let name = exit::display(path);
    let remote = super::s3::is_s3(path.as_os_str());
    let mut file: Box<dyn ZipSource> = if path.as_os_str() == "-" {
        Box::new(spool_stdin()?)
    } else if remote {
        Box::new(super::s3::open_random(path)?)
    } else {
        Box::new(
            File::open(path).map_err(|e| Failure::new(Exit::Failure, format!("cannot open {name}: {e}")))?,
        )
    };
    let mut head = Vec::with_capacity(sniff::SNIFF_LEN);
    (&mut file)
        .take(sniff::SNIFF_LEN as u64)
        .read_to_end(&mut head)
        .map_err(|e| exit::from_io(&e, nothing).about_name(&name))?;
    file.rewind().map_err(|e| exit::from_io(&e, nothing))?;
    let kind = sniff::sniff(&head);
    let openssl_without_header = headerless(openssl_args);
    if kind.format().is_none() && kind != Kind::Plain(Content::Zip) && !openssl_without_header {
        // Not encrypted and not a ZIP: say what it is before asking for a password.
        return Err(not_encrypted(kind, &name));
    }
    if kind == Kind::Plain(Content::Zip) && !openssl_without_header {
        let archive = Archive::new(file).map_err(|e| from_zip(&e, nothing).about_name(&name))?;
        return Ok(Opened { archive, integrity: None });
    }
    let password = password.read(Prompt::Once)?;
    let limits = Limits::default();
    let options = if kind.format() == Some(backupcrypt::Format::AesCrypt) && !openssl_without_header {
        backupcrypt::DecryptOptions { openssl: None, limits }
    } else {
        // OpenSSL: find the options (presets checked against the final padding).
        let probe_path = if path.as_os_str() == "-" { None } else { Some(path) };
        match probe_path {
            Some(p) => {
                let mut input = Input::open(Some(p))?;
                let prepared =
                    prepare(&mut input, &password, openssl_args, limits).map_err(|f| f.about_name(&name))?;
                if let Some(d) = &prepared.openssl {
                    if !global.quiet {
                        eprintln!("backupcrypt: {}", d.describe());
                    }
                }
                prepared.options
            }
            None => backupcrypt::DecryptOptions { openssl: Some(openssl_args.params()?), limits },
        }
    };
    let mut reader = SeekableDecryptor::new(file, &password, &options)
        .map_err(|e| exit::from_error(&e, nothing).about_name(&name))?;
    if remote {
        // One ranged GET per MiB: the central directory and an entry's data come in few requests.
        reader = reader.with_window(1 << 20);
    }
    let mut integrity = Integrity::Unchecked;
    if verify {
        integrity = reader.verify().map_err(|e| exit::from_error(&e, nothing).about_name(&name))?;
    } else if reader.format() == backupcrypt::Format::OpenSsl {
        integrity = Integrity::PaddingChecked;
    }
    let archive = Archive::new(Box::new(reader) as Box<dyn ZipSource>).map_err(|e| {
        // Garbage instead of a ZIP after an OpenSSL padding check: probably the wrong password.
        let f = from_zip(&e, nothing);
        if matches!(e, zip::Error::NotZip) {
            Failure::new(
                Exit::Unsupported,
                "the decrypted data is not a ZIP archive: nothing was read; if the password or OpenSSL \
                 options are right, this is a single encrypted file: use `backupcrypt decrypt`",
            )
        } else {
            f
        }
        .about_name(&name)
    })?;
    Ok(Opened { archive, integrity: Some(integrity) })
}

/// Decrypts every entry (or the chosen ones) to nowhere, checking sizes and CRC-32s.
/// Entries refused for their expansion ratio or overlapping data are skipped
/// (extraction refuses them; not inflating them keeps a zip bomb from costing the
/// time its size would).
///
/// # Errors
/// Exit 4 (or 5 for an unsupported method) naming the first bad entry.
pub fn check_entries(
    archive: &mut Archive<Box<dyn ZipSource>>,
    which: &[usize],
    limits: &zip::Limits,
) -> exit::Result<()> {
    let verdicts = archive.verdicts(limits);
    for &i in which {
        let bomb = matches!(verdicts[i].refusal(), Some(Refusal::Ratio(_) | Refusal::Overlapping));
        if archive.entries()[i].kind != EntryKind::File || bomb {
            continue;
        }
        archive
            .copy_entry(i, &mut io::sink(), limits)
            .map_err(|e| from_zip(&e, "the archive is not intact").about_name(&archive.entries()[i].name))?;
    }
    Ok(())
}

fn kind_name(k: EntryKind) -> &'static str {
    match k {
        EntryKind::File => "file",
        EntryKind::Directory => "directory",
        EntryKind::Symlink => "symlink",
    }
}

fn entry_json(e: &Entry, verdict: &EntryVerdict) -> Json {
    Json::object()
        .with("name", e.name.as_str())
        .with("size", e.size)
        .with("compressed_size", e.compressed_size)
        .with("method", e.method.name())
        .with("modified", e.modified.to_string())
        .with("crc32", format!("{:08x}", e.crc32))
        .with("kind", kind_name(e.kind))
        .with("unsafe", verdict.refusal().map(ToString::to_string))
}

/// Runs `ls`.
///
/// # Errors
/// See [`open`]; with `--verify`, exit 4 for a damaged entry.
pub fn run(args: Args, global: &Global) -> exit::Result {
    let mut opened = open(&args.file, &args.password, &args.openssl, args.verify, global)?;
    let name = exit::display(&args.file);
    if args.verify {
        let all: Vec<usize> = (0..opened.archive.entries().len()).collect();
        check_entries(&mut opened.archive, &all, &zip::Limits::default()).map_err(|f| f.about_name(&name))?;
    }
    let entries = opened.archive.entries();
    let verdicts = opened.archive.verdicts(&zip::Limits::default());
    let mut out = io::stdout().lock();
    let written = if args.json {
        let list: Vec<Json> = entries.iter().zip(&verdicts).map(|(e, v)| entry_json(e, v)).collect();
        writeln!(out, "{}", Json::Array(list))
    } else {
        print_table(&mut out, entries, &verdicts)
    };
    match written.and_then(|()| out.flush()) {
        // `backupcrypt ls … | head`: the reader has all it wanted.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
        Err(e) => return Err(exit::from_io(&e, "the listing was cut short")),
        Ok(()) => {}
    }
    if !global.quiet {
        let total: u64 = entries.iter().map(|e| e.size).sum();
        let check = match (opened.integrity, args.verify) {
            (None, true) => "every CRC-32 checked (plain ZIP)".to_string(),
            (None, false) => "plain ZIP, not checked (use --verify)".to_string(),
            (Some(i), true) => format!("{}; every CRC-32 checked", i.describe()),
            (Some(_), false) => {
                "read by random access, not verified (use --verify for the full check)".to_string()
            }
        };
        eprintln!("backupcrypt: {name}: {} entries, {}; {check}", entries.len(), progress::bytes(total));
    }
    Ok(())
}

fn print_table(out: &mut impl Write, entries: &[Entry], verdicts: &[EntryVerdict]) -> io::Result<()> {
    writeln!(
        out,
        "{:>12}  {:>12}  {:<8}  {:<19}  {:<8}  name",
        "size", "compressed", "method", "modified", "crc32"
    )?;
    for (e, verdict) in entries.iter().zip(verdicts) {
        let mut name = e.name.clone();
        if let Some(why) = verdict.refusal() {
            name.push_str(&format!("  [unsafe: {why}; will not be extracted]"));
        }
        // Control characters in names would drive the terminal: show them escaped.
        let name: String = name
            .chars()
            .flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] })
            .collect();
        writeln!(
            out,
            "{:>12}  {:>12}  {:<8}  {:<19}  {:08x}  {name}",
            e.size,
            e.compressed_size,
            e.method.name(),
            e.modified.to_string(),
            e.crc32
        )?;
    }
    Ok(())
}
