#!/usr/bin/env bash
# The cost of hostile input (issue "nothing lost, nothing hangs"): seconds for one word of N
# combining marks, peak RSS for one 15 MB document of each kind of content, and 100k identical
# articles against 100k distinct ones of the same length. Medians of RUNS (default 3).
# Usage: bench/e2e/hostile.sh [path/to/neardup]      (run from the project root)
set -euo pipefail
bin=$(realpath "${1:-build/neardup}")
runs=${RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# median_run CMD...: prints "seconds peak_rss_mb", medians over $runs runs; a run longer than
# LIMIT seconds (default 120) is stopped and printed as "> LIMIT" (an older binary's quadratic
# normalization would take hours)
limit=${LIMIT:-120}
median_run() {
  local i
  for i in $(seq "$runs"); do
    if ! /usr/bin/time -f '%e %M' -o "$tmp/time" timeout "$limit" "$@" >/dev/null 2>&1; then
      [ "$(head -c 7 "$tmp/time")" = "Command" ] && { echo "> $limit s (stopped)"; return; }
    fi
    tail -n 1 "$tmp/time"
  done | sort -n | awk '/stopped/ {print; exit} {t[NR]=$1; m[NR]=$2} END {if (NR && !t[0]) {i=int((NR+1)/2); if (t[i] != "") printf "%.3f %.0f\n", t[i], m[i]/1024}}'
}

python3 - "$tmp" <<'PY'
import json, pathlib, random, sys
d = pathlib.Path(sys.argv[1])
# one word: a base letter and N combining marks (alternating classes, as an attacker would)
for n in (100_000, 1_000_000):
    (d / f"marks{n}.txt").write_text("a" + "\u0301\u0316" * (n // 2) + " end\n", encoding="utf-8")
size = 15 << 20
kinds = {
    "fdfa": "\ufdfa",                      # NFKC expands it 18-fold
    "ascii-word": "a",                     # one 15 MB word
    "ascii-words": "ab ",                  # 5 million words
    "cjk": "\u4e2d\u6587",                 # one word of CJK letters
    "marks": "a\u0301\u0316\u0301",        # marks after every base letter
    "fraction": "\u00bd ",                 # NFKC: 1/2 with a fraction slash
}
for name, unit in kinds.items():
    reps = size // len(unit.encode()) + 1
    (d / f"doc-{name}.txt").write_text((unit * reps)[: size], encoding="utf-8", errors="ignore")
rng = random.Random(1)
words = [''.join(rng.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(rng.randint(3, 9))) for _ in range(20000)]
def article():
    return ' '.join(rng.choice(words) for _ in range(400))
one = article()
with open(d / "identical.jsonl", "w") as f:
    for i in range(100_000):
        f.write(json.dumps({"id": str(i), "text": one}) + "\n")
with open(d / "distinct.jsonl", "w") as f:
    for i in range(100_000):
        f.write(json.dumps({"id": str(i), "text": article()}) + "\n")
PY

echo "# combining marks (one word), seconds and peak RSS (MB)"
for n in 100000 1000000; do
  echo "marks	$n	$(median_run "$bin" scan -q "$tmp/marks$n.txt")"
done
echo "# one 15 MB document, seconds and peak RSS (MB); default --max-doc-bytes 16M"
for k in fdfa ascii-word ascii-words cjk marks fraction; do
  echo "doc	$k	$(median_run "$bin" scan -q "$tmp/doc-$k.txt")"
done
echo "# three 15 MB documents at once (2 threads)"
mkdir -p "$tmp/three"; cp "$tmp"/doc-{fdfa,ascii-words,cjk}.txt "$tmp/three/"
echo "three	fdfa+words+cjk	$(median_run "$bin" scan -q "$tmp/three")"
echo "# 100k articles of 400 words: identical vs distinct, seconds and peak RSS (MB)"
for k in identical distinct; do
  echo "copies	$k	$(median_run "$bin" scan -q "$tmp/$k.jsonl")"
done
