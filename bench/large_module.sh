#!/usr/bin/env bash
# Makes (once) the large wasm module the throughput benchmarks read, and prints its path:
# gen_large_c.py writes a large C program, clang compiles it to wasm32 with at least CODE_MB
# MB (10^6 bytes) of code section. Used by bench/decode.sh and bench/run.
#
#   bench/large_module.sh CACHE_DIR [CODE_MB]     CODE_MB: default 6
#
# The module is kept per size and generator version under CACHE_DIR (never committed); delete
# it to make it again. Progress goes to stderr, the path alone to stdout.
set -euo pipefail
cache=$(realpath -m "${1:?usage: bench/large_module.sh CACHE_DIR [CODE_MB]}")
cd "$(dirname "$0")/.."

code_mb=${2:-6}
target_bytes=$(( code_mb * 1000000 ))
generator_version=$(sha1sum bench/gen_large_c.py | cut -c1-10)
work=$cache/$generator_version
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
  echo "large_module.sh: compiling $functions functions in $units units with clang -O2 (takes a while)" >&2
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
    make_module "$functions" >&2
    actual=$(code_section_bytes "$module")
    (( actual >= target_bytes )) && break
    echo "large_module.sh: code section $actual bytes < $target_bytes; more functions" >&2
    functions=$(( functions * target_bytes / actual * 105 / 100 + 1 ))
    rm -f "$module"
  done
  [[ -f $module ]] || { echo "large_module.sh: could not reach $code_mb MB of code" >&2; exit 1; }
  rm -rf "$work/src"
fi
echo "$module"
