#!/usr/bin/env bash
# Hostile web-input CLI tests (issue 20, web side): pages, names and dates crafted to mislead the
# report, the log or the extractor. Each case failed before its fix.
# Usage: tests/cli/hostile_web.sh path/to/neardup   (run from the project root)
source "$(dirname "$0")/lib.sh"

# expect_no_control FILE: stderr carries no raw control character but the newlines ending lines
expect_no_control() {
  if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$1"; then
    fail "$1 holds raw control characters: $(head -c 300 "$1" | od -c | head -5)"
  fi
}

# --- 8: names and ids with newlines or escape sequences are escaped on stderr
esc=$tmp/esc; mkdir -p "$esc"
forged=$(printf 'a\nneardup: forged line\033[2J.txt')
: >"$esc/$forged"
echo "a plain article about the harbour" >"$esc/ok.txt"
expect_exit 0 -- "$bin" scan "$esc"
expect_no_control "$tmp/err"
expect_grep "$tmp/err" 'a\\nneardup: forged line\\x1b\[2J.txt: empty'
grep -q '^neardup: forged line' "$tmp/err" && fail "scan: a forged log line on stderr"
expect_exit 0 -- "$bin" extract "$esc"
expect_no_control "$tmp/err"
expect_grep "$tmp/err" 'forged line\\x1b'
expect_exit 1 -- "$bin" extract --strict "$esc"
expect_no_control "$tmp/err"
expect_exit 2 -- "$bin" explain "$esc/ok.txt" "$(printf 'no\nsuch\033]0;title\007')"
expect_no_control "$tmp/err"
expect_grep "$tmp/err" 'no\\nsuch\\x1b\]0;title\\x07'

finish hostile_web
