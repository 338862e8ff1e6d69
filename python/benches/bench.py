"""Benchmarks of the Python package against the tools it replaces, in the same run
(numbers recorded in docs/BENCHMARKS.md):

1. pyAesCrypt 6.0.0's encryptFile/decryptFile vs backupcrypt.pyaescrypt's, on a
   512 MiB file, in the same Python process: three interleaved rounds, the best
   wall time of each with its CPU time (every thread). The CPU time divided by
   the cores is the wall time no scheduling can beat on this machine.
2. The files job, 1,000 files / 1 GiB from a folder: the old in-process job
   (aiozipstream 0.4 `ZipStream(...).stream()` collected in memory, then
   pyAesCrypt.encryptStream into memory, as the application did) vs
   backupcrypt.ArchiveWriter streaming into a sink; each in a fresh process,
   with its wall time and its peak RSS above the interpreter's baseline.

Run with the venv where the wheel and pyAesCrypt 6.0.0 / aiozipstream 0.4 are
installed: python python/benches/bench.py [WORKDIR]
"""

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time

PASSWORD = "benchmark password"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_seconds() -> float:
    """User + system CPU time of this process, every thread included."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(fn) -> tuple:
    """(wall seconds, CPU seconds) of one call."""
    c, t = cpu_seconds(), time.perf_counter()
    fn()
    return time.perf_counter() - t, cpu_seconds() - c


def files_bench(work: str) -> dict:
    import pyAesCrypt

    import backupcrypt.pyaescrypt as drop_in

    src = os.path.join(work, "512m")
    if not os.path.exists(src) or os.path.getsize(src) != 512 << 20:
        with open(src, "wb") as f:
            for _ in range(512):
                f.write(os.urandom(1 << 20))
    enc = os.path.join(work, "512m.aes")
    out = os.path.join(work, "512m.out")
    r = {}
    # Interleaved rounds, so that both sides see the same machine (page cache,
    # other load); the best wall time of each, with the CPU time of that run.
    calls = {
        "pyaescrypt_encrypt": lambda: pyAesCrypt.encryptFile(src, enc, PASSWORD),
        "backupcrypt_encrypt": lambda: drop_in.encryptFile(src, enc, PASSWORD),
        "pyaescrypt_decrypt": lambda: pyAesCrypt.decryptFile(enc, out, PASSWORD),
        "backupcrypt_decrypt": lambda: drop_in.decryptFile(enc, out, PASSWORD),
    }
    r = {}
    for _ in range(3):
        for op in ("encrypt", "decrypt"):
            for who in ("pyaescrypt", "backupcrypt"):
                key = f"{who}_{op}"
                if op == "decrypt":
                    # Decrypt what this side encrypted in this round.
                    calls[f"{who}_encrypt"]()
                # Into a new file, as a restore does (replacing a 512 MiB file
                # would add the kernel's freeing of the old one to the time).
                made = enc if op == "encrypt" else out
                if os.path.exists(made):
                    os.remove(made)
                wall, cpu = timed(calls[key])
                if key not in r or wall < r[key][0]:
                    r[key] = (wall, cpu)
    with open(src, "rb") as a, open(out, "rb") as b:
        assert a.read() == b.read()
    for p in (enc, out):
        os.remove(p)
    return r


JOB = r"""
import io, json, os, resource, sys, time
def peak():
    # VmHWM: ru_maxrss would carry over the parent's peak across fork + exec on Linux.
    try:
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmHWM:"))
    except OSError:
        r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return r if sys.platform == "darwin" else r * 1024
kind, root, password = sys.argv[1], sys.argv[2], sys.argv[3]
names = sorted(os.listdir(root))
if kind == "old":
    import pyAesCrypt
    from zipstream import ZipStream
else:
    import backupcrypt
base = peak()
t = time.perf_counter()
if kind == "old":
    # The application's job: each object's body read whole, one chunk per entry;
    # the archive collected in memory, then encrypted into memory, then uploaded.
    def one_chunk(name):
        with open(os.path.join(root, name), "rb") as f:
            yield f.read()
    entries = [{"stream": one_chunk(n), "name": n} for n in names]
    archive = io.BytesIO()
    for chunk in ZipStream(entries, chunksize=32768).stream():
        archive.write(chunk)
    archive.seek(0)
    encrypted = io.BytesIO()
    pyAesCrypt.encryptStream(archive, encrypted, password, 64 * 1024)
    size = len(encrypted.getvalue())
else:
    class Sink:
        n = 0
        def write(self, b):
            self.n += len(b)
            return len(b)
    sink = Sink()
    with backupcrypt.ArchiveWriter(sink, password) as a:
        for n in names:
            path = os.path.join(root, n)
            with open(path, "rb") as f:
                a.add(n, os.path.getsize(path), f)
    size = sink.n
print(json.dumps({"seconds": time.perf_counter() - t, "rss_above_baseline": peak() - base, "bytes": size}))
"""


def job_bench(work: str) -> dict:
    root = os.path.join(work, "files")
    if not os.path.isdir(root) or len(os.listdir(root)) != 1000:
        os.makedirs(root, exist_ok=True)
        for i in range(1000):
            with open(os.path.join(root, f"f{i:04}.bin"), "wb") as f:
                f.write(os.urandom(1 << 20))
    r = {}
    for kind in ("old", "new"):
        runs = [
            json.loads(subprocess.run([sys.executable, "-c", JOB, kind, root, PASSWORD], capture_output=True, text=True, check=True).stdout)
            for _ in range(2)
        ]
        r[kind] = min(runs, key=lambda x: x["seconds"])
    return r


def main() -> None:
    work = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="backupcrypt-pybench-")
    os.makedirs(work, exist_ok=True)
    f = files_bench(work)
    j = job_bench(work)
    mib = 1 << 20
    print(f"CPU: {cpu_model()} ({os.cpu_count()} threads), Python {platform.python_version()}")
    print("512 MiB, best of 3, same process:")
    cores = os.cpu_count() or 1
    for op in ("encrypt", "decrypt"):
        (a, ca), (b, cb) = f[f"pyaescrypt_{op}"], f[f"backupcrypt_{op}"]
        print(f"  {op}File: pyAesCrypt 6.0.0 {a:.2f} s ({ca:.2f} CPU-s), "
              f"backupcrypt.pyaescrypt {b:.2f} s ({cb:.2f} CPU-s): {b / a:.2f}x; "
              f"backupcrypt's CPU time spread over {cores} cores: {cb / cores:.2f} s = {cb / cores / a:.2f}x")
    print("files job, 1,000 files / 1 GiB, best of 2, fresh process each:")
    for kind, label in (("old", "aiozipstream 0.4 + pyAesCrypt 6.0.0"), ("new", "backupcrypt.ArchiveWriter")):
        x = j[kind]
        print(f"  {label}: {x['seconds']:.2f} s, peak RSS +{x['rss_above_baseline'] / mib:.0f} MiB")
    print(f"  ratio: {j['new']['seconds'] / j['old']['seconds']:.2f}x")


if __name__ == "__main__":
    main()
