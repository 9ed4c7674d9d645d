#!/usr/bin/env bash
# Builds a consumer project against the installed package and runs its program, which must
# print EXPECTED and exit with 0:
#   run_consumer.sh cmake SOURCE BUILD PREFIX EXPECTED      (find_package)
#   run_consumer.sh pkg-config SOURCE.c BUILD PREFIX EXPECTED
set -euo pipefail
mode=$1 source=$2 build_dir=$3 prefix=$4 expected=$5
here=$(dirname "$0")
case $mode in
  cmake)
    bash "$here/build_project.sh" "$source" "$build_dir" "$prefix"
    ;;
  pkg-config)
    export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
    rm -rf "$build_dir" && mkdir -p "$build_dir"
    # Word splitting of the flags is intended.
    # shellcheck disable=SC2046
    "${WISP_CONSUMER_CC:-cc}" -std=c11 -Wall -Wextra -Werror ${WISP_CONSUMER_FLAGS:-} "$source" -o "$build_dir/consumer" \
      $(pkg-config --cflags --libs wisp) -Wl,-rpath,"$(pkg-config --variable=libdir wisp)"
    ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
# WISP_EMULATOR: the command that runs a cross-compiled program (word splitting intended).
# shellcheck disable=SC2086
output=$(${WISP_EMULATOR:-} "$build_dir/consumer")
echo "$output"
if [[ "$output" != "$expected" ]]; then
  echo "expected: $expected" >&2
  exit 1
fi
