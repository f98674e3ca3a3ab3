#!/usr/bin/env python3
"""Checks `neardup dedup` against `neardup scan --keep` on JSONL inputs: the deduplicated
output must hold exactly the keep list's records, each line byte for byte as read, in input
order. Usage: scripts/check_dedup.py [--neardup build/neardup] [--level near|story] FILE.jsonl...
Exit 0 when every file checks, 1 otherwise (what differs is printed)."""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def record_ids(path):
    """(id, line bytes) of each non-blank line, ids as neardup forms them (id field, else
    FILE:LINE with FILE as given); lines that are not JSON objects are left out (skipped)."""
    out = []
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            text = raw.rstrip(b"\r\n")
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except ValueError:
                continue
            if not isinstance(obj, dict):
                continue
            ident = obj.get("id")
            if ident is None:
                ident = "%s:%d" % (path, number)
            elif not isinstance(ident, str):
                ident = json.dumps(ident)
            out.append((ident, raw if raw.endswith(b"\n") else raw + b"\n"))
    return out


def check(neardup, path, level, tmp):
    keep = Path(tmp) / "keep.txt"
    kept = Path(tmp) / "kept.jsonl"
    subprocess.run([neardup, "scan", "-q", "--level", level, "--keep", str(keep), "-o", "/dev/null",
                    path], check=True)
    subprocess.run([neardup, "dedup", "-q", "--level", level, "-o", str(kept), path], check=True)
    wanted = set(keep.read_text(encoding="utf-8").splitlines())
    expected, seen = [], set()
    for ident, line in record_ids(path):
        if ident in wanted and ident not in seen:
            expected.append(line)
            seen.add(ident)
    got = kept.read_bytes().splitlines(keepends=True)
    if got != expected:
        print("FAIL %s: %d lines written, %d kept records expected" % (path, len(got), len(expected)))
        return False
    print("ok %s (--level %s): %d of %d records kept, byte-identical, in input order"
          % (path, level, len(got), len(record_ids(path))))
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--neardup", default="build/neardup")
    ap.add_argument("--level", default="near", choices=["near", "story"])
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for path in args.files:
            ok = check(args.neardup, path, args.level, tmp) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
