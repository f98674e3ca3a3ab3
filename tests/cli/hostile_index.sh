#!/usr/bin/env bash
# Hostile-user CLI tests of `neardup index` (issue 20): each case once lost or damaged an index,
# wrote over it, or told the nightly log something false.
# Usage: tests/cli/hostile_index.sh path/to/neardup   (run from the project root)
source "$(dirname "$0")/lib.sh"

# Three nights of articles; each night has copies of the one before.
python3 - "$tmp" <<'PY'
import json, pathlib, random, sys
tmp = pathlib.Path(sys.argv[1])
rng = random.Random(7)
words = ["w%d" % i for i in range(3000)]
texts = [" ".join(rng.choice(words) for _ in range(120)) for _ in range(300)]
for night in range(3):
    rows = [{"id": "n%d-%d" % (night, i), "date": "2026-11-%02dT02:00:00Z" % (10 + night),
             "text": texts[night * 100 + i]} for i in range(100)]
    rows += [{"id": "n%d-copy%d" % (night, i), "date": "2026-11-%02dT03:00:00Z" % (10 + night),
              "text": texts[max(night - 1, 0) * 100 + i] + " extra"} for i in range(20)]
    (tmp / ("night%d.jsonl" % night)).write_text("".join(json.dumps(r) + "\n" for r in rows))
PY
n0=$tmp/night0.jsonl; n1=$tmp/night1.jsonl; n2=$tmp/night2.jsonl

# --- 1: a failed first add never unlinks the index a waiting writer has open already
db=$tmp/first.db
(sleep 2; cat "$n0") | "$bin" index add -q --date-field date --db "$db" -o "$tmp/no-such-dir/m.tsv" - >/dev/null 2>"$tmp/err1" &
first=$!
sleep 1
"$bin" index add -q --wait --date-field date --db "$db" -o "$tmp/m2.tsv" "$n1" 2>"$tmp/err2"
second=$?
wait $first; [ $? -eq 1 ] || fail "a first add whose matches file cannot be written exits 1"
[ "$second" -eq 0 ] || fail "the waiting writer failed: $(cat "$tmp/err2")"
expect_exit 0 -- "$bin" index runs --db "$db"
[ "$(tail -n +2 "$tmp/out" | wc -l)" -eq 1 ] || fail "the waiting writer's run is lost: $(cat "$tmp/out" "$tmp/err")"
expect_exit 0 -- "$bin" index stats --db "$db"; expect_grep "$tmp/out" "^documents	120$"
# a first add whose outputs cannot be written fails before it touches the index: no file
db=$tmp/empty.db
expect_exit 1 -- "$bin" index add -q --date-field date --db "$db" -o "$tmp/no-such-dir/m.tsv" "$n0"
[ ! -e "$db" ] || fail "a first add whose output cannot be written left an index file"
# 16: so does a first add killed while it holds the file; prune names it an empty index too
db=$tmp/killed.db
(sleep 5; cat "$n0") | "$bin" index add -q --db "$db" -o /dev/null - >/dev/null 2>&1 &
killed=$!
for _ in $(seq 100); do [ -s "$db" ] && break; sleep 0.1; done
sleep 0.3; kill -9 $killed; wait $killed 2>/dev/null
[ -e "$db" ] || fail "the killed first add left no file (the test's timing?)"
expect_exit 1 -- "$bin" index prune --db "$db" --older-than 1d; expect_grep "$tmp/err" "empty index"
expect_exit 0 -- "$bin" index add -q --db "$db" -o /dev/null "$n0"

# --- 2: no output may be the index (nor its -wal/-shm), by any name; refused before anything
db=$tmp/news.db
"$bin" index add -q --date-field date --db "$db" -o /dev/null "$n0" || fail "setup add"
ln -s "$db" "$tmp/link.db"
before=$(cksum <"$db")
for out in "$db" "$tmp/link.db" "$tmp/./news.db" "$db-wal" "$db-shm"; do
  expect_exit 2 -- "$bin" index export --db "$db" -o "$out"; expect_grep "$tmp/err" "is the index"
  expect_exit 2 -- "$bin" index report --db "$db" --run 1 -o "$out"
  expect_exit 2 -- "$bin" index query --db "$db" -o "$out" "$n1"
  expect_exit 2 -- "$bin" index add --db "$db" -o "$out" "$n1"
  expect_exit 2 -- "$bin" index add --db "$db" -o /dev/null --keep "$out" "$n1"
  expect_exit 2 -- "$bin" index add --db "$db" -o /dev/null --drop "$out" "$n1"
  expect_exit 2 -- "$bin" index prune --db "$db" --older-than 1d --list "$out"
done
[ "$(cksum <"$db")" = "$before" ] || fail "a refused output changed the index"
expect_exit 0 -- "$bin" index runs --db "$db"
[ "$(tail -n +2 "$tmp/out" | wc -l)" -eq 1 ] || fail "a refused add ran: $(cat "$tmp/out")"

# --- 5: prune's --list appears only once the deletion is committed
db=$tmp/prune.db
"$bin" index add -q --date-field date --db "$db" -o /dev/null "$n0" && "$bin" index add -q --date-field date --db "$db" -o /dev/null "$n1" || fail "setup add"
# A file-size limit fails the deletion's commit (its WAL frames) but not the short list.
( trap '' XFSZ; ulimit -f 64; exec "$bin" index prune --db "$db" --before 2026-11-11 --list "$tmp/gone.txt" ) >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "prune under a 64 KiB file-size limit exits $rc, want 1 ($(cat "$tmp/err"))"
[ ! -e "$tmp/gone.txt" ] || fail "a failed prune left its --list of ids that are all still held"
expect_exit 0 -- "$bin" index stats --db "$db"; expect_grep "$tmp/out" "^documents	240$"
# free pages an interrupted prune left (here: rows deleted behind neardup's back) are given
# back by the next prune, even one that deletes nothing
python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM run_rows"); c.commit()
c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.close()
PY
expect_exit 0 -- "$bin" index prune --db "$db" --before 2000-01-01
b0=$(awk -F'\t' '$1 == "bytes_before" {print $2}' "$tmp/out")
b1=$(awk -F'\t' '$1 == "bytes_after" {print $2}' "$tmp/out")
[ "$b1" -lt "$b0" ] || fail "a prune deleting nothing kept the free pages: $b0 -> $b1 bytes"
expect_exit 0 -- "$bin" index check --db "$db"

# --- 6: readers wait for a brief lock (a WAL checkpoint or recovery) instead of failing
# What a connection closing the last handle holds while it checkpoints and removes the WAL: an
# exclusive lock on the database file (SQLite's lock bytes at 1 GiB), here for 2 s.
python3 - "$db" "$tmp/locked" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX, 1, 0x40000000)
fcntl.lockf(fd, fcntl.LOCK_EX, 510, 0x40000002)
open(sys.argv[2], "w").close()
time.sleep(2)
PY
locker=$!
for _ in $(seq 100); do [ -e "$tmp/locked" ] && break; sleep 0.1; done
for sub in stats runs export; do
  expect_exit 0 -- "$bin" index $sub --db "$db"
done
wait $locker

# --- 7: another program's SQLite file is refused unchanged (not switched to WAL mode)
python3 - "$tmp/other.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("CREATE TABLE t(x)"); c.execute("INSERT INTO t VALUES(1)")
c.execute("PRAGMA user_version = 3"); c.commit(); c.close()
PY
before=$(cksum <"$tmp/other.db")
expect_exit 1 -- "$bin" index add --db "$tmp/other.db" "$n0"; expect_grep "$tmp/err" "not a neardup index"
expect_exit 1 -- "$bin" index prune --db "$tmp/other.db" --older-than 1d; expect_grep "$tmp/err" "not a neardup index"
expect_exit 1 -- "$bin" index stats --db "$tmp/other.db"; expect_grep "$tmp/err" "not a neardup index"
[ "$(cksum <"$tmp/other.db")" = "$before" ] || fail "a refused file was changed (journal mode?)"
[ ! -e "$tmp/other.db-wal" ] || fail "a refused file got a -wal file"
head -c 10000 /dev/urandom >"$tmp/noise.db"; before=$(cksum <"$tmp/noise.db")
expect_exit 1 -- "$bin" index add --db "$tmp/noise.db" "$n0"; expect_grep "$tmp/err" "not an SQLite database"
[ "$(cksum <"$tmp/noise.db")" = "$before" ] || fail "a refused file was changed"

# --- 14: a night run again writes the rows of its first run, not a header alone
db=$tmp/rerun.db
expect_exit 0 -- "$bin" index add --date-field date --db "$db" -o "$tmp/first.tsv" --keep "$tmp/keep1" "$n0"
expect_exit 0 -- "$bin" index add --date-field date --db "$db" -o "$tmp/again.tsv" --keep "$tmp/keep2" "$n0"
expect_grep "$tmp/err" "index report --run 1"
[ "$(wc -l <"$tmp/first.tsv")" -gt 100 ] || fail "the first run wrote too few rows"
cmp -s "$tmp/first.tsv" "$tmp/again.tsv" || fail "a re-run replaced the night's rows: $(wc -l <"$tmp/again.tsv") lines"
cmp -s "$tmp/keep1" "$tmp/keep2" || fail "a re-run replaced the night's --keep list"
# another batch whose articles are all held (other inputs) writes no rows: they are not new
cp "$n0" "$tmp/copy.jsonl"
expect_exit 0 -- "$bin" index add --date-field date --db "$db" -o "$tmp/copy.tsv" "$tmp/copy.jsonl"
[ "$(wc -l <"$tmp/copy.tsv")" -eq 1 ] || fail "held articles under other inputs written as new rows"

# --- 16: clear messages
# check names the file once
for f in other.db missing.db folder.db; do
  mkdir -p "$tmp/folder.db"
  expect_exit 1 -- "$bin" index check --db "$tmp/$f"
  ! grep -q "$f.*$f" "$tmp/err" || fail "check names the file twice: $(cat "$tmp/err")"
done
# a folder
expect_exit 1 -- "$bin" index add --db "$tmp/folder.db" "$n0"; expect_grep "$tmp/err" "is a folder"
expect_exit 1 -- "$bin" index stats --db "$tmp/folder.db"; expect_grep "$tmp/err" "is a folder"
# another threshold is named as one
expect_exit 2 -- "$bin" index add --db "$tmp/rerun.db" -t 0.7 "$n1"
expect_grep "$tmp/err" "index was built with --threshold 0.8"
expect_grep "$tmp/err" "not --threshold 0.7 "
# --id-root is kept by the index: a run without it makes the same ids, another one is refused
days=$tmp/days; mkdir -p "$days/d1"
for i in 1 2 3; do sed -n "${i}p" "$n0" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["text"])' >"$days/d1/a$i.txt"; done
expect_exit 0 -- "$bin" index add --db "$tmp/rooted.db" --id-root "$days" "$days/d1"
expect_grep "$tmp/out" "^d1/a1.txt	"
expect_exit 0 -- "$bin" index add --db "$tmp/rooted.db" "$days/d1"
expect_exit 0 -- "$bin" index add --db "$tmp/rooted.db" --id-root "$days/" "$days/d1"
expect_exit 0 -- "$bin" index stats --db "$tmp/rooted.db"; expect_grep "$tmp/out" "^documents	3$"
expect_exit 2 -- "$bin" index add --db "$tmp/rooted.db" --id-root "$tmp" "$days/d1"
expect_grep "$tmp/err" "built with --id-root $days"
expect_exit 0 -- "$bin" index add --db "$tmp/plain.db" "$days/d1"
expect_exit 2 -- "$bin" index add --db "$tmp/plain.db" --id-root "$days" "$days/d1"
expect_grep "$tmp/err" "without --id-root"
# a 0-byte file is taken as a new index, and said so
: >"$tmp/zero.db"
expect_exit 0 -- "$bin" index add --db "$tmp/zero.db" -o /dev/null "$n0"; expect_grep "$tmp/err" "empty file (0 bytes)"
expect_exit 0 -- "$bin" index check --db "$tmp/zero.db"

# --- 8: ids from data cannot forge lines of the nightly log (stderr)
python3 - "$tmp" <<'PY'
import json, pathlib, sys
tmp = pathlib.Path(sys.argv[1])
evil = "x\n2026-12-01T02:00:00Z FORGED line\r\x1b[2J\x1b]0;title\x07"
for name, text in (("evil1", "one text about the harbour and its ships " * 5),
                   ("evil2", "another text about a mountain and its goats " * 5)):
    (tmp / (name + ".jsonl")).write_text(json.dumps({"id": evil, "text": text}) + "\n")
PY
expect_exit 0 -- "$bin" index add --db "$tmp/evil.db" -o /dev/null "$tmp/evil1.jsonl"
cat "$tmp/err" >>"$tmp/evil.log"
expect_exit 0 -- "$bin" index add --db "$tmp/evil.db" -o /dev/null "$tmp/evil2.jsonl"
expect_grep "$tmp/err" "updated"
cat "$tmp/err" >>"$tmp/evil.log"
cat "$tmp/evil1.jsonl" "$tmp/evil1.jsonl" >"$tmp/evil3.jsonl"
expect_exit 0 -- "$bin" index add --db "$tmp/evil.db" -o /dev/null "$tmp/evil3.jsonl"
expect_grep "$tmp/err" "duplicate: id 'x.n2026"
cat "$tmp/err" >>"$tmp/evil.log"
expect_exit 1 -- "$bin" index add --db "$tmp/evil.db" "$(printf '/nonexistent/x\nFORGED\033[2J')"
cat "$tmp/err" >>"$tmp/evil.log"
expect_exit 2 -- "$bin" index report --db "$tmp/evil.db" --run "$(printf '1\nFORGED')"
cat "$tmp/err" >>"$tmp/evil.log"
! grep -q "^FORGED" "$tmp/evil.log" || fail "a path or argument forged a log line: $(cat "$tmp/evil.log")"
! grep -q "^2026-12-01T02:00:00Z FORGED" "$tmp/evil.log" || fail "a scraped id forged a log line"
! grep -q "$(printf '\033')" "$tmp/evil.log" || fail "an ESC from data reached stderr"

# --- 20: a batch run again is known by its inputs' identity, whatever the PATHs' spelling
mkdir -p "$tmp/re/night"; cp "$n0" "$tmp/re/night/a.jsonl"; cp "$n1" "$tmp/re/night/b.jsonl"
db=$tmp/re/re.db
(cd "$tmp/re" && "$bin" index add --db re.db -q --kept kept.jsonl -o rows.tsv night/a.jsonl night/b.jsonl) ||
  fail "retry: the first add failed"
for spelling in "night/b.jsonl night/a.jsonl" "./night/a.jsonl night//b.jsonl" "$tmp/re/night/a.jsonl $tmp/re/night/b.jsonl"; do
  # shellcheck disable=SC2086
  (cd "$tmp/re" && "$bin" index add --db re.db --kept kept.jsonl -o rows.tsv $spelling) 2>"$tmp/err"
  [ "$(wc -l <"$tmp/re/kept.jsonl")" -gt 100 ] || fail "retry as '$spelling' emptied --kept"
  [ "$(wc -l <"$tmp/re/rows.tsv")" -gt 200 ] || fail "retry as '$spelling' emptied -o"
  expect_grep "$tmp/err" "the batch of run 1 again"
done
mkdir -p "$tmp/re/dir"; cp "$n2" "$tmp/re/dir/"
(cd "$tmp/re" && "$bin" index add --db re.db -q --kept dk.jsonl -o dr.tsv dir) || fail "retry: add of dir"
for spelling in dir/ ./dir "$tmp/re/dir" "$tmp/re/dir/"; do
  (cd "$tmp/re" && "$bin" index add --db re.db -q --kept dk.jsonl -o dr.tsv "$spelling") || fail "retry of dir"
  [ "$(wc -l <"$tmp/re/dk.jsonl")" -gt 50 ] || fail "retry as '$spelling' emptied --kept of dir"
done
# a batch whose articles are all held, from inputs no run had: existing outputs stay
cp "$n0" "$tmp/re/copy.jsonl"; cp "$tmp/re/rows.tsv" "$tmp/re/before.tsv"
(cd "$tmp/re" && "$bin" index add --db re.db --kept kept.jsonl -o rows.tsv copy.jsonl) 2>"$tmp/err" ||
  fail "an all-held batch from other inputs failed"
cmp -s "$tmp/re/rows.tsv" "$tmp/re/before.tsv" || fail "an all-held batch replaced -o with nothing"
[ "$(wc -l <"$tmp/re/kept.jsonl")" -gt 100 ] || fail "an all-held batch replaced --kept with nothing"
expect_grep "$tmp/err" "no recorded run"
expect_grep "$tmp/err" "index report --run"
# 6: a batch run again adds nothing and is not recorded as a run
expect_exit 0 -- "$bin" index runs --db "$db"
[ "$(tail -n +2 "$tmp/out" | wc -l)" -eq 2 ] || fail "retries were recorded as runs: $(cat "$tmp/out")"
# 2: a retry with another --level is refused, its outputs left as they were
cp "$tmp/re/rows.tsv" "$tmp/re/before.tsv"
(cd "$tmp/re" && "$bin" index add --db re.db -q --level story --keep k.txt -o rows.tsv night/a.jsonl night/b.jsonl) 2>"$tmp/err"
[ $? -eq 2 ] || fail "a retry with another --level was not refused"
expect_grep "$tmp/err" "run 1 was made with --level near"
cmp -s "$tmp/re/rows.tsv" "$tmp/re/before.tsv" || fail "a refused retry changed -o"
[ ! -e "$tmp/re/k.txt" ] || fail "a refused retry wrote --keep"

# --- 21: --keep/--drop of index add/query escape ids: one id is never in both lists
printf '%s\n' '{"id":"d1","text":"one two three four five six seven eight nine ten"}' \
  '{"id":"d2","text":"one two three four five six seven eight nine ten"}' \
  '{"id":"x\nd2","text":"another article entirely about something else"}' >"$tmp/inj.jsonl"
expect_exit 0 -- "$bin" index add --db "$tmp/inj.db" -q -o /dev/null "$n0"
for cmd in query add; do
  expect_exit 0 -- "$bin" index "$cmd" --db "$tmp/inj.db" -q --keep "$tmp/keep.txt" --drop "$tmp/drop.txt" -o /dev/null "$tmp/inj.jsonl"
  [ "$(cat "$tmp/keep.txt" "$tmp/drop.txt" | grep -cx d2)" -le 1 ] || fail "index $cmd: d2 in both --keep and --drop"
  expect_grep "$tmp/keep.txt" '^x\\nd2$'
done

# --- 22: --kept with whole files is refused before the index is made
expect_exit 2 -- "$bin" index add --db "$tmp/whole.db" --kept "$tmp/whole.jsonl" corpus/news
[ ! -e "$tmp/whole.db" ] || fail "--kept with whole files left an index file"
expect_grep "$tmp/err" "--kept takes JSONL inputs only; whole files: neardup dedup --to DIR"

# --- 23: index prune takes -q, --quiet
expect_exit 0 -- "$bin" index prune -q --db "$tmp/inj.db" --older-than 36500d
expect_exit 0 -- "$bin" index prune --quiet --db "$tmp/inj.db" --older-than 36500d --dry-run

finish hostile_index
