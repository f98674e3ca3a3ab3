#!/usr/bin/env bash
# CLI tests of dates that cannot be true (issue 21): a night of copies of held articles with one
# article dated 2099-01-01 and one dated 1970-01-01 reports the same copies and stories as without
# them, says "implausible dates: 2", and takes neither as a date (windows, rows, the kept
# article); --strict refuses them; a web page's unreadable date is counted; explain says why a
# date is ignored; a date within the day of slack is kept, and the windows end at now.
# Usage: tests/cli/dates.sh path/to/neardup   (run from the project root)
source "$(dirname "$0")/lib.sh"
db=$tmp/held.db

# --- 300 held articles dated over the last 5 days; tonight 200 copies of them, dated an hour ago
python3 - "$tmp" <<'PY'
import json, pathlib, random, sys, time
tmp = pathlib.Path(sys.argv[1])
rng = random.Random(21)
now = int(time.time())
iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
held = [{"id": "h%d" % i, "date": iso(now - 5 * 86400 + i * 1000),
         "text": " ".join("w%d" % rng.randrange(5000) for _ in range(120))} for i in range(300)]
(tmp / "held.jsonl").write_text("".join(json.dumps(h) + "\n" for h in held))
copies = [{"id": "copy-" + h["id"], "date": iso(now - 3600), "text": h["text"]} for h in held[:200]]
future = {"id": "future", "date": "2099-01-01", "text": held[250]["text"]}
epoch = {"id": "epoch", "date": "1970-01-01", "text": held[251]["text"]}
(tmp / "clean.jsonl").write_text("".join(json.dumps(c) + "\n" for c in copies))
(tmp / "dirty.jsonl").write_text("".join(json.dumps(c) + "\n" for c in copies[:100] + [future] +
                                         copies[100:] + [epoch]))
soon = {"id": "soon", "date": iso(now + 3600), "text": held[252]["text"]}
(tmp / "soon.jsonl").write_text(json.dumps(soon) + "\n")
PY
expect_exit 0 -- "$bin" index add -q --db "$db" --date-field date "$tmp/held.jsonl"
expect_exit 0 -- "$bin" index query --db "$db" --date-field date --window 7d -o "$tmp/clean.tsv" "$tmp/clean.jsonl"
cp "$tmp/err" "$tmp/clean.err"
expect_grep "$tmp/clean.err" "tonight: 200 new articles (not added): 200 copies of held articles, 200 in held stories, 0 new stories"
expect_exit 0 -- "$bin" index query --db "$db" --date-field date --window 7d -o "$tmp/dirty.tsv" --keep "$tmp/keep" "$tmp/dirty.jsonl"
cp "$tmp/err" "$tmp/dirty.err"
expect_grep "$tmp/dirty.err" "tonight: 202 new articles (not added): 202 copies of held articles, 202 in held stories, 0 new stories"
expect_grep "$tmp/dirty.err" "implausible dates: 2 (the first: 2099-01-01T00:00:00Z at $tmp/dirty.jsonl:101, after the run's time); those articles have no date"
# the windows end where the clean night's do: the batch's newest trusted article, not 2099
for w in "window: held articles since" "story window: held stories' articles since"; do
  [ "$(grep -o "$w [^ ]*" "$tmp/clean.err")" = "$(grep -o "$w [^ ]*" "$tmp/dirty.err")" ] ||
    fail "'$w' differs: $(grep -h "$w" "$tmp/clean.err" "$tmp/dirty.err")"
done
grep -q "2099" <(grep "window" "$tmp/dirty.err") && fail "a window counts back from 2099"
# every copy: the same row as without the bad dates (near, story, action drop, matched article)
python3 - "$tmp/clean.tsv" "$tmp/dirty.tsv" <<'PY' || fail "the copies' rows changed with the bad dates"
import csv, sys
def rows(p):
    return {r["id"]: r for r in csv.DictReader(open(p), delimiter="\t", quoting=csv.QUOTE_NONE)}
clean, dirty = rows(sys.argv[1]), rows(sys.argv[2])
assert len(clean) == 200 and len(dirty) == 202, (len(clean), len(dirty))
for k, r in clean.items():
    d = dirty[k]
    for col in ("near", "story", "date", "action", "matched_near", "matched_story"):
        assert r[col] == d[col], (k, col, r[col], d[col])
    assert r["action"] == "drop" and r["matched_near"] == k[len("copy-"):], r
for k, held in (("future", "h250"), ("epoch", "h251")):
    d = dirty[k]
    assert d["date"] == "" and d["action"] == "drop" and d["matched_near"] == held, d
    assert d["representative"] == "0", d  # the held article, dated, stays its group's kept one
PY
[ -s "$tmp/keep" ] && fail "--keep lists copies of held articles: $(head -3 "$tmp/keep")"
expect_exit 0 -- "$bin" index query --db "$db" --date-field date --format jsonl "$tmp/dirty.jsonl"
grep '"id":"epoch"' "$tmp/out" | grep -q '"date":null' || fail "jsonl: the 1970 date is not null: $(grep epoch "$tmp/out")"

# --- --as-of later than now (and the day of slack) is refused; within it, taken
expect_exit 2 -- "$bin" index query --db "$db" --as-of 2099-01-01 "$tmp/clean.jsonl"; expect_grep "$tmp/err" "bad --as-of '2099-01-01': later than now"
soon=$(python3 -c "import time; print(time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime(time.time() + 3600)))")
expect_exit 0 -- "$bin" index query --db "$db" --as-of "$soon" "$tmp/clean.jsonl"

# --- --strict: an implausible date is an error, as an unreadable one is
expect_exit 1 -- "$bin" index query --strict --db "$db" --date-field date "$tmp/dirty.jsonl"
expect_grep "$tmp/err" "dirty.jsonl:101: date 2099-01-01T00:00:00Z cannot be true: after the run's time (--strict)"
expect_exit 1 -- "$bin" scan --strict --date-field date "$tmp/dirty.jsonl"
expect_grep "$tmp/err" "cannot be true"

# --- the day of slack: an hour ahead is a date, and the windows still end at now
expect_exit 0 -- "$bin" index query --db "$db" --date-field date --window 7d "$tmp/soon.jsonl"
[ -n "$(awk -F'\t' '$1 == "soon" {print $7}' "$tmp/out")" ] || fail "a date an hour ahead was dropped"
expect_grep "$tmp/err" "(7d before [0-9T:Z-]*, now (the batch's newest article is dated later))"
if grep -q "implausible" "$tmp/err"; then fail "an hour ahead counted as implausible"; fi

# --- scan --keep: the earliest dated copy is kept, not the one dated 1970
text=$(python3 -c "print(' '.join('k%d' % i for i in range(80)))")
{ printf '{"id":"late","date":"2020-02-01","text":"%s"}\n' "$text"
  printf '{"id":"zero","date":"1970-01-01T00:00:00Z","text":"%s"}\n' "$text"
  printf '{"id":"early","date":"2020-01-01","text":"%s"}\n' "$text"; } >"$tmp/keep.jsonl"
expect_exit 0 -- "$bin" scan --date-field date --keep "$tmp/keep.ids" "$tmp/keep.jsonl"
[ "$(cat "$tmp/keep.ids")" = "early" ] || fail "kept $(cat "$tmp/keep.ids"), want early (the 1970 copy won?)"
expect_grep "$tmp/err" "implausible dates: 1 (the first: 1970-01-01T00:00:00Z at $tmp/keep.jsonl:2, before 1990)"
[ "$(awk -F'\t' '$1 == "zero" {print $7}' "$tmp/out")" = "" ] || fail "the 1970 date is in the rows"

# --- web pages: an unreadable date is counted; implausible ones are, and explain says why
mkdir "$tmp/web"
words() { seq "$1" "$2" | sed 's/^/w/' | tr '\n' ' '; }
page() { printf '<html><head>%s</head><body><article><p>%s</p></article></body></html>' "$1" "$2"; }
page '<meta property="article:published_time" content="le 3 mars">' "$(words 1 60)" >"$tmp/web/unread.html"
page '<script type="application/ld+json">{"datePublished":"2099-01-01"}</script>' "$(words 100 160)" >"$tmp/web/future.html"
page '<time datetime="1970-01-01">1 January 1970</time>' "$(words 200 260)" >"$tmp/web/epoch.html"
expect_exit 0 -- "$bin" scan "$tmp/web"
expect_grep "$tmp/err" "dates not read: 1 (the first: 'le 3 mars' at "
expect_grep "$tmp/err" "implausible dates: 2 "
expect_exit 1 -- "$bin" scan --strict "$tmp/web/unread.html"; expect_grep "$tmp/err" "'le 3 mars' cannot be read (--strict)"
# a date's text from the data reaches the terminal escaped, as ids and errors do
page "<meta property=\"article:published_time\" content=\"x$(printf '\033')[2Jy\">" "$(words 300 360)" >"$tmp/esc.html"
expect_exit 0 -- "$bin" scan "$tmp/esc.html"
grep -q "$(printf '\033')" "$tmp/err" && fail "a page's date text reached the terminal unescaped"
expect_grep "$tmp/err" "dates not read: 1 (the first: 'x.x1b\[2Jy' at "
expect_exit 0 -- "$bin" explain "$tmp/web/future.html" "$tmp/web/epoch.html"
expect_grep "$tmp/out" "^   date 2099-01-01T00:00:00Z ignored: after the run's time$"
expect_grep "$tmp/out" "^   date 1970-01-01T00:00:00Z ignored: before 1990$"
expect_exit 0 -- "$bin" explain "$tmp/web/unread.html" --date-field date "$tmp/dirty.jsonl:1"
expect_grep "$tmp/out" "^   date 'le 3 mars' ignored: not a date neardup reads$"
expect_grep "$tmp/out" "^   date 20[0-9-]*T[0-9:]*Z$"
expect_exit 0 -- "$bin" explain --format json "$tmp/web/future.html" "$tmp/web/epoch.html"
python3 - "$tmp/out" <<'PY' || fail "explain --format json: dates"
import json, sys
e = json.load(open(sys.argv[1]))
assert e["date_a"] is None and e["date_a_ignored"] == {"date": "2099-01-01T00:00:00Z", "why": "after the run's time"}, e
assert e["date_b"] is None and e["date_b_ignored"]["why"] == "before 1990", e
PY

finish dates
