#!/usr/bin/env bash
# The installed command: `cmake --install` puts the binary, the man page and the bash
# completion in place; the man page names every option of every command's --help and renders
# without warnings; the completion completes commands, index commands and each one's options.
# Usage: tests/cli/install.sh path/to/neardup path/to/build-dir   (run from the project root)
source "$(dirname "$0")/lib.sh"
build=$(realpath "$2")
man=src/cli/neardup.1

# --- cmake --install
cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 || fail "cmake --install: $(tail -3 "$tmp/install.log")"
for f in bin/neardup share/man/man1/neardup.1 share/bash-completion/completions/neardup; do
  [ -f "$tmp/prefix/$f" ] || fail "not installed: $f"
done
expect_exit 0 -- "$tmp/prefix/bin/neardup" --version; expect_grep "$tmp/out" "^neardup "

# --- the man page: renders cleanly, names every command and option
groff -man -ww -z "$man" 2>"$tmp/groff" || fail "groff failed on $man"
[ ! -s "$tmp/groff" ] || fail "groff warnings: $(head -3 "$tmp/groff")"
for cmd in scan dedup extract explain params help "index add" "index query" "index prune" "index stats" \
           "index check" "index export" "index runs" "index report" "stage sign" "stage link"; do
  grep -qF -- ".B neardup ${cmd%% *}" "$man" || grep -qF -- ".B ${cmd}" "$man" || fail "man page lacks the command '$cmd'"
  for opt in $("$bin" $cmd --help | grep -oE -- '^ +(-[a-zA-Z] \[ )?--[a-z][a-z-]*' | grep -oE -- '--[a-z][a-z-]*'); do
    grep -qF -- "$(printf '%s' "$opt" | sed 's/-/\\-/g')" "$man" || fail "man page lacks $opt (neardup $cmd)"
  done
done
grep -q '^\.SH EXIT STATUS' "$man" || fail "man page lacks EXIT STATUS"
grep -q '^\.SH FILES' "$man" || fail "man page lacks FILES"

# --- bash completion (the installed script, calling this binary)
complete_words() {  # prints the completions of the words given (the last one is completed)
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_WORDS[0]=$BIN; COMP_CWORD=$(( $# - 1 ));
           _neardup; printf "%s\n" "${COMPREPLY[@]}"' _ "$tmp/prefix/share/bash-completion/completions/neardup" "$@"
}
export BIN=$bin
[ "$(complete_words neardup sc)" = scan ] || fail "completion: 'sc' -> scan"
[ "$(complete_words neardup index ad)" = add ] || fail "completion: 'index ad' -> add"
complete_words neardup scan --thr | grep -qx -- --threshold || fail "completion: scan --thr"
complete_words neardup index add --wa | grep -qx -- --wait || fail "completion: index add --wa"
[ -z "$(complete_words neardup index query --wa)" ] || fail "completion: index query offers --wait"
[ "$(complete_words neardup scan --format st)" = stories ] || fail "completion: --format values"

finish install
