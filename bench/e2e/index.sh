#!/usr/bin/env bash
# Nightly-index benchmark: build an index of HELD generated articles (default 1,000,000), then
# time `index add` of NEW fresh ones (default 100,000) against it. Prints wall time, peak RSS,
# index bytes per article and the matching rate. Inputs are made by scripts/gen_corpus.py
# (cached in BENCH_DIR, default /tmp/neardup-bench).
# Usage: bench/e2e/index.sh   (HELD=... NEW=... to change sizes)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${NEARDUP:-build/neardup}
held=${HELD:-1000000}
new=${NEW:-100000}
dir=${BENCH_DIR:-/tmp/neardup-bench}
mkdir -p "$dir"
[ -f "$dir/held$held.jsonl" ] || python3 scripts/gen_corpus.py --docs "$held" --seed 1 -o "$dir/held$held.jsonl"
[ -f "$dir/new$new.jsonl" ] || python3 scripts/gen_corpus.py --docs "$new" --seed 9 --id-prefix new -o "$dir/new$new.jsonl"
rm -f "$dir/index.db" "$dir/index.db-wal" "$dir/index.db-shm"
measure() {  # measure LABEL CMD...: prints LABEL, seconds, peak RSS MB
  local label=$1 out
  shift
  /usr/bin/time -o "$dir/time.txt" -f "%e %M" "$@" >/dev/null 2>&1
  out=$(tail -1 "$dir/time.txt")
  echo -e "$label\t${out% *}\t$(( ${out#* } / 1024 ))"
}
echo -e "step\tseconds\tpeak_rss_MB"
measure "build index of $held" "$bin" index add -q --db "$dir/index.db" "$dir/held$held.jsonl" -o /dev/null
bytes=$(stat -c %s "$dir/index.db")
line=$(measure "add $new to $held" "$bin" index add -q --db "$dir/index.db" "$dir/new$new.jsonl" -o /dev/null)
echo "$line"
secs=$(echo "$line" | cut -f2)
echo -e "# index bytes per article: $((bytes / held)); matching rate: $(awk -v n="$new" -v s="$secs" 'BEGIN {printf "%.0f", n / s}') articles/s"
"$bin" index check --db "$dir/index.db" >/dev/null && echo "# index check: ok"
