#!/usr/bin/env python3
"""Builds corpus/idf/background-en.tsv: document frequencies of story terms.

Only derived counts leave the source texts: for each story term (normalized word that is not a
stop word, not a number, at least 2 characters) the number of documents it occurs in, kept when
that number is at least --min-df. The first line is "#documents<TAB>N".
Terms are extracted like neardup does (NFKC + casefold, words = runs of letters and digits).

Default sources: ../shared/eval/bbc-2005.jsonl and reuters21578.jsonl (research-use news;
only these counts are shipped, see corpus/README.md).
Usage: scripts/build_idf_table.py [--min-df 2] [-o corpus/idf/background-en.tsv] [FILE.jsonl...]
"""
import argparse
import collections
import json
import pathlib
import re
import unicodedata

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORD = re.compile(r"[^\W_]+")


def stop_words():
    words = set()
    for line in (ROOT / "corpus" / "idf" / "stopwords-en.txt").read_text().splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return words


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", default=[str(ROOT.parent / "shared" / "eval" / f)
                                                 for f in ("bbc-2005.jsonl", "reuters21578.jsonl")])
    ap.add_argument("--min-df", type=int, default=2)
    ap.add_argument("-o", "--output", default=str(ROOT / "corpus" / "idf" / "background-en.tsv"))
    args = ap.parse_args()
    stops = stop_words()
    df = collections.Counter()
    docs = 0
    for path in args.files:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if not line.strip():
                    continue
                text = json.loads(line).get("text", "")
                words = WORD.findall(unicodedata.normalize("NFKC", text).casefold())
                terms = {w for w in words if len(w) >= 2 and not w.isdigit() and w not in stops}
                if terms:
                    docs += 1
                    df.update(terms)
    with open(args.output, "w", encoding="utf-8") as out:
        out.write("#documents\t%d\n" % docs)
        for term in sorted(t for t, n in df.items() if n >= args.min_df):
            out.write("%s\t%d\n" % (term, df[term]))


if __name__ == "__main__":
    main()
