#!/usr/bin/env bash
# The scan in stages (neardup stage sign / stage link, scripts/staged-scan.sh): rows, lists and
# story rows byte-identical to `neardup scan` at --world 1, 2, 4 and 7 (web pages with site
# boilerplate, JSONL in many files); a rank killed or out of disk leaves no marker, the link
# refuses to read it, and a re-run signs only it and gives the same rows; a damaged file is
# refused. Usage: tests/cli/staged.sh path/to/neardup   (run from the project root)
source "$(dirname "$0")/lib.sh"
export NEARDUP=$bin

# Generated news in several JSONL files (one compressed), with corpus/ (web pages, a feed).
python3 scripts/gen_corpus.py --docs 2500 --seed 11 -o "$tmp/gen.jsonl" >/dev/null
mkdir -p "$tmp/in"
split -l 600 "$tmp/gen.jsonl" "$tmp/in/part-" --additional-suffix=.jsonl
gzip "$tmp/in/part-aa.jsonl"
inputs=("$tmp/in" corpus)
now=$(date +%s)

expect_exit 0 -- "$bin" scan -q "${inputs[@]}" -o "$tmp/scan.tsv" --keep "$tmp/scan.keep" --level story
expect_exit 0 -- "$bin" scan -q "${inputs[@]}" --format jsonl -o "$tmp/scan.jsonl"
[ "$(wc -l <"$tmp/scan.tsv")" -gt 2500 ] || fail "the scan wrote $(wc -l <"$tmp/scan.tsv") rows"

# --- every world: the same rows, keep list (story level) and JSONL rows as scan's
for world in 1 2 4 7; do
  work=$tmp/work$world
  expect_exit 0 -- scripts/staged-scan.sh --engine local --world "$world" --work "$work" -q \
    "${inputs[@]}" -o "$tmp/staged.tsv" --keep "$tmp/staged.keep" --level story
  cmp -s "$tmp/scan.tsv" "$tmp/staged.tsv" || fail "--world $world: rows differ from scan's"
  cmp -s "$tmp/scan.keep" "$tmp/staged.keep" || fail "--world $world: keep list differs"
  [ "$(ls "$work"/sign-*-of-"$world".done | wc -l)" -eq "$world" ] ||
    fail "--world $world: not one marker per rank"
  expect_exit 0 -- "$bin" stage link -q --work "$work" --format jsonl -o "$tmp/staged.jsonl"
  cmp -s "$tmp/scan.jsonl" "$tmp/staged.jsonl" || fail "--world $world: JSONL rows differ"
done

# --- one large JSONL file cut into pieces (--piece-bytes) dealt to the ranks: lines without an
# id ("<file>:<line>", numbered in the whole file), blank, CRLF, malformed and too-long lines
# across piece boundaries, a last line without a newline: rows, JSONL rows and the summary's
# counts are scan's
python3 - "$tmp/gen.jsonl" "$tmp/big/one.jsonl" <<'PY'
import json, os, sys
os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True)
out = []
for i, line in enumerate(open(sys.argv[1], encoding="utf-8").read().splitlines()):
    d = json.loads(line)
    if i % 7 == 0:
        d.pop("id", None)
    out.append(json.dumps(d) + ("\r" if i % 11 == 0 else ""))
    if i % 13 == 0:
        out.append("")
    if i % 97 == 0:
        out.append("{not json")
    if i == 900:
        out.append(json.dumps({"text": "long " * 60000}))
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out))
PY
big=("$tmp/big/one.jsonl")
expect_exit 0 -- "$bin" scan --max-doc-bytes 200K "${big[@]}" --format jsonl -o "$tmp/big.jsonl"
grep -v '^time\|MB/s' "$tmp/err" >"$tmp/big.summary"
grep -q 'one.jsonl:[0-9]*","near"' "$tmp/big.jsonl" || fail "the big file has no line without an id"
for world in 1 3 4; do
  expect_exit 0 -- scripts/staged-scan.sh --world "$world" --work "$tmp/bigw$world" \
    --max-doc-bytes 200K --piece-bytes 150K "${big[@]}" --format jsonl -o "$tmp/bigs.jsonl"
  cmp -s "$tmp/big.jsonl" "$tmp/bigs.jsonl" || fail "--world $world, pieces: JSONL rows differ"
  grep -v '^time\|MB/s\|sign rank' "$tmp/err" | diff - "$tmp/big.summary" >/dev/null ||
    fail "--world $world, pieces: the summary differs from scan's"
done
pieces=$("$bin" stage sign --work "$tmp/bigw4" --rank 0 --world 4 2>&1 --max-doc-bytes 200K \
  --piece-bytes 150K "${big[@]}" | grep -c "complete")
[ "$pieces" = 1 ] || fail "a complete rank of pieces was signed again"
for r in 0 1 2 3; do
  expect_exit 0 -- "$bin" stage sign --work "$tmp/bigq" --rank "$r" --world 4 --now "$now" \
    --max-doc-bytes 200K --piece-bytes 150K "${big[@]}"
done
expect_grep "$tmp/err" "of [0-9]* pieces of 1 inputs"
# Ranks that cut the inputs otherwise are not one run.
rm "$tmp/bigq/sign-3-of-4.done"
expect_exit 0 -- "$bin" stage sign -q --work "$tmp/bigq" --rank 3 --world 4 --now "$now" \
  --max-doc-bytes 200K --piece-bytes 100K "${big[@]}"
expect_exit 1 -- "$bin" stage link -q --work "$tmp/bigq" -o "$tmp/none.tsv"
expect_grep "$tmp/err" "other options"

# --- ranks by hand, as a Slurm array runs them (SLURM_ARRAY_TASK_ID/COUNT), without --now:
# the first writes WORK/now, the others (started later) read it
work=$tmp/slurmish
for r in 0 1 2; do
  SLURM_ARRAY_TASK_ID=$r SLURM_ARRAY_TASK_COUNT=3 "$bin" stage sign -q --work "$work" \
    "${inputs[@]}" || fail "rank $r from Slurm's variables"
  [ "$r" = 0 ] && sleep 1.1
done
[ -s "$work/now" ] || fail "no WORK/now"
expect_exit 0 -- "$bin" stage link -q --work "$work" --level story --keep "$tmp/k3" -o "$tmp/r3.tsv"
cmp -s "$tmp/scan.tsv" "$tmp/r3.tsv" || fail "ranks from Slurm's variables: rows differ"

# --- a rank not done: the link names it; signing it again completes the run
work=$tmp/partial
expect_exit 0 -- "$bin" stage sign -q --work "$work" --rank 0 --world 2 --now "$now" "${inputs[@]}"
rm -f "$tmp/none.tsv"
expect_exit 1 -- "$bin" stage link -q --work "$work" --world 2 -o "$tmp/none.tsv"
expect_grep "$tmp/err" "sign rank 1 of 2"
[ -e "$tmp/none.tsv" ] && fail "a refused link wrote its output"
# Killed at some moment (SIGKILL): either it finished (a marker, the rows scan's) or the link
# refuses the rank; signing it again gives scan's rows.
killed=0
for delay in 0.02 0.05 0.1 0.2 0.4; do
  rm -f "$work"/sign-1-of-2.* "$tmp/none.tsv"
  "$bin" stage sign -q -j 1 --work "$work" --rank 1 --world 2 --now "$now" "${inputs[@]}" &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if [ -e "$work/sign-1-of-2.done" ]; then
    expect_exit 0 -- "$bin" stage link -q --work "$work" --level story -o "$tmp/k.tsv"
    cmp -s "$tmp/scan.tsv" "$tmp/k.tsv" || fail "killed after $delay s with a marker: rows differ"
  else
    killed=$((killed + 1))
    expect_exit 1 -- "$bin" stage link -q --work "$work" --world 2 -o "$tmp/none.tsv"
    expect_grep "$tmp/err" "did not finish"
    [ -e "$tmp/none.tsv" ] && fail "a link over a killed rank wrote its output"
  fi
done
[ "$killed" -gt 0 ] || fail "no kill landed before a rank finished: the trials prove nothing"
rm -f "$work"/sign-1-of-2.*
# Out of disk (a file size limit: writes fail with EFBIG): an error, no marker.
( ulimit -f 64; trap '' XFSZ; exec "$bin" stage sign -q --work "$work" --rank 1 --world 2 \
    --now "$now" "${inputs[@]}" ) >"$tmp/out" 2>"$tmp/err" && fail "a rank out of disk succeeded"
expect_grep "$tmp/err" "write failed\|No space\|too large"
[ -e "$work/sign-1-of-2.done" ] && fail "a rank out of disk left a marker"
expect_exit 0 -- "$bin" stage sign -q --work "$work" --rank 1 --world 2 --now "$now" "${inputs[@]}"
expect_exit 0 -- "$bin" stage link -q --work "$work" --level story -o "$tmp/p.tsv"
cmp -s "$tmp/scan.tsv" "$tmp/p.tsv" || fail "after re-running the failed rank: rows differ"
# A complete rank is not signed again (its file untouched).
before=$(stat -c %Y.%s "$work/sign-0-of-2.bin")
expect_exit 0 -- "$bin" stage sign --work "$work" --rank 0 --world 2 --now "$now" "${inputs[@]}"
expect_grep "$tmp/err" "complete: nothing to do"
[ "$(stat -c %Y.%s "$work/sign-0-of-2.bin")" = "$before" ] || fail "a complete rank was signed again"

# --- the link killed (SIGKILL) at some moment: its outputs are all there or not at all; a
# re-run writes scan's rows
for delay in 0.05 0.2; do
  rm -f "$tmp/l.tsv" "$tmp/l.keep"
  "$bin" stage link -q --work "$work" --level story -o "$tmp/l.tsv" --keep "$tmp/l.keep" &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  if [ -e "$tmp/l.tsv" ]; then
    cmp -s "$tmp/scan.tsv" "$tmp/l.tsv" || fail "a link killed after $delay s left partial rows"
  fi
  ls -a "$tmp" | grep -q '^\.l\.tsv\.tmp\.' && [ -e "$tmp/l.tsv" ] && fail "temporary and final rows both there"
  expect_exit 0 -- "$bin" stage link -q --work "$work" --level story -o "$tmp/l.tsv" --keep "$tmp/l.keep"
  cmp -s "$tmp/scan.tsv" "$tmp/l.tsv" || fail "the link's re-run after a kill: rows differ"
  cmp -s "$tmp/scan.keep" "$tmp/l.keep" || fail "the link's re-run after a kill: keep list differs"
done

# --- damage and mismatches are refused, never read as documents
cp -r "$work" "$tmp/damaged"
rm -f "$tmp/none.tsv"
printf 'X' | dd of="$tmp/damaged/sign-0-of-2.bin" bs=1 seek=5000 conv=notrunc 2>/dev/null
expect_exit 1 -- "$bin" stage link -q --work "$tmp/damaged" -o "$tmp/none.tsv"
expect_grep "$tmp/err" "damaged"
[ -e "$tmp/none.tsv" ] && fail "a damaged rank's link wrote its output"
truncate -s -10 "$tmp/damaged/sign-1-of-2.bin"
expect_exit 1 -- "$bin" stage link -q --work "$tmp/damaged" -o "$tmp/none.tsv"
expect_grep "$tmp/err" "bytes, its marker says"
# Ranks signed with other options (another --now) are not one run.
work=$tmp/mixed
expect_exit 0 -- "$bin" stage sign -q --work "$work" --rank 0 --world 2 --now "$now" "${inputs[@]}"
expect_exit 0 -- "$bin" stage sign -q --work "$work" --rank 1 --world 2 --now 1700000000 "${inputs[@]}"
expect_exit 1 -- "$bin" stage link -q --work "$work" -o "$tmp/none.tsv"
expect_grep "$tmp/err" "other options"
# Inputs that changed since signing.
cp -r "$tmp/in" "$tmp/in2"
work=$tmp/changed
expect_exit 0 -- scripts/staged-scan.sh --world 2 --work "$work" -q "$tmp/in2" -o "$tmp/c.tsv"
touch "$tmp/in2/new.jsonl"
expect_exit 1 -- "$bin" stage link -q --work "$work" -o "$tmp/none.tsv"
expect_grep "$tmp/err" "files came or went"

# --- a work folder used again: a rank complete for another run (other options or PATHs) or
# damaged is signed again, never taken as done; a usage error is one even over complete ranks
work=$tmp/again
expect_exit 0 -- scripts/staged-scan.sh --world 2 --work "$work" -q "${big[@]}" -o "$tmp/a1.tsv"
expect_exit 0 -- scripts/staged-scan.sh --world 2 --work "$work" --threshold 0.5 "$tmp/in" \
  -o "$tmp/a2.tsv"
expect_grep "$tmp/err" "signing again (its files are of another run"
cmp -s <("$bin" scan -q --threshold 0.5 "$tmp/in") "$tmp/a2.tsv" ||
  fail "a work folder used again with other options: rows are not the new run's"
printf 'X' | dd of="$work/sign-1-of-2.bin" bs=1 seek=3000 conv=notrunc 2>/dev/null
expect_exit 1 -- "$bin" stage link -q --work "$work" -o "$tmp/none.tsv"
expect_exit 0 -- "$bin" stage sign --work "$work" --rank 1 --world 2 --threshold 0.5 "$tmp/in"
expect_grep "$tmp/err" "signing again (.*checksum"
expect_exit 0 -- "$bin" stage link -q --work "$work" -o "$tmp/a3.tsv"
cmp -s "$tmp/a2.tsv" "$tmp/a3.tsv" || fail "a damaged rank signed again: rows differ"
expect_exit 2 -- "$bin" stage sign --work "$work" --rank 0 --world 2 --bogus "$tmp/in"
expect_exit 2 -- "$bin" stage sign --work "$work" --rank 0 --world 2
# A cut file whose size changed between ranks (its pieces as many) is not one run.
mkdir -p "$tmp/grow"
head -c 400000 "$tmp/big/one.jsonl" | sed '$d' >"$tmp/grow/g.jsonl"
expect_exit 0 -- "$bin" stage sign -q --work "$tmp/gw" --rank 0 --world 2 --now "$now" \
  --piece-bytes 100K "$tmp/grow"
sed -i 10d "$tmp/grow/g.jsonl"
expect_exit 0 -- "$bin" stage sign -q --work "$tmp/gw" --rank 1 --world 2 --now "$now" \
  --piece-bytes 100K "$tmp/grow"
expect_exit 1 -- "$bin" stage link -q --work "$tmp/gw" -o "$tmp/none.tsv"
expect_grep "$tmp/err" "other options"
# The link takes output options only: matching and input options are the sign stage's.
for opt in --exact-verify "--seed 5" "--shingle chars:5" "--id-field foo" "-k 64"; do
  # shellcheck disable=SC2086
  expect_exit 2 -- "$bin" stage link -q --work "$work" $opt -o "$tmp/none.tsv"
  expect_grep "$tmp/err" "sign stage's"
done
expect_exit 2 -- "$bin" stage link -q --work "$work" "$tmp/in" -o "$tmp/none.tsv"
expect_grep "$tmp/err" "takes no PATH"
[ -e "$tmp/none.tsv" ] && fail "a refused link wrote its output"
# Rank 0 missing and no --world: the rank is named (exit 1), as for any other rank.
rm "$work/sign-0-of-2.done"
expect_exit 1 -- "$bin" stage link -q --work "$work" -o "$tmp/none.tsv"
expect_grep "$tmp/err" "sign rank 0 of 2"
# staged-scan.sh: an output option's value attached (-oFILE) goes to the link.
expect_exit 0 -- scripts/staged-scan.sh --world 2 --work "$tmp/att" -q corpus/news "-o$tmp/att.tsv"
cmp -s <("$bin" scan -q corpus/news) "$tmp/att.tsv" || fail "-oFILE: rows differ"
expect_exit 2 -- "$bin" stage sign --work "$tmp/u" --rank 0 --world 1 --piece-bytes 1 corpus

# --- usage
expect_exit 2 -- "$bin" stage sign --rank 0 --world 1 corpus
expect_grep "$tmp/err" "--work DIR is required"
expect_exit 2 -- "$bin" stage sign --work "$tmp/u" --rank 3 --world 2 corpus
expect_exit 2 -- "$bin" stage sign --work "$tmp/u" --world 1 - <corpus/news/feed.jsonl
expect_exit 2 -- "$bin" stage frob
expect_exit 0 -- "$bin" stage sign --help
expect_grep "$tmp/out" "SLURM_ARRAY_TASK_ID"
expect_exit 0 -- "$bin" stage link --help
expect_grep "$tmp/out" "--work DIR"
expect_exit 2 -- scripts/staged-scan.sh --world 0 --work "$tmp/u" corpus

finish staged
