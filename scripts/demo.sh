#!/usr/bin/env bash
# The README's demo: installs what is missing, builds, and runs neardup on the shipped corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh >/dev/null
echo "== neardup scan corpus/news corpus/seeds (one row per article; 'near' = group)"
build/neardup scan --title-field title --date-field date corpus/news corpus/seeds |
  awk -F'\t' '{printf "%-34s %5s %14s %10s  %s\n", $1, $2, $3, $4, $5}'
