#!/usr/bin/env bash
# Builds a fuzzer with clang and libFuzzer and runs it.
#
#   fuzz/run.sh [SECONDS]     fuzz for SECONDS (default 60), then check for slow inputs
#
# Environment:
#   WISP_FUZZ_TARGET  decode (the default: decoder and validator, decode_fuzzer.cpp), compile
#                     (decode, validate, compile and instantiate, compile_fuzzer.cpp) or
#                     deserialize (the loader of serialized modules, deserialize_fuzzer.cpp)
#   WISP_TESTSUITE    the spec suite's .wast files to seed from (default ../shared/wasm-testsuite)
#   WISP_FUZZ_FORK    fuzzing processes in parallel (default 1; the machine is shared)
#
# Everything lives in build-fuzz/: the build, the corpus (kept between runs, never committed),
# the seeds and any crash artifacts (build-fuzz/artifacts/). Exits non-zero when the fuzzer
# found a crash, a sanitizer report, a timeout or an out-of-memory, or an input was slow.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${1:-60}
case ${WISP_FUZZ_TARGET:-decode} in
  decode) target=decode_fuzzer; slow_ms_per_kb=10; slow_base_ms=2 ;;
  # Compiling and instantiating (an 8 GiB reservation per memory) cost more per input.
  compile) target=compile_fuzzer; slow_ms_per_kb=100; slow_base_ms=50 ;;
  # Loading maps executable memory: a few system calls per input, whatever its size.
  deserialize) target=deserialize_fuzzer; slow_ms_per_kb=10; slow_base_ms=20 ;;
  *) echo "run.sh: WISP_FUZZ_TARGET must be decode, compile or deserialize, not '$WISP_FUZZ_TARGET'" >&2; exit 2 ;;
esac
forks=${WISP_FUZZ_FORK:-1}
testsuite=${WISP_TESTSUITE:-$root/../shared/wasm-testsuite}
build=$root/build-fuzz
# The largest spec-suite module is about 27 KB; room to grow past it, not so much that
# mutations get slow.
max_len=32768
# A hang bound (set per target above): no input may take longer than slow_base_ms plus
# slow_ms_per_kb milliseconds per KB (sanitizers on).

CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWISP_FUZZ=ON -DWISP_TESTS=OFF -DWISP_BENCH=OFF >/dev/null
cmake --build "$build" --target "$target" -j2
[[ $target == deserialize_fuzzer ]] && cmake --build "$build" --target wisp_cli -j2

# Seeds: every binary module the spec suite's .wast files contain, with a leading feature byte
# 0 (WebAssembly 2.0, see decode_fuzzer.cpp). Made once; delete build-fuzz/seeds to redo.
seeds=$build/seeds
if [[ ! -d $seeds ]]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  for wast in "$testsuite"/*.wast; do
    name=$(basename "$wast" .wast)
    wast2json "$wast" -o "$scratch/$name.json" >/dev/null 2>&1 ||
      echo "run.sh: wast2json could not convert $wast; skipped" >&2
  done
  mkdir -p "$seeds.tmp"
  for wasm in "$scratch"/*.wasm; do
    { printf '\x00'; cat "$wasm"; } >"$seeds.tmp/$(basename "$wasm")"
  done
  mv "$seeds.tmp" "$seeds"
  echo "run.sh: $(ls "$seeds" | wc -l) seeds from $testsuite"
fi

# The loader's seeds: the same modules compiled by `wisp compile`, with a leading 1 (checksum
# made right after mutation, see deserialize_fuzzer.cpp). Serialized modules are larger than
# their wasm: machine code and tables besides it.
if [[ $target == deserialize_fuzzer ]]; then
  max_len=131072
  wasm_seeds=$seeds
  seeds=$build/seeds-deserialize
  if [[ ! -d $seeds ]]; then
    mkdir -p "$seeds.tmp"
    for seed in "$wasm_seeds"/*; do
      tail -c +2 "$seed" >"$seeds.tmp/in.wasm"
      "$build/wisp" compile "$seeds.tmp/in.wasm" -o "$seeds.tmp/out.cwisp" 2>/dev/null || continue
      { printf '\x01'; cat "$seeds.tmp/out.cwisp"; } >"$seeds.tmp/$(basename "$seed").cwisp"
    done
    rm -f "$seeds.tmp/in.wasm" "$seeds.tmp/out.cwisp"
    mv "$seeds.tmp" "$seeds"
    echo "run.sh: $(ls "$seeds" | wc -l) serialized seeds"
  fi
fi

# The compiler's seeds: the same modules with a leading 8 (fuel metered, every export called;
# see compile_fuzzer.cpp), so that the code compiled from them runs from the start.
if [[ $target == compile_fuzzer ]]; then
  wasm_seeds=$seeds
  seeds=$build/seeds-compile
  if [[ ! -d $seeds ]]; then
    mkdir -p "$seeds.tmp"
    for seed in "$wasm_seeds"/*; do
      { printf '\x08'; tail -c +2 "$seed"; } >"$seeds.tmp/$(basename "$seed")"
    done
    mv "$seeds.tmp" "$seeds"
  fi
fi

corpus=$build/corpus-$target
artifacts=$build/artifacts-$target
mkdir -p "$corpus" "$artifacts"

# One process by default; with WISP_FUZZ_FORK=N, N child processes (libFuzzer's fork mode).
# Wisp's trap handler must see the faults of wasm code before ASan does (tests/CMakeLists.txt).
export ASAN_OPTIONS=${ASAN_OPTIONS:-allow_user_segv_handler=1:handle_segv=1:handle_sigbus=1}
parallel=()
(( forks > 1 )) && parallel=(-fork="$forks")
log=$build/last-run-$target.log
echo "run.sh: fuzzing for $seconds s (log: $log)"
set +e
"$build/$target" "$corpus" "$seeds" "${parallel[@]}" \
  -dict=fuzz/wasm.dict -max_len=$max_len -rss_limit_mb=2048 -timeout=10 \
  -max_total_time="$seconds" -artifact_prefix="$artifacts/" -print_final_stats=1 \
  >"$log" 2>&1
fuzz_status=$?
set -e
if (( fuzz_status == 0 )); then
  grep -E '^(Done|stat::)' "$log" || true
else
  # The report: everything but the progress lines and the recommended dictionary.
  grep -vE '^#[0-9]+|^"|dictionary' "$log" | tail -n 80
fi

# Hangs short of the timeout: replay the corpus and flag any input slower than the bound.
# The machine is shared, so a slow first reading is retried and the best of three counts.
echo "run.sh: replaying the corpus to look for slow inputs (> $slow_ms_per_kb ms per KB)"
replay_times() {
  xargs -0 -n 500 "$build/$target" 2>&1 | sed -n 's/^Executed \(.*\) in \([0-9]*\) ms$/\1 \2/p'
}
over_limit() {  # FILE MS
  local bytes
  bytes=$(stat -c %s "$1")
  (( $2 > (bytes * slow_ms_per_kb + 1023) / 1024 + slow_base_ms ))
}
slow=0
while read -r file ms; do
  over_limit "$file" "$ms" || continue
  best=$ms
  for _ in 1 2 3; do
    again=$(printf '%s\0' "$file" | replay_times | awk '{print $2}')
    (( again < best )) && best=$again
  done
  if over_limit "$file" "$best"; then
    echo "run.sh: slow input $file: $(stat -c %s "$file") bytes in $best ms"
    slow=1
  fi
done < <(find "$corpus" "$seeds" -type f -print0 | replay_times)

# Plain mode prints a final statistic; fork mode's last status line counts all children.
executions=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | awk '{print $2}' | tail -n 1)
[[ -n $executions ]] || executions=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
echo "run.sh: ${executions:-0} executions in $seconds s"
if (( fuzz_status != 0 )); then
  echo "run.sh: the fuzzer found a problem; see $artifacts/" >&2
  exit 1
fi
(( slow == 0 )) || { echo "run.sh: slow inputs found" >&2; exit 1; }
echo "run.sh: no findings"
