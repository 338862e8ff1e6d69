#!/usr/bin/env python3
"""Runs many pyAesCrypt 6.0.0 operations in one process (its import is slow).

Usage: pyaescrypt_batch.py OPS.json
OPS.json is a list of objects:
  op        encryptStream | encryptFile | decryptStream | decryptFile
  in, out   paths
  password  text
  buffer    buffer size (default 64 KiB, what grc-app used)
  random    optional list of three hex strings: the values os.urandom returns, in
            the order pyAesCrypt 6.0.0 asks for them (iv1 = KDF IV, iv0 = session IV,
            intKey = session key), for byte-for-byte comparisons
Any failure is fatal: the exception names the op.
"""

import json
import os
import sys

import pyAesCrypt
import pyAesCrypt.crypto as crypto

assert crypto.version == "6.0.0", "the oracle must be pyAesCrypt 6.0.0, not " + crypto.version


def run(op):
    buf = op.get("buffer", 64 * 1024)
    pw = op["password"]
    real_urandom = crypto.urandom
    if "random" in op:
        values = [bytes.fromhex(h) for h in op["random"]]

        def fixed(n):
            v = values.pop(0)
            assert len(v) == n, (len(v), n)
            return v

        crypto.urandom = fixed
    try:
        kind = op["op"]
        if kind == "encryptStream":
            with open(op["in"], "rb") as fin, open(op["out"], "wb") as fout:
                pyAesCrypt.encryptStream(fin, fout, pw, buf)
        elif kind == "encryptFile":
            pyAesCrypt.encryptFile(op["in"], op["out"], pw, buf)
        elif kind == "decryptStream":
            size = os.stat(op["in"]).st_size
            with open(op["in"], "rb") as fin, open(op["out"], "wb") as fout:
                pyAesCrypt.decryptStream(fin, fout, pw, buf, size)
        elif kind == "decryptFile":
            pyAesCrypt.decryptFile(op["in"], op["out"], pw, buf)
        else:
            raise ValueError(kind)
        if "random" in op:
            assert not values, "pyAesCrypt asked for fewer random values than expected"
    finally:
        crypto.urandom = real_urandom


def main():
    with open(sys.argv[1]) as f:
        ops = json.load(f)
    for op in ops:
        try:
            run(op)
        except Exception as e:
            sys.exit(f"{op['op']} {op['in']}: {type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
