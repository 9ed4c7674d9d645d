#!/usr/bin/env bash
# Makes (once) the real-world-shaped modules of the compile benchmark and prints one line per
# module, "NAME PATH": bench/gen_modules.py writes C for each shape and clang compiles it to
# wasm32 (-O2). bench/run measures them next to bench/large_module.sh's generated module.
#
#   bench/modules.sh [--check WISP] CACHE_DIR [SCALE]
#
# SCALE: default 1 (2-2.5 MB of code section each); 0.02 makes tiny ones. --check WISP then
# validates each module with `WISP validate` and runs records with `WISP run` (its round trips
# must all pass): the CTest smoke test bench/modules does that at 0.02 (a few seconds).
#
#   small    tens of thousands of small functions (an object model over many files: accessors,
#            helpers, vtables); freestanding, never run
#   huge     six functions of 100 KB-1 MB (interpreter switch, unrolled float network, lexer
#            state machine, registry initializer, unrolled cipher loop, decision trees);
#            freestanding, never run
#   records  a WASI command: generated record types (wire format, JSON) over the hand-written
#            runtime in bench/modules/ and wasi-libc; `wisp run records.wasm [ROUNDS]` prints a
#            checksum and exits 1 if a round trip failed
#
# Modules are kept per scale and per version of the generator, the hand-written sources, this
# script and clang under CACHE_DIR (never committed); delete it to make them again. clang runs
# without binaryen's wasm-opt in PATH (clang 14 would otherwise run it on -O2 output, as bench/run
# notes), so the modules are clang's own. Progress goes to stderr, the lines alone to stdout.
set -euo pipefail
usage="usage: bench/modules.sh [--check WISP] CACHE_DIR [SCALE]"
check=
if [[ ${1:-} == --check ]]; then
  check=$(realpath "${2:?$usage}")
  shift 2
fi
cache=$(realpath -m "${1:?$usage}")
scale=${2:-1}
cd "$(dirname "$0")/.."
repo=$PWD

version=$( (cat bench/gen_modules.py bench/modules.sh bench/modules/*; clang --version) | sha1sum | cut -c1-10)
work=$cache/$version
mkdir -p "$work"

# For linking (where clang would run wasm-opt): clang's own folder and its linker, no wasm-opt.
shim=$work/clang-path
mkdir -p "$shim"
for tool in wasm-ld wasm-ld-14; do
  found=$(command -v "$tool" || true)
  [[ -n $found && ! -e $shim/$tool ]] && ln -s "$found" "$shim/$tool"
done
clang_dir=$(dirname "$(realpath "$(command -v clang)")")
clang_path=$shim:$clang_dir

# -fno-math-errno: sqrt is an instruction, not a libm call.
cflags=(--target=wasm32-wasi -O2 -fno-math-errno)

build() {  # SHAPE: generates, compiles and links $work/SHAPE-SCALE.wasm
  local shape=$1 src=$work/$1-$scale-src out=$work/$1-$scale.wasm
  local -a compile link
  case $shape in
    small) compile=(-ffreestanding -I "$src")
           link=(-nostdlib -Wl,--no-entry) ;;       # exports: class_count, class_at
    huge) compile=(-ffreestanding -I "$src")
          link=(-nostdlib -Wl,--no-entry -Wl,--export-all) ;;
    records) compile=(-I "$src" -I "$repo/bench/modules" -Wall -Wno-unused-function)
             link=() ;;                             # a WASI command with wasi-libc
  esac
  rm -rf "$src" && mkdir -p "$src"
  python3 bench/gen_modules.py "$shape" --out-dir "$src" --scale "$scale"
  [[ $shape == records ]] && cp bench/modules/*.c "$src/"
  echo "modules.sh: compiling $shape ($(ls "$src"/*.c | wc -l) files) with clang -O2" >&2
  ls "$src"/*.c | xargs -P 2 -I{} clang "${cflags[@]}" "${compile[@]}" -c {} -o {}.o
  PATH=$clang_path "$clang_dir/clang" "${cflags[@]}" "${link[@]}" "$src"/*.o -o "$out.tmp"
  mv "$out.tmp" "$out"
  rm -rf "$src"
}

for shape in small huge records; do
  module=$work/$shape-$scale.wasm
  if [[ ! -f $module ]]; then
    build "$shape" >&2  # not in a || list: set -e must hold inside build
  fi
  if [[ -n $check ]]; then
    "$check" validate "$module" >&2
    if [[ $shape == records ]]; then "$check" run "$module" >&2; fi
  fi
  echo "$shape $module"
done
