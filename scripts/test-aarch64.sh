#!/usr/bin/env bash
# AArch64, as far as Wisp has it (issue 14), installing what is missing (setup-aarch64.sh):
#  1. a cross-target build on this host (build-aarch64-target/: WISP_TARGET_ISA=aarch64) and
#     its golden disassembly tests: AArch64 code, compiled and listed on x86-64;
#  2. Wisp built for AArch64 with the cross toolchain (build-aarch64/,
#     cmake/aarch64-linux-gnu.cmake) and the tests that run no compiled code yet, under
#     qemu-aarch64 (the trampolines' register saves are not yet written for AArch64).
# Each stage prints its time. Exits non-zero when a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

stage_start=$SECONDS
stage() {
  echo "test-aarch64: $1 took $((SECONDS - stage_start)) s"
  stage_start=$SECONDS
}

bash scripts/setup.sh
bash scripts/setup-aarch64.sh

cmake -S . -B build-aarch64-target -DCMAKE_BUILD_TYPE=Release -DWISP_TARGET_ISA=aarch64 \
  -DWISP_BENCH=OFF >/dev/null
cmake --build build-aarch64-target -j2
ctest --test-dir build-aarch64-target --output-on-failure -j2
stage "AArch64 golden disassembly on this host"

cmake -S . -B build-aarch64 -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DWISP_BENCH=OFF >/dev/null
cmake --build build-aarch64 -j2 --target wasm_tests
qemu-aarch64 -L /usr/aarch64-linux-gnu build-aarch64/tests/wasm_tests
stage "the decoder's tests built for AArch64, under qemu-aarch64"
