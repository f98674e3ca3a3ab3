#!/usr/bin/env bash
# Installs the Debian 12 packages neardup needs to build, test and benchmark (as root, via apt).
# Does nothing when they are all present already. With --dev, also what CI's fuzz and
# sanitizer runs need (clang with libFuzzer and its sanitizer runtimes, llvm-symbolizer, and
# dpkg-dev for `apt-get source onetbb`, which scripts/tsan.sh builds with TSan), and
# readability-lxml (python3-readability), the HTML peer bench/e2e/html.sh times us against).
set -euo pipefail
packages=(build-essential cmake pkg-config libxxhash-dev libtbb-dev libboost-program-options-dev
          doctest-dev libbenchmark-dev libsimdjson-dev libutf8proc-dev libzstd-dev zlib1g-dev
          libsqlite3-dev libxml2-dev liblzma-dev libbz2-dev libcld2-dev
          python3 groff-base chromium   # groff, chromium: the man page and report checks
          slurm-wlm munge)              # the staged scan's test under a one-node Slurm
if [ "${1:-}" = "--dev" ]; then
  packages+=(clang libclang-rt-14-dev llvm dpkg-dev python3-readability)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
