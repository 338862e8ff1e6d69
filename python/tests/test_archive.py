"""ArchiveWriter: the encrypted ZIP it writes opens with pyAesCrypt 6.0.0 +
zipfile and with `backupcrypt extract`; names are checked; memory stays flat
while 1 GiB goes through (tracemalloc and peak RSS, in a fresh process)."""

import io
import json
import os
import subprocess
import sys
import zipfile

import pyAesCrypt
import pytest

import backupcrypt
from conftest import PASSWORD, data


def _decrypt(enc: bytes) -> bytes:
    out = io.BytesIO()
    pyAesCrypt.decryptStream(io.BytesIO(enc), out, PASSWORD, 64 * 1024, len(enc))
    return out.getvalue()


def test_archive_opens_with_pyaescrypt_and_zipfile():
    files = {"a.txt": b"alpha", "dir/b.bin": data(200_000), "empty": b"", "ü-名前.txt": data(33)}
    out = io.BytesIO()
    with backupcrypt.ArchiveWriter(out, PASSWORD) as a:
        a.add("a.txt", 5, io.BytesIO(files["a.txt"]))
        body = files["dir/b.bin"]
        a.add("dir/b.bin", len(body), (body[i : i + 1000] for i in range(0, len(body), 1000)))
        a.add("empty", 0, b"")
        a.add("ü-名前.txt", 33, files["ü-名前.txt"], deflate=True)
        a.add_directory("nothing-here")
    with zipfile.ZipFile(io.BytesIO(_decrypt(out.getvalue()))) as z:
        assert z.testzip() is None
        assert {n: z.read(n) for n in z.namelist() if not n.endswith("/")} == files
        assert "nothing-here/" in z.namelist()


def test_unsafe_names_are_refused_and_the_archive_goes_on():
    out = io.BytesIO()
    with backupcrypt.ArchiveWriter(out, PASSWORD) as a:
        for name in ("/etc/passwd", "../up.txt", "a/../../b", "C:/x"):
            with pytest.raises(backupcrypt.UnsafeArchive, match="entry name"):
                a.add(name, 1, b"x")
        a.add("fine.txt", 1, b"x")
    with zipfile.ZipFile(io.BytesIO(_decrypt(out.getvalue()))) as z:
        assert z.namelist() == ["fine.txt"]


def test_size_must_match():
    a = backupcrypt.ArchiveWriter(io.BytesIO(), PASSWORD)
    with pytest.raises(ValueError, match="3 bytes read, 4 expected"):
        a.add("x", 4, b"abc")
    with pytest.raises(ValueError, match="closed"):
        a.close()


def test_an_exception_leaves_the_archive_unfinished():
    out = io.BytesIO()
    with pytest.raises(RuntimeError):
        with backupcrypt.ArchiveWriter(out, PASSWORD) as a:
            a.add("x", 3, b"abc")
            raise RuntimeError("listing failed")
    with pytest.raises(ValueError):
        _decrypt(out.getvalue())


def test_backupcrypt_extract_restores_it(tmp):
    out = tmp / "files.zip.aes"
    with open(out, "wb") as f, backupcrypt.ArchiveWriter(f, PASSWORD) as a:
        a.add("x/y.bin", 100_000, io.BytesIO(data(100_000)))
    (tmp / "pw").write_text(PASSWORD + "\n")
    subprocess.run(["backupcrypt", "extract", str(out), "-C", str(tmp / "r"), "--password-file", str(tmp / "pw"), "-q"], check=True)
    assert (tmp / "r" / "x" / "y.bin").read_bytes() == data(100_000)


MEMORY_CHILD = r"""
import json, sys, tracemalloc
import backupcrypt

def peak_rss():
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes
        class Counters(ctypes.Structure):
            _fields_ = [("cb", wintypes.DWORD), ("faults", wintypes.DWORD)] + [(f, ctypes.c_size_t) for f in (
                "peak", "ws", "qpp", "qp", "qpn", "qn", "pf", "ppf")]
        c = Counters()
        c.cb = ctypes.sizeof(c)
        ctypes.windll.kernel32.K32GetProcessMemoryInfo(ctypes.windll.kernel32.GetCurrentProcess(), ctypes.byref(c), c.cb)
        return c.peak
    # VmHWM: ru_maxrss would carry over the parent's peak across fork + exec on Linux.
    try:
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmHWM:"))
    except OSError:
        import resource
        r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return r if sys.platform == "darwin" else r * 1024

class Counting:
    n = 0
    def write(self, b):
        self.n += len(b)
        return len(b)

total = int(sys.argv[1])
chunk = bytes(range(256)) * 4096  # 1 MiB, yielded again and again: no new allocations
def source(n):
    while n:
        k = min(n, len(chunk))
        yield chunk if k == len(chunk) else chunk[:k]
        n -= k

baseline = peak_rss()
tracemalloc.start()
out = Counting()
with backupcrypt.ArchiveWriter(out, "pw") as a:
    files = 8
    for i in range(files):
        a.add(f"f{i}", total // files, source(total // files))
_, traced = tracemalloc.get_traced_memory()
print(json.dumps({"rss": peak_rss() - baseline, "traced": traced, "out": out.n}))
"""


def test_archive_memory_is_flat_for_1_gib():
    def run(total):
        r = subprocess.run([sys.executable, "-c", MEMORY_CHILD, str(total)], capture_output=True, text=True, check=True)
        return json.loads(r.stdout)

    small = run(64 << 20)
    big = run(1 << 30)
    assert big["out"] > 1 << 30
    print(f"\narchive writer: 64 MiB: +{small['rss'] >> 20} MiB RSS; 1 GiB: +{big['rss'] >> 20} MiB RSS, {big['traced'] >> 10} KiB peak traced by tracemalloc")
    assert big["rss"] > 1 << 20, big  # the measure sees the Rust buffers
    # Python-side allocations: a few chunks, whatever the size.
    assert big["traced"] < 8 << 20, big
    # The whole process, Rust buffers and threads included.
    assert big["rss"] < 64 << 20, big
    assert big["rss"] < small["rss"] + (16 << 20), (small, big)
