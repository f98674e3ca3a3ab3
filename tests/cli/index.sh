#!/usr/bin/env bash
# CLI tests of `neardup index`: exit codes, settings, locking, damage, stable ids and merges,
# window and prune, 5 nightly batches against one scan (ARI >= 0.98 at both levels), printed ids
# that resolve, the same result on 1 and 2 threads.
# Usage: tests/cli/index.sh path/to/neardup   (run from the project root)
source "$(dirname "$0")/lib.sh"
db=$tmp/news.db

# --- usage and help
expect_exit 2 -- "$bin" index
expect_exit 0 -- "$bin" index --help; expect_grep "$tmp/out" "Usage: neardup index"
for sub in add query prune stats check export; do
  expect_exit 0 -- "$bin" index $sub --help; expect_grep "$tmp/out" "Usage: neardup index $sub"
done
expect_exit 2 -- "$bin" index frob --db "$db"
expect_exit 2 -- "$bin" index add corpus/seeds; expect_grep "$tmp/err" "--db FILE is required"
expect_exit 2 -- "$bin" index prune --db "$db" --older-than 9x
expect_exit 2 -- "$bin" index add --db "$db" --exact-verify corpus/seeds; expect_grep "$tmp/err" "exact-verify"
expect_exit 1 -- "$bin" index stats --db "$tmp/missing.db"; expect_grep "$tmp/err" "no such index"

# --- one corpus as JSONL lines, split into 5 nightly batches
python3 - "$tmp" <<'PY'
import json, pathlib, sys
tmp = pathlib.Path(sys.argv[1])
lines = [l for l in open("corpus/news/feed.jsonl", encoding="utf-8")]
for p in sorted(pathlib.Path("corpus").glob("*/*.txt")) + sorted(pathlib.Path("corpus/news").glob("*/*.txt")):
    lines.append(json.dumps({"id": str(p), "text": p.read_text(encoding="utf-8")}, ensure_ascii=False) + "\n")
(tmp / "all.jsonl").write_text("".join(lines), encoding="utf-8")
for b in range(5):
    (tmp / ("batch%d.jsonl" % b)).write_text("".join(lines[b::5]), encoding="utf-8")
PY
for b in 0 1 2 3 4; do
  expect_exit 0 -- "$bin" index add --db "$db" "$tmp/batch$b.jsonl"
  expect_grep "$tmp/out" "^id	near	story	representative	similarity	source	date	title	url	action	matched_near	matched_story	lang	old_story$"
done
expect_exit 0 -- "$bin" index export --db "$db" -o "$tmp/export.tsv"
"$bin" scan -q "$tmp/all.jsonl" >"$tmp/scan.tsv"
python3 scripts/ari.py --min 0.98 "$tmp/export.tsv" "$tmp/scan.tsv" near story >"$tmp/ari" || fail "5 batches vs one scan: $(cat "$tmp/ari")"
[ "$(tail -n +2 "$tmp/export.tsv" | wc -l)" -eq "$(tail -n +2 "$tmp/scan.tsv" | wc -l)" ] || fail "export lacks documents"
# every id a night printed resolves through the aliases to the article's id at the end; near
# groups as one scan's
python3 scripts/eval_nights.py --bin "$bin" --nights 10 --check "$tmp/all.jsonl" >"$tmp/nights" 2>&1 || fail "nights: $(cat "$tmp/nights")"
# the same nights on 1 and 2 threads: byte-identical indexes' exports and rows
for t in 1 2; do
  for b in 0 1 2 3 4; do
    "$bin" index add -q --threads $t --db "$tmp/t$t.db" "$tmp/batch$b.jsonl" -o "$tmp/t$t-rows$b.tsv" || fail "threads $t: add"
  done
  "$bin" index export --db "$tmp/t$t.db" -o "$tmp/t$t-export.tsv"
done
cmp -s <(cut -f1-7 "$tmp/t1-export.tsv") <(cut -f1-7 "$tmp/t2-export.tsv") || fail "index add: exports differ between 1 and 2 threads"
for b in 0 1 2 3 4; do cmp -s "$tmp/t1-rows$b.tsv" "$tmp/t2-rows$b.tsv" || fail "index add: night $b's rows differ between 1 and 2 threads"; done
# Clusters do not depend on the input order: a shuffled scan gives the same partition.
python3 -c "import random,sys; l=open(sys.argv[1]).readlines(); random.Random(5).shuffle(l); open(sys.argv[2],'w').writelines(l)" "$tmp/all.jsonl" "$tmp/shuffled.jsonl"
"$bin" scan -q "$tmp/shuffled.jsonl" >"$tmp/shuffled.tsv"
python3 scripts/ari.py --min 0.9999 "$tmp/scan.tsv" "$tmp/shuffled.tsv" near story >"$tmp/ari" || fail "shuffled input changed the clusters: $(cat "$tmp/ari")"
seed_story=$(awk -F'\t' '$1 ~ /000_4aad/ {print $3}' "$tmp/export.tsv")
[ "$(awk -F'\t' -v s="$seed_story" '$3 == s' "$tmp/export.tsv" | wc -l)" -eq 2 ] || fail "seed pair not one story in the index"

# --- readable times: stats' oldest/newest and the runs' start and finish in ISO 8601
expect_exit 0 -- "$bin" index stats --db "$db"; expect_grep "$tmp/out" "^newest	20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-9:]*Z$"
expect_grep "$tmp/out" "^table_bytes.docs	[1-9][0-9]*$"; expect_grep "$tmp/out" "^table_bytes.run_rows	[1-9][0-9]*$"
expect_grep "$tmp/out" "^table_bytes.near_keys	[1-9][0-9]*$"; expect_grep "$tmp/out" "^table_bytes.story_keys	[1-9][0-9]*$"
expect_grep "$tmp/out" "^story_window	30d$"; expect_grep "$tmp/out" "^bytes_per_document	[1-9][0-9]*$"
expect_exit 0 -- "$bin" index runs --db "$db"; expect_grep "$tmp/out" "^1	20[0-9-]*T[0-9:]*Z	20[0-9-]*T[0-9:]*Z	"

# --- re-adding held ids is a no-op, reported; query adds nothing
before=$("$bin" index stats --db "$db" | awk -F'\t' '$1 == "documents" {print $2}')
expect_exit 0 -- "$bin" index add --db "$db" "$tmp/batch2.jsonl"; expect_grep "$tmp/err" "already_held"
# a night reads only what its articles' keys lead to: here, nothing
expect_grep "$tmp/err" "index: 0 held articles in the near groups met"
# the same batch run again (same inputs) writes the rows of the run that added it, and adds nothing
cp "$tmp/out" "$tmp/readd.tsv"
run=$("$bin" index runs --db "$db" | awk -F'\t' '$7 ~ /batch2.jsonl$/ && $4 > 0 {print $1}')
"$bin" index report --db "$db" --run "$run" >"$tmp/first-add.tsv"
cmp -s "$tmp/readd.tsv" "$tmp/first-add.tsv" || fail "re-add did not write run $run's rows again"
expect_grep "$tmp/err" "index report --run $run"
expect_exit 0 -- "$bin" index query --db "$db" corpus/golden/edge/input.jsonl
[ "$(tail -n +2 "$tmp/out" | wc -l)" -gt 0 ] || fail "query wrote no rows"
after=$("$bin" index stats --db "$db" | awk -F'\t' '$1 == "documents" {print $2}')
[ "$before" = "$after" ] || fail "re-add or query changed the index ($before -> $after)"
expect_exit 0 -- "$bin" index check --db "$db"; expect_grep "$tmp/out" "^ok$"
printf '{"id":"dup","text":"one two three four five six"}\n{"id":"dup","text":"seven eight nine ten"}\n' >"$tmp/dup.jsonl"
expect_exit 0 -- "$bin" index add --db "$db" "$tmp/dup.jsonl"; expect_grep "$tmp/err" "dup.jsonl:2: duplicate"
[ "$(tail -n +2 "$tmp/out" | wc -l)" -eq 1 ] || fail "a repeated id in one input was added twice"

# --- settings are fixed at creation
expect_exit 2 -- "$bin" index add --db "$db" --num-perm 64 corpus/seeds; expect_grep "$tmp/err" "index was built with"
expect_exit 2 -- "$bin" index query --db "$db" --shingle words:3 corpus/seeds; expect_grep "$tmp/err" "shingle"

# --- stable ids: a new article bridging two held near groups merges them, older id survives
words() { seq "$1" "$2" | sed 's/^/w/' | tr '\n' ' '; }
m=$tmp/merge.db
printf '{"id":"a","text":"%s"}\n{"id":"b","text":"%s"}\n' "$(words 1 200)" "$(words 61 260)" >"$tmp/ab.jsonl"
printf '{"id":"c","text":"%s"}\n' "$(words 31 230)" >"$tmp/c.jsonl"
expect_exit 0 -- "$bin" index add --db "$m" --threshold 0.62 --no-story "$tmp/ab.jsonl"
near_a=$(awk -F'\t' '$1 == "a" {print $2}' "$tmp/out"); near_b=$(awk -F'\t' '$1 == "b" {print $2}' "$tmp/out")
[ "$near_a" != "$near_b" ] || fail "merge setup: a and b already share a group"
expect_exit 0 -- "$bin" index add --db "$m" --threshold 0.62 --no-story "$tmp/c.jsonl"
[ "$(awk -F'\t' '$1 == "c" {print $2}' "$tmp/out")" = "$near_a" ] || fail "bridge did not take the older id $near_a"
expect_exit 0 -- "$bin" index export --db "$m"
[ "$(awk -F'\t' '$1 == "b" {print $2}' "$tmp/out")" = "$near_a" ] || fail "b not moved to the surviving id"
python3 -c "import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(\"select alias,target from aliases where kind='near'\").fetchall(); sys.exit(0 if r==[($near_b,$near_a)] else 1)" "$m" || fail "alias $near_b -> $near_a not recorded"
# the merge rewrote no member: b keeps its stored id, the articles view shows the current one
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=[c.execute(q+\" where id='b'\").fetchone()[0] for q in ('select near from docs', 'select near from articles')]; sys.exit(0 if r==[$near_b,$near_a] else 1)" "$m" || fail "b: docs.near, articles.near not $near_b, $near_a"
expect_exit 0 -- "$bin" index check --db "$m"

# --- window and prune (by date, else insertion time)
w=$tmp/window.db
printf '{"id":"old","date":"2001-01-01","text":"%s"}\n' "$(words 1 100)" >"$tmp/old.jsonl"
printf '{"id":"new","text":"%s"}\n' "$(words 1 100)" >"$tmp/new.jsonl"
expect_exit 0 -- "$bin" index add --db "$w" --date-field date "$tmp/old.jsonl"
expect_exit 0 -- "$bin" index query --db "$w" --date-field date --window 72h "$tmp/new.jsonl"
[ -z "$(awk -F'\t' '$1 == "new" {print $11}' "$tmp/out")" ] || fail "--window matched an article from 2001"
expect_exit 0 -- "$bin" index query --db "$w" --date-field date "$tmp/new.jsonl"
[ "$(awk -F'\t' '$1 == "new" {print $11}' "$tmp/out")" = "old" ] || fail "without --window the copy was not matched"
# back-filling: the window counts back from the batch's newest date, or from --as-of
printf '{"id":"later","date":"2001-01-02T12:00:00Z","text":"%s"}\n' "$(words 1 100)" >"$tmp/later.jsonl"
expect_exit 0 -- "$bin" index query --db "$w" --date-field date --window 72h "$tmp/later.jsonl"
[ "$(awk -F'\t' '$1 == "later" {print $11}' "$tmp/out")" = "old" ] || fail "--window did not count back from the batch's date"
expect_grep "$tmp/err" "window: held articles since 2000-12-30T12:00:00Z (72h before 2001-01-02T12:00:00Z, the batch's newest article)"
expect_exit 0 -- "$bin" index query --db "$w" --date-field date --window 72h --as-of 2026-01-01 "$tmp/later.jsonl"
[ -z "$(awk -F'\t' '$1 == "later" {print $11}' "$tmp/out")" ] || fail "--as-of: matched an article from 2001"
# --as-of alone sets where the story window ends
expect_exit 0 -- "$bin" index query --db "$w" --as-of 2026-01-01 "$tmp/later.jsonl"; expect_grep "$tmp/err" "story window: held stories' articles since 2025-12-02T00:00:00Z (30d)"
expect_exit 2 -- "$bin" index query --db "$w" --as-of yesterday "$tmp/later.jsonl"; expect_grep "$tmp/err" "bad --as-of"
expect_exit 2 -- "$bin" index query --db "$w" --story-window 30 "$tmp/later.jsonl"; expect_grep "$tmp/err" "bad --story-window"
expect_exit 2 -- "$bin" index query --db "$w" --window 1d --as-of someday "$tmp/later.jsonl"; expect_grep "$tmp/err" "bad --as-of"
expect_exit 0 -- "$bin" index query --db "$w" --date-field date "$tmp/later.jsonl"
expect_grep "$tmp/err" "^20[0-9-]*T[0-9:]*Z tonight: 1 new articles (not added): 1 copies of held articles, 1 in held stories, 0 new stories"
expect_exit 2 -- "$bin" index prune --db "$w"; expect_grep "$tmp/err" "one of --older-than and --before"
expect_exit 0 -- "$bin" index prune --db "$w" --older-than 90d --dry-run --list "$tmp/doomed"
expect_grep "$tmp/out" "^pruned	1$"; expect_grep "$tmp/out" "^dry_run	yes$"; expect_grep "$tmp/doomed" "^old$"
expect_exit 0 -- "$bin" index stats --db "$w"; expect_grep "$tmp/out" "^documents	1$"
expect_exit 0 -- "$bin" index prune --db "$w" --older-than 90d; expect_grep "$tmp/out" "^pruned	1$"
expect_exit 0 -- "$bin" index stats --db "$w"; expect_grep "$tmp/out" "^documents	0$"

# --- prune --before gives the space back to the file system
python3 - "$tmp/years.jsonl" <<'PY'
import json, random, sys
rng = random.Random(3)
with open(sys.argv[1], "w") as f:
    for i in range(600):
        year = 2001 if i < 500 else 2025
        words = " ".join("w%d" % rng.randrange(5000) for _ in range(300))
        f.write(json.dumps({"id": "y%d" % i, "date": "%d-06-01" % year, "text": words}) + "\n")
PY
expect_exit 0 -- "$bin" index add --db "$tmp/years.db" --date-field date "$tmp/years.jsonl"
expect_exit 0 -- "$bin" index prune --db "$tmp/years.db" --before "1 Jan 2010"
expect_grep "$tmp/out" "^pruned	500$"
awk -F'\t' '$1 == "bytes_before" {b = $2} $1 == "bytes_after" {a = $2} END {exit !(a > 0 && a * 2 < b)}' "$tmp/out" ||
  fail "prune gave no space back: $(tr '\n' ' ' <"$tmp/out")"
expect_exit 0 -- "$bin" index check --db "$tmp/years.db"
expect_exit 0 -- "$bin" index stats --db "$tmp/years.db"; expect_grep "$tmp/out" "^documents	100$"

# --- a second writer fails fast (or waits with --wait); readers are not blocked
python3 -c "import sqlite3,time,sys; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN IMMEDIATE'); open(sys.argv[2],'w').close(); time.sleep(2)" "$db" "$tmp/locked" &
for _ in $(seq 50); do [ -f "$tmp/locked" ] && break; sleep 0.1; done
expect_exit 1 -- "$bin" index add --db "$db" corpus/seeds; expect_grep "$tmp/err" "locked by another writer"
expect_exit 0 -- "$bin" index export --db "$db" -o /dev/null
expect_exit 0 -- "$bin" index add --db "$db" --wait -q corpus/golden/stories/input.jsonl
wait

# --- damage is detected
cp "$db" "$tmp/broken.db"
python3 -c "import sys; f=open(sys.argv[1],'r+b'); f.seek(4096+100); f.write(b'\xde\xad'*2000)" "$tmp/broken.db"
expect_exit 1 -- "$bin" index check --db "$tmp/broken.db"
echo "not a database at all" >"$tmp/garbage.db"
expect_exit 1 -- "$bin" index check --db "$tmp/garbage.db"

# --- web pages: a night of pages on real site templates loses the templates (site boilerplate)
python3 - "$tmp/pages" <<'PY'
import gzip, html, pathlib, sys
out = pathlib.Path(sys.argv[1]); out.mkdir()
articles = sorted(pathlib.Path("corpus/articles").glob("*.txt"))[:4]
for t in ["0d461229", "db6b0816"]:
    page = gzip.decompress(pathlib.Path("corpus/web-templates/%s.html.gz" % t).read_bytes()).decode()
    for i, a in enumerate(articles):
        title, body = a.read_text().split("\n\n", 1)
        paras = "".join("<p>%s</p>" % html.escape(p) for p in body.split("\n\n") if p.strip())
        (out / ("a%d-%s.html" % (i, t))).write_text(
            page.replace("<!--neardup:title-->", html.escape(title)).replace("<!--neardup:article-->", paras))
PY
expect_exit 0 -- "$bin" index add --db "$tmp/web.db" "$tmp/pages"
expect_grep "$tmp/err" "Z site boilerplate: [1-9][0-9]* paragraphs .* dropped from 8 documents"
python3 - "$tmp/out" <<'PY' || fail "index add of web pages: copies not one group"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
near = {}
for r in rows:
    near.setdefault(r["id"].rsplit("/", 1)[-1][:2], set()).add(r["near"])
assert len(rows) == 8 and all(len(v) == 1 for v in near.values()), near
assert len({min(v) for v in near.values()}) == 4, near
PY

finish index
