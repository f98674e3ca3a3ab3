#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time (FUZZ_SECONDS, default 60) from the seed corpus
# checked in under tests/fuzz/corpus/<target>/, built with clang, ASan and UBSan into
# build-fuzz/. A crash, a sanitizer report, a hang (-timeout) or a memory blow-up (-rss_limit_mb)
# fails the run; the input that did it is left in build-fuzz/artifacts/. New inputs found go to
# a scratch copy of the corpus, never into the repository.
# Usage: scripts/fuzz.sh [TARGET...]     (targets: document reader dedup signed; default all)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
build=build-fuzz
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNEARDUP_BUILD_FUZZ=ON -DNEARDUP_SANITIZE=address,undefined -DNEARDUP_BUILD_TESTS=OFF \
  -DNEARDUP_BUILD_BENCH=OFF >/dev/null
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(document reader dedup signed)
for t in "${targets[@]}"; do
  cmake --build "$build" -j "$(nproc)" --target "neardup_fuzz_$t" >/dev/null
done
mkdir -p "$build/artifacts"
for t in "${targets[@]}"; do
  work=$(mktemp -d)
  cp tests/fuzz/corpus/"$t"/* "$work/"
  echo "fuzz: $t for ${FUZZ_SECONDS:-60} s from $(ls "$work" | wc -l) seeds" >&2
  "$build/neardup_fuzz_$t" -max_total_time="${FUZZ_SECONDS:-60}" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -seed=1 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
    "$work" 2>"$build/fuzz-$t.log" || { tail -n 40 "$build/fuzz-$t.log"; rm -rf "$work"; exit 1; }
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|cov:" "$build/fuzz-$t.log" | tail -n 3 >&2
  rm -rf "$work"
done
