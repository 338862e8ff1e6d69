#!/usr/bin/env bash
# Long fuzzing runs, one target after another (the machine is shared): each runs
# for SECONDS_PER_TARGET into fuzz/corpus-work/<target> (seeded from
# fuzz/corpus/<target>), logging to fuzz/logs/<target>.log. Summarise with
# scripts/stats.sh; minimise back into fuzz/corpus with `cargo fuzz cmin`.
#
# usage: scripts/long_run.sh SECONDS_PER_TARGET TARGET...
set -euo pipefail
cd "$(dirname "$0")/.."
secs=$1
shift
mkdir -p logs corpus-work
for t in "$@"; do
  mkdir -p "corpus-work/$t"
  echo "start $t $(date -u +%FT%TZ)" >>logs/runs.txt
  cargo +nightly fuzz run "$t" "corpus-work/$t" "corpus/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 >"logs/$t.log" 2>&1 && rc=0 || rc=$?
  echo "end $t $(date -u +%FT%TZ) exit $rc" >>logs/runs.txt
done
