#!/usr/bin/env bash
# Nightly-index benchmark on generated articles (scripts/gen_corpus.py, cached in BENCH_DIR,
# default /tmp/neardup-bench).
#
#   bench/e2e/index.sh             for each HELD size (default "200000 2000000"): build an
#                                  index of that many (nights of at most NIGHT = 1,000,000),
#                                  then time `index add` of NEW (100,000) fresh ones on a copy
#                                  of each, REPEAT (3) rounds with the sizes interleaved; prints
#                                  each add's seconds and peak RSS, bytes per held article, the
#                                  medians and each size's ratio to the first
#                                  (then 158 ECB+ dev articles into the first: held moves)
#   CURVE=10 bench/e2e/index.sh    the growth curve: CURVE nights of NIGHT articles each into
#                                  one index; per night seconds, peak RSS, index size
#                                  (CURVE_BINS="old/neardup build/neardup": each binary grows
#                                  an index of its own, night by night interleaved)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${NEARDUP:-build/neardup}
helds=${HELDS:-200000 2000000}
new=${NEW:-100000}
night=${NIGHT:-1000000}
dir=${BENCH_DIR:-/tmp/neardup-bench}
mkdir -p "$dir"

gen() {  # gen FILE DOCS SEED PREFIX
  [ -f "$1" ] || python3 scripts/gen_corpus.py --docs "$2" --seed "$3" --id-prefix "$4" -o "$1" >/dev/null
}
measure() {  # measure CMD...: prints seconds and peak RSS MB, tab-separated
  /usr/bin/time -o "$dir/time.txt" -f "%e %M" "$@" >/dev/null 2>"$dir/stderr.txt" ||
    { cat "$dir/stderr.txt" >&2; exit 1; }
  local out
  out=$(tail -1 "$dir/time.txt")
  echo -e "${out% *}\t$(( ${out#* } / 1024 ))"
}
index_bytes() {  # the index's files: the database and its WAL
  local db=$1 bytes
  bytes=$(stat -c %s "$db")
  [ -f "$db-wal" ] && bytes=$((bytes + $(stat -c %s "$db-wal")))
  echo "$bytes"
}
fresh() { rm -f "$1" "$1-wal" "$1-shm"; }

if [ -n "${CURVE:-}" ]; then
  # Each binary of CURVE_BINS (default: the one) grows its own index on the same nights,
  # interleaved night by night (this machine's speed drifts).
  read -r -a bins <<<"${CURVE_BINS:-$bin}"
  echo -e "binary\tnight\theld_before\tseconds\tpeak_rss_MB\tindex_GB\tbytes_per_article"
  held=0
  for i in "${!bins[@]}"; do fresh "$dir/curve$i.db"; done
  for n in $(seq 1 "$CURVE"); do
    gen "$dir/night$n.jsonl" "$night" "$((100 + n))" "n$n-"
    for i in "${!bins[@]}"; do
      db=$dir/curve$i.db
      line=$(measure "${bins[$i]}" index add -q --db "$db" "$dir/night$n.jsonl" -o /dev/null)
      docs=$("${bins[$i]}" index stats --db "$db" | awk -F'\t' '$1 == "documents" {print $2}')
      bytes=$(index_bytes "$db")
      echo -e "${bins[$i]}\t$n\t$held\t$line\t$(awk -v b="$bytes" 'BEGIN {printf "%.2f", b / 1e9}')\t$((bytes / docs))"
    done
    rm -f "$dir/night$n.jsonl"  # 1 GB each: keep the disk for the index
    held=$docs
  done
  exit 0
fi

gen "$dir/new$new.jsonl" "$new" 9 new
# 1. the held indexes, each kept as built (base) for the adds to run on copies
echo -e "held\tbuild_seconds\tbytes_per_article"
for held in $helds; do
  gen "$dir/held$held.jsonl" "$held" 1 ""
  base=$dir/index$held.base.db
  fresh "$base"
  # Build in nights of at most $night articles (what a nightly job does; one add of everything
  # would measure a different thing: a single huge night).
  rm -f "$dir"/part.*
  split -l "$night" -d -a 3 --additional-suffix=.jsonl "$dir/held$held.jsonl" "$dir/part."
  build=0
  for part in "$dir"/part.*; do
    t=$(measure "$bin" index add -q --db "$base" "$part" -o /dev/null | cut -f1)
    build=$(awk -v a="$build" -v b="$t" 'BEGIN {print a + b}')
  done
  rm -f "$dir"/part.*
  # everything in the main file, so a copy of it is the whole index
  python3 -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA wal_checkpoint(TRUNCATE)")' "$base"
  echo -e "$held\t$build\t$(( $(index_bytes "$base") / held ))"
done
# 2. REPEAT rounds (default 3), sizes interleaved in each (the machine's load drifts), of the
#    add of NEW fresh articles to a copy of each; medians
repeat=${REPEAT:-3}
rm -f "$dir/adds.tsv"
echo -e "round\theld\tadd_seconds\tpeak_rss_MB\tcheck"
for round in $(seq 1 "$repeat"); do
  for held in $helds; do
    db=$dir/index$held.db
    fresh "$db"
    cp "$dir/index$held.base.db" "$db"
    line=$(measure "$bin" index add -q --db "$db" "$dir/new$new.jsonl" -o /dev/null)
    check=$("$bin" index check --db "$db" 2>&1 | head -1)
    echo -e "$round\t$held\t$line\t$check"
    echo -e "$held\t$line" >>"$dir/adds.tsv"
  done
done
echo -e "held\tmedian_add_seconds\tmedian_peak_rss_MB"
first=""
for held in $helds; do
  med() { awk -F'\t' -v h="$held" -v c="$1" '$1 == h {print $c}' "$dir/adds.tsv" | sort -g |
    awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
  secs=$(med 2) rss=$(med 3)
  echo -e "$held\t$secs\t$rss"
  if [ -z "$first" ]; then
    first=$held first_secs=$secs first_rss=$rss
  else
    echo "# add $new to $held vs to $first: time x$(awk -v a="$secs" -v b="$first_secs" 'BEGIN {printf "%.2f", a / b}'), peak memory x$(awk -v a="$rss" -v b="$first_rss" 'BEGIN {printf "%.2f", a / b}')"
  fi
done
rm -f "$dir/adds.tsv"
# 3. Articles of other news (158 random ECB+ dev articles, when ../shared/eval holds them) added
#    to a copy of the first held index: how many held articles move, and from how many stories
#    (a held story moves only when the new articles reach it).
ecb=../shared/eval/ecbplus-dev.jsonl
if [ -f "$ecb" ]; then
  first_held=${helds%% *}
  db=$dir/index$first_held.db
  fresh "$db"
  cp "$dir/index$first_held.base.db" "$db"
  python3 -c 'import random, sys; l = open(sys.argv[1]).readlines(); random.Random(1).shuffle(l); sys.stdout.writelines(l[:158])' "$ecb" >"$dir/other158.jsonl"
  "$bin" index add --db "$db" "$dir/other158.jsonl" -o "$dir/other158.tsv" 2>"$dir/stderr.txt"
  awk -F'\t' 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i; next}
    $c["action"] == "moved" {moved++; from[$c["old_story"]] = 1}
    $c["action"] != "moved" && $c["matched_story"] != "" {joined++}
    END {n = 0; for (s in from) n++
         printf "# 158 ECB+ dev articles into %s held: %d joined held stories, %d held articles moved, from %d stories\n", "'"$first_held"'", joined, moved, n}' "$dir/other158.tsv"
  fresh "$db"
fi
