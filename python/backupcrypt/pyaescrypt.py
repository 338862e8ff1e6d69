"""A drop-in for pyAesCrypt 6.0.0: ``import backupcrypt.pyaescrypt as pyAesCrypt``.

:func:`encryptFile`, :func:`decryptFile`, :func:`encryptStream` and
:func:`decryptStream` take the same arguments as pyAesCrypt's and raise
``ValueError`` with the same messages (as subclasses: :class:`backupcrypt.WrongPassword`
for "Wrong password (or file is corrupted).", :class:`backupcrypt.Damaged` for
"Bad HMAC (file is corrupted)." and "File is corrupted.", ...). ``bufferSize``
is validated as pyAesCrypt does (a multiple of 16) and otherwise ignored: the
Rust library chooses its own buffers.

Differences, all on the safe side:

* decryptFile writes the output only once the HMAC has been checked (pyAesCrypt
  writes it and removes it on failure); encryptFile's output appears complete.
* decryptFile and decryptStream also read AES Crypt versions 0, 1 and 3
  (pyAesCrypt: version 2 only).
* The work runs in Rust with the GIL released, several times faster.
"""

from __future__ import annotations

import os
from os import path
from typing import IO, BinaryIO

from . import _native
from ._native import BackupcryptError, Damaged, NotEncrypted, Unsupported, WrongPassword

#: pyAesCrypt's version, for code that prints it.
version = "6.0.0"
#: Default buffer size (64 KiB), as in pyAesCrypt.
bufferSizeDef = 64 * 1024
#: Longest password, in characters, as in pyAesCrypt.
maxPassLen = 1024
#: AES block size in bytes.
AESBlockSize = 16

_NOT_AES = "File is corrupted or not an AES Crypt (or pyAesCrypt) file."
_CORRUPTED = "File is corrupted."
_BAD_HMAC = "Bad HMAC (file is corrupted)."
_WRONG_PASSWORD = "Wrong password (or file is corrupted)."
_VERSION = "pyAesCrypt is only compatible with version 2 of the AES Crypt file format."


def _check_args(passw: str, bufferSize: int, period: bool) -> None:
    if bufferSize % AESBlockSize != 0:
        # pyAesCrypt's encryptStream ends this message with a period, decryptStream not.
        raise ValueError("Buffer size must be a multiple of AES block size" + ("." if period else ""))
    if len(passw) > maxPassLen:
        raise ValueError("Password is too long.")


def _check_head(head: bytes, inputLength: int) -> None:
    """pyAesCrypt's own first checks, in its order, with its messages (the library
    answers them: python/src/lib.rs ``pyaescrypt_head``)."""
    problem = _native.pyaescrypt_head(head, inputLength)
    if problem == "not_aes":
        raise NotEncrypted(_NOT_AES)
    if problem == "corrupted":
        raise Damaged(_CORRUPTED)


def _translate(e: BackupcryptError) -> BackupcryptError:
    """The library's exception with pyAesCrypt's message for the same case."""
    if isinstance(e, WrongPassword):
        return WrongPassword(_WRONG_PASSWORD)
    if isinstance(e, Damaged):
        return Damaged(_BAD_HMAC if "HMAC" in str(e) or "padding" in str(e) else _CORRUPTED)
    if isinstance(e, NotEncrypted):
        return NotEncrypted(_NOT_AES)
    if isinstance(e, Unsupported):
        return Unsupported(_VERSION)
    return e


class _Prefixed:
    """``head`` then the rest of ``f``: the bytes already read for the checks above."""

    def __init__(self, head: bytes, f: BinaryIO) -> None:
        self._head = head
        self._f = f

    def read(self, n: int) -> bytes:
        if self._head:
            out, self._head = self._head[:n], self._head[n:]
            return out
        return self._f.read(n)


def encryptStream(fIn: BinaryIO, fOut: IO[bytes], passw: str, bufferSize: int) -> None:
    """Encrypt the binary stream ``fIn`` into ``fOut`` (AES Crypt v2), as pyAesCrypt does."""
    _check_args(passw, bufferSize, period=True)
    _native.encrypt_stream(fIn, fOut, passw, "aescrypt", None)


def decryptStream(fIn: BinaryIO, fOut: IO[bytes], passw: str, bufferSize: int, inputLength: int) -> None:
    """Decrypt ``inputLength`` bytes of the AES Crypt stream ``fIn`` into ``fOut``.

    As with pyAesCrypt, plaintext reaches ``fOut`` before the final HMAC check:
    if this raises, discard what ``fOut`` received.
    """
    _check_args(passw, bufferSize, period=False)
    head = fIn.read(4)
    _check_head(head, inputLength)
    try:
        _native.decrypt_stream(_Prefixed(head, fIn), fOut, passw, inputLength)
    except BackupcryptError as e:
        raise _translate(e) from None


def encryptFile(infile: str, outfile: str, passw: str, bufferSize: int = bufferSizeDef) -> None:
    """Encrypt the file ``infile`` into ``outfile`` (AES Crypt v2, replaced if it exists)."""
    try:
        with open(infile, "rb"):
            pass
    except OSError:
        raise ValueError("Unable to read input file.") from None
    if path.isfile(outfile) and path.samefile(infile, outfile):
        raise ValueError("Input and output files are the same.")
    _check_args(passw, bufferSize, period=True)
    try:
        _native.encrypt_file(os.fspath(infile), os.fspath(outfile), passw, overwrite=True)
    except OSError:
        raise ValueError("Unable to write output file.") from None


def decryptFile(infile: str, outfile: str, passw: str, bufferSize: int = bufferSizeDef) -> None:
    """Decrypt the AES Crypt file ``infile`` into ``outfile`` (replaced if it exists).

    ``outfile`` appears only once the HMAC has been checked.
    """
    try:
        with open(infile, "rb") as f:
            head = f.read(4)
            inputLength = os.fstat(f.fileno()).st_size
    except OSError:
        raise ValueError("Unable to read input file.") from None
    if path.isfile(outfile) and path.samefile(infile, outfile):
        raise ValueError("Input and output files are the same.")
    _check_args(passw, bufferSize, period=False)
    _check_head(head, inputLength)
    try:
        _native.decrypt_file(os.fspath(infile), os.fspath(outfile), passw, overwrite=True)
    except BackupcryptError as e:
        raise _translate(e) from None
    except OSError:
        raise ValueError("Unable to write output file.") from None


__all__ = ["encryptFile", "decryptFile", "encryptStream", "decryptStream", "version", "bufferSizeDef"]
