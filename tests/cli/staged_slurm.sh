#!/usr/bin/env bash
# The staged scan under Slurm: a one-node Slurm on this machine (scripts/slurm-local.sh: munge,
# slurmctld, slurmd), scripts/staged-scan.sh --engine slurm at --world 1, 2, 4 and 7 (a job
# array of sign ranks, the link job after it; at 4 and 7 the JSONL files cut into pieces): rows
# identical to `neardup scan`; a rank that fails (its input unreadable to the job) fails the
# link job, and the re-run gives scan's rows.
# Needs root (exit 77, skipped, otherwise). Usage: tests/cli/staged_slurm.sh path/to/neardup
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "staged_slurm: needs root to run the Slurm daemons (skipped)"; exit 77; }
export NEARDUP=$bin
slurm=$tmp/slurm
trap 'scripts/slurm-local.sh stop "$slurm"; kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
scripts/slurm-local.sh start "$slurm" || { echo "FAIL: the one-node Slurm did not start"; exit 1; }
source "$slurm/env"

python3 scripts/gen_corpus.py --docs 1500 --seed 12 -o "$tmp/gen.jsonl" >/dev/null
mkdir -p "$tmp/in"
split -l 400 "$tmp/gen.jsonl" "$tmp/in/part-" --additional-suffix=.jsonl
inputs=("$tmp/in" corpus)
expect_exit 0 -- "$bin" scan -q "${inputs[@]}" -o "$tmp/scan.tsv" --level story --keep "$tmp/scan.keep"

for world in 1 2 4 7; do
  pieces=()  # at 4 and 7 ranks, the JSONL files are cut into pieces too
  [ "$world" -ge 4 ] && pieces=(--piece-bytes 200K)
  expect_exit 0 -- scripts/staged-scan.sh --engine slurm --world "$world" --work "$tmp/w$world" -q \
    "${pieces[@]}" "${inputs[@]}" -o "$tmp/rows.tsv" --level story --keep "$tmp/rows.keep"
  cmp -s "$tmp/scan.tsv" "$tmp/rows.tsv" || fail "slurm --world $world: rows differ from scan's"
  cmp -s "$tmp/scan.keep" "$tmp/rows.keep" || fail "slurm --world $world: keep list differs"
  [ "$(ls "$tmp/w$world"/slurm-sign-*.log | wc -l)" -eq "$world" ] || fail "slurm --world $world: not one job per rank"
done

# A rank whose job fails (its work file cannot be written: a folder in its place): the link
# job never runs (afterok), the script says so; once the cause is gone, a re-run redoes only
# that rank.
work=$tmp/fails
mkdir -p "$work/sign-1-of-2.bin"
expect_exit 1 -- scripts/staged-scan.sh --engine slurm --world 2 --work "$work" -q "${inputs[@]}" -o "$tmp/f.tsv"
expect_grep "$tmp/err" "the link job failed"
[ -e "$tmp/f.tsv" ] && fail "a failed rank's run wrote rows"
[ -e "$work/sign-0-of-2.done" ] || fail "the rank that succeeded has no marker"
rmdir "$work/sign-1-of-2.bin"
expect_exit 0 -- scripts/staged-scan.sh --engine slurm --world 2 --work "$work" "${inputs[@]}" -o "$tmp/f.tsv"
cmp -s <("$bin" scan -q "${inputs[@]}") "$tmp/f.tsv" || fail "after the failed rank's re-run: rows differ"
grep -q "nothing to do" "$work/slurm-sign-0.log" || fail "the complete rank was signed again"

finish staged_slurm
