#!/usr/bin/env bash
# Decode+validate throughput, end to end: generate a large C program (gen_large_c.py), compile
# it to wasm32 with clang, build the benchmark (Release) and run it on one thread.
#
#   bench/decode.sh [CODE_MB]     CODE_MB: the least code section size in MB (default 6)
#
# The module is made once per size and generator version under build-bench/decode-input/
# (never committed); delete that folder to make it again.
set -euo pipefail
cd "$(dirname "$0")/.."

code_mb=${1:-6}
build=build-bench
target_bytes=$(( code_mb * 1000000 ))
generator_version=$(sha1sum bench/gen_large_c.py | cut -c1-10)
work=$build/decode-input/$generator_version
module=$work/large-${code_mb}mb.wasm

code_section_bytes() {  # FILE.wasm
  wasm-objdump -h "$1" | sed -n 's/^ *Code .*(size=\(0x[0-9a-f]*\)).*/\1/p' | xargs printf '%d\n'
}

# Generates and compiles FUNCTIONS functions into $module.
make_module() {
  local functions=$1
  local units=$(( functions / 250 > 2 ? functions / 250 : 2 ))  # ~2.5 MB of C each
  rm -rf "$work/src" && mkdir -p "$work/src"
  python3 bench/gen_large_c.py --out-dir "$work/src" --functions "$functions" --units "$units"
  echo "decode.sh: compiling $functions functions in $units units with clang -O2 (takes a while)"
  # -ffreestanding: no libc calls made up by the optimizer; -fno-math-errno: sqrt is an
  # instruction, not a libm call. -w: the program is random, its warnings are noise.
  ls "$work"/src/*.c | xargs -P 2 -I{} \
    clang --target=wasm32-wasi -O2 -ffreestanding -fno-math-errno -w -c {} -o {}.o
  clang --target=wasm32-wasi -O2 -nostdlib -Wl,--no-entry -Wl,--export-all \
    "$work"/src/*.o -o "$module"
}

if [[ ! -f $module ]]; then
  mkdir -p "$work"
  # About 2.5 KB of code per generated function; when short, scale up and make it again.
  functions=$(( target_bytes / 2500 + 1 ))
  for attempt in 1 2 3; do
    make_module "$functions"
    actual=$(code_section_bytes "$module")
    (( actual >= target_bytes )) && break
    echo "decode.sh: code section $actual bytes < $target_bytes; more functions"
    functions=$(( functions * target_bytes / actual * 105 / 100 + 1 ))
    rm -f "$module"
  done
  [[ -f $module ]] || { echo "decode.sh: could not reach $code_mb MB of code" >&2; exit 1; }
  rm -rf "$work/src"
fi

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DWISP_TESTS=OFF -DWISP_BENCH=ON >/dev/null
cmake --build "$build" --target decode_throughput -j2 >/dev/null
"$build/bench/decode_throughput" "$module"
