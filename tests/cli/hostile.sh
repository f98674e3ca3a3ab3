#!/usr/bin/env bash
# Hostile-input CLI tests (issue "nothing lost, nothing hangs"): each case once lost data, hung a
# run or crashed it. Usage: tests/cli/hostile.sh path/to/neardup   (run from the project root)
source "$(dirname "$0")/lib.sh"
chmod 755 "$tmp"

# as_user CMD...: runs CMD as nobody, without root's power to read anything (CI runs as root).
# The binary is copied where nobody can reach it (the checkout may sit in a private folder).
user_bin=$bin
as_user() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
  else
    "$@"
  fi
}
if [ "$(id -u)" -eq 0 ]; then
  cp "$bin" "$tmp/neardup-user"; chmod 755 "$tmp/neardup-user"; user_bin=$tmp/neardup-user
fi
user_ok=1
as_user "$user_bin" --version >/dev/null 2>&1 || user_ok=0
[ "$user_ok" -eq 1 ] || echo "note: user nobody cannot run $bin (its libraries?): permission checks skipped"

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
python3 - "$gz" <<'PY'
import bz2, lzma, pathlib, sys
d = pathlib.Path(sys.argv[1])
lines = (d / "whole.jsonl.gz").read_bytes()
import gzip
lines = gzip.decompress(lines)
half = len(lines) // 2
for ext, mod in (("xz", lzma), ("bz2", bz2)):
    whole = mod.compress(lines)
    two = mod.compress(lines[:half]) + mod.compress(lines[half:])
    (d / ("whole-%s.jsonl.%s" % (ext, ext))).write_bytes(whole)
    (d / ("members-%s.jsonl.%s" % (ext, ext))).write_bytes(two)
    (d / ("cut-%s.jsonl.%s" % (ext, ext))).write_bytes(whole[: len(whole) // 2])
    (d / ("garbage-%s.jsonl.%s" % (ext, ext))).write_bytes(whole + b"garbage")
    (d / ("plain-%s.jsonl.%s" % (ext, ext))).write_bytes(lines)
PY
for ext in xz bz2; do
  for f in whole members; do
    expect_exit 0 -- "$bin" scan --strict "$gz/$f-$ext.jsonl.$ext"
    [ "$(tail -n +2 "$tmp/out" | wc -l)" -eq 3000 ] || fail "$f-$ext.jsonl.$ext: want 3000 rows"
  done
  for f in cut garbage plain; do
    expect_exit 1 -- "$bin" scan --strict "$gz/$f-$ext.jsonl.$ext"; expect_grep "$tmp/err" "unreadable"
  done
done
# an .lzma header naming a 4 GiB dictionary: refused, not allocated (found by the reader fuzzer)
printf '\000\377\377\377\377\377\377\377\377\377\377\377\377\000\004\000' >"$gz/huge-dict.jsonl.xz"
expect_exit 0 -- "$bin" scan "$gz/huge-dict.jsonl.xz"; expect_grep "$tmp/err" "needs more than 256 MiB"
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
if [ "$user_ok" -eq 1 ]; then
expect_exit 0 -- as_user "$user_bin" scan "$perm"
expect_grep "$tmp/err" "skipped $perm/locked: unreadable: cannot read folder: Permission denied"
expect_grep "$tmp/err" "skipped 1 (unreadable 1)"
expect_exit 1 -- as_user "$user_bin" scan --strict "$perm"; expect_grep "$tmp/err" "(--strict)"
expect_exit 1 -- as_user "$user_bin" scan "$perm/locked"; expect_grep "$tmp/err" "Permission denied"
expect_exit 1 -- as_user "$user_bin" scan "$perm/locked/b.txt"; expect_grep "$tmp/err" "Permission denied"
fi
chmod 755 "$perm/locked"

# --- a FIFO in a folder is a named skip, not a hang (timeout: a hang fails, it does not stall CI)
fifo=$tmp/fifo; mkdir -p "$fifo"; printf 'some words\n' >"$fifo/a.txt"; mkfifo "$fifo/pipe.txt"
expect_exit 0 -- timeout 20 "$bin" scan "$fifo"; expect_grep "$tmp/err" "pipe.txt: unreadable: a FIFO, not read"
expect_exit 0 -- timeout 20 "$bin" index add --db "$tmp/fifo.db" "$fifo"
expect_grep "$tmp/err" "a FIFO, not read"
# A FIFO named on the command line is read: a shell's <(...) is one (its size once sized the
# table for 50 million documents: 16 s).
expect_exit 0 -- timeout 5 "$bin" scan <(printf '{"id":"p","text":"from a pipe"}\n')
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
expect_exit 2 -- "$bin" scan -o "$out/res.dat" "$out"  # any name: the next run would skip it as unknown_name

# --- a night is all or nothing: when the matches file cannot be written the index is untouched,
# and every run is recorded with its rows ('index report --run N' writes them again)
night=$tmp/night; mkdir -p "$night/d0" "$night/d1"
cp corpus/seeds/000_*.txt "$night/d0/"; cp corpus/news/*.txt "$night/d1/"
db=$tmp/night.db
expect_exit 0 -- "$bin" index add --db "$db" -o "$tmp/m0.tsv" "$night/d0"
count() { "$bin" index stats --db "$1" | awk -F'\t' '$1 == "documents" {print $2}'; }
before=$(count "$db")
expect_exit 1 -- "$bin" index add --db "$db" -o /dev/full "$night/d1"; expect_grep "$tmp/err" "write failed"
[ "$(count "$db")" = "$before" ] || fail "a failed matches file still changed the index"
expect_exit 0 -- "$bin" index add --db "$db" -o "$tmp/m1.tsv" "$night/d1"
want=$(ls "$night/d1" | wc -l)
[ "$(tail -n +2 "$tmp/m1.tsv" | wc -l)" -eq "$want" ] || fail "the re-run after a failed write lost rows"
expect_grep "$tmp/err" "recorded as run 2"
expect_exit 0 -- "$bin" index runs --db "$db"
[ "$(tail -n +2 "$tmp/out" | wc -l)" -eq 2 ] || fail "index runs: want 2 runs"
expect_exit 0 -- "$bin" index report --db "$db" --run 2 -o "$tmp/again.tsv"
cmp -s "$tmp/m1.tsv" "$tmp/again.tsv" || fail "index report --run 2 differs from the night's file"
expect_exit 0 -- "$bin" index report --db "$db" --run 2 --format jsonl
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/out" || fail "report jsonl"
expect_exit 1 -- "$bin" index report --db "$db" --run 9; expect_grep "$tmp/err" "no run 9"
expect_exit 2 -- "$bin" index report --db "$db"; expect_grep "$tmp/err" "--run N is required"

# --- day folders that reuse file names: two files are never one article; a re-fetch with the
# same text is already held, one with a new text an update (replaces the held version)
days=$tmp/days; mkdir -p "$days/2026-11-30/site" "$days/2026-12-01/site"
printf 'Storm closes the harbour as waves reach six metres and ferries stay in port.\n' >"$days/2026-11-30/site/0001.txt"
printf 'Council approves the new library budget after a long debate on Tuesday night.\n' >"$days/2026-12-01/site/0001.txt"
db=$tmp/days.db
expect_exit 0 -- "$bin" index add --db "$db" "$days/2026-11-30"
expect_exit 0 -- "$bin" index add --db "$db" "$days/2026-12-01"
[ "$(tail -n +2 "$tmp/out" | wc -l)" -eq 1 ] || fail "night 2 with a reused file name was skipped"
expect_grep "$tmp/out" "^$days/2026-12-01/site/0001.txt	"
expect_exit 0 -- "$bin" index add --db "$db" "$days/2026-12-01"; expect_grep "$tmp/err" "already_held"
# run again, the night writes its first run's row again (README: a batch run again)
[ "$(tail -n +2 "$tmp/out" | wc -l)" -eq 1 ] || fail "a night run again lost its first run's row"
[ "$(count "$db")" -eq 2 ] || fail "a re-fetch with the same text was added again"
printf 'Council approves the new library budget after a long debate; the mayor abstains.\n' >"$days/2026-12-01/site/0001.txt"
expect_exit 0 -- "$bin" index add --db "$db" "$days/2026-12-01"
expect_grep "$tmp/err" "updated $days/2026-12-01/site/0001.txt"
[ "$(tail -n +2 "$tmp/out" | wc -l)" -eq 1 ] || fail "an updated article was not written"
[ "$(count "$db")" -eq 2 ] || fail "an update must replace the held version (want 2 documents)"
expect_exit 0 -- "$bin" index add --db "$tmp/rooted.db" --id-root "$days" "$days/2026-11-30"
expect_grep "$tmp/out" "^2026-11-30/site/0001.txt	"

# --- a schema v1 index (no text hashes, no runs) is upgraded by its first writer
db=$tmp/v1.db
expect_exit 0 -- "$bin" index add --db "$db" corpus/seeds
python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("DROP VIEW articles; DROP INDEX aliases_target; "
                "DROP TABLE near_keys; DROP TABLE story_keys; DROP TABLE term_df; DROP TABLE key_runs; "
                "DELETE FROM settings WHERE key LIKE 'state_%'; "
                "DROP TABLE runs; DROP TABLE run_rows; ALTER TABLE docs DROP COLUMN text_hash; "
                "ALTER TABLE docs DROP COLUMN title; ALTER TABLE docs DROP COLUMN url; "
                "ALTER TABLE docs DROP COLUMN lang; DROP TABLE story_lineage; ALTER TABLE docs DROP COLUMN site; ALTER TABLE docs DROP COLUMN beside; DROP TABLE template_sites; DROP TABLE template_terms; PRAGMA user_version = 1;")
c.commit()
PY
expect_exit 0 -- "$bin" index check --db "$db"
expect_exit 0 -- "$bin" index runs --db "$db"; [ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "v1: runs"
expect_exit 0 -- "$bin" index add --db "$db" corpus/seeds; expect_grep "$tmp/err" "already_held"
expect_grep "$tmp/err" "not recorded as a run"  # it added nothing
expect_exit 0 -- "$bin" index add --db "$db" "$night/d1"; expect_grep "$tmp/err" "recorded as run 1$"
expect_exit 0 -- "$bin" index check --db "$db"
python3 -c 'import sqlite3,sys; v=sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0]; sys.exit(v != 8)' "$db" || fail "v1 index not upgraded to v8"
# --- a schema v2 index (no titles, urls, run row dates) likewise; its runs are re-issued
db=$tmp/v2.db
expect_exit 0 -- "$bin" index add --db "$db" corpus/seeds
python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("DROP VIEW articles; DROP INDEX aliases_target; "
                "DROP TABLE near_keys; DROP TABLE story_keys; DROP TABLE term_df; DROP TABLE key_runs; "
                "DELETE FROM settings WHERE key LIKE 'state_%'; "
                "ALTER TABLE docs DROP COLUMN title; ALTER TABLE docs DROP COLUMN url; "
                "ALTER TABLE run_rows DROP COLUMN date; ALTER TABLE run_rows DROP COLUMN title; "
                "ALTER TABLE run_rows DROP COLUMN url; ALTER TABLE run_rows DROP COLUMN action; "
                "ALTER TABLE runs DROP COLUMN level; ALTER TABLE docs DROP COLUMN lang; "
                "ALTER TABLE run_rows DROP COLUMN lang; ALTER TABLE run_rows DROP COLUMN old_story; "
                "DROP TABLE story_lineage; ALTER TABLE docs DROP COLUMN site; ALTER TABLE docs DROP COLUMN beside; DROP TABLE template_sites; DROP TABLE template_terms; PRAGMA user_version = 2;")
c.commit()
PY
expect_exit 0 -- "$bin" index check --db "$db"
expect_exit 0 -- "$bin" index report --db "$db" --run 1; [ "$(tail -n +2 "$tmp/out" | wc -l)" -eq 2 ] || fail "v2: run 1 rows"
expect_exit 0 -- "$bin" index add --db "$db" "$night/d1"; expect_grep "$tmp/err" "recorded as run 2"
expect_exit 0 -- "$bin" index check --db "$db"
expect_exit 0 -- "$bin" index export --db "$db"
python3 -c 'import sqlite3,sys; v=sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0]; sys.exit(v != 8)' "$db" || fail "v2 index not upgraded to v8"
# --- a schema v4 index (members rewritten at each merge; no articles view) likewise
db=$tmp/v4.db
expect_exit 0 -- "$bin" index add --db "$db" corpus/seeds
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript("DROP VIEW articles; DROP INDEX aliases_target; ALTER TABLE runs DROP COLUMN level; ALTER TABLE docs DROP COLUMN lang; ALTER TABLE run_rows DROP COLUMN lang; ALTER TABLE run_rows DROP COLUMN old_story; DROP TABLE story_lineage; ALTER TABLE docs DROP COLUMN site; ALTER TABLE docs DROP COLUMN beside; DROP TABLE template_sites; DROP TABLE template_terms; DELETE FROM settings WHERE key GLOB \"state_story_documents_*\"; PRAGMA user_version = 4;")' "$db"
expect_exit 0 -- "$bin" index export --db "$db"; [ "$(tail -n +2 "$tmp/out" | wc -l)" -eq 2 ] || fail "v4: export"
expect_exit 0 -- "$bin" index add --db "$db" "$night/d1"; expect_grep "$tmp/err" "recorded as run 2"
expect_exit 0 -- "$bin" index check --db "$db"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); v=c.execute("PRAGMA user_version").fetchone()[0]; n=c.execute("SELECT count(*) FROM articles").fetchone()[0]; sys.exit(v != 8 or n < 3)' "$db" || fail "v4 index not upgraded to v8"

# --- small ones: BOM, null id, lone surrogate; closed or folder stdin; stale temp files;
# check verifies the schema; prune of a missing index; readers in a read-only folder; messages
printf '\xef\xbb\xbf{"id":"bom","text":"first line words"}\n{"id":null,"text":"null id words"}\n{"id":"s","text":"lone \\ud800 surrogate"}\n' >"$tmp/small.jsonl"
expect_exit 0 -- "$bin" scan --strict "$tmp/small.jsonl"
[ "$(tail -n +2 "$tmp/out" | wc -l)" -eq 3 ] || fail "BOM, null id or lone surrogate dropped a record"
expect_grep "$tmp/out" "^$tmp/small.jsonl:2	"
expect_exit 1 -- "$bin" scan - <&-; expect_grep "$tmp/err" "stdin"
expect_exit 1 -- "$bin" scan - <"$tmp"; expect_grep "$tmp/err" "stdin: is a directory"
sleep 0 & dead=$!; wait
: >"$tmp/.res.tsv.tmp.$dead.AbCdEf"; : >"$tmp/.res.tsv.tmp.$$.AbCdEf"
expect_exit 0 -- "$bin" scan -o "$tmp/res.tsv" corpus/seeds
[ ! -e "$tmp/.res.tsv.tmp.$dead.AbCdEf" ] || fail "a killed run's temp file was left"
[ -e "$tmp/.res.tsv.tmp.$$.AbCdEf" ] || fail "a live run's temp file was removed"
db=$tmp/schema.db
expect_exit 0 -- "$bin" index add --db "$db" corpus/seeds
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("ALTER TABLE aliases DROP COLUMN merged"); c.commit()' "$db"
expect_exit 1 -- "$bin" index check --db "$db"; expect_grep "$tmp/err" "lacks column 'merged'"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript("DROP TABLE story_lineage; ALTER TABLE run_rows DROP COLUMN old_story")' "$db"
expect_exit 1 -- "$bin" index check --db "$db"; expect_grep "$tmp/err" "table 'story_lineage' is missing"
expect_grep "$tmp/err" "table 'run_rows' lacks column 'old_story'"
db=$tmp/settings.db
expect_exit 0 -- "$bin" index add --db "$db" corpus/seeds
expect_exit 2 -- "$bin" index add --db "$db" --num-perm 64 corpus/seeds; expect_grep "$tmp/err" "num_perm=128"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM settings WHERE key=\"num_perm\""); c.commit()' "$db"
expect_exit 1 -- "$bin" index export --db "$db"; expect_grep "$tmp/err" "has no num_perm setting"
expect_exit 1 -- "$bin" index prune --db "$tmp/none.db" --older-than 1d; expect_grep "$tmp/err" "no such index"
[ ! -e "$tmp/none.db" ] || fail "prune of a missing index created a file"
# a failed first run leaves an empty index (never removed: a waiting writer may hold it open),
# which readers name as such and the next add fills (tests/cli/hostile_index.sh)
expect_exit 1 -- "$bin" index add --db "$tmp/first.db" /nonexistent/path
expect_exit 1 -- "$bin" index stats --db "$tmp/first.db"; expect_grep "$tmp/err" "empty index"
ro=$tmp/ro; mkdir -p "$ro"; "$bin" index add -q --db "$ro/news.db" corpus/seeds >/dev/null
chmod 555 "$ro"
if [ "$user_ok" -eq 1 ]; then
expect_exit 0 -- as_user "$user_bin" index stats --db "$ro/news.db"; expect_grep "$tmp/out" "^documents	2$"
expect_exit 0 -- as_user "$user_bin" index query --db "$ro/news.db" "$perm/open"
fi
chmod 755 "$ro"
python3 - "$tmp/busy.db" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE"); c.execute("CREATE TABLE t(x)")
open(sys.argv[1] + ".held", "w").close()
time.sleep(30)
PY
for _ in $(seq 100); do [ -e "$tmp/busy.db.held" ] && break; sleep 0.1; done
expect_exit 1 -- "$bin" index add --db "$tmp/busy.db" corpus/seeds
expect_grep "$tmp/err" "locked by another writer"
kill %% 2>/dev/null

# --- issue 20, item 3: ids are unique per run: a repeated id is a counted skip, never kept and
# dropped at once (a pipeline deleting the drop list would delete the kept article)
printf '{"id":"a","text":"the council approved the harbour budget on monday after a long debate"}\n{"id":"a","text":"a different article about the museum theft and the stolen paintings"}\n' >"$tmp/repeat.jsonl"
expect_exit 0 -- "$bin" scan --keep "$tmp/k.txt" --drop "$tmp/d.txt" "$tmp/repeat.jsonl"
expect_grep "$tmp/err" "repeat.jsonl:2: duplicate: id 'a' was read before"
expect_grep "$tmp/err" "skipped 1 (duplicate 1)"
[ -z "$(comm -12 <(sort "$tmp/k.txt") <(sort "$tmp/d.txt"))" ] || fail "an id is in both --keep and --drop"
expect_exit 1 -- "$bin" scan --strict "$tmp/repeat.jsonl"
mkdir -p "$tmp/twofold/x" "$tmp/twofold/y"
echo "the mayor opened the new library in the old town hall on saturday" >"$tmp/twofold/x/same.txt"
echo "fishermen protest the new quotas at the harbour all week long" >"$tmp/twofold/y/same.txt"
expect_exit 0 -- "$bin" scan --keep "$tmp/k.txt" --drop "$tmp/d.txt" "$tmp/twofold/x" "$tmp/twofold/y"
expect_grep "$tmp/err" "duplicate: id 'same.txt'"
[ -z "$(comm -12 <(sort "$tmp/k.txt") <(sort "$tmp/d.txt"))" ] || fail "a relative path in two folders is kept and dropped"

# --- item 4: a file named twice (folder and file in it, symlink to the folder) is read once
ln -s "$tmp/twofold/x" "$tmp/twolink"
expect_exit 0 -- "$bin" scan --drop "$tmp/d.txt" "$tmp/twofold/x" "$tmp/twofold/x/same.txt" "$tmp/twolink"
[ ! -s "$tmp/d.txt" ] || fail "a file named twice was dropped as a copy of itself: $(cat "$tmp/d.txt")"
expect_grep "$tmp/err" "skipped 2 (duplicate 2)"
expect_grep "$tmp/err" "the same file as"

# --- item 13: wget's names are read; other names, mistyped fields, unreadable dates and empty
# folders are said, and fatal with --strict
mkdir -p "$tmp/wget"
page='<html><head><title>Storm</title></head><body><article><p>A storm closed the harbour bridge on Monday, the city said, and ferries ran all night.</p></article></body></html>'
for name in 'article.php?id=1' 'index.html?id=2' 'page.htm.1'; do echo "$page" >"$tmp/wget/$name"; done
echo "a,b" >"$tmp/wget/table.csv"
expect_exit 0 -- "$bin" scan "$tmp/wget"
[ "$(tail -n +2 "$tmp/out" | cut -f1 | sort | tr '\n' ' ')" = "article.php?id=1 index.html?id=2 page.htm.1 " ] || fail "wget's names were not read: $(cat "$tmp/out")"
expect_grep "$tmp/err" "unknown_name 1"
expect_grep "$tmp/err" "table.csv: unknown_name"
expect_exit 1 -- "$bin" scan --strict "$tmp/wget"
mkdir -p "$tmp/nothing"
expect_exit 0 -- "$bin" scan "$tmp/nothing"
expect_grep "$tmp/err" "warning: no documents were read"
expect_exit 1 -- "$bin" scan --strict "$tmp/nothing"
expect_exit 0 -- "$bin" scan --date-field publishd corpus/news/feed.jsonl
expect_grep "$tmp/err" "warning: --date-field 'publishd' is in none of the 24 JSON records"
expect_exit 1 -- "$bin" scan --strict --title-field headlin corpus/news/feed.jsonl
printf '{"id":"d1","text":"an article with a date nobody can read at all","when":"last tuesday"}\n' >"$tmp/dates.jsonl"
expect_exit 0 -- "$bin" scan --date-field when "$tmp/dates.jsonl"
expect_grep "$tmp/err" "dates not read: 1 (the first: 'last tuesday' at"
expect_exit 1 -- "$bin" scan --strict --date-field when "$tmp/dates.jsonl"

# --- item 15: an output that cannot be written fails before the run, not after it: the input is
# a pipe that stays open for 20 s, so a run that reads it first is killed by the timeout (124)
for opt in "-o" "--keep" "--drop" "--report"; do
  expect_exit 1 -- timeout 5 "$bin" scan "$opt" "$tmp/no/such/folder/x" - < <(sleep 20)
  expect_grep "$tmp/err" "no/such/folder"
done

finish hostile
