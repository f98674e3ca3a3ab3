#!/usr/bin/env bash
# What writing the deduplicated corpus costs on top of the scan: `neardup scan --keep` against
# `neardup dedup -o` (plain, .gz, .zst) and `dedup --to DIR` (copies, --link) on the same input,
# runs interleaved, median wall time of RUNS and peak RSS. Uses build/neardup (Release).
# Usage: bench/e2e/dedup.sh [DOCS]   (a generated corpus of DOCS articles, default 100000)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${NEARDUP:-build/neardup}
runs=${RUNS:-5}
docs=${1:-100000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 scripts/gen_corpus.py --docs "$docs" --seed 11 -o "$tmp/in.jsonl" >/dev/null
python3 scripts/gen_corpus.py --docs 20000 --seed 12 --format folder -o "$tmp/folder" >/dev/null
mb=$(awk -v b="$(stat -c %s "$tmp/in.jsonl")" 'BEGIN {printf "%.1f", b / 1e6}')
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
declare -A cmd=(
  [scan_keep]="scan -q --keep $tmp/keep.txt -o /dev/null $tmp/in.jsonl"
  [dedup_plain]="dedup -q -o $tmp/kept.jsonl $tmp/in.jsonl"
  [dedup_gz]="dedup -q -o $tmp/kept.jsonl.gz $tmp/in.jsonl"
  [dedup_zst]="dedup -q -o $tmp/kept.jsonl.zst $tmp/in.jsonl"
  [folder_scan_keep]="scan -q --keep $tmp/keep.txt -o /dev/null $tmp/folder"
  [folder_dedup_copy]="dedup -q --to $tmp/tree $tmp/folder"
  [folder_dedup_link]="dedup -q --to $tmp/tree --link $tmp/folder"
)
order=(scan_keep dedup_plain dedup_gz dedup_zst folder_scan_keep folder_dedup_copy folder_dedup_link)
declare -A times=() rss=()
for _ in $(seq "$runs"); do
  for m in "${order[@]}"; do
    rm -rf "$tmp/tree"
    t0=$(date +%s%N)
    # shellcheck disable=SC2086
    r=$( { /usr/bin/time -f "%M" "$bin" ${cmd[$m]}; } 2>&1 )
    t1=$(date +%s%N)
    times[$m]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}') "
    [ "$r" -gt "${rss[$m]:-0}" ] && rss[$m]=$r
  done
done
echo -e "run\tmedian_s\tpeak_rss_MB\tvs_scan"
for m in "${order[@]}"; do
  t=$(printf '%s\n' ${times[$m]} | median)
  base=scan_keep; [[ $m == folder_* ]] && base=folder_scan_keep
  b=$(printf '%s\n' ${times[$base]} | median)
  echo -e "$m\t$t\t$((${rss[$m]} / 1024))\t$(awk -v a="$t" -v b="$b" 'BEGIN {printf "%.2f", a / b}')"
done
echo "input: $docs generated articles, $mb MB JSONL; folder: 20000 files; $runs runs interleaved" >&2
