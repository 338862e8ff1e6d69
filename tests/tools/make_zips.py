"""Builds ZIP archives the way the real producers do, for tests/zip_interop.rs.

usage: make_zips.py OUTDIR

Writes into OUTDIR:
  src/...                    the files that go into every archive (the oracle)
  <kind>.zip                 one archive per producer/mode (see KINDS below)
  <kind>.zip.aes             the same, encrypted with pyAesCrypt.encryptStream
                             (64 KiB buffer, as grc-app did; pyAesCrypt must be 6.0.0)
  manifest.json              {kind: {entry name: hex sha256 of its content}}

The producers: Python zipfile (stored, deflate, forced ZIP64, streamed to a
non-seekable output so it writes data descriptors), Info-ZIP `zip`, and
aiozipstream 0.4 as grc-app used it (`ZipStream(files, chunksize=32768)` with
`stream` entries, no compression key -> stored, data descriptors, version-made-by
03 14).
"""

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile

import pyAesCrypt
from zipstream import ZipStream

from importlib.metadata import version

assert version("pyAesCrypt") == "6.0.0", version("pyAesCrypt")

out = sys.argv[1]
src = os.path.join(out, "src")
os.makedirs(src, exist_ok=True)


def pattern(n, seed):
    # Deterministic, not very compressible, cheap.
    h = hashlib.sha256(seed.encode()).digest()
    block = (h * (4096 // len(h) + 1))[:4096]
    rep = bytes((b + i) & 0xFF for i, b in enumerate(block))
    return (rep * (n // len(rep) + 1))[:n]


# name -> content. Sizes around block and buffer edges; a 0-byte entry (failed
# S3 download), names with non-ASCII letters, a nested zip like the attachments.
files = {
    "7KQ2ZP4M__medicalReports__scan.pdf": pattern(200_003, "scan"),
    "7KQ2ZP4M.pdf": pattern(65_535, "pdf"),
    "empty-download": b"",
    "aligned-16": pattern(4096, "aligned"),
    "text/notes.txt": b"hello backup\n" * 1000,
    "caf\u00e9-r\u00e9sum\u00e9.txt": "caf\u00e9 \u00fcber\n".encode() * 10,
    "\u65e5\u672c\u8a9e.txt": "\u65e5\u672c\n".encode() * 10,
}
nested = io.BytesIO()
with zipfile.ZipFile(nested, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("inner.txt", b"inner " * 500)
files["7KQ2ZP4M.zip"] = nested.getvalue()

for name, data in files.items():
    p = os.path.join(src, name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)


def python_zip(path, method, force_zip64=False, streamed=False):
    if streamed:
        class Unseekable(io.RawIOBase):
            def __init__(self, f):
                self.f = f

            def writable(self):
                return True

            def write(self, b):
                return self.f.write(b)

            def seekable(self):
                return False

        with open(path, "wb") as raw:
            with zipfile.ZipFile(Unseekable(raw), "w", method) as z:
                for name, data in files.items():
                    with z.open(name, "w", force_zip64=force_zip64) as w:
                        w.write(data)
        return
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in files.items():
            if force_zip64:
                with z.open(name, "w", force_zip64=True) as w:
                    w.write(data)
            else:
                z.writestr(name, data)


def infozip(path):
    # Run from src so that names are relative. Info-ZIP on Unix stores UTF-8 names
    # without the UTF-8 flag (host 3), with its own extra fields.
    names = sorted(files)
    subprocess.run(["zip", "-q", os.path.abspath(path)] + names, cwd=src, check=True)


def aiozipstream(path):
    def one_chunk(data):
        # The job passed each S3 body as a single chunk.
        yield data

    entries = [{"stream": one_chunk(data), "name": name} for name, data in files.items()]
    with open(path, "wb") as f:
        for chunk in ZipStream(entries, chunksize=32768).stream():
            f.write(chunk)


KINDS = {
    "python-stored": lambda p: python_zip(p, zipfile.ZIP_STORED),
    "python-deflate": lambda p: python_zip(p, zipfile.ZIP_DEFLATED),
    "python-zip64": lambda p: python_zip(p, zipfile.ZIP_DEFLATED, force_zip64=True),
    "python-streamed": lambda p: python_zip(p, zipfile.ZIP_STORED, streamed=True),
    "python-streamed-zip64": lambda p: python_zip(p, zipfile.ZIP_DEFLATED, force_zip64=True, streamed=True),
    "infozip": infozip,
    "aiozipstream": aiozipstream,
}

manifest = {}
for kind, make in KINDS.items():
    path = os.path.join(out, kind + ".zip")
    if os.path.exists(path):
        os.remove(path)
    make(path)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None, kind
    with open(path, "rb") as fin, open(path + ".aes", "wb") as fout:
        pyAesCrypt.encryptStream(fin, fout, "backup-key=", 64 * 1024)
    manifest[kind] = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}

with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1, sort_keys=True)
