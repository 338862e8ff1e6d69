#!/usr/bin/env python3
"""Writes seed inputs for every fuzz target into fuzz/corpus/<target>/ from real
files: `openssl enc` (OpenSSL 3) and pyAesCrypt 6.0.0 output, plus AES Crypt v0, v1
and v3 files built here per FORMATS.md §3 (with the `cryptography` package that
pyAesCrypt depends on). Each seed starts with the control bytes its target reads
(see fuzz/src/lib.rs: `params`, `password`). Run once, then `cargo fuzz cmin`.

usage: seed_corpus.py <fuzz dir>   (needs the venv with pyAesCrypt 6.0.0)
"""
import hashlib, hmac, io, os, subprocess, sys, tempfile
import pyAesCrypt
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

FUZZ = sys.argv[1]
PW = "password"
PLAINS = [b"", b"Hello, World!\n", b"0123456789abcdef", b"x" * 33, bytes(range(256)) * 2]


def write(target, name, data):
    d = os.path.join(FUZZ, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def openssl(args, plain):
    with tempfile.TemporaryDirectory() as t:
        src = os.path.join(t, "in")
        open(src, "wb").write(plain)
        return subprocess.run(["openssl", "enc", "-e", "-in", src, "-pass", "pass:" + PW] + args,
                              check=True, capture_output=True).stdout


def cbc(key, iv, data, enc=True):
    c = Cipher(algorithms.AES(key), modes.CBC(iv))
    x = c.encryptor() if enc else c.decryptor()
    return x.update(data) + x.finalize()


def ackdf(pw, iv):
    d = iv + bytes(16)
    u = pw.encode("utf-16-le")
    for _ in range(8192):
        d = hashlib.sha256(d + u).digest()
    return d


def pad_v2(p):
    m = len(p) % 16
    return p + bytes([16 - m]) * (16 - m) if m else p


def v0(pw, iv, p):
    k = ackdf(pw, iv)
    c = cbc(k, iv, pad_v2(p))
    return b"AES\x00" + bytes([len(p) % 16]) + iv + c + hmac.new(k, c, "sha256").digest()


def v2(pw, p):
    out = io.BytesIO()
    pyAesCrypt.encryptStream(io.BytesIO(p), out, pw, 64 * 1024)
    return out.getvalue()


def skip_ext(f, at):
    while True:
        n = int.from_bytes(f[at:at + 2], "big")
        at += 2 + n
        if n == 0:
            return at


def v1(pw, p):
    f = v2(pw, p)
    return b"AES\x01\x00" + f[skip_ext(f, 5):]


def v3(pw, n, iv, p):
    k = hashlib.pbkdf2_hmac("sha512", pw.encode(), iv, n, 32)
    siv, skey = os.urandom(16), os.urandom(32)
    e = cbc(k, iv, siv + skey)
    m = 16 - len(p) % 16
    c = cbc(skey, siv, p + bytes([m]) * m)
    ext = b"CREATED_BY\x00seed_corpus.py"
    return (b"AES\x03\x00" + len(ext).to_bytes(2, "big") + ext + b"\x00\x00" + n.to_bytes(4, "big") + iv
            + e + hmac.new(k, e + b"\x03", "sha256").digest() + c + hmac.new(skey, c, "sha256").digest())


def header_len(f):
    v = f[3]
    if v == 0:
        return 21
    if v == 1:
        return 5 + 96
    if v == 2:
        return skip_ext(f, 5) + 96
    return skip_ext(f, 5) + 100


# OpenSSL: (control bytes for `params(a, b, c)`, openssl flags). a = cipher + 6 * md,
# b bit 0 = legacy KDF, bits 1-2 = PBKDF2 iterations - 1, bits 4-5 = salt mode; c = armour.
OPENSSL = [
    ((2 + 6 * 2, 0x00, 0), ["-aes-256-cbc", "-pbkdf2", "-iter", "1"]),
    ((2 + 6 * 0, 0x01, 0), ["-aes-256-cbc", "-md", "md5"]),
    ((0 + 6 * 2, 0x02, 0), ["-aes-128-cbc", "-pbkdf2", "-iter", "2"]),
    ((5 + 6 * 2, 0x00, 0), ["-aes-256-ctr", "-pbkdf2", "-iter", "1"]),
    ((2 + 6 * 2, 0x20, 2), ["-aes-256-cbc", "-pbkdf2", "-iter", "1", "-nosalt"]),
    ((3 + 6 * 3, 0x21, 2), ["-aes-128-ctr", "-md", "sha512", "-nosalt"]),
    ((2 + 6 * 2, 0x00, 3), ["-aes-256-cbc", "-pbkdf2", "-iter", "1", "-a"]),
    ((2 + 6 * 2, 0x00, 7), ["-aes-256-cbc", "-pbkdf2", "-iter", "1", "-a", "-A"]),
    ((1 + 6 * 1, 0x31, 0x41), ["-aes-192-cbc", "-md", "sha1", "-S", "41" * 8]),
]

files = {}
for i, ((a, b, c), flags) in enumerate(OPENSSL):
    for j, p in enumerate(PLAINS[:4]):
        f = openssl(flags, p)
        files[f"openssl{i}-{j}"] = (bytes([a, b, c, 0]), f)

iv = bytes(range(16))
aes = {}
for j, p in enumerate(PLAINS):
    aes[f"v0-{j}"] = v0(PW, iv, p)
    aes[f"v1-{j}"] = v1(PW, p)
    aes[f"v2-{j}"] = v2(PW, p)
    aes[f"v3-{j}"] = v3(PW, 1 + j, iv, p)
aes["v3-limit"] = v3(PW, 17, iv, b"too many iterations for the fuzz limit")

for name, f in aes.items():
    files[name] = (bytes([0x0e, 0, 0, 0]), f)  # decrypt: aes-256-cbc params, password 0

for name, (ctl, f) in files.items():
    # inspect: mode 1 (file length given), tail 64
    write("inspect", name, bytes([1, 64]) + f)
    write("decrypt", name, ctl + bytes([7, 1, 16, 0]) + f)
for name, (ctl, f) in files.items():
    if name.startswith("openssl"):
        write("openssl_decrypt", name, ctl + bytes([5, 16, 3, 64]) + f)
        if ctl[2] in (3, 7):
            write("base64_armour", name, bytes([0, 9, 0, 3, 5, 1, 2, 64]) + f)
for name, f in aes.items():
    write("aescrypt_header", name, bytes([1, 2, 3, 4]) + f[:header_len(f)] + b"extra")
    write("aescrypt_decrypt", name, bytes([0, 3, 17, 1, 0, 64]) + f)
    v = f[3]
    modulo = f[4] if v == 0 else 0
    write("aescrypt_payload", name, bytes([v, modulo, 5, 16, 1, 33]) + f[header_len(f):])
for j, p in enumerate(PLAINS):
    write("base64_armour", f"plain{j}", bytes([j, 3, j, 16, 1, 5, 64, 3]) + p)
    for fmt in range(3):
        write("roundtrip", f"f{fmt}-{j}", bytes([fmt, 14, 0, 3, 0, 2, 7, 16, 1, 3, 33, 5]) + p)
