#!/usr/bin/env python3
"""Adjusted Rand index between two TSV outputs of neardup (scan, index export, index add).

  scripts/ari.py A.tsv B.tsv [COLUMN...]     (default columns: near story)
Rows are matched by id; prints one line per column: column, documents, ARI. With --min X,
exits 1 when any ARI is below X.
"""
import argparse
import collections
import sys


def comb2(n):
    return n * (n - 1) // 2


def ari(a, b):
    items = [i for i in a if i in b]
    table = collections.Counter((a[i], b[i]) for i in items)
    sa = sum(comb2(n) for n in collections.Counter(a[i] for i in items).values())
    sb = sum(comb2(n) for n in collections.Counter(b[i] for i in items).values())
    index = sum(comb2(n) for n in table.values())
    expected = sa * sb / comb2(len(items)) if len(items) > 1 else 0
    top = (sa + sb) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)


def read(path, column):
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        idx, col = header.index("id"), header.index(column)
        return {r[idx]: r[col] for r in (line.rstrip("\n").split("\t") for line in f)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("columns", nargs="*", default=["near", "story"])
    ap.add_argument("--min", type=float, default=None)
    args = ap.parse_args()
    ok = True
    for column in args.columns:
        a, b = read(args.a, column), read(args.b, column)
        value = ari(a, b)
        print("%s\t%d\t%.4f" % (column, len(set(a) & set(b)), value))
        ok = ok and (args.min is None or value >= args.min)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
