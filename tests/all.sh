#!/usr/bin/env bash
# Runs every check and test of backupcrypt. Installs what it needs first, skipping
# whatever is already there (so a second run starts testing at once).
#
# The work is split into small scripts, run in name order:
#   tests/setup/*.sh   install tools (idempotent: each checks before installing)
#   tests/steps/*.sh   checks and tests; any failure stops the run
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export ROOT
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
step() { printf '\n==> %s\n' "$*"; }
start=$SECONDS

for f in tests/setup/*.sh; do
  step "set-up: $(basename "$f" .sh)"
  # shellcheck source=/dev/null
  source "$f"
done
for f in tests/steps/*.sh; do
  step "$(basename "$f" .sh)"
  t=$SECONDS
  # shellcheck source=/dev/null
  source "$f"
  printf -- '--- %s took %ss\n' "$(basename "$f" .sh)" $((SECONDS - t))
done
printf '\nall checks and tests passed in %ss\n' $((SECONDS - start))
