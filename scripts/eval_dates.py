#!/usr/bin/env python3
"""Dates that cannot be true (issue 21): one index night of copies of held Reuters articles, with
and without articles whose dates cannot be true, measured as `neardup index query` reports them.

Reuters-21578 (../shared/eval/reuters21578.jsonl) has ids and texts only: the script dates them.
The index holds --held articles dated over the --days (5) days before now; tonight brings --copies
copies of held articles (new ids, the same text, dated an hour ago), then again with one more
article dated 2099-01-01 (a copy of another held article), then with one more dated 1970-01-01.
Each night runs with --window and the story window (30d); it prints, per night, what the
summary line "tonight:" says (copies of held articles, in held stories, new stories), how many
of the copies matched the same held article and kept their story id in the night with the bad
dates, its "implausible dates" line, and whether the copy dated 1970 was kept (it must not be:
--keep picks the earliest dated member of a group).

Usage: scripts/eval_dates.py [--neardup build/neardup] [--held 2000] [--copies 200]
       [--window 7d] [--check]   (--check: exit 1 unless every copy matches its held article
                                  in both nights, with the same story id, the summary says
                                  "implausible dates: 2" and the 1970 copy is not kept)
"""
import argparse
import json
import pathlib
import random
import re
import subprocess
import sys
import tempfile
import time

REUTERS = pathlib.Path(__file__).resolve().parent.parent.parent / "shared/eval/reuters21578.jsonl"


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def night(neardup, db, path, window, tmp):
    keep = tmp / "keep.txt"
    cmd = [neardup, "index", "query", "--db", str(db), "--date-field", "date", "--window", window,
           "--keep", str(keep), "-o", str(tmp / "rows.tsv"), str(path)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("neardup failed: " + p.stderr)
    rows = [l.split("\t") for l in (tmp / "rows.tsv").read_text().splitlines()]
    head, rows = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(head)}
    m = re.search(r"tonight: (\d+) new articles.*?: (\d+) copies of held articles, (\d+) in held "
                  r"stories, (\d+) new stories", p.stderr)
    implausible = re.search(r"implausible dates: [^\n]*", p.stderr)
    windows = re.findall(r"(?:story )?window: [^\n]*", p.stderr)
    return {
        "articles": int(m.group(1)), "copies": int(m.group(2)),
        "in_held_stories": int(m.group(3)), "new_stories": int(m.group(4)),
        "stories": {r[col["id"]]: r[col["story"]] for r in rows},
        "actions": {r[col["id"]]: r[col["action"]] for r in rows},
        "matched": {r[col["id"]]: r[col["matched_near"]] for r in rows},
        "kept": set(keep.read_text().split()),
        "implausible": implausible.group(0) if implausible else "(no implausible dates line)",
        "windows": windows,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--neardup", default="build/neardup")
    ap.add_argument("--reuters", default=str(REUTERS))
    ap.add_argument("--held", type=int, default=2000)
    ap.add_argument("--copies", type=int, default=200)
    ap.add_argument("--days", type=int, default=5)
    ap.add_argument("--window", default="7d")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    docs = []
    with open(a.reuters, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if len(d["text"].split()) >= 40:  # articles, not one-line tables
                docs.append(d)
            if len(docs) == a.held:
                break
    now = int(time.time())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        held = tmp / "held.jsonl"
        with open(held, "w", encoding="utf-8") as f:
            for i, d in enumerate(docs):
                t = now - (a.days * 86400 * (len(docs) - i)) // len(docs)
                f.write(json.dumps({"id": d["id"], "date": iso(t), "text": d["text"]}) + "\n")
        db = tmp / "held.db"
        subprocess.run([a.neardup, "index", "add", "-q", "--db", str(db), "--date-field", "date",
                        "-o", "/dev/null", str(held)], check=True)
        picked = rng.sample(docs, a.copies + 2)
        copies = [{"id": "copy-" + d["id"], "date": iso(now - 3600), "text": d["text"]}
                  for d in picked[:a.copies]]
        bad = [{"id": "future-" + picked[-2]["id"], "date": "2099-01-01", "text": picked[-2]["text"]},
               {"id": "epoch-" + picked[-1]["id"], "date": "1970-01-01", "text": picked[-1]["text"]}]
        nights = []
        for name, extra in (("clean", []), ("future", bad[:1]), ("dirty", bad)):
            path = tmp / (name + ".jsonl")
            lines = copies[:a.copies // 2] + extra[:1] + copies[a.copies // 2:] + extra[1:]
            path.write_text("".join(json.dumps(c) + "\n" for c in lines), encoding="utf-8")
            nights.append(night(a.neardup, db, path, a.window, tmp))
        a_night, f_night, b_night = nights
    same_stories = sum(1 for k, v in a_night["stories"].items() if b_night["stories"].get(k) == v)
    same_copies = sum(1 for k, v in a_night["matched"].items()
                      if v and b_night["matched"].get(k) == v)
    epoch_id = bad[1]["id"]
    for name, n in (("without the bad dates", a_night), ("with 2099", f_night),
                    ("with 2099 and 1970", b_night)):
        print("%-22s %d articles: %d copies of held articles, %d in held stories, %d new stories"
              % (name, n["articles"], n["copies"], n["in_held_stories"], n["new_stories"]))
        for w in n["windows"]:
            print("%-22s   %s" % ("", w))
    print("implausible:           " + b_night["implausible"])
    print("of tonight's %d copies: %d matched the same held article in both nights, %d have the "
          "same story id in both" % (len(copies), same_copies, same_stories))
    print("the copy dated 1970: action %s, %s" % (b_night["actions"].get(epoch_id),
          "kept (wrong)" if epoch_id in b_night["kept"] else "not kept"))
    if a.check:
        ok = (a_night["copies"] == len(copies) and same_copies == len(copies) and
              same_stories == len(copies) and b_night["copies"] == len(copies) + 2 and
              "implausible dates: 2 " in b_night["implausible"] and
              epoch_id not in b_night["kept"])
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
