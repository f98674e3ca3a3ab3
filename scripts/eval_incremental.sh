#!/usr/bin/env bash
# Nightly batches versus one scan: adds the given JSONL files to a fresh index in N batches
# (BATCHES, default 5; lines dealt round-robin), exports it, scans everything once, and prints
# the adjusted Rand index of the two partitions at the near and story levels.
# Usage: scripts/eval_incremental.sh [FILE.jsonl...]   (default: ../shared/eval bbc + reuters + ECB+)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${NEARDUP:-build/neardup}
batches=${BATCHES:-5}
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(../shared/eval/bbc-2005.jsonl ../shared/eval/reuters21578.jsonl ../shared/eval/ecbplus-dev.jsonl)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat "${files[@]}" >"$tmp/all.jsonl"
awk -v n="$batches" -v dir="$tmp" '{print > (dir "/batch" (NR - 1) % n ".jsonl")}' "$tmp/all.jsonl"
start=$(date +%s.%N)
for b in $(seq 0 $((batches - 1))); do
  "$bin" index add -q --db "$tmp/index.db" "$tmp/batch$b.jsonl" >/dev/null
done
end=$(date +%s.%N)
"$bin" index export --db "$tmp/index.db" -o "$tmp/export.tsv"
"$bin" scan -q "$tmp/all.jsonl" -o "$tmp/scan.tsv"
echo "# $(wc -l <"$tmp/all.jsonl") documents in $batches batches, $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}') s of index add"
echo -e "level\tdocuments\tARI_vs_one_scan"
python3 scripts/ari.py "$tmp/export.tsv" "$tmp/scan.tsv" near story
