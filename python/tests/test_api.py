"""The Pythonic layer: open() with seeking, decrypt_file/encrypt_file, inspect,
verify, the exceptions and their messages, and the GIL released."""

import io
import os
import random
import subprocess
import sys
import threading
import time
import zipfile

import pyAesCrypt
import pytest

import backupcrypt
from conftest import PASSWORD, data


def _pyaescrypt_file(tmp, plain, name="f.aes"):
    (tmp / "plain").write_bytes(plain)
    pyAesCrypt.encryptFile(str(tmp / "plain"), str(tmp / name), PASSWORD)
    return tmp / name


def _openssl_file(tmp, plain, name="f.enc"):
    (tmp / "plain").write_bytes(plain)
    subprocess.run(
        ["openssl", "enc", "-aes-256-cbc", "-pbkdf2", "-in", str(tmp / "plain"), "-out", str(tmp / name), "-pass", "env:PW"],
        check=True,
        env={**os.environ, "PW": PASSWORD},
    )
    return tmp / name


@pytest.mark.parametrize("maker", [_pyaescrypt_file, _openssl_file])
def test_open_seeks_like_the_plaintext(tmp, maker):
    plain = data(300_000 + 7)
    path = maker(tmp, plain)
    rng = random.Random(1)
    with backupcrypt.open(path, PASSWORD) as f:
        assert f.size == len(plain) and f.seekable() and f.readable()
        assert f.read(10) == plain[:10]
        for _ in range(300):
            at = rng.randrange(0, len(plain) + 20)
            n = rng.randrange(0, 70_000)
            whence = rng.choice([io.SEEK_SET, io.SEEK_CUR, io.SEEK_END])
            if whence == io.SEEK_SET:
                pos = f.seek(at)
            elif whence == io.SEEK_CUR:
                pos = f.seek(at - f.tell() if at >= 0 else 0, io.SEEK_CUR)
            else:
                pos = f.seek(at - len(plain), io.SEEK_END)
            assert pos == at == f.tell()
            assert f.read(n) == plain[at : at + n]
        f.seek(0)
        assert f.read() == plain
        assert f.verify() == ("authenticated" if maker is _pyaescrypt_file else "padding-checked")


def test_open_a_file_object_and_zipfile_inside(tmp):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", b"alpha")
        z.writestr("dir/b.bin", data(70_000))
    path = _pyaescrypt_file(tmp, buf.getvalue())
    with open(path, "rb") as raw, backupcrypt.open(raw, PASSWORD) as f:
        with zipfile.ZipFile(f) as z:
            assert z.namelist() == ["a.txt", "dir/b.bin"]
            assert z.read("dir/b.bin") == data(70_000)


def test_open_is_unverified_until_verify(tmp):
    plain = data(200_000)
    path = _pyaescrypt_file(tmp, plain)
    b = bytearray(path.read_bytes())
    b[len(b) - 33 - 50_000] ^= 1  # in the payload: only the HMAC can tell
    path.write_bytes(bytes(b))
    with backupcrypt.open(path, PASSWORD) as f:
        assert f.read(1000) == plain[:1000]
        with pytest.raises(backupcrypt.Damaged, match="HMAC"):
            f.verify()


def test_wrong_password_is_known_at_open(tmp):
    path = _pyaescrypt_file(tmp, b"x" * 100)
    with pytest.raises(backupcrypt.WrongPassword) as e:
        backupcrypt.open(path, "nope")
    assert isinstance(e.value, ValueError)
    assert "wrong password" in str(e.value)


def test_decrypt_file_is_atomic(tmp):
    plain = data(1_000_000)
    path = _pyaescrypt_file(tmp, plain)
    assert backupcrypt.decrypt_file(path, tmp / "out", PASSWORD) == "authenticated"
    assert (tmp / "out").read_bytes() == plain
    with pytest.raises(FileExistsError):
        backupcrypt.decrypt_file(path, tmp / "out", PASSWORD)
    b = bytearray(path.read_bytes())
    b[-1] ^= 1
    (tmp / "bad.aes").write_bytes(bytes(b))
    before = sorted(os.listdir(tmp))
    with pytest.raises(backupcrypt.Damaged):
        backupcrypt.decrypt_file(tmp / "bad.aes", tmp / "restored", PASSWORD)
    assert sorted(os.listdir(tmp)) == before  # nothing, not even a temporary file
    with pytest.raises(backupcrypt.WrongPassword):
        backupcrypt.decrypt_file(path, tmp / "restored", "nope")
    assert sorted(os.listdir(tmp)) == before


@pytest.mark.parametrize("fmt", ["aescrypt", "aescrypt3", "openssl"])
def test_encrypt_file_formats(tmp, fmt):
    plain = data(100_003)
    (tmp / "p").write_bytes(plain)
    assert backupcrypt.encrypt_file(tmp / "p", tmp / "e", PASSWORD, format=fmt, iterations=1000 if fmt != "aescrypt" else None) == len(plain)
    info = backupcrypt.inspect(tmp / "e")
    assert info.format == ("openssl" if fmt == "openssl" else "aescrypt")
    if fmt == "openssl":
        r = subprocess.run(
            ["openssl", "enc", "-d", "-aes-256-cbc", "-pbkdf2", "-iter", "1000", "-in", str(tmp / "e"), "-pass", "env:PW"],
            capture_output=True,
            env={**os.environ, "PW": PASSWORD},
            check=True,
        )
        assert r.stdout == plain
    else:
        assert info.version == (2 if fmt == "aescrypt" else 3)
        assert backupcrypt.decrypt_file(tmp / "e", tmp / "d", PASSWORD) == "authenticated"
        assert (tmp / "d").read_bytes() == plain


def test_inspect_is_a_dataclass(tmp):
    path = _pyaescrypt_file(tmp, data(1000))
    info = backupcrypt.inspect(path)
    assert isinstance(info, backupcrypt.Info)
    assert (info.format, info.version, info.authenticated) == ("aescrypt", 2, True)
    assert info.created_by == "pyAesCrypt 6.0.0"
    assert info.plaintext_size == 1000
    assert info.file_len == path.stat().st_size
    with pytest.raises(backupcrypt.NotEncrypted):
        (tmp / "plain.txt").write_bytes(b"hello world, not encrypted")
        backupcrypt.inspect(tmp / "plain.txt")


def test_verify_reports_each_file(tmp):
    good = _pyaescrypt_file(tmp, data(5000), "good.aes")
    bad = tmp / "bad.aes"
    b = bytearray(good.read_bytes())
    b[-5] ^= 1
    bad.write_bytes(bytes(b))
    (tmp / "plain.txt").write_bytes(b"not encrypted at all, just text")
    r = backupcrypt.verify([good, bad, tmp / "plain.txt"], PASSWORD)
    assert [v.ok for v in r] == [True, False, False]
    assert r[0].integrity == "authenticated"
    assert isinstance(r[1].error, backupcrypt.Damaged)
    assert isinstance(r[2].error, backupcrypt.NotEncrypted)
    assert [type(v.error) for v in backupcrypt.verify(good, "nope")] == [backupcrypt.WrongPassword]


def test_exceptions_are_value_errors():
    for e in (backupcrypt.WrongPassword, backupcrypt.Damaged, backupcrypt.NotEncrypted, backupcrypt.Unsupported, backupcrypt.UnsafeArchive):
        assert issubclass(e, backupcrypt.BackupcryptError) and issubclass(e, ValueError)
        assert e.__doc__


def test_exception_messages():
    def fail(enc, pw=PASSWORD):
        with pytest.raises(backupcrypt.BackupcryptError) as e:
            backupcrypt.decrypt_stream(io.BytesIO(enc), io.BytesIO(), pw)
        return e.value

    f = io.BytesIO()
    backupcrypt.encrypt_stream(io.BytesIO(b"hello" * 1000), f, PASSWORD)
    enc = f.getvalue()
    e = fail(enc, "nope")
    assert type(e) is backupcrypt.WrongPassword and str(e) == "wrong password (or the file header was modified)"
    e = fail(enc[:-1] + bytes([enc[-1] ^ 1]))
    assert type(e) is backupcrypt.Damaged and "HMAC" in str(e)
    e = fail(enc[:-40])
    assert type(e) is backupcrypt.Damaged
    e = fail(b"just some text that is not encrypted")
    assert type(e) is backupcrypt.NotEncrypted and str(e) == "not an encrypted file of a known format"
    e = fail(b"AES\x09" + bytes(200))
    assert type(e) is backupcrypt.Unsupported and "version 9" in str(e)


def test_python_exceptions_from_file_objects_come_through():
    class Boom(Exception):
        pass

    class Failing:
        def read(self, n):
            raise Boom("disk on fire")

    with pytest.raises(Boom, match="disk on fire"):
        backupcrypt.encrypt_stream(Failing(), io.BytesIO(), PASSWORD)


def test_the_gil_is_released_during_a_long_decrypt(tmp):
    plain = os.urandom(128 << 20)
    (tmp / "p").write_bytes(plain)
    del plain
    backupcrypt.encrypt_file(tmp / "p", tmp / "e", PASSWORD)
    ticks = 0
    stop = threading.Event()

    def counter():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    t = threading.Thread(target=counter)
    t.start()
    time.sleep(0.05)
    start = ticks
    # Python's switch interval is 5 ms: a call holding the GIL would let the
    # counter run only once it returned.
    for dst in ("d1", "d2"):
        backupcrypt.decrypt_file(tmp / "e", tmp / dst, PASSWORD)
    during = ticks - start
    stop.set()
    t.join()
    with open(tmp / "e", "rb") as fin:
        ticks_before = ticks
        stop.clear()
        t = threading.Thread(target=counter)
        t.start()
        backupcrypt.decrypt_stream(fin, open(os.devnull, "wb"), PASSWORD)
        stream_ticks = ticks - ticks_before
        stop.set()
        t.join()
    assert during > 100_000, during
    assert stream_ticks > 100_000, stream_ticks


def test_help_is_useful():
    doc = backupcrypt.__doc__
    for name in ("pyaescrypt", "open", "decrypt_file", "ArchiveWriter", "WrongPassword"):
        assert name in doc
    for fn in (backupcrypt.open, backupcrypt.decrypt_file, backupcrypt.inspect, backupcrypt.verify, backupcrypt.ArchiveWriter.add):
        assert fn.__doc__ and len(fn.__doc__) > 40
