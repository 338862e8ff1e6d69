# shellcheck shell=bash
# The GitHub workflows: actionlint (with its shellcheck integration on every `run:` script), every
# action pinned to a release version (never a branch), and shellcheck over the pipeline tests.
(
  export PATH=${BACKUPCRYPT_LINT_VENV:-$ROOT/target/venv-lint}/bin:$PATH
  if ! command -v actionlint >/dev/null || ! command -v shellcheck >/dev/null; then
    echo "actionlint/shellcheck missing: tests/setup/60-pipeline.sh installs them" >&2
    exit 1
  fi
  workflows=(.github/workflows/*.yml)
  ((${#workflows[@]} >= 6)) || { echo "expected the six workflows in .github/workflows" >&2; exit 1; }
  actionlint -shellcheck "$(command -v shellcheck)" "${workflows[@]}"
  unpinned=$(grep -nE '^\s*(-\s+)?uses:' "${workflows[@]}" | grep -vE 'uses:\s*[^@[:space:]]+@v[0-9]+\.[0-9]+\.[0-9]+\s*$' || true)
  [[ -z $unpinned ]] || { printf 'actions not pinned to a release version:\n%s\n' "$unpinned" >&2; exit 1; }
  shellcheck -x tests/pipeline/*.sh tests/setup/40-s3.sh tests/setup/60-pipeline.sh tests/steps/8[0-9]-*.sh tests/s3/*.sh docs/bucket/setup.sh
  echo "actionlint + shellcheck: ${#workflows[@]} workflows clean"
)
