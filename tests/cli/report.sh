#!/usr/bin/env bash
# The HTML report: self-contained (no script, style sheet, font or image from elsewhere),
# rendered by headless Chromium without errors, the seed pair's story on it, the plots and the
# side-by-side view there; a screenshot is kept in <build>/test-artifacts/report.png. Also the
# report of an index run (index report --run N -o FILE.html).
# Usage: tests/cli/report.sh path/to/neardup   (run from the project root; needs chromium,
# which scripts/setup.sh installs)
source "$(dirname "$0")/lib.sh"
artifacts=$(dirname "$bin")/test-artifacts
mkdir -p "$artifacts"
chromium_run() { timeout 120 chromium --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 "$@"; }
command -v chromium >/dev/null || fail "chromium is missing (scripts/setup.sh installs it)"

expect_exit 0 -- "$bin" scan --title-field title --date-field date --report "$tmp/report.html" \
  -o "$tmp/rows.tsv" corpus/news corpus/seeds
expect_grep "$tmp/err" "report written to $tmp/report.html"
grep -qiE '<(script|link|img|iframe|object|embed|base)\b' "$tmp/report.html" && fail "report loads something"
grep -qiE ' src=|url\(|@import' "$tmp/report.html" && fail "report refers to an outside resource"

chromium_run --dump-dom "file://$tmp/report.html" >"$tmp/dom.html" 2>"$tmp/chromium.log" || fail "chromium could not load the report"
grep -E 'Uncaught|CONSOLE\(|SyntaxError|ERR_FILE' "$tmp/chromium.log" && fail "the report logged errors in chromium"
python3 - "$tmp/dom.html" <<'PY' || fail "report DOM"
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__(); s.stories = []; s.svgs = 0; s.marks = 0; s.summary = []; s.cell = None
    def handle_starttag(s, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "story" in a.get("class", ""):
            s.stories.append(set())
        if tag == "tr" and "data-id" in a and s.stories:
            s.stories[-1].add(a["data-id"])
        s.svgs += tag == "svg"
        s.marks += tag == "mark"
        if tag in ("th", "td"):
            s.cell = ""
    def handle_data(s, d):
        if s.cell is not None:
            s.cell += d
    def handle_endtag(s, tag):
        if tag in ("th", "td") and s.cell is not None:
            s.summary.append(s.cell.strip()); s.cell = None
p = P(); p.feed(open(sys.argv[1]).read())
seeds = {"000_4aad0653e0c38c11.txt", "001_9dbb418805ca8d2c.txt"}
assert any(seeds <= s for s in p.stories), "the seed pair's story is not on the report"
assert not any(seeds & s and not seeds <= s for s in p.stories), "the seeds in two stories"
assert p.svgs >= 6, p.svgs  # group sizes, story sizes, similarity, S-curve, articles and stories per day
assert p.marks >= 1, "side-by-side view without shared passages"
assert "documents" in p.summary and p.summary[p.summary.index("documents") + 1] == "46", p.summary[:4]
PY
chromium_run --screenshot="$artifacts/report.png" --window-size=1200,2400 "file://$tmp/report.html" >/dev/null 2>&1
[ "$(stat -c %s "$artifacts/report.png" 2>/dev/null || echo 0)" -gt 20000 ] || fail "no screenshot of the report"

# --- an index run's report
expect_exit 0 -- "$bin" index add --db "$tmp/r.db" --title-field title --date-field date corpus/news/feed.jsonl
expect_exit 0 -- "$bin" index add --db "$tmp/r.db" --title-field title corpus/news/wire corpus/seeds
expect_exit 0 -- "$bin" index report --db "$tmp/r.db" --run 2 -o "$tmp/run.html"
expect_grep "$tmp/run.html" "run 2 of"
expect_grep "$tmp/run.html" 'class="story"'
chromium_run --dump-dom "file://$tmp/run.html" >"$tmp/run-dom.html" 2>"$tmp/chromium2.log" || fail "chromium: run report"
grep -q "matched to held articles" "$tmp/run-dom.html" || fail "run report lacks its summary"
expect_exit 0 -- "$bin" index report --db "$tmp/r.db" --run 2 -f html
expect_grep "$tmp/out" "<!DOCTYPE html>"

finish report
