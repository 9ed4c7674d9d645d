#!/usr/bin/env bash
# Runs one WASI program test: compiles tests/wasi/programs/NAME.c for wasm32-wasi with clang,
# runs it with `wisp run`, and compares what it prints and its exit status with what it must.
#
#   run_wasi_test.sh NAME
#
# Environment (set by tests/wasi/CMakeLists.txt):
#   WISP        the wisp binary          WASI_CC    clang able to target wasm32-wasi
#   SOURCE_DIR  tests/wasi               WORK_DIR   a scratch folder for this test (emptied)
#   HOST_CC     a native C compiler, for the large-output reference hash
#   AHEAD_OF_TIME  when 1, every PROGRAM.wasm is first compiled with `wisp compile` and
#                  `wisp run` runs PROGRAM.cwisp instead: the same output is expected
# Exits 0 on success, 1 on a mismatch, 77 (skipped) when clang or wasi-libc is missing.
set -euo pipefail

name=${1:?usage: run_wasi_test.sh NAME}
: "${WISP:?}" "${WASI_CC:?}" "${SOURCE_DIR:?}" "${WORK_DIR:?}"
readonly kSkip=77 kTrapExit=134

skip() {
  echo "SKIPPED: wasi/$name: $*" >&2
  exit $kSkip
}
fail() {
  echo "FAILED: wasi/$name: $*" >&2
  exit 1
}

rm -rf "$WORK_DIR"
mkdir -p "$WORK_DIR"
cd "$WORK_DIR"

# ---- compiling -------------------------------------------------------------------------------

command -v "$WASI_CC" >/dev/null 2>&1 || skip "no C compiler '$WASI_CC' for wasm32-wasi (bash scripts/setup.sh installs clang)"
# Debian's clang finds wasi-libc here with no --sysroot (packages wasi-libc,
# libclang-rt-14-dev-wasm32 and lld).
[[ -f /usr/lib/wasm32-wasi/libc.a ]] || skip "wasi-libc is not installed (/usr/lib/wasm32-wasi/libc.a; bash scripts/setup.sh)"

# clang 14 runs binaryen's wasm-opt on -O2 output whenever one is in PATH (binaryen is installed
# (and in its own folder: /usr/bin/clang finds /usr/bin/wasm-opt), and that drops the name
# section the backtraces are checked against. So the real clang, in /usr/lib/llvm-*/bin, runs
# with a PATH of its own: its linkers, and no wasm-opt.
clang_path=$WORK_DIR/clang-path
mkdir -p "$clang_path"
for tool in wasm-ld wasm-ld-14; do
  if command -v "$tool" >/dev/null; then ln -sf "$(command -v "$tool")" "$clang_path/$tool"; fi
done
wasi_cc_real=$(readlink -f "$(command -v "$WASI_CC")")
clang_path=$clang_path:$(dirname "$wasi_cc_real")

# compile PROGRAM [FLAGS...]: programs/PROGRAM.c -> $WORK_DIR/PROGRAM.wasm
compile() {
  local program=$1
  shift
  if ! PATH="$clang_path" "$wasi_cc_real" --target=wasm32-wasi -O2 -Wall -Werror "$@" \
      "$SOURCE_DIR/programs/$program.c" -o "$WORK_DIR/$program.wasm" 2>"$WORK_DIR/compile.log"; then
    cat "$WORK_DIR/compile.log" >&2
    if grep -q "unable to create target\|cannot find\|unable to find library\|crt1" "$WORK_DIR/compile.log"; then
      skip "clang cannot build for wasm32-wasi here (see above; bash scripts/setup.sh installs wasi-libc, libclang-rt-14-dev-wasm32 and lld)"
    fi
    fail "compiling $program.c"
  fi
}

# ---- running ---------------------------------------------------------------------------------

status=0
# run [WISP RUN ARGUMENTS...]: runs `wisp run ...` with stdin from $stdin_file (default
# /dev/null); stdout and stderr land in $WORK_DIR/stdout and $WORK_DIR/stderr, the exit status
# in $status.
stdin_file=/dev/null
run() {
  local args=("$@") i
  if [[ ${AHEAD_OF_TIME:-0} == 1 ]]; then
    for i in "${!args[@]}"; do
      if [[ ${args[i]} == *.wasm && -f ${args[i]} ]]; then
        echo "+ wisp compile ${args[i]} -o ${args[i]%.wasm}.cwisp" >&2
        "$WISP" compile "${args[i]}" -o "${args[i]%.wasm}.cwisp" || fail "wisp compile ${args[i]}"
        args[i]=${args[i]%.wasm}.cwisp
        break
      fi
    done
  fi
  echo "+ wisp run ${args[*]}" >&2
  set +e
  "$WISP" run "${args[@]}" <"$stdin_file" >"$WORK_DIR/stdout" 2>"$WORK_DIR/stderr"
  status=$?
  set -e
  if [[ -s "$WORK_DIR/stderr" ]]; then
    echo "  stderr:" >&2
    sed 's/^/    /' "$WORK_DIR/stderr" | head -n 40 >&2
  fi
}

expect_status() {
  [[ $status -eq $1 ]] || fail "exit status $status, expected $1"
}

# expect_stdout FILE: stdout must equal FILE (a path under expected/ or an absolute path).
expect_stdout() {
  local expected=$1
  [[ $expected == /* ]] || expected="$SOURCE_DIR/expected/$expected"
  if ! diff -u "$expected" "$WORK_DIR/stdout" >"$WORK_DIR/stdout.diff"; then
    cat "$WORK_DIR/stdout.diff" >&2
    fail "stdout differs from $expected (diff above: - expected, + got)"
  fi
}

expect_stdout_text() {
  printf '%s' "$1" >"$WORK_DIR/expected.txt"
  expect_stdout "$WORK_DIR/expected.txt"
}

# wisp_compile [WISP COMPILE ARGUMENTS...]: runs `wisp compile ...` as run() runs `wisp run`.
wisp_compile() {
  echo "+ wisp compile $*" >&2
  set +e
  "$WISP" compile "$@" </dev/null >"$WORK_DIR/stdout" 2>"$WORK_DIR/stderr"
  status=$?
  set -e
  if [[ -s "$WORK_DIR/stderr" ]]; then
    sed 's/^/  stderr: /' "$WORK_DIR/stderr" >&2
  fi
}

expect_stderr_contains() {
  grep -qF -- "$1" "$WORK_DIR/stderr" || fail "stderr does not contain: $1"
}

# A fresh, empty directory to preopen as /sandbox.
fresh_sandbox() {
  rm -rf "$WORK_DIR/sandbox"
  mkdir -p "$WORK_DIR/sandbox"
}

# The escape test's host side: `outside` with a secret next to `sandbox`, and in the sandbox
# symlinks that lead out in every way, next to some that stay inside.
escape_fixture() {
  local root=$WORK_DIR
  mkdir -p "$root/outside" "$root/sandbox/sub"
  echo secret >"$root/outside/secret.txt"
  ln -s secret.txt "$root/outside/link"
  echo inside >"$root/sandbox/inside.txt"
  (
    cd "$root/sandbox"
    ln -s "$root/outside/secret.txt" link_abs
    ln -s "$root/outside" link_abs_dir
    ln -s ../outside/secret.txt link_up
    ln -s ../outside link_up_dir
    ln -s ../../outside sub/link_up2
    ln -s / link_root
    ln -s .. link_dot_up
    ln -s chain2 chain1
    ln -s sub/chain3 chain2
    ln -s ../../outside/secret.txt sub/chain3
    ln -s chain_dir2 chain_dir1
    ln -s sub/../link_up_dir chain_dir2
    ln -s loop_b loop_a
    ln -s loop_a loop_b
    ln -s ../outside/new.txt dangling_out
    ln -s inside.txt link_inside
    ln -s ../inside.txt sub/link_back
    ln -s .. sub/up
  )
}

snapshot() {  # a listing of everything under $1, with sizes and link targets
  (cd "$1" && find . -printf '%p %y %s %l\n' | LC_ALL=C sort)
}

# ---- the tests -------------------------------------------------------------------------------

case "$name" in
  hello)
    compile hello
    run hello.wasm
    expect_status 0
    expect_stdout hello.stdout
    ;;

  args_env)
    compile args_env
    run --env GREETING=hello --env EMPTY= --env "SPACED=a b  c" args_env.wasm one "two words" "" --three
    expect_status 0
    if [[ ${AHEAD_OF_TIME:-0} == 1 ]]; then  # argv[0] is the file that was run
      sed 's/^argv\[0\]=\[args_env\.wasm\]$/argv[0]=[args_env.cwisp]/' \
        "$SOURCE_DIR/expected/args_env.stdout" >"$WORK_DIR/args_env.stdout"
      expect_stdout "$WORK_DIR/args_env.stdout"
    else
      expect_stdout args_env.stdout
    fi
    ;;

  exit_code)
    compile exit_code
    for way in return exit _Exit; do
      for code in 0 1 7 42 255; do
        run exit_code.wasm "$way" "$code"
        expect_status "$code"
        expect_stdout_text "ending with $way $code"$'\n'
      done
    done
    # A trap: the documented status, the trap and a backtrace through the program's frames.
    run exit_code.wasm trap
    expect_status $kTrapExit
    expect_stdout_text $'ending with trap 0\n'
    expect_stderr_contains "unreachable"
    expect_stderr_contains "<abort>"
    expect_stderr_contains "<main>"
    ;;

  stdin_copy)
    compile stdin_copy
    # Text and every byte value, 3 MB: more than any buffer on the way.
    { cat "$SOURCE_DIR/programs/"*.c; head -c 3000000 /dev/urandom; } >"$WORK_DIR/input"
    stdin_file="$WORK_DIR/input"
    run stdin_copy.wasm
    expect_status 0
    cmp "$WORK_DIR/input" "$WORK_DIR/stdout" || fail "stdout is not a copy of stdin"
    expect_stderr_contains "copied $(stat -c %s "$WORK_DIR/input") bytes"
    # An empty stdin.
    stdin_file=/dev/null
    run stdin_copy.wasm
    expect_status 0
    expect_stdout_text ""
    ;;

  large_output)
    compile large_output
    : "${HOST_CC:=cc}"
    command -v "$HOST_CC" >/dev/null || skip "no native C compiler '$HOST_CC' for the reference"
    "$HOST_CC" -O2 "$SOURCE_DIR/programs/large_output.c" -o "$WORK_DIR/large_output_native"
    expected=$("$WORK_DIR/large_output_native" | sha256sum | cut -d' ' -f1)
    echo "+ wisp run large_output.wasm | sha256sum" >&2
    start=$(date +%s%N)
    program=large_output.wasm
    if [[ ${AHEAD_OF_TIME:-0} == 1 ]]; then
      "$WISP" compile large_output.wasm -o large_output.cwisp || fail "wisp compile large_output.wasm"
      program=large_output.cwisp
    fi
    { "$WISP" run "$program" </dev/null 2>"$WORK_DIR/stderr"; echo $? >"$WORK_DIR/status"; } |
      sha256sum | cut -d' ' -f1 >"$WORK_DIR/sha256"
    elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    status=$(cat "$WORK_DIR/status")
    got=$(cat "$WORK_DIR/sha256")
    echo "  100 MiB through stdout in $elapsed_ms ms: sha256 $got (native build: $expected)" >&2
    cat "$WORK_DIR/stderr" >&2
    expect_status 0
    [[ $got == "$expected" ]] || fail "sha256 $got differs from the native build's $expected"
    ;;

  file_roundtrip | dir_listing | rename_unlink)
    compile "$name"
    fresh_sandbox
    run --dir "$WORK_DIR/sandbox::/sandbox" "$name.wasm" /sandbox
    expect_status 0
    expect_stdout "$name.stdout"
    # Each program cleans up after itself.
    [[ -z $(ls -A "$WORK_DIR/sandbox") ]] || fail "the sandbox is not empty afterwards: $(ls -A "$WORK_DIR/sandbox")"
    ;;

  clock_random)
    compile clock_random -D_WASI_EMULATED_PROCESS_CLOCKS -lwasi-emulated-process-clocks
    run clock_random.wasm
    expect_status 0
    expect_stdout clock_random.stdout
    ;;

  sandbox_escape)
    compile sandbox_escape
    escape_fixture
    before=$(snapshot "$WORK_DIR/outside")
    run --dir "$WORK_DIR/sandbox::/sandbox" sandbox_escape.wasm
    expect_status 0
    expect_stdout sandbox_escape.stdout
    after=$(snapshot "$WORK_DIR/outside")
    [[ "$before" == "$after" ]] || fail "the directory outside changed:"$'\n'"$before"$'\n---\n'"$after"
    [[ $(cat "$WORK_DIR/outside/secret.txt") == secret ]] || fail "outside/secret.txt changed"
    ;;

  rights)
    compile rights
    fresh_sandbox
    run --dir "$WORK_DIR/sandbox::/sandbox" rights.wasm
    expect_status 0
    expect_stdout rights.stdout
    ;;

  bad_pointers)
    compile bad_pointers
    fresh_sandbox
    run --dir "$WORK_DIR/sandbox::/sandbox" bad_pointers.wasm
    expect_status 0
    expect_stdout bad_pointers.stdout
    ;;

  run_cli)
    # What `wisp run` says about modules and options it cannot run.
    compile hello
    run missing.wasm
    expect_status 1
    expect_stderr_contains "cannot read 'missing.wasm'"
    run --dir "$WORK_DIR/no-such-dir" hello.wasm
    expect_status 2
    expect_stderr_contains "cannot open the directory to preopen, $WORK_DIR/no-such-dir"
    run --dir ::/x hello.wasm
    expect_status 2
    expect_stderr_contains "--dir ::/x: no host directory"
    # A reactor is not a command; its functions run with --invoke, after _initialize.
    compile reactor -mexec-model=reactor
    run reactor.wasm
    expect_status 2
    expect_stderr_contains "reactor.wasm is not a WASI command: it has no \`_start\` export"
    run --invoke add_offset reactor.wasm 2 3
    expect_status 0
    expect_stdout_text $'add_offset(2, 3) with offset 1000\n1005\n'
    ;;

  compile_cli)
    # `wisp compile` and what `wisp run` says about compiled modules it cannot load.
    compile hello
    wisp_compile hello.wasm -o hello.cwisp
    expect_status 0
    run hello.cwisp
    expect_status 0
    expect_stdout hello.stdout
    # The same module compiles to the same file.
    wisp_compile hello.wasm -o again.cwisp
    cmp hello.cwisp again.cwisp || fail "two compilations of hello.wasm differ"
    wisp_compile missing.wasm -o missing.cwisp
    expect_status 1
    expect_stderr_contains "cannot read 'missing.wasm'"
    wisp_compile hello.wasm
    expect_status 2
    expect_stderr_contains "--output is required"
    wisp_compile hello.cwisp -o twice.cwisp
    expect_status 1
    expect_stderr_contains "hello.cwisp is a compiled module already"
    wisp_compile hello.wasm -o "$WORK_DIR/no-such-dir/hello.cwisp"
    expect_status 1
    expect_stderr_contains "cannot write '$WORK_DIR/no-such-dir/hello.cwisp'"
    # Cut short, changed, or for other settings: refused, saying why.
    head -c 100 hello.cwisp >cut.cwisp
    run cut.cwisp
    expect_status 1
    expect_stderr_contains "cut.cwisp: cannot load serialized module at byte 0x10"
    expect_stderr_contains "(truncated)"
    python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 1; open(sys.argv[2], "wb").write(b)' \
      hello.cwisp changed.cwisp
    run changed.cwisp
    expect_status 1
    expect_stderr_contains "corrupted: the checksum of its contents does not match"
    run --bounds-checks explicit hello.cwisp
    expect_status 1
    expect_stderr_contains "compiled for guard-region memories, this engine uses explicit bounds checks"
    wisp_compile --bounds-checks explicit hello.wasm -o explicit.cwisp
    expect_status 0
    run --bounds-checks explicit explicit.cwisp
    expect_status 0
    expect_stdout hello.stdout
    # Code for the baseline CPU runs on this one.
    wisp_compile --cpu-features baseline hello.wasm -o baseline.cwisp
    expect_status 0
    run baseline.cwisp
    expect_status 0
    expect_stdout hello.stdout
    # Fuel metering compiled in: runs with --fuel, and only with it.
    wisp_compile --consume-fuel hello.wasm -o fuel.cwisp
    expect_status 0
    run --fuel 100000000 fuel.cwisp
    expect_status 0
    expect_stdout hello.stdout
    run fuel.cwisp
    expect_status 1
    expect_stderr_contains "compiled with fuel metering, this engine is without it"
    run --fuel 100 fuel.cwisp
    expect_status 134
    expect_stderr_contains "all fuel consumed"
    ;;

  *)
    fail "no such WASI test (see the case list in $0)"
    ;;
esac
echo "passed: wasi/$name" >&2
