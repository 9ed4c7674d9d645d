#!/usr/bin/env bash
# Runs a C API example on its module and compares what it prints with the expected output:
#   run_example.sh PROGRAM MODULE EXPECTED_FILE
set -euo pipefail
program=$1 module=$2 expected=$3
# WISP_EMULATOR: the command that runs a cross-compiled program (word splitting intended).
# shellcheck disable=SC2086
actual=$(${WISP_EMULATOR:-} "$program" "$module")
if ! diff -u "$expected" <(printf '%s\n' "$actual"); then
  echo "$(basename "$program"): output differs from $expected" >&2
  exit 1
fi
