//! Where results go: a file that appears only when complete, or standard output.
//!
//! Files are written through [`backupcrypt::io::AtomicFile`] (O_TMPFILE + linkat
//! on Linux, mode 0600): until [`Output::commit`] nothing exists under the name,
//! and if the process fails or is killed nothing is left behind. Standard output
//! streams: whatever is written there before a failure cannot be taken back, so
//! the exit code is what tells a script whether to trust it.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use backupcrypt::io::{AtomicFile, Overwrite};

use super::exit::{self, Exit, Failure};

/// An output being written.
pub enum Output {
    /// A file, named on [`Output::commit`].
    File(AtomicFile),
    /// Standard output (buffered).
    Stdout(io::BufWriter<io::Stdout>),
}

/// Where the user asked the output to go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// Standard output (`-`, or no name with standard input).
    Stdout,
    /// This file.
    File(PathBuf),
}

impl Destination {
    /// `-` means standard output.
    pub fn from_arg(path: &Path) -> Self {
        if path.as_os_str() == "-" { Destination::Stdout } else { Destination::File(path.to_path_buf()) }
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
        }
    }
}

/// Suffixes removed from an encrypted file's name to name the plaintext.
pub const ENCRYPTED_SUFFIXES: [&str; 3] = [".encrypted", ".aes", ".enc"];

/// The default decrypted name: the input minus `.encrypted`/`.aes`/`.enc`.
pub fn strip_encrypted_suffix(input: &Path) -> Option<PathBuf> {
    let name = input.file_name()?.to_str()?;
    ENCRYPTED_SUFFIXES.iter().find_map(|suffix| {
        let stem = name.strip_suffix(suffix).filter(|s| !s.is_empty())?;
        Some(input.with_file_name(stem))
    })
}

impl Output {
    /// Starts the output. With `force` an existing file is replaced (atomically, on
    /// commit); without it, an existing file is an error before any work is done.
    ///
    /// # Errors
    /// Exit 1 with advice when the file exists or the directory is not writable.
    pub fn create(dest: &Destination, force: bool) -> exit::Result<Output> {
        match dest {
            Destination::Stdout => Ok(Output::Stdout(io::BufWriter::with_capacity(1 << 16, io::stdout()))),
            Destination::File(path) => {
                if path.is_dir() {
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

    /// Flushes and, for a file, gives it its name.
    ///
    /// # Errors
    /// Exit 1 if the file cannot be linked into place (e.g. it appeared meanwhile).
    pub fn commit(self) -> exit::Result<()> {
        match self {
            Output::Stdout(mut w) => {
                w.flush().map_err(|e| exit::from_io(&e, "writing standard output failed"))
            }
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
            Output::Stdout(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::File(f) => f.write_all(buf),
            Output::Stdout(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::File(f) => f.flush(),
            Output::Stdout(w) => w.flush(),
        }
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
