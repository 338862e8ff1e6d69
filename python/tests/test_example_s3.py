"""python/examples/files_job.py against a real S3 server (SeaweedFS, started by
tests/s3/seaweedfs.sh with the production bucket policy): the source bucket is
listed and streamed, the archive uploaded by the upload-only identity, and the
object restores byte-exact with pyAesCrypt 6.0.0 + zipfile and with
`backupcrypt extract`. A failure half-way leaves no object in the bucket."""

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import boto3
import pyAesCrypt
import pytest

from conftest import PASSWORD, data

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "python" / "examples"
sys.path.insert(0, str(EXAMPLES))
import files_job  # noqa: E402


def _env_file(path: Path) -> dict:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    d = tmp_path_factory.mktemp("s3") / "server"
    script = ROOT / "tests" / "s3" / "seaweedfs.sh"
    subprocess.run(["bash", str(script), "start", str(d)], check=True, env={**os.environ, "ROOT": str(ROOT)})
    try:
        env = _env_file(d / "env")
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"]
        os.environ["AWS_CONFIG_FILE"] = env["AWS_CONFIG_FILE"]
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_PROFILE"):
            os.environ.pop(k, None)
        admin = boto3.Session(profile_name="admin").client("s3")
        admin.create_bucket(Bucket="app-files")
        files = {"a.txt": b"alpha\n", "empty.bin": b"", "big/two-parts.bin": data(20 << 20), "ünï cödé.txt": data(100)}
        for i in range(30):
            files[f"many/{i:03}.dat"] = data(i * 997, seed=i)
        for key, body in files.items():
            admin.put_object(Bucket="app-files", Key=key, Body=body)
        yield env, admin, files
    finally:
        subprocess.run(["bash", str(script), "stop", str(d)], check=False)


def _backups(admin):
    return [o["Key"] for o in admin.list_objects_v2(Bucket="backups").get("Contents", [])]


def test_files_job_bucket_to_bucket_restores_byte_exact(s3, tmp):
    env, admin, files = s3
    key = "files/2026-12-01.zip.aes"
    r = subprocess.run(
        [sys.executable, str(EXAMPLES / "files_job.py"), "--source", "s3://app-files", "--source-profile", "admin",
         "--dest", f"s3://backups/{key}", "--dest-profile", "uploader"],
        env={**os.environ, "BACKUPCRYPT_PASSWORD": PASSWORD}, capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    assert f"archived {len(files)} files" in r.stdout
    admin.download_file("backups", key, str(tmp / "files.zip.aes"))
    # pyAesCrypt 6.0.0 + zipfile, as the old restore did.
    pyAesCrypt.decryptFile(str(tmp / "files.zip.aes"), str(tmp / "files.zip"), PASSWORD)
    with zipfile.ZipFile(tmp / "files.zip") as z:
        assert {n: z.read(n) for n in z.namelist()} == files
    # backupcrypt extract.
    (tmp / "pw").write_text(PASSWORD + "\n", encoding="utf-8")
    subprocess.run(["backupcrypt", "extract", str(tmp / "files.zip.aes"), "-C", str(tmp / "r"), "--password-file", str(tmp / "pw"), "-q"], check=True)
    for name, body in files.items():
        assert (tmp / "r" / name).read_bytes() == body, name
    # The uploader can write, not read back.
    uploader = boto3.Session(profile_name="uploader").client("s3")
    with pytest.raises(Exception):
        uploader.get_object(Bucket="backups", Key=key)


class _Vanishing(files_job.BucketSource):
    """The source bucket loses an object after the 20 MiB one went up (two parts)."""

    def open(self, key):
        if key.startswith("many/010"):
            raise OSError("the object vanished")
        return super().open(key)


def test_a_failure_half_way_leaves_no_object(s3):
    env, admin, files = s3
    before = _backups(admin)
    source = _Vanishing(admin, "app-files")
    uploader = boto3.Session(profile_name="uploader").client("s3")
    with pytest.raises(OSError, match="vanished"):
        files_job.upload_archive(source, uploader, "backups", "files/broken.zip.aes", PASSWORD, log=lambda *_: None)
    assert _backups(admin) == before
