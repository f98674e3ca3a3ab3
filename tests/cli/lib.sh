# Shared helpers of the CLI test scripts (sourced). Sets bin (absolute path of $1) and tmp (a
# fresh folder removed on exit, with any background job killed).
set -u
bin=$(realpath "$1")
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect_exit CODE -- CMD...: runs CMD, stdout to $tmp/out, stderr to $tmp/err
expect_exit() {
  local want=$1; shift; shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [ "$got" -eq "$want" ] || fail "exit $got, want $want: $* ($(head -c 300 "$tmp/err"))"
}

# expect_grep FILE PATTERN
expect_grep() { grep -q -- "$2" "$1" || fail "$1 lacks '$2': $(head -c 300 "$1")"; }

# finish NAME: the summary line and exit status
finish() {
  if [ "$failures" -gt 0 ]; then echo "$failures $1 check(s) failed"; exit 1; fi
  echo "all $1 checks passed"
}
