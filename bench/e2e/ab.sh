#!/usr/bin/env bash
# Two builds of neardup on the same inputs, interleaved (A B A B ...: these machines drift, so
# both see the same load), RUNS runs each: median wall time of each, and B/A.
# Usage: bench/e2e/ab.sh BIN_A BIN_B [scan options and PATHs...]
#   bench/e2e/ab.sh /tmp/base/neardup build/neardup /tmp/news100k.jsonl
#   RUNS=9 bench/e2e/ab.sh old/neardup build/neardup ../shared/eval/article-extraction/html
# Prints one TSV line: median_a_s, median_b_s, ratio b/a.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 BIN_A BIN_B [scan options] PATH..." >&2; exit 2; }
a=$1; b=$2; shift 2
runs=${RUNS:-7}
threads=${THREADS:-2}
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
wall() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", (b - a) / 1e9}'
}
ta=(); tb=()
for _ in $(seq "$runs"); do
  ta+=("$(wall "$a" scan -q --threads "$threads" "$@" -o /dev/null)")
  tb+=("$(wall "$b" scan -q --threads "$threads" "$@" -o /dev/null)")
done
ma=$(printf '%s\n' "${ta[@]}" | median)
mb=$(printf '%s\n' "${tb[@]}" | median)
echo -e "median_a_s\tmedian_b_s\tb_over_a"
echo -e "$ma\t$mb\t$(awk -v a="$ma" -v b="$mb" 'BEGIN {printf "%.3f", b / a}')"
