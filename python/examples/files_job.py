"""The application's daily files backup, in process: list a source bucket, stream
every object through backupcrypt's archive writer into one encrypted ZIP (AES
Crypt v2, what pyAesCrypt reads), and upload it with boto3's upload_fileobj.

Memory stays bounded (a few MiB plus boto3's part buffers) whatever the size of
the bucket: nothing is held whole, and the encryption runs with the GIL released.
If anything fails (listing, reading an object, the upload), the upload is
aborted: no partial backup object is left in the bucket.

    python files_job.py --source s3://app-files --dest s3://backups/files/2026-12-01.zip.aes \
        [--source-profile app --dest-profile uploader]
    python files_job.py --source ./folder --dest ./files.zip.aes        # local, for a dry run

The password comes from $BACKUPCRYPT_PASSWORD (never from the command line).
S3 credentials and endpoint come from the usual boto3 environment/profile
(AWS_PROFILE, AWS_ENDPOINT_URL, ...). Restore with
``backupcrypt extract files.zip.aes -C restored/`` or pyAesCrypt + zipfile.
"""

from __future__ import annotations

import argparse
import os
import queue
import sys
import threading
from typing import BinaryIO, Iterator, Optional, Tuple

import backupcrypt

# ---- sources: (key, size, modified) listed, then each opened as a file object


class BucketSource:
    """Every object of an S3 bucket (optionally under a prefix)."""

    def __init__(self, client, bucket: str, prefix: str = "") -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def list(self) -> Iterator[Tuple[str, int, float]]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for o in page.get("Contents", []):
                yield o["Key"], o["Size"], o["LastModified"].timestamp()

    def open(self, key: str) -> BinaryIO:
        # StreamingBody has read(n): the archive writer pulls 1 MiB at a time.
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"]


class FolderSource:
    """Every file under a local folder: the same job without S3."""

    def __init__(self, root: str) -> None:
        self.root = root

    def list(self) -> Iterator[Tuple[str, int, float]]:
        for folder, dirs, files in os.walk(self.root):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                st = os.stat(path)
                yield os.path.relpath(path, self.root).replace(os.sep, "/"), st.st_size, st.st_mtime

    def open(self, key: str) -> BinaryIO:
        return open(os.path.join(self.root, key), "rb")


# ---- the pipe between the archive writer (a thread) and upload_fileobj


class Pipe:
    """A bounded in-memory pipe whose reader sees the writer's failure.

    A plain os.pipe would show boto3 a clean end of file if the writer failed
    half-way, and boto3 would complete the upload of a truncated archive. Here
    read() raises instead, which makes upload_fileobj abort the multipart upload.
    read(n) returns exactly n bytes until the end (S3 parts must be >= 5 MiB).
    """

    _END = object()

    def __init__(self, max_chunks: int = 8) -> None:
        self._q: "queue.Queue[object]" = queue.Queue(max_chunks)
        self._buf = bytearray()
        self._done = False
        self._cancelled = False

    # writer side
    def _put(self, item: object) -> None:
        while not self._cancelled:
            try:
                self._q.put(item, timeout=0.1)
                return
            except queue.Full:
                pass
        raise IOError("the upload stopped")

    def write(self, b) -> int:
        data = bytes(b)
        self._put(data)
        return len(data)

    def close_writer(self, error: Optional[BaseException] = None) -> None:
        try:
            self._put(error if error is not None else self._END)
        except IOError:
            pass  # nobody reads any more

    def cancel(self) -> None:
        """The reader gave up: the writer's next write raises."""
        self._cancelled = True

    # reader side (boto3)
    def read(self, n: int = -1) -> bytes:
        while not self._done and (n < 0 or len(self._buf) < n):
            item = self._q.get()
            if item is self._END:
                self._done = True
            elif isinstance(item, BaseException):
                raise IOError(f"the archive was not completed: {item}") from item
            else:
                self._buf += item  # type: ignore[operator]
        n = len(self._buf) if n < 0 else min(n, len(self._buf))
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out

    def readable(self) -> bool:
        return True


def write_archive(source, out, password: str, log=print) -> Tuple[int, int]:
    """Streams every object of ``source`` into an encrypted ZIP written to ``out``.

    Returns (files, bytes). Raises on any failure, leaving ``out`` unfinished.
    """
    files = total = 0
    with backupcrypt.ArchiveWriter(out, password) as archive:
        for key, size, modified in source.list():
            body = source.open(key)
            try:
                total += archive.add(key, size, body, modified=modified)
            finally:
                body.close()
            files += 1
    log(f"archived {files} files, {total} bytes")
    return files, total


def upload_archive(source, client, bucket: str, key: str, password: str, log=print) -> Tuple[int, int]:
    """The files job: the archive is written by a thread into a Pipe that
    upload_fileobj reads; a failure on either side aborts the upload."""
    from boto3.s3.transfer import TransferConfig

    pipe = Pipe()
    result: dict = {}

    def produce() -> None:
        try:
            result["counts"] = write_archive(source, pipe, password, log)
        except BaseException as e:  # noqa: BLE001 — handed to the reader, re-raised below
            result["error"] = e
            pipe.close_writer(e)
        else:
            pipe.close_writer()

    writer = threading.Thread(target=produce, name="archive-writer")
    writer.start()
    try:
        # Two parts in flight of 8 MiB: memory stays bounded.
        client.upload_fileobj(pipe, bucket, key, Config=TransferConfig(multipart_chunksize=8 << 20, max_concurrency=2))
    except BaseException:
        # The upload failed or was aborted: stop the writer (its next write raises)
        # and report the writer's own error if that is what stopped the upload.
        pipe.cancel()
        writer.join()
        if "error" in result:
            raise result["error"] from None
        raise
    writer.join()
    log(f"uploaded s3://{bucket}/{key}")
    return result["counts"]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--source", required=True, help="s3://bucket[/prefix] or a local folder")
    p.add_argument("--dest", required=True, help="s3://bucket/key or a local file")
    p.add_argument("--source-profile", help="AWS profile that reads the source bucket")
    p.add_argument("--dest-profile", help="AWS profile that uploads (s3:PutObject is all it needs)")
    args = p.parse_args(argv)
    password = os.environ.get("BACKUPCRYPT_PASSWORD")
    if password is None:
        p.error("set BACKUPCRYPT_PASSWORD")

    def s3(profile):
        import boto3

        return boto3.Session(profile_name=profile).client("s3")

    if args.source.startswith("s3://"):
        bucket, _, prefix = args.source[5:].partition("/")
        source = BucketSource(s3(args.source_profile), bucket, prefix)
    else:
        source = FolderSource(args.source)
    if args.dest.startswith("s3://"):
        bucket, _, key = args.dest[5:].partition("/")
        upload_archive(source, s3(args.dest_profile), bucket, key, password)
    else:
        # A local file appears only when complete (written beside, then renamed).
        tmp = args.dest + ".partial"
        try:
            with open(tmp, "wb") as out:
                write_archive(source, out, password)
            os.replace(tmp, args.dest)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
