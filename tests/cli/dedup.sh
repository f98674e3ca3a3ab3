#!/usr/bin/env bash
# `neardup dedup`: the deduplicated corpus holds exactly the keep list's records, byte for byte
# and in input order (JSONL, compressed, stdin), a folder run recreates the kept files (copies or
# hard links), and no failure or kill leaves a partial output. Usage: tests/cli/dedup.sh
# path/to/neardup   (run from the project root)
source "$(dirname "$0")/lib.sh"

# --- JSONL: the keep list's lines, as read, in input order (scripts/check_dedup.py compares)
expect_exit 0 -- python3 scripts/check_dedup.py --neardup "$bin" corpus/news/feed.jsonl
expect_exit 0 -- python3 scripts/check_dedup.py --neardup "$bin" --level story corpus/news/feed.jsonl

# --- compressed output by the name; compressed input; stdin read twice through a copy
expect_exit 0 -- "$bin" dedup -q corpus/news/feed.jsonl -o "$tmp/plain.jsonl"
for ext in gz zst xz bz2; do
  expect_exit 0 -- "$bin" dedup -q corpus/news/feed.jsonl -o "$tmp/kept.jsonl.$ext"
  case $ext in gz) d="gzip -dc" ;; zst) d="zstd -dcq" ;; xz) d="xz -dc" ;; bz2) d="bzip2 -dc" ;; esac
  $d "$tmp/kept.jsonl.$ext" >"$tmp/unpacked" 2>/dev/null || python3 - "$tmp/kept.jsonl.$ext" "$tmp/unpacked" <<'PY'
import bz2, gzip, lzma, sys
p = sys.argv[1]
data = open(p, "rb").read()
if p.endswith(".zst"):
    sys.exit(0)  # no zstd tool: checked by reading it back below
out = {"gz": gzip.decompress, "xz": lzma.decompress, "bz2": bz2.decompress}[p.rsplit(".", 1)[1]](data)
open(sys.argv[2], "wb").write(out)
PY
  expect_exit 0 -- "$bin" dedup -q "$tmp/kept.jsonl.$ext" -o "$tmp/again.jsonl"
  cmp -s "$tmp/plain.jsonl" "$tmp/again.jsonl" || fail "$ext: reading the compressed output back differs"
  if [ "$ext" != zst ] || command -v zstd >/dev/null; then
    cmp -s "$tmp/plain.jsonl" "$tmp/unpacked" || fail "$ext: the output is not the kept lines"
  fi
done
gzip -c corpus/news/feed.jsonl >"$tmp/feed.jsonl.gz"
expect_exit 0 -- "$bin" dedup -q "$tmp/feed.jsonl.gz" -o "$tmp/from-gz.jsonl"
cmp -s "$tmp/plain.jsonl" "$tmp/from-gz.jsonl" || fail "a .gz input gives other kept lines"
"$bin" dedup -q - <corpus/news/feed.jsonl >"$tmp/from-stdin.jsonl" || fail "dedup of stdin failed"
cmp -s "$tmp/plain.jsonl" "$tmp/from-stdin.jsonl" || fail "stdin gives other kept lines"
cat corpus/news/feed.jsonl | "$bin" dedup -q - -o "$tmp/from-pipe.jsonl" || fail "dedup of a pipe failed"
cmp -s "$tmp/plain.jsonl" "$tmp/from-pipe.jsonl" || fail "a pipe gives other kept lines"
# a last line without its newline gets one: the next input's first line stays a line
printf '{"id":"x1","text":"one lonely article about the harbour"}' >"$tmp/a.jsonl"
printf '{"id":"x2","text":"another article about the city council budget"}\n' >"$tmp/b.jsonl"
expect_exit 0 -- "$bin" dedup -q "$tmp/a.jsonl" "$tmp/b.jsonl" -o "$tmp/ab.jsonl"
[ "$(wc -l <"$tmp/ab.jsonl")" -eq 2 ] || fail "a last line without newline ran into the next"
# the summary says what was kept and dropped
expect_exit 0 -- "$bin" dedup corpus/news/feed.jsonl -o "$tmp/s.jsonl"
expect_grep "$tmp/err" "dedup kept 6 of 24 documents"
expect_grep "$tmp/err" "dropped 18"

# --- a folder: the kept files at their relative paths, byte for byte; --link hard-links
expect_exit 0 -- "$bin" scan -q --keep "$tmp/keep.txt" -o /dev/null corpus/news
expect_exit 0 -- "$bin" dedup -q corpus/news --to "$tmp/tree" --rows "$tmp/rows.tsv"
(cd "$tmp/tree" && find . -type f ! -name '*.jsonl' | sed 's|^\./||' | sort) >"$tmp/files.txt"
python3 - "$tmp/keep.txt" "$tmp/files.txt" corpus/news/feed.jsonl <<'PY' || fail "the folder's files are not the keep list's"
import json, sys
keep = set(open(sys.argv[1]).read().split("\n")) - {""}
files = set(open(sys.argv[2]).read().split("\n")) - {""}
ids = {json.loads(l).get("id") for l in open(sys.argv[3]) if l.strip()}
whole = {k for k in keep if k not in ids}
sys.exit(0 if whole == files else 1)
PY
while read -r f; do
  cmp -s "corpus/news/$f" "$tmp/tree/$f" || fail "$f: the copy differs"
done <"$tmp/files.txt"
python3 - "$tmp/keep.txt" corpus/news/feed.jsonl "$tmp/tree/feed.jsonl" <<'PY' || fail "the folder's JSONL file is not its kept lines"
import json, os, sys
keep = set(open(sys.argv[1]).read().split("\n"))
want = [l for l in open(sys.argv[2], "rb") if l.strip() and json.loads(l)["id"] in keep]
got = open(sys.argv[3], "rb").readlines() if os.path.exists(sys.argv[3]) else []
sys.exit(0 if got == want else 1)
PY
[ -s "$tmp/rows.tsv" ] || fail "--rows wrote nothing"
cp -r corpus/news "$tmp/news"
expect_exit 0 -- "$bin" dedup -q "$tmp/news" --to "$tmp/linked" --link
f=$(head -n 1 "$tmp/files.txt")
[ "$(stat -c %i "$tmp/news/$f")" = "$(stat -c %i "$tmp/linked/$f")" ] || fail "--link did not hard-link $f"
# an empty folder is taken as the target; one that holds something is refused, untouched
mkdir "$tmp/empty"
expect_exit 0 -- "$bin" dedup -q corpus/news --to "$tmp/empty"
[ -f "$tmp/empty/$(head -n 1 "$tmp/files.txt")" ] || fail "an empty target folder was not filled"
expect_exit 2 -- "$bin" dedup -q corpus/news --to "$tmp/tree"
expect_grep "$tmp/err" "already exists"
# inputs are never changed
(cd corpus/news && find . -type f -exec md5sum {} + | sort) >"$tmp/before.md5"
expect_exit 0 -- "$bin" dedup -q corpus/news --to "$tmp/tree2"
(cd corpus/news && find . -type f -exec md5sum {} + | sort) >"$tmp/after.md5"
cmp -s "$tmp/before.md5" "$tmp/after.md5" || fail "dedup changed its inputs"

# --- usage: whole files need --to; -o and --to exclude each other; --link needs --to
expect_exit 2 -- "$bin" dedup -q corpus/news -o "$tmp/x.jsonl"
expect_grep "$tmp/err" "whole document"
[ ! -e "$tmp/x.jsonl" ] || fail "a refused run wrote its output"
expect_exit 2 -- "$bin" dedup -q corpus/news -o "$tmp/x.jsonl" --to "$tmp/x"
expect_exit 2 -- "$bin" dedup -q corpus/news/feed.jsonl --link
expect_exit 2 -- "$bin" dedup -q - --to "$tmp/x" </dev/null
expect_exit 2 -- "$bin" dedup -q corpus/news/feed.jsonl -o corpus/news/feed.jsonl
# an output that cannot be written fails before the scan
expect_exit 1 -- "$bin" dedup -q corpus/news/feed.jsonl -o "$tmp/no/such/dir/kept.jsonl"
expect_exit 1 -- "$bin" dedup -q corpus/news --to "$tmp/no/such/dir/tree"

# --- a kill mid-run leaves no output (and no folder); the next run cleans up after it
python3 scripts/gen_corpus.py --docs 60000 --seed 3 -o "$tmp/big.jsonl" || fail "generator"
for target in "-o $tmp/big-kept.jsonl.gz" "--to $tmp/big-tree"; do
  # shellcheck disable=SC2086
  "$bin" dedup -q "$tmp/big.jsonl" $target >/dev/null 2>&1 &
  pid=$!
  sleep 0.4
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
done
[ ! -e "$tmp/big-kept.jsonl.gz" ] || fail "a killed dedup left its output file"
[ ! -e "$tmp/big-tree" ] || fail "a killed dedup left its output folder"
mkdir "$tmp/bigdir" && cp "$tmp/big.jsonl" "$tmp/bigdir/"
expect_exit 0 -- "$bin" dedup -q "$tmp/bigdir" --to "$tmp/big-tree"
[ -z "$(find "$tmp" -maxdepth 1 -name '.big-tree.tmp.*')" ] || fail "a killed run's folder stayed"
# --- index add --kept: tonight's kept lines (action not drop), as read; a night run again
# writes its first run's; whole files and the index itself are refused as --kept
head -n 12 corpus/news/feed.jsonl >"$tmp/night1.jsonl"
tail -n +13 corpus/news/feed.jsonl >"$tmp/night2.jsonl"
expect_exit 0 -- "$bin" index add -q --db "$tmp/k.db" --kept "$tmp/kept1.jsonl" -o "$tmp/rows1.tsv" "$tmp/night1.jsonl"
expect_exit 0 -- "$bin" index add -q --db "$tmp/k.db" --kept "$tmp/kept2.jsonl.zst" -o "$tmp/rows2.tsv" "$tmp/night2.jsonl"
python3 - "$tmp" <<'PY' || fail "index add --kept is not the lines of the rows not dropped"
import json, sys
t = sys.argv[1]
rows = [l.split("\t") for l in open(t + "/rows1.tsv").read().splitlines()[1:]]
want_ids = {r[0] for r in rows if r[9] != "drop"}
want = [l for l in open(t + "/night1.jsonl", "rb") if json.loads(l)["id"] in want_ids]
sys.exit(0 if want and open(t + "/kept1.jsonl", "rb").readlines() == want else 1)
PY
expect_exit 0 -- "$bin" dedup -q "$tmp/kept2.jsonl.zst" -o "$tmp/kept2.jsonl"
[ "$(wc -l <"$tmp/kept2.jsonl")" -eq "$(awk -F'\t' 'NR > 1 && $10 != "drop"' "$tmp/rows2.tsv" | wc -l)" ] || fail "index add --kept .zst: not one line per row kept"
expect_exit 0 -- "$bin" index add -q --db "$tmp/k.db" --kept "$tmp/kept1-again.jsonl" "$tmp/night1.jsonl"
cmp -s "$tmp/kept1.jsonl" "$tmp/kept1-again.jsonl" || fail "a night run again wrote other kept lines"
expect_exit 2 -- "$bin" index add -q --db "$tmp/k.db" --kept "$tmp/x.jsonl" corpus/news
expect_exit 2 -- "$bin" index add -q --db "$tmp/k.db" --kept "$tmp/k.db" "$tmp/night1.jsonl"
expect_exit 1 -- "$bin" index add -q --db "$tmp/k.db" --kept "$tmp/no/such/k.jsonl" "$tmp/night1.jsonl"

# --- the second hostile pass (issue 20): each of these failed before its fix
# a FIFO or a shell's <(...) cannot be read twice: refused at once, never a hang
mkfifo "$tmp/fifo.jsonl"
expect_exit 2 -- timeout 10 "$bin" dedup -q "$tmp/fifo.jsonl" -o "$tmp/f.jsonl"
expect_grep "$tmp/err" "not a regular file"
expect_exit 2 -- timeout 10 "$bin" dedup -q <(cat corpus/news/feed.jsonl) -o "$tmp/f.jsonl"
expect_grep "$tmp/err" "not a regular file"
expect_exit 2 -- timeout 10 "$bin" index add -q --db "$tmp/fifo.db" --kept "$tmp/f.jsonl" "$tmp/fifo.jsonl"
[ ! -e "$tmp/fifo.db" ] || fail "a refused index add --kept left an index file"
# two outputs naming one file (or stdout twice) are refused, nothing written
expect_exit 2 -- "$bin" dedup -q corpus/news/feed.jsonl -o "$tmp/same.out" --rows "$tmp/same.out"
expect_grep "$tmp/err" "name the same file"
[ ! -e "$tmp/same.out" ] || fail "two outputs on one file: something was written"
ln -s "$tmp/same2.out" "$tmp/same2.link"
expect_exit 2 -- "$bin" dedup -q corpus/news/feed.jsonl -o "$tmp/same2.out" --keep "$tmp/same2.link"
"$bin" dedup -q corpus/news/feed.jsonl --keep /dev/stdout >"$tmp/both.out" || fail "stdout outputs follow each other"
expect_exit 2 -- "$bin" scan -q corpus/news/feed.jsonl -o "$tmp/s.tsv" --keep "$tmp/./s.tsv"
expect_exit 2 -- "$bin" index add -q --db "$tmp/two.db" --kept "$tmp/k2.jsonl" -o "$tmp/./k2.jsonl" corpus/news/feed.jsonl
expect_exit 0 -- "$bin" scan -q corpus/news/feed.jsonl -o /dev/null --keep /dev/null
# a compressed input cut short: the scan skips the rest, dedup writes the same kept lines
python3 - "$tmp/cut.jsonl.gz" <<'PY'
import gzip, json, sys
lines = "".join(json.dumps({"id": "c%d" % i, "text": "article %d about %d harbours and %d ships" % (i, i * 7, i * 13)}) + "\n" for i in range(3000))
data = gzip.compress(lines.encode())
open(sys.argv[1], "wb").write(data[: len(data) // 2])
PY
expect_exit 0 -- "$bin" scan -q --keep "$tmp/cut-keep.txt" -o /dev/null "$tmp/cut.jsonl.gz"
expect_exit 0 -- "$bin" dedup -q "$tmp/cut.jsonl.gz" -o "$tmp/cut-kept.jsonl"
[ "$(python3 -c 'import json,sys; print("\n".join(json.loads(l)["id"] for l in open(sys.argv[1])))' "$tmp/cut-kept.jsonl")" = "$(cat "$tmp/cut-keep.txt")" ] || fail "a cut .gz: dedup does not write the scan's kept records"
# stdout that is an input is refused; output to stdout shows only once the run succeeded
cp corpus/news/feed.jsonl "$tmp/app.jsonl"
"$bin" dedup -q "$tmp/app.jsonl" >>"$tmp/app.jsonl" 2>"$tmp/err"; [ $? -eq 2 ] || fail "dedup f >> f was not refused"
cmp -s corpus/news/feed.jsonl "$tmp/app.jsonl" || fail "dedup f >> f changed its input"
printf '{"id":"r","text":"one"}\n{"id":"r","text":"two"}\n' >"$tmp/repeat-ids.jsonl"
"$bin" dedup -q --strict corpus/news/feed.jsonl "$tmp/repeat-ids.jsonl" >"$tmp/partial.out" 2>/dev/null
[ ! -s "$tmp/partial.out" ] || fail "a failed dedup wrote to stdout"
# --to DIR/ (a trailing slash), an empty DIR/, '' and a folder inside an input
mkdir -p "$tmp/scrape" && cp corpus/news/feed.jsonl "$tmp/scrape/"
expect_exit 0 -- "$bin" dedup -q "$tmp/scrape/" --to "$tmp/scrape-dedup/"
[ -f "$tmp/scrape-dedup/feed.jsonl" ] || fail "--to DIR/ did not make DIR"
mkdir "$tmp/empty2"
expect_exit 0 -- "$bin" dedup -q "$tmp/scrape/" --to "$tmp/empty2/"
expect_exit 2 -- "$bin" dedup -q "$tmp/scrape" --to ''
expect_exit 2 -- "$bin" dedup -q "$tmp/scrape" --to "$tmp/scrape/out"
expect_exit 2 -- "$bin" dedup -q "$tmp/scrape" -o "$tmp/scrape/clean.jsonl"
[ ! -e "$tmp/scrape/clean.jsonl" ] && [ ! -e "$tmp/scrape/out" ] || fail "an output inside an input folder was written"
expect_exit 2 -- "$bin" dedup -q "$tmp/scrape" -o /dev/null --rows "$tmp/scrape/rows.tsv"  # an unknown_name next time
# a file in one input and a folder of the same name in another: refused before the scan
mkdir -p "$tmp/C" "$tmp/D/k.txt"
cp corpus/news/hospital-strike-talks.txt "$tmp/C/k.txt"; cp corpus/news/museum-theft-recovered.txt "$tmp/D/k.txt/z.txt"
expect_exit 2 -- "$bin" dedup -q "$tmp/C" "$tmp/D" --to "$tmp/CD"
expect_grep "$tmp/err" "would be a file and a folder"
# small runs are counted in kB
expect_exit 0 -- "$bin" dedup corpus/news/feed.jsonl -o "$tmp/s.jsonl"
expect_grep "$tmp/err" "kB of"

# --- the third hostile pass (issue 20)
# a retry's kept lines are tonight's records of the first run's kept ids, wherever they stand now
T1="the quick brown fox jumps over the lazy dog while the market rallied strongly on news of lower inflation in the euro area today"
T2="central bank officials met in frankfurt to discuss interest rates and the outlook for growth across the continent this year and next"
mkdir -p "$tmp/rp" && cd "$tmp/rp"
printf '{"id":"a","text":"%s"}\n{"id":"b","text":"%s"}\n{"id":"c","text":"%s"}\n' "$T1" "$T1" "$T2" >feed.jsonl
"$bin" index add -q --db news.db -o rows.tsv --kept clean.jsonl feed.jsonl || fail "retry: first night"
{ echo; printf '{"id":"b","text":"%s"}\n{"id":"c","text":"%s"}\n{"id":"a","text":"%s"}\n' "$T1" "$T2" "$T1"; } >feed.jsonl
"$bin" index add -q --db news.db -o rows.tsv --kept clean.jsonl feed.jsonl || fail "retry: second night"
[ "$(grep -o '"id":"[a-z]"' clean.jsonl | tr '\n' ' ')" = '"id":"c" "id":"a" ' ] || fail "a retry wrote lines by position: $(cat clean.jsonl)"
cd - >/dev/null
# an output that fails (a full device) fails the run with no corpus in place
expect_exit 1 -- "$bin" dedup -q corpus/news/feed.jsonl -o "$tmp/full.jsonl" --keep /dev/full
[ ! -e "$tmp/full.jsonl" ] || fail "dedup failed on --keep /dev/full, yet its corpus is in place"
expect_exit 1 -- "$bin" dedup -q corpus/news --to "$tmp/fulltree" --drop /dev/full
[ ! -e "$tmp/fulltree" ] || fail "dedup failed on --drop /dev/full, yet its folder is in place"
"$bin" dedup -q corpus/news/feed.jsonl --rows /dev/full >"$tmp/full.out" 2>/dev/null && fail "--rows /dev/full: exit 0"
[ ! -s "$tmp/full.out" ] || fail "dedup failed on --rows /dev/full, yet wrote its corpus to stdout"
# a closed stdout is an error, not a corpus written into a temporary file
"$bin" dedup -q corpus/news/feed.jsonl >&- 2>"$tmp/err"; [ $? -eq 1 ] || fail "dedup >&- did not fail"
expect_grep "$tmp/err" "stdout: write failed"
# an input written through a descriptor (3>>, >>, 2>>) is refused for every command
cp corpus/news/feed.jsonl "$tmp/g.jsonl"
"$bin" dedup -q "$tmp/g.jsonl" -o "$tmp/o.jsonl" --keep /dev/fd/3 3>>"$tmp/g.jsonl" 2>/dev/null; [ $? -eq 2 ] || fail "--keep /dev/fd/3 3>> input accepted"
"$bin" scan -q "$tmp/g.jsonl" >>"$tmp/g.jsonl" 2>/dev/null; [ $? -eq 2 ] || fail "scan f >> f accepted"
"$bin" index add -q --db "$tmp/g.db" "$tmp/g.jsonl" >>"$tmp/g.jsonl" 2>/dev/null; [ $? -eq 2 ] || fail "index add f >> f accepted"
cmp -s corpus/news/feed.jsonl "$tmp/g.jsonl" || fail "an input was written through a descriptor"
# index add --kept with a FIFO says why
expect_exit 2 -- timeout 10 "$bin" index add -q --db "$tmp/ff.db" --kept "$tmp/k.jsonl" "$tmp/fifo.jsonl"
expect_grep "$tmp/err" "not a regular file"

# --to a symlink, --link across file systems: refused before the scan; an extension-less output
# inside an input folder (a report sniffs as a web page) is refused like any readable name
mkdir -p "$tmp/emptyd" && ln -s "$tmp/emptyd" "$tmp/ld"
expect_exit 2 -- "$bin" dedup -q corpus/news --to "$tmp/ld"
expect_grep "$tmp/err" "symbolic link"
if [ -d /dev/shm ] && [ "$(stat -c %d /dev/shm)" != "$(stat -c %d corpus/news)" ]; then
  expect_exit 2 -- "$bin" dedup -q corpus/news --to "/dev/shm/neardup-link-$$" --link
  expect_grep "$tmp/err" "another file system"
  [ ! -e "/dev/shm/neardup-link-$$" ] || fail "a refused --link left its folder"
fi
expect_exit 2 -- "$bin" dedup -q "$tmp/scrape" -o /dev/null --report "$tmp/scrape/report"

finish dedup
