//! The input: a file, or standard input (`-` or no name), read as a stream.
//!
//! The first bytes can be looked at before streaming starts ([`Input::head`]);
//! for a regular file the last bytes and the length are known too, which lets the
//! OpenSSL option detection check the final padding without reading everything.
//! An `s3://bucket/key` name is one object read with a single GET (its length
//! known from the answer, its tail by one ranged GET when asked for).

use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::{Path, PathBuf};

use super::exit::{self, Exit, Failure};

/// An opened input.
pub struct Input {
    /// How messages name it (`<stdin>` for standard input).
    pub name: String,
    /// The path, for a file.
    pub path: Option<PathBuf>,
    /// The length, for a regular file.
    pub len: Option<u64>,
    file: Option<File>,
    reader: Box<dyn Read>,
    head: Vec<u8>,
    at_end: bool,
    s3: Option<(backupcrypt::s3::Client, backupcrypt::s3::S3Url, Option<String>)>,
}

impl Input {
    /// Opens `path`, or standard input for `None` or `-`.
    ///
    /// # Errors
    /// Exit 1 if the file cannot be opened, or is a directory.
    pub fn open(path: Option<&Path>) -> exit::Result<Input> {
        let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Input {
                name: "<stdin>".into(),
                path: None,
                len: None,
                file: None,
                reader: Box::new(io::stdin().lock()),
                head: Vec::new(),
                at_end: false,
                s3: None,
            });
        };
        if let Some((url, version)) = super::s3::url(path) {
            let client = super::s3::client()?;
            let object = backupcrypt::s3::ObjectReader::open(&client, &url, version.as_deref())
                .map_err(|e| super::s3::failure(&e, "nothing was read"))?;
            return Ok(Input {
                name: url.to_string(),
                path: Some(path.to_path_buf()),
                len: object.len,
                file: None,
                reader: Box::new(object),
                head: Vec::new(),
                at_end: false,
                s3: Some((client, url, version)),
            });
        }
        let file = File::open(path)
            .map_err(|e| Failure::new(Exit::Failure, format!("cannot open {}: {e}", path.display())))?;
        let meta = file
            .metadata()
            .map_err(|e| Failure::new(Exit::Failure, format!("cannot open {}: {e}", path.display())))?;
        if meta.is_dir() {
            return Err(Failure::new(Exit::Failure, format!("{} is a directory", path.display())));
        }
        let len = meta.is_file().then_some(meta.len());
        let reader = file
            .try_clone()
            .map_err(|e| Failure::new(Exit::Failure, format!("cannot open {}: {e}", path.display())))?;
        Ok(Input {
            name: path.display().to_string(),
            path: Some(path.to_path_buf()),
            len,
            file: len.is_some().then_some(file),
            reader: Box::new(reader),
            head: Vec::new(),
            at_end: false,
            s3: None,
        })
    }

    /// A stream from elsewhere (a command's standard output), named `name`.
    pub fn from_reader(name: String, reader: Box<dyn Read>) -> Input {
        Input { name, path: None, len: None, file: None, reader, head: Vec::new(), at_end: false, s3: None }
    }

    /// The first `n` bytes (fewer if the input is shorter), read once and kept for
    /// [`Input::into_reader`].
    ///
    /// # Errors
    /// Exit 1 on a read error.
    pub fn head(&mut self, n: usize) -> exit::Result<&[u8]> {
        while self.head.len() < n && !self.at_end {
            let start = self.head.len();
            self.head.resize(n, 0);
            match self.reader.read(&mut self.head[start..]) {
                Ok(0) => {
                    self.head.truncate(start);
                    self.at_end = true;
                }
                Ok(k) => self.head.truncate(start + k),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => self.head.truncate(start),
                Err(e) => {
                    self.head.truncate(start);
                    return Err(Failure::new(Exit::Failure, format!("cannot read {}: {e}", self.name)));
                }
            }
        }
        Ok(&self.head[..n.min(self.head.len())])
    }

    /// The file, if the input is a regular file.
    pub fn file(&self) -> Option<&File> {
        self.file.as_ref()
    }

    /// True when [`Input::head`] has read the whole input.
    pub fn head_is_all(&self) -> bool {
        self.at_end
    }

    /// The last `n` bytes of a regular file (fewer if it is shorter); `None` for a
    /// stream, whose end is not known in advance.
    pub fn tail(&self, n: usize) -> Option<Vec<u8>> {
        if let (Some((client, url, version)), Some(len)) = (&self.s3, self.len) {
            let n = (n as u64).min(len);
            if n == 0 {
                return Some(Vec::new());
            }
            let (data, _) = client
                .get_range(&url.bucket, &url.key, version.as_deref(), &format!("{}-{}", len - n, len - 1))
                .ok()?;
            return Some(data);
        }
        let (file, len) = (self.file.as_ref()?, self.len?);
        let n = n.min(usize::try_from(len).unwrap_or(usize::MAX));
        let mut buf = vec![0; n];
        read_exact_at(file, &mut buf, len - n as u64).ok()?;
        Some(buf)
    }

    /// The whole input as a stream, from its first byte.
    pub fn into_reader(self) -> impl Read {
        Cursor::new(self.head).chain(self.reader)
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let mut f = file.try_clone()?;
    let pos = f.stream_position()?;
    f.seek(SeekFrom::Start(offset))?;
    let r = f.read_exact(buf);
    f.seek(SeekFrom::Start(pos))?;
    r
}
