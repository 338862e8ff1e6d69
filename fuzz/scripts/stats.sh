#!/usr/bin/env bash
# Prints, per fuzz log: executions, final cov/ft, corpus size, time, exec/s.
cd "$(dirname "$0")/.."
for log in logs/*.log; do
  t=$(basename "$log" .log)
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{s+=$2} END {print s+0}')
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | awk '{s+=$5} END {print s+0}')
  last=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov:' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | awk '{print $2}')
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | awk '{print $2}')
  corp=$(grep -o 'corp: [0-9]*/[0-9a-zA-Z]*' <<<"$last" | awk '{print $2}')
  bad=$(grep -cE 'ERROR: libFuzzer|panicked' "$log")
  printf '%-18s runs=%-10s secs=%-5s cov=%-5s ft=%-6s corp=%-10s failures=%s\n' "$t" "$runs" "$secs" "$cov" "$ft" "$corp" "$bad"
done
