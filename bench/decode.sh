#!/usr/bin/env bash
# Decode+validate throughput, end to end: make the large module (bench/large_module.sh: a
# generated C program compiled to wasm32 with clang), build the benchmark (Release) and run it
# on one thread.
#
#   bench/decode.sh [CODE_MB]     CODE_MB: the least code section size in MB (default 6)
#
# The module is made once per size and generator version under build-bench/decode-input/
# (never committed); delete that folder to make it again.
set -euo pipefail
cd "$(dirname "$0")/.."

code_mb=${1:-6}
build=build-bench
module=$(bench/large_module.sh "$build/decode-input" "$code_mb")

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DWISP_TESTS=OFF -DWISP_BENCH=ON >/dev/null
cmake --build "$build" --target decode_throughput -j2 >/dev/null
"$build/bench/decode_throughput" "$module"
