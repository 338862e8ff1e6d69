"""python/examples/files_job.py, the application's files job: a folder of files
streamed into one encrypted ZIP restores byte-exact with `backupcrypt extract`
and with pyAesCrypt 6.0.0 + zipfile; a failure half-way leaves no archive."""

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pyAesCrypt
import pytest

from conftest import PASSWORD, data

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
sys.path.insert(0, str(EXAMPLES))
import files_job  # noqa: E402


def _tree(root: Path) -> dict:
    files = {"a.txt": b"alpha\n", "empty.bin": b"", "deep/er/x.bin": data(3_000_000), "ünï cödé.txt": data(100)}
    for i in range(50):
        files[f"many/{i:03}.dat"] = data(i * 997, seed=i)
    for name, body in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(body)
    return files


def test_files_job_folder_to_file_restores_byte_exact(tmp):
    (tmp / "src").mkdir()
    files = _tree(tmp / "src")
    dest = tmp / "files.zip.aes"
    r = subprocess.run(
        [sys.executable, str(EXAMPLES / "files_job.py"), "--source", str(tmp / "src"), "--dest", str(dest)],
        env={**os.environ, "BACKUPCRYPT_PASSWORD": PASSWORD}, capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    assert f"archived {len(files)} files" in r.stdout
    # pyAesCrypt 6.0.0 + zipfile, as the old restore did.
    pyAesCrypt.decryptFile(str(dest), str(tmp / "files.zip"), PASSWORD)
    with zipfile.ZipFile(tmp / "files.zip") as z:
        assert {n: z.read(n) for n in z.namelist()} == files
    # backupcrypt extract.
    (tmp / "pw").write_text(PASSWORD + "\n", encoding="utf-8")
    subprocess.run(["backupcrypt", "extract", str(dest), "-C", str(tmp / "restored"), "--password-file", str(tmp / "pw"), "-q"], check=True)
    for name, body in files.items():
        assert (tmp / "restored" / name).read_bytes() == body, name


class _FailingSource(files_job.FolderSource):
    def open(self, key):
        if key.startswith("many/010"):
            raise OSError("the object vanished")
        return super().open(key)


def test_a_failure_leaves_no_archive(tmp, monkeypatch):
    (tmp / "src").mkdir()
    _tree(tmp / "src")
    monkeypatch.setattr(files_job, "FolderSource", _FailingSource)
    monkeypatch.setenv("BACKUPCRYPT_PASSWORD", PASSWORD)
    with pytest.raises(OSError, match="vanished"):
        files_job.main(["--source", str(tmp / "src"), "--dest", str(tmp / "out.zip.aes")])
    assert sorted(p.name for p in tmp.iterdir()) == ["src"]


def test_the_pipe_hands_the_writers_failure_to_the_upload():
    pipe = files_job.Pipe()
    pipe.write(b"x" * 10)
    pipe.close_writer(RuntimeError("listing failed"))
    with pytest.raises(IOError, match="not completed"):
        pipe.read(1 << 20)
    pipe = files_job.Pipe()
    pipe.write(b"abc")
    pipe.write(b"defg")
    pipe.close_writer()
    assert pipe.read(5) == b"abcde" and pipe.read(5) == b"fg" and pipe.read(5) == b""
