# A venv for building and testing the Python package (python/): maturin builds
# the wheel, pytest runs python/tests, and the real tools it is checked against:
# pyAesCrypt 6.0.0 and aiozipstream 0.4 (the old files job), boto3 (the example).
PYVENV=$ROOT/target/pyvenv
PYVENV_PINS=(maturin==1.16.* pytest==8.* pyAesCrypt==6.0.0 aiozipstream==0.4 boto3==1.*)
if ! "$PYVENV/bin/python" -c 'import maturin, pytest, boto3, zipstream, pyAesCrypt.crypto as c; assert c.version == "6.0.0"' 2>/dev/null; then
  python3 -m venv "$PYVENV"
  "$PYVENV/bin/pip" install -q --disable-pip-version-check "${PYVENV_PINS[@]}"
fi
export PYVENV
