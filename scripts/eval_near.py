#!/usr/bin/env python3
"""Near-duplicate quality of `neardup scan` against exact word-shingle Jaccard.

Runs neardup at default settings on each JSONL file, then computes exact word 5-shingle
Jaccard on its own (NFKC + casefold, words = runs of letters/digits, like neardup):
  recall    every pair with exact J >= --pair-threshold (0.9) must share a `near` group; all
            such pairs are found exactly with AllPairs prefix filtering (Bayardo et al. 2007)
  precision pairs inside a `near` group that have exact J >= --true-threshold (0.5); groups
            with more than --max-pairs pairs are sampled with a fixed seed
Exit status 1 when recall < 1 or precision < --min-precision (0.98).

Usage: scripts/eval_near.py [--neardup build/neardup] FILE.jsonl...
"""
import argparse
import collections
import json
import math
import random
import re
import subprocess
import sys
import unicodedata

WORD = re.compile(r"[^\W_]+")


def shingles(text, k):
    words = WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    if not words:
        return None
    if len(words) < k:
        return {" ".join(words)}
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def jaccard(a, b):
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def load(path, k):
    docs = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            s = shingles(rec.get("text", ""), k)
            if s is not None:
                docs[str(rec["id"])] = s
    return docs


def similar_pairs(docs, t):
    """All pairs with Jaccard >= t (AllPairs: prefix filter on a global frequency order)."""
    freq = collections.Counter(s for sh in docs.values() for s in sh)
    order = sorted(docs, key=lambda d: len(docs[d]))
    index = collections.defaultdict(list)
    pairs = []
    for d in order:
        x = sorted(docs[d], key=lambda s: (freq[s], s))
        prefix = len(x) - math.ceil(t * len(x)) + 1
        seen = set()
        for s in x[:prefix]:
            for e in index[s]:
                if e in seen:
                    continue
                seen.add(e)
                if len(docs[e]) >= t * len(x) and jaccard(docs[d], docs[e]) >= t:
                    pairs.append((e, d))
            index[s].append(d)
    return pairs


def run_neardup(binary, path, options=()):
    out = subprocess.run([binary, "scan", "--quiet", *options, path], check=True, capture_output=True,
                         text=True).stdout
    rows = out.splitlines()[1:]
    return {r.split("\t")[0]: r.split("\t")[1] for r in rows}


def group_pairs(near, max_pairs, rng):
    groups = collections.defaultdict(list)
    for doc, g in near.items():
        groups[g].append(doc)
    for members in groups.values():
        n = len(members)
        if n < 2:
            continue
        total = n * (n - 1) // 2
        if total <= max_pairs:
            for i in range(n):
                for j in range(i + 1, n):
                    yield members[i], members[j], 1.0
        else:
            for _ in range(max_pairs):
                i, j = rng.sample(range(n), 2)
                yield members[i], members[j], total / max_pairs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--neardup", default="build/neardup")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--pair-threshold", type=float, default=0.9)
    ap.add_argument("--true-threshold", type=float, default=0.5)
    ap.add_argument("--min-precision", type=float, default=0.98)
    ap.add_argument("--max-pairs", type=int, default=20000)
    ap.add_argument("--scan-option", action="append", default=[],
                    help="passed to neardup scan (repeatable), e.g. --scan-option=--site-boilerplate=drop")
    args = ap.parse_args()
    ok = True
    print("file\tdocs\tpairs_J>=%.2f\tmissed\tgroup_pairs\tprecision" % args.pair_threshold)
    for path in args.files:
        docs = load(path, args.k)
        near = run_neardup(args.neardup, path, args.scan_option)
        pairs = similar_pairs(docs, args.pair_threshold)
        missed = [(a, b) for a, b in pairs if near.get(a) is None or near.get(a) != near.get(b)]
        rng = random.Random(1)
        weight_true = weight_all = 0.0
        count = 0
        for a, b, w in group_pairs(near, args.max_pairs, rng):
            count += 1
            weight_all += w
            if a in docs and b in docs and jaccard(docs[a], docs[b]) >= args.true_threshold:
                weight_true += w
        precision = weight_true / weight_all if weight_all else 1.0
        print("%s\t%d\t%d\t%d\t%d\t%.4f" % (path.split("/")[-1], len(docs), len(pairs),
                                            len(missed), count, precision))
        for a, b in missed[:10]:
            print("  missed: %s %s J=%.3f" % (a, b, jaccard(docs[a], docs[b])), file=sys.stderr)
        ok = ok and not missed and precision >= args.min_precision
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
