#!/usr/bin/env python3
"""Scores neardup's story (and near) clusters against gold labels.

Labels: a JSONL with a `cluster` field per id (e.g. ECB+), or a pairs file with a, b, label
(tgcontest). Runs `neardup scan` on INPUT... with the extra scan options given after `--`,
then prints, for the documents that carry labels: adjusted Rand index, pairwise precision /
recall / F1, gold and predicted cluster counts.

  scripts/eval_story.py --labels ../shared/eval/ecbplus-dev.jsonl ../shared/eval/ecbplus-dev.jsonl
  scripts/eval_story.py --labels L.jsonl INPUT... -- --story-threshold 0.12
  scripts/eval_story.py --mix ../shared/eval/bbc-2005.jsonl --labels ecb.jsonl ecb.jsonl
      (also scans the --mix files and reports how many of them join a labelled cluster)
"""
import argparse
import collections
import json
import math
import os
import subprocess
import sys
import tempfile


def comb2(n):
    return n * (n - 1) // 2


def ari(gold, pred):
    """Adjusted Rand index (Hubert and Arabie 1985) of two labelings of the same items."""
    items = list(gold)
    table = collections.Counter((gold[i], pred[i]) for i in items)
    a = collections.Counter(gold[i] for i in items)
    b = collections.Counter(pred[i] for i in items)
    index = sum(comb2(n) for n in table.values())
    sa = sum(comb2(n) for n in a.values())
    sb = sum(comb2(n) for n in b.values())
    expected = sa * sb / comb2(len(items)) if len(items) > 1 else 0
    top = (sa + sb) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)


def pairwise(gold, pred):
    table = collections.Counter((gold[i], pred[i]) for i in gold)
    tp = sum(comb2(n) for n in table.values())
    gp = sum(comb2(n) for n in collections.Counter(gold.values()).values())
    pp = sum(comb2(n) for n in collections.Counter(pred[i] for i in gold).values())
    p = tp / pp if pp else 1.0
    r = tp / gp if gp else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def read_labels(path):
    """{id: cluster} from a cluster-labelled JSONL, or pairs [(a, b, label)] from a pairs file."""
    clusters, pairs = {}, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            if "cluster" in rec:
                clusters[str(rec["id"])] = str(rec["cluster"])
            elif "label" in rec:
                pairs.append((str(rec["a"]), str(rec["b"]), int(rec["label"])))
    return clusters, pairs


def run_scan(binary, inputs, options):
    out = subprocess.run([binary, "scan", "--quiet", *options, *inputs], check=True,
                         capture_output=True, text=True).stdout.splitlines()
    header = out[0].split("\t")
    col = {name: i for i, name in enumerate(header)}
    near, story = {}, {}
    for row in out[1:]:
        f = row.split("\t")
        near[f[col["id"]]] = f[col["near"]]
        story[f[col["id"]]] = f[col["story"]]
    return near, story


def report(name, gold, pred):
    p, r, f1 = pairwise(gold, pred)
    print("%s\tdocs=%d\tgold_clusters=%d\tpred_clusters=%d\tARI=%.4f\tP=%.4f\tR=%.4f\tF1=%.4f" % (
        name, len(gold), len(set(gold.values())), len(set(pred[i] for i in gold)), ari(gold, pred),
        p, r, f1))
    return ari(gold, pred)


def main():
    argv = sys.argv[1:]
    options = []
    if "--" in argv:
        options = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--labels", required=True)
    ap.add_argument("--neardup", default="build/neardup")
    ap.add_argument("--mix", nargs="*", default=[], help="background files scanned together")
    args = ap.parse_args(argv)
    clusters, pairs = read_labels(args.labels)
    near, story = run_scan(args.neardup, args.inputs + args.mix, options)
    if clusters:
        gold = {i: c for i, c in clusters.items() if i in story}
        missing = len(clusters) - len(gold)
        if missing:
            print("warning: %d labelled ids not in the output" % missing, file=sys.stderr)
        report("story", gold, story)
        report("near", gold, near)
        if args.mix:
            labelled_stories = {story[i] for i in gold}
            background = [i for i in story if i not in clusters]
            joined = [i for i in background if story[i] in labelled_stories]
            print("background\tdocs=%d\tjoined_labelled_story=%d\tshare=%.4f%%" % (
                len(background), len(joined), 100.0 * len(joined) / max(1, len(background))))
    if pairs:
        tp = fp = fn = tn = 0
        for a, b, label in pairs:
            if a not in story or b not in story:
                continue
            same = story[a] == story[b]
            tp += same and label == 1
            fp += same and label == 0
            fn += (not same) and label == 1
            tn += (not same) and label == 0
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        print("pairs\tn=%d\tTP=%d\tFP=%d\tFN=%d\tTN=%d\tP=%.4f\tR=%.4f\tacc=%.4f" % (
            tp + fp + fn + tn, tp, fp, fn, tn, p, r, (tp + tn) / max(1, tp + fp + fn + tn)))


if __name__ == "__main__":
    main()
