#!/usr/bin/env bash
# Installs what building and testing Wisp need, from Debian 12's packages.
# Idempotent: runs apt-get only when something is missing. Works as root (no sudo needed)
# or through sudo, without questions.
set -euo pipefail

packages=(
  build-essential cmake g++           # the toolchain
  libasmjit-dev libcapstone-dev       # code generation and disassembly
  wabt                                # wast2json and wat2wasm: spec tests and examples
  libgtest-dev libgmock-dev           # unit tests
  libbenchmark-dev                    # benchmarks
  libcli11-dev nlohmann-json3-dev     # the wisp command line
  libxxhash-dev                       # checksums of serialized modules (header only)
  pkgconf                             # the installed package's pkg-config test (tests/capi)
  clang lld wasi-libc libclang-rt-14-dev-wasm32  # C to wasm32-wasi for the WASI tests
  libclang-rt-14-dev                  # libFuzzer for the fuzzers
  binaryen nodejs                     # differential fuzzing (fuzz/diff.sh): wasm-opt and V8
  chromium                            # renders the page of `wisp explore` in its test
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$package")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup: all ${#packages[@]} packages are installed"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "setup: missing packages: ${missing[*]}" >&2
  echo "setup: run this script as root (or install sudo) to install them" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q "${missing[@]}"
