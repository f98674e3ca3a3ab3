#!/usr/bin/env bash
# HTML scan throughput: `neardup scan -o /dev/null` of the 181 real pages of
# ../shared/eval/article-extraction/ (uncompressed into a scratch folder, so the figure is HTML
# parsing and extraction, not gzip), at 1 and 2 threads (site boilerplate on, the default for
# web pages), and at 2 threads without it; median of RUNS (default 5), wall clock of the whole
# process. Then `neardup extract` over the same pages, serial; then readability-lxml (Debian's
# python3-readability, `scripts/setup.sh --dev`) over the same pages on one core, interleaved
# with neardup's 2-thread scan, and the ratio of the two rates (issue 22: >= 8x).
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

# median of its arguments (numbers)
med() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
# seconds one run of a command takes, wall clock, 3 decimals
seconds() {
  local s e
  s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
  awk -v a="$s" -v b="$e" 'BEGIN {printf "%.3f", (b - a) / 1e9}'
}
median_seconds() {
  local i t=()
  for i in $(seq "$runs"); do t+=("$(seconds "$@")"); done
  med "${t[@]}"
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

# readability-lxml, one core: Document(html).summary() per page, timed inside Python (no
# interpreter start-up), each run interleaved with a 2-thread neardup scan so both see the same
# load.
if /usr/bin/python3 -c "import readability" 2>/dev/null; then
  peer() {
    /usr/bin/python3 - "$tmp" <<'PY'
import pathlib, sys, time
from readability import Document
pages = [p.read_bytes() for p in sorted(pathlib.Path(sys.argv[1]).glob("*.html"))]
t0 = time.perf_counter()
for page in pages:
    try:
        Document(page).summary()
    except Exception:
        pass
print("%.3f" % (time.perf_counter() - t0))
PY
  }
  ours=(); theirs=()
  for _ in $(seq "$runs"); do
    theirs+=("$(peer)")
    ours+=("$(seconds "$bin" scan -q -j 2 -o /dev/null "$tmp")")
  done
  row readability_lxml_one_core "$(med "${theirs[@]}")"
  row scan_threads_2_interleaved "$(med "${ours[@]}")"
  awk -v a="$(med "${theirs[@]}")" -v b="$(med "${ours[@]}")" \
    'BEGIN {printf "scan_2_threads_over_readability_lxml\t%.1fx\n", a / b}'
else
  echo "readability-lxml not installed (scripts/setup.sh --dev): no peer figure" >&2
fi
