#!/usr/bin/env bash
# CLI tests: exit codes, messages and outputs of the neardup binary, run from the project root.
# Usage: tests/cli/run.sh path/to/neardup
source "$(dirname "$0")/lib.sh"
# --- help and usage errors
expect_exit 0 -- "$bin" --help;            expect_grep "$tmp/out" "Commands:"
expect_exit 0 -- "$bin" scan --help;       expect_grep "$tmp/out" "Usage: neardup scan"
expect_exit 0 -- "$bin" params --help;     expect_grep "$tmp/out" "Usage: neardup params"
expect_exit 0 -- "$bin" --version;         expect_grep "$tmp/out" "neardup "
expect_exit 0 -- "$bin" -V;                expect_grep "$tmp/out" "^neardup [0-9]"
expect_exit 0 -- "$bin" help;              expect_grep "$tmp/out" "Commands:"
expect_exit 0 -- "$bin" help index add;    expect_grep "$tmp/out" "Usage: neardup index add"
expect_exit 2 -- "$bin" help frob;         expect_grep "$tmp/err" "unknown command"
expect_exit 2 -- "$bin" sacn corpus/news;  expect_grep "$tmp/err" "did you mean 'scan'"; expect_grep "$tmp/err" "Try 'neardup --help'"
expect_exit 2 -- "$bin" index ad --db x;   expect_grep "$tmp/err" "did you mean 'add'"
expect_exit 2 -- "$bin" scan --treshold 0.5 corpus/news; expect_grep "$tmp/err" "did you mean '--threshold'"; expect_grep "$tmp/err" "Try 'neardup scan --help'"
expect_exit 0 -- "$bin" index query --help; grep -q -- "--wait" "$tmp/out" && fail "index query offers --wait"
expect_exit 0 -- "$bin" index add --help;   grep -q -- "--exact-verify" "$tmp/out" && fail "index add offers --exact-verify"
expect_exit 2 -- "$bin"
expect_exit 2 -- "$bin" frobnicate;        expect_grep "$tmp/err" "unknown command"
expect_exit 2 -- "$bin" scan;              expect_grep "$tmp/err" "no input PATH"
expect_exit 2 -- "$bin" scan --bogus corpus/news
expect_exit 2 -- "$bin" scan --format xml corpus/news; expect_grep "$tmp/err" "unknown --format"
expect_exit 2 -- "$bin" scan --format json corpus/news; expect_grep "$tmp/err" "did you mean 'jsonl'"
expect_exit 2 -- "$bin" scan --shingle bytes:3 corpus/news
expect_exit 2 -- "$bin" scan --threshold 1.5 corpus/news
expect_exit 2 -- "$bin" scan --max-doc-bytes 12Q corpus/news
expect_exit 2 -- "$bin" params --threshold 0

# --- a missing path is an error, not a skip
expect_exit 1 -- "$bin" scan /nonexistent/folder; expect_grep "$tmp/err" "no such file or directory"

# --- params
expect_exit 0 -- "$bin" params --threshold 0.8 --num-perm 128
expect_grep "$tmp/out" "^bands	16$"; expect_grep "$tmp/out" "^rows	8$"
expect_grep "$tmp/out" "false_negative_area"

# --- the demo corpus: copies found, header and columns right
expect_exit 0 -- "$bin" scan corpus/news corpus/seeds
expect_grep "$tmp/out" "^id	near	story	representative	similarity	source	date	title	url	action	lang$"
[ "$(tail -n +2 "$tmp/out" | cut -f1 | sort | uniq -d | wc -l)" -eq 0 ] || fail "duplicate ids in output"
groups=$(tail -n +2 "$tmp/out" | cut -f2 | sort -u | wc -l)
[ "$groups" -eq 10 ] || fail "corpus/news + seeds: $groups near groups, want 10 (6 articles, rewrite, flood, 2 seeds)"
stories=$(tail -n +2 "$tmp/out" | cut -f3 | sort -u | wc -l)
[ "$stories" -eq 8 ] || fail "corpus/news + seeds: $stories stories, want 8"
seed_stories=$(grep '^00[01]_' "$tmp/out" | cut -f3 | sort -u | wc -l)
[ "$seed_stories" -eq 1 ] || fail "the seed pair is not in one story"
seed_story=$(grep '^000_' "$tmp/out" | cut -f3)
[ "$(awk -F'\t' -v s="$seed_story" '$3 == s' "$tmp/out" | wc -l)" -eq 2 ] || fail "other articles joined the seed story"
rewrite_story=$(grep '^rewrites/coast-storm' "$tmp/out" | cut -f3)
[ "$(grep '^storm-power-outage.txt' "$tmp/out" | cut -f3)" = "$rewrite_story" ] || fail "storm rewrite not in the storm story"
[ "$(grep '^rewrites/river-flood' "$tmp/out" | cut -f3)" != "$rewrite_story" ] || fail "flood joined the storm story"
expect_grep "$tmp/err" "near-duplicate groups"
expect_grep "$tmp/err" "story clusters"
expect_exit 0 -- "$bin" scan --no-story corpus/news
[ "$(tail -n +2 "$tmp/out" | awk -F'\t' '$2 != $3' | wc -l)" -eq 0 ] || fail "--no-story: story must equal near"
expect_exit 0 -- "$bin" scan --exact-verify --shingle chars:9 corpus/news
[ "$(tail -n +2 "$tmp/out" | cut -f2 | sort -u | wc -l)" -ge 8 ] || fail "--exact-verify chars:9 found too few groups"
expect_exit 2 -- "$bin" scan --level chapter corpus/news; expect_grep "$tmp/err" "unknown --level"

# --- formats
expect_exit 0 -- "$bin" scan --format csv corpus/news; expect_grep "$tmp/out" "^id,near,story,representative,similarity,source,date,title,url,action,lang$"
expect_exit 0 -- "$bin" scan --no-header corpus/news; head -1 "$tmp/out" | grep -q '^id	' && fail "--no-header wrote the header"
expect_exit 0 -- "$bin" scan --format stories corpus/news
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/out" || fail "stories output is not JSON"
[ "$(wc -l <"$tmp/out")" -eq 7 ] || fail "stories: want one line per story (7)"
expect_exit 0 -- "$bin" scan --format jsonl --title-field title --date-field date corpus/news/feed.jsonl corpus/news/web
python3 - "$tmp/out" <<'PY' || fail "jsonl rows: keys, types, titles, dates, urls"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 30, len(rows)
keys = ["id", "near", "story", "representative", "similarity", "source", "date", "title", "url", "action", "lang"]
for r in rows:
    assert list(r) == keys, list(r)
    assert isinstance(r["representative"], bool) and isinstance(r["near"], int), r
assert all(r["title"] for r in rows), "every feed line and page has a title"
assert any(r["date"] and r["date"].endswith("Z") for r in rows)
PY
expect_exit 2 -- "$bin" index export --db "$tmp/none.db" --format stories; expect_grep "$tmp/err" "stories is scan's"

# --- -o writes atomically, keep/drop partition the ids
expect_exit 0 -- "$bin" scan -o "$tmp/res.tsv" --keep "$tmp/keep" --drop "$tmp/drop" corpus/news
[ -s "$tmp/res.tsv" ] || fail "-o FILE not written"
[ ! -s "$tmp/out" ] || fail "-o FILE also wrote stdout"
ls -a "$tmp" | grep -q '\.tmp\.' && fail "temporary file left behind"
[ "$(wc -l <"$tmp/keep")" -eq 8 ] || fail "keep list: want 8 ids (one per near group)"
[ "$(cat "$tmp/keep" "$tmp/drop" | sort | uniq -d | wc -l)" -eq 0 ] || fail "keep and drop overlap"
[ "$(cat "$tmp/keep" "$tmp/drop" | wc -l)" -eq "$(($(wc -l <"$tmp/res.tsv") - 1))" ] || fail "keep + drop != all"
expect_exit 0 -- "$bin" scan -o /dev/null --level story --keep "$tmp/keep-story" corpus/news
[ "$(wc -l <"$tmp/keep-story")" -eq 7 ] || fail "--level story keep list: want 7 ids"
expect_exit 0 -- "$bin" scan -o /dev/null corpus/news
[ -c /dev/null ] || fail "/dev/null was replaced"

# --- stdin JSONL
"$bin" scan --quiet - <corpus/golden/edge/input.jsonl >"$tmp/stdin.tsv" 2>/dev/null || fail "stdin scan failed"
grep -q "^short-2	1	1	0" "$tmp/stdin.tsv" || fail "stdin: short-2 not grouped with short-1"

# --- bad input is skipped, counted and reported; --strict makes it fatal
bad=$tmp/bad; mkdir -p "$bad"
: >"$bad/empty.txt"
printf 'abc\0def' >"$bad/binary.txt"
head -c 3000 /dev/zero | tr '\0' 'x' >"$bad/huge.txt"
ln -s "$bad/nowhere" "$bad/dangling.txt"
printf '{"id":"ok","text":"fine words here"}\n{broken\n{"id":"x","body":"no text"}\n' >"$bad/lines.jsonl"
printf 'plain words in a good file\n' >"$bad/good.txt"
expect_exit 0 -- "$bin" scan --max-doc-bytes 2k "$bad"
expect_grep "$tmp/err" "skipped $bad/empty.txt: empty"
expect_grep "$tmp/err" "skipped $bad/binary.txt: binary"
expect_grep "$tmp/err" "skipped $bad/huge.txt: too_large"
expect_grep "$tmp/err" "skipped $bad/dangling.txt: unreadable"
expect_grep "$tmp/err" "skipped $bad/lines.jsonl:2: malformed"
expect_grep "$tmp/err" "skipped $bad/lines.jsonl:3: malformed"
expect_grep "$tmp/err" "skipped 6 (empty 1, binary 1, unreadable 1, malformed 2, too_large 1)"
[ "$(tail -n +2 "$tmp/out" | wc -l)" -eq 2 ] || fail "bad folder: want the 2 good documents"
expect_exit 1 -- "$bin" scan --strict --max-doc-bytes 2k "$bad"; expect_grep "$tmp/err" "(--strict)"
cp "$tmp/res.tsv" "$tmp/keep-me.tsv"
expect_exit 1 -- "$bin" scan --strict -o "$tmp/keep-me.tsv" "$bad"
cmp -s "$tmp/res.tsv" "$tmp/keep-me.tsv" || fail "a failed run changed the existing -o file"

# --- extract: what neardup reads of each document, as JSONL
expect_exit 0 -- "$bin" extract --help; expect_grep "$tmp/out" "Usage: neardup extract"
expect_exit 2 -- "$bin" extract; expect_grep "$tmp/err" "no input PATH"
expect_exit 2 -- "$bin" extract --html some corpus/news/web; expect_grep "$tmp/err" "unknown --html"
expect_exit 0 -- "$bin" extract corpus/news/web
python3 - "$tmp/out" <<'PY' || fail "extract: JSONL fields"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(rows) == 6, len(rows)
for r in rows:
    assert r["text"] and r["title"] and r["source"].endswith(".html"), r
    assert "Copyright" not in r["text"] and "Home" not in r["text"], r["text"][:200]
PY
expect_exit 0 -- "$bin" extract --html all corpus/news/web/storm-power-outage.html
expect_grep "$tmp/out" "Copyright"
expect_exit 2 -- "$bin" extract --text-format xml corpus/news/feed.jsonl; expect_grep "$tmp/err" "unknown --text-format"
python3 -c 'import json; print(json.dumps({"id": "p", "text": open("corpus/news/web/storm-power-outage.html").read()}))' >"$tmp/page.jsonl"
expect_exit 0 -- "$bin" extract --text-format html "$tmp/page.jsonl"
expect_grep "$tmp/out" '"title":"Storm leaves'
grep -q 'Copyright' "$tmp/out" && fail "--text-format html kept the page's footer"
expect_exit 0 -- "$bin" extract corpus/news/feed.jsonl
[ "$(wc -l <"$tmp/out")" -eq 24 ] || fail "extract of JSONL: want 24 rows"

# --- site boilerplate: a line on three different articles of a site goes; a copy keeps its text
python3 - "$tmp/sites.jsonl" <<'PY'
import json, random, sys
rng = random.Random(5)
vocab = ["harbor", "council", "vote", "storm", "grain", "price", "museum", "bridge", "nurse", "strike",
         "river", "factory", "police", "budget", "school", "flight", "court", "energy", "rail", "farm"]
def article():
    return "\n".join(" ".join(rng.choice(vocab) for _ in range(40)) + "." for _ in range(3))
rows = [("a1", "https://www.a.com/1", article()), ("a2", "https://a.com/2", article()),
        ("a3", "https://a.com/3", article()), ("b1", "https://b.com/1", article())]
rows.append(("a1-copy", "https://a.com/1?amp", rows[0][2]))
with open(sys.argv[1], "w") as f:
    for id_, url, text in rows:
        f.write(json.dumps({"id": id_, "link": url, "text": text + "\nSign up for our newsletter"}) + "\n")
PY
expect_exit 2 -- "$bin" extract --site-boilerplate maybe "$tmp/sites.jsonl"; expect_grep "$tmp/err" "unknown --site-boilerplate"
expect_exit 0 -- "$bin" extract --url-field link "$tmp/sites.jsonl"   # auto: text is read as it is
[ "$(grep -c 'newsletter' "$tmp/out")" -eq 5 ] || fail "site boilerplate: auto dropped lines of JSONL text"
expect_exit 0 -- "$bin" extract --url-field link --site-boilerplate drop "$tmp/sites.jsonl"
expect_grep "$tmp/err" "5 documents (4 without some site boilerplate)"
python3 - "$tmp/out" <<'PY' || fail "site boilerplate: wrong lines dropped"
import json, sys
rows = {r["id"]: r for r in map(json.loads, open(sys.argv[1]))}
kept = {k for k, r in rows.items() if "newsletter" in r["text"]}
assert kept == {"b1"}, kept  # b.com has it once; a.com on three articles (and a1's copy)
assert rows["a1"]["url"] == "https://www.a.com/1", rows["a1"]
PY
expect_exit 0 -- "$bin" extract --url-field nothing --site-boilerplate drop "$tmp/sites.jsonl"
[ "$(grep -c 'newsletter' "$tmp/out")" -eq 0 ] || fail "site boilerplate: one folder is one site without URLs"
expect_exit 0 -- "$bin" scan --url-field link --site-boilerplate drop "$tmp/sites.jsonl"
expect_grep "$tmp/err" "^site boilerplate: 1 paragraphs"
# a web page saved without an extension is found by its first bytes
mkdir -p "$tmp/pages"; cp corpus/news/web/storm-power-outage.html "$tmp/pages/storm-leaves-homes"
echo "not a page" >"$tmp/pages/NOTES"
expect_exit 0 -- "$bin" extract "$tmp/pages"
expect_grep "$tmp/out" '"id":"storm-leaves-homes"'
[ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "extension-less files: want only the page"

# --- progress on a terminal (script(1) gives one): percent and time left when sizes are known
script -qc "$bin scan -o /dev/null corpus/news" /dev/null >"$tmp/tty" 2>&1 || fail "scan under script(1)"
grep -q "%, [0-9]* s left" "$tmp/tty" || fail "no percent / time left on a terminal: $(tr '\r' '\n' <"$tmp/tty" | head -2)"
grep -q "writing [0-9]* rows" "$tmp/tty" || fail "no writing phase on a terminal"
"$bin" scan -o /dev/null corpus/news 2>"$tmp/notty"; grep -q "s left" "$tmp/notty" && fail "progress line written to a file"
# --- action: one rule per article (drop a copy of a kept one; new-story for a story's first)
expect_exit 0 -- "$bin" scan corpus/news corpus/seeds
python3 - "$tmp/out" <<'PY' || fail "scan: action column"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
assert {r["action"] for r in rows} <= {"keep", "drop", "new-story"}
assert sum(r["action"] == "new-story" for r in rows) == len({r["story"] for r in rows})
assert sum(r["action"] != "drop" for r in rows) == len({r["near"] for r in rows})
assert all((r["action"] == "drop") == (r["representative"] == "0") for r in rows)
PY
expect_exit 0 -- "$bin" scan --level story corpus/news corpus/seeds
[ "$(tail -n +2 "$tmp/out" | awk -F'\t' '$10 == "keep"' | wc -l)" -eq 0 ] || fail "--level story: keep is a near-level action"
expect_exit 0 -- "$bin" index add --db "$tmp/act.db" corpus/news/feed.jsonl
expect_exit 0 -- "$bin" index query --db "$tmp/act.db" --keep "$tmp/akeep" --drop "$tmp/adrop" corpus/news/wire corpus/seeds
[ "$(awk -F'\t' '$1 ~ /wire/ && $10 != "drop"' "$tmp/out" | wc -l)" -eq 0 ] || fail "index: copies of held articles not drop"
[ "$(wc -l <"$tmp/adrop")" -eq 6 ] || fail "index --drop: want the 6 wire copies"
[ "$(wc -l <"$tmp/akeep")" -eq 2 ] || fail "index --keep: want the two seeds"
[ "$(awk -F'\t' '$10 == "new-story"' "$tmp/out" | wc -l)" -eq 1 ] || fail "index: the seeds are one new story"

# --- explain: why two documents are grouped, at both levels
expect_exit 0 -- "$bin" explain --help; expect_grep "$tmp/out" "Usage: neardup explain"
expect_exit 2 -- "$bin" explain corpus/seeds/000_4aad0653e0c38c11.txt; expect_grep "$tmp/err" "two documents"
expect_exit 2 -- "$bin" explain corpus/news/feed.jsonl corpus/news/feed.jsonl:2; expect_grep "$tmp/err" "FILE:LINE\|name one as"
expect_exit 2 -- "$bin" explain /nonexistent corpus/news/feed.jsonl:2; expect_grep "$tmp/err" "no such file"
expect_exit 1 -- "$bin" explain corpus/news/feed.jsonl:999 corpus/news/feed.jsonl:2; expect_grep "$tmp/err" "no such record"
expect_exit 0 -- "$bin" explain corpus/seeds/000_4aad0653e0c38c11.txt corpus/seeds/001_9dbb418805ca8d2c.txt
expect_grep "$tmp/out" "no band collides"; expect_grep "$tmp/out" "story-threshold  0.10: passes"
expect_grep "$tmp/out" "lecun"
expect_exit 0 -- "$bin" explain --format json corpus/news/feed.jsonl:1 corpus/news/feed.jsonl:2
python3 - "$tmp/out" <<'PY' || fail "explain --format json"
import json, sys
e = json.load(open(sys.argv[1]))
assert e["near"]["near_duplicates"] is True and e["near"]["colliding_bands"], e["near"]
assert e["near"]["exact"] >= 0.8 and e["near"]["passages"][0]["words"] >= 40, e["near"]
assert e["story"]["passes_story_threshold"] is True and e["story"]["shared_terms"], e["story"]
PY
# with an index: its settings (a num_perm of 64 here) and its articles' term frequencies
expect_exit 0 -- "$bin" index add --db "$tmp/ex.db" --num-perm 64 corpus/news/feed.jsonl
expect_exit 0 -- "$bin" explain --db "$tmp/ex.db" corpus/news/feed.jsonl:1 corpus/news/feed.jsonl:5
expect_grep "$tmp/out" "(64 MinHash slots)"; expect_grep "$tmp/out" "no band collides"

# --- the same bytes for any thread count
for t in 1 2 4 8; do "$bin" scan --quiet --threads $t corpus/news corpus/seeds >"$tmp/t$t.tsv"; done
for t in 2 4 8; do cmp -s "$tmp/t1.tsv" "$tmp/t$t.tsv" || fail "--threads $t output differs from --threads 1"; done

finish CLI
