# shellcheck shell=bash
# The Python package (python/): build the wheel (the CLI binary inside it, then
# the extension with maturin), install it into a fresh venv, and run its pytest
# suite there against pyAesCrypt 6.0.0 (tests/setup/35-python-package.sh).
(
  # The bindings crate is a workspace member that 20-clippy.sh (the root package) does not lint.
  cargo clippy --locked -p backupcrypt-python --all-targets -- -D warnings
  t0=$SECONDS
  rm -f target/wheels/backupcrypt-*.whl
  MATURIN=$PYVENV/bin/maturin python/build-wheel.sh --quiet
  wheels=(target/wheels/backupcrypt-*.whl)
  wheel=${wheels[0]}
  printf -- '--- wheel %s built in %ss\n' "$(basename "$wheel")" $((SECONDS - t0))
  # A fresh venv that sees the test tools but installs backupcrypt only from the wheel.
  venv=$ROOT/target/pytest-venv
  rm -rf "$venv"
  "$PYVENV/bin/python" -m venv --system-site-packages "$venv"
  site=$("$PYVENV/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
  echo "$site" >"$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/test-tools.pth"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-deps "$wheel"
  t1=$SECONDS
  # The installed command, not a build folder's: PATH as an activated venv has it.
  (cd python/tests && PATH=$venv/bin:$PATH "$venv/bin/python" -m pytest -q -p no:cacheprovider .)
  printf -- '--- pytest took %ss\n' $((SECONDS - t1))
)
