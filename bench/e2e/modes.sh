#!/usr/bin/env bash
# Whole-program throughput of near mode (--no-story) versus near + story mode on JSONL files,
# and the floor (build/neardup_floor: read + split on whitespace + XXH3 per word, same threads),
# all timed the same way: wall clock of the whole process.
# Prints, per file and mode, the median wall time of RUNS runs, MB/s, peak RSS, and the ratios
# story/near and near/floor. Uses build/neardup (Release). Machine-readable TSV on stdout.
# Usage: bench/e2e/modes.sh [FILE.jsonl...]   (default: ../shared/eval bbc-2005 and reuters21578)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${NEARDUP:-build/neardup}
runs=${RUNS:-5}
threads=${THREADS:-2}
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  files=(../shared/eval/bbc-2005.jsonl ../shared/eval/reuters21578.jsonl)
fi
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
echo -e "file\tmode\tthreads\tMB\tmedian_s\tMB_per_s\tpeak_rss_MB\tfloor_own_MB_per_s"
for f in "${files[@]}"; do
  mb=$(awk -v b="$(stat -c %s "$f")" 'BEGIN {printf "%.1f", b / 1e6}')
  declare -A rate=()
  for mode in near story; do
    flag=""; [ "$mode" = near ] && flag="--no-story"
    times=(); rss=0
    for _ in $(seq "$runs"); do
      # wall time in ms from date (/usr/bin/time's %e has 10 ms steps), peak RSS from time
      t0=$(date +%s%N)
      r=$( { /usr/bin/time -f "%M" "$bin" scan -q --threads "$threads" $flag "$f" -o /dev/null; } 2>&1 )
      t1=$(date +%s%N)
      times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')")
      [ "$r" -gt "$rss" ] && rss=$r
    done
    t=$(printf '%s\n' "${times[@]}" | median)
    rate[$mode]=$(awk -v m="$mb" -v t="$t" 'BEGIN {printf "%.1f", m / t}')
    echo -e "$(basename "$f")\t$mode\t$threads\t$mb\t$t\t${rate[$mode]}\t$((rss / 1024))"
  done
  # The floor is timed like neardup, wall clock of the whole process (start-up included: on a
  # 5 MB file it is a tenth of the time); its own figure, which leaves start-up out, is shown
  # in the last column.
  floors=(); inner=()
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N)
    inner+=("$(build/neardup_floor "$f" "$threads" | cut -f1)")
    t1=$(date +%s%N)
    floors+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')")
  done
  ft=$(printf '%s\n' "${floors[@]}" | median)
  floor=$(awk -v m="$mb" -v t="$ft" 'BEGIN {printf "%.1f", m / t}')
  echo -e "$(basename "$f")\tfloor\t$threads\t$mb\t$ft\t$floor\t\t$(printf '%s\n' "${inner[@]}" | median)"
  awk -v s="${rate[story]}" -v n="${rate[near]}" -v fl="$floor" -v f="$(basename "$f")" \
    'BEGIN {printf "# %s: story/near throughput ratio %.2f, near/floor %.2f\n", f, s / n, n / fl}'
done
