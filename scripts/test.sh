#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test (unit, property,
# golden, CLI). Extra arguments go to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh "$@"
ctest --test-dir "${NEARDUP_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
