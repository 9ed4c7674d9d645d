#!/usr/bin/env bash
# Shrinks a divergence that fuzz/diff.sh saved to a small module that still shows it.
#
#   fuzz/reduce.sh FINDING_DIR [guard|explicit|any] [both|binaryen|v8]
#
# wasm-reduce keeps every change to FINDING_DIR/m.wasm after which Wisp (in the given
# bounds-check mode, default any) still disagrees with binaryen while binaryen and V8 agree
# (or, with binaryen or v8 last, disagrees with that one).
# WISP_REDUCE_SIMD=1 for a finding of `diff.py --simd`.
# Writes FINDING_DIR/reduced.wasm and reduced.wat, and prints what each engine does with it.
set -euo pipefail
fuzz=$(cd "$(dirname "$0")" && pwd)
finding=${1:?usage: fuzz/reduce.sh FINDING_DIR [guard|explicit|any]}
mode=${2:-any}
oracle=${3:-both}
[[ -f $finding/m.wasm ]] || { echo "reduce.sh: no m.wasm in $finding" >&2; exit 2; }
finding=$(cd "$finding" && pwd)  # wasm-reduce runs in a scratch folder
case $mode in guard|explicit|any) ;; *) echo "reduce.sh: mode is guard, explicit or any, not '$mode'" >&2; exit 2;; esac
case $oracle in both|binaryen|v8) ;; *) echo "reduce.sh: oracle is both, binaryen or v8, not '$oracle'" >&2; exit 2;; esac
harness=${WISP_FUZZ_EXEC:-$(python3 -c "import sys; sys.path.insert(0, '$fuzz'); import diff; print(diff.default_harness())")}
features="--mvp-features --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int --enable-bulk-memory --enable-multivalue${WISP_REDUCE_SIMD:+ --enable-simd}"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
check="python3 $fuzz/diff.py --harness $harness --check-mode $mode --check-oracle $oracle --timeout 5 ${WISP_REDUCE_SIMD:+--simd }--check $scratch/test.wasm"
cp "$finding/m.wasm" "$scratch/test.wasm"
first=$($check 2>&1 || true)
[[ $first == "wisp diverges"* ]] || { echo "reduce.sh: $finding/m.wasm shows no such divergence: $first" >&2; exit 1; }
(cd "$scratch" && wasm-reduce "$finding/m.wasm" -b "$(dirname "$(command -v wasm-opt)")/" --command="$check" -t "$scratch/test.wasm" \
  -w "$scratch/work.wasm" --timeout 10 --extra-flags="$features" >"$scratch/reduce.log" 2>&1) ||
  { tail -20 "$scratch/reduce.log" >&2; exit 1; }
cp "$scratch/work.wasm" "$finding/reduced.wasm"
wasm2wat "$finding/reduced.wasm" -o "$finding/reduced.wat"
echo "reduce.sh: $(stat -c %s "$finding/m.wasm") -> $(stat -c %s "$finding/reduced.wasm") bytes: $finding/reduced.wat"
for m in guard explicit; do
  echo "--- wisp ($m)"; "$harness" --bounds-checks=$m "$finding/reduced.wasm" || true
done
echo "--- binaryen"; wasm-opt "$finding/reduced.wasm" $features --fuzz-exec-before 2>/dev/null || true
echo "--- v8"; node "$fuzz/v8_exec.mjs" "$finding/reduced.wasm" || true
