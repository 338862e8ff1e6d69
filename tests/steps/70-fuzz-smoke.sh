# A short fuzzing smoke run of every target in fuzz/ (the long runs are recorded in
# docs/SECURITY.md): about 72 s of fuzzing in all (6 s a target), starting from the committed
# corpus: enough to replay it and catch what a change broke; finding new bugs is the long runs' job.
# New inputs go to a scratch directory, so the committed corpus stays minimal.
# Any crash, timeout (>10 s per input) or memory blow-up (>2 GB) fails the step.
(
  cd fuzz
  targets=$(cargo +nightly fuzz list)
  n=$(wc -w <<<"$targets")
  secs=${FUZZ_SMOKE_SECONDS:-$(( 72 / n > 6 ? 72 / n : 6 ))}
  cargo +nightly fuzz build
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  for t in $targets; do
    mkdir -p "$scratch/$t"
    printf -- '- %s (%ss): ' "$t" "$secs"
    if ! cargo +nightly fuzz run "$t" "$scratch/$t" "corpus/$t" -- -max_total_time="$secs" \
      -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 >"$scratch/$t.log" 2>&1; then
      echo FAILED
      tail -n 60 "$scratch/$t.log"
      exit 1
    fi
    grep -E '^#[0-9]+.*(DONE|cov:)' "$scratch/$t.log" | tail -n 1
  done
)
