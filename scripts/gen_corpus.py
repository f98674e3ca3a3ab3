#!/usr/bin/env python3
"""Deterministic generator of large news corpora for benchmarks, with labels.

Base articles come from corpus/articles/ and corpus/seeds/ and, when present, from
../shared/eval/ (bbc-2005, reuters21578): real text with a realistic length distribution.
Each generated article is, by the seeded draw:
  original   a base article (cycled; past the first pass its sentences are reshuffled and a few
             words swapped so it is a new text),
  exact      an exact copy of an earlier generated article,
  near       an earlier article with edits: a few words swapped, boilerplate added, or truncated,
and a labels file says which (id, near_of, kind; beside the output, FILE.labels.tsv or
FOLDER.labels.tsv). Output: --format jsonl (optionally .zst via the
zstd command) or --format folder (nested folders of .txt files, --per-folder files each).

  scripts/gen_corpus.py --docs 100000 --dup-rate 0.3 --seed 1 -o /tmp/news100k.jsonl
  scripts/gen_corpus.py --docs 100000 --format folder -o /tmp/news100k/
"""
import argparse
import json
import pathlib
import random
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
BOILER = ["Sign up for our morning newsletter.", "Follow us for more local news.",
          "This article was updated with additional reporting.", "Reporting by staff; editing by the news desk."]


def base_texts():
    texts = [p.read_text() for p in sorted((ROOT / "corpus" / "articles").glob("*.txt"))]
    texts += [p.read_text() for p in sorted((ROOT / "corpus" / "seeds").glob("*.txt"))]
    for name in ("bbc-2005.jsonl", "reuters21578.jsonl"):
        path = ROOT.parent / "shared" / "eval" / name
        if path.exists():
            with open(path, encoding="utf-8", errors="replace") as f:
                texts += [json.loads(l)["text"] for l in f if l.strip()]
    return [t for t in texts if len(t.split()) >= 20]


def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def swap_words(rng, text, n):
    words = text.split(" ")
    for _ in range(n):
        i = rng.randrange(len(words))
        words[i] = rng.choice(words)
    return " ".join(words)


def variant(rng, text):
    kind = rng.randrange(3)
    if kind == 0:
        return swap_words(rng, text, max(1, len(text.split()) // 60))
    if kind == 1:
        return text + "\n\n" + rng.choice(BOILER)
    sents = sentences(text)
    return " ".join(sents[: max(1, len(sents) - 1)])


def generate(args):
    rng = random.Random(args.seed)
    bases = base_texts()
    made = []
    for i in range(args.docs):
        if made and rng.random() < args.dup_rate:
            src = rng.randrange(len(made))
            if rng.random() < 0.5:
                made.append((made[src][0], src, "exact"))
            else:
                made.append((variant(rng, made[src][0]), src, "near"))
            continue
        text = bases[i % len(bases)]
        if i >= len(bases):  # a new text from an old one: shuffled sentences, swapped words
            sents = sentences(text)
            rng.shuffle(sents)
            text = swap_words(rng, " ".join(sents), 3 + len(text.split()) // 20)
        made.append((text, -1, "original"))
    return made


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--dup-rate", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", choices=["jsonl", "folder"], default="jsonl")
    ap.add_argument("--per-folder", type=int, default=1000)
    ap.add_argument("--id-prefix", default="doc", help="ids are PREFIX + 8 digits")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    made = generate(args)
    out = pathlib.Path(args.output)
    ids = ["%s%08d" % (args.id_prefix, i) for i in range(len(made))]
    if args.format == "jsonl":
        plain = out.with_suffix("") if out.suffix == ".zst" else out
        with open(plain, "w", encoding="utf-8") as f:
            for doc_id, (text, _, _) in zip(ids, made):
                f.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
        if out.suffix == ".zst":
            subprocess.run(["zstd", "-q", "-f", "--rm", str(plain), "-o", str(out)], check=True)
        labels = out.parent / (out.name.split(".")[0] + ".labels.tsv")
    else:
        for n, (doc_id, (text, _, _)) in enumerate(zip(ids, made)):
            folder = out / ("%04d" % (n // args.per_folder))
            folder.mkdir(parents=True, exist_ok=True)
            (folder / (doc_id + ".txt")).write_text(text, encoding="utf-8")
        # beside the folder, not in it: a scan of the folder reads only articles
        labels = out.parent / (out.name + ".labels.tsv")
    with open(labels, "w") as f:
        f.write("id\tnear_of\tkind\n")
        for doc_id, (_, src, kind) in zip(ids, made):
            f.write("%s\t%s\t%s\n" % (doc_id, ids[src] if src >= 0 else "", kind))


if __name__ == "__main__":
    main()
