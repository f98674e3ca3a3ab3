#!/usr/bin/env bash
# The staged scan against one scan, on generated articles (scripts/gen_corpus.py, DOCS, default
# 200,000, in FILES JSONL files, default 16; cached in BENCH_DIR, default /tmp/neardup-bench).
# REPEAT (3) rounds, interleaved: `neardup scan`, then scripts/staged-scan.sh --engine local at
# each WORLDS (default "1 4"; ranks JOBS=2 at a time): per stage seconds and peak RSS (the
# largest rank's), bytes written by the sign stage, the medians and the ratio to scan.
# Rows are checked identical to scan's in every round. SKEW makes the corpus skewed first:
#   copies  the articles plus 100,000 identical ones (one file): a bucket of 100,000 in every band
#   shared  every tenth article is 120 words all of them share and 25 of its own: in every band
#           a key shared by about a fifth of them (about 20,000 of a million)
# With PIECE_BYTES, the sign stage cuts the JSONL files into pieces of that size (--piece-bytes).
#   bench/e2e/staged.sh            DOCS=1000000 FILES=64 bench/e2e/staged.sh
#   DOCS=1000000 FILES=64 SKEW=copies WORLDS=4 REPEAT=2 bench/e2e/staged.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${NEARDUP:-build/neardup}")
docs=${DOCS:-200000}
files=${FILES:-16}
repeat=${REPEAT:-3}
worlds=${WORLDS:-1 4}
dir=${BENCH_DIR:-/tmp/neardup-bench}
in=$dir/staged-$docs-$files
if [ ! -d "$in" ]; then
  mkdir -p "$in.tmp"
  python3 scripts/gen_corpus.py --docs "$docs" --seed 21 -o "$in.tmp/all.jsonl" >/dev/null
  split -n "l/$files" -d -a 3 "$in.tmp/all.jsonl" "$in.tmp/part-" --additional-suffix=.jsonl
  rm "$in.tmp/all.jsonl"
  mv "$in.tmp" "$in"
fi
if [ -n "${SKEW:-}" ]; then
  skewed=$in-$SKEW
  if [ ! -d "$skewed" ]; then
    python3 - "$in" "$skewed.tmp" "$SKEW" <<'PY'
import json, os, sys
src, dst, kind = sys.argv[1:4]
os.makedirs(dst)
# Every tenth article becomes the first article's first 120 words and 25 words of its own
# (about as long as an article: the corpus keeps its size): a band's 8 rows all fall in the
# shared words for about a fifth of them (0.83^8), so each band has one key that about 2% of
# the corpus shares; two such articles are about 0.7 alike, below the threshold: candidates to
# verify, not copies.
first = sorted(f for f in os.listdir(src) if f.endswith(".jsonl"))[0]
with open(os.path.join(src, first), encoding="utf-8") as f:
    shared = " ".join(json.loads(f.readline())["text"].split()[:120])
n = 0
for name in sorted(f for f in os.listdir(src) if f.endswith(".jsonl")):
    with open(os.path.join(src, name), encoding="utf-8") as f, \
         open(os.path.join(dst, name), "w", encoding="utf-8") as out:
        for line in f:
            if kind == "shared" and n % 10 == 0:
                d = json.loads(line)
                d["text"] = shared + " " + " ".join(d["text"].split()[-25:])
                line = json.dumps(d) + "\n"
            out.write(line)
            n += 1
if kind == "copies":
    text = "An identical page " + " ".join(f"word{i}" for i in range(300))
    with open(os.path.join(dst, "zz-copies.jsonl"), "w", encoding="utf-8") as out:
        for i in range(100000):
            out.write(json.dumps({"id": f"copy-{i}", "text": text}) + "\n")
PY
    mv "$skewed.tmp" "$skewed"
  fi
  in=$skewed
fi
pieces=()
[ -n "${PIECE_BYTES:-}" ] && pieces=(--piece-bytes "$PIECE_BYTES")
measure() {  # measure CMD...: "seconds peak_MB"
  /usr/bin/time -o "$dir/time.txt" -f "%e %M" "$@" >/dev/null 2>"$dir/stderr.txt" ||
    { cat "$dir/stderr.txt" >&2; exit 1; }
  awk '{printf "%s %d\n", $1, $2 / 1024}' "$dir/time.txt"
}
echo -e "round\trun\tsign_s\tsign_peak_MB\tlink_s\tlink_peak_MB\ttotal_s\tsign_bytes"
results=$dir/staged-results.tsv
: >"$results"
for r in $(seq 1 "$repeat"); do
  read -r s m < <(measure "$bin" scan -q "$in" -o "$dir/scan-rows.tsv")
  echo -e "$r\tscan\t\t\t\t\t$s\t" | tee -a "$results"
  for w in $worlds; do
    work=$dir/staged-work
    rm -rf "$work"
    start=$(date +%s.%N)
    peak=0
    # Ranks JOBS at a time, each timed; the sign stage's time is the wall clock of all.
    seq 0 $((w - 1)) | xargs -P "${JOBS:-2}" -I{} /usr/bin/time -o "$dir/rank-{}.time" -f "%e %M" \
      "$bin" stage sign -q --work "$work" --rank {} --world "$w" "${pieces[@]}" "$in"
    sign_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
    for f in "$dir"/rank-*.time; do
      p=$(awk '{print int($2 / 1024)}' "$f")
      [ "$p" -gt "$peak" ] && peak=$p
    done
    rm -f "$dir"/rank-*.time
    bytes=$(du -cb "$work"/sign-*.bin | tail -1 | cut -f1)
    read -r ls lm < <(measure "$bin" stage link -q --work "$work" -o "$dir/staged-rows.tsv")
    cmp -s "$dir/scan-rows.tsv" "$dir/staged-rows.tsv" || { echo "world $w: rows differ from scan's" >&2; exit 1; }
    total=$(awk -v a="$sign_s" -v b="$ls" 'BEGIN {printf "%.2f", a + b}')
    printf '%s\tworld %s\t%.2f\t%s\t%s\t%s\t%.2f\t%s\n' "$r" "$w" "$sign_s" "$peak" "$ls" "$lm" "$total" "$bytes" | tee -a "$results"
  done
done
echo
echo -e "run\tmedian_total_s\tratio_to_scan"
python3 - "$results" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in rows:
    by.setdefault(r[1], []).append(float(r[6]))
scan = statistics.median(by["scan"])
for name, vals in by.items():
    m = statistics.median(vals)
    print(f"{name}\t{m:.2f}\t{m / scan:.2f}")
PY
