"""pyAesCrypt 6.0.0's own unit tests (pyAesCrypt/test_crypto.py, from the installed
package) run against backupcrypt.pyaescrypt: the file imports `pyAesCrypt`, which is
bound to the drop-in here, so every size, buffer size and error case it checks is
checked on ours. Its two tests that call the AES Crypt `aescrypt` binary are left
out: they test that third-party tool, not this module."""

import importlib.util
import os
import sys
import unittest

import pyAesCrypt

import backupcrypt.pyaescrypt

THIRD_PARTY_BINARY = {"test_enc_pyAesCrypt_dec_AesCrypt", "test_enc_AesCrypt_dec_pyAesCrypt"}


def test_pyaescrypts_own_suite_passes_on_the_drop_in(tmp_path, monkeypatch):
    source = os.path.join(os.path.dirname(pyAesCrypt.__file__), "test_crypto.py")
    spec = importlib.util.spec_from_file_location("pyaescrypt_own_tests", source)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "pyAesCrypt", backupcrypt.pyaescrypt)
    spec.loader.exec_module(module)
    assert module.pyAesCrypt is backupcrypt.pyaescrypt
    monkeypatch.chdir(tmp_path)  # it writes pyAesCryptTF/ in the working directory
    loader = unittest.TestLoader()
    cases = [
        cls(name)
        for cls in (module.TestEncDec, module.TestBS, module.TestExceptions)
        for name in loader.getTestCaseNames(cls)
        if name not in THIRD_PARTY_BINARY
    ]
    assert len(cases) == 10, cases
    result = unittest.TextTestRunner(verbosity=0).run(unittest.TestSuite(cases))
    assert result.wasSuccessful(), [str(e[1]) for e in result.failures + result.errors]
    assert result.testsRun == len(cases)
