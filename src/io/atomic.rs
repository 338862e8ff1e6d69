//! Output files that appear under their name only when complete.
//!
//! On Linux the data goes to an unnamed `O_TMPFILE` in the destination directory
//! and is linked into place by [`AtomicFile::persist`]: if the process dies first
//! (even by SIGKILL) the kernel frees it and nothing is left behind. Elsewhere (or
//! on a file system without `O_TMPFILE`: macOS, Windows) a hidden temporary file
//! beside the destination is used, renamed into place only on success and removed
//! on error or drop (closed first: Windows cannot rename or delete an open file
//! reliably). Those hidden files are also listed for [`remove_unfinished`], which the
//! CLI's Ctrl-C and termination handler calls before it exits, so an interrupted run
//! leaves no partial plaintext there either. Only a process killed outright (SIGKILL,
//! a crash, a power cut) can leave one behind on those systems.
//! Files are created with mode 0600: they hold decrypted secrets.
//!
//! [`AtomicFile::persist`] does not `fsync`: like `cp` and `openssl enc`, it
//! leaves that to the kernel, which costs nothing against process death
//! (SIGKILL included) but means a power cut right after it returns can lose the
//! data. [`AtomicFile::persist_durably`] flushes to disk first (measured here: it
//! turns a 0.25 s write of 256 MiB into about 1 s).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::string::String;
use std::sync::Mutex;
use std::vec::Vec;

/// The hidden temporary files of this process not yet persisted or removed.
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn unfinished() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    // A panic while the list was held leaves it usable: it is only ever pushed to and
    // filtered.
    UNFINISHED.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn forget(path: &Path) {
    unfinished().retain(|p| p != path);
}

/// Removes every hidden temporary file this process is still writing (see the module
/// docs), for a handler of Ctrl-C or a termination signal that then exits without
/// persisting anything. Unnamed Linux files need nothing: the kernel frees them.
pub fn remove_unfinished() {
    for path in unfinished().drain(..) {
        let _ = std::fs::remove_file(&path);
    }
}

/// What to do if the destination exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overwrite {
    /// Fail with `AlreadyExists` (checked again at the moment of linking).
    Never,
    /// Replace it atomically.
    Replace,
}

enum Temp {
    /// Linux `O_TMPFILE`: no name until persisted.
    #[cfg(target_os = "linux")]
    Unnamed,
    /// A hidden file beside the destination, removed unless persisted.
    Named(PathBuf),
    /// Linked into place: nothing to clean up.
    Persisted,
}

/// A file being written; see the module docs.
pub struct AtomicFile {
    file: Option<File>,
    temp: Temp,
    dest: PathBuf,
    overwrite: Overwrite,
}

fn hidden_name(dest: &Path) -> io::Result<PathBuf> {
    let mut r = [0u8; 8];
    crate::io::random_bytes(&mut r).map_err(io::Error::from)?;
    let mut name = String::from(".");
    name.push_str(&dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    name.push('.');
    for b in r {
        name.push_str(&std::format!("{b:02x}"));
    }
    name.push_str(".tmp");
    Ok(dest.with_file_name(name))
}

#[cfg(target_os = "linux")]
fn dir_of(dest: &Path) -> &Path {
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

impl AtomicFile {
    /// Starts writing a file that will be named `dest` by [`AtomicFile::persist`].
    ///
    /// # Errors
    /// `AlreadyExists` if `dest` exists and `overwrite` is [`Overwrite::Never`]
    /// (checked now, so that no work is wasted, and again when persisting);
    /// `InvalidInput` if `dest` exists and is not a regular file or a symlink (a
    /// device, FIFO, socket or directory is never replaced); any error creating
    /// the temporary file.
    pub fn create(dest: &Path, overwrite: Overwrite) -> io::Result<Self> {
        match std::fs::symlink_metadata(dest) {
            Ok(_) if overwrite == Overwrite::Never => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    std::format!("{} already exists", dest.display()),
                ));
            }
            // Renaming over `/dev/null` or a FIFO would replace the device node itself.
            Ok(meta) if !meta.is_file() && !meta.file_type().is_symlink() => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    std::format!("{} is not a regular file: it will not be replaced", dest.display()),
                ));
            }
            _ => {}
        }
        // BACKUPCRYPT_TEST_NAMED_TEMP: the tests take the macOS and Windows way on Linux.
        #[cfg(target_os = "linux")]
        if std::env::var_os("BACKUPCRYPT_TEST_NAMED_TEMP").is_none() {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::TMPFILE | OFlags::WRONLY | OFlags::CLOEXEC;
            if let Ok(fd) = rustix::fs::open(dir_of(dest), flags, Mode::from_raw_mode(0o600)) {
                return Ok(AtomicFile {
                    file: Some(File::from(fd)),
                    temp: Temp::Unnamed,
                    dest: dest.to_path_buf(),
                    overwrite,
                });
            }
        }
        let path = hidden_name(dest)?;
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let file = opts.open(&path)?;
        unfinished().push(path.clone());
        Ok(AtomicFile { file: Some(file), temp: Temp::Named(path), dest: dest.to_path_buf(), overwrite })
    }

    /// The destination path.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// The temporary file, for positioned writes (`pwrite`).
    ///
    /// # Errors
    /// If already persisted.
    pub fn file(&self) -> io::Result<&File> {
        self.file.as_ref().ok_or_else(|| io::Error::other("already persisted"))
    }

    /// Gives the file its name (see the module docs about `fsync`).
    ///
    /// # Errors
    /// `AlreadyExists` (with [`Overwrite::Never`]) or any I/O error; the temporary
    /// data is then discarded.
    pub fn persist(self) -> io::Result<()> {
        self.link(false)
    }

    /// [`AtomicFile::persist`], after flushing the data to disk (`fsync`), so that
    /// the named file survives a power cut.
    ///
    /// # Errors
    /// As [`AtomicFile::persist`].
    pub fn persist_durably(self) -> io::Result<()> {
        self.link(true)
    }

    fn link(mut self, durable: bool) -> io::Result<()> {
        let file = self.file.take().ok_or_else(|| io::Error::other("already persisted"))?;
        if durable {
            file.sync_all()?;
        }
        match &self.temp {
            #[cfg(target_os = "linux")]
            Temp::Unnamed => {
                use std::os::fd::AsRawFd;
                let proc_path = std::format!("/proc/self/fd/{}", file.as_raw_fd());
                let link = |to: &Path| {
                    rustix::fs::linkat(
                        rustix::fs::CWD,
                        proc_path.as_str(),
                        rustix::fs::CWD,
                        to,
                        rustix::fs::AtFlags::SYMLINK_FOLLOW,
                    )
                    .map_err(io::Error::from)
                };
                match self.overwrite {
                    Overwrite::Never => link(&self.dest)?,
                    Overwrite::Replace => {
                        let staging = hidden_name(&self.dest)?;
                        link(&staging)?;
                        if let Err(e) = std::fs::rename(&staging, &self.dest) {
                            let _ = std::fs::remove_file(&staging);
                            return Err(e);
                        }
                    }
                }
            }
            Temp::Named(path) => {
                drop(file);
                let r = match self.overwrite {
                    Overwrite::Never => link_new(path, &self.dest),
                    Overwrite::Replace => std::fs::rename(path, &self.dest),
                };
                if r.is_err() {
                    let _ = std::fs::remove_file(path);
                }
                forget(path);
                r?;
            }
            Temp::Persisted => return Err(io::Error::other("already persisted")),
        }
        // `file` (whose descriptor the link above went through) closes here.
        self.temp = Temp::Persisted;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().ok_or_else(|| io::Error::other("already persisted"))?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

/// Names `temp` `dest` unless `dest` exists: a hard link fails atomically if it
/// does. File systems without hard links (FAT, exFAT) get a check, then a rename
/// (which replaces: a file created in between would be lost, hence the link first).
fn link_new(temp: &Path, dest: &Path) -> io::Result<()> {
    match std::fs::hard_link(temp, dest) {
        Ok(()) => std::fs::remove_file(temp),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) if std::fs::symlink_metadata(dest).is_err() => std::fs::rename(temp, dest),
        Err(e) => Err(e),
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Temp::Named(path) = &self.temp {
            drop(self.file.take());
            let _ = std::fs::remove_file(path);
            forget(path);
        }
    }
}
