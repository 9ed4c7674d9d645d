#!/usr/bin/env bash
# The newcomer's first look: install what is needed, build Wisp (Release, into build/), turn
# the bundled example into a .wasm binary and let Wisp decode and validate it.
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
echo
echo "demo: done. Next: bash scripts/test.sh runs the unit tests and the spec suite."
