"""Helpers shared by the story evaluation scripts (eval_story_pages.py, eval_story_templates.py).

Not a script of its own: the scripts import it from their own folder.
"""
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_EVAL = os.path.join(ROOT, "..", "shared", "eval")


def split_scan_options(argv):
    """(own arguments, neardup scan options): everything after `--` goes to `neardup scan`."""
    if "--" in argv:
        i = argv.index("--")
        return argv[:i], argv[i + 1:]
    return argv, []


def default_binary():
    return os.environ.get("NEARDUP", os.path.join(ROOT, "build", "neardup"))


def wait_for_binary(binary, seconds=120):
    """The binary may be missing for a moment while it is rebuilt: wait for it, then give up."""
    deadline = time.monotonic() + seconds
    if not os.access(binary, os.X_OK):
        print("waiting up to %d s for %s (being rebuilt?)" % (seconds, binary), file=sys.stderr)
    while not os.access(binary, os.X_OK):
        if time.monotonic() > deadline:
            sys.exit("error: %s is not there (build it with scripts/build.sh, or pass --neardup)" % binary)
        time.sleep(2)


def scan_jsonl(binary, inputs, options):
    """Rows of `neardup scan -f jsonl` (dicts, in output order) with the extra scan options."""
    wait_for_binary(binary)
    cmd = [binary, "scan", "--quiet", *options, "--format", "jsonl", *inputs]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit("error: %s exited %d: %s" % (" ".join(cmd), done.returncode, done.stderr.strip()))
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def absent(what):
    """CI runs without ../shared/eval at times: say so and succeed."""
    print("%s is absent: nothing to measure (exit 0)" % what)
    sys.exit(0)


def comb2(n):
    return n * (n - 1) // 2
