#!/usr/bin/env bash
# The newcomer's first look: install what is needed, build Wisp (Release, into build/), turn
# the bundled example into a .wasm binary and let Wisp decode and validate it, then compile the
# bundled C program for WASI and run it with `wisp run`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build --target wisp_cli -j2

mkdir -p build/examples
wat2wasm examples/hello.wat -o build/examples/hello.wasm
echo
echo "== build/wisp validate build/examples/hello.wasm"
build/wisp validate build/examples/hello.wasm

# The same module cut short, to show how Wisp reports a broken binary.
head -c 100 build/examples/hello.wasm > build/examples/hello-truncated.wasm
echo
echo "== build/wisp validate build/examples/hello-truncated.wasm   (expected to fail)"
if build/wisp validate build/examples/hello-truncated.wasm; then
  echo "demo: the truncated module was accepted, which is a bug" >&2
  exit 1
fi

# A WASI program: C compiled for wasm32-wasi by clang (with wasi-libc), run by Wisp with one
# directory it may write in (the only part of the file system it can reach), an environment
# variable and an argument.
clang --target=wasm32-wasi -O2 examples/hello.c -o build/examples/hello-wasi.wasm
rm -rf build/examples/out
mkdir -p build/examples/out
echo
echo "== build/wisp run --dir build/examples/out::/out --env GREETING=Hello build/examples/hello-wasi.wasm Wisp"
build/wisp run --dir build/examples/out::/out --env GREETING=Hello build/examples/hello-wasi.wasm Wisp
echo "== cat build/examples/out/greeting.txt"
cat build/examples/out/greeting.txt
echo
echo "demo: done. Next: bash scripts/test.sh runs every test (unit, spec suite, WASI programs)."
