#!/usr/bin/env python3
"""False stories on real web pages of many sites and languages.

Scans ../shared/eval/article-extraction/html/ (181 pages) and ../shared/eval/readability-pages/html/
(130 pages) together with `neardup scan` (extra scan options after `--`) and checks every
multi-page story against our own judgements in scripts/story-pages-same.tsv (which pages tell the
same story; see its header for how it was judged). A pair of pages in one story is true when the
two share a group there (the same story) or share a `near` group of the same scan (copies of one
text: readability's "Lorem ipsum" test fixtures are the same filler, not a story, and may share a
story only so); any other pair is false. A page is false when its story holds no page it truly
shares a story with. Prints the counts, each story holding false pairs with its pages (id, near
group, gold group, lang when the rows carry it, title) and why the pairs are false (the file's
reason when it has one), and the gold pairs the scan leaves apart (recall, informative).

  scripts/eval_story_pages.py                       default scan
  scripts/eval_story_pages.py -- --story-threshold 0.12
  scripts/eval_story_pages.py --check               exit 1 on any false page (issue 21's target)
"""
import argparse
import collections
import itertools
import os
import re
import sys

import eval_common

GOLD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "story-pages-same.tsv")
SETS = ("article-extraction/html", "readability-pages/html")


def read_gold(path):
    """({id: group}, {(a, b): reason}) from the judgement file."""
    group, differ = {}, {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            field = line.split("\t")
            if field[0] == "same" and len(field) >= 3:
                if field[2] in group:
                    sys.exit("%s:%d: %s is in two groups" % (path, n, field[2]))
                group[field[2]] = field[1]
            elif field[0] == "differ" and len(field) >= 4:
                differ[frozenset(field[1:3])] = field[3]
            else:
                sys.exit("%s:%d: expected 'same GROUP ID NOTE' or 'differ ID ID WHY'" % (path, n))
    return group, differ


def page_id(row):
    return os.path.basename(str(row["id"]))


def is_fixture(i):
    """Readability's test pages are named by what they test, the news pages by a hash."""
    return not re.fullmatch(r"[0-9a-f]{64}\.html\.gz", i)


def short(text, width):
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[:width - 3] + "..."


def main():
    argv, options = eval_common.split_scan_options(sys.argv[1:])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--neardup", default=eval_common.default_binary(), help="binary (default: build/neardup, $NEARDUP)")
    ap.add_argument("--eval-dir", default=eval_common.SHARED_EVAL, help="the shared eval folder (../shared/eval)")
    ap.add_argument("--gold", default=GOLD, help="judgement file (scripts/story-pages-same.tsv)")
    ap.add_argument("--max-pairs", type=int, default=12, help="false pairs (or blocks of pairs between two near groups) listed per story (0: all)")
    ap.add_argument("--check", action="store_true", help="exit 1 when any page in a multi-page story is false")
    args = ap.parse_args(argv)

    dirs = [os.path.join(args.eval_dir, s) for s in SETS]
    missing = [d for d in dirs if not os.path.isdir(d)]
    if missing:
        eval_common.absent(", ".join(os.path.normpath(d) for d in missing))
    group, differ = read_gold(args.gold)
    rows = eval_common.scan_jsonl(args.neardup, dirs, options)
    by_id = {page_id(r): r for r in rows}
    unknown = sorted(i for i in group if i not in by_id)
    if unknown:
        print("warning: %d judged ids not in the scan: %s" % (len(unknown), " ".join(unknown)), file=sys.stderr)
    has_lang = any("lang" in r for r in rows)

    def same_story(a, b):
        ga, gb = group.get(a), group.get(b)
        return ga is not None and ga == gb

    def same_text(a, b):
        return by_id[a]["near"] == by_id[b]["near"]

    stories = collections.defaultdict(list)
    for r in rows:
        stories[r["story"]].append(page_id(r))
    multi = {s: ids for s, ids in stories.items() if len(ids) > 1}

    pages_in = sum(len(ids) for ids in multi.values())
    true_pages, false_pages = [], []
    pair_story = pair_near = 0
    false_pairs = collections.defaultdict(list)
    for s, ids in multi.items():
        for a, b in itertools.combinations(ids, 2):
            if same_story(a, b):
                pair_story += 1
            elif same_text(a, b):
                pair_near += 1
            else:
                false_pairs[s].append((a, b))
        for a in ids:
            ok = any(same_story(a, b) or same_text(a, b) for b in ids if b != a)
            (true_pages if ok else false_pages).append(a)
    pairs_in = sum(eval_common.comb2(len(ids)) for ids in multi.values())
    n_false_pairs = sum(len(p) for p in false_pairs.values())

    gold_groups = collections.defaultdict(list)
    for i, g in group.items():
        if i in by_id:
            gold_groups[g].append(i)
    gold_pairs = [(a, b) for ids in gold_groups.values() for a, b in itertools.combinations(sorted(ids), 2)]
    found = [(a, b) for a, b in gold_pairs if by_id[a]["story"] == by_id[b]["story"]]
    missed = [(a, b) for a, b in gold_pairs if by_id[a]["story"] != by_id[b]["story"]]

    print("scan options: %s" % (" ".join(options) or "(defaults)"))
    print("pages\t%d" % len(rows))
    print("multi-page stories\t%d" % len(multi))
    print("pages in them\t%d" % pages_in)
    print("  truly the same story as another page of theirs\t%d" % len(true_pages))
    print("  NOT the same story as any page of theirs (false pages)\t%d" % len(false_pages))
    print("pairs in them\t%d" % pairs_in)
    print("  true\t%d\t(same story %d, near copies %d)" % (pair_story + pair_near, pair_story, pair_near))
    print("  false\t%d\tin %d stories" % (n_false_pairs, len(false_pairs)))
    print("gold same-story pairs\t%d\tjoined %d\tmissed %d\trecall %.3f\t(%d groups, %d pages)" % (
        len(gold_pairs), len(found), len(missed), len(found) / len(gold_pairs) if gold_pairs else 1.0,
        len(gold_groups), sum(len(v) for v in gold_groups.values())))

    false_set = set(false_pages)
    if false_pairs:
        print("\nstories holding false pairs (* false page; near = near group; gold = group in %s):" %
              os.path.basename(args.gold))
    for s in sorted(false_pairs, key=lambda s: (-len(multi[s]), str(s))):
        ids = sorted(multi[s], key=lambda i: (str(by_id[i]["near"]), i))
        print("story %s: %d pages, %d false pairs" % (s, len(ids), len(false_pairs[s])))
        for i in ids:
            print("  %s %-28s near=%-5s gold=%-24s %s%s" % (
                "*" if i in false_set else " ", short(i, 28), by_id[i]["near"], group.get(i, "-"),
                ("lang=%s " % by_id[i].get("lang")) if has_lang else "", short(by_id[i].get("title"), 70)))
        # False pairs by the two near groups they join (a story of many copies stays short).
        blocks = collections.OrderedDict()
        for a, b in false_pairs[s]:
            na, nb = str(by_id[a]["near"]), str(by_id[b]["near"])
            if (na, nb) > (nb, na):
                a, b, na, nb = b, a, nb, na
            blocks.setdefault((na, nb), []).append((a, b))
        listed = list(blocks.items()) if args.max_pairs == 0 else list(blocks.items())[:args.max_pairs]
        for (na, nb), pairs in listed:
            a, b = pairs[0]
            why = next((differ[frozenset(p)] for p in pairs if frozenset(p) in differ), None)
            if why is None:
                why = "in no gold group together and not near copies" + (
                    " (filler test pages: one story only as near copies)"
                    if a not in group and b not in group and is_fixture(a) and is_fixture(b) else "")
            if len(pairs) == 1:
                print("    false: %s | %s: %s" % (short(a, 24), short(b, 24), why))
            else:
                print("    false: %d pairs between near %s (e.g. %s) and near %s (e.g. %s): %s" % (
                    len(pairs), na, short(a, 24), nb, short(b, 24), why))
        if len(listed) < len(blocks):
            print("    ... and %d more (--max-pairs 0 lists all)" % (len(blocks) - len(listed)))

    if missed:
        print("\ngold pairs the scan leaves in different stories (recall, informative):")
        for a, b in missed:
            print("  %-10s %s (story %s) | %s (story %s)" % (
                group[a], short(by_id[a].get("title"), 45), by_id[a]["story"],
                short(by_id[b].get("title"), 45), by_id[b]["story"]))

    if args.check:
        if false_pages:
            print("\ncheck FAILED: %d pages in multi-page stories are not the same story as any page of theirs"
                  % len(false_pages))
            sys.exit(1)
        print("\ncheck passed: no false page in a multi-page story")


if __name__ == "__main__":
    main()
