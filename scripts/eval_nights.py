#!/usr/bin/env python3
"""Nightly batches of real news against one scan: stable ids and cluster quality.

Deals the lines of the given JSONL files round-robin into N nights (default 10), adds them to a
fresh index one `index add` a night, and keeps every row each night printed. Then prints:
  ids_resolved   share of the story (and near) ids printed on any night that resolve, through
                 the index's aliases table, to the article's story (near) id at the end, or
                 whose article has a later `moved` row (it says where the article went);
  downstream     share of articles whose story in a table that applies every night's rows in
                 order (moved rows included), resolved through the aliases, is the export's;
  ARI            of the index's export against one `neardup scan` of everything, near and story;
  gold ARI       for the articles with a `cluster` label (ECB+): export and one scan, against it;
  seconds        of each night's `index add`.
With --check, exits 1 unless ids resolve 100%, a table applying the rows equals the export, near
ARI is 1.0, the export's gold ARI reaches --min-gold-ari and is at most --max-gold-gap below one
scan's, and the story ARI against one scan reaches --min-story-ari (see bench/results.md).

  scripts/eval_nights.py                       (default: ../shared/eval ECB+ dev + BBC + Reuters)
  scripts/eval_nights.py --nights 5 A.jsonl B.jsonl
"""
import argparse
import collections
import csv
import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("ari", os.path.join(ROOT, "scripts", "ari.py"))
ari_module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ari_module)
ari = ari_module.ari


def rows_of(path):
    with open(path, encoding="utf-8") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        return [dict(zip(header, r)) for r in reader]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="*")
    p.add_argument("--nights", type=int, default=10)
    p.add_argument("--bin", default=os.environ.get("NEARDUP", os.path.join(ROOT, "build", "neardup")))
    p.add_argument("--check", action="store_true")
    p.add_argument("--min-gold-ari", type=float, default=0.0)
    p.add_argument("--min-story-ari", type=float, default=None, help="with --check: the story ARI vs one scan")
    p.add_argument("--max-gold-gap", type=float, default=None,
                   help="with --check: how far the export's gold ARI may fall below one scan's")
    args = p.parse_args()
    eval_dir = os.path.join(ROOT, "..", "shared", "eval")
    files = args.files or [os.path.join(eval_dir, n) for n in ("ecbplus-dev.jsonl", "bbc-2005.jsonl", "reuters21578.jsonl")]
    lines = []
    for name in files:
        with open(name, encoding="utf-8") as f:
            lines += [l for l in f if l.strip()]
    gold = {}
    for l in lines:
        o = json.loads(l)
        if o.get("cluster") is not None:
            gold[str(o["id"])] = str(o["cluster"])
    with tempfile.TemporaryDirectory() as tmp:
        tmp = os.environ.get("EVAL_KEEP", tmp)
        os.makedirs(tmp, exist_ok=True)
        db = os.path.join(tmp, "index.db")
        printed = []  # (id, near, story, night, moved) of every row of every night
        seconds = []
        for n in range(args.nights):
            night = os.path.join(tmp, f"night{n}.jsonl")
            with open(night, "w", encoding="utf-8") as f:
                f.writelines(lines[n::args.nights])
            out = os.path.join(tmp, f"night{n}.tsv")
            start = time.monotonic()
            subprocess.run([args.bin, "index", "add", "-q", "--db", db, night, "-o", out], check=True)
            seconds.append(time.monotonic() - start)
            printed += [(r["id"], r["near"], r["story"], n, r["action"] == "moved") for r in rows_of(out)]
        export = os.path.join(tmp, "export.tsv")
        subprocess.run([args.bin, "index", "export", "--db", db, "-o", export], check=True)
        everything = os.path.join(tmp, "all.jsonl")
        with open(everything, "w", encoding="utf-8") as f:
            f.writelines(lines)
        scan = os.path.join(tmp, "scan.tsv")
        subprocess.run([args.bin, "scan", "-q", everything, "-o", scan], check=True)
        con = sqlite3.connect(db)
        alias = {(k, a): t for k, a, t in con.execute("SELECT kind, alias, target FROM aliases")}
        size = os.path.getsize(db)
        con.close()
        final = {r["id"]: r for r in rows_of(export)}
        scanned = {r["id"]: r for r in rows_of(scan)}

    def resolves(kind, printed_id, final_id):
        got = int(printed_id)
        for _ in range(64):
            if (kind, got) not in alias:
                break
            got = alias[(kind, got)]
        return got == int(final_id)

    last_move = {}
    for r in printed:
        if r[4]:
            last_move[r[0]] = r[3]
    later_move = lambda r: last_move.get(r[0], -1) > r[3]
    resolved = {k: sum(resolves(k, r[1 if k == "near" else 2], final[r[0]][k]) or (k == "story" and later_move(r))
                       for r in printed) for k in ("near", "story")}
    downstream = {}
    for r in printed:
        downstream[r[0]] = r
    applied = sum(resolves("story", r[2], final[i]["story"]) for i, r in downstream.items())
    moved_rows = sum(1 for r in printed if r[4])
    print(f"# {len(final)} articles in {args.nights} nights: index add {sum(seconds):.1f} s "
          f"(nights {', '.join(f'{s:.1f}' for s in seconds)}), {size // max(1, len(final))} bytes per article")
    print("measure\tvalue")
    print(f"moved_rows\t{moved_rows}")
    print(f"downstream_story\t{applied}/{len(downstream)} ({100.0 * applied / max(1, len(downstream)):.2f}%)")
    for k in ("near", "story"):
        print(f"ids_resolved_{k}\t{resolved[k]}/{len(printed)} ({100.0 * resolved[k] / max(1, len(printed)):.2f}%)")
    result = {}
    for k in ("near", "story"):
        a = {i: final[i][k] for i in final if i in scanned}
        b = {i: scanned[i][k] for i in a}
        result[k] = ari(a, b)
        print(f"ari_vs_one_scan_{k}\t{result[k]:.4f}")
    labelled = [i for i in gold if i in final and i in scanned]
    gold_index = ari({i: gold[i] for i in labelled}, {i: final[i]["story"] for i in labelled}) if labelled else 0.0
    gold_scan = ari({i: gold[i] for i in labelled}, {i: scanned[i]["story"] for i in labelled}) if labelled else 0.0
    print(f"gold_ari_nights\t{gold_index:.4f}\ngold_ari_one_scan\t{gold_scan:.4f}\ngold_labelled\t{len(labelled)}")
    if args.check:
        failed = []
        if resolved["story"] != len(printed) or resolved["near"] != len(printed):
            failed.append("ids that do not resolve")
        if applied != len(downstream):
            failed.append("a table that applies the rows differs from the export")
        if result["near"] < 0.9999:
            failed.append(f"near ARI {result['near']:.4f} < 1.0")
        if labelled and gold_index < args.min_gold_ari:
            failed.append(f"gold ARI {gold_index:.4f} < {args.min_gold_ari} (one scan: {gold_scan:.4f})")
        if args.max_gold_gap is not None and labelled and gold_scan - gold_index > args.max_gold_gap:
            failed.append(f"gold ARI {gold_index:.4f} more than {args.max_gold_gap} below one scan's {gold_scan:.4f}")
        if args.min_story_ari is not None and result["story"] < args.min_story_ari:
            failed.append(f"story ARI {result['story']:.4f} < {args.min_story_ari}")
        if failed:
            print("FAIL: " + "; ".join(failed), file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
