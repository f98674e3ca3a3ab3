#!/usr/bin/env bash
# Hostile-input CLI tests (issue "nothing lost, nothing hangs"): each case once lost data, hung a
# run or crashed it. Usage: tests/cli/hostile.sh path/to/neardup   (run from the project root)
source "$(dirname "$0")/lib.sh"
chmod 755 "$tmp"

# as_user CMD...: runs CMD without root's power to read anything (permission tests run as root
# in CI); the files it needs must be readable by others.
as_user() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
  else
    "$@"
  fi
}

# --- truncated, non-gzip and trailing-garbage .gz files are unreadable, never partial
gz=$tmp/gz; mkdir -p "$gz"
python3 - "$gz" <<'PY'
import gzip, json, sys, pathlib
d = pathlib.Path(sys.argv[1])
lines = "".join(json.dumps({"id": str(i), "text": "article number %d about %d things" % (i, i * 7919)}) + "\n" for i in range(3000))
whole = gzip.compress(lines.encode())
half = len(lines) // 2
two = gzip.compress(lines[:half].encode()) + gzip.compress(lines[half:].encode())
(d / "whole.jsonl.gz").write_bytes(whole)
(d / "members.jsonl.gz").write_bytes(two)
(d / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
(d / "cut-member.jsonl.gz").write_bytes(two[: len(two) * 3 // 4])
(d / "garbage.jsonl.gz").write_bytes(whole + b"garbage")
(d / "plain.jsonl.gz").write_bytes(lines.encode())
doc = gzip.compress(("a long article " * 3000).encode())
(d / "doc.txt.gz").write_bytes(doc[: len(doc) // 3])
PY
for f in whole members; do
  expect_exit 0 -- "$bin" scan --strict "$gz/$f.jsonl.gz"
  [ "$(tail -n +2 "$tmp/out" | wc -l)" -eq 3000 ] || fail "$f.jsonl.gz: want 3000 rows"
done
for f in cut.jsonl cut-member.jsonl garbage.jsonl plain.jsonl doc.txt; do
  expect_exit 1 -- "$bin" scan --strict "$gz/$f.gz"; expect_grep "$tmp/err" "unreadable"
  expect_exit 0 -- "$bin" scan "$gz/$f.gz"; expect_grep "$tmp/err" "skipped 1 (unreadable 1)"
done
expect_exit 0 -- "$bin" scan "$gz/cut.jsonl.gz"; expect_grep "$tmp/err" "truncated gzip"
expect_exit 0 -- "$bin" scan "$gz/plain.jsonl.gz"; expect_grep "$tmp/err" "not gzip data"
expect_exit 0 -- "$bin" scan "$gz/garbage.jsonl.gz"; expect_grep "$tmp/err" "trailing garbage"

# --- unreadable folders are counted skips (fatal with --strict), an unreadable PATH an error
perm=$tmp/perm; mkdir -p "$perm/open" "$perm/locked"
printf 'words in an open folder\n' >"$perm/open/a.txt"
printf 'words in a locked folder\n' >"$perm/locked/b.txt"
chmod -R a+rX "$perm"; chmod 000 "$perm/locked"
expect_exit 0 -- as_user "$bin" scan "$perm"
expect_grep "$tmp/err" "skipped $perm/locked: unreadable: cannot read folder: Permission denied"
expect_grep "$tmp/err" "skipped 1 (unreadable 1)"
expect_exit 1 -- as_user "$bin" scan --strict "$perm"; expect_grep "$tmp/err" "(--strict)"
expect_exit 1 -- as_user "$bin" scan "$perm/locked"; expect_grep "$tmp/err" "Permission denied"
expect_exit 1 -- as_user "$bin" scan "$perm/locked/b.txt"; expect_grep "$tmp/err" "Permission denied"
chmod 755 "$perm/locked"

# --- a FIFO in a folder is a named skip, not a hang (timeout: a hang fails, it does not stall CI)
fifo=$tmp/fifo; mkdir -p "$fifo"; printf 'some words\n' >"$fifo/a.txt"; mkfifo "$fifo/pipe.txt"
expect_exit 0 -- timeout 20 "$bin" scan "$fifo"; expect_grep "$tmp/err" "pipe.txt: unreadable: a FIFO, not read"
expect_exit 0 -- timeout 20 "$bin" index add --db "$tmp/fifo.db" "$fifo"
expect_grep "$tmp/err" "a FIFO, not read"
# A FIFO named on the command line is read: a shell's <(...) is one.
expect_exit 0 -- "$bin" scan <(printf '{"id":"p","text":"from a pipe"}\n')
expect_grep "$tmp/out" "^/dev/fd/[0-9]*	"

# --- out-of-range numbers are usage errors (exit 2), never a wrap, an abort or a huge allocation
for args in "--threads -1" "--threads 4294967295" "--threads 2147483648" "--num-perm -1" \
            "--num-perm 0" "--num-perm 99999999999999999999" "--max-doc-bytes 17179869184G" \
            "--max-doc-bytes -1" "--max-doc-bytes 0" "--story-threshold 7" "--story-threshold nan" \
            "--story-link -0.5" "--story-link 0" "--story-bands 65537 --story-rows 65535" \
            "--story-bands -1" "--seed -1"; do
  # shellcheck disable=SC2086
  expect_exit 2 -- "$bin" scan $args corpus/seeds
  # shellcheck disable=SC2086
  expect_exit 2 -- "$bin" index add --db "$tmp/range.db" $args corpus/seeds
done
[ ! -e "$tmp/range.db" ] || fail "a usage error left an index file behind"
expect_exit 2 -- "$bin" params --num-perm -1
expect_exit 0 -- "$bin" index add --db "$tmp/prune.db" corpus/seeds
for d in 999999999999999d 9223372036854775807s 36526d -1d 0d; do
  expect_exit 2 -- "$bin" index prune --db "$tmp/prune.db" --older-than "$d"
done
expect_exit 0 -- "$bin" index stats --db "$tmp/prune.db"; expect_grep "$tmp/out" "^documents	2$"

# --- JSONL output is valid UTF-8 whatever the file names hold
names=$tmp/names; mkdir -p "$names"
for n in $'over\xc0\xaflong' $'surr\xed\xa0\x80gate' $'high\xf5\x80\x80\x80' $'cut\xe2\x82'; do
  printf 'a document with some words in it\n' >"$names/$n.txt"
done
expect_exit 0 -- "$bin" scan --format jsonl "$names"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]' "$tmp/out" \
  || fail "JSONL output of odd file names is not valid UTF-8 JSON"

# --- an output through a symlink replaces the target, not the link; /dev/stdout is written
# through the held descriptor; an output that is an input is refused
out=$tmp/outs; mkdir -p "$out"; printf 'old\n' >"$out/real.tsv"; ln -s real.tsv "$out/link.tsv"
expect_exit 0 -- "$bin" scan -o "$out/link.tsv" corpus/seeds
[ -L "$out/link.tsv" ] || fail "-o through a symlink replaced the link"
grep -q "^000_" "$out/real.tsv" || fail "-o through a symlink did not write the link's target"
ln -s missing.tsv "$out/dangling.tsv"
expect_exit 0 -- "$bin" scan -o "$out/dangling.tsv" corpus/seeds
[ -L "$out/dangling.tsv" ] && [ -s "$out/missing.tsv" ] || fail "-o through a dangling symlink"
"$bin" scan -q --keep /dev/stdout -o /dev/null corpus/seeds >"$out/keep.txt" || fail "--keep /dev/stdout"
[ "$(wc -l <"$out/keep.txt")" -eq 2 ] || fail "--keep /dev/stdout: want 2 ids"
[ -L /dev/stdout ] || fail "/dev/stdout is no longer a symlink"
"$bin" scan -q --keep /dev/stdout corpus/seeds >"$out/both.txt" || fail "-o - with --keep /dev/stdout"
[ "$(wc -l <"$out/both.txt")" -eq 5 ] || fail "rows and keep list on one stdout: want 3 + 2 lines"
cp corpus/seeds/000_*.txt "$out/input.txt"
expect_exit 2 -- "$bin" scan -o "$out/input.txt" "$out/input.txt"; expect_grep "$tmp/err" "is an input"
expect_exit 2 -- "$bin" scan --drop "$out/input.txt" "$out"; expect_grep "$tmp/err" "is an input"
expect_exit 2 -- "$bin" index add --db "$tmp/o.db" -o "$out/input.txt" "$out"
cmp -s corpus/seeds/000_*.txt "$out/input.txt" || fail "a refused output changed the input"
expect_exit 0 -- "$bin" scan -o "$out/res.dat" "$out"  # not a readable extension: not an input

finish hostile
