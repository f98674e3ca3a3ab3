#!/usr/bin/env bash
# ThreadSanitizer run of the pipeline and index tests: every doctest case (the pipeline's
# thread-count determinism, golden, story, store, ...) and the CLI suites (scan, index, hostile
# input, kill trials), built with -fsanitize=thread into build-tsan/.
#
# Debian's libtbb is not instrumented, so TSan cannot see oneTBB's own hand-offs (a task's
# data written before task_group::run, pipeline tokens) and reports hundreds of false races.
# Suppressing them would hide real ones too: every worker thread's stack passes through libtbb.
# Instead this builds oneTBB itself with TBB_SANITIZE=thread from Debian's source package of
# the very version installed (apt-get source onetbb; about 30 s on 2 cores, kept in
# build-tsan/ for the next run) and links the tests against it.
# Usage: scripts/tsan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
build=build-tsan
mkdir -p "$build"
root=$(realpath "$build")
tbb=$root/onetbb-install
if [ ! -f "$tbb/lib/cmake/TBB/TBBConfig.cmake" ]; then
  if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "tsan: adding Debian's source packages to apt (deb-src, bookworm main)" >&2
    cat >/etc/apt/sources.list.d/neardup-deb-src.sources <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    apt-get update -qq
  fi
  version=$(dpkg-query -W -f='${Version}' libtbb-dev)
  rm -rf "$root/onetbb-src"; mkdir -p "$root/onetbb-src"
  (cd "$root/onetbb-src" && apt-get source -qq "onetbb=$version" >/dev/null 2>&1)
  src=$(find "$root/onetbb-src" -mindepth 1 -maxdepth 1 -type d -name 'onetbb-*' | head -n 1)
  echo "tsan: building oneTBB $version with TBB_SANITIZE=thread" >&2
  cmake -S "$src" -B "$root/onetbb-build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTBB_TEST=OFF \
    -DTBB_EXAMPLES=OFF -DTBB_STRICT=OFF -DTBB_SANITIZE=thread -DCMAKE_INSTALL_PREFIX="$tbb" >/dev/null
  cmake --build "$root/onetbb-build" -j "$(nproc)" >/dev/null
  cmake --install "$root/onetbb-build" >/dev/null
fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEARDUP_SANITIZE=thread \
  -DNEARDUP_BUILD_BENCH=OFF -DTBB_DIR="$tbb/lib/cmake/TBB" >/dev/null
cmake --build "$build" -j "$(nproc)" --target neardup_tests neardup_cli >/dev/null
# ldd's output is read whole first: `ldd | grep -q` under pipefail fails at random when grep
# exits on its match and ldd dies of SIGPIPE (CI failed so once).
libraries=$(ldd "$build/neardup_tests")
if ! grep -q "=> $tbb/lib[^ ]*/libtbb" <<<"$libraries"; then
  echo "tsan: the tests are not linked against the instrumented oneTBB in $tbb:" >&2
  echo "$libraries" >&2
  exit 1
fi
# A report makes the binary exit 66: the doctest run and every CLI check then fail.
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
"$build/neardup_tests"
for suite in run index hostile hostile_index dedup index_kill staged; do
  bash "tests/cli/$suite.sh" "$build/neardup"
done
echo "tsan: no data race reported" >&2
