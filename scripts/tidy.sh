#!/usr/bin/env bash
# Static checks: clang-format (dry run) and clang-tidy with .clang-tidy over src/ (needs
# clang-format and clang-tidy 14: apt-get install clang-format clang-tidy). Exit 1 on findings
# that .clang-tidy treats as errors or on unformatted files.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.cpp' '*.hpp')
clang-format --dry-run --Werror $files
cmake -S . -B build -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
# -Wno-unknown-warning-option: the build's GCC-only flags (-Wno-restrict) are not errors here
clang-tidy -p build --quiet --extra-arg=-Wno-unknown-warning-option $(git ls-files 'src/*.cpp')
