#!/usr/bin/env python3
"""Extraction F1 of `neardup extract` on the article-extraction benchmark.

Runs `neardup extract` over ../shared/eval/article-extraction/html/ (181 real pages, .html.gz),
writes the benchmark's output format into a scratch copy of the benchmark folder, scores it with
the benchmark's own evaluate.py (token-shingle precision/recall/F1 with bootstrap), and prints
the published extractors' scores beside it, computed the same way. Also prints MB/s of HTML.

  scripts/eval_extract.py [--neardup build/neardup] [--html main|all] [--bench DIR]
"""
import argparse, json, os, pathlib, shutil, subprocess, sys, tempfile, time

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--neardup", default="build/neardup")
    ap.add_argument("--html", default="main")
    ap.add_argument("--bench", default="../shared/eval/article-extraction")
    ap.add_argument("--others", action="store_true", help="also score the published extractors")
    args = ap.parse_args()
    bench = pathlib.Path(args.bench)
    html = bench / "html"
    size = sum(p.stat().st_size for p in html.glob("*.html.gz"))
    raw = 0
    import gzip
    for p in html.glob("*.html.gz"):
        raw += len(gzip.decompress(p.read_bytes()))
    t0 = time.time()
    out = subprocess.run([args.neardup, "extract", "-q", "--html", args.html, str(html)],
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
        shutil.copy(bench / "evaluate.py", work)
        shutil.copy(bench / "ground-truth.json", work)
        (work / "output").mkdir()
        (work / "output" / "neardup.json").write_text(json.dumps({"version": "neardup", "output": result}))
        if args.others:
            for p in (bench / "published").glob("*.json"):
                shutil.copy(p, work / "output")
        r = subprocess.run([sys.executable, "evaluate.py", "--n-bootstrap", "100"], cwd=work,
                           capture_output=True, text=True)
        print(r.stdout.strip())
        if r.returncode != 0:
            print(r.stderr, file=sys.stderr)
            return 1
    print(f"neardup extract: {len(truth)} pages, {raw / 1e6:.1f} MB of HTML in {secs:.2f} s "
          f"({raw / 1e6 / secs:.1f} MB/s, one thread, start-up included)")
    return 0

if __name__ == "__main__":
    sys.exit(main())
