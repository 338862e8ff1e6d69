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
# The tests build release code for the speed of the tests, not for the shipped binary's
# last few percent: without LTO and with parallel code generation. With the release
# profile's thin LTO and one codegen unit, each of the ~40 test, bench and example
# binaries is optimised whole on its own, which cost most of the cargo-test step. The
# wheel and the CLI the later steps use share these builds. (Releases and benchmarks use
# Cargo.toml's profile as it is.)
export CARGO_PROFILE_RELEASE_LTO=${CARGO_PROFILE_RELEASE_LTO:-false}
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=${CARGO_PROFILE_RELEASE_CODEGEN_UNITS:-16}
start=$SECONDS
timings=()

# Runs one script in this shell (set-up scripts export what the steps need) and
# records how long it took, so a slow step or install shows in every log.
run() {
  # Odd names: the sourced scripts share this scope (10-rust-targets.sh loops over `t`).
  local _run_label=$1 _run_file=$2 _run_start=$SECONDS
  shift 2
  printf '\n==> %s\n' "$_run_label"
  # shellcheck source=/dev/null
  source "$_run_file"
  printf -- '--- %s took %ss\n' "$_run_label" $((SECONDS - _run_start))
  timings+=("$(printf '%6ss  %s' $((SECONDS - _run_start)) "$_run_label")")
}

for f in tests/setup/*.sh; do run "set-up: $(basename "$f" .sh)" "$f"; done
for f in tests/steps/*.sh; do
  # `./tests/all.sh 60-page 85` runs only the steps whose names start so (after every
  # set-up); no arguments: all of them.
  if (($#)); then
    chosen=false
    for want in "$@"; do [[ $(basename "$f") == "$want"* ]] && chosen=true; done
    $chosen || continue
  fi
  run "$(basename "$f" .sh)" "$f"
done

printf '\ntime per step:\n'
printf '%s\n' "${timings[@]}"
if (($#)); then printf '\nthe chosen steps (%s) passed in %ss\n' "$*" $((SECONDS - start)); else printf '\nall checks and tests passed in %ss\n' $((SECONDS - start)); fi
