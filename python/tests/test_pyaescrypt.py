"""backupcrypt.pyaescrypt against the real pyAesCrypt 6.0.0: both ways at many
sizes, and the same ValueError messages for the same bad input."""

import io
import os

import pyAesCrypt
import pytest

import backupcrypt
import backupcrypt.pyaescrypt as drop_in
from conftest import PASSWORD, SIZES, data


@pytest.mark.parametrize("size", SIZES)
def test_files_both_ways(tmp, size):
    plain = data(size)
    (tmp / "p").write_bytes(plain)
    # ours → pyAesCrypt
    drop_in.encryptFile(str(tmp / "p"), str(tmp / "ours.aes"), PASSWORD)
    pyAesCrypt.decryptFile(str(tmp / "ours.aes"), str(tmp / "by-them"), PASSWORD)
    assert (tmp / "by-them").read_bytes() == plain
    # pyAesCrypt → ours
    pyAesCrypt.encryptFile(str(tmp / "p"), str(tmp / "theirs.aes"), PASSWORD)
    drop_in.decryptFile(str(tmp / "theirs.aes"), str(tmp / "by-us"), PASSWORD)
    assert (tmp / "by-us").read_bytes() == plain
    # Same length as pyAesCrypt's files (same v2 layout, same padding).
    assert abs((tmp / "ours.aes").stat().st_size - (tmp / "theirs.aes").stat().st_size) < 256


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("buffer_size", [16, 64 * 1024, 1 << 20])
def test_streams_both_ways(size, buffer_size):
    plain = data(size, seed=buffer_size)
    ours = io.BytesIO()
    drop_in.encryptStream(io.BytesIO(plain), ours, PASSWORD, buffer_size)
    out = io.BytesIO()
    pyAesCrypt.decryptStream(io.BytesIO(ours.getvalue()), out, PASSWORD, buffer_size, len(ours.getvalue()))
    assert out.getvalue() == plain
    theirs = io.BytesIO()
    pyAesCrypt.encryptStream(io.BytesIO(plain), theirs, PASSWORD, buffer_size)
    out = io.BytesIO()
    drop_in.decryptStream(io.BytesIO(theirs.getvalue()), out, PASSWORD, buffer_size, len(theirs.getvalue()))
    assert out.getvalue() == plain


def test_decrypt_stream_stops_at_input_length():
    theirs = io.BytesIO()
    pyAesCrypt.encryptStream(io.BytesIO(b"hello"), theirs, PASSWORD, 64 * 1024)
    enc = theirs.getvalue()
    out = io.BytesIO()
    drop_in.decryptStream(io.BytesIO(enc + b"trailing data"), out, PASSWORD, 64 * 1024, len(enc))
    assert out.getvalue() == b"hello"


def _error(fn, *args):
    try:
        fn(*args)
    except ValueError as e:
        return e
    return None


def _encrypted(size=100_000):
    f = io.BytesIO()
    pyAesCrypt.encryptStream(io.BytesIO(data(size)), f, PASSWORD, 64 * 1024)
    return f.getvalue()


def _flip(b: bytes, at: int) -> bytes:
    b = bytearray(b)
    b[at] ^= 0x01
    return bytes(b)


ENC = _encrypted()
# (what, encrypted bytes, password): each pyAesCrypt refuses with its own message.
CASES = [
    ("wrong password", ENC, "not the password"),
    ("header HMAC modified", _flip(ENC, 280), PASSWORD),
    ("payload modified", _flip(ENC, 1000), PASSWORD),
    ("payload HMAC modified", _flip(ENC, len(ENC) - 1), PASSWORD),
    ("last block modified", _flip(ENC, len(ENC) - 40), PASSWORD),
    ("truncated by one block", ENC[:-33 - 16] + ENC[-33:], PASSWORD),
    ("cut in the header", ENC[:200], PASSWORD),
    ("cut before the payload", ENC[: 3 + 2 + 2 + 33 + 2 + 128 + 2 + 16 + 48 + 32], PASSWORD),
    ("not AES Crypt", b"PK\x03\x04" + bytes(200), PASSWORD),
    ("too short", ENC[:100], PASSWORD),
    ("empty", b"", PASSWORD),
    ("the magic alone", ENC[:3], PASSWORD),
    ("part of the magic", ENC[:2], PASSWORD),
    ("version 1 marker on a v2 file", ENC[:3] + b"\x07" + ENC[4:], PASSWORD),
]


@pytest.mark.parametrize("what,enc,pw", CASES, ids=[c[0] for c in CASES])
def test_same_errors_as_pyaescrypt_streams(what, enc, pw):
    theirs = _error(pyAesCrypt.decryptStream, io.BytesIO(enc), io.BytesIO(), pw, 64 * 1024, len(enc))
    ours = _error(drop_in.decryptStream, io.BytesIO(enc), io.BytesIO(), pw, 64 * 1024, len(enc))
    assert theirs is not None, what
    assert isinstance(ours, ValueError) and isinstance(ours, backupcrypt.BackupcryptError), (what, ours)
    assert str(ours) == str(theirs), what


@pytest.mark.parametrize("what,enc,pw", CASES, ids=[c[0] for c in CASES])
def test_same_errors_as_pyaescrypt_files(tmp, what, enc, pw):
    (tmp / "in.aes").write_bytes(enc)
    theirs = _error(pyAesCrypt.decryptFile, str(tmp / "in.aes"), str(tmp / "theirs"), pw)
    ours = _error(drop_in.decryptFile, str(tmp / "in.aes"), str(tmp / "ours"), pw)
    assert str(ours) == str(theirs), what
    # Neither leaves an output; ours never even wrote one.
    assert not (tmp / "theirs").exists() and not (tmp / "ours").exists()


def test_argument_errors_match(tmp):
    (tmp / "p").write_bytes(b"x")
    for fn in (pyAesCrypt, drop_in):
        pass
    cases = [
        ("encryptStream", (io.BytesIO(b"x"), io.BytesIO(), PASSWORD, 17)),
        ("decryptStream", (io.BytesIO(ENC), io.BytesIO(), PASSWORD, 17, len(ENC))),
        ("encryptStream", (io.BytesIO(b"x"), io.BytesIO(), "p" * 1025, 16)),
        ("decryptStream", (io.BytesIO(ENC), io.BytesIO(), "p" * 1025, 16, len(ENC))),
        ("encryptFile", (str(tmp / "missing"), str(tmp / "o"), PASSWORD)),
        ("decryptFile", (str(tmp / "missing"), str(tmp / "o"), PASSWORD)),
        ("encryptFile", (str(tmp / "p"), str(tmp / "p"), PASSWORD)),
        ("decryptFile", (str(tmp / "p"), str(tmp / "p"), PASSWORD)),
        ("encryptFile", (str(tmp / "p"), str(tmp / "no-such-dir" / "o"), PASSWORD)),
    ]
    for name, args in cases:
        theirs = _error(getattr(pyAesCrypt, name), *args)
        ours = _error(getattr(drop_in, name), *args)
        assert theirs is not None and ours is not None, name
        assert str(ours) == str(theirs), (name, args)


def test_migration_is_the_import_line():
    import backupcrypt.pyaescrypt as pyAesCrypt_

    for name in ("encryptFile", "decryptFile", "encryptStream", "decryptStream", "bufferSizeDef"):
        assert hasattr(pyAesCrypt_, name)
    import inspect

    for name in ("encryptFile", "decryptFile", "encryptStream", "decryptStream"):
        theirs = list(inspect.signature(getattr(pyAesCrypt, name)).parameters)
        ours = list(inspect.signature(getattr(pyAesCrypt_, name)).parameters)
        assert ours == theirs, name
