#!/usr/bin/env python3
"""Extraction F1 of `neardup extract` on a page set with its ground truth.

Runs `neardup extract` over BENCH/html/ (pages as .html.gz), writes the benchmark's output format
into a scratch copy of the benchmark folder, scores it with the benchmark's own evaluate.py
(token-shingle precision/recall/F1 with bootstrap), and prints the published extractors' scores
beside it (--others), computed the same way. Also prints MB/s of HTML.

A set without an evaluate.py of its own (../shared/eval/readability-pages/, same ground-truth.json
layout) is scored with the article-extraction set's (--scorer, default: the evaluate.py of BENCH,
else ../article-extraction/evaluate.py beside it).

  scripts/eval_extract.py [--neardup build/neardup] [--html main|all] [--bench DIR]
                          [--per-page N] [--dump DIR]

Pages are extracted one by one (--site-boilerplate keep, the default here): a set's folder holds
pages of many sites, and scan's site boilerplate, which reads a folder as one site, would take
out the paragraphs different test pages share (readability's fixtures share their lorem ipsum
and "Test document title" paragraphs: 0.839 -> 0.776). --site-boilerplate auto scores what
`neardup extract PAGES/` writes by default.

--per-page N lists the N pages of lowest F1 (all with 0) with their precision and recall,
--dump DIR writes each page's extracted text to DIR/<id>.txt (the truth beside it, .truth.txt).
"""
import argparse, gzip, importlib.util, json, pathlib, shutil, subprocess, sys, tempfile, time


def find_scorer(bench, scorer):
    if scorer:
        return pathlib.Path(scorer)
    own = bench / "evaluate.py"
    if own.exists():
        return own
    other = bench.parent / "article-extraction" / "evaluate.py"
    if other.exists():
        return other
    sys.exit(f"eval_extract.py: {bench} has no evaluate.py and {other} is missing; give --scorer")


def load_scorer(path):
    spec = importlib.util.spec_from_file_location("evaluate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def per_page(scorer, truth, result, worst):
    """Prints the `worst` pages of lowest F1 (precision, recall, F1 as the scorer counts them)."""
    ev = load_scorer(scorer)
    rows = []
    for key in truth:
        tp, fp, fn = ev.string_shingle_matching(true=truth[key].get("articleBody", ""),
                                                pred=result[key]["articleBody"])
        p = ev.precision_score(tp, fp, fn)
        r = ev.recall_score(tp, fp, fn)
        f = 0.0 if p + r == 0 else 2 * p * r / (p + r)
        rows.append((f, p, r, key))
    rows.sort()
    print(f"{'F1':>6} {'prec':>6} {'recall':>6}  page")
    for f, p, r, key in rows[: worst if worst > 0 else len(rows)]:
        print(f"{f:6.3f} {p:6.3f} {r:6.3f}  {key}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--neardup", default="build/neardup")
    ap.add_argument("--html", default="main")
    ap.add_argument("--site-boilerplate", default="keep", choices=["keep", "drop", "auto"],
                    help="passed to neardup extract (default keep: page by page, see above)")
    ap.add_argument("--bench", default="../shared/eval/article-extraction")
    ap.add_argument("--scorer", help="evaluate.py to score with (default: see above)")
    ap.add_argument("--others", action="store_true", help="also score the published extractors")
    ap.add_argument("--n-bootstrap", type=int, default=100)
    ap.add_argument("--per-page", type=int, metavar="N", help="list the N worst pages (0: all)")
    ap.add_argument("--dump", metavar="DIR", help="write each page's text to DIR/<id>.txt")
    args = ap.parse_args()
    bench = pathlib.Path(args.bench)
    scorer = find_scorer(bench, args.scorer)
    html = bench / "html"
    raw = sum(len(gzip.decompress(p.read_bytes())) for p in html.glob("*.html.gz"))
    t0 = time.time()
    out = subprocess.run([args.neardup, "extract", "-q", "--html", args.html,
                          "--site-boilerplate", args.site_boilerplate, str(html)],
                         check=True, capture_output=True, text=True).stdout
    secs = time.time() - t0
    result = {}
    for line in out.splitlines():
        rec = json.loads(line)
        key = pathlib.Path(rec["id"]).name.split(".")[0]
        result[key] = {"articleBody": rec.get("text", "")}
    truth = json.loads((bench / "ground-truth.json").read_text())
    for k in truth:
        result.setdefault(k, {"articleBody": ""})
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        shutil.copy(scorer, work / "evaluate.py")
        shutil.copy(bench / "ground-truth.json", work)
        (work / "output").mkdir()
        (work / "output" / "neardup.json").write_text(json.dumps({"version": "neardup", "output": result}))
        if args.others:
            for p in (bench / "published").glob("*.json"):
                shutil.copy(p, work / "output")
        r = subprocess.run([sys.executable, "evaluate.py", "--n-bootstrap", str(args.n_bootstrap)],
                           cwd=work, capture_output=True, text=True)
        print(r.stdout.strip())
        if r.returncode != 0:
            print(r.stderr, file=sys.stderr)
            return 1
    if args.per_page is not None:
        per_page(scorer, truth, result, args.per_page)
    if args.dump:
        dump = pathlib.Path(args.dump)
        dump.mkdir(parents=True, exist_ok=True)
        for key in truth:
            (dump / f"{key}.txt").write_text(result[key]["articleBody"])
            (dump / f"{key}.truth.txt").write_text(truth[key].get("articleBody", ""))
    print(f"neardup extract: {len(truth)} pages, {raw / 1e6:.1f} MB of HTML in {secs:.2f} s "
          f"({raw / 1e6 / secs:.1f} MB/s, one thread, start-up included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
