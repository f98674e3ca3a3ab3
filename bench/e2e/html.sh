#!/usr/bin/env bash
# HTML scan throughput: `neardup scan -o /dev/null` of the 181 real pages of
# ../shared/eval/article-extraction/ (uncompressed into a scratch folder, so the figure is HTML
# parsing and extraction, not gzip), at 1 and 2 threads (site boilerplate on, the default for
# web pages), and at 2 threads without it; median of RUNS (default 5), wall clock of the whole
# process. Then `neardup extract` over the same pages, serial.
# Usage: bench/e2e/html.sh [path/to/neardup]      (run from the project root)
set -euo pipefail
bin=$(realpath "${1:-build/neardup}")
runs=${RUNS:-5}
src=../shared/eval/article-extraction/html
[ -d "$src" ] || { echo "html.sh: $src not found" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$src"/*.html.gz; do zcat "$f" >"$tmp/$(basename "$f" .gz)"; done
bytes=$(cat "$tmp"/*.html | wc -c)

median_seconds() {
  local i s e
  for i in $(seq "$runs"); do
    s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
    echo $(( (e - s) / 1000 ))
  done | sort -n | awk '{v[NR]=$1} END {printf "%.3f\n", v[int((NR+1)/2)] / 1e6}'
}

# row NAME SECONDS: the figure as "NAME<TAB>s<TAB>MB/s"
row() { awk -v n="$1" -v s="$2" -v b="$bytes" 'BEGIN {printf "%s\t%s s\t%.1f MB/s\n", n, s, b / 1e6 / s}'; }
awk -v p="$(ls "$tmp" | wc -l)" -v b="$bytes" 'BEGIN {printf "pages\t%d\nhtml_mb\t%.1f\n", p, b / 1e6}'
for t in 1 2; do
  row "scan_threads_$t" "$(median_seconds "$bin" scan -q -j "$t" -o /dev/null "$tmp")"
done
# what site boilerplate costs (it is on by default for web pages)
row scan_threads_2_boilerplate_kept \
  "$(median_seconds "$bin" scan -q -j 2 --site-boilerplate keep -o /dev/null "$tmp")"
row extract_serial "$(median_seconds "$bin" extract -q -o /dev/null "$tmp")"
