#!/usr/bin/env python3
"""Builds corpus/news/ and corpus/golden/news/input.jsonl from corpus/articles/*.txt.

Deterministic (fixed seed): for every original article it writes the kinds of copies a news
scraper collects, and corpus/news-labels.tsv (id, story, kind):
  <slug>.txt            the original
  wire/<slug>.txt       a syndicated exact copy
  web/<slug>.html       the same text in a web page with navigation and footer boilerplate
  rewrites/             hand-written, kept: a rewrite of the storm story in other words, and a
                        different weather event (a flood) that must stay a separate story
  feed.jsonl            one line each: the original (dated), a lightly edited copy (a few words
                        changed), a copy with an agency credit paragraph added, a copy without
                        its last sentence
Run it after editing the articles, then scripts/update_golden.sh.
"""
import html
import json
import pathlib
import random

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "corpus" / "articles"
NEWS = ROOT / "corpus" / "news"
GOLDEN = ROOT / "corpus" / "golden" / "news"

SWAPS = [("said", "stated"), ("about", "around"), ("main", "principal"), ("will", "would"),
         ("after", "following"), ("people", "residents"), ("new", "fresh")]


def edit_words(text, rng, edits=3):
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if any(w == a for a, _ in SWAPS)]
    for i in rng.sample(spots, min(edits, len(spots))):
        words[i] = dict(SWAPS)[words[i]]
    return " ".join(words)


def page(title, paragraphs):
    body = "\n".join("<p>%s</p>" % html.escape(p) for p in paragraphs)
    return ("<!doctype html>\n<html><head><title>%s</title>\n"
            "<script>window.analytics = {page: 'article'};</script>\n"
            "<style>body { font-family: serif; }</style></head>\n<body>\n"
            "<nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>\n<article>\n%s\n</article>\n"
            "<footer>Copyright &copy; 2025 Coastal Daily.</footer>\n</body></html>\n"
            % (html.escape(title), body))


def main():
    rng = random.Random(2025)
    (NEWS / "wire").mkdir(parents=True, exist_ok=True)
    (NEWS / "web").mkdir(parents=True, exist_ok=True)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    feed, labels = [], []
    for day, path in enumerate(sorted(ARTICLES.glob("*.txt"))):
        slug = path.stem
        title, *paragraphs = [p.strip() for p in path.read_text().split("\n\n") if p.strip()]
        text = "\n\n".join(paragraphs)
        full = title + "\n\n" + text + "\n"
        (NEWS / (slug + ".txt")).write_text(full)
        (NEWS / "wire" / (slug + ".txt")).write_text(full)
        (NEWS / "web" / (slug + ".html")).write_text(page(title, paragraphs))
        date = "2025-03-%02dT08:00:00Z" % (day + 1)
        variants = [
            ("original", text, date),
            ("edited", edit_words(text, rng), "2025-03-%02dT11:30:00Z" % (day + 1)),
            ("credited", text + "\n\nReporting by the Coastal Daily news desk; editing by staff.", None),
            ("truncated", text[:text.rstrip(".").rfind(". ") + 1], None),
        ]
        for kind, body, when in variants:
            rec = {"id": "%s-%s" % (slug, kind), "title": title, "text": body}
            if when:
                rec["date"] = when
            feed.append(rec)
            labels.append((rec["id"], slug, kind))
        labels += [(slug + ".txt", slug, "original-file"), ("wire/%s.txt" % slug, slug, "exact-copy"),
                   ("web/%s.html" % slug, slug, "web-page")]
    # Hand-written rewrites (same story, other words) and a different event of the same kind.
    labels += [("rewrites/coast-storm-blackout.txt", "storm-power-outage", "rewrite"),
               ("rewrites/river-flood-evacuation.txt", "river-flood-evacuation", "original-file")]
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in feed)
    (NEWS / "feed.jsonl").write_text(lines)
    (GOLDEN / "input.jsonl").write_text(lines)
    # Beside the folder, not in it: a scan of corpus/news reads only articles.
    (NEWS.parent / "news-labels.tsv").write_text("id\tstory\tkind\n" + "".join("\t".join(l) + "\n" for l in labels))


if __name__ == "__main__":
    main()
