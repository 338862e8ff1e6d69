//! Opening a ZIP backup for `ls` and `extract`: a plain ZIP, or an encrypted one
//! decrypted with random access ([`SeekableDecryptor`]) so that only the needed
//! blocks are read; and the entry-by-entry CRC check both run.

use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::Path;

use backupcrypt::io::SeekableDecryptor;
use backupcrypt::sniff::{self, Content, Kind};
use backupcrypt::zip::{self, Archive, EntryKind, Refusal};
use backupcrypt::{Integrity, Limits};

use super::Global;
use super::exit::{self, Exit, Failure};
use super::input::Input;
use super::open::{headerless, not_encrypted, prepare};
use super::openssl::OpenSslArgs;
use super::password::{PasswordArgs, Prompt};

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
    let fail = |e: io::Error| exit::from_io(&e, "standard input could not be buffered");
    let mut file = tempfile::tempfile().map_err(fail)?;
    io::copy(&mut io::stdin().lock(), &mut file).map_err(fail)?;
    file.rewind().map_err(fail)?;
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
