#!/usr/bin/env bash
# CLI tests of the nightly story level (issue 23): a night clusters the held stories it touches
# again with its new articles, as one scan of them would, and reports every held article whose
# story changes as a `moved` row.
# The articles are made of invented names (rare words, so their weights are alike) between
# stop words; each is a set of name blocks of ten, in its own order (no two are near copies):
#   split:  night 1 holds A = P+Q+X, B = Q+R, C = R+T+X (X: three names), one story (A and C
#           share X: weighted Jaccard ~0.07, above the complete link's 0.05); night 2 brings
#           D = R+T+U and E = R+T+U+V, close to C and far from A: the story splits into A+B
#           (its id stays with the larger part) and C+D+E (a new id); C's move is a `moved` row
#           and a lineage record.
#   join:   night 1 holds G = K+M+Y and H = L+N+Y (Y: three names; ~0.07, no edge): two stories;
#           night 2 brings I = K+L, close to both: one story, the older id; H's story becomes an
#           alias of it, H's move a `moved` row.
#   unrelated: night 3 brings the shipped news feed: nothing held moves.
# Usage: tests/cli/index_moves.sh path/to/neardup   (run from the project root)
source "$(dirname "$0")/lib.sh"
db=$tmp/news.db

python3 - "$tmp" <<'PY'
import json, pathlib, random, sys
tmp = pathlib.Path(sys.argv[1])
rng = random.Random(7)
syllables = ["bar", "dok", "fen", "gul", "hor", "jax", "kel", "lom", "mup", "nir", "pov",
             "quen", "rast", "sil", "tov", "urb", "vek", "wan", "yol", "zed"]
used = set()
def name():
    while True:
        w = "".join(rng.choice(syllables) for _ in range(3)).capitalize()
        if w not in used:
            used.add(w)
            return w
def block(n=10):
    return [name() for _ in range(n)]
P, Q, R, T, U, V, K, L, M, N = (block() for _ in range(10))
X, Y = block(3), block(3)
def text(*blocks, seed):
    words = [w for b in blocks for w in b]
    random.Random(seed).shuffle(words)
    return " ".join(f"It is the {a} and the {b}." for a, b in zip(words[::2], words[1::2] + words[:1]))
def line(i, seed, *blocks):
    return json.dumps({"id": i, "date": "2026-11-20T08:00:00Z", "text": text(*blocks, seed=seed)}) + "\n"
(tmp / "night1.jsonl").write_text(
    line("A", 1, P, Q, X) + line("B", 2, Q, R) + line("C", 3, R, T, X) +
    line("G", 4, K, M, Y) + line("H", 5, L, N, Y))
(tmp / "night2.jsonl").write_text(
    line("D", 6, R, T, U) + line("E", 7, R, T, U, V) + line("I", 8, K, L))
# an update of A (another text) that now tells C's story: A's held version is replaced, not moved
(tmp / "night4.jsonl").write_text(line("A", 9, R, T, U, V))
PY

# col FILE ID NAME: the column NAME (by the header) of ID's row; the last such row
col() { awk -F'\t' -v id="$2" -v name="$3" 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i; next} $1 == id {v = $c[name]} END {print v}' "$1"; }

expect_exit 0 -- "$bin" index add --db "$db" "$tmp/night1.jsonl" -o "$tmp/rows1.tsv"
a=$(col "$tmp/rows1.tsv" A story); g=$(col "$tmp/rows1.tsv" G story); h=$(col "$tmp/rows1.tsv" H story)
[ "$(col "$tmp/rows1.tsv" B story)" = "$a" ] && [ "$(col "$tmp/rows1.tsv" C story)" = "$a" ] ||
  fail "night 1: A, B and C are not one story"
[ "$g" != "$h" ] && [ "$g" != "$a" ] || fail "night 1: G and H are one story, or one of A's"
! grep -q "	moved	" "$tmp/rows1.tsv" || fail "night 1: a first night moves nothing"

expect_exit 0 -- "$bin" index add --db "$db" "$tmp/night2.jsonl" -o "$tmp/rows2.tsv"
expect_grep "$tmp/err" " 2 held articles moved to another story"
# split: A and B keep the story; C moves to D and E's new story
c=$(col "$tmp/rows2.tsv" C story)
[ "$(col "$tmp/rows2.tsv" C action)" = moved ] || fail "night 2: no moved row for C"
[ "$(col "$tmp/rows2.tsv" C old_story)" = "$a" ] || fail "night 2: C's old_story is not $a"
[ "$c" != "$a" ] && [ "$(col "$tmp/rows2.tsv" D story)" = "$c" ] && [ "$(col "$tmp/rows2.tsv" E story)" = "$c" ] ||
  fail "night 2: C, D and E are not one new story"
[ -z "$(col "$tmp/rows2.tsv" A action)" ] || fail "night 2: A (kept its story) has a row"
# join: I joins G and H; H's story (the younger) becomes an alias of G's
[ "$(col "$tmp/rows2.tsv" I story)" = "$g" ] || fail "night 2: I is not in G's story"
[ "$(col "$tmp/rows2.tsv" H action)" = moved ] && [ "$(col "$tmp/rows2.tsv" H story)" = "$g" ] &&
  [ "$(col "$tmp/rows2.tsv" H old_story)" = "$h" ] || fail "night 2: H's move to $g is not reported"
# the moved rows are not new articles: not in --keep lists, and they come last
[ "$(tail -n 2 "$tmp/rows2.tsv" | cut -f10 | sort -u)" = moved ] || fail "night 2: moved rows are not last"
python3 - "$db" "$a" "$c" "$h" "$g" <<'PY' || fail "night 2: lineage or alias not recorded"
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
a, c, h, g = map(int, sys.argv[2:])
lineage = con.execute("SELECT run, old, new, articles FROM story_lineage").fetchall()
alias = con.execute("SELECT alias, target FROM aliases WHERE kind = 'story'").fetchall()
print(lineage, alias)
sys.exit(0 if lineage == [(2, a, c, 1)] and alias == [(h, g)] else 1)
PY
# the run's record writes the same rows again
expect_exit 0 -- "$bin" index report --db "$db" --run 2
cmp -s "$tmp/out" "$tmp/rows2.tsv" || fail "report --run 2 differs from night 2's rows"
# the index's stories are one scan's
expect_exit 0 -- "$bin" index export --db "$db" -o "$tmp/export.tsv"
expect_exit 0 -- "$bin" scan "$tmp/night1.jsonl" "$tmp/night2.jsonl" -o "$tmp/scan.tsv"
python3 - "$tmp/export.tsv" "$tmp/scan.tsv" <<'PY' || fail "the index's stories are not one scan's"
import csv, sys
def parts(path):
    groups = {}
    for r in csv.DictReader(open(path, encoding="utf-8"), delimiter="\t"):
        groups.setdefault(r["story"], set()).add(r["id"])
    return sorted(sorted(g) for g in groups.values())
print(parts(sys.argv[1]), parts(sys.argv[2]))
sys.exit(0 if parts(sys.argv[1]) == parts(sys.argv[2]) == [["A", "B"], ["C", "D", "E"], ["G", "H", "I"]] else 1)
PY

# the same nights with one thread: the same rows, moves included (deterministic)
expect_exit 0 -- "$bin" index add --threads 1 --db "$tmp/one.db" "$tmp/night1.jsonl" -o "$tmp/one1.tsv"
expect_exit 0 -- "$bin" index add --threads 1 --db "$tmp/one.db" "$tmp/night2.jsonl" -o "$tmp/one2.tsv"
cmp -s "$tmp/one2.tsv" "$tmp/rows2.tsv" || fail "night 2 with --threads 1 differs"

# unrelated articles move nothing held
expect_exit 0 -- "$bin" index add --db "$db" corpus/news/feed.jsonl -o "$tmp/rows3.tsv"
! grep -q "	moved	" "$tmp/rows3.tsv" || fail "night 3: unrelated articles moved held ones"
expect_grep "$tmp/err" " 0 held articles moved to another story"

# an update of a held article: one row for it (its new version), never a moved row too
expect_exit 0 -- "$bin" index add --db "$db" "$tmp/night4.jsonl" -o "$tmp/rows4.tsv"
expect_grep "$tmp/err" "1 updates of held articles"
[ "$(awk -F'\t' '$1 == "A"' "$tmp/rows4.tsv" | wc -l)" -eq 1 ] || fail "night 4: A has more than one row"
[ "$(col "$tmp/rows4.tsv" A action)" != moved ] || fail "night 4: the updated article's row is a move"

# pruning a run's record takes its lineage with it
expect_exit 0 -- "$bin" index prune --db "$db" --before 2100-01-01
[ "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM story_lineage").fetchone()[0])' "$db")" = 0 ] ||
  fail "prune left the lineage of pruned runs"

finish index_moves
