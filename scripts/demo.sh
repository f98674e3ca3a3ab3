#!/usr/bin/env bash
# The README's demo: installs what is missing, builds, and runs neardup on the shipped corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh >/dev/null
echo "== neardup scan corpus/news corpus/seeds"
echo "   (one row per article; 'near' = copies of one text, 'story' = the same story in any words)"
build/neardup scan --title-field title --date-field date corpus/news corpus/seeds |
  awk -F'\t' '{printf "%-38s %5s %6s %15s %11s\n", $1, $2, $3, $4, $5}'
echo
echo "== the two seed articles (one story told in different words) share a story id:"
build/neardup scan --quiet corpus/news corpus/seeds | awk -F'\t' 'NR == 1 || $1 ~ /^00[01]_/'
echo
build/neardup scan --quiet --title-field title --date-field date --report build/demo-report.html \
  -o /dev/null corpus/news corpus/seeds
echo "== the report of this scan (plots, the largest stories, a side-by-side view): $PWD/build/demo-report.html"
