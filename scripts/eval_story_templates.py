#!/usr/bin/env python3
"""Wire templates on Reuters-21578: are different companies' results one story?

Reads ../shared/eval/reuters21578.jsonl (id, text; the text's first line is the title, in
capitals) and finds the earnings reports by their title: "<company> <period> [date] ... <figure>",
where the period is 1ST..4TH/FIRST..FOURTH QTR/QUARTER/HALF, NINE/SIX/THREE/12 MTHS, (FISCAL) YEAR,
QTR or QUARTER, and the rest names NET, SHR, SHRS, LOSS, PROFIT or EARNINGS; titles whose
company part holds a verb (SEES, EXPECTS, TO, HAD, POSTS, AFFIRMS, ...: forecasts and comments,
not the report) are left out. The company is the title's words before the period, upper case,
without <TICKER> or (TICKER), punctuation and trailing legal words (INC, CORP, CO, LTD, ...),
runs of single letters joined (U.S., U S: US); a title that is all <NAME> or (NAME) (a private
company) gives NAME.

Runs `neardup scan -f jsonl` on the file (extra scan options after `--`) and prints: pairs of
earnings reports of different companies in one story, the largest story counted in such reports
(distinct companies), the stories holding 2+ companies' reports (the largest listed), pairs of
the same company's reports in one story (informative), and the near groups: their number and a
fingerprint of the partition (sha256 of its sorted groups of 2+ ids; any other document is
alone) so a later run can check that they did not change; --near-baseline FILE saves the
partition when FILE does not exist and compares with it when it does ("near groups:
unchanged", or how many documents changed group).

  scripts/eval_story_templates.py --near-baseline /tmp/reuters-near.tsv     (first run saves)
  scripts/eval_story_templates.py --near-baseline scripts/reuters-near-baseline.tsv --check -- -j 2
scripts/reuters-near-baseline.tsv holds the near groups of main on 2026-12-03 (5687ea6, default
options).
Issue 21's targets (--check exits 1 when one fails): at most 500 different-company pairs, no story
of more than 10 companies' reports, near groups unchanged against the baseline when one is given.
"""
import argparse
import collections
import hashlib
import json
import os
import re
import sys

import eval_common

PERIOD = (r"(?:(?:1ST|2ND|3RD|4TH|4RTH|FIRST|SECOND|THIRD|FOURTH)[\s-]+(?:QTR|QUARTER|HALF)"
          r"|(?:NINE|SIX|THREE|TWELVE|9|6|3|12)[\s-]+(?:MTHS?|MONTHS)"
          r"|YEAR|QTR|QUARTER)")
TITLE = re.compile(r"^(?P<company>.+?)\s+(?:FISCAL\s+)?" + PERIOD + r"\b(?P<rest>.*)$")
FIGURE = re.compile(r"\b(NET|SHR|SHRS|LOSS|PROFIT|EARNINGS)\b")
# Words that make the title a forecast or a comment on results rather than the report itself.
VERBS = frozenset("SEES SEE EXPECTS EXPECT SAYS SAID PREDICTS FORECASTS ESTIMATES PROJECTS TO WILL HAD "
                  "HAVE HAS CUT CUTS ROSE RISES FELL FALLS REPORTS POSTS REPORT ADDS SHOWS TAKE TAKES "
                  "LOWER HIGHER FLAT AFFIRMS AFTER ITS".split())
LEGAL = frozenset("INC CORP CORPORATION CO COS COMPANY LTD PLC LP NV SA AG THE AND".split())


def company_of(title):
    """The normalised company of an earnings report's title, or None when it is not one."""
    m = TITLE.match(title)
    if not m or not FIGURE.search(m.group("rest")):
        return None
    company = m.group("company").strip()
    whole = re.fullmatch(r"<([^<>]*)>|\(([^()]*)\)", company)
    if whole:
        company = whole.group(1) or whole.group(2) or ""
    else:
        company = re.sub(r"<[^>]*>|\([^()\s]*\)", " ", company)  # <TICKER>, (TICKER)
        if VERBS & set(company.split()):
            return None
    # U.S., U S and US are one spelling: runs of single letters are joined (A.G. EDWARDS: AG EDWARDS).
    words, run = [], False
    for w in re.sub(r"[^A-Z0-9 ]+", " ", company.upper()).split():
        if len(w) == 1 and w.isalpha():
            if run:
                words[-1] += w
            else:
                words.append(w)
            run = True
        else:
            words.append(w)
            run = False
    while len(words) > 1 and words[-1] in LEGAL:
        words.pop()
    return " ".join(words) or None


def read_titles(path):
    titles = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                titles[str(rec["id"])] = rec.get("text", "").lstrip().split("\n", 1)[0].strip()
    return titles


def partition_text(groups):
    """Canonical text of a partition: one line per group, ids sorted, groups sorted."""
    lines = sorted("\t".join(sorted(g)) for g in groups)
    return "\n".join(lines) + "\n"


def read_baseline(path):
    groups = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                groups.append(line.split("\t"))
    return groups


def changed_docs(old_groups, new_groups):
    """Documents whose group (the set of its members) differs, counting added and missing ones."""
    def member_sets(groups):
        sets = {}
        for g in groups:
            s = frozenset(g)
            for i in g:
                sets[i] = s
        return sets
    old, new = member_sets(old_groups), member_sets(new_groups)
    return sorted(i for i in set(old) | set(new) if old.get(i) != new.get(i))


def main():
    argv, options = eval_common.split_scan_options(sys.argv[1:])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--neardup", default=eval_common.default_binary(), help="binary (default: build/neardup, $NEARDUP)")
    ap.add_argument("--input", default=os.path.join(eval_common.SHARED_EVAL, "reuters21578.jsonl"))
    ap.add_argument("--near-baseline", metavar="FILE",
                    help="near partition: saved to FILE when it does not exist, else compared with it")
    ap.add_argument("--show", type=int, default=5, help="stories of 2+ companies listed (largest first)")
    ap.add_argument("--max-pairs", type=int, default=500, help="--check: most different-company pairs")
    ap.add_argument("--max-companies", type=int, default=10, help="--check: most companies in one story")
    ap.add_argument("--check", action="store_true", help="exit 1 when one of issue 21's targets fails")
    args = ap.parse_args(argv)

    if not os.path.isfile(args.input):
        eval_common.absent(os.path.normpath(args.input))
    titles = read_titles(args.input)
    company = {}
    for i, t in titles.items():
        c = company_of(t)
        if c:
            company[i] = c
    print("scan options: %s" % (" ".join(options) or "(defaults)"))
    print("documents\t%d" % len(titles))
    print("earnings reports\t%d\t(%d companies)" % (len(company), len(set(company.values()))))

    rows = eval_common.scan_jsonl(args.neardup, [args.input], options)
    story_reports = collections.defaultdict(list)
    near = collections.defaultdict(list)
    for r in rows:
        i = str(r["id"])
        near[r["near"]].append(i)
        if i in company:
            story_reports[r["story"]].append(i)

    diff_pairs = same_pairs = 0
    mixed = []
    for s, ids in story_reports.items():
        per = collections.Counter(company[i] for i in ids)
        same = sum(eval_common.comb2(n) for n in per.values())
        same_pairs += same
        diff_pairs += eval_common.comb2(len(ids)) - same
        if len(per) > 1:
            mixed.append((len(per), len(ids), s, per))
    mixed.sort(key=lambda m: (-m[0], -m[1], str(m[2])))
    largest = mixed[0][0] if mixed else (1 if story_reports else 0)
    story_size = collections.Counter(r["story"] for r in rows)

    print("pairs of different companies' reports in one story\t%d" % diff_pairs)
    print("largest story in companies\t%d%s" % (largest, ("\t(story %s: %d reports, %d documents)" % (
        mixed[0][2], mixed[0][1], story_size[mixed[0][2]])) if mixed else ""))
    print("stories holding 2+ companies' reports\t%d\t(%d reports in them)" % (
        len(mixed), sum(m[1] for m in mixed)))
    print("pairs of the same company's reports in one story\t%d\t(informative)" % same_pairs)
    for n_comp, n_rep, s, per in mixed[:args.show]:
        sample = [i for i in story_reports[s]][:3]
        print("  story %s: %d companies, %d reports, %d documents; e.g. %s" % (
            s, n_comp, n_rep, story_size[s], " | ".join(titles[i][:60] for i in sample)))

    # The partition is its groups of 2+ documents (every other document is alone).
    multi = [g for g in near.values() if len(g) > 1]
    text = partition_text(multi)
    fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    print("near groups\t%d\t(%d of 2+ documents holding %d; fingerprint %s)" % (
        len(near), len(multi), sum(len(g) for g in multi), fingerprint))

    near_changed = False
    if args.near_baseline:
        if os.path.exists(args.near_baseline):
            old = read_baseline(args.near_baseline)
            if partition_text(old) == text:
                print("near groups: unchanged (against %s)" % args.near_baseline)
            else:
                changed = changed_docs(old, multi)
                near_changed = True
                print("near groups: CHANGED against %s: %d documents in a different group, e.g. %s" % (
                    args.near_baseline, len(changed), " ".join(changed[:10])))
        else:
            with open(args.near_baseline, "w", encoding="utf-8") as f:
                f.write("# neardup near groups of 2+ documents of %s (one a line, ids tab-separated), options: %s, "
                        "fingerprint %s\n" % (os.path.basename(args.input), " ".join(options) or "-", fingerprint))
                f.write(text)
            print("near groups: baseline saved to %s" % args.near_baseline)

    if args.check:
        failed = []
        if diff_pairs > args.max_pairs:
            failed.append("%d different-company pairs > %d" % (diff_pairs, args.max_pairs))
        if largest > args.max_companies:
            failed.append("a story of %d companies > %d" % (largest, args.max_companies))
        if near_changed:
            failed.append("near groups changed")
        if failed:
            print("check FAILED: " + "; ".join(failed))
            sys.exit(1)
        print("check passed")


if __name__ == "__main__":
    main()
