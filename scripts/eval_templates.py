#!/usr/bin/env python3
"""Web pages across site templates: does `neardup scan` see the article, not the site?

From ../shared/eval/article-extraction/ (181 real pages of 181 sites with their article bodies)
it builds pages the way scrapers meet them: ARTICLES articles, each put into the real templates
of three different sites (the template's own article paragraphs replaced by the article's), and
every template holding every article, so that different articles share templates. Then it scans
the folder and prints:
  - the share of articles whose three copies are one near group and one story (want >= 95%);
  - false near pairs and false story pairs: pairs of different articles in one group, over all
    pairs of different articles sharing a template, beside the same for the plain texts.
  scripts/eval_templates.py [--neardup build/neardup] [--articles 40] [--html main|all]

With --short N (issue 22: short articles on heavy templates): every usable template carries N
short articles (Reuters-21578 items of 40-80 words, prose, no two sharing a passage), each
article on three templates, so that most of every page is its template's own text. Also prints
how much of each page `neardup extract` keeps that is template (the article's share of it).
  scripts/eval_templates.py --short 30 [--reuters ../shared/eval/reuters21578.jsonl]
"""
import argparse, collections, html, itertools, json, pathlib, random, re, subprocess, sys, tempfile, gzip

P_RE = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S | re.I)
TAG_RE = re.compile(r"<[^>]+>")
SCRIPT_RE = re.compile(r"<script\b.*?</script>", re.S | re.I)

def words(s):
    return re.findall(r"\w+", s.lower())

def template_slots(page, body):
    """Spans of the <p> elements that hold the page's own article: of the paragraphs whose words
    belong to it, the run that lies together and holds most words (a teaser in a sidebar or a
    hidden newsletter box may use the same words; the article goes where the article was)."""
    article = set(words(body))
    scripts = [m.span() for m in SCRIPT_RE.finditer(page)]  # markup inside a script is not the page's
    runs, asides = [], []
    for m in P_RE.finditer(page):
        if any(a <= m.start() < b for a, b in scripts):
            continue
        w = words(html.unescape(TAG_RE.sub(" ", m.group(1))))
        if len(w) >= 5 and sum(x in article for x in w) >= 0.8 * len(w):
            # A photo's or video's caption, or a list item, that repeats the article's words is
            # taken out but is no place for the article: an extractor leaves those out.
            if in_aside(page, m.start()):
                asides.append(m.span())
                continue
            if not runs or m.start() - runs[-1][-1][0][1] > 3000:
                runs.append([])
            runs[-1].append((m.span(), len(w)))
    if not runs:
        return []
    best = max(runs, key=lambda run: sum(n for _, n in run))
    # The article goes at the start of that run's longest stretch of paragraphs that follow one
    # another closely (the body, not a standfirst in the header above it); every matching
    # paragraph is taken out.
    stretches = [[best[0]]]
    for prev, cur in zip(best, best[1:]):
        if cur[0][0] - prev[0][1] > 300:
            stretches.append([])
        stretches[-1].append(cur)
    at = max(stretches, key=lambda run: sum(n for _, n in run))[0][0]
    return [at] + [span for run in runs for span, _ in run if span != at] + asides

OPEN_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")

def in_aside(page, at):
    """Whether the element that holds position `at` (its nearest open ancestors, read back up
    to three levels) is a caption or a list item."""
    depth, seen = 0, 0
    for m in reversed(list(OPEN_RE.finditer(page, max(0, at - 3000), at))):
        closing, tag, attrs = m.group(1), m.group(2).lower(), m.group(3).lower()
        if tag in ("br", "img", "hr", "input", "meta", "link", "source", "wbr") or attrs.endswith("/"):
            continue
        if closing:
            depth += 1
            continue
        if depth > 0:
            depth -= 1
            continue
        if tag in ("figcaption", "li") or "caption" in attrs:
            return True
        seen += 1
        if seen == 3:
            return False
    return False

LD_RE = re.compile(r"<script[^>]*application/ld\+json[^>]*>.*?</script>", re.S | re.I)
TITLE_RE = re.compile(r"<title[^>]*>.*?</title>", re.S | re.I)
OG_RE = re.compile(r"<meta[^>]*(og:title|og:description|twitter:title)[^>]*>", re.I)
# Not across a script's end: a script writing '<h1 ...>' into a page has no "</h1>" of its own.
H1_RE = re.compile(r"(<h1\b[^>]*>)((?:(?!</?script\b).)*?)(</h1>)", re.S | re.I)

def keeps_scripts(page, filled):
    """Whether filling left every script closed (an edit across a script's end would turn the
    rest of the page into script text)."""
    balance = lambda p: p.lower().count("<script") - p.lower().count("</script")
    return balance(filled) == balance(page)

def fill(page, spans, paragraphs):
    """The template with the article's paragraphs in place of its own, and its own headline,
    title and JSON-LD (which name the template's article, not this one) replaced or removed."""
    new = "".join("<p>%s</p>" % html.escape(p) for p in paragraphs)
    out, last = [], 0
    for a, b in sorted(spans):
        out.append(page[last:a])
        if (a, b) == spans[0]:
            out.append(new)
        last = b
    out.append(page[last:])
    page = "".join(out)
    headline = html.escape(" ".join(paragraphs[0].split()[:10]))
    page = LD_RE.sub("", page)
    page = OG_RE.sub("", page)
    page = TITLE_RE.sub("<title>%s | Site</title>" % headline, page, count=1)
    return H1_RE.sub(lambda m: m.group(1) + headline + m.group(3), page)

def short_articles(path, count, rng):
    """`count` short prose items of Reuters-21578 (40-80 words; a fifth of them stop words, so
    no tables of figures), none sharing a tenth of its word 5-grams with those before, as lists of paragraphs (headline first;
    the wire's hard-wrapped lines joined, an indented line starting a paragraph)."""
    stop = {"the", "a", "an", "of", "to", "in", "and", "for", "on", "at", "by", "with", "said", "was",
            "is", "it", "that", "from", "as", "be", "will", "has", "its", "this", "would"}
    items, seen = [], set()
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    rng.shuffle(rows)
    for row in rows:
        w = words(row["text"])
        if not 40 <= len(w) <= 80 or sum(x in stop for x in w) < 0.2 * len(w):
            continue
        grams = {tuple(w[k:k + 5]) for k in range(len(w) - 4)}
        if len(grams & seen) > 0.1 * len(grams):  # a passage in common, not a stock phrase
            continue
        seen |= grams
        lines = row["text"].replace("\r", "").split("\n")
        paras, cur = [], []
        for line in lines:
            if not line.strip() or (line.startswith("    ") and cur):
                if cur:
                    paras.append(" ".join(cur))
                cur = []
            if line.strip():
                cur.append(line.strip())
            if len(paras) == 0 and len(cur) == 1:  # the headline is a paragraph of its own
                paras.append(cur.pop())
        if cur:
            paras.append(" ".join(cur))
        items.append([p for p in paras if p.strip()])
        if len(items) == count:
            return items
    sys.exit("only %d short Reuters items, %d wanted" % (len(items), count))


def template_share(neardup, folder, texts):
    """What `neardup extract` keeps of the pages: per template (folder), the median share of
    the extracted words that are not the article's (what a heavy template leaves), sorted; and
    per template, the pages whose extracted text lacks a fifth or more of their article's words."""
    out = subprocess.run([neardup, "extract", "-q", "--site-boilerplate", "keep", str(folder)],
                         check=True, capture_output=True, text=True).stdout
    per = collections.defaultdict(list)
    missed = collections.Counter()
    for line in out.splitlines():
        d = json.loads(line)
        name = str(d["id"]).split("/")[-1]
        article = words(" ".join(texts[int(name[1:5])]))
        w = words(d.get("text", ""))
        kept = set(w)
        if sum(x in kept for x in article) < 0.8 * len(article):
            missed[name[6:14]] += 1
        if w:
            known = set(article)
            per[name[6:14]].append(sum(x not in known for x in w) / len(w))
    return sorted(sorted(v)[len(v) // 2] for v in per.values()), missed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--neardup", default="build/neardup")
    ap.add_argument("--bench", default="../shared/eval/article-extraction")
    ap.add_argument("--articles", type=int, default=40)
    ap.add_argument("--templates", type=int, default=12)
    ap.add_argument("--html", default="main")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", help="write the pages into this folder (kept) instead of a temporary one")
    ap.add_argument("--short", type=int, default=0, metavar="N",
                    help="N short articles per template, on every usable template (see above)")
    ap.add_argument("--reuters", default="../shared/eval/reuters21578.jsonl")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 unless false near pairs are 0 and copies are one near group for "
                         ">= 95%% of articles (issue 22's targets)")
    args = ap.parse_args()
    bench = pathlib.Path(args.bench)
    truth = json.loads((bench / "ground-truth.json").read_text())
    rng = random.Random(args.seed)
    ids = sorted(truth)
    pages = {}
    for k in ids:
        page = gzip.decompress((bench / "html" / (k + ".html.gz")).read_bytes()).decode("utf-8", "replace")
        spans = template_slots(page, truth[k]["articleBody"])
        # Only templates whose own article sits wholly in those paragraphs: elsewhere the old
        # article would stay on the page beside the new one.
        covered = sum(len(words(TAG_RE.sub(" ", page[a:b]))) for a, b in spans)
        if len(spans) >= 3 and covered >= 0.9 * len(words(truth[k]["articleBody"])) \
                and keeps_scripts(page, fill(page, spans, ["A short test article of a few words."])):
            pages[k] = (page, spans)
    if args.short:
        templates = sorted(pages)
        texts = short_articles(args.reuters, len(templates) * args.short // 3, rng)
        # Article i on templates i, i + 5 and i + 11 (mod T): N articles per template.
        offsets = (0, 5, 11)
    else:
        templates = rng.sample(sorted(pages), args.templates)
        bodies = [k for k in ids if k not in templates and len(words(truth[k]["articleBody"])) >= 80]
        chosen = rng.sample(bodies, min(args.articles, len(bodies)))
        texts = [[p for p in truth[a]["articleBody"].split("\n") if p.strip()] for a in chosen]
        offsets = (0, 5, 10)
    articles = list(range(len(texts)))
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(args.keep or tmp)
        (root / "web").mkdir(parents=True, exist_ok=True)
        (root / "plain").mkdir(exist_ok=True)
        placed = {}  # article -> its three templates
        for i in articles:
            paras = texts[i]
            (root / "plain" / ("a%04d.txt" % i)).write_text("\n\n".join(paras))
            placed[i] = [templates[(i + o) % len(templates)] for o in offsets]
            for t in placed[i]:
                page, spans = pages[t]
                # Each template's pages in a folder of their own: the folder is their site (a
                # page's canonical URL names none unless its host is the folder's name).
                (root / "web" / t[:8]).mkdir(exist_ok=True)
                (root / "web" / t[:8] / ("a%04d-%s.html" % (i, t[:8]))).write_text(fill(page, spans, paras))
        share = template_share(args.neardup, root / "web", texts) if args.short else None
        def scan(folder):
            html_opt = [] if args.html == "main" else ["--html", args.html]  # older builds lack it
            out = subprocess.run([args.neardup, "scan", "-q", *html_opt, str(folder)],
                                 check=True, capture_output=True, text=True).stdout.splitlines()[1:]
            return [(r.split("\t")[0], r.split("\t")[1], r.split("\t")[2]) for r in out]
        web = scan(root / "web")
        plain = scan(root / "plain")
    art = lambda doc_id: int(doc_id.split("/")[-1][1:5])
    tpl = lambda doc_id: doc_id.split("/")[-1][6:14]
    near_ok = story_ok = 0
    for i in range(len(articles)):
        rows = [r for r in web if art(r[0]) == i]
        near_ok += len(rows) == 3 and len({r[1] for r in rows}) == 1
        story_ok += len(rows) == 3 and len({r[2] for r in rows}) == 1
    pairs = false_near = false_story = 0
    for x, y in itertools.combinations(web, 2):
        if art(x[0]) != art(y[0]) and tpl(x[0]) == tpl(y[0]):
            pairs += 1
            false_near += x[1] == y[1]
            false_story += x[2] == y[2]
    plain_pairs = plain_story = 0
    for x, y in itertools.combinations(plain, 2):
        plain_pairs += 1
        plain_story += x[2] == y[2]
    n = len(articles)
    print("articles\t%d on %d real templates (3 each), %d pages" % (n, len(templates), len(web)))
    if share:
        share, missed = share
        print("template share of the extracted text\tmedian %.2f, >= 0.9 on %d of %d templates"
              % (share[len(share) // 2], sum(x >= 0.9 for x in share), len(share)))
        print("pages whose extraction lacks their article\t%d of %d, on %d templates (worst: %s)"
              % (sum(missed.values()), len(web), len(missed),
                 ", ".join("%s %d" % m for m in missed.most_common(5))))
    if args.short:
        groups = collections.Counter(r[1] for r in web)
        mixed = collections.defaultdict(set)
        for r in web:
            mixed[r[1]].add(art(r[0]))
        worst = max(mixed.values(), key=len)
        print("largest near group\t%d pages of %d different articles" % (groups.most_common(1)[0][1], len(worst)))
    print("three_copies_one_near_group\t%.3f" % (near_ok / n))
    print("three_copies_one_story\t%.3f" % (story_ok / n))
    print("false_near_pairs_same_template\t%.4f (%d of %d)" % (false_near / max(1, pairs), false_near, pairs))
    print("false_story_pairs_same_template\t%.4f (%d of %d)" % (false_story / max(1, pairs), false_story, pairs))
    print("false_story_pairs_plain_text\t%.4f (%d of %d)" % (plain_story / max(1, plain_pairs), plain_story, plain_pairs))
    if args.check and (false_near > 0 or near_ok < 0.95 * n):
        print("check failed: want 0 false near pairs and >= 0.95 of copies in one near group", file=sys.stderr)
        return 1
    return 0

if __name__ == "__main__":
    sys.exit(main())
