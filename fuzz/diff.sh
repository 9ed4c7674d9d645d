#!/usr/bin/env bash
# Differential fuzzing of Wisp against binaryen's interpreter and V8: see fuzz/diff.py and
# docs/fuzzing.md. E.g. fuzz/diff.sh --count 10000 --seed 1 --keep-going
exec python3 "$(dirname "$0")/diff.py" "$@"
