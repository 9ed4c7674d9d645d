#!/usr/bin/env bash
# Configures and builds a CMake project against the installed package, as its user would:
#   build_project.sh SOURCE BUILD PREFIX
# $WISP_CONSUMER_FLAGS (the sanitizer flags of a sanitized Wisp build) go to the compiler and
# linker, since a sanitized library needs a sanitized program.
set -euo pipefail
source_dir=$1 build_dir=$2 prefix=$3
flags=${WISP_CONSUMER_FLAGS:-}
rm -rf "$build_dir"
# Word splitting of the extra arguments is intended.
# shellcheck disable=SC2086
cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release ${WISP_CONSUMER_CMAKE_ARGS:-} \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$flags" >"$build_dir.configure.log" 2>&1 || {
  cat "$build_dir.configure.log"
  exit 1
}
cmake --build "$build_dir" -j2
