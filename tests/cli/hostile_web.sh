#!/usr/bin/env bash
# Hostile web-input CLI tests (issue 20, web side): pages, names and dates crafted to mislead the
# report, the log or the extractor. Each case failed before its fix.
# Usage: tests/cli/hostile_web.sh path/to/neardup   (run from the project root)
source "$(dirname "$0")/lib.sh"

# expect_no_control FILE: stderr carries no raw control character but the newlines ending lines
expect_no_control() {
  if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1"; then
    fail "$1 holds raw control characters: $(head -c 300 "$1" | od -c | head -5)"
  fi
}

# --- 8: names and ids with newlines or escape sequences are escaped on stderr
esc=$tmp/esc; mkdir -p "$esc"
forged=$(printf 'a\nneardup: forged line\033[2J.txt')
: >"$esc/$forged"
echo "a plain article about the harbour" >"$esc/ok.txt"
expect_exit 0 -- "$bin" scan "$esc"
expect_no_control "$tmp/err"
expect_grep "$tmp/err" 'a\\nneardup: forged line\\x1b\[2J.txt: empty'
grep -q '^neardup: forged line' "$tmp/err" && fail "scan: a forged log line on stderr"
expect_exit 0 -- "$bin" extract "$esc"
expect_no_control "$tmp/err"
expect_grep "$tmp/err" 'forged line\\x1b'
expect_exit 1 -- "$bin" extract --strict "$esc"
expect_no_control "$tmp/err"
expect_exit 2 -- "$bin" explain "$esc/ok.txt" "$(printf 'no\nsuch\033]0;title\007')"
expect_no_control "$tmp/err"
expect_grep "$tmp/err" 'no\\nsuch\\x1b\]0;title\\x07'

# --- 10: web pages read as the HTML standard says, in bounded time, and never cut silently
web=$tmp/web; mkdir -p "$web"
python3 - "$web" <<'PY'
import pathlib, sys
d = pathlib.Path(sys.argv[1])
article = "<p>Le caf\u00e9 de la gare rouvre ses portes apr\u00e8s dix ans de travaux, annonce la mairie du quartier.</p>"
page = "<html><head><meta charset=\"%s\"><title>Caf\u00e9</title></head><body>" + article + "</body></html>"
(d / "utf8.html").write_bytes((page % "utf-8").encode())
(d / "declares-utf16.html").write_bytes((page % "UTF-16LE").encode())
(d / "declares-utf32.html").write_bytes((page % "utf-32").encode())
(d / "bom-utf16.html").write_bytes(b"\xff\xfe" + (page % "utf-16").encode("utf-16-le"))
attrs = "<html><body><div " + " ".join("a%d" % i for i in range(300000)) + "><p>text</p></div></body></html>"
(d.parent / "attrs.html").write_bytes(attrs.encode())
deep = "<html><body>" + "<div>" * 300 + article + "</div>" * 300 + "</body></html>"
(d.parent / "deep.html").write_bytes(deep.encode())
PY
expect_exit 0 -- "$bin" extract --strict "$web"
[ "$(grep -c 'Le café de la gare rouvre' "$tmp/out")" -eq 4 ] || fail "web pages in UTF-8, declared UTF-16/32 and UTF-16 with a BOM: want the same text 4 times: $(cat "$tmp/out" "$tmp/err")"
start=$(date +%s%N)
expect_exit 0 -- timeout 20 "$bin" extract "$tmp/attrs.html"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -lt 2000 ] || fail "a 2.9 MB tag of 300,000 attributes took $ms ms"
expect_grep "$tmp/err" "malformed: a tag with more than 512 attributes"
expect_exit 0 -- "$bin" extract --html all "$tmp/deep.html"
expect_grep "$tmp/out" 'Le café de la gare rouvre'
# HTML in a JSON string: the string is UTF-8 already, whatever charset the page declares
python3 - "$tmp/json-pages.jsonl" <<'PY'
import json, sys
article = "<p>Le caf\u00e9 de la gare rouvre ses portes apr\u00e8s dix ans de travaux, annonce la mairie du quartier.</p>"
with open(sys.argv[1], "w") as f:
    for i, cs in enumerate(["utf-8", "iso-8859-1"]):
        f.write(json.dumps({"id": "site%d" % i, "text": "<html><head><meta charset=\"%s\"></head><body>%s</body></html>" % (cs, article)}) + "\n")
PY
expect_exit 0 -- "$bin" scan --text-format html --no-header "$tmp/json-pages.jsonl"
[ "$(cut -f2 "$tmp/out" | sort -u | wc -l)" -eq 1 ] || fail "one article on two sites: want one near group: $(cat "$tmp/out")"

# --- 16: a full $TMPDIR names its folder; an id that is an object is no "invalid JSON"
spool=$tmp/spool; mkdir -p "$spool/tmpdir"
python3 - "$spool" <<'PY'
import pathlib, sys
d = pathlib.Path(sys.argv[1])
for i in range(20):
    (d / ("p%d.html" % i)).write_text("<html><body><p>" + ("article %d words " % i) * 400 + "</p></body></html>")
PY
( trap '' XFSZ; ulimit -f 4; TMPDIR=$spool/tmpdir exec "$bin" extract "$spool" -o /dev/null ) >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] || fail "a full TMPDIR: want exit 1"
expect_grep "$tmp/err" "in $spool/tmpdir (\$TMPDIR): "
printf '{"id":{"a":1},"text":"an article"}\n' >"$tmp/object-id.jsonl"
expect_exit 0 -- "$bin" scan "$tmp/object-id.jsonl"
expect_grep "$tmp/err" 'malformed: the id field "id" is not a string or a number'

# --- 17: a Latin-1 text file is the near-duplicate of its UTF-8 copy
txt=$tmp/txt; mkdir -p "$txt"
python3 - "$txt" <<'PY'
import pathlib, sys
d = pathlib.Path(sys.argv[1])
text = "Le caf\u00e9 de la gare rouvre ses portes apr\u00e8s dix ans de travaux. \u00ab C'est une f\u00eate \u00bb, dit le ma\u00eetre d'h\u00f4tel, \u00e9mu, devant la fa\u00e7ade r\u00e9nov\u00e9e o\u00f9 l'on a refait la d\u00e9coration.\n"
(d / "utf8.txt").write_bytes(text.encode("utf-8"))
(d / "latin1.txt").write_bytes(text.encode("cp1252"))
PY
expect_exit 0 -- "$bin" scan --no-header "$txt"
[ "$(cut -f2 "$tmp/out" | sort -u | wc -l)" -eq 1 ] || fail "Latin-1 and UTF-8 copies: want one near group: $(cat "$tmp/out")"

# --- 11: a page's canonical URL cannot claim another site (and strip its articles' paragraphs)
claim=$tmp/claim; mkdir -p "$claim/example.com" "$claim/evil"
python3 - "$claim" <<'PY'
import pathlib, sys
d = pathlib.Path(sys.argv[1])
victim = "The harbour authority voted on Tuesday to close the northern pier for repairs until spring."
def page(canonical, paras):
    link = '<link rel="canonical" href="%s">' % canonical if canonical else ""
    return "<html><head>%s</head><body><article>%s</article></body></html>" % (link, "".join("<p>%s</p>" % p for p in paras))
(d / "example.com" / "pier.html").write_text(page("https://example.com/pier", [victim, "Fishermen said they would move their boats to the southern basin in the meantime.", "The works are expected to cost four million euros, paid by the region and the city."]))
import random
rng = random.Random(11)
words = "plum cake cinnamon milk chess tournament library bicycle store river bridge garden winter choir museum lantern harvest tractor violin".split()
for i in range(3):  # three different articles on another site, each claiming example.com
    own = [" ".join(rng.choice(words) for _ in range(40)) + "." for _ in range(3)]
    (d / "evil" / ("claim%d.html" % i)).write_text(page("https://example.com/claim%d" % i, [victim] + own))
PY
expect_exit 0 -- "$bin" extract "$claim"
grep '"id":"example.com/pier.html"' "$tmp/out" | grep -q "harbour authority voted" ||
  fail "pages claiming example.com stripped its article's paragraph: $(grep pier "$tmp/out")"

# --- 9: the report reads sources again only when they are regular files still holding the texts
rep=$tmp/rep; mkdir -p "$rep/in"
python3 - "$rep/in" <<'PY'
import pathlib, sys
d = pathlib.Path(sys.argv[1])
text = "The harbour authority voted on Tuesday to close the northern pier for repairs until spring, and fishermen said they would move their boats to the southern basin in the meantime while the works go on."
(d / "a.txt").write_text(text + " Reported by the morning desk.\n")
(d / "b.txt").write_text(text + " Reported by the evening desk.\n")
(d.parent / "secret.txt").write_text("SECRET-PASSWORD-LINE " * 20 + "\n")
PY
expect_exit 0 -- "$bin" index add -q --db "$rep/r.db" "$rep/in"
expect_exit 0 -- "$bin" index report --db "$rep/r.db" --run 1 -f html -o "$rep/ok.html"
expect_grep "$rep/ok.html" 'id="pair"'
# a symlink to another file: that file is not put into the report
mv "$rep/in/b.txt" "$rep/b.orig"; ln -s "$rep/secret.txt" "$rep/in/b.txt"
expect_exit 0 -- timeout 20 "$bin" index report --db "$rep/r.db" --run 1 -f html -o "$rep/link.html"
grep -qi "secret.password" "$rep/link.html" && fail "index report put a symlink's target into the report"
expect_grep "$rep/link.html" 'id="pair-missing"'
expect_grep "$rep/link.html" 'not the document the run matched'
# a FIFO: refused at once, not waited on
rm "$rep/in/b.txt"; mkfifo "$rep/in/b.txt"
expect_exit 0 -- timeout 20 "$bin" index report --db "$rep/r.db" --run 1 -f html -o "$rep/fifo.html"
expect_grep "$rep/fifo.html" 'not a regular file'
# scan --report: the view is there, and the rows carry the hashes it checks by
rm "$rep/in/b.txt"; mv "$rep/b.orig" "$rep/in/b.txt"
expect_exit 0 -- "$bin" scan -q --report "$rep/scan.html" "$rep/in"
expect_grep "$rep/scan.html" 'id="pair"'

finish hostile_web
