#!/usr/bin/env bash
# Configures and builds neardup (Release by default) into build/; the binary is build/neardup.
# Extra arguments go to cmake's configure step, e.g. -DNEARDUP_WERROR=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${NEARDUP_BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE="${NEARDUP_BUILD_TYPE:-Release}" "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
