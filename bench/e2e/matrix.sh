#!/usr/bin/env bash
# The whole-program matrix of issue 5: 10k / 100k / 1M generated articles (SIZES), as JSONL and
# as a folder of files (the folder only up to 100k), near and story modes, 1 and 2 threads.
# One run per cell (use modes.sh for medians), wall time in ms; prints TSV: input, docs, mode,
# threads, seconds, MB/s, docs/s, peak RSS MB, and the per-stage time line of the summary.
# Inputs are generated once into BENCH_DIR (default /tmp/neardup-bench) by scripts/gen_corpus.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${NEARDUP:-build/neardup}
dir=${BENCH_DIR:-/tmp/neardup-bench}
sizes=(${SIZES:-10000 100000 1000000})
mkdir -p "$dir"
echo -e "input\tdocs\tmode\tthreads\tseconds\tMB_per_s\tdocs_per_s\tpeak_rss_MB\tstages"
for n in "${sizes[@]}"; do
  [ -f "$dir/gen$n.jsonl" ] || python3 scripts/gen_corpus.py --docs "$n" --seed 1 -o "$dir/gen$n.jsonl" >/dev/null
  inputs=("$dir/gen$n.jsonl")
  if [ "$n" -le 100000 ]; then
    [ -d "$dir/gen$n" ] || python3 scripts/gen_corpus.py --docs "$n" --seed 1 --format folder -o "$dir/gen$n" >/dev/null
    inputs+=("$dir/gen$n")
  fi
  for input in "${inputs[@]}"; do
    mb=$(du -sbL "$input" | awk '{printf "%.1f", $1 / 1e6}')
    for mode in near story; do
      flag=""; [ "$mode" = near ] && flag="--no-story"
      for threads in 1 2; do
        # wall time in ms from date (/usr/bin/time's %e has 10 ms steps), peak RSS from time
        t0=$(date +%s%N)
        /usr/bin/time -o "$dir/time.txt" -f "%M" "$bin" scan --threads "$threads" $flag "$input" \
          -o /dev/null 2>"$dir/err.txt"
        t1=$(date +%s%N)
        secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
        read -r rss <"$dir/time.txt"
        stages=$(grep '^time:' "$dir/err.txt" | sed 's/^time: //')
        awk -v i="$(basename "$input")" -v n="$n" -v m="$mode" -v t="$threads" -v s="$secs" \
            -v mb="$mb" -v r="$rss" -v st="$stages" \
            'BEGIN {printf "%s\t%d\t%s\t%d\t%.3f\t%.1f\t%.0f\t%d\t%s\n", i, n, m, t, s, mb / s, n / s, r / 1024, st}'
      done
    done
  done
done
