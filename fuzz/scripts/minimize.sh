#!/usr/bin/env bash
# Folds what the long runs found (fuzz/corpus-work/<target>) into the committed
# corpus and minimises it with `cargo fuzz cmin`; the regression inputs of fixed
# bugs (regression-*) are kept whatever their coverage.
#
# usage: scripts/minimize.sh TARGET...
set -euo pipefail
cd "$(dirname "$0")/.."
for t in "$@"; do
  keep=$(mktemp -d)
  cp corpus/"$t"/regression-* "$keep"/ 2>/dev/null || true
  if [ -d "corpus-work/$t" ]; then
    cp -n corpus-work/"$t"/* corpus/"$t"/ 2>/dev/null || true
  fi
  before=$(ls corpus/"$t" | wc -l)
  cargo +nightly fuzz cmin "$t" "corpus/$t" -- -rss_limit_mb=2048 -timeout=10 >"logs/cmin-$t.log" 2>&1
  cp -n "$keep"/* corpus/"$t"/ 2>/dev/null || true
  rm -rf "$keep"
  echo "$t: $before -> $(ls corpus/"$t" | wc -l) files, $(du -sk corpus/"$t" | cut -f1) KiB"
done
