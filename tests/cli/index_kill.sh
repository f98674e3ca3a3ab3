#!/usr/bin/env bash
# Crash safety of `neardup index add`: SIGKILL at random moments (TRIALS, default 20), then
# `index check` must pass and re-running the batch must give the same final index as a run that
# was never interrupted, and the same rows (the held articles' `moved` rows included: the batch
# moves several hundred). Usage: tests/cli/index_kill.sh path/to/neardup  (from the project root)
set -u
bin=$(realpath "$1")
trials=${TRIALS:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

python3 scripts/gen_corpus.py --docs 16000 --seed 7 -o "$tmp/all.jsonl" || fail "generator"
head -n 8000 "$tmp/all.jsonl" >"$tmp/base.jsonl"
tail -n +8001 "$tmp/all.jsonl" >"$tmp/batch.jsonl"
"$bin" index add -q --db "$tmp/base.db" "$tmp/base.jsonl" >/dev/null || fail "base add"

# The reference: the batch added without interruption (ids, groups, stories; not timestamps).
cp "$tmp/base.db" "$tmp/ref.db"
start=$(date +%s%N)
"$bin" index add -q --db "$tmp/ref.db" "$tmp/batch.jsonl" >/dev/null || fail "reference add"
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
"$bin" index export --db "$tmp/ref.db" | cut -f1-7 >"$tmp/ref.tsv"
"$bin" index report --db "$tmp/ref.db" --run 2 >"$tmp/ref.rows" || fail "reference rows"
grep -q "	moved	" "$tmp/ref.rows" || fail "the reference batch moves no held article"

killed=0
for trial in $(seq "$trials"); do
  cp "$tmp/base.db" "$tmp/t.db"
  rm -f "$tmp/t.db-wal" "$tmp/t.db-shm"
  "$bin" index add -q --db "$tmp/t.db" "$tmp/batch.jsonl" >/dev/null 2>&1 &
  pid=$!
  delay_ms=$(( (RANDOM * 7919 + trial * 104729) % (took_ms + 20) ))
  sleep "$(printf '0.%03d' "$delay_ms")" 2>/dev/null || sleep 0
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null
  "$bin" index check --db "$tmp/t.db" >/dev/null 2>"$tmp/check.err" ||
    fail "trial $trial (killed after ${delay_ms} ms): index check failed: $(cat "$tmp/check.err")"
  "$bin" index add -q --db "$tmp/t.db" "$tmp/batch.jsonl" >/dev/null ||
    fail "trial $trial: re-running the batch failed"
  "$bin" index export --db "$tmp/t.db" | cut -f1-7 >"$tmp/t.tsv"
  cmp -s "$tmp/ref.tsv" "$tmp/t.tsv" || fail "trial $trial (killed after ${delay_ms} ms): final state differs"
  "$bin" index report --db "$tmp/t.db" --run 2 >"$tmp/t.rows" ||
    fail "trial $trial: no run 2 after the re-run"
  cmp -s "$tmp/ref.rows" "$tmp/t.rows" || fail "trial $trial (killed after ${delay_ms} ms): rows differ"
done
echo "all $trials kill trials passed ($killed killed mid-run, a run takes ${took_ms} ms)"
