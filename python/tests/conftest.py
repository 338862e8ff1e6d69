"""Shared helpers: the plaintext sizes, data, and pyAesCrypt 6.0.0 (the real one)."""

import os
import random

import pyAesCrypt
import pyAesCrypt.crypto
import pytest

assert pyAesCrypt.crypto.version == "6.0.0", "the tests compare with pyAesCrypt 6.0.0"

PASSWORD = "pässwörd-日本-🔑"

# Around the block size, pyAesCrypt's 64 KiB buffer, and about 1 MB.
SIZES = [0, 1, 15, 16, 17, 31, 32, 33, 4095, 4096, 65535, 65536, 65537, 131072 + 5, 1_000_003]


def data(n: int, seed: int = 0) -> bytes:
    return random.Random(seed * 1_000_003 + n).randbytes(n)


@pytest.fixture
def tmp(tmp_path):
    return tmp_path
