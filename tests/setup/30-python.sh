# A venv with the exact tools the real backups were made with: pyAesCrypt 6.0.0
# (6.1.1 mis-decrypts some lengths, FORMATS.md §3.6) and aiozipstream 0.4.
VENV=$ROOT/target/venv
if ! "$VENV/bin/python" -c 'import pyAesCrypt, zipstream; import pyAesCrypt.crypto as c; assert c.version == "6.0.0"' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check pyAesCrypt==6.0.0 aiozipstream==0.4
fi
export BACKUPCRYPT_TEST_PYTHON=$VENV/bin/python
