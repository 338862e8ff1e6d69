//! Where results go: a file that appears only when complete, or standard output.
//!
//! Files are written through [`backupcrypt::io::AtomicFile`] (O_TMPFILE + linkat
//! on Linux, mode 0600): until [`Output::commit`] nothing exists under the name,
//! and if the process fails or is killed nothing is left behind. Standard output
//! streams: whatever is written there before a failure cannot be taken back, so
//! the exit code is what tells a script whether to trust it.

use std::fs::{File, OpenOptions};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use backupcrypt::io::{AtomicFile, Overwrite};

use super::exit::{self, Exit, Failure};

/// An output being written.
pub enum Output {
    /// A file, named on [`Output::commit`].
    File(AtomicFile),
    /// Standard output (buffered).
    Stdout(StdoutSink),
    /// An existing device or FIFO (`/dev/null`, a named pipe): written in place,
    /// streaming like standard output, since it cannot be replaced atomically.
    Device(File),
    /// An S3 object: a multipart upload, completed (the object made) on
    /// [`Output::commit`] and never otherwise.
    S3(Box<backupcrypt::s3::Upload>, String),
}

/// Buffered standard output that, unless committed, drops its buffer instead of
/// flushing it: after a failed check not one more byte goes out.
pub struct StdoutSink(Option<io::BufWriter<RawStdout>>);

/// Standard output without Rust's line buffering: `io::Stdout` looks for newlines
/// in every write, which for binary data cost more CPU than the decryption.
#[cfg(unix)]
type RawStdout = File;
#[cfg(not(unix))]
type RawStdout = io::Stdout;

#[cfg(unix)]
fn raw_stdout() -> io::Result<RawStdout> {
    use std::os::fd::AsFd;
    Ok(File::from(io::stdout().as_fd().try_clone_to_owned()?))
}

#[cfg(not(unix))]
fn raw_stdout() -> io::Result<RawStdout> {
    Ok(io::stdout())
}

impl StdoutSink {
    fn get(&mut self) -> io::Result<&mut io::BufWriter<RawStdout>> {
        self.0.as_mut().ok_or_else(|| io::Error::other("standard output already closed"))
    }
}

impl Drop for StdoutSink {
    fn drop(&mut self) {
        if let Some(w) = self.0.take() {
            let (_, mut buffered) = w.into_parts();
            if let Ok(b) = buffered.as_mut() {
                zeroize::Zeroize::zeroize(b);
            }
        }
    }
}

/// Where the user asked the output to go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// Standard output (`-`, or no name with standard input).
    Stdout,
    /// This file.
    File(PathBuf),
    /// This S3 object (`s3://bucket/key`).
    S3(backupcrypt::s3::S3Url),
}

impl Destination {
    /// `-` means standard output.
    pub fn from_arg(path: &Path) -> Self {
        if path.as_os_str() == "-" {
            return Destination::Stdout;
        }
        match path.to_str().and_then(backupcrypt::s3::S3Url::parse) {
            Some(url) => Destination::S3(url),
            None => Destination::File(path.to_path_buf()),
        }
    }

    /// True for standard output when it is a terminal.
    pub fn is_terminal(&self) -> bool {
        *self == Destination::Stdout && io::stdout().is_terminal()
    }

    /// How messages name it.
    pub fn name(&self) -> String {
        match self {
            Destination::Stdout => "<stdout>".into(),
            Destination::File(p) => p.display().to_string(),
            Destination::S3(u) => u.to_string(),
        }
    }
}

/// Suffixes removed from an encrypted file's name to name the plaintext.
/// The default decrypted name: the input minus its encryption suffix
/// ([`backupcrypt::names::plaintext_name`], the rule the page uses too).
pub fn strip_encrypted_suffix(input: &Path) -> Option<PathBuf> {
    let name = input.file_name()?.to_str()?;
    backupcrypt::names::plaintext_name(name).map(|stem| input.with_file_name(stem))
}

/// The encryption suffixes ([`backupcrypt::names::ENCRYPTED_SUFFIXES`]) for a
/// message: `.encrypted, .crypt, .aes or .enc`.
pub fn suffix_list() -> String {
    let all = backupcrypt::names::ENCRYPTED_SUFFIXES;
    let (last, rest) = all.split_last().expect("the list is not empty");
    format!("{} or {last}", rest.join(", "))
}

/// Writes a command's report to standard output. A reader that stopped early
/// (`| head`) is not an error; anything else (a full disk) is exit 1 with
/// `cut` in the message, never a truncated report and exit 0.
///
/// # Errors
/// Exit 1 when standard output cannot take the report.
pub fn print(report: &[u8], cut: &str) -> exit::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(report).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(exit::from_io(&e, cut).about_name("standard output")),
        Ok(()) => Ok(()),
    }
}

/// Fails when input and output are the same file (the output would destroy it).
pub fn check_distinct(input: Option<&Path>, dest: &Destination) -> exit::Result<()> {
    if let (Some(input), Destination::File(out)) = (input, dest) {
        let same = match (std::fs::canonicalize(input), std::fs::canonicalize(out)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same {
            return Err(Failure::usage(format!(
                "{} is both the input and the output: name another output with -o",
                input.display()
            )));
        }
    }
    Ok(())
}

impl Output {
    /// Starts the output. With `force` an existing file is replaced (atomically, on
    /// commit); without it, an existing file is an error before any work is done.
    ///
    /// # Errors
    /// Exit 1 with advice when the file exists or the directory is not writable.
    pub fn create(dest: &Destination, force: bool) -> exit::Result<Output> {
        match dest {
            Destination::S3(url) => {
                let client = super::s3::client()?;
                let upload = backupcrypt::s3::Upload::start(&client, url)
                    .map_err(|e| super::s3::failure(&e, "nothing was written"))?;
                Ok(Output::S3(Box::new(upload), url.to_string()))
            }
            Destination::Stdout => {
                let raw = raw_stdout().map_err(|e| exit::from_io(&e, "cannot write to standard output"))?;
                Ok(Output::Stdout(StdoutSink(Some(io::BufWriter::with_capacity(1 << 16, raw)))))
            }
            Destination::File(path) => {
                let meta = std::fs::metadata(path).ok();
                if meta.as_ref().is_some_and(|m| !m.is_file() && !m.is_dir()) {
                    return OpenOptions::new().write(true).open(path).map(Output::Device).map_err(|e| {
                        Failure::new(Exit::Failure, format!("cannot open {}: {e}", path.display()))
                    });
                }
                if meta.as_ref().is_some_and(std::fs::Metadata::is_dir) {
                    return Err(Failure::new(
                        Exit::Failure,
                        format!("{} is a directory: name the output file with -o", path.display()),
                    ));
                }
                let overwrite = if force { Overwrite::Replace } else { Overwrite::Never };
                AtomicFile::create(path, overwrite).map(Output::File).map_err(|e| {
                    if e.kind() == io::ErrorKind::AlreadyExists {
                        Failure::new(
                            Exit::Failure,
                            format!(
                                "{} already exists: nothing was written; pass --force to replace it",
                                path.display()
                            ),
                        )
                    } else {
                        Failure::new(Exit::Failure, format!("cannot create {}: {e}", path.display()))
                    }
                })
            }
        }
    }

    /// The file being written, when the output is one (for positioned writes).
    pub fn file(&self) -> Option<&File> {
        match self {
            Output::File(f) => f.file().ok(),
            _ => None,
        }
    }

    /// True when bytes written cannot be taken back (standard output, a device):
    /// then only the exit code tells whether they passed the final check.
    pub fn is_streaming(&self) -> bool {
        !matches!(self, Output::File(_))
    }

    /// Flushes and, for a file, gives it its name.
    ///
    /// # Errors
    /// Exit 1 if the file cannot be linked into place (e.g. it appeared meanwhile).
    pub fn commit(self) -> exit::Result<()> {
        match self {
            Output::Stdout(mut w) => w
                .get()
                .and_then(Write::flush)
                .map_err(|e| exit::from_io(&e, "writing standard output failed")),
            Output::Device(mut f) => f.flush().map_err(|e| exit::from_io(&e, "writing the output failed")),
            Output::S3(upload, name) => match upload.finish() {
                Ok(Some(version)) => {
                    eprintln!("backupcrypt: {name} written (version {version})");
                    Ok(())
                }
                Ok(None) => Ok(()),
                Err(e) => Err(super::s3::failure(&e, &format!("no object was made at {name}"))),
            },
            Output::File(f) => {
                let dest = f.dest().to_path_buf();
                f.persist().map_err(|e| {
                    if e.kind() == io::ErrorKind::AlreadyExists {
                        Failure::new(
                            Exit::Failure,
                            format!(
                                "{} appeared while writing: nothing was written; pass --force to replace it",
                                dest.display()
                            ),
                        )
                    } else {
                        Failure::new(Exit::Failure, format!("cannot write {}: {e}", dest.display()))
                    }
                })
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::File(f) => f.write(buf),
            Output::Stdout(w) => w.get()?.write(buf),
            Output::Device(f) => f.write(buf),
            Output::S3(u, _) => u.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::File(f) => f.write_all(buf),
            Output::Stdout(w) => w.get()?.write_all(buf),
            Output::Device(f) => f.write_all(buf),
            Output::S3(u, _) => u.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::File(f) => f.flush(),
            Output::Stdout(w) => w.get()?.flush(),
            Output::Device(f) => f.flush(),
            Output::S3(u, _) => u.flush(),
        }
    }
}

/// A writer that remembers how much went through and whether writing failed, so
/// that a failed stream is blamed on the right side (the input or the output).
pub struct Tracked<W> {
    inner: W,
    /// Bytes accepted so far.
    pub written: u64,
    /// A write or flush failed.
    pub failed: bool,
}

impl<W: Write> Tracked<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Tracked { inner, written: 0, failed: false }
    }

    /// The wrapped writer.
    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for Tracked<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = self.inner.write(buf);
        match &r {
            Ok(n) => self.written += *n as u64,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => self.failed = true,
        }
        r
    }

    fn flush(&mut self) -> io::Result<()> {
        let r = self.inner.flush();
        self.failed |= r.is_err();
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_drop_one_known_suffix() {
        let s = |p: &str| strip_encrypted_suffix(Path::new(p)).map(|p| p.display().to_string());
        assert_eq!(
            s("db/2022-06-01--00-00-01.sql.encrypted").as_deref(),
            Some("db/2022-06-01--00-00-01.sql")
        );
        assert_eq!(s("a.zip.aes").as_deref(), Some("a.zip"));
        assert_eq!(s("x.enc").as_deref(), Some("x"));
        assert_eq!(s("x.zip"), None);
        assert_eq!(s(".aes"), None);
    }
}
