#!/usr/bin/env bash
# Installs what is needed, builds Wisp into build/ and runs every test (unit and spec suite).
# Exits non-zero when a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2
ctest --test-dir build --output-on-failure -j2
