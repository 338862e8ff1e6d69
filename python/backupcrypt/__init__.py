"""Open, verify and write encrypted backups: AES Crypt (pyAesCrypt) and OpenSSL ``enc``.

The same Rust library as the ``backupcrypt`` command does every bit of the work
(formats, key derivation, HMAC, ZIP); this package only adapts it to Python.
Work on large data runs with the GIL released, in bounded memory.

Three layers:

* :mod:`backupcrypt.pyaescrypt` -- a drop-in for pyAesCrypt: change
  ``import pyAesCrypt`` to ``import backupcrypt.pyaescrypt as pyAesCrypt``.
* Files and streams:

  - :func:`open` -- a readable, seekable binary file over the plaintext of an
    encrypted file (random access; unverified until ``.verify()``);
  - :func:`decrypt_file` / :func:`encrypt_file` -- the output file appears only
    when complete and verified (never partial plaintext);
  - :func:`decrypt_stream` / :func:`encrypt_stream` -- between file objects;
  - :func:`inspect` -- what a file is, without the password (:class:`Info`);
  - :func:`verify` -- check files without writing any plaintext.

* :class:`ArchiveWriter` -- the files job: ``(name, size, file object or
  iterable of bytes)`` one at a time into an encrypted ZIP (AES Crypt v2, ZIP64
  when needed) written to any writable file object.

Errors are :class:`WrongPassword`, :class:`Damaged`, :class:`NotEncrypted`,
:class:`Unsupported` and :class:`UnsafeArchive`, all subclasses of
:class:`BackupcryptError` and of :class:`ValueError` (what pyAesCrypt raises).

The command line: ``backupcrypt --help`` or ``python -m backupcrypt --help``.
"""

from __future__ import annotations

import builtins
import datetime as _dt
import io
import os
from dataclasses import dataclass
from typing import IO, BinaryIO, Iterable, List, Optional, Union

from . import _native
from ._native import (
    BackupcryptError,
    Damaged,
    NotEncrypted,
    UnsafeArchive,
    Unsupported,
    WrongPassword,
)

__version__: str = _native.__version__

__all__ = [
    "ArchiveWriter",
    "BackupcryptError",
    "Damaged",
    "DecryptedFile",
    "Info",
    "NotEncrypted",
    "UnsafeArchive",
    "Unsupported",
    "Verified",
    "WrongPassword",
    "decrypt_file",
    "decrypt_stream",
    "encrypt_file",
    "encrypt_stream",
    "inspect",
    "open",
    "verify",
]

PathLike = Union[str, "os.PathLike[str]"]
Password = Union[str, bytes]

#: Integrity names returned by decryption, and what each one means.
INTEGRITY = dict(_native.integrity_descriptions())


def decrypt_file(src: PathLike, dst: PathLike, password: Password, *, overwrite: bool = False) -> str:
    """Decrypt the file ``src`` (AES Crypt v0-v3 or OpenSSL, recognised) into ``dst``.

    ``dst`` appears only after every check passed (HMAC, padding): it is written
    to a temporary file in the same folder first (unnamed on Linux) and renamed;
    on any failure nothing is left. An existing ``dst`` is replaced only with
    ``overwrite=True``. Returns the integrity name (see :data:`INTEGRITY`):
    ``"authenticated"`` for AES Crypt. Raises :class:`WrongPassword`,
    :class:`Damaged`, :class:`NotEncrypted`, :class:`Unsupported` or ``OSError``.
    """
    return _native.decrypt_file(os.fspath(src), os.fspath(dst), password, overwrite=overwrite)


def encrypt_file(
    src: PathLike,
    dst: PathLike,
    password: Password,
    *,
    overwrite: bool = False,
    format: str = "aescrypt",
    iterations: Optional[int] = None,
) -> int:
    """Encrypt the file ``src`` into ``dst``; returns the plaintext length.

    ``format``: ``"aescrypt"`` (v2, what pyAesCrypt reads; the default),
    ``"aescrypt3"`` (PBKDF2-SHA512, ``iterations``) or ``"openssl"``
    (``openssl enc -aes-256-cbc -pbkdf2``). ``dst`` appears only when complete.
    """
    return _native.encrypt_file(
        os.fspath(src), os.fspath(dst), password, overwrite=overwrite, format=format, iterations=iterations
    )


def decrypt_stream(fin: BinaryIO, fout: IO[bytes], password: Password, limit: Optional[int] = None) -> str:
    """Decrypt everything read from ``fin`` (at most ``limit`` bytes) into ``fout``.

    Plaintext is written **before** the final check: if this raises, discard
    what ``fout`` received. Returns the integrity name.
    """
    return _native.decrypt_stream(fin, fout, password, limit)


def encrypt_stream(
    fin: BinaryIO,
    fout: IO[bytes],
    password: Password,
    format: str = "aescrypt",
    iterations: Optional[int] = None,
) -> int:
    """Encrypt everything read from ``fin`` into ``fout``; returns the plaintext length."""
    return _native.encrypt_stream(fin, fout, password, format, iterations)


class _RawDecrypted(io.RawIOBase):
    """The raw layer under :class:`DecryptedFile`."""

    def __init__(self, native: "_native.Decrypted", name: str) -> None:
        super().__init__()
        self._native = native
        self.name = name

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        data = self._native.read(len(b))
        n = len(data)
        b[:n] = data
        return n

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        return self._native.read(size)

    def readall(self) -> bytes:
        return self._native.read(max(0, self._native.size - self.tell()))

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._native.seek(offset, whence)

    def tell(self) -> int:
        return self._native.seek(0, io.SEEK_CUR)

    def close(self) -> None:
        if not self.closed:
            self._native.close()
        super().close()


class DecryptedFile(io.BufferedReader):
    """A binary, seekable file over the plaintext of an encrypted file (see :func:`open`)."""

    raw: _RawDecrypted

    @property
    def size(self) -> int:
        """The plaintext length (known exactly before reading anything)."""
        return self.raw._native.size

    @property
    def format(self) -> str:
        """``"aescrypt"`` or ``"openssl"``."""
        return self.raw._native.format

    def verify(self) -> str:
        """Read all the ciphertext once and check it (AES Crypt: the HMAC).

        Returns the integrity name; raises :class:`Damaged` if the file was
        modified. The read position is kept. OpenSSL files have no integrity
        check: only the padding was checked at open time (``"padding-checked"``).
        """
        return self.raw._native.verify()


def open(file: Union[PathLike, BinaryIO], password: Password, buffer_size: int = 64 * 1024) -> DecryptedFile:  # noqa: A001
    """Open an encrypted file (a path, or a seekable binary file object) for reading its plaintext.

    Returns a :class:`DecryptedFile` (an ``io.BufferedReader``): ``read``,
    ``seek``, ``tell``, iteration, ``with``. Only the blocks needed are read and
    decrypted, so ``zipfile.ZipFile(backupcrypt.open(path, pw))`` lists a ZIP at
    the end of a large backup at once. The password is checked at open time as
    far as the format allows (AES Crypt v1-v3 header HMAC; OpenSSL final
    padding). **Nothing read is verified until** :meth:`DecryptedFile.verify`.
    """
    if isinstance(file, (str, bytes)) or hasattr(file, "__fspath__"):
        path = os.fspath(file)
        native = _native.Decrypted(path, password)
        name = os.fsdecode(path)
    else:
        native = _native.Decrypted(file, password)
        name = getattr(file, "name", "<stream>")
    return DecryptedFile(_RawDecrypted(native, str(name)), buffer_size)


@dataclass(frozen=True)
class Info:
    """What an encrypted file says about itself, without the password (see :func:`inspect`)."""

    #: ``"aescrypt"`` or ``"openssl"``.
    format: str
    #: AES Crypt stream version (0-3); ``None`` for OpenSSL.
    version: Optional[int]
    #: How the key is derived, in words.
    kdf: str
    #: Iterations when the file records them (AES Crypt), else ``None``.
    iterations: Optional[int]
    #: OpenSSL: the salt from the ``Salted__`` header.
    salt: Optional[bytes]
    #: OpenSSL: base64 armour.
    base64: bool
    #: AES Crypt ``CREATED_BY`` extension (not authenticated).
    created_by: Optional[str]
    #: Bytes before the ciphertext.
    header_len: int
    #: File size.
    file_len: Optional[int]
    #: Plaintext size bounds (equal when known exactly; ``None`` when unknown).
    plaintext_min: Optional[int]
    plaintext_max: Optional[int]
    #: True if the format authenticates the data (AES Crypt's HMAC).
    authenticated: bool

    @property
    def plaintext_size(self) -> Optional[int]:
        """The exact plaintext size, if the file tells it without the password."""
        return self.plaintext_min if self.plaintext_min == self.plaintext_max else None


_HEAD = 64 * 1024
_TAIL = 64


def inspect(path: PathLike) -> Info:
    """Describe an encrypted file without the password: format, version, KDF, sizes.

    Raises :class:`NotEncrypted` (including OpenSSL ``-nosalt`` files, which look
    like random data), :class:`Damaged` (truncated header) or :class:`Unsupported`.
    """
    with builtins.open(path, "rb") as f:
        head = f.read(_HEAD)
        size = os.fstat(f.fileno()).st_size
        f.seek(max(0, size - _TAIL))
        tail = f.read(_TAIL)
    return Info(**_native.inspect(head, size, tail))


@dataclass(frozen=True)
class Verified:
    """The result of checking one file (see :func:`verify`)."""

    path: str
    #: True if the file decrypted and passed every check the format has.
    ok: bool
    #: The integrity name when ok (see :data:`INTEGRITY`), else ``None``.
    integrity: Optional[str]
    #: The exception when not ok.
    error: Optional[BaseException]


def verify(paths: Union[PathLike, Iterable[PathLike]], password: Password) -> List[Verified]:
    """Check each file by decrypting it fully, writing no plaintext anywhere.

    AES Crypt files are checked by their HMAC; OpenSSL files have none, so only
    their padding is (integrity ``"padding-checked"``). Never raises for a bad
    file: each result says what was found.
    """
    if isinstance(paths, (str, bytes)) or hasattr(paths, "__fspath__"):
        paths = [paths]  # type: ignore[list-item]
    results = []
    for p in paths:  # type: ignore[union-attr]
        path = os.fsdecode(os.fspath(p))
        try:
            with builtins.open(path, "rb") as f:
                integrity = _native.decrypt_stream(f, _Discard(), password, None)
            results.append(Verified(path, True, integrity, None))
        except (BackupcryptError, OSError) as e:
            results.append(Verified(path, False, None, e))
    return results


class _Discard:
    """A writable that drops everything (verification writes no plaintext)."""

    def write(self, b: bytes) -> int:
        return len(b)


def _dos_time(modified: Union[None, float, _dt.datetime]) -> tuple:
    if modified is None:
        t = _dt.datetime.now()
    elif isinstance(modified, (int, float)):
        t = _dt.datetime.fromtimestamp(modified)
    else:
        t = modified
    # ZIP (DOS) times cover 1980-2107.
    year = min(max(t.year, 1980), 2107)
    return (year, t.month, t.day, t.hour, t.minute, t.second)


class ArchiveWriter:
    """Write an encrypted ZIP archive, one file at a time, to any writable binary file object.

    The ZIP is streamed straight into the encryption (AES Crypt v2 by default:
    what pyAesCrypt reads) and out to ``out``, in bounded memory (about 10 MiB
    whatever the sizes), with the GIL released while it encrypts. Entries are
    stored (backups hold compressed files) unless ``deflate=True``; ZIP64 is
    used for entries that need it and when there are more than 65,535.

    ::

        with open("files.zip.aes", "wb") as out, backupcrypt.ArchiveWriter(out, password) as archive:
            for name, size, body in objects:
                archive.add(name, size, body)   # a file object or an iterable of bytes

    Leaving the ``with`` block by an exception does **not** finish the archive:
    the output is then incomplete and will not decrypt (an upload reading it
    should be aborted, see ``python/examples/files_job.py``). Entry names are
    checked: absolute paths, ``..`` and drive letters raise :class:`UnsafeArchive`
    before anything is written, and the archive stays usable.
    """

    def __init__(self, out: IO[bytes], password: Password, *, format: str = "aescrypt") -> None:
        self._native = _native.Archive(out, password, format)

    def add(
        self,
        name: str,
        size: int,
        source: Union[BinaryIO, Iterable[bytes], bytes],
        *,
        modified: Union[None, float, _dt.datetime] = None,
        deflate: bool = False,
    ) -> int:
        """Add one file of ``size`` bytes, read from ``source`` to its end.

        ``source``: a binary file object (``read``), an iterable of ``bytes``
        chunks, or ``bytes``. ``size`` must be the exact length (it decides
        ZIP64; a different length raises ``ValueError`` and leaves the archive
        unfinished). ``modified``: a datetime or timestamp (default: now).
        Returns the bytes added.
        """
        return self._native.add(name, size, source, _dos_time(modified), deflate)

    def add_directory(self, name: str, *, modified: Union[None, float, _dt.datetime] = None) -> None:
        """Add an (empty) directory entry ``name/``."""
        self._native.add_directory(name, _dos_time(modified))

    def close(self) -> int:
        """Finish the archive: central directory, last block and HMAC. Returns the number of files."""
        return self._native.finish()

    def abort(self) -> None:
        """Stop without finishing: what was written will not decrypt."""
        self._native.abort()

    def __enter__(self) -> "ArchiveWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            if self._native.open:
                self.close()
        else:
            self.abort()
