#!/usr/bin/env python3
"""Whole-process benchmarks: backupcrypt against the tools it replaces, same machine,
same files, same run; medians of several runs; prints ratios and a Markdown table.

    python3 benches/compare.py [--mb 512] [--runs 5] [--big-gb 4] [--markdown out.md]

Needs: target/release/backupcrypt (cargo build --release), openssl, the venv with
pyAesCrypt 6.0.0 + aiozipstream 0.4 (target/venv, made by tests/setup/30-python.sh).
Page cache is warmed by one untimed run of each command. Not a test: nothing fails
because the machine was slow.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "backupcrypt")
PY = os.environ.get("BACKUPCRYPT_TEST_PYTHON", os.path.join(ROOT, "target", "venv", "bin", "python"))
PASSWORD = "correct horse battery staple"
ENV = dict(os.environ, BACKUPCRYPT_PASSWORD=PASSWORD, BENCH_PW=PASSWORD)


TIME = "/usr/bin/time"  # GNU time (Debian package `time`)


def run(cmd, stdin=None, stdout=subprocess.DEVNULL):
    """Runs cmd; returns (seconds, peak RSS in MiB) of that one process.

    The peak RSS comes from GNU time: a child forked straight from this Python
    process would count Python's own pages from before its exec."""
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    t = time.perf_counter()
    p = subprocess.run([TIME, "-f", "RSS_KB=%M", *cmd], stdin=fin, stdout=stdout, stderr=subprocess.PIPE, env=ENV)
    dt = time.perf_counter() - t
    err = p.stderr.decode(errors="replace")
    if fin is not subprocess.DEVNULL:
        fin.close()
    if p.returncode != 0:
        sys.exit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{err}")
    rss = [ln for ln in err.splitlines() if ln.startswith("RSS_KB=")]
    return dt, int(rss[-1][7:]) / 1024


def bench(name, cmd, runs, cleanup=None, stdin=None):
    times, rss = [], []
    for i in range(runs + 1):
        if cleanup:
            cleanup()
        dt, mb = run(cmd, stdin=stdin)
        if i:  # the first run only warms the page cache
            times.append(dt)
            rss.append(mb)
    med = statistics.median(times)
    print(f"  {name:<44} {med:7.3f} s  (min {min(times):.3f}, max {max(times):.3f})  peak RSS {max(rss):6.1f} MiB",
          flush=True)
    return med, max(rss)


def rm(*paths):
    def f():
        for p in paths:
            if os.path.lexists(p):
                os.remove(p)
    return f


def py(code, *args):
    return [PY, "-c", code, *args]


PYAES_ENC = "import sys,pyAesCrypt,os; pyAesCrypt.encryptFile(sys.argv[1], sys.argv[2], os.environ['BENCH_PW'], 64*1024)"
PYAES_DEC = "import sys,pyAesCrypt,os; pyAesCrypt.decryptFile(sys.argv[1], sys.argv[2], os.environ['BENCH_PW'], 64*1024)"

# The old files job (FORMATS.md §1): every object read whole ("S3 body, one chunk"),
# streamed by aiozipstream 0.4 into an in-memory zip, then pyAesCrypt.encryptStream.
OLD_ARCHIVE_JOB = r"""
import io, os, sys, pyAesCrypt
from zipstream import ZipStream
src, dst = sys.argv[1], sys.argv[2]
files = []
for d, _, names in os.walk(src):
    for n in sorted(names):
        p = os.path.join(d, n)
        with open(p, 'rb') as f:
            files.append({'stream': [f.read()], 'name': os.path.relpath(p, src)})
buf = io.BytesIO()
for chunk in ZipStream(files, chunksize=32768).stream():
    buf.write(chunk)
buf.seek(0)
with open(dst, 'wb') as out:
    pyAesCrypt.encryptStream(buf, out, os.environ['BENCH_PW'], 64 * 1024)
"""


def make_file(path, size):
    # Incompressible-looking but cheap: repeat a random 1 MiB block with a counter.
    block = os.urandom(1 << 20)
    with open(path, "wb") as f:
        left, i = size, 0
        while left > 0:
            chunk = block[: min(left, len(block))]
            f.write(i.to_bytes(8, "little") + chunk[8:])
            left -= len(chunk)
            i += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=512)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--big-gb", type=int, default=4, help="size for the peak-RSS runs (0 to skip)")
    ap.add_argument("--archive-files", type=int, default=1000)
    ap.add_argument("--archive-mb", type=int, default=1024)
    ap.add_argument("--ls-entries", type=int, default=10000)
    ap.add_argument("--markdown", help="write the results table here")
    ap.add_argument("--dir", help="work directory (default: a temp dir under target/)")
    a = ap.parse_args()
    for tool in (BIN, PY, TIME):
        if not os.path.exists(tool):
            sys.exit(f"missing {tool}: run cargo build --release and tests/setup/30-python.sh")
    os.makedirs(os.path.join(ROOT, "target"), exist_ok=True)
    work = a.dir or tempfile.mkdtemp(prefix="bench-", dir=os.path.join(ROOT, "target"))
    os.makedirs(work, exist_ok=True)
    rows = []
    J = lambda *p: os.path.join(work, *p)  # noqa: E731

    plain = J("plain.bin")
    print(f"== {a.mb} MiB file, {a.runs} timed runs each (+1 warm-up)", flush=True)
    make_file(plain, a.mb << 20)
    ossl = J("plain.bin.enc")
    subprocess.run(["openssl", "enc", "-aes-256-cbc", "-pbkdf2", "-in", plain, "-out", ossl, "-pass", "env:BENCH_PW"],
                   check=True, env=ENV)
    aes = J("plain.bin.aes")
    subprocess.run(py(PYAES_ENC, plain, aes), check=True, env=ENV)
    out = J("out.bin")

    print("decrypt:")
    cp, _ = bench("cp (I/O floor)", ["cp", ossl, out], a.runs, rm(out))
    o, _ = bench("openssl enc -d -aes-256-cbc -pbkdf2", ["openssl", "enc", "-d", "-aes-256-cbc", "-pbkdf2", "-in", ossl,
                                                         "-out", out, "-pass", "env:BENCH_PW"], a.runs, rm(out))
    b, rss_d = bench("backupcrypt decrypt (OpenSSL file)", [BIN, "decrypt", "-q", ossl, "-o", out], a.runs, rm(out))
    rows += [("OpenSSL-format decrypt vs openssl", b / o, "≤ 0.6"), ("OpenSSL-format decrypt vs cp", b / cp, "≤ 1.3")]
    # The streaming path (what `| psql` gets): one pass in order, no pwrite.
    s, _ = bench("backupcrypt decrypt -o - > file (streaming)", ["sh", "-c", f'exec "{BIN}" decrypt -q "{ossl}" -o - > "{out}"'],
                 a.runs, rm(out))
    rows += [("OpenSSL-format decrypt to stdout vs openssl", s / o, "")]
    p, _ = bench("pyAesCrypt 6.0.0 decryptFile", py(PYAES_DEC, aes, out), a.runs, rm(out))
    b2, _ = bench("backupcrypt decrypt (AES Crypt v2, HMAC)", [BIN, "decrypt", "-q", aes, "-o", out], a.runs, rm(out))
    rows += [("AES Crypt v2 decrypt vs pyAesCrypt", b2 / p, "≤ 0.5")]

    print("encrypt:")
    enc = J("enc.out")
    o, _ = bench("openssl enc -aes-256-cbc -pbkdf2", ["openssl", "enc", "-aes-256-cbc", "-pbkdf2", "-in", plain, "-out", enc,
                                                       "-pass", "env:BENCH_PW"], a.runs, rm(enc))
    b, _ = bench("backupcrypt encrypt --format openssl", [BIN, "encrypt", "-q", "--format", "openssl", plain, "-o", enc],
                 a.runs, rm(enc))
    rows += [("OpenSSL-format encrypt vs openssl", b / o, "≤ 0.9")]
    p, _ = bench("pyAesCrypt 6.0.0 encryptFile", py(PYAES_ENC, plain, enc), a.runs, rm(enc))
    b, _ = bench("backupcrypt encrypt (AES Crypt v2)", [BIN, "encrypt", "-q", plain, "-o", enc], a.runs, rm(enc))
    rows += [("AES Crypt v2 encrypt vs pyAesCrypt", b / p, "≤ 0.5")]
    for f in (plain, ossl, aes, out, enc):
        rm(f)()

    print(f"archive: {a.archive_files} files, {a.archive_mb} MiB in all:")
    tree = J("tree")
    os.makedirs(tree, exist_ok=True)
    per = (a.archive_mb << 20) // a.archive_files
    block = os.urandom(per)
    for i in range(a.archive_files):
        sub = os.path.join(tree, f"d{i % 10}")
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, f"object-{i:05}.bin"), "wb") as f:
            f.write(i.to_bytes(8, "little") + block[8:])
    arc = J("files.zip.encrypted")
    old, old_rss = bench("old job: aiozipstream 0.4 + pyAesCrypt 6.0.0", py(OLD_ARCHIVE_JOB, tree, arc), max(1, a.runs // 2),
                         rm(arc))
    new, new_rss = bench("backupcrypt archive", [BIN, "archive", "-q", tree, "-o", arc], max(1, a.runs // 2), rm(arc))
    rows += [("archive vs old Python job (wall)", new / old, "≤ 0.5"), ("archive peak RSS (MiB)", new_rss, "≤ 64"),
             ("old job peak RSS (MiB)", old_rss, "")]
    shutil.rmtree(tree)
    rm(arc)()

    if a.big_gb:
        size = a.big_gb << 30
        print(f"peak RSS while streaming {a.big_gb} GiB:", flush=True)
        big = J("big.aes")
        with open(big, "wb") as f:
            g = subprocess.Popen(["head", "-c", str(size), "/dev/zero"], stdout=subprocess.PIPE)
            t = time.perf_counter()
            p = subprocess.run([TIME, "-f", "RSS_KB=%M", BIN, "encrypt", "-q", "-", "-o", "-"], stdin=g.stdout, stdout=f,
                               stderr=subprocess.PIPE, env=ENV, check=True)
            g.wait()
            enc_rss = int(p.stderr.decode().strip().splitlines()[-1][7:]) / 1024
            print(f"  encrypt {a.big_gb} GiB stdin→file: {time.perf_counter() - t:.1f} s, peak RSS {enc_rss:.1f} MiB")
        dt, dec_rss = run([BIN, "decrypt", "-q", big, "-o", "-"])
        print(f"  decrypt {a.big_gb} GiB file→stdout: {dt:.1f} s, peak RSS {dec_rss:.1f} MiB")
        rows += [(f"encrypt peak RSS at {a.big_gb} GiB (MiB)", enc_rss, "≤ 32"),
                 (f"decrypt peak RSS at {a.big_gb} GiB (MiB)", dec_rss, "≤ 32")]
        rm(big)()

        print(f"ls of an encrypted {a.big_gb} GiB ZIP with {a.ls_entries} entries:", flush=True)
        tree = J("lstree")
        os.makedirs(tree, exist_ok=True)
        per = size // a.ls_entries
        for i in range(a.ls_entries):
            with open(os.path.join(tree, f"f{i:05}.bin"), "wb") as f:
                f.truncate(per)  # sparse: the archive is big, the tree costs no disk
        arc = J("ls.zip.aes")
        run([BIN, "archive", "-q", tree, "-o", arc])
        t, _ = bench("backupcrypt ls", [BIN, "ls", arc], a.runs)
        rows += [(f"ls of {a.big_gb} GiB / {a.ls_entries} entries (s)", t, "< 0.2")]
        shutil.rmtree(tree)
        rm(arc)()

    print("\n| measure | result | target |\n|---|---|---|")
    for name, v, target in rows:
        print(f"| {name} | {v:.2f} | {target} |")
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write("| measure | result | target |\n|---|---|---|\n")
            for name, v, target in rows:
                f.write(f"| {name} | {v:.2f} | {target} |\n")
    if not a.dir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
