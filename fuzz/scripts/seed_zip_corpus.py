#!/usr/bin/env python3
"""Writes seed inputs for the ZIP fuzz targets into <corpus dir>/<target>/: archives
from Python zipfile (stored, deflate, ZIP64), Info-ZIP (with a symlink) and
aiozipstream 0.4 (the producer of the real backups: stored, data descriptors), and
entry names for the path sanitizer. zip_seekable seeds start with its 12 control
bytes (mode 0: encrypt, kinds 0-3).

usage: seed_zip_corpus.py <fuzz/corpus>   (needs the venv with aiozipstream 0.4)
"""
import io, os, subprocess, sys, tempfile, zipfile
out = sys.argv[1]
def w(t, n, b):
    open(os.path.join(out, t, n), "wb").write(b)
zips = {}
for name, comp in [("stored", zipfile.ZIP_STORED), ("deflate", zipfile.ZIP_DEFLATED)]:
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", comp) as z:
        z.writestr("hello.txt", "Hello, World!\n")
        z.writestr("dir/", "")
        z.writestr("dir/data.bin", bytes(range(256)) * 4)
    zips["py-" + name] = b.getvalue()
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
    with z.open("big.txt", "w", force_zip64=True) as f:
        f.write(b"zip64 " * 50)
zips["py-zip64"] = b.getvalue()
with tempfile.TemporaryDirectory() as t:
    os.makedirs(os.path.join(t, "a/b"))
    open(os.path.join(t, "a/b/c.txt"), "w").write("info-zip\n")
    os.symlink("c.txt", os.path.join(t, "a/b/link"))
    subprocess.run(["zip", "-qry", "out.zip", "a"], cwd=t, check=True)
    zips["infozip-symlink"] = open(os.path.join(t, "out.zip"), "rb").read()
# aiozipstream 0.4 (the producer of the real backups): data descriptors, stored.
try:
    import asyncio, zipstream
    async def make():
        def body(b):
            yield b
        files = [{"stream": body(b"backup object\n" * 3), "name": "7KQ2ZP4M__medicalReports__scan.pdf"},
                 {"stream": body(b""), "name": "empty-download"}, {"stream": body(b"x"), "name": "nested/k\u00e9y"}]
        zs = zipstream.ZipStream(files, chunksize=32768)
        return b"".join(zs.stream())
    zips["aiozipstream"] = asyncio.run(make())
except ImportError:
    sys.exit("aiozipstream 0.4 is needed (tests/setup/30-python.sh makes the venv)")
for n, z in zips.items():
    w("zip_archive", n, z)
    for kind in range(4):
        w("zip_seekable", f"{n}-k{kind}", bytes([0, kind, 0, 200, 128, 64, 255, 16, 10, 3, 0, 0]) + z)
for i, n in enumerate(["a/b/c.txt", "../etc/passwd", "C:\\x", "\\\\srv\\share", "a/./b//c/", "dir\\file", "x\x00y", "", ".", "a/..", "ünïcödé/名前"]):
    w("safe_path", f"name{i}", n.encode())
