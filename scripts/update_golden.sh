#!/usr/bin/env bash
# Regenerates corpus/golden/<case>/expected.tsv from each case's input.jsonl with the settings
# tests/golden/golden_test.cpp uses. Review the diff before committing: a change here means the
# output format or the clustering changed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${NEARDUP:-$top/build/neardup}
cd "$top/corpus"
for dir in golden/*/; do
  dir=${dir%/}
  "$bin" scan --quiet --threads 2 --title-field title --date-field date "$dir/input.jsonl" \
    > "$dir/expected.tsv"
  echo "updated $dir/expected.tsv"
done
