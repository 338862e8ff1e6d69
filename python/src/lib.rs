//! `backupcrypt._native`: the Python bindings, a thin layer over the `backupcrypt`
//! library. Every format question is answered by the library; this crate only
//! converts arguments, adapts Python file objects to `Read`/`Write`/`Seek`, maps
//! errors to the package's exceptions, and releases the GIL around the work.
//!
//! Python file objects are called back with the GIL re-acquired for each chunk
//! (at most 1 MiB), so other Python threads run while the AES and HMAC work goes
//! on, and memory stays bounded whatever the size of the data.

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use backupcrypt::io::{EncryptTo, EncryptingWriter, Overwrite, SeekableDecryptor};
use backupcrypt::openssl::{Armour, Params};
use backupcrypt::sniff::{self, Kind};
use backupcrypt::zip::{Compression, DosDateTime, ZipWriter};
use backupcrypt::{DecryptOptions, Error, Format, Integrity, Password, aescrypt};
use pyo3::create_exception;
use pyo3::exceptions::{PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyIterator};

create_exception!(
    backupcrypt,
    BackupcryptError,
    PyValueError,
    "Base of every backupcrypt error about a file's content (a ValueError, as pyAesCrypt raises)."
);
create_exception!(
    backupcrypt,
    WrongPassword,
    BackupcryptError,
    "The password (for OpenSSL files: or the options) does not open this file."
);
create_exception!(
    backupcrypt,
    Damaged,
    BackupcryptError,
    "The file is damaged or truncated: nothing decrypted from it may be trusted."
);
create_exception!(
    backupcrypt,
    NotEncrypted,
    BackupcryptError,
    "Not an encrypted file of a known format (AES Crypt, OpenSSL enc)."
);
create_exception!(
    backupcrypt,
    Unsupported,
    BackupcryptError,
    "A version or feature this implementation does not handle, or a limit exceeded."
);
create_exception!(
    backupcrypt,
    UnsafeArchive,
    BackupcryptError,
    "A ZIP entry name that could escape the destination folder (absolute, `..`, drive letters)."
);

/// The library's error as the package's exception; a Python exception raised by
/// a file object passed in comes back unchanged.
fn to_py(e: Error) -> PyErr {
    let msg = e.to_string();
    match e {
        Error::WrongPassword(_) => WrongPassword::new_err(msg),
        Error::Corrupt(_) | Error::Truncated => Damaged::new_err(msg),
        Error::NotEncrypted => NotEncrypted::new_err(msg),
        Error::UnsupportedVersion(_) | Error::Unsupported(_) | Error::ExcessiveWork { .. } => {
            Unsupported::new_err(msg)
        }
        Error::InvalidInput(_) => PyValueError::new_err(msg),
        Error::Io(io) => io_to_py(io),
        _ => BackupcryptError::new_err(msg),
    }
}

fn io_to_py(e: io::Error) -> PyErr {
    if e.get_ref().is_some_and(|inner| inner.is::<PyErr>() || inner.is::<Error>()) {
        let kind = e.kind();
        if let Some(inner) = e.into_inner() {
            return match inner.downcast::<PyErr>() {
                Ok(py) => *py,
                Err(other) => match other.downcast::<Error>() {
                    Ok(ours) => to_py(*ours),
                    Err(other) => PyOSError::new_err(other.to_string()),
                },
            };
        }
        return PyOSError::new_err(io::Error::from(kind).to_string());
    }
    PyErr::from(e)
}

/// A password given as `str` (AES Crypt encodes it as UTF-16) or `bytes`.
#[derive(FromPyObject)]
enum PasswordArg {
    Text(String),
    Bytes(Vec<u8>),
}

impl PasswordArg {
    fn take(self) -> Password {
        use zeroize::Zeroize;
        match self {
            PasswordArg::Text(mut s) => {
                let p = Password::from(s.as_str());
                s.zeroize();
                p
            }
            PasswordArg::Bytes(mut b) => {
                let p = Password::from_slice(&b);
                b.zeroize();
                p
            }
        }
    }
}

fn integrity_name(i: Integrity) -> &'static str {
    match i {
        Integrity::Authenticated => "authenticated",
        Integrity::PaddingChecked => "padding-checked",
        Integrity::Unchecked => "unchecked",
    }
}

fn encrypt_to(format: &str, iterations: Option<u32>) -> PyResult<EncryptTo> {
    match format {
        "aescrypt" | "aescrypt2" => Ok(EncryptTo::AesCrypt(aescrypt::Version::V2)),
        "aescrypt3" => Ok(EncryptTo::AesCrypt(aescrypt::Version::V3 {
            iterations: iterations.unwrap_or(aescrypt::V3_DEFAULT_ITERATIONS),
        })),
        "openssl" => {
            let mut params = Params { armour: Armour::Binary, ..Params::default() };
            if let (Some(n), backupcrypt::openssl::KeyDerivation::Pbkdf2 { iterations, .. }) =
                (iterations, &mut params.kdf)
            {
                *iterations = n;
            }
            Ok(EncryptTo::OpenSsl(params))
        }
        other => Err(PyValueError::new_err(format!(
            "unknown format {other:?}: expected 'aescrypt', 'aescrypt3' or 'openssl'"
        ))),
    }
}

fn overwrite(replace: bool) -> Overwrite {
    if replace { Overwrite::Replace } else { Overwrite::Never }
}

/// A Python binary file object (anything with `read`, and `seek` for random
/// access) as a Rust reader. Each call takes the GIL for the length of one call.
struct PyReader {
    obj: Py<PyAny>,
}

fn py_io(e: PyErr) -> io::Error {
    io::Error::other(e)
}

impl Read for PyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Python::attach(|py| {
            let data = self.obj.bind(py).call_method1("read", (buf.len(),)).map_err(py_io)?;
            if data.is_none() {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    "read() returned None (non-blocking file)",
                ));
            }
            let bytes: &[u8] = data.extract().map_err(|_| {
                py_io(PyTypeError::new_err("read() must return bytes (open the file in binary mode)"))
            })?;
            if bytes.len() > buf.len() {
                return Err(py_io(PyValueError::new_err("read() returned more bytes than asked for")));
            }
            buf[..bytes.len()].copy_from_slice(bytes);
            Ok(bytes.len())
        })
    }
}

impl Seek for PyReader {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let (offset, whence): (i64, u8) = match pos {
            SeekFrom::Start(n) => (i64::try_from(n).map_err(|_| io::ErrorKind::InvalidInput)?, 0),
            SeekFrom::Current(n) => (n, 1),
            SeekFrom::End(n) => (n, 2),
        };
        Python::attach(|py| {
            self.obj
                .bind(py)
                .call_method1("seek", (offset, whence))
                .and_then(|r| r.extract::<u64>())
                .map_err(py_io)
        })
    }
}

/// An iterable of `bytes` chunks as a Rust reader (one chunk held at a time).
struct PyChunks {
    iter: Py<PyIterator>,
    chunk: Option<Py<PyBytes>>,
    pos: usize,
}

impl Read for PyChunks {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Python::attach(|py| {
            loop {
                if let Some(chunk) = &self.chunk {
                    let data = chunk.as_bytes(py);
                    if self.pos < data.len() {
                        let n = buf.len().min(data.len() - self.pos);
                        buf[..n].copy_from_slice(&data[self.pos..self.pos + n]);
                        self.pos += n;
                        return Ok(n);
                    }
                }
                self.chunk = None;
                self.pos = 0;
                let Some(next) = self.iter.bind(py).clone().next() else { return Ok(0) };
                let next = next.map_err(py_io)?;
                let bytes = next
                    .cast_into::<PyBytes>()
                    .map_err(|_| py_io(PyTypeError::new_err("the iterator must yield bytes")))?;
                self.chunk = Some(bytes.unbind());
            }
        })
    }
}

/// A Python binary file object (anything with `write`) as a Rust writer.
struct PyWriter {
    obj: Py<PyAny>,
}

impl Write for PyWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Python::attach(|py| {
            let r = self.obj.bind(py).call_method1("write", (PyBytes::new(py, buf),)).map_err(py_io)?;
            // Buffered files return the length; raw files may write less; many
            // file-like objects return None, meaning all of it.
            if r.is_none() { Ok(buf.len()) } else { r.extract::<usize>().map_err(py_io) }
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Python::attach(|py| {
            let obj = self.obj.bind(py);
            if obj.hasattr("flush").map_err(py_io)? {
                obj.call_method0("flush").map_err(py_io)?;
            }
            Ok(())
        })
    }
}

/// `decrypt_file(src, dst, password, *, overwrite=False)` → integrity name.
#[pyfunction]
#[pyo3(signature = (src, dst, password, *, overwrite=false))]
fn decrypt_file(
    py: Python<'_>,
    src: PathBuf,
    dst: PathBuf,
    password: PasswordArg,
    overwrite: bool,
) -> PyResult<&'static str> {
    let password = password.take();
    let replace = self::overwrite(overwrite);
    py.detach(|| backupcrypt::io::decrypt_file(&src, &dst, replace, password, DecryptOptions::default()))
        .map(integrity_name)
        .map_err(to_py)
}

/// `encrypt_file(src, dst, password, *, overwrite=False, format="aescrypt", iterations=None)` → plaintext length.
#[pyfunction]
#[pyo3(signature = (src, dst, password, *, overwrite=false, format="aescrypt", iterations=None))]
fn encrypt_file(
    py: Python<'_>,
    src: PathBuf,
    dst: PathBuf,
    password: PasswordArg,
    overwrite: bool,
    format: &str,
    iterations: Option<u32>,
) -> PyResult<u64> {
    let to = encrypt_to(format, iterations)?;
    let password = password.take();
    let replace = self::overwrite(overwrite);
    py.detach(|| backupcrypt::io::encrypt_file(&src, &dst, replace, &password, to)).map_err(to_py)
}

/// `decrypt_stream(fin, fout, password, limit=None)` → integrity name.
#[pyfunction]
#[pyo3(signature = (fin, fout, password, limit=None))]
fn decrypt_stream(
    py: Python<'_>,
    fin: Py<PyAny>,
    fout: Py<PyAny>,
    password: PasswordArg,
    limit: Option<u64>,
) -> PyResult<&'static str> {
    let password = password.take();
    let input = PyReader { obj: fin }.take(limit.unwrap_or(u64::MAX));
    let output = PyWriter { obj: fout };
    py.detach(|| backupcrypt::io::decrypt_stream(input, output, password, DecryptOptions::default()))
        .map(integrity_name)
        .map_err(to_py)
}

/// `encrypt_stream(fin, fout, password, format="aescrypt", iterations=None)` → plaintext length.
#[pyfunction]
#[pyo3(signature = (fin, fout, password, format="aescrypt", iterations=None))]
fn encrypt_stream(
    py: Python<'_>,
    fin: Py<PyAny>,
    fout: Py<PyAny>,
    password: PasswordArg,
    format: &str,
    iterations: Option<u32>,
) -> PyResult<u64> {
    let to = encrypt_to(format, iterations)?;
    let password = password.take();
    let input = PyReader { obj: fin };
    let output = PyWriter { obj: fout };
    py.detach(|| backupcrypt::io::encrypt_stream(input, output, &password, to)).map_err(to_py)
}

/// `inspect(head, file_len, tail)` → dict of what the file says without the password.
#[pyfunction]
fn inspect<'py>(
    py: Python<'py>,
    head: &[u8],
    file_len: Option<u64>,
    tail: &[u8],
) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
    use backupcrypt::inspect::{Kdf, PlaintextSize};
    let info = backupcrypt::inspect::inspect(head, file_len, tail).map_err(to_py)?;
    let d = pyo3::types::PyDict::new(py);
    d.set_item(
        "format",
        match info.format {
            Format::AesCrypt => "aescrypt",
            Format::OpenSsl => "openssl",
        },
    )?;
    d.set_item("version", info.version)?;
    d.set_item("salt", info.salt.map(|s| PyBytes::new(py, &s).unbind()))?;
    d.set_item("base64", info.base64)?;
    d.set_item("kdf", info.kdf.to_string())?;
    d.set_item(
        "iterations",
        match info.kdf {
            Kdf::Pbkdf2Sha512 { iterations } => Some(iterations),
            Kdf::AesCryptSha256x8192 => Some(8192),
            Kdf::NotRecorded => None,
        },
    )?;
    d.set_item("created_by", info.created_by.clone())?;
    d.set_item("header_len", info.header_len)?;
    d.set_item("file_len", info.file_len)?;
    let (lo, hi) = match info.plaintext_size {
        PlaintextSize::Exact(n) => (Some(n), Some(n)),
        PlaintextSize::Between(a, b) => (Some(a), Some(b)),
        PlaintextSize::Unknown => (None, None),
    };
    d.set_item("plaintext_min", lo)?;
    d.set_item("plaintext_max", hi)?;
    d.set_item("authenticated", info.authenticated)?;
    Ok(d)
}

enum Source {
    File(std::fs::File),
    Py(PyReader),
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::File(f) => f.read(buf),
            Source::Py(p) => p.read(buf),
        }
    }
}

impl Seek for Source {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        match self {
            Source::File(f) => f.seek(pos),
            Source::Py(p) => p.seek(pos),
        }
    }
}

/// Random access to the plaintext of an encrypted file (the Python side wraps it
/// in `io.RawIOBase`). Nothing read is verified until `verify()` returns.
#[pyclass(module = "backupcrypt._native")]
struct Decrypted {
    inner: Option<SeekableDecryptor<Source>>,
}

impl Decrypted {
    fn get(&mut self) -> PyResult<&mut SeekableDecryptor<Source>> {
        self.inner.as_mut().ok_or_else(|| PyValueError::new_err("I/O operation on closed file."))
    }
}

#[pymethods]
impl Decrypted {
    /// `Decrypted(path_or_fileobj, password)`: checks the password as far as the
    /// format allows (AES Crypt header HMAC, OpenSSL final padding).
    #[new]
    fn new(py: Python<'_>, source: Bound<'_, PyAny>, password: PasswordArg) -> PyResult<Self> {
        let password = password.take();
        let source = if source.hasattr("read")? {
            Source::Py(PyReader { obj: source.unbind() })
        } else {
            let path: PathBuf = source.extract()?;
            Source::File(py.detach(|| std::fs::File::open(&path))?)
        };
        let inner = py
            .detach(|| SeekableDecryptor::new(source, &password, &DecryptOptions::default()))
            .map_err(to_py)?;
        Ok(Decrypted { inner: Some(inner) })
    }

    /// Up to `n` bytes from the current position (`b""` at the end).
    fn read<'py>(&mut self, py: Python<'py>, n: usize) -> PyResult<Bound<'py, PyBytes>> {
        let d = self.get()?;
        let mut buf = vec![0u8; n.min(1 << 24)];
        let got = py.detach(|| {
            let mut filled = 0;
            while filled < buf.len() {
                match d.read(&mut buf[filled..]) {
                    Ok(0) => break,
                    Ok(k) => filled += k,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(filled)
        });
        let got = got.map_err(io_to_py)?;
        let out = PyBytes::new(py, &buf[..got]);
        zeroize::Zeroize::zeroize(&mut buf);
        Ok(out)
    }

    /// Moves the position (`whence` as in `io`); returns the new position.
    fn seek(&mut self, py: Python<'_>, offset: i64, whence: u8) -> PyResult<u64> {
        let pos = match whence {
            0 => SeekFrom::Start(
                u64::try_from(offset).map_err(|_| PyValueError::new_err("negative seek position"))?,
            ),
            1 => SeekFrom::Current(offset),
            2 => SeekFrom::End(offset),
            _ => return Err(PyValueError::new_err("whence must be 0, 1 or 2")),
        };
        let d = self.get()?;
        py.detach(|| d.seek(pos)).map_err(io_to_py)
    }

    /// The plaintext length (exact, known from the head and tail alone).
    fn __len__(&self) -> PyResult<usize> {
        let d = self.inner.as_ref().ok_or_else(|| PyValueError::new_err("I/O operation on closed file."))?;
        usize::try_from(d.len()).map_err(|_| PyOSError::new_err("too large"))
    }

    /// The plaintext length as an int.
    #[getter]
    fn size(&self) -> PyResult<u64> {
        self.inner
            .as_ref()
            .map(|d| d.len())
            .ok_or_else(|| PyValueError::new_err("I/O operation on closed file."))
    }

    /// `"aescrypt"` or `"openssl"`.
    #[getter]
    fn format(&self) -> PyResult<&'static str> {
        let d = self.inner.as_ref().ok_or_else(|| PyValueError::new_err("I/O operation on closed file."))?;
        Ok(match d.format() {
            Format::AesCrypt => "aescrypt",
            Format::OpenSsl => "openssl",
        })
    }

    /// The full pass: reads all the ciphertext once and checks the HMAC (AES
    /// Crypt). Returns the integrity name; raises Damaged if it fails.
    fn verify(&mut self, py: Python<'_>) -> PyResult<&'static str> {
        let d = self.get()?;
        py.detach(|| d.verify()).map(integrity_name).map_err(to_py)
    }

    /// Releases the file and wipes the decrypted window.
    fn close(&mut self) {
        self.inner = None;
    }
}

/// `UnsafeArchive` for an entry name that could escape the folder it is extracted to.
fn check_name(name: &str) -> PyResult<()> {
    backupcrypt::zip::safe_path::sanitize(name)
        .map(drop)
        .map_err(|why| UnsafeArchive::new_err(format!("entry name {name:?}: {why}")))
}

/// The encrypted ZIP writer behind `backupcrypt.ArchiveWriter`.
#[pyclass(module = "backupcrypt._native")]
struct Archive {
    // pyclasses are shared between threads; the writer's channels are Send only.
    zip: std::sync::Mutex<Option<ZipWriter<EncryptingWriter<PyWriter>>>>,
    files: u64,
}

impl Archive {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<ZipWriter<EncryptingWriter<PyWriter>>>> {
        self.zip.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[pymethods]
impl Archive {
    #[new]
    #[pyo3(signature = (out, password, format="aescrypt"))]
    fn new(py: Python<'_>, out: Py<PyAny>, password: PasswordArg, format: &str) -> PyResult<Self> {
        let to = encrypt_to(format, None)?;
        let password = password.take();
        let writer =
            py.detach(|| EncryptingWriter::new(PyWriter { obj: out }, &password, to)).map_err(to_py)?;
        Ok(Archive { zip: std::sync::Mutex::new(Some(ZipWriter::new(writer))), files: 0 })
    }

    /// Adds one file: `source` is a binary file object or an iterable of bytes;
    /// `size` its expected length (decides ZIP64; a different length is an
    /// error); `modified` a (year, month, day, hour, minute, second) tuple.
    #[pyo3(signature = (name, size, source, modified, deflate=false))]
    fn add(
        &mut self,
        py: Python<'_>,
        name: &str,
        size: u64,
        source: Bound<'_, PyAny>,
        modified: (u16, u8, u8, u8, u8, u8),
        deflate: bool,
    ) -> PyResult<u64> {
        // The library answers whether a name is safe; asked first so that an unsafe
        // name is refused before anything is written (the archive stays usable).
        check_name(name)?;
        let mut guard = self.lock();
        let zip = guard.as_mut().ok_or_else(|| PyValueError::new_err("the archive is closed"))?;
        let mut reader: Box<dyn Read + Send> = if source.hasattr("read")? {
            Box::new(PyReader { obj: source.unbind() })
        } else if let Ok(bytes) = source.cast::<PyBytes>() {
            // A small file given whole.
            Box::new(PyChunks {
                iter: PyIterator::from_object(pyo3::types::PyTuple::new(py, [bytes])?.as_any())?.unbind(),
                chunk: None,
                pos: 0,
            })
        } else {
            Box::new(PyChunks { iter: source.try_iter()?.unbind(), chunk: None, pos: 0 })
        };
        let (year, month, day, hour, minute, second) = modified;
        let when = DosDateTime { year, month, day, hour, minute, second };
        let compression = if deflate { Compression::Deflate } else { Compression::Stored };
        let name_owned = name.to_owned();
        let r = py.detach(|| zip.add_file(&name_owned, when, compression, size, &mut reader));
        let n = match r {
            Ok(n) => n,
            Err(e) => {
                *guard = None;
                return Err(io_to_py(e));
            }
        };
        if n != size {
            *guard = None;
            return Err(PyValueError::new_err(format!(
                "{name}: {n} bytes read, {size} expected (the source changed?): the archive is incomplete"
            )));
        }
        drop(guard);
        self.files += 1;
        Ok(n)
    }

    /// Adds a directory entry.
    fn add_directory(
        &mut self,
        py: Python<'_>,
        name: &str,
        modified: (u16, u8, u8, u8, u8, u8),
    ) -> PyResult<()> {
        check_name(name)?;
        let mut guard = self.lock();
        let zip = guard.as_mut().ok_or_else(|| PyValueError::new_err("the archive is closed"))?;
        let (year, month, day, hour, minute, second) = modified;
        let when = DosDateTime { year, month, day, hour, minute, second };
        py.detach(|| zip.add_directory(name, when)).map_err(io_to_py)
    }

    /// Writes the central directory, the encryption's last block and HMAC, and
    /// flushes. Returns the number of files.
    fn finish(&mut self, py: Python<'_>) -> PyResult<u64> {
        let zip = self.lock().take().ok_or_else(|| PyValueError::new_err("the archive is closed"))?;
        py.detach(|| -> io::Result<()> {
            let enc = zip.finish()?;
            let mut out = enc.finish()?;
            out.flush()
        })
        .map_err(io_to_py)?;
        Ok(self.files)
    }

    /// Drops the archive without finishing it: the output is left incomplete
    /// (it will not decrypt), which is what an aborted upload needs.
    fn abort(&mut self) {
        *self.lock() = None;
    }

    /// True until finish() or abort().
    #[getter]
    fn open(&self) -> bool {
        self.lock().is_some()
    }
}

/// pyAesCrypt's first checks on a file's first 4 bytes and its length, in its order,
/// answered by the library's one sniffer (for the pyAesCrypt drop-in, which words
/// them as pyAesCrypt does): `"not_aes"` when the AES Crypt magic is not all there,
/// or for a v2 file (or one that ends after the magic) shorter than the smallest one
/// pyAesCrypt accepts (136 bytes; other versions may be shorter, and the library
/// reads them); `"corrupted"` when a longer stream ends right after the magic; else
/// `None`.
#[pyfunction]
fn pyaescrypt_head(head: &[u8], input_length: u64) -> Option<&'static str> {
    const PYAESCRYPT_MIN_V2_LEN: u64 = 136;
    match sniff::sniff(head) {
        Kind::AesCrypt { version } if head.len() >= sniff::AESCRYPT.len() => match version {
            Some(2) | None if input_length < PYAESCRYPT_MIN_V2_LEN => Some("not_aes"),
            None => Some("corrupted"),
            Some(_) => None,
        },
        _ => Some("not_aes"),
    }
}

/// Integrity names, for the Python layer: `(name, description)`.
#[pyfunction]
fn integrity_descriptions() -> Vec<(&'static str, &'static str)> {
    [Integrity::Authenticated, Integrity::PaddingChecked, Integrity::Unchecked]
        .into_iter()
        .map(|i| (integrity_name(i), i.describe()))
        .collect()
}

/// The native part of the `backupcrypt` package (see `help(backupcrypt)`).
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("BackupcryptError", py.get_type::<BackupcryptError>())?;
    m.add("WrongPassword", py.get_type::<WrongPassword>())?;
    m.add("Damaged", py.get_type::<Damaged>())?;
    m.add("NotEncrypted", py.get_type::<NotEncrypted>())?;
    m.add("Unsupported", py.get_type::<Unsupported>())?;
    m.add("UnsafeArchive", py.get_type::<UnsafeArchive>())?;
    m.add_function(wrap_pyfunction!(decrypt_file, m)?)?;
    m.add_function(wrap_pyfunction!(encrypt_file, m)?)?;
    m.add_function(wrap_pyfunction!(decrypt_stream, m)?)?;
    m.add_function(wrap_pyfunction!(encrypt_stream, m)?)?;
    m.add_function(wrap_pyfunction!(inspect, m)?)?;
    m.add_function(wrap_pyfunction!(integrity_descriptions, m)?)?;
    m.add_function(wrap_pyfunction!(pyaescrypt_head, m)?)?;
    m.add_class::<Decrypted>()?;
    m.add_class::<Archive>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
