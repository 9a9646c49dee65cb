#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/bootstrap.sh
cd build
ctest --output-on-failure -j"$(nproc)"
