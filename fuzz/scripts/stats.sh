#!/usr/bin/env bash
# Summarises the long-run logs (fuzz/logs/<target>.log) as a Markdown table:
# executions, seconds, final cov/ft (libFuzzer's edge and feature counts), corpus
# size, exec/s, peak RSS, and whether libFuzzer reported any failure.
#
# usage: scripts/stats.sh [TARGET...]   (default: every log)
cd "$(dirname "$0")/.."
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for log in logs/*.log; do
    t=$(basename "$log" .log)
    [[ $t == cmin-* ]] || targets+=("$t")
  done
fi
echo "| target | executions | time (s) | cov | ft | corpus (files/size) | exec/s | peak RSS (MB) | crashes, timeouts, leaks |"
echo "|---|---:|---:|---:|---:|---|---:|---:|---|"
for t in "${targets[@]}"; do
  log=logs/$t.log
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}')
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | awk '{print $5}')
  eps=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | awk '{print $2}')
  rss=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | awk '{print $2}')
  last=$(grep -E '^#[0-9]+.*cov:' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | awk '{print $2}')
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | awk '{print $2}')
  corp=$(grep -o 'corp: [0-9]*/[0-9a-zA-Z]*' <<<"$last" | awk '{print $2}')
  if grep -qE 'ERROR: libFuzzer|ERROR: AddressSanitizer|panicked|SUMMARY:' "$log"; then bad=YES; else bad=none; fi
  echo "| \`$t\` | ${runs:-?} | ${secs:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | ${eps:-?} | ${rss:-?} | $bad |"
done
