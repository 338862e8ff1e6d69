#!/usr/bin/env python3
"""An independent AES Crypt writer (stream formats 0, 1, 2 and 3) for the tests.

Written from FORMATS.md §3 alone, with the `cryptography` package (in the test
venv as a dependency of pyAesCrypt), so that backupcrypt's decryptor is checked
against files it did not write itself, including quirks no current tool emits:
AES Crypt 3.x random padding bytes, a stale modulo byte on empty v1/v2 files,
odd extension lists, and (for the error tests) v3 files with invalid padding
under a valid HMAC, which only a writer holding the key can make.

Usage: aescrypt_ref.py SPEC.json
SPEC.json is a list of objects, one file each:
  out            path to write
  version        0..3
  password       text (encoded UTF-16LE for v0-v2, UTF-8 for v3)
  plaintext      path of the plaintext
  iv, session_iv, session_key   hex (session_* unused for v0)
  iterations     v3 only (written to the header)
  padding        "pyaescrypt" (16-m bytes of 16-m), "random" (AES Crypt 3.x),
                 "zeros"; v3 always uses PKCS#7 unless v3_bad_padding is set
  padding_seed   seed for "random"
  modulo         optional override of the modulo byte (e.g. 13 for an empty file)
  extensions     v2/v3: list of hex strings, each one extension body
                 (identifier, NUL, value); written with its u16 length
  end_extensions bool, default true: write the 0x0000 terminator
  v3_bad_padding "zero" (last byte 0), "seventeen" (last byte 17) or
                 "inner" (last byte ok, another pad byte wrong)
"""

import hashlib
import hmac
import json
import random
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def cbc_encrypt(key, iv, data):
    assert len(data) % 16 == 0
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def ackdf(password, iv):
    """v0-v2: d = IV || 16 zeros; 8192 x d = SHA-256(d || UTF-16LE password)."""
    pw = password.encode("utf-16-le")
    d = iv + bytes(16)
    for _ in range(8192):
        d = hashlib.sha256(d + pw).digest()
    return d


def v3kdf(password, iv, iterations):
    return hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), iv, iterations, 32)


def pad_v012(data, mode, rng):
    """v0-v2: pad the last partial block; add no block when the length is aligned."""
    m = len(data) % 16
    if m == 0:
        return data
    n = 16 - m
    if mode == "pyaescrypt":
        pad = bytes([n]) * n
    elif mode == "random":
        pad = bytes(rng.randrange(256) for _ in range(n))
    elif mode == "zeros":
        pad = bytes(n)
    else:
        raise ValueError(mode)
    return data + pad


def pad_v3(data, bad):
    n = 16 - len(data) % 16
    padded = data + bytes([n]) * n
    if bad == "zero":
        padded = padded[:-1] + b"\x00"
    elif bad == "seventeen":
        padded = padded[:-1] + b"\x11"
    elif bad == "inner":
        # Needs at least two pad bytes; the caller picks such a length.
        assert n >= 2
        padded = padded[:-2] + bytes([n ^ 0x40, n])
    elif bad is not None:
        raise ValueError(bad)
    return padded


def extensions(spec):
    out = b""
    for body_hex in spec.get("extensions", []):
        body = bytes.fromhex(body_hex)
        out += struct.pack(">H", len(body)) + body
    if spec.get("end_extensions", True):
        out += b"\x00\x00"
    return out


def write(spec):
    version = spec["version"]
    password = spec["password"]
    with open(spec["plaintext"], "rb") as f:
        data = f.read()
    iv = bytes.fromhex(spec["iv"])
    rng = random.Random(spec.get("padding_seed", 0))
    modulo = spec.get("modulo", len(data) % 16)
    out = b"AES" + bytes([version])

    if version == 0:
        key = ackdf(password, iv)
        c = cbc_encrypt(key, iv, pad_v012(data, spec.get("padding", "random"), rng))
        out += bytes([modulo]) + iv + c
        out += hmac.new(key, c, hashlib.sha256).digest()
        return out

    out += b"\x00"
    if version >= 2:
        out += extensions(spec)
    if version == 3:
        iterations = spec["iterations"]
        out += struct.pack(">I", iterations)
        key = v3kdf(password, iv, iterations)
    else:
        key = ackdf(password, iv)
    session_iv = bytes.fromhex(spec["session_iv"])
    session_key = bytes.fromhex(spec["session_key"])
    e = cbc_encrypt(key, iv, session_iv + session_key)
    t1 = hmac.new(key, e + (b"\x03" if version == 3 else b""), hashlib.sha256).digest()
    out += iv + e + t1

    if version == 3:
        c = cbc_encrypt(session_key, session_iv, pad_v3(data, spec.get("v3_bad_padding")))
        out += c
    else:
        c = cbc_encrypt(session_key, session_iv, pad_v012(data, spec.get("padding", "pyaescrypt"), rng))
        out += c + bytes([modulo])
    out += hmac.new(session_key, c, hashlib.sha256).digest()
    return out


def main():
    with open(sys.argv[1]) as f:
        specs = json.load(f)
    for spec in specs:
        with open(spec["out"], "wb") as f:
            f.write(write(spec))


if __name__ == "__main__":
    main()
