"""The `backupcrypt` command installed by the wheel, and `python -m backupcrypt`
as the replacement of decrypt.py."""

import os
import shutil
import subprocess
import sys

import pyAesCrypt

from conftest import PASSWORD, data


def test_the_command_is_on_path_beside_python():
    found = shutil.which("backupcrypt")
    assert found, "backupcrypt not on PATH"
    assert os.path.dirname(found) == os.path.dirname(sys.executable)
    r = subprocess.run(["backupcrypt", "--version"], capture_output=True, text=True, check=True)
    assert r.stdout.startswith("backupcrypt ")


def test_python_m_backupcrypt_replaces_decrypt_py(tmp):
    plain = data(300_000)
    (tmp / "db.sql").write_bytes(plain)
    pyAesCrypt.encryptFile(str(tmp / "db.sql"), str(tmp / "db.sql.encrypted"), PASSWORD)
    (tmp / "pw").write_text(PASSWORD + "\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "backupcrypt", "decrypt", "--filein", str(tmp / "db.sql.encrypted"),
         "--fileout", str(tmp / "restored.sql"), "--password-file", str(tmp / "pw")],
        capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    assert (tmp / "restored.sql").read_bytes() == plain


def test_exit_codes_come_through(tmp):
    pyAesCrypt.encryptFile(__file__, str(tmp / "x.aes"), PASSWORD)
    (tmp / "wrong").write_text("nope")
    r = subprocess.run(
        [sys.executable, "-m", "backupcrypt", "decrypt", str(tmp / "x.aes"), "-o", str(tmp / "x"), "--password-file", str(tmp / "wrong")],
        capture_output=True, text=True,
    )
    assert r.returncode == 3 and "wrong password" in r.stderr
    assert not (tmp / "x").exists()
    r = subprocess.run([sys.executable, "-m", "backupcrypt", "no-such-command"], capture_output=True)
    assert r.returncode == 2
